"""Telegram command bindings: the REAL python-telegram-bot Application (built by
bot.platforms.telegram_app.build_application, polling with initialize/start/start_polling)
against tests/fakes/telegram_api.FakeTelegram, over a real Pipeline polled from local feeds.

Every handler error is recorded by an error handler and asserted absent; every wait is bounded.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

from aiohttp import web

from bot.alerts.ratelimit import Limiter
from bot.alerts.view import AlertView, StoryRef
from bot.app import Pipeline
from bot.ingest.fetch import Fetcher
from bot.platforms.telegram_app import build_application
from bot.platforms.telegram_render import telegram_chunks, tg_len
from bot.runner import UNLIMITED
from handlers.commands import SPECS, Commands
from handlers.opml import parse_opml
from handlers.reply import Reply, StoryGroup
from handlers.telegram_commands import install, register_commands
from tests.fakes.feed_server import FeedServer
from tests.fakes.telegram_api import FakeTelegram, parse_html
from tests.handlers import REPORT_TITLE, SEED_TITLE, opml, simple_feed

GROUP = -1001000000001
FORUM = -1001000000002
CHANNEL = -1001000000003
IMPORT_GROUP = -1001000000004
EXPORT_GROUP = -1001000000005
PRIVATE = 4242
ADMIN = 1001
T = TypeVar("T")
MEMBER = 2002


@dataclass
class Bot:
    app: Any
    tg: FakeTelegram
    errors: list[BaseException] = field(default_factory=list)


@contextlib.asynccontextmanager
async def running(tg: FakeTelegram, commands: Commands, **options: Any) -> AsyncIterator[Bot]:
    app = build_application(tg.token, tg.url)
    install(app, commands, **options)
    bot = Bot(app, tg)

    async def record(update: object, context: Any) -> None:
        bot.errors.append(context.error)

    app.add_error_handler(record)
    await app.initialize()
    await app.start()
    await app.updater.start_polling(poll_interval=0, timeout=1)
    try:
        yield bot
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
    assert bot.errors == []


def texts(tg: FakeTelegram, chat: int) -> list[str]:
    return [s["text"] for s in tg.sent_matching(chat_id=chat, method="sendMessage")]


async def answer(tg: FakeTelegram, chat: int, n: int) -> dict[str, Any]:
    """The n-th (1-based) message the bot sent to `chat`."""
    sent = await tg.wait_for_sent(n, chat_id=chat, method="sendMessage")
    return sent[n - 1]


async def until(predicate: Callable[[], T], within: float = 5.0) -> T:
    """Poll `predicate` until it returns something truthy (returned); bounded."""
    deadline = time.monotonic() + within
    while not (value := predicate()):
        assert time.monotonic() < deadline, f"condition not met within {within}s"
        await asyncio.sleep(0.01)
    return value


@contextlib.asynccontextmanager
async def hanging_feed(release: asyncio.Event) -> AsyncIterator[tuple[str, asyncio.Event]]:
    """A feed server on 127.0.0.1 that answers nothing until `release` is set (10 s at most,
    so the test stays bounded), then a feed; yields its URL and an event set once asked."""
    asked = asyncio.Event()

    async def hang(request: web.Request) -> web.Response:
        asked.set()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(release.wait(), 10)
        return web.Response(body=simple_feed("Slow Feed"), content_type="application/rss+xml")

    app = web.Application()
    app.router.add_get("/slow.xml", hang)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield f"http://127.0.0.1:{port}/slow.xml", asked
    finally:
        release.set()
        await runner.cleanup()


async def test_a_slow_addfeed_holds_up_no_other_chat_and_its_own_chat_keeps_order(
    tg: FakeTelegram, pipeline: tuple[Pipeline, FeedServer]
) -> None:
    p, _server = pipeline
    tg.set_member(GROUP, ADMIN, "administrator")
    release = asyncio.Event()
    before = len(await p.store.feeds())
    commands = Commands(p.store, p.registry, p.fetcher)
    async with hanging_feed(release) as (url, asked), running(tg, commands):
        tg.push_command(GROUP, MEMBER, "/lookup Rostec")
        lookup = await answer(tg, GROUP, 1)
        older = lookup["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
        tg.push_command(GROUP, ADMIN, f"/addfeed {url} Slow Outlet")
        tg.push_command(GROUP, ADMIN, "/feeds")  # must see the feed /addfeed is adding
        await asyncio.wait_for(asked.wait(), 5)  # the fetch is under way, and hangs
        sent_at = time.monotonic()
        tg.push_command(PRIVATE, PRIVATE, "/help")
        tg.push_command(FORUM, MEMBER, "/latest 1")
        tg.push_callback(GROUP, MEMBER, lookup["message_id"], older)  # the same chat's button
        helped = await answer(tg, PRIVATE, 1)
        latest = await answer(tg, FORUM, 1)
        [paged] = await tg.wait_for_sent(1, chat_id=GROUP, method="editMessageText")
        assert "/lookup ENTITY" in helped["text"] and "Latest 1 " in latest["text"]
        assert "page 2 of 2" in paged["text"]
        assert helped["time"] - sent_at < 2.0 and latest["time"] - sent_at < 2.0
        assert paged["time"] - sent_at < 3.0  # the chat's 1/s pacing after the lookup, plus 2 s
        assert len(texts(tg, GROUP)) == 1  # /feeds waits for the /addfeed before it
        release.set()
        _lookup, added, listed = await tg.wait_for_sent(3, chat_id=GROUP, method="sendMessage")
    assert "<b>Feed added</b>" in added["text"] and "Slow Feed" in added["text"]
    assert f"{before + 1} feeds" in listed["text"]


async def test_lookup_in_a_group_shows_the_denial_the_report_and_the_link(
    tg: FakeTelegram, pipeline: tuple[Pipeline, FeedServer]
) -> None:
    p, _server = pipeline
    async with running(tg, Commands(p.store, p.registry, p.fetcher)):
        tg.push_command(GROUP, MEMBER, "/lookup Rostec")
        first = await answer(tg, GROUP, 1)
        html = first["text"]
        assert first["parse_mode"] == "HTML"
        assert "Rostec: 8 stories, page 1 of 2" in html
        assert SEED_TITLE in html and REPORT_TITLE in html
        assert "Radio Habana Cuba · Cuba · state-controlled (ICRT)" in html
        assert "The Wall Street Journal&#x27;s report is untrue" in html
        # The link both ways: the denial names the report, the report names its denial.
        report_id = int(html.split("(The Wall Street Journal) · /story ")[1].split()[0])
        assert f"/story {report_id}" in html.split(REPORT_TITLE + "</a></b>")[1]
        assert "⚠️ <b>Denied by</b>" in html
        assert first["reply_parameters"]["message_id"] > 0  # quotes the command in a group
        button = first["reply_markup"]["inline_keyboard"][0][0]
        assert button["text"] == "Older ▶"
        assert re.fullmatch(r"lk:1:[\w-]{11}:Rostec", button["callback_data"])

        tg.push_command(GROUP, MEMBER, "/lookup Rostec", bot_username="newsbot_test")
        second = await answer(tg, GROUP, 2)
        assert "The Wall Street Journal&#x27;s report is untrue" in second["text"]

        older = second["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
        assert older == button["callback_data"]  # the same chat, the same signature
        tg.push_callback(GROUP, MEMBER, second["message_id"], older)
        edits = await tg.wait_for_sent(1, chat_id=GROUP, method="editMessageText")
        # answered once the page is shown (a press on a deleted message is answered instead)
        await tg.wait_for_sent(1, method="answerCallbackQuery")
        assert "page 2 of 2" in edits[0]["text"]
        assert "Titanium smelter" not in html and "Titanium smelter" in edits[0]["text"]
        back = edits[0]["reply_markup"]["inline_keyboard"][0][0]
        assert back["text"] == "◀ Newer"
        assert re.fullmatch(r"lk:0:[\w-]{11}:Rostec", back["callback_data"])
        assert tg.message(GROUP, second["message_id"])["text"].startswith("Rostec: 8 stories")

        # Forum topics: the answer goes to the topic the command came from; titles are inert.
        tg.add_chat(FORUM, "supergroup", is_forum=True)
        tg.push_command(FORUM, MEMBER, "/lookup Zanzibar", message_thread_id=77)
        topic = await answer(tg, FORUM, 1)
        assert topic["message_thread_id"] == 77
        assert "@everyone &lt;@&amp;123&gt; **x**" in topic["text"]
    assert tg.errors == []


async def test_help_unknown_commands_and_the_command_menu(
    tg: FakeTelegram, pipeline: tuple[Pipeline, FeedServer]
) -> None:
    p, _server = pipeline
    async with running(tg, Commands(p.store, p.registry, p.fetcher)) as bot:
        tg.push_command(GROUP, MEMBER, "/help")
        member_help = (await answer(tg, GROUP, 1))["text"]
        assert "/lookup ENTITY" in member_help and "/addfeed" not in member_help
        assert "Moderators also see" in member_help

        tg.push_command(PRIVATE, PRIVATE, "/help")
        own_chat_help = (await answer(tg, PRIVATE, 1))["text"]
        assert "/addfeed URL [OUTLET]" in own_chat_help  # moderator of their own chat

        # Telegram sends every command in a group to every bot there: an unknown one is
        # answered only when addressed to this bot, or in a private chat.
        tg.push_command(GROUP, MEMBER, "/frobnicate@someotherbot now")  # not ours: silence
        tg.push_command(GROUP, MEMBER, "/frobnicate now")  # perhaps another bot's: silence
        tg.add_chat(CHANNEL, "channel", title="Alerts")
        tg.push_command(CHANNEL, 0, "/frobnicate now")  # a channel post: the same
        tg.push_command(GROUP, MEMBER, "/frobnicate now", bot_username="newsbot_test")
        unknown = (await answer(tg, GROUP, 2))["text"]
        assert unknown == "Unknown command /frobnicate. Send /help for the list."
        tg.push_command(PRIVATE, PRIVATE, "/frobnicate now")
        assert (await answer(tg, PRIVATE, 2))["text"] == unknown
        tg.push_command(GROUP, MEMBER, "/start")  # answered after the silent ones (in order)
        assert "newsbot" in (await answer(tg, GROUP, 3))["text"]
        assert len(texts(tg, GROUP)) == 3
        assert texts(tg, CHANNEL) == []

        await register_commands(bot.app.bot)
        member = [c["command"] for c in tg.commands["default"]]
        admins = [c["command"] for c in tg.commands["all_chat_administrators"]]
        assert member == [s.name for s in SPECS if not s.moderator]
        assert admins == [s.name for s in SPECS]
        assert [c["command"] for c in tg.commands["all_private_chats"]] == admins
    assert tg.errors == []


async def test_members_are_refused_moderator_commands_and_nothing_changes(
    tg: FakeTelegram, pipeline: tuple[Pipeline, FeedServer]
) -> None:
    p, server = pipeline
    tg.set_member(GROUP, MEMBER, "member")
    before = await p.store.feeds()
    async with running(tg, Commands(p.store, p.registry, p.fetcher)):
        tg.push_command(GROUP, MEMBER, f"/addfeed {server.url('/new.xml')}")
        tg.push_command(GROUP, MEMBER, "/subscribe outlet wsj")
        tg.push_command(GROUP, MEMBER, "/pausefeed rhc")
        await tg.wait_for_sent(3, chat_id=GROUP, method="sendMessage")
    refusals = texts(tg, GROUP)
    for name, text in zip(("addfeed", "subscribe", "pausefeed"), refusals, strict=True):
        assert text.startswith(f"/{name} is for moderators: chat administrators on Telegram")
    assert await p.store.feeds() == before
    assert await p.store.subscription("telegram", str(GROUP)) is None
    assert await p.store.audit_log("telegram", str(GROUP)) == []
    assert tg.requests["getChatMember"] == 1  # cached for the next two commands
    assert server.requests["/new.xml"] == 0


async def test_administrators_subscribe_and_the_audit_log_shows_it(
    tg: FakeTelegram, pipeline: tuple[Pipeline, FeedServer]
) -> None:
    p, _server = pipeline
    tg.set_member(GROUP, ADMIN, "administrator")
    async with running(tg, Commands(p.store, p.registry, p.fetcher)):
        tg.push_command(GROUP, ADMIN, "/subscribe outlet wsj", username="ada")
        assert (await answer(tg, GROUP, 1))["text"] == "Subscribed to outlet &#x27;wsj&#x27;."
        tg.push_command(GROUP, ADMIN, "/subscriptions")
        assert "Receives: outlets: wsj — instant" in (await answer(tg, GROUP, 2))["text"]
        tg.push_command(GROUP, ADMIN, "/audit")
        audit = (await answer(tg, GROUP, 3))["text"]
        assert f"{ADMIN}: /subscribe outlet wsj" in audit

        # A channel post comes from the channel itself: only its administrators can post.
        tg.add_chat(CHANNEL, "channel", title="Alerts")
        tg.push_command(CHANNEL, 0, "/subscribe denials on", bot_username="newsbot_test")
        assert (await answer(tg, CHANNEL, 1))["text"] == "Only denials from now on."
    sub = await p.store.subscription("telegram", str(GROUP))
    assert sub is not None and list(sub.filters["outlets"]) == ["wsj"]
    rows = await p.store.audit_log("telegram", str(GROUP))
    assert [(r["actor"], r["action"], r["detail"]) for r in rows] == [
        ("1001", "audit", ""),  # reading the log is a moderator command too, so it is logged
        ("1001", "subscribe", "outlet wsj"),
    ]
    channel_sub = await p.store.subscription("telegram", str(CHANNEL))
    assert channel_sub is not None and channel_sub.denials_only
    assert tg.requests["getChatMember"] == 1


async def test_start_deep_links_open_the_subscribe_flow(
    tg: FakeTelegram, pipeline: tuple[Pipeline, FeedServer]
) -> None:
    """t.me/<bot>?start=outlet-wsj sends `/start outlet-wsj` in a private chat;
    ?startgroup=tag-… adds the bot to a group and sends `/start@bot tag-…` there."""
    p, _server = pipeline
    tg.set_member(GROUP, ADMIN, "administrator")
    async with running(tg, Commands(p.store, p.registry, p.fetcher)):
        tg.push_command(PRIVATE, PRIVATE, "/start outlet-wsj")
        private = (await answer(tg, PRIVATE, 1))["text"]
        assert "Subscribed to outlet &#x27;wsj&#x27;." in private and "/subscriptions" in private
        tg.push_command(GROUP, ADMIN, "/start subscribe", bot_username="newsbot_test")
        assert "This chat now receives every new story." in (await answer(tg, GROUP, 1))["text"]
        tg.push_command(GROUP, MEMBER, "/start denials", bot_username="newsbot_test")
        refused = (await answer(tg, GROUP, 2))["text"]
        assert refused.startswith("/subscribe is for moderators")
        tg.push_command(GROUP, ADMIN, "/start outlet-nosuchoutlet", bot_username="newsbot_test")
        assert (await answer(tg, GROUP, 3))[
            "text"
        ] == "No outlet known for &#x27;nosuchoutlet&#x27;."
        tg.push_command(GROUP, ADMIN, "/start something-else", bot_username="newsbot_test")
        plain = (await answer(tg, GROUP, 4))["text"]
        assert "Try /lookup Rostec" in plain and "Subscribed" not in plain
    mine = await p.store.subscription("telegram", str(PRIVATE))
    assert mine is not None and list(mine.filters["outlets"]) == ["wsj"]
    group = await p.store.subscription("telegram", str(GROUP))
    assert group is not None and not any(group.filters.values()) and not group.denials_only
    actions = [r["action"] for r in await p.store.audit_log("telegram", str(GROUP))]
    assert actions == ["subscribe"]  # the deep link is audited as the /subscribe it runs


async def test_addfeed_refuses_private_addresses_without_an_allow_list(
    tg: FakeTelegram, pipeline: tuple[Pipeline, FeedServer]
) -> None:
    p, server = pipeline
    server.put("/new.xml", simple_feed("Brand New Feed"))
    tg.set_member(GROUP, ADMIN, "creator")
    before = await p.store.feeds()
    async with Fetcher() as strict, running(tg, Commands(p.store, p.registry, strict)):
        tg.push_command(GROUP, ADMIN, f"/addfeed {server.url('/new.xml')}")
        loopback = (await answer(tg, GROUP, 1))["text"]
        tg.push_command(GROUP, ADMIN, "/addfeed http://169.254.169.254/latest/meta-data/")
        metadata = (await answer(tg, GROUP, 2))["text"]
    assert loopback.startswith("Could not add the feed") and "loopback" in loopback
    assert metadata.startswith("Could not add the feed") and "link-local" in metadata
    assert server.requests["/new.xml"] == 0
    assert await p.store.feeds() == before

    async with running(tg, Commands(p.store, p.registry, p.fetcher)):  # tests' allow-list
        tg.push_command(GROUP, ADMIN, f"/addfeed {server.url('/new.xml')} New Outlet")
        added = (await answer(tg, GROUP, 3))["text"]
    assert "<b>Feed added</b>" in added and "Brand New Feed" in added
    assert "• Brand New Feed item 1" in added and "3 items now" in added
    assert len(await p.store.feeds()) == len(before) + 1
    assert tg.errors == []


async def test_opml_import_export_and_progress(
    tg: FakeTelegram, pipeline: tuple[Pipeline, FeedServer]
) -> None:
    p, _server = pipeline
    for chat in (GROUP, IMPORT_GROUP, EXPORT_GROUP):
        tg.set_member(chat, ADMIN, "administrator")
        tg.set_member(chat, MEMBER, "member")
    start = len(await p.store.feeds())
    commands = Commands(p.store, p.registry, p.fetcher)
    # Progress edits skip a chat whose send window is not open yet (1 s after the progress
    # message at Telegram's limits); a 5,000-feed import can finish inside that second on a
    # quiet machine, so this test lifts the limits to see the edits every time.
    async with running(tg, commands, progress_interval=0.0, limiter=Limiter(UNLIMITED)):
        tg.push_document(GROUP, MEMBER, "x.opml", opml(3), caption="/import")
        refused = (await answer(tg, GROUP, 1))["text"]
        assert refused.startswith("/import is for moderators")
        assert tg.requests["<download>"] == 0  # refused before downloading

        tg.push_document(
            GROUP, ADMIN, "bad.opml", b"<opml><body><outline xmlUrl=", caption="/import"
        )
        bad = (await answer(tg, GROUP, 2))["text"]
        assert bad.startswith("Nothing imported: not valid XML at line 1")
        assert len(await p.store.feeds()) == start

        document = tg.push_document(GROUP, ADMIN, "three.opml", opml(3, start=90_000))
        tg.push_text(
            GROUP,
            ADMIN,
            "/import",
            reply_to_message_id=document["message"]["message_id"],
            entities=[{"type": "bot_command", "offset": 0, "length": 7}],
        )
        assert "Imported 3 feeds." in (await answer(tg, GROUP, 3))["text"]

        tg.push_document(
            IMPORT_GROUP, ADMIN, "big.opml", opml(5000), caption="/import@newsbot_test"
        )
        progress = await answer(tg, IMPORT_GROUP, 1)
        assert progress["text"] == "Importing feeds…"
        edits = await until(
            lambda: (
                [
                    e
                    for e in tg.sent_matching(chat_id=IMPORT_GROUP, method="editMessageText")
                    if "Imported" in e["text"]
                ]
                and tg.sent_matching(chat_id=IMPORT_GROUP, method="editMessageText")
            ),
            within=15,
        )
        assert all(e["message_id"] == progress["message_id"] for e in edits)
        assert any(e["text"].startswith("Importing feeds: ") for e in edits[:-1])
        assert "Imported 5000 feeds." in edits[-1]["text"]
        assert len(await p.store.feeds()) == start + 3 + 5000

        tg.push_command(EXPORT_GROUP, ADMIN, "/export")
        [export] = await tg.wait_for_sent(1, chat_id=EXPORT_GROUP, method="sendDocument")
    assert export["filename"] == "newsbot-feeds.opml"
    assert export["caption"] == f"{start + 5003} feeds."
    exported = {item.url for item in parse_opml(export["data"])}
    assert exported == {f.url for f in await p.store.feeds()}
    assert tg.errors == []


def test_long_replies_split_into_valid_html_within_telegram_limits() -> None:
    """Many stories with long, hostile, astral-plane text: every chunk parses as Telegram HTML
    (the fake's validator), stays within 4096 UTF-16 units and 100 entities, and nothing is
    lost between chunks."""
    hostile = "</a><b>@everyone 🚀🚀 &amp; " * 40
    views = [
        AlertView(
            story_id=n,
            kind="alert",
            headline=f"Story {n} {hostile}"[:250],
            url=f"https://example.com/{n}?a=1&b=<2>",
            outlet_name="Outlet <x>",
            outlet_line="Outlet <x> · Nowhere",
            published=datetime(2024, 1, n % 28 + 1, tzinfo=UTC),
            summary=hostile[:320],
            denial=f"Someone says report {n} is untrue.",
            denied_report=StoryRef(n + 100, hostile[:200], "https://r.example/x", "R & Co"),
            denied_by=tuple(StoryRef(k, f"Later {k}", None, None) for k in range(5)),
            hedges=(hostile[:200],),
        )
        for n in range(1, 31)
    ]
    huge_link = AlertView(
        31, "alert", "Huge link", "https://e.com/" + "a" * 5000, None, None, None, ""
    )
    views.append(huge_link)  # its link is too long to send: shown shortened, as text
    reply = Reply(
        title="Lookup <b>",
        lines=tuple(f"line {i} " + "𝔸" * 300 for i in range(40)),
        groups=(StoryGroup(tuple(views[:3])), *(StoryGroup((v,)) for v in views[3:])),
        footer="the end & more",
    )
    chunks = telegram_chunks(reply)
    assert len(chunks) > 3
    rendered = ""
    for chunk in chunks:
        plain = parse_html(chunk)  # raises on any tag Telegram would refuse
        assert tg_len(chunk) <= 4096 and len(plain.encode("utf-16-le")) // 2 <= 4096
        assert chunk.count("<b>") + chunk.count("<i>") + chunk.count("<a ") <= 100
        rendered += plain
    assert "@everyone" in rendered and "</a><b>" in rendered  # shown as text, not markup
    assert all(re.search(rf"/story {n}\b", rendered) for n in range(1, 31))
    assert rendered.count("Denied by") == 30 * 3 and "… and 2 more denials" in rendered
    assert "the end & more" in rendered and "Huge link (e.com/aaa" in rendered
    assert "/story 31" in rendered

    compact = telegram_chunks(reply, compact=True)
    assert sum(map(len, compact)) < sum(map(len, chunks))
    for caption in telegram_chunks(Reply(lines=("x" * 5000,)), limit=1024):
        assert tg_len(caption) <= 1024
