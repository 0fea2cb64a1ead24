//! The research trail (`app/src/journey`): what a visitor's browsing leaves, what "My
//! research" shows them, and the recommendations it drives. Visitors only: staff see a
//! trail on a ticket (`tickets`), and `app/src/journey` has no staff side of its own.

mod customer;

use crate::helpers::TestApp;

/// How many trail events are about `subject` (a product or guide slug, or a search).
async fn events_about(app: &TestApp, subject: &str) -> i64 {
    app.settle_trail().await;
    sqlx::query_scalar("SELECT COUNT(*) FROM journey_events WHERE subject = $1")
        .bind(subject)
        .fetch_one(app.db.pool())
        .await
        .unwrap()
}

/// The stage key of each content card, in page order.
fn card_stages(body: &str) -> Vec<String> {
    body.split("class=\"content-card content-card--")
        .skip(1)
        .map(|chunk| chunk.split('"').next().unwrap().to_string())
        .collect()
}
