//! All SQL of checkout: making an order from a cart while reserving its stock, the one
//! place order statuses change, payment events stored once, expiry of unpaid orders, and
//! the customer's order pages.

use super::model::{Order, OrderEvent, OrderLine, OrderStatus, OrderSummary};
use super::tax::model::LineTax;
use crate::db::{now_unix, Db};
use crate::money::{Currency, Money};
use sqlx::{AnyConnection, Row};

/// Why a cart could not become an order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckoutRefusal {
    EmptyCart,
    /// Someone else bought the last ones first.
    SoldOut {
        name: String,
        left: i64,
    },
    NoLongerSold {
        name: String,
    },
    /// No shipping method covers the address (the message says why).
    NoShipping {
        message: String,
    },
    /// The method chosen no longer applies (the rates or the cart changed meanwhile).
    ShippingChanged,
    /// The cart's discount code no longer applies, or its last use went to someone else.
    Code {
        message: String,
    },
}

impl CheckoutRefusal {
    pub fn message(&self) -> String {
        match self {
            CheckoutRefusal::EmptyCart => "Your cart is empty.".into(),
            CheckoutRefusal::SoldOut { name, left: 0 } => format!(
                "{name} sold out while you were shopping. Remove it from your cart to check out."
            ),
            CheckoutRefusal::SoldOut { name, left } => {
                format!("Only {left} of {name} are left now. Lower the quantity to check out.")
            }
            CheckoutRefusal::NoLongerSold { name } => {
                format!("{name} is no longer sold. Remove it from your cart to check out.")
            }
            CheckoutRefusal::NoShipping { message } => message.clone(),
            CheckoutRefusal::ShippingChanged => {
                "The shipping options for your order changed. Choose one again below.".into()
            }
            CheckoutRefusal::Code { message } => message.clone(),
        }
    }
}

/// The order a checkout made (or found, when the same pay button was pressed twice).
#[derive(Debug, Clone)]
pub struct StartedOrder {
    pub id: i64,
    pub public_id: String,
    pub provider_session: String,
    /// Stripe sessions of the earlier unpaid orders this checkout cancelled: they must be
    /// ended at Stripe too, or paying in an old tab would charge for a cancelled order.
    pub superseded_sessions: Vec<String>,
}

pub struct NewOrder<'a> {
    pub owner: &'a str,
    pub user_id: Option<i64>,
    pub email: &'a str,
    pub checkout_key: &'a str,
    pub hold_until: i64,
    /// "demo" (its session is made here) or "stripe" (its session is made at Stripe next).
    pub provider: &'a str,
    /// Check out a quote (its lines, with its discount) instead of the cart.
    pub quote: Option<crate::quotes::model::QuoteTerms>,
    /// Where it goes and the rate the customer chose (priced again here, in the order's
    /// transaction, so the order keeps the price it was made with).
    pub address: &'a super::shipping::model::Address,
    pub shipping_rate: i64,
    /// The buyer's VAT / tax ID, normalised ("" when none), for their invoice.
    pub vat_id: &'a str,
    /// The signed-in customer whose address book keeps the address (when they asked).
    pub save_address_for: Option<i64>,
    /// Where to send one reminder should the order not be paid ("" when not asked for),
    /// and the funnel stage the visitor was at (which guides the reminder suggests).
    pub reminder_email: &'a str,
    pub reminder_stage: &'a str,
}

pub async fn find_by_checkout_key(
    db: &Db,
    checkout_key: &str,
) -> Result<Option<StartedOrder>, sqlx::Error> {
    let row =
        sqlx::query("SELECT id, public_id, provider_session FROM orders WHERE checkout_key = $1")
            .bind(checkout_key)
            .fetch_optional(db.pool())
            .await?;
    row.map(|r| {
        Ok(StartedOrder {
            id: r.try_get("id")?,
            public_id: r.try_get("public_id")?,
            provider_session: r
                .try_get::<Option<String>, _>("provider_session")?
                .unwrap_or_default(),
            superseded_sessions: Vec::new(),
        })
    })
    .transpose()
}

/// What an order line is made of: the variant's price, stock, weight and values with its
/// product's name and tax class.
const LINE_COLUMNS: &str =
    "SELECT p.id, p.category_id, p.slug, p.name, p.currency, p.status, p.tax_class, \
    v.id AS variant_id, v.sku, v.option1, v.option2, v.option3, v.price_cents, v.weight_grams, \
    v.active AS variant_active, l.quantity";
const LINE_JOINS: &str =
    "JOIN product_variants v ON v.id = l.variant_id JOIN products p ON p.id = l.product_id";

struct CartRow {
    product_id: i64,
    variant_id: i64,
    variant_title: String,
    sku: String,
    slug: String,
    name: String,
    currency: String,
    active: bool,
    goods: super::shipping::model::Goods,
}

impl CartRow {
    /// "Kestrel 64 (230 V)" for a variant, the product's name for a simple product.
    fn display_name(&self) -> String {
        crate::catalog::variants::name_with_variant(&self.name, &self.variant_title)
    }
}

