"""Tests for tests/fakes/discord_api.py: the REAL discord.py client against FakeDiscord.

Each test starts a `commands.Bot` with `login()` + `connect()` against the fake REST server and
gateway (pointed at with `patch_discord_urls`), records handler errors through `on_error` and
`tree.on_error`, and checks what reached the fake. Every wait is bounded.
"""

from __future__ import annotations

import asyncio
import io
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import discord
import pytest
from discord import app_commands
from discord.ext import commands

from tests.fakes.discord_api import FakeDiscord, patch_discord_urls

TOKEN = "fake-bot-token"


@dataclass
class Harness:
    bot: commands.Bot
    task: asyncio.Task[None]
    errors: list[BaseException | str] = field(default_factory=list)
    seen: list[discord.Message] = field(default_factory=list)
    events: list[str] = field(default_factory=list)


class LookupView(discord.ui.View):
    def __init__(self, harness_events: list[str]) -> None:
        super().__init__(timeout=5)
        self.events = harness_events

    @discord.ui.button(label="More", custom_id="lookup:more")
    async def more(self, interaction: discord.Interaction, button: discord.ui.Button[Any]) -> None:
        self.events.append(f"button:{interaction.user.id}")
        await interaction.response.send_message("more details", ephemeral=True)


def make_bot(events: list[str], errors: list[BaseException | str]) -> commands.Bot:
    intents = discord.Intents.default()
    intents.message_content = True
    intents.members = True
    bot = commands.Bot(
        command_prefix="!",
        intents=intents,
        guild_ready_timeout=0.05,
        allowed_mentions=discord.AllowedMentions.none(),
    )

    @bot.event
    async def on_error(event: str, *args: Any, **kwargs: Any) -> None:
        errors.append(sys.exc_info()[1] or event)

    @bot.tree.error
    async def on_tree_error(
        interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        errors.append(error)

    @bot.tree.command(name="lookup", description="Look up an outlet or entity")
    @app_commands.describe(query="What to look up")
    async def lookup(interaction: discord.Interaction, query: str) -> None:
        events.append(f"lookup:{query}:{interaction.user.id}")
        await interaction.response.send_message(
            f"Results for {query}", view=LookupView(events), ephemeral=False
        )

    @lookup.autocomplete("query")
    async def lookup_autocomplete(
        interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        names = ["Rostec", "Rosneft", "Reuters"]
        return [app_commands.Choice(name=n, value=n) for n in names if n.startswith(current)]

    @bot.tree.command(name="digest", description="Slow command: defers, then follows up")
    async def digest(interaction: discord.Interaction, hours: int = 24) -> None:
        await interaction.response.defer(thinking=True)
        events.append(f"digest:{hours}")
        await interaction.followup.send(f"Digest for {hours}h", embed=discord.Embed(title="Top"))
        await interaction.edit_original_response(content="digest ready")

    news = app_commands.Group(name="news", description="Subscriptions")

    @news.command(name="subscribe", description="Subscribe a channel")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def subscribe(
        interaction: discord.Interaction, channel: discord.TextChannel, mute: bool = False
    ) -> None:
        events.append(f"subscribe:{channel.id}:{mute}")
        await interaction.response.send_message(f"Subscribed {channel.mention}", ephemeral=True)

    bot.tree.add_command(news)

    @bot.event
    async def on_message(message: discord.Message) -> None:
        events.append(f"message:{message.content}")

    return bot


async def start(bot: commands.Bot) -> asyncio.Task[None]:
    await bot.login(TOKEN)
    task = asyncio.create_task(bot.connect())
    await asyncio.wait_for(bot.wait_until_ready(), timeout=5)
    return task


async def stop(bot: commands.Bot, task: asyncio.Task[None]) -> None:
    await asyncio.wait_for(bot.close(), timeout=5)
    await asyncio.wait_for(task, timeout=5)


@pytest.fixture
async def dc() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord(token=TOKEN) as fake:
        with patch_discord_urls(fake):
            yield fake


@pytest.fixture
async def h(dc: FakeDiscord) -> AsyncIterator[Harness]:
    events: list[str] = []
    errors: list[BaseException | str] = []
    bot = make_bot(events, errors)
    task = await start(bot)
    harness = Harness(bot, task, errors, events=events)
    try:
        yield harness
    finally:
        if not bot.is_closed():
            await stop(bot, task)
    assert harness.errors == [], harness.errors


# (1) login, connect, READY, GUILD_CREATE -------------------------------------------------


async def test_bot_connects_and_sees_guild(dc: FakeDiscord, h: Harness) -> None:
    bot = h.bot
    assert bot.user is not None and bot.user.id == dc.bot_user_id
    assert bot.application_id == dc.application_id
    guild = bot.get_guild(dc.guild_id)
    assert guild is not None and guild.name == "Newsroom"
    assert {c.name for c in guild.text_channels} == {"general", "news", "alerts"}
    thread = guild.get_thread(dc.thread_id)
    assert thread is not None and thread.parent_id == dc.news_channel_id
    assert guild.me is not None and guild.me.id == dc.bot_user_id
    admin, mod, member = (guild.get_member(u.id) for u in (dc.admin, dc.mod, dc.member))
    assert admin is not None and mod is not None and member is not None
    assert guild.owner_id == dc.admin.id
    assert admin.guild_permissions.manage_guild and mod.guild_permissions.manage_guild
    assert not mod.guild_permissions.administrator
    assert not member.guild_permissions.manage_guild
    assert dc.identifies[0]["token"] == TOKEN
    await dc.wait_for(lambda: dc.heartbeats >= 1, timeout=2)


async def test_wrong_token_is_login_failure(dc: FakeDiscord) -> None:
    client = discord.Client(intents=discord.Intents.default())
    with pytest.raises(discord.LoginFailure):
        await client.login("not-the-token")
    await client.close()


async def test_message_create_and_content_intent(dc: FakeDiscord, h: Harness) -> None:
    await dc.push_message(dc.news_channel_id, "hello <@1> feed", author="member")
    await dc.wait_for(lambda: "message:hello <@1> feed" in h.events, timeout=3)

    # A second client without the MESSAGE_CONTENT intent gets empty content, as on Discord.
    plain = discord.Client(intents=discord.Intents.default(), guild_ready_timeout=0.05)
    contents: list[str] = []

    @plain.event
    async def on_message(message: discord.Message) -> None:
        contents.append(message.content)

    task = asyncio.create_task(plain.start(TOKEN))
    await asyncio.wait_for(plain.wait_until_ready(), timeout=5)
    await dc.push_message(
        dc.general_channel_id, "with file", author="admin", attachments=[("a.txt", b"abc")]
    )
    await dc.wait_for(lambda: contents, timeout=3)
    assert contents == [""]
    await dc.wait_for(lambda: "message:with file" in h.events, timeout=3)
    await asyncio.wait_for(plain.close(), timeout=5)
    await asyncio.wait_for(task, timeout=5)


# (2) channel messages ---------------------------------------------------------------------


async def test_send_embed_allowed_mentions_and_reply(dc: FakeDiscord, h: Harness) -> None:
    channel = h.bot.get_channel(dc.alerts_channel_id)
    assert isinstance(channel, discord.TextChannel)
    embed = discord.Embed(
        title="Rostec denies report", description="Outlet: TASS", url="https://x.test/a"
    )
    embed.add_field(name="Denial", value="yes")
    sent = await channel.send(
        "@everyone breaking", embed=embed, allowed_mentions=discord.AllowedMentions.none()
    )
    assert sent.channel.id == dc.alerts_channel_id and sent.author.id == dc.bot_user_id
    assert len(dc.messages) == 1
    rec = dc.messages[0]
    assert rec.id == sent.id and rec.channel_id == dc.alerts_channel_id
    assert rec.content == "@everyone breaking"
    assert rec.allowed_mentions == {"parse": []} and not rec.pings_everyone
    assert rec.embed is not None and rec.embed["title"] == "Rostec denies report"
    assert rec.embed["fields"] == [{"name": "Denial", "value": "yes", "inline": True}]
    assert sent.embeds[0].title == "Rostec denies report"

    reply = await channel.send("context", reference=sent)
    assert dc.messages[1].message_reference is not None
    assert int(dc.messages[1].message_reference["message_id"]) == sent.id
    assert reply.reference is not None and reply.reference.message_id == sent.id
    assert reply.id > sent.id  # incrementing snowflakes

    edited = await sent.edit(content="updated")
    assert edited.content == "updated" and dc.message(sent.id) is not None
    assert dc.edits[-1].payload["content"] == "updated"
    fetched = await channel.fetch_message(sent.id)
    assert fetched.content == "updated"

    # Client-side default allowed_mentions (set on the Bot) is sent too.
    thread = h.bot.get_channel(dc.thread_id)
    assert isinstance(thread, discord.Thread)
    await thread.send("in thread")
    assert dc.messages[-1].channel_id == dc.thread_id
    assert dc.messages[-1].allowed_mentions == {"parse": []}

    # Files go multipart (payload_json + files[n]); the attachment URL serves the bytes.
    with_file = await channel.send("report", file=discord.File(io.BytesIO(b"a,b\n"), "r.csv"))
    assert dc.messages[-1].attachments[0]["filename"] == "r.csv"
    assert dc.messages[-1].content == "report"
    assert await with_file.attachments[0].read() == b"a,b\n"

    # Discord's form checks: an over-long message is a 400 with code 50035.
    with pytest.raises(discord.HTTPException) as exc:
        await channel.send("x" * 2001)
    assert exc.value.status == 400 and exc.value.code == 50035


# (3) command sync -------------------------------------------------------------------------


async def test_tree_sync_stores_commands(dc: FakeDiscord, h: Harness) -> None:
    synced = await h.bot.tree.sync()
    assert {c.name for c in synced} == {"lookup", "digest", "news"}
    stored = {c["name"]: c for c in dc.commands["global"]}
    assert stored["lookup"]["options"][0]["name"] == "query"
    assert stored["lookup"]["options"][0]["autocomplete"] is True
    guild = discord.Object(dc.guild_id)
    h.bot.tree.copy_global_to(guild=guild)
    guild_synced = await h.bot.tree.sync(guild=guild)
    assert len(guild_synced) == 3 and len(dc.commands[dc.guild_id]) == 3
    fetched = await h.bot.tree.fetch_commands()
    assert {c.id for c in fetched} == {c.id for c in synced}


# (4) interactions -------------------------------------------------------------------------


async def test_slash_command_response_component_and_autocomplete(
    dc: FakeDiscord, h: Harness
) -> None:
    await h.bot.tree.sync()
    payload = await dc.push_interaction("lookup", {"query": "Rostec"}, user="member")
    await dc.wait_for(lambda: dc.interaction_responses, timeout=3)
    assert h.events[0] == f"lookup:Rostec:{dc.member.id}"
    resp = dc.interaction_responses[0]
    assert resp.type == 4 and resp.content == "Results for Rostec" and resp.name == "lookup"
    assert resp.interaction_id == int(payload["id"]) and resp.elapsed < 3
    assert resp.data is not None and resp.data["components"][0]["components"][0]["custom_id"]

    # Click the button on the original response message.
    original = dc.original_response(payload)
    assert original is not None and original.via == "interaction"
    await dc.push_component("lookup:more", original.id, user="admin")
    await dc.wait_for(lambda: len(dc.interaction_responses) == 2, timeout=3)
    assert f"button:{dc.admin.id}" in h.events
    assert dc.interaction_responses[1].ephemeral

    await dc.push_autocomplete("lookup", {"query": "Ros"}, focused="query")
    await dc.wait_for(lambda: len(dc.interaction_responses) == 3, timeout=3)
    auto = dc.interaction_responses[2]
    assert auto.type == 8 and auto.data is not None
    assert [c["value"] for c in auto.data["choices"]] == ["Rostec", "Rosneft"]


async def test_defer_then_followup(dc: FakeDiscord, h: Harness) -> None:
    await dc.push_interaction("digest", {"hours": 6})
    await dc.wait_for(lambda: dc.followups, timeout=3)
    assert [r.type for r in dc.interaction_responses] == [5]
    assert dc.followups[0].content == "Digest for 6h"
    assert dc.followups[0].embed is not None and dc.followups[0].embed["title"] == "Top"
    assert "digest:6" in h.events
    await dc.wait_for(lambda: dc.edits, timeout=3)
    assert dc.edits[0].via == "original" and dc.edits[0].payload["content"] == "digest ready"


async def test_subcommand_channel_option_and_permission_check(dc: FakeDiscord, h: Harness) -> None:
    await h.bot.tree.sync()
    await dc.push_interaction(
        "news subscribe", {"channel": dc.news_channel_id, "mute": True}, user="mod"
    )
    await dc.wait_for(lambda: dc.interaction_responses, timeout=3)
    assert f"subscribe:{dc.news_channel_id}:True" in h.events
    assert dc.interaction_responses[0].ephemeral

    # A plain member lacks MANAGE_GUILD: the check fails and tree.on_error gets it.
    await dc.push_interaction("news subscribe", {"channel": dc.news_channel_id}, user="member")
    await dc.wait_for(lambda: h.errors, timeout=3)
    assert isinstance(h.errors.pop(), app_commands.MissingPermissions)


async def test_late_answer_is_unknown_interaction(dc: FakeDiscord, h: Harness) -> None:
    dc.interaction_deadline = 0.2

    @h.bot.tree.command(name="late", description="answers too late")
    async def late(interaction: discord.Interaction) -> None:
        await asyncio.sleep(0.3)
        await interaction.response.send_message("too late")

    await dc.push_interaction("late", {})
    await dc.wait_for(lambda: h.errors, timeout=3)
    error = h.errors.pop()
    assert isinstance(error, app_commands.CommandInvokeError)
    assert isinstance(error.original, discord.NotFound) and error.original.code == 10062


# (5) rate limits --------------------------------------------------------------------------


async def test_429_with_via_is_retried_transparently(dc: FakeDiscord, h: Harness) -> None:
    channel = h.bot.get_channel(dc.news_channel_id)
    assert isinstance(channel, discord.TextChannel)
    dc.inject_429(times=1, retry_after=0.05, route="POST /channels/")
    await channel.send("once")
    assert [m.content for m in dc.messages] == ["once"]
    posts = [r for r in dc.requests if r.method == "POST" and r.path.endswith("/messages")]
    assert [r.status for r in posts] == [429, 200]
    assert dc.rate_limited == 1

    # Without a Via header discord.py takes a 429 for a Cloudflare ban and raises.
    dc.inject_429(times=1, retry_after=0.05, via=False, route="POST /channels/")
    with pytest.raises(discord.HTTPException) as exc:
        await channel.send("banned")
    assert exc.value.status == 429
    assert [m.content for m in dc.messages] == ["once"]


async def test_route_limit_headers_make_client_wait(dc: FakeDiscord, h: Harness) -> None:
    channel = h.bot.get_channel(dc.general_channel_id)
    assert isinstance(channel, discord.TextChannel)
    dc.set_rate_limit(2, per=0.3, channel_id=dc.general_channel_id)
    started = time.monotonic()
    for i in range(5):
        await channel.send(f"m{i}")
    assert [m.content for m in dc.messages] == [f"m{i}" for i in range(5)]
    assert time.monotonic() - started >= 0.5  # two resets waited out
    assert dc.rate_limited <= 1


async def test_global_rate_limit(dc: FakeDiscord, h: Harness) -> None:
    channel = h.bot.get_channel(dc.general_channel_id)
    assert isinstance(channel, discord.TextChannel)
    dc.set_global_rate_limit(3, per=0.3)
    await asyncio.gather(*(channel.send(f"g{i}") for i in range(5)))
    assert sorted(m.content for m in dc.messages) == [f"g{i}" for i in range(5)]
    assert dc.rate_limited >= 1
    assert any(r.status == 429 for r in dc.requests)


# (6) fault injection ----------------------------------------------------------------------


async def test_fail_channel_kinds_surface_as_discord_errors(dc: FakeDiscord, h: Harness) -> None:
    channel = h.bot.get_channel(dc.alerts_channel_id)
    assert isinstance(channel, discord.TextChannel)

    dc.fail_channel(dc.alerts_channel_id, "missing_access")
    with pytest.raises(discord.Forbidden) as forbidden:
        await channel.send("x")
    assert forbidden.value.code == 50001 and forbidden.value.status == 403

    dc.fail_channel(dc.alerts_channel_id, "missing_permissions")
    with pytest.raises(discord.Forbidden) as perms:
        await channel.send("x")
    assert perms.value.code == 50013

    dc.fail_channel(dc.alerts_channel_id, "unknown_channel")
    with pytest.raises(discord.NotFound) as missing:
        await channel.send("x")
    assert missing.value.code == 10003

    # 503 is not in discord.py's retry set (500/502/504/524): raised at once.
    dc.fail_channel(dc.alerts_channel_id, "server_error", status=503)
    with pytest.raises(discord.DiscordServerError) as server:
        await channel.send("x")
    assert server.value.status == 503

    dc.fail_channel(dc.alerts_channel_id, "outage", status=503)
    with pytest.raises(discord.DiscordServerError) as outage:
        await channel.send("x")
    assert "cloudflare" in str(outage.value.text)

    dc.clear_failures()
    assert dc.messages == []
    other = h.bot.get_channel(dc.news_channel_id)
    assert isinstance(other, discord.TextChannel)
    dc.fail_channel(dc.alerts_channel_id, "missing_access")
    await other.send("unaffected")  # failures are per channel
    assert [m.content for m in dc.messages] == ["unaffected"]


async def test_transient_500_is_retried_and_disconnect_raises(dc: FakeDiscord, h: Harness) -> None:
    channel = h.bot.get_channel(dc.news_channel_id)
    assert isinstance(channel, discord.TextChannel)
    dc.fail_channel(dc.news_channel_id, "server_error", times=1)  # 500 once, then fine
    await channel.send("after retry")  # discord.py sleeps 1 s and retries
    assert [m.content for m in dc.messages] == ["after retry"]

    dc.fail_channel(dc.news_channel_id, "disconnect", times=1)
    with pytest.raises((aiohttp.ClientError, OSError)):
        await channel.send("dropped")

    dc.fail_channel(dc.news_channel_id, "slow", delay=0.3, times=1)
    started = time.monotonic()
    await channel.send("slow")
    assert time.monotonic() - started >= 0.3
    assert [m.content for m in dc.messages] == ["after retry", "slow"]


# (7) incoming webhooks --------------------------------------------------------------------


async def test_webhook_from_url_honours_route_base(dc: FakeDiscord) -> None:
    async with aiohttp.ClientSession() as session:
        hook = discord.Webhook.from_url(dc.webhook.url, session=session)
        msg = await hook.send(
            "via webhook",
            embed=discord.Embed(title="Alert"),
            username="News",
            allowed_mentions=discord.AllowedMentions.none(),
            wait=True,
        )
        assert msg.id == dc.webhook_messages[0].id
        await hook.send(f"@everyone no wait {dc.member.mention}")  # no allowed_mentions: pings
        assert len(dc.webhook_messages) == 2 and dc.webhook_messages[0].content == "via webhook"
        assert dc.webhook_messages[1].pings_everyone
        assert dc.webhook_messages[1].pinged_user_ids == [dc.member.id]
        first = dc.webhook_messages[0]
        assert first.channel_id == dc.alerts_channel_id and first.webhook_id == dc.webhook.id
        assert first.allowed_mentions == {"parse": []} and first.payload["username"] == "News"
        assert first.embed is not None and first.embed["title"] == "Alert"

        unknown = discord.Webhook.from_url(
            f"https://discord.com/api/webhooks/{dc.webhook.id + 1}/{'t' * 68}", session=session
        )
        with pytest.raises(discord.NotFound) as exc:
            await unknown.send("x")
        assert exc.value.code == 10015


# (8) shutdown, reconnect, threaded mode ---------------------------------------------------


async def test_clean_shutdown_and_resume(dc: FakeDiscord, h: Harness) -> None:
    assert dc.connected == 1
    await dc.drop_gateway(code=4000)  # discord.py reconnects to resume_gateway_url and RESUMEs
    await dc.wait_for(lambda: dc.resumes == 1 and dc.connected == 1, timeout=5)
    await dc.push_message(dc.general_channel_id, "after resume")
    await dc.wait_for(lambda: "message:after resume" in h.events, timeout=3)
    await stop(h.bot, h.task)
    assert h.bot.is_closed() and h.task.done() and h.task.exception() is None
    await dc.wait_for(lambda: dc.connected == 0, timeout=3)
    assert len(dc.identifies) == 1


async def test_threaded_fake_with_bot_on_other_loop() -> None:
    with FakeDiscord.threaded() as fake, patch_discord_urls(fake):
        events: list[str] = []
        errors: list[BaseException | str] = []
        bot = make_bot(events, errors)
        task = await start(bot)
        try:
            await fake.push_interaction("lookup", {"query": "TASS"})
            await fake.wait_for(lambda: fake.interaction_responses, timeout=3)
            assert fake.interaction_responses[0].content == "Results for TASS"
            assert fake.env()["DISCORD_API_URL"] == fake.api_url
        finally:
            await stop(bot, task)
        assert errors == []


async def test_unknown_route_is_json_404(dc: FakeDiscord) -> None:
    auth = {"Authorization": f"Bot {TOKEN}"}
    async with aiohttp.ClientSession(headers=auth) as session:
        async with session.get(f"{dc.api_url}/nothing/here") as resp:
            assert resp.status == 404
            assert resp.headers["Content-Type"] == "application/json"
            assert await resp.json() == {"message": "404: Not Found", "code": 0}
        async with session.get(f"{dc.api_url}/gateway") as resp:
            assert (await resp.json())["url"] == dc.gateway_url
