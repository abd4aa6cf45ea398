"""Wiring of fact context into ingest: compute context when a story is stored, then link it.

`analyze_batch` runs in the parse worker processes (context is CPU work); `ContextEngine`
runs in the event loop, asks the store for link candidates through its indexes, scores them
with bot.context.links and records the links and clusters.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
import time
from collections import Counter
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
    DenialSide,
    ReportSide,
    bands_of,
    cached_key,
    content_words,
    denial_side,
    entity_keys,
    jaccard,
    minhash_bands,
    report_side,
    score_same_event_keys,
    word_shingles,
)
from bot.context.outlets import OutletRegistry
from bot.models import Entry, OutletCard, Story, StoryContext, StoryDraft, StoryLink
from bot.store import Store
from bot.store.links_repo import CandidateInfo

log = logging.getLogger(__name__)

# Text analysed per feed poll in full (about 50 long articles) and the time it may take, which
# ever runs out first: a 10 MB feed of dense items then costs seconds of one core, not a
# minute of both (issue #15, bounded work per feed).
FEED_TEXT_BUDGET = 300_000
FEED_TIME_BUDGET = 2.0  # seconds
SMALL_TEXT_CHARS = 1_000  # what an item gets once the text budget is spent
LEAD_CHARS = 300  # what an item gets once the time budget is spent: about its lead

# A candidate report of a denial: (outlet id, is a denial, its side of the denial score).
ReportInfo = tuple[str | None, bool, ReportSide]

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


def bands_batch(texts: Sequence[str]) -> list[tuple[int, ...]]:
    """MinHash LSH bands of texts; worker-safe."""
    return [minhash_bands(t) for t in texts]


def _time(story: Story) -> float:
    when = story.published or story.fetched
    return min(when.timestamp(), story.fetched.timestamp())


# Linking reads candidates in batches (issue #13 item 5): per entity key and per LSH band, the
# newest rows only, so the cost of a story does not grow with the stories that share its keys.
LINK_BATCH = 500  # stories linked together: one set of candidate reads
EARLY_LINK = 200  # a one-off poll starts linking once this many of its stories wait
KEY_ROWS = 32  # newest stories read per entity key; a key that fills them is too common
BAND_ROWS = 32  # newest stories read per LSH band
GROUP_SPAN = 6 * 3600.0  # stories within this span of each other share their key reads
RECENT_SLACK = 3600.0  # how far past the group's newest story "most recent" reaches
ENTITY_LIMIT = 20  # entity candidates scored per story, most shared keys first
INFO_CACHE = 10_000  # candidates' titles and keys kept between batches (about 1.4 KB each)
# Reports' and denials' sides of the denial score kept between batches (a report's about 4 KB:
# its headline's and lead's words); fewer than candidates, as only denials read them
SIDES_CACHE = 2_000
# Word shingles kept, counted in shingles (about 110 bytes each: ~5.5 MB): bounded by size,
# not by stories, since a full-text story holds 30 times a feed item's (newsbot run's memory
# floor, #13)
GRAMS_BUDGET = 50_000


def _groups(stories: Sequence[Story]) -> list[list[Story]]:
    """Stories in runs of publication time at most GROUP_SPAN wide (earliest first)."""
    groups: list[list[Story]] = []
    for story in sorted(stories, key=_time):
        if groups and _time(story) - _time(groups[-1][0]) <= GROUP_SPAN:
            groups[-1].append(story)
        else:
            groups.append([story])
    return groups


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
        # Stories this process stored and has not linked yet, in order: linked before any
        # backlog (a poll never waits for stories it did not store). Alert-worthy ones wait
        # apart and go first: their alerts are sent once they are linked, and a first poll's
        # baseline (60,000 stories for 2,000 feeds) must not hold them back.
        self._urgent: dict[int, None] = {}
        self._pending: dict[int, None] = {}
        self._info: dict[int, CandidateInfo] = {}  # candidates seen lately (FIFO)
        # (outlet, word shingles) of stories compared lately (FIFO): a wire copy's candidates
        # are mostly the batch's own stories and the ones just before.
        self._grams: dict[int, tuple[str | None, set[str]]] = {}
        self._grams_held = 0  # shingles in self._grams
        self._report_info: dict[int, ReportInfo] = {}  # denials' candidates seen lately (FIFO)
        # (denied outlet, side of the score) of denials seen lately (FIFO); a denial is not
        # revised into another (a revision's denial keeps its story id: dropped on revision)
        self._denial_sides: dict[int, tuple[str | None, DenialSide]] = {}
        self._lock = asyncio.Lock()  # one linking pass at a time
        self._looping = False  # run() is linking as stories are stored
        # A one-off poll links its stories while its other feeds are still being polled
        # (the loop links, the workers analyse): settle() then waits for the rest only.
        self._early: asyncio.Task[int] | None = None
        self._early_done = 0
        # Another worker holds the "link" role (PostgreSQL, several workers): this one keeps
        # nothing pending and never links; its stories wait unlinked in the database, where
        # the holder's backlog pass finds them.
        self.standby = False

    def wake(self) -> None:
        """Look for stories to link now (another worker stored some), not at the next tick."""
        self._wake.set()

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
        if self.standby:
            return
        for story_id, draft in new:
            if draft.alert_worthy:  # baseline: not searched, no alert waits for it
                if len(self._bands) < 100_000:
                    self._bands[story_id] = draft.bands
                self._urgent[story_id] = None
            else:
                self._pending[story_id] = None
        for draft in revised:  # its title, text and entities may have changed
            if draft.existing_id is not None:
                self._info.pop(draft.existing_id, None)
                self._drop_grams(draft.existing_id)
                self._report_info.pop(draft.existing_id, None)
                self._denial_sides.pop(draft.existing_id, None)
        self._wake.set()
        if not self._looping and len(self._urgent) + len(self._pending) >= EARLY_LINK:
            if self._early is not None and self._early.done():
                self._early_done += self._early.result()  # raises what the pass raised
                self._early = None
            if self._early is None:
                self._early = asyncio.create_task(self._link_pending(), name="link-early")
                # settle() re-raises its error; a poll stopped before settle() leaves the
                # stories unlinked for the next start, as a crash does
                self._early.add_done_callback(lambda t: t.cancelled() or t.exception())

    async def settle(self) -> int:
        """Link the stories this process stored and has not linked; returns how many.

        The end of a one-off poll: it waits for its own stories only, not for a backlog an
        earlier run left (`newsbot run` links that, after the stories it stores itself)."""
        if self._early is not None:
            early, self._early = self._early, None
            self._early_done += await early
        done = await self._link_pending() + self._early_done
        self._early_done = 0
        backlog = await self.store.unlinked_stories(1)
        if backlog:
            log.info(
                "stories stored by an earlier run are still unlinked: `newsbot run` links them"
            )
        return done

    async def run(self, stop: asyncio.Event, *, tick: float = 5.0) -> None:
        """Link new stories as they are stored, until `stop` (then link what is left).

        One batch at a time, the senders woken after each: alert-worthy stories first, then
        a first poll's baseline, then a backlog (stories a crash left unlinked); a story
        stored meanwhile waits for the batch under way only."""
        self._looping = True
        while not stop.is_set():
            self._wake.clear()
            linked = await self._link_pending(batches=1)
            if not linked:
                linked = await self._link_backlog_batch()
            if linked and self.on_linked is not None:
                self.on_linked()
            if linked:
                continue  # more may wait; new stories are still taken first
            waiter = asyncio.ensure_future(self._wake.wait())
            stopper = asyncio.ensure_future(stop.wait())
            await asyncio.wait({waiter, stopper}, timeout=tick, return_when=asyncio.FIRST_COMPLETED)
            waiter.cancel()
            stopper.cancel()
        if await self._link_pending() and self.on_linked is not None:
            self.on_linked()

    async def catch_up(self, batch: int = LINK_BATCH) -> int:
        """Link every story stored but not yet linked (a backlog too); returns how many."""
        done = await self._link_pending()
        while True:
            linked = await self._link_backlog_batch(batch)
            if not linked:
                return done
            done += linked

    async def _link_pending(self, batches: int | None = None) -> int:
        """Link this process's unlinked stories (up to `batches` batches), alert-worthy first."""
        done = 0
        async with self._lock:
            while (self._urgent or self._pending) and (batches is None or batches > 0):
                queue = self._urgent or self._pending
                ids = list(itertools.islice(queue, LINK_BATCH))
                stories = await self.store.stories_by_ids(ids)
                for i in ids:
                    queue.pop(i, None)
                if stories:
                    await self._link_all(stories)
                done += len(stories)
                batches = None if batches is None else batches - 1
        return done

    async def _link_backlog_batch(self, batch: int = LINK_BATCH) -> int:
        async with self._lock:
            stories = await self.store.unlinked_stories(batch)
            if stories:
                await self._link_all(stories)
                for s in stories:
                    self._urgent.pop(s.id, None)
                    self._pending.pop(s.id, None)
        return len(stories)

    async def _bands_of(self, stories: Sequence[Story]) -> dict[int, Sequence[int]]:
        """Bands computed when the stories were stored, or again from their text (a backlog:
        in the worker processes, both at once)."""
        bands: dict[int, Sequence[int]] = {}
        missing: list[Story] = []
        for s in stories:
            known = self._bands.pop(s.id, None)
            if known:
                bands[s.id] = known
            else:
                missing.append(s)
        texts = [f"{s.title}\n{s.text}" for s in missing]
        if self.pool is None or len(texts) < 50:
            # the shingles are kept: the wire-copy comparison that follows needs them too
            computed = [bands_of(self._grams_of(s)) for s in missing]
        else:
            loop = asyncio.get_running_loop()
            half = (len(texts) + 1) // 2
            parts = await asyncio.gather(
                loop.run_in_executor(self.pool, bands_batch, texts[:half]),
                loop.run_in_executor(self.pool, bands_batch, texts[half:]),
            )
            computed = parts[0] + parts[1]
        for s, b in zip(missing, computed, strict=True):
            bands[s.id] = b
        return bands

    async def _link_all(self, stories: Sequence[Story]) -> None:
        """Record the links of stored stories and mark them linked.

        A feed's first poll records its items without alerting (baseline stories, not alert-
        worthy): they get their denial links (what a lookup shows of them: the report a
        denial denies, the denials of a report) but no same-story search of their own; later
        stories still find them as candidates and join them into clusters. On a new install's
        first poll that search was half of the poll (issue #13 item 2)."""
        for s in stories:  # the batch's stories are each other's likeliest candidates
            self._remember(s)
        full = [s for s in stories if s.alert_worthy]
        bands = await self._bands_of(full)
        links = await self.links_batch(full, bands)
        baseline = [s for s in stories if not s.alert_worthy]
        links.update(await self.links_batch(baseline, {}, same_story=False))
        await self.store.add_links([lk for s in stories for lk in links[s.id]])
        same = {s.id: [lk for lk in links[s.id] if lk.kind == "same_story"] for s in stories}
        await self._join_clusters(stories, same)
        for story in stories:
            for link in links[story.id]:
                if link.kind == "denies" and link.from_story == story.id:
                    await self.store.enqueue_followups(story.id, link.to_story)
        await self.store.mark_linked([s.id for s in stories])

    async def links_for(self, story: Story, bands: Sequence[int]) -> list[StoryLink]:
        """The links of one stored story (what linking it would record)."""
        return (await self.links_batch([story], {story.id: bands}))[story.id]

    async def links_batch(
        self,
        stories: Sequence[Story],
        bands: Mapping[int, Sequence[int]],
        *,
        same_story: bool = True,
    ) -> dict[int, list[StoryLink]]:
        """Links of each story, in the order linking one story at a time gives them: denial
        links, then same-story links (best first; none with `same_story=False`)."""
        result: dict[int, list[StoryLink]] = {s.id: [] for s in stories}
        for group in _groups([s for s in stories if s.context is not None]):
            for story in group:
                assert story.context is not None
                if story.context.denial.is_denial:
                    result[story.id] += await self._denied_reports(story, story.context)
            earlier = await self._earlier_denials(
                [s for s in group if s.outlet_id and not _is_denial(s)]
            )
            same = await self._same_story(group, bands) if same_story else {}
            for story in group:
                result[story.id] += earlier.get(story.id, []) + same.get(story.id, [])
        return result

    async def _denied_reports(self, story: Story, ctx: StoryContext) -> list[StoryLink]:
        """The denied outlet's reports in the window before the denial, best first."""
        denial = ctx.denial
        when = _time(story)
        keys = sorted(entity_keys(ctx, skip_kinds=("outlet",)))
        ranked = await self.store.entity_candidate_ids(
            keys,
            (when - DENIAL_WINDOW, when + 3600),
            exclude=story.id,
            outlet_id=denial.denied_outlet_id,
        )
        reports = await self._reports([i for i, _shared in ranked])
        # without a denied outlet, the denial's own outlet's stories are left out
        other_than = None if denial.denied_outlet_id else story.outlet_id
        candidates = [
            (i, reports[i])
            for i, _shared in ranked
            if i in reports and (other_than is None or reports[i][0] != other_than)
        ][:50]
        threshold = DENIAL_THRESHOLD if denial.denied_outlet_id else DENIAL_THRESHOLD + 0.15
        best: list[StoryLink] = []
        side = denial_side(ctx, when)
        for report_id, (_outlet, is_denial, report) in candidates:
            if is_denial:
                continue  # a denial does not deny another denial
            scored = side.score_report(report)
            if scored.confidence >= threshold:
                best.append(
                    StoryLink(story.id, report_id, "denies", scored.confidence, scored.reason)
                )
        best.sort(key=lambda lk: -lk.confidence)
        return best[:3]

    async def _earlier_denials(self, stories: Sequence[Story]) -> dict[int, list[StoryLink]]:
        """Reports stored after the denial of them (their feed was added later, say): one
        read for the denials naming any of the stories' outlets."""
        if not stories:
            return {}
        whens = {s.id: _time(s) for s in stories}
        denials = await self.store.denial_rows(
            [s.outlet_id for s in stories if s.outlet_id],
            since=min(whens.values()) - 3600,
            until=max(whens.values()) + DENIAL_WINDOW,
        )
        # Each denial's side of the score once (kept for the next batches), filed under the
        # outlet it names, newest first
        by_outlet: dict[str | None, list[tuple[int, DenialSide]]] = {}
        for denial_id, data, when in denials:
            known = self._denial_sides.get(denial_id)
            if known is None:
                known = (data.get("denial") or {}).get("denied_outlet_id"), _side_of(data, when)
                self._denial_sides[denial_id] = known
            by_outlet.setdefault(known[0], []).append((denial_id, known[1]))
        _trim(self._denial_sides, SIDES_CACHE)
        out: dict[int, list[StoryLink]] = {}
        for story in stories:
            when = whens[story.id]
            mine = [
                (d, side)
                for d, side in by_outlet.get(story.outlet_id, ())
                if when - 3600 <= side.time <= when + DENIAL_WINDOW
            ][:50]
            links = []
            for denial_id, side in mine:
                scored = side.score(story.title, story.text, story.context, when)
                if scored.confidence >= DENIAL_THRESHOLD:
                    links.append(
                        StoryLink(denial_id, story.id, "denies", scored.confidence, scored.reason)
                    )
            if links:
                out[story.id] = links
        return out

    async def _same_story(
        self, group: Sequence[Story], bands: Mapping[int, Sequence[int]]
    ) -> dict[int, list[StoryLink]]:
        """Wire copies (shared LSH bands, then exact Jaccard) and the same event told by
        another outlet (shared entities, similar headlines), for a group of stories."""
        found: dict[int, dict[int, StoryLink]] = {s.id: {} for s in group}
        # Wire copies: every band of the group in one read, its newest BAND_ROWS stories.
        own_bands = {s.id: set(bands.get(s.id, ())) for s in group}
        band_map = await self.store.band_rows(
            [b for bs in own_bands.values() for b in bs], per_band=BAND_ROWS
        )
        near: dict[int, list[int]] = {}
        for story in group:
            counts: Counter[int] = Counter()
            for band in own_bands[story.id]:
                counts.update(i for i in band_map.get(band, ()) if i != story.id)
            near[story.id] = [
                i for i, _ in sorted(counts.items(), key=lambda kv: (-kv[1], -kv[0]))[:20]
            ]
        wanted = {i for ids in near.values() for i in ids}
        grams = {i: self._grams[i] for i in wanted if i in self._grams}
        if len(grams) < len(wanted):
            read = await self.store.story_texts(sorted(wanted - grams.keys()))
            for i, (title, text, outlet) in read.items():
                grams[i] = (outlet, word_shingles(f"{title}\n{text}"))
                self._keep_grams(i, *grams[i])
        for story in group:
            if not near[story.id]:
                continue
            mine = self._grams_of(story)
            for other_id in near[story.id]:
                other = grams.get(other_id)
                if other is None:
                    continue  # deleted meanwhile
                similarity = jaccard(mine, other[1])
                if similarity >= WIRE_COPY_THRESHOLD and other[0] != story.outlet_id:
                    found[story.id][other_id] = StoryLink(
                        story.id,
                        other_id,
                        "same_story",
                        round(similarity, 3),
                        f"near-identical text (Jaccard {similarity:.0%})",
                    )
        # Same event: the group's entity keys in one read, each key's KEY_ROWS most recent
        # stories up to the group's newest (later stories link to these when they are linked
        # themselves). A key that fills them is too common to find candidates with (unless
        # the story has no other); it still counts as shared.
        keys = {s.id: sorted(entity_keys(s.context, skip_kinds=("outlet",)))[:50] for s in group}
        whens = {s.id: _time(s) for s in group}
        rows = await self.store.entity_rows(
            [k for ks in keys.values() for k in ks],
            since=min(whens.values()) - SAME_EVENT_WINDOW,
            until=max(whens.values()) + RECENT_SLACK,
            per_key=KEY_ROWS,
        )
        ranked: dict[int, list[int]] = {}
        for story in group:
            lo, hi = whens[story.id] - SAME_EVENT_WINDOW, whens[story.id] + SAME_EVENT_WINDOW
            shared: Counter[int] = Counter()
            rare: set[int] = set()
            fallback: tuple[int, set[int]] | None = None
            for key in keys[story.id]:
                ids = {sid for sid, t in rows.get(key, ()) if sid != story.id and lo <= t <= hi}
                shared.update(ids)
                if len(rows.get(key, ())) < KEY_ROWS:
                    rare |= ids
                elif fallback is None or len(ids) < fallback[0]:
                    fallback = (len(ids), ids)
            pool = rare or (fallback[1] if fallback else set())
            # Room for the story's own outlet's, left out below (their outlet is read with
            # the candidates' titles).
            ranked[story.id] = sorted(pool, key=lambda i: (-shared[i], -i))[: 2 * ENTITY_LIMIT]
        info = await self._candidate_info({i for ids in ranked.values() for i in ids})
        for story in group:
            ranked[story.id] = [
                i
                for i in ranked[story.id]
                if i in info and (story.outlet_id is None or info[i][1] != story.outlet_id)
            ][:ENTITY_LIMIT]
        out: dict[int, list[StoryLink]] = {}
        for story in group:
            ctx = story.context
            assert ctx is not None
            links = found[story.id]
            my_keys = entity_keys(ctx, skip_kinds=("outlet",))
            for other_id in ranked[story.id]:
                if other_id in links:
                    continue
                title, _outlet, other_keys, other_denial, _cluster = info[other_id]
                if other_denial is not None and other_denial != ctx.denial.is_denial:
                    continue  # a denial and a report tell the event differently: link, not cluster
                scored = score_same_event_keys(story.title, my_keys, title, other_keys)
                if scored.confidence >= SAME_EVENT_THRESHOLD:
                    links[other_id] = StoryLink(
                        story.id, other_id, "same_story", scored.confidence, scored.reason
                    )
            out[story.id] = sorted(links.values(), key=lambda lk: -lk.confidence)[:10]
        return out

    async def _reports(self, ids: Sequence[int]) -> dict[int, ReportInfo]:
        """(outlet, is a denial, side of the denial score) of candidate reports: denials of
        one outlet share most of their candidates, so each is read and worked out once."""
        missing = [i for i in ids if i not in self._report_info]
        for i, (title, text, outlet, data, when) in (
            await self.store.report_rows(missing) if missing else {}
        ).items():
            keys: set[str] = set()
            denial = False
            if data is not None:
                keys = {cached_key(e["name"]) for e in data.get("entities") or () if e.get("name")}
                denial = bool((data.get("denial") or {}).get("is_denial"))
            self._report_info[i] = (outlet, denial, report_side(title, text, keys, when))
        found = {i: self._report_info[i] for i in ids if i in self._report_info}
        _trim(self._report_info, SIDES_CACHE)
        return found

    def _grams_of(self, story: Story) -> set[str]:
        """The story's word shingles, computed once while it is among the recent ones."""
        known = self._grams.get(story.id)
        if known is None:
            known = (story.outlet_id, word_shingles(f"{story.title}\n{story.text}"))
            self._keep_grams(story.id, *known)
        return known[1]

    def _keep_grams(self, story_id: int, outlet_id: str | None, grams: set[str]) -> None:
        self._drop_grams(story_id)
        self._grams[story_id] = (outlet_id, grams)
        self._grams_held += len(grams)
        while self._grams_held > GRAMS_BUDGET and len(self._grams) > 1:
            self._drop_grams(next(iter(self._grams)))

    @property
    def waiting(self) -> frozenset[int]:
        """Stories this process stored and has not linked yet (alert-worthy ones and others)."""
        return frozenset(self._urgent) | frozenset(self._pending)

    @property
    def cached_shingles(self) -> int:
        """Word shingles the linker holds between batches (bounded by GRAMS_BUDGET)."""
        return self._grams_held

    def _drop_grams(self, story_id: int) -> None:
        dropped = self._grams.pop(story_id, None)
        if dropped is not None:
            self._grams_held -= len(dropped[1])

    def _remember(self, story: Story) -> None:
        ctx = story.context
        self._info[story.id] = (
            story.title,
            story.outlet_id,
            frozenset(entity_keys(ctx, skip_kinds=("outlet",))),
            ctx.denial.is_denial if ctx is not None else None,
            story.cluster_id,
        )

    async def _candidate_info(self, ids: set[int]) -> dict[int, CandidateInfo]:
        missing = [i for i in ids if i not in self._info]
        if missing:
            self._info.update(await self.store.candidate_info(missing))
        found = {i: self._info[i] for i in ids if i in self._info}
        _trim(self._info, INFO_CACHE)
        return found

    async def _join_clusters(
        self, stories: Sequence[Story], same: Mapping[int, Sequence[StoryLink]]
    ) -> None:
        """Each story joins the lowest cluster among itself and its same-story links, one
        story after another as linking them one at a time would, in one write."""
        targets = {lk.to_story for links in same.values() for lk in links}
        if not targets:
            return
        current = await self.store.cluster_ids(sorted(targets))
        updates: dict[int, int] = {}
        for story in stories:
            if not same.get(story.id):
                continue
            others = [lk.to_story for lk in same[story.id] if lk.to_story in current]
            cluster = min([current[o] or o for o in others] + [story.id])
            members = [story.id] + [o for o in others if current[o] != cluster]
            for member in members:
                current[member] = cluster
                updates[member] = cluster
        await self.store.set_clusters(updates)


def _trim(cache: dict[int, Any], limit: int) -> None:
    """Drop a FIFO cache's oldest entries until it holds at most `limit`."""
    while len(cache) > limit:
        cache.pop(next(iter(cache)))


def _side_of(data: dict[str, Any], when: float) -> DenialSide:
    """`denial_side` of a denial's context as stored (JSON), without building the context."""
    denial = data.get("denial") or {}
    keys = frozenset(cached_key(e["name"]) for e in data.get("entities") or () if e.get("name"))
    claim = " ".join([denial.get("claim") or "", *(denial.get("evidence") or ())[:1]])
    return DenialSide(when, keys, content_words(claim))


def _is_denial(story: Story) -> bool:
    return story.context is not None and story.context.denial.is_denial
