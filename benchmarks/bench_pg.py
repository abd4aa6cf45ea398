"""The store on PostgreSQL beside SQLite, in the same run: ingest with context rows, lookups.

    python benchmarks/bench_pg.py [--stories 100000] [--postgres URL] [--json out.json]

The same generated stories as bench_store.py (real titles and sentences, 2–5 real entities,
a StoryContext, 5 % denials, 16 MinHash bands each) go through `Store.write_stories` in
batches of 1,000 into a fresh SQLite file and into a fresh schema of the PostgreSQL database
at `--postgres` (default: $NEWSBOT_TEST_POSTGRES or postgresql://postgres@127.0.0.1:5432/test;
the schema is dropped afterwards), then poller-sized batches of 30, then `Store.search`
p50/p99 per query class. SQLite is the baseline. Floors (issue #17): PostgreSQL ingest
≥ 10,000 stories/s in batches; lookup p99 ≤ 10 ms at 1,000,000 stories.
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


async def one_backend(target: str, gen: Generator, args: argparse.Namespace) -> dict[str, Any]:
    store = await Store.open(target)
    try:
        started = time.process_time()
        result: dict[str, Any] = {"ingest": await ingest(store, gen, args)}
        result["client_cpu_s"] = time.process_time() - started
        queries = pick_queries(gen, random.Random(5))
        result["search"] = await measure_search(store, queries, args.reps)
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
            results[name] = await one_backend(target, gen, args)
        size = await admin.fetchval(
            "SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c JOIN pg_namespace n "
            "ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind = 'r'",
            schema,
        )
        results["postgresql"]["db_bytes"] = int(size or 0)
        results["sqlite"]["db_bytes"] = folder_size(folder)
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
    parser.add_argument("--reps", type=int, default=10)
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
