//! The storefront side's SQL of the catalogue (staff writes are in `staff/repo.rs`).
//! Portable SQL (`$n` binds, integer money, Unix-second times) except `rank_text_matches`
//! and `refresh_search_document`: the full-text dialect seam.

use super::model::{
    Category, FacetValue, Facets, PriceRange, ProductCard, ProductImage, SearchParams, Sort, Spec,
    SpecFacet, Suggestion, MAX_TEXT_MATCHES, PAGE_SIZE, PRICE_BUCKETS,
};
use crate::db::{now_unix, Backend, Db};
use crate::money::{Currency, Money};
use sqlx::any::AnyArguments;
use sqlx::query::QueryAs;
use sqlx::Arguments;
use sqlx::{Any, AnyConnection, FromRow};
use std::collections::HashMap;

#[derive(Debug, Clone, FromRow)]
pub struct CategoryRow {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub description: String,
    pub parent_id: Option<i64>,
    pub icon_svg: String,
    pub direct_count: i64,
}

#[derive(Debug, Clone, FromRow)]
pub struct ProductCardRow {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub summary: String,
    pub price_cents: i64,
    pub compare_at_cents: Option<i64>,
    pub currency: String,
    pub stock: i64,
    pub image_url: String,
    pub image_alt: String,
    pub category_name: String,
    pub max_price_cents: Option<i64>,
    pub option_count: i64,
}

impl ProductCardRow {
    pub fn into_card(self) -> ProductCard {
        let currency = Currency::parse(&self.currency).unwrap_or(Currency::Usd);
        ProductCard {
            slug: self.slug,
            name: self.name,
            summary: self.summary,
            price: Money::new(self.price_cents, currency),
            compare_at: self.compare_at_cents.map(|c| Money::new(c, currency)),
            stock: self.stock,
            image_url: self.image_url,
            image_alt: self.image_alt,
            category_name: self.category_name,
            price_to: self
                .max_price_cents
                .filter(|max| *max > self.price_cents)
                .map(|max| Money::new(max, currency)),
            has_options: self.option_count > 0,
        }
    }
}

#[derive(Debug, Clone, FromRow)]
pub struct ProductRow {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub summary: String,
    pub description_md: String,
    pub price_cents: i64,
    pub compare_at_cents: Option<i64>,
    pub currency: String,
    pub sku: String,
    pub stock: i64,
    pub status: String,
    pub category_id: i64,
    pub accent_color: String,
    pub updated_at: i64,
}

/// What [`find_product_page_by_slug`] reads: the product and its lists as JSON text.
#[derive(Debug, Clone, FromRow)]
pub struct ProductPageRow {
    #[sqlx(flatten)]
    pub product: ProductRow,
    /// `[[url, alt], …]`
    pub images_json: String,
    /// `[[name, value, unit|null], …]`
    pub specs_json: String,
    /// `[[position, name, value|null], …]`, an option's values in order.
    pub options_json: String,
    /// `[[id, sku, option1, option2, option3, price_cents, compare_at_cents|null, stock,
    /// weight_grams|null, image_url], …]`
    pub variants_json: String,
}

impl ProductPageRow {
    pub fn images(&self) -> Result<Vec<ProductImage>, sqlx::Error> {
        let items: Vec<(String, String)> = decode_json(&self.images_json)?;
        Ok(items
            .into_iter()
            .map(|(url, alt)| ProductImage { url, alt })
            .collect())
    }

    pub fn specs(&self) -> Result<Vec<Spec>, sqlx::Error> {
        let items: Vec<(String, String, Option<String>)> = decode_json(&self.specs_json)?;
        Ok(items
            .into_iter()
            .map(|(name, value, unit)| Spec { name, value, unit })
            .collect())
    }
}

fn decode_json<T: serde::de::DeserializeOwned>(json: &str) -> Result<T, sqlx::Error> {
    serde_json::from_str(json).map_err(|e| sqlx::Error::Decode(Box::new(e)))
}

#[derive(Debug, Clone, FromRow)]
struct SpecRow {
    product_id: i64,
    name: String,
    value: String,
    unit: Option<String>,
}

/// Columns of a product card; expects `products p` joined to `categories c`.
const CARD_COLUMNS: &str = "p.id, p.slug, p.name, p.summary, p.price_cents, p.compare_at_cents, \
    p.currency, p.stock, \
    COALESCE((SELECT i.url FROM product_images i WHERE i.product_id = p.id ORDER BY i.position, i.id LIMIT 1), '') AS image_url, \
    COALESCE((SELECT i.alt FROM product_images i WHERE i.product_id = p.id ORDER BY i.position, i.id LIMIT 1), '') AS image_alt, \
    c.name AS category_name, \
    (SELECT MAX(v.price_cents) FROM product_variants v WHERE v.product_id = p.id AND v.active = 1) AS max_price_cents, \
    (SELECT COUNT(*) FROM product_options o WHERE o.product_id = p.id) AS option_count";

/// The category tree, without product counts (`direct_count` is 0): what breadcrumbs,
/// scoping and pictures need, at the cost of one cheap query.
pub async fn list_categories(db: &Db) -> Result<Vec<CategoryRow>, sqlx::Error> {
    sqlx::query_as::<_, CategoryRow>(
        "SELECT c.id, c.slug, c.name, c.description, c.parent_id, c.icon_svg, 0 AS direct_count \
         FROM categories c ORDER BY c.position, c.name",
    )
    .fetch_all(db.pool())
    .await
}

/// The category tree with the number of active products directly in each category.
pub async fn list_categories_with_counts(db: &Db) -> Result<Vec<CategoryRow>, sqlx::Error> {
    sqlx::query_as::<_, CategoryRow>(
        "SELECT c.id, c.slug, c.name, c.description, c.parent_id, c.icon_svg, \
            (SELECT COUNT(*) FROM products p WHERE p.category_id = c.id AND p.status = 'active') AS direct_count \
         FROM categories c ORDER BY c.position, c.name",
    )
    .fetch_all(db.pool())
    .await
}

