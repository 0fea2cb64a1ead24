//! Content management form posts: personas, and guides with their uploads. Guard →
//! validate → repo → audit entry → 303, or the form again.

use super::repo;
use crate::admin::audit;
use crate::admin::guard::require;
use crate::admin::media::{
    identify_document, identify_image, store_upload, UploadFolder, MAX_DOCUMENT_BYTES,
    MAX_IMAGE_BYTES,
};
use crate::admin::media::{read_upload_form, refuse, Fields, UploadForm};
use crate::db::now_unix;
use crate::error::AppError;
use crate::forms::{field, read_form, see_other, show_error, PageContext};
use crate::request::{Area, CurrentUser};
use crate::slug::slugify;
use axum::extract::{Request, State};
use axum::http::request::Parts;
use axum::response::Response;
use std::collections::HashMap;

/// Multipart content forms: a download (or infographic), a cover image and the text.
pub const CONTENT_UPLOAD_LIMIT: usize = MAX_DOCUMENT_BYTES + MAX_IMAGE_BYTES + 256 * 1024;

pub async fn post_personas(State(ctx): State<PageContext>, request: Request) -> Response {
    let (parts, fields) = match read_form(request).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    let form = format!("persona-{}", field(&fields, "id"));
    match change_persona(&ctx, &parts, &fields).await {
        Ok(done) => see_other(&format!("/admin/personas?saved={done}")),
        Err(error) => show_error(&ctx, parts, &form, fields, error).await,
    }
}

async fn change_persona(
    ctx: &PageContext,
    parts: &Parts,
    fields: &Fields,
) -> Result<&'static str, AppError> {
    let actor = require(&crate::request::RequestContext::of(parts), Area::Personas)?;
    let db = &ctx.db;
    let name = field(fields, "name").trim().to_string();
    let description = field(fields, "description").trim().to_string();
    let problems = field(fields, "problems").trim().to_string();
    let mut errors = Vec::new();
    if name.is_empty() || name.chars().count() > 60 {
        errors.push((
            "name".to_string(),
            "Give the persona a name of up to 60 characters.".to_string(),
        ));
    }
    if description.is_empty() || description.chars().count() > 160 {
        errors.push((
            "description".to_string(),
            "Describe them in one line (up to 160 characters).".to_string(),
        ));
    }
    if problems.chars().count() > 600 {
        errors.push((
            "problems".to_string(),
            "Keep the problems to 600 characters.".to_string(),
        ));
    }
    if !errors.is_empty() {
        return Err(AppError::Fields { errors });
    }
    match field(fields, "action").as_str() {
        "create" => {
            let slug = slugify(&name);
            let id = repo::insert_admin_persona(db, &slug, &name, &description, &problems)
                .await
                .map_err(|e| match e.as_database_error() {
                    Some(d) if d.is_unique_violation() => {
                        AppError::invalid("name", "A persona with this name already exists.")
                    }
                    _ => e.into(),
                })?;
            audit::record(db, &actor, "persona.create", "persona", id, &name).await?;
            Ok("created")
        }
        "update" => {
            let id = field(fields, "id")
                .parse::<i64>()
                .map_err(|_| AppError::NotFound)?;
            if !repo::update_persona(db, id, &name, &description, &problems).await? {
                return Err(AppError::NotFound);
            }
            audit::record(db, &actor, "persona.update", "persona", id, &name).await?;
            Ok("updated")
        }
        _ => Err(AppError::bad_request("Unknown persona action.")),
    }
}

/// The content form: multipart when it carries files (a download or infographic image, a
/// cover image), url-encoded otherwise. Uploaded files are checked and stored first and
/// their addresses put into the form, so a form shown again for another mistake keeps them.
pub async fn post_content(State(ctx): State<PageContext>, request: Request) -> Response {
    // "/admin/content/new" creates; "/admin/content/{id}" edits.
    let id = request
        .uri()
        .path()
        .rsplit('/')
        .next()
        .and_then(|last| last.parse::<i64>().ok());
    let (parts, body) = request.into_parts();
    let actor = match require(&crate::request::RequestContext::of(&parts), Area::Content) {
        Ok(actor) => actor,
        Err(error) => return refuse(&ctx, parts, error).await,
    };
    // Refuse a declared oversize body before reading any of it.
    if declared_length(&parts) > CONTENT_UPLOAD_LIMIT {
        let error = AppError::TooLarge {
            message: "That upload is too large: downloads can be up to 20 MB and images up to 5 MB. Compress the file, or host it elsewhere and enter its https:// address.".into(),
        };
        return show_error(&ctx, parts, "content", HashMap::new(), error).await;
    }
    let mut form = match read_content_form(&parts, body).await {
        Ok(form) => form,
        Err(error) => return show_error(&ctx, parts, "content", HashMap::new(), error).await,
    };
    match save_content(&ctx, &actor, id, &mut form).await {
        Ok(saved) => see_other(&format!("/admin/content/{saved}?saved=1")),
        Err(error) => {
            let values = content_form_values(&form.pairs);
            show_error(&ctx, parts, "content", values, error).await
        }
    }
}

