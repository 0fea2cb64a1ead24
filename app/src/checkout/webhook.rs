//! Receiving payment events: verify the signature on the raw body, store the event by its
//! id and apply its effect in the same transaction (a replay finds the id taken and does
//! nothing), answer fast. Stripe and the demo provider both come through here.
//!
//! Events may arrive late, twice or out of order; the order state machine decides what
//! still applies (a `checkout.session.expired` after payment is refused and logged).

use super::model::OrderStatus;
use super::repo::{self, OrderFacts};
use crate::db::Db;
use crate::signature::{self, SignatureError};
use serde_json::Value;
use sqlx::AnyConnection;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Received {
    /// Stored now (applied, ignored or refused by the state machine: see its outcome).
    Stored,
    /// Seen before; nothing changed.
    Replay,
}

#[derive(Debug)]
pub enum WebhookError {
    Signature(SignatureError),
    Database(sqlx::Error),
}

impl From<sqlx::Error> for WebhookError {
    fn from(error: sqlx::Error) -> Self {
        WebhookError::Database(error)
    }
}

/// Verifies and processes one delivery.
pub async fn receive(
    db: &Db,
    secret: &str,
    signature_header: Option<&str>,
    body: &[u8],
    now: i64,
    public_url: &str,
) -> Result<Received, WebhookError> {
    let header = signature_header.ok_or(WebhookError::Signature(SignatureError::Malformed))?;
    signature::verify(secret, header, body, now).map_err(WebhookError::Signature)?;
    let payload = String::from_utf8_lossy(body).to_string();
    let parsed: Option<(String, String, Value)> = serde_json::from_slice::<Value>(body)
        .ok()
        .and_then(|event| {
            let id = event["id"].as_str()?.to_string();
            let kind = event["type"].as_str()?.to_string();
            Some((id, kind, event["data"]["object"].clone()))
        });
    let mut tx = db.begin_write().await?;
    let Some((id, kind, object)) = parsed else {
        // Signed by the provider but not an event we can read: keep it for a person to look
        // at rather than lose it.
        let id = format!("unparsed_{}", crate::token::hash_token(&payload));
        if repo::insert_payment_event(&mut tx, &id, "unparsed", &payload).await? {
            repo::set_payment_event_outcome(&mut tx, &id, "unparsed", None).await?;
        }
        tx.commit().await?;
        tracing::warn!(
            event_id = id,
            "stored a signed payment event we could not parse"
        );
        return Ok(Received::Stored);
    };
    if !repo::insert_payment_event(&mut tx, &id, &kind, &payload).await? {
        tracing::info!(event_id = id, kind, "payment event replayed; ignored");
        return Ok(Received::Replay);
    }
    let (outcome, order_id) = apply(&mut tx, &id, &kind, &object, public_url).await?;
    repo::set_payment_event_outcome(&mut tx, &id, outcome, order_id).await?;
    tx.commit().await?;
    tracing::info!(
        event_id = id,
        kind,
        outcome,
        ?order_id,
        "payment event processed"
    );
    Ok(Received::Stored)
}

/// Processes an event we made ourselves (the demo provider's, the reconciler's, a refund
/// we know of before the provider reports it) exactly as a delivery to `/webhooks/stripe`
/// would be: signed as Stripe signs (with the demo secret), stored under its id, applied
/// once.
pub async fn deliver_own_event(
    db: &Db,
    event: &Value,
    now: i64,
    public_url: &str,
) -> Result<Received, WebhookError> {
    let body = event.to_string();
    let secret = repo::demo_webhook_secret(db).await?;
    let header = signature::sign(&secret, now, &body);
    receive(db, &secret, Some(&header), body.as_bytes(), now, public_url).await
}

