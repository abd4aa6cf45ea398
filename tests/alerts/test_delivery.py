"""Fan-out and delivery through the real pipeline, with the console as the platform.

Feeds are served on 127.0.0.1 and polled into SQLite; outbox rows are created with the
stories, and the dispatcher drains them to the real ConsoleSink writing into a buffer.
"""

from __future__ import annotations

import io
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.alerts.fanout import matches, next_digest_at
from bot.alerts.outbox import Dispatcher
from bot.alerts.ratelimit import Limiter, RateLimits
from bot.app import Pipeline
from bot.models import Entry, FeedConfig, FeedState, StoryDraft, Subscription
from bot.platforms.console import ConsoleSink
from tests.fakes.feed_server import FeedServer

FEEDS = Path(__file__).resolve().parents[1] / "data" / "feeds"
FAST = RateLimits(overall_per_second=1000, per_chat_per_second=1000, per_group_per_minute=10**6)


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with FeedServer() as running:
        yield running


def rss(items: list[tuple[str, str, str]]) -> bytes:
    body = "".join(
        f"<item><guid isPermaLink='false'>{g}</guid><title>{t}</title>"
        f"<link>https://news.example/{g}</link><description>{d}</description></item>"
        for g, t, d in items
    )
    return (
        f"<?xml version='1.0'?><rss version='2.0'><channel><title>T</title>{body}</channel></rss>"
    ).encode()


def empty_like(path: Path) -> bytes:
    """The same channel with no items: the first poll then records nothing."""
    raw = path.read_bytes()
    return re.sub(rb"<item>.*</item>", b"", raw, flags=re.S)


def write_feeds(tmp_path: Path, server: FeedServer, subs: str) -> Path:
    path = tmp_path / "feeds.yaml"
    path.write_text(
        "fetch:\n  allow: [127.0.0.0/8]\n"
        "outlets:\n  - id: wsj\n    name: The Wall Street Journal\n    domains: [wsj.com]\n"
        "  - id: radiohc\n    name: Radio Habana Cuba\n    domains: [radiohc.cu]\n"
        f"feeds:\n  - id: wsj-world\n    url: {server.url('/wsj.xml')}\n    outlet: wsj\n"
        "    tags: [world]\n"
        f"  - id: rhc\n    url: {server.url('/rhc.xml')}\n    outlet: radiohc\n"
        "    tags: [cuba]\n"
        f"subscriptions:\n{subs}"
    )
    return path


async def test_report_then_denial_sends_alert_then_follow_up_as_reply(
    server: FeedServer, tmp_path: Path, db_target: str
) -> None:
    server.put("/wsj.xml", empty_like(FEEDS / "wsj_sample.xml"))
    server.put("/rhc.xml", empty_like(FEEDS / "radiohc_seed.xml"))
    feeds = write_feeds(
        tmp_path,
        server,
        "  - platform: console\n    chat: wsj-readers\n    feeds: [wsj-world]\n"
        "  - platform: console\n    chat: everything\n",
    )
    out = io.StringIO()
    async with await Pipeline.open(db_target, str(feeds), use_pool=False) as p:
        dispatcher = Dispatcher(p.store, ConsoleSink(out), Limiter(FAST))
        await p.poller.poll_once()  # first poll: empty feeds, baseline done
        server.put("/wsj.xml", (FEEDS / "wsj_sample.xml").read_bytes())
        await p.poller.poll_once()
        await dispatcher.drain()
        first = out.getvalue()
        assert first.count("→ wsj-readers") == 2 and first.count("→ everything") == 2
        report_msg = re.search(r"message #(\d+) → wsj-readers\nRussia Cuts Rostec", first)
        assert report_msg is not None

        server.put("/rhc.xml", (FEEDS / "radiohc_seed.xml").read_bytes())
        await p.poller.poll_once()
        await dispatcher.drain()
        second = out.getvalue()[len(first) :]
        # wsj-readers did not subscribe to Radio Habana Cuba, but got the report: follow-up
        follow = re.search(
            r"→ wsj-readers \(reply to #(\d+)\)\nUPDATE on a story you received: "
            r"Russia Cuts Rostec Staff",
            second,
        )
        assert follow is not None and follow.group(1) == report_msg.group(1)
        assert "DENIAL: " in second and "The Wall Street Journal's report is untrue" in second
        # the chat that receives everything gets the denial once, as a reply to the report
        assert len(re.findall(r"→ everything \(reply to #\d+\)\nRussia rejects", second)) == 1
        assert second.count("→ everything") == 1
        counts = await p.store.outbox_counts()
        assert counts["pending"] == 0 and counts["sent"] == 6


