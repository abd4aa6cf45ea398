"""The stage after parsing: dedup → context → plan → write, for one parsed feed.

The poller schedules, fetches and parses; what happens to a parsed feed lives here, in one
call with a typed result: `StoreStage.ingest(feed, parsed, poll)` keys the items (identity
within the outlet's scope), matches them against the store (new, revised, unchanged), computes
their fact context (in the worker processes), plans the fan-out (outbox rows) and writes it
all with the feed's poll record in one group commit (`GroupWriter`). It returns `Stored`, or
None when the feed had no usable item (then nothing was written).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, replace

from bot.ingest.dedup import KeyedEntry, key_entries, scope_for
from bot.ingest.group_writer import GroupWriter
from bot.ingest.parse import ParsedFeed
from bot.models import Entry, FeedState, OutletCard, StoryContext, StoryDraft
from bot.store import Delivery, PollRecord, Store

WRITE_LINGER = 0.1  # seconds a story write may wait for other feeds' writes

# Computes fact context, LSH bands and the context's stored JSON for entries about to be
# stored (CPU work, off the loop).
Contextualize = Callable[
    [Sequence[tuple[Entry, OutletCard | None]]],
    Awaitable[list[tuple[StoryContext | None, tuple[int, ...], str | None]]],
]
OutletFor = Callable[[FeedState], OutletCard | None]
# Fan-out: outbox rows per new story identity, committed with the stories.
Plan = Callable[[FeedState, Sequence[StoryDraft]], Awaitable[Mapping[str, Sequence[Delivery]]]]


@dataclass(frozen=True)
class Stored:
    """What one feed's write stored: new drafts (with context), their ids, and revisions."""

    new: list[StoryDraft]
    new_ids: list[int]
    revised: list[StoryDraft]
    baseline: bool  # the feed's first poll: new items recorded without alerting

    @property
    def pairs(self) -> list[tuple[int, StoryDraft]]:
        """(story id, draft) of each new story stored (an identity stored meanwhile by
        another writer is not among them)."""
        return list(zip(self.new_ids, self.new, strict=True))


class StoreStage:
    """Dedup, context, fan-out plan and group write of parsed feeds into one Store."""

    def __init__(
        self,
        store: Store,
        *,
        outlet_for: OutletFor,
        contextualize: Contextualize | None = None,
        plan: Plan | None = None,
        linked: bool = True,
    ) -> None:
        self.store = store
        self.outlet_for = outlet_for
        self.contextualize = contextualize
        self.plan = plan
        self.linked = linked  # False: stories are stored unlinked, for the linker to take
        self._scope_locks: dict[str, asyncio.Lock] = {}
        self._heading_to_write = 0  # feeds being parsed, or holding their scope lock to write
        # Feeds finishing together commit together; while other parsed feeds are on their way
        # a write waits up to WRITE_LINGER for them (an alert is seconds-scale; a commit per
        # feed is most of the store's cost in a full poll). Feeds answering 304 never count.
        self.writer = GroupWriter(
            store,
            linger=WRITE_LINGER,
            more_coming=lambda: self._heading_to_write > self.writer.queued,
        )

    @contextlib.asynccontextmanager
    async def heading(self) -> AsyncIterator[None]:
        """Counts a feed (being parsed, or writing) among the writes the writer may wait for."""
        self._heading_to_write += 1
        try:
            yield
        finally:
            self._heading_to_write -= 1

    async def record(self, poll: PollRecord) -> None:
        """A poll that brought no stories (a 304, an unchanged body): with the next group."""
        await self.writer.record(poll)

    async def ingest(self, feed: FeedState, parsed: ParsedFeed, poll: PollRecord) -> Stored | None:
        """Dedup, context and write one feed's items with its poll record."""
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
        async with lock, self.heading():
            existing = await self.store.match_existing(
                scope, [k.identity for k in keyed], [k.url_key for k in keyed]
            )
            new: list[StoryDraft] = []
            revised: list[StoryDraft] = []
            for item, found in zip(keyed, existing, strict=True):
                if found is None:
                    new.append(_draft(item, scope, outlet_id, feed, feed.baseline_done))
                elif found.content_hash != item.content_hash:
                    draft = _draft(item, scope, outlet_id, feed, False)
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
            ids = await self.writer.write(new, revised, deliveries, linked=self.linked, poll=poll)
            new = [d for d in new if d.identity in ids]
            new_ids = [ids[d.identity] for d in new]
        return Stored(new, new_ids, revised, baseline=not feed.baseline_done)


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


def _outlet(ctx: StoryContext | None) -> str | None:
    """A feed of unknown outlet (an aggregator, a local mirror): the item's own domain says."""
    return ctx.outlet.id if ctx is not None and ctx.outlet is not None else None
