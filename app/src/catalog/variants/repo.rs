//! SQL of variants: a product's options and variants, the product's summary row kept in
//! step with them, staff saving the option grid and editing variants, and per-variant stock
//! adjustments. Portable SQL on both backends.

use super::{combinations, sku_for, ProductOption, Variant, VariantEdit};
use crate::db::{now_unix, Db};
use crate::money::{Currency, Money};
use sqlx::{AnyConnection, Row};

pub async fn options_of(db: &Db, product_id: i64) -> Result<Vec<ProductOption>, sqlx::Error> {
    let rows: Vec<(i64, String, Option<String>)> = sqlx::query_as(
        "SELECT o.position, o.name, v.value FROM product_options o \
         LEFT JOIN product_option_values v ON v.option_id = o.id \
         WHERE o.product_id = $1 ORDER BY o.position, v.position",
    )
    .bind(product_id)
    .fetch_all(db.pool())
    .await?;
    Ok(group_options(rows))
}

/// Rows of (option position, option name, value or none), in order, grouped per option.
fn group_options(rows: Vec<(i64, String, Option<String>)>) -> Vec<ProductOption> {
    let mut options: Vec<(i64, ProductOption)> = Vec::new();
    for (position, name, value) in rows {
        if options.last().map(|(p, _)| *p) != Some(position) {
            options.push((
                position,
                ProductOption {
                    name,
                    values: Vec::new(),
                },
            ));
        }
        if let (Some(value), Some((_, option))) = (value, options.last_mut()) {
            option.values.push(value);
        }
    }
    options.into_iter().map(|(_, o)| o).collect()
}

/// A variant as both reads list it: a row of the staff editor's query, or an item of the
/// product page read's JSON list (see `catalog::repo::ProductPageRow`), whose arrays hold
/// the same fields in this order. The one mapping to [`Variant`] is [`VariantRow::into_variant`].
#[derive(Debug, serde::Deserialize, sqlx::FromRow)]
struct VariantRow {
    id: i64,
    sku: String,
    option1: String,
    option2: String,
    option3: String,
    price_cents: i64,
    compare_at_cents: Option<i64>,
    stock: i64,
    weight_grams: Option<i64>,
    image_url: String,
}

impl VariantRow {
    /// The variant, with as many values as the product has options.
    fn into_variant(self, option_count: usize, currency: Currency) -> Variant {
        Variant {
            id: self.id,
            sku: self.sku,
            values: [self.option1, self.option2, self.option3]
                .into_iter()
                .take(option_count)
                .collect(),
            price: Money::new(self.price_cents, currency),
            compare_at: self.compare_at_cents.map(|c| Money::new(c, currency)),
            stock: self.stock,
            weight_grams: self.weight_grams,
            image_url: self.image_url,
        }
    }
}

/// The options and variants of a product page read's JSON lists, as [`options_and_variants`]
/// returns them.
pub fn options_and_variants_from_json(
    options_json: &str,
    variants_json: &str,
    currency: Currency,
) -> Result<(Vec<ProductOption>, Vec<Variant>), sqlx::Error> {
    let decode = |e: serde_json::Error| sqlx::Error::Decode(Box::new(e));
    let options = group_options(serde_json::from_str(options_json).map_err(decode)?);
    let rows: Vec<VariantRow> = serde_json::from_str(variants_json).map_err(decode)?;
    let variants = rows
        .into_iter()
        .map(|row| row.into_variant(options.len(), currency))
        .collect();
    Ok((options, variants))
}

/// The values of the variant a row names, as people read them ("Espresso / 1 kg"), from
/// its `option1`–`option3` columns ("" for a simple product's variant).
pub fn title_of_row(row: &sqlx::any::AnyRow) -> Result<String, sqlx::Error> {
    Ok(super::variant_title(&[
        row.try_get::<String, _>("option1")?,
        row.try_get::<String, _>("option2")?,
        row.try_get::<String, _>("option3")?,
    ]))
}

