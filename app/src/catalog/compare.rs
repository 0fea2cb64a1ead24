//! Side-by-side comparison: aligning the specifications of 2–4 products by name and unit
//! and marking the rows where they differ.

use super::model::{ProductCard, Spec};
use serde::{Deserialize, Serialize};

pub const MIN_COMPARE: usize = 2;
pub const MAX_COMPARE: usize = 4;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CompareRow {
    pub name: String,
    pub unit: Option<String>,
    /// One cell per product, in the table's column order; `None` when a product lacks it.
    pub values: Vec<Option<String>>,
    pub differs: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CompareTable {
    pub products: Vec<ProductCard>,
    pub rows: Vec<CompareRow>,
    /// Slugs that were asked for but are not (or no longer) in the catalogue.
    pub missing: Vec<String>,
}

/// Reads `?products=a,b,c` (also accepts repeated `products=`), keeping order, dropping
/// duplicates and blanks. Returns the slugs, capped at `MAX_COMPARE`, and whether any
/// were dropped for being over the cap.
pub fn parse_compare_slugs<'a>(values: impl IntoIterator<Item = &'a str>) -> (Vec<String>, bool) {
    let mut slugs: Vec<String> = Vec::new();
    let mut over = false;
    for value in values {
        for slug in value.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            if !crate::slug::is_valid_slug(slug) || slugs.iter().any(|s| s == slug) {
                continue;
            }
            if slugs.len() == MAX_COMPARE {
                over = true;
                continue;
            }
            slugs.push(slug.to_string());
        }
    }
    (slugs, over)
}

/// Builds aligned rows: a row per (spec name, unit) in order of first appearance, so
/// "Water tank (L)" lines up across products while "Weight (kg)" and "Weight (lb)" do not
/// pretend to be the same.
pub fn align_specs(specs_per_product: &[Vec<Spec>]) -> Vec<CompareRow> {
    let mut rows: Vec<CompareRow> = Vec::new();
    let columns = specs_per_product.len();
    for (col, specs) in specs_per_product.iter().enumerate() {
        for spec in specs {
            let unit = spec.unit.clone().filter(|u| !u.is_empty());
            let row = match rows
                .iter_mut()
                .position(|r| r.name == spec.name && r.unit == unit)
            {
                Some(i) => &mut rows[i],
                None => {
                    rows.push(CompareRow {
                        name: spec.name.clone(),
                        unit: unit.clone(),
                        values: vec![None; columns],
                        differs: false,
                    });
                    rows.last_mut().expect("just pushed")
                }
            };
            if row.values[col].is_none() {
                row.values[col] = Some(spec.value.clone());
            }
        }
    }
    for row in &mut rows {
        let first = &row.values[0];
        row.differs = row.values.iter().any(|v| v != first);
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(name: &str, value: &str, unit: Option<&str>) -> Spec {
        Spec {
            name: name.into(),
            value: value.into(),
            unit: unit.map(Into::into),
        }
    }

    #[test]
    fn aligns_by_name_and_unit_and_marks_differences() {
        let rows = align_specs(&[
            vec![
                spec("Water tank", "2.5", Some("L")),
                spec("Boiler type", "Dual boiler", None),
            ],
            vec![
                spec("Boiler type", "Dual boiler", None),
                spec("Water tank", "1.8", Some("L")),
            ],
        ]);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].name, "Water tank");
        assert_eq!(rows[0].values, vec![Some("2.5".into()), Some("1.8".into())]);
        assert!(rows[0].differs);
        assert!(!rows[1].differs);
    }

    #[test]
    fn missing_specs_leave_gaps_and_count_as_different() {
        let rows = align_specs(&[
            vec![spec("Weight", "9", Some("kg"))],
            vec![
                spec("Weight", "20", Some("lb")),
                spec("Weight", "9", Some("kg")),
            ],
        ]);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].values, vec![Some("9".into()), Some("9".into())]);
        assert!(!rows[0].differs);
        assert_eq!(rows[1].values, vec![None, Some("20".into())]);
        assert!(rows[1].differs);
    }

    #[test]
    fn parses_slugs_in_order_without_duplicates_and_caps() {
        let (slugs, over) = parse_compare_slugs(["a,b, a ,,c", "d,e", "NOT VALID"]);
        assert_eq!(slugs, vec!["a", "b", "c", "d"]);
        assert!(over);
    }
}

/// The compare tray lives in this cookie, so it survives page loads and works the same
/// with and without JavaScript.
pub const TRAY_COOKIE: &str = "sf_compare";

/// Reads the tray cookie value ("slug-a.slug-b"): valid slugs only, no duplicates, capped.
pub fn parse_tray(value: &str) -> Vec<String> {
    parse_compare_slugs(value.split('.')).0
}

/// The cookie value for a tray (slugs never contain dots).
pub fn format_tray(slugs: &[String]) -> String {
    slugs.join(".")
}

/// Adds or removes a slug; adding to a full tray drops the oldest pick.
pub fn toggle_in_tray(tray: &[String], slug: &str) -> Vec<String> {
    let mut next: Vec<String> = tray.to_vec();
    if let Some(i) = next.iter().position(|s| s == slug) {
        next.remove(i);
    } else if crate::slug::is_valid_slug(slug) {
        if next.len() == MAX_COMPARE {
            next.remove(0);
        }
        next.push(slug.to_string());
    }
    next
}

/// Finds the tray in a `Cookie` header (or `document.cookie`): "a=1; sf_compare=x.y".
pub fn tray_from_cookies(cookies: &str) -> Vec<String> {
    cookies
        .split(';')
        .filter_map(|c| c.trim().split_once('='))
        .find(|(name, _)| *name == TRAY_COOKIE)
        .map(|(_, value)| parse_tray(value))
        .unwrap_or_default()
}

/// The tray of the request being rendered, read from its cookie.
#[cfg(feature = "ssr")]
pub fn current_tray() -> Vec<String> {
    let Some(parts) = leptos::prelude::use_context::<http::request::Parts>() else {
        return Vec::new();
    };
    parts
        .headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|h| h.to_str().ok())
        .flat_map(tray_from_cookies)
        .collect()
}

/// Pages render on the server only; in the browser the islands read the cookie themselves.
#[cfg(not(feature = "ssr"))]
pub fn current_tray() -> Vec<String> {
    Vec::new()
}

#[cfg(test)]
mod tray_tests {
    use super::*;

    #[test]
    fn tray_round_trips_and_toggles() {
        assert_eq!(
            tray_from_cookies("x=1; sf_compare=a.b; y=2"),
            vec!["a", "b"]
        );
        let tray = parse_tray("a.b.a.BAD");
        assert_eq!(tray, vec!["a", "b"]);
        assert_eq!(format_tray(&tray), "a.b");
        assert_eq!(toggle_in_tray(&tray, "a"), vec!["b"]);
        let full = vec!["a".into(), "b".into(), "c".into(), "d".into()];
        assert_eq!(toggle_in_tray(&full, "e"), vec!["b", "c", "d", "e"]);
    }
}
