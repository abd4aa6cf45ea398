"""Shared pieces for alert tests: the seed story and the WSJ sample analysed as stored."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.context.analyze import analyze
from bot.context.outlets import OutletRegistry
from bot.models import Story, StoryContext

DATA = Path(__file__).resolve().parents[1] / "data"
SEED_TITLE = "Russia rejects reports on military experts withdrawal from Venezuela"
SEED_URL = (
    "https://www.radiohc.cu/en/noticias/internacionales/192551-russia-rejects-reports-"
    "on-military-experts-withdrawal-from-venezuela"
)


def seed_text() -> str:
    raw = (DATA / "seed_radiohc.txt").read_text(encoding="utf-8")
    return raw.split("---")[1].strip()


def make_story(
    story_id: int, title: str, text: str, url: str, outlet_id: str, ctx: StoryContext
) -> Story:
    when = datetime(2019, 6, 4, 14, 10, tzinfo=UTC)
    return Story(
        id=story_id,
        identity=f"{outlet_id}|{story_id}",
        outlet_id=outlet_id,
        feed_id=outlet_id,
        url=url,
        title=title,
        summary=text[:300],
        text=text,
        published=when,
        fetched=when,
        language="en",
        alert_worthy=True,
        context=ctx,
    )


@pytest.fixture(scope="session")
def seed_story() -> Story:
    registry = OutletRegistry.default()
    ctx = analyze(SEED_TITLE, seed_text(), url=SEED_URL, resolver=registry)
    return make_story(1, SEED_TITLE, seed_text(), SEED_URL, "radiohc", ctx)
