"""The store contract on both backends: subscriptions, the outbox, feeds, links, secrets.

Every test taking `db_target` runs on a real SQLite file and on the machine's PostgreSQL
(tests/postgres.py): same calls, same assertions. The last tests drive the real `newsbot`
process: `db migrate`, `db copy` SQLite → PostgreSQL → SQLite without losing a row, and an
unreachable server as one line with exit code 3 and no password.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from bot.context.analyze import analyze
from bot.errors import StoreError
from bot.models import FeedConfig, StoryLink
from bot.store import Store
from bot.store.base import migrations
from bot.store.copy import TABLES
from tests.store.test_search_index import draft


async def test_subscriptions_and_a_moved_chat(db_target: str) -> None:
    store = await Store.open(db_target)
    try:
        a = await store.upsert_subscription("telegram", "-100", filters={"outlets": ["tass"]})
        # a config seed never overwrites a moderator's edit
        await store.update_subscription(a, denials_only=True)
        assert await store.upsert_subscription("telegram", "-100", mode="daily") == a
        (sub,) = await store.subscriptions(platform="telegram")
        assert sub.denials_only and sub.mode == "instant" and sub.filters == {"outlets": ("tass",)}
        b = await store.upsert_subscription("discord", "c1", "t1")
        assert [s.id for s in await store.subscriptions()] == [a, b]
        # a group that became a supergroup; a chat already subscribed there is deactivated
        await store.upsert_subscription("telegram", "-200")
        await store.upsert_subscription("telegram", "-300")
        await store.move_chat("telegram", "-100", "-101")
        await store.move_chat("telegram", "-200", "-300")
        moved = await store.subscription("telegram", "-101")
        assert moved is not None and moved.id == a and moved.active
        old = await store.subscription("telegram", "-200")
        assert old is not None and not old.active and old.deactivated_reason == "chat moved to -300"
        assert len(await store.subscriptions(active_only=False)) == 4
        await store.audit("telegram", "-101", "42", "subscribe", "x" * 600)
        (entry,) = await store.audit_log("telegram", "-101")
        assert entry["actor"] == "42" and len(entry["detail"]) == 500
    finally:
        await store.close()


async def test_outbox_order_retries_follow_ups_and_dead_rows(db_target: str) -> None:
    store = await Store.open(db_target)
    try:
        chat = await store.upsert_subscription("telegram", "1")
        other = await store.upsert_subscription("telegram", "2")
        report, denial = await store.write_stories([draft(1, "Report"), draft(2, "Denial")], [], {})
        await store.write_stories(
            [draft(3, "Third")], [], {draft(3, "Third").identity: [(chat, "pending", 0.0)]}
        )
        async with store._transaction() as db:
            for sub in (chat, other):
                await db.execute(
                    "INSERT INTO outbox(subscription_id, story_id, kind, state, next_attempt_at, "
                    "created_at) VALUES (?, ?, 'alert', 'pending', 0, 0)",
                    (sub, report),
                )
        due = await store.due_items("telegram")
        # the oldest row per chat only: chat 1's report waits before its third story
        assert [(i.subscription.chat, i.story_id) for i in due] == [("1", 3), ("2", report)]
        marked = await store.record_states([i.id for i in due], [])
        assert marked == {i.id for i in due}
        assert await store.record_states([due[0].id], []) == set()  # no longer pending
        await store.record_states([], [(due[1].id, "m-77")])
        assert await store.recover_in_flight() == 1  # the one still "sending"
        assert await store.mark_sending([due[0].id]) is True
        await store.mark_dead([due[0].id], "gave up: " + "e" * 400)
        (dead,) = await store.dead_items()
        assert dead.chat == "1" and dead.reason.startswith("gave up") and len(dead.reason) == 300
        # chat 2 got the report: the denial goes to it as a reply to that message
        assert await store.enqueue_followups(denial, report) == 1
        (follow,) = [d for d in await store.deliveries(denial) if d.kind == "followup"]
        assert follow.subscription.chat == "2" and follow.state == "pending"
        assert await store.enqueue_followups(denial, report) == 0  # once only
        counts = await store.outbox_counts()
        assert (counts["sent"], counts["dead"], counts["pending"]) == (1, 1, 2)
        assert [c for c, _ in await store.recent_sends("telegram", 0)] == ["2"]
    finally:
        await store.close()


async def test_feeds_schedule_pause_and_health(db_target: str) -> None:
    store = await Store.open(db_target)
    try:
        created = await store.sync_feeds(
            [FeedConfig(id=f"f{n}", url=f"https://ex.test/{n}") for n in range(3)]
        )
        assert created == 3
        await store.set_next_poll("f0", 50.0)
        await store.set_next_poll("f1", 10.0)
        # never polled first, then by time; f0 is not due yet
        assert [f.id for f in await store.due_feeds(20.0)] == ["f2", "f1"]
        await store.record_poll_failure("f1", "timed out", next_poll_at=99.0, status="disabled")
        assert await store.feed_health_counts() == {"new": 2, "disabled": 1}
        assert await store.set_feed_enabled("f1", True)
        feed = await store.feed("f1")
        assert feed is not None and feed.status == "new" and feed.failures == 0
        assert await store.set_feed_enabled("f2", False)
        assert [f.id for f in await store.pollable_feeds()] == ["f0", "f1"]
        assert await store.remove_feed("f0") and not await store.remove_feed("f0")
        await store.record_poll_ok(
            "f1", etag='"e"', last_modified=None, body_hash=None, title=None,
            next_poll_at=5.0, parsed=False,
        )  # fmt: skip
        feed = await store.feed("f1")
        assert feed is not None and (feed.etag, feed.baseline_done) == ('"e"', False)
    finally:
        await store.close()


async def test_links_keep_the_highest_confidence_and_secrets_are_made_once(
    db_target: str,
) -> None:
    store = await Store.open(db_target)
    try:
        a, b = await store.write_stories([draft(1, "A"), draft(2, "B")], [])
        await store.add_links([StoryLink(b, a, "denies", 0.6, "first")])
        await store.add_links([StoryLink(b, a, "denies", 0.4, "second")])
        (link,) = await store.links_from(b)
        assert (link.confidence, link.reason) == (0.6, "second")
        assert await store.links_to(a, "same_story") == []
        key = await store.secret("buttons")
        second = await Store.open(db_target)
        try:
            assert await second.secret("buttons") == key and len(key) == 32
        finally:
            await second.close()
    finally:
        await store.close()


async def test_entities_denials_and_revisions(db_target: str) -> None:
    title = "Rostec denies the Wall Street Journal report on Venezuela"
    text = "Rostec said the report in The Wall Street Journal was untrue."
    store = await Store.open(db_target)
    try:
        first = draft(1, title, text, context=analyze(title, text))
        (story_id,) = await store.write_stories([first], [])
        assert [s.id for s in await store.stories_with_entity("Ростех")] == [story_id]
        stats = await store.stats()
        assert (stats["stories"], stats["denials"]) == (1, 1)
        # fetched just now, published on 20 November: not a story of the last 24 hours
        assert stats["stories_24h"] == 0
        edit = replace(draft(1, "Rostec comment", "No comment."), existing_id=story_id)
        await store.write_stories([], [replace(edit, context=analyze("Rostec comment", ""))])
        story = await store.story(story_id)
        assert story is not None and story.revision == 1 and story.title == "Rostec comment"
        assert (await store.stats())["denials"] == 0
        assert [h.story.id for h in await store.search("comment")] == [story_id]
        assert await store.search("venezuela") == []
        await store.write_stories(
            [replace(draft(9, "Fresh"), entry=replace(draft(9, "Fresh").entry, published=None))], []
        )
        assert (await store.stats())["stories_24h"] == 1  # undated: counted at its fetch time
    finally:
        await store.close()


async def test_read_only_opens_refuse_writes_and_a_reopen_migrates_nothing(
    db_target: str,
) -> None:
    store = await Store.open(db_target)
    assert store.applied_migrations  # a new database: every migration
    version = await store.schema_version()
    await store.close()
    again = await Store.open(db_target)
    assert again.applied_migrations == [] and await again.schema_version() == version
    await again.close()
    reader = await Store.open(db_target, read_only=True)
    try:
        assert await reader.feeds() == []
        with pytest.raises(StoreError) as refused:
            await reader.sync_feeds([FeedConfig(id="f", url="https://ex.test/f")])
        assert refused.value.reason == "read_only"
    finally:
        await reader.close()


def newsbot(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
        check=False,
    )


async def test_db_copy_there_and_back_keeps_every_row(tmp_path: Path, pg_target: str) -> None:
    source = tmp_path / "source.db"
    store = await Store.open(source)
    try:
        await store.sync_feeds([FeedConfig(id="f1", url="https://ex.test/feed")])
        sub = await store.upsert_subscription("telegram", "-1001")
        title = "Russia rejects reports on military experts withdrawal from Venezuela"
        stories = [draft(1, title, title, context=analyze(title, ""), bands=(2 << 56 | 9,))]
        stories += [draft(n, f"Story number {n}", bands=(1 << 56 | n,)) for n in range(2, 1203)]
        ids = await store.write_stories(stories, [], {stories[0].identity: [(sub, "pending", 0)]})
        await store.add_links([StoryLink(ids[0], ids[1], "denies", 0.9, "test")])
        await store.audit("telegram", "-1001", "7", "subscribe")
        key = await store.secret("buttons")
    finally:
        await store.close()
    done = newsbot("db", "copy", str(source), pg_target)
    assert done.returncode == 0, done.stderr
    assert "copy: stories: 1,202 of 1,202" in done.stderr
    assert done.stdout.startswith("copied ") and "stories 1,202" in done.stdout
    back = tmp_path / "back.db"
    assert newsbot("db", "copy", pg_target, str(back)).returncode == 0
    for target in (pg_target, str(back)):
        copy = await Store.open(target)
        try:
            assert [h.story.id for h in await copy.search("venezuela")] == [ids[0]]
            assert [s.id for s in await copy.stories_with_entity("Venezuela")] == [ids[0]]
            assert await copy.band_candidates([2 << 56 | 9], exclude=0) == [(ids[0], 1)]
            assert await copy.secret("buttons") == key
            (row,) = await copy.deliveries(ids[0])
            assert (row.subscription.chat, row.state) == ("-1001", "pending")
            # new rows after the copied ones get new ids
            (new_id,) = await copy.write_stories([draft(5000, "After the copy")], [])
            assert new_id > max(ids)
        finally:
            await copy.close()
    # a second copy into a database that holds rows is refused, nothing written
    refused = newsbot("db", "copy", str(source), str(back))
    assert refused.returncode == 3 and "needs an empty database" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1
    assert set(TABLES) >= {"stories", "subscriptions", "outbox", "audit_log"}


def test_db_migrate_and_an_unreachable_server_is_one_line_without_the_password(
    tmp_path: Path,
) -> None:
    fresh = newsbot("db", "migrate", "--db", str(tmp_path / "n.db"))
    assert fresh.returncode == 0 and "(applied 1, 2, 3" in fresh.stdout
    assert "(up to date)" in newsbot("db", "migrate", "--db", str(tmp_path / "n.db")).stdout
    # port 9 on loopback: nothing listens there
    url = "postgresql://newsbot:hunter2secret@127.0.0.1:9/news"
    for args in (("stats", "--db", url), ("db", "migrate"), ("status", "--json")):
        failed = newsbot(*args, env={"NEWSBOT_DB": url})
        assert failed.returncode == 3, failed.stderr
        (line,) = failed.stderr.strip().splitlines()
        assert "cannot reach the database server" in line and "127.0.0.1:9" in line
        assert "hunter2secret" not in failed.stderr + failed.stdout


HOLDER = """
import asyncio, sys
from bot.store import Store

