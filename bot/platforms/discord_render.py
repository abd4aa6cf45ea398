"""Discord rendering: alerts, digests and command replies as embeds within Discord's limits.

This module owns every Discord layout (DESIGN §5). Feed strings are markdown-escaped and
mentions neutralised here; the client also sends with AllowedMentions.none(), so `@everyone`
or `<@&123>` in a title can never ping anyone. Every embed passes `fit` last, which enforces
each limit Discord checks (title 256, description 4096, 25 fields of name 256 / value 1024,
footer 2048, author 256, url 2048, 6000 in all), so no feed string can make one invalid;
links too long for a field or the embed url are shown shortened instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from discord.utils import escape_markdown

from bot.alerts.view import (
    LABEL_ALSO,
    LABEL_CLAIM,
    LABEL_DENIAL,
    LABEL_DENIED_BY,
    LABEL_DENIED_LATER,
    LABEL_DIGEST,
    LABEL_NOTE,
    LABEL_OUTLET,
    LABEL_REPORT,
    LABEL_UNRESOLVED,
    LABEL_UPDATE,
    NAME_BUDGET,
    REF_TITLE_BUDGET,
    URL_BUDGET,
    AlertView,
    StoryRef,
    bounded,
    clip,
    short_url,
    stories_count,
    web_url,
)
from bot.platforms.replies import ReplyLike

TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELD_NAME_LIMIT = 256
FIELD_VALUE_LIMIT = 1024
FOOTER_LIMIT = 2048
AUTHOR_LIMIT = 256
MAX_FIELDS = 25
URL_LIMIT = 2048
TOTAL_LIMIT = 6000
DISCORD_CONTENT = 2000
DISCORD_EMBEDS = 10
FIELD_URL_BUDGET = 400  # a link in a field: longer ones would crowd out the text
MAX_DENIED_BY = 3
COLOUR_ALERT = 0x2B6CB0
COLOUR_DENIAL = 0xC05621


def inert(text: str | None) -> str:
    """Markdown escaped and every @ followed by a zero-width space, so no mention can form
    (discord.utils.escape_markdown only breaks well-formed ids; we break them all)."""
    return escape_markdown(text or "").replace("@", "@\u200b")


def _url(url: str | None, budget: int = URL_LIMIT) -> str | None:
    target = web_url(url)
    return target if target is not None and len(target) <= min(budget, URL_BUDGET) else None


def md_link(url: str | None, label: str) -> str:
    """`[label](url)` (label already inert); a link too long for a field is shown shortened."""
    target = _url(url, FIELD_URL_BUDGET)
    if target is not None:
        return f"[{label}]({target})"
    long = web_url(url)
    return f"{label} ({inert(short_url(long))})" if long else label


def _ref(ref: StoryRef, *, story_id: bool = False) -> str:
    label = inert(clip(ref.title, REF_TITLE_BUDGET))
    label += f" ({inert(clip(ref.outlet, NAME_BUDGET))})" if ref.outlet else ""
    text = md_link(ref.url, label)
    return text + (f" · /story id:{ref.story_id}" if story_id else "")


def _field(name: str, value: str) -> dict[str, Any]:
    return {
        "name": clip(name, FIELD_NAME_LIMIT),
        "value": clip(value, FIELD_VALUE_LIMIT, keep_lines=True),
        "inline": False,
    }


def embed_size(embed: dict[str, Any]) -> int:
    """Characters Discord counts against the 6000 of a message."""
    total = len(embed.get("title") or "") + len(embed.get("description") or "")
    total += len((embed.get("footer") or {}).get("text") or "")
    total += len((embed.get("author") or {}).get("name") or "")
    return total + sum(len(f["name"]) + len(f["value"]) for f in embed.get("fields") or [])


def fit(embed: dict[str, Any]) -> dict[str, Any]:
    """The embed within every limit: strings clipped, fields capped, an over-long url dropped,
    then trailing fields (and at last the description) given up until 6000 hold."""
    if embed.get("title"):
        embed["title"] = clip(embed["title"], TITLE_LIMIT)
    if embed.get("description"):
        embed["description"] = clip(embed["description"], DESCRIPTION_LIMIT, keep_lines=True)
    if "url" in embed and _url(embed["url"]) is None:
        embed.pop("url")
    for key, limit in (("footer", FOOTER_LIMIT), ("author", AUTHOR_LIMIT)):
        part = embed.get(key)
        if part:
            field = "text" if key == "footer" else "name"
            part[field] = clip(part.get(field) or "", limit)
    fields = [
        {
            **f,
            "name": clip(f["name"], FIELD_NAME_LIMIT),
            "value": clip(f["value"], FIELD_VALUE_LIMIT, keep_lines=True).strip(),
        }
        for f in embed.get("fields") or []
    ]
    embed["fields"] = [f for f in fields if f["name"] and f["value"]][:MAX_FIELDS]
    while embed_size(embed) > TOTAL_LIMIT and embed["fields"]:
        embed["fields"].pop()
    if embed_size(embed) > TOTAL_LIMIT:
        description = embed.get("description") or ""
        over = embed_size(embed) - TOTAL_LIMIT
        embed["description"] = clip(description, max(1, len(description) - over))
    for key in ("description", "title"):
        if not (embed.get(key) or "").strip():
            embed.pop(key, None)
    for key, field in (("footer", "text"), ("author", "name")):
        if key in embed and not (embed[key].get(field) or "").strip():
            embed.pop(key)
    return embed


# ---------------------------------------------------------------- alerts


def _fields(view: AlertView, *, reply: bool = False) -> list[dict[str, Any]]:
    fields: list[dict[str, Any]] = []

    def add(name: str, value: str) -> None:
        if value:
            fields.append(_field(name, value))

    if view.outlet_line:
        add(LABEL_OUTLET, inert(view.outlet_line))
    if view.denial:
        text = inert(view.denial)
        if view.claim:
            text += f"\n{LABEL_CLAIM}: “{inert(view.claim)}”"
        add(f"⚠️ {LABEL_DENIAL}", text)
    if view.denied_report is not None:
        add(LABEL_REPORT, _ref(view.denied_report, story_id=reply))
    if view.denied_by:
        label = LABEL_DENIED_BY if reply else LABEL_DENIED_LATER
        refs = view.denied_by[:MAX_DENIED_BY]
        add(f"⚠️ {label}", "\n".join(_ref(ref, story_id=reply) for ref in refs))
    if view.interested_party:
        add(LABEL_NOTE, inert(view.interested_party))
    for hedge in view.hedges:
        add(LABEL_UNRESOLVED, inert(hedge))
    if view.also_reported_by:
        add(LABEL_ALSO, inert(", ".join(view.also_reported_by)))
    return fields


def _embed(view: AlertView, *, reply: bool = False) -> dict[str, Any]:
    view = bounded(view)
    description = inert(view.summary)
    if view.kind == "followup" and view.followup_of is not None:
        about = inert(clip(view.followup_of.title, REF_TITLE_BUDGET))
        description = f"🔁 {LABEL_UPDATE}: {about}\n\n" + description
    embed: dict[str, Any] = {
        "type": "rich",
        "title": clip(inert(view.headline), TITLE_LIMIT) or "(no title)",
        "description": clip(description, DESCRIPTION_LIMIT, keep_lines=True),
        "color": COLOUR_DENIAL if view.denial else COLOUR_ALERT,
        "fields": _fields(view, reply=reply),
    }
    url = _url(view.url)
    if url is not None:
        embed["url"] = url
    elif web_url(view.url):  # too long to link: shown, shortened, under the summary
        embed["description"] += f"\n\n{inert(short_url(web_url(view.url) or ''))}"
    if view.published is not None:
        embed["timestamp"] = view.published.isoformat()
    if view.outlet_name:
        embed["footer"] = {"text": clip(inert(view.outlet_name), 200)}
    return embed


def render(view: AlertView) -> dict[str, Any]:
    """The alert embed as Discord's JSON (discord.Embed.from_dict accepts it)."""
    return fit(_embed(view))


