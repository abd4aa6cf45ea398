"""Scoring of the headline classifier; the full Emergent run is skipped when the data is absent."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.context.stance_eval import evaluate, evaluate_csv, format_report

SHARED = Path(os.environ.get("NEWSBOT_SHARED") or Path(__file__).resolve().parents[3] / "shared")
EMERGENT = SHARED / "data/stance/emergent/emergent-train.csv"


def test_evaluate_counts() -> None:
    rows = [
        ("Apple Denies Report That It Will Shut Down Beats Music", "against"),
        ("No, Banksy hasn't been arrested", "against"),
        ("Is this the world's oldest burger?", "observing"),
        ("HP confirms plan to split company", "for"),
        ("Apple Watch won't be a U.S.-only launch", "against"),  # a miss: recall 2/3
    ]
    result = evaluate(rows)
    assert result["n"] == 5
    a = result["against"]
    assert (a["tp"], a["fp"], a["fn"]) == (2, 0, 1)
    assert a["precision"] == 1.0 and a["recall"] == pytest.approx(2 / 3)
    assert result["confusion"]["against"]["against"] == 2
    assert result["accuracy"] == pytest.approx(4 / 5)
    text = format_report(result)
    assert "precision 1.000" in text and "recall 0.667" in text


def test_csv_reader(tmp_path: Path) -> None:
    path = tmp_path / "e.csv"
    path.write_text(
        "id,claimHeadline,articleHeadline,articleHeadlineStance,articleId,claimId\n"
        '0,c,"Met police denies reports of Banksy arrest",against,a,b\n',
        encoding="utf-8",
    )
    assert evaluate_csv(path)["against"]["tp"] == 1


@pytest.mark.skipif(not EMERGENT.exists(), reason="development data not present")
def test_emergent_train_through_the_alert_path() -> None:
    # The figure alerts really get (analyze() on the headline alone), kept from falling back.
    a = evaluate_csv(EMERGENT)["against"]
    assert a["precision"] >= 0.95
    assert a["recall"] >= 0.68
