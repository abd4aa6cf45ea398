"""The SQLite engine: the embedded default (one file, WAL, FTS5).

One aiosqlite connection serves the whole process. Writers go through `transaction()`, which
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
import weakref
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from contextlib import asynccontextmanager, suppress
from pathlib import Path
from typing import Any
from urllib.parse import quote

import aiosqlite

from bot.errors import StoreError, StoreReason
from bot.store.base import Dialect, Row, migrations

BUSY_TIMEOUT_MS = 10_000


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


class SqliteConn:
    """One aiosqlite connection seen through the store's `Conn` methods."""

    dialect: Dialect = "sqlite"

    def __init__(self, db: aiosqlite.Connection) -> None:
        self.db = db

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        return await fetch_rowcount(self.db, sql, params)

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> int:
        try:
            async with self.db.executemany(sql, rows) as cursor:
                return int(cursor.rowcount)
        except sqlite3.Error as exc:
            raise store_error(exc, _PATHS.get(self.db, "the database")) from None

    async def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        return await fetchall(self.db, sql, params)

    async def fetchone(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        rows = await fetchall(self.db, sql, params)
        return rows[0] if rows else None

    async def copy_rows(
        self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]
    ) -> None:
        marks = ",".join("?" * len(columns))
        await self.executemany(f"INSERT INTO {table}({', '.join(columns)}) VALUES ({marks})", rows)


