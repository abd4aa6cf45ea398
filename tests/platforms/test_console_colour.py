"""The console renderer's colour: only on a terminal, and never when NO_COLOR has a value
(https://no-color.org: any non-empty value disables colour). A real pseudo-terminal, both for
the sink in this process and for `newsbot demo` run as a process."""

from __future__ import annotations

import asyncio
import contextlib
import os
import pty
import select
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

import pytest

from bot.alerts.view import AlertView
from bot.models import Subscription
from bot.platforms.console import ConsoleSink

ROOT = Path(__file__).resolve().parents[2]
BOLD = "\x1b[1m"
VIEW = AlertView(
    1, "alert", "Minister resigns", "https://e.example/1", "Outlet", "Outlet · Nowhere", None, ""
)


@contextlib.contextmanager
def terminal() -> Iterator[tuple[TextIO, int]]:
    """A pseudo-terminal: its writable end as a text file, and the fd to read what it shows."""
    reader, writer = pty.openpty()
    out = os.fdopen(writer, "w", encoding="utf-8")
    try:
        yield out, reader
    finally:
        out.close()
        os.close(reader)


def shown(reader: int, within: float = 60.0) -> str:
    """Everything the terminal received until its writer closed (bounded in time)."""
    deadline = time.monotonic() + within
    chunks: list[bytes] = []
    while time.monotonic() < deadline:
        ready, _, _ = select.select([reader], [], [], 0.5)
        if not ready:
            continue
        try:
            chunk = os.read(reader, 65536)
        except OSError:  # EIO: the other side closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks).decode("utf-8", "replace")


@pytest.mark.parametrize(
    ("no_color", "coloured"),
    [(None, True), ("", True), ("1", False), ("0", False), ("false", False)],
)
def test_the_sink_colours_a_terminal_unless_no_color_has_a_value(
    monkeypatch: pytest.MonkeyPatch, no_color: str | None, coloured: bool
) -> None:
    if no_color is None:
        monkeypatch.delenv("NO_COLOR", raising=False)
    else:
        monkeypatch.setenv("NO_COLOR", no_color)
    with terminal() as (out, reader):
        sink = ConsoleSink(out)
        [part] = sink.render(VIEW)
        asyncio.run(sink.send_part(Subscription(1, "console", "you"), part, None))
        os.set_blocking(reader, False)
        printed = os.read(reader, 65536).decode()
    assert "Minister resigns" in printed
    assert (BOLD in printed) is coloured


def test_a_file_is_not_coloured_unless_asked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    with (tmp_path / "out.txt").open("w") as out:
        assert BOLD not in ConsoleSink(out).render(VIEW)[0]
        assert BOLD in ConsoleSink(out, colour=True).render(VIEW)[0]


@pytest.mark.parametrize(("no_color", "coloured"), [(None, True), ("1", False)])
def test_newsbot_demo_on_a_terminal_honours_no_color(no_color: str | None, coloured: bool) -> None:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TELEGRAM_", "DISCORD_", "NEWSBOT_")) and k != "NO_COLOR"
    }
    if no_color is not None:
        env["NO_COLOR"] = no_color
    with terminal() as (out, reader):
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "demo"],
            stdout=out,
            stderr=subprocess.DEVNULL,
            env=env,
            cwd=ROOT,
        )
        out.close()  # the child holds the terminal now; EOF once it exits
        try:
            printed = shown(reader)
        finally:
            if process.poll() is None:
                process.kill()
        assert process.wait(10) == 0
    assert "BBC · United Kingdom" in printed  # the alerts were shown
    assert (BOLD in printed) is coloured