/// Makes an order of the owner's cart at today's prices and reserves its stock, all in one
/// transaction: either every line is reserved and the order exists, or nothing changed.
/// The owner's earlier unpaid orders are cancelled (their stock returns) so one cart never
/// holds stock twice. The demo provider's session is created in the same transaction.
pub async fn create_order(
    db: &Db,
    new: &NewOrder<'_>,
) -> Result<Result<StartedOrder, CheckoutRefusal>, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    let from_cart = format!(
        "{LINE_COLUMNS} FROM cart_lines l {LINE_JOINS} WHERE l.owner = $1 ORDER BY p.id, v.id"
    );
    let from_quote = format!(
        "{LINE_COLUMNS} FROM quote_lines l {LINE_JOINS} WHERE l.quote_id = $1 ORDER BY p.id, v.id"
    );
    let rows = match new.quote {
        None => sqlx::query(&from_cart).bind(new.owner),
        Some(quote) => sqlx::query(&from_quote).bind(quote.quote_id),
    }
    .fetch_all(&mut *tx)
    .await?;
    // Today's price, less the quote's discount when there is one.
    let discount = new.quote.map_or(0, |quote| quote.discount_percent);
    let mut lines = Vec::new();
    for r in rows {
        let status: String = r.try_get("status")?;
        let tax_class: String = r.try_get("tax_class")?;
        lines.push(CartRow {
            product_id: r.try_get("id")?,
            variant_id: r.try_get("variant_id")?,
            variant_title: crate::catalog::variants::repo::title_of_row(&r)?,
            sku: r.try_get("sku")?,
            slug: r.try_get("slug")?,
            name: r.try_get("name")?,
            currency: r.try_get("currency")?,
            active: status == "active" && r.try_get::<i64, _>("variant_active")? == 1,
            goods: super::shipping::model::Goods {
                product_id: r.try_get("id")?,
                variant_id: r.try_get("variant_id")?,
                category_id: r.try_get("category_id")?,
                discount_cents: 0,
                unit_cents: crate::quotes::discounted(r.try_get("price_cents")?, discount),
                quantity: r.try_get("quantity")?,
                weight_grams: r.try_get("weight_grams")?,
                tax_class: crate::catalog::model::TaxClass::parse(&tax_class).unwrap_or_default(),
            },
        });
    }
    if lines.is_empty() {
        return Ok(Err(CheckoutRefusal::EmptyCart));
    }
    if let Some(line) = lines.iter().find(|l| !l.active) {
        return Ok(Err(CheckoutRefusal::NoLongerSold {
            name: line.display_name(),
        }));
    }
    let earlier: Vec<(i64, String, Option<String>)> = sqlx::query_as(
        "SELECT id, provider, provider_session FROM orders WHERE owner = $1 AND status = 'pending_payment' ORDER BY id",
    )
    .bind(new.owner)
    .fetch_all(&mut *tx)
    .await?;
    let superseded_sessions = earlier
        .iter()
        .filter(|(_, provider, _)| provider == "stripe")
        .filter_map(|(_, _, session)| session.clone())
        .collect();
    for (order_id, _, _) in earlier {
        // Pending orders can always be cancelled; a refusal would only mean a concurrent
        // change, which the state machine has logged.
        let _ = transition(
            &mut tx,
            order_id,
            OrderStatus::Cancelled,
            "Replaced by a newer checkout of the same cart",
        )
        .await?;
    }
    // The cart's code, checked again now (after this owner's earlier checkouts gave their
    // uses back); its saving is split over the lines before shipping and tax are priced.
    let held = match new.quote {
        None => crate::discounts::repo::held_code(&mut *tx, new.owner).await?,
        Some(_) => None,
    };
    let mut free_shipping = false;
    if let Some(code) = &held {
        let uses = crate::discounts::repo::customer_uses(&mut *tx, code.id, new.owner).await?;
        let currency = Currency::parse(&lines[0].currency).unwrap_or(Currency::Usd);
        let listed: Vec<super::shipping::model::Goods> = lines.iter().map(|l| l.goods).collect();
        let outcome = crate::discounts::model::evaluate(
            code,
            &super::shipping::model::discount_lines(&listed),
            currency,
            now_unix(),
            uses,
        );
        match outcome {
            Ok(applied) => {
                for (line, off) in lines.iter_mut().zip(&applied.line_discounts) {
                    line.goods.discount_cents = *off;
                }
                free_shipping = applied.free_shipping;
            }
            Err(why) => {
                return Ok(Err(CheckoutRefusal::Code {
                    message: format!(
                        "Your code {} doesn't apply any more: {} Remove it in your cart to check out without it.",
                        code.code,
                        why.message()
                    ),
                }))
            }
        }
    }
    let goods: Vec<super::shipping::model::Goods> = lines.iter().map(|l| l.goods).collect();
    let parcel = super::shipping::model::parcel_of(&goods);
    let rates = super::shipping::repo::rates_for_country(&mut *tx, &new.address.country).await?;
    let options = super::shipping::model::options_for(&rates, parcel).map(|mut options| {
        if free_shipping {
            super::shipping::model::free_cheapest(&mut options);
        }
        options
    });
    let shipping = match options {
        Err(why) => {
            let country = super::shipping::model::country(&new.address.country)
                .map_or("this country", |c| c.name);
            return Ok(Err(CheckoutRefusal::NoShipping {
                message: why.message(country),
            }));
        }
        Ok(options) => match options.into_iter().find(|o| o.rate_id == new.shipping_rate) {
            Some(option) => option,
            None => return Ok(Err(CheckoutRefusal::ShippingChanged)),
        },
    };
    // Tax at today's rates for the address, kept on the order: a rate edited while it
    // waits for payment does not change what it costs.
    let tax_settings = super::tax::repo::settings(&mut *tx).await?;
    let tax_rates = super::tax::repo::rates_for_country(&mut *tx, &new.address.country).await?;
    let taxed = super::tax::model::tax_order(
        tax_settings,
        &tax_rates,
        &new.address.region,
        &super::shipping::model::taxables(&goods),
        shipping.price_cents,
    );
    // Lines are reserved in (product, variant) order and each product's summary follows its
    // variants, so two checkouts always take row locks in the same order (PostgreSQL).
    for line in &lines {
        let reserved = sqlx::query(
            "UPDATE product_variants SET stock = stock - $1 WHERE id = $2 AND stock >= $1",
        )
        .bind(line.goods.quantity)
        .bind(line.variant_id)
        .execute(&mut *tx)
        .await?;
        if reserved.rows_affected() != 1 {
            let left: i64 = sqlx::query_scalar("SELECT stock FROM product_variants WHERE id = $1")
                .bind(line.variant_id)
                .fetch_one(&mut *tx)
                .await?;
            // Dropping the transaction rolls back every reservation made so far.
            return Ok(Err(CheckoutRefusal::SoldOut {
                name: line.display_name(),
                left,
            }));
        }
        crate::catalog::variants::repo::sync_product_summary(&mut tx, line.product_id).await?;
    }
    // One use of the code is held for this order: the last one goes to exactly one buyer.
    if let Some(code) = &held {
        use crate::discounts::repo::Reservation;
        let message = match crate::discounts::repo::reserve_use(&mut tx, code, new.owner).await? {
            Reservation::Reserved => None,
            Reservation::UsedUp => Some(format!(
                "The last use of {} went to someone else a moment ago, so nothing was charged. Remove the code in your cart to check out at the full price.",
                code.code
            )),
            Reservation::UsedByYou => Some(format!(
                "You've already used {} as often as it allows. Remove it in your cart to check out without it.",
                code.code
            )),
        };
        if let Some(message) = message {
            return Ok(Err(CheckoutRefusal::Code { message }));
        }
    }
    let now = now_unix();
    let public_id = crate::token::new_id();
    let is_demo = new.provider == "demo";
    let session = if is_demo {
        Some(format!("cs_demo_{}", &crate::token::new_token().0[..40]))
    } else {
        None
    };
    let address = new.address;
    let insert = sqlx::query(
        "INSERT INTO orders (public_id, owner, user_id, email, status, currency, total_cents, provider, \
             provider_session, checkout_key, hold_until, created_at, updated_at, \
             ship_name, ship_company, ship_line1, ship_line2, ship_city, ship_region, ship_postal_code, \
             ship_country, ship_phone, shipping_method, shipping_estimate, shipping_cents, \
             prices_include_tax, tax_cents, shipping_tax_cents, shipping_tax_bp, shipping_tax_name, vat_id) \
         VALUES ($1, $2, $3, $4, 'pending_payment', $5, $6, $11, $7, $8, $9, $10, $10, \
             $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29) RETURNING id",
    )
    .bind(&public_id)
    .bind(new.owner)
    .bind(new.user_id)
    .bind(new.email)
    .bind(&lines[0].currency)
    .bind(taxed.total_cents)
    .bind(&session)
    .bind(new.checkout_key)
    .bind(new.hold_until)
    .bind(now)
    .bind(new.provider);
    let order_id: i64 = super::shipping::repo::bind_address(insert, address)
        .bind(&shipping.name)
        .bind(&shipping.estimate)
        .bind(shipping.price_cents)
        .bind(i64::from(taxed.inclusive))
        .bind(taxed.tax_cents)
        .bind(taxed.shipping.tax_cents)
        .bind(taxed.shipping.rate_bp)
        .bind(&taxed.shipping.name)
        .bind(new.vat_id)
        .fetch_one(&mut *tx)
        .await?
        .try_get(0)?;
    if !new.reminder_email.is_empty() {
        sqlx::query("UPDATE orders SET reminder_email = $1, reminder_stage = $2 WHERE id = $3")
            .bind(new.reminder_email)
            .bind(new.reminder_stage)
            .bind(order_id)
            .execute(&mut *tx)
            .await?;
    }
    if let Some(code) = &held {
        sqlx::query(
            "UPDATE orders SET discount_code_id = $1, discount_code = $2, discount_cents = $3, \
                 discount_customer = $4 WHERE id = $5",
        )
        .bind(code.id)
        .bind(&code.code)
        .bind(lines.iter().map(|l| l.goods.discount_cents).sum::<i64>())
        .bind(new.owner)
        .bind(order_id)
        .execute(&mut *tx)
        .await?;
    }
    for (line, tax) in lines.iter().zip(&taxed.lines) {
        sqlx::query(
            "INSERT INTO order_lines (order_id, product_id, name, slug, unit_cents, quantity, tax_cents, tax_bp, tax_name, \
                 variant_id, variant_title, sku, discount_cents) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        )
        .bind(order_id)
        .bind(line.product_id)
        .bind(&line.name)
        .bind(&line.slug)
        .bind(line.goods.unit_cents)
        .bind(line.goods.quantity)
        .bind(tax.tax_cents)
        .bind(tax.rate_bp)
        .bind(&tax.name)
        .bind(line.variant_id)
        .bind(&line.variant_title)
        .bind(&line.sku)
        .bind(line.goods.discount_cents)
        .execute(&mut *tx)
        .await?;
    }
    record_order_event(
        &mut tx,
        order_id,
        "",
        OrderStatus::PendingPayment,
        &match (&new.quote, &held) {
            (Some(_), _) => "Checkout of a quote started; items held".to_string(),
            (None, Some(code)) => format!("Checkout started with code {}; items held", code.code),
            (None, None) => "Checkout started; items held".to_string(),
        },
    )
    .await?;
    if let Some(quote) = new.quote {
        crate::quotes::link_order(&mut tx, quote.quote_id, order_id).await?;
    }
    if let Some(user_id) = new.save_address_for {
        super::shipping::repo::save_address(&mut tx, user_id, address, now).await?;
    }
    if let Some(session) = &session {
        sqlx::query(
            "INSERT INTO demo_sessions (id, order_id, status, expires_at, created_at) VALUES ($1, $2, 'open', $3, $4)",
        )
        .bind(session)
        .bind(order_id)
        .bind(new.hold_until)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(Ok(StartedOrder {
        id: order_id,
        public_id,
        provider_session: session.unwrap_or_default(),
        superseded_sessions,
    }))
}

async fn record_order_event(
    conn: &mut AnyConnection,
    order_id: i64,
    from: &str,
    to: OrderStatus,
    reason: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO order_events (order_id, from_status, to_status, reason, created_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(order_id)
    .bind(from)
    .bind(to.key())
    .bind(reason)
    .bind(now_unix())
    .execute(conn)
    .await?;
    Ok(())
}

/// A refused status change: the order stays as it was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IllegalTransition {
    pub from: OrderStatus,
    pub to: OrderStatus,
}

/// The one place an order's status changes (inside the caller's transaction). Checks the
/// state machine, guards against a concurrent change (`WHERE status = from`), records the
/// timeline entry, and gives reserved stock back when an unpaid order ends. Refusals are
/// logged and returned, never applied.
pub async fn transition(
    conn: &mut AnyConnection,
    order_id: i64,
    to: OrderStatus,
    reason: &str,
) -> Result<Result<OrderStatus, IllegalTransition>, sqlx::Error> {
    let (current, code_id, code_customer): (String, Option<i64>, String) = sqlx::query_as(
        "SELECT status, discount_code_id, discount_customer FROM orders WHERE id = $1",
    )
    .bind(order_id)
    .fetch_one(&mut *conn)
    .await?;
    let from = OrderStatus::parse(&current).unwrap_or(OrderStatus::Cancelled);
    if !from.can_become(to) {
        tracing::warn!(
            order_id,
            from = from.key(),
            to = to.key(),
            reason,
            "illegal order transition refused"
        );
        return Ok(Err(IllegalTransition { from, to }));
    }
    let now = now_unix();
    let changed = sqlx::query(
        "UPDATE orders SET status = $1, updated_at = $2, \
             paid_at = CASE WHEN $1 = 'paid' THEN $2 ELSE paid_at END \
         WHERE id = $3 AND status = $4",
    )
    .bind(to.key())
    .bind(now)
    .bind(order_id)
    .bind(from.key())
    .execute(&mut *conn)
    .await?;
    if changed.rows_affected() != 1 {
        tracing::warn!(
            order_id,
            to = to.key(),
            "order changed concurrently; transition refused"
        );
        return Ok(Err(IllegalTransition { from, to }));
    }
    record_order_event(conn, order_id, from.key(), to, reason).await?;
    if to == OrderStatus::Paid {
        // In this same transaction, so a payment that rolls back gives its number back.
        let number = super::tax::repo::next_invoice_number(conn).await?;
        sqlx::query("UPDATE orders SET invoice_number = $1, invoiced_at = $2 WHERE id = $3")
            .bind(number)
            .bind(now)
            .bind(order_id)
            .execute(&mut *conn)
            .await?;
        // The code's held use becomes a use, once: this transition happens once per order.
        if let Some(code_id) = code_id {
            crate::discounts::repo::confirm_use(conn, code_id).await?;
        }
        // The guides that moved it are credited now, in this transaction (analytics).
        crate::journey::attribution::freeze_credits(conn, order_id, now).await?;
    }
    if from == OrderStatus::PendingPayment && to.releases_stock() {
        if let Some(code_id) = code_id {
            crate::discounts::repo::release_use(conn, code_id, &code_customer).await?;
        }
        release_stock(conn, order_id).await?;
        sqlx::query(
            "UPDATE demo_sessions SET status = 'expired' WHERE order_id = $1 AND status = 'open'",
        )
        .bind(order_id)
        .execute(&mut *conn)
        .await?;
    }
    Ok(Ok(from))
}

async fn release_stock(conn: &mut AnyConnection, order_id: i64) -> Result<(), sqlx::Error> {
    let lines: Vec<(i64, i64, i64)> = sqlx::query_as(
        "SELECT product_id, variant_id, quantity FROM order_lines WHERE order_id = $1 \
         ORDER BY product_id, variant_id",
    )
    .bind(order_id)
    .fetch_all(&mut *conn)
    .await?;
    for (product_id, variant_id, quantity) in lines {
        sqlx::query("UPDATE product_variants SET stock = stock + $1 WHERE id = $2")
            .bind(quantity)
            .bind(variant_id)
            .execute(&mut *conn)
            .await?;
        crate::catalog::variants::repo::sync_product_summary(&mut *conn, product_id).await?;
    }
    Ok(())
}

/// Stores a payment event unless its id was seen before; `false` means a replay.
pub async fn insert_payment_event(
    conn: &mut AnyConnection,
    id: &str,
    kind: &str,
    payload: &str,
) -> Result<bool, sqlx::Error> {
    let inserted = sqlx::query(
        "INSERT INTO payment_events (id, type, outcome, payload, received_at) VALUES ($1, $2, 'received', $3, $4) \
         ON CONFLICT (id) DO NOTHING",
    )
    .bind(id)
    .bind(kind)
    .bind(payload)
    .bind(now_unix())
    .execute(conn)
    .await?;
    Ok(inserted.rows_affected() == 1)
}

pub async fn set_payment_event_outcome(
    conn: &mut AnyConnection,
    id: &str,
    outcome: &str,
    order_id: Option<i64>,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE payment_events SET outcome = $1, order_id = $2 WHERE id = $3")
        .bind(outcome)
        .bind(order_id)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// (id, status, total, owner, email, product ids) of the order with this public id.
pub struct OrderFacts {
    pub id: i64,
    pub status: OrderStatus,
    pub total_cents: i64,
    pub owner: String,
    pub email: String,
    pub public_id: String,
    pub currency: String,
}

pub async fn order_facts_by_public_id(
    conn: &mut AnyConnection,
    public_id: &str,
) -> Result<Option<OrderFacts>, sqlx::Error> {
    order_facts(conn, "public_id", public_id).await
}

pub async fn order_facts_by_payment_intent(
    conn: &mut AnyConnection,
    payment_intent: &str,
) -> Result<Option<OrderFacts>, sqlx::Error> {
    if payment_intent.is_empty() {
        return Ok(None);
    }
    order_facts(conn, "payment_intent", payment_intent).await
}

async fn order_facts(
    conn: &mut AnyConnection,
    column: &'static str,
    value: &str,
) -> Result<Option<OrderFacts>, sqlx::Error> {
    let row = sqlx::query(&format!(
        "SELECT id, status, total_cents, owner, email, public_id, currency FROM orders WHERE {column} = $1"
    ))
    .bind(value)
    .fetch_optional(&mut *conn)
    .await?;
    row.map(|r| {
        let status: String = r.try_get("status")?;
        Ok(OrderFacts {
            id: r.try_get("id")?,
            status: OrderStatus::parse(&status).unwrap_or(OrderStatus::Cancelled),
            total_cents: r.try_get("total_cents")?,
            owner: r.try_get("owner")?,
            email: r.try_get("email")?,
            public_id: r.try_get("public_id")?,
            currency: r.try_get("currency")?,
        })
    })
    .transpose()
}

/// A note on the order's timeline that changes nothing (a refused payment event).
pub async fn note_order_event(
    conn: &mut AnyConnection,
    order_id: i64,
    status: OrderStatus,
    reason: &str,
) -> Result<(), sqlx::Error> {
    record_order_event(conn, order_id, status.key(), status, reason).await
}

/// What the provider told us about the payment: the customer's email and the payment id.
pub async fn record_payment_details(
    conn: &mut AnyConnection,
    order_id: i64,
    email: &str,
    payment_intent: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE orders SET email = CASE WHEN $1 = '' THEN email ELSE $1 END, \
             payment_intent = CASE WHEN $2 = '' THEN payment_intent ELSE $2 END, payment_problem = '' WHERE id = $3",
    )
    .bind(email)
    .bind(payment_intent)
    .bind(order_id)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn record_payment_problem(
    conn: &mut AnyConnection,
    order_id: i64,
    problem: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE orders SET payment_problem = $1 WHERE id = $2")
        .bind(problem)
        .bind(order_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Raises the refunded total to what the provider reports; false when we already knew it
/// (our own record of a refund made from the orders desk, or a late, smaller report).
pub async fn raise_refunded_amount(
    conn: &mut AnyConnection,
    order_id: i64,
    refunded_cents: i64,
) -> Result<bool, sqlx::Error> {
    let changed =
        sqlx::query("UPDATE orders SET refunded_cents = $1 WHERE id = $2 AND refunded_cents < $1")
            .bind(refunded_cents)
            .bind(order_id)
            .execute(conn)
            .await?;
    Ok(changed.rows_affected() == 1)
}

/// Takes the paid variants out of the owner's cart (inside the payment's transaction).
pub async fn remove_paid_lines_from_cart(
    conn: &mut AnyConnection,
    order_id: i64,
    owner: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "DELETE FROM cart_lines WHERE owner = $1 AND variant_id IN (SELECT variant_id FROM order_lines WHERE order_id = $2)",
    )
    .bind(owner)
    .bind(order_id)
    .execute(&mut *conn)
    .await?;
    // The code went with the order: the next cart starts without it.
    let code_id: Option<i64> =
        sqlx::query_scalar("SELECT discount_code_id FROM orders WHERE id = $1")
            .bind(order_id)
            .fetch_one(&mut *conn)
            .await?;
    if let Some(code_id) = code_id {
        crate::discounts::repo::drop_code_if_held(conn, owner, code_id).await?;
    }
    Ok(())
}

/// What an order's confirmation says: where it goes, its lines (name, quantity, unit
/// price in minor units) and its currency.
pub struct ConfirmationFacts {
    pub email: String,
    pub lines: Vec<(String, i64, i64)>,
    pub currency: Currency,
    pub shipping_method: String,
    pub shipping_cents: i64,
    pub ships_to: super::shipping::model::Address,
    pub prices_include_tax: bool,
    /// Every line's tax and the shipping's, to summarise.
    pub taxes: Vec<LineTax>,
    pub vat_id: String,
    /// The discount code used ("" for none) and what it took off the items.
    pub discount_code: String,
    pub discount_cents: i64,
}

pub async fn confirmation_facts(
    conn: &mut AnyConnection,
    order_id: i64,
) -> Result<ConfirmationFacts, sqlx::Error> {
    let r = sqlx::query(
        "SELECT email, currency, shipping_method, shipping_cents, ship_name, ship_company, ship_line1, \
                ship_line2, ship_city, ship_region, ship_postal_code, ship_country, ship_phone, \
                prices_include_tax, shipping_tax_cents, shipping_tax_bp, shipping_tax_name, vat_id, \
                discount_code, discount_cents \
         FROM orders WHERE id = $1",
    )
    .bind(order_id)
    .fetch_one(&mut *conn)
    .await?;
    let email: String = r.try_get("email")?;
    let currency: String = r.try_get("currency")?;
    let rows: Vec<(String, String, i64, i64, i64, i64, String)> = sqlx::query_as(
        "SELECT name, variant_title, quantity, unit_cents, tax_cents, tax_bp, tax_name \
         FROM order_lines WHERE order_id = $1 ORDER BY name, variant_title",
    )
    .bind(order_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut taxes: Vec<LineTax> = rows
        .iter()
        .map(|(_, _, _, _, tax_cents, rate_bp, name)| LineTax {
            tax_cents: *tax_cents,
            rate_bp: *rate_bp,
            name: name.clone(),
        })
        .collect();
    taxes.push(LineTax {
        tax_cents: r.try_get("shipping_tax_cents")?,
        rate_bp: r.try_get("shipping_tax_bp")?,
        name: r.try_get("shipping_tax_name")?,
    });
    Ok(ConfirmationFacts {
        email,
        lines: rows
            .into_iter()
            .map(|(name, title, quantity, unit, ..)| {
                let name = crate::catalog::variants::name_with_variant(&name, &title);
                (name, quantity, unit)
            })
            .collect(),
        prices_include_tax: r.try_get::<i64, _>("prices_include_tax")? == 1,
        taxes,
        vat_id: r.try_get("vat_id")?,
        discount_code: r.try_get("discount_code")?,
        discount_cents: r.try_get("discount_cents")?,
        currency: Currency::parse(&currency).unwrap_or(Currency::Usd),
        shipping_method: r.try_get("shipping_method")?,
        shipping_cents: r.try_get("shipping_cents")?,
        ships_to: super::shipping::repo::address_from_row(&r)?,
    })
}

/// A Stripe order still waiting for payment after its hold, and its session.
pub struct StuckStripeOrder {
    pub public_id: String,
    pub session: String,
    pub total_cents: i64,
    pub currency: String,
}

/// Stripe orders past their hold whose outcome we never heard (the reconciler asks Stripe).
pub async fn stuck_stripe_orders(db: &Db, now: i64) -> Result<Vec<StuckStripeOrder>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT public_id, provider_session, total_cents, currency FROM orders \
         WHERE provider = 'stripe' AND status = 'pending_payment' AND provider_session <> '' \
         AND hold_until < $1 ORDER BY id LIMIT 100",
    )
    .bind(now)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|row| {
            Ok(StuckStripeOrder {
                public_id: row.try_get("public_id")?,
                session: row.try_get("provider_session")?,
                total_cents: row.try_get("total_cents")?,
                currency: row.try_get("currency")?,
            })
        })
        .collect()
}

/// Ends unpaid orders whose hold has passed and gives their stock back; returns how many.
/// Stripe's own sessions expire at the hold and Stripe reports it with
/// `checkout.session.expired` (or the reconciler asks); we expire those orders ourselves
/// only an hour later, when Stripe could not be asked either (a session past its expiry
/// can no longer be paid).
pub async fn expire_stale_orders(db: &Db, now: i64) -> Result<usize, sqlx::Error> {
    let stale: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM orders WHERE status = 'pending_payment' \
         AND hold_until + CASE WHEN provider = 'stripe' THEN 3600 ELSE 0 END < $1 ORDER BY id LIMIT 500",
    )
    .bind(now)
    .fetch_all(db.pool())
    .await?;
    let mut expired = 0;
    for order_id in stale {
        let mut tx = db.begin_write().await?;
        if transition(
            &mut tx,
            order_id,
            OrderStatus::Expired,
            "Not paid within the hold; items released",
        )
        .await?
        .is_ok()
        {
            expired += 1;
        }
        tx.commit().await?;
    }
    Ok(expired)
}