def render_digest_pages(views: Sequence[AlertView]) -> list[tuple[dict[str, Any], int]]:
    """Embeds listing the stories, a line each (linked, with the outlet line), one per
    message, each with the number of stories it lists, so no story is left out."""
    lines = []
    for view in map(bounded, views):
        head = md_link(view.url, inert(view.headline))
        mark = " ⚠️ denial" if view.denial else ""
        lines.append(clip(f"• {head} — {inert(view.outlet_line)}{mark}", 1000))
    pages: list[tuple[str, int]] = []
    current, count = "", 0
    for line in lines:
        if current and len(current) + len(line) + 1 > DESCRIPTION_LIMIT - 100:
            pages.append((current, count))
            current, count = "", 0
        current += ("\n" if current else "") + line
        count += 1
    pages.append((current, count))
    title = f"{LABEL_DIGEST}: {stories_count(len(views))}"
    return [
        (
            fit(
                {
                    "type": "rich",
                    "title": title if len(pages) == 1 else f"{title} ({n} of {len(pages)})",
                    "description": page,
                    "color": COLOUR_ALERT,
                }
            ),
            count,
        )
        for n, (page, count) in enumerate(pages, start=1)
    ]


def render_digest(views: Sequence[AlertView]) -> list[dict[str, Any]]:
    return [embed for embed, _ in render_digest_pages(views)]


# ---------------------------------------------------------------- command replies


def story_embed(view: AlertView, *, compact: bool = False) -> dict[str, Any]:
    """A story in a reply: the alert embed with story ids and the stories that deny it."""
    embed = _embed(view, reply=True)
    outlet = inert(view.outlet_name) if view.outlet_name else ""
    footer = " · ".join(p for p in (clip(outlet, 200), f"/story id:{view.story_id}") if p)
    embed["footer"] = {"text": footer}
    if compact:
        embed["description"] = clip(embed.get("description") or "", 200)
        keep = (LABEL_OUTLET, f"⚠️ {LABEL_DENIAL}", LABEL_REPORT, f"⚠️ {LABEL_DENIED_BY}")
        embed["fields"] = [f for f in embed["fields"] if f["name"] in keep]
    return fit(embed)


def _content(reply: ReplyLike, lines: Iterable[str]) -> str:
    parts = []
    if reply.title:
        parts.append(f"**{inert(clip(reply.title, 300))}**")
    body = "\n".join(inert(line) for line in lines)
    if body:
        parts.append(body)
    if reply.footer:
        parts.append(f"*{inert(clip(reply.footer, 300))}*")
    return "\n".join(parts)


def _lines_embed(lines: Sequence[str]) -> dict[str, Any]:
    limit = DESCRIPTION_LIMIT - 40
    description = ""
    for shown, line in enumerate(lines):
        text = inert(clip(line, 1000))
        if len(description) + len(text) + 1 > limit:
            description += f"\n… and {len(lines) - shown} more"
            break
        description += ("\n" if description else "") + text
    return fit({"type": "rich", "description": description, "color": COLOUR_ALERT})


def discord_payload(reply: ReplyLike) -> tuple[str, list[dict[str, Any]]]:
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
                if used + embed_size(embed) <= TOTAL_LIMIT:
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
