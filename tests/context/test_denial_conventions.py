"""Headline conventions for answering a rumour, and wire phrasing in Spanish and Russian.

Each case was written by the team to exercise one general rule (a verdict phrase, a reduced
headline passive, a wire agency's usual verb); none is copied from an evaluation set. Every
denial here also has a near miss that must stay 0: precision matters more than recall.
"""

from __future__ import annotations

import pytest

from bot.context.analyze import analyze


def _label(title: str, text: str = "") -> bool:
    return analyze(title, text).denial.is_denial


@pytest.mark.parametrize(
    "title",
    [
        "Kenya: No Evidence That Former US President Invited Opposition Leader to His Home",
        "No evidence that the mayor bought votes, fact-checkers find",
        "Obama says there's no evidence aliens have made contact",
    ],
)
def test_no_evidence_that_is_a_verdict(title: str) -> None:
    assert _label(title)


@pytest.mark.parametrize(
    "title",
    [
        "Police search for evidence after warehouse fire",
        "No evidence bags left at the station, commuters told",
        "Why there is no evidence of life on Mars yet",
    ],
)
def test_evidence_in_other_senses_is_not(title: str) -> None:
    assert not _label(title)


def test_no_evidence_of_an_event_said_by_police_is_not() -> None:
    # "no evidence of foul play" reports an investigation, not a claim called false
    assert not _label("Police say there is no evidence of foul play in the death of a hiker")
