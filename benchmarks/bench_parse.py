"""The parse stage alone: ms per feed for the fast (lxml) and slow (feedparser) paths.

    python benchmarks/bench_parse.py [--rounds 5] [--bench-feeds 200] [--json out.json]

Two document sets, each parsed in this process with `bot.ingest.parse.parse_feed`:

- **corpus**: every document of `../shared/feeds` (news, quirky, feedparser tests), as the
  compare script reads them; the fast path falls back to feedparser where it must, so this
  is the mix a real install sees, fallbacks included;
- **bench feeds**: the RSS 2.0 feeds `bench_poll.py` serves (30 real-text items, a third with
  full text), the poll benchmark's parse load.

For each set it reports, for both paths, the median over rounds (the two paths alternate) of
the CPU time to parse the set once, as ms per feed and feeds/s of one process (the parse
stage's ceiling per core: a poll runs it in a process pool). The baseline is the feedparser
path, timed in the same run on the same bytes. "Reading only" is the same without newsbot's
normalisation (shared by both paths): `feedparser.parse` against `fastparse.parse_raw`.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import feedparser

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
import common
import compare_parsers

from bot.ingest import fastparse
from bot.ingest.parse import parse_feed


def time_path(docs: list[bytes], fast: bool) -> float:
    """CPU seconds of this process to parse all `docs` once (CPU time, not wall time: the
    machine is shared, and a parse worker's throughput is its CPU time)."""
    start = time.process_time()
    for body in docs:
        parse_feed(body, "https://feeds.example/f.xml", None, fast=fast)
    return time.process_time() - start


def time_reading(docs: list[bytes], fast: bool) -> float:
    """CPU seconds to read all `docs` into raw dicts only, without newsbot's normalisation:
    `fastparse.parse_raw`, or `feedparser.parse` as `parse.py` calls it."""
    start = time.process_time()
    for body in docs:
        if fast:
            fastparse.parse_raw(body, None)
        else:
            feedparser.parse(body, sanitize_html=False, resolve_relative_uris=False)
    return time.process_time() - start


def measure(name: str, docs: list[bytes], rounds: int) -> dict[str, Any]:
    taken = sum(fastparse.parse_raw(body, None) is not None for body in docs)
    slow_runs, fast_runs, slow_reads, fast_reads = [], [], [], []
    for _ in range(rounds):  # alternating, so both paths see the same machine
        slow_runs.append(time_path(docs, False))
        fast_runs.append(time_path(docs, True))
        slow_reads.append(time_reading(docs, False))
        fast_reads.append(time_reading(docs, True))
    slow, fast = statistics.median(slow_runs), statistics.median(fast_runs)
    n = len(docs)
    return {
        "set": name,
        "documents": n,
        "fast_path_documents": taken,
        "feedparser_ms_per_feed": slow / n * 1000,
        "fast_ms_per_feed": fast / n * 1000,
        "feedparser_feeds_per_s": n / slow,
        "fast_feeds_per_s": n / fast,
        "speedup": slow / fast,
        "feedparser_read_ms_per_feed": statistics.median(slow_reads) / n * 1000,
        "fast_read_ms_per_feed": statistics.median(fast_reads) / n * 1000,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--bench-feeds", type=int, default=200)
    parser.add_argument("--json")
    args = parser.parse_args()
    corpus_root = compare_parsers.default_corpus()
    corpus = [compare_parsers.read(p) for p in compare_parsers.documents([corpus_root])]
    text = common.load_corpus()
    bench = [common.rss_body(text, 1, feed, 0, 30) for feed in range(args.bench_feeds)]
    results = [measure("bench feeds", bench, args.rounds)]
    if corpus:
        results.insert(0, measure("shared/feeds", corpus, args.rounds))
    print(f"machine: {common.machine_info()}")
    print(
        common.table(
            [
                "set",
                "docs",
                "fast-path docs",
                "feedparser ms/feed",
                "fast ms/feed",
                "feedparser feeds/s",
                "fast feeds/s",
                "speed-up",
                "reading only: feedparser / lxml ms",
            ],
            [
                [
                    r["set"],
                    r["documents"],
                    r["fast_path_documents"],
                    f"{r['feedparser_ms_per_feed']:.2f}",
                    f"{r['fast_ms_per_feed']:.2f}",
                    f"{r['feedparser_feeds_per_s']:.0f}",
                    f"{r['fast_feeds_per_s']:.0f}",
                    f"{r['speedup']:.1f} ×",
                    f"{r['feedparser_read_ms_per_feed']:.2f} / {r['fast_read_ms_per_feed']:.2f}",
                ]
                for r in results
            ],
        )
    )
    common.write_json(args.json, {"results": results, "machine": common.machine_info()})
    return 0


if __name__ == "__main__":
    sys.exit(main())
