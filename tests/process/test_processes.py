"""Processes: `poll --once` stopped by a signal or killed, a parse worker killed under `run`,
and /healthz when every poll fails. No process may outlive the one that started it."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

from tests.fakes.feed_server import FeedServer
from tests.process import (
    alive,
    assert_clean,
    base_env,
    count,
    descendants,
    free_port,
    health,
    newsbot,
    poll_now,
    rss,
    running,
    wait_until,
)


def many_feeds(tmp: Path, server: FeedServer, n: int, items: int = 30) -> None:
    lines = ["fetch:", "  allow: [127.0.0.0/8]", "feeds:"]
    for i in range(n):
        server.put(
            f"/f{i}.xml", rss([(f"{i}-{j}", f"Story {j} of feed {i}") for j in range(items)])
        )
        lines += [f"  - id: f{i}", f"    url: {server.url(f'/f{i}.xml')}", "    interval: 1h"]
    (tmp / "feeds.yaml").write_text("\n".join(lines) + "\n")


def workers_started(pid: int) -> bool:
    return len(descendants(pid)) >= 2  # the forkserver and at least one worker


def test_sigkill_of_poll_once_leaves_no_process_behind(tmp_path: Path) -> None:
    with FeedServer() as server:
        many_feeds(tmp_path, server, 60)
        with running("poll", "--once", env=base_env(tmp_path), log=tmp_path / "poll.log") as poll:
            assert wait_until(lambda: workers_started(poll.pid), 30), (
                tmp_path / "poll.log"
            ).read_text()
            children = descendants(poll.pid)
            poll.send_signal(signal.SIGKILL)
            poll.wait(10)
    assert wait_until(lambda: not any(alive(p) for p in children), 5), [
        p for p in children if alive(p)
    ]


def test_sigterm_stops_poll_once_with_one_line(tmp_path: Path) -> None:
    with FeedServer() as server:
        many_feeds(tmp_path, server, 40, items=5)
        for i in range(30, 40):  # ten slow feeds: the poll cannot be done when SIGTERM comes
            server.routes[f"/f{i}.xml"].delay = 6.0
        log = tmp_path / "poll.log"
        with running("poll", "--once", env=base_env(tmp_path), log=log) as poll:
            assert wait_until(lambda: "[" in log.read_text(), 30), log.read_text()
            children = descendants(poll.pid)
            stopped = time.monotonic()
            poll.send_signal(signal.SIGTERM)
            code = poll.wait(15)
            elapsed = time.monotonic() - stopped
        output = log.read_text()
        assert code == 130, output[-2000:]
        assert elapsed < 10
        last = output.strip().splitlines()[-1]
        assert last.startswith("newsbot: stopped by SIGTERM: ") and "next start" in last, last
        progress_lines = sum(line.startswith("[") for line in output.splitlines())
        assert f"stopped by SIGTERM: {progress_lines} feeds polled and stored" in last, last
        assert_clean(output)
        assert wait_until(lambda: not any(alive(p) for p in children), 5), "orphan processes"
        db = tmp_path / "news.db"  # what finished is stored, and a new poll completes the rest
        assert count(db, "SELECT count(*) FROM stories") <= 30 * 5
        for i in range(30, 40):
            server.routes[f"/f{i}.xml"].delay = 0.0
        again = newsbot("poll", "--once", env=base_env(tmp_path), timeout=120)
    assert again.returncode == 0, again.stderr
    assert count(db, "SELECT count(*) FROM stories") == 40 * 5, again.stdout[-3000:]


def test_a_killed_parse_worker_is_replaced_and_polls_go_on(tmp_path: Path) -> None:
    port = free_port()
    with FeedServer() as server:
        many_feeds(tmp_path, server, 2, items=3)
        env = base_env(tmp_path, NEWSBOT_METRICS_PORT=str(port))
        db = tmp_path / "news.db"
        assert newsbot("poll", "--once", env=env).returncode == 0  # baseline
        log = tmp_path / "run.log"
        with running("run", env=env, log=log) as bot:
            assert wait_until(lambda: health(port) is not None, 20), log.read_text()
            for round_ in range(2):  # a worker killed twice: the pool is rebuilt each time
                for i in range(2):
                    items = [(f"{i}-{j}", f"Story {j} of feed {i}") for j in range(3 + round_ + 1)]
                    server.put(f"/f{i}.xml", rss(items))
                poll_now(db)
                expected = 2 * (3 + round_ + 1)
                assert wait_until(
                    lambda e=expected: count(db, "SELECT count(*) FROM stories") == e,
                    20,  # type: ignore[misc]
                ), log.read_text()
                workers = [p for p in descendants(bot.pid) if alive(p)]
                assert workers, "no worker processes"
                os.kill(max(workers), signal.SIGKILL)  # the newest: a pool worker, as OOM would
            for i in range(2):
                items = [(f"{i}-{j}", f"Story {j} of feed {i}") for j in range(6)]
                server.put(f"/f{i}.xml", rss(items))
            poll_now(db)
            assert wait_until(lambda: count(db, "SELECT count(*) FROM stories") == 12, 20), (
                log.read_text()
            )
            answer = health(port)
            assert answer is not None and answer[0] == 200, answer
            assert answer[1]["feeds_failing"] == 0, answer
            children = descendants(bot.pid)
            bot.send_signal(signal.SIGTERM)
            assert bot.wait(15) == 0, log.read_text()
    output = log.read_text()
    assert_clean(output)
    assert "a worker process died" in output
    assert wait_until(lambda: not any(alive(p) for p in children), 5), "orphan processes"


def test_healthz_is_unhealthy_while_every_poll_fails(tmp_path: Path) -> None:
    port = free_port()
    with FeedServer() as server:
        many_feeds(tmp_path, server, 1, items=3)
        env = base_env(tmp_path, NEWSBOT_METRICS_PORT=str(port))
        db = tmp_path / "news.db"
        assert newsbot("poll", "--once", env=env).returncode == 0
        server.put("/f0.xml", b"oops", status=500)
        poll_now(db)
        log = tmp_path / "run.log"
        with running("run", env=env, log=log) as bot:
            assert wait_until(lambda: (health(port) or (0, {}))[0] == 503, 20), log.read_text()
            answer = health(port)
            assert answer is not None and answer[1]["status"] == "failing"
            server.put("/f0.xml", rss([("0-9", "A new story")]))
            poll_now(db)
            assert wait_until(lambda: (health(port) or (0, {}))[0] == 200, 20), log.read_text()
            bot.send_signal(signal.SIGTERM)
            assert bot.wait(15) == 0
    assert_clean(log.read_text())
