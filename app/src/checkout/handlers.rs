//! Checkout's endpoints: the checkout step's form (`POST /checkout`: update the shipping
//! options, or go on to pay), the payment webhook
//! (`POST /webhooks/stripe`) and the demo provider's card form (`POST /pay/demo/{session}`).

use super::demo::{self, TestCard};
use super::repo::{self, NewOrder};
use super::webhook::{self, Received, WebhookError};
use super::Payments;
use crate::db::now_unix;
use crate::error::AppError;
use crate::forms::{field, read_form, see_other, show_error, show_error_on, PageContext};
use axum::body::Bytes;
use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;

/// POST /checkout: the cart becomes an order (stock held), then the customer pays at the
/// provider's hosted page — Stripe's when configured, else the demo provider's. The same
/// `checkout_key` twice finds the first order (and, at Stripe, the same session).
pub async fn post_checkout(
    State(ctx): State<PageContext>,
    State(payments): State<Payments>,
    request: Request,
) -> Response {
    let (mut parts, fields) = match read_form(request).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    // Every outcome but payment shows the checkout step again, with what was typed.
    if let Ok(uri) = "/checkout".parse() {
        parts.uri = uri;
    }
    if field(&fields, "step") == "update" {
        let feedback = crate::forms::FormFeedback::new("checkout", fields);
        return crate::forms::rerender(&ctx, parts, feedback, StatusCode::OK).await;
    }
    let result = async {
        let owner = crate::request::RequestContext::of(&parts)
            .cart_owner()
            .ok_or_else(|| AppError::bad_request("Please enable cookies to check out."))?;
        let key = field(&fields, "checkout_key");
        if !crate::token::is_id(&key) {
            return Err(AppError::bad_request(
                "This cart page is out of date. Reload it and press the button again.",
            ));
        }
        // A quote the request may not use is "not found" before anything else is checked.
        let quote = quote_terms(&ctx, &parts, &fields).await?;
        let address = super::shipping::model::parse_address(&fields)
            .map_err(|errors| AppError::Fields { errors })?;
        let vat_id =
            super::tax::model::normalise_vat_id(&field(&fields, "vat_id"), &address.country)
                .map_err(|message| AppError::invalid("vat_id", message))?;
        let reminder_email = reminder_choice(&parts, &fields)?;
        let shipping_rate = field(&fields, "shipping_rate")
            .parse::<i64>()
            .map_err(|_| {
                AppError::invalid("shipping_rate", "Choose how we should ship your order.")
            })?;
        let order = match repo::find_by_checkout_key(&ctx.db, &key).await? {
            Some(existing) => existing,
            None => {
                let choice = Shipping {
                    address: &address,
                    rate: shipping_rate,
                    vat_id: &vat_id,
                    save_address: field(&fields, "save_address") == "on",
                    reminder_email: &reminder_email,
                };
                start_order(
                    &ctx,
                    payments.stripe.is_some(),
                    &parts,
                    &owner,
                    &key,
                    quote,
                    choice,
                )
                .await?
            }
        };
        if let Some(stripe) = &payments.stripe {
            end_superseded_sessions(stripe, &order.superseded_sessions).await;
        }
        match &payments.stripe {
            None => Ok(format!("/pay/demo/{}", order.provider_session)),
            Some(stripe) => stripe_session(&ctx, stripe, &order).await,
        }
    }
    .await;
    match result {
        Ok(location) => see_other(&location),
        Err(error) => show_error_on(&ctx, parts, None, "checkout", fields, error).await,
    }
}

/// The address for one reminder, when the customer ticked "Email me about this order"
/// ("" otherwise). A browser that asks not to be tracked (DNT, GPC) gets none, whatever
/// the form says.
fn reminder_choice(
    parts: &axum::http::request::Parts,
    fields: &HashMap<String, String>,
) -> Result<String, AppError> {
    if field(fields, "remind") != "on" {
        return Ok(String::new());
    }
    let allowed = crate::request::RequestContext::of(parts)
        .visitor
        .is_some_and(|v| v.tracking_allowed);
    if !allowed {
        return Ok(String::new());
    }
    let email =
        crate::email::address::Email::parse(&field(fields, "contact_email")).map_err(|_| {
            AppError::invalid(
                "contact_email",
                "Enter the email we should write to, like you@example.com, or untick the reminder.",
            )
        })?;
    Ok(email.as_str().to_string())
}

/// The quote being checked out, if the form names one the customer may use.
async fn quote_terms(
    ctx: &PageContext,
    parts: &axum::http::request::Parts,
    fields: &HashMap<String, String>,
) -> Result<Option<crate::quotes::model::QuoteTerms>, AppError> {
    let quote = field(fields, "quote");
    if quote.is_empty() {
        return Ok(None);
    }
    let request = crate::request::RequestContext::of(parts);
    let terms = crate::quotes::quote_access(&ctx.db, &request, &quote, &field(fields, "t")).await?;
    Ok(Some(terms))
}

