"""Telegram bindings of the neutral command set (python-telegram-bot 22).

This module owns turning Telegram updates into `Commands.handle` / `Commands.callback` calls and
their Replies into Bot API calls: commands in private chats, groups (`/cmd@botname`), forum
topics (answered in the same topic) and channels (channel posts); lookup paging buttons
(answered, then the message edited); OPML import from a document whose caption is /import or
to which "/import" replies (downloaded through getFile, with a progress message for big files);
/export as a document; who is a moderator (NEWSBOT_MODERATORS, chat creator/administrators via
getChatMember with a cache, the user in their own private chat, a channel or an anonymous group
administrator posting as the chat); the command menu (setMyCommands per scope).

Updates are handled off python-telegram-bot's update loop (`block=False`), so a slow command
(/addfeed fetching for up to 30 s, /import) never holds up another chat; within one chat they
run one at a time in the order they came (`_Turns`), so a moderator's /addfeed then /feeds is
answered in that order. Button presses take turns in a lane of their own: a press must be
answered within seconds and never waits behind a chat's /addfeed. In groups and channels an
unknown command is answered only when addressed to this bot (`/cmd@botname`): Telegram sends
every command to every bot in a group, and another bot's command is not ours to refuse.

Replies are HTML built by bot.platforms.telegram_render (every string escaped), at most 4096
characters a message, with the reply's buttons as an inline keyboard on the last message. Every
reply, edit and document takes its slot from the same `Limiter` as the alerts to that chat (a
429 holds the chat for both), so commands can never push a chat past Telegram's flood limits.

A button press is answered in every case: a list that does not verify (forged, another chat's,
not a button of that message), whose message is gone or can no longer be edited, or a press
on a message too old to be shown, gets "this list has expired".
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllChatAdministrators,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeDefault,
    CallbackQuery,
    Chat,
    Document,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Message,
    ReplyParameters,
    Update,
    User,
)
from telegram.constants import ChatMemberStatus, ChatType, ParseMode
from telegram.error import BadRequest, RetryAfter, TelegramError
from telegram.ext import (
    Application,
    CallbackContext,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot.alerts.ratelimit import Limiter, RateLimits
from bot.platforms.telegram_app import is_group
from bot.platforms.telegram_render import MAX_CAPTION, telegram_chunks, telegram_plain
from handlers.commands import EXPIRED, SPECS, Caller, Commands
from handlers.opml import MAX_OPML_BYTES
from handlers.reply import Button, Reply, refusal

log = logging.getLogger(__name__)

AnyApp = Application[Any, Any, Any, Any, Any, Any]
Context = CallbackContext[Any, Any, Any, Any]
T = TypeVar("T")

PROGRESS_BYTES = 32 * 1024  # an OPML file bigger than this gets a progress message
MAX_RETRY_WAIT = 5.0  # a 429 asking to wait longer than this drops the answer (logged)
MAX_CALLBACK_DATA = 64
_UPDATES = filters.UpdateType.MESSAGE | filters.UpdateType.CHANNEL_POST
_IMPORT_CAPTION = r"^/import(@\w+)?(\s|$)"
_NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


def install(
    app: AnyApp,
    commands: Commands,
    *,
    moderators: frozenset[str] = frozenset(),
    admin_cache_ttl: float = 300,
    progress_interval: float = 1.0,
    limiter: Limiter | None = None,
) -> None:
    """Add the command, unknown-command, document (OPML import), button and error handlers.

    `moderators` are Telegram user ids (NEWSBOT_MODERATORS); `progress_interval` is the least
    time between two edits of an import's progress message; `limiter` is the alerts' limiter
    for this bot (without one, replies get a limiter of their own at Telegram's limits).
    """
    binding = TelegramCommands(
        commands,
        moderators=moderators,
        admin_cache_ttl=admin_cache_ttl,
        progress_interval=progress_interval,
        limiter=limiter,
    )
    names = [spec.name for spec in SPECS]
    # block=False: each handler runs as its own task; per-chat order is kept by `_Turns`.
    app.add_handler(CommandHandler(names, binding.on_command, filters=_UPDATES, block=False))
    app.add_handler(
        MessageHandler(
            _UPDATES & filters.Document.ALL & filters.CaptionRegex(_IMPORT_CAPTION),
            binding.on_document,
            block=False,
        )
    )
    app.add_handler(MessageHandler(_UPDATES & filters.COMMAND, binding.on_unknown, block=False))
    app.add_handler(CallbackQueryHandler(binding.on_callback, block=False))
    app.add_error_handler(log_error)


async def register_commands(bot: Bot) -> None:
    """The command menu: member commands everywhere; every command for chat administrators and
    in private chats (where the user is the moderator of their own chat)."""
    member = [BotCommand(s.name, s.help[:256]) for s in SPECS if not s.moderator]
    everyone = [BotCommand(s.name, s.help[:256]) for s in SPECS]
    await bot.set_my_commands(member, scope=BotCommandScopeDefault())
    await bot.set_my_commands(everyone, scope=BotCommandScopeAllPrivateChats())
    await bot.set_my_commands(everyone, scope=BotCommandScopeAllChatAdministrators())


async def log_error(update: object, context: Context) -> None:
    """The application's error handler: the library would only log it at a lower level."""
    log.error("error handling a Telegram update", exc_info=context.error)


def keyboard(buttons: tuple[Button, ...]) -> InlineKeyboardMarkup | None:
    """One row of buttons; a button whose data is over 64 bytes is left out (Telegram's limit)."""
    row = [
        InlineKeyboardButton(b.label[:64], callback_data=b.data)
        for b in buttons
        if 1 <= len(b.data.encode("utf-8")) <= MAX_CALLBACK_DATA
    ]
    return InlineKeyboardMarkup([row]) if row else None


def _command_of(message: Message) -> tuple[str, str, str]:
    """(name, addressed bot or "", arguments) of a message starting with a bot_command."""
    text = message.text or message.caption or ""
    entities = message.entities or message.caption_entities
    length = entities[0].length if entities else len(text.split(" ", 1)[0])
    command = text[1:length]
    name, _, bot = command.partition("@")
    return name.lower(), bot, text[length:].strip()


def _addressed_elsewhere(addressed: str, bot: Bot) -> bool:
    """A `/cmd@otherbot`: a command for another bot in the same group."""
    return bool(addressed) and addressed.lower() != (bot.username or "").lower()


@dataclass
class _Lane:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    users: int = 0  # holding or waiting; the lane is dropped at 0 so the map stays small


class _Turns:
    """Updates with the same key run one at a time, in the order they arrived; other keys
    never wait. asyncio.Lock hands itself over first come, first served, and python-telegram-bot
    starts the handlers' tasks in update order, so taking the turn before anything else is
    awaited keeps the chat's order."""

    def __init__(self) -> None:
        self._lanes: dict[Hashable, _Lane] = {}

    @contextlib.asynccontextmanager
    async def turn(self, key: Hashable) -> AsyncIterator[None]:
        lane = self._lanes.setdefault(key, _Lane())
        lane.users += 1
        try:
            async with lane.lock:
                yield
        finally:
            lane.users -= 1
            if lane.users == 0:
                del self._lanes[key]


def _thread(message: Message) -> int | None:
    return message.message_thread_id if message.is_topic_message else None


class _Progress:
    """Edits the progress message as an import proceeds; best effort, never two edits at once."""

    def __init__(self, bot: Bot, message: Message, interval: float, limiter: Limiter) -> None:
        self.bot = bot
        self.message = message
        self.interval = interval
        self.limiter = limiter
        self.edits = 0
        self._last = time.monotonic()
        self._task: asyncio.Task[None] | None = None

    def update(self, done: int, total: int) -> None:
        if self._task is not None and not self._task.done():
            return
        if time.monotonic() - self._last < self.interval or done >= total:
            return
        if not self.limiter.ready(str(self.message.chat_id)):
            return  # cosmetic: an edit that would wait for the chat's window is skipped
        self._last = time.monotonic()
        self._task = asyncio.create_task(self._edit(f"Importing feeds: {done:,} of {total:,}…"))

    async def _edit(self, text: str) -> None:
        try:
            await self.bot.edit_message_text(
                text,
                chat_id=self.message.chat_id,
                message_id=self.message.message_id,
                link_preview_options=_NO_PREVIEW,
            )
            self.edits += 1
        except TelegramError as exc:  # progress is cosmetic: a 429 or a hiccup skips one
            log.warning("progress edit failed: %s", exc)

    async def settle(self) -> None:
        if self._task is not None:
            await self._task


class TelegramCommands:
    """The handlers `install` adds, bound to one Commands and one moderator policy."""

    def __init__(
        self,
        commands: Commands,
        *,
        moderators: frozenset[str] = frozenset(),
        admin_cache_ttl: float = 300,
        progress_interval: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
        limiter: Limiter | None = None,
    ) -> None:
        self.commands = commands
        self.limiter = limiter or Limiter(RateLimits(), is_group)
        self.moderators = moderators
        self.admin_cache_ttl = admin_cache_ttl
        self.progress_interval = progress_interval
        self.clock = clock
        self._admins: dict[tuple[int, int], tuple[float, bool]] = {}
        self.turns = _Turns()

    # ------------------------------------------------------------ who is calling

    async def is_moderator(
        self, bot: Bot, chat: Chat, user: User | None, sender_chat: Chat | None = None
    ) -> bool:
        if sender_chat is not None:
            # A channel posting, or an anonymous administrator posting as the group itself;
            # only administrators can do either. Another chat (a linked channel) is not.
            return sender_chat.id == chat.id
        if user is None:
            return False
        if str(user.id) in self.moderators or chat.type == ChatType.PRIVATE:
            return True
        key = (chat.id, user.id)
        now = self.clock()
        cached = self._admins.get(key)
        if cached is not None and cached[0] > now:
            return cached[1]
        try:
            member = await bot.get_chat_member(chat.id, user.id)
        except TelegramError as exc:
            log.warning("getChatMember %s/%s failed: %s", chat.id, user.id, exc)
            return False
        allowed = member.status in (ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR)
        if len(self._admins) > 10_000:
            self._admins = {k: v for k, v in self._admins.items() if v[0] > now}
        self._admins[key] = (now + self.admin_cache_ttl, allowed)
        return allowed

    async def caller(self, bot: Bot, message: Message) -> Caller:
        user = message.from_user
        sender = message.sender_chat
        thread = _thread(message)
        who = sender if sender is not None else None
        return Caller(
            platform="telegram",
            chat=str(message.chat_id),
            thread=str(thread) if thread else "",
            user=str(who.id) if who is not None else str(user.id) if user else "",
            name=(who.title or "") if who is not None else _user_name(user),
            is_moderator=await self.is_moderator(bot, message.chat, user, sender),
            is_operator=user is not None and str(user.id) in self.moderators,
            is_private=message.chat.type == ChatType.PRIVATE,
        )

    # ------------------------------------------------------------ handlers

    async def on_command(self, update: Update, context: Context) -> None:
        message = update.effective_message
        if message is None:
            return
        async with self.turns.turn(message.chat_id):
            await self._command(message, context)

    async def _command(self, message: Message, context: Context) -> None:
        name, _bot, args = _command_of(message)
        caller = await self.caller(context.bot, message)
        replied = message.reply_to_message
        if name == "import" and replied is not None and replied.document is not None:
            await self._import(context.bot, message, caller, replied.document, args)
            return
        reply = await self.commands.handle(caller, name, args)
        await self.send(context.bot, message, reply)

    async def on_unknown(self, update: Update, context: Context) -> None:
        message = update.effective_message
        if message is None:
            return
        name, addressed, args = _command_of(message)
        if _addressed_elsewhere(addressed, context.bot):
            return
        if not addressed and message.chat.type != ChatType.PRIVATE:
            return  # every bot in the group gets it: perhaps another bot's command
        async with self.turns.turn(message.chat_id):
            caller = await self.caller(context.bot, message)
            reply = await self.commands.handle(caller, name, args)
            await self.send(context.bot, message, reply)

    async def on_document(self, update: Update, context: Context) -> None:
        message = update.effective_message
        if message is None or message.document is None:
            return
        _name, addressed, args = _command_of(message)
        if _addressed_elsewhere(addressed, context.bot):
            return
        async with self.turns.turn(message.chat_id):
            caller = await self.caller(context.bot, message)
            await self._import(context.bot, message, caller, message.document, args)

    async def on_callback(self, update: Update, context: Context) -> None:
        query = update.callback_query
        if query is None:
            return
        chat = query.message.chat.id if query.message is not None else query.from_user.id
        async with self.turns.turn(("button", chat)):
            await self._callback(query, context)

    async def _callback(self, query: CallbackQuery, context: Context) -> None:
        message = query.message
        if not isinstance(message, Message):  # too old to be accessible
            await _answer(query, EXPIRED)
            return
        thread = _thread(message)
        caller = Caller(
            platform="telegram",
            chat=str(message.chat_id),
            thread=str(thread) if thread else "",
            user=str(query.from_user.id),
            name=_user_name(query.from_user),
            # Paging is for everyone: no getChatMember per press (a flood of presses would
            # be a flood of API calls).
        )
        reply = await self.commands.callback(
            caller, query.data or "", message_buttons=_button_data(message)
        )
        if reply.error:
            await _answer(query, telegram_plain(reply))
            return
        chunks = self.chunks(reply)
        markup = keyboard(reply.buttons)
        try:
            await self._paced(
                message.chat_id,
                context.bot.edit_message_text,
                chunks[0],
                chat_id=message.chat_id,
                message_id=message.message_id,
                parse_mode=ParseMode.HTML,
                link_preview_options=_NO_PREVIEW,
                reply_markup=markup if len(chunks) == 1 else None,
            )
        except BadRequest as exc:
            if "not modified" not in exc.message.lower():
                # The message was deleted, or is too old to edit: nothing to page.
                log.info("paging message %s/%s: %s", message.chat_id, message.message_id, exc)
                await _answer(query, EXPIRED)
                return
        await _answer(query, None)
        if len(chunks) > 1:
            await self._send_chunks(context.bot, message.chat_id, thread, chunks[1:], markup, None)

    # ------------------------------------------------------------ import

    async def _import(
        self, bot: Bot, message: Message, caller: Caller, document: Document, args: str
    ) -> None:
        if not caller.is_moderator:  # refused before anything is downloaded
            await self.send(bot, message, await self.commands.handle(caller, "import", args))
            return
        size = document.file_size or 0
        if size > MAX_OPML_BYTES:
            limit = MAX_OPML_BYTES // 1024 // 1024
            await self.send(
                bot, message, refusal(f"Nothing imported: the file is over {limit} MB.")
            )
            return
        try:
            file = await bot.get_file(document.file_id)
            data = bytes(await file.download_as_bytearray())
        except TelegramError as exc:  # answered: a failed download is not silence
            log.warning("downloading an OPML file failed: %s", exc)
            reason = refusal(f"Nothing imported: the file could not be downloaded ({exc}).")
            await self.send(bot, message, reason)
            return
        progress: _Progress | None = None
        if len(data) > PROGRESS_BYTES:
            sent = await self._send_chunks(
                bot,
                message.chat_id,
                _thread(message),
                ["Importing feeds…"],
                None,
                message.message_id,
            )
            progress = _Progress(bot, sent, self.progress_interval, self.limiter)
        reply = await self.commands.handle(
            caller,
            "import",
            args,
            attachment=data,
            progress=progress.update if progress is not None else None,
        )
        if progress is None:
            await self.send(bot, message, reply)
            return
        await progress.settle()
        chunks = self.chunks(reply)
        if len(chunks) == 1 and reply.document is None and not reply.buttons:
            with contextlib.suppress(BadRequest):  # "not modified": the same text already
                await self._paced(
                    progress.message.chat_id,
                    bot.edit_message_text,
                    chunks[0],
                    chat_id=progress.message.chat_id,
                    message_id=progress.message.message_id,
                    parse_mode=ParseMode.HTML,
                    link_preview_options=_NO_PREVIEW,
                )
            return
        await self.send(bot, message, reply)

    # ------------------------------------------------------------ sending

    @staticmethod
    def chunks(reply: Reply) -> list[str]:
        """A paged reply is kept to one message when it can be (compact), so a button press
        edits the whole of it."""
        chunks = telegram_chunks(reply)
        if reply.buttons and len(chunks) > 1:
            chunks = telegram_chunks(reply, compact=True)
        return chunks

    async def send(self, bot: Bot, message: Message, reply: Reply) -> Message:
        """Answer `message` (in its chat and topic) with the reply; returns the last message."""
        chat_id = message.chat_id
        thread = _thread(message)
        quote = message.message_id if message.chat.type != ChatType.CHANNEL else None
        chunks = self.chunks(reply)
        if reply.document is not None:
            caption = telegram_chunks(reply, limit=MAX_CAPTION)
            doc = reply.document
            sent = await self._paced(
                chat_id,
                bot.send_document,
                chat_id,
                document=doc.data,
                filename=doc.filename,
                caption=caption[0] if len(caption) == 1 else None,
                parse_mode=ParseMode.HTML,
                message_thread_id=thread,
                reply_parameters=_quote(quote),
            )
            if len(caption) == 1:
                return sent
            quote = None
        return await self._send_chunks(bot, chat_id, thread, chunks, keyboard(reply.buttons), quote)

    async def _paced(
        self, chat: int, call: Callable[..., Awaitable[T]], /, *args: Any, **kwargs: Any
    ) -> T:
        """`call(*args, **kwargs)` in a slot of the chat's windows (shared with the alerts);
        after a 429 the chat is held for both, and a short wait is retried once (a reply is
        interactive: a long one is not worth it, and is raised)."""
        key = str(chat)
        try:
            return await self._answered(key, call, *args, **kwargs)
        except RetryAfter as exc:
            wait = exc.retry_after
            seconds = wait.total_seconds() if not isinstance(wait, int) else float(wait)
            self.limiter.hold_chat(key, seconds)
            if seconds > MAX_RETRY_WAIT:
                raise
            return await self._answered(key, call, *args, **kwargs)

    async def _answered(
        self, key: str, call: Callable[..., Awaitable[T]], /, *args: Any, **kwargs: Any
    ) -> T:
        """One call in a slot, counted from its answer: Telegram measures arrivals, and a
        request can arrive well after its slot, so the next slot follows the answer (as the
        alerts' do), not only the slot (measured: a second reply in a private chat met a 429)."""
        await self.limiter.acquire(key)
        try:
            return await call(*args, **kwargs)
        finally:
            self.limiter.answered(key)

    async def _send_chunks(
        self,
        bot: Bot,
        chat_id: int,
        thread: int | None,
        chunks: list[str],
        markup: InlineKeyboardMarkup | None,
        quote: int | None,
    ) -> Message:
        last: Message | None = None
        for index, text in enumerate(chunks):
            final = index == len(chunks) - 1
            last = await self._paced(
                chat_id,
                bot.send_message,
                chat_id,
                text,
                parse_mode=ParseMode.HTML,
                message_thread_id=thread,
                link_preview_options=_NO_PREVIEW,
                reply_markup=markup if final else None,
                reply_parameters=_quote(quote) if index == 0 else None,
            )
        assert last is not None
        return last


def _quote(message_id: int | None) -> ReplyParameters | None:
    if message_id is None:
        return None
    return ReplyParameters(message_id=message_id, allow_sending_without_reply=True)


def _user_name(user: User | None) -> str:
    if user is None:
        return ""
    return f"@{user.username}" if user.username else user.full_name


def _button_data(message: Message) -> list[str]:
    """The callback data of the inline buttons on `message` (what a press on it may carry)."""
    markup = message.reply_markup
    rows = markup.inline_keyboard if markup is not None else ()
    return [b.callback_data for row in rows for b in row if isinstance(b.callback_data, str)]


async def _answer(query: CallbackQuery, text: str | None) -> None:
    """Answer a button press (a refusal as an alert); an answer that comes too late is logged."""
    try:
        await query.answer(text, show_alert=text is not None)
    except TelegramError as exc:
        log.warning("answering a button press failed: %s", exc)
