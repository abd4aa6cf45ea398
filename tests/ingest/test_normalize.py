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


def _by_html_parser(value: str) -> str:
    """The general path of `_markup_to_text`, which the fast path must agree with."""
    from bot.ingest.normalize import _TextExtractor

    parser = _TextExtractor()
    parser.feed(value)
    parser.close()
    return "".join(parser.parts)


def _feed_texts() -> list[str]:
    import feedparser

    from tests.ingest.test_parse import corpus

    texts = []
    for path in corpus():
        data = path.read_bytes()
        if path.suffix == ".gz":
            continue
        parsed = feedparser.parse(data, sanitize_html=False, resolve_relative_uris=False)
        for entry in parsed.entries:
            texts += [v for k in ("title", "summary") if isinstance(v := entry.get(k), str)]
            texts += [c["value"] for c in entry.get("content") or [] if "value" in c]
    return texts


def test_plain_markup_takes_the_fast_path_with_html_parsers_output() -> None:
    from bot.ingest.normalize import _simple_markup_to_text

    texts = [t for t in _feed_texts() if "<" in t or "&" in t]
    fast = [(t, out) for t in texts if (out := _simple_markup_to_text(t)) is not None]
    assert len(texts) >= 20  # 26 in tests/data alone; thousands with ../shared
    assert len(fast) > len(texts) // 2  # real summaries are mostly plain tags
    for text, out in fast:
        assert out == _by_html_parser(text), text[:200]


MARKUP_PIECES = [
    *("<p>", "</p>", "<br>", "<br/>", "<br />", "<BR>", '<P class="x">', "</a>", "<a href=x>"),
    *('<a href="http://x/?a=1&amp;b=2">', "<a title='q>r'>", "<em>", "</B>", "<div id=a>"),
    *('<img src="a.png" alt=""/>', "<script>", "</script>", "<iframe/>", "<!-- c -->"),
    *("<![CDATA[x]]>", "</p class=x>", "< p>", "<p", ">", "&amp;", "&#x27;", "&nbsp;", "&"),
    *("&foo", "&#8217;", "text", " ", "\n", "caf\u00e9", "a<b", "<o:p>", "<h2 >", "<li\n>"),
    *('"', "'", "<input disabled>", '<a href="x"title="y">', "<1>", "</ p>", "<p/ >", "<svg>"),
    *("<br clear=all/>", "<p title=a/b>", "<br a=b />", "<p a=>", "<p\n/>", '<P A="1" B=2 c>'),
]


def test_random_markup_gets_the_same_text_on_both_paths() -> None:
    import random

    from bot.ingest.normalize import _simple_markup_to_text

    rng = random.Random(20261125)
    took_fast_path = 0
    for _ in range(20_000):
        value = "".join(rng.choice(MARKUP_PIECES) for _ in range(rng.randint(1, 10)))
        out = _simple_markup_to_text(value)
        if out is not None:
            took_fast_path += 1
            assert out == _by_html_parser(value), value
    assert took_fast_path > 1_000


@pytest.mark.parametrize(
    "value",
    ["a <!-- note --> b", "<script>x < y</script>", "<p>1 < 2</p>", "</p class=x>", "<o:p>x"],
)
def test_markup_the_fast_path_does_not_read_goes_to_html_parser(value: str) -> None:
    from bot.ingest.normalize import _simple_markup_to_text

    assert _simple_markup_to_text(value) is None
    assert html_to_text(value) == clean_text(_by_html_parser(value))
