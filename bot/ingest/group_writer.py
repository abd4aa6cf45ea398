"""Group commit of the poller's story writes: feeds that finish together share a transaction.

A poll stores each feed's new stories as soon as that feed is parsed. One transaction per
feed costs a fixed part per commit (begin, id lookup, shard check, commit) that a 30-story
feed pays in full: measured 3.4 ms per 30 stories written alone against 1.3 ms within
300-story transactions. While one write runs, the writes that arrive queue up and go
together in the next transaction, so a lone feed waits for nothing and a busy poll commits
in groups. A group that fails is retried one request at a time, so a bad request fails alone.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from bot.models import StoryDraft
from bot.store import Delivery, Store


@dataclass
class _Request:
    new: Sequence[StoryDraft]
    revisions: Sequence[StoryDraft]
    deliveries: Mapping[str, Sequence[Delivery]] | None
    linked: bool
    done: asyncio.Future[dict[str, int]] = field(repr=False)


class GroupWriter:
    """`write` has the meaning of `Store.write_stories_by_identity`; concurrent calls commit
    together. Callers must not pass the same identity in two concurrent calls (the poller's
    per-scope lock guarantees it)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._queue: list[_Request] = []
        self._flusher: asyncio.Task[None] | None = None
        self.transactions = 0  # for tests and metrics: how many commits the writes took

    async def write(
        self,
        new: Sequence[StoryDraft],
        revisions: Sequence[StoryDraft],
        deliveries: Mapping[str, Sequence[Delivery]] | None = None,
        *,
        linked: bool = True,
    ) -> dict[str, int]:
        done: asyncio.Future[dict[str, int]] = asyncio.get_running_loop().create_future()
        self._queue.append(_Request(new, revisions, deliveries, linked, done))
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.create_task(self._flush())
        # shield: a cancelled caller leaves its request in the group instead of failing it
        return await asyncio.shield(done)

    async def _flush(self) -> None:
        batch: list[_Request] = []
        try:
            while self._queue:
                batch, self._queue = self._queue, []
                for linked in (True, False):
                    group = [r for r in batch if r.linked is linked]
                    if group:
                        await self._write_group(group, linked)
        except BaseException as exc:  # cancelled at shutdown: no caller waits forever
            for request in [*batch, *self._queue]:
                _settle(request.done, RuntimeError(f"story write interrupted: {exc!r}"))
            raise

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
        )


def _settle(done: asyncio.Future[dict[str, int]], result: dict[str, int] | Exception) -> None:
    if done.done():
        return
    if isinstance(result, Exception):
        done.set_exception(result)
    else:
        done.set_result(result)
