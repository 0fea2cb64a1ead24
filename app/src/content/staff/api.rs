//! Server functions behind the content management pages; each decides access first.

use crate::content::staff::model::{AdminContentItem, ContentEditData, PersonaCoverage};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {super::repo, crate::admin::guard::require, crate::db::use_db, crate::request::Area};

#[server(endpoint = "admin/personas")]
pub async fn load_admin_personas() -> Result<Vec<PersonaCoverage>, AppError> {
    require(&crate::request::RequestContext::current(), Area::Personas)?;
    Ok(repo::persona_coverage(&use_db()?).await?)
}

#[server(endpoint = "admin/content")]
pub async fn load_admin_content(
    status: String,
    stage: String,
) -> Result<Vec<AdminContentItem>, AppError> {
    require(&crate::request::RequestContext::current(), Area::Content)?;
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
    require(&crate::request::RequestContext::current(), Area::Content)?;
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
    data.categories = crate::catalog::staff::repo::list_category_tree(&db).await?;
    data.personas = personas;
    Ok(data)
}
