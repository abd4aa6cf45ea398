"""Parsing fetched feed bytes into normalised entries, in worker processes.

Parsing is CPU-bound, so it never runs in the event loop: `parse_feed` is a top-level,
picklable function that the poller sends to a process pool. It never raises; a broken
document comes back as `ParsedFeed(error=…)`. Well-formed RSS/Atom is read by the lxml fast
path (`bot.ingest.fastparse`, about 3 ms for a 30-item feed), everything else by feedparser
(about 14 ms, DESIGN §6); both give the same dicts to the same normalisation (`_build`).
Importing it installs `feedparser_speedups` (same results, less CPU) in the importing process.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

import feedparser

from bot.ingest import feedparser_speedups  # noqa: F401  (installs on import)
from bot.ingest.guard import declares_entities
from bot.ingest.normalize import (
    canonical_guid,
    canonical_url,
    html_to_line,
    html_to_text,
    language_tag,
    one_line,
    to_utc,
)
from bot.models import Entry

# NEWSBOT_FAST_PARSE=0 sends every document to feedparser (an escape hatch, and the slow
# configuration for benchmarks); read once per process, so parse workers inherit it.
FAST_PARSE = os.environ.get("NEWSBOT_FAST_PARSE", "1").strip() != "0"


def _load_fast_path() -> Any:
    """`bot.ingest.fastparse`, or None on a feedparser whose internals it was not checked on
    (it reads feedparser's tables and private helpers: a feedparser without them must not
    break parsing, only slow it down)."""
    try:
        from bot.ingest import fastparse
    except (ImportError, AttributeError):
        return None
    return fastparse if fastparse.ENABLED else None


_FAST_PATH: Any = _load_fast_path()

MAX_ENTRIES = 500
MAX_TITLE = 1_000
MAX_SUMMARY = 4_000
MAX_TEXT = 60_000


@dataclass(frozen=True)
class ParsedFeed:
    """What a feed document held: its title, format, TTL hint and entries, or why it failed."""

    title: str | None
    version: str
    entries: tuple[Entry, ...]
    ttl_seconds: int | None = None
    warning: str | None = None  # feedparser recovered from malformed XML
    error: str | None = None  # nothing usable: not a feed


def parse_feed(
    body: bytes,
    url: str,
    content_type: str | None = None,
    default_language: str | None = None,
    *,
    fast: bool = True,
) -> ParsedFeed:
    """Parse and normalise one feed body. Safe to call in a worker process; never raises.

    `fast=False` (or NEWSBOT_FAST_PARSE=0) skips the lxml path (`bot.ingest.fastparse`):
    feedparser parses everything, as the comparison of the two paths needs."""
    try:
        return _parse(body, url, content_type, default_language, fast)
    except Exception as exc:
        return ParsedFeed(None, "", (), error=f"parser failed: {type(exc).__name__}: {exc}")


def _parse(
    body: bytes, url: str, content_type: str | None, default_language: str | None, fast: bool
) -> ParsedFeed:
    # The fetcher's check, made again here because feedparser must never see a declaration.
    if declares_entities(body, content_type):
        return ParsedFeed(None, "", (), error="feed declares XML entities (refused)")
    if not (fast and FAST_PARSE) or _FAST_PATH is None:
        return parse_with_feedparser(body, url, content_type, default_language)
    raw = _FAST_PATH.parse_raw(body, content_type)
    if raw is not None:  # well-formed RSS 2.0 / Atom 1.0 that lxml reads as feedparser does
        version, feed_info, raw_entries = raw
        return _build(version, feed_info, raw_entries, None, url, default_language)
    return parse_with_feedparser(body, url, content_type, default_language)


def parse_with_feedparser(
    body: bytes, url: str, content_type: str | None, default_language: str | None
) -> ParsedFeed:
    """The slow path: what the fast path rejects, and the reference it is compared with."""
    # The feed's URL is not given to feedparser as its base (content-location): it would then
    # join every href of the document with it (a fifth of the parse time, measured on the
    # bench feeds); the item links newsbot keeps are joined with the URL in `_entry`.
    headers = {"content-type": content_type} if content_type else {}
    parsed = feedparser.parse(
        body, response_headers=headers, sanitize_html=False, resolve_relative_uris=False
    )
    version = parsed.get("version") or ""
    raw_entries = parsed.get("entries") or []
    bozo = parsed.get("bozo_exception")
    if not version and not raw_entries:
        reason = f": {type(bozo).__name__}: {bozo}" if bozo else ""
        return ParsedFeed(None, "", (), error=f"not a feed (no RSS/Atom document found{reason})")
    return _build(version, parsed.get("feed") or {}, raw_entries, bozo, url, default_language)


def _build(
    version: str,
    feed_info: Any,
    raw_entries: Any,
    bozo: Any,
    url: str,
    default_language: str | None,
) -> ParsedFeed:
    """Normalised entries from feedparser's dicts (or the fast path's, which have its keys)."""
    language = language_tag(feed_info.get("language")) or language_tag(default_language)
    entries = []
    for raw in raw_entries[:MAX_ENTRIES]:
        entry = _entry(raw, url, language)
        if entry is not None:
            entries.append(entry)
    title = html_to_line(feed_info.get("title"), 300) or None
    warning = f"{type(bozo).__name__}: {bozo}"[:300] if bozo else None
    return ParsedFeed(title, version, tuple(entries), _ttl(feed_info.get("ttl")), warning)


def _ttl(value: Any) -> int | None:
    """RSS <ttl> is in minutes."""
    try:
        minutes = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return minutes * 60 if 0 < minutes <= 7 * 24 * 60 else None


def _entry(raw: Any, feed_url: str, feed_language: str | None) -> Entry | None:
    # dict.get, not FeedParserDict.get: its key aliases and deprecation fallbacks cost a tenth
    # of the normalisation, and none of them applies to the keys read here.
    get = dict.get
    link = get(raw, "feedburner_origlink") or get(raw, "link") or ""
    link = link.strip() if isinstance(link, str) else ""
    if link and not link.startswith(("https://", "http://")):
        link = urljoin(feed_url, link)  # relative to the feed (feedparser is given no base)
    link = link or None
    title = html_to_line(_str(get(raw, "title")), MAX_TITLE)
    summary = html_to_text(_str(get(raw, "summary")), MAX_SUMMARY)
    contents = get(raw, "content") or []
    body = max(
        (_str(get(c, "value")) for c in contents if isinstance(c, dict)), key=len, default=""
    )
    text = html_to_text(body, MAX_TEXT) if body else ""
    if len(text) < len(summary):  # some feeds put a teaser in content and the story in summary
        text = summary
    if not summary and text:
        summary = text[:MAX_SUMMARY]
    if not title:
        # Untitled items (microblog-style) get their first words as a title.
        title = one_line(re.split(r"(?<=[.!?])\s", summary, maxsplit=1)[0], 200)
    if not title and not link:
        return None
    guid = canonical_guid(_str(get(raw, "id")) or None)
    published = to_utc(get(raw, "published_parsed") or get(raw, "updated_parsed"))
    author = one_line(_str(get(raw, "author")), 200) or None
    language = language_tag(_str(get(raw, "language"))) or feed_language
    return Entry(
        guid=guid,
        link=link,
        canonical_url=canonical_url(link),
        title=title,
        summary=summary,
        text=text,
        published=published,
        language=language,
        author=author,
    )


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""
