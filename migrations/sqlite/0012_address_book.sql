-- A signed-in customer's address book: addresses saved at checkout ("Save this address in
-- my account"), picked on the next checkout, removed from /account/addresses. Columns are
-- named like the order's ship_* columns, so one row mapping reads both.
CREATE TABLE saved_addresses (
    id               INTEGER PRIMARY KEY,
    user_id          INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    ship_name        TEXT NOT NULL,
    ship_company     TEXT NOT NULL DEFAULT '',
    ship_line1       TEXT NOT NULL,
    ship_line2       TEXT NOT NULL DEFAULT '',
    ship_city        TEXT NOT NULL,
    ship_region      TEXT NOT NULL DEFAULT '',
    ship_postal_code TEXT NOT NULL DEFAULT '',
    ship_country     TEXT NOT NULL,
    ship_phone       TEXT NOT NULL DEFAULT '',
    created_at       INTEGER NOT NULL,
    last_used_at     INTEGER NOT NULL,
    -- The same place saved twice is one entry (its name, company or phone may change).
    UNIQUE (user_id, ship_line1, ship_line2, ship_city, ship_postal_code, ship_country)
);
CREATE INDEX saved_addresses_user ON saved_addresses(user_id, last_used_at);
