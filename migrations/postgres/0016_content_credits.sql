-- Which guides moved each paid order: the order's total credited to the guides its buyer
-- read in the 30 days before paying, under five attribution models (first, last, linear,
-- position 40/20/40, engagement), written in the payment's own transaction and never
-- changed afterwards, so every report adds up to the same totals.

CREATE TABLE content_credits (
    order_id     BIGINT NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
    model        TEXT NOT NULL CHECK (model IN ('first', 'last', 'linear', 'position', 'engagement')),
    content_slug TEXT NOT NULL,
    credit_cents BIGINT NOT NULL CHECK (credit_cents > 0),
    paid_at      BIGINT NOT NULL,
    PRIMARY KEY (order_id, model, content_slug)
);
CREATE INDEX content_credits_paid ON content_credits(model, paid_at);
CREATE INDEX journey_events_kind_time ON journey_events(kind, created_at);
