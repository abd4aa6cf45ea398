"""The dispatcher: drains the outbox of one platform, in order per chat, within rate limits.

One dispatcher per platform, each with its own limiter and its own tasks, so an outage of one
platform never delays another. A row is marked `sending` (committed) before the platform call
and `sent` with the message id after it; a crash in between repeats at most that one send.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Sequence
from typing import Protocol

from bot.alerts.ratelimit import Limiter
from bot.alerts.view import AlertView, build_view
from bot.errors import (
    ChatMoved,
    PermanentSendError,
    RetryLater,
    TransientSendError,
    UndeliverableMessage,
)
from bot.models import OutboxItem, Subscription
from bot.store import Store

log = logging.getLogger(__name__)

MAX_BACKOFF = 30 * 60.0
MAX_ATTEMPTS = 60  # about a day of retries at the longest backoff


class Sink(Protocol):
    """A platform's sender. Raises the DeliveryError subclasses of bot.errors."""

    platform: str

    async def send(self, sub: Subscription, view: AlertView, reply_to: str | None) -> str:
        """Send one alert; returns the platform message id."""
        ...

    async def send_digest(self, sub: Subscription, views: Sequence[AlertView]) -> str:
        """Send one message listing several stories; returns the platform message id."""
        ...


class Dispatcher:
    def __init__(
        self, store: Store, sink: Sink, limiter: Limiter, *, concurrency: int = 32, batch: int = 500
    ) -> None:
        self.store = store
        self.sink = sink
        self.limiter = limiter
        self.platform = sink.platform
        self.concurrency = concurrency
        self.batch = batch
        self._wake = asyncio.Event()
        self._in_flight: set[int] = set()  # subscription ids with a send under way
        self._slots = asyncio.Semaphore(concurrency)
        self.sent = 0
        self.failed = 0
        self.latencies: list[float] = []  # seconds from outbox row creation to send

    def wake(self) -> None:
        """New rows were queued: look now instead of at the next tick."""
        self._wake.set()

    async def run(self, stop: asyncio.Event, *, tick: float = 0.5) -> None:
        """Send until `stop` is set; sends under way finish before this returns."""
        tasks: set[asyncio.Task[None]] = set()
        last_digest = 0.0
        try:
            while not stop.is_set():
                started = await self._start_due(tasks)
                if time.monotonic() - last_digest > 5:
                    await self._digests()
                    last_digest = time.monotonic()
                    self.limiter.forget_idle()
                if started == 0 or self._slots.locked():
                    self._wake.clear()
                    waiter = asyncio.ensure_future(self._wake.wait())
                    stopper = asyncio.ensure_future(stop.wait())
                    await asyncio.wait(
                        {waiter, stopper}, timeout=tick, return_when=asyncio.FIRST_COMPLETED
                    )
                    waiter.cancel()
                    stopper.cancel()
        finally:
            if tasks:
                await asyncio.gather(*tasks, return_exceptions=True)

    async def drain(self, *, within: float = 30.0) -> None:
        """Send everything due now and wait for it (tests, the demo, `poll --once` users)."""
        deadline = time.monotonic() + within
        tasks: set[asyncio.Task[None]] = set()
        while time.monotonic() < deadline:
            started = await self._start_due(tasks)
            if tasks:
                await asyncio.wait(tasks, timeout=max(0.0, deadline - time.monotonic()))
            elif started == 0:
                break
        await self._digests()

    async def _start_due(self, tasks: set[asyncio.Task[None]]) -> int:
        items = await self.store.due_items(self.platform, limit=self.batch)
        started = 0
        for item in items:
            if item.subscription.id in self._in_flight:
                continue
            if self._slots.locked():
                break
            await self._slots.acquire()
            self._in_flight.add(item.subscription.id)
            task = asyncio.create_task(self._send(item))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
            started += 1
        return started

    async def _send(self, item: OutboxItem) -> None:
        sub = item.subscription
        try:
            story = await self.store.story(item.story_id)
            if story is None:
                await self.store.mark_dead([item.id], "story no longer stored")
                return
            kind = "followup" if item.kind == "followup" else "alert"
            view = await build_view(
                self.store, story, kind=kind, about_story_id=item.about_story_id
            )
            await self.limiter.acquire(sub.chat)
            # Committed right before the call: after a crash only rows whose request may have
            # reached the platform are in 'sending' (and are sent again: at-least-once).
            await self.store.mark_sending([item.id])
            message_id = await self.sink.send(sub, view, item.reply_to)
            await self.store.mark_sent([item.id], message_id)
            self.sent += 1
            self.latencies.append(max(0.0, time.time() - story.fetched.timestamp()))
        except RetryLater as exc:
            self.limiter.hold_chat(sub.chat, exc.retry_after)
            await self.store.mark_retry([item.id], time.time() + exc.retry_after, str(exc))
        except ChatMoved as exc:
            await self.store.move_chat(self.platform, sub.chat, exc.new_chat)
            await self.store.mark_retry([item.id], time.time(), str(exc))
        except UndeliverableMessage as exc:
            self.failed += 1
            log.warning("%s chat %s refused one message: %s", self.platform, sub.chat, exc)
            await self.store.mark_dead([item.id], str(exc))
        except PermanentSendError as exc:
            self.failed += 1
            log.warning("%s chat %s: %s; subscription deactivated", self.platform, sub.chat, exc)
            await self.store.deactivate_subscription(sub.id, str(exc))
        except (TransientSendError, OSError, TimeoutError) as exc:
            await self._back_off(item, str(exc) or type(exc).__name__)
        except Exception as exc:
            log.exception("%s: unexpected error sending outbox row %s", self.platform, item.id)
            await self._back_off(item, f"{type(exc).__name__}: {exc}")
        finally:
            self._in_flight.discard(sub.id)
            self._slots.release()
            self._wake.set()

    async def _back_off(self, item: OutboxItem, error: str) -> None:
        if item.attempts + 1 >= MAX_ATTEMPTS:
            self.failed += 1
            await self.store.mark_dead([item.id], f"gave up after {MAX_ATTEMPTS} tries: {error}")
            return
        wait = min(MAX_BACKOFF, 2.0 ** min(item.attempts + 1, 20))
        await self.store.mark_retry([item.id], time.time() + wait, error)

    async def _digests(self) -> None:
        for sub, items in await self.store.due_digests(self.platform):
            ids = [i.id for i in items]
            views = []
            for item in items:
                story = await self.store.story(item.story_id)
                if story is not None:
                    views.append(await build_view(self.store, story))
            try:
                await self.limiter.acquire(sub.chat)
                message_id = await self.sink.send_digest(sub, views)
                await self.store.mark_sent(ids, message_id)
                self.sent += 1
            except RetryLater as exc:
                await self.store.mark_retry(ids, time.time() + exc.retry_after, str(exc), "held")
            except PermanentSendError as exc:
                await self.store.deactivate_subscription(sub.id, str(exc))
            except (TransientSendError, OSError, TimeoutError) as exc:
                await self.store.mark_retry(ids, time.time() + 60, str(exc), "held")
