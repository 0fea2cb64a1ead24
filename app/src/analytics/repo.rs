//! All SQL of the shared funnel view. Analytics reads what the other rooms record — the
//! research trail (`journey_events`), orders, the frozen content credits, tickets and
//! quotes — and writes nothing. Every figure comes from one query over the range; the
//! credit rows were frozen when each order was paid, so reports agree with each other.

use super::fold::{Cell, ContentDay, SearchDay, TrailEvent, VisitorState};
use super::model::Range;
use crate::db::Db;

const PAID: &str = "('paid', 'fulfilled', 'partially_refunded', 'refunded')";

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

/// What the frozen credits of orders paid in the range give each guide:
/// (slug, model, cents, orders).
pub async fn content_credits(
    db: &Db,
    range: &Range,
) -> Result<Vec<(String, String, i64, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT content_slug, model, CAST(SUM(credit_cents) AS BIGINT), CAST(COUNT(*) AS BIGINT) \
         FROM content_credits WHERE paid_at >= $1 AND paid_at < $2 \
         GROUP BY content_slug, model",
    )
    .bind(range.from)
    .bind(range.to)
    .fetch_all(db.pool())
    .await
}

/// What tickets decided in the range credit each guide read before them:
/// (slug, won, lost, quote revenue cents).
pub async fn ticket_credits(
    db: &Db,
    range: &Range,
) -> Result<Vec<(String, i64, i64, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT content_slug, \
                CAST(SUM(CASE WHEN outcome = 'won' THEN 1 ELSE 0 END) AS BIGINT), \
                CAST(SUM(CASE WHEN outcome = 'lost' THEN 1 ELSE 0 END) AS BIGINT), \
                CAST(SUM(credit_cents) AS BIGINT) \
         FROM ticket_credits WHERE decided_at >= $1 AND decided_at < $2 GROUP BY content_slug",
    )
    .bind(range.from)
    .bind(range.to)
    .fetch_all(db.pool())
    .await
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

// ---- The rollups (see `fold.rs` and `rollup.rs`) ----

/// Every event before this instant is in the rollups (`None`: nothing rolled up yet).
pub async fn rolled_until<'e, E>(ex: E) -> Result<Option<i64>, sqlx::Error>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query_scalar("SELECT rolled_until FROM analytics_rollup_state WHERE id = 1")
        .fetch_one(ex)
        .await
}

/// When the oldest event still kept was recorded.
pub async fn oldest_event(db: &Db) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT MIN(created_at) FROM journey_events")
        .fetch_one(db.pool())
        .await
}

/// Claims the next day for this server: moves `rolled_until` from `from` to `to` only if
/// no other server has (run first in the day's transaction, so a second server waits for
/// the first and then finds nothing to do).
pub async fn claim_days(
    conn: &mut sqlx::AnyConnection,
    from: Option<i64>,
    to: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE analytics_rollup_state SET rolled_until = $1 \
         WHERE id = 1 AND COALESCE(rolled_until, -1) = $2",
    )
    .bind(to)
    .bind(from.unwrap_or(-1))
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The visitors whose events, or payments, fall in [from, to).
const TOUCHED: &str =
    "SELECT visitor_id FROM journey_events WHERE created_at >= $1 AND created_at < $2 \
     UNION SELECT e.visitor_id FROM orders o \
     JOIN journey_events e ON e.kind = 'checkout' AND e.subject = o.public_id \
     WHERE o.paid_at >= $1 AND o.paid_at < $2";

/// The events of [from, to) and the payments of orders those visitors started, oldest
/// first (a payment after the events of its second).
pub async fn trail_between<'e, E>(ex: E, from: i64, to: i64) -> Result<Vec<TrailEvent>, sqlx::Error>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let sql = format!(
        "SELECT visitor_id, kind, subject, detail, created_at, read_depth, read_seconds, 0 AS late, id \
         FROM journey_events WHERE created_at >= $1 AND created_at < $2 \
         UNION ALL \
         SELECT DISTINCT e.visitor_id, 'paid', o.public_id, '', o.paid_at, 0, 0, 1, o.id FROM orders o \
         JOIN journey_events e ON e.kind = 'checkout' AND e.subject = o.public_id \
         WHERE o.paid_at >= $1 AND o.paid_at < $2 AND o.status IN {PAID} \
         ORDER BY 5, 8, 9"
    );
    type TrailRow = (String, String, String, String, i64, i64, i64, i64, i64);
    let rows: Vec<TrailRow> = sqlx::query_as(&sql)
        .bind(from)
        .bind(to)
        .fetch_all(ex)
        .await?;
    Ok(rows
        .into_iter()
        .map(
            |(visitor, kind, subject, detail, at, depth, seconds, _, _)| TrailEvent {
                visitor,
                kind,
                subject,
                detail,
                at,
                depth,
                seconds,
            },
        )
        .collect())
}

