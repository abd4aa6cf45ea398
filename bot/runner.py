"""Chat platforms for `newsbot run`: connect with backoff, one sender each, stop in time.

A platform that is unreachable at start is retried with backoff (1 s doubling up to 60 s)
while polling and storing go on; its alerts wait in the outbox, and its state (`connecting`,
`retrying` with the reason, `up`) is what /healthz and `newsbot status` show. A rejected token
ends the run (`TokenRejected`: retrying cannot help). The composition root (`bot.app`) owns
the order; this module owns what one platform does.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol

from aiohttp import web

from bot.alerts.outbox import Dispatcher, Sink
from bot.alerts.ratelimit import Limiter, RateLimits
from bot.errors import ConfigError, DeliveryError, PlatformUnavailable
from bot.observe import Metrics
from bot.redact import mask_url_passwords
from bot.settings import Settings
from bot.store import Store, is_postgres_url

if TYPE_CHECKING:
    from handlers.commands import Commands

log = logging.getLogger(__name__)

PlatformName = Literal["telegram", "discord", "console"]
PlatformState = Literal["connecting", "retrying", "up", "stopped"]
FIRST_RETRY = 1.0  # seconds before the second attempt to connect
MAX_RETRY = 60.0
UNLIMITED = RateLimits(
    overall_per_second=1000, per_chat_per_second=1000, per_group_per_minute=60_000
)


@dataclass
class Connection:
    """What /healthz says about one platform."""

    platform: PlatformName
    state: PlatformState = "connecting"
    error: str | None = None
    attempts: int = 0

    def snapshot(self) -> dict[str, Any]:
        data: dict[str, Any] = {"state": self.state, "attempts": self.attempts}
        if self.error:
            data["error"] = self.error
        return data


Route = tuple[str, Callable[[web.Request], Awaitable[web.StreamResponse]]]  # POST path, handler


class Platform(Protocol):
    """One chat platform's client: `start` gives the sink alerts go through; `limiter` is the
    one its sender and its command replies share (one budget per platform); `routes` are the
    POST routes it needs on the /healthz server (Telegram's webhook)."""

    name: PlatformName
    limiter: Limiter

    async def start(self) -> Sink: ...

    async def stop(self) -> None: ...

    def routes(self) -> list[Route]: ...


class TelegramPlatform:
    """python-telegram-bot's Application: built once, started (getMe) until it succeeds."""

    name: PlatformName = "telegram"

    def __init__(self, settings: Settings, commands: Commands | None) -> None:
        from bot.platforms.telegram_app import build_application

        assert settings.telegram_token is not None
        self._app = build_application(settings.telegram_token, settings.telegram_api_url)
        self._webhook = settings.telegram_webhook
        self._drop_pending = settings.telegram_pending == "drop"
        self.limiter = limiter_for("telegram")
        self._commands = commands
        if commands is not None:
            from handlers import telegram_commands

            telegram_commands.install(
                self._app,
                commands,
                moderators=settings.moderators.get("telegram", frozenset()),
                limiter=self.limiter,  # command replies share the alerts' budget to each chat
            )
        self._started = False

    async def start(self) -> Sink:
        from bot.platforms.telegram_app import TelegramSink, start_application

        await start_application(
            self._app,
            poll_updates=self._commands is not None,
            webhook=self._webhook,
            drop_pending=self._drop_pending,
        )
        self._started = True
        if self._commands is not None:
            from handlers import telegram_commands

            try:
                await telegram_commands.register_commands(self._app.bot)
            except Exception as exc:  # the menu is a convenience
                log.warning("could not register the Telegram command menu: %s", exc)
        return TelegramSink(self._app.bot)

    async def stop(self) -> None:
        from bot.platforms.telegram_app import stop_application

        if self._started:
            await stop_application(self._app)

    def routes(self) -> list[Route]:
        """Webhook mode: Telegram POSTs updates to the webhook URL's path."""
        if self._webhook is None or self._commands is None:
            return []
        from bot.platforms.telegram_app import webhook_handler

        return [(self._webhook.path, webhook_handler(self._app, self._webhook.secret))]


class DiscordPlatform:
    """discord.py's Client: a new one per attempt to log in; the gateway runs as a task."""

    name: PlatformName = "discord"

    def __init__(self, settings: Settings, commands: Commands | None) -> None:
        from bot.platforms.discord_app import configure_endpoints

        assert settings.discord_token is not None
        self._token = settings.discord_token
        self.limiter = limiter_for("discord")
        self._moderators = settings.moderators.get("discord", frozenset())
        self._commands = commands
        self._state = discord_commands_state(settings)
        configure_endpoints(settings.discord_api_url, settings.discord_gateway_url)
        self._client: Any = None
        self._sink: Any = None
        self._gateway: asyncio.Task[None] | None = None

    async def start(self) -> Sink:
        from bot.platforms.discord_app import DiscordSink, build_client, login

        if self._commands is None:
            client = build_client()
        else:
            from handlers.discord_commands import NewsbotClient

            client = NewsbotClient(self._commands, moderators=self._moderators)
        await login(client, self._token)  # the slash commands are built here (setup_hook)
        self._client = client
        self._sink = DiscordSink(client)
        if self._commands is not None:
            from handlers import discord_commands

            assert isinstance(client, discord_commands.NewsbotClient)
            # discord.py reconnects the gateway by itself; sends go over REST meanwhile
            self._gateway = asyncio.create_task(client.connect(), name="discord-gateway")
            try:  # only when their definition changed (or `newsbot discord sync`)
                await discord_commands.sync_if_changed(client, self._state)
            except Exception as exc:  # commands registered later still work
                log.warning("could not register the Discord slash commands: %s", exc)
        return self._sink  # type: ignore[no-any-return]

    async def stop(self) -> None:
        if self._sink is not None:
            await self._sink.close()
        if self._client is not None:
            await self._client.close()
        if self._gateway is not None:
            self._gateway.cancel()
            await asyncio.gather(self._gateway, return_exceptions=True)

    def routes(self) -> list[Route]:
        return []


async def connect(platform: Platform, connection: Connection, stop: asyncio.Event) -> Sink | None:
    """Start `platform`, retrying an unavailable one with backoff until `stop`; None if
    stopped first. TokenRejected propagates: a wrong token does not get better."""
    delay = FIRST_RETRY
    while not stop.is_set():
        connection.attempts += 1
        try:
            sink = await platform.start()
        except PlatformUnavailable as exc:
            connection.state, connection.error = "retrying", str(exc)
            log.warning(
                "%s: %s; retrying in %.0f s (polling goes on, alerts wait in the outbox)",
                platform.name,
                exc,
                delay,
            )
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=delay)
            delay = min(delay * 2, MAX_RETRY)
            continue
        connection.state, connection.error = "up", None
        if connection.attempts > 1:
            log.warning("%s: connected after %d attempts", platform.name, connection.attempts)
        return sink
    return None


