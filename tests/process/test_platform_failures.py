"""`newsbot run` when a chat platform is down or refuses the token, or the health port is taken."""

from __future__ import annotations

import signal
import socket
import time
from pathlib import Path

from tests.fakes.discord_api import FakeDiscord
from tests.fakes.feed_server import FeedServer
from tests.fakes.telegram_api import FakeTelegram
from tests.process import (
    DISCORD_TOKEN,
    TELEGRAM_TOKEN,
    alive,
    assert_clean,
    base_env,
    count,
    descendants,
    feeds_file,
    free_port,
    health,
    newsbot,
    poll_now,
    rss,
    running,
    wait_until,
)


def test_telegram_down_at_start_is_retried_while_polling_goes_on(tmp_path: Path) -> None:
    api_port, metrics_port = free_port(), free_port()  # nothing listens on api_port yet
    with FeedServer() as feeds:
        feeds.put("/f.xml", rss([("a", "Old story")]))
        feeds_file(tmp_path, feeds.url("/f.xml"), "  - platform: telegram\n    chat: '-100'\n")
        env = base_env(
            tmp_path,
            TELEGRAM_BOT_TOKEN=TELEGRAM_TOKEN,
            TELEGRAM_API_URL=f"http://127.0.0.1:{api_port}",
            NEWSBOT_METRICS_PORT=str(metrics_port),
        )
        assert newsbot("poll", "--once", env=env).returncode == 0  # first poll: baseline
        feeds.put("/f.xml", rss([("a", "Old story"), ("b", "Rostec denies the report")]))
        poll_now(tmp_path / "news.db")
        log = tmp_path / "run.log"
        with running("run", env=env, log=log) as bot:
            # Telegram is unreachable: the bot stays up, polls, stores and queues the alert
            assert wait_until(
                lambda: count(tmp_path / "news.db", "SELECT count(*) FROM outbox") == 1, 60
            ), log.read_text()
            answer = health(metrics_port)
            assert answer is not None, log.read_text()
            status, body = answer
            assert status == 200 and body["status"] == "degraded", body
            assert body["platforms"]["telegram"]["state"] == "retrying", body
            assert "unreachable" in body["platforms"]["telegram"]["error"]
            status = newsbot("status", env=env)  # the operator's view of the same
            assert status.returncode == 0, status.stderr
            bot_line = next(ln for ln in status.stdout.splitlines() if ln.startswith("bot "))
            assert "degraded: telegram retrying (Telegram Bot API unreachable" in bot_line
            # Telegram comes back: the retry connects and the queued alert goes out
            with FakeTelegram.threaded(token=TELEGRAM_TOKEN, port=api_port) as tg:
                # bounded by the connect backoff's cap, generous for a loaded 2-core machine
                assert wait_until(lambda: tg.sent_matching(method="sendMessage"), 60), (
                    log.read_text()
                )
                answer = health(metrics_port)
                assert answer is not None and answer[1]["platforms"]["telegram"]["state"] == "up"
                children = descendants(bot.pid)
                stopped = time.monotonic()
                bot.send_signal(signal.SIGTERM)
                assert bot.wait(15) == 0, log.read_text()
                assert time.monotonic() - stopped < 10
    output = log.read_text()
    assert_clean(output, TELEGRAM_TOKEN)
    assert "retrying in" in output and "stopped in" in output
    assert wait_until(lambda: not any(alive(p) for p in children), 5), "orphan processes"


def test_a_rejected_telegram_token_is_one_line_without_the_token(tmp_path: Path) -> None:
    with FakeTelegram.threaded(token="123456:AAright-token-of-the-fake-0123456789ab") as tg:
        feeds_file(tmp_path, "http://127.0.0.1:9/f.xml")
        env = base_env(tmp_path, TELEGRAM_BOT_TOKEN=TELEGRAM_TOKEN, TELEGRAM_API_URL=tg.url)
        plain = newsbot("run", env=env)
        debug = newsbot("--debug", "run", env=env)
    assert plain.returncode == 4, plain.stderr
    lines = plain.stderr.strip().splitlines()
    assert lines[-1] == (
        "newsbot: Telegram refused the bot token (TELEGRAM_BOT_TOKEN); check it"
    ), plain.stderr
    assert_clean(plain.stdout + plain.stderr, TELEGRAM_TOKEN)
    # --debug shows the traceback, still without the token
    assert debug.returncode == 4 and "Traceback" in debug.stderr
    assert TELEGRAM_TOKEN not in debug.stdout + debug.stderr
    assert TELEGRAM_TOKEN.split(":")[1] not in debug.stderr


