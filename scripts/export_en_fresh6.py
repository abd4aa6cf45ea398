"""Export the unlabelled rows of tests/data/denials/en_fresh6_headlines.csv.

Reads the git mirror of rumca-js/RSS-Link-Database-2023 made by the ``fetch``
tool (``/work/.mirror/rumca-js+RSS-Link-Database-2023/repo``) and takes every
entry of each chosen feed file on each chosen day, at the commit that added
that day.  Outlets and days were chosen before any item was read.  Standard
library only; does not import ``bot.context``.

Usage: python scripts/export_en_fresh6.py OUT.csv
"""

from __future__ import annotations

import csv
import glob
import html
import json
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

MIRROR = Path("/work/.mirror/rumca-js+RSS-Link-Database-2023/repo")
REPO = "rumca-js/RSS-Link-Database-2023"

# (file stem in the day folder, outlet label)
FEEDS = [
    ("https.www.reuters.comworld", "Reuters world"),
    ("https.www.aljazeera.comxmlrssall.xml", "Al Jazeera"),
    ("https.www.theguardian.comworldrss", "The Guardian world"),
    ("http.feeds.bbci.co.uknewsrss.xml", "BBC News"),
    ("https.rss.nytimes.comservicesxmlrssnytWorld.xml", "NYT world"),
    ("https.thehill.comnewsfeed", "The Hill"),
    ("https.rss.politico.compolitics-news.xml", "Politico politics"),
    ("https.feeds.npr.org1001rss.xml", "NPR news"),
    ("https.www.themoscowtimes.comrssnews", "The Moscow Times"),
    ("http.feeds.skynews.comfeedsrssworld.xml", "Sky News world"),
    ("https.feeds.nbcnews.comnbcnewspublicworld", "NBC News world"),
    ("https.feeds.washingtonpost.comrssworld.itid.lk_inline_manual_36", "Washington Post world"),
    ("https.feeds.a.dj.comrssRSSWorldNews.xml", "WSJ world"),
    ("https.www.cbc.cawebfeedrssrss-topstories", "CBC top stories"),
    ("http.feeds.abcnews.comabcnewstopstories", "ABC News US top stories"),
    ("https.www.arabnews.comrss.xml", "Arab News"),
]

# Days (mid-month Wednesdays of 2023), chosen by date before reading.
DAYS = ["2023-11-15", "2023-09-13", "2023-06-14", "2023-03-15", "2023-01-18"]

TAG = re.compile(r"<[^>]+>")
SPACE = re.compile(r"\s+")
NORM = re.compile(r"\W+")


def clean(text: str | None) -> str:
    if not text:
        return ""
    text = text.replace("<![CDATA[", "").replace("]]>", "")
    text = TAG.sub(" ", text)
    text = html.unescape(html.unescape(text))
    return SPACE.sub(" ", text).strip()


def norm(title: str) -> str:
    return NORM.sub(" ", title.lower()).strip()


def git(*args: str, mirror: Path = MIRROR) -> str:
    return subprocess.run(
        ["git", "-C", str(mirror), *args], check=True, capture_output=True, text=True
    ).stdout


def day_commit(day: str) -> str:
    for line in git("log", "--format=%H %s").splitlines():
        sha, _, subject = line.partition(" ")
        if subject.strip() == day:
            return sha
    raise SystemExit(f"no commit for {day}")


def known_titles(root: Path, own: str = "en_fresh6_headlines.csv") -> set[str]:
    seen: set[str] = set()
    for path in glob.glob(str(root / "tests/data/denials/*.csv")):
        if path.endswith(own):
            continue
        with open(path, newline="", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                if row.get("title"):
                    seen.add(norm(row["title"]))
    return seen


def shared_text(root: Path) -> str:
    parts = []
    for path in (root / ".." / "shared" / "feeds").rglob("*"):
        if path.is_file():
            raw = path.read_bytes().decode("utf-8", "replace")
            parts.append(html.unescape(raw).lower())
    return "\n".join(parts)


def export(
    out: Path,
    *,
    mirror: Path,
    repo: str,
    feeds: list[tuple[str, str]],
    days: list[str],
    commit_of: Callable[[str], str],
    own: str,
) -> None:
    """Every entry of each feed file on each day (at `commit_of(day)`), repeats and titles
    known elsewhere dropped, written to `out` unlabelled; also the export of en_fresh8."""
    root = Path(__file__).resolve().parent.parent
    seen = known_titles(root, own)
    shared = SPACE.sub(" ", shared_text(root))
    rows = []
    for day in days:
        sha = commit_of(day)
        y, m, _ = day.split("-")
        for stem, outlet in feeds:
            path = f"{y}/{m}/{day}/{stem}_entries.json"
            try:
                entries = json.loads(git("show", f"{sha}:{path}", mirror=mirror))
            except subprocess.CalledProcessError:
                continue
            if isinstance(entries, dict):  # January 2023 files: {"entries": [...]}
                entries = entries.get("entries", [])
            for entry in entries:
                title = clean(entry.get("title"))
                if not title:
                    continue
                key = norm(title)
                if key in seen:
                    continue
                if title[:50].lower() in shared:
                    continue
                seen.add(key)
                summary = clean(entry.get("description"))
                if norm(summary) == key:
                    summary = ""
                rows.append(
                    {
                        "source": f"{repo} {path} @ {sha[:12]} ({outlet}, {day})",
                        "link": entry.get("link") or "",
                        "title": title,
                        "summary": summary[:600],
                        "lang": "en",
                        "label": "",
                        "denier": "",
                        "denied": "",
                        "note": "",
                    }
                )
    fields = ["source", "link", "title", "summary", "lang", "label", "denier", "denied", "note"]
    with open(out, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    print(len(rows), "rows")


def main() -> None:
    export(
        Path(sys.argv[1]),
        mirror=MIRROR,
        repo=REPO,
        feeds=FEEDS,
        days=DAYS,
        commit_of=day_commit,
        own="en_fresh6_headlines.csv",
    )


if __name__ == "__main__":
    main()