class SqliteEngine:
    """Owns the connection and the transaction discipline of a SQLite file."""

    dialect: Dialect = "sqlite"

    def __init__(self, db: aiosqlite.Connection, path: str) -> None:
        self.db = db
        self.conn = SqliteConn(db)
        self.name = path
        self.read_only = False
        self.applied: list[int] = []
        self.roles: set[str] = set()
        self._write_lock = asyncio.Lock()

    @classmethod
    async def open(cls, path: str, *, read_only: bool = False) -> SqliteEngine:
        """Open and migrate the database at `path` (created if needed).

        With `read_only`, the file must exist and have the current schema; nothing is created,
        migrated or written, and a file on a read-only mount opens too."""
        uri = _check_path(path, read_only)
        db = await _connect(path, uri)
        _PATHS[db] = path
        db.row_factory = sqlite3.Row
        engine = cls(db, path)
        engine.read_only = read_only
        try:
            if read_only:
                await engine._check_schema()
            else:
                await engine._configure()
                await engine.migrate()
        except (sqlite3.Error, OSError) as exc:
            await db.close()
            raise store_error(exc, path) from None
        except BaseException:
            await db.close()
            raise
        return engine

    async def close(self) -> None:
        async with self._write_lock:
            await self.db.close()

    async def _configure(self) -> None:
        await self.db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        await self.db.execute("PRAGMA journal_mode = WAL")
        await self.db.execute("PRAGMA synchronous = NORMAL")
        await self.db.execute("PRAGMA foreign_keys = ON")
        await self.db.execute("PRAGMA temp_store = MEMORY")
        # 32 MiB page cache: it fills up in `newsbot run`, whose processes together must stay
        # within 300 MB at 1,000,000 stories (issue #13); pages past it come from the OS's
        # file cache, not the disk (benchmarks/README.md, bench_run).
        await self.db.execute("PRAGMA cache_size = -32768")
        # Checkpoint every ~40 MB of WAL, not 4: a page rewritten by many batches in between is
        # copied to the database once (benchmarks/README.md: 4,357 → 5,512 stories/s at
        # 300,000 stories with 20,000 pages, on the schema before migration 006).
        await self.db.execute("PRAGMA wal_autocheckpoint = 10000")

    async def _versions(self) -> tuple[int, int]:
        """(the file's schema version, this newsbot's); a newer file is refused."""
        rows = await self.db.execute_fetchall("PRAGMA user_version")
        current = int(next(iter(rows))[0]) if rows else 0
        known = migrations("sqlite")
        latest = known[-1][0] if known else 0
        if current > latest:
            raise StoreError(
                f"{self.name}: database schema {current} is newer than this "
                f"newsbot ({latest}); upgrade newsbot",
                reason="schema",
            )
        return current, latest

    async def _check_schema(self) -> None:
        await self.db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        current, latest = await self._versions()
        if current == 0:
            # an empty file, or some other program's database
            raise StoreError(f"{self.name}: not a newsbot database", reason="corrupt")
        if current < latest:
            raise StoreError(
                f"{self.name}: database schema {current} is older than this newsbot "
                f"({latest}); run `newsbot db migrate` to upgrade it",
                reason="schema",
            )

    async def migrate(self) -> list[int]:
        """Apply the packaged migrations the file lacks, each in its own transaction."""
        current, _latest = await self._versions()
        applied = []
        for number, _name, sql in migrations("sqlite"):
            if number <= current:
                continue
            async with self.transaction() as db:
                # executescript would COMMIT our transaction; run statement by statement
                for statement in _split_sql(sql):
                    await db.execute(statement)
                await db.execute(f"PRAGMA user_version = {number}")
            applied.append(number)
        self.applied = applied
        return applied

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[SqliteConn]:
        """A write transaction: all of it commits, or none of it does."""
        if self.read_only:
            raise StoreError(f"{self.name}: opened read-only", reason="read_only")
        async with self._write_lock:
            begin = asyncio.ensure_future(self.db.execute("BEGIN IMMEDIATE"))
            try:
                await asyncio.shield(begin)
            except BaseException as exc:
                # Cancelled while BEGIN was queued: it still runs in the database thread, and a
                # transaction left open would refuse every later BEGIN on this connection.
                with suppress(Exception):
                    await begin
                await self._rollback()
                if isinstance(exc, sqlite3.Error):
                    raise store_error(exc, self.name) from None
                raise
            try:
                yield self.conn
                await self.db.execute("COMMIT")
            except BaseException as exc:
                await self._rollback()  # a failed COMMIT (disk full) leaves it open too
                if isinstance(exc, sqlite3.Error):
                    raise store_error(exc, self.name) from None
                raise

    @asynccontextmanager
    async def role_lock(
        self, role: str, stop: asyncio.Event, on_lost: Callable[[], None] | None = None
    ) -> AsyncIterator[bool]:
        """One process works a SQLite file: every role is its own at once."""
        self.roles.add(role)
        try:
            yield True
        finally:
            self.roles.discard(role)

    async def notify(self, channel: str, payload: str = "") -> None:
        """No other worker to wake on a SQLite file."""

    async def listen(
        self, channel: str, callback: Callable[[str], None], stop: asyncio.Event
    ) -> None:
        """Nothing to hear on a SQLite file: waits for `stop`."""
        await stop.wait()

    @property
    def in_transaction(self) -> bool:
        return bool(self.db.in_transaction)

    async def _rollback(self) -> None:
        if self.db.in_transaction:
            with suppress(sqlite3.Error):
                await self.db.execute("ROLLBACK")

    async def write_statement(self, sql: str, params: Sequence[Any] = ()) -> int:
        """One write statement on its own; returns the rows it changed.

        A single statement is atomic in autocommit mode, so it needs no BEGIN/COMMIT of its
        own (two fewer trips to the database thread: a poll records every feed's state). The
        lock keeps it out of another task's open transaction on this shared connection.
        """
        if self.read_only:
            raise StoreError(f"{self.name}: opened read-only", reason="read_only")
        async with self._write_lock:
            return await fetch_rowcount(self.db, sql, params)

    async def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        return await fetchall(self.db, sql, params)

    async def schema_version(self) -> int:
        rows = await fetchall(self.db, "PRAGMA user_version")
        return int(rows[0][0]) if rows else 0

    async def table_names(self) -> set[str]:
        rows = await fetchall(self.db, "SELECT name FROM sqlite_master WHERE type = 'table'")
        return {str(r[0]) for r in rows}


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
