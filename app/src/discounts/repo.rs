//! All SQL of discount codes: the codes and their counters, the code a cart holds, and
//! the reservation of a use at checkout (one conditional UPDATE each for the total and the
//! per-customer limit, checked by rows affected, on both databases).

use super::model::{
    targets_from_text, targets_to_text, CodeForm, DiscountCode, DiscountKind, Target,
};
use crate::db::{now_unix, Db};
use sqlx::{AnyConnection, Row};

const CODE_COLUMNS: &str =
    "d.id, d.code, d.note, d.kind, d.value, d.min_subtotal_cents, d.applies_to, \
    d.starts_at, d.ends_at, d.usage_limit, d.per_customer_limit, d.status, d.used_count, \
    d.reserved_count, d.created_at";

fn code_from_row(r: &sqlx::any::AnyRow) -> Result<DiscountCode, sqlx::Error> {
    let kind: String = r.try_get("kind")?;
    let status: String = r.try_get("status")?;
    let applies_to: String = r.try_get("applies_to")?;
    Ok(DiscountCode {
        id: r.try_get("id")?,
        code: r.try_get("code")?,
        note: r.try_get("note")?,
        kind: DiscountKind::parse(&kind).unwrap_or(DiscountKind::Percent),
        value: r.try_get("value")?,
        min_subtotal_cents: r.try_get("min_subtotal_cents")?,
        targets: targets_from_text(&applies_to),
        starts_at: r.try_get("starts_at")?,
        ends_at: r.try_get("ends_at")?,
        usage_limit: r.try_get("usage_limit")?,
        per_customer_limit: r.try_get("per_customer_limit")?,
        active: status == "active",
        used: r.try_get("used_count")?,
        reserved: r.try_get("reserved_count")?,
        created_at: r.try_get("created_at")?,
    })
}

/// A code by what customers type (already normalised).
pub async fn find_code<'c, E>(conn: E, code: &str) -> Result<Option<DiscountCode>, sqlx::Error>
where
    E: sqlx::Executor<'c, Database = sqlx::Any>,
{
    sqlx::query(&format!(
        "SELECT {CODE_COLUMNS} FROM discount_codes d WHERE d.code = $1"
    ))
    .bind(code)
    .fetch_optional(conn)
    .await?
    .map(|r| code_from_row(&r))
    .transpose()
}

pub async fn find_code_by_id(db: &Db, id: i64) -> Result<Option<DiscountCode>, sqlx::Error> {
    sqlx::query(&format!(
        "SELECT {CODE_COLUMNS} FROM discount_codes d WHERE d.id = $1"
    ))
    .bind(id)
    .fetch_optional(db.pool())
    .await?
    .map(|r| code_from_row(&r))
    .transpose()
}

/// Every code, newest first.
pub async fn list_codes(db: &Db) -> Result<Vec<DiscountCode>, sqlx::Error> {
    sqlx::query(&format!(
        "SELECT {CODE_COLUMNS} FROM discount_codes d ORDER BY d.id DESC"
    ))
    .fetch_all(db.pool())
    .await?
    .iter()
    .map(code_from_row)
    .collect()
}

/// The code a cart holds, if any.
pub async fn held_code<'c, E>(conn: E, owner: &str) -> Result<Option<DiscountCode>, sqlx::Error>
where
    E: sqlx::Executor<'c, Database = sqlx::Any>,
{
    sqlx::query(&format!(
        "SELECT {CODE_COLUMNS} FROM cart_codes h JOIN discount_codes d ON d.id = h.code_id WHERE h.owner = $1"
    ))
    .bind(owner)
    .fetch_optional(conn)
    .await?
    .map(|r| code_from_row(&r))
    .transpose()
}

/// The cart holds this code from now on (replacing another: one code per cart).
pub async fn hold_code(db: &Db, owner: &str, code_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO cart_codes (owner, code_id, applied_at) VALUES ($1, $2, $3) \
         ON CONFLICT (owner) DO UPDATE SET code_id = excluded.code_id, applied_at = excluded.applied_at",
    )
    .bind(owner)
    .bind(code_id)
    .bind(now_unix())
    .execute(db.pool())
    .await?;
    Ok(())
}

/// Takes the code out of the cart; `false` when it held none.
pub async fn drop_code<'c, E>(conn: E, owner: &str) -> Result<bool, sqlx::Error>
where
    E: sqlx::Executor<'c, Database = sqlx::Any>,
{
    let done = sqlx::query("DELETE FROM cart_codes WHERE owner = $1")
        .bind(owner)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() > 0)
}

