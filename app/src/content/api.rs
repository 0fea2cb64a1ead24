//! Server functions of the content hub: validate → repo → map errors.

use super::model::{ContentPiece, EverythingResults, Hub};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::model::HubFilters,
    super::repo,
    crate::db::{now_unix, use_db},
};

/// The hub's pieces for the filters in `query` (the page's query string, as pairs).
#[server]
pub async fn load_hub(query: Vec<(String, String)>) -> Result<Hub, AppError> {
    let db = use_db()?;
    let mut filters = HubFilters::parse(query.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let personas = repo::list_personas(&db).await?;
    if let Some(persona) = &filters.persona {
        if !personas.iter().any(|p| &p.slug == persona) {
            filters
                .notices
                .push("We don't know that persona, so we show content for everyone.".into());
            filters.persona = None;
        }
    }
    let (mut items, total) = repo::search_content(&db, &filters, now_unix()).await?;
    let (stage, me) = crate::journey::api::visitor_profile(&db).await?;
    if filters.recommended {
        // The visitor's own stage and persona, unless the filters say otherwise.
        let persona = filters
            .persona
            .as_deref()
            .or(me.as_ref().map(|p| p.slug.as_str()));
        super::model::order_for_visitor(&mut items, filters.stage.unwrap_or(stage), persona);
    }
    Ok(Hub {
        me,
        filters,
        personas,
        items,
        total,
    })
}

#[server]
pub async fn load_content(slug: String) -> Result<ContentPiece, AppError> {
    if !crate::slug::is_valid_slug(&slug) {
        return Err(AppError::NotFound);
    }
    let db = use_db()?;
    let now = now_unix();
    let row = match repo::find_visible_content(&db, &slug, now).await? {
        Some(row) => row,
        // Content staff may preview drafts and scheduled pieces as a visitor would see them.
        None if crate::request::RequestContext::current()
            .user
            .is_some_and(|u| u.can(crate::request::Area::Content)) =>
        {
            repo::find_content_for_preview(&db, &slug)
                .await?
                .ok_or(AppError::NotFound)?
        }
        None => return Err(AppError::NotFound),
    };
    let stage = row.card.stage;
    let products = if stage.may_show_products() {
        crate::catalog::repo::list_active_products_of_content(&db, row.card.id).await?
    } else {
        Vec::new()
    };
    crate::journey::record(
        &db,
        &crate::request::RequestContext::current(),
        crate::journey::model::EventKind::ContentView,
        &row.card.slug,
        stage.key(),
    )
    .await;
    let saved = crate::journey::saved_here(&db, "content", &row.card.slug).await;
    let (personas, next_steps) = tokio::try_join!(
        repo::list_personas_of_content(&db, row.card.id),
        repo::list_next_steps(&db, row.card.id, stage.next(), now, 3),
    )?;
    Ok(ContentPiece {
        body_html: crate::markdown::render_markdown(&row.body_md),
        card: row.card,
        author: row.author,
        media_url: row.media_url,
        transcript: row.transcript,
        seo_title: row.seo_title,
        seo_description: row.seo_description,
        updated_at: row.updated_at,
        personas,
        products,
        next_steps,
        saved,
    })
}

/// One search box for the whole store: the best products and the best guides for `q`.
#[server]
pub async fn search_everything(q: String) -> Result<EverythingResults, AppError> {
    let q: String = q.trim().chars().take(100).collect();
    if q.is_empty() {
        return Ok(EverythingResults {
            q,
            products: Vec::new(),
            product_total: 0,
            guides: Vec::new(),
            guide_total: 0,
        });
    }
    let db = use_db()?;
    let products = crate::catalog::api::search_catalog(vec![("q".into(), q.clone())], None).await?;
    // Guides whose title or summary holds the whole query; failing that, any of its
    // longer words.
    let filters = HubFilters {
        q: q.clone(),
        ..Default::default()
    };
    let (found, total) = repo::search_content(&db, &filters, now_unix()).await?;
    let (mut guides, guide_total) = if total > 0 {
        (found, total)
    } else {
        let mut guides: Vec<super::model::ContentCard> = Vec::new();
        for word in q.split_whitespace().filter(|w| w.len() > 3) {
            let filters = HubFilters {
                q: word.to_string(),
                ..Default::default()
            };
            let (found, _) = repo::search_content(&db, &filters, now_unix()).await?;
            for card in found {
                if !guides.iter().any(|g| g.id == card.id) {
                    guides.push(card);
                }
            }
        }
        let total = guides.len() as i64;
        (guides, total)
    };
    guides.truncate(8);
    Ok(EverythingResults {
        q,
        products: products.products.into_iter().take(8).collect(),
        product_total: products.total,
        guides,
        guide_total,
    })
}
