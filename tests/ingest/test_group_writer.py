"""Group commit of story writes, on a real SQLite file."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from bot.errors import StoreError
from bot.ingest.group_writer import GroupWriter
from bot.models import Entry, FeedConfig, StoryDraft
from bot.store import PollRecord, Store


def draft(scope: str, n: int) -> StoryDraft:
    url = f"https://{scope}.example/{n}"
    entry = Entry(
        guid=url,
        link=url,
        canonical_url=url,
        title=f"{scope} story {n}",
        summary="text",
        text="text",
        published=datetime(2026, 11, 20, tzinfo=UTC),
    )
    return StoryDraft(
        identity=f"{scope}|g|{url}",
        scope=scope,
        entry=entry,
        content_hash=str(n),
        outlet_id=None,
        feed_id=None,
        alert_worthy=True,
    )


async def test_concurrent_writes_share_transactions_and_get_their_own_ids(
    db_target: str,
) -> None:
    store = await Store.open(db_target)
    try:
        writer = GroupWriter(store)
        scopes = [f"s{i}" for i in range(12)]
        results = await asyncio.gather(
            *(writer.write([draft(s, n) for n in range(5)], []) for s in scopes)
        )
        # Twelve feeds' writes queued before the first commit began: one transaction.
        assert writer.transactions == 1
        for scope, ids in zip(scopes, results, strict=True):
            assert sorted(ids) == [f"{scope}|g|https://{scope}.example/{n}" for n in range(5)]
            stored = await store.stories_by_ids(list(ids.values()))
            assert {s.identity: s.id for s in stored} == ids
        assert len({i for ids in results for i in ids.values()}) == 60
        # A lone write waits for nothing: one transaction of its own.
        assert await writer.write([draft("late", 1)], []) and writer.transactions == 2
    finally:
        await store.close()


async def test_a_failing_write_fails_alone_and_the_group_still_commits(db_target: str) -> None:
    store = await Store.open(db_target)
    try:
        writer = GroupWriter(store)
        bad = draft("bad", 1)
        outcomes = await asyncio.gather(
            writer.write([draft("a", 1)], []),
            writer.write([draft("b", 1)], []),
            # an outbox row for a subscription that does not exist: the foreign key refuses it
            writer.write([bad], [], {bad.identity: [(999, "pending", 0.0)]}),
            writer.write([draft("c", 1)], []),
            return_exceptions=True,
        )
        # sqlite3 errors leave the store as StoreError; this one is the request's own
        assert isinstance(outcomes[2], StoreError) and outcomes[2].reason == "constraint"
        assert "foreign key" in str(outcomes[2]).lower()
        assert [len(o) for o in outcomes if isinstance(o, dict)] == [1, 1, 1]
        titles = {s.title for s in await store.latest(10)}
        assert titles == {"a story 1", "b story 1", "c story 1"}
    finally:
        await store.close()


async def test_a_cancelled_caller_does_not_lose_the_stories(db_target: str) -> None:
    store = await Store.open(db_target)
    try:
        writer = GroupWriter(store)
        first = asyncio.ensure_future(writer.write([draft("a", 1)], []))
        second = asyncio.ensure_future(writer.write([draft("b", 1)], []))
        await asyncio.sleep(0)
        second.cancel()
        assert len(await first) == 1
        with pytest.raises(asyncio.CancelledError):
            await second
        for _ in range(100):  # bounded: the group commits within a few loop turns
            if len(await store.latest(10)) == 2:
                break
            await asyncio.sleep(0.01)
        assert {s.title for s in await store.latest(10)} == {"a story 1", "b story 1"}
    finally:
        await store.close()


async def test_a_write_lingers_for_the_writes_still_coming(db_target: str) -> None:
    store = await Store.open(db_target)
    try:
        expected = 3
        # A long linger, bounded by wait_for below: the group must go as soon as the writes
        # it waits for have arrived, not when the linger runs out.
        writer = GroupWriter(store, linger=30.0, more_coming=lambda: writer.queued < expected)
        first = asyncio.create_task(writer.write([draft("a", 1)], []))
        await asyncio.sleep(0.05)  # the first write is waiting, not committed
        assert writer.transactions == 0 and not first.done()
        rest = [writer.write([draft(s, 1)], []) for s in ("b", "c")]
        results = await asyncio.wait_for(asyncio.gather(first, *rest), timeout=10)
        assert writer.transactions == 1
        assert [sorted(r) for r in results] == [
            [f"{s}|g|https://{s}.example/1"] for s in ("a", "b", "c")
        ]
        # Nothing more coming: a write goes at once.
        expected = 0
        await asyncio.wait_for(writer.write([draft("d", 1)], []), timeout=10)
        assert writer.transactions == 2
    finally:
        await store.close()


async def test_a_full_group_goes_without_lingering(db_target: str) -> None:
    store = await Store.open(db_target)
    try:
        writer = GroupWriter(store, linger=30.0, max_stories=20, more_coming=lambda: True)
        ids = await asyncio.wait_for(
            writer.write([draft("big", n) for n in range(20)], []), timeout=10
        )
        assert len(ids) == 20 and writer.transactions == 1
    finally:
        await store.close()


async def test_a_lingering_write_cancelled_at_shutdown_fails_its_callers(db_target: str) -> None:
    store = await Store.open(db_target)
    try:
        writer = GroupWriter(store, linger=30.0, more_coming=lambda: True)
        waiting = asyncio.create_task(writer.write([draft("a", 1)], []))
        await asyncio.sleep(0.05)
        assert writer._flusher is not None
        writer._flusher.cancel()
        with pytest.raises(RuntimeError, match="story write interrupted"):
            await asyncio.wait_for(waiting, timeout=10)
        assert await store.latest(10) == []  # nothing half-written
    finally:
        await store.close()


async def test_poll_records_commit_in_the_group(db_target: str) -> None:
    store = await Store.open(db_target)
    try:
        await store.sync_feeds(
            [FeedConfig(id=f"f{n}", url=f"https://x.test/{n}") for n in range(3)]
        )
        writer = GroupWriter(store)
        await asyncio.gather(
            writer.record(PollRecord("f0", 50.0, parsed=False, etag='"304"')),
            writer.write([draft("a", 1)], [], poll=PollRecord("f1", 60.0, parsed=True)),
            writer.record(PollRecord("f2", 70.0, parsed=True, body_hash="h")),
        )
        assert writer.transactions == 1
        feeds = {f.id: f for f in await store.feeds()}
        assert (feeds["f0"].etag, feeds["f0"].baseline_done) == ('"304"', False)
        assert [feeds[f"f{n}"].next_poll_at for n in range(3)] == [50.0, 60.0, 70.0]
        assert feeds["f1"].baseline_done and feeds["f2"].body_hash == "h"
        assert all(f.status == "ok" for f in feeds.values())
    finally:
        await store.close()
