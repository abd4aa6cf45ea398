"""Sliding-window limits: never more than N in any window, paced, primed across restarts."""

from __future__ import annotations

import asyncio
import itertools
import time

from bot.alerts.ratelimit import Limiter, RateLimits, SlidingWindow


def most_in_any_window(stamps: list[float], period: float) -> int:
    return max(sum(1 for t in stamps if s <= t < s + period) for s in stamps)


async def test_never_more_than_the_limit_in_any_window() -> None:
    window = SlidingWindow(10, 0.2, paced=True)
    stamps = []

    async def one() -> None:
        await window.acquire()
        stamps.append(time.monotonic())

    await asyncio.gather(*(one() for _ in range(40)))
    assert most_in_any_window(stamps, 0.2) <= 10
    gaps = [b - a for a, b in itertools.pairwise(stamps)]
    assert sum(1 for g in gaps if g < 0.01) <= len(gaps) // 4  # paced, not bunched
    rate = (len(stamps) - 1) / (stamps[-1] - stamps[0])
    assert 10 / 0.2 * 0.85 <= rate <= 10 / 0.2  # close to, never above, the allowed rate


async def test_hold_delays_everything_and_prime_counts_earlier_sends() -> None:
    limiter = Limiter(
        RateLimits(overall_per_second=5, per_chat_per_second=1, per_group_per_minute=3),
        is_group=lambda c: c.startswith("-"),
    )
    wall = time.time()
    limiter.prime([("-1", wall - 0.5), ("-1", wall - 0.4), ("-1", wall - 0.3)], wall)
    # the group "-1" already sent 3 this minute: a 4th must wait, another chat need not
    assert limiter._group("-1").delay() > 50
    started = time.monotonic()
    await limiter.acquire("42")
    assert time.monotonic() - started < 1
    limiter.hold_chat("42", 0.3)
    assert limiter._chat("42").delay() >= 0.25


def test_idle_windows_are_forgotten() -> None:
    clock = [1000.0]
    limiter = Limiter(RateLimits(), clock=lambda: clock[0])
    limiter._chat("a").record(clock[0])
    clock[0] += 120
    limiter.forget_idle()
    assert "a" not in limiter._chats


async def test_a_late_answer_moves_the_chats_next_slot() -> None:
    """The platform counts arrivals: a send answered late (a new connection, a busy machine)
    pushes the chat's next message a full spacing past the answer (issue #15)."""
    clock = [1000.0]
    limiter = Limiter(RateLimits(), clock=lambda: clock[0])
    await limiter.acquire("555")
    assert abs(limiter._chat("555").delay() - 1.0) < 1e-9  # 1 message/s
    clock[0] += 0.5  # the answer came half a second after the slot
    limiter.answered("555")
    assert abs(limiter._chat("555").delay() - 1.06) < 1e-9
    clock[0] += 1.0
    assert not limiter.ready("555")  # without the answer it would be free by now
    clock[0] += 0.07
    assert limiter.ready("555")