/// An order with its lines and timeline; with `owners`, only if one of them made it.
pub async fn find_order(
    db: &Db,
    public_id: &str,
    owners: Option<&[String]>,
) -> Result<Option<Order>, sqlx::Error> {
    let Some(r) = sqlx::query(
        "SELECT id, public_id, owner, status, currency, total_cents, refunded_cents, email, payment_problem, \
                provider_session, hold_until, created_at, ship_name, ship_company, ship_line1, ship_line2, \
                ship_city, ship_region, ship_postal_code, ship_country, ship_phone, shipping_method, \
                shipping_estimate, shipping_cents, carrier, tracking_number, prices_include_tax, tax_cents, \
                shipping_tax_cents, shipping_tax_bp, shipping_tax_name, vat_id, invoice_number, invoiced_at, \
                discount_code, discount_cents, paid_at \
         FROM orders WHERE public_id = $1",
    )
    .bind(public_id)
    .fetch_optional(db.pool())
    .await?
    else {
        return Ok(None);
    };
    let owner: String = r.try_get("owner")?;
    if owners.is_some_and(|owners| !owners.contains(&owner)) {
        return Ok(None);
    }
    let id: i64 = r.try_get("id")?;
    let currency: String = r.try_get("currency")?;
    let currency = Currency::parse(&currency).unwrap_or(Currency::Usd);
    let status: String = r.try_get("status")?;
    let lines = sqlx::query(
        "SELECT slug, sku, name, variant_title, unit_cents, quantity, tax_cents, tax_bp, tax_name, discount_cents, \
                variant_id, returned_quantity \
         FROM order_lines WHERE order_id = $1 ORDER BY name, variant_title",
    )
    .bind(id)
    .fetch_all(db.pool())
    .await?
    .into_iter()
    .map(|l| {
        Ok(OrderLine {
            slug: l.try_get("slug")?,
            variant_id: l.try_get("variant_id")?,
            returned: l.try_get("returned_quantity")?,
            sku: l.try_get("sku")?,
            name: crate::catalog::variants::name_with_variant(
                &l.try_get::<String, _>("name")?,
                &l.try_get::<String, _>("variant_title")?,
            ),
            unit: Money::new(l.try_get("unit_cents")?, currency),
            quantity: l.try_get("quantity")?,
            discount: Money::new(l.try_get("discount_cents")?, currency),
            tax: LineTax {
                tax_cents: l.try_get("tax_cents")?,
                rate_bp: l.try_get("tax_bp")?,
                name: l.try_get("tax_name")?,
            },
        })
    })
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let timeline = sqlx::query(
        "SELECT to_status, reason, created_at FROM order_events WHERE order_id = $1 ORDER BY id",
    )
    .bind(id)
    .fetch_all(db.pool())
    .await?
    .into_iter()
    .filter_map(|e| {
        let to: String = e.try_get("to_status").ok()?;
        Some(OrderEvent {
            to_status: OrderStatus::parse(&to)?,
            reason: e.try_get("reason").ok()?,
            at: e.try_get("created_at").ok()?,
        })
    })
    .collect();
    let returns = super::returns::repo::returns_of(db, id, &lines).await?;
    Ok(Some(Order {
        public_id: r.try_get("public_id")?,
        status: OrderStatus::parse(&status).unwrap_or(OrderStatus::Cancelled),
        total: Money::new(r.try_get("total_cents")?, currency),
        refunded: Money::new(r.try_get("refunded_cents")?, currency),
        email: r.try_get("email")?,
        lines,
        timeline,
        payment_problem: r.try_get("payment_problem")?,
        provider_session: r.try_get("provider_session")?,
        hold_until: r.try_get("hold_until")?,
        created_at: r.try_get("created_at")?,
        shipping: super::model::OrderShipping {
            address: super::shipping::repo::address_from_row(&r)?,
            method: r.try_get("shipping_method")?,
            estimate: r.try_get("shipping_estimate")?,
            price_cents: r.try_get("shipping_cents")?,
            carrier: r.try_get("carrier")?,
            tracking_number: r.try_get("tracking_number")?,
        },
        returns,
        return_window: Default::default(),
        paid_at: r.try_get("paid_at")?,
        discount_code: r.try_get("discount_code")?,
        discount: Money::new(r.try_get("discount_cents")?, currency),
        tax: super::model::OrderTax {
            prices_include_tax: r.try_get::<i64, _>("prices_include_tax")? == 1,
            tax_cents: r.try_get("tax_cents")?,
            shipping: LineTax {
                tax_cents: r.try_get("shipping_tax_cents")?,
                rate_bp: r.try_get("shipping_tax_bp")?,
                name: r.try_get("shipping_tax_name")?,
            },
            vat_id: r.try_get("vat_id")?,
            invoice_number: r.try_get("invoice_number")?,
            invoiced_at: r.try_get("invoiced_at")?,
        },
    }))
}

