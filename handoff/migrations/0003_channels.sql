-- Messaging apps: whether an agent's message reached the customer's app, and why not.
-- delivery_status: NULL (not an agent message, or sent before this migration), 'delivered' or 'failed'.
ALTER TABLE messages ADD COLUMN delivery_status TEXT;
ALTER TABLE messages ADD COLUMN delivery_error TEXT;
