"""Golden outputs of the per-item context work: what a change to its speed must not change.

Owns the item list (every row of tests/data/denials/*.csv and every entry of the feeds in
tests/data/feeds) and one line per item of hashes of what the worker computes for it:
`analyze_batch`'s context (the whole stored JSON: entities, denial, summary, language), its
LSH bands, and `extract_entities` without a resolver (the fallback outlet pattern) and
without a language (the script decides). `write` records them, `check` lists the items whose
outputs differ (exit 1 when any do). `--shared DIR` adds the benchmark corpus's items.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import json
import sys
from pathlib import Path

from bot.context.entities import extract_entities
from bot.context.pipeline import analyze_batch
from bot.ingest.parse import parse_feed

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
GOLDEN = DATA / "golden" / "context.tsv"

Item = tuple[str, str, str | None, None, str | None]


def items() -> list[tuple[str, Item]]:
    """(item id, analyze_batch item) for every test-data item, in a fixed order."""
    out: list[tuple[str, Item]] = []
    for path in sorted((DATA / "denials").glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as f:
            for n, row in enumerate(csv.DictReader(f)):
                title = row.get("headline") or row.get("title") or ""
                text = row.get("lead") or row.get("summary") or ""
                out.append(
                    (
                        f"{path.name}:{n}",
                        (title, text, row.get("link") or None, None, row.get("lang") or None),
                    )
                )
    feeds = sorted(p for p in (DATA / "feeds").rglob("*") if p.suffix in {".xml", ".gz"})
    for path in feeds:
        body = path.read_bytes()
        if path.suffix == ".gz":
            body = gzip.decompress(body)
        parsed = parse_feed(body, f"http://127.0.0.1/{path.name}")
        for n, e in enumerate(parsed.entries):
            out.append(
                (
                    f"{path.relative_to(DATA)}:{n}",
                    (e.title, e.text or e.summary, e.canonical_url or e.link, None, e.language),
                )
            )
    return out


def _h(value: object) -> str:
    blob = json.dumps(value, ensure_ascii=False, sort_keys=True).encode()
    return hashlib.blake2b(blob, digest_size=6).hexdigest()


def outputs(batch: list[tuple[str, Item]]) -> list[str]:
    """One tab-separated line per item: id, language, context, bands, bare entities."""
    lines = []
    for (ident, item), (ctx, bands, stored) in zip(
        batch, analyze_batch([i for _k, i in batch]), strict=True
    ):
        assert ctx is not None
        bare = extract_entities(item[0], item[1])
        lines.append(
            "\t".join(
                [
                    ident,
                    str(ctx.language),
                    _h(stored),
                    _h(list(bands)),
                    _h([[e.name, e.kind, e.role] for e in bare]),
                ]
            )
        )
    return lines


def _warm() -> None:
    """Load the models (fastText, pymorphy3, the registry) before the batches: a batch past
    FEED_TIME_BUDGET analyses the rest of its items on their lead only, so a slow first load on
    a loaded machine must not count against the first batch (that made the check flaky)."""
    analyze_batch(
        [
            ("Rostec denies the report", "Rostec denied the report.", None, None, None),
            ("Ростех опроверг сообщения СМИ", "Ростех опроверг сообщения СМИ.", None, None, None),
            ("El Gobierno niega el informe", "El Gobierno niega el informe.", None, None, None),
        ]
    )


def _all(shared: str | None) -> list[str]:
    batch = items()
    _warm()
    lines: list[str] = []
    for at in range(0, len(batch), 50):  # feed-sized batches, as the worker sees them
        lines += outputs(batch[at : at + 50])
    if shared:
        sys.path.insert(0, str(ROOT / "benchmarks"))
        from common import load_corpus, rss_body

        corpus = load_corpus()
        for f in range(60):
            p = parse_feed(rss_body(corpus, 1, f, 0, 30), f"http://127.0.0.1/f/{f}.xml")
            feed = [
                (
                    f"bench:{f}:{n}",
                    (e.title, e.text or e.summary, e.canonical_url or e.link, None, e.language),
                )
                for n, e in enumerate(p.entries)
            ]
            lines += outputs(feed)
    return lines


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("action", choices=["write", "check"])
    ap.add_argument("--file", type=Path, default=GOLDEN)
    ap.add_argument("--shared", help="also the benchmark corpus (NEWSBOT_SHARED)")
    args = ap.parse_args()
    lines = _all(args.shared)
    if args.action == "write":
        args.file.write_text("\n".join(lines) + "\n", encoding="utf-8")
        print(f"{len(lines)} items written to {args.file}")
        return 0
    want = args.file.read_text(encoding="utf-8").splitlines()
    bad = [f"{a}\n  != {b}" for a, b in zip(want, lines, strict=False) if a != b]
    if len(want) != len(lines):
        bad.append(f"{len(want)} golden items, {len(lines)} now")
    print("\n".join(bad) or f"{len(lines)} items identical")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
