"""Rule-based entity extraction on the seed article and small real-style sentences."""

from __future__ import annotations

from bot.context.entities import extract_entities, is_title_case
from bot.context.outlets import OutletRegistry
from bot.models import Entity
from tests.context.conftest import SEED_TITLE


def test_seed_entities(seed_text: str, registry: OutletRegistry) -> None:
    ents = extract_entities(SEED_TITLE, seed_text, registry)
    by_name = {e.name: e for e in ents}
    assert by_name["Rostec"].kind == "org"
    assert by_name["Venezuela"].kind == "place"
    assert by_name["Russia"].kind == "place"
    assert by_name["Caracas"].kind == "place"
    assert by_name["Moscow"].kind == "place"
    assert by_name["Nicolas Maduro"] == Entity("Nicolas Maduro", "person", "Venezuelan President")
    assert by_name["Vladimir Zaemsky"] == Entity(
        "Vladimir Zaemsky", "person", "Russian ambassador to Caracas"
    )
    assert by_name["The Wall Street Journal"].kind == "outlet"
    # no junk: no sentence-initial words, no half names, no duplicates
    assert "Citing" not in by_name and "Caracas Vladimir Zaemsky" not in by_name
    assert "Rostec's press service" not in by_name
    keys = [e.name.casefold() for e in ents]
    assert len(keys) == len(set(keys))


def test_roles_honorifics_and_surnames() -> None:
    text = (
        "Kremlin spokesman Dmitry Peskov said on Tuesday that U.S. President Donald Trump had not "
        "called. Mr. Peskov added that the White House had not asked. Gazprom's press service "
        "said nothing."
    )
    ents = extract_entities("", text)
    assert Entity("Dmitry Peskov", "person", "Kremlin spokesman") in ents
    assert Entity("Donald Trump", "person", "U.S. President") in ents
    names = [e.name for e in ents]
    assert "Peskov" not in names
    assert {"White House", "Gazprom", "United States"} <= set(names)


def test_title_case_headlines_give_only_known_names() -> None:
    title = "Iraq Says Arrested Woman Is Not The Wife Of ISIS Leader Al-Baghdadi"
    assert is_title_case(title)
    ents = extract_entities(title, "")
    assert [e.name for e in ents] == ["Iraq", "Islamic State"]


def test_unknown_capitalised_words_are_left_out() -> None:
    ents = extract_entities("", "Work is being carried out. Nobody Knows What Happened Here.")
    assert ents == ()
