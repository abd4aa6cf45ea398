"""Export the unlabelled rows of tests/data/denials/es_fresh4_headlines.csv.

Reads the git mirrors that the session's ``fetch`` tool made under /work/.mirror/
and takes every entry of each chosen file at every commit that changed it:

* albertbus/news-feed: ``<feed>_rss_feed.json`` (rss-to-json captures of Spanish
  general-news, politics and world feeds);
* 6UADA/rss-scraper-periodicos: ``<outlet>/{nacional,mundo,capital}.xml``
  (headline and lead captures of Mexican outlets);
* euperezpons/UOC-PR1: ``titulares 11.04 .csv`` and ``titulares 12.04 .csv``
  (headline and description scraped from the EITB news front page).

Rows are in file order, then commit order (oldest first).  A row is dropped when its
normalised title (lower case, runs of non-word characters collapsed) repeats an
earlier row, or its first 50 characters (normalised, or as written) occur in a title
of tests/data/denials/*.csv or anywhere in the files under /work/shared/feeds.
Summaries are cleaned of markup and cut to 600 characters.  Labels are added by hand
afterwards.

Usage: python scripts/export_es_fresh4.py OUT.csv
Standard library only; does not import bot.context.
"""

from __future__ import annotations

import csv
import glob
import html
import io
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

MIRRORS = "/work/.mirror"
HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

ALBERTBUS = "albertbus/news-feed"
ALBERTBUS_FILES = [
    ("EuropaPress_Portada_rss_feed.json", "Europa Press (portada)"),
    ("EuropaPress_Internacional_rss_feed.json", "Europa Press (internacional)"),
    ("El_Pais_rss_feed.json", "El País (últimas noticias)"),
    ("El_Mundo_rss_feed.json", "El Mundo (portada)"),
    ("20minutos_rss_feed.json", "20minutos (portada)"),
    ("Periodico_Portada_rss_feed.json", "El Periódico (portada)"),
    ("Periodico_Politica_rss_feed.json", "El Periódico (política)"),
    ("Periodico_Internacional_rss_feed.json", "El Periódico (internacional)"),
    ("Periodico_Economia_rss_feed.json", "El Periódico (economía)"),
    ("La_Vanguardia_Politica_rss_feed.json", "La Vanguardia (política)"),
    ("La_Vanguardia_Internacional_rss_feed.json", "La Vanguardia (internacional)"),
    ("Euronews_rss_feed.json", "Euronews en español (news)"),
    ("Euronews_My_Europe_rss_feed.json", "Euronews en español (my-europe)"),
    ("Descifrando_la_Guerra_rss_feed.json", "Descifrando la Guerra"),
]

UADA = "6UADA/rss-scraper-periodicos"
UADA_FILES = [
    ("jornada/mundo.xml", "La Jornada (mundo)"),
    ("jornada/capital.xml", "La Jornada (capital)"),
    ("universal/nacional.xml", "El Universal (nacional)"),
    ("universal/mundo.xml", "El Universal (mundo)"),
    ("excelsior/nacional.xml", "Excélsior (nacional)"),
    ("excelsior/mundo.xml", "Excélsior (mundo)"),
    ("cronica/nacional.xml", "La Crónica de Hoy (nacional)"),
    ("cronica/mundo.xml", "La Crónica de Hoy (mundo)"),
    ("forbes/nacional.xml", "Forbes México (nacional)"),
    ("forbes/mundo.xml", "Forbes México (mundo)"),
    ("netnoticias/nacional.xml", "NetNoticias (nacional)"),
    ("netnoticias/mundo.xml", "NetNoticias (mundo)"),
    ("noventagrados/nacional.xml", "Noventa Grados (nacional)"),
    ("noventagrados/mundo.xml", "Noventa Grados (mundo)"),
]


EITB = "euperezpons/UOC-PR1"
EITB_FILES = [
    ("titulares 11.04 .csv", "EITB (noticias, front page)"),
    ("titulares 12.04 .csv", "EITB (noticias, front page)"),
]


def git_dir(repo: str) -> str:
    return os.path.join(MIRRORS, repo.replace("/", "+"), "repo")


