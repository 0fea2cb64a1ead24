//! The SQL of the shared cards: how a content card is read (with its personas), the
//! personas themselves, and the guides listed on a product page.

use super::model::{ContentCard, Kind, Persona, PersonaTag, Stage};
use crate::db::Db;
use sqlx::Row;
use std::collections::HashMap;

pub const CARD_COLUMNS: &str =
    "c.id, c.slug, c.title, c.summary, c.kind, c.stage, c.minutes, c.published_at, c.cover_url, c.cover_alt";

pub const VISIBLE: &str = "c.status = 'published' AND c.published_at <= $1";

pub async fn list_personas(db: &Db) -> Result<Vec<Persona>, sqlx::Error> {
    sqlx::query(
        "SELECT id, slug, name, description, problems FROM personas ORDER BY position, name",
    )
    .fetch_all(db.pool())
    .await?
    .iter()
    .map(persona_from_row)
    .collect()
}

/// A persona from a row that selects its id, slug, name, description and problems.
pub fn persona_from_row(r: &sqlx::any::AnyRow) -> Result<Persona, sqlx::Error> {
    Ok(Persona {
        id: r.try_get("id")?,
        slug: r.try_get("slug")?,
        name: r.try_get("name")?,
        description: r.try_get("description")?,
        problems: r.try_get("problems")?,
    })
}

pub fn card_from_row(row: &sqlx::any::AnyRow) -> Result<ContentCard, sqlx::Error> {
    let kind: String = row.try_get("kind")?;
    let stage: String = row.try_get("stage")?;
    Ok(ContentCard {
        id: row.try_get("id")?,
        slug: row.try_get("slug")?,
        title: row.try_get("title")?,
        summary: row.try_get("summary")?,
        // The CHECK constraints keep these valid; a bad row would be a migration bug.
        kind: Kind::parse(&kind).unwrap_or(Kind::Article),
        stage: Stage::parse(&stage).unwrap_or(Stage::Awareness),
        minutes: row.try_get("minutes")?,
        published_at: row.try_get("published_at")?,
        cover_url: row.try_get("cover_url")?,
        cover_alt: row.try_get("cover_alt")?,
        personas: Vec::new(),
    })
}

/// Fills in each card's personas with one query.
pub async fn attach_personas(db: &Db, cards: &mut [ContentCard]) -> Result<(), sqlx::Error> {
    if cards.is_empty() {
        return Ok(());
    }
    let placeholders: Vec<String> = (1..=cards.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "SELECT cp.content_id, p.slug, p.name FROM content_personas cp JOIN personas p ON p.id = cp.persona_id \
         WHERE cp.content_id IN ({}) ORDER BY p.position, p.name",
        placeholders.join(", ")
    );
    let mut query = sqlx::query(&sql);
    for card in cards.iter() {
        query = query.bind(card.id);
    }
    let mut by_content: HashMap<i64, Vec<PersonaTag>> = HashMap::new();
    for row in query.fetch_all(db.pool()).await? {
        by_content
            .entry(row.try_get("content_id")?)
            .or_default()
            .push(PersonaTag {
                slug: row.try_get("slug")?,
                name: row.try_get("name")?,
            });
    }
    for card in cards.iter_mut() {
        card.personas = by_content.remove(&card.id).unwrap_or_default();
    }
    Ok(())
}

pub async fn cards<'q>(
    db: &Db,
    query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
) -> Result<Vec<ContentCard>, sqlx::Error> {
    let rows = query.fetch_all(db.pool()).await?;
    let mut cards = rows
        .iter()
        .map(card_from_row)
        .collect::<Result<Vec<_>, _>>()?;
    attach_personas(db, &mut cards).await?;
    Ok(cards)
}

/// Visible pieces about a product: linked to it directly or to its category or any
/// ancestor of that category.
pub async fn list_content_for_product(
    db: &Db,
    product_id: i64,
    category_ids: &[i64],
    now: i64,
) -> Result<Vec<ContentCard>, sqlx::Error> {
    let categories = if category_ids.is_empty() {
        "NULL".to_string()
    } else {
        category_ids
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    };
    // The ids are integers we read from the database, so inlining them is safe.
    let sql = format!(
        "SELECT {CARD_COLUMNS} FROM content c WHERE {VISIBLE} AND ( \
            EXISTS (SELECT 1 FROM content_products cp WHERE cp.content_id = c.id AND cp.product_id = $2) \
            OR EXISTS (SELECT 1 FROM content_categories cc WHERE cc.content_id = c.id AND cc.category_id IN ({categories}))) \
         ORDER BY c.published_at DESC LIMIT 24"
    );
    cards(db, sqlx::query(&sql).bind(now).bind(product_id)).await
}

/// A visible piece's card, for lists that name pieces by slug (the research trail).
pub async fn find_visible_content_card(
    db: &Db,
    slug: &str,
    now: i64,
) -> Result<Option<ContentCard>, sqlx::Error> {
    let sql = format!("SELECT {CARD_COLUMNS} FROM content c WHERE {VISIBLE} AND c.slug = $2");
    Ok(cards(db, sqlx::query(&sql).bind(now).bind(slug))
        .await?
        .pop())
}
