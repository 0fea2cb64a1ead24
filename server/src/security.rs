//! Site-wide protections: security headers with a per-request CSP nonce, and refusal of
//! state-changing requests that a browser sent from another origin (CSRF).

use app::security::CspNonce;
use axum::extract::ConnectInfo;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::net::SocketAddr;

pub use crate::config::TrustedProxies;

/// Settings the middleware needs, taken from the configuration once.
#[derive(Debug, Clone)]
pub struct SecuritySettings {
    /// HSTS only makes sense (and is only safe to send) when we are served over https.
    pub https: bool,
}

/// The origin browsers name for our own pages, from `STOREFRONT_PUBLIC_URL`: a proxy may
/// rewrite `Host`, but never the URL the customer typed.
#[derive(Debug, Clone)]
pub struct PublicOrigin {
    scheme: String,
    host: String,
    port: u16,
}

impl PublicOrigin {
    pub fn from_url(url: &str) -> Option<PublicOrigin> {
        let (scheme, rest) = url.split_once("://")?;
        let scheme = scheme.to_ascii_lowercase();
        let authority = rest.split(['/', '?', '#']).next()?;
        if authority.is_empty() || authority.contains('@') {
            return None;
        }
        let default_port = match scheme.as_str() {
            "http" => 80,
            "https" => 443,
            _ => return None,
        };
        let (host, port) = match authority.rsplit_once(':') {
            Some((host, port)) if !port.contains(']') => (host, port.parse().ok()?),
            _ => (authority, default_port),
        };
        Some(PublicOrigin {
            scheme,
            host: host.to_ascii_lowercase(),
            port,
        })
    }

    /// A host only this machine can reach (localhost, 127.0.0.0/8, ::1).
    pub fn is_loopback(&self) -> bool {
        let host = self.host.trim_start_matches('[').trim_end_matches(']');
        host == "localhost"
            || host
                .parse::<std::net::IpAddr>()
                .is_ok_and(|ip| ip.is_loopback())
    }

    /// Same scheme, host and port. On a store served from this machine only, any loopback
    /// name for it (localhost or 127.0.0.1) counts, so `cargo xtask run` works either way.
    fn accepts(&self, claimed: &str) -> bool {
        let Some(other) = PublicOrigin::from_url(claimed) else {
            return false; // "null" (sandboxed/opaque origins) or garbage
        };
        if other.scheme != self.scheme || other.port != self.port {
            return false;
        }
        other.host == self.host || (self.is_loopback() && other.is_loopback())
    }
}

/// `'sha256-…'` of the stylesheet every page inlines, once the server has read it.
static INLINE_STYLE: std::sync::OnceLock<String> = std::sync::OnceLock::new();

/// Lets pages carry the built stylesheet inline (see `app::ui::stylesheet`), by its hash:
/// no other inline style is allowed.
pub fn allow_inline_style(css: &str) {
    use base64::Engine;
    use sha2::Digest;
    let digest = sha2::Sha256::digest(css.as_bytes());
    let _ = INLINE_STYLE.set(format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(digest)
    ));
}

/// The one Content-Security-Policy; `inline_scripts` names the inline scripts allowed
/// (this response's nonce, or the hashes of a kept page's scripts).
pub fn content_security_policy(inline_scripts: &str) -> String {
    let inline_style = INLINE_STYLE.get().map_or("", String::as_str);
    format!(
        "default-src 'self'; script-src 'self' {inline_scripts} 'wasm-unsafe-eval'; \
         style-src 'self' {inline_style}; img-src 'self' data: https:; connect-src 'self'; font-src 'self'; \
         frame-src https://www.youtube-nocookie.com https://player.vimeo.com; \
         object-src 'none'; base-uri 'self'; form-action 'self' https://checkout.stripe.com; frame-ancestors 'none'"
    )
}

pub async fn security_headers(
    State(settings): State<SecuritySettings>,
    mut request: Request,
    next: Next,
) -> Response {
    let nonce = leptos::nonce::Nonce::new().to_string();
    request.extensions_mut().insert(CspNonce(nonce.clone()));
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let csp = content_security_policy(&format!("'nonce-{nonce}'"));
    // A kept page (see `page_cache`) brings its own policy: its scripts by their hashes.
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        if let Ok(value) = HeaderValue::from_str(&csp) {
            headers.insert(header::CONTENT_SECURITY_POLICY, value);
        }
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    );
    if settings.https {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=63072000; includeSubDomains"),
        );
    }
    response
}

/// Refuses POST/PUT/PATCH/DELETE whose `Origin` (or, without one, `Referer`) is not our
/// public origin. Browsers always send one of them on cross-site form posts and fetches;
/// requests with neither come from non-browser clients, which CSRF cannot abuse.
pub async fn reject_cross_origin_writes(
    State(origin): State<std::sync::Arc<PublicOrigin>>,
    request: Request,
    next: Next,
) -> Response {
    if matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) {
        return next.run(request).await;
    }
    let headers = request.headers();
    let claimed = headers
        .get(header::ORIGIN)
        .or_else(|| headers.get(header::REFERER))
        .and_then(|h| h.to_str().ok());
    match claimed {
        Some(claimed) if !origin.accepts(claimed) => {
            tracing::warn!(origin = claimed, "cross-origin write refused");
            (
                StatusCode::FORBIDDEN,
                "This request came from another website, so we refused it. Please try again from our own pages.",
            )
                .into_response()
        }
        _ => next.run(request).await,
    }
}

/// Records who is asking, for throttling: the socket peer, or the address the last
/// proxy the operator declared (`STOREFRONT_TRUST_PROXY`) saw.
pub async fn record_client_ip(
    State(proxies): State<std::sync::Arc<TrustedProxies>>,
    mut request: Request,
    next: Next,
) -> Response {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| info.0.ip());
    let forwarded: Vec<&str> = request
        .headers()
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    let ip = proxies
        .client_ip(peer, &forwarded)
        .map(|ip| ip.to_string())
        .unwrap_or_else(|| "unknown".into());
    app::request::RequestContext::of_mut(request.extensions_mut()).client_ip = ip;
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::PublicOrigin;

    #[test]
    fn same_origin_is_scheme_host_and_port_of_the_public_url() {
        let shop = PublicOrigin::from_url("https://shop.example").unwrap();
        assert!(shop.accepts("https://Shop.example/products?q=1"));
        assert!(shop.accepts("https://shop.example:443"));
        assert!(!shop.accepts("http://shop.example"), "scheme differs");
        assert!(!shop.accepts("https://shop.example:8443"));
        assert!(!shop.accepts("https://evil.example"));
        assert!(!shop.accepts("https://shop.example.evil.example"));
        assert!(!shop.accepts("https://shop.example@evil.example"));
        assert!(!shop.accepts("null"));
        let local = PublicOrigin::from_url("http://127.0.0.1:3000").unwrap();
        assert!(local.accepts("http://127.0.0.1:3000"));
        assert!(local.accepts("http://localhost:3000/cart"));
        assert!(!local.accepts("http://127.0.0.1:3001"));
        assert!(!local.accepts("http://evil.example:3000"));
    }
}
