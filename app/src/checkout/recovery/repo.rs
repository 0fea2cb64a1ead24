//! All SQL of checkout reminders: which unpaid checkouts are due one, claiming it (one
//! conditional UPDATE, so two app servers never both send), the single-use restore link,
//! and the addresses that asked for no more reminders.

use crate::db::Db;
use sqlx::AnyConnection;

/// An unpaid checkout whose customer asked for a reminder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueReminder {
    pub order_id: i64,
    pub public_id: String,
    pub email: String,
    pub stage: String,
    pub created_at: i64,
}

/// Checkouts older than `due_before` (and newer than `not_before`) that were not paid,
/// asked for a reminder, are their owner's newest checkout, were not followed by a paid
/// order to the same address, and whose address did not unsubscribe.
pub async fn due_reminders(
    db: &Db,
    due_before: i64,
    not_before: i64,
    limit: i64,
) -> Result<Vec<DueReminder>, sqlx::Error> {
    let rows: Vec<(i64, String, String, String, i64)> = sqlx::query_as(
        "SELECT o.id, o.public_id, o.reminder_email, o.reminder_stage, o.created_at FROM orders o \
         WHERE o.reminder_email <> '' AND o.reminder_sent_at IS NULL \
           AND o.status IN ('pending_payment', 'expired', 'cancelled') \
           AND o.created_at <= $1 AND o.created_at > $2 \
           AND NOT EXISTS (SELECT 1 FROM orders n WHERE n.owner = o.owner AND n.id > o.id) \
           AND NOT EXISTS (SELECT 1 FROM orders p WHERE p.id > o.id \
                 AND (p.email = o.reminder_email OR p.reminder_email = o.reminder_email) \
                 AND p.status IN ('paid', 'fulfilled', 'partially_refunded', 'refunded')) \
           AND NOT EXISTS (SELECT 1 FROM email_suppressions s WHERE s.email = o.reminder_email) \
         ORDER BY o.id LIMIT $3",
    )
    .bind(due_before)
    .bind(not_before)
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(order_id, public_id, email, stage, created_at)| DueReminder {
                order_id,
                public_id,
                email,
                stage,
                created_at,
            },
        )
        .collect())
}

/// Takes the order's one reminder (inside the transaction that queues the email); `false`
/// when another server (or an earlier run) already did.
pub async fn claim_reminder(
    conn: &mut AnyConnection,
    order_id: i64,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let claimed = sqlx::query(
        "UPDATE orders SET reminder_sent_at = $1 WHERE id = $2 AND reminder_sent_at IS NULL",
    )
    .bind(now)
    .bind(order_id)
    .execute(conn)
    .await?;
    Ok(claimed.rows_affected() == 1)
}

/// An order line as the reminder lists it and the restore link puts it back:
/// (product id, variant id, name, variant values, quantity).
pub async fn order_lines(
    db: &Db,
    public_id: &str,
) -> Result<Vec<(i64, i64, String, String, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT l.product_id, l.variant_id, l.name, l.variant_title, l.quantity FROM order_lines l \
         JOIN orders o ON o.id = l.order_id WHERE o.public_id = $1 ORDER BY l.name, l.variant_title",
    )
    .bind(public_id)
    .fetch_all(db.pool())
    .await
}

/// Uses the order's restore link; `false` when it was used already (or never sent).
/// Also answers the order's discount code and the stage it was made at.
pub async fn claim_restore(
    db: &Db,
    public_id: &str,
    now: i64,
) -> Result<Option<(Option<i64>, String)>, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    let used = sqlx::query(
        "UPDATE orders SET reminder_used_at = $1 WHERE public_id = $2 \
         AND reminder_sent_at IS NOT NULL AND reminder_used_at IS NULL",
    )
    .bind(now)
    .bind(public_id)
    .execute(&mut *tx)
    .await?;
    if used.rows_affected() != 1 {
        return Ok(None);
    }
    let found: (Option<i64>, String) =
        sqlx::query_as("SELECT discount_code_id, reminder_stage FROM orders WHERE public_id = $1")
            .bind(public_id)
            .fetch_one(&mut *tx)
            .await?;
    tx.commit().await?;
    Ok(Some(found))
}

/// No more reminders to `email` (asking twice changes nothing).
pub async fn suppress(db: &Db, email: &str, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO email_suppressions (email, created_at) VALUES ($1, $2) ON CONFLICT (email) DO NOTHING",
    )
    .bind(email)
    .bind(now)
    .execute(db.pool())
    .await?;
    Ok(())
}

pub async fn is_suppressed(db: &Db, email: &str) -> Result<bool, sqlx::Error> {
    let found: Option<String> =
        sqlx::query_scalar("SELECT email FROM email_suppressions WHERE email = $1")
            .bind(email)
            .fetch_optional(db.pool())
            .await?;
    Ok(found.is_some())
}
