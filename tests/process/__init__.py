"""`newsbot` started as a real process when something outside it is wrong.

Helpers: run the command line, read /healthz, find a process's descendants in /proc (to show
that none outlives it), and a feed whose story alerts.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
# A token of Telegram's shape (so the redaction patterns would catch it too) and one that is not.
TELEGRAM_TOKEN = "987654321:AAFakeTokenForTestsOnly-abcdefghijklmn"
DISCORD_TOKEN = "discord-secret-token-for-tests-0123456789"


def rss(items: list[tuple[str, str]]) -> bytes:
    body = "".join(
        f"<item><guid>{g}</guid><title>{t}</title><link>https://n.example/{g}</link>"
        "<description>Rostec said so on Monday.</description></item>"
        for g, t in items
    )
    return (
        f"<?xml version='1.0'?><rss version='2.0'><channel><title>T</title>{body}</channel></rss>"
    ).encode()


def base_env(tmp: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.endswith("_TOKEN")}
    env.update(
        {
            "NEWSBOT_DB": str(tmp / "news.db"),
            "NEWSBOT_FEEDS": str(tmp / "feeds.yaml"),
            "NO_PROXY": "127.0.0.1,localhost",
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.update(extra)
    return env


def feeds_file(tmp: Path, url: str, subscriptions: str = "") -> Path:
    path = tmp / "feeds.yaml"
    path.write_text(
        f"fetch:\n  allow: [127.0.0.0/8]\nfeeds:\n  - id: f\n    url: {url}\n    interval: 1h\n"
        + (f"subscriptions:\n{subscriptions}" if subscriptions else "")
    )
    return path


def newsbot(
    *args: str, env: dict[str, str], timeout: float = 60, user: int | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        user=user,
    )


def start(*args: str, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "bot", *args],
            env=env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


@contextlib.contextmanager
def running(*args: str, env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """`newsbot ARGS` in the background; killed at the end if the test left it running."""
    process = start(*args, env=env, log=log)
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(10)


def wait_until(condition: Callable[[], object], timeout: float, step: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return False


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def health(port: int) -> tuple[int, dict[str, Any]] | None:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())
    except OSError:
        return None


def poll_now(db: Path) -> None:
    """Make every feed due (the schedule is minutes; the test has seconds)."""
    with sqlite3.connect(db) as con:
        con.execute("UPDATE feeds SET next_poll_at = 0")


def count(db: Path, sql: str) -> int:
    with sqlite3.connect(db) as con:
        return int(con.execute(sql).fetchone()[0])


def descendants(pid: int) -> set[int]:
    """Every living process below `pid` (children, grandchildren …), from /proc."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        parents.setdefault(int(fields[1]), []).append(int(entry.name))
    found: set[int] = set()
    todo = [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def alive(pid: int) -> bool:
    """Running, not a zombie (an orphan reaped late is dead already)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2] != "Z"


def assert_clean(output: str, *secrets: str) -> None:
    """No traceback and no secret in what the process printed."""
    assert "Traceback" not in output, output[-3000:]
    for secret in secrets:
        assert secret not in output, "a token was printed"
