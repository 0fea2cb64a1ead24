//! SQL of quotes: writing one with its lines, reading it back with today's prices, the
//! quotes of a ticket, the products a quote may hold, and linking a quote to its order and
//! winning the ticket when paid (the one write quotes make to `tickets`, inside the
//! payment's transaction so it happens exactly once with it).

use super::discounted;
use super::model::{Quote, QuoteLine, QuoteProduct};
use crate::db::{now_unix, Db};
use crate::money::{Currency, Money};
use sqlx::{AnyConnection, Row};

/// Stores a quote of `(variant id, quantity)` lines; `None` when a variant is not for sale
/// (nothing is stored then).
pub async fn create_quote(
    db: &Db,
    ticket_id: i64,
    staff_id: i64,
    discount_percent: i64,
    lines: &[(i64, i64)],
) -> Result<Option<String>, sqlx::Error> {
    let public_id = crate::token::new_id();
    let mut tx = db.begin_write().await?;
    for (variant_id, _) in lines {
        let for_sale: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM product_variants v JOIN products p ON p.id = v.product_id \
             WHERE v.id = $1 AND v.active = 1 AND p.status = 'active'",
        )
        .bind(variant_id)
        .fetch_one(&mut *tx)
        .await?;
        if for_sale == 0 {
            return Ok(None);
        }
    }
    let quote_id: i64 = sqlx::query_scalar(
        "INSERT INTO quotes (public_id, ticket_id, created_by, discount_percent, created_at) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(&public_id)
    .bind(ticket_id)
    .bind(staff_id)
    .bind(discount_percent)
    .bind(now_unix())
    .fetch_one(&mut *tx)
    .await?;
    for (variant_id, quantity) in lines {
        sqlx::query(
            "INSERT INTO quote_lines (quote_id, product_id, variant_id, quantity) \
             SELECT $1, product_id, id, $3 FROM product_variants WHERE id = $2",
        )
        .bind(quote_id)
        .bind(variant_id)
        .bind(quantity)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(Some(public_id))
}

/// A quote's terms and whose ticket it belongs to, for access checks and checkout.
pub struct QuoteHead {
    pub quote_id: i64,
    pub ticket_public_id: String,
    pub discount_percent: i64,
    /// The ticket's cart owner and account: its customer may use the quote.
    pub owner: String,
    pub user_id: Option<i64>,
}

pub async fn quote_head(db: &Db, public_id: &str) -> Result<Option<QuoteHead>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT q.id, t.public_id AS ticket, q.discount_percent, t.owner, t.user_id FROM quotes q \
         JOIN tickets t ON t.id = q.ticket_id WHERE q.public_id = $1",
    )
    .bind(public_id)
    .fetch_optional(db.pool())
    .await?;
    row.map(|r| {
        Ok(QuoteHead {
            quote_id: r.try_get("id")?,
            ticket_public_id: r.try_get("ticket")?,
            discount_percent: r.try_get("discount_percent")?,
            owner: r.try_get("owner")?,
            user_id: r.try_get("user_id")?,
        })
    })
    .transpose()
}

/// The quote at today's prices, as the customer and staff see it.
pub async fn load_quote(db: &Db, public_id: &str) -> Result<Option<Quote>, sqlx::Error> {
    let Some(QuoteHead {
        quote_id,
        ticket_public_id: ticket,
        discount_percent: discount,
        ..
    }) = quote_head(db, public_id).await?
    else {
        return Ok(None);
    };
    let rows = sqlx::query(
        "SELECT p.slug, p.name, v.option1, v.option2, v.option3, v.price_cents, p.currency, p.status, \
                v.stock, v.active, l.quantity \
         FROM quote_lines l JOIN product_variants v ON v.id = l.variant_id JOIN products p ON p.id = l.product_id \
         WHERE l.quote_id = $1 ORDER BY p.name, v.position",
    )
    .bind(quote_id)
    .fetch_all(db.pool())
    .await?;
    let mut lines = Vec::new();
    for r in rows {
        let currency: String = r.try_get("currency")?;
        let currency = Currency::parse(&currency).unwrap_or(Currency::Usd);
        let price: i64 = r.try_get("price_cents")?;
        let status: String = r.try_get("status")?;
        lines.push(QuoteLine {
            slug: r.try_get("slug")?,
            name: crate::catalog::variants::name_with_variant(
                &r.try_get::<String, _>("name")?,
                &crate::catalog::variants::repo::title_of_row(&r)?,
            ),
            quantity: r.try_get("quantity")?,
            list_price: Money::new(price, currency),
            quoted_price: Money::new(discounted(price, discount), currency),
            available: status == "active"
                && r.try_get::<i64, _>("active")? == 1
                && r.try_get::<i64, _>("stock")? > 0,
        });
    }
    let currency = lines
        .first()
        .map_or(Currency::Usd, |l| l.list_price.currency);
    let total = lines
        .iter()
        .map(|l| l.quoted_price.minor * l.quantity)
        .sum();
    let list_total = lines.iter().map(|l| l.list_price.minor * l.quantity).sum();
    Ok(Some(Quote {
        public_id: public_id.to_string(),
        ticket_public_id: ticket,
        discount_percent: discount,
        lines,
        total: Money::new(total, currency),
        list_total: Money::new(list_total, currency),
        token: String::new(),
    }))
}

