//! All SQL of the content hub. "Visible" always means published with a publish date that
//! has come (that is how scheduling works).

use super::model::{ContentCard, HubFilters, Kind, Persona, Stage};
use crate::cards::repo::{
    attach_personas, card_from_row, cards, persona_from_row, CARD_COLUMNS, VISIBLE,
};
pub use crate::cards::repo::{list_content_for_product, list_personas};
use crate::db::Db;
use sqlx::{AnyConnection, Row};

/// The hub shows this many pieces per view (the demo has 27; filters narrow quickly).
pub const HUB_LIMIT: i64 = 60;

/// The hub: visible pieces matching the filters, newest first, and how many match.
pub async fn search_content(
    db: &Db,
    filters: &HubFilters,
    now: i64,
) -> Result<(Vec<ContentCard>, i64), sqlx::Error> {
    let pattern = format!("%{}%", filters.q.to_lowercase().replace(['%', '_'], ""));
    let condition = format!(
        "{VISIBLE} AND ($2 = '' OR c.kind = $2) AND ($3 = '' OR c.stage = $3) \
         AND ($4 = '' OR EXISTS (SELECT 1 FROM content_personas cp JOIN personas p ON p.id = cp.persona_id \
                                 WHERE cp.content_id = c.id AND p.slug = $4)) \
         AND (LOWER(c.title) LIKE $5 OR LOWER(c.summary) LIKE $5)"
    );
    let kind = filters.kind.map(Kind::key).unwrap_or("");
    let stage = filters.stage.map(Stage::key).unwrap_or("");
    let persona = filters.persona.as_deref().unwrap_or("");
    let sql = format!("SELECT {CARD_COLUMNS} FROM content c WHERE {condition} ORDER BY c.published_at DESC, c.id DESC LIMIT {HUB_LIMIT}");
    let items = cards(
        db,
        sqlx::query(&sql)
            .bind(now)
            .bind(kind)
            .bind(stage)
            .bind(persona)
            .bind(&pattern),
    )
    .await?;
    let total: i64 =
        sqlx::query_scalar(&format!("SELECT COUNT(*) FROM content c WHERE {condition}"))
            .bind(now)
            .bind(kind)
            .bind(stage)
            .bind(persona)
            .bind(&pattern)
            .fetch_one(db.pool())
            .await?;
    Ok((items, total))
}

/// A visible piece and what only the piece page needs.
pub struct ContentRow {
    pub card: ContentCard,
    pub author: String,
    pub body_md: String,
    pub media_url: String,
    pub transcript: String,
    pub seo_title: String,
    pub seo_description: String,
    pub updated_at: i64,
}

pub async fn find_visible_content(
    db: &Db,
    slug: &str,
    now: i64,
) -> Result<Option<ContentRow>, sqlx::Error> {
    find_content(db, slug, now, false).await
}

/// A piece whatever its status or date: staff previewing drafts and scheduled pieces.
pub async fn find_content_for_preview(
    db: &Db,
    slug: &str,
) -> Result<Option<ContentRow>, sqlx::Error> {
    find_content(db, slug, 0, true).await
}

async fn find_content(
    db: &Db,
    slug: &str,
    now: i64,
    preview: bool,
) -> Result<Option<ContentRow>, sqlx::Error> {
    let visible = if preview { "$1 = $1" } else { VISIBLE };
    let sql = format!(
        "SELECT {CARD_COLUMNS}, c.author, c.body_md, c.media_url, c.transcript, c.seo_title, c.seo_description, c.updated_at \
         FROM content c WHERE c.slug = $2 AND {visible}"
    );
    let Some(row) = sqlx::query(&sql)
        .bind(now)
        .bind(slug)
        .fetch_optional(db.pool())
        .await?
    else {
        return Ok(None);
    };
    let mut card = vec![card_from_row(&row)?];
    attach_personas(db, &mut card).await?;
    Ok(Some(ContentRow {
        card: card.remove(0),
        author: row.try_get("author")?,
        body_md: row.try_get("body_md")?,
        media_url: row.try_get("media_url")?,
        transcript: row.try_get("transcript")?,
        seo_title: row.try_get("seo_title")?,
        seo_description: row.try_get("seo_description")?,
        updated_at: row.try_get("updated_at")?,
    }))
}

pub async fn list_personas_of_content(
    db: &Db,
    content_id: i64,
) -> Result<Vec<Persona>, sqlx::Error> {
    sqlx::query(
        "SELECT p.id, p.slug, p.name, p.description, p.problems FROM personas p \
         JOIN content_personas cp ON cp.persona_id = p.id WHERE cp.content_id = $1 ORDER BY p.position, p.name",
    )
    .bind(content_id)
    .fetch_all(db.pool())
    .await?
    .iter()
    .map(persona_from_row)
    .collect()
}

/// "Next step" pieces: visible pieces at `stage` that share a persona with the piece,
/// newest first, never the piece itself.
pub async fn list_next_steps(
    db: &Db,
    content_id: i64,
    stage: Stage,
    now: i64,
    limit: i64,
) -> Result<Vec<ContentCard>, sqlx::Error> {
    let sql = format!(
        "SELECT {CARD_COLUMNS} FROM content c WHERE {VISIBLE} AND c.stage = $2 AND c.id <> $3 \
         AND EXISTS (SELECT 1 FROM content_personas mine JOIN content_personas theirs ON theirs.persona_id = mine.persona_id \
                     WHERE mine.content_id = $3 AND theirs.content_id = c.id) \
         ORDER BY c.published_at DESC LIMIT $4"
    );
    cards(
        db,
        sqlx::query(&sql)
            .bind(now)
            .bind(stage.key())
            .bind(content_id)
            .bind(limit),
    )
    .await
}