type StateRow = (
    String,
    i64,
    String,
    String,
    String,
    i64,
    i64,
    Option<i64>,
    String,
);

const STATE_COLUMNS: &str = "visitor_id, first_at, persona, entry_stage, entry_guide, steps, \
     furthest_stage, paid_at, paid_order";

fn state_of(row: StateRow) -> VisitorState {
    let (
        visitor,
        first_at,
        persona,
        entry_stage,
        entry_guide,
        steps,
        furthest_stage,
        paid_at,
        paid_order,
    ) = row;
    VisitorState {
        visitor,
        first_at,
        persona,
        entry_stage,
        entry_guide,
        steps,
        furthest_stage,
        paid_at,
        paid_order,
    }
}

/// The visitors with events, or payments, in [from, to).
pub async fn visitors_touched<'e, E>(ex: E, from: i64, to: i64) -> Result<Vec<String>, sqlx::Error>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query_scalar(TOUCHED)
        .bind(from)
        .bind(to)
        .fetch_all(ex)
        .await
}

/// "$1, $2, …" for `n` values.
fn placeholders(n: usize) -> String {
    (1..=n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Visitor ids per statement when asking by id.
pub const IDS_PER_QUERY: usize = 500;

/// The stored states of these visitors (at most [`IDS_PER_QUERY`]), asked for by id so the
/// planner always looks them up by key, whatever its statistics say.
pub async fn states_of<'e, E>(ex: E, visitors: &[String]) -> Result<Vec<VisitorState>, sqlx::Error>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let sql = format!(
        "SELECT {STATE_COLUMNS} FROM funnel_visitors WHERE visitor_id IN ({})",
        placeholders(visitors.len())
    );
    let mut query = sqlx::query_as::<_, StateRow>(&sql);
    for visitor in visitors {
        query = query.bind(visitor.clone());
    }
    Ok(query
        .fetch_all(ex)
        .await?
        .into_iter()
        .map(state_of)
        .collect())
}

/// The guides these visitors (at most [`IDS_PER_QUERY`]) have read: (visitor, guide,
/// first read).
pub async fn readers_of<'e, E>(
    ex: E,
    visitors: &[String],
) -> Result<Vec<(String, String, i64)>, sqlx::Error>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let sql = format!(
        "SELECT visitor_id, slug, first_at FROM content_readers WHERE visitor_id IN ({})",
        placeholders(visitors.len())
    );
    let mut query = sqlx::query_as::<_, (String, String, i64)>(&sql);
    for visitor in visitors {
        query = query.bind(visitor.clone());
    }
    query.fetch_all(ex).await
}

/// One value of a multi-row insert.
enum Value {
    Int(i64),
    MaybeInt(Option<i64>),
    Text(String),
}