fn variant_from_row(row: &sqlx::any::AnyRow, option_count: usize) -> Result<Variant, sqlx::Error> {
    use sqlx::FromRow;
    let currency: String = row.try_get("currency")?;
    let currency = Currency::parse(&currency).unwrap_or(Currency::Usd);
    Ok(VariantRow::from_row(row)?.into_variant(option_count, currency))
}

/// The product's options and its variants for sale, in the grid's order, each variant with
/// as many values as the product has options. The two reads run side by side.
pub async fn options_and_variants(
    db: &Db,
    product_id: i64,
) -> Result<(Vec<ProductOption>, Vec<Variant>), sqlx::Error> {
    let (options, rows) = tokio::try_join!(
        options_of(db, product_id),
        sqlx::query(
            "SELECT v.id, v.sku, v.option1, v.option2, v.option3, v.price_cents, v.compare_at_cents, \
                    v.stock, v.weight_grams, v.image_url, p.currency \
             FROM product_variants v JOIN products p ON p.id = v.product_id \
             WHERE v.product_id = $1 AND v.active = 1 ORDER BY v.position, v.id",
        )
        .bind(product_id)
        .fetch_all(db.pool()),
    )?;
    let variants = rows
        .iter()
        .map(|row| variant_from_row(row, options.len()))
        .collect::<Result<_, _>>()?;
    Ok((options, variants))
}

/// The variant a form meant when it named none: the product's only one for sale (a
/// simple product). `None` when there are several to choose from, or none.
pub async fn only_variant(db: &Db, product_id: i64) -> Result<Option<i64>, sqlx::Error> {
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM product_variants WHERE product_id = $1 AND active = 1 ORDER BY id LIMIT 2",
    )
    .bind(product_id)
    .fetch_all(db.pool())
    .await?;
    Ok(match ids.as_slice() {
        [only] => Some(*only),
        _ => None,
    })
}

/// A new product's one variant, carrying its SKU, price and stock.
pub async fn insert_implicit_variant(
    conn: &mut AnyConnection,
    product_id: i64,
    sku: &str,
    price_cents: i64,
    compare_at_cents: Option<i64>,
    stock: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO product_variants (product_id, sku, price_cents, compare_at_cents, stock, weight_grams) \
         SELECT id, $2, $3, $4, $5, weight_grams FROM products WHERE id = $1",
    )
    .bind(product_id)
    .bind(sku)
    .bind(price_cents)
    .bind(compare_at_cents)
    .bind(stock)
    .execute(conn)
    .await?;
    Ok(())
}

/// Copies the variants' truth onto the product's summary columns, which listings, facets,
/// sorting and "in stock" read: the cheapest variant's price (with its compare-at price,
/// so the pair stays valid), the sum of stock, the first variant's weight. Call it in the
/// transaction that changed a variant.
pub async fn sync_product_summary(
    conn: &mut AnyConnection,
    product_id: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE products SET \
            stock = (SELECT CAST(COALESCE(SUM(stock), 0) AS BIGINT) FROM product_variants WHERE product_id = $1 AND active = 1), \
            price_cents = COALESCE((SELECT price_cents FROM product_variants WHERE product_id = $1 AND active = 1 \
                ORDER BY price_cents, position, id LIMIT 1), price_cents), \
            compare_at_cents = (SELECT compare_at_cents FROM product_variants WHERE product_id = $1 AND active = 1 \
                ORDER BY price_cents, position, id LIMIT 1), \
            weight_grams = (SELECT weight_grams FROM product_variants WHERE product_id = $1 AND active = 1 \
                ORDER BY position, id LIMIT 1) \
         WHERE id = $1",
    )
    .bind(product_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// A simple product's form edits its one variant too (products with options set these
/// per variant, so nothing happens to them here).
pub async fn update_implicit_variant(
    conn: &mut AnyConnection,
    product_id: i64,
    sku: &str,
    price_cents: i64,
    compare_at_cents: Option<i64>,
    weight_grams: Option<i64>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE product_variants SET sku = $2, price_cents = $3, compare_at_cents = $4, weight_grams = $5 \
         WHERE product_id = $1 AND option1 = '' AND active = 1 \
           AND NOT EXISTS (SELECT 1 FROM product_options o WHERE o.product_id = $1)",
    )
    .bind(product_id)
    .bind(sku)
    .bind(price_cents)
    .bind(compare_at_cents)
    .bind(weight_grams)
    .execute(&mut *conn)
    .await?;
    sync_product_summary(conn, product_id).await
}