/// Takes `code_id` out of the cart if it still holds it (its order was paid).
pub async fn drop_code_if_held(
    conn: &mut AnyConnection,
    owner: &str,
    code_id: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM cart_codes WHERE owner = $1 AND code_id = $2")
        .bind(owner)
        .bind(code_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// At sign-in a guest's code goes with their lines, unless the account's cart has one.
pub async fn move_held_code(
    conn: &mut AnyConnection,
    from: &str,
    to: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO cart_codes (owner, code_id, applied_at) \
         SELECT $2, code_id, applied_at FROM cart_codes WHERE owner = $1 \
         ON CONFLICT (owner) DO NOTHING",
    )
    .bind(from)
    .bind(to)
    .execute(&mut *conn)
    .await?;
    drop_code(&mut *conn, from).await?;
    Ok(())
}

/// How often this customer holds or used the code.
pub async fn customer_uses<'c, E>(conn: E, code_id: i64, customer: &str) -> Result<i64, sqlx::Error>
where
    E: sqlx::Executor<'c, Database = sqlx::Any>,
{
    Ok(sqlx::query_scalar(
        "SELECT uses FROM discount_customer_uses WHERE code_id = $1 AND customer = $2",
    )
    .bind(code_id)
    .bind(customer)
    .fetch_optional(conn)
    .await?
    .unwrap_or(0))
}

/// What reserving a use came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reservation {
    Reserved,
    /// Every use is paid for or held by another checkout (or the code was paused).
    UsedUp,
    UsedByYou,
}

/// Holds one use of the code for an order being made (inside its transaction). The total
/// and the customer's limit are each one conditional UPDATE, so two checkouts can never
/// both take the last use; on a refusal the caller drops the transaction.
pub async fn reserve_use(
    conn: &mut AnyConnection,
    code: &DiscountCode,
    customer: &str,
) -> Result<Reservation, sqlx::Error> {
    let total = sqlx::query(
        "UPDATE discount_codes SET reserved_count = reserved_count + 1, updated_at = $2 \
         WHERE id = $1 AND status = 'active' \
         AND (usage_limit IS NULL OR used_count + reserved_count < usage_limit)",
    )
    .bind(code.id)
    .bind(now_unix())
    .execute(&mut *conn)
    .await?;
    if total.rows_affected() != 1 {
        return Ok(Reservation::UsedUp);
    }
    sqlx::query(
        "INSERT INTO discount_customer_uses (code_id, customer, uses) VALUES ($1, $2, 0) \
         ON CONFLICT (code_id, customer) DO NOTHING",
    )
    .bind(code.id)
    .bind(customer)
    .execute(&mut *conn)
    .await?;
    let mine = sqlx::query(
        "UPDATE discount_customer_uses SET uses = uses + 1 \
         WHERE code_id = $1 AND customer = $2 AND uses < $3",
    )
    .bind(code.id)
    .bind(customer)
    .bind(code.per_customer_limit.unwrap_or(i64::MAX))
    .execute(&mut *conn)
    .await?;
    Ok(if mine.rows_affected() == 1 {
        Reservation::Reserved
    } else {
        Reservation::UsedByYou
    })
}

/// The order that held a use was paid: the use counts (once, in the paid transition).
pub async fn confirm_use(conn: &mut AnyConnection, code_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE discount_codes SET used_count = used_count + 1, \
             reserved_count = CASE WHEN reserved_count > 0 THEN reserved_count - 1 ELSE 0 END \
         WHERE id = $1",
    )
    .bind(code_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// The order that held a use ended unpaid: the use is free again, for everyone and for
/// this customer.
pub async fn release_use(
    conn: &mut AnyConnection,
    code_id: i64,
    customer: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE discount_codes SET reserved_count = reserved_count - 1 WHERE id = $1 AND reserved_count > 0",
    )
    .bind(code_id)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "UPDATE discount_customer_uses SET uses = uses - 1 WHERE code_id = $1 AND customer = $2 AND uses > 0",
    )
    .bind(code_id)
    .bind(customer)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Saves a new code; a code that exists already is a unique violation for the caller.
pub async fn create_code(db: &Db, form: &CodeForm, targets: &[Target]) -> Result<i64, sqlx::Error> {
    let now = now_unix();
    let row = sqlx::query(
        "INSERT INTO discount_codes (code, note, kind, value, min_subtotal_cents, applies_to, starts_at, \
             ends_at, usage_limit, per_customer_limit, status, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING id",
    );
    bind_form(row, form, targets)
        .bind(now)
        .fetch_one(db.pool())
        .await?
        .try_get(0)
}

