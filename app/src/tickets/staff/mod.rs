//! The staff side of tickets: the inbox, the ticket page (conversation, research
//! timeline, replies, notes, assignment, outcome, quotes) and its form posts.

#[cfg(feature = "ssr")]
pub mod handlers;
pub mod pages;

/// The inbox and a ticket's staff page. (`app.rs` puts every feature's pages in the one route table.)
#[leptos::component(transparent)]
pub fn TicketStaffPages() -> leptos_router::any_nested_route::AnyNestedRoute {
    use leptos::prelude::*;
    use leptos_router::any_nested_route::IntoAnyNestedRoute;
    use leptos_router::{components::Route, path, SsrMode};
    view! {
        <Route path=path!("/admin/tickets") view=crate::tickets::staff::pages::AdminTicketsPage ssr=SsrMode::Async/>
        <Route path=path!("/admin/tickets/:id") view=crate::tickets::staff::pages::AdminTicketPage ssr=SsrMode::Async/>
    }
    .into_inner()
    .into_any_nested_route()
}
