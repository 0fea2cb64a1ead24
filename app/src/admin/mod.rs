//! The staff admin panel: the role guard every admin page, server function and form
//! handler goes through, the audit log, the shared admin frame, the dashboard, staff and
//! outbox, and (still here, see README) catalogue and content management. Orders and
//! tickets keep their staff side in their own features (`checkout/staff`, `tickets/staff`).

pub mod api;
pub mod audit;
pub mod frame;
pub mod guard;
#[cfg(feature = "ssr")]
pub mod handlers;
pub mod islands;
#[cfg(feature = "ssr")]
pub mod media;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod repo;
