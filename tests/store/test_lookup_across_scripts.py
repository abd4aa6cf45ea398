"""Lookups across scripts and case forms, end to end: analyse, store, search, on a real file.

Russian stories name Ростех in its case forms (Ростеха, Ростеху); an English story names
Rostec. `/lookup` reads the entity index (`stories_with_entity`) and the full-text shards
(`search`); both must find every one of them by `Ростех` and by `Rostec`. The stories are
written for this test in the style of TASS and Radio Habana Cuba.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import pytest

from bot.context.analyze import analyze
from bot.models import Story, StoryDraft, entity_key
from bot.store import Store
from tests.store.test_search_index import draft as plain_draft

STORIES = {
    "ru-gent": (
        "Пресс-служба Ростеха опровергла публикацию",
        "МОСКВА, 3 декабря. /ТАСС/. Пресс-служба Ростеха назвала ложью публикацию газеты.",
    ),
    "ru-dat": (
        "Ростеху поручили новый проект",
        "Правительство поручило Ростеху разработать новый самолёт, сообщил Владимир Путин.",
    ),
    "en": (
        "Russia rejects reports on military experts withdrawal from Venezuela",
        "Russia's ambassador Vladimir Zaemsky and Rostec's press service rejected the report.",
    ),
    "other": (
        "Harvest festival opens in Havana",
        "Thousands came to the festival, the organisers said.",
    ),
}


NAMES = list(STORIES)


def draft(name: str) -> StoryDraft:
    title, text = STORIES[name]
    return plain_draft(NAMES.index(name), title, text, context=analyze(title, text))


@pytest.fixture
async def store(db_target: str) -> Store:
    opened = await Store.open(db_target)
    await opened.write_stories([draft(name) for name in NAMES], [])
    return opened


def urls(stories: Sequence[Story]) -> set[str]:
    """The names in STORIES of the stories found (their URLs end in their index)."""
    return {NAMES[int(str(s.url).rsplit("/", 1)[-1])] for s in stories}


@pytest.mark.parametrize("query", ["Ростех", "Rostec", "ростех", "ROSTEC", "Ростеху", "Ростехом"])
async def test_full_text_lookup_finds_every_script_and_case_form(store: Store, query: str) -> None:
    try:
        hits = await store.search(query, limit=10)
        assert urls([h.story for h in hits]) == {"ru-gent", "ru-dat", "en"}
    finally:
        await store.close()


@pytest.mark.parametrize("query", ["Ростех", "Rostec", "Ростеха"])
async def test_entity_index_finds_every_script_and_case_form(store: Store, query: str) -> None:
    try:
        found = await store.stories_with_entity(entity_key(query), limit=10)
        assert urls(found) == {"ru-gent", "ru-dat", "en"}
        # newest first, each story once
        times = [s.published for s in found]
        assert times == sorted(times, reverse=True) and len(found) == 3
    finally:
        await store.close()


async def test_people_match_across_scripts_and_words_stay_words(store: Store) -> None:
    try:
        assert urls([h.story for h in await store.search("Путин")]) == {"ru-dat"}
        assert urls([h.story for h in await store.search("Putin")]) == {"ru-dat"}
        assert urls(await store.stories_with_entity(entity_key("Vladimir Putin"))) == {"ru-dat"}
        # a plain word is still matched as written, and a miss is a miss
        assert urls([h.story for h in await store.search("festival")]) == {"other"}
        assert await store.search("Газпром") == []
    finally:
        await store.close()


async def test_a_revision_keeps_the_cross_script_keys(store: Store) -> None:
    try:
        (existing,) = [s for s in await store.latest(10) if urls([s]) == {"ru-dat"}]
        title, text = "Ростеху поручили два проекта", STORIES["ru-dat"][1]
        revised = replace(draft("ru-dat"), existing_id=existing.id, context=analyze(title, text))
        revised = replace(revised, entry=replace(revised.entry, title=title))
        await store.write_stories([], [revised])
        hits = await store.search("Rostec", limit=10)
        assert urls([h.story for h in hits]) == {"ru-gent", "ru-dat", "en"}
        assert [h.story.title for h in hits if h.story.id == existing.id] == [title]
    finally:
        await store.close()
