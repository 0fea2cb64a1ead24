//! Variants: a product's options (Grind, Size, Voltage — up to three) and one variant per
//! combination of their values, each with its own SKU, price, stock, weight and picture.
//! A product without options has one implicit variant with no values, so the cart, orders
//! and quotes always name a variant and simple products behave as they always did.
//!
//! This module is the pure part (shared by the server and the product page's island):
//! reading the staff's option form, the grid of combinations, which variant a visitor
//! picked and what each choice would lead to. The SQL is in `repo.rs`.

#[cfg(feature = "ssr")]
pub mod repo;

use crate::money::Money;
use serde::{Deserialize, Serialize};

/// Shopify's limit too: more options than this and nobody can choose.
pub const MAX_OPTIONS: usize = 3;
pub const MAX_VALUES_PER_OPTION: usize = 20;
/// The grid a product may have; beyond it a merchant needs separate products.
pub const MAX_VARIANTS: usize = 100;
pub const MAX_OPTION_TEXT: usize = 40;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductOption {
    pub name: String,
    pub values: Vec<String>,
}

/// One variant as the storefront shows and sells it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Variant {
    pub id: i64,
    pub sku: String,
    /// One value per option, in the options' order (empty for the implicit variant).
    pub values: Vec<String>,
    pub price: Money,
    pub compare_at: Option<Money>,
    pub stock: i64,
    pub weight_grams: Option<i64>,
    /// Its own picture, or "" to show the product's.
    pub image_url: String,
}

impl Variant {
    /// "Espresso / 1 kg"; "" for the implicit variant.
    pub fn title(&self) -> String {
        variant_title(&self.values)
    }
}

/// One row of the staff's variant table, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VariantEdit {
    pub id: i64,
    pub sku: String,
    pub price_cents: i64,
    pub compare_at_cents: Option<i64>,
    pub weight_grams: Option<i64>,
    /// One of the product's pictures, or "" for the product's first.
    pub image_url: String,
}

/// The values of a combination, joined as people read them.
pub fn variant_title<S: AsRef<str>>(values: &[S]) -> String {
    values
        .iter()
        .map(AsRef::as_ref)
        .filter(|v| !v.is_empty())
        .collect::<Vec<_>>()
        .join(" / ")
}

/// A product's name with its variant's values, as carts, orders, emails, invoices, quotes
/// and the payment provider show it: "Kestrel 64 (230 V)"; the bare name for a simple
/// product.
pub fn name_with_variant(name: &str, title: &str) -> String {
    match title.is_empty() {
        true => name.to_string(),
        false => format!("{name} ({title})"),
    }
}

/// Why the staff's option form can't be used, for the field it names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptionsError {
    pub field: String,
    pub message: String,
}

fn options_error(field: String, message: impl Into<String>) -> OptionsError {
    OptionsError {
        field,
        message: message.into(),
    }
}

/// Reads the option form: `option_name_{1..3}` and `option_values_{1..3}` (values split on
/// commas). A row with neither is skipped; every value is trimmed, and duplicates (ignoring
/// case) are refused rather than silently merged.
pub fn parse_options(field: impl Fn(&str) -> String) -> Result<Vec<ProductOption>, OptionsError> {
    let mut options: Vec<ProductOption> = Vec::new();
    for n in 1..=MAX_OPTIONS {
        let name_field = format!("option_name_{n}");
        let values_field = format!("option_values_{n}");
        let name = clean(&field(&name_field));
        let values_text = field(&values_field);
        let values: Vec<String> = values_text
            .split(',')
            .map(clean)
            .filter(|v| !v.is_empty())
            .collect();
        if name.is_empty() && values.is_empty() {
            continue;
        }
        if name.is_empty() {
            return Err(options_error(
                name_field,
                "Name this option (for example Grind or Size).",
            ));
        }
        if name.chars().count() > MAX_OPTION_TEXT
            || values.iter().any(|v| v.chars().count() > MAX_OPTION_TEXT)
        {
            return Err(options_error(
                values_field,
                format!("Keep option names and values to {MAX_OPTION_TEXT} characters."),
            ));
        }
        if values.is_empty() {
            return Err(options_error(
                values_field,
                format!("List the values of {name}, separated by commas."),
            ));
        }
        if values.len() > MAX_VALUES_PER_OPTION {
            return Err(options_error(
                values_field,
                format!("An option can have up to {MAX_VALUES_PER_OPTION} values."),
            ));
        }
        if let Some(dup) = first_duplicate(&values) {
            return Err(options_error(
                values_field,
                format!("\"{dup}\" is listed twice."),
            ));
        }
        if options.iter().any(|o| o.name.eq_ignore_ascii_case(&name)) {
            return Err(options_error(
                name_field,
                format!("There is already an option called {name}."),
            ));
        }
        options.push(ProductOption { name, values });
    }
    let count: usize = options.iter().map(|o| o.values.len()).product();
    if count > MAX_VARIANTS {
        return Err(options_error(
            "option_values_1".into(),
            format!(
                "These options make {count} combinations; a product can have up to {MAX_VARIANTS}."
            ),
        ));
    }
    Ok(options)
}

