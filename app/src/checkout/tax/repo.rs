//! SQL of taxes: the store's setting, the rates, and the invoice counter.

use super::model::{InvoiceIssuer, TaxRate, TaxSettings};
use crate::catalog::model::TaxClass;
use crate::db::Db;
use sqlx::{AnyConnection, Row};

/// The store's tax setting; inside a checkout's transaction or on its own.
pub async fn settings<'c, E>(conn: E) -> Result<TaxSettings, sqlx::Error>
where
    E: sqlx::Executor<'c, Database = sqlx::Any>,
{
    let row =
        sqlx::query("SELECT prices_include_tax, shipping_taxable FROM tax_settings WHERE id = 1")
            .fetch_optional(conn)
            .await?;
    Ok(match row {
        Some(r) => TaxSettings {
            prices_include_tax: r.try_get::<i64, _>("prices_include_tax")? == 1,
            shipping_taxable: r.try_get::<i64, _>("shipping_taxable")? == 1,
        },
        None => TaxSettings {
            prices_include_tax: false,
            shipping_taxable: true,
        },
    })
}

pub async fn save_settings(db: &Db, settings: TaxSettings) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO tax_settings (id, prices_include_tax, shipping_taxable) VALUES (1, $1, $2) \
         ON CONFLICT (id) DO UPDATE SET prices_include_tax = excluded.prices_include_tax, \
             shipping_taxable = excluded.shipping_taxable",
    )
    .bind(i64::from(settings.prices_include_tax))
    .bind(i64::from(settings.shipping_taxable))
    .execute(db.pool())
    .await?;
    Ok(())
}

/// Who issues the invoices.
pub async fn issuer(db: &Db) -> Result<InvoiceIssuer, sqlx::Error> {
    let row = sqlx::query(
        "SELECT seller_name, seller_address, seller_tax_id FROM tax_settings WHERE id = 1",
    )
    .fetch_optional(db.pool())
    .await?;
    Ok(match row {
        Some(r) => InvoiceIssuer {
            name: r.try_get("seller_name")?,
            address: r.try_get("seller_address")?,
            tax_id: r.try_get("seller_tax_id")?,
        },
        None => InvoiceIssuer::default(),
    })
}

pub async fn save_issuer(db: &Db, issuer: &InvoiceIssuer) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE tax_settings SET seller_name = $1, seller_address = $2, seller_tax_id = $3 WHERE id = 1",
    )
    .bind(&issuer.name)
    .bind(&issuer.address)
    .bind(&issuer.tax_id)
    .execute(db.pool())
    .await?;
    Ok(())
}

fn rate_from_row(r: &sqlx::any::AnyRow) -> Result<TaxRate, sqlx::Error> {
    let class: String = r.try_get("tax_class")?;
    Ok(TaxRate {
        id: r.try_get("id")?,
        country: r.try_get("country")?,
        region: r.try_get("region")?,
        class: TaxClass::parse(&class).unwrap_or_default(),
        rate_bp: r.try_get("rate_bp")?,
        name: r.try_get("name")?,
    })
}

/// Every rate of one country (all its regions); inside a checkout's transaction or not.
pub async fn rates_for_country<'c, E>(conn: E, country: &str) -> Result<Vec<TaxRate>, sqlx::Error>
where
    E: sqlx::Executor<'c, Database = sqlx::Any>,
{
    let rows = sqlx::query(
        "SELECT id, country, region, tax_class, rate_bp, name FROM tax_rates WHERE country = $1 \
         ORDER BY region, tax_class",
    )
    .bind(country)
    .fetch_all(conn)
    .await?;
    rows.iter().map(rate_from_row).collect()
}

/// Every rate, by country and region, for the admin page.
pub async fn list_rates(db: &Db) -> Result<Vec<TaxRate>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT id, country, region, tax_class, rate_bp, name FROM tax_rates \
         ORDER BY country, region, tax_class",
    )
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(rate_from_row).collect()
}

/// Adds a rate, or changes the one already set for that country, region and class;
/// returns its id.
pub async fn put_rate(db: &Db, rate: &TaxRate) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO tax_rates (country, region, tax_class, rate_bp, name) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (country, region, tax_class) DO UPDATE SET rate_bp = excluded.rate_bp, name = excluded.name \
         RETURNING id",
    )
    .bind(&rate.country)
    .bind(&rate.region)
    .bind(rate.class.key())
    .bind(rate.rate_bp)
    .bind(&rate.name)
    .fetch_one(db.pool())
    .await
}

pub async fn delete_rate(db: &Db, id: i64) -> Result<bool, sqlx::Error> {
    let deleted = sqlx::query("DELETE FROM tax_rates WHERE id = $1")
        .bind(id)
        .execute(db.pool())
        .await?;
    Ok(deleted.rows_affected() == 1)
}

/// The next invoice number, inside the transaction that marks the order paid: the counter
/// row stays locked until that transaction ends (PostgreSQL row lock; SQLite's single
/// writer), and a rollback takes the number back, so numbers have no gaps.
pub async fn next_invoice_number(conn: &mut AnyConnection) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("UPDATE invoice_counter SET last = last + 1 WHERE id = 1 RETURNING last")
        .fetch_one(conn)
        .await
}
