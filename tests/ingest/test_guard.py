"""Unit tests of bot.ingest.guard: addresses, allow-lists, schemes and the entity guard."""

from __future__ import annotations

import ipaddress
import re
from pathlib import Path

import pytest

from bot.errors import BlockedAddress
from bot.ingest.guard import check_scheme, declares_entities, is_forbidden_ip, parse_allow_list
from bot.ingest.parse import parse_feed

pytestmark = pytest.mark.timeout(10)


# --------------------------------------------------------------------------- addresses


@pytest.mark.parametrize(
    ("ip", "reason"),
    [
        ("127.0.0.1", "loopback"),
        ("127.255.0.9", "loopback"),
        ("10.1.2.3", "private"),
        ("172.16.0.1", "private"),
        ("172.31.255.255", "private"),
        ("192.168.1.1", "private"),
        ("169.254.169.254", "link-local"),
        ("224.0.0.1", "multicast"),
        ("239.255.255.250", "multicast"),
        ("0.0.0.0", "unspecified"),
        ("0.1.2.3", "reserved"),
        ("100.64.0.1", "carrier-grade NAT"),
        ("100.127.255.254", "carrier-grade NAT"),
        ("240.0.0.1", "reserved"),
        ("255.255.255.255", "broadcast"),
        ("192.0.2.10", "documentation"),
        ("198.18.0.1", "benchmarking"),
        ("::1", "loopback"),
        ("::", "unspecified"),
        ("fe80::1", "link-local"),
        ("fe80::1%eth0", "link-local"),
        ("fc00::1", "private"),
        ("fd12:3456::1", "private"),
        ("fec0::1", "site-local"),
        ("ff02::1", "multicast"),
        ("2001:db8::1", "documentation"),
        ("::7f00:1", "reserved"),
    ],
)
def test_forbidden_addresses_name_their_reason(ip: str, reason: str) -> None:
    got = is_forbidden_ip(ip, ())
    assert got is not None, ip
    assert reason in got


@pytest.mark.parametrize(
    "ip",
    [
        "93.184.216.34",
        "8.8.8.8",
        "1.1.1.1",
        "172.32.0.1",  # just outside 172.16/12
        "100.128.0.1",  # just outside 100.64/10
        "2606:4700:4700::1111",
        "2a00:1450:4001:82b::200e",
        "::ffff:8.8.8.8",
        "64:ff9b::808:808",  # NAT64 of 8.8.8.8
        "2002:808:808::1",  # 6to4 of 8.8.8.8
    ],
)
def test_public_addresses_pass(ip: str) -> None:
    assert is_forbidden_ip(ip, ()) is None


@pytest.mark.parametrize(
    ("ip", "reason"),
    [
        ("::ffff:127.0.0.1", "loopback"),
        ("::ffff:7f00:1", "loopback"),
        ("::ffff:169.254.169.254", "link-local"),
        ("::ffff:10.0.0.1", "private"),
        ("64:ff9b::7f00:1", "loopback"),  # NAT64 of 127.0.0.1
        ("64:ff9b::a9fe:a9fe", "link-local"),  # NAT64 of 169.254.169.254
        ("2002:7f00:1::1", "loopback"),  # 6to4 of 127.0.0.1
        ("2002:a00:1::1", "private"),  # 6to4 of 10.0.0.1
    ],
)
def test_ipv6_wrapping_an_ipv4_address_is_unwrapped(ip: str, reason: str) -> None:
    got = is_forbidden_ip(ip, ())
    assert got is not None and reason in got


def test_accepts_address_objects() -> None:
    assert is_forbidden_ip(ipaddress.ip_address("127.0.0.1"), ()) == "loopback"
    assert is_forbidden_ip(ipaddress.ip_address("8.8.8.8"), ()) is None


def test_not_an_address_raises_value_error() -> None:
    with pytest.raises(ValueError):
        is_forbidden_ip("localhost", ())


def test_allow_list_lets_networks_through() -> None:
    allow = parse_allow_list("127.0.0.0/8,::1/128,10.0.0.0/8")
    assert is_forbidden_ip("127.0.0.1", allow) is None
    assert is_forbidden_ip("127.9.9.9", allow) is None
    assert is_forbidden_ip("::1", allow) is None
    assert is_forbidden_ip("10.20.30.40", allow) is None
    # a mapped address is the IPv4 address, so the IPv4 allow-list applies to it
    assert is_forbidden_ip("::ffff:127.0.0.1", allow) is None
    # but nothing outside the list
    assert is_forbidden_ip("169.254.169.254", allow) == "link-local"
    assert is_forbidden_ip("192.168.0.1", allow) == "private"
    assert is_forbidden_ip("fe80::1", allow) == "link-local"


def test_allow_list_of_one_family_does_not_cover_the_other() -> None:
    allow = parse_allow_list("127.0.0.0/8")
    assert is_forbidden_ip("::1", allow) == "loopback"


# --------------------------------------------------------------------------- allow-list


def test_parse_allow_list_forms() -> None:
    assert parse_allow_list(None) == ()
    assert parse_allow_list("") == ()
    assert parse_allow_list(" 127.0.0.0/8 , ::1/128 ,") == (
        ipaddress.ip_network("127.0.0.0/8"),
        ipaddress.ip_network("::1/128"),
    )
    assert parse_allow_list(["10.0.0.0/8", "fd00::/8"]) == (
        ipaddress.ip_network("10.0.0.0/8"),
        ipaddress.ip_network("fd00::/8"),
    )
    assert parse_allow_list("192.168.1.7") == (ipaddress.ip_network("192.168.1.7/32"),)


