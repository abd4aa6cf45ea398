"""Fixtures every test folder may use: a database on each store backend.

`db_target` is the contract-suite fixture: a test that takes it runs twice, once on a fresh
SQLite file and once on a fresh PostgreSQL schema (tests/postgres.py), with the same code and
the same assertions.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.postgres import fresh_database


@pytest.fixture(params=["sqlite", "postgresql"])
async def db_target(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """A database to open with `Store.open`: a file path, or a `postgresql://` URL."""
    if request.param == "sqlite":
        yield str(tmp_path / "news.db")
        return
    async with fresh_database() as url:
        yield url


@pytest.fixture
async def pg_target() -> AsyncIterator[str]:
    """A fresh PostgreSQL database (schema) only: for the tests of what SQLite lacks."""
    async with fresh_database() as url:
        yield url
