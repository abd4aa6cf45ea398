"""The database connection: opening, WAL, numbered migrations, and the write transaction.

One aiosqlite connection serves the whole process. Writers go through `_transaction()` (private
to the store modules: the connection is never handed outside `bot/store`), which
holds an asyncio lock and a `BEGIN IMMEDIATE`, so concurrent tasks never interleave statements
inside one another's transaction and a second process waits (busy_timeout) instead of failing.

Every sqlite3 error leaves this module as a `StoreError` whose `reason` says what is wrong
outside newsbot (`read_only`, `full`, `corrupt`, `missing` …) and whose message names the file:
callers above the store never see sqlite3. `open(read_only=True)` is for the commands that
only read: it never creates, migrates or writes a file, and works on a read-only mount.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sqlite3
import time
import weakref
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager, suppress
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote

import aiosqlite

from bot.errors import StoreError, StoreReason

BUSY_TIMEOUT_MS = 10_000


def now() -> float:
    return time.time()


def store_error(exc: sqlite3.Error | OSError, path: str) -> StoreError:
    """A sqlite3 (or file system) error as one line that says what is wrong with which file."""
    name = str(getattr(exc, "sqlite_errorname", "") or "")
    text = str(exc)
    low = text.lower()
    reason: StoreReason
    if name.startswith("SQLITE_READONLY") or "readonly" in low or "read-only" in low:
        reason, what = "read_only", "the database is read-only; newsbot needs to write it"
    elif name == "SQLITE_FULL" or "disk is full" in low or "no space" in low:
        reason, what = "full", "the disk is full; free space and run again (nothing stored is lost)"
    elif name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")) or "malformed" in low:
        reason, what = "corrupt", "the database file is damaged; restore a backup or move it away"
    elif "not a database" in low:
        reason, what = "corrupt", "not a newsbot database"
    elif isinstance(exc, sqlite3.IntegrityError) or name.startswith("SQLITE_CONSTRAINT"):
        reason, what = "constraint", "a write broke a constraint"
    elif name.startswith("SQLITE_IOERR") and _no_space(path):
        reason, what = "full", "the disk is full; free space and run again (nothing stored is lost)"
    elif name.startswith("SQLITE_CANTOPEN") or "unable to open" in low:
        reason, what = "missing", "cannot open the database file"
    else:
        reason, what = "other", "database error"
    return StoreError(f"{path}: {what} ({text})", reason=reason)


def _no_space(path: str) -> bool:
    """SQLite reports a full disk while growing its WAL index as a plain I/O error."""
    try:
        return shutil.disk_usage(Path(path).expanduser().resolve().parent).free < 256 * 1024
    except OSError:
        return False


def _read_only_reason(file: Path) -> str | None:
    """Why a database we must write cannot be written (root writes any file, so only a
    read-only mount or missing rights for a non-root user stop it), or None."""
    folder = file.resolve().parent
    try:
        if os.statvfs(folder).f_flag & os.ST_RDONLY:
            return "on a read-only file system"
    except OSError:
        return None
    if file.exists() and not os.access(file, os.W_OK):
        return "the file is not writable"
    if not os.access(folder, os.W_OK):
        return f"its folder {folder} is not writable (SQLite writes -wal and -shm files there)"
    return None


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
        self.read_only = False
        self._write_lock = asyncio.Lock()

    @classmethod
    async def open(cls, path: str | Path, *, read_only: bool = False) -> Any:
        """Open and migrate the database at `path` (created if needed).

        With `read_only`, the file must exist and have the current schema; nothing is created,
        migrated or written, and a file on a read-only mount opens too."""
        name = str(path)
        uri = _check_path(name, read_only)
        db = await _connect(name, uri)
        _PATHS[db] = name
        db.row_factory = sqlite3.Row
        store = cls(db, name)
        store.read_only = read_only
        try:
            if read_only:
                await store._check_schema()
            else:
                await store._configure()
                await store._migrate()
        except (sqlite3.Error, OSError) as exc:
            await db.close()
            raise store_error(exc, name) from None
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

    async def _versions(self) -> tuple[int, int]:
        """(the file's schema version, this newsbot's); a newer file is refused."""
        rows = await self._db.execute_fetchall("PRAGMA user_version")
        current = int(next(iter(rows))[0]) if rows else 0
        known = migrations()
        latest = known[-1][0] if known else 0
        if current > latest:
            raise StoreError(
                f"{self.path}: database schema {current} is newer than this "
                f"newsbot ({latest}); upgrade newsbot",
                reason="schema",
            )
        return current, latest

    async def _check_schema(self) -> None:
        await self._db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        current, latest = await self._versions()
        if current == 0:
            # an empty file, or some other program's database
            raise StoreError(f"{self.path}: not a newsbot database", reason="corrupt")
        if current < latest:
            raise StoreError(
                f"{self.path}: database schema {current} is older than this newsbot "
                f"({latest}); run `newsbot poll --once` or `newsbot run` once to upgrade it",
                reason="schema",
            )

    async def _migrate(self) -> None:
        current, _latest = await self._versions()
        known = migrations()
        for number, _name, sql in known:
            if number <= current:
                continue
            async with self._transaction() as db:
                # executescript would COMMIT our transaction; run statement by statement
                for statement in _split_sql(sql):
                    await db.execute(statement)
                await db.execute(f"PRAGMA user_version = {number}")

    @asynccontextmanager
    async def _transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """A write transaction: all of it commits, or none of it does."""
        if self.read_only:
            raise StoreError(f"{self.path}: opened read-only", reason="read_only")
        async with self._write_lock:
            begin = asyncio.ensure_future(self._db.execute("BEGIN IMMEDIATE"))
            try:
                await asyncio.shield(begin)
            except BaseException as exc:
                # Cancelled while BEGIN was queued: it still runs in the database thread, and a
                # transaction left open would refuse every later BEGIN on this connection.
                with suppress(Exception):
                    await begin
                await self._rollback()
                if isinstance(exc, sqlite3.Error):
                    raise store_error(exc, self.path) from None
                raise
            try:
                yield self._db
                await self._db.execute("COMMIT")
            except BaseException as exc:
                await self._rollback()  # a failed COMMIT (disk full) leaves it open too
                if isinstance(exc, sqlite3.Error):
                    raise store_error(exc, self.path) from None
                raise

    async def _rollback(self) -> None:
        if self._db.in_transaction:
            with suppress(sqlite3.Error):
                await self._db.execute("ROLLBACK")

    async def write_statement(self, sql: str, params: Iterable[Any] = ()) -> int:
        """One write statement on its own; returns the rows it changed.

        A single statement is atomic in autocommit mode, so it needs no BEGIN/COMMIT of its
        own (two fewer trips to the database thread: a poll records every feed's state). The
        lock keeps it out of another task's open transaction on this shared connection.
        """
        async with self._write_lock:
            try:
                return await fetch_rowcount(self._db, sql, tuple(params))
            except sqlite3.Error as exc:
                raise store_error(exc, self.path) from None

    async def _fetchall(self, sql: str, params: Iterable[Any] = ()) -> list[sqlite3.Row]:
        try:
            return await fetchall(self._db, sql, params)
        except sqlite3.Error as exc:
            raise store_error(exc, self.path) from None

    async def _fetchone(self, sql: str, params: Iterable[Any] = ()) -> sqlite3.Row | None:
        rows = await self._fetchall(sql, params)
        return rows[0] if rows else None

    async def schema_version(self) -> int:
        row = await self._fetchone("PRAGMA user_version")
        return int(row[0]) if row else 0


_PATHS: weakref.WeakKeyDictionary[aiosqlite.Connection, str] = weakref.WeakKeyDictionary()


async def fetchall(db: aiosqlite.Connection, sql: str, params: Iterable[Any] = ()) -> list[Any]:
    """Every row of one query in one trip to the database thread (a cursor takes three:
    execute, fetch, close; each trip costs a thread hand-off both ways)."""
    try:
        return list(await db.execute_fetchall(sql, tuple(params)))
    except sqlite3.Error as exc:
        raise store_error(exc, _PATHS.get(db, "the database")) from None


async def fetch_rowcount(db: aiosqlite.Connection, sql: str, params: Iterable[Any] = ()) -> int:
    """Run one statement; the rows it changed (the cursor is closed when collected)."""
    try:
        cursor = await db.execute(sql, tuple(params))
    except sqlite3.Error as exc:
        raise store_error(exc, _PATHS.get(db, "the database")) from None
    return int(cursor.rowcount)


def _check_path(name: str, read_only: bool) -> str | None:
    """Refuse paths SQLite cannot use, with a clear line; the URI for a read-only open."""
    if name == ":memory:":
        return None
    file = Path(name).expanduser()
    parent = file.resolve().parent
    if file.is_dir():
        raise StoreError(f"{name}: is a folder, not a database file", reason="missing")
    if read_only:
        if not file.is_file():
            raise StoreError(
                f"{name}: no database here (`newsbot poll --once` or `newsbot run` creates it)",
                reason="missing",
            )
        return f"file:{quote(str(file.resolve()))}?mode=ro"
    if not parent.is_dir():
        raise StoreError(f"{name}: folder {parent} does not exist", reason="missing")
    why = _read_only_reason(file)
    if why is not None:
        raise StoreError(
            f"{name}: the database is read-only ({why}); newsbot needs to write it",
            reason="read_only",
        )
    return None


async def _connect(name: str, uri: str | None) -> aiosqlite.Connection:
    """Connect; a read-only file whose folder is read-only too is opened as immutable."""
    attempts = [uri, f"{uri}&immutable=1"] if uri else [None]
    for index, target in enumerate(attempts):
        connection = aiosqlite.connect(target or name, isolation_level=None, uri=bool(target))
        try:
            db = await connection
            if target is not None:
                await db.execute_fetchall("PRAGMA user_version")  # WAL: opens -shm here
            return db
        except sqlite3.Error as exc:
            await _stopped(connection)
            if index + 1 < len(attempts) and "unable to open" in str(exc).lower():
                continue  # no -shm and no right to create one: read it as it is
            raise store_error(exc, name) from None
    raise AssertionError("unreachable")


async def _stopped(connection: aiosqlite.Connection) -> None:
    """Let aiosqlite's thread finish while the loop runs: it reports back through the loop,
    and finding it closed would print a thread traceback ("Event loop is closed")."""
    with suppress(Exception):
        await connection.close()
    thread = getattr(connection, "_thread", None)
    if thread is not None and thread.is_alive():
        await asyncio.to_thread(thread.join, 2.0)


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
