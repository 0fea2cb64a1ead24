//! The research catalogue: categories, products, specifications, search with facets,
//! and side-by-side comparison.

pub mod api;
pub mod compare;
#[cfg(feature = "ssr")]
pub mod engine;
pub mod islands;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod repo;
#[cfg(feature = "ssr")]
pub mod search;
pub mod staff;
pub mod variants;

/// The catalogue's pages: home, products, a product, a category, compare. (`app.rs` puts every feature's pages in the one route table.)
#[leptos::component(transparent)]
pub fn CatalogPages() -> leptos_router::any_nested_route::AnyNestedRoute {
    use leptos::prelude::*;
    use leptos_router::any_nested_route::IntoAnyNestedRoute;
    use leptos_router::{components::Route, path, SsrMode};
    view! {
        <Route path=path!("/") view=crate::catalog::pages::HomePage ssr=SsrMode::Async/>
        <Route path=path!("/products") view=crate::catalog::pages::ProductsPage ssr=SsrMode::Async/>
        <Route path=path!("/products/:slug") view=crate::catalog::pages::ProductPage ssr=SsrMode::Async/>
        <Route path=path!("/categories/:slug") view=crate::catalog::pages::CategoryPage ssr=SsrMode::Async/>
        <Route path=path!("/compare") view=crate::catalog::pages::ComparePage ssr=SsrMode::Async/>
    }
    .into_inner()
    .into_any_nested_route()
}
