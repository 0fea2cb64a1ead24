//! Buying without a salesperson: an order made from the cart with its stock held, payment
//! at the provider's hosted page (Stripe's, or the built-in demo provider's), the signed payment
//! webhook that alone marks orders paid — exactly once —, expiry of unpaid orders, and the
//! customer's order pages.

pub mod api;
#[cfg(feature = "ssr")]
pub mod demo;
#[cfg(feature = "ssr")]
pub mod fulfilment;
#[cfg(feature = "ssr")]
pub mod handlers;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod reconcile;
pub mod recovery;
#[cfg(feature = "ssr")]
pub mod refunds;
#[cfg(feature = "ssr")]
pub mod repo;
pub mod returns;
pub mod shipping;
pub mod staff;
#[cfg(feature = "ssr")]
pub mod stripe_payments;
pub mod tax;
#[cfg(feature = "ssr")]
pub mod webhook;

/// The Stripe API version whose event shape we read (and the demo provider writes).
pub const STRIPE_API_VERSION: &str = "2026-09-30.endive";

/// How long a checkout holds its items: the configured hold, but never shorter than a
/// Stripe session lives (Stripe's minimum), so a session never outlives its reservation.
#[cfg(feature = "ssr")]
pub fn hold_seconds(configured: i64, with_stripe: bool) -> i64 {
    if with_stripe {
        configured.max(stripe_payments::MIN_SESSION_SECONDS)
    } else {
        configured
    }
}

/// Every cart owner the request speaks for: the browser's visitor cart, and the account's
/// when signed in (orders made before signing in stay visible after).
#[cfg(feature = "ssr")]
pub fn current_owners() -> Vec<String> {
    leptos::prelude::use_context::<http::request::Parts>()
        .map(|parts| crate::request::RequestContext::of(&parts).owners())
        .unwrap_or_default()
}

/// An order for the people who made it (`owners`), or for anyone holding the signed link
/// from its emails (`token`); everyone else gets "not found".
#[cfg(feature = "ssr")]
pub async fn order_for(
    db: &crate::db::Db,
    owners: &[String],
    public_id: &str,
    token: &str,
) -> Result<model::Order, crate::error::AppError> {
    let secret = repo::order_link_secret(db).await?;
    let signed =
        !token.is_empty() && crate::signature::order_link_is_valid(&secret, public_id, token);
    let owners = (!signed).then_some(owners);
    repo::find_order(db, public_id, owners)
        .await?
        .ok_or(crate::error::AppError::NotFound)
}

/// How this deployment takes payments: through Stripe when its keys are configured,
/// otherwise (`None`) through the demo provider. Held by the server's state and handed to
/// checkout's handlers only, so nothing below checkout needs to know Stripe exists.
#[cfg(feature = "ssr")]
#[derive(Clone, Default)]
pub struct Payments {
    pub stripe: Option<stripe_payments::StripeProvider>,
}

/// Checkout's endpoints: the pay button, the payment webhook, the demo provider's card
/// form, and the orders desk's actions.
#[cfg(feature = "ssr")]
pub fn routes<S>() -> axum::Router<S>
where
    S: Clone + Send + Sync + 'static,
    crate::forms::PageContext: axum::extract::FromRef<S>,
    Payments: axum::extract::FromRef<S>,
{
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/checkout", post(handlers::post_checkout))
        .route("/cart/restore/{id}", get(recovery::get_restore))
        .route("/email/unsubscribe", post(recovery::post_unsubscribe))
        .route("/webhooks/stripe", post(handlers::post_webhook))
        .route("/pay/demo/{session}", post(handlers::post_demo_pay))
        .route("/admin/orders/{id}", post(staff::handlers::post_order))
        .route("/admin/shipping", post(staff::shipping::post_shipping))
        .route("/admin/taxes", post(staff::taxes::post_taxes))
        .route(
            "/account/addresses/{id}/remove",
            post(handlers::post_remove_address),
        )
        .route(
            "/account/orders/{id}/return",
            post(returns::page::post_return),
        )
}

/// Paying (the demo provider's page), the success page and the customer's orders. (`app.rs` puts every feature's pages in the one route table.)
#[leptos::component(transparent)]
pub fn CheckoutPages() -> leptos_router::any_nested_route::AnyNestedRoute {
    use leptos::prelude::*;
    use leptos_router::any_nested_route::IntoAnyNestedRoute;
    use leptos_router::{components::Route, path, SsrMode};
    view! {
        <Route path=path!("/checkout") view=crate::checkout::shipping::page::CheckoutPage ssr=SsrMode::Async/>
        <Route path=path!("/pay/demo/:session") view=crate::checkout::pages::DemoPayPage ssr=SsrMode::Async/>
        <Route path=path!("/checkout/success") view=crate::checkout::pages::CheckoutSuccessPage ssr=SsrMode::Async/>
        <Route path=path!("/account/orders") view=crate::checkout::pages::OrdersPage ssr=SsrMode::Async/>
        <Route path=path!("/account/addresses") view=crate::checkout::shipping::addresses::AddressBookPage ssr=SsrMode::Async/>
        <Route path=path!("/account/orders/:id") view=crate::checkout::pages::OrderPage ssr=SsrMode::Async/>
        <Route path=path!("/account/orders/:id/invoice") view=crate::checkout::tax::invoice::InvoicePage ssr=SsrMode::Async/>
        <Route path=path!("/email/unsubscribe") view=crate::checkout::recovery::UnsubscribePage ssr=SsrMode::Async/>
        <Route path=path!("/account/orders/:id/return") view=crate::checkout::returns::page::ReturnPage ssr=SsrMode::Async/>
    }
    .into_inner()
    .into_any_nested_route()
}
