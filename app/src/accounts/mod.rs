//! Customer and staff accounts: sign-up, sign-in, sessions, password reset, throttling,
//! and the rules for emails, passwords and staff roles.

#[cfg(feature = "ssr")]
pub mod handlers;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod password;
#[cfg(feature = "ssr")]
pub mod repo;
#[cfg(feature = "ssr")]
pub mod session;
#[cfg(feature = "ssr")]
pub mod throttle;

/// This feature's form posts (no JavaScript needed): sign-up, sign-in and out, profile,
/// password change and reset, account deletion.
#[cfg(feature = "ssr")]
pub fn routes<S>() -> axum::Router<S>
where
    S: Clone + Send + Sync + 'static,
    crate::forms::PageContext: axum::extract::FromRef<S>,
{
    use axum::routing::post;
    axum::Router::new()
        .route("/signup", post(handlers::post_signup))
        .route("/login", post(handlers::post_login))
        .route("/logout", post(handlers::post_logout))
        .route("/account/profile", post(handlers::post_profile))
        .route("/account/password", post(handlers::post_change_password))
        .route("/account/delete", post(handlers::post_delete_account))
        .route(
            "/account/password-reset",
            post(handlers::post_password_reset_request),
        )
        .route(
            "/account/password-reset/{token}",
            post(handlers::post_password_reset),
        )
}

/// Signing up and in, the account page and password resets. (`app.rs` puts every feature's pages in the one route table.)
#[leptos::component(transparent)]
pub fn AccountPages() -> leptos_router::any_nested_route::AnyNestedRoute {
    use leptos::prelude::*;
    use leptos_router::any_nested_route::IntoAnyNestedRoute;
    use leptos_router::{components::Route, path};
    view! {
        <Route path=path!("/signup") view=crate::accounts::pages::SignupPage/>
        <Route path=path!("/login") view=crate::accounts::pages::LoginPage/>
        <Route path=path!("/account") view=crate::accounts::pages::AccountPage/>
        <Route path=path!("/account/password-reset") view=crate::accounts::pages::PasswordResetRequestPage/>
        <Route path=path!("/account/password-reset/:token") view=crate::accounts::pages::PasswordResetPage/>
    }
    .into_inner()
    .into_any_nested_route()
}
