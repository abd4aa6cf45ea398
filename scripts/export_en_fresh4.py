#!/usr/bin/env python3
"""Export the blind English evaluation set `tests/data/denials/en_fresh4_headlines.csv`.

This script owns one step: turning whole files committed to public GitHub repositories into
CSV rows for hand labelling (issue #12, task label14en4):

- `orx365/rss-arch` (MIT): an archive.is reformatter that commits the WSJ "World News" RSS feed
  (`output/wsj_world.xml`, ~56-75 items) every two hours since 2025-04-19. Whole snapshots are
  taken on a fixed date schedule (the last commit of every 24th day from the first, chosen by
  date before any item was read); every entry of each snapshot is taken. `summary` is the
  feed's own description.
- `elanthus/news-briefing` (MIT): the five later daily corpora its fetcher committed
  (2026-08-12, -13, -15, -17, -18), each every item of the last 24 hours of its RSS feeds
  (capped by count per feed and section, never by content); the news sections `us_politics`,
  `us_news` and `world` are used, the `ai_tech` and `dev_community` sections are not.
- `ThisIsNotANamepng/news-headlines-bot` (no licence stated): `output.csv`, two front-page
  headline scrapes of ten US/UK outlets on 2026-01-02 (headline only, no summary). The rows of
  the general-news outlets (AP, BBC, CNN, Fox News, the Guardian world page, NPR, NYT) are
  taken; Forbes, USA Today and the Guardian US front page (business / lifestyle heavy) are left
  out by outlet.

Left out, never by reading the item: any title (case and spacing ignored) already in a CSV
given with `--exclude` or exported earlier from these files. Title and summary go through
`bot.ingest.normalize.html_to_line`, the poller's normaliser; the summary is cut to 600
characters at a word. Rows come out in a fixed shuffled order (seed 16). Labels are written by
a person, never by this script; `--keep FILE` carries the hand columns of a labelled CSV over
to rows with the same source and title.

Usage: python scripts/export_en_fresh4.py MIRRORS [--out FILE] [--keep FILE] [--exclude CSV ...]
(MIRRORS holds bare clones as `owner+name/repo`).
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import subprocess
from pathlib import Path

import feedparser

from bot.ingest.normalize import html_to_line

FIELDS = ["source", "link", "title", "summary", "lang", "label", "denier", "denied", "note"]
WSJ = "orx365/rss-arch"
WSJ_PATH = "output/wsj_world.xml"
WSJ_STEP_DAYS = 24
BRIEFING = "elanthus/news-briefing"
BRIEFING_COMMIT = "31e599de3d5ebf89f7a7667ee8bc8fe9b1525f27"
BRIEFING_DAYS = ["12", "13", "15", "17", "18"]
BRIEFING_SECTIONS = ["us_politics", "us_news", "world"]
HEADLINES = "ThisIsNotANamepng/news-headlines-bot"
HEADLINES_COMMIT = "f306ecbea7a04851153848412ec643387b30031d"
HEADLINES_OUTLETS = {"apnews", "bbc", "cnn", "foxnews", "guardian_world", "npr", "nytimes"}


def git(mirrors: Path, repo: str, *args: str) -> str:
    """Output of a git command in the bare clone of `repo`."""
    where = mirrors / repo.replace("/", "+") / "repo"
    return subprocess.run(
        ["git", "-C", str(where), *args], check=True, capture_output=True, text=True
    ).stdout


def cut(text: str, limit: int = 600) -> str:
    """`text` cut to `limit` characters at a word boundary."""
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0]


def key(title: str) -> str:
    """Title compared case- and spacing-insensitively."""
    return " ".join(title.casefold().split())


def wsj_rows(mirrors: Path) -> list[dict[str, str]]:
    """Every item of the WSJ World snapshots on the fixed date schedule."""
    log = git(mirrors, WSJ, "log", "--format=%H %ad", "--date=short", "--", WSJ_PATH)
    last_of_day: dict[str, str] = {}
    for line in log.splitlines():  # newest first: the first seen is the day's last commit
        commit, day = line.split()
        last_of_day.setdefault(day, commit)
    days = sorted(last_of_day)[::WSJ_STEP_DAYS]
    rows = []
    for day in days:
        commit = last_of_day[day]
        feed = feedparser.parse(git(mirrors, WSJ, "show", f"{commit}:{WSJ_PATH}"))
        source = f"{WSJ} {WSJ_PATH} (WSJ World News) @ {commit[:12]} (snapshot {day})"
        for entry in feed.entries:
            link = entry.get("link", "").removeprefix("https://archive.is/newest/")
            rows.append(
                {
                    "source": source,
                    "link": link,
                    "title": html_to_line(entry.get("title")),
                    "summary": cut(html_to_line(entry.get("summary"), 2000)),
                }
            )
    return rows


def briefing_rows(mirrors: Path) -> list[dict[str, str]]:
    """Every news-section item of the five later news-briefing corpora."""
    rows = []
    for day in BRIEFING_DAYS:
        path = f"docs/runs/2026-08-{day}/corpus-2026-08-{day}.json"
        corpus = json.loads(git(mirrors, BRIEFING, "show", f"{BRIEFING_COMMIT}:{path}"))
        for section in BRIEFING_SECTIONS:
            for item in corpus["categories"].get(section, []):
                source = f"{BRIEFING} {path} @ {BRIEFING_COMMIT[:12]} ({item['source']}, {section})"
                rows.append(
                    {
                        "source": source,
                        "link": item.get("url", ""),
                        "title": html_to_line(item.get("title")),
                        "summary": cut(html_to_line(item.get("summary"), 2000)),
                    }
                )
    return rows


def headline_rows(mirrors: Path) -> list[dict[str, str]]:
    """Every headline of the general-news outlets in the news-headlines-bot scrape."""
    text = git(mirrors, HEADLINES, "show", f"{HEADLINES_COMMIT}:output.csv")
    rows = []
    for title, scraped, outlet in csv.reader(text.splitlines()):
        if outlet not in HEADLINES_OUTLETS:
            continue
        source = (
            f"{HEADLINES} output.csv @ {HEADLINES_COMMIT[:12]} ({outlet}, front page {scraped})"
        )
        rows.append({"source": source, "link": "", "title": html_to_line(title), "summary": ""})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("mirrors", type=Path)
    parser.add_argument(
        "--out", type=Path, default=Path("tests/data/denials/en_fresh4_headlines.csv")
    )
    parser.add_argument("--keep", type=Path)
    parser.add_argument("--exclude", type=Path, nargs="*", default=[])
    args = parser.parse_args()
    seen: set[str] = set()
    for path in args.exclude:
        with path.open(newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                seen.add(key(row.get("title") or row.get("headline") or ""))
    kept: dict[tuple[str, str], dict[str, str]] = {}
    if args.keep and args.keep.exists():
        with args.keep.open(newline="", encoding="utf-8") as handle:
            kept = {(r["source"], r["title"]): r for r in csv.DictReader(handle)}
    rows = []
    for row in wsj_rows(args.mirrors) + briefing_rows(args.mirrors) + headline_rows(args.mirrors):
        if not row["title"] or key(row["title"]) in seen:
            continue
        seen.add(key(row["title"]))
        old = kept.get((row["source"], row["title"]), {})
        rows.append({**{f: old.get(f, "") for f in FIELDS}, **row, "lang": old.get("lang") or "en"})
    random.Random(16).shuffle(rows)
    with args.out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"{len(rows)} rows -> {args.out}")


if __name__ == "__main__":
    main()