@pytest.mark.parametrize(
    "bad",
    ["127.0.0.0/33", "not-a-cidr", "10.0.0.1/8", "300.1.1.1/32", "::1/129", "127.0.0.0/8/8"],
)
def test_parse_allow_list_names_the_bad_entry(bad: str) -> None:
    with pytest.raises(ValueError, match=re.escape(repr(bad))):
        parse_allow_list(f"127.0.0.0/8,{bad}")


def test_parse_allow_list_rejects_non_strings() -> None:
    with pytest.raises(ValueError, match="not a string"):
        parse_allow_list([42])  # type: ignore[list-item]


# --------------------------------------------------------------------------- schemes


@pytest.mark.parametrize("url", ["http://example.com/feed", "HTTPS://example.com/feed"])
def test_http_and_https_pass(url: str) -> None:
    assert check_scheme(url) in {"http", "https"}


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://example.com/feed.xml",
        "gopher://127.0.0.1:6379/_INFO",
        "javascript:alert(1)",
        "data:text/xml,<rss/>",
        "example.com/feed",
        "",
    ],
)
def test_other_schemes_are_refused(url: str) -> None:
    with pytest.raises(BlockedAddress, match="not allowed"):
        check_scheme(url)


# --------------------------------------------------------------------------- entities

DECL = '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "xxxx">]><r>&a;&a;</r>'


@pytest.mark.parametrize(
    "codec",
    ["utf-8", "ascii", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"],
)
def test_entity_declarations_found_in_every_encoding(codec: str) -> None:
    assert declares_entities(DECL.encode(codec))


def test_entity_declaration_deep_in_a_large_body_is_found() -> None:
    body = b"<rss>" + b" " * 2_000_000 + b"<!ENTITY x 'y'>" + b"</rss>"
    assert declares_entities(body)


def test_entity_declaration_case_insensitive() -> None:
    assert declares_entities(b"<!DOCTYPE r [<!entity a 'b'>]>")
    assert declares_entities("<!DOCTYPE r [<!Entity a 'b'>]>".encode("utf-16-le"))


@pytest.mark.parametrize("codec", ["utf-8", "utf-16", "utf-32"])
def test_ordinary_feeds_pass(codec: str) -> None:
    feed = (
        '<?xml version="1.0"?><!DOCTYPE rss><rss version="2.0"><channel>'
        "<title>AT&amp;T &lt;ENTITY&gt; news — ENTITY</title></channel></rss>"
    )
    assert not declares_entities(feed.encode(codec))
    assert not declares_entities(b"")


# A feed whose entity feedparser expands (checked below, so the guard is tested against what
# feedparser really does, not against a guess).
_ENTITY_RSS = (
    '<?xml version="1.0" encoding="{encoding}"?>'
    '<!DOCTYPE rss [<!ENTITY a "expanded-by-feedparser">]><rss version="2.0"><channel>'
    "<title>T &a;</title><item><title>x</title><link>https://a.example/1</link></item>"
    "</channel></rss>"
)


@pytest.mark.parametrize("codec", ["cp037", "cp500", "cp1140", "utf-7", "utf-16", "utf-32"])
def test_declarations_in_any_encoding_feedparser_decodes_are_found(codec: str) -> None:
    import feedparser

    body = _ENTITY_RSS.format(encoding=codec).encode(codec)
    assert "expanded-by-feedparser" in feedparser.parse(body).feed.title
    assert declares_entities(body)
    assert "declares XML entities" in (parse_feed(body, "https://a.example/").error or "")


def test_declarations_are_found_in_a_body_feedparser_decodes_as_unicode_escape() -> None:
    import feedparser

    text = _ENTITY_RSS.format(encoding="unicode_escape").replace("<!ENTITY", "\\x3c!ENTITY")
    body = text.encode("ascii")
    assert b"<!ENTITY" not in body
    assert "expanded-by-feedparser" in feedparser.parse(body).feed.title
    assert declares_entities(body)


def test_a_charset_named_only_by_the_server_is_the_one_decided_on() -> None:
    import feedparser

    # No XML declaration: only the Content-Type says the body is EBCDIC, and feedparser then
    # reads the declaration in it.
    body = _ENTITY_RSS.split("?>", 1)[1].encode("cp037")
    content_type = "application/rss+xml; charset=cp037"
    read = feedparser.parse(body, response_headers={"content-type": content_type})
    assert read.encoding == "cp037" and read.feed.title.startswith("T ")
    assert b"<!ENTITY" not in body.upper()
    assert declares_entities(body, content_type)
    refused = parse_feed(body, "https://a.example/", content_type).error or ""
    assert "declares XML entities" in refused
    # Without that header feedparser reads other text, with no declaration in it.
    assert feedparser.parse(body).encoding != "cp037"
    assert not declares_entities(body)


@pytest.mark.parametrize("codec", ["cp037", "utf-7", "utf-16-le"])
def test_ordinary_feeds_in_unusual_encodings_pass(codec: str) -> None:
    body = (
        _ENTITY_RSS.format(encoding=codec)
        .replace('<!DOCTYPE rss [<!ENTITY a "expanded-by-feedparser">]>', "<!DOCTYPE rss>")
        .replace("&a;", "ENTITY &amp; &lt;!entity&gt;")
    )
    assert not declares_entities(body.encode(codec))
    assert parse_feed(body.encode(codec), "https://a.example/").error is None


def test_the_captured_real_feeds_pass() -> None:
    folder = Path(__file__).resolve().parents[1] / "data" / "feeds"
    bodies = [p.read_bytes() for p in sorted(folder.glob("*.xml"))]
    assert len(bodies) >= 10
    assert not any(declares_entities(body) for body in bodies)
