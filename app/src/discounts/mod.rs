//! Discount codes: marketing makes them (`staff.rs`, `/admin/discounts`), customers type one
//! in the cart, checkout reserves a use while the order waits and the paid transition
//! counts it. `model.rs` is the one engine every discount goes through (quotes included).
//!
//! This room sits below the cart and checkout, which call it; it reads the catalogue's
//! products, variants and categories only to name what a code covers.

pub mod model;
#[cfg(feature = "ssr")]
pub mod repo;
pub mod staff;

#[cfg(feature = "ssr")]
use model::{Applied, CartCode, DiscountCode, DiscountLine, NotApplicable};

/// The code a cart holds and what it does to these lines now (`None` when it holds none).
/// The customer is the cart's owner.
#[cfg(feature = "ssr")]
pub async fn code_for_cart(
    db: &crate::db::Db,
    owner: &str,
    lines: &[DiscountLine],
    currency: crate::money::Currency,
) -> Result<Option<(DiscountCode, Result<Applied, NotApplicable>)>, sqlx::Error> {
    let Some(code) = repo::held_code(db.pool(), owner).await? else {
        return Ok(None);
    };
    let uses = repo::customer_uses(db.pool(), code.id, owner).await?;
    let outcome = model::evaluate(&code, lines, currency, crate::db::now_unix(), uses);
    Ok(Some((code, outcome)))
}

/// The held code as the cart and the checkout step show it.
#[cfg(feature = "ssr")]
pub fn cart_code(
    code: &DiscountCode,
    outcome: &Result<Applied, NotApplicable>,
    currency: crate::money::Currency,
) -> CartCode {
    CartCode {
        code: code.code.clone(),
        description: code.describe(currency),
        saving: crate::money::Money::new(outcome.as_ref().map_or(0, Applied::items_off), currency),
        free_shipping: outcome.as_ref().is_ok_and(|a| a.free_shipping),
        problem: outcome.as_ref().err().map(NotApplicable::message),
    }
}

/// The staff pages' form posts.
#[cfg(feature = "ssr")]
pub fn routes<S>() -> axum::Router<S>
where
    S: Clone + Send + Sync + 'static,
    crate::forms::PageContext: axum::extract::FromRef<S>,
{
    use axum::routing::post;
    axum::Router::new()
        .route("/admin/discounts", post(staff::post_new_code))
        .route("/admin/discounts/{id}", post(staff::post_code))
}

/// The discount codes desk. (`app.rs` puts every feature's pages in the one route table.)
#[leptos::component(transparent)]
pub fn DiscountPages() -> leptos_router::any_nested_route::AnyNestedRoute {
    use leptos::prelude::*;
    use leptos_router::any_nested_route::IntoAnyNestedRoute;
    use leptos_router::{components::Route, path, SsrMode};
    view! {
        <Route path=path!("/admin/discounts") view=crate::discounts::staff::AdminDiscountsPage ssr=SsrMode::Async/>
        <Route path=path!("/admin/discounts/:id") view=crate::discounts::staff::AdminDiscountPage ssr=SsrMode::Async/>
    }
    .into_inner()
    .into_any_nested_route()
}
