"""End to end: feeds served on 127.0.0.1 → `newsbot poll --once` → SQLite → lookup.

Real parts only: an aiohttp server on loopback, the real fetcher with its guards, feedparser,
a real SQLite file, and the `newsbot` command run as a subprocess where the CLI is the point.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.app import Pipeline
from bot.ingest.fetch import FetchLimits
from bot.ingest.poller import FeedOutcome
from bot.store import Store
from tests.fakes.feed_server import FeedServer

FEEDS = Path(__file__).resolve().parent / "data" / "feeds"
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with FeedServer() as running:
        yield running


def feeds_yaml(tmp_path: Path, urls: dict[str, str], allow: bool = True) -> Path:
    lines = []
    if allow:
        lines += ["fetch:", "  allow: [127.0.0.0/8]"]
    lines.append("feeds:")
    for feed_id, url in urls.items():
        lines += [f"  - id: {feed_id}", f"    url: {url}"]
    path = tmp_path / "feeds.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path


def cli(
    *args: str, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "NO_PROXY": "127.0.0.1,localhost", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        env=full_env,
        cwd=cwd or ROOT,
        timeout=120,
        check=False,
    )


def rss(items: list[tuple[str, str, str]], title: str = "Test feed") -> bytes:
    """A small RSS document from (guid, title, description) triples."""
    body = "".join(
        f"<item><guid isPermaLink='false'>{g}</guid><title>{t}</title>"
        f"<link>https://news.example/{g}</link><description>{d}</description>"
        "<pubDate>Mon, 03 Jun 2019 10:00:00 +0000</pubDate></item>"
        for g, t, d in items
    )
    return (
        f"<?xml version='1.0'?><rss version='2.0'><channel><title>{title}</title>"
        f"<link>https://news.example/</link>{body}</channel></rss>"
    ).encode()


# ------------------------------------------------------------------ the CLI, as a user runs it


def test_poll_then_lookup_through_the_cli(server: FeedServer, tmp_path: Path) -> None:
    server.put("/radiohc.xml", (FEEDS / "radiohc_seed.xml").read_bytes())
    server.put("/wsj.xml", (FEEDS / "wsj_sample.xml").read_bytes())
    server.put("/bbc.xml", (FEEDS / "bbc_world.xml").read_bytes())
    server.put(
        "/broken.xml", b"<html><body>Service Unavailable</body></html>", content_type="text/html"
    )
    feeds = feeds_yaml(
        tmp_path,
        {
            "rhc": server.url("/radiohc.xml"),
            "wsj": server.url("/wsj.xml"),
            "bbc": server.url("/bbc.xml"),
            "broken": server.url("/broken.xml"),
        },
        allow=False,
    )
    db = tmp_path / "news.db"
    env = {"NEWSBOT_FETCH_ALLOW": "127.0.0.0/8"}

    first = cli("poll", "--once", "--db", str(db), "--feeds", str(feeds), env=env)
    assert first.returncode == 0, first.stderr
    assert len(re.findall(r"^\[\d/4\]", first.stdout, re.M)) == 4  # one progress line a feed
    assert "FAIL  broken: " in first.stdout and "not a feed" in first.stdout
    assert "3 ok" in first.stdout and "1 failed" in first.stdout

    found = cli("lookup", "Rostec", "--json", "--db", str(db))
    assert found.returncode == 0, found.stderr
    hits = json.loads(found.stdout)
    titles = {h["title"] for h in hits}
    assert titles == {
        "Russia rejects reports on military experts withdrawal from Venezuela",
        "Russia Cuts Rostec Staff in Venezuela to a Few Dozen",
    }
    for hit in hits:
        assert {"title", "url", "outlet", "published", "snippet"} <= hit.keys()
        assert "Rostec" in hit["snippet"] or "Rostec" in hit["title"]

    stats = json.loads(cli("stats", "--json", "--db", str(db)).stdout)
    assert stats["stories"] == 1 + 2 + 33 and stats["feeds"] == 4
    assert stats["feeds_failing"] == 0 and stats["feeds_disabled"] == 0

    listing = json.loads(
        cli("feeds", "list", "--json", "--db", str(db), "--feeds", str(feeds)).stdout
    )
    broken = next(f for f in listing if f["id"] == "broken")
    assert broken["status"] == "retrying" and "not a feed" in broken["last_error"]

    latest = json.loads(cli("stories", "--latest", "3", "--json", "--db", str(db)).stdout)
    assert len(latest) == 3


def test_cli_exit_codes_for_bad_config_and_bad_database(tmp_path: Path) -> None:
    bad = tmp_path / "feeds.yaml"
    bad.write_text("feeds:\n  - url: gopher://old.example/\n")
    result = cli("poll", "--once", "--db", str(tmp_path / "x.db"), "--feeds", str(bad))
    assert result.returncode == 2
    assert f"{bad}:2: feeds[0].url" in result.stderr

    not_db = tmp_path / "not.db"
    not_db.write_bytes(b"this is not a database" * 100)
    result = cli("stats", "--db", str(not_db))
    assert result.returncode == 3 and "database error" in result.stderr

    assert cli("lookup", "--limit", "0", "x").returncode == 2


# ------------------------------------------------------------------ in-process pipeline


async def open_pipeline(tmp_path: Path, feeds: Path, **kwargs: object) -> Pipeline:
    return await Pipeline.open(str(tmp_path / "news.db"), str(feeds), use_pool=False, **kwargs)  # type: ignore[arg-type]


async def test_second_poll_stores_only_new_items_and_skips_unchanged(
    server: FeedServer, tmp_path: Path
) -> None:
    server.put("/a.xml", rss([("a1", "Alpha one", "first"), ("a2", "Alpha two", "second")]))
    server.put("/b.xml", rss([("b1", "Beta one", "first")]), use_etag=False)
    feeds = feeds_yaml(tmp_path, {"a": server.url("/a.xml"), "b": server.url("/b.xml")})
    async with await open_pipeline(tmp_path, feeds) as p:
        first = await p.poller.poll_once()
        assert (first.ok, first.seen_first_poll, first.new_stories) == (2, 3, 0)

        server.put(
            "/a.xml",
            rss(
                [
                    ("a3", "Alpha three", "third"),
                    ("a1", "Alpha one", "first"),
                    ("a2", "Alpha two", "second"),
                ]
            ),
        )
        second = await p.poller.poll_once()
        assert second.new_stories == 1 and second.revisions == 0
        assert second.ok == 1 and second.unchanged == 1  # b: 200 with the same body, no parse
        third = await p.poller.poll_once()
        assert third.not_modified == 1 and third.unchanged == 1  # a: 304 (ETag)
        assert server.not_modified["/a.xml"] == 1

        latest = await p.store.latest(10)
        assert sorted(s.title for s in latest) == [
            "Alpha one",
            "Alpha three",
            "Alpha two",
            "Beta one",
        ]
        by_title = {s.title: s for s in latest}
        assert by_title["Alpha three"].alert_worthy  # new after the first poll
        assert not by_title["Alpha one"].alert_worthy  # recorded on the first poll, no flood


async def test_the_bot_starts_a_burst_of_due_feeds_as_room_frees_up(
    server: FeedServer, tmp_path: Path
) -> None:
    # 40 feeds due at once (a restart after downtime) with room for 8 polls under way
    # (4 × a fetch concurrency of 2): every feed is polled, never more than 8 at a time, and
    # each is scheduled on its own slot of the interval afterwards.
    urls = {}
    for n in range(40):
        server.put(f"/f{n}.xml", rss([(f"g{n}", f"Story {n}", "text")]))
        urls[f"f{n:02d}"] = server.url(f"/f{n}.xml")
    feeds = feeds_yaml(tmp_path, urls)
    async with await open_pipeline(tmp_path, feeds, limits=FetchLimits(concurrency=2)) as p:
        poller = p.poller
        assert poller.max_in_flight == 8
        for f in await p.store.pollable_feeds():
            await p.store.set_next_poll(f.id, time.time() - 100)
        stop = asyncio.Event()
        under_way: list[int] = []
        polled: set[str] = set()

        def outcome(o: FeedOutcome) -> None:
            under_way.append(poller.in_flight)
            polled.add(o.feed_id)
            if len(polled) == len(urls):
                stop.set()

        poller.on_outcome = outcome
        await asyncio.wait_for(poller.run(stop, tick=0.05), 60)
        assert polled == set(urls)
        assert max(under_way) <= 8
        due = sorted(f.next_poll_at or 0 for f in await p.store.pollable_feeds())
        assert due[-1] - due[0] > 30  # spread over the interval, not all due together again


async def test_edited_item_is_a_revision_not_a_new_story(
    server: FeedServer, tmp_path: Path
) -> None:
    server.put("/a.xml", rss([("a1", "Quake hits city", "At least 10 dead")]))
    feeds = feeds_yaml(tmp_path, {"a": server.url("/a.xml")})
    async with await open_pipeline(tmp_path, feeds) as p:
        await p.poller.poll_once()
        server.put("/a.xml", rss([("a1", "Quake hits city", "At least 25 dead")]))
        summary = await p.poller.poll_once()
        assert (summary.new_stories, summary.revisions) == (0, 1)
        (story,) = await p.store.latest(5)
        assert story.revision == 1 and "25 dead" in story.summary
        assert [h.story.id for h in await p.store.search("25 dead")] == [story.id]
        assert await p.store.search("10 dead") == []  # the FTS index follows the revision


async def test_one_outlet_two_feeds_same_url_is_one_story(
    server: FeedServer, tmp_path: Path
) -> None:
    item = ("https://www.bbc.com/news/articles/x1", "Same story", "in two sections")
    world = rss([("guid-world-1", item[1], item[2])]).replace(
        b"https://news.example/guid-world-1", item[0].encode() + b"?at_medium=RSS"
    )
    europe = rss([("guid-europe-9", item[1], item[2])]).replace(
        b"https://news.example/guid-europe-9", item[0].encode() + b"#comments"
    )
    server.put("/world.xml", world)
    server.put("/europe.xml", europe)
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text(
        "fetch:\n  allow: [127.0.0.0/8]\noutlets:\n  - id: bbc\n    name: BBC News\n"
        f"feeds:\n  - id: world\n    url: {server.url('/world.xml')}\n    outlet: bbc\n"
        f"  - id: europe\n    url: {server.url('/europe.xml')}\n    outlet: bbc\n"
    )
    async with await open_pipeline(tmp_path, feeds) as p:
        await p.poller.poll_once()
        stories = await p.store.latest(10)
        assert len(stories) == 1 and stories[0].url == item[0]


async def test_successive_real_captures_give_each_item_one_story(
    server: FeedServer, tmp_path: Path
) -> None:
    """Two real captures of FZ.se's feed, five years apart, polled in turn and again."""
    captures = [(FEEDS / name).read_bytes() for name in ("fz_2017.xml", "fz_2022.xml")]
    from bot.ingest.parse import parse_feed

    distinct = set()
    for body in captures:
        distinct |= {e.canonical_url for e in parse_feed(body, "https://www.fz.se/").entries}
    feeds = feeds_yaml(tmp_path, {"fz": server.url("/fz.xml")})
    async with await open_pipeline(tmp_path, feeds) as p:
        for body in [*captures, *captures, captures[1]]:
            server.put("/fz.xml", body)
            await p.poller.poll_once()
        stories = await p.store.latest(1000)
        assert len(stories) == len(distinct) == 70
        assert len({s.url for s in stories}) == len(stories)
        assert all(s.revision == 0 for s in stories)


