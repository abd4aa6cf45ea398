"""Tests of tests/fakes/telegram_api.py, driving the REAL python-telegram-bot client against it.

They pin what the fake promises the rest of the suite: the client's view of messages, commands,
callback queries, documents, flood limits and faults is what it would be against Telegram.
"""

from __future__ import annotations

import asyncio
import datetime as dtm
import io
import os
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import aiohttp
import pytest
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllGroupChats,
    ChatMemberAdministrator,
    ChatMemberMember,
    ChatMemberOwner,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    ReplyParameters,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TimedOut,
)
from telegram.ext import (
    AIORateLimiter,
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from tests.fakes.telegram_api import FakeTelegram

TOKEN = "123:ABC"
GROUP = -1001234567890
USER = 42

pytestmark = pytest.mark.timeout(30)


@pytest.fixture(autouse=True)
def _env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    # RetryAfter.retry_after is an int with a deprecation warning unless this is set (PTB 22.2+)
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram(token=TOKEN) as fake:
        yield fake


@pytest.fixture
async def bot(tg: FakeTelegram) -> AsyncIterator[Bot]:
    async with Bot(TOKEN, base_url=tg.base_url, base_file_url=tg.base_file_url) as client:
        yield client


def build_app(tg: FakeTelegram, **builder: Any) -> Application:  # type: ignore[type-arg]
    app_builder = (
        Application.builder().token(tg.token).base_url(tg.base_url).base_file_url(tg.base_file_url)
    )
    if "rate_limiter" in builder:
        app_builder = app_builder.rate_limiter(builder["rate_limiter"])
    return app_builder.build()


@asynccontextmanager
async def running(app: Application) -> AsyncIterator[list[BaseException]]:  # type: ignore[type-arg]
    """Drive an Application by hand (never run_polling in tests); yield recorded handler errors."""
    errors: list[BaseException] = []

    async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert context.error is not None
        errors.append(context.error)

    app.add_error_handler(on_error)
    await asyncio.wait_for(app.initialize(), 5)
    await asyncio.wait_for(app.start(), 5)
    assert app.updater is not None
    await asyncio.wait_for(app.updater.start_polling(poll_interval=0, timeout=1), 5)
    try:
        yield errors
    finally:
        await asyncio.wait_for(app.updater.stop(), 5)
        await asyncio.wait_for(app.stop(), 5)
        await asyncio.wait_for(app.shutdown(), 5)


# --------------------------------------------------------------------------- (1) messages


async def test_get_me_and_send_message_fields(tg: FakeTelegram, bot: Bot) -> None:
    me = await bot.get_me()
    assert (me.id, me.username, me.is_bot) == (123, "newsbot_test", True)

    first = await bot.send_message(GROUP, "<b>Rostec</b> &amp; co", parse_mode=ParseMode.HTML)
    second = await bot.send_message(
        GROUP,
        "reply",
        parse_mode=ParseMode.HTML,
        reply_parameters=ReplyParameters(message_id=first.message_id),
        link_preview_options=LinkPreviewOptions(is_disabled=True),
        message_thread_id=7,
    )
    other_chat = await bot.send_message(-100999, "elsewhere")

    assert (first.message_id, second.message_id, other_chat.message_id) == (1, 2, 1)
    assert first.chat.id == GROUP and first.chat.type == "supergroup"
    assert first.text == "Rostec & co"  # the rendered text, as Telegram answers
    assert isinstance(first.date, dtm.datetime)
    assert second.reply_to_message is not None and second.reply_to_message.message_id == 1
    assert second.message_thread_id == 7

    sent = tg.messages_to(GROUP)
    assert [s["message_id"] for s in sent] == [1, 2]
    assert sent[0]["text"] == "<b>Rostec</b> &amp; co"
    assert sent[0]["parse_mode"] == "HTML"
    assert sent[1]["reply_parameters"] == {"message_id": 1}
    assert sent[1]["reply_to_message_id"] == 1
    assert sent[1]["link_preview_options"] == {"is_disabled": True}
    assert sent[1]["disable_web_page_preview"] is True
    assert sent[1]["message_thread_id"] == 7
    assert tg.texts_to(-100999) == ["elsewhere"]
    assert tg.requests["sendMessage"] == 3


async def test_api_validation_like_telegram(tg: FakeTelegram, bot: Bot) -> None:
    with pytest.raises(BadRequest, match="Can't parse entities: unsupported start tag"):
        await bot.send_message(GROUP, "a <script> b", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match="Can't parse entities: can't find end tag"):
        await bot.send_message(GROUP, "<b>open", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match="Message is too long"):
        await bot.send_message(GROUP, "x" * 4097)
    with pytest.raises(BadRequest, match="Message to be replied not found"):
        await bot.send_message(GROUP, "hi", reply_parameters=ReplyParameters(message_id=99))
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("A", callback_data="x" * 65)]])
    with pytest.raises(BadRequest, match="Button_data_invalid"):
        await bot.send_message(GROUP, "pick", reply_markup=keyboard)
    # the entity length counts UTF-16 code units, as the limit does
    await bot.send_message(GROUP, "😀" * 2048)
    with pytest.raises(BadRequest, match="Message is too long"):
        await bot.send_message(GROUP, "😀" * 2049)
    ok = await bot.send_message(GROUP, "same")
    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_text("same", chat_id=GROUP, message_id=ok.message_id)
    assert [e["status"] for e in tg.errors] == [400] * 7
    assert len(tg.sent) == 2


