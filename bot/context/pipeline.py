"""Wiring of fact context into ingest: compute context when a story is stored, then link it.

`analyze_batch` runs in the parse worker processes (context is CPU work); `ContextEngine`
runs in the event loop, asks the store for link candidates through its indexes, scores them
with bot.context.links and records the links and clusters.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Executor
from typing import Any

from bot.context.analyze import MAX_TEXT_CHARS, analyze
from bot.context.links import (
    DENIAL_THRESHOLD,
    DENIAL_WINDOW,
    SAME_EVENT_THRESHOLD,
    SAME_EVENT_WINDOW,
    WIRE_COPY_THRESHOLD,
    entity_keys,
    jaccard,
    minhash_bands,
    score_denial_link,
    score_same_event,
    shingles,
)
from bot.context.outlets import OutletRegistry
from bot.models import Entry, OutletCard, Story, StoryContext, StoryDraft, StoryLink
from bot.store import Store

# Text analysed per feed poll in full (about 50 long articles) and the time it may take, which
# ever runs out first: a 10 MB feed of dense items then costs seconds of one core, not a
# minute of both (issue #15, bounded work per feed).
FEED_TEXT_BUDGET = 300_000
FEED_TIME_BUDGET = 2.0  # seconds
SMALL_TEXT_CHARS = 1_000  # what an item gets once the text budget is spent
LEAD_CHARS = 300  # what an item gets once the time budget is spent: about its lead

# (context, LSH bands, the context as stored JSON): serialised in the worker, off the loop.
Enrichment = tuple[StoryContext | None, tuple[int, ...], str | None]


_registry: OutletRegistry | None = None  # this process's registry (see use_outlets)


def use_outlets(cards: Sequence[OutletCard]) -> None:
    """Resolve outlets with the packaged registry plus `cards` (the feeds file's outlets) in
    this process: the composition root calls it in every worker process and, without workers,
    in its own."""
    global _registry
    _registry = OutletRegistry.default().with_outlets(cards) if cards else None


def analyze_batch(
    items: Sequence[tuple[str, str, str | None, dict[str, Any] | None, str | None]],
    budget: int = FEED_TEXT_BUDGET,
) -> list[Enrichment]:
    """Context, LSH bands and stored JSON for (title, text, url, outlet card, declared
    language) items; worker-safe."""
    registry = _registry or OutletRegistry.default()
    results: list[Enrichment] = []
    deadline = time.monotonic() + FEED_TIME_BUDGET
    for title, text, url, outlet, language in items:
        card = OutletCard.from_dict(outlet) if outlet else None
        # One feed cannot take the machine: past the feed's budget, items are analysed on
        # their title and the start of their text only (the cut is recorded in `clipped`).
        cap = min(MAX_TEXT_CHARS, max(SMALL_TEXT_CHARS, budget))
        if time.monotonic() > deadline:
            cap = LEAD_CHARS  # out of time: the headline and the lead decide the label anyway
        ctx = analyze(
            title, text, url=url, outlet=card, resolver=registry, language=language, max_chars=cap
        )
        budget -= min(len(text), cap)
        bands = minhash_bands(f"{title}\n{text[:cap]}")
        results.append((ctx, bands, json.dumps(ctx.to_dict())))
    return results


def _time(story: Story) -> float:
    when = story.published or story.fetched
    return min(when.timestamp(), story.fetched.timestamp())


class ContextEngine:
    """Computes context for drafts and links stored stories to earlier ones."""

    def __init__(
        self,
        store: Store,
        registry: OutletRegistry,
        pool: Executor | None,
        *,
        on_linked: Callable[[], None] | None = None,
    ) -> None:
        self.store = store
        self.registry = registry
        self.pool = pool
        self.on_linked = on_linked  # e.g. wake the dispatchers: follow-ups were queued
        self._wake = asyncio.Event()
        self._bands: dict[int, tuple[int, ...]] = {}  # computed at store time, used once

    async def contextualize(
        self, items: Sequence[tuple[Entry, OutletCard | None]]
    ) -> list[Enrichment]:
        payload = [
            (
                e.title,
                e.text or e.summary,
                e.canonical_url or e.link,
                card.to_dict() if card else None,
                e.language,
            )
            for e, card in items
        ]
        if self.pool is None:
            return analyze_batch(payload)
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.pool, analyze_batch, payload)

    async def on_stored(
        self, new: Sequence[tuple[int, StoryDraft]], revised: Sequence[StoryDraft]
    ) -> None:
        """New stories are stored (marked unlinked): the linker takes them from here.

        Linking is off the poll's path: a feed's poll does not wait for its stories to be
        compared with the store. `settle()` (end of a one-off poll) or `run()` (the bot) link
        them; a crash in between leaves them unlinked, and they are linked at the next start.
        """
        for story_id, draft in new:
            if len(self._bands) < 100_000:
                self._bands[story_id] = draft.bands
        self._wake.set()

    async def settle(self) -> int:
        """Link everything stored so far; returns how many stories were linked."""
        return await self.catch_up()

    async def run(self, stop: asyncio.Event, *, tick: float = 5.0) -> None:
        """Link new stories as they are stored, until `stop` (then link what is left)."""
        while not stop.is_set():
            self._wake.clear()
            if await self.catch_up() and self.on_linked is not None:
                self.on_linked()
            waiter = asyncio.ensure_future(self._wake.wait())
            stopper = asyncio.ensure_future(stop.wait())
            await asyncio.wait({waiter, stopper}, timeout=tick, return_when=asyncio.FIRST_COMPLETED)
            waiter.cancel()
            stopper.cancel()
        if await self.catch_up() and self.on_linked is not None:
            self.on_linked()

    async def catch_up(self, batch: int = 200) -> int:
        """Link stories stored but not yet linked; returns how many."""
        done = 0
        while True:
            stories = await self.store.unlinked_stories(batch)
            if not stories:
                return done
            bands = {
                s.id: self._bands.pop(s.id, ()) or minhash_bands(f"{s.title}\n{s.text}")
                for s in stories
            }
            await self._link_all(stories, bands)
            done += len(stories)

    async def _link_all(self, stories: Sequence[Story], bands: Mapping[int, Sequence[int]]) -> None:
        for story in stories:
            links = await self.links_for(story, bands.get(story.id, ()))
            await self.store.add_links(links)
            same = [lk for lk in links if lk.kind == "same_story"]
            if same:
                await self._join_cluster(story, same)
            for link in links:
                if link.kind == "denies" and link.from_story == story.id:
                    await self.store.enqueue_followups(story.id, link.to_story)
        await self.store.mark_linked([s.id for s in stories])

    async def links_for(self, story: Story, bands: Sequence[int]) -> list[StoryLink]:
        links: list[StoryLink] = []
        ctx = story.context
        if ctx is None:
            return links
        if ctx.denial.is_denial:
            links.extend(await self._denied_reports(story, ctx))
        elif story.outlet_id:
            links.extend(await self._earlier_denials(story))
        links.extend(await self._same_story(story, ctx, bands))
        return links

    async def _denied_reports(self, story: Story, ctx: StoryContext) -> list[StoryLink]:
        """The denied outlet's reports in the window before the denial, best first."""
        denial = ctx.denial
        when = _time(story)
        keys = sorted(entity_keys(ctx, skip_kinds=("outlet",)))
        candidates = await self.store.entity_candidates(
            keys,
            since=when - DENIAL_WINDOW,
            until=when + 3600,
            exclude=story.id,
            outlet_id=denial.denied_outlet_id,
            other_than_outlet=None if denial.denied_outlet_id else story.outlet_id,
        )
        threshold = DENIAL_THRESHOLD if denial.denied_outlet_id else DENIAL_THRESHOLD + 0.15
        best: list[StoryLink] = []
        for report, _shared in candidates:
            if report.context is not None and report.context.denial.is_denial:
                continue  # a denial does not deny another denial
            scored = score_denial_link(
                ctx, when, report.title, report.text, report.context, _time(report)
            )
            if scored.confidence >= threshold:
                best.append(
                    StoryLink(story.id, report.id, "denies", scored.confidence, scored.reason)
                )
        best.sort(key=lambda lk: -lk.confidence)
        return best[:3]

    async def _earlier_denials(self, story: Story) -> list[StoryLink]:
        """A report stored after the denial of it (its feed was added later, say)."""
        assert story.outlet_id is not None
        when = _time(story)
        denials = await self.store.denials_naming_outlet(
            story.outlet_id, since=when - 3600, until=when + DENIAL_WINDOW
        )
        links = []
        for denial_story in denials:
            if denial_story.context is None:
                continue
            scored = score_denial_link(
                denial_story.context,
                _time(denial_story),
                story.title,
                story.text,
                story.context,
                when,
            )
            if scored.confidence >= DENIAL_THRESHOLD:
                links.append(
                    StoryLink(denial_story.id, story.id, "denies", scored.confidence, scored.reason)
                )
        return links

    async def _same_story(
        self, story: Story, ctx: StoryContext, bands: Sequence[int]
    ) -> list[StoryLink]:
        links: dict[int, StoryLink] = {}
        mine = shingles(f"{story.title}\n{story.text}")
        near = await self.store.band_candidates(bands, exclude=story.id)
        for other in await self.store.stories_by_ids([i for i, _ in near]):
            similarity = jaccard(mine, shingles(f"{other.title}\n{other.text}"))
            if similarity >= WIRE_COPY_THRESHOLD and other.outlet_id != story.outlet_id:
                links[other.id] = StoryLink(
                    story.id,
                    other.id,
                    "same_story",
                    round(similarity, 3),
                    f"near-identical text (Jaccard {similarity:.0%})",
                )
        when = _time(story)
        keys = sorted(entity_keys(ctx, skip_kinds=("outlet",)))
        candidates = await self.store.entity_candidates(
            keys,
            since=when - SAME_EVENT_WINDOW,
            until=when + SAME_EVENT_WINDOW,
            exclude=story.id,
            other_than_outlet=story.outlet_id,
            limit=20,
        )
        for other, _shared in candidates:
            if other.id in links:
                continue
            if other.context is not None and other.context.denial.is_denial != (
                ctx.denial.is_denial
            ):
                continue  # a denial and a report tell the event differently: link, not cluster
            scored = score_same_event(story.title, ctx, other.title, other.context)
            if scored.confidence >= SAME_EVENT_THRESHOLD:
                links[other.id] = StoryLink(
                    story.id, other.id, "same_story", scored.confidence, scored.reason
                )
        return sorted(links.values(), key=lambda lk: -lk.confidence)[:10]

    async def _join_cluster(self, story: Story, same: Sequence[StoryLink]) -> None:
        others = await self.store.stories_by_ids([lk.to_story for lk in same])
        cluster = min([o.cluster_id or o.id for o in others] + [story.id])
        members = [story.id] + [o.id for o in others if o.cluster_id != cluster]
        await self.store.set_cluster(members, cluster)