/// The category and every category below it, for "products of this category".
pub fn descendant_ids(categories: &[CategoryRow], root: i64) -> Vec<i64> {
    let mut ids = vec![root];
    let mut i = 0;
    while i < ids.len() {
        let parent = ids[i];
        ids.extend(
            categories
                .iter()
                .filter(|c| c.parent_id == Some(parent))
                .map(|c| c.id),
        );
        i += 1;
    }
    ids
}

/// Categories with their product counts rolled up from descendants.
pub fn categories_with_totals(categories: &[CategoryRow]) -> Vec<Category> {
    categories
        .iter()
        .map(|c| Category {
            id: c.id,
            slug: c.slug.clone(),
            name: c.name.clone(),
            description: c.description.clone(),
            parent_id: c.parent_id,
            product_count: descendant_ids(categories, c.id)
                .iter()
                .filter_map(|id| categories.iter().find(|x| x.id == *id))
                .map(|x| x.direct_count)
                .sum(),
        })
        .collect()
}

pub async fn list_featured_products(db: &Db, limit: i64) -> Result<Vec<ProductCard>, sqlx::Error> {
    let sql = format!(
        "SELECT {CARD_COLUMNS} FROM products p JOIN categories c ON c.id = p.category_id \
         WHERE p.status = 'active' AND p.featured = 1 ORDER BY p.created_at DESC, p.id LIMIT $1"
    );
    cards(sqlx::query_as(&sql).bind(limit), db).await
}

pub async fn list_newest_products(db: &Db, limit: i64) -> Result<Vec<ProductCard>, sqlx::Error> {
    let sql = format!(
        "SELECT {CARD_COLUMNS} FROM products p JOIN categories c ON c.id = p.category_id \
         WHERE p.status = 'active' ORDER BY p.created_at DESC, p.id DESC LIMIT $1"
    );
    cards(sqlx::query_as(&sql).bind(limit), db).await
}

async fn cards<'q>(
    query: QueryAs<'q, Any, ProductCardRow, AnyArguments<'q>>,
    db: &Db,
) -> Result<Vec<ProductCard>, sqlx::Error> {
    Ok(query
        .fetch_all(db.pool())
        .await?
        .into_iter()
        .map(ProductCardRow::into_card)
        .collect())
}

/// A product page's own data in one round trip: the product on sale, its pictures, specs,
/// options with their values and its variants for sale. The lists come back as JSON arrays
/// (each item an array in a fixed column order) built by the database, ordered as shown.
pub async fn find_product_page_by_slug(
    db: &Db,
    slug: &str,
) -> Result<Option<ProductPageRow>, sqlx::Error> {
    let sql = match db.backend() {
        // `json_group_array(… ORDER BY …)` needs SQLite 3.44 (the bundled one is newer).
        Backend::Sqlite => {
            "SELECT p.id, p.slug, p.name, p.summary, p.description_md, p.price_cents, p.compare_at_cents, \
                p.currency, p.sku, p.stock, p.status, p.category_id, p.accent_color, p.updated_at, \
                (SELECT json_group_array(json_array(i.url, i.alt) ORDER BY i.position, i.id) \
                   FROM product_images i WHERE i.product_id = p.id) AS images_json, \
                (SELECT json_group_array(json_array(s.name, s.value, s.unit) ORDER BY s.position, s.id) \
                   FROM product_specs s WHERE s.product_id = p.id) AS specs_json, \
                (SELECT json_group_array(json_array(o.position, o.name, v.value) ORDER BY o.position, v.position) \
                   FROM product_options o LEFT JOIN product_option_values v ON v.option_id = o.id \
                   WHERE o.product_id = p.id) AS options_json, \
                (SELECT json_group_array(json_array(v.id, v.sku, v.option1, v.option2, v.option3, \
                        v.price_cents, v.compare_at_cents, v.stock, v.weight_grams, v.image_url) \
                        ORDER BY v.position, v.id) \
                   FROM product_variants v WHERE v.product_id = p.id AND v.active = 1) AS variants_json \
             FROM products p WHERE p.slug = $1 AND p.status = 'active'"
        }
        Backend::Postgres => {
            "SELECT p.id, p.slug, p.name, p.summary, p.description_md, p.price_cents, p.compare_at_cents, \
                p.currency, p.sku, p.stock, p.status, p.category_id, p.accent_color, p.updated_at, \
                (SELECT COALESCE(json_agg(json_build_array(i.url, i.alt) ORDER BY i.position, i.id), '[]')::text \
                   FROM product_images i WHERE i.product_id = p.id) AS images_json, \
                (SELECT COALESCE(json_agg(json_build_array(s.name, s.value, s.unit) ORDER BY s.position, s.id), '[]')::text \
                   FROM product_specs s WHERE s.product_id = p.id) AS specs_json, \
                (SELECT COALESCE(json_agg(json_build_array(o.position, o.name, v.value) ORDER BY o.position, v.position), '[]')::text \
                   FROM product_options o LEFT JOIN product_option_values v ON v.option_id = o.id \
                   WHERE o.product_id = p.id) AS options_json, \
                (SELECT COALESCE(json_agg(json_build_array(v.id, v.sku, v.option1, v.option2, v.option3, \
                        v.price_cents, v.compare_at_cents, v.stock, v.weight_grams, v.image_url) \
                        ORDER BY v.position, v.id), '[]')::text \
                   FROM product_variants v WHERE v.product_id = p.id AND v.active = 1) AS variants_json \
             FROM products p WHERE p.slug = $1 AND p.status = 'active'"
        }
    };
    sqlx::query_as::<_, ProductPageRow>(sql)
        .bind(slug)
        .fetch_optional(db.pool())
        .await
}

/// Any product by slug, whatever its status (the demo picture generator needs drafts too).
pub async fn find_product_by_slug(db: &Db, slug: &str) -> Result<Option<ProductRow>, sqlx::Error> {
    sqlx::query_as::<_, ProductRow>(
        "SELECT id, slug, name, summary, description_md, price_cents, compare_at_cents, currency, \
            sku, stock, status, category_id, accent_color, updated_at \
         FROM products WHERE slug = $1",
    )
    .bind(slug)
    .fetch_optional(db.pool())
    .await
}