/// The public id of the order behind a provider checkout session.
pub async fn public_id_for_session(db: &Db, session: &str) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT public_id FROM orders WHERE provider_session = $1")
        .bind(session)
        .fetch_optional(db.pool())
        .await
}

/// The owners' orders, newest first (checkouts that never reached payment left out).
pub async fn list_orders(db: &Db, owners: &[String]) -> Result<Vec<OrderSummary>, sqlx::Error> {
    let mut all = Vec::new();
    for owner in owners {
        let rows = sqlx::query(
            "SELECT o.public_id, o.status, o.currency, o.total_cents, o.created_at, \
                    (SELECT CAST(SUM(quantity) AS BIGINT) FROM order_lines l WHERE l.order_id = o.id) AS items \
             FROM orders o WHERE o.owner = $1 AND o.status NOT IN ('cancelled') ORDER BY o.id DESC LIMIT 100",
        )
        .bind(owner)
        .fetch_all(db.pool())
        .await?;
        for r in rows {
            let status: String = r.try_get("status")?;
            let currency: String = r.try_get("currency")?;
            all.push(OrderSummary {
                public_id: r.try_get("public_id")?,
                status: OrderStatus::parse(&status).unwrap_or(OrderStatus::Cancelled),
                total: Money::new(
                    r.try_get("total_cents")?,
                    Currency::parse(&currency).unwrap_or(Currency::Usd),
                ),
                items: r.try_get::<Option<i64>, _>("items")?.unwrap_or(0),
                created_at: r.try_get("created_at")?,
            });
        }
    }
    all.sort_by_key(|o| std::cmp::Reverse(o.created_at));
    Ok(all)
}

