"""The fast (lxml) parse path gives exactly what feedparser gives, or leaves the document to it.

Every test compares the two real paths of `parse_feed` (`fast=True`, `fast=False`) on the
same bytes; nothing is mocked. `scripts/compare_parsers.py` runs the same comparison over the
whole shared corpus.
"""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from bot.ingest import fastparse, parse
from bot.ingest.parse import ParsedFeed, parse_feed

FEEDS = Path(__file__).resolve().parents[1] / "data" / "feeds"
# The Content-Types the comparison runs each document under: none, one that makes feedparser
# assume US-ASCII (RFC 3023 text/xml), and one whose charset overrides the document's.
CONTENT_TYPES = [None, "text/xml", "application/rss+xml; charset=iso-8859-1"]


def documents() -> list[Path]:
    return sorted(p for p in FEEDS.rglob("*") if p.suffix in (".xml", ".gz"))


def read(path: Path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if path.suffix == ".gz" else data


def both(body: bytes, content_type: str | None = None) -> tuple[ParsedFeed, ParsedFeed]:
    url = "https://feeds.example/feed.xml"
    return parse_feed(body, url, content_type), parse_feed(body, url, content_type, fast=False)


@pytest.mark.parametrize("path", documents(), ids=lambda p: p.name)
def test_fast_path_equals_feedparser_on_every_copy(path: Path) -> None:
    body = read(path)
    for content_type in CONTENT_TYPES:
        fast, slow = both(body, content_type)
        assert fast == slow, (path.name, content_type)


def test_the_fast_path_takes_the_well_formed_news_feeds() -> None:
    assert fastparse.ENABLED and parse._FAST_PATH is fastparse  # on this feedparser, in use
    news = [p for p in documents() if p.parent == FEEDS or p.name.startswith("news__")]
    taken = [p.name for p in news if fastparse.parse_raw(read(p), None) is not None]
    # All but the malformed quirky ones.
    assert "bbc_world.xml" in taken and "npr_world.xml" in taken
    assert "news__spiegel__feedrs-rss_2.0_spiegel.xml" in taken
    assert "news__al-monitor__ffp-72fea1ebfd02e90a.xml" in taken  # xml:base on the root
    assert "pcmag_illegally_nested.xml" not in taken
    assert len(taken) >= 15, taken
    feedparser_tests = [p for p in documents() if p.name.startswith("fp-")]
    fast_tests = [p for p in feedparser_tests if fastparse.parse_raw(read(p), None) is not None]
    assert len(fast_tests) >= len(feedparser_tests) // 2


def rss(item: str, channel: str = "", root: str = 'version="2.0"') -> bytes:
    return (
        f'<?xml version="1.0" encoding="utf-8"?>\n<rss {root} '
        'xmlns:media="http://search.yahoo.com/mrss/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/">'
        f"<channel><title>Feed</title>{channel}<item>{item}</item></channel></rss>"
    ).encode()


def atom(entry: str, feed: str = "") -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" '
        f'xml:lang="de-DE"><title type="html">A &amp;amp; B</title>{feed}'
        f"<entry>{entry}</entry></feed>"
    ).encode()


