"""Discord bindings of the neutral command set (discord.py 2.7 application commands).

This module owns the Discord client of `newsbot run` (`NewsbotClient`, a discord.py Bot) and its
slash commands (`NewsbotCog`: one per `handlers.commands.SPECS` entry, with typed options,
choices and autocomplete, each usable where it makes sense: DMs, group DMs, user installs),
turning an interaction into `Commands.invoke` with the options as they came (an int stays an
int) and the Reply into an interaction response, registering the commands with Discord only
when their definition changed (`sync_if_changed`, a digest kept beside the database), the
lookup paging buttons (a `DynamicItem`, so a button keeps working after a restart), and who is
a moderator: Manage Server in the guild (checked on every call, not only through the commands'
default permissions, which a server can override), a user id in NEWSBOT_MODERATORS, or the
user in a DM with the bot.

Slow commands (lookup, latest, story, addfeed, feeds, import, export) are deferred at once and
answered with a followup, so the 3-second deadline holds; a refusal that needs no work is
answered at once, visible only to the caller. Every message goes out with
AllowedMentions.none(); the content and embeds come from bot.platforms.discord_render (escaped).

Every button press is answered: the button item matches any custom_id, so a press the bot
cannot verify (forged, another channel's, not a button of that message, left from an old
version) gets "this list has expired", visible only to the one who pressed it.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import json
import logging
import re
from pathlib import Path
from typing import Any, Literal

import discord
from discord import app_commands
from discord.ext import commands as ext

from bot.platforms.discord_render import discord_payload
from handlers.commands import EXPIRED, SPEC_BY_NAME, Caller, Commands
from handlers.opml import MAX_OPML_BYTES
from handlers.reply import Reply, refusal

log = logging.getLogger(__name__)

NO_MENTIONS = discord.AllowedMentions.none()
# Callback data of Commands buttons is "verb:…" (e.g. "lk:1:MAC:Rostec"), at most 64 bytes.
CALLBACK_TEMPLATE = r"(?P<data>[a-z]{1,10}:.{1,90})"
# What the button item answers: every custom_id (Discord allows 100 characters), so no press
# goes unanswered; Commands.callback decides what is valid.
ANY_CUSTOM_ID = r"(?s)(?P<data>.{1,100})"
DEFERRED = frozenset({"lookup", "latest", "story", "addfeed", "feeds", "import", "export"})
_THREADS = (
    discord.ChannelType.public_thread,
    discord.ChannelType.private_thread,
    discord.ChannelType.news_thread,
)

ButtonItem = discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]]
SubscribeKind = Literal["feed", "outlet", "tag", "keyword", "entity", "denials", "mode", "mute"]
UnsubscribeKind = Literal["feed", "outlet", "tag", "keyword", "entity", "all"]


def _describe(name: str) -> str:
    return SPEC_BY_NAME[name].help[:100]


class DiscordCommands:
    """What the slash commands, autocompletes and buttons call."""

    def __init__(self, commands: Commands, moderators: frozenset[str] = frozenset()) -> None:
        self.commands = commands
        self.moderators = moderators
        self.button = _button_class(self)

    # ------------------------------------------------------------ who is calling

    def is_moderator(self, interaction: discord.Interaction[Any]) -> bool:
        if interaction.guild_id is None:
            return True  # a DM with the bot: the user's own chat
        if str(interaction.user.id) in self.moderators:
            return True
        return interaction.permissions.manage_guild

    def caller(self, interaction: discord.Interaction[Any]) -> Caller:
        channel = interaction.channel
        chat, thread = str(interaction.channel_id or ""), ""
        parent = getattr(channel, "parent_id", None)
        if getattr(channel, "type", None) in _THREADS and parent:
            chat, thread = str(parent), str(interaction.channel_id)
        user = interaction.user
        return Caller(
            platform="discord",
            chat=chat,
            thread=thread,
            user=str(user.id),
            name=user.name,
            is_moderator=self.is_moderator(interaction),
            is_operator=str(user.id) in self.moderators,
            is_private=interaction.guild_id is None,
        )

    # ------------------------------------------------------------ commands

    async def run(
        self,
        interaction: discord.Interaction[Any],
        name: str,
        /,
        *,
        attachment: discord.Attachment | None = None,
        **options: str | int | None,
    ) -> None:
        """Run command `name` with the slash command's options as they came, typed
        (`Commands.invoke`), and answer the interaction."""
        caller = self.caller(interaction)
        spec = SPEC_BY_NAME[name]
        if spec.moderator and not caller.is_moderator:
            # Refused before any work; Commands words the reason.
            await self.answer(interaction, await self.commands.invoke(caller, name, options))
            return
        if attachment is not None and attachment.size > MAX_OPML_BYTES:
            limit = MAX_OPML_BYTES // 1024 // 1024
            await self.answer(
                interaction, refusal(f"Nothing imported: the file is over {limit} MB.")
            )
            return
        if name in DEFERRED:
            await interaction.response.defer(thinking=True)
        data = await attachment.read() if attachment is not None else None
        reply = await self.commands.invoke(caller, name, options, attachment=data)
        await self.answer(interaction, reply)

    async def answer(self, interaction: discord.Interaction[Any], reply: Reply) -> None:
        """Respond, or follow up a deferred response, with the rendered reply."""
        content, embed_dicts = discord_payload(reply)
        embeds = [discord.Embed.from_dict(e) for e in embed_dicts]
        view = self.view(reply)
        file = (
            discord.File(io.BytesIO(reply.document.data), filename=reply.document.filename)
            if reply.document is not None
            else None
        )
        if interaction.response.is_done():
            await interaction.followup.send(
                content=content,
                embeds=embeds,
                view=view if view is not None else discord.utils.MISSING,
                file=file if file is not None else discord.utils.MISSING,
                allowed_mentions=NO_MENTIONS,
                wait=True,
            )
            return
        await interaction.response.send_message(
            content=content,
            embeds=embeds,
            view=view if view is not None else discord.utils.MISSING,
            file=file if file is not None else discord.utils.MISSING,
            ephemeral=reply.private,
            allowed_mentions=NO_MENTIONS,
        )

    def view(self, reply: Reply) -> discord.ui.View | None:
        buttons = [b for b in reply.buttons if re.fullmatch(CALLBACK_TEMPLATE, b.data)]
        if not buttons:
            return None
        view = discord.ui.View(timeout=None)
        for button in buttons:
            view.add_item(self.button(button.data, button.label[:80]))
        return view

    # ------------------------------------------------------------ buttons

    async def on_button(self, interaction: discord.Interaction[Any], data: str) -> None:
        """A paging button: the message is edited in place with the new page."""
        try:
            reply = await self.commands.callback(
                self.caller(interaction), data, message_buttons=_custom_ids(interaction.message)
            )
            if reply.error:
                content, _ = discord_payload(reply)
                await interaction.response.send_message(
                    content, ephemeral=True, allowed_mentions=NO_MENTIONS
                )
                return
            content, embed_dicts = discord_payload(reply)
            await interaction.response.edit_message(
                content=content,
                embeds=[discord.Embed.from_dict(e) for e in embed_dicts],
                view=self.view(reply),
                allowed_mentions=NO_MENTIONS,
            )
        except discord.NotFound:  # the message (or the interaction) is gone
            if not interaction.response.is_done():
                await interaction.response.send_message(
                    EXPIRED, ephemeral=True, allowed_mentions=NO_MENTIONS
                )
        except Exception:
            log.exception("button %r failed", data[:100])
            if not interaction.response.is_done():
                await interaction.response.send_message(
                    "Something went wrong; it was logged.", ephemeral=True
                )

    async def on_interaction(self, interaction: discord.Interaction[Any]) -> None:
        """A press whose custom_id is not on its message: discord.py drops it unanswered (it
        dispatches only ids the message carries), so it is answered here."""
        if interaction.type is not discord.InteractionType.component:
            return
        data: Any = interaction.data or {}
        custom_id = data.get("custom_id") if isinstance(data, dict) else None
        if custom_id in _custom_ids(interaction.message):
            return  # the button item answers it
        log.info("button press with an id its message does not carry: %r", str(custom_id)[:100])
        if not interaction.response.is_done():
            await interaction.response.send_message(
                EXPIRED, ephemeral=True, allowed_mentions=NO_MENTIONS
            )

    # ------------------------------------------------------------ autocomplete

    async def feed_choices(
        self, interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[str]]:
        if not self.is_moderator(interaction):
            return []
        needle = current.lower()
        ranked = []
        for feed in await self.commands.store.feeds():
            title = feed.title or ""
            fid = feed.id.lower()
            rank = (
                0
                if fid.startswith(needle)
                else 1
                if needle in fid
                else 2
                if needle in title.lower()
                else None
            )
            if rank is not None:
                ranked.append((rank, feed.id, title))
        ranked.sort()
        return [
            app_commands.Choice(name=(f"{fid} — {title}" if title else fid)[:100], value=fid[:100])
            for _rank, fid, title in ranked[:25]
        ]

    async def outlet_choices(
        self, interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[str]]:
        needle = current.lower()
        choices = []
        for card in self.commands.registry:
            if card.name.lower().startswith(needle) or card.id.startswith(needle):
                choices.append(app_commands.Choice(name=card.name[:100], value=card.id[:100]))
                if len(choices) == 25:
                    break
        return choices


def _custom_ids(message: discord.Message | None) -> list[str]:
    """The custom ids of the components on `message` (what a press on it may carry)."""
    if message is None:
        return []
    ids = []
    for row in message.components:
        for child in getattr(row, "children", ()):
            custom_id = getattr(child, "custom_id", None)
            if isinstance(custom_id, str):
                ids.append(custom_id)
    return ids


class PageButton(ButtonItem, template=ANY_CUSTOM_ID):
    """A button whose custom_id is the Reply button's data; dispatched by pattern, so buttons
    on old messages keep working after a restart. Each DiscordCommands subclasses it (bound)."""

    def __init__(self, data: str, label: str = "…") -> None:
        super().__init__(
            discord.ui.Button(label=label, custom_id=data, style=discord.ButtonStyle.secondary)
        )
        self.data = data

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> PageButton:
        return cls(match["data"])

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await interaction.response.send_message(EXPIRED, ephemeral=True)


def _button_class(binding: DiscordCommands) -> type[PageButton]:
    class BoundPageButton(PageButton, template=ANY_CUSTOM_ID):
        async def callback(self, interaction: discord.Interaction[Any]) -> None:
            await binding.on_button(interaction, self.data)

    return BoundPageButton


class NewsbotClient(ext.Bot):
    """The Discord client of `newsbot run`: discord.py's Bot carrying the slash commands as a
    Cog (`NewsbotCog`), the paging buttons and the interaction fallback. No prefix commands:
    it asks for the guilds intent only, so it never reads message content.

    `guild_ids` registers the commands per guild (instant; the tests' fake guild) instead of
    globally. The commands are added when the client logs in (`setup_hook`); `sync_if_changed`
    then registers them with Discord only when their definition changed."""

    def __init__(
        self,
        commands: Commands,
        *,
        moderators: frozenset[str] = frozenset(),
        guild_ids: list[int] | None = None,
        **options: Any,
    ) -> None:
        super().__init__(
            command_prefix=ext.when_mentioned,
            help_command=None,
            intents=options.pop("intents", discord.Intents(guilds=True)),
            allowed_mentions=discord.AllowedMentions.none(),
            **options,
        )
        self.binding = DiscordCommands(commands, moderators)
        self.guild_ids = tuple(guild_ids or ())
        self.tree.error(_on_tree_error)

    async def setup_hook(self) -> None:
        guilds = [discord.Object(g) for g in self.guild_ids]
        await self.add_cog(NewsbotCog(self.binding), guilds=guilds or discord.utils.MISSING)
        self.add_dynamic_items(self.binding.button)

    async def on_interaction(self, interaction: discord.Interaction[Any]) -> None:
        await self.binding.on_interaction(interaction)


# Where a command makes sense beyond a server the bot is in: reading commands work in DMs with
# the bot, in group DMs and in any server when a user installs the app for themselves (answers
# are interaction responses, which need no bot in the channel); subscriptions and feeds need
# the bot where the alerts go (a server it was added to, or its DM), so they stay server-
# installed, usable in servers and in the bot's DM.
_anywhere_installs = app_commands.allowed_installs(guilds=True, users=True)
_anywhere_contexts = app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)
_bot_installs = app_commands.allowed_installs(guilds=True, users=False)
_bot_contexts = app_commands.allowed_contexts(guilds=True, dms=True, private_channels=False)
_moderators = app_commands.default_permissions(manage_guild=True)


class NewsbotCog(ext.Cog):
    """One slash command per `handlers.commands.SPECS` entry; each passes its options to
    `Commands.invoke` as they came (an int stays an int). Moderator commands are hidden from
    members by default (Manage Server) and checked again when run."""

    def __init__(self, binding: DiscordCommands) -> None:
        self.b = binding

    async def feed_choices(
        self, interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[str]]:
        return await self.b.feed_choices(interaction, current)

    async def outlet_choices(
        self, interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[str]]:
        return await self.b.outlet_choices(interaction, current)

    # ------------------------------------------------------------ everyone, anywhere

    @app_commands.command(name="start", description=_describe("start"))
    @_anywhere_installs
    @_anywhere_contexts
    async def start(self, interaction: discord.Interaction[Any]) -> None:
        await self.b.run(interaction, "start")

    @app_commands.command(name="help", description=_describe("help"))
    @_anywhere_installs
    @_anywhere_contexts
    async def help_(self, interaction: discord.Interaction[Any]) -> None:
        await self.b.run(interaction, "help")

    @app_commands.command(name="lookup", description=_describe("lookup"))
    @app_commands.describe(entity="a person, organisation or place, e.g. Rostec")
    @_anywhere_installs
    @_anywhere_contexts
    async def lookup(
        self, interaction: discord.Interaction[Any], entity: app_commands.Range[str, 1, 100]
    ) -> None:
        await self.b.run(interaction, "lookup", entity=entity)

    @app_commands.command(name="latest", description=_describe("latest"))
    @app_commands.describe(count="how many stories (1 to 20, default 5)")
    @_anywhere_installs
    @_anywhere_contexts
    async def latest(
        self, interaction: discord.Interaction[Any], count: app_commands.Range[int, 1, 20] = 5
    ) -> None:
        await self.b.run(interaction, "latest", count=count)

    @app_commands.command(name="story", description=_describe("story"))
    @app_commands.describe(id="the number shown with a story")
    @_anywhere_installs
    @_anywhere_contexts
    async def story(
        self,
        interaction: discord.Interaction[Any],
        id: app_commands.Range[int, 1],
    ) -> None:
        await self.b.run(interaction, "story", story_id=id)

    @app_commands.command(name="outlet", description=_describe("outlet"))
    @app_commands.describe(name="an outlet's name or domain")
    @app_commands.autocomplete(name=outlet_choices)
    @_anywhere_installs
    @_anywhere_contexts
    async def outlet(
        self, interaction: discord.Interaction[Any], name: app_commands.Range[str, 1, 100]
    ) -> None:
        await self.b.run(interaction, "outlet", name=name)

    # ------------------------------------------------------------ subscriptions

    @app_commands.command(name="subscriptions", description=_describe("subscriptions"))
    @_bot_installs
    @_bot_contexts
    async def subscriptions(self, interaction: discord.Interaction[Any]) -> None:
        await self.b.run(interaction, "subscriptions")

    @app_commands.command(name="subscribe", description=_describe("subscribe"))
    @_moderators
    @app_commands.describe(
        kind="what to add (none: every new story), or a setting",
        value="the feed id, outlet, tag, keyword or entity; on/off; instant/hourly/daily; "
        "a duration such as 2h or off",
    )
    @_bot_installs
    @_bot_contexts
    async def subscribe(
        self,
        interaction: discord.Interaction[Any],
        kind: SubscribeKind | None = None,
        value: app_commands.Range[str, 1, 100] | None = None,
    ) -> None:
        await self.b.run(interaction, "subscribe", kind=kind, value=value)

    @app_commands.command(name="unsubscribe", description=_describe("unsubscribe"))
    @_moderators
    @app_commands.describe(kind="what to remove, or all", value="the value to remove")
    @_bot_installs
    @_bot_contexts
    async def unsubscribe(
        self,
        interaction: discord.Interaction[Any],
        kind: UnsubscribeKind,
        value: app_commands.Range[str, 1, 100] | None = None,
    ) -> None:
        await self.b.run(interaction, "unsubscribe", kind=kind, value=value)

    # ------------------------------------------------------------ feeds

    @app_commands.command(name="addfeed", description=_describe("addfeed"))
    @_moderators
    @app_commands.describe(url="the feed's http(s) URL", outlet="the outlet that publishes it")
    @app_commands.autocomplete(outlet=outlet_choices)
    @_bot_installs
    @_bot_contexts
    async def addfeed(
        self,
        interaction: discord.Interaction[Any],
        url: app_commands.Range[str, 1, 2000],
        outlet: app_commands.Range[str, 1, 100] | None = None,
    ) -> None:
        await self.b.run(interaction, "addfeed", url=url, outlet=outlet)

    @app_commands.command(name="removefeed", description=_describe("removefeed"))
    @_moderators
    @app_commands.describe(feed="the feed id (/feeds lists them)")
    @app_commands.autocomplete(feed=feed_choices)
    @_bot_installs
    @_bot_contexts
    async def removefeed(self, interaction: discord.Interaction[Any], feed: str) -> None:
        await self.b.run(interaction, "removefeed", feed_id=feed)

    @app_commands.command(name="pausefeed", description=_describe("pausefeed"))
    @_moderators
    @app_commands.describe(feed="the feed id (/feeds lists them)")
    @app_commands.autocomplete(feed=feed_choices)
    @_bot_installs
    @_bot_contexts
    async def pausefeed(self, interaction: discord.Interaction[Any], feed: str) -> None:
        await self.b.run(interaction, "pausefeed", feed_id=feed)

    @app_commands.command(name="resumefeed", description=_describe("resumefeed"))
    @_moderators
    @app_commands.describe(feed="the feed id (/feeds lists them)")
    @app_commands.autocomplete(feed=feed_choices)
    @_bot_installs
    @_bot_contexts
    async def resumefeed(self, interaction: discord.Interaction[Any], feed: str) -> None:
        await self.b.run(interaction, "resumefeed", feed_id=feed)

    @app_commands.command(name="feeds", description=_describe("feeds"))
    @_moderators
    @_bot_installs
    @_bot_contexts
    async def feeds(self, interaction: discord.Interaction[Any]) -> None:
        await self.b.run(interaction, "feeds")

    @app_commands.command(name="feedstatus", description=_describe("feedstatus"))
    @_moderators
    @app_commands.describe(feed="the feed id (/feeds lists them)")
    @app_commands.autocomplete(feed=feed_choices)
    @_bot_installs
    @_bot_contexts
    async def feedstatus(self, interaction: discord.Interaction[Any], feed: str) -> None:
        await self.b.run(interaction, "feedstatus", feed_id=feed)

    @app_commands.command(name="import", description=_describe("import"))
    @_moderators
    @app_commands.describe(file="an OPML file")
    @_bot_installs
    @_bot_contexts
    async def import_(
        self, interaction: discord.Interaction[Any], file: discord.Attachment
    ) -> None:
        await self.b.run(interaction, "import", attachment=file)

    @app_commands.command(name="export", description=_describe("export"))
    @_moderators
    @_bot_installs
    @_bot_contexts
    async def export(self, interaction: discord.Interaction[Any]) -> None:
        await self.b.run(interaction, "export")

    @app_commands.command(name="audit", description=_describe("audit"))
    @_moderators
    @_bot_installs
    @_bot_contexts
    async def audit(self, interaction: discord.Interaction[Any]) -> None:
        await self.b.run(interaction, "audit")


# ---------------------------------------------------------------- registering with Discord


def tree_definition(client: NewsbotClient) -> dict[str, Any]:
    """What `sync` sends to Discord: the commands' JSON per scope (global, or each guild),
    for this application."""
    tree = client.tree
    scopes: dict[str, list[dict[str, Any]]] = {}
    for guild_id in client.guild_ids or (None,):
        guild = discord.Object(guild_id) if guild_id is not None else None
        commands = sorted(tree.get_commands(guild=guild), key=lambda c: c.name)
        scopes[str(guild_id or "global")] = [c.to_dict(tree) for c in commands]
    return {"application": client.application_id, "scopes": scopes}


def tree_digest(client: NewsbotClient) -> str:
    """SHA-256 of `tree_definition`: equal digests, nothing for Discord to learn."""
    text = json.dumps(tree_definition(client), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


async def sync(client: NewsbotClient) -> list[app_commands.AppCommand]:
    """Register the commands with Discord: per guild when built for guilds, else global."""
    tree = client.tree
    if not client.guild_ids:
        return await tree.sync()
    synced: list[app_commands.AppCommand] = []
    for guild_id in client.guild_ids:
        synced += await tree.sync(guild=discord.Object(guild_id))
    return synced


async def sync_if_changed(
    client: NewsbotClient, state: Path, *, force: bool = False
) -> list[app_commands.AppCommand] | None:
    """Sync only when the commands' definition differs from the last one synced (its digest
    is kept in the file `state`), or when `force`; the commands synced, or None when nothing
    changed. Discord rate-limits command registration, so a restart that changed nothing
    sends nothing."""
    digest = tree_digest(client)
    last = await asyncio.to_thread(_read_digest, state)
    if last == digest and not force:
        log.info("discord: slash commands unchanged since the last sync; not synced")
        return None
    synced = await sync(client)
    log.info("discord: %d slash commands synced", len(synced))
    try:
        await asyncio.to_thread(state.write_text, digest + "\n", encoding="ascii")
    except OSError as exc:  # a read-only mount: the next start syncs again, nothing worse
        log.warning("discord: could not keep the commands' digest in %s: %s", state, exc)
    return synced


def _read_digest(state: Path) -> str:
    try:
        return state.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return ""


async def _on_tree_error(
    interaction: discord.Interaction[Any], error: app_commands.AppCommandError
) -> None:
    command = interaction.command.name if interaction.command else "?"
    log.error("/%s failed", command, exc_info=error)
    message = "Something went wrong; it was logged."
    try:
        if interaction.response.is_done():
            await interaction.followup.send(message, ephemeral=True, allowed_mentions=NO_MENTIONS)
        else:
            await interaction.response.send_message(
                message, ephemeral=True, allowed_mentions=NO_MENTIONS
            )
    except discord.HTTPException:
        pass
