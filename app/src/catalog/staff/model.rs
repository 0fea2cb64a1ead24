//! Catalogue management's shapes: staff's product list and editor data, the category tree,
//! and the product form's checks.

use crate::money::parse_money_field;
use serde::{Deserialize, Serialize};

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
    /// Shipping weight in grams, as typed ("" when not weighed yet).
    pub weight: String,
    /// The tax class's key ("standard", "reduced", "zero").
    pub tax_class: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StockAdjustment {
    /// The variant's values ("" for a simple product's only variant).
    pub variant: String,
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
    /// Its options and variants for sale (one implicit variant for a simple product).
    pub options: Vec<crate::catalog::variants::ProductOption>,
    pub variants: Vec<crate::catalog::variants::Variant>,
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

pub const PRODUCT_STATUSES: [&str; 3] = ["draft", "active", "archived"];

pub fn status_label(status: &str) -> &'static str {
    match status {
        "active" => "Published",
        "draft" => "Draft",
        "archived" => "Archived",
        _ => "Unknown",
    }
}

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
    /// Shipping weight in grams; `None` until someone weighs it (weight-based rates then
    /// cannot price it, flat and value rates still can).
    pub weight_grams: Option<i64>,
    pub tax_class: crate::catalog::model::TaxClass,
}

pub const MAX_DESCRIPTION_CHARS: usize = 20_000;
pub const MAX_SPECS: usize = 40;

/// Validates the product form's fields; the error names the field to fix.
pub fn parse_product_form(
    get: impl Fn(&str) -> String,
) -> Result<ProductInput, crate::error::AppError> {
    use crate::error::AppError;
    use crate::slug::{is_valid_slug, slugify};

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
    let weight_grams = keep(&mut errors, {
        let text = get("weight");
        let text = text.trim();
        match text.parse::<i64>() {
            _ if text.is_empty() => Ok(None),
            Ok(grams) if (1..=1_000_000).contains(&grams) => Ok(Some(grams)),
            _ => Err(AppError::invalid(
                "weight",
                "Enter the packed weight in whole grams (1 to 1000000), or leave it empty.",
            )),
        }
    });
    let tax_class = keep(&mut errors, {
        let text = get("tax_class");
        if text.trim().is_empty() {
            Ok(crate::catalog::model::TaxClass::Standard)
        } else {
            crate::catalog::model::TaxClass::parse(&text).ok_or_else(|| {
                AppError::invalid("tax_class", "Choose standard, reduced or zero rate.")
            })
        }
    });
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
        weight_grams,
        tax_class,
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
            Some(weight_grams),
            Some(tax_class),
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
            weight_grams,
            tax_class,
        }),
        _ => Err(AppError::Fields { errors }),
    }
}

/// Reads the variant table: rows `variant_{n}_id`, `_sku`, `_price`, `_compare_at`,
/// `_weight`, `_image` for n in 1..=rows. Every row's mistakes are reported at once, each
/// on its own field. `images` are the product's pictures, the only ones a variant may use.
pub fn parse_variant_table(
    get: impl Fn(&str) -> String,
    rows: usize,
    images: &[String],
) -> Result<Vec<crate::catalog::variants::VariantEdit>, crate::error::AppError> {
    use crate::error::AppError;
    let mut errors = Vec::new();
    let mut edits = Vec::new();
    for n in 1..=rows.min(crate::catalog::variants::MAX_VARIANTS) {
        let field = |name: &str| format!("variant_{n}_{name}");
        let Ok(id) = get(&field("id")).trim().parse::<i64>() else {
            errors.push((
                field("sku"),
                "This row lost its variant; reload the page.".into(),
            ));
            continue;
        };
        let sku = get(&field("sku")).trim().to_string();
        if sku.is_empty()
            || sku.chars().count() > 64
            || !sku
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            errors.push((
                field("sku"),
                "Give a SKU of up to 64 letters, digits, hyphens and underscores.".into(),
            ));
        }
        let price = keep(
            &mut errors,
            parse_money_field(&get(&field("price")), &field("price"), true),
        )
        .flatten();
        let was = keep(
            &mut errors,
            parse_money_field(&get(&field("compare_at")), &field("compare_at"), false),
        )
        .flatten();
        if let (Some(was), Some(price)) = (was, price) {
            if was <= price {
                errors.push((
                    field("compare_at"),
                    "The \"was\" price must be higher than the price, or left empty.".into(),
                ));
            }
        }
        let weight_text = get(&field("weight"));
        let weight = match weight_text.trim() {
            "" => None,
            text => match text.parse::<i64>() {
                Ok(grams) if (1..=1_000_000).contains(&grams) => Some(grams),
                _ => {
                    errors.push((
                        field("weight"),
                        "Whole grams from 1 to 1000000, or empty.".into(),
                    ));
                    None
                }
            },
        };
        let image = get(&field("image")).trim().to_string();
        if !image.is_empty() && !images.contains(&image) {
            errors.push((
                field("image"),
                "Choose one of the product's pictures.".into(),
            ));
        }
        if let Some(price) = price {
            if edits
                .iter()
                .any(|e: &crate::catalog::variants::VariantEdit| e.sku.eq_ignore_ascii_case(&sku))
            {
                errors.push((field("sku"), format!("{sku} is used by another row.")));
            }
            edits.push(crate::catalog::variants::VariantEdit {
                id,
                sku,
                price_cents: price,
                compare_at_cents: was,
                weight_grams: weight,
                image_url: image,
            });
        }
    }
    if errors.is_empty() {
        Ok(edits)
    } else {
        Err(AppError::Fields { errors })
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

/// The specs as the form's textarea shows them.
pub fn specs_to_text(specs: &[crate::catalog::model::Spec]) -> String {
    specs
        .iter()
        .map(|s| format!("{}: {}", s.name, s.display()))
        .collect::<Vec<_>>()
        .join("\n")
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

/// A synonym pair as staff typed it: "a search for `word` also finds `means`". Both are one
/// search word each (letters and digits, as the search splits words), lower-cased.
pub fn parse_synonym(word: &str, means: &str) -> Result<(String, String), crate::error::AppError> {
    use crate::error::AppError;
    let one_word = |text: &str, field: &'static str| {
        let text = text.trim().to_lowercase();
        let fine =
            (2..=40).contains(&text.chars().count()) && text.chars().all(|c| c.is_alphanumeric());
        if fine {
            Ok(text)
        } else {
            Err(AppError::invalid(
                field,
                "Use one word of 2 to 40 letters or digits (no spaces or punctuation).",
            ))
        }
    };
    let word = one_word(word, "word")?;
    let means = one_word(means, "means")?;
    if word == means {
        return Err(AppError::invalid(
            "means",
            "A word already finds itself: name a different word.",
        ));
    }
    Ok((word, means))
}

#[cfg(test)]
mod synonym_tests {
    use super::parse_synonym;

    #[test]
    fn synonyms_are_single_lower_case_words_that_differ() {
        assert_eq!(
            parse_synonym(" Jug ", "PITCHER").unwrap(),
            ("jug".into(), "pitcher".into())
        );
        assert!(parse_synonym("milk jug", "pitcher").is_err());
        assert!(parse_synonym("jug", "jug").is_err());
        assert!(parse_synonym("j", "pitcher").is_err());
        assert!(parse_synonym("jug", "<b>").is_err());
    }
}
