//! SQL of shipping: a country's rates, and what a cart or quote weighs.

use super::model::{Address, Parcel, RateBasis, ShippingRate};
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
    rows.iter()
        .map(|r| {
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
        })
        .collect()
}

/// What a list of (unit price, quantity, weight) lines makes as a parcel: a line without a
/// weight leaves the parcel's weight unknown.
pub fn parcel_of(lines: &[(i64, i64, Option<i64>)]) -> Parcel {
    Parcel {
        value_cents: lines.iter().map(|(price, qty, _)| price * qty).sum(),
        weight_grams: lines
            .iter()
            .map(|(_, qty, weight)| weight.map(|w| w * qty))
            .sum(),
    }
}

/// The owner's cart as a parcel (active products, today's prices).
pub async fn cart_parcel(db: &Db, owner: &str) -> Result<Parcel, sqlx::Error> {
    let lines: Vec<(i64, i64, Option<i64>)> = sqlx::query_as(
        "SELECT p.price_cents, l.quantity, p.weight_grams FROM cart_lines l \
         JOIN products p ON p.id = l.product_id WHERE l.owner = $1 AND p.status = 'active'",
    )
    .bind(owner)
    .fetch_all(db.pool())
    .await?;
    Ok(parcel_of(&lines))
}

/// A quote as a parcel (today's prices less its discount).
pub async fn quote_parcel(
    db: &Db,
    quote_id: i64,
    discount_percent: i64,
) -> Result<Parcel, sqlx::Error> {
    let lines: Vec<(i64, i64, Option<i64>)> = sqlx::query_as(
        "SELECT p.price_cents, l.quantity, p.weight_grams FROM quote_lines l \
         JOIN products p ON p.id = l.product_id WHERE l.quote_id = $1",
    )
    .bind(quote_id)
    .fetch_all(db.pool())
    .await?;
    let discounted: Vec<(i64, i64, Option<i64>)> = lines
        .into_iter()
        .map(|(price, qty, weight)| {
            (
                crate::quotes::discounted(price, discount_percent),
                qty,
                weight,
            )
        })
        .collect();
    Ok(parcel_of(&discounted))
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
    row.map(|r| {
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
    })
    .transpose()
}
