"""The store: the only package that speaks SQL.

Two backends behind one `Store`: SQLite (a file path; aiosqlite, WAL, FTS5), the embedded
default, and PostgreSQL (a `postgresql://` URL; asyncpg, tsvector search) for several workers
on one database. Callers use `Store` methods only; `bot/store/base.py` says how the SQL is
shared between the two.
"""

from __future__ import annotations

from pathlib import Path

from bot.store.base import is_postgres_url
from bot.store.delivery_repo import DeliveryRepo
from bot.store.feeds_repo import FeedsRepo, PollRecord
from bot.store.links_repo import LinksRepo
from bot.store.secrets_repo import SecretsRepo
from bot.store.stories_repo import Delivery, Existing, StoriesRepo, fts_query
from bot.store.workers_repo import Worker, WorkersRepo


class Store(FeedsRepo, LinksRepo, StoriesRepo, DeliveryRepo, SecretsRepo, WorkersRepo):
    """One database: feeds, stories, context, links, subscriptions and the outbox."""

    @classmethod
    async def open(cls, path: str | Path, *, read_only: bool = False) -> Store:
        """Open the database, a file path or a `postgresql://` URL (see `StoreBase.open`); a
        writer also indexes what a crash left unindexed."""
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


__all__ = [
    "Delivery",
    "Existing",
    "PollRecord",
    "Store",
    "Worker",
    "fts_query",
    "is_postgres_url",
]
