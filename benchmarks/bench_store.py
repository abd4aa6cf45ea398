"""Store at scale: `Store.write_stories` up to 1,000,000 stories, then `Store.search`.

    python benchmarks/bench_store.py [--stories 1000000] [--quick] [--batch 1000] [--json out.json]

Stories are generated (not analysed): titles and sentences from the real captured feeds, padded
to 60–120 words with words drawn by a Zipf law over the feeds' vocabulary, 2–5 real entity names
each (themselves Zipf-distributed), a StoryContext built directly (outlet card, entities, 5 %
denials) and as many random MinHash band keys as the poller writes (links.BANDS).

Measures: stories/s through write_stories (write time only; generation is timed apart), the
rate per 100k slice (does it degrade as the store grows?), poller-sized batches (30) on the full
store, database size per million stories, then `Store.search(q, limit=10)` p50/p99 per query
class. Baselines in the same run: `title LIKE '%word%'` scans, and the same FTS query without
the recency window. Floors: ingest ≥ 20,000 stories/s; search p99 ≤ 10 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import random
import shutil
import sys
import tempfile
import time
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common

from bot.context.entities import extract_entities
from bot.context.links import BANDS
from bot.context.outlets import OutletRegistry
from bot.models import (
    NO_DENIAL,
    Denial,
    Denier,
    Entity,
    Entry,
    OutletCard,
    StoryContext,
    StoryDraft,
)
from bot.store import Store

INGEST_FLOOR = 20_000.0
P99_FLOOR_MS = 10.0
N_OUTLETS = 60


class Generator:
    """Deterministic story drafts from the real-feed corpus."""

    def __init__(self, corpus: common.Corpus, seed: int = 7) -> None:
        self.corpus = corpus
        self.rng = random.Random(seed)
        registry = OutletRegistry.default()
        cards = [c for c in registry if c.name and c.country.value][:N_OUTLETS]
        cards += [
            OutletCard(id=f"bench-{i}", name=f"Bench Outlet {i}")
            for i in range(N_OUTLETS - len(cards))
        ]
        self.outlets = cards
        counts: Counter[tuple[str, str]] = Counter()
        for item in corpus.items:
            for e in extract_entities(item.title, item.text or item.summary, registry):
                if e.kind != "outlet":
                    counts[(e.name, e.kind)] += 1
        self.entities = [Entity(name, kind) for (name, kind), _ in counts.most_common()]
        self.entity_cum = _cum([1.0 / (r + 1) ** 0.9 for r in range(len(self.entities))])
        self.word_cum = _cum([1.0 / (r + 1) for r in range(len(corpus.words))])
        self.titles = [i.title for i in corpus.items]
        self.sentences = corpus.sentences
        self.base_time = datetime(2026, 2, 18, tzinfo=UTC).timestamp()

    def entity_sample(self, k: int) -> list[Entity]:
        return self.rng.choices(self.entities, cum_weights=self.entity_cum, k=k)

    def drafts(self, start: int, n: int, total: int, with_bands: bool) -> list[StoryDraft]:
        rng = self.rng
        filler = rng.choices(self.corpus.words, cum_weights=self.word_cum, k=n * 90)
        out = []
        for j in range(n):
            i = start + j
            title_words = rng.choice(self.titles).split()
            for _ in range(2):
                pos = rng.randrange(len(title_words))
                if title_words[pos].islower():
                    title_words[pos] = filler[j * 90 + pos]
            title = " ".join(title_words)
            ents = list(dict.fromkeys(self.entity_sample(rng.randint(2, 5))))
            s1 = rng.choice(self.sentences)
            s2 = rng.choice(self.sentences)
            target = rng.randint(60, 120)
            body_words = f"{s1} {s2}".split()
            pad = filler[j * 90 : j * 90 + max(0, target - len(body_words) - 2 * len(ents))]
            names = [e.name for e in ents]
            text = " ".join([*body_words, *names[:1], *pad, *names[1:]])
            summary = s1
            published = self.base_time - (total - i) * 2.0  # newest last, one story / 2 s
            outlet = self.outlets[i % len(self.outlets)]
            denial = NO_DENIAL
            if i % 20 == 0:
                denied = self.outlets[(i * 7 + 3) % len(self.outlets)]
                denial = Denial(
                    is_denial=True,
                    deniers=(Denier(names[0], "spokesperson"),),
                    denied_outlet=denied.name,
                    denied_outlet_id=denied.id,
                    claim=s2[:200],
                    evidence=(s1[:300],),
                    cues=("denied",),
                )
            ctx = StoryContext(outlet=outlet, entities=tuple(ents), denial=denial, summary=s1[:300])
            bands = (
                tuple((b << 56) | rng.getrandbits(56) for b in range(BANDS)) if with_bands else ()
            )
            url = f"https://{outlet.id}.example/news/{i}"
            entry = Entry(
                guid=f"urn:bench:{i}",
                link=url,
                canonical_url=url,
                title=title,
                summary=summary,
                text=text,
                published=datetime.fromtimestamp(published, UTC),
                language="en",
                author=None,
            )
            out.append(
                StoryDraft(
                    identity=f"{outlet.id}|g|urn:bench:{i}",
                    scope=outlet.id,
                    entry=entry,
                    content_hash=f"{i:032x}",
                    outlet_id=outlet.id,
                    feed_id=f"feed-{i % 1000}",
                    alert_worthy=True,
                    context=ctx,
                    bands=bands,
                    # as the poller's worker process serialises it with the context
                    context_json=json.dumps(ctx.to_dict()),
                )
            )
        return out


def _cum(weights: list[float]) -> list[float]:
    total = 0.0
    out = []
    for w in weights:
        total += w
        out.append(total)
    return out


def pick_queries(gen: Generator, rng: random.Random) -> dict[str, list[str]]:
    """Query classes from the same distributions the stories were drawn from."""
    stop = {
        "the",
        "to",
        "of",
        "a",
        "and",
        "in",
        "is",
        "that",
        "on",
        "for",
        "with",
        "it",
        "as",
        "said",
        "are",
        "at",
        "from",
        "by",
        "was",
        "has",
        "be",
        "have",
        "an",
        "his",
        "he",
        "its",
        "this",
        "not",
        "but",
        "were",
        "who",
        "will",
        "they",
        "their",
        "been",
        "after",
    }
    from bot.context.links import _STOP

    stop |= set(_STOP) | {"more", "about", "what", "than", "there", "would", "could", "other"}
    words = gen.corpus.words
    common_words = [w for w in words[30:400] if w not in stop and len(w) > 4 and w.isalpha()][:10]
    rare_words = [w for w in words[4000:9000:500] if w.isalpha() and len(w) > 4][:10]
    bigrams: Counter[str] = Counter()
    for s in gen.sentences:
        toks = [t for t in s.split() if t.isalpha()]
        for a, b in itertools.pairwise(toks):
            if a.lower() not in stop and b.lower() not in stop and len(a) > 3 and len(b) > 3:
                bigrams[f"{a.lower()} {b.lower()}"] += 1
    phrases = [f'"{p}"' for p, _ in bigrams.most_common(40)[::4]][:10]
    prefixes = list(
        dict.fromkeys(f"{w[:5]}*" for w in words[60:3000:40] if w.isalpha() and len(w) > 6)
    )[:10]
    ents = gen.entities
    entity_names = [e.name for e in ents[:5]] + [e.name for e in ents[200:1200:200]]
    return {
        "common word": common_words,
        "rare word": rare_words,
        "two-word phrase": phrases,
        "prefix*": prefixes,
        "entity name": entity_names[:10],
    }


async def ingest(store: Store, gen: Generator, args: argparse.Namespace) -> dict[str, Any]:
    total = args.stories
    write_s = 0.0
    gen_s = 0.0
    slices: list[dict[str, Any]] = []
    slice_size = max(args.batch, total // 10)
    slice_written = 0
    slice_write_s = 0.0
    done = 0
    while done < total:
        n = min(args.batch, total - done)
        t0 = time.perf_counter()
        drafts = gen.drafts(done, n, total, not args.no_bands)
        if args.no_context:
            # the foundation's store alone: story row, identity and URL keys, full-text shard
            drafts = [replace(d, context=None, context_json=None, bands=()) for d in drafts]
        t1 = time.perf_counter()
        ids = await store.write_stories(drafts, [])
        t2 = time.perf_counter()
        assert len(ids) == n, (len(ids), n)
        gen_s += t1 - t0
        write_s += t2 - t1
        slice_write_s += t2 - t1
        slice_written += n
        done += n
        if slice_written >= slice_size or done == total:
            slices.append(
                {"upto": done, "stories": slice_written, "per_s": slice_written / slice_write_s}
            )
            print(
                f"  {done:>9,} stories  slice {slice_written / slice_write_s:8,.0f}/s  "
                f"cumulative {done / write_s:8,.0f}/s  (generation {gen_s:.0f} s)",
                flush=True,
            )
            slice_written = 0
            slice_write_s = 0.0
    return {
        "stories": total,
        "write_s": write_s,
        "gen_s": gen_s,
        "per_s": total / write_s,
        "slices": slices,
    }


async def small_batches(
    store: Store, gen: Generator, count: int, total: int, no_context: bool = False
) -> dict[str, Any]:
    """Poller-sized batches (30 stories, one transaction each) on top of the full store."""
    write_s = 0.0
    done = 0
    while done < count:
        drafts = gen.drafts(total + done, 30, total + count, True)
        if no_context:
            drafts = [replace(d, context=None, context_json=None, bands=()) for d in drafts]
        t = time.perf_counter()
        await store.write_stories(drafts, [])
        write_s += time.perf_counter() - t
        done += 30
    return {"stories": done, "write_s": write_s, "per_s": done / write_s}


async def measure_search(
    store: Store, queries: dict[str, list[str]], reps: int
) -> list[dict[str, Any]]:
    samples: dict[str, list[float]] = {k: [] for k in queries}
    hits: dict[str, list[int]] = {k: [] for k in queries}
    order = [(cls, q) for cls, qs in queries.items() for q in qs for _ in range(reps)]
    random.Random(3).shuffle(order)
    for qs in queries.values():  # warm each query once (page cache), not timed
        for query in qs:
            await store.search(query, limit=10)
    for cls, q in order:
        t = time.perf_counter()
        found = await store.search(q, limit=10)
        samples[cls].append((time.perf_counter() - t) * 1000)
        hits[cls].append(len(found))
    return [
        {
            "class": cls,
            "queries": len(queries[cls]),
            "samples": len(v),
            "p50_ms": common.pct(v, 50),
            "p99_ms": common.pct(v, 99),
            "max_ms": max(v),
            "mean_hits": sum(hits[cls]) / len(hits[cls]),
            "examples": queries[cls][:3],
        }
        for cls, v in samples.items()
    ]


async def measure_baselines(store: Store, queries: dict[str, list[str]]) -> list[dict[str, Any]]:
    """What the index and the recency window buy: a LIKE scan, and FTS over all rows."""
    from bot.store import fts_query

    db = store._engine.db  # benchmark only: the product never runs these queries
    out = []
    like_words = queries["common word"][:2] + queries["rare word"][:2]
    times = []
    for w in like_words:
        t = time.perf_counter()
        async with db.execute(
            "SELECT id, title FROM stories WHERE title LIKE ? ORDER BY sort_time DESC LIMIT 10",
            (f"%{w}%",),
        ) as cur:
            await cur.fetchall()
        times.append((time.perf_counter() - t) * 1000)
    out.append(
        {
            "baseline": "title LIKE '%word%' scan (common + rare words)",
            "samples": len(times),
            "p50_ms": common.pct(times, 50),
            "max_ms": max(times),
        }
    )
    from bot.store.stories_repo import _BM25, _shard_table

    shards = [r[0] for r in await (await db.execute("SELECT shard FROM search_shards")).fetchall()]
    for cls in ("common word", "entity name", "prefix*"):
        times = []
        for q in queries[cls][:3]:
            match = fts_query(q)
            # Every shard, no recency window: bm25 scores every match of the whole store.
            sql = " UNION ALL ".join(
                f"SELECT * FROM (SELECT rowid, rank FROM {_shard_table(k)} "
                f"WHERE {_shard_table(k)} MATCH ? AND rank MATCH 'bm25({_BM25})' "
                "ORDER BY rank, rowid DESC LIMIT 10)"
                for k in shards
            )
            t = time.perf_counter()
            async with db.execute(sql, [match] * len(shards)) as cur:
                await cur.fetchall()
            times.append((time.perf_counter() - t) * 1000)
        out.append(
            {
                "baseline": f"bm25 over every shard, no recency window ({cls})",
                "samples": len(times),
                "p50_ms": common.pct(times, 50),
                "max_ms": max(times),
            }
        )
    return out


def raw_sqlite_baseline(
    gen: Generator, count: int, batch: int, folder: Path
) -> list[dict[str, Any]]:
    """The same rows through plain sqlite3 (rows built before timing): what SQLite itself costs.

    Variants drop the FTS trigger or the band rows, to show where the write time goes.
    """
    import json
    import sqlite3

    from bot.models import entity_key
    from bot.store.base import migrations
    from bot.store.sqlite_engine import _split_sql
    from bot.store.stories_repo import _shard_ddl, _shard_table, band_tokens, search_shard

    batches = [
        gen.drafts(10_000_000 + i, min(batch, count - i), 20_000_000, True)
        for i in range(0, count, batch)
    ]
    prepared = []
    for drafts in batches:
        rows = []
        for d in drafts:
            e = d.entry
            ctx = d.context
            names = " · ".join(x.name for x in ctx.entities) if ctx else ""
            pub = e.published.timestamp() if e.published else None
            rows.append(
                (
                    d.identity,
                    d.scope,
                    d.outlet_id,
                    d.feed_id,
                    e.canonical_url,
                    e.guid,
                    e.title,
                    e.summary,
                    e.text,
                    names,
                    d.content_hash,
                    pub,
                    time.time(),
                    pub,
                    e.language,
                    1,
                    json.dumps(ctx.to_dict()) if ctx else None,
                )
            )
        ents = [
            [(entity_key(x.name), x.name, x.kind, x.role) for x in d.context.entities]
            if d.context
            else []
            for d in drafts
        ]
        prepared.append((rows, ents, [d.bands for d in drafts]))
    out = []
    for variant in ("full schema", "no full-text index", "no band index"):
        path = folder / f"raw-{variant.replace(' ', '-')}.db"
        con = sqlite3.connect(path, isolation_level=None)
        for pragma in (
            "journal_mode = WAL",
            "synchronous = NORMAL",
            "temp_store = MEMORY",
            "cache_size = -65536",
            "wal_autocheckpoint = 10000",
            "foreign_keys = ON",
        ):
            con.execute(f"PRAGMA {pragma}")
        for _n, _name, sql in migrations():
            for statement in _split_sql(sql):
                con.execute(statement)
        insert = (
            "INSERT INTO stories(identity, scope, outlet_id, feed_id, url, guid, title, summary, "
            "text, entity_names, content_hash, published, fetched, sort_time, language, "
            "alert_worthy, context) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
        )
        t = time.perf_counter()
        for rows, ents, bands in prepared:
            con.execute("BEGIN IMMEDIATE")
            first = con.execute("SELECT coalesce(max(id), 0) FROM stories").fetchone()[0] + 1
            con.executemany(insert, rows)
            ids = range(first, first + len(rows))
            if variant != "no full-text index":
                by_shard: dict[int, list[tuple[Any, ...]]] = {}
                for i, r in zip(ids, rows, strict=True):
                    by_shard.setdefault(search_shard(i), []).append((i, r[6], r[7], r[9]))
                for shard, part in by_shard.items():
                    con.execute(_shard_ddl(shard))
                    con.executemany(
                        f"INSERT INTO {_shard_table(shard)}(rowid, title, summary, entity_names) "
                        "VALUES (?,?,?,?)",
                        part,
                    )
            con.executemany(
                "INSERT OR IGNORE INTO story_entities(story_id, key, name, kind, role, sort_time) "
                "VALUES (?,?,?,?,?,?)",
                [(i, *e, r[13]) for i, es, r in zip(ids, ents, rows, strict=True) for e in es],
            )
            if variant != "no band index":
                con.executemany(
                    "INSERT INTO story_band_index(rowid, bands) VALUES (?,?)",
                    [(i, band_tokens(bs)) for i, bs in zip(ids, bands, strict=True)],
                )
            con.execute("COMMIT")
        seconds = time.perf_counter() - t
        con.close()
        out.append(
            {"variant": f"plain sqlite3, {variant}", "stories": count, "per_s": count / seconds}
        )
        print(f"  raw sqlite3 baseline ({variant}): {count / seconds:,.0f} stories/s", flush=True)
    return out


def make_dir(folder: str | None) -> Path:
    tmp = Path(folder or tempfile.mkdtemp(prefix="newsbot-bench-store-"))
    tmp.mkdir(parents=True, exist_ok=True)
    return tmp


def db_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.glob("store.db*"))


def remove_raw(folder: Path) -> None:
    for p in folder.glob("raw-*"):
        p.unlink()


async def run(args: argparse.Namespace) -> dict[str, Any]:
    tmp = make_dir(args.dir)
    db_path = tmp / "store.db"
    corpus = common.load_corpus()
    gen = Generator(corpus)
    print(
        f"corpus: {len(corpus.items)} real items, {len(corpus.words)} words, "
        f"{len(gen.entities)} entities; db {db_path}"
    )
    result: dict[str, Any] = {}
    result["raw"] = raw_sqlite_baseline(gen, args.raw, args.batch, tmp)
    remove_raw(tmp)
    store = await Store.open(db_path)
    try:
        result["ingest"] = await ingest(store, gen, args)
        await store._engine.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        size = db_size(tmp)
        result["db_bytes"] = size
        result["mb_per_million"] = size / 1e6 / (args.stories / 1e6)
        print(
            f"  database {size / 1e6:,.0f} MB → "
            f"{result['mb_per_million']:,.0f} MB per million stories"
        )
        queries = pick_queries(gen, random.Random(5))
        result["search"] = await measure_search(store, queries, args.reps)
        result["baselines"] = await measure_baselines(store, queries)
        result["small_batches"] = await small_batches(
            store, gen, args.small, args.stories, args.no_context
        )
        print(f"  poller-sized batches (30): {result['small_batches']['per_s']:,.0f} stories/s")
    finally:
        await store.close()
        if args.keep:
            print(f"kept {db_path}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--stories", type=int, default=1_000_000)
    parser.add_argument("--quick", action="store_true", help="100,000 stories")
    parser.add_argument("--batch", type=int, default=1000, help="stories per write_stories call")
    parser.add_argument(
        "--small", type=int, default=30_000, help="stories written in batches of 30"
    )
    parser.add_argument(
        "--raw", type=int, default=50_000, help="stories in the raw sqlite3 baseline"
    )
    parser.add_argument("--reps", type=int, default=20, help="repetitions of each search query")
    parser.add_argument("--no-bands", action="store_true", help="store no MinHash band rows")
    parser.add_argument(
        "--no-context",
        action="store_true",
        help="store the stories without fact context (no entity, denial or band rows)",
    )
    parser.add_argument("--dir", help="folder for the database (default: a temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--json", help="write results here")
    args = parser.parse_args()
    if args.quick and args.stories == parser.get_default("stories"):
        args.stories = 100_000
        args.small = 6_000
        args.reps = 10
        args.raw = 20_000
    info = common.machine_info()
    print(
        f"machine: {info['nproc']} cores, {info['cpu']}, {info['ram']}, Python {info['python']}, "
        f"SQLite {info['sqlite']}"
    )
    started = time.perf_counter()
    r = asyncio.run(run(args))
    wall = time.perf_counter() - started
    ing = r["ingest"]
    print()
    print(
        common.table(
            ["measure", "value"],
            [
                ["stories", ing["stories"]],
                [
                    f"ingest, batches of {args.batch} (write time only)",
                    f"{ing['per_s']:,.0f} stories/s",
                ],
                [
                    "ingest, first slice → last slice",
                    f"{ing['slices'][0]['per_s']:,.0f} → "
                    f"{ing['slices'][-1]['per_s']:,.0f} stories/s",
                ],
                [
                    "ingest, poller-sized batches of 30 (on the full store)",
                    f"{r['small_batches']['per_s']:,.0f} stories/s",
                ],
                *[
                    [
                        f"baseline: {b['variant']} ({b['stories']:,} rows prepared in advance)",
                        f"{b['per_s']:,.0f} stories/s",
                    ]
                    for b in r["raw"]
                ],
                ["story generation (not counted)", f"{ing['gen_s']:.0f} s"],
                ["database size", f"{r['db_bytes'] / 1e6:,.0f} MB"],
                ["database size per million stories", f"{r['mb_per_million']:,.0f} MB"],
                ["whole run", f"{wall:.0f} s"],
            ],
        )
    )
    print()
    print(
        common.table(
            [
                "Store.search class",
                "queries×reps",
                "p50 ms",
                "p99 ms",
                "max ms",
                "hits",
                "examples",
            ],
            [
                [
                    s["class"],
                    s["samples"],
                    s["p50_ms"],
                    s["p99_ms"],
                    s["max_ms"],
                    s["mean_hits"],
                    ", ".join(s["examples"]),
                ]
                for s in r["search"]
            ],
        )
    )
    print()
    print(
        common.table(
            ["baseline (same store)", "runs", "p50 ms", "max ms"],
            [[b["baseline"], b["samples"], b["p50_ms"], b["max_ms"]] for b in r["baselines"]],
        )
    )
    print()
    worst = max(s["p99_ms"] for s in r["search"])
    floors = [
        [
            f"ingest ≥ {INGEST_FLOOR:,.0f} stories/s (batches)",
            f"{ing['per_s']:,.0f}/s",
            common.verdict(ing["per_s"] >= INGEST_FLOOR),
        ],
        [
            f"search p99 ≤ {P99_FLOOR_MS:.0f} ms (worst class)",
            f"{worst:.1f} ms",
            common.verdict(worst <= P99_FLOOR_MS),
        ],
    ]
    for s in r["search"]:
        floors.append(
            [
                f"  p99 ≤ {P99_FLOOR_MS:.0f} ms: {s['class']}",
                f"{s['p99_ms']:.1f} ms",
                common.verdict(s["p99_ms"] <= P99_FLOOR_MS),
            ]
        )
    print()
    print(common.table(["floor", "measured", "verdict"], floors))
    common.write_json(
        args.json,
        {
            "benchmark": "bench_store",
            "machine": info,
            "args": vars(args),
            **r,
            "floors": floors,
            "wall_s": wall,
        },
    )


if __name__ == "__main__":
    common.exit_cleanly_on_sigterm()
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
