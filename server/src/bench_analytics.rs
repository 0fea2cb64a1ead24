//! `storefront bench-analytics --events N`: the shared funnel view at scale, in process
//! against the configured database. Generates a year of research trail (N events, about
//! ten per visitor: products viewed, guides read at every stage, searches, persona picks,
//! carts, checkouts, tickets), times the rollup of the closed days, then prints the p95 of
//! every dashboard view (default month, quarter, a custom year, one persona, a drill-down)
//! read from the rollups plus the open day.
//!
//! The generated trail has no paid orders (an order row needs a whole checkout); the paid
//! step's join runs over an empty set here, and is measured with real orders in the tests.

use anyhow::Context;
use app::analytics::model::{Filter, Range, Step};
use app::analytics::{build_dashboard, build_dashboard_raw, rollup};
use app::db::{now_unix, Backend, Db};
use std::time::Instant;

const DAY: i64 = 86_400;
const EVENTS_PER_VISITOR: i64 = 10;

pub async fn bench_analytics(
    config: &crate::config::Config,
    args: &[String],
) -> anyhow::Result<()> {
    let events: i64 = match args.iter().position(|a| a == "--events") {
        Some(i) => args
            .get(i + 1)
            .context("--events needs a number")?
            .parse()?,
        None => 1_000_000,
    };
    let db = Db::connect(&config.database_url).await?;
    db.migrate().await?;
    crate::seed::seed_demo_store(&db).await?;
    let now = now_unix();
    println!("backend: {:?}, {events} events over 365 days", db.backend());
    let started = Instant::now();
    match kept_trail_age(&db, events, now).await? {
        Some(age) => {
            // Generating 10 M events takes minutes; a trail this run would write again,
            // only shifted by a few hours, measures the same.
            let mut tx = db.begin_write().await?;
            app::analytics::repo::reset_rollups(&mut tx).await?;
            tx.commit().await?;
            println!(
                "  kept the trail generated {:.1} h ago (regenerated when older than {} h)",
                age as f64 / 3600.0,
                KEEP_TRAIL_SECONDS / 3600
            );
        }
        None => {
            generate_trail(&db, events, now).await?;
            println!(
                "  generated the trail in {:.1} s",
                started.elapsed().as_secs_f64()
            );
        }
    }
    let started = Instant::now();
    let run = rollup::roll_up(&db, now).await?;
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "  rollup: {} days, {} events in {seconds:.1} s ({:.0} events/s; 1 M events in {:.1} s)",
        run.days,
        run.events,
        run.events as f64 / seconds.max(0.001),
        1_000_000.0 * seconds / (run.events.max(1) as f64),
    );
    let persona: String = sqlx::query_scalar("SELECT slug FROM personas ORDER BY position LIMIT 1")
        .fetch_one(db.pool())
        .await?;
    let views: Vec<(&str, Range, Filter)> = vec![
        (
            "last 30 days",
            Range::parse("30d", "", "", now),
            Filter::default(),
        ),
        (
            "last 90 days",
            Range::parse("90d", "", "", now),
            Filter::default(),
        ),
        (
            "a custom year",
            Range::parse(
                "",
                &app::time::iso_date(now - 365 * DAY),
                &app::time::iso_date(now),
                now,
            ),
            Filter::default(),
        ),
        (
            "30 days, one persona",
            Range::parse("30d", "", "", now),
            Filter {
                persona,
                step: None,
            },
        ),
        (
            "30 days, drill into 'added to cart'",
            Range::parse("30d", "", "", now),
            Filter {
                persona: String::new(),
                step: Some(Step::AddedToCart),
            },
        ),
    ];
    for (name, range, filter) in &views {
        let mut timings = Vec::new();
        let mut visitors = 0;
        for round in 0..21 {
            let t = Instant::now();
            let dashboard = build_dashboard(&db, range.clone(), filter.clone(), 60).await?;
            if round > 0 {
                timings.push(t.elapsed().as_secs_f64() * 1000.0);
            }
            visitors = dashboard.funnel[0].count;
        }
        timings.sort_by(f64::total_cmp);
        println!(
            "  {name:<38} p50 {:>7.1} ms  p95 {:>7.1} ms  ({visitors} visitors)",
            timings[timings.len() / 2],
            timings[(timings.len() * 95).div_ceil(100) - 1],
        );
    }
    if events <= 1_000_000 {
        // What the rollups save: the same month folded from the raw events.
        let t = Instant::now();
        let raw = build_dashboard_raw(&db, views[0].1.clone(), Filter::default(), 60).await?;
        let rolled = build_dashboard(&db, views[0].1.clone(), Filter::default(), 60).await?;
        println!(
            "  for comparison, the month folded from raw events: {:.0} ms (same answers: {})",
            t.elapsed().as_secs_f64() * 1000.0,
            raw == rolled
        );
    }
    Ok(())
}

/// How old a kept trail may be: its year ends this long before `now` at most.
const KEEP_TRAIL_SECONDS: i64 = 24 * 3600;

