//! Checkout's server functions: the demo payment page, the result page, the orders.

use super::model::{Order, OrderSummary};
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What the demo provider's hosted page shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DemoPayView {
    pub session: String,
    pub order: Order,
    /// Still payable (open and within its hold).
    pub open: bool,
}

#[server(endpoint = "pay-demo")]
pub async fn load_demo_payment(session: String) -> Result<DemoPayView, AppError> {
    let db = crate::db::use_db()?;
    let found = super::repo::find_demo_session(&db, &session)
        .await?
        .ok_or(AppError::NotFound)?;
    let order = super::repo::find_order(&db, &found.public_id, None)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(DemoPayView {
        open: found.status == "open" && found.expires_at >= crate::db::now_unix(),
        session,
        order,
    })
}

/// The order behind a provider checkout session, for `/checkout/success`. The session id
/// is unguessable, so holding it is enough to see the order's state.
#[server(endpoint = "checkout-result")]
pub async fn load_checkout_result(session_id: String) -> Result<Order, AppError> {
    let db = crate::db::use_db()?;
    let public_id = super::repo::public_id_for_session(&db, &session_id)
        .await?
        .ok_or(AppError::NotFound)?;
    super::repo::find_order(&db, &public_id, None)
        .await?
        .ok_or(AppError::NotFound)
}

#[server(endpoint = "orders")]
pub async fn load_orders() -> Result<Vec<OrderSummary>, AppError> {
    let db = crate::db::use_db()?;
    Ok(super::repo::list_orders(&db, &super::current_owners()).await?)
}

/// An order for the people who made it, or for anyone holding the signed link from its
/// confirmation email (`token`); everyone else gets a 404.
#[server(endpoint = "order")]
pub async fn load_order(public_id: String, token: String) -> Result<Order, AppError> {
    let db = crate::db::use_db()?;
    let mut order = super::order_for(&db, &super::current_owners(), &public_id, &token).await?;
    let window_days = use_context::<crate::seo::SiteInfo>().map_or(0, |s| s.return_window_days);
    order.return_window = super::returns::return_window(&order, crate::db::now_unix(), window_days);
    Ok(order)
}
