"""Discord rendering: an AlertView as an embed within Discord's limits (DESIGN §5).

Feed strings are markdown-escaped and mentions neutralised here; the client also sends with
AllowedMentions.none(), so `@everyone` or `<@&123>` in a title can never ping anyone.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from discord.utils import escape_markdown

from bot.alerts.view import AlertView, clip

TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELD_NAME_LIMIT = 256
FIELD_VALUE_LIMIT = 1024
TOTAL_LIMIT = 6000
COLOUR_ALERT = 0x2B6CB0
COLOUR_DENIAL = 0xC05621


def inert(text: str | None) -> str:
    """Markdown escaped and every @ followed by a zero-width space, so no mention can form
    (discord.utils.escape_mentions only breaks well-formed ids; we break them all)."""
    return escape_markdown(text or "").replace("@", "@\u200b")


def _url(url: str | None) -> str | None:
    return url if url and url.lower().startswith(("http://", "https://")) else None


def render(view: AlertView) -> dict[str, Any]:
    """The embed as Discord's JSON (discord.Embed.from_dict accepts it)."""
    fields: list[dict[str, Any]] = []

    def add(name: str, value: str) -> None:
        if value:
            fields.append(
                {
                    "name": clip(name, FIELD_NAME_LIMIT),
                    "value": clip(value, FIELD_VALUE_LIMIT, keep_lines=True),
                    "inline": False,
                }
            )

    if view.outlet_line:
        add("Outlet", inert(view.outlet_line))
    if view.denial:
        text = inert(view.denial)
        if view.claim:
            text += f"\nThe report, as described: “{inert(view.claim)}”"
        add("⚠️ Denial", text)
    if view.denied_report is not None:
        ref = view.denied_report
        label = inert(ref.title) + (f" ({inert(ref.outlet)})" if ref.outlet else "")
        url = _url(ref.url)
        add("Report", f"[{label}]({url})" if url else label)
    if view.denied_by:
        add(
            "⚠️ Denied later by",
            "\n".join(
                (f"[{inert(ref.title)}]({_url(ref.url)})" if _url(ref.url) else inert(ref.title))
                + (f" ({inert(ref.outlet)})" if ref.outlet else "")
                for ref in view.denied_by[:3]
            ),
        )
    if view.interested_party:
        add("Note", inert(view.interested_party))
    for hedge in view.hedges:
        add("Unresolved", inert(hedge))
    if view.also_reported_by:
        add("Also reported by", inert(", ".join(view.also_reported_by)))
    description = inert(view.summary)
    if view.kind == "followup" and view.followup_of is not None:
        description = f"🔁 Update on a story you received: {inert(view.followup_of.title)}\n\n" + (
            description
        )
    embed: dict[str, Any] = {
        "type": "rich",
        "title": clip(inert(view.headline), TITLE_LIMIT),
        "description": clip(description, DESCRIPTION_LIMIT, keep_lines=True),
        "color": COLOUR_DENIAL if view.denial else COLOUR_ALERT,
        "fields": fields[:25],
    }
    if _url(view.url):
        embed["url"] = view.url
    if view.published is not None:
        embed["timestamp"] = view.published.isoformat()
    if view.outlet_name:
        embed["footer"] = {"text": clip(inert(view.outlet_name), 200)}
    _fit(embed)
    return embed


def _fit(embed: dict[str, Any]) -> None:
    """Drop trailing fields until the whole embed is within 6000 characters."""

    def size() -> int:
        total = len(embed.get("title", "")) + len(embed.get("description", ""))
        total += len(embed.get("footer", {}).get("text", ""))
        return total + sum(len(f["name"]) + len(f["value"]) for f in embed["fields"])

    while size() > TOTAL_LIMIT and embed["fields"]:
        embed["fields"].pop()


def render_digest(views: Sequence[AlertView]) -> list[dict[str, Any]]:
    """Embeds listing the stories, a line each (linked, with the outlet line); as many embeds
    as the lines need, one per message, so no story of a long digest is left out."""
    lines = []
    for view in views:
        url = _url(view.url)
        title = inert(view.headline)
        head = f"[{title}]({url})" if url else title
        mark = " ⚠️ denial" if view.denial else ""
        lines.append(clip(f"• {head} — {inert(view.outlet_line)}{mark}", 1000))
    pages: list[str] = []
    current = ""
    for line in lines:
        if current and len(current) + len(line) + 1 > DESCRIPTION_LIMIT - 100:
            pages.append(current)
            current = ""
        current += ("\n" if current else "") + line
    pages.append(current)
    count = len(views)
    title = f"Digest: {count} {'story' if count == 1 else 'stories'}"
    return [
        {
            "type": "rich",
            "title": title if len(pages) == 1 else f"{title} ({n} of {len(pages)})",
            "description": page,
            "color": COLOUR_ALERT,
        }
        for n, page in enumerate(pages, start=1)
    ]
