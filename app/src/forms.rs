//! HTML forms that work without JavaScript: pages render plain `<form method="post">`s,
//! axum handlers validate them and either redirect (303) or render the same page again
//! with what the person typed and a message next to each field (422).

use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Every text form is read up to this many bytes, far above the largest valid one: a
/// 4,000-character message in any script is at most 16,000 UTF-8 bytes and 48,000 once
/// form-encoded. Fields check their own lengths in characters, so text that is too long
/// comes back in the form with a message instead of being lost to a bare 413.
pub const MAX_FORM_BYTES: usize = 256 * 1024;

/// What a handler hands back to the page it re-renders.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct FormFeedback {
    /// Which form on the page the feedback is for (a page can have several).
    pub form: String,
    pub values: HashMap<String, String>,
    /// (field, message); field "" is a message for the whole form.
    pub errors: Vec<(String, String)>,
}

impl FormFeedback {
    pub fn new(form: &str, values: HashMap<String, String>) -> Self {
        FormFeedback {
            form: form.to_string(),
            values,
            errors: Vec::new(),
        }
    }

    pub fn value(&self, name: &str) -> String {
        self.values.get(name).cloned().unwrap_or_default()
    }

    pub fn error(&self, field: &str) -> Option<String> {
        self.errors
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.clone())
    }

    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty()
    }
}

/// The feedback for `form` if this render is the re-shown form after a failed submit.
pub fn feedback_for(form: &str) -> Option<FormFeedback> {
    leptos::prelude::use_context::<FormFeedback>().filter(|f| f.form == form)
}

/// What a field shows: the typed value after a failed submit, else `fallback`.
pub fn typed_or(
    feedback: &Option<FormFeedback>,
    name: &str,
    fallback: impl Into<String>,
) -> String {
    match feedback {
        Some(f) if f.values.contains_key(name) => f.value(name),
        _ => fallback.into(),
    }
}

/// Percent-encodes a query component (RFC 3986 unreserved characters pass through).
pub fn url_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(feature = "ssr")]
pub use server::*;

#[cfg(feature = "ssr")]
mod server {
    use super::FormFeedback;
    use crate::db::Db;
    use crate::error::AppError;
    use crate::seo::SiteInfo;
    use axum::body::Body;
    use axum::extract::{FromRef, Request};
    use axum::http::{header, request::Parts, Method, StatusCode};
    use axum::response::{IntoResponse, Response};
    use leptos::config::LeptosOptions;
    use leptos::prelude::provide_context;
    use std::collections::HashMap;

    /// What a form handler needs to render a page again.
    #[derive(Clone)]
    pub struct PageContext {
        pub db: Db,
        pub site: SiteInfo,
        pub options: LeptosOptions,
        /// Where uploaded images live (`STOREFRONT_MEDIA_DIR`).
        pub media_dir: std::path::PathBuf,
        /// How long a checkout holds its items (`STOREFRONT_CHECKOUT_HOLD_MINUTES`).
        pub checkout_hold_seconds: i64,
    }

    impl FromRef<PageContext> for Db {
        fn from_ref(ctx: &PageContext) -> Db {
            ctx.db.clone()
        }
    }

    /// One field of a form read by `read_form` ("" when absent).
    pub fn field(fields: &HashMap<String, String>, name: &str) -> String {
        fields.get(name).cloned().unwrap_or_default()
    }

    /// A form body, field by field (the last value wins when a name repeats).
    pub async fn read_form(request: Request) -> Result<(Parts, HashMap<String, String>), Response> {
        let (parts, pairs) = read_form_pairs(request).await?;
        Ok((parts, pairs.into_iter().collect()))
    }

    /// A form body as its pairs in order, repeated names kept (checkbox groups).
    pub async fn read_form_pairs(
        request: Request,
    ) -> Result<(Parts, Vec<(String, String)>), Response> {
        let (parts, body) = request.into_parts();
        let bytes = axum::body::to_bytes(body, super::MAX_FORM_BYTES)
            .await
            .map_err(|_| {
                (
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "That form is far larger than anything we accept (256 KB). Shorten the text and send it again.",
                )
                    .into_response()
            })?;
        let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&bytes).map_err(|_| {
            (
                StatusCode::BAD_REQUEST,
                "That form could not be read; please try again.",
            )
                .into_response()
        })?;
        Ok((parts, pairs))
    }

    /// Renders the page at the request's path again (as a GET) with `feedback` in context,
    /// answering with `status`.
    pub async fn rerender(
        ctx: &PageContext,
        mut parts: Parts,
        feedback: FormFeedback,
        status: StatusCode,
    ) -> Response {
        parts.method = Method::GET;
        parts.headers.remove(header::CONTENT_TYPE);
        parts.headers.remove(header::CONTENT_LENGTH);
        let request = Request::from_parts(parts, Body::empty());
        let (db, site, options) = (ctx.db.clone(), ctx.site.clone(), ctx.options.clone());
        let handler = leptos_axum::render_app_async_with_context(
            move || {
                provide_context(db.clone());
                provide_context(site.clone());
                provide_context(feedback.clone());
            },
            move || crate::shell(options.clone()),
        );
        let mut response = handler(request).await;
        *response.status_mut() = status;
        response
    }

    /// The usual outcome of a handler's validation error: the form again, with the message
    /// next to the field, and a status that fits the error (422, 409, 429 …).
    pub async fn show_error(
        ctx: &PageContext,
        parts: Parts,
        form: &str,
        values: HashMap<String, String>,
        error: AppError,
    ) -> Response {
        show_error_on(ctx, parts, None, form, values, error).await
    }

    /// `show_error` for a form that posts somewhere else than the page it sits on:
    /// `page` is the path to render again.
    pub async fn show_error_on(
        ctx: &PageContext,
        mut parts: Parts,
        page: Option<&str>,
        form: &str,
        mut values: HashMap<String, String>,
        error: AppError,
    ) -> Response {
        if let Some(page) = page {
            if let Ok(uri) = page.parse() {
                parts.uri = uri;
            }
        }
        // Never echo a password back into the page.
        values.retain(|name, _| !name.contains("password"));
        let status = StatusCode::from_u16(error.status_code()).unwrap_or(StatusCode::BAD_REQUEST);
        let mut feedback = FormFeedback::new(form, values);
        match error {
            AppError::Validation { field, message } => feedback.errors.push((field, message)),
            AppError::Fields { errors } => {
                // A summary on top, then each message next to its field.
                let summary = AppError::Fields {
                    errors: errors.clone(),
                }
                .to_string();
                feedback.errors.push((String::new(), summary));
                feedback.errors.extend(errors);
            }
            other => feedback.errors.push((String::new(), other.to_string())),
        }
        rerender(ctx, parts, feedback, status).await
    }

    /// 303 to `location`, the answer to a successful form post.
    pub fn see_other(location: &str) -> Response {
        (
            StatusCode::SEE_OTHER,
            [(header::LOCATION, location.to_string())],
        )
            .into_response()
    }
}
