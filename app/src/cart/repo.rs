//! All SQL of the cart. A cart is its lines, keyed by owner ("v:<visitor>" or "u:<user>").

use super::model::{CartLine, MAX_LINE_QUANTITY};
use crate::db::{now_unix, Db};
use crate::money::{Currency, Money};
use sqlx::Row;

/// A product as the cart needs it to accept a line.
pub struct Buyable {
    pub id: i64,
    pub name: String,
    pub active: bool,
}

pub async fn find_buyable(db: &Db, slug: &str) -> Result<Option<Buyable>, sqlx::Error> {
    let Some(row) = sqlx::query("SELECT id, name, status FROM products WHERE slug = $1")
        .bind(slug)
        .fetch_optional(db.pool())
        .await?
    else {
        return Ok(None);
    };
    let status: String = row.try_get("status")?;
    Ok(Some(Buyable {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        active: status == "active",
    }))
}

/// One of the product's variants: its stock and whether it is still for sale.
pub struct BuyableVariant {
    pub id: i64,
    pub stock: i64,
    pub active: bool,
}

pub async fn find_variant(
    db: &Db,
    product_id: i64,
    variant_id: i64,
) -> Result<Option<BuyableVariant>, sqlx::Error> {
    let row: Option<(i64, i64, i64)> = sqlx::query_as(
        "SELECT id, stock, active FROM product_variants WHERE id = $1 AND product_id = $2",
    )
    .bind(variant_id)
    .bind(product_id)
    .fetch_optional(db.pool())
    .await?;
    Ok(row.map(|(id, stock, active)| BuyableVariant {
        id,
        stock,
        active: active == 1,
    }))
}

pub async fn line_quantity(db: &Db, owner: &str, variant_id: i64) -> Result<i64, sqlx::Error> {
    Ok(
        sqlx::query_scalar("SELECT quantity FROM cart_lines WHERE owner = $1 AND variant_id = $2")
            .bind(owner)
            .bind(variant_id)
            .fetch_optional(db.pool())
            .await?
            .unwrap_or(0),
    )
}

/// Sets a line to `quantity` (adding it when new); 0 removes it.
pub async fn set_line(
    db: &Db,
    owner: &str,
    product_id: i64,
    variant_id: i64,
    quantity: i64,
) -> Result<(), sqlx::Error> {
    if quantity <= 0 {
        sqlx::query("DELETE FROM cart_lines WHERE owner = $1 AND variant_id = $2")
            .bind(owner)
            .bind(variant_id)
            .execute(db.pool())
            .await?;
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO cart_lines (owner, product_id, variant_id, quantity, added_at) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (owner, variant_id) DO UPDATE SET quantity = excluded.quantity",
    )
    .bind(owner)
    .bind(product_id)
    .bind(variant_id)
    .bind(quantity.min(MAX_LINE_QUANTITY))
    .bind(now_unix())
    .execute(db.pool())
    .await?;
    Ok(())
}

/// The lines with today's name, variant, price, stock and picture (the variant's own, else
/// the product's first), oldest first.
pub async fn list_lines(db: &Db, owner: &str) -> Result<Vec<CartLine>, sqlx::Error> {
    sqlx::query(
        "SELECT p.id AS product_id, p.category_id, p.slug, p.name, p.currency, p.status, v.id AS variant_id, v.sku, v.option1, v.option2, v.option3, \
                v.price_cents, v.stock, v.active, v.image_url AS variant_image, l.quantity, \
                (SELECT url FROM product_images i WHERE i.product_id = p.id ORDER BY position, id LIMIT 1) AS image_url, \
                (SELECT alt FROM product_images i WHERE i.product_id = p.id ORDER BY position, id LIMIT 1) AS image_alt \
         FROM cart_lines l JOIN product_variants v ON v.id = l.variant_id JOIN products p ON p.id = l.product_id \
         WHERE l.owner = $1 ORDER BY l.added_at, p.id, v.position",
    )
    .bind(owner)
    .fetch_all(db.pool())
    .await?
    .into_iter()
    .map(|r| {
        let currency: String = r.try_get("currency")?;
        let status: String = r.try_get("status")?;
        let image_url: Option<String> = r.try_get("image_url")?;
        let variant_image: String = r.try_get("variant_image")?;
        let slug: String = r.try_get("slug")?;
        let image_url = match variant_image.is_empty() {
            false => variant_image,
            true => image_url.unwrap_or_else(|| format!("/media/demo/{slug}.svg")),
        };
        Ok(CartLine {
            product_id: r.try_get("product_id")?,
            category_id: r.try_get("category_id")?,
            image_url: Some(image_url),
            image_alt: r.try_get::<Option<String>, _>("image_alt")?.unwrap_or_default(),
            slug,
            name: r.try_get("name")?,
            variant_id: r.try_get("variant_id")?,
            variant_title: crate::catalog::variants::repo::title_of_row(&r)?,
            sku: r.try_get("sku")?,
            unit: Money::new(
                r.try_get("price_cents")?,
                Currency::parse(&currency).unwrap_or(Currency::Usd),
            ),
            quantity: r.try_get("quantity")?,
            stock: r.try_get("stock")?,
            active: status == "active" && r.try_get::<i64, _>("active")? == 1,
        })
    })
    .collect()
}

/// How many items the cart holds (for the header).
pub async fn count_items(db: &Db, owner: &str) -> Result<i64, sqlx::Error> {
    let total: Option<i64> =
        sqlx::query_scalar("SELECT CAST(SUM(quantity) AS BIGINT) FROM cart_lines WHERE owner = $1")
            .bind(owner)
            .fetch_one(db.pool())
            .await?;
    Ok(total.unwrap_or(0))
}

/// A guest's lines join the account's cart at sign-in; a variant in both keeps the larger
/// quantity (the customer meant one of them, not the sum).
pub async fn merge_carts(db: &Db, from: &str, to: &str) -> Result<(), sqlx::Error> {
    if from == to {
        return Ok(());
    }
    let mut tx = db.begin_write().await?;
    let guest: Vec<(i64, i64, i64)> =
        sqlx::query_as("SELECT product_id, variant_id, quantity FROM cart_lines WHERE owner = $1")
            .bind(from)
            .fetch_all(&mut *tx)
            .await?;
    for (product_id, variant_id, quantity) in guest {
        sqlx::query(
            "INSERT INTO cart_lines (owner, product_id, variant_id, quantity, added_at) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (owner, variant_id) DO UPDATE SET quantity = \
                 CASE WHEN cart_lines.quantity < excluded.quantity THEN excluded.quantity ELSE cart_lines.quantity END",
        )
        .bind(to)
        .bind(product_id)
        .bind(variant_id)
        .bind(quantity)
        .bind(now_unix())
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query("DELETE FROM cart_lines WHERE owner = $1")
        .bind(from)
        .execute(&mut *tx)
        .await?;
    crate::discounts::repo::move_held_code(&mut tx, from, to).await?;
    tx.commit().await
}

/// The problem of the owner's open unpaid order (a declined card): the cart page shows
/// it beside the cart the checkout was made from (reads checkout's `orders`).
pub async fn open_payment_problem(db: &Db, owner: &str) -> Result<Option<String>, sqlx::Error> {
    let problem: Option<String> = sqlx::query_scalar(
        "SELECT payment_problem FROM orders WHERE owner = $1 AND status = 'pending_payment' \
         AND payment_problem <> '' ORDER BY id DESC LIMIT 1",
    )
    .bind(owner)
    .fetch_optional(db.pool())
    .await?;
    Ok(problem)
}
