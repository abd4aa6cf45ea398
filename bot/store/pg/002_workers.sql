-- Several `newsbot run` workers on one database: a due feed is leased (FOR UPDATE SKIP LOCKED)
-- to the worker that polls it, and each worker says what it holds and when it was last alive.
-- The same columns exist on SQLite (its migration 009).
ALTER TABLE feeds ADD COLUMN lease_owner text;
ALTER TABLE feeds ADD COLUMN lease_until double precision;
CREATE TABLE workers (
    id            text PRIMARY KEY,
    host          text NOT NULL,
    pid           integer NOT NULL,
    started_at    double precision NOT NULL,
    heartbeat_at  double precision NOT NULL,
    roles         text NOT NULL DEFAULT '[]'
);