fn declared_length(parts: &Parts) -> usize {
    parts
        .headers
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

async fn read_content_form(parts: &Parts, body: axum::body::Body) -> Result<UploadForm, AppError> {
    let is_multipart = parts
        .headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    if is_multipart {
        return read_upload_form(
            parts,
            body,
            &["media_file", "cover_file"],
            (
                "media_file",
                "That upload is too large: downloads can be up to 20 MB and images up to 5 MB.",
            ),
        )
        .await;
    }
    let bytes = axum::body::to_bytes(body, crate::forms::MAX_FORM_BYTES)
        .await
        .map_err(|_| AppError::bad_request("That form is too large."))?;
    let pairs = serde_urlencoded::from_bytes(&bytes)
        .map_err(|_| AppError::bad_request("That form could not be read; please try again."))?;
    Ok(UploadForm {
        pairs,
        files: HashMap::new(),
    })
}

/// The values to show the form again with; ticked boxes joined by commas.
fn content_form_values(pairs: &[(String, String)]) -> Fields {
    let mut values: Fields = pairs.iter().cloned().collect();
    for multi in ["persona_ids", "category_ids"] {
        let ticked: Vec<&str> = pairs
            .iter()
            .filter(|(k, _)| k == multi)
            .map(|(_, v)| v.as_str())
            .collect();
        values.insert(multi.into(), ticked.join(","));
    }
    values
}

/// Checks and stores the form's files, replacing the addresses they stand for.
async fn store_content_files(ctx: &PageContext, form: &mut UploadForm) -> Result<(), AppError> {
    use crate::content::model::Kind;
    let kind = form
        .pairs
        .iter()
        .rev()
        .find(|(k, _)| k == "kind")
        .and_then(|(_, v)| Kind::parse(v));
    let mut checked = Vec::new();
    if let Some(bytes) = form.files.get("cover_file") {
        checked.push(("cover_url", identify_image("cover_file", bytes)?, bytes));
    }
    if let Some(bytes) = form.files.get("media_file") {
        let file_kind = match kind {
            Some(Kind::Whitepaper | Kind::Ebook) => identify_document("media_file", bytes)?,
            Some(Kind::Infographic) => identify_image("media_file", bytes)?,
            _ => {
                return Err(AppError::invalid(
                    "media_file",
                    "Only white papers, e-books (a PDF or EPUB) and infographics (an image) take a file. Videos take a player address.",
                ))
            }
        };
        checked.push(("media_url", file_kind, bytes));
    }
    let mut stored = Vec::new();
    for (address_field, file_kind, bytes) in checked {
        let url = store_upload(&ctx.media_dir, UploadFolder::Content, bytes, file_kind).await?;
        stored.push((address_field, url));
    }
    for (address_field, url) in stored {
        form.pairs.retain(|(k, _)| k != address_field);
        form.pairs.push((address_field.to_string(), url));
    }
    form.files.clear();
    Ok(())
}

async fn save_content(
    ctx: &PageContext,
    actor: &CurrentUser,
    id: Option<i64>,
    form: &mut UploadForm,
) -> Result<i64, AppError> {
    if let Some(id) = id {
        if repo::find_content_draft(&ctx.db, id).await?.is_none() {
            return Err(AppError::NotFound);
        }
    }
    store_content_files(ctx, form).await?;
    let pairs = &form.pairs;
    let get = |name: &str| {
        pairs
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let all = |name: &str| {
        pairs
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    };
    let input = super::model::parse_content_form(get, all, now_unix())?;
    let saved =
        repo::save_content(&ctx.db, id, &input)
            .await?
            .map_err(|problem| match problem {
                repo::ContentWriteError::SlugTaken => {
                    AppError::invalid("slug", "Another piece already uses this slug.")
                }
                repo::ContentWriteError::NoSuchProduct(slug) => {
                    AppError::invalid("product_slugs", format!("There is no product \"{slug}\"."))
                }
                repo::ContentWriteError::NoSuchCategory => AppError::invalid(
                    "category_ids",
                    "One of those categories no longer exists; reload the page and choose again.",
                ),
            })?;
    let action = if id.is_some() {
        "content.update"
    } else {
        "content.create"
    };
    let state = if input.published {
        "published"
    } else {
        "draft"
    };
    audit::record(
        &ctx.db,
        actor,
        action,
        "content",
        saved,
        &format!("{} ({state})", input.title),
    )
    .await?;
    Ok(saved)
}
