"""Real local servers for the ingest tests: one aiohttp.web app with every scenario, plus a raw
TCP server that accepts connections and never answers. Everything listens on 127.0.0.1:0, every
server-side loop is bounded, and teardown wakes and stops whatever is still waiting."""

from __future__ import annotations

import asyncio
import gzip
import os
import zlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import web
from aiohttp.typedefs import Handler

os.environ["NO_PROXY"] = "127.0.0.1,localhost"
os.environ["no_proxy"] = "127.0.0.1,localhost"

FEED = (
    b'<?xml version="1.0" encoding="utf-8"?>\n'
    b'<rss version="2.0"><channel><title>Local</title><link>http://127.0.0.1/</link>'
    b"<item><title>One</title><guid>one</guid></item></channel></rss>\n"
)
ETAG = '"v1"'
LAST_MODIFIED = "Wed, 21 Oct 2015 07:28:00 GMT"

ENTITY_FEED_TEXT = (
    '<?xml version="1.0"?>\n<!DOCTYPE rss [\n<!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaa">\n]>\n'
    '<rss version="2.0"><channel><title>&a;&a;&a;&a;</title></channel></rss>\n'
)

MB = 1024 * 1024
HUGE_SIZE = 50 * MB
STREAM_CHUNK = b"x" * (64 * 1024)


