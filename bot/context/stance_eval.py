"""Evaluate the headline stance classifier on Emergent-format data.

Owns the scoring of `bot.context.denials.classify_headline` against gold labels: precision,
recall and F1 of the "against" class (a headline that denies or debunks its claim), a confusion
table and accuracy over the three Emergent labels. Reads the Emergent CSV layout
(`articleHeadline`, `articleHeadlineStance`). Development data lives outside the package
(../shared/data/stance, see its PROVENANCE.md); nothing here ships a data set.

Run: ``python -m bot.context.stance_eval PATH.csv [--errors]``.
"""

from __future__ import annotations

import argparse
import csv
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from bot.context.denials import classify_headline, headline_cues
from bot.errors import ConfigError

LABELS: tuple[str, ...] = ("against", "for", "observing")


def evaluate(
    rows: Iterable[tuple[str, str]],
    classify: Callable[[str], str] = classify_headline,
    *,
    keep_errors: bool = False,
) -> dict[str, Any]:
    """Score (headline, gold label) pairs; the "against" class is the one that matters."""
    confusion: dict[str, dict[str, int]] = {g: dict.fromkeys(LABELS, 0) for g in LABELS}
    n = correct = tp = fp = fn = 0
    errors: list[dict[str, str]] = []
    for headline, gold in rows:
        gold = gold.strip().lower()
        if gold not in confusion:
            continue
        pred = classify(headline)
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
