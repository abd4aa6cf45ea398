"""The PostgreSQL engine: a shared database for several `newsbot run` workers (asyncpg).

A pool of connections serves the process. The repositories' SQL is written once with `?`
placeholders; `pg_sql` turns them into `$1, $2, …` (outside quoted text) and caches the result.
Writes go through `transaction()`; within one process they take an asyncio lock, as on SQLite,
so the store behaves the same on both backends (tasks of one process never interleave inside
each other's transaction); between processes PostgreSQL's row locks and `ON CONFLICT` decide.

Migrations (`bot/store/pg/*.sql`) are numbered like SQLite's, recorded in `newsbot_schema`, and
run under an advisory lock, so workers starting together migrate once. Every asyncpg or network
error leaves this module as a `StoreError` naming the database by its URL without a password.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import re
import zlib
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from contextlib import asynccontextmanager, suppress
from typing import Any

import asyncpg

from bot.errors import StoreError, StoreReason
from bot.redact import mask_url_passwords
from bot.store.base import Dialect, Row, migrations

# Held while migrating (pg_advisory_xact_lock): a number no other program is likely to use.
MIGRATION_LOCK = 0x6E657773626F74  # "newsbot"
# A role's lock ("send-telegram", "link"): ROLE_LOCK_BASE + crc32 of its name, a session lock
# released when its connection dies, so a standby takes over within one STANDBY_POLL_S.
ROLE_LOCK_BASE = MIGRATION_LOCK + 1
STANDBY_POLL_S = 1.0
WATCH_S = 5.0
log = logging.getLogger(__name__)
POOL_SIZE = 8
CONNECT_TIMEOUT_S = 10.0


def safe_url(url: str) -> str:
    """The URL without its password, for messages and logs."""
    return mask_url_passwords(url)


@functools.lru_cache(maxsize=4096)
def pg_sql(sql: str) -> str:
    """`?` placeholders as `$1, $2, …`; a `?` inside quotes is text and stays."""
    out: list[str] = []
    number = 0
    quote: str | None = None
    for char in sql:
        if quote is not None:
            if char == quote:
                quote = None
        elif char in ("'", '"'):
            quote = char
        elif char == "?":
            number += 1
            out.append(f"${number}")
            continue
        out.append(char)
    return "".join(out)


_STATUS_COUNT = re.compile(r"(\d+)\s*$")


def _rowcount(status: str) -> int:
    """Rows changed, from a command tag ("UPDATE 3", "INSERT 0 1", "DELETE 0")."""
    found = _STATUS_COUNT.search(status or "")
    return int(found.group(1)) if found else 0


def pg_error(exc: BaseException, name: str) -> StoreError:
    """An asyncpg or network error as one line that says what is wrong with which database."""
    # one line: the server's DETAIL and HINT lines stay out of messages and logs
    text = " ".join(str(exc).split()) or type(exc).__name__
    reason: StoreReason
    if isinstance(exc, asyncpg.InvalidCatalogNameError):
        reason, what = "missing", "no such database (create it, then run `newsbot db migrate`)"
    elif isinstance(
        exc, asyncpg.InvalidPasswordError | asyncpg.InvalidAuthorizationSpecificationError
    ):
        reason, what = "other", "the server refused the login"
    elif isinstance(exc, asyncpg.ReadOnlySQLTransactionError):
        reason, what = "read_only", "the database is read-only; newsbot needs to write it"
    elif isinstance(exc, asyncpg.DiskFullError):
        reason, what = "full", "the database server's disk is full (nothing stored is lost)"
    elif isinstance(exc, asyncpg.DeadlockDetectedError | asyncpg.SerializationError):
        reason, what = "busy", "another writer held the same rows (deadlock); try again"
    elif isinstance(exc, asyncpg.IntegrityConstraintViolationError):
        reason, what = "constraint", "a write broke a constraint"
    elif isinstance(exc, asyncpg.UndefinedTableError):
        reason, what = "schema", "not a newsbot database (run `newsbot db migrate`)"
    elif isinstance(exc, OSError | asyncio.TimeoutError | asyncpg.CannotConnectNowError):
        reason, what = "unreachable", "cannot reach the database server"
    elif isinstance(exc, asyncpg.InterfaceError | asyncpg.ConnectionDoesNotExistError):
        reason, what = "unreachable", "the connection to the database server was lost"
    else:
        reason, what = "other", "database error"
    return StoreError(f"{safe_url(name)}: {what} ({text})", reason=reason)


_ERRORS = (asyncpg.PostgresError, asyncpg.InterfaceError, OSError, asyncio.TimeoutError)


class PgConn:
    """One pooled connection seen through the store's `Conn` methods."""

    dialect: Dialect = "postgresql"

    def __init__(self, connection: Any, name: str) -> None:
        self.connection = connection
        self.name = name

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        try:
            return _rowcount(await self.connection.execute(pg_sql(sql), *params))
        except _ERRORS as exc:
            raise pg_error(exc, self.name) from None

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> int:
        """Runs the statement once per row; PostgreSQL does not say how many rows changed
        (-1): callers that need the count use one statement with RETURNING instead."""
        batch = [tuple(r) for r in rows]
        if not batch:
            return 0
        try:
            await self.connection.executemany(pg_sql(sql), batch)
        except _ERRORS as exc:
            raise pg_error(exc, self.name) from None
        return -1

    async def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        try:
            return list(await self.connection.fetch(pg_sql(sql), *params))
        except _ERRORS as exc:
            raise pg_error(exc, self.name) from None

    async def fetchone(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        rows = await self.fetchall(sql, params)
        return rows[0] if rows else None

    async def copy_rows(
        self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]
    ) -> None:
        """Binary COPY: each value through its column's codec, no statement per row and no
        array parameters (asyncpg checks every element of an array parameter against the
        abstract Sequence type: some 80,000 checks for a batch of 1,000 stories)."""
        if not rows:
            return
        try:
            await self.connection.copy_records_to_table(table, records=rows, columns=columns)
        except _ERRORS as exc:
            raise pg_error(exc, self.name) from None


