"""The shape of a command reply as the platform renderers read it.

handlers.reply.Reply satisfies it; the renderers depend on this shape, not on handlers, so
bot/ never imports handlers/.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from bot.alerts.view import AlertView


class StoryGroupLike(Protocol):
    @property
    def views(self) -> Sequence[AlertView]: ...


class ReplyLike(Protocol):
    """What a command reply carries: a title, lines, story groups and a footer."""

    @property
    def title(self) -> str: ...
    @property
    def lines(self) -> Sequence[str]: ...
    @property
    def groups(self) -> Sequence[StoryGroupLike]: ...
    @property
    def footer(self) -> str: ...
