"""A local fake of the Telegram Bot API for driving the REAL python-telegram-bot client in tests.

This module owns `FakeTelegram`: an aiohttp.web server on 127.0.0.1 (random port) that speaks
the Bot API at ``/bot{token}/{method}`` and serves files at ``/file/bot{token}/{file_path}``.
Point the library at it with::

    Application.builder().token(tg.token).base_url(tg.base_url).base_file_url(tg.base_file_url)

It runs either in the test's own event loop (``async with FakeTelegram() as tg:``) or in a
background thread with its own loop (``with FakeTelegram.threaded() as tg:``), so subprocesses
and code running other loops can use it too.

What it models (see DESIGN.md §5):
- long-poll ``getUpdates`` (holds until an update is queued or ``timeout`` passes; ``offset``
  confirms updates, which stay queued until confirmed, like the real API; a second concurrent
  poller terminates the first with 409 Conflict);
- messages with per-chat incrementing ids, edits ("message is not modified"), replies,
  callback queries, documents (upload, ``getFile``, download), bot commands per scope,
  chat members;
- form-encoded, multipart and JSON bodies (form values are strings, nested objects JSON strings);
- the flood limits (global per second, per private chat per second, per group per minute) on
  sendMessage / editMessageText / sendDocument, answered with 429 + ``retry_after``;
- per-chat faults (blocked, kicked, chat not found, migrated, 5xx, flood, slow, outage) and a
  platform-wide outage;
- the validation the real API applies that bots most often trip over: HTML that does not parse,
  texts over 4096 / captions over 1024 characters, callback data over 64 bytes, invalid command
  names, unknown methods (404) and wrong tokens (401).

It is not a mock of the library: every call goes over HTTP through the real client.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import itertools
import json
import math
import os
import re
import threading
import time
from collections import Counter, deque
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import Any, NoReturn

from aiohttp import web

JSON = dict[str, Any]
ChatKey = int | str

#: Methods the flood limits apply to.
RATE_LIMITED_METHODS = frozenset({"sendmessage", "editmessagetext", "senddocument"})
#: Kinds accepted by `FakeTelegram.fail_chat`.
FAULT_KINDS = frozenset(
    {
        "blocked",
        "kicked",
        "deactivated",
        "not_found",
        "migrated",
        "server_error",
        "flood",
        "outage",
        "slow",
        "slow_ack",
    }
)
MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64
MAX_DOWNLOAD = 20 * 1024 * 1024

# Parameters that are strings on the wire and must never be JSON-decoded, even if they look
# like JSON ("[1] breaking" as a text, "123" as a file id or callback query id).
_STRING_PARAMS = frozenset(
    {
        "text",
        "caption",
        "parse_mode",
        "callback_query_id",
        "inline_message_id",
        "file_id",
        "document",
        "language_code",
        "url",
        "title",
        "description",
        "short_description",
        "name",
        "business_connection_id",
        "message_effect_id",
        "secret_token",
        "action",
    }
)
_ALLOWED_TAGS = frozenset(
    {
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "span",
        "tg-spoiler",
        "a",
        "code",
        "pre",
        "blockquote",
        "tg-emoji",
    }
)
_TAG_RE = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)?([^<>]*)>")
_ENTITY_RE = re.compile(r"&(#[0-9]+|#x[0-9A-Fa-f]+|lt|gt|amp|quot);")
_COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")


class ApiError(Exception):
    """An error answer of the fake API: HTTP status, description and optional parameters."""

    def __init__(self, status: int, description: str, parameters: JSON | None = None) -> None:
        super().__init__(f"{status} {description}")
        self.status = status
        self.description = description
        self.parameters = parameters


@dataclass
class RateLimits:
    """Flood limits of the fake; mutable at any time (``tg.limits.enabled = False``).

    ``global_per_second`` counts every rate-limited call, ``per_chat_per_second`` applies to
    private chats (chat id > 0), ``per_group_per_minute`` to groups, supergroups and channels
    (chat id < 0 or an ``@username``). ``window_scale`` multiplies the 1 s / 60 s windows
    (0.1 compresses time tenfold for benchmarks). ``algorithm`` is ``"sliding"`` (at most N
    calls in any window) or ``"bucket"`` (token bucket of capacity N refilled at N per window,
    the shape aiolimiter/AIORateLimiter uses: it allows a burst of N and then N per window).
    """

    enabled: bool = True
    global_per_second: int = 30
    per_chat_per_second: int = 1
    per_group_per_minute: int = 20
    window_scale: float = 1.0
    algorithm: str = "sliding"


@dataclass
class Fault:
    """A fault injected with `FakeTelegram.fail_chat`."""

    kind: str
    new_chat_id: int | None = None
    status: int = 500
    delay: float = 2.0
    retry_after: int = 5
    times: int | None = None
    methods: frozenset[str] | None = None


@dataclass
class StoredFile:
    file_id: str
    file_unique_id: str
    file_path: str
    data: bytes
    file_name: str | None = None
    mime_type: str | None = None


class _Window:
    """One rate-limit key: a sliding window or a token bucket of ``limit`` per ``period``."""

    def __init__(self, limit: int, period: float, algorithm: str) -> None:
        self.limit = limit
        self.period = period
        self.algorithm = algorithm
        self.hits: deque[float] = deque()
        self.tokens = float(limit)
        self.stamp = time.monotonic()

    def retry_after(self, now: float) -> int | None:
        """Seconds to wait (≥ 1, integer like the real API) or None when a call is allowed."""
        if self.limit <= 0:
            return None
        if self.algorithm == "bucket":
            rate = self.limit / self.period
            self.tokens = min(float(self.limit), self.tokens + (now - self.stamp) * rate)
            self.stamp = now
            if self.tokens >= 1.0:
                return None
            return max(1, math.ceil((1.0 - self.tokens) / rate))
        while self.hits and self.hits[0] <= now - self.period:
            self.hits.popleft()
        if len(self.hits) < self.limit:
            return None
        return max(1, math.ceil(self.hits[0] + self.period - now))

    def hit(self, now: float) -> None:
        if self.algorithm == "bucket":
            self.tokens -= 1.0
        else:
            self.hits.append(now)


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


def parse_html(text: str) -> str:
    """Validate Telegram HTML like the Bot API does and return the plain text it renders.

    Raises `ApiError` 400 "Bad Request: can't parse entities: …" for unsupported or unbalanced
    tags and for a bare ``<``. A bare ``&`` is tolerated (kept literally) as Telegram does.
    """
    out: list[str] = []
    stack: list[tuple[str, int]] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "<":
            m = _TAG_RE.match(text, i)
            if m is None:
                raise ApiError(
                    400,
                    "Bad Request: can't parse entities: Unclosed start tag at byte offset "
                    f"{_byte_offset(text, i)}",
                )
            closing, name, _attrs = m.group(1), (m.group(2) or "").lower(), m.group(3)
            offset = _byte_offset(text, i)
            if closing:
                if not stack:
                    raise ApiError(
                        400,
                        "Bad Request: can't parse entities: Unexpected end tag at byte offset "
                        f"{offset}",
                    )
                expected, _ = stack.pop()
                if name != expected:
                    raise ApiError(
                        400,
                        "Bad Request: can't parse entities: Unmatched end tag at byte offset "
                        f'{offset}, expected "</{expected}>", found "</{name}>"',
                    )
            else:
                if name not in _ALLOWED_TAGS:
                    raise ApiError(
                        400,
                        f'Bad Request: can\'t parse entities: Unsupported start tag "{name}" at '
                        f"byte offset {offset}",
                    )
                stack.append((name, offset))
            i = m.end()
            continue
        if ch == "&":
            m = _ENTITY_RE.match(text, i)
            if m is not None:
                out.append(html.unescape(m.group(0)))
                i = m.end()
                continue
        out.append(ch)
        i += 1
    if stack:
        name, offset = stack[-1]
        raise ApiError(
            400,
            "Bad Request: can't parse entities: Can't find end tag corresponding to start tag "
            f'"{name}"',
        )
    return "".join(out)


class FakeTelegram:
    """A fake Telegram Bot API server; see the module docstring.

    ``start()`` adds 127.0.0.1 and localhost to NO_PROXY / no_proxy in os.environ, so a proxy
    variable cannot capture the client's calls (subprocesses inherit it).

    Records (read them freely from any thread):
      ``sent``      successful outgoing calls in order (sendMessage, editMessageText,
                    sendDocument, answerCallbackQuery, deleteMessage): dicts with ``method``,
                    ``time`` (time.monotonic()), ``chat_id`` and the method's fields;
      ``requests``  Counter of every API method called (canonical spelling), answered or not;
      ``calls``     every API call: method, params, status, time;
      ``errors``    every non-2xx answer: method, chat_id, status, description, parameters;
      ``throttled`` how many 429s the flood limits (and "flood" faults) answered;
      ``chats`` / ``users`` / ``members`` / ``files``  the model, editable by tests;
      ``commands``  setMyCommands per scope key ("default", "all_private_chats",
                    "chat:<id>", "chat_member:<id>:<user>", …; "<scope>/<lang>" with a
                    language code): list of {"command", "description"}.
    """

    def __init__(
        self,
        token: str = "123:ABC",
        *,
        bot_username: str = "newsbot_test",
        bot_name: str = "NewsBot Test",
        limits: RateLimits | None = None,
        rate_limits: bool = True,
        strict_html: bool = True,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.token = token
        self.bot_username = bot_username
        self.bot_name = bot_name
        self.bot_id = int(token.split(":", 1)[0]) if token.split(":", 1)[0].isdigit() else 1
        self.limits = limits or RateLimits()
        if not rate_limits:
            self.limits.enabled = False
        self.strict_html = strict_html
        self.host = host
        self.port = port

        self.sent: list[JSON] = []
        self.requests: Counter[str] = Counter()
        self.calls: list[JSON] = []
        self.errors: list[JSON] = []
        self.throttled = 0
        self.commands: dict[str, list[JSON]] = {}
        self.chats: dict[ChatKey, JSON] = {}
        self.users: dict[int, JSON] = {}
        self.members: dict[tuple[ChatKey, int], JSON] = {}
        self.files: dict[str, StoredFile] = {}
        self.faults: dict[ChatKey | None, Fault] = {}
        self.outage_mode: str | None = None

        self._lock = threading.RLock()
        self._updates: list[JSON] = []
        self._update_ids = itertools.count(1)
        self._message_ids: dict[ChatKey, int] = {}
        self._messages: dict[tuple[ChatKey, int], JSON] = {}
        self._callbacks: dict[str, JSON] = {}
        self._callback_ids = itertools.count(1)
        self._file_ids = itertools.count(1)
        self._windows: dict[tuple[str, ChatKey], _Window] = {}
        self._poll_generation = 0
        self._waiters: set[asyncio.Future[None]] = set()
        self._closing = False
        self._closed_event: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._runner: web.AppRunner | None = None
        self._thread: threading.Thread | None = None
        self._handlers: dict[str, Callable[[JSON, web.Request], Awaitable[Any]]] = {
            "getme": self._get_me,
            "getupdates": self._get_updates,
            "deletewebhook": self._delete_webhook,
            "getwebhookinfo": self._get_webhook_info,
            "setmycommands": self._set_my_commands,
            "getmycommands": self._get_my_commands,
            "deletemycommands": self._delete_my_commands,
            "sendmessage": self._send_message,
            "editmessagetext": self._edit_message_text,
            "deletemessage": self._delete_message,
            "sendchataction": self._send_chat_action,
            "answercallbackquery": self._answer_callback_query,
            "getchat": self._get_chat,
            "getchatmember": self._get_chat_member,
            "getchatadministrators": self._get_chat_administrators,
            "senddocument": self._send_document,
            "getfile": self._get_file,
        }
        self._canonical = {
            "getme": "getMe",
            "getupdates": "getUpdates",
            "deletewebhook": "deleteWebhook",
            "getwebhookinfo": "getWebhookInfo",
            "setmycommands": "setMyCommands",
            "getmycommands": "getMyCommands",
            "deletemycommands": "deleteMyCommands",
            "sendmessage": "sendMessage",
            "editmessagetext": "editMessageText",
            "deletemessage": "deleteMessage",
            "sendchataction": "sendChatAction",
            "answercallbackquery": "answerCallbackQuery",
            "getchat": "getChat",
            "getchatmember": "getChatMember",
            "getchatadministrators": "getChatAdministrators",
            "senddocument": "sendDocument",
            "getfile": "getFile",
        }

    # ------------------------------------------------------------------ addresses

    @property
    def url(self) -> str:
        """Root of the server, e.g. ``http://127.0.0.1:PORT``."""
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        """For ``Bot(base_url=…)`` / ``ApplicationBuilder.base_url``: ``…/bot`` (token appended)."""
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        """For ``Bot(base_file_url=…)`` / ``ApplicationBuilder.base_file_url``."""
        return f"{self.url}/file/bot"

    @property
    def bot_user(self) -> JSON:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.bot_name,
            "username": self.bot_username,
        }

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> FakeTelegram:
        """Start serving in the running event loop."""
        _ensure_no_proxy()
        self._loop = asyncio.get_running_loop()
        self._closing = False
        self._closed_event = asyncio.Event()
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/file/bot{token}/{file_path:.+}", self._handle_file)
        app.router.add_route("*", "/{prefix}/{method}", self._handle_api)
        self._runner = web.AppRunner(
            app, access_log=None, handler_cancellation=True, shutdown_timeout=1.0
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        server = site._server
        assert server is not None
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]
        return self

    async def stop(self) -> None:
        """Stop serving: held long polls answer [] at once, slow calls are cut short."""
        self._closing = True
        if self._closed_event is not None:
            self._closed_event.set()
        self._wakeup()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeTelegram:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    def start_in_thread(self, timeout: float = 10.0) -> FakeTelegram:
        """Start serving from a daemon thread running its own event loop."""
        loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=loop.run_forever, name="FakeTelegram", daemon=True)
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self.start(), loop).result(timeout)
        return self

    def stop_thread(self, timeout: float = 10.0) -> None:
        """Stop a server started with `start_in_thread` and join its thread."""
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        try:
            asyncio.run_coroutine_threadsafe(self.stop(), loop).result(timeout)
        finally:
            loop.call_soon_threadsafe(loop.stop)
            thread.join(timeout)
            if not thread.is_alive():
                loop.close()
            self._thread = None

    @classmethod
    @contextlib.contextmanager
    def threaded(cls, token: str = "123:ABC", **kwargs: Any) -> Iterator[FakeTelegram]:
        """``with FakeTelegram.threaded(token=…) as tg:`` — a server in a background thread."""
        tg = cls(token, **kwargs).start_in_thread()
        try:
            yield tg
        finally:
            tg.stop_thread()

    def __enter__(self) -> FakeTelegram:
        return self.start_in_thread()

    def __exit__(self, *exc: object) -> None:
        self.stop_thread()

    # ------------------------------------------------------------------ configuration

    def set_limits(self, **changes: Any) -> None:
        """Change `RateLimits` fields (``enabled``, ``global_per_second``, …); resets windows."""
        for key, value in changes.items():
            if not hasattr(self.limits, key):
                raise TypeError(f"unknown rate limit field {key!r}")
            setattr(self.limits, key, value)
        self._windows.clear()

    def fail_chat(
        self,
        chat_id: ChatKey | None,
        kind: str,
        *,
        new_chat_id: int | None = None,
        status: int | None = None,
        delay: float = 2.0,
        retry_after: int = 5,
        times: int | None = None,
        methods: list[str] | None = None,
    ) -> None:
        """Make calls that name ``chat_id`` (None: any chat) fail with ``kind``.

        Kinds: "blocked" (403 bot was blocked by the user), "kicked" (403 bot was kicked from the
        group chat), "deactivated" (403 user is deactivated), "not_found" (400 chat not found),
        "migrated" (400 + migrate_to_chat_id=new_chat_id), "server_error" (``status`` 500 JSON
        or 502 HTML like the real front end), "flood" (429 retry_after=``retry_after``),
        "outage" (the connection is closed without an answer), "slow" (wait ``delay`` s, then
        answer normally), "slow_ack" (do the work, then wait ``delay`` s before answering — a
        client that times out has in fact delivered). ``times`` limits how many calls fail
        (None: until `clear_fault`); ``methods`` limits the methods (default: all methods
        carrying that chat_id).
        """
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; expected one of {sorted(FAULT_KINDS)}")
        if kind == "migrated" and new_chat_id is None:
            raise ValueError("kind='migrated' needs new_chat_id")
        key = None if chat_id is None else _chat_key(chat_id)
        self.faults[key] = Fault(
            kind=kind,
            new_chat_id=new_chat_id,
            status=status or (500 if kind == "server_error" else 0),
            delay=delay,
            retry_after=retry_after,
            times=times,
            methods=frozenset(m.lower() for m in methods) if methods else None,
        )

    def clear_fault(self, chat_id: ChatKey | None = None, *, all_chats: bool = False) -> None:
        """Remove the fault of ``chat_id`` (None: the any-chat fault), or every fault."""
        if all_chats:
            self.faults.clear()
        else:
            self.faults.pop(None if chat_id is None else _chat_key(chat_id), None)

    def outage(self, mode: str | None = "close") -> None:
        """Platform-wide outage for every request, getUpdates and downloads included.

        ``mode``: "close" (drop the connection), "502" (HTML Bad Gateway), "hang" (never answer
        until the client gives up) or None to end the outage.
        """
        if mode not in (None, "close", "502", "hang"):
            raise ValueError(f"unknown outage mode {mode!r}")
        self.outage_mode = mode

    def add_chat(
        self,
        chat_id: int,
        chat_type: str | None = None,
        *,
        title: str | None = None,
        username: str | None = None,
        is_forum: bool | None = None,
    ) -> JSON:
        """Register (or update) a chat; returns its Chat object."""
        with self._lock:
            chat = self._chat(chat_id, chat_type)
            if title is not None and chat["type"] != "private":
                chat["title"] = title
            if username is not None:
                chat["username"] = username
            if is_forum is not None:
                chat["is_forum"] = is_forum
            return chat

    def set_member(self, chat_id: int, user_id: int, status: str = "member", **fields: Any) -> None:
        """Set the status getChatMember answers for (chat, user): "creator", "administrator",
        "member", "restricted", "left" or "kicked"; ``fields`` override the ChatMember fields."""
        if status not in ("creator", "administrator", "member", "restricted", "left", "kicked"):
            raise ValueError(f"unknown chat member status {status!r}")
        with self._lock:
            self.members[(_chat_key(chat_id), user_id)] = {"status": status, **fields}

    # ------------------------------------------------------------------ incoming updates

    def push_update(self, update: JSON) -> JSON:
        """Queue a raw update (an ``update_id`` is assigned if missing); returns it.

        A message it carries is stored too, so the bot can reply to it (``reply_text`` quotes
        in groups) or edit it, and later message ids in that chat continue after it.
        """
        with self._lock:
            if "update_id" not in update:
                update["update_id"] = next(self._update_ids)
            for kind in ("message", "edited_message", "channel_post", "edited_channel_post"):
                message = update.get(kind)
                if isinstance(message, dict) and "chat" in message and "message_id" in message:
                    key = _chat_key(message["chat"]["id"])
                    self._messages[(key, int(message["message_id"]))] = message
                    current = self._message_ids.get(key, 0)
                    self._message_ids[key] = max(current, int(message["message_id"]))
            self._updates.append(update)
        self._notify()
        return update

    def push_text(
        self,
        chat_id: int,
        user_id: int,
        text: str,
        *,
        chat_type: str | None = None,
        username: str | None = None,
        first_name: str | None = None,
        message_thread_id: int | None = None,
        reply_to_message_id: int | None = None,
        entities: list[JSON] | None = None,
    ) -> JSON:
        """Queue a text message from ``user_id`` in ``chat_id`` (a channel post for channels)."""
        with self._lock:
            message = self._incoming_message(
                chat_id, user_id, chat_type, username, first_name, message_thread_id
            )
            message["text"] = text
            if entities:
                message["entities"] = entities
            if reply_to_message_id is not None:
                replied = self._messages.get((_chat_key(chat_id), reply_to_message_id))
                if replied is not None:
                    message["reply_to_message"] = _without_reply(replied)
            return self._queue_message(message)

    def push_command(
        self,
        chat_id: int,
        user_id: int,
        text: str,
        *,
        chat_type: str | None = None,
        username: str | None = None,
        first_name: str | None = None,
        bot_username: str | None = None,
        message_thread_id: int | None = None,
    ) -> JSON:
        """Queue a command message with its ``bot_command`` entity.

        ``text`` starts with the command ("/lookup Rostec"); with ``bot_username`` the command
        is addressed ("/lookup@newsbot_test Rostec"). The entity covers the command including
        any ``@botname``, measured in UTF-16 code units as the real API does.
        """
        if not text.startswith("/"):
            raise ValueError("a command starts with '/'")
        command, sep, rest = text.partition(" ")
        if bot_username and "@" not in command:
            command = f"{command}@{bot_username}"
        full = f"{command}{sep}{rest}"
        entity = {"type": "bot_command", "offset": 0, "length": _utf16_len(command)}
        return self.push_text(
            chat_id,
            user_id,
            full,
            chat_type=chat_type,
            username=username,
            first_name=first_name,
            message_thread_id=message_thread_id,
            entities=[entity],
        )

    def push_callback(
        self,
        chat_id: int,
        user_id: int,
        message_id: int,
        data: str,
        *,
        chat_type: str | None = None,
        username: str | None = None,
        first_name: str | None = None,
    ) -> JSON:
        """Queue a callback_query for a button under message ``message_id`` in ``chat_id``.

        The query id is ``update["callback_query"]["id"]``; answerCallbackQuery accepts it once.
        """
        with self._lock:
            key = _chat_key(chat_id)
            chat = self._chat(chat_id, chat_type)
            user = self._user(user_id, username, first_name)
            message = self._messages.get((key, message_id))
            if message is None:
                message = {
                    "message_id": message_id,
                    "date": int(time.time()),
                    "chat": chat,
                    "from": self.bot_user,
                    "text": "",
                }
            query_id = str(next(self._callback_ids) * 1000 + 7)
            query = {
                "id": query_id,
                "from": user,
                "message": _without_reply(message),
                "chat_instance": f"ci{abs(hash(key)) % 10**9}",
                "data": data,
            }
            self._callbacks[query_id] = {"answered": False, "query": query}
        return self.push_update({"callback_query": query})

    def push_document(
        self,
        chat_id: int,
        user_id: int,
        filename: str,
        data: bytes,
        *,
        caption: str | None = None,
        mime_type: str | None = None,
        chat_type: str | None = None,
        username: str | None = None,
        first_name: str | None = None,
    ) -> JSON:
        """Queue a document message; its file can be fetched with getFile + the download URL."""
        with self._lock:
            stored = self._store_file(data, filename, mime_type or _guess_mime(filename))
            message = self._incoming_message(chat_id, user_id, chat_type, username, first_name)
            message["document"] = _document_json(stored)
            if caption is not None:
                message["caption"] = caption
            return self._queue_message(message)

    @property
    def pending_updates(self) -> list[JSON]:
        """Updates queued and not yet confirmed by an offset."""
        with self._lock:
            return list(self._updates)

    # ------------------------------------------------------------------ reading records

    def messages_to(self, chat_id: ChatKey) -> list[JSON]:
        """sendMessage / sendDocument records for ``chat_id``, in order."""
        key = _chat_key(chat_id)
        return [
            s
            for s in list(self.sent)
            if s["method"] in ("sendMessage", "sendDocument") and s.get("chat_id") == key
        ]

    def texts_to(self, chat_id: ChatKey) -> list[str]:
        """Texts (as sent, markup included) of sendMessage calls to ``chat_id``."""
        return [s["text"] for s in self.messages_to(chat_id) if s["method"] == "sendMessage"]

    def message(self, chat_id: ChatKey, message_id: int) -> JSON | None:
        """The current state of a stored message (edits applied), or None."""
        with self._lock:
            return self._messages.get((_chat_key(chat_id), message_id))

    def sent_matching(
        self, *, chat_id: ChatKey | None = None, method: str | None = None
    ) -> list[JSON]:
        key = None if chat_id is None else _chat_key(chat_id)
        return [
            s
            for s in list(self.sent)
            if (key is None or s.get("chat_id") == key)
            and (method is None or s["method"] == method)
        ]

    async def wait_for_sent(
        self,
        n: int = 1,
        timeout: float = 5.0,  # noqa: ASYNC109 - a bounded poll, not a cancellation scope
        *,
        chat_id: ChatKey | None = None,
        method: str | None = None,
    ) -> list[JSON]:
        """Wait (bounded) until at least ``n`` matching records are in `sent`; return them.

        Raises AssertionError with what was sent when ``timeout`` passes first. Works from any
        event loop (it only polls the records).
        """
        deadline = time.monotonic() + timeout
        while True:
            found = self.sent_matching(chat_id=chat_id, method=method)
            if len(found) >= n:
                return found
            if time.monotonic() >= deadline:
                raise AssertionError(self._timeout_message(n, found, chat_id, method, timeout))
            await asyncio.sleep(0.01)

    def wait_for_sent_sync(
        self,
        n: int = 1,
        timeout: float = 5.0,
        *,
        chat_id: ChatKey | None = None,
        method: str | None = None,
    ) -> list[JSON]:
        """`wait_for_sent` for synchronous code (threaded mode, subprocess tests)."""
        deadline = time.monotonic() + timeout
        while True:
            found = self.sent_matching(chat_id=chat_id, method=method)
            if len(found) >= n:
                return found
            if time.monotonic() >= deadline:
                raise AssertionError(self._timeout_message(n, found, chat_id, method, timeout))
            time.sleep(0.01)

    async def wait_for_requests(
        self,
        method: str,
        n: int = 1,
        timeout: float = 5.0,  # noqa: ASYNC109 - a bounded poll, not a cancellation scope
    ) -> int:
        """Wait (bounded) until ``method`` was called at least ``n`` times; return the count."""
        deadline = time.monotonic() + timeout
        while self.requests[method] < n:
            if time.monotonic() >= deadline:
                raise AssertionError(
                    f"{method} called {self.requests[method]} times, wanted {n} within "
                    f"{timeout}s; requests: {dict(self.requests)}"
                )
            await asyncio.sleep(0.01)
        return self.requests[method]

    def clear_records(self) -> None:
        """Forget `sent`, `requests`, `calls`, `errors` and the 429 count (not chats/messages)."""
        self.sent.clear()
        self.requests.clear()
        self.calls.clear()
        self.errors.clear()
        self.throttled = 0

    def _timeout_message(
        self, n: int, found: list[JSON], chat_id: ChatKey | None, method: str | None, t: float
    ) -> str:
        brief = [
            {k: s.get(k) for k in ("method", "chat_id", "text", "filename") if k in s}
            for s in self.sent[-20:]
        ]
        return (
            f"wanted {n} sent record(s) (chat_id={chat_id}, method={method}) within {t}s, "
            f"got {len(found)}; last sent: {brief}; errors: {self.errors[-5:]}"
        )

    # ------------------------------------------------------------------ HTTP layer

    async def _handle_api(self, request: web.Request) -> web.StreamResponse:
        prefix = request.match_info["prefix"]
        method_raw = request.match_info["method"]
        lower = method_raw.lower()
        canonical = self._canonical.get(lower, method_raw)
        await self._outage(request)
        self.requests[canonical] += 1
        record: JSON = {"method": canonical, "time": time.monotonic(), "params": {}}
        self.calls.append(record)
        if not prefix.startswith("bot"):
            return self._error_response(record, ApiError(404, "Not Found"))
        if prefix[3:] != self.token:
            return self._error_response(record, ApiError(401, "Unauthorized"))
        handler = self._handlers.get(lower)
        if handler is None:
            return self._error_response(record, ApiError(404, "Not Found"))
        try:
            params = await _read_params(request)
            record["params"] = {k: v for k, v in params.items() if not isinstance(v, web.FileField)}
            after = await self._apply_fault(lower, params)
            if lower in RATE_LIMITED_METHODS:
                self._check_rate(params)
            result = await handler(params, request)
            if after:
                await self._sleep(after)
        except _DropConnection:
            record["status"] = 0
            _drop_connection(request)
        except ApiError as exc:
            return self._error_response(record, exc)
        record["status"] = 200
        return web.json_response({"ok": True, "result": result})

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        await self._outage(request)
        self.requests["<download>"] += 1
        if request.match_info["token"] != self.token:
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        path = request.match_info["file_path"]
        with self._lock:
            stored = next((f for f in self.files.values() if f.file_path == path), None)
        if stored is None:
            return web.json_response(
                {"ok": False, "error_code": 404, "description": "Not Found"}, status=404
            )
        return web.Response(
            body=stored.data, content_type=stored.mime_type or "application/octet-stream"
        )

    async def _outage(self, request: web.Request) -> None:
        """During an outage, answer 502 or drop the connection (both raise)."""
        mode = self.outage_mode
        if mode is None:
            return
        self.requests["<outage>"] += 1
        if mode == "hang":
            await self._sleep(3600)
        if mode == "502":
            raise web.HTTPBadGateway(
                text="<html><body><h1>502 Bad Gateway</h1></body></html>",
                content_type="text/html",
            )
        _drop_connection(request)

    def _error_response(self, record: JSON, exc: ApiError) -> web.Response:
        record["status"] = exc.status
        params = record.get("params") or {}
        self.errors.append(
            {
                "method": record["method"],
                "chat_id": _maybe_chat_key(params.get("chat_id")),
                "status": exc.status,
                "description": exc.description,
                "parameters": exc.parameters,
                "time": record["time"],
            }
        )
        if exc.status == 429:
            self.throttled += 1
        if exc.status == 502:
            return web.Response(
                status=502,
                text="<html><body><h1>502 Bad Gateway</h1></body></html>",
                content_type="text/html",
            )
        body: JSON = {"ok": False, "error_code": exc.status, "description": exc.description}
        if exc.parameters:
            body["parameters"] = exc.parameters
        return web.json_response(body, status=exc.status)

    async def _sleep(self, seconds: float) -> None:
        """Sleep, but wake up early when the server stops."""
        event = self._closed_event
        if event is None or event.is_set():
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(event.wait(), seconds)

    # ------------------------------------------------------------------ faults and limits

    async def _apply_fault(self, method: str, params: JSON) -> float:
        """Raise the injected error for this call, if any; return a post-answer delay."""
        if "chat_id" not in params or not self.faults:
            return 0.0
        key = _maybe_chat_key(params["chat_id"])
        fault = self.faults.get(key) or self.faults.get(None)
        if fault is None or (fault.methods is not None and method not in fault.methods):
            return 0.0
        if fault.times is not None:
            fault.times -= 1
            if fault.times <= 0:
                for k, v in list(self.faults.items()):
                    if v is fault:
                        del self.faults[k]
        kind = fault.kind
        if kind == "blocked":
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        if kind == "deactivated":
            raise ApiError(403, "Forbidden: user is deactivated")
        if kind == "kicked":
            chat_type = self.chats.get(key, {}).get("type") if key is not None else None
            where = "supergroup chat" if chat_type in ("supergroup", "channel") else "group chat"
            raise ApiError(403, f"Forbidden: bot was kicked from the {where}")
        if kind == "not_found":
            raise ApiError(400, "Bad Request: chat not found")
        if kind == "migrated":
            raise ApiError(
                400,
                "Bad Request: group chat was upgraded to a supergroup chat",
                {"migrate_to_chat_id": fault.new_chat_id},
            )
        if kind == "server_error":
            description = "Bad Gateway" if fault.status == 502 else "Internal Server Error"
            raise ApiError(fault.status, description)
        if kind == "flood":
            raise ApiError(
                429,
                f"Too Many Requests: retry after {fault.retry_after}",
                {"retry_after": fault.retry_after},
            )
        if kind == "outage":
            raise _DropConnection()
        if kind == "slow":
            await self._sleep(fault.delay)
            return 0.0
        if kind == "slow_ack":
            return fault.delay
        return 0.0  # pragma: no cover

    def _window(self, name: str, key: ChatKey, limit: int, period: float) -> _Window:
        window = self._windows.get((name, key))
        if window is None or window.limit != limit or window.algorithm != self.limits.algorithm:
            window = _Window(limit, period, self.limits.algorithm)
            self._windows[(name, key)] = window
        window.period = period
        return window

    def _check_rate(self, params: JSON) -> None:
        limits = self.limits
        if not limits.enabled:
            return
        now = time.monotonic()
        scale = limits.window_scale
        windows = [self._window("global", "", limits.global_per_second, 1.0 * scale)]
        key = _maybe_chat_key(params.get("chat_id"))
        if key is not None:
            if isinstance(key, int) and key > 0:
                windows.append(self._window("chat", key, limits.per_chat_per_second, 1.0 * scale))
            else:
                windows.append(
                    self._window("group", key, limits.per_group_per_minute, 60.0 * scale)
                )
        waits = [w for w in (window.retry_after(now) for window in windows) if w is not None]
        if waits:
            retry = max(waits)
            raise ApiError(429, f"Too Many Requests: retry after {retry}", {"retry_after": retry})
        for window in windows:
            window.hit(now)

    # ------------------------------------------------------------------ model helpers

    def _notify(self) -> None:
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            self._wakeup()
        else:
            loop.call_soon_threadsafe(self._wakeup)

    def _wakeup(self) -> None:
        for fut in list(self._waiters):
            if not fut.done():
                fut.set_result(None)
        self._waiters.clear()

    def _chat(self, chat_id: int, chat_type: str | None = None) -> JSON:
        key = _chat_key(chat_id)
        chat = self.chats.get(key)
        if chat is None:
            if chat_type is None:
                if isinstance(key, int) and key > 0:
                    chat_type = "private"
                elif str(key).startswith("-100"):
                    chat_type = "supergroup"
                else:
                    chat_type = "group"
            chat = {"id": key, "type": chat_type}
            if chat_type == "private":
                chat["first_name"] = f"User{key}"
            else:
                chat["title"] = f"Test {chat_type} {key}"
            self.chats[key] = chat
        elif chat_type is not None and chat["type"] != chat_type:
            chat["type"] = chat_type
        return chat

    def _resolve_chat(self, value: Any) -> JSON:
        key = _maybe_chat_key(value)
        if key is None:
            raise ApiError(400, "Bad Request: chat_id is empty")
        if isinstance(key, str):
            for chat in self.chats.values():
                if key.startswith("@") and chat.get("username", "").lower() == key[1:].lower():
                    return chat
            raise ApiError(400, "Bad Request: chat not found")
        return self._chat(key)

    def _user(
        self, user_id: int, username: str | None = None, first_name: str | None = None
    ) -> JSON:
        user = self.users.get(user_id)
        if user is None:
            user = {"id": user_id, "is_bot": False, "first_name": first_name or f"User{user_id}"}
            self.users[user_id] = user
        if username is not None:
            user["username"] = username
        if first_name is not None:
            user["first_name"] = first_name
        return user

    def _next_message_id(self, key: ChatKey) -> int:
        with self._lock:
            value = self._message_ids.get(key, 0) + 1
            self._message_ids[key] = value
            return value

    def _incoming_message(
        self,
        chat_id: int,
        user_id: int,
        chat_type: str | None,
        username: str | None,
        first_name: str | None,
        message_thread_id: int | None = None,
    ) -> JSON:
        chat = self._chat(chat_id, chat_type)
        if chat["type"] == "private" and username is not None:
            chat["username"] = username
        message: JSON = {
            "message_id": self._next_message_id(chat["id"]),
            "date": int(time.time()),
            "chat": chat,
        }
        if chat["type"] == "channel":
            message["sender_chat"] = chat
        else:
            message["from"] = self._user(user_id, username, first_name)
        if message_thread_id is not None:
            chat.setdefault("is_forum", True)
            message["message_thread_id"] = message_thread_id
            message["is_topic_message"] = True
        return message

    def _queue_message(self, message: JSON) -> JSON:
        key = "channel_post" if message["chat"]["type"] == "channel" else "message"
        return self.push_update({key: message})

    def _store_file(self, data: bytes, file_name: str | None, mime_type: str | None) -> StoredFile:
        n = next(self._file_ids)
        suffix = os.path.splitext(file_name or "")[1] or ".bin"
        stored = StoredFile(
            file_id=f"BQACAgIAAx{n:06d}fake",
            file_unique_id=f"AgAD{n:06d}",
            file_path=f"documents/file_{n}{suffix}",
            data=data,
            file_name=file_name,
            mime_type=mime_type,
        )
        self.files[stored.file_id] = stored
        return stored

    def _outgoing_message(self, chat: JSON, params: JSON) -> JSON:
        message: JSON = {
            "message_id": self._next_message_id(chat["id"]),
            "date": int(time.time()),
            "chat": chat,
            "from": self.bot_user,
        }
        if chat["type"] == "channel":
            message["sender_chat"] = chat
            del message["from"]
        thread = params.get("message_thread_id")
        if thread is not None:
            message["message_thread_id"] = int(thread)
            if chat.get("is_forum"):
                message["is_topic_message"] = True
        reply_to = _reply_to(params)
        if reply_to is not None:
            replied = self._messages.get((chat["id"], reply_to))
            if replied is not None:
                message["reply_to_message"] = _without_reply(replied)
            elif not (params.get("reply_parameters") or {}).get(
                "allow_sending_without_reply"
            ) and not params.get("allow_sending_without_reply"):
                raise ApiError(400, "Bad Request: message to be replied not found")
        markup = params.get("reply_markup")
        if isinstance(markup, dict):
            _check_markup(markup)
            if "inline_keyboard" in markup:
                message["reply_markup"] = markup
        return message

    def _render(self, text: str | None, parse_mode: str | None, *, caption: bool) -> str:
        limit = MAX_CAPTION if caption else MAX_TEXT
        raw = text or ""
        plain = raw
        if parse_mode and parse_mode.upper() == "HTML" and self.strict_html:
            plain = parse_html(raw)
        if not caption and not plain.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if _utf16_len(plain) > limit:
            what = "message caption is too long" if caption else "message is too long"
            raise ApiError(400, f"Bad Request: {what}")
        return plain

    def _record(self, method: str, **fields: Any) -> JSON:
        entry: JSON = {"method": method, "time": time.monotonic(), **fields}
        self.sent.append(entry)
        return entry

    # ------------------------------------------------------------------ API methods

    async def _get_me(self, params: JSON, request: web.Request) -> JSON:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _get_updates(self, params: JSON, request: web.Request) -> list[JSON]:
        offset = int(params.get("offset") or 0)
        limit = max(1, min(100, int(params.get("limit") or 100)))
        timeout = float(params.get("timeout") or 0)
        allowed = params.get("allowed_updates") or None
        self._poll_generation += 1
        generation = self._poll_generation
        self._wakeup()  # terminates an older held poll with 409, like the real API
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            if generation != self._poll_generation:
                raise ApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; make sure that only one "
                    "bot instance is running",
                )
            with self._lock:
                if offset < 0:
                    self._updates = self._updates[offset:]
                    offset = 0
                elif offset:
                    self._updates = [u for u in self._updates if u["update_id"] >= offset]
                batch = [u for u in self._updates if _allowed(u, allowed)][:limit]
            remaining = deadline - loop.time()
            if batch or self._closing or remaining <= 0:
                return batch
            fut: asyncio.Future[None] = loop.create_future()
            self._waiters.add(fut)
            try:
                await asyncio.wait_for(fut, remaining)
            except TimeoutError:
                pass
            finally:
                self._waiters.discard(fut)

    async def _delete_webhook(self, params: JSON, request: web.Request) -> bool:
        if params.get("drop_pending_updates"):
            with self._lock:
                self._updates.clear()
        return True

    async def _get_webhook_info(self, params: JSON, request: web.Request) -> JSON:
        return {"url": "", "has_custom_certificate": False, "pending_update_count": 0}

    async def _set_my_commands(self, params: JSON, request: web.Request) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise ApiError(400, "Bad Request: can't parse commands JSON object")
        if len(commands) > 100:
            raise ApiError(400, "Bad Request: too many commands")
        for cmd in commands:
            if not isinstance(cmd, dict) or not _COMMAND_RE.match(str(cmd.get("command", ""))):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(str(cmd.get("description", "")).strip()) <= 256:
                raise ApiError(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
        self.commands[_scope_key(params)] = [
            {"command": c["command"], "description": c["description"]} for c in commands
        ]
        return True

    async def _get_my_commands(self, params: JSON, request: web.Request) -> list[JSON]:
        return list(self.commands.get(_scope_key(params), []))

    async def _delete_my_commands(self, params: JSON, request: web.Request) -> bool:
        self.commands.pop(_scope_key(params), None)
        return True

    async def _send_message(self, params: JSON, request: web.Request) -> JSON:
        chat = self._resolve_chat(params.get("chat_id"))
        text = params.get("text")
        parse_mode = params.get("parse_mode")
        plain = self._render(text, parse_mode, caption=False)
        message = self._outgoing_message(chat, params)
        message["text"] = plain
        stored = {**message, "raw_text": text}
        with self._lock:
            self._messages[(chat["id"], message["message_id"])] = stored
        self._record(
            "sendMessage",
            chat_id=chat["id"],
            message_id=message["message_id"],
            message_thread_id=message.get("message_thread_id"),
            text=text,
            plain_text=plain,
            parse_mode=parse_mode,
            reply_parameters=params.get("reply_parameters"),
            reply_to_message_id=_reply_to(params),
            link_preview_options=params.get("link_preview_options"),
            disable_web_page_preview=_disable_preview(params),
            disable_notification=params.get("disable_notification"),
            reply_markup=params.get("reply_markup"),
            params=params,
        )
        return message

    async def _edit_message_text(self, params: JSON, request: web.Request) -> JSON | bool:
        text = params.get("text")
        parse_mode = params.get("parse_mode")
        plain = self._render(text, parse_mode, caption=False)
        markup = params.get("reply_markup")
        if isinstance(markup, dict):
            _check_markup(markup)
        if params.get("inline_message_id"):
            self._record(
                "editMessageText",
                chat_id=None,
                inline_message_id=params["inline_message_id"],
                text=text,
                plain_text=plain,
                parse_mode=parse_mode,
                reply_markup=markup,
                params=params,
            )
            return True
        chat = self._resolve_chat(params.get("chat_id"))
        message_id = int(params.get("message_id") or 0)
        with self._lock:
            current = self._messages.get((chat["id"], message_id))
            if current is None or current.get("from", {}).get("id") != self.bot_id:
                if current is None:
                    raise ApiError(400, "Bad Request: message to edit not found")
                raise ApiError(400, "Bad Request: message can't be edited")
            if current.get("raw_text") == text and current.get("reply_markup") == markup:
                raise ApiError(
                    400,
                    "Bad Request: message is not modified: specified new message content and "
                    "reply markup are exactly the same as a current content and reply markup "
                    "of the message",
                )
            updated = {**current, "text": plain, "raw_text": text, "edit_date": int(time.time())}
            if isinstance(markup, dict) and "inline_keyboard" in markup:
                updated["reply_markup"] = markup
            else:
                updated.pop("reply_markup", None)
            self._messages[(chat["id"], message_id)] = updated
        self._record(
            "editMessageText",
            chat_id=chat["id"],
            message_id=message_id,
            text=text,
            plain_text=plain,
            parse_mode=parse_mode,
            link_preview_options=params.get("link_preview_options"),
            reply_markup=markup,
            params=params,
        )
        return {k: v for k, v in updated.items() if k != "raw_text"}

    async def _delete_message(self, params: JSON, request: web.Request) -> bool:
        chat = self._resolve_chat(params.get("chat_id"))
        message_id = int(params.get("message_id") or 0)
        with self._lock:
            if self._messages.pop((chat["id"], message_id), None) is None:
                raise ApiError(400, "Bad Request: message to delete not found")
        self._record("deleteMessage", chat_id=chat["id"], message_id=message_id, params=params)
        return True

    async def _send_chat_action(self, params: JSON, request: web.Request) -> bool:
        self._resolve_chat(params.get("chat_id"))
        return True

    async def _answer_callback_query(self, params: JSON, request: web.Request) -> bool:
        query_id = str(params.get("callback_query_id") or "")
        with self._lock:
            entry = self._callbacks.get(query_id)
            if entry is None or entry["answered"]:
                raise ApiError(
                    400,
                    "Bad Request: query is too old and response timeout expired or query ID is "
                    "invalid",
                )
            entry["answered"] = True
        message = entry["query"].get("message") or {}
        self._record(
            "answerCallbackQuery",
            chat_id=message.get("chat", {}).get("id"),
            callback_query_id=query_id,
            text=params.get("text"),
            show_alert=bool(params.get("show_alert")),
            url=params.get("url"),
            cache_time=params.get("cache_time"),
            params=params,
        )
        return True

    async def _get_chat(self, params: JSON, request: web.Request) -> JSON:
        chat = self._resolve_chat(params.get("chat_id"))
        return {
            **chat,
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        }

    async def _get_chat_member(self, params: JSON, request: web.Request) -> JSON:
        chat = self._resolve_chat(params.get("chat_id"))
        user_id = int(params.get("user_id") or 0)
        with self._lock:
            spec = self.members.get((chat["id"], user_id), {"status": "member"})
            user = self.bot_user if user_id == self.bot_id else self._user(user_id)
        return _member_json(user, spec)

    async def _get_chat_administrators(self, params: JSON, request: web.Request) -> list[JSON]:
        chat = self._resolve_chat(params.get("chat_id"))
        if chat["type"] == "private":
            raise ApiError(400, "Bad Request: there are no administrators in the private chat")
        with self._lock:
            admins = [
                (user_id, spec)
                for (chat_id, user_id), spec in self.members.items()
                if chat_id == chat["id"] and spec["status"] in ("creator", "administrator")
            ]
            admins.sort(key=lambda item: item[1]["status"] != "creator")
            return [
                _member_json(self.bot_user if uid == self.bot_id else self._user(uid), spec)
                for uid, spec in admins
            ]

    async def _send_document(self, params: JSON, request: web.Request) -> JSON:
        chat = self._resolve_chat(params.get("chat_id"))
        document = params.get("document")
        if isinstance(document, str) and document.startswith("attach://"):
            document = params.get(document[len("attach://") :])
        caption = params.get("caption")
        parse_mode = params.get("parse_mode")
        if caption is not None:
            self._render(caption, parse_mode, caption=True)
        url: str | None = None
        if isinstance(document, web.FileField):
            data = document.file.read()
            if not data:
                raise ApiError(400, "Bad Request: file must be non-empty")
            mime = document.content_type
            if mime in (None, "application/octet-stream"):
                mime = _guess_mime(document.filename)
            stored = self._store_file(data, document.filename, mime)
        elif isinstance(document, str) and document in self.files:
            stored = self.files[document]
        elif isinstance(document, str) and document.startswith(("http://", "https://")):
            url = document
            name = document.rsplit("/", 1)[-1] or "file"
            stored = self._store_file(b"", name, _guess_mime(name))
        else:
            raise ApiError(400, "Bad Request: there is no document in the request")
        message = self._outgoing_message(chat, params)
        message["document"] = _document_json(stored)
        if caption is not None:
            message["caption"] = caption
        with self._lock:
            self._messages[(chat["id"], message["message_id"])] = message
        self._record(
            "sendDocument",
            chat_id=chat["id"],
            message_id=message["message_id"],
            message_thread_id=message.get("message_thread_id"),
            filename=stored.file_name,
            data=stored.data,
            url=url,
            mime_type=stored.mime_type,
            file_id=stored.file_id,
            caption=caption,
            parse_mode=parse_mode,
            reply_to_message_id=_reply_to(params),
            reply_markup=params.get("reply_markup"),
            params={k: v for k, v in params.items() if not isinstance(v, web.FileField)},
        )
        return message

    async def _get_file(self, params: JSON, request: web.Request) -> JSON:
        stored = self.files.get(str(params.get("file_id") or ""))
        if stored is None:
            raise ApiError(400, "Bad Request: invalid file_id")
        if len(stored.data) > MAX_DOWNLOAD:
            raise ApiError(400, "Bad Request: file is too big")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.data),
            "file_path": stored.file_path,
        }


