//! Site-wide protections: security headers with a per-request CSP nonce, and refusal of
//! state-changing requests that a browser sent from another origin (CSRF).

use app::security::{ClientIp, CspNonce};
use axum::extract::ConnectInfo;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::net::SocketAddr;

/// Settings the middleware needs, taken from the configuration once.
#[derive(Debug, Clone)]
pub struct SecuritySettings {
    /// HSTS only makes sense (and is only safe to send) when we are served over https.
    pub https: bool,
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
    let csp = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data: https:; connect-src 'self'; font-src 'self'; \
         frame-src https://www.youtube-nocookie.com https://player.vimeo.com; \
         object-src 'none'; base-uri 'self'; form-action 'self' https://checkout.stripe.com; frame-ancestors 'none'"
    );
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

/// Refuses POST/PUT/PATCH/DELETE whose `Origin` (or, without one, `Referer`) names
/// another site. Browsers always send one of them on cross-site form posts and fetches;
/// requests with neither come from non-browser clients, which CSRF cannot abuse.
pub async fn reject_cross_origin_writes(request: Request, next: Next) -> Response {
    if matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) {
        return next.run(request).await;
    }
    let headers = request.headers();
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    let claimed = headers
        .get(header::ORIGIN)
        .or_else(|| headers.get(header::REFERER))
        .and_then(|h| h.to_str().ok());
    match claimed {
        Some(origin) if !is_same_origin(origin, host) => {
            tracing::warn!(origin, host, "cross-origin write refused");
            (
                StatusCode::FORBIDDEN,
                "This request came from another website, so we refused it. Please try again from our own pages.",
            )
                .into_response()
        }
        _ => next.run(request).await,
    }
}

/// True when `origin` ("https://shop.example:8443" or a full Referer URL) has the
/// authority of `host` (the request's Host header).
fn is_same_origin(origin: &str, host: &str) -> bool {
    let Some(rest) = origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"))
    else {
        return false; // "null" (sandboxed/opaque origins) or garbage
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    !host.is_empty() && authority.eq_ignore_ascii_case(host)
}

/// Records who is asking, for throttling: the socket peer, or, when the operator says a
/// proxy is in front (`STOREFRONT_TRUST_PROXY=1`), the first `X-Forwarded-For` hop.
pub async fn record_client_ip(
    State(trust_proxy): State<bool>,
    mut request: Request,
    next: Next,
) -> Response {
    let forwarded = trust_proxy
        .then(|| {
            request
                .headers()
                .get("x-forwarded-for")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.split(',').next())
                .map(|ip| ip.trim().to_string())
                .filter(|ip| ip.parse::<std::net::IpAddr>().is_ok())
        })
        .flatten();
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| info.0.ip().to_string());
    let ip = forwarded.or(peer).unwrap_or_else(|| "unknown".into());
    request.extensions_mut().insert(ClientIp(ip));
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::is_same_origin;

    #[test]
    fn same_origin_is_the_same_authority() {
        assert!(is_same_origin("http://127.0.0.1:3000", "127.0.0.1:3000"));
        assert!(is_same_origin(
            "https://Shop.example/products?q=1",
            "shop.example"
        ));
        assert!(!is_same_origin("https://evil.example", "shop.example"));
        assert!(!is_same_origin(
            "https://shop.example.evil.example",
            "shop.example"
        ));
        assert!(!is_same_origin("null", "shop.example"));
        assert!(!is_same_origin("http://127.0.0.1:3001", "127.0.0.1:3000"));
    }
}
