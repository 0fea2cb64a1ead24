//! The research catalogue: categories, products, specifications, search with facets,
//! and side-by-side comparison.

pub mod api;
pub mod compare;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod repo;
pub mod staff;