# ---------------------------------------------------------------------- module helpers


class _DropConnection(ApiError):
    def __init__(self) -> None:
        super().__init__(0, "connection dropped")


def _drop_connection(request: web.Request) -> NoReturn:
    """Close the TCP connection without an answer (the client sees a protocol error)."""
    transport = request.transport
    if transport is not None:
        transport.abort()
    raise asyncio.CancelledError


def _ensure_no_proxy() -> None:
    """Make sure a proxy variable in the environment cannot capture calls to 127.0.0.1."""
    for var in ("NO_PROXY", "no_proxy"):
        hosts = [h for h in os.environ.get(var, "").split(",") if h]
        for host in ("127.0.0.1", "localhost"):
            if host not in hosts:
                hosts.append(host)
        os.environ[var] = ",".join(hosts)


async def _read_params(request: web.Request) -> JSON:
    """Query string + body (JSON, form-encoded or multipart) → typed parameters."""
    raw: dict[str, Any] = dict(request.query)
    if request.method == "POST" and request.can_read_body:
        if request.content_type == "application/json":
            body = await request.json()
            if isinstance(body, dict):
                raw.update(body)
                return raw
        else:
            form = await request.post()
            for key, value in form.items():
                raw[key] = value
    return {key: _decode(key, value) for key, value in raw.items()}


