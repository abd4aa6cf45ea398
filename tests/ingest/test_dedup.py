"""Identity keys: guid when unique in the feed, else canonical link, else title + date."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.ingest.dedup import _distinctive, content_hash, key_entries, scope_for
from bot.models import Entry


def entry(guid: str | None, url: str | None, title: str = "T", summary: str = "S") -> Entry:
    return Entry(
        guid=guid,
        link=url,
        canonical_url=url,
        title=title,
        summary=summary,
        text=summary,
        published=datetime(2026, 1, 1, tzinfo=UTC),
    )


def test_unique_guid_is_the_identity_and_url_is_a_second_key() -> None:
    keyed = key_entries([entry("g1", "https://x.test/a"), entry("g2", "https://x.test/b")], "x")
    assert [k.identity for k in keyed] == ["x|g|g1", "x|g|g2"]
    assert [k.url_key for k in keyed] == ["https://x.test/a", "https://x.test/b"]


def test_duplicate_guids_fall_back_to_the_link() -> None:
    keyed = key_entries([entry("same", "https://x.test/a"), entry("same", "https://x.test/b")], "x")
    assert [k.identity for k in keyed] == ["x|u|https://x.test/a", "x|u|https://x.test/b"]


def test_in_feed_duplicates_are_dropped_and_home_page_links_never_identify() -> None:
    items = [
        entry(None, "https://x.test/"),
        entry(None, "https://x.test/", title="Other"),
        entry(None, "https://x.test/a"),
        entry(None, "https://x.test/a"),
    ]
    keyed = key_entries(items, "x")
    assert len(keyed) == 3  # the exact repeat of /a is dropped
    assert keyed[0].identity.startswith("x|h|") and keyed[0].url_key is None
    assert keyed[0].identity != keyed[1].identity
    assert keyed[2].url_key is None  # /a appeared twice in this fetch: not distinctive


def test_content_hash_changes_with_title_or_summary_only() -> None:
    a = entry("g", "u", "Title", "Summary")
    assert content_hash(a) == content_hash(entry("g2", "u2", "Title", "Summary"))
    assert content_hash(a) != content_hash(entry("g", "u", "Title (updated)", "Summary"))


def test_scope_is_the_outlet_or_the_feed() -> None:
    assert scope_for("wsj", "wsj-world") == "wsj"
    assert scope_for(None, "f1") == "feed:f1"


def test_a_url_identifies_a_story_only_with_a_path_or_query() -> None:
    for url in (
        "https://x.test/a",
        "https://x.test/?id=7",
        "http://x.test:8080/a/",
        "ftp://x.test/a",
    ):
        assert _distinctive(url), url
    for url in ("https://x.test/", "https://x.test", "https://x.test//", "http://x.test/#top", ""):
        assert not _distinctive(url), url
