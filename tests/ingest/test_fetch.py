"""bot.ingest.fetch against real HTTP servers on 127.0.0.1 (see conftest.py); nothing is mocked."""

from __future__ import annotations

import asyncio
import hashlib
import re
import socket
import time
import tracemalloc
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from aiohttp.abc import AbstractResolver, ResolveResult

from bot.errors import BlockedAddress, BodyTooLarge, FetchError, UnsafeFeed
from bot.ingest.fetch import (
    Fetcher,
    FetchLimits,
    HTTPStatusError,
    parse_max_age,
    parse_retry_after,
)
from bot.ingest.guard import parse_allow_list

from .conftest import ETAG, FEED, HUGE_SIZE, LAST_MODIFIED, MB, LocalServer, SilentServer

pytestmark = pytest.mark.timeout(20)

LOOPBACK = parse_allow_list("127.0.0.0/8")


@pytest.fixture
async def fetcher() -> AsyncIterator[Fetcher]:
    """A fetcher allowed to reach 127.0.0.0/8, with test-sized timeouts."""
    limits = FetchLimits(timeout_total=5.0, connect_timeout=2.0, read_timeout=2.0)
    async with Fetcher(allow=LOOPBACK, limits=limits) as f:
        yield f


@pytest.fixture
async def guarded() -> AsyncIterator[Fetcher]:
    """A production-like fetcher: no allow-list."""
    async with Fetcher(limits=FetchLimits(timeout_total=5.0, connect_timeout=2.0)) as f:
        yield f


class StaticResolver(AbstractResolver):
    """A DNS stand-in: fixed answers per name, counting lookups."""

    def __init__(self, answers: dict[str, list[str]]) -> None:
        self.answers = answers
        self.lookups: list[str] = []

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        self.lookups.append(host)
        if host not in self.answers:
            raise OSError(f"{host}: unknown name")
        return [
            ResolveResult(
                hostname=host,
                host=ip,
                port=port,
                family=socket.AF_INET6 if ":" in ip else socket.AF_INET,
                proto=0,
                flags=socket.AI_NUMERICHOST,
            )
            for ip in self.answers[host]
        ]

    async def close(self) -> None:
        pass


# --------------------------------------------------------------------------- basics


@pytest.mark.timeout(10)
async def test_200_then_304_with_etag(fetcher: Fetcher, local_server: LocalServer) -> None:
    url = local_server.url("/etag-only")
    first = await fetcher.fetch(url)
    assert first.status == 200
    assert first.body == FEED
    assert first.url == url
    assert first.etag == ETAG
    assert first.body_hash == hashlib.sha256(FEED).hexdigest()
    assert first.unchanged is False
    assert first.content_type == "application/rss+xml"
    assert first.elapsed >= 0

    second = await fetcher.fetch(url, etag=first.etag, previous_hash=first.body_hash)
    assert second.status == 304
    assert second.body is None
    assert second.unchanged is True
    assert second.etag == ETAG
    assert second.body_hash == first.body_hash


@pytest.mark.timeout(10)
async def test_200_then_304_with_last_modified(fetcher: Fetcher, local_server: LocalServer) -> None:
    url = local_server.url("/lm-only")
    first = await fetcher.fetch(url)
    assert first.status == 200 and first.last_modified == LAST_MODIFIED and first.etag is None
    second = await fetcher.fetch(url, last_modified=first.last_modified)
    assert second.status == 304 and second.body is None
    # the 304 did not repeat Last-Modified: the one we sent is kept for the caller to store
    assert second.last_modified == LAST_MODIFIED


@pytest.mark.timeout(10)
async def test_same_body_again_is_unchanged(fetcher: Fetcher, local_server: LocalServer) -> None:
    url = local_server.url("/plain")
    first = await fetcher.fetch(url)
    again = await fetcher.fetch(url, previous_hash=first.body_hash)
    assert again.status == 200 and again.unchanged is True and again.body == FEED
    other = await fetcher.fetch(url, previous_hash="0" * 64)
    assert other.unchanged is False


@pytest.mark.timeout(10)
async def test_cache_control_and_selected_headers(
    fetcher: Fetcher, local_server: LocalServer
) -> None:
    result = await fetcher.fetch(local_server.url("/feed"))
    assert result.cache_control_max_age == 300
    assert result.headers["ETag"] == ETAG
    assert result.headers["Cache-Control"] == "max-age=300"
    assert result.retry_after is None


