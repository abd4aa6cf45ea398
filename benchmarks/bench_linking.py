"""Linking that stays flat (issue #13 item 5): a backlog, and poll time as the store grows.

    python benchmarks/bench_linking.py [--stored 100000] [--backlog 25000] [--quick]
                                       [--json out.json]

1. Backlog. `--stored` linked stories, then `--backlog` more stored unlinked (as crashes leave
   them), from `bench_store.Generator`: real titles and sentences, 2-5 real entity names per
   story drawn by a Zipf law (so stories share entities heavily), 5 % denials of one of 60
   outlets, one story every 2 s; 2 % of the backlog are wire copies of a recent story. The
   backlog and the newest 5,000 stored stories carry real MinHash bands, the others random
   ones. `ContextEngine.catch_up()` links the backlog with the worker pool, as `newsbot run`
   does (bands in the workers, the rest in the event loop): stories/s (floor ≥ 1,000).
   Baseline in the same run: the linker as it was before this change (one story at a time:
   `entity_candidates` counting every row of the story's keys in the window, `band_candidates`,
   `denials_naming_outlet`, `stories_by_ids` of 80 candidates), on the first `--legacy`
   stories of the same backlog; the links both give for those stories are compared.
2. Poll time flat. The real Pipeline (context + linking, as `newsbot poll --once`): after
   the feeds' first poll (untimed), `poll_once` with `--items` new items in each of
   `--feeds` local feeds (bench_poll's feeds: real items, whose entities the stored stories
   share, published within the stored stories' two-day window), on a store holding 0 and
   then `--stored` stories; rounds alternate the sizes.
   Floor: the median poll time with `--stored` stories within ±20 % of the empty store's.
3. A poll never waits for a backlog it did not create: the same poll on a store that holds
   the `--stored` stories and the `--backlog` unlinked; its time against (2) and the backlog
   it leaves for `newsbot run`.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_store
import common
from bench_poll import feeds_yaml

from bot.app import Pipeline
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
from bot.context.pipeline import ContextEngine
from bot.models import Story, StoryDraft, StoryLink
from bot.store import Store
from bot.workers import WorkerPool

BACKLOG_FLOOR = 1000.0  # stories/s
FLAT_TOLERANCE = 0.20
SPACING = 2.0  # seconds of publication time between two generated stories


# ------------------------------------------------------------------ the linker before #13 (5)


def _time(story: Story) -> float:
    when = story.published or story.fetched
    return min(when.timestamp(), story.fetched.timestamp())


async def legacy_links_for(store: Store, story: Story, bands: Sequence[int]) -> list[StoryLink]:
    """ContextEngine.links_for as it was before batched, bounded linking (same scoring)."""
    links: list[StoryLink] = []
    ctx = story.context
    if ctx is None:
        return links
    when = _time(story)
    if ctx.denial.is_denial:
        denial = ctx.denial
        candidates = await store.entity_candidates(
            sorted(entity_keys(ctx, skip_kinds=("outlet",))),
            since=when - DENIAL_WINDOW,
            until=when + 3600,
            exclude=story.id,
            outlet_id=denial.denied_outlet_id,
            other_than_outlet=None if denial.denied_outlet_id else story.outlet_id,
        )
        threshold = DENIAL_THRESHOLD if denial.denied_outlet_id else DENIAL_THRESHOLD + 0.15
        best = []
        for report, _ in candidates:
            if report.context is not None and report.context.denial.is_denial:
                continue
            scored = score_denial_link(
                ctx, when, report.title, report.text, report.context, _time(report)
            )
            if scored.confidence >= threshold:
                best.append(
                    StoryLink(story.id, report.id, "denies", scored.confidence, scored.reason)
                )
        best.sort(key=lambda lk: -lk.confidence)
        links.extend(best[:3])
    elif story.outlet_id:
        for d in await store.denials_naming_outlet(
            story.outlet_id, since=when - 3600, until=when + DENIAL_WINDOW
        ):
            if d.context is None:
                continue
            scored = score_denial_link(
                d.context, _time(d), story.title, story.text, story.context, when
            )
            if scored.confidence >= DENIAL_THRESHOLD:
                links.append(StoryLink(d.id, story.id, "denies", scored.confidence, scored.reason))
    same: dict[int, StoryLink] = {}
    mine = shingles(f"{story.title}\n{story.text}")
    near = await store.band_candidates(bands, exclude=story.id)
    for other in await store.stories_by_ids([i for i, _ in near]):
        similarity = jaccard(mine, shingles(f"{other.title}\n{other.text}"))
        if similarity >= WIRE_COPY_THRESHOLD and other.outlet_id != story.outlet_id:
            same[other.id] = StoryLink(
                story.id,
                other.id,
                "same_story",
                round(similarity, 3),
                f"near-identical text (Jaccard {similarity:.0%})",
            )
    candidates = await store.entity_candidates(
        sorted(entity_keys(ctx, skip_kinds=("outlet",))),
        since=when - SAME_EVENT_WINDOW,
        until=when + SAME_EVENT_WINDOW,
        exclude=story.id,
        other_than_outlet=story.outlet_id,
        limit=20,
    )
    for other, _ in candidates:
        if other.id in same:
            continue
        if other.context is not None and other.context.denial.is_denial != ctx.denial.is_denial:
            continue
        scored = score_same_event(story.title, ctx, other.title, other.context)
        if scored.confidence >= SAME_EVENT_THRESHOLD:
            same[other.id] = StoryLink(
                story.id, other.id, "same_story", scored.confidence, scored.reason
            )
    links.extend(sorted(same.values(), key=lambda lk: -lk.confidence)[:10])
    return links


# ------------------------------------------------------------------ stores


def generated(gen: bench_store.Generator, start: int, n: int, total: int) -> list[StoryDraft]:
    return gen.drafts(start, n, total, with_bands=True)


def _real_bands(drafts: list[StoryDraft]) -> list[StoryDraft]:
    return [replace(d, bands=minhash_bands(f"{d.entry.title}\n{d.entry.text}")) for d in drafts]


def real_bands(drafts: list[StoryDraft]) -> list[StoryDraft]:
    """Real MinHash bands, computed on both cores."""
    if len(drafts) < 4000:
        return _real_bands(drafts)
    from concurrent.futures import ProcessPoolExecutor

    size = 2000
    parts = [drafts[i : i + size] for i in range(0, len(drafts), size)]
    with ProcessPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        return [d for part in pool.map(_real_bands, parts) for d in part]


def wire_copies(drafts: list[StoryDraft], sources: list[StoryDraft], rng: random.Random) -> None:
    """2 % of `drafts` become copies (title and text) of a recent story, in place."""
    for i in range(len(drafts)):
        if i % 50 == 7 and sources:
            src = sources[-1 - rng.randrange(min(len(sources), 2000))]
            d = drafts[i]
            drafts[i] = replace(
                d, entry=replace(d.entry, title=src.entry.title, text=src.entry.text)
            )


async def fill(
    store: Store, gen: bench_store.Generator, stored: int, backlog: int, rng: random.Random
) -> list[StoryDraft]:
    """`stored` linked stories, then `backlog` unlinked; returns the backlog's drafts."""
    total = stored + backlog
    recent: list[StoryDraft] = []
    for start in range(0, stored, 5000):
        drafts = generated(gen, start, min(5000, stored - start), total)
        if start + 5000 >= stored:
            drafts = real_bands(drafts)
            recent = drafts
        await store.write_stories(drafts, [])
    pending: list[StoryDraft] = []
    for start in range(stored, total, 5000):
        drafts = generated(gen, start, min(5000, total - start), total)
        wire_copies(drafts, recent + pending, rng)
        drafts = real_bands(drafts)
        await store.write_stories(drafts, [], linked=False)
        pending += drafts
    return pending


