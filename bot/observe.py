"""Operating newsbot: /healthz and /metrics (Prometheus text), logs that never show a token.

Figures about what is stored (stories, feeds by health, outbox depth, subscriptions) are read
from the database at each scrape, so /metrics always matches what the database holds; what
happens in the process (polls, sends, send latency) is counted as it happens.
"""

from __future__ import annotations

import io
import json
import logging
import os
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TextIO

from aiohttp import web
from prometheus_client import (
    GC_COLLECTOR,
    PLATFORM_COLLECTOR,
    PROCESS_COLLECTOR,
    CollectorRegistry,
    Counter,
    Histogram,
    Info,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from bot import __version__
from bot.errors import ServeError
from bot.redact import redact
from bot.store import Store

log = logging.getLogger(__name__)


# A `*_created` series per counter and histogram child doubles the scrape for a timestamp
# nobody graphs (issue #16); prometheus_client reads this switch when it renders.
disable_created_metrics()  # type: ignore[no-untyped-call]

POLL_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60)


class Metrics:
    """Process counters; the poller and dispatchers call these as things happen.

    The registry also carries the process collector (`process_*`: CPU, memory, open files),
    the Python collectors (`python_info`, `python_gc_*`) and `newsbot_build_info{version}`."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        for collector in (PROCESS_COLLECTOR, PLATFORM_COLLECTOR, GC_COLLECTOR):
            self.registry.register(collector)
        Info("newsbot_build", "The running newsbot", registry=self.registry).info(
            {"version": __version__}
        )
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
        self.poll_duration = Histogram(
            "newsbot_poll_duration_seconds",
            "One feed's poll, from fetch to stored, by result",
            ["result"],
            registry=self.registry,
            buckets=POLL_BUCKETS,
        )
        self.started = time.time()
        self.last_poll = 0.0
        self.last_result: dict[str, str] = {}  # feed id → its latest poll's result

    def poll(
        self,
        result: str,
        new: int,
        revisions: int,
        feed_id: str | None = None,
        elapsed: float | None = None,
    ) -> None:
        self.polls.labels(result).inc()
        if elapsed is not None:
            self.poll_duration.labels(result).observe(elapsed)
        self.last_poll = time.time()
        if feed_id is not None:
            self.last_result[feed_id] = result
        if new:
            self.stories.labels("new").inc(new)
        if revisions:
            self.stories.labels("revision").inc(revisions)

    def delivered(self, platform: str, latency: float) -> None:
        self.sent.labels(platform).inc()
        self.send_latency.labels(platform).observe(latency)

    def failed(self, platform: str) -> None:
        self.send_failures.labels(platform).inc()

    def polls_failing(self) -> bool:
        """Every feed polled so far failed its latest poll: nothing is getting through (the
        network, the parse workers or the database is down), not one bad feed among many."""
        results = self.last_result.values()
        return bool(self.last_result) and all(r == "failed" for r in results)


def first_poll_line(recorded: int, feeds: int = 0, failed: int = 0) -> str:
    """What a first run did: "first poll: 1,072 stories recorded without alerts; new stories
    will be alerted" (and how many new feeds it was, when known)."""
    where = f" from {_count(feeds, 'new feed')}" if feeds else ""
    line = f"first poll: {_count(recorded, 'story', 'stories')} recorded without alerts{where}; "
    line += "new stories will be alerted"
    if failed:
        line += f" ({_count(failed, 'new feed')} failed: retried, and recorded without alerts then)"
    return line


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


