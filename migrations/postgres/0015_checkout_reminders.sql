-- A second chance for abandoned checkouts: a customer who gave an email at checkout and
-- ticked "Email me about this order" gets one reminder if they don't pay, with a signed,
-- single-use link that restores their cart. `reminder_sent_at` is claimed by one
-- conditional UPDATE, so two app servers never send it twice.

ALTER TABLE orders ADD COLUMN reminder_email TEXT NOT NULL DEFAULT '';
-- The funnel stage the visitor was at when they checked out (which guides the email shows).
ALTER TABLE orders ADD COLUMN reminder_stage TEXT NOT NULL DEFAULT '';
ALTER TABLE orders ADD COLUMN reminder_sent_at BIGINT;
ALTER TABLE orders ADD COLUMN reminder_used_at BIGINT;
CREATE INDEX orders_reminders ON orders(reminder_sent_at, created_at);

-- Addresses that asked for no more reminders (one click from any reminder).
CREATE TABLE email_suppressions (
    email      TEXT PRIMARY KEY,
    created_at BIGINT NOT NULL
);
