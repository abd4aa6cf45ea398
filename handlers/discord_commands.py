"""Discord bindings of the neutral command set (discord.py 2.7 application commands).

This module owns the slash commands (one per `handlers.commands.SPECS` entry, with typed
options, choices and autocomplete), turning an interaction into `Commands.handle` and the Reply
into an interaction response, the lookup paging buttons (a `DynamicItem`, so a button keeps
working after a restart), and who is a moderator: Manage Server in the guild (checked on every
call, not only through the commands' default permissions, which a server can override), a user
id in NEWSBOT_MODERATORS, or the user in a DM with the bot.

Slow commands (lookup, latest, story, addfeed, feeds, import, export) are deferred at once and
answered with a followup, so the 3-second deadline holds; a refusal that needs no work is
answered at once, visible only to the caller. Every message goes out with
AllowedMentions.none(); the content and embeds come from bot.platforms.discord_render (escaped).

Every button press is answered: the button item matches any custom_id, so a press the bot
cannot verify (forged, another channel's, not a button of that message, left from an old
version) gets "this list has expired", visible only to the one who pressed it.
"""

from __future__ import annotations

import io
import logging
import re
import weakref
from typing import Any, Literal

import discord
from discord import app_commands

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
_GUILDS: weakref.WeakKeyDictionary[app_commands.CommandTree[Any], tuple[int, ...]] = (
    weakref.WeakKeyDictionary()
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
        args: str = "",
        *,
        attachment: discord.Attachment | None = None,
    ) -> None:
        caller = self.caller(interaction)
        spec = SPEC_BY_NAME[name]
        if spec.moderator and not caller.is_moderator:
            # Refused before any work; Commands words the reason.
            await self.answer(interaction, await self.commands.handle(caller, name, args))
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
        reply = await self.commands.handle(caller, name, args, attachment=data)
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
    on old messages keep working after a restart. `install` subclasses it per binding."""

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


def install(
    client: discord.Client,
    commands: Commands,
    *,
    moderators: frozenset[str] = frozenset(),
    guild_ids: list[int] | None = None,
) -> app_commands.CommandTree[Any]:
    """Build the slash commands on the client's tree (a new one for a plain Client) and the
    button handler; `guild_ids` registers the commands per guild (instant) instead of globally.
    Call `sync(tree)` once the client has logged in."""
    existing = getattr(client, "tree", None)
    tree: app_commands.CommandTree[Any] = (
        existing
        if isinstance(existing, app_commands.CommandTree)
        else app_commands.CommandTree(client)
    )
    binding = DiscordCommands(commands, moderators)
    client.add_dynamic_items(binding.button)
    _listen_for_interactions(client, binding)
    guilds = [discord.Object(g) for g in guild_ids or ()]
    for command in _commands(binding):
        if guilds:
            tree.add_command(command, guilds=guilds)
        else:
            tree.add_command(command)
    tree.error(_on_tree_error)
    _GUILDS[tree] = tuple(guild_ids or ())
    return tree


def _listen_for_interactions(client: discord.Client, binding: DiscordCommands) -> None:
    """Route every interaction also to `binding.on_interaction` (a plain Client has one handler
    per event: one the client already had runs first)."""
    previous = getattr(client, "on_interaction", None)

    async def on_interaction(interaction: discord.Interaction[Any]) -> None:
        if previous is not None:
            await previous(interaction)
        await binding.on_interaction(interaction)

    client.event(on_interaction)


async def sync(
    tree: app_commands.CommandTree[Any], guild_ids: list[int] | None = None
) -> list[app_commands.AppCommand]:
    """Register the commands with Discord: per guild when installed for guilds, else global."""
    ids = tuple(guild_ids) if guild_ids is not None else _GUILDS.get(tree, ())
    if not ids:
        return await tree.sync()
    synced: list[app_commands.AppCommand] = []
    for guild_id in ids:
        synced += await tree.sync(guild=discord.Object(guild_id))
    return synced


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


def _commands(b: DiscordCommands) -> list[app_commands.Command[Any, Any, None]]:
    """One slash command per Spec; moderator commands are hidden from members by default
    (Manage Server) and checked again when run."""

    @app_commands.command(name="start", description=_describe("start"))
    async def start(interaction: discord.Interaction[Any]) -> None:
        await b.run(interaction, "start")

    @app_commands.command(name="help", description=_describe("help"))
    async def help_(interaction: discord.Interaction[Any]) -> None:
        await b.run(interaction, "help")

    @app_commands.command(name="lookup", description=_describe("lookup"))
    @app_commands.describe(entity="a person, organisation or place, e.g. Rostec")
    async def lookup(
        interaction: discord.Interaction[Any], entity: app_commands.Range[str, 1, 100]
    ) -> None:
        await b.run(interaction, "lookup", entity)

    @app_commands.command(name="latest", description=_describe("latest"))
    @app_commands.describe(count="how many stories (1 to 20, default 5)")
    async def latest(
        interaction: discord.Interaction[Any], count: app_commands.Range[int, 1, 20] = 5
    ) -> None:
        await b.run(interaction, "latest", str(count))

    @app_commands.command(name="story", description=_describe("story"))
    @app_commands.describe(id="the number shown with a story")
    async def story(interaction: discord.Interaction[Any], id: app_commands.Range[int, 1]) -> None:
        await b.run(interaction, "story", str(id))

    @app_commands.command(name="outlet", description=_describe("outlet"))
    @app_commands.describe(name="an outlet's name or domain")
    @app_commands.autocomplete(name=b.outlet_choices)
    async def outlet(
        interaction: discord.Interaction[Any], name: app_commands.Range[str, 1, 100]
    ) -> None:
        await b.run(interaction, "outlet", name)

    @app_commands.command(name="subscriptions", description=_describe("subscriptions"))
    async def subscriptions(interaction: discord.Interaction[Any]) -> None:
        await b.run(interaction, "subscriptions")

    @app_commands.command(name="subscribe", description=_describe("subscribe"))
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.describe(
        kind="what to add (none: every new story), or a setting",
        value="the feed id, outlet, tag, keyword or entity; on/off; instant/hourly/daily; "
        "a duration such as 2h or off",
    )
    async def subscribe(
        interaction: discord.Interaction[Any],
        kind: SubscribeKind | None = None,
        value: app_commands.Range[str, 1, 100] | None = None,
    ) -> None:
        await b.run(interaction, "subscribe", " ".join(p for p in (kind, value) if p))

    @app_commands.command(name="unsubscribe", description=_describe("unsubscribe"))
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.describe(kind="what to remove, or all", value="the value to remove")
    async def unsubscribe(
        interaction: discord.Interaction[Any],
        kind: UnsubscribeKind,
        value: app_commands.Range[str, 1, 100] | None = None,
    ) -> None:
        await b.run(interaction, "unsubscribe", " ".join(p for p in (kind, value) if p))

    @app_commands.command(name="addfeed", description=_describe("addfeed"))
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.describe(url="the feed's http(s) URL", outlet="the outlet that publishes it")
    @app_commands.autocomplete(outlet=b.outlet_choices)
    async def addfeed(
        interaction: discord.Interaction[Any],
        url: app_commands.Range[str, 1, 2000],
        outlet: app_commands.Range[str, 1, 100] | None = None,
    ) -> None:
        await b.run(interaction, "addfeed", " ".join(p for p in (url, outlet) if p))

    def feed_command(name: str) -> app_commands.Command[Any, Any, None]:
        @app_commands.describe(feed="the feed id (/feeds lists them)")
        async def feed_callback(interaction: discord.Interaction[Any], feed: str) -> None:
            await b.run(interaction, name, feed)

        command: app_commands.Command[Any, Any, None] = app_commands.Command(
            name=name, description=_describe(name), callback=feed_callback
        )
        command.default_permissions = discord.Permissions(manage_guild=True)
        command.autocomplete("feed")(b.feed_choices)
        return command

    @app_commands.command(name="feeds", description=_describe("feeds"))
    @app_commands.default_permissions(manage_guild=True)
    async def feeds(interaction: discord.Interaction[Any]) -> None:
        await b.run(interaction, "feeds")

    @app_commands.command(name="import", description=_describe("import"))
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.describe(file="an OPML file")
    async def import_(interaction: discord.Interaction[Any], file: discord.Attachment) -> None:
        await b.run(interaction, "import", attachment=file)

    @app_commands.command(name="export", description=_describe("export"))
    @app_commands.default_permissions(manage_guild=True)
    async def export(interaction: discord.Interaction[Any]) -> None:
        await b.run(interaction, "export")

    @app_commands.command(name="audit", description=_describe("audit"))
    @app_commands.default_permissions(manage_guild=True)
    async def audit(interaction: discord.Interaction[Any]) -> None:
        await b.run(interaction, "audit")

    built: list[app_commands.Command[Any, Any, None]] = [
        start,
        help_,
        lookup,
        latest,
        story,
        outlet,
        subscriptions,
        subscribe,
        unsubscribe,
    ]
    built += [addfeed, *(feed_command(n) for n in ("removefeed", "pausefeed", "resumefeed"))]
    built += [feeds, feed_command("feedstatus"), import_, export, audit]
    return built