class PgEngine:
    """A connection pool to one PostgreSQL database, migrated to this newsbot's schema."""

    dialect: Dialect = "postgresql"

    def __init__(self, pool: Any, url: str, *, read_only: bool) -> None:
        self.pool = pool
        self.url = url
        self.name = safe_url(url)
        self.read_only = read_only
        self.applied: list[int] = []
        self.roles: set[str] = set()
        self._write_lock = asyncio.Lock()

    @classmethod
    async def open(cls, url: str, *, read_only: bool = False) -> PgEngine:
        settings = {"application_name": "newsbot", "jit": "off"}
        if read_only:
            # the server itself refuses a write, whatever a command tries
            settings["default_transaction_read_only"] = "on"
        try:
            pool = await asyncpg.create_pool(
                url,
                min_size=1,
                max_size=POOL_SIZE,
                timeout=CONNECT_TIMEOUT_S,
                server_settings=settings,
                reset=_keep_session,
            )
        except (*_ERRORS, ValueError) as exc:
            if isinstance(exc, ValueError):  # a malformed URL
                raise StoreError(
                    f"{safe_url(url)}: not a PostgreSQL URL ({exc})", reason="missing"
                ) from None
            raise pg_error(exc, url) from None
        engine = cls(pool, url, read_only=read_only)
        try:
            if read_only:
                await engine._check_schema()
            else:
                await engine.migrate()
        except BaseException:
            await engine.close()
            raise
        return engine

    async def close(self) -> None:
        await self.pool.close()

    async def _current_version(self, conn: PgConn) -> int:
        rows = await conn.fetchall("SELECT to_regclass('newsbot_schema') IS NOT NULL AS present")
        if not rows or not rows[0]["present"]:
            return 0
        found = await conn.fetchone("SELECT max(version) FROM newsbot_schema")
        return int(found[0]) if found and found[0] is not None else 0

    async def _check_schema(self) -> None:
        latest = migrations("postgresql")[-1][0]
        async with self.pool.acquire() as raw:
            current = await self._current_version(PgConn(raw, self.url))
        if current == 0:
            raise StoreError(f"{self.name}: not a newsbot database", reason="corrupt")
        if current > latest:
            raise StoreError(
                f"{self.name}: database schema {current} is newer than this newsbot "
                f"({latest}); upgrade newsbot",
                reason="schema",
            )
        if current < latest:
            raise StoreError(
                f"{self.name}: database schema {current} is older than this newsbot "
                f"({latest}); run `newsbot db migrate` to upgrade it",
                reason="schema",
            )

    async def migrate(self) -> list[int]:
        """Apply the missing migrations in one transaction, under the migration lock."""
        known = migrations("postgresql")
        latest = known[-1][0]
        applied: list[int] = []
        async with self.transaction() as conn:
            await conn.execute(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})")
            current = await self._current_version(conn)
            if current > latest:
                raise StoreError(
                    f"{self.name}: database schema {current} is newer than this newsbot "
                    f"({latest}); upgrade newsbot",
                    reason="schema",
                )
            for number, _name, sql in known:
                if number <= current:
                    continue
                try:
                    # a migration is a script of its own (no placeholders): run it as written
                    await conn.connection.execute(sql)
                except _ERRORS as exc:
                    raise pg_error(exc, self.url) from None
                await conn.execute(
                    "INSERT INTO newsbot_schema(version, applied_at) VALUES (?, now())", (number,)
                )
                applied.append(number)
        self.applied = applied
        return applied

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[PgConn]:
        """A write transaction: all of it commits, or none of it does."""
        if self.read_only:
            raise StoreError(f"{self.name}: opened read-only", reason="read_only")
        async with self._write_lock:
            try:
                raw = await self.pool.acquire()
            except _ERRORS as exc:
                raise pg_error(exc, self.url) from None
            try:
                transaction = raw.transaction()
                try:
                    await transaction.start()
                except _ERRORS as exc:
                    raise pg_error(exc, self.url) from None
                try:
                    yield PgConn(raw, self.url)
                except BaseException:
                    await _quietly(transaction.rollback())
                    raise
                try:
                    await transaction.commit()
                except _ERRORS as exc:
                    await _quietly(transaction.rollback())
                    raise pg_error(exc, self.url) from None
            finally:
                await self.pool.release(raw)

    @asynccontextmanager
    async def role_lock(
        self, role: str, stop: asyncio.Event, on_lost: Callable[[], None] | None = None
    ) -> AsyncIterator[bool]:
        """Hold `role` ("send-telegram", "link", …) among the workers of this database: True
        once held, False when `stop` came first. While another worker holds it, wait as a
        standby and take over within STANDBY_POLL_S of its death (a session advisory lock on
        a connection of its own: the server releases it when the holder's session ends).

        If that connection is lost while holding (the server restarted), another worker may
        take the role, so `on_lost` is called (default: `stop` is set) and this holder steps
        down rather than act beside it."""
        key = ROLE_LOCK_BASE + zlib.crc32(role.encode())
        try:
            conn = await asyncpg.connect(
                self.url,
                timeout=CONNECT_TIMEOUT_S,
                server_settings={"application_name": f"newsbot-{role}"},
            )
        except _ERRORS as exc:
            raise pg_error(exc, self.url) from None
        watch: asyncio.Task[None] | None = None
        try:
            said = False
            while not await conn.fetchval("SELECT pg_try_advisory_lock($1)", key):
                if not said:
                    log.info("standby for %s: another worker holds it", role)
                    said = True
                with suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), STANDBY_POLL_S)
                if stop.is_set():
                    break
            held = not stop.is_set()
            if held:
                if said:
                    log.warning("took over %s: the worker that held it has stopped", role)
                self.roles.add(role)
                lost = on_lost or stop.set
                watch = asyncio.create_task(self._watch_lock(conn, role, stop, lost), name=role)
            yield held
        finally:
            self.roles.discard(role)
            if watch is not None:
                watch.cancel()
                with suppress(asyncio.CancelledError):
                    await watch
            with suppress(*_ERRORS):
                await conn.close()  # releases the lock

    async def notify(self, channel: str, payload: str = "") -> None:
        """Wake the workers listening on `channel` (LISTEN/NOTIFY)."""
        try:
            await self.pool.execute("SELECT pg_notify($1, $2)", channel, payload)
        except _ERRORS as exc:
            raise pg_error(exc, self.url) from None

    async def listen(
        self, channel: str, callback: Callable[[str], None], stop: asyncio.Event
    ) -> None:
        """Call `callback(payload)` for every notification on `channel` until `stop`."""
        try:
            conn = await asyncpg.connect(self.url, timeout=CONNECT_TIMEOUT_S)
        except _ERRORS as exc:
            raise pg_error(exc, self.url) from None
        try:
            await conn.add_listener(channel, lambda *args: callback(str(args[-1])))
            await stop.wait()
        finally:
            with suppress(*_ERRORS):
                await conn.close()

    async def _watch_lock(
        self, conn: Any, role: str, stop: asyncio.Event, lost: Callable[[], None]
    ) -> None:
        while not stop.is_set():
            await asyncio.sleep(WATCH_S)
            try:
                await asyncio.wait_for(conn.fetchval("SELECT 1"), WATCH_S)
            except (*_ERRORS, TimeoutError):
                log.error("lost the connection that holds %s on %s; stepping down", role, self.name)
                self.roles.discard(role)
                lost()
                return

    async def write_statement(self, sql: str, params: Sequence[Any] = ()) -> int:
        """One write statement on its own (autocommit: atomic by itself)."""
        if self.read_only:
            raise StoreError(f"{self.name}: opened read-only", reason="read_only")
        try:
            return _rowcount(await self.pool.execute(pg_sql(sql), *params))
        except _ERRORS as exc:
            raise pg_error(exc, self.url) from None

    async def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        try:
            return list(await self.pool.fetch(pg_sql(sql), *params))
        except _ERRORS as exc:
            raise pg_error(exc, self.url) from None

    async def schema_version(self) -> int:
        async with self.pool.acquire() as raw:
            return await self._current_version(PgConn(raw, self.url))

    async def table_names(self) -> set[str]:
        rows = await self.fetchall(
            "SELECT tablename FROM pg_tables WHERE schemaname = ANY (current_schemas(false))"
        )
        return {str(r[0]) for r in rows}


async def _keep_session(connection: Any) -> None:
    """What the pool runs when a connection comes back, after asyncpg has rolled back any
    open transaction: nothing. asyncpg's default reset (unlock all advisory locks, close
    cursors, UNLISTEN, RESET ALL) is a round trip per lookup and per write, and the pool's
    connections hold none of that: role locks and LISTEN have connections of their own,
    advisory locks here are transaction locks, and nothing SETs a pooled session."""


async def _quietly(awaitable: Any) -> None:
    """A rollback on a connection that is already broken: the first error is the one to tell."""
    with suppress(*_ERRORS):
        await awaitable
