"""Discord command bindings: the REAL discord.py client newsbot runs (`NewsbotClient`, its
commands a Cog), logged in and connected to tests/fakes/discord_api.FakeDiscord (REST +
gateway), over a real Pipeline polled from local feeds.

Command errors (tree.on_error), event errors (on_error) and error log records of the binding and
of discord.py are recorded and asserted absent; every wait is bounded.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import discord
import pytest
from discord import app_commands

from bot.alerts.view import AlertView, StoryRef
from bot.app import Pipeline
from bot.platforms.discord_render import discord_payload, embed_size
from handlers.commands import SPECS, Commands
from handlers.discord_commands import NewsbotClient, sync
from handlers.opml import parse_opml
from handlers.reply import Reply, StoryGroup
from tests.fakes.discord_api import FakeDiscord, RecordedInteractionResponse, running_fake
from tests.fakes.feed_server import FeedServer
from tests.handlers import REPORT_TITLE, SEED_TITLE, opml

OUTSIDE_MODERATOR = 424242424242424242


@dataclass
class Harness:
    client: discord.Client
    tree: app_commands.CommandTree[Any]
    errors: list[object] = field(default_factory=list)


class _Recorder(logging.Handler):
    def __init__(self, sink: list[object]) -> None:
        super().__init__(logging.ERROR)
        self.sink = sink

    def emit(self, record: logging.LogRecord) -> None:
        self.sink.append(f"{record.name}: {record.getMessage()}")


@pytest.fixture
async def dc() -> AsyncIterator[FakeDiscord]:
    async with running_fake() as fake:
        yield fake


@contextlib.asynccontextmanager
async def running(dc: FakeDiscord, commands: Commands, **options: Any) -> AsyncIterator[Harness]:
    client = NewsbotClient(commands, guild_ids=[dc.guild_id], guild_ready_timeout=0.05, **options)
    tree = client.tree
    harness = Harness(client, tree)

    @tree.error
    async def record_command_error(
        interaction: discord.Interaction[Any], error: app_commands.AppCommandError
    ) -> None:
        harness.errors.append(error)

    @client.event
    async def on_error(event: str, *args: Any, **kwargs: Any) -> None:
        harness.errors.append(sys.exc_info()[1] or event)

    recorder = _Recorder(harness.errors)
    for name in ("handlers", "discord"):
        logging.getLogger(name).addHandler(recorder)
    await client.login("fake-token")
    task = asyncio.create_task(client.connect())
    try:
        await asyncio.wait_for(client.wait_until_ready(), timeout=5)
        await sync(client)
        yield harness
    finally:
        await asyncio.wait_for(client.close(), timeout=5)
        await asyncio.wait_for(task, timeout=5)
        for name in ("handlers", "discord"):
            logging.getLogger(name).removeHandler(recorder)
    assert harness.errors == []


async def response(dc: FakeDiscord, payload: dict[str, Any]) -> RecordedInteractionResponse:
    token = payload["token"]
    return await dc.wait_for(
        lambda: next((r for r in dc.interaction_responses if r.token == token), None),
        what=f"a response to {payload['data'].get('name') or payload['data'].get('custom_id')}",
    )


async def followup(dc: FakeDiscord, payload: dict[str, Any]) -> Any:
    token = payload["token"]
    return await dc.wait_for(
        lambda: next((m for m in dc.followups if m.token == token), None), what="a followup"
    )


def fields(embed: dict[str, Any]) -> dict[str, str]:
    return {f["name"]: f["value"] for f in embed.get("fields") or []}


async def test_commands_are_synced_with_options_and_moderator_defaults(
    dc: FakeDiscord, pipeline: tuple[Pipeline, FeedServer]
) -> None:
    p, _server = pipeline
    async with running(dc, Commands(p.store, p.registry, p.fetcher)):
        stored = {c["name"]: c for c in dc.commands[dc.guild_id]}
    assert sorted(stored) == sorted(spec.name for spec in SPECS)
    for spec in SPECS:
        permissions = stored[spec.name]["default_member_permissions"]
        expected = "32" if spec.moderator else "None"  # Manage Server
        assert str(permissions) == expected, spec.name
    options = {name: {o["name"]: o for o in c.get("options", [])} for name, c in stored.items()}
    assert options["lookup"]["entity"]["type"] == 3 and options["lookup"]["entity"]["required"]
    assert (options["latest"]["count"]["min_value"], options["latest"]["count"]["max_value"]) == (
        1,
        20,
    )
    assert options["story"]["id"]["type"] == 4
    kinds = [c["value"] for c in options["subscribe"]["kind"]["choices"]]
    assert kinds == ["feed", "outlet", "tag", "keyword", "entity", "denials", "mode", "mute"]
    assert [c["value"] for c in options["unsubscribe"]["kind"]["choices"]][-1] == "all"
    for name in ("removefeed", "pausefeed", "resumefeed", "feedstatus"):
        assert options[name]["feed"]["autocomplete"] is True
    assert options["addfeed"]["outlet"]["autocomplete"] is True
    assert not options["addfeed"]["outlet"].get("required")
    assert options["import"]["file"]["type"] == 11  # attachment


async def test_lookup_answers_with_embeds_and_pages_with_buttons(
    dc: FakeDiscord, pipeline: tuple[Pipeline, FeedServer]
) -> None:
    p, _server = pipeline
    async with running(dc, Commands(p.store, p.registry, p.fetcher)):
        sent = await dc.push_interaction("lookup", {"entity": "Rostec"}, user="member")
        deferred = await response(dc, sent)
        assert deferred.type == 5 and deferred.elapsed < 3.0
        answer = await followup(dc, sent)
        assert answer.allowed_mentions == {"parse": []}
        assert answer.content == "**Rostec: 8 stories, page 1 of 2**"
        by_title = {e["title"]: e for e in answer.embeds}
        seed = fields(by_title[SEED_TITLE])
        assert seed["Outlet"] == "Radio Habana Cuba · Cuba · state-controlled (ICRT)"
        assert "The Wall Street Journal's report is untrue" in seed["⚠️ Denial"]
        assert REPORT_TITLE in seed["Report"] and "/story id:" in seed["Report"]
        report = fields(by_title[REPORT_TITLE])
        assert SEED_TITLE in report["⚠️ Denied by"]
        [row] = answer.components
        [older] = [b["custom_id"] for b in row["components"]]
        assert re.fullmatch(r"lk:1:[\w-]{11}:Rostec", older)  # signed for this channel

        click = await dc.push_component(older, answer.id, user="member")
        update = await response(dc, click)
        assert update.type == 7  # the message itself is updated
        edited = dc.message(answer.id)
        assert edited is not None
        assert edited.content == "**Rostec: 8 stories, page 2 of 2**"
        assert any("Titanium smelter" in e["title"] for e in edited.embeds)
        assert re.fullmatch(
            r"lk:0:[\w-]{11}:Rostec", edited.components[0]["components"][0]["custom_id"]
        )


async def test_members_are_refused_and_moderators_act(
    dc: FakeDiscord, pipeline: tuple[Pipeline, FeedServer]
) -> None:
    p, server = pipeline
    before = await p.store.feeds()
    moderators = frozenset({str(OUTSIDE_MODERATOR)})
    async with running(dc, Commands(p.store, p.registry, p.fetcher), moderators=moderators):
        sent = await dc.push_interaction("addfeed", {"url": server.url("/new.xml")}, user="member")
        refused = await response(dc, sent)
        assert refused.type == 4 and refused.ephemeral
        assert refused.content.startswith("/addfeed is for moderators")
        assert "members with Manage Server on Discord" in refused.content

        sent = await dc.push_interaction(
            "subscribe", {"kind": "outlet", "value": "wsj"}, user="admin"
        )
        done = await response(dc, sent)
        assert done.type == 4 and done.content == "Subscribed to outlet 'wsj'."
        assert done.data is not None and done.data["allowed_mentions"] == {"parse": []}

        sent = await dc.push_interaction("pausefeed", {"feed": "rhc"}, user=OUTSIDE_MODERATOR)
        assert (await response(dc, sent)).content == "Paused rhc."

        sent = await dc.push_interaction("subscriptions", {}, user="member")
        assert "outlets: wsj" in (await response(dc, sent)).content

        # In a thread: the subscription is the thread's, under its parent channel.
        sent = await dc.push_interaction(
            "subscribe", {"kind": "denials", "value": "on"}, user="mod", channel_id=dc.thread_id
        )
        assert (await response(dc, sent)).content == "Only denials from now on."
    assert server.requests["/new.xml"] == 0
    sub = await p.store.subscription("discord", str(dc.general_channel_id))
    assert sub is not None and list(sub.filters["outlets"]) == ["wsj"]
    after = {f.id: f.enabled for f in await p.store.feeds()}
    assert after == {f.id: f.id != "rhc" for f in before}
    thread = await p.store.subscription("discord", str(dc.news_channel_id), str(dc.thread_id))
    assert thread is not None and thread.denials_only
    actions = [r["action"] for r in await p.store.audit_log("discord", str(dc.general_channel_id))]
    assert actions == ["pausefeed", "subscribe"]


async def test_options_reach_the_commands_typed_not_rejoined(
    dc: FakeDiscord, pipeline: tuple[Pipeline, FeedServer]
) -> None:
    """Each option goes to Commands.invoke as it came: a URL holding a space stays one URL
    (refused), not a URL and an outlet; a value without a kind is not read as a kind; a story
    id is a number."""
    p, server = pipeline
    async with running(dc, Commands(p.store, p.registry, p.fetcher)):
        url = server.url("/new.xml") + " wsj"
        sent = await dc.push_interaction("addfeed", {"url": url}, user="admin")
        answer = (await followup(dc, sent)).content
        assert answer.startswith("Usage: /addfeed URL [OUTLET]"), answer
        sent = await dc.push_interaction("subscribe", {"value": "denials"}, user="admin")
        answer = (await response(dc, sent)).content
        assert answer.startswith("Say what 'denials' is") and "Usage: /subscribe" in answer
        sent = await dc.push_interaction(
            "subscribe", {"kind": "keyword", "value": "arms deal"}, user="admin"
        )
        assert (await response(dc, sent)).content == "Subscribed to keyword 'arms deal'."
        sent = await dc.push_interaction("story", {"id": 1}, user="member")
        assert (await followup(dc, sent)).embeds
    assert server.requests["/new.xml"] == 0
    sub = await p.store.subscription("discord", str(dc.general_channel_id))
    assert sub is not None and list(sub.filters["keywords"]) == ["arms deal"]
    assert not sub.denials_only
    rows = await p.store.audit_log("discord", str(dc.general_channel_id))
    assert [(r["action"], r["detail"]) for r in rows] == [("subscribe", "keyword arms deal")]


async def test_feed_autocomplete_offers_feed_ids_to_moderators_only(
    dc: FakeDiscord, pipeline: tuple[Pipeline, FeedServer]
) -> None:
    p, _server = pipeline
    async with running(dc, Commands(p.store, p.registry, p.fetcher)):
        sent = await dc.push_autocomplete("pausefeed", {"feed": "w"}, focused="feed", user="admin")
        choices = (await response(dc, sent)).data
        sent = await dc.push_autocomplete("pausefeed", {"feed": ""}, focused="feed", user="admin")
        every = (await response(dc, sent)).data
        sent = await dc.push_autocomplete("removefeed", {"feed": ""}, focused="feed", user="member")
        hidden = (await response(dc, sent)).data
    assert choices is not None
    assert [c["value"] for c in choices["choices"]] == ["wsj-world", "extra"]  # id first, title
    assert choices["choices"][0]["name"].startswith("wsj-world — WSJ.com: World News")
    assert every is not None
    assert sorted(c["value"] for c in every["choices"]) == sorted(
        f.id for f in await p.store.feeds()
    )
    assert hidden == {"choices": []}


async def test_hostile_titles_arrive_inert(
    dc: FakeDiscord, pipeline: tuple[Pipeline, FeedServer]
) -> None:
    p, _server = pipeline
    async with running(dc, Commands(p.store, p.registry, p.fetcher)):
        sent = await dc.push_interaction("lookup", {"entity": "Zanzibar"}, user="member")
        answer = await followup(dc, sent)
        sent = await dc.push_interaction("lookup", {"entity": "@everyone <@&123>"}, user="member")
        echoed = await followup(dc, sent)
    [embed] = answer.embeds
    assert "Zanzibar port deal" in embed["title"]
    for message in (answer, echoed):
        text = message.content + str(message.embeds)
        assert "@everyone" not in text and "<@&123>" not in text
        assert message.allowed_mentions == {"parse": []}
        assert not message.pings_everyone and not message.pinged_user_ids
        assert message.message.get("mention_roles") == []
    assert "@\u200beveryone" in embed["title"] and "\\*\\*x\\*\\*" in embed["title"]


async def test_opml_import_and_export(
    dc: FakeDiscord, pipeline: tuple[Pipeline, FeedServer]
) -> None:
    p, _server = pipeline
    start = len(await p.store.feeds())
    async with running(dc, Commands(p.store, p.registry, p.fetcher)):
        # FakeDiscord resolves user/channel/role options but not attachments: add the
        # attachment to the interaction's resolved data the way Discord sends it.
        payload, channel = dc._command_payload(
            2, "import", {"file": "1"}, "admin", None, True, None
        )
        [attachment] = dc._attachment_objects(channel, [{"filename": "f.opml", "data": opml(40)}])
        payload["data"]["options"][0]["value"] = attachment["id"]
        payload["data"]["resolved"] = {"attachments": {attachment["id"]: attachment}}
        sent = await dc._push_interaction(payload, "import", channel)
        imported = await followup(dc, sent)
        assert "Imported 40 feeds." in imported.content
        assert len(await p.store.feeds()) == start + 40

        sent = await dc.push_interaction("export", {}, user="admin")
        exported = await followup(dc, sent)
    assert exported.content == f"{start + 40} feeds."
    [file] = exported.attachments
    assert file["filename"] == "newsbot-feeds.opml"
    async with aiohttp.ClientSession() as session, session.get(file["url"]) as got:
        data = await got.read()
    assert {f.url for f in parse_opml(data)} == {f.url for f in await p.store.feeds()}


def test_payloads_stay_within_discord_limits() -> None:
    """Thirty long stories and eighty long lines: content ≤ 2000, ≤ 10 embeds, ≤ 6000 embed
    characters, every field within its limit; stories left out are named in the content."""
    long = "@everyone **bold** <@&1> " * 60
    views = [
        AlertView(
            story_id=n,
            kind="alert",
            headline=long[:250],
            url=f"https://example.com/{n}",
            outlet_name="Outlet",
            outlet_line="Outlet · Nowhere",
            published=None,
            summary=long[:320],
            denial=long[:400],
            claim=long[:300],
            denied_report=StoryRef(n + 100, long[:250], "https://r.example/x", "R"),
            denied_by=tuple(StoryRef(k, long[:250], None, "X") for k in range(4)),
            hedges=(long[:200], long[:200]),
        )
        for n in range(1, 31)
    ]
    reply = Reply(
        title="t",
        lines=tuple(f"line {i} " + "x" * 100 for i in range(80)),
        groups=tuple(StoryGroup((v,)) for v in views),
    )
    content, embeds = discord_payload(reply)
    assert len(content) <= 2000 and len(embeds) <= 10
    assert sum(embed_size(e) for e in embeds) <= 6000
    assert "… and" in embeds[0]["description"]  # the lines moved to an embed, cut with a count
    shown = {int(e["footer"]["text"].rsplit(":", 1)[1]) for e in embeds[1:]}
    missing = [n for n in range(1, 31) if n not in shown]
    assert missing and f"{len(missing)} more not shown" in content
    for embed in embeds:
        assert len(embed.get("title", "")) <= 256 and len(embed.get("description", "")) <= 4096
        assert all(0 < len(f["value"]) <= 1024 for f in embed.get("fields", []))
        assert "@everyone" not in str(embed)
    assert discord_payload(Reply()) == ("Done.", [])