pub async fn list_product_specs(db: &Db, product_id: i64) -> Result<Vec<Spec>, sqlx::Error> {
    Ok(list_specs_of_products(db, &[product_id])
        .await?
        .remove(&product_id)
        .unwrap_or_default())
}

/// Specs of several products at once, keyed by product id, each in display order.
pub async fn list_specs_of_products(
    db: &Db,
    product_ids: &[i64],
) -> Result<HashMap<i64, Vec<Spec>>, sqlx::Error> {
    if product_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let sql = format!(
        "SELECT product_id, name, value, unit FROM product_specs WHERE product_id IN ({}) \
         ORDER BY product_id, position, id",
        int_list(product_ids)
    );
    let rows: Vec<SpecRow> = sqlx::query_as(&sql).fetch_all(db.pool()).await?;
    let mut map: HashMap<i64, Vec<Spec>> = HashMap::new();
    for row in rows {
        map.entry(row.product_id).or_default().push(Spec {
            name: row.name,
            value: row.value,
            unit: row.unit,
        });
    }
    Ok(map)
}

pub async fn list_related_products(
    db: &Db,
    product_id: i64,
) -> Result<Vec<ProductCard>, sqlx::Error> {
    let sql = format!(
        "SELECT {CARD_COLUMNS} FROM related_products r \
         JOIN products p ON p.id = r.related_id JOIN categories c ON c.id = p.category_id \
         WHERE r.product_id = $1 AND p.status = 'active' ORDER BY r.position, p.id LIMIT 8"
    );
    cards(sqlx::query_as(&sql).bind(product_id), db).await
}

/// Active products linked to a content piece, cheapest first.
pub async fn list_active_products_of_content(
    db: &Db,
    content_id: i64,
) -> Result<Vec<ProductCard>, sqlx::Error> {
    let sql = format!(
        "SELECT {CARD_COLUMNS} FROM products p JOIN categories c ON c.id = p.category_id \
         JOIN content_products cp ON cp.product_id = p.id \
         WHERE cp.content_id = $1 AND p.status = 'active' ORDER BY p.price_cents, p.id"
    );
    cards(sqlx::query_as(&sql).bind(content_id), db).await
}

/// Active products by slug, in the order asked for, with their ids (for specs).
pub async fn list_active_products_by_slugs(
    db: &Db,
    slugs: &[String],
) -> Result<Vec<(i64, ProductCard)>, sqlx::Error> {
    if slugs.is_empty() {
        return Ok(Vec::new());
    }
    let placeholders: Vec<String> = (1..=slugs.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "SELECT {CARD_COLUMNS} FROM products p JOIN categories c ON c.id = p.category_id \
         WHERE p.status || '' = 'active' AND p.slug IN ({})",
        placeholders.join(", ")
    );
    let mut query = sqlx::query_as::<_, ProductCardRow>(&sql);
    for slug in slugs {
        query = query.bind(slug.as_str());
    }
    let rows = query.fetch_all(db.pool()).await?;
    let mut ordered = Vec::new();
    for slug in slugs {
        if let Some(row) = rows.iter().find(|r| &r.slug == slug) {
            ordered.push((row.id, row.clone().into_card()));
        }
    }
    Ok(ordered)
}

/// A bind value for queries assembled at run time.
#[derive(Debug, Clone)]
enum Bind {
    Text(String),
    Int(i64),
}

/// A WHERE clause assembled from search parameters, with `$n` placeholders numbered in
/// the order of `binds`.
#[derive(Debug, Default)]
struct Filter {
    conditions: Vec<String>,
    binds: Vec<Bind>,
    /// Set when the rows are a list of matched ids.
    by_ids: bool,
}

impl Filter {
    fn push(&mut self, bind: Bind) -> usize {
        self.binds.push(bind);
        self.binds.len()
    }

    fn where_clause(&self) -> String {
        // With an id list, `|| ''` keeps SQLite's planner from preferring the status index
        // (a scan of every active product) over primary-key lookups: 1 ms instead of 20.
        let status = if self.by_ids {
            "p.status || '' = 'active'"
        } else {
            "p.status = 'active'"
        };
        let mut all = vec![status.to_string()];
        all.extend(self.conditions.iter().cloned());
        all.join(" AND ")
    }

    /// The bind values as arguments for `query_with` / `query_as_with`, in `$n` order.
    fn arguments(&self) -> AnyArguments<'static> {
        let mut args = AnyArguments::default();
        for bind in &self.binds {
            // Encoding a String or an i64 cannot fail.
            let _ = match bind {
                Bind::Text(s) => args.add(s.clone()),
                Bind::Int(i) => args.add(*i),
            };
        }
        args
    }
}

/// Splits free text into safe search terms: letters and digits only, so nothing a visitor
/// types can be read as FTS syntax.
pub fn search_terms(q: &str) -> Vec<String> {
    q.split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        .map(|t| t.to_lowercase().chars().take(40).collect::<String>())
        .take(8)
        .collect()
}

/// One group of alternatives in the full-text dialect: `("a"* OR "b"*)` for FTS5,
/// `(a:* | b:*)` for PostgreSQL. Words are letters and digits only (see [`search_terms`]).
fn text_group(backend: Backend, words: &[String]) -> String {
    let (each, or): (fn(&String) -> String, &str) = match backend {
        Backend::Sqlite => (|w| format!("\"{w}\"*"), " OR "),
        Backend::Postgres => (|w| format!("{w}:*"), " | "),
    };
    format!("({})", words.iter().map(each).collect::<Vec<_>>().join(or))
}

