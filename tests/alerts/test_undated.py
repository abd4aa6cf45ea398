"""An item without a date shows no date: never its fetch time as if it were published (#16)."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.alerts.view import view_from_context
from bot.models import Story
from bot.platforms import discord_render, telegram_render

FETCHED = datetime(2026, 12, 3, 9, 41, tzinfo=UTC)


def story(published: datetime | None) -> Story:
    return Story(
        id=7,
        identity="ex|7",
        outlet_id=None,
        feed_id="ex",
        url="https://ex.example/7",
        title="Port reopens",
        summary="The port reopened.",
        text="The port reopened.",
        published=published,
        fetched=FETCHED,
        language="en",
        alert_worthy=True,
    )


def test_an_undated_alert_carries_no_date_on_either_platform() -> None:
    dated = view_from_context(story(datetime(2026, 12, 2, 8, 0, tzinfo=UTC)), None)
    undated = view_from_context(story(None), None)
    assert undated.published is None and dated.published is not None
    tg_dated = " ".join(m.text for m in telegram_render.render(dated))
    tg_undated = " ".join(m.text for m in telegram_render.render(undated))
    assert "02 Dec 2026 08:00 UTC" in tg_dated
    assert "UTC" not in tg_undated and "03 Dec 2026" not in tg_undated
    # a Discord embed's timestamp is shown as the time of the story: none for an undated one
    assert "timestamp" not in discord_render.render(undated)
    assert discord_render.render(dated)["timestamp"] == "2026-12-02T08:00:00+00:00"
