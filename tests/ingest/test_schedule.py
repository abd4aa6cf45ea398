"""Poll schedule: spread, server hints within bounds, backoff, health after long failure."""

from __future__ import annotations

from bot.ingest.schedule import (
    DAY,
    SchedulePolicy,
    first_poll_at,
    health_after_failure,
    next_poll_after_failure,
    next_poll_after_success,
)


def test_first_polls_are_spread_and_stable() -> None:
    offsets = {first_poll_at(f"https://x.test/{i}", 900, 0) for i in range(200)}
    assert len(offsets) == 200 and min(offsets) >= 0 and max(offsets) < 900
    assert max(offsets) - min(offsets) > 600  # not bunched
    assert first_poll_at("https://x.test/1", 900, 0) == first_poll_at("https://x.test/1", 900, 0)


def test_hints_only_slow_down_and_stay_within_bounds() -> None:
    policy = SchedulePolicy(min_interval=60, max_interval=3600)
    assert next_poll_after_success(900, 0, max_age=60, policy=policy) == 900
    assert next_poll_after_success(900, 0, max_age=1800, policy=policy) == 1800
    assert next_poll_after_success(900, 0, ttl=7200, policy=policy) == 3600
    assert next_poll_after_success(10, 0, policy=policy) == 60


def test_backoff_doubles_caps_and_respects_retry_after() -> None:
    policy = SchedulePolicy(max_backoff=3600)
    waits = [next_poll_after_failure(300, n, 0, "u", policy=policy) for n in (1, 2, 3, 10)]
    assert 270 <= waits[0] <= 330 and 540 <= waits[1] <= 660 and 1080 <= waits[2] <= 1320
    assert waits[3] <= 3600 * 1.1
    assert next_poll_after_failure(300, 1, 0, "u", retry_after=2000, policy=policy) >= 2000


def test_failing_after_a_day_disabled_after_a_week() -> None:
    assert health_after_failure(None, 100.0) == "retrying"
    assert health_after_failure(0.0, DAY - 1) == "retrying"
    assert health_after_failure(0.0, DAY + 1) == "failing"
    assert health_after_failure(0.0, 7 * DAY + 1) == "disabled"
