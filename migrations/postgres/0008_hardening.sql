-- The demo provider's hosted page is a small state machine kept on the server:
-- 'card' (the card form is what may be answered) or 'authenticate' (the bank asked the
-- customer to confirm; only that answer is accepted, once).
ALTER TABLE demo_sessions ADD COLUMN step TEXT NOT NULL DEFAULT 'card';

-- One row that /healthz rewrites: only a write that reaches the disk shows a read-only
-- file or a full disk.
CREATE TABLE health_probe (
    id         INTEGER PRIMARY KEY,
    checked_at BIGINT NOT NULL
);

-- Money that arrived for an order that had already ended (a superseded or expired
-- checkout paid in an old tab): it is given back automatically, once. One row per payment;
-- the event that reported it names the refund's idempotency key.
CREATE TABLE automatic_refunds (
    payment_intent  TEXT PRIMARY KEY,
    event_id        TEXT NOT NULL,
    order_id        BIGINT NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
    amount_cents    BIGINT NOT NULL,
    currency        TEXT NOT NULL,
    -- due: still to be refunded at the provider; done: refunded.
    status          TEXT NOT NULL CHECK (status IN ('due', 'done')),
    provider_refund TEXT NOT NULL DEFAULT '',
    attempts        BIGINT NOT NULL DEFAULT 0,
    created_at      BIGINT NOT NULL,
    done_at         BIGINT
);
CREATE INDEX automatic_refunds_due ON automatic_refunds (status);

-- The built CSS/JS/WASM files (hashed names) of every build that served pages lately:
-- after a new build replaces target/site/pkg, or while app servers of two builds run side
-- by side, a page rendered by either build still loads its own files.
CREATE TABLE build_assets (
    name         TEXT PRIMARY KEY,
    content_type TEXT NOT NULL,
    body         BYTEA NOT NULL,
    published_at BIGINT NOT NULL
);
