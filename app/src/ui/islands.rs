//! The interactive islands: the only parts of a page that ship WASM. Each one also works
//! as plain HTML (a GET form, a POST form) before or without hydration.

use super::compare_tray::MAX_COMPARE;
use crate::error::AppError;
use crate::money::Money;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use serde::{Deserialize, Serialize};

/// One search suggestion under the header's search box.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Suggestion {
    pub slug: String,
    pub name: String,
    pub price: Money,
}

/// Fired on `window` whenever the compare tray cookie changes, so every island that
/// shows tray state can refresh.
#[cfg(feature = "hydrate")]
const TRAY_CHANGED: &str = "sf-compare-changed";

#[cfg(feature = "hydrate")]
mod browser {
    use crate::ui::compare_tray::{format_tray, tray_from_cookies, TRAY_COOKIE};
    use leptos::wasm_bindgen::JsCast;

    fn html_document() -> Option<web_sys::HtmlDocument> {
        leptos::prelude::document()
            .dyn_into::<web_sys::HtmlDocument>()
            .ok()
    }

    pub fn read_tray() -> Vec<String> {
        let cookies = html_document()
            .and_then(|d| d.cookie().ok())
            .unwrap_or_default();
        tray_from_cookies(&cookies)
    }

    pub fn write_tray(tray: &[String]) {
        if let Some(doc) = html_document() {
            let _ = doc.set_cookie(&format!(
                "{TRAY_COOKIE}={}; Path=/; Max-Age=2592000; SameSite=Lax",
                format_tray(tray)
            ));
        }
    }

    pub fn announce(event: &str) {
        if let Ok(event) = web_sys::CustomEvent::new(event) {
            let _ = leptos::prelude::window().dispatch_event(&event);
        }
    }
}

/// "Compare (n)" in the header; follows the tray live once hydrated.
#[island]
pub fn CompareTray(initial: Vec<String>) -> impl IntoView {
    let tray = RwSignal::new(initial);
    #[cfg(feature = "hydrate")]
    {
        // Islands live as long as the page, so the listener is never removed.
        let _listener =
            window_event_listener_untyped(TRAY_CHANGED, move |_| tray.set(browser::read_tray()));
    }
    let count = move || tray.with(Vec::len);
    let href = move || {
        tray.with(|t| {
            if t.is_empty() {
                "/compare".to_string()
            } else {
                format!("/compare?products={}", t.join(","))
            }
        })
    };
    view! {
        <a
            href=href
            class="compare-tray"
            class=("compare-tray--active", move || count() > 0)
            data-testid="compare-tray"
            aria-live="polite"
        >
            <span>"Compare"</span>
            <span class="compare-tray__count">{count}</span>
        </a>
    }
}

/// Adds a product to (or removes it from) the compare tray. Without JavaScript the form
/// posts to /compare/tray, which sets the same cookie and comes back.
#[island]
pub fn CompareToggle(slug: String, name: String, selected: bool, back: String) -> impl IntoView {
    let selected = RwSignal::new(selected);
    #[cfg(feature = "hydrate")]
    {
        let slug = slug.clone();
        let _listener = window_event_listener_untyped(TRAY_CHANGED, move |_| {
            selected.set(browser::read_tray().contains(&slug))
        });
    }
    let on_click = {
        let slug = slug.clone();
        move |ev: leptos::ev::MouseEvent| {
            #[cfg(feature = "hydrate")]
            {
                ev.prevent_default();
                let tray = crate::ui::compare_tray::toggle_in_tray(&browser::read_tray(), &slug);
                browser::write_tray(&tray);
                selected.set(tray.contains(&slug));
                browser::announce(TRAY_CHANGED);
            }
            #[cfg(not(feature = "hydrate"))]
            let _ = (ev, &slug);
        }
    };
    let label = move || {
        if selected.get() {
            format!("Comparing {name}: remove from comparison")
        } else {
            format!("Compare {name} (up to {MAX_COMPARE})")
        }
    };
    view! {
        <form method="post" action="/compare/tray" class="compare-toggle">
            <input type="hidden" name="slug" value=slug.clone()/>
            <input type="hidden" name="back" value=back/>
            <button
                type="submit"
                class="btn btn--small compare-toggle__button"
                class:is-selected=move || selected.get()
                aria-pressed=move || selected.get().to_string()
                aria-label=label
                data-testid=format!("compare-{slug}")
                on:click=on_click
            >
                {move || if selected.get() { "✓ Comparing" } else { "+ Compare" }}
            </button>
        </form>
    }
}

