//! SQL of content management: persona coverage and edits, staff's content list, drafts
//! and saving a piece with its personas, products and categories.

use crate::db::{now_unix, Db};
use sqlx::Row;

// ---- personas ----

pub async fn persona_coverage(db: &Db) -> Result<Vec<super::model::PersonaCoverage>, sqlx::Error> {
    use crate::content::model::Stage;
    let personas = crate::content::repo::list_personas(db).await?;
    let counts: Vec<(i64, String, i64)> = sqlx::query_as(
        "SELECT cp.persona_id, c.stage, COUNT(*) FROM content_personas cp JOIN content c ON c.id = cp.content_id \
         WHERE c.status = 'published' GROUP BY cp.persona_id, c.stage",
    )
    .fetch_all(db.pool())
    .await?;
    Ok(personas
        .into_iter()
        .map(|persona| {
            let mut per_stage = [0; 3];
            for (i, stage) in Stage::ALL.iter().enumerate() {
                per_stage[i] = counts
                    .iter()
                    .filter(|(id, s, _)| *id == persona.id && s == stage.key())
                    .map(|(_, _, n)| *n)
                    .sum();
            }
            super::model::PersonaCoverage { persona, per_stage }
        })
        .collect())
}

pub async fn insert_admin_persona(
    db: &Db,
    slug: &str,
    name: &str,
    description: &str,
    problems: &str,
) -> Result<i64, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    let result =
        crate::content::repo::insert_persona(&mut tx, slug, name, description, problems, 100)
            .await?;
    tx.commit().await?;
    Ok(result)
}

pub async fn update_persona(
    db: &Db,
    id: i64,
    name: &str,
    description: &str,
    problems: &str,
) -> Result<bool, sqlx::Error> {
    let done =
        sqlx::query("UPDATE personas SET name = $1, description = $2, problems = $3 WHERE id = $4")
            .bind(name)
            .bind(description)
            .bind(problems)
            .bind(id)
            .execute(db.pool())
            .await?;
    Ok(done.rows_affected() == 1)
}

// ---- content ----

pub async fn list_admin_content(
    db: &Db,
    status: &str,
    stage: &str,
) -> Result<Vec<super::model::AdminContentItem>, sqlx::Error> {
    sqlx::query(
        "SELECT id, slug, title, kind, stage, status, published_at FROM content \
         WHERE ($1 = '' OR status = $1) AND ($2 = '' OR stage = $2) ORDER BY published_at DESC, id DESC LIMIT 300",
    )
    .bind(status)
    .bind(stage)
    .fetch_all(db.pool())
    .await?
    .into_iter()
    .map(|r| {
        Ok(super::model::AdminContentItem {
            id: r.try_get("id")?,
            slug: r.try_get("slug")?,
            title: r.try_get("title")?,
            kind: r.try_get("kind")?,
            stage: r.try_get("stage")?,
            status: r.try_get("status")?,
            published_at: r.try_get("published_at")?,
        })
    })
    .collect()
}

pub async fn find_content_draft(
    db: &Db,
    id: i64,
) -> Result<Option<super::model::ContentEditData>, sqlx::Error> {
    let Some(r) = sqlx::query(
        "SELECT id, slug, title, summary, body_md, kind, stage, author, media_url, transcript, cover_url, cover_alt, \
         seo_title, seo_description, status, published_at FROM content WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(db.pool())
    .await?
    else {
        return Ok(None);
    };
    let persona_ids: Vec<i64> =
        sqlx::query_scalar("SELECT persona_id FROM content_personas WHERE content_id = $1")
            .bind(id)
            .fetch_all(db.pool())
            .await?;
    let category_ids: Vec<i64> =
        sqlx::query_scalar("SELECT category_id FROM content_categories WHERE content_id = $1")
            .bind(id)
            .fetch_all(db.pool())
            .await?;
    let product_slugs: Vec<String> = sqlx::query_scalar(
        "SELECT p.slug FROM content_products cp JOIN products p ON p.id = cp.product_id WHERE cp.content_id = $1 ORDER BY p.slug",
    )
    .bind(id)
    .fetch_all(db.pool())
    .await?;
    Ok(Some(super::model::ContentEditData {
        id: Some(r.try_get("id")?),
        slug: r.try_get("slug")?,
        title: r.try_get("title")?,
        summary: r.try_get("summary")?,
        body_md: r.try_get("body_md")?,
        kind: r.try_get("kind")?,
        stage: r.try_get("stage")?,
        author: r.try_get("author")?,
        media_url: r.try_get("media_url")?,
        transcript: r.try_get("transcript")?,
        cover_url: r.try_get("cover_url")?,
        cover_alt: r.try_get("cover_alt")?,
        seo_title: r.try_get("seo_title")?,
        seo_description: r.try_get("seo_description")?,
        status: r.try_get("status")?,
        publish_at: crate::time::to_datetime_local(r.try_get("published_at")?),
        persona_ids,
        category_ids,
        product_slugs: product_slugs.join(", "),
        personas: Vec::new(),
        categories: Vec::new(),
    }))
}

/// Why a content form could not be stored (each shown next to its field).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContentWriteError {
    SlugTaken,
    NoSuchProduct(String),
    NoSuchCategory,
}

