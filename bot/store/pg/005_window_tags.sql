-- Every recency window of a lookup in one statement; a cheaper search vector (#17).
--
-- A lookup whose newest 5,000 stories hold fewer matches than it shows widens to 50,000,
-- 500,000, then every story (stories_repo._search_pg). Each wider window was one more
-- statement, with the window's id-range tags (migration 003) made by the client; at a million
-- stories a rare word took up to four round trips. The statement now makes the tags itself,
-- and a wider window runs only when the one before it came up short.

-- The same tags as stories_repo.window_tags: a tsquery matching every story with
-- floor < id <= top (and some just below floor, which the lookup's `id > floor` drops), the
-- OR of the fewest blocks of 1,000 / 10,000 / 100,000 ids that cover the range, coarse blocks
-- in the middle, fine ones at the ends. NULL when the range holds no id (floor >= top).
CREATE FUNCTION newsbot_window_tags(floor bigint, top bigint) RETURNS tsquery
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
    sizes CONSTANT bigint[] := ARRAY[1000, 10000, 100000];
    lo_block bigint := floor / 1000;  -- block k: ids kS+1 .. (k+1)S
    hi_block bigint := (top - 1) / 1000;
    coarse bigint;
    lo bigint;
    hi bigint;
    tags text[] := '{}';
BEGIN
    IF floor >= top THEN
        RETURN NULL;
    END IF;
    FOR level IN 1 .. array_length(sizes, 1) LOOP
        coarse := CASE WHEN level < array_length(sizes, 1)
            THEN sizes[level + 1] / sizes[level] ELSE 0 END;
        IF coarse > 0 THEN
            -- the whole coarse blocks inside [lo_block, hi_block], in units of the coarser size
            lo := (lo_block + coarse - 1) / coarse;
            hi := (hi_block + 1) / coarse - 1;
        ELSE
            lo := 1;
            hi := 0;
        END IF;
        IF lo > hi THEN
            tags := tags || ARRAY(SELECT format('''#%s:%s''', level - 1, k)
                FROM generate_series(lo_block, hi_block) AS k);
            EXIT;
        END IF;
        tags := tags || ARRAY(SELECT format('''#%s:%s''', level - 1, k)
            FROM generate_series(lo_block, lo * coarse - 1) AS k)
            || ARRAY(SELECT format('''#%s:%s''', level - 1, k)
            FROM generate_series((hi + 1) * coarse, hi_block) AS k);
        lo_block := lo;
        hi_block := hi;
    END LOOP;
    RETURN array_to_string(tags, ' | ')::tsquery;
END
$$;

-- The search vector as migration 003 made it, its first letters without a DISTINCT:
-- array_to_tsvector drops repeated lexemes itself (the same vectors: compared on 10,000
-- bench stories and every 50th of 300,000 stored; about 10 % less CPU per vector). Only the
-- story_search trigger and revisions call it since migration 004: nothing to recompute.
CREATE FUNCTION newsbot_first_letters(words tsvector) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT array_to_tsvector(ARRAY(
        SELECT '~' || left(w, 4) FROM unnest(tsvector_to_array(words)) AS w WHERE length(w) >= 4
    ))
$$;

CREATE OR REPLACE FUNCTION newsbot_search_vector(
    id bigint, language text, title text, entity_names text, summary text
) RETURNS tsvector LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
    config regconfig := newsbot_search_config(language);
    plain text := unaccent(title);
    -- the headline in its language's stems and as written (A), entity names as written (B),
    -- the summary in its language's stems (C)
    words tsvector := setweight(to_tsvector(config, plain) || to_tsvector('simple', plain), 'A')
        || setweight(to_tsvector('simple', unaccent(entity_names)), 'B')
        || setweight(to_tsvector(config, unaccent(summary)), 'C');
BEGIN
    -- then, without positions, the first four letters of its words and the id-range tags
    RETURN words || newsbot_first_letters(words) || array_to_tsvector(ARRAY[
        '#0:' || ((id - 1) / 1000), '#1:' || ((id - 1) / 10000), '#2:' || ((id - 1) / 100000)
    ]);
END
$$;
