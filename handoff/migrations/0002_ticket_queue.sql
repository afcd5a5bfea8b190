-- Split the skill queue from the escalation type. Until now `escalation_type` held the queue (general,
-- network, hardware, software, account, complaint); it now holds the ITIL escalation type (technical,
-- vertical, horizontal, administrative) and the new `queue` column says who works the ticket.
-- Old values move to `queue`; the type is derived from them (same table as TYPE_OF_LEGACY_QUEUE in models.py).
ALTER TABLE tickets ADD COLUMN queue TEXT NOT NULL DEFAULT 'general';
UPDATE tickets
SET queue = escalation_type,
    escalation_type = CASE escalation_type
        WHEN 'complaint' THEN 'vertical'
        WHEN 'network' THEN 'technical'
        WHEN 'hardware' THEN 'technical'
        WHEN 'software' THEN 'technical'
        WHEN 'account' THEN 'administrative'
        ELSE 'horizontal'
    END
WHERE escalation_type IN ('general', 'network', 'hardware', 'software', 'account', 'complaint');
UPDATE tickets SET escalation_type = 'horizontal'
WHERE escalation_type NOT IN ('technical', 'vertical', 'horizontal', 'administrative');
CREATE INDEX tickets_queue_status ON tickets(queue, status);
