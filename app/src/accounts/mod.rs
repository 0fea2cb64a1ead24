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
