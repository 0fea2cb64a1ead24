//! Side-by-side comparison: aligning the specifications of 2–4 products by name and unit
//! and marking the rows where they differ.

use super::model::{ProductCard, Spec};
use serde::{Deserialize, Serialize};

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
}
