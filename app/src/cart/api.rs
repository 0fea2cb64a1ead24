//! The cart's server function: today's lines for whoever is asking.

use super::model::CartView;
use crate::error::AppError;
use leptos::prelude::*;

/// The cart, with a shipping estimate for `country` ("" for the store's default); with
/// `guides_from` (a funnel stage, when the cart was just restored from a reminder), the
/// guides about its products from that stage on.
#[server(endpoint = "cart")]
pub async fn load_cart(country: String, guides_from: String) -> Result<CartView, AppError> {
    let db = crate::db::use_db()?;
    let hold_minutes = use_context::<crate::seo::SiteInfo>()
        .map(|site| site.checkout_hold_minutes)
        .unwrap_or(30);
    let Some(owner) = crate::request::RequestContext::current().cart_owner() else {
        return Ok(CartView {
            lines: Vec::new(),
            total: None,
            payment_problem: None,
            hold_minutes,
            shipping: None,
            code: None,
            guides: Vec::new(),
        });
    };
    let lines = super::repo::list_lines(&db, &owner).await?;
    let payment_problem = super::repo::open_payment_problem(&db, &owner).await?;
    // Rendered again after a form error, a page has no estimator in context; it then says
    // shipping is priced at the next step.
    let shipping = match use_context::<super::model::ShippingEstimator>() {
        Some(estimator) if !lines.is_empty() => (estimator.0)(db.clone(), owner.clone(), country)
            .await
            .inspect_err(|error| tracing::warn!(%error, "no shipping estimate for the cart"))
            .ok(),
        _ => None,
    };
    let currency = lines
        .first()
        .map_or(crate::money::Currency::Usd, |l| l.unit.currency);
    let code = crate::discounts::code_for_cart(
        &db,
        &owner,
        &super::model::discount_lines(&lines),
        currency,
    )
    .await?
    .map(|(code, outcome)| crate::discounts::cart_code(&code, &outcome, currency));
    let guides = match crate::cards::model::Stage::parse(&guides_from) {
        Some(stage) if !lines.is_empty() => {
            let products: Vec<i64> = lines.iter().map(|l| l.product_id).collect();
            crate::content::repo::list_guides_for_products(
                &db,
                &products,
                stage.max(crate::cards::model::Stage::Consideration),
                crate::db::now_unix(),
                3,
            )
            .await?
        }
        _ => Vec::new(),
    };
    Ok(CartView {
        shipping,
        code,
        guides,
        total: super::model::cart_total(&lines),
        lines,
        payment_problem,
        hold_minutes,
    })
}
