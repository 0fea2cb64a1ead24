//! Shared widgets: the page frame, product cards, prices, stock badges, error pages,
//! and the few interactive islands (search suggestions, compare tray).

pub mod form;
mod islands;

pub use islands::{CompareToggle, CompareTray, SearchBox};

use crate::cart::pages::AddToCart;
use crate::catalog::compare::current_tray;
use crate::catalog::model::{stock_state, CategoryRef, ProductCard, StockState};
use crate::error::{set_page_status, AppError};
use crate::money::Money;
use crate::seo::PageMeta;
use leptos::prelude::*;

/// The frame of every storefront page: skip link, header with search and compare tray,
/// main landmark, footer.
#[component]
pub fn Layout(children: Children, #[prop(optional, into)] search: String) -> impl IntoView {
    let tray = current_tray();
    let here = leptos_router::hooks::use_location()
        .pathname
        .get_untracked();
    // Asking from the question form itself starts from wherever the customer was.
    let help = (!here.starts_with("/help/")).then(|| crate::tickets::pages::ask_link(&here, None));
    let help = help.unwrap_or_else(|| "/help/ask".to_string());
    view! {
        <a class="skip-link" href="#main">"Skip to content"</a>
        <header class="site-header">
            <div class="container site-header__inner">
                <a href="/" class="brand" aria-label="Storefront, home">
                    <svg class="brand__mark" viewBox="0 0 32 32" aria-hidden="true">
                        <path d="M6 12h17v7a8 8 0 0 1-8 8h-1a8 8 0 0 1-8-8z" fill="currentColor"/>
                        <path d="M23 14h2a3 3 0 0 1 0 6h-2" fill="none" stroke="currentColor" stroke-width="2.5"/>
                        <path d="M11 4c-1 2 1 3 0 5M15 4c-1 2 1 3 0 5M19 4c-1 2 1 3 0 5" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round"/>
                    </svg>
                    <span class="brand__name">"Storefront"</span>
                </a>
                <a href=help class="help-link">"Talk to a human"</a>
                <SearchBox initial=search input_id="site-search".to_string() action="/search".to_string()/>
                <nav class="site-nav" aria-label="Main">
                    <a href="/products">"Shop all"</a>
                    <a href="/learn">"Learn"</a>
                    <a href="/categories/espresso">"Espresso"</a>
                    <a href="/categories/grinders">"Grinders"</a>
                    <CompareTray initial=tray/>
                    <crate::cart::pages::CartLink/>
                    <AccountLink/>
                </nav>
            </div>
        </header>
        <main id="main" class="site-main">{children()}</main>
        <footer class="site-footer">
            <div class="container site-footer__inner">
                <div>
                    <p class="site-footer__brand">"Storefront"</p>
                    <p>"Honest specs, side-by-side comparisons and real people when you want one."</p>
                </div>
                <nav aria-label="Footer">
                    <ul>
                        <li><a href="/products">"All products"</a></li>
                        <li><a href="/learn">"Guides"</a></li>
                        <li><a href="/my-research">"My research"</a></li>
                        <li><a href="/feed.xml">"Guides feed (Atom)"</a></li>
                        <li><a href="/compare">"Compare"</a></li>
                        <li><a href="/sitemap.xml">"Sitemap"</a></li>
                    </ul>
                </nav>
            </div>
        </footer>
    }
}

/// One parameter of the route's path, like `:id` ("" when absent).
pub fn path_param(name: &str) -> String {
    leptos_router::hooks::use_params_map()
        .get_untracked()
        .get(name)
        .unwrap_or_default()
}

/// One query parameter of the page's URL ("" when absent).
pub fn query_param(name: &str) -> String {
    leptos_router::hooks::use_query_map()
        .get_untracked()
        .get(name)
        .unwrap_or_default()
}

/// "Sign in" for visitors; the person's name (and the admin panel for staff) once signed in.
#[component]
fn AccountLink() -> impl IntoView {
    match crate::request::RequestContext::current().user {
        Some(user) => view! {
            {user.is_staff().then(|| view! { <a href="/admin">"Admin"</a> })}
            <a href="/account" class="site-nav__account">{user.display_name()}</a>
        }
        .into_any(),
        None => view! { <a href="/login" class="site-nav__account">"Sign in"</a> }.into_any(),
    }
}

#[component]
pub fn Price(price: Money, compare_at: Option<Money>) -> impl IntoView {
    let on_sale = compare_at.is_some();
    view! {
        <p class="price" class=("price--sale", on_sale)>
            <span class="price__now">
                {on_sale.then(|| view! { <span class="visually-hidden">"Sale price "</span> })}
                {price.format()}
            </span>
            {compare_at.map(|was| view! {
                <s class="price__was"><span class="visually-hidden">"Was "</span>{was.format()}</s>
            })}
        </p>
    }
}

