//! The content hub: articles, videos, white papers, e-books and infographics, each tagged
//! with the personas it serves and the funnel stage it fits.

pub mod api;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod repo;
pub mod staff;
