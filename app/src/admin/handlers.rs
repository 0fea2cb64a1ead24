//! The admin panel's POST handlers. Each one: guard (role, on the server) → validate →
//! repo → audit entry → 303 back, or the same page again with the message (4xx).

use super::audit;
use super::guard::require_in;
use super::media::{
    identify_document, identify_image, store_upload, FileKind, UploadFolder, MAX_DOCUMENT_BYTES,
    MAX_IMAGE_BYTES,
};
use super::model::{parse_product_form, PRODUCT_STATUSES};
use super::repo::{self, ProductWriteError};
use crate::accounts::model::{Area, CurrentUser, Email, StaffRole};
use crate::accounts::{password, repo as accounts_repo, token};
use crate::catalog::slug::{is_valid_slug, slugify};
use crate::db::now_unix;
use crate::email::repo::enqueue_email;
use crate::error::AppError;
use crate::forms::{field, read_form, see_other, show_error, show_error_on, PageContext};
use axum::extract::{FromRequest, Multipart, Path, Request, State};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;

/// Multipart product forms: the image plus the text fields.
pub const UPLOAD_LIMIT: usize = MAX_IMAGE_BYTES + 256 * 1024;
/// Multipart content forms: a download (or infographic), a cover image and the text.
pub const CONTENT_UPLOAD_LIMIT: usize = MAX_DOCUMENT_BYTES + MAX_IMAGE_BYTES + 256 * 1024;
/// Staff invitations give people three days to set their password.
const INVITE_LINK_SECONDS: i64 = 3 * 24 * 3600;

type Fields = HashMap<String, String>;

/// The page for an error outside any form: 404/403 pages as the guard decided.
async fn refuse(ctx: &PageContext, parts: Parts, error: AppError) -> Response {
    show_error(ctx, parts, "", HashMap::new(), error).await
}

/// A form read from multipart: its text fields in order (a name may repeat) and the
/// non-empty files of the expected file fields.
struct UploadForm {
    pairs: Vec<(String, String)>,
    files: HashMap<String, Vec<u8>>,
}

impl UploadForm {
    fn fields(&self) -> Fields {
        self.pairs.iter().cloned().collect()
    }
}

/// Reads a multipart form; `too_large` is the message when a part exceeds the body limit.
async fn read_upload_form(
    parts: &Parts,
    body: axum::body::Body,
    file_fields: &[&str],
    too_large: (&str, &str),
) -> Result<UploadForm, AppError> {
    let request = Request::from_parts(parts.clone(), body);
    let mut multipart = Multipart::from_request(request, &())
        .await
        .map_err(|_| AppError::bad_request("That form could not be read; please try again."))?;
    let mut form = UploadForm {
        pairs: Vec::new(),
        files: HashMap::new(),
    };
    let (size_field, size_message) = too_large;
    loop {
        let next = multipart.next_field().await.map_err(|e| {
            if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                AppError::invalid(size_field, size_message)
            } else {
                AppError::bad_request("The upload was interrupted; please try again.")
            }
        })?;
        let Some(part) = next else { break };
        let name = part.name().unwrap_or_default().to_string();
        let is_file = part.file_name().is_some();
        let bytes = part
            .bytes()
            .await
            .map_err(|_| AppError::invalid(size_field, size_message))?;
        if is_file && file_fields.contains(&name.as_str()) {
            if !bytes.is_empty() {
                form.files.insert(name, bytes.to_vec());
            }
        } else {
            let text = String::from_utf8(bytes.to_vec())
                .map_err(|_| AppError::bad_request("The form contained text we could not read."))?;
            form.pairs.push((name, text));
        }
    }
    Ok(form)
}

/// A product form: text fields and at most one image.
struct ProductForm {
    fields: Fields,
    image: Option<Vec<u8>>,
}

async fn read_product_form(parts: &Parts, body: axum::body::Body) -> Result<ProductForm, AppError> {
    let mut form = read_upload_form(
        parts,
        body,
        &["image"],
        (
            "image",
            "That image is larger than 5 MB. Please resize or compress it.",
        ),
    )
    .await?;
    Ok(ProductForm {
        fields: form.fields(),
        image: form.files.remove("image"),
    })
}

fn product_write_error(error: ProductWriteError) -> AppError {
    match error {
        ProductWriteError::SlugTaken => AppError::invalid(
            "slug",
            "Another product already uses this slug. Choose another.",
        ),
        ProductWriteError::SkuTaken => {
            AppError::invalid("sku", "Another product already uses this SKU.")
        }
        ProductWriteError::NoSuchCategory => AppError::invalid(
            "category_id",
            "That category no longer exists; choose another.",
        ),
        ProductWriteError::Database(error) => error.into(),
    }
}

