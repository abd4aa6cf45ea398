"""Denial and hedge detection on the seed article and on real headlines (see PROVENANCE)."""

from __future__ import annotations

import pytest

from bot.context.cues import CUES, EN, compile_cues, cues_for
from bot.context.denials import classify_headline, detect_denial, headline_cues
from bot.context.outlets import OutletRegistry
from tests.context.conftest import RHC, SEED_TITLE

# ---------------------------------------------------------------- the seed story


def test_seed_is_a_denial_of_the_wsj_report(seed_text: str, registry: OutletRegistry) -> None:
    denial, hedges = detect_denial(SEED_TITLE, seed_text, registry, publisher=RHC)
    assert denial.is_denial
    assert denial.denied_outlet == "The Wall Street Journal"
    assert denial.denied_outlet_id == "wsj"
    names = {d.name: d.role for d in denial.deniers}
    assert "ambassador" in (names["Vladimir Zaemsky"] or "")
    assert names["Rostec"] == "press service"
    assert "Russia" in names
    assert denial.claim is not None
    assert "1,000" in denial.claim and "few dozen" in denial.claim
    assert any("nothing to do with reality" in e for e in denial.evidence)
    assert "nothing to do with reality" in denial.cues
    assert hedges == ()


def test_seed_without_a_registry_still_names_the_outlet(seed_text: str) -> None:
    denial, _ = detect_denial(SEED_TITLE, seed_text, None)
    assert denial.is_denial
    assert denial.denied_outlet == "The Wall Street Journal"
    assert denial.denied_outlet_id is None


def test_every_cue_comes_with_its_sentence(seed_text: str) -> None:
    denial, _ = detect_denial(SEED_TITLE, seed_text, None)
    joined = " ".join(denial.evidence).lower()
    for cue in denial.cues:
        stem = cue.split()[0].rstrip("*")
        assert stem in joined


# ---------------------------------------------------------------- hedges are not denials

HEDGE_BODY = (
    "Apple is reportedly planning to shut down Beats Music, according to a report by TechCrunch. "
    "An Apple spokesperson declined to comment. The report could not be independently verified."
)


def test_hedges_are_returned_apart_and_never_make_a_denial() -> None:
    denial, hedges = detect_denial("Apple Reportedly Planning to Shut Down Beats Music", HEDGE_BODY)
    assert not denial.is_denial
    assert [h.cue for h in hedges] == ["declined to comment", "could not be independently verified"]
    assert hedges[0].sentence == "An Apple spokesperson declined to comment."


def test_neither_confirm_nor_deny_is_a_hedge() -> None:
    text = "Morin refused to confirm or deny the report that Apple is buying Path."
    denial, hedges = detect_denial(
        "Morin goes back on transparency pledge, refuses to confirm or deny report that Apple is "
        "buying Path",
        text,
    )
    assert not denial.is_denial
    assert hedges and hedges[0].cue == "refused to confirm or deny"


def test_unconfirmed_reports_are_hedges() -> None:
    title = "Unconfirmed reports claim Canadian-Israeli Gill Rosenberg captured by ISIS"
    denial, hedges = detect_denial(title, "The reports could not be confirmed.")
    assert not denial.is_denial
    assert {h.cue for h in hedges} == {"unconfirmed", "could not be confirmed"}


# ---------------------------------------------------------------- questions


@pytest.mark.parametrize(
    "title",
    [
        "Is Kim Jong-un Opening North Korean Restaurant in Scotland?",
        "Did Paul Rudd Help Tackle That Dallas Airport Gay-Basher?",
        "Was Alleged Audio of Michael Brown Shooting on CNN a Hoax?",
        "Is the Kremlin denying the Wall Street Journal report?",
    ],
)
def test_questions_are_not_denials(title: str) -> None:
    denial, _ = detect_denial(title, "")
    assert not denial.is_denial


def test_a_question_sentence_in_the_body_is_not_evidence() -> None:
    text = "Is the ministry denying the report? Nobody knows yet."
    assert not detect_denial("Ministry silent", text)[0].is_denial


# ---------------------------------------------------------------- reports about an earlier denial


def test_a_denial_below_the_lead_is_background_not_the_label() -> None:
    title = "Lebanon confirms holding ISIS chief's kin"
    text = (
        "Lebanese officials said on Tuesday the woman was the ex-wife of the ISIS leader. "
        "Last week Iraq's interior ministry denied reports that the woman was his wife. "
        "A spokesman for the ministry declined to comment on Tuesday."
    )
    denial, hedges = detect_denial(title, text)
    assert not denial.is_denial
    assert denial.mentions == (
        "Last week Iraq's interior ministry denied reports that the woman was his wife.",
    )
    assert [h.cue for h in hedges] == ["declined to comment"]


def test_a_denial_in_the_lead_is_the_label() -> None:
    title = "Lebanon holds woman said to be ISIS chief's wife"
    text = (
        "Iraq's interior ministry on Tuesday denied reports that the woman was his wife. "
        "A spokesman for the ministry declined to comment further."
    )
    denial, _ = detect_denial(title, text)
    assert denial.is_denial
    assert "denied" in denial.cues
    assert denial.evidence[0].startswith("Iraq's interior ministry on Tuesday denied reports")
    assert all("declined" not in e for e in denial.evidence)


@pytest.mark.parametrize(
    "sentence",
    [
        "The White House did not deny the report.",
        "The company no longer denies that the talks took place.",
        "The minister refused to deny the claims on Monday.",
        "Officials would not deny the report, saying only that talks continue.",
        "She insists it was NOT a hoax.",
    ],
)
def test_negation_traps_are_not_denials(sentence: str) -> None:
    denial, _ = detect_denial("Talks continue", sentence)
    assert not denial.is_denial, denial


