-- The visitor's research trail: a first-party visitor id (cookie), what they did, who they
-- said they are, and what they saved. Nothing is stored for visitors who send
-- Do-Not-Track or Global Privacy Control.

CREATE TABLE journey_events (
    id         INTEGER PRIMARY KEY,
    visitor_id TEXT NOT NULL,
    -- Set when the visitor signs in: the anonymous trail joins the account.
    user_id    INTEGER REFERENCES users(id) ON DELETE CASCADE,
    kind       TEXT NOT NULL CHECK (kind IN ('product_view', 'content_view', 'search', 'compare', 'persona_choice', 'cart', 'checkout', 'ticket')),
    -- The product or content slug, the search text, the compared slugs, the persona slug.
    subject    TEXT NOT NULL,
    -- Extra facts: the content's stage, the persona it serves …
    detail     TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL
);
CREATE INDEX journey_events_visitor ON journey_events(visitor_id, created_at);
CREATE INDEX journey_events_user ON journey_events(user_id, created_at);

CREATE TABLE visitor_profiles (
    visitor_id   TEXT PRIMARY KEY,
    user_id      INTEGER REFERENCES users(id) ON DELETE CASCADE,
    -- The persona the visitor picked ("I'm a …"); NULL until they pick one.
    persona_slug TEXT,
    updated_at   INTEGER NOT NULL
);

CREATE TABLE saved_items (
    visitor_id TEXT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('product', 'content')),
    slug       TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (visitor_id, kind, slug)
);
