//! Server functions of the customer's side: the "talk to a human" form's facts, one
//! ticket's conversation, and "my tickets".

use super::model::{CustomerTicket, TicketRow};
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What the form shows before the customer writes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AskForm {
    pub name: String,
    pub email: String,
    pub signed_in: bool,
    /// (slug, name) when asking about a product.
    pub product: Option<(String, String)>,
    /// "We'll share the 4 guides you read … with our team" ("" when there is no trail).
    pub sharing: String,
    /// "your cart (2 items, $120.00)" when there is one.
    pub cart: String,
    /// The browser asks not to be tracked: there is no trail to share.
    pub tracking_off: bool,
}

#[server(endpoint = "tickets/ask")]
pub async fn load_ask_form(from: String, product: String) -> Result<AskForm, AppError> {
    let db = crate::db::use_db()?;
    let user = crate::request::RequestContext::current().user;
    let visitor = crate::request::RequestContext::current().visitor;
    let owners = crate::request::RequestContext::current().owners();
    let cart_owner = crate::request::RequestContext::current().cart_owner();
    let asker = super::context::Asker {
        visitor: visitor.as_ref(),
        user_id: user.as_ref().map(|u| u.id),
        cart_owner: cart_owner.as_deref(),
        owners: &owners,
        email: "",
    };
    let preview = super::context::take_snapshot(&db, &asker, true, &from, &product).await?;
    let items: i64 = preview.cart.iter().map(|line| line.quantity).sum();
    Ok(AskForm {
        name: user.as_ref().map(|u| u.name.clone()).unwrap_or_default(),
        email: user.as_ref().map(|u| u.email.clone()).unwrap_or_default(),
        signed_in: user.is_some(),
        sharing: preview.sharing_summary(),
        cart: if items > 0 {
            format!(
                "your cart ({items} item{}, {})",
                if items == 1 { "" } else { "s" },
                preview.cart_total
            )
        } else {
            String::new()
        },
        product: preview.product,
        tracking_off: visitor.is_some_and(|v| !v.tracking_allowed),
    })
}

/// One ticket for its customer: by this browser or account, or by the signed link `t`.
/// Anything else is "not found" (never "forbidden": that would confirm it exists).
#[server(endpoint = "tickets/one")]
pub async fn load_ticket(public_id: String, t: String) -> Result<CustomerTicket, AppError> {
    let db = crate::db::use_db()?;
    let request = crate::request::RequestContext::current();
    let ticket = super::customer_access(&db, &request, &public_id, &t).await?;
    let quote_ids = crate::quotes::quotes_of_ticket(&db, ticket.id).await?;
    let quotes = crate::quotes::quote_links(&db, "", &quote_ids).await?;
    Ok(CustomerTicket {
        quotes,
        messages: super::repo::list_messages(&db, ticket.id, 0, false).await?,
        public_id: ticket.public_id,
        subject: ticket.subject,
        status: ticket.status,
        created_at: ticket.created_at,
        token: if t.is_empty() { String::new() } else { t },
    })
}

/// A quote for its customer (by this browser or account, or by its signed link).
#[server(endpoint = "tickets/quote")]
pub async fn load_quote(
    public_id: String,
    t: String,
) -> Result<crate::quotes::model::Quote, AppError> {
    let db = crate::db::use_db()?;
    let request = crate::request::RequestContext::current();
    crate::quotes::quote_access(&db, &request, &public_id, &t).await?;
    let mut quote = crate::quotes::load_quote(&db, &public_id)
        .await?
        .ok_or(AppError::NotFound)?;
    quote.token = t;
    Ok(quote)
}

#[server(endpoint = "tickets/mine")]
pub async fn load_my_tickets() -> Result<Vec<TicketRow>, AppError> {
    let db = crate::db::use_db()?;
    let owners = crate::request::RequestContext::current().owners();
    let user_id = crate::request::RequestContext::current().user.map(|u| u.id);
    if owners.is_empty() {
        return Ok(Vec::new());
    }
    Ok(super::repo::list_customer_tickets(&db, &owners, user_id).await?)
}
