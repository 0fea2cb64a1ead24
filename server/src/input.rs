//! The input boundary: control characters never reach handlers, SQL or pages. NUL and the
//! other control characters are taken out of query strings and form bodies once, here
//! (PostgreSQL refuses NUL in text, and no person types one); a path holding one is
//! refused, as no address of ours has one.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode, Uri};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// What a form field may keep: tabs and line breaks are text in a textarea.
fn unwanted_in_form(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r')
}

/// A form body without control characters (tabs and line breaks kept), or `None` when it
/// had none.
pub fn clean_form_body(body: &[u8]) -> Option<String> {
    cleaned_pairs(body, unwanted_in_form)
}

/// A query string without control characters, or `None` when it had none.
pub fn clean_query(query: &[u8]) -> Option<String> {
    cleaned_pairs(query, char::is_control)
}

/// Pairs with the unwanted characters removed, or `None` when there were none (the input
/// then passes byte for byte as it came).
fn cleaned_pairs(encoded: &[u8], unwanted: fn(char) -> bool) -> Option<String> {
    let clean = |text: &str| strip_encoded_controls(&text.replace(unwanted, ""));
    let mut dirty = false;
    let pairs: Vec<(String, String)> = form_urlencoded::parse(encoded)
        .map(|(key, value)| {
            let (k, v) = (clean(&key), clean(&value));
            dirty |= k != key || v != value;
            (k, v)
        })
        .collect();
    dirty.then(|| {
        form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish()
    })
}

/// Removes percent-escapes of control characters left in a value after decoding
/// (`%2500` decodes to the text `%00`). Leptos's router decodes query values a second
/// time, so without this a NUL could still reach a page's queries.
fn strip_encoded_controls(text: &str) -> String {
    let mut current = text.to_string();
    loop {
        let bytes = current.as_bytes();
        let mut out = String::with_capacity(current.len());
        let mut i = 0;
        while i < bytes.len() {
            let escape = bytes[i] == b'%'
                && i + 2 < bytes.len()
                && bytes[i + 1].is_ascii_hexdigit()
                && bytes[i + 2].is_ascii_hexdigit();
            if escape {
                let b = u8::from_str_radix(&current[i + 1..i + 3], 16).unwrap_or(b'x');
                if b < 0x20 || b == 0x7f {
                    i += 3;
                    continue;
                }
            }
            let c = current[i..].chars().next().expect("inside the string");
            out.push(c);
            i += c.len_utf8();
        }
        if out == current {
            return out;
        }
        current = out;
    }
}

/// True when the path, percent-decoded, holds a control character.
/// Decoded twice, as the router decodes path parameters again.
fn path_has_controls(path: &str) -> bool {
    let once = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
    once.chars().any(char::is_control) || strip_encoded_controls(&once) != once
}

pub async fn clean_input(request: Request, next: Next) -> Response {
    let (mut parts, body) = request.into_parts();
    if path_has_controls(parts.uri.path()) {
        return (
            StatusCode::BAD_REQUEST,
            "This address holds characters no link of ours has. Check the link and try again.",
        )
            .into_response();
    }
    if let Some(query) = parts.uri.query() {
        if let Some(clean) = clean_query(query.as_bytes()) {
            let path_and_query = if clean.is_empty() {
                parts.uri.path().to_string()
            } else {
                format!("{}?{clean}", parts.uri.path())
            };
            let mut uri = parts.uri.clone().into_parts();
            uri.path_and_query = path_and_query.parse().ok();
            if let Ok(uri) = Uri::from_parts(uri) {
                parts.uri = uri;
            }
        }
    }
    let is_form = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    let declared = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if !is_form || declared.is_some_and(|length| length > crate::startup::MAX_BODY_BYTES) {
        // Not ours to clean, or so large that the body limit refuses it without reading.
        return next.run(Request::from_parts(parts, body)).await;
    }
    let bytes = match axum::body::to_bytes(body, crate::startup::MAX_BODY_BYTES).await {
        Ok(bytes) => bytes,
        Err(_) => return (
            StatusCode::PAYLOAD_TOO_LARGE,
            "That form is far larger than anything we accept. Shorten the text and send it again.",
        )
            .into_response(),
    };
    let body = match clean_form_body(&bytes) {
        Some(clean) => {
            parts
                .headers
                .insert(header::CONTENT_LENGTH, HeaderValue::from(clean.len()));
            Body::from(clean)
        }
        None => Body::from(bytes),
    };
    next.run(Request::from_parts(parts, body)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_are_taken_out_and_clean_input_is_left_alone() {
        assert_eq!(
            cleaned_pairs(b"q=espresso+grinder&page=2", char::is_control),
            None
        );
        assert_eq!(
            cleaned_pairs(b"q=a%00b&x%01=1", char::is_control).as_deref(),
            Some("q=ab&x=1")
        );
        assert_eq!(
            cleaned_pairs(b"question=line+one%0D%0Aline%09two%00", unwanted_in_form).as_deref(),
            Some("question=line+one%0D%0Aline%09two")
        );
        assert_eq!(
            cleaned_pairs(b"q=%2500%2527x", char::is_control).as_deref(),
            Some("q=%2527x"),
            "a NUL escaped twice is taken out too"
        );
        assert_eq!(strip_encoded_controls("%%0000a"), "a");
        assert_eq!(strip_encoded_controls("100% sure, 50%"), "100% sure, 50%");
        assert_eq!(strip_encoded_controls("é%0"), "é%0");
        assert!(path_has_controls("/pay/demo/cs%00x"));
        assert!(path_has_controls("/account/orders/a%0Ab"));
        assert!(path_has_controls("/account/orders/%2500"));
        assert!(!path_has_controls("/products/kestrel-64"));
        assert!(!path_has_controls("/search/%E2%9C%93"));
    }
}