/// Where the order goes, the shipping rate chosen for it, and the buyer's VAT / tax ID.
struct Shipping<'a> {
    address: &'a super::shipping::model::Address,
    rate: i64,
    vat_id: &'a str,
    /// "Save this address in my account" was ticked (signed-in customers only).
    save_address: bool,
    /// Where one reminder goes should the order not be paid ("" for none).
    reminder_email: &'a str,
}

async fn start_order(
    ctx: &PageContext,
    with_stripe: bool,
    parts: &axum::http::request::Parts,
    owner: &str,
    key: &str,
    quote: Option<crate::quotes::model::QuoteTerms>,
    shipping: Shipping<'_>,
) -> Result<repo::StartedOrder, AppError> {
    let request = crate::request::RequestContext::of(parts);
    let user = request.user.clone();
    let hold = super::hold_seconds(ctx.checkout_hold_seconds, with_stripe);
    let reminder_stage = match (&request.visitor, shipping.reminder_email.is_empty()) {
        (Some(visitor), false) => {
            crate::journey::api::stage_of(&ctx.db, &visitor.id, user.as_ref().map(|u| u.id))
                .await?
                .key()
        }
        _ => "",
    };
    let new = NewOrder {
        owner,
        user_id: user.as_ref().map(|u| u.id),
        email: user.as_ref().map(|u| u.email.as_str()).unwrap_or(""),
        checkout_key: key,
        hold_until: now_unix() + hold,
        provider: if with_stripe { "stripe" } else { "demo" },
        quote,
        address: shipping.address,
        shipping_rate: shipping.rate,
        vat_id: shipping.vat_id,
        save_address_for: user
            .as_ref()
            .filter(|_| shipping.save_address)
            .map(|u| u.id),
        reminder_email: shipping.reminder_email,
        reminder_stage,
    };
    match repo::create_order(&ctx.db, &new).await {
        Ok(Ok(started)) => {
            crate::journey::record(
                &ctx.db,
                &crate::request::RequestContext::of(parts),
                crate::journey::model::EventKind::Checkout,
                &started.public_id,
                "",
            )
            .await;
            Ok(started)
        }
        Ok(Err(refusal)) => Err(AppError::Conflict {
            message: refusal.message(),
        }),
        // Two presses raced past the lookup: the loser finds the winner's order.
        Err(error) if crate::db::is_unique_violation(&error) => {
            repo::find_by_checkout_key(&ctx.db, key)
                .await?
                .ok_or(AppError::Internal)
        }
        Err(error) => Err(error.into()),
    }
}

/// Ends at Stripe the sessions of the orders this checkout replaced, so an old tab can no
/// longer take money for them. Should Stripe not answer (or the customer pay in that very
/// moment), the payment still arrives by webhook and is refunded automatically.
async fn end_superseded_sessions(
    stripe: &super::stripe_payments::StripeProvider,
    sessions: &[String],
) {
    for session in sessions {
        if let Err(problem) = stripe.expire_session(session).await {
            tracing::warn!(
                session,
                problem,
                "could not end a superseded Stripe session"
            );
        }
    }
}

