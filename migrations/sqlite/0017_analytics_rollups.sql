-- Daily rollups of the research trail, so the shared funnel view answers from a few
-- thousand rows instead of millions of raw events. A background job folds each closed UTC
-- day into them once (`rolled_until` moves forward in the same transaction); the open day
-- is read raw and folded the same way on the fly. Raw events older than the retention
-- period are purged only once rolled up; the rollups are kept.

CREATE TABLE analytics_rollup_state (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    -- Every event before this instant (a UTC midnight) is in the rollups; NULL: none yet.
    rolled_until INTEGER
);
INSERT INTO analytics_rollup_state (id, rolled_until) VALUES (1, NULL);

-- One row per visitor: the funnel steps they took within the conversion window of their
-- first visit (bits: 1 product, 2 guide, 4 cart, 8 checkout, 16 paid), the persona they
-- chose, the first guide they read and the furthest stage they read at (1 awareness,
-- 2 consideration, 3 decision). "Clear it all" deletes the row; the day counts stay.
CREATE TABLE funnel_visitors (
    visitor_id     TEXT PRIMARY KEY,
    first_at       INTEGER NOT NULL,
    cohort_day     INTEGER NOT NULL,
    persona        TEXT NOT NULL DEFAULT '',
    entry_stage    TEXT NOT NULL DEFAULT '',
    entry_guide    TEXT NOT NULL DEFAULT '',
    steps          INTEGER NOT NULL DEFAULT 0,
    furthest_stage INTEGER NOT NULL DEFAULT 0,
    paid_at        INTEGER,
    paid_order     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX funnel_visitors_cohort ON funnel_visitors(cohort_day, first_at);
CREATE INDEX funnel_visitors_paid ON funnel_visitors(cohort_day, first_at) WHERE paid_at IS NOT NULL;

-- Visitors per day they arrived × persona × entry stage × entry guide × steps × furthest
-- stage: anonymous counts.
CREATE TABLE funnel_days (
    day            INTEGER NOT NULL,
    persona        TEXT NOT NULL,
    entry_stage    TEXT NOT NULL,
    entry_guide    TEXT NOT NULL,
    steps          INTEGER NOT NULL,
    furthest_stage INTEGER NOT NULL,
    visitors       INTEGER NOT NULL,
    PRIMARY KEY (day, persona, entry_stage, entry_guide, steps, furthest_stage)
);

-- Who has read which guide (first read), so a reader counts once per guide.
CREATE TABLE content_readers (
    visitor_id TEXT NOT NULL,
    slug       TEXT NOT NULL,
    first_at   INTEGER NOT NULL,
    PRIMARY KEY (visitor_id, slug)
);

-- Per day and guide: new readers, reads, measured depth and time, tickets opened after.
CREATE TABLE content_days (
    day         INTEGER NOT NULL,
    slug        TEXT NOT NULL,
    readers     INTEGER NOT NULL DEFAULT 0,
    reads       INTEGER NOT NULL DEFAULT 0,
    depth_sum   INTEGER NOT NULL DEFAULT 0,
    depth_n     INTEGER NOT NULL DEFAULT 0,
    seconds_sum INTEGER NOT NULL DEFAULT 0,
    seconds_n   INTEGER NOT NULL DEFAULT 0,
    tickets     INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (day, slug)
);

-- Per day and search text: how often, and how many results the day's last search found
-- (-1: not recorded).
CREATE TABLE search_days (
    day      INTEGER NOT NULL,
    query    TEXT NOT NULL,
    searches INTEGER NOT NULL,
    results  INTEGER NOT NULL,
    PRIMARY KEY (day, query)
);

-- A paid order finds its visitor through the checkout event that started it.
CREATE INDEX journey_events_subject ON journey_events(kind, subject);
CREATE INDEX orders_paid ON orders(paid_at);
-- Rolling up reads a day at a time; purging deletes the oldest first.
CREATE INDEX journey_events_time ON journey_events(created_at);

-- The guides a ticket's customer read in the 30 days before opening it, frozen when the
-- ticket is won or lost (in the same transaction; a reopened ticket loses them until it
-- is decided again). A won ticket's quote revenue (its quotes' paid orders) is shared
-- equally among them, to the cent.
CREATE TABLE ticket_credits (
    ticket_id    INTEGER NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
    content_slug TEXT NOT NULL,
    outcome      TEXT NOT NULL CHECK (outcome IN ('won', 'lost')),
    credit_cents INTEGER NOT NULL DEFAULT 0,
    decided_at   INTEGER NOT NULL,
    PRIMARY KEY (ticket_id, content_slug)
);
CREATE INDEX ticket_credits_decided ON ticket_credits(decided_at);