async def test_duplicate_guids_in_one_feed_do_not_merge_stories(
    server: FeedServer, tmp_path: Path
) -> None:
    server.put("/dupes.xml", (FEEDS / "guid_dupes.xml").read_bytes())
    server.put("/dm.xml", (FEEDS / "dailymail_dupes.xml").read_bytes())
    feeds = feeds_yaml(tmp_path, {"dupes": server.url("/dupes.xml"), "dm": server.url("/dm.xml")})
    async with await open_pipeline(tmp_path, feeds) as p:
        await p.poller.poll_once()
        first = len(await p.store.latest(100))
        await p.poller.poll_once()
        server.put("/dupes.xml", (FEEDS / "guid_dupes.xml").read_bytes() + b"\n")
        await p.poller.poll_once()
        assert len(await p.store.latest(100)) == first >= 2


# ------------------------------------------------------------------ guards, failing alone


async def test_loopback_is_refused_without_the_allow_list(
    server: FeedServer, tmp_path: Path
) -> None:
    server.put("/a.xml", rss([("a1", "A", "a")]))
    feeds = feeds_yaml(tmp_path, {"a": server.url("/a.xml")}, allow=False)
    os.environ.pop("NEWSBOT_FETCH_ALLOW", None)
    async with await open_pipeline(tmp_path, feeds) as p:
        summary = await p.poller.poll_once()
    assert summary.failed == 1 and "loopback" in summary.errors["a"]
    assert server.requests["/a.xml"] == 0  # refused before any request reached it


