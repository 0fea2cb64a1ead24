//! The cart: guests' carts belong to their visitor cookie, customers' to their account
//! (a guest's cart joins the account's at sign-in). Works without JavaScript.

pub mod api;
#[cfg(feature = "ssr")]
pub mod handlers;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod repo;

/// Middleware: counts the cart for page requests (anything that may want HTML: a form post
/// that fails renders its page again), so every page's header can show it without a query
/// of its own during rendering.
#[cfg(feature = "ssr")]
pub async fn count_cart_items(
    axum::extract::State(db): axum::extract::State<crate::db::Db>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let path = request.uri().path();
    let asset = ["/api/", "/pkg/", "/media/"]
        .iter()
        .any(|prefix| path.starts_with(prefix));
    let wants_page = !asset
        && request
            .headers()
            .get(http::header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_none_or(|accept| accept.contains("text/html") || accept.contains("*/*"));
    if !wants_page {
        return next.run(request).await;
    }
    let (mut parts, body) = request.into_parts();
    if let Some(owner) = crate::request::RequestContext::of(&parts).cart_owner() {
        match repo::count_items(&db, &owner).await {
            Ok(items) => {
                let context = crate::request::RequestContext::of_mut(&mut parts.extensions);
                if items > 0 {
                    context.page.personal();
                }
                context.cart_items = items;
            }
            Err(error) => tracing::warn!(%error, "could not count the cart"),
        }
    }
    next.run(axum::extract::Request::from_parts(parts, body))
        .await
}

/// The cart's form posts.
#[cfg(feature = "ssr")]
pub fn routes<S>() -> axum::Router<S>
where
    S: Clone + Send + Sync + 'static,
    crate::forms::PageContext: axum::extract::FromRef<S>,
{
    use axum::routing::post;
    axum::Router::new()
        .route("/cart/add", post(handlers::post_add))
        .route("/cart/update", post(handlers::post_update))
        .route("/cart/code", post(handlers::post_code))
}

/// The cart. (`app.rs` puts every feature's pages in the one route table.)
#[leptos::component(transparent)]
pub fn CartPages() -> leptos_router::any_nested_route::AnyNestedRoute {
    use leptos::prelude::*;
    use leptos_router::any_nested_route::IntoAnyNestedRoute;
    use leptos_router::{components::Route, path, SsrMode};
    view! {
        <Route path=path!("/cart") view=crate::cart::pages::CartPage ssr=SsrMode::Async/>
    }
    .into_inner()
    .into_any_nested_route()
}
