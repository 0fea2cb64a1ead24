//! Markdown to HTML for product descriptions (and later content), always through the
//! sanitiser: what staff type can never run script in a customer's browser.

use pulldown_cmark::{html, Options, Parser};
use sha2::{Digest, Sha256};
use std::sync::{Arc, LazyLock};

/// Built once: a sanitiser's allow-lists are a few hundred set entries, too many to
/// rebuild on every page view.
static SANITISER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut builder = ammonia::Builder::default();
    builder.link_rel(Some("noopener noreferrer nofollow"));
    builder
});

/// Rendered texts by the SHA-256 of their source: a text renders the same on every server
/// and every time, so the cache needs no invalidation — a changed text is a new key. Sanitising
/// is the slow half of a product page's render; an unchanged description is now done once.
static RENDERED: LazyLock<quick_cache::sync::Cache<[u8; 32], Arc<str>>> =
    LazyLock::new(|| quick_cache::sync::Cache::new(2_048));

/// The source as safe HTML (cached by content).
pub fn render_markdown(source: &str) -> String {
    let key: [u8; 32] = Sha256::digest(source.as_bytes()).into();
    if let Some(html) = RENDERED.get(&key) {
        return html.to_string();
    }
    let html: Arc<str> = render_uncached(source).into();
    RENDERED.insert(key, html.clone());
    html.to_string()
}

fn render_uncached(source: &str) -> String {
    let parser = Parser::new_ext(
        source,
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH,
    );
    let mut unsafe_html = String::with_capacity(source.len() * 3 / 2);
    html::push_html(&mut unsafe_html, parser);
    SANITISER.clean(&unsafe_html).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_basic_markdown() {
        let html = render_markdown("**Bold** and a list:\n\n- one\n- two");
        assert!(html.contains("<strong>Bold</strong>"));
        assert!(html.contains("<li>one</li>"));
        // The second time comes from the cache, and is the same; another text is not.
        assert_eq!(
            render_markdown("**Bold** and a list:\n\n- one\n- two"),
            html
        );
        assert!(render_markdown("*Other*").contains("<em>Other</em>"));
    }

    #[test]
    fn strips_script_and_javascript_links() {
        let html = render_markdown(
            "[x](javascript:alert(1))\n\n<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n<a href=\"javascript:alert(2)\">y</a>",
        );
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("href=\"javascript"), "{html}");
        assert!(!html.contains("onerror"), "{html}");
    }
}
