"""Rule-based entity extraction on the seed article and small real-style sentences."""

from __future__ import annotations

import pytest

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


# ---------------------------------------------------------------- datelines, people, duplicates
# The sentences below are written for these tests in the style of the wires they name.


def names(title: str, text: str, lang: str | None = None) -> dict[str, Entity]:
    return {e.name: e for e in extract_entities(title, text, lang=lang)}


@pytest.mark.parametrize(
    ("text", "dateline"),
    [
        ("WASHINGTON (AP) — The army said it had freed 20 people.", "Washington"),
        ("ABUJA, Nigeria (AP) — The army said it had freed 20 people.", "Abuja"),
        ("MOSCOW, Dec 3 (Reuters) - The army said it had freed 20 people.", "Moscow"),
        ("MOSCOW — The army said it had freed 20 people.", "Moscow"),
    ],
)
def test_english_datelines_are_not_entities(text: str, dateline: str) -> None:
    found = names("", text)
    assert dateline not in found and dateline.upper() not in found
    assert "Nigeria" not in found and "AP" not in found and "Reuters" not in found


def test_spanish_and_russian_datelines_are_not_entities() -> None:
    es = names("", "Moscú, 4 jun (PL) El ejército liberó a 20 personas.", "es")
    assert "Moscow" not in es and "Moscú" not in es and "PL" not in es
    ru = names("", "МОСКВА, 3 декабря. /ТАСС/. Армия освободила 20 человек.")
    assert ru == {}
    assert names("", "МОСКВА, 3 дек — РИА Новости. Армия освободила 20 человек.") == {}
    # the same city named in the story is still a place
    later = names("", "MOSCOW (AP) — Talks resumed. Officials in Moscow said so.")
    assert later["Moscow"].kind == "place" and "MOSCOW" not in later


def test_people_found_without_a_role() -> None:
    said = names("", "Vladimir Zaemsky said the report was false.")
    assert said["Vladimir Zaemsky"] == Entity("Vladimir Zaemsky", "person", None)
    aside = names("", "Vladimir Zaemsky, the envoy, told reporters it was a lie.")
    assert aside["Vladimir Zaemsky"].kind == "person"
    again = names("", "The decision by Vladimir Zaemsky surprised many. Zaemsky left in May.")
    assert again["Vladimir Zaemsky"].kind == "person" and "Zaemsky" not in again
    # two capitalised words that never act or come back stay out (precision)
    assert "Palm Beach" not in names("", "The sale in Palm Beach drew a crowd.")


def test_surname_and_full_name_are_one_entity() -> None:
    ents = extract_entities("Nadal retires", "Rafael Nadal won his last match. Nadal said so.")
    assert [e.name for e in ents] == ["Rafael Nadal"]
    ru = extract_entities("Песков ответил", "Пресс-секретарь Кремля Дмитрий Песков заявил это.")
    assert [e.name for e in ru if e.kind == "person"] == ["Дмитрий Песков"]


# ---------------------------------------------------------------- Russian

RU_TITLE = "В Ростехе опровергли сообщения о выводе специалистов из Венесуэлы"
RU_TEXT = (
    "МОСКВА, 3 декабря. /ТАСС/. Пресс-служба Ростеха назвала ложью публикацию The Wall Street "
    "Journal. Посол России в Венесуэле Владимир Заемский заявил, что Ростеху нечего скрывать. "
    "Ростехом руководит Сергей Чемезов. Пресс-секретарь президента России Дмитрий Песков "
    "заявил журналистам в Кремле, что Владимира Путина проинформировали."
)


def test_russian_case_forms_reduce_to_one_entity(registry: OutletRegistry) -> None:
    ents = extract_entities(RU_TITLE, RU_TEXT, registry)
    by_name = {e.name: e for e in ents}
    assert [e.name for e in ents].count("Ростех") == 1
    assert by_name["Ростех"].kind == "org"
    assert not {"Ростеха", "Ростеху", "Ростехом", "Ростехе"} & set(by_name)
    assert by_name["Кремль"].kind == "org"
    assert by_name["Владимир Путин"].kind == "person"
    assert by_name["The Wall Street Journal"].kind == "outlet"
    assert by_name["Russia"].kind == "place" and by_name["Venezuela"].kind == "place"
    assert "Moscow" not in by_name  # dateline