async def main() -> None:
    store = await Store.open(sys.argv[1])
    async with store.role_lock("send-telegram", asyncio.Event()) as held:
        print("held" if held else "not held", flush=True)
        await asyncio.sleep(120)

asyncio.run(main())
"""


async def test_a_standby_takes_over_a_role_when_its_holder_is_killed(
    pg_target: str,
) -> None:
    holder = await asyncio.create_subprocess_exec(
        sys.executable, "-c", HOLDER, pg_target, stdout=asyncio.subprocess.PIPE
    )
    try:
        assert holder.stdout is not None
        line = await asyncio.wait_for(holder.stdout.readline(), timeout=30)
        assert line.strip() == b"held"
        store = await Store.open(pg_target)
        try:
            stop = asyncio.Event()
            standby = asyncio.create_task(_hold(store, stop))
            await asyncio.sleep(1.5)
            assert not standby.done()  # waits while the holder lives
            holder.send_signal(signal.SIGKILL)
            await asyncio.wait_for(holder.wait(), timeout=10)
            killed = time.monotonic()
            assert await asyncio.wait_for(standby, timeout=10) is True
            assert time.monotonic() - killed < 5  # takes over within seconds
            # a standby told to stop gives up without the lock
            other = await Store.open(pg_target)
            try:
                stop_now = asyncio.Event()
                stop_now.set()
                async with other.role_lock("send-telegram", stop_now) as held:
                    assert held is False
            finally:
                await other.close()
        finally:
            await store.close()
    finally:
        if holder.returncode is None:
            holder.kill()
            await asyncio.wait_for(holder.wait(), timeout=10)


async def _hold(store: Store, stop: asyncio.Event) -> bool:
    async with store.role_lock("send-telegram", stop) as held:
        return held


async def test_a_write_that_loses_a_deadlock_is_tried_again(
    pg_target: str, caplog: pytest.LogCaptureFixture
) -> None:
    """Two writers storing the same two items in opposite orders (two workers, two feeds of one
    outlet): PostgreSQL aborts one; the store's write is tried again and stores nothing twice."""
    store = await Store.open(pg_target)
    other = await asyncpg.connect(pg_target)
    try:
        x, y = draft(1, "Item X"), draft(2, "Item Y")
        columns = (
            "identity, scope, title, summary, text, content_hash, fetched, sort_time, alert_worthy"
        )
        insert = f"INSERT INTO stories({columns}) VALUES ($1, 'ex', 't', 's', 'x', 'h', 0, 0, 1)"
        transaction = other.transaction()
        await transaction.start()
        await other.execute(insert, x.identity)  # the other writer holds X
        write = asyncio.create_task(store.write_stories([y, x], []))  # holds Y, waits for X
        await asyncio.sleep(0.3)
        second = asyncio.create_task(other.execute(insert, y.identity))  # waits for Y: deadlock
        try:
            await asyncio.wait_for(second, timeout=15)  # the store lost: this writer goes on
            await transaction.commit()
        except asyncpg.DeadlockDetectedError:  # this writer lost: the store goes on
            await transaction.rollback()
        stored = await asyncio.wait_for(write, timeout=15)
        assert await other.fetchval("SELECT count(*) FROM stories") == 2
        assert await other.fetchval("SELECT count(DISTINCT identity) FROM stories") == 2
        # the store lost the deadlock and tried again, or won it and stored both
        retried = any("trying the write again" in r.getMessage() for r in caplog.records)
        assert retried or len(stored) == 2
    finally:
        await other.close()
        await store.close()


