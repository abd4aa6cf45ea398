"""The composition root: every part of newsbot is built here, from one `Settings`.

    Settings ─► Pipeline.build: store, outlet registry, worker pool, fetcher, context engine,
                fan-out, poller             `poll --once`, `demo`, `run`, the tests
             ─► open_reader: a read-only Store     `lookup`, `stories`, `status`, `stats`
             ─► run_bot: a Pipeline, the chat platforms (one sender each), /healthz   `run`

Collaborators and callbacks are passed at construction; nothing is patched afterwards. Each
lifecycle is an `AsyncExitStack` (undone in reverse order), and `run_bot` runs its parts as
named tasks in one `TaskGroup`: a part that fails ends the run with its own error, and a stop
(SIGTERM / SIGINT) winds them down in order within `STOP_BUDGET` seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import os
import signal
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Iterator, Sequence
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, TextIO, TypeVar

from aiohttp import web

from bot import malloc
from bot.alerts.fanout import FanOut
from bot.context.outlets import OutletRegistry
from bot.context.pipeline import ContextEngine, use_outlets
from bot.errors import NewsbotError, StoreError
from bot.ingest.fetch import Fetcher, FetchLimits
from bot.ingest.guard import parse_allow_list
from bot.ingest.poller import FeedOutcome, Poller, count_outcome
from bot.ingest.store_stage import OutletFor
from bot.models import Fact, FeedConfig, FeedState, OutletCard, OutletConfig, PollSummary
from bot.observe import FirstPoll, Metrics, health_app, serve
from bot.runner import (
    Connection,
    Platform,
    Senders,
    configured_platforms,
    connect,
    dispatcher_for,
)
from bot.settings import FeedsFile, Settings, SubscriptionConfig, load_feeds_file
from bot.store import Store
from bot.workers import WorkerPool

log = logging.getLogger(__name__)

CONSOLE_CHAT = "stdout"
STOP_BUDGET = 5.0  # seconds a stop gives the running parts (polls, linking, sends)
PLATFORM_STOP = 1.0  # seconds each platform client gets to close (its API may hang)
FIRST_POLL_WITHIN = 30.0  # Poller.run spreads never-polled feeds' first polls over 30 s

T = TypeVar("T")


def loop_factory() -> Callable[[], asyncio.AbstractEventLoop]:
    """The event loop newsbot runs on: uvloop's where it is installed (libuv; its sockets,
    timers and callbacks cost the poll's event loop less than asyncio's own), else asyncio's
    (uvloop has no Windows build). `NEWSBOT_LOOP=asyncio` picks asyncio's loop anyway."""
    if os.environ.get("NEWSBOT_LOOP", "").strip().lower() != "asyncio":
        try:
            import uvloop
        except ImportError:
            pass
        else:
            factory: Callable[[], asyncio.AbstractEventLoop] = uvloop.new_event_loop
            return factory
    return asyncio.new_event_loop


def run(main: Coroutine[Any, Any, T]) -> T:
    """`asyncio.run(main)` on newsbot's event loop (`loop_factory`): every command runs here,
    with one malloc arena for all its threads (`bot.malloc`; before any thread starts)."""
    malloc.limit_arenas()
    with asyncio.Runner(loop_factory=loop_factory()) as runner:
        return runner.run(main)


def outlet_cards(outlets: Sequence[OutletConfig]) -> list[OutletCard]:
    """Feeds-file outlets as cards; facts the file states are sourced to the file."""
    cards = []
    for o in outlets:
        source = "feeds file"
        cards.append(
            OutletCard(
                id=o.id,
                name=o.name,
                domains=o.domains,
                aliases=o.aliases,
                country=Fact(o.country, source if o.country else None),
                owner=Fact(o.owner, source if o.owner else None),
                state_media=Fact(o.state_media, source if o.state_media else None),
                language=o.language,
            )
        )
    return cards


@dataclass(frozen=True)
class Hooks:
    """Callbacks the pipeline's parts get at construction."""

    on_outcome: Callable[[FeedOutcome], None] | None = None  # each feed's poll (metrics)
    on_queued: Callable[[], None] | None = None  # alerts or follow-ups were queued (senders)


