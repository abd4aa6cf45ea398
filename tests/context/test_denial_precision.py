"""Story-level denial detection on real news items: falsity words alone are not a denial.

Headlines and sentences below come from real feed items captured in February 2026
(shared/feeds/news, kagisearch/fastfeedparser benchmark data); see tests/data/PROVENANCE.md.
"""

from __future__ import annotations

import pytest

from bot.context.denials import detect_denial


@pytest.mark.parametrize(
    ("title", "text"),
    [
        (
            "Myanmar’s scam empire gets worse, not better",
            "Compounds on the Thai border hold thousands of people forced to run online scams.",
        ),
        (
            "Retelling the story of a bridge that 'tore a nation of people apart'",
            "In the 1990s, a group of Indigenous women were accused of fabricating claims of "
            "sacred sites to stop the construction of a bridge.",
        ),
        (
            "'The Most Dejected I’ve Ever Felt:' Harassers Made Nude AI Images of Her",
            "“My eyes look weird, and my hands are covering my face so it kind of looks like my "
            "face got distorted,” she said of the fake images.",
        ),
        (
            "With American credibility in doubt, minds go back to Saigon in 1975",
            "Allies are asking whether Washington would stand by them.",
        ),
    ],
)
def test_ordinary_news_with_falsity_words_is_not_a_denial(title: str, text: str) -> None:
    denial, _ = detect_denial(title, text)
    assert not denial.is_denial


@pytest.mark.parametrize(
    ("title", "text"),
    [
        (
            "Family of Zambia's ex-President Lungu dismiss poisoning allegation - lawyers",
            "Lawyers for the family said the allegation had no basis.",
        ),
        (
            "Kremlin rejects claim it poisoned Navalny with dart frog toxin",
            "The Kremlin said the claim was absurd.",
        ),
    ],
)
def test_real_denials_in_news_items_are_found(title: str, text: str) -> None:
    denial, _ = detect_denial(title, text)
    assert denial.is_denial


def test_a_denial_deeper_in_the_text_is_kept_as_context() -> None:
    denial, _ = detect_denial(
        "Iran Protester Dies in Custody, Raising Fears of Execution",
        "Rights groups said he was tortured. Iran denies executions have taken place.",
    )
    assert not denial.is_denial
    assert denial.mentions == ("Iran denies executions have taken place.",)
