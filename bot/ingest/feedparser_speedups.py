"""Three speed-ups of feedparser 6.0's hot paths that leave its results unchanged.

feedparser is most of a poll's CPU (benchmarks/README.md). Three of its per-element steps cost
far more than their work, because they raise and swallow an exception per character, per
lookup or per copy; this module gives feedparser equivalents without the exceptions, at import
time, in every process that imports `bot.ingest.parse` (the poller and each parse worker):

- `text.translate(_cp1252)` runs on the text of every element. With feedparser's dict, CPython
  raises a KeyError for each non-ASCII character the dict lacks (curly quotes and dashes are in
  nearly every news item). A list indexed by code point, built from that dict, maps the same
  characters and keeps the rest: parse_feed 9.8-10.5 -> 8.9-9.2 ms a feed on the bench feeds.
- `FeedParserDict.get(key)` calls `__getitem__`, which checks five special keys and an alias
  table, then raises KeyError for an absent key; feedparser asks its content parameters for
  absent keys ("type", "base64") about 2,000 times a feed. For a key that is neither special
  nor an alias, `__getitem__` is `dict.__getitem__`, so `get` is `dict.get`: only the other
  keys still go through feedparser's own `get`. parse_feed 8.4-8.6 -> 7.5-7.8 ms a feed.
- `copy.deepcopy(contentparams)` runs for every title, summary and content. FeedParserDict has
  no `__deepcopy__`, so `copy` asks for one and for `__setstate__` through its `__getattr__`,
  which raises KeyError and AttributeError each time, then rebuilds the dict through
  `__reduce_ex__`. `FeedParserDict.__deepcopy__` here does what that generic path does (a new
  instance without `__init__`, the instance attributes, then every item deep-copied and set
  through `__setitem__`, in order) without the lookups: about 0.6 ms a feed.

Each is installed only on the feedparser it was checked against (6.0.x, with the table and
methods this code expects); anything else keeps feedparser's own code, slower and correct. The
tests compare each with feedparser's own code, and parse output was compared document by
document on shared/feeds (2,148 documents) and the bench feeds.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import feedparser
import feedparser.mixin
import feedparser.util

# What FeedParserDict.__getitem__ treats apart from a plain dict lookup (besides its keymap).
SPECIAL_KEYS = frozenset({"category", "enclosures", "license", "updated", "updated_parsed"})

ORIGINAL_CP1252: Any = getattr(feedparser.mixin, "_cp1252", None)
ORIGINAL_GET: Any = feedparser.util.FeedParserDict.get
HAD_DEEPCOPY = "__deepcopy__" in vars(feedparser.util.FeedParserDict)


def cp1252_by_code_point(mapping: dict[int, str]) -> list[int]:
    """feedparser's C1-to-cp1252 mapping as a list indexed by code point (identity elsewhere in
    the Basic Multilingual Plane). A code point past its end raises IndexError, which
    `str.translate` treats as "keep", as it treats the dict's KeyError. About 2.6 MB."""
    table = list(range(0x10000))
    for code_point, replacement in mapping.items():
        table[code_point] = ord(replacement)
    return table


def dict_get_for_plain_keys(
    original: Callable[..., Any], special: frozenset[str]
) -> Callable[..., Any]:
    """A `FeedParserDict.get` that is `dict.get` for keys outside `special`."""
    dict_get = dict.get

    def get(self: dict[str, Any], key: str, default: Any = None) -> Any:
        if key in special:
            return original(self, key, default)
        return dict_get(self, key, default)

    get.__doc__ = original.__doc__
    return get


def feedparser_dict_deepcopy(self: dict[str, Any], memo: dict[int, Any]) -> Any:
    """`copy.deepcopy` of a FeedParserDict, as copy's generic `__reduce_ex__` path makes it."""
    cls = type(self)
    result = cls.__new__(cls)
    memo[id(self)] = result
    if self.__dict__:
        result.__dict__.update(copy.deepcopy(self.__dict__, memo))
    for key, value in dict.items(self):
        result[copy.deepcopy(key, memo)] = copy.deepcopy(value, memo)
    return result


def _is_feedparser_6_0() -> bool:
    return str(getattr(feedparser, "__version__", "")).startswith("6.0.")


def install() -> tuple[bool, bool, bool]:
    """Install each where it applies; returns (table, get, deepcopy) installed. Idempotent."""
    if not _is_feedparser_6_0():
        return False, False, False
    table = False
    if isinstance(ORIGINAL_CP1252, dict) and all(
        isinstance(k, int) and 0 <= k < 0x10000 and isinstance(v, str) and len(v) == 1
        for k, v in ORIGINAL_CP1252.items()
    ):
        if feedparser.mixin._cp1252 is ORIGINAL_CP1252:
            feedparser.mixin._cp1252 = cp1252_by_code_point(ORIGINAL_CP1252)
        table = True
    get = False
    cls = feedparser.util.FeedParserDict
    keymap = getattr(cls, "keymap", None)
    is_original_get = getattr(ORIGINAL_GET, "__qualname__", "") == "FeedParserDict.get"
    if isinstance(keymap, dict) and is_original_get:
        if cls.get is ORIGINAL_GET:
            plain_get = dict_get_for_plain_keys(ORIGINAL_GET, SPECIAL_KEYS | frozenset(keymap))
            cls.get = plain_get
        get = True
    deepcopy = False
    if not HAD_DEEPCOPY and "__getattr__" in vars(cls):
        if "__deepcopy__" not in vars(cls):
            cls.__deepcopy__ = feedparser_dict_deepcopy
        deepcopy = True
    return table, get, deepcopy


TABLE_INSTALLED, GET_INSTALLED, DEEPCOPY_INSTALLED = install()
