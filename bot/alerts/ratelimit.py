"""Send-rate limits: at most N messages in any window of T seconds, overall and per chat.

Sliding windows (not leaky buckets) because that is how the platforms count: a bucket that
starts full lets a burst of N through and then N more within the same second, which Telegram
answers with 429. Sends are also paced a little more than T/N apart, which implies the window
and keeps requests from bunching: close to the allowed rate, no 429, and few requests in flight
at any moment (after a crash, only those can be repeated).
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass


class SlidingWindow:
    """At most `limit` acquisitions in any `period` seconds; waiters are served in order."""

    def __init__(
        self,
        limit: int,
        period: float,
        clock: Callable[[], float] = time.monotonic,
        *,
        paced: bool = False,
    ) -> None:
        if limit < 1 or period <= 0:
            raise ValueError("limit must be >= 1 and period > 0")
        self.limit = limit
        self.period = period
        # 6% slower than the nominal rate: requests reach the platform with some ms of jitter
        # (measured: at 4% a 10,000-chat fan-out still met a few 429s), and pacing exactly at
        # the limit would put the N+1st at the edge of the N-th window.
        self.spacing = period / limit * 1.06 if paced or limit == 1 else 0.0
        self.clock = clock
        self._stamps: deque[float] = deque()
        self._lock = asyncio.Lock()
        self._hold_until = 0.0
        # The next paced slot. Slots follow a schedule rather than the last send, so time lost
        # oversleeping one slot is made up at the next (at most one slot early, and the window
        # check still holds): the average rate stays at the target.
        self._next_slot = float("-inf")

    def hold(self, seconds: float) -> None:
        """The platform said wait (429 retry_after): nothing passes before then."""
        self._hold_until = max(self._hold_until, self.clock() + seconds)

    def delay(self) -> float:
        """Seconds until one more acquisition would be allowed (0 when allowed now)."""
        now = self.clock()
        while self._stamps and self._stamps[0] <= now - self.period:
            self._stamps.popleft()
        wait = max(0.0, self._hold_until - now)
        if len(self._stamps) >= self.limit:
            wait = max(wait, self._stamps[0] + self.period - now)
        if self.spacing:
            wait = max(wait, self._next_slot - now)
        return wait

    def record(self, stamp: float) -> None:
        """An acquisition that happened at `stamp` (on this window's clock)."""
        self._stamps.append(stamp)
        if self.spacing:
            self._next_slot = max(self._next_slot, stamp - self.spacing) + self.spacing

    def touch(self, stamp: float) -> None:
        """The last acquisition's request was answered at `stamp`: count it from then.

        A request reaches the platform some time after its slot (a new connection, a busy
        machine); the platform measures arrivals, so the next paced slot follows the answer,
        never only the slot (issue #15: part 2 met a 429 when part 1 left late)."""
        if not self._stamps or stamp <= self._stamps[-1]:
            return
        self._stamps[-1] = stamp
        if self.spacing:
            self._next_slot = max(self._next_slot, stamp + self.spacing)

    def idle_since(self, moment: float) -> bool:
        last = self._stamps[-1] if self._stamps else float("-inf")
        return last < moment and self._hold_until < self.clock() and not self._lock.locked()

    async def acquire(self) -> None:
        async with self._lock:
            # Sleeping until the window frees is the point here, not polling for an event.
            while (wait := self.delay()) > 0:  # noqa: ASYNC110
                await asyncio.sleep(wait)
            self.record(self.clock())


@dataclass(frozen=True)
class RateLimits:
    """Defaults are Telegram's (DESIGN §5); Discord uses its own; benchmarks scale them up."""

    overall_per_second: int = 30
    per_chat_per_second: int = 1
    per_group_per_minute: int = 20


class Limiter:
    """The overall window plus one window per chat (and a per-minute one for groups)."""

    def __init__(
        self,
        limits: RateLimits,
        is_group: Callable[[str], bool] = lambda c: False,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limits = limits
        self.is_group = is_group
        self.clock = clock
        self.overall = SlidingWindow(limits.overall_per_second, 1.0, clock, paced=True)
        self._chats: dict[str, SlidingWindow] = {}
        self._groups: dict[str, SlidingWindow] = {}

    def _chat(self, chat: str) -> SlidingWindow:
        window = self._chats.get(chat)
        if window is None:
            window = self._chats[chat] = SlidingWindow(
                self.limits.per_chat_per_second, 1.0, self.clock
            )
        return window

    def _group(self, chat: str) -> SlidingWindow:
        window = self._groups.get(chat)
        if window is None:
            window = self._groups[chat] = SlidingWindow(
                self.limits.per_group_per_minute, 60.0, self.clock
            )
        return window

    def prime(self, sends: list[tuple[str, float]], wall_now: float) -> None:
        """Count sends made before a restart (chat, wall-clock time), so a new process does not
        burst past a window the previous one had already filled."""
        offset = self.clock() - wall_now
        for chat, at in sorted(sends, key=lambda s: s[1]):
            stamp = at + offset
            self.overall.record(stamp)
            self._chat(chat).record(stamp)
            if self.is_group(chat):
                self._group(chat).record(stamp)

    def ready(self, chat: str) -> bool:
        """Could `chat` send now without waiting (digests skip a chat that would wait)?"""
        window = self._chats.get(chat)
        return window is None or window.delay() == 0

    def hold_chat(self, chat: str, seconds: float) -> None:
        self._chat(chat).hold(seconds)

    def hold_all(self, seconds: float) -> None:
        self.overall.hold(seconds)

    async def acquire(self, chat: str) -> None:
        """Chat windows first (they may wait long), the overall window last and briefly."""
        await self._chat(chat).acquire()
        if self.is_group(chat):
            await self._group(chat).acquire()
        await self.overall.acquire()

    def answered(self, chat: str) -> None:
        """A send to `chat` was answered: its windows count that send from now."""
        now = self.clock()
        window = self._chats.get(chat)
        if window is not None:
            window.touch(now)
        group = self._groups.get(chat)
        if group is not None:
            group.touch(now)

    def forget_idle(self) -> None:
        """Drop windows of chats that sent nothing in the last minute (memory stays bounded)."""
        now = self.clock()
        for table in (self._chats, self._groups):
            idle = [c for c, w in table.items() if w.idle_since(now - 60)]
            for chat in idle:
                del table[chat]
