//! Server functions of the admin panel: authorise (guard) → repo → map errors. Every
//! one checks the role itself; the pages calling them are not the protection.

use crate::admin::audit::AuditPage;
use crate::admin::model::{DashboardFigures, Outbox, StaffMember};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {super::guard::require, super::repo, crate::db::use_db, crate::request::Area};

#[server(endpoint = "admin/dashboard")]
pub async fn load_admin_dashboard() -> Result<DashboardFigures, AppError> {
    require(&crate::request::RequestContext::current(), Area::Dashboard)?;
    Ok(repo::dashboard_figures(&use_db()?).await?)
}

/// The Markdown preview of the description editor, rendered and sanitised exactly as
/// the storefront will show it.
#[server(endpoint = "admin/preview-markdown")]
pub async fn preview_markdown(markdown: String) -> Result<String, AppError> {
    require(&crate::request::RequestContext::current(), Area::Catalog)
        .or_else(|_| require(&crate::request::RequestContext::current(), Area::Content))?;
    if markdown.chars().count() > crate::catalog::staff::model::MAX_DESCRIPTION_CHARS {
        return Err(AppError::invalid(
            "description_md",
            "The description is too long to preview.",
        ));
    }
    Ok(crate::markdown::render_markdown(&markdown))
}

#[server(endpoint = "admin/staff")]
pub async fn load_admin_staff() -> Result<Vec<StaffMember>, AppError> {
    require(&crate::request::RequestContext::current(), Area::Staff)?;
    Ok(repo::list_staff(&use_db()?).await?)
}

#[server(endpoint = "admin/outbox")]
pub async fn load_admin_outbox() -> Result<Outbox, AppError> {
    require(&crate::request::RequestContext::current(), Area::Outbox)?;
    Ok(crate::email::repo::list_outbox(&use_db()?, 200).await?)
}

#[server(endpoint = "admin/audit")]
pub async fn load_admin_audit(actor: String, action: String) -> Result<AuditPage, AppError> {
    require(&crate::request::RequestContext::current(), Area::Audit)?;
    let actor: String = actor.chars().take(254).collect();
    let action: String = action.chars().take(64).collect();
    Ok(super::audit::list_audit(&use_db()?, &actor, &action).await?)
}
