-- The queue place a waiting customer was last told ("you are now number 2"), kept with the ticket so that
-- with several handoff processes a customer hears each better place once. NULL: not told yet.
ALTER TABLE tickets ADD COLUMN notified_position INTEGER;