/// The full-text dialect seam: ids of the products whose search document matches every
/// group of words (prefixes allowed, for search-as-you-type) — or, when none matches them
/// all, any of them — best first, at most `limit`, with an exact name match
/// (case-insensitive) moved to the very top.
pub async fn rank_text_matches(
    db: &Db,
    q: &str,
    groups: &[Vec<String>],
    limit: i64,
) -> Result<Vec<i64>, sqlx::Error> {
    if groups.is_empty() {
        return Ok(Vec::new());
    }
    let backend = db.backend();
    let parts: Vec<String> = groups.iter().map(|g| text_group(backend, g)).collect();
    let (and, or) = match backend {
        Backend::Sqlite => (" AND ", " OR "),
        Backend::Postgres => (" & ", " | "),
    };
    let mut rows = ranked_matches(db, &parts.join(and), limit).await?;
    if rows.is_empty() && parts.len() > 1 {
        rows = ranked_matches(db, &parts.join(or), limit).await?;
    }
    let wanted = q.trim().to_lowercase();
    let (exact, rest): (Vec<_>, Vec<_>) = rows
        .into_iter()
        .partition(|(_, name)| name.to_lowercase() == wanted);
    Ok(exact.into_iter().chain(rest).map(|(id, _)| id).collect())
}

/// (id, name) of the products matching a full-text query in the backend's dialect.
async fn ranked_matches(
    db: &Db,
    query: &str,
    limit: i64,
) -> Result<Vec<(i64, String)>, sqlx::Error> {
    match db.backend() {
        // bm25 weights: name counts most, then specs (and categories), summary, description.
        Backend::Sqlite => {
            sqlx::query_as(
                "SELECT rowid, name FROM product_search WHERE product_search MATCH $1 \
                 ORDER BY bm25(product_search, 10.0, 4.0, 1.0, 3.0) LIMIT $2",
            )
            .bind(query)
            .bind(limit)
            .fetch_all(db.pool())
            .await
        }
        Backend::Postgres => {
            sqlx::query_as(
                "SELECT s.product_id, p.name FROM product_search s JOIN products p ON p.id = s.product_id \
                 WHERE s.document @@ to_tsquery('english', $1) \
                 ORDER BY ts_rank(s.document, to_tsquery('english', $1)) DESC, s.product_id LIMIT $2",
            )
            .bind(query)
            .bind(limit)
            .fetch_all(db.pool())
            .await
        }
    }
}

/// Whether any product's search document holds one of these words (as a prefix).
pub async fn any_product_matches(db: &Db, words: &[String]) -> Result<bool, sqlx::Error> {
    let group = text_group(db.backend(), words);
    let sql = match db.backend() {
        Backend::Sqlite => "SELECT rowid FROM product_search WHERE product_search MATCH $1 LIMIT 1",
        Backend::Postgres => {
            "SELECT product_id FROM product_search WHERE document @@ to_tsquery('english', $1) LIMIT 1"
        }
    };
    Ok(sqlx::query_scalar::<_, i64>(sql)
        .bind(group)
        .fetch_optional(db.pool())
        .await?
        .is_some())
}

/// The words a search for `word` also looks for (letters and digits only).
pub async fn synonyms_of(db: &Db, word: &str) -> Result<Vec<String>, sqlx::Error> {
    let means: Vec<String> =
        sqlx::query_scalar("SELECT means FROM search_synonyms WHERE word = $1 ORDER BY means")
            .bind(word)
            .fetch_all(db.pool())
            .await?;
    Ok(means
        .iter()
        .flat_map(|m| search_terms(m))
        .filter(|m| m != word)
        .collect())
}

/// Catalogue words that could be `word` mistyped: the same first letter, a similar length.
pub async fn vocabulary_near(db: &Db, word: &str) -> Result<Vec<String>, sqlx::Error> {
    let Some(first) = word.chars().next() else {
        return Ok(Vec::new());
    };
    let next = char::from_u32(first as u32 + 1).unwrap_or(first);
    let len = word.chars().count() as i64;
    sqlx::query_scalar(
        "SELECT word FROM search_vocabulary WHERE word >= $1 AND word < $2 \
         AND LENGTH(word) BETWEEN $3 AND $4 LIMIT 5000",
    )
    .bind(first.to_string())
    .bind(next.to_string())
    .bind(len - 2)
    .bind(len + 2)
    .fetch_all(db.pool())
    .await
}

fn build_filter(
    params: &SearchParams,
    category_ids: Option<&[i64]>,
    ranked: Option<&[i64]>,
) -> Filter {
    let mut filter = Filter::default();
    if let Some(ids) = ranked {
        filter.by_ids = true;
        // Ids come from our own query, so a literal list is safe (and fast on both backends).
        filter.conditions.push(if ids.is_empty() {
            "1 = 0".into()
        } else {
            format!("p.id IN ({})", int_list(ids))
        });
    }
    if let Some(ids) = category_ids {
        filter
            .conditions
            .push(format!("p.category_id IN ({})", int_list(ids)));
    }
    if let Some(min) = params.min_price {
        let p = filter.push(Bind::Int(min));
        filter.conditions.push(format!("p.price_cents >= ${p}"));
    }
    if let Some(max) = params.max_price {
        let p = filter.push(Bind::Int(max));
        filter.conditions.push(format!("p.price_cents <= ${p}"));
    }
    if params.in_stock {
        filter.conditions.push("p.stock > 0".into());
    }
    let mut names: Vec<&str> = params.specs.iter().map(|(n, _)| n.as_str()).collect();
    names.sort();
    names.dedup();
    for name in names {
        let name_param = filter.push(Bind::Text(name.to_string()));
        let values: Vec<String> = params
            .specs
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| format!("${}", filter.push(Bind::Text(v.clone()))))
            .collect();
        // A facet is a categorical spec or an option (Grind: Espresso): a product matches
        // when it has the spec, or makes a variant with the value.
        let values = values.join(", ");
        filter.conditions.push(format!(
            "(EXISTS (SELECT 1 FROM product_specs s WHERE s.product_id = p.id AND s.name = ${name_param} \
             AND s.value IN ({values})) \
             OR EXISTS (SELECT 1 FROM product_options o JOIN product_option_values ov ON ov.option_id = o.id \
             WHERE o.product_id = p.id AND o.name = ${name_param} AND ov.value IN ({values})))",
        ));
    }
    filter
}

