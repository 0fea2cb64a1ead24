//! Catalogue types shared by the server and the browser, and the rules for reading
//! search parameters from a URL (clamping what can be clamped, refusing the rest).

pub use crate::cards::model::{stock_state, CategoryRef, ProductCard, StockState, LOW_STOCK};
use crate::error::AppError;
use crate::forms::url_encode;
use crate::money::Money;
use crate::money::{minor_to_plain, parse_decimal_minor};
pub use crate::ui::Suggestion;
use serde::{Deserialize, Serialize};

pub const PAGE_SIZE: i64 = 24;
/// Longer search text is refused with a 400: nobody types more, and FTS cost grows with it.
pub const MAX_QUERY_LEN: usize = 256;
const MAX_SPEC_FILTERS: usize = 12;
/// At most this many best text matches take part in a search (results and facets);
/// beyond that the visitor is asked to refine, which keeps broad words fast at scale.
pub const MAX_TEXT_MATCHES: i64 = 1000;
/// Pages past this are refused: deep offsets are slow and no person reads page 10,000.
pub const MAX_PAGE: i64 = 1000;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Category {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub description: String,
    pub parent_id: Option<i64>,
    /// Active products in this category and its descendants.
    pub product_count: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Spec {
    pub name: String,
    pub value: String,
    pub unit: Option<String>,
}

impl Spec {
    /// "2.5 L", "Dual boiler".
    pub fn display(&self) -> String {
        match &self.unit {
            Some(unit) if !unit.is_empty() => format!("{} {}", self.value, unit),
            _ => self.value.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProductImage {
    pub url: String,
    pub alt: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProductDetail {
    pub slug: String,
    pub name: String,
    pub summary: String,
    /// Already sanitised HTML rendered from the Markdown description.
    pub description_html: String,
    pub price: Money,
    pub compare_at: Option<Money>,
    pub sku: String,
    pub stock: i64,
    /// Root first, the product's own category last.
    pub breadcrumbs: Vec<CategoryRef>,
    pub images: Vec<ProductImage>,
    pub specs: Vec<Spec>,
    pub related: Vec<ProductCard>,
    /// "Learn before you buy": content about the product or its categories, ordered for
    /// the visitor.
    pub learn: Vec<crate::cards::model::ContentCard>,
    /// Whether the visitor saved it for later.
    pub saved: bool,
    /// Its options (none for a simple product) and variants for sale.
    pub options: Vec<super::variants::ProductOption>,
    pub variants: Vec<super::variants::Variant>,
    /// The variant the page shows (`None`: the visitor picked a combination not made) and
    /// the values shown as chosen.
    pub selected_variant: Option<i64>,
    pub chosen: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum Sort {
    /// Relevance with a search text, newest first without one.
    #[default]
    Relevance,
    PriceAsc,
    PriceDesc,
    Newest,
}

impl Sort {
    pub const ALL: [Sort; 4] = [
        Sort::Relevance,
        Sort::PriceAsc,
        Sort::PriceDesc,
        Sort::Newest,
    ];

    pub fn parse(s: &str) -> Option<Sort> {
        match s {
            "relevance" => Some(Sort::Relevance),
            "price_asc" => Some(Sort::PriceAsc),
            "price_desc" => Some(Sort::PriceDesc),
            "newest" => Some(Sort::Newest),
            _ => None,
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            Sort::Relevance => "relevance",
            Sort::PriceAsc => "price_asc",
            Sort::PriceDesc => "price_desc",
            Sort::Newest => "newest",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Sort::Relevance => "Best match",
            Sort::PriceAsc => "Price: low to high",
            Sort::PriceDesc => "Price: high to low",
            Sort::Newest => "Newest",
        }
    }
}

/// What a visitor asked the catalogue for, after validation. Prices are minor units.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct SearchParams {
    pub q: String,
    pub category: Option<String>,
    pub min_price: Option<i64>,
    pub max_price: Option<i64>,
    pub in_stock: bool,
    /// (spec name, value) pairs: values of one name are OR-ed, names are AND-ed.
    pub specs: Vec<(String, String)>,
    pub sort: Sort,
    pub page: i64,
}

/// The result of reading a query string: the parameters plus notes shown on the page
/// about anything we had to correct.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedSearch {
    pub params: SearchParams,
    pub notices: Vec<String>,
}

impl SearchParams {
    /// Reads URL query pairs. Unknown keys are ignored; fixable values are clamped with a
    /// notice; values that cannot mean anything useful are refused with a 400.
    pub fn parse<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<ParsedSearch, AppError> {
        let mut params = SearchParams {
            page: 1,
            ..Default::default()
        };
        let mut notices = Vec::new();
        for (key, value) in pairs {
            let value = value.trim();
            match key {
                "q" => {
                    if value.chars().count() > MAX_QUERY_LEN {
                        return Err(AppError::bad_request(format!(
                            "Your search is too long. Please use at most {MAX_QUERY_LEN} characters."
                        )));
                    }
                    params.q = value.split_whitespace().collect::<Vec<_>>().join(" ");
                }
                "category" if !value.is_empty() => {
                    if crate::slug::is_valid_slug(value) {
                        params.category = Some(value.to_string());
                    } else {
                        notices.push("We ignored a category filter that doesn't exist.".into());
                    }
                }
                "min" => params.min_price = parse_price("Minimum price", value, &mut notices),
                "max" => params.max_price = parse_price("Maximum price", value, &mut notices),
                "stock" => params.in_stock = matches!(value, "1" | "true" | "on" | "yes"),
                "spec" => match value.split_once(':') {
                    Some((name, val)) if !name.trim().is_empty() && !val.trim().is_empty() => {
                        if params.specs.len() >= MAX_SPEC_FILTERS {
                            notices.push(format!(
                                "Only the first {MAX_SPEC_FILTERS} specification filters are used."
                            ));
                        } else if name.len() <= 100 && val.len() <= 100 {
                            let pair = (name.trim().to_string(), val.trim().to_string());
                            if !params.specs.contains(&pair) {
                                params.specs.push(pair);
                            }
                        }
                    }
                    _ if value.is_empty() => {}
                    _ => notices.push("We ignored a specification filter we couldn't read.".into()),
                },
                "sort" => match Sort::parse(value) {
                    Some(sort) => params.sort = sort,
                    None if value.is_empty() => {}
                    None => notices.push("Unknown sort order; showing the best matches.".into()),
                },
                "page" => params.page = parse_page(value, &mut notices)?,
                _ => {}
            }
        }
        if let (Some(min), Some(max)) = (params.min_price, params.max_price) {
            if min > max {
                params.min_price = Some(max);
                params.max_price = Some(min);
                notices.push("The minimum price was above the maximum, so we swapped them.".into());
            }
        }
        Ok(ParsedSearch { params, notices })
    }

    /// The canonical query string for these parameters (stable order, defaults left out),
    /// used for pagination links, facet links and canonical URLs.
    pub fn to_query(&self) -> String {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        if !self.q.is_empty() {
            pairs.push(("q", self.q.clone()));
        }
        if let Some(category) = &self.category {
            pairs.push(("category", category.clone()));
        }
        if let Some(min) = self.min_price {
            pairs.push(("min", minor_to_plain(min)));
        }
        if let Some(max) = self.max_price {
            pairs.push(("max", minor_to_plain(max)));
        }
        if self.in_stock {
            pairs.push(("stock", "1".into()));
        }
        for (name, value) in &self.specs {
            pairs.push(("spec", format!("{name}:{value}")));
        }
        if self.sort != Sort::Relevance {
            pairs.push(("sort", self.sort.key().into()));
        }
        if self.page > 1 {
            pairs.push(("page", self.page.to_string()));
        }
        pairs
            .iter()
            .map(|(k, v)| format!("{k}={}", url_encode(v)))
            .collect::<Vec<_>>()
            .join("&")
    }

    /// `path` plus the query string, without a dangling "?".
    pub fn url(&self, path: &str) -> String {
        let query = self.to_query();
        if query.is_empty() {
            path.to_string()
        } else {
            format!("{path}?{query}")
        }
    }

    pub fn with_page(&self, page: i64) -> SearchParams {
        SearchParams {
            page,
            ..self.clone()
        }
    }

    /// A copy with the spec filter switched on or off; filters reset the page.
    pub fn toggle_spec(&self, name: &str, value: &str) -> SearchParams {
        let mut next = self.with_page(1);
        let pair = (name.to_string(), value.to_string());
        if let Some(i) = next.specs.iter().position(|p| *p == pair) {
            next.specs.remove(i);
        } else {
            next.specs.push(pair);
        }
        next
    }

    pub fn has_spec(&self, name: &str, value: &str) -> bool {
        self.specs.iter().any(|(n, v)| n == name && v == value)
    }

    pub fn has_filters(&self) -> bool {
        self.category.is_some()
            || self.min_price.is_some()
            || self.max_price.is_some()
            || self.in_stock
            || !self.specs.is_empty()
    }
}

/// Reads a price typed in whole currency units ("49", "49.5", "49.50") into minor units.
fn parse_price(label: &str, value: &str, notices: &mut Vec<String>) -> Option<i64> {
    if value.is_empty() {
        return None;
    }
    let Some(minor) = parse_decimal_minor(value.trim_start_matches(['$', '€', '£'])) else {
        notices.push(format!(
            "{label} \"{}\" isn't a number, so we ignored it.",
            truncate(value, 20)
        ));
        return None;
    };
    if minor < 0 {
        notices.push(format!("{label} can't be negative, so we used 0."));
        return Some(0);
    }
    Some(minor)
}

fn parse_page(value: &str, notices: &mut Vec<String>) -> Result<i64, AppError> {
    if value.is_empty() {
        return Ok(1);
    }
    match value.parse::<i64>() {
        Ok(p) if p < 1 => {
            notices.push("Pages start at 1, so we showed the first page.".into());
            Ok(1)
        }
        Ok(p) if p > MAX_PAGE => Err(AppError::bad_request(format!(
            "Page {p} is out of range. Please narrow your search instead."
        ))),
        Ok(p) => Ok(p),
        Err(_) => Err(AppError::bad_request(
            "The page number must be a whole number, like 2.",
        )),
    }
}

fn truncate(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FacetValue {
    pub value: String,
    pub label: String,
    pub count: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PriceRange {
    pub min: Option<i64>,
    pub max: Option<i64>,
    pub label: String,
    pub count: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpecFacet {
    pub name: String,
    pub values: Vec<FacetValue>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Facets {
    pub categories: Vec<FacetValue>,
    pub price_ranges: Vec<PriceRange>,
    pub in_stock: i64,
    pub specs: Vec<SpecFacet>,
}

/// Price buckets shown as facets, in minor units, [min, max).
pub const PRICE_BUCKETS: [(Option<i64>, Option<i64>); 6] = [
    (None, Some(5_000)),
    (Some(5_000), Some(20_000)),
    (Some(20_000), Some(50_000)),
    (Some(50_000), Some(100_000)),
    (Some(100_000), Some(500_000)),
    (Some(500_000), None),
];

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchResults {
    pub params: SearchParams,
    pub notices: Vec<String>,
    pub products: Vec<ProductCard>,
    pub total: i64,
    /// True when only the best `MAX_TEXT_MATCHES` text matches are shown.
    pub capped: bool,
    pub facets: Facets,
    /// Set when the results are one category's page.
    pub category: Option<CategoryPageInfo>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CategoryPageInfo {
    pub slug: String,
    pub name: String,
    pub description: String,
    pub breadcrumbs: Vec<CategoryRef>,
    pub children: Vec<CategoryRef>,
}

/// Pages needed to show `total` results (at least one, even when empty).
pub fn page_count(total: i64) -> i64 {
    ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1)
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HomeData {
    pub featured: Vec<ProductCard>,
    pub categories: Vec<Category>,
    pub newest: Vec<ProductCard>,
    /// For the "I'm a …" picker.
    pub personas: Vec<crate::cards::model::Persona>,
    pub me: Option<crate::journey::model::PersonaGuess>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(q: &[(&str, &str)]) -> Result<ParsedSearch, AppError> {
        SearchParams::parse(q.iter().copied())
    }

    #[test]
    fn defaults_and_unknown_keys() {
        let parsed = parse(&[("utm_source", "x"), ("foo", "bar")]).unwrap();
        assert_eq!(parsed.params.page, 1);
        assert_eq!(parsed.params.sort, Sort::Relevance);
        assert!(parsed.notices.is_empty());
        assert_eq!(parsed.params.to_query(), "");
    }

    #[test]
    fn prices_are_read_as_currency_units() {
        let p = parse(&[("min", "49.5"), ("max", "$200")]).unwrap().params;
        assert_eq!(p.min_price, Some(4950));
        assert_eq!(p.max_price, Some(20000));
        assert_eq!(p.to_query(), "min=49.50&max=200");
    }

    #[test]
    fn negative_price_is_clamped_with_a_notice() {
        let parsed = parse(&[("min", "-10")]).unwrap();
        assert_eq!(parsed.params.min_price, Some(0));
        assert_eq!(parsed.notices.len(), 1);
    }

    #[test]
    fn junk_price_is_ignored_with_a_notice() {
        let parsed = parse(&[("max", "cheap"), ("min", "1.234")]).unwrap();
        assert_eq!(parsed.params.max_price, None);
        assert_eq!(parsed.params.min_price, None);
        assert_eq!(parsed.notices.len(), 2);
    }

    #[test]
    fn swapped_price_range_is_fixed() {
        let parsed = parse(&[("min", "500"), ("max", "100")]).unwrap();
        assert_eq!(parsed.params.min_price, Some(10000));
        assert_eq!(parsed.params.max_price, Some(50000));
        assert_eq!(parsed.notices.len(), 1);
    }

    #[test]
    fn page_zero_is_clamped_and_junk_page_refused() {
        let parsed = parse(&[("page", "0")]).unwrap();
        assert_eq!(parsed.params.page, 1);
        assert_eq!(parsed.notices.len(), 1);
        assert_eq!(parse(&[("page", "two")]).unwrap_err().status_code(), 400);
        assert_eq!(
            parse(&[("page", "99999999")]).unwrap_err().status_code(),
            400
        );
    }

    #[test]
    fn oversized_query_is_refused() {
        let long = "a".repeat(10_000);
        let err = parse(&[("q", long.as_str())]).unwrap_err();
        assert_eq!(err.status_code(), 400);
    }

    #[test]
    fn spec_filters_parse_and_toggle() {
        let p = parse(&[
            ("spec", "Boiler type:Dual boiler"),
            ("spec", "nonsense"),
            ("spec", ""),
        ])
        .unwrap();
        assert_eq!(
            p.params.specs,
            vec![("Boiler type".into(), "Dual boiler".into())]
        );
        assert_eq!(p.notices.len(), 1);
        let off = p.params.toggle_spec("Boiler type", "Dual boiler");
        assert!(off.specs.is_empty());
        let on = off.toggle_spec("Burr type", "Flat");
        assert!(on.has_spec("Burr type", "Flat"));
        assert_eq!(on.to_query(), "spec=Burr+type%3AFlat");
    }

    #[test]
    fn query_round_trips_through_to_query() {
        let p = parse(&[
            ("q", "  dual   boiler "),
            ("category", "espresso"),
            ("stock", "1"),
            ("sort", "price_desc"),
            ("page", "3"),
        ])
        .unwrap()
        .params;
        assert_eq!(p.q, "dual boiler");
        assert_eq!(
            p.to_query(),
            "q=dual+boiler&category=espresso&stock=1&sort=price_desc&page=3"
        );
    }

    #[test]
    fn stock_states() {
        assert_eq!(stock_state(0), StockState::OutOfStock);
        assert_eq!(stock_state(3), StockState::LowStock);
        assert_eq!(stock_state(40), StockState::InStock);
    }
}

/// How a product is taxed: at the destination's standard rate, its reduced rate (food,
/// books, where the law has one; the standard rate where it has none), or not at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum TaxClass {
    #[default]
    Standard,
    Reduced,
    Zero,
}

impl TaxClass {
    pub const ALL: [TaxClass; 3] = [TaxClass::Standard, TaxClass::Reduced, TaxClass::Zero];

    pub fn key(self) -> &'static str {
        match self {
            TaxClass::Standard => "standard",
            TaxClass::Reduced => "reduced",
            TaxClass::Zero => "zero",
        }
    }

    pub fn parse(key: &str) -> Option<TaxClass> {
        TaxClass::ALL.into_iter().find(|c| c.key() == key.trim())
    }

    pub fn label(self) -> &'static str {
        match self {
            TaxClass::Standard => "Standard rate",
            TaxClass::Reduced => "Reduced rate (food, books…)",
            TaxClass::Zero => "Zero rate (not taxed)",
        }
    }
}