async def test_denials_only_keywords_and_digest(
    server: FeedServer, tmp_path: Path, db_target: str
) -> None:
    server.put("/wsj.xml", rss([]))
    server.put("/rhc.xml", empty_like(FEEDS / "radiohc_seed.xml"))
    feeds = write_feeds(
        tmp_path,
        server,
        "  - platform: console\n    chat: denials\n    denials_only: true\n"
        "  - platform: console\n    chat: rostec\n    keywords: [Rostec]\n"
        "  - platform: console\n    chat: hourly\n    mode: hourly\n",
    )
    out = io.StringIO()
    async with await Pipeline.open(db_target, str(feeds), use_pool=False) as p:
        await p.poller.poll_once()
        server.put(
            "/wsj.xml",
            rss(
                [
                    ("n1", "Oil prices rise", "Brent up 2%"),
                    ("n2", "Rostec signs deal", "Rostec signed a deal"),
                ]
            ),
        )
        server.put("/rhc.xml", (FEEDS / "radiohc_seed.xml").read_bytes())
        await p.poller.poll_once()
        await Dispatcher(p.store, ConsoleSink(out), Limiter(FAST)).drain()
        text = out.getvalue()
        assert re.findall(r"→ denials\n(.*)", text) == [
            "Russia rejects reports on military experts withdrawal from Venezuela"
        ]
        assert sorted(re.findall(r"→ rostec\n(.*)", text)) == [
            "Rostec signs deal",  # the seed's summary names Rostec too; the oil story does not
            "Russia rejects reports on military experts withdrawal from Venezuela",
        ]
        assert "→ hourly" not in text  # held for the digest
        assert (await p.store.outbox_counts())["held"] == 3


def draft(title: str, *, feed: str = "f1", outlet: str | None = "wsj") -> StoryDraft:
    entry = Entry(
        guid=None, link=None, canonical_url=None, title=title, summary="", text="", published=None
    )
    return StoryDraft(
        identity=title,
        scope="s",
        entry=entry,
        content_hash="h",
        outlet_id=outlet,
        feed_id=feed,
        alert_worthy=True,
    )


FEED = FeedState(
    id="f1",
    url="https://x.test/",
    outlet_id="wsj",
    interval=900,
    tags=("world",),
    language="en",
    enabled=True,
    origin="config",
    status="ok",
)


def test_filters_are_alternatives_and_mute_wins() -> None:
    sub = Subscription(
        id=1, platform="console", chat="c", filters={"tags": ("cuba",), "keywords": ("lithium",)}
    )
    assert matches(sub, draft("Chile lithium deal"), FEED, 0)
    assert not matches(sub, draft("Chile copper deal"), FEED, 0)
    assert matches(
        Subscription(
            id=2,
            platform="console",
            chat="c",
            filters={"outlets": ("The Wall Street Journal", "wsj")},
        ),
        draft("x"),
        FEED,
        0,
    )
    assert matches(
        Subscription(id=3, platform="console", chat="c", filters={"tags": ("world",)}),
        draft("x"),
        FEED,
        0,
    )
    muted = Subscription(id=4, platform="console", chat="c", muted_until=100.0)
    assert not matches(muted, draft("x"), FEED, 50) and matches(muted, draft("x"), FEED, 150)
    assert not matches(
        Subscription(id=5, platform="console", chat="c", denials_only=True), draft("x"), FEED, 0
    )


