"""Stories in the store: dedup lookups, batched ingest, full-text lookup, lists and stats."""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bot.context.translit import fold, lemmatise, lookup_key
from bot.errors import StoreError
from bot.models import SearchHit, Story, StoryContext, StoryDraft, entity_key
from bot.store.base import Conn, Row, StoreBase, chunks, marks, now
from bot.store.feeds_repo import PollRecord, record_polls

log = logging.getLogger(__name__)

_STORY_COLUMNS = (
    "s.id, s.identity, s.outlet_id, s.feed_id, s.url, s.title, s.summary, s.text, s.published, "
    "s.fetched, s.language, s.alert_worthy, s.revision, s.context, s.cluster_id"
)

# An outbox row planned by fan-out: (subscription id, "pending" or "held", first attempt at).
Delivery = tuple[int, str, float]

# Lookups look at the newest stories first and widen only when too few match: relevance
# ranks within a window, so a common word never makes bm25 score a million rows.
_SEARCH_WINDOWS = (5_000, 50_000, 500_000, None)
# A write that lost a deadlock or a serialization conflict (PostgreSQL) is tried this often.
WRITE_ATTEMPTS = 3

# The full-text index is split into shards of consecutive story ids (migration 006): bm25
# counts every story of the index that holds a term to weigh it, so a shard bounds that count
# (a common word's count over a million stories took 5-28 ms; over one shard it is a twentieth).
SEARCH_SHARD_SIZE = 50_000
# Column weights for bm25: a word in the headline counts most, then entity names, then summary.
_BM25 = "10.0, 3.0, 6.0"


# PostgreSQL: a lookup's recency windows, all in one statement (migration 005). The first
# window's tags are its blocks of 1,000 ids (migration 003); a wider window's come from
# newsbot_window_tags (coarse blocks in the middle, fine ones at the ends); the widest window
# (every story) has none.
_WINDOWS_PG = (
    "top AS MATERIALIZED (SELECT coalesce(max(id), 0) AS top FROM stories), "
    "w AS MATERIALIZED (SELECT top, greatest(top - ?, 0) AS floor, (SELECT string_agg("
    "quote_literal('#0:' || k), ' | ') FROM generate_series(greatest(top - ?, 0) / 1000, "
    "greatest(top - 1, 0) / 1000) AS k)::tsquery AS tags, greatest(top - ?, 0) AS floor2, "
    "greatest(top - ?, 0) AS floor3 FROM top), "
)


def _window_hits(n: int, match: str, floor: str, *, test: str = "") -> str:
    """The CTEs of window `n`: `m{n}`, the tsquery its GIN lookup asks (`match`, made once),
    and `h{n}`, its matches ranked, the best `?` of them (`test`: a condition each match must
    pass besides). A window after the first runs only when the one before it came up short
    (`go{n}`, an InitPlan the executor evaluates once: when false, `m{n}` is empty and the
    window's index is never read)."""
    gate = f" WHERE (SELECT go FROM g{n})" if n > 1 else ""
    # The tsquery is a materialized row, not an expression of the scan: the bitmap heap scan
    # rechecks every row of a phrase (GIN cannot test word positions), and an expression is
    # evaluated again in each recheck (a wider window's tags, newsbot_window_tags, took ~37
    # us per rechecked row: 6 of a two-word phrase's 10 ms at 300,000 stories). One GIN
    # lookup for the four configurations (an OR of four @@ was four); `id + 0`: the tags
    # bound the ids already, and a bitmap of the primary key (which the planner would AND
    # in) costs a row per id of the window.
    return (
        f"m{n} AS MATERIALIZED (SELECT {match} AS m FROM q, w{gate}), "
        f"h{n} AS MATERIALIZED (SELECT {n} AS k, st.id, "
        "-ts_rank('{0.1, 0.3, 0.6, 1.0}', st.search, q.q) AS rank "
        f"FROM story_search st, q, w, m{n} WHERE st.search @@ m{n}.m{test} "
        f"AND st.id + 0 > {floor} ORDER BY rank, st.id DESC LIMIT ?), "
    )


