//! A second chance for abandoned checkouts. A customer who gave an email at checkout and
//! ticked "Email me about this order" (and whose browser does not ask not to be tracked)
//! gets one reminder if they don't pay within `STOREFRONT_REMINDER_DELAY_MINUTES`: through
//! the outbox, with a signed, single-use link that puts the items back in their cart and
//! guides for the funnel stage they were at. Never to anyone who did not opt in, after they
//! paid, twice, or after they unsubscribed (one click from the email). The job runs in
//! every app server each minute; the database claim makes it send once.

#[cfg(feature = "ssr")]
pub mod repo;

use crate::error::AppError;
use crate::ui::{query_param, ErrorPage, Layout};
use leptos::prelude::*;
use leptos_meta::{Meta, Title};

/// Checkouts older than this many days are not reminded of (the job was off, or the
/// delay was raised): a reminder about last month's cart is noise.
#[cfg(feature = "ssr")]
const FORGET_AFTER_DAYS: i64 = 7;

#[cfg(feature = "ssr")]
const RESTORE_PURPOSE: &str = "cart-restore";
#[cfg(feature = "ssr")]
const UNSUBSCRIBE_PURPOSE: &str = "unsubscribe";

/// Sends the reminders that are due; returns how many were queued now.
#[cfg(feature = "ssr")]
pub async fn send_reminders(
    db: &crate::db::Db,
    now: i64,
    delay_seconds: i64,
    public_url: &str,
) -> Result<usize, sqlx::Error> {
    let due = repo::due_reminders(
        db,
        now - delay_seconds,
        now - FORGET_AFTER_DAYS * 86_400,
        50,
    )
    .await?;
    if due.is_empty() {
        return Ok(0);
    }
    let secret = super::repo::order_link_secret(db).await?;
    let mut sent = 0;
    for reminder in due {
        let lines = repo::order_lines(db, &reminder.public_id).await?;
        let stage = crate::cards::model::Stage::parse(&reminder.stage)
            .unwrap_or(crate::cards::model::Stage::Consideration)
            .max(crate::cards::model::Stage::Consideration);
        let products: Vec<i64> = lines.iter().map(|l| l.0).collect();
        let guides =
            crate::content::repo::list_guides_for_products(db, &products, stage, now, 3).await?;
        let body = reminder_body(&reminder, &lines, &guides, &secret, public_url);
        let mut tx = db.begin_write().await?;
        if !repo::claim_reminder(&mut tx, reminder.order_id, now).await? {
            continue;
        }
        crate::email::repo::enqueue_email_in(
            &mut tx,
            &reminder.email,
            "Your cart is waiting at Storefront",
            &body,
            "checkout_reminder",
        )
        .await?;
        tx.commit().await?;
        sent += 1;
    }
    Ok(sent)
}

/// The signed link that puts an order's items back in a cart.
#[cfg(feature = "ssr")]
pub fn restore_link(secret: &str, public_url: &str, public_id: &str) -> String {
    let token = crate::signature::link_token(secret, RESTORE_PURPOSE, public_id);
    format!("{public_url}/cart/restore/{public_id}?t={token}")
}

/// The signed link that stops reminders to `email`.
#[cfg(feature = "ssr")]
pub fn unsubscribe_link(secret: &str, public_url: &str, email: &str) -> String {
    let token = crate::signature::link_token(secret, UNSUBSCRIBE_PURPOSE, email);
    format!(
        "{public_url}/email/unsubscribe?e={}&t={token}",
        crate::forms::url_encode(email)
    )
}

#[cfg(feature = "ssr")]
fn reminder_body(
    reminder: &repo::DueReminder,
    lines: &[(i64, i64, String, String, i64)],
    guides: &[crate::cards::model::ContentCard],
    secret: &str,
    public_url: &str,
) -> String {
    let items = lines
        .iter()
        .map(|(_, _, name, variant, quantity)| {
            format!(
                "  {quantity} × {}",
                crate::catalog::variants::name_with_variant(name, variant)
            )
        })
        .collect::<Vec<_>>()
        .join("\n");
    let help = if guides.is_empty() {
        String::new()
    } else {
        let list = guides
            .iter()
            .map(|g| format!("  {} — {public_url}/learn/{}", g.title, g.slug))
            .collect::<Vec<_>>()
            .join("\n");
        format!("Still comparing? These may help:\n{list}\n\n")
    };
    format!(
        "Hello,\n\nYou started a checkout on {} and didn't finish it, so nothing was charged. You chose:\n{items}\n\n\
         Pick up where you left off (this link puts them back in your cart; prices and stock are today's):\n{}\n\n\
         {help}Questions before you buy? Reply to this email and a person will answer.\n\n\
         This is the only reminder we send about it. Stop reminders: {}\n",
        crate::time::format_time(reminder.created_at),
        restore_link(secret, public_url, &reminder.public_id),
        unsubscribe_link(secret, public_url, &reminder.email),
    )
}

/// GET /cart/restore/{order}?t=…: the reminder's link. Puts the order's items (as far as
/// they are still sold and in stock) and its code back in this browser's cart, once.
#[cfg(feature = "ssr")]
pub async fn get_restore(
    axum::extract::State(ctx): axum::extract::State<crate::forms::PageContext>,
    axum::extract::Path(public_id): axum::extract::Path<String>,
    axum::extract::Query(query): axum::extract::Query<std::collections::HashMap<String, String>>,
    request: axum::extract::Request,
) -> axum::response::Response {
    let (parts, _) = request.into_parts();
    match restore(
        &ctx,
        &parts,
        &public_id,
        query.get("t").map_or("", |t| t.as_str()),
    )
    .await
    {
        Ok(stage) => crate::forms::see_other(&format!("/cart?restored=1&stage={stage}")),
        Err(error) => {
            let fields = std::collections::HashMap::new();
            crate::forms::show_error_on(&ctx, parts, Some("/cart"), "restore", fields, error).await
        }
    }
}