/// The signing secret of the demo provider's webhooks.
pub async fn demo_webhook_secret(db: &Db) -> Result<String, sqlx::Error> {
    crate::db::shared_secret(db, "demo_webhook_secret").await
}

/// The secret behind guests' order links.
pub async fn order_link_secret(db: &Db) -> Result<String, sqlx::Error> {
    crate::db::shared_secret(db, crate::signature::LINK_SECRET).await
}

/// A demo checkout session: its order and whether it can still be paid.
pub struct DemoSession {
    pub id: String,
    pub order_id: i64,
    pub public_id: String,
    pub status: String,
    pub expires_at: i64,
    pub total_cents: i64,
    pub currency: String,
    pub email: String,
}

pub async fn find_demo_session(db: &Db, id: &str) -> Result<Option<DemoSession>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT s.id, s.order_id, s.status, s.expires_at, o.public_id, o.total_cents, o.currency, o.email \
         FROM demo_sessions s JOIN orders o ON o.id = s.order_id WHERE s.id = $1",
    )
    .bind(id)
    .fetch_optional(db.pool())
    .await?;
    row.map(|r| {
        Ok(DemoSession {
            id: r.try_get("id")?,
            order_id: r.try_get("order_id")?,
            public_id: r.try_get("public_id")?,
            status: r.try_get("status")?,
            expires_at: r.try_get("expires_at")?,
            total_cents: r.try_get("total_cents")?,
            currency: r.try_get("currency")?,
            email: r.try_get("email")?,
        })
    })
    .transpose()
}