/// Makes (or, for the same order, gets back) the order's Stripe Checkout Session and
/// returns its page. When Stripe can't be reached the order is cancelled, so its items
/// return and the customer can simply try again.
async fn stripe_session(
    ctx: &PageContext,
    stripe: &super::stripe_payments::StripeProvider,
    started: &repo::StartedOrder,
) -> Result<String, AppError> {
    use super::stripe_payments::{SessionLine, SessionRequest};
    let order = repo::find_order(&ctx.db, &started.public_id, None)
        .await?
        .ok_or(AppError::NotFound)?;
    if order.status != super::model::OrderStatus::PendingPayment {
        return Ok(format!("/account/orders/{}", order.public_id));
    }
    let base = &ctx.site.public_url;
    // Shipping is charged as its own line, and tax (when prices exclude it) as one more,
    // so the session's total is the order's total to the cent. Prices that include tax
    // are charged as listed.
    let shipping_name = format!(
        "Shipping: {} ({})",
        order.shipping.method, order.shipping.estimate
    );
    let tax_name = tax_line_name(&order);
    // A line with a share of a code's saving is charged as one line at what it came to
    // (a fixed amount off need not divide by the quantity), so the total stays exact.
    let line_names: Vec<String> = order
        .lines
        .iter()
        .map(|l| match l.discount.minor {
            0 => l.name.clone(),
            _ => format!("{} × {} (code {})", l.quantity, l.name, order.discount_code),
        })
        .collect();
    let request = SessionRequest {
        public_id: &order.public_id,
        email: &order.email,
        currency: order.total.currency.code(),
        lines: order
            .lines
            .iter()
            .zip(&line_names)
            .map(|(l, name)| match l.discount.minor {
                0 => SessionLine {
                    name,
                    unit_cents: l.unit.minor,
                    quantity: l.quantity,
                },
                _ => SessionLine {
                    name,
                    unit_cents: l.charged().minor,
                    quantity: 1,
                },
            })
            .chain((order.shipping.price_cents > 0).then(|| SessionLine {
                name: &shipping_name,
                unit_cents: order.shipping.price_cents,
                quantity: 1,
            }))
            .chain(
                (!order.tax.prices_include_tax && order.tax.tax_cents > 0).then(|| SessionLine {
                    name: &tax_name,
                    unit_cents: order.tax.tax_cents,
                    quantity: 1,
                }),
            )
            .collect(),
        success_url: format!("{base}/checkout/success?session_id={{CHECKOUT_SESSION_ID}}"),
        cancel_url: format!("{base}/cart"),
        expires_at: order.hold_until,
        ship_to: order.ships().then_some(&order.shipping.address),
    };
    match stripe.create_session(&request).await {
        Ok(session) => {
            repo::set_provider_session(&ctx.db, started.id, &session.id).await?;
            Ok(session.url)
        }
        Err(error) => {
            tracing::error!(%error, order = order.public_id, "Stripe checkout session failed");
            repo::cancel_unstarted(
                &ctx.db,
                started.id,
                "The payment service could not be reached",
            )
            .await?;
            Err(AppError::Unavailable {
                message: "We couldn't reach our payment service, so nothing was charged and your cart is unchanged. Please try again in a minute.".into(),
            })
        }
    }
}

/// "Tax: Sales tax 7.25%" — the extra line's name at the provider.
fn tax_line_name(order: &super::model::Order) -> String {
    let rates: Vec<String> = order.tax_summary().iter().map(|t| t.label(false)).collect();
    format!("Tax: {}", rates.join(", "))
}

