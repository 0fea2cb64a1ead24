-- Discount codes: what marketing hands out ("WELCOME10"), one per cart, with their rules,
-- and the two counters that make a usage limit exact under concurrency. A checkout
-- reserves a use (`reserved_count`, one conditional UPDATE checked by rows affected); the
-- paid transition turns it into a use (`used_count`), expiry or cancellation gives it back.

CREATE TABLE discount_codes (
    id                 BIGSERIAL PRIMARY KEY,
    -- Upper case, 3 to 32 of A–Z, 0–9, '-' and '_': what customers type, case-insensitively.
    code               TEXT NOT NULL UNIQUE,
    -- For staff only ("Newsletter, spring 2027").
    note               TEXT NOT NULL DEFAULT '',
    kind               TEXT NOT NULL CHECK (kind IN ('percent', 'fixed', 'free_shipping')),
    -- Whole percent (1–100) for 'percent', minor units for 'fixed', 0 for free shipping.
    value              BIGINT NOT NULL DEFAULT 0 CHECK (value >= 0),
    -- The items the code covers must come to at least this much (minor units).
    min_subtotal_cents BIGINT NOT NULL DEFAULT 0 CHECK (min_subtotal_cents >= 0),
    -- What it covers: space-separated "p:<product id>", "v:<variant id>", "c:<category id>";
    -- empty for everything. Read with the code, never on its own.
    applies_to         TEXT NOT NULL DEFAULT '',
    starts_at          BIGINT,
    ends_at            BIGINT,
    usage_limit        BIGINT CHECK (usage_limit IS NULL OR usage_limit > 0),
    per_customer_limit BIGINT CHECK (per_customer_limit IS NULL OR per_customer_limit > 0),
    status             TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused')),
    used_count         BIGINT NOT NULL DEFAULT 0 CHECK (used_count >= 0),
    reserved_count     BIGINT NOT NULL DEFAULT 0 CHECK (reserved_count >= 0),
    created_at         BIGINT NOT NULL,
    updated_at         BIGINT NOT NULL
);

-- Uses per customer (the cart owner: "u:<user id>" or "v:<visitor id>"), reserved and paid
-- alike, so a per-customer limit is the same conditional UPDATE as the total one.
CREATE TABLE discount_customer_uses (
    code_id  BIGINT NOT NULL REFERENCES discount_codes(id) ON DELETE CASCADE,
    customer TEXT NOT NULL,
    uses     BIGINT NOT NULL DEFAULT 0 CHECK (uses >= 0),
    PRIMARY KEY (code_id, customer)
);

-- The one code a cart holds (entered in the cart, checked again at checkout).
CREATE TABLE cart_codes (
    owner      TEXT PRIMARY KEY,
    code_id    BIGINT NOT NULL REFERENCES discount_codes(id) ON DELETE CASCADE,
    applied_at BIGINT NOT NULL
);

-- The order keeps the code and what it took off, as it was made; each line its share.
ALTER TABLE orders ADD COLUMN discount_code_id BIGINT REFERENCES discount_codes(id) ON DELETE SET NULL;
ALTER TABLE orders ADD COLUMN discount_code TEXT NOT NULL DEFAULT '';
ALTER TABLE orders ADD COLUMN discount_cents BIGINT NOT NULL DEFAULT 0;
ALTER TABLE orders ADD COLUMN discount_customer TEXT NOT NULL DEFAULT '';
ALTER TABLE order_lines ADD COLUMN discount_cents BIGINT NOT NULL DEFAULT 0;
