//! All SQL of the email outbox.

use super::OutboxMessage;
use crate::db::{now_unix, Db};
use sqlx::Row;

pub async fn enqueue_email(
    db: &Db,
    to: &str,
    subject: &str,
    body_text: &str,
    kind: &str,
) -> Result<i64, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    let result = enqueue_email_in(&mut tx, to, subject, body_text, kind).await?;
    tx.commit().await?;
    Ok(result)
}

/// [`enqueue_email`] inside the caller's transaction: the email exists exactly when what
/// it announces does (a paid order's confirmation).
pub async fn enqueue_email_in(
    conn: &mut sqlx::AnyConnection,
    to: &str,
    subject: &str,
    body_text: &str,
    kind: &str,
) -> Result<i64, sqlx::Error> {
    let row = sqlx::query(
        "INSERT INTO email_outbox (to_address, subject, body_text, kind, created_at)
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(to)
    .bind(subject)
    .bind(body_text)
    .bind(kind)
    .bind(now_unix())
    .fetch_one(&mut *conn)
    .await?;
    let id: i64 = row.try_get("id")?;
    tracing::info!(
        email_id = id,
        to,
        subject,
        kind,
        "email queued in the outbox"
    );
    Ok(id)
}

fn message_from_row(row: sqlx::any::AnyRow) -> Result<OutboxMessage, sqlx::Error> {
    Ok(OutboxMessage {
        id: row.try_get("id")?,
        to_address: row.try_get("to_address")?,
        subject: row.try_get("subject")?,
        body_text: row.try_get("body_text")?,
        kind: row.try_get("kind")?,
        created_at: row.try_get("created_at")?,
        sent_at: row.try_get("sent_at")?,
        attempts: row.try_get("attempts")?,
        last_error: row.try_get("last_error")?,
    })
}

const COLUMNS: &str =
    "id, to_address, subject, body_text, kind, created_at, sent_at, attempts, last_error";

/// Newest first, for the admin list.
pub async fn list_outbox(db: &Db, limit: i64) -> Result<Vec<OutboxMessage>, sqlx::Error> {
    sqlx::query(&format!(
        "SELECT {COLUMNS} FROM email_outbox ORDER BY id DESC LIMIT $1"
    ))
    .bind(limit)
    .fetch_all(db.pool())
    .await?
    .into_iter()
    .map(message_from_row)
    .collect()
}

/// Oldest unsent messages that have not failed too often.
pub async fn list_pending_emails(db: &Db, limit: i64) -> Result<Vec<OutboxMessage>, sqlx::Error> {
    sqlx::query(&format!(
        "SELECT {COLUMNS} FROM email_outbox WHERE sent_at IS NULL AND attempts < 10 ORDER BY id LIMIT $1"
    ))
    .bind(limit)
    .fetch_all(db.pool())
    .await?
    .into_iter()
    .map(message_from_row)
    .collect()
}

pub async fn mark_email_sent(db: &Db, id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE email_outbox SET sent_at = $1, attempts = attempts + 1 WHERE id = $2")
        .bind(now_unix())
        .bind(id)
        .execute(db.pool())
        .await?;
    Ok(())
}

pub async fn mark_email_failed(db: &Db, id: i64, error: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE email_outbox SET attempts = attempts + 1, last_error = $1 WHERE id = $2")
        .bind(error)
        .bind(id)
        .execute(db.pool())
        .await?;
    Ok(())
}