@pytest.mark.parametrize(
    "title",
    [
        "Jasmine Tridevil: Woman with three breast denies surgery hoax claims",
        "Three-boobed woman: They're not fake",
    ],
)
def test_denying_a_debunk_supports_the_claim(title: str) -> None:
    assert classify_headline(title) != "against"


# ---------------------------------------------------------------- real denial headlines


@pytest.mark.parametrize(
    "title",
    [
        "Apple Denies Report That It Will Shut Down Beats Music",
        "North Korea denies reports Kim Jong-un is to open state-backed restaurant in Scotland",
        "Comcast calls rumor that it disconnects Tor users wildly inaccurate",
        "NHL Expansion Plan Report Is Complete Fabrication: Bettman",
        "Woman detained in Lebanon is not al-Baghdadi's wife, Iraq says",
        "Officials: Report That Area Town Is Under Ebola Quarantine Is False",
        "Kurdish resistance denies ISIS claims that they have beheaded poster girl Rehana",
    ],
)
def test_real_denial_headlines(title: str) -> None:
    denial, _ = detect_denial(title, "")
    assert denial.is_denial
    assert denial.evidence[0] == title
    assert denial.cues


def test_headline_denier_is_the_subject() -> None:
    denial, _ = detect_denial("Apple Denies Report That It Will Shut Down Beats Music", "")
    assert [d.name for d in denial.deniers] == ["Apple"]
    assert denial.denied_outlet == "media reports"


def test_denied_outlet_from_the_registry(registry: OutletRegistry) -> None:
    title = "Kremlin dismisses Reuters report on troop cuts as fake news"
    text = "Kremlin spokesman Dmitry Peskov said the Reuters report was 'fake news'."
    denial, _ = detect_denial(title, text, registry)
    assert denial.is_denial
    assert (denial.denied_outlet, denial.denied_outlet_id) == ("Reuters", "reuters")
    assert ("Dmitry Peskov", "Kremlin spokesman") in {(d.name, d.role) for d in denial.deniers}


def test_unnamed_source() -> None:
    text = (
        "Citing an unnamed source, a newspaper reported that the plant would close. "
        "The company said the report was baseless."
    )
    denial, _ = detect_denial("Company rejects report that plant will close", text)
    assert denial.is_denial
    assert denial.denied_outlet == "unnamed source"


def test_plain_news_is_not_a_denial() -> None:
    title = "Apple Stores to Keep Gold Edition Apple Watch in Custom Safes"
    text = "Apple will install safes in its stores, the company said on Monday."
    denial, hedges = detect_denial(title, text)
    assert not denial.is_denial and hedges == ()


# ---------------------------------------------------------------- headline stance


@pytest.mark.parametrize(
    ("headline", "label"),
    [
        ("No, Banksy hasn't been arrested", "against"),
        ("Macaulay Culkin Dead? Another Death Hoax Circulates On Facebook", "against"),
        (
            "Did Banksy Post This Poignant Tribute To Paris Shooting Victims? Probably Not",
            "against",
        ),
        ("Rumors of ISIS leader's death debunked", "against"),
        (
            "Gill Rosenberg, Canadian-Israeli Woman Feared Kidnapped By ISIS, Says She's Safe",
            "against",
        ),
        ("Hugh Hefner Dead? Fans Panic That Playboy Founder Is Gone", "observing"),
        ("Is Kim Jong-un Opening North Korean Restaurant in Scotland?", "observing"),
        ("Soon Marijuana May Lead to Ticket, Not Arrest, in New York", "observing"),
        ("HP confirms plan to split company", "for"),
    ],
)
def test_classify_headline(headline: str, label: str) -> None:
    assert classify_headline(headline) == label


def test_headline_cues_name_what_fired() -> None:
    assert [h.cue for h in headline_cues("Met police denies reports of Banksy arrest")] == [
        "denies"
    ]


# ---------------------------------------------------------------- cue module


def test_cue_module_is_per_language() -> None:
    assert set(CUES) >= {"en", "es", "ru"}
    assert cues_for("en-GB") is EN and cues_for(None) is EN
    es = compile_cues(cues_for("es").denial)
    assert [c for _s, _e, c in es.find("El Kremlin desmiente la información")] == ["desmiente*"]
    ru = compile_cues(cues_for("ru").denial)
    assert ru.find("Песков опроверг сообщения")
    assert "retract" in EN.reference_refuting


def test_compile_cues_gap_and_wildcard() -> None:
    cs = compile_cues(("dismiss* … as", "debunk*"))
    found = [
        c for _s, _e, c in cs.find("He dismissed the WSJ story as nonsense; iFixit debunks it")
    ]
    assert found == ["dismiss* … as", "debunk*"]


@pytest.mark.parametrize(
    ("title", "deniers"),
    [
        # the subject of the clause that holds the predicate, not of the clause before it
        ("Navalny's mom calls for justice as Russia rejects dart frog poison claim", ["Russia"]),
        ("Kremlin rejects claim it poisoned Navalny with dart frog toxin", ["Kremlin"]),
        # a falsity word on the subject's own claim: the subject is the claimant, not a denier
        ('Donald Trump revives his bogus claim that American Muslims "cheer" terrorism', []),
        ("It's rubbish that Robert Plant turned down a reunion offer", []),
        ("That's not true.", []),
    ],
)
def test_headline_deniers_are_who_denies(title: str, deniers: list[str]) -> None:
    denial, _hedges = detect_denial(title, "")
    assert denial.is_denial
    assert [d.name for d in denial.deniers] == deniers
