"""What a command answers, platform-neutral: text, stories with context, buttons, a file.

The platform bindings render a Reply (escaping every string) and never decide what it says.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.alerts.view import AlertView


@dataclass(frozen=True)
class Button:
    label: str
    data: str  # callback data / custom id: at most 64 bytes (Telegram's limit)


@dataclass(frozen=True)
class Document:
    filename: str
    data: bytes
    mime_type: str = "application/octet-stream"


@dataclass(frozen=True)
class StoryGroup:
    """Stories of one same-story cluster (or one story alone), newest first."""

    views: tuple[AlertView, ...]


@dataclass(frozen=True)
class Reply:
    title: str = ""
    lines: tuple[str, ...] = ()
    groups: tuple[StoryGroup, ...] = ()
    buttons: tuple[Button, ...] = ()
    document: Document | None = None
    error: bool = False  # a refusal or a usage message
    private: bool = False  # Discord: only the caller sees it
    footer: str = ""
    meta: dict[str, str] = field(default_factory=dict)


def usage(line: str, why: str = "") -> Reply:
    lines = (why, f"Usage: {line}") if why else (f"Usage: {line}",)
    return Reply(lines=tuple(x for x in lines if x), error=True, private=True)


def refusal(why: str) -> Reply:
    return Reply(lines=(why,), error=True, private=True)
