"""newsbot's event loop: uvloop where it is installed, asyncio's otherwise (bot.app.run).

Real parts: a feed server on 127.0.0.1, the real Pipeline with its forkserver worker pool
(parse and context in worker processes), a real SQLite file, polled under `bot.app.run`.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest
import uvloop

from bot.app import Pipeline, loop_factory, run
from tests.fakes.feed_server import FeedServer


def _rss(items: list[tuple[str, str]]) -> bytes:
    body = "".join(
        f"<item><guid isPermaLink='false'>{g}</guid><title>{t}</title>"
        f"<link>https://news.example/{g}</link><description>{t}, officials said.</description>"
        "<pubDate>Mon, 03 Jun 2019 10:00:00 +0000</pubDate></item>"
        for g, t in items
    )
    return (
        "<?xml version='1.0'?><rss version='2.0'><channel><title>T</title>"
        f"<link>https://news.example/</link>{body}</channel></rss>"
    ).encode()


def test_uvloop_is_chosen_when_importable_and_asyncio_otherwise(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("NEWSBOT_LOOP", raising=False)
    assert loop_factory() is uvloop.new_event_loop
    monkeypatch.setenv("NEWSBOT_LOOP", "asyncio")
    assert loop_factory() is asyncio.new_event_loop
    monkeypatch.delenv("NEWSBOT_LOOP")
    monkeypatch.setitem(sys.modules, "uvloop", None)  # `import uvloop` fails, as on Windows
    assert loop_factory() is asyncio.new_event_loop

    async def which() -> str:
        return type(asyncio.get_running_loop()).__module__

    assert run(which()).startswith("asyncio")


def test_a_poll_with_the_worker_pool_runs_under_uvloop(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NEWSBOT_LOOP", raising=False)
    with FeedServer() as server:
        server.put("/a.xml", _rss([("a1", "Storm closes port"), ("a2", "Minister resigns")]))
        feeds = tmp_path / "feeds.yaml"
        feeds.write_text(
            f"fetch:\n  allow: [127.0.0.0/8]\nfeeds:\n  - id: a\n    url: {server.url('/a.xml')}\n"
        )

        async def polls() -> tuple[type, list[tuple[int, int, int]], list[str]]:
            loop = type(asyncio.get_running_loop())
            async with await Pipeline.open(str(tmp_path / "news.db"), str(feeds)) as p:
                assert p.pool is not None  # the forkserver pool, started from this loop
                counts = []
                first = await p.poller.poll_once()
                counts.append((first.ok, first.seen_first_poll, first.new_stories))
                later = [("a3", "Port reopens"), ("a1", "Storm closes port")]
                later.append(("a2", "Minister resigns"))
                server.put("/a.xml", _rss(later))
                second = await p.poller.poll_once()
                counts.append((second.ok, second.seen_first_poll, second.new_stories))
                third = await p.poller.poll_once()
                counts.append((third.not_modified, third.failed, third.new_stories))
                waiting = await p.store.unlinked_stories(10)
                titles = sorted(s.title for s in await p.store.latest(10))
                assert not waiting  # poll_once ended with its stories linked
            return loop, counts, titles

        loop, counts, titles = run(polls())
    assert issubclass(loop, uvloop.Loop)
    assert counts == [(1, 2, 0), (1, 0, 1), (1, 0, 0)]
    assert titles == ["Minister resigns", "Port reopens", "Storm closes port"]