/// Trimmed, inner whitespace collapsed, control characters (NUL …) dropped.
fn clean(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_control())
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn first_duplicate(values: &[String]) -> Option<&str> {
    values.iter().enumerate().find_map(|(i, v)| {
        values[..i]
            .iter()
            .any(|earlier| earlier.to_lowercase() == v.to_lowercase())
            .then_some(v.as_str())
    })
}

/// Every combination of the options' values, the first option varying slowest (the order
/// the staff table and the picker list them). No options: one empty combination, the
/// implicit variant.
pub fn combinations(options: &[ProductOption]) -> Vec<Vec<String>> {
    options.iter().fold(vec![Vec::new()], |grid, option| {
        grid.iter()
            .flat_map(|prefix| {
                option.values.iter().map(move |value| {
                    let mut combination = prefix.clone();
                    combination.push(value.clone());
                    combination
                })
            })
            .collect()
    })
}

/// A new variant's SKU: the product's, then each value's letters ("BEAN-ETH-ESPRESSO-1KG").
pub fn sku_for(base: &str, values: &[String]) -> String {
    let mut sku = base.to_string();
    for value in values {
        let part: String = value
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .map(|c| c.to_ascii_uppercase())
            .collect();
        if !part.is_empty() {
            sku.push('-');
            sku.push_str(&part);
        }
    }
    sku
}

/// What choosing `value` for option `index` would lead to, given the visitor's other
/// choices: the picker marks sold-out and never-made combinations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChoiceState {
    Available,
    SoldOut,
    NotMade,
}

pub fn choice_state(
    variants: &[Variant],
    chosen: &[String],
    index: usize,
    value: &str,
) -> ChoiceState {
    let wanted = |v: &&Variant| {
        v.values.get(index).map(String::as_str) == Some(value)
            && v.values.iter().enumerate().all(|(i, own)| {
                i == index || chosen.get(i).is_none_or(|c| c.is_empty() || c == own)
            })
    };
    match variants.iter().filter(wanted).map(|v| v.stock).max() {
        None => ChoiceState::NotMade,
        Some(0) => ChoiceState::SoldOut,
        Some(_) => ChoiceState::Available,
    }
}

/// The variant whose values are exactly `picked`.
pub fn find_by_values<'a>(variants: &'a [Variant], picked: &[String]) -> Option<&'a Variant> {
    variants.iter().find(|v| v.values == picked)
}