/// The event's effect on our order; returns the outcome word stored with the event.
async fn apply(
    conn: &mut AnyConnection,
    event_id: &str,
    kind: &str,
    object: &Value,
    public_url: &str,
) -> Result<(&'static str, Option<i64>), sqlx::Error> {
    let text = |pointer: &str| {
        object
            .pointer(pointer)
            .and_then(Value::as_str)
            .unwrap_or("")
    };
    let order = match kind {
        "checkout.session.completed"
        | "checkout.session.async_payment_succeeded"
        | "checkout.session.async_payment_failed"
        | "checkout.session.expired" => {
            let reference = match text("/client_reference_id") {
                "" => text("/metadata/order_id"),
                found => found,
            };
            repo::order_facts_by_public_id(conn, reference).await?
        }
        "payment_intent.payment_failed" => {
            match repo::order_facts_by_public_id(conn, text("/metadata/order_id")).await? {
                Some(order) => Some(order),
                None => repo::order_facts_by_payment_intent(conn, text("/id")).await?,
            }
        }
        "charge.refunded" => {
            repo::order_facts_by_payment_intent(conn, text("/payment_intent")).await?
        }
        _ => return Ok(("ignored", None)),
    };
    let Some(order) = order else {
        tracing::warn!(kind, "payment event for an order we don't know");
        return Ok(("unknown_order", None));
    };
    let order_id = Some(order.id);
    let outcome = match kind {
        "checkout.session.completed" | "checkout.session.async_payment_succeeded"
            if !amount_matches(object, &order) =>
        {
            let message = format!(
                "A payment of {} {} was reported for this order of {} {}; it was not accepted. Check it at the payment provider.",
                object["amount_total"].as_i64().map(|a| a.to_string()).unwrap_or_else(|| "an unknown amount".into()),
                text("/currency").to_ascii_uppercase(),
                order.total_cents,
                order.currency.to_ascii_uppercase(),
            );
            // A person must look: either someone tampered with the session or our prices
            // and Stripe's disagree. The order stays as it was.
            tracing::error!(
                alert = "payment_amount_mismatch",
                order = order.public_id,
                reported = object["amount_total"].as_i64(),
                reported_currency = text("/currency"),
                expected = order.total_cents,
                expected_currency = order.currency,
                "payment amount does not match the order; refused"
            );
            repo::record_payment_problem(conn, order.id, &message).await?;
            repo::note_order_event(conn, order.id, order.status, &message).await?;
            "refused"
        }
        "checkout.session.completed" => {
            let email = text("/customer_details/email");
            repo::record_payment_details(conn, order.id, email, text("/payment_intent")).await?;
            match text("/payment_status") {
                "paid" | "no_payment_required" => {
                    let outcome = mark_paid(conn, &order, "Payment received", public_url).await?;
                    refund_if_ended(conn, outcome, event_id, object, &order).await?
                }
                // Bank transfers and the like: paid later, or not (async events follow).
                _ => "awaiting_payment",
            }
        }
        "checkout.session.async_payment_succeeded" => {
            repo::record_payment_details(
                conn,
                order.id,
                text("/customer_details/email"),
                text("/payment_intent"),
            )
            .await?;
            let outcome = mark_paid(conn, &order, "Delayed payment received", public_url).await?;
            refund_if_ended(conn, outcome, event_id, object, &order).await?
        }
        "checkout.session.async_payment_failed" => outcome_of(
            repo::transition(
                conn,
                order.id,
                OrderStatus::Cancelled,
                "The payment failed; items released",
            )
            .await?,
        ),
        "checkout.session.expired" => outcome_of(
            repo::transition(
                conn,
                order.id,
                OrderStatus::Expired,
                "Checkout expired unpaid; items released",
            )
            .await?,
        ),
        "payment_intent.payment_failed" => {
            let message = match text("/last_payment_error/message") {
                "" => "The payment was declined.",
                message => message,
            };
            repo::record_payment_problem(conn, order.id, message).await?;
            "recorded"
        }
        "charge.refunded" => {
            let refunded = object["amount_refunded"].as_i64().unwrap_or(0);
            if !repo::raise_refunded_amount(conn, order.id, refunded).await? {
                return Ok(("already_recorded", order_id));
            }
            let to = if refunded >= order.total_cents {
                OrderStatus::Refunded
            } else {
                OrderStatus::PartiallyRefunded
            };
            outcome_of(repo::transition(conn, order.id, to, "Refund issued").await?)
        }
        _ => "ignored",
    };
    Ok((outcome, order_id))
}

/// Money arrived for an order that had already ended (cancelled by a newer checkout, or
/// expired) and so was refused: it is noted as due back, and given back by
/// `refunds::settle_automatic_refunds` right after this transaction (and by the reconciler
/// should that fail). The store never keeps money without an order.
async fn refund_if_ended(
    conn: &mut AnyConnection,
    outcome: &'static str,
    event_id: &str,
    object: &Value,
    order: &OrderFacts,
) -> Result<&'static str, sqlx::Error> {
    let ended = matches!(order.status, OrderStatus::Cancelled | OrderStatus::Expired);
    let payment_intent = object["payment_intent"].as_str().unwrap_or("");
    if outcome != "refused" || !ended || payment_intent.is_empty() {
        return Ok(outcome);
    }
    if repo::record_automatic_refund_due(
        conn,
        payment_intent,
        event_id,
        order.id,
        order.total_cents,
        &order.currency,
    )
    .await?
    {
        tracing::warn!(
            order = order.public_id,
            payment_intent,
            "payment arrived for an order that had ended; refunding it"
        );
        repo::note_order_event(
            conn,
            order.id,
            order.status,
            "Payment arrived after this order had ended; it is being refunded automatically",
        )
        .await?;
    }
    Ok("refund_due")
}

/// Whether the money reported is exactly the order's total, in its currency (amounts in
/// minor units, currencies compared case-insensitively as Stripe writes them lower-case).
fn amount_matches(object: &Value, order: &OrderFacts) -> bool {
    object["amount_total"].as_i64() == Some(order.total_cents)
        && object["currency"]
            .as_str()
            .is_some_and(|c| c.eq_ignore_ascii_case(&order.currency))
}

async fn mark_paid(
    conn: &mut AnyConnection,
    order: &OrderFacts,
    reason: &str,
    public_url: &str,
) -> Result<&'static str, sqlx::Error> {
    match repo::transition(conn, order.id, OrderStatus::Paid, reason).await? {
        Ok(_) => {
            super::fulfilment::fulfil_paid_order(conn, order, public_url).await?;
            Ok("applied")
        }
        Err(_) => Ok("refused"),
    }
}

fn outcome_of(result: Result<OrderStatus, repo::IllegalTransition>) -> &'static str {
    match result {
        Ok(_) => "applied",
        Err(_) => "refused",
    }
}
