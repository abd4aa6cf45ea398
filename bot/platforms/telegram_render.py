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
    bounded,
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
_ANY_TAG = re.compile(r"<[^>]*>")
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


_Cut = tuple[int, int, int, tuple[str, ...]]  # head end, tail start, head units, open tags
_GAP = re.compile(r"\s+")


def _cut(text: str, limit: int) -> tuple[str, str]:
    """The longest good head of `text` within `limit` (with its open tags closed), and the
    rest (with them opened again). Cuts only between tokens or inside plain text, preferring
    a paragraph break, then a line break, a sentence end, a space, and a word last."""
    best: list[_Cut | None] = [None] * 5  # best[k]: the latest cut of level k or better
    stack: tuple[str, ...] = ()  # the opening tags in force
    closers = 0  # length of the end tags that would close them
    units = 0
    seen_text = False

    def keep(level: int, head_end: int, tail_start: int, head_units: int) -> None:
        entry = (head_end, tail_start, head_units, stack)
        for lower in range(level, 5):
            best[lower] = entry

    for match in _TOKEN.finditer(text):
        token, start = match.group(0), match.start()
        budget = limit - closers - units  # what the head may still take
        if budget < 0:
            break
        if token.startswith("<") or (token.startswith("&") and len(token) > 1):
            if seen_text:
                keep(4, start, start, units)
            if tg_len(token) > budget and not token.startswith("<"):
                break
            if token.startswith("</"):
                stack = stack[:-1]
                closers = sum(len(_tag_name(t)) + 3 for t in stack)
            elif token.startswith("<"):
                stack = (*stack, token)
                closers += len(_tag_name(token)) + 3
            else:
                seen_text = True
            units += tg_len(token)
            continue
        # plain text: how much of it fits, and the gaps between its words
        size = tg_len(token)
        fits = token
        if size > budget:
            fits = token.encode("utf-16-le")[: 2 * budget].decode("utf-16-le", "ignore")
        offset, at = 0, units
        for gap in _GAP.finditer(fits):
            at += tg_len(fits[offset : gap.start()])
            if seen_text or gap.start() > 0:
                spaces = gap.group(0)
                before = text[start + gap.start() - 1] if start + gap.start() else ""
                level = 0 if "\n\n" in spaces else 1 if "\n" in spaces else 3
                if level == 3 and before in _SENTENCE_END and before:
                    level = 2
                keep(level, start + gap.start(), start + gap.end(), at)
            at += tg_len(gap.group(0))
            offset = gap.end()
        if fits.strip():
            seen_text = True
        if size > budget:
            if seen_text and fits and not fits[-1].isspace():
                keep(4, start + len(fits), start + len(fits), units + tg_len(fits))
            break
        units += size
    chosen = next(
        (c for level, c in enumerate(best) if c is not None and (c[2] >= limit // 2 or level == 4)),
        None,
    )
    if chosen is None:  # nothing fits (cannot happen with our budgets): plain text, clipped
        plain = esc(clip(html.unescape(_ANY_TAG.sub("", text)), limit // 6))
        return plain, ""
    head_end, tail_start, _, open_tags = chosen
    head = text[:head_end].rstrip() + "".join(f"</{_tag_name(t)}>" for t in reversed(open_tags))
    tail = "".join(open_tags) + text[tail_start:].lstrip()
    return _tidy(head), _tidy(tail)


def _visible(piece: str) -> bool:
    return bool(html.unescape(_ANY_TAG.sub("", piece)).strip())


def _tag_name(tag: str) -> str:
    return tag[1:-1].split(" ", 1)[0]


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
    """A paragraph or line of a message and what joins it to the one before it; `counted`
    units (a digest's stories) are counted in the message where they end."""

    html: str
    sep: str = "\n\n"
    counted: bool = False


def pack_counted(units: Iterable[Unit], limit: int = MAX_MESSAGE) -> list[tuple[str, int]]:
    """Units joined into as few messages as fit `limit` and 100 entities, each message with
    the number of counted units that end in it; a unit too long alone is split."""
    messages: list[tuple[str, int]] = []
    current, count = "", 0
    for unit in units:
        fits = tg_len(unit.html) <= limit and entities(unit.html) <= MAX_ENTITIES
        pieces = [unit.html] if fits else split_html(unit.html, limit)
        for index, piece in enumerate(pieces):
            if not _visible(piece):
                continue  # a blank line alone would be an empty message, which Telegram refuses
            sep = unit.sep if index == 0 else "\n"
            candidate = f"{current}{sep}{piece}" if current else piece
            if current and (tg_len(candidate) > limit or entities(candidate) > MAX_ENTITIES):
                messages.append((current, count))
                current, count = piece, 0
            else:
                current = candidate
        if unit.counted:
            count += 1
    if current:
        messages.append((current, count))
    elif count and messages:  # counted units that rendered to nothing end with the last one
        messages[-1] = (messages[-1][0], messages[-1][1] + count)
    return messages


def pack(units: Iterable[Unit], limit: int = MAX_MESSAGE) -> list[str]:
    return [text for text, _ in pack_counted(units, limit)]


# ---------------------------------------------------------------- alerts


def paragraphs(view: AlertView) -> list[str]:
    view = bounded(view)
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
    for view in map(bounded, views):
        mark = " ⚠️ denial" if view.denial else ""
        meta = f" — <i>{esc(view.outlet_line)}</i>" if view.outlet_line else ""
        lines.append(f"• {link(view.url, view.headline)}{meta}{mark}")
    return lines


def render_digest_pages(views: Sequence[AlertView]) -> list[tuple[str, int]]:
    """The digest as messages, each with the number of stories it lists (in order), so a
    delivered message can settle its stories on its own."""
    heading = Unit(f"🗞 <b>{LABEL_DIGEST}</b>: {stories_count(len(views))}")
    lines = [Unit(line, "\n", counted=True) for line in digest_lines(views)]
    return pack_counted([heading, *lines])


def render_digest(views: Sequence[AlertView]) -> list[str]:
    """One digest listing the stories (split only when it would pass 4096 characters)."""
    return [text for text, _ in render_digest_pages(views)]


# ---------------------------------------------------------------- command replies


def story_lines(view: AlertView, *, compact: bool = False, nested: bool = False) -> list[str]:
    """One story of a reply as HTML lines: headline (linked), outlet · time · id, summary,
    denial with the report it denies, later denials of it, hedges, who else reported it."""
    view = bounded(view)
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
