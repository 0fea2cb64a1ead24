//! All SQL of returns: asking for one (each line's returnable quantity raised by one
//! conditional UPDATE, so two requests can never return more than was bought), the one
//! place a return's status changes, and restocking what comes back.

use super::{OrderReturn, ReturnLine, ReturnStatus};
use crate::checkout::model::{OrderLine, OrderStatus};
use crate::db::{now_unix, Db};
use crate::money::Money;
use sqlx::Row;

/// The order's returns with their lines, oldest first (names read from the order's lines).
pub async fn returns_of(
    db: &Db,
    order_id: i64,
    lines: &[OrderLine],
) -> Result<Vec<OrderReturn>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT r.id, r.status, r.reason, r.note, r.decline_reason, r.refund_cents, r.created_at, \
                l.variant_id, l.quantity, l.restocked, o.currency \
         FROM order_returns r JOIN order_return_lines l ON l.return_id = r.id \
         JOIN orders o ON o.id = r.order_id \
         WHERE r.order_id = $1 ORDER BY r.id, l.variant_id",
    )
    .bind(order_id)
    .fetch_all(db.pool())
    .await?;
    let mut returns: Vec<OrderReturn> = Vec::new();
    for r in rows {
        let id: i64 = r.try_get("id")?;
        let variant_id: i64 = r.try_get("variant_id")?;
        let line = ReturnLine {
            variant_id,
            name: lines
                .iter()
                .find(|l| l.variant_id == variant_id)
                .map(|l| l.name.clone())
                .unwrap_or_default(),
            quantity: r.try_get("quantity")?,
            restocked: r.try_get::<i64, _>("restocked")? == 1,
        };
        if let Some(existing) = returns.last_mut().filter(|ret| ret.id == id) {
            existing.lines.push(line);
            continue;
        }
        let status: String = r.try_get("status")?;
        let currency: String = r.try_get("currency")?;
        returns.push(OrderReturn {
            id,
            status: ReturnStatus::parse(&status).unwrap_or(ReturnStatus::Declined),
            reason: r.try_get("reason")?,
            note: r.try_get("note")?,
            decline_reason: r.try_get("decline_reason")?,
            refund: Money::new(
                r.try_get("refund_cents")?,
                crate::money::Currency::parse(&currency).unwrap_or(crate::money::Currency::Usd),
            ),
            lines: vec![line],
            created_at: r.try_get("created_at")?,
        });
    }
    Ok(returns)
}

/// Why a return could not be made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReturnRefusal {
    /// Another request took these items first (a double click, another tab).
    AlreadyReturned { variant_id: i64 },
}

/// Records a return of `lines` ((variant id, quantity)) for the order, all or nothing, and
/// notes it on the order's timeline. Returns the new return's id.
pub async fn create_return(
    db: &Db,
    order_public_id: &str,
    lines: &[(i64, i64)],
    reason: &str,
    note: &str,
    summary: &str,
) -> Result<Result<i64, ReturnRefusal>, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    let (order_id, status): (i64, String) =
        sqlx::query_as("SELECT id, status FROM orders WHERE public_id = $1")
            .bind(order_public_id)
            .fetch_one(&mut *tx)
            .await?;
    for (variant_id, quantity) in lines {
        let taken = sqlx::query(
            "UPDATE order_lines SET returned_quantity = returned_quantity + $1 \
             WHERE order_id = $2 AND variant_id = $3 AND returned_quantity + $1 <= quantity",
        )
        .bind(quantity)
        .bind(order_id)
        .bind(variant_id)
        .execute(&mut *tx)
        .await?;
        if taken.rows_affected() != 1 {
            return Ok(Err(ReturnRefusal::AlreadyReturned {
                variant_id: *variant_id,
            }));
        }
    }
    let now = now_unix();
    let return_id: i64 = sqlx::query(
        "INSERT INTO order_returns (order_id, status, reason, note, created_at, updated_at) \
         VALUES ($1, 'requested', $2, $3, $4, $4) RETURNING id",
    )
    .bind(order_id)
    .bind(reason)
    .bind(note)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?
    .try_get(0)?;
    for (variant_id, quantity) in lines {
        sqlx::query(
            "INSERT INTO order_return_lines (return_id, product_id, variant_id, quantity) \
             SELECT $1, product_id, variant_id, $2 FROM order_lines WHERE order_id = $3 AND variant_id = $4",
        )
        .bind(return_id)
        .bind(quantity)
        .bind(order_id)
        .bind(variant_id)
        .execute(&mut *tx)
        .await?;
    }
    let status = OrderStatus::parse(&status).unwrap_or(OrderStatus::Paid);
    crate::checkout::repo::note_order_event(
        &mut tx,
        order_id,
        status,
        &format!("Return R-{return_id} requested: {summary}"),
    )
    .await?;
    tx.commit().await?;
    Ok(Ok(return_id))
}

