"""The store: the only module that speaks SQL (SQLite through aiosqlite, WAL, FTS5).

Callers use `Store` methods only; the SQL behind them stays close to standard SQL so that a
PostgreSQL backend could implement the same methods later.
"""

from __future__ import annotations

from pathlib import Path

from bot.store.base import store_error
from bot.store.delivery_repo import DeliveryRepo
from bot.store.feeds_repo import FeedsRepo, PollRecord
from bot.store.links_repo import LinksRepo
from bot.store.secrets_repo import SecretsRepo
from bot.store.stories_repo import Delivery, Existing, StoriesRepo, fts_query


class Store(FeedsRepo, LinksRepo, StoriesRepo, DeliveryRepo, SecretsRepo):
    """One database: feeds, stories, context, links, subscriptions and the outbox."""

    @classmethod
    async def open(cls, path: str | Path, *, read_only: bool = False) -> Store:
        """Open the database (see `StoreBase.open`); a writer also indexes what a crash left
        unindexed."""
        store = await super().open(path, read_only=read_only)
        assert isinstance(store, Store)
        if read_only:
            return store
        try:
            await store.index_missing_search_shards()
        except BaseException:
            await store.close()
            raise
        return store


__all__ = ["Delivery", "Existing", "PollRecord", "Store", "fts_query", "store_error"]
