-- Several `newsbot run` workers on one database (issue #17; used on PostgreSQL, kept the same on
-- SQLite so that both backends run one SQL): a due feed is leased to the worker that polls it,
-- and each worker says what it holds and when it was last alive.
ALTER TABLE feeds ADD COLUMN lease_owner TEXT;
ALTER TABLE feeds ADD COLUMN lease_until REAL;
CREATE TABLE workers (
    id            TEXT PRIMARY KEY,          -- host:pid:random
    host          TEXT NOT NULL,
    pid           INTEGER NOT NULL,
    started_at    REAL NOT NULL,
    heartbeat_at  REAL NOT NULL,
    roles         TEXT NOT NULL DEFAULT '[]' -- what it holds: "send-telegram", "link", …
);
