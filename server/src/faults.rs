//! Answers that stay useful when something below us fails: 503 with `Retry-After` and a
//! "back in a moment" page while the database is away, and server-function errors with
//! the status their error means (a malformed argument is the caller's 400, not our 500).

use app::db::Db;
use app::error::AppError;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Seconds a client should wait before trying again after a 503.
const RETRY_AFTER_SECONDS: &str = "5";

/// The page shown while the database is away. Plain HTML on purpose: the store's own
/// frame needs the database (the cart count, the signed-in name) to render.
const BACK_IN_A_MOMENT: &str = r#"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="10"><title>Back in a moment · Storefront</title>
<style>body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#faf7f3;color:#1f1712;margin:0}
main{max-width:34rem;margin:15vh auto;padding:0 1.25rem}h1{font-family:ui-serif,Georgia,serif;font-size:2rem;margin:0 0 .75rem}
p{line-height:1.6;color:#4a3d34}a{color:#9a3f12}</style></head>
<body><main><h1>We'll be back in a moment</h1>
<p>The store can't reach its database right now, so nothing can be shown or saved. Nothing you did was lost: your cart and any order in progress are kept.</p>
<p>This page tries again by itself every few seconds, or <a href="">reload it</a>.</p></main></body></html>"#;

/// Paths that work without the database (health reports it; built assets are files).
fn needs_database(path: &str) -> bool {
    !(path == "/healthz"
        || path.starts_with("/pkg/")
        || path == "/favicon.svg"
        || path == "/robots.txt")
}

/// While the watchdog cannot reach the database, answer at once instead of letting every
/// request wait for the pool's timeout; every 503 tells clients when to come back.
pub async fn database_guard(State(db): State<Db>, request: Request, next: Next) -> Response {
    if !db.is_reachable() && needs_database(request.uri().path()) {
        return unavailable_page();
    }
    let mut response = next.run(request).await;
    if response.status() == StatusCode::SERVICE_UNAVAILABLE {
        response
            .headers_mut()
            .entry(header::RETRY_AFTER)
            .or_insert(HeaderValue::from_static(RETRY_AFTER_SECONDS));
    }
    response
}

pub fn unavailable_page() -> Response {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        [
            (header::RETRY_AFTER, RETRY_AFTER_SECONDS),
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        BACK_IN_A_MOMENT,
    )
        .into_response()
}

/// Server functions (`/api/…`) answer every error with 500 and the error as JSON; this
/// gives each the status it means. Errors the server-function layer made itself (the
/// arguments could not be decoded) come through as `Transport` with the decoder's words;
/// those are the caller's mistake and get a 400 with a plain message instead.
pub async fn server_fn_statuses(request: Request, next: Next) -> Response {
    if !request.uri().path().starts_with("/api/") {
        return next.run(request).await;
    }
    let response = next.run(request).await;
    if response.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "Something went wrong").into_response();
    };
    let error = match serde_json::from_slice::<AppError>(&bytes) {
        Ok(AppError::Transport(detail)) => {
            tracing::debug!(detail, "server function arguments refused");
            AppError::bad_request(
                "That request could not be read: a value is missing or malformed.",
            )
        }
        Ok(error) => error,
        // Not one of ours (a plain-text 500 from a layer below): pass it on.
        Err(_) => return Response::from_parts(parts, Body::from(bytes)),
    };
    parts.status =
        StatusCode::from_u16(error.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = serde_json::to_vec(&error).unwrap_or_default();
    parts
        .headers
        .insert(header::CONTENT_LENGTH, HeaderValue::from(body.len()));
    Response::from_parts(parts, Body::from(body))
}
