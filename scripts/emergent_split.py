#!/usr/bin/env python3
"""Split an Emergent-format CSV into a dev half and a held-out half, one claim per half.

This script owns one step: a deterministic split for developing the denial grammar honestly.
A row goes to the half given by the parity of the first byte of SHA-256(claimId), so every
headline about one claim stays in one half and the split never changes between runs or
machines. Study only the dev half's errors; score the held-out half once, at the end.

The halves are written outside the repository (default: /tmp/emergent-split): stance data is
for evaluation only and is never committed or shipped.

Usage: python scripts/emergent_split.py EMERGENT.csv [--out DIR]
Then:  newsbot eval stance DIR/dev.csv --errors ; newsbot eval stance DIR/heldout.csv
"""

from __future__ import annotations

import argparse
import csv
import hashlib
from pathlib import Path


def half(claim_id: str) -> str:
    """ "dev" or "heldout" for a claim id (stable: a hash, not Python's salted hash())."""
    return "dev" if hashlib.sha256(claim_id.encode()).digest()[0] % 2 == 0 else "heldout"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("csv", help="Emergent-format CSV with a claimId column")
    parser.add_argument("--out", default="/tmp/emergent-split", help="folder for the halves")
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with Path(args.csv).open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        fields = list(reader.fieldnames or ())
        rows = list(reader)
    for name in ("dev", "heldout"):
        chosen = [r for r in rows if half(r["claimId"]) == name]
        with (out / f"{name}.csv").open("w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=fields)
            writer.writeheader()
            writer.writerows(chosen)
        against = sum(r["articleHeadlineStance"] == "against" for r in chosen)
        claims = len({r["claimId"] for r in chosen})
        print(f"{name}: {len(chosen)} headlines, {claims} claims, {against} against")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
