-- Accounts: customers and staff share one table (a staff member is a user with a role),
-- database-backed sessions so several app servers share them, one-time password-reset
-- tokens, the email outbox, login/reset throttles, the staff audit log, and the history a
-- catalogue needs once staff edit it (old slugs, stock adjustments).

CREATE TABLE users (
    id            BIGSERIAL PRIMARY KEY,
    -- Normalised by accounts::model::Email (trimmed, lower-case).
    email         TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL DEFAULT '',
    password_hash TEXT NOT NULL,
    -- NULL for customers.
    role          TEXT CHECK (role IS NULL OR role IN ('admin', 'marketing', 'sales')),
    active        BIGINT NOT NULL DEFAULT 1,
    -- Sessions remember the epoch they were signed in at; bumping it (logout, password
    -- change, deactivation, role change) signs every other session out.
    session_epoch BIGINT NOT NULL DEFAULT 0,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);

-- tower-sessions records, stored as JSON by accounts::session::SqlSessionStore.
CREATE TABLE sessions (
    id         TEXT PRIMARY KEY,
    data       TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_expiry ON sessions(expires_at);

-- Only a SHA-256 of the emailed token is kept: a database leak reveals no usable link.
CREATE TABLE password_resets (
    token_hash TEXT PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    expires_at BIGINT NOT NULL,
    used_at    BIGINT,
    created_at BIGINT NOT NULL
);

CREATE TABLE email_outbox (
    id         BIGSERIAL PRIMARY KEY,
    to_address TEXT NOT NULL,
    subject    TEXT NOT NULL,
    body_text  TEXT NOT NULL,
    -- What the message is for (password_reset, staff_invite, …), for the admin list.
    kind       TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    sent_at    BIGINT,
    attempts   BIGINT NOT NULL DEFAULT 0,
    last_error TEXT
);
CREATE INDEX email_outbox_pending ON email_outbox(sent_at, id);

-- One row per throttled key ("login-email:…", "login-ip:…", "reset-ip:…").
CREATE TABLE throttles (
    key          TEXT PRIMARY KEY,
    failures     BIGINT NOT NULL,
    locked_until BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL
);

CREATE TABLE audit_log (
    id           BIGSERIAL PRIMARY KEY,
    actor_id     BIGINT REFERENCES users(id) ON DELETE SET NULL,
    -- Kept as text so the entry still says who it was after the account is gone.
    actor_email  TEXT NOT NULL,
    action       TEXT NOT NULL,
    subject_type TEXT NOT NULL,
    subject_id   TEXT NOT NULL,
    detail       TEXT NOT NULL DEFAULT '',
    created_at   BIGINT NOT NULL
);
CREATE INDEX audit_log_recent ON audit_log(created_at);
CREATE INDEX audit_log_actor ON audit_log(actor_email, created_at);

-- Slugs stay stable for links people shared: a renamed product answers its old slug with 301.
CREATE TABLE slug_redirects (
    old_slug   TEXT PRIMARY KEY,
    product_id BIGINT NOT NULL REFERENCES products(id) ON DELETE CASCADE
);

CREATE TABLE stock_adjustments (
    id         BIGSERIAL PRIMARY KEY,
    product_id BIGINT NOT NULL REFERENCES products(id) ON DELETE CASCADE,
    delta      BIGINT NOT NULL,
    reason     TEXT NOT NULL,
    actor_id   BIGINT REFERENCES users(id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX stock_adjustments_product ON stock_adjustments(product_id, created_at);