/// What saving the options did to the grid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct GridChange {
    pub added: usize,
    pub kept: usize,
    /// Combinations no longer in the grid: retired (orders still name them), out of every
    /// cart, their stock no longer counted.
    pub retired: usize,
    pub retired_stock: i64,
}

/// Replaces the product's options and brings the variants in line with the grid, in one
/// transaction: combinations already made keep their SKU, price and stock; new ones start
/// at the product's price with no stock; dropped ones are retired. With no options the
/// product goes back to one implicit variant.
pub async fn save_options(
    db: &Db,
    product_id: i64,
    options: &[ProductOption],
) -> Result<GridChange, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    let change = save_options_in(&mut tx, product_id, options).await?;
    tx.commit().await?;
    Ok(change)
}

/// [`save_options`] inside the caller's transaction (the demo seed's).
pub async fn save_options_in(
    tx: &mut AnyConnection,
    product_id: i64,
    options: &[ProductOption],
) -> Result<GridChange, sqlx::Error> {
    let (base_sku, price_cents, weight_grams): (String, i64, Option<i64>) =
        sqlx::query_as("SELECT sku, price_cents, weight_grams FROM products WHERE id = $1")
            .bind(product_id)
            .fetch_one(&mut *tx)
            .await?;
    sqlx::query("DELETE FROM product_options WHERE product_id = $1")
        .bind(product_id)
        .execute(&mut *tx)
        .await?;
    for (i, option) in options.iter().enumerate() {
        let option_id: i64 = sqlx::query_scalar(
            "INSERT INTO product_options (product_id, position, name) VALUES ($1, $2, $3) RETURNING id",
        )
        .bind(product_id)
        .bind(i as i64 + 1)
        .bind(&option.name)
        .fetch_one(&mut *tx)
        .await?;
        for (j, value) in option.values.iter().enumerate() {
            sqlx::query(
                "INSERT INTO product_option_values (option_id, position, value) VALUES ($1, $2, $3)",
            )
            .bind(option_id)
            .bind(j as i64)
            .bind(value)
            .execute(&mut *tx)
            .await?;
        }
    }
    let existing: Vec<(i64, String, String, String, i64, i64)> = sqlx::query_as(
        "SELECT id, option1, option2, option3, active, stock FROM product_variants WHERE product_id = $1",
    )
    .bind(product_id)
    .fetch_all(&mut *tx)
    .await?;
    let grid: Vec<[String; 3]> = combinations(options)
        .into_iter()
        .map(|values| {
            let mut padded = [String::new(), String::new(), String::new()];
            for (slot, value) in padded.iter_mut().zip(values) {
                *slot = value;
            }
            padded
        })
        .collect();
    let mut change = GridChange::default();
    for (position, values) in grid.iter().enumerate() {
        let found = existing
            .iter()
            .find(|(_, a, b, c, _, _)| [a, b, c] == [&values[0], &values[1], &values[2]]);
        match found {
            Some((id, ..)) => {
                sqlx::query("UPDATE product_variants SET active = 1, position = $1 WHERE id = $2")
                    .bind(position as i64)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                change.kept += 1;
            }
            None => {
                let wanted = sku_for(
                    &base_sku,
                    &values
                        .iter()
                        .filter(|v| !v.is_empty())
                        .cloned()
                        .collect::<Vec<_>>(),
                );
                let mut sku = wanted.clone();
                let mut n = 2;
                while sku_in_use(&mut *tx, &sku).await? {
                    sku = format!("{wanted}-{n}");
                    n += 1;
                }
                sqlx::query(
                    "INSERT INTO product_variants (product_id, sku, option1, option2, option3, price_cents, stock, weight_grams, position) \
                     VALUES ($1, $2, $3, $4, $5, $6, 0, $7, $8)",
                )
                .bind(product_id)
                .bind(&sku)
                .bind(&values[0])
                .bind(&values[1])
                .bind(&values[2])
                .bind(price_cents)
                .bind(weight_grams)
                .bind(position as i64)
                .execute(&mut *tx)
                .await?;
                change.added += 1;
            }
        }
    }
    for (id, a, b, c, active, stock) in &existing {
        let in_grid = grid.iter().any(|v| [&v[0], &v[1], &v[2]] == [a, b, c]);
        if in_grid || *active == 0 {
            continue;
        }
        sqlx::query("UPDATE product_variants SET active = 0 WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM cart_lines WHERE variant_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        change.retired += 1;
        change.retired_stock += stock;
    }
    sync_product_summary(&mut *tx, product_id).await?;
    sqlx::query("UPDATE products SET updated_at = $1 WHERE id = $2")
        .bind(now_unix())
        .bind(product_id)
        .execute(&mut *tx)
        .await?;
    Ok(change)
}

async fn sku_in_use(conn: &mut AnyConnection, sku: &str) -> Result<bool, sqlx::Error> {
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM product_variants WHERE sku = $1")
        .bind(sku)
        .fetch_one(conn)
        .await?;
    Ok(count > 0)
}

/// Why the variant table was not saved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VariantWriteError {
    /// Another variant uses the SKU.
    SkuTaken(String),
    /// A row names a variant that is not this product's.
    Unknown,
}

