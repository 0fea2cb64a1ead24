//! All SQL of accounts: users, sessions, password-reset tokens and throttles.

use crate::db::{now_unix, Db};
use crate::request::{CurrentUser, StaffRole};
use sqlx::Row;

#[derive(Debug, Clone)]
pub struct UserRow {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub password_hash: String,
    pub role: Option<String>,
    pub active: bool,
    pub session_epoch: i64,
    pub created_at: i64,
}

impl UserRow {
    pub fn role(&self) -> Option<StaffRole> {
        self.role.as_deref().and_then(StaffRole::parse)
    }

    pub fn into_current_user(self) -> CurrentUser {
        CurrentUser {
            role: self.role(),
            id: self.id,
            email: self.email,
            name: self.name,
        }
    }
}

const USER_COLUMNS: &str =
    "id, email, name, password_hash, role, active, session_epoch, created_at";

fn user_from_row(row: sqlx::any::AnyRow) -> Result<UserRow, sqlx::Error> {
    Ok(UserRow {
        id: row.try_get("id")?,
        email: row.try_get("email")?,
        name: row.try_get("name")?,
        password_hash: row.try_get("password_hash")?,
        role: row.try_get("role")?,
        active: row.try_get::<i64, _>("active")? != 0,
        session_epoch: row.try_get("session_epoch")?,
        created_at: row.try_get("created_at")?,
    })
}

pub async fn find_user_by_email(db: &Db, email: &str) -> Result<Option<UserRow>, sqlx::Error> {
    sqlx::query(&format!(
        "SELECT {USER_COLUMNS} FROM users WHERE email = $1"
    ))
    .bind(email)
    .fetch_optional(db.pool())
    .await?
    .map(user_from_row)
    .transpose()
}

pub async fn find_user_by_id(db: &Db, id: i64) -> Result<Option<UserRow>, sqlx::Error> {
    sqlx::query(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1"))
        .bind(id)
        .fetch_optional(db.pool())
        .await?
        .map(user_from_row)
        .transpose()
}

/// Inserts a user; `None` when the email is already registered (the unique constraint
/// decides, so two simultaneous sign-ups cannot both win).
pub async fn insert_user(
    db: &Db,
    email: &str,
    name: &str,
    password_hash: &str,
    role: Option<StaffRole>,
) -> Result<Option<i64>, sqlx::Error> {
    let now = now_unix();
    let result = sqlx::query(
        "INSERT INTO users (email, name, password_hash, role, active, session_epoch, created_at, updated_at)
         VALUES ($1, $2, $3, $4, 1, 0, $5, $5)
         ON CONFLICT (email) DO NOTHING
         RETURNING id",
    )
    .bind(email)
    .bind(name)
    .bind(password_hash)
    .bind(role.map(|r| r.as_str().to_string()))
    .bind(now)
    .fetch_optional(db.pool())
    .await?;
    result.map(|row| row.try_get::<i64, _>("id")).transpose()
}

pub async fn update_user_name(db: &Db, id: i64, name: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET name = $1, updated_at = $2 WHERE id = $3")
        .bind(name)
        .bind(now_unix())
        .bind(id)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// Stores a new password hash and bumps the session epoch, which signs out every other
/// session; returns the new epoch for the session that stays signed in.
pub async fn update_user_password(
    db: &Db,
    id: i64,
    password_hash: &str,
) -> Result<i64, sqlx::Error> {
    let row = sqlx::query(
        "UPDATE users SET password_hash = $1, session_epoch = session_epoch + 1, updated_at = $2
         WHERE id = $3 RETURNING session_epoch",
    )
    .bind(password_hash)
    .bind(now_unix())
    .bind(id)
    .fetch_one(db.pool())
    .await?;
    row.try_get("session_epoch")
}

/// Ends every session of the user (they all carry an older epoch afterwards).
pub async fn bump_session_epoch(db: &Db, id: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE users SET session_epoch = session_epoch + 1, updated_at = $1 WHERE id = $2",
    )
    .bind(now_unix())
    .bind(id)
    .execute(db.pool())
    .await?;
    Ok(())
}

pub async fn delete_user(db: &Db, id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM users WHERE id = $1")
        .bind(id)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// Makes `email` a staff member with `role`, creating the account when it does not exist.
/// Returns the user id and whether the account is new.
pub async fn upsert_staff_user(
    db: &Db,
    email: &str,
    password_hash: &str,
    role: StaffRole,
) -> Result<(i64, bool), sqlx::Error> {
    if let Some(id) = insert_user(db, email, "", password_hash, Some(role)).await? {
        return Ok((id, true));
    }
    let row = sqlx::query(
        "UPDATE users SET role = $1, active = 1, password_hash = $2,
                session_epoch = session_epoch + 1, updated_at = $3
         WHERE email = $4 RETURNING id",
    )
    .bind(role.as_str())
    .bind(password_hash)
    .bind(now_unix())
    .bind(email)
    .fetch_one(db.pool())
    .await?;
    Ok((row.try_get("id")?, false))
}

// ---- password reset tokens ----

pub async fn insert_password_reset(
    db: &Db,
    token_hash: &str,
    user_id: i64,
    expires_at: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO password_resets (token_hash, user_id, expires_at, created_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(token_hash)
    .bind(user_id)
    .bind(expires_at)
    .bind(now_unix())
    .execute(db.pool())
    .await?;
    Ok(())
}

/// The user a reset token belongs to, when it is unused and unexpired.
pub async fn find_valid_password_reset(
    db: &Db,
    token_hash: &str,
) -> Result<Option<i64>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT user_id FROM password_resets
         WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2",
    )
    .bind(token_hash)
    .bind(now_unix())
    .fetch_optional(db.pool())
    .await?;
    row.map(|r| r.try_get("user_id")).transpose()
}

/// Marks the token used; true only for the one request that got there first, so a link
/// can never be used twice even when it is clicked twice at once.
pub async fn consume_password_reset(db: &Db, token_hash: &str) -> Result<bool, sqlx::Error> {
    let now = now_unix();
    let result = sqlx::query(
        "UPDATE password_resets SET used_at = $1
         WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1",
    )
    .bind(now)
    .bind(token_hash)
    .execute(db.pool())
    .await?;
    Ok(result.rows_affected() == 1)
}

// ---- sessions (tower-sessions records as JSON) ----

/// Stores a new session; `false` when the id is taken (the caller picks another).
pub async fn insert_new_session(
    db: &Db,
    id: &str,
    data: &str,
    expires_at: i64,
) -> Result<bool, sqlx::Error> {
    let inserted = sqlx::query(
        "INSERT INTO sessions (id, data, expires_at) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING",
    )
    .bind(id)
    .bind(data)
    .bind(expires_at)
    .execute(db.pool())
    .await?;
    Ok(inserted.rows_affected() == 1)
}

pub async fn save_session(
    db: &Db,
    id: &str,
    data: &str,
    expires_at: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO sessions (id, data, expires_at) VALUES ($1, $2, $3)
         ON CONFLICT (id) DO UPDATE SET data = excluded.data, expires_at = excluded.expires_at",
    )
    .bind(id)
    .bind(data)
    .bind(expires_at)
    .execute(db.pool())
    .await?;
    Ok(())
}