async def test_raw_http_json_get_unknown_method_and_wrong_token(tg: FakeTelegram) -> None:
    async with aiohttp.ClientSession() as http:
        resp = await http.post(
            f"{tg.base_url}{TOKEN}/sendMessage",
            json={"chat_id": GROUP, "text": "json body", "reply_markup": {"inline_keyboard": []}},
        )
        assert resp.status == 200
        body = await resp.json()
        assert body["ok"] is True and body["result"]["text"] == "json body"
        resp = await http.get(f"{tg.base_url}{TOKEN}/getMe")
        assert (await resp.json())["result"]["username"] == "newsbot_test"
        resp = await http.post(f"{tg.base_url}{TOKEN}/noSuchMethod")
        assert resp.status == 404
        assert await resp.json() == {"ok": False, "error_code": 404, "description": "Not Found"}
        resp = await http.post(f"{tg.base_url}999:WRONG/getMe")
        assert resp.status == 401
    assert tg.sent[0]["reply_markup"] == {"inline_keyboard": []}

    with pytest.raises(InvalidToken):  # initialize() calls getMe; __aenter__ shuts down on error
        async with Bot("999:WRONG", base_url=tg.base_url):
            pass
    async with Bot(TOKEN, base_url=tg.base_url) as client:
        # a method the fake lacks: InvalidToken before initialize(), EndPointNotFound after
        with pytest.raises(EndPointNotFound):
            await client.do_api_request("frobnicateChat", api_kwargs={"chat_id": GROUP})


async def test_get_updates_holds_for_timeout_and_wakes_on_push(tg: FakeTelegram, bot: Bot) -> None:
    started = time.monotonic()
    assert await bot.get_updates(timeout=1) == ()
    held = time.monotonic() - started
    assert 0.9 <= held < 2.5

    asyncio.get_running_loop().call_later(0.2, tg.push_text, USER, USER, "hello")
    started = time.monotonic()
    updates = await bot.get_updates(timeout=5)
    assert time.monotonic() - started < 2
    assert [u.message.text for u in updates if u.message] == ["hello"]
    # updates stay queued until an offset confirms them, like the real API
    again = await bot.get_updates(timeout=0)
    assert [u.update_id for u in again] == [updates[0].update_id]
    assert await bot.get_updates(offset=updates[0].update_id + 1, timeout=0) == ()
    assert tg.pending_updates == []


# --------------------------------------------------------------------------- (2) commands


