"""The README's rendered alerts (docs/*.html, screenshotted to docs/*.png) match the renderers.

scripts/render_previews.py regenerates them; this test fails when a renderer change was not
followed by running it, so the pictures in the README stay true to the code.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

import render_previews  # noqa: E402

from bot.platforms import discord_render  # noqa: E402


def test_committed_previews_match_the_renderers() -> None:
    view = asyncio.run(render_previews.seed_view())
    telegram = render_previews.telegram_page(view)
    discord = render_previews.discord_page(discord_render.render(view))
    assert "The Wall Street Journal&#x27;s report is untrue" in telegram
    assert "Radio Habana Cuba · Cuba · state-controlled (ICRT)" in discord
    assert (ROOT / "docs" / "telegram-alert.html").read_text(encoding="utf-8") == telegram, (
        "run python scripts/render_previews.py"
    )
    assert (ROOT / "docs" / "discord-alert.html").read_text(encoding="utf-8") == discord, (
        "run python scripts/render_previews.py"
    )
    for name in ("telegram-alert.png", "discord-alert.png"):
        assert (ROOT / "docs" / name).stat().st_size > 10_000
