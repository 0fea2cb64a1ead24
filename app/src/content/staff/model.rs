//! Content management's shapes: staff's content list and editor data, persona coverage,
//! and the content form's checks.

use crate::catalog::staff::model::{CategoryNode, MAX_DESCRIPTION_CHARS};
use serde::{Deserialize, Serialize};

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
        crate::slug::slugify(&title)
    } else {
        typed_slug
    };
    if !title.is_empty() && !crate::slug::is_valid_slug(&slug) {
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
    if product_slugs.iter().any(|s| !crate::slug::is_valid_slug(s)) || product_slugs.len() > 12 {
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
