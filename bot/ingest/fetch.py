"""Fetching one feed over HTTP, safely: the only module in newsbot that talks to feed servers.

`Fetcher` owns one shared `aiohttp.ClientSession` and enforces DESIGN §8 on every request:

- SSRF guard on every hop. Host names are resolved by `GuardedResolver`, the resolver the
  connector itself uses, so the addresses checked are exactly the addresses connected to (no DNS
  rebinding window); IP-literal hosts, which aiohttp never resolves, are checked before the hop.
  Redirects are followed by hand (`allow_redirects=False`), capped, and each target re-checked.
- Caps: total / connect / read timeouts, body size counted on the *decompressed* stream as it
  arrives (a gzip bomb or an endless body fails without being held in memory), Content-Length
  refused up front, bounded concurrency overall and per host.
- Conditional GET (ETag / Last-Modified → 304), body hash (`unchanged` when equal to the previous
  one), Cache-Control max-age and Retry-After parsed for the poller.
- The entity guard (`bot.ingest.guard.declares_entities`) runs on every body before it is returned.

Every failure leaves `fetch()` as a `FetchError` subclass whose message names the URL; HTTP status
failures are `HTTPStatusError`, which also carries `status` and `retry_after`.
"""

from __future__ import annotations

import asyncio
import hashlib
import ipaddress
import re
import socket
import time
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from http import HTTPStatus
from types import MappingProxyType, TracebackType
from typing import Final, Self

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import DefaultResolver
from yarl import URL

from bot.errors import BlockedAddress, BodyTooLarge, FetchError, UnsafeFeed
from bot.ingest.guard import IPNetwork, check_scheme, declares_entities, is_forbidden_ip

__all__ = [
    "FetchLimits",
    "FetchResult",
    "Fetcher",
    "GuardedResolver",
    "HTTPStatusError",
    "parse_max_age",
    "parse_retry_after",
]

REDIRECT_STATUSES: Final = frozenset({301, 302, 303, 307, 308})
CHUNK_SIZE: Final = 64 * 1024
LITERAL_HOSTS_KEPT: Final = 10_000  # hosts whose literal-address check is remembered
ACCEPT: Final = (
    "application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)
# Response headers copied into FetchResult.headers.
SELECTED_HEADERS: Final = (
    "Content-Type",
    "Content-Encoding",
    "Content-Length",
    "ETag",
    "Last-Modified",
    "Cache-Control",
    "Expires",
    "Age",
    "Date",
    "Retry-After",
)


# --------------------------------------------------------------------------- data


@dataclass(frozen=True)
class FetchLimits:
    """Caps applied to every fetch. Times are seconds, sizes bytes."""

    timeout_total: float = 30.0
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    max_bytes: int = 10 * 1024 * 1024
    max_redirects: int = 5
    concurrency: int = 64
    per_host: int = 4
    user_agent: str = "newsbot/0.1 (+https://github.com/newsbot)"

    def __post_init__(self) -> None:
        for name in ("timeout_total", "connect_timeout", "read_timeout"):
            if not getattr(self, name) > 0:
                raise ValueError(f"FetchLimits.{name} must be > 0, got {getattr(self, name)!r}")
        for name in ("max_bytes", "concurrency", "per_host"):
            if getattr(self, name) < 1:
                raise ValueError(f"FetchLimits.{name} must be >= 1, got {getattr(self, name)!r}")
        if self.max_redirects < 0:
            raise ValueError(f"FetchLimits.max_redirects must be >= 0, got {self.max_redirects}")


@dataclass(frozen=True)
class FetchResult:
    """The outcome of one successful fetch.

    status is 200 or 304. On 304, body is None, unchanged is True, and etag / last_modified /
    body_hash fall back to the values the caller sent when the server does not repeat them, so the
    caller can store the result as is. On 200, unchanged is True when body_hash equals the
    previous_hash passed to fetch(); the caller then skips parsing.
    """

    url: str
    status: int
    body: bytes | None
    content_type: str | None
    etag: str | None
    last_modified: str | None
    body_hash: str | None
    unchanged: bool
    cache_control_max_age: int | None
    retry_after: float | None
    elapsed: float
    headers: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))


