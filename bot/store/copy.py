"""`newsbot db copy`: a whole database from one backend to the other, row for row.

Every table is copied in the order its foreign keys need, in batches, with the ids it has (so
outbox rows, links and audit records keep pointing at the same stories and subscriptions);
what each backend derives for itself is rebuilt there, not copied: SQLite's full-text shards
(built when the copy is opened), PostgreSQL's search table (filled by its INSERT trigger).
MinHash bands move between SQLite's inverted index and PostgreSQL's table. The copy ends by
counting every table on both sides: a difference is an error, never a silent loss.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from bot.errors import StoreError
from bot.store.base import StoreBase

BATCH = 1000

# table → the columns both schemas share, in the order foreign keys need
TABLES: dict[str, tuple[str, ...]] = {
    "outlets": ("id", "name", "card", "origin", "updated_at"),
    "feeds": (
        "id", "url", "outlet_id", "interval", "tags", "language", "enabled", "origin", "title",
        "etag", "last_modified", "body_hash", "status", "failures", "first_failure_at",
        "last_error", "last_error_at", "last_polled_at", "last_ok_at", "baseline_done",
        "next_poll_at", "created_at", "added_by",
    ),
    "feed_story_counts": ("feed_id", "stories"),
    "stories": (
        "id", "identity", "scope", "outlet_id", "feed_id", "url", "guid", "title", "summary",
        "text", "entity_names", "content_hash", "published", "fetched", "sort_time", "language",
        "alert_worthy", "revision", "revised_at", "context", "cluster_id", "linked",
    ),
    "story_entities": ("story_id", "key", "name", "kind", "role", "sort_time"),
    "denials": (
        "story_id", "denied_outlet", "denied_outlet_id", "claim", "deniers", "evidence",
    ),
    "story_links": ("from_story", "to_story", "kind", "confidence", "reason", "created_at"),
    "subscriptions": (
        "id", "platform", "chat", "thread", "filters", "denials_only", "mode", "muted_until",
        "active", "deactivated_reason", "webhook_url", "origin", "created_at", "updated_at",
    ),
    "outbox": (
        "id", "subscription_id", "story_id", "kind", "state", "about_story_id", "reply_to",
        "attempts", "next_attempt_at", "platform_message_id", "last_error", "created_at",
        "sent_at",
    ),
    "outbox_parts": ("outbox_id", "seq", "body", "message_id", "sent_at"),
    "audit_log": ("id", "at", "platform", "chat", "actor", "action", "detail"),
    "secrets": ("name", "value", "created_at"),
}  # fmt: skip
# the first column orders the reads, so a batch boundary never splits a key
_ORDER = {t: cols[0] if t not in ("story_entities", "outbox_parts") else f"{cols[0]}, {cols[1]}"
          for t, cols in TABLES.items()}  # fmt: skip
_SEQUENCES = ("stories", "subscriptions", "outbox", "audit_log")

Progress = Callable[[str, int, int], None]  # (table, rows copied, rows in all)


async def row_counts(store: StoreBase) -> dict[str, int]:
    """Rows per copied table, MinHash band entries included (as `story_bands`)."""
    counts = {}
    for table in TABLES:
        row = await store._fetchone(f"SELECT count(*) FROM {table}")
        counts[table] = int(row[0]) if row else 0
    counts["story_bands"] = len(await _bands(store))
    return counts


async def copy_database(
    source: StoreBase, target: StoreBase, progress: Progress | None = None
) -> dict[str, int]:
    """Copy every row of `source` into the empty `target`; the rows copied per table."""
    held = await target._fetchone("SELECT (SELECT count(*) FROM stories) + "
                                  "(SELECT count(*) FROM feeds) + "
                                  "(SELECT count(*) FROM subscriptions)")  # fmt: skip
    if held and int(held[0]):
        raise StoreError(
            f"{target.path}: already holds feeds, stories or subscriptions; "
            "`newsbot db copy` needs an empty database",
            reason="constraint",
        )
    before = await row_counts(source)
    for table, columns in TABLES.items():
        await _copy_table(source, target, table, columns, before[table], progress)
    bands = await _bands(source)
    await _write_bands(target, bands)
    if progress is not None:
        progress("story_bands", len(bands), len(bands))
    if target.dialect == "postgresql":
        async with target._transaction() as db:
            for table in _SEQUENCES:
                # the next id after the copied ones (ids were copied as they were)
                await db.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"coalesce((SELECT max(id) FROM {table}), 0) + 1, false)"
                )
    after = await row_counts(target)
    lost = {t: (before[t], after.get(t, 0)) for t in before if before[t] != after.get(t, 0)}
    if lost:
        detail = ", ".join(f"{t} {a} of {b}" for t, (b, a) in sorted(lost.items()))
        raise StoreError(f"{target.path}: the copy is incomplete ({detail})", reason="other")
    return after


async def _copy_table(
    source: StoreBase,
    target: StoreBase,
    table: str,
    columns: Sequence[str],
    total: int,
    progress: Progress | None,
) -> None:
    names = ", ".join(columns)
    insert = f"INSERT INTO {table}({names}) VALUES ({','.join('?' * len(columns))})"
    done = 0
    offset = 0
    while True:
        # Keyset paging would need a key per table; LIMIT/OFFSET over the primary-key order
        # is exact while nothing writes the source (the copy is an offline step).
        rows = await source._fetchall(
            f"SELECT {names} FROM {table} ORDER BY {_ORDER[table]} LIMIT ? OFFSET ?",
            (BATCH, offset),
        )
        if not rows:
            break
        values = [tuple(_value(row[i]) for i in range(len(columns))) for row in rows]
        async with target._transaction() as db:
            await db.executemany(insert, values)
        done += len(rows)
        offset += len(rows)
        if progress is not None:
            progress(table, done, total)
    if progress is not None and total == 0:
        progress(table, 0, 0)


def _value(value: Any) -> Any:
    # SQLite hands BLOBs back as bytes, asyncpg bytea as bytes too; memoryview never leaks
    return bytes(value) if isinstance(value, memoryview) else value


async def _bands(store: StoreBase) -> list[tuple[int, int]]:
    """(band, story id) of every MinHash band the store keeps."""
    if store.dialect == "postgresql":
        rows = await store._fetchall("SELECT band, story_id FROM story_bands ORDER BY 2, 1")
        return [(int(r[0]), int(r[1])) for r in rows]
    # SQLite keeps them as tokens ("b<hex>") of a contentless FTS5 index: fts5vocab reads
    # the (token, story) pairs back.
    async with store._transaction() as db:
        await db.execute(
            "CREATE VIRTUAL TABLE IF NOT EXISTS temp.band_vocab "
            "USING fts5vocab(main, story_band_index, 'instance')"
        )
        rows = await db.fetchall("SELECT term, doc FROM temp.band_vocab ORDER BY doc, term")
    return [(int(str(r[0])[1:], 16), int(r[1])) for r in rows]


async def _write_bands(target: StoreBase, bands: Sequence[tuple[int, int]]) -> None:
    if not bands:
        return
    if target.dialect == "postgresql":
        for start in range(0, len(bands), 10 * BATCH):
            part = bands[start : start + 10 * BATCH]
            async with target._transaction() as db:
                await db.execute(
                    "INSERT INTO story_bands(band, story_id) SELECT * FROM "
                    "unnest(CAST(? AS BIGINT[]), CAST(? AS BIGINT[])) ON CONFLICT DO NOTHING",
                    ([b for b, _ in part], [s for _, s in part]),
                )
        return
    per_story: dict[int, list[int]] = {}
    for band, story in bands:
        per_story.setdefault(story, []).append(band)
    documents = [(s, " ".join(f"b{b:x}" for b in sorted(bs))) for s, bs in per_story.items()]
    async with target._transaction() as db:
        await db.executemany("INSERT INTO story_band_index(rowid, bands) VALUES (?, ?)", documents)
