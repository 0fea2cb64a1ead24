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

/// The admin shell's own pages: dashboard, staff, outbox, audit log. (`app.rs` puts every feature's pages in the one route table.)
#[leptos::component(transparent)]
pub fn AdminShellPages() -> leptos_router::any_nested_route::AnyNestedRoute {
    use leptos::prelude::*;
    use leptos_router::any_nested_route::IntoAnyNestedRoute;
    use leptos_router::{components::Route, path, SsrMode};
    view! {
        <Route path=path!("/admin") view=crate::admin::pages::AdminDashboardPage ssr=SsrMode::Async/>
        <Route path=path!("/admin/staff") view=crate::admin::pages::AdminStaffPage ssr=SsrMode::Async/>
        <Route path=path!("/admin/outbox") view=crate::admin::pages::AdminOutboxPage ssr=SsrMode::Async/>
        <Route path=path!("/admin/audit") view=crate::admin::pages::AdminAuditPage ssr=SsrMode::Async/>
    }
    .into_inner()
    .into_any_nested_route()
}
