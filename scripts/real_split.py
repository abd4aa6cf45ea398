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

Usage: python scripts/real_split.py FILE.csv [FILE.csv ...] [--out DIR]
Then:  newsbot eval feeds DIR/<stem>-dev.csv --errors ; newsbot eval feeds DIR/<stem>-heldout.csv
"""

from __future__ import annotations

import argparse
import csv
import hashlib
from pathlib import Path


def half(title: str) -> str:
    """ "dev" or "heldout" for a title (stable: a hash, not Python's salted hash())."""
    key = title.strip().casefold().encode()
    return "dev" if hashlib.sha256(key).digest()[0] % 2 == 0 else "heldout"


def split(path: Path, out: Path) -> None:
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        fields = list(reader.fieldnames or ())
        rows = list(reader)
    for name in ("dev", "heldout"):
        chosen = [r for r in rows if half(r["title"]) == name]
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
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for name in args.csv:
        split(Path(name), out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
