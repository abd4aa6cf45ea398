-- Fact context: entities per story, denials, links between stories (denies / same_story).
-- sort_time is copied from the story so that "stories naming X in this window" is one index
-- range, not every story that ever named X.
CREATE TABLE story_entities (
    story_id  INTEGER NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
    key       TEXT NOT NULL,                 -- normalised name: lower case, no accents
    name      TEXT NOT NULL,
    kind      TEXT NOT NULL,
    role      TEXT,
    sort_time REAL NOT NULL,
    PRIMARY KEY (story_id, key)
);
CREATE INDEX story_entities_key_time ON story_entities(key, sort_time, story_id);

CREATE TABLE denials (
    story_id          INTEGER PRIMARY KEY REFERENCES stories(id) ON DELETE CASCADE,
    denied_outlet     TEXT,
    denied_outlet_id  TEXT,
    claim             TEXT,
    deniers           TEXT NOT NULL DEFAULT '[]',
    evidence          TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX denials_outlet ON denials(denied_outlet_id);

CREATE TABLE story_links (
    from_story  INTEGER NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
    to_story    INTEGER NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,               -- denies | same_story
    confidence  REAL NOT NULL,
    reason      TEXT NOT NULL DEFAULT '',
    created_at  REAL NOT NULL,
    PRIMARY KEY (from_story, to_story, kind)
);
CREATE INDEX story_links_to ON story_links(to_story, kind);

-- MinHash LSH bands: stories sharing a band are candidates for the same cluster.
-- Only the lookup direction is indexed; a story's own bands are recomputed from its text when
-- needed (after a crash), which is cheaper than a second index on every insert.
CREATE TABLE story_bands (
    band      INTEGER NOT NULL,              -- (band number << 56) | band hash, one integer
    story_id  INTEGER NOT NULL,
    PRIMARY KEY (band, story_id)
) WITHOUT ROWID;
