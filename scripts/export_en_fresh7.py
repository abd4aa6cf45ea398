"""Export the unlabelled rows of en_fresh7_headlines.csv from git mirrors.

Standard library only; does not import bot.context.

Usage:
    python scripts/export_en_fresh7.py MIRRORS OUT.csv [EXISTING.csv ...]

MIRRORS is the folder holding the bare clones made by the `fetch` tool
(`owner+name/repo`).  Every version of `bbc_world.xml` in two repositories that
poll the BBC News World feed (http://feeds.bbci.co.uk/news/world/rss.xml) is
read, oldest commit first: zukuxi/x3-bbc-news (it keeps the BBC link) and then
zukuxi/bbcworldnews (its links point at its own copies, so only titles the
first repository lacks are taken from it).  Both repositories replace the
feed's <description> (the first with the article's whole text, the second with
a fixed "click the title" text), so no feed summary survives and `summary` is
left empty.  A row is dropped when its normalised title repeats an earlier row
or a title of an EXISTING csv (also with a Google News " - Outlet" tail cut),
when its first 50 characters (case-insensitive) open a title of an EXISTING
csv, or when the first 50 characters of its title
occur in any file under /work/shared/feeds (case-insensitive).
"""

from __future__ import annotations

import csv
import html
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

# (repository, file, outlet, first commit date taken)
REPOS = [
    ("zukuxi/x3-bbc-news", "bbc_world.xml", "BBC News World", ""),
    ("zukuxi/bbcworldnews", "bbc_world.xml", "BBC News World", ""),
    ("jeffthomasweb/GitHubActionsWebScraping", "npr.xml", "NPR News", "2026-07-20"),
]
SHARED_FEEDS = Path("/work/shared/feeds")
FIELDS = ["source", "link", "title", "summary", "lang", "label", "denier", "denied", "note"]


def norm(title: str) -> str:
    return re.sub(r"\W+", " ", title.lower()).strip()


def git(gitdir: Path, *args: str) -> str:
    out = subprocess.run(["git", "--git-dir", str(gitdir), *args], check=True, capture_output=True)
    return out.stdout.decode("utf-8", errors="replace")


def clean(text: str) -> str:
    text = html.unescape(re.sub(r"<[^>]+>", " ", text))
    return re.sub(r"\s+", " ", text).strip()


def items(text: str, with_summary: bool) -> list[tuple[str, str, str]]:
    try:
        root = ET.fromstring(text.encode("utf-8"))
    except ET.ParseError:
        found = re.findall(r"<item><title>(.*?)</title><link>(.*?)</link>", text, re.S)
        return [(clean(t), html.unescape(u).strip(), "") for t, u in found]
    result = []
    for item in root.iter("item"):
        title = clean(item.findtext("title") or "")
        link = (item.findtext("link") or "").strip()
        summary = clean(item.findtext("description") or "") if with_summary else ""
        result.append((title, link, summary[:600]))
    return result


def shared_text() -> str:
    chunks = []
    for path in SHARED_FEEDS.rglob("*"):
        if path.is_file():
            chunks.append(path.read_bytes().decode("utf-8", errors="replace").lower())
    return "\n".join(chunks)


def main() -> None:
    mirrors, out = Path(sys.argv[1]), Path(sys.argv[2])
    seen: set[str] = set()
    prefixes: set[str] = set()
    for existing in sys.argv[3:]:
        with open(existing, newline="", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                old = row.get("title") or ""
                seen.add(norm(old))
                seen.add(norm(old.rsplit(" - ", 1)[0]))  # Google News "title - Outlet"
                prefixes.add(old.lower()[:50])
    shared = shared_text()
    rows = []
    for repo, path, outlet, since in REPOS:
        gitdir = mirrors / repo.replace("/", "+") / "repo"
        commits = git(gitdir, "log", "--reverse", "--format=%H %cI", "--", path).split("\n")
        for line in filter(None, commits):
            commit, date = line.split(" ", 1)
            if date[:10] < since:
                continue
            try:
                text = git(gitdir, "show", f"{commit}:{path}")
            except subprocess.CalledProcessError:
                continue
            for title, link, summary in items(text, outlet != "BBC News World"):
                key = norm(title)
                if not key or key in seen or title.lower()[:50] in prefixes:
                    continue
                seen.add(key)
                if title[:50].lower() in shared:
                    continue
                if repo == "zukuxi/bbcworldnews":
                    link = ""  # the repository's own copy, not the BBC's page
                source = f"{repo} {path} @ {commit[:12]} ({outlet}, committed {date[:16]})"
                rows.append({"source": source, "link": link, "title": title, "summary": summary})
    with open(out, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=FIELDS)
        writer.writeheader()
        for row in rows:
            writer.writerow({**{f: "" for f in FIELDS}, **row, "lang": "en"})
    print(len(rows), "rows")


if __name__ == "__main__":
    main()
