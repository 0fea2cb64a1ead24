-- Shipping physical goods: zones (which countries), their rates (flat, by weight band, by
-- order value, free above a threshold, with a delivery estimate), products' weights, and
-- on each order the address it goes to, the method chosen and its price, and how it left.

CREATE TABLE shipping_zones (
    id        BIGSERIAL PRIMARY KEY,
    name      TEXT NOT NULL UNIQUE,
    position  BIGINT NOT NULL DEFAULT 100
);

-- A country belongs to at most one zone, so an address finds its rates without ambiguity.
CREATE TABLE shipping_zone_countries (
    country  TEXT PRIMARY KEY,
    zone_id  BIGINT NOT NULL REFERENCES shipping_zones(id) ON DELETE CASCADE
);

CREATE TABLE shipping_rates (
    id                BIGSERIAL PRIMARY KEY,
    zone_id           BIGINT NOT NULL REFERENCES shipping_zones(id) ON DELETE CASCADE,
    name              TEXT NOT NULL,
    basis             TEXT NOT NULL CHECK (basis IN ('flat', 'weight', 'value')),
    -- The band [min, max) in grams (weight) or minor units (value); NULL is open-ended.
    min_value         BIGINT,
    max_value         BIGINT,
    price_cents       BIGINT NOT NULL CHECK (price_cents >= 0),
    free_above_cents  BIGINT,
    min_days          BIGINT NOT NULL CHECK (min_days >= 0),
    max_days          BIGINT NOT NULL CHECK (max_days >= min_days),
    position          BIGINT NOT NULL DEFAULT 100
);
CREATE INDEX shipping_rates_zone ON shipping_rates(zone_id, position);

-- NULL: not weighed yet (a weight-based rate cannot price it; flat and value rates can).
ALTER TABLE products ADD COLUMN weight_grams BIGINT CHECK (weight_grams IS NULL OR weight_grams >= 0);

ALTER TABLE orders ADD COLUMN ship_name TEXT NOT NULL DEFAULT '';
ALTER TABLE orders ADD COLUMN ship_company TEXT NOT NULL DEFAULT '';
ALTER TABLE orders ADD COLUMN ship_line1 TEXT NOT NULL DEFAULT '';
ALTER TABLE orders ADD COLUMN ship_line2 TEXT NOT NULL DEFAULT '';
ALTER TABLE orders ADD COLUMN ship_city TEXT NOT NULL DEFAULT '';
ALTER TABLE orders ADD COLUMN ship_region TEXT NOT NULL DEFAULT '';
ALTER TABLE orders ADD COLUMN ship_postal_code TEXT NOT NULL DEFAULT '';
ALTER TABLE orders ADD COLUMN ship_country TEXT NOT NULL DEFAULT '';
ALTER TABLE orders ADD COLUMN ship_phone TEXT NOT NULL DEFAULT '';
-- The method as it was priced when the order was made (later rate edits do not change it).
ALTER TABLE orders ADD COLUMN shipping_method TEXT NOT NULL DEFAULT '';
ALTER TABLE orders ADD COLUMN shipping_estimate TEXT NOT NULL DEFAULT '';
ALTER TABLE orders ADD COLUMN shipping_cents BIGINT NOT NULL DEFAULT 0 CHECK (shipping_cents >= 0);
ALTER TABLE orders ADD COLUMN carrier TEXT NOT NULL DEFAULT '';
ALTER TABLE orders ADD COLUMN tracking_number TEXT NOT NULL DEFAULT '';

-- A starting set every store gets, so checkout works on day one; staff change it.
INSERT INTO shipping_zones (id, name, position) VALUES
    (1, 'United States', 10), (2, 'Canada', 20), (3, 'United Kingdom', 30),
    (4, 'Europe', 40), (5, 'Australia', 50);
INSERT INTO shipping_zone_countries (country, zone_id) VALUES
    ('US', 1), ('CA', 2), ('GB', 3), ('DE', 4), ('FR', 4), ('NL', 4), ('AU', 5);
INSERT INTO shipping_rates (zone_id, name, basis, min_value, max_value, price_cents, free_above_cents, min_days, max_days, position) VALUES
    (1, 'Standard', 'weight', 0, 2000, 695, 15000, 3, 5, 10),
    (1, 'Standard', 'weight', 2000, 10000, 1495, 15000, 3, 5, 11),
    (1, 'Freight', 'weight', 10000, 60000, 4900, NULL, 5, 8, 12),
    (1, 'Express', 'flat', NULL, NULL, 2495, NULL, 1, 2, 20),
    (2, 'Standard', 'flat', NULL, NULL, 1995, 25000, 5, 9, 10),
    (3, 'Tracked', 'flat', NULL, NULL, 1800, 25000, 4, 7, 10),
    (4, 'Tracked', 'flat', NULL, NULL, 2495, 30000, 5, 10, 10),
    (5, 'Tracked', 'flat', NULL, NULL, 2900, NULL, 7, 14, 10);
-- The zones above were given their ids; the sequence continues after them.
SELECT setval(pg_get_serial_sequence('shipping_zones', 'id'), (SELECT MAX(id) FROM shipping_zones));