/// Demo sessions the customer paid whose order still waits for its event (the
/// reconciler completes them).
pub async fn paid_demo_sessions_of_pending_orders(
    db: &Db,
    limit: i64,
) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT s.id FROM demo_sessions s JOIN orders o ON o.id = s.order_id \
         WHERE s.payment_status = 'paid' AND o.status = 'pending_payment' ORDER BY o.id LIMIT $1",
    )
    .bind(limit)
    .fetch_all(db.pool())
    .await
}

/// Moves an open demo session from step `from` to `to`; `false` when it was not at `from`
/// (a skipped or replayed step), so each step is answered once, in order.
pub async fn advance_demo_step(
    db: &Db,
    id: &str,
    from: &str,
    to: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE demo_sessions SET step = $3 WHERE id = $1 AND step = $2 AND status = 'open'",
    )
    .bind(id)
    .bind(from)
    .bind(to)
    .execute(db.pool())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Marks the demo session paid; `false` when it was no longer open (paid or expired).
pub async fn complete_demo_session(db: &Db, id: &str) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE demo_sessions SET status = 'complete', payment_status = 'paid' WHERE id = $1 AND status = 'open'",
    )
    .bind(id)
    .execute(db.pool())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Orders for staff: by status ("" for all) and creation time, newest first.
