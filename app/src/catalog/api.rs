//! Server functions of the catalogue: validate → repo → map errors. Pages reach the
//! database only through these.

use super::compare::CompareTable;
use super::model::{HomeData, ProductDetail, SearchResults};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::model::{CategoryPageInfo, CategoryRef, FacetValue, SearchParams},
    super::repo::{self, CategoryRow},
    crate::db::use_db,
    crate::money::{Currency, Money},
};

#[server]
pub async fn load_home() -> Result<HomeData, AppError> {
    let db = use_db()?;
    let categories = repo::list_categories_with_counts(&db).await?;
    Ok(HomeData {
        featured: repo::list_featured_products(&db, 6).await?,
        categories: repo::categories_with_totals(&categories)
            .into_iter()
            .filter(|c| c.parent_id.is_none())
            .collect(),
        newest: repo::list_newest_products(&db, 4).await?,
        personas: crate::cards::repo::list_personas(&db).await?,
        me: crate::journey::api::visitor_profile(&db).await?.1,
    })
}

/// Search and filter the catalogue; `category` restricts to that category's subtree.
#[server]
pub async fn search_catalog(
    query: Vec<(String, String)>,
    category: Option<String>,
) -> Result<SearchResults, AppError> {
    let db = use_db()?;
    let parsed = SearchParams::parse(query.iter().map(|(k, v)| (k.as_str(), v.as_str())))?;
    let mut params = parsed.params;
    let mut notices = parsed.notices;
    let categories = repo::list_categories(&db).await?;

    // A category page's own slug wins over a ?category= filter.
    let scope_slug = category.clone().or(params.category.clone());
    let scope = match &scope_slug {
        Some(slug) => match categories.iter().find(|c| &c.slug == slug) {
            Some(row) => Some(row.clone()),
            None if category.is_some() => return Err(AppError::NotFound),
            None => {
                notices.push("We ignored a category filter that doesn't exist.".into());
                params.category = None;
                None
            }
        },
        None => None,
    };
    if category.is_some() {
        params.category = None; // the path already says it
    }
    let scope_ids = scope
        .as_ref()
        .map(|c| repo::descendant_ids(&categories, c.id));
    let page = super::search::search_products(&db, &params, scope_ids.as_deref()).await?;
    if !params.q.is_empty() && params.page <= 1 {
        crate::journey::record(
            &db,
            &crate::request::RequestContext::current(),
            crate::journey::model::EventKind::Search,
            &params.q,
            // How many it found: analytics lists searches that found little.
            &page.total.to_string(),
        )
        .await;
    }

    if let Some(instead) = &page.instead {
        notices.push(format!(
            "Showing results for \u{201c}{instead}\u{201d}: nothing matched \u{201c}{}\u{201d} as typed.",
            params.q.trim()
        ));
    }
    if page.capped {
        notices.push(format!(
            "Your search matches more than {} products, so we show the best {0}. Add a word or a filter to narrow it down.",
            super::model::MAX_TEXT_MATCHES
        ));
    }
    let page_count = super::model::page_count(page.total);
    if params.page > page_count && page.total > 0 {
        notices.push(format!(
            "There are only {page_count} pages of results; this page is empty."
        ));
    }

    let mut facets = page.facets;
    facets.categories = category_facet(&categories, scope.as_ref(), &page.category_counts);
    let category_info = match (&category, &scope) {
        (Some(_), Some(row)) => Some(category_page_info(&categories, row)),
        _ => None,
    };
    Ok(SearchResults {
        params,
        notices,
        products: page.products,
        total: page.total,
        capped: page.capped,
        facets,
        category: category_info,
    })
}

/// Counts per category, rolled up to the level a visitor can pick next: the top-level
/// categories on /products, the children on a category page.
#[cfg(feature = "ssr")]
fn category_facet(
    categories: &[CategoryRow],
    scope: Option<&CategoryRow>,
    counts: &[(i64, i64)],
) -> Vec<FacetValue> {
    let parent = scope.map(|c| c.id);
    categories
        .iter()
        .filter(|c| c.parent_id == parent)
        .map(|c| {
            let ids = repo::descendant_ids(categories, c.id);
            let count = counts
                .iter()
                .filter(|(id, _)| ids.contains(id))
                .map(|(_, n)| n)
                .sum();
            FacetValue {
                value: c.slug.clone(),
                label: c.name.clone(),
                count,
            }
        })
        .filter(|f| f.count > 0)
        .collect()
}

#[cfg(feature = "ssr")]
fn breadcrumbs(categories: &[CategoryRow], leaf: &CategoryRow) -> Vec<CategoryRef> {
    let mut trail = vec![CategoryRef {
        slug: leaf.slug.clone(),
        name: leaf.name.clone(),
    }];
    let mut parent = leaf.parent_id;
    while let Some(id) = parent {
        let Some(row) = categories.iter().find(|c| c.id == id) else {
            break;
        };
        trail.push(CategoryRef {
            slug: row.slug.clone(),
            name: row.name.clone(),
        });
        parent = row.parent_id;
        if trail.len() > 16 {
            break; // a cycle would be a data bug; never loop forever on it
        }
    }
    trail.reverse();
    trail
}

#[cfg(feature = "ssr")]
fn category_page_info(categories: &[CategoryRow], row: &CategoryRow) -> CategoryPageInfo {
    CategoryPageInfo {
        slug: row.slug.clone(),
        name: row.name.clone(),
        description: row.description.clone(),
        breadcrumbs: breadcrumbs(categories, row),
        children: categories
            .iter()
            .filter(|c| c.parent_id == Some(row.id))
            .map(|c| CategoryRef {
                slug: c.slug.clone(),
                name: c.name.clone(),
            })
            .collect(),
    }
}

