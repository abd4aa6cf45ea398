-- The poller asks every second which feeds are due: answer from an index, not a scan.
CREATE INDEX feeds_due ON feeds(next_poll_at) WHERE enabled = 1 AND status != 'disabled';
