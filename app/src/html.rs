//! Text for the two places where the renderer writes what it is given as it is: the
//! `<title>` (leptos_meta's server renderer) and `<textarea>` content (tachys marks the
//! element as one whose children are not escaped, like `<script>`). Both are RCDATA in
//! HTML: the browser decodes entities there, so escaping once shows the text exactly, and
//! a `</title>` or `</textarea>` typed by someone can no longer end the element.

pub fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn closing_tags_become_text() {
        assert_eq!(
            super::escape_text("</textarea><b>&"),
            "&lt;/textarea&gt;&lt;b&gt;&amp;"
        );
        assert_eq!(super::escape_text("Plain, ünïcode"), "Plain, ünïcode");
    }
}
