"""The dispatcher: drains the outbox of one platform, in order per chat, within rate limits.

One dispatcher per platform, each with its own limiter and its own tasks, so an outage of one
platform never delays another. A row is marked `sending` (committed) before the platform call
and `sent` with the message id after it; a crash in between repeats at most that one send.
A message is the unit of delivery: every message of an alert (or digest) takes the limiter on
its own, and a row of several messages records each delivered part, so a retry sends only
what is missing. Every retry path, 429 included, is bounded by attempts and by time; then the
row is `dead` with its reason.
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
GIVE_UP_AFTER = 24 * 3600.0  # no retry path (429 included) goes on longer than this
DIGEST_PERIOD = {"hourly": 3600.0, "daily": 86400.0}
VIEW_TTL = 30.0  # seconds a built view is reused (links added later show in later sends)


class Sink(Protocol):
    """A platform's sender. Rendering and sending are apart, so the dispatcher can record and
    pace every message of an alert on its own; a part is a string the sink made (it may be
    stored and sent again after a restart). Sending raises the DeliveryErrors of bot.errors."""

    platform: str

    def render(self, view: AlertView) -> list[str]:
        """The messages of one alert, in order (most alerts are one)."""
        ...

    def render_digest(self, views: Sequence[AlertView]) -> list[tuple[str, int]]:
        """The messages of a digest, each with how many of `views` (in order) it lists."""
        ...

    async def send_part(self, sub: Subscription, part: str, reply_to: str | None) -> str:
        """Send one message; returns the platform message id."""
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
        max_attempts: int = MAX_ATTEMPTS,
        give_up_after: float = GIVE_UP_AFTER,
    ) -> None:
        self.store = store
        self.max_attempts = max_attempts
        self.give_up_after = give_up_after
        self.metrics = metrics
        self.sink = sink
        self.limiter = limiter
        self.platform = sink.platform
        self.concurrency = concurrency
        self.batch = batch
        self._wake = asyncio.Event()
        self._in_flight: set[int] = set()  # subscription ids with a send under way
        self._slots = asyncio.Semaphore(concurrency)
        self.sent = 0  # outbox rows delivered
        self.messages = 0  # platform messages sent (an alert may need several)
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
            # (at-least-once, and only their parts not yet delivered).
            if not await self.states.sending(item.id):
                return  # no longer pending (the subscription was deactivated meanwhile)
            message_id = await self._deliver(item, view)
            await self.states.sent(item.id, message_id)
            self.sent += 1
            if self.metrics is not None:
                self.metrics.delivered(self.platform, max(0.0, time.time() - item.created_at))
        except RetryLater as exc:
            self.limiter.hold_chat(sub.chat, exc.retry_after)
            await self._retry(item, exc.retry_after, str(exc))
        except ChatMoved as exc:
            await self.store.move_chat(self.platform, sub.chat, exc.new_chat)
            await self._retry(item, 0.0, str(exc))
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

    async def _deliver(self, item: OutboxItem, view: AlertView) -> str | None:
        """Send the parts of one alert not yet delivered, each through the limiter on its own.

        A row of several parts keeps them in the store with each part's message id, committed
        before the next part is tried: a retry (429, a failure of part k, a restart) sends only
        what is missing, the same messages as the first time. Returns the first part's id."""
        sub = item.subscription
        stored = await self.store.outbox_parts(item.id) if item.attempts else []
        if stored:
            bodies = [body for body, _ in stored]
            done = [message_id for _, message_id in stored]
        else:
            bodies = self.sink.render(view)
            done = [None] * len(bodies)
            if len(bodies) > 1:
                await self.store.save_parts(item.id, bodies)
        first = done[0] if done else None
        for seq, body in enumerate(bodies):
            if done[seq] is not None:
                continue
            message_id = await self._send_one(sub, body, item.reply_to if seq == 0 else None)
            if len(bodies) > 1:
                await self.store.part_sent(item.id, seq, message_id)
            first = first or message_id
        return first

    async def _send_one(self, sub: Subscription, body: str, reply_to: str | None) -> str:
        """One platform message, through the limiter (every message, never once per row)."""
        await self.limiter.acquire(sub.chat)
        try:
            message_id = await self.sink.send_part(sub, body, reply_to)
        finally:
            self.limiter.answered(sub.chat)
        self.messages += 1
        return message_id

    def _failed(self) -> None:
        self.failed += 1
        if self.metrics is not None:
            self.metrics.failed(self.platform)

    def _give_up(self, attempts: int, at: float, since: float) -> str | None:
        """Why a retry at `at` would pass a bound (attempts, or time since `since`), else None."""
        if attempts >= self.max_attempts:
            return f"gave up after {attempts} tries"
        if at - since > self.give_up_after:
            return f"gave up after {max(0.0, time.time() - since):.0f} s"
        return None

    async def _retry(self, item: OutboxItem, wait: float, error: str) -> None:
        """Try the row again after `wait` seconds, unless that passes a bound: then it is dead,
        with its reason (shown by `newsbot status`)."""
        at = time.time() + wait
        reason = self._give_up(item.attempts + 1, at, item.created_at)
        if reason is not None:
            self._failed()
            log.warning("%s chat %s: %s: %s", self.platform, item.subscription.chat, reason, error)
            await self.store.mark_dead([item.id], f"{reason}: {error}")
            return
        await self.store.mark_retry([item.id], at, error)

    async def _back_off(self, item: OutboxItem, error: str) -> None:
        wait = min(MAX_BACKOFF, 2.0 ** min(item.attempts + 1, 20))
        await self._retry(item, wait, error)

    async def _digests(self) -> None:
        """Send the digests whose time has come; a chat that must wait is tried next round,
        so one slow or failing digest never holds up the others (or the instant alerts).

        Each message of a digest settles the rows it lists as soon as it is delivered; a retry
        lists only the rest."""
        for sub, items in await self.store.due_digests(self.platform):
            if not self.limiter.ready(sub.chat):
                continue
            listed: list[OutboxItem] = []
            views: list[AlertView] = []
            for item in items:
                story = await self.store.story(item.story_id)
                if story is None:
                    await self.store.mark_dead([item.id], "story no longer stored")
                    continue
                listed.append(item)
                views.append(await build_view(self.store, story))
            if not listed:
                continue
            done = 0
            try:
                for body, count in self.sink.render_digest(views):
                    message_id = await self._send_one(sub, body, None)
                    await self.store.mark_sent(
                        [i.id for i in listed[done : done + count]], message_id
                    )
                    done += count
                    self.sent += count
            except RetryLater as exc:
                self.limiter.hold_chat(sub.chat, exc.retry_after)
                await self._retry_digest(sub, listed[done:], exc.retry_after, str(exc))
            except ChatMoved as exc:
                await self.store.move_chat(self.platform, sub.chat, exc.new_chat)
            except PermanentSendError as exc:
                self._failed()
                await self.store.deactivate_subscription(sub.id, str(exc))
            except UndeliverableMessage as exc:
                self._failed()
                await self.store.mark_dead([i.id for i in listed[done:]], str(exc))
            except Exception as exc:  # transient, or a bug: retry the digest in a minute
                log.warning("%s digest for %s: %s", self.platform, sub.chat, exc)
                await self._retry_digest(sub, listed[done:], 60.0, str(exc) or "error")

    async def _retry_digest(
        self, sub: Subscription, items: Sequence[OutboxItem], wait: float, error: str
    ) -> None:
        """The rest of a digest, again after `wait`, within the same bounds as alerts (time
        counted from when the digest was due)."""
        if not items:
            return
        ids = [i.id for i in items]
        at = time.time() + wait
        due = min(i.created_at for i in items) + DIGEST_PERIOD.get(sub.mode, 0.0)
        reason = self._give_up(max(i.attempts for i in items) + 1, at, due)
        if reason is not None:
            self._failed()
            await self.store.mark_dead(ids, f"{reason}: {error}")
            return
        await self.store.mark_retry(ids, at, error, "held", count_attempt=True)
