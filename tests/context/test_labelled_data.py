"""The hand-labelled denial data in tests/data/denials is whole and well-formed.

The data is the yardstick for the denial decision (issue #12), so a lost row, a blank label or
a feed item whose text drifted from what the parser produces would quietly change every score.
Counts are checked against the numbers recorded in PROVENANCE.md, never against ../shared,
which the project must not need. Feeds that also have a byte copy in tests/data/feeds are
exported again with scripts/export_feed_items.py and must give the labelled rows exactly.
"""

from __future__ import annotations

import csv
import re
import shutil
import sys
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

import export_feed_items as export  # noqa: E402

DENIALS = ROOT / "tests" / "data" / "denials"
FEEDS = ROOT / "tests" / "data" / "feeds"

FEED_COLUMNS = ["feed", "link", "title", "summary", "lang", "label", "denier", "denied", "note"]
HEADLINE_COLUMNS = ["headline", "lead", "label", "denier", "denied", "note"]
HEADLINE_FILES = ["en_headlines.csv", "es_headlines.csv", "ru_headlines.csv"]
REAL_COLUMNS = ["source", *FEED_COLUMNS[1:]]
REAL_FILES = {
    "es_real_items.csv": "es",
    "ru_real_items.csv": "ru",
    "es_feed_headlines.csv": "es",
    "es_fresh2_headlines.csv": "es",
    "ru_fresh2_headlines.csv": "ru",
    "en_fresh2_headlines.csv": "en",
    "en_fresh3_headlines.csv": "en",  # and one German podcast title of DW's English feed
    "en_fresh4_headlines.csv": "en",
    "en_fresh5_headlines.csv": "en",
    "es_fresh3_headlines.csv": "es",
    "ru_fresh3_headlines.csv": "ru",
    "en_fresh6_headlines.csv": "en",
    "es_fresh4_headlines.csv": "es",
    "ru_fresh4_headlines.csv": "ru",
    "en_fresh7_headlines.csv": "en",
    "ru_fresh5_headlines.csv": "ru",
    "en_fresh8_headlines.csv": "en",
    "es_fresh5_headlines.csv": "es",
    "ru_fresh6_headlines.csv": "ru",
}
# Byte copies in tests/data/feeds (see its PROVENANCE.md) of feeds in the labelled corpus.
COPIES = {
    "bbc_world.xml": "bbc/ffp-1796df62c4a287cc.xml",
    "npr_world.xml": "npr/ffp-7be307059415227d.xml",
    "csmonitor_all.xml": "csmonitor/ffp-4179e7a13df0f120.xml",
    "washingtonpost_world.xml": "washingtonpost/ffp-4bf53cb602417030.xml",
    "fz_2017.xml": "fz-se/feeder-rss_fz.xml",
    "fz_2022.xml": "fz-se/feeder-rss_fz_2022.xml",
}


def read(name: str) -> tuple[list[str], list[dict[str, str]]]:
    with (DENIALS / name).open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
        return list(reader.fieldnames or []), rows


def provenance_tables() -> tuple[dict[str, tuple[int, int]], dict[str, tuple[int, int]]]:
    """(rows, positives) per data file and per source feed, as PROVENANCE.md records them."""
    text = (DENIALS / "PROVENANCE.md").read_text(encoding="utf-8")
    files = {
        name: (int(rows), int(positives))
        for name, rows, positives in re.findall(
            r"^\| (\w+\.csv) \| (\d+) \| (\d+) \|$", text, flags=re.MULTILINE
        )
    }
    feeds = {
        path: (int(rows), int(positives))
        for path, rows, positives in re.findall(
            r"^\| `news/([^`]+)` \| [^|]+ \| [a-z]{2} \| (\d+) \| (\d+) \|", text, re.MULTILINE
        )
    }
    return files, feeds


def check_labels(rows: list[dict[str, str]], where: str) -> None:
    for number, row in enumerate(rows, start=2):  # line 1 is the header
        label = row["label"]
        assert label in {"0", "1"}, f"{where}:{number}: label {label!r}"
        named = bool(row["denier"].strip()) and bool(row["denied"].strip())
        if label == "1":
            assert named, f"{where}:{number}: a denial needs its denier and denied party"
        else:
            assert not (row["denier"] or row["denied"]), f"{where}:{number}: 0 with a denier"