/// Creates (`id` None) or updates a piece with its persona, product and category links,
/// in one transaction. Unknown product slugs are reported, not silently dropped.
pub async fn save_content(
    db: &Db,
    id: Option<i64>,
    input: &super::model::ContentInput,
) -> Result<Result<i64, ContentWriteError>, sqlx::Error> {
    use crate::content::repo::{link_content, LinkTable};
    let mut tx = db.begin_write().await?;
    let mut product_ids = Vec::new();
    for slug in &input.product_slugs {
        match sqlx::query_scalar::<_, i64>("SELECT id FROM products WHERE slug = $1")
            .bind(slug)
            .fetch_optional(&mut *tx)
            .await?
        {
            Some(pid) => product_ids.push(pid),
            None => return Ok(Err(ContentWriteError::NoSuchProduct(slug.clone()))),
        }
    }
    for category in &input.category_ids {
        let exists: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM categories WHERE id = $1")
            .bind(category)
            .fetch_one(&mut *tx)
            .await?;
        if exists == 0 {
            return Ok(Err(ContentWriteError::NoSuchCategory));
        }
    }
    let taken: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM content WHERE slug = $1 AND id <> $2")
            .bind(&input.slug)
            .bind(id.unwrap_or(0))
            .fetch_one(&mut *tx)
            .await?;
    if taken > 0 {
        return Ok(Err(ContentWriteError::SlugTaken));
    }
    let minutes = match input.kind {
        crate::content::model::Kind::Video => 0,
        _ => crate::content::model::reading_minutes(&format!(
            "{} {}",
            input.body_md, input.transcript
        )),
    };
    let status = if input.published {
        "published"
    } else {
        "draft"
    };
    let now = now_unix();
    let content_id = match id {
        Some(id) => {
            sqlx::query(
                "UPDATE content SET slug = $1, title = $2, summary = $3, body_md = $4, kind = $5, stage = $6, author = $7, \
                 media_url = $8, transcript = $9, minutes = CASE WHEN $10 = 0 THEN minutes ELSE $10 END, status = $11, \
                 published_at = $12, updated_at = $13, cover_url = $14, cover_alt = $15, seo_title = $16, \
                 seo_description = $17 WHERE id = $18",
            )
            .bind(&input.slug)
            .bind(&input.title)
            .bind(&input.summary)
            .bind(&input.body_md)
            .bind(input.kind.key())
            .bind(input.stage.key())
            .bind(&input.author)
            .bind(&input.media_url)
            .bind(&input.transcript)
            .bind(minutes)
            .bind(status)
            .bind(input.publish_at)
            .bind(now)
            .bind(&input.cover_url)
            .bind(&input.cover_alt)
            .bind(&input.seo_title)
            .bind(&input.seo_description)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            for table in ["content_personas", "content_products", "content_categories"] {
                sqlx::query(&format!("DELETE FROM {table} WHERE content_id = $1")).bind(id).execute(&mut *tx).await?;
            }
            id
        }
        None => sqlx::query_scalar(
            "INSERT INTO content (slug, title, summary, body_md, kind, stage, author, media_url, transcript, minutes, status, \
             published_at, created_at, updated_at, cover_url, cover_alt, seo_title, seo_description) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13, $14, $15, $16, $17) RETURNING id",
        )
        .bind(&input.slug)
        .bind(&input.title)
        .bind(&input.summary)
        .bind(&input.body_md)
        .bind(input.kind.key())
        .bind(input.stage.key())
        .bind(&input.author)
        .bind(&input.media_url)
        .bind(&input.transcript)
        .bind(minutes.max(1))
        .bind(status)
        .bind(input.publish_at)
        .bind(now)
        .bind(&input.cover_url)
        .bind(&input.cover_alt)
        .bind(&input.seo_title)
        .bind(&input.seo_description)
        .fetch_one(&mut *tx)
        .await?,
    };
    for persona in &input.persona_ids {
        link_content(&mut tx, LinkTable::Personas, content_id, *persona).await?;
    }
    for product in product_ids {
        link_content(&mut tx, LinkTable::Products, content_id, product).await?;
    }
    for category in &input.category_ids {
        link_content(&mut tx, LinkTable::Categories, content_id, *category).await?;
    }
    tx.commit().await?;
    Ok(Ok(content_id))
}
