//! Sending physical goods: the address checkout asks for (checked per country), shipping
//! zones and their rates, and the step between the cart and payment where the customer
//! gives the address and picks a method (`page.rs`, `GET /checkout`). The order keeps the
//! address, the method and its price as they were when it was made.

pub mod model;
pub mod page;
#[cfg(feature = "ssr")]
pub mod repo;
