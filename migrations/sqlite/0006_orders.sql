-- Carts, orders and payments. Stock is reserved (taken off `products.stock`) when an order
-- is created and given back when the order expires or is cancelled; payment events are
-- stored once per provider event id, in the same transaction as their effect.

CREATE TABLE cart_lines (
    -- "v:<visitor id>" for guests, "u:<user id>" once signed in (a guest's lines join the
    -- account's at sign-in).
    owner      TEXT NOT NULL,
    product_id INTEGER NOT NULL REFERENCES products(id) ON DELETE CASCADE,
    quantity   INTEGER NOT NULL CHECK (quantity > 0),
    added_at   INTEGER NOT NULL,
    PRIMARY KEY (owner, product_id)
);

CREATE TABLE orders (
    id               INTEGER PRIMARY KEY,
    -- Random and unguessable: the order's address and the provider's client_reference_id.
    public_id        TEXT NOT NULL UNIQUE,
    owner            TEXT NOT NULL,
    user_id          INTEGER REFERENCES users(id) ON DELETE SET NULL,
    email            TEXT NOT NULL DEFAULT '',
    status           TEXT NOT NULL CHECK (status IN ('pending_payment', 'paid', 'fulfilled', 'expired', 'cancelled', 'refunded', 'partially_refunded')),
    currency         TEXT NOT NULL,
    total_cents      INTEGER NOT NULL CHECK (total_cents >= 0),
    refunded_cents   INTEGER NOT NULL DEFAULT 0,
    provider         TEXT NOT NULL CHECK (provider IN ('demo', 'stripe')),
    -- The provider's checkout session, once created.
    provider_session TEXT UNIQUE,
    payment_intent   TEXT NOT NULL DEFAULT '',
    -- One order per press of the pay button: the cart page's form carries this key, so a
    -- double click finds the order the first click made.
    checkout_key     TEXT NOT NULL UNIQUE,
    hold_until       INTEGER NOT NULL,
    -- The last payment problem the customer should hear about (a declined card …).
    payment_problem  TEXT NOT NULL DEFAULT '',
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    paid_at          INTEGER
);
CREATE INDEX orders_owner ON orders(owner, created_at);
CREATE INDEX orders_user ON orders(user_id, created_at);
CREATE INDEX orders_pending ON orders(status, hold_until);

CREATE TABLE order_lines (
    order_id   INTEGER NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
    product_id INTEGER NOT NULL REFERENCES products(id) ON DELETE RESTRICT,
    -- Name and price as they were when the customer paid.
    name       TEXT NOT NULL,
    slug       TEXT NOT NULL,
    unit_cents INTEGER NOT NULL CHECK (unit_cents >= 0),
    quantity   INTEGER NOT NULL CHECK (quantity > 0),
    PRIMARY KEY (order_id, product_id)
);

-- Every status change, for the order's timeline.
CREATE TABLE order_events (
    id          INTEGER PRIMARY KEY,
    order_id    INTEGER NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
    from_status TEXT NOT NULL,
    to_status   TEXT NOT NULL,
    reason      TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL
);
CREATE INDEX order_events_order ON order_events(order_id, id);

-- Webhook events, once each: the primary key turns a replay into a no-op.
CREATE TABLE payment_events (
    id          TEXT PRIMARY KEY,
    type        TEXT NOT NULL,
    order_id    INTEGER REFERENCES orders(id) ON DELETE SET NULL,
    -- applied | ignored | refused (an illegal transition) | unparsed
    outcome     TEXT NOT NULL,
    payload     TEXT NOT NULL,
    received_at INTEGER NOT NULL
);

-- The demo payment provider's hosted checkout sessions.
CREATE TABLE demo_sessions (
    id             TEXT PRIMARY KEY,
    order_id       INTEGER NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
    status         TEXT NOT NULL CHECK (status IN ('open', 'complete', 'expired')),
    payment_status TEXT NOT NULL DEFAULT 'unpaid',
    expires_at     INTEGER NOT NULL,
    created_at     INTEGER NOT NULL
);

-- Secrets the store makes for itself and every app server must share (the demo
-- provider's webhook signing secret).
CREATE TABLE app_secrets (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
