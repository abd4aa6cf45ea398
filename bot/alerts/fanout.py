"""Fan-out: which subscriptions get a new story, and when (now, or in the next digest).

Pure functions over a story draft and the subscriptions; the poller asks for a plan before it
writes the story, and the store commits the story and its outbox rows together.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from bot.models import FeedState, StoryDraft, Subscription, entity_key
from bot.store import Delivery, Store


def _words(text: str) -> str:
    return f" {entity_key(text)} "


def matches(sub: Subscription, draft: StoryDraft, feed: FeedState, now: float) -> bool:
    """Does this subscription want this story? Filters of different kinds are alternatives
    (a chat following the WSJ feed and the keyword "Rostec" gets both); no filter = all."""
    if not sub.active or (sub.muted_until is not None and sub.muted_until > now):
        return False
    ctx = draft.context
    if sub.denials_only and not (ctx is not None and ctx.denial.is_denial):
        return False
    filters = sub.filters
    if not any(filters.values()):
        return True
    if draft.feed_id in filters.get("feeds", ()):
        return True
    outlets = {entity_key(o) for o in filters.get("outlets", ())}
    if outlets:
        names = {entity_key(draft.outlet_id or "")}
        if ctx is not None and ctx.outlet is not None:
            card = ctx.outlet
            names |= {entity_key(n) for n in (card.id, card.name, *card.aliases)}
        if names & outlets:
            return True
    if set(feed.tags) & set(filters.get("tags", ())):
        return True
    keywords = filters.get("keywords", ())
    if keywords:
        haystack = _words(f"{draft.entry.title} {draft.entry.summary}")
        if any(f" {entity_key(k)} " in haystack for k in keywords if entity_key(k)):
            return True
    entities = filters.get("entities", ())
    if entities and ctx is not None:
        keys = {entity_key(e.name) for e in ctx.entities}
        if keys & {entity_key(e) for e in entities}:
            return True
    return False


def next_digest_at(mode: str, now: float) -> float:
    """Top of the next hour, or the next midnight UTC."""
    moment = datetime.fromtimestamp(now, UTC)
    if mode == "hourly":
        boundary = moment.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    else:
        boundary = moment.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
    return boundary.timestamp()


def plan(
    subs: Sequence[Subscription], drafts: Sequence[StoryDraft], feed: FeedState, now: float
) -> dict[str, list[Delivery]]:
    """Outbox rows for every alert-worthy draft × matching subscription."""
    result: dict[str, list[Delivery]] = {}
    for draft in drafts:
        if not draft.alert_worthy:
            continue
        rows: list[Delivery] = []
        for sub in subs:
            if matches(sub, draft, feed, now):
                if sub.mode == "instant":
                    rows.append((sub.id, "pending", now))
                else:
                    rows.append((sub.id, "held", next_digest_at(sub.mode, now)))
        if rows:
            result[draft.identity] = rows
    return result


class FanOut:
    """Plans deliveries with a short-lived cache of the active subscriptions."""

    def __init__(self, store: Store, ttl: float = 2.0) -> None:
        self.store = store
        self.ttl = ttl
        self._subs: list[Subscription] = []
        self._loaded = 0.0

    def invalidate(self) -> None:
        self._loaded = 0.0

    async def __call__(
        self, feed: FeedState, drafts: Sequence[StoryDraft]
    ) -> dict[str, list[Delivery]]:
        if not any(d.alert_worthy for d in drafts):
            return {}
        now = time.time()
        if now - self._loaded > self.ttl:
            self._subs = await self.store.subscriptions()
            self._loaded = now
        return plan(self._subs, drafts, feed, now)
