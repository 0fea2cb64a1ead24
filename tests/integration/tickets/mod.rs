//! Tickets (`app/src/tickets`): "Talk to a human" — the customer's question, page and
//! signed link on one side, the staff inbox, ticket page and quotes on the other. Shared
//! here: the demo store's subjects to ask about, and reading a ticket's stored research.

mod customer;
mod staff;

use crate::helpers::TestApp;

/// (slug, title) of the first article, and (slug, name) of the first two active products.
async fn demo_subjects(app: &TestApp) -> ((String, String), Vec<(String, String)>) {
    (
        app.first_piece_of_kind("article").await,
        app.products_in_stock(2).await,
    )
}

/// The ticket's stored context, as JSON.
async fn context_of(app: &TestApp, public_id: &str) -> serde_json::Value {
    let text: String = sqlx::query_scalar("SELECT context FROM tickets WHERE public_id = $1")
        .bind(public_id)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    serde_json::from_str(&text).unwrap()
}

fn strings(value: &serde_json::Value, pointer: &str, field: &str) -> Vec<String> {
    value
        .pointer(pointer)
        .and_then(|v| v.as_array())
        .map(|items| {
            items
                .iter()
                .filter_map(|i| i[field].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}
