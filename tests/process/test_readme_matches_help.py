"""The README's command table and configuration reference say what `newsbot --help` says
(issue #16): the same commands, the same options per command, the same commands taking
`--db` / `--feeds`, and the same environment variables, which are the ones Settings reads."""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from bot.cli import build_parser
from bot.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
COMMON = {"--db", "--feeds", "-h", "--help"}  # stated once for all, in the paragraph above


def section(title: str, end: str) -> str:
    start = README.index(title)
    return README[start : README.index(end, start)]


def leaves(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()) -> dict[str, Any]:
    """Every runnable command ("feeds check", "poll") and its parser, as --help has them."""
    found: dict[str, Any] = {}
    subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subs:
        return {" ".join(path): parser}
    for name, child in subs[0].choices.items():
        found.update(leaves(child, (*path, name)))
    return found


def flags(parser: argparse.ArgumentParser) -> set[str]:
    return {o for a in parser._actions for o in a.option_strings if o.startswith("--")}


def readme_commands() -> dict[str, set[str]]:
    """`newsbot feeds check [FILE]` rows → {"feeds check": set(), …}, with the row's flags."""
    rows: dict[str, set[str]] = {}
    for usage in re.findall(
        r"^\| `newsbot ([^`]+)` \|", section("## Command line", "### Exit"), re.M
    ):
        words = [w for w in usage.split() if re.fullmatch(r"[a-z]+", w)]
        rows[" ".join(words)] = set(re.findall(r"--[a-z-]+", usage))
    return rows


def test_the_command_table_lists_every_command_with_its_options() -> None:
    commands = leaves(build_parser())
    table = readme_commands()
    assert sorted(table) == sorted(commands)
    for name, parser in commands.items():
        assert table[name] == flags(parser) - COMMON, name


def test_the_db_and_feeds_sentence_names_the_commands_that_take_them() -> None:
    text = " ".join(section("## Command line", "| command |").split())
    takes_db = re.search(r"take `--db PATH\|URL`: (.+?); of those", text)
    takes_feeds = re.search(r"of those, (.+?) read the feeds file", text)
    assert takes_db and takes_feeds
    commands = leaves(build_parser())

    def named(match: re.Match[str]) -> set[str]:
        return set(re.findall(r"`([a-z ]+)`", match.group(1)))

    assert named(takes_db) == {n for n, p in commands.items() if "--db" in flags(p)}
    assert named(takes_feeds) == {n for n, p in commands.items() if "--feeds" in flags(p)}
    for name, parser in commands.items():
        if "--feeds" in flags(parser):
            assert "--db" in flags(parser), name


class Reading(dict[str, str]):
    """An environment that notes every variable asked for (Settings.from_env's input)."""

    def __init__(self, values: dict[str, str]) -> None:
        super().__init__(values)
        self.asked: set[str] = set()

    def get(self, key: str, default: Any = None) -> Any:
        self.asked.add(key)
        return super().get(key, default)

    def __getitem__(self, key: str) -> str:
        self.asked.add(key)
        return super().__getitem__(key)


def test_the_configuration_reference_lists_every_variable_help_lists() -> None:
    table = section("### Environment", "### `feeds.yaml`")
    documented = set()
    for cell in re.findall(r"^\| ([^|]+) \|", table, re.M):
        documented |= set(re.findall(r"`([A-Z][A-Z0-9_]+)`", cell))
    helped = subprocess.run(
        [sys.executable, "-m", "bot", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    listed = set(re.findall(r"\b[A-Z][A-Z0-9_]{2,}\b", helped.split("Configuration):", 1)[1]))
    env = Reading(
        {"NEWSBOT_METRICS_PORT": "9464", "NEWSBOT_TELEGRAM_WEBHOOK_URL": "https://b.example/h"}
    )
    Settings.from_env(env)
    read_elsewhere = {"NO_COLOR", "NEWSBOT_FAST_PARSE", "NEWSBOT_LOOP"}  # README: who reads them
    assert documented == listed == env.asked | read_elsewhere
