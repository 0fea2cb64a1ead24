//! Content (`app/src/content`): the guides hub customers read, and the staff side that
//! writes, schedules and files pieces and keeps the personas. Shared here: reading the
//! content cards off a page, and how many pieces a visitor may see.

mod customer;
mod staff;

use crate::helpers::{Page, TestApp};

/// (stage key, title) of every content card on the page, in order.
fn content_cards(page: &Page) -> Vec<(String, String)> {
    page.body
        .split("class=\"content-card content-card--")
        .skip(1)
        .map(|chunk| {
            let stage = chunk.split('"').next().unwrap().to_string();
            let title = chunk
                .split_once("class=\"content-card__title\"><a href=\"")
                .and_then(|(_, rest)| rest.split_once('>'))
                .and_then(|(_, rest)| rest.split_once('<'))
                .map(|(t, _)| crate::helpers::html_unescape(t))
                .unwrap_or_default();
            (stage, title)
        })
        .collect()
}

async fn visible_count(app: &TestApp) -> i64 {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM content WHERE status = 'published' AND published_at <= $1",
    )
    .bind(app::db::now_unix())
    .fetch_one(app.db.pool())
    .await
    .unwrap()
}