def _gzip_of_zeros(size: int) -> bytes:
    """A gzip member holding `size` zero bytes, built without holding them in memory."""
    comp = zlib.compressobj(9, zlib.DEFLATED, 31)  # wbits 31 → gzip container
    block = bytes(MB)
    parts = [comp.compress(block) for _ in range(size // MB)]
    parts.append(comp.flush())
    return b"".join(parts)


GZIP_BOMB = _gzip_of_zeros(HUGE_SIZE)  # ~50 KB on the wire, 50 MB inflated


@dataclass
class LocalServer:
    """A running aiohttp app on 127.0.0.1 and what it saw."""

    port: int
    requests: list[str] = field(default_factory=list)
    in_flight: int = 0
    max_in_flight: int = 0
    bytes_streamed: int = 0
    stop: asyncio.Event = field(default_factory=asyncio.Event)

    def url(self, path: str = "/", host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"


def _build_app(state: dict[str, LocalServer]) -> web.Application:
    def server() -> LocalServer:
        return state["server"]

    @web.middleware
    async def record(request: web.Request, handler: Handler) -> web.StreamResponse:
        server().requests.append(request.path_qs)
        return await handler(request)

    app = web.Application(middlewares=[record])
    routes = web.RouteTableDef()

    @routes.get("/feed")
    async def feed(request: web.Request) -> web.StreamResponse:
        headers = {"ETag": ETAG, "Last-Modified": LAST_MODIFIED, "Cache-Control": "max-age=300"}
        if request.headers.get("If-None-Match") == ETAG:
            return web.Response(status=304, headers=headers)
        return web.Response(body=FEED, content_type="application/rss+xml", headers=headers)

    @routes.get("/etag-only")
    async def etag_only(request: web.Request) -> web.StreamResponse:
        if request.headers.get("If-None-Match") == ETAG:
            return web.Response(status=304, headers={"ETag": ETAG})
        return web.Response(body=FEED, content_type="application/rss+xml", headers={"ETag": ETAG})

    @routes.get("/lm-only")
    async def lm_only(request: web.Request) -> web.StreamResponse:
        if request.headers.get("If-Modified-Since") == LAST_MODIFIED:
            return web.Response(status=304)
        return web.Response(
            body=FEED, content_type="application/rss+xml", headers={"Last-Modified": LAST_MODIFIED}
        )

    @routes.get("/plain")
    async def plain(request: web.Request) -> web.StreamResponse:
        return web.Response(body=FEED, content_type="application/rss+xml")

    @routes.get("/gzip")
    async def gzipped(request: web.Request) -> web.StreamResponse:
        return web.Response(
            body=gzip.compress(FEED),
            headers={"Content-Type": "application/rss+xml", "Content-Encoding": "gzip"},
        )

    @routes.get("/deflate")
    async def deflated(request: web.Request) -> web.StreamResponse:
        return web.Response(
            body=zlib.compress(FEED),
            headers={"Content-Type": "application/rss+xml", "Content-Encoding": "deflate"},
        )

    @routes.get("/bomb")
    async def bomb(request: web.Request) -> web.StreamResponse:
        return web.Response(
            body=GZIP_BOMB,
            headers={"Content-Type": "application/rss+xml", "Content-Encoding": "gzip"},
        )

    @routes.get("/huge")
    async def huge(request: web.Request) -> web.StreamResponse:
        resp = web.StreamResponse(headers={"Content-Type": "application/rss+xml"})
        resp.enable_chunked_encoding()
        await resp.prepare(request)
        try:
            for _ in range(HUGE_SIZE // len(STREAM_CHUNK)):  # bounded: 800 chunks
                await resp.write(STREAM_CHUNK)
                server().bytes_streamed += len(STREAM_CHUNK)
            await resp.write_eof()
        except (ConnectionError, RuntimeError):
            pass  # the client hung up, as it should
        return resp

    @routes.get("/big-length")
    async def big_length(request: web.Request) -> web.StreamResponse:
        resp = web.StreamResponse(headers={"Content-Type": "application/rss+xml"})
        resp.content_length = 100 * MB
        await resp.prepare(request)
        try:
            await resp.write(b"<rss>")
            await asyncio.wait_for(server().stop.wait(), timeout=10)
        except (ConnectionError, RuntimeError, TimeoutError):
            pass
        return resp

    @routes.get("/trickle")
    async def trickle(request: web.Request) -> web.StreamResponse:
        """Headers at once, then one byte every 50 ms: never idle, never finished (in 15 s)."""
        resp = web.StreamResponse(headers={"Content-Type": "application/rss+xml"})
        resp.enable_chunked_encoding()
        await resp.prepare(request)
        try:
            for _ in range(300):
                await resp.write(b" ")
                await asyncio.sleep(0.05)
        except (ConnectionError, RuntimeError):
            pass
        return resp

    @routes.get("/stall-body")
    async def stall_body(request: web.Request) -> web.StreamResponse:
        resp = web.StreamResponse(headers={"Content-Type": "application/rss+xml"})
        resp.enable_chunked_encoding()
        await resp.prepare(request)
        try:
            await resp.write(b"<rss>")
            await asyncio.wait_for(server().stop.wait(), timeout=10)
        except (ConnectionError, RuntimeError, TimeoutError):
            pass
        return resp

    @routes.get("/redirect/{n}")
    async def redirect(request: web.Request) -> web.StreamResponse:
        n = int(request.match_info["n"])
        target = "/feed" if n <= 0 else f"/redirect/{n - 1}"
        status = (301, 302, 303, 307, 308)[n % 5]
        return web.Response(status=status, headers={"Location": target})

    @routes.get("/absolute-redirect")
    async def absolute_redirect(request: web.Request) -> web.StreamResponse:
        raise web.HTTPFound(server().url("/feed"))

    @routes.get("/loop")
    async def loop(request: web.Request) -> web.StreamResponse:
        raise web.HTTPFound("/loop")

    @routes.get("/ping")
    async def ping(request: web.Request) -> web.StreamResponse:
        raise web.HTTPFound("/pong")

    @routes.get("/pong")
    async def pong(request: web.Request) -> web.StreamResponse:
        raise web.HTTPFound("/ping")

    @routes.get("/no-location")
    async def no_location(request: web.Request) -> web.StreamResponse:
        return web.Response(status=302)

    @routes.get("/to-metadata")
    async def to_metadata(request: web.Request) -> web.StreamResponse:
        raise web.HTTPFound("http://169.254.169.254/latest/meta-data")

    @routes.get("/to-localhost")
    async def to_localhost(request: web.Request) -> web.StreamResponse:
        raise web.HTTPFound(f"http://localhost:{server().port}/feed")

    @routes.get("/to-file")
    async def to_file(request: web.Request) -> web.StreamResponse:
        raise web.HTTPFound("file:///etc/passwd")

    @routes.get("/entity-ascii")
    async def entity_ascii(request: web.Request) -> web.StreamResponse:
        return web.Response(body=ENTITY_FEED_TEXT.encode("ascii"), content_type="text/xml")

    @routes.get("/entity-utf16")
    async def entity_utf16(request: web.Request) -> web.StreamResponse:
        body = ENTITY_FEED_TEXT.replace('version="1.0"?', 'version="1.0" encoding="utf-16"?')
        return web.Response(body=body.encode("utf-16"), content_type="text/xml")

    @routes.get("/status/{code}")
    async def status(request: web.Request) -> web.StreamResponse:
        code = int(request.match_info["code"])
        return web.Response(status=code, text=f"status {code}\n")

    @routes.get("/retry")
    async def retry(request: web.Request) -> web.StreamResponse:
        return web.Response(status=429, headers={"Retry-After": "120"}, text="slow down\n")

    @routes.get("/unavailable")
    async def unavailable(request: web.Request) -> web.StreamResponse:
        return web.Response(
            status=503, headers={"Retry-After": "Fri, 01 Jan 1999 00:00:00 GMT"}, text="down\n"
        )

    @routes.get("/slow")
    async def slow(request: web.Request) -> web.StreamResponse:
        s = server()
        s.in_flight += 1
        s.max_in_flight = max(s.max_in_flight, s.in_flight)
        try:
            await asyncio.sleep(0.15)
        finally:
            s.in_flight -= 1
        return web.Response(body=FEED, content_type="application/rss+xml")

    app.add_routes(routes)
    return app


@pytest.fixture
async def local_server() -> AsyncIterator[LocalServer]:
    """The scenario app on 127.0.0.1, on a free port."""
    state: dict[str, LocalServer] = {}
    app = _build_app(state)
    runner = web.AppRunner(app, shutdown_timeout=0.5, handler_cancellation=True, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host_port = runner.addresses[0]
    state["server"] = server = LocalServer(port=int(host_port[1]))
    try:
        yield server
    finally:
        server.stop.set()
        await runner.cleanup()


@dataclass
class SilentServer:
    """A TCP server that accepts, reads the request, and never answers."""

    port: int
    connections: int = 0
    stop: asyncio.Event = field(default_factory=asyncio.Event)

    def url(self, path: str = "/feed") -> str:
        return f"http://127.0.0.1:{self.port}{path}"


@pytest.fixture
async def silent_server() -> AsyncIterator[SilentServer]:
    state: dict[str, SilentServer] = {}
    tasks: set[asyncio.Task[Any]] = set()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        tasks.add(task)
        state["server"].connections += 1
        try:
            await reader.read(65536)
            await asyncio.wait_for(state["server"].stop.wait(), timeout=10)
        except (ConnectionError, TimeoutError):
            pass
        finally:
            writer.close()

    srv = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = srv.sockets[0].getsockname()[1]
    state["server"] = silent = SilentServer(port=port)
    try:
        yield silent
    finally:
        silent.stop.set()
        srv.close()
        if tasks:
            await asyncio.wait(tasks, timeout=2)
        await srv.wait_closed()
