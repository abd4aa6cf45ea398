"""The fact-context commands as a user runs them: outlet cards, analyze, eval stance."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "tests" / "data" / "seed_radiohc.txt"


def newsbot(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_outlet_cards_for_radiohc_tass_and_a_wsj_feed_host() -> None:
    cards = {
        q: json.loads(newsbot("outlet", q, "--json").stdout)
        for q in ("radiohc.cu", "tass.com", "feeds.a.dj.com")
    }
    rhc, tass, wsj = cards["radiohc.cu"], cards["tass.com"], cards["feeds.a.dj.com"]
    assert (rhc["name"], rhc["country"], rhc["state_media"]) == (
        "Radio Habana Cuba",
        "Cuba",
        "state-controlled",
    )
    assert "ICRT" in rhc["owner"] and rhc["sources"]["state_media"]
    assert (tass["name"], tass["country"], tass["state_media"]) == (
        "TASS",
        "Russia",
        "state-controlled",
    )
    assert wsj["name"] == "The Wall Street Journal" and wsj["country"] == "United States"
    text = newsbot("outlet", "radiohc.cu").stdout
    assert "state media  state-controlled  [" in text
    missing = newsbot("outlet", "no-such-outlet.example")
    assert missing.returncode == 1 and "no outlet known" in missing.stderr


def test_analyze_the_seed_article() -> None:
    result = newsbot(
        "analyze",
        "--json",
        "--url",
        "https://www.radiohc.cu/en/noticias/internacionales/192551-x",
        str(SEED),
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["title"] == "Russia rejects reports on military experts withdrawal from Venezuela"
    denial = data["denial"]
    assert denial["is_denial"] and denial["denied_outlet"] == "The Wall Street Journal"
    deniers = {d["name"]: d["role"] for d in denial["deniers"]}
    assert "ambassador" in (deniers.get("Vladimir Zaemsky") or "") and "Rostec" in deniers
    assert "1,000" in denial["claim"] and "few dozen" in denial["claim"]
    names = {e["name"] for e in data["entities"]}
    assert {"Rostec", "Venezuela", "Russia", "Nicolas Maduro"} <= names
    assert data["outlet"]["name"] == "Radio Habana Cuba" and len(data["summary"]) <= 320
    stdin = newsbot(
        "analyze",
        "--title",
        "Kremlin denies report of troop cuts",
        "-",
        stdin="The Kremlin said the report was untrue.",
    )
    assert "denial   yes" in stdin.stdout
    assert newsbot("analyze", "/no/such/file").returncode == 2


def test_eval_stance_on_an_emergent_format_file(tmp_path: Path) -> None:
    csv = tmp_path / "mini.csv"
    csv.write_text(
        "articleHeadline,articleHeadlineStance\n"
        "Kremlin denies reports that Putin is ill,against\n"
        "ISIS claims to have beheaded US journalist,for\n"
        "Report: Apple to unveil watch,observing\n"
        '"Hoax: no, the pope did not endorse the candidate",against\n'
    )
    result = newsbot("eval", "stance", str(csv), "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["n"] == 4 and set(data["against"]) >= {"precision", "recall", "f1"}
    assert data["against"]["recall"] == 1.0
    assert newsbot("eval", "stance", str(tmp_path / "absent.csv")).returncode == 2


def test_eval_stance_names_the_line_of_a_bad_row(tmp_path: Path) -> None:
    csv = tmp_path / "bad.csv"
    csv.write_text(
        "articleHeadline,articleHeadlineStance\nFine,for\nHoax: no, unquoted comma,against\n"
    )
    result = newsbot("eval", "stance", str(csv))
    assert result.returncode == 2
    assert f"{csv}:3: articleHeadlineStance: stance 'unquoted comma' is not one of" in (
        result.stderr
    )