@dataclass
class Pipeline:
    """Everything a poll needs, opened together and closed together."""

    store: Store
    registry: OutletRegistry
    fetcher: Fetcher
    pool: WorkerPool | None
    poller: Poller
    context: ContextEngine
    fanout: FanOut
    config: FeedsFile | None
    _stack: AsyncExitStack = field(repr=False)

    @classmethod
    async def open(
        cls,
        db_path: str,
        feeds_path: str | None,
        *,
        allow: Sequence[str] = (),
        workers: int | None = None,
        use_pool: bool = True,
        limits: FetchLimits | None = None,
    ) -> Pipeline:
        """A pipeline over these files, for tests and tools (no environment is read)."""
        settings = Settings(db=db_path, feeds=feeds_path or "", fetch_allow=tuple(allow))
        return await cls.build(
            settings,
            read_feeds=feeds_path is not None,
            workers=workers,
            use_pool=use_pool,
            limits=limits,
        )

    @classmethod
    async def build(
        cls,
        settings: Settings,
        *,
        read_feeds: bool = True,
        workers: int | None = None,
        use_pool: bool = True,
        limits: FetchLimits | None = None,
        hooks: Hooks | None = None,
    ) -> Pipeline:
        hooks = hooks or Hooks()
        registry = OutletRegistry.default()
        config = (
            load_feeds_file(settings.feeds, lambda o: registry.get(o) is not None)
            if read_feeds
            else None
        )
        cards = outlet_cards(config.outlets) if config is not None else []
        if cards:
            registry = registry.with_outlets(cards)
        allow = parse_allow_list([*settings.fetch_allow, *(config.allow if config else ())])
        stack = AsyncExitStack()
        try:
            store = await Store.open(settings.db)
            stack.push_async_callback(store.close)
            if config is not None:
                await sync_config(store, registry, config.feeds)
                await seed_subscriptions(store, config.subscriptions)
            pool: WorkerPool | None = None
            if use_pool:
                pool = WorkerPool(workers, cards, log_json=settings.log_json)
                stack.callback(pool.shutdown, wait=True, cancel_futures=True)
            else:
                use_outlets(cards)  # context runs in this process
            fetcher = await stack.enter_async_context(
                Fetcher(allow=allow, limits=limits or FetchLimits())
            )
            engine = ContextEngine(store, registry, pool, on_linked=hooks.on_queued)
            fanout = FanOut(store)
            poller = Poller(
                store,
                fetcher,
                pool,
                outlet_for=_outlet_for(registry),
                contextualize=engine.contextualize,
                on_stored=engine.on_stored,
                on_queued=hooks.on_queued,
                plan=fanout,
                on_outcome=hooks.on_outcome,
                settle=engine.settle,
            )
            stack.push_async_callback(poller.close)  # before the store closes
        except BaseException:
            await stack.aclose()
            raise
        return cls(store, registry, fetcher, pool, poller, engine, fanout, config, stack)

    async def close(self) -> None:
        await self._stack.aclose()

    async def __aenter__(self) -> Pipeline:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()


@contextlib.asynccontextmanager
async def open_reader(settings: Settings) -> AsyncIterator[Store]:
    """The database for commands that only read: never created, migrated or written."""
    store = await Store.open(settings.db, read_only=True)
    try:
        yield store
    finally:
        await store.close()


def _outlet_for(registry: OutletRegistry) -> OutletFor:
    def outlet_for(feed: FeedState) -> OutletCard | None:
        if feed.outlet_id:
            card = registry.get(feed.outlet_id)
            if card is not None:
                return card
        return registry.by_domain(feed.url)

    return outlet_for


async def sync_config(store: Store, registry: OutletRegistry, feeds: Sequence[FeedConfig]) -> None:
    """Store the declared feeds (outlet resolved from the domain when not given) and outlets."""
    resolved: list[FeedConfig] = []
    cards: dict[str, OutletCard] = {}
    for feed in feeds:
        card = registry.get(feed.outlet) if feed.outlet else registry.by_domain(feed.url)
        if card is not None:
            cards[card.id] = card
        resolved.append(
            FeedConfig(
                id=feed.id,
                url=feed.url,
                outlet=card.id if card else feed.outlet,
                interval=feed.interval,
                tags=feed.tags,
                language=feed.language or (card.language if card else None),
                enabled=feed.enabled,
            )
        )
    await store.upsert_outlets(cards.values())
    await store.sync_feeds(resolved)


