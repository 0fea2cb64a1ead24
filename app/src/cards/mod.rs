//! The shared cards: what a product or a piece of content looks like wherever it is
//! listed, the personas and funnel stages content is tagged with, and the add-to-cart form.
//! The catalogue shows guides and the guides show products; both reach for these pieces,
//! which sit below every feature so neither imports the other.

pub mod model;
#[cfg(feature = "ssr")]
pub mod repo;
pub mod view;

pub use model::*;
pub use view::*;
