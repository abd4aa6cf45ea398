"""A command Reply as plain text, for the console and the demo."""

from __future__ import annotations

from bot.platforms import console
from handlers.reply import Reply


def render_text(reply: Reply) -> str:
    parts: list[str] = []
    if reply.title:
        parts.append(console.plain(reply.title))
    parts += [console.plain(line) for line in reply.lines]
    for group in reply.groups:
        first, *others = group.views
        block = [console.render(first)]
        block.append(f"(/story {first.story_id})")
        for other in others:
            block.append(
                f"  same story: {console.plain(other.headline)} — "
                f"{console.plain(other.outlet_line)} (/story {other.story_id})"
            )
        parts.append("\n".join(block))
    if reply.buttons:
        parts.append("  ".join(f"[{console.plain(b.label)}]" for b in reply.buttons))
    if reply.footer:
        parts.append(console.plain(reply.footer))
    return "\n\n".join(parts)
