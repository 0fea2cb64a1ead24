//! All SQL of the journey: events, the visitor profile (chosen persona), saved items, and
//! joining an anonymous trail to an account.

use super::model::{Event, EventKind, SavedItem};
use crate::db::{now_unix, Db};
use sqlx::Row;

/// Events of one visitor (and, once signed in, of their account), oldest first; capped
/// so a long-lived visitor costs the same as a new one.
const TRAIL_LIMIT: i64 = 500;

/// "Whose trail": the visitor's own events, plus the account's when signed in.
const OWNER: &str = "(visitor_id = $1 OR ($2 <> 0 AND user_id = $2))";

/// The same event again within this many seconds is one event: a reload is not a second
/// view (and a page that Leptos happens to render twice records once).
pub const SAME_EVENT_WINDOW: i64 = 5;

pub async fn insert_event(
    db: &Db,
    visitor_id: &str,
    user_id: Option<i64>,
    kind: EventKind,
    subject: &str,
    detail: &str,
) -> Result<(), sqlx::Error> {
    let event = super::recorder::PendingEvent {
        visitor_id: visitor_id.to_string(),
        user_id,
        kind,
        subject: subject.to_string(),
        detail: detail.to_string(),
        at: now_unix(),
    };
    insert_events(db, std::slice::from_ref(&event)).await
}

/// Writes queued events in one transaction, up to 100 per statement; the same event of
/// the same visitor within `SAME_EVENT_WINDOW` seconds (a reload) is kept once, both
/// within the batch and against what is already stored. The check reaches the stored
/// events through the visitor's index only (`|| ''` and `+ 0` keep the planner off the
/// kind/time and kind/subject indexes, which under a flood of one product's views would
/// read every view of the last seconds for each row).
pub async fn insert_events(
    db: &Db,
    events: &[super::recorder::PendingEvent],
) -> Result<(), sqlx::Error> {
    let mut last_seen: std::collections::HashMap<(&str, &str, &str), i64> =
        std::collections::HashMap::new();
    let mut kept = Vec::with_capacity(events.len());
    for event in events {
        let key = (
            event.visitor_id.as_str(),
            event.kind.key(),
            event.subject.as_str(),
        );
        match last_seen.get(&key) {
            Some(at) if (event.at - at).abs() <= SAME_EVENT_WINDOW => {}
            _ => {
                last_seen.insert(key, event.at);
                kept.push(event);
            }
        }
    }
    let mut tx = db.begin_write().await?;
    for chunk in kept.chunks(100) {
        let rows: Vec<String> = (0..chunk.len())
            .map(|i| {
                let n = i * 6;
                format!(
                    "SELECT CAST(${} AS TEXT) AS visitor_id, CAST(${} AS BIGINT) AS user_id, \
                     CAST(${} AS TEXT) AS kind, CAST(${} AS TEXT) AS subject, \
                     CAST(${} AS TEXT) AS detail, CAST(${} AS BIGINT) AS created_at",
                    n + 1,
                    n + 2,
                    n + 3,
                    n + 4,
                    n + 5,
                    n + 6
                )
            })
            .collect();
        let sql = format!(
            "INSERT INTO journey_events (visitor_id, user_id, kind, subject, detail, created_at) \
             SELECT v.visitor_id, v.user_id, v.kind, v.subject, v.detail, v.created_at \
             FROM ({}) v WHERE NOT EXISTS (SELECT 1 FROM journey_events e \
                 WHERE e.visitor_id = v.visitor_id AND e.kind || '' = v.kind \
                 AND e.subject || '' = v.subject \
                 AND e.created_at + 0 >= v.created_at - {SAME_EVENT_WINDOW})",
            rows.join(" UNION ALL ")
        );
        // Not kept prepared: a batch of each size 1..=100 is its own statement, and each
        // connection kept up to a hundred of them, large ones (a product-page flood on
        // SQLite added 31 MB resident with them kept, 9 MB without). Preparing it again
        // costs far less than a batch's write.
        let mut query = sqlx::query(&sql).persistent(false);
        for event in chunk {
            let subject: String = event.subject.chars().take(200).collect();
            query = query
                .bind(event.visitor_id.clone())
                .bind(event.user_id)
                .bind(event.kind.key())
                .bind(subject)
                .bind(event.detail.clone())
                .bind(event.at);
        }
        query.execute(&mut *tx).await?;
    }
    tx.commit().await
}

