"""The context code's per-word and per-span caches stay within their bound in a long run.

Every worker process keeps them, and news brings new names every day: a cache without a
small bound grows with the names a worker has seen (issue #13: `newsbot run` ≤ 300 MB). Here
analysis meets far more distinct names than SPAN_CACHE, in English and Russian, and the
caches hold no more than SPAN_CACHE entries each, under 24 MB altogether."""

from __future__ import annotations

import gc
import random
import tracemalloc
from collections.abc import Callable
from typing import Any

from bot.context import entities, morph, translit
from bot.context.morph import SPAN_CACHE
from bot.context.pipeline import analyze_batch

_LATIN = "bcdfghklmnprstvz"
_CYRILLIC = "бвгдклмнпрстфхц"


def _name(rng: random.Random, consonants: str, vowels: str) -> str:
    syllables = [rng.choice(consonants) + rng.choice(vowels) for _ in range(rng.randint(2, 4))]
    return "".join(syllables).capitalize()


def _span_caches() -> dict[str, Any]:
    out: dict[str, Any] = {}
    seen: set[int] = set()
    for module in (morph, translit, entities):  # each cache once, where it is defined
        for name, value in vars(module).items():
            info = getattr(value, "cache_info", None)
            bounded = callable(info) and value.cache_info().maxsize not in (None, 1)
            if bounded and id(value) not in seen:
                seen.add(id(value))
                out[f"{module.__name__}.{name}"] = value
    return out


def _items(rng: random.Random, n: int) -> list[tuple[str, str, str, None, str]]:
    items = []
    for i in range(n):
        if i % 2:
            people = [
                f"{_name(rng, _CYRILLIC, 'аеиоу')} {_name(rng, _CYRILLIC, 'аеиоу')}"
                for _ in range(4)
            ]
            title = f"{people[0]} встретился с {people[1]} в Москве"
            text = f"{people[2]} и {people[3]} заявили, что переговоры продолжатся."
            items.append((title, text, f"https://ria.ru/{i}", None, "ru"))
        else:
            people = [
                f"{_name(rng, _LATIN, 'aeiou')} {_name(rng, _LATIN, 'aeiou')}" for _ in range(4)
            ]
            title = f"{people[0]} meets {people[1]} in Geneva"
            text = f"{people[2]} and {people[3]} said on Monday the talks would go on."
            items.append((title, text, f"https://www.reuters.com/{i}", None, "en"))
    return items


def test_span_caches_hold_at_most_their_bound_after_many_new_names() -> None:
    caches = _span_caches()
    assert len(caches) >= 12
    for cache in caches.values():
        assert cache.cache_info().maxsize <= SPAN_CACHE
    clear: list[Callable[[], None]] = [c.cache_clear for c in caches.values()]
    for c in clear:
        c()
    items = _items(random.Random(7), 2000)  # some 16,000 distinct names
    tracemalloc.start()
    try:
        for start in range(0, len(items), 100):
            analyze_batch(items[start : start + 100])
        filled = {name: c.cache_info().currsize for name, c in caches.items()}
        gc.collect()
        before = tracemalloc.get_traced_memory()[0]
        for c in clear:
            c()
        gc.collect()
        held = before - tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert max(filled.values()) == SPAN_CACHE, filled  # the names overflow some of them
    assert all(size <= SPAN_CACHE for size in filled.values()), filled
    # bytes the caches held, all of them together: 19.3 MB measured (pymorphy3's parses 5.8,
    # the others 0.5–1.9 each); at the former 65,536 entries the same caches could hold 8
    # times as much
    assert held < 24_000_000, held


def test_the_cue_screens_word_cache_holds_one_items_texts_not_a_days() -> None:
    """`cues._words_of` is read by every cue set for the headline, the lead and each sentence
    of one item: a bound of an item's texts gives every hit a bigger one would (1,500 articles:
    the same 159,366 hits at 512 and at 4,096 entries), and holds a few MB, not 21."""
    from bot.context import cues

    cues._words_of.cache_clear()
    rng = random.Random(11)
    words = [_name(rng, _LATIN, "aeiou").lower() for _ in range(3000)]

    def article() -> str:
        return " ".join(" ".join(rng.sample(words, 20)).capitalize() + "." for _ in range(40))

    tracemalloc.start()
    try:
        for n in range(800):  # 800 new 800-word articles
            analyze_batch([(f"Story {n} denies the report", article(), None, None, "en")])
        filled = cues._words_of.cache_info().currsize
        gc.collect()
        before = tracemalloc.get_traced_memory()[0]
        cues._words_of.cache_clear()
        gc.collect()
        held = before - tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert filled == cues._words_of.cache_info().maxsize == 512  # the texts overflow it
    assert held < 5_000_000, held  # 2.6 MB measured; 21.3 MB at the former 4,096 entries