def test_feed_items_are_labelled_and_well_formed() -> None:
    columns, rows = read("feeds_items.csv")
    assert columns == FEED_COLUMNS
    check_labels(rows, "feeds_items.csv")
    for number, row in enumerate(rows, start=2):
        assert row["feed"] and row["title"].strip(), f"feeds_items.csv:{number}: no title"
        assert re.fullmatch(r"[a-z]{2}", row["lang"]), f"feeds_items.csv:{number}: lang"
        assert len(row["summary"]) <= 600, f"feeds_items.csv:{number}: summary not cut"


@pytest.mark.parametrize("name", HEADLINE_FILES)
def test_headline_sets_are_labelled_and_well_formed(name: str) -> None:
    columns, rows = read(name)
    assert columns == HEADLINE_COLUMNS
    check_labels(rows, name)
    headlines = [row["headline"] for row in rows]
    assert all(h.strip() for h in headlines) and all(row["lead"].strip() for row in rows)
    assert len(set(headlines)) == len(headlines), f"{name}: repeated headline"
    if name.startswith("ru"):
        assert all(re.search("[а-яё]", h, re.IGNORECASE) for h in headlines)


@pytest.mark.parametrize("name", sorted(REAL_FILES))
def test_real_item_sets_are_labelled_and_well_formed(name: str) -> None:
    columns, rows = read(name)
    assert columns == REAL_COLUMNS
    check_labels(rows, name)
    titles = [row["title"].strip() for row in rows]
    assert all(titles) and all(row["source"] for row in rows)
    assert len({t.lower() for t in titles}) == len(titles), f"{name}: repeated title"
    langs = {row["lang"] for row in rows}
    assert REAL_FILES[name] in langs and langs <= {REAL_FILES[name], "de"}
    assert all(len(row["summary"]) <= 600 for row in rows), f"{name}: summary not cut"
    if name.startswith("ru"):
        assert all(re.search("[а-яё]", t, re.IGNORECASE) for t in titles)


@pytest.mark.parametrize("name", ["feeds_items.csv", *HEADLINE_FILES, *sorted(REAL_FILES)])
def test_counts_match_provenance(name: str) -> None:
    files, _ = provenance_tables()
    _, rows = read(name)
    assert name in files, f"PROVENANCE.md records no count for {name}"
    assert (len(rows), sum(row["label"] == "1" for row in rows)) == files[name]


def test_every_source_feed_keeps_its_recorded_rows() -> None:
    _, feeds = provenance_tables()
    _, rows = read("feeds_items.csv")
    per_feed = Counter(row["feed"] for row in rows)
    positives = Counter(row["feed"] for row in rows if row["label"] == "1")
    assert len(feeds) >= 38
    assert {feed: (per_feed[feed], positives[feed]) for feed in per_feed} == feeds


def test_reexport_gives_the_labelled_rows_exactly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The copies laid out as in ../shared/feeds/news, so the feed column matches.
    folder = tmp_path / "news"
    for copy, path in COPIES.items():
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(FEEDS / copy, folder / path)
    out = tmp_path / "items.csv"
    code = export.main([str(folder), "--out", str(out), "--keep", str(DENIALS / "feeds_items.csv")])
    assert code == 0
    with out.open(newline="", encoding="utf-8") as handle:
        exported = list(csv.DictReader(handle))
    _, labelled = read("feeds_items.csv")
    expected = [row for row in labelled if row["feed"] in COPIES.values()]
    assert len(expected) > 100
    assert exported == expected
    assert capsys.readouterr().err.strip() == f"{len(expected)} items from 6 feed files"


def test_export_without_keep_leaves_hand_columns_empty() -> None:
    rows = list(export.export_rows(FEEDS))
    assert rows and all(not any(row[c] for c in export.HAND_COLUMNS) for row in rows)
    assert any(row["feed"] == "npr_world.xml" for row in rows)


def test_export_refuses_a_missing_folder_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert export.main([str(tmp_path / "nowhere")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "is not a folder" in err and "Traceback" not in err
