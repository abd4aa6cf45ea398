"""Outlets and feeds in the store: the registry, HTTP cache state and feed health."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.models import FeedConfig, FeedState, OutletCard
from bot.store.base import Conn, Row, StoreBase, now


@dataclass(frozen=True)
class PollRecord:
    """A successful poll of one feed (200 or 304): what the feed row keeps of it."""

    feed_id: str
    next_poll_at: float
    parsed: bool  # the body was parsed (its items are now known: the baseline is done)
    etag: str | None = None
    last_modified: str | None = None
    body_hash: str | None = None
    title: str | None = None
    at: float = field(default_factory=now)


# A due feed is leased to the worker polling it for this long at most (PostgreSQL; a poll
# records its result well within it: fetches time out after 30 s), and a worker claims at most
# its share of the due feeds (at most CLAIM_LIMIT) a tick, so workers share a poll.
LEASE_S = 120.0
CLAIM_LIMIT = 2000
LIVE_S = 15.0  # a worker heard from within this is sharing the feeds

# Clears failures and keeps the cache validators; a NULL validator keeps the stored one.
_POLL_OK_SQL = (
    "UPDATE feeds SET status='ok', failures=0, first_failure_at=NULL, "
    "lease_owner=NULL, lease_until=NULL, last_polled_at=?, last_ok_at=?, next_poll_at=?, "
    "etag=coalesce(?, etag), last_modified=coalesce(?, last_modified), "
    "body_hash=coalesce(?, body_hash), title=coalesce(?, title), "
    "baseline_done = CASE WHEN ? = 1 THEN 1 ELSE baseline_done END WHERE id=?"
)


def _poll_ok_row(r: PollRecord) -> tuple[Any, ...]:
    return (
        r.at,
        r.at,
        r.next_poll_at,
        r.etag,
        r.last_modified,
        r.body_hash,
        r.title,
        int(r.parsed),
        r.feed_id,
    )


async def record_polls(db: Conn, records: Sequence[PollRecord]) -> None:
    """Record successful polls inside the caller's transaction (the story writes' group)."""
    if records:
        await db.executemany(_POLL_OK_SQL, [_poll_ok_row(r) for r in records])


_FEED_COLUMNS = (
    "f.id, f.url, f.outlet_id, f.interval, f.tags, f.language, f.enabled, f.origin, f.status, "
    "f.title, f.etag, f.last_modified, f.body_hash, f.failures, f.first_failure_at, f.last_error, "
    "f.last_error_at, f.last_polled_at, f.last_ok_at, f.baseline_done, f.next_poll_at, f.added_by"
)


def _feed(row: Row, stories: int = 0) -> FeedState:
    return FeedState(
        id=row["id"],
        url=row["url"],
        outlet_id=row["outlet_id"],
        interval=row["interval"],
        tags=tuple(json.loads(row["tags"])),
        language=row["language"],
        enabled=bool(row["enabled"]),
        origin=row["origin"],
        status=row["status"],
        title=row["title"],
        etag=row["etag"],
        last_modified=row["last_modified"],
        body_hash=row["body_hash"],
        failures=row["failures"],
        first_failure_at=row["first_failure_at"],
        last_error=row["last_error"],
        last_error_at=row["last_error_at"],
        last_polled_at=row["last_polled_at"],
        last_ok_at=row["last_ok_at"],
        baseline_done=bool(row["baseline_done"]),
        next_poll_at=row["next_poll_at"],
        added_by=row["added_by"],
        stories=stories,
    )


class FeedsRepo(StoreBase):
    """Outlets and feeds: config sync, scheduling state, health."""

    async def upsert_outlets(self, cards: Iterable[OutletCard], origin: str = "config") -> None:
        rows = [
            (c.id, c.name, json.dumps(c.to_dict(), sort_keys=True), origin, now()) for c in cards
        ]
        async with self._transaction() as db:
            await db.executemany(
                "INSERT INTO outlets(id, name, card, origin, updated_at) VALUES (?,?,?,?,?) "
                "ON CONFLICT(id) DO UPDATE SET name=excluded.name, card=excluded.card, "
                "updated_at=excluded.updated_at",
                rows,
            )

    async def outlets(self) -> list[OutletCard]:
        rows = await self._fetchall("SELECT card FROM outlets ORDER BY name")
        return [OutletCard.from_dict(json.loads(r["card"])) for r in rows]

    async def sync_feeds(
        self, feeds: Iterable[FeedConfig], origin: str = "config", added_by: str | None = None
    ) -> int:
        """Add or update declared feeds, keeping their health and cache state.

        A feed the file no longer declares is left alone (a moderator may have added it, and
        its stories keep their feed id); returns how many feeds were new.
        """
        created = 0
        async with self._transaction() as db:
            for feed in feeds:
                existing = await db.fetchone(
                    "SELECT id, url FROM feeds WHERE id = ? OR url = ?", (feed.id, feed.url)
                )
                if existing is None:
                    created += 1
                    await db.execute(
                        "INSERT INTO feeds(id, url, outlet_id, interval, tags, language, "
                        "enabled, origin, added_by, created_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
                        (
                            feed.id,
                            feed.url,
                            feed.outlet,
                            feed.interval,
                            json.dumps(feed.tags),
                            feed.language,
                            int(feed.enabled),
                            origin,
                            added_by,
                            now(),
                        ),
                    )
                else:
                    if existing["url"] != feed.url:
                        # Another URL is another feed: its first poll records without alerting,
                        # and the old one's validators and body hash mean nothing for it.
                        await db.execute(
                            "UPDATE feeds SET baseline_done=0, etag=NULL, last_modified=NULL, "
                            "body_hash=NULL, next_poll_at=NULL WHERE id=?",
                            (existing["id"],),
                        )
                    # Config owns the declared fields; health and cache state stay.
                    await db.execute(
                        "UPDATE feeds SET url=?, outlet_id=?, interval=?, tags=?, language=?, "
                        "enabled=? WHERE id=?",
                        (
                            feed.url,
                            feed.outlet,
                            feed.interval,
                            json.dumps(feed.tags),
                            feed.language,
                            int(feed.enabled),
                            existing["id"],
                        ),
                    )
        return created

    async def feeds(self, *, with_counts: bool = False) -> list[FeedState]:
        if with_counts:
            rows = await self._fetchall(
                f"SELECT {_FEED_COLUMNS}, coalesce(c.stories, 0) AS n FROM feeds f "
                "LEFT JOIN feed_story_counts c ON c.feed_id = f.id ORDER BY f.id"
            )
            return [_feed(r, r["n"]) for r in rows]
        rows = await self._fetchall(f"SELECT {_FEED_COLUMNS} FROM feeds f ORDER BY f.id")
        return [_feed(r) for r in rows]

    async def feed(self, feed_id: str) -> FeedState | None:
        row = await self._fetchone(
            f"SELECT {_FEED_COLUMNS} FROM feeds f WHERE f.id = ?", (feed_id,)
        )
        return _feed(row) if row else None

    async def pollable_feeds(self) -> list[FeedState]:
        """Feeds that are enabled and not disabled for failing too long."""
        rows = await self._fetchall(
            f"SELECT {_FEED_COLUMNS} FROM feeds f WHERE f.enabled = 1 AND f.status != 'disabled'"
            " ORDER BY f.id"
        )
        return [_feed(r) for r in rows]

    async def feed_health_counts(self) -> dict[str, int]:
        """Feeds by health; a feed a moderator paused counts as "paused"."""
        rows = await self._fetchall(
            "SELECT CASE WHEN enabled = 0 THEN 'paused' ELSE status END AS s, count(*) AS n "
            "FROM feeds GROUP BY s"
        )
        return {r["s"]: int(r["n"]) for r in rows}

    async def last_poll_time(self) -> float | None:
        row = await self._fetchone("SELECT max(last_polled_at) FROM feeds")
        return float(row[0]) if row and row[0] is not None else None

    async def due_feeds(self, now: float, limit: int | None = None) -> list[FeedState]:
        """Pollable feeds whose next poll has come (or was never scheduled), the longest due
        first; at most `limit` of them on SQLite (the poller asks for what it has room for).

        On PostgreSQL, where several workers share the feeds, each due feed is also leased
        to this worker (`FOR UPDATE SKIP LOCKED`: two workers asking at once get different
        feeds) until its poll is recorded or LEASE_S pass, so no feed is fetched twice in
        an interval and a dead worker's feeds are taken over when their leases run out."""
        if self.dialect == "postgresql":
            # This worker's share of what is due now: the due feeds over the live workers
            # (heartbeat within LIVE_S), so workers asking at the same moment split them
            # instead of the first one taking everything.
            counts = await self._fetchone(
                "SELECT (SELECT count(*) FROM feeds WHERE enabled = 1 AND status != 'disabled' "
                "AND (next_poll_at IS NULL OR next_poll_at <= ?) "
                "AND (lease_until IS NULL OR lease_until < ?)), "
                "(SELECT count(*) FROM workers WHERE heartbeat_at >= ?)",
                (now, now, now - LIVE_S),
            )
            due, live = (int(counts[0]), int(counts[1])) if counts else (0, 0)
            share = min(CLAIM_LIMIT, max(1, -(-due // max(1, live))))
            rows = await self._fetchall(
                f"UPDATE feeds f SET lease_owner = ?, lease_until = ? FROM ("
                "SELECT id FROM feeds WHERE enabled = 1 AND status != 'disabled' "
                "AND (next_poll_at IS NULL OR next_poll_at <= ?) "
                "AND (lease_until IS NULL OR lease_until < ? OR lease_owner = ?) "
                "ORDER BY next_poll_at NULLS FIRST LIMIT ? FOR UPDATE SKIP LOCKED) AS due "
                f"WHERE f.id = due.id RETURNING {_FEED_COLUMNS}",
                (self.worker_id, now + LEASE_S, now, now, self.worker_id, share),
            )
            feeds = [_feed(r) for r in rows]
            return sorted(feeds, key=lambda f: (f.next_poll_at is not None, f.next_poll_at or 0))
        rows = await self._fetchall(
            f"SELECT {_FEED_COLUMNS} FROM feeds f WHERE f.enabled = 1 AND f.status != 'disabled'"
            " AND (f.next_poll_at IS NULL OR f.next_poll_at <= ?)"
            " ORDER BY f.next_poll_at NULLS FIRST" + (" LIMIT ?" if limit is not None else ""),
            (now,) if limit is None else (now, limit),
        )
        return [_feed(r) for r in rows]

    async def set_next_poll(self, feed_id: str, at: float) -> None:
        await self.write_statement(
            "UPDATE feeds SET next_poll_at = ?, lease_owner = NULL, lease_until = NULL "
            "WHERE id = ?",
            (at, feed_id),
        )

    async def record_poll_ok(
        self,
        feed_id: str,
        *,
        etag: str | None,
        last_modified: str | None,
        body_hash: str | None,
        title: str | None,
        next_poll_at: float,
        parsed: bool,
    ) -> None:
        """A successful poll (200 or 304): clear failures, keep cache validators."""
        record = PollRecord(
            feed_id,
            next_poll_at,
            parsed,
            etag=etag,
            last_modified=last_modified,
            body_hash=body_hash,
            title=title,
        )
        await self.write_statement(_POLL_OK_SQL, _poll_ok_row(record))

    async def record_poll_failure(
        self, feed_id: str, error: str, *, next_poll_at: float, status: str
    ) -> None:
        t = now()
        await self.write_statement(
            "UPDATE feeds SET failures = failures + 1, lease_owner = NULL, lease_until = NULL, "
            "first_failure_at = coalesce(first_failure_at, ?), last_error=?, "
            "last_error_at=?, last_polled_at=?, next_poll_at=?, status=? WHERE id=?",
            (t, error[:500], t, t, next_poll_at, status, feed_id),
        )

    async def set_feed_enabled(self, feed_id: str, enabled: bool) -> bool:
        """Pause or resume a feed; resuming also lifts a 'disabled' health status."""
        async with self._transaction() as db:
            changed = await db.execute(
                "UPDATE feeds SET enabled=?, status=CASE WHEN ? = 1 AND status='disabled' "
                "THEN 'new' ELSE status END, failures=CASE WHEN ? = 1 THEN 0 ELSE failures END, "
                "first_failure_at=CASE WHEN ? = 1 THEN NULL ELSE first_failure_at END, "
                "next_poll_at=CASE WHEN ? = 1 THEN NULL ELSE next_poll_at END WHERE id=?",
                (int(enabled), int(enabled), int(enabled), int(enabled), int(enabled), feed_id),
            )
            return changed > 0

    async def remove_feed(self, feed_id: str) -> bool:
        """Remove a feed; its stories stay (they may have been delivered and linked)."""
        async with self._transaction() as db:
            return await db.execute("DELETE FROM feeds WHERE id=?", (feed_id,)) > 0