def commits(repo: str, path: str) -> list[tuple[str, str]]:
    out = subprocess.run(
        [
            "git",
            "-C",
            git_dir(repo),
            "log",
            "--reverse",
            "--format=%H %ad",
            "--date=short",
            "--",
            path,
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return [tuple(line.split()) for line in out.splitlines() if line.strip()]  # type: ignore[misc]


def show(repo: str, commit: str, path: str) -> bytes | None:
    r = subprocess.run(
        ["git", "-C", git_dir(repo), "show", f"{commit}:{path}"], capture_output=True
    )
    return r.stdout if r.returncode == 0 else None


def clean(text: str) -> str:
    text = re.sub(r"<!\[CDATA\[|\]\]>", "", text or "")
    text = re.sub(r"<[^>]+>", " ", text)
    text = html.unescape(text)
    return re.sub(r"\s+", " ", text).strip()


def norm(title: str) -> str:
    return re.sub(r"\W+", " ", title.lower()).strip()


def known_titles() -> set[str]:
    seen: set[str] = set()
    for f in glob.glob(os.path.join(HERE, "tests/data/denials/*.csv")):
        if os.path.basename(f) == "es_fresh4_headlines.csv":
            continue
        with open(f, newline="", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                t = row.get("title") or row.get("headline") or ""
                if t:
                    seen.add(norm(t)[:50])
    return seen


def shared_feed_text() -> tuple[str, str]:
    chunks = []
    for root, _dirs, files in os.walk("/work/shared/feeds"):
        for name in files:
            try:
                with open(os.path.join(root, name), "rb") as fh:
                    chunks.append(fh.read().decode("utf-8", "replace"))
            except OSError:
                pass
    raw = " ".join(chunks)
    return norm(raw), raw.lower()


def rows_albertbus():
    for path, outlet in ALBERTBUS_FILES:
        for commit, date in commits(ALBERTBUS, path):
            data = show(ALBERTBUS, commit, path)
            if not data:
                continue
            try:
                feed = json.loads(data.decode("utf-8"))
            except ValueError:
                continue
            for item in feed.get("items", []):
                yield (
                    f"{ALBERTBUS} {path} @ {commit[:12]} ({outlet}, committed {date})",
                    (item.get("link") or item.get("id") or "").strip(),
                    clean(item.get("title") or ""),
                    clean(item.get("description") or ""),
                )


def rows_uada():
    for path, outlet in UADA_FILES:
        for commit, date in commits(UADA, path):
            data = show(UADA, commit, path)
            if not data or b"<titulo>" not in data:
                continue
            root = ET.fromstring(data)
            for n in root.iter("noticia"):
                yield (
                    f"{UADA} {path} @ {commit[:12]} ({outlet}, committed {date})",
                    (n.findtext("url") or "").strip(),
                    clean(n.findtext("titulo") or ""),
                    clean(n.findtext("texto") or ""),
                )


def rows_eitb():
    for path, outlet in EITB_FILES:
        for commit, date in commits(EITB, path):
            data = show(EITB, commit, path)
            if not data:
                continue
            reader = csv.DictReader(io.StringIO(data.decode("utf-8"), newline=""), delimiter=";")
            for row in reader:
                yield (
                    f"{EITB} {path.strip()} @ {commit[:12]} ({outlet}, committed {date})",
                    "",
                    clean(row.get("titular") or ""),
                    clean(row.get("descripcion") or ""),
                )


def main(out: str) -> None:
    known = known_titles()
    shared, shared_raw = shared_feed_text()
    seen: set[str] = set()
    kept = []
    rows = list(rows_albertbus()) + list(rows_uada()) + list(rows_eitb())
    for source, link, title, summary in rows:
        key = norm(title)
        if not key or key in seen:
            continue
        seen.add(key)
        if key[:50] in known or key[:50] in shared or title.lower()[:50] in shared_raw:
            continue
        kept.append([source, link, title, summary[:600], "es", "", "", "", ""])
    with open(out, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(
            ["source", "link", "title", "summary", "lang", "label", "denier", "denied", "note"]
        )
        w.writerows(kept)
    print(len(kept), "rows")


if __name__ == "__main__":
    main(sys.argv[1])