def test_digest_times_are_the_next_hour_or_midnight() -> None:
    t = 1_700_000_123.0  # 2023-11-14 22:15:23 UTC
    assert next_digest_at("hourly", t) == 1_700_002_800.0
    assert next_digest_at("daily", t) == 1_700_006_400.0


async def test_in_flight_rows_are_resent_after_a_crash_and_order_is_kept(
    server: FeedServer, tmp_path: Path, db_target: str
) -> None:
    server.put("/wsj.xml", rss([]))
    server.put("/rhc.xml", rss([]))
    feeds = write_feeds(tmp_path, server, "  - platform: console\n    chat: c1\n")
    out = io.StringIO()
    async with await Pipeline.open(db_target, str(feeds), use_pool=False) as p:
        await p.poller.poll_once()
        server.put("/wsj.xml", rss([(f"g{i}", f"Story {i}", "x") for i in range(5)]))
        await p.poller.poll_once()
        (first,) = await p.store.due_items("console")  # only the oldest per chat is due
        await p.store.mark_sending([first.id])  # the process dies here, mid-send
        assert await p.store.due_items("console") == []  # nothing overtakes the in-flight row
        assert await p.store.recover_in_flight() == 1
        started = time.monotonic()
        await Dispatcher(p.store, ConsoleSink(out), Limiter(FAST)).drain()
        assert time.monotonic() - started < 10
    titles = re.findall(r"→ c1\n(Story \d)", out.getvalue())
    assert sorted(titles) == [f"Story {i}" for i in range(5)] and len(titles) == 5
    ids = [int(m) for m in re.findall(r"message #(\d+) → c1", out.getvalue())]
    assert ids == sorted(ids)


async def test_digest_is_one_message_listing_the_stories_when_its_hour_comes(
    server: FeedServer, tmp_path: Path, db_target: str
) -> None:
    server.put("/wsj.xml", rss([]))
    server.put("/rhc.xml", rss([]))
    feeds = write_feeds(
        tmp_path, server, "  - platform: console\n    chat: hourly\n    mode: hourly\n"
    )
    out = io.StringIO()
    async with await Pipeline.open(db_target, str(feeds), use_pool=False) as p:
        await p.poller.poll_once()
        server.put("/wsj.xml", rss([(f"d{i}", f"Digest story {i}", "x") for i in range(3)]))
        await p.poller.poll_once()
        dispatcher = Dispatcher(p.store, ConsoleSink(out), Limiter(FAST))
        await dispatcher.drain()
        assert out.getvalue() == ""  # not before the hour
        held = [i for _, items in await p.store.due_digests("console") for i in items]
        assert held == []  # due_digests only returns groups whose time has come
        rows = [
            row for story in await p.store.latest(3) for row in await p.store.deliveries(story.id)
        ]
        assert [row.state for row in rows] == ["held"] * 3
        # the hour comes: the held rows' time is now in the past
        await p.store.mark_retry([row.row_id for row in rows], time.time() - 1, "", "held")
        await dispatcher.drain()
    text = out.getvalue()
    assert text.count("── message #") == 1 and "Digest: 3 stories" in text
    assert all(f"Digest story {i}" in text for i in range(3))


async def test_rereading_the_feeds_file_keeps_what_moderators_changed(
    server: FeedServer, tmp_path: Path, db_target: str
) -> None:
    server.put("/wsj.xml", rss([]))
    server.put("/rhc.xml", rss([]))
    feeds = write_feeds(
        tmp_path, server, "  - platform: console\n    chat: c1\n    outlets: [wsj]\n"
    )
    db = db_target
    async with await Pipeline.open(db, str(feeds), use_pool=False) as p:
        sub = await p.store.subscription("console", "c1")
        assert sub is not None
        await p.store.update_subscription(sub.id, filters={"keywords": ["Rostec"]})
        await p.store.sync_feeds(
            [FeedConfig(id="added-in-chat", url="https://x.test/rss")], origin="moderator"
        )
    async with await Pipeline.open(db, str(feeds), use_pool=False) as p:
        sub = await p.store.subscription("console", "c1")
        assert sub is not None and sub.filters == {"keywords": ("Rostec",)}
        assert "added-in-chat" in {f.id for f in await p.store.feeds()}
        assert {"wsj-world", "rhc"} <= {f.id for f in await p.store.feeds()}


