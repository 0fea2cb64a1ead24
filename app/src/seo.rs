//! What search engines and link previews read: title, description, canonical URL,
//! Open Graph tags and JSON-LD. Every page renders these on the server.

use leptos::prelude::*;
use leptos_meta::{Link, Meta, Title};

/// Facts about the deployment that pages need, provided by the server.
#[derive(Debug, Clone)]
pub struct SiteInfo {
    /// Public base URL without a trailing slash, e.g. "https://shop.example.com".
    pub public_url: String,
    /// How long a checkout holds its items, for the cart's promise.
    pub checkout_hold_minutes: i64,
    /// The first-answer target for tickets (the inbox highlights those past it).
    pub first_response_minutes: i64,
    /// The demo provider takes the payments: every page says no real money moves.
    pub demo_payments: bool,
    /// Days after payment in which customers may ask to return items (0: no returns).
    pub return_window_days: i64,
}

pub const STORE_NAME: &str = "Storefront";

fn public_url() -> String {
    use_context::<SiteInfo>()
        .map(|s| s.public_url)
        .unwrap_or_else(|| "http://127.0.0.1:3000".into())
}

/// An absolute URL for a path on this site.
pub fn absolute_url(path: &str) -> String {
    format!("{}{}", public_url(), path)
}

#[component]
pub fn PageMeta(
    #[prop(into)] title: String,
    #[prop(into)] description: String,
    /// Path (and canonical query) of this page, e.g. "/products/kestrel-64".
    #[prop(into)]
    canonical: String,
    #[prop(optional, into)] image: Option<String>,
    #[prop(default = "website")] og_type: &'static str,
    #[prop(optional)] noindex: bool,
) -> impl IntoView {
    let full_title = if title == STORE_NAME {
        format!("{STORE_NAME} — coffee equipment, explained")
    } else {
        format!("{title} · {STORE_NAME}")
    };
    let url = absolute_url(&canonical);
    let image = image.map(|i| {
        if i.starts_with('/') {
            absolute_url(&i)
        } else {
            i
        }
    });
    view! {
        <Title text=title_text(&full_title)/>
        <Meta name="description" content=description.clone()/>
        <Link rel="canonical" href=url.clone()/>
        <Meta property="og:site_name" content=STORE_NAME/>
        <Meta property="og:type" content=og_type/>
        <Meta property="og:title" content=full_title/>
        <Meta property="og:description" content=description/>
        <Meta property="og:url" content=url/>
        {image.map(|i| view! { <Meta property="og:image" content=i/> })}
        {noindex.then(|| view! { <Meta name="robots" content="noindex"/> })}
    }
}

/// `<title>` text as leptos_meta needs it: its server renderer writes the title into the
/// head unescaped, so a search for `</title><meta …>` would become markup. Only SSR renders
/// titles here (pages are islands; nothing sets `document.title` in the browser).
pub fn title_text(text: &str) -> String {
    crate::html::escape_text(text)
}

/// A JSON-LD block. Every `<`, `>` and `&` is written as a JSON escape, so no value can
/// close the script element early (`</script>`) or open an HTML comment (`<!--`) in it.
#[component]
pub fn JsonLd(value: serde_json::Value) -> impl IntoView {
    let json = value
        .to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026");
    view! { <script type="application/ld+json" inner_html=json></script> }
}

/// BreadcrumbList JSON-LD from (name, path) pairs, root first.
pub fn breadcrumb_json_ld(items: &[(String, String)]) -> serde_json::Value {
    serde_json::json!({
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": items.iter().enumerate().map(|(i, (name, path))| serde_json::json!({
            "@type": "ListItem",
            "position": i + 1,
            "name": name,
            "item": absolute_url(path),
        })).collect::<Vec<_>>(),
    })
}