/// The age of a generated trail of exactly `events` events already in the database (a
/// warm `cargo xtask bench` keeps the databases), when it is recent enough to reuse.
async fn kept_trail_age(db: &Db, events: i64, now: i64) -> anyhow::Result<Option<i64>> {
    let (count, newest): (i64, Option<i64>) =
        sqlx::query_as("SELECT COUNT(*), MAX(created_at) FROM journey_events")
            .fetch_one(db.pool())
            .await?;
    // The generated year ends ten minutes before the moment it was written.
    let age = newest.map(|newest| now - newest - 600);
    Ok(age.filter(|age| count == events && *age < KEEP_TRAIL_SECONDS))
}

/// Writes `events` journey events for `events / 10` visitors spread evenly over the year
/// before `now`, in the database itself (one statement per 100,000 events).
async fn generate_trail(db: &Db, events: i64, now: i64) -> anyhow::Result<()> {
    let mut tx = db.begin_write().await?;
    sqlx::query("DELETE FROM journey_events")
        .execute(&mut *tx)
        .await?;
    app::analytics::repo::reset_rollups(&mut tx).await?;
    tx.commit().await?;
    let personas: Vec<String> =
        sqlx::query_scalar("SELECT slug FROM personas ORDER BY position LIMIT 3")
            .fetch_all(db.pool())
            .await?;
    let persona = |i: usize| personas.get(i).cloned().unwrap_or_else(|| "p".into());
    let visitors = (events / EVENTS_PER_VISITOR).max(1);
    let start = now - 365 * DAY;
    // Event i belongs to visitor v = i / 10 and is its k = i % 10th; visitors arrive evenly
    // over the year and take a minute per step.
    let select = format!(
        "SELECT 'bench-' || CAST(i / 10 AS TEXT), \
            CASE i % 10 \
                WHEN 0 THEN CASE WHEN (i / 10) % 5 < 2 THEN 'content_view' ELSE 'product_view' END \
                WHEN 4 THEN 'search' \
                WHEN 5 THEN 'content_view' \
                WHEN 6 THEN CASE WHEN (i / 10) % 3 = 0 THEN 'persona_choice' ELSE 'product_view' END \
                WHEN 7 THEN CASE WHEN (i / 10) % 4 = 0 THEN 'cart' ELSE 'product_view' END \
                WHEN 8 THEN CASE WHEN (i / 10) % 20 = 0 THEN 'checkout' ELSE 'product_view' END \
                WHEN 9 THEN CASE WHEN (i / 10) % 50 = 0 THEN 'ticket' ELSE 'content_view' END \
                ELSE 'product_view' END, \
            CASE \
                WHEN i % 10 = 4 THEN 'search ' || CAST((i / 10) % 500 AS TEXT) \
                WHEN i % 10 = 6 AND (i / 10) % 3 = 0 THEN \
                    CASE (i / 30) % 3 WHEN 0 THEN '{p0}' WHEN 1 THEN '{p1}' ELSE '{p2}' END \
                WHEN i % 10 IN (0, 5, 9) THEN 'guide-' || CAST((i * 7) % 20 AS TEXT) \
                ELSE 'product-' || CAST((i * 13) % 400 AS TEXT) END, \
            CASE \
                WHEN i % 10 = 4 THEN CAST((i / 10) % 7 AS TEXT) \
                WHEN i % 10 IN (0, 5, 9) THEN \
                    CASE ((i * 7) % 20) % 3 WHEN 0 THEN 'awareness' WHEN 1 THEN 'consideration' ELSE 'decision' END \
                ELSE '' END, \
            {start} + (i / 10) * {spread} + (i % 10) * 60, \
            CASE WHEN i % 10 IN (0, 5) THEN (i * 37) % 101 ELSE 0 END, \
            CASE WHEN i % 10 IN (0, 5) THEN (i * 11) % 300 ELSE 0 END",
        p0 = persona(0),
        p1 = persona(1),
        p2 = persona(2),
        spread = (365 * DAY - 600) / visitors,
    );
    let insert = "INSERT INTO journey_events \
        (visitor_id, kind, subject, detail, created_at, read_depth, read_seconds) ";
    let chunk = 100_000;
    let mut from = 0;
    while from < events {
        let to = (from + chunk).min(events) - 1;
        let sql = match db.backend() {
            Backend::Postgres => {
                format!("{insert} {select} FROM generate_series(CAST({from} AS BIGINT), {to}) AS g(i)")
            }
            Backend::Sqlite => format!(
                "{insert} WITH RECURSIVE g(i) AS (SELECT {from} UNION ALL SELECT i + 1 FROM g WHERE i < {to}) \
                 {select} FROM g"
            ),
        };
        sqlx::query(&sql).execute(db.pool()).await?;
        from = to + 1;
    }
    if db.backend() == Backend::Postgres {
        sqlx::query("ANALYZE").execute(db.pool()).await?;
    }
    Ok(())
}