pub async fn list_events(
    db: &Db,
    visitor_id: &str,
    user_id: Option<i64>,
) -> Result<Vec<Event>, sqlx::Error> {
    let rows = sqlx::query(&format!(
        "SELECT kind, subject, detail, created_at, read_depth, read_seconds FROM (SELECT id, kind, subject, detail, created_at, \
         read_depth, read_seconds FROM journey_events \
         WHERE {OWNER} ORDER BY id DESC LIMIT {TRAIL_LIMIT}) recent ORDER BY id"
    ))
    .bind(visitor_id)
    .bind(user_id.unwrap_or(0))
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            let kind: String = r.try_get("kind").ok()?;
            Some(Event {
                kind: EventKind::parse(&kind)?,
                subject: r.try_get("subject").ok()?,
                detail: r.try_get("detail").ok()?,
                created_at: r.try_get("created_at").ok()?,
                read_depth: r.try_get("read_depth").ok()?,
                read_seconds: r.try_get("read_seconds").ok()?,
            })
        })
        .collect())
}

/// Puts what the reading beacon measured on the visitor's latest view of the piece (within
/// `window` seconds). The beacon reports totals for the page so far, so the larger value
/// wins and a repeated beacon changes nothing. Returns whether a view was found.
pub async fn record_reading(
    db: &Db,
    visitor_id: &str,
    slug: &str,
    depth: i64,
    seconds: i64,
    window: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE journey_events SET \
             read_depth = CASE WHEN read_depth < $1 THEN $1 ELSE read_depth END, \
             read_seconds = CASE WHEN read_seconds < $2 THEN $2 ELSE read_seconds END \
         WHERE id = (SELECT id FROM journey_events WHERE visitor_id = $3 AND kind = 'content_view' \
                     AND subject = $4 AND created_at >= $5 ORDER BY id DESC LIMIT 1)",
    )
    .bind(depth)
    .bind(seconds)
    .bind(visitor_id)
    .bind(slug)
    .bind(now_unix() - window)
    .execute(db.pool())
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn count_events(
    db: &Db,
    visitor_id: &str,
    user_id: Option<i64>,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(&format!(
        "SELECT COUNT(*) FROM journey_events WHERE {OWNER}"
    ))
    .bind(visitor_id)
    .bind(user_id.unwrap_or(0))
    .fetch_one(db.pool())
    .await
}

/// The guides a visitor (or their account) has read, as a subquery over `$1` (visitor)
/// and `$2` (user id, 0 for none). Each branch reaches events through its own index: with
/// the two joined by `OR`, both databases' planners read every guide view of every visitor.
const GUIDES_READ: &str = "SELECT e.subject FROM journey_events e \
     WHERE e.visitor_id = $1 AND e.kind || '' = 'content_view' \
     UNION SELECT e.subject FROM journey_events e \
     WHERE $2 <> 0 AND e.user_id = $2 AND e.kind || '' = 'content_view'";

/// How many different guides of each persona the visitor (or their account) has read.
pub async fn reads_per_persona(
    db: &Db,
    visitor_id: &str,
    user_id: Option<i64>,
) -> Result<Vec<(String, i64)>, sqlx::Error> {
    reads_per_persona_with(db, visitor_id, user_id, &[]).await
}

/// [`reads_per_persona`] with the given guides counted as read too (each guide once,
/// whether or not it was read before): a kept guide view's persona without its whole trail.
pub async fn reads_per_persona_with(
    db: &Db,
    visitor_id: &str,
    user_id: Option<i64>,
    also_read: &[String],
) -> Result<Vec<(String, i64)>, sqlx::Error> {
    let extra: Vec<String> = (0..also_read.len())
        .map(|i| format!("${}", i + 3))
        .collect();
    let extra = if extra.is_empty() {
        String::new()
    } else {
        format!(" OR c.slug IN ({})", extra.join(", "))
    };
    let sql = format!(
        "SELECT p.slug, COUNT(DISTINCT c.id) FROM content c \
         JOIN content_personas cp ON cp.content_id = c.id JOIN personas p ON p.id = cp.persona_id \
         WHERE c.slug IN ({GUIDES_READ}){extra} GROUP BY p.slug"
    );
    let mut query = sqlx::query_as(&sql)
        .bind(visitor_id)
        .bind(user_id.unwrap_or(0));
    for slug in also_read {
        query = query.bind(slug);
    }
    query.fetch_all(db.pool()).await
}

/// The personas a guide is written for.
pub async fn personas_of_piece(db: &Db, slug: &str) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT p.slug FROM personas p JOIN content_personas cp ON cp.persona_id = p.id \
         JOIN content c ON c.id = cp.content_id WHERE c.slug = $1",
    )
    .bind(slug)
    .fetch_all(db.pool())
    .await
}

