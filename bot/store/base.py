"""What every store backend offers the repositories: connections, transactions, migrations.

A `Store` runs on one engine: SQLite (`sqlite_engine`, a file path, the embedded default) or
PostgreSQL (`pg_engine`, a `postgresql://` URL). The repositories write their SQL once, with
`?` placeholders and the syntax both databases share (`ON CONFLICT … DO NOTHING/UPDATE`,
`RETURNING`, `CAST(? AS TEXT) IS NULL` where a bare `?` would have no type); where the two
differ (full-text search, the MinHash band index, how new ids are learnt) a repository asks
`self.dialect`. Every engine turns its driver's errors into `StoreError`, so nothing above
`bot/store` sees sqlite3 or asyncpg.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import socket
import time
from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractAsyncContextManager
from importlib import resources
from pathlib import Path
from typing import Any, Literal, Protocol

Dialect = Literal["sqlite", "postgresql"]
QUEUED_CHANNEL = "newsbot_queued"  # NOTIFY channel: deliveries were queued


def now() -> float:
    return time.time()


def is_postgres_url(target: str | Path) -> bool:
    """A `postgresql://` (or `postgres://`) URL selects PostgreSQL; anything else is a path."""
    return str(target).startswith(("postgresql://", "postgres://"))


class Row(Protocol):
    """A result row: by column name or position (sqlite3.Row and asyncpg.Record both are)."""

    def __getitem__(self, key: int | str, /) -> Any: ...

    def keys(self) -> Iterable[str]: ...


class Conn(Protocol):
    """The statements a repository runs, inside a transaction or on their own."""

    dialect: Dialect

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> int: ...

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> int: ...

    async def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[Row]: ...

    async def fetchone(self, sql: str, params: Sequence[Any] = ()) -> Row | None: ...

    async def copy_rows(
        self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]
    ) -> None:
        """Append rows to a table as they are (PostgreSQL: binary COPY; no ON CONFLICT, so
        only for rows that cannot collide)."""
        ...


class Engine(Protocol):
    """One database, opened and migrated: what `StoreBase` delegates to."""

    dialect: Dialect
    name: str  # the file, or the URL without its password: safe to print
    read_only: bool
    applied: list[int]  # the migrations this open applied

    def transaction(self) -> AbstractAsyncContextManager[Conn]: ...

    async def write_statement(self, sql: str, params: Sequence[Any] = ()) -> int: ...

    async def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[Row]: ...

    async def migrate(self) -> list[int]: ...

    async def schema_version(self) -> int: ...

    async def table_names(self) -> set[str]: ...

    roles: set[str]  # the roles this process holds now

    def role_lock(
        self, role: str, stop: asyncio.Event, on_lost: Callable[[], None] | None = None
    ) -> AbstractAsyncContextManager[bool]: ...

    async def notify(self, channel: str, payload: str = "") -> None: ...

    async def listen(
        self, channel: str, callback: Callable[[str], None], stop: asyncio.Event
    ) -> None: ...

    async def close(self) -> None: ...


def migrations(dialect: Dialect = "sqlite") -> list[tuple[int, str, str]]:
    """(number, name, sql) of every packaged migration of a backend, in order."""
    found = []
    folder = resources.files("bot.store") / ("migrations" if dialect == "sqlite" else "pg")
    for item in folder.iterdir():
        name = item.name
        if name.endswith(".sql") and name[:3].isdigit():
            found.append((int(name[:3]), name, item.read_text(encoding="utf-8")))
    return sorted(found)


async def open_engine(target: str | Path, *, read_only: bool = False) -> Engine:
    """The engine for a path (SQLite) or a `postgresql://` URL, opened and migrated."""
    if is_postgres_url(target):
        # imported here: a SQLite user never loads the PostgreSQL driver
        from bot.store.pg_engine import PgEngine

        return await PgEngine.open(str(target), read_only=read_only)
    from bot.store.sqlite_engine import SqliteEngine

    return await SqliteEngine.open(str(target), read_only=read_only)


class StoreBase:
    """The engine a store runs on; the repositories build on it."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        # This process among the workers sharing the database (leases, `newsbot status`).
        self.worker_id = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(2)}"

    @classmethod
    async def open(cls, target: str | Path, *, read_only: bool = False) -> Any:
        """Open and migrate the database at `target` (a file path, created if needed, or a
        `postgresql://` URL).

        With `read_only`, the database must exist and have the current schema; nothing is
        created, migrated or written (a SQLite file on a read-only mount opens too)."""
        return cls(await open_engine(target, read_only=read_only))

    @property
    def dialect(self) -> Dialect:
        return self._engine.dialect

    @property
    def path(self) -> str:
        """The file or the URL (without its password): what messages name."""
        return self._engine.name

    @property
    def read_only(self) -> bool:
        return self._engine.read_only

    async def close(self) -> None:
        await self._engine.close()

    def _transaction(self) -> AbstractAsyncContextManager[Conn]:
        """A write transaction: all of it commits, or none of it does (store modules only)."""
        return self._engine.transaction()

    async def write_statement(self, sql: str, params: Iterable[Any] = ()) -> int:
        """One write statement on its own; returns the rows it changed."""
        return await self._engine.write_statement(sql, tuple(params))

    async def _fetchall(self, sql: str, params: Iterable[Any] = ()) -> list[Row]:
        return await self._engine.fetchall(sql, tuple(params))

    async def _fetchone(self, sql: str, params: Iterable[Any] = ()) -> Row | None:
        rows = await self._fetchall(sql, params)
        return rows[0] if rows else None

    @property
    def applied_migrations(self) -> list[int]:
        """The migrations applied when this store was opened (none when it was current)."""
        return list(self._engine.applied)

    async def schema_version(self) -> int:
        return await self._engine.schema_version()

    def role_lock(
        self, role: str, stop: asyncio.Event, on_lost: Callable[[], None] | None = None
    ) -> AbstractAsyncContextManager[bool]:
        """Held while this process does `role` for the database ("send-telegram": the one
        sender and platform connection per bot token; "link": the linker). On PostgreSQL
        another worker waits as a standby and takes over when the holder dies; yields False
        when `stop` is set before the role was won. `on_lost` is called (default: `stop` is
        set) if the holder can no longer be sure it still holds the role."""
        return self._engine.role_lock(role, stop, on_lost)

    @property
    def roles(self) -> list[str]:
        return sorted(self._engine.roles)

    async def announce_queued(self) -> None:
        """Tell the other workers that deliveries were queued (their senders wake)."""
        await self._engine.notify(QUEUED_CHANNEL)

    async def listen_queued(self, callback: Callable[[str], None], stop: asyncio.Event) -> None:
        """Call `callback` whenever another worker queues deliveries, until `stop`."""
        await self._engine.listen(QUEUED_CHANNEL, callback, stop)


def marks(count: int) -> str:
    """`(?, ?, …)` for an IN list of `count` values; `(NULL)` (matches nothing) for none,
    which SQLite accepts as `()` but PostgreSQL does not."""
    return "(" + ",".join("?" * count) + ")" if count else "(NULL)"


def chunks(items: list[Any], size: int = 500) -> Iterable[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
