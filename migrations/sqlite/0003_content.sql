-- The content hub: educational pieces tagged with the buying personas they serve and the
-- funnel stage they fit, linked to the products and categories they are about.

CREATE TABLE personas (
    id          INTEGER PRIMARY KEY,
    slug        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    -- The problems this buyer wants solved, in their words.
    problems    TEXT NOT NULL DEFAULT '',
    position    INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE content (
    id              INTEGER PRIMARY KEY,
    slug            TEXT NOT NULL UNIQUE,
    title           TEXT NOT NULL,
    summary         TEXT NOT NULL DEFAULT '',
    body_md         TEXT NOT NULL DEFAULT '',
    kind            TEXT NOT NULL CHECK (kind IN ('article', 'video', 'whitepaper', 'ebook', 'infographic')),
    stage           TEXT NOT NULL CHECK (stage IN ('awareness', 'consideration', 'decision')),
    author          TEXT NOT NULL DEFAULT '',
    -- Video: the embeddable player URL; white paper / e-book: the download; infographic: the image.
    media_url       TEXT NOT NULL DEFAULT '',
    -- Video: the transcript; infographic: the full text description of the image.
    transcript      TEXT NOT NULL DEFAULT '',
    cover_url       TEXT NOT NULL DEFAULT '',
    cover_alt       TEXT NOT NULL DEFAULT '',
    -- Reading time (computed from the text) or watching time (given), in minutes.
    minutes         INTEGER NOT NULL DEFAULT 1,
    -- Published pieces are visible from published_at on, which is how publishing is scheduled.
    status          TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published')),
    published_at    INTEGER NOT NULL,
    seo_title       TEXT NOT NULL DEFAULT '',
    seo_description TEXT NOT NULL DEFAULT '',
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);
CREATE INDEX content_listing ON content(status, published_at);

CREATE TABLE content_personas (
    content_id INTEGER NOT NULL REFERENCES content(id) ON DELETE CASCADE,
    persona_id INTEGER NOT NULL REFERENCES personas(id) ON DELETE CASCADE,
    PRIMARY KEY (content_id, persona_id)
);
CREATE INDEX content_personas_persona ON content_personas(persona_id);

CREATE TABLE content_products (
    content_id INTEGER NOT NULL REFERENCES content(id) ON DELETE CASCADE,
    product_id INTEGER NOT NULL REFERENCES products(id) ON DELETE CASCADE,
    PRIMARY KEY (content_id, product_id)
);
CREATE INDEX content_products_product ON content_products(product_id);

CREATE TABLE content_categories (
    content_id  INTEGER NOT NULL REFERENCES content(id) ON DELETE CASCADE,
    category_id INTEGER NOT NULL REFERENCES categories(id) ON DELETE CASCADE,
    PRIMARY KEY (content_id, category_id)
);
CREATE INDEX content_categories_category ON content_categories(category_id);
