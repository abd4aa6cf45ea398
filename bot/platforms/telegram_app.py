"""Telegram through python-telegram-bot: the Application, and the sink the dispatcher uses.

Library errors are translated here into the neutral DeliveryError tree (sends) and
PlatformError tree (start: TokenRejected, PlatformUnavailable), with tokens redacted, so the
core never imports `telegram` and no error message carries the token. TELEGRAM_API_URL points
the client at another Bot API server (a local one, or the tests' fake).
"""

from __future__ import annotations

import hmac
import json
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta
from typing import Any, TypeVar

from aiohttp import web
from telegram import Bot, LinkPreviewOptions, Message, ReplyParameters, Update
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.ext import Application, ApplicationBuilder

from bot.alerts.ratelimit import RateLimits
from bot.alerts.view import AlertView
from bot.errors import (
    ChatMoved,
    ConfigError,
    PermanentSendError,
    PlatformUnavailable,
    RetryLater,
    TokenRejected,
    TransientSendError,
    UndeliverableMessage,
)
from bot.models import Subscription
from bot.platforms import telegram_render
from bot.redact import redact
from bot.settings import TelegramWebhook

log = logging.getLogger(__name__)

DEFAULT_API_URL = "https://api.telegram.org"
LIMITS = RateLimits(overall_per_second=30, per_chat_per_second=1, per_group_per_minute=20)

# BadRequest descriptions that mean the chat itself is gone or closed to us.
_CHAT_GONE = (
    "chat not found",
    "have no rights",
    "not enough rights",
    "chat_write_forbidden",
    "need administrator rights",
    "bot is not a member",
    "group chat was deactivated",
    "message thread not found",
    "topic_closed",
    "topic_deleted",
)

T = TypeVar("T")


def build_application(
    token: str, api_url: str | None = None
) -> Application[Any, Any, Any, Any, Any, Any]:
    base = (api_url or DEFAULT_API_URL).rstrip("/")
    builder: ApplicationBuilder[Any, Any, Any, Any, Any, Any] = (
        Application.builder()
        .token(token)
        .base_url(f"{base}/bot")
        .base_file_url(f"{base}/file/bot")
        .connect_timeout(10)
        .read_timeout(20)
        .write_timeout(20)
        .pool_timeout(10)
        .get_updates_read_timeout(40)
    )
    return builder.build()


AnyApplication = Application[Any, Any, Any, Any, Any, Any]


async def start_application(
    app: AnyApplication,
    *,
    poll_updates: bool,
    webhook: TelegramWebhook | None = None,
    drop_pending: bool = False,
) -> None:
    """initialize (getMe) and start; with `poll_updates`, receive chat commands too: by long
    polling, or with `webhook` by registering it (setWebhook with its secret token; the
    updates then come through `webhook_handler`). `drop_pending` drops the updates sent
    while the bot was down instead of answering them.

    A rejected token is TokenRejected, an unreachable or failing Bot API PlatformUnavailable;
    neither message quotes the token (python-telegram-bot's InvalidToken does). A webhook URL
    Telegram refuses is a ConfigError naming NEWSBOT_TELEGRAM_WEBHOOK_URL."""
    try:
        await app.initialize()
    except InvalidToken:
        raise TokenRejected(
            "telegram", "Telegram refused the bot token (TELEGRAM_BOT_TOKEN); check it"
        ) from None
    except TelegramError as exc:
        raise PlatformUnavailable(
            "telegram", f"Telegram Bot API unreachable ({redact(str(exc))})"
        ) from None
    await app.start()
    if not poll_updates:
        return
    try:
        if webhook is not None:
            await app.bot.set_webhook(
                webhook.url, secret_token=webhook.secret, drop_pending_updates=drop_pending
            )
        elif app.updater is not None:
            await app.updater.start_polling(drop_pending_updates=drop_pending)
    except BaseException as exc:
        await stop_application(app)  # the next attempt starts from the beginning
        if isinstance(exc, BadRequest):
            raise ConfigError(
                f"Telegram refused the webhook: {redact(exc.message)}",
                field="NEWSBOT_TELEGRAM_WEBHOOK_URL",
            ) from None
        if isinstance(exc, TelegramError):
            raise PlatformUnavailable(
                "telegram", f"Telegram Bot API unreachable ({redact(str(exc))})"
            ) from None
        raise


WebHandler = Callable[[web.Request], Awaitable[web.StreamResponse]]
REFUSED_LOG_EVERY = 60.0  # seconds between two log lines about refused webhook requests


