#!/usr/bin/env python3
"""Split a labelled feed-items CSV into a dev half and a held-out half, by title.

This script owns one step: a deterministic split of the real labelled sets
(`tests/data/denials/*_real_items.csv`, or any `newsbot eval feeds` CSV) for developing the
denial grammar honestly. A row goes to the half given by the parity of the first byte of
SHA-256(title, stripped and case-folded), so repeats of one headline stay in one half and the
split never changes between runs or machines. Study only the dev half's errors; score the
held-out half to check, never to fit.

The halves are written outside the repository (default: /tmp/real-split/<stem>-dev.csv and
<stem>-heldout.csv): they are derived, so they are never committed.

The fresh sets es_fresh2 and ru_fresh2 were split by `--by link` (SHA-256 of the link, or of the
title where a row has none, as written), so their halves are the ones studied and held out in
session 9; keep that key for them.

Usage: python scripts/real_split.py FILE.csv [FILE.csv ...] [--out DIR] [--by title|link]
Then:  newsbot eval feeds DIR/<stem>-dev.csv --errors ; newsbot eval feeds DIR/<stem>-heldout.csv
"""

from __future__ import annotations

import argparse
import csv
import hashlib
from pathlib import Path


def half(title: str) -> str:
    """ "dev" or "heldout" for a title (stable: a hash, not Python's salted hash())."""
    return _half_of(title.strip().casefold())


def _half_of(key: str) -> str:
    return "dev" if hashlib.sha256(key.encode()).digest()[0] % 2 == 0 else "heldout"


def _row_half(row: dict[str, str], by: str) -> str:
    if by == "link":
        return _half_of(row.get("link") or row["title"])
    return half(row["title"])


def split(path: Path, out: Path, by: str = "title") -> None:
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        fields = list(reader.fieldnames or ())
        rows = list(reader)
    for name in ("dev", "heldout"):
        chosen = [r for r in rows if _row_half(r, by) == name]
        target = out / f"{path.stem}-{name}.csv"
        with target.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=fields)
            writer.writeheader()
            writer.writerows(chosen)
        positives = sum(r["label"].strip() == "1" for r in chosen)
        print(f"{target}: {len(chosen)} items, {positives} denials")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("csv", nargs="+", help="labelled CSV with title and label columns")
    parser.add_argument("--out", default="/tmp/real-split", help="folder for the halves")
    parser.add_argument(
        "--by", choices=("title", "link"), default="title", help="the key hashed (default title)"
    )
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for name in args.csv:
        split(Path(name), out, args.by)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
