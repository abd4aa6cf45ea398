"""How the store matches fetched items to stored stories, and records polls, on real SQLite files.

`match_existing` asks for identities and URLs in one query (one trip to the database thread
per feed); these tests pin what that query must still decide: identity before URL, the oldest
story of a URL, the scope, and feeds too large for one statement. `record_poll_ok` is one
statement without a transaction of its own; it must never land inside, or be lost with,
another task's transaction. A poll record written with stories commits with them.
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, datetime, timedelta

import pytest

from bot.errors import StoreError
from bot.models import Entry, FeedConfig, StoryDraft
from bot.store import PollRecord, Store

T0 = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def draft(identity: str, url: str | None, scope: str = "ex", n: int = 0) -> StoryDraft:
    entry = Entry(
        guid=identity,
        link=url,
        canonical_url=url,
        title=f"Story {identity}",
        summary="Summary",
        text="Summary",
        published=T0 + timedelta(minutes=n),
    )
    return StoryDraft(
        identity=f"{scope}|g|{identity}",
        scope=scope,
        entry=entry,
        content_hash=f"{n:032x}",
        outlet_id=None,
        feed_id=None,
        alert_worthy=True,
    )


async def test_identity_first_then_the_oldest_story_with_the_url_in_scope(db_target: str) -> None:
    store = await Store.open(db_target)
    try:
        ids = await store.write_stories(
            [
                draft("a", "https://ex.test/a", n=1),
                draft("b-old", "https://ex.test/b", n=2),
                draft("b-new", "https://ex.test/b", n=3),  # same URL, stored later
                draft("c", "https://ex.test/c", scope="other", n=4),
            ],
            [],
        )
        a, b_old, _b_new, _c = ids
        found = await store.match_existing(
            "ex",
            ["ex|g|a", "ex|g|b-edited", "ex|g|c-edited", "ex|g|unknown", "ex|g|a"],
            ["https://ex.test/elsewhere", "https://ex.test/b", "https://ex.test/c", None, None],
        )
        assert [f.id if f else None for f in found] == [a, b_old, None, None, a]
        # The identity wins even where the URL names another story.
        (hit,) = await store.match_existing("ex", ["ex|g|a"], ["https://ex.test/b"])
        assert hit is not None and hit.id == a and hit.identity == "ex|g|a"
    finally:
        await store.close()


async def test_a_feed_too_large_for_one_statement_is_matched_in_parts(db_target: str) -> None:
    store = await Store.open(db_target)
    try:
        stored = [draft(f"s{n}", f"https://ex.test/{n}", n=n) for n in range(700)]
        ids = await store.write_stories(stored, [])
        identities = [d.identity for d in stored] + [f"ex|g|new{n}" for n in range(700)]
        # The new items carry the URLs of stored ones: matched by URL, in a later part.
        urls = [d.entry.canonical_url for d in stored] + [
            f"https://ex.test/{n}" for n in range(700)
        ]
        found = await store.match_existing("ex", identities, urls)
        assert [f.id if f else None for f in found] == ids + ids
    finally:
        await store.close()


async def test_a_poll_recorded_during_another_transaction_waits_and_survives_its_rollback(
    db_target: str,
) -> None:
    store = await Store.open(db_target)
    try:
        await store.sync_feeds([FeedConfig(id="f1", url="https://ex.test/feed")])
        in_transaction = asyncio.Event()
        release = asyncio.Event()

        async def failing_write() -> None:
            async with store._transaction() as db:  # the store's own writer, from inside
                await db.execute("UPDATE feeds SET title = 'rolled back' WHERE id = 'f1'")
                in_transaction.set()
                await release.wait()
                raise RuntimeError("the write fails after the poll was recorded")

        writer = asyncio.create_task(failing_write())
        await in_transaction.wait()
        record = asyncio.create_task(
            store.record_poll_ok(
                "f1",
                etag='"v2"',
                last_modified=None,
                body_hash="h2",
                title="Feed title",
                next_poll_at=123.0,
                parsed=True,
            )
        )
        await asyncio.sleep(0.05)
        assert not record.done()  # it waits for the open transaction
        release.set()
        with contextlib.suppress(RuntimeError):
            await asyncio.wait_for(writer, timeout=10)
        await asyncio.wait_for(record, timeout=10)
        feed = await store.feed("f1")
        assert feed is not None
        assert (feed.etag, feed.body_hash, feed.title) == ('"v2"', "h2", "Feed title")
        assert feed.baseline_done
    finally:
        await store.close()


async def test_a_poll_record_commits_with_its_stories_or_not_at_all(db_target: str) -> None:
    store = await Store.open(db_target)
    try:
        await store.sync_feeds(
            [
                FeedConfig(id="f1", url="https://ex.test/a"),
                FeedConfig(id="f2", url="https://ex.test/b"),
            ]
        )
        ok = PollRecord("f1", 100.0, parsed=True, etag='"e1"', body_hash="h1", title="A")
        await store.write_stories_by_identity([draft("s1", "https://ex.test/1")], [], polls=[ok])
        feed = await store.feed("f1")
        assert feed is not None and (feed.etag, feed.body_hash, feed.baseline_done) == (
            '"e1"',
            "h1",
            True,
        )
        # An outbox row for a subscription that does not exist fails the write: the feed
        # keeps its old body hash, so the next poll parses the body again.
        bad = draft("s2", "https://ex.test/2")
        failed = PollRecord("f2", 100.0, parsed=True, body_hash="h2")
        with pytest.raises(StoreError, match=r"(?i)foreign key"):
            await store.write_stories_by_identity(
                [bad], [], {bad.identity: [(999, "pending", 0.0)]}, polls=[failed]
            )
        feed2 = await store.feed("f2")
        assert feed2 is not None and feed2.body_hash is None and not feed2.baseline_done
        assert [s.identity for s in await store.latest(10)] == ["ex|g|s1"]
    finally:
        await store.close()
