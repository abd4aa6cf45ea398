#!/usr/bin/env python3
"""Export the blind English evaluation set `tests/data/denials/en_fresh3_headlines.csv`.

This script owns one step: turning whole files committed to public GitHub repositories
into CSV rows for hand labelling (issue #12, task label14en3):

- `valueinfomaker-lab/worldnews-archive`: a daily world-news briefing site whose foreign pages
  (`docs/YYYY-MM-DD-foreign.html`, 2026-07-12 .. 2026-08-05) list 40 world / politics / economy
  stories a day from English-language outlets (The Hindu, the Guardian, SCMP, Al Jazeera,
  Straits Times, BBC, France 24, DW, ...). Each item carries the outlet's own
  English headline (`<div class="orig">`, or the title itself when it was not translated);
  the summary beside it is a Korean machine summary, not the outlet's text, so `summary` is
  left empty. The Korean domestic pages are not used (by file, never by reading them), nor
  the items of El País América, whose headlines are Spanish.
- `sarafarajnasardi/global-news-rss-scraper`: one whole RSS snapshot (`global_news.csv`,
  2025-05-28) of ~60 world news feeds (CBC, BBC, Guardian, Japan Times, Global Times, TASS, RT,
  Yonhap, Jerusalem Post, News24, ...) with the feed's own description as `summary`.
- `elanthus/news-briefing` (MIT): the first four daily corpora its fetcher committed
  (`corpus-2026-08-08.json` .. `-11.json`), each every item of the last 24 hours of its RSS
  feeds (capped by count per feed and category, not by content); the news sections
  `us_politics`, `us_news` and `world` are used (The Hill, CBS, NPR, PBS, Axios, Politico,
  the Guardian US, BBC World, Al Jazeera, ...), the `ai_tech` and `dev_community` sections
  (Reddit, Hacker News, tech blogs) are not. `summary` is the feed description it kept.

Every entry of every file is read. Left out, never by reading the item: rows of outlets that do
not publish in English (NHK World's feed here is Japanese), and any title (case and spacing
ignored) already in a CSV given with `--exclude` (the other sets of `tests/data/denials`, the
en_fresh2 set) or exported earlier from these files. Title and summary go through
`bot.ingest.normalize.html_to_line`, the poller's normaliser; the summary is cut to 600
characters at a word. Rows come out in a fixed shuffled order (seed 15).

Labels are written by a person, never by this script. With `--keep FILE` the hand columns of
an already labelled CSV are carried over to rows with the same source and title.

The files are read with `git show` from bare clones under MIRRORS (one folder per repository,
named `owner+name`, holding `repo/`), at the commits pinned below.

Usage: python scripts/export_en_fresh3.py MIRRORS [--out FILE] [--keep FILE] [--exclude CSV ...]
"""

from __future__ import annotations

import argparse
import csv
import html
import io
import json
import random
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.ingest.normalize import html_to_line

COLUMNS = ("source", "link", "title", "summary", "lang", "label", "denier", "denied", "note")
HAND_COLUMNS = ("lang", "label", "denier", "denied", "note")
MAX_SUMMARY = 600
SEED = 15

ARCHIVE_REPO = "valueinfomaker-lab/worldnews-archive"
ARCHIVE_COMMIT = "088701f20b64e6cc2ae7a28a5565918583f53747"
SCRAPER_REPO = "sarafarajnasardi/global-news-rss-scraper"
SCRAPER_COMMIT = "f6547a1f6f49d3c502ff79de2afb094768b5e05d"
SCRAPER_PATH = "global_news.csv"
BRIEFING_REPO = "elanthus/news-briefing"
# The first four daily corpora, by date (2026-08-08 .. 11); the later ones stay unread.
BRIEFING_FILES = (
    ("58a5d580c17e05d3e6e3385ad2b3a656c23eb19f", "fixtures/corpus-2026-08-08.json"),
    ("31e599de3d5ebf89f7a7667ee8bc8fe9b1525f27", "fixtures/corpus-2026-08-09.json"),
    ("31e599de3d5ebf89f7a7667ee8bc8fe9b1525f27", "docs/runs/2026-08-10/corpus-2026-08-10.json"),
    ("31e599de3d5ebf89f7a7667ee8bc8fe9b1525f27", "fixtures/corpus-2026-08-11.json"),
)
BRIEFING_SECTIONS = ("us_politics", "us_news", "world")
# Outlets that publish in another language, dropped by outlet, never by item: NHK World's
# feed in the snapshot is Japanese, El País América's headlines in the archive are Spanish.
NOT_ENGLISH = frozenset({"NHK World", "El País América"})

ARTICLE = re.compile(r'<article class="item".*?</article>', re.S)
ORIG = re.compile(r'<div class="orig">(.*?)</div>', re.S)
TITLE = re.compile(r'<a class="title" href="([^"]*)"[^>]*>(.*?)</a>', re.S)
PRESS = re.compile(r'<span class="press">(.*?)</span>', re.S)
FOREIGN_PAGE = re.compile(r"docs/(\d{4}-\d{2}-\d{2})-foreign\.html")