/// A product page. `variant` is the `?variant=` id ("" when none); `picked` the option
/// form's values (`?option1=…`), used when no variant is named.
#[server]
pub async fn load_product(
    slug: String,
    variant: String,
    picked: Vec<String>,
) -> Result<ProductDetail, AppError> {
    if !crate::slug::is_valid_slug(&slug) {
        return Err(AppError::NotFound);
    }
    let db = use_db()?;
    // The product with its pictures, specs, options and variants in one query; what the
    // page shows around it (categories, related products, guides) side by side after.
    let Some(page) = repo::find_product_page_by_slug(&db, &slug).await? else {
        // A renamed product answers its old address with a permanent redirect.
        return match super::staff::repo::find_redirected_slug(&db, &slug).await? {
            Some(current) => Err(AppError::Moved {
                to: format!("/products/{current}"),
            }),
            None => Err(AppError::NotFound),
        };
    };
    let currency = Currency::parse(&page.product.currency).unwrap_or(Currency::Usd);
    let images = page.images()?;
    let specs = page.specs()?;
    let (options, variants) = super::variants::repo::options_and_variants_from_json(
        &page.options_json,
        &page.variants_json,
        currency,
    )?;
    let product = page.product;
    let (categories, related) = tokio::try_join!(
        repo::list_categories(&db),
        repo::list_related_products(&db, product.id),
    )?;
    let picked: Vec<String> = picked
        .into_iter()
        .take(options.len())
        .map(|p| p.chars().take(super::variants::MAX_OPTION_TEXT).collect())
        .collect();
    let selected = super::variants::selected(&variants, variant.trim().parse().ok(), &picked);
    let chosen = selected.map_or(picked, |v| v.values.clone());
    let selected_variant = selected.map(|v| v.id);
    let crumbs = categories
        .iter()
        .find(|c| c.id == product.category_id)
        .map(|c| breadcrumbs(&categories, c))
        .unwrap_or_default();
    let category_ids: Vec<i64> = categories
        .iter()
        .filter(|c| crumbs.iter().any(|crumb| crumb.slug == c.slug))
        .map(|c| c.id)
        .collect();
    let mut learn = crate::cards::repo::list_content_for_product(
        &db,
        product.id,
        &category_ids,
        crate::db::now_unix(),
    )
    .await?;
    // Someone on a product page is at least weighing options: consideration pieces come
    // first unless the trail says they are further along.
    let (stage, persona) = crate::journey::api::visitor_profile(&db).await?;
    crate::cards::model::order_for_visitor(
        &mut learn,
        stage.max(crate::cards::model::Stage::Consideration),
        persona.as_ref().map(|p| p.slug.as_str()),
    );
    crate::journey::record(
        &db,
        &crate::request::RequestContext::current(),
        crate::journey::model::EventKind::ProductView,
        &product.slug,
        "",
    )
    .await;
    let saved = crate::journey::saved_here(&db, "product", &product.slug).await;
    Ok(ProductDetail {
        saved,
        description_html: crate::markdown::render_markdown(&product.description_md),
        images,
        specs,
        related,
        learn,
        breadcrumbs: crumbs,
        price: Money::new(product.price_cents, currency),
        compare_at: product.compare_at_cents.map(|c| Money::new(c, currency)),
        slug: product.slug,
        name: product.name,
        summary: product.summary,
        sku: product.sku,
        stock: product.stock,
        options,
        variants,
        selected_variant,
        chosen,
    })
}

#[server]
pub async fn load_comparison(slugs: Vec<String>) -> Result<CompareTable, AppError> {
    let (slugs, _) = crate::ui::compare_tray::parse_compare_slugs(slugs.iter().map(String::as_str));
    let db = use_db()?;
    let found = repo::list_active_products_by_slugs(&db, &slugs).await?;
    if found.len() >= 2 {
        let compared: Vec<&str> = found.iter().map(|(_, card)| card.slug.as_str()).collect();
        crate::journey::record(
            &db,
            &crate::request::RequestContext::current(),
            crate::journey::model::EventKind::Compare,
            &compared.join(","),
            "",
        )
        .await;
    }
    let ids: Vec<i64> = found.iter().map(|(id, _)| *id).collect();
    let mut specs = repo::list_specs_of_products(&db, &ids).await?;
    let spec_columns: Vec<_> = ids
        .iter()
        .map(|id| specs.remove(id).unwrap_or_default())
        .collect();
    let missing = slugs
        .iter()
        .filter(|s| !found.iter().any(|(_, card)| &card.slug == *s))
        .cloned()
        .collect();
    Ok(CompareTable {
        rows: super::compare::align_specs(&spec_columns),
        products: found.into_iter().map(|(_, card)| card).collect(),
        missing,
    })
}

/// The header search box's suggestions (`ui::suggest_products` asks through this, from
/// the server's context).
#[cfg(feature = "ssr")]
pub const SUGGEST_PRODUCTS: crate::ui::ProductSuggester = crate::ui::ProductSuggester(suggest);

#[cfg(feature = "ssr")]
fn suggest(db: crate::db::Db, q: String) -> crate::ui::Suggestions {
    Box::pin(async move {
        let q: String = q.chars().take(super::model::MAX_QUERY_LEN).collect();
        if q.trim().chars().count() < 2 {
            return Ok(Vec::new());
        }
        Ok(super::search::suggest_products(&db, &q, 6).await?)
    })
}
