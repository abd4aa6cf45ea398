"""The console sink: alerts as plain text on stdout, for running without tokens and the demo.

Colour (ANSI bold and dim) only when stdout is a terminal and NO_COLOR is unset or empty
(https://no-color.org); feed strings lose control characters so a hostile title cannot drive
the terminal.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Sequence
from typing import TextIO

from bot.alerts.view import (
    LABEL_ALSO,
    LABEL_CLAIM,
    LABEL_DENIAL,
    LABEL_DENIED_LATER,
    LABEL_DIGEST,
    LABEL_NOTE,
    LABEL_REPORT,
    LABEL_UNRESOLVED,
    LABEL_UPDATE,
    AlertView,
    bounded,
    stories_count,
)
from bot.models import Subscription

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\x9b]")


def plain(text: str | None) -> str:
    return _CONTROL.sub("", text or "")


def render(view: AlertView, *, colour: bool = False) -> str:
    view = bounded(view)
    bold = ("\033[1m", "\033[0m") if colour else ("", "")
    dim = ("\033[2m", "\033[0m") if colour else ("", "")
    lines: list[str] = []
    if view.kind == "followup" and view.followup_of is not None:
        lines.append(
            f"{LABEL_UPDATE.replace('Update', 'UPDATE', 1)}: {plain(view.followup_of.title)}"
        )
    lines.append(f"{bold[0]}{plain(view.headline)}{bold[1]}")
    meta = " · ".join(
        p
        for p in (
            plain(view.outlet_line),
            view.published.strftime("%Y-%m-%d %H:%M UTC") if view.published else "",
        )
        if p
    )
    if meta:
        lines.append(f"{dim[0]}{meta}{dim[1]}")
    if view.summary:
        lines.append(plain(view.summary))
    if view.denial:
        lines.append(f"{LABEL_DENIAL.upper()}: {plain(view.denial)}")
        if view.claim:
            lines.append(f"  {LABEL_CLAIM}: “{plain(view.claim)}”")
        if view.denied_report is not None:
            ref = view.denied_report
            lines.append(
                f"  {LABEL_REPORT}: {plain(ref.title)} ({plain(ref.outlet)}) {plain(ref.url)}"
            )
    for ref in view.denied_by[:3]:
        lines.append(
            f"{LABEL_DENIED_LATER}: {plain(ref.title)} ({plain(ref.outlet)}) {plain(ref.url)}"
        )
    if view.interested_party:
        lines.append(f"{LABEL_NOTE}: {plain(view.interested_party)}")
    for hedge in view.hedges:
        lines.append(f"{LABEL_UNRESOLVED}: {plain(hedge)}")
    if view.also_reported_by:
        lines.append(f"{LABEL_ALSO}: {plain(', '.join(view.also_reported_by))}")
    if view.url:
        lines.append(plain(view.url))
    return "\n".join(lines)


def render_digest(views: Sequence[AlertView]) -> str:
    lines = [f"{LABEL_DIGEST}: {stories_count(len(views))}"]
    for view in map(bounded, views):
        mark = " [denial]" if view.denial else ""
        lines.append(f"• {plain(view.headline)} — {plain(view.outlet_line)}{mark}")
        if view.url:
            lines.append(f"  {plain(view.url)}")
    return "\n".join(lines)


def wants_colour(out: TextIO) -> bool:
    """Colour for a terminal, unless NO_COLOR has any non-empty value (https://no-color.org).

    Read here rather than in bot.settings: it is the terminal's convention, not newsbot's."""
    is_terminal = bool(getattr(out, "isatty", lambda: False)())
    return is_terminal and not os.environ.get("NO_COLOR")


class ConsoleSink:
    """Prints alerts; the 'message id' is a running number so follow-ups can refer to it.

    `colour` defaults to `wants_colour(out)`, decided once when the sink is made."""

    platform = "console"

    def __init__(self, out: TextIO | None = None, *, colour: bool | None = None) -> None:
        self.out = out or sys.stdout
        self.colour = wants_colour(self.out) if colour is None else colour
        self.count = 0

    def _print(self, sub: Subscription, body: str, reply_to: str | None) -> str:
        self.count += 1
        target = sub.chat + (f"/{sub.thread}" if sub.thread else "")
        header = f"── message #{self.count} → {target}"
        if reply_to:
            header += f" (reply to #{reply_to})"
        print(f"{header}\n{body}\n", file=self.out, flush=True)
        return str(self.count)

    def render(self, view: AlertView) -> list[str]:
        return [render(view, colour=self.colour)]

    def render_digest(self, views: Sequence[AlertView]) -> list[tuple[str, int]]:
        return [(render_digest(views), len(views))]

    async def send_part(self, sub: Subscription, part: str, reply_to: str | None) -> str:
        return self._print(sub, part, reply_to)
