"""Links between stories in the store: denial candidates, same-story candidates, clusters."""

from __future__ import annotations

from collections.abc import Sequence

from bot.models import Story, StoryLink
from bot.store.base import Row, chunks, now
from bot.store.stories_repo import (
    _STORY_COLUMNS,
    StoriesRepo,
    _story,
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


class LinksRepo(StoriesRepo):
    """Candidate searches use indexes (entity keys, LSH bands), never a scan of all stories."""

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
    ) -> list[tuple[Story, int]]:
        """Stories in a time window sharing entity keys, most shared first: (story, shared).

        With an outlet, its stories in the window come from the (outlet, time) index; without,
        the (entity, time) index gives only the window's rows for each entity."""
        keys = sorted({k for k in entity_keys if k})[:50]
        if not keys:
            return []
        marks = ",".join("?" * len(keys))
        if outlet_id is not None:
            rows = await self._fetchall(
                f"SELECT * FROM (SELECT {_STORY_COLUMNS}, s.sort_time, (SELECT count(*) "
                "FROM story_entities e "
                f"WHERE e.story_id = s.id AND e.key IN ({marks})) AS shared FROM stories s "
                "WHERE s.outlet_id = ? AND s.sort_time BETWEEN ? AND ? AND s.id != ?) AS c "
                "WHERE shared > 0 ORDER BY shared DESC, sort_time DESC LIMIT ?",
                [*keys, outlet_id, since, until, exclude, limit],
            )
            return [(_story(r), int(r["shared"])) for r in rows]
        ranked = await self._fetchall(
            "SELECT story_id, count(*) AS shared FROM story_entities "
            f"WHERE key IN ({marks}) AND sort_time BETWEEN ? AND ? AND story_id != ? "
            "GROUP BY story_id ORDER BY shared DESC, story_id DESC LIMIT ?",
            [*keys, since, until, exclude, limit * 4],
        )
        shared = {int(r["story_id"]): int(r["shared"]) for r in ranked}
        stories = [
            s
            for s in await self.stories_by_ids(list(shared))
            if other_than_outlet is None or s.outlet_id != other_than_outlet
        ]
        return [(s, shared[s.id]) for s in stories][:limit]

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