/// POST /webhooks/stripe: 400 for a missing, stale or wrong signature; 200 once stored
/// (or when it is a replay); 500 only when the database failed, so the provider retries.
pub async fn post_webhook(
    State(ctx): State<PageContext>,
    State(payments): State<Payments>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let secret = match &payments.stripe {
        Some(stripe) => Ok(stripe.webhook_secret.clone()),
        None => repo::demo_webhook_secret(&ctx.db).await,
    };
    let secret = match secret {
        Ok(secret) => secret,
        Err(error) => {
            tracing::error!(%error, "could not read the webhook secret");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let header = headers
        .get("stripe-signature")
        .and_then(|v| v.to_str().ok());
    match webhook::receive(
        &ctx.db,
        &secret,
        header,
        &body,
        now_unix(),
        &ctx.site.public_url,
    )
    .await
    {
        Ok(Received::Stored) => {
            settle_refunds(&ctx, &payments).await;
            (StatusCode::OK, "received").into_response()
        }
        Ok(Received::Replay) => (StatusCode::OK, "already received").into_response(),
        Err(WebhookError::Signature(problem)) => {
            tracing::warn!(problem = problem.message(), "webhook refused");
            (StatusCode::BAD_REQUEST, problem.message()).into_response()
        }
        Err(WebhookError::Database(error)) => {
            tracing::error!(%error, "webhook could not be stored");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// Gives back money that arrived for ended orders. A failure here is retried by the
/// reconciler; the delivery itself was stored, so Stripe is still told "received".
async fn settle_refunds(ctx: &PageContext, payments: &Payments) {
    if let Err(error) = super::refunds::settle_automatic_refunds(
        &ctx.db,
        payments.stripe.as_ref(),
        &ctx.site.public_url,
    )
    .await
    {
        tracing::warn!(%error, "automatic refunds wait for the reconciler");
    }
}

/// POST /pay/demo/{session}: the demo provider's card form (and its confirmation step).
pub async fn post_demo_pay(
    State(ctx): State<PageContext>,
    State(payments): State<Payments>,
    Path(session_id): Path<String>,
    request: Request,
) -> Response {
    let (parts, fields) = match read_form(request).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    match pay(&ctx, &payments, &session_id, &fields).await {
        Ok(location) => see_other(&location),
        Err(error) => show_error(&ctx, parts, "demo-pay", fields, error).await,
    }
}

async fn pay(
    ctx: &PageContext,
    payments: &Payments,
    session_id: &str,
    fields: &HashMap<String, String>,
) -> Result<String, AppError> {
    if payments.stripe.is_some() {
        // With Stripe configured no demo session may take an order, old ones included.
        return Err(AppError::NotFound);
    }
    let session = repo::find_demo_session(&ctx.db, session_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let done = format!("/checkout/success?session_id={session_id}");
    if session.status != "open" || session.expires_at < now_unix() {
        return Err(AppError::Gone {
            message: "This checkout has ended: it was paid already, or not paid while we held the items. Your cart has what's still available.".into(),
        });
    }
    let card = if field(fields, "step") == "authenticate" {
        // Only a session the bank is actually asking about may be confirmed, and only once.
        if !repo::advance_demo_step(&ctx.db, session_id, "authenticate", "card").await? {
            return Err(AppError::Conflict {
                message:
                    "There is nothing to confirm for this payment. Enter your card details to pay."
                        .into(),
            });
        }
        if field(fields, "outcome") == "approve" {
            TestCard::Succeeds
        } else {
            TestCard::Declined
        }
    } else {
        let now = crate::time::year_month(now_unix());
        let form = demo::parse_card_form(|name| field(fields, name), now)
            .map_err(|errors| AppError::Fields { errors })?;
        let mut tx = ctx.db.begin_write().await?;
        repo::record_payment_details(&mut tx, session.order_id, &form.email, "").await?;
        tx.commit().await?;
        form.card
    };
    match card {
        TestCard::NeedsAuthentication => {
            // From here only the bank's confirmation (or a new card) is accepted; a card
            // entered again while it waits simply asks again.
            repo::advance_demo_step(&ctx.db, session_id, "card", "authenticate").await?;
            Ok(format!("/pay/demo/{session_id}?step=authenticate"))
        }
        TestCard::Succeeds => {
            if repo::complete_demo_session(&ctx.db, session_id).await? {
                let email = repo::find_demo_session(&ctx.db, session_id)
                    .await?
                    .map(|s| s.email)
                    .unwrap_or_default();
                let payment_intent = demo::payment_intent_id(session_id);
                let facts = demo::SessionFacts {
                    session_id,
                    public_id: &session.public_id,
                    amount_total: session.total_cents,
                    currency: &session.currency,
                    email: &email,
                    payment_intent: &payment_intent,
                };
                let event = demo::checkout_session_event(
                    &new_id("evt_demo"),
                    "checkout.session.completed",
                    "paid",
                    &facts,
                    now_unix(),
                );
                deliver(ctx, &event).await?;
            }
            Ok(done)
        }
        TestCard::Declined => {
            let message = "Your card was declined. Try another card, or talk to us and we'll help.";
            let event = demo::payment_failed_event(
                &new_id("evt_demo"),
                &demo::payment_intent_id(session_id),
                &session.public_id,
                message,
                now_unix(),
            );
            deliver(ctx, &event).await?;
            Err(AppError::PaymentFailed {
                message: message.into(),
            })
        }
    }
}

fn new_id(prefix: &str) -> String {
    format!("{prefix}_{}", &crate::token::new_token().0[..24])
}

/// Signs the event as Stripe would and hands it to the webhook code, exactly as a
/// delivery to `/webhooks/stripe` would arrive. Should this fail after the session was
/// marked paid, the reconciler completes the order.
async fn deliver(ctx: &PageContext, event: &serde_json::Value) -> Result<(), AppError> {
    match webhook::deliver_own_event(&ctx.db, event, now_unix(), &ctx.site.public_url).await {
        Ok(_) => Ok(()),
        Err(WebhookError::Database(error)) => Err(error.into()),
        Err(WebhookError::Signature(problem)) => {
            tracing::error!(
                problem = problem.message(),
                "the demo provider's own event was refused"
            );
            Err(AppError::Internal)
        }
    }
}

/// POST /account/addresses/{id}/remove: takes an address out of the signed-in customer's
/// book (after the page asked). Someone else's address is "not found".
pub async fn post_remove_address(
    State(ctx): State<PageContext>,
    axum::extract::Path(id): axum::extract::Path<i64>,
    request: axum::extract::Request,
) -> Response {
    let (parts, fields) = match read_form(request).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    let Some(user) = crate::request::RequestContext::of(&parts).user else {
        return see_other("/login?next=/account/addresses");
    };
    let error = match super::shipping::repo::remove_saved_address(&ctx.db, user.id, id).await {
        Ok(true) => return see_other("/account/addresses?removed=1"),
        Ok(false) => AppError::NotFound,
        Err(error) => error.into(),
    };
    let page = Some("/account/addresses");
    show_error_on(&ctx, parts, page, "addresses", fields, error).await
}
