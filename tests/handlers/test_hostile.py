"""Commands and buttons under hostile input (issue #15 items 3, 4, 5, 6), end to end: the REAL
python-telegram-bot and discord.py clients against tests/fakes, over a real polled Pipeline.

Forged, altered, replayed and foreign button data is refused with an answer and never edits a
message; presses count against the lookup limit; every command answers any argument; hostile
OPML and feeds are refused with one clear line; credentials in URLs are refused and never
echoed; replies take the alerts' limiter.
"""

from __future__ import annotations

import contextlib
import itertools
import re
import time
from collections.abc import AsyncIterator
from typing import Any

import discord
import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.alerts.ratelimit import Limiter, RateLimits
from bot.app import Pipeline
from bot.models import FeedConfig
from handlers.commands import EXPIRED, LOOKUP_PER_MINUTE, SPECS, Caller, Commands, PerUserLimit
from tests.fakes.discord_api import FakeDiscord, running_fake
from tests.fakes.feed_server import FeedServer
from tests.fakes.telegram_api import FakeTelegram
from tests.handlers import simple_feed
from tests.handlers import test_discord_commands as discord_harness
from tests.handlers.test_telegram_commands import answer, running, until

pytestmark = pytest.mark.timeout(60)

GROUP = -1001500000001
OTHER_GROUP = -1001500000002
PRIVATE = 5151
ADMIN = 1001
LOOKER = 3001  # sends the /lookup
FORGER = 3002
PRESSER = 3003
SECRET = "hunter2-pw"
FAST = RateLimits(overall_per_second=1000, per_chat_per_second=1000, per_group_per_minute=60_000)
ODD = "Ω\u202eevil\u0000 ٣² 🏳️‍🌈 \u200d<b>&amp;</b> "


def administered(tg: FakeTelegram) -> None:
    """ADMIN administers GROUP; the fake's flood limits are off (not under test there)."""
    tg.set_limits(enabled=False)
    tg.set_member(GROUP, ADMIN, "administrator")


def answers(tg: FakeTelegram, chat: int) -> list[dict[str, Any]]:
    return tg.sent_matching(chat_id=chat, method="answerCallbackQuery")


def data_of(message: dict[str, Any]) -> list[str]:
    markup = message.get("reply_markup") or {}
    return [b["callback_data"] for row in markup.get("inline_keyboard", []) for b in row]


def every_text(tg: FakeTelegram) -> str:
    """Everything the bot sent or answered, as one string (for "never echoed" checks)."""
    parts = []
    for record in tg.sent:
        for key in ("text", "caption", "plain_text"):
            if isinstance(record.get(key), str):
                parts.append(record[key])
        if record.get("data") is not None:
            parts.append(bytes(record["data"]).decode("utf-8", "replace"))
    return "\n".join(parts)


@contextlib.asynccontextmanager
async def listed(
    tg: FakeTelegram, p: Pipeline, **options: Any
) -> AsyncIterator[tuple[Any, dict[str, Any], str]]:
    """The bot running, a /lookup Rostec answered in GROUP: (bot, the listing, its button)."""
    async with running(tg, Commands(p.store, p.registry, p.fetcher), **options) as bot:
        tg.push_command(GROUP, LOOKER, "/lookup Rostec")
        listing = await answer(tg, GROUP, 1)
        [older] = data_of(listing)
        yield bot, listing, older


# ---------------------------------------------------------------- Telegram: buttons


async def test_forged_altered_and_misplaced_button_data_is_refused_and_edits_nothing(
    tg: FakeTelegram, pipeline: tuple[Pipeline, FeedServer]
) -> None:
    p, _ = pipeline
    async with listed(tg, p) as (bot, listing, older):
        page, mac, query = re.fullmatch(r"lk:(\d+):([\w-]{11}):(.+)", older).groups()  # type: ignore[union-attr]
        alert = await bot.app.bot.send_message(GROUP, "An alert: no buttons on it")

        presses = [
            (listing["message_id"], f"lk:0:{'A' * 11}:Your text here"),  # forged signature
            (listing["message_id"], f"lk:{page}:{mac}:Your text here"),  # altered query
            (listing["message_id"], f"lk:0:{mac}:{query}"),  # altered page
            (listing["message_id"], "lk:1:Rostec"),  # unsigned (a button from before #15)
            (alert.message_id, older),  # valid data aimed at another bot message
            (424242, older),  # a message the bot never sent
        ]
        for n, (message_id, data) in enumerate(presses, start=1):
            tg.push_callback(GROUP, FORGER, message_id, data)
            got = await until(lambda n=n: len(answers(tg, GROUP)) >= n and answers(tg, GROUP))
            assert got[n - 1]["text"] == EXPIRED and got[n - 1]["show_alert"], data
        assert tg.sent_matching(method="editMessageText") == []
        assert tg.message(GROUP, listing["message_id"])["text"].startswith("Rostec: 8 stories")
        assert tg.message(GROUP, alert.message_id)["text"] == "An alert: no buttons on it"

        # The genuine button still pages its own message.
        tg.push_callback(GROUP, PRESSER, listing["message_id"], older)
        [edit] = await tg.wait_for_sent(1, chat_id=GROUP, method="editMessageText")
        assert edit["message_id"] == listing["message_id"] and "page 2 of 2" in edit["text"]
        got = await until(lambda: len(answers(tg, GROUP)) > len(presses) and answers(tg, GROUP))
        assert got[-1]["text"] is None  # answered without an alert


