"""The store on PostgreSQL beside SQLite, in the same run: ingest with context rows, lookups.

    python benchmarks/bench_pg.py [--stories 100000] [--writers-stories 20000] [--postgres URL]
        [--json out.json]

The same generated stories as bench_store.py (real titles and sentences, 2–5 real entities,
a StoryContext, 5 % denials, 16 MinHash bands each) go through `Store.write_stories` in
batches of 1,000 into a fresh SQLite file and into a fresh schema of the PostgreSQL database
at `--postgres` (default: $NEWSBOT_TEST_POSTGRES or postgresql://postgres@127.0.0.1:5432/test;
the schema is dropped afterwards), then poller-sized batches of 30, then `Store.search`
p50/p99 per query class (`--reps` timed runs of each query, shuffled: 30 × 10 queries make
300 samples, so a p99 is not just the slowest sample); then `--writers-stories` pre-made
stories into fresh schemas by one writer and by two at once (two stores, one connection
each, as two workers write: the server work of one connection runs on one core), with the
client's and the backends' CPU per story (from /proc: the server must be on this machine);
then as many new stories into the full store (the `--stories` already stored) by one writer
and by two at once. SQLite is the baseline. Floors (issue #17):
PostgreSQL ingest ≥ 10,000 stories/s in batches; lookup p99 ≤ 10 ms at 1,000,000 stories.

A bulk load of a million rows sets PostgreSQL's autovacuum going on every table it touched
(the insert threshold), and its vacuum and analyze share the two cores with the lookups. A
running bot at that size writes a few stories a second, so its lookups meet no such vacuum:
before the lookups the benchmark waits (up to `--settle` seconds) until no autovacuum worker
is busy in the schema, and reports how long it waited and whether one was still running when
the lookups started and ended (`--settle 0`: measure at once, right after the load).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import asyncpg

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common
from bench_store import Generator, ingest, measure_search, pick_queries, small_batches

from bot.store import Store

INGEST_FLOOR = 10_000.0
P99_FLOOR_MS = 10.0
_TICK = os.sysconf("SC_CLK_TCK")


def backend_cpu_s(pids: list[int]) -> float:
    """User + system CPU seconds of server backends so far, from /proc (same machine)."""
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total / _TICK


async def writers_ingest(
    url: str,
    admin: asyncpg.Connection,
    batches: list[list[Any]],
    writers: int,
    into: str | None = None,
) -> dict[str, Any]:
    """The pre-made `batches` (1,000 stories each) into a fresh schema (or the existing schema
    `into`, which keeps them) through `writers` stores at once (one connection each, as
    `writers` workers would), batch k by writer k mod writers: wall time, client CPU and the
    backends' CPU (from /proc) per story."""
    schema = into or f"bench_w{writers}_{uuid.uuid4().hex[:8]}"
    if into is None:
        await admin.execute(f"CREATE SCHEMA {schema}")
    target = common.schema_url(url, schema)
    stores = [await Store.open(target) for _ in range(writers)]
    try:
        # the first batch of each writer opens its connection and session (not timed); the
        # same stories are timed whatever the number of writers
        for n, store in enumerate(stores):
            await store.write_stories(batches[n], [])
        timed = batches[2:]
        pids = [
            int(r["pid"])
            for r in await admin.fetch(
                "SELECT pid FROM pg_stat_activity WHERE application_name = 'newsbot' "
                "AND datname = current_database()"
            )
        ]
        server0, client0, wall0 = backend_cpu_s(pids), time.process_time(), time.perf_counter()

        async def write(k: int) -> None:
            for batch in timed[k::writers]:
                await stores[k].write_stories(batch, [])

        await asyncio.gather(*(write(k) for k in range(writers)))
        wall = time.perf_counter() - wall0
        client = time.process_time() - client0
        server = backend_cpu_s(pids) - server0
    finally:
        for store in stores:
            await store.close()
        if into is None:
            await admin.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
    stories = sum(len(b) for b in timed)
    return {
        "writers": writers,
        "stories": stories,
        "per_s": stories / wall,
        "client_us": client / stories * 1e6,
        "server_us": server / stories * 1e6,
        "backends": len(pids),
    }


