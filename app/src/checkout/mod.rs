//! Buying without a salesperson: an order made from the cart with its stock held, payment
//! at the provider's hosted page (the built-in demo provider for now), the signed payment
//! webhook that alone marks orders paid — exactly once —, expiry of unpaid orders, and the
//! customer's order pages.

pub mod api;
#[cfg(feature = "ssr")]
pub mod demo;
#[cfg(feature = "ssr")]
pub mod handlers;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod reconcile;
#[cfg(feature = "ssr")]
pub mod repo;
#[cfg(feature = "ssr")]
pub mod signature;
#[cfg(feature = "ssr")]
pub mod stripe_payments;
#[cfg(feature = "ssr")]
pub mod webhook;

/// The Stripe API version whose event shape we read (and the demo provider writes).
pub const STRIPE_API_VERSION: &str = "2026-09-30.endive";

/// Every cart owner the request speaks for: the browser's visitor cart, and the account's
/// when signed in (orders made before signing in stay visible after).
#[cfg(feature = "ssr")]
pub fn current_owners() -> Vec<String> {
    let mut owners = Vec::new();
    if let Some(user) = crate::accounts::current_user() {
        owners.push(crate::cart::account_owner(user.id));
    }
    if let Some(visitor) = crate::journey::current_visitor() {
        owners.push(crate::cart::visitor_owner(&visitor.id));
    }
    owners
}