# Migration 006 undone: the search vector of 005 with its first letters, the stored vectors
# recomputed with them (schema 5 as shipped).
_SCHEMA_5 = next(sql for n, _, sql in migrations("postgresql") if n == 5)
SCHEMA_6_UNDONE = (
    _SCHEMA_5[_SCHEMA_5.index("CREATE FUNCTION newsbot_first_letters(") :]
    + "UPDATE story_search t SET search = newsbot_search_vector(s.id, s.language, s.title, "
    "s.entity_names, s.summary) FROM stories s WHERE s.id = t.id; "
    "DELETE FROM newsbot_schema WHERE version >= 6"
)
# Migration 005 undone: the wider windows' tags made by the client again, the search vector
# as 003 made it.
_SCHEMA_3 = next(sql for n, _, sql in migrations("postgresql") if n == 3)
SCHEMA_5_UNDONE = (
    _SCHEMA_3[
        _SCHEMA_3.index("CREATE FUNCTION newsbot_search_vector(") : _SCHEMA_3.index("$$;\n") + 4
    ].replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION")
    + "DROP FUNCTION newsbot_first_letters(tsvector); "
    "DROP FUNCTION newsbot_window_tags(bigint, bigint); "
    "DELETE FROM newsbot_schema WHERE version >= 5"
)
# Migration 004 undone: the vectors back in stories' generated column (schema 3 as shipped).
SCHEMA_4_UNDONE = (
    "DROP TRIGGER story_search_insert ON stories; DROP FUNCTION story_search_inserted(); "
    "DROP TABLE story_search; ALTER TABLE stories ADD COLUMN search tsvector NOT NULL "
    "GENERATED ALWAYS AS (newsbot_search_vector(id, language, title, entity_names, summary)) "
    "STORED; CREATE INDEX stories_search ON stories USING gin (search) "
    "WITH (gin_pending_list_limit = 1024); DELETE FROM newsbot_schema WHERE version >= 4"
)


