//! The cart: guests' carts belong to their visitor cookie, customers' to their account
//! (a guest's cart joins the account's at sign-in). Works without JavaScript.

pub mod api;
#[cfg(feature = "ssr")]
pub mod handlers;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod repo;

/// Whose cart a request uses: the account's when signed in, else the visitor's.
#[cfg(feature = "ssr")]
pub fn owner_of(parts: &http::request::Parts) -> Option<String> {
    if let Some(user) = crate::accounts::session::signed_in_user(parts) {
        return Some(account_owner(user.id));
    }
    parts
        .extensions
        .get::<crate::journey::model::Visitor>()
        .map(|v| visitor_owner(&v.id))
}

/// Every owner a request speaks for: the account's when signed in, and the browser's
/// visitor (orders and tickets made before signing in stay visible after).
#[cfg(feature = "ssr")]
pub fn owners_of(parts: &http::request::Parts) -> Vec<String> {
    let account =
        crate::accounts::session::signed_in_user(parts).map(|user| account_owner(user.id));
    let visitor = parts
        .extensions
        .get::<crate::journey::model::Visitor>()
        .map(|v| visitor_owner(&v.id));
    account.into_iter().chain(visitor).collect()
}

/// The cart owner of the request being rendered (server functions and pages).
#[cfg(feature = "ssr")]
pub fn current_owner() -> Option<String> {
    let parts = leptos::prelude::use_context::<http::request::Parts>()?;
    owner_of(&parts)
}

pub fn account_owner(user_id: i64) -> String {
    format!("u:{user_id}")
}

pub fn visitor_owner(visitor_id: &str) -> String {
    format!("v:{visitor_id}")
}

/// How many items the requester's cart holds, put on page requests by
/// [`count_cart_items`].
#[derive(Debug, Clone, Copy)]
pub struct CartCount(pub i64);

/// The header's cart count for the page being rendered (0 in the browser).
pub fn items_in_cart() -> i64 {
    #[cfg(feature = "ssr")]
    {
        leptos::prelude::use_context::<http::request::Parts>()
            .and_then(|parts| parts.extensions.get::<CartCount>().copied())
            .map_or(0, |c| c.0)
    }
    #[cfg(not(feature = "ssr"))]
    0
}

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
    if let Some(owner) = owner_of(&parts) {
        match repo::count_items(&db, &owner).await {
            Ok(items) => {
                parts.extensions.insert(CartCount(items));
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
}
