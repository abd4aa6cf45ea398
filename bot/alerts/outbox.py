"""The dispatcher: drains the outbox of one platform, in order per chat, within rate limits.

One dispatcher per platform, each with its own limiter and its own tasks, so an outage of one
platform never delays another. A row is marked `sending` (committed) before the platform call
and `sent` with the message id after it; a crash in between repeats at most that one send.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
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
from bot.observe import Metrics
from bot.store import Store

log = logging.getLogger(__name__)

MAX_BACKOFF = 30 * 60.0
MAX_ATTEMPTS = 60  # about a day of retries at the longest backoff
VIEW_TTL = 30.0  # seconds a built view is reused (links added later show in later sends)


class Sink(Protocol):
    """A platform's sender. Raises the DeliveryError subclasses of bot.errors."""

    platform: str

    async def send(self, sub: Subscription, view: AlertView, reply_to: str | None) -> str:
        """Send one alert; returns the platform message id."""
        ...

    async def send_digest(self, sub: Subscription, views: Sequence[AlertView]) -> str:
        """Send one message listing several stories; returns the platform message id."""
        ...


class StateWriter:
    """Group commit of outbox state changes: the sends of one moment share a transaction.

    Each caller still waits for its own change to be committed before it goes on (a row is
    'sending' in the database before its request leaves), so durability is unchanged; only the
    number of transactions drops from two per message to a few per batch."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._sending: dict[int, asyncio.Future[bool]] = {}
        self._sent: list[tuple[int, str | None, asyncio.Future[bool]]] = []
        self._flusher: asyncio.Task[None] | None = None

    async def sending(self, row_id: int) -> bool:
        future: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._sending[row_id] = future
        self._kick()
        return await future

    async def sent(self, row_id: int, message_id: str | None) -> None:
        future: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._sent.append((row_id, message_id, future))
        self._kick()
        await future

    def _kick(self) -> None:
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.create_task(self._flush())

    async def _flush(self) -> None:
        while self._sending or self._sent:
            await asyncio.sleep(0)  # let the other sends of this moment join the batch
            sending, self._sending = self._sending, {}
            sent, self._sent = self._sent, []
            try:
                marked = await self.store.record_states(list(sending), [(i, m) for i, m, _ in sent])
            except BaseException as exc:  # every waiter learns of the failure
                for future in [*sending.values(), *(f for _, _, f in sent)]:
                    if not future.done():
                        future.set_exception(exc)
                if not isinstance(exc, Exception):
                    raise
                continue
            for row_id, future in sending.items():
                if not future.done():
                    future.set_result(row_id in marked)
            for _, _, future in sent:
                if not future.done():
                    future.set_result(True)


class Dispatcher:
    def __init__(
        self,
        store: Store,
        sink: Sink,
        limiter: Limiter,
        *,
        concurrency: int = 32,
        batch: int = 500,
        metrics: Metrics | None = None,
    ) -> None:
        self.store = store
        self.metrics = metrics
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
        self.states = StateWriter(store)
        self._queue: deque[OutboxItem] = deque()
        self._queued: set[int] = set()
        self._views: dict[tuple[int, str, int | None], tuple[float, AlertView]] = {}

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
        except asyncio.CancelledError:
            for task in tasks:  # shutdown ran out of patience: rows stay 'sending', resent later
                task.cancel()
            raise
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
        """Start sends from the local queue, refilling it from the store when it runs low.

        The queue keeps the store from being asked for the same 500 rows after every send."""
        if len(self._queue) < self.concurrency:
            for item in await self.store.due_items(self.platform, limit=self.batch):
                if item.id not in self._queued and item.subscription.id not in self._in_flight:
                    self._queue.append(item)
                    self._queued.add(item.id)
        started = 0
        waiting: list[OutboxItem] = []
        while self._queue and not self._slots.locked():
            item = self._queue.popleft()
            if item.subscription.id in self._in_flight:
                waiting.append(item)  # that chat has a send under way: keep its order
                continue
            await self._slots.acquire()
            self._in_flight.add(item.subscription.id)
            task = asyncio.create_task(self._send(item))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
            started += 1
        self._queue.extendleft(reversed(waiting))
        return started

    async def _view(self, item: OutboxItem) -> AlertView | None:
        """The story's view, built once per fan-out (10,000 chats, one story: one build)."""
        key = (item.story_id, item.kind, item.about_story_id)
        cached = self._views.get(key)
        if cached is not None and cached[0] > time.monotonic():
            return cached[1]
        story = await self.store.story(item.story_id)
        if story is None:
            return None
        kind = "followup" if item.kind == "followup" else "alert"
        view = await build_view(self.store, story, kind=kind, about_story_id=item.about_story_id)
        if len(self._views) > 256:
            self._views.clear()
        self._views[key] = (time.monotonic() + VIEW_TTL, view)
        return view

    async def _send(self, item: OutboxItem) -> None:
        sub = item.subscription
        try:
            view = await self._view(item)
            if view is None:
                await self.store.mark_dead([item.id], "story no longer stored")
                return
            # Committed before the call; after a crash 'sending' rows are sent again
            # (at-least-once). Marked before the limiter wait, so nothing but the request
            # itself stands between a paced slot and the platform (no jitter past the limit).
            if not await self.states.sending(item.id):
                return  # no longer pending (the subscription was deactivated meanwhile)
            await self.limiter.acquire(sub.chat)
            message_id = await self.sink.send(sub, view, item.reply_to)
            await self.states.sent(item.id, message_id)
            self.sent += 1
            if self.metrics is not None:
                self.metrics.delivered(self.platform, max(0.0, time.time() - item.created_at))
        except RetryLater as exc:
            self.limiter.hold_chat(sub.chat, exc.retry_after)
            await self.store.mark_retry([item.id], time.time() + exc.retry_after, str(exc))
        except ChatMoved as exc:
            await self.store.move_chat(self.platform, sub.chat, exc.new_chat)
            await self.store.mark_retry([item.id], time.time(), str(exc))
        except UndeliverableMessage as exc:
            self._failed()
            log.warning("%s chat %s refused one message: %s", self.platform, sub.chat, exc)
            await self.store.mark_dead([item.id], str(exc))
        except PermanentSendError as exc:
            self._failed()
            log.warning("%s chat %s: %s; subscription deactivated", self.platform, sub.chat, exc)
            await self.store.deactivate_subscription(sub.id, str(exc))
        except (TransientSendError, OSError, TimeoutError) as exc:
            await self._back_off(item, str(exc) or type(exc).__name__)
        except Exception as exc:
            log.exception("%s: unexpected error sending outbox row %s", self.platform, item.id)
            await self._back_off(item, f"{type(exc).__name__}: {exc}")
        finally:
            self._in_flight.discard(sub.id)
            self._queued.discard(item.id)
            self._slots.release()
            self._wake.set()

    def _failed(self) -> None:
        self.failed += 1
        if self.metrics is not None:
            self.metrics.failed(self.platform)

    async def _back_off(self, item: OutboxItem, error: str) -> None:
        if item.attempts + 1 >= MAX_ATTEMPTS:
            self._failed()
            await self.store.mark_dead([item.id], f"gave up after {MAX_ATTEMPTS} tries: {error}")
            return
        wait = min(MAX_BACKOFF, 2.0 ** min(item.attempts + 1, 20))
        await self.store.mark_retry([item.id], time.time() + wait, error)

    async def _digests(self) -> None:
        """Send the digests whose time has come; a chat that must wait is tried next round,
        so one slow or failing digest never holds up the others (or the instant alerts)."""
        for sub, items in await self.store.due_digests(self.platform):
            if not self.limiter.ready(sub.chat):
                continue
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
                self.limiter.hold_chat(sub.chat, exc.retry_after)
                await self.store.mark_retry(ids, time.time() + exc.retry_after, str(exc), "held")
            except ChatMoved as exc:
                await self.store.move_chat(self.platform, sub.chat, exc.new_chat)
            except PermanentSendError as exc:
                self._failed()
                await self.store.deactivate_subscription(sub.id, str(exc))
            except UndeliverableMessage as exc:
                self._failed()
                await self.store.mark_dead(ids, str(exc))
            except Exception as exc:  # transient, or a bug: retry the digest in a minute
                log.warning("%s digest for %s: %s", self.platform, sub.chat, exc)
                await self.store.mark_retry(ids, time.time() + 60, str(exc) or "error", "held")
