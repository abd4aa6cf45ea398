"""The composition root: builds the store, registry, fetcher, parse pool and poller.

Every command that needs the pipeline goes through `Pipeline.open()`, so `poll`, `run` and the
demo wire the same parts in the same order, and `close()` undoes it in reverse.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass
from types import TracebackType

from bot.alerts.fanout import FanOut
from bot.context.outlets import OutletRegistry
from bot.context.pipeline import ContextEngine
from bot.ingest.fetch import Fetcher, FetchLimits
from bot.ingest.guard import parse_allow_list
from bot.ingest.poller import OutletFor, Poller
from bot.models import Fact, FeedConfig, FeedState, OutletCard, OutletConfig
from bot.settings import FeedsFile, SubscriptionConfig, env_allow_list, load_feeds_file
from bot.store import Store


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


def make_pool(workers: int | None = None) -> Executor:
    """Worker processes for feedparser and context; forkserver keeps them free of our threads."""
    count = workers or max(1, os.cpu_count() or 1)
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["bot.ingest.parse", "bot.context.pipeline"])
    return ProcessPoolExecutor(max_workers=count, mp_context=context, initializer=_worker_init)


def _worker_init() -> None:
    """Workers leave Ctrl-C and SIGTERM to the main process, which shuts them down in order."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


@dataclass
class Pipeline:
    """Everything a poll needs, opened together and closed together."""

    store: Store
    registry: OutletRegistry
    fetcher: Fetcher
    pool: Executor | None
    poller: Poller
    context: ContextEngine
    fanout: FanOut
    config: FeedsFile | None

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
        registry = OutletRegistry.default()
        config = load_feeds_file(feeds_path, _known(registry)) if feeds_path else None
        if config is not None:
            registry = registry.with_outlets(outlet_cards(config.outlets))
        cidrs = [*env_allow_list(), *allow, *(config.allow if config else ())]
        store = await Store.open(db_path)
        try:
            if config is not None:
                await sync_config(store, registry, config.feeds)
                await seed_subscriptions(store, config.subscriptions)
            pool = make_pool(workers) if use_pool else None
            fetcher = Fetcher(allow=parse_allow_list(cidrs), limits=limits or FetchLimits())
            await fetcher.__aenter__()
            engine = ContextEngine(store, registry, pool)
            fanout = FanOut(store)
            poller = Poller(
                store,
                fetcher,
                pool,
                outlet_for=_outlet_for(registry),
                contextualize=engine.contextualize,
                on_stored=engine.on_stored,
                plan=fanout,
                settle=engine.settle,
            )
        except BaseException:
            await store.close()
            raise
        return cls(store, registry, fetcher, pool, poller, engine, fanout, config)

    async def close(self) -> None:
        try:
            await self.fetcher.__aexit__(None, None, None)
        finally:
            if self.pool is not None:
                self.pool.shutdown(wait=True, cancel_futures=True)
            await self.store.close()

    async def __aenter__(self) -> Pipeline:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()


def _known(registry: OutletRegistry) -> Callable[[str], bool]:
    return lambda outlet_id: registry.get(outlet_id) is not None


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
