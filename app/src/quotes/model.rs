//! What a quote is, as pages and server functions carry it.

use serde::{Deserialize, Serialize};

/// Products in one quote, at most.
pub const MAX_QUOTE_LINES: usize = 5;

/// A product in a quote, at today's price and with the quote's discount.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuoteLine {
    pub slug: String,
    pub name: String,
    pub quantity: i64,
    pub list_price: crate::money::Money,
    pub quoted_price: crate::money::Money,
    /// For sale and in stock now.
    pub available: bool,
}

/// A quote as the customer (and staff) see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Quote {
    pub public_id: String,
    pub ticket_public_id: String,
    pub discount_percent: i64,
    pub lines: Vec<QuoteLine>,
    pub total: crate::money::Money,
    pub list_total: crate::money::Money,
    /// The signed part of the quote's link ("" when the customer owns the ticket).
    pub token: String,
}

/// A product staff can put in a quote.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuoteProduct {
    pub id: i64,
    pub name: String,
    pub price: String,
}

/// A quote being checked out: which one, and the discount it gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuoteTerms {
    pub quote_id: i64,
    pub discount_percent: i64,
}
