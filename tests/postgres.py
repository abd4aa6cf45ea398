"""The machine's PostgreSQL server for the tests: a fresh schema per test, dropped after it.

`NEWSBOT_TEST_POSTGRES` names a database the tests may use (`.ci/run` creates a fresh one per
run); without it, `postgresql://postgres@127.0.0.1:5432/test`. Each test gets its own schema
in that database (a `search_path` in the URL it is given), so tests never see each other's
rows and nothing is left behind. Where the server cannot be reached a PostgreSQL test is
skipped with the reason, except in CI (`CI` set), where it fails: CI always runs them.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg
import pytest

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/test"
_reachable: dict[str, str | None] = {}


def server_url() -> str:
    return os.environ.get("NEWSBOT_TEST_POSTGRES") or DEFAULT_URL


async def _probe(url: str) -> str | None:
    """None when the server answers (and has unaccent ready in `public`), else why not."""
    try:
        conn = await asyncpg.connect(url, timeout=5)
    except (TimeoutError, OSError, asyncpg.PostgresError) as exc:
        return f"{type(exc).__name__}: {exc}"
    try:
        # Extensions belong to a database, not to a test's schema: made once, in public.
        await conn.execute("CREATE EXTENSION IF NOT EXISTS unaccent SCHEMA public")
    finally:
        await conn.close()
    return None


async def require_server() -> str:
    """The server's URL, or skip (fail in CI) when it cannot be reached."""
    url = server_url()
    if url not in _reachable:
        _reachable[url] = await _probe(url)
    why = _reachable[url]
    if why is not None:
        message = f"PostgreSQL at {url} unreachable ({why})"
        if os.environ.get("CI"):
            pytest.fail(f"{message}: CI must run the PostgreSQL tests")
        pytest.skip(message)
    return url


def with_schema(url: str, schema: str) -> str:
    joiner = "&" if "?" in url else "?"
    return f"{url}{joiner}search_path={schema},public"


@asynccontextmanager
async def fresh_database() -> AsyncIterator[str]:
    """A URL whose connections see an empty schema of their own; dropped afterwards."""
    url = await require_server()
    schema = f"t_{uuid.uuid4().hex[:16]}"
    conn = await asyncpg.connect(url)
    try:
        await conn.execute(f"CREATE SCHEMA {schema}")
    finally:
        await conn.close()
    try:
        yield with_schema(url, schema)
    finally:
        conn = await asyncpg.connect(url)
        try:
            await conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        finally:
            await conn.close()
