//! Shared widgets: the page frame, product cards, prices, stock badges, error pages,
//! and the few interactive islands (search suggestions, compare tray).

pub mod build_assets;
pub mod compare_tray;
pub mod form;
mod islands;
pub mod scripts;
pub mod stylesheet;

pub use islands::{CompareToggle, CompareTray, SearchBox, Suggestion};
#[cfg(feature = "ssr")]
pub use islands::{ProductSuggester, Suggestions};

use crate::error::{set_page_status, AppError};
use crate::money::Money;
use crate::seo::PageMeta;
use compare_tray::current_tray;
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
    let help = (!here.starts_with("/help/")).then(|| ask_link(&here, None));
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
                    <CartLink/>
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

/// "Cart" in the header, with how many items it holds (counted once per page request by
/// `cart::count_cart_items`, so the header never waits on its own query).
#[component]
pub fn CartLink() -> impl IntoView {
    let items = crate::request::RequestContext::current().cart_items;
    view! {
        <a href="/cart" class="site-nav__cart">
            "Cart"
            {(items > 0).then(|| view! {
                <span class="cart-link__count" aria-label=format!("{items} items")>{items}</span>
            })}
        </a>
    }
}

/// The "Talk to a human" link's address from the page at `path` (and its product).
pub fn ask_link(path: &str, product: Option<&str>) -> String {
    let mut link = format!("/help/ask?from={}", crate::forms::url_encode(path));
    if let Some(slug) = product {
        link.push_str(&format!("&product={}", crate::forms::url_encode(slug)));
    }
    link
}
