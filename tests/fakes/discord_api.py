"""A local fake of Discord's REST API and gateway, for driving the REAL discord.py in tests.

This module owns `FakeDiscord`: one aiohttp server on 127.0.0.1 serving the REST API under
`/api/v10`, the gateway websocket at `/gateway` and attachment bytes under `/attachments`. It
holds one guild (channels, a thread, roles, members), records everything the client sends
(channel messages, interaction responses, followups, webhook messages, registered commands,
edits, raw requests), scripts gateway dispatches (slash commands, autocomplete, button clicks,
modal submits, messages) and injects faults (403/404/5xx per channel, outages, slow answers,
429s with the headers discord.py needs).

It is a fake of the wire protocol, not a mock of the library: point discord.py at it with
`patch_discord_urls(dc)` (tests) or `DISCORD_API_URL` / `DISCORD_GATEWAY_URL` (subprocesses, see
`FakeDiscord.env()`). Use `async with FakeDiscord() as dc:` in async tests, or
`with FakeDiscord.threaded() as dc:` for a server on its own loop in a background thread.

Protocol facts this fake honours because discord.py depends on them:
- JSON answers carry `Content-Type: application/json` exactly (with a charset parameter the
  client hands the raw string to its callers).
- A 429 carries a `Via` header, otherwise the client assumes a Cloudflare ban and raises.
- READY carries `resume_gateway_url` pointing back here, otherwise a reconnect goes to Discord.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import re
import secrets
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, ClassVar, Literal, TypeVar

from aiohttp import BodyPartReader, WSMsgType, web

__all__ = [
    "FailureKind",
    "FakeDiscord",
    "FakeUser",
    "FakeWebhook",
    "Perm",
    "RecordedEdit",
    "RecordedInteractionResponse",
    "RecordedMessage",
    "RecordedRequest",
    "patch_discord_urls",
]

T = TypeVar("T")
JSON = dict[str, Any]
FailureKind = Literal[
    "missing_access",
    "missing_permissions",
    "unknown_channel",
    "server_error",
    "outage",
    "disconnect",
    "slow",
]

DISCORD_EPOCH_MS = 1_420_070_400_000
API_PREFIX = "/api/v10"


class Perm:
    """Permission bits (https://discord.com/developers/docs/topics/permissions)."""

    CREATE_INSTANT_INVITE = 1 << 0
    ADMINISTRATOR = 1 << 3
    MANAGE_CHANNELS = 1 << 4
    MANAGE_GUILD = 1 << 5
    ADD_REACTIONS = 1 << 6
    VIEW_CHANNEL = 1 << 10
    SEND_MESSAGES = 1 << 11
    MANAGE_MESSAGES = 1 << 13
    EMBED_LINKS = 1 << 14
    ATTACH_FILES = 1 << 15
    READ_MESSAGE_HISTORY = 1 << 16
    MENTION_EVERYONE = 1 << 17
    USE_EXTERNAL_EMOJIS = 1 << 18
    CHANGE_NICKNAME = 1 << 26
    MANAGE_ROLES = 1 << 28
    MANAGE_WEBHOOKS = 1 << 29
    USE_APPLICATION_COMMANDS = 1 << 31
    MANAGE_THREADS = 1 << 34
    CREATE_PUBLIC_THREADS = 1 << 35
    SEND_MESSAGES_IN_THREADS = 1 << 38
    ALL = (1 << 51) - 1

    EVERYONE = (
        CREATE_INSTANT_INVITE
        | ADD_REACTIONS
        | VIEW_CHANNEL
        | SEND_MESSAGES
        | EMBED_LINKS
        | ATTACH_FILES
        | READ_MESSAGE_HISTORY
        | USE_EXTERNAL_EMOJIS
        | CHANGE_NICKNAME
        | USE_APPLICATION_COMMANDS
        | CREATE_PUBLIC_THREADS
        | SEND_MESSAGES_IN_THREADS
    )


# Gateway intents the fake looks at.
INTENT_GUILD_MEMBERS = 1 << 1
INTENT_GUILD_MESSAGES = 1 << 9
INTENT_DIRECT_MESSAGES = 1 << 12
INTENT_MESSAGE_CONTENT = 1 << 15

# Gateway opcodes.
OP_DISPATCH, OP_HEARTBEAT, OP_IDENTIFY, OP_RESUME = 0, 1, 2, 6
OP_REQUEST_MEMBERS, OP_INVALID_SESSION, OP_HELLO, OP_HEARTBEAT_ACK = 8, 9, 10, 11

# Embed limits (https://discord.com/developers/docs/resources/message#embed-object-embed-limits).
EMBED_LIMITS = {"title": 256, "description": 4096, "fields": 25, "footer": 2048, "author": 256}

_FAILURES: dict[str, tuple[int, JSON]] = {
    "missing_access": (403, {"message": "Missing Access", "code": 50001}),
    "missing_permissions": (403, {"message": "Missing Permissions", "code": 50013}),
    "unknown_channel": (404, {"message": "Unknown Channel", "code": 10003}),
    "server_error": (500, {"message": "500: Internal Server Error", "code": 0}),
}
_OUTAGE_HTML = b"<html><head><title>502 Bad Gateway</title></head><body>cloudflare</body></html>"


def _now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def _json(status: int, payload: Any, headers: Mapping[str, str] | None = None) -> web.Response:
    """A JSON answer with `Content-Type: application/json` exactly (no charset)."""
    all_headers = {"Content-Type": "application/json", **(headers or {})}
    return web.Response(status=status, body=json.dumps(payload).encode(), headers=all_headers)


def _error(status: int, message: str, code: int = 0, **extra: Any) -> web.Response:
    return _json(status, {"message": message, "code": code, **extra})


@dataclass
class FakeUser:
    """A user known to the fake guild; `roles` are role ids (the @everyone role is implicit)."""

    id: int
    username: str
    roles: list[int] = field(default_factory=list)
    bot: bool = False
    global_name: str | None = None

    def payload(self) -> JSON:
        data: JSON = {
            "id": str(self.id),
            "username": self.username,
            "discriminator": "0",
            "global_name": self.global_name or self.username,
            "avatar": None,
            "public_flags": 0,
        }
        if self.bot:
            data["bot"] = True
        return data

    @property
    def mention(self) -> str:
        return f"<@{self.id}>"


@dataclass
class FakeWebhook:
    """An incoming webhook; `url` has the shape discord.py's `Webhook.from_url` accepts."""

    id: int
    token: str
    channel_id: int
    name: str = "newsbot-hook"

    @property
    def url(self) -> str:
        return f"https://discord.com/api/webhooks/{self.id}/{self.token}"


@dataclass
class RecordedRequest:
    method: str
    path: str  # without the /api/v10 prefix
    query: dict[str, str]
    body: Any
    status: int = 0


@dataclass
class RecordedMessage:
    """A message created through REST: by the bot, an interaction, or a webhook."""

    id: int
    channel_id: int
    payload: JSON  # the request body (payload_json for multipart)
    message: JSON  # the full message object the fake answered with
    via: Literal["channel", "interaction", "followup", "webhook"] = "channel"
    token: str | None = None  # interaction token (interaction/followup) or webhook token
    webhook_id: int | None = None
    attachments: list[JSON] = field(default_factory=list)
    edits: list[JSON] = field(default_factory=list)

    @property
    def content(self) -> str:
        return str(self.message.get("content") or "")

    @property
    def embeds(self) -> list[JSON]:
        return list(self.message.get("embeds") or [])

    @property
    def embed(self) -> JSON | None:
        return self.embeds[0] if self.embeds else None

    @property
    def allowed_mentions(self) -> JSON | None:
        return self.payload.get("allowed_mentions")

    @property
    def message_reference(self) -> JSON | None:
        return self.payload.get("message_reference")

    @property
    def components(self) -> list[JSON]:
        return list(self.message.get("components") or [])

    @property
    def flags(self) -> int:
        return int(self.message.get("flags") or 0)

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & 64)

    @property
    def pings_everyone(self) -> bool:
        """Whether Discord would ping @everyone/@here (mention rules applied)."""
        return bool(self.message.get("mention_everyone"))

    @property
    def pinged_user_ids(self) -> list[int]:
        return [int(u["id"]) for u in self.message.get("mentions") or []]


@dataclass
class RecordedInteractionResponse:
    """One POST /interactions/{id}/{token}/callback (type 4 message, 5 defer, 8 choices...)."""

    interaction_id: int
    token: str
    type: int
    data: JSON | None
    name: str  # command name, custom_id, or "" if unknown
    elapsed: float  # seconds between the dispatch and this callback

    @property
    def content(self) -> str:
        return str((self.data or {}).get("content") or "")

    @property
    def embeds(self) -> list[JSON]:
        return list((self.data or {}).get("embeds") or [])

    @property
    def ephemeral(self) -> bool:
        return bool(int((self.data or {}).get("flags") or 0) & 64)


@dataclass
class RecordedEdit:
    message_id: int
    channel_id: int
    payload: JSON
    via: str


@dataclass
class _Interaction:
    id: int
    token: str
    type: int
    name: str
    channel_id: int
    created: float
    payload: JSON
    acked: bool = False
    original_id: int | None = None


@dataclass
class _Window:
    """A fixed-window counter: `limit` requests per `per` seconds."""

    limit: int
    per: float
    count: int = 0
    reset_at: float = 0.0

    def hit(self, now: float) -> float | None:
        """Counts one request; returns the seconds to wait if it is over the limit."""
        if now >= self.reset_at:
            self.count = 0
            self.reset_at = now + self.per
        if self.count >= self.limit:
            return max(self.reset_at - now, 0.001)
        self.count += 1
        return None

    def remaining(self) -> int:
        return max(self.limit - self.count, 0)