pub async fn list_admin_orders(
    db: &Db,
    status: &str,
    from: i64,
    until: i64,
) -> Result<Vec<super::model::AdminOrderRow>, sqlx::Error> {
    sqlx::query(
        "SELECT o.public_id, o.status, o.email, o.currency, o.total_cents, o.created_at, \
                (SELECT CAST(SUM(quantity) AS BIGINT) FROM order_lines l WHERE l.order_id = o.id) AS items \
         FROM orders o WHERE ($1 = '' OR o.status = $1) AND o.created_at >= $2 AND o.created_at < $3 \
         ORDER BY o.id DESC LIMIT 200",
    )
    .bind(status)
    .bind(from)
    .bind(until)
    .fetch_all(db.pool())
    .await?
    .into_iter()
    .map(|r| {
        let status: String = r.try_get("status")?;
        let currency: String = r.try_get("currency")?;
        Ok(super::model::AdminOrderRow {
            public_id: r.try_get("public_id")?,
            status: OrderStatus::parse(&status).unwrap_or(OrderStatus::Cancelled),
            email: r.try_get("email")?,
            total: Money::new(
                r.try_get("total_cents")?,
                Currency::parse(&currency).unwrap_or(Currency::Usd),
            ),
            items: r.try_get::<Option<i64>, _>("items")?.unwrap_or(0),
            created_at: r.try_get("created_at")?,
        })
    })
    .collect()
}

