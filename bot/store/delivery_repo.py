"""Subscriptions, the outbox and the audit log in the store.

The outbox is the durable queue between stories and chats: a row per (subscription, story,
kind), created in the same transaction that stores the story. A row moves pending → sending
(committed before the platform call) → sent (committed after, with the platform message id),
so a crash can repeat at most the one send that was in flight.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.models import FILTER_KINDS, OutboxItem, Subscription
from bot.store.base import Row, StoreBase, marks, now

_SUB_COLUMNS = (
    "s.id AS sub_id, s.platform, s.chat, s.thread, s.filters, s.denials_only, s.mode, "
    "s.muted_until, s.active, s.deactivated_reason, s.webhook_url, s.origin"
)


def _subscription(row: Row) -> Subscription:
    filters = json.loads(row["filters"]) if row["filters"] else {}
    return Subscription(
        id=row["sub_id"],
        platform=row["platform"],
        chat=row["chat"],
        thread=row["thread"],
        filters={k: tuple(v) for k, v in filters.items() if k in FILTER_KINDS and v},
        denials_only=bool(row["denials_only"]),
        mode=row["mode"],
        muted_until=row["muted_until"],
        active=bool(row["active"]),
        deactivated_reason=row["deactivated_reason"],
        webhook_url=row["webhook_url"],
        origin=row["origin"],
    )


def _item(row: Row) -> OutboxItem:
    return OutboxItem(
        id=row["id"],
        subscription=_subscription(row),
        story_id=row["story_id"],
        kind=row["kind"],
        attempts=row["attempts"],
        created_at=row["created_at"],
        about_story_id=row["about_story_id"],
        reply_to=row["reply_to"],
    )


@dataclass(frozen=True)
class Delivered:
    row_id: int
    subscription: Subscription
    kind: str
    state: str
    message_id: str | None


@dataclass(frozen=True)
class DeadItem:
    """An outbox row given up on: where it was going and the reason."""

    row_id: int
    story_id: int
    kind: str
    platform: str
    chat: str
    attempts: int
    reason: str


class DeliveryRepo(StoreBase):
    """Subscriptions and the outbox."""

    # ------------------------------------------------------------ subscriptions

    async def upsert_subscription(
        self,
        platform: str,
        chat: str,
        thread: str = "",
        *,
        filters: Mapping[str, Sequence[str]] | None = None,
        denials_only: bool = False,
        mode: str = "instant",
        origin: str = "config",
        webhook_url: str | None = None,
    ) -> int:
        """Create or update a subscription; a config seed never overwrites a moderator's edit."""
        data = json.dumps({k: list(v) for k, v in (filters or {}).items() if v}, sort_keys=True)
        t = now()
        async with self._transaction() as db:
            await db.execute(
                "INSERT INTO subscriptions(platform, chat, thread, filters, denials_only, mode, "
                "origin, webhook_url, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?) "
                "ON CONFLICT(platform, chat, thread) DO UPDATE SET filters=excluded.filters, "
                "denials_only=excluded.denials_only, mode=excluded.mode, "
                "webhook_url=coalesce(excluded.webhook_url, subscriptions.webhook_url), "
                "origin=excluded.origin, updated_at=excluded.updated_at "
                "WHERE excluded.origin = 'moderator' OR subscriptions.origin = 'config'",
                (platform, chat, thread, data, int(denials_only), mode, origin, webhook_url, t, t),
            )
            row = await db.fetchone(
                "SELECT id FROM subscriptions WHERE platform=? AND chat=? AND thread=?",
                (platform, chat, thread),
            )
        assert row is not None
        return int(row["id"])

    async def subscriptions(
        self, *, platform: str | None = None, active_only: bool = True
    ) -> list[Subscription]:
        rows = await self._fetchall(
            f"SELECT {_SUB_COLUMNS} FROM subscriptions s WHERE "
            "(CAST(? AS TEXT) IS NULL OR s.platform = ?) "
            "AND (? = 0 OR s.active = 1) ORDER BY s.id",
            (platform, platform, int(active_only)),
        )
        return [_subscription(r) for r in rows]

    async def subscription(self, platform: str, chat: str, thread: str = "") -> Subscription | None:
        row = await self._fetchone(
            f"SELECT {_SUB_COLUMNS} FROM subscriptions s WHERE s.platform=? AND s.chat=? "
            "AND s.thread=?",
            (platform, chat, thread),
        )
        return _subscription(row) if row else None

    async def update_subscription(self, sub_id: int, **fields: Any) -> None:
        allowed = {"filters", "denials_only", "mode", "muted_until", "active", "webhook_url"}
        sets, values = ["updated_at = ?", "origin = 'moderator'"], [now()]
        for key, value in fields.items():
            if key not in allowed:
                raise ValueError(f"cannot update {key}")
            if key == "filters":
                value = json.dumps({k: list(v) for k, v in value.items() if v}, sort_keys=True)
            if key == "active" and value:
                sets.append("deactivated_reason = NULL")
            sets.append(f"{key} = ?")
            values.append(int(value) if isinstance(value, bool) else value)
        async with self._transaction() as db:
            await db.execute(
                f"UPDATE subscriptions SET {', '.join(sets)} WHERE id = ?", [*values, sub_id]
            )

    async def deactivate_subscription(self, sub_id: int, reason: str) -> None:
        """A permanent platform error: stop sending, keep the row and say why."""
        async with self._transaction() as db:
            await db.execute(
                "UPDATE subscriptions SET active=0, deactivated_reason=?, updated_at=? WHERE id=?",
                (reason[:300], now(), sub_id),
            )
            await db.execute(
                "UPDATE outbox SET state='dead', last_error=? WHERE subscription_id=? "
                "AND state IN ('pending','held','sending')",
                (f"subscription deactivated: {reason}"[:300], sub_id),
            )

    async def move_chat(self, platform: str, old_chat: str, new_chat: str) -> None:
        """A Telegram group became a supergroup: the subscription follows it.

        When the new chat already has a subscription for the same thread, the old one is
        deactivated instead (its queued rows are given up; the new chat's own rows go on)."""
        async with self._transaction() as db:
            # Only where the new chat has no subscription for the same thread (the unique key):
            # the others are deactivated below.
            await db.execute(
                "UPDATE subscriptions SET chat=?, updated_at=? WHERE platform=? AND chat=? "
                "AND NOT EXISTS (SELECT 1 FROM subscriptions t WHERE t.platform = "
                "subscriptions.platform AND t.chat = ? AND t.thread = subscriptions.thread)",
                (new_chat, now(), platform, old_chat, new_chat),
            )
            await db.execute(
                "UPDATE outbox SET state='dead', last_error='chat moved to ' || CAST(? AS TEXT) "
                "WHERE state IN ('pending','held','sending') AND subscription_id IN "
                "(SELECT id FROM subscriptions WHERE platform=? AND chat=?)",
                (new_chat, platform, old_chat),
            )
            await db.execute(
                "UPDATE subscriptions SET active=0, "
                "deactivated_reason='chat moved to ' || CAST(? AS TEXT), "
                "updated_at=? WHERE platform=? AND chat=?",
                (new_chat, now(), platform, old_chat),
            )

    async def delete_subscription(self, sub_id: int) -> None:
        async with self._transaction() as db:
            await db.execute("DELETE FROM subscriptions WHERE id=?", (sub_id,))

    # ------------------------------------------------------------ outbox

    async def enqueue_followups(self, denial_story_id: int, report_story_id: int) -> int:
        """Queue a follow-up to every chat that got the report, as a reply to that message.

        A chat that is also about to get the denial as an ordinary alert gets that alert as the
        reply instead, so it never hears the same denial twice.
        """
        t = now()
        async with self._transaction() as db:
            delivered = await db.fetchall(
                "SELECT o.subscription_id, o.platform_message_id FROM outbox o "
                "JOIN subscriptions s ON s.id = o.subscription_id "
                "WHERE o.story_id = ? AND o.kind = 'alert' AND o.state = 'sent' AND s.active = 1",
                (report_story_id,),
            )
            count = 0
            for row in delivered:
                replied = await db.execute(
                    "UPDATE outbox SET reply_to = ?, about_story_id = ? WHERE subscription_id = ? "
                    "AND story_id = ? AND kind = 'alert' AND state IN ('pending', 'held')",
                    (
                        row["platform_message_id"],
                        report_story_id,
                        row["subscription_id"],
                        denial_story_id,
                    ),
                )
                if replied:
                    continue
                if await db.fetchone(
                    "SELECT 1 FROM outbox WHERE subscription_id = ? AND story_id = ? "
                    "AND state != 'dead'",
                    (row["subscription_id"], denial_story_id),
                ):
                    continue  # the chat already got (or is getting) the denial itself
                count += await db.execute(
                    "INSERT INTO outbox(subscription_id, story_id, kind, state, about_story_id, "
                    "reply_to, next_attempt_at, created_at) "
                    "VALUES (?,?,'followup','pending',?,?,?,?) "
                    "ON CONFLICT(subscription_id, story_id, kind) DO NOTHING",
                    (
                        row["subscription_id"],
                        denial_story_id,
                        report_story_id,
                        row["platform_message_id"],
                        t,
                        t,
                    ),
                )
        return count

    async def due_items(self, platform: str, *, limit: int = 200) -> list[OutboxItem]:
        """Pending rows whose time has come, only the oldest per subscription (chat order).

        Only stories the linker has seen: an alert for a denial must wait until the linker has
        decided whether it goes out as a reply to the report the chat already got."""
        rows = await self._fetchall(
            f"SELECT o.*, {_SUB_COLUMNS} FROM outbox o JOIN subscriptions s "
            "ON s.id = o.subscription_id JOIN stories st ON st.id = o.story_id "
            "WHERE s.platform = ? AND s.active = 1 AND st.linked = 1 "
            "AND o.state = 'pending' AND o.next_attempt_at <= ? AND o.id = ("
            "  SELECT min(o2.id) FROM outbox o2 WHERE o2.subscription_id = o.subscription_id "
            "  AND o2.state IN ('pending', 'sending')) "
            "ORDER BY o.id LIMIT ?",
            (platform, now(), limit),
        )
        return [_item(r) for r in rows]

    async def due_digests(self, platform: str) -> list[tuple[Subscription, list[OutboxItem]]]:
        """Held digest rows whose hour or day has come, grouped by subscription."""
        rows = await self._fetchall(
            f"SELECT o.*, {_SUB_COLUMNS} FROM outbox o JOIN subscriptions s "
            "ON s.id = o.subscription_id WHERE s.platform = ? AND s.active = 1 "
            "AND o.state = 'held' AND o.subscription_id IN (SELECT subscription_id FROM outbox "
            "WHERE state = 'held' AND next_attempt_at <= ?) ORDER BY o.subscription_id, o.id",
            (platform, now()),
        )
        groups: dict[int, tuple[Subscription, list[OutboxItem]]] = {}
        for row in rows:
            item = _item(row)
            groups.setdefault(item.subscription.id, (item.subscription, []))[1].append(item)
        return list(groups.values())

    async def mark_sending(self, ids: Sequence[int]) -> bool:
        """Pending → sending; False when a row was no longer pending (nothing to send)."""
        changed = 0
        async with self._transaction() as db:
            for i in ids:
                changed += await db.execute(
                    "UPDATE outbox SET state='sending', attempts=attempts+1 "
                    "WHERE id=? AND state='pending'",
                    (i,),
                )
        return changed == len(ids)

    async def record_states(
        self, sending: Sequence[int], sent: Sequence[tuple[int, str | None]]
    ) -> set[int]:
        """Group commit for the dispatcher: several rows' pending → sending and sending → sent
        in one transaction. Returns the ids that were still pending (and are now sending)."""
        marked: set[int] = set()
        t = now()
        async with self._transaction() as db:
            if sending:
                rows = await db.fetchall(
                    "UPDATE outbox SET state='sending', attempts=attempts+1 WHERE id IN "
                    f"{marks(len(sending))} AND state='pending' RETURNING id",
                    list(sending),
                )
                marked = {int(r[0]) for r in rows}
            if sent:
                await db.executemany(
                    "UPDATE outbox SET state='sent', platform_message_id=?, sent_at=?, "
                    "last_error=NULL WHERE id=?",
                    [(message_id, t, i) for i, message_id in sent],
                )
        return marked

    async def outbox_parts(self, row_id: int) -> list[tuple[str, str | None]]:
        """(body, message id or None) of each part of a multi-part row, in order; [] if none."""
        rows = await self._fetchall(
            "SELECT body, message_id FROM outbox_parts WHERE outbox_id=? ORDER BY seq", (row_id,)
        )
        return [(r["body"], r["message_id"]) for r in rows]

    async def save_parts(self, row_id: int, bodies: Sequence[str]) -> None:
        """Keep the rendered parts of a row, so every retry sends the same messages."""
        async with self._transaction() as db:
            await db.executemany(
                "INSERT INTO outbox_parts(outbox_id, seq, body) VALUES (?,?,?) "
                "ON CONFLICT(outbox_id, seq) DO NOTHING",
                [(row_id, seq, body) for seq, body in enumerate(bodies)],
            )

    async def part_sent(self, row_id: int, seq: int, message_id: str) -> None:
        """One part was delivered: committed before the next part is tried."""
        async with self._transaction() as db:
            await db.execute(
                "UPDATE outbox_parts SET message_id=?, sent_at=? WHERE outbox_id=? AND seq=?",
                (message_id, now(), row_id, seq),
            )

    async def mark_sent(self, ids: Sequence[int], message_id: str | None) -> None:
        async with self._transaction() as db:
            await db.executemany(
                "UPDATE outbox SET state='sent', platform_message_id=?, sent_at=?, "
                "last_error=NULL WHERE id=?",
                [(message_id, now(), i) for i in ids],
            )

    async def mark_retry(
        self,
        ids: Sequence[int],
        at: float,
        error: str,
        state: str = "pending",
        *,
        count_attempt: bool = False,
    ) -> None:
        """Try again at `at`. Instant rows count attempts when marked sending; digests, which
        are never marked sending, count theirs here (`count_attempt`)."""
        async with self._transaction() as db:
            await db.executemany(
                "UPDATE outbox SET state=?, next_attempt_at=?, last_error=?, "
                "attempts=attempts+? WHERE id=?",
                [(state, at, error[:300], int(count_attempt), i) for i in ids],
            )

    async def mark_dead(self, ids: Sequence[int], error: str) -> None:
        async with self._transaction() as db:
            await db.executemany(
                "UPDATE outbox SET state='dead', last_error=? WHERE id=?",
                [(error[:300], i) for i in ids],
            )

    async def recover_in_flight(self, platform: str | None = None) -> int:
        """After a crash: sends that were in flight go back to pending (at-least-once).

        With `platform`, only that platform's rows: the worker that becomes a platform's
        sender recovers its rows, and never those another worker's sender has in flight."""
        async with self._transaction() as db:
            return await db.execute(
                "UPDATE outbox SET state='pending' WHERE state='sending' AND (CAST(? AS TEXT) "
                "IS NULL OR subscription_id IN (SELECT id FROM subscriptions WHERE platform = ?))",
                (platform, platform),
            )

    async def recent_sends(self, platform: str, since: float) -> list[tuple[str, float]]:
        """(chat, sent_at) of messages sent since `since`: to prime rate limits on start."""
        rows = await self._fetchall(
            "SELECT s.chat, o.sent_at FROM outbox o JOIN subscriptions s "
            "ON s.id = o.subscription_id WHERE s.platform = ? AND o.sent_at >= ? "
            "UNION ALL SELECT s.chat, p.sent_at FROM outbox_parts p "
            "JOIN outbox o ON o.id = p.outbox_id JOIN subscriptions s "
            "ON s.id = o.subscription_id WHERE s.platform = ? AND p.sent_at >= ? AND p.seq > 0 "
            "ORDER BY 2",
            (platform, since, platform, since),
        )
        return [(r["chat"], float(r["sent_at"])) for r in rows]

    async def subscription_counts(self) -> dict[tuple[str, str], int]:
        """(platform, "true"/"false" active) → count."""
        rows = await self._fetchall(
            "SELECT platform, active, count(*) AS n FROM subscriptions GROUP BY platform, active"
        )
        return {(r["platform"], "true" if r["active"] else "false"): int(r["n"]) for r in rows}

    async def outbox_counts(self) -> dict[str, int]:
        rows = await self._fetchall("SELECT state, count(*) AS n FROM outbox GROUP BY state")
        counts = {"pending": 0, "held": 0, "sending": 0, "sent": 0, "dead": 0}
        counts.update({r["state"]: int(r["n"]) for r in rows})
        return counts

    async def dead_items(
        self, limit: int = 5, *, platform: str | None = None, chat: str | None = None
    ) -> list[DeadItem]:
        """The rows most recently given up, with why: what `newsbot status` shows operators and
        `/subscriptions` shows a chat's moderators (for that chat only)."""
        where, params = "o.state = 'dead'", []
        if platform is not None and chat is not None:
            where += " AND s.platform = ? AND s.chat = ?"
            params = [platform, chat]
        rows = await self._fetchall(
            "SELECT o.id, o.story_id, o.kind, o.attempts, o.last_error, s.platform, s.chat "
            "FROM outbox o JOIN subscriptions s ON s.id = o.subscription_id "
            f"WHERE {where} ORDER BY o.id DESC LIMIT ?",
            (*params, limit),
        )
        return [
            DeadItem(
                r["id"],
                r["story_id"],
                r["kind"],
                r["platform"],
                r["chat"],
                r["attempts"],
                r["last_error"] or "",
            )
            for r in rows
        ]

    async def deliveries(self, story_id: int) -> list[Delivered]:
        """Every outbox row for a story: where it goes, its state and platform message id."""
        rows = await self._fetchall(
            f"SELECT o.id, o.kind, o.state, o.platform_message_id, {_SUB_COLUMNS} FROM outbox o "
            "JOIN subscriptions s ON s.id = o.subscription_id WHERE o.story_id = ? ORDER BY o.id",
            (story_id,),
        )
        return [
            Delivered(r["id"], _subscription(r), r["kind"], r["state"], r["platform_message_id"])
            for r in rows
        ]

    # ------------------------------------------------------------ audit

    async def audit(
        self, platform: str, chat: str, actor: str, action: str, detail: str = ""
    ) -> None:
        async with self._transaction() as db:
            await db.execute(
                "INSERT INTO audit_log(at, platform, chat, actor, action, detail) "
                "VALUES (?,?,?,?,?,?)",
                (now(), platform, chat, actor, action, detail[:500]),
            )

    async def audit_log(self, platform: str, chat: str, limit: int = 20) -> list[dict[str, Any]]:
        rows = await self._fetchall(
            "SELECT at, actor, action, detail FROM audit_log WHERE platform=? AND chat=? "
            "ORDER BY id DESC LIMIT ?",
            (platform, chat, limit),
        )
        return [dict(r) for r in rows]
