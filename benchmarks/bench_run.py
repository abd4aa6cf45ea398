"""`newsbot run` as users run it: feed change → alert sent, and resident memory.

    python benchmarks/bench_run.py [--feeds 2000] [--changes 60] [--quick] [--json out.json]
    python benchmarks/bench_run.py --feeds 10000 --stories 1000000 --changes 20 --seed-first-poll
    python benchmarks/bench_run.py --feeds 10000 --stories 1000000 --changes 20 --seed-first-poll \
        --fill-caches 25000

The real processes: the feed server (`common.py serve`, its own process, 50 loopback hosts),
the Telegram Bot API fake of the tests (tests/fakes/telegram_api.py, in a thread of this
process, its default flood limits) and `python -m bot` for `poll --once` and `run` (its own
worker processes), over one SQLite file.

1. `--stories` stories are written into the database first (`bench_store.Generator`: real
   titles and sentences, Zipf-drawn real entity names), if asked; then the feeds file
   (`--feeds` feeds of `--items` real-text items, interval 60 s, the minimum, <ttl> 1 min;
   `--chats` Telegram chats, each subscribed to its share of the feeds) and
   `newsbot poll --once`: the first
   poll of every feed, timed (the baseline: nothing is alerted). `--seed-first-poll` stores
   that first poll in this process instead, without analysing the items (each feed's body
   parsed by `parse_feed` and written through the poller's store stage with the server's
   ETag): 2 minutes for 2,000 feeds instead of 13, so 10,000 feeds fit in a session.
   `--fill-caches N` stores N more stories unlinked after those (bench_linking's backlog):
   `run` links them at its start, as after a long run, and the changes begin once none is
   left, so the linker's caches are full when the memory is sampled (25,000 fill them).
2. `newsbot run` starts and runs `--warmup` seconds (every feed polled again: 304s), then
   one feed at a time gets one new item, every `--every` seconds, `--changes` times, while
   every feed keeps being polled each minute.
3. Per change: when the server first served the changed body, and when the fake received the
   alert for the new item (the message whose link preview is the item's URL: a denial's text
   links the report it denies first). A change whose alert is not seen is listed, with the
   messages that name it. **served → sent** is newsbot's part (fetch,
   parse, context, store, fan-out, send); **change → sent** adds the wait for the feed's next
   poll (its interval). Floor: served → sent p99 ≤ 5 s.
4. Resident memory of `newsbot run` and every process under it (workers, forkserver),
   sampled each second: the largest sum of RSS and of PSS (shared pages counted once).
   Floor at 10,000 feeds and 1,000,000 stories: ≤ 300 MB.

Baseline in the same run: a sendMessage through python-telegram-bot to the same fake
(what one send costs from outside newsbot), 20 times.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests.fakes
import bench_linking
import bench_poll
import bench_store
import common
from bench_poll import feeds_yaml

from bot.store import Store
from tests.fakes.telegram_api import FakeTelegram

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "123456:AAbench-token-of-the-fake-0123456789"
LATENCY_FLOOR = 5.0  # seconds, p99 served → sent
MEMORY_FLOOR = 300.0  # MB, all processes
_LINK = re.compile(r"/news/\d+/\d+-")


def tree(pid: int) -> list[int]:
    """pid and every process under it."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry.name))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += children.get(p, [])
    return out