def key_of(lk: StoryLink) -> tuple[int, int, str]:
    return (lk.from_story, lk.to_story, lk.kind)


async def part_backlog(args: argparse.Namespace, gen: bench_store.Generator) -> dict[str, Any]:
    rng = random.Random(11)
    tmp = Path(tempfile.mkdtemp(prefix="newsbot-bench-linking-"))
    try:
        store = await Store.open(tmp / "backlog.db")
        try:
            t = time.perf_counter()
            await fill(store, gen, args.stored, args.backlog, rng)
            print(
                f"  stored {args.stored:,} + backlog {args.backlog:,} unlinked "
                f"({time.perf_counter() - t:.0f} s)",
                flush=True,
            )
            await store.close()
            if args.poll_rounds:
                shutil.copy(tmp / "backlog.db", args.work / "with-backlog.db")
            store = await Store.open(tmp / "backlog.db")
            engine = ContextEngine(store, OutletRegistry.default(), None)
            sample = await store.unlinked_stories(args.legacy)
            bands = {s.id: minhash_bands(f"{s.title}\n{s.text}") for s in sample}
            t = time.perf_counter()
            old: dict[int, list[StoryLink]] = {}
            for s in sample:
                old[s.id] = await legacy_links_for(store, s, bands[s.id])
            legacy_s = time.perf_counter() - t
            t = time.perf_counter()
            new = await engine.links_batch(sample, bands)
            batch_s = time.perf_counter() - t
            old_keys = {key_of(lk) for links in old.values() for lk in links}
            new_keys = {key_of(lk) for links in new.values() for lk in links}
            print(
                f"  baseline (linker before): {len(sample) / legacy_s:,.0f} stories/s on "
                f"{len(sample):,}; batched on the same: {len(sample) / batch_s:,.0f} stories/s; "
                f"links {len(old_keys):,} before, {len(new_keys):,} now, "
                f"{len(old_keys & new_keys):,} in both",
                flush=True,
            )
            # The backlog as `newsbot run` links it: its bands computed again in the worker
            # processes (Pipeline's pool), the rest in the event loop.
            pool = WorkerPool()
            try:
                t = time.perf_counter()
                linked = await ContextEngine(store, OutletRegistry.default(), pool).catch_up()
                seconds = time.perf_counter() - t
            finally:
                pool.shutdown(wait=True)
            links = await store._fetchall("SELECT kind, count(*) FROM story_links GROUP BY kind")
            left = len(await store.unlinked_stories(10))
            print(
                f"  catch_up: {linked:,} stories in {seconds:.1f} s = "
                f"{linked / seconds:,.0f} stories/s; links {dict(tuple(r) for r in links)}; "
                f"unlinked left {left}",
                flush=True,
            )
        finally:
            await store.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return {
        "stored": args.stored,
        "backlog": args.backlog,
        "catch_up_stories": linked,
        "catch_up_seconds": seconds,
        "catch_up_per_s": linked / seconds,
        "legacy_sample": len(sample),
        "legacy_per_s": len(sample) / legacy_s,
        "batched_same_sample_per_s": len(sample) / batch_s,
        "links_before": len(old_keys),
        "links_now": len(new_keys),
        "links_both": len(old_keys & new_keys),
        "links_by_kind": {r[0]: r[1] for r in links},
    }


