//! The cart's server function: today's lines for whoever is asking.

use super::model::CartView;
use crate::error::AppError;
use leptos::prelude::*;

#[server(endpoint = "cart")]
pub async fn load_cart() -> Result<CartView, AppError> {
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
        });
    };
    let lines = super::repo::list_lines(&db, &owner).await?;
    let payment_problem = super::repo::open_payment_problem(&db, &owner).await?;
    Ok(CartView {
        total: super::model::cart_total(&lines),
        lines,
        payment_problem,
        hold_minutes,
    })
}
