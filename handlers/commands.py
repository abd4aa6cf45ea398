"""Chat commands, once for every platform: parse, check, act on the store, answer a Reply.

The bindings (handlers/telegram_commands.py, handlers/discord_commands.py) turn platform
updates into `Commands.handle(caller, name, args)` (text, parsed by the `cmd_` methods) or
`Commands.invoke(caller, name, options)` (Discord's typed options, straight to the `do_`
methods the `cmd_` ones call too) and render the Reply; whether the caller is a
moderator is decided there (chat administrators, Manage Server, NEWSBOT_MODERATORS) and
re-checked here for every moderator command, which also writes an audit record.

Every command answers: arguments are cleaned (control characters and unpaired surrogates
dropped) and capped before any command sees them, every argument a command reads is checked
(ASCII digits of a bounded length for ids and counts), and a command that fails anyway answers
that it failed (logged) instead of staying silent.

Buttons carry no trust: their data is signed with an HMAC key kept in the database, over the
chat (and topic / thread) the button was sent to, so data forged, altered or copied from
another chat verifies nowhere; `callback` also wants the press to come from a message that
carries that very button, counts every press against the same per-user limit as /lookup, and
answers anything that does not verify with "this list has expired".
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import logging
import re
import time
import unicodedata
from collections.abc import Awaitable, Callable, Collection, Mapping, Sequence
from dataclasses import dataclass

from bot.alerts.view import AlertView, build_view, clip
from bot.context.outlets import OutletRegistry
from bot.errors import FetchError
from bot.ingest.fetch import Fetcher
from bot.ingest.parse import parse_feed
from bot.models import FeedConfig, FeedState, OutletCard, Story, entity_key
from bot.settings import feed_id_from_url, parse_duration, shown_url, validate_url
from bot.store import Store
from handlers.opml import OpmlError, parse_opml, to_opml
from handlers.reply import Button, Document, Reply, StoryGroup, refusal, usage

log = logging.getLogger(__name__)

PAGE_SIZE = 5
LOOKUP_PER_MINUTE = 6
MAX_LATEST = 20
# The longest argument any command takes is /addfeed's URL (2,000, Discord's option limit)
# with an outlet name; anything longer is refused before a command reads it.
MAX_ARGS = 2_200
MAX_STORY_ID_DIGITS = 18  # below SQLite's 2**63: a longer id cannot name a story
CALLBACK_KEY = "callback-hmac"
CALLBACK_BYTES = 64  # Telegram's callback_data limit (Discord's custom_id allows 100)
MAC_CHARS = 11  # 66 bits of HMAC-SHA256, base64url: far beyond guessing at 6 presses a minute
_PAGE_DATA = re.compile(rf"lk:([0-9]{{1,3}}):([A-Za-z0-9_-]{{{MAC_CHARS}}}):(.+)", re.DOTALL)
EXPIRED = "This list has expired; send /lookup again."


@dataclass(frozen=True)
class Caller:
    """Who runs a command, and where."""

    platform: str  # "telegram" | "discord"
    chat: str
    thread: str = ""
    user: str = ""
    name: str = ""
    is_moderator: bool = False  # administers this chat (its subscriptions)
    is_operator: bool = False  # one of NEWSBOT_MODERATORS: may change the shared feed list
    is_private: bool = False  # a private chat / DM with the bot


@dataclass(frozen=True)
class Spec:
    name: str
    usage: str
    help: str
    moderator: bool = False
    # The feed list is shared by every chat: adding needs a group or server moderator (not
    # just anyone in a private chat); removing, pausing, resuming a feed needs an operator, or
    # a moderator of the chat that added it.
    feeds: str = ""  # "" | "add" | "owned"


SPECS: tuple[Spec, ...] = (
    Spec("start", "/start", "what this bot does"),
    Spec("help", "/help", "the commands you can use here"),
    Spec("lookup", "/lookup ENTITY", "recent coverage of a person, organisation or place"),
    Spec("latest", "/latest [N]", f"the newest stories (up to {MAX_LATEST})"),
    Spec("story", "/story ID", "one story with its full context"),
    Spec("outlet", "/outlet NAME|DOMAIN", "who an outlet is: country, owner, state media"),
    Spec("subscriptions", "/subscriptions", "what this chat receives"),
    Spec(
        "subscribe",
        "/subscribe [feed|outlet|tag|keyword|entity VALUE] | denials on|off | "
        "mode instant|hourly|daily | mute DURATION|off",
        "choose what this chat receives",
        True,
    ),
    Spec(
        "unsubscribe",
        "/unsubscribe feed|outlet|tag|keyword|entity VALUE | all",
        "stop receiving something",
        True,
    ),
    Spec("addfeed", "/addfeed URL [OUTLET]", "add a feed (fetched and shown first)", True, "add"),
    Spec("removefeed", "/removefeed FEED_ID", "remove a feed", True, "owned"),
    Spec("pausefeed", "/pausefeed FEED_ID", "stop polling a feed", True, "owned"),
    Spec(
        "resumefeed", "/resumefeed FEED_ID", "poll a paused or disabled feed again", True, "owned"
    ),
    Spec("feeds", "/feeds", "every feed with its health", True),
    Spec("feedstatus", "/feedstatus FEED_ID", "one feed's health and last error", True),
    Spec(
        "import",
        "/import (with an OPML file attached)",
        "add the feeds of an OPML file",
        True,
        "add",
    ),
    Spec("export", "/export", "the feeds as an OPML file", True),
    Spec("audit", "/audit", "recent moderator actions in this chat", True),
)
SPEC_BY_NAME = {spec.name: spec for spec in SPECS}
_KINDS = {
    "feed": "feeds",
    "outlet": "outlets",
    "tag": "tags",
    "keyword": "keywords",
    "entity": "entities",
}


class PerUserLimit:
    """At most `limit` uses per `period` seconds per user (expensive commands)."""

    def __init__(
        self, limit: int, period: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limit = limit
        self.period = period
        self.clock = clock
        self._uses: dict[str, list[float]] = {}

    def check(self, user: str) -> float:
        """0 when allowed (and counted), else seconds to wait."""
        now = self.clock()
        if len(self._uses) > 10_000:  # many users pressing (or forging): memory stays bounded
            self._uses = {u: t for u, t in self._uses.items() if t and t[-1] > now - self.period}
        uses = [t for t in self._uses.get(user, []) if t > now - self.period]
        if len(uses) >= self.limit:
            self._uses[user] = uses
            return uses[0] + self.period - now
        uses.append(now)
        self._uses[user] = uses
        return 0.0


class Commands:
    """The command set, bound to one store, registry and fetcher."""

    def __init__(
        self,
        store: Store,
        registry: OutletRegistry,
        fetcher: Fetcher | None,
        *,
        lookup_limit: PerUserLimit | None = None,
    ) -> None:
        self.store = store
        self.registry = registry
        self.fetcher = fetcher
        self.lookup_limit = lookup_limit or PerUserLimit(LOOKUP_PER_MINUTE, 60.0)
        self._callback_key: bytes | None = None

    # ------------------------------------------------------------ entry points

    async def handle(
        self,
        caller: Caller,
        name: str,
        args: str = "",
        *,
        attachment: bytes | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> Reply:
        """A command as text (Telegram, the console): `args` is parsed by its `cmd_` method."""
        name = clean_text(name).lower().lstrip("/").split("@", 1)[0]
        spec = SPEC_BY_NAME.get(name)
        if spec is None:
            shown = name if len(name) <= 40 else name[:39] + "…"
            return refusal(f"Unknown command /{shown}. Send /help for the list.")
        args = clean_text(args)

        async def call() -> Reply:
            method = getattr(self, f"cmd_{name}")
            if name == "import":
                reply: Reply = await method(caller, args, attachment, progress)
                return reply
            answer: Reply = await method(caller, args)
            return answer

        feed = args if spec.feeds == "owned" and args and " " not in args else ""
        return await self._guarded(caller, spec, args, feed, call)

    async def invoke(
        self,
        caller: Caller,
        name: str,
        options: Mapping[str, str | int | None] | None = None,
        *,
        attachment: bytes | None = None,
    ) -> Reply:
        """A command with typed options (Discord's slash-command options): an int arrives as
        an int, a choice as its value, nothing is joined into text and parsed again. The same
        moderator check, audit record and failure answer as `handle`."""
        spec = SPEC_BY_NAME[name]
        cleaned = {
            k: clean_text(v) if isinstance(v, str) else v for k, v in (options or {}).items()
        }
        detail = " ".join(str(v) for v in cleaned.values() if v is not None and v != "")

        async def call() -> Reply:
            if name == "import":
                return await self.do_import(caller, attachment, None)
            typed = getattr(self, f"do_{name}", None)
            if typed is None:  # a command without options
                plain: Reply = await getattr(self, f"cmd_{name}")(caller, "")
                return plain
            reply: Reply = await typed(caller, **cleaned)
            return reply

        feed = cleaned.get("feed_id")
        return await self._guarded(
            caller, spec, detail, feed if isinstance(feed, str) else "", call
        )

    async def _guarded(
        self,
        caller: Caller,
        spec: Spec,
        detail: str,
        feed: str,
        call: Callable[[], Awaitable[Reply]],
    ) -> Reply:
        """Who may run it, how long its arguments may be, the feed-list rule; then `call`,
        whose failure is answered (never silence), and the audit record of a moderator's."""
        name = spec.name
        if spec.moderator and not caller.is_moderator:
            return refusal(
                f"/{name} is for moderators: chat administrators on Telegram, "
                "members with Manage Server on Discord."
            )
        if len(detail) > MAX_ARGS:
            return usage(
                spec.usage,
                f"That is {len(detail):,} characters; a command takes at most {MAX_ARGS:,}.",
            )
        try:
            if spec.feeds and not caller.is_operator:
                refused = await self._feed_list_refusal(caller, spec, feed)
                if refused is not None:
                    return refused
            reply = await call()
        except Exception:
            # Never silence: the caller learns it failed; the log has the traceback.
            log.exception("/%s failed", name)
            return refusal(f"/{name} failed; the error was logged.")
        if spec.moderator and not reply.error:
            await self.store.audit(
                caller.platform, caller.chat, caller.user or caller.name, name, detail[:300]
            )
        return reply

    async def _feed_list_refusal(self, caller: Caller, spec: Spec, feed_id: str) -> Reply | None:
        """The feed list is shared by every chat (see Spec.feeds)."""
        operators = "the bot's operators (NEWSBOT_MODERATORS)"
        if spec.feeds == "add" and caller.is_private:
            return refusal(
                f"/{spec.name} changes the feed list every chat shares: in a private chat it is "
                f"for {operators}; group and server moderators can use it in their chats."
            )
        if spec.feeds == "owned":
            feed = await self.store.feed(feed_id) if feed_id else None
            if feed is not None and feed.added_by != f"{caller.platform}:{caller.chat}":
                return refusal(
                    f"/{spec.name} changes a feed every chat shares: it is for {operators}, "
                    "or for the moderators of the chat that added the feed."
                )
        return None

    async def callback(
        self, caller: Caller, data: str, *, message_buttons: Collection[str] = ()
    ) -> Reply:
        """A button press: "lk:PAGE:MAC:QUERY" pages a lookup.

        `message_buttons` is the data of the buttons on the message the press came from: a
        press whose data that message does not carry (a forged or replayed query aimed at
        another of the bot's messages) is refused, so a button edits only its own message.
        Every press counts against the per-user lookup limit, valid or not.
        """
        wait = self.lookup_limit.check(f"{caller.platform}:{caller.user}")
        if wait > 0:
            return _limited(wait)
        match = _PAGE_DATA.fullmatch(data)
        if match is None or data not in message_buttons:
            return refusal(EXPIRED)
        page, mac, query = int(match.group(1)), match.group(2), match.group(3)
        if not hmac.compare_digest(mac, await self._mac(caller, f"lk:{page}:{query}")):
            return refusal(EXPIRED)
        return await self._lookup(caller, query, page, limited=False)

    async def _mac(self, caller: Caller, body: str) -> str:
        """The signature of button data `body` for the chat (and topic) of `caller`."""
        if self._callback_key is None:
            self._callback_key = await self.store.secret(CALLBACK_KEY)
        where = f"{caller.platform}\n{caller.chat}\n{caller.thread}\n{body}"
        digest = hmac.new(self._callback_key, where.encode("utf-8"), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode("ascii")[:MAC_CHARS]

    async def _page_button(self, caller: Caller, label: str, page: int, query: str) -> Button:
        short = _callback_query(query, len(f"lk:{page}::") + MAC_CHARS)
        mac = await self._mac(caller, f"lk:{page}:{short}")
        return Button(label, f"lk:{page}:{mac}:{short}")

    # ------------------------------------------------------------ everyone

    async def cmd_start(self, caller: Caller, args: str) -> Reply:
        intro = (
            "News alerts with fact context: who publishes each story (country, owner, "
            "state media) and whether it denies, or is denied by, another outlet's "
            "report."
        )
        subscribe = deep_link_subscription(args)
        if subscribe is not None:
            # a t.me/<bot>?start=… or ?startgroup=… link: the subscribe flow, with its
            # moderator check and audit record
            reply = await self.handle(caller, "subscribe", subscribe)
            if reply.error:
                return reply
            more = "/subscriptions shows what this chat receives; /help lists every command."
            return Reply(title="newsbot", lines=(intro, *reply.lines, more))
        return Reply(
            title="newsbot",
            lines=(intro, "Try /lookup Rostec or /latest. /help lists every command."),
        )

    async def cmd_help(self, caller: Caller, args: str) -> Reply:
        lines = [
            f"{spec.usage} — {spec.help}"
            for spec in SPECS
            if not spec.moderator or caller.is_moderator
        ]
        footer = (
            "" if caller.is_moderator else "Moderators also see feed and subscription commands."
        )
        return Reply(title="Commands", lines=tuple(lines), footer=footer)

    async def cmd_lookup(self, caller: Caller, args: str) -> Reply:
        return await self.do_lookup(caller, args)

    async def do_lookup(self, caller: Caller, entity: str) -> Reply:
        if not entity:
            return usage(SPEC_BY_NAME["lookup"].usage, "Name a person, organisation or place.")
        if len(entity) > 100:
            return usage(SPEC_BY_NAME["lookup"].usage, "That is too long to look up.")
        return await self._lookup(caller, entity, 0, limited=True)

    async def _lookup(self, caller: Caller, query: str, page: int, *, limited: bool) -> Reply:
        if limited:
            wait = self.lookup_limit.check(f"{caller.platform}:{caller.user}")
            if wait > 0:
                return _limited(wait)
        stories = await self._stories_about(query)
        if not stories:
            return Reply(lines=(f"Nothing stored mentions {query!r} yet.",))
        groups = _group_by_cluster(stories)
        pages = max(1, (len(groups) + PAGE_SIZE - 1) // PAGE_SIZE)
        page = min(max(page, 0), pages - 1)
        shown = groups[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
        rendered = []
        for group in shown:
            rendered.append(StoryGroup(tuple([await build_view(self.store, s) for s in group])))
        buttons = []
        if page > 0:
            buttons.append(await self._page_button(caller, "◀ Newer", page - 1, query))
        if page < pages - 1:
            buttons.append(await self._page_button(caller, "Older ▶", page + 1, query))
        return Reply(
            title=f"{query}: {len(stories)} stories, page {page + 1} of {pages}",
            groups=tuple(rendered),
            buttons=tuple(buttons),
        )

    async def _stories_about(self, query: str) -> list[Story]:
        """Stories naming the entity (however it was written), then full-text matches."""
        found: dict[int, Story] = {}
        for story in await self.store.stories_with_entity(entity_key(query), limit=60):
            found[story.id] = story
        if len(found) < 60:
            for hit in await self.store.search(query, limit=60 - len(found)):
                found.setdefault(hit.story.id, hit.story)
        return sorted(found.values(), key=_newest_first)

    async def cmd_latest(self, caller: Caller, args: str) -> Reply:
        if args and not re.fullmatch(r"[0-9]{1,2}", args):
            return usage(SPEC_BY_NAME["latest"].usage, f"N is a number from 1 to {MAX_LATEST}.")
        return await self.do_latest(caller, int(args) if args else None)

    async def do_latest(self, caller: Caller, count: int | None = None) -> Reply:
        count = 5 if count is None else count
        if not 1 <= count <= MAX_LATEST:
            return usage(SPEC_BY_NAME["latest"].usage, f"N is a number from 1 to {MAX_LATEST}.")
        stories = await self.store.latest(count)
        if not stories:
            return Reply(lines=("No stories stored yet.",))
        views = [await build_view(self.store, s) for s in stories]
        return Reply(
            title=f"Latest {len(views)} stories", groups=tuple(StoryGroup((v,)) for v in views)
        )

    async def cmd_story(self, caller: Caller, args: str) -> Reply:
        # ASCII digits only: str.isdigit() admits "²" and "٣", and int() of 400 digits is
        # beyond what SQLite can bind.
        if not re.fullmatch(r"[0-9]+", args):
            return usage(SPEC_BY_NAME["story"].usage, "ID is the number shown with a story.")
        if len(args.lstrip("0")) > MAX_STORY_ID_DIGITS:
            return refusal(f"No story has an id of {len(args):,} digits.")
        return await self.do_story(caller, int(args))

    async def do_story(self, caller: Caller, story_id: int) -> Reply:
        if not 0 <= story_id < 10**MAX_STORY_ID_DIGITS:
            return refusal(f"No story has an id of {len(str(abs(story_id))):,} digits.")
        story = await self.store.story(story_id)
        if story is None:
            return refusal(f"No story {story_id}.")
        view = await build_view(self.store, story)
        lines = []
        if story.context and story.context.denial.is_denial:
            for sentence in story.context.denial.evidence[:3]:
                lines.append(f"Evidence: {sentence}")
        if story.context:
            # A denial the text only mentions is context, not the story's label.
            for sentence in story.context.denial.mentions[:2]:
                lines.append(f"Also in the text: {sentence}")
        return Reply(title=f"Story {story.id}", groups=(StoryGroup((view,)),), lines=tuple(lines))

    async def cmd_outlet(self, caller: Caller, args: str) -> Reply:
        return await self.do_outlet(caller, args)

    async def do_outlet(self, caller: Caller, name: str) -> Reply:
        args = name
        if not args:
            return usage(SPEC_BY_NAME["outlet"].usage)
        if len(args) > 200:
            return usage(SPEC_BY_NAME["outlet"].usage, "That is too long for an outlet name.")
        card = self.registry.lookup(args)
        if card is None:
            candidates = self.registry.candidates(args)[:8]
            if not candidates:
                return refusal(f"No outlet known for {args!r}.")
            return Reply(
                title=f"{args!r} may be any of these outlets",
                lines=tuple(c.line() for c in candidates),
            )
        return Reply(title=card.name, lines=outlet_lines(card))

    async def cmd_subscriptions(self, caller: Caller, args: str) -> Reply:
        sub = await self.store.subscription(caller.platform, caller.chat, caller.thread)
        if sub is None:
            return Reply(
                lines=("This chat has no subscription. A moderator can start one with /subscribe.",)
            )
        lines = [f"Receives: {sub.describe()}"]
        if sub.muted_until and sub.muted_until > time.time():
            lines.append(f"Muted until {_when(sub.muted_until)}")
        if not sub.active:
            lines.append(f"Stopped: {sub.deactivated_reason or 'deactivated'}")
        if caller.is_moderator:
            # alerts the bot gave up on in this chat (after its retry bounds), and why
            for dead in await self.store.dead_items(3, platform=caller.platform, chat=caller.chat):
                lines.append(f"Not delivered: story {dead.story_id}: {clip(dead.reason, 200)}")
        return Reply(title="Subscriptions", lines=tuple(lines))

    # ------------------------------------------------------------ moderators: subscriptions

    async def cmd_subscribe(self, caller: Caller, args: str) -> Reply:
        words = args.split(" ", 1)
        return await self.do_subscribe(
            caller, words[0] or None, words[1].strip() if len(words) > 1 else None
        )

    async def do_subscribe(
        self, caller: Caller, kind: str | None = None, value: str | None = None
    ) -> Reply:
        spec = SPEC_BY_NAME["subscribe"]
        sub = await self.store.subscription(caller.platform, caller.chat, caller.thread)
        if sub is None:
            await self.store.upsert_subscription(
                caller.platform, caller.chat, caller.thread, origin="moderator"
            )
            sub = await self.store.subscription(caller.platform, caller.chat, caller.thread)
        assert sub is not None
        filters = {k: list(v) for k, v in sub.filters.items()}
        head = (kind or "").lower()
        value = (value or "").strip()
        changes: dict[str, object] = {"active": True}
        if not head and value:  # a value with no kind (a Discord option left empty)
            return usage(spec.usage, f"Say what {value!r} is: a feed, outlet, tag, keyword …")
        if not head:
            message = (
                "This chat now receives every new story."
                if not any(filters.values())
                else f"This chat receives: {sub.describe()}"
            )
        elif head in _KINDS:
            if not value:
                return usage(spec.usage, f"Say which {head}.")
            problem = await self._check_filter(head, value)
            if problem:
                return refusal(problem)
            key = _KINDS[head]
            if value not in filters.setdefault(key, []):
                filters[key].append(value)
            changes["filters"] = filters
            message = f"Subscribed to {head} {value!r}."
        elif head == "denials" and value.lower() in ("on", "off"):
            changes["denials_only"] = value.lower() == "on"
            message = "Only denials from now on." if value.lower() == "on" else "All stories."
        elif head == "mode" and value.lower() in ("instant", "hourly", "daily"):
            changes["mode"] = value.lower()
            message = f"Delivery mode: {value.lower()}."
        elif head == "mute":
            if value.lower() == "off":
                changes["muted_until"] = None
                message = "Unmuted."
            else:
                try:
                    seconds = parse_duration(value)
                except ValueError:
                    return usage("/subscribe mute DURATION|off", "DURATION like 30m, 2h or 1d.")
                if not 60 <= seconds <= 30 * 86400:
                    return usage("/subscribe mute DURATION|off", "From 1 minute to 30 days.")
                until = time.time() + seconds
                changes["muted_until"] = until
                message = f"Muted until {_when(until)}."
        else:
            return usage(spec.usage)
        await self.store.update_subscription(sub.id, **changes)
        return Reply(lines=(message,))

    async def _check_filter(self, kind: str, value: str) -> str | None:
        if len(value) > 100:
            return "That value is too long."
        if kind == "feed" and await self.store.feed(value) is None:
            return f"No feed {value!r}. /feeds lists the feed ids."
        if (
            kind == "outlet"
            and self.registry.lookup(value) is None
            and not any(f.outlet_id == value for f in await self.store.feeds())
        ):
            return f"No outlet known for {value!r}."
        return None

    async def cmd_unsubscribe(self, caller: Caller, args: str) -> Reply:
        words = args.split(" ", 1)
        if args.lower() != "all" and (len(words) != 2 or words[0].lower() not in _KINDS):
            return usage(SPEC_BY_NAME["unsubscribe"].usage)
        return await self.do_unsubscribe(caller, words[0], words[1] if len(words) > 1 else None)

    async def do_unsubscribe(self, caller: Caller, kind: str, value: str | None = None) -> Reply:
        sub = await self.store.subscription(caller.platform, caller.chat, caller.thread)
        if sub is None:
            return refusal("This chat has no subscription.")
        if kind.lower() == "all" and not value:
            await self.store.delete_subscription(sub.id)
            return Reply(lines=("This chat receives nothing from now on.",))
        if kind.lower() not in _KINDS or not value:
            return usage(SPEC_BY_NAME["unsubscribe"].usage)
        key = _KINDS[kind.lower()]
        current = list(sub.filters.get(key, ()))
        matches = [v for v in current if v.lower() == value.strip().lower()]
        if not matches:
            return refusal(f"This chat is not subscribed to {kind} {value!r}.")
        filters = {k: [v for v in vals if v not in matches] for k, vals in sub.filters.items()}
        await self.store.update_subscription(sub.id, filters=filters)
        remaining = any(filters.values())
        tail = "" if remaining else " No filter is left: the chat receives every new story."
        return Reply(lines=(f"Unsubscribed from {kind} {value!r}.{tail}",))

    # ------------------------------------------------------------ moderators: feeds

    async def cmd_addfeed(self, caller: Caller, args: str) -> Reply:
        parts = args.split(" ", 1)
        return await self.do_addfeed(caller, parts[0], parts[1].strip() if len(parts) > 1 else None)

    async def do_addfeed(self, caller: Caller, url: str, outlet: str | None = None) -> Reply:
        spec = SPEC_BY_NAME["addfeed"]
        if not url or " " in url:
            return usage(spec.usage)
        problem = validate_url(url) if len(url) <= 2000 else "is over 2,000 characters"
        if problem:
            return usage(spec.usage, f"{shown_url(url, 200)!r} {problem}.")
        if self.fetcher is None:
            return refusal("Adding feeds is not available here.")
        known = {f.url: f.id for f in await self.store.feeds()}
        if url in known:
            return refusal(f"That feed is already here as {known[url]}.")
        try:
            fetched = await self.fetcher.fetch(url)
        except FetchError as exc:
            return refusal(f"Could not add the feed: {exc}")
        if fetched.body is None:
            return refusal("Could not add the feed: the server sent no body.")
        parsed = await asyncio.to_thread(
            parse_feed, fetched.body, fetched.url, fetched.content_type
        )
        if parsed.error:
            return refusal(f"Could not add the feed: {parsed.error}")
        card = await self._outlet_for_new_feed(url, (outlet or "").strip())
        feed_id = feed_id_from_url(url)
        await self.store.sync_feeds(
            [FeedConfig(id=feed_id, url=url, outlet=card.id if card else None)],
            origin="moderator",
            added_by=f"{caller.platform}:{caller.chat}",
        )
        lines = [
            f"Added feed {feed_id}: {parsed.title or url}",
            f"Outlet: {card.line() if card else 'unknown'}",
            f"{len(parsed.entries)} items now; new ones will be alerted.",
        ]
        lines += [f"• {e.title}" for e in parsed.entries[:3]]
        return Reply(title="Feed added", lines=tuple(lines))

    async def _outlet_for_new_feed(self, url: str, name: str) -> OutletCard | None:
        card = self.registry.lookup(name) if name else self.registry.by_domain(url)
        if card is None and name:
            slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40] or "outlet"
            card = OutletCard(id=slug, name=name[:100])
        if card is not None:
            await self.store.upsert_outlets([card], origin="moderator")
        return card

    async def _feed_arg(self, name: str, args: str) -> FeedState | Reply:
        if not args or " " in args:
            return usage(SPEC_BY_NAME[name].usage)
        if len(args) > 100:
            return refusal("No feed has an id that long. /feeds lists the feed ids.")
        feed = await self.store.feed(args)
        if feed is None:
            return refusal(f"No feed {args!r}. /feeds lists the feed ids.")
        return feed

    async def cmd_removefeed(self, caller: Caller, args: str) -> Reply:
        return await self.do_removefeed(caller, args)

    async def do_removefeed(self, caller: Caller, feed_id: str) -> Reply:
        feed = await self._feed_arg("removefeed", feed_id)
        if isinstance(feed, Reply):
            return feed
        await self.store.remove_feed(feed.id)
        return Reply(lines=(f"Removed feed {feed.id}. Its stories stay stored.",))

    async def cmd_pausefeed(self, caller: Caller, args: str) -> Reply:
        return await self.do_pausefeed(caller, args)

    async def do_pausefeed(self, caller: Caller, feed_id: str) -> Reply:
        feed = await self._feed_arg("pausefeed", feed_id)
        if isinstance(feed, Reply):
            return feed
        await self.store.set_feed_enabled(feed.id, False)
        return Reply(lines=(f"Paused {feed.id}.",))

    async def cmd_resumefeed(self, caller: Caller, args: str) -> Reply:
        return await self.do_resumefeed(caller, args)

    async def do_resumefeed(self, caller: Caller, feed_id: str) -> Reply:
        feed = await self._feed_arg("resumefeed", feed_id)
        if isinstance(feed, Reply):
            return feed
        await self.store.set_feed_enabled(feed.id, True)
        return Reply(lines=(f"Resumed {feed.id}.",))

    async def cmd_feeds(self, caller: Caller, args: str) -> Reply:
        feeds = await self.store.feeds()
        if not feeds:
            return Reply(lines=("No feeds yet. Add one with /addfeed URL.",))
        lines = [_feed_line(f) for f in feeds[:60]]
        if len(feeds) > 60:
            lines.append(f"… and {len(feeds) - 60} more (/export lists them all).")
        return Reply(title=f"{len(feeds)} feeds", lines=tuple(lines))

    async def cmd_feedstatus(self, caller: Caller, args: str) -> Reply:
        return await self.do_feedstatus(caller, args)

    async def do_feedstatus(self, caller: Caller, feed_id: str) -> Reply:
        feed = await self._feed_arg("feedstatus", feed_id)
        if isinstance(feed, Reply):
            return feed
        lines = [
            f"URL: {shown_url(feed.url, 2000)}",  # a password stored before #15 is not shown
            f"Health: {_status(feed)}",
            f"Last poll: {_when(feed.last_polled_at)}; last success: {_when(feed.last_ok_at)}",
            f"Interval: {feed.interval // 60} min",
        ]
        if feed.last_error:
            error = shown_url(feed.last_error, 1000)
            lines.append(f"Last error ({_when(feed.last_error_at)}): {error}")
        return Reply(title=feed.title or feed.id, lines=tuple(lines))

    async def cmd_import(
        self,
        caller: Caller,
        args: str,
        attachment: bytes | None,
        progress: Callable[[int, int], None] | None,
    ) -> Reply:
        return await self.do_import(caller, attachment, progress)

    async def do_import(
        self,
        caller: Caller,
        attachment: bytes | None,
        progress: Callable[[int, int], None] | None = None,
    ) -> Reply:
        if attachment is None:
            return usage(SPEC_BY_NAME["import"].usage, "Attach an OPML file to the command.")
        try:
            items = parse_opml(attachment)
        except OpmlError as exc:
            return refusal(f"Nothing imported: {exc}")
        configs = []
        known = {f.url for f in await self.store.feeds()}
        for item in items:
            if item.url in known:
                continue
            card = self.registry.by_domain(item.url)
            tags = (
                (re.sub(r"[^a-z0-9-]+", "-", item.category.lower()).strip("-"),)
                if (item.category)
                else ()
            )
            configs.append(
                FeedConfig(
                    id=feed_id_from_url(item.url),
                    url=item.url,
                    outlet=card.id if card else None,
                    tags=tags,
                )
            )
        configs = _unique_ids(configs, {f.id for f in await self.store.feeds()})
        done = 0
        for start in range(0, len(configs), 500):
            batch = configs[start : start + 500]
            await self.store.sync_feeds(
                batch, origin="moderator", added_by=f"{caller.platform}:{caller.chat}"
            )
            done += len(batch)
            if progress is not None:
                progress(done, len(configs))
        skipped = len(items) - len(configs)
        return Reply(
            title="OPML import",
            lines=(
                f"Imported {len(configs)} feeds"
                + (f" ({skipped} already present)." if skipped else "."),
            ),
        )

    async def cmd_export(self, caller: Caller, args: str) -> Reply:
        feeds = await self.store.feeds()
        data = to_opml(
            [
                (shown_url(f.url, 10_000), f.title or f.id, f.tags[0] if f.tags else None)
                for f in feeds
            ]
        )
        return Reply(
            lines=(f"{len(feeds)} feeds.",),
            document=Document("newsbot-feeds.opml", data, "text/x-opml"),
        )

    async def cmd_audit(self, caller: Caller, args: str) -> Reply:
        rows = await self.store.audit_log(caller.platform, caller.chat, 20)
        if not rows:
            return Reply(lines=("No moderator actions recorded in this chat.",))
        lines = [
            f"{_when(r['at'])} {r['actor']}: /{r['action']} {r['detail']}".strip() for r in rows
        ]
        return Reply(title="Recent moderator actions", lines=tuple(lines))


# ---------------------------------------------------------------- helpers


def outlet_lines(card: OutletCard) -> tuple[str, ...]:
    lines = []
    for name, fact in card.facts():
        source = f" (source: {fact.source})" if fact.source else ""
        lines.append(f"{name.replace('_', ' ').capitalize()}: {fact.shown()}{source}")
    if card.domains:
        lines.append(f"Domains: {', '.join(card.domains[:5])}")
    return tuple(lines)


_DEEP_LINK = re.compile(r"[A-Za-z0-9_-]{1,64}")  # what Telegram allows in a start payload


def deep_link_subscription(payload: str) -> str | None:
    """The /subscribe arguments a /start deep-link payload asks for, or None (plain /start).

    `t.me/<bot>?startgroup=outlet-wsj` adds the bot to a group and sends `/start outlet-wsj`
    there: `subscribe` starts a subscription to every new story, `KIND-VALUE` (`outlet-wsj`,
    `feed-radiohc-en`, `tag-cuba`, `keyword-rostec`, `entity-rostec`) subscribes to it,
    `denials` to denials only. Anything else is an ordinary /start."""
    if not _DEEP_LINK.fullmatch(payload):
        return None
    if payload.lower() == "subscribe":
        return ""
    if payload.lower() == "denials":
        return "denials on"
    kind, sep, value = payload.partition("-")
    if sep and value and kind.lower() in _KINDS:
        return f"{kind.lower()} {value}"
    return None


def _newest_first(story: Story) -> tuple[float, int]:
    when = story.published or story.fetched
    return (-when.timestamp(), -story.id)


def _group_by_cluster(stories: Sequence[Story]) -> list[list[Story]]:
    groups: dict[object, list[Story]] = {}
    for story in stories:  # already newest first; a group sits where its newest story is
        key = ("c", story.cluster_id) if story.cluster_id is not None else ("s", story.id)
        groups.setdefault(key, []).append(story)
    return list(groups.values())


def _callback_query(query: str, prefix: int) -> str:
    """The query as it fits in a button's 64 bytes after a `prefix` of that many bytes."""
    data = query.encode("utf-8")[: CALLBACK_BYTES - prefix]
    return data.decode("utf-8", errors="ignore")


def _limited(wait: float) -> Reply:
    return refusal(
        f"Lookups are limited to {LOOKUP_PER_MINUTE} a minute; try again in {int(wait) + 1} s."
    )


# Dropped from arguments: controls (but not the whitespace split() folds), unpaired
# surrogates (no database, JSON encoder or platform accepts them) and format characters such
# as the bidi overrides that reorder an echoed reply; the joiners that spell Persian and Indic
# words and emoji sequences stay.
_DROPPED = frozenset({"Cc", "Cs", "Cf"})
_JOINERS = frozenset({"\u200c", "\u200d"})


def clean_text(text: str) -> str:
    """An argument as commands read it: one space between words, no invisible characters."""
    if not text.isascii() or not text.isprintable():
        text = "".join(
            ch
            for ch in text
            if ch.isspace() or ch in _JOINERS or unicodedata.category(ch) not in _DROPPED
        )
    return " ".join(text.split())


def _unique_ids(configs: list[FeedConfig], taken: set[str]) -> list[FeedConfig]:
    result = []
    for config in configs:
        feed_id = config.id
        n = 2
        while feed_id in taken:
            feed_id = f"{config.id[:60]}-{n}"
            n += 1
        taken.add(feed_id)
        result.append(
            config
            if feed_id == config.id
            else FeedConfig(id=feed_id, url=config.url, outlet=config.outlet, tags=config.tags)
        )
    return result


def _status(feed: FeedState) -> str:
    return "paused" if not feed.enabled else feed.status


def _feed_line(feed: FeedState) -> str:
    line = f"{feed.id} — {_status(feed)}"
    if feed.last_error and feed.status != "ok":
        line += f" — {shown_url(feed.last_error, 80)}"
    return line


def _when(value: float | None) -> str:
    if value is None:
        return "never"
    return time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(value))


def views_of(reply: Reply) -> list[AlertView]:
    return [view for group in reply.groups for view in group.views]
