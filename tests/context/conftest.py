"""Fixtures of the context tests: the seed article and a tiny real outlet registry."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.context.outlets import OutletRegistry
from bot.models import Fact, OutletCard

DATA = Path(__file__).resolve().parent.parent / "data"

SEED_TITLE = "Russia rejects reports on military experts withdrawal from Venezuela"

WSJ = OutletCard(
    id="wsj",
    name="The Wall Street Journal",
    domains=("wsj.com",),
    aliases=("Wall Street Journal", "WSJ"),
    country=Fact("United States", "test"),
)
RHC = OutletCard(
    id="radiohc",
    name="Radio Habana Cuba",
    domains=("radiohc.cu",),
    aliases=("RHC",),
    country=Fact("Cuba", "test"),
    owner=Fact("ICRT", "test"),
    state_media=Fact("state-controlled", "test"),
)
REUTERS = OutletCard(id="reuters", name="Reuters", domains=("reuters.com",))
TASS = OutletCard(id="tass", name="TASS", domains=("tass.com", "tass.ru"))


@pytest.fixture(scope="session")
def seed_text() -> str:
    return (DATA / "seed_radiohc.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def registry() -> OutletRegistry:
    return OutletRegistry([WSJ, RHC, REUTERS, TASS])
