"""Rendering a command Reply for each platform: Telegram HTML chunks and Discord content + embeds.

This module owns the layout of a `handlers.reply.Reply` — title, lines, stories with their
context, footer — within each platform's limits (DESIGN §5). It decides nothing about what a
reply says. Every string passes through the alert renderers' escaping (`telegram_render.esc`,
`discord_render.inert`), so a feed title carrying `</a>`, `@everyone` or markdown arrives inert.

Telegram: messages of at most 4096 UTF-16 code units and 100 formatting entities, split between
paragraphs (never inside a tag). Discord: content of at most 2000 characters, at most 10 embeds
of at most 6000 characters in all; stories that do not fit are named in the content instead.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from bot.alerts.view import AlertView, StoryRef, clip
from bot.platforms import discord_render
from bot.platforms.discord_render import inert
from bot.platforms.telegram_render import MAX_MESSAGE, esc
from handlers.reply import Reply

MAX_ENTITIES = 100  # Telegram formats at most 100 entities of a message
MAX_CAPTION = 1024
DISCORD_CONTENT = 2000
DISCORD_EMBEDS = 10
MAX_DENIED_BY = 3
MAX_EMBED_URL = 2000
_TAG = re.compile(r"<[^>]*>")


# ---------------------------------------------------------------- Telegram


def tg_len(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units); HTML is never shorter than its text."""
    return len(text.encode("utf-16-le")) // 2


def _entities(html_text: str) -> int:
    return html_text.count("<b>") + html_text.count("<i>") + html_text.count("<a ")


def _a(url: str | None, label: str) -> str:
    if not url or not url.lower().startswith(("http://", "https://")):
        return esc(label)
    return f'<a href="{esc(url)}">{esc(label)}</a>'


def _when(view: AlertView) -> str:
    return view.published.strftime("%d %b %Y %H:%M UTC") if view.published else ""


def _ref_html(ref: StoryRef) -> str:
    text = _a(ref.url, clip(ref.title, 200))
    if ref.outlet:
        text += f" ({esc(ref.outlet)})"
    return text + f" · /story {ref.story_id}"


def story_lines(view: AlertView, *, compact: bool = False, nested: bool = False) -> list[str]:
    """One story as HTML lines: headline (linked), outlet · time · id, summary, denial with
    the report it denies, later denials of it, hedges, who else reported it."""
    mark = "↳ " if nested else ""
    lines = [f"{mark}<b>{_a(view.url, view.headline)}</b>"]
    meta = " · ".join(p for p in (esc(view.outlet_line), esc(_when(view))) if p)
    lines.append((f"<i>{meta}</i> · " if meta else "") + f"/story {view.story_id}")
    if view.summary and not compact:
        lines.append(esc(view.summary))
    if view.denial:
        lines.append(f"⚠️ <b>Denial</b>: {esc(view.denial)}")
        if view.claim and not compact:
            lines.append(f"The report, as described: “{esc(view.claim)}”")
        if view.denied_report is not None:
            lines.append(f"Report: {_ref_html(view.denied_report)}")
    if view.interested_party and not compact:
        lines.append(f"ℹ️ {esc(view.interested_party)}")
    for ref in view.denied_by[:MAX_DENIED_BY]:
        lines.append(f"⚠️ <b>Denied by</b>: {_ref_html(ref)}")
    if len(view.denied_by) > MAX_DENIED_BY:
        lines.append(f"… and {len(view.denied_by) - MAX_DENIED_BY} more denials")
    for hedge in view.hedges[: 1 if compact else None]:
        lines.append(f"❔ Unresolved: {esc(hedge)}")
    if view.also_reported_by:
        lines.append(f"Also reported by: {esc(', '.join(view.also_reported_by))}")
    return lines


@dataclass(frozen=True)
class _Unit:
    html: str
    sep: str  # what joins it to the unit before it in the same message
    plain: str | None = None  # a fallback when the HTML alone is over the limit


