"""`newsbot demo`: the whole pipeline, offline, in a few seconds.

Serves the bundled sample feeds (bot/data/demo) on a local port, runs the real pipeline —
guarded fetch, feedparser, dedup, context, fan-out, the console sender — built by the
composition root (`bot.app`) on a temporary database, and prints what a subscriber sees:
the alerts, the answer to `/lookup Rostec`, and the follow-up sent when Radio Habana Cuba's
denial arrives after the Wall Street Journal report it denies.
"""

from __future__ import annotations

import re
import sys
import tempfile
import time
from importlib import resources
from pathlib import Path
from typing import TextIO

from aiohttp import web

from bot.alerts.outbox import Dispatcher
from bot.alerts.ratelimit import Limiter
from bot.app import Pipeline
from bot.platforms.console import ConsoleSink
from bot.runner import UNLIMITED
from bot.settings import Settings

FEEDS = ("wsj", "npr", "washingtonpost", "bbc", "radiohc")
OUTLETS = {
    "wsj": "wsj",
    "npr": "npr",
    "washingtonpost": "washington-post",
    "bbc": "bbc",
    "radiohc": "radiohc",
}


class SampleServer:
    """Serves one body per feed on 127.0.0.1; a feed starts empty (its first poll records)."""

    def __init__(self) -> None:
        self.bodies: dict[str, bytes] = {}
        self._runner: web.AppRunner | None = None
        self.port = 0

    @staticmethod
    def sample(name: str) -> bytes:
        return (resources.files("bot") / "data" / "demo" / f"{name}.xml").read_bytes()

    def serve(self, name: str, *, empty: bool = False) -> None:
        body = self.sample(name)
        self.bodies[name] = re.sub(rb"<item\b.*</item>", b"", body, flags=re.S) if empty else body

    async def _handle(self, request: web.Request) -> web.Response:
        body = self.bodies.get(request.match_info["name"])
        if body is None:
            return web.Response(status=404)
        return web.Response(body=body, content_type="application/rss+xml")

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/{name}.xml", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()


def _feeds_file(folder: Path, port: int) -> Path:
    lines = ["fetch:", "  allow: [127.0.0.0/8]", "feeds:"]
    for name in FEEDS:
        lines += [
            f"  - id: {name}",
            f"    url: http://127.0.0.1:{port}/{name}.xml",
            f"    outlet: {OUTLETS[name]}",
        ]
    lines += [
        "subscriptions:",
        "  - platform: console",
        "    chat: you",
        "  - platform: console",
        "    chat: wsj-readers",
        "    feeds: [wsj]",
    ]
    path = folder / "feeds.yaml"
    path.write_text("\n".join(line for line in lines if line) + "\n")
    return path


def _heading(out: TextIO, text: str) -> None:
    print(f"\n{'=' * 78}\n{text}\n{'=' * 78}\n", file=out, flush=True)


async def run_demo(out: TextIO | None = None) -> int:
    from handlers.commands import Caller, Commands
    from handlers.console_reply import render_text

    out = out or sys.stdout
    started = time.perf_counter()
    server = SampleServer()
    await server.start()
    try:
        with tempfile.TemporaryDirectory(prefix="newsbot-demo-") as tmp:
            folder = Path(tmp)
            for name in FEEDS:
                server.serve(name, empty=True)
            feeds = _feeds_file(folder, server.port)
            settings = Settings(db=str(folder / "demo.db"), feeds=str(feeds))
            async with await Pipeline.build(settings, use_pool=False) as pipeline:
                sink = ConsoleSink(out)
                dispatcher = Dispatcher(pipeline.store, sink, Limiter(UNLIMITED))
                print(
                    "newsbot demo: sample feeds served on 127.0.0.1, a temporary database, "
                    "two console subscribers:\n  'you' (everything) and 'wsj-readers' (the "
                    "Wall Street Journal feed only).",
                    file=out,
                )
                await pipeline.poller.poll_once()  # first poll: feeds known, nothing alerted

                _heading(out, "1. New stories arrive: the alerts, as subscribers see them")
                for name in ("wsj", "npr", "washingtonpost", "bbc"):
                    server.serve(name)
                await pipeline.poller.poll_once()
                await dispatcher.drain()

                _heading(out, "2. Radio Habana Cuba's story arrives; someone asks /lookup Rostec")
                server.serve("radiohc")
                await pipeline.poller.poll_once()
                commands = Commands(pipeline.store, pipeline.registry, None)
                reply = await commands.handle(
                    Caller("console", "you", user="demo"), "lookup", "Rostec"
                )
                print("/lookup Rostec\n", file=out)
                print(render_text(reply), file=out)

                _heading(out, "3. The denial, sent to the chats that got the report")
                await dispatcher.drain()
                stats = await pipeline.store.stats()
        print(
            f"\nDone in {time.perf_counter() - started:.1f} s: {stats['stories']} stories, "
            f"{stats['denials']} detected as denials, {stats['denial_links']} linked to the "
            f"report they deny, {sink.count} messages sent. "
            "Sample data: bot/data/demo/PROVENANCE.md.",
            file=out,
        )
    finally:
        await server.stop()
    return 0
