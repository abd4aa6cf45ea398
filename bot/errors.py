"""The one exception tree of newsbot.

    NewsbotError
    ├── ConfigError          bad feeds file or settings (names file, line and field)
    ├── StoreError           the database cannot be opened or migrated
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

Callers catch the narrowest class they can handle; the CLI maps ConfigError and
StoreError to a non-zero exit, while a FetchError only marks its own feed as failed.
"""

from __future__ import annotations


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


class StoreError(NewsbotError):
    """The database could not be opened, migrated or written."""


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