/// What a step of a return did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Done,
    /// The return is not in a status this step starts from (a double click, another tab).
    Refused(ReturnStatus),
    NotFound,
}

/// A step staff take: moves the return `from` one of `allowed` to `to` (conditional on
/// the status, so a double click acts once), notes it on the timeline. Declining gives
/// the items back to what can be returned; refunding records the amount and restocks the
/// chosen variants, in the same transaction.
pub struct Change<'a> {
    pub order_public_id: &'a str,
    pub return_id: i64,
    pub to: ReturnStatus,
    pub timeline: &'a str,
    pub decline_reason: &'a str,
    pub refund_cents: i64,
    /// Variants to put back in stock (refunds only).
    pub restock: &'a [i64],
}

pub async fn change_return(db: &Db, change: &Change<'_>) -> Result<Step, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    let Some((order_id, order_status, status)): Option<(i64, String, String)> = sqlx::query_as(
        "SELECT o.id, o.status, r.status FROM order_returns r JOIN orders o ON o.id = r.order_id \
         WHERE o.public_id = $1 AND r.id = $2",
    )
    .bind(change.order_public_id)
    .bind(change.return_id)
    .fetch_optional(&mut *tx)
    .await?
    else {
        return Ok(Step::NotFound);
    };
    let from = ReturnStatus::parse(&status).unwrap_or(ReturnStatus::Declined);
    if !from.can_become(change.to) {
        return Ok(Step::Refused(from));
    }
    let moved = sqlx::query(
        "UPDATE order_returns SET status = $1, updated_at = $2, \
             decline_reason = CASE WHEN $1 = 'declined' THEN $3 ELSE decline_reason END, \
             refund_cents = CASE WHEN $1 = 'refunded' THEN $4 ELSE refund_cents END \
         WHERE id = $5 AND status = $6",
    )
    .bind(change.to.key())
    .bind(now_unix())
    .bind(change.decline_reason)
    .bind(change.refund_cents)
    .bind(change.return_id)
    .bind(from.key())
    .execute(&mut *tx)
    .await?;
    if moved.rows_affected() != 1 {
        return Ok(Step::Refused(from));
    }
    let lines: Vec<(i64, i64, i64)> = sqlx::query_as(
        "SELECT product_id, variant_id, quantity FROM order_return_lines WHERE return_id = $1 \
         ORDER BY product_id, variant_id",
    )
    .bind(change.return_id)
    .fetch_all(&mut *tx)
    .await?;
    if change.to == ReturnStatus::Declined {
        for (_, variant_id, quantity) in &lines {
            sqlx::query(
                "UPDATE order_lines SET returned_quantity = returned_quantity - $1 \
                 WHERE order_id = $2 AND variant_id = $3 AND returned_quantity >= $1",
            )
            .bind(quantity)
            .bind(order_id)
            .bind(variant_id)
            .execute(&mut *tx)
            .await?;
        }
    }
    if change.to == ReturnStatus::Refunded {
        for (product_id, variant_id, quantity) in &lines {
            if !change.restock.contains(variant_id) {
                continue;
            }
            sqlx::query("UPDATE product_variants SET stock = stock + $1 WHERE id = $2")
                .bind(quantity)
                .bind(variant_id)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "UPDATE order_return_lines SET restocked = 1 WHERE return_id = $1 AND variant_id = $2",
            )
            .bind(change.return_id)
            .bind(variant_id)
            .execute(&mut *tx)
            .await?;
            crate::catalog::variants::repo::sync_product_summary(&mut tx, *product_id).await?;
        }
    }
    let status = OrderStatus::parse(&order_status).unwrap_or(OrderStatus::Paid);
    crate::checkout::repo::note_order_event(&mut tx, order_id, status, change.timeline).await?;
    tx.commit().await?;
    Ok(Step::Done)
}
