//! SQL of shipping: a country's rates, and what a cart or quote weighs.

use super::model::{Address, Goods, RateBasis, ShippingRate};
use crate::db::Db;
use sqlx::Row;

/// The rates of the zone that covers `country`, in staff's order (none: we don't ship
/// there). Inside a checkout's transaction or on its own (`db.pool()`).
pub async fn rates_for_country<'c, E>(
    conn: E,
    country: &str,
) -> Result<Vec<ShippingRate>, sqlx::Error>
where
    E: sqlx::Executor<'c, Database = sqlx::Any>,
{
    let rows = sqlx::query(
        "SELECT r.id, z.name AS zone_name, r.name, r.basis, r.min_value, r.max_value, r.price_cents, \
                r.free_above_cents, r.min_days, r.max_days \
         FROM shipping_zone_countries c \
         JOIN shipping_zones z ON z.id = c.zone_id \
         JOIN shipping_rates r ON r.zone_id = z.id \
         WHERE c.country = $1 ORDER BY r.position, r.id",
    )
    .bind(country)
    .fetch_all(conn)
    .await?;
    rows.iter().map(rate_from_row).collect()
}

fn rate_from_row(r: &sqlx::any::AnyRow) -> Result<ShippingRate, sqlx::Error> {
    let basis: String = r.try_get("basis")?;
    Ok(ShippingRate {
        id: r.try_get("id")?,
        zone_name: r.try_get("zone_name")?,
        name: r.try_get("name")?,
        basis: RateBasis::parse(&basis).unwrap_or(RateBasis::Flat),
        min: r.try_get("min_value")?,
        max: r.try_get("max_value")?,
        price_cents: r.try_get("price_cents")?,
        free_above_cents: r.try_get("free_above_cents")?,
        min_days: r.try_get("min_days")?,
        max_days: r.try_get("max_days")?,
    })
}

fn goods_from_rows(
    rows: Vec<sqlx::any::AnyRow>,
    discount_percent: i64,
) -> Result<Vec<Goods>, sqlx::Error> {
    rows.iter()
        .map(|r| {
            let class: String = r.try_get("tax_class")?;
            Ok(Goods {
                product_id: r.try_get("product_id")?,
                variant_id: r.try_get("variant_id")?,
                category_id: r.try_get("category_id")?,
                unit_cents: crate::quotes::discounted(r.try_get("price_cents")?, discount_percent),
                quantity: r.try_get("quantity")?,
                weight_grams: r.try_get("weight_grams")?,
                tax_class: crate::catalog::model::TaxClass::parse(&class).unwrap_or_default(),
                discount_cents: 0,
            })
        })
        .collect()
}

/// The owner's cart (variants for sale, today's prices), in (product, variant) order.
pub async fn cart_goods(db: &Db, owner: &str) -> Result<Vec<Goods>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT p.id AS product_id, v.id AS variant_id, p.category_id, v.price_cents, l.quantity, v.weight_grams, p.tax_class FROM cart_lines l \
         JOIN product_variants v ON v.id = l.variant_id JOIN products p ON p.id = l.product_id \
         WHERE l.owner = $1 AND p.status = 'active' AND v.active = 1 ORDER BY p.id, v.id",
    )
    .bind(owner)
    .fetch_all(db.pool())
    .await?;
    goods_from_rows(rows, 0)
}

/// A quote's lines (today's prices less its discount), in (product, variant) order.
pub async fn quote_goods(
    db: &Db,
    quote_id: i64,
    discount_percent: i64,
) -> Result<Vec<Goods>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT p.id AS product_id, v.id AS variant_id, p.category_id, v.price_cents, l.quantity, v.weight_grams, p.tax_class FROM quote_lines l \
         JOIN product_variants v ON v.id = l.variant_id JOIN products p ON p.id = l.product_id \
         WHERE l.quote_id = $1 ORDER BY p.id, v.id",
    )
    .bind(quote_id)
    .fetch_all(db.pool())
    .await?;
    goods_from_rows(rows, discount_percent)
}

