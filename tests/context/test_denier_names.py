"""Who denies is a name: never a word of time or a piece of markup (seen on unseen feeds:
"Tuesday" from "said on Tuesday", "Times] The" from a cut "[Premium Times] The …")."""

from __future__ import annotations

import pytest

from bot.context.analyze import analyze
from bot.context.denials import denier_name_ok


@pytest.mark.parametrize("name", ["Tuesday", "martes", "вторник", "Times] The", "a/b", "x <y>"])
def test_words_of_time_and_markup_are_not_deniers(name: str) -> None:
    assert not denier_name_ok(name)


@pytest.mark.parametrize(
    "name", ["Kremlin", "Organisation of Islamic Cooperation", "O'Neill", "AT&T"]
)
def test_names_stay_deniers(name: str) -> None:
    assert denier_name_ok(name)


def test_a_denial_said_on_a_weekday_keeps_its_real_denier() -> None:
    ctx = analyze(
        "Kremlin rejects claim it poisoned Navalny",
        "The Kremlin on Tuesday rejected the claim as untrue, Peskov said on Tuesday.",
    )
    names = [d.name for d in ctx.denial.deniers]
    assert ctx.denial.is_denial and "Kremlin" in names and "Tuesday" not in names


def _deniers(title: str, text: str = "", **kw: object) -> list[str]:
    ctx = analyze(title, text, **kw)  # type: ignore[arg-type]
    assert ctx.denial.is_denial, title
    return [d.name for d in ctx.denial.deniers]


@pytest.mark.parametrize(
    ("title", "denier"),
    [
        # AllAfrica labels a story with its country: the label is where, not who
        ("Nigeria: Army Denies Reports of Coup Plot in Abuja", "Army"),
        ("Kenya: Ruto Denies Claims He Sold Public Land to Investors", "Ruto"),
        ("Ghana: Government Rejects Reports of Plans to Sell State Power Firm", "Government"),
    ],
)
def test_a_country_label_before_the_colon_is_not_the_denier(title: str, denier: str) -> None:
    names = _deniers(title)
    assert denier in names
    assert not {"Nigeria", "Kenya", "Ghana"} & set(names)


def test_a_country_label_over_a_fact_check_credits_the_fact_checker() -> None:
    names = _deniers(
        "Kenya: No, Photos On Facebook Don't Show Kenyan Vendor Arrested With Millions",
        "[Africa Check] No, photos on Facebook don't show Kenyan vendor arrested with millions",
    )
    assert names == ["Africa Check"]


def test_a_speaker_before_the_colon_stays_the_denier() -> None:
    assert "Kremlin" in _deniers("Kremlin: reports of Putin's illness are untrue")


def test_a_place_in_an_earlier_sentence_is_not_the_denier() -> None:
    names = _deniers(
        "Yes, George Washington led the Siege of Boston. No, he didn't have wooden teeth.",
        "Washington never wore wooden dentures, instead using ivory and gold ones.",
    )
    assert "Siege of Boston" not in names and "Boston" not in names


@pytest.mark.parametrize(
    "title",
    [
        "Fury mounts over 'false' claims against UN rapporteur",
        "Outrage grows over 'fake' reports of hospital closures",
    ],
)
def test_a_capitalised_word_with_its_own_verb_is_not_the_denier(title: str) -> None:
    names = _deniers(title)
    assert "Fury" not in names and "Outrage" not in names


def test_a_subject_right_before_its_verb_stays_the_denier() -> None:
    assert "Trump" in _deniers("Trump again denies reports he will fire his chief of staff")
    assert "OIC" in _deniers("OIC warns fabricated claims risk undermining the council")
