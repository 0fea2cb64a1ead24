//! The staff side of the content: its management pages, server functions, form posts,
//! SQL and form checks.

pub mod api;
#[cfg(feature = "ssr")]
pub mod handlers;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod repo;

/// The content editor and personas. (`app.rs` puts every feature's pages in the one route table.)
#[leptos::component(transparent)]
pub fn ContentStaffPages() -> leptos_router::any_nested_route::AnyNestedRoute {
    use leptos::prelude::*;
    use leptos_router::any_nested_route::IntoAnyNestedRoute;
    use leptos_router::{components::Route, path, SsrMode};
    view! {
        <Route path=path!("/admin/content") view=crate::content::staff::pages::AdminContentPage ssr=SsrMode::Async/>
        <Route path=path!("/admin/content/new") view=crate::content::staff::pages::AdminContentNewPage ssr=SsrMode::Async/>
        <Route path=path!("/admin/content/:id") view=crate::content::staff::pages::AdminContentEditPage ssr=SsrMode::Async/>
        <Route path=path!("/admin/personas") view=crate::content::staff::pages::AdminPersonasPage ssr=SsrMode::Async/>
    }
    .into_inner()
    .into_any_nested_route()
}