def test_russian_roles_and_people(registry: OutletRegistry) -> None:
    by_name = {e.name: e for e in extract_entities(RU_TITLE, RU_TEXT, registry)}
    assert by_name["Владимир Заемский"] == Entity(
        "Владимир Заемский", "person", "посол России в Венесуэле"
    )
    assert by_name["Дмитрий Песков"].role == "пресс-секретарь президента России"
    assert by_name["Сергей Чемезов"] == Entity("Сергей Чемезов", "person", None)
    # a role noun separated from the name by a clause is not its role
    assert by_name["Владимир Путин"].role is None


@pytest.mark.parametrize(
    ("sentence", "name"),
    [
        ("Об этом сообщили в Ростехе.", "Ростех"),
        ("Ростеху поручили проект.", "Ростех"),
        ("Контракт подписан с Ростехом.", "Ростех"),
        ("Ростех опроверг сообщения.", "Ростех"),
        ("Встреча прошла в Кремле.", "Кремль"),
        ("Журналисты спросили Путина.", "Путин"),
        ("Ответ дала Мария Захарова.", "Мария Захарова"),
        ("Слова Марии Захаровой процитировали.", "Мария Захарова"),
    ],
)
def test_russian_case_forms_give_the_nominative(sentence: str, name: str) -> None:
    found = names("", sentence)
    assert name in found, found


def test_russian_sentence_initial_common_words_are_not_names() -> None:
    found = names("", "Президент выступил с речью. Пресс-служба не ответила. Глава Газпрома ушёл.")
    assert set(found) == {"Газпром"}


def test_script_decides_the_language_when_none_is_given() -> None:
    assert names("", "Встреча прошла в Кремле.") == names("", "Встреча прошла в Кремле.", "ru")
    assert names("", "Встреча прошла в Кремле.", "en") == {}  # read as English: no Latin names


# ---------------------------------------------------------------- Spanish


def test_spanish_roles_places_and_orgs() -> None:
    title = "Díaz-Canel recibe al canciller de México"
    text = (
        "La Habana, 3 dic (RHC) El presidente cubano Miguel Díaz-Canel recibió este martes al "
        "canciller mexicano Juan Ramón de la Fuente. El Ministerio de Relaciones Exteriores "
        "de Cuba lo anunció. Según Estados Unidos, Rusia y Cuba negociaron en Moscú."
    )
    found = names(title, text, "es")
    assert found["Miguel Díaz-Canel"] == Entity("Miguel Díaz-Canel", "person", "presidente cubano")
    assert found["Juan Ramón de la Fuente"].role == "canciller mexicano"
    assert found["Ministerio de Relaciones Exteriores de Cuba"].kind == "org"
    assert {"Mexico", "United States", "Russia", "Cuba", "Moscow"} <= {
        n for n, e in found.items() if e.kind == "place"
    }
    assert "Díaz-Canel" not in found and "Havana" not in found  # surname folded; dateline cut
    assert not {"El", "Según", "La Habana"} & set(found)


def test_spanish_people_found_by_what_they_say() -> None:
    found = names(
        "", "Moscú, 4 jun (PL) Nicolás Maduro afirmó que las sanciones son ilegales.", "es"
    )
    assert found["Nicolás Maduro"].kind == "person"
    assert "SUR" not in names("", "Lo dijo a teleSUR la ministra.", "es")


def test_named_again_needs_the_surname_on_its_own() -> None:
    # "Bass" comes back only inside other names: no person
    guitars = names("", "Pick the Stratocaster, the Jazz Bass, or the Precision Bass today.")
    assert "Jazz Bass" not in guitars and "Precision Bass" not in guitars
    assert names("", "They watched Legend Of Zelda. Zelda won.") == {}
    assert "Lunar New Year" not in names("", "On the Lunar New Year the Year began.")


def test_colon_datelines_only_for_places() -> None:
    assert "London" not in names("", "LONDON: Britain should step up, the minister said.")
    kept = names("", "SEE ALSO: Rafael Nadal said he was tired.")
    assert kept["Rafael Nadal"].kind == "person"
    # a hyphenated place is still a place ("U.S.-Iran talks")
    assert names("", "The U.S.-Iran talks resumed.")["Iran"].kind == "place"


def test_one_entity_for_a_name_in_both_scripts() -> None:
    ents = extract_entities("", "Ростех (Rostec) опроверг сообщения. В Ростехе это подтвердили.")
    assert [e.name for e in ents] == ["Ростех"]
