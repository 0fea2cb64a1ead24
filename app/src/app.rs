//! The HTML shell and the one route table of the storefront.

use crate::accounts::pages::{
    AccountPage, LoginPage, PasswordResetPage, PasswordResetRequestPage, SignupPage,
};
use crate::admin::pages::{AdminAuditPage, AdminDashboardPage, AdminOutboxPage, AdminStaffPage};
use crate::catalog::pages::{CategoryPage, ComparePage, HomePage, ProductPage, ProductsPage};
use crate::catalog::staff::pages::{
    AdminCategoriesPage, AdminProductEditPage, AdminProductNewPage, AdminProductsPage,
};
use crate::content::pages::{ContentPage, LearnHubPage, SearchEverythingPage};
use crate::ui::NotFoundPage;
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, Link, Meta, MetaTags};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, SsrMode};

pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    crate::security::provide_request_nonce();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="theme-color" content="#2b1d14"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <HashedStylesheet options=options.clone() id="leptos"/>
                <HydrationScripts options islands=true/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let demo_payments =
        use_context::<crate::seo::SiteInfo>().is_some_and(|site| site.demo_payments);
    view! {
        <Meta name="color-scheme" content="light"/>
        {demo_payments.then(|| view! {
            <aside class="demo-banner" aria-label="Demo store notice">
                <p>
                    <strong>"Demo store: no real payments."</strong>
                    " Nothing you order here is charged or shipped."
                </p>
            </aside>
        })}
        <Link rel="alternate" href="/sitemap.xml" type_="application/xml"/>
        <Router>
            <Routes fallback=NotFoundPage>
                <Route path=path!("/") view=HomePage ssr=SsrMode::Async/>
                <Route path=path!("/products") view=ProductsPage ssr=SsrMode::Async/>
                <Route path=path!("/products/:slug") view=ProductPage ssr=SsrMode::Async/>
                <Route path=path!("/categories/:slug") view=CategoryPage ssr=SsrMode::Async/>
                <Route path=path!("/compare") view=ComparePage ssr=SsrMode::Async/>
                <Route path=path!("/learn") view=LearnHubPage ssr=SsrMode::Async/>
                <Route path=path!("/search") view=SearchEverythingPage ssr=SsrMode::Async/>
                <Route path=path!("/learn/:slug") view=ContentPage ssr=SsrMode::Async/>
                <Route path=path!("/my-research") view=crate::journey::pages::MyResearchPage ssr=SsrMode::Async/>
                <Route path=path!("/cart") view=crate::cart::pages::CartPage ssr=SsrMode::Async/>
                <Route path=path!("/pay/demo/:session") view=crate::checkout::pages::DemoPayPage ssr=SsrMode::Async/>
                <Route path=path!("/checkout/success") view=crate::checkout::pages::CheckoutSuccessPage ssr=SsrMode::Async/>
                <Route path=path!("/account/orders") view=crate::checkout::pages::OrdersPage ssr=SsrMode::Async/>
                <Route path=path!("/account/orders/:id") view=crate::checkout::pages::OrderPage ssr=SsrMode::Async/>
                <Route path=path!("/account/tickets") view=crate::tickets::pages::MyTicketsPage ssr=SsrMode::Async/>
                <Route path=path!("/help/ask") view=crate::tickets::pages::AskPage ssr=SsrMode::Async/>
                <Route path=path!("/tickets/:id") view=crate::tickets::pages::TicketPage ssr=SsrMode::Async/>
                <Route path=path!("/quotes/:id") view=crate::tickets::pages::QuotePage ssr=SsrMode::Async/>
                <Route path=path!("/signup") view=SignupPage/>
                <Route path=path!("/login") view=LoginPage/>
                <Route path=path!("/account") view=AccountPage/>
                <Route path=path!("/account/password-reset") view=PasswordResetRequestPage/>
                <Route path=path!("/account/password-reset/:token") view=PasswordResetPage/>
                <Route path=path!("/admin") view=AdminDashboardPage ssr=SsrMode::Async/>
                <Route path=path!("/admin/products") view=AdminProductsPage ssr=SsrMode::Async/>
                <Route path=path!("/admin/products/new") view=AdminProductNewPage ssr=SsrMode::Async/>
                <Route path=path!("/admin/products/:id") view=AdminProductEditPage ssr=SsrMode::Async/>
                <Route path=path!("/admin/categories") view=AdminCategoriesPage ssr=SsrMode::Async/>
                <Route path=path!("/admin/staff") view=AdminStaffPage ssr=SsrMode::Async/>
                <Route path=path!("/admin/content") view=crate::content::staff::pages::AdminContentPage ssr=SsrMode::Async/>
                <Route path=path!("/admin/content/new") view=crate::content::staff::pages::AdminContentNewPage ssr=SsrMode::Async/>
                <Route path=path!("/admin/content/:id") view=crate::content::staff::pages::AdminContentEditPage ssr=SsrMode::Async/>
                <Route path=path!("/admin/personas") view=crate::content::staff::pages::AdminPersonasPage ssr=SsrMode::Async/>
                <Route path=path!("/admin/orders") view=crate::checkout::staff::pages::AdminOrdersPage ssr=SsrMode::Async/>
                <Route path=path!("/admin/orders/:id") view=crate::checkout::staff::pages::AdminOrderPage ssr=SsrMode::Async/>
                <Route path=path!("/admin/tickets") view=crate::tickets::staff::pages::AdminTicketsPage ssr=SsrMode::Async/>
                <Route path=path!("/admin/tickets/:id") view=crate::tickets::staff::pages::AdminTicketPage ssr=SsrMode::Async/>
                <Route path=path!("/admin/outbox") view=AdminOutboxPage ssr=SsrMode::Async/>
                <Route path=path!("/admin/audit") view=AdminAuditPage ssr=SsrMode::Async/>
            </Routes>
        </Router>
    }
}
