//! POST /admin/orders/{id}: the orders desk's actions. Guard (sales and admin) → validate →
//! the order's state machine → audit entry → 303 back, or the page again with the message.

use crate::admin::audit;
use crate::admin::guard::require;
use crate::checkout::Payments;
use crate::db::now_unix;
use crate::error::AppError;
use crate::forms::{field, read_form, see_other, show_error, PageContext};
use crate::request::Area;
use crate::token;
use axum::extract::{Path, Request, State};
use axum::http::request::Parts;
use axum::response::Response;
use std::collections::HashMap;

type Fields = HashMap<String, String>;

/// POST /admin/orders/{id}: "mark shipped" or a refund (sales and admin).
pub async fn post_order(
    State(ctx): State<PageContext>,
    State(payments): State<Payments>,
    Path(public_id): Path<String>,
    request: Request,
) -> Response {
    let (parts, fields) = match read_form(request).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    match change_order(&ctx, &payments, &parts, &public_id, &fields).await {
        Ok(done) => see_other(&format!("/admin/orders/{public_id}?saved={done}")),
        Err(error) => show_error(&ctx, parts, "order", fields, error).await,
    }
}

/// The "on its way" email, with the tracking number and the order's signed link.
async fn tell_the_customer_it_shipped(
    ctx: &PageContext,
    order: &crate::checkout::model::Order,
    carrier: &str,
    number: &str,
) -> Result<(), AppError> {
    if order.email.is_empty() {
        return Ok(());
    }
    let secret = crate::checkout::repo::order_link_secret(&ctx.db).await?;
    let link = crate::signature::order_link(&secret, &ctx.site.public_url, &order.public_id);
    let follow = crate::checkout::shipping::model::tracking_url(carrier, number)
        .map(|url| format!("Follow the parcel: {url}\n"))
        .unwrap_or_default();
    let body = format!(
        "Good news — your order {} is on its way.\n\nSent with {carrier}, tracking number {number}.\n{follow}\n\
         Ships to:\n  {}\n\nYour order: {link}\n\n\
         Questions? Reply to this email and a person will answer.\n",
        order.reference(),
        order.shipping.address.label_lines().join("\n  "),
    );
    crate::email::repo::enqueue_email(
        &ctx.db,
        &order.email,
        &format!("Your Storefront order {} is on its way", order.reference()),
        &body,
        "order_shipped",
    )
    .await?;
    Ok(())
}

async fn change_order(
    ctx: &PageContext,
    payments: &Payments,
    parts: &Parts,
    public_id: &str,
    fields: &Fields,
) -> Result<&'static str, AppError> {
    use crate::checkout::repo as orders;
    let actor = require(&crate::request::RequestContext::of(parts), Area::Orders)?;
    match field(fields, "action").as_str() {
        "fulfil" => {
            let order = orders::find_order(&ctx.db, public_id, None)
                .await?
                .ok_or(AppError::NotFound)?;
            // A parcel needs its carrier and tracking number; orders from before shipping
            // existed (no address) may be marked shipped without.
            let shipment = if order.ships() {
                Some(
                    crate::checkout::shipping::model::parse_shipment(
                        &field(fields, "carrier"),
                        &field(fields, "tracking_number"),
                    )
                    .map_err(|errors| AppError::Fields { errors })?,
                )
            } else {
                None
            };
            let reason = match &shipment {
                Some((carrier, number)) => {
                    format!("Shipped with {carrier} ({number}) by {}", actor.email)
                }
                None => format!("Marked shipped by {}", actor.email),
            };
            let sent = shipment.as_ref().map(|(c, n)| (c.as_str(), n.as_str()));
            match orders::mark_fulfilled(&ctx.db, public_id, &reason, sent).await? {
                None => Err(AppError::NotFound),
                Some(Err(refused)) => Err(AppError::Conflict {
                    message: format!(
                        "This order is \"{}\"; only paid orders can be marked shipped.",
                        refused.from.label()
                    ),
                }),
                Some(Ok(_)) => {
                    audit::record(&ctx.db, &actor, "order.fulfil", "order", public_id, &reason)
                        .await?;
                    if let Some((carrier, number)) = &shipment {
                        tell_the_customer_it_shipped(ctx, &order, carrier, number).await?;
                    }
                    Ok("fulfilled")
                }
            }
        }
        "refund" => {
            // Whether there is a payment to refund is checked by `refund_at_provider`.
            let (total, refunded, _, _) = orders::refund_facts(&ctx.db, public_id)
                .await?
                .ok_or(AppError::NotFound)?;
            let remaining = total - refunded;
            let amount = crate::money::parse_money_field(&field(fields, "amount"), "amount", true)?
                .unwrap_or(0);
            if amount <= 0 || amount > remaining {
                return Err(AppError::invalid(
                    "amount",
                    format!(
                        "Refund between 0.01 and {}.",
                        crate::money::minor_to_plain(remaining)
                    ),
                ));
            }
            let key = field(fields, "refund_key");
            if !token::is_id(&key) {
                return Err(AppError::bad_request(
                    "This page is out of date. Reload it and try again.",
                ));
            }
            let received = refund_at_provider(ctx, payments, public_id, amount, &key).await?;
            if received == crate::checkout::webhook::Received::Stored {
                let detail = format!("refunded {}", crate::money::minor_to_plain(amount));
                audit::record(&ctx.db, &actor, "order.refund", "order", public_id, &detail).await?;
            }
            Ok("refunded")
        }
        action if action.starts_with("return_") => {
            super::returns::act_on_return(ctx, payments, &actor, public_id, fields).await
        }
        _ => Err(AppError::bad_request("Unknown order action.")),
    }
}

