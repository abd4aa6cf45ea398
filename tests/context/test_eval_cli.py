"""`newsbot eval stance --json` rows and `newsbot eval feeds`, as a user runs them: every row
they print is what `newsbot analyze --title … --json` says for the same headline."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def newsbot(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_eval_stance_rows_agree_with_analyze(tmp_path: Path) -> None:
    csv = tmp_path / "mini.csv"
    csv.write_text(
        "articleHeadline,articleHeadlineStance\n"
        "Kremlin denies reports that Putin is ill,against\n"
        "Activist denied entry at the border,for\n",
        encoding="utf-8",
    )
    result = newsbot("eval", "stance", str(csv), "--json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)["rows"]
    assert [r["predicted"] for r in rows] == ["against", "for"]
    for row in rows:
        analysed = newsbot("analyze", "--title", row["headline"], "--json", "-")
        is_denial = json.loads(analysed.stdout)["denial"]["is_denial"]
        assert is_denial is (row["predicted"] == "against")


def test_eval_feeds_scores_items_per_language(tmp_path: Path) -> None:
    csv = tmp_path / "items.csv"
    csv.write_text(
        "title,summary,label,lang\n"
        "Russia rejects reports on military experts withdrawal from Venezuela,,1,en\n"
        "Long-time customer left out of pocket after shoulder replacement denied,,0,en\n"
        "Кремль опроверг сообщения о выводе военных из Венесуэлы,,1,ru\n"
        "EEUU niega la visa a delegación cubana,,0,es\n"
        "Cuba desmiente rumores sobre la salud de Raúl Castro,,0,es\n",
        encoding="utf-8",
    )
    result = newsbot("eval", "feeds", str(csv), "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["n"] == 5
    assert (data["denial"]["tp"], data["denial"]["fp"], data["denial"]["fn"]) == (2, 1, 0)
    assert data["languages"]["es"]["fp"] == 1 and data["languages"]["ru"]["tp"] == 1
    assert [r["detected_language"] for r in data["rows"]] == ["en", "en", "ru", "es", "es"]
    text = newsbot("eval", "feeds", str(csv), "--errors")
    assert "fp [es] Cuba desmiente rumores" in text.stdout


def test_eval_feeds_refuses_a_file_without_labels(tmp_path: Path) -> None:
    csv = tmp_path / "nolabel.csv"
    csv.write_text("title,summary\nA headline,\n", encoding="utf-8")
    result = newsbot("eval", "feeds", str(csv))
    assert result.returncode == 2
    assert "missing column(s) label" in result.stderr
    assert "Traceback" not in result.stderr


def test_eval_feeds_scores_several_files_together(tmp_path: Path) -> None:
    english, russian = tmp_path / "en.csv", tmp_path / "ru.csv"
    english.write_text(
        "title,summary,label\nRussia rejects reports on military experts withdrawal,,1\n"
        "Activist denied entry at the border,,0\n",
        encoding="utf-8",
    )
    russian.write_text(
        "headline,lead,label\nКремль опроверг сообщения о выводе военных из Венесуэлы,,1\n",
        encoding="utf-8",
    )
    result = newsbot("eval", "feeds", str(english), str(russian), "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["n"] == 3 and data["denial"]["tp"] == 2
    assert set(data["languages"]) == {"en", "ru"}
    missing = newsbot("eval", "feeds", str(english), str(tmp_path / "gone.csv"))
    assert missing.returncode == 2 and "gone.csv: file not found" in missing.stderr