async def test_lists_page_in_a_forum_topic_they_were_signed_for(
    tg: FakeTelegram, pipeline: tuple[Pipeline, FeedServer]
) -> None:
    p, _ = pipeline
    tg.add_chat(OTHER_GROUP, "supergroup", is_forum=True)
    async with running(tg, Commands(p.store, p.registry, p.fetcher)):
        tg.push_command(OTHER_GROUP, LOOKER, "/lookup Rostec", message_thread_id=77)
        listing = await answer(tg, OTHER_GROUP, 1)
        assert listing["message_thread_id"] == 77
        [older] = data_of(listing)
        tg.push_callback(OTHER_GROUP, PRESSER, listing["message_id"], older)
        [edit] = await tg.wait_for_sent(1, chat_id=OTHER_GROUP, method="editMessageText")
        assert "page 2 of 2" in edit["text"]


async def test_a_button_signed_for_one_chat_verifies_in_no_other(
    pipeline: tuple[Pipeline, FeedServer],
) -> None:
    p, _ = pipeline
    commands = Commands(p.store, p.registry, p.fetcher)
    here = Caller("telegram", str(GROUP), user="1")
    reply = await commands.handle(here, "lookup", "Rostec")
    [button] = reply.buttons
    paged = await commands.callback(here, button.data, message_buttons=[button.data])
    assert not paged.error and "page 2 of 2" in paged.title
    for elsewhere in (
        Caller("telegram", str(OTHER_GROUP), user="2"),
        Caller("telegram", str(GROUP), thread="7", user="3"),  # another forum topic
        Caller("discord", str(GROUP), user="4"),
    ):
        # Even on a message carrying exactly that data, the signature names the other chat.
        refused = await commands.callback(elsewhere, button.data, message_buttons=[button.data])
        assert refused.error and refused.lines == (EXPIRED,)
    # The key is kept in the database: a new Commands (a restart) verifies the old button.
    again = Commands(p.store, p.registry, p.fetcher)
    assert not (await again.callback(here, button.data, message_buttons=[button.data])).error


async def test_thirty_presses_answer_at_most_the_lookup_limit(
    tg: FakeTelegram, pipeline: tuple[Pipeline, FeedServer]
) -> None:
    p, _ = pipeline
    tg.set_limits(enabled=False)  # the per-user limit is under test, not flood control
    async with listed(tg, p, limiter=Limiter(FAST)) as (_bot, listing, older):
        forged = f"lk:1:{'B' * 11}:Rostec"
        for _ in range(30):
            tg.push_callback(GROUP, FORGER, listing["message_id"], forged)
        for _ in range(30):
            tg.push_callback(GROUP, PRESSER, listing["message_id"], older)
        got = await until(lambda: len(answers(tg, GROUP)) >= 60 and answers(tg, GROUP), 20)
        assert len(got) == 60  # every press answered, once
        texts = [a["text"] for a in got]
        assert texts[:6] == [EXPIRED] * 6  # forged: never any data
        assert all(t is not None and t.startswith("Lookups are limited") for t in texts[6:30])
        presser = texts[30:]
        assert presser.count(None) == LOOKUP_PER_MINUTE  # paged, within the limit
        assert sum(1 for t in presser if t and t.startswith("Lookups are limited")) == 24
        # One real edit; the other allowed presses found the page already shown.
        assert len(tg.sent_matching(chat_id=GROUP, method="editMessageText")) == 1
        assert tg.requests["editMessageText"] == LOOKUP_PER_MINUTE