async def two_stories_at_an_older_schema(pg_target: str, *undo: str) -> tuple[list[int], Any]:
    """Two stories stored at the current schema, then the `undo` scripts run (newest
    migration first) to take the database back to an older one, as it was shipped; returns
    their ids and a connection to the database (the caller closes it)."""
    old = await Store.open(pg_target)
    try:
        ids = await old.write_stories(
            [draft(1, "Lithium deal with Bolivia"), draft(2, "Copper prices rise")], []
        )
    finally:
        await old.close()
    conn = await asyncpg.connect(pg_target.split("?")[0], server_settings={
        "search_path": pg_target.split("search_path=")[1]})  # fmt: skip
    for script in undo:
        await conn.execute(script)
    return ids, conn


async def test_a_database_at_schema_2_migrates_its_search_column(pg_target: str) -> None:
    """Stories written by the schema-2 trigger are found, tagged and revised after 003."""
    # back to schema 2 as it was shipped: its trigger kept the search column
    ids, conn = await two_stories_at_an_older_schema(
        pg_target,
        SCHEMA_6_UNDONE,
        SCHEMA_5_UNDONE,
        SCHEMA_4_UNDONE,
        "DROP INDEX stories_search; ALTER TABLE stories DROP COLUMN search; "
        "DROP FUNCTION newsbot_search_vector(bigint, text, text, text, text); "
        "DELETE FROM newsbot_schema WHERE version >= 3",
    )
    try:
        schema_1 = next(sql for n, _, sql in migrations("postgresql") if n == 1)
        start = schema_1.index("CREATE FUNCTION stories_search_vector()")
        end = schema_1.index("CREATE TABLE story_entities")
        await conn.execute(
            "ALTER TABLE stories ADD COLUMN search tsvector NOT NULL DEFAULT ''::tsvector; "
            "CREATE INDEX stories_search ON stories USING gin (search); "
            + schema_1[start:end]
            + "ALTER TABLE story_entities ADD FOREIGN KEY (story_id) REFERENCES stories(id) "
            "ON DELETE CASCADE; UPDATE stories SET title = title"
        )
        assert await conn.fetchval("SELECT count(*) FROM stories WHERE search @@ 'lithium'") == 1
    finally:
        await conn.close()
    store = await Store.open(pg_target)
    try:
        assert store.applied_migrations == [3, 4, 5, 6]
        assert [h.story.id for h in await store.search("lithium")] == [ids[0]]
        (hit,) = await store.search("copper")
        assert hit.story.id == ids[1] and "[Copper]" in hit.snippet
        # a revision recomputes the vector: the new words are found, the old ones are not
        revised = replace(draft(1, "Lithium deal with Chile"), existing_id=ids[0])
        await store.write_stories([], [revised])
        assert [h.story.id for h in await store.search("chile")] == [ids[0]]
        assert await store.search("bolivia") == []
        tags = await store._fetchall("SELECT id FROM story_search WHERE search @@ '''#0:0'''")
        assert sorted(r[0] for r in tags) == ids
    finally:
        await store.close()


