//! Quotes: from a ticket, staff build a cart for the customer — products, quantities and
//! an optional discount within what their role may give — and send a checkout link. The
//! checkout re-reads today's prices and applies the discount (`checkout::repo`); when that
//! order is paid, the ticket is won by itself ([`win_ticket_of_paid_order`]).
//!
//! This room holds what a quote *is* (its lines, discount rules, who may use it, what
//! paying one does), below both features that use it: checkout pays quotes, tickets is
//! where staff write them (`tickets/staff/`) and customers read them (`tickets/pages.rs`).

pub mod model;
#[cfg(feature = "ssr")]
mod repo;

#[cfg(feature = "ssr")]
pub use repo::{
    create_quote, link_order, load_quote, quote_products, quotes_of_ticket,
    win_ticket_of_paid_order,
};

use crate::request::StaffRole;
use model::MAX_QUOTE_LINES;
#[cfg(feature = "ssr")]
use {
    crate::{db::Db, error::AppError, request::RequestContext},
    model::QuoteTerms,
};

/// The most a role may take off a quote, in percent.
pub fn max_discount_percent(role: StaffRole) -> i64 {
    match role {
        StaffRole::Admin => 25,
        StaffRole::Sales => 10,
        StaffRole::Marketing => 0,
    }
}

/// A price with `percent` off, rounded to the nearest cent by the store's one discount
/// engine (`discounts::model`).
pub fn discounted(cents: i64, percent: i64) -> i64 {
    crate::discounts::model::discounted(cents, percent)
}

/// Checks the quote form's lines: (product id, quantity) pairs, every problem named.
pub fn parse_quote_lines(pairs: &[(String, String)]) -> Result<Vec<(i64, i64)>, String> {
    let mut lines: Vec<(i64, i64)> = Vec::new();
    for (product, quantity) in pairs {
        if product.trim().is_empty() {
            continue;
        }
        let Ok(product_id) = product.trim().parse::<i64>() else {
            return Err("Pick products from the list.".into());
        };
        let quantity = match quantity.trim().parse::<i64>() {
            Ok(q) if (1..=crate::cards::model::MAX_LINE_QUANTITY).contains(&q) => q,
            _ => return Err("Quantities are whole numbers from 1 to 20.".into()),
        };
        match lines.iter_mut().find(|(id, _)| *id == product_id) {
            Some((_, existing)) => *existing = (*existing + quantity).min(20),
            None => lines.push((product_id, quantity)),
        }
    }
    if lines.is_empty() {
        return Err("Add at least one product to the quote.".into());
    }
    if lines.len() > MAX_QUOTE_LINES {
        return Err(format!("A quote holds up to {MAX_QUOTE_LINES} products."));
    }
    Ok(lines)
}

/// A quote, if the request may use it: its ticket's customer (this browser or account), or
/// a valid signed quote link. Otherwise "not found" (never "forbidden").
#[cfg(feature = "ssr")]
pub async fn quote_access(
    db: &Db,
    request: &RequestContext,
    public_id: &str,
    token: &str,
) -> Result<QuoteTerms, AppError> {
    if !crate::token::is_id(public_id) {
        return Err(AppError::NotFound);
    }
    let head = repo::quote_head(db, public_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if request.speaks_for(&head.owner, head.user_id)
        || crate::signature::has_valid_link(db, "quote-link", public_id, token).await?
    {
        return Ok(QuoteTerms {
            quote_id: head.quote_id,
            discount_percent: head.discount_percent,
        });
    }
    Err(AppError::NotFound)
}

/// Quotes' links as messages and pages carry them (work on any device, signed).
#[cfg(feature = "ssr")]
pub async fn quote_links(
    db: &Db,
    public_url: &str,
    ids: &[String],
) -> Result<Vec<String>, sqlx::Error> {
    crate::signature::signed_links(db, public_url, "quotes", "quote-link", ids).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
        items
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn discounts_round_to_the_cent_and_roles_have_limits() {
        assert_eq!(discounted(1999, 10), 1799);
        assert_eq!(discounted(1000, 0), 1000);
        assert_eq!(discounted(333, 25), 250);
        assert_eq!(max_discount_percent(StaffRole::Sales), 10);
        assert_eq!(max_discount_percent(StaffRole::Admin), 25);
        assert_eq!(max_discount_percent(StaffRole::Marketing), 0);
    }

    #[test]
    fn quote_lines_are_checked() {
        assert_eq!(
            parse_quote_lines(&pairs(&[("3", "2"), ("", ""), ("3", "1")])),
            Ok(vec![(3, 3)])
        );
        assert!(parse_quote_lines(&pairs(&[("", "")])).is_err());
        assert!(parse_quote_lines(&pairs(&[("3", "0")])).is_err());
        assert!(parse_quote_lines(&pairs(&[("x", "1")])).is_err());
    }
}