def memory_mb(pid: int) -> tuple[float, float, int, list[tuple[str, float]]]:
    """(sum of RSS, sum of PSS, processes, [(process, its PSS)]) of pid's tree, in MB."""
    rss = pss = 0
    each = []
    for p in tree(pid):
        try:
            mine = 0
            for line in Path(f"/proc/{p}/smaps_rollup").read_text().splitlines():
                if line.startswith("Rss:"):
                    rss += int(line.split()[1])
                elif line.startswith("Pss:"):
                    mine = int(line.split()[1])
            cmd = Path(f"/proc/{p}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        pss += mine
        each.append((cmd[:70], mine / 1024))
    return rss / 1024, pss / 1024, len(each), each


async def prefill(db: Path, stories: int, backlog: int = 0) -> float:
    """Write `stories` generated stories (with context rows) into a new database, then
    `backlog` more stored unlinked (bench_linking's: real MinHash bands, 2 % wire copies of a
    recent story, one in 20 a denial), which `newsbot run` links at its start."""
    started = time.perf_counter()
    gen = bench_store.Generator(common.load_corpus(), seed=9)
    total = stories + backlog
    store = await Store.open(db)
    try:
        for start in range(0, stories, 5000):
            await store.write_stories(
                gen.drafts(start, min(5000, stories - start), total, False), []
            )
        rng = random.Random(5)
        pending: list[Any] = []
        for start in range(stories, total, 5000):
            drafts = bench_linking.generated(gen, start, min(5000, total - start), total)
            bench_linking.wire_copies(drafts, pending, rng)
            drafts = bench_linking.real_bands(drafts)
            await store.write_stories(drafts, [], linked=False)
            pending += drafts
    finally:
        await store.close()
    return time.perf_counter() - started


async def unlinked(db: Path) -> int:
    """Stories stored and not linked yet (0 or 1: whether any are left)."""
    store = await Store.open(db, read_only=True)
    try:
        return len(await store.unlinked_stories(limit=1))
    finally:
        await store.close()


async def seed_first_poll(db: Path, feeds_file: Path, feeds: int, items: int) -> float:
    """The first poll of every feed stored without context (bench_poll.seed_first_poll)."""
    from bot.app import Pipeline

    async with await Pipeline.open(str(db), str(feeds_file), use_pool=False) as pipeline:
        return await bench_poll.seed_first_poll(pipeline, feeds, items, ttl=1, interval=60.0)


async def send_baseline(tg: FakeTelegram, n: int) -> list[float]:
    from telegram import Bot
    from telegram.request import HTTPXRequest

    bot = Bot(TOKEN, base_url=tg.base_url, request=HTTPXRequest(connection_pool_size=4))
    samples = []
    async with bot:
        for k in range(n):
            t = time.perf_counter()
            await bot.send_message(chat_id=999, text=f"baseline {k}")
            samples.append(time.perf_counter() - t)
            await asyncio.sleep(1.05)  # the fake's 1 message/s a private chat
    return samples


def poll_once(args: argparse.Namespace, env: dict[str, str]) -> float:
    """`newsbot poll --once`: the first poll of every feed, timed."""
    t = time.perf_counter()
    once = subprocess.run(
        [sys.executable, "-m", "bot", "poll", "--once"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=args.first_poll_timeout,
        check=False,
    )
    first = time.perf_counter() - t
    if once.returncode != 0:
        raise SystemExit(f"poll --once failed ({once.returncode}): {once.stderr[-500:]}")
    print(
        f"  poll --once (first poll, {args.feeds:,} feeds): {first:.1f} s = "
        f"{args.feeds / first:.1f} feeds/s",
        flush=True,
    )
    return first


def run(args: argparse.Namespace) -> dict[str, Any]:
    tmp = Path(tempfile.mkdtemp(prefix="newsbot-bench-run-"))
    result: dict[str, Any] = {}
    try:
        db = tmp / "news.db"
        if args.stories or args.fill_caches:
            seconds = asyncio.run(prefill(db, args.stories, args.fill_caches))
            print(
                f"  prefilled {args.stories:,} stories and {args.fill_caches:,} unlinked "
                f"({seconds:.0f} s)",
                flush=True,
            )
        with (
            common.BenchFeedServer(args.feeds, args.items, ttl=1) as server,
            FakeTelegram.threaded(token=TOKEN) as tg,
        ):
            feeds_yaml(
                tmp / "feeds.yaml",
                [server.url(i) for i in range(args.feeds)],
                interval="60s",
                chats=args.chats,
            )
            env = {k: v for k, v in os.environ.items() if not k.endswith("_TOKEN")}
            env.update(
                NEWSBOT_DB=str(db),
                NEWSBOT_FEEDS=str(tmp / "feeds.yaml"),
                TELEGRAM_BOT_TOKEN=TOKEN,
                TELEGRAM_API_URL=tg.url,
                NO_PROXY="127.0.0.1,localhost",
                PYTHONUNBUFFERED="1",
            )
            if args.seed_first_poll:
                seconds = asyncio.run(
                    seed_first_poll(db, tmp / "feeds.yaml", args.feeds, args.items)
                )
                print(
                    f"  first poll seeded without context ({args.feeds:,} feeds): {seconds:.0f} s",
                    flush=True,
                )
                result["first_poll_seconds"] = None
                result["seed_seconds"] = seconds
            else:
                result["first_poll_seconds"] = poll_once(args, env)
            baseline = asyncio.run(send_baseline(tg, 5 if args.quick else 20))
            tg.sent.clear()
            server.reset()
            log = tmp / "run.log"
            peak: dict[str, Any] = {"rss": 0.0, "pss": 0.0, "procs": 0, "each": []}
            with log.open("ab") as out:
                bot = subprocess.Popen(
                    [sys.executable, "-m", "bot", "run"],
                    env=env,
                    cwd=ROOT,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                )
            try:

                def sample() -> None:
                    rss, pss, procs, each = memory_mb(bot.pid)
                    if pss > peak["pss"]:
                        peak.update(rss=rss, pss=pss, procs=procs, each=each)

                until = time.monotonic() + args.warmup
                while time.monotonic() < until and bot.poll() is None:
                    sample()
                    time.sleep(1.0)
                if bot.poll() is not None:
                    raise SystemExit(f"newsbot run exited: {log.read_text()[-800:]}")
                if args.fill_caches:  # the backlog linked: the linker's caches are full
                    while bot.poll() is None and asyncio.run(unlinked(db)):
                        sample()
                        time.sleep(1.0)
                    result["backlog_linked_after"] = time.monotonic() - until + args.warmup
                    print(
                        f"  backlog of {args.fill_caches:,} linked "
                        f"{result['backlog_linked_after']:.0f} s after the start",
                        flush=True,
                    )
                rng = random.Random(3)
                feeds = rng.sample(range(args.feeds), min(args.changes, args.feeds))
                for feed in feeds:
                    server.change_feed(feed, by=1)
                    end = time.monotonic() + args.every
                    while time.monotonic() < end:
                        time.sleep(min(1.0, max(0.0, end - time.monotonic())))
                        sample()
                # every changed feed is polled within its interval (60 s), then sent
                deadline = time.monotonic() + 60 + args.drain
                wanted = {new_item_link(f, e, args.items) for f, e, _, _ in server.changes()}
                while time.monotonic() < deadline:
                    sample()
                    if wanted <= set(by_item(alerted(tg.sent_matching(method="sendMessage")))):
                        break
                    time.sleep(1.0)
                rss, pss, _, _ = memory_mb(bot.pid)
            finally:
                if bot.poll() is None:
                    bot.send_signal(signal.SIGTERM)
                    try:
                        bot.wait(30)
                    except subprocess.TimeoutExpired:
                        bot.kill()
                        bot.wait(10)
            changes = server.changes()
            messages = tg.sent_matching(method="sendMessage")
            sent = by_item(alerted(messages))
            served_to_sent, change_to_sent, missing = [], [], 0
            missed: list[dict[str, Any]] = []
            for feed, etag, changed, served in changes:
                link = new_item_link(feed, etag, args.items)
                if link not in sent or served is None:
                    missing += 1
                    missed.append(
                        {
                            "feed": feed,
                            "item": link,
                            "served": served,
                            # messages that name the item without being its alert
                            "named_in": [m["text"] for m in messages if link in str(m["text"])],
                        }
                    )
                    continue
                served_to_sent.append(sent[link] - served)
                change_to_sent.append(sent[link] - changed)
            result.update(
                feeds=args.feeds,
                stories=args.stories,
                changes=len(changes),
                alerts_missing=missing,
                missed=missed,
                served_to_sent=served_to_sent,
                change_to_sent=change_to_sent,
                send_baseline=baseline,
                peak_rss_mb=peak["rss"],
                peak_pss_mb=peak["pss"],
                peak_processes=peak["procs"],
                peak_each=peak["each"],
                end_rss_mb=rss,
                end_pss_mb=pss,
                log_tail=log.read_text(errors="replace")[-2000:],
            )
            if args.log:
                shutil.copy(log, args.log)
    finally:
        if args.keep:
            print(f"  kept {tmp} (database news.db, feeds.yaml, run.log)", flush=True)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return result


def new_item_link(feed: int, etag: str, items: int) -> str:
    """The path of the item a change brought: the server's ETag `"f{feed}-{start}"` names the
    window start, and the newest item of the window is start + items - 1."""
    start = int(etag.strip('"').rsplit("-", 1)[1])
    return f"/news/{feed}/{start + items - 1}-"


def alerted(records: list[dict[str, Any]]) -> dict[str, float]:
    """The URL of each story alerted → when its alert was first sent.

    A story's alert is the message whose link preview is the story's own URL (the Telegram
    sink previews the story itself). Its text may link other stories first — a denial's alert
    links the report it denies — so the first link of the text does not name the alert."""
    out: dict[str, float] = {}
    for record in records:
        options = record.get("link_preview_options")
        url = options.get("url") if isinstance(options, dict) else None
        if url:
            out[url] = min(out.get(url, float("inf")), float(record["time"]))
    return out


def by_item(alerts: dict[str, float]) -> dict[str, float]:
    """alerted()'s URLs of bench items by their path `/news/{feed}/{k}-`."""
    out: dict[str, float] = {}
    for url, when in alerts.items():
        match = _LINK.search(url)
        if match is not None:
            out[match.group(0)] = min(out.get(match.group(0), float("inf")), when)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--feeds", type=int, default=2000)
    parser.add_argument("--stories", type=int, default=0, help="stories written in advance")
    parser.add_argument(
        "--fill-caches",
        type=int,
        default=0,
        metavar="N",
        help="N more stories stored unlinked: `run` links them at its start, as after a long "
        "run (the linker's caches full) before the changes begin (25000 fills them)",
    )
    parser.add_argument("--items", type=int, default=30, help="items per feed")
    parser.add_argument("--changes", type=int, default=60)
    parser.add_argument("--every", type=float, default=2.0, help="seconds between changes")
    parser.add_argument("--chats", type=int, default=20)
    parser.add_argument("--warmup", type=float, default=70.0)
    parser.add_argument("--drain", type=float, default=30.0)
    parser.add_argument("--first-poll-timeout", type=float, default=3600.0)
    parser.add_argument(
        "--seed-first-poll",
        action="store_true",
        help="store the first poll's items without context instead of `poll --once` (fast)",
    )
    parser.add_argument("--quick", action="store_true", help="200 feeds, 10 changes")
    parser.add_argument("--json", help="write results here")
    parser.add_argument("--log", help="copy the log of `newsbot run` here")
    parser.add_argument(
        "--keep", action="store_true", help="keep the temporary folder (database, log)"
    )
    args = parser.parse_args()
    if args.quick:
        args.feeds = min(args.feeds, 200)
        args.changes = min(args.changes, 10)
        args.warmup = min(args.warmup, 65.0)
    info = common.machine_info()
    print(f"machine: {info['nproc']} cores, {info['cpu']}, {info['ram']}, Python {info['python']}")
    r = run(args)
    lat, wait = r["served_to_sent"], r["change_to_sent"]
    print()
    print(
        common.table(
            ["measure", "n", "p50 s", "p99 s", "max s"],
            [
                [
                    "served → sent (newsbot)",
                    len(lat),
                    common.pct(lat, 50),
                    common.pct(lat, 99),
                    max(lat, default=float("nan")),
                ],
                [
                    "change → sent (+ poll interval)",
                    len(wait),
                    common.pct(wait, 50),
                    common.pct(wait, 99),
                    max(wait, default=float("nan")),
                ],
                [
                    "baseline: one sendMessage from outside",
                    len(r["send_baseline"]),
                    common.pct(r["send_baseline"], 50),
                    common.pct(r["send_baseline"], 99),
                    max(r["send_baseline"]),
                ],
            ],
        )
    )
    print(
        f"\nfirst poll (poll --once): {r['first_poll_seconds'] or float('nan'):.1f} s; "
        f"alerts missing: "
        f"{r['alerts_missing']} of {r['changes']}; memory of newsbot run: peak "
        f"{r['peak_rss_mb']:.0f} MB RSS / {r['peak_pss_mb']:.0f} MB PSS over "
        f"{r['peak_processes']} processes (at the end {r['end_rss_mb']:.0f} / "
        f"{r['end_pss_mb']:.0f} MB)"
    )
    for m in r["missed"]:
        print(
            f"  not alerted: {m['item']} (feed {m['feed']}; body served: "
            f"{'no' if m['served'] is None else 'yes'}; named in {len(m['named_in'])} "
            "other messages)"
        )
    for cmd, mb in r["peak_each"]:
        print(f"  {mb:6.0f} MB PSS  {cmd}")
    floors = [
        [
            f"feed change → alert sent p99 ≤ {LATENCY_FLOOR:.0f} s at {args.feeds:,} feeds "
            "(served → sent)",
            f"{common.pct(lat, 99):.2f} s (p50 {common.pct(lat, 50):.2f} s)",
            common.verdict(
                bool(lat) and common.pct(lat, 99) <= LATENCY_FLOOR and not r["alerts_missing"]
            ),
        ],
        [
            f"newsbot run ≤ {MEMORY_FLOOR:.0f} MB, all processes ({args.feeds:,} feeds, "
            f"{args.stories:,} stories stored)",
            f"{r['peak_pss_mb']:.0f} MB PSS ({r['peak_rss_mb']:.0f} MB RSS summed)",
            common.verdict(r["peak_pss_mb"] <= MEMORY_FLOOR),
        ],
    ]
    print()
    print(common.table(["floor", "measured", "verdict"], floors))
    common.write_json(
        args.json, {"benchmark": "bench_run", "machine": info, "args": vars(args), **r}
    )


if __name__ == "__main__":
    common.exit_cleanly_on_sigterm()
    main()
