//! All SQL of the shared funnel view. Analytics reads what the other rooms record — the
//! research trail (`journey_events`), orders, the frozen content credits, tickets and
//! quotes — and writes nothing. Every figure comes from one query over the range; the
//! credit rows were frozen when each order was paid, so reports agree with each other.

use super::model::{Range, VisitorSteps};
use crate::db::Db;
use sqlx::Row;

const PAID: &str = "('paid', 'fulfilled', 'partially_refunded', 'refunded')";

/// Every visitor with an event in the range and the funnel steps they reached in it.
pub async fn visitor_steps(db: &Db, range: &Range) -> Result<Vec<VisitorSteps>, sqlx::Error> {
    let sql = format!(
        "SELECT e.visitor_id, \
                CAST(MAX(CASE WHEN e.kind = 'product_view' THEN 1 ELSE 0 END) AS BIGINT) AS product, \
                CAST(MAX(CASE WHEN e.kind = 'content_view' THEN 1 ELSE 0 END) AS BIGINT) AS guide, \
                CAST(MAX(CASE WHEN e.kind = 'cart' THEN 1 ELSE 0 END) AS BIGINT) AS cart, \
                CAST(MAX(CASE WHEN e.kind = 'checkout' THEN 1 ELSE 0 END) AS BIGINT) AS checkout, \
                CAST(MAX(CASE WHEN o.status IN {PAID} THEN 1 ELSE 0 END) AS BIGINT) AS paid, \
                MIN(e.created_at) AS first_at, \
                MIN(CASE WHEN o.status IN {PAID} THEN o.paid_at END) AS paid_at, \
                COALESCE(MIN(CASE WHEN o.status IN {PAID} THEN o.public_id END), '') AS paid_order, \
                MAX(COALESCE(p.persona_slug, '')) AS persona, \
                COALESCE((SELECT f.detail FROM journey_events f WHERE f.visitor_id = e.visitor_id \
                    AND f.kind = 'content_view' AND f.created_at >= $1 AND f.created_at < $2 \
                    ORDER BY f.created_at, f.id LIMIT 1), '') AS entry_stage \
         FROM journey_events e \
         LEFT JOIN orders o ON e.kind = 'checkout' AND o.public_id = e.subject \
         LEFT JOIN visitor_profiles p ON p.visitor_id = e.visitor_id \
         WHERE e.created_at >= $1 AND e.created_at < $2 \
         GROUP BY e.visitor_id ORDER BY MIN(e.created_at)"
    );
    sqlx::query(&sql)
        .bind(range.from)
        .bind(range.to)
        .fetch_all(db.pool())
        .await?
        .iter()
        .map(|r| {
            let flag =
                |name: &str| -> Result<bool, sqlx::Error> { Ok(r.try_get::<i64, _>(name)? == 1) };
            Ok(VisitorSteps {
                visitor: r.try_get("visitor_id")?,
                product: flag("product")?,
                guide: flag("guide")?,
                cart: flag("cart")?,
                checkout: flag("checkout")?,
                paid: flag("paid")?,
                first_at: r.try_get("first_at")?,
                paid_at: r.try_get("paid_at")?,
                paid_order: r.try_get("paid_order")?,
                persona: r.try_get("persona")?,
                entry_stage: r.try_get("entry_stage")?,
            })
        })
        .collect()
}

/// Persona slugs and names.
pub async fn persona_names(db: &Db) -> Result<Vec<(String, String)>, sqlx::Error> {
    sqlx::query_as("SELECT slug, name FROM personas ORDER BY position, name")
        .fetch_all(db.pool())
        .await
}

/// Revenue of the orders paid in the range, and of those credited to a guide.
pub async fn revenue(db: &Db, range: &Range) -> Result<(i64, i64), sqlx::Error> {
    let sql = format!(
        "SELECT CAST(COALESCE(SUM(o.total_cents), 0) AS BIGINT), \
                CAST(COALESCE(SUM(CASE WHEN EXISTS (SELECT 1 FROM content_credits c WHERE c.order_id = o.id) \
                    THEN o.total_cents ELSE 0 END), 0) AS BIGINT) \
         FROM orders o WHERE o.status IN {PAID} AND o.paid_at >= $1 AND o.paid_at < $2"
    );
    sqlx::query_as(&sql)
        .bind(range.from)
        .bind(range.to)
        .fetch_one(db.pool())
        .await
}

/// Per guide: readers and measured reading in the range, and what the frozen credits of
/// orders paid in the range give it under each model ((slug, model) → cents).
pub struct ContentFigures {
    /// (slug, title, stage, readers, average depth, average seconds, tickets after reading).
    pub reading: Vec<(String, String, String, i64, i64, i64, i64)>,
    /// (slug, model, cents, orders).
    pub credits: Vec<(String, String, i64, i64)>,
}

