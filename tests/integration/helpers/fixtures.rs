//! Fixtures: what a test starts from, found in (or put into) the demo store's database —
//! "the first active product", "a product with exactly 5 in stock", "the only order",
//! a signed-in sales, marketing or admin user — and the few readings back that several
//! tests make (stock, audit actions). A test whose point is a particular database state
//! still writes its SQL itself.

use super::{TestApp, Visitor};

/// The address of the staff account [`TestApp::sign_in_as_staff`] makes for `role`.
pub fn staff_email(role: &str) -> String {
    format!("{role}@example.com")
}

impl TestApp {
    /// A visitor signed in as the store's `role` ("sales", "marketing" or "admin") user,
    /// whose address is [`staff_email`]`(role)`.
    pub async fn sign_in_as_staff(&self, role: &str) -> Visitor {
        self.signed_in_as(&staff_email(role), Some(role)).await
    }

    /// A visitor signed in to a new customer account.
    pub async fn sign_in_as_customer(&self, email: &str) -> Visitor {
        self.signed_in_as(email, None).await
    }

    /// The id of the account with `email`.
    pub async fn user_id(&self, email: &str) -> i64 {
        sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
            .bind(email)
            .fetch_one(self.db.pool())
            .await
            .unwrap()
    }

    // --- the catalogue ---

    /// (id, slug) of the first active product.
    pub async fn first_active_product(&self) -> (i64, String) {
        sqlx::query_as("SELECT id, slug FROM products WHERE status = 'active' ORDER BY id LIMIT 1")
            .fetch_one(self.db.pool())
            .await
            .unwrap()
    }

    /// (slug, name) of the first `n` active products with stock.
    pub async fn products_in_stock(&self, n: i64) -> Vec<(String, String)> {
        sqlx::query_as(
            "SELECT slug, name FROM products WHERE status = 'active' AND stock > 0 ORDER BY id LIMIT $1",
        )
        .bind(n)
        .fetch_all(self.db.pool())
        .await
        .unwrap()
    }

    /// The id of the first product of any status.
    pub async fn first_product(&self) -> i64 {
        sqlx::query_scalar("SELECT id FROM products ORDER BY id LIMIT 1")
            .fetch_one(self.db.pool())
            .await
            .unwrap()
    }

    /// An active product with exactly `stock` units: (id, slug) of the first active one.
    pub async fn product_with_stock(&self, stock: i64) -> (i64, String) {
        let (id, slug) = self.first_active_product().await;
        self.set_stock(id, stock).await;
        (id, slug)
    }

    /// The id of the product at `slug`.
    pub async fn product_id(&self, slug: &str) -> i64 {
        sqlx::query_scalar("SELECT id FROM products WHERE slug = $1")
            .bind(slug)
            .fetch_one(self.db.pool())
            .await
            .unwrap()
    }

    pub async fn stock_of(&self, id: i64) -> i64 {
        sqlx::query_scalar("SELECT stock FROM products WHERE id = $1")
            .bind(id)
            .fetch_one(self.db.pool())
            .await
            .unwrap()
    }

    pub async fn price_of(&self, id: i64) -> i64 {
        sqlx::query_scalar("SELECT price_cents FROM products WHERE id = $1")
            .bind(id)
            .fetch_one(self.db.pool())
            .await
            .unwrap()
    }

    pub async fn name_of(&self, id: i64) -> String {
        sqlx::query_scalar("SELECT name FROM products WHERE id = $1")
            .bind(id)
            .fetch_one(self.db.pool())
            .await
            .unwrap()
    }

    /// The category a product is in.
    pub async fn category_of(&self, id: i64) -> i64 {
        sqlx::query_scalar("SELECT category_id FROM products WHERE id = $1")
            .bind(id)
            .fetch_one(self.db.pool())
            .await
            .unwrap()
    }

    /// Sets a simple product's stock (its one variant's, and the product's summary).
    pub async fn set_stock(&self, id: i64, stock: i64) {
        for sql in [
            "UPDATE product_variants SET stock = $1 WHERE product_id = $2",
            "UPDATE products SET stock = $1 WHERE id = $2",
        ] {
            sqlx::query(sql)
                .bind(stock)
                .bind(id)
                .execute(self.db.pool())
                .await
                .unwrap();
        }
    }

    /// Changes a simple product's price behind the store's back (as staff would, between
    /// a customer's visits).
    pub async fn set_price(&self, id: i64, cents: i64) {
        for sql in [
            "UPDATE product_variants SET price_cents = $1 WHERE product_id = $2",
            "UPDATE products SET price_cents = $1 WHERE id = $2",
        ] {
            sqlx::query(sql)
                .bind(cents)
                .bind(id)
                .execute(self.db.pool())
                .await
                .unwrap();
        }
    }

    /// The variants of a product for sale, in the grid's order: (id, SKU, stock).
    pub async fn variants_of(&self, product_id: i64) -> Vec<(i64, String, i64)> {
        sqlx::query_as(
            "SELECT id, sku, stock FROM product_variants WHERE product_id = $1 AND active = 1 \
             ORDER BY position, id",
        )
        .bind(product_id)
        .fetch_all(self.db.pool())
        .await
        .unwrap()
    }

    /// A simple product's one variant.
    pub async fn variant_of(&self, product_id: i64) -> i64 {
        let variants = self.variants_of(product_id).await;
        assert_eq!(variants.len(), 1, "product {product_id} has options");
        variants[0].0
    }