/// Validates and stores an uploaded product image; returns its URL.
async fn save_image(ctx: &PageContext, bytes: &[u8]) -> Result<String, AppError> {
    let kind = identify_image("image", bytes)?;
    Ok(store_upload(&ctx.media_dir, UploadFolder::Products, bytes, kind).await?)
}

pub async fn post_new_product(State(ctx): State<PageContext>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let actor = match require_in(&parts, Area::Catalog) {
        Ok(actor) => actor,
        Err(error) => return refuse(&ctx, parts, error).await,
    };
    let form = match read_product_form(&parts, body).await {
        Ok(form) => form,
        Err(error) => return show_error(&ctx, parts, "product", HashMap::new(), error).await,
    };
    match create_product(&ctx, &actor, &form).await {
        Ok(id) => see_other(&format!("/admin/products/{id}?saved=created")),
        Err(error) => show_error(&ctx, parts, "product", form.fields, error).await,
    }
}

async fn create_product(
    ctx: &PageContext,
    actor: &CurrentUser,
    form: &ProductForm,
) -> Result<i64, AppError> {
    let input = parse_product_form(|name| field(&form.fields, name))?;
    let stock = field(&form.fields, "stock")
        .trim()
        .parse::<i64>()
        .unwrap_or(0);
    if !(0..=1_000_000).contains(&stock) {
        return Err(AppError::invalid(
            "stock",
            "Starting stock must be between 0 and 1,000,000.",
        ));
    }
    // Check the image before anything is written, so a bad file leaves no half product.
    let image_url = match &form.image {
        Some(bytes) => Some(save_image(ctx, bytes).await?),
        None => None,
    };
    let id = repo::create_product(&ctx.db, &input, stock)
        .await
        .map_err(product_write_error)?;
    if let Some(url) = image_url {
        let alt = image_alt(&form.fields, &input.name);
        repo::add_product_image(&ctx.db, id, &url, &alt).await?;
    }
    audit::record(
        &ctx.db,
        actor,
        "product.create",
        "product",
        id,
        &format!("{} ({})", input.name, input.slug),
    )
    .await?;
    Ok(id)
}

fn image_alt(fields: &Fields, product_name: &str) -> String {
    let alt: String = field(fields, "image_alt")
        .trim()
        .chars()
        .take(200)
        .collect();
    if alt.is_empty() {
        format!("Photo of the {product_name}")
    } else {
        alt
    }
}

pub async fn post_edit_product(
    State(ctx): State<PageContext>,
    Path(id): Path<i64>,
    request: Request,
) -> Response {
    let (parts, body) = request.into_parts();
    let actor = match require_in(&parts, Area::Catalog) {
        Ok(actor) => actor,
        Err(error) => return refuse(&ctx, parts, error).await,
    };
    let form = match read_product_form(&parts, body).await {
        Ok(form) => form,
        Err(error) => return show_error(&ctx, parts, "product", HashMap::new(), error).await,
    };
    match update_product(&ctx, &actor, id, &form).await {
        Ok(()) => see_other(&format!("/admin/products/{id}?saved=1")),
        Err(error) => show_error(&ctx, parts, "product", form.fields, error).await,
    }
}

async fn update_product(
    ctx: &PageContext,
    actor: &CurrentUser,
    id: i64,
    form: &ProductForm,
) -> Result<(), AppError> {
    if repo::find_product_draft(&ctx.db, id).await?.is_none() {
        return Err(AppError::NotFound);
    }
    let input = parse_product_form(|name| field(&form.fields, name))?;
    let image_url = match &form.image {
        Some(bytes) => Some(save_image(ctx, bytes).await?),
        None => None,
    };
    let old_slug = repo::update_product(&ctx.db, id, &input)
        .await
        .map_err(product_write_error)?;
    if let Some(url) = image_url {
        repo::add_product_image(&ctx.db, id, &url, &image_alt(&form.fields, &input.name)).await?;
        audit::record(&ctx.db, actor, "product.image", "product", id, &url).await?;
    }
    let detail = match old_slug {
        Some(old) => format!(
            "{}; slug {old} → {} (old slug redirects)",
            input.name, input.slug
        ),
        None => input.name.clone(),
    };
    audit::record(&ctx.db, actor, "product.update", "product", id, &detail).await?;
    Ok(())
}

