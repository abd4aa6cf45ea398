"""Evaluate the DENIAL decision exactly as alerts use it, on headlines and on feed items.

Owns the scoring behind `newsbot eval stance` and `newsbot eval feeds`. Both run
`bot.context.analyze.analyze` — the call the poller makes for every stored item, with language
detection and the outlet registry — and read `denial.is_denial`, the label an alert carries:

- `evaluate` / `evaluate_csv`: Emergent-format headlines (`articleHeadline`,
  `articleHeadlineStance`); "against" = the DENIAL label on the headline alone, "for" /
  "observing" from `denials.other_stance`; precision, recall and F1 of "against",
  a confusion table, accuracy, and every row (`rows`: headline, gold, predicted).
- `evaluate_items` / `evaluate_items_csv`: item-level labels on feed items (`title`, `summary`
  or `text`, `label` 1/0, optional `lang`, `link`): precision, recall and F1 overall and per
  language, and every row.

Development data lives outside the package (../shared/data/stance, see its PROVENANCE.md;
tests/data/denials for the team's own labels); nothing here ships a data set.

Run: ``python -m bot.context.stance_eval PATH.csv [--errors]``.
"""

from __future__ import annotations

import argparse
import csv
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

from bot.context.analyze import analyze
from bot.context.denials import headline_cues, other_stance
from bot.context.outlets import OutletRegistry
from bot.errors import ConfigError

LABELS: tuple[str, ...] = ("against", "for", "observing")


@lru_cache(maxsize=1)
def _registry() -> OutletRegistry:
    return OutletRegistry.default()


def alert_stance(headline: str) -> str:
    """A headline's stance through the alert path: "against" iff an alert would say DENIAL."""
    ctx = analyze(headline, "", resolver=_registry())
    return "against" if ctx.denial.is_denial else other_stance(headline)


def evaluate(
    rows: Iterable[tuple[str, str]],
    classify: Callable[[str], str] = alert_stance,
    *,
    keep_errors: bool = False,
) -> dict[str, Any]:
    """Score (headline, gold label) pairs; the "against" class is the one that matters."""
    confusion: dict[str, dict[str, int]] = {g: dict.fromkeys(LABELS, 0) for g in LABELS}
    n = correct = tp = fp = fn = 0
    errors: list[dict[str, str]] = []
    scored: list[dict[str, str]] = []
    for headline, gold in rows:
        gold = gold.strip().lower()
        if gold not in confusion:
            continue
        pred = classify(headline)
        scored.append({"headline": headline, "gold": gold, "predicted": pred})
        n += 1
        confusion[gold][pred] = confusion[gold].get(pred, 0) + 1
        correct += pred == gold
        if pred == "against" and gold == "against":
            tp += 1
        elif pred == "against":
            fp += 1
            if keep_errors:
                errors.append({"kind": "fp", "gold": gold, "headline": headline})
        elif gold == "against":
            fn += 1
            if keep_errors:
                errors.append({"kind": "fn", "gold": gold, "headline": headline})
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    result: dict[str, Any] = {
        "n": n,
        "against": {
            "precision": precision,
            "recall": recall,
            "f1": f1,
            "tp": tp,
            "fp": fp,
            "fn": fn,
        },
        "confusion": confusion,
        "accuracy": correct / n if n else 0.0,
        "rows": scored,
    }
    if keep_errors:
        result["errors"] = errors
    return result


def read_emergent(path: str | Path) -> list[tuple[str, str]]:
    """(headline, stance) pairs from an Emergent CSV file.

    Raises ConfigError naming the file and line for a missing column or a stance that is not
    for / against / observing, rather than scoring a silently shortened file."""
    pairs: list[tuple[str, str]] = []
    name = str(path)
    with Path(path).open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        missing = {"articleHeadline", "articleHeadlineStance"} - set(reader.fieldnames or ())
        if missing:
            raise ConfigError(f"missing column(s) {', '.join(sorted(missing))}", path=name, line=1)
        for row in reader:
            stance = (row.get("articleHeadlineStance") or "").strip()
            if stance not in LABELS:
                raise ConfigError(
                    f"stance {stance!r} is not one of {', '.join(LABELS)} (a headline with a "
                    "comma must be quoted)",
                    path=name,
                    line=reader.line_num,
                    field="articleHeadlineStance",
                )
            pairs.append((row["articleHeadline"], stance))
    return pairs


def evaluate_csv(path: str | Path, *, keep_errors: bool = False) -> dict[str, Any]:
    """`evaluate` over an Emergent-format CSV file."""
    return evaluate(read_emergent(path), keep_errors=keep_errors)


def _prf(tp: int, fp: int, fn: int) -> dict[str, float | int]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "tp": tp, "fp": fp, "fn": fn}