async def prefilled(path: Path, gen: bench_store.Generator, stored: int) -> None:
    """A store of `stored` linked stories ending 6 h after the feeds' items start."""
    store = await Store.open(path)
    try:
        if stored:
            gen.base_time = common.BASE_TIME + 6 * 3600
            await fill(store, gen, stored, 0, random.Random(5))
    finally:
        await store.close()


async def one_poll(
    server: common.BenchFeedServer, args: argparse.Namespace, db: Path, label: str
) -> dict[str, Any]:
    server.reset()
    feeds_path = db.parent / "feeds.yaml"
    feeds_yaml(feeds_path, [server.url(i) for i in range(args.feeds)])
    pipeline = await Pipeline.open(str(db), str(feeds_path))
    try:
        settle = pipeline.poller.settle
        assert settle is not None
        spent = {"settle": 0.0}

        async def timed_settle() -> object:
            t = time.perf_counter()
            try:
                return await settle()
            finally:
                spent["settle"] = time.perf_counter() - t

        # The feeds' first poll (their baseline, not alerted, not searched) untimed; then
        # every feed brings `--items` new stories, which are alerted and linked in full.
        await pipeline.poller.poll_once()
        server.shift(by=args.items)
        pipeline.poller.settle = timed_settle
        t = time.perf_counter()
        summary = await pipeline.poller.poll_once()
        seconds = time.perf_counter() - t
        left = await pipeline.store._fetchall("SELECT count(*) FROM stories WHERE linked = 0")
    finally:
        await pipeline.close()
    row = {
        "store": label,
        "seconds": seconds,
        "settle_seconds": spent["settle"],
        "stories": summary.seen_first_poll + summary.new_stories,
        "unlinked_left": int(left[0][0]),
    }
    print(
        f"  poll --once on {label:<28} {seconds:6.2f} s (linking {spent['settle']:5.2f} s) "
        f"stories {row['stories']:,}  unlinked left {row['unlinked_left']:,}",
        flush=True,
    )
    return row