/// Public ids of a ticket's quotes, newest first.
pub async fn quotes_of_ticket(db: &Db, ticket_id: i64) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT public_id FROM quotes WHERE ticket_id = $1 ORDER BY id DESC")
        .bind(ticket_id)
        .fetch_all(db.pool())
        .await
}

/// Records the order a quote's checkout made (inside the checkout's transaction).
pub async fn link_order(
    conn: &mut AnyConnection,
    quote_id: i64,
    order_id: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE quotes SET order_id = $1 WHERE id = $2")
        .bind(order_id)
        .bind(quote_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// A paid order that came from a quote wins its ticket (inside the payment event's
/// transaction, so it happens exactly once with the payment). A ticket already won or lost
/// keeps its outcome.
pub async fn win_ticket_of_paid_order(
    conn: &mut AnyConnection,
    order_id: i64,
    reference: &str,
) -> Result<(), sqlx::Error> {
    let ticket: Option<i64> =
        sqlx::query_scalar("SELECT ticket_id FROM quotes WHERE order_id = $1")
            .bind(order_id)
            .fetch_optional(&mut *conn)
            .await?;
    let Some(ticket_id) = ticket else {
        return Ok(());
    };
    let now = now_unix();
    let won = sqlx::query(
        "UPDATE tickets SET status = 'won', outcome_reason = $1, resolved_at = $2, updated_at = $2 \
         WHERE id = $3 AND status NOT IN ('won', 'lost')",
    )
    .bind(format!("Quote paid (order {reference})"))
    .bind(now)
    .bind(ticket_id)
    .execute(&mut *conn)
    .await?;
    if won.rows_affected() == 1 {
        sqlx::query(
            "INSERT INTO ticket_messages (ticket_id, author, staff_name, body, created_at) \
             VALUES ($1, 'note', 'Storefront', $2, $3)",
        )
        .bind(ticket_id)
        .bind(format!(
            "The customer paid the quote: order {reference}. Marked won."
        ))
        .bind(now)
        .execute(&mut *conn)
        .await?;
        tracing::info!(ticket_id, order = reference, "quote paid; ticket won");
    }
    // Won now or before: its guides' credits follow the quote revenue now paid.
    let status: String = sqlx::query_scalar("SELECT status FROM tickets WHERE id = $1")
        .bind(ticket_id)
        .fetch_one(&mut *conn)
        .await?;
    if status == "won" {
        crate::journey::attribution::freeze_ticket_credits(&mut *conn, ticket_id, Some("won"), now)
            .await?;
    }
    Ok(())
}

/// Variants a quote may hold (for sale now), by product name: each is offered as
/// "Product (Variant)".
pub async fn quote_products(db: &Db) -> Result<Vec<QuoteProduct>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT v.id, p.name, v.option1, v.option2, v.option3, v.price_cents, p.currency \
         FROM product_variants v JOIN products p ON p.id = v.product_id \
         WHERE p.status = 'active' AND v.active = 1 ORDER BY p.name, v.position LIMIT 500",
    )
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            let currency: String = r.try_get("currency")?;
            let currency =
                crate::money::Currency::parse(&currency).unwrap_or(crate::money::Currency::Usd);
            Ok(QuoteProduct {
                id: r.try_get("id")?,
                name: crate::catalog::variants::name_with_variant(
                    &r.try_get::<String, _>("name")?,
                    &crate::catalog::variants::repo::title_of_row(r)?,
                ),
                price: crate::money::Money::new(r.try_get("price_cents")?, currency).format(),
            })
        })
        .collect()
}