@pytest.mark.timeout(10)
@pytest.mark.parametrize("path", ["/gzip", "/deflate"])
async def test_compressed_bodies_are_decoded(
    fetcher: Fetcher, local_server: LocalServer, path: str
) -> None:
    result = await fetcher.fetch(local_server.url(path))
    assert result.body == FEED
    assert result.body_hash == hashlib.sha256(FEED).hexdigest()


# --------------------------------------------------------------------------- size caps


@pytest.mark.timeout(15)
async def test_gzip_bomb_is_refused_by_decompressed_size(
    fetcher: Fetcher, local_server: LocalServer
) -> None:
    tracemalloc.start()
    try:
        with pytest.raises(BodyTooLarge, match="after decompression") as info:
            await fetcher.fetch(local_server.url("/bomb"))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert local_server.url("/bomb") in str(info.value)
    cap = fetcher.limits.max_bytes
    assert peak < 3 * cap, f"peak {peak / MB:.1f} MB while inflating a 50 MB bomb"


@pytest.mark.timeout(15)
async def test_endless_body_fails_fast_without_ballooning(
    fetcher: Fetcher, local_server: LocalServer
) -> None:
    cap = fetcher.limits.max_bytes  # default 10 MB; the server streams 50 MB, chunked
    tracemalloc.start()
    started = time.monotonic()
    try:
        with pytest.raises(BodyTooLarge, match=f"cap of {cap} bytes"):
            await fetcher.fetch(local_server.url("/huge"))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert time.monotonic() - started < 10
    assert peak < 3 * cap, f"peak {peak / MB:.1f} MB for a {cap / MB:.0f} MB cap"
    await asyncio.sleep(0.1)  # let the server notice the hang-up
    assert local_server.bytes_streamed < HUGE_SIZE


@pytest.mark.timeout(10)
async def test_small_cap_applies(local_server: LocalServer) -> None:
    limits = FetchLimits(max_bytes=100, timeout_total=5)
    async with Fetcher(allow=LOOPBACK, limits=limits) as f:
        with pytest.raises(BodyTooLarge):
            await f.fetch(local_server.url("/plain"))  # FEED is ~200 bytes, no trick needed


@pytest.mark.timeout(10)
async def test_content_length_over_cap_is_refused_up_front(
    fetcher: Fetcher, local_server: LocalServer
) -> None:
    started = time.monotonic()
    with pytest.raises(BodyTooLarge, match="Content-Length 104857600"):
        await fetcher.fetch(local_server.url("/big-length"))
    # the server never sends the body: only refusing on the header can be this quick
    assert time.monotonic() - started < 1.5


# --------------------------------------------------------------------------- timeouts


@pytest.mark.timeout(10)
async def test_server_that_never_answers_times_out(silent_server: SilentServer) -> None:
    limits = FetchLimits(timeout_total=5.0, connect_timeout=1.0, read_timeout=0.5)
    async with Fetcher(allow=LOOPBACK, limits=limits) as f:
        started = time.monotonic()
        with pytest.raises(FetchError, match=r"timed out after 0\.5 s") as info:
            await f.fetch(silent_server.url())
        took = time.monotonic() - started
    assert 0.4 < took < 2.0
    assert silent_server.url() in str(info.value)
    assert silent_server.connections == 1


@pytest.mark.timeout(10)
async def test_body_that_stalls_times_out(local_server: LocalServer) -> None:
    limits = FetchLimits(timeout_total=5.0, read_timeout=0.5)
    async with Fetcher(allow=LOOPBACK, limits=limits) as f:
        started = time.monotonic()
        with pytest.raises(FetchError, match=r"timed out after 0\.5 s"):
            await f.fetch(local_server.url("/stall-body"))
    assert time.monotonic() - started < 2.0


@pytest.mark.timeout(10)
async def test_trickling_body_hits_the_total_timeout(local_server: LocalServer) -> None:
    # a byte every 50 ms never trips the 2 s read timeout; the 1 s total budget must
    limits = FetchLimits(timeout_total=1.0, read_timeout=2.0)
    async with Fetcher(allow=LOOPBACK, limits=limits) as f:
        started = time.monotonic()
        with pytest.raises(FetchError, match=r"timed out after 1 s \(total\)"):
            await f.fetch(local_server.url("/trickle"))
    assert time.monotonic() - started < 2.5