async def part_polls(args: argparse.Namespace, gen: bench_store.Generator) -> dict[str, Any]:
    work = args.work
    empty, full = work / "empty.db", work / "stored.db"
    await prefilled(empty, gen, 0)
    t = time.perf_counter()
    await prefilled(full, gen, args.stored)
    print(f"  prefilled {args.stored:,} stories ({time.perf_counter() - t:.0f} s)", flush=True)
    rows: list[dict[str, Any]] = []
    backlog_rows: list[dict[str, Any]] = []
    sources = [("empty store", empty, rows), (f"{args.stored:,} stored", full, rows)]
    if (work / "with-backlog.db").exists():
        label = f"{args.stored:,} + {args.backlog:,} unlinked"
        sources.append((label, work / "with-backlog.db", backlog_rows))
    with common.BenchFeedServer(args.feeds, args.items) as server:
        for n in range(args.poll_rounds):
            for label, src, into in sources:
                run_dir = work / f"run-{n}-{src.stem}"
                run_dir.mkdir()
                shutil.copy(src, run_dir / "poll.db")
                row = await one_poll(server, args, run_dir / "poll.db", label)
                row["round"] = n + 1
                into.append(row)
                shutil.rmtree(run_dir, ignore_errors=True)
    return {"rows": rows, "backlog_rows": backlog_rows}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--stored", type=int, default=100_000)
    parser.add_argument("--backlog", type=int, default=25_000)
    parser.add_argument("--legacy", type=int, default=500, help="backlog stories for the baseline")
    parser.add_argument("--feeds", type=int, default=50)
    parser.add_argument("--items", type=int, default=20)
    parser.add_argument("--poll-rounds", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="20,000 stored, 5,000 backlog")
    parser.add_argument("--no-polls", action="store_true", help="the backlog part only")
    parser.add_argument("--no-backlog", action="store_true", help="the poll parts only")
    parser.add_argument("--json", help="write results here")
    args = parser.parse_args()
    if args.quick:
        args.stored = min(args.stored, 20_000)
        args.backlog = min(args.backlog, 5_000)
        args.legacy = min(args.legacy, 200)
        args.poll_rounds = min(args.poll_rounds, 2)
    info = common.machine_info()
    print(f"machine: {info['nproc']} cores, {info['cpu']}, {info['ram']}, Python {info['python']}")
    corpus = common.load_corpus()
    args.work = Path(tempfile.mkdtemp(prefix="newsbot-bench-linking-polls-"))
    try:
        if args.no_polls:
            args.poll_rounds = 0
        backlog: dict[str, Any] = {}
        if not args.no_backlog:
            backlog = asyncio.run(part_backlog(args, bench_store.Generator(corpus, seed=3)))
        polls: dict[str, Any] = {"rows": [], "backlog_rows": []}
        if args.poll_rounds:
            polls = asyncio.run(part_polls(args, bench_store.Generator(corpus, seed=4)))
    finally:
        shutil.rmtree(args.work, ignore_errors=True)
    rows = polls["rows"]
    floors = []
    if backlog:
        floors.append(
            [
                f"backlog of {backlog['catch_up_stories']:,} linked ≥ {BACKLOG_FLOOR:,.0f} "
                "stories/s",
                f"{backlog['catch_up_per_s']:,.0f} stories/s (linker before: "
                f"{backlog['legacy_per_s']:,.0f} on {backlog['legacy_sample']:,})",
                common.verdict(backlog["catch_up_per_s"] >= BACKLOG_FLOOR),
            ]
        )
    if rows:
        poll_floors(args, polls, floors)
    print()
    print(common.table(["floor", "measured", "verdict"], floors))
    common.write_json(
        args.json,
        {
            "benchmark": "bench_linking",
            "machine": info,
            "args": {k: str(v) for k, v in vars(args).items()},
            "backlog": backlog,
            "polls": polls,
            "floors": floors,
            "date": datetime.now(UTC).isoformat(),
        },
    )


def poll_floors(args: argparse.Namespace, polls: dict[str, Any], floors: list[list[str]]) -> None:
    rows = polls["rows"]
    empty = common.median(r["seconds"] for r in rows if r["store"] == "empty store")
    full = common.median(r["seconds"] for r in rows if r["store"] != "empty store")
    print()
    print(
        common.table(
            ["poll --once", "round", "s", "linking s", "stories", "unlinked left"],
            [
                [
                    r["store"],
                    r.get("round", ""),
                    r["seconds"],
                    r["settle_seconds"],
                    r["stories"],
                    r["unlinked_left"],
                ]
                for r in rows + polls["backlog_rows"]
            ],
        )
    )
    floors += [
        [
            f"poll time flat (±{FLAT_TOLERANCE:.0%}) from 0 to {args.stored:,} stored",
            f"{empty:.2f} s → {full:.2f} s ({full / empty:.2f}×, medians)",
            common.verdict(abs(full / empty - 1) <= FLAT_TOLERANCE),
        ],
    ]
    if polls["backlog_rows"]:
        with_backlog = common.median(r["seconds"] for r in polls["backlog_rows"])
        left = min(r["unlinked_left"] for r in polls["backlog_rows"])
        floors.append(
            [
                "a poll does not wait for a backlog it did not create",
                f"{with_backlog:.2f} s with the backlog (vs {full:.2f} s, medians); "
                f"{left:,} left unlinked",
                common.verdict(with_backlog <= full * (1 + FLAT_TOLERANCE) and left > 0),
            ]
        )


if __name__ == "__main__":
    common.exit_cleanly_on_sigterm()
    main()
