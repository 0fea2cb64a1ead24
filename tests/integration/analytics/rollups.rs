//! The analytics rollups agree with the raw trail. Six visitors walk the store through real
//! pages; their trail and payments are moved two days back, the rollups are rebuilt, and the
//! dashboard read from the rollups (plus the open day) equals the dashboard folded from raw
//! events, for several ranges and filters. Then the purge deletes the old raw events and
//! the rollups still answer the same, and "Clear it all" removes a visitor's rows while
//! the anonymous counts stay.

use crate::helpers::{spawn_seeded_app, Backend, TestApp, Visitor};
use crate::on_both_backends;
use app::analytics::model::{Filter, Range, Step};
use app::analytics::{build_dashboard, build_dashboard_raw, rollup};

on_both_backends!(rollups_answer_like_the_raw_trail);

const SCALE: &str = "ledger-basic-coffee-scale";
const DAY: i64 = 86_400;

async fn guides(app: &TestApp) -> Vec<String> {
    sqlx::query_scalar("SELECT slug FROM content WHERE status = 'published' ORDER BY id LIMIT 3")
        .fetch_all(app.db.pool())
        .await
        .unwrap()
}

async fn get_ok(visitor: &Visitor, path: &str) {
    assert_eq!(visitor.get(path).await.status, 200, "{path}");
}

async fn buys(visitor: &Visitor) {
    let pay = visitor.check_out(SCALE, 1).await;
    assert_eq!(
        visitor
            .pay_by_card(&pay, "4242 4242 4242 4242")
            .await
            .status,
        303
    );
}

/// Moves everything recorded so far `days` back, and empties the rollups so they are
/// rebuilt from the start (in one transaction, so the server's own job sees either).
async fn backdate_and_reset(app: &TestApp, days: i64) {
    let shift = days * DAY;
    app.settle_trail().await;
    let mut tx = app.db.begin_write().await.unwrap();
    for sql in [
        "UPDATE journey_events SET created_at = created_at - $1",
        "UPDATE orders SET created_at = created_at - $1, paid_at = paid_at - $1 WHERE paid_at IS NOT NULL",
        "UPDATE content_credits SET paid_at = paid_at - $1",
    ] {
        sqlx::query(sql).bind(shift).execute(&mut *tx).await.unwrap();
    }
    app::analytics::repo::reset_rollups(&mut tx).await.unwrap();
    tx.commit().await.unwrap();
}