def _search_pg_sql(first_match: str, *, test: str = "") -> str:
    """A PostgreSQL lookup, one statement: the query in the four search configurations; the
    matches of the first window (`first_match`, a tsquery; `test`, a further condition on
    each) ranked; the next window only while the window before it held fewer matches than
    asked and did not reach the oldest story; the widest window's best stories with their
    headlines. Always one row at least: story columns NULL when nothing matched."""
    return (
        "WITH "
        + _WINDOWS_PG
        + "q0 AS MATERIALIZED (SELECT ARRAY[to_tsquery('simple', unaccent(?)), "
        "to_tsquery('english', unaccent(?)), to_tsquery('spanish', unaccent(?)), "
        "to_tsquery('russian', unaccent(?))] AS forms), "
        # q: the query in the four configurations, ORed, as ranks and headlines weigh it; d:
        # the same matches as an OR of its distinct forms, for the GIN lookups and the tests
        # (the configurations mostly make one form: 'iranian' <-> 'nuclear' three times of
        # four, and each rechecked or tested story evaluated every copy)
        "q AS MATERIALIZED (SELECT forms[1] || forms[2] || forms[3] || forms[4] AS q, "
        "coalesce((SELECT string_agg(DISTINCT '(' || x::text || ')', ' | ') FROM unnest(forms) "
        "AS x WHERE x::text <> ''), '')::tsquery AS d FROM q0), "
        + _window_hits(1, first_match, "w.floor", test=test)
        + "g2 AS MATERIALIZED (SELECT w.floor > 0 AND (SELECT count(*) FROM h1) < ? AS go "
        "FROM w), "
        # (a wider window's tags are made only when it runs: 0.1 ms each)
        + _window_hits(2, "coalesce(q.d && newsbot_window_tags(w.floor2, w.top), q.d)", "w.floor2")
        + "g3 AS MATERIALIZED (SELECT (SELECT go FROM g2) AND w.floor2 > 0 AND "
        "(SELECT count(*) FROM h2) < ? AS go FROM w), "
        + _window_hits(3, "coalesce(q.d && newsbot_window_tags(w.floor3, w.top), q.d)", "w.floor3")
        + "g4 AS MATERIALIZED (SELECT (SELECT go FROM g3) AND w.floor3 > 0 AND "
        "(SELECT count(*) FROM h3) < ? AS go FROM w), "
        + _window_hits(4, "q.d", "0")
        # the widest window that ran
        + "hits AS (SELECT * FROM h1 UNION ALL SELECT * FROM h2 UNION ALL SELECT * FROM h3 "
        "UNION ALL SELECT * FROM h4), "
        "widest AS (SELECT max(k) AS k FROM hits) "
        f"SELECT {_STORY_COLUMNS}, o.name AS outlet_name, "
        "hits.rank, ts_headline('simple', s.title || ' — ' || s.summary, q.q, 'StartSel=[, "
        "StopSel=], MaxWords=16, MinWords=6, MaxFragments=1') AS snippet "
        "FROM widest LEFT JOIN hits ON hits.k = widest.k LEFT JOIN "
        "stories s ON s.id = hits.id LEFT JOIN outlets o ON o.id = s.outlet_id, q "
        "ORDER BY hits.rank, hits.id DESC"
    )


def search_pg_statement(query: str, limit: int) -> tuple[str, tuple[Any, ...]] | None:
    """`StoriesRepo.search`'s one PostgreSQL statement for `query` and its parameters, or None
    when the query holds no word."""
    text = ts_query(query)
    if text is None:
        return None
    prefixes = [t.alternatives[0][0] for t in parse_query(query)[0] if t.prefix]
    first = _SEARCH_WINDOWS[0]
    assert first is not None
    # One statement, one round trip, whichever window the lookup ends in.
    if prefixes:
        # a prefix's first window: its stories by the window's tags, each one tested (GIN
        # gathers every posting of every word a prefix starts before it can intersect them
        # with the tags; the vectors' first letters that did this in the index cost ingest
        # more than they saved here, migration 006)
        match, test = "w.tags", " AND ts_match_vq(st.search, q.d)"
    else:
        match, test = "q.d && w.tags", ""
    windows = [w for w in _SEARCH_WINDOWS[1:] if w is not None]
    return _search_pg_sql(match, test=test), (
        first, first, windows[0], windows[1],
        text, text, text, text, limit, limit, limit, limit, limit, limit, limit,
    )  # fmt: skip


def entity_lookup_keys(key: str) -> list[str]:
    """The story_entities keys a lookup for `key` reads: as written and cross-script."""
    return list(dict.fromkeys(k for k in (key, lookup_key(key)) if k))


def search_shard(story_id: int) -> int:
    """The full-text shard that indexes a story id (ids start at 1)."""
    return (story_id - 1) // SEARCH_SHARD_SIZE


def _shard_table(shard: int) -> str:
    return f"stories_fts_{int(shard)}"


