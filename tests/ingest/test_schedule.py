"""Poll schedule: spread, server hints within bounds, backoff, health after long failure."""

from __future__ import annotations

from collections import Counter

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


def test_polls_after_success_fall_on_the_feed_slot_and_spread_a_burst() -> None:
    # 1,000 feeds polled in the same second (a restart, a first poll) come due spread over
    # their interval, not together again a minute later.
    urls = [f"https://x.test/{i}" for i in range(1000)]
    due = sorted(next_poll_after_success(60, 1000.0, slot=u) for u in urls)
    assert all(1000 + 54 <= t < 1000 + 54 + 60 for t in due)
    per_second = Counter(int(t) for t in due)
    assert max(per_second.values()) < 50  # about 17 a second; together they were 1,000

    # A feed polled on its slot (or up to 10 % of the interval late) stays on it.
    slot = next_poll_after_success(60, 0.0, slot=urls[0])
    for late in (0.0, 0.7, 5.9):
        assert next_poll_after_success(60, slot + late, slot=urls[0]) == slot + 60
    # Never sooner than 90 % of the interval, never later than 1.9 intervals; hints still slow
    # it down, and bounds still hold.
    for now in (0.0, 13.3, 59.99, 12345.6):
        for u in urls[:50]:
            wait = next_poll_after_success(60, now, slot=u) - now
            assert 54 <= wait < 114
            assert 1620 <= next_poll_after_success(60, now, ttl=1800, slot=u) - now < 3420
    assert next_poll_after_success(900, 0, slot=urls[1]) != next_poll_after_success(
        900, 0, slot=urls[2]
    )
