-- Cheaper writes and bounded lookups at a million stories (benchmarks/README.md has the figures).
--
-- 1. Full-text search moves from one FTS5 index to shards of 50,000 consecutive story ids
--    (stories_fts_<n>, created by the store as ids reach them, listed in search_shards). bm25
--    weighs each term by counting every story that contains it; in one index over a million
--    stories that count alone took 5-28 ms for common words and phrases. A shard bounds it.
--    The store writes the shards itself (no trigger: measured 1.5x faster inserts) and no
--    prefix index is kept (its "3" length never matched the prefixes people type, and it
--    cost a fifth of the write time); prefix queries read one shard's terms at a time.
--    Existing stories are indexed into their shards when the store opens after this migration.
DROP TRIGGER IF EXISTS stories_ai;
DROP TRIGGER IF EXISTS stories_ad;
DROP TRIGGER IF EXISTS stories_au;
DROP TABLE IF EXISTS stories_fts;
CREATE TABLE search_shards (
    shard       INTEGER PRIMARY KEY,          -- stories with (id - 1) / 50000 = shard
    created_at  REAL NOT NULL
);

-- 2. MinHash LSH bands move from a b-tree of (band, story) rows to an FTS5 inverted index
--    (one document of band tokens per story, no content, no positions): 8 random b-tree
--    inserts per story were half of the write time; FTS5 buffers a transaction's tokens and
--    writes them as one sorted segment.
CREATE VIRTUAL TABLE story_band_index USING fts5(
    bands, content='', detail='none', columnsize=0, tokenize='ascii'
);
INSERT INTO story_band_index(rowid, bands)
    SELECT story_id, group_concat(printf('b%x', band), ' ') FROM story_bands GROUP BY story_id;
DROP TABLE story_bands;

-- 3. Stories per feed become counters kept by the store: the (feed_id) index they replace
--    touched a different page for nearly every story of a 1,000-feed poll. The counters
--    outlive the feed row, as its stories do, so a feed removed and added again keeps them.
CREATE TABLE feed_story_counts (
    feed_id  TEXT PRIMARY KEY,
    stories  INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO feed_story_counts(feed_id, stories)
    SELECT feed_id, count(*) FROM stories WHERE feed_id IS NOT NULL GROUP BY feed_id;
DROP INDEX IF EXISTS stories_feed;

-- 4. The linker's "stories not linked yet" read every story from the oldest until it found
--    them; a partial index holds only the unlinked few.
CREATE INDEX stories_unlinked ON stories(id) WHERE linked = 0;
