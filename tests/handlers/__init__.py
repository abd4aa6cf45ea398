"""Shared set-up for the command binding tests: a real Pipeline over feeds served on 127.0.0.1.

`open_pipeline` serves the WSJ sample, the Radio Habana Cuba seed story, six older stories that
mention Rostec (so a lookup has two pages) and a story with a hostile title, polls once, and
yields the pipeline: the store then holds the seed denial, the WSJ report and the link between
them. `opml` builds OPML documents of any size.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

from bot.app import Pipeline
from tests.fakes.feed_server import FeedServer

FEEDS = Path(__file__).resolve().parents[1] / "data" / "feeds"
SEED_TITLE = "Russia rejects reports on military experts withdrawal from Venezuela"
REPORT_TITLE = "Russia Cuts Rostec Staff in Venezuela to a Few Dozen"
HOSTILE_TITLE = "@everyone <@&123> **x** </a><b> Zanzibar port deal"
_EXTRA = (
    (
        "Rostec helicopters shown at an Indian air show",
        "Crowds in Bangalore watched two Ka-226 machines fly a display before buyers.",
    ),
    (
        "Titanium smelter in the Urals doubles its furnace count",
        "VSMPO-Avisma, partly owned by Rostec, expects output to rise next winter.",
    ),
    (
        "Kazan engine makers test a hydrogen prototype",
        "Engineers ran the motor for ninety minutes; Rostec declined to give a cost.",
    ),
    (
        "Hospitals in Novosibirsk receive new scanners",
        "The regional health ministry bought forty MRI units through a Rostec tender.",
    ),
    (
        "Samara satellite parts plant hires 300 graduates",
        "The recruitment drive at the Rostec factory targets university physics students.",
    ),
    (
        "Tula railway signalling software passes audit",
        "Auditors approved code written by a Rostec subsidiary for freight junctions.",
    ),
)


def rostec_feed() -> bytes:
    """Six unrelated, older stories that each name Rostec (a second page for /lookup)."""
    items = []
    for n, (title, text) in enumerate(_EXTRA, start=1):
        items.append(
            f"<item><title>{title}</title>"
            f"<link>https://extra.example/story/{n}</link><guid>extra-{n}</guid>"
            f"<pubDate>Mon, {n * 4:02d} Jan 2018 10:00:00 +0000</pubDate>"
            f"<description>{text}</description></item>"
        )
    return (
        "<?xml version='1.0'?><rss version='2.0'><channel><title>Extra Wire</title>"
        f"<link>https://extra.example/</link>{''.join(items)}</channel></rss>"
    ).encode()


def hostile_feed() -> bytes:
    """A feed whose title and story title carry mentions, markdown and HTML."""
    title = HOSTILE_TITLE.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return (
        "<?xml version='1.0'?><rss version='2.0'><channel>"
        f"<title>{title}</title><item><guid>h1</guid><title>{title}</title>"
        "<link>https://hostile.example/a</link>"
        "<pubDate>Tue, 02 Jan 2018 10:00:00 +0000</pubDate>"
        "<description>Port officials in Zanzibar signed a deal on Tuesday.</description>"
        "</item></channel></rss>"
    ).encode()


def simple_feed(title: str, n: int = 3) -> bytes:
    items = "".join(
        f"<item><title>{title} item {i}</title><link>https://new.example/{i}</link>"
        f"<guid>new-{i}</guid><description>Item {i}.</description></item>"
        for i in range(1, n + 1)
    )
    return (
        "<?xml version='1.0'?><rss version='2.0'><channel>"
        f"<title>{title}</title><link>https://new.example/</link>{items}</channel></rss>"
    ).encode()


def opml(count: int, start: int = 0) -> bytes:
    outlines = "".join(
        f'<outline type="rss" text="Feed {i}" xmlUrl="https://site{i % 97}.example/feed/{i}.xml"/>'
        for i in range(start, start + count)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><opml version="2.0"><head><title>t</title></head>'
        f'<body><outline text="Imported">{outlines}</outline></body></opml>'
    ).encode()


def write_feeds_file(tmp_path: Path, server: FeedServer) -> Path:
    lines = [
        "fetch:",
        "  allow: [127.0.0.0/8]",
        "outlets:",
        "  - id: radiohc",
        "    name: Radio Habana Cuba",
        "    domains: [radiohc.cu]",
        "  - id: wsj",
        "    name: The Wall Street Journal",
        "    aliases: [WSJ]",
        "    domains: [wsj.com, feeds.a.dj.com]",
        "feeds:",
        "  - id: wsj-world",
        f"    url: {server.url('/wsj.xml')}",
        "    outlet: wsj",
        "  - id: rhc",
        f"    url: {server.url('/rhc.xml')}",
        "    outlet: radiohc",
        "  - id: extra",
        f"    url: {server.url('/extra.xml')}",
        "  - id: hostile",
        f"    url: {server.url('/hostile.xml')}",
    ]
    path = tmp_path / "feeds.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path


@contextlib.asynccontextmanager
async def open_pipeline(tmp_path: Path) -> AsyncIterator[tuple[Pipeline, FeedServer]]:
    """A polled pipeline (no process pool) and the feed server it polled."""
    with FeedServer() as server:
        server.put("/wsj.xml", (FEEDS / "wsj_sample.xml").read_bytes())
        server.put("/rhc.xml", (FEEDS / "radiohc_seed.xml").read_bytes())
        server.put("/extra.xml", rostec_feed())
        server.put("/hostile.xml", hostile_feed())
        feeds = write_feeds_file(tmp_path, server)
        async with await Pipeline.open(
            str(tmp_path / "db.sqlite"), str(feeds), use_pool=False
        ) as pipeline:
            await pipeline.poller.poll_once()
            yield pipeline, server
