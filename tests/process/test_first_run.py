"""A first run says what happens (issue #16): stories already in new feeds are recorded without
alerts, and later ones are alerted; `poll --once` and `run` each say so in one line."""

from __future__ import annotations

import signal
from pathlib import Path

from tests.fakes.feed_server import FeedServer
from tests.process import assert_clean, base_env, newsbot, rss, running, wait_until


def test_poll_once_says_the_first_poll_recorded_stories_without_alerts(tmp_path: Path) -> None:
    with FeedServer() as feeds:
        feeds.put("/f.xml", rss([(f"g{i}", f"Story {i}") for i in range(1, 13)]))
        (tmp_path / "feeds.yaml").write_text(
            f"fetch:\n  allow: [127.0.0.0/8]\nfeeds:\n  - id: f\n    url: {feeds.url('/f.xml')}\n"
        )
        env = base_env(tmp_path)
        first = newsbot("poll", "--once", env=env)
        assert first.returncode == 0, first.stderr
        assert first.stdout.splitlines()[-1] == (
            "first poll: 12 stories recorded without alerts; new stories will be alerted"
        )
        feeds.put("/f.xml", rss([(f"g{i}", f"Story {i}") for i in range(1, 14)]))
        again = newsbot("poll", "--once", env=env)
        assert again.returncode == 0, again.stderr
        assert "first poll:" not in again.stdout and "1 new stories" in again.stdout
    assert_clean(first.stdout + first.stderr + again.stdout + again.stderr)


def test_run_says_what_the_first_poll_does_and_then_what_it_did(tmp_path: Path) -> None:
    with FeedServer() as feeds:
        feeds.put("/ok.xml", rss([("a", "Old one"), ("b", "Old two"), ("c", "Old three")]))
        feeds.put("/broken.xml", b"<html>oops</html>", content_type="text/html")
        (tmp_path / "feeds.yaml").write_text(
            "fetch:\n  allow: [127.0.0.0/8]\nfeeds:\n"
            f"  - id: ok\n    url: {feeds.url('/ok.xml')}\n"
            f"  - id: broken\n    url: {feeds.url('/broken.xml')}\n"
        )
        log = tmp_path / "run.log"
        with running("run", env=base_env(tmp_path), log=log) as bot:
            summary = (
                "first poll: 3 stories recorded without alerts from 1 new feed; new stories "
                "will be alerted (1 new feed failed: retried, and recorded without alerts then)"
            )
            # first polls are spread over the first 30 s
            assert wait_until(lambda: summary in log.read_text(), 60, step=0.5), log.read_text()
            bot.send_signal(signal.SIGTERM)
            assert bot.wait(30) == 0
    text = log.read_text()
    assert (
        "first poll of 2 new feeds in the next 30 s: the stories they carry now are recorded "
        "without alerts; later ones are alerted" in text
    )
    assert text.count("first poll:") == 1
    assert "Old one" not in text  # recorded, not alerted to the console
    assert_clean(text)
