"""Export the unlabelled rows of tests/data/denials/ru_fresh5_headlines.csv.

The same capture and the same export as ru_fresh4 (``scripts/export_ru_fresh4.py``,
whose reading, cleaning and de-duplication this script reuses): the git mirror of
egfedorov/rss-parser made by the search tool's ``fetch``
(``/work/.mirror/egfedorov+rss-parser/repo``), every <item> of each chosen feed file
at every commit that changed it (oldest first), markup cleaned, the summary cut to
600 characters, and a row dropped whose normalised title repeats an earlier row or a
title in tests/data/denials/*.csv (ru_fresh4 included), or whose first 50 characters
occur in /work/shared/feeds.  Only the files differ.  Standard library only; does not
import bot.context.

Usage: python scripts/export_ru_fresh5.py OUT.csv
"""

from __future__ import annotations

import csv
import glob
import os
import sys

import export_ru_fresh4 as base

# Chosen by outlet and section before any item was read: the files of this
# repository that ru_fresh4 left unread (its Meduza and BBC files are excluded),
# then, for more rows, the national politics/investigations outlets The Insider,
# iStories, Verstka and Mediazona.  Single-journalist files (allenova, petlyanova),
# Novaya Gazeta's prison (shkonka) and video sections were not considered.
FEEDS = [
    ("feed_novaya.xml", "Novaya Gazeta Europe (Сюжеты)"),
    ("output/feed_novaya.xml", "Novaya Gazeta Europe (Сюжеты)"),
    ("current_time.xml", "Current Time (Лонгриды)"),
    ("output/current_time.xml", "Current Time (Лонгриды)"),
    ("svoboda.xml", "Radio Svoboda (Расследования)"),
    ("output/svoboda.xml", "Radio Svoboda (Расследования)"),
    ("feed_thebell.xml", "The Bell (Истории)"),
    ("output/feed_thebell.xml", "The Bell (Истории)"),
    ("feed_theins.xml", "The Insider (Расследования)"),
    ("output/feed_theins.xml", "The Insider (Расследования)"),
    ("feed_theins_politika.xml", "The Insider (Политика)"),
    ("ins_politika.xml", "The Insider (Политика)"),
    ("output/ins_politika.xml", "The Insider (Политика)"),
    ("feed_istories.xml", "iStories (Истории)"),
    ("output/feed_istories.xml", "iStories (Истории)"),
    ("feed_verstka.xml", "Verstka (Статьи)"),
    ("verstka.xml", "Verstka (Статьи)"),
    ("output/verstka.xml", "Verstka (Статьи)"),
    ("feed_zona_texts.xml", "Mediazona (Тексты)"),
    ("output/feed_zona_texts.xml", "Mediazona (Тексты)"),
]

_base_known_titles = base.known_titles


def known_titles(root: str) -> tuple[set[str], str]:
    """Titles of every denials CSV but this file's own (ru_fresh4's are kept)."""
    seen: set[str] = set()
    for path in glob.glob(os.path.join(root, "tests/data/denials/*.csv")):
        if os.path.basename(path) != "ru_fresh5_headlines.csv":
            with open(path, encoding="utf-8", newline="") as fh:
                seen |= {
                    base.norm(r.get("title") or r.get("headline") or "") for r in csv.DictReader(fh)
                }
    return seen, _base_known_titles(root)[1]


if __name__ == "__main__":
    base.FEEDS = FEEDS
    base.known_titles = known_titles
    base.main(sys.argv[1])
