//! Markdown from staff: rendering never panics and never lets a script or an event
//! handler through the sanitiser.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let source = String::from_utf8_lossy(data);
    let html = app::markdown::render_markdown(&source).to_ascii_lowercase();
    assert!(!html.contains("<script"), "{html}");
    // The words may appear as text; they must never be a link or an attribute.
    assert!(!html.contains("=\"javascript:"), "{html}");
    assert!(!html.contains(" onerror="), "{html}");
});
