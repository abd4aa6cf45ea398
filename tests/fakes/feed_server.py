"""A real HTTP feed server on 127.0.0.1 for tests: serves bytes per path, honours validators.

Runs its own event loop in a thread, so both async tests and `newsbot` subprocesses can use
it. Each path can be changed between polls; the server counts requests and 304s.
"""

from __future__ import annotations

import asyncio
import hashlib
import threading
from collections import Counter
from dataclasses import dataclass, field

from aiohttp import web


@dataclass
class Served:
    body: bytes
    content_type: str = "application/rss+xml; charset=utf-8"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    use_etag: bool = True
    delay: float = 0.0  # seconds before answering (a slow server; bounded by the test)


class FeedServer:
    """`with FeedServer() as s: s.put("/a.xml", b"..."); url = s.url("/a.xml")`."""

    def __init__(self) -> None:
        self.routes: dict[str, Served] = {}
        self.requests: Counter[str] = Counter()
        self.not_modified: Counter[str] = Counter()
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._runner: web.AppRunner | None = None

    def put(self, path: str, body: bytes, **kwargs: object) -> None:
        self.routes[path] = Served(body, **kwargs)  # type: ignore[arg-type]

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        path = request.path_qs
        self.requests[path] += 1
        served = self.routes.get(path) or self.routes.get(request.path)
        if served is None:
            return web.Response(status=404, text="not found")
        if served.delay:
            await asyncio.sleep(served.delay)
        headers = dict(served.headers)
        if served.status == 200 and served.use_etag:
            etag = '"' + hashlib.sha1(served.body).hexdigest()[:16] + '"'
            headers["ETag"] = etag
            if request.headers.get("If-None-Match") == etag:
                self.not_modified[path] += 1
                return web.Response(status=304, headers=headers)
        headers["Content-Type"] = served.content_type
        return web.Response(status=served.status, body=served.body, headers=headers)

    async def _start(self) -> None:
        app = web.Application()
        app.router.add_route("GET", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]

    def __enter__(self) -> FeedServer:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(10)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._runner is not None:
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
