//! The staff side of the catalog: its management pages, server functions, form posts,
//! SQL and form checks.

pub mod api;
#[cfg(feature = "ssr")]
pub mod handlers;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod repo;
pub mod variants;

/// Product and category management. (`app.rs` puts every feature's pages in the one route table.)
#[leptos::component(transparent)]
pub fn CatalogStaffPages() -> leptos_router::any_nested_route::AnyNestedRoute {
    use leptos::prelude::*;
    use leptos_router::any_nested_route::IntoAnyNestedRoute;
    use leptos_router::{components::Route, path, SsrMode};
    view! {
        <Route path=path!("/admin/products") view=crate::catalog::staff::pages::AdminProductsPage ssr=SsrMode::Async/>
        <Route path=path!("/admin/products/new") view=crate::catalog::staff::pages::AdminProductNewPage ssr=SsrMode::Async/>
        <Route path=path!("/admin/products/:id") view=crate::catalog::staff::pages::AdminProductEditPage ssr=SsrMode::Async/>
        <Route path=path!("/admin/categories") view=crate::catalog::staff::pages::AdminCategoriesPage ssr=SsrMode::Async/>
        <Route path=path!("/admin/search-words") view=crate::catalog::staff::pages::AdminSearchWordsPage ssr=SsrMode::Async/>
    }
    .into_inner()
    .into_any_nested_route()
}