async def test_a_press_on_a_deleted_message_is_answered(
    tg: FakeTelegram, pipeline: tuple[Pipeline, FeedServer]
) -> None:
    p, _ = pipeline
    async with listed(tg, p) as (bot, listing, older):
        # The press is made while the message exists; it is deleted before the bot sees it.
        await bot.app.updater.stop()
        tg.push_callback(GROUP, PRESSER, listing["message_id"], older)
        await bot.app.bot.delete_message(GROUP, listing["message_id"])
        await bot.app.updater.start_polling(poll_interval=0, timeout=1)
        [got] = await tg.wait_for_sent(1, chat_id=GROUP, method="answerCallbackQuery")
        assert got["text"] == EXPIRED
        assert any("message to edit not found" in e["description"] for e in tg.errors)
        assert tg.sent_matching(method="editMessageText") == []

        # An old keyboard with data this version never signs is answered the same way.
        old = await bot.app.bot.send_message(
            GROUP,
            "An old list",
            reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="q")]]),
        )
        tg.push_callback(GROUP, PRESSER, old.message_id, "q")
        got2 = await tg.wait_for_sent(2, chat_id=GROUP, method="answerCallbackQuery")
        assert got2[1]["text"] == EXPIRED


# ---------------------------------------------------------------- Telegram: every command answers


async def test_every_command_answers_huge_and_odd_arguments(
    tg: FakeTelegram, pipeline: tuple[Pipeline, FeedServer]
) -> None:
    p, _ = pipeline
    administered(tg)
    arguments = ["9" * 400, (ODD * 800)[:10_000], ODD]
    async with running(
        tg,
        Commands(p.store, p.registry, p.fetcher),
        moderators=frozenset({str(ADMIN)}),
        limiter=Limiter(FAST),
    ):
        n = 0
        replies: dict[tuple[str, int], str] = {}
        for spec in SPECS:
            for index, argument in enumerate(arguments):
                n += 1
                tg.push_command(GROUP, ADMIN, f"/{spec.name} {argument}", chat_type="supergroup")
                sent = (await tg.wait_for_sent(n, chat_id=GROUP, timeout=10))[n - 1]
                body = sent.get("text") or sent.get("caption") or sent.get("filename") or ""
                assert body.strip(), (spec.name, index)
                replies[(spec.name, index)] = sent.get("plain_text") or body
        assert len(tg.messages_to(GROUP)) == n == 3 * len(SPECS)  # one answer each
        assert replies[("story", 0)] == "No story has an id of 400 digits."
        assert "a command takes at most 2,200" in replies[("lookup", 1)]
        assert "a command takes at most 2,200" in replies[("addfeed", 1)]
        assert "Usage: /latest [N]" in replies[("latest", 0)]
        assert "Usage: /story ID" in replies[("story", 2)]  # "٣²" are not an id
        assert "\u202e" not in "".join(replies.values())  # bidi overrides never echoed
        assert "failed; the error was logged" not in "".join(replies.values())


async def test_arguments_no_platform_would_carry_are_answered_too(
    pipeline: tuple[Pipeline, FeedServer],
) -> None:
    p, _ = pipeline
    commands = Commands(p.store, p.registry, p.fetcher)
    mod = Caller("telegram", "-100", user="9", is_moderator=True, is_operator=True)
    lookup = await commands.handle(mod, "lookup", "\ud800Rostec\udfff")  # unpaired surrogates
    assert not lookup.error and lookup.title.startswith("Rostec: ")
    for name, args in [
        ("story", "²"),
        ("latest", "٣"),
        ("story", "9" * 5000),
        ("feedstatus", "x" * 500),
    ]:
        reply = await commands.handle(mod, name, args)
        assert reply.error and reply.lines, (name, reply)
    huge = await commands.handle(mod, "subscribe", "keyword " + "k" * 20_000)
    assert huge.error and "at most 2,200" in huge.lines[0]


# ---------------------------------------------------------------- Telegram: OPML and feeds


def _nested_opml(depth: int) -> bytes:
    return (
        b'<?xml version="1.0"?><opml version="2.0"><body>'
        + b"<outline>" * depth
        + b'<outline xmlUrl="https://deep.example/rss"/>'
        + b"</outline>" * depth
        + b"</body></opml>"
    )


