//! The staff side of orders: the orders desk (filters, an order's payments and timeline)
//! and its form post (mark shipped, full or partial refunds).

#[cfg(feature = "ssr")]
pub mod handlers;
pub mod pages;
pub mod returns;
pub mod shipping;
pub mod taxes;

/// The orders desk. (`app.rs` puts every feature's pages in the one route table.)
#[leptos::component(transparent)]
pub fn CheckoutStaffPages() -> leptos_router::any_nested_route::AnyNestedRoute {
    use leptos::prelude::*;
    use leptos_router::any_nested_route::IntoAnyNestedRoute;
    use leptos_router::{components::Route, path, SsrMode};
    view! {
        <Route path=path!("/admin/orders") view=crate::checkout::staff::pages::AdminOrdersPage ssr=SsrMode::Async/>
        <Route path=path!("/admin/orders/:id") view=crate::checkout::staff::pages::AdminOrderPage ssr=SsrMode::Async/>
        <Route path=path!("/admin/shipping") view=crate::checkout::staff::shipping::AdminShippingPage ssr=SsrMode::Async/>
        <Route path=path!("/admin/orders/:id/packing-slip") view=crate::checkout::staff::pages::AdminPackingSlipPage ssr=SsrMode::Async/>
        <Route path=path!("/admin/orders/:id/invoice") view=crate::checkout::tax::invoice::AdminInvoicePage ssr=SsrMode::Async/>
        <Route path=path!("/admin/taxes") view=crate::checkout::staff::taxes::AdminTaxesPage ssr=SsrMode::Async/>
    }
    .into_inner()
    .into_any_nested_route()
}