/// ORDER BY for the sorts SQL can do; relevance with a search text is ordered in Rust
/// from the ranked ids.
fn order_by(sort: Sort) -> &'static str {
    match sort {
        Sort::Relevance => "p.featured DESC, p.created_at DESC, p.id DESC",
        Sort::PriceAsc => "p.price_cents ASC, p.id",
        Sort::PriceDesc => "p.price_cents DESC, p.id",
        Sort::Newest => "p.created_at DESC, p.id DESC",
    }
}

pub struct SearchPage {
    pub products: Vec<ProductCard>,
    pub total: i64,
    /// True when the text matched more than `MAX_TEXT_MATCHES` products and only the
    /// best ones are shown and counted.
    pub capped: bool,
    /// The words searched for instead of what was typed (typos corrected, unknown words
    /// left out), when they differ.
    pub instead: Option<String>,
    pub facets: Facets,
    /// (category id, matching products directly in it): rolled up by the caller.
    pub category_counts: Vec<(i64, i64)>,
}

/// Cards for the given ids that are active, in the order given.
pub async fn cards_by_ids(db: &Db, ids: &[i64]) -> Result<Vec<ProductCard>, sqlx::Error> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    // `|| ''` keeps SQLite's planner on primary-key lookups instead of the status index
    // (a scan of every active product: 20 ms at 100,000 products, for a page of 24).
    let sql = format!(
        "SELECT {CARD_COLUMNS} FROM products p JOIN categories c ON c.id = p.category_id \
         WHERE p.status || '' = 'active' AND p.id IN ({})",
        int_list(ids)
    );
    let mut rows: Vec<ProductCardRow> = sqlx::query_as(&sql).fetch_all(db.pool()).await?;
    rows.sort_by_key(|r| ids.iter().position(|id| *id == r.id));
    Ok(rows.into_iter().map(ProductCardRow::into_card).collect())
}

/// One page of results plus facet counts over the whole filtered result. A search text
/// is matched once (`rank_text_matches`); everything else filters that id list.
pub async fn search_products(
    db: &Db,
    params: &SearchParams,
    category_ids: Option<&[i64]>,
) -> Result<SearchPage, sqlx::Error> {
    let terms = search_terms(&params.q);
    let mut instead = None;
    let ranked = if terms.is_empty() {
        None
    } else {
        let understood = super::search::understand(db, None, &terms).await?;
        instead = understood.instead;
        Some(rank_text_matches(db, &params.q, &understood.groups, MAX_TEXT_MATCHES + 1).await?)
    };
    let capped = ranked
        .as_ref()
        .is_some_and(|r| r.len() as i64 > MAX_TEXT_MATCHES);
    let ranked: Option<Vec<i64>> =
        ranked.map(|r| r.into_iter().take(MAX_TEXT_MATCHES as usize).collect());
    let filter = build_filter(params, category_ids, ranked.as_deref());
    let where_clause = filter.where_clause();
    let offset = (params.page.max(1) - 1) * PAGE_SIZE;

    let page = async {
        match (&ranked, params.sort) {
            (Some(ranked), Sort::Relevance) => {
                let sql = format!("SELECT p.id FROM products p WHERE {where_clause}");
                let kept: std::collections::HashSet<i64> =
                    sqlx::query_scalar_with::<_, i64, _>(&sql, filter.arguments())
                        .fetch_all(db.pool())
                        .await?
                        .into_iter()
                        .collect();
                let page_ids: Vec<i64> = ranked
                    .iter()
                    .filter(|id| kept.contains(id))
                    .skip(offset as usize)
                    .take(PAGE_SIZE as usize)
                    .copied()
                    .collect();
                cards_by_ids(db, &page_ids).await
            }
            (_, sort) => {
                let sql = format!(
                    "SELECT {CARD_COLUMNS} FROM products p JOIN categories c ON c.id = p.category_id \
                     WHERE {where_clause} ORDER BY {} LIMIT {PAGE_SIZE} OFFSET {offset}",
                    order_by(sort)
                );
                Ok(
                    sqlx::query_as_with::<_, ProductCardRow, _>(&sql, filter.arguments())
                        .fetch_all(db.pool())
                        .await?
                        .into_iter()
                        .map(ProductCardRow::into_card)
                        .collect(),
                )
            }
        }
    };

    // The filtered set as a CTE, reused by every facet query.
    let filtered = format!(
        "WITH filtered AS (SELECT p.id, p.category_id, p.price_cents, p.stock FROM products p WHERE {where_clause})"
    );
    let bucket_columns: Vec<String> = PRICE_BUCKETS
        .iter()
        .map(|(min, max)| {
            let mut conds = Vec::new();
            if let Some(min) = min {
                conds.push(format!("price_cents >= {min}"));
            }
            if let Some(max) = max {
                conds.push(format!("price_cents < {max}"));
            }
            format!("COUNT(CASE WHEN {} THEN 1 END)", conds.join(" AND "))
        })
        .collect();
    let totals_sql = format!(
        "{filtered} SELECT COUNT(*), COUNT(CASE WHEN stock > 0 THEN 1 END), {} FROM filtered",
        bucket_columns.join(", ")
    );
    let category_sql =
        format!("{filtered} SELECT category_id, COUNT(*) FROM filtered GROUP BY category_id");
    // Facets are the categorical specs (numbers are compared, not filtered by value) and
    // the options' values, each counting the products that have it once.
    let spec_sql = format!(
        "{filtered} SELECT name, value, COUNT(*) FROM ( \
             SELECT s.product_id, s.name, s.value FROM product_specs s \
             JOIN filtered f ON f.id = s.product_id WHERE s.value_num IS NULL \
             UNION \
             SELECT o.product_id, o.name, ov.value FROM product_options o \
             JOIN product_option_values ov ON ov.option_id = o.id JOIN filtered f ON f.id = o.product_id \
         ) facet_rows GROUP BY name, value ORDER BY name, value"
    );

    // Independent reads: run them side by side on separate pooled connections (WAL lets
    // SQLite readers run concurrently; PostgreSQL always could).
    let (products, totals_row, category_counts, spec_rows) = tokio::try_join!(
        page,
        sqlx::query_with(&totals_sql, filter.arguments()).fetch_one(db.pool()),
        sqlx::query_as_with::<_, (i64, i64), _>(&category_sql, filter.arguments())
            .fetch_all(db.pool()),
        sqlx::query_as_with::<_, (String, String, i64), _>(&spec_sql, filter.arguments())
            .fetch_all(db.pool()),
    )?;

    use sqlx::Row;
    let total: i64 = totals_row.try_get(0)?;
    let in_stock: i64 = totals_row.try_get(1)?;
    let mut price_ranges = Vec::new();
    for (i, (min, max)) in PRICE_BUCKETS.iter().enumerate() {
        let count: i64 = totals_row.try_get(i + 2)?;
        price_ranges.push(PriceRange {
            min: *min,
            max: *max,
            label: price_range_label(*min, *max),
            count,
        });
    }

    Ok(SearchPage {
        products,
        total,
        capped,
        instead,
        facets: Facets {
            categories: Vec::new(),
            price_ranges,
            in_stock,
            specs: group_spec_facets(spec_rows),
        },
        category_counts,
    })
}