async def seed_subscriptions(store: Store, subs: Sequence[SubscriptionConfig]) -> None:
    """Subscriptions declared in the feeds file; what moderators changed in chat stays."""
    for sub in subs:
        await store.upsert_subscription(
            sub.platform,
            sub.chat,
            sub.thread or "",
            filters=sub.filters,
            denials_only=sub.denials_only,
            mode=sub.mode,
            origin="config",
            webhook_url=sub.webhook,
        )


# ---------------------------------------------------------------- signals


@dataclass
class Caught:
    """The stop signal that arrived, if any."""

    signum: int | None = None


@contextlib.contextmanager
def stop_signals(on_stop: Callable[[], None]) -> Iterator[Caught]:
    """SIGTERM and SIGINT call `on_stop` (once each arrival) instead of killing the process."""
    loop = asyncio.get_running_loop()
    caught = Caught()

    def handler(signum: int) -> None:
        caught.signum = caught.signum or signum
        on_stop()

    installed = []
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(sig, handler, int(sig))
            installed.append(sig)
    try:
        yield caught
    finally:
        for sig in installed:
            loop.remove_signal_handler(sig)


# ---------------------------------------------------------------- poll --once


@dataclass
class PollRun:
    """What `poll --once` did: the summary so far, and the signal that cut it short."""

    feeds: int
    summary: PollSummary
    polled: int = 0
    interrupted_by: int | None = None


async def poll_once(
    settings: Settings, progress: Callable[[FeedOutcome, int, int], None] | None = None
) -> PollRun:
    """Poll every enabled feed once; SIGTERM / SIGINT stop it, keeping what finished."""
    task = asyncio.current_task()
    assert task is not None

    def cancel() -> None:
        task.cancel()

    run = PollRun(0, PollSummary())

    def counted(outcome: FeedOutcome) -> None:
        run.polled += 1
        count_outcome(run.summary, outcome)
        if progress is not None:
            progress(outcome, run.polled, run.feeds)

    with stop_signals(cancel) as caught:
        try:
            async with await Pipeline.build(settings) as pipeline:
                feeds = await pipeline.store.pollable_feeds()
                run.feeds = len(feeds)
                await pipeline.poller.poll_once(feeds, counted)
        except asyncio.CancelledError:
            if caught.signum is None:
                raise
            task.uncancel()
            run.interrupted_by = caught.signum
    return run


# ---------------------------------------------------------------- run


@dataclass
class _Stops:
    """One event per stage, set in order at a stop: polling, linking, sending."""

    poll: asyncio.Event = field(default_factory=asyncio.Event)
    link: asyncio.Event = field(default_factory=asyncio.Event)
    send: asyncio.Event = field(default_factory=asyncio.Event)


