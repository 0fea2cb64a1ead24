//! What pages need from the server's security middleware: the per-request nonce that
//! lets exactly our own inline hydration script run under the Content-Security-Policy.

/// A random nonce created per request by the server's middleware; the same value goes
/// into the CSP header and onto the hydration `<script>`.
#[derive(Debug, Clone)]
pub struct CspNonce(pub String);

/// Makes the request's nonce available to Leptos, which puts it on its inline script.
pub fn provide_request_nonce() {
    use leptos::prelude::{provide_context, use_context};
    let Some(parts) = use_context::<http::request::Parts>() else {
        return;
    };
    if let Some(nonce) = parts.extensions.get::<CspNonce>() {
        provide_context(leptos::nonce::Nonce::from_value(nonce.0.clone()));
    }
}

/// A same-site path to send someone back to after a form; anything else becomes
/// `fallback`, so no form can be turned into an open redirect.
pub fn safe_local_path(candidate: &str, fallback: &str) -> String {
    let ok = candidate.starts_with('/')
        && !candidate.starts_with("//")
        && !candidate.contains('\\')
        && !candidate.chars().any(char::is_control)
        && candidate.len() < 2048;
    if ok {
        candidate.to_string()
    } else {
        fallback.to_string()
    }
}
