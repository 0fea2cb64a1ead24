//! `storefront bench-checkout`: the two numbers the payment path lives by, measured in
//! process against the configured database (no HTTP in between):
//! - webhook ingest: signed `checkout.session.completed` events per second through
//!   verification, the once-only store and the order transition — and replays per second;
//! - checkout under contention: many carts racing for one product's last units, in
//!   checkouts per second, with the count of reservations checked against the stock.

use crate::config::Config;
use anyhow::Context;
use app::checkout::repo::{self, NewOrder};
use app::checkout::shipping::model::Address;
use app::db::{now_unix, Db};
use std::time::Instant;

const ORDERS: usize = 400;
const RACERS: usize = 400;
const UNITS: i64 = 100;

pub async fn bench_checkout(config: &Config) -> anyhow::Result<()> {
    let db = Db::connect(&config.database_url).await?;
    db.migrate().await?;
    crate::seed::seed_demo_store(&db).await?;
    // A simple product (one variant), so every cart line and order is the same thing.
    let product: (i64, i64) = sqlx::query_as(
        "SELECT p.id, v.id FROM products p JOIN product_variants v ON v.product_id = p.id \
         WHERE p.status = 'active' AND v.active = 1 \
           AND NOT EXISTS (SELECT 1 FROM product_options o WHERE o.product_id = p.id) \
         ORDER BY p.id LIMIT 1",
    )
    .fetch_one(db.pool())
    .await
    .context("the demo store has a simple active product")?;
    let run = now_unix();
    println!("backend: {:?}", db.backend());
    webhook_ingest(&db, product, run, &config.public_url).await?;
    checkout_contention(&db, product, run).await?;
    Ok(())
}

/// The benchmark's simple product gets `stock` units (its variant and its summary).
async fn set_stock(db: &Db, (product, variant): (i64, i64), stock: i64) -> anyhow::Result<()> {
    sqlx::query("UPDATE product_variants SET stock = $1 WHERE id = $2")
        .bind(stock)
        .bind(variant)
        .execute(db.pool())
        .await?;
    sqlx::query("UPDATE products SET stock = $1 WHERE id = $2")
        .bind(stock)
        .bind(product)
        .execute(db.pool())
        .await?;
    Ok(())
}

async fn fill_carts(
    db: &Db,
    (product, variant): (i64, i64),
    prefix: &str,
    count: usize,
) -> anyhow::Result<Vec<String>> {
    let mut owners = Vec::with_capacity(count);
    for i in 0..count {
        let owner = format!("v:{prefix}{i:08}");
        app::cart::repo::set_line(db, &owner, product, variant, 1).await?;
        owners.push(owner);
    }
    Ok(owners)
}

/// A German address and its flat rate: every benchmark order ships somewhere real.
async fn bench_address(db: &Db) -> anyhow::Result<(Address, i64)> {
    let rates = app::checkout::shipping::repo::rates_for_country(db.pool(), "DE").await?;
    let rate = rates
        .iter()
        .find(|r| r.basis == app::checkout::shipping::model::RateBasis::Flat)
        .ok_or_else(|| anyhow::anyhow!("no flat shipping rate for DE"))?;
    let address = Address {
        name: "Bench Buyer".into(),
        line1: "Invalidenstraße 1".into(),
        city: "Berlin".into(),
        postal_code: "10115".into(),
        country: "DE".into(),
        ..Address::default()
    };
    Ok((address, rate.id))
}