@dataclass
class _RouteLimit:
    limit: int
    per: float
    channel_id: int | None
    route: str | None  # substring of "METHOD /path", e.g. "POST /channels/"
    bucket: str
    windows: dict[str, _Window] = field(default_factory=dict)


@dataclass
class _Failure:
    kind: str
    times: int | None  # None = until cleared
    status: int | None
    delay: float


@dataclass
class _Forced429:
    times: int
    retry_after: float
    is_global: bool
    via: bool
    channel_id: int | None
    route: str | None


@dataclass
class _Session:
    ws: web.WebSocketResponse
    seq: int = 0
    session_id: str = ""
    intents: int = 0
    identified: bool = False
    shard: list[int] | None = None
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


class FakeDiscord:
    """A fake Discord (REST + gateway) on 127.0.0.1; see the module docstring.

    Records (in order): `messages` (bot channel messages), `interaction_responses`,
    `followups`, `webhook_messages`, `edits`, `requests` (every REST call), `identifies`;
    `commands` maps "global" or a guild id to the registered command list; `rate_limited`
    counts 429 answers.
    """

    def __init__(
        self,
        *,
        heartbeat_interval_ms: int = 41250,
        global_rate_limit: int = 50,
        interaction_deadline: float = 3.0,
        token: str | None = None,
    ) -> None:
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.interaction_deadline = interaction_deadline
        self.token = token  # when set, other tokens get 401 / gateway close 4004
        self._seq = 0
        self._global_window = _Window(global_rate_limit, 1.0)

        self.application_id = self.snowflake()
        self.bot_user_id = self.application_id  # Discord bot users share the application id
        self.guild_id = self.snowflake()
        self.guild_name = "Newsroom"

        # Roles: @everyone has the guild id.
        self.everyone_role_id = self.guild_id
        self.admin_role_id = self.snowflake()
        self.bot_role_id = self.snowflake()
        self.roles: dict[int, JSON] = {
            self.everyone_role_id: self._role(self.everyone_role_id, "@everyone", Perm.EVERYONE, 0),
            self.admin_role_id: self._role(
                self.admin_role_id,
                "Admin",
                Perm.MANAGE_GUILD | Perm.MANAGE_CHANNELS | Perm.MANAGE_MESSAGES | Perm.MANAGE_ROLES,
                2,
            ),
            self.bot_role_id: self._role(
                self.bot_role_id,
                "newsbot",
                Perm.EVERYONE | Perm.MANAGE_WEBHOOKS | Perm.MANAGE_THREADS,
                1,
                managed=True,
            ),
        }

        # Users: "admin" owns the guild and has the Admin role (MANAGE_GUILD); "mod" has the
        # Admin role without owning the guild; "member" is plain.
        self.bot_user = FakeUser(self.bot_user_id, "newsbot", [self.bot_role_id], bot=True)
        self.admin = FakeUser(self.snowflake(), "alice_admin", [self.admin_role_id])
        self.mod = FakeUser(self.snowflake(), "mo_mod", [self.admin_role_id])
        self.member = FakeUser(self.snowflake(), "bob_member", [])
        self.owner_id = self.admin.id
        self.users: dict[int, FakeUser] = {
            u.id: u for u in (self.bot_user, self.admin, self.mod, self.member)
        }

        # Channels: a category, three text channels, one public thread in #news.
        self.category_id = self.snowflake()
        self.general_channel_id = self.snowflake()
        self.news_channel_id = self.snowflake()
        self.alerts_channel_id = self.snowflake()
        self.thread_id = self.snowflake()
        self.channels: dict[int, JSON] = {}
        self._add_channel(self.category_id, "Newsroom", 4, position=0)
        self._add_channel(self.general_channel_id, "general", 0, position=0)
        self._add_channel(self.news_channel_id, "news", 0, position=1)
        self._add_channel(self.alerts_channel_id, "alerts", 0, position=2)
        self.channels[self.thread_id] = {
            "id": str(self.thread_id),
            "type": 11,
            "guild_id": str(self.guild_id),
            "parent_id": str(self.news_channel_id),
            "owner_id": str(self.admin.id),
            "name": "breaking-thread",
            "last_message_id": None,
            "rate_limit_per_user": 0,
            "message_count": 0,
            "member_count": 1,
            "flags": 0,
            "total_message_sent": 0,
            "thread_metadata": {
                "archived": False,
                "auto_archive_duration": 1440,
                "archive_timestamp": _now_iso(),
                "locked": False,
            },
        }
        self._dm_channels: dict[int, int] = {}  # user id -> DM channel id

        self.webhooks: dict[int, FakeWebhook] = {}
        self.webhook = self.add_webhook(self.alerts_channel_id)

        # Records.
        self.requests: list[RecordedRequest] = []
        self.messages: list[RecordedMessage] = []
        self.interaction_responses: list[RecordedInteractionResponse] = []
        self.followups: list[RecordedMessage] = []
        self.webhook_messages: list[RecordedMessage] = []
        self.edits: list[RecordedEdit] = []
        self.commands: dict[str | int, list[JSON]] = {}
        self.identifies: list[JSON] = []
        self.heartbeats = 0
        self.resumes = 0
        self.rate_limited = 0

        self._store: dict[int, RecordedMessage] = {}
        self._incoming: dict[int, JSON] = {}  # messages pushed through the gateway
        self._interactions: dict[str, _Interaction] = {}  # by token
        self._attachments: dict[str, bytes] = {}
        self._failures: dict[int | None, _Failure] = {}
        self._route_limits: list[_RouteLimit] = []
        self._forced_429: list[_Forced429] = []
        self._sessions: list[_Session] = []
        self._known_sessions: dict[str, int] = {}  # session id -> intents, for RESUME

        self.port = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._runner: web.AppRunner | None = None
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------------ lifecycle

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        """The value for `discord.http.Route.BASE`."""
        return f"{self.base_url}{API_PREFIX}"

    @property
    def gateway_url(self) -> str:
        """The value for `discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY` (as a yarl.URL)."""
        return f"ws://127.0.0.1:{self.port}/gateway"

    def env(self) -> dict[str, str]:
        """Environment for a subprocess bot that reads DISCORD_API_URL / DISCORD_GATEWAY_URL."""
        return {
            "DISCORD_API_URL": self.api_url,
            "DISCORD_GATEWAY_URL": self.gateway_url,
            "NO_PROXY": "127.0.0.1,localhost",
            "no_proxy": "127.0.0.1,localhost",
        }

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        app = web.Application(middlewares=[self._middleware], client_max_size=64 * 1024 * 1024)
        app.router.add_get("/gateway", self._gateway)
        app.router.add_get("/attachments/{key:.*}", self._attachment)
        app.router.add_route("*", API_PREFIX + "/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]

    async def stop(self) -> None:
        for session in list(self._sessions):
            with contextlib.suppress(Exception):
                await session.ws.close(code=1001)
        self._sessions.clear()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeDiscord:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @classmethod
    @contextlib.contextmanager
    def threaded(cls, **kwargs: Any) -> Iterator[FakeDiscord]:
        """Runs the fake on its own event loop in a daemon thread (for subprocess tests).

        Scripting coroutines (`push_*`, `drop_gateway`) may be awaited from any loop, or run
        from sync code with `dc.call(dc.push_interaction(...))`.
        """
        dc = cls(**kwargs)
        loop = asyncio.new_event_loop()
        dc._thread = threading.Thread(target=loop.run_forever, name="FakeDiscord", daemon=True)
        dc._thread.start()
        try:
            asyncio.run_coroutine_threadsafe(dc.start(), loop).result(10)
            yield dc
        finally:
            with contextlib.suppress(Exception):
                asyncio.run_coroutine_threadsafe(dc.stop(), loop).result(10)
            loop.call_soon_threadsafe(loop.stop)
            dc._thread.join(10)
            loop.close()

    def call(self, coro: Coroutine[Any, Any, T], timeout: float = 10) -> T:
        """Runs a coroutine on the fake's loop from another (non-async) thread."""
        assert self._loop is not None, "FakeDiscord is not running"
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout)

    async def _on_loop(self, coro: Coroutine[Any, Any, T]) -> T:
        """Awaits `coro` on the fake's loop, whichever loop the caller runs on."""
        assert self._loop is not None, "FakeDiscord is not running"
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is self._loop:
            return await coro
        return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(coro, self._loop))

    async def wait_for(
        self,
        predicate: Callable[[], T],
        timeout: float = 5.0,  # noqa: ASYNC109 - a bounded poll, the documented API
        *,
        what: str = "",
    ) -> T:
        """Polls `predicate()` until it returns something truthy (returned); bounded."""
        deadline = time.monotonic() + timeout
        while True:
            value = predicate()
            if value:
                return value
            if time.monotonic() >= deadline:
                raise TimeoutError(f"FakeDiscord.wait_for timed out after {timeout}s {what}")
            await asyncio.sleep(0.01)

    def wait_for_sync(self, predicate: Callable[[], T], timeout: float = 5.0) -> T:
        """`wait_for` for synchronous tests (e.g. with a subprocess bot)."""
        deadline = time.monotonic() + timeout
        while True:
            value = predicate()
            if value:
                return value
            if time.monotonic() >= deadline:
                raise TimeoutError(f"FakeDiscord.wait_for_sync timed out after {timeout}s")
            time.sleep(0.02)

    # ------------------------------------------------------------------ model helpers

    def snowflake(self) -> int:
        """A fresh, increasing snowflake whose timestamp part is now."""
        self._seq += 1
        ms = int(time.time() * 1000) - DISCORD_EPOCH_MS
        return (ms << 22) | (self._seq & 0x3FFFFF)

    @staticmethod
    def _role(role_id: int, name: str, perms: int, position: int, managed: bool = False) -> JSON:
        return {
            "id": str(role_id),
            "name": name,
            "color": 0,
            "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
            "hoist": False,
            "icon": None,
            "unicode_emoji": None,
            "position": position,
            "permissions": str(perms),
            "managed": managed,
            "mentionable": False,
            "flags": 0,
        }

    def _add_channel(self, channel_id: int, name: str, type_: int, position: int) -> None:
        data: JSON = {
            "id": str(channel_id),
            "type": type_,
            "guild_id": str(self.guild_id),
            "name": name,
            "position": position,
            "permission_overwrites": [],
            "nsfw": False,
            "parent_id": None if type_ == 4 else str(self.category_id),
            "flags": 0,
        }
        if type_ == 0:
            data.update(topic=None, last_message_id=None, rate_limit_per_user=0)
        self.channels[channel_id] = data

    def add_text_channel(self, name: str) -> int:
        """Adds a text channel to the guild (before clients connect) and returns its id."""
        channel_id = self.snowflake()
        self._add_channel(channel_id, name, 0, position=len(self.channels))
        return channel_id

    def add_webhook(self, channel_id: int, name: str = "newsbot-hook") -> FakeWebhook:
        # from_url accepts only ids of 17-20 digits and tokens of 60+ [A-Za-z0-9._-] characters.
        hook = FakeWebhook(self.snowflake(), secrets.token_urlsafe(51), channel_id, name)
        self.webhooks[hook.id] = hook
        return hook

    def user(self, who: str | int | FakeUser) -> FakeUser:
        """A user by role name ("admin", "mod", "member", "bot"), id, or FakeUser."""
        if isinstance(who, FakeUser):
            self.users.setdefault(who.id, who)
            return who
        if isinstance(who, str):
            by_name = {"admin": self.admin, "mod": self.mod, "member": self.member}
            by_name["bot"] = self.bot_user
            if who in by_name:
                return by_name[who]
            who = int(who)
        if who not in self.users:
            self.users[who] = FakeUser(who, f"user{who}")
        return self.users[who]

    def permissions_of(self, user: FakeUser) -> int:
        """Guild-level permissions: owner or ADMINISTRATOR gets all, else the OR of roles."""
        if user.id == self.owner_id:
            return Perm.ALL
        perms = int(self.roles[self.everyone_role_id]["permissions"])
        for role_id in user.roles:
            perms |= int(self.roles[role_id]["permissions"])
        return Perm.ALL if perms & Perm.ADMINISTRATOR else perms

    def member_payload(self, user: FakeUser, *, with_user: bool = True) -> JSON:
        data: JSON = {
            "roles": [str(r) for r in user.roles],
            "nick": None,
            "avatar": None,
            "joined_at": "2024-01-01T00:00:00.000000+00:00",
            "premium_since": None,
            "deaf": False,
            "mute": False,
            "flags": 0,
            "pending": False,
            "communication_disabled_until": None,
        }
        if with_user:
            data["user"] = user.payload()
        return data

    def guild_payload(self, intents: int | None = None) -> JSON:
        """The full guild (GUILD_CREATE shape). As on Discord, without the GUILD_MEMBERS
        intent (when `intents` is given) the member list holds only the bot itself."""
        channels = [c for c in self.channels.values() if c["type"] not in (1, 11, 12)]
        threads = [c for c in self.channels.values() if c["type"] in (11, 12)]
        members = [self.member_payload(u) for u in self.users.values()]
        member_count = len(members)
        if intents is not None and not intents & INTENT_GUILD_MEMBERS:
            members = [self.member_payload(self.bot_user)]
        return {
            "id": str(self.guild_id),
            "name": self.guild_name,
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "owner_id": str(self.owner_id),
            "afk_channel_id": None,
            "afk_timeout": 300,
            "verification_level": 0,
            "default_message_notifications": 1,
            "explicit_content_filter": 0,
            "roles": list(self.roles.values()),
            "emojis": [],
            "stickers": [],
            "features": [],
            "mfa_level": 0,
            "application_id": None,
            "system_channel_id": str(self.general_channel_id),
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "public_updates_channel_id": None,
            "max_members": 500000,
            "vanity_url_code": None,
            "description": None,
            "banner": None,
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "preferred_locale": "en-US",
            "nsfw_level": 0,
            "premium_progress_bar_enabled": False,
            "joined_at": "2024-01-01T00:00:00.000000+00:00",
            "large": False,
            "unavailable": False,
            "member_count": member_count,
            "members": members,
            "channels": channels,
            "threads": threads,
            "presences": [],
            "voice_states": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
        }

    def channel_payload(self, channel_id: int) -> JSON | None:
        return self.channels.get(channel_id)

    def _dm_channel(self, user: FakeUser) -> int:
        if user.id not in self._dm_channels:
            channel_id = self.snowflake()
            self._dm_channels[user.id] = channel_id
            self.channels[channel_id] = {
                "id": str(channel_id),
                "type": 1,
                "last_message_id": None,
                "recipients": [user.payload()],
                "flags": 0,
            }
        return self._dm_channels[user.id]

    def message(self, message_id: int) -> RecordedMessage | None:
        """Any message created through REST (channel, interaction, followup, webhook)."""
        return self._store.get(message_id)

    def original_response(self, interaction: JSON | str) -> RecordedMessage | None:
        """The message an interaction's type 4/5 response created (payload or token)."""
        token = interaction if isinstance(interaction, str) else str(interaction["token"])
        inter = self._interactions.get(token)
        if inter is None or inter.original_id is None:
            return None
        return self._store.get(inter.original_id)

    def messages_in(self, channel_id: int) -> list[RecordedMessage]:
        return [m for m in self.messages if m.channel_id == channel_id]

    # ------------------------------------------------------------------ fault injection

    def fail_channel(
        self,
        channel_id: int | None,
        kind: FailureKind,
        *,
        times: int | None = None,
        status: int | None = None,
        delay: float = 1.0,
    ) -> None:
        """Makes REST calls about `channel_id` (None: every REST call) fail.

        kinds: "missing_access" 403/50001, "missing_permissions" 403/50013, "unknown_channel"
        404/10003, "server_error" 500 JSON (pass status=503 to skip discord.py's 5x retry of
        500/502/504), "outage" 502 HTML as from Cloudflare, "disconnect" the connection is
        dropped without an answer, "slow" the answer comes after `delay` seconds. `times`
        bounds how many requests fail (None: until `clear_failures`).
        """
        if kind not in {*_FAILURES, "outage", "disconnect", "slow"}:
            raise ValueError(f"unknown failure kind {kind!r}")
        self._failures[channel_id] = _Failure(kind, times, status, delay)

    def outage(self, kind: FailureKind = "outage", *, times: int | None = None) -> None:
        """Every REST call fails (502 HTML by default, or "disconnect")."""
        self.fail_channel(None, kind, times=times)

    def clear_failures(self, channel_id: int | Literal["all"] | None = "all") -> None:
        if channel_id == "all":
            self._failures.clear()
        else:
            self._failures.pop(channel_id, None)

    def inject_429(
        self,
        times: int = 1,
        retry_after: float = 0.1,
        *,
        is_global: bool = False,
        via: bool = True,
        channel_id: int | None = None,
        route: str | None = None,
    ) -> None:
        """The next `times` matching REST calls get a 429 (then normal answers).

        `route` is a substring of "METHOD /path" (path without /api/v10), e.g.
        "POST /channels/"; `via=False` leaves out the Via header (discord.py then raises
        HTTPException, taking it for a Cloudflare ban).
        """
        self._forced_429.append(_Forced429(times, retry_after, is_global, via, channel_id, route))

    def set_rate_limit(
        self,
        limit: int,
        per: float = 1.0,
        *,
        channel_id: int | None = None,
        route: str | None = None,
    ) -> None:
        """A per-route bucket: `limit` calls per `per` s for each channel (major parameter).

        Matching answers carry X-RateLimit-Limit/Remaining/Reset/Reset-After/Bucket, which
        discord.py uses to wait pre-emptively; going over answers 429.
        """
        bucket = secrets.token_hex(8)
        self._route_limits.append(_RouteLimit(limit, per, channel_id, route, bucket))

    def set_global_rate_limit(self, limit: int, per: float = 1.0) -> None:
        """`limit` requests per `per` seconds over all non-interaction REST calls (Discord:
        50/s); going over answers 429 with "global": true."""
        self._global_window = _Window(limit, per)

    # ------------------------------------------------------------------ REST plumbing

    @web.middleware
    async def _middleware(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        try:
            return await handler(request)
        except web.HTTPNotFound:
            return _error(404, "404: Not Found")
        except web.HTTPMethodNotAllowed:
            return _error(405, "405: Method Not Allowed")

    async def _read_body(self, request: web.Request) -> tuple[Any, list[JSON]]:
        """The JSON body (payload_json for multipart) and the uploaded files."""
        if request.content_type.startswith("multipart/"):
            payload: Any = {}
            files: list[JSON] = []
            reader = await request.multipart()
            async for part in reader:
                if not isinstance(part, BodyPartReader):
                    continue
                raw = await part.read()
                if part.name == "payload_json":
                    payload = json.loads(raw)
                else:
                    files.append(
                        {"field": part.name, "filename": part.filename, "data": bytes(raw)}
                    )
            return payload, files
        raw_body = await request.read()
        if not raw_body:
            return None, []
        try:
            return json.loads(raw_body), []
        except ValueError:
            return raw_body.decode(errors="replace"), []

    @staticmethod
    def _channel_of(path: str) -> int | None:
        m = re.match(r"/channels/(\d+)", path)
        return int(m.group(1)) if m else None

    def _take_failure(self, channel_id: int | None) -> _Failure | None:
        """The failure for this channel, else the one for every call (key None), if any."""
        key = channel_id if channel_id is not None and channel_id in self._failures else None
        failure = self._failures.get(key)
        if failure is None:
            return None
        if failure.times is not None:
            failure.times -= 1
            if failure.times <= 0:
                del self._failures[key]
        return failure

    def _ratelimit_headers(self, window: _Window, bucket: str, now: float) -> dict[str, str]:
        reset_after = max(window.reset_at - now, 0.0)
        return {
            "X-RateLimit-Limit": str(window.limit),
            "X-RateLimit-Remaining": str(window.remaining()),
            "X-RateLimit-Reset": f"{time.time() + reset_after:.3f}",
            "X-RateLimit-Reset-After": f"{reset_after:.3f}",
            "X-RateLimit-Bucket": bucket,
        }

    def _too_many(
        self, retry_after: float, *, is_global: bool, via: bool, extra: Mapping[str, str]
    ) -> web.Response:
        self.rate_limited += 1
        headers = {
            "Retry-After": str(max(1, math.ceil(retry_after))),
            "X-RateLimit-Scope": "global" if is_global else "user",
            **extra,
        }
        if is_global:
            headers["X-RateLimit-Global"] = "true"
        if via:
            headers["Via"] = "1.1 google"
        body = {
            "message": "You are being rate limited.",
            "retry_after": round(retry_after, 3),
            "global": is_global,
        }
        return _json(429, body, headers)

    async def _rest(self, request: web.Request) -> web.StreamResponse:
        path = "/" + request.match_info["tail"]
        method = request.method
        body, files = await self._read_body(request)
        record = RecordedRequest(method, path, dict(request.query), body)
        self.requests.append(record)
        response = await self._rest_inner(request, method, path, body, files)
        record.status = response.status
        return response

    async def _rest_inner(
        self, request: web.Request, method: str, path: str, body: Any, files: list[JSON]
    ) -> web.StreamResponse:
        route_key = f"{method} {path}"
        channel_id = self._channel_of(path)
        now = time.monotonic()
        is_interaction = path.startswith(("/interactions/", "/webhooks/"))

        authorization = request.headers.get("Authorization")
        if self.token is not None and not is_interaction and authorization != f"Bot {self.token}":
            return _error(401, "401: Unauthorized")

        failure = self._take_failure(channel_id)
        if failure is not None:
            if failure.kind == "slow":
                await asyncio.sleep(failure.delay)
            elif failure.kind == "disconnect":
                assert request.transport is not None
                request.transport.abort()  # the client sees the connection drop
                return web.Response(status=502)
            elif failure.kind == "outage":
                return web.Response(
                    status=failure.status or 502,
                    body=_OUTAGE_HTML,
                    headers={"Content-Type": "text/html"},
                )
            else:
                status, payload = _FAILURES[failure.kind]
                return _json(failure.status or status, payload)

        for forced in self._forced_429:
            if forced.times <= 0:
                continue
            if forced.channel_id is not None and forced.channel_id != channel_id:
                continue
            if forced.route is not None and forced.route not in route_key:
                continue
            forced.times -= 1
            self._forced_429 = [f for f in self._forced_429 if f.times > 0]
            return self._too_many(
                forced.retry_after, is_global=forced.is_global, via=forced.via, extra={}
            )

        if not is_interaction:  # interaction endpoints are not bound to the global limit
            wait = self._global_window.hit(now)
            if wait is not None:
                return self._too_many(wait, is_global=True, via=True, extra={})

        limit_headers: dict[str, str] = {}
        for rl in self._route_limits:
            if rl.channel_id is not None and rl.channel_id != channel_id:
                continue
            if rl.route is not None and rl.route not in route_key:
                continue
            major = str(channel_id or "")
            window = rl.windows.setdefault(major, _Window(rl.limit, rl.per))
            wait = window.hit(now)
            headers = self._ratelimit_headers(window, rl.bucket, now)
            if wait is not None:
                return self._too_many(wait, is_global=False, via=True, extra=headers)
            limit_headers = headers

        response = await self._route(request, method, path, body, files)
        for key, value in limit_headers.items():
            response.headers[key] = value
        return response

    # ------------------------------------------------------------------ REST routes

    _ROUTES: ClassVar[list[tuple[str, re.Pattern[str], str]]] = [
        (m, re.compile(p), h)
        for m, p, h in [
            ("GET", r"/gateway", "_r_gateway"),
            ("GET", r"/gateway/bot", "_r_gateway_bot"),
            ("GET", r"/users/@me", "_r_me"),
            ("GET", r"/users/(\d+)", "_r_user"),
            ("POST", r"/users/@me/channels", "_r_create_dm"),
            ("GET", r"/oauth2/applications/@me", "_r_application"),
            ("GET", r"/applications/@me", "_r_application"),
            ("GET", r"/applications/(\d+)/commands", "_r_get_commands"),
            ("PUT", r"/applications/(\d+)/commands", "_r_put_commands"),
            ("GET", r"/applications/(\d+)/guilds/(\d+)/commands", "_r_get_commands"),
            ("PUT", r"/applications/(\d+)/guilds/(\d+)/commands", "_r_put_commands"),
            ("GET", r"/guilds/(\d+)", "_r_guild"),
            ("GET", r"/guilds/(\d+)/channels", "_r_guild_channels"),
            ("GET", r"/guilds/(\d+)/roles", "_r_guild_roles"),
            ("GET", r"/guilds/(\d+)/members/(\d+)", "_r_guild_member"),
            ("GET", r"/guilds/(\d+)/threads/active", "_r_active_threads"),
            ("GET", r"/channels/(\d+)", "_r_channel"),
            ("GET", r"/channels/(\d+)/messages", "_r_history"),
            ("POST", r"/channels/(\d+)/messages", "_r_send"),
            ("GET", r"/channels/(\d+)/messages/(\d+)", "_r_get_message"),
            ("PATCH", r"/channels/(\d+)/messages/(\d+)", "_r_edit_message"),
            ("DELETE", r"/channels/(\d+)/messages/(\d+)", "_r_delete_message"),
            ("POST", r"/channels/(\d+)/typing", "_r_no_content"),
            ("PUT", r"/channels/(\d+)/messages/(\d+)/reactions/([^/]+)/@me", "_r_no_content"),
            ("POST", r"/channels/(\d+)/threads", "_r_create_thread"),
            ("POST", r"/channels/(\d+)/messages/(\d+)/threads", "_r_create_thread"),
            ("GET", r"/channels/(\d+)/threads/archived/public", "_r_archived_threads"),
            ("POST", r"/interactions/(\d+)/([^/]+)/callback", "_r_callback"),
            ("GET", r"/webhooks/(\d+)/([^/]+)/messages/(@original|\d+)", "_r_wh_get"),
            ("PATCH", r"/webhooks/(\d+)/([^/]+)/messages/(@original|\d+)", "_r_wh_edit"),
            ("DELETE", r"/webhooks/(\d+)/([^/]+)/messages/(@original|\d+)", "_r_wh_delete"),
            ("POST", r"/webhooks/(\d+)/([^/]+)", "_r_wh_execute"),
            ("GET", r"/webhooks/(\d+)/([^/]+)", "_r_wh_info"),
        ]
    ]

    async def _route(
        self, request: web.Request, method: str, path: str, body: Any, files: list[JSON]
    ) -> web.StreamResponse:
        path_matched = False
        for route_method, pattern, handler_name in self._ROUTES:
            m = pattern.fullmatch(path)
            if m is None:
                continue
            path_matched = True
            if route_method != method:
                continue
            handler = getattr(self, handler_name)
            result: web.StreamResponse = await handler(request, body, files, *m.groups())
            return result
        if path_matched:
            return _error(405, "405: Method Not Allowed")
        return _error(404, "404: Not Found")

    async def _r_gateway(self, request: web.Request, *_: Any) -> web.Response:
        return _json(200, {"url": self.gateway_url})

    async def _r_gateway_bot(self, request: web.Request, *_: Any) -> web.Response:
        limit = {"total": 1000, "remaining": 999, "reset_after": 14400000, "max_concurrency": 1}
        return _json(200, {"url": self.gateway_url, "shards": 1, "session_start_limit": limit})

    def _me(self) -> JSON:
        return {
            **self.bot_user.payload(),
            "verified": True,
            "mfa_enabled": False,
            "flags": 0,
            "locale": "en-US",
            "bio": "",
        }

    async def _r_me(self, request: web.Request, *_: Any) -> web.Response:
        return _json(200, self._me())

    async def _r_user(self, request: web.Request, _b: Any, _f: Any, uid: str) -> web.Response:
        user = self.users.get(int(uid))
        if user is None:
            return _error(404, "Unknown User", 10013)
        return _json(200, user.payload())

    async def _r_create_dm(self, request: web.Request, body: Any, *_: Any) -> web.Response:
        user = self.user(int(body["recipient_id"]))
        return _json(200, self.channels[self._dm_channel(user)])

    async def _r_application(self, request: web.Request, *_: Any) -> web.Response:
        return _json(
            200,
            {
                "id": str(self.application_id),
                "name": "newsbot",
                "icon": None,
                "description": "News alerts",
                "summary": "",
                "type": None,
                "bot_public": False,
                "bot_require_code_grant": False,
                "verify_key": "0" * 64,
                "flags": 1 << 19,  # GATEWAY_MESSAGE_CONTENT_LIMITED
                "owner": self.admin.payload(),
                "team": None,
                "bot": self.bot_user.payload(),
                "interactions_endpoint_url": None,
                "redirect_uris": [],
                "tags": [],
                "approximate_guild_count": 1,
            },
        )

    def _commands_key(self, app: str, guild: str | None) -> str | int | None:
        if int(app) != self.application_id:
            return None
        return int(guild) if guild else "global"

    async def _r_get_commands(
        self, request: web.Request, _b: Any, _f: Any, app: str, guild: str | None = None
    ) -> web.Response:
        key = self._commands_key(app, guild)
        if key is None:
            return _error(403, "Missing Access", 50001)
        return _json(200, self.commands.get(key, []))

    async def _r_put_commands(
        self, request: web.Request, body: Any, _f: Any, app: str, guild: str | None = None
    ) -> web.Response:
        key = self._commands_key(app, guild)
        if key is None:
            return _error(403, "Missing Access", 50001)
        if not isinstance(body, list):
            return _error(400, "Invalid Form Body", 50035)
        if len(body) > 100:
            return _error(400, "Invalid Form Body", 50035, errors={"_errors": "max 100"})
        previous = {c["name"]: c for c in self.commands.get(key, [])}
        stored = []
        for cmd in body:
            old = previous.get(cmd["name"])
            stored.append(
                {
                    "id": old["id"] if old else str(self.snowflake()),
                    "application_id": str(self.application_id),
                    "version": str(self.snowflake()),
                    "type": cmd.get("type", 1),
                    "description": cmd.get("description", ""),
                    "options": cmd.get("options", []),
                    "default_member_permissions": cmd.get("default_member_permissions"),
                    "dm_permission": cmd.get("dm_permission", True),
                    "nsfw": cmd.get("nsfw", False),
                    **({"guild_id": str(key)} if key != "global" else {}),
                    **cmd,
                }
            )
        self.commands[key] = stored
        return _json(200, stored)

    def _guild_or_404(self, guild: str) -> web.Response | None:
        return None if int(guild) == self.guild_id else _error(404, "Unknown Guild", 10004)

    async def _r_guild(self, request: web.Request, _b: Any, _f: Any, guild: str) -> web.Response:
        if (err := self._guild_or_404(guild)) is not None:
            return err
        data = self.guild_payload()
        for key in ("members", "channels", "threads", "presences", "voice_states", "joined_at"):
            data.pop(key, None)
        return _json(200, data)

    async def _r_guild_channels(
        self, request: web.Request, _b: Any, _f: Any, guild: str
    ) -> web.Response:
        if (err := self._guild_or_404(guild)) is not None:
            return err
        return _json(200, self.guild_payload()["channels"])

    async def _r_guild_roles(
        self, request: web.Request, _b: Any, _f: Any, guild: str
    ) -> web.Response:
        if (err := self._guild_or_404(guild)) is not None:
            return err
        return _json(200, list(self.roles.values()))

    async def _r_guild_member(
        self, request: web.Request, _b: Any, _f: Any, guild: str, uid: str
    ) -> web.Response:
        if (err := self._guild_or_404(guild)) is not None:
            return err
        user = self.users.get(int(uid))
        if user is None:
            return _error(404, "Unknown Member", 10007)
        return _json(200, self.member_payload(user))

    async def _r_active_threads(
        self, request: web.Request, _b: Any, _f: Any, guild: str
    ) -> web.Response:
        if (err := self._guild_or_404(guild)) is not None:
            return err
        threads = [c for c in self.channels.values() if c["type"] in (11, 12)]
        return _json(200, {"threads": threads, "members": []})

    async def _r_archived_threads(
        self, request: web.Request, _b: Any, _f: Any, cid: str
    ) -> web.Response:
        return _json(200, {"threads": [], "members": [], "has_more": False})

    async def _r_channel(self, request: web.Request, _b: Any, _f: Any, cid: str) -> web.Response:
        channel = self.channels.get(int(cid))
        if channel is None:
            return _error(404, "Unknown Channel", 10003)
        return _json(200, channel)

    async def _r_no_content(self, request: web.Request, *_: Any) -> web.Response:
        return web.Response(status=204)

    def _validate_message(self, payload: JSON, files: list[JSON], *, edit: bool) -> JSON | None:
        """Discord's form checks; returns an error body or None."""
        content = payload.get("content")
        embeds = payload.get("embeds") or []
        errors: JSON = {}
        if content is not None and len(str(content)) > 2000:
            errors["content"] = "Must be 2000 or fewer in length."
        if len(embeds) > 10:
            errors["embeds"] = "Must be 10 or fewer in length."
        total = 0
        for i, embed in enumerate(embeds):
            problems = []
            for key in ("title", "description"):
                value = str(embed.get(key) or "")
                total += len(value)
                if len(value) > EMBED_LIMITS[key]:
                    problems.append(f"{key} must be {EMBED_LIMITS[key]} or fewer in length.")
            fields = embed.get("fields") or []
            if len(fields) > EMBED_LIMITS["fields"]:
                problems.append("fields must be 25 or fewer in length.")
            for f in fields:
                name, value = str(f.get("name", "")), str(f.get("value", ""))
                total += len(name) + len(value)
                if not name or not value or len(name) > 256 or len(value) > 1024:
                    problems.append("field name 1-256 and value 1-1024 characters")
            footer = str((embed.get("footer") or {}).get("text") or "")
            author = str((embed.get("author") or {}).get("name") or "")
            total += len(footer) + len(author)
            if len(footer) > EMBED_LIMITS["footer"] or len(author) > EMBED_LIMITS["author"]:
                problems.append("footer 2048 / author name 256 characters")
            if problems:
                errors[f"embeds.{i}"] = problems
        if total > 6000:
            errors["embeds"] = "Embed size exceeds maximum size of 6000"
        if errors:
            return {"message": "Invalid Form Body", "code": 50035, "errors": errors}
        has_body = content or embeds or files or payload.get("components") or payload.get("poll")
        if not edit and not has_body and not payload.get("sticker_ids"):
            return {"message": "Cannot send an empty message", "code": 50006}
        return None

    def _attachment_objects(self, channel_id: int, files: list[JSON]) -> list[JSON]:
        out = []
        for f in files:
            att_id = self.snowflake()
            key = f"{channel_id}/{att_id}/{f['filename']}"
            self._attachments[key] = f["data"]
            out.append(
                {
                    "id": str(att_id),
                    "filename": f["filename"],
                    "size": len(f["data"]),
                    "url": f"{self.base_url}/attachments/{key}",
                    "proxy_url": f"{self.base_url}/attachments/{key}",
                    "content_type": "application/octet-stream",
                }
            )
        return out

    def _message_object(
        self,
        channel_id: int,
        payload: JSON,
        attachments: list[JSON],
        *,
        author: JSON | None = None,
        webhook_id: int | None = None,
        interaction: _Interaction | None = None,
        flags: int = 0,
    ) -> JSON:
        message_id = self.snowflake()
        channel = self.channels.get(channel_id, {})
        ref = payload.get("message_reference")
        msg: JSON = {
            "id": str(message_id),
            "channel_id": str(channel_id),
            "author": author or self.bot_user.payload(),
            "content": payload.get("content") or "",
            "timestamp": _now_iso(),
            "edited_timestamp": None,
            "tts": bool(payload.get("tts", False)),
            **self._mentions(str(payload.get("content") or ""), payload.get("allowed_mentions")),
            "attachments": attachments,
            "embeds": [self._normalise_embed(e) for e in payload.get("embeds") or []],
            "reactions": [],
            "pinned": False,
            "type": 19 if ref else (20 if interaction and interaction.type == 2 else 0),
            "flags": int(payload.get("flags") or 0) | flags,
            "components": payload.get("components") or [],
            "nonce": payload.get("nonce"),
        }
        if "guild_id" in channel:
            msg["guild_id"] = channel["guild_id"]
        if ref:
            msg["message_reference"] = {"type": 0, "channel_id": str(channel_id), **ref}
            referenced = self._find_message_object(int(ref.get("message_id", 0)))
            msg["referenced_message"] = referenced
        if webhook_id is not None:
            msg["webhook_id"] = str(webhook_id)
        if interaction is not None:
            user = interaction.payload.get("member", {}).get("user") or interaction.payload.get(
                "user"
            )
            msg["webhook_id"] = str(self.application_id)
            msg["application_id"] = str(self.application_id)
            msg["interaction_metadata"] = {
                "id": str(interaction.id),
                "type": interaction.type,
                "user": user,
                "authorizing_integration_owners": {"0": str(self.guild_id)},
                "name": interaction.name,
            }
        return msg

    def _mentions(self, content: str, allowed: JSON | None) -> JSON:
        """Who a message pings, by Discord's rules: without `allowed_mentions` every user,
        role and @everyone/@here in the content is parsed."""
        parse = {"users", "roles", "everyone"} if allowed is None else set(allowed.get("parse", []))
        users = {int(u) for u in (allowed or {}).get("users", [])}
        roles = {int(r) for r in (allowed or {}).get("roles", [])}
        user_ids = [int(u) for u in re.findall(r"<@!?(\d+)>", content)]
        role_ids = [int(r) for r in re.findall(r"<@&(\d+)>", content)]
        return {
            "mention_everyone": "everyone" in parse
            and bool(re.search(r"@(everyone|here)", content)),
            "mentions": [
                self.users[u].payload()
                for u in dict.fromkeys(user_ids)
                if u in self.users and ("users" in parse or u in users)
            ],
            "mention_roles": [
                str(r)
                for r in dict.fromkeys(role_ids)
                if r in self.roles and ("roles" in parse or r in roles)
            ],
        }

    @staticmethod
    def _normalise_embed(embed: JSON) -> JSON:
        return {"type": "rich", **embed}

    def _find_message_object(self, message_id: int) -> JSON | None:
        recorded = self._store.get(message_id)
        if recorded is not None:
            return recorded.message
        return self._incoming.get(message_id)

    def _store_message(self, rec: RecordedMessage) -> RecordedMessage:
        self._store[rec.id] = rec
        channel = self.channels.get(rec.channel_id)
        if channel is not None and "last_message_id" in channel:
            channel["last_message_id"] = str(rec.id)
        return rec

    async def _r_send(
        self, request: web.Request, body: Any, files: list[JSON], cid: str
    ) -> web.Response:
        channel_id = int(cid)
        channel = self.channels.get(channel_id)
        if channel is None or channel["type"] == 4:
            return _error(404, "Unknown Channel", 10003)
        payload: JSON = body or {}
        if (err := self._validate_message(payload, files, edit=False)) is not None:
            return _json(400, err)
        ref: JSON = payload.get("message_reference") or {}
        must_exist = bool(ref) and ref.get("fail_if_not_exists", True)
        if must_exist and self._find_message_object(int(ref.get("message_id", 0))) is None:
            errors = {"message_reference": "Unknown message"}
            return _error(400, "Invalid Form Body", 50035, errors=errors)
        attachments = self._attachment_objects(channel_id, files)
        msg = self._message_object(channel_id, payload, attachments)
        rec = RecordedMessage(int(msg["id"]), channel_id, payload, msg, attachments=attachments)
        self.messages.append(self._store_message(rec))
        return _json(200, msg)

    async def _r_history(self, request: web.Request, _b: Any, _f: Any, cid: str) -> web.Response:
        channel_id = int(cid)
        if channel_id not in self.channels:
            return _error(404, "Unknown Channel", 10003)
        limit = int(request.query.get("limit", "50"))
        msgs = [r.message for r in self._store.values() if r.channel_id == channel_id]
        msgs += [m for m in self._incoming.values() if int(m["channel_id"]) == channel_id]
        msgs.sort(key=lambda m: int(m["id"]), reverse=True)
        if "before" in request.query:
            msgs = [m for m in msgs if int(m["id"]) < int(request.query["before"])]
        if "after" in request.query:
            msgs = [m for m in msgs if int(m["id"]) > int(request.query["after"])]
        return _json(200, msgs[:limit])

    async def _r_get_message(
        self, request: web.Request, _b: Any, _f: Any, cid: str, mid: str
    ) -> web.Response:
        msg = self._find_message_object(int(mid))
        if msg is None or int(msg["channel_id"]) != int(cid):
            return _error(404, "Unknown Message", 10008)
        return _json(200, msg)

    def _apply_edit(self, rec: RecordedMessage, payload: JSON, via: str) -> JSON:
        rec.edits.append(payload)
        self.edits.append(RecordedEdit(rec.id, rec.channel_id, payload, via))
        msg = rec.message
        for key in ("content", "components", "flags"):
            if key in payload and payload[key] is not None:
                msg[key] = payload[key]
        if "embeds" in payload:
            msg["embeds"] = [self._normalise_embed(e) for e in payload["embeds"] or []]
        msg["edited_timestamp"] = _now_iso()
        return msg

    async def _r_edit_message(
        self, request: web.Request, body: Any, files: list[JSON], cid: str, mid: str
    ) -> web.Response:
        rec = self._store.get(int(mid))
        if rec is None or rec.channel_id != int(cid):
            if int(mid) in self._incoming:
                return _error(403, "Cannot edit a message authored by another user", 50005)
            return _error(404, "Unknown Message", 10008)
        payload: JSON = body or {}
        if (err := self._validate_message(payload, files, edit=True)) is not None:
            return _json(400, err)
        return _json(200, self._apply_edit(rec, payload, "channel"))

    async def _r_delete_message(
        self, request: web.Request, _b: Any, _f: Any, cid: str, mid: str
    ) -> web.Response:
        if self._store.pop(int(mid), None) is None and self._incoming.pop(int(mid), None) is None:
            return _error(404, "Unknown Message", 10008)
        return web.Response(status=204)

    async def _r_create_thread(
        self, request: web.Request, body: Any, _f: Any, cid: str, mid: str | None = None
    ) -> web.Response:
        parent = self.channels.get(int(cid))
        if parent is None or parent["type"] != 0:
            return _error(404, "Unknown Channel", 10003)
        thread_id = int(mid) if mid else self.snowflake()
        payload: JSON = body or {}
        thread = {
            "id": str(thread_id),
            "type": int(payload.get("type", 11)),
            "guild_id": str(self.guild_id),
            "parent_id": cid,
            "owner_id": str(self.bot_user_id),
            "name": payload.get("name", "thread"),
            "last_message_id": None,
            "rate_limit_per_user": 0,
            "message_count": 0,
            "member_count": 1,
            "flags": 0,
            "total_message_sent": 0,
            "thread_metadata": {
                "archived": False,
                "auto_archive_duration": int(payload.get("auto_archive_duration", 1440)),
                "archive_timestamp": _now_iso(),
                "locked": False,
            },
        }
        self.channels[thread_id] = thread
        await self.dispatch("THREAD_CREATE", {**thread, "newly_created": True})
        return _json(201, thread)

    # -- interactions and webhooks

    async def _r_callback(
        self, request: web.Request, body: Any, files: list[JSON], iid: str, token: str
    ) -> web.Response:
        inter = self._interactions.get(token)
        if inter is None or inter.id != int(iid):
            return _error(404, "Unknown interaction", 10062)
        elapsed = time.monotonic() - inter.created
        if inter.acked:
            return _error(400, "Interaction has already been acknowledged.", 40060)
        if elapsed > self.interaction_deadline:
            return _error(404, "Unknown interaction", 10062)
        payload: JSON = body or {}
        type_ = int(payload.get("type", 0))
        data = payload.get("data")
        if type_ in (4, 7) and data is not None:
            err = self._validate_message(data, files, edit=type_ == 7)
            if err is not None:
                return _json(400, err)
        inter.acked = True
        self.interaction_responses.append(
            RecordedInteractionResponse(inter.id, token, type_, data, inter.name, elapsed)
        )
        resource: JSON | None = None
        if type_ in (4, 5):
            loading = 128 if type_ == 5 else 0
            message_data: JSON = data or {}
            attachments = self._attachment_objects(inter.channel_id, files)
            msg = self._message_object(
                inter.channel_id, message_data, attachments, interaction=inter, flags=loading
            )
            rec = RecordedMessage(
                int(msg["id"]),
                inter.channel_id,
                message_data,
                msg,
                via="interaction",
                token=token,
                attachments=attachments,
            )
            self._store_message(rec)
            inter.original_id = rec.id
            resource = {"type": type_, "message": msg}
        elif type_ == 7 and inter.payload.get("message"):
            target = self._store.get(int(inter.payload["message"]["id"]))
            if target is not None:
                resource = {"type": 7, "message": self._apply_edit(target, data or {}, "update")}
        if "with_response" not in request.query:
            return web.Response(status=204)
        flags = int((data or {}).get("flags") or 0)
        answer: JSON = {
            "interaction": {
                "id": str(inter.id),
                "type": inter.type,
                "response_message_id": str(inter.original_id) if inter.original_id else None,
                "response_message_loading": type_ == 5,
                "response_message_ephemeral": bool(flags & 64),
            }
        }
        if resource is not None:
            answer["resource"] = resource
        return _json(200, answer)

    def _webhook_target(
        self, wid: str, token: str
    ) -> tuple[_Interaction | None, FakeWebhook | None, web.Response | None]:
        inter = self._interactions.get(token)
        if int(wid) == self.application_id and inter is not None:
            if not inter.acked:
                return None, None, _error(404, "Unknown Webhook", 10015)
            return inter, None, None
        hook = self.webhooks.get(int(wid))
        if hook is None:
            return None, None, _error(404, "Unknown Webhook", 10015)
        if hook.token != token:
            return None, None, _error(401, "Invalid Webhook Token", 50027)
        return None, hook, None

    def _webhook_message(
        self, inter: _Interaction | None, hook: FakeWebhook | None, mid: str
    ) -> RecordedMessage | None:
        if mid == "@original":
            if inter is None or inter.original_id is None:
                return None
            return self._store.get(inter.original_id)
        rec = self._store.get(int(mid))
        if rec is None:
            return None
        if inter is not None and rec.token == inter.token:
            return rec
        if hook is not None and rec.webhook_id == hook.id:
            return rec
        return None

    async def _r_wh_get(
        self, request: web.Request, _b: Any, _f: Any, wid: str, token: str, mid: str
    ) -> web.Response:
        inter, hook, err = self._webhook_target(wid, token)
        if err is not None:
            return err
        rec = self._webhook_message(inter, hook, mid)
        if rec is None:
            return _error(404, "Unknown Message", 10008)
        return _json(200, rec.message)

    async def _r_wh_edit(
        self, request: web.Request, body: Any, files: list[JSON], wid: str, token: str, mid: str
    ) -> web.Response:
        inter, hook, err = self._webhook_target(wid, token)
        if err is not None:
            return err
        rec = self._webhook_message(inter, hook, mid)
        if rec is None:
            return _error(404, "Unknown Message", 10008)
        payload: JSON = body or {}
        if (invalid := self._validate_message(payload, files, edit=True)) is not None:
            return _json(400, invalid)
        msg = self._apply_edit(rec, payload, "original" if mid == "@original" else "webhook")
        if mid == "@original":
            msg["flags"] = int(msg.get("flags") or 0) & ~128  # no longer "thinking"
        return _json(200, msg)

    async def _r_wh_delete(
        self, request: web.Request, _b: Any, _f: Any, wid: str, token: str, mid: str
    ) -> web.Response:
        inter, hook, err = self._webhook_target(wid, token)
        if err is not None:
            return err
        rec = self._webhook_message(inter, hook, mid)
        if rec is None:
            return _error(404, "Unknown Message", 10008)
        self._store.pop(rec.id, None)
        return web.Response(status=204)

    async def _r_wh_info(
        self, request: web.Request, _b: Any, _f: Any, wid: str, token: str
    ) -> web.Response:
        _inter, hook, err = self._webhook_target(wid, token)
        if err is not None:
            return err
        if hook is None:
            return _error(404, "Unknown Webhook", 10015)
        return _json(200, self._webhook_payload(hook))

    def _webhook_payload(self, hook: FakeWebhook) -> JSON:
        return {
            "id": str(hook.id),
            "type": 1,
            "guild_id": str(self.guild_id),
            "channel_id": str(hook.channel_id),
            "name": hook.name,
            "avatar": None,
            "token": hook.token,
            "application_id": None,
        }

    async def _r_wh_execute(
        self, request: web.Request, body: Any, files: list[JSON], wid: str, token: str
    ) -> web.Response:
        inter, hook, err = self._webhook_target(wid, token)
        if err is not None:
            return err
        payload: JSON = body or {}
        if (err_body := self._validate_message(payload, files, edit=False)) is not None:
            return _json(400, err_body)
        if inter is not None:  # interaction followup
            attachments = self._attachment_objects(inter.channel_id, files)
            msg = self._message_object(inter.channel_id, payload, attachments, interaction=inter)
            rec = RecordedMessage(
                int(msg["id"]),
                inter.channel_id,
                payload,
                msg,
                via="followup",
                token=token,
                attachments=attachments,
            )
            self.followups.append(self._store_message(rec))
            return _json(200, msg)
        assert hook is not None
        channel_id = int(request.query.get("thread_id") or hook.channel_id)
        if channel_id not in self.channels:
            return _error(404, "Unknown Channel", 10003)
        author = {
            "id": str(hook.id),
            "username": payload.get("username") or hook.name,
            "discriminator": "0000",
            "avatar": None,
            "bot": True,
        }
        attachments = self._attachment_objects(channel_id, files)
        msg = self._message_object(channel_id, payload, attachments, author=author)
        msg["webhook_id"] = str(hook.id)
        rec = RecordedMessage(
            int(msg["id"]),
            channel_id,
            payload,
            msg,
            via="webhook",
            token=token,
            webhook_id=hook.id,
            attachments=attachments,
        )
        self.webhook_messages.append(self._store_message(rec))
        if request.query.get("wait", "").lower() in ("1", "true"):
            return _json(200, msg)
        return web.Response(status=204)

    async def _attachment(self, request: web.Request) -> web.Response:
        data = self._attachments.get(request.match_info["key"])
        if data is None:
            return web.Response(status=404, text="not found")
        return web.Response(body=data, headers={"Content-Type": "application/octet-stream"})

    # ------------------------------------------------------------------ gateway

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        session = _Session(ws)
        self._sessions.append(session)
        try:
            await self._send(session, {"op": OP_HELLO, "d": self._hello()})
            async for msg in ws:
                if msg.type != WSMsgType.TEXT:
                    if msg.type == WSMsgType.BINARY:
                        await self._handle_op(session, json.loads(msg.data))
                    continue
                await self._handle_op(session, json.loads(msg.data))
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            if session in self._sessions:
                self._sessions.remove(session)
        return ws

    def _hello(self) -> JSON:
        return {"heartbeat_interval": self.heartbeat_interval_ms, "_trace": ["fake-discord"]}

    async def _send(self, session: _Session, payload: JSON) -> None:
        async with session.lock:
            if not session.ws.closed:
                await session.ws.send_str(json.dumps(payload))

    async def _handle_op(self, session: _Session, msg: JSON) -> None:
        op = msg.get("op")
        data = msg.get("d")
        if op == OP_HEARTBEAT:
            self.heartbeats += 1
            await self._send(session, {"op": OP_HEARTBEAT_ACK, "d": None})
        elif op == OP_IDENTIFY:
            await self._identify(session, data or {})
        elif op == OP_RESUME:
            sid = (data or {}).get("session_id")
            token_ok = self.token is None or (data or {}).get("token") == self.token
            if sid in self._known_sessions and token_ok:
                session.session_id = sid
                session.intents = self._known_sessions[sid]
                session.seq = int((data or {}).get("seq") or 0)
                session.identified = True
                self.resumes += 1
                await self._dispatch_to(session, "RESUMED", {"_trace": ["fake-discord"]})
            else:
                await self._send(session, {"op": OP_INVALID_SESSION, "d": False})
        elif op == OP_REQUEST_MEMBERS:
            await self._members_chunk(session, data or {})
        # op 3 (presence), 4 (voice) and unknown ops are ignored

    async def _identify(self, session: _Session, data: JSON) -> None:
        self.identifies.append(data)
        if self.token is not None and data.get("token") != self.token:
            await session.ws.close(code=4004, message=b"Authentication failed.")
            return
        session.intents = int(data.get("intents") or 0)
        session.shard = data.get("shard")
        session.session_id = secrets.token_hex(16)
        self._known_sessions[session.session_id] = session.intents
        session.identified = True
        ready: JSON = {
            "v": 10,
            "user": self._me(),
            "guilds": [{"id": str(self.guild_id), "unavailable": True}],
            "session_id": session.session_id,
            "session_type": "normal",
            "resume_gateway_url": self.gateway_url,
            "application": {"id": str(self.application_id), "flags": 1 << 19},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "_trace": ["fake-discord"],
        }
        if session.shard is not None:
            ready["shard"] = session.shard
        await self._dispatch_to(session, "READY", ready)
        await self._dispatch_to(session, "GUILD_CREATE", self.guild_payload(session.intents))

    async def _members_chunk(self, session: _Session, data: JSON) -> None:
        wanted = {int(u) for u in data.get("user_ids") or []}
        query = str(data.get("query") or "").lower()
        users = [
            u
            for u in self.users.values()
            if (not wanted or u.id in wanted) and u.username.lower().startswith(query)
        ]
        limit = int(data.get("limit") or 0)
        if limit:
            users = users[:limit]
        chunk: JSON = {
            "guild_id": str(self.guild_id),
            "members": [self.member_payload(u) for u in users],
            "chunk_index": 0,
            "chunk_count": 1,
            "not_found": [],
        }
        if data.get("nonce") is not None:
            chunk["nonce"] = data["nonce"]
        await self._dispatch_to(session, "GUILD_MEMBERS_CHUNK", chunk)

    async def _dispatch_to(self, session: _Session, event: str, data: JSON) -> None:
        session.seq += 1
        await self._send(session, {"op": OP_DISPATCH, "t": event, "s": session.seq, "d": data})

    async def dispatch(self, event: str, data: JSON) -> int:
        """Sends a raw DISPATCH to every identified gateway session; returns how many."""

        async def run() -> int:
            sent = 0
            for session in list(self._sessions):
                if session.identified and not session.ws.closed:
                    await self._dispatch_to(session, event, data)
                    sent += 1
            return sent

        return await self._on_loop(run())

    @property
    def connected(self) -> int:
        """How many gateway sessions have identified (or resumed) and are open."""
        return sum(1 for s in self._sessions if s.identified and not s.ws.closed)

    async def drop_gateway(self, code: int = 4000) -> None:
        """Closes every gateway session with `code` (4000 makes discord.py RESUME)."""

        async def run() -> None:
            for session in list(self._sessions):
                await session.ws.close(code=code, message=b"FakeDiscord drop")

        await self._on_loop(run())

    # ------------------------------------------------------------------ scripted events

    def _find_command(self, name: str, guild: bool) -> tuple[JSON | None, bool]:
        """The registered command called `name` (guild commands first) and whether guild."""
        if guild:
            for cmd in self.commands.get(self.guild_id, []):
                if cmd["name"] == name:
                    return cmd, True
        for cmd in self.commands.get("global", []):
            if cmd["name"] == name:
                return cmd, False
        return None, False

    @staticmethod
    def _infer_type(value: Any) -> int:
        if isinstance(value, bool):
            return 5
        if isinstance(value, int):
            return 4
        if isinstance(value, float):
            return 10
        return 3

    def _build_options(
        self,
        path: list[str],
        schema: list[JSON],
        options: Mapping[str, Any],
        focused: str | None,
        resolved: JSON,
    ) -> list[JSON]:
        if path:  # subcommand group (2) or subcommand (1)
            sub_schema = next((o for o in schema if o.get("name") == path[0]), None)
            sub_type = (sub_schema or {}).get("type", 1 if len(path) == 1 else 2)
            inner = self._build_options(
                path[1:], (sub_schema or {}).get("options", []), options, focused, resolved
            )
            return [{"name": path[0], "type": sub_type, "options": inner}]
        out = []
        for opt_name, value in options.items():
            opt_schema = next((o for o in schema if o.get("name") == opt_name), None)
            type_ = int(opt_schema["type"]) if opt_schema else self._infer_type(value)
            wire_value: Any = value
            if type_ in (6, 7, 8, 9) and focused != opt_name:
                wire_value = str(int(value))
                self._resolve(type_, int(value), resolved)
            entry: JSON = {"name": opt_name, "type": type_, "value": wire_value}
            if focused == opt_name:
                entry["focused"] = True
                entry["value"] = str(value)
            out.append(entry)
        return out

    def _resolve(self, type_: int, target: int, resolved: JSON) -> None:
        if type_ in (6, 9) and target in self.users:
            user = self.users[target]
            resolved.setdefault("users", {})[str(target)] = user.payload()
            member = self.member_payload(user, with_user=False)
            member["permissions"] = str(self.permissions_of(user))
            resolved.setdefault("members", {})[str(target)] = member
        elif type_ in (7,) and target in self.channels:
            ch = self.channels[target]
            entry: JSON = {k: ch[k] for k in ("id", "name", "type", "parent_id") if k in ch}
            if "thread_metadata" in ch:
                entry["thread_metadata"] = ch["thread_metadata"]
            entry["permissions"] = str(Perm.ALL)
            resolved.setdefault("channels", {})[str(target)] = entry
        elif type_ in (8, 9) and target in self.roles:
            resolved.setdefault("roles", {})[str(target)] = self.roles[target]

    def _interaction_base(
        self, type_: int, user: str | int | FakeUser, channel_id: int | None, guild: bool
    ) -> tuple[JSON, FakeUser, int]:
        who = self.user(user)
        if guild:
            channel_id = channel_id or self.general_channel_id
        else:
            channel_id = channel_id or self._dm_channel(who)
        channel = dict(self.channels.get(channel_id) or {"id": str(channel_id), "type": 0})
        bot_perms = self.permissions_of(self.bot_user)
        payload: JSON = {
            "id": str(self.snowflake()),
            "application_id": str(self.application_id),
            "type": type_,
            "token": "aW50ZXJhY3Rpb24." + secrets.token_urlsafe(48),
            "version": 1,
            "channel_id": str(channel_id),
            "channel": channel,
            "locale": "en-US",
            "app_permissions": str(bot_perms),
            "entitlements": [],
            "entitlement_sku_ids": [],
            "attachment_size_limit": 10 * 1024 * 1024,
        }
        if guild:
            member = self.member_payload(who)
            member["permissions"] = str(self.permissions_of(who))
            payload.update(
                guild_id=str(self.guild_id),
                guild={"id": str(self.guild_id), "locale": "en-US", "features": []},
                guild_locale="en-US",
                member=member,
                context=0,
                authorizing_integration_owners={"0": str(self.guild_id)},
            )
        else:
            payload.update(
                user=who.payload(),
                context=1,
                authorizing_integration_owners={"1": str(who.id)},
            )
        return payload, who, channel_id

    async def _push_interaction(self, payload: JSON, name: str, channel_id: int) -> JSON:
        inter = _Interaction(
            int(payload["id"]),
            payload["token"],
            payload["type"],
            name,
            channel_id,
            time.monotonic(),
            payload,
        )
        self._interactions[inter.token] = inter
        sent = await self.dispatch("INTERACTION_CREATE", payload)
        if sent == 0:
            raise RuntimeError("no identified gateway session to receive the interaction")
        return payload

    def _command_payload(
        self,
        type_: int,
        name: str,
        options: Mapping[str, Any] | None,
        user: str | int | FakeUser,
        channel_id: int | None,
        guild: bool,
        focused: str | None,
    ) -> tuple[JSON, int]:
        payload, _who, channel = self._interaction_base(type_, user, channel_id, guild)
        parts = name.split()
        cmd, is_guild_cmd = self._find_command(parts[0], guild)
        resolved: JSON = {}
        data: JSON = {
            "id": cmd["id"] if cmd else str(self.snowflake()),
            "name": parts[0],
            "type": 1,
            "options": self._build_options(
                parts[1:], (cmd or {}).get("options", []), options or {}, focused, resolved
            ),
        }
        if is_guild_cmd:
            data["guild_id"] = str(self.guild_id)
        if resolved:
            data["resolved"] = resolved
        payload["data"] = data
        return payload, channel

    async def push_interaction(
        self,
        name: str,
        options: Mapping[str, Any] | None = None,
        *,
        user: str | int | FakeUser = "admin",
        channel_id: int | None = None,
        guild: bool = True,
    ) -> JSON:
        """Dispatches a slash command (INTERACTION_CREATE type 2); returns the payload.

        `name` may hold subcommands ("news subscribe"). Option types come from the command
        registered by `tree.sync()` when there is one, else from the Python values (str 3,
        int 4, bool 5, float 10); user/channel/role options (ids) get `resolved` data.
        Raises RuntimeError when no client is connected.
        """
        payload, channel = self._command_payload(2, name, options, user, channel_id, guild, None)
        return await self._on_loop(self._push_interaction(payload, name, channel))

    async def push_autocomplete(
        self,
        name: str,
        options: Mapping[str, Any],
        *,
        focused: str,
        user: str | int | FakeUser = "admin",
        channel_id: int | None = None,
        guild: bool = True,
    ) -> JSON:
        """Dispatches an autocomplete request (type 4); answers land in interaction_responses
        with type 8 and data {"choices": [...]}"""
        payload, channel = self._command_payload(4, name, options, user, channel_id, guild, focused)
        return await self._on_loop(self._push_interaction(payload, name, channel))

    async def push_component(
        self,
        custom_id: str,
        message_id: int,
        *,
        user: str | int | FakeUser = "admin",
        component_type: int = 2,
        values: list[str] | None = None,
    ) -> JSON:
        """Dispatches a component interaction (type 3: button click, or a select with
        `values`) on a message the fake knows (sent by the bot, an interaction, a webhook)."""
        msg = self._find_message_object(message_id)
        if msg is None:
            raise KeyError(f"unknown message {message_id}")
        channel_id = int(msg["channel_id"])
        guild = "guild_id" in self.channels.get(channel_id, {})
        payload, _who, channel = self._interaction_base(3, user, channel_id, guild)
        data: JSON = {"custom_id": custom_id, "component_type": component_type}
        if values is not None:
            data["values"] = values
        payload["data"] = data
        payload["message"] = msg
        return await self._on_loop(self._push_interaction(payload, custom_id, channel))

    async def push_modal_submit(
        self,
        custom_id: str,
        fields: Mapping[str, str],
        *,
        user: str | int | FakeUser = "admin",
        channel_id: int | None = None,
        guild: bool = True,
    ) -> JSON:
        """Dispatches a modal submit (type 5) with text inputs `fields` {custom_id: value}."""
        payload, _who, channel = self._interaction_base(5, user, channel_id, guild)
        rows = [
            {"type": 1, "components": [{"type": 4, "custom_id": k, "value": v}]}
            for k, v in fields.items()
        ]
        payload["data"] = {"custom_id": custom_id, "components": rows}
        return await self._on_loop(self._push_interaction(payload, custom_id, channel))

    async def push_message(
        self,
        channel_id: int,
        content: str,
        *,
        author: str | int | FakeUser = "member",
        attachments: list[str | tuple[str, bytes]] | None = None,
        embeds: list[JSON] | None = None,
    ) -> JSON:
        """Dispatches MESSAGE_CREATE from a user; returns the message object.

        Attachments are filenames or (filename, bytes); their `url` serves the bytes. As on
        Discord, sessions without the MESSAGE_CONTENT intent get empty content/embeds/
        attachments unless the message mentions the bot or is a DM; sessions without the
        GUILD_MESSAGES (or DIRECT_MESSAGES) intent get nothing.
        """
        who = self.user(author)
        channel = self.channels.get(channel_id)
        if channel is None:
            raise KeyError(f"unknown channel {channel_id}")
        files = [
            {"filename": a, "data": b""} if isinstance(a, str) else {"filename": a[0], "data": a[1]}
            for a in attachments or []
        ]
        atts = self._attachment_objects(channel_id, files)
        mentioned = [
            self.users[int(m)].payload()
            for m in re.findall(r"<@!?(\d+)>", content)
            if int(m) in self.users
        ]
        msg: JSON = {
            "id": str(self.snowflake()),
            "channel_id": str(channel_id),
            "author": who.payload(),
            "content": content,
            "timestamp": _now_iso(),
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": "@everyone" in content,
            "mentions": mentioned,
            "mention_roles": [],
            "attachments": atts,
            "embeds": embeds or [],
            "reactions": [],
            "pinned": False,
            "type": 0,
            "flags": 0,
            "components": [],
        }
        is_dm = channel["type"] == 1
        if not is_dm:
            msg["guild_id"] = str(self.guild_id)
            msg["member"] = self.member_payload(who, with_user=False)
        self._incoming[int(msg["id"])] = msg
        if "last_message_id" in channel:
            channel["last_message_id"] = msg["id"]
        mentions_bot = any(int(u["id"]) == self.bot_user_id for u in mentioned)

        async def run() -> JSON:
            for session in list(self._sessions):
                if not session.identified or session.ws.closed:
                    continue
                needed = INTENT_DIRECT_MESSAGES if is_dm else INTENT_GUILD_MESSAGES
                if not session.intents & needed:
                    continue
                data = msg
                if not (session.intents & INTENT_MESSAGE_CONTENT or is_dm or mentions_bot):
                    data = {**msg, "content": "", "embeds": [], "attachments": []}
                await self._dispatch_to(session, "MESSAGE_CREATE", data)
            return msg

        return await self._on_loop(run())


@contextlib.contextmanager
def patch_discord_urls(dc: FakeDiscord) -> Iterator[None]:
    """Points discord.py's REST base and default gateway at `dc`, restoring them after.

    These are the library's two endpoint settings (class attributes); nothing is mocked.
    """
    import yarl
    from discord.gateway import DiscordWebSocket
    from discord.http import Route

    old_base, old_gateway = Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
    Route.BASE = dc.api_url
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(dc.gateway_url)
    try:
        yield
    finally:
        Route.BASE = old_base
        DiscordWebSocket.DEFAULT_GATEWAY = old_gateway


@contextlib.asynccontextmanager
async def running_fake(**kwargs: Any) -> AsyncIterator[FakeDiscord]:
    """`async with running_fake() as dc:` = FakeDiscord started and discord.py pointed at it."""
    async with FakeDiscord(**kwargs) as dc:
        with patch_discord_urls(dc):
            yield dc
