//! Plain axum endpoints beside the Leptos pages: health, sitemap and robots, generated
//! demo pictures, and the no-JavaScript compare tray.

pub mod assets;
pub mod compare_tray;
pub mod content;
pub mod health;
pub mod media;
pub mod seo;