class HTTPStatusError(FetchError):
    """The server answered with an error status (4xx, 5xx or an unusable 1xx/2xx/3xx).

    `retry_after` is the Retry-After header in seconds (None when absent or unparsable).
    """

    def __init__(self, url: str, status: int, reason: str, retry_after: float | None) -> None:
        self.url = url
        self.status = status
        self.reason = reason
        self.retry_after = retry_after
        text = f"HTTP {status} {reason}".rstrip()
        if retry_after is not None:
            text += f", retry after {_fmt_seconds(retry_after)} s"
        super().__init__(f"{url}: {text}")


# --------------------------------------------------------------------------- header parsing

_MAX_AGE_RE: Final = re.compile(r'(?<![\w-])max-age\s*=\s*"?(\d+)"?', re.IGNORECASE)


def parse_max_age(cache_control: str | None) -> int | None:
    """The max-age directive of a Cache-Control value in seconds (s-maxage is ignored)."""
    if not cache_control:
        return None
    match = _MAX_AGE_RE.search(cache_control)
    return int(match.group(1)) if match else None


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Retry-After as seconds from now: delay-seconds or an HTTP-date (past dates give 0.0)."""
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    try:
        seconds = float(text)
    except ValueError:
        pass
    else:
        if seconds != seconds or seconds in (float("inf"), float("-inf")):  # NaN / inf
            return None
        return max(0.0, seconds)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    reference = now if now is not None else datetime.now(UTC)
    return max(0.0, (when - reference).total_seconds())


def _fmt_seconds(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def _redact(url: str | URL) -> str:
    """The URL for messages and logs: any user:password@ part is dropped."""
    try:
        parsed = url if isinstance(url, URL) else URL(url)
        if parsed.raw_user is not None or parsed.raw_password is not None:
            return str(parsed.with_user(None))
    except (ValueError, TypeError):
        pass
    return str(url)


_CONTROL: Final = re.compile(r"[\x00-\x1f\x7f]")


def _clean_header_value(value: str | None) -> str | None:
    """A header value safe to store and send back (latin-1, no control characters), or None."""
    if value is None:
        return None
    value = value.strip()
    if not value or _CONTROL.search(value):
        return None
    if not value.isascii():
        try:
            value.encode("latin-1")
        except UnicodeError:
            return None
    return value


# --------------------------------------------------------------------------- resolver


class _RefusedAddress(OSError):
    """Raised inside the connector by GuardedResolver; fetch() turns it into BlockedAddress."""

    def __init__(self, host: str, address: str, reason: str) -> None:
        super().__init__(f"{host} resolves to {address} ({reason})")
        self.host = host
        self.address = address
        self.reason = reason


class GuardedResolver(AbstractResolver):
    """Wraps a resolver and refuses a host if ANY of its addresses is forbidden.

    The connector connects only to addresses this resolver returns, so the check and the
    connection see the same answer. `owns_inner` says whether close() closes the wrapped resolver.
    """

    def __init__(
        self, inner: AbstractResolver, allow: Sequence[IPNetwork] = (), *, owns_inner: bool = False
    ) -> None:
        self._inner = inner
        self._allow = tuple(allow)
        self._owns_inner = owns_inner

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        results = await self._inner.resolve(host, port, family)
        if not results:
            raise OSError(f"{host}: no addresses")
        for result in results:
            address = result["host"]
            try:
                reason = is_forbidden_ip(address, self._allow)
            except ValueError:
                reason = "not an IP address"
            if reason is not None:
                raise _RefusedAddress(host, address, reason)
        return results

    async def close(self) -> None:
        if self._owns_inner:
            await self._inner.close()


def _find_refusal(exc: BaseException) -> _RefusedAddress | None:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, _RefusedAddress):
            return current
        if isinstance(current, aiohttp.ClientConnectorError) and isinstance(
            current.os_error, _RefusedAddress
        ):
            return current.os_error
        current = current.__cause__ or current.__context__
    return None


# --------------------------------------------------------------------------- fetcher


@dataclass(frozen=True)
class _Redirect:
    target: URL


@dataclass
class _HostSlot:
    semaphore: asyncio.Semaphore
    users: int = 0


def _legacy_ipv4(host: str) -> ipaddress.IPv4Address | None:
    """What inet_aton makes of numeric hosts like 2130706433, 0x7f.1 or 127.1."""
    if not host or not all(c in "0123456789abcdefxABCDEFX." for c in host):
        return None
    try:
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except OSError:
        return None


class Fetcher:
    """Fetches feeds through one shared session. Use as `async with Fetcher(...) as f:`."""

    def __init__(
        self,
        *,
        allow: Sequence[IPNetwork] = (),
        limits: FetchLimits = FetchLimits(),  # frozen, so one shared default is safe
        resolver: AbstractResolver | None = None,
    ) -> None:
        self._allow: tuple[IPNetwork, ...] = tuple(allow)
        self._limits = limits
        self._user_resolver = resolver
        self._session: aiohttp.ClientSession | None = None
        self._resolver: GuardedResolver | None = None
        self._global = asyncio.Semaphore(limits.concurrency)
        self._hosts: dict[str, _HostSlot] = {}
        # What _check_literal_host found per host (the same hosts every poll: parsing each
        # as an address was a tenth of a 304's cost in this module); "" = not refused
        self._literal_hosts: dict[str, str] = {}

    @property
    def limits(self) -> FetchLimits:
        return self._limits

    async def __aenter__(self) -> Self:
        if self._session is not None:
            raise RuntimeError("Fetcher is already open")
        limits = self._limits
        inner = self._user_resolver if self._user_resolver is not None else DefaultResolver()
        self._resolver = GuardedResolver(inner, self._allow, owns_inner=self._user_resolver is None)
        connector = aiohttp.TCPConnector(
            resolver=self._resolver,
            limit=limits.concurrency,
            limit_per_host=limits.per_host,
        )
        self._session = aiohttp.ClientSession(
            connector=connector,
            timeout=aiohttp.ClientTimeout(
                total=None,  # the overall budget is enforced across hops by fetch()
                connect=limits.connect_timeout,
                sock_connect=limits.connect_timeout,
                sock_read=limits.read_timeout,
            ),
            headers={"User-Agent": limits.user_agent, "Accept": ACCEPT},
            trust_env=False,  # a proxy would connect on our behalf, past the guard
            cookie_jar=aiohttp.DummyCookieJar(),  # no state shared between feeds
            auto_decompress=True,  # aiohttp inflates in bounded steps; we cap the output
            raise_for_status=False,
        )
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def close(self) -> None:
        session, self._session = self._session, None
        resolver, self._resolver = self._resolver, None
        if session is not None:
            await session.close()
        if resolver is not None:
            await resolver.close()

    # ----------------------------------------------------------------- public API

    async def fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        previous_hash: str | None = None,
    ) -> FetchResult:
        """GET `url`, following up to max_redirects guarded redirects.

        Returns a FetchResult with status 200 or 304; raises a FetchError subclass otherwise
        (BlockedAddress, BodyTooLarge, UnsafeFeed, HTTPStatusError, or FetchError itself for
        timeouts, connection and protocol failures). `elapsed` counts from the moment a global
        concurrency slot was obtained.
        """
        session = self._session
        if session is None:
            raise RuntimeError("Fetcher is not open: use 'async with Fetcher(...) as fetcher'")
        limits = self._limits
        shown = _redact(url)
        current = self._parse_url(url, shown)
        headers: dict[str, str] = {}
        sent_etag = _clean_header_value(etag)
        sent_modified = _clean_header_value(last_modified)
        if sent_etag is not None:
            headers["If-None-Match"] = sent_etag
        if sent_modified is not None:
            headers["If-Modified-Since"] = sent_modified

        async with self._global:
            started = time.monotonic()
            budget = limits.timeout_total
            seen = {str(current)}
            redirects = 0
            while True:
                where = shown if redirects == 0 else f"{_redact(current)} (redirected from {shown})"
                self._check_literal_host(current, where)
                host = current.host or ""
                async with self._host_slot(host):
                    hop_started = time.monotonic()
                    outcome = await self._hop(session, current, where, headers, budget)
                    budget -= time.monotonic() - hop_started
                if isinstance(outcome, _Redirect):
                    target = outcome.target
                    redirects += 1
                    if redirects > limits.max_redirects:
                        raise FetchError(
                            f"{shown}: too many redirects (more than {limits.max_redirects}); "
                            f"next hop would be {_redact(target)}"
                        )
                    if str(target) in seen:
                        raise FetchError(
                            f"{shown}: redirect loop ({_redact(current)} → {_redact(target)})"
                        )
                    seen.add(str(target))
                    current = self._parse_url(
                        str(target), f"{_redact(target)} (redirected from {shown})"
                    )
                    continue
                status, resp_headers, body = outcome
                return self._result(
                    current,
                    where,
                    status,
                    resp_headers,
                    body,
                    sent_etag=sent_etag,
                    sent_modified=sent_modified,
                    previous_hash=previous_hash,
                    elapsed=time.monotonic() - started,
                )

    # ----------------------------------------------------------------- internals

    def _parse_url(self, raw: str, where: str) -> URL:
        try:
            check_scheme(raw)
        except BlockedAddress as exc:
            raise BlockedAddress(f"{where}: {str(exc).removeprefix(raw + ': ')}") from None
        try:
            parsed = URL(raw)
            host = parsed.host
        except (ValueError, TypeError) as exc:
            raise FetchError(f"{where}: invalid URL ({exc})") from None
        if not host:
            raise FetchError(f"{where}: invalid URL (no host)")
        return parsed

    def _check_literal_host(self, url: URL, where: str) -> None:
        """IP-literal hosts never reach the resolver, so check them here."""
        host = (url.host or "").strip("[]")
        verdict = self._literal_hosts.get(host)
        if verdict is None:
            verdict = self._literal_verdict(host)
            if len(self._literal_hosts) >= LITERAL_HOSTS_KEPT:
                self._literal_hosts.clear()
            self._literal_hosts[host] = verdict
        if verdict:
            raise BlockedAddress(f"{where}: {verdict}")

    def _literal_verdict(self, host: str) -> str:
        """Why an IP-literal host is refused ("" when it is allowed or is a name)."""
        address: ipaddress.IPv4Address | ipaddress.IPv6Address | None
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            address = _legacy_ipv4(host)
        if address is None:
            return ""
        reason = is_forbidden_ip(address, self._allow)
        return "" if reason is None else f"address {address} is forbidden ({reason})"

    @asynccontextmanager
    async def _host_slot(self, host: str) -> AsyncIterator[None]:
        key = host.lower().rstrip(".")
        slot = self._hosts.get(key)
        if slot is None:
            slot = self._hosts[key] = _HostSlot(asyncio.Semaphore(self._limits.per_host))
        slot.users += 1
        try:
            async with slot.semaphore:
                yield
        finally:
            slot.users -= 1
            if slot.users == 0:
                self._hosts.pop(key, None)

    async def _hop(
        self,
        session: aiohttp.ClientSession,
        url: URL,
        where: str,
        headers: Mapping[str, str],
        budget: float,
    ) -> _Redirect | tuple[int, Mapping[str, str], bytes | None]:
        limits = self._limits
        try:
            if budget <= 0:
                raise TimeoutError
            async with asyncio.timeout(budget):
                return await self._request(session, url, where, headers)
        except FetchError:
            raise
        except aiohttp.ConnectionTimeoutError:
            raise FetchError(
                f"{where}: timed out after {_fmt_seconds(limits.connect_timeout)} s (connecting)"
            ) from None
        except aiohttp.SocketTimeoutError:
            raise FetchError(
                f"{where}: timed out after {_fmt_seconds(limits.read_timeout)} s (waiting for data)"
            ) from None
        except TimeoutError:
            raise FetchError(
                f"{where}: timed out after {_fmt_seconds(limits.timeout_total)} s (total)"
            ) from None
        except aiohttp.ClientConnectorError as exc:
            refusal = _find_refusal(exc)
            if refusal is not None:
                raise BlockedAddress(
                    f"{where}: host {refusal.host} resolves to {refusal.address}, "
                    f"which is forbidden ({refusal.reason})"
                ) from None
            raise FetchError(f"{where}: cannot connect ({exc})") from None
        except aiohttp.ClientPayloadError as exc:
            raise FetchError(f"{where}: body incomplete or undecodable ({exc})") from None
        except aiohttp.ClientResponseError as exc:
            raise FetchError(f"{where}: invalid HTTP response ({exc.message})") from None
        except aiohttp.InvalidURL as exc:
            raise FetchError(f"{where}: invalid URL ({exc})") from None
        except aiohttp.ClientError as exc:
            raise FetchError(f"{where}: {type(exc).__name__}: {exc}") from None
        except OSError as exc:
            refusal = _find_refusal(exc)
            if refusal is not None:
                raise BlockedAddress(
                    f"{where}: host {refusal.host} resolves to {refusal.address}, "
                    f"which is forbidden ({refusal.reason})"
                ) from None
            raise FetchError(f"{where}: network error ({exc})") from None
        except ValueError as exc:  # includes UnicodeError from odd headers or hosts
            raise FetchError(f"{where}: invalid request or response ({exc})") from None

    async def _request(
        self,
        session: aiohttp.ClientSession,
        url: URL,
        where: str,
        headers: Mapping[str, str],
    ) -> _Redirect | tuple[int, Mapping[str, str], bytes | None]:
        limits = self._limits
        async with session.get(url, headers=headers, allow_redirects=False) as resp:
            status = resp.status
            selected = {
                name: value for name in SELECTED_HEADERS if (value := resp.headers.get(name))
            }
            if status in REDIRECT_STATUSES:
                location = resp.headers.get("Location")
                if not location or not location.strip():
                    raise FetchError(f"{where}: HTTP {status} redirect without a Location header")
                try:
                    target = url.join(URL(location.strip()))
                except (ValueError, TypeError) as exc:
                    raise FetchError(
                        f"{where}: HTTP {status} redirect to an invalid URL {location!r} ({exc})"
                    ) from None
                return _Redirect(target)
            if status == 304:
                return status, selected, None
            if status != 200:
                try:
                    reason = HTTPStatus(status).phrase
                except ValueError:
                    reason = (resp.reason or "").strip()[:80]
                retry_after = parse_retry_after(resp.headers.get("Retry-After"))
                raise HTTPStatusError(where, status, reason, retry_after)

            declared = resp.content_length
            if declared is not None and declared > limits.max_bytes:
                resp.close()
                raise BodyTooLarge(
                    f"{where}: Content-Length {declared} exceeds the cap of "
                    f"{limits.max_bytes} bytes"
                )
            chunks: list[bytes] = []
            total = 0
            async for chunk in resp.content.iter_chunked(CHUNK_SIZE):
                total += len(chunk)
                if total > limits.max_bytes:
                    resp.close()
                    raise BodyTooLarge(
                        f"{where}: body exceeds the cap of {limits.max_bytes} bytes "
                        "(counted after decompression)"
                    )
                chunks.append(chunk)
            return status, selected, b"".join(chunks)

    def _result(
        self,
        url: URL,
        where: str,
        status: int,
        headers: Mapping[str, str],
        body: bytes | None,
        *,
        sent_etag: str | None,
        sent_modified: str | None,
        previous_hash: str | None,
        elapsed: float,
    ) -> FetchResult:
        etag = _clean_header_value(headers.get("ETag"))
        last_modified = _clean_header_value(headers.get("Last-Modified"))
        if body is None:  # 304 Not Modified
            body_hash = previous_hash
            unchanged = True
            etag = etag if etag is not None else sent_etag
            last_modified = last_modified if last_modified is not None else sent_modified
        else:
            if declares_entities(body):
                raise UnsafeFeed(
                    f"{where}: body declares XML entities (<!ENTITY); refused before parsing"
                )
            body_hash = hashlib.sha256(body).hexdigest()
            unchanged = previous_hash is not None and body_hash == previous_hash
        return FetchResult(
            url=str(url),
            status=status,
            body=body,
            content_type=headers.get("Content-Type"),
            etag=etag,
            last_modified=last_modified,
            body_hash=body_hash,
            unchanged=unchanged,
            cache_control_max_age=parse_max_age(headers.get("Cache-Control")),
            retry_after=parse_retry_after(headers.get("Retry-After")),
            elapsed=elapsed,
            headers=MappingProxyType(dict(headers)),
        )
