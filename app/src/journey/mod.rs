//! The visitor's research trail: a first-party visitor id, the events recorded on the
//! server (never for Do-Not-Track / Global Privacy Control visitors), the funnel stage and
//! persona inferred from them, saved items, and the "my research" page.

pub mod api;
pub mod attribution;
#[cfg(feature = "ssr")]
pub mod handlers;
pub mod islands;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod recorder;
#[cfg(feature = "ssr")]
pub mod repo;
#[cfg(feature = "ssr")]
pub mod visitor;

/// Records an event for the request's visitor when they allow it; failures are logged
/// and never break the page.
#[cfg(feature = "ssr")]
pub async fn record(
    db: &crate::db::Db,
    request: &crate::request::RequestContext,
    kind: model::EventKind,
    subject: &str,
    detail: &str,
) {
    request.page.event(kind.key(), subject, detail);
    record_as(
        db,
        request.visitor.clone(),
        request.user_id(),
        kind,
        subject,
        detail,
    )
    .await;
}

/// Records, for a visitor served a kept page, an event that page's view recorded when it
/// was rendered (see `RequestContext::page`).
#[cfg(feature = "ssr")]
pub async fn record_replayed(
    db: &crate::db::Db,
    request: &crate::request::RequestContext,
    kind: &str,
    subject: &str,
    detail: &str,
) {
    if let Some(kind) = model::EventKind::parse(kind) {
        record_as(
            db,
            request.visitor.clone(),
            request.user_id(),
            kind,
            subject,
            detail,
        )
        .await;
    }
}

#[cfg(feature = "ssr")]
async fn record_as(
    db: &crate::db::Db,
    visitor: Option<crate::request::Visitor>,
    user_id: Option<i64>,
    kind: model::EventKind,
    subject: &str,
    detail: &str,
) {
    let Some(visitor) = visitor.filter(|v| v.tracking_allowed) else {
        return;
    };
    let event = recorder::PendingEvent {
        visitor_id: visitor.id,
        user_id,
        kind,
        subject: subject.to_string(),
        detail: detail.to_string(),
        at: crate::db::now_unix(),
    };
    if let Err(event) = recorder::enqueue(db, event) {
        if let Err(error) = repo::insert_events(db, &[event]).await {
            tracing::warn!(%error, "could not record a journey event");
        }
    }
}

/// Whether the current visitor saved this item (false when we can't tell).
#[cfg(feature = "ssr")]
pub async fn saved_here(db: &crate::db::Db, kind: &str, slug: &str) -> bool {
    let request = crate::request::RequestContext::current();
    let saved = match &request.visitor {
        Some(visitor) => repo::is_saved(db, &visitor.id, kind, slug)
            .await
            .unwrap_or(false),
        None => false,
    };
    if saved {
        request.page.personal();
    }
    saved
}

/// The research trail's posts: persona choice, saving, the reading beacon, clearing.
#[cfg(feature = "ssr")]
pub fn routes<S>() -> axum::Router<S>
where
    S: Clone + Send + Sync + 'static,
    crate::forms::PageContext: axum::extract::FromRef<S>,
{
    use axum::routing::post;
    axum::Router::new()
        .route("/journey/persona", post(handlers::post_persona))
        .route("/journey/save", post(handlers::post_save))
        .route("/journey/read", post(handlers::post_reading))
        .route("/my-research/clear", post(handlers::post_clear))
}

/// The visitor's research trail. (`app.rs` puts every feature's pages in the one route table.)
#[leptos::component(transparent)]
pub fn JourneyPages() -> leptos_router::any_nested_route::AnyNestedRoute {
    use leptos::prelude::*;
    use leptos_router::any_nested_route::IntoAnyNestedRoute;
    use leptos_router::{components::Route, path, SsrMode};
    view! {
        <Route path=path!("/my-research") view=crate::journey::pages::MyResearchPage ssr=SsrMode::Async/>
    }
    .into_inner()
    .into_any_nested_route()
}