pub async fn post_product_stock(
    State(ctx): State<PageContext>,
    Path(id): Path<i64>,
    request: Request,
) -> Response {
    let (parts, fields) = match read_form(request).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    let result = async {
        let actor = require_in(&parts, Area::Catalog)?;
        let delta = field(&fields, "delta")
            .trim()
            .trim_start_matches('+')
            .parse::<i64>()
            .ok()
            .filter(|d| *d != 0 && d.abs() <= 1_000_000)
            .ok_or_else(|| {
                AppError::invalid("delta", "Enter a whole number like 5 or -2 (not 0).")
            })?;
        let reason: String = field(&fields, "reason").trim().to_string();
        if reason.is_empty() || reason.chars().count() > 200 {
            return Err(AppError::invalid(
                "reason",
                "Say why (up to 200 characters), e.g. \"Delivery from supplier\".",
            ));
        }
        let Some(stock) = repo::adjust_stock(&ctx.db, id, delta, &reason, actor.id).await? else {
            return Err(AppError::invalid(
                "delta",
                "Stock can't go below zero, and the product must exist.",
            ));
        };
        audit::record(
            &ctx.db,
            &actor,
            "product.stock",
            "product",
            id,
            &format!("{delta:+} ({reason}) → {stock}"),
        )
        .await?;
        Ok(())
    }
    .await;
    match result {
        Ok(()) => see_other(&format!("/admin/products/{id}?saved=stock")),
        Err(error) => {
            let page = format!("/admin/products/{id}");
            show_error_on(&ctx, parts, Some(&page), "stock", fields, error).await
        }
    }
}

pub async fn post_product_status(
    State(ctx): State<PageContext>,
    Path(id): Path<i64>,
    request: Request,
) -> Response {
    let (parts, fields) = match read_form(request).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    let result = async {
        let actor = require_in(&parts, Area::Catalog)?;
        let status = field(&fields, "status");
        if !PRODUCT_STATUSES.contains(&status.as_str()) {
            return Err(AppError::bad_request(
                "Choose draft, published or archived.",
            ));
        }
        if !repo::set_product_status(&ctx.db, id, &status).await? {
            return Err(AppError::NotFound);
        }
        audit::record(&ctx.db, &actor, "product.status", "product", id, &status).await?;
        Ok(())
    }
    .await;
    match result {
        Ok(()) => see_other(&format!("/admin/products/{id}?saved=status")),
        Err(error) => {
            let page = format!("/admin/products/{id}");
            show_error_on(&ctx, parts, Some(&page), "status", fields, error).await
        }
    }
}

pub async fn post_categories(State(ctx): State<PageContext>, request: Request) -> Response {
    let (parts, fields) = match read_form(request).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    let form = format!("category-{}", field(&fields, "id"));
    match change_category(&ctx, &parts, &fields).await {
        Ok(done) => see_other(&format!("/admin/categories?saved={done}")),
        Err(error) => show_error(&ctx, parts, &form, fields, error).await,
    }
}

fn parse_parent(fields: &Fields) -> Result<Option<i64>, AppError> {
    let parent = field(fields, "parent_id");
    if parent.trim().is_empty() {
        return Ok(None);
    }
    parent
        .trim()
        .parse::<i64>()
        .map(Some)
        .map_err(|_| AppError::invalid("parent_id", "Choose a parent category."))
}

fn parse_category_name(fields: &Fields) -> Result<String, AppError> {
    let name = field(fields, "name").trim().to_string();
    if name.is_empty() || name.chars().count() > 80 {
        return Err(AppError::invalid(
            "name",
            "Give the category a name of up to 80 characters.",
        ));
    }
    Ok(name)
}

