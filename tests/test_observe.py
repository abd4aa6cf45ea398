"""Operating newsbot: status, /healthz and /metrics match the database; logs hide tokens."""

from __future__ import annotations

import io
import json
import logging
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from bot import __version__
from bot.observe import RedactTokens, configure_logging
from tests.fakes.feed_server import FeedServer

ROOT = Path(__file__).resolve().parents[1]
FEEDS = ROOT / "tests" / "data" / "feeds"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # loopback only
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def metric(text: str, name: str, labels: str = "") -> float:
    pattern = "^" + re.escape(name) + (r"\{" + re.escape(labels) + r"\}" if labels else "")
    match = re.search(pattern + r" (\S+)$", text, re.M)
    assert match, f"{name}{{{labels}}} not in metrics"
    return float(match.group(1))


def test_run_serves_health_and_metrics_matching_the_database(tmp_path: Path) -> None:
    port = free_port()
    with FeedServer() as server:
        server.put("/bbc.xml", (FEEDS / "bbc_world.xml").read_bytes())
        server.put("/broken.xml", b"<html>oops</html>", content_type="text/html")
        feeds = tmp_path / "feeds.yaml"
        feeds.write_text(
            f"fetch:\n  allow: [127.0.0.0/8]\nfeeds:\n  - id: bbc\n    url: "
            f"{server.url('/bbc.xml')}\n    interval: 60\n  - id: broken\n"
            f"    url: {server.url('/broken.xml')}\n    interval: 60\n"
        )
        db = tmp_path / "news.db"
        env = {
            **os.environ,
            "NEWSBOT_DB": str(db),
            "NEWSBOT_FEEDS": str(feeds),
            "NEWSBOT_METRICS_PORT": str(port),
            "NO_PROXY": "127.0.0.1,localhost",
        }
        for key in ("TELEGRAM_BOT_TOKEN", "DISCORD_BOT_TOKEN"):
            env.pop(key, None)
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "run"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            deadline = time.monotonic() + 150
            body = ""
            while time.monotonic() < deadline:
                time.sleep(0.5)
                try:
                    status, body = get(f"http://127.0.0.1:{port}/metrics")
                except OSError:
                    continue
                if (
                    status == 200
                    and 'newsbot_polls_total{result="failed"}' in body
                    and ('newsbot_polls_total{result="ok"}' in body)
                ):
                    break
            health_status, health = get(f"http://127.0.0.1:{port}/healthz")
            _, body = get(f"http://127.0.0.1:{port}/metrics")
        finally:
            proc.send_signal(signal.SIGTERM)
            _, stderr = proc.communicate(timeout=30)
        assert proc.returncode == 0, stderr.decode()[-2000:]
    status_json = json.loads(
        subprocess.run(
            [sys.executable, "-m", "bot", "status", "--json", "--db", str(db)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        ).stdout
    )
    assert health_status == 200 and json.loads(health)["status"] == "ok"
    assert metric(body, "newsbot_stories") == status_json["stories"] == 33
    assert metric(body, "newsbot_feeds", 'status="ok"') == status_json["feeds"]["ok"] == 1
    assert metric(body, "newsbot_feeds", 'status="retrying"') == 1
    # `newsbot status` lists the retrying feed with its reason (issue #16)
    [retrying] = status_json["failing_feeds"]
    assert retrying["status"] == "retrying" and retrying["last_error"]
    assert metric(body, "newsbot_outbox_depth") == status_json["outbox_depth"]
    assert metric(body, "newsbot_subscriptions", 'active="true",platform="console"') == 1
    assert metric(body, "newsbot_polls_total", 'result="failed"') >= 1
    assert metric(body, "newsbot_outbox", 'state="sent"') == status_json["outbox"]["sent"]
    assert "# TYPE newsbot_send_latency_seconds histogram" in body
    # issue #16: no *_created series; process and Python collectors; poll durations; version
    assert "_created" not in body
    assert metric(body, "process_cpu_seconds_total") > 0
    assert metric(body, "process_resident_memory_bytes") > 0
    assert re.search(r'^python_info\{.*version="\d+\.\d+', body, re.M)
    assert re.search(r'^python_gc_collections_total\{generation="0"\} ', body, re.M)
    polls = re.findall(r'^newsbot_polls_total\{result="(\w+)"\} (\S+)$', body, re.M)
    assert polls and all(
        metric(body, "newsbot_poll_duration_seconds_count", f'result="{result}"') == float(n)
        for result, n in polls
    )
    assert metric(body, "newsbot_poll_duration_seconds_sum", 'result="ok"') > 0
    assert metric(body, "newsbot_build_info", f'version="{__version__}"') == 1


def test_tokens_never_reach_the_log() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactTokens(["secret-discord-token-value"]))
    log = logging.getLogger("test.redact")
    log.addHandler(handler)
    log.propagate = False
    try:
        log.warning(
            "POST https://api.telegram.org/bot123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/sendMessage"
        )
        log.warning("token %s in args", "secret-discord-token-value")
        try:
            raise RuntimeError("failed with 987654321:ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef123")
        except RuntimeError:
            log.exception("oops")
    finally:
        log.removeHandler(handler)
    text = stream.getvalue()
    assert "AAHdqTcv" not in text and "secret-discord" not in text and "ABCDEFGH" not in text
    assert text.count("[token]") >= 3


def test_json_logs_are_one_object_per_line(capsys: object) -> None:
    configure_logging(level=logging.INFO, json_format=True, secrets=["hunter2-hunter2"])
    try:
        logging.getLogger("bot.test").info("started with hunter2-hunter2")
    finally:
        configure_logging(level=logging.WARNING, json_format=False)
    err = capsys.readouterr().err  # type: ignore[attr-defined]
    record = json.loads(err.strip().splitlines()[-1])
    assert record["level"] == "info" and record["message"] == "started with [token]"


def test_discord_webhook_tokens_are_redacted() -> None:
    redact = RedactTokens().redact
    text = redact(
        "POST https://discord.com/api/v10/webhooks/123456789012345678/"
        "AbCdEf-token_value.123?wait=true"
    )
    assert "AbCdEf" not in text and "/webhooks/123456789012345678/[token]" in text
