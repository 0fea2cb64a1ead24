//! All SQL of the admin panel: the catalogue as staff see it (every status), category
//! tree edits, staff accounts and the dashboard's counts.

use crate::admin::model::{DashboardFigures, StaffMember};
use crate::catalog::model::LOW_STOCK;
use crate::db::{now_unix, Db};
use crate::request::StaffRole;
use sqlx::Row;

pub async fn dashboard_figures(db: &Db) -> Result<DashboardFigures, sqlx::Error> {
    let count = |sql: &'static str| async move {
        sqlx::query_scalar::<_, i64>(sql).fetch_one(db.pool()).await
    };
    Ok(DashboardFigures {
        active_products: count("SELECT COUNT(*) FROM products WHERE status = 'active'").await?,
        draft_products: count("SELECT COUNT(*) FROM products WHERE status = 'draft'").await?,
        low_stock: sqlx::query_scalar(
            "SELECT COUNT(*) FROM products WHERE status = 'active' AND stock <= $1",
        )
        .bind(LOW_STOCK)
        .fetch_one(db.pool())
        .await?,
        customers: count("SELECT COUNT(*) FROM users WHERE role IS NULL").await?,
        pending_emails: count("SELECT COUNT(*) FROM email_outbox WHERE sent_at IS NULL").await?,
    })
}

// ---- staff ----

pub async fn list_staff(db: &Db) -> Result<Vec<StaffMember>, sqlx::Error> {
    sqlx::query(
        "SELECT id, email, name, role, active, created_at FROM users WHERE role IS NOT NULL ORDER BY email",
    )
    .fetch_all(db.pool())
    .await?
    .into_iter()
    .map(|r| {
        Ok(StaffMember {
            id: r.try_get("id")?,
            email: r.try_get("email")?,
            name: r.try_get("name")?,
            role: r.try_get::<Option<String>, _>("role")?.as_deref().and_then(StaffRole::parse),
            active: r.try_get::<i64, _>("active")? != 0,
            created_at: r.try_get("created_at")?,
        })
    })
    .collect()
}

/// Sets (or with `None` removes) a user's staff role and signs them out everywhere, so
/// the new rights apply from their next sign-in.
pub async fn set_staff_role(
    db: &Db,
    user_id: i64,
    role: Option<StaffRole>,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE users SET role = $1, session_epoch = session_epoch + 1, updated_at = $2 WHERE id = $3",
    )
    .bind(role.map(|r| r.as_str().to_string()))
    .bind(now_unix())
    .bind(user_id)
    .execute(db.pool())
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn set_user_active(db: &Db, user_id: i64, active: bool) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE users SET active = $1, session_epoch = session_epoch + 1, updated_at = $2 WHERE id = $3",
    )
    .bind(i64::from(active))
    .bind(now_unix())
    .bind(user_id)
    .execute(db.pool())
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn count_active_admins(db: &Db) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE role = 'admin' AND active = 1")
        .fetch_one(db.pool())
        .await
}