async def autovacuum_busy(admin: asyncpg.Connection, schema: str) -> int:
    """Autovacuum workers now vacuuming or analysing a table of the benchmark's schema."""
    return int(
        await admin.fetchval(
            "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'autovacuum worker' "
            "AND query LIKE $1",
            f"autovacuum: %{schema}.%",
        )
    )


async def settle(admin: asyncpg.Connection, schema: str, limit_s: float) -> dict[str, Any]:
    """Wait until autovacuum has finished with the schema's tables (bounded: `limit_s`)."""
    started = time.perf_counter()
    quiet_in_a_row = 0
    while time.perf_counter() - started < limit_s and quiet_in_a_row < 5:
        # five quiet looks a second apart: a worker may start on the next table a moment later
        quiet_in_a_row = quiet_in_a_row + 1 if await autovacuum_busy(admin, schema) == 0 else 0
        await asyncio.sleep(1.0)
    return {"waited_s": round(time.perf_counter() - started, 1), "limit_s": limit_s}


async def one_backend(
    target: str,
    gen: Generator,
    args: argparse.Namespace,
    admin: asyncpg.Connection | None = None,
    schema: str = "",
) -> dict[str, Any]:
    store = await Store.open(target)
    try:
        started = time.process_time()
        result: dict[str, Any] = {"ingest": await ingest(store, gen, args)}
        result["client_cpu_s"] = time.process_time() - started
        queries = pick_queries(gen, random.Random(5))
        if admin is not None:
            if args.settle > 0:
                result["settle"] = await settle(admin, schema, args.settle)
            result["autovacuum_at_lookup_start"] = await autovacuum_busy(admin, schema)
        result["search"] = await measure_search(store, queries, args.reps)
        if admin is not None:
            result["autovacuum_at_lookup_end"] = await autovacuum_busy(admin, schema)
        result["small_batches"] = await small_batches(store, gen, args.small, args.stories)
    finally:
        await store.close()
    return result


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.iterdir())


