"""Discord through discord.py: the client, the API/gateway endpoints, and the alert sink.

Every message goes out with AllowedMentions.none() (also set on the client), so feed text can
never ping a server. DISCORD_API_URL and DISCORD_GATEWAY_URL point discord.py at other
endpoints (the tests' fakes): discord.py reads them from `Route.BASE` and
`DiscordWebSocket.DEFAULT_GATEWAY`, so they are process-wide settings, applied once at start.
Logging in translates the library's errors into TokenRejected / PlatformUnavailable.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Sequence
from typing import TypeVar

import aiohttp
import discord
import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route

from bot.alerts.ratelimit import RateLimits
from bot.alerts.view import AlertView
from bot.errors import (
    PermanentSendError,
    PlatformUnavailable,
    RetryLater,
    TokenRejected,
    TransientSendError,
    UndeliverableMessage,
)
from bot.models import Subscription
from bot.platforms import discord_render
from bot.redact import redact

log = logging.getLogger(__name__)

DEFAULT_API_URL = "https://discord.com/api/v10"
DEFAULT_GATEWAY_URL = "wss://gateway.discord.gg/"
# Discord allows 50 requests/s per bot and 5 messages per 5 s per channel.
LIMITS = RateLimits(overall_per_second=45, per_chat_per_second=1, per_group_per_minute=60)

T = TypeVar("T")

# newsbot never joins a voice channel: discord.py's warnings that voice packages are missing
# would only add two lines to every start (and to `newsbot discord sync`'s one line)
discord.VoiceClient.warn_nacl = False
discord.VoiceClient.warn_dave = False


def configure_endpoints(api_url: str | None, gateway_url: str | None) -> None:
    """Point discord.py at the given REST base and gateway (defaults: Discord's own)."""
    Route.BASE = (api_url or DEFAULT_API_URL).rstrip("/")
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url or DEFAULT_GATEWAY_URL)


def build_client(intents: discord.Intents | None = None) -> discord.Client:
    return discord.Client(
        intents=intents or discord.Intents(guilds=True),
        allowed_mentions=discord.AllowedMentions.none(),
    )


async def login(client: discord.Client, token: str) -> None:
    """Log in over REST; a rejected token is TokenRejected, anything else PlatformUnavailable.
    On failure the client is closed (a new one is built for the next attempt)."""
    try:
        await client.login(token)
    except discord.LoginFailure:
        await client.close()
        raise TokenRejected(
            "discord", "Discord refused the bot token (DISCORD_BOT_TOKEN); check it"
        ) from None
    except (aiohttp.ClientError, OSError, TimeoutError, discord.DiscordException) as exc:
        await client.close()
        why = redact(f"{type(exc).__name__}: {exc}", [token])
        raise PlatformUnavailable("discord", f"Discord API unreachable ({why})") from None


async def translate(call: Awaitable[T]) -> T:
    try:
        return await call
    except discord.RateLimited as exc:
        raise RetryLater(exc.retry_after, f"Discord: rate limited ({exc})") from exc
    except discord.Forbidden as exc:
        raise PermanentSendError(
            f"Discord: {exc.status} {exc.text or 'Forbidden'} (code {exc.code})"
        ) from exc
    except discord.NotFound as exc:
        raise PermanentSendError(f"Discord: {exc.text or 'Not Found'} (code {exc.code})") from exc
    except discord.DiscordServerError as exc:
        raise TransientSendError(f"Discord: server error {exc.status}") from exc
    except discord.HTTPException as exc:
        if exc.status == 429:
            raise RetryLater(5.0, "Discord: rate limited") from exc
        raise UndeliverableMessage(f"Discord refused the message: {exc.status} {exc.text}") from exc
    except (aiohttp.ClientError, discord.GatewayNotFound) as exc:
        raise TransientSendError(f"Discord: {type(exc).__name__}: {exc}") from exc


class DiscordSink:
    """Sends embeds to channels (REST only, no gateway needed) or to a subscription's webhook."""

    platform = "discord"

    def __init__(
        self, client: discord.Client, session: aiohttp.ClientSession | None = None
    ) -> None:
        self.client = client
        self._session = session

    def _channel(self, sub: Subscription) -> discord.PartialMessageable:
        return self.client.get_partial_messageable(int(sub.thread or sub.chat))

    async def _webhook_send(self, sub: Subscription, embed: discord.Embed) -> str:
        if self._session is None:
            self._session = aiohttp.ClientSession()
        assert sub.webhook_url is not None
        hook = discord.Webhook.from_url(sub.webhook_url, session=self._session)
        thread = discord.Object(int(sub.thread)) if sub.thread else discord.utils.MISSING
        message = await translate(
            hook.send(
                embed=embed,
                wait=True,
                thread=thread,
                allowed_mentions=discord.AllowedMentions.none(),
            )
        )
        return str(message.id)

    def render(self, view: AlertView) -> list[str]:
        return [json.dumps(discord_render.render(view), ensure_ascii=False)]

    def render_digest(self, views: Sequence[AlertView]) -> list[tuple[str, int]]:
        """One message per digest embed (Discord caps a message at 6,000 embed characters)."""
        return [
            (json.dumps(embed, ensure_ascii=False), count)
            for embed, count in discord_render.render_digest_pages(views)
        ]

    async def send_part(self, sub: Subscription, part: str, reply_to: str | None) -> str:
        embed = discord.Embed.from_dict(json.loads(part))
        if sub.webhook_url:
            return await self._webhook_send(sub, embed)
        channel = self._channel(sub)
        reference = None
        if reply_to and reply_to.isdigit():
            reference = discord.MessageReference(
                message_id=int(reply_to), channel_id=channel.id, fail_if_not_exists=False
            )
        message = await translate(
            channel.send(
                embed=embed,
                reference=reference,  # type: ignore[arg-type]
                allowed_mentions=discord.AllowedMentions.none(),
            )
        )
        return str(message.id)

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
