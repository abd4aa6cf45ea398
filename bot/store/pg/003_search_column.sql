-- Ingest and lookup at a million stories (#17).
--
-- 1. The search vector is a generated column: computed in the INSERT (or UPDATE) itself from
--    one expression, no trigger, and the same on every path that writes a story (the poller,
--    revisions, `newsbot db copy`). Adding it rewrites the table once: a store of a million
--    stories takes minutes to migrate, under the migration lock.
-- 2. Besides the words, each vector holds three id-range tags, '#0:k' (ids of the k-th block
--    of 1,000), '#1:k' (10,000) and '#2:k' (100,000). A lookup ANDs its words with the tags
--    that cover its recency window, so the GIN index intersects the word's postings with the
--    window's inside the index: a common word costs what its matches in the window cost, not
--    what its matches in the whole store cost (a word matching a fifth of a million stories
--    read 200,000 postings for the newest 5,000 stories before). A prefix ("servi*") cannot
--    be intersected that way (GIN gathers every posting of every word it starts first), so
--    each vector also holds the first four letters of its words ('~serv'): a prefix of four
--    letters or more is looked up as those, with the window's tags, and its stories tested.
--    No query can name a tag: user text reaches a query only as \w+ tokens, and tags start
--    with '#' or '~'.
-- 3. story_entities loses its foreign key to stories: its rows are written only by the store,
--    in the transaction that writes their story, and stories are never deleted; the key's
--    check was a third of that table's insert time.
-- 4. The GIN index's pending list is kept short (1 MB): every lookup reads the whole list, so
--    the default 4 MB cost every search the time of a long scan while stories arrive.

-- Declared IMMUTABLE so a generated column may use it: to_tsvector with a fixed
-- configuration is, unaccent is "stable" only because its rules file could be edited. (After
-- editing unaccent.rules, `UPDATE stories SET title = title` recomputes the vectors.)
CREATE FUNCTION newsbot_search_vector(
    id bigint, language text, title text, entity_names text, summary text
) RETURNS tsvector LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
    config regconfig := newsbot_search_config(language);
    plain text := unaccent(title);
    words tsvector;
BEGIN
    -- The headline in its language's stems and as written (A); entity names as written (B);
    -- the summary in its language's stems (C).
    words := setweight(to_tsvector(config, plain), 'A') || setweight(to_tsvector('simple', plain), 'A')
        || setweight(to_tsvector('simple', unaccent(entity_names)), 'B')
        || setweight(to_tsvector(config, unaccent(summary)), 'C');
    -- Then, without positions: the first four letters of each word of four or more ('~serv'),
    -- and the id-range tags.
    RETURN words
        || array_to_tsvector(ARRAY(
            SELECT DISTINCT '~' || left(w, 4) FROM unnest(tsvector_to_array(words)) AS w
            WHERE length(w) >= 4
        ))
        || array_to_tsvector(ARRAY[
            '#0:' || ((id - 1) / 1000), '#1:' || ((id - 1) / 10000), '#2:' || ((id - 1) / 100000)
        ]);
END
$$;

DROP TRIGGER stories_search_insert ON stories;
DROP TRIGGER stories_search_update ON stories;
DROP FUNCTION stories_search_vector();
ALTER TABLE stories DROP COLUMN search;
ALTER TABLE stories ADD COLUMN search tsvector NOT NULL
    GENERATED ALWAYS AS (newsbot_search_vector(id, language, title, entity_names, summary)) STORED;
CREATE INDEX stories_search ON stories USING gin (search) WITH (gin_pending_list_limit = 1024);

ALTER TABLE story_entities DROP CONSTRAINT story_entities_story_id_fkey;