/// The address of the newest order these owners made, to start the next checkout from
/// (signed-in customers get it on any device; guests in the same browser).
pub async fn last_address(db: &Db, owners: &[String]) -> Result<Option<Address>, sqlx::Error> {
    let Some(first) = owners.first() else {
        return Ok(None);
    };
    let second = owners.get(1).unwrap_or(first);
    let row = sqlx::query(
        "SELECT ship_name, ship_company, ship_line1, ship_line2, ship_city, ship_region, \
                ship_postal_code, ship_country, ship_phone FROM orders \
         WHERE owner IN ($1, $2) AND ship_line1 <> '' ORDER BY id DESC LIMIT 1",
    )
    .bind(first)
    .bind(second)
    .fetch_optional(db.pool())
    .await?;
    row.as_ref().map(address_from_row).transpose()
}

const SAVED_COLUMNS: &str = "id, ship_name, ship_company, ship_line1, ship_line2, ship_city, \
    ship_region, ship_postal_code, ship_country, ship_phone";

/// A customer's saved addresses, the most recently used first.
pub async fn saved_addresses(
    db: &Db,
    user_id: i64,
) -> Result<Vec<super::model::SavedAddress>, sqlx::Error> {
    sqlx::query(&format!(
        "SELECT {SAVED_COLUMNS} FROM saved_addresses WHERE user_id = $1 \
         ORDER BY last_used_at DESC, id DESC LIMIT {}",
        super::model::MAX_SAVED_ADDRESSES
    ))
    .bind(user_id)
    .fetch_all(db.pool())
    .await?
    .iter()
    .map(|r| {
        Ok(super::model::SavedAddress {
            id: r.try_get("id")?,
            address: address_from_row(r)?,
        })
    })
    .collect()
}

/// Saves the address in the customer's book (inside the order's transaction): the same
/// place again updates its name, company and phone and counts as used now. "Used" is kept
/// strictly increasing per customer (one past the newest when two orders share a second),
/// so the book's order is the order of use.
pub async fn save_address(
    conn: &mut sqlx::AnyConnection,
    user_id: i64,
    address: &Address,
    now: i64,
) -> Result<(), sqlx::Error> {
    let insert = sqlx::query(
        "INSERT INTO saved_addresses (user_id, ship_name, ship_company, ship_line1, ship_line2, ship_city, \
             ship_region, ship_postal_code, ship_country, ship_phone, created_at, last_used_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, \
             COALESCE((SELECT MAX(last_used_at) + 1 FROM saved_addresses WHERE user_id = $1 AND last_used_at >= $11), $11)) \
         ON CONFLICT (user_id, ship_line1, ship_line2, ship_city, ship_postal_code, ship_country) DO UPDATE SET \
             ship_name = excluded.ship_name, ship_company = excluded.ship_company, \
             ship_region = excluded.ship_region, ship_phone = excluded.ship_phone, last_used_at = excluded.last_used_at",
    )
    .bind(user_id);
    bind_address(insert, address)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    // The book keeps the newest few; older ones fall off rather than grow without bound.
    sqlx::query(&format!(
        "DELETE FROM saved_addresses WHERE user_id = $1 AND id NOT IN \
         (SELECT id FROM saved_addresses WHERE user_id = $1 ORDER BY last_used_at DESC, id DESC LIMIT {})",
        super::model::MAX_SAVED_ADDRESSES
    ))
    .bind(user_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Removes one of the customer's saved addresses; false when it is not theirs (or gone).
pub async fn remove_saved_address(db: &Db, user_id: i64, id: i64) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("DELETE FROM saved_addresses WHERE id = $1 AND user_id = $2")
        .bind(id)
        .bind(user_id)
        .execute(db.pool())
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Binds an address's fields in the order of the `ship_*` columns (name, company, line 1,
/// line 2, city, region, postal code, country, phone): the order's insert and the address
/// book's both list them so.
pub fn bind_address<'q>(
    query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    address: &'q Address,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    query
        .bind(&address.name)
        .bind(&address.company)
        .bind(&address.line1)
        .bind(&address.line2)
        .bind(&address.city)
        .bind(&address.region)
        .bind(&address.postal_code)
        .bind(&address.country)
        .bind(&address.phone)
}

/// An order row's shipping address (its `ship_*` columns).
pub fn address_from_row(r: &sqlx::any::AnyRow) -> Result<Address, sqlx::Error> {
    Ok(Address {
        name: r.try_get("ship_name")?,
        company: r.try_get("ship_company")?,
        line1: r.try_get("ship_line1")?,
        line2: r.try_get("ship_line2")?,
        city: r.try_get("ship_city")?,
        region: r.try_get("ship_region")?,
        postal_code: r.try_get("ship_postal_code")?,
        country: r.try_get("ship_country")?,
        phone: r.try_get("ship_phone")?,
    })
}

/// Every zone with its countries and rates, in staff's order.
pub async fn list_zones(db: &Db) -> Result<Vec<super::model::ZoneView>, sqlx::Error> {
    let zones: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, name FROM shipping_zones ORDER BY position, id")
            .fetch_all(db.pool())
            .await?;
    let mut views = Vec::with_capacity(zones.len());
    for (id, name) in zones {
        let countries: Vec<String> = sqlx::query_scalar(
            "SELECT country FROM shipping_zone_countries WHERE zone_id = $1 ORDER BY country",
        )
        .bind(id)
        .fetch_all(db.pool())
        .await?;
        let rows = sqlx::query(
            "SELECT r.id, z.name AS zone_name, r.name, r.basis, r.min_value, r.max_value, r.price_cents, \
                    r.free_above_cents, r.min_days, r.max_days \
             FROM shipping_rates r JOIN shipping_zones z ON z.id = r.zone_id \
             WHERE r.zone_id = $1 ORDER BY r.position, r.id",
        )
        .bind(id)
        .fetch_all(db.pool())
        .await?;
        let rates = rows
            .iter()
            .map(rate_from_row)
            .collect::<Result<Vec<_>, _>>()?;
        views.push(super::model::ZoneView {
            id,
            name,
            countries,
            rates,
        });
    }
    Ok(views)
}

/// A new zone covering `countries` (taken from their old zones); `None` when the name is
/// taken.
pub async fn add_zone(
    db: &Db,
    name: &str,
    countries: &[String],
) -> Result<Option<i64>, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    let id: Option<i64> = sqlx::query_scalar(
        "INSERT INTO shipping_zones (name, position) VALUES ($1, 100) ON CONFLICT (name) DO NOTHING RETURNING id",
    )
    .bind(name)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(id) = id else {
        return Ok(None);
    };
    assign_countries(&mut tx, id, countries).await?;
    tx.commit().await?;
    Ok(Some(id))
}