async def test_a_resumed_feed_starts_afresh_and_a_changed_url_is_a_new_feed(
    server: FeedServer, tmp_path: Path, db_target: str
) -> None:
    server.put("/wsj.xml", rss([("a", "A", "a")]))
    server.put("/rhc.xml", b"<html>down</html>", content_type="text/html")
    feeds = write_feeds(tmp_path, server, "  - platform: console\n    chat: c\n")
    async with await Pipeline.open(db_target, str(feeds), use_pool=False) as p:
        await p.poller.poll_once()
        rhc = await p.store.feed("rhc")
        assert rhc is not None and rhc.failures == 1 and rhc.first_failure_at is not None
        await p.store.set_feed_enabled("rhc", False)
        await p.store.set_feed_enabled("rhc", True)
        rhc = await p.store.feed("rhc")
        assert rhc is not None and rhc.first_failure_at is None and rhc.next_poll_at is None
        wsj = await p.store.feed("wsj-world")
        assert wsj is not None and wsj.baseline_done and wsj.etag
        await p.store.sync_feeds([FeedConfig(id="wsj-world", url=server.url("/other.xml"))])
        moved = await p.store.feed("wsj-world")
        assert moved is not None and not moved.baseline_done and moved.etag is None
        server.put("/other.xml", rss([(f"o{i}", f"Other {i}", "x") for i in range(5)]))
        summary = await p.poller.poll_feed(moved)
        assert summary.seen == 5 and summary.new == 0  # a new feed: recorded, no alert flood


async def test_an_unexpected_error_fails_the_feed_alone_with_backoff(
    server: FeedServer, tmp_path: Path, db_target: str
) -> None:
    server.put("/wsj.xml", rss([]))
    server.put("/rhc.xml", rss([]))
    feeds = write_feeds(tmp_path, server, "  - platform: console\n    chat: c\n")
    async with await Pipeline.open(db_target, str(feeds), use_pool=False) as p:
        await p.poller.poll_once()
        server.put("/wsj.xml", rss([("n", "New", "x")]))

        async def broken(items: object) -> list[object]:
            raise RuntimeError("context engine bug")

        p.poller.contextualize = broken  # type: ignore[assignment]
        summary = await p.poller.poll_once()
        assert summary.failed == 1 and "internal error: RuntimeError" in summary.errors["wsj-world"]
        feed = await p.store.feed("wsj-world")
        assert feed is not None and feed.next_poll_at is not None
        assert feed.next_poll_at > time.time() + 30  # backed off, not retried every second


async def test_a_chat_that_got_the_denial_as_an_alert_gets_no_second_follow_up(
    server: FeedServer, tmp_path: Path, db_target: str
) -> None:
    server.put("/wsj.xml", empty_like(FEEDS / "wsj_sample.xml"))
    server.put("/rhc.xml", empty_like(FEEDS / "radiohc_seed.xml"))
    feeds = write_feeds(tmp_path, server, "  - platform: console\n    chat: all\n")
    out = io.StringIO()
    async with await Pipeline.open(db_target, str(feeds), use_pool=False) as p:
        dispatcher = Dispatcher(p.store, ConsoleSink(out), Limiter(FAST))
        await p.poller.poll_once()
        server.put("/wsj.xml", (FEEDS / "wsj_sample.xml").read_bytes())
        await p.poller.poll_once()
        await dispatcher.drain()
        # the denial is stored, and its alert is sent before the linker runs (the race)
        p.poller.settle = None
        server.put("/rhc.xml", (FEEDS / "radiohc_seed.xml").read_bytes())
        await p.poller.poll_once()
        assert await p.store.due_items("console") == []  # unlinked stories wait for the linker
        await p.context.settle()
        await dispatcher.drain()
    denial_messages = re.findall(r"→ all[^\n]*\n(?:UPDATE[^\n]*\n)?Russia rejects", out.getvalue())
    assert len(denial_messages) == 1
