"""The poller: schedule, fetch and parse each feed, then hand it to the store stage.

What happens to a parsed feed (dedup → context → plan → write) is `bot.ingest.store_stage`.

One feed's failure never touches another's: every error a feed can cause is caught here, stored
as that feed's last error and turned into backoff. Only store errors (the database itself)
propagate, because nothing sensible can continue without the database.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import Executor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Literal

from bot.errors import FetchError, StoreError
from bot.ingest.fetch import Fetcher
from bot.ingest.parse import ParsedFeed, parse_feed
from bot.ingest.schedule import (
    SchedulePolicy,
    first_poll_at,
    health_after_failure,
    next_poll_after_failure,
    next_poll_after_success,
)
from bot.ingest.store_stage import Contextualize, OutletFor, Plan, Stored, StoreStage
from bot.models import FeedState, PollSummary, StoryDraft
from bot.store import PollRecord, Store

log = logging.getLogger(__name__)


# Called after stories are stored (linking, fan-out): (new drafts with ids, revised drafts).
OnStored = Callable[[Sequence[tuple[int, StoryDraft]], Sequence[StoryDraft]], Awaitable[None]]
PollResult = Literal["ok", "not_modified", "unchanged", "failed"]


@dataclass
class FeedOutcome:
    """What one poll of one feed did."""

    feed_id: str
    url: str
    result: PollResult
    new: int = 0
    revisions: int = 0
    seen: int = 0  # items recorded without alerting (first poll of a new feed)
    entries: int = 0
    error: str | None = None
    status: str = "ok"
    elapsed: float = 0.0
    new_ids: list[int] = field(default_factory=list)


class Poller:
    """Polls feeds through one Fetcher and one parse pool into one Store."""

    def __init__(
        self,
        store: Store,
        fetcher: Fetcher,
        parse_pool: Executor | None,
        *,
        outlet_for: OutletFor | None = None,
        contextualize: Contextualize | None = None,
        on_stored: OnStored | None = None,
        on_queued: Callable[[], None] | None = None,
        plan: Plan | None = None,
        on_outcome: Callable[[FeedOutcome], None] | None = None,
        settle: Callable[[], Awaitable[object]] | None = None,
        policy: SchedulePolicy | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.store = store
        self.fetcher = fetcher
        self.parse_pool = parse_pool
        self.outlet_for = outlet_for or (lambda feed: None)
        self.on_stored = on_stored
        self.on_queued = on_queued  # alerts were queued with stored stories: wake the senders
        self.finished = 0  # feed polls finished (success or failure), for the stop line
        self.on_outcome = on_outcome
        self.settle = settle
        self.policy = policy or SchedulePolicy()
        self.clock = clock
        self._in_flight: set[str] = set()
        self.stage = StoreStage(
            store,
            outlet_for=self.outlet_for,
            contextualize=contextualize,
            plan=plan,
            linked=on_stored is None,
        )

    @property
    def contextualize(self) -> Contextualize | None:
        """The store stage's context step (tests replace it to make it fail)."""
        return self.stage.contextualize

    @contextualize.setter
    def contextualize(self, value: Contextualize | None) -> None:
        self.stage.contextualize = value

    async def close(self) -> None:
        """Let the story writes already handed to the writer commit."""
        await self.stage.writer.drain()

    # ------------------------------------------------------------ one feed

    async def poll_feed(self, feed: FeedState) -> FeedOutcome:
        started = time.perf_counter()
        outcome = FeedOutcome(feed.id, feed.url, "ok")
        self._in_flight.add(feed.id)
        try:
            await self._poll(feed, outcome)
        except FetchError as exc:
            await self._failed(feed, outcome, str(exc), getattr(exc, "retry_after", None))
        except StoreError as exc:
            if exc.reason != "constraint":
                raise  # the database itself: nothing sensible can go on
            log.warning("feed %s: %s", feed.id, exc)  # this feed's write alone was refused
            await self._failed(feed, outcome, f"internal error: {exc}", None)
        except BrokenProcessPool:  # the pool retried on new workers, and lost them again
            log.warning("feed %s: a worker process died on it again", feed.id)
            await self._failed(feed, outcome, "a worker process died parsing this feed", None)
        except Exception as exc:  # a bug or an odd item must fail this feed alone, with backoff
            log.exception("feed %s: unexpected error", feed.id)
            await self._failed(feed, outcome, f"internal error: {type(exc).__name__}: {exc}", None)
        finally:
            self._in_flight.discard(feed.id)
            outcome.elapsed = time.perf_counter() - started
        self.finished += 1
        if self.on_outcome is not None:
            self.on_outcome(outcome)
        return outcome

    async def _poll(self, feed: FeedState, outcome: FeedOutcome) -> None:
        fetched = await self.fetcher.fetch(
            feed.url, etag=feed.etag, last_modified=feed.last_modified, previous_hash=feed.body_hash
        )
        now = self.clock()
        next_at = next_poll_after_success(
            feed.interval,
            now,
            max_age=fetched.cache_control_max_age,
            policy=self.policy,
            slot=feed.url,
        )
        if fetched.status == 304 or fetched.unchanged or fetched.body is None:
            outcome.result = "not_modified" if fetched.status == 304 else "unchanged"
            # With the next group of story writes: one commit for many feeds' records.
            await self.stage.record(
                PollRecord(
                    feed.id,
                    next_at,
                    parsed=False,
                    etag=fetched.etag,
                    last_modified=fetched.last_modified,
                )
            )
            return
        async with self.stage.heading():  # a feed being parsed usually writes: the writer waits
            parsed = await self._parse(fetched.body, fetched.url, fetched.content_type, feed)
        if parsed.error:
            raise FetchError(f"{feed.url}: {parsed.error}")
        if parsed.ttl_seconds:
            next_at = next_poll_after_success(
                feed.interval,
                now,
                max_age=fetched.cache_control_max_age,
                ttl=parsed.ttl_seconds,
                policy=self.policy,
                slot=feed.url,
            )
        outcome.entries = len(parsed.entries)
        poll = PollRecord(
            feed.id,
            next_at,
            parsed=True,
            etag=fetched.etag,
            last_modified=fetched.last_modified,
            body_hash=fetched.body_hash,
            title=parsed.title,
        )
        # The poll record commits with the feed's stories: its new body hash and validators
        # are never stored without them.
        stored = await self.stage.ingest(feed, parsed, poll)
        if stored is None:
            await self.stage.record(poll)
            return
        if stored.baseline:
            outcome.seen = len(stored.new_ids)
        else:
            outcome.new = len(stored.new_ids)
        outcome.revisions = len(stored.revised)
        outcome.new_ids = stored.new_ids
        await self._announce(stored)

    async def _parse(
        self, body: bytes, url: str, content_type: str | None, feed: FeedState
    ) -> ParsedFeed:
        if self.parse_pool is None:
            return parse_feed(body, url, content_type, feed.language)
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            self.parse_pool, parse_feed, body, url, content_type, feed.language
        )

    async def _announce(self, stored: Stored) -> None:
        """Wake the senders, and hand stored stories to `on_stored` (linking, follow-ups)."""
        new_ids, revised = stored.new_ids, stored.revised
        if not (new_ids or revised):
            return
        if self.on_queued is not None:
            self.on_queued()
        if self.on_stored is None:
            return
        await self.on_stored(stored.pairs, revised)

    async def _failed(
        self, feed: FeedState, outcome: FeedOutcome, error: str, retry_after: float | None
    ) -> None:
        now = self.clock()
        failures = feed.failures + 1
        status = health_after_failure(feed.first_failure_at, now, self.policy)
        next_at = next_poll_after_failure(
            feed.interval, failures, now, feed.url, retry_after=retry_after, policy=self.policy
        )
        await self.store.record_poll_failure(feed.id, error, next_poll_at=next_at, status=status)
        outcome.result = "failed"
        outcome.error = error
        outcome.status = status
        log.warning("feed %s failed (%s): %s", feed.id, status, error)

    # ------------------------------------------------------------ many feeds

    async def poll_once(
        self,
        feeds: Sequence[FeedState] | None = None,
        progress: Callable[[FeedOutcome], None] | None = None,
    ) -> PollSummary:
        """Poll the given feeds (default: every pollable feed) once, concurrently."""
        if feeds is None:
            feeds = await self.store.pollable_feeds()
        summary = PollSummary()

        async def one(feed: FeedState) -> None:
            outcome = await self.poll_feed(feed)
            count_outcome(summary, outcome)
            if progress is not None:
                progress(outcome)

        await asyncio.gather(*(one(feed) for feed in feeds))
        if self.settle is not None:
            await self.settle()  # a one-off poll ends with its stories linked
        return summary

    @property
    def in_flight(self) -> int:
        """Feeds being polled now."""
        return len(self._in_flight)

    @property
    def max_in_flight(self) -> int:
        """Polls `run` keeps under way at most: 4 × the fetcher's concurrency. Thousands of
        feeds due at once (a restart) are started as room frees up, not all at once (each
        waiting poll held its task, its feed and its request; the heap kept the high-water
        mark, and the event loop re-read every due feed each tick)."""
        return 4 * self.fetcher.limits.concurrency

    async def run(self, stop: asyncio.Event, *, tick: float = 1.0) -> None:
        """Poll due feeds until `stop` is set; in-flight polls finish before returning.

        A StoreError in any feed's poll ends the run with it (the database is the one thing
        nothing can go on without); every other error stays with its feed."""
        tasks: set[asyncio.Task[FeedOutcome]] = set()
        fatal: list[BaseException] = []
        room = asyncio.Event()  # half the in-flight polls finished: start more now
        cap = self.max_in_flight

        def finished(task: asyncio.Task[FeedOutcome]) -> None:
            tasks.discard(task)
            if not task.cancelled() and task.exception() is not None:
                fatal.append(task.exception())  # type: ignore[arg-type]
            if len(tasks) <= cap // 2:
                room.set()

        try:
            while not stop.is_set():
                if fatal:
                    raise fatal[0]
                room.clear()
                now = self.clock()
                free = cap - len(tasks)
                # The longest due first: the ones under way (still due until recorded) and
                # as many more as there is room for.
                due = await self.store.due_feeds(now, limit=len(self._in_flight) + free)
                for feed in due:
                    if feed.id in self._in_flight:
                        continue
                    if feed.next_poll_at is None:
                        at = first_poll_at(feed.url, min(feed.interval, 30.0), now)
                        await self.store.set_next_poll(feed.id, at)
                        continue
                    if feed.next_poll_at <= now and free > 0:
                        free -= 1
                        self._in_flight.add(feed.id)
                        task = asyncio.create_task(self.poll_feed(feed), name=f"poll-{feed.id}")
                        tasks.add(task)
                        task.add_done_callback(finished)
                waiter = asyncio.ensure_future(room.wait()) if free <= 0 else None
                stopper = asyncio.ensure_future(stop.wait())
                await asyncio.wait(
                    {stopper, *([waiter] if waiter else [])},
                    timeout=tick,
                    return_when=asyncio.FIRST_COMPLETED,
                )
                stopper.cancel()
                if waiter is not None:
                    waiter.cancel()
        except asyncio.CancelledError:
            for task in tasks:  # the run is ending (another part failed): so do its polls
                task.cancel()
            raise
        finally:
            if tasks:
                await asyncio.gather(*tasks, return_exceptions=True)
        if fatal:
            raise fatal[0]


def count_outcome(summary: PollSummary, outcome: FeedOutcome) -> None:
    """Add one feed's outcome to a poll's summary."""
    if outcome.result == "failed":
        summary.failed += 1
        summary.errors[outcome.feed_id] = outcome.error or "failed"
    elif outcome.result == "not_modified":
        summary.not_modified += 1
    elif outcome.result == "unchanged":
        summary.unchanged += 1
    else:
        summary.ok += 1
    summary.new_stories += outcome.new
    summary.revisions += outcome.revisions
    summary.seen_first_poll += outcome.seen
