"""Poll throughput of 1, 2 and 3 `newsbot run` workers on one PostgreSQL, beside one on SQLite.

    python benchmarks/bench_workers.py [--feeds 1000] [--new 5] [--postgres URL] [--json F]

The bench_poll.py feeds (real titles and sentences, 30 items, a third with full text) served by
`common.py serve` in its own process. For each configuration, on a fresh database: one
`newsbot poll --once` records the first poll; then N real `newsbot run` workers start (no chat
token: alerts go to their consoles), every feed gets `--new` new items and is made due at
once, and the clock runs until every feed's poll is recorded. Measured: feeds/s, and the CPU
seconds of each worker (with its parse/context processes) and of the PostgreSQL server in that
time. The SQLite process is the baseline of the same run.

On a 2-core machine the ratio says what the shared database costs, not how far newsbot
scales: three workers and the server share the same two cores.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import asyncpg

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common
from bench_poll import cpu_seconds, feeds_yaml

ROOT = Path(__file__).resolve().parents[1]


def descendants(pid: int) -> list[int]:
    """`pid` and every process below it (a worker's parse/context pool), from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def postgres_pids() -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == "postgres":
                    pids.append(int(entry.name))
            except OSError:
                continue
    return pids


async def polled(target: str, since: float, feeds: int) -> bool:
    sql = "SELECT count(*) FROM feeds WHERE last_polled_at >= {}"
    if target.startswith("postgresql://"):
        conn = await asyncpg.connect(target)
        try:
            return int(await conn.fetchval(sql.format("$1"), since)) >= feeds
        finally:
            await conn.close()
    with sqlite3.connect(target) as db:
        return int(db.execute(sql.format("?"), (since,)).fetchone()[0]) >= feeds


async def make_due(target: str) -> float:
    at = time.time()
    if target.startswith("postgresql://"):
        conn = await asyncpg.connect(target)
        try:
            await conn.execute("UPDATE feeds SET next_poll_at = $1", at)
        finally:
            await conn.close()
    else:
        with sqlite3.connect(target) as db:
            db.execute("UPDATE feeds SET next_poll_at = ?", (at,))
    return at


async def workers_up(target: str, n: int) -> bool:
    sql = "SELECT count(*) FROM workers"
    if target.startswith("postgresql://"):
        conn = await asyncpg.connect(target)
        try:
            return int(await conn.fetchval(sql)) >= n
        finally:
            await conn.close()
    with sqlite3.connect(target) as db:
        return int(db.execute(sql).fetchone()[0]) >= n


async def spawn(env: dict[str, str], *command: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *command, env=env, cwd=ROOT,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


async def one(
    name: str, target: str, n: int, env: dict[str, str], server: Any, args: argparse.Namespace
) -> dict[str, Any]:
    env = {**env, "NEWSBOT_DB": target}
    first = await spawn(env, "poll", "--once")
    await asyncio.wait_for(first.wait(), args.phase_timeout)
    procs = [await spawn(env, "run") for _ in range(n)]
    try:
        deadline = time.monotonic() + 120
        while not await workers_up(target, n):
            if time.monotonic() > deadline:
                raise SystemExit(f"{name}: the workers did not start")
            await asyncio.sleep(0.2)
        await asyncio.sleep(2)  # their start-up (catch-up linking) is over
        server.shift(args.new)
        trees = [descendants(p.pid) for p in procs]
        cpu0 = [cpu_seconds(t) for t in trees]
        pg0 = cpu_seconds(postgres_pids())
        since = await make_due(target)
        started = time.monotonic()
        while not await polled(target, since, args.feeds):
            if time.monotonic() - started > args.phase_timeout:
                raise SystemExit(f"{name}: not every feed was polled in {args.phase_timeout} s")
            await asyncio.sleep(0.1)
        elapsed = time.monotonic() - started
        trees = [descendants(p.pid) for p in procs]
        cpu = [cpu_seconds(t) - c for t, c in zip(trees, cpu0, strict=True)]
        pg_cpu = cpu_seconds(postgres_pids()) - pg0
    finally:
        for p in procs:
            p.send_signal(signal.SIGTERM)
        for p in procs:
            try:
                await asyncio.wait_for(p.wait(), 30)
            except TimeoutError:
                p.kill()
                await p.wait()
    row = {
        "config": name,
        "workers": n,
        "seconds": elapsed,
        "feeds_per_s": args.feeds / elapsed,
        "worker_cpu_s": cpu,
        "postgres_cpu_s": pg_cpu if target.startswith("postgresql://") else 0.0,
    }
    print(f"  {name}: {row['feeds_per_s']:,.0f} feeds/s", flush=True)
    return row


async def run(args: argparse.Namespace) -> list[dict[str, Any]]:
    folder = Path(tempfile.mkdtemp(prefix="bench-workers-"))
    admin = await asyncpg.connect(args.postgres)
    await admin.execute("CREATE EXTENSION IF NOT EXISTS unaccent SCHEMA public")
    schemas: list[str] = []
    rows = []
    try:
        with common.BenchFeedServer(args.feeds, args.items) as server:
            config = folder / "feeds.yaml"
            feeds_yaml(config, [server.url(i) for i in range(args.feeds)])
            env = {**os.environ, "NEWSBOT_FEEDS": str(config), "NO_PROXY": "127.0.0.1,localhost"}
            env.pop("TELEGRAM_BOT_TOKEN", None)
            env.pop("DISCORD_BOT_TOKEN", None)
            configs: list[tuple[str, str, int]] = [("sqlite, 1 process", "", 1)]
            configs += [(f"postgresql, {n} worker{'s' * (n > 1)}", "pg", n) for n in (1, 2, 3)]
            for name, kind, n in configs:
                server.reset()
                if kind == "pg":
                    schema = f"bench_{uuid.uuid4().hex[:12]}"
                    schemas.append(schema)
                    await admin.execute(f"CREATE SCHEMA {schema}")
                    target = common.schema_url(args.postgres, schema)
                else:
                    target = str(folder / f"{uuid.uuid4().hex[:8]}.db")
                rows.append(await one(name, target, n, env, server, args))
    finally:
        for schema in schemas:
            await admin.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        await admin.close()
        shutil.rmtree(folder, ignore_errors=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument("--items", type=int, default=30)
    parser.add_argument("--new", type=int, default=5, help="new items per feed in the poll")
    parser.add_argument("--phase-timeout", type=float, default=600)
    common.add_postgres_option(parser)
    parser.add_argument("--json")
    args = parser.parse_args()
    info = common.machine_info()
    print(f"machine: {info['nproc']} cores, {info['cpu']}, {info['ram']}, Python {info['python']}")
    rows = asyncio.run(run(args))
    base = rows[0]["feeds_per_s"]
    print()
    print(
        common.table(
            ["configuration", "feeds/s", "× SQLite", "CPU s per worker", "PostgreSQL CPU s"],
            [
                [
                    r["config"],
                    f"{r['feeds_per_s']:,.0f}",
                    f"{r['feeds_per_s'] / base:.2f}",
                    " / ".join(f"{c:.1f}" for c in r["worker_cpu_s"]),
                    f"{r['postgres_cpu_s']:.1f}",
                ]
                for r in rows
            ],
        )
    )
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
