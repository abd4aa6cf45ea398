-- The search vectors without their first-letter entries (#17: ingest CPU).
--
-- Migration 003 put the first four letters of every word ('~serv') in each vector so that a
-- prefix's first recency window could be looked up in the GIN index. They were 23 of a bench
-- story's 58 index entries, and the dearest: on a 100,000-story index, inserting 10,000
-- vectors cost 78 us a story with them, 40 without, and making them 8 us more a vector. A
-- prefix's first window (the newest 5,000 stories, whatever the store's size) now reads the
-- window's stories by its id-range tags and tests each one, as a prefix shorter than four
-- letters always did: about 3 ms at 300,000 stories against 1 ms with the letters. The wider
-- windows never used the letters (GIN's own prefix match there).
--
-- The vectors stored keep their words and tags and lose the letters: a new table, as
-- migration 004 made it (an UPDATE of every row would leave a dead copy of each; a store of
-- a million stories takes minutes here, under the migration lock).

CREATE OR REPLACE FUNCTION newsbot_search_vector(
    id bigint, language text, title text, entity_names text, summary text
) RETURNS tsvector LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
    config regconfig := newsbot_search_config(language);
    plain text := unaccent(title);
BEGIN
    -- the headline in its language's stems and as written (A), entity names as written (B),
    -- the summary in its language's stems (C); then, without positions, the id-range tags
    RETURN setweight(to_tsvector(config, plain) || to_tsvector('simple', plain), 'A')
        || setweight(to_tsvector('simple', unaccent(entity_names)), 'B')
        || setweight(to_tsvector(config, unaccent(summary)), 'C')
        || array_to_tsvector(ARRAY[
            '#0:' || ((id - 1) / 1000), '#1:' || ((id - 1) / 10000), '#2:' || ((id - 1) / 100000)
        ]);
END
$$;
DROP FUNCTION newsbot_first_letters(tsvector);

CREATE TABLE story_search_006 (
    id      bigint PRIMARY KEY,
    search  tsvector NOT NULL
);
-- (no word of a vector starts with '~': the parser makes none, and no query can name one)
INSERT INTO story_search_006(id, search)
SELECT id, ts_delete(search, ARRAY(
    SELECT w FROM unnest(tsvector_to_array(search)) AS w WHERE left(w, 1) = '~'
))
FROM story_search ORDER BY id;
DROP TABLE story_search;  -- and its GIN index
ALTER TABLE story_search_006 RENAME TO story_search;
ALTER INDEX story_search_006_pkey RENAME TO story_search_pkey;
SET LOCAL maintenance_work_mem = '256MB';
CREATE INDEX story_search_gin ON story_search USING gin (search)
    WITH (gin_pending_list_limit = 1024);
