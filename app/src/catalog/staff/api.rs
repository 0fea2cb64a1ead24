//! Server functions behind the catalogue management pages; each decides access first.

use crate::catalog::staff::model::{AdminProductList, CategoryNode, ProductEditData};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {super::repo, crate::admin::guard::require, crate::db::use_db, crate::request::Area};

#[server(endpoint = "admin/products")]
pub async fn load_admin_products(q: String, status: String) -> Result<AdminProductList, AppError> {
    require(&crate::request::RequestContext::current(), Area::Catalog)?;
    let q: String = q.trim().chars().take(100).collect();
    // An unknown status filter shows everything rather than nothing.
    let status = if super::model::PRODUCT_STATUSES.contains(&status.as_str()) {
        status
    } else {
        String::new()
    };
    Ok(repo::list_admin_products(&use_db()?, &q, &status).await?)
}

/// The product form's data; `id` 0 is a new product.
#[server(endpoint = "admin/product")]
pub async fn load_admin_product(id: i64) -> Result<ProductEditData, AppError> {
    require(&crate::request::RequestContext::current(), Area::Catalog)?;
    let db = use_db()?;
    let tree = repo::list_category_tree(&db).await?;
    let categories = repo::category_options(&tree);
    if id == 0 {
        return Ok(ProductEditData {
            draft: super::model::ProductDraft {
                status: "draft".into(),
                ..Default::default()
            },
            categories,
            images: Vec::new(),
            adjustments: Vec::new(),
            options: Vec::new(),
            variants: Vec::new(),
        });
    }
    let draft = repo::find_product_draft(&db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let (options, variants) = crate::catalog::variants::repo::options_and_variants(&db, id).await?;
    Ok(ProductEditData {
        draft,
        categories,
        images: repo::list_images(&db, id).await?,
        adjustments: repo::list_stock_adjustments(&db, id).await?,
        options,
        variants,
    })
}

#[server(endpoint = "admin/categories")]
pub async fn load_admin_categories() -> Result<Vec<CategoryNode>, AppError> {
    require(&crate::request::RequestContext::current(), Area::Catalog)?;
    Ok(repo::list_category_tree(&use_db()?).await?)
}

/// The search synonyms staff edit at /admin/search-words.
#[server(endpoint = "admin/search-words")]
pub async fn load_search_synonyms() -> Result<Vec<(String, String)>, AppError> {
    require(&crate::request::RequestContext::current(), Area::Catalog)?;
    Ok(repo::list_synonyms(&use_db()?).await?)
}