def git_show(mirrors: Path, repo: str, commit: str, path: str) -> str:
    """One file of one commit of a bare clone, as text."""
    git_dir = mirrors / repo.replace("/", "+") / "repo"
    out = subprocess.run(
        ["git", "--git-dir", str(git_dir), "show", f"{commit}:{path}"],
        check=True,
        capture_output=True,
    )
    return out.stdout.decode("utf-8")


def git_files(mirrors: Path, repo: str, commit: str) -> list[str]:
    git_dir = mirrors / repo.replace("/", "+") / "repo"
    out = subprocess.run(
        ["git", "--git-dir", str(git_dir), "ls-tree", "-r", "--name-only", commit],
        check=True,
        capture_output=True,
        text=True,
    )
    return out.stdout.split()


def cut(text: str, limit: int = MAX_SUMMARY) -> str:
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0]


def norm(title: str) -> str:
    return " ".join(title.split()).casefold()


def archive_rows(mirrors: Path) -> Iterator[dict[str, str]]:
    """Every item of every foreign page, pages in date order, items in page order."""
    pages = sorted(
        p for p in git_files(mirrors, ARCHIVE_REPO, ARCHIVE_COMMIT) if FOREIGN_PAGE.fullmatch(p)
    )
    for page in pages:
        text = git_show(mirrors, ARCHIVE_REPO, ARCHIVE_COMMIT, page)
        for item in ARTICLE.findall(text):
            anchor = TITLE.search(item)
            if anchor is None:
                continue
            orig = ORIG.search(item)
            # The headline as the outlet wrote it: `orig` when the page shows a translation,
            # else the link text, which the page then leaves in the outlet's English.
            raw_title = orig.group(1) if orig else anchor.group(2)
            press = PRESS.search(item)
            outlet = html_to_line(press.group(1)) if press else ""
            if outlet in NOT_ENGLISH:
                continue
            yield {
                "source": f"{ARCHIVE_REPO} {page} @ {ARCHIVE_COMMIT[:12]} ({outlet})",
                "link": html.unescape(anchor.group(1)),
                "title": html_to_line(raw_title),
                "summary": "",
            }


def scraper_rows(mirrors: Path) -> Iterator[dict[str, str]]:
    raw = git_show(mirrors, SCRAPER_REPO, SCRAPER_COMMIT, SCRAPER_PATH)
    for record in csv.DictReader(io.StringIO(raw)):
        if record["source"] in NOT_ENGLISH:
            continue
        yield {
            "source": (
                f"{SCRAPER_REPO} {SCRAPER_PATH} @ {SCRAPER_COMMIT[:12]} "
                f"(snapshot 2025-05-28; {record['source']})"
            ),
            "link": record["url"],
            "title": html_to_line(record["title"]),
            "summary": cut(html_to_line(record["summary"], 4000)),
        }


def briefing_rows(mirrors: Path) -> Iterator[dict[str, str]]:
    """Every item of the news sections of each corpus, in the corpus's own order."""
    for commit, path in BRIEFING_FILES:
        corpus = json.loads(git_show(mirrors, BRIEFING_REPO, commit, path))
        for section in BRIEFING_SECTIONS:
            for item in corpus["categories"].get(section, []):
                yield {
                    "source": (
                        f"{BRIEFING_REPO} {path} @ {commit[:12]} ({section}; {item['source']})"
                    ),
                    "link": item["url"],
                    "title": html_to_line(item["title"]),
                    "summary": cut(html_to_line(item.get("summary") or "", 4000)),
                }


def known_titles(paths: list[Path]) -> set[str]:
    seen: set[str] = set()
    for path in paths:
        with path.open(newline="", encoding="utf-8") as handle:
            # Feed sets name the column `title`, the constructed sets `headline`.
            seen.update(
                norm(row.get("title") or row.get("headline") or "")
                for row in csv.DictReader(handle)
            )
    return seen


def export_rows(mirrors: Path, exclude: list[Path]) -> list[dict[str, str]]:
    seen = known_titles(exclude)
    rows: list[dict[str, str]] = []
    for row in [*archive_rows(mirrors), *scraper_rows(mirrors), *briefing_rows(mirrors)]:
        key = norm(row["title"])
        if not key or key in seen:
            continue
        seen.add(key)
        rows.append({**row, **dict.fromkeys(HAND_COLUMNS, "")})
    random.Random(SEED).shuffle(rows)
    return rows


def carry_over(rows: list[dict[str, str]], kept_path: Path) -> list[dict[str, str]]:
    with kept_path.open(newline="", encoding="utf-8") as handle:
        kept = {(r["source"], r["title"]): r for r in csv.DictReader(handle)}
    for row in rows:
        old = kept.get((row["source"], row["title"]))
        if old is not None:
            row.update({col: old[col] for col in HAND_COLUMNS})
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mirrors", type=Path)
    parser.add_argument(
        "--out", type=Path, default=Path("tests/data/denials/en_fresh3_headlines.csv")
    )
    parser.add_argument("--keep", type=Path)
    parser.add_argument("--exclude", type=Path, nargs="*", default=[])
    args = parser.parse_args(argv)
    rows = export_rows(args.mirrors, args.exclude)
    if args.keep is not None:
        rows = carry_over(rows, args.keep)
    with args.out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    print(f"{len(rows)} rows -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