/// The zone covers exactly `countries` now; false when there is no such zone.
pub async fn set_countries(
    db: &Db,
    zone_id: i64,
    countries: &[String],
) -> Result<bool, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM shipping_zones WHERE id = $1")
        .bind(zone_id)
        .fetch_optional(&mut *tx)
        .await?;
    if exists.is_none() {
        return Ok(false);
    }
    sqlx::query("DELETE FROM shipping_zone_countries WHERE zone_id = $1")
        .bind(zone_id)
        .execute(&mut *tx)
        .await?;
    assign_countries(&mut tx, zone_id, countries).await?;
    tx.commit().await?;
    Ok(true)
}

async fn assign_countries(
    conn: &mut sqlx::AnyConnection,
    zone_id: i64,
    countries: &[String],
) -> Result<(), sqlx::Error> {
    for country in countries {
        // A country is in one zone: it moves here from wherever it was.
        sqlx::query(
            "INSERT INTO shipping_zone_countries (country, zone_id) VALUES ($1, $2) \
             ON CONFLICT (country) DO UPDATE SET zone_id = excluded.zone_id",
        )
        .bind(country)
        .bind(zone_id)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Adds a rate to a zone; `None` when there is no such zone.
pub async fn add_rate(
    db: &Db,
    zone_id: i64,
    rate: &super::model::NewRate,
) -> Result<Option<i64>, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM shipping_zones WHERE id = $1")
        .bind(zone_id)
        .fetch_optional(&mut *tx)
        .await?;
    if exists.is_none() {
        return Ok(None);
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO shipping_rates (zone_id, name, basis, min_value, max_value, price_cents, \
             free_above_cents, min_days, max_days, position) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 100) RETURNING id",
    )
    .bind(zone_id)
    .bind(&rate.name)
    .bind(rate.basis.key())
    .bind(rate.min)
    .bind(rate.max)
    .bind(rate.price_cents)
    .bind(rate.free_above_cents)
    .bind(rate.min_days)
    .bind(rate.max_days)
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Some(id))
}

/// Deletes a rate; false when there was none.
pub async fn delete_rate(db: &Db, rate_id: i64) -> Result<bool, sqlx::Error> {
    let deleted = sqlx::query("DELETE FROM shipping_rates WHERE id = $1")
        .bind(rate_id)
        .execute(db.pool())
        .await?;
    Ok(deleted.rows_affected() == 1)
}
