//! Talk to a human: a sales ticket opened from any page, carrying a snapshot of the
//! customer's research (what they read, compared and put in the cart), a conversation that
//! updates live on both sides, and the staff inbox's statuses, notes and assignments (the
//! staff side is in `staff/`).

pub mod api;
#[cfg(feature = "ssr")]
pub mod context;
#[cfg(feature = "ssr")]
pub mod handlers;
pub mod islands;
#[cfg(feature = "ssr")]
pub mod live;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod quotes;
#[cfg(feature = "ssr")]
pub mod repo;
pub mod staff;

#[cfg(feature = "ssr")]
use crate::{db::Db, error::AppError};

/// The ticket, if the request may see it as its customer: the browser or account that
/// opened it, or a valid signed link. Otherwise "not found".
#[cfg(feature = "ssr")]
pub async fn customer_access(
    db: &Db,
    public_id: &str,
    token: &str,
) -> Result<repo::TicketHead, AppError> {
    let owners = crate::request::RequestContext::current().owners();
    let user_id = crate::request::RequestContext::current().user.map(|u| u.id);
    access_for(db, public_id, token, &owners, user_id).await
}

/// [`customer_access`] for form handlers and streams, which have the request's parts.
#[cfg(feature = "ssr")]
pub async fn access_in(
    db: &Db,
    parts: &http::request::Parts,
    public_id: &str,
    token: &str,
) -> Result<repo::TicketHead, AppError> {
    let user_id = crate::request::RequestContext::of(parts).user.map(|u| u.id);
    access_for(
        db,
        public_id,
        token,
        &crate::request::RequestContext::of(parts).owners(),
        user_id,
    )
    .await
}

/// The one access rule, for whoever asks (the owners and account the request speaks for).
#[cfg(feature = "ssr")]
pub async fn access_for(
    db: &Db,
    public_id: &str,
    token: &str,
    owners: &[String],
    user_id: Option<i64>,
) -> Result<repo::TicketHead, AppError> {
    if !crate::token::is_id(public_id) {
        return Err(AppError::NotFound);
    }
    let ticket = repo::find_ticket(db, public_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let owns = owners.contains(&ticket.owner) || (user_id.is_some() && ticket.user_id == user_id);
    if owns {
        return Ok(ticket);
    }
    if has_valid_link(db, "ticket-link", public_id, token).await? {
        return Ok(ticket);
    }
    Err(AppError::NotFound)
}

/// A quote, if the request may see it: its ticket's customer, or a valid signed quote link.
#[cfg(feature = "ssr")]
pub async fn quote_access(
    db: &Db,
    public_id: &str,
    token: &str,
    owners: &[String],
    user_id: Option<i64>,
) -> Result<(i64, i64), AppError> {
    if !crate::token::is_id(public_id) {
        return Err(AppError::NotFound);
    }
    let (quote_id, ticket, discount) = quotes::quote_terms(db, public_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if has_valid_link(db, "quote-link", public_id, token).await?
        || access_for(db, &ticket, "", owners, user_id).await.is_ok()
    {
        return Ok((quote_id, discount));
    }
    Err(AppError::NotFound)
}

/// Whether `token` is a valid signed link to `public_id` for `purpose` (the secret is only
/// read when there is a token to check).
#[cfg(feature = "ssr")]
async fn has_valid_link(
    db: &Db,
    purpose: &str,
    public_id: &str,
    token: &str,
) -> Result<bool, sqlx::Error> {
    if token.is_empty() {
        return Ok(false);
    }
    let secret = crate::checkout::repo::order_link_secret(db).await?;
    Ok(crate::signature::link_is_valid(
        &secret, purpose, public_id, token,
    ))
}

/// `{public_url}/{folder}/{id}?t=…` for each id, signed for `purpose` (one secret read).
#[cfg(feature = "ssr")]
async fn signed_links(
    db: &Db,
    public_url: &str,
    folder: &str,
    purpose: &str,
    ids: &[String],
) -> Result<Vec<String>, sqlx::Error> {
    let secret = crate::checkout::repo::order_link_secret(db).await?;
    Ok(ids
        .iter()
        .map(|id| {
            let token = crate::signature::link_token(&secret, purpose, id);
            format!("{public_url}/{folder}/{id}?t={token}")
        })
        .collect())
}

/// Quotes' links as messages and pages carry them (work on any device, signed).
#[cfg(feature = "ssr")]
pub async fn quote_links(
    db: &Db,
    public_url: &str,
    ids: &[String],
) -> Result<Vec<String>, sqlx::Error> {
    signed_links(db, public_url, "quotes", "quote-link", ids).await
}

/// The ticket's link as its emails carry it (works on any device, signed).
#[cfg(feature = "ssr")]
pub async fn signed_link(
    db: &Db,
    public_url: &str,
    public_id: &str,
) -> Result<String, sqlx::Error> {
    let mut links = signed_links(
        db,
        public_url,
        "tickets",
        "ticket-link",
        &[public_id.to_string()],
    )
    .await?;
    Ok(links.remove(0))
}

/// Middleware: counts unread tickets for admin pages seen by staff who take tickets, so
/// the menu shows it without a query of its own while rendering.
#[cfg(feature = "ssr")]
pub async fn count_unread_tickets(
    axum::extract::State(db): axum::extract::State<Db>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    // Form posts count too: a refused one renders its admin page again.
    let wanted =
        request.uri().path().starts_with("/admin") && !request.uri().path().ends_with("/live");
    if !wanted {
        return next.run(request).await;
    }
    let (mut parts, body) = request.into_parts();
    let takes_tickets = crate::request::RequestContext::of(&parts)
        .user
        .is_some_and(|user| user.can(crate::request::Area::Tickets));
    if takes_tickets {
        match repo::unread_ticket_count(&db).await {
            Ok(unread) => {
                crate::request::RequestContext::of_mut(&mut parts.extensions).unread_tickets =
                    unread;
            }
            Err(error) => tracing::warn!(%error, "could not count unread tickets"),
        }
    }
    next.run(axum::extract::Request::from_parts(parts, body))
        .await
}

/// Tickets' endpoints: asking, replying, the live streams on both sides, staff actions.
#[cfg(feature = "ssr")]
pub fn routes<S>() -> axum::Router<S>
where
    S: Clone + Send + Sync + 'static,
    crate::forms::PageContext: axum::extract::FromRef<S>,
{
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/help/ask", post(handlers::post_ask))
        .route("/tickets/{id}/reply", post(handlers::post_reply))
        .route("/tickets/{id}/live", get(live::customer_stream))
        .route("/admin/tickets/live", get(live::inbox_stream))
        .route("/admin/tickets/{id}/live", get(live::staff_stream))
        .route("/admin/tickets/{id}", post(staff::handlers::post_ticket))
}
