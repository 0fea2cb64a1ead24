//! Storefront's Leptos application: every page and server function, shared by the
//! server (SSR) and the browser (islands hydration).
#![recursion_limit = "256"]

pub mod accounts;
pub mod admin;
pub mod analytics;
pub mod app;
pub mod cards;
pub mod cart;
pub mod catalog;
pub mod checkout;
pub mod content;
pub mod discounts;
pub mod email;
pub mod error;
pub mod forms;
pub mod html;
pub mod journey;
pub mod money;
pub mod quotes;
pub mod request;
pub mod seo;
pub mod slug;
pub mod tickets;
pub mod time;
pub mod ui;

#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod markdown;
#[cfg(feature = "ssr")]
pub mod security;
#[cfg(feature = "ssr")]
pub mod signature;
#[cfg(feature = "ssr")]
pub mod token;

pub use app::{shell, App};
pub use error::AppError;

/// Entry point of the WASM bundle: only islands hydrate, the rest of each page stays
/// the server-rendered HTML (see README, "Islands, measured").
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
    // Lets browser tests (and curious people) see that the WASM ran.
    if let Some(root) = leptos::prelude::document().document_element() {
        let _ = root.set_attribute("data-hydrated", "true");
    }
}
