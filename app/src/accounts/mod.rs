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
#[cfg(feature = "ssr")]
pub mod token;

use model::CurrentUser;

/// The signed-in person of the request being rendered (`None` for visitors, and always
/// `None` in the browser: pages are rendered on the server).
pub fn current_user() -> Option<CurrentUser> {
    #[cfg(feature = "ssr")]
    {
        let parts = leptos::prelude::use_context::<http::request::Parts>()?;
        session::signed_in_user(&parts)
    }
    #[cfg(not(feature = "ssr"))]
    None
}