pub async fn chosen_persona(db: &Db, visitor_id: &str) -> Result<Option<String>, sqlx::Error> {
    Ok(sqlx::query_scalar::<_, Option<String>>(
        "SELECT persona_slug FROM visitor_profiles WHERE visitor_id = $1",
    )
    .bind(visitor_id)
    .fetch_optional(db.pool())
    .await?
    .flatten())
}

/// Stores (or with `None` forgets) the persona the visitor picked.
pub async fn set_chosen_persona(
    db: &Db,
    visitor_id: &str,
    persona: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO visitor_profiles (visitor_id, persona_slug, updated_at) VALUES ($1, $2, $3) \
         ON CONFLICT (visitor_id) DO UPDATE SET persona_slug = excluded.persona_slug, updated_at = excluded.updated_at",
    )
    .bind(visitor_id)
    .bind(persona)
    .bind(now_unix())
    .execute(db.pool())
    .await?;
    Ok(())
}

/// Saves an item, or removes it when it was saved already; returns whether it is saved now.
pub async fn toggle_saved(
    db: &Db,
    visitor_id: &str,
    kind: &str,
    slug: &str,
) -> Result<bool, sqlx::Error> {
    let removed =
        sqlx::query("DELETE FROM saved_items WHERE visitor_id = $1 AND kind = $2 AND slug = $3")
            .bind(visitor_id)
            .bind(kind)
            .bind(slug)
            .execute(db.pool())
            .await?;
    if removed.rows_affected() > 0 {
        return Ok(false);
    }
    sqlx::query("INSERT INTO saved_items (visitor_id, kind, slug, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING")
        .bind(visitor_id)
        .bind(kind)
        .bind(slug)
        .bind(now_unix())
        .execute(db.pool())
        .await?;
    Ok(true)
}

pub async fn is_saved(
    db: &Db,
    visitor_id: &str,
    kind: &str,
    slug: &str,
) -> Result<bool, sqlx::Error> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM saved_items WHERE visitor_id = $1 AND kind = $2 AND slug = $3",
    )
    .bind(visitor_id)
    .bind(kind)
    .bind(slug)
    .fetch_one(db.pool())
    .await?;
    Ok(n > 0)
}

/// Saved items with their current titles (items that no longer exist drop out).
pub async fn list_saved(db: &Db, visitor_id: &str) -> Result<Vec<SavedItem>, sqlx::Error> {
    sqlx::query(
        "SELECT s.kind, s.slug, COALESCE(p.name, c.title) AS title FROM saved_items s \
         LEFT JOIN products p ON s.kind = 'product' AND p.slug = s.slug AND p.status = 'active' \
         LEFT JOIN content c ON s.kind = 'content' AND c.slug = s.slug AND c.status = 'published' \
         WHERE s.visitor_id = $1 AND COALESCE(p.name, c.title) IS NOT NULL ORDER BY s.created_at DESC",
    )
    .bind(visitor_id)
    .fetch_all(db.pool())
    .await?
    .into_iter()
    .map(|r| {
        Ok(SavedItem {
            kind: r.try_get("kind")?,
            slug: r.try_get("slug")?,
            title: r.try_get("title")?,
        })
    })
    .collect()
}

/// Product names by slug, for the research page.
pub async fn product_names(
    db: &Db,
    slugs: &[String],
) -> Result<Vec<(String, String)>, sqlx::Error> {
    let mut names = Vec::new();
    for slug in slugs.iter().take(50) {
        if let Some(name) = sqlx::query_scalar::<_, String>(
            "SELECT name FROM products WHERE slug = $1 AND status = 'active'",
        )
        .bind(slug)
        .fetch_optional(db.pool())
        .await?
        {
            names.push((slug.clone(), name));
        }
    }
    Ok(names)
}

