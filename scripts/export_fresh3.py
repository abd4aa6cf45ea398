"""Export the es/ru fresh3 evaluation captures to unlabelled CSV rows (task label14esru3).

Reads whole committed feed captures from local git mirrors (made by the `fetch` tool) and
writes every entry, deduplicated by title, to a CSV with the denial-set columns and empty
labels, so a human can label them. It never imports the detector (bot.context).

Sources (each file at every commit that changed it, all entries):
- Spanish: jmanuelbr/chrome-extension src/js/mocks/<outlet>.mocks.js (RSS, Atom and NewsML
  captures of Spanish outlets kept as offline mocks; the developer's "MOCKS" marker on the
  first title is removed).
- Spanish: jeremyandes/ionic-cero-a-experto, NewsAPI top-headlines (Argentina) kept as mock data.
- Russian: andrewfromtver/news_ag app-data/news_ru.js (NewsAPI top headlines, Russia) and
  NKTKLN/telegram-news-classifier data/raw/<channel>_messages.json (Telegram posts).

Usage: python scripts/export_fresh3.py es|ru OUT.csv
"""

from __future__ import annotations

import contextlib
import csv
import html
import json
import re
import subprocess
import sys
from pathlib import Path

MIRROR = Path("/work/.mirror")
HEADER = ["source", "link", "title", "summary", "lang", "label", "denier", "denied", "note"]
ES_REPO = "jmanuelbr/chrome-extension"
# General-news feeds only, chosen by outlet and section before reading any item
# (as.com is sports; huffpost, cnn, bbc, nytimes, theguardian are English).
ES_FEEDS = {
    "20minutos": "20minutos",
    "elmundo": "El Mundo",
    "elpais": "El País",
    "eldiario": "elDiario.es",
    "europapress": "Europa Press",
    "expansion": "Expansión",
    "laopinion": "La Opinión de Murcia",
    "lavanguardia": "La Vanguardia",
    "elconfidencial": "El Confidencial",
    "libertaddigital": "Libertad Digital",
    "periodico-extremadura": "El Periódico Extremadura",
}


def git(repo: str, *args: str) -> str:
    gitdir = MIRROR / repo.replace("/", "+") / "repo"
    return subprocess.run(
        ["git", f"--git-dir={gitdir}", *args], capture_output=True, text=True, check=True
    ).stdout


def versions(repo: str, path: str) -> list[tuple[str, str, str]]:
    """(commit, date, text) for every commit that changed `path`, oldest first."""
    out = []
    for line in git(repo, "log", "--reverse", "--format=%H %as", "--", path).splitlines():
        commit, date = line.split()
        try:
            out.append((commit, date, git(repo, "show", f"{commit}:{path}")))
        except subprocess.CalledProcessError:
            continue  # the commit deleted the file
    return out