/// Groups (name, value, count) rows into facets, keeping only names that actually help
/// narrow down: at least two values and not more than a dozen.
pub(super) fn group_spec_facets(rows: Vec<(String, String, i64)>) -> Vec<SpecFacet> {
    let mut facets: Vec<SpecFacet> = Vec::new();
    for (name, value, count) in rows {
        match facets.last_mut() {
            Some(f) if f.name == name => f.values.push(FacetValue {
                label: value.clone(),
                value,
                count,
            }),
            _ => facets.push(SpecFacet {
                name,
                values: vec![FacetValue {
                    label: value.clone(),
                    value,
                    count,
                }],
            }),
        }
    }
    facets.retain(|f| (2..=12).contains(&f.values.len()));
    for facet in &mut facets {
        facet
            .values
            .sort_by(|a, b| b.count.cmp(&a.count).then(a.label.cmp(&b.label)));
    }
    facets
}

pub(super) fn price_range_label(min: Option<i64>, max: Option<i64>) -> String {
    let fmt = |m: i64| Money::new(m, Currency::Usd).format_short();
    match (min, max) {
        (None, Some(max)) => format!("Under {}", fmt(max)),
        (Some(min), None) => format!("{} and up", fmt(min)),
        (Some(min), Some(max)) => format!("{} – {}", fmt(min), fmt(max)),
        (None, None) => "Any price".into(),
    }
}

/// Up to `limit` quick matches for search-as-you-type.
pub async fn suggest_products(
    db: &Db,
    q: &str,
    limit: i64,
) -> Result<Vec<Suggestion>, sqlx::Error> {
    let terms = search_terms(q);
    if terms.is_empty() {
        return Ok(Vec::new());
    }
    // A few extra, since drafts and archived products are dropped afterwards.
    let understood = super::search::understand(db, None, &terms).await?;
    let ranked = rank_text_matches(db, q, &understood.groups, limit.clamp(1, 10) * 3).await?;
    Ok(cards_by_ids(db, &ranked)
        .await?
        .into_iter()
        .take(limit.clamp(1, 10) as usize)
        .map(suggestion_of)
        .collect())
}

/// What the search box shows of a product card.
pub(super) fn suggestion_of(card: ProductCard) -> Suggestion {
    Suggestion {
        slug: card.slug,
        name: card.name,
        price: card.price,
    }
}

/// (slug, last modified) of every active product, for the sitemap.
pub async fn list_active_product_slugs(db: &Db) -> Result<Vec<(String, i64)>, sqlx::Error> {
    sqlx::query_as("SELECT slug, updated_at FROM products WHERE status = 'active' ORDER BY id")
        .fetch_all(db.pool())
        .await
}

pub async fn count_products(db: &Db) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM products")
        .fetch_one(db.pool())
        .await
}

fn int_list(ids: &[i64]) -> String {
    ids.iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

// ---- Writes (seeding today; the admin panel later) ----

pub struct NewCategory<'a> {
    pub slug: &'a str,
    pub name: &'a str,
    pub description: &'a str,
    pub parent_id: Option<i64>,
    pub position: i64,
    pub icon_svg: &'a str,
}

pub async fn insert_category(
    conn: &mut AnyConnection,
    c: &NewCategory<'_>,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO categories (slug, name, description, parent_id, position, icon_svg) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(c.slug)
    .bind(c.name)
    .bind(c.description)
    .bind(c.parent_id)
    .bind(c.position)
    .bind(c.icon_svg)
    .fetch_one(conn)
    .await
}

pub struct NewProduct<'a> {
    pub slug: &'a str,
    pub name: &'a str,
    pub summary: &'a str,
    pub description_md: &'a str,
    pub price_cents: i64,
    pub compare_at_cents: Option<i64>,
    pub currency: &'a str,
    pub sku: &'a str,
    pub stock: i64,
    pub status: &'a str,
    pub featured: bool,
    pub category_id: i64,
    pub accent_color: &'a str,
    pub created_at: Option<i64>,
}

pub async fn insert_product(
    conn: &mut AnyConnection,
    p: &NewProduct<'_>,
) -> Result<i64, sqlx::Error> {
    let now = p.created_at.unwrap_or_else(now_unix);
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO products (slug, name, summary, description_md, price_cents, compare_at_cents, \
            currency, sku, stock, status, featured, category_id, accent_color, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14) RETURNING id",
    )
    .bind(p.slug)
    .bind(p.name)
    .bind(p.summary)
    .bind(p.description_md)
    .bind(p.price_cents)
    .bind(p.compare_at_cents)
    .bind(p.currency)
    .bind(p.sku)
    .bind(p.stock)
    .bind(p.status)
    .bind(i64::from(p.featured))
    .bind(p.category_id)
    .bind(p.accent_color)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    super::variants::repo::insert_implicit_variant(
        conn,
        id,
        p.sku,
        p.price_cents,
        p.compare_at_cents,
        p.stock,
    )
    .await?;
    Ok(id)
}

