"""Delivery to Telegram and Discord: the real python-telegram-bot and discord.py clients talk to
local fakes of the Bot API and of Discord's REST API; feeds come from a local HTTP server.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.alerts.outbox import Dispatcher
from bot.alerts.ratelimit import Limiter, RateLimits
from bot.app import Pipeline
from bot.platforms.discord_app import DiscordSink, build_client, configure_endpoints
from bot.platforms.telegram_app import LIMITS, TelegramSink, build_application, is_group
from tests.fakes.discord_api import FakeDiscord
from tests.fakes.feed_server import FeedServer
from tests.fakes.telegram_api import FakeTelegram

FEEDS = Path(__file__).resolve().parents[1] / "data" / "feeds"
TG_CHAT = -1001234567890
TG_PRIVATE = 555


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with FeedServer() as running:
        yield running


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as fake:
        yield fake


@pytest.fixture
async def dc() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord() as fake:
        yield fake


def without_items(raw: bytes) -> bytes:
    return re.sub(rb"<item>.*</item>", b"", raw, flags=re.S)


def hostile_feed() -> bytes:
    """A title whose text (after feedparser and HTML-to-text) literally reads
    `<b>Alert</b></a> @everyone <@&123> **now** [x](http://e.vil)`."""
    title = (
        "&lt;b&gt;Alert&lt;/b&gt;&lt;/a&gt; @everyone &lt;@&amp;123&gt; **now** [x](http://e.vil)"
    )
    return (
        "<?xml version='1.0'?><rss version='2.0'><channel><title>H</title><item>"
        f"<guid>h1</guid><title><![CDATA[{title}]]></title>"
        "<link>https://hostile.example/a</link>"
        f"<description><![CDATA[{title}]]></description></item></channel></rss>"
    ).encode()


def feeds_file(tmp_path: Path, server: FeedServer, subs: str) -> Path:
    path = tmp_path / "feeds.yaml"
    path.write_text(
        "fetch:\n  allow: [127.0.0.0/8]\n"
        "outlets:\n  - id: wsj\n    name: The Wall Street Journal\n    domains: [wsj.com]\n"
        "  - id: radiohc\n    name: Radio Habana Cuba\n    domains: [radiohc.cu]\n"
        f"feeds:\n  - id: wsj-world\n    url: {server.url('/wsj.xml')}\n    outlet: wsj\n"
        f"  - id: rhc\n    url: {server.url('/rhc.xml')}\n    outlet: radiohc\n"
        f"  - id: hostile\n    url: {server.url('/hostile.xml')}\n"
        f"subscriptions:\n{subs}"
    )
    return path


@contextlib.asynccontextmanager
async def senders(
    p: Pipeline, tg: FakeTelegram | None = None, dc: FakeDiscord | None = None
) -> AsyncIterator[tuple[Dispatcher | None, Dispatcher | None]]:
    """Dispatchers with the real clients pointed at the fakes, closed again afterwards."""
    closers: list[Any] = []
    telegram = discord_ = None
    try:
        if tg is not None:
            app = build_application(tg.token, tg.url)
            await app.initialize()
            closers.append(app.shutdown)
            telegram = Dispatcher(p.store, TelegramSink(app.bot), Limiter(LIMITS, is_group))
        if dc is not None:
            configure_endpoints(dc.api_url, dc.gateway_url)
            client = build_client()
            closers.append(client.close)
            await client.login("token")
            sink = DiscordSink(client)
            closers.append(sink.close)
            discord_ = Dispatcher(p.store, sink, Limiter(RateLimits(45, 5, 600)))
        yield telegram, discord_
    finally:
        for close in reversed(closers):
            await close()


@contextlib.asynccontextmanager
async def baseline(server: FeedServer, tmp_path: Path, subs: str) -> AsyncIterator[Pipeline]:
    """A pipeline over the three feeds, served empty and polled once: the first poll of a feed
    records without alerting, so the tests' items arrive as new stories afterwards."""
    server.put("/wsj.xml", without_items((FEEDS / "wsj_sample.xml").read_bytes()))
    server.put("/rhc.xml", without_items((FEEDS / "radiohc_seed.xml").read_bytes()))
    server.put("/hostile.xml", without_items(hostile_feed()))
    feeds = feeds_file(tmp_path, server, subs)
    async with await Pipeline.open(str(tmp_path / "db"), str(feeds), use_pool=False) as p:
        await p.poller.poll_once()
        yield p


