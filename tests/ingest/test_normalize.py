"""Canonical URLs, HTML to text, dates and languages as real feeds present them."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest

from bot.ingest.normalize import (
    canonical_guid,
    canonical_url,
    clean_text,
    html_to_line,
    html_to_text,
    language_tag,
    one_line,
    to_utc,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            "https://www.bbc.com/news/articles/cp81?at_medium=RSS&at_campaign=rss",
            "https://www.bbc.com/news/articles/cp81",
        ),
        (
            "HTTPS://WWW.Example.COM:443/a/b?utm_source=x&id=7#comments",
            "https://www.example.com/a/b?id=7",
        ),
        (
            "http://www.nytimes.com/2013/05/06/x.html?partner=rss&emc=rss",
            "http://www.nytimes.com/2013/05/06/x.html",
        ),
        (
            "https://www.csmonitor.com/USA/2026/0217/x?icid=rss",
            "https://www.csmonitor.com/USA/2026/0217/x",
        ),
        ("https://example.com:8443/x?xtor=RSS-1&page=2", "https://example.com:8443/x?page=2"),
        ("https://example.com", "https://example.com/"),
        ("https://example.com?utm_source=rss&utm_medium=feed", "https://example.com/"),
        ("https://example.com/a?utm_source=rss&&id=7", "https://example.com/a?id=7"),
        ("https://example.com/a?utm%5Fsource=rss", "https://example.com/a"),  # decoded: a tracker
        ("https://example.com/a?q=a+b&utm_source=x", "https://example.com/a?q=a+b"),
        ("https://example.com/a?", "https://example.com/a"),
        ("https://example.com./a", "https://example.com/a"),
        ("  https://example.com/a b  ", "https://example.com/a b"),
        ("mailto:someone@example.com", "mailto:someone@example.com"),
        ("", None),
        (None, None),
    ],
)
def test_canonical_url(raw: str | None, expected: str | None) -> None:
    assert canonical_url(raw) == expected


def test_guids_lose_fragments_only_when_they_are_urls() -> None:
    assert canonical_guid("https://www.bbc.com/news/articles/cp81#0") == (
        "https://www.bbc.com/news/articles/cp81"
    )
    assert (
        canonical_guid(" 192551 at https://www.radiohc.cu ") == "192551 at https://www.radiohc.cu"
    )
    assert canonical_guid("   ") is None


def test_html_to_text_keeps_words_and_drops_markup_and_scripts() -> None:
    text = html_to_text(
        "<p>Hello&nbsp;<b>world</b></p><script>alert(1)</script><p>Two &amp; three</p>"
    )
    assert text == "Hello world\n\nTwo & three"
    assert html_to_text("plain\u202etext\x00") == "plaintext"
    assert html_to_text(None) == ""


@pytest.mark.parametrize(
    "raw",
    [
        "<b>Breaking</b>:\n  Russia\u00a0rejects &amp; denies\u202e the report",
        "  Title\r\nwith\x85odd\u2028breaks\x1c and\u3000spaces  ",
        "Cafe\u0301 <script>x()</script>menu\x00",
        "",
        "&lt;not a tag&gt;",
    ],
)
def test_html_to_line_is_one_line_of_html_to_text(raw: str) -> None:
    for limit in (5, 300):
        assert html_to_line(raw, limit) == one_line(html_to_text(raw), limit)
    assert html_to_line("<b>Breaking</b>:\n  Russia\u00a0rejects &amp; denies\u202e") == (
        "Breaking: Russia rejects & denies"
    )


def test_clean_text_folds_spaces_and_blank_lines() -> None:
    assert clean_text("a\u00a0 b\r\n\r\n\r\nc") == "a b\n\nc"


def test_dates_are_utc_and_absurd_dates_are_dropped() -> None:
    parsed = time.strptime("2019-06-04 14:10:00", "%Y-%m-%d %H:%M:%S")
    assert to_utc(parsed) == datetime(2019, 6, 4, 14, 10, tzinfo=UTC)
    assert to_utc(time.strptime("1970-01-02", "%Y-%m-%d")) is None
    assert to_utc(time.gmtime(time.time() + 5 * 365 * 86400)) is None
    assert to_utc(None) is None


def test_language_tags() -> None:
    assert language_tag("en-US") == "en"
    assert language_tag("es_CU") == "es"
    assert language_tag("English please") is None
    assert language_tag(None) is None
