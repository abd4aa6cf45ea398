"""Group commit of the poller's story writes: feeds that finish together share a transaction.

A poll stores each feed's new stories as soon as that feed is parsed. One transaction per
feed costs a fixed part per commit (begin, id lookup, shard check, commit) that a 30-story
feed pays in full: measured 3.4 ms per 30 stories written alone against 1.3 ms within
300-story transactions. While one write runs, the writes that arrive queue up and go
together in the next transaction, so a lone feed waits for nothing and a busy poll commits
in groups. A group that fails is retried one request at a time, so a bad request fails alone.
Requests may carry poll records (`PollRecord`): a feed's new validators commit with its stories.

While more writes are on their way (`more_coming`: the poller has feeds being parsed), the next
group lingers up to `linger` seconds or `max_stories` for them: a full poll otherwise commits
every one or two feeds, since the parse pool hands results over one at a time (measured on a
full poll of 1,000 feeds, alternating runs: 114 -> 127 feeds/s, main process 53 -> 42 % CPU;
benchmarks/README.md). A write with nothing else on its way goes at once.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from bot.models import StoryDraft
from bot.store import Delivery, PollRecord, Store


@dataclass
class _Request:
    new: Sequence[StoryDraft]
    revisions: Sequence[StoryDraft]
    deliveries: Mapping[str, Sequence[Delivery]] | None
    linked: bool
    polls: tuple[PollRecord, ...]
    done: asyncio.Future[dict[str, int]] = field(repr=False)


class GroupWriter:
    """`write` has the meaning of `Store.write_stories_by_identity`; concurrent calls commit
    together. Callers must not pass the same identity in two concurrent calls (the poller's
    per-scope lock guarantees it)."""

    def __init__(
        self,
        store: Store,
        *,
        linger: float = 0.0,
        max_stories: int = 1000,
        more_coming: Callable[[], bool] | None = None,
    ) -> None:
        self.store = store
        self.linger = linger
        self.max_stories = max_stories
        self.more_coming = more_coming or (lambda: False)
        self._queue: list[_Request] = []
        self._arrived = asyncio.Event()
        self._flusher: asyncio.Task[None] | None = None
        self.transactions = 0  # for tests and metrics: how many commits the writes took

    async def record(self, poll: PollRecord) -> None:
        """Record a successful poll that brought no stories (a 304, an unchanged body)."""
        await self.write([], [], None, poll=poll)

    async def drain(self) -> None:
        """Wait for the writes already handed over (a stop lets them commit, not vanish)."""
        while self._flusher is not None and not self._flusher.done():
            await asyncio.wait({self._flusher})

    @property
    def queued(self) -> int:
        """Requests waiting for the next transaction."""
        return len(self._queue)

    async def write(
        self,
        new: Sequence[StoryDraft],
        revisions: Sequence[StoryDraft],
        deliveries: Mapping[str, Sequence[Delivery]] | None = None,
        *,
        linked: bool = True,
        poll: PollRecord | None = None,
    ) -> dict[str, int]:
        """Store these stories (and the poll they came from) with the next group."""
        done: asyncio.Future[dict[str, int]] = asyncio.get_running_loop().create_future()
        polls = (poll,) if poll is not None else ()
        self._queue.append(_Request(new, revisions, deliveries, linked, polls, done))
        self._arrived.set()
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.create_task(self._flush())
        # shield: a cancelled caller leaves its request in the group instead of failing it
        return await asyncio.shield(done)

    async def _flush(self) -> None:
        batch: list[_Request] = []
        try:
            while self._queue:
                await self._gather_company()
                batch, self._queue = self._queue, []
                for linked in (True, False):
                    group = [r for r in batch if r.linked is linked]
                    if group:
                        await self._write_group(group, linked)
        except BaseException as exc:  # cancelled at shutdown: no caller waits forever
            for request in [*batch, *self._queue]:
                _settle(request.done, RuntimeError(f"story write interrupted: {exc!r}"))
            raise

    async def _gather_company(self) -> None:
        """Wait (up to `linger`) while more writes are coming and the group is small."""
        if self.linger <= 0:
            return
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.linger
        while self.more_coming() and self._queued_stories() < self.max_stories:
            remaining = deadline - loop.time()
            if remaining <= 0:
                return
            self._arrived.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._arrived.wait(), remaining)

    def _queued_stories(self) -> int:
        return sum(len(r.new) + len(r.revisions) for r in self._queue)

    async def _write_group(self, group: list[_Request], linked: bool) -> None:
        try:
            ids = await self._write(group, linked)
        except Exception as exc:
            if len(group) == 1:
                _settle(group[0].done, exc)
                return
            for request in group:  # find the request that failed; the others still commit
                await self._write_group([request], linked)
            return
        for request in group:
            mine = {d.identity: ids[d.identity] for d in request.new if d.identity in ids}
            _settle(request.done, mine)

    async def _write(self, group: list[_Request], linked: bool) -> dict[str, int]:
        deliveries: dict[str, Sequence[Delivery]] = {}
        for request in group:
            deliveries.update(request.deliveries or {})
        self.transactions += 1
        return await self.store.write_stories_by_identity(
            [d for r in group for d in r.new],
            [d for r in group for d in r.revisions],
            deliveries or None,
            linked=linked,
            polls=[p for r in group for p in r.polls],
        )


def _settle(done: asyncio.Future[dict[str, int]], result: dict[str, int] | Exception) -> None:
    if done.done():
        return
    if isinstance(result, Exception):
        done.set_exception(result)
        # A caller cancelled at a stop no longer waits for it: asyncio would log it as
        # "never retrieved"; one still waiting gets it all the same.
        done.exception()
    else:
        done.set_result(result)
