-- Keys newsbot makes for itself (the HMAC key that signs button data): made once, kept here so
-- buttons sent before a restart still verify after it. Never shown, logged or exported.
CREATE TABLE secrets (
    name TEXT PRIMARY KEY,
    value BLOB NOT NULL,
    created_at REAL NOT NULL
);