async def test_hostile_opml_files_are_refused_with_one_clear_line(
    tg: FakeTelegram, pipeline: tuple[Pipeline, FeedServer]
) -> None:
    p, _ = pipeline
    administered(tg)
    before = await p.store.feeds()
    utf16 = (
        '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE opml [<!ENTITY a "aaaaaaaa">]>'
        '<opml version="2.0"><body><outline text="&a;" xmlUrl="https://a.example/rss"/>'
        "</body></opml>"
    ).encode("utf-16")
    credentials = (
        '<opml version="2.0"><body><outline text="Fine" xmlUrl="https://fine.example/rss"/>'
        f'<outline text="Wire" xmlUrl="https://bob:{SECRET}@wire.example/rss"/></body></opml>'
    ).encode()
    files = [
        ("deep.opml", _nested_opml(200_000), "Nothing imported: elements nested more than 50 deep"),
        ("utf16.opml", utf16, "Nothing imported: OPML with a DOCTYPE or entity declarations"),
        (
            "creds.opml",
            credentials,
            "Nothing imported: outline 'Wire': xmlUrl 'https://***@wire.example/rss' carries a "
            "user name or password",
        ),
    ]
    async with running(tg, Commands(p.store, p.registry, p.fetcher), limiter=Limiter(FAST)):
        for name, data, expected in files:
            started = time.monotonic()
            tg.push_document(GROUP, ADMIN, name, data, caption="/import")
            # A big file's answer replaces its progress message; a small one's is a message.
            reply = await until(
                lambda expected=expected: next(
                    (s for s in tg.sent if s.get("plain_text", "").startswith(expected)), None
                ),
                20,
            )
            assert len(reply["plain_text"].splitlines()) == 1
            assert time.monotonic() - started < 10
    assert await p.store.feeds() == before  # nothing imported, not even the fine outline
    assert SECRET not in every_text(tg)


async def test_addfeed_refuses_credentials_and_feeds_declaring_entities_in_any_encoding(
    tg: FakeTelegram, pipeline: tuple[Pipeline, FeedServer]
) -> None:
    p, server = pipeline
    administered(tg)
    declaration = '<!DOCTYPE rss [<!ENTITY a "aaaaaaaaaaaaaaaa">]>'
    for codec in ("cp037", "utf-16"):
        text = simple_feed(f"Feed in {codec}").decode().replace("?>", f"?>{declaration}", 1)
        text = text.replace("<?xml version='1.0'?>", f'<?xml version="1.0" encoding="{codec}"?>')
        server.put(f"/{codec}.xml", text.replace("item 1", "item 1 &a;").encode(codec))
    before = await p.store.feeds()
    async with running(tg, Commands(p.store, p.registry, p.fetcher), limiter=Limiter(FAST)):
        tg.push_command(GROUP, ADMIN, f"/addfeed https://bob:{SECRET}@wire.example/rss")
        refused = (await answer(tg, GROUP, 1))["plain_text"]
        assert "'https://***@wire.example/rss' carries a user name or password" in refused
        assert "Usage: /addfeed URL [OUTLET]" in refused
        for n, codec in enumerate(("cp037", "utf-16"), start=2):
            tg.push_command(GROUP, ADMIN, f"/addfeed {server.url(f'/{codec}.xml')}")
            reply = (await answer(tg, GROUP, n))["plain_text"]
            assert reply.startswith("Could not add the feed:") and "XML entities" in reply, reply
    assert await p.store.feeds() == before
    assert SECRET not in every_text(tg)
    assert await p.store.audit_log("telegram", str(GROUP)) == []


async def test_a_password_stored_before_is_neither_shown_nor_exported(
    tg: FakeTelegram, pipeline: tuple[Pipeline, FeedServer]
) -> None:
    p, _ = pipeline
    administered(tg)
    # A row written before URLs were checked (the store itself takes what it is given).
    url = f"https://bob:{SECRET}@legacy.example/rss"
    await p.store.sync_feeds([FeedConfig(id="legacy", url=url)], origin="moderator")
    async with running(
        tg,
        Commands(p.store, p.registry, p.fetcher),
        moderators=frozenset({str(ADMIN)}),
        limiter=Limiter(FAST),
    ):
        tg.push_command(GROUP, ADMIN, "/feedstatus legacy")
        status = (await answer(tg, GROUP, 1))["plain_text"]
        assert "URL: https://***@legacy.example/rss" in status
        tg.push_command(GROUP, ADMIN, "/export")
        await tg.wait_for_sent(1, chat_id=GROUP, method="sendDocument")
    assert SECRET not in every_text(tg)
    exported = tg.sent_matching(method="sendDocument")[0]
    assert exported["filename"] == "newsbot-feeds.opml"


# ---------------------------------------------------------------- Telegram: the shared limiter


