"""The SSRF guard and the entity guard: pure checks on URLs, addresses and bodies.

This module owns the decisions "may newsbot connect to this address?" (DESIGN §8) and
"may this body reach feedparser?" (DESIGN §6). It does no I/O: `bot.ingest.fetch` calls
these functions on every redirect hop and on every address its resolver returns.

- `parse_allow_list` turns "127.0.0.0/8,::1/128" into networks that bypass the guard
  (tests and the demo use it; production leaves it empty).
- `is_forbidden_ip` names why an address is refused (loopback, private, link-local …), looking
  through IPv4-mapped, NAT64, 6to4 and Teredo wrappers to the IPv4 address inside.
- `check_scheme` admits only http and https.
- `declares_entities` decides on the text feedparser would parse: `<!ENTITY` in the body as
  feedparser decodes it (its own decoder, given the same Content-Type: EBCDIC, UTF-7,
  `unicode_escape` … whatever the document or the server names), and in the raw bytes as
  ASCII, UTF-16 and UTF-32.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from typing import Final, TypeAlias

from feedparser.encodings import convert_to_utf8

from bot.errors import BlockedAddress

__all__ = [
    "ALLOWED_SCHEMES",
    "IPAddress",
    "IPNetwork",
    "check_scheme",
    "declares_entities",
    "is_forbidden_ip",
    "parse_allow_list",
]

IPAddress: TypeAlias = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork: TypeAlias = ipaddress.IPv4Network | ipaddress.IPv6Network

ALLOWED_SCHEMES: Final = frozenset({"http", "https"})


# --------------------------------------------------------------------------- allow-list


def parse_allow_list(spec: str | Iterable[str] | None) -> tuple[IPNetwork, ...]:
    """Parse comma-separated CIDRs ("127.0.0.0/8,::1/128") or an iterable of them.

    Blank items are skipped; a bare address means a single-host network. Host bits set in a
    network ("10.0.0.1/8") are an error, as is anything that is not a CIDR: the ValueError
    names the offending item.
    """
    if spec is None:
        return ()
    items: Iterable[str] = spec.split(",") if isinstance(spec, str) else spec
    networks: list[IPNetwork] = []
    for raw in items:
        if not isinstance(raw, str):
            raise ValueError(f"allow-list entry {raw!r} is not a string")
        item = raw.strip()
        if not item:
            continue
        try:
            networks.append(ipaddress.ip_network(item, strict=True))
        except ValueError as exc:
            raise ValueError(f"allow-list entry {item!r} is not a valid CIDR: {exc}") from None
    return tuple(networks)


# --------------------------------------------------------------------------- addresses

_V4 = ipaddress.IPv4Network
_V6 = ipaddress.IPv6Network

# Checked in order; the first match names the reason. Anything not listed falls through to the
# generic `ipaddress` properties and finally to "not globally routable".
_V4_RULES: Final[tuple[tuple[ipaddress.IPv4Network, str], ...]] = (
    (_V4("0.0.0.0/32"), "unspecified"),
    (_V4("0.0.0.0/8"), "this-network (reserved)"),
    (_V4("127.0.0.0/8"), "loopback"),
    (_V4("10.0.0.0/8"), "private"),
    (_V4("172.16.0.0/12"), "private"),
    (_V4("192.168.0.0/16"), "private"),
    (_V4("100.64.0.0/10"), "carrier-grade NAT"),
    (_V4("169.254.0.0/16"), "link-local"),
    (_V4("192.0.0.0/24"), "IETF protocol assignments (reserved)"),
    (_V4("192.0.2.0/24"), "documentation (reserved)"),
    (_V4("198.51.100.0/24"), "documentation (reserved)"),
    (_V4("203.0.113.0/24"), "documentation (reserved)"),
    (_V4("198.18.0.0/15"), "benchmarking (reserved)"),
    (_V4("192.88.99.0/24"), "6to4 relay anycast (reserved)"),
    (_V4("224.0.0.0/4"), "multicast"),
    (_V4("255.255.255.255/32"), "broadcast"),
    (_V4("240.0.0.0/4"), "reserved"),
)

_V6_RULES: Final[tuple[tuple[ipaddress.IPv6Network, str], ...]] = (
    (_V6("::/128"), "unspecified"),
    (_V6("::1/128"), "loopback"),
    (_V6("fe80::/10"), "link-local"),
    (_V6("fec0::/10"), "site-local (private)"),
    (_V6("fc00::/7"), "private (unique local)"),
    (_V6("ff00::/8"), "multicast"),
    (_V6("64:ff9b:1::/48"), "private (local-use NAT64)"),
    (_V6("100::/64"), "discard-only (reserved)"),
    (_V6("2001:db8::/32"), "documentation (reserved)"),
    (_V6("::/96"), "IPv4-compatible (reserved)"),
)

_NAT64_WELL_KNOWN: Final = _V6("64:ff9b::/96")


def _as_address(ip: str | IPAddress) -> IPAddress:
    if isinstance(ip, ipaddress.IPv4Address | ipaddress.IPv6Address):
        return ip
    return ipaddress.ip_address(ip.strip().strip("[]"))


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """IPv4 addresses a packet to `ip` would end up at (mapped, NAT64, 6to4, Teredo)."""
    found: list[ipaddress.IPv4Address] = []
    if ip.ipv4_mapped is not None:
        found.append(ip.ipv4_mapped)
    if ip in _NAT64_WELL_KNOWN:
        found.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    if ip.sixtofour is not None:
        found.append(ip.sixtofour)
    if ip.teredo is not None:
        found.extend(ip.teredo)
    return found


def _allowed(ip: IPAddress, allow: Iterable[IPNetwork]) -> bool:
    return any(ip.version == net.version and ip in net for net in allow)


def _reason_v4(ip: ipaddress.IPv4Address) -> str | None:
    for net, reason in _V4_RULES:
        if ip in net:
            return reason
    return _generic_reason(ip)


def _generic_reason(ip: IPAddress) -> str | None:
    if ip.is_unspecified:
        return "unspecified"
    if ip.is_loopback:
        return "loopback"
    if ip.is_link_local:
        return "link-local"
    if ip.is_multicast:
        return "multicast"
    if ip.is_private:
        return "private"
    if ip.is_reserved:
        return "reserved"
    if not ip.is_global:
        return "not globally routable"
    return None


def is_forbidden_ip(ip: str | IPAddress, allow: Iterable[IPNetwork] = ()) -> str | None:
    """Return why newsbot must not connect to `ip` ("loopback", "private" …), or None if it may.

    An address inside an allow-listed network always passes. IPv6 addresses that carry an IPv4
    destination (IPv4-mapped ::ffff:a.b.c.d, NAT64 64:ff9b::/96, 6to4, Teredo) are judged by the
    IPv4 address too, so ::ffff:127.0.0.1 is "loopback (IPv4-mapped …)". A string that is not an
    IP address raises ValueError.
    """
    addr = _as_address(ip)
    allow = tuple(allow)
    if _allowed(addr, allow):
        return None
    if isinstance(addr, ipaddress.IPv4Address):
        return _reason_v4(addr)

    if addr.scope_id:
        # fe80::1%eth0 and friends: strip the zone before the table lookups.
        addr = ipaddress.IPv6Address(int(addr))
    embedded = _embedded_ipv4(addr)
    if addr.ipv4_mapped is not None:
        # A mapped address *is* the IPv4 address: judge it (and its allow-list) as such.
        inner = addr.ipv4_mapped
        if _allowed(inner, allow):
            return None
        reason = _reason_v4(inner)
        return None if reason is None else f"{reason} (IPv4-mapped {inner})"
    for net, reason in _V6_RULES:
        if addr in net:
            return reason
    for inner in embedded:
        inner_reason = _reason_v4(inner)
        if inner_reason is not None and not _allowed(inner, allow):
            return f"{inner_reason} (embedded IPv4 {inner})"
    if embedded:
        # NAT64/6to4/Teredo wrapping a public address: judge by the IPv4 destination, since
        # Python marks these whole prefixes as non-global.
        return None
    return _generic_reason(addr)


# --------------------------------------------------------------------------- schemes


_SCHEME_RE: Final = re.compile(r"\s*([A-Za-z][A-Za-z0-9+.-]*):")


def check_scheme(url: str) -> str:
    """Return the lower-case scheme of `url` if it is http or https; else raise BlockedAddress.

    Only the scheme is looked at; whether the rest is a valid URL is the fetcher's business.
    """
    match = _SCHEME_RE.match(url)
    scheme = match.group(1).lower() if match else ""
    if scheme not in ALLOWED_SCHEMES:
        shown = scheme or "(none)"
        raise BlockedAddress(f"{url}: scheme {shown!r} is not allowed (only http and https)")
    return scheme


# --------------------------------------------------------------------------- entities

_ENTITY_WORD: Final = "<!ENTITY"


# `<!entity` in every checked encoding; the body is searched lower-cased (bytes.lower() maps
# only A-Z, so it lowers the ASCII letters of UTF-16/32 text too and never makes new ones).
# Plain substring search: a case-insensitive regex took ten times as long on a 45 KB feed.
_ENTITY_FORMS: Final[tuple[bytes, ...]] = tuple(
    _ENTITY_WORD.lower().encode(codec)
    for codec in ("ascii", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be")
)


def declares_entities(body: bytes, content_type: str | None = None) -> bool:
    """True if the body declares an XML entity (`<!ENTITY`, any case) in any encoding
    feedparser would accept. feedparser expands entities quadratically, so such a body must
    never reach it (DESIGN §6).

    Pass the whole body (the declaration can sit anywhere in the internal subset) and the
    Content-Type the body will be parsed with. The raw bytes are searched in ASCII, UTF-16 and
    UTF-32 forms (cheap, and independent of any header); then the body is decoded exactly as
    feedparser decodes it (`feedparser.encodings.convert_to_utf8` with the same headers:
    byte-order mark, `<?xml encoding=…?>`, charset, its fallbacks) and that text is searched,
    so an EBCDIC (cp037) or UTF-7 declaration is found too. Measured: decoding costs 0.07 ms on
    a 25 KB feed and about 10 ms a megabyte.
    """
    raw = bytes(body)
    lowered = raw.lower()
    if any(form in lowered for form in _ENTITY_FORMS):
        return True
    headers = {"content-type": content_type} if content_type else {}
    decoded: bytes = convert_to_utf8(headers, raw, {})
    return _ENTITY_FORMS[0] in decoded.lower()
