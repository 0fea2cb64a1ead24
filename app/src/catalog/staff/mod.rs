//! The staff side of the catalog: its management pages, server functions, form posts,
//! SQL and form checks.

pub mod api;
#[cfg(feature = "ssr")]
pub mod handlers;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod repo;
