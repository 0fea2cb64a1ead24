//! The stylesheet, inlined into every page's head. A separate file costs a phone a second
//! round trip before its first paint; the whole sheet compressed is a few kilobytes, and
//! kept pages are served compressed, so each page carries it instead. The server reads the
//! built file once at start-up; without a build (a test of the app alone) the page links
//! the file as before.

use leptos::config::LeptosOptions;
use leptos::prelude::*;
use leptos_meta::HashedStylesheet;
use std::sync::OnceLock;

static INLINE_CSS: OnceLock<String> = OnceLock::new();

/// Keeps the built stylesheet's text for every page (the first call wins).
pub fn inline_from_now_on(css: String) {
    let _ = INLINE_CSS.set(css);
}

/// The stylesheet every page inlines, once the server has read it.
pub fn inline_css() -> Option<&'static str> {
    INLINE_CSS.get().map(String::as_str)
}

/// `<style>` with the whole sheet, or a link to the file when it was not read.
#[component]
pub fn PageStyle(options: LeptosOptions) -> impl IntoView {
    match inline_css() {
        Some(css) => view! { <style id="leptos" inner_html=css></style> }.into_any(),
        None => view! { <HashedStylesheet options id="leptos"/> }.into_any(),
    }
}
