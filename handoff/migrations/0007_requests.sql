-- Service requests next to incidents (issue 12), and the customer's language for routing.
-- ticket_type: 'incident' (something is broken, a live handoff) or 'request' (ITIL request fulfilment:
-- software, access, equipment, a new starter; worked from the request queues, not a live chat).
ALTER TABLE tickets ADD COLUMN ticket_type TEXT NOT NULL DEFAULT 'incident'
    CHECK (ticket_type IN ('incident', 'request'));
-- The request type id from data/requests/*.yml, its details as the customer gave them (JSON object of
-- label -> value), its service level in hours and when it is due.
ALTER TABLE tickets ADD COLUMN request_type TEXT;
ALTER TABLE tickets ADD COLUMN request_details TEXT;
ALTER TABLE tickets ADD COLUMN service_level_hours INTEGER;
ALTER TABLE tickets ADD COLUMN due_time TEXT;
-- ISO 639-1 code of the customer's language (an agent skill for routing); NULL = not detected (English).
ALTER TABLE tickets ADD COLUMN language TEXT;
CREATE INDEX tickets_customer ON tickets(customer_channel_user_id, id);
CREATE INDEX tickets_type_status ON tickets(ticket_type, status);