/// (data, expires_at) of a session that has not expired at `now`.
pub async fn find_live_session(
    db: &Db,
    id: &str,
    now: i64,
) -> Result<Option<(String, i64)>, sqlx::Error> {
    sqlx::query_as("SELECT data, expires_at FROM sessions WHERE id = $1 AND expires_at > $2")
        .bind(id)
        .bind(now)
        .fetch_optional(db.pool())
        .await
}

pub async fn delete_session(db: &Db, id: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE id = $1")
        .bind(id)
        .execute(db.pool())
        .await?;
    Ok(())
}

pub async fn delete_expired_sessions(db: &Db, now: i64) -> Result<u64, sqlx::Error> {
    let done = sqlx::query("DELETE FROM sessions WHERE expires_at < $1")
        .bind(now)
        .execute(db.pool())
        .await?;
    Ok(done.rows_affected())
}

// ---- throttles ----

/// When `key` may try again (Unix seconds), if it is locked now.
pub async fn throttle_locked_until(db: &Db, key: &str) -> Result<Option<i64>, sqlx::Error> {
    let row =
        sqlx::query("SELECT locked_until FROM throttles WHERE key = $1 AND locked_until > $2")
            .bind(key)
            .bind(now_unix())
            .fetch_optional(db.pool())
            .await?;
    row.map(|r| r.try_get("locked_until")).transpose()
}

/// Counts one more failure for `key` (failures older than `forget_after` seconds are
/// forgotten first) and returns the new count.
pub async fn record_throttle_failure(
    db: &Db,
    key: &str,
    forget_after: i64,
) -> Result<i64, sqlx::Error> {
    let now = now_unix();
    let row = sqlx::query(
        "INSERT INTO throttles (key, failures, locked_until, updated_at) VALUES ($1, 1, 0, $2)
         ON CONFLICT (key) DO UPDATE SET
            failures = CASE WHEN throttles.updated_at < $3 THEN 1 ELSE throttles.failures + 1 END,
            updated_at = $2
         RETURNING failures",
    )
    .bind(key)
    .bind(now)
    .bind(now - forget_after)
    .fetch_one(db.pool())
    .await?;
    row.try_get("failures")
}

pub async fn lock_throttle(db: &Db, key: &str, until: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE throttles SET locked_until = $1 WHERE key = $2")
        .bind(until)
        .bind(key)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// Takes back one counted attempt (a success), never below zero.
pub async fn forgive_throttle_attempt(db: &Db, key: &str) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE throttles SET failures = CASE WHEN failures > 0 THEN failures - 1 ELSE 0 END WHERE key = $1",
    )
    .bind(key)
    .execute(db.pool())
    .await?;
    Ok(())
}

pub async fn clear_throttle(db: &Db, key: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM throttles WHERE key = $1")
        .bind(key)
        .execute(db.pool())
        .await?;
    Ok(())
}
