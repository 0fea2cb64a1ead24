//! What the admin pages show, shared by the server functions and the views.

use crate::accounts::model::StaffRole;
use crate::email::OutboxMessage;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DashboardFigures {
    pub active_products: i64,
    pub draft_products: i64,
    pub low_stock: i64,
    pub customers: i64,
    pub pending_emails: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AdminProductItem {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub sku: String,
    pub category_name: String,
    pub price_cents: i64,
    pub stock: i64,
    pub status: String,
    pub updated_at: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AdminProductList {
    pub items: Vec<AdminProductItem>,
    pub total: i64,
    pub q: String,
    pub status: String,
}

/// Everything the product form edits, as the form shows it.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ProductDraft {
    pub id: Option<i64>,
    pub slug: String,
    pub name: String,
    pub sku: String,
    pub category_id: i64,
    pub summary: String,
    pub description_md: String,
    /// Decimal text like "249.00".
    pub price: String,
    pub compare_at: String,
    pub stock: i64,
    pub status: String,
    /// One "Name: Value" per line.
    pub specs: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StockAdjustment {
    pub delta: i64,
    pub reason: String,
    pub actor_email: Option<String>,
    pub created_at: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ProductEditData {
    pub draft: ProductDraft,
    pub categories: Vec<CategoryOption>,
    pub images: Vec<(String, String)>,
    pub adjustments: Vec<StockAdjustment>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CategoryOption {
    pub id: i64,
    /// Indented by depth, for a select.
    pub label: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CategoryNode {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub parent_id: Option<i64>,
    pub depth: usize,
    pub products: i64,
    pub children: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StaffMember {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: Option<StaffRole>,
    pub active: bool,
    pub created_at: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: i64,
    pub actor_email: String,
    pub action: String,
    pub subject_type: String,
    pub subject_id: String,
    pub detail: String,
    pub created_at: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    pub actors: Vec<String>,
    pub actions: Vec<String>,
    pub actor: String,
    pub action: String,
}

pub type Outbox = Vec<OutboxMessage>;

/// A content piece as the admin list shows it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AdminContentItem {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub kind: String,
    pub stage: String,
    pub status: String,
    pub published_at: i64,
}

/// The content form's data (the piece, or an empty one) and its choices.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ContentEditData {
    pub id: Option<i64>,
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub body_md: String,
    pub kind: String,
    pub stage: String,
    pub author: String,
    pub media_url: String,
    pub transcript: String,
    pub cover_url: String,
    pub cover_alt: String,
    pub seo_title: String,
    pub seo_description: String,
    pub status: String,
    /// `datetime-local` text, UTC.
    pub publish_at: String,
    pub persona_ids: Vec<i64>,
    pub category_ids: Vec<i64>,
    /// Linked products, as slugs separated by commas.
    pub product_slugs: String,
    pub personas: Vec<crate::content::model::Persona>,
    pub categories: Vec<CategoryNode>,
}

/// A content form that passed validation.
#[derive(Debug, Clone, PartialEq)]
pub struct ContentInput {
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub body_md: String,
    pub kind: crate::content::model::Kind,
    pub stage: crate::content::model::Stage,
    pub author: String,
    pub media_url: String,
    pub transcript: String,
    pub cover_url: String,
    pub cover_alt: String,
    pub seo_title: String,
    pub seo_description: String,
    pub published: bool,
    pub publish_at: i64,
    pub persona_ids: Vec<i64>,
    pub category_ids: Vec<i64>,
    pub product_slugs: Vec<String>,
}

/// Ticked ids, each once (a tampered form could repeat one), in order.
fn parse_ids(values: Vec<String>) -> Vec<i64> {
    let mut ids: Vec<i64> = values.iter().filter_map(|v| v.parse().ok()).collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// Embeds, downloads and images must be https or our own files, never javascript: or data:.
fn is_safe_address(address: &str) -> bool {
    let own_path = address.starts_with('/') && !address.starts_with("//");
    address.is_empty() || address.starts_with("https://") || own_path
}

/// Validates the content form; every problem is reported at once.
pub fn parse_content_form(
    get: impl Fn(&str) -> String,
    all: impl Fn(&str) -> Vec<String>,
    now: i64,
) -> Result<ContentInput, crate::error::AppError> {
    use crate::content::model::{Kind, Stage};
    use crate::error::AppError;
    let mut errors: Vec<(String, String)> = Vec::new();
    let mut need = |field: &str, label: &str, max: usize, required: bool| {
        let value = get(field).trim().to_string();
        if required && value.is_empty() {
            errors.push((field.into(), format!("Please enter the {label}.")));
        } else if value.chars().count() > max {
            errors.push((
                field.into(),
                format!("The {label} can be at most {max} characters."),
            ));
        }
        value
    };
    let title = need("title", "title", 160, true);
    let summary = need("summary", "summary", 400, true);
    let body_md = need("body_md", "body", MAX_DESCRIPTION_CHARS, false);
    let author = need("author", "author", 80, false);
    let media_url = need("media_url", "media address", 300, false);
    let transcript = need("transcript", "transcript or description", 10_000, false);
    let cover_url = need("cover_url", "cover image address", 300, false);
    let cover_alt = need("cover_alt", "cover description", 200, false);
    let seo_title = need("seo_title", "search-engine title", 70, false);
    let seo_description = need("seo_description", "search-engine description", 170, false);
    let typed_slug = need("slug", "slug", 80, false).to_lowercase();
    let slug = if typed_slug.is_empty() {
        crate::catalog::slug::slugify(&title)
    } else {
        typed_slug
    };
    if !title.is_empty() && !crate::catalog::slug::is_valid_slug(&slug) {
        errors.push((
            "slug".into(),
            "Use lower-case letters, digits and single hyphens.".into(),
        ));
    }
    let kind = Kind::parse(get("kind").trim());
    if kind.is_none() {
        errors.push(("kind".into(), "Choose a type.".into()));
    }
    let stage = Stage::parse(get("stage").trim());
    if stage.is_none() {
        errors.push(("stage".into(), "Choose a funnel stage.".into()));
    }
    for (field, address) in [("media_url", &media_url), ("cover_url", &cover_url)] {
        if !is_safe_address(address) {
            errors.push((
                field.into(),
                "Use an https:// address or a path on this site.".into(),
            ));
        }
    }
    if !cover_url.is_empty() && cover_alt.is_empty() {
        errors.push((
            "cover_alt".into(),
            "Describe the cover image for people who can't see it.".into(),
        ));
    }
    if matches!(kind, Some(Kind::Whitepaper | Kind::Ebook)) && media_url.is_empty() {
        errors.push((
            "media_url".into(),
            "Upload the PDF or EPUB, or enter the download's address.".into(),
        ));
    }
    if kind == Some(Kind::Infographic) && media_url.is_empty() {
        errors.push((
            "media_url".into(),
            "Upload the infographic image, or enter its address.".into(),
        ));
    }
    if kind == Some(Kind::Video) && media_url.is_empty() {
        errors.push((
            "media_url".into(),
            "A video needs its player address (https://…/embed/…).".into(),
        ));
    }
    if kind == Some(Kind::Infographic) && transcript.trim().is_empty() {
        errors.push((
            "transcript".into(),
            "Describe the infographic in full text for screen readers and search engines.".into(),
        ));
    }
    let publish_text = get("publish_at");
    let publish_at = if publish_text.trim().is_empty() {
        Some(now)
    } else {
        crate::time::parse_datetime_local(&publish_text)
    };
    if publish_at.is_none() {
        errors.push((
            "publish_at".into(),
            "Enter a date and time like 2026-12-01T09:00 (UTC).".into(),
        ));
    }
    let persona_ids = parse_ids(all("persona_ids"));
    if persona_ids.is_empty() {
        errors.push((
            "persona_ids".into(),
            "Choose at least one persona this piece serves.".into(),
        ));
    }
    let category_ids = parse_ids(all("category_ids"));
    if category_ids.len() > 10 {
        errors.push((
            "category_ids".into(),
            "Choose at most 10 categories.".into(),
        ));
    }
    let product_slugs: Vec<String> = get("product_slugs")
        .split(',')
        .map(|s| s.trim().to_lowercase())
        .filter(|s| !s.is_empty())
        .collect();
    if product_slugs
        .iter()
        .any(|s| !crate::catalog::slug::is_valid_slug(s))
        || product_slugs.len() > 12
    {
        errors.push((
            "product_slugs".into(),
            "List up to 12 product slugs separated by commas.".into(),
        ));
    }
    match (kind, stage, publish_at) {
        (Some(kind), Some(stage), Some(publish_at)) if errors.is_empty() => Ok(ContentInput {
            slug,
            title,
            summary,
            body_md,
            kind,
            stage,
            author,
            media_url,
            transcript,
            cover_url,
            cover_alt,
            seo_title,
            seo_description,
            published: get("status") == "published",
            publish_at,
            persona_ids,
            category_ids,
            product_slugs,
        }),
        _ => Err(AppError::Fields { errors }),
    }
}

/// A persona and how many published pieces serve it at each stage (awareness,
/// consideration, decision): zeros are the gaps marketing should fill.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PersonaCoverage {
    pub persona: crate::content::model::Persona,
    pub per_stage: [i64; 3],
}

pub const PRODUCT_STATUSES: [&str; 3] = ["draft", "active", "archived"];

pub fn status_label(status: &str) -> &'static str {
    match status {
        "active" => "Published",
        "draft" => "Draft",
        "archived" => "Archived",
        _ => "Unknown",
    }
}

pub use crate::time::format_time;

/// A product form that passed validation, ready for the database.
#[derive(Debug, Clone, PartialEq)]
pub struct ProductInput {
    pub slug: String,
    pub name: String,
    pub sku: String,
    pub category_id: i64,
    pub summary: String,
    pub description_md: String,
    pub price_cents: i64,
    pub compare_at_cents: Option<i64>,
    pub status: String,
    pub specs: Vec<crate::catalog::model::Spec>,
}

pub const MAX_DESCRIPTION_CHARS: usize = 20_000;
pub const MAX_SPECS: usize = 40;

/// Validates the product form's fields; the error names the field to fix.
pub fn parse_product_form(
    get: impl Fn(&str) -> String,
) -> Result<ProductInput, crate::error::AppError> {
    use crate::catalog::slug::{is_valid_slug, slugify};
    use crate::error::AppError;

    let text = |name: &str, label: &str, max: usize, required: bool| {
        let value = get(name).trim().to_string();
        if required && value.is_empty() {
            return Err(AppError::invalid(
                name,
                format!("Please enter the {label}."),
            ));
        }
        if value.chars().count() > max {
            return Err(AppError::invalid(
                name,
                format!("The {label} can be at most {max} characters."),
            ));
        }
        Ok(value)
    };
    // Every field is checked, so the form comes back with all its problems at once.
    let mut errors = Vec::new();
    let name = keep(&mut errors, text("name", "product name", 120, true));
    let slug = keep(
        &mut errors,
        text("slug", "slug", 80, false).and_then(|typed| {
            let slug = match typed.to_lowercase() {
                t if t.is_empty() => slugify(name.as_deref().unwrap_or_default()),
                t => t,
            };
            if is_valid_slug(&slug) || name.is_none() {
                Ok(slug)
            } else {
                Err(AppError::invalid(
                    "slug",
                    "Use lower-case letters, digits and single hyphens, like \"aurelia-duo\".",
                ))
            }
        }),
    );
    let sku = keep(
        &mut errors,
        text("sku", "SKU", 64, true).and_then(|sku| {
            if sku
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            {
                Ok(sku)
            } else {
                Err(AppError::invalid(
                    "sku",
                    "Use letters, digits, hyphens and underscores only.",
                ))
            }
        }),
    );
    let category_id = keep(
        &mut errors,
        get("category_id")
            .trim()
            .parse::<i64>()
            .map_err(|_| AppError::invalid("category_id", "Please choose a category.")),
    );
    let summary = keep(&mut errors, text("summary", "summary", 300, true));
    let description_md = keep(
        &mut errors,
        text(
            "description_md",
            "description",
            MAX_DESCRIPTION_CHARS,
            false,
        ),
    );
    let price_cents = keep(
        &mut errors,
        parse_money_field(&get("price"), "price", true).map(|p| p.unwrap_or_default()),
    );
    let compare_at_cents = keep(
        &mut errors,
        parse_money_field(&get("compare_at"), "compare_at", false).and_then(|was| {
            match (was, price_cents) {
                (Some(was), Some(price)) if was <= price => Err(AppError::invalid(
                    "compare_at",
                    "The \"was\" price must be higher than the price, or left empty.",
                )),
                _ => Ok(was),
            }
        }),
    );
    let status = keep(&mut errors, {
        let status = get("status").trim().to_string();
        if PRODUCT_STATUSES.contains(&status.as_str()) {
            Ok(status)
        } else {
            Err(AppError::invalid(
                "status",
                "Choose draft, published or archived.",
            ))
        }
    });
    let specs = keep(&mut errors, parse_specs(&get("specs")));
    match (
        name,
        slug,
        sku,
        category_id,
        summary,
        description_md,
        price_cents,
        compare_at_cents,
        status,
        specs,
    ) {
        (
            Some(name),
            Some(slug),
            Some(sku),
            Some(category_id),
            Some(summary),
            Some(description_md),
            Some(price_cents),
            Some(compare_at_cents),
            Some(status),
            Some(specs),
        ) if errors.is_empty() => Ok(ProductInput {
            slug,
            name,
            sku,
            category_id,
            summary,
            description_md,
            price_cents,
            compare_at_cents,
            status,
            specs,
        }),
        _ => Err(AppError::Fields { errors }),
    }
}

/// The value, or `None` with its message noted.
fn keep<T>(
    errors: &mut Vec<(String, String)>,
    result: Result<T, crate::error::AppError>,
) -> Option<T> {
    match result {
        Ok(value) => Some(value),
        Err(crate::error::AppError::Validation { field, message }) => {
            errors.push((field, message));
            None
        }
        Err(other) => {
            errors.push((String::new(), other.to_string()));
            None
        }
    }
}

/// "Name: Value" lines; "9.5 kg" keeps its unit apart so the comparison table can compare
/// the numbers.
fn parse_specs(text: &str) -> Result<Vec<crate::catalog::model::Spec>, crate::error::AppError> {
    use crate::error::AppError;
    let mut specs = Vec::new();
    for (line_no, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let Some((spec_name, value)) = line.split_once(':') else {
            return Err(AppError::invalid(
                "specs",
                format!(
                    "Line {} needs a colon between name and value, like \"Weight: 9.5 kg\".",
                    line_no + 1
                ),
            ));
        };
        let (spec_name, value) = (spec_name.trim(), value.trim());
        if spec_name.is_empty() || value.is_empty() || spec_name.len() > 60 || value.len() > 120 {
            return Err(AppError::invalid(
                "specs",
                format!(
                    "Line {} needs a name (up to 60 characters) and a value (up to 120).",
                    line_no + 1
                ),
            ));
        }
        let (value, unit) = match value.split_once(' ') {
            Some((number, unit)) if number.parse::<f64>().is_ok() && !unit.contains(' ') => {
                (number.to_string(), Some(unit.to_string()))
            }
            _ => (value.to_string(), None),
        };
        specs.push(crate::catalog::model::Spec {
            name: spec_name.to_string(),
            value,
            unit,
        });
    }
    if specs.len() > MAX_SPECS {
        return Err(AppError::invalid(
            "specs",
            format!("Use at most {MAX_SPECS} specifications."),
        ));
    }
    Ok(specs)
}

/// A price typed in dollars ("1,249.50", "$39") into cents.
pub fn parse_money_field(
    value: &str,
    field: &str,
    required: bool,
) -> Result<Option<i64>, crate::error::AppError> {
    use crate::catalog::model::parse_decimal_minor;
    use crate::error::AppError;
    let value = value.trim().trim_start_matches('$').replace(',', "");
    if value.is_empty() {
        return if required {
            Err(AppError::invalid(
                field,
                "Please enter a price, like 249.00.",
            ))
        } else {
            Ok(None)
        };
    }
    match parse_decimal_minor(&value) {
        Some(minor) if (0..=100_000_000).contains(&minor) => Ok(Some(minor)),
        _ => Err(AppError::invalid(
            field,
            "Enter an amount like 249 or 249.99 (at most 1,000,000).",
        )),
    }
}

/// The specs as the form's textarea shows them.
pub fn specs_to_text(specs: &[crate::catalog::model::Spec]) -> String {
    specs
        .iter()
        .map(|s| format!("{}: {}", s.name, s.display()))
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod content_form_tests {
    use super::parse_content_form;
    use crate::error::AppError;

    #[test]
    fn a_video_needs_a_player_and_a_persona() {
        let get = |k: &str| match k {
            "title" => "Dialling in".to_string(),
            "summary" => "How to".to_string(),
            "kind" => "video".to_string(),
            "stage" => "awareness".to_string(),
            "media_url" => "javascript:alert(1)".to_string(),
            _ => String::new(),
        };
        match parse_content_form(get, |_| Vec::new(), 0) {
            Err(AppError::Fields { errors }) => {
                let fields: Vec<&str> = errors.iter().map(|(f, _)| f.as_str()).collect();
                assert_eq!(fields, ["media_url", "persona_ids"]);
            }
            other => panic!("expected field errors, got {other:?}"),
        }
        let get_ok = |k: &str| match k {
            "title" => "Dialling in".to_string(),
            "summary" => "How to".to_string(),
            "kind" => "article".to_string(),
            "stage" => "decision".to_string(),
            "status" => "published".to_string(),
            "publish_at" => "2026-12-01T09:00".to_string(),
            "product_slugs" => "kestrel-64, wren-54".to_string(),
            _ => String::new(),
        };
        let input = parse_content_form(get_ok, |_| vec!["1".into()], 0).unwrap();
        assert_eq!(input.slug, "dialling-in");
        assert_eq!(input.product_slugs, ["kestrel-64", "wren-54"]);
        assert!(input.published);
    }

    #[test]
    fn downloads_need_a_file_and_covers_need_a_description() {
        let get = |k: &str| match k {
            "title" => "The buyer's guide".to_string(),
            "summary" => "Everything".to_string(),
            "kind" => "whitepaper".to_string(),
            "stage" => "consideration".to_string(),
            "cover_url" => "data:image/png;base64,AAAA".to_string(),
            "seo_title" => "x".repeat(71),
            _ => String::new(),
        };
        match parse_content_form(get, |_| vec!["1".into()], 0) {
            Err(AppError::Fields { errors }) => {
                let fields: Vec<&str> = errors.iter().map(|(f, _)| f.as_str()).collect();
                assert_eq!(fields, ["seo_title", "cover_url", "cover_alt", "media_url"]);
            }
            other => panic!("expected field errors, got {other:?}"),
        }
        let get_ok = |k: &str| match k {
            "title" => "The buyer's guide".to_string(),
            "summary" => "Everything".to_string(),
            "kind" => "ebook".to_string(),
            "stage" => "consideration".to_string(),
            "media_url" => "/media/uploads/content/guide.pdf".to_string(),
            "cover_url" => "/media/uploads/content/cover.png".to_string(),
            "cover_alt" => "A grinder on a counter".to_string(),
            _ => String::new(),
        };
        let all = |k: &str| match k {
            "category_ids" => vec!["4".to_string(), "x".to_string()],
            _ => vec!["1".to_string()],
        };
        let input = parse_content_form(get_ok, all, 0).unwrap();
        assert_eq!(input.category_ids, [4]);
        assert_eq!(input.cover_alt, "A grinder on a counter");
    }
}

#[cfg(test)]
mod form_tests {
    use super::*;
    use std::collections::HashMap;

    fn form(pairs: &[(&str, &str)]) -> impl Fn(&str) -> String {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k: &str| map.get(k).cloned().unwrap_or_default()
    }

    const GOOD: &[(&str, &str)] = &[
        ("name", "Aurelia Duo 2.0"),
        ("sku", "AUR-2"),
        ("category_id", "3"),
        ("summary", "A dual boiler."),
        ("price", "1,249.50"),
        ("status", "active"),
        ("specs", "Weight: 9.5 kg\nBoiler: Dual"),
    ];

    #[test]
    fn a_good_form_becomes_a_product() {
        let input = parse_product_form(form(GOOD)).unwrap();
        assert_eq!(input.slug, "aurelia-duo-2-0");
        assert_eq!(input.price_cents, 124_950);
        assert_eq!(input.specs[0].unit.as_deref(), Some("kg"));
        assert_eq!(input.specs[1].value, "Dual");
        assert_eq!(specs_to_text(&input.specs), "Weight: 9.5 kg\nBoiler: Dual");
    }

    #[test]
    fn bad_fields_are_named() {
        let field_of = |overrides: &[(&str, &str)]| {
            let mut pairs: Vec<(&str, &str)> = GOOD.to_vec();
            pairs.extend_from_slice(overrides);
            match parse_product_form(form(&pairs)) {
                Err(crate::error::AppError::Fields { errors }) if errors.len() == 1 => {
                    errors[0].0.clone()
                }
                other => panic!("expected a validation error, got {other:?}"),
            }
        };
        assert_eq!(field_of(&[("name", " ")]), "name");
        assert_eq!(field_of(&[("slug", "Not A Slug")]), "slug");
        assert_eq!(field_of(&[("price", "12.345")]), "price");
        assert_eq!(field_of(&[("compare_at", "10")]), "compare_at");
        assert_eq!(field_of(&[("status", "published!")]), "status");
        assert_eq!(field_of(&[("specs", "no colon here")]), "specs");
        assert_eq!(field_of(&[("sku", "a b")]), "sku");
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let fields: Vec<String> = match parse_product_form(form(&[("price", "twelve")])) {
            Err(crate::error::AppError::Fields { errors }) => {
                errors.into_iter().map(|(f, _)| f).collect()
            }
            other => panic!("expected field errors, got {other:?}"),
        };
        assert_eq!(
            fields,
            ["name", "sku", "category_id", "summary", "price", "status"]
        );
    }
}