# Documents the fast path must take, each testing one of feedparser's rules it repeats.
TAKEN = {
    "description then media:description becomes content": rss(
        "<title>T</title><link>https://x.test/a</link><description>Short teaser.</description>"
        "<media:description>A much longer photo caption that wins the text.</media:description>"
    ),
    "content:encoded is copied to an absent summary": rss(
        "<title>T</title><content:encoded><![CDATA[<p>Full <b>story</b> here.</p>]]>"
        "</content:encoded>"
    ),
    "guid is the link when it is a permalink": rss("<title>T</title><guid>https://x.test/g</guid>"),
    "guid is not a link when isPermaLink is false": rss(
        '<title>T</title><guid isPermaLink="false">https://x.test/g</guid>'
    ),
    "a link after the guid wins": rss(
        "<guid>https://x.test/g</guid><link>https://x.test/l?a=1&amp;amp;b=2</link><title>T</title>"
    ),
    "the first non-empty title wins, media:title fills in": rss(
        "<title></title><media:title>Media title</media:title><title>Second</title>"
    ),
    "rss author with an address": rss("<title>T</title><author>ed@x.test (Ed Smith)</author>"),
    "dc:creator and dates": rss(
        "<title>T</title><dc:creator>Ana</dc:creator><dc:date>2024-05-01T10:00:00+02:00</dc:date>"
        "<pubDate>Wed, 01 May 2024 09:00:00 GMT</pubDate>"
    ),
    "C1 characters map to cp1252, UTF-8 read as Latin-1 is repaired": rss(
        "<title>It\u0092s \u0093quoted\u0094</title><description>caf\u00c3\u00a9</description>"
    ),
    "language of the channel and of the item": rss(
        "<title>T</title><dc:language>fr-FR</dc:language>",
        "<language>pt-BR</language><ttl>30</ttl>",
    ),
    "media:content children are read in the item": rss(
        '<title>T</title><media:content url="https://x.test/i.jpg"><media:title>Photo</media:title>'
        "<media:description>Caption</media:description></media:content>"
    ),
    "an element of an unknown default namespace is read by its bare name": rss(
        '<title>T</title><post-id xmlns="com-wordpress:feed-additions:1">7</post-id>'
    ),
    "feedburner origLink is the link": rss(
        "<title>T</title><link>https://feeds.x.test/~r/1</link>"
        '<feedburner:origLink xmlns:feedburner="http://rssnamespace.org/feedburner/ext/1.0">'
        "https://x.test/original</feedburner:origLink>"
    ),
    "xml:base on a link": rss('<title>T</title><link xml:base="https://x.test/d/">a</link>'),
    "nested xml:base in Atom": (
        b'<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://x.test/blog/">'
        b'<title>F</title><entry xml:base="2024/"><title>T</title><id>post-1</id>'
        b'<link href="post-1.html"/><author><name>A</name><uri>me/</uri></author></entry>'
        b'<entry><title>U</title><id xml:base="https://y.test/">tag-less</id></entry></feed>'
    ),
    "a base left behind by a sibling (feedparser restores only non-empty bases)": rss(
        '<title>T</title><comments xml:base="https://x.test/c/">x</comments><guid>rel</guid>'
    ),
    "a bare base attribute": rss('<title>T</title><link base="https://x.test/b/">rel</link>'),
    "RSS 0.92": rss("<title>T</title><link>https://x.test/a</link>", root='version="0.92"'),
    "atom author name and email, html title, alternate link": atom(
        "<title type='html'>&lt;b&gt;Bold&lt;/b&gt; news</title><id>tag:x.test,2024:1</id>"
        "<link rel='self' href='https://x.test/self'/><link href='https://x.test/e'/>"
        "<author><name>Kim</name><email>kim@x.test</email></author>"
        "<updated>2024-05-01T10:00:00Z</updated><summary>Sum</summary>"
        "<content type='html'>&lt;p&gt;Body text, longer than the summary.&lt;/p&gt;</content>"
    ),
    "atom entry without a link takes its id": atom(
        "<title>T</title><id>https://x.test/id-as-link</id><published>2024-05-01T10:00:00Z</published>"
    ),
}


@pytest.mark.parametrize("name", TAKEN)
def test_fast_path_takes_and_matches(name: str) -> None:
    body = TAKEN[name]
    assert fastparse.parse_raw(body, None) is not None
    fast, slow = both(body)
    assert fast == slow
    assert fast.entries, "the document has an entry"


def test_rules_give_feedparsers_values() -> None:
    """A few of the rules above, spelled out (both paths give these)."""
    (caption,) = both(TAKEN["description then media:description becomes content"])[0].entries
    assert caption.summary == "Short teaser." and caption.text.startswith("A much longer")
    (orig,) = both(TAKEN["feedburner origLink is the link"])[0].entries
    assert orig.link == "https://x.test/original"
    (person,) = both(TAKEN["atom author name and email, html title, alternate link"])[0].entries
    assert person.author == "Kim (kim@x.test)" and person.link == "https://x.test/e"
    assert person.title == "Bold news"
    (quoted,) = both(TAKEN["C1 characters map to cp1252, UTF-8 read as Latin-1 is repaired"])[
        0
    ].entries
    assert quoted.title == "It’s “quoted”" and quoted.summary == "café"