async def test_a_database_at_schema_3_moves_its_vectors_to_the_search_table(
    pg_target: str,
) -> None:
    """Stories of schema 3 (the generated column) are found and revised after 004, and a
    story stored after it gets its vector from the INSERT's trigger."""
    ids, conn = await two_stories_at_an_older_schema(
        pg_target, SCHEMA_6_UNDONE, SCHEMA_5_UNDONE, SCHEMA_4_UNDONE
    )
    try:
        assert await conn.fetchval("SELECT count(*) FROM stories WHERE search @@ 'lithium'") == 1
    finally:
        await conn.close()
    store = await Store.open(pg_target)
    try:
        assert store.applied_migrations == [4, 5, 6]
        column = await store._fetchall(
            "SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() "
            "AND table_name = 'stories' AND column_name = 'search'"
        )
        assert column == []
        assert [h.story.id for h in await store.search("lithium")] == [ids[0]]
        (hit,) = await store.search("copper")
        assert hit.story.id == ids[1] and "[Copper]" in hit.snippet
        (new,) = await store.write_stories([draft(3, "Nickel mine opens in Bolivia")], [])
        assert [h.story.id for h in await store.search("nickel")] == [new]
        assert sorted(h.story.id for h in await store.search("bolivia")) == [ids[0], new]
        revised = replace(draft(1, "Lithium deal with Chile"), existing_id=ids[0])
        await store.write_stories([], [revised])
        assert [h.story.id for h in await store.search("chile")] == [ids[0]]
        assert [h.story.id for h in await store.search("bolivia")] == [new]
        counts = await store._fetchone(
            "SELECT (SELECT count(*) FROM stories), (SELECT count(*) FROM story_search)"
        )
        assert counts is not None and tuple(counts) == (3, 3)
    finally:
        await store.close()


