"""`newsbot run`: one process — poller, context, fan-out, one dispatcher per platform, bots.

Start order: database (recover sends that were in flight, link what a crash left unlinked),
platform clients, dispatchers, poller. Stop order (SIGTERM / SIGINT): stop polling, let
dispatchers finish the sends under way, stop the clients, close the database.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import sys
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TextIO

from bot.alerts.outbox import Dispatcher, Sink
from bot.alerts.ratelimit import Limiter, RateLimits
from bot.app import Pipeline
from bot.errors import ConfigError
from bot.models import StoryDraft
from bot.observe import Metrics, health_app, serve
from bot.platforms.console import ConsoleSink
from handlers.commands import Commands

log = logging.getLogger(__name__)

CONSOLE_CHAT = "stdout"
SHUTDOWN_GRACE = 20.0  # seconds sends may take to finish after SIGTERM


def parse_moderators(raw: str) -> dict[str, frozenset[str]]:
    """ "telegram:123,discord:456" → {"telegram": {"123"}, "discord": {"456"}}."""
    result: dict[str, set[str]] = {}
    for part in (p.strip() for p in raw.split(",")):
        if not part:
            continue
        platform, sep, user = part.partition(":")
        platform = platform.strip().lower()
        if not sep or platform not in ("telegram", "discord") or not user.strip():
            raise ConfigError(
                f"{part!r} is not platform:user_id (e.g. telegram:123)", field="NEWSBOT_MODERATORS"
            )
        result.setdefault(platform, set()).add(user.strip())
    return {k: frozenset(v) for k, v in result.items()}


@dataclass(frozen=True)
class RunSettings:
    db: str
    feeds: str
    telegram_token: str | None = None
    telegram_api_url: str | None = None
    discord_token: str | None = None
    discord_api_url: str | None = None
    discord_gateway_url: str | None = None
    moderators: dict[str, frozenset[str]] = field(default_factory=dict)
    telegram_limits: RateLimits | None = None
    discord_limits: RateLimits | None = None
    metrics_port: int | None = None
    metrics_host: str = "127.0.0.1"

    @classmethod
    def from_env(cls, db: str, feeds: str, env: dict[str, str] | None = None) -> RunSettings:
        e = dict(os.environ) if env is None else env
        return cls(
            db=db,
            feeds=feeds,
            telegram_token=e.get("TELEGRAM_BOT_TOKEN") or None,
            telegram_api_url=e.get("TELEGRAM_API_URL") or None,
            discord_token=e.get("DISCORD_BOT_TOKEN") or None,
            discord_api_url=e.get("DISCORD_API_URL") or None,
            discord_gateway_url=e.get("DISCORD_GATEWAY_URL") or None,
            moderators=parse_moderators(e.get("NEWSBOT_MODERATORS", "")),
            metrics_port=_port(e.get("NEWSBOT_METRICS_PORT", "")),
            metrics_host=e.get("NEWSBOT_METRICS_HOST") or "127.0.0.1",
        )

    def describe(self) -> str:
        """For the start-up log line: what runs, never a token."""
        parts = [f"db={self.db}", f"feeds={self.feeds}"]
        parts.append("telegram=on" if self.telegram_token else "telegram=off")
        parts.append("discord=on" if self.discord_token else "discord=off")
        return " ".join(parts)


def _port(raw: str) -> int | None:
    if not raw.strip():
        return None
    if not raw.strip().isdigit() or not 0 < int(raw) < 65536:
        raise ConfigError(f"{raw!r} is not a port number", field="NEWSBOT_METRICS_PORT")
    return int(raw)


class Platforms:
    """The chat clients that are configured, started and stopped together."""

    def __init__(self) -> None:
        self.sinks: list[Sink] = []
        self._stops: list[Callable[[], Awaitable[None]]] = []
        self.telegram_app: Any = None
        self.discord_client: Any = None
        # Per platform, the limiter its command replies take: the dispatcher takes the same one.
        self.limiters: dict[str, Limiter] = {}

    async def start(
        self, settings: RunSettings, out: TextIO, commands: Commands | None = None
    ) -> None:
        """Start the configured clients; with `commands`, they also answer chat commands."""
        if settings.telegram_token:
            from bot.platforms.telegram_app import TelegramSink, build_application

            app = build_application(settings.telegram_token, settings.telegram_api_url)
            telegram_sink = TelegramSink(app.bot)
            self.limiters["telegram"] = limiter_for(telegram_sink, settings)
            if commands is not None:
                from handlers import telegram_commands

                telegram_commands.install(
                    app,
                    commands,
                    moderators=settings.moderators.get("telegram", frozenset()),
                    limiter=self.limiters["telegram"],
                )
            await app.initialize()
            await app.start()
            self.telegram_app = app
            self._stops.append(self._stop_telegram)
            self.sinks.append(telegram_sink)
            if commands is not None and app.updater is not None:
                await app.updater.start_polling()
                try:
                    await telegram_commands.register_commands(app.bot)
                except Exception:  # the menu is a convenience
                    log.warning("could not register the Telegram command menu", exc_info=True)
        if settings.discord_token:
            from bot.platforms.discord_app import DiscordSink, build_client, configure_endpoints

            configure_endpoints(settings.discord_api_url, settings.discord_gateway_url)
            client = build_client()
            tree = None
            if commands is not None:
                from handlers import discord_commands

                tree = discord_commands.install(
                    client, commands, moderators=settings.moderators.get("discord", frozenset())
                )
            await client.login(settings.discord_token)
            self.discord_client = client
            sink = DiscordSink(client)
            self.sinks.append(sink)
            gateway: asyncio.Task[None] | None = None
            if tree is not None:
                gateway = asyncio.create_task(client.connect(), name="discord-gateway")
                try:
                    await discord_commands.sync(tree)
                except Exception:  # commands registered later still work
                    log.warning("could not register the Discord slash commands", exc_info=True)

            async def stop_discord() -> None:
                await sink.close()
                await client.close()
                if gateway is not None:
                    await asyncio.gather(gateway, return_exceptions=True)

            self._stops.append(stop_discord)
        self.sinks.append(ConsoleSink(out))

    def add_stop(self, stop: Callable[[], Awaitable[None]]) -> None:
        self._stops.append(stop)

    async def _stop_telegram(self) -> None:
        app = self.telegram_app
        if app.updater is not None and app.updater.running:
            await app.updater.stop()
        if app.running:
            await app.stop()
        await app.shutdown()

    async def stop(self) -> None:
        for stop in reversed(self._stops):
            try:
                await stop()
            except Exception:
                log.exception("error while stopping a platform client")


def limiter_for(sink: Sink, settings: RunSettings) -> Limiter:
    if sink.platform == "telegram":
        from bot.platforms.telegram_app import LIMITS, is_group

        return Limiter(settings.telegram_limits or LIMITS, is_group)
    if sink.platform == "discord":
        from bot.platforms.discord_app import LIMITS as DISCORD_LIMITS

        return Limiter(settings.discord_limits or DISCORD_LIMITS)
    return Limiter(
        RateLimits(overall_per_second=1000, per_chat_per_second=1000, per_group_per_minute=60_000)
    )


async def run(
    settings: RunSettings,
    *,
    stop: asyncio.Event | None = None,
    out: TextIO | None = None,
    install_signals: bool = True,
) -> None:
    """Run until `stop` is set or SIGTERM / SIGINT arrives."""
    stop = stop or asyncio.Event()
    out = out or sys.stdout
    loop = asyncio.get_running_loop()
    if install_signals:
        for sig in (signal.SIGTERM, signal.SIGINT):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(sig, stop.set)
    log.info("newsbot run: %s", settings.describe())
    pipeline = await Pipeline.open(settings.db, settings.feeds)
    platforms = Platforms()
    tasks: list[asyncio.Task[None]] = []
    try:
        recovered = await pipeline.store.recover_in_flight()
        if recovered:
            log.warning("resending %d message(s) that were in flight at the last stop", recovered)
        await pipeline.context.catch_up()
        commands = Commands(pipeline.store, pipeline.registry, pipeline.fetcher)
        await platforms.start(settings, out, commands)
        if not settings.telegram_token and not settings.discord_token:
            # No chat platform: alerts go to the console, so a first run shows something.
            await pipeline.store.upsert_subscription("console", CONSOLE_CHAT, origin="config")
        metrics = Metrics()
        pipeline.poller.on_outcome = lambda o: metrics.poll(o.result, o.new, o.revisions)
        dispatchers = []
        for sink in platforms.sinks:
            limiter = platforms.limiters.get(sink.platform) or limiter_for(sink, settings)
            wall = time.time()
            # a restarted process counts the last minute's sends against the limits
            limiter.prime(await pipeline.store.recent_sends(sink.platform, wall - 61), wall)
            dispatchers.append(Dispatcher(pipeline.store, sink, limiter, metrics=metrics))
        if settings.metrics_port is not None:
            app = health_app(pipeline.store, metrics, platforms=[d.platform for d in dispatchers])
            health = await serve(app, settings.metrics_host, settings.metrics_port)
            platforms.add_stop(health.cleanup)
        _wake_on_store(pipeline, dispatchers)
        poll_stop = asyncio.Event()
        tasks.append(asyncio.create_task(pipeline.poller.run(poll_stop), name="poller"))
        link_stop = asyncio.Event()
        linker = asyncio.create_task(pipeline.context.run(link_stop), name="linker")
        tasks.append(linker)
        send_stop = asyncio.Event()
        for dispatcher in dispatchers:
            tasks.append(
                asyncio.create_task(
                    dispatcher.run(send_stop), name=f"dispatch-{dispatcher.platform}"
                )
            )
        await _wait_for_stop_or_crash(stop, tasks)
        poll_stop.set()  # stop polling first, then link what was stored, then finish sends
        await asyncio.gather(tasks[0], return_exceptions=True)
        link_stop.set()
        await asyncio.gather(linker, return_exceptions=True)
        send_stop.set()
        # Sends under way finish; a send still waiting for a rate-limit slot after this long is
        # cancelled (it is 'sending', so the next start sends it: nothing is lost).
        await asyncio.wait(tasks[2:], timeout=SHUTDOWN_GRACE)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await platforms.stop()
        await pipeline.close()
        if install_signals:
            for sig in (signal.SIGTERM, signal.SIGINT):
                with contextlib.suppress(NotImplementedError, RuntimeError):
                    loop.remove_signal_handler(sig)


async def _wait_for_stop_or_crash(stop: asyncio.Event, tasks: Sequence[asyncio.Task[None]]) -> None:
    """Wait for the stop signal; a task that dies unexpectedly stops the process loudly."""
    stopper = asyncio.ensure_future(stop.wait())
    done, _ = await asyncio.wait({stopper, *tasks}, return_when=asyncio.FIRST_COMPLETED)
    stopper.cancel()
    for task in done:
        if task is not stopper and task.exception() is not None:
            raise task.exception()  # type: ignore[misc]


def _wake_on_store(pipeline: Pipeline, dispatchers: Sequence[Dispatcher]) -> None:
    """New alerts are stored, or follow-ups queued by the linker: wake the dispatchers."""

    def wake_all() -> None:
        for dispatcher in dispatchers:
            dispatcher.wake()

    inner = pipeline.poller.on_stored

    async def on_stored(
        new: Sequence[tuple[int, StoryDraft]], revised: Sequence[StoryDraft]
    ) -> None:
        if inner is not None:
            await inner(new, revised)
        wake_all()

    pipeline.poller.on_stored = on_stored
    pipeline.context.on_linked = wake_all
