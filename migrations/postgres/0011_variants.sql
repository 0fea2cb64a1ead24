-- Variants: a product has up to three options (Grind, Size, Voltage …) and one variant per
-- combination of their values, each with its own SKU, price, stock, weight and picture.
-- A product without options keeps one implicit variant (all option values ''), so carts,
-- orders and quotes always name a variant. The variants are the truth about price and
-- stock; `products.price_cents` (the cheapest active variant), `compare_at_cents`, `stock`
-- (the sum) and `weight_grams` stay as the product's summary for listings, facets and
-- sorting, kept in step by catalog::repo::sync_product_summary in the same transaction.

CREATE TABLE product_options (
    id         BIGSERIAL PRIMARY KEY,
    product_id BIGINT NOT NULL REFERENCES products(id) ON DELETE CASCADE,
    position   BIGINT NOT NULL CHECK (position BETWEEN 1 AND 3),
    name       TEXT NOT NULL,
    UNIQUE (product_id, position)
);

CREATE TABLE product_option_values (
    option_id BIGINT NOT NULL REFERENCES product_options(id) ON DELETE CASCADE,
    position  BIGINT NOT NULL,
    value     TEXT NOT NULL,
    PRIMARY KEY (option_id, value)
);

CREATE TABLE product_variants (
    id               BIGSERIAL PRIMARY KEY,
    product_id       BIGINT NOT NULL REFERENCES products(id) ON DELETE CASCADE,
    sku              TEXT NOT NULL UNIQUE,
    option1          TEXT NOT NULL DEFAULT '',
    option2          TEXT NOT NULL DEFAULT '',
    option3          TEXT NOT NULL DEFAULT '',
    price_cents      BIGINT NOT NULL CHECK (price_cents >= 0),
    compare_at_cents BIGINT CHECK (compare_at_cents IS NULL OR compare_at_cents > price_cents),
    stock            BIGINT NOT NULL DEFAULT 0 CHECK (stock >= 0),
    weight_grams     BIGINT CHECK (weight_grams IS NULL OR weight_grams >= 0),
    image_url        TEXT NOT NULL DEFAULT '',
    position         BIGINT NOT NULL DEFAULT 0,
    -- A combination dropped from the grid is retired, never deleted: orders name it.
    active           BIGINT NOT NULL DEFAULT 1,
    UNIQUE (product_id, option1, option2, option3)
);
CREATE INDEX product_variants_product ON product_variants(product_id, active, position);
CREATE INDEX product_variants_option1 ON product_variants(option1, product_id);

-- Every product so far is simple: its one implicit variant carries what it had.
INSERT INTO product_variants (product_id, sku, price_cents, compare_at_cents, stock, weight_grams)
    SELECT id, sku, price_cents, compare_at_cents, stock, weight_grams FROM products;

-- Lines name the variant; the product id stays beside it for the joins listings need.
ALTER TABLE cart_lines ADD COLUMN variant_id BIGINT REFERENCES product_variants(id) ON DELETE CASCADE;
UPDATE cart_lines l SET variant_id = v.id FROM product_variants v WHERE v.product_id = l.product_id;
ALTER TABLE cart_lines ALTER COLUMN variant_id SET NOT NULL;
ALTER TABLE cart_lines DROP CONSTRAINT cart_lines_pkey;
ALTER TABLE cart_lines ADD PRIMARY KEY (owner, variant_id);

ALTER TABLE order_lines ADD COLUMN variant_id BIGINT REFERENCES product_variants(id) ON DELETE RESTRICT;
-- Name, variant, SKU and price as they were when the customer paid.
ALTER TABLE order_lines ADD COLUMN variant_title TEXT NOT NULL DEFAULT '';
ALTER TABLE order_lines ADD COLUMN sku TEXT NOT NULL DEFAULT '';
UPDATE order_lines l SET variant_id = v.id, sku = v.sku FROM product_variants v WHERE v.product_id = l.product_id;
ALTER TABLE order_lines ALTER COLUMN variant_id SET NOT NULL;
ALTER TABLE order_lines DROP CONSTRAINT order_lines_pkey;
ALTER TABLE order_lines ADD PRIMARY KEY (order_id, variant_id);
CREATE INDEX order_lines_variant ON order_lines(variant_id);

ALTER TABLE quote_lines ADD COLUMN variant_id BIGINT REFERENCES product_variants(id);
UPDATE quote_lines l SET variant_id = v.id FROM product_variants v WHERE v.product_id = l.product_id;
ALTER TABLE quote_lines ALTER COLUMN variant_id SET NOT NULL;
ALTER TABLE quote_lines DROP CONSTRAINT quote_lines_pkey;
ALTER TABLE quote_lines ADD PRIMARY KEY (quote_id, variant_id);

ALTER TABLE stock_adjustments ADD COLUMN variant_id BIGINT REFERENCES product_variants(id) ON DELETE SET NULL;
