#!/usr/bin/env python3
"""Export every entry of every feed under a folder to a CSV for hand labelling.

This script owns one step: turning captured feed files into the rows of
`tests/data/denials/feeds_items.csv`. Each file goes through `bot.ingest.parse.parse_feed`,
the function the poller runs (which normalises with `bot.ingest.normalize`), so a row's title
and summary are exactly the text the bot analyses. The summary is cut to `--max-summary`
characters so the file stays readable; the lead (its first sentence) always survives.

Labels are written by a person, never by this script. With `--keep FILE` the `lang`, `label`,
`denier`, `denied` and `note` columns of an already labelled CSV are carried over to rows with
the same feed, link and title, so re-exporting after a parser change loses no labelling work.

Usage: python scripts/export_feed_items.py FOLDER [--out FILE] [--keep FILE] [--max-summary N]
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bot.ingest.parse import parse_feed  # noqa: E402

COLUMNS = ("feed", "link", "title", "summary", "lang", "label", "denier", "denied", "note")
# Columns a person fills in; everything else comes from the feed.
HAND_COLUMNS = ("lang", "label", "denier", "denied", "note")
FEED_SUFFIXES = frozenset({".xml", ".rss", ".atom"})
MAX_SUMMARY = 600


def feed_files(folder: Path) -> list[Path]:
    """Every feed document under `folder`, in a stable order."""
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix in FEED_SUFFIXES)


def export_rows(folder: Path, max_summary: int = MAX_SUMMARY) -> Iterator[dict[str, str]]:
    """One row per parsed entry, hand columns empty; a feed that fails to parse is reported
    on stderr in one line and skipped."""
    for path in feed_files(folder):
        name = path.relative_to(folder).as_posix()
        parsed = parse_feed(path.read_bytes(), path.resolve().as_uri())
        if parsed.error:
            print(f"{name}: skipped: {parsed.error}", file=sys.stderr)
            continue
        for entry in parsed.entries:
            row = dict.fromkeys(COLUMNS, "")
            row.update(
                feed=name,
                link=entry.link or "",
                title=entry.title,
                summary=entry.summary[:max_summary],
            )
            yield row


def _key(row: dict[str, str]) -> tuple[str, str, str]:
    return row["feed"], row["link"], row["title"]


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def carry_over(
    rows: Iterable[dict[str, str]], kept: Iterable[dict[str, str]]
) -> list[dict[str, str]]:
    """`rows` with the hand columns of the matching `kept` row filled in."""
    by_key = {_key(row): row for row in kept}
    out = []
    for row in rows:
        old = by_key.get(_key(row))
        if old is not None:
            row.update({column: old.get(column, "") for column in HAND_COLUMNS})
        out.append(row)
    return out


def write_rows(rows: Iterable[dict[str, str]], out: Path | None) -> int:
    handle = out.open("w", newline="", encoding="utf-8") if out else sys.stdout
    try:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        count = 0
        for row in rows:
            writer.writerow(row)
            count += 1
        return count
    finally:
        if out:
            handle.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="folder holding feed files (searched deeply)")
    parser.add_argument("--out", type=Path, help="CSV to write (default: standard output)")
    parser.add_argument("--keep", type=Path, help="labelled CSV whose hand columns to carry over")
    parser.add_argument("--max-summary", type=int, default=MAX_SUMMARY)
    args = parser.parse_args(argv)
    if not args.folder.is_dir():
        print(f"error: {args.folder} is not a folder", file=sys.stderr)
        return 2
    rows: Iterable[dict[str, str]] = export_rows(args.folder, args.max_summary)
    if args.keep:
        if not args.keep.is_file():
            print(f"error: {args.keep} does not exist", file=sys.stderr)
            return 2
        rows = carry_over(rows, read_rows(args.keep))
    count = write_rows(rows, args.out)
    print(f"{count} items from {len(feed_files(args.folder))} feed files", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
