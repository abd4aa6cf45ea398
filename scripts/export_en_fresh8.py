"""Export the unlabelled rows of tests/data/denials/en_fresh8_headlines.csv.

Reads the git mirror of rumca-js/RSS-Link-Database-2022 made by the ``fetch``
tool (``/work/.mirror/rumca-js+RSS-Link-Database-2022/repo``) and takes every
entry of each chosen feed file on each chosen day, at the last commit that holds
the daily folders as JSON.  Outlets and days were chosen before any item was
read.  Standard library only; does not import ``bot.context``.

Usage: python scripts/export_en_fresh8.py OUT.csv
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from export_en_fresh6 import export, git  # the same archive format: one export for both

MIRROR = Path("/work/.mirror/rumca-js+RSS-Link-Database-2022/repo")
REPO = "rumca-js/RSS-Link-Database-2022"

# (file stem in the day folder, outlet label): general-news, world and politics
# feeds of the archive, chosen by outlet and section before any item was read.
FEEDS = [
    ("http.feeds.bbci.co.uknewsrss.xml", "BBC News"),
    ("http.rss.cnn.comrsscnn_world.rss", "CNN world"),
    ("https.rss.nytimes.comservicesxmlrssnytWorld.xml", "NYT world"),
    ("https.www.theguardian.cominternationalrss", "The Guardian international"),
    ("https.rss.politico.compolitics-news.xml", "Politico politics"),
    ("https.feeds.a.dj.comrssRSSWorldNews.xml", "WSJ world"),
    ("http.feeds.skynews.comfeedsrssworld.xml", "Sky News world"),
    ("https.feeds.nbcnews.comnbcnewspublicworld", "NBC News world"),
    ("http.feeds.abcnews.comabcnewstopstories", "ABC News US top stories"),
    ("http.www.aljazeera.comxmlrssall.xml", "Al Jazeera"),
]

# The last commit that still holds the daily folders as JSON (later commits zip them).
COMMIT = "7d71807e"

# Wednesdays of 2022, chosen by date before reading.
DAYS = [
    "2022-12-14",
    "2022-11-16",
    "2022-10-12",
    "2022-09-14",
    "2022-12-07",
    "2022-11-02",
    "2022-10-05",
    "2022-12-21",
    "2022-11-23",
]


def main() -> None:
    commit = git("rev-parse", COMMIT, mirror=MIRROR).strip()
    export(
        Path(sys.argv[1]),
        mirror=MIRROR,
        repo=REPO,
        feeds=FEEDS,
        days=DAYS,
        commit_of=lambda _day: commit,
        own="en_fresh8_headlines.csv",
    )


if __name__ == "__main__":
    main()