async def test_a_database_at_schema_5_loses_the_first_letters_and_finds_prefixes(
    pg_target: str,
) -> None:
    """After 006 the stored vectors hold their words and id-range tags but no first-letter
    entries ('~lith'), are the vectors a new write makes, and prefixes still find them in
    the first window (tested one by one) and in the wider ones."""
    ids, conn = await two_stories_at_an_older_schema(pg_target, SCHEMA_6_UNDONE)
    try:
        letters = "SELECT count(*) FROM story_search WHERE search @@ '''~lith'''::tsquery"
        assert await conn.fetchval(letters) == 1
    finally:
        await conn.close()
    store = await Store.open(pg_target)
    try:
        assert store.applied_migrations == [6]
        rows = await store._fetchall(
            "SELECT t.id, t.search = newsbot_search_vector(s.id, s.language, s.title, "
            "s.entity_names, s.summary) AS same, t.search::text AS search FROM story_search t "
            "JOIN stories s ON s.id = t.id ORDER BY t.id"
        )
        assert [r["id"] for r in rows] == ids and all(r["same"] for r in rows)
        assert all("'~" not in r["search"] and "'#0:0'" in r["search"] for r in rows)
        assert "'lithium':1A" in rows[0]["search"]
        for prefix in ("lith*", "lithi*", "li*", "copp*"):
            hits = await store.search(prefix)
            assert [h.story.id for h in hits] == [ids[0] if prefix[0] == "l" else ids[1]]
        assert await store.search("lithx*") == []
        # the GIN index was made again on the new table: a word is found through it
        found = await store._fetchall("SELECT id FROM story_search WHERE search @@ 'copper'")
        assert [r[0] for r in found] == [ids[1]]
    finally:
        await store.close()
