-- The research catalogue: nested categories, products with money in integer minor units,
-- typed specifications (for the comparison table and facets), images and related products.
-- Timestamps are UTC Unix seconds so both backends compare and sort them the same way.

CREATE TABLE categories (
    id          BIGSERIAL PRIMARY KEY,
    slug        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    parent_id   BIGINT REFERENCES categories(id) ON DELETE RESTRICT,
    position    BIGINT NOT NULL DEFAULT 0,
    -- Inline SVG drawing used for the category's tile and generated product pictures.
    icon_svg    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX categories_parent ON categories(parent_id);

CREATE TABLE products (
    id               BIGSERIAL PRIMARY KEY,
    slug             TEXT NOT NULL UNIQUE,
    name             TEXT NOT NULL,
    summary          TEXT NOT NULL DEFAULT '',
    description_md   TEXT NOT NULL DEFAULT '',
    price_cents      BIGINT NOT NULL CHECK (price_cents >= 0),
    compare_at_cents BIGINT CHECK (compare_at_cents IS NULL OR compare_at_cents > price_cents),
    currency         TEXT NOT NULL DEFAULT 'USD',
    sku              TEXT NOT NULL UNIQUE,
    stock            BIGINT NOT NULL DEFAULT 0 CHECK (stock >= 0),
    status           TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'active', 'archived')),
    featured         BIGINT NOT NULL DEFAULT 0,
    category_id      BIGINT NOT NULL REFERENCES categories(id) ON DELETE RESTRICT,
    -- Colour of the generated demo picture; real uploads replace it.
    accent_color     TEXT NOT NULL DEFAULT '#6b4f3a',
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL
);
CREATE INDEX products_listing ON products(status, category_id, price_cents);
CREATE INDEX products_newest ON products(status, created_at);
CREATE INDEX products_price ON products(status, price_cents);

CREATE TABLE product_images (
    id         BIGSERIAL PRIMARY KEY,
    product_id BIGINT NOT NULL REFERENCES products(id) ON DELETE CASCADE,
    url        TEXT NOT NULL,
    alt        TEXT NOT NULL,
    position   BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX product_images_product ON product_images(product_id, position);

-- value is what people read; value_num is set when the value is a number, so the
-- comparison table can tell "bigger" from "different".
CREATE TABLE product_specs (
    id         BIGSERIAL PRIMARY KEY,
    product_id BIGINT NOT NULL REFERENCES products(id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    value      TEXT NOT NULL,
    value_num  DOUBLE PRECISION,
    unit       TEXT,
    position   BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX product_specs_product ON product_specs(product_id, position);
CREATE INDEX product_specs_facet ON product_specs(name, value, product_id);

CREATE TABLE related_products (
    product_id BIGINT NOT NULL REFERENCES products(id) ON DELETE CASCADE,
    related_id BIGINT NOT NULL REFERENCES products(id) ON DELETE CASCADE,
    position   BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (product_id, related_id)
);

-- Full-text search document per product (the one dialect difference: tsvector + GIN
-- here, FTS5 on SQLite). Kept in step by catalog::repo::refresh_search_document.
CREATE TABLE product_search (
    product_id BIGINT PRIMARY KEY REFERENCES products(id) ON DELETE CASCADE,
    document   TSVECTOR NOT NULL
);
CREATE INDEX product_search_document ON product_search USING GIN (document);
