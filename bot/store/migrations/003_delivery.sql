-- Delivery: subscriptions, the outbox (one row per story × subscription × kind), audit log.
CREATE TABLE subscriptions (
    id                 INTEGER PRIMARY KEY,
    platform           TEXT NOT NULL,              -- telegram | discord | console
    chat               TEXT NOT NULL,              -- chat or channel id
    thread             TEXT NOT NULL DEFAULT '',   -- forum topic / thread id, '' for none
    filters            TEXT NOT NULL DEFAULT '{}', -- {"feeds": [...], "outlets": [...], ...}
    denials_only       INTEGER NOT NULL DEFAULT 0,
    mode               TEXT NOT NULL DEFAULT 'instant',  -- instant | hourly | daily
    muted_until        REAL,
    active             INTEGER NOT NULL DEFAULT 1,
    deactivated_reason TEXT,
    webhook_url        TEXT,
    origin             TEXT NOT NULL DEFAULT 'config',   -- config | moderator
    created_at         REAL NOT NULL,
    updated_at         REAL NOT NULL,
    UNIQUE (platform, chat, thread)
);

CREATE TABLE outbox (
    id                  INTEGER PRIMARY KEY,
    subscription_id     INTEGER NOT NULL REFERENCES subscriptions(id) ON DELETE CASCADE,
    story_id            INTEGER NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
    kind                TEXT NOT NULL,               -- alert | followup
    state               TEXT NOT NULL DEFAULT 'pending', -- pending | held | sending | sent | dead
    about_story_id      INTEGER,                     -- followup: the report it follows up
    reply_to            TEXT,                        -- platform message id to reply to
    attempts            INTEGER NOT NULL DEFAULT 0,
    next_attempt_at     REAL NOT NULL,
    platform_message_id TEXT,
    last_error          TEXT,
    created_at          REAL NOT NULL,
    sent_at             REAL,
    UNIQUE (subscription_id, story_id, kind)
);
CREATE INDEX outbox_due ON outbox(state, next_attempt_at);
CREATE INDEX outbox_sub ON outbox(subscription_id, state, id);
CREATE INDEX outbox_story ON outbox(story_id, state);

CREATE TABLE audit_log (
    id        INTEGER PRIMARY KEY,
    at        REAL NOT NULL,
    platform  TEXT NOT NULL,
    chat      TEXT NOT NULL,
    actor     TEXT NOT NULL,
    action    TEXT NOT NULL,
    detail    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_chat ON audit_log(platform, chat, at);

ALTER TABLE stories ADD COLUMN linked INTEGER NOT NULL DEFAULT 1;