def _shard_ddl(shard: int) -> str:
    # External content: the text stays in `stories` only; snippets read it from there.
    return (
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {_shard_table(shard)} USING fts5("
        "title, summary, entity_names, content='stories', content_rowid='id', "
        "tokenize='unicode61 remove_diacritics 2')"
    )


def band_tokens(bands: Sequence[int]) -> str:
    """A story's MinHash LSH bands as the words of its document in story_band_index."""
    # One %-format for all bands: a per-band f-string cost a tenth of the write path's Python.
    return " ".join(["b%x"] * len(bands)) % tuple(bands)


def _ts(value: float | None) -> datetime | None:
    return datetime.fromtimestamp(value, UTC) if value is not None else None


def _story(row: Row) -> Story:
    ctx = row["context"]
    return Story(
        id=row["id"],
        identity=row["identity"],
        outlet_id=row["outlet_id"],
        feed_id=row["feed_id"],
        url=row["url"],
        title=row["title"],
        summary=row["summary"],
        text=row["text"],
        published=_ts(row["published"]),
        fetched=_ts(row["fetched"]) or datetime.now(UTC),
        language=row["language"],
        alert_worthy=bool(row["alert_worthy"]),
        revision=row["revision"],
        context=StoryContext.from_dict(json.loads(ctx)) if ctx else None,
        cluster_id=row["cluster_id"],
    )


def _by_relevance(hit: tuple[int, float, str]) -> tuple[float, int]:
    # bm25 is negative: lower is more relevant; ties go to the newer story.
    return (hit[1], -hit[0])


Phrase = tuple[str, ...]  # the words of a word or "quoted phrase" of a lookup


@dataclass(frozen=True)
class QueryTerm:
    """One ANDed term of a lookup: a prefix, or a word/phrase with its other forms."""

    alternatives: tuple[Phrase, ...]
    prefix: bool = False


def parse_query(text: str) -> tuple[list[QueryTerm], Phrase | None]:
    r"""User text as terms (words ANDed, "quoted phrases" kept, prefixes with *) and, for a
    name of several words, its whole-name alias ("Белый дом" → "white house"), or None.

    A word or phrase also matches its lemma and cross-script key (`lookup_key`: "Ростеху" →
    "ростех" or "rostec"), which the index holds for every entity of a story, so a name is
    found in any script and any case form. Only `\w+` tokens survive: no operator or
    punctuation of user input reaches a query language."""
    terms: list[QueryTerm] = []
    plain: list[str] = []  # the words outside phrases and prefixes, for a whole-name alias
    for phrase, word in re.findall(r'"([^"]+)"|(\S+)', text):
        if phrase:
            tokens = re.findall(r"\w+", phrase)
            if tokens:
                terms.append(QueryTerm(_alternatives(tokens)))
            continue
        prefix = word.endswith("*")
        for token in re.findall(r"\w+", word):
            if prefix:
                terms.append(QueryTerm(((token,),), prefix=True))
            else:
                terms.append(QueryTerm(_alternatives([token])))
                plain.append(token)
    alias: Phrase | None = None
    if len(plain) > 1 and len(plain) == len(terms):
        key = lookup_key(" ".join(plain)).split()
        per_word = [w for token in plain for w in lookup_key(token).split()]
        if key and key not in (fold(lemmatise(" ".join(plain))).split(), per_word):
            alias = _words(key)
    return terms, alias or None


def fts_query(text: str) -> str | None:
    """A safe FTS5 query from user text (`parse_query`); every token is quoted."""
    terms, alias = parse_query(text)
    if not terms:
        return None
    parts = []
    for term in terms:
        if term.prefix:
            parts.append(f'"{term.alternatives[0][0]}"*')
            continue
        options = ['"' + " ".join(words) + '"' for words in term.alternatives]
        parts.append(options[0] if len(options) == 1 else "(" + " OR ".join(options) + ")")
    match = " AND ".join(parts)
    if alias:
        match = f'({match}) OR "{" ".join(alias)}"'
    return match


def ts_query(text: str) -> str | None:
    """The same lookup (`parse_query`) in PostgreSQL's `to_tsquery` syntax."""
    terms, alias = parse_query(text)
    if not terms:
        return None

    def phrase(words: Phrase) -> str:
        return " <-> ".join(f"'{w}'" for w in words)

    parts = []
    for term in terms:
        if term.prefix:
            parts.append(f"'{term.alternatives[0][0]}':*")
            continue
        options = [phrase(words) for words in term.alternatives]
        parts.append("(" + " | ".join(f"({o})" for o in options) + ")")
    match = " & ".join(parts)
    if alias:
        match = f"({match}) | ({phrase(alias)})"
    return match


def _words(tokens: Sequence[str]) -> Phrase:
    return tuple(t for token in tokens for t in re.findall(r"\w+", token))


def _alternatives(tokens: Sequence[str]) -> tuple[Phrase, ...]:
    """A phrase or word, then its lemma and cross-script key: ростеху, ростех, rostec."""
    options = [_words(tokens)]
    seen = {" ".join(options[0]).casefold()}
    for other in (fold(lemmatise(" ".join(tokens))).split(), lookup_key(" ".join(tokens)).split()):
        alt = _words(other)
        if alt and " ".join(alt).casefold() not in seen:
            seen.add(" ".join(alt).casefold())
            options.append(alt)
    return tuple(o for o in options if o)


@dataclass(frozen=True)
class Existing:
    """A stored story that an incoming item matched (by identity or by URL)."""

    id: int
    identity: str
    content_hash: str
    revision: int


class StoriesRepo(StoreBase):
    """Stories: dedup, ingest, search and the lists the CLI and commands show."""

    async def match_existing(
        self, scope: str, identities: Sequence[str], urls: Sequence[str | None]
    ) -> list[Existing | None]:
        """For each item, the stored story with the same identity, else the same URL in scope.

        The URL fallback makes one story of a canonical URL seen from two feeds of an outlet,
        and of an item whose outlet minted a new guid when it was edited.
        """
        # One query for both keys (one trip to the database thread per feed): the URL rows
        # of items also matched by identity are looked up too, and ignored below.
        wanted_ids = sorted(set(identities))
        wanted_urls = sorted({u for u in urls if u})
        by_identity: dict[str, Existing] = {}
        by_url: dict[str, Existing] = {}
        if len(wanted_ids) + len(wanted_urls) <= 900:
            id_parts, url_parts = [wanted_ids], [wanted_urls]
        else:  # a huge feed: in parts, under SQLite's bound-parameter limit
            id_parts, url_parts = list(chunks(wanted_ids)), list(chunks(wanted_urls))
        for n in range(max(len(id_parts), len(url_parts))):
            ids_part = id_parts[n] if n < len(id_parts) else []
            urls_part = url_parts[n] if n < len(url_parts) else []
            rows = await self._fetchall(
                "SELECT id, identity, content_hash, revision, NULL AS url FROM stories "
                f"WHERE identity IN {marks(len(ids_part))} UNION ALL "
                "SELECT id, identity, content_hash, revision, url FROM stories "
                f"WHERE scope = ? AND url IN {marks(len(urls_part))}",
                [*ids_part, scope, *urls_part],
            )
            for r in rows:
                found = Existing(r["id"], r["identity"], r["content_hash"], r["revision"])
                if r["url"] is None:
                    by_identity[r["identity"]] = found
                elif r["url"] not in by_url or found.id < by_url[r["url"]].id:
                    by_url[r["url"]] = found  # the oldest story with the URL
        return [
            by_identity.get(i) or (by_url.get(u) if u else None)
            for i, u in zip(identities, urls, strict=True)
        ]

    async def write_stories(
        self,
        new: Sequence[StoryDraft],
        revisions: Sequence[StoryDraft],
        deliveries: Mapping[str, Sequence[Delivery]] | None = None,
        *,
        linked: bool = True,
    ) -> list[int]:
        """Insert new stories, their outbox rows, and revisions in one transaction.

        Returns the ids of the new stories stored, in the order of `new` (an identity already
        stored is skipped); `write_stories_by_identity` gives them by identity.
        """
        ids = await self.write_stories_by_identity(new, revisions, deliveries, linked=linked)
        return list(dict.fromkeys(ids[d.identity] for d in new if d.identity in ids))

    async def write_stories_by_identity(
        self,
        new: Sequence[StoryDraft],
        revisions: Sequence[StoryDraft],
        deliveries: Mapping[str, Sequence[Delivery]] | None = None,
        *,
        linked: bool = True,
        polls: Sequence[PollRecord] = (),
    ) -> dict[str, int]:
        """Insert new stories, their outbox rows, and revisions in one transaction.

        `polls` are the successful polls of the feeds these stories came from (and of others
        polled meanwhile), committed with them: a feed's new validators and body hash are
        stored only with its stories. `deliveries` maps a new story's identity to its outbox
        rows (subscription id, state, first attempt time): fan-out commits with the story or
        not at all. `linked=False` marks new stories for the linker, so a crash before linking
        is caught up on restart.
        An identity stored meanwhile by another writer is skipped (ON CONFLICT DO NOTHING), so
        two pollers can never store one item twice.
        """
        fetched = now()
        # One story per identity, one revision per story (the last): the search shards are
        # kept by hand, and a second copy would index words twice.
        first_of: dict[str, StoryDraft] = {}
        for d in new:
            first_of.setdefault(d.identity, d)
        new = list(first_of.values())
        revisions = list({d.existing_id: d for d in revisions}.values())
        # A deadlock or serialization failure (PostgreSQL, two workers writing the same rows)
        # rolled everything back: the whole transaction is tried again.
        for attempt in range(1, WRITE_ATTEMPTS + 1):
            try:
                return await self._write_once(new, revisions, deliveries, linked, polls, fetched)
            except StoreError as exc:
                if exc.reason != "busy" or attempt == WRITE_ATTEMPTS:
                    raise
                log.warning("store: %s; trying the write again (%d)", exc, attempt)
                await asyncio.sleep(0.05 * attempt)
        raise AssertionError("unreachable")

    async def _write_once(
        self,
        new: Sequence[StoryDraft],
        revisions: Sequence[StoryDraft],
        deliveries: Mapping[str, Sequence[Delivery]] | None,
        linked: bool,
        polls: Sequence[PollRecord],
        fetched: float,
    ) -> dict[str, int]:
        """One attempt at `write_stories_by_identity`'s transaction."""
        ids: dict[str, int] = {}
        async with self._transaction() as db:
            if new:
                rows = [(*_insert_row(d, fetched), int(linked)) for d in new]
                if db.dialect == "postgresql":
                    ids = await _insert_stories_pg(db, rows)
                else:
                    top = await _max_story_id(db)
                    inserted = await db.executemany(
                        f"INSERT INTO stories({_INSERT_COLUMNS}) VALUES "
                        "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(identity) DO NOTHING",
                        rows,
                    )
                    ids = await self._new_story_ids(db, new, top, inserted, fetched)
                stored = [(ids[d.identity], d) for d in new if d.identity in ids]
                names = {d.identity: row[9] for d, row in zip(new, rows, strict=True)}
                await _index_for_search(
                    db, [(i, d.entry.title, d.entry.summary, names[d.identity]) for i, d in stored]
                )
                await _write_context_rows(db, _context_rows(stored, replace=False, fetched=fetched))
                per_feed = Counter(d.feed_id for _, d in stored if d.feed_id)
                if per_feed and db.dialect == "postgresql":
                    # one statement (a row per statement cost a twentieth of a batch's time)
                    feeds, counts = zip(*sorted(per_feed.items()), strict=True)
                    await db.execute(
                        "INSERT INTO feed_story_counts(feed_id, stories) SELECT * FROM "
                        "unnest(CAST(? AS TEXT[]), CAST(? AS BIGINT[])) ON CONFLICT(feed_id) "
                        "DO UPDATE SET stories = feed_story_counts.stories + excluded.stories",
                        (list(feeds), list(counts)),
                    )
                elif per_feed:
                    await db.executemany(
                        "INSERT INTO feed_story_counts(feed_id, stories) VALUES (?, ?) "
                        "ON CONFLICT(feed_id) DO UPDATE SET "
                        "stories = feed_story_counts.stories + excluded.stories",
                        sorted(per_feed.items()),
                    )
                rows = [
                    (sub_id, story_id, state, at, fetched)
                    for story_id, draft in stored
                    for sub_id, state, at in (deliveries or {}).get(draft.identity, ())
                ]
                if rows:
                    await db.executemany(
                        "INSERT INTO outbox(subscription_id, story_id, kind, state, "
                        "next_attempt_at, created_at) VALUES (?,?,'alert',?,?,?) "
                        "ON CONFLICT(subscription_id, story_id, kind) DO NOTHING",
                        rows,
                    )
            if revisions:
                # The search shards hold no text of their own: the old words are removed with
                # the old values, before the row changes, then the new ones are added.
                revised_ids = [d.existing_id for d in revisions if d.existing_id is not None]
                old_text: list[tuple[int, str, str, str]] = []
                for part in chunks(revised_ids if db.dialect == "sqlite" else []):
                    found = await db.fetchall(
                        "SELECT id, title, summary, entity_names FROM stories WHERE id IN "
                        f"{marks(len(part))}",
                        part,
                    )
                    old_text.extend((r[0], r[1], r[2], r[3]) for r in found)
                await _index_for_search(db, old_text, delete=True)
                await db.executemany(
                    "UPDATE stories SET title=?, summary=?, text=?, entity_names=?, "
                    "content_hash=?, context=coalesce(?, context), revision=revision+1, "
                    "revised_at=? WHERE id=?",
                    [
                        (
                            d.entry.title,
                            d.entry.summary,
                            d.entry.text,
                            _entity_names(d),
                            d.content_hash,
                            _context_json(d),
                            fetched,
                            d.existing_id,
                        )
                        for d in revisions
                    ],
                )
                if db.dialect == "postgresql":
                    # the narrow search table's vectors (migration 004), from the new values
                    await db.execute(
                        "UPDATE story_search AS t SET search = newsbot_search_vector(s.id, "
                        "s.language, s.title, s.entity_names, s.summary) FROM stories s "
                        "WHERE s.id = t.id AND t.id = ANY(CAST(? AS BIGINT[]))",
                        (revised_ids,),
                    )
                indexed = {int(r[0]) for r in old_text}
                await _index_for_search(
                    db,
                    [
                        (d.existing_id, d.entry.title, d.entry.summary, _entity_names(d))
                        for d in revisions
                        if d.existing_id in indexed
                    ],
                )
                await _write_context_rows(
                    db,
                    _context_rows(
                        [(d.existing_id, d) for d in revisions if d.existing_id is not None],
                        replace=True,
                    ),
                )
            await record_polls(db, polls)
        return ids

    async def _new_story_ids(
        self, db: Conn, new: Sequence[StoryDraft], top: int, inserted: int, fetched: float
    ) -> dict[str, int]:
        """Identity → id of the stories this transaction just inserted.

        Inside the write transaction (BEGIN IMMEDIATE: no other writer) SQLite gives new rows
        max(id) + 1, + 2, …, so when every row went in (no identity stored meanwhile) the ids
        are known without a lookup; only at the largest rowid does SQLite pick them at random."""
        if inserted == len(new) and top + inserted < _MAX_ROWID:
            return {d.identity: top + 1 + n for n, d in enumerate(new)}
        ids: dict[str, int] = {}
        for part in chunks([d.identity for d in new]):
            rows = await db.fetchall(
                "SELECT id, identity FROM stories WHERE fetched = ? AND identity IN "
                f"{marks(len(part))}",
                [fetched, *part],
            )
            for r in rows:
                ids[r["identity"]] = r["id"]
        return ids

    async def index_missing_search_shards(self) -> int:
        """Index stored stories whose search shard does not exist yet; returns shards built.

        Runs when the store opens: after migration 006 it builds the shards of the stories
        stored before it, and it repairs a shard table that was dropped by hand. PostgreSQL
        fills its search table in each write and has nothing to build."""
        if self.dialect != "sqlite":
            return 0
        row = await self._fetchone("SELECT max(id) FROM stories")
        top = int(row[0]) if row and row[0] is not None else 0
        if top == 0:
            return 0
        have = {int(r[0]) for r in await self._fetchall("SELECT shard FROM search_shards")}
        tables = {t for t in await self._engine.table_names() if t.startswith("stories_fts_")}
        built = 0
        for shard in range(search_shard(top) + 1):
            if shard in have and _shard_table(shard) in tables:
                continue
            async with self._transaction() as db:
                await db.execute(f"DROP TABLE IF EXISTS {_shard_table(shard)}")
                await _build_shard(db, shard)
            built += 1
            # Once per shard after an upgrade (measured 0.3 s per 50,000 bench stories): said,
            # so a first start that takes a while explains itself.
            log.info("search index: built shard %d from the stored stories", shard)
        return built

    async def unlinked_stories(self, limit: int = 100) -> list[Story]:
        rows = await self._fetchall(
            f"SELECT {_STORY_COLUMNS} FROM stories s WHERE s.linked = 0 ORDER BY s.id LIMIT ?",
            (limit,),
        )
        return [_story(r) for r in rows]

    async def mark_linked(self, story_ids: Sequence[int]) -> None:
        async with self._transaction() as db:
            await db.executemany(
                "UPDATE stories SET linked = 1 WHERE id = ?", [(i,) for i in story_ids]
            )

    async def story(self, story_id: int) -> Story | None:
        row = await self._fetchone(
            f"SELECT {_STORY_COLUMNS} FROM stories s WHERE s.id = ?", (story_id,)
        )
        return _story(row) if row else None

    async def stories_by_ids(self, ids: Sequence[int]) -> list[Story]:
        found: dict[int, Story] = {}
        for part in chunks(list(ids)):
            rows = await self._fetchall(
                f"SELECT {_STORY_COLUMNS} FROM stories s WHERE s.id IN {marks(len(part))}",
                part,
            )
            for r in rows:
                found[r["id"]] = _story(r)
        return [found[i] for i in ids if i in found]

    async def latest(self, limit: int = 10) -> list[Story]:
        rows = await self._fetchall(
            f"SELECT {_STORY_COLUMNS} FROM stories s ORDER BY s.sort_time DESC, s.id DESC LIMIT ?",
            (limit,),
        )
        return [_story(r) for r in rows]

    async def search(self, query: str, limit: int = 10) -> list[SearchHit]:
        """Full-text lookup: bm25 relevance first (title weighs most), then recency.

        Ranking happens inside the FTS shards over the newest stories first (the window widens
        only when too few match); each shard ranks its own matches, so bm25 weighs a term by
        its frequency in that shard, and the snippets come in the same statement."""
        if self.dialect == "postgresql":
            return await self._search_pg(query, limit)
        match = fts_query(query)
        if match is None:
            return []
        top = await self._fetchone(
            # shards whose table exists: one dropped by hand is skipped until rebuilt
            "SELECT (SELECT max(id) FROM stories), (SELECT group_concat(shard) "
            "FROM search_shards WHERE 'stories_fts_' || shard IN "
            "(SELECT name FROM sqlite_master WHERE type = 'table'))"
        )
        if top is None or top[0] is None or not top[1]:
            return []
        max_id = int(top[0])
        shards = sorted((int(x) for x in str(top[1]).split(",")), reverse=True)
        hits: list[tuple[int, float, str]] = []
        for window in _SEARCH_WINDOWS:
            floor = max(0, max_id - window) if window is not None else 0
            # Shards holding ids above the floor, newest first; one statement for all of them.
            wanted = [k for k in shards if (k + 1) * SEARCH_SHARD_SIZE > floor]
            parts = []
            params: list[Any] = []
            for shard in wanted:
                table = _shard_table(shard)
                parts.append(
                    f"SELECT * FROM (SELECT rowid, rank, snippet({table}, -1, '[', ']', '…', 16) "
                    f"FROM {table} WHERE {table} MATCH ? AND rank MATCH 'bm25({_BM25})' "
                    "AND rowid > ? ORDER BY rank, rowid DESC LIMIT ?)"
                )
                params.extend((match, floor, limit))
            rows = await self._fetchall(" UNION ALL ".join(parts), params) if parts else []
            # Scores of different shards are merged as they are. Known limit: in a shard that
            # holds only a few stories (just after a boundary), bm25 gives a word found in over
            # half of them almost no weight, so those few newest matches can rank below older
            # ones until the shard fills (tests/store/test_search_index.py builds shards that
            # are not that small; benchmarks/README.md has the measured search).
            hits = sorted(((int(r[0]), float(r[1]), r[2]) for r in rows), key=_by_relevance)
            if len(hits) >= limit or floor <= 0:
                break
        return await self._hits(hits[:limit])

    async def _search_pg(self, query: str, limit: int) -> list[SearchHit]:
        """The same lookup on PostgreSQL: the query in the four search configurations (a
        story's vector holds its language's stems and the words as written), ts_rank with
        the headline weighing most, then entity names, then the summary; recency windows as
        on SQLite.

        Within a window the GIN index does the work of SQLite's shards: the words are ANDed
        with the id-range tags that cover the window (migration 003; `newsbot_window_tags`,
        migration 005), so the index intersects their postings and reads only the window's
        share of a common word. Every window is in the one statement; a wider one runs only
        when the one before it came up short.
        A prefix is the exception: GIN collects every posting of every word it starts before
        it can intersect, so in the first window a prefix reads the window's stories along
        the tags and tests each one instead. Headlines are made for the shown hits only."""
        statement = search_pg_statement(query, limit)
        if statement is None:
            return []
        rows = await self._fetchall(*statement)
        rows = [r for r in rows if r["id"] is not None]
        return [
            SearchHit(
                story=_story(r),
                snippet=r["snippet"] or "",
                rank=float(r["rank"]),
                outlet_name=r["outlet_name"],
            )
            for r in rows
        ]

    async def _hits(self, hits: Sequence[tuple[int, float, str]]) -> list[SearchHit]:
        """(story id, rank, snippet) as search hits, in that order, with their outlets."""
        if not hits:
            return []
        ids = [story_id for story_id, _, _ in hits]
        rows = await self._fetchall(
            f"SELECT {_STORY_COLUMNS}, o.name AS outlet_name FROM stories s "
            "LEFT JOIN outlets o ON o.id = s.outlet_id "
            f"WHERE s.id IN {marks(len(ids))}",
            ids,
        )
        by_id = {r["id"]: r for r in rows}
        return [
            SearchHit(
                story=_story(by_id[i]),
                snippet=snippet or "",
                rank=score,
                outlet_name=by_id[i]["outlet_name"],
            )
            for i, score, snippet in hits
            if i in by_id
        ]

    async def stats(self) -> dict[str, int]:
        day_ago = now() - 86400
        row = await self._fetchone(
            "SELECT (SELECT count(*) FROM stories) AS stories, "
            # published in the last 24 h (sort_time: publication time, never in the future)
            "(SELECT count(*) FROM stories WHERE sort_time >= ?) AS stories_24h, "
            "(SELECT count(*) FROM stories WHERE alert_worthy = 1) AS alert_worthy, "
            "(SELECT count(*) FROM feeds) AS feeds, "
            "(SELECT count(*) FROM feeds WHERE enabled = 1) AS feeds_enabled, "
            "(SELECT count(*) FROM feeds WHERE status = 'ok') AS feeds_ok, "
            "(SELECT count(*) FROM feeds WHERE status = 'failing') AS feeds_failing, "
            "(SELECT count(*) FROM feeds WHERE status = 'disabled') AS feeds_disabled, "
            "(SELECT count(*) FROM outlets) AS outlets, "
            "(SELECT count(*) FROM denials) AS denials, "
            "(SELECT count(*) FROM story_links WHERE kind = 'denies') AS denial_links",
            (day_ago,),
        )
        assert row is not None
        return {key: int(row[key]) for key in row.keys()}  # noqa: SIM118 - sqlite3.Row


@dataclass(frozen=True)
class _ContextRows:
    """The rows a batch of stories adds to story_entities, denials and story_band_index."""

    replaced_ids: list[tuple[int]]  # revisions: their previous rows go first
    entities: list[tuple[Any, ...]]
    denials: list[tuple[Any, ...]]
    bands: list[tuple[int, tuple[int, ...]]]  # (story id, its MinHash LSH bands)
    replace: bool  # a revision's rows (they replace its old ones), else new stories'


def _context_rows(
    stored: Sequence[tuple[int, StoryDraft]], *, replace: bool, fetched: float = 0.0
) -> _ContextRows:
    with_context = [(i, d) for i, d in stored if d.context is not None]
    entity_rows = []
    denial_rows = []
    for story_id, draft in with_context:
        assert draft.context is not None
        # known for a new story; a revision's comes from its row
        sort_time = None if replace else _sort_time(draft, fetched)
        seen: set[str] = set()
        for entity in draft.context.entities:
            # Filed under its written key and its cross-script one ("ростех" and "rostec"),
            # which is how lookups ask for it (`entity_lookup_keys`).
            for key in (entity_key(entity.name), lookup_key(entity.name)):
                if key and key not in seen:
                    seen.add(key)
                    entity_rows.append(
                        (story_id, key, entity.name, entity.kind, entity.role, sort_time, story_id)
                    )
        denial = draft.context.denial
        if denial.is_denial:
            denial_rows.append(
                (
                    story_id,
                    denial.denied_outlet,
                    denial.denied_outlet_id,
                    denial.claim,
                    json.dumps([{"name": d.name, "role": d.role} for d in denial.deniers]),
                    json.dumps(list(denial.evidence)),
                )
            )
    # A revision keeps its first bands: an edited story is still a copy of what it copied.
    band_rows = [] if replace else [(i, tuple(d.bands)) for i, d in stored if d.bands]
    return _ContextRows(
        [(i,) for i, _ in with_context] if replace else [],
        entity_rows,
        denial_rows,
        band_rows,
        replace,
    )


async def _write_context_rows(db: Conn, rows: _ContextRows) -> None:
    if db.dialect == "postgresql":
        await _write_context_rows_pg(db, rows)
        return
    if rows.replaced_ids:
        await db.executemany("DELETE FROM story_entities WHERE story_id = ?", rows.replaced_ids)
        await db.executemany("DELETE FROM denials WHERE story_id = ?", rows.replaced_ids)
    if rows.entities:
        await db.executemany(
            "INSERT INTO story_entities(story_id, key, name, kind, role, sort_time)"
            " VALUES (?,?,?,?,?, coalesce(?, (SELECT sort_time FROM stories WHERE id = ?)))"
            " ON CONFLICT(story_id, key) DO NOTHING",
            rows.entities,
        )
    if rows.denials:
        await db.executemany(
            "INSERT INTO denials(story_id, denied_outlet, denied_outlet_id, claim,"
            " deniers, evidence) VALUES (?,?,?,?,?,?) ON CONFLICT(story_id) DO UPDATE SET"
            " denied_outlet=excluded.denied_outlet, denied_outlet_id=excluded.denied_outlet_id,"
            " claim=excluded.claim, deniers=excluded.deniers, evidence=excluded.evidence",
            rows.denials,
        )
    if rows.bands:
        await db.executemany(
            "INSERT INTO story_band_index(rowid, bands) VALUES (?,?)",
            [(i, band_tokens(bands)) for i, bands in rows.bands],
        )


async def _write_context_rows_pg(db: Conn, rows: _ContextRows) -> None:
    """The same rows on PostgreSQL: COPY for new stories, one statement per table (arrays
    through unnest) for revisions and denials; a row per statement cost most of a batch's
    time there."""
    if rows.replaced_ids:
        ids = [i for (i,) in rows.replaced_ids]
        await db.execute(
            "DELETE FROM story_entities WHERE story_id = ANY(CAST(? AS BIGINT[]))", (ids,)
        )
        await db.execute("DELETE FROM denials WHERE story_id = ANY(CAST(? AS BIGINT[]))", (ids,))
    if not rows.replace:
        # New stories (ids this transaction just made): their rows cannot collide, so they
        # are copied in as they are, in key order (the indexes are filled in order); a
        # revision's entities go through the statement below, and it keeps its bands.
        await db.copy_rows(
            "story_entities",
            ("story_id", "key", "name", "kind", "role", "sort_time"),
            sorted((row[:6] for row in rows.entities), key=lambda row: row[1]),
        )
        await db.copy_rows(
            "story_bands",
            ("band", "story_id"),
            sorted({(band, i) for i, bands in rows.bands for band in bands}),
        )
    elif rows.entities:
        story_ids, keys, names, kinds, roles, times, _ = map(list, zip(*rows.entities, strict=True))
        await db.execute(
            "INSERT INTO story_entities(story_id, key, name, kind, role, sort_time) "
            "SELECT u.story_id, u.key, u.name, u.kind, u.role, coalesce(u.sort_time, s.sort_time) "
            "FROM unnest(CAST(? AS BIGINT[]), CAST(? AS TEXT[]), CAST(? AS TEXT[]), "
            "CAST(? AS TEXT[]), CAST(? AS TEXT[]), CAST(? AS DOUBLE PRECISION[])) "
            "AS u(story_id, key, name, kind, role, sort_time) JOIN stories s ON s.id = u.story_id "
            "ON CONFLICT(story_id, key) DO NOTHING",
            (story_ids, keys, names, kinds, roles, times),
        )
    if rows.denials:
        columns = [list(c) for c in zip(*rows.denials, strict=True)]
        await db.execute(
            "INSERT INTO denials(story_id, denied_outlet, denied_outlet_id, claim, deniers, "
            "evidence) SELECT * FROM unnest(CAST(? AS BIGINT[]), CAST(? AS TEXT[]), "
            "CAST(? AS TEXT[]), CAST(? AS TEXT[]), CAST(? AS TEXT[]), CAST(? AS TEXT[])) "
            "ON CONFLICT(story_id) DO UPDATE SET denied_outlet=excluded.denied_outlet, "
            "denied_outlet_id=excluded.denied_outlet_id, claim=excluded.claim, "
            "deniers=excluded.deniers, evidence=excluded.evidence",
            columns,
        )


_MAX_ROWID = 2**63 - 1


async def _max_story_id(db: Conn) -> int:
    rows = await db.fetchall("SELECT max(id) FROM stories")
    return int(rows[0][0]) if rows and rows[0][0] is not None else 0


async def _build_shard(db: Conn, shard: int) -> None:
    """Create a shard's table, index the stored stories of its id range, and register it."""
    await db.execute(_shard_ddl(shard))
    await db.execute(
        f"INSERT INTO {_shard_table(shard)}(rowid, title, summary, entity_names) "
        "SELECT id, title, summary, entity_names FROM stories WHERE id BETWEEN ? AND ?",
        (shard * SEARCH_SHARD_SIZE + 1, (shard + 1) * SEARCH_SHARD_SIZE),
    )
    await db.execute(
        "INSERT INTO search_shards(shard, created_at) VALUES (?, ?) "
        "ON CONFLICT(shard) DO UPDATE SET created_at = excluded.created_at",
        (shard, now()),
    )


async def _index_for_search(
    db: Conn, rows: Sequence[tuple[int, str, str, str]], *, delete: bool = False
) -> None:
    """Add (or, with delete, remove) (id, title, summary, entity names) rows in their shards.

    A shard whose table does not exist yet (its first story, or a table dropped by hand) is
    created and filled from the stories table, which by then holds this transaction's rows
    with the values the shard must index. (SQLite only: PostgreSQL's search table is filled
    by the INSERT's trigger and the revision's UPDATE.)"""
    if db.dialect != "sqlite":
        return
    by_shard: dict[int, list[tuple[int, str, str, str]]] = {}
    for row in rows:
        by_shard.setdefault(search_shard(row[0]), []).append(row)
    for shard, part in sorted(by_shard.items()):
        table = _shard_table(shard)
        exists = bool(
            await db.fetchall(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
            )
        )
        if not exists:
            await _build_shard(db, shard)
            if not delete:
                continue  # the new rows came with the fill
        if delete:
            await db.executemany(
                f"INSERT INTO {table}({table}, rowid, title, summary, entity_names) "
                "VALUES ('delete', ?, ?, ?, ?)",
                part,
            )
        else:
            await db.executemany(
                f"INSERT INTO {table}(rowid, title, summary, entity_names) VALUES (?, ?, ?, ?)",
                part,
            )


def _entity_names(draft: StoryDraft) -> str:
    if draft.context is None:
        return ""
    names = []
    for entity in draft.context.entities:
        names.append(entity.name)
        if entity.role:
            names.append(entity.role)
        # The cross-script key too, when it has other words ("Ростех" → "rostec"), so the
        # full-text lookup finds the story by the name in either script.
        key = lookup_key(entity.name)
        if key and not set(key.split()) <= set(fold(entity.name).split()):
            names.append(key)
    return " · ".join(names)


def _context_json(draft: StoryDraft) -> str | None:
    if draft.context is None:
        return None
    return draft.context_json or json.dumps(draft.context.to_dict())


def _sort_time(d: StoryDraft, fetched: float) -> float:
    # A date in the future (bad clocks, time-zone bugs) must not pin a story to the top.
    published = d.entry.published.timestamp() if d.entry.published else None
    return min(published, fetched) if published is not None else fetched


def _insert_row(d: StoryDraft, fetched: float) -> tuple[Any, ...]:
    published = d.entry.published.timestamp() if d.entry.published else None
    sort_time = _sort_time(d, fetched)
    return (
        d.identity,
        d.scope,
        d.outlet_id,
        d.feed_id,
        d.entry.canonical_url,
        d.entry.guid,
        d.entry.title,
        d.entry.summary,
        d.entry.text,
        _entity_names(d),
        d.content_hash,
        published,
        fetched,
        sort_time,
        d.entry.language,
        int(d.alert_worthy),
        _context_json(d),
    )


_INSERT_COLUMNS = (
    "identity, scope, outlet_id, feed_id, url, guid, title, summary, text, entity_names, "
    "content_hash, published, fetched, sort_time, language, alert_worthy, context, linked"
)
# The PostgreSQL type of each column of `_insert_row(...) + (linked,)`, for unnest.
_INSERT_TYPES = ("TEXT",) * 11 + ("DOUBLE PRECISION",) * 3 + ("TEXT", "INTEGER", "TEXT", "INTEGER")


# Stories reach PostgreSQL by binary COPY into a session's staging table, then one INSERT …
# SELECT that skips an identity another worker stored meanwhile. The table is the session's
# own (TEMPORARY) and emptied at every commit; made once per session.
_STAGE_STORIES = (
    "CREATE TEMPORARY TABLE IF NOT EXISTS newsbot_stage_stories ("
    + ", ".join(
        f"{name} {kind}"
        for name, kind in zip(_INSERT_COLUMNS.split(", "), _INSERT_TYPES, strict=True)
    )
    + ") ON COMMIT DELETE ROWS"
)


async def _insert_stories_pg(db: Conn, rows: Sequence[tuple[Any, ...]]) -> dict[str, int]:
    """Insert a batch (COPY, then one statement), learning each new id from RETURNING; an
    identity another worker stored meanwhile is skipped and not returned."""
    await db.execute(_STAGE_STORIES)
    await db.copy_rows("newsbot_stage_stories", _INSERT_COLUMNS.split(", "), rows)
    found = await db.fetchall(
        f"INSERT INTO stories({_INSERT_COLUMNS}) SELECT {_INSERT_COLUMNS} "
        "FROM newsbot_stage_stories ON CONFLICT(identity) DO NOTHING RETURNING id, identity"
    )
    return {r["identity"]: int(r["id"]) for r in found}
