"""Telegram rendering: alerts, digests and command replies as Bot API HTML messages.

This module owns every Telegram layout and the one Telegram message splitter. Every
feed-supplied string passes through `esc` (html.escape), so a title carrying `<b>`, `</a>` or
markdown arrives as inert text, and every string is clipped to a budget before it is laid out.
A message is at most 4096 UTF-16 code units of HTML (the HTML is never shorter than the text
Telegram counts) and 100 formatting entities. Long messages are split between paragraphs, then
lines, sentences and words, and only inside a word when nothing else fits; never inside a tag
or a character entity: tags open at a cut are closed before it and opened again after it.
Links longer than `URL_BUDGET` are shown shortened, as text.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.alerts.view import (
    LABEL_ALSO,
    LABEL_CLAIM,
    LABEL_DENIAL,
    LABEL_DENIED_BY,
    LABEL_DENIED_LATER,
    LABEL_DIGEST,
    LABEL_REPORT,
    LABEL_UNRESOLVED,
    LABEL_UPDATE,
    REF_TITLE_BUDGET,
    URL_BUDGET,
    AlertView,
    StoryRef,
    clip,
    read_at,
    short_url,
    stories_count,
    web_url,
)
from bot.platforms.replies import ReplyLike

MAX_MESSAGE = 4096
MAX_CAPTION = 1024
MAX_ENTITIES = 100  # Telegram formats at most 100 entities of a message
MAX_DENIED_BY = 3
_OPEN_TAG = re.compile(r"<([a-z][a-z0-9-]*)[^>]*>")
_TOKEN = re.compile(r"<[^>]*>|&(?:#[0-9]+|#x[0-9a-fA-F]+|[a-zA-Z]+);|[^<&]+|&")
_EMPTY_PAIR = re.compile(r"<([a-z][a-z0-9-]*)(?: [^>]*)?></\1>")
_SENTENCE_END = ".!?…:;\"'”’)»"


@dataclass(frozen=True)
class TelegramMessage:
    text: str  # HTML
    preview_url: str | None  # the link preview to show (the story), None for none


# ---------------------------------------------------------------- pieces


def tg_len(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def entities(html_text: str) -> int:
    """Formatting entities (opening tags) in an HTML message."""
    return len(_OPEN_TAG.findall(html_text))


def esc(text: str | None) -> str:
    return html.escape(text or "", quote=True)


def link(url: str | None, label: str) -> str:
    """`label` linked to `url`; a URL too long to send is shown shortened after the label."""
    target = web_url(url)
    if target is None:
        return esc(label)
    href = esc(target)
    if len(href) > URL_BUDGET:  # measured escaped: that is what the message carries
        return f"{esc(label)} ({esc(short_url(target))})"
    return f'<a href="{href}">{esc(label)}</a>'


def _when(view: AlertView) -> str:
    return view.published.strftime("%d %b %Y %H:%M UTC") if view.published else ""


def _meta(view: AlertView) -> str:
    return " · ".join(p for p in (esc(view.outlet_line), esc(_when(view))) if p)


def _ref(ref: StoryRef, *, story_id: bool = False) -> str:
    text = link(ref.url, clip(ref.title, REF_TITLE_BUDGET))
    if ref.outlet:
        text += f" ({esc(ref.outlet)})"
    return text + (f" · /story {ref.story_id}" if story_id else "")


def _denial(view: AlertView) -> str:
    return f"⚠️ <b>{LABEL_DENIAL}</b>: {esc(view.denial)}"


def _claim(view: AlertView) -> str:
    return f"{LABEL_CLAIM}: “{esc(view.claim)}”"


# ---------------------------------------------------------------- the splitter


def _cut(text: str, limit: int) -> tuple[str, str]:
    """The longest good head of `text` within `limit` (with its open tags closed), and the
    rest (with them opened again). Cuts only between tokens or inside plain text."""
    best: list[tuple[int, int, int, tuple[str, ...]] | None] = [None] * 5
    stack: list[tuple[str, str]] = []  # (name, opening tag)
    units = 0
    seen_text = False
    for match in _TOKEN.finditer(text):
        token = match.group(0)
        start = match.start()
        closers = sum(len(name) + 3 for name, _ in stack)
        if token.startswith("<"):
            if seen_text and units + closers <= limit:
                _keep(best, 4, start, start, units, stack)
            if token.startswith("</"):
                if stack:
                    stack.pop()
            else:
                name = token[1:].split(">", 1)[0].split(" ", 1)[0]
                stack.append((name, token))
            units += tg_len(token)
        elif token.startswith("&") and len(token) > 1:
            if seen_text and units + closers <= limit:
                _keep(best, 4, start, start, units, stack)
            units += len(token)
            seen_text = True
        else:
            i = 0
            while i < len(token):
                ch = token[i]
                if units + closers > limit:
                    break
                if ch.isspace():
                    j = i
                    while j < len(token) and token[j].isspace():
                        j += 1
                    gap = token[i:j]
                    if seen_text:
                        before = token[i - 1] if i else ""
                        level = 0 if "\n\n" in gap else 1 if "\n" in gap else 3
                        if level == 3 and before and before in _SENTENCE_END:
                            level = 2
                        _keep(best, level, start + i, start + j, units, stack)
                    units += tg_len(gap)
                    i = j
                    continue
                if seen_text:
                    _keep(best, 4, start + i, start + i, units, stack)
                units += 2 if ord(ch) > 0xFFFF else 1
                seen_text = True
                i += 1
        if units + closers > limit:
            break
    chosen = None
    for level in range(5):
        candidate = best[level]
        if candidate is not None and (candidate[2] >= limit // 2 or level == 4):
            chosen = candidate
            break
    if chosen is None:
        chosen = next((c for c in best if c is not None), None)
    if chosen is None:  # nothing fits (cannot happen with our budgets): plain text, clipped
        plain = esc(clip(html.unescape(re.sub(r"<[^>]*>", "", text)), limit // 6))
        return plain, ""
    head_end, tail_start, _, open_tags = chosen
    names = [_OPEN_TAG.match(tag).group(1) for tag in open_tags]  # type: ignore[union-attr]
    head = text[:head_end].rstrip() + "".join(f"</{n}>" for n in reversed(names))
    tail = "".join(open_tags) + text[tail_start:].lstrip()
    return _tidy(head), _tidy(tail)


def _keep(
    best: list[tuple[int, int, int, tuple[str, ...]] | None],
    level: int,
    head_end: int,
    tail_start: int,
    units: int,
    stack: list[tuple[str, str]],
) -> None:
    """Remember a cut (the latest of its level wins: the heads grow as the scan goes on)."""
    entry = (head_end, tail_start, units, tuple(tag for _, tag in stack))
    for lower in range(level, 5):
        best[lower] = entry


def _tidy(text: str) -> str:
    """Drop elements left empty by a cut (`<b></b>`)."""
    while True:
        tidied = _EMPTY_PAIR.sub("", text)
        if tidied == text:
            return text
        text = tidied


def split_html(text: str, limit: int = MAX_MESSAGE) -> list[str]:
    """Well-formed HTML as messages of at most `limit` code units each."""
    pieces: list[str] = []
    rest = text
    for _ in range(len(text)):  # every cut takes at least one character
        if tg_len(rest) <= limit:
            break
        head, rest = _cut(rest, limit)
        if head.strip():
            pieces.append(head)
    if rest.strip():
        pieces.append(rest)
    return pieces


@dataclass(frozen=True)
class Unit:
    """A paragraph or line of a message and what joins it to the one before it."""

    html: str
    sep: str = "\n\n"


def pack(units: Iterable[Unit], limit: int = MAX_MESSAGE) -> list[str]:
    """Units joined into as few messages as fit `limit` and 100 entities; a unit too long
    alone is split with `split_html`."""
    messages: list[str] = []
    current = ""
    for unit in units:
        fits = tg_len(unit.html) <= limit and entities(unit.html) <= MAX_ENTITIES
        pieces = [unit.html] if fits else split_html(unit.html, limit)
        for index, piece in enumerate(pieces):
            if not piece.strip():
                continue
            sep = unit.sep if index == 0 else "\n"
            candidate = f"{current}{sep}{piece}" if current else piece
            if current and (tg_len(candidate) > limit or entities(candidate) > MAX_ENTITIES):
                messages.append(current)
                current = piece
            else:
                current = candidate
    if current:
        messages.append(current)
    return messages


# ---------------------------------------------------------------- alerts


def paragraphs(view: AlertView) -> list[str]:
    parts: list[str] = []
    if view.kind == "followup" and view.followup_of is not None:
        about = view.followup_of
        parts.append(
            f"🔁 <b>{LABEL_UPDATE}</b>: {link(about.url, clip(about.title, REF_TITLE_BUDGET))}"
        )
    parts.append(f"<b>{esc(view.headline)}</b>")
    meta = _meta(view)
    if meta:
        parts.append(f"<i>{meta}</i>")
    if view.summary:
        parts.append(esc(view.summary))
    if view.denial:
        block = _denial(view)
        if view.claim:
            block += f"\n{_claim(view)}"
        if view.denied_report is not None:
            block += f"\n{LABEL_REPORT}: {_ref(view.denied_report)}"
        parts.append(block)
    if view.denied_by:
        later = "; ".join(_ref(ref) for ref in view.denied_by[:MAX_DENIED_BY])
        parts.append(f"⚠️ <b>{LABEL_DENIED_LATER}</b>: {later}")
    if view.interested_party:
        parts.append(f"ℹ️ {esc(view.interested_party)}")
    for hedge in view.hedges:
        parts.append(f"❔ {LABEL_UNRESOLVED}: {esc(hedge)}")
    if view.also_reported_by:
        parts.append(f"{LABEL_ALSO}: {esc(', '.join(view.also_reported_by))}")
    if view.url:
        parts.append(link(view.url, read_at(view.outlet_name)))
    return parts


def render(view: AlertView) -> list[TelegramMessage]:
    """One message, or several split between paragraphs when the text is too long."""
    messages = pack(Unit(p) for p in paragraphs(view))
    preview = web_url(view.url)
    if preview is not None and len(esc(preview)) > URL_BUDGET:
        preview = None
    return [TelegramMessage(text, preview if i == 0 else None) for i, text in enumerate(messages)]


def digest_lines(views: Sequence[AlertView]) -> list[str]:
    """The digest's lines, one per story, after its heading line."""
    lines = []
    for view in views:
        mark = " ⚠️ denial" if view.denial else ""
        meta = f" — <i>{esc(view.outlet_line)}</i>" if view.outlet_line else ""
        lines.append(f"• {link(view.url, view.headline)}{meta}{mark}")
    return lines