class FirstPoll:
    """Tells a first `newsbot run` what happens instead of a long silence: at start, which new
    feeds are polled first (their stories are recorded, not alerted), and one line once every
    one of them has had its first poll (`first_poll_line`)."""

    def __init__(self) -> None:
        self.waiting: set[str] = set()
        self.feeds = 0
        self.recorded = 0
        self.failed = 0
        self.done = False

    def expect(self, new_feeds: Iterable[str], within: float) -> str | None:
        """The start line for these never-polled feeds (None when there are none)."""
        self.waiting = set(new_feeds)
        self.feeds = len(self.waiting)
        self.done = not self.waiting
        if not self.waiting:
            return None
        return (
            f"first poll of {_count(self.feeds, 'new feed')} in the next {within:.0f} s: the "
            "stories they carry now are recorded without alerts; later ones are alerted"
        )

    def outcome(self, feed_id: str, result: str, seen: int) -> str | None:
        """Count one poll; the summary line when it was the last new feed's first poll."""
        if self.done or feed_id not in self.waiting:
            return None
        self.waiting.discard(feed_id)
        self.recorded += seen
        self.failed += result == "failed"
        if self.waiting:
            return None
        self.done = True
        return first_poll_line(self.recorded, self.feeds - self.failed, self.failed)


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


PlatformStates = Callable[[], Mapping[str, Mapping[str, Any]]]


def health_app(
    store: Store,
    metrics: Metrics,
    *,
    platforms: PlatformStates = dict,
    max_poll_gap: float = 3600.0,
) -> web.Application:
    """/healthz: 503 when the database fails, polling stalls or every feed's polls fail; 200
    otherwise ("degraded" while a chat platform is not connected, "ok" when all is well)."""

    async def healthz(request: web.Request) -> web.Response:
        try:
            figures = await store_figures(store)
        except Exception as exc:
            return web.json_response({"status": "error", "error": f"database: {exc}"}, status=503)
        now = time.time()
        polling = max(metrics.last_poll, metrics.started)
        states = {name: dict(state) for name, state in platforms().items()}
        if now - polling > max_poll_gap:
            status = "stalled"
        elif metrics.polls_failing():
            status = "failing"
        elif any(state.get("state") != "up" for state in states.values()):
            status = "degraded"
        else:
            status = "ok"
        body = {
            "status": status,
            "last_poll_seconds_ago": round(now - metrics.last_poll, 1)
            if metrics.last_poll
            else None,
            "feeds_polled": len(metrics.last_result),
            "feeds_failing": sum(r == "failed" for r in metrics.last_result.values()),
            "stories": figures["stories"],
            "outbox_depth": sum(
                v for k, v in figures["outbox"].items() if k in ("pending", "sending", "held")
            ),
            "platforms": states,
        }
        return web.json_response(body, status=503 if status in ("stalled", "failing") else 200)

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
    """Listen on host:port; a port that is taken is a ServeError naming it (one line)."""
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
    except OSError as exc:
        await runner.cleanup()
        why = exc.strerror or str(exc)
        raise ServeError(
            f"cannot serve /healthz on {host}:{port}: {why} (NEWSBOT_METRICS_PORT, "
            "NEWSBOT_METRICS_HOST)"
        ) from None
    log.info("health and metrics on http://%s:%d/healthz and /metrics", host, port)
    return runner


# ---------------------------------------------------------------- logging


class RedactTokens(logging.Filter):
    """Removes bot tokens from every log record (libraries log request URLs)."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s and len(s) >= 8]

    def redact(self, text: str) -> str:
        return redact(text, self.secrets)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = self.redact(message)
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.exc_info and record.exc_info[1] is not None:
            # what the record shows without --debug: "ValueError: …" on one line
            only = "".join(traceback.format_exception_only(record.exc_info[1]))
            record.exc_line = self.redact(" ".join(only.split()))
        if clean != message or record.args:
            record.msg, record.args = clean, None
        return True


def _exception_text(record: logging.LogRecord, debug: bool) -> str | None:
    """The traceback with --debug; otherwise its last line only ("ValueError: …")."""
    if not record.exc_text:
        return None
    if debug:
        return record.exc_text
    line = getattr(record, "exc_line", None)
    if isinstance(line, str):
        return line
    lines = [line for line in record.exc_text.strip().splitlines() if line.strip()]
    return lines[-1].strip() if lines else None


class JsonFormatter(logging.Formatter):
    """One JSON object per record; newlines inside it are escaped, so a record is one line."""

    def __init__(self, debug: bool = False) -> None:
        super().__init__()
        self.debug = debug

    def format(self, record: logging.LogRecord) -> str:
        data = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        exception = _exception_text(record, self.debug)
        if exception:
            data["exception"] = exception
        return json.dumps(data, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    """`time level logger: message`; without --debug an exception adds one line's worth."""

    def __init__(self, debug: bool = False) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")
        self.debug = debug

    def format(self, record: logging.LogRecord) -> str:
        record.message = record.getMessage()
        record.asctime = self.formatTime(record, self.datefmt)
        text = self.formatMessage(record)
        exception = _exception_text(record, self.debug)
        if exception and self.debug:
            return f"{text}\n{exception}"
        if exception:
            text = f"{text} ({exception})"
        return text.replace("\n", " ") if not self.debug else text


