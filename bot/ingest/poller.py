"""The poller: fetch → parse (process pool) → dedup → context → store, per feed, on schedule.

One feed's failure never touches another's: every error a feed can cause is caught here, stored
as that feed's last error and turned into backoff. Only store errors (the database itself)
propagate, because nothing sensible can continue without the database.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from concurrent.futures import Executor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from typing import Literal

from bot.errors import FetchError, StoreError
from bot.ingest.dedup import KeyedEntry, key_entries, scope_for
from bot.ingest.fetch import Fetcher
from bot.ingest.group_writer import GroupWriter
from bot.ingest.parse import ParsedFeed, parse_feed
from bot.ingest.schedule import (
    SchedulePolicy,
    first_poll_at,
    health_after_failure,
    next_poll_after_failure,
    next_poll_after_success,
)
from bot.models import Entry, FeedState, OutletCard, PollSummary, StoryContext, StoryDraft
from bot.store import Delivery, PollRecord, Store

log = logging.getLogger(__name__)

WRITE_LINGER = 0.1  # seconds a story write may wait for other feeds' writes

# Computes fact context, LSH bands and the context's stored JSON for entries about to be
# stored (CPU work, off the loop).
Contextualize = Callable[
    [Sequence[tuple[Entry, OutletCard | None]]],
    Awaitable[list[tuple[StoryContext | None, tuple[int, ...], str | None]]],
]
# Called after stories are stored (linking, fan-out): (new drafts with ids, revised drafts).
OnStored = Callable[[Sequence[tuple[int, StoryDraft]], Sequence[StoryDraft]], Awaitable[None]]
OutletFor = Callable[[FeedState], OutletCard | None]
# Fan-out: outbox rows per new story identity, committed with the stories.
Plan = Callable[[FeedState, Sequence[StoryDraft]], Awaitable[Mapping[str, Sequence[Delivery]]]]
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
        self.contextualize = contextualize
        self.on_stored = on_stored
        self.on_queued = on_queued  # alerts were queued with stored stories: wake the senders
        self.plan = plan
        self.finished = 0  # feed polls finished (success or failure), for the stop line
        self.on_outcome = on_outcome
        self.settle = settle
        self.policy = policy or SchedulePolicy()
        self.clock = clock
        self._scope_locks: dict[str, asyncio.Lock] = {}
        self._in_flight: set[str] = set()
        self._heading_to_write = 0  # feeds being parsed, or holding their scope lock to write
        # Feeds finishing together commit together; while other parsed feeds are on their way
        # a write waits up to WRITE_LINGER for them (an alert is seconds-scale; a commit per
        # feed is most of the store's cost in a full poll). Feeds answering 304 never count.
        self._writer = GroupWriter(
            store,
            linger=WRITE_LINGER,
            more_coming=lambda: self._heading_to_write > self._writer.queued,
        )

    async def close(self) -> None:
        """Let the story writes already handed to the writer commit."""
        await self._writer.drain()

    # ------------------------------------------------------------ one feed

    async def poll_feed(self, feed: FeedState) -> FeedOutcome:
        started = time.perf_counter()
        outcome = FeedOutcome(feed.id, feed.url, "ok")
        self._in_flight.add(feed.id)
        try:
            await self._poll(feed, outcome)
        except FetchError as exc:
            await self._failed(feed, outcome, str(exc), getattr(exc, "retry_after", None))
        except StoreError:
            raise  # the database itself: nothing sensible can go on
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
            feed.interval, now, max_age=fetched.cache_control_max_age, policy=self.policy
        )
        if fetched.status == 304 or fetched.unchanged or fetched.body is None:
            outcome.result = "not_modified" if fetched.status == 304 else "unchanged"
            # With the next group of story writes: one commit for many feeds' records.
            await self._writer.record(
                PollRecord(
                    feed.id,
                    next_at,
                    parsed=False,
                    etag=fetched.etag,
                    last_modified=fetched.last_modified,
                )
            )
            return
        async with self._heading():  # a feed being parsed usually writes: the writer waits for it
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
        stored = await self._store_entries(feed, parsed, outcome, poll)
        if stored is None:
            await self._writer.record(poll)
        else:
            await self._announce(*stored)

    async def _parse(
        self, body: bytes, url: str, content_type: str | None, feed: FeedState
    ) -> ParsedFeed:
        if self.parse_pool is None:
            return parse_feed(body, url, content_type, feed.language)
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            self.parse_pool, parse_feed, body, url, content_type, feed.language
        )

    async def _store_entries(
        self, feed: FeedState, parsed: ParsedFeed, outcome: FeedOutcome, poll: PollRecord
    ) -> tuple[list[StoryDraft], list[int], list[StoryDraft]] | None:
        """Dedup, context and write one feed's items with its poll record; (new drafts, their
        ids, revisions), or None when the feed had no usable item (nothing written)."""
        outlet = self.outlet_for(feed)
        outlet_id = outlet.id if outlet else feed.outlet_id
        scope = scope_for(outlet_id, feed.id)
        keyed = key_entries(parsed.entries, scope)
        if not keyed:
            return None
        # One scope at a time: section feeds of one outlet share items, and the check-then-
        # insert below must not race with itself.
        lock = self._scope_locks.setdefault(scope, asyncio.Lock())
        # Not counted while waiting for the lock: its holder's write may be the one lingering.
        async with lock, self._heading():
            existing = await self.store.match_existing(
                scope, [k.identity for k in keyed], [k.url_key for k in keyed]
            )
            new: list[StoryDraft] = []
            revised: list[StoryDraft] = []
            for item, found in zip(keyed, existing, strict=True):
                if found is None:
                    new.append(self._draft(item, scope, outlet_id, feed, feed.baseline_done))
                elif found.content_hash != item.content_hash:
                    draft = self._draft(item, scope, outlet_id, feed, False)
                    revised.append(replace(draft, existing_id=found.id))
            if self.contextualize is not None and (new or revised):
                enriched = await self.contextualize([(d.entry, outlet) for d in new + revised])
                drafts = [
                    replace(
                        d,
                        context=ctx,
                        bands=bands,
                        context_json=ctx_json,
                        outlet_id=d.outlet_id or _outlet(ctx),
                    )
                    for d, (ctx, bands, ctx_json) in zip(new + revised, enriched, strict=True)
                ]
                new, revised = drafts[: len(new)], drafts[len(new) :]
            deliveries = await self.plan(feed, new) if self.plan is not None and new else None
            ids = await self._writer.write(
                new, revised, deliveries, linked=self.on_stored is None, poll=poll
            )
            new_ids = [ids[d.identity] for d in new if d.identity in ids]
        if feed.baseline_done:
            outcome.new = len(new_ids)
        else:
            outcome.seen = len(new_ids)
        outcome.revisions = len(revised)
        outcome.new_ids = new_ids
        return new, new_ids, revised

    @contextlib.asynccontextmanager
    async def _heading(self) -> AsyncIterator[None]:
        """Counts this feed among the writes the group writer may wait for."""
        self._heading_to_write += 1
        try:
            yield
        finally:
            self._heading_to_write -= 1

    async def _announce(
        self, new: list[StoryDraft], new_ids: list[int], revised: list[StoryDraft]
    ) -> None:
        """Hand stored stories to `on_stored` (linking, follow-ups), then wake the senders."""
        if not (new_ids or revised):
            return
        if self.on_queued is not None:
            self.on_queued()
        if self.on_stored is None:
            return
        by_identity = {d.identity: d for d in new}
        stored = await self.store.stories_by_ids(new_ids)
        pairs = [(s.id, by_identity[s.identity]) for s in stored if s.identity in by_identity]
        await self.on_stored(pairs, revised)

    @staticmethod
    def _draft(
        item: KeyedEntry, scope: str, outlet_id: str | None, feed: FeedState, alert_worthy: bool
    ) -> StoryDraft:
        return StoryDraft(
            identity=item.identity,
            scope=scope,
            entry=item.entry,
            content_hash=item.content_hash,
            outlet_id=outlet_id,
            feed_id=feed.id,
            alert_worthy=alert_worthy,
        )

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

    async def run(self, stop: asyncio.Event, *, tick: float = 1.0) -> None:
        """Poll due feeds until `stop` is set; in-flight polls finish before returning.

        A StoreError in any feed's poll ends the run with it (the database is the one thing
        nothing can go on without); every other error stays with its feed."""
        tasks: set[asyncio.Task[FeedOutcome]] = set()
        fatal: list[BaseException] = []

        def finished(task: asyncio.Task[FeedOutcome]) -> None:
            tasks.discard(task)
            if not task.cancelled() and task.exception() is not None:
                fatal.append(task.exception())  # type: ignore[arg-type]

        try:
            while not stop.is_set():
                if fatal:
                    raise fatal[0]
                now = self.clock()
                for feed in await self.store.due_feeds(now):
                    if feed.id in self._in_flight:
                        continue
                    if feed.next_poll_at is None:
                        at = first_poll_at(feed.url, min(feed.interval, 30.0), now)
                        await self.store.set_next_poll(feed.id, at)
                        continue
                    if feed.next_poll_at <= now:
                        self._in_flight.add(feed.id)
                        task = asyncio.create_task(self.poll_feed(feed), name=f"poll-{feed.id}")
                        tasks.add(task)
                        task.add_done_callback(finished)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=tick)
        finally:
            if tasks:
                await asyncio.gather(*tasks, return_exceptions=True)
        if fatal:
            raise fatal[0]


def _outlet(ctx: StoryContext | None) -> str | None:
    """A feed of unknown outlet (an aggregator, a local mirror): the item's own domain says."""
    return ctx.outlet.id if ctx is not None and ctx.outlet is not None else None


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