/// Newest visible pieces, for the Atom feed.
pub async fn list_recent_content(
    db: &Db,
    now: i64,
    limit: i64,
) -> Result<Vec<(ContentCard, i64, String)>, sqlx::Error> {
    let sql = format!(
        "SELECT {CARD_COLUMNS}, c.updated_at, c.author FROM content c WHERE {VISIBLE} ORDER BY c.published_at DESC LIMIT $2"
    );
    sqlx::query(&sql)
        .bind(now)
        .bind(limit)
        .fetch_all(db.pool())
        .await?
        .iter()
        .map(|row| {
            Ok((
                card_from_row(row)?,
                row.try_get("updated_at")?,
                row.try_get("author")?,
            ))
        })
        .collect()
}

pub async fn list_visible_content_slugs(
    db: &Db,
    now: i64,
) -> Result<Vec<(String, i64)>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT c.slug, c.updated_at FROM content c WHERE {VISIBLE} ORDER BY c.id"
    ))
    .bind(now)
    .fetch_all(db.pool())
    .await
}

// ---- writes (seeding; the admin content room later) ----

pub async fn insert_persona(
    conn: &mut AnyConnection,
    slug: &str,
    name: &str,
    description: &str,
    problems: &str,
    position: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO personas (slug, name, description, problems, position) VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(slug)
    .bind(name)
    .bind(description)
    .bind(problems)
    .bind(position)
    .fetch_one(conn)
    .await
}

pub struct NewContent<'a> {
    pub slug: &'a str,
    pub title: &'a str,
    pub summary: &'a str,
    pub body_md: &'a str,
    pub kind: Kind,
    pub stage: Stage,
    pub author: &'a str,
    pub media_url: &'a str,
    pub transcript: &'a str,
    pub minutes: i64,
    pub published_at: i64,
}

pub async fn insert_content(
    conn: &mut AnyConnection,
    c: &NewContent<'_>,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO content (slug, title, summary, body_md, kind, stage, author, media_url, transcript, minutes, status, published_at, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'published', $11, $11, $11) RETURNING id",
    )
    .bind(c.slug)
    .bind(c.title)
    .bind(c.summary)
    .bind(c.body_md)
    .bind(c.kind.key())
    .bind(c.stage.key())
    .bind(c.author)
    .bind(c.media_url)
    .bind(c.transcript)
    .bind(c.minutes)
    .bind(c.published_at)
    .fetch_one(conn)
    .await
}

/// Links a piece to a persona, product or category (`table` is one of the link tables).
pub async fn link_content(
    conn: &mut AnyConnection,
    table: LinkTable,
    content_id: i64,
    other_id: i64,
) -> Result<(), sqlx::Error> {
    let sql = match table {
        LinkTable::Personas => {
            "INSERT INTO content_personas (content_id, persona_id) VALUES ($1, $2)"
        }
        LinkTable::Products => {
            "INSERT INTO content_products (content_id, product_id) VALUES ($1, $2)"
        }
        LinkTable::Categories => {
            "INSERT INTO content_categories (content_id, category_id) VALUES ($1, $2)"
        }
    };
    sqlx::query(sql)
        .bind(content_id)
        .bind(other_id)
        .execute(conn)
        .await?;
    Ok(())
}

#[derive(Debug, Clone, Copy)]
pub enum LinkTable {
    Personas,
    Products,
    Categories,
}

pub async fn count_content(db: &Db) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM content")
        .fetch_one(db.pool())
        .await
}

/// Guides at `from` or a later funnel stage, those about these products first, then those
/// about their categories, then the newest: what an abandoned checkout's reminder and the
/// restored cart suggest ("Still comparing? These may help").
pub async fn list_guides_for_products(
    db: &Db,
    product_ids: &[i64],
    from: Stage,
    now: i64,
    limit: i64,
) -> Result<Vec<ContentCard>, sqlx::Error> {
    // Integers only, so they can sit in the SQL; an empty list matches nothing.
    let ids = if product_ids.is_empty() {
        "NULL".to_string()
    } else {
        product_ids
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    };
    let stages = Stage::ALL
        .iter()
        .filter(|s| **s >= from)
        .map(|s| format!("'{}'", s.key()))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "SELECT {CARD_COLUMNS} FROM content c WHERE {VISIBLE} AND c.stage IN ({stages}) \
         ORDER BY CASE \
             WHEN EXISTS (SELECT 1 FROM content_products cp WHERE cp.content_id = c.id AND cp.product_id IN ({ids})) THEN 0 \
             WHEN EXISTS (SELECT 1 FROM content_categories cc JOIN products p ON p.category_id = cc.category_id \
                          WHERE cc.content_id = c.id AND p.id IN ({ids})) THEN 1 \
             ELSE 2 END, c.published_at DESC LIMIT $2"
    );
    cards(db, sqlx::query(&sql).bind(now).bind(limit)).await
}