def _decode(key: str, value: Any) -> Any:
    if not isinstance(value, str) or key in _STRING_PARAMS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def _chat_key(value: ChatKey) -> ChatKey:
    if isinstance(value, int):
        return value
    text = str(value).strip()
    if text.lstrip("-").isdigit():
        return int(text)
    return text


def _maybe_chat_key(value: Any) -> ChatKey | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return None
    if isinstance(value, int | str):
        return _chat_key(value)
    return None


def _reply_to(params: JSON) -> int | None:
    reply = params.get("reply_parameters")
    if isinstance(reply, dict) and reply.get("message_id") is not None:
        return int(reply["message_id"])
    legacy = params.get("reply_to_message_id")
    return int(legacy) if legacy is not None else None


def _disable_preview(params: JSON) -> bool | None:
    if params.get("disable_web_page_preview") is not None:
        return bool(params["disable_web_page_preview"])
    options = params.get("link_preview_options")
    if isinstance(options, dict) and "is_disabled" in options:
        return bool(options["is_disabled"])
    return None


def _check_markup(markup: JSON) -> None:
    for row in markup.get("inline_keyboard") or []:
        for button in row:
            data = button.get("callback_data")
            if data is not None and not 1 <= len(str(data).encode("utf-8")) <= MAX_CALLBACK_DATA:
                raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
            if not button.get("text"):
                raise ApiError(
                    400, "Bad Request: text buttons are unallowed in the inline keyboard"
                )


