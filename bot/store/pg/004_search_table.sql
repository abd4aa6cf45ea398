-- The search vectors in a narrow table of their own (#17).
--
-- A lookup ranks every match of its window (ts_rank reads each vector): on the wide story
-- row (title, summary, text, context: 2.4 KB a story) the matches of a common word in the
-- newest 5,000 stories were ~660 heap pages, most of the lookup's time at a million stories,
-- where the rows outgrow the server's buffers. `story_search` holds (id, vector) only, so the
-- same matches sit on a fifth of the pages, and the wide rows are read for the 10 shown hits.
--
-- The vectors are the same as migration 003's (words, first letters, id-range tags), moved
-- over as they are, not recomputed. A statement trigger with a transition table keeps it
-- on every path that inserts a story (the poller's INSERT … SELECT, `newsbot db copy`, SQL by
-- hand): one set-based INSERT per statement, not a trigger call per row.
CREATE TABLE story_search (
    id      bigint PRIMARY KEY,
    search  tsvector NOT NULL
);
INSERT INTO story_search(id, search) SELECT id, search FROM stories ORDER BY id;
ALTER TABLE stories DROP COLUMN search;  -- drops its GIN index too
-- (a store of a million stories builds the index in minutes; more memory sorts it faster)
SET LOCAL maintenance_work_mem = '256MB';
CREATE INDEX story_search_gin ON story_search USING gin (search)
    WITH (gin_pending_list_limit = 1024);

CREATE FUNCTION story_search_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO story_search(id, search)
    SELECT id, newsbot_search_vector(id, language, title, entity_names, summary)
    FROM new_stories ORDER BY id;
    RETURN NULL;
END
$$;
CREATE TRIGGER story_search_insert AFTER INSERT ON stories
    REFERENCING NEW TABLE AS new_stories FOR EACH STATEMENT
    EXECUTE FUNCTION story_search_inserted();

-- A revision's vector is recomputed by the store's revision statement itself (stories_repo):
-- an UPDATE trigger with transition tables would also run for every `linked` and
-- `cluster_id` update of the linker. (After editing unaccent.rules: UPDATE story_search t SET
-- search = newsbot_search_vector(s.id, s.language, s.title, s.entity_names, s.summary)
-- FROM stories s WHERE s.id = t.id.)
