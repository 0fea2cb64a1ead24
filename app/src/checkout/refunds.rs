//! Automatic refunds: money that arrived for an order that had already ended is given
//! back, once, and the customer is told. The webhook notes the refund as due inside its
//! transaction; this gives it back at the provider right after, and the reconciler retries
//! every minute until the provider says yes. Stripe's idempotency key is derived from the
//! event that reported the payment, so two servers (or a retry) make one refund.

use super::repo::{self, DueRefund};
use super::stripe_payments::StripeProvider;
use crate::db::Db;

/// Refunds every due payment; returns how many were refunded now.
pub async fn settle_automatic_refunds(
    db: &Db,
    stripe: Option<&StripeProvider>,
    public_url: &str,
) -> Result<usize, sqlx::Error> {
    let mut settled = 0;
    for refund in repo::due_automatic_refunds(db, 20).await? {
        let provider_refund = match stripe {
            Some(stripe) => {
                let key = format!("auto-{}", refund.event_id);
                match stripe
                    .refund(&refund.payment_intent, refund.amount_cents, &key)
                    .await
                {
                    Ok(id) => id,
                    Err(problem) => {
                        let attempts =
                            repo::count_automatic_refund_attempt(db, &refund.payment_intent)
                                .await?;
                        // A few failures are Stripe being briefly away; more need a person.
                        if attempts >= 5 {
                            tracing::error!(
                                order = refund.public_id,
                                attempts,
                                problem,
                                "automatic refund keeps failing"
                            );
                        } else {
                            tracing::warn!(
                                order = refund.public_id,
                                problem,
                                "automatic refund failed; retried next minute"
                            );
                        }
                        continue;
                    }
                }
            }
            // The demo provider moved no money; recording the refund is all there is.
            None => format!("re_demo_{}", refund.event_id),
        };
        if repo::finish_automatic_refund(db, &refund, &provider_refund).await? {
            settled += 1;
            tell_customer(db, &refund, public_url).await?;
        }
    }
    Ok(settled)
}

async fn tell_customer(db: &Db, refund: &DueRefund, public_url: &str) -> Result<(), sqlx::Error> {
    if refund.email.is_empty() {
        return Ok(());
    }
    let amount = match crate::money::Currency::parse(&refund.currency) {
        Some(currency) => crate::money::Money::new(refund.amount_cents, currency).format(),
        None => format!("{} {}", refund.amount_cents, refund.currency),
    };
    let body = format!(
        "We received a payment of {amount} for an order that had already ended (a newer checkout \
         of your cart replaced it, or it timed out), so we have refunded it in full. Depending on \
         your bank it shows on your statement within 5 to 10 days.\n\n\
         Your orders: {public_url}/account/orders\n\n\
         Nothing else changed. Questions? Just reply to this email.\n"
    );
    crate::email::repo::enqueue_email(
        db,
        &refund.email,
        "We refunded a payment for an ended order",
        &body,
        "automatic_refund",
    )
    .await?;
    Ok(())
}