pub async fn list_payment_events(
    db: &Db,
    public_id: &str,
) -> Result<Vec<super::model::PaymentEventRow>, sqlx::Error> {
    sqlx::query(
        "SELECT e.id, e.type, e.outcome, e.received_at FROM payment_events e JOIN orders o ON o.id = e.order_id \
         WHERE o.public_id = $1 ORDER BY e.received_at, e.id",
    )
    .bind(public_id)
    .fetch_all(db.pool())
    .await?
    .into_iter()
    .map(|r| {
        Ok(super::model::PaymentEventRow {
            id: r.try_get("id")?,
            kind: r.try_get("type")?,
            outcome: r.try_get("outcome")?,
            received_at: r.try_get("received_at")?,
        })
    })
    .collect()
}

/// Marks a paid order shipped; the state machine refuses anything else.
pub async fn mark_fulfilled(
    db: &Db,
    public_id: &str,
    reason: &str,
    shipment: Option<(&str, &str)>,
) -> Result<Option<Result<OrderStatus, IllegalTransition>>, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    let Some(order) = order_facts_by_public_id(&mut tx, public_id).await? else {
        return Ok(None);
    };
    let result = transition(&mut tx, order.id, OrderStatus::Fulfilled, reason).await?;
    if let (Ok(_), Some((carrier, number))) = (&result, shipment) {
        sqlx::query("UPDATE orders SET carrier = $1, tracking_number = $2 WHERE id = $3")
            .bind(carrier)
            .bind(number)
            .bind(order.id)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(Some(result))
}

/// (total, already refunded, payment id, status) of an order, for refunds.
pub async fn refund_facts(
    db: &Db,
    public_id: &str,
) -> Result<Option<(i64, i64, String, OrderStatus)>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT total_cents, refunded_cents, payment_intent, status FROM orders WHERE public_id = $1",
    )
    .bind(public_id)
    .fetch_optional(db.pool())
    .await?;
    row.map(|r| {
        let status: String = r.try_get("status")?;
        Ok((
            r.try_get("total_cents")?,
            r.try_get("refunded_cents")?,
            r.try_get("payment_intent")?,
            OrderStatus::parse(&status).unwrap_or(OrderStatus::Cancelled),
        ))
    })
    .transpose()
}

/// Records the Stripe Checkout Session made for an order.
pub async fn set_provider_session(
    db: &Db,
    order_id: i64,
    session: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE orders SET provider_session = $1 WHERE id = $2")
        .bind(session)
        .bind(order_id)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// Cancels an unpaid order whose payment could not even start; its items return.
pub async fn cancel_unstarted(db: &Db, order_id: i64, reason: &str) -> Result<(), sqlx::Error> {
    let mut tx = db.begin_write().await?;
    let _ = transition(&mut tx, order_id, OrderStatus::Cancelled, reason).await?;
    tx.commit().await
}

// ---- automatic refunds (money for an order that had already ended) ----

/// Notes that `payment_intent` paid for an order that can no longer be fulfilled and must
/// be given back; `false` when that payment was already noted (another event about it).
pub async fn record_automatic_refund_due(
    conn: &mut AnyConnection,
    payment_intent: &str,
    event_id: &str,
    order_id: i64,
    amount_cents: i64,
    currency: &str,
) -> Result<bool, sqlx::Error> {
    let inserted = sqlx::query(
        "INSERT INTO automatic_refunds (payment_intent, event_id, order_id, amount_cents, currency, status, created_at) \
         VALUES ($1, $2, $3, $4, $5, 'due', $6) ON CONFLICT (payment_intent) DO NOTHING",
    )
    .bind(payment_intent)
    .bind(event_id)
    .bind(order_id)
    .bind(amount_cents)
    .bind(currency)
    .bind(now_unix())
    .execute(conn)
    .await?;
    Ok(inserted.rows_affected() == 1)
}

#[derive(Debug, Clone)]
pub struct DueRefund {
    pub payment_intent: String,
    pub event_id: String,
    pub order_id: i64,
    pub public_id: String,
    pub email: String,
    pub amount_cents: i64,
    pub currency: String,
}

pub async fn due_automatic_refunds(db: &Db, limit: i64) -> Result<Vec<DueRefund>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT r.payment_intent, r.event_id, r.order_id, o.public_id, o.email, r.amount_cents, r.currency \
         FROM automatic_refunds r JOIN orders o ON o.id = r.order_id \
         WHERE r.status = 'due' ORDER BY r.created_at LIMIT $1",
    )
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(DueRefund {
                payment_intent: r.try_get("payment_intent")?,
                event_id: r.try_get("event_id")?,
                order_id: r.try_get("order_id")?,
                public_id: r.try_get("public_id")?,
                email: r.try_get("email")?,
                amount_cents: r.try_get("amount_cents")?,
                currency: r.try_get("currency")?,
            })
        })
        .collect()
}

/// Marks the refund made, raises the order's refunded total and notes it on the order's
/// timeline, in one transaction; `false` when another server finished it first.
pub async fn finish_automatic_refund(
    db: &Db,
    refund: &DueRefund,
    provider_refund: &str,
) -> Result<bool, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    let done = sqlx::query(
        "UPDATE automatic_refunds SET status = 'done', provider_refund = $1, done_at = $2 \
         WHERE payment_intent = $3 AND status = 'due'",
    )
    .bind(provider_refund)
    .bind(now_unix())
    .bind(&refund.payment_intent)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() != 1 {
        return Ok(false);
    }
    raise_refunded_amount(&mut tx, refund.order_id, refund.amount_cents).await?;
    let status: String = sqlx::query_scalar("SELECT status FROM orders WHERE id = $1")
        .bind(refund.order_id)
        .fetch_one(&mut *tx)
        .await?;
    let status = OrderStatus::parse(&status).unwrap_or(OrderStatus::Cancelled);
    note_order_event(
        &mut tx,
        refund.order_id,
        status,
        "Payment refunded automatically: it arrived after this order had ended",
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

pub async fn count_automatic_refund_attempt(
    db: &Db,
    payment_intent: &str,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "UPDATE automatic_refunds SET attempts = attempts + 1 WHERE payment_intent = $1 RETURNING attempts",
    )
    .bind(payment_intent)
    .fetch_one(db.pool())
    .await
}
