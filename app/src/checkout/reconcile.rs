//! The reconciler: asks the payment provider about orders still waiting for payment, so a
//! webhook that never arrived never leaves a paying customer without an order, and unpaid
//! orders past their hold give their items back. Runs every minute in each app server and
//! on `storefront reconcile`; running it twice, or on two servers at once, changes nothing
//! more (the event ids it makes are fixed per session, and the state machine refuses
//! repeats).
//!
//! The provider asked is the demo provider, whose sessions live in our database.

use super::demo;
use super::repo;
use super::webhook::{self, WebhookError};
use crate::db::Db;
use sqlx::Row;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Reconciled {
    /// Orders the provider says were paid, completed now.
    pub completed: usize,
    /// Orders past their hold, expired now (items back in stock).
    pub expired: usize,
}

pub async fn reconcile(db: &Db, now: i64, public_url: &str) -> anyhow::Result<Reconciled> {
    let paid_but_waiting = sqlx::query(
        "SELECT s.id FROM demo_sessions s JOIN orders o ON o.id = s.order_id \
         WHERE s.payment_status = 'paid' AND o.status = 'pending_payment' ORDER BY o.id LIMIT 500",
    )
    .fetch_all(db.pool())
    .await?;
    let mut result = Reconciled::default();
    for row in paid_but_waiting {
        let session_id: String = row.try_get("id")?;
        let Some(session) = repo::find_demo_session(db, &session_id).await? else {
            continue;
        };
        let payment_intent = demo::payment_intent_id(&session_id);
        let facts = demo::SessionFacts {
            session_id: &session_id,
            public_id: &session.public_id,
            amount_total: session.total_cents,
            currency: &session.currency,
            email: &session.email,
            payment_intent: &payment_intent,
        };
        // The same id on every run: a second run is a replay.
        let event = demo::checkout_session_event(
            &format!("evt_reconcile_{session_id}"),
            "checkout.session.completed",
            "paid",
            &facts,
            now,
        );
        match webhook::deliver_demo_event(db, &event, now, public_url).await {
            Ok(_) => result.completed += 1,
            Err(WebhookError::Database(error)) => return Err(error.into()),
            Err(WebhookError::Signature(problem)) => {
                anyhow::bail!(
                    "the reconciler's own event was refused: {}",
                    problem.message()
                )
            }
        }
    }
    result.expired = repo::expire_stale_orders(db, now).await?;
    Ok(result)
}
