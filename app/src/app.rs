//! The HTML shell and the one route table of the storefront, merged from the route lists
//! each feature declares next to its pages (`CatalogPages`, `TicketStaffPages`, …).

use crate::accounts::AccountPages;
use crate::admin::AdminShellPages;
use crate::analytics::AnalyticsPages;
use crate::cart::CartPages;
use crate::catalog::staff::CatalogStaffPages;
use crate::catalog::CatalogPages;
use crate::checkout::staff::CheckoutStaffPages;
use crate::checkout::CheckoutPages;
use crate::content::staff::ContentStaffPages;
use crate::content::ContentPages;
use crate::discounts::DiscountPages;
use crate::journey::JourneyPages;
use crate::tickets::staff::TicketStaffPages;
use crate::tickets::TicketPages;
use crate::ui::scripts::IslandScripts;
use crate::ui::stylesheet::PageStyle;
use crate::ui::NotFoundPage;
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Link, Meta, MetaTags};
use leptos_router::components::{Router, Routes};

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
                <PageStyle options=options.clone()/>
                <IslandScripts options/>
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
                <CatalogPages/>
                <CatalogStaffPages/>
                <ContentPages/>
                <ContentStaffPages/>
                <JourneyPages/>
                <CartPages/>
                <CheckoutPages/>
                <CheckoutStaffPages/>
                <DiscountPages/>
                <AnalyticsPages/>
                <TicketPages/>
                <TicketStaffPages/>
                <AccountPages/>
                <AdminShellPages/>
            </Routes>
        </Router>
    }
}
