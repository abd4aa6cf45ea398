"""`newsbot run` killed with SIGKILL in the middle of a fan-out, then started again.

Real processes: `newsbot poll --once` finds a story for 120 Telegram chats (outbox rows are
committed with it); `newsbot run` sends to the fake Bot API (which holds to Telegram's 30
messages/s) and is killed mid-way; a second `newsbot run` finishes. Every chat must end with
the alert exactly once, except chats whose send was in flight at the kill (at most those).
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from tests.fakes.feed_server import FeedServer
from tests.fakes.telegram_api import FakeTelegram

ROOT = Path(__file__).resolve().parents[1]
CHATS = 120


def rss(items: list[tuple[str, str]]) -> bytes:
    body = "".join(
        f"<item><guid>{g}</guid><title>{t}</title><link>https://n.example/{g}</link>"
        "<description>Rostec said.</description></item>"
        for g, t in items
    )
    return (
        f"<?xml version='1.0'?><rss version='2.0'><channel><title>T</title>{body}</channel></rss>"
    ).encode()


def newsbot(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def start_run(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "bot", "run"],
            env=env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def wait_until(condition: object, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.05)
    return False


def test_sigkill_mid_fanout_then_restart_delivers_each_alert_once(tmp_path: Path) -> None:
    with FeedServer() as feeds_server, FakeTelegram.threaded() as tg:
        feeds_server.put("/f.xml", rss([]))
        subs = "".join(f"  - platform: telegram\n    chat: '{-1000 - i}'\n" for i in range(CHATS))
        feeds = tmp_path / "feeds.yaml"
        feeds.write_text(
            f"fetch:\n  allow: [127.0.0.0/8]\nfeeds:\n  - id: f\n"
            f"    url: {feeds_server.url('/f.xml')}\n    interval: 1h\n"
            f"subscriptions:\n{subs}"
        )
        db = tmp_path / "news.db"
        env = {
            **os.environ,
            "NEWSBOT_DB": str(db),
            "NEWSBOT_FEEDS": str(feeds),
            "TELEGRAM_BOT_TOKEN": tg.token,
            "TELEGRAM_API_URL": tg.url,
            "NO_PROXY": "127.0.0.1,localhost",
        }
        assert newsbot("poll", "--once", env=env).returncode == 0  # first poll: baseline
        feeds_server.put("/f.xml", rss([("s1", "Rostec story")]))
        second = newsbot("poll", "--once", env=env)
        assert second.returncode == 0 and "1 new stories" in second.stdout, second.stdout

        log = tmp_path / "run.log"
        first_run = start_run(env, log)
        try:
            assert wait_until(lambda: len(tg.sent_matching(method="sendMessage")) >= 25, 30), (
                log.read_text()
            )
        finally:
            first_run.send_signal(signal.SIGKILL)
            first_run.wait(10)
        sent_before = len(tg.sent_matching(method="sendMessage"))
        assert 25 <= sent_before < CHATS  # killed in the middle of the fan-out
        with sqlite3.connect(db) as con:
            in_flight = con.execute("SELECT count(*) FROM outbox WHERE state='sending'").fetchone()[
                0
            ]

        second_run = start_run(env, log)
        try:
            delivered = wait_until(
                lambda: (
                    len({m["chat_id"] for m in tg.sent_matching(method="sendMessage")}) == CHATS
                ),
                30,
            )
        finally:
            second_run.send_signal(signal.SIGTERM)
            assert second_run.wait(20) == 0, log.read_text()
        assert delivered, log.read_text()

        per_chat = Counter(str(m["chat_id"]) for m in tg.sent_matching(method="sendMessage"))
        assert set(per_chat) == {str(-1000 - i) for i in range(CHATS)}
        duplicates = sum(n - 1 for n in per_chat.values())
        # rows handed to the sender ('sending') are sent again; of those, only a request that
        # had reached the API at the kill is a duplicate: at most the one in flight
        assert duplicates <= 1 and duplicates <= in_flight, (duplicates, in_flight)
        # Limits hold across the restart too (the new process counts the old one's sends);
        # only a send in flight at the kill, never recorded, could tip one window over.
        assert tg.throttled <= 1
        with sqlite3.connect(db) as con:
            states = dict(con.execute("SELECT state, count(*) FROM outbox GROUP BY state"))
        assert states == {"sent": CHATS}
