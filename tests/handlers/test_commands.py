"""The neutral command set against a real store holding the seed story and the WSJ report."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bot.app import Pipeline
from bot.ingest.fetch import Fetcher
from bot.ingest.guard import parse_allow_list
from handlers.commands import Caller, Commands, PerUserLimit, views_of
from handlers.opml import parse_opml, to_opml
from tests.fakes.feed_server import FeedServer

FEEDS = Path(__file__).resolve().parents[1] / "data" / "feeds"
MEMBER = Caller("telegram", "-100", user="7", name="member")
MOD = Caller("telegram", "-100", user="8", name="mod", is_moderator=True)
OPERATOR = Caller("telegram", "-100", user="9", name="op", is_moderator=True, is_operator=True)


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with FeedServer() as running:
        running.put("/wsj.xml", (FEEDS / "wsj_sample.xml").read_bytes())
        running.put("/rhc.xml", (FEEDS / "radiohc_seed.xml").read_bytes())
        running.put("/npr.xml", (FEEDS / "npr_world.xml").read_bytes())
        yield running


@pytest.fixture
async def pipeline(server: FeedServer, tmp_path: Path) -> AsyncIterator[Pipeline]:
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text(
        "fetch:\n  allow: [127.0.0.0/8]\n"
        f"feeds:\n  - id: wsj-world\n    url: {server.url('/wsj.xml')}\n    outlet: wsj\n"
        f"  - id: rhc\n    url: {server.url('/rhc.xml')}\n    outlet: radiohc\n"
        "outlets:\n  - id: wsj\n    name: The Wall Street Journal\n    domains: [wsj.com]\n"
        "  - id: radiohc\n    name: Radio Habana Cuba\n    domains: [radiohc.cu]\n"
    )
    async with await Pipeline.open(str(tmp_path / "db"), str(feeds), use_pool=False) as p:
        await p.poller.poll_once()
        yield p


@pytest.fixture
def commands(pipeline: Pipeline) -> Commands:
    return Commands(pipeline.store, pipeline.registry, pipeline.fetcher)


async def test_lookup_rostec_shows_the_denial_the_report_and_the_link(commands: Commands) -> None:
    reply = await commands.handle(MEMBER, "lookup", "Rostec")
    views = {v.headline: v for v in views_of(reply)}
    denial = views["Russia rejects reports on military experts withdrawal from Venezuela"]
    report = views["Russia Cuts Rostec Staff in Venezuela to a Few Dozen"]
    assert denial.outlet_line == "Radio Habana Cuba · Cuba · state-controlled (ICRT)"
    assert denial.denial and "The Wall Street Journal's report is untrue" in denial.denial
    assert denial.denied_report is not None and denial.denied_report.story_id == report.story_id
    assert [ref.story_id for ref in report.denied_by] == [denial.story_id]
    assert "Venezuela's Oil Output" not in views  # does not mention Rostec
    # newest first
    order = [v.headline for v in views_of(reply)]
    assert order.index(denial.headline) < order.index(report.headline)


async def test_lookup_finds_an_entity_however_written_and_pages(
    commands: Commands, pipeline: Pipeline
) -> None:
    reply = await commands.handle(MEMBER, "lookup", "nicolás maduro")
    assert len(views_of(reply)) >= 2
    many = await commands.handle(MEMBER, "lookup", "Venezuela")
    assert many.groups and not many.buttons  # three stories fit one page
    assert (await commands.handle(MEMBER, "lookup", "")).error
    assert "Nothing stored" in (await commands.handle(MEMBER, "lookup", "Zanzibar")).lines[0]


async def test_lookup_is_rate_limited_per_user(pipeline: Pipeline) -> None:
    limited = Commands(pipeline.store, pipeline.registry, None, lookup_limit=PerUserLimit(2, 60.0))
    for _ in range(2):
        assert not (await limited.handle(MEMBER, "lookup", "Rostec")).error
    refused = await limited.handle(MEMBER, "lookup", "Rostec")
    assert refused.error and "limited" in refused.lines[0]
    assert not (await limited.handle(MOD, "lookup", "Rostec")).error  # another user


async def test_story_outlet_latest_and_usage_lines(commands: Commands) -> None:
    latest = await commands.handle(MEMBER, "latest", "2")
    assert len(views_of(latest)) == 2
    story_id = views_of(await commands.handle(MEMBER, "lookup", "Rostec"))[0].story_id
    story = await commands.handle(MEMBER, "story", str(story_id))
    assert any(line.startswith("Evidence: ") for line in story.lines)
    outlet = await commands.handle(MEMBER, "outlet", "radiohc.cu")
    assert outlet.title == "Radio Habana Cuba" and "Country: Cuba" in outlet.lines[0]
    for name, args in (("latest", "many"), ("latest", "99"), ("story", "x"), ("outlet", "")):
        bad = await commands.handle(MEMBER, name, args)
        assert bad.error and any(line.startswith("Usage: /") for line in bad.lines)
    unknown = await commands.handle(MEMBER, "frobnicate", "")
    assert unknown.error and "/help" in unknown.lines[0]


async def test_members_cannot_change_anything_and_are_told_why(
    commands: Commands, pipeline: Pipeline
) -> None:
    before = [f.id for f in await pipeline.store.feeds()]
    for name, args in (
        ("addfeed", "https://example.com/rss"),
        ("removefeed", "rhc"),
        ("pausefeed", "rhc"),
        ("subscribe", "outlet wsj"),
        ("import", ""),
    ):
        reply = await commands.handle(MEMBER, name, args)
        assert reply.error and "moderators" in reply.lines[0]
    assert [f.id for f in await pipeline.store.feeds()] == before
    assert await pipeline.store.subscription("telegram", "-100") is None
    assert await pipeline.store.audit_log("telegram", "-100") == []
    help_member = await commands.handle(MEMBER, "help", "")
    assert not any("/addfeed" in line for line in help_member.lines)
    assert any("/addfeed" in line for line in (await commands.handle(MOD, "help", "")).lines)


async def test_moderator_subscribes_mutes_and_it_is_audited(
    commands: Commands, pipeline: Pipeline
) -> None:
    assert not (await commands.handle(MOD, "subscribe", "outlet wsj")).error
    assert not (await commands.handle(MOD, "subscribe", "keyword Rostec")).error
    assert not (await commands.handle(MOD, "subscribe", "denials on")).error
    assert not (await commands.handle(MOD, "subscribe", "mode hourly")).error
    assert not (await commands.handle(MOD, "subscribe", "mute 2h")).error
    sub = await pipeline.store.subscription("telegram", "-100")
    assert sub is not None and sub.filters == {"outlets": ("wsj",), "keywords": ("Rostec",)}
    assert sub.denials_only and sub.mode == "hourly" and sub.muted_until
    shown = await commands.handle(MEMBER, "subscriptions", "")
    assert "outlets: wsj" in shown.lines[0] and "Muted until" in shown.lines[1]
    assert (await commands.handle(MOD, "subscribe", "outlet Nowhere Gazette")).error
    assert not (await commands.handle(MOD, "unsubscribe", "keyword rostec")).error
    sub = await pipeline.store.subscription("telegram", "-100")
    assert sub is not None and sub.filters == {"outlets": ("wsj",)}
    audit = await commands.handle(MOD, "audit", "")
    assert any("/subscribe outlet wsj" in line for line in audit.lines)
    assert any("/unsubscribe keyword rostec" in line for line in audit.lines)


async def test_addfeed_goes_through_the_guarded_fetcher(
    server: FeedServer, pipeline: Pipeline
) -> None:
    async with Fetcher() as unguarded_fetcher:  # no allow-list: loopback refused
        strict = Commands(pipeline.store, pipeline.registry, unguarded_fetcher)
        refused = await strict.handle(MOD, "addfeed", server.url("/npr.xml"))
        assert refused.error and "loopback" in refused.lines[0]
        metadata = await strict.handle(MOD, "addfeed", "http://169.254.169.254/latest/")
        assert metadata.error and "link-local" in metadata.lines[0]
    assert server.requests["/npr.xml"] == 0
    async with Fetcher(allow=parse_allow_list("127.0.0.0/8")) as allowed:
        ok = await Commands(pipeline.store, pipeline.registry, allowed).handle(
            MOD, "addfeed", f"{server.url('/npr.xml')} NPR"
        )
    assert not ok.error and ok.lines[0].startswith("Added feed 127-0-0-1")
    assert any(line.startswith("• ") for line in ok.lines)
    feeds = {f.url: f for f in await pipeline.store.feeds()}
    assert feeds[server.url("/npr.xml")].origin == "moderator"
    status = await Commands(pipeline.store, pipeline.registry, None).handle(
        MOD, "feedstatus", feeds[server.url("/npr.xml")].id
    )
    assert status.lines[0].startswith("URL: ")


async def test_pause_resume_remove_and_feeds_listing(
    commands: Commands, pipeline: Pipeline
) -> None:
    assert not (await commands.handle(OPERATOR, "pausefeed", "rhc")).error
    assert "rhc — paused" in (await commands.handle(MOD, "feeds", "")).lines
    assert not (await commands.handle(OPERATOR, "resumefeed", "rhc")).error
    assert (await commands.handle(OPERATOR, "pausefeed", "nope")).error
    assert not (await commands.handle(OPERATOR, "removefeed", "rhc")).error
    assert "rhc" not in [f.id for f in await pipeline.store.feeds()]


async def test_the_shared_feed_list_is_guarded(server: FeedServer, pipeline: Pipeline) -> None:
    """A chat moderator cannot pause or remove a feed other chats rely on; the chat that added
    a feed can; in a private chat only operators add feeds."""
    refused = await Commands(pipeline.store, pipeline.registry, None).handle(
        MOD, "pausefeed", "wsj-world"
    )
    assert refused.error and "NEWSBOT_MODERATORS" in refused.lines[0]
    wsj = await pipeline.store.feed("wsj-world")
    assert wsj is not None and wsj.enabled
    private = Caller("telegram", "555", user="555", is_moderator=True, is_private=True)
    async with Fetcher(allow=parse_allow_list("127.0.0.0/8")) as allowed:
        commands = Commands(pipeline.store, pipeline.registry, allowed)
        in_private = await commands.handle(private, "addfeed", server.url("/npr.xml"))
        assert in_private.error and "private chat" in in_private.lines[0]
        added = await commands.handle(MOD, "addfeed", server.url("/npr.xml"))
        assert not added.error
        again = await commands.handle(MOD, "addfeed", server.url("/npr.xml"))
        assert again.error and "already here" in again.lines[0]
    feed_id = next(f.id for f in await pipeline.store.feeds() if f.url.endswith("/npr.xml"))
    other_chat = Caller("telegram", "-200", user="8", is_moderator=True)
    assert (await commands.handle(other_chat, "removefeed", feed_id)).error
    assert not (await commands.handle(MOD, "pausefeed", feed_id)).error  # the chat that added it
    assert not (await commands.handle(MOD, "removefeed", feed_id)).error


async def test_opml_import_export_and_bad_files(commands: Commands, pipeline: Pipeline) -> None:
    bad = await commands.handle(MOD, "import", "", attachment=b"<opml><body><outline xmlUrl=")
    assert bad.error and "not valid XML at line 1" in bad.lines[0]
    evil = await commands.handle(
        MOD,
        "import",
        "",
        attachment=(b'<?xml version="1.0"?><!DOCTYPE o [<!ENTITY a "aaaa">]><opml><body/></opml>'),
    )
    assert evil.error and "entity" in evil.lines[0].lower()
    before = len(await pipeline.store.feeds())
    opml = to_opml(
        [
            (f"https://feeds{i}.example/rss", f"Feed {i}", "World" if i % 2 else None)
            for i in range(5000)
        ]
    )
    seen: list[tuple[int, int]] = []
    done = await commands.handle(
        MOD, "import", "", attachment=opml, progress=lambda n, total: seen.append((n, total))
    )
    assert not done.error and done.lines[0] == "Imported 5000 feeds."
    assert len(seen) >= 10 and seen[-1] == (5000, 5000)
    assert len(await pipeline.store.feeds()) == before + 5000
    again = await commands.handle(MOD, "import", "", attachment=opml)
    assert "(5000 already present)" in again.lines[0]
    export = await commands.handle(MOD, "export", "")
    assert export.document is not None
    assert len(parse_opml(export.document.data)) == before + 5000


async def test_outlet_lists_the_candidates_of_an_ambiguous_name(commands: Commands) -> None:
    reply = await commands.handle(MEMBER, "outlet", "ABC")
    assert not reply.error
    assert "may be any of these outlets" in (reply.title or "")
    assert any("ABC News" in line for line in reply.lines)
    assert any("Australia" in line for line in reply.lines)
    assert (await commands.handle(MEMBER, "outlet", "Ростех такого нет")).error


BACKGROUND_FEED = b"""<?xml version="1.0"?>
<rss version="2.0"><channel><title>t</title><link>http://127.0.0.1/</link><description>d</description>
<item><title>Former minister charged with fraud over state contract</title>
<link>http://127.0.0.1/a</link><guid>bg-1</guid>
<description>Prosecutors charged the former finance minister on Tuesday. The minister has
denied the allegations, his lawyer said.</description></item>
</channel></rss>"""


async def test_story_shows_a_denial_the_text_only_mentions(
    server: FeedServer, tmp_path: Path
) -> None:
    server.put("/bg.xml", BACKGROUND_FEED)
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text(
        f"fetch:\n  allow: [127.0.0.0/8]\nfeeds:\n  - id: bg\n    url: {server.url('/bg.xml')}\n"
    )
    async with await Pipeline.open(str(tmp_path / "db"), str(feeds), use_pool=False) as p:
        await p.poller.poll_once()
        commands = Commands(p.store, p.registry, p.fetcher)
        found = views_of(await commands.handle(MEMBER, "lookup", "fraud"))
        assert found and not found[0].denial  # no DENIAL label on the alert
        story = await commands.handle(MEMBER, "story", str(found[0].story_id))
    assert any(
        line.startswith("Also in the text: The minister has denied the allegations")
        for line in story.lines
    )


async def test_moderators_see_the_alerts_given_up_in_their_chat(
    server: FeedServer, pipeline: Pipeline, commands: Commands
) -> None:
    assert not (await commands.handle(MOD, "subscribe", "")).error
    server.put("/wsj.xml", BACKGROUND_FEED)  # a new item: alerted to the new subscription
    await pipeline.poller.poll_once()
    due = await pipeline.store.due_items("telegram")
    assert due, "the new story was queued for the chat"
    await pipeline.store.mark_dead([due[0].id], "gave up after 60 tries: Telegram: Forbidden")
    lines = (await commands.handle(MOD, "subscriptions", "")).lines
    assert any(
        line.startswith(f"Not delivered: story {due[0].story_id}: gave up after 60 tries")
        for line in lines
    )
    member_lines = (await commands.handle(MEMBER, "subscriptions", "")).lines
    assert not any(line.startswith("Not delivered") for line in member_lines)
