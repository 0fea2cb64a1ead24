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
