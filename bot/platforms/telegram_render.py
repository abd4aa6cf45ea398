"""Telegram rendering: an AlertView as HTML messages of at most 4096 characters.

Every feed-supplied string passes through html.escape, so a title carrying `<b>`, `</a>` or
markdown arrives as inert text. Long alerts split between paragraphs, never inside a tag.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

from bot.alerts.view import AlertView

MAX_MESSAGE = 4096


@dataclass(frozen=True)
class TelegramMessage:
    text: str  # HTML
    preview_url: str | None  # the link preview to show (the story), None for none


def esc(text: str | None) -> str:
    return html.escape(text or "", quote=True)


def _link(url: str | None, label: str) -> str:
    if not url or not url.lower().startswith(("http://", "https://")):
        return esc(label)
    return f'<a href="{esc(url)}">{esc(label)}</a>'


def _when(view: AlertView) -> str:
    return view.published.strftime("%d %b %Y %H:%M UTC") if view.published else ""


def paragraphs(view: AlertView) -> list[str]:
    parts: list[str] = []
    if view.kind == "followup" and view.followup_of is not None:
        parts.append(
            "🔁 <b>Update on a story you received</b>: "
            f"{_link(view.followup_of.url, view.followup_of.title)}"
        )
    parts.append(f"<b>{esc(view.headline)}</b>")
    meta = " · ".join(p for p in (esc(view.outlet_line), esc(_when(view))) if p)
    if meta:
        parts.append(f"<i>{meta}</i>")
    if view.summary:
        parts.append(esc(view.summary))
    if view.denial:
        block = f"⚠️ <b>Denial</b>: {esc(view.denial)}"
        if view.claim:
            block += f"\nThe report, as described: “{esc(view.claim)}”"
        if view.denied_report is not None:
            block += f"\nReport: {_link(view.denied_report.url, view.denied_report.title)}"
            if view.denied_report.outlet:
                block += f" ({esc(view.denied_report.outlet)})"
        parts.append(block)
    if view.denied_by:
        later = "; ".join(
            f"{_link(ref.url, ref.title)}" + (f" ({esc(ref.outlet)})" if ref.outlet else "")
            for ref in view.denied_by[:3]
        )
        parts.append(f"⚠️ <b>Denied later by</b>: {later}")
    if view.interested_party:
        parts.append(f"ℹ️ {esc(view.interested_party)}")
    for hedge in view.hedges:
        parts.append(f"❔ Unresolved: {esc(hedge)}")
    if view.also_reported_by:
        parts.append(f"Also reported by: {esc(', '.join(view.also_reported_by))}")
    if view.url:
        parts.append(_link(view.url, f"Read at {view.outlet_name or 'source'}"))
    return parts


def render(view: AlertView) -> list[TelegramMessage]:
    """One message, or several split between paragraphs when the text is too long."""
    messages: list[str] = []
    current = ""
    for part in paragraphs(view):
        if len(part) > MAX_MESSAGE:  # only possible for a huge escaped paragraph
            part = part[: MAX_MESSAGE - 1]
            part = part[: part.rfind("&")] if part.rfind("&") > part.rfind(";") else part
        candidate = f"{current}\n\n{part}" if current else part
        if len(candidate) > MAX_MESSAGE:
            messages.append(current)
            current = part
        else:
            current = candidate
    if current:
        messages.append(current)
    return [TelegramMessage(text, view.url if i == 0 else None) for i, text in enumerate(messages)]


def render_digest(views: Sequence[AlertView]) -> list[str]:
    """One digest listing the stories (split only when it would pass 4096 characters)."""
    lines = [f"🗞 <b>Digest</b>: {len(views)} {'story' if len(views) == 1 else 'stories'}"]
    for view in views:
        mark = " ⚠️ denial" if view.denial else ""
        meta = f" — <i>{esc(view.outlet_line)}</i>" if view.outlet_line else ""
        lines.append(f"• {_link(view.url, view.headline)}{meta}{mark}")
    messages: list[str] = []
    current = ""
    for line in lines:
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > MAX_MESSAGE:
            messages.append(current)
            current = line[:MAX_MESSAGE]
        else:
            current = candidate
    if current:
        messages.append(current)
    return messages