/// Saves the whole table in one transaction: all rows or none.
pub async fn update_variants(
    db: &Db,
    product_id: i64,
    edits: &[VariantEdit],
) -> Result<Result<(), VariantWriteError>, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    for edit in edits {
        let clash: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM product_variants WHERE sku = $1 AND id <> $2")
                .bind(&edit.sku)
                .bind(edit.id)
                .fetch_one(&mut *tx)
                .await?;
        if clash > 0 {
            return Ok(Err(VariantWriteError::SkuTaken(edit.sku.clone())));
        }
        let done = sqlx::query(
            "UPDATE product_variants SET sku = $1, price_cents = $2, compare_at_cents = $3, \
                weight_grams = $4, image_url = $5 WHERE id = $6 AND product_id = $7",
        )
        .bind(&edit.sku)
        .bind(edit.price_cents)
        .bind(edit.compare_at_cents)
        .bind(edit.weight_grams)
        .bind(&edit.image_url)
        .bind(edit.id)
        .bind(product_id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            return Ok(Err(VariantWriteError::Unknown));
        }
    }
    sync_product_summary(&mut tx, product_id).await?;
    sqlx::query("UPDATE products SET updated_at = $1 WHERE id = $2")
        .bind(now_unix())
        .bind(product_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(Ok(()))
}

/// Adds `delta` to one variant's stock with the reason, never below zero (the guard is in
/// the UPDATE, so two staff adjusting at once can't take it negative). `None` when it
/// would go below zero or the variant is not this product's; else the variant's new stock.
pub async fn adjust_variant_stock(
    db: &Db,
    product_id: i64,
    variant_id: i64,
    delta: i64,
    reason: &str,
    actor_id: i64,
) -> Result<Option<i64>, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    let now = now_unix();
    let Some(row) = sqlx::query(
        "UPDATE product_variants SET stock = stock + $1 \
         WHERE id = $2 AND product_id = $3 AND active = 1 AND stock + $1 >= 0 RETURNING stock",
    )
    .bind(delta)
    .bind(variant_id)
    .bind(product_id)
    .fetch_optional(&mut *tx)
    .await?
    else {
        return Ok(None);
    };
    sqlx::query(
        "INSERT INTO stock_adjustments (product_id, variant_id, delta, reason, actor_id, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(product_id)
    .bind(variant_id)
    .bind(delta)
    .bind(reason)
    .bind(actor_id)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    sync_product_summary(&mut tx, product_id).await?;
    sqlx::query("UPDATE products SET updated_at = $1 WHERE id = $2")
        .bind(now)
        .bind(product_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(Some(row.try_get("stock")?))
}
