"""Export the unlabelled rows of tests/data/denials/es_fresh5_headlines.csv.

Reads the git mirror of joaquin385/Noticias360 made by the ``fetch`` tool
(/work/.mirror/joaquin385+Noticias360/repo): the daily files
``frontend/data/noticias_YYYY-MM-DD.json`` (items of the outlets' RSS feeds, as
the repository's pipeline consolidated them), every commit that changed each
file, oldest day first.  Outlets and sections were chosen before any item was
read: every outlet but iProfesional (a business/management site), and every
section but the finance and business ones listed in SKIP_SECTIONS.

Every entry of a chosen file is kept unless its normalised title repeats an
earlier row, a title in tests/data/denials/*.csv, or the first 50 characters of
its title occur in /work/shared/feeds.  The export stops once it holds LIMIT rows
(each file version is taken whole, oldest day first).

Standard library only; does not import bot.context.

Usage: python scripts/export_es_fresh5.py OUT.csv [LIMIT]
"""

from __future__ import annotations

import contextlib
import csv
import glob
import gzip
import html
import json
import re
import subprocess
import sys
from pathlib import Path

MIRROR = Path("/work/.mirror/joaquin385+Noticias360/repo")
REPO = "joaquin385/Noticias360"
SKIP_OUTLETS = {"iProfesional"}
SKIP_SECTIONS = {
    "Finanzas",
    "Negocios",
    "Management",
    "Comercio Exterior",
    "Impuestos",
    "Legales",
    "Marketing",
}
HEADER = ["source", "link", "title", "summary", "lang", "label", "denier", "denied", "note"]


def git(*args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(MIRROR), *args], check=True, capture_output=True, text=True
    ).stdout


def norm(title: str) -> str:
    return re.sub(r"\W+", " ", title.lower()).strip()


def clean(text: str) -> str:
    text = html.unescape(re.sub(r"<[^>]+>", " ", text or ""))
    return re.sub(r"\s+", " ", text).strip()


def known_titles(root: Path) -> set[str]:
    seen: set[str] = set()
    for path in glob.glob(str(root / "tests/data/denials/*.csv")):
        if path.endswith("es_fresh5_headlines.csv"):
            continue
        with open(path, encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                if row.get("title"):
                    seen.add(norm(row["title"]))
    return seen


def shared_text() -> str:
    parts = []
    for path in Path("/work/shared/feeds").rglob("*"):
        if not path.is_file():
            continue
        data = path.read_bytes()
        if path.suffix == ".gz":
            with contextlib.suppress(OSError):
                data = gzip.decompress(data)
        parts.append(html.unescape(data.decode("utf-8", "replace")))
    return "\n".join(parts).lower()


def versions() -> list[tuple[str, str, str]]:
    """(day file, commit, commit date) for every commit that changed a day file."""
    out = []
    log = git(
        "log",
        "--reverse",
        "--format=@%H %cs",
        "--name-only",
        "--diff-filter=AM",
        "--",
        "frontend/data/noticias_*.json",
    )
    commit = date = ""
    for line in log.splitlines():
        if line.startswith("@"):
            commit, date = line[1:].split()
        elif line.strip():
            out.append((line.strip(), commit, date))
    out.sort(key=lambda v: v[0])  # day order; within a day, commit order (stable)
    return out


def main() -> None:
    out_path = sys.argv[1]
    limit = int(sys.argv[2]) if len(sys.argv) > 2 else 10**9
    root = Path(__file__).resolve().parent.parent
    seen = known_titles(root)
    shared = shared_text()
    rows = []
    for path, commit, date in versions():
        if len(rows) >= limit:
            break
        data = json.loads(git("show", f"{commit}:{path}"))
        for item in data.get("noticias", []):
            if item.get("fuente") in SKIP_OUTLETS or item.get("categoria") in SKIP_SECTIONS:
                continue
            title = clean(item.get("titulo", ""))
            key = norm(title)
            if not key or key in seen:
                continue
            seen.add(key)
            if title[:50].lower() in shared:
                continue
            source = (
                f"{REPO} {path} @ {commit[:12]} "
                f"({item.get('fuente')}, {item.get('categoria')}, committed {date})"
            )
            summary = clean(item.get("resumen", ""))[:600]
            rows.append([source, item.get("link", ""), title, summary, "es", "", "", "", ""])
    with open(out_path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(HEADER)
        w.writerows(rows)
    print(f"{len(rows)} rows -> {out_path}")


if __name__ == "__main__":
    main()