async def test_seed_story_reaches_telegram_and_discord_with_context(
    server: FeedServer, tmp_path: Path, tg: FakeTelegram, dc: FakeDiscord
) -> None:
    async with baseline(
        server,
        tmp_path,
        f"  - platform: telegram\n    chat: '{TG_CHAT}'\n"
        f"  - platform: discord\n    chat: '{dc.news_channel_id}'\n",
    ) as p:
        server.put("/rhc.xml", (FEEDS / "radiohc_seed.xml").read_bytes())
        server.put("/hostile.xml", hostile_feed())
        await p.poller.poll_once()
        async with senders(p, tg, dc) as (telegram, discord_):
            assert telegram is not None and discord_ is not None
            await asyncio.gather(telegram.drain(), discord_.drain())

    sent = tg.messages_to(TG_CHAT)
    assert len(sent) == 2
    seed = next(m for m in tg.sent if "Russia rejects reports" in m.get("text", ""))
    assert seed["parse_mode"] == "HTML"
    assert "Radio Habana Cuba · Cuba · state-controlled (ICRT)" in seed["text"]
    assert "⚠️ <b>Denial</b>" in seed["text"]
    assert "The Wall Street Journal&#x27;s report is untrue" in seed["text"]
    hostile = next(m for m in tg.sent if "hostile.example" in m.get("text", ""))
    assert "&lt;b&gt;Alert&lt;/b&gt;&lt;/a&gt;" in hostile["text"]

    messages = dc.messages_in(dc.news_channel_id)
    assert len(messages) == 2
    embeds = {m.embed["title"][:20]: m for m in messages if m.embed}
    seed_msg = embeds["Russia rejects repor"]
    fields = {f["name"]: f["value"] for f in seed_msg.embed["fields"]}
    assert fields["Outlet"] == "Radio Habana Cuba · Cuba · state-controlled (ICRT)"
    assert "The Wall Street Journal's report is untrue" in fields["⚠️ Denial"]
    for message in messages:
        assert message.allowed_mentions == {"parse": []}
        assert not message.pings_everyone and not message.pinged_user_ids
    hostile_msg = next(m for m in messages if "hostile.example" in str(m.embed))
    assert "@everyone" not in str(hostile_msg.embed) and "<@&123>" not in str(hostile_msg.embed)


async def test_429_is_honoured_and_403_deactivates_with_reason(
    server: FeedServer, tmp_path: Path, tg: FakeTelegram
) -> None:
    tg.fail_chat(TG_CHAT, "flood", retry_after=1, times=1)
    tg.fail_chat(TG_PRIVATE, "blocked")
    async with baseline(
        server,
        tmp_path,
        f"  - platform: telegram\n    chat: '{TG_CHAT}'\n"
        f"  - platform: telegram\n    chat: '{TG_PRIVATE}'\n",
    ) as p:
        server.put("/wsj.xml", (FEEDS / "wsj_sample.xml").read_bytes())
        await p.poller.poll_once()
        started = time.monotonic()
        async with senders(p, tg) as (dispatcher, _):
            assert dispatcher is not None
            for _ in range(40):
                await dispatcher.drain()
                if len(tg.messages_to(TG_CHAT)) == 2:
                    break
                await asyncio.sleep(0.1)
        assert time.monotonic() - started >= 1.0  # waited retry_after
        assert len(tg.messages_to(TG_CHAT)) == 2  # nothing lost, nothing doubled
        blocked = await p.store.subscription("telegram", str(TG_PRIVATE))
        assert blocked is not None and not blocked.active
        assert "blocked" in (blocked.deactivated_reason or "")
        assert (await p.store.outbox_counts())["pending"] == 0


async def test_migrated_chat_moves_the_subscription(
    server: FeedServer, tmp_path: Path, tg: FakeTelegram
) -> None:
    tg.fail_chat(-4242, "migrated", new_chat_id=TG_CHAT)
    async with baseline(server, tmp_path, "  - platform: telegram\n    chat: '-4242'\n") as p:
        server.put("/wsj.xml", (FEEDS / "wsj_sample.xml").read_bytes())
        await p.poller.poll_once()
        async with senders(p, tg) as (dispatcher, _):
            assert dispatcher is not None
            await dispatcher.drain()
            await dispatcher.drain()
        assert len(tg.messages_to(TG_CHAT)) == 2
        assert await p.store.subscription("telegram", str(TG_CHAT)) is not None