async fn rollups_answer_like_the_raw_trail(backend: Backend) {
    let Some(app) = spawn_seeded_app(backend).await else {
        return;
    };
    let slugs = guides(&app).await;
    let (a, b, c, d, e, f) = (
        app.visitor(),
        app.visitor(),
        app.visitor(),
        app.visitor(),
        app.visitor(),
        app.visitor(),
    );
    get_ok(&a, &format!("/learn/{}", slugs[0])).await;
    get_ok(&a, &format!("/learn/{}", slugs[1])).await;
    get_ok(&a, &format!("/products/{SCALE}")).await;
    buys(&a).await;
    get_ok(&b, &format!("/products/{SCALE}")).await;
    buys(&b).await;
    get_ok(&c, &format!("/learn/{}", slugs[0])).await;
    get_ok(&c, &format!("/products/{SCALE}")).await;
    assert_eq!(c.add_to_cart(SCALE, 1).await.status, 303);
    get_ok(&d, &format!("/products/{SCALE}")).await;
    get_ok(&e, &format!("/learn/{}", slugs[1])).await;
    get_ok(&f, "/products?q=unicorn%20saddle").await;
    backdate_and_reset(&app, 2).await;
    // Today A comes back and reads a third guide: an old visitor changed by the open day.
    get_ok(&a, &format!("/learn/{}", slugs[2])).await;

    let now = app::db::now_unix();
    let ranges = [
        Range::parse("7d", "", "", now),
        Range::parse("30d", "", "", now),
        // Only the day of the walk, and only today.
        Range::parse(
            "",
            &app::time::iso_date(now - 2 * DAY),
            &app::time::iso_date(now - 2 * DAY),
            now,
        ),
        Range::parse(
            "",
            &app::time::iso_date(now),
            &app::time::iso_date(now),
            now,
        ),
    ];
    let filters = [
        Filter::default(),
        Filter {
            persona: "none".into(),
            step: Some(Step::Paid),
        },
        Filter {
            persona: String::new(),
            step: Some(Step::ReadGuide),
        },
    ];
    let mut raw = Vec::new();
    for range in &ranges {
        for filter in &filters {
            raw.push(
                build_dashboard_raw(&app.db, range.clone(), filter.clone(), 60)
                    .await
                    .unwrap(),
            );
        }
    }
    // Known answers, from the raw trail.
    let counts = |d: &app::analytics::model::Dashboard| -> Vec<i64> {
        d.funnel.iter().map(|s| s.count).collect()
    };
    assert_eq!(counts(&raw[0]), vec![6, 4, 2, 2, 1, 1]);
    assert_eq!(counts(&raw[6]), vec![6, 4, 2, 2, 1, 1], "the walk's day");
    assert_eq!(counts(&raw[9])[0], 0, "nobody came first today");
    assert_eq!(raw[1].drill_total, 1);
    assert_eq!(raw[2].drill_total, 2);
    let third = raw[0].content.iter().find(|r| r.slug == slugs[2]).unwrap();
    assert_eq!(third.readers, 1, "A's read today counts in the range");
    assert!(raw[0]
        .gaps
        .searches
        .iter()
        .any(|(text, times, results)| text == "unicorn saddle" && *times == 1 && *results == 0));

    // Roll up the closed days (the server's own job may already have): the same answers.
    let run = rollup::roll_up(&app.db, now).await.unwrap();
    let rolled_until: Option<i64> =
        sqlx::query_scalar("SELECT rolled_until FROM analytics_rollup_state WHERE id = 1")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    assert!(
        rolled_until.unwrap() >= now.div_euclid(DAY) * DAY - DAY,
        "{run:?}"
    );
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM funnel_visitors")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(stored, 6, "one row per visitor of the walk");
    let mut i = 0;
    for range in &ranges {
        for filter in &filters {
            let rolled = build_dashboard(&app.db, range.clone(), filter.clone(), 60)
                .await
                .unwrap();
            assert_eq!(rolled, raw[i], "range {} filter {filter:?}", range.label());
            i += 1;
        }
    }
    // Rolling up again changes nothing.
    assert_eq!(rollup::roll_up(&app.db, now).await.unwrap().days, 0);

    // The purge deletes the walk's raw events; the rollups still say the same.
    let purged = rollup::purge(&app.db, now, 1).await.unwrap();
    assert!(purged > 10, "{purged}");
    let after = build_dashboard(&app.db, ranges[0].clone(), filters[0].clone(), 60)
        .await
        .unwrap();
    assert_eq!(after, raw[0]);
    let raw_after = build_dashboard_raw(&app.db, ranges[0].clone(), filters[0].clone(), 60)
        .await
        .unwrap();
    assert_eq!(
        counts(&raw_after)[0],
        1,
        "the raw trail of the walk is gone: only A's visit today is left, as if new"
    );

    // "Clear it all": A's rows go, the counts stay.
    // A is the one who read both of the first two guides.
    let a_id: String = sqlx::query_scalar(
        "SELECT visitor_id FROM content_readers WHERE slug = $1 \
         AND visitor_id IN (SELECT visitor_id FROM content_readers WHERE slug = $2)",
    )
    .bind(&slugs[0])
    .bind(&slugs[1])
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert_eq!(a.clear_my_research().await.status, 303);
    for table in ["funnel_visitors", "content_readers"] {
        let left: i64 = sqlx::query_scalar(&format!(
            "SELECT COUNT(*) FROM {table} WHERE visitor_id = $1"
        ))
        .bind(&a_id)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
        assert_eq!(left, 0, "{table}");
    }
    let cleared = build_dashboard(&app.db, ranges[0].clone(), filters[0].clone(), 60)
        .await
        .unwrap();
    assert_eq!(counts(&cleared), vec![6, 4, 2, 2, 1, 1]);
}
