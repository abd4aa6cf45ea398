"""The one exception tree of newsbot.

    NewsbotError
    ├── ConfigError          bad feeds file or settings (names file, line and field)
    ├── StoreError           the database cannot be opened, migrated, read or written
    │                        (missing, read-only, disk full, corrupt, constraint: `reason`)
    ├── ServeError           /healthz and /metrics cannot be served (the port is taken)
    ├── PlatformError        a chat platform cannot be used (platform-neutral)
    │   ├── PlatformUnavailable  unreachable or failing now: retried with backoff
    │   └── TokenRejected    the platform refused the bot token: retrying cannot help
    ├── FetchError           one feed could not be fetched or parsed (fails alone)
    │   ├── BlockedAddress   the SSRF guard refused a host or a redirect hop
    │   ├── BodyTooLarge     the body passed the size cap
    │   ├── UnsafeFeed       the body declares XML entities (DESIGN §6)
    │   └── NotAFeed         the body parsed to no feed (an HTML error page, say)
    └── DeliveryError        a platform refused or failed one send (platform-neutral)
        ├── RetryLater       rate limited: try again after `retry_after` seconds
        ├── TransientSendError  5xx, timeout, network: back off and retry
        ├── PermanentSendError  blocked, kicked, chat not found, no permission: stop
        ├── UndeliverableMessage  this one message was refused (a 400): drop it, keep the chat
        └── ChatMoved        the chat has a new id (Telegram group → supergroup)

Callers catch the narrowest class they can handle; the CLI maps each class to one exit code
(`ExitCode`, `exit_code_for`), while a FetchError only marks its own feed as failed. Messages
never carry a secret: the edges that build them from library errors redact tokens first.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Literal


class ExitCode(IntEnum):
    """The documented exit codes of `newsbot` (README, "Exit codes")."""

    OK = 0
    NOT_FOUND = 1  # a lookup found nothing (`newsbot outlet`)
    USAGE = 2  # bad usage or configuration
    STORE = 3  # the database cannot be opened, read or written
    PLATFORM = 4  # a chat platform refused the bot token
    SERVE = 5  # the metrics/health port cannot be served
    INTERNAL = 70  # a bug in newsbot (EX_SOFTWARE); `--debug` shows the traceback
    INTERRUPTED = 130  # `poll --once` stopped by SIGINT or SIGTERM before it was done


class NewsbotError(Exception):
    """Base class of every error newsbot raises on purpose."""


class ConfigError(NewsbotError):
    """A configuration problem; the message says what and where (file:line: field)."""

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        line: int | None = None,
        field: str | None = None,
    ) -> None:
        self.path = path
        self.line = line
        self.field = field
        where = ""
        if path is not None:
            where = path if line is None else f"{path}:{line}"
        parts = [p for p in (where, field) if p]
        super().__init__(f"{': '.join(parts)}: {message}" if parts else message)


# "constraint": one write broke a constraint (a bug or an odd item): it fails alone
StoreReason = Literal[
    "missing",
    "read_only",
    "full",
    "corrupt",
    "schema",
    "constraint",
    "unreachable",
    "busy",  # a transient conflict (a deadlock another writer won): trying again can succeed
    "other",
]


class StoreError(NewsbotError):
    """The database could not be opened, migrated, read or written."""

    def __init__(self, message: str, *, reason: StoreReason = "other") -> None:
        self.reason: StoreReason = reason
        super().__init__(message)


class ServeError(NewsbotError):
    """The health and metrics server could not listen (address in use, no permission)."""


class PlatformError(NewsbotError):
    """A chat platform cannot be used; `platform` is "telegram" or "discord"."""

    def __init__(self, platform: str, message: str) -> None:
        self.platform = platform
        super().__init__(message)


class PlatformUnavailable(PlatformError):
    """Unreachable, timing out or failing on its side: try again later."""


class TokenRejected(PlatformError):
    """The platform refused the bot token (401/404 on login)."""


class FetchError(NewsbotError):
    """A feed could not be fetched or parsed. Only that feed fails."""


class BlockedAddress(FetchError):
    """The SSRF guard refused the address (private, loopback, link-local, multicast …)."""


class BodyTooLarge(FetchError):
    """The response body exceeded the configured cap."""


class UnsafeFeed(FetchError):
    """The body declares XML entities, which feedparser expands quadratically."""


class NotAFeed(FetchError):
    """The body is not a feed (no version and no entries, e.g. an HTML page)."""


class DeliveryError(NewsbotError):
    """A send failed; platform modules translate their library's errors into these."""


class RetryLater(DeliveryError):
    def __init__(self, retry_after: float, message: str = "") -> None:
        self.retry_after = float(retry_after)
        super().__init__(message or f"rate limited, retry after {retry_after:g} s")


class TransientSendError(DeliveryError):
    """Worth retrying later: the platform or the network is having trouble."""


class PermanentSendError(DeliveryError):
    """Retrying cannot help (blocked, kicked, chat not found, missing permissions)."""


class UndeliverableMessage(DeliveryError):
    """The platform refused this message itself; the chat stays subscribed."""


class ChatMoved(DeliveryError):
    def __init__(self, new_chat: str) -> None:
        self.new_chat = new_chat
        super().__init__(f"chat moved to {new_chat}")


def exit_code_for(exc: BaseException) -> ExitCode:
    """The exit code the CLI uses for an error that ends a command."""
    if isinstance(exc, StoreError):
        return ExitCode.STORE
    if isinstance(exc, TokenRejected):
        return ExitCode.PLATFORM
    if isinstance(exc, ServeError):
        return ExitCode.SERVE
    return ExitCode.USAGE
