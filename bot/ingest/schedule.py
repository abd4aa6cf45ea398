"""When to poll a feed next, and how healthy it is: pure functions, no clock of their own.

- First polls are spread over the interval by a hash of the URL, so 1,000 feeds with the same
  interval do not all fire in the same second.
- After a success the next poll honours the server's hints (Cache-Control max-age, <ttl>)
  when they ask for less often, always within [min_interval, max_interval]. Given the feed's
  URL it falls on the feed's own slot within the interval (a hash of the URL), never sooner
  than 90 % of the interval: feeds polled together (a restart, a first poll, a slow minute)
  drift apart onto their slots instead of coming due together every interval from then on.
- After a failure the wait doubles (with Retry-After as a floor) up to max_backoff.
- A feed failing for about a day is "failing"; for about a week, "disabled" (no more polls
  until a moderator resumes it). Before that it is "retrying".
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from bot.models import FeedHealth

DAY = 86400.0


@dataclass(frozen=True)
class SchedulePolicy:
    min_interval: float = 60.0
    max_interval: float = 6 * 3600.0
    max_backoff: float = 6 * 3600.0
    failing_after: float = DAY
    disabled_after: float = 7 * DAY


def _unit_hash(url: str) -> float:
    digest = hashlib.sha256(url.encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def first_poll_at(url: str, interval: float, now: float) -> float:
    """A stable offset within one interval, so schedules are spread and survive restarts."""
    return now + _unit_hash(url) * interval


SLOT_SLACK = 0.1  # a poll on its slot may come this share of the interval early


def next_poll_after_success(
    interval: float,
    now: float,
    *,
    max_age: float | None = None,
    ttl: float | None = None,
    policy: SchedulePolicy = SchedulePolicy(),
    slot: str | None = None,
) -> float:
    """`now` + the interval (or the server's longer hint); on the slot of `slot` (the feed's
    URL) when given: the first time t ≥ now + 90 % of the wait with t ≡ hash(slot) × wait
    (mod wait). A feed polled on its slot is polled on it again one wait later, however long
    the poll took (up to 10 % of the wait); one polled off it waits 0.9–1.9 waits, once."""
    wait = float(interval)
    for hint in (max_age, ttl):
        if hint is not None and hint > wait:
            wait = hint
    wait = min(max(wait, policy.min_interval), policy.max_interval)
    if slot is None:
        return now + wait
    earliest = now + (1 - SLOT_SLACK) * wait
    phase = _unit_hash(slot) * wait
    steps = -((phase - earliest) // wait)  # ceil((earliest - phase) / wait)
    return phase + steps * wait


def next_poll_after_failure(
    interval: float,
    failures: int,
    now: float,
    url: str,
    *,
    retry_after: float | None = None,
    policy: SchedulePolicy = SchedulePolicy(),
) -> float:
    """Exponential backoff: interval × 2^(failures-1), a little jitter, Retry-After a floor."""
    base = max(float(interval), policy.min_interval)
    wait = base * float(2 ** min(max(failures - 1, 0), 16))
    wait = min(wait, policy.max_backoff)
    wait *= 0.9 + 0.2 * _unit_hash(f"{url}#{failures}")  # de-synchronise retries
    if retry_after is not None:
        wait = max(wait, min(float(retry_after), policy.max_backoff * 4))
    return float(now + wait)


def health_after_failure(
    first_failure_at: float | None, now: float, policy: SchedulePolicy = SchedulePolicy()
) -> FeedHealth:
    started = first_failure_at if first_failure_at is not None else now
    failing_for = now - started
    if failing_for >= policy.disabled_after:
        return "disabled"
    if failing_for >= policy.failing_after:
        return "failing"
    return "retrying"