@pytest.mark.timeout(10)
async def test_connection_refused_is_a_fetch_error(fetcher: Fetcher) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(FetchError, match="cannot connect"):
        await fetcher.fetch(f"http://127.0.0.1:{port}/feed")


# --------------------------------------------------------------------------- redirects


@pytest.mark.timeout(10)
async def test_redirect_chain_within_cap(fetcher: Fetcher, local_server: LocalServer) -> None:
    # /redirect/4 → 3 → 2 → 1 → 0 → /feed: five hops (301, 302, 303, 307, 308), cap is 5
    result = await fetcher.fetch(local_server.url("/redirect/4"))
    assert result.status == 200 and result.body == FEED
    assert result.url == local_server.url("/feed")
    assert local_server.requests[-1] == "/feed"
    assert len(local_server.requests) == 6


@pytest.mark.timeout(10)
async def test_absolute_redirect(fetcher: Fetcher, local_server: LocalServer) -> None:
    result = await fetcher.fetch(local_server.url("/absolute-redirect"))
    assert result.url == local_server.url("/feed")


@pytest.mark.timeout(10)
async def test_redirect_chain_over_cap(fetcher: Fetcher, local_server: LocalServer) -> None:
    url = local_server.url("/redirect/5")  # six hops
    with pytest.raises(FetchError, match="too many redirects") as info:
        await fetcher.fetch(url)
    assert url in str(info.value)
    assert "/feed" not in local_server.requests


@pytest.mark.timeout(10)
@pytest.mark.parametrize("path", ["/loop", "/ping"])
async def test_redirect_loop(fetcher: Fetcher, local_server: LocalServer, path: str) -> None:
    with pytest.raises(FetchError, match="redirect loop"):
        await fetcher.fetch(local_server.url(path))
    assert len(local_server.requests) <= 2


@pytest.mark.timeout(10)
async def test_redirect_without_location(fetcher: Fetcher, local_server: LocalServer) -> None:
    with pytest.raises(FetchError, match="without a Location"):
        await fetcher.fetch(local_server.url("/no-location"))


@pytest.mark.timeout(10)
async def test_zero_redirects_allowed(local_server: LocalServer) -> None:
    async with Fetcher(allow=LOOPBACK, limits=FetchLimits(max_redirects=0)) as f:
        with pytest.raises(FetchError, match="too many redirects"):
            await f.fetch(local_server.url("/redirect/0"))


# --------------------------------------------------------------------------- SSRF guard


@pytest.mark.timeout(10)
async def test_loopback_refused_before_any_request(
    guarded: Fetcher, local_server: LocalServer, silent_server: SilentServer
) -> None:
    with pytest.raises(BlockedAddress, match="loopback") as info:
        await guarded.fetch(local_server.url("/feed"))
    assert local_server.url("/feed") in str(info.value)
    assert local_server.requests == []
    # not even a TCP connection is made
    with pytest.raises(BlockedAddress):
        await guarded.fetch(silent_server.url())
    assert silent_server.connections == 0


@pytest.mark.timeout(10)
async def test_loopback_allowed_by_allow_list(fetcher: Fetcher, local_server: LocalServer) -> None:
    result = await fetcher.fetch(local_server.url("/feed"))
    assert result.status == 200
    assert local_server.requests == ["/feed"]


@pytest.mark.timeout(10)
async def test_redirect_to_metadata_service_is_refused(
    fetcher: Fetcher, local_server: LocalServer
) -> None:
    with pytest.raises(BlockedAddress, match="link-local") as info:
        await fetcher.fetch(local_server.url("/to-metadata"))
    message = str(info.value)
    assert "169.254.169.254" in message
    assert local_server.url("/to-metadata") in message  # says where the redirect came from


@pytest.mark.timeout(10)
async def test_redirect_to_file_scheme_is_refused(
    fetcher: Fetcher, local_server: LocalServer
) -> None:
    with pytest.raises(BlockedAddress, match="not allowed"):
        await fetcher.fetch(local_server.url("/to-file"))


@pytest.mark.timeout(10)
async def test_localhost_name_is_refused_without_allow_list(
    guarded: Fetcher, local_server: LocalServer
) -> None:
    url = local_server.url("/feed", host="localhost")
    with pytest.raises(BlockedAddress, match="loopback") as info:
        await guarded.fetch(url)
    assert "localhost" in str(info.value)
    assert local_server.requests == []


