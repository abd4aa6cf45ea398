"""Links through the real pipeline: a denial finds the report it denies; copies cluster.

Feeds are served on 127.0.0.1 and polled into a real SQLite file; context is computed when each
story is stored, and links are read back from the store.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.app import Pipeline
from bot.context.links import minhash_bands, score_same_event, shingles, words
from bot.context.pipeline import analyze_batch
from tests.fakes.feed_server import FeedServer

FEEDS = Path(__file__).resolve().parents[1] / "data" / "feeds"


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with FeedServer() as running:
        yield running


def write_feeds(tmp_path: Path, feeds: dict[str, tuple[str, str]]) -> Path:
    """feeds: id → (url, outlet id); outlets come from the registry."""
    lines = ["fetch:", "  allow: [127.0.0.0/8]", "feeds:"]
    for feed_id, (url, outlet) in feeds.items():
        lines += [f"  - id: {feed_id}", f"    url: {url}", f"    outlet: {outlet}"]
    lines += [
        "outlets:",
        "  - id: radiohc",
        "    name: Radio Habana Cuba",
        "    domains: [radiohc.cu]",
        "  - id: wsj",
        "    name: The Wall Street Journal",
        "    aliases: [WSJ]",
        "    domains: [wsj.com, feeds.a.dj.com]",
        "  - id: wire1",
        "    name: Wire One",
        "  - id: wire2",
        "    name: Wire Two",
    ]
    path = tmp_path / "feeds.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path


async def test_seed_denial_links_to_the_wsj_report(
    server: FeedServer, tmp_path: Path, db_target: str
) -> None:
    server.put("/wsj.xml", (FEEDS / "wsj_sample.xml").read_bytes())
    server.put("/rhc.xml", (FEEDS / "radiohc_seed.xml").read_bytes())
    feeds = write_feeds(
        tmp_path,
        {"wsj-world": (server.url("/wsj.xml"), "wsj"), "rhc": (server.url("/rhc.xml"), "radiohc")},
    )
    async with await Pipeline.open(db_target, str(feeds), use_pool=False) as p:
        await p.poller.poll_once()
        stories = {s.title: s for s in await p.store.latest(10)}
        denial = stories["Russia rejects reports on military experts withdrawal from Venezuela"]
        report = stories["Russia Cuts Rostec Staff in Venezuela to a Few Dozen"]
        oil = stories["Venezuela's Oil Output Slides Again as Sanctions Bite"]

        assert denial.context is not None and denial.context.denial.is_denial
        assert denial.context.denial.denied_outlet_id == "wsj"
        links = await p.store.links_from(denial.id, "denies")
        assert [lk.to_story for lk in links] == [report.id]  # not the unrelated oil story
        assert links[0].confidence >= 0.45 and "rostec" in links[0].reason
        reverse = await p.store.links_to(report.id, "denies")
        assert [lk.from_story for lk in reverse] == [denial.id]
        assert await p.store.links_to(oil.id, "denies") == []


async def test_without_the_report_nothing_is_linked(
    server: FeedServer, tmp_path: Path, db_target: str
) -> None:
    server.put("/rhc.xml", (FEEDS / "radiohc_seed.xml").read_bytes())
    wsj_other = (FEEDS / "wsj_sample.xml").read_bytes()
    start = wsj_other.index(b"<item>")
    end = wsj_other.index(b"</item>") + len(b"</item>")
    server.put("/wsj.xml", wsj_other[:start] + wsj_other[end:])  # only the oil story
    feeds = write_feeds(
        tmp_path,
        {"wsj-world": (server.url("/wsj.xml"), "wsj"), "rhc": (server.url("/rhc.xml"), "radiohc")},
    )
    async with await Pipeline.open(db_target, str(feeds), use_pool=False) as p:
        await p.poller.poll_once()
        (denial,) = [s for s in await p.store.latest(10) if s.outlet_id == "radiohc"]
        assert await p.store.links_from(denial.id) == []


async def test_report_arriving_after_the_denial_is_linked_too(
    server: FeedServer, tmp_path: Path, db_target: str
) -> None:
    server.put("/rhc.xml", (FEEDS / "radiohc_seed.xml").read_bytes())
    feeds = write_feeds(tmp_path, {"rhc": (server.url("/rhc.xml"), "radiohc")})
    db = db_target
    async with await Pipeline.open(db, str(feeds), use_pool=False) as p:
        await p.poller.poll_once()
    server.put("/wsj.xml", (FEEDS / "wsj_sample.xml").read_bytes())
    feeds = write_feeds(
        tmp_path,
        {"rhc": (server.url("/rhc.xml"), "radiohc"), "wsj-world": (server.url("/wsj.xml"), "wsj")},
    )
    async with await Pipeline.open(db, str(feeds), use_pool=False) as p:
        await p.poller.poll_once()
        stories = {s.outlet_id + ":" + s.title[:12]: s for s in await p.store.latest(10)}
        report = stories["wsj:Russia Cuts "]
        denial = stories["radiohc:Russia rejec"]
        assert [lk.from_story for lk in await p.store.links_to(report.id, "denies")] == [denial.id]


WIRE = (
    "<p>Chile's President signed a law on Tuesday creating a national lithium company, "
    "the government said, in a move that gives the state control of future contracts for "
    "the metal used in electric car batteries. Codelco will lead the talks with private "
    "miners including SQM and Albemarle, Finance Minister Mario Marcel told reporters in "
    "Santiago.</p>"
)


def wire_feed(outlet: str, guid: str, extra: str = "") -> bytes:
    return (
        f"<?xml version='1.0'?><rss version='2.0'><channel><title>{outlet}</title>"
        f"<item><guid>{guid}</guid><title>Chile creates national lithium company</title>"
        f"<link>https://{outlet}.example/{guid}</link>"
        f"<pubDate>Tue, 04 Jun 2019 10:00:00 +0000</pubDate>"
        f"<description>{WIRE.replace('<', '&lt;')}{extra}</description></item>"
        "</channel></rss>"
    ).encode()


async def test_wire_copies_from_two_outlets_form_one_cluster(
    server: FeedServer, tmp_path: Path, db_target: str
) -> None:
    empty = b"<?xml version='1.0'?><rss version='2.0'><channel><title>w</title></channel></rss>"
    server.put("/w1.xml", empty)
    server.put("/w2.xml", empty)
    feeds = write_feeds(
        tmp_path, {"w1": (server.url("/w1.xml"), "wire1"), "w2": (server.url("/w2.xml"), "wire2")}
    )
    async with await Pipeline.open(str(tmp_path / "db.sqlite"), str(feeds), use_pool=False) as p:
        await p.poller.poll_once()  # first poll: the feeds' baseline (nothing to alert)
        server.put("/w1.xml", wire_feed("wire1", "a1"))
        server.put("/w2.xml", wire_feed("wire2", "b7", " Reporting by staff."))
        await p.poller.poll_once()
        first, second = sorted(await p.store.latest(10), key=lambda s: s.id)
        links = await p.store.links_from(second.id, "same_story")
        assert [lk.to_story for lk in links] == [first.id]
        members = await p.store.cluster_members(first.id)
        assert {s.id for s in members} == {first.id, second.id}


async def test_a_first_polls_copies_get_no_same_story_search_of_their_own(
    server: FeedServer, tmp_path: Path, db_target: str
) -> None:
    # A first poll records its items without alerting; they are searched by later stories
    # (as above), and keep their denial links (the seed test), but do not search each other.
    server.put("/w1.xml", wire_feed("wire1", "a1"))
    server.put("/w2.xml", wire_feed("wire2", "b7", " Reporting by staff."))
    feeds = write_feeds(
        tmp_path, {"w1": (server.url("/w1.xml"), "wire1"), "w2": (server.url("/w2.xml"), "wire2")}
    )
    async with await Pipeline.open(db_target, str(feeds), use_pool=False) as p:
        await p.poller.poll_once()
        stories = await p.store.latest(10)
        assert len(stories) == 2 and all(not s.alert_worthy for s in stories)
        assert [await p.store.links_from(s.id) for s in stories] == [[], []]
        assert await p.store.unlinked_stories(10) == []  # linked: nothing left for later


def test_minhash_bands_are_stable_and_similar_texts_share_them() -> None:
    text = WIRE * 2
    assert minhash_bands(text) == minhash_bands(text)
    shared = set(minhash_bands(text)) & set(minhash_bands(text + " Reporting by staff."))
    assert len(shared) >= 4  # of 8 bands
    assert not set(minhash_bands(text)) & set(minhash_bands("Quite another story " * 30))
    assert minhash_bands("too short") == ()


def test_same_event_needs_shared_entities_and_similar_headlines() -> None:
    (a, _, _), (b, _, _), (c, _, _) = analyze_batch(
        [
            ("Chile creates national lithium company", WIRE, None, None, "en"),
            (
                "Chile to set up state lithium firm, Codelco to lead talks",
                "Chile's government will set up a national lithium company, Finance Minister Mario "
                "Marcel said in Santiago, with Codelco leading talks with SQM.",
                None,
                None,
                "en",
            ),
            (
                "Peru election goes to runoff",
                "Peru's presidential election will go to a runoff in Lima, officials said.",
                None,
                None,
                None,
            ),
        ]
    )
    assert (
        score_same_event(
            "Chile creates national lithium company",
            a,
            "Chile to set up state lithium firm, Codelco to lead talks",
            b,
        ).confidence
        >= 0.5
    )
    assert (
        score_same_event(
            "Chile creates national lithium company", a, "Peru election goes to runoff", c
        ).confidence
        == 0.0
    )


def test_words_fold_accents_and_marks_as_decomposing_each_character_does() -> None:
    # The linker's fast fold (one translate table) against the definition: NFKD, then every
    # combining mark dropped, then lower case; on real text of the captured feeds and on
    # marks written apart from their letter.
    def reference(text: str) -> list[str]:
        decomposed = unicodedata.normalize("NFKD", text)
        kept = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
        return re.findall(r"\w+", kept.lower())

    texts = [p.read_text(errors="replace") for p in sorted(FEEDS.glob("*.xml"))]
    texts += ["Café “Ñandú” São Paulo", "Ростех и Йемен ёлка", "e\u0301te\u0301 fi\ufb01n ①", ""]
    for text in texts:
        assert words(text) == reference(text)
    assert words("Ростех и Йемен") == ["ростех", "и", "иемен"]
    assert shingles("Café “Ñandú” São Paulo") == {b"cafe nandu sao", b"nandu sao paulo"}
