"""Three `newsbot run` workers on one PostgreSQL database (issue #17), as real processes.

500 local feeds and the Telegram Bot API fake. After a first poll, the workers share the
feeds (leases: no feed is fetched twice in its interval), store each story once, and one of
them — the holder of the `send-telegram` role — sends. It is SIGKILLed in the middle of the
fan-out, then the worker that took over is killed too; the third delivers the rest. Every
alert reaches every chat; the only duplicates allowed are the sends in flight at the kills.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from pathlib import Path

import asyncpg

from tests.fakes.feed_server import FeedServer
from tests.fakes.telegram_api import FakeTelegram

ROOT = Path(__file__).resolve().parents[2]
FEEDS = 500
CHATS = 20
NEW = 8  # new stories after the first poll, each alerted to every chat
WORKERS = 3


def rss(feed: int, items: int) -> bytes:
    body = "".join(
        f"<item><guid>f{feed}-{n}</guid><title>Feed {feed} story {n}</title>"
        f"<link>https://n{feed}.example/{n}</link><description>Said on day {n}.</description>"
        "</item>"
        for n in range(items)
    )
    return (
        f"<?xml version='1.0'?><rss version='2.0'><channel><title>F{feed}</title>{body}"
        "</channel></rss>"
    ).encode()


async def wait_for(check: Callable[[], Awaitable[bool]], within: float, what: str) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if await check():
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def sends(tg: FakeTelegram, at_least: int) -> Callable[[], Awaitable[bool]]:
    async def check() -> bool:
        return len(tg.sent_matching(method="sendMessage")) >= at_least

    return check


def rows(db: asyncpg.Connection, sql: str, expected: int) -> Callable[[], Awaitable[bool]]:
    async def check() -> bool:
        return int(await db.fetchval(sql)) == expected

    return check


async def test_three_workers_share_feeds_and_survive_two_sender_kills(
    tmp_path: Path, pg_target: str
) -> None:
    with FeedServer() as server, FakeTelegram.threaded() as tg:
        for n in range(FEEDS):
            server.put(f"/f{n}.xml", rss(n, 2))
        subs = "".join(f"  - platform: telegram\n    chat: '{-1000 - i}'\n" for i in range(CHATS))
        feeds = "".join(
            f"  - id: f{n}\n    url: {server.url(f'/f{n}.xml')}\n    interval: 1h\n"
            for n in range(FEEDS)
        )
        config = tmp_path / "feeds.yaml"
        config.write_text(f"fetch:\n  allow: [127.0.0.0/8]\nfeeds:\n{feeds}subscriptions:\n{subs}")
        env = {
            **os.environ,
            "NEWSBOT_DB": pg_target,
            "NEWSBOT_FEEDS": str(config),
            "TELEGRAM_BOT_TOKEN": tg.token,
            "TELEGRAM_API_URL": tg.url,
            "NO_PROXY": "127.0.0.1,localhost",
        }
        first = await asyncio.to_thread(
            subprocess.run,
            [sys.executable, "-m", "bot", "poll", "--once"],
            env=env, cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
        )  # fmt: skip
        assert first.returncode == 0, first.stderr[-2000:]
        db = await asyncpg.connect(pg_target)
        logs = [tmp_path / f"worker{i}.log" for i in range(WORKERS)]
        workers: list[asyncio.subprocess.Process] = []
        try:
            assert await db.fetchval("SELECT count(*) FROM stories") == 2 * FEEDS
            for log in logs:
                with log.open("ab") as out:
                    workers.append(
                        await asyncio.create_subprocess_exec(
                            sys.executable, "-m", "bot", "run",
                            env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
                        )
                    )  # fmt: skip
            await wait_for(rows(db, "SELECT count(*) FROM workers", WORKERS), 60, "3 workers")
            # New stories in NEW feeds; every feed is due now, so all three workers poll.
            for n in range(NEW):
                server.put(f"/f{n}.xml", rss(n, 3))
            before = Counter(server.requests)
            await db.execute("UPDATE feeds SET next_poll_at = $1", time.time())
            await wait_for(
                rows(db, "SELECT count(*) FROM stories", 2 * FEEDS + NEW), 120, "the new stories"
            )
            kills = []
            for target_sent in (CHATS * NEW // 4, CHATS * NEW // 2):
                await wait_for(sends(tg, target_sent), 120, f"{target_sent} sends")
                sender = await _holder(db, "send-telegram")
                victim = next(w for w in workers if w.pid == sender and w.returncode is None)
                in_flight = await _count(db, "SELECT count(*) FROM outbox WHERE state='sending'")
                victim.send_signal(signal.SIGKILL)
                await asyncio.wait_for(victim.wait(), 10)
                kills.append((time.monotonic(), len(tg.sent_matching(method="sendMessage"))))
                await db.execute("DELETE FROM workers WHERE pid = $1", sender)
                assert in_flight <= CHATS
            await wait_for(every_pair(tg), 120, "every alert")
            alerts = tg.sent_matching(method="sendMessage")
            per_pair = Counter((str(m["chat_id"]), _story_line(m["text"])) for m in alerts)
            assert len(per_pair) == CHATS * NEW
            duplicates = sum(n - 1 for n in per_pair.values())
            # only a request that had reached the API when its sender was killed repeats
            assert duplicates <= 2, per_pair.most_common(3)
            # each story stored once, whoever fetched it
            assert await db.fetchval("SELECT count(DISTINCT identity) FROM stories") == (
                await db.fetchval("SELECT count(*) FROM stories")
            )
            # no feed fetched by two workers in the same interval
            fetched = server.requests - before
            assert set(fetched) == {f"/f{n}.xml" for n in range(FEEDS)}
            assert max(fetched.values()) == 1, fetched.most_common(3)
            survivor = next(w for w in workers if w.returncode is None)
            # its heartbeat (every 5 s) says so once it has taken the role over
            await wait_for(holds(db, survivor.pid, "send-telegram"), 30, "the survivor's heartbeat")
            status = await asyncio.to_thread(
                subprocess.run,
                [sys.executable, "-m", "bot", "status", "--json"],
                env=env, cwd=ROOT, capture_output=True, text=True, timeout=60, check=False,
            )  # fmt: skip
            listed = json.loads(status.stdout)["workers"]
            assert any(w["pid"] == survivor.pid and "send-telegram" in w["roles"] for w in listed)
        finally:
            for worker in workers:
                if worker.returncode is None:
                    worker.send_signal(signal.SIGTERM)
            for worker in workers:
                try:
                    await asyncio.wait_for(worker.wait(), 20)
                except TimeoutError:
                    worker.kill()
                    await worker.wait()
            await db.close()


async def _count(db: asyncpg.Connection, sql: str) -> int:
    return int(await db.fetchval(sql))


async def _holder(db: asyncpg.Connection, role: str) -> int:
    """The pid of the worker whose heartbeat says it holds `role`."""
    for _ in range(100):
        rows = await db.fetch("SELECT pid, roles FROM workers ORDER BY heartbeat_at DESC")
        for row in rows:
            if role in json.loads(row["roles"]):
                return int(row["pid"])
        await asyncio.sleep(0.1)
    raise AssertionError(f"nobody holds {role}")


def holds(db: asyncpg.Connection, pid: int, role: str) -> Callable[[], Awaitable[bool]]:
    async def check() -> bool:
        roles = await db.fetchval("SELECT roles FROM workers WHERE pid = $1", pid)
        return roles is not None and role in json.loads(roles)

    return check


def every_pair(tg: FakeTelegram) -> Callable[[], Awaitable[bool]]:
    async def check() -> bool:
        sent = tg.sent_matching(method="sendMessage")
        return len({(m["chat_id"], _story_line(m["text"])) for m in sent}) >= CHATS * NEW

    return check


def _story_line(text: str) -> str:
    return next((line for line in text.splitlines() if "story" in line), text)
