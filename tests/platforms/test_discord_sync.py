"""Discord slash commands are registered only when their definition changed (issue #16):
`newsbot run`'s Discord platform (the REAL discord.py client, `NewsbotClient`) against
tests/fakes/discord_api.FakeDiscord; the digest of what was synced is kept beside the database.
`newsbot discord sync` (a real process) registers them now, changed or not."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bot.app import Pipeline
from bot.runner import DiscordPlatform, discord_commands_state
from bot.settings import Settings
from handlers.commands import SPECS, Commands
from tests.fakes.discord_api import FakeDiscord, patch_discord_urls
from tests.process import base_env

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "discord-token-for-the-sync-tests-0123456789"


def puts(dc: FakeDiscord) -> int:
    """Command registrations the fake received (PUT …/commands)."""
    return sum(
        1 for r in dc.requests if r.method == "PUT" and r.path.rstrip("/").endswith("/commands")
    )


async def start_and_stop(settings: Settings, commands: Commands) -> None:
    platform = DiscordPlatform(settings, commands)
    await platform.start()
    await platform.stop()


async def test_the_tree_is_synced_once_then_only_when_it_changed(tmp_path: Path) -> None:
    db = tmp_path / "news.db"
    async with FakeDiscord() as dc, await Pipeline.open(str(db), None, use_pool=False) as p:
        with patch_discord_urls(dc):
            settings = Settings(
                db=str(db),
                discord_token=TOKEN,
                discord_api_url=dc.api_url,
                discord_gateway_url=dc.gateway_url,
            )
            commands = Commands(p.store, p.registry, p.fetcher)
            await start_and_stop(settings, commands)
            assert puts(dc) == 1
            registered = {c["name"]: c for c in dc.commands["global"]}
            assert sorted(registered) == sorted(s.name for s in SPECS)
            state = discord_commands_state(settings)
            digest = state.read_text().strip()
            assert state == tmp_path / "news.db.discord-commands" and len(digest) == 64

            await start_and_stop(settings, commands)  # a restart that changed nothing
            assert puts(dc) == 1 and state.read_text().strip() == digest

            state.write_text("0" * 64 + "\n")  # the last sync was of another definition
            await start_and_stop(settings, commands)
            assert puts(dc) == 2 and state.read_text().strip() == digest
    # where each command can be used: reading anywhere (user installs, DMs, group DMs);
    # subscriptions and feeds where the bot itself is (its servers and its DM)
    for name in ("start", "help", "lookup", "latest", "story", "outlet"):
        assert registered[name]["integration_types"] == [0, 1], name
        assert registered[name]["contexts"] == [0, 1, 2], name
    for spec in SPECS:
        if spec.moderator or spec.name == "subscriptions":
            assert registered[spec.name]["integration_types"] == [0], spec.name
            assert registered[spec.name]["contexts"] == [0, 1], spec.name


def test_discord_sync_registers_the_commands_now(tmp_path: Path) -> None:
    with FakeDiscord.threaded() as dc:
        env = {**base_env(tmp_path), **dc.env(), "DISCORD_BOT_TOKEN": TOKEN}
        runs = [
            subprocess.run(
                [sys.executable, "-m", "bot", "discord", "sync", "--db", str(tmp_path / "x.db")],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                timeout=60,
                check=False,
            )
            for _ in range(2)
        ]
        synced = puts(dc)
    for done in runs:
        assert done.returncode == 0, done.stderr
        assert done.stdout == (
            f"synced {len(SPECS)} slash commands with Discord; their digest is kept in "
            f"{tmp_path / 'x.db.discord-commands'}\n"
        )
        assert TOKEN not in done.stdout + done.stderr and "Traceback" not in done.stderr
    assert synced == 2  # forced: the second run syncs although nothing changed
    without = subprocess.run(
        [sys.executable, "-m", "bot", "discord", "sync", "--db", str(tmp_path / "x.db")],
        cwd=ROOT,
        env=base_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert without.returncode == 2
    assert without.stderr == (
        "newsbot: configuration error: DISCORD_BOT_TOKEN: is not set: there is no Discord bot "
        "to sync\n"
    )
