//! The journey's form posts: "I'm a …", save for later, and clearing "my research". Each
//! works without JavaScript and sends the visitor back where they were.

use super::model::EventKind;
use super::repo;
use crate::error::AppError;
use crate::forms::{read_form, see_other, show_error, PageContext};
use crate::request::Visitor;
use crate::security::safe_local_path;
use axum::extract::{Request, State};
use axum::http::request::Parts;
use axum::response::Response;

fn visitor_of(parts: &Parts) -> Option<Visitor> {
    crate::request::RequestContext::of(parts).visitor
}

fn user_of(parts: &Parts) -> Option<i64> {
    crate::request::RequestContext::of(parts).user.map(|u| u.id)
}

pub async fn post_persona(State(ctx): State<PageContext>, request: Request) -> Response {
    let (parts, fields) = match read_form(request).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    let back = safe_local_path(
        fields.get("back").map(String::as_str).unwrap_or(""),
        "/learn",
    );
    let result = async {
        let visitor = visitor_of(&parts).ok_or(AppError::bad_request(
            "Please enable cookies to choose who you are.",
        ))?;
        let slug = fields
            .get("persona")
            .map(|s| s.trim().to_string())
            .unwrap_or_default();
        if slug.is_empty() {
            repo::set_chosen_persona(&ctx.db, &visitor.id, None).await?;
            return Ok(());
        }
        let known = crate::cards::repo::list_personas(&ctx.db)
            .await?
            .into_iter()
            .any(|p| p.slug == slug);
        if !known {
            return Err(AppError::invalid(
                "persona",
                "Please pick one of the listed options.",
            ));
        }
        repo::set_chosen_persona(&ctx.db, &visitor.id, Some(&slug)).await?;
        if visitor.tracking_allowed {
            repo::insert_event(
                &ctx.db,
                &visitor.id,
                user_of(&parts),
                EventKind::PersonaChoice,
                &slug,
                "",
            )
            .await?;
        }
        Ok::<_, AppError>(())
    }
    .await;
    match result {
        Ok(()) => see_other(&back),
        Err(error) => show_error(&ctx, parts, "persona", fields, error).await,
    }
}

pub async fn post_save(State(ctx): State<PageContext>, request: Request) -> Response {
    let (parts, fields) = match read_form(request).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    let back = safe_local_path(
        fields.get("back").map(String::as_str).unwrap_or(""),
        "/my-research",
    );
    let result = async {
        let visitor = visitor_of(&parts).ok_or(AppError::bad_request(
            "Please enable cookies to save items.",
        ))?;
        let kind = fields.get("kind").map(String::as_str).unwrap_or("");
        let slug = fields.get("slug").map(String::as_str).unwrap_or("");
        if !matches!(kind, "product" | "content") || !crate::slug::is_valid_slug(slug) {
            return Err(AppError::bad_request("That can't be saved."));
        }
        repo::toggle_saved(&ctx.db, &visitor.id, kind, slug).await?;
        Ok::<_, AppError>(())
    }
    .await;
    match result {
        Ok(()) => see_other(&back),
        Err(error) => show_error(&ctx, parts, "save", fields, error).await,
    }
}

pub async fn post_clear(State(ctx): State<PageContext>, request: Request) -> Response {
    let (parts, fields) = match read_form(request).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    let result = async {
        let visitor = visitor_of(&parts).ok_or(AppError::NotFound)?;
        // Nothing still queued may outlive "clear it all".
        super::recorder::flush(&ctx.db).await;
        repo::clear_trail(&ctx.db, &visitor.id, user_of(&parts)).await?;
        Ok::<_, AppError>(())
    }
    .await;
    match result {
        Ok(()) => see_other("/my-research?cleared=1"),
        Err(error) => show_error(&ctx, parts, "clear", fields, error).await,
    }
}

/// A reading beacon may update a view this long after it was recorded.
const READING_WINDOW_SECONDS: i64 = 12 * 3600;

/// POST /journey/read, sent by the guide page's reading beacon (`navigator.sendBeacon`)
/// when the visitor leaves or hides the page: how far they read and for how long.
/// Answers 204 whether or not anything was stored (nothing is, for Do-Not-Track visitors);
/// nonsense gets a 400.
pub async fn post_reading(State(ctx): State<PageContext>, request: Request) -> Response {
    use axum::http::StatusCode;
    use axum::response::IntoResponse;
    let (parts, fields) = match read_form(request).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    let number = |name: &str| fields.get(name).and_then(|v| v.trim().parse::<i64>().ok());
    let slug = fields.get("slug").map(String::as_str).unwrap_or("");
    let (Some(depth), Some(seconds)) = (number("depth"), number("seconds")) else {
        return (StatusCode::BAD_REQUEST, "depth and seconds must be numbers").into_response();
    };
    if !crate::slug::is_valid_slug(slug)
        || !(0..=100).contains(&depth)
        || !(0..=super::model::MAX_READ_SECONDS).contains(&seconds)
    {
        return (
            StatusCode::BAD_REQUEST,
            "slug, depth (0-100) or seconds out of range",
        )
            .into_response();
    }
    if let Some(visitor) = visitor_of(&parts).filter(|v| v.tracking_allowed) {
        // The view this report is about may still be queued.
        super::recorder::flush(&ctx.db).await;
        if let Err(error) = repo::record_reading(
            &ctx.db,
            &visitor.id,
            slug,
            depth,
            seconds,
            READING_WINDOW_SECONDS,
        )
        .await
        {
            tracing::warn!(%error, "could not record reading progress");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    }
    StatusCode::NO_CONTENT.into_response()
}