/// `INSERT {head} VALUES (…), (…) {tail}` in statements of at most 200 rows.
async fn insert_rows(
    conn: &mut sqlx::AnyConnection,
    head: &str,
    tail: &str,
    rows: Vec<Vec<Value>>,
) -> Result<(), sqlx::Error> {
    for chunk in rows.chunks(200) {
        let mut sql = format!("INSERT INTO {head} VALUES ");
        let mut n = 0;
        for (i, row) in chunk.iter().enumerate() {
            if i > 0 {
                sql.push_str(", ");
            }
            sql.push('(');
            for j in 0..row.len() {
                n += 1;
                if j > 0 {
                    sql.push_str(", ");
                }
                sql.push_str(&format!("${n}"));
            }
            sql.push(')');
        }
        sql.push(' ');
        sql.push_str(tail);
        let mut query = sqlx::query(&sql);
        for row in chunk {
            for value in row {
                query = match value {
                    Value::Int(v) => query.bind(*v),
                    Value::MaybeInt(v) => query.bind(*v),
                    Value::Text(v) => query.bind(v.clone()),
                };
            }
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

/// Writes a day's fold: changed visitor states, new readers, and the counts added to the
/// day rows (visitors move between cells; guides' and searches' figures add up).
pub async fn write_fold(
    conn: &mut sqlx::AnyConnection,
    states: &[&VisitorState],
    readers: &[(String, String, i64)],
    cells: &std::collections::BTreeMap<Cell, i64>,
    content: &std::collections::BTreeMap<(i64, String), ContentDay>,
    searches: &std::collections::BTreeMap<(i64, String), SearchDay>,
) -> Result<(), sqlx::Error> {
    use Value::{Int, MaybeInt, Text};
    let rows = states
        .iter()
        .map(|s| {
            vec![
                Text(s.visitor.clone()),
                Int(s.first_at),
                Int(s.cohort_day()),
                Text(s.persona.clone()),
                Text(s.entry_stage.clone()),
                Text(s.entry_guide.clone()),
                Int(s.steps),
                Int(s.furthest_stage),
                MaybeInt(s.paid_at),
                Text(s.paid_order.clone()),
            ]
        })
        .collect();
    insert_rows(
        conn,
        "funnel_visitors (visitor_id, first_at, cohort_day, persona, entry_stage, entry_guide, \
         steps, furthest_stage, paid_at, paid_order)",
        "ON CONFLICT (visitor_id) DO UPDATE SET first_at = excluded.first_at, \
         cohort_day = excluded.cohort_day, persona = excluded.persona, \
         entry_stage = excluded.entry_stage, entry_guide = excluded.entry_guide, \
         steps = excluded.steps, furthest_stage = excluded.furthest_stage, \
         paid_at = excluded.paid_at, paid_order = excluded.paid_order",
        rows,
    )
    .await?;
    let rows = readers
        .iter()
        .map(|(visitor, slug, at)| vec![Text(visitor.clone()), Text(slug.clone()), Int(*at)])
        .collect();
    insert_rows(
        conn,
        "content_readers (visitor_id, slug, first_at)",
        "ON CONFLICT (visitor_id, slug) DO NOTHING",
        rows,
    )
    .await?;
    let rows = cells
        .iter()
        .map(|(c, n)| {
            vec![
                Int(c.day),
                Text(c.persona.clone()),
                Text(c.entry_stage.clone()),
                Text(c.entry_guide.clone()),
                Int(c.steps),
                Int(c.furthest_stage),
                Int(*n),
            ]
        })
        .collect();
    insert_rows(
        conn,
        "funnel_days (day, persona, entry_stage, entry_guide, steps, furthest_stage, visitors)",
        "ON CONFLICT (day, persona, entry_stage, entry_guide, steps, furthest_stage) \
         DO UPDATE SET visitors = funnel_days.visitors + excluded.visitors",
        rows,
    )
    .await?;
    let rows = content
        .iter()
        .map(|((day, slug), c)| {
            vec![
                Int(*day),
                Text(slug.clone()),
                Int(c.readers),
                Int(c.reads),
                Int(c.depth_sum),
                Int(c.depth_n),
                Int(c.seconds_sum),
                Int(c.seconds_n),
                Int(c.tickets),
            ]
        })
        .collect();
    insert_rows(
        conn,
        "content_days (day, slug, readers, reads, depth_sum, depth_n, seconds_sum, seconds_n, tickets)",
        "ON CONFLICT (day, slug) DO UPDATE SET readers = content_days.readers + excluded.readers, \
         reads = content_days.reads + excluded.reads, \
         depth_sum = content_days.depth_sum + excluded.depth_sum, \
         depth_n = content_days.depth_n + excluded.depth_n, \
         seconds_sum = content_days.seconds_sum + excluded.seconds_sum, \
         seconds_n = content_days.seconds_n + excluded.seconds_n, \
         tickets = content_days.tickets + excluded.tickets",
        rows,
    )
    .await?;
    let rows = searches
        .iter()
        .map(|((day, query), s)| {
            vec![
                Int(*day),
                Text(query.clone()),
                Int(s.searches),
                Int(s.results),
            ]
        })
        .collect();
    insert_rows(
        conn,
        "search_days (day, query, searches, results)",
        "ON CONFLICT (day, query) DO UPDATE SET searches = search_days.searches + excluded.searches, \
         results = excluded.results",
        rows,
    )
    .await
}

/// Visitors who came in [from_day, to_day), grouped the way every report cuts them.
pub async fn funnel_groups(
    db: &Db,
    from_day: i64,
    to_day: i64,
) -> Result<Vec<(Cell, i64)>, sqlx::Error> {
    let rows: Vec<(String, String, String, i64, i64, i64)> = sqlx::query_as(
        "SELECT persona, entry_stage, entry_guide, steps, furthest_stage, CAST(SUM(visitors) AS BIGINT) \
         FROM funnel_days WHERE day >= $1 AND day < $2 \
         GROUP BY persona, entry_stage, entry_guide, steps, furthest_stage",
    )
    .bind(from_day)
    .bind(to_day)
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(persona, entry_stage, entry_guide, steps, furthest_stage, n)| {
                (
                    Cell {
                        day: from_day,
                        persona,
                        entry_stage,
                        entry_guide,
                        steps,
                        furthest_stage,
                    },
                    n,
                )
            },
        )
        .collect())
}

/// Each guide's figures over [from_day, to_day).
pub async fn content_range(
    db: &Db,
    from_day: i64,
    to_day: i64,
) -> Result<Vec<(String, ContentDay)>, sqlx::Error> {
    type Sums = (String, i64, i64, i64, i64, i64, i64, i64);
    let rows: Vec<Sums> = sqlx::query_as(
        "SELECT slug, CAST(SUM(readers) AS BIGINT), CAST(SUM(reads) AS BIGINT), \
                CAST(SUM(depth_sum) AS BIGINT), CAST(SUM(depth_n) AS BIGINT), \
                CAST(SUM(seconds_sum) AS BIGINT), CAST(SUM(seconds_n) AS BIGINT), \
                CAST(SUM(tickets) AS BIGINT) \
         FROM content_days WHERE day >= $1 AND day < $2 GROUP BY slug",
    )
    .bind(from_day)
    .bind(to_day)
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(slug, readers, reads, depth_sum, depth_n, seconds_sum, seconds_n, tickets)| {
                (
                    slug,
                    ContentDay {
                        readers,
                        reads,
                        depth_sum,
                        depth_n,
                        seconds_sum,
                        seconds_n,
                        tickets,
                    },
                )
            },
        )
        .collect())
}

