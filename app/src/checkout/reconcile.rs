//! The reconciler: asks the payment provider about orders still waiting for payment, so a
//! webhook that never arrived never leaves a paying customer without an order, and unpaid
//! orders past their hold give their items back. Runs every minute in each app server and
//! on `storefront reconcile`; running it twice, or on two servers at once, changes nothing
//! more (the event ids it makes are fixed per session, and the state machine refuses
//! repeats).
//!
//! Stripe is asked about its sessions over its API (an open session past our hold is ended
//! there first, so nobody pays for items we give back); the demo provider's sessions live
//! in our own database.

use super::demo::{self, SessionFacts};
use super::repo;
use super::stripe_payments::{SessionState, StripeProvider};
use super::webhook::{self, Received, WebhookError};
use crate::db::Db;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Reconciled {
    /// Orders the provider says were paid, completed now.
    pub completed: usize,
    /// Orders past their hold, expired now (items back in stock).
    pub expired: usize,
    /// Stripe sessions we could not ask about (Stripe unreachable); tried again next run.
    pub unanswered: usize,
    /// Payments for ended orders given back now.
    pub refunded: usize,
}

pub async fn reconcile(
    db: &Db,
    now: i64,
    public_url: &str,
    stripe: Option<&StripeProvider>,
) -> anyhow::Result<Reconciled> {
    let mut result = Reconciled::default();
    if let Some(stripe) = stripe {
        reconcile_stripe_sessions(db, stripe, now, public_url, &mut result).await?;
    }
    reconcile_demo_sessions(db, now, public_url, &mut result).await?;
    result.expired += repo::expire_stale_orders(db, now).await?;
    result.refunded += super::refunds::settle_automatic_refunds(db, stripe, public_url).await?;
    Ok(result)
}

/// Stripe orders past their hold: Stripe's answer decides whether they are paid or over.
async fn reconcile_stripe_sessions(
    db: &Db,
    stripe: &StripeProvider,
    now: i64,
    public_url: &str,
    result: &mut Reconciled,
) -> anyhow::Result<()> {
    for order in repo::stuck_stripe_orders(db, now).await? {
        let state = match stripe.session_state(&order.session).await {
            Ok(SessionState::Open) => stripe.expire_session(&order.session).await,
            answer => answer,
        };
        let state = match state {
            Ok(state) => state,
            Err(problem) => {
                tracing::warn!(
                    session = order.session,
                    problem,
                    "could not ask Stripe about a session"
                );
                result.unanswered += 1;
                continue;
            }
        };
        let (kind, payment_status, facts) = match &state {
            SessionState::Paid {
                payment_intent,
                email,
                amount_total,
                currency,
            } => (
                "checkout.session.completed",
                "paid",
                SessionFacts {
                    session_id: &order.session,
                    public_id: &order.public_id,
                    amount_total: *amount_total,
                    currency,
                    email,
                    payment_intent,
                },
            ),
            SessionState::Expired => (
                "checkout.session.expired",
                "unpaid",
                SessionFacts {
                    session_id: &order.session,
                    public_id: &order.public_id,
                    amount_total: order.total_cents,
                    currency: &order.currency,
                    email: "",
                    payment_intent: "",
                },
            ),
            // Waiting for a bank debit: Stripe's async event will decide.
            SessionState::Open | SessionState::Waiting => continue,
        };
        // One id per session and outcome: a second run is a replay.
        let event_id = format!(
            "evt_reconcile_{}_{}",
            kind.rsplit('.').next().unwrap_or(kind),
            order.session
        );
        let event = demo::checkout_session_event(&event_id, kind, payment_status, &facts, now);
        if deliver(db, &event, now, public_url).await? == Received::Stored {
            match state {
                SessionState::Paid { .. } => result.completed += 1,
                _ => result.expired += 1,
            }
        }
    }
    Ok(())
}

/// Demo sessions paid whose webhook never came.
async fn reconcile_demo_sessions(
    db: &Db,
    now: i64,
    public_url: &str,
    result: &mut Reconciled,
) -> anyhow::Result<()> {
    for session_id in repo::paid_demo_sessions_of_pending_orders(db, 500).await? {
        let Some(session) = repo::find_demo_session(db, &session_id).await? else {
            continue;
        };
        let payment_intent = demo::payment_intent_id(&session_id);
        let facts = SessionFacts {
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
        if deliver(db, &event, now, public_url).await? == Received::Stored {
            result.completed += 1;
        }
    }
    Ok(())
}

async fn deliver(
    db: &Db,
    event: &serde_json::Value,
    now: i64,
    public_url: &str,
) -> anyhow::Result<Received> {
    match webhook::deliver_own_event(db, event, now, public_url).await {
        Ok(received) => Ok(received),
        Err(WebhookError::Database(error)) => Err(error.into()),
        Err(WebhookError::Signature(problem)) => anyhow::bail!(
            "the reconciler's own event was refused: {}",
            problem.message()
        ),
    }
}
