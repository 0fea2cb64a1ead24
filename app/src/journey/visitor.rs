//! The first-party visitor id: a random cookie (`sf_visitor`, HttpOnly, SameSite=Lax, one
//! year) that keys the research trail, persona choice and saved items. No third party sees
//! it. `DNT: 1` or `Sec-GPC: 1` turn event recording off; the id still serves the
//! visitor's own choices (persona, saved items).

use crate::request::Visitor;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

pub const VISITOR_COOKIE: &str = "sf_visitor";
const ONE_YEAR: i64 = 365 * 24 * 3600;

/// Whether the cookie gets `Secure` (the public URL is https).
#[derive(Debug, Clone, Copy)]
pub struct VisitorCookieSettings {
    pub secure: bool,
}

fn visitor_id_from(headers: &HeaderMap) -> Option<String> {
    crate::request::cookies(headers)
        .find(|(name, _)| *name == VISITOR_COOKIE)
        .map(|(_, value)| value.to_string())
        .filter(|v| crate::token::is_id(v))
}

/// True when the browser asks not to be tracked.
pub fn tracking_refused(headers: &HeaderMap) -> bool {
    let says_one = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
            == Some("1")
    };
    says_one("dnt") || says_one("sec-gpc")
}

/// Paths that never need a visitor (assets, health checks).
fn is_asset(path: &str) -> bool {
    [
        "/pkg/",
        "/media/",
        "/healthz",
        "/favicon",
        "/robots.txt",
        "/sitemap.xml",
        "/feed.xml",
    ]
    .iter()
    .any(|prefix| path.starts_with(prefix))
}

pub async fn identify_visitor(
    State(settings): State<VisitorCookieSettings>,
    mut request: Request,
    next: Next,
) -> Response {
    if is_asset(request.uri().path()) {
        return next.run(request).await;
    }
    let existing = visitor_id_from(request.headers());
    let is_new = existing.is_none();
    let id = existing.unwrap_or_else(crate::token::new_id);
    let tracking_allowed = !tracking_refused(request.headers());
    crate::request::RequestContext::of_mut(request.extensions_mut()).visitor = Some(Visitor {
        id: id.clone(),
        tracking_allowed,
    });
    let mut response = next.run(request).await;
    if is_new {
        let secure = if settings.secure { "; Secure" } else { "" };
        let cookie = format!(
            "{VISITOR_COOKIE}={id}; Path=/; Max-Age={ONE_YEAR}; HttpOnly; SameSite=Lax{secure}"
        );
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dnt_and_gpc_refuse_tracking() {
        let mut headers = HeaderMap::new();
        assert!(!tracking_refused(&headers));
        headers.insert("dnt", HeaderValue::from_static("1"));
        assert!(tracking_refused(&headers));
        let mut headers = HeaderMap::new();
        headers.insert("sec-gpc", HeaderValue::from_static("1"));
        assert!(tracking_refused(&headers));
    }

    #[test]
    fn only_well_formed_ids_are_accepted() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("a=b; sf_visitor=0123456789abcdef0123456789abcdef"),
        );
        assert_eq!(
            visitor_id_from(&headers).as_deref(),
            Some("0123456789abcdef0123456789abcdef")
        );
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("sf_visitor=../../etc"),
        );
        assert_eq!(visitor_id_from(&headers), None);
    }
}