def _without_reply(message: JSON) -> JSON:
    return {k: v for k, v in message.items() if k not in ("reply_to_message", "raw_text")}


def _allowed(update: JSON, allowed: Any) -> bool:
    if not allowed or not isinstance(allowed, list):
        return True
    return any(kind in update for kind in allowed)


def _scope_key(params: JSON) -> str:
    scope = params.get("scope") or {"type": "default"}
    if not isinstance(scope, dict):
        scope = {"type": str(scope)}
    key = str(scope.get("type", "default"))
    if "chat_id" in scope:
        key += f":{_chat_key(scope['chat_id'])}"
    if "user_id" in scope:
        key += f":{scope['user_id']}"
    language = params.get("language_code")
    return f"{key}/{language}" if language else key


def _guess_mime(filename: str | None) -> str:
    name = (filename or "").lower()
    if name.endswith((".opml", ".xml")):
        return "text/xml"
    if name.endswith(".json"):
        return "application/json"
    if name.endswith(".txt"):
        return "text/plain"
    return "application/octet-stream"


def _document_json(stored: StoredFile) -> JSON:
    doc: JSON = {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": len(stored.data),
    }
    if stored.file_name:
        doc["file_name"] = stored.file_name
    if stored.mime_type:
        doc["mime_type"] = stored.mime_type
    return doc