pub async fn content_figures(db: &Db, range: &Range) -> Result<ContentFigures, sqlx::Error> {
    let reading: Vec<(String, String, String, i64, i64, i64, i64)> = sqlx::query_as(
        "SELECT c.slug, c.title, c.stage, \
                CAST(COUNT(DISTINCT e.visitor_id) AS BIGINT), \
                CAST(COALESCE(AVG(CASE WHEN e.read_depth > 0 THEN e.read_depth END), 0) AS BIGINT), \
                CAST(COALESCE(AVG(CASE WHEN e.read_seconds > 0 THEN e.read_seconds END), 0) AS BIGINT), \
                CAST((SELECT COUNT(*) FROM tickets t WHERE t.created_at >= $1 AND t.created_at < $2 \
                    AND EXISTS (SELECT 1 FROM journey_events r WHERE r.kind = 'content_view' \
                        AND r.subject = c.slug AND r.created_at <= t.created_at \
                        AND (t.owner = 'v:' || r.visitor_id OR t.user_id = r.user_id))) AS BIGINT) \
         FROM content c JOIN journey_events e ON e.kind = 'content_view' AND e.subject = c.slug \
         WHERE e.created_at >= $1 AND e.created_at < $2 \
         GROUP BY c.slug, c.title, c.stage ORDER BY COUNT(DISTINCT e.visitor_id) DESC, c.slug",
    )
    .bind(range.from)
    .bind(range.to)
    .fetch_all(db.pool())
    .await?;
    let credits: Vec<(String, String, i64, i64)> = sqlx::query_as(
        "SELECT content_slug, model, CAST(SUM(credit_cents) AS BIGINT), CAST(COUNT(*) AS BIGINT) \
         FROM content_credits WHERE paid_at >= $1 AND paid_at < $2 \
         GROUP BY content_slug, model",
    )
    .bind(range.from)
    .bind(range.to)
    .fetch_all(db.pool())
    .await?;
    Ok(ContentFigures { reading, credits })
}

/// Titles and stages of guides that have credits but were not read in the range.
pub async fn content_titles(db: &Db) -> Result<Vec<(String, String, String)>, sqlx::Error> {
    sqlx::query_as("SELECT slug, title, stage FROM content")
        .fetch_all(db.pool())
        .await
}

/// Tickets opened in the range: (stage at opening, status, created, first response).
pub async fn tickets(
    db: &Db,
    range: &Range,
) -> Result<Vec<(String, String, i64, Option<i64>)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT stage, status, created_at, first_response_at FROM tickets \
         WHERE created_at >= $1 AND created_at < $2",
    )
    .bind(range.from)
    .bind(range.to)
    .fetch_all(db.pool())
    .await
}

/// Paid revenue in the range: from quotes, from buyers who opened a ticket before paying,
/// and from the others.
pub async fn sales_revenue(db: &Db, range: &Range) -> Result<(i64, i64, i64), sqlx::Error> {
    let sql = format!(
        "SELECT \
            CAST(COALESCE(SUM(CASE WHEN EXISTS (SELECT 1 FROM quotes q WHERE q.order_id = o.id) THEN o.total_cents ELSE 0 END), 0) AS BIGINT), \
            CAST(COALESCE(SUM(CASE WHEN EXISTS (SELECT 1 FROM tickets t WHERE t.created_at <= o.paid_at \
                AND (t.owner = o.owner OR (o.user_id IS NOT NULL AND t.user_id = o.user_id))) THEN o.total_cents ELSE 0 END), 0) AS BIGINT), \
            CAST(COALESCE(SUM(o.total_cents), 0) AS BIGINT) \
         FROM orders o WHERE o.status IN {PAID} AND o.paid_at >= $1 AND o.paid_at < $2"
    );
    let (quotes, talked, all): (i64, i64, i64) = sqlx::query_as(&sql)
        .bind(range.from)
        .bind(range.to)
        .fetch_one(db.pool())
        .await?;
    Ok((quotes, talked, all - talked))
}

/// Searches in the range that found nothing or little: (text, times, results last time).
pub async fn thin_searches(db: &Db, range: &Range) -> Result<Vec<(String, i64, i64)>, sqlx::Error> {
    let rows: Vec<(String, i64, String)> = sqlx::query_as(
        "SELECT LOWER(subject), CAST(COUNT(*) AS BIGINT), MAX(detail) FROM journey_events \
         WHERE kind = 'search' AND created_at >= $1 AND created_at < $2 AND detail <> '' \
         GROUP BY LOWER(subject) ORDER BY COUNT(*) DESC, LOWER(subject) LIMIT 200",
    )
    .bind(range.from)
    .bind(range.to)
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(text, times, results)| {
            let results = results.parse::<i64>().ok()?;
            (results <= 2).then_some((text, times, results))
        })
        .take(20)
        .collect())
}

/// Why tickets of the range were lost, most common first.
pub async fn lost_reasons(db: &Db, range: &Range) -> Result<Vec<(String, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT outcome_reason, CAST(COUNT(*) AS BIGINT) FROM tickets \
         WHERE status = 'lost' AND created_at >= $1 AND created_at < $2 AND outcome_reason <> '' \
         GROUP BY outcome_reason ORDER BY COUNT(*) DESC, outcome_reason LIMIT 20",
    )
    .bind(range.from)
    .bind(range.to)
    .fetch_all(db.pool())
    .await
}

/// Published guides per (persona slug, stage).
pub async fn coverage(db: &Db) -> Result<Vec<(String, String, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT p.slug, c.stage, CAST(COUNT(*) AS BIGINT) FROM content c \
         JOIN content_personas cp ON cp.content_id = c.id JOIN personas p ON p.id = cp.persona_id \
         WHERE c.status = 'published' GROUP BY p.slug, c.stage",
    )
    .fetch_all(db.pool())
    .await
}