def limiter_for(platform: str) -> Limiter:
    """The platform's documented rate limits (DESIGN §5)."""
    if platform == "telegram":
        from bot.platforms.telegram_app import LIMITS, is_group

        return Limiter(LIMITS, is_group)
    if platform == "discord":
        from bot.platforms.discord_app import LIMITS as DISCORD_LIMITS

        return Limiter(DISCORD_LIMITS)
    return Limiter(UNLIMITED)


async def dispatcher_for(
    sink: Sink, store: Store, metrics: Metrics, limiter: Limiter | None = None
) -> Dispatcher:
    """A sender whose limiter counts the last minute's sends (a restart keeps to the limits)."""
    limiter = limiter or limiter_for(sink.platform)
    wall = time.time()
    limiter.prime(await store.recent_sends(sink.platform, wall - 61), wall)
    return Dispatcher(store, sink, limiter, metrics=metrics)


class Senders:
    """The dispatchers running now; the poller and the linker wake them when alerts are queued.

    Platforms connect at different times (one may be retrying), so senders join as they start;
    the callbacks handed to the poller and the linker at construction reach whoever is here.
    """

    def __init__(self) -> None:
        self.dispatchers: dict[str, Dispatcher] = {}

    def add(self, dispatcher: Dispatcher) -> None:
        self.dispatchers[dispatcher.platform] = dispatcher

    def wake(self) -> None:
        for dispatcher in self.dispatchers.values():
            dispatcher.wake()

    def sent(self) -> int:
        return sum(d.sent for d in self.dispatchers.values())


async def sync_discord_commands(settings: Settings, commands: Commands) -> tuple[int, Path]:
    """`newsbot discord sync`: log in over REST (no gateway) and register the slash commands
    now, changed or not; how many, and the file that keeps their digest."""
    from bot.platforms.discord_app import configure_endpoints, login, translate
    from handlers.discord_commands import NewsbotClient, sync_if_changed

    if not settings.discord_token:
        raise ConfigError("is not set: there is no Discord bot to sync", field="DISCORD_BOT_TOKEN")
    configure_endpoints(settings.discord_api_url, settings.discord_gateway_url)
    state = discord_commands_state(settings)
    client = NewsbotClient(commands, moderators=settings.moderators.get("discord", frozenset()))
    await login(client, settings.discord_token)
    try:
        synced = await translate(sync_if_changed(client, state, force=True))
    except DeliveryError as exc:
        raise PlatformUnavailable("discord", f"Discord refused the commands ({exc})") from None
    finally:
        await client.close()
    return len(synced or ()), state


def discord_commands_state(settings: Settings) -> Path:
    """The file beside the database that keeps the digest of the slash commands last synced
    with Discord (`newsbot.db.discord-commands`). A PostgreSQL database has no folder: the
    file goes to the machine's temporary folder, named after the database (a machine that
    has not synced yet, or lost the file at a reboot, syncs once more: harmless)."""
    if is_postgres_url(settings.db):
        name = hashlib.sha256(mask_url_passwords(settings.db).encode()).hexdigest()[:16]
        return Path(tempfile.gettempdir()) / f"newsbot-{name}.discord-commands"
    return Path(f"{settings.db}.discord-commands")


def configured_platforms(settings: Settings, commands: Commands | None) -> list[Platform]:
    """The platforms whose token is set."""
    platforms: list[Platform] = []
    if settings.telegram_token:
        platforms.append(TelegramPlatform(settings, commands))
    if settings.discord_token:
        platforms.append(DiscordPlatform(settings, commands))
    return platforms
