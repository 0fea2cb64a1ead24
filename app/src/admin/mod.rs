//! The staff admin panel: the role guard every admin page, server function and form
//! handler goes through, the audit log, and catalogue, orders, tickets, staff and outbox
//! management.

pub mod api;
#[cfg(feature = "ssr")]
pub mod audit;
pub mod guard;
#[cfg(feature = "ssr")]
pub mod handlers;
pub mod islands;
#[cfg(feature = "ssr")]
pub mod media;
pub mod model;
pub mod orders;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod repo;
#[cfg(feature = "ssr")]
pub mod ticket_handlers;
pub mod tickets;