def _fit_unit(unit: _Unit, limit: int) -> list[_Unit]:
    """A unit within the limit: as is, split into its lines, or as clipped plain text."""
    if tg_len(unit.html) <= limit and _entities(unit.html) <= MAX_ENTITIES:
        return [unit]
    if "\n" in unit.html:
        parts = unit.html.split("\n")
        out: list[_Unit] = []
        for i, part in enumerate(parts):
            out += _fit_unit(_Unit(part, unit.sep if i == 0 else "\n"), limit)
        return out
    plain = unit.plain if unit.plain is not None else html.unescape(_TAG.sub("", unit.html))
    text = esc(clip(plain, limit // 6))  # escaping makes a character at most 6 long
    return [_Unit(text, unit.sep)]


def _pack(units: Iterable[_Unit], limit: int) -> list[str]:
    chunks: list[str] = []
    current = ""
    for unit in units:
        for piece in _fit_unit(unit, limit):
            candidate = f"{current}{piece.sep}{piece.html}" if current else piece.html
            if current and (tg_len(candidate) > limit or _entities(candidate) > MAX_ENTITIES):
                chunks.append(current)
                current = piece.html
            else:
                current = candidate
    if current:
        chunks.append(current)
    return chunks


def _tg_units(reply: Reply, compact: bool) -> list[_Unit]:
    units: list[_Unit] = []
    if reply.title:
        units.append(_Unit(f"<b>{esc(reply.title)}</b>", "\n\n", reply.title))
    for i, line in enumerate(reply.lines):
        units.append(_Unit(esc(line), "\n\n" if i == 0 else "\n", line))
    for group in reply.groups:
        for i, view in enumerate(group.views):
            block = "\n".join(story_lines(view, compact=compact, nested=i > 0))
            units.append(_Unit(block, "\n\n"))
    if reply.footer:
        units.append(_Unit(f"<i>{esc(reply.footer)}</i>", "\n\n", reply.footer))
    return units


def telegram_chunks(reply: Reply, *, compact: bool = False, limit: int = MAX_MESSAGE) -> list[str]:
    """The reply as HTML messages, each within `limit` (4096; 1024 for a caption) and 100
    entities. `compact` leaves out summaries and claims (used to keep a page in one message)."""
    chunks = _pack(_tg_units(reply, compact), limit)
    return chunks or [esc("Done.")]


def telegram_plain(reply: Reply, limit: int = 200) -> str:
    """Plain text of a short reply (a callback answer shows at most 200 characters)."""
    text = " ".join(p for p in (reply.title, *reply.lines) if p)
    return clip(text, limit)


# ---------------------------------------------------------------- Discord


def embed_size(embed: dict[str, Any]) -> int:
    """Characters Discord counts against the 6000 of a message."""
    total = len(embed.get("title") or "") + len(embed.get("description") or "")
    total += len((embed.get("footer") or {}).get("text") or "")
    total += len((embed.get("author") or {}).get("name") or "")
    return total + sum(len(f["name"]) + len(f["value"]) for f in embed.get("fields") or [])


def _ref_md(ref: StoryRef) -> str:
    label = inert(clip(ref.title, 200)) + (f" ({inert(ref.outlet)})" if ref.outlet else "")
    url = ref.url if ref.url and ref.url.lower().startswith(("http://", "https://")) else None
    text = f"[{label}]({url})" if url else label
    return f"{text} · /story id:{ref.story_id}"


def story_embed(view: AlertView, *, compact: bool = False) -> dict[str, Any]:
    """The alert embed (discord_render) plus the story id and the stories that deny it."""
    embed = discord_render.render(view)
    fields: list[dict[str, Any]] = embed["fields"]
    if view.denied_report is not None:
        for f in fields:
            if f["name"] == "Report":
                f["value"] = clip(_ref_md(view.denied_report), discord_render.FIELD_VALUE_LIMIT)
    if view.denied_by:
        value = "\n".join(_ref_md(ref) for ref in view.denied_by[:MAX_DENIED_BY])
        fields.append(
            {
                "name": "⚠️ Denied by",
                "value": clip(value, discord_render.FIELD_VALUE_LIMIT),
                "inline": False,
            }
        )
    outlet = inert(view.outlet_name) if view.outlet_name else ""
    footer = " · ".join(p for p in (clip(outlet, 200), f"/story id:{view.story_id}") if p)
    embed["footer"] = {"text": footer}
    if compact:
        embed["description"] = clip(embed.get("description") or "", 200)
        keep = ("Outlet", "⚠️ Denial", "Report", "⚠️ Denied by")
        embed["fields"] = [f for f in fields if f["name"] in keep]
    embed["fields"] = embed["fields"][:25]
    if len(embed.get("url") or "") > MAX_EMBED_URL:
        embed.pop("url")
    if not embed.get("description"):
        embed.pop("description", None)
    return embed


def _content(reply: Reply, lines: Iterable[str]) -> str:
    parts = []
    if reply.title:
        parts.append(f"**{inert(clip(reply.title, 300))}**")
    body = "\n".join(inert(line) for line in lines)
    if body:
        parts.append(body)
    if reply.footer:
        parts.append(f"*{inert(reply.footer)}*")
    return "\n".join(parts)


def _lines_embed(lines: tuple[str, ...]) -> dict[str, Any]:
    limit = discord_render.DESCRIPTION_LIMIT - 40
    description = ""
    for shown, line in enumerate(lines):
        text = inert(line)
        if len(description) + len(text) + 1 > limit:
            description += f"\n… and {len(lines) - shown} more"
            break
        description += ("\n" if description else "") + text
    return {"type": "rich", "description": description, "color": discord_render.COLOUR_ALERT}


def discord_payload(reply: Reply) -> tuple[str, list[dict[str, Any]]]:
    """(content, embed dicts) within Discord's limits: lines in the content when they fit,
    else in an embed; one embed per story while 10 embeds and 6000 characters allow."""
    content = _content(reply, reply.lines)
    embeds: list[dict[str, Any]] = []
    if len(content) > DISCORD_CONTENT:
        content = _content(reply, ())
        embeds.append(_lines_embed(reply.lines))
    views = [view for group in reply.groups for view in group.views]
    left_out: list[int] = []
    for view in views:
        used = sum(embed_size(e) for e in embeds)
        placed = False
        if len(embeds) < DISCORD_EMBEDS:
            for compact in (False, True):
                embed = story_embed(view, compact=compact)
                if used + embed_size(embed) <= discord_render.TOTAL_LIMIT:
                    embeds.append(embed)
                    placed = True
                    break
        if not placed:
            left_out.append(view.story_id)
    if left_out:
        ids = ", ".join(str(i) for i in left_out[:20])
        content += f"\n{len(left_out)} more not shown (/story id: {ids})"
    if len(content) > DISCORD_CONTENT:
        content = content[: DISCORD_CONTENT - 1].rstrip("\\") + "…"
    if not content and not embeds:
        content = "Done."
    return content, embeds