async def test_discord_outage_leaves_telegram_on_time(
    server: FeedServer, tmp_path: Path, tg: FakeTelegram, dc: FakeDiscord
) -> None:
    async with baseline(
        server,
        tmp_path,
        f"  - platform: telegram\n    chat: '{TG_CHAT}'\n"
        f"  - platform: discord\n    chat: '{dc.news_channel_id}'\n",
    ) as p:
        async with senders(p, tg, dc) as (telegram, discord_):
            assert telegram is not None and discord_ is not None
            dc.fail_channel(dc.news_channel_id, "slow", delay=8)  # Discord hangs for a while
            stop = asyncio.Event()
            tasks = [
                asyncio.create_task(telegram.run(stop, tick=0.05)),
                asyncio.create_task(discord_.run(stop, tick=0.05)),
            ]
            try:
                server.put("/wsj.xml", (FEEDS / "wsj_sample.xml").read_bytes())
                await p.poller.poll_once()
                telegram.wake()
                discord_.wake()
                await tg.wait_for_sent(2, timeout=6)
                assert dc.messages_in(dc.news_channel_id) == []  # Telegram did not wait
                await dc.wait_for(lambda: len(dc.messages_in(dc.news_channel_id)) == 2, timeout=20)
            finally:
                stop.set()
                await asyncio.gather(*tasks, return_exceptions=True)
        counts = await p.store.outbox_counts()
        assert counts["sent"] == 4 and counts["pending"] == 0  # Discord's rows waited, not lost


async def test_wsj_reader_gets_the_denial_as_a_reply_on_both_platforms(
    server: FeedServer, tmp_path: Path, tg: FakeTelegram, dc: FakeDiscord
) -> None:
    async with (
        baseline(
            server,
            tmp_path,
            f"  - platform: telegram\n    chat: '{TG_CHAT}'\n    feeds: [wsj-world]\n"
            f"  - platform: discord\n    chat: '{dc.news_channel_id}'\n"
            "    outlets: [wsj]\n",
        ) as p,
        senders(p, tg, dc) as (telegram, discord_),
    ):
        assert telegram is not None and discord_ is not None
        server.put("/wsj.xml", (FEEDS / "wsj_sample.xml").read_bytes())
        await p.poller.poll_once()
        await asyncio.gather(telegram.drain(), discord_.drain())
        report_tg = next(m for m in tg.messages_to(TG_CHAT) if "Rostec" in m["text"])
        report_dc = next(
            m for m in dc.messages_in(dc.news_channel_id) if "Rostec" in m.embed["title"]
        )
        server.put("/rhc.xml", (FEEDS / "radiohc_seed.xml").read_bytes())
        await p.poller.poll_once()
        await asyncio.gather(telegram.drain(), discord_.drain())
    follow_tg = tg.messages_to(TG_CHAT)[-1]
    assert follow_tg["text"].startswith("🔁 <b>Update on a story you received</b>")
    assert "The Wall Street Journal&#x27;s report is untrue" in follow_tg["text"]
    reply = follow_tg.get("reply_parameters") or {}
    assert int(reply.get("message_id", 0)) == report_tg["message_id"]
    follow_dc = dc.messages_in(dc.news_channel_id)[-1]
    assert "Update on a story you received" in follow_dc.embed["description"]
    assert int(follow_dc.message_reference["message_id"]) == report_dc.id


async def test_discord_subscription_with_a_webhook_delivers_through_it(
    server: FeedServer, tmp_path: Path, dc: FakeDiscord
) -> None:
    async with baseline(
        server,
        tmp_path,
        f"  - platform: discord\n    chat: '{dc.alerts_channel_id}'\n"
        f"    webhook: {dc.webhook.url}\n",
    ) as p:
        server.put("/rhc.xml", (FEEDS / "radiohc_seed.xml").read_bytes())
        await p.poller.poll_once()
        async with senders(p, dc=dc) as (_, dispatcher):
            assert dispatcher is not None
            await dispatcher.drain()
    (message,) = dc.webhook_messages
    assert message.embed is not None and message.embed["title"].startswith("Russia rejects")
    assert message.allowed_mentions == {"parse": []}
    assert not [m for m in dc.messages if m.via == "channel"]  # not through the bot API
