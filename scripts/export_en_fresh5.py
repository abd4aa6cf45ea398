"""Export the unlabelled rows of tests/data/denials/en_fresh5_headlines.csv.

Two sources, both read from bare clones with `git show`, nothing else fetched.

1. wklnd/news-archive: Google News US "Top stories" headline captures
   (`news/YYYY/MM/DD/HH-MM.md`, up to 20 feed titles each). The script picks one whole
   capture every second day from 2025-07-24: the first capture at or after 12:00 (the repo's
   +02:00 clock), else the day's last. The choice uses file names only, so no item is read
   before it is chosen.
2. Meanwhale/meanwhale.github.io: every version of `briefs/en/brief_index.js` (a news-brief
   page, 2025-02-07..02-23), every item whose original language is English and whose category
   is `world` (BBC, DW, PBS), keeping `news_original_title` (HTML entities decoded) and
   `news_url`; the brief's own `news_header` is a machine summary, not the outlet's lead, so
   `summary` stays empty.

Every title of every chosen file is kept, except repeats of
a title already kept and titles found in earlier labelled sets (given as CSV paths), compared
without the trailing " - Outlet" and case. Labels are added by hand afterwards; this script
only writes the rows with label 0 and empty denier/denied/note.

Usage: python scripts/export_en_fresh5.py NEWS_ARCHIVE_GIT BRIEFS_GIT OUT.csv [EXCLUDE.csv ...]
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import json
import re
import subprocess
import sys

HEADER = ["source", "link", "title", "summary", "lang", "label", "denier", "denied", "note"]
FIRST_DAY = dt.date(2025, 7, 24)
STEP_DAYS = 2


def _git(git_dir: str, *args: str) -> str:
    return subprocess.run(
        ["git", "--git-dir", git_dir, *args], check=True, capture_output=True, text=True
    ).stdout


def _key(title: str) -> str:
    """Title without the Google News " - Outlet" tail, so captures of other feeds match."""
    base = re.sub(r"\s+-\s+[^-]{1,60}$", "", title.strip())
    base = base.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"')
    return re.sub(r"\s+", " ", base.replace("\u201d", '"')).lower()


def _chosen(paths: list[str]) -> list[str]:
    by_day: dict[dt.date, list[str]] = {}
    for p in paths:
        m = re.fullmatch(r"news/(\d{4})/(\d{2})/(\d{2})/(\d{2})-(\d{2})\.md", p)
        if m:
            day = dt.date(int(m[1]), int(m[2]), int(m[3]))
            by_day.setdefault(day, []).append(p)
    out = []
    for day in sorted(by_day):
        if (day - FIRST_DAY).days % STEP_DAYS:
            continue
        files = sorted(by_day[day])
        noon = [f for f in files if f.rsplit("/", 1)[1] >= "12-00.md"]
        out.append(noon[0] if noon else files[-1])
    return out


BRIEFS = "briefs/en/brief_index.js"
OUTLETS = {"bbc": "BBC World", "dw": "DW", "pbs": "PBS NewsHour"}


def _brief_rows(git_dir: str, seen: set[str]) -> tuple[list[list[str]], int]:
    """World items of every version of the English brief page, oldest version first."""
    log = _git(git_dir, "log", "--reverse", "--format=%H %ci", "--", BRIEFS).splitlines()
    rows, dropped = [], 0
    for line in log:
        commit, date, clock = line.split()[:3]
        text = subprocess.run(
            ["git", "--git-dir", git_dir, "show", f"{commit}:{BRIEFS}"],
            capture_output=True,
            text=True,
        ).stdout
        if not text:  # the commit that deleted the file
            continue
        for item in json.loads(text[text.index("[") : text.rindex("]") + 1]):
            if item.get("news_source_lang") != "en" or "world" not in item["news_categories"]:
                continue
            title = item["news_original_title"]
            while html.unescape(title) != title:  # some titles are escaped twice
                title = html.unescape(title)
            title = title.strip()
            if _key(title) in seen:
                dropped += 1
                continue
            seen.add(_key(title))
            source = (
                f"Meanwhale/meanwhale.github.io {BRIEFS} @ {commit[:12]} "
                f"({OUTLETS[item['news_source']]}, brief version {date} {clock[:5]} +02:00)"
            )
            rows.append([source, item["news_url"], title, "", "en", "0", "", "", ""])
    return rows, dropped


def main(git_dir: str, briefs_git: str, out: str, excludes: list[str]) -> None:
    seen: set[str] = set()
    for path in excludes:
        with open(path, newline="", encoding="utf-8") as fh:
            seen.update(_key(r.get("title") or r.get("headline") or "") for r in csv.DictReader(fh))
    head = _git(git_dir, "rev-parse", "HEAD").strip()
    paths = _git(git_dir, "ls-tree", "-r", "--name-only", head, "news/").split("\n")
    rows, dropped = [], 0
    for path in _chosen(paths):
        text = _git(git_dir, "show", f"{head}:{path}")
        stamp = path[5:15].replace("/", "-") + " " + path[16:21].replace("-", ":")
        source = (
            f"wklnd/news-archive {path} @ {head[:12]} "
            f"(Google News US top stories, captured {stamp} +02:00)"
        )
        for line in text.splitlines():
            if not line.startswith("- "):
                continue
            title = line[2:].strip()
            if _key(title) in seen:
                dropped += 1
                continue
            seen.add(_key(title))
            rows.append([source, "", title, "", "en", "0", "", "", ""])
    more, dropped_more = _brief_rows(briefs_git, seen)
    rows += more
    dropped += dropped_more
    with open(out, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADER)
        writer.writerows(rows)
    print(f"{len(rows)} rows written, {dropped} repeats dropped, head {head}", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:])
