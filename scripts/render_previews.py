"""Render the seed story's alert as Telegram and Discord show it, for the README.

Runs the real demo pipeline (bundled sample feeds, temporary database) to get the stored seed
story with its links, renders it with newsbot's own renderers (telegram_render → HTML message,
discord_render → embed JSON), wraps each in a page styled like the client, and screenshots the
pages with headless Chromium (Debian's `chromium` package):

    python scripts/render_previews.py            # writes docs/*.html and docs/*.png
    python scripts/render_previews.py --html-only

Run it again whenever the renderers change; the README embeds docs/telegram-alert.png and
docs/discord-alert.png.
"""

from __future__ import annotations

import argparse
import asyncio
import html
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.alerts.view import AlertView, build_view  # noqa: E402
from bot.platforms import discord_render, telegram_render  # noqa: E402

DOCS = ROOT / "docs"

TELEGRAM_PAGE = """<!doctype html><html><head><meta charset="utf-8"><style>
body {{ margin: 0; background: #8ea9c1; font: 15px/1.4 "DejaVu Sans", sans-serif; }}
.chat {{ padding: 24px; width: 560px; }}
.bubble {{ background: #fff; border-radius: 12px; padding: 10px 14px 8px; white-space: pre-wrap;
  box-shadow: 0 1px 1px rgba(0,0,0,.15); color: #000; word-wrap: break-word; }}
.bubble a {{ color: #2481cc; text-decoration: none; }}
.meta {{ text-align: right; color: #8a9aa9; font-size: 12px; margin-top: 4px; }}
.name {{ color: #3a8ad6; font-weight: bold; margin-bottom: 4px; }}
</style></head><body><div class="chat"><div class="bubble"><div class="name">newsbot</div>{body}
<div class="meta">14:12</div></div></div></body></html>
"""

DISCORD_PAGE = """<!doctype html><html><head><meta charset="utf-8"><style>
body {{ margin: 0; background: #313338; color: #dbdee1;
  font: 15px/1.375 "DejaVu Sans", sans-serif; }}
.msg {{ padding: 20px 24px; width: 640px; display: flex; gap: 14px; }}
.avatar {{ width: 40px; height: 40px; border-radius: 50%; background: #5865f2; flex: none; }}
.who {{ color: #f2f3f5; font-weight: 600; }} .tag {{ background: #5865f2; color: #fff;
  font-size: 10px; padding: 1px 4px; border-radius: 3px; margin-left: 4px; }}
.embed {{ margin-top: 6px; background: #2b2d31; border-left: 4px solid {colour};
  border-radius: 4px; padding: 10px 16px 14px 12px; max-width: 520px; }}
.title {{ color: #00a8fc; font-weight: 600; margin-bottom: 6px; }}
.desc {{ white-space: pre-wrap; font-size: 14px; }}
.field {{ margin-top: 8px; font-size: 14px; }} .fname {{ font-weight: 600; color: #f2f3f5; }}
.fvalue {{ white-space: pre-wrap; }} .footer {{ margin-top: 10px; font-size: 12px;
  color: #b5bac1; }} a {{ color: #00a8fc; text-decoration: none; }}
</style></head><body><div class="msg"><div class="avatar"></div><div>
<span class="who">newsbot</span><span class="tag">BOT</span>
<div class="embed">{embed}</div></div></div></body></html>
"""


def telegram_page(view: AlertView) -> str:
    messages = telegram_render.render(view)
    return TELEGRAM_PAGE.format(body=messages[0].text)


def _markdown_links(text: str) -> str:
    """Discord's [label](url) in an embed, as the client shows it."""
    import re

    escaped = html.escape(text)
    return re.sub(
        r"\[([^\]]+)\]\((https?://[^)\s]+)\)",
        lambda m: f'<a href="{m.group(2)}">{m.group(1)}</a>',
        escaped,
    )


def _unescape_markdown(text: str) -> str:
    """The client removes markdown escapes and shows the zero-width space as nothing."""
    for ch in "\\*_`~|>[]()#-.":
        text = text.replace("\\" + ch, ch)
    return text.replace("\u200b", "")


def discord_page(embed: dict[str, Any]) -> str:
    parts = [
        f'<div class="title">{html.escape(_unescape_markdown(embed["title"]))}</div>',
        f'<div class="desc">{html.escape(_unescape_markdown(embed["description"]))}</div>',
    ]
    for field in embed.get("fields", []):
        parts.append(
            f'<div class="field"><div class="fname">{html.escape(field["name"])}</div>'
            f'<div class="fvalue">{_markdown_links(_unescape_markdown(field["value"]))}'
            "</div></div>"
        )
    if embed.get("footer"):
        parts.append(f'<div class="footer">{html.escape(embed["footer"]["text"])}</div>')
    return DISCORD_PAGE.format(colour=f"#{embed.get('color', 0):06x}", embed="".join(parts))


async def seed_view() -> AlertView:
    """The seed story as stored by the real pipeline next to the WSJ report it denies."""
    from bot.app import Pipeline
    from bot.demo import FEEDS, SampleServer, _feeds_file

    server = SampleServer()
    await server.start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for name in FEEDS:
                server.serve(name)
            feeds = _feeds_file(Path(tmp), server.port)
            async with await Pipeline.open(
                str(Path(tmp) / "p.db"), str(feeds), use_pool=False
            ) as pipeline:
                await pipeline.poller.poll_once()
                hits = await pipeline.store.search('"Russia rejects reports"', 1)
                return await build_view(pipeline.store, hits[0].story)
    finally:
        await server.stop()


def screenshot(page: Path, png: Path, width: int, height: int) -> None:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        raise SystemExit("chromium not found: apt-get install chromium (or use --html-only)")
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                browser,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--hide-scrollbars",
                f"--user-data-dir={profile}",
                f"--window-size={width},{height}",
                f"--screenshot={png}",
                page.as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--html-only", action="store_true")
    args = parser.parse_args()
    view = asyncio.run(seed_view())
    DOCS.mkdir(exist_ok=True)
    pages = {
        "telegram-alert": (telegram_page(view), 608, 610),
        "discord-alert": (discord_page(discord_render.render(view)), 720, 520),
    }
    for name, (text, width, height) in pages.items():
        page = DOCS / f"{name}.html"
        page.write_text(text, encoding="utf-8")
        if not args.html_only:
            screenshot(page, DOCS / f"{name}.png", width, height)
        print(f"wrote {page.relative_to(ROOT)}" + ("" if args.html_only else " and .png"))


if __name__ == "__main__":
    main()