pub async fn insert_product_spec(
    conn: &mut AnyConnection,
    product_id: i64,
    spec: &Spec,
    position: i64,
) -> Result<(), sqlx::Error> {
    let value_num: Option<f64> = spec
        .value
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite());
    // A NULL is written in the SQL rather than bound: sqlx 0.8's Any driver sends a
    // NULL f64 as a float4 parameter, which PostgreSQL rejects for a float8 column.
    let sql = match value_num {
        Some(_) => {
            "INSERT INTO product_specs (product_id, name, value, unit, position, value_num) \
             VALUES ($1, $2, $3, $4, $5, $6)"
        }
        None => {
            "INSERT INTO product_specs (product_id, name, value, unit, position, value_num) \
             VALUES ($1, $2, $3, $4, $5, NULL)"
        }
    };
    let mut query = sqlx::query(sql)
        .bind(product_id)
        .bind(spec.name.as_str())
        .bind(spec.value.as_str())
        .bind(spec.unit.as_deref())
        .bind(position);
    if let Some(v) = value_num {
        query = query.bind(v);
    }
    query.execute(conn).await?;
    Ok(())
}

pub async fn insert_product_image(
    conn: &mut AnyConnection,
    product_id: i64,
    image: &ProductImage,
    position: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO product_images (product_id, url, alt, position) VALUES ($1, $2, $3, $4)",
    )
    .bind(product_id)
    .bind(image.url.as_str())
    .bind(image.alt.as_str())
    .bind(position)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn insert_related_product(
    conn: &mut AnyConnection,
    product_id: i64,
    related_id: i64,
    position: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO related_products (product_id, related_id, position) VALUES ($1, $2, $3) \
         ON CONFLICT (product_id, related_id) DO NOTHING",
    )
    .bind(product_id)
    .bind(related_id)
    .bind(position)
    .execute(conn)
    .await?;
    Ok(())
}

/// What a product's entry in a server's search index is built from (`catalog::engine`).
#[derive(Debug, Clone, FromRow)]
pub struct SearchSourceRow {
    pub id: i64,
    pub name: String,
    pub summary: String,
    pub description_md: String,
    pub price_cents: i64,
    pub stock: i64,
    pub featured: i64,
    pub created_at: i64,
    pub category_id: i64,
    pub category_name: String,
    pub parent_name: Option<String>,
}

const SEARCH_SOURCE_COLUMNS: &str = "p.id, p.name, p.summary, p.description_md, p.price_cents, \
    p.stock, p.featured, p.created_at, p.category_id, c.name AS category_name, g.name AS parent_name";

/// Active products after `after_id`, in id order, at most `limit` (a full index build
/// reads the catalogue in such pages).
pub async fn search_sources_after(
    db: &Db,
    after_id: i64,
    limit: i64,
) -> Result<Vec<SearchSourceRow>, sqlx::Error> {
    let sql = format!(
        "SELECT {SEARCH_SOURCE_COLUMNS} FROM products p JOIN categories c ON c.id = p.category_id \
         LEFT JOIN categories g ON g.id = c.parent_id \
         WHERE p.id > $1 AND p.status || '' = 'active' ORDER BY p.id LIMIT $2"
    );
    sqlx::query_as(&sql)
        .bind(after_id)
        .bind(limit)
        .fetch_all(db.pool())
        .await
}

/// The active products among `ids` (an id not returned is not searchable any more).
pub async fn search_sources_for(db: &Db, ids: &[i64]) -> Result<Vec<SearchSourceRow>, sqlx::Error> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT {SEARCH_SOURCE_COLUMNS} FROM products p JOIN categories c ON c.id = p.category_id \
         LEFT JOIN categories g ON g.id = c.parent_id \
         WHERE p.id IN ({}) AND p.status || '' = 'active' ORDER BY p.id",
        int_list(ids)
    );
    sqlx::query_as(&sql).fetch_all(db.pool()).await
}

/// A spec or option value of a product, for its search entry: (product id, name, value,
/// unit, whether it is a facet). Numeric specs are compared, not offered as facets.
pub type SearchFacetRow = (i64, String, String, Option<String>, i64);

/// The specs and option values of the given products, in display order.
pub async fn search_facets_for(db: &Db, ids: &[i64]) -> Result<Vec<SearchFacetRow>, sqlx::Error> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let list = int_list(ids);
    let sql = format!(
        "SELECT product_id, name, value, unit, is_facet FROM ( \
             SELECT s.product_id, s.name, s.value, s.unit, \
                    CASE WHEN s.value_num IS NULL THEN 1 ELSE 0 END AS is_facet, s.position AS pos, 0 AS kind \
             FROM product_specs s WHERE s.product_id IN ({list}) \
             UNION ALL \
             SELECT o.product_id, o.name, ov.value, NULL AS unit, 1 AS is_facet, ov.position AS pos, o.position AS kind \
             FROM product_options o JOIN product_option_values ov ON ov.option_id = o.id \
             WHERE o.product_id IN ({list}) \
         ) rows ORDER BY product_id, kind, pos"
    );
    sqlx::query_as(&sql).fetch_all(db.pool()).await
}

/// Where a new index starts following the change log: before the oldest change of the
/// last `since_unix` seconds' window (those are applied again, harmlessly), else the end.
pub async fn search_log_start(db: &Db, since_unix: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT COALESCE((SELECT MIN(seq) - 1 FROM search_changes WHERE changed_at >= $1), \
                         (SELECT MAX(seq) FROM search_changes), 0)",
    )
    .bind(since_unix)
    .fetch_one(db.pool())
    .await
}

/// (seq, product id) of the change log after `after`, and of the numbers `also` (skipped
/// earlier, they may have committed since), oldest first, at most `limit`.
pub async fn search_changes_since(
    db: &Db,
    after: i64,
    also: &[i64],
    limit: i64,
) -> Result<Vec<(i64, i64)>, sqlx::Error> {
    let skipped = if also.is_empty() {
        String::new()
    } else {
        format!(
            "UNION ALL SELECT seq, product_id FROM search_changes WHERE seq IN ({}) ",
            int_list(also)
        )
    };
    sqlx::query_as(&format!(
        "SELECT seq, product_id FROM (SELECT seq, product_id FROM search_changes WHERE seq > $1 \
         {skipped}) changes ORDER BY seq LIMIT $2"
    ))
    .bind(after)
    .bind(limit)
    .fetch_all(db.pool())
    .await
}