/// Searches of [from_day, to_day) on days they found two results or fewer: (text, times,
/// fewest results), most frequent first.
pub async fn thin_searches(
    db: &Db,
    from_day: i64,
    to_day: i64,
) -> Result<Vec<(String, i64, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT query, CAST(SUM(searches) AS BIGINT), CAST(MIN(results) AS BIGINT) FROM search_days \
         WHERE day >= $1 AND day < $2 AND results >= 0 AND results <= 2 \
         GROUP BY query ORDER BY SUM(searches) DESC, query LIMIT 200",
    )
    .bind(from_day)
    .bind(to_day)
    .fetch_all(db.pool())
    .await
}

/// Stored visitors who came in [from_day, to_day) and took every step in `steps_mask`
/// (paid ones only when `paid` is set), of one persona ("" for none, `None` for any),
/// earliest first.
#[allow(clippy::too_many_arguments)]
pub async fn visitors_with(
    db: &Db,
    from_day: i64,
    to_day: i64,
    steps_mask: i64,
    paid: bool,
    persona: Option<&str>,
    limit: i64,
) -> Result<Vec<VisitorState>, sqlx::Error> {
    let paid_clause = if paid { "AND paid_at IS NOT NULL " } else { "" };
    let rows: Vec<StateRow> = sqlx::query_as(&format!(
        "SELECT {STATE_COLUMNS} FROM funnel_visitors \
         WHERE cohort_day >= $1 AND cohort_day < $2 AND (steps & $3) = $3 {paid_clause}\
           AND ($4 = '*' OR persona = $4) \
         ORDER BY cohort_day, first_at LIMIT $5"
    ))
    .bind(from_day)
    .bind(to_day)
    .bind(steps_mask)
    .bind(persona.unwrap_or("*"))
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    Ok(rows.into_iter().map(state_of).collect())
}

/// Deletes raw events recorded before `before` (the caller makes sure they are rolled up).
pub async fn purge_events(db: &Db, before: i64) -> Result<u64, sqlx::Error> {
    Ok(
        sqlx::query("DELETE FROM journey_events WHERE created_at < $1")
            .bind(before)
            .execute(db.pool())
            .await?
            .rows_affected(),
    )
}

/// The rollup tables, emptied together when the rollups are rebuilt from the raw trail.
const ROLLUP_TABLES: [&str; 5] = [
    "funnel_visitors",
    "funnel_days",
    "content_readers",
    "content_days",
    "search_days",
];

/// Empties the rollups so the next roll-up folds every day again from the raw events
/// (the tests and the benchmark compare the two ways).
pub async fn reset_rollups(conn: &mut sqlx::AnyConnection) -> Result<(), sqlx::Error> {
    for table in ROLLUP_TABLES {
        sqlx::query(&format!("DELETE FROM {table}"))
            .execute(&mut *conn)
            .await?;
    }
    sqlx::query("UPDATE analytics_rollup_state SET rolled_until = NULL")
        .execute(&mut *conn)
        .await?;
    Ok(())
}
