//! The staff side of orders: the orders desk (filters, an order's payments and timeline)
//! and its form post (mark shipped, full or partial refunds).

#[cfg(feature = "ssr")]
pub mod handlers;
pub mod pages;