/// Which variant a product page shows: the one the URL names (`?variant=`), else the one
/// the option form picked, else the first one in stock (or simply the first). `None` when
/// the visitor picked a combination that is not made.
pub fn selected<'a>(
    variants: &'a [Variant],
    requested: Option<i64>,
    picked: &[String],
) -> Option<&'a Variant> {
    if let Some(v) = requested.and_then(|id| variants.iter().find(|v| v.id == id)) {
        return Some(v);
    }
    if picked.iter().any(|p| !p.is_empty()) {
        return find_by_values(variants, picked);
    }
    variants
        .iter()
        .find(|v| v.stock > 0)
        .or_else(|| variants.first())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Currency;
    use std::collections::HashMap;

    fn form(pairs: &[(&str, &str)]) -> impl Fn(&str) -> String {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| map.get(k).cloned().unwrap_or_default()
    }

    fn variant(id: i64, values: &[&str], stock: i64) -> Variant {
        Variant {
            id,
            sku: format!("SKU-{id}"),
            values: values.iter().map(|v| v.to_string()).collect(),
            price: Money::new(1000 + id, Currency::Usd),
            compare_at: None,
            stock,
            weight_grams: Some(250),
            image_url: String::new(),
        }
    }

    #[test]
    fn the_option_form_is_read_and_checked() {
        let options = parse_options(form(&[
            ("option_name_1", " Grind "),
            ("option_values_1", "Whole bean,  Espresso , Filter,"),
            ("option_name_2", "Size"),
            ("option_values_2", "250 g, 1 kg"),
        ]))
        .unwrap();
        assert_eq!(options.len(), 2);
        assert_eq!(options[0].name, "Grind");
        assert_eq!(options[0].values, ["Whole bean", "Espresso", "Filter"]);
        assert_eq!(parse_options(form(&[])).unwrap(), Vec::new());

        let error = parse_options(form(&[("option_values_1", "a, b")])).unwrap_err();
        assert_eq!(error.field, "option_name_1");
        let error = parse_options(form(&[
            ("option_name_1", "Size"),
            ("option_values_1", "1 kg, 1 KG"),
        ]))
        .unwrap_err();
        assert!(error.message.contains("listed twice"), "{error:?}");
        let error = parse_options(form(&[
            ("option_name_1", "Size"),
            ("option_values_1", "a"),
            ("option_name_2", "size"),
            ("option_values_2", "b"),
        ]))
        .unwrap_err();
        assert_eq!(error.field, "option_name_2");
        let many: String = (0..11).map(|i| format!("v{i},")).collect();
        let error = parse_options(form(&[
            ("option_name_1", "A"),
            ("option_values_1", &many),
            ("option_name_2", "B"),
            ("option_values_2", &many),
        ]))
        .unwrap_err();
        assert!(error.message.contains("121 combinations"), "{error:?}");
        let nul = parse_options(form(&[
            ("option_name_1", "Gri\0nd"),
            ("option_values_1", "a\0b"),
        ]))
        .unwrap();
        assert_eq!(nul[0].name, "Grind");
        assert_eq!(nul[0].values, ["ab"]);
    }

    #[test]
    fn the_grid_has_every_combination_once() {
        let options = vec![
            ProductOption {
                name: "Grind".into(),
                values: vec!["Whole".into(), "Espresso".into(), "Filter".into()],
            },
            ProductOption {
                name: "Size".into(),
                values: vec!["250 g".into(), "1 kg".into()],
            },
        ];
        let grid = combinations(&options);
        assert_eq!(grid.len(), 6);
        assert_eq!(grid[0], ["Whole", "250 g"]);
        assert_eq!(grid[1], ["Whole", "1 kg"]);
        assert_eq!(grid[5], ["Filter", "1 kg"]);
        assert_eq!(combinations(&[]), vec![Vec::<String>::new()]);
        assert_eq!(sku_for("BEAN-ETH", &grid[1]), "BEAN-ETH-WHOLE-1KG");
        assert_eq!(sku_for("X", &[]), "X");
        assert_eq!(variant_title(&grid[1]), "Whole / 1 kg");
        assert_eq!(
            name_with_variant("Blend", "Whole / 1 kg"),
            "Blend (Whole / 1 kg)"
        );
        assert_eq!(name_with_variant("Blend", ""), "Blend");
    }

    #[test]
    fn the_picker_knows_what_each_choice_leads_to() {
        let variants = vec![
            variant(1, &["Whole", "250 g"], 4),
            variant(2, &["Whole", "1 kg"], 0),
            variant(3, &["Espresso", "250 g"], 9),
        ];
        let chosen = vec!["Whole".to_string(), "250 g".to_string()];
        assert_eq!(
            choice_state(&variants, &chosen, 1, "1 kg"),
            ChoiceState::SoldOut
        );
        assert_eq!(
            choice_state(&variants, &chosen, 0, "Espresso"),
            ChoiceState::Available
        );
        let espresso = vec!["Espresso".to_string(), "250 g".to_string()];
        assert_eq!(
            choice_state(&variants, &espresso, 1, "1 kg"),
            ChoiceState::NotMade
        );

        assert_eq!(selected(&variants, Some(3), &[]).unwrap().id, 3);
        assert_eq!(
            selected(&variants, Some(99), &[]).unwrap().id,
            1,
            "an unknown id falls back"
        );
        assert_eq!(
            selected(&variants, None, &["Whole".into(), "1 kg".into()])
                .unwrap()
                .id,
            2
        );
        assert!(selected(&variants, None, &["Espresso".into(), "1 kg".into()]).is_none());
        let sold_out_first = vec![variant(5, &["A"], 0), variant(6, &["B"], 2)];
        assert_eq!(selected(&sold_out_first, None, &[]).unwrap().id, 6);
    }
}
