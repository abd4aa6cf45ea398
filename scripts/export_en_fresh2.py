#!/usr/bin/env python3
"""Export the blind English evaluation set `tests/data/denials/en_fresh2_headlines.csv`.

This script owns one step: turning five whole feed snapshots committed to public GitHub
repositories (students' RSS-scraper exercises run on 2025-05-20..29 against the same list of
world news feeds: BBC, CNN, Al Jazeera, DW, RT, TASS, China Daily, The Hindu, the Guardian,
...) into CSV rows for hand labelling. Every entry of every snapshot is read; entries of the
outlets that publish in another language are left out by outlet (never by reading them), and
a title already exported from an earlier snapshot is not repeated (the snapshots overlap by
days). Title and summary go through `bot.ingest.normalize`, the poller's normaliser; the
summary is cut to 600 characters at a word. Rows come out in a fixed shuffled order (seed 14).

Labels are written by a person, never by this script. With `--keep FILE` the hand columns of
an already labelled CSV are carried over to rows with the same link and title.

The snapshots are read with `git show` from bare clones under MIRRORS (one folder per
repository, named `owner+name`, holding `repo/`), at the commits pinned in `SNAPSHOTS`.

Usage: python scripts/export_en_fresh2.py MIRRORS [--out FILE] [--keep FILE]
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import random
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bot.ingest.normalize import html_to_line  # noqa: E402

COLUMNS = ("source", "link", "title", "summary", "lang", "label", "denier", "denied", "note")
HAND_COLUMNS = ("lang", "label", "denier", "denied", "note")
MAX_SUMMARY = 600
SEED = 14

# Outlets whose feeds in these snapshots are not in English (Spanish, Italian, Japanese,
# Portuguese, French). Chosen by outlet before any item was read.
NOT_ENGLISH = frozenset(
    {
        "El País",
        "El Pais",
        "ANSA",
        "NHK",
        "Folha de S.Paulo",
        "G1",
        "Clarín",
        "Excélsior",
        "Le Monde",
    }
)
# One name per outlet across the snapshots (each scraper spelt them its own way).
OUTLET = {
    "feeds.bbci.co.uk": "BBC",
    "BBC News": "BBC",
    "Unknown": "BBC",  # rakshasinha1908: its first feed, feeds.bbci.co.uk, has no name
    "rss.cnn.com": "CNN",
    "www.aljazeera.com": "Al Jazeera",
    "timesofindia.indiatimes.com": "Times of India",
    "TOI": "Times of India",
    "www.abc.net.au": "ABC Australia",
    "ABC": "ABC Australia",
    "www.france24.com": "France 24",
    "www.chinadaily.com.cn": "China Daily",
    "tass.com": "TASS",
    "www.hurriyetdailynews.com": "Hurriyet Daily News",
    "Hurriyet": "Hurriyet Daily News",
    "mexiconewsdaily.com": "Mexico News Daily",
    "g1.globo.com": "G1",
    "www.ansa.it": "ANSA",
    "www3.nhk.or.jp": "NHK",
    "DW News": "DW",
    "RT News": "RT",
    "Channel News Asia": "CNA",
    "NYTimes": "New York Times",
    "Daily Star": "The Daily Star (Bangladesh)",
    "The Star": "The Star (Malaysia)",
    "Der Spiegel": "Der Spiegel International",
    "Global News": "Global News (Canada)",
}


@dataclass(frozen=True)
class Snapshot:
    """One committed scraper output: which repository, commit and file, and its field names."""

    repo: str  # owner/name
    commit: str
    path: str
    captured: str  # the capture date as the file's items and commit show it
    title: str
    summary: str
    link: str
    outlet: str


SNAPSHOTS = (
    Snapshot(
        "Satyakushwaha/News-Scrapper",
        "5844a038c62f00b60f4e9f239a7455067569c226",
        "output/news_data.json",
        "2025-05-20",
        "title",
        "summary",
        "link",
        "source",
    ),
    Snapshot(
        "rakshasinha1908/rss-news-scraper",
        "f7cbb386a03025511d922567605426d15181fd72",
        "output.csv",
        "2025-05-21",
        "Title",
        "Summary",
        "URL",
        "Source",
    ),
    Snapshot(
        "testgithubrit11189/rssfeed-parsing",
        "19b94714296cb2c48e0806644efe6b0936d29f29",
        "news_articles.csv",
        "2025-05-22",
        "title",
        "summary",
        "link",
        "source",
    ),
    Snapshot(
        "Blazzzeee/RSSFeed",
        "9cc428d977e59a6b8488f5341b48eb31161b9fbc",
        "news_data.json",
        "2025-05-28",
        "title",
        "description",
        "link",
        "source",
    ),
    Snapshot(
        "KatrielMoses/news-scraping",
        "a6271f2eac23e0331cb715fcd4f1862e8c813db7",
        "news_data.json",
        "2025-05-29",
        "title",
        "summary",
        "link",
        "source",
    ),
)


def read_snapshot(mirrors: Path, snap: Snapshot) -> list[dict[str, str]]:
    """Every record of the snapshot file, as the scraper wrote it."""
    git_dir = mirrors / snap.repo.replace("/", "+") / "repo"
    raw = subprocess.run(
        ["git", "--git-dir", str(git_dir), "show", f"{snap.commit}:{snap.path}"],
        capture_output=True,
        check=True,
    ).stdout.decode("utf-8")
    if snap.path.endswith(".json"):
        records = json.loads(raw)
        return [{k: "" if v is None else str(v) for k, v in r.items()} for r in records]
    return list(csv.DictReader(io.StringIO(raw)))


def cut(text: str, limit: int = MAX_SUMMARY) -> str:
    """`text` at most `limit` characters long, cut at a word."""
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0]


def export_rows(mirrors: Path) -> Iterator[dict[str, str]]:
    """One row per English entry not seen in an earlier snapshot, hand columns empty."""
    seen: set[str] = set()
    for snap in SNAPSHOTS:
        for record in read_snapshot(mirrors, snap):
            name = record.get(snap.outlet, "")
            outlet = OUTLET.get(name, name)
            if outlet in NOT_ENGLISH:
                continue
            title = html_to_line(record.get(snap.title, ""))
            key = " ".join(title.casefold().split())
            if not title or key in seen:
                continue
            seen.add(key)
            row = dict.fromkeys(COLUMNS, "")
            row.update(
                source=f"{snap.repo} {snap.path} @ {snap.commit[:12]} ({snap.captured}; {outlet})",
                link=record.get(snap.link, "").strip(),
                title=title,
                summary=cut(html_to_line(record.get(snap.summary, ""), 4000)),
            )
            yield row


def carry_over(rows: list[dict[str, str]], kept_path: Path) -> list[dict[str, str]]:
    """`rows` with the hand columns of the matching row of `kept_path` filled in."""
    with kept_path.open(newline="", encoding="utf-8") as handle:
        kept = {(r["link"], r["title"]): r for r in csv.DictReader(handle)}
    for row in rows:
        old = kept.get((row["link"], row["title"]))
        if old is not None:
            row.update({column: old.get(column, "") for column in HAND_COLUMNS})
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mirrors", type=Path, help="folder of bare clones named owner+name")
    parser.add_argument("--out", type=Path, help="CSV to write (default: standard output)")
    parser.add_argument("--keep", type=Path, help="labelled CSV whose hand columns to carry over")
    args = parser.parse_args(argv)
    rows = list(export_rows(args.mirrors))
    random.Random(SEED).shuffle(rows)
    if args.keep:
        rows = carry_over(rows, args.keep)
    handle = args.out.open("w", newline="", encoding="utf-8") if args.out else sys.stdout
    try:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    finally:
        if args.out:
            handle.close()
    print(f"{len(rows)} rows from {len(SNAPSHOTS)} snapshots", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
