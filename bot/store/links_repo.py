"""Links between stories in the store: denial candidates, same-story candidates, clusters.

The linker works on batches of stories: `entity_rows` and `band_rows` answer for every key or
band of a batch at once, each key or band with a bounded index range (its newest rows), so the
cost of a lookup does not grow with the stories that share a key (issue #13 item 5).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from bot.models import Story, StoryLink, entity_key
from bot.store.base import Row, chunks, marks, now
from bot.store.stories_repo import (
    _STORY_COLUMNS,
    StoriesRepo,
    _story,
    _ts,
    band_tokens,
    entity_lookup_keys,
)


def _link(row: Row) -> StoryLink:
    return StoryLink(
        from_story=row["from_story"],
        to_story=row["to_story"],
        kind=row["kind"],
        confidence=row["confidence"],
        reason=row["reason"],
    )


# (story id, sort time) of a story that names an entity key.
EntityRow = tuple[int, float]
# What the linker needs of a candidate for a same-event score: (title, outlet id, entity
# keys other than outlets, is a denial (None: the story has no context), cluster id).
CandidateInfo = tuple[str, str | None, frozenset[str], bool | None, int | None]


# What scoring a story as a denial's report reads: (title, text, outlet id, context as stored
# (parsed JSON), publication time as `Story` gives it).
ReportRow = tuple[str, str, str | None, dict[str, Any] | None, float]


def _story_time(published: float | None, fetched: float | None) -> float:
    """min(published or fetched, fetched) as the linker takes it of a `Story`."""
    when = _ts(published) or _ts(fetched) or datetime.now(UTC)
    got = _ts(fetched) or datetime.now(UTC)
    return min(when.timestamp(), got.timestamp())


class LinksRepo(StoriesRepo):
    """Candidate searches use indexes (entity keys, LSH bands), never a scan of all stories."""

    async def entity_rows(
        self, keys: Sequence[str], *, since: float, until: float, per_key: int
    ) -> dict[str, list[EntityRow]]:
        """For each entity key, its newest `per_key` stories in a time window, newest first.

        One bounded range of the covering (key, sort_time, story_id) index per key, many keys
        per statement: a key that thousands of stories share costs `per_key` rows, not
        thousands."""
        out: dict[str, list[EntityRow]] = {}
        one = (
            "SELECT * FROM (SELECT key, story_id, sort_time FROM story_entities "
            "WHERE key = ? AND sort_time BETWEEN ? AND ? "
            "ORDER BY sort_time DESC, story_id DESC LIMIT ?) AS k"
        )
        for part in chunks(sorted({k for k in keys if k}), 50):
            params: list[object] = []
            for key in part:
                params += [key, since, until, per_key]
                out[key] = []
            rows = await self._fetchall(" UNION ALL ".join([one] * len(part)), params)
            for r in rows:
                out[r[0]].append((int(r[1]), float(r[2])))
        return out

    async def band_rows(self, bands: Sequence[int], *, per_band: int) -> dict[int, list[int]]:
        """For each MinHash LSH band, the ids of its newest `per_band` stories."""
        out: dict[int, list[int]] = {}
        unique = sorted(set(bands))
        if self.dialect == "postgresql":
            # the (band, story_id) primary key gives each band's newest stories in order
            one_pg = (
                "SELECT * FROM (SELECT band, story_id FROM story_bands WHERE band = ? "
                "ORDER BY story_id DESC LIMIT ?) AS b"
            )
            for part in chunks(unique, 50):
                params_pg: list[object] = []
                for band in part:
                    params_pg += [band, per_band]
                    out[band] = []
                found = await self._fetchall(" UNION ALL ".join([one_pg] * len(part)), params_pg)
                for r in found:
                    out[int(r[0])].append(int(r[1]))
            return out
        one = (
            "SELECT * FROM (SELECT ? AS band, rowid AS sid FROM story_band_index "
            "WHERE story_band_index MATCH ? ORDER BY rowid DESC LIMIT ?) AS b"
        )
        tokens = dict(zip(unique, band_tokens(unique).split(), strict=True))
        for part in chunks(unique, 50):
            params: list[object] = []
            for band in part:
                params += [band, tokens[band], per_band]
                out[band] = []
            rows = await self._fetchall(" UNION ALL ".join([one] * len(part)), params)
            for r in rows:
                out[int(r[0])].append(int(r[1]))
        return out

    async def candidate_info(self, ids: Sequence[int]) -> dict[int, CandidateInfo]:
        """Title, outlet, entity keys (not outlets), denial flag and cluster of stories."""
        found: dict[int, CandidateInfo] = {}
        for r in await self._by_ids("id, title, outlet_id, context, cluster_id", ids):
            data = json.loads(r[3]) if r[3] else None
            keys: frozenset[str] = frozenset()
            denial: bool | None = None
            if data is not None:
                keys = frozenset(
                    entity_key(e["name"])
                    for e in data.get("entities") or ()
                    if e.get("kind") != "outlet" and e.get("name")
                )
                denial = bool((data.get("denial") or {}).get("is_denial"))
            found[int(r[0])] = (r[1], r[2], keys, denial, r[4])
        return found

    async def _by_ids(self, columns: str, ids: Sequence[int]) -> list[Row]:
        """`columns` of the stories with these ids (in no order), many ids a statement."""
        rows: list[Row] = []
        for part in chunks(sorted(set(ids))):
            rows += await self._fetchall(
                f"SELECT {columns} FROM stories WHERE id IN {marks(len(part))}", part
            )
        return rows

    async def story_texts(self, ids: Sequence[int]) -> dict[int, tuple[str, str, str | None]]:
        """(title, text, outlet id) of stories: what a wire-copy comparison reads (their
        context is not parsed)."""
        rows = await self._by_ids("id, title, text, outlet_id", ids)
        return {int(r[0]): (r[1], r[2], r[3]) for r in rows}

    async def cluster_ids(self, ids: Sequence[int]) -> dict[int, int | None]:
        """The cluster of each story (None: in none yet)."""
        return {int(r[0]): r[1] for r in await self._by_ids("id, cluster_id", ids)}

    async def denial_rows(
        self, outlet_ids: Sequence[str], *, since: float, until: float, limit: int = 1000
    ) -> list[tuple[int, dict[str, Any], float]]:
        """Denials in a window naming any of these outlets as denied, newest first: (story id,
        context as stored (parsed JSON), publication time as `Story` gives it), what the
        linker scores a report against."""
        unique = sorted(set(outlet_ids))
        if not unique:
            return []
        rows = await self._fetchall(
            "SELECT s.id, s.context, s.published, s.fetched FROM denials d "
            "JOIN stories s ON s.id = d.story_id "
            f"WHERE d.denied_outlet_id IN {marks(len(unique))} "
            "AND s.sort_time BETWEEN ? AND ? ORDER BY s.sort_time DESC, s.id DESC LIMIT ?",
            [*unique, since, until, limit],
        )
        return [(int(r[0]), json.loads(r[1]), _story_time(r[2], r[3])) for r in rows if r[1]]

    async def set_clusters(self, clusters: Mapping[int, int]) -> None:
        """Story id → cluster id, in one transaction."""
        if not clusters:
            return
        async with self._transaction() as db:
            await db.executemany(
                "UPDATE stories SET cluster_id = ? WHERE id = ?",
                [(cluster, story_id) for story_id, cluster in sorted(clusters.items())],
            )

    async def entity_candidates(
        self,
        entity_keys: Sequence[str],
        *,
        since: float,
        until: float,
        exclude: int,
        outlet_id: str | None = None,
        other_than_outlet: str | None = None,
        limit: int = 50,
        scan: int = 300,
    ) -> list[tuple[Story, int]]:
        """Stories in a time window sharing entity keys, most shared first: (story, shared).

        The stories of `entity_candidate_ids`, read in full."""
        ranked = await self.entity_candidate_ids(
            entity_keys,
            (since, until),
            exclude=exclude,
            outlet_id=outlet_id,
            limit=limit,
            scan=scan,
        )
        shared = dict(ranked)
        stories = [
            s
            for s in await self.stories_by_ids(list(shared))
            if outlet_id is not None
            or other_than_outlet is None
            or s.outlet_id != other_than_outlet
        ]
        return [(s, shared[s.id]) for s in stories][:limit]

    async def entity_candidate_ids(
        self,
        entity_keys: Sequence[str],
        window: tuple[float, float],
        *,
        exclude: int,
        outlet_id: str | None = None,
        limit: int = 50,
        scan: int = 300,
    ) -> list[tuple[int, int]]:
        """(story id, shared keys) of stories in a `window` (since, until) sharing entity
        keys, most shared first: `limit` of them with an outlet, 4 × `limit` without (for the
        caller to leave an outlet out).

        Bounded: with an outlet, its `scan` most recent stories in the window (the (outlet,
        time) index) are counted; without, each key's `scan` most recent rows in the window
        (the (entity, time) index). A key or an outlet with thousands of stories in the
        window costs `scan` rows, not thousands."""
        since, until = window
        keys = sorted({k for k in entity_keys if k})[:50]
        if not keys:
            return []
        key_marks = marks(len(keys))
        if outlet_id is not None:
            counted = await self._fetchall(
                "SELECT id, shared FROM (SELECT r.id AS id, r.sort_time AS sort_time, "
                "(SELECT count(*) FROM story_entities e "
                f"WHERE e.story_id = r.id AND e.key IN {key_marks}) AS shared FROM "
                "(SELECT id, sort_time FROM stories WHERE outlet_id = ? "
                "AND sort_time BETWEEN ? AND ? AND id != ? ORDER BY sort_time DESC LIMIT ?) AS r"
                ") AS c WHERE shared > 0 ORDER BY shared DESC, sort_time DESC LIMIT ?",
                [*keys, outlet_id, since, until, exclude, scan, limit],
            )
            return [(int(r[0]), int(r[1])) for r in counted]
        one = (
            "SELECT * FROM (SELECT story_id FROM story_entities WHERE key = ? "
            "AND sort_time BETWEEN ? AND ? AND story_id != ? "
            "ORDER BY sort_time DESC, story_id DESC LIMIT ?) AS k"
        )
        params: list[object] = []
        for key in keys:
            params += [key, since, until, exclude, scan]
        ranked = await self._fetchall(
            "SELECT story_id, count(*) AS shared FROM ("
            + " UNION ALL ".join([one] * len(keys))
            + ") AS u GROUP BY story_id ORDER BY shared DESC, story_id DESC LIMIT ?",
            [*params, limit * 4],
        )
        return [(int(r["story_id"]), int(r["shared"])) for r in ranked]

    async def report_rows(self, ids: Sequence[int]) -> dict[int, ReportRow]:
        """What scoring stories as a denial's report reads of them: title, text, outlet,
        context (parsed JSON, None without) and publication time."""
        rows = await self._by_ids("id, title, text, outlet_id, context, published, fetched", ids)
        return {
            int(r[0]): (
                r[1],
                r[2],
                r[3],
                json.loads(r[4]) if r[4] else None,
                _story_time(r[5], r[6]),
            )
            for r in rows
        }

    async def band_candidates(
        self, bands: Sequence[int], *, exclude: int, limit: int = 20
    ) -> list[tuple[int, int]]:
        """(story id, shared bands) of stories sharing a MinHash LSH band."""
        if not bands:
            return []
        if self.dialect == "postgresql":
            rows = await self._fetchall(
                "SELECT story_id, count(*) AS n FROM story_bands "
                "WHERE band = ANY(CAST(? AS BIGINT[])) AND story_id != ? "
                "GROUP BY story_id ORDER BY n DESC, story_id DESC LIMIT ?",
                (sorted(set(bands)), exclude, limit),
            )
            return [(int(r[0]), int(r["n"])) for r in rows]
        counts: dict[int, int] = {}
        # One lookup per band in the inverted index (each band is one token of a story's
        # document there); a story found n times shares n bands.
        tokens = sorted(set(band_tokens(bands).split()))
        for part in chunks(tokens, 50):
            rows = await self._fetchall(
                "SELECT sid, count(*) AS n FROM ("
                + " UNION ALL ".join(
                    ["SELECT rowid AS sid FROM story_band_index WHERE story_band_index MATCH ?"]
                    * len(part)
                )
                + ") WHERE sid != ? GROUP BY sid",
                [*part, exclude],
            )
            for r in rows:
                counts[int(r[0])] = counts.get(int(r[0]), 0) + int(r["n"])
        ranked = sorted(counts.items(), key=lambda kv: (-kv[1], -kv[0]))
        return ranked[:limit]

    async def denials_naming_outlet(
        self, outlet_id: str, *, since: float, until: float, limit: int = 50
    ) -> list[Story]:
        """Stories in a window that deny a report of `outlet_id` (for reports that arrive late)."""
        rows = await self._fetchall(
            f"SELECT {_STORY_COLUMNS} FROM denials d JOIN stories s ON s.id = d.story_id "
            "WHERE d.denied_outlet_id = ? AND s.sort_time BETWEEN ? AND ? "
            "ORDER BY s.sort_time DESC LIMIT ?",
            (outlet_id, since, until, limit),
        )
        return [_story(r) for r in rows]

    async def add_links(self, links: Sequence[StoryLink]) -> None:
        if not links:
            return
        async with self._transaction() as db:
            await db.executemany(
                "INSERT INTO story_links(from_story, to_story, kind, confidence, reason, "
                "created_at) VALUES (?,?,?,?,?,?) ON CONFLICT(from_story, to_story, kind) "
                "DO UPDATE SET confidence = CASE WHEN excluded.confidence > story_links.confidence "
                "THEN excluded.confidence ELSE story_links.confidence END, "
                "reason = excluded.reason",
                [
                    (lk.from_story, lk.to_story, lk.kind, lk.confidence, lk.reason, now())
                    for lk in links
                ],
            )

    async def links_from(self, story_id: int, kind: str | None = None) -> list[StoryLink]:
        rows = await self._fetchall(
            "SELECT * FROM story_links WHERE from_story = ? "
            "AND (CAST(? AS TEXT) IS NULL OR kind = ?) "
            "ORDER BY confidence DESC",
            (story_id, kind, kind),
        )
        return [_link(r) for r in rows]

    async def links_to(self, story_id: int, kind: str | None = None) -> list[StoryLink]:
        """The reverse view: e.g. every later story that denies this one."""
        rows = await self._fetchall(
            "SELECT * FROM story_links WHERE to_story = ? "
            "AND (CAST(? AS TEXT) IS NULL OR kind = ?) "
            "ORDER BY confidence DESC",
            (story_id, kind, kind),
        )
        return [_link(r) for r in rows]

    async def set_cluster(self, story_ids: Sequence[int], cluster_id: int) -> None:
        async with self._transaction() as db:
            await db.executemany(
                "UPDATE stories SET cluster_id = ? WHERE id = ?",
                [(cluster_id, i) for i in story_ids],
            )

    async def cluster_members(self, cluster_id: int, limit: int = 50) -> list[Story]:
        rows = await self._fetchall(
            f"SELECT {_STORY_COLUMNS} FROM stories s WHERE s.cluster_id = ? "
            "ORDER BY s.sort_time LIMIT ?",
            (cluster_id, limit),
        )
        return [_story(r) for r in rows]

    async def stories_with_entity(self, key: str, limit: int = 50) -> list[Story]:
        """Stories naming an entity, newest first: by its key as written and by its
        cross-script key, so "Rostec" finds Ростех stories and "ростех" Rostec ones.

        One indexed (key, sort_time) range per key, merged here: an IN over both keys
        would sort every story that ever named a common entity."""
        newest: dict[int, tuple[float, Row]] = {}
        for one in entity_lookup_keys(key):
            rows = await self._fetchall(
                f"SELECT {_STORY_COLUMNS}, e.sort_time AS entity_time FROM story_entities e "
                "JOIN stories s ON s.id = e.story_id "
                "WHERE e.key = ? ORDER BY e.sort_time DESC LIMIT ?",
                (one, limit),
            )
            for r in rows:
                newest.setdefault(r["id"], (float(r["entity_time"]), r))
        ordered = sorted(newest.values(), key=lambda item: (-item[0], -int(item[1]["id"])))
        return [_story(r) for _, r in ordered[:limit]]
