//! Server functions of the admin panel: authorise (guard) → repo → map errors. Every
//! one checks the role itself; the pages calling them are not the protection.

use super::model::{
    AdminContentItem, AdminProductList, AuditPage, CategoryNode, ContentEditData, DashboardFigures,
    Outbox, PersonaCoverage, ProductEditData, StaffMember,
};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {super::guard::require, super::repo, crate::accounts::model::Area, crate::db::use_db};

#[server(endpoint = "admin/dashboard")]
pub async fn load_admin_dashboard() -> Result<DashboardFigures, AppError> {
    require(Area::Dashboard)?;
    Ok(repo::dashboard_figures(&use_db()?).await?)
}

#[server(endpoint = "admin/products")]
pub async fn load_admin_products(q: String, status: String) -> Result<AdminProductList, AppError> {
    require(Area::Catalog)?;
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
    require(Area::Catalog)?;
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
        });
    }
    let draft = repo::find_product_draft(&db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(ProductEditData {
        draft,
        categories,
        images: repo::list_images(&db, id).await?,
        adjustments: repo::list_stock_adjustments(&db, id).await?,
    })
}

/// The Markdown preview of the description editor, rendered and sanitised exactly as
/// the storefront will show it.
#[server(endpoint = "admin/preview-markdown")]
pub async fn preview_markdown(markdown: String) -> Result<String, AppError> {
    require(Area::Catalog).or_else(|_| require(Area::Content))?;
    if markdown.chars().count() > super::model::MAX_DESCRIPTION_CHARS {
        return Err(AppError::invalid(
            "description_md",
            "The description is too long to preview.",
        ));
    }
    Ok(crate::markdown::render_markdown(&markdown))
}

#[server(endpoint = "admin/categories")]
pub async fn load_admin_categories() -> Result<Vec<CategoryNode>, AppError> {
    require(Area::Catalog)?;
    Ok(repo::list_category_tree(&use_db()?).await?)
}

#[server(endpoint = "admin/staff")]
pub async fn load_admin_staff() -> Result<Vec<StaffMember>, AppError> {
    require(Area::Staff)?;
    Ok(repo::list_staff(&use_db()?).await?)
}

#[server(endpoint = "admin/outbox")]
pub async fn load_admin_outbox() -> Result<Outbox, AppError> {
    require(Area::Outbox)?;
    Ok(crate::email::repo::list_outbox(&use_db()?, 200).await?)
}

#[server(endpoint = "admin/audit")]
pub async fn load_admin_audit(actor: String, action: String) -> Result<AuditPage, AppError> {
    require(Area::Audit)?;
    let actor: String = actor.chars().take(254).collect();
    let action: String = action.chars().take(64).collect();
    Ok(super::audit::list_audit(&use_db()?, &actor, &action).await?)
}

#[server(endpoint = "admin/personas")]
pub async fn load_admin_personas() -> Result<Vec<PersonaCoverage>, AppError> {
    require(Area::Personas)?;
    Ok(repo::persona_coverage(&use_db()?).await?)
}

#[server(endpoint = "admin/content")]
pub async fn load_admin_content(
    status: String,
    stage: String,
) -> Result<Vec<AdminContentItem>, AppError> {
    require(Area::Content)?;
    let status = if ["draft", "published"].contains(&status.as_str()) {
        status
    } else {
        String::new()
    };
    let stage = if crate::content::model::Stage::parse(&stage).is_some() {
        stage
    } else {
        String::new()
    };
    Ok(repo::list_admin_content(&use_db()?, &status, &stage).await?)
}

/// The content form's data; `id` 0 is a new piece.
#[server(endpoint = "admin/content-piece")]
pub async fn load_admin_content_piece(id: i64) -> Result<ContentEditData, AppError> {
    require(Area::Content)?;
    let db = use_db()?;
    let personas = crate::content::repo::list_personas(&db).await?;
    let mut data = if id == 0 {
        ContentEditData {
            kind: "article".into(),
            stage: "awareness".into(),
            status: "draft".into(),
            publish_at: crate::time::to_datetime_local(crate::db::now_unix()),
            ..ContentEditData::default()
        }
    } else {
        repo::find_content_draft(&db, id)
            .await?
            .ok_or(AppError::NotFound)?
    };
    data.categories = repo::list_category_tree(&db).await?;
    data.personas = personas;
    Ok(data)
}