async def test_replies_take_the_slot_the_alerts_limiter_gives(
    tg: FakeTelegram, pipeline: tuple[Pipeline, FeedServer]
) -> None:
    p, _ = pipeline
    # The fake's private-chat window is 0.9 s: the limiter's 1 s slots must be what keeps
    # the replies apart (unpaced, three replies and an alert within a second get 429s).
    tg.set_limits(window_scale=0.9)
    limiter = Limiter(RateLimits())  # Telegram's: 1 message a second in a private chat
    async with running(tg, Commands(p.store, p.registry, p.fetcher), limiter=limiter) as bot:
        # An alert goes out the way the dispatcher sends one: a slot first, then the call.
        await limiter.acquire(str(PRIVATE))
        await bot.app.bot.send_message(PRIVATE, "An alert")
        for _ in range(3):
            tg.push_command(PRIVATE, PRIVATE, "/start", chat_type="private")
        sent = await tg.wait_for_sent(4, chat_id=PRIVATE, method="sendMessage", timeout=10)
    assert tg.throttled == 0, tg.errors
    assert [s["text"].startswith("<b>newsbot</b>") for s in sent] == [False, True, True, True]
    times = [s["time"] for s in sent]
    assert all(b - a >= 0.95 for a, b in itertools.pairwise(times)), times


# ---------------------------------------------------------------- Discord


async def test_discord_refuses_forged_and_unknown_buttons_and_answers_any_id(
    pipeline: tuple[Pipeline, FeedServer],
) -> None:
    p, _ = pipeline
    dc: FakeDiscord
    async with (
        running_fake() as dc,
        discord_harness.running(dc, Commands(p.store, p.registry, p.fetcher)) as harness,
    ):
        sent = await dc.push_interaction("lookup", {"entity": "Rostec"}, user="member")
        listing = await discord_harness.followup(dc, sent)
        [older] = [b["custom_id"] for b in listing.components[0]["components"]]
        # Ids the message does not carry (Discord would not deliver them; answered anyway).
        for custom_id in (f"lk:0:{'A' * 11}:Your text here", "zzz", older + "x"):
            click = await dc.push_component(custom_id, listing.id, user="member")
            got = await discord_harness.response(dc, click)
            assert got.type == 4 and got.ephemeral and got.content == EXPIRED, custom_id
        edited = dc.message(listing.id)
        assert edited is not None and edited.content == "**Rostec: 8 stories, page 1 of 2**"
        # A message that does carry ids that do not verify: an unsigned button from before
        # #15, and one signed for another channel.
        channel = harness.client.get_channel(listing.channel_id)
        assert isinstance(channel, discord.TextChannel)
        view = discord.ui.View()
        for custom_id in ("lk:1:Rostec", older.replace("lk:1:", "lk:0:", 1)):
            view.add_item(discord.ui.Button(label="x", custom_id=custom_id))
        old = await channel.send("An old list", view=view)
        for custom_id in ("lk:1:Rostec", older.replace("lk:1:", "lk:0:", 1)):
            click = await dc.push_component(custom_id, old.id, user="member")
            got = await discord_harness.response(dc, click)
            assert got.type == 4 and got.ephemeral and got.content == EXPIRED, custom_id
        assert dc.message(old.id).content == "An old list"  # type: ignore[union-attr]

        story = await dc.push_interaction("story", {"id": int("9" * 400)}, user="member")
        await discord_harness.response(dc, story)
        answered = await discord_harness.followup(dc, story)
        assert answered.content == "No story has an id of 400 digits."

        added = await dc.push_interaction(
            "addfeed", {"url": f"https://bob:{SECRET}@wire.example/rss"}, user="admin"
        )
        refusal = await discord_harness.response(dc, added)
        text = refusal.content or (await discord_harness.followup(dc, added)).content
        text = text.replace("\u200b", "")  # every "@" is broken so that it never mentions
        assert "'https://***@wire.example/rss' carries a user name or password" in text
        assert SECRET not in text


def test_the_per_user_limit_forgets_idle_users() -> None:
    now = [0.0]
    limit = PerUserLimit(6, 60.0, clock=lambda: now[0])
    for user in range(10_001):
        assert limit.check(str(user)) == 0.0
    assert limit.check("0") == 0.0  # 2 of 6 used
    now[0] = 61.0  # everyone idle for longer than the period
    assert limit.check("new") == 0.0
    assert len(limit._uses) == 1
    for _ in range(5):
        assert limit.check("new") == 0.0
    assert limit.check("new") > 0  # the limit itself still holds
