"""Operating newsbot: /healthz and /metrics (Prometheus text), logs that never show a token.

Figures about what is stored (stories, feeds by health, outbox depth, subscriptions) are read
from the database at each scrape, so /metrics always matches what the database holds; what
happens in the process (polls, sends, send latency) is counted as it happens.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Iterable, Sequence
from typing import Any

from aiohttp import web
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from bot.store import Store

log = logging.getLogger(__name__)

# Telegram bot tokens ("123456:AA…") and anything after /bot in a Bot API URL.
_TOKEN_PATTERNS = (
    re.compile(r"\b\d{5,}:[A-Za-z0-9_-]{30,}\b"),
    re.compile(r"(/bot)[^/\s]+"),
    re.compile(r"(/webhooks/\d+/)[^/\s?]+"),  # Discord webhook URLs carry their token
)


class Metrics:
    """Process counters; the poller and dispatchers call these as things happen."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.polls = Counter(
            "newsbot_polls", "Feed polls by result", ["result"], registry=self.registry
        )
        self.stories = Counter(
            "newsbot_stories_stored",
            "Stories stored by this process",
            ["kind"],
            registry=self.registry,
        )
        self.sent = Counter(
            "newsbot_alerts_sent", "Messages sent", ["platform"], registry=self.registry
        )
        self.send_failures = Counter(
            "newsbot_send_failures", "Sends that failed", ["platform"], registry=self.registry
        )
        self.send_latency = Histogram(
            "newsbot_send_latency_seconds",
            "From outbox row created to message sent",
            ["platform"],
            registry=self.registry,
            buckets=(0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600),
        )
        self.started = time.time()
        self.last_poll = 0.0

    def poll(self, result: str, new: int, revisions: int) -> None:
        self.polls.labels(result).inc()
        self.last_poll = time.time()
        if new:
            self.stories.labels("new").inc(new)
        if revisions:
            self.stories.labels("revision").inc(revisions)

    def delivered(self, platform: str, latency: float) -> None:
        self.sent.labels(platform).inc()
        self.send_latency.labels(platform).observe(latency)

    def failed(self, platform: str) -> None:
        self.send_failures.labels(platform).inc()


class _StoreSnapshot(Collector):
    """Gauges from one database snapshot (taken just before rendering)."""

    def __init__(self, figures: dict[str, Any]) -> None:
        self.figures = figures

    def collect(self) -> Iterable[GaugeMetricFamily]:
        f = self.figures
        yield GaugeMetricFamily("newsbot_stories", "Stories stored", value=f["stories"])
        feeds = GaugeMetricFamily("newsbot_feeds", "Feeds by health", labels=["status"])
        for status, count in sorted(f["feeds_by_status"].items()):
            feeds.add_metric([status], count)
        yield feeds
        outbox = GaugeMetricFamily("newsbot_outbox", "Outbox rows by state", labels=["state"])
        for state, count in sorted(f["outbox"].items()):
            outbox.add_metric([state], count)
        yield outbox
        yield GaugeMetricFamily(
            "newsbot_outbox_depth",
            "Messages waiting to be sent",
            value=f["outbox"].get("pending", 0)
            + f["outbox"].get("sending", 0)
            + f["outbox"].get("held", 0),
        )
        subs = GaugeMetricFamily(
            "newsbot_subscriptions", "Subscriptions", labels=["platform", "active"]
        )
        for (platform, active), count in sorted(f["subscriptions"].items()):
            subs.add_metric([platform, active], count)
        yield subs


async def store_figures(store: Store) -> dict[str, Any]:
    stats = await store.stats()
    return {
        "stories": stats["stories"],
        "stories_24h": stats["stories_24h"],
        "feeds_by_status": await store.feed_health_counts(),
        "outbox": await store.outbox_counts(),
        "subscriptions": await store.subscription_counts(),
        "last_poll": await store.last_poll_time(),
    }


async def render_metrics(store: Store, metrics: Metrics) -> bytes:
    figures = await store_figures(store)
    registry = CollectorRegistry()
    registry.register(_StoreSnapshot(figures))
    return generate_latest(registry) + generate_latest(metrics.registry)


def health_app(
    store: Store, metrics: Metrics, *, platforms: Sequence[str] = (), max_poll_gap: float = 3600.0
) -> web.Application:
    """/healthz: 200 when the database answers and polling is alive; 503 otherwise."""

    async def healthz(request: web.Request) -> web.Response:
        try:
            figures = await store_figures(store)
        except Exception as exc:
            return web.json_response({"status": "error", "error": f"database: {exc}"}, status=503)
        now = time.time()
        polling = max(metrics.last_poll, metrics.started)
        healthy = now - polling <= max_poll_gap
        body = {
            "status": "ok" if healthy else "stalled",
            "last_poll_seconds_ago": round(now - metrics.last_poll, 1)
            if metrics.last_poll
            else None,
            "stories": figures["stories"],
            "outbox_depth": sum(
                v for k, v in figures["outbox"].items() if k in ("pending", "sending", "held")
            ),
            "platforms": list(platforms),
        }
        return web.json_response(body, status=200 if healthy else 503)

    async def metrics_page(request: web.Request) -> web.Response:
        data = await render_metrics(store, metrics)
        return web.Response(
            body=data, headers={"Content-Type": "text/plain; version=0.0.4; charset=utf-8"}
        )

    app = web.Application()
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", metrics_page)
    return app


async def serve(app: web.Application, host: str, port: int) -> web.AppRunner:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    log.info("health and metrics on http://%s:%d/healthz and /metrics", host, port)
    return runner


# ---------------------------------------------------------------- logging


class RedactTokens(logging.Filter):
    """Removes bot tokens from every log record (libraries log request URLs)."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s and len(s) >= 8]

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "[token]")
        text = _TOKEN_PATTERNS[0].sub("[token]", text)
        text = _TOKEN_PATTERNS[1].sub(r"\1[token]", text)
        return _TOKEN_PATTERNS[2].sub(r"\1[token]", text)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = self.redact(message)
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if clean != message or record.args:
            record.msg, record.args = clean, None
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        data = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_text:
            data["exception"] = record.exc_text
        return json.dumps(data, ensure_ascii=False)


def configure_logging(*, level: int, json_format: bool, secrets: Iterable[str] = ()) -> None:
    handler = logging.StreamHandler()
    handler.addFilter(RedactTokens(secrets))
    handler.setFormatter(
        JsonFormatter()
        if json_format
        else logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    )
    root = logging.getLogger()
    for existing in list(root.handlers):
        root.removeHandler(existing)
    root.addHandler(handler)
    root.setLevel(level)
