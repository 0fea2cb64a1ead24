-- Variants: a product has up to three options (Grind, Size, Voltage …) and one variant per
-- combination of their values, each with its own SKU, price, stock, weight and picture.
-- A product without options keeps one implicit variant (all option values ''), so carts,
-- orders and quotes always name a variant. The variants are the truth about price and
-- stock; `products.price_cents` (the cheapest active variant), `compare_at_cents`, `stock`
-- (the sum) and `weight_grams` stay as the product's summary for listings, facets and
-- sorting, kept in step by catalog::repo::sync_product_summary in the same transaction.

CREATE TABLE product_options (
    id         INTEGER PRIMARY KEY,
    product_id INTEGER NOT NULL REFERENCES products(id) ON DELETE CASCADE,
    position   INTEGER NOT NULL CHECK (position BETWEEN 1 AND 3),
    name       TEXT NOT NULL,
    UNIQUE (product_id, position)
);

CREATE TABLE product_option_values (
    option_id INTEGER NOT NULL REFERENCES product_options(id) ON DELETE CASCADE,
    position  INTEGER NOT NULL,
    value     TEXT NOT NULL,
    PRIMARY KEY (option_id, value)
);

CREATE TABLE product_variants (
    id               INTEGER PRIMARY KEY,
    product_id       INTEGER NOT NULL REFERENCES products(id) ON DELETE CASCADE,
    sku              TEXT NOT NULL UNIQUE,
    option1          TEXT NOT NULL DEFAULT '',
    option2          TEXT NOT NULL DEFAULT '',
    option3          TEXT NOT NULL DEFAULT '',
    price_cents      INTEGER NOT NULL CHECK (price_cents >= 0),
    compare_at_cents INTEGER CHECK (compare_at_cents IS NULL OR compare_at_cents > price_cents),
    stock            INTEGER NOT NULL DEFAULT 0 CHECK (stock >= 0),
    weight_grams     INTEGER CHECK (weight_grams IS NULL OR weight_grams >= 0),
    image_url        TEXT NOT NULL DEFAULT '',
    position         INTEGER NOT NULL DEFAULT 0,
    -- A combination dropped from the grid is retired, never deleted: orders name it.
    active           INTEGER NOT NULL DEFAULT 1,
    UNIQUE (product_id, option1, option2, option3)
);
CREATE INDEX product_variants_product ON product_variants(product_id, active, position);
CREATE INDEX product_variants_option1 ON product_variants(option1, product_id);

-- Every product so far is simple: its one implicit variant carries what it had.
INSERT INTO product_variants (product_id, sku, price_cents, compare_at_cents, stock, weight_grams)
    SELECT id, sku, price_cents, compare_at_cents, stock, weight_grams FROM products;

-- Lines name the variant; the product id stays beside it for the joins listings need.
CREATE TABLE cart_lines_v (
    owner      TEXT NOT NULL,
    product_id INTEGER NOT NULL REFERENCES products(id) ON DELETE CASCADE,
    variant_id INTEGER NOT NULL REFERENCES product_variants(id) ON DELETE CASCADE,
    quantity   INTEGER NOT NULL CHECK (quantity > 0),
    added_at   INTEGER NOT NULL,
    PRIMARY KEY (owner, variant_id)
);
INSERT INTO cart_lines_v (owner, product_id, variant_id, quantity, added_at)
    SELECT l.owner, l.product_id, v.id, l.quantity, l.added_at
    FROM cart_lines l JOIN product_variants v ON v.product_id = l.product_id;
DROP TABLE cart_lines;
ALTER TABLE cart_lines_v RENAME TO cart_lines;

CREATE TABLE order_lines_v (
    order_id      INTEGER NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
    product_id    INTEGER NOT NULL REFERENCES products(id) ON DELETE RESTRICT,
    variant_id    INTEGER NOT NULL REFERENCES product_variants(id) ON DELETE RESTRICT,
    -- Name, variant, SKU and price as they were when the customer paid.
    name          TEXT NOT NULL,
    variant_title TEXT NOT NULL DEFAULT '',
    sku           TEXT NOT NULL DEFAULT '',
    slug          TEXT NOT NULL,
    unit_cents    INTEGER NOT NULL CHECK (unit_cents >= 0),
    quantity      INTEGER NOT NULL CHECK (quantity > 0),
    tax_cents     INTEGER NOT NULL DEFAULT 0,
    tax_bp        INTEGER NOT NULL DEFAULT 0,
    tax_name      TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (order_id, variant_id)
);
INSERT INTO order_lines_v (order_id, product_id, variant_id, name, sku, slug, unit_cents, quantity, tax_cents, tax_bp, tax_name)
    SELECT l.order_id, l.product_id, v.id, l.name, v.sku, l.slug, l.unit_cents, l.quantity, l.tax_cents, l.tax_bp, l.tax_name
    FROM order_lines l JOIN product_variants v ON v.product_id = l.product_id;
DROP TABLE order_lines;
ALTER TABLE order_lines_v RENAME TO order_lines;
CREATE INDEX order_lines_variant ON order_lines(variant_id);

CREATE TABLE quote_lines_v (
    quote_id   INTEGER NOT NULL REFERENCES quotes(id) ON DELETE CASCADE,
    product_id INTEGER NOT NULL REFERENCES products(id),
    variant_id INTEGER NOT NULL REFERENCES product_variants(id),
    quantity   INTEGER NOT NULL CHECK (quantity > 0),
    PRIMARY KEY (quote_id, variant_id)
);
INSERT INTO quote_lines_v (quote_id, product_id, variant_id, quantity)
    SELECT l.quote_id, l.product_id, v.id, l.quantity
    FROM quote_lines l JOIN product_variants v ON v.product_id = l.product_id;
DROP TABLE quote_lines;
ALTER TABLE quote_lines_v RENAME TO quote_lines;

ALTER TABLE stock_adjustments ADD COLUMN variant_id INTEGER REFERENCES product_variants(id) ON DELETE SET NULL;