/// Forgets change-log rows older than `before_unix`.
pub async fn prune_search_changes(db: &Db, before_unix: i64) -> Result<u64, sqlx::Error> {
    Ok(
        sqlx::query("DELETE FROM search_changes WHERE changed_at < $1")
            .bind(before_unix)
            .execute(db.pool())
            .await?
            .rows_affected(),
    )
}

/// How many products are on sale (what a full index build reads).
pub async fn count_active_products(db: &Db) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM products WHERE status = 'active'")
        .fetch_one(db.pool())
        .await
}

/// Rebuilds every product's search document when they were written by an older format
/// (see `search::SEARCH_DOCUMENT_VERSION`); run at start-up. Each product is its own
/// transaction; the version is set last, so an interrupted rebuild starts again.
pub async fn rebuild_stale_search_documents(db: &Db) -> Result<usize, sqlx::Error> {
    let current = super::search::SEARCH_DOCUMENT_VERSION;
    let version: i64 = sqlx::query_scalar("SELECT version FROM search_index_state WHERE id = 1")
        .fetch_one(db.pool())
        .await?;
    if version >= current {
        return Ok(0);
    }
    let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM products ORDER BY id")
        .fetch_all(db.pool())
        .await?;
    for id in &ids {
        let mut tx = db.begin_write().await?;
        refresh_search_document(&mut tx, db.backend(), *id).await?;
        tx.commit().await?;
    }
    sqlx::query("UPDATE search_index_state SET version = $1 WHERE id = 1 AND version < $1")
        .bind(current)
        .execute(db.pool())
        .await?;
    Ok(ids.len())
}

/// The products in a category or its subcategories (whose documents name it).
pub async fn products_under_category(db: &Db, category_id: i64) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT p.id FROM products p JOIN categories c ON c.id = p.category_id \
         WHERE c.id = $1 OR c.parent_id = $1 ORDER BY p.id",
    )
    .bind(category_id)
    .fetch_all(db.pool())
    .await
}

/// Rewrites a product's search document from its current name, texts, category and specs.
/// Call it in the same transaction as any change to those.
pub async fn refresh_search_document(
    conn: &mut AnyConnection,
    backend: Backend,
    product_id: i64,
) -> Result<(), sqlx::Error> {
    let (name, summary, description): (String, String, String) =
        sqlx::query_as("SELECT name, summary, description_md FROM products WHERE id = $1")
            .bind(product_id)
            .fetch_one(&mut *conn)
            .await?;
    let specs: Vec<(String, String, Option<String>)> = sqlx::query_as(
        "SELECT name, value, unit FROM product_specs WHERE product_id = $1 ORDER BY position",
    )
    .bind(product_id)
    .fetch_all(&mut *conn)
    .await?;
    // The product's category and its parent name what kind of thing it is.
    let categories: Vec<String> = sqlx::query_scalar(
        "SELECT c.name FROM products p JOIN categories c ON c.id = p.category_id WHERE p.id = $1 \
         UNION ALL SELECT g.name FROM products p JOIN categories c ON c.id = p.category_id \
         JOIN categories g ON g.id = c.parent_id WHERE p.id = $1",
    )
    .bind(product_id)
    .fetch_all(&mut *conn)
    .await?;
    let spec_text = categories
        .iter()
        .cloned()
        .chain(
            specs
                .iter()
                .map(|(n, v, u)| format!("{n} {v} {}", u.as_deref().unwrap_or(""))),
        )
        .collect::<Vec<_>>()
        .join(" ");
    // Every word a shopper could mean, for typo correction.
    let mut words: Vec<String> = format!("{name} {spec_text}")
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 3)
        .map(|w| w.to_lowercase().chars().take(40).collect())
        .collect();
    words.sort();
    words.dedup();
    for chunk in words.chunks(100) {
        let values = (1..=chunk.len())
            .map(|i| format!("(${i})"))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "INSERT INTO search_vocabulary (word) VALUES {values} ON CONFLICT (word) DO NOTHING"
        );
        let mut query = sqlx::query(&sql);
        for word in chunk {
            query = query.bind(word.clone());
        }
        query.execute(&mut *conn).await?;
    }
    // Every server's search index follows this log (specs have no trigger of their own).
    sqlx::query("INSERT INTO search_changes (product_id) VALUES ($1)")
        .bind(product_id)
        .execute(&mut *conn)
        .await?;
    match backend {
        Backend::Sqlite => {
            sqlx::query("DELETE FROM product_search WHERE rowid = $1")
                .bind(product_id)
                .execute(&mut *conn)
                .await?;
            sqlx::query(
                "INSERT INTO product_search (rowid, name, summary, description, specs) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(product_id)
            .bind(name)
            .bind(summary)
            .bind(description)
            .bind(spec_text)
            .execute(&mut *conn)
            .await?;
        }
        Backend::Postgres => {
            sqlx::query(
                "INSERT INTO product_search (product_id, document) VALUES ($1, \
                    setweight(to_tsvector('english', $2), 'A') || setweight(to_tsvector('english', $5), 'B') || \
                    setweight(to_tsvector('english', $3), 'C') || setweight(to_tsvector('english', $4), 'D')) \
                 ON CONFLICT (product_id) DO UPDATE SET document = EXCLUDED.document",
            )
            .bind(product_id)
            .bind(name)
            .bind(summary)
            .bind(description)
            .bind(spec_text)
            .execute(&mut *conn)
            .await?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_terms_drop_syntax() {
        assert_eq!(
            search_terms("\"dual\" OR boiler* -(x)"),
            vec!["dual", "or", "boiler", "x"]
        );
        assert!(search_terms("*** ---").is_empty());
    }

    #[test]
    fn price_labels_read_naturally() {
        assert_eq!(price_range_label(None, Some(5000)), "Under $50");
        assert_eq!(price_range_label(Some(500000), None), "$5,000 and up");
    }
}
