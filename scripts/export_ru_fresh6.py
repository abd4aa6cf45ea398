"""Export the unlabelled rows of tests/data/denials/ru_fresh6_headlines.csv.

Standard library only; does not import bot.context. Reads the git mirror of
egfedorov/rss-parser made by the fetch tool (/work/.mirror/egfedorov+rss-parser),
takes every item of each Kavkaz.Realii file at every commit that changed it
(oldest first), and drops a title whose normalised form repeats an earlier row,
or whose first 50 normalised characters match a title in tests/data/denials/*.csv
(ru_fresh6 itself excepted), in ru_fresh5, or in /work/shared/feeds.

Usage: python scripts/export_ru_fresh6.py OUT.csv
"""

from __future__ import annotations

import csv
import html
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

MIRROR = Path("/work/.mirror/egfedorov+rss-parser/repo")
# (file in the repository, outlet/section label); chosen by outlet before reading.
FILES = [
    ("kavkaz_soc.xml", "Kavkaz.Realii society"),
    ("output/kavkaz_soc.xml", "Kavkaz.Realii society"),
    ("kavkaz_pol.xml", "Kavkaz.Realii politics"),
    ("kavkaz_rights.xml", "Kavkaz.Realii rights"),
]
ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "feeds"
# ru_fresh5 (task label15ru5), not yet merged when this set was built: its titles are
# studied, so they are left out here too (skipped when the file is absent).
EXTRA_SEEN = [Path("/work/wt/label15ru5/tests/data/denials/ru_fresh5_headlines.csv")]


def norm(title: str) -> str:
    return re.sub(r"\W+", " ", title.lower()).strip()


def clean(text: str) -> str:
    text = re.sub(r"<!\[CDATA\[|\]\]>", "", text or "")
    text = re.sub(r"<[^>]+>", " ", text)
    text = html.unescape(html.unescape(text))
    return re.sub(r"\s+", " ", text).strip()


def seen_titles() -> set[str]:
    seen: set[str] = set()
    paths = [p for p in (ROOT / "tests" / "data" / "denials").glob("*.csv")]
    paths += [p for p in EXTRA_SEEN if p.exists()]
    for path in paths:
        if path.name == "ru_fresh6_headlines.csv":
            continue
        with path.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                t = row.get("title") or row.get("headline") or ""
                if t:
                    seen.add(norm(t)[:50])
    if SHARED.exists():
        for path in SHARED.rglob("*"):
            if path.is_file():
                try:
                    text = path.read_text(encoding="utf-8", errors="ignore")
                except OSError:
                    continue
                for m in re.finditer(r"<title[^>]*>(.*?)</title>", text, re.S):
                    seen.add(norm(clean(m.group(1)))[:50])
                for m in re.finditer(r'"title"\s*:\s*"((?:[^"\\]|\\.)*)"', text):
                    seen.add(norm(m.group(1))[:50])
    return seen


def git(*args: str) -> str:
    return subprocess.run(
        ["git", "--git-dir", str(MIRROR), *args], capture_output=True, text=True, check=True
    ).stdout


def blobs(path: str) -> list[bytes]:
    """The file's content at every commit that changed it, oldest first."""
    commits = git("log", "--reverse", "--format=%H", "--", path).split()
    spec = "".join(f"{c}:{path}\n" for c in commits).encode()
    out = subprocess.run(
        ["git", "--git-dir", str(MIRROR), "cat-file", "--batch"],
        input=spec,
        capture_output=True,
        check=True,
    ).stdout
    result, pos = [], 0
    while pos < len(out):
        nl = out.index(b"\n", pos)
        header = out[pos:nl].split()
        pos = nl + 1
        if len(header) < 3 or header[1] == b"missing":
            continue
        size = int(header[2])
        result.append(out[pos : pos + size])
        pos += size + 1
    return result


def items(data: bytes) -> list[tuple[str, str, str]]:
    try:
        root = ET.fromstring(data)
    except ET.ParseError:
        return []
    rows = []
    for it in root.iter():
        tag = it.tag.rsplit("}", 1)[-1]
        if tag not in ("item", "entry"):
            continue
        title = link = summary = ""
        for ch in it:
            ct = ch.tag.rsplit("}", 1)[-1]
            if ct == "title":
                title = clean(ch.text or "")
            elif ct == "link":
                link = (ch.text or ch.get("href") or "").strip()
            elif ct in ("description", "summary") and not summary:
                summary = clean(ch.text or "")
        if title:
            rows.append((title, link, summary[:600]))
    return rows


def main() -> None:
    seen = seen_titles()
    mine: set[str] = set()
    out = []
    for path, outlet in FILES:
        for data in blobs(path):
            for title, link, summary in items(data):
                key = norm(title)
                if not key or key in mine or key[:50] in seen:
                    continue
                if not re.search(r"[а-яё]", title.lower()):
                    continue
                mine.add(key)
                out.append(
                    {
                        "source": f"{outlet} [{path}]",
                        "link": link,
                        "title": title,
                        "summary": summary,
                        "lang": "ru",
                        "label": "",
                        "denier": "",
                        "denied": "",
                        "note": "",
                    }
                )
    cols = ["source", "link", "title", "summary", "lang", "label", "denier", "denied", "note"]
    with open(sys.argv[1], "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=cols)
        w.writeheader()
        w.writerows(out)
    print(len(out), "rows", file=sys.stderr)


if __name__ == "__main__":
    main()
