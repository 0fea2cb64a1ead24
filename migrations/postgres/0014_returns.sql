-- Self-service returns: a customer asks to send back some of a paid order's items within
-- the return window; staff approve or decline, mark the parcel received, then refund the
-- items (with their tax share, and shipping if they choose) and put chosen ones back in
-- stock. `order_lines.returned_quantity` counts what open and finished returns hold, raised
-- by one conditional UPDATE so a line can never be returned twice over.

CREATE TABLE order_returns (
    id             BIGSERIAL PRIMARY KEY,
    order_id       BIGINT NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
    status         TEXT NOT NULL CHECK (status IN ('requested', 'approved', 'declined', 'received', 'refunded')),
    reason         TEXT NOT NULL,
    note           TEXT NOT NULL DEFAULT '',
    decline_reason TEXT NOT NULL DEFAULT '',
    -- What the return's refund gave back (minor units), once refunded.
    refund_cents   BIGINT NOT NULL DEFAULT 0,
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL
);
CREATE INDEX order_returns_order ON order_returns(order_id, id);
CREATE INDEX order_returns_status ON order_returns(status, created_at);

CREATE TABLE order_return_lines (
    return_id  BIGINT NOT NULL REFERENCES order_returns(id) ON DELETE CASCADE,
    product_id BIGINT NOT NULL,
    variant_id BIGINT NOT NULL,
    quantity   BIGINT NOT NULL CHECK (quantity > 0),
    -- Put back in stock when refunded (staff choose per line).
    restocked  BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (return_id, variant_id)
);

ALTER TABLE order_lines ADD COLUMN returned_quantity BIGINT NOT NULL DEFAULT 0 CHECK (returned_quantity >= 0);
