-- Foundation: outlets, feeds with their health, stories (identity key UNIQUE) and full-text search.
CREATE TABLE outlets (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    card        TEXT NOT NULL,              -- OutletCard as JSON (facts with sources)
    origin      TEXT NOT NULL DEFAULT 'config',
    updated_at  REAL NOT NULL
);

CREATE TABLE feeds (
    id             TEXT PRIMARY KEY,
    url            TEXT NOT NULL UNIQUE,
    outlet_id      TEXT,
    interval       INTEGER NOT NULL,
    tags           TEXT NOT NULL DEFAULT '[]',
    language       TEXT,
    enabled        INTEGER NOT NULL DEFAULT 1,   -- what the config or a moderator wants
    origin         TEXT NOT NULL DEFAULT 'config',
    title          TEXT,
    etag           TEXT,
    last_modified  TEXT,
    body_hash      TEXT,
    status         TEXT NOT NULL DEFAULT 'new',  -- new | ok | failing | disabled
    failures       INTEGER NOT NULL DEFAULT 0,
    first_failure_at REAL,
    last_error     TEXT,
    last_error_at  REAL,
    last_polled_at REAL,
    last_ok_at     REAL,
    baseline_done  INTEGER NOT NULL DEFAULT 0,   -- first successful parse recorded (no alerts)
    next_poll_at   REAL,
    created_at     REAL NOT NULL
);

CREATE TABLE stories (
    id            INTEGER PRIMARY KEY,
    identity      TEXT NOT NULL UNIQUE,
    scope         TEXT NOT NULL,                 -- outlet id, or feed:<id> when the outlet is unknown
    outlet_id     TEXT,
    feed_id       TEXT,
    url           TEXT,
    guid          TEXT,
    title         TEXT NOT NULL,
    summary       TEXT NOT NULL,
    text          TEXT NOT NULL,
    entity_names  TEXT NOT NULL DEFAULT '',      -- names and roles, for full-text search
    content_hash  TEXT NOT NULL,
    published     REAL,
    fetched       REAL NOT NULL,
    sort_time     REAL NOT NULL,                 -- published, else fetched: newest-first lists
    language      TEXT,
    alert_worthy  INTEGER NOT NULL,
    revision      INTEGER NOT NULL DEFAULT 0,
    revised_at    REAL,
    context       TEXT,                          -- StoryContext as JSON, computed once
    cluster_id    INTEGER
);
CREATE INDEX stories_scope_url ON stories(scope, url);
CREATE INDEX stories_sort_time ON stories(sort_time);
CREATE INDEX stories_outlet_time ON stories(outlet_id, sort_time);
CREATE INDEX stories_feed ON stories(feed_id);

-- Full-text search over what a story says up front: headline, summary, and the names of every
-- entity found anywhere in its text. The full text is not indexed: feeds often repeat the
-- summary there, and indexing it cost most of the ingest time and database size.
CREATE VIRTUAL TABLE stories_fts USING fts5(
    title, summary, entity_names,
    content='stories', content_rowid='id',
    tokenize='unicode61 remove_diacritics 2',
    prefix='3'
);
CREATE TRIGGER stories_ai AFTER INSERT ON stories BEGIN
    INSERT INTO stories_fts(rowid, title, summary, entity_names)
    VALUES (new.id, new.title, new.summary, new.entity_names);
END;
CREATE TRIGGER stories_ad AFTER DELETE ON stories BEGIN
    INSERT INTO stories_fts(stories_fts, rowid, title, summary, entity_names)
    VALUES ('delete', old.id, old.title, old.summary, old.entity_names);
END;
CREATE TRIGGER stories_au AFTER UPDATE OF title, summary, entity_names ON stories BEGIN
    INSERT INTO stories_fts(stories_fts, rowid, title, summary, entity_names)
    VALUES ('delete', old.id, old.title, old.summary, old.entity_names);
    INSERT INTO stories_fts(rowid, title, summary, entity_names)
    VALUES (new.id, new.title, new.summary, new.entity_names);
END;