async def test_application_command_round_trip(tg: FakeTelegram) -> None:
    app = build_app(tg)
    seen: list[tuple[int, list[str]]] = []

    async def lookup(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None and update.effective_chat is not None
        args = list(context.args or [])
        seen.append((update.effective_chat.id, args))
        await update.effective_message.reply_text(f"lookup: {' '.join(args)}")

    app.add_handler(CommandHandler("lookup", lookup))
    async with running(app) as errors:
        tg.push_command(GROUP, USER, "/lookup Rostec", chat_type="supergroup", username="alice")
        tg.push_command(GROUP, USER, "/lookup Gazprom", bot_username="newsbot_test")
        tg.push_command(GROUP, USER, "/lookup Ignored", bot_username="someotherbot")
        tg.push_command(USER, USER, "/lookup Private", chat_type="private")
        replies = await tg.wait_for_sent(3, timeout=5, method="sendMessage")
        await asyncio.sleep(0.1)  # room for a wrong 4th reply to show up
    assert errors == []
    assert seen == [(GROUP, ["Rostec"]), (GROUP, ["Gazprom"]), (USER, ["Private"])]
    assert [(r["chat_id"], r["text"]) for r in tg.sent] == [
        (GROUP, "lookup: Rostec"),
        (GROUP, "lookup: Gazprom"),
        (USER, "lookup: Private"),
    ]
    # reply_text quotes the command in groups, not in private chats (PTB's do_quote default)
    assert [r["reply_to_message_id"] for r in replies] == [1, 2, None]
    assert [r["message_id"] for r in replies] == [4, 5, 2]  # ids per chat, after the pushes
    assert tg.requests["getMe"] == 1 and tg.requests["deleteWebhook"] == 1
    assert tg.pending_updates == []  # the client confirmed every update on stop


# --------------------------------------------------------------------------- (3) flood limits


async def test_flood_limits_surface_as_retry_after(tg: FakeTelegram, bot: Bot) -> None:
    await bot.send_message(USER, "one")
    with pytest.raises(RetryAfter) as info:
        await bot.send_message(USER, "two")
    assert info.value.retry_after == dtm.timedelta(seconds=1)
    assert tg.throttled == 1
    assert tg.errors[-1]["description"] == "Too Many Requests: retry after 1"

    tg.set_limits(per_group_per_minute=2)
    await bot.send_message(GROUP, "g1")
    await bot.send_message(GROUP, "g2")
    with pytest.raises(RetryAfter) as info:
        await bot.send_message(GROUP, "g3")
    retry_after = info.value.retry_after
    assert isinstance(retry_after, dtm.timedelta)  # PTB_TIMEDELTA=true
    assert 58 <= retry_after.total_seconds() <= 60

    tg.set_limits(global_per_second=1)  # (resets the windows)
    await bot.send_message(-1, "a")
    with pytest.raises(RetryAfter):
        await bot.send_message(-2, "b")
    tg.fail_chat(-3, "flood", retry_after=3600, times=1)
    tg.set_limits(enabled=False)
    with pytest.raises(RetryAfter) as info:
        await bot.send_message(-3, "hours")
    assert info.value.retry_after == dtm.timedelta(hours=1)
    await bot.send_message(-3, "after the flood")  # times=1: the fault is gone
    assert tg.throttled == 4


async def test_aio_rate_limiter_retries_after_a_429(tg: FakeTelegram) -> None:
    app = build_app(tg, rate_limiter=AIORateLimiter(max_retries=1))
    async with app:
        await app.bot.send_message(USER, "one")
        started = time.monotonic()
        await app.bot.send_message(USER, "two")  # 429 retry_after=1 → limiter waits, retries
        assert time.monotonic() - started >= 0.9
    assert tg.texts_to(USER) == ["one", "two"]
    assert tg.throttled == 1


# --------------------------------------------------------------------------- (4) faults


async def test_fail_chat_kinds_surface_as_library_errors(tg: FakeTelegram, bot: Bot) -> None:
    tg.set_limits(enabled=False)
    tg.fail_chat(1, "blocked")
    tg.fail_chat(-2, "kicked")
    tg.fail_chat(3, "not_found")
    tg.fail_chat(-4, "migrated", new_chat_id=-1004)
    tg.fail_chat(5, "server_error")
    tg.fail_chat(6, "server_error", status=502)
    tg.fail_chat(7, "outage")
    tg.fail_chat(8, "slow", delay=0.6)
    tg.fail_chat(9, "slow_ack", delay=0.6)

    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(1, "x")
    with pytest.raises(Forbidden, match="bot was kicked from the group chat"):
        await bot.send_message(-2, "x")
    with pytest.raises(BadRequest) as not_found:
        await bot.send_message(3, "x")
    assert not_found.value.message == "Chat not found"
    with pytest.raises(ChatMigrated) as migrated:
        await bot.send_message(-4, "x")
    assert migrated.value.new_chat_id == -1004
    with pytest.raises(NetworkError, match="Internal Server Error"):
        await bot.send_message(5, "x")
    with pytest.raises(NetworkError, match="Bad Gateway"):
        await bot.send_message(6, "x")
    with pytest.raises(NetworkError):
        await bot.send_message(7, "x")
    with pytest.raises(TimedOut):
        await bot.send_message(8, "x", read_timeout=0.2)
    with pytest.raises(TimedOut):
        await bot.send_message(9, "delivered anyway", read_timeout=0.2)
    assert tg.messages_to(8) == []  # "slow": cut off before the work
    assert tg.texts_to(9) == ["delivered anyway"]  # "slow_ack": done, answer lost

    tg.clear_fault(1)
    assert (await bot.send_message(1, "unblocked")).message_id == 1
    tg.fail_chat(None, "server_error", times=1)
    with pytest.raises(NetworkError):
        await bot.send_message(10, "x")
    await bot.send_message(10, "recovered")


async def test_platform_outage(tg: FakeTelegram, bot: Bot) -> None:
    tg.outage("close")
    with pytest.raises(NetworkError):
        await bot.get_me()
    tg.outage("502")
    with pytest.raises(NetworkError, match="Bad Gateway"):
        await bot.send_message(USER, "x")
    tg.outage(None)
    assert (await bot.get_me()).username == "newsbot_test"


# --------------------------------------------------------------------------- (5) callbacks


async def test_callback_query_answered_and_message_edited(tg: FakeTelegram) -> None:
    # A prompt, a click and an edit within one second break the 1/s private-chat limit (a human
    # click takes longer): with limits on, the edit gets a 429 that only the error handler sees.
    tg.set_limits(enabled=False)
    app = build_app(tg)

    async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        await query.answer(f"chose {query.data}")
        await query.edit_message_text(f"You chose <b>{query.data}</b>", parse_mode="HTML")

    app.add_handler(CallbackQueryHandler(on_button))
    async with running(app) as errors:
        keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Mute", callback_data="mute:7")]])
        prompt = await app.bot.send_message(USER, "Pick one", reply_markup=keyboard)
        update = tg.push_callback(USER, USER, prompt.message_id, "mute:7")
        await tg.wait_for_sent(1, method="editMessageText")
    assert errors == []
    answer = tg.sent_matching(method="answerCallbackQuery")[0]
    assert answer["callback_query_id"] == update["callback_query"]["id"]
    assert answer["text"] == "chose mute:7"
    current = tg.message(USER, prompt.message_id)
    assert current is not None and current["text"] == "You chose mute:7"
    assert "reply_markup" not in current and "edit_date" in current


# --------------------------------------------------------------------------- (6) documents


async def test_documents_download_and_upload(tg: FakeTelegram, bot: Bot) -> None:
    payload = b'<?xml version="1.0"?><opml version="2.0"><body/></opml>\n' * 50
    update = tg.push_document(USER, USER, "subs.opml", payload, caption="import")
    file_id = update["message"]["document"]["file_id"]
    downloaded = await (await bot.get_file(file_id)).download_as_bytearray()
    assert bytes(downloaded) == payload

    updates = await bot.get_updates(timeout=0)
    document = updates[0].message.document if updates[0].message else None
    assert document is not None and document.file_name == "subs.opml"
    assert document.file_size == len(payload)

    message = await bot.send_document(
        GROUP, document=io.BytesIO(b"<opml/>"), filename="export.opml", caption="Your feeds"
    )
    assert message.document is not None and message.document.file_name == "export.opml"
    record = tg.sent_matching(method="sendDocument")[0]
    assert (record["filename"], record["data"], record["caption"]) == (
        "export.opml",
        b"<opml/>",
        "Your feeds",
    )
    with pytest.raises(BadRequest, match="Invalid file_id"):
        await bot.get_file("nope")


async def test_application_downloads_a_pushed_document(tg: FakeTelegram) -> None:
    app = build_app(tg)
    received: list[bytes] = []

    async def on_document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None and update.message.document is not None
        file = await update.message.document.get_file()
        received.append(bytes(await file.download_as_bytearray()))
        await update.message.reply_text("imported")

    app.add_handler(MessageHandler(filters.Document.ALL, on_document))
    async with running(app) as errors:
        tg.push_document(USER, USER, "feeds.opml", b"<opml>1</opml>")
        await tg.wait_for_sent(1, chat_id=USER)
    assert errors == []
    assert received == [b"<opml>1</opml>"]


# --------------------------------------------------------------------------- (7) commands menu


async def test_commands_members_and_chats(tg: FakeTelegram, bot: Bot) -> None:
    commands = [BotCommand("lookup", "Look up an organisation"), BotCommand("subs", "Feeds")]
    assert await bot.set_my_commands(commands)
    assert await bot.set_my_commands(commands[:1], scope=BotCommandScopeAllGroupChats())
    assert tg.commands["default"] == [
        {"command": "lookup", "description": "Look up an organisation"},
        {"command": "subs", "description": "Feeds"},
    ]
    assert tg.commands["all_group_chats"] == [commands[0].to_dict()]
    assert await bot.get_my_commands() == tuple(commands)
    with pytest.raises(BadRequest, match="Bot_command_invalid"):
        await bot.set_my_commands([BotCommand("Bad-Name", "x")])
    assert await bot.delete_my_commands(scope=BotCommandScopeAllGroupChats())
    assert "all_group_chats" not in tg.commands

    tg.add_chat(GROUP, "supergroup", title="Newsroom")
    tg.set_member(GROUP, 1, "creator")
    tg.set_member(GROUP, 2, "administrator")
    assert isinstance(await bot.get_chat_member(GROUP, 1), ChatMemberOwner)
    admin = await bot.get_chat_member(GROUP, 2)
    assert isinstance(admin, ChatMemberAdministrator) and admin.can_delete_messages
    assert isinstance(await bot.get_chat_member(GROUP, 3), ChatMemberMember)
    admins = await bot.get_chat_administrators(GROUP)
    assert [(a.status, a.user.id) for a in admins] == [("creator", 1), ("administrator", 2)]
    chat = await bot.get_chat(GROUP)
    assert (chat.id, chat.type, chat.title) == (GROUP, "supergroup", "Newsroom")


# --------------------------------------------------------------------------- (8) threaded


def test_threaded_mode_serves_another_loop() -> None:
    with FakeTelegram.threaded(token=TOKEN) as tg:
        assert tg.base_url.startswith("http://127.0.0.1:")

        async def client() -> tuple[list[str], float]:
            async with Bot(TOKEN, base_url=tg.base_url) as client_bot:
                await client_bot.send_message(USER, "from another loop")
                # a push from a third thread wakes the long poll held in the server's loop
                threading.Timer(0.2, tg.push_text, args=(USER, USER, "ping")).start()
                started = time.monotonic()
                updates = await client_bot.get_updates(timeout=5)
                took = time.monotonic() - started
                return [u.message.text or "" for u in updates if u.message], took

        texts, took = asyncio.run(client())
        assert texts == ["ping"]
        assert took < 2
        assert tg.wait_for_sent_sync(1, timeout=1)[0]["text"] == "from another loop"

        script = (
            "import asyncio, sys\n"
            "from telegram import Bot\n"
            "async def main():\n"
            "    async with Bot(sys.argv[1], base_url=sys.argv[2]) as b:\n"
            "        await b.send_message(-100777, 'from a subprocess')\n"
            "asyncio.run(main())\n"
        )
        env = {**os.environ, "NO_PROXY": "127.0.0.1,localhost"}
        done = subprocess.run(
            [sys.executable, "-c", script, TOKEN, tg.base_url],
            env=env,
            capture_output=True,
            timeout=20,
            check=False,
        )
        assert done.returncode == 0, done.stderr.decode()
        assert tg.texts_to(-100777) == ["from a subprocess"]


async def test_threaded_mode_from_an_async_test() -> None:
    with FakeTelegram.threaded(token=TOKEN) as tg:
        async with Bot(TOKEN, base_url=tg.base_url) as client_bot:
            await client_bot.send_message(GROUP, "hello")
        sent = await tg.wait_for_sent(1, timeout=2)
        assert sent[0]["chat_id"] == GROUP
