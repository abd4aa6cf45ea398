"""Language detection on the texts feeds carry: Title Case headlines, Spanish, Russian."""

from __future__ import annotations

import pytest

from bot.context.analyze import analyze
from bot.context.language import detect_language


@pytest.mark.parametrize(
    "title",
    [
        # Title Case reads to the model like a row of names: the raw text scores Spanish.
        "Army Denies Reports of Coup Plot",
        "Kenya: Ruto Denies Claims He Sold Land",
        "Michelle Obama Not Blurred Out on Saudi TV",
    ],
)
def test_title_case_english_headline_is_english(title: str) -> None:
    assert detect_language(title) == "en"


def test_title_case_english_headline_keeps_its_denial() -> None:
    ctx = analyze("Army Denies Reports of Coup Plot", "")
    assert ctx.language == "en"
    assert ctx.denial.is_denial


def test_title_case_spanish_stays_spanish() -> None:
    assert detect_language("El Gobierno Niega Las Acusaciones De Corrupción En Madrid") == "es"
    assert (
        detect_language("Cancillería desmiente información falsa sobre viaje del presidente")
        == "es"
    )


def test_russian_needs_cyrillic() -> None:
    assert detect_language("Песков опроверг сообщения о встрече Путина") == "ru"
    assert detect_language("Putin Nazval Lozhyu Soobshcheniya SMI Ob Etom") != "ru"