def test_a_rejected_discord_token_is_one_line_without_the_token(tmp_path: Path) -> None:
    with FakeDiscord.threaded(token="the-right-token-of-the-fake-discord") as dc:
        feeds_file(tmp_path, "http://127.0.0.1:9/f.xml")
        env = base_env(
            tmp_path,
            DISCORD_BOT_TOKEN=DISCORD_TOKEN,
            DISCORD_API_URL=dc.api_url,
            DISCORD_GATEWAY_URL=dc.gateway_url,
        )
        result = newsbot("run", env=env)
    assert result.returncode == 4, result.stderr
    assert result.stderr.strip().splitlines()[-1] == (
        "newsbot: Discord refused the bot token (DISCORD_BOT_TOKEN); check it"
    )
    assert_clean(result.stdout + result.stderr, DISCORD_TOKEN)


def test_a_taken_health_port_is_one_line(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        feeds_file(tmp_path, "http://127.0.0.1:9/f.xml")
        result = newsbot("run", env=base_env(tmp_path, NEWSBOT_METRICS_PORT=str(port)))
    assert result.returncode == 5, result.stderr
    line = result.stderr.strip().splitlines()[-1]
    assert line.startswith(f"newsbot: cannot serve /healthz on 127.0.0.1:{port}: "), line
    assert "in use" in line
    assert_clean(result.stdout + result.stderr)


def test_sigterm_with_a_hung_telegram_api_stops_within_10_s(tmp_path: Path) -> None:
    chats = 40
    with FeedServer() as feeds, FakeTelegram.threaded(token=TELEGRAM_TOKEN) as tg:
        feeds.put("/f.xml", rss([]))
        subs = "".join(f"  - platform: telegram\n    chat: '{-1000 - i}'\n" for i in range(chats))
        feeds_file(tmp_path, feeds.url("/f.xml"), subs)
        env = base_env(tmp_path, TELEGRAM_BOT_TOKEN=TELEGRAM_TOKEN, TELEGRAM_API_URL=tg.url)
        assert newsbot("poll", "--once", env=env).returncode == 0
        feeds.put("/f.xml", rss([("s1", "Rostec denies the report")]))
        assert newsbot("poll", "--once", env=env).returncode == 0  # 40 alerts queued
        log = tmp_path / "run.log"
        with running("run", env=env, log=log) as bot:
            assert wait_until(lambda: len(tg.sent_matching(method="sendMessage")) >= 5, 20), (
                log.read_text()
            )
            tg.outage("hang")  # every request now waits forever
            time.sleep(0.5)
            stopped = time.monotonic()
            bot.send_signal(signal.SIGTERM)
            assert bot.wait(15) == 0, log.read_text()
            elapsed = time.monotonic() - stopped
        tg.outage(None)
        sent_before = {m["chat_id"] for m in tg.sent_matching(method="sendMessage")}
        output = log.read_text()
        assert elapsed < 10, (elapsed, output[-2000:])
        stop_line = next(line for line in output.splitlines() if "stopped in" in line)
        assert "left for the next start" in stop_line and "messages to send" in stop_line
        assert len(sent_before) < chats
        with running("run", env=env, log=log) as again:  # the next start sends the rest
            assert wait_until(
                lambda: (
                    len({m["chat_id"] for m in tg.sent_matching(method="sendMessage")}) == chats
                ),
                30,
            ), log.read_text()
            again.send_signal(signal.SIGTERM)
            assert again.wait(15) == 0
    assert_clean(log.read_text(), TELEGRAM_TOKEN)


def test_discord_down_at_start_is_retried_and_sigterm_stops_at_once(tmp_path: Path) -> None:
    api_port, metrics_port = free_port(), free_port()
    feeds_file(tmp_path, "http://127.0.0.1:9/f.xml")
    env = base_env(
        tmp_path,
        DISCORD_BOT_TOKEN=DISCORD_TOKEN,
        DISCORD_API_URL=f"http://127.0.0.1:{api_port}/api/v10",
        DISCORD_GATEWAY_URL=f"ws://127.0.0.1:{api_port}/gateway",
        NEWSBOT_METRICS_PORT=str(metrics_port),
    )
    log = tmp_path / "run.log"
    with running("run", env=env, log=log) as bot:
        assert wait_until(lambda: "retrying in" in log.read_text(), 20), log.read_text()
        answer = health(metrics_port)
        assert answer is not None, log.read_text()
        assert answer[1]["platforms"]["discord"]["state"] == "retrying", answer
        stopped = time.monotonic()  # still starting up (Discord keeps failing): stop now
        bot.send_signal(signal.SIGTERM)
        assert bot.wait(15) == 0, log.read_text()
        assert time.monotonic() - stopped < 5
    output = log.read_text()
    assert "discord: Discord API unreachable" in output
    assert_clean(output, DISCORD_TOKEN)
