-- "Talk to a human": sales tickets with the customer's research context, their
-- conversation (customer messages, staff replies, internal notes), and what staff did.

CREATE TABLE tickets (
    id                INTEGER PRIMARY KEY,
    -- The id in links (32 hex); guests' links add a signature of it.
    public_id         TEXT NOT NULL UNIQUE,
    -- Whose ticket: "v:<visitor>" or "u:<user id>", as carts are owned.
    owner             TEXT NOT NULL,
    user_id           INTEGER REFERENCES users(id) ON DELETE SET NULL,
    name              TEXT NOT NULL,
    email             TEXT NOT NULL,
    contact           TEXT NOT NULL DEFAULT 'email' CHECK (contact IN ('email', 'phone')),
    phone             TEXT NOT NULL DEFAULT '',
    callback_window   TEXT NOT NULL DEFAULT '',
    subject           TEXT NOT NULL,
    -- Where the customer asked from, and the product it was about (if any).
    entry_path        TEXT NOT NULL DEFAULT '',
    product_slug      TEXT NOT NULL DEFAULT '',
    -- The funnel stage and persona when the ticket opened (for the inbox filter).
    stage             TEXT NOT NULL DEFAULT '',
    persona           TEXT NOT NULL DEFAULT '',
    shares_trail      INTEGER NOT NULL DEFAULT 1,
    -- The research context at opening, as JSON (see tickets/model.rs TicketContext).
    context           TEXT NOT NULL DEFAULT '{}',
    status            TEXT NOT NULL DEFAULT 'new'
                      CHECK (status IN ('new', 'open', 'waiting_on_customer', 'won', 'lost', 'closed')),
    outcome_reason    TEXT NOT NULL DEFAULT '',
    assignee_id       INTEGER REFERENCES users(id) ON DELETE SET NULL,
    client_ip         TEXT NOT NULL DEFAULT '',
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL,
    -- The last message from the customer (the inbox sorts by how long they have waited).
    customer_last_at  INTEGER NOT NULL,
    first_response_at INTEGER,
    resolved_at       INTEGER,
    -- Staff have seen the conversation up to this message id (unread counts).
    staff_seen_message INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX tickets_owner ON tickets(owner, created_at);
CREATE INDEX tickets_user ON tickets(user_id, created_at);
CREATE INDEX tickets_status ON tickets(status, customer_last_at);
CREATE INDEX tickets_ip ON tickets(client_ip, created_at);

CREATE TABLE ticket_messages (
    id          INTEGER PRIMARY KEY,
    ticket_id   INTEGER NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
    -- customer: from the customer; reply: staff to the customer; note: staff only.
    author      TEXT NOT NULL CHECK (author IN ('customer', 'reply', 'note')),
    staff_id    INTEGER REFERENCES users(id) ON DELETE SET NULL,
    staff_name  TEXT NOT NULL DEFAULT '',
    body        TEXT NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE INDEX ticket_messages_ticket ON ticket_messages(ticket_id, id);

-- A quote: a cart staff build for a ticket's customer (optionally with a discount within
-- their role's limit). Checking it out makes an order; paying that order wins the ticket.
CREATE TABLE quotes (
    id               INTEGER PRIMARY KEY,
    public_id        TEXT NOT NULL UNIQUE,
    ticket_id        INTEGER NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
    created_by       INTEGER REFERENCES users(id) ON DELETE SET NULL,
    discount_percent INTEGER NOT NULL DEFAULT 0 CHECK (discount_percent BETWEEN 0 AND 90),
    -- The newest order made from this quote (set at checkout).
    order_id         INTEGER REFERENCES orders(id) ON DELETE SET NULL,
    created_at       INTEGER NOT NULL
);
CREATE INDEX quotes_ticket ON quotes(ticket_id);
CREATE INDEX quotes_order ON quotes(order_id);

CREATE TABLE quote_lines (
    quote_id   INTEGER NOT NULL REFERENCES quotes(id) ON DELETE CASCADE,
    product_id INTEGER NOT NULL REFERENCES products(id),
    quantity   INTEGER NOT NULL CHECK (quantity > 0),
    PRIMARY KEY (quote_id, product_id)
);