async fn change_category(
    ctx: &PageContext,
    parts: &Parts,
    fields: &Fields,
) -> Result<&'static str, AppError> {
    let actor = require_in(parts, Area::Catalog)?;
    let db = &ctx.db;
    match field(fields, "action").as_str() {
        "create" => {
            let name = parse_category_name(fields)?;
            let typed = field(fields, "slug").trim().to_lowercase();
            let slug = if typed.is_empty() {
                slugify(&name)
            } else {
                typed
            };
            if !is_valid_slug(&slug) {
                return Err(AppError::invalid(
                    "slug",
                    "Use lower-case letters, digits and single hyphens.",
                ));
            }
            let parent = parse_parent(fields)?;
            let id = repo::insert_admin_category(db, &slug, &name, parent)
                .await
                .map_err(|e| match e.as_database_error() {
                    Some(d) if d.is_unique_violation() => {
                        AppError::invalid("slug", "Another category already uses this slug.")
                    }
                    Some(d) if d.is_foreign_key_violation() => {
                        AppError::invalid("parent_id", "That parent no longer exists.")
                    }
                    _ => e.into(),
                })?;
            audit::record(
                db,
                &actor,
                "category.create",
                "category",
                id,
                &format!("{name} ({slug})"),
            )
            .await?;
            Ok("created")
        }
        "update" => {
            let id = field(fields, "id")
                .parse::<i64>()
                .map_err(|_| AppError::NotFound)?;
            let name = parse_category_name(fields)?;
            let parent = parse_parent(fields)?;
            let tree = repo::list_category_tree(db).await?;
            if let Some(parent) = parent {
                if is_in_subtree(&tree, id, parent) {
                    return Err(AppError::invalid(
                        "parent_id",
                        "A category can't move inside itself or its own subcategories.",
                    ));
                }
            }
            if !repo::update_category(db, id, &name, parent).await? {
                return Err(AppError::NotFound);
            }
            audit::record(
                db,
                &actor,
                "category.update",
                "category",
                id,
                &format!("{name}, parent {parent:?}"),
            )
            .await?;
            Ok("updated")
        }
        "delete" => {
            let id = field(fields, "id")
                .parse::<i64>()
                .map_err(|_| AppError::NotFound)?;
            if !repo::delete_empty_category(db, id).await? {
                return Err(AppError::Conflict {
                    message: "Only an empty category can be deleted: move its products and subcategories first.".into(),
                });
            }
            audit::record(db, &actor, "category.delete", "category", id, "").await?;
            Ok("deleted")
        }
        _ => Err(AppError::bad_request("Unknown category action.")),
    }
}

/// True when `candidate` is `root` or below it.
fn is_in_subtree(tree: &[super::model::CategoryNode], root: i64, candidate: i64) -> bool {
    let mut current = Some(candidate);
    let mut steps = 0;
    while let Some(id) = current {
        if id == root {
            return true;
        }
        current = tree.iter().find(|n| n.id == id).and_then(|n| n.parent_id);
        steps += 1;
        if steps > tree.len() {
            break;
        }
    }
    false
}

pub async fn post_staff(State(ctx): State<PageContext>, request: Request) -> Response {
    let (parts, fields) = match read_form(request).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    let form = if field(&fields, "action") == "invite" {
        "invite".to_string()
    } else {
        format!("staff-{}", field(&fields, "user_id"))
    };
    match change_staff(&ctx, &parts, &fields).await {
        Ok(done) => see_other(&format!("/admin/staff?saved={done}")),
        Err(error) => show_error(&ctx, parts, &form, fields, error).await,
    }
}

async fn change_staff(
    ctx: &PageContext,
    parts: &Parts,
    fields: &Fields,
) -> Result<&'static str, AppError> {
    let actor = require_in(parts, Area::Staff)?;
    let db = &ctx.db;
    let action = field(fields, "action");
    if action == "invite" {
        let email = Email::parse(&field(fields, "email"))?;
        let role = StaffRole::parse(&field(fields, "role"))
            .ok_or_else(|| AppError::invalid("role", "Choose a role."))?;
        invite_staff(ctx, &actor, &email, role).await?;
        return Ok("invited");
    }
    let user_id = field(fields, "user_id")
        .parse::<i64>()
        .map_err(|_| AppError::NotFound)?;
    let target = accounts_repo::find_user_by_id(db, user_id)
        .await?
        .ok_or(AppError::NotFound)?;
    // Nobody can lock the store out of its own panel.
    let removes_an_admin = target.role() == Some(StaffRole::Admin) && target.active;
    let role = StaffRole::parse(&field(fields, "role"));
    let would_remove_admin = match action.as_str() {
        "role" => removes_an_admin && role != Some(StaffRole::Admin),
        "deactivate" | "remove" => removes_an_admin,
        _ => false,
    };
    if would_remove_admin && repo::count_active_admins(db).await? <= 1 {
        return Err(AppError::Conflict {
            message: "This is the last active admin. Make someone else admin first.".into(),
        });
    }
    match action.as_str() {
        "role" => {
            let role = role.ok_or_else(|| AppError::invalid("role", "Choose a role."))?;
            repo::set_staff_role(db, user_id, Some(role)).await?;
            audit::record(
                db,
                &actor,
                "staff.role",
                "user",
                user_id,
                &format!("{} → {}", target.email, role.as_str()),
            )
            .await?;
            Ok("role")
        }
        "remove" => {
            repo::set_staff_role(db, user_id, None).await?;
            audit::record(db, &actor, "staff.remove", "user", user_id, &target.email).await?;
            Ok("removed")
        }
        "deactivate" => {
            repo::set_user_active(db, user_id, false).await?;
            audit::record(
                db,
                &actor,
                "staff.deactivate",
                "user",
                user_id,
                &target.email,
            )
            .await?;
            Ok("deactivated")
        }
        "activate" => {
            repo::set_user_active(db, user_id, true).await?;
            audit::record(db, &actor, "staff.activate", "user", user_id, &target.email).await?;
            Ok("activated")
        }
        _ => Err(AppError::bad_request("Unknown staff action.")),
    }
}