/// Forgets everything about the visitor (and their account's trail): events, the chosen
/// persona, saved items, and what the analytics rollups hold about them by id.
pub async fn clear_trail(
    db: &Db,
    visitor_id: &str,
    user_id: Option<i64>,
) -> Result<(), sqlx::Error> {
    let mut tx = db.begin_write().await?;
    sqlx::query(&format!("DELETE FROM journey_events WHERE {OWNER}"))
        .bind(visitor_id)
        .bind(user_id.unwrap_or(0))
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM saved_items WHERE visitor_id = $1")
        .bind(visitor_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM visitor_profiles WHERE visitor_id = $1")
        .bind(visitor_id)
        .execute(&mut *tx)
        .await?;
    // The analytics rollups' per-visitor rows go too; their day counts stay, anonymous.
    for table in ["funnel_visitors", "content_readers"] {
        sqlx::query(&format!("DELETE FROM {table} WHERE visitor_id = $1"))
            .bind(visitor_id)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// At sign-in: the visitor's anonymous events now belong to the account too.
pub async fn join_trail_to_account(
    db: &Db,
    visitor_id: &str,
    user_id: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE journey_events SET user_id = $1 WHERE visitor_id = $2 AND user_id IS NULL")
        .bind(user_id)
        .bind(visitor_id)
        .execute(db.pool())
        .await?;
    sqlx::query("UPDATE visitor_profiles SET user_id = $1 WHERE visitor_id = $2")
        .bind(user_id)
        .bind(visitor_id)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// Whose order it is, for its content credits: the browser (a guest's owner key names
/// it), the account, and what was paid.
pub struct CreditOrder {
    pub visitor_id: Option<String>,
    pub user_id: Option<i64>,
    pub total_cents: i64,
}

pub async fn order_for_credit(
    conn: &mut sqlx::AnyConnection,
    order_id: i64,
) -> Result<Option<CreditOrder>, sqlx::Error> {
    let row: Option<(String, Option<i64>, i64)> =
        sqlx::query_as("SELECT owner, user_id, total_cents FROM orders WHERE id = $1")
            .bind(order_id)
            .fetch_optional(conn)
            .await?;
    Ok(row.map(|(owner, user_id, total_cents)| CreditOrder {
        visitor_id: owner.strip_prefix("v:").map(str::to_string),
        user_id,
        total_cents,
    }))
}

/// The guides the browser or account read between `since` and `until`, oldest first.
pub async fn guide_reads_before(
    conn: &mut sqlx::AnyConnection,
    visitor_id: Option<&str>,
    user_id: Option<i64>,
    since: i64,
    until: i64,
) -> Result<Vec<super::attribution::Touch>, sqlx::Error> {
    let rows: Vec<(String, i64, i64, i64)> = sqlx::query_as(
        "SELECT subject, created_at, read_depth, read_seconds FROM journey_events \
         WHERE kind = 'content_view' AND created_at >= $1 AND created_at <= $2 \
           AND (visitor_id = $3 OR user_id = $4) ORDER BY created_at, id",
    )
    .bind(since)
    .bind(until)
    .bind(visitor_id.unwrap_or(""))
    .bind(user_id.unwrap_or(-1))
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(slug, at, depth, seconds)| super::attribution::Touch {
            slug,
            at,
            depth,
            seconds,
        })
        .collect())
}

pub async fn insert_credit(
    conn: &mut sqlx::AnyConnection,
    order_id: i64,
    model: &str,
    slug: &str,
    cents: i64,
    paid_at: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO content_credits (order_id, model, content_slug, credit_cents, paid_at) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (order_id, model, content_slug) DO NOTHING",
    )
    .bind(order_id)
    .bind(model)
    .bind(slug)
    .bind(cents)
    .bind(paid_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// Who opened the ticket and when: (browser from a guest's owner key, account, opened at).
pub async fn ticket_for_credit(
    conn: &mut sqlx::AnyConnection,
    ticket_id: i64,
) -> Result<Option<(Option<String>, Option<i64>, i64)>, sqlx::Error> {
    let row: Option<(String, Option<i64>, i64)> =
        sqlx::query_as("SELECT owner, user_id, created_at FROM tickets WHERE id = $1")
            .bind(ticket_id)
            .fetch_optional(conn)
            .await?;
    Ok(row.map(|(owner, user_id, at)| (owner.strip_prefix("v:").map(str::to_string), user_id, at)))
}

/// What the ticket's quotes brought in: the totals of their paid orders.
pub async fn ticket_quote_revenue(
    conn: &mut sqlx::AnyConnection,
    ticket_id: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(o.total_cents), 0) AS BIGINT) FROM quotes q \
         JOIN orders o ON o.id = q.order_id \
         WHERE q.ticket_id = $1 AND o.status IN ('paid', 'fulfilled', 'partially_refunded', 'refunded')",
    )
    .bind(ticket_id)
    .fetch_one(conn)
    .await
}

/// Replaces the ticket's credit rows with `credits` ((guide, cents)) under `outcome`.
pub async fn replace_ticket_credits(
    conn: &mut sqlx::AnyConnection,
    ticket_id: i64,
    outcome: Option<&str>,
    credits: &[(String, i64)],
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM ticket_credits WHERE ticket_id = $1")
        .bind(ticket_id)
        .execute(&mut *conn)
        .await?;
    let Some(outcome) = outcome else {
        return Ok(());
    };
    for (slug, cents) in credits {
        sqlx::query(
            "INSERT INTO ticket_credits (ticket_id, content_slug, outcome, credit_cents, decided_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(ticket_id)
        .bind(slug)
        .bind(outcome)
        .bind(cents)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}