async def test_redirect_to_metadata_address_is_refused(server: FeedServer, tmp_path: Path) -> None:
    server.put(
        "/go.xml",
        b"",
        status=302,
        use_etag=False,
        headers={"Location": "http://169.254.169.254/latest/meta-data/"},
    )
    feeds = feeds_yaml(tmp_path, {"go": server.url("/go.xml")})
    async with await open_pipeline(tmp_path, feeds) as p:
        summary = await p.poller.poll_once()
    assert summary.failed == 1 and "link-local" in summary.errors["go"]


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A server that accepts connections and never answers."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        sock.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(sock.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield sock.getsockname()[1]
    stop.set()
    thread.join(2)
    for conn in accepted:
        conn.close()
    sock.close()


async def test_hostile_feeds_fail_alone_in_bounded_time(
    server: FeedServer, tmp_path: Path, silent_port: int
) -> None:
    server.put("/good.xml", (FEEDS / "npr_world.xml").read_bytes())
    server.put(
        "/entity.xml",
        b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY big "'
        + b"x" * 1000
        + b'">]><rss version="2.0"><channel><title>&big;&big;</title>'
        b"</channel></rss>",
    )
    server.put("/huge.xml", b"<rss>" + b" " * (50 * 1024 * 1024) + b"</rss>")
    feeds = feeds_yaml(
        tmp_path,
        {
            "good": server.url("/good.xml"),
            "entity": server.url("/entity.xml"),
            "huge": server.url("/huge.xml"),
            "silent": f"http://127.0.0.1:{silent_port}/feed.xml",
        },
    )
    limits = FetchLimits(
        timeout_total=3.0, connect_timeout=2.0, read_timeout=2.0, max_bytes=5 * 1024 * 1024
    )
    started = time.monotonic()
    async with await open_pipeline(tmp_path, feeds, limits=limits) as p:
        summary = await asyncio.wait_for(p.poller.poll_once(), timeout=30)
        assert summary.ok == 1 and summary.failed == 3
        assert "entit" in summary.errors["entity"].lower()
        assert "large" in summary.errors["huge"].lower() or "cap" in summary.errors["huge"]
        assert "timed out" in summary.errors["silent"]
        assert len(await p.store.latest(100)) == 10  # the good feed's items all stored
    assert time.monotonic() - started < 20