@pytest.mark.timeout(10)
async def test_redirect_to_localhost_checks_every_resolved_address(
    local_server: LocalServer,
) -> None:
    # 127.0.0.0/8 is allowed but ::1 is not: a name resolving to both is refused
    async with Fetcher(
        allow=LOOPBACK, resolver=StaticResolver({"localhost": ["127.0.0.1", "::1"]})
    ) as f:
        with pytest.raises(BlockedAddress, match="::1"):
            await f.fetch(local_server.url("/to-localhost"))
    assert local_server.requests == ["/to-localhost"]


@pytest.mark.timeout(10)
async def test_guard_checks_the_addresses_the_connection_uses(local_server: LocalServer) -> None:
    """The resolver the connector uses is the one that is checked: whatever a name resolves to
    at connect time is what gets judged, so a rebinding answer cannot slip through."""
    rebinding = StaticResolver({"feed.example": ["127.0.0.1"]})
    async with Fetcher(resolver=rebinding) as f:
        with pytest.raises(BlockedAddress, match=r"feed\.example resolves to 127\.0\.0\.1"):
            await f.fetch(local_server.url("/feed", host="feed.example"))
    assert rebinding.lookups == ["feed.example"]
    assert local_server.requests == []

    # one public and one private answer: refused as a whole
    mixed = StaticResolver({"feed.example": ["93.184.216.34", "10.0.0.7"]})
    async with Fetcher(resolver=mixed) as f:
        with pytest.raises(BlockedAddress, match="private"):
            await f.fetch("http://feed.example/feed")

    # and with the allow-list, the connection goes to exactly the resolved address
    async with Fetcher(allow=LOOPBACK, resolver=rebinding) as f:
        result = await f.fetch(local_server.url("/feed", host="feed.example"))
    assert result.status == 200 and local_server.requests == ["/feed"]


@pytest.mark.timeout(10)
@pytest.mark.parametrize(
    "host",
    ["[::ffff:127.0.0.1]", "[::1]", "2130706433", "127.1", "0x7f.0.0.1", "0.0.0.0", "[::]"],
)
async def test_ip_literal_variants_are_refused(
    guarded: Fetcher, local_server: LocalServer, host: str
) -> None:
    with pytest.raises(BlockedAddress):
        await guarded.fetch(f"http://{host}:{local_server.port}/feed")
    assert local_server.requests == []


@pytest.mark.timeout(10)
async def test_a_literal_host_is_refused_every_time_and_named_for_each_url(
    guarded: Fetcher, local_server: LocalServer
) -> None:
    # the literal-address verdict is remembered per host: it must still refuse, per URL
    for path in ("/feed", "/other", "/feed"):
        url = f"http://[::1]:{local_server.port}{path}"
        with pytest.raises(BlockedAddress, match=re.escape(url) + r": address ::1 is forbidden"):
            await guarded.fetch(url)
    assert local_server.requests == []


async def test_a_remembered_allowed_literal_host_keeps_fetching(
    local_server: LocalServer,
) -> None:
    async with Fetcher(allow=LOOPBACK) as f:
        first = await f.fetch(local_server.url("/feed"))
        second = await f.fetch(local_server.url("/feed"))
    assert (first.status, second.status) == (200, 200)
    assert local_server.requests == ["/feed", "/feed"]


@pytest.mark.timeout(10)
@pytest.mark.parametrize(
    "url",
    ["file:///etc/passwd", "ftp://127.0.0.1/feed.xml", "gopher://127.0.0.1:70/", "feed.xml"],
)
async def test_non_http_schemes_are_refused(fetcher: Fetcher, url: str) -> None:
    with pytest.raises(BlockedAddress, match="not allowed"):
        await fetcher.fetch(url)


@pytest.mark.timeout(10)
@pytest.mark.parametrize(
    "url",
    ["http://", "http://[::1", "http://exa mple.com/", "http://host:99999/", "https://\udcff/"],
)
async def test_malformed_urls_are_fetch_errors(guarded: Fetcher, url: str) -> None:
    with pytest.raises(FetchError):
        await guarded.fetch(url)


# --------------------------------------------------------------------------- entity guard


@pytest.mark.timeout(10)
@pytest.mark.parametrize("path", ["/entity-ascii", "/entity-utf16"])
async def test_entity_declaring_feed_is_unsafe(
    fetcher: Fetcher, local_server: LocalServer, path: str
) -> None:
    with pytest.raises(UnsafeFeed, match="ENTITY") as info:
        await fetcher.fetch(local_server.url(path))
    assert local_server.url(path) in str(info.value)