def evaluate_items(items: Iterable[dict[str, str]]) -> dict[str, Any]:
    """Score item-level DENIAL labels: each item is analysed as the poller analyses it."""
    counts: dict[str, list[int]] = {}  # language → [tp, fp, fn, n]
    rows: list[dict[str, Any]] = []
    for item in items:
        gold = item["label"] == "1"
        ctx = analyze(
            item["title"],
            item.get("text") or item.get("summary") or "",
            url=item.get("link") or None,
            resolver=_registry(),
        )
        pred = ctx.denial.is_denial
        lang = item.get("lang") or ctx.language or "und"
        for key in ("all", lang):
            c = counts.setdefault(key, [0, 0, 0, 0])
            c[0] += pred and gold
            c[1] += pred and not gold
            c[2] += gold and not pred
            c[3] += 1
        rows.append(
            {
                "title": item["title"],
                "lang": lang,
                "detected_language": ctx.language,
                "gold": int(gold),
                "predicted": int(pred),
                "cues": list(ctx.denial.cues),
            }
        )
    by_lang = {k: {"n": c[3], **_prf(c[0], c[1], c[2])} for k, c in sorted(counts.items())}
    return {
        "n": len(rows),
        "denial": by_lang.pop("all", {"n": 0, **_prf(0, 0, 0)}),
        "languages": by_lang,
        "rows": rows,
    }


_LABELS_TRUE = {"1", "yes", "true", "denial"}
_LABELS_FALSE = {"0", "no", "false", ""}


def read_items(path: str | Path) -> list[dict[str, str]]:
    """Feed items with labels from a CSV file (`title`, `summary` or `text`, `label`; or the
    headline-set layout `headline`, `lead`, `label`)."""
    name = str(path)
    rename = {"headline": "title", "lead": "summary"}
    out: list[dict[str, str]] = []
    with Path(path).open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        fields = {rename.get(f, f) for f in reader.fieldnames or ()}
        missing = {"title", "label"} - fields
        if missing:
            raise ConfigError(f"missing column(s) {', '.join(sorted(missing))}", path=name, line=1)
        for raw in reader:
            row = {rename.get(k, k): (v or "") for k, v in raw.items() if k}
            label = row.get("label", "").strip().lower()
            if label not in _LABELS_TRUE | _LABELS_FALSE:
                raise ConfigError(
                    f"label {label!r} is not 1 or 0", path=name, line=reader.line_num, field="label"
                )
            out.append(row | {"label": "1" if label in _LABELS_TRUE else "0"})
    return out


def evaluate_items_csv(*paths: str | Path) -> dict[str, Any]:
    """`evaluate_items` over one or more labelled CSV files, scored together (and per
    language): the real-feed figure "over all languages" is one run over every set."""
    return evaluate_items([row for path in paths for row in read_items(path)])


def format_items_report(result: dict[str, Any], *, errors: bool = False) -> str:
    """A short human-readable report of an `evaluate_items` result."""
    lines = [f"items: {result['n']}"]
    for key, c in [("all", result["denial"]), *result["languages"].items()]:
        lines.append(
            f"{key:>4}: n {c['n']:>5}  precision {c['precision']:.3f}  recall {c['recall']:.3f}"
            f"  F1 {c['f1']:.3f}  (tp {c['tp']}, fp {c['fp']}, fn {c['fn']})"
        )
    if errors:
        for row in result["rows"]:
            if row["gold"] != row["predicted"]:
                kind = "fp" if row["predicted"] else "fn"
                lines.append(f"{kind} [{row['lang']}] {row['title']}  <{', '.join(row['cues'])}>")
    return "\n".join(lines)


def format_report(result: dict[str, Any]) -> str:
    """A short human-readable report of an `evaluate` result."""
    a = result["against"]
    lines = [
        f"headlines: {result['n']}",
        f"against: precision {a['precision']:.3f}  recall {a['recall']:.3f}  F1 {a['f1']:.3f}"
        f"  (tp {a['tp']}, fp {a['fp']}, fn {a['fn']})",
        f"accuracy (3 classes): {result['accuracy']:.3f}",
        "confusion (rows gold, columns predicted):",
        "  " + " ".join(f"{label:>10}" for label in ("", *LABELS)),
    ]
    for gold, preds in result["confusion"].items():
        lines.append("  " + f"{gold:>10} " + " ".join(f"{preds.get(p, 0):>10}" for p in LABELS))
    for err in result.get("errors", []):
        cues = ", ".join(h.cue for h in headline_cues(err["headline"])) or "-"
        lines.append(f"{err['kind']} [{err['gold']}] {err['headline']}  <{cues}>")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("csv", help="Emergent-format CSV (articleHeadline, articleHeadlineStance)")
    parser.add_argument("--errors", action="store_true", help="list false positives/negatives")
    args = parser.parse_args(argv)
    print(format_report(evaluate_csv(args.csv, keep_errors=args.errors)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
