//! Taxes: the store's setting (catalogue prices include tax or not), rates by country and
//! region per product tax class, the one way an order's tax is worked out (`model.rs`,
//! with its rounding rule), and invoices: a paid order's printable invoice with its
//! gap-free number (`invoice.rs`). Staff edit rates and the invoice issuer at
//! `/admin/taxes` (`checkout::staff::taxes`).

pub mod invoice;
pub mod model;
#[cfg(feature = "ssr")]
pub mod repo;