def clean(text: str) -> str:
    text = re.sub(r"<!\[CDATA\[(.*?)\]\]>", r"\1", text, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", text)
    text = html.unescape(html.unescape(text))
    if "Ã" in text:  # the El Confidencial capture is UTF-8 read as Latin-1
        with contextlib.suppress(UnicodeError):
            text = text.encode("latin-1").decode("utf-8")
    text = re.sub(r"^\s*MOCKS\s*-?\s*", "", text)
    text = re.sub(r"\s*\bLeer$", "", text.strip())  # El Mundo/Expansión "read more" link text
    return re.sub(r"\s+", " ", text).strip()


def unmark(text: str) -> str:
    """Telegram markdown to plain text: links keep their words, emphasis marks go."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = text.replace("**", "").replace("__", "")
    text = re.sub(r"Читать нас без VPN можно здесь:\s*bit\.ly/bbcrussian", "", text)
    return re.sub(r"\s+", " ", text).strip()


def tag(block: str, names: tuple[str, ...]) -> str:
    for name in names:
        m = re.search(rf"<{name}\b[^>]*>(.*?)</{name}>", block, flags=re.S)
        if m and clean(m.group(1)):
            return clean(m.group(1))
    return ""


def spanish_rows() -> list[list[str]]:
    rows = []
    for key, outlet in ES_FEEDS.items():
        path = f"src/js/mocks/{key}.mocks.js"
        for commit, date, text in versions(ES_REPO, path):
            blocks = [
                m.group(0) for m in re.finditer(r"<(item|entry|NewsItem)\b.*?</\1>", text, re.S)
            ]
            for block in blocks:
                title = tag(block, ("title", "HeadLine"))
                summary = tag(block, ("description", "summary", "SlugLine"))
                link = tag(block, ("link", "guid", "id"))
                if not link:
                    m = re.search(r'<link[^>]*href="([^"]+)"', block)
                    link = m.group(1) if m else ""
                src = f"{ES_REPO} {path} @ {commit[:12]} ({outlet}, committed {date})"
                rows.append([src, link, title, summary, "es"])
    return rows


# NewsAPI top-headlines responses kept as app mock data: (repo, path, exported names to take).
# Sections chosen before reading: general and business only (no sports, entertainment,
# health, science or technology responses).
ES_NEWSAPI = [
    (
        "jeremyandes/ionic-cero-a-experto",
        "apps/04-news/src/app/utils/mock-data.ts",
        ("TopHeadlinesAll", "TopHeadlinesGeneral", "TopHeadlinesBusiness"),
    ),
]


def newsapi_rows() -> list[list[str]]:
    rows = []
    for repo, path, names in ES_NEWSAPI:
        for commit, _date, text in versions(repo, path):
            parts = re.split(r"export const (\w+)(?:: \w+)? = ", text)
            for name, body in zip(parts[1::2], parts[2::2], strict=False):
                if name not in names:
                    continue
                body = re.sub(r",\s*([}\]])", r"\1", body.strip().rstrip(";").strip())
                for a in json.loads(body)["articles"]:
                    outlet = a["source"]["name"]
                    if outlet == "Google News" and a.get("author"):
                        outlet = f"{a['author']} via Google News"
                    when = a["publishedAt"][:16]
                    src = f"{repo} {path} @ {commit[:12]} ({name}: {outlet}, {when})"
                    summary = clean(a.get("description") or "")
                    rows.append([src, a["url"], clean(a["title"]), summary, "es"])
    return rows


def russian_rows(bbc_window: tuple[str, str]) -> list[list[str]]:
    rows = []
    repo, path = "andrewfromtver/news_ag", "app-data/news_ru.js"
    for commit, _date, text in versions(repo, path):
        if "{" not in text:
            continue
        data = json.loads(text[text.index("{") :].rstrip().rstrip(";"))
        for a in data["articles"]:
            outlet = a["source"]["name"]
            src = f"{repo} {path} @ {commit[:12]} ({outlet}, {a['publishedAt'][:16]})"
            rows.append([src, a["url"], a["title"], a.get("description") or "", "ru"])
    repo, path = "NKTKLN/telegram-news-classifier", "data/raw/1001003921752_messages.json"
    head = git(repo, "log", "-1", "--format=%H", "--", path).strip()
    for m in json.loads(git(repo, "show", f"{head}:{path}")):
        if not (bbc_window[0] <= m["date"][:10] <= bbc_window[1]):
            continue
        first, _, rest = m["text"].strip().partition("\n")
        first, rest = unmark(first), unmark(rest)
        src = f"{repo} {path} @ {head[:12]} (BBC News Russian (t.me/bbcrussian), {m['date'][:16]})"
        rows.append([src, f"message {m['message_id']}", first.strip(), rest.strip(), "ru"])
    return rows


def known_titles() -> set[str]:
    seen = set()
    dirs = [Path("tests/data/denials"), Path("/work/wt/label14/tests/data/denials")]
    for d in dirs:
        for f in d.glob("*.csv"):
            if "fresh3" in f.name:
                continue
            with f.open(newline="", encoding="utf-8") as fh:
                for row in csv.DictReader(fh):
                    seen.add(norm(row.get("title") or row.get("headline") or ""))
    return seen


def norm(title: str) -> str:
    return re.sub(r"\W+", " ", title).strip().lower()


def main() -> None:
    lang, out = sys.argv[1], Path(sys.argv[2])
    if lang == "es":
        rows = spanish_rows() + newsapi_rows()
    else:  # the BBC channel's window before the one ru_fresh2 took
        rows = russian_rows(("2024-11-08", "2024-11-27"))
    seen = known_titles()
    kept = []
    for row in rows:
        key = norm(row[2])
        if not key or key in seen:
            continue
        seen.add(key)
        row[3] = row[3][:600]  # summaries cut to 600 characters, as in the other real sets
        kept.append([*row, "", "", "", ""])
    with out.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(HEADER)
        w.writerows(kept)
    print(f"{len(rows)} entries, {len(kept)} rows written to {out}")


if __name__ == "__main__":
    main()
