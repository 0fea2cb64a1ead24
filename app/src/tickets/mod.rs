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
pub mod repo;
pub mod staff;

#[cfg(feature = "ssr")]
use crate::{db::Db, error::AppError};

/// The ticket, if the request may see it as its customer: the browser or account that
/// opened it, or a valid signed link. Otherwise "not found" (never "forbidden": that would
/// confirm it exists). Pages pass `RequestContext::current()`, handlers and streams
/// `RequestContext::of(parts)`.
#[cfg(feature = "ssr")]
pub async fn customer_access(
    db: &Db,
    request: &crate::request::RequestContext,
    public_id: &str,
    token: &str,
) -> Result<repo::TicketHead, AppError> {
    if !crate::token::is_id(public_id) {
        return Err(AppError::NotFound);
    }
    let ticket = repo::find_ticket(db, public_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if request.speaks_for(&ticket.owner, ticket.user_id)
        || crate::signature::has_valid_link(db, "ticket-link", public_id, token).await?
    {
        return Ok(ticket);
    }
    Err(AppError::NotFound)
}

/// The ticket's link as its emails carry it (works on any device, signed).
#[cfg(feature = "ssr")]
pub async fn signed_link(
    db: &Db,
    public_url: &str,
    public_id: &str,
) -> Result<String, sqlx::Error> {
    let mut links = crate::signature::signed_links(
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

/// Asking, a ticket, a quote, and the customer's tickets. (`app.rs` puts every feature's pages in the one route table.)
#[leptos::component(transparent)]
pub fn TicketPages() -> leptos_router::any_nested_route::AnyNestedRoute {
    use leptos::prelude::*;
    use leptos_router::any_nested_route::IntoAnyNestedRoute;
    use leptos_router::{components::Route, path, SsrMode};
    view! {
        <Route path=path!("/account/tickets") view=crate::tickets::pages::MyTicketsPage ssr=SsrMode::Async/>
        <Route path=path!("/help/ask") view=crate::tickets::pages::AskPage ssr=SsrMode::Async/>
        <Route path=path!("/tickets/:id") view=crate::tickets::pages::TicketPage ssr=SsrMode::Async/>
        <Route path=path!("/quotes/:id") view=crate::tickets::pages::QuotePage ssr=SsrMode::Async/>
    }
    .into_inner()
    .into_any_nested_route()
}