# --------------------------------------------------------------------------- HTTP errors


@pytest.mark.timeout(10)
@pytest.mark.parametrize(
    ("code", "text"), [(404, "HTTP 404 Not Found"), (500, "HTTP 500 Internal Server Error")]
)
async def test_http_errors_carry_status(
    fetcher: Fetcher, local_server: LocalServer, code: int, text: str
) -> None:
    url = local_server.url(f"/status/{code}")
    with pytest.raises(HTTPStatusError) as info:
        await fetcher.fetch(url)
    assert info.value.status == code
    assert str(info.value) == f"{url}: {text}"
    assert info.value.retry_after is None


@pytest.mark.timeout(10)
async def test_credentials_in_the_url_stay_out_of_messages(
    fetcher: Fetcher, local_server: LocalServer
) -> None:
    url = f"http://reader:s3cret@127.0.0.1:{local_server.port}/status/404"
    with pytest.raises(HTTPStatusError) as info:
        await fetcher.fetch(url)
    assert "s3cret" not in str(info.value)
    assert local_server.url("/status/404") in str(info.value)


@pytest.mark.timeout(10)
async def test_429_carries_retry_after(fetcher: Fetcher, local_server: LocalServer) -> None:
    url = local_server.url("/retry")
    with pytest.raises(HTTPStatusError) as info:
        await fetcher.fetch(url)
    assert info.value.status == 429
    assert info.value.retry_after == 120.0
    assert str(info.value) == f"{url}: HTTP 429 Too Many Requests, retry after 120 s"


@pytest.mark.timeout(10)
async def test_503_with_past_http_date(fetcher: Fetcher, local_server: LocalServer) -> None:
    with pytest.raises(HTTPStatusError) as info:
        await fetcher.fetch(local_server.url("/unavailable"))
    assert info.value.status == 503 and info.value.retry_after == 0.0


@pytest.mark.timeout(10)
async def test_unexpected_2xx_is_an_error(fetcher: Fetcher, local_server: LocalServer) -> None:
    with pytest.raises(HTTPStatusError, match="HTTP 204 No Content"):
        await fetcher.fetch(local_server.url("/status/204"))


# --------------------------------------------------------------------------- concurrency


@pytest.mark.timeout(15)
async def test_per_host_concurrency_is_bounded(local_server: LocalServer) -> None:
    limits = FetchLimits(per_host=2, concurrency=64)
    async with Fetcher(allow=LOOPBACK, limits=limits) as f:
        results = await asyncio.gather(*(f.fetch(local_server.url("/slow")) for _ in range(10)))
    assert all(r.status == 200 for r in results)
    assert local_server.max_in_flight == 2


@pytest.mark.timeout(15)
async def test_overall_concurrency_is_bounded(local_server: LocalServer) -> None:
    limits = FetchLimits(per_host=50, concurrency=3)
    async with Fetcher(allow=LOOPBACK, limits=limits) as f:
        await asyncio.gather(*(f.fetch(local_server.url("/slow")) for _ in range(9)))
    assert local_server.max_in_flight == 3


# --------------------------------------------------------------------------- lifecycle & parsing


async def test_fetch_outside_context_is_a_programming_error() -> None:
    with pytest.raises(RuntimeError, match="not open"):
        await Fetcher().fetch("http://example.com/")


def test_limits_are_validated() -> None:
    with pytest.raises(ValueError, match="per_host"):
        FetchLimits(per_host=0)
    with pytest.raises(ValueError, match="timeout_total"):
        FetchLimits(timeout_total=0)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        ("", None),
        ("max-age=300", 300),
        ("public, max-age=60, must-revalidate", 60),
        ('max-age="90"', 90),
        ("s-maxage=600", None),
        ("s-maxage=600, max-age=30", 30),
        ("no-cache", None),
    ],
)
def test_parse_max_age(value: str | None, expected: int | None) -> None:
    assert parse_max_age(value) == expected


def test_parse_retry_after() -> None:
    now = datetime(2015, 10, 21, 7, 0, 0, tzinfo=UTC)
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after(" 0 ") == 0.0
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=now) == 28 * 60
    assert parse_retry_after("Wed, 21 Oct 2015 06:00:00 GMT", now=now) == 0.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after("-5") == 0.0
    assert parse_retry_after("nan") is None
    assert parse_retry_after(None) is None
