-- Delivery parts: an alert that needs several platform messages keeps each part here, with the
-- id of the message it became, so a retry sends only the parts not yet delivered (issue #15).
-- Only rows of more than one part have entries; a one-message alert needs none.
CREATE TABLE outbox_parts (
    outbox_id  INTEGER NOT NULL REFERENCES outbox(id) ON DELETE CASCADE,
    seq        INTEGER NOT NULL,          -- 0 is the first message
    body       TEXT NOT NULL,             -- the rendered message, as the platform sink made it
    message_id TEXT,                      -- set once this part was delivered
    sent_at    REAL,
    PRIMARY KEY (outbox_id, seq)
) WITHOUT ROWID;
CREATE INDEX outbox_parts_sent ON outbox_parts(sent_at) WHERE sent_at IS NOT NULL;