    /// Takes a product off sale behind the store's back.
    pub async fn archive_product(&self, id: i64) {
        sqlx::query("UPDATE products SET status = 'archived' WHERE id = $1")
            .bind(id)
            .execute(self.db.pool())
            .await
            .unwrap();
    }

    /// The id of the first category.
    pub async fn first_category(&self) -> i64 {
        sqlx::query_scalar("SELECT MIN(id) FROM categories")
            .fetch_one(self.db.pool())
            .await
            .unwrap()
    }

    /// The slug of the first category.
    pub async fn first_category_slug(&self) -> String {
        sqlx::query_scalar("SELECT slug FROM categories ORDER BY id LIMIT 1")
            .fetch_one(self.db.pool())
            .await
            .unwrap()
    }

    /// The id of the category at `slug`.
    pub async fn category_id(&self, slug: &str) -> i64 {
        sqlx::query_scalar("SELECT id FROM categories WHERE slug = $1")
            .bind(slug)
            .fetch_one(self.db.pool())
            .await
            .unwrap()
    }

    // --- content ---

    /// (slug, title) of the first piece of content.
    pub async fn first_piece(&self) -> (String, String) {
        sqlx::query_as("SELECT slug, title FROM content ORDER BY id LIMIT 1")
            .fetch_one(self.db.pool())
            .await
            .unwrap()
    }

    /// (slug, title) of the first piece of `kind` ("article", "whitepaper", …).
    pub async fn first_piece_of_kind(&self, kind: &str) -> (String, String) {
        sqlx::query_as("SELECT slug, title FROM content WHERE kind = $1 ORDER BY id LIMIT 1")
            .bind(kind)
            .fetch_one(self.db.pool())
            .await
            .unwrap()
    }

    /// (id, slug) of the first piece at `stage` ("awareness", "decision", …).
    pub async fn first_piece_at_stage(&self, stage: &str) -> (i64, String) {
        sqlx::query_as("SELECT id, slug FROM content WHERE stage = $1 ORDER BY id LIMIT 1")
            .bind(stage)
            .fetch_one(self.db.pool())
            .await
            .unwrap()
    }

    /// Moves a piece's publication to `at` (a Unix time).
    pub async fn set_published_at(&self, slug: &str, at: i64) {
        sqlx::query("UPDATE content SET published_at = $1 WHERE slug = $2")
            .bind(at)
            .bind(slug)
            .execute(self.db.pool())
            .await
            .unwrap();
    }

    /// The id of the first persona.
    pub async fn first_persona(&self) -> i64 {
        sqlx::query_scalar("SELECT id FROM personas ORDER BY id LIMIT 1")
            .fetch_one(self.db.pool())
            .await
            .unwrap()
    }

    // --- orders ---

    /// (public id, total in cents) of the store's only order.
    pub async fn only_order(&self) -> (String, i64) {
        sqlx::query_as("SELECT public_id, total_cents FROM orders")
            .fetch_one(self.db.pool())
            .await
            .unwrap()
    }

    /// (public id, total in cents) of the order paid through the provider's `session`.
    pub async fn order_of_session(&self, session: &str) -> (String, i64) {
        sqlx::query_as("SELECT public_id, total_cents FROM orders WHERE provider_session = $1")
            .bind(session)
            .fetch_one(self.db.pool())
            .await
            .unwrap()
    }

    /// Gives the order `public_id` the address its confirmation goes to (as the payment
    /// page would have).
    pub async fn set_order_email(&self, public_id: &str, email: &str) {
        sqlx::query("UPDATE orders SET email = $1 WHERE public_id = $2")
            .bind(email)
            .bind(public_id)
            .execute(self.db.pool())
            .await
            .unwrap();
    }

    /// The demo provider took the money for `session`, but its webhook never came.
    pub async fn paid_at_the_demo_provider(&self, session: &str) {
        sqlx::query(
            "UPDATE demo_sessions SET status = 'complete', payment_status = 'paid' WHERE id = $1",
        )
        .bind(session)
        .execute(self.db.pool())
        .await
        .unwrap();
    }

    /// Makes every order's stock hold end at `at` (a Unix time).
    pub async fn end_holds_at(&self, at: i64) {
        sqlx::query("UPDATE orders SET hold_until = $1")
            .bind(at)
            .execute(self.db.pool())
            .await
            .unwrap();
    }

    /// The secret the demo provider signs its webhooks with.
    pub async fn demo_webhook_secret(&self) -> String {
        app::checkout::repo::demo_webhook_secret(&self.db)
            .await
            .unwrap()
    }

    // --- the audit log ---

    /// The audit log's actions matching `pattern` (SQL `LIKE`), oldest first.
    pub async fn audit_actions_like(&self, pattern: &str) -> Vec<String> {
        sqlx::query_scalar("SELECT action FROM audit_log WHERE action LIKE $1 ORDER BY id")
            .bind(pattern)
            .fetch_all(self.db.pool())
            .await
            .unwrap()
    }

    /// The audit log's actions by the staff member `email`, oldest first.
    pub async fn audit_actions_by(&self, email: &str) -> Vec<String> {
        sqlx::query_scalar("SELECT action FROM audit_log WHERE actor_email = $1 ORDER BY id")
            .bind(email)
            .fetch_all(self.db.pool())
            .await
            .unwrap()
    }
}
