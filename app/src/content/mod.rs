//! The content hub: articles, videos, white papers, e-books and infographics, each tagged
//! with the personas it serves and the funnel stage it fits.

pub mod api;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod repo;
pub mod staff;

/// The content hub, a piece, and the search over products and guides. (`app.rs` puts every feature's pages in the one route table.)
#[leptos::component(transparent)]
pub fn ContentPages() -> leptos_router::any_nested_route::AnyNestedRoute {
    use leptos::prelude::*;
    use leptos_router::any_nested_route::IntoAnyNestedRoute;
    use leptos_router::{components::Route, path, SsrMode};
    view! {
        <Route path=path!("/learn") view=crate::content::pages::LearnHubPage ssr=SsrMode::Async/>
        <Route path=path!("/search") view=crate::content::pages::SearchEverythingPage ssr=SsrMode::Async/>
        <Route path=path!("/learn/:slug") view=crate::content::pages::ContentPage ssr=SsrMode::Async/>
    }
    .into_inner()
    .into_any_nested_route()
}