async fn webhook_ingest(
    db: &Db,
    product: (i64, i64),
    run: i64,
    public_url: &str,
) -> anyhow::Result<()> {
    set_stock(db, product, ORDERS as i64 * 2).await?;
    let owners = fill_carts(db, product, &format!("hook{run}-"), ORDERS).await?;
    let (address, rate) = bench_address(db).await?;
    let mut orders = Vec::with_capacity(ORDERS);
    for (i, owner) in owners.iter().enumerate() {
        let key = format!("{:032x}", (run as u128) << 32 | i as u128);
        let new = NewOrder {
            owner,
            user_id: None,
            email: "bench@example.com",
            checkout_key: &key,
            hold_until: now_unix() + 1800,
            provider: "demo",
            quote: None,
            address: &address,
            shipping_rate: rate,
            vat_id: "",
            save_address_for: None,
            reminder_email: "",
            reminder_stage: "",
        };
        let started = repo::create_order(db, &new)
            .await?
            .map_err(|r| anyhow::anyhow!(r.message()))?;
        orders.push(started);
    }
    let secret = repo::demo_webhook_secret(db).await?;
    // A paid event must report what the order costs: anything else is refused.
    let mut totals = Vec::with_capacity(orders.len());
    for order in &orders {
        let total: i64 = sqlx::query_scalar("SELECT total_cents FROM orders WHERE id = $1")
            .bind(order.id)
            .fetch_one(db.pool())
            .await?;
        totals.push(total);
    }
    let bodies: Vec<String> = orders
        .iter()
        .zip(&totals)
        .map(|(o, total)| {
            serde_json::json!({
                "id": format!("evt_bench_{}", o.public_id), "object": "event",
                "type": "checkout.session.completed", "created": now_unix(),
                "data": { "object": { "id": o.provider_session, "object": "checkout.session",
                    "client_reference_id": o.public_id, "payment_status": "paid",
                    "amount_total": total, "currency": "usd",
                    "customer_details": { "email": "bench@example.com" }, "payment_intent": format!("pi_{}", o.public_id) } }
            })
            .to_string()
        })
        .collect();
    for (label, rounds) in [("first deliveries", 1), ("replays", 2)] {
        let started = Instant::now();
        let mut delivered = 0;
        for _ in 0..rounds {
            for body in &bodies {
                let now = now_unix();
                let header = app::signature::sign(&secret, now, body);
                app::checkout::webhook::receive(
                    db,
                    &secret,
                    Some(&header),
                    body.as_bytes(),
                    now,
                    public_url,
                )
                .await
                .map_err(|e| anyhow::anyhow!("{e:?}"))?;
                delivered += 1;
            }
        }
        let seconds = started.elapsed().as_secs_f64();
        println!(
            "webhook ingest, {label}: {delivered} events in {seconds:.2}s = {:.0} events/s",
            delivered as f64 / seconds
        );
    }
    let paid: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM orders WHERE status = 'paid' AND email = 'bench@example.com'",
    )
    .fetch_one(db.pool())
    .await?;
    anyhow::ensure!(
        paid as usize == ORDERS,
        "expected {ORDERS} paid orders, found {paid}"
    );
    Ok(())
}

async fn checkout_contention(db: &Db, product: (i64, i64), run: i64) -> anyhow::Result<()> {
    set_stock(db, product, UNITS).await?;
    let owners = fill_carts(db, product, &format!("race{run}-"), RACERS).await?;
    let (address, rate) = bench_address(db).await?;
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for (i, owner) in owners.into_iter().enumerate() {
        let db = db.clone();
        let address = address.clone();
        tasks.spawn(async move {
            let key = format!("{:032x}", (run as u128) << 40 | 1 << 36 | i as u128);
            let new = NewOrder {
                owner: &owner,
                user_id: None,
                email: "",
                checkout_key: &key,
                hold_until: now_unix() + 1800,
                provider: "demo",
                quote: None,
                address: &address,
                shipping_rate: rate,
                vat_id: "",
                save_address_for: None,
                reminder_email: "",
                reminder_stage: "",
            };
            repo::create_order(&db, &new).await.map(|r| r.is_ok())
        });
    }
    let mut reserved = 0;
    while let Some(result) = tasks.join_next().await {
        if result??.then_some(()).is_some() {
            reserved += 1;
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    let left: i64 = sqlx::query_scalar("SELECT stock FROM products WHERE id = $1")
        .bind(product.0)
        .fetch_one(db.pool())
        .await?;
    println!(
        "checkout contention: {RACERS} carts for {UNITS} units in {seconds:.2}s = {:.0} checkouts/s; {reserved} reserved, {left} left",
        RACERS as f64 / seconds
    );
    anyhow::ensure!(
        reserved as i64 == UNITS && left == 0,
        "oversold or undersold: {reserved} reserved, {left} left"
    );
    Ok(())
}
