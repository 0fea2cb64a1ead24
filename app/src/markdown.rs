//! Markdown to HTML for product descriptions (and later content), always through the
//! sanitiser: what staff type can never run script in a customer's browser.

use pulldown_cmark::{html, Options, Parser};

pub fn render_markdown(source: &str) -> String {
    let parser = Parser::new_ext(source, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH);
    let mut unsafe_html = String::with_capacity(source.len() * 3 / 2);
    html::push_html(&mut unsafe_html, parser);
    ammonia::Builder::default()
        .link_rel(Some("noopener noreferrer nofollow"))
        .clean(&unsafe_html)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_basic_markdown() {
        let html = render_markdown("**Bold** and a list:\n\n- one\n- two");
        assert!(html.contains("<strong>Bold</strong>"));
        assert!(html.contains("<li>one</li>"));
    }

    #[test]
    fn strips_script_and_javascript_links() {
        let html = render_markdown("<script>alert(1)</script>[x](javascript:alert(1)) <img src=x onerror=alert(1)>");
        assert!(!html.contains("<script"));
        assert!(!html.contains("javascript:"));
        assert!(!html.contains("onerror"));
    }
}
