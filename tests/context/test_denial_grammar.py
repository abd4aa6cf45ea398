"""The denial grammar (bot.context.denial_clause) on the senses and languages issue #12 names.

Every headline here was written by the team to exercise one rule of the grammar (a claim-like
object, a speaker, a sense that is not a denial); none is copied from an evaluation set.
"""

from __future__ import annotations

import pytest

from bot.context.analyze import analyze
from bot.context.denial_clause import find_denial, screen
from bot.context.denials import detect_denial

NOT_DENIALS_EN = [
    "Mail incoming: 9 well-made products with retractable cords",
    "Ticket Scam Cost the Louvre $12 Million",
    "Long-time customer left $30k out of pocket after shoulder replacement denied",
    "Kurt Olsen: Trump's 'Stop the Steal' lawyer and his election denial crusade",
    "The 11 most infamous abductions, and the hoax that was made up of rumours",
    "Activist denied entry to Israel at airport",
    "Student denied a visa to study in the US",
    "Former mayor denied bail ahead of trial",
    "Late equaliser denied as referee rules out goal",
    "Council rejects proposal for a new stadium",
    "Prime minister rejects calls to resign",
    "Senate rejects the bill on border security",
    "Court dismisses claims against the oil company",
    "Why climate denial is back in fashion",
    "Ski resort covers slopes in fake snow",
    "Blast at chemical plant kills three workers",
    "The myth of the self-made billionaire",
    "Speculation mounts over the central bank's next move",
    "Minister declined to comment on reports of a reshuffle",
    "Kremlin neither confirms nor denies reports of a summit",
    "She did not deny the report, saying only that talks continue",
    "Is the viral video of the flood fake?",
    "Former minister, who denies wrongdoing, charged with fraud",
    "China's fake goods are so sharp that Alibaba struggles to tell the difference",
    "Insurance claim denied after the storm, homeowners say",
]

DENIALS_EN = [
    "Russia rejects reports on military experts withdrawal from Venezuela",
    "Apple denies report that it will shut down Beats Music",
    "Kremlin dismisses Reuters report on troop cuts as fake news",
    "White House denies it threatened families of slain journalists",
    "Woman detained in Lebanon is not al-Baghdadi's wife, Iraq says",
    "Officials: report that town is under quarantine is false",
    "Iraq denies Lebanon captured the wife of the ISIS leader",
    "Ministry calls the accusations baseless",
    "Rostec says the Wall Street Journal overestimated staff numbers, rejects report",
]


@pytest.mark.parametrize("headline", NOT_DENIALS_EN)
def test_other_senses_hedges_and_background_are_not_the_label(headline: str) -> None:
    assert find_denial(headline, "en") is None, find_denial(headline, "en")
    assert not analyze(headline, "").denial.is_denial


@pytest.mark.parametrize("headline", DENIALS_EN)
def test_denials_of_claims_are_the_label(headline: str) -> None:
    assert find_denial(headline, "en") is not None
    assert analyze(headline, "").denial.is_denial


ES = [
    ("Rusia rechaza informaciones sobre retiro de expertos militares de Venezuela", True),
    ("Cuba desmiente rumores sobre la salud de Raúl Castro", True),
    ("El Kremlin niega que Putin esté enfermo", True),
    ("Canciller tacha de falsas las acusaciones de Washington", True),
    ("Gobierno venezolano: 'no es cierto' que haya presos políticos", True),
    ("Maduro calificó de fake news la publicación de Bloomberg", True),
    ("EEUU niega la visa a delegación cubana", False),
    ("Juez niega la fianza al exministro", False),
    ("El Senado rechaza la moción de censura", False),
    ("La oposición se niega a dialogar con el gobierno", False),
    ("El portavoz no confirmó ni desmintió la información", False),
    ("El ministerio declinó comentar sobre el informe", False),
    ("El negacionismo climático gana terreno", False),
    ("Díaz-Canel recibe al canciller ruso en La Habana", False),
]
RU = [
    ("Кремль опроверг сообщения о выводе военных из Венесуэлы", True),
    ("Песков назвал фейком публикацию The Wall Street Journal", True),
    ("В «Ростехе» заявили, что данные WSJ не соответствуют действительности", True),
    ("МИД России отверг обвинения в причастности к атаке", True),
    ("Захарова: сообщения западных СМИ — ложь", True),
    ("Минобороны отрицает причастность к удару по рынку", True),
    ("Госдума отклонила законопроект о налогах", False),
    ("Суд отверг иск компании к министерству", False),
    ("Песков не стал комментировать сообщения о встрече", False),
    ("В Кремле не подтвердили и не опровергли информацию о визите", False),
    ("Иностранцу отказали во въезде в Россию", False),
    ("Сенатор, отрицающий обвинения, покинул комитет", False),
    ("Путин провел совещание с членами Совбеза", False),
]


@pytest.mark.parametrize(
    ("lang", "headline", "is_denial"),
    [("es", h, d) for h, d in ES] + [("ru", h, d) for h, d in RU],
)
def test_spanish_and_russian(lang: str, headline: str, is_denial: bool) -> None:
    assert (find_denial(headline, lang) is not None) is is_denial
    ctx = analyze(headline, "")
    assert ctx.language == lang
    assert ctx.denial.is_denial is is_denial


def test_the_language_comes_from_the_text_not_the_feed() -> None:
    # Prensa Latina and teleSUR feeds declare "en" and carry Spanish.
    ctx = analyze("Cuba desmiente rumores sobre la salud de Raúl Castro", "", language="en")
    assert ctx.language == "es"
    assert ctx.denial.is_denial


def test_the_lead_counts_and_deeper_text_is_background() -> None:
    lead = "MOSCOW, June 4 (RHC)-- Russia has rejected U.S. media reports about the withdrawal."
    assert detect_denial("Venezuela update", lead)[0].is_denial
    later = "Talks went on in Caracas. " + lead.split("-- ", 1)[1]
    denial, _ = detect_denial("Venezuela update", later)
    assert not denial.is_denial
    assert denial.mentions == ("Russia has rejected U.S. media reports about the withdrawal.",)


def test_the_screen_passes_every_denial_and_drops_plain_text() -> None:
    for headline in DENIALS_EN:
        assert screen(headline, "en") or find_denial(headline, "en")
    assert not screen("Markets rally as inflation cools", "en")


def test_the_denied_party_is_the_reports_author_not_a_quoted_outlet() -> None:
    denial, _ = detect_denial(
        "Kremlin rejects Bloomberg report on gas deal",
        '"There is no deal," Peskov told Reuters on Monday.',
    )
    assert denial.denied_outlet == "Bloomberg"
    denial, _ = detect_denial(
        "Ministry rejects Trump's claims about the talks",
        '"Nothing was agreed," a spokesman told The Associated Press.',
    )
    assert denial.denied_outlet == "Trump"


def test_a_common_noun_subject_is_named_as_the_story_names_it() -> None:
    from bot.alerts.view import denial_sentence

    ctx = analyze(
        "Stephen Colbert says CBS spiked interview",
        "The network denies it stopped the interview with a Texas Democrat from airing.",
    )
    assert denial_sentence(ctx.denial) == "The network says the claim is untrue."