_ADMIN_RIGHTS = (
    "can_be_edited",
    "is_anonymous",
    "can_manage_chat",
    "can_delete_messages",
    "can_manage_video_chats",
    "can_restrict_members",
    "can_promote_members",
    "can_change_info",
    "can_invite_users",
    "can_post_stories",
    "can_edit_stories",
    "can_delete_stories",
)
_RESTRICTED_RIGHTS = (
    "is_member",
    "can_change_info",
    "can_invite_users",
    "can_pin_messages",
    "can_send_messages",
    "can_send_polls",
    "can_send_other_messages",
    "can_add_web_page_previews",
    "can_manage_topics",
    "can_send_audios",
    "can_send_documents",
    "can_send_photos",
    "can_send_videos",
    "can_send_video_notes",
    "can_send_voice_notes",
    "can_edit_tag",
)


def _member_json(user: JSON, spec: JSON) -> JSON:
    """A ChatMember object with every field the client requires for its status."""
    status = spec["status"]
    member: JSON = {"status": status, "user": user}
    if status == "creator":
        member["is_anonymous"] = False
    elif status == "administrator":
        member.update(dict.fromkeys(_ADMIN_RIGHTS, False))
        member.update(can_manage_chat=True, can_delete_messages=True, can_invite_users=True)
    elif status == "restricted":
        member.update(dict.fromkeys(_RESTRICTED_RIGHTS, False))
        member.update(is_member=True, until_date=0)
    elif status == "kicked":
        member["until_date"] = 0
    member.update({k: v for k, v in spec.items() if k != "status"})
    return member
