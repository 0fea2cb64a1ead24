//! Catalogue management form posts: products (with their picture), stock adjustments,
//! status, categories. Guard → validate → repo → audit entry → 303, or the form again.

use super::repo;
use crate::admin::audit;
use crate::admin::guard::require;
use crate::admin::media::{identify_image, store_upload, UploadFolder, MAX_IMAGE_BYTES};
use crate::admin::media::{read_upload_form, refuse, Fields};
use crate::catalog::staff::model::{parse_product_form, PRODUCT_STATUSES};
use crate::catalog::staff::repo::ProductWriteError;
use crate::catalog::variants;
use crate::error::AppError;
use crate::forms::{field, read_form, see_other, show_error, show_error_on, PageContext};
use crate::request::{Area, CurrentUser};
use crate::slug::{is_valid_slug, slugify};
use axum::extract::{Path, Request, State};
use axum::http::request::Parts;
use axum::response::Response;
use std::collections::HashMap;

/// Multipart product forms: the image plus the text fields.
pub const UPLOAD_LIMIT: usize = MAX_IMAGE_BYTES + 256 * 1024;

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
    let actor = match require(&crate::request::RequestContext::of(&parts), Area::Catalog) {
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
    let actor = match require(&crate::request::RequestContext::of(&parts), Area::Catalog) {
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
        let actor = require(&crate::request::RequestContext::of(&parts), Area::Catalog)?;
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
        let variant_id = match field(&fields, "variant").trim() {
            "" => variants::repo::only_variant(&ctx.db, id).await?,
            typed => typed.parse::<i64>().ok(),
        }
        .ok_or_else(|| AppError::invalid("variant", "Choose the variant whose stock changed."))?;
        let Some(stock) =
            variants::repo::adjust_variant_stock(&ctx.db, id, variant_id, delta, &reason, actor.id)
                .await?
        else {
            return Err(AppError::invalid(
                "delta",
                "Stock can't go below zero, and the variant must be for sale.",
            ));
        };
        audit::record(
            &ctx.db,
            &actor,
            "product.stock",
            "product",
            id,
            &format!("variant {variant_id}: {delta:+} ({reason}) → {stock}"),
        )
        .await?;
        Ok(())
    }
    .await;
    let done = result.map(|()| "saved=stock".to_string());
    back_to_product(&ctx, parts, fields, id, "stock", done).await
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
        let actor = require(&crate::request::RequestContext::of(&parts), Area::Catalog)?;
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
    let done = result.map(|()| "saved=status".to_string());
    back_to_product(&ctx, parts, fields, id, "status", done).await
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
    let actor = require(&crate::request::RequestContext::of(parts), Area::Catalog)?;
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

/// POST /admin/products/{id}/options: the product's options (up to three, each with its
/// values); saving brings the variant grid in line (new combinations added, dropped ones
/// retired).
pub async fn post_product_options(
    State(ctx): State<PageContext>,
    Path(id): Path<i64>,
    request: Request,
) -> Response {
    let (parts, fields) = match read_form(request).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    let result = async {
        let actor = require(&crate::request::RequestContext::of(&parts), Area::Catalog)?;
        repo::find_product_draft(&ctx.db, id)
            .await?
            .ok_or(AppError::NotFound)?;
        let options = variants::parse_options(|name| field(&fields, name))
            .map_err(|e| AppError::invalid(&e.field, e.message))?;
        let change = variants::repo::save_options(&ctx.db, id, &options).await?;
        let described: Vec<String> = options
            .iter()
            .map(|o| format!("{}: {}", o.name, o.values.join(", ")))
            .collect();
        audit::record(
            &ctx.db,
            &actor,
            "product.options",
            "product",
            id,
            &format!(
                "{}; {} added, {} kept, {} retired",
                if described.is_empty() {
                    "no options".to_string()
                } else {
                    described.join("; ")
                },
                change.added,
                change.kept,
                change.retired
            ),
        )
        .await?;
        Ok(change)
    }
    .await;
    let done = result.map(|change| {
        format!(
            "saved=options&added={}&retired={}&retired_stock={}#variants",
            change.added, change.retired, change.retired_stock
        )
    });
    back_to_product(&ctx, parts, fields, id, "options", done).await
}

/// POST /admin/products/{id}/variants: the variant table (SKU, price, was price, weight,
/// picture per variant), saved whole or not at all.
pub async fn post_product_variants(
    State(ctx): State<PageContext>,
    Path(id): Path<i64>,
    request: Request,
) -> Response {
    let (parts, fields) = match read_form(request).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    let result = async {
        let actor = require(&crate::request::RequestContext::of(&parts), Area::Catalog)?;
        let images: Vec<String> = repo::list_images(&ctx.db, id)
            .await?
            .into_iter()
            .map(|(url, _)| url)
            .collect();
        let rows = field(&fields, "rows").trim().parse::<usize>().unwrap_or(0);
        let edits = super::model::parse_variant_table(|name| field(&fields, name), rows, &images)?;
        if edits.is_empty() {
            return Err(AppError::bad_request(
                "This table holds no variants. Reload the page and try again.",
            ));
        }
        match variants::repo::update_variants(&ctx.db, id, &edits).await? {
            Ok(()) => {}
            Err(variants::repo::VariantWriteError::SkuTaken(sku)) => {
                let row = edits.iter().position(|e| e.sku == sku).unwrap_or(0) + 1;
                return Err(AppError::invalid(
                    &format!("variant_{row}_sku"),
                    format!("Another product already uses the SKU {sku}."),
                ));
            }
            Err(variants::repo::VariantWriteError::Unknown) => return Err(AppError::NotFound),
        }
        let detail: Vec<String> = edits
            .iter()
            .map(|e| format!("{} {}", e.sku, crate::money::minor_to_plain(e.price_cents)))
            .collect();
        audit::record(
            &ctx.db,
            &actor,
            "product.variants",
            "product",
            id,
            &detail.join(", "),
        )
        .await?;
        Ok(())
    }
    .await;
    let done = result.map(|()| "saved=variants#variants".to_string());
    back_to_product(&ctx, parts, fields, id, "variants", done).await
}

/// How each of the product page's smaller forms answers: 303 back to the product with
/// `done` (its query and anchor), or the product page again with the mistake on `form`.
async fn back_to_product(
    ctx: &PageContext,
    parts: Parts,
    fields: HashMap<String, String>,
    id: i64,
    form: &str,
    done: Result<String, AppError>,
) -> Response {
    match done {
        Ok(done) => see_other(&format!("/admin/products/{id}?{done}")),
        Err(error) => {
            let page = format!("/admin/products/{id}");
            show_error_on(ctx, parts, Some(&page), form, fields, error).await
        }
    }
}

/// POST /admin/search-words: add or remove a synonym pair (audited).
pub async fn post_search_words(State(ctx): State<PageContext>, request: Request) -> Response {
    let (parts, fields) = match read_form(request).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    match change_search_words(&ctx, &parts, &fields).await {
        Ok(done) => see_other(&format!("/admin/search-words?saved={done}")),
        Err(error) => show_error(&ctx, parts, "synonym", fields, error).await,
    }
}

async fn change_search_words(
    ctx: &PageContext,
    parts: &Parts,
    fields: &Fields,
) -> Result<&'static str, AppError> {
    let actor = require(&crate::request::RequestContext::of(parts), Area::Catalog)?;
    let (word, means) =
        super::model::parse_synonym(&field(fields, "word"), &field(fields, "means"))?;
    let pair = format!("{word} → {means}");
    match field(fields, "action").as_str() {
        "add" => {
            if !repo::insert_synonym(&ctx.db, &word, &means).await? {
                return Err(AppError::invalid(
                    "means",
                    format!("\u{201c}{word}\u{201d} already finds \u{201c}{means}\u{201d}."),
                ));
            }
            audit::record(
                &ctx.db,
                &actor,
                "search.synonym_add",
                "synonym",
                &word,
                &pair,
            )
            .await?;
            Ok("added")
        }
        "delete" => {
            if repo::delete_synonym(&ctx.db, &word, &means).await? {
                audit::record(
                    &ctx.db,
                    &actor,
                    "search.synonym_delete",
                    "synonym",
                    &word,
                    &pair,
                )
                .await?;
            }
            Ok("deleted")
        }
        _ => Err(AppError::bad_request("Unknown action.")),
    }
}

#[cfg(test)]
mod tests {
    use super::is_in_subtree;
    use crate::catalog::staff::model::CategoryNode;

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