async def run_bot(
    settings: Settings,
    *,
    stop: asyncio.Event | None = None,
    out: TextIO | None = None,
    install_signals: bool = True,
    use_pool: bool = True,
) -> str:
    """`newsbot run` until `stop` is set or SIGTERM / SIGINT; returns the stop line."""
    stop = stop or asyncio.Event()
    out = out or sys.stdout
    async with AsyncExitStack() as stack:
        if install_signals:
            stack.enter_context(stop_signals(stop.set))
        log.info("newsbot run: %s", settings.describe())
        metrics = Metrics()
        senders = Senders()
        first = FirstPoll()
        queued = _Announcer(senders)
        hooks = Hooks(on_outcome=_outcome_hook(metrics, first), on_queued=queued)
        pipeline = await Pipeline.build(settings, hooks=hooks, use_pool=use_pool)
        stack.push_async_callback(pipeline.close)
        store = pipeline.store
        queued.store = store
        pipeline.context.standby = True  # until this worker holds the "link" role
        started = time.time()
        await _announce_first_poll(store, first)
        from handlers.commands import Commands

        commands = Commands(store, pipeline.registry, pipeline.fetcher)
        platforms = configured_platforms(settings, commands)
        if not platforms:
            # No chat platform: alerts go to the console, so a first run shows something.
            await store.upsert_subscription("console", CONSOLE_CHAT, origin="config")
        connections = {p.name: Connection(p.name) for p in platforms}
        for platform in platforms:
            stack.push_async_callback(_bounded_stop, platform)
        if settings.metrics_port is not None:
            app = health_app(
                store,
                metrics,
                platforms=lambda: {n: c.snapshot() for n, c in connections.items()},
            )
            _add_platform_routes(app, platforms)
            health = await serve(app, settings.metrics_host, settings.metrics_port)
            stack.push_async_callback(health.cleanup)
        from bot.platforms.console import ConsoleSink

        console = await dispatcher_for(ConsoleSink(out), store, metrics)
        senders.add(console)
        stops = _Stops()
        stack.push_async_callback(store.leave)
        try:
            async with asyncio.TaskGroup() as group:
                # Polling is shared by every worker of a database (feeds are leased); linking
                # and each platform's sending are roles that one worker holds at a time (on
                # SQLite this process holds them all at once; on PostgreSQL the others wait as
                # standbys). Losing a role's lock ends the run: a restart rejoins as standby.
                async def link() -> None:
                    # run() links new stories first and a backlog (a crash's, another
                    # worker's) batch by batch between them
                    pipeline.context.standby = False
                    await pipeline.context.run(stops.link)

                async def send_console() -> None:
                    await _recover(store, "console")
                    await console.run(stops.send)

                tasks = {
                    "poller": group.create_task(pipeline.poller.run(stops.poll), name="poller"),
                    "linker": group.create_task(
                        _in_role(store, "link", stops.link, stop, link), name="linker"
                    ),
                    "send-console": group.create_task(
                        _in_role(store, "send-console", stops.send, stop, send_console),
                        name="send-console",
                    ),
                }
                for platform in platforms:
                    name = f"send-{platform.name}"
                    tasks[name] = group.create_task(
                        _in_role(
                            store,
                            name,
                            stops.send,
                            stop,
                            functools.partial(
                                _platform_sender,
                                platform,
                                connections[platform.name],
                                stops.send,
                                senders,
                                store,
                                metrics,
                            ),
                        ),
                        name=name,
                    )
                group.create_task(_heartbeat(store, started, stops.send), name="heartbeat")
                group.create_task(
                    store.listen_queued(lambda _: _woken(senders, pipeline), stops.send),
                    name="listen",
                )
                await stop.wait()
                return await _stop_in_order(tasks, stops, pipeline, senders)
        except BaseExceptionGroup as failed:
            raise _first_error(failed) from None
    raise AssertionError("unreachable")


HEARTBEAT_S = 5.0


def _woken(senders: Senders, pipeline: Pipeline) -> None:
    """Another worker stored stories and queued alerts: link them and send them now."""
    senders.wake()
    pipeline.context.wake()


async def _in_role(
    store: Store,
    role: str,
    stop: asyncio.Event,
    stop_run: asyncio.Event,
    work: Callable[[], Awaitable[None]],
) -> None:
    """Do `work` while holding `role`; wait as a standby while another worker holds it."""
    async with store.role_lock(role, stop, on_lost=stop_run.set) as held:
        if held:
            await work()


async def _recover(store: Store, platform: str) -> None:
    """The new sender of a platform resends what was in flight when its last sender died."""
    recovered = await store.recover_in_flight(platform)
    if recovered:
        log.warning(
            "%s: resending %d message(s) that were in flight at the last stop", platform, recovered
        )


async def _heartbeat(store: Store, started: float, stop: asyncio.Event) -> None:
    """This worker and its roles in `workers` (what `newsbot status` lists) until `stop`;
    the heap's free pages returned to the kernel at the start (the config's transient work
    is done) and once every `malloc.TRIM_S`."""
    trimmed = time.monotonic() - malloc.TRIM_S
    while not stop.is_set():
        try:
            await store.heartbeat(started)
        except StoreError as exc:
            log.warning("heartbeat not recorded: %s", exc)
        if time.monotonic() - trimmed >= malloc.TRIM_S:
            malloc.trim()
            trimmed = time.monotonic()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), HEARTBEAT_S)


class _Announcer:
    """`on_queued`: wake this process's senders, and tell other workers' (PostgreSQL NOTIFY)."""

    def __init__(self, senders: Senders) -> None:
        self.senders = senders
        self.store: Store | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    def __call__(self) -> None:
        self.senders.wake()
        if self.store is not None and self.store.dialect == "postgresql":
            task = asyncio.get_running_loop().create_task(self._notify(self.store))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    @staticmethod
    async def _notify(store: Store) -> None:
        try:
            await store.announce_queued()
        except StoreError as exc:  # the sender's own poll finds the rows a moment later
            log.warning("could not tell the other workers about new alerts: %s", exc)


