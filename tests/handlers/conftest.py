"""Fixtures the binding tests share: a polled Pipeline (see `open_pipeline`) and a Telegram fake."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app import Pipeline
from tests.fakes.feed_server import FeedServer
from tests.fakes.telegram_api import FakeTelegram
from tests.handlers import open_pipeline


@pytest.fixture
async def pipeline(tmp_path: Path) -> AsyncIterator[tuple[Pipeline, FeedServer]]:
    async with open_pipeline(tmp_path) as opened:
        yield opened


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as fake:
        yield fake
