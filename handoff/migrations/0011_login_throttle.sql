-- The console's login throttle, shared by every handoff process (docs/privacy.md): recent wrong passwords
-- per user name or client address, and the locks they caused. Unix seconds; rows older than the 15-minute
-- window are deleted as new failures come in.
CREATE TABLE login_failures (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    who TEXT NOT NULL,
    at REAL NOT NULL
);
CREATE INDEX login_failures_who ON login_failures(who, at);

CREATE TABLE login_locks (
    who TEXT PRIMARY KEY,
    locked_until REAL NOT NULL
);
