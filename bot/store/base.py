"""The database connection: opening, WAL, numbered migrations, and the write transaction.

One aiosqlite connection serves the whole process. Writers go through `transaction()`, which
holds an asyncio lock and a `BEGIN IMMEDIATE`, so concurrent tasks never interleave statements
inside one another's transaction and a second process waits (busy_timeout) instead of failing.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager, suppress
from importlib import resources
from pathlib import Path
from typing import Any

import aiosqlite

from bot.errors import StoreError

BUSY_TIMEOUT_MS = 10_000


def now() -> float:
    return time.time()


def migrations() -> list[tuple[int, str, str]]:
    """(number, name, sql) of every packaged migration, in order."""
    found = []
    folder = resources.files("bot.store") / "migrations"
    for item in folder.iterdir():
        name = item.name
        if name.endswith(".sql") and name[:3].isdigit():
            found.append((int(name[:3]), name, item.read_text(encoding="utf-8")))
    return sorted(found)


class StoreBase:
    """Owns the connection and the transaction discipline; the repositories build on it."""

    def __init__(self, db: aiosqlite.Connection, path: str) -> None:
        self._db = db
        self.path = path
        self._write_lock = asyncio.Lock()

    @classmethod
    async def open(cls, path: str | Path) -> Any:
        """Open (creating if needed) and migrate the database at `path`."""
        name = str(path)
        if name != ":memory:":
            parent = Path(name).expanduser().resolve().parent  # noqa: ASYNC240 - once, at open
            if not parent.is_dir():
                raise StoreError(f"{name}: folder {parent} does not exist")
        try:
            db = await aiosqlite.connect(name, isolation_level=None)
        except sqlite3.Error as exc:
            raise StoreError(f"{name}: cannot open database ({exc})") from None
        db.row_factory = sqlite3.Row
        store = cls(db, name)
        try:
            await store._configure()
            await store._migrate()
        except sqlite3.DatabaseError as exc:
            await db.close()
            raise StoreError(f"{name}: not a usable newsbot database ({exc})") from None
        except BaseException:
            await db.close()
            raise
        return store

    async def close(self) -> None:
        async with self._write_lock:
            await self._db.close()

    async def _configure(self) -> None:
        await self._db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        await self._db.execute("PRAGMA journal_mode = WAL")
        await self._db.execute("PRAGMA synchronous = NORMAL")
        await self._db.execute("PRAGMA foreign_keys = ON")
        await self._db.execute("PRAGMA temp_store = MEMORY")
        await self._db.execute("PRAGMA cache_size = -65536")  # 64 MiB page cache
        # Checkpoint every ~40 MB of WAL, not 4: a page rewritten by many batches in between is
        # copied to the database once (benchmarks/README.md: 4,357 → 5,512 stories/s at
        # 300,000 stories with 20,000 pages, on the schema before migration 006).
        await self._db.execute("PRAGMA wal_autocheckpoint = 10000")

    async def _migrate(self) -> None:
        async with self._db.execute("PRAGMA user_version") as cur:
            row = await cur.fetchone()
        current = int(row[0]) if row else 0
        known = migrations()
        latest = known[-1][0] if known else 0
        if current > latest:
            raise StoreError(
                f"{self.path}: database schema {current} is newer than this "
                f"newsbot ({latest}); upgrade newsbot"
            )
        for number, _name, sql in known:
            if number <= current:
                continue
            async with self.transaction() as db:
                # executescript would COMMIT our transaction; run statement by statement
                for statement in _split_sql(sql):
                    await db.execute(statement)
                await db.execute(f"PRAGMA user_version = {number}")

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """A write transaction: all of it commits, or none of it does."""
        async with self._write_lock:
            begin = asyncio.ensure_future(self._db.execute("BEGIN IMMEDIATE"))
            try:
                await asyncio.shield(begin)
            except BaseException:
                # Cancelled while BEGIN was queued: it still runs in the database thread, and a
                # transaction left open would refuse every later BEGIN on this connection.
                with suppress(Exception):
                    await begin
                if self._db.in_transaction:
                    await self._db.execute("ROLLBACK")
                raise
            try:
                yield self._db
            except BaseException:
                await self._db.execute("ROLLBACK")
                raise
            else:
                await self._db.execute("COMMIT")

    async def write_statement(self, sql: str, params: Iterable[Any] = ()) -> int:
        """One write statement on its own; returns the rows it changed.

        A single statement is atomic in autocommit mode, so it needs no BEGIN/COMMIT of its
        own (two fewer trips to the database thread: a poll records every feed's state). The
        lock keeps it out of another task's open transaction on this shared connection.
        """
        async with self._write_lock:
            return await fetch_rowcount(self._db, sql, tuple(params))

    async def _fetchall(self, sql: str, params: Iterable[Any] = ()) -> list[sqlite3.Row]:
        return await fetchall(self._db, sql, params)

    async def _fetchone(self, sql: str, params: Iterable[Any] = ()) -> sqlite3.Row | None:
        rows = await fetchall(self._db, sql, params)
        return rows[0] if rows else None

    async def schema_version(self) -> int:
        row = await self._fetchone("PRAGMA user_version")
        return int(row[0]) if row else 0


async def fetchall(db: aiosqlite.Connection, sql: str, params: Iterable[Any] = ()) -> list[Any]:
    """Every row of one query in one trip to the database thread (a cursor takes three:
    execute, fetch, close; each trip costs a thread hand-off both ways)."""
    return list(await db.execute_fetchall(sql, tuple(params)))


async def fetch_rowcount(db: aiosqlite.Connection, sql: str, params: Iterable[Any] = ()) -> int:
    """Run one statement; the rows it changed (the cursor is closed when collected)."""
    cursor = await db.execute(sql, tuple(params))
    return int(cursor.rowcount)


def _split_sql(script: str) -> list[str]:
    """Split a migration into statements; triggers (BEGIN … END;) stay whole."""
    statements: list[str] = []
    buffer: list[str] = []
    for line in script.splitlines():
        stripped = line.strip()
        if not buffer and (not stripped or stripped.startswith("--")):
            continue
        buffer.append(line)
        candidate = "\n".join(buffer)
        if stripped.endswith(";") and sqlite3.complete_statement(candidate):
            statements.append(candidate)
            buffer = []
    if buffer and "\n".join(buffer).strip():
        statements.append("\n".join(buffer))
    return statements


def chunks(items: list[Any], size: int = 500) -> Iterable[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