class LineWriter(logging.Handler):
    """The one handler: each record becomes one line, written with one write call.

    Records from every thread go through this handler's lock, and the line (text and newline
    together) goes to the file descriptor in a single `os.write`, so nothing else writing to
    the same file (the console sender's stdout, a worker process) can split a record.
    """

    def __init__(self, stream: TextIO | None = None) -> None:
        super().__init__()
        self.stream = stream if stream is not None else sys.stderr
        try:
            self._fd: int | None = self.stream.fileno()
        except (AttributeError, OSError, ValueError):
            self._fd = None  # a StringIO, or pytest's capture: write through the stream

    def emit(self, record: logging.LogRecord) -> None:
        try:
            line = self.format(record).replace("\r", " ") + "\n"
            if self._fd is None:
                self.stream.write(line)
                self.stream.flush()
                return
            self.stream.flush()  # whatever the stream holds goes first, whole
            _write_all(self._fd, line)
        except Exception:
            self.handleError(record)


class LineStream(io.TextIOBase):
    """stdout whose lines reach the file whole: each complete line goes out in one write.

    A plain text stream writes `print`'s text and its newline apart when another thread
    writes to the same file in between (measured: 3 of 3,000 lines fused with a log record),
    so the alerts the console sender prints and the log records could fuse into one line.
    """

    def __init__(self, fd: int) -> None:
        super().__init__()
        self._fd = fd
        self._pending: list[str] = []
        self._lock = threading.Lock()

    encoding = "utf-8"

    def writable(self) -> bool:
        return True

    def fileno(self) -> int:
        return self._fd

    def isatty(self) -> bool:
        return os.isatty(self._fd)

    def write(self, text: str) -> int:
        with self._lock:
            if "\n" not in text:
                self._pending.append(text)
                return len(text)
            head, _, tail = text.rpartition("\n")
            data = "".join(self._pending) + head + "\n"
            self._pending = [tail] if tail else []
            _write_all(self._fd, data)
        return len(text)

    def flush(self) -> None:
        with self._lock:
            data, self._pending = "".join(self._pending), []
            if data:
                _write_all(self._fd, data)


def _write_all(fd: int, text: str) -> None:
    data = text.encode("utf-8", "replace")
    while data:
        data = data[os.write(fd, data) :]


def configure_logging(
    *,
    level: int,
    json_format: bool,
    secrets: Iterable[str] = (),
    debug: bool = False,
    stream: TextIO | None = None,
) -> None:
    """Route every log record, warning and uncaught thread exception through one LineWriter."""
    handler = LineWriter(stream)
    handler.addFilter(RedactTokens(secrets))
    handler.setFormatter(JsonFormatter(debug) if json_format else TextFormatter(debug))
    root = logging.getLogger()
    for existing in list(root.handlers):
        root.removeHandler(existing)
    root.addHandler(handler)
    root.setLevel(level)
    logging.captureWarnings(True)

    def thread_exception(args: threading.ExceptHookArgs) -> None:
        if args.exc_type is SystemExit or args.exc_value is None:
            return
        name = args.thread.name if args.thread is not None else "?"
        logging.getLogger("bot").error(
            "thread %s: %s",
            name,
            args.exc_value,
            exc_info=(args.exc_type, args.exc_value, args.exc_traceback),
        )

    threading.excepthook = thread_exception