#[component]
pub fn StockBadge(stock: i64) -> impl IntoView {
    let (class, text) = match stock_state(stock) {
        StockState::InStock => ("stock stock--in", "In stock".to_string()),
        StockState::LowStock => ("stock stock--low", format!("Only {stock} left")),
        StockState::OutOfStock => ("stock stock--out", "Out of stock".to_string()),
    };
    view! { <span class=class>{text}</span> }
}

#[component]
pub fn ProductCardView(card: ProductCard, in_tray: bool, back: String) -> impl IntoView {
    let href = format!("/products/{}", card.slug);
    view! {
        <article class="card">
            <a href=href.clone() class="card__media" tabindex="-1" aria-hidden="true">
                <img src=card.image_url.clone() alt="" width="400" height="300" loading="lazy" decoding="async"/>
            </a>
            <div class="card__body">
                <p class="card__category">{card.category_name.clone()}</p>
                <h3 class="card__title"><a href=href>{card.name.clone()}</a></h3>
                <p class="card__summary">{card.summary.clone()}</p>
                <div class="card__meta">
                    <Price price=card.price compare_at=card.compare_at/>
                    <StockBadge stock=card.stock/>
                </div>
                <div class="card__actions">
                    <AddToCart slug=card.slug.clone() stock=card.stock back=back.clone() compact=true name=card.name.clone()/>
                    <CompareToggle slug=card.slug.clone() name=card.name.clone() selected=in_tray back=back/>
                </div>
            </div>
        </article>
    }
}

#[component]
pub fn ProductGrid(
    products: Vec<ProductCard>,
    back: String,
    #[prop(optional)] three_columns: bool,
) -> impl IntoView {
    let tray = current_tray();
    view! {
        <div class="grid" class=("grid--three", three_columns)>
            {products
                .into_iter()
                .map(|card| {
                    let in_tray = tray.contains(&card.slug);
                    view! { <ProductCardView card in_tray back=back.clone()/> }
                })
                .collect_view()}
        </div>
    }
}

#[component]
pub fn Breadcrumbs(
    trail: Vec<CategoryRef>,
    #[prop(optional, into)] current: Option<String>,
) -> impl IntoView {
    view! {
        <nav class="breadcrumbs" aria-label="Breadcrumb">
            <ol>
                <li><a href="/">"Home"</a></li>
                <li><a href="/products">"Products"</a></li>
                {trail
                    .into_iter()
                    .map(|c| view! { <li><a href=format!("/categories/{}", c.slug)>{c.name}</a></li> })
                    .collect_view()}
                {current.map(|name| view! { <li aria-current="page">{name}</li> })}
            </ol>
        </nav>
    }
}

/// Notes about input we corrected ("Pages start at 1…").
#[component]
pub fn Notices(notices: Vec<String>) -> impl IntoView {
    (!notices.is_empty()).then(|| {
        view! {
            <div class="notice" role="status">
                <ul>{notices.into_iter().map(|n| view! { <li>{n}</li> }).collect_view()}</ul>
            </div>
        }
    })
}

/// A full error page with the right HTTP status and a way forward.
#[component]
pub fn ErrorPage(error: AppError) -> impl IntoView {
    set_page_status(error.status_code());
    if let AppError::Moved { to } = &error {
        crate::error::set_page_location(to);
        let to = to.clone();
        return view! {
            <section class="error-page">
                <h1>"This page has moved"</h1>
                <p class="lead"><a href=to.clone()>{format!("It is now at {to}")}</a></p>
            </section>
        }
        .into_any();
    }
    let title = error.title();
    let message = error.to_string();
    view! {
        <PageMeta title=title description=message.clone() canonical="/" noindex=true/>
        <section class="error-page">
            <p class="error-page__code">{error.status_code()}</p>
            <h1>{title}</h1>
            <p class="lead">{message}</p>
            <div class="error-page__actions">
                <a class="btn btn--primary" href="/products">"Browse all products"</a>
                <a class="btn btn--ghost" href="/">"Go to the home page"</a>
            </div>
            <form class="error-page__search" action="/products" method="get" role="search">
                <label for="error-search">"Or search the store"</label>
                <div class="inline-field">
                    <input id="error-search" type="search" name="q" maxlength="256"/>
                    <button class="btn btn--primary" type="submit">"Search"</button>
                </div>
            </form>
        </section>
    }
    .into_any()
}

#[component]
pub fn NotFoundPage() -> impl IntoView {
    view! {
        <Layout>
            <ErrorPage error=AppError::NotFound/>
        </Layout>
    }
}
