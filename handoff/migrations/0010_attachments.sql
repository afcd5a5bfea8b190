-- Files customers sent on the messaging apps (a photo of an error message). The bytes are on disk under the
-- handoff data folder (HANDOFF_ATTACHMENTS_DIR, default var/attachments/), named by the random `id`; this
-- table holds only what they are. Portable SQL, run as is by SQLite and PostgreSQL (handoff/dialect.py has
-- nothing to translate): no BLOB/BYTEA, a TEXT key, TEXT timestamps (ISO 8601 UTC), INTEGER ticket ids.
-- ticket_id is NULL while the bot is still answering (the customer has not asked for a person yet); the
-- ticket opened later for the conversation takes the conversation's files.
CREATE TABLE attachments (
    id TEXT PRIMARY KEY,
    conversation_id TEXT NOT NULL,
    ticket_id INTEGER REFERENCES tickets(id),
    channel TEXT NOT NULL,
    name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    received_at TEXT NOT NULL
);
CREATE INDEX attachments_ticket ON attachments(ticket_id);
CREATE INDEX attachments_conversation ON attachments(conversation_id, ticket_id);