/// Makes `email` staff. New people get an account with an unusable random password and
/// an emailed link to choose their own.
async fn invite_staff(
    ctx: &PageContext,
    actor: &CurrentUser,
    email: &Email,
    role: StaffRole,
) -> Result<(), AppError> {
    let db = &ctx.db;
    let user_id = match accounts_repo::find_user_by_email(db, email.as_str()).await? {
        Some(existing) => {
            repo::set_staff_role(db, existing.id, Some(role)).await?;
            existing.id
        }
        None => {
            let throwaway =
                crate::accounts::model::Password::parse(&token::new_one_time_password())?;
            let hash = password::hash_password(&throwaway).await?;
            accounts_repo::insert_user(db, email.as_str(), "", &hash, Some(role))
                .await?
                .ok_or_else(|| AppError::Conflict {
                    message: "That person was just invited by someone else.".into(),
                })?
        }
    };
    let (link_token, hash) = token::new_token();
    accounts_repo::insert_password_reset(db, &hash, user_id, now_unix() + INVITE_LINK_SECONDS)
        .await?;
    let link = format!(
        "{}/account/password-reset/{link_token}",
        ctx.site.public_url
    );
    let body = format!(
        "Hello,\n\n{} gave you the {} role in the Storefront admin panel.\n\
         Choose your password here (the link works once, for 3 days):\n\n{link}\n\n\
         Then sign in at {}/login.\n",
        actor.email,
        role.label(),
        ctx.site.public_url
    );
    enqueue_email(
        db,
        email.as_str(),
        "You're invited to the Storefront admin panel",
        &body,
        "staff_invite",
    )
    .await?;
    audit::record(
        db,
        actor,
        "staff.invite",
        "user",
        user_id,
        &format!("{} as {}", email.as_str(), role.as_str()),
    )
    .await?;
    Ok(())
}

/// Serves an upload. Names are random and never reused, so browsers may keep them
/// forever; everything gets a CSP that forbids all but drawing (SVGs cannot run script
/// even when opened directly), and downloads are saved rather than shown.
pub async fn uploaded_file(
    State(ctx): State<PageContext>,
    Path((folder, file)): Path<(String, String)>,
) -> Response {
    use axum::http::{header, StatusCode};
    let Some(folder) = UploadFolder::parse(&folder) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let Some((stem, ext)) = file.split_once('.') else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let valid_name = token::is_id(stem);
    let Some(kind) = FileKind::from_extension(ext).filter(|_| valid_name) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let disposition = if kind.is_document() {
        format!("attachment; filename=\"{file}\"")
    } else {
        "inline".to_string()
    };
    match tokio::fs::read(ctx.media_dir.join(folder.name()).join(&file)).await {
        Ok(bytes) => (
            [
                (header::CONTENT_TYPE, kind.content_type().to_string()),
                (
                    header::CACHE_CONTROL,
                    "public, max-age=31536000, immutable".to_string(),
                ),
                (
                    header::CONTENT_SECURITY_POLICY,
                    "default-src 'none'; style-src 'unsafe-inline'; sandbox".to_string(),
                ),
                (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
                (header::CONTENT_DISPOSITION, disposition),
            ],
            bytes,
        )
            .into_response(),
        Err(_) => StatusCode::NOT_FOUND.into_response(),
    }
}

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
    let actor = require_in(parts, Area::Personas)?;
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
    let actor = match require_in(&parts, Area::Content) {
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

#[cfg(test)]
mod tests {
    use super::is_in_subtree;
    use crate::admin::model::CategoryNode;

    fn node(id: i64, parent_id: Option<i64>) -> CategoryNode {
        CategoryNode {
            id,
            slug: String::new(),
            name: String::new(),
            parent_id,
            depth: 0,
            products: 0,
            children: 0,
        }
    }

    #[test]
    fn a_category_cannot_move_below_itself() {
        let tree = vec![
            node(1, None),
            node(2, Some(1)),
            node(3, Some(2)),
            node(4, None),
        ];
        assert!(is_in_subtree(&tree, 1, 3));
        assert!(is_in_subtree(&tree, 2, 2));
        assert!(!is_in_subtree(&tree, 2, 4));
        assert!(!is_in_subtree(&tree, 3, 1));
    }
}
