"""Parsing real feeds: entries come out normalised; broken documents fail alone, never raise."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from bot.ingest.parse import parse_feed

FEEDS = Path(__file__).resolve().parents[1] / "data" / "feeds"
SHARED = Path(__file__).resolve().parents[3] / "shared" / "feeds"


def corpus() -> list[Path]:
    """The test copies, plus the whole shared corpus when it sits beside the checkout."""
    files = sorted(FEEDS.glob("*.xml*"))
    if SHARED.is_dir():
        files += sorted(
            p
            for p in SHARED.rglob("*")
            if p.is_file() and p.suffix in (".xml", ".rss", ".rdf", ".atom", ".gz", ".json")
        )
    return files


def test_seed_feed_gives_the_article() -> None:
    parsed = parse_feed(
        (FEEDS / "radiohc_seed.xml").read_bytes(),
        "https://www.radiohc.cu/en/rss.xml",
        "application/rss+xml",
    )
    assert parsed.error is None and parsed.version == "rss20"
    (item,) = parsed.entries
    assert item.title == "Russia rejects reports on military experts withdrawal from Venezuela"
    assert item.canonical_url.endswith(
        "192551-russia-rejects-reports-on-military-experts-withdrawal-from-venezuela"
    )
    assert "Rostec" in item.text and "<p>" not in item.text
    assert item.published is not None and item.published.isoformat() == "2019-06-04T14:10:00+00:00"
    assert item.language == "en"


def test_bbc_trackers_and_fragment_guids_are_stripped() -> None:
    parsed = parse_feed(
        (FEEDS / "bbc_world.xml").read_bytes(), "https://feeds.bbci.co.uk/news/world/rss.xml"
    )
    assert len(parsed.entries) == 33
    assert all("at_medium" not in (e.canonical_url or "") for e in parsed.entries)
    assert all(not (e.guid or "").endswith("#0") for e in parsed.entries)
    assert len({e.guid for e in parsed.entries}) == 33


def test_html_page_is_not_a_feed() -> None:
    parsed = parse_feed(
        b"<!doctype html><html><body><h1>502 Bad Gateway</h1></body></html>",
        "https://x.test/feed",
        "text/html",
    )
    assert parsed.entries == () and parsed.error and "not a feed" in parsed.error


def test_entity_declaring_body_is_refused_before_feedparser() -> None:
    body = (
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">]>'
        b"<rss><channel><item><title>&a;&a;</title></item></channel></rss>"
    )
    assert "entities" in (parse_feed(body, "https://x.test/").error or "")
    assert "entities" in (parse_feed(body.decode().encode("utf-16"), "https://x.test/").error or "")


def test_gzip_served_raw_and_malformed_feeds_do_not_raise() -> None:
    raw = (FEEDS / "invalid_characters.xml.gz").read_bytes()
    assert parse_feed(raw, "https://x.test/").entries == ()  # gzip bytes without the header
    recovered = parse_feed(gzip.decompress(raw), "https://x.test/")
    assert recovered.error is None or "not a feed" in recovered.error
    nested = parse_feed((FEEDS / "pcmag_illegally_nested.xml").read_bytes(), "https://x.test/")
    assert len(nested.entries) == 10  # feedparser yields 20: the nested halves are empty


@pytest.mark.parametrize("path", corpus(), ids=lambda p: p.name)
def test_every_corpus_document_parses_or_fails_cleanly(path: Path) -> None:
    parsed = parse_feed(path.read_bytes(), "http://127.0.0.1/feed.xml", None)
    assert (parsed.error is None) or parsed.entries == ()
    for entry in parsed.entries:
        assert entry.title or entry.canonical_url
        assert "\x00" not in entry.text


def test_relative_links_are_joined_with_the_feed_url_or_xml_base() -> None:
    rss = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
        b"<item><title>Rel</title><link>/news/1?utm_source=rss</link></item>"
        b"<item><title>Abs</title><link>https://cdn.example/a</link></item>"
        b"</channel></rss>"
    )
    parsed = parse_feed(rss, "https://example.org/feeds/world.xml", "application/rss+xml")
    assert [e.canonical_url for e in parsed.entries] == [
        "https://example.org/news/1",
        "https://cdn.example/a",
    ]
    atom = (
        b'<?xml version="1.0" encoding="utf-8"?>'
        b'<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://other.example/base/">'
        b"<title>t</title><id>urn:f</id><updated>2026-11-20T10:00:00Z</updated>"
        b"<entry><title>One</title><id>urn:1</id><updated>2026-11-20T10:00:00Z</updated>"
        b'<link href="story-1"/></entry>'
        b'<entry xml:base="sub/"><title>Two</title><id>urn:2</id>'
        b'<updated>2026-11-20T10:00:00Z</updated><link href="story-2"/></entry></feed>'
    )
    parsed = parse_feed(atom, "https://example.org/atom.xml", "application/atom+xml")
    assert [e.canonical_url for e in parsed.entries] == [
        "https://other.example/base/story-1",
        "https://other.example/base/sub/story-2",
    ]


def test_c1_characters_still_become_their_cp1252_meaning() -> None:
    # Feeds written by cp1252 tools put curly quotes and dashes at C1 code points; feedparser
    # maps them back, through the faster table newsbot gives it (bot/ingest/feedparser_speedups.py).
    rss = (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>'
        "<item><title>\u0093Quoted\u0094 \u0096 caf\u00e9 \u2019 \u4e2d \U0001f600</title>"
        "<link>https://example.org/1</link>"
        "<description>It\u0092s \u0080 5 \u2014 \u0081 kept</description></item>"
        "</channel></rss>"
    ).encode()
    [entry] = parse_feed(rss, "https://example.org/feed.xml", "application/rss+xml").entries
    assert entry.title == "\u201cQuoted\u201d \u2013 caf\u00e9 \u2019 \u4e2d \U0001f600"
    # U+0081 has no cp1252 meaning: a C1 control character, which cleaning removes
    assert entry.summary == "It\u2019s \u20ac 5 \u2014 kept"
