-- Tickets, their messages and internal notes; agent accounts; canned responses.
-- Portable SQL (TEXT timestamps in ISO 8601 UTC): PostgreSQL runs it too (handoff/dialect.py turns
-- AUTOINCREMENT and REAL into its words). Tables come before the tables that reference them.
CREATE TABLE users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    skills TEXT NOT NULL DEFAULT '[]',
    presence TEXT NOT NULL DEFAULT 'offline',
    created_at TEXT NOT NULL
);

CREATE TABLE tickets (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    conversation_id TEXT NOT NULL,
    status TEXT NOT NULL,
    channel TEXT NOT NULL,
    customer_channel_user_id TEXT NOT NULL,
    customer_name TEXT,
    customer_email TEXT,
    summary TEXT NOT NULL,
    category TEXT,
    reason TEXT NOT NULL,
    escalation_type TEXT NOT NULL,
    priority TEXT NOT NULL,
    contact_time TEXT,
    handoff_time TEXT NOT NULL,
    first_agent_response_time TEXT,
    assigned_agent_id INTEGER REFERENCES users(id),
    actions_taken TEXT NOT NULL,
    resolution_notes TEXT,
    resolution_time TEXT,
    satisfaction_rating INTEGER,
    satisfaction_comment TEXT,
    callback TEXT,
    tracker_cursor REAL NOT NULL DEFAULT 0
);
CREATE INDEX tickets_conversation ON tickets(conversation_id);
CREATE INDEX tickets_status ON tickets(status);

CREATE TABLE messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ticket_id INTEGER NOT NULL REFERENCES tickets(id),
    role TEXT NOT NULL,
    text TEXT NOT NULL,
    timestamp TEXT NOT NULL,
    author TEXT
);
CREATE INDEX messages_ticket ON messages(ticket_id);

CREATE TABLE notes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ticket_id INTEGER NOT NULL REFERENCES tickets(id),
    author TEXT NOT NULL,
    text TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE canned_responses (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    title TEXT NOT NULL,
    text TEXT NOT NULL
);
INSERT INTO canned_responses (title, text) VALUES
    ('Greeting', 'Hi, I''m from the IT support team. I''ve read your chat with the bot, so you don''t need to repeat anything.'),
    ('Checking', 'Thanks. Give me a minute while I check this for you.'),
    ('Restart', 'Please restart your computer, then tell me if the problem is still there. A restart clears stuck programs.'),
    ('Anything else', 'Is there anything else I can help with today?');
