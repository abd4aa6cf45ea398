#!/usr/bin/env python3
"""Export the fresh Spanish and Russian news captures (task label14) to CSVs for hand labelling.

This script owns one step: reading whole files of public news captures out of git snapshots of
their repositories (as `fetch` leaves them under /work/.mirror) and writing the unlabelled rows
of `tests/data/denials/es_fresh2_headlines.csv` and `ru_fresh2_headlines.csv`. Which files and
sections are taken is fixed in SOURCES and in the section and date filters below, all chosen
by outlet and section before any item was read. Labels are written by a person, never here.

Each row is `source, link, title, summary` plus the empty hand columns. `summary` is the
capture's own description or the article's opening text, cut to 600 characters at a word.
Telegram posts have no headline: the first line of the post is the title and the rest is the
summary. Repeated titles (case-insensitive) keep their first occurrence; rows with a title seen
in an earlier labelled file (given with --exclude) are dropped so nothing studied comes back.

Usage: python scripts/export_fresh2.py [--mirrors DIR] [--exclude CSV ...] --out-es F --out-ru F
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import random
import re
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

COLUMNS = ["source", "link", "title", "summary", "lang", "label", "denier", "denied", "note"]
MAX_SUMMARY = 600
SEED = 14

TELEGRAM = "NKTKLN/telegram-news-classifier"
TELEGRAM_COMMIT = "b8b03f1982910fbf4151c184f1ade8b67aa1f585"
# Channel file -> outlet: the three general-news channels of the dataset (the others are
# Moscow city, tabloid, programming and science channels).
TELEGRAM_CHANNELS = {
    "data/raw/1001101170442_messages.json": "RIA Novosti (t.me/rian_ru)",
    "data/raw/1001003921752_messages.json": "BBC News Russian (t.me/bbcrussian)",
    "data/raw/1001394050290_messages.json": "Ranshe vsekh (t.me/bbbreaking)",
}
# One week, the last full week of the capture, the same for every channel.
TELEGRAM_DAYS = ("2024-11-28", "2024-12-04")

NEWSAPI = "PythonKnife/NewsAPI"
NEWSAPI_COMMIT = "ec91e5d5164869f3cf2546ec8f7eadfe31ddf12a"  # branch `data`, 2021-07-11
NEWSAPI_ES = ["ar", "co", "cu", "mx", "ve"]

WIZZ = "wizzandrew/top-headlines"
WIZZ_COMMIT = "a83526702dcab011f33e8d3e46500db28440eeff"

ESPECTADOR = "pablo-reyes8/colombian-news-nlp-analysis"
ESPECTADOR_COMMIT = "3abc0cdd053e6fcf53a767d902f8aaeb2949abe3"
# News sections only; Entretenimiento, Deportes, El Magazín Cultural, Tecnología and Ciencia
# are left out.
ESPECTADOR_SECTIONS = {
    "Política",
    "Judicial",
    "Economía",
    "Mundo",
    "Bogotá",
    "Salud",
    "Ambiente",
    "Educación",
    "Género y Diversidad",
    "Actualidad",
    "Colombia",
    "Investigación",
    "Reportajes",
}
ELCOLOMBIANO_SECTIONS = {
    "antioquia",
    "colombia",
    "medellin",
    "politica",
    "paz-y-derechos-humanos",
    "seguridad",
    "negocios",
    "empresas",
    "finanzas",
    "salud",
    "educacion",
    "movilidad",
    "obras",
    "medio-ambiente",
    "agro",
}

MUNDO_PAIS = "omaestres/UOC-TCVD-PRACTICA1"
MUNDO_PAIS_COMMIT = "89865e8111f65088440edc99334b4debfc1a36af"

PRENSA_LATINA = "oz-osmany/prensalatina"
PRENSA_LATINA_COMMIT = "8910c7aefeb99515339ea5f53b8aefe3bfc28ce5"


@dataclass(frozen=True)
class Item:
    lang: str
    source: str
    link: str
    title: str
    summary: str


def git_show(mirrors: Path, repo: str, commit: str, path: str) -> bytes:
    folder = mirrors / repo.replace("/", "+") / "repo"
    git_dir = folder / ".git" if (folder / ".git").is_dir() else folder
    return subprocess.run(
        ["git", "--git-dir", str(git_dir), "show", f"{commit}:{path}"],
        check=True,
        capture_output=True,
    ).stdout


def clean(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def cut(text: str, limit: int = MAX_SUMMARY) -> str:
    text = clean(text)
    if len(text) <= limit:
        return text
    head = text[:limit]
    return head[: head.rfind(" ")] if " " in head else head


def unmark(text: str) -> str:
    """Telegram markdown as the reader sees it: link text without the URL, no emphasis marks."""
    text = re.sub(r"\[([^\]]*)\]\((?:[^()]|\([^)]*\))*\)", r"\1", text)
    return text.replace("**", "").replace("__", "").replace("~~", "")


def telegram(mirrors: Path) -> Iterator[Item]:
    first, last = TELEGRAM_DAYS
    for path, outlet in TELEGRAM_CHANNELS.items():
        posts = json.loads(git_show(mirrors, TELEGRAM, TELEGRAM_COMMIT, path))
        for post in sorted(posts, key=lambda p: p["date"]):
            if not first <= post["date"][:10] <= last:
                continue
            lines = [clean(line) for line in unmark(post["text"]).split("\n")]
            lines = [line for line in lines if line]
            if not lines:
                continue
            source = f"{TELEGRAM} {path} @ {TELEGRAM_COMMIT[:12]} ({outlet}, {post['date'][:16]})"
            link = f"message {post['message_id']}"
            yield Item("ru", source, link, lines[0], cut(" ".join(lines[1:])))


def newsapi_file(raw: bytes) -> list[dict[str, object]]:
    """The NewsAPI answers in one file (the capture appends them; each is one JSON object)."""
    text, decoder, at, articles = raw.decode("utf-8"), json.JSONDecoder(), 0, []
    while at < len(text):
        while at < len(text) and text[at].isspace():
            at += 1
        if at == len(text):
            break
        answer, at = decoder.raw_decode(text, at)
        articles.extend(answer.get("articles", []))
    return articles


def newsapi_items(lang: str, source: str, articles: list[dict[str, object]]) -> Iterator[Item]:
    for article in articles:
        outlet = article.get("source")
        name = outlet.get("name", "") if isinstance(outlet, dict) else ""
        yield Item(
            lang,
            f"{source} ({name}, {str(article.get('publishedAt', ''))[:10]})",
            str(article.get("url") or ""),
            clean(str(article.get("title") or "")),
            cut(str(article.get("description") or "")),
        )


def newsapi(mirrors: Path) -> Iterator[Item]:
    for country in NEWSAPI_ES:
        path = f"top-headlines/category/general/{country}/{country}.json"
        raw = git_show(mirrors, NEWSAPI, NEWSAPI_COMMIT, path)
        where = f"{NEWSAPI} {path} @ {NEWSAPI_COMMIT[:12]}"
        yield from newsapi_items("es", where, newsapi_file(raw))
    path = "top-headlines/category/general/ru/ru.json"
    raw = git_show(mirrors, NEWSAPI, NEWSAPI_COMMIT, path)
    yield from newsapi_items("ru", f"{NEWSAPI} {path} @ {NEWSAPI_COMMIT[:12]}", newsapi_file(raw))
    for name, lang in (("americaArgInfobae", "es"), ("europeRuLenta", "ru"), ("europeRuRbc", "ru")):
        path = f"src/shared/cached/source/{name}.json"
        answer = json.loads(git_show(mirrors, WIZZ, WIZZ_COMMIT, path))
        yield from newsapi_items(lang, f"{WIZZ} {path} @ {WIZZ_COMMIT[:12]}", answer["articles"])


def xlsx_rows(raw: bytes) -> list[list[str]]:
    """Rows of the first sheet of an .xlsx whose cells are inline strings (no shared table)."""
    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    book = zipfile.ZipFile(io.BytesIO(raw))
    sheet = ElementTree.fromstring(book.read("xl/worksheets/sheet1.xml"))
    rows = []
    for row in sheet.iter(main + "row"):
        cells = []
        for cell in row.findall(main + "c"):
            value = cell.find(main + "v")
            if value is not None:
                cells.append(value.text or "")
            else:
                cells.append("".join(t.text or "" for t in cell.iter(main + "t")))
        rows.append(cells)
    return rows


def colombia(mirrors: Path) -> Iterator[Item]:
    path = "data/scrapping_espectador/data/noticias_elespectador (1).xlsx"
    header, *rows = xlsx_rows(git_show(mirrors, ESPECTADOR, ESPECTADOR_COMMIT, path))
    assert header == ["Titulo", "Link", "Fecha", "Categoria", "Cuerpo"], header
    for title, link, date, section, body in rows:
        if section in ESPECTADOR_SECTIONS:
            where = f"El Espectador, {section}, {date[:10]}"
            source = f"{ESPECTADOR} {path} @ {ESPECTADOR_COMMIT[:12]} ({where})"
            yield Item("es", source, link, clean(title), cut(body))
    path = "data/scrapping_elcolombiano/data/ElColombiano_Estatico.csv"
    text = git_show(mirrors, ESPECTADOR, ESPECTADOR_COMMIT, path).decode("utf-8")
    csv.field_size_limit(sys.maxsize)
    for row in csv.DictReader(text.splitlines(keepends=True)):
        if row["categoria"] in ELCOLOMBIANO_SECTIONS:
            where = f"El Colombiano, {row['categoria']}, {row['hora']}"
            source = f"{ESPECTADOR} {path} @ {ESPECTADOR_COMMIT[:12]} ({where})"
            yield Item("es", source, row["url"], clean(row["titulo"]), cut(row["cuerpo"]))


def mundo_pais(mirrors: Path) -> Iterator[Item]:
    path = "dataset.csv"
    text = git_show(mirrors, MUNDO_PAIS, MUNDO_PAIS_COMMIT, path).decode("utf-8")
    for line in text.splitlines():
        if not line.strip():
            continue
        title, link, date, _author, paper = line.rsplit(";", 4)
        if link.startswith("//"):
            link = "https:" + link
        elif link.startswith("/"):
            link = "https://elpais.com" + link
        source = f"{MUNDO_PAIS} {path} @ {MUNDO_PAIS_COMMIT[:12]} ({paper.title()}, {date[:10]})"
        yield Item("es", source, link, clean(title), "")


def prensa_latina(mirrors: Path) -> Iterator[Item]:
    path = "src/api/prueba.tsx"
    text = git_show(mirrors, PRENSA_LATINA, PRENSA_LATINA_COMMIT, path).decode("utf-8")
    data = json.loads(text[text.index("[") : text.rindex("]") + 1])
    for feed in data:
        for entry in feed["rss"]["channel"]["item"]:
            described = entry.get("description", {})
            summary = described.get("_cdata") or described.get("_text") or ""
            summary = re.sub(r"<[^>]+>", " ", summary)
            date = entry.get("pubDate", {}).get("_text", "")
            source = f"{PRENSA_LATINA} {path} @ {PRENSA_LATINA_COMMIT[:12]} (Prensa Latina, {date})"
            title = clean(entry["title"]["_text"])
            yield Item("es", source, entry["link"]["_text"], title, cut(summary))


def seen_titles(paths: list[Path]) -> set[str]:
    titles: set[str] = set()
    for path in paths:
        with path.open(newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                titles.add((row.get("title") or row.get("headline") or "").strip().lower())
    return titles


def write(items: list[Item], out: Path) -> None:
    random.Random(SEED).shuffle(items)
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        for item in items:
            row = {"source": item.source, "link": item.link, "title": item.title}
            writer.writerow(row | {"summary": item.summary, "lang": item.lang})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mirrors", type=Path, default=Path("/work/.mirror"))
    parser.add_argument("--exclude", type=Path, nargs="*", default=[])
    parser.add_argument("--out-es", type=Path, required=True)
    parser.add_argument("--out-ru", type=Path, required=True)
    args = parser.parse_args(argv)
    seen = seen_titles(args.exclude)
    kept: dict[str, list[Item]] = {"es": [], "ru": []}
    for item in (
        *mundo_pais(args.mirrors),
        *colombia(args.mirrors),
        *newsapi(args.mirrors),
        *prensa_latina(args.mirrors),
        *telegram(args.mirrors),
    ):
        key = item.title.lower()
        if item.title and key not in seen:
            seen.add(key)
            kept[item.lang].append(item)
    write(kept["es"], args.out_es)
    write(kept["ru"], args.out_ru)
    print(f"{len(kept['es'])} es rows, {len(kept['ru'])} ru rows", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
