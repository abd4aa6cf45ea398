"""The word screen in front of every cue pattern never hides a match (it only saves time)."""

from __future__ import annotations

import csv
from dataclasses import fields
from pathlib import Path

import pytest

from bot.context.cues import CUES, CueSet, compile_cues

DATA = Path(__file__).resolve().parents[1] / "data" / "denials"


def _texts() -> list[str]:
    out: list[str] = []
    for path in sorted(DATA.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                out += [
                    row.get("title") or row.get("headline") or "",
                    row.get("summary") or row.get("lead") or "",
                ]
    return [*out, "Isn’t real, she said", "no truth to it", "RETRACTS the story", "9/11 hoax"]


def _tiers() -> list[tuple[str, CueSet]]:
    tiers = []
    for lang, cues in CUES.items():
        for f in fields(cues):
            value = getattr(cues, f.name)
            if isinstance(value, tuple) and value and isinstance(value[0], str):
                tiers.append((f"{lang}.{f.name}", compile_cues(value)))
    return tiers


@pytest.mark.parametrize(("name", "cues"), _tiers(), ids=lambda v: v if isinstance(v, str) else "")
def test_screen_is_sound(name: str, cues: CueSet) -> None:
    assert cues.pattern is not None
    for text in _texts():
        if cues.pattern.search(text):
            assert cues.may_match(text), (name, text)


def test_screen_rejects_text_without_any_key_word() -> None:
    cues = compile_cues(("declined to comment", "is false"))
    assert not cues.may_match("Markets rally as inflation cools")
    assert cues.may_match("The claim is false")


@pytest.mark.parametrize(("name", "cues"), _tiers(), ids=lambda v: v if isinstance(v, str) else "")
def test_short_alternation_finds_what_the_whole_pattern_finds(name: str, cues: CueSet) -> None:
    """`find` searches a text with only the phrases whose keys the text holds: every match of
    the full alternation is still found, at the same place, as the same phrase."""
    assert cues.pattern is not None
    for text in _texts():
        whole = [
            (m.start(), m.end(), cues.phrases[int(str(m.lastgroup)[1:])])
            for m in cues.pattern.finditer(text)
        ]
        assert cues.find(text) == whole, (name, text)
        assert cues.search(text) == bool(whole), (name, text)