async def run(args: argparse.Namespace) -> dict[str, Any]:
    gen = Generator(common.load_corpus())
    folder = Path(tempfile.mkdtemp(prefix="bench-pg-"))
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(args.postgres)
    await admin.execute("CREATE EXTENSION IF NOT EXISTS unaccent SCHEMA public")
    await admin.execute(f"CREATE SCHEMA {schema}")
    pg_url = common.schema_url(args.postgres, schema)
    results: dict[str, Any] = {}
    try:
        for name, target in (("sqlite", str(folder / "store.db")), ("postgresql", pg_url)):
            print(f"== {name}", flush=True)
            pg = name == "postgresql"
            results[name] = await one_backend(
                target, gen, args, admin if pg else None, schema if pg else ""
            )
        size = await admin.fetchval(
            "SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c JOIN pg_namespace n "
            "ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind = 'r'",
            schema,
        )
        results["postgresql"]["db_bytes"] = int(size or 0)
        results["sqlite"]["db_bytes"] = folder_size(folder)
        if args.writers_stories:
            # one writer, then two at once, on the same pre-made stories (generation untimed)
            made = args.writers_stories + 2_000
            batches = [gen.drafts(k, 1_000, made, True) for k in range(0, made, 1_000)]
            results["writers"] = []
            for writers in (1, 2, 1, 2):
                print(f"== PostgreSQL, {writers} writer(s) at once", flush=True)
                results["writers"].append(
                    await writers_ingest(args.postgres, admin, batches, writers)
                )
            # then into the full store (--stories already stored): the same sizes of batch,
            # new stories, as workers add them to a store that has grown
            start = args.stories + args.small
            for writers in (1, 2):
                fresh = [
                    gen.drafts(start + k, 1_000, start + made, True) for k in range(0, made, 1_000)
                ]
                start += made
                print(f"== PostgreSQL, {writers} writer(s) at once, full store", flush=True)
                row = await writers_ingest(args.postgres, admin, fresh, writers, into=schema)
                results["writers"].append({**row, "into": f"{args.stories:,} stored"})
    finally:
        await admin.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        await admin.close()
        shutil.rmtree(folder, ignore_errors=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--stories", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--small", type=int, default=6_000)
    parser.add_argument("--reps", type=int, default=30)
    parser.add_argument(
        "--settle",
        type=float,
        default=600.0,
        help="wait up to this many seconds for autovacuum before the lookups (0: do not wait)",
    )
    parser.add_argument(
        "--writers-stories",
        type=int,
        default=20_000,
        help="then this many stories into fresh schemas by 1 and by 2 writers at once (0: skip)",
    )
    common.add_postgres_option(parser)
    parser.add_argument("--json")
    args = parser.parse_args()
    args.no_bands = False
    args.no_context = False
    info = common.machine_info()
    print(f"machine: {info['nproc']} cores, {info['cpu']}, {info['ram']}, Python {info['python']}")
    # The machine may be shared: the load says how much of it this run had.
    load_before = os.getloadavg()
    r = asyncio.run(run(args))
    r["load_average"] = {"before": load_before, "after": os.getloadavg()}
    rows = []
    for name in ("sqlite", "postgresql"):
        b = r[name]
        rows.append(
            [
                name,
                f"{b['ingest']['per_s']:,.0f}",
                f"{b['small_batches']['per_s']:,.0f}",
                f"{b['client_cpu_s'] / b['ingest']['write_s'] * 100:.0f} %",
                f"{b['db_bytes'] / 1e6:,.0f} MB",
                max(s["p99_ms"] for s in b["search"]),
            ]
        )
    print()
    print(
        common.table(
            [
                "backend",
                "ingest /s (1,000)",
                "ingest /s (30)",
                "client CPU",
                "size",
                "worst p99 ms",
            ],
            rows,
        )
    )
    print()
    print(
        common.table(
            ["Store.search class", "SQLite p50", "SQLite p99", "PostgreSQL p50", "PostgreSQL p99"],
            [
                [s["class"], s["p50_ms"], s["p99_ms"], p["p50_ms"], p["p99_ms"]]
                for s, p in zip(r["sqlite"]["search"], r["postgresql"]["search"], strict=True)
            ],
        )
    )
    pg = r["postgresql"]
    samples = pg["search"][0]["samples"]
    waited = pg.get("settle", {}).get("waited_s", 0.0)
    print(
        f"PostgreSQL lookups: {samples} samples a class; waited {waited} s for autovacuum "
        f"before them; autovacuum workers busy at their start / end: "
        f"{pg['autovacuum_at_lookup_start']} / {pg['autovacuum_at_lookup_end']}"
    )
    if r.get("writers"):
        print()
        print(
            common.table(
                ["writers at once", "into", "stories", "ingest /s", "client CPU µs/story",
                 "server CPU µs/story", "backends"],
                [
                    [w["writers"], w.get("into", "fresh schema"), w["stories"],
                     f"{w['per_s']:,.0f}", f"{w['client_us']:.0f}", f"{w['server_us']:.0f}",
                     w["backends"]]
                    for w in r["writers"]
                ],
            )
        )  # fmt: skip
    print()
    before, after = (
        " ".join(f"{x:.1f}" for x in r["load_average"][k]) for k in ("before", "after")
    )
    print(f"load average (1, 5, 15 min): {before} before, {after} after")
    print(
        f"PostgreSQL ingest ≥ {INGEST_FLOOR:,.0f}/s: "
        f"{'PASS' if pg['ingest']['per_s'] >= INGEST_FLOOR else 'FAIL'}; "
        f"lookup p99 ≤ {P99_FLOOR_MS} ms at {args.stories:,} stories: "
        f"{'PASS' if max(s['p99_ms'] for s in pg['search']) <= P99_FLOOR_MS else 'FAIL'}"
    )
    if args.json:
        Path(args.json).write_text(json.dumps(r, indent=2, default=str), encoding="utf-8")


if __name__ == "__main__":
    main()
