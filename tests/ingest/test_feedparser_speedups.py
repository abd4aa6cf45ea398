"""feedparser_speedups: installed on the feedparser in use, and equal to feedparser's own code."""

from __future__ import annotations

import copy

import feedparser
import feedparser.mixin
import feedparser.util

from bot.ingest import feedparser_speedups as speedups
from tests.ingest.test_parse import corpus


def test_all_three_are_installed_on_the_pinned_feedparser() -> None:
    assert feedparser.__version__.startswith("6.0.")
    installed = (speedups.TABLE_INSTALLED, speedups.GET_INSTALLED, speedups.DEEPCOPY_INSTALLED)
    assert installed == (True, True, True)
    assert feedparser.mixin._cp1252 is not speedups.ORIGINAL_CP1252
    assert feedparser.util.FeedParserDict.get is not speedups.ORIGINAL_GET
    assert not speedups.HAD_DEEPCOPY
    assert speedups.install() == (True, True, True)  # installing again changes nothing
    assert isinstance(feedparser.mixin._cp1252, list)


def test_the_table_maps_every_code_point_as_feedparsers_dict() -> None:
    text = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000)
    assert text.translate(feedparser.mixin._cp1252) == text.translate(speedups.ORIGINAL_CP1252)


def _dicts(value: object) -> list[feedparser.util.FeedParserDict]:
    """Every FeedParserDict inside a parse result."""
    found = []
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, feedparser.util.FeedParserDict):
            found.append(item)
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            stack.extend(item)
    return found


def test_get_answers_as_feedparsers_own_for_every_key_of_real_feeds() -> None:
    fast = feedparser.util.FeedParserDict.get
    original = speedups.ORIGINAL_GET
    keys = set(speedups.SPECIAL_KEYS) | set(feedparser.util.FeedParserDict.keymap)
    keys |= {"type", "base64", "value", "no-such-key", ""}
    results = [
        feedparser.parse(path.read_bytes(), sanitize_html=False, resolve_relative_uris=False)
        for path in corpus()[:200]
    ]
    dicts = [d for result in results for d in _dicts(result)]
    assert len(dicts) > 500
    missing = object()
    compared = 0
    for d in dicts:
        for key in keys | set(d):
            assert fast(d, key, missing) == original(d, key, missing), key
            compared += 1
    assert compared > 10_000


def test_deepcopy_is_copys_generic_copy() -> None:
    cls = feedparser.util.FeedParserDict
    inner = cls(term="Politics", scheme=None)
    original = cls(type="text/html", base="https://example.org/", tags=[inner], value="x")
    original["self"] = original  # a cycle: the copy must point at itself, not at the original
    original.note = ["instance", "attribute"]  # type: ignore[attr-defined]
    fast = copy.deepcopy(original)
    del cls.__deepcopy__
    try:
        generic = copy.deepcopy(original)
    finally:
        cls.__deepcopy__ = speedups.feedparser_dict_deepcopy  # type: ignore[attr-defined]
    for made in (fast, generic):
        assert type(made) is cls
        assert list(made) == list(original)
        assert made["tags"] == [inner] and made["tags"][0] is not inner
        assert type(made["tags"][0]) is cls
        assert made["self"] is made
        assert made.note == ["instance", "attribute"] and made.note is not original.note
    fast["tags"][0]["term"] = "changed"
    assert inner["term"] == "Politics"


def test_parse_results_are_the_same_with_feedparsers_own_code() -> None:
    from bot.ingest.parse import parse_feed

    paths = corpus()[:300]
    with_speedups = [parse_feed(p.read_bytes(), "https://example.org/feed.xml") for p in paths]
    cls = feedparser.util.FeedParserDict
    table, get = feedparser.mixin._cp1252, cls.get
    try:
        feedparser.mixin._cp1252 = speedups.ORIGINAL_CP1252
        cls.get = speedups.ORIGINAL_GET
        del cls.__deepcopy__
        without = [parse_feed(p.read_bytes(), "https://example.org/feed.xml") for p in paths]
    finally:
        feedparser.mixin._cp1252 = table
        cls.get = get
        cls.__deepcopy__ = speedups.feedparser_dict_deepcopy  # type: ignore[attr-defined]
    assert with_speedups == without