#[cfg(feature = "ssr")]
async fn restore(
    ctx: &crate::forms::PageContext,
    parts: &http::request::Parts,
    public_id: &str,
    token: &str,
) -> Result<String, AppError> {
    let secret = super::repo::order_link_secret(&ctx.db).await?;
    if !crate::token::is_id(public_id)
        || !crate::signature::link_is_valid(&secret, RESTORE_PURPOSE, public_id, token)
    {
        return Err(AppError::NotFound);
    }
    let owner = crate::request::RequestContext::of(parts)
        .cart_owner()
        .ok_or_else(|| AppError::bad_request("Please enable cookies to use the cart."))?;
    let Some((code_id, stage)) =
        repo::claim_restore(&ctx.db, public_id, crate::db::now_unix()).await?
    else {
        return Err(AppError::Gone {
            message: "This link was used already, so your cart is as you left it since. Anything missing? Add it again, or talk to us.".into(),
        });
    };
    for (product_id, variant_id, _, _, quantity) in repo::order_lines(&ctx.db, public_id).await? {
        let Some(variant) =
            crate::cart::repo::find_variant(&ctx.db, product_id, variant_id).await?
        else {
            continue;
        };
        if !variant.active || variant.stock == 0 {
            continue;
        }
        let already = crate::cart::repo::line_quantity(&ctx.db, &owner, variant_id).await?;
        let wanted = quantity.min(variant.stock).max(already);
        crate::cart::repo::set_line(&ctx.db, &owner, product_id, variant_id, wanted).await?;
    }
    if let Some(code_id) = code_id {
        crate::discounts::repo::hold_code(&ctx.db, &owner, code_id).await?;
    }
    Ok(if stage.is_empty() {
        "consideration".into()
    } else {
        stage
    })
}

/// Whether an unsubscribe link is genuine, and whether it was used already.
#[server(endpoint = "unsubscribe")]
pub async fn check_unsubscribe(e: String, t: String) -> Result<bool, AppError> {
    let db = crate::db::use_db()?;
    let secret = super::repo::order_link_secret(&db).await?;
    if !crate::signature::link_is_valid(&secret, UNSUBSCRIBE_PURPOSE, &e, &t) {
        return Err(AppError::NotFound);
    }
    Ok(repo::is_suppressed(&db, &e).await?)
}

/// POST /email/unsubscribe: `e`, `t` (from the page's button, or a mail client's one-click
/// request). No more reminders to that address.
#[cfg(feature = "ssr")]
pub async fn post_unsubscribe(
    axum::extract::State(ctx): axum::extract::State<crate::forms::PageContext>,
    request: axum::extract::Request,
) -> axum::response::Response {
    use crate::forms::{field, read_form, see_other, show_error};
    let (parts, fields) = match read_form(request).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    let (email, token) = (field(&fields, "e"), field(&fields, "t"));
    let result = async {
        let secret = super::repo::order_link_secret(&ctx.db).await?;
        if !crate::signature::link_is_valid(&secret, UNSUBSCRIBE_PURPOSE, &email, &token) {
            return Err(AppError::NotFound);
        }
        repo::suppress(&ctx.db, &email, crate::db::now_unix()).await?;
        Ok(())
    }
    .await;
    match result {
        Ok(()) => see_other(&format!(
            "/email/unsubscribe?e={}&t={token}&done=1",
            crate::forms::url_encode(&email)
        )),
        Err(error) => show_error(&ctx, parts, "unsubscribe", fields, error).await,
    }
}

/// `/email/unsubscribe?e=…&t=…`: confirms, then stops reminders with one press.
#[component]
pub fn UnsubscribePage() -> impl IntoView {
    let (email, token) = (query_param("e"), query_param("t"));
    let done = query_param("done") == "1";
    view! {
        <Layout>
            <Title text="Email reminders · Storefront"/>
            <Meta name="robots" content="noindex"/>
            <Suspense fallback=|| view! { <p class="loading container">"Checking the link…"</p> }>
                {move || {
                    let (email, token) = (email.clone(), token.clone());
                    Suspend::new(async move {
                        match check_unsubscribe(email.clone(), token.clone()).await {
                            Ok(stopped) => view! { <Unsubscribe email token stopped=stopped || done/> }.into_any(),
                            Err(error) => view! { <ErrorPage error/> }.into_any(),
                        }
                    })
                }}
            </Suspense>
        </Layout>
    }
}

#[component]
fn Unsubscribe(email: String, token: String, stopped: bool) -> impl IntoView {
    view! {
        <section class="container narrow">
            <h1>"Email reminders"</h1>
            {if stopped {
                view! {
                    <div class="alert alert--ok" role="status">{format!("Done: we won't send reminders to {email} again.")}</div>
                    <p>"Receipts and messages about orders you pay for still reach you. "<a href="/products">"Back to the store"</a></p>
                }.into_any()
            } else {
                view! {
                    <p>{format!("Stop reminders about unfinished checkouts to {email}?")}</p>
                    <form method="post" action="/email/unsubscribe">
                        <input type="hidden" name="e" value=email.clone()/>
                        <input type="hidden" name="t" value=token/>
                        <button class="btn btn--primary" type="submit">"Stop reminders"</button>
                    </form>
                }.into_any()
            }}
        </section>
    }
}
