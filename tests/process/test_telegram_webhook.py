"""Telegram webhook mode and stale updates (issue #16), with `newsbot run` as a real process.

The real python-telegram-bot Application inside it registers the webhook with the Bot API fake
(setWebhook with the secret token), receives updates POSTed to the /healthz server on
127.0.0.1, and answers them through the fake; a POST without the secret token is refused (403)
and nothing of it is processed. Without a webhook, NEWSBOT_TELEGRAM_PENDING_UPDATES decides
whether the updates sent while the bot was down are answered or dropped.
"""

from __future__ import annotations

import json
import signal
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from tests.fakes.telegram_api import FakeTelegram
from tests.process import (
    TELEGRAM_TOKEN,
    assert_clean,
    base_env,
    feeds_file,
    free_port,
    health,
    running,
    wait_until,
)

PRIVATE = 4242
SECRET = "webhook-secret_for-tests-0123456789"


class WebhookTelegram(FakeTelegram):
    """The Bot API fake with setWebhook, which it lacks: records each call's parameters and,
    like the real API, drops the queued updates when asked to."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.webhooks: list[dict[str, Any]] = []
        self._handlers["setwebhook"] = self._set_webhook
        self._canonical["setwebhook"] = "setWebhook"

    async def _set_webhook(self, params: dict[str, Any], request: web.Request) -> bool:
        self.webhooks.append(dict(params))
        if params.get("drop_pending_updates") in (True, "true", "True"):
            with self._lock:
                self._updates.clear()
        return True


def post(url: str, body: bytes, token: str | None) -> int:
    headers = {"Content-Type": "application/json"}
    if token is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = token
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # loopback only
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def test_webhook_updates_are_answered_and_a_wrong_secret_is_refused(tmp_path: Path) -> None:
    port = free_port()
    hook = f"http://127.0.0.1:{port}/telegram/updates"
    with WebhookTelegram.threaded(token=TELEGRAM_TOKEN) as tg:
        feeds_file(tmp_path, "http://127.0.0.1:9/f.xml")
        env = base_env(
            tmp_path,
            TELEGRAM_BOT_TOKEN=TELEGRAM_TOKEN,
            TELEGRAM_API_URL=tg.url,
            NEWSBOT_METRICS_PORT=str(port),
            NEWSBOT_TELEGRAM_WEBHOOK_URL=hook,
            NEWSBOT_TELEGRAM_WEBHOOK_SECRET=SECRET,
        )
        log = tmp_path / "run.log"
        with running("run", env=env, log=log) as bot:
            assert wait_until(lambda: tg.webhooks, 30), log.read_text()
            [registered] = tg.webhooks
            assert registered["url"] == hook and registered["secret_token"] == SECRET
            assert registered.get("drop_pending_updates") in (None, False, "false", "False")
            tg.add_chat(PRIVATE, "private")
            stale = json.dumps(tg.push_command(PRIVATE, PRIVATE, "/start")).encode()
            assert post(hook, stale, None) == 403  # no secret token: nothing processed
            assert post(hook, stale, "wrong-secret") == 403
            assert post(hook, b"{not json", SECRET) == 400
            update = json.dumps(tg.push_command(PRIVATE, PRIVATE, "/help")).encode()
            assert post(hook, update, SECRET) == 200
            [sent] = tg.wait_for_sent_sync(1, 20, chat_id=PRIVATE, method="sendMessage")
            assert "/lookup ENTITY" in sent["text"]
            answer = health(port)  # the same server answers /healthz
            assert answer is not None and answer[1]["platforms"]["telegram"]["state"] == "up"
            bot.send_signal(signal.SIGTERM)
            assert bot.wait(30) == 0
        # only the update with the secret token was answered, and nothing polled for updates
        assert [s["text"] for s in tg.sent_matching(chat_id=PRIVATE)] == [sent["text"]]
        assert tg.requests["getUpdates"] == 0
    output = log.read_text()
    assert "webhook served at /telegram/updates" in output
    # the refusals are logged, but not a line each (a scanner cannot flood the log)
    assert output.count("request(s) without the right secret token refused") == 1
    assert_clean(output, TELEGRAM_TOKEN, SECRET)


@pytest.mark.parametrize("pending", ["answer", "drop"])
def test_updates_sent_while_down_are_answered_or_dropped(tmp_path: Path, pending: str) -> None:
    with FakeTelegram.threaded(token=TELEGRAM_TOKEN) as tg:
        feeds_file(tmp_path, "http://127.0.0.1:9/f.xml")
        env = base_env(
            tmp_path,
            TELEGRAM_BOT_TOKEN=TELEGRAM_TOKEN,
            TELEGRAM_API_URL=tg.url,
            NEWSBOT_TELEGRAM_PENDING_UPDATES=pending,
        )
        tg.add_chat(PRIVATE, "private")
        tg.push_command(PRIVATE, PRIVATE, "/help")  # sent while the bot was down
        log = tmp_path / "run.log"
        with running("run", env=env, log=log) as bot:
            assert wait_until(lambda: tg.requests["getUpdates"] > 0, 30), log.read_text()
            tg.push_command(PRIVATE, PRIVATE, "/start")
            sent = tg.wait_for_sent_sync(1, 20, chat_id=PRIVATE, method="sendMessage")
            if pending == "answer":
                sent = tg.wait_for_sent_sync(2, 20, chat_id=PRIVATE, method="sendMessage")
            bot.send_signal(signal.SIGTERM)
            assert bot.wait(30) == 0
        answered = [s["text"] for s in tg.sent_matching(chat_id=PRIVATE, method="sendMessage")]
        if pending == "answer":
            assert len(answered) == 2 and "/lookup ENTITY" in answered[0]
            assert "Try /lookup Rostec" in answered[1]
        else:
            assert len(answered) == 1 and "Try /lookup Rostec" in answered[0]
        [delete] = [c for c in tg.calls if c["method"] == "deleteWebhook"]
        dropped = delete["params"].get("drop_pending_updates") in (True, "true", "True")
        assert dropped == (pending == "drop")
        assert sent
    assert_clean(log.read_text(), TELEGRAM_TOKEN)