async def test_whole_corpus_served_locally_fails_only_feed_by_feed(
    server: FeedServer, tmp_path: Path
) -> None:
    """Every test copy (and the shared corpus when present) through the real pipeline."""
    from tests.ingest.test_parse import corpus

    urls = {}
    for index, path in enumerate(corpus()):
        route = f"/c{index}{''.join(path.suffixes)}"
        server.put(route, path.read_bytes(), content_type="application/xml")
        urls[f"c{index}"] = server.url(route)
    feeds = feeds_yaml(tmp_path, urls)
    async with await Pipeline.open(str(tmp_path / "news.db"), str(feeds)) as p:  # process pool
        summary = await p.poller.poll_once()
        assert summary.ok + summary.failed == len(urls)
        assert summary.ok > len(urls) // 2
        for feed_id, error in summary.errors.items():
            assert (error and urls[feed_id].split("/")[-1] in error) or "http://127.0.0.1" in error
        assert (await p.store.stats())["stories"] > 0


async def test_store_refuses_a_newer_schema(tmp_path: Path) -> None:
    import sqlite3

    db = tmp_path / "future.db"
    con = sqlite3.connect(db)
    con.execute("PRAGMA user_version = 999")
    con.close()
    from bot.errors import StoreError

    with pytest.raises(StoreError, match="newer than this newsbot"):
        await Store.open(db)
