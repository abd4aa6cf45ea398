"""Full-text lookup and the band index: the shards of SQLite migration 006 on real files, and
the behaviour both backends share (the tests taking `db_target` run on SQLite and PostgreSQL).

Shards hold 50,000 consecutive story ids; to reach a second shard without writing 50,000
stories, a story "stored long ago" is put at id 49,999 with plain SQL before the store opens,
which also exercises the indexing of stories that have no shard yet.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import pytest

from bot.models import Entry, FeedConfig, StoryDraft
from bot.store import Store
from bot.store.base import migrations
from bot.store.pg_engine import pg_sql
from bot.store.sqlite_engine import _split_sql
from bot.store.stories_repo import (
    SEARCH_SHARD_SIZE,
    band_tokens,
    search_pg_statement,
    search_shard,
)

T0 = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def draft(n: int, title: str, summary: str = "", feed: str = "f1", **kw: object) -> StoryDraft:
    url = f"https://news.example/{n}"
    entry = Entry(
        guid=url,
        link=url,
        canonical_url=url,
        title=title,
        summary=summary or title,
        text=summary or title,
        published=T0 + timedelta(minutes=n),
    )
    return StoryDraft(
        identity=f"ex|g|{url}",
        scope="ex",
        entry=entry,
        content_hash=f"{n:032x}",
        outlet_id=None,
        feed_id=feed,
        alert_worthy=True,
        **kw,  # type: ignore[arg-type]
    )


def put_old_story(path: Path, story_id: int, title: str) -> None:
    """A story row written with plain SQL, as a database from before the shards holds it."""
    con = sqlite3.connect(path)
    con.execute(
        "INSERT INTO stories(id, identity, scope, title, summary, text, content_hash, fetched, "
        "sort_time, alert_worthy) VALUES (?, ?, 'ex', ?, ?, ?, 'h', ?, ?, 0)",
        (story_id, f"ex|old|{story_id}", title, "From the archive", "", T0.timestamp(), 0.0),
    )
    con.commit()
    con.close()


async def test_search_spans_shards_ranks_and_follows_revisions(tmp_path: Path) -> None:
    path = tmp_path / "news.db"
    store = await Store.open(path)
    await store.close()
    # bm25 weighs a word by how few stories of its shard hold it: both shards get stories
    # without the word, as real shards (50,000 stories) have.
    for n in range(SEARCH_SHARD_SIZE - 9, SEARCH_SHARD_SIZE - 1):
        put_old_story(path, n, f"Archive item {n}")
    put_old_story(path, SEARCH_SHARD_SIZE - 1, "Rostec contract signed in the old days")

    store = await Store.open(path)  # indexes the old story into shard 0
    try:
        ids = await store.write_stories(
            [
                draft(1, "Weather in Havana", "Rostec is named only in this summary"),
                draft(2, "Rostec denies the report", "A spokesman said so"),
                draft(3, "Markets today", "Nothing about the company"),
                *(draft(n, f"Filler {n}") for n in range(4, 12)),
            ],
            [],
        )
        assert ids[:3] == [SEARCH_SHARD_SIZE, SEARCH_SHARD_SIZE + 1, SEARCH_SHARD_SIZE + 2]
        assert [search_shard(i) for i in ids[:3]] == [0, 1, 1]
        shards = await store._fetchall("SELECT shard FROM search_shards ORDER BY shard")
        assert [r[0] for r in shards] == [0, 1]

        hits = await store.search("rostec")
        # Headline matches first (the newer of the two first), then the summary-only match.
        assert [h.story.id for h in hits] == [ids[1], SEARCH_SHARD_SIZE - 1, ids[0]]
        assert "[Rostec]" in hits[0].snippet
        assert await store.search("markets") and not await store.search("rostecs")
        assert [h.story.id for h in await store.search('"denies the report"')] == [ids[1]]
        assert [h.story.id for h in await store.search("Ros*")] == [h.story.id for h in hits]

        revised = replace(
            draft(2, "Uralvagonzavod denies the report", "A spokesman said so"),
            existing_id=ids[1],
        )
        await store.write_stories([], [revised])
        assert [h.story.id for h in await store.search("uralvagonzavod")] == [ids[1]]
        assert ids[1] not in [h.story.id for h in await store.search("rostec")]
        counts = {f.id: f.stories for f in await store.feeds(with_counts=True)}
        assert counts == {}  # no feed rows were configured; the counter only counts feeds
    finally:
        await store.close()

    # A shard table lost by hand is rebuilt from the stories when the store opens.
    con = sqlite3.connect(path)
    con.execute("DROP TABLE stories_fts_1")
    con.commit()
    con.close()
    store = await Store.open(path)
    try:
        assert [h.story.id for h in await store.search("uralvagonzavod")] == [ids[1]]
        assert len(await store.search("rostec")) == 2
    finally:
        await store.close()


async def test_recent_window_first_then_wider(db_target: str) -> None:
    store = await Store.open(db_target)
    try:
        await store.write_stories([draft(1, "Lithium deal with Bolivia")], [])
        await store.write_stories(
            [draft(n, f"Story {n}", "routine news") for n in range(2, 5_010)], []
        )
        await store.write_stories([draft(6_000, "Lithium prices fall")], [])
        # Fewer than `limit` matches among the newest 5,000: the window widens to the old one.
        assert [h.story.title for h in await store.search("lithium", limit=5)] == [
            "Lithium prices fall",
            "Lithium deal with Bolivia",
        ]
        # Enough matches in the newest window: older stories are not scored at all.
        hits = await store.search("routine", limit=3)
        assert [h.story.title for h in hits] == ["Story 5009", "Story 5008", "Story 5007"]
        # Prefixes follow the same rules (PostgreSQL reads them another way in the first window).
        for prefix in ("routi*", "rou*"):  # (PostgreSQL: the first window's stories tested)
            hits = await store.search(prefix, limit=3)
            assert [h.story.title for h in hits] == ["Story 5009", "Story 5008", "Story 5007"]
        assert [h.story.title for h in await store.search("lithi*", limit=5)] == [
            "Lithium prices fall",
            "Lithium deal with Bolivia",
        ]
        # Stories on either side of a block boundary of PostgreSQL's id-range tags.
        for n in (1_000, 1_001, 5_001):
            assert [h.story.title for h in await store.search(f"story {n}")] == [f"Story {n}"]
    finally:
        await store.close()


async def test_band_index_finds_stories_sharing_bands(db_target: str) -> None:
    store = await Store.open(db_target)
    try:
        shared = (1 << 56 | 12345, 2 << 56 | 999)
        ids = await store.write_stories(
            [
                draft(1, "Wire copy A", bands=(*shared, 3 << 56 | 1)),
                draft(2, "Wire copy B", bands=(*shared, 3 << 56 | 2)),
                draft(3, "Unrelated", bands=(1 << 56 | 7, 2 << 56 | 8)),
            ],
            [],
        )
        found = await store.band_candidates([*shared, 3 << 56 | 5], exclude=ids[1])
        assert found == [(ids[0], 2)]
        assert band_tokens(shared) == f"b{shared[0]:x} b{shared[1]:x}"
    finally:
        await store.close()


async def test_migration_from_schema_5_keeps_search_bands_and_counts(tmp_path: Path) -> None:
    """A database written by the previous schema opens, migrates, and answers as before."""
    path = tmp_path / "old.db"
    con = sqlite3.connect(path, isolation_level=None)
    for number, _name, sql in migrations():
        if number > 5:
            break
        for statement in _split_sql(sql):
            con.execute(statement)
    con.execute("PRAGMA user_version = 5")
    con.execute(
        "INSERT INTO feeds(id, url, interval, created_at) VALUES ('f1', 'https://x/f', 900, 0)"
    )
    for n, title in enumerate(["Rostec denies the report", "Havana weather", "Rostec again"], 1):
        con.execute(
            "INSERT INTO stories(identity, scope, feed_id, title, summary, text, content_hash, "
            "fetched, sort_time, alert_worthy) VALUES (?, 'ex', 'f1', ?, '', '', 'h', ?, ?, 1)",
            (f"ex|{n}", title, float(n), float(n)),
        )
    con.executemany(
        "INSERT INTO story_bands(band, story_id) VALUES (?, ?)", [(77, 1), (77, 3), (78, 2)]
    )
    con.close()

    store = await Store.open(path)
    try:
        assert await store.schema_version() >= 6
        assert [h.story.id for h in await store.search("rostec")] == [3, 1]
        assert await store.band_candidates([77], exclude=1) == [(3, 1)]
        assert {f.id: f.stories for f in await store.feeds(with_counts=True)} == {"f1": 3}
        await store.write_stories([draft(9, "Rostec a third time", feed="f1")], [])
        assert {f.id: f.stories for f in await store.feeds(with_counts=True)} == {"f1": 4}
        # A feed removed and added again still counts the stories that carry its id.
        assert await store.remove_feed("f1")
        await store.sync_feeds([FeedConfig(id="f1", url="https://x/f")])
        assert {f.id: f.stories for f in await store.feeds(with_counts=True)} == {"f1": 4}
        assert len(await store.search("rostec")) == 3
    finally:
        await store.close()


@pytest.mark.parametrize(
    ("query", "found"),
    [('"', 0), ("*", 0), ("-", 0), ("AND", 1), ("NEAR(a b)", 0), ("title:x", 1), ("^x", 1)],
)
async def test_operator_text_is_searched_not_parsed(db_target: str, query: str, found: int) -> None:
    store = await Store.open(db_target)
    try:
        await store.write_stories([draft(1, "AND the title x")], [])
        # Operators are words to look for, never FTS5 syntax (which would raise).
        assert len(await store.search(query)) == found
    finally:
        await store.close()


async def test_batch_with_an_identity_already_stored_indexes_the_right_ids(
    db_target: str,
) -> None:
    """Ids follow max(id) when every row goes in; a skipped duplicate must not shift them."""
    store = await Store.open(db_target)
    try:
        (first,) = await store.write_stories([draft(2, "Already stored Kalashnikov")], [])
        ids = await store.write_stories(
            [
                draft(1, "Havana port reopens", bands=(1 << 56 | 1,)),
                draft(2, "Already stored Kalashnikov"),  # same identity: skipped
                draft(3, "Rostec delivers helicopters", bands=(1 << 56 | 3,)),
            ],
            [],
        )
        # SQLite gives max(id) + 1, + 2; PostgreSQL's sequence may leave a gap for the skip
        assert ids == [first + 1, first + 2] or (
            store.dialect == "postgresql" and ids[1] > ids[0] > first
        )
        assert [h.story.id for h in await store.search("havana")] == [ids[0]]
        assert [h.story.id for h in await store.search("helicopters")] == [ids[1]]
        assert [h.story.id for h in await store.search("kalashnikov")] == [first]
        assert await store.band_candidates([1 << 56 | 3], exclude=0) == [(ids[1], 1)]
    finally:
        await store.close()


async def test_repeated_drafts_in_one_call_index_once(db_target: str) -> None:
    store = await Store.open(db_target)
    try:
        (story_id,) = await store.write_stories(
            [draft(1, "Alpha original"), draft(1, "Alpha original")], []
        )
        assert {f: n for f, n in await _counts(store)} == {}
        await store.write_stories(
            [],
            [
                replace(draft(1, "Bravo edit"), existing_id=story_id),
                replace(draft(1, "Charlie edit"), existing_id=story_id),
            ],
        )
        assert [h.story.title for h in await store.search("charlie")] == ["Charlie edit"]
        assert await store.search("bravo") == [] and await store.search("alpha") == []
        if store.dialect == "sqlite":
            docs = await store._fetchall("SELECT count(*) FROM stories_fts_0_docsize")
            assert docs[0][0] == 1  # one document for the one story
    finally:
        await store.close()


async def _counts(store: Store) -> list[tuple[str, int]]:
    return [(f.id, f.stories) for f in await store.feeds(with_counts=True)]


async def test_a_shard_dropped_while_running_is_rebuilt_by_the_next_write(
    tmp_path: Path,
) -> None:
    path = tmp_path / "news.db"
    store = await Store.open(path)
    try:
        (delta,) = await store.write_stories([draft(1, "Delta story")], [])
        con = sqlite3.connect(path)
        con.execute("DROP TABLE stories_fts_0")
        con.commit()
        con.close()
        assert await store.search("delta") == []  # no error while the table is missing
        (echo,) = await store.write_stories([draft(2, "Echo story")], [])
        assert [h.story.id for h in await store.search("delta")] == [delta]
        assert [h.story.id for h in await store.search("echo")] == [echo]
        await store.write_stories([], [replace(draft(1, "Foxtrot story"), existing_id=delta)])
        assert [h.story.id for h in await store.search("foxtrot")] == [delta]
        assert await store.search("delta") == []
    finally:
        await store.close()


async def test_a_write_cancelled_at_any_point_leaves_the_store_usable(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "news.db")
    try:
        for spins in range(12):  # cancel after 0..11 turns of the event loop
            task = asyncio.ensure_future(
                store.write_stories(
                    [draft(1000 * spins + n, f"Batch {spins}") for n in range(50)], []
                )
            )
            for _ in range(spins):
                await asyncio.sleep(0)
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            # the next write must find no transaction left open
            assert await store.write_stories([draft(900_000 + spins, f"Probe {spins}")], [])
        assert not store._engine.in_transaction
        titles = {s.title for s in await store.latest(1000)}
        assert {f"Probe {n}" for n in range(12)} <= titles
        for spins in range(12):  # a batch is stored whole or not at all, and searchable if so
            stored = sum(t == f"Batch {spins}" for t in (s.title for s in await store.latest(1000)))
            assert stored in (0, 50)
            assert len(await store.search(f'"Batch {spins}"', limit=100)) == stored
    finally:
        await store.close()


def _tag_ids(tags: str) -> set[int]:
    """The story ids a `window_tags` query matches, by the blocks of migration 003."""
    ids: set[int] = set()
    for tag in tags.split(" | "):
        level, block = tag.strip("'#").split(":")
        size = (1_000, 10_000, 100_000)[int(level)]
        ids.update(range(int(block) * size + 1, (int(block) + 1) * size + 1))
    return ids


async def test_window_tags_cover_the_window_and_little_else(pg_target: str) -> None:
    """newsbot_window_tags (migration 005), the tags of a lookup's wider windows."""
    store = await Store.open(pg_target)
    try:
        for floor, top in [(0, 1), (999, 1_000), (1_000, 1_001), (345_678, 350_678),
                           (300_678, 350_678), (0, 1_000_000), (499_999, 999_999),
                           (123, 987_654), (950_000, 1_000_000), (500_000, 1_000_000)]:  # fmt: skip
            row = await store._fetchone("SELECT newsbot_window_tags(?, ?)::text", (floor, top))
            assert row is not None
            tags = str(row[0])
            ids = _tag_ids(tags)
            assert set(range(floor + 1, top + 1)) <= ids, (floor, top)
            # nothing newer than the window; older only within the block of its oldest id
            assert max(ids) <= ((top - 1) // 1_000 + 1) * 1_000
            assert min(ids) > floor - 1_000
            assert len(tags.split(" | ")) <= 9 * 2 * 2 + 10
        empty = await store._fetchone("SELECT newsbot_window_tags(?, ?) IS NULL", (5, 5))
        assert empty is not None and empty[0] is True
    finally:
        await store.close()


async def test_a_widening_phrase_makes_each_windows_tags_once(pg_target: str) -> None:
    """A phrase's matches are rechecked row by row (GIN cannot test word positions): the
    wider window's tags (newsbot_window_tags) must be made once for the window, not again
    in each row's recheck, which cost a two-word phrase most of its time (#17)."""
    store = await Store.open(pg_target)
    try:
        await store.write_stories([draft(1, "Nuclear talks with Iran resume")], [])
        # 5,009 newer stories with both words, never side by side: every one is rechecked
        await store.write_stories(
            [draft(n, f"Talks {n} on Iran", "nuclear news") for n in range(2, 5_011)], []
        )
        hits = await store.search('"nuclear talks"', limit=5)
        assert [h.story.title for h in hits] == ["Nuclear talks with Iran resume"]
        statement = search_pg_statement('"nuclear talks"', 5)
        assert statement is not None
        conn = await asyncpg.connect(pg_target, server_settings={"jit": "off"})
        try:
            async with conn.transaction():
                await conn.execute("SET LOCAL track_functions = 'pl'")
                rows = await conn.fetch(pg_sql(statement[0]), *statement[1])
                calls = await conn.fetchval(
                    "SELECT sum(calls) FROM pg_stat_xact_user_functions "
                    "WHERE funcname = 'newsbot_window_tags'"
                )
        finally:
            await conn.close()
        assert [r["title"] for r in rows] == ["Nuclear talks with Iran resume"]
        assert calls == 1  # the second window's; the lookup ends there (it reaches id 1)
    finally:
        await store.close()
