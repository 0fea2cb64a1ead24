//! SQL of the audit log.

use super::{AuditEntry, AuditPage};
use crate::db::{now_unix, Db};
use crate::request::CurrentUser;
use sqlx::Row;

pub async fn record(
    db: &Db,
    actor: &CurrentUser,
    action: &str,
    subject_type: &str,
    subject_id: impl ToString,
    detail: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO audit_log (actor_id, actor_email, action, subject_type, subject_id, detail, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(actor.id)
    .bind(&actor.email)
    .bind(action)
    .bind(subject_type)
    .bind(subject_id.to_string())
    .bind(detail)
    .bind(now_unix())
    .execute(db.pool())
    .await?;
    Ok(())
}

/// The newest 200 entries, optionally only one actor's and/or one action's.
pub async fn list_audit(db: &Db, actor: &str, action: &str) -> Result<AuditPage, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT id, actor_email, action, subject_type, subject_id, detail, created_at FROM audit_log
         WHERE ($1 = '' OR actor_email = $1) AND ($2 = '' OR action = $2)
         ORDER BY id DESC LIMIT 200",
    )
    .bind(actor)
    .bind(action)
    .fetch_all(db.pool())
    .await?;
    let entries = rows
        .into_iter()
        .map(|row| {
            Ok(AuditEntry {
                id: row.try_get("id")?,
                actor_email: row.try_get("actor_email")?,
                action: row.try_get("action")?,
                subject_type: row.try_get("subject_type")?,
                subject_id: row.try_get("subject_id")?,
                detail: row.try_get("detail")?,
                created_at: row.try_get("created_at")?,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let actors =
        sqlx::query_scalar("SELECT DISTINCT actor_email FROM audit_log ORDER BY actor_email")
            .fetch_all(db.pool())
            .await?;
    let actions = sqlx::query_scalar("SELECT DISTINCT action FROM audit_log ORDER BY action")
        .fetch_all(db.pool())
        .await?;
    Ok(AuditPage {
        entries,
        actors,
        actions,
        actor: actor.to_string(),
        action: action.to_string(),
    })
}
