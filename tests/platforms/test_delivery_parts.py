"""A message is the unit of delivery (issue #15), end to end: feed text makes alerts that need
two Telegram messages each; the real python-telegram-bot client sends them to the Bot API fake,
which answers 429 with retry_after when a private chat gets more than one message a second.

Asserted by counting what the fake received: each part delivered exactly once, a retry sends
only the parts not yet delivered, nothing is sent after the bound, and the row given up is
`dead` with its reason, as `newsbot status` shows it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.alerts.outbox import Dispatcher
from bot.alerts.ratelimit import Limiter, RateLimits
from bot.app import Pipeline
from bot.cli import main
from bot.platforms.discord_app import DiscordSink, build_client, configure_endpoints
from bot.platforms.telegram_app import LIMITS, TelegramSink, build_application, is_group
from tests.fakes.discord_api import FakeDiscord
from tests.fakes.feed_server import FeedServer
from tests.fakes.telegram_api import FakeTelegram
from tests.platforms.bot_api_html import check_message

PRIVATE = 555  # a private chat: the fake allows it one message a second
ITEMS = 2


def long_feed(count: int, link: int = 1800) -> bytes:
    """Items whose escaped alert passes 4,096 characters from feed text alone: a headline of
    240 `&`, a summary of 330 `"` and a link of 1.8 kB (issue #15's measurements)."""
    items = "".join(
        f"<item><guid>long-{n}</guid><title>{'&amp;' * 240} {n}</title>"
        f"<link>https://long.example/{n}/{'a' * link}</link>"
        f"<description>{'&quot;' * 330} {n}</description></item>"
        for n in range(count)
    )
    return (
        f"<?xml version='1.0'?><rss version='2.0'><channel><title>Long</title>{items}"
        "</channel></rss>"
    ).encode()


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as fake:
        yield fake


@contextlib.asynccontextmanager
async def stored_alerts(
    tmp_path: Path,
    count: int = ITEMS,
    mode: str = "instant",
    platform: str = "telegram",
    chat: str = str(PRIVATE),
    link: int = 1800,
) -> AsyncIterator[Pipeline]:
    """A pipeline whose outbox holds `count` long alerts for the private chat (held for a
    digest when `mode` is hourly or daily)."""
    with FeedServer() as server:
        server.put("/long.xml", long_feed(0))
        feeds = tmp_path / "feeds.yaml"
        feeds.write_text(
            "fetch:\n  allow: [127.0.0.0/8]\n"
            f"feeds:\n  - id: long\n    url: {server.url('/long.xml')}\n"
            f"subscriptions:\n  - platform: {platform}\n    chat: '{chat}'\n"
            f"    mode: {mode}\n"
        )
        async with await Pipeline.open(str(tmp_path / "db"), str(feeds), use_pool=False) as p:
            await p.poller.poll_once()  # the first poll records without alerting
            server.put("/long.xml", long_feed(count, link))
            await p.poller.poll_once()
            assert (await p.store.outbox_counts())[
                "pending" if mode == "instant" else "held"
            ] == count
            yield p


@contextlib.asynccontextmanager
async def dispatcher(
    p: Pipeline, tg: FakeTelegram, limits: RateLimits = LIMITS, **bounds: Any
) -> AsyncIterator[Dispatcher]:
    app = build_application(tg.token, tg.url)
    await app.initialize()
    try:
        yield Dispatcher(p.store, TelegramSink(app.bot), Limiter(limits, is_group), **bounds)
    finally:
        await app.shutdown()


async def drain_until_settled(p: Pipeline, d: Dispatcher, within: float = 30.0) -> None:
    """Drain (retries come due later) until no row is pending or sending; bounded."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        await d.drain(within=deadline - time.monotonic())
        counts = await p.store.outbox_counts()
        if counts["pending"] == counts["sending"] == 0:
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"outbox not settled: {await p.store.outbox_counts()}")


async def rows(p: Pipeline) -> list[tuple[int, str]]:
    return [
        (d.row_id, d.state)
        for story in await p.store.latest(20)
        for d in await p.store.deliveries(story.id)
    ]


async def stored_texts(p: Pipeline, row_id: int) -> list[tuple[str, str | None]]:
    return [(json.loads(body)["text"], mid) for body, mid in await p.store.outbox_parts(row_id)]


def sends_to(tg: FakeTelegram, chat: int) -> list[dict[str, Any]]:
    """Every sendMessage request the fake received for `chat`, answered or refused."""
    return [
        c
        for c in tg.calls
        if c["method"] == "sendMessage" and str(c["params"].get("chat_id")) == str(chat)
    ]


async def test_split_alerts_are_paced_per_message_and_each_part_arrives_once(
    tmp_path: Path, tg: FakeTelegram
) -> None:
    async with stored_alerts(tmp_path) as p, dispatcher(p, tg) as d:
        started = time.monotonic()
        await drain_until_settled(p, d)
        elapsed = time.monotonic() - started
        delivered = [m["text"] for m in tg.messages_to(PRIVATE)]
        parts = [await stored_texts(p, row_id) for row_id, _ in await rows(p)]
        states = {state for _, state in await rows(p)}

    assert all(len(row) == 2 for row in parts)  # every alert needed two messages
    expected = [text for row in parts for text, _ in row]
    assert sorted(delivered) == sorted(expected)  # each part exactly once
    assert len(set(delivered)) == len(delivered) == 2 * ITEMS
    assert tg.throttled == 0  # paced per message: the fake never had to answer 429
    assert elapsed >= (2 * ITEMS - 1) * 1.0  # one message a second to a private chat
    assert all(mid is not None for row in parts for _, mid in row)
    assert states == {"sent"}
    for text in delivered:
        check_message(text)


async def test_a_429_on_part_two_resends_only_part_two(tmp_path: Path, tg: FakeTelegram) -> None:
    # A limiter that lets both parts go at once (as the per-row limiter of #15 did): the fake
    # answers part 2 with 429 retry_after=1, and the retry must not repeat part 1.
    loose = RateLimits(overall_per_second=30, per_chat_per_second=10, per_group_per_minute=20)
    async with stored_alerts(tmp_path, count=1) as p, dispatcher(p, tg, loose) as d:
        await drain_until_settled(p, d)
        ((row_id, state),) = await rows(p)
        parts = await stored_texts(p, row_id)

    attempts = sends_to(tg, PRIVATE)
    refused = [c for c in attempts if c["status"] == 429]
    assert len(refused) >= 1 and tg.throttled == len(refused)
    delivered = [m["text"] for m in tg.messages_to(PRIVATE)]
    assert delivered == [text for text, _ in parts]  # part 1 once, then part 2 once
    assert len(attempts) == len(parts) + len(refused)  # nothing sent but the missing part
    assert state == "sent"


async def test_a_chat_that_always_answers_429_gives_up_at_the_bound(
    tmp_path: Path, tg: FakeTelegram, capsys: pytest.CaptureFixture[str]
) -> None:
    tg.fail_chat(PRIVATE, "flood", retry_after=1)  # every send to the chat: 429
    async with stored_alerts(tmp_path, count=1) as p:
        async with dispatcher(p, tg, max_attempts=3) as d:
            await drain_until_settled(p, d, within=20)
            for _ in range(3):  # later drains send nothing more
                await d.drain(within=1)
        dead = await p.store.dead_items()
        db = str(tmp_path / "db")

    assert len(sends_to(tg, PRIVATE)) == 3  # three tries, nothing after the bound
    assert tg.messages_to(PRIVATE) == []
    ((item),) = dead
    assert item.attempts == 3 and item.chat == str(PRIVATE)
    assert item.reason.startswith("gave up after 3 tries: Telegram: ")
    assert "retry after 1" in item.reason.lower() or "flood" in item.reason.lower()

    capsys.readouterr()
    assert await asyncio.to_thread(main, ["status", "--db", db]) == 0
    shown = capsys.readouterr().out
    assert "1 given up" in shown and "gave up after 3 tries" in shown and str(PRIVATE) in shown


async def test_a_retry_that_would_pass_the_time_bound_gives_up_at_once(
    tmp_path: Path, tg: FakeTelegram
) -> None:
    tg.fail_chat(PRIVATE, "flood", retry_after=30)
    async with stored_alerts(tmp_path, count=1) as p:
        async with dispatcher(p, tg, give_up_after=10.0) as d:
            await drain_until_settled(p, d, within=10)
        (item,) = await p.store.dead_items()
    assert len(sends_to(tg, PRIVATE)) == 1  # retry_after=30 passes the 10 s bound
    assert item.reason.startswith("gave up after ") and " s: Telegram: " in item.reason


async def test_a_digest_in_two_messages_settles_each_story_with_its_message(
    tmp_path: Path, tg: FakeTelegram
) -> None:
    loose = RateLimits(overall_per_second=30, per_chat_per_second=10, per_group_per_minute=20)
    async with stored_alerts(tmp_path, count=2, mode="hourly") as p:
        held = [row_id for row_id, state in await rows(p) if state == "held"]
        await p.store.mark_retry(held, time.time() - 1, "", "held")  # the hour has come
        async with dispatcher(p, tg, loose) as d:
            for _ in range(40):  # the 429 holds the chat for retry_after, then the rest goes
                await d.drain(within=2)
                if (await p.store.outbox_counts())["held"] == 0:
                    break
                await asyncio.sleep(0.2)
        states = [state for _, state in await rows(p)]
        deliveries = [
            d for story in await p.store.latest(5) for d in await p.store.deliveries(story.id)
        ]

    refused = [c for c in sends_to(tg, PRIVATE) if c["status"] == 429]
    delivered = [m["text"] for m in tg.messages_to(PRIVATE)]
    assert len(refused) >= 1  # the second message went at once and met the fake's 429
    assert len(delivered) == 2 and delivered[0].startswith("🗞 <b>Digest</b>: 2 stories")
    assert len(set(delivered)) == 2  # the first message was not sent again
    assert states == ["sent", "sent"]
    assert len({d.message_id for d in deliveries}) == 2  # each story settled by its message
    for text in delivered:
        check_message(text)


async def test_discord_gets_a_valid_embed_for_a_5_kb_link(tmp_path: Path) -> None:
    """Issue #15 measured a 5,019-character embed url: it is left out and shown shortened."""
    async with FakeDiscord() as dc:
        channel = str(dc.news_channel_id)
        async with stored_alerts(tmp_path, 1, platform="discord", chat=channel, link=5000) as p:
            configure_endpoints(dc.api_url, dc.gateway_url)
            client = build_client()
            await client.login("token")
            sink = DiscordSink(client)
            try:
                d = Dispatcher(p.store, sink, Limiter(RateLimits(45, 5, 600)))
                await drain_until_settled(p, d)
            finally:
                await sink.close()
                await client.close()
            states = [state for _, state in await rows(p)]
        (message,) = dc.messages_in(dc.news_channel_id)
    embed = message.embed
    assert states == ["sent"]
    assert "url" not in embed  # over 2048: not sent as the embed's link
    assert "long.example/0/aaa" in embed["description"] and "…" in embed["description"]
    assert len(embed["title"]) <= 256 and len(embed["description"]) <= 4096
