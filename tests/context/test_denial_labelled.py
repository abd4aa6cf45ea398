"""The DENIAL label scored on the team's hand-labelled data (tests/data/denials, LABELLING.md).

These are the figures `newsbot eval feeds` prints for the same files; they are kept here so
they cannot fall back. The feed items are real (../shared/feeds/news captures); the headline
sets were written by the team and were also used while developing the grammar, so they guard
against regressions rather than measure generalisation (see tests/data/denials/PROVENANCE.md).
The real Spanish and Russian items were labelled by someone who had not read or run the
detector; their floors are the latest F1 measured on them, less 0.05.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest

from bot.context.stance_eval import evaluate_items, evaluate_items_csv

DATA = Path(__file__).resolve().parents[1] / "data" / "denials"


@pytest.fixture(scope="module")
def feed_items() -> dict[str, Any]:
    return evaluate_items_csv(DATA / "feeds_items.csv")


def test_real_feed_items_all_languages(feed_items: dict[str, Any]) -> None:
    d = feed_items["denial"]
    assert feed_items["n"] == 1081
    assert d["precision"] >= 0.80, d
    assert d["recall"] >= 0.60, d


def test_real_feed_items_english(feed_items: dict[str, Any]) -> None:
    en = feed_items["languages"]["en"]
    assert en["precision"] >= 0.80, en
    assert en["recall"] >= 0.60, en


def test_every_row_can_be_checked_against_analyze(feed_items: dict[str, Any]) -> None:
    row = next(r for r in feed_items["rows"] if r["predicted"])
    assert set(row) >= {"title", "gold", "predicted", "cues", "detected_language"}


@pytest.mark.parametrize("name", ["en_headlines", "es_headlines", "ru_headlines"])
def test_headline_sets(name: str) -> None:
    with (DATA / f"{name}.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    result = evaluate_items(
        {"title": r["headline"], "summary": r["lead"], "label": r["label"], "lang": name[:2]}
        for r in rows
    )
    d = result["denial"]
    assert d["precision"] >= 0.95, d
    assert d["f1"] >= 0.90, d


# (file, rows, F1 floor): F1 measured when the sets were added (2026-12-03) was 0.545 (es:
# P 0.625, R 0.484) and 0.824 (ru: P 0.875, R 0.778); after the Spanish fact-check conventions
# (grammar studied on the dev halves of scripts/real_split.py only) 0.780 (es: P 0.821,
# R 0.742) and 0.875 (ru: P 1.000, R 0.778); after the reported-denial grammar of task es13
# (tests/context/test_denial_reported_grammar.py) 0.807 (es: P 0.885, R 0.742) and 0.909 (ru:
# P 1.000, R 0.833); after the forms of task es14 (tests/context/test_denial_es_ru_forms.py;
# the whole files' errors were studied, so these now guard rather than measure) 0.867 (es:
# P 0.897, R 0.839) and 0.971 (ru: P 1.000, R 0.944). Floors are the latest figures less 0.05;
# the acceptance asks 0.75 each.
REAL_SETS = [("es_real_items.csv", 350, 0.817), ("ru_real_items.csv", 384, 0.921)]


@pytest.mark.parametrize(("name", "rows", "floor"), REAL_SETS)
def test_real_spanish_and_russian_items_keep_their_f1(name: str, rows: int, floor: float) -> None:
    result = evaluate_items_csv(DATA / name)
    d = result["denial"]
    assert result["n"] == rows
    assert set(result["languages"]) == {name[:2]}
    assert d["f1"] >= floor, d


def test_fresh_spanish_feed_headlines_keep_their_precision() -> None:
    # es_feed_headlines.csv (PROVENANCE.md): 1,023 real headlines of two whole feed snapshots,
    # labelled before any scoring and never studied. Scored before the es13 grammar: P 0.286,
    # R 0.222 (tp 2, fp 5, fn 7); after: P 1.000, R 0.222 (tp 2, fp 0, fn 7); after es14
    # (whose author studied these misses): P 1.000, R 0.778 (tp 7, fp 0, fn 2). A wrong DENIAL
    # costs more than a missed one, so the guard is on false positives: at most one in 1,023.
    result = evaluate_items_csv(DATA / "es_feed_headlines.csv")
    d = result["denial"]
    assert result["n"] == 1023
    assert d["fp"] <= 1, d
    assert d["tp"] >= 6, d


def test_all_real_items_together() -> None:
    # Every real set scored as one (the acceptance's "all real headlines": F1 >= 0.85 with
    # precision >= 0.85). Measured after es14: P 0.954, R 0.838, F1 0.892 (tp 62, fp 3, fn 12).
    names = ("es_real_items", "ru_real_items", "es_feed_headlines", "feeds_items")
    d = evaluate_items_csv(*(DATA / f"{n}.csv" for n in names))["denial"]
    assert d["precision"] >= 0.90, d
    assert d["f1"] >= 0.84, d


# (file, rows, tp floor): es_fresh3 and ru_fresh3 (esru_fresh3_PROVENANCE.md) were scored blind
# once in session 9 (es: P 0.500, R 0.333, tp 1, fp 1; ru: P 0.833, R 0.455, tp 5, fp 1) and
# then studied as dev sets by task gram15, after which: es P 1.000, R 0.333 (tp 1, fp 0, fn 2);
# ru P 1.000, R 0.727 (tp 8, fp 0, fn 3). They now guard: no false positive, recall kept.
FRESH3_SETS = [("es_fresh3_headlines.csv", 634, 1), ("ru_fresh3_headlines.csv", 1071, 8)]


@pytest.mark.parametrize(("name", "rows", "tp_floor"), FRESH3_SETS)
def test_studied_fresh3_sets_keep_no_false_positive(name: str, rows: int, tp_floor: int) -> None:
    result = evaluate_items_csv(DATA / name)
    d = result["denial"]
    assert result["n"] == rows
    assert d["fp"] == 0, d
    assert d["tp"] >= tp_floor, d