def webhook_handler(app: AnyApplication, secret: str) -> WebHandler:
    """The aiohttp handler for Telegram's webhook POSTs: a request without the secret token
    (X-Telegram-Bot-Api-Secret-Token) is 403 and nothing of it is read; an update is handed to
    the Application's update queue, where the same handlers as for long polling answer it."""
    expected = secret.encode()
    refused = {"count": 0, "logged": -REFUSED_LOG_EVERY}

    async def receive(request: web.Request) -> web.StreamResponse:
        token = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "").encode()
        if not hmac.compare_digest(token, expected):
            refused["count"] += 1
            now = time.monotonic()
            if now - refused["logged"] >= REFUSED_LOG_EVERY:  # a scanner cannot flood the log
                log.warning(
                    "telegram webhook: %d request(s) without the right secret token refused",
                    refused["count"],
                )
                refused["count"], refused["logged"] = 0, now
            return web.Response(status=403, text="forbidden")
        if not app.running:
            return web.Response(status=503, text="starting")  # Telegram sends it again
        try:
            data = await request.json()
            update = Update.de_json(data, app.bot) if isinstance(data, dict) else None
        except (ValueError, TypeError, KeyError, TelegramError):
            update = None
        if update is None:
            return web.Response(status=400, text="not a Telegram update")
        await app.update_queue.put(update)
        return web.Response(text="ok")

    return receive


async def stop_application(app: AnyApplication) -> None:
    """The reverse of start_application; the caller bounds it in time (a hung API)."""
    if app.updater is not None and app.updater.running:
        await app.updater.stop()
    if app.running:
        await app.stop()
    await app.shutdown()


def is_group(chat: str) -> bool:
    """Telegram group and channel ids are negative; private chats are positive."""
    return chat.startswith("-")


def _retry_seconds(value: int | float | timedelta) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def _chat_id(chat: str) -> int | str:
    try:
        return int(chat)
    except ValueError:
        return chat  # "@channelusername"


async def translate(call: Awaitable[T]) -> T:
    """Await a Bot API call, turning library errors into DeliveryErrors."""
    try:
        return await call
    except RetryAfter as exc:
        raise RetryLater(_retry_seconds(exc.retry_after), f"Telegram: {exc.message}") from exc
    except ChatMigrated as exc:
        raise ChatMoved(str(exc.new_chat_id)) from exc
    except Forbidden as exc:
        raise PermanentSendError(f"Telegram: {exc.message}") from exc
    except BadRequest as exc:
        text = exc.message.lower()
        if any(marker in text for marker in _CHAT_GONE):
            raise PermanentSendError(f"Telegram: {exc.message}") from exc
        raise UndeliverableMessage(f"Telegram refused the message: {exc.message}") from exc
    except (TimedOut, NetworkError, InvalidToken) as exc:
        raise TransientSendError(f"Telegram: {exc}") from exc
    except TelegramError as exc:
        raise TransientSendError(f"Telegram: {exc}") from exc


class TelegramSink:
    """Sends alert and digest messages with the Application's Bot (HTML, escaped; one preview:
    the story). A part is the message as JSON: its HTML and its preview URL."""

    platform = "telegram"

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def _send_html(
        self, sub: Subscription, text: str, preview: str | None, reply_to: str | None
    ) -> Message:
        options = (
            LinkPreviewOptions(url=preview, prefer_small_media=True)
            if preview
            else LinkPreviewOptions(is_disabled=True)
        )
        reply = (
            ReplyParameters(message_id=int(reply_to), allow_sending_without_reply=True)
            if reply_to and reply_to.isdigit()
            else None
        )
        return await translate(
            self.bot.send_message(
                chat_id=_chat_id(sub.chat),
                text=text,
                parse_mode=ParseMode.HTML,
                message_thread_id=int(sub.thread) if sub.thread else None,
                link_preview_options=options,
                reply_parameters=reply,
            )
        )

    def render(self, view: AlertView) -> list[str]:
        return [
            json.dumps({"text": m.text, "preview": m.preview_url}, ensure_ascii=False)
            for m in telegram_render.render(view)
        ]

    def render_digest(self, views: Sequence[AlertView]) -> list[tuple[str, int]]:
        return [
            (json.dumps({"text": text, "preview": None}, ensure_ascii=False), count)
            for text, count in telegram_render.render_digest_pages(views)
        ]

    async def send_part(self, sub: Subscription, part: str, reply_to: str | None) -> str:
        data = json.loads(part)
        sent = await self._send_html(sub, data["text"], data.get("preview"), reply_to)
        return str(sent.message_id)