/// How the header's search box finds suggestions: the catalogue's search, handed to the
/// server's context at startup (`catalog::api::SUGGEST_PRODUCTS`), so the shared widgets
/// never import a feature.
#[cfg(feature = "ssr")]
#[derive(Clone, Copy)]
pub struct ProductSuggester(pub fn(crate::db::Db, String) -> Suggestions);

/// What a [`ProductSuggester`] answers, later.
#[cfg(feature = "ssr")]
pub type Suggestions = futures::future::BoxFuture<'static, Result<Vec<Suggestion>, AppError>>;

/// Search-as-you-type. GET so browsers and proxies may cache it.
#[server(endpoint = "suggest", input = GetUrl)]
pub async fn suggest_products(q: String) -> Result<Vec<Suggestion>, AppError> {
    let db = crate::db::use_db()?;
    let suggest = use_context::<ProductSuggester>().ok_or(AppError::Internal)?;
    (suggest.0)(db, q).await
}

/// The search form with suggestions as you type. The form itself is a plain GET to
/// /products, so it works before hydration and without JavaScript.
#[island]
pub fn SearchBox(initial: String, input_id: String, action: String) -> impl IntoView {
    let suggestions = RwSignal::new(Vec::<Suggestion>::new());
    let generation = StoredValue::new(0_u64);
    let list_id = format!("{input_id}-suggestions");
    let on_input = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        // Every keystroke bumps the generation; only the newest request may show results.
        let current = generation.get_value() + 1;
        generation.set_value(current);
        if value.trim().chars().count() < 2 {
            suggestions.set(Vec::new());
            return;
        }
        set_timeout(
            move || {
                if generation.get_value() != current {
                    return;
                }
                leptos::task::spawn_local(async move {
                    let found = suggest_products(value).await.unwrap_or_default();
                    if generation.get_value() == current {
                        suggestions.set(found);
                    }
                });
            },
            std::time::Duration::from_millis(150),
        );
    };
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Escape" {
            suggestions.set(Vec::new());
        }
    };
    let open = move || !suggestions.with(Vec::is_empty);
    view! {
        <form role="search" action=action method="get" class="search">
            <label for=input_id.clone() class="visually-hidden">"Search the store"</label>
            <input
                id=input_id.clone()
                class="search__input"
                type="search"
                name="q"
                value=initial
                placeholder="Search products and guides…"
                autocomplete="off"
                maxlength="256"
                role="combobox"
                aria-autocomplete="list"
                aria-controls=list_id.clone()
                aria-expanded=move || open().to_string()
                on:input=on_input
                on:keydown=on_keydown
            />
            <button type="submit" class="search__submit">
                <span class="visually-hidden">"Search"</span>
                <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
                    <circle cx="11" cy="11" r="7" fill="none" stroke="currentColor" stroke-width="2.2"/>
                    <path d="M16.5 16.5L21 21" stroke="currentColor" stroke-width="2.2" stroke-linecap="round"/>
                </svg>
            </button>
            <ul id=list_id role="listbox" class="search__suggestions" hidden=move || !open()>
                <For each=move || suggestions.get() key=|s| s.slug.clone() let:s>
                    // The link is the option (a link inside an option would nest two
                    // interactive roles).
                    <li role="none">
                        <a role="option" aria-selected="false" href=format!("/products/{}", s.slug)>
                            <span>{s.name.clone()}</span>
                            <span class="search__suggestion-price">{s.price.format()}</span>
                        </a>
                    </li>
                </For>
            </ul>
        </form>
    }
}