/// Gives `amount` back for the order at the payment provider (Stripe when configured;
/// the demo provider moved no money) and records it as the `charge.refunded` event the
/// provider sends. `key` makes it once: Stripe's idempotency key, and the event's id (the
/// same key twice is the same event, stored once).
pub(super) async fn refund_at_provider(
    ctx: &PageContext,
    payments: &Payments,
    public_id: &str,
    amount: i64,
    key: &str,
) -> Result<crate::checkout::webhook::Received, AppError> {
    use crate::checkout::model::OrderStatus;
    let (total, refunded, payment_intent, status) =
        crate::checkout::repo::refund_facts(&ctx.db, public_id)
            .await?
            .ok_or(AppError::NotFound)?;
    let refundable = matches!(
        status,
        OrderStatus::Paid | OrderStatus::Fulfilled | OrderStatus::PartiallyRefunded
    );
    if !refundable || payment_intent.is_empty() {
        return Err(AppError::Conflict {
            message: format!(
                "This order is \"{}\"; there is no payment to refund.",
                status.label()
            ),
        });
    }
    if amount <= 0 || amount > total - refunded {
        return Err(AppError::Conflict {
            message: format!(
                "Only {} of this order can still be refunded.",
                crate::money::minor_to_plain(total - refunded)
            ),
        });
    }
    if let Some(stripe) = &payments.stripe {
        // Stripe's idempotency key is the form's key: a double click is one refund.
        stripe
            .refund(&payment_intent, amount, key)
            .await
            .map_err(|problem| {
                tracing::warn!(order = public_id, problem, "Stripe did not take a refund");
                AppError::Unavailable {
                    message: format!(
                        "Stripe did not take the refund ({problem}). Nothing was refunded; \
                         try again in a minute or look at the payment in the Stripe dashboard."
                    ),
                }
            })?;
    }
    // The refund is recorded as the charge.refunded event the provider sends (the
    // demo provider's only report; Stripe's own comes later and finds it recorded).
    // The same key twice (a double click) is the same event, stored once.
    let event = serde_json::json!({
        "id": format!("evt_refund_{key}"),
        "object": "event",
        "api_version": crate::checkout::STRIPE_API_VERSION,
        "created": now_unix(),
        "type": "charge.refunded",
        "data": { "object": {
            "id": format!("ch_{}", payment_intent.trim_start_matches("pi_")),
            "object": "charge",
            "payment_intent": payment_intent,
            "amount_refunded": refunded + amount,
        }}
    });
    let received = crate::checkout::webhook::deliver_own_event(
        &ctx.db,
        &event,
        now_unix(),
        &ctx.site.public_url,
    )
    .await
    .map_err(|error| match error {
        crate::checkout::webhook::WebhookError::Database(error) => AppError::from(error),
        crate::checkout::webhook::WebhookError::Signature(_) => AppError::Internal,
    })?;
    Ok(received)
}
