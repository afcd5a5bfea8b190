-- One open incident ticket per conversation, enforced by the database: two handoff requests for the same
-- conversation at the same moment (two handoff processes, or the bot's retry) make one ticket, and the
-- service answers the second with it. Requests (ticket_type 'request') are not live chats and may be many.
-- A conversation that already has several open incidents keeps its newest (the one the bot and the service
-- already used); the older ones are closed as cancelled, with a note saying why.
UPDATE tickets
SET status = 'cancelled',
    resolution_notes = COALESCE(resolution_notes || ' ', '')
        || 'Closed as a duplicate: this conversation has a newer open ticket.'
WHERE ticket_type = 'incident'
  AND status IN ('waiting', 'assigned', 'offline')
  AND id < (
      SELECT MAX(newer.id) FROM tickets newer
      WHERE newer.conversation_id = tickets.conversation_id
        AND newer.ticket_type = 'incident'
        AND newer.status IN ('waiting', 'assigned', 'offline')
  );
CREATE UNIQUE INDEX tickets_one_open_incident ON tickets (conversation_id)
    WHERE ticket_type = 'incident' AND status IN ('waiting', 'assigned', 'offline');