/// Changes a code's rules (its counters stay); `false` when there is no such code.
pub async fn update_code(
    db: &Db,
    id: i64,
    form: &CodeForm,
    targets: &[Target],
) -> Result<bool, sqlx::Error> {
    let update = sqlx::query(
        "UPDATE discount_codes SET code = $1, note = $2, kind = $3, value = $4, min_subtotal_cents = $5, \
             applies_to = $6, starts_at = $7, ends_at = $8, usage_limit = $9, per_customer_limit = $10, \
             status = $11, updated_at = $12 WHERE id = $13",
    );
    let done = bind_form(update, form, targets)
        .bind(now_unix())
        .bind(id)
        .execute(db.pool())
        .await?;
    Ok(done.rows_affected() == 1)
}

type AnyQuery<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>;

fn bind_form<'q>(query: AnyQuery<'q>, form: &'q CodeForm, targets: &[Target]) -> AnyQuery<'q> {
    query
        .bind(&form.code)
        .bind(&form.note)
        .bind(form.kind.key())
        .bind(form.value)
        .bind(form.min_subtotal_cents)
        .bind(targets_to_text(targets))
        .bind(form.starts_at)
        .bind(form.ends_at)
        .bind(form.usage_limit)
        .bind(form.per_customer_limit)
        .bind(if form.active { "active" } else { "paused" })
}

/// Pauses or resumes a code; `false` when there is no such code.
pub async fn set_active(db: &Db, id: i64, active: bool) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("UPDATE discount_codes SET status = $1, updated_at = $2 WHERE id = $3")
        .bind(if active { "active" } else { "paused" })
        .bind(now_unix())
        .bind(id)
        .execute(db.pool())
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Turns what staff typed (product addresses or variant SKUs) into targets; `Err` names
/// the first that matches nothing.
pub async fn resolve_items(
    db: &Db,
    items: &[String],
) -> Result<Result<Vec<Target>, String>, sqlx::Error> {
    let mut targets = Vec::new();
    for item in items {
        let product: Option<i64> = sqlx::query_scalar("SELECT id FROM products WHERE slug = $1")
            .bind(item.to_lowercase())
            .fetch_optional(db.pool())
            .await?;
        let target = match product {
            Some(id) => Target::Product(id),
            None => {
                let variant: Option<i64> =
                    sqlx::query_scalar("SELECT id FROM product_variants WHERE sku = $1")
                        .bind(item)
                        .fetch_optional(db.pool())
                        .await?;
                match variant {
                    Some(id) => Target::Variant(id),
                    None => return Ok(Err(item.clone())),
                }
            }
        };
        if !targets.contains(&target) {
            targets.push(target);
        }
    }
    Ok(Ok(targets))
}

/// What a code's targets are called, for the staff form: product addresses and SKUs as
/// staff type them, and the ticked category ids.
pub async fn describe_targets(
    db: &Db,
    targets: &[Target],
) -> Result<(Vec<String>, Vec<i64>), sqlx::Error> {
    let mut items = Vec::new();
    let mut categories = Vec::new();
    for target in targets {
        match *target {
            Target::Product(id) => {
                let slug: Option<String> =
                    sqlx::query_scalar("SELECT slug FROM products WHERE id = $1")
                        .bind(id)
                        .fetch_optional(db.pool())
                        .await?;
                items.extend(slug);
            }
            Target::Variant(id) => {
                let sku: Option<String> =
                    sqlx::query_scalar("SELECT sku FROM product_variants WHERE id = $1")
                        .bind(id)
                        .fetch_optional(db.pool())
                        .await?;
                items.extend(sku);
            }
            Target::Category(id) => categories.push(id),
        }
    }
    Ok((items, categories))
}

/// Every category's (id, parent): a code limited to a category covers its subcategories.
pub async fn category_parents(db: &Db) -> Result<Vec<(i64, Option<i64>)>, sqlx::Error> {
    sqlx::query_as("SELECT id, parent_id FROM categories")
        .fetch_all(db.pool())
        .await
}

/// Categories staff can limit a code to: (id, name), by name.
pub async fn categories(db: &Db) -> Result<Vec<(i64, String)>, sqlx::Error> {
    sqlx::query_as("SELECT id, name FROM categories ORDER BY name")
        .fetch_all(db.pool())
        .await
}
