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


@pytest.mark.parametrize(
    "title",
    [
        # a headline's reduced passive negates the event a rumour claimed
        "Michelle Obama Not Blurred Out on Saudi TV",
        "Missing students not among bodies found in mass grave",
        "Star's car not stolen, studio says it was moved for filming",
        # a rumour's subject never existed
        "Viral 'miracle nurse' never existed, hospital says",
        # idioms of dismissal take a claim as object
        "Minister laughs off reports of leadership challenge",
        "Singer shrugs off rumours of a split from her band",
        "Kremlin denounces Western reports as lies",
        "Minister dubs reports of cabinet rift fake news",
        # a falsity word on a claim
        "Broadcaster apologises for erroneous reports of a royal death",
    ],
)
def test_rumour_answering_conventions(title: str) -> None:
    assert _label(title)


@pytest.mark.parametrize(
    "title",
    [
        "Five hikers injured but not killed in rock fall",
        "Why the suspect was not arrested at the scene",
        "Gunman not arrested yet as manhunt goes on",
        "Coach shrugs off criticism after third straight loss",
        "Police wave off concerns about crowd size",
        "Film dubbed into Spanish for its Latin American release",
        "Anchor slams social media for speculation about his health",
    ],
)
def test_near_misses_of_those_conventions_are_not(title: str) -> None:
    assert not _label(title)
