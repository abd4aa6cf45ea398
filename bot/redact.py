"""Removing secrets from text: bot tokens, Bot API URLs and Discord webhook tokens.

Used on every log record (`bot.observe`) and on every error message built from a library's
exception (the platform modules, the CLI), because libraries put tokens in both: python-
telegram-bot's InvalidToken quotes the token, request URLs carry it after `/bot`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# Telegram bot tokens ("123456:AA…"), anything after /bot in a Bot API URL, and the token part
# of a Discord webhook URL.
_TELEGRAM_TOKEN = re.compile(r"\b\d{5,}:[A-Za-z0-9_-]{30,}\b")
_BOT_API_PATH = re.compile(r"(/bot)[^/\s'\"`]+")
_WEBHOOK = re.compile(r"(/webhooks/\d+/)[^/\s?'\"`]+")
# The password of a URL (postgresql://user:secret@host/db): kept out of every line.
_URL_PASSWORD = re.compile(r"(\b[a-zA-Z][a-zA-Z0-9+.-]*://[^/\s:@]*:)[^@\s/]*@")
MASK = "[token]"


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """`text` without the given secrets (8 characters or more) and without token shapes."""
    for secret in secrets:
        if secret and len(secret) >= 8:
            text = text.replace(secret, MASK)
    text = _TELEGRAM_TOKEN.sub(MASK, text)
    text = _BOT_API_PATH.sub(rf"\1{MASK}", text)
    text = mask_url_passwords(text)
    return _WEBHOOK.sub(rf"\1{MASK}", text)


def mask_url_passwords(text: str) -> str:
    """`text` with the password of every URL in it shown as ***."""
    return _URL_PASSWORD.sub(r"\1***@", text)