# Documents the fast path must leave to feedparser, and why.
FALLBACK = {
    "not well-formed": b'<rss version="2.0"><channel><item><title>A & B</title></item></channel>',
    "undefined entity": rss("<title>caf&eacute;</title>"),
    "DOCTYPE": b'<?xml version="1.0"?>\n<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD '
    b'RSS 0.91//EN" "http://my.netscape.com/publish/formats/rss-0.91.dtd">'
    b'<rss version="0.91"><channel><item><title>T</title></item></channel></rss>',
    "markup inside a text element": rss("<title>T</title><description><p>Raw</p></description>"),
    "xhtml content": atom(
        '<title>T</title><content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">'
        "<p>X</p></div></content>"
    ),
    "base64 content": atom(
        '<title>T</title><content type="application/octet-stream">SGk=</content>'
    ),
    "RSS 1.0": b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
    b'xmlns="http://purl.org/rss/1.0/"><item><title>T</title></item></rdf:RDF>',
    "a source with children": atom("<title>T</title><source><title>Other</title></source>"),
    "encoding feedparser overrides": b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0">'
    b"<channel><item><title>caf\xe9</title></item></channel></rss>",
    "a prefix feedparser renames (dc bound to DC terms)": (
        b'<rss version="2.0" xmlns:dc="http://purl.org/dc/terms/" '
        b'xmlns:e="http://purl.org/dc/elements/1.1/"><channel><item><title>T</title>'
        b"<e:creator>Ann</e:creator><dc:creator>Bob</dc:creator></item></channel></rss>"
    ),
    "a textInput": rss("<title>T</title>", "<textInput><title>Search</title></textInput>"),
}


@pytest.mark.parametrize("name", FALLBACK)
def test_fast_path_leaves_odd_documents_to_feedparser(name: str) -> None:
    body = FALLBACK[name]
    assert fastparse.parse_raw(body, None) is None
    fast, slow = both(body)
    assert fast == slow


def test_renamed_prefixes_keep_feedparsers_reading() -> None:
    # feedparser reads both creators as "dcterms:creator", which it does not know: no author.
    (entry,) = both(FALLBACK["a prefix feedparser renames (dc bound to DC terms)"])[0].entries
    assert entry.author is None


def test_malformed_feed_still_gets_feedparsers_recovery_and_warning() -> None:
    fast, _ = both(FALLBACK["not well-formed"])
    assert fast.warning is not None and "SAX" in fast.warning
    assert [e.title for e in fast.entries] == ["A & B"]


@pytest.fixture
def dtd_server() -> Iterator[tuple[str, list[str]]]:
    """A real HTTP server on 127.0.0.1 that records every request (a DTD must never be asked)."""
    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            body = b'<!ENTITY boom "gone">'
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", hits
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def test_external_dtd_and_entities_are_never_fetched_or_expanded(
    dtd_server: tuple[str, list[str]],
) -> None:
    base, hits = dtd_server
    body = (
        f'<?xml version="1.0"?>\n<!DOCTYPE rss SYSTEM "{base}/feed.dtd">'
        '<rss version="2.0"><channel><item><title>&boom;</title></item></channel></rss>'
    ).encode()
    assert fastparse.parse_raw(body, None) is None
    fast, slow = both(body)
    assert fast == slow
    assert all("gone" not in e.title for e in fast.entries)
    # The fast path's parser itself neither loads the DTD nor resolves the entity.
    root = fastparse.etree.fromstring(body, fastparse._PARSER)
    assert "gone" not in "".join(root.itertext())
    assert hits == []


def test_entity_declarations_are_refused_before_either_path() -> None:
    body = (
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">]>'
        b'<rss version="2.0"><channel><item><title>&a;</title></item></channel></rss>'
    )
    fast, slow = both(body)
    assert fast == slow
    assert fast.error is not None and "entities" in fast.error


def test_environment_switch_turns_the_fast_path_off() -> None:
    code = "import sys; from bot.ingest import parse; sys.stdout.write(repr(parse.FAST_PARSE))"
    results = {}
    for value in ("0", "1"):
        env = {**os.environ, "NEWSBOT_FAST_PARSE": value}
        done = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
        )
        results[value] = done.stdout
    assert results == {"0": "False", "1": "True"}
