-- The research catalogue: nested categories, products with money in integer minor units,
-- typed specifications (for the comparison table and facets), images and related products.
-- Timestamps are UTC Unix seconds so both backends compare and sort them the same way.

CREATE TABLE categories (
    id          INTEGER PRIMARY KEY,
    slug        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    parent_id   INTEGER REFERENCES categories(id) ON DELETE RESTRICT,
    position    INTEGER NOT NULL DEFAULT 0,
    -- Inline SVG drawing used for the category's tile and generated product pictures.
    icon_svg    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX categories_parent ON categories(parent_id);

CREATE TABLE products (
    id               INTEGER PRIMARY KEY,
    slug             TEXT NOT NULL UNIQUE,
    name             TEXT NOT NULL,
    summary          TEXT NOT NULL DEFAULT '',
    description_md   TEXT NOT NULL DEFAULT '',
    price_cents      INTEGER NOT NULL CHECK (price_cents >= 0),
    compare_at_cents INTEGER CHECK (compare_at_cents IS NULL OR compare_at_cents > price_cents),
    currency         TEXT NOT NULL DEFAULT 'USD',
    sku              TEXT NOT NULL UNIQUE,
    stock            INTEGER NOT NULL DEFAULT 0 CHECK (stock >= 0),
    status           TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'active', 'archived')),
    featured         INTEGER NOT NULL DEFAULT 0,
    category_id      INTEGER NOT NULL REFERENCES categories(id) ON DELETE RESTRICT,
    -- Colour of the generated demo picture; real uploads replace it.
    accent_color     TEXT NOT NULL DEFAULT '#6b4f3a',
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
);
CREATE INDEX products_listing ON products(status, category_id, price_cents);
CREATE INDEX products_newest ON products(status, created_at);
CREATE INDEX products_price ON products(status, price_cents);

CREATE TABLE product_images (
    id         INTEGER PRIMARY KEY,
    product_id INTEGER NOT NULL REFERENCES products(id) ON DELETE CASCADE,
    url        TEXT NOT NULL,
    alt        TEXT NOT NULL,
    position   INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX product_images_product ON product_images(product_id, position);

-- value is what people read; value_num is set when the value is a number, so the
-- comparison table can tell "bigger" from "different".
CREATE TABLE product_specs (
    id         INTEGER PRIMARY KEY,
    product_id INTEGER NOT NULL REFERENCES products(id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    value      TEXT NOT NULL,
    value_num  REAL,
    unit       TEXT,
    position   INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX product_specs_product ON product_specs(product_id, position);
CREATE INDEX product_specs_facet ON product_specs(name, value, product_id);

CREATE TABLE related_products (
    product_id INTEGER NOT NULL REFERENCES products(id) ON DELETE CASCADE,
    related_id INTEGER NOT NULL REFERENCES products(id) ON DELETE CASCADE,
    position   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (product_id, related_id)
);

-- Full-text search document per product (the one dialect difference: FTS5 here,
-- tsvector + GIN on PostgreSQL). Kept in step by catalog::repo::refresh_search_document.
CREATE VIRTUAL TABLE product_search USING fts5(
    name, summary, description, specs,
    tokenize = 'porter unicode61 remove_diacritics 2'
);