def render_digest_pages(views: Sequence[AlertView]) -> list[tuple[str, int]]:
    """The digest as messages, each with the number of stories it lists (in order), so a
    delivered message can settle its stories on its own."""
    heading = f"🗞 <b>{LABEL_DIGEST}</b>: {stories_count(len(views))}"
    pages: list[tuple[str, int]] = []
    current, count = heading, 0
    for line in digest_lines(views):
        candidate = f"{current}\n{line}"
        if count and (tg_len(candidate) > MAX_MESSAGE or entities(candidate) > MAX_ENTITIES):
            pages.append((current, count))
            current, count = line, 1
        else:
            current, count = candidate, count + 1
    pages.append((current, count))
    return pages


def render_digest(views: Sequence[AlertView]) -> list[str]:
    """One digest listing the stories (split only when it would pass 4096 characters)."""
    return [text for text, _ in render_digest_pages(views)]


# ---------------------------------------------------------------- command replies


def story_lines(view: AlertView, *, compact: bool = False, nested: bool = False) -> list[str]:
    """One story of a reply as HTML lines: headline (linked), outlet · time · id, summary,
    denial with the report it denies, later denials of it, hedges, who else reported it."""
    mark = "↳ " if nested else ""
    lines = [f"{mark}<b>{link(view.url, view.headline)}</b>"]
    meta = _meta(view)
    lines.append((f"<i>{meta}</i> · " if meta else "") + f"/story {view.story_id}")
    if view.summary and not compact:
        lines.append(esc(view.summary))
    if view.denial:
        lines.append(_denial(view))
        if view.claim and not compact:
            lines.append(_claim(view))
        if view.denied_report is not None:
            lines.append(f"{LABEL_REPORT}: {_ref(view.denied_report, story_id=True)}")
    if view.interested_party and not compact:
        lines.append(f"ℹ️ {esc(view.interested_party)}")
    for ref in view.denied_by[:MAX_DENIED_BY]:
        lines.append(f"⚠️ <b>{LABEL_DENIED_BY}</b>: {_ref(ref, story_id=True)}")
    if len(view.denied_by) > MAX_DENIED_BY:
        lines.append(f"… and {len(view.denied_by) - MAX_DENIED_BY} more denials")
    for hedge in view.hedges[: 1 if compact else None]:
        lines.append(f"❔ {LABEL_UNRESOLVED}: {esc(hedge)}")
    if view.also_reported_by:
        lines.append(f"{LABEL_ALSO}: {esc(', '.join(view.also_reported_by))}")
    return lines


def _reply_units(reply: ReplyLike, compact: bool) -> list[Unit]:
    units: list[Unit] = []
    if reply.title:
        units.append(Unit(f"<b>{esc(clip(reply.title, 300))}</b>"))
    for i, line in enumerate(reply.lines):
        units.append(Unit(esc(line), "\n\n" if i == 0 else "\n"))
    for group in reply.groups:
        for i, view in enumerate(group.views):
            units.append(Unit("\n".join(story_lines(view, compact=compact, nested=i > 0))))
    if reply.footer:
        units.append(Unit(f"<i>{esc(reply.footer)}</i>"))
    return units


def telegram_chunks(
    reply: ReplyLike, *, compact: bool = False, limit: int = MAX_MESSAGE
) -> list[str]:
    """The reply as HTML messages, each within `limit` (4096; 1024 for a caption) and 100
    entities. `compact` leaves out summaries and claims (used to keep a page in one message)."""
    return pack(_reply_units(reply, compact), limit) or [esc("Done.")]


def telegram_plain(reply: ReplyLike, limit: int = 200) -> str:
    """Plain text of a short reply (a callback answer shows at most 200 characters)."""
    text = " ".join(p for p in (reply.title, *reply.lines) if p)
    return clip(text, limit)