def _add_platform_routes(app: web.Application, platforms: Sequence[Platform]) -> None:
    """The platforms' routes on the /healthz server: Telegram's webhook."""
    for platform in platforms:
        for path, handler in platform.routes():
            app.router.add_post(path, handler)
            log.info("%s webhook served at %s on the health server", platform.name, path)


def _outcome_hook(metrics: Metrics, first: FirstPoll) -> Callable[[FeedOutcome], None]:
    """Each feed's poll: counted in the metrics, and the first run's one line (issue #16)."""

    def on_outcome(o: FeedOutcome) -> None:
        metrics.poll(o.result, o.new, o.revisions, o.feed_id, o.elapsed)
        line = first.outcome(o.feed_id, o.result, o.seen)
        if line is not None:
            log.info("%s", line)

    return on_outcome


async def _announce_first_poll(store: Store, first: FirstPoll) -> None:
    """Say at start that never-polled feeds are polled first and recorded without alerts."""
    new = [f.id for f in await store.pollable_feeds() if not f.baseline_done]
    line = first.expect(new, FIRST_POLL_WITHIN)
    if line is not None:
        log.info("%s", line)


async def _platform_sender(
    platform: Platform,
    connection: Connection,
    stop: asyncio.Event,
    senders: Senders,
    store: Store,
    metrics: Metrics,
) -> None:
    """Connect (retrying while it is down), then send its alerts until `stop`."""
    await _recover(store, platform.name)
    sink = await connect(platform, connection, stop)
    if sink is None:
        return
    dispatcher = await dispatcher_for(sink, store, metrics, platform.limiter)
    senders.add(dispatcher)
    await dispatcher.run(stop)


async def _bounded_stop(platform: Platform) -> None:
    try:
        await asyncio.wait_for(platform.stop(), timeout=PLATFORM_STOP)
    except TimeoutError:
        log.warning("%s: its API did not answer while closing; left it", platform.name)
    except Exception as exc:
        log.warning("%s: error while closing: %s", platform.name, exc)


async def _finish(tasks: Sequence[asyncio.Task[None]], within: float) -> int:
    """Wait up to `within` seconds for `tasks`; cancel the rest. Returns how many were cut."""
    pending = [t for t in tasks if not t.done()]
    if pending and within > 0:
        _, still = await asyncio.wait(pending, timeout=within)
        pending = list(still)
    for task in pending:
        task.cancel()
    if pending:
        await asyncio.gather(*pending, return_exceptions=True)
    return len(pending)


async def _stop_in_order(
    tasks: dict[str, asyncio.Task[None]], stops: _Stops, pipeline: Pipeline, senders: Senders
) -> str:
    """Stop polling, then linking, then sending, within STOP_BUDGET; one line says how it went."""
    loop = asyncio.get_running_loop()
    started = loop.time()
    deadline = started + STOP_BUDGET

    def left(share: float) -> float:
        return max(0.0, min(share, deadline - loop.time()))

    stops.poll.set()
    in_flight = pipeline.poller.in_flight
    polls_cut = in_flight if await _finish([tasks["poller"]], left(2.0)) else 0
    stops.link.set()
    link_cut = await _finish([tasks["linker"]], left(1.0))
    stops.send.set()
    sends = [t for name, t in tasks.items() if name.startswith("send-")]
    sends_cut = await _finish(sends, left(STOP_BUDGET))
    outbox = await pipeline.store.outbox_counts()
    waiting = outbox.get("pending", 0) + outbox.get("sending", 0)
    line = (
        f"stopped in {loop.time() - started:.1f} s: {pipeline.poller.finished} feed polls and "
        f"{senders.sent()} sends finished; left for the next start: "
        f"{polls_cut} feeds cut mid-poll, {waiting} messages to send"
        f"{f' ({sends_cut} senders cut mid-send)' if sends_cut else ''}, "
        f"{'stories still to link' if link_cut else 'nothing to link'}"
    )
    log.warning("%s", line)
    return line


def _first_error(group: BaseExceptionGroup[BaseException]) -> BaseException:
    """The error that ended a run: newsbot's own first (it says what and where)."""
    flat: list[BaseException] = []

    def walk(exc: BaseException) -> None:
        if isinstance(exc, BaseExceptionGroup):
            for inner in exc.exceptions:
                walk(inner)
        else:
            flat.append(exc)

    walk(group)
    for exc in flat:
        if isinstance(exc, NewsbotError):
            return exc
    return flat[0] if flat else group
