-- Privacy: what was exported, erased or purged (no customer text, the customer only as a SHA-256 of
-- "channel:user id"), and who opened or exported which transcript (reviewed by supervisors).
CREATE TABLE privacy_audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    action TEXT NOT NULL,
    customer_hash TEXT,
    actor TEXT NOT NULL,
    details TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX privacy_audit_at ON privacy_audit(at);

CREATE TABLE access_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    user_id INTEGER,
    username TEXT NOT NULL,
    action TEXT NOT NULL,
    ticket_id INTEGER
);
CREATE INDEX access_log_at ON access_log(at);
