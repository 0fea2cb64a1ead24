//! Demo data: a coherent coffee-equipment store (categories, products, specs, related
//! products) loaded by `storefront seed-demo`, plus the bulk catalogue the search
//! benchmark runs against.

use crate::config::Config;
use anyhow::Context;
use app::catalog::model::{ProductImage, SearchParams, Spec};
use app::catalog::repo::{self, NewCategory, NewProduct};
use app::catalog::variants;
use app::db::{now_unix, Db};
use serde::Deserialize;
use std::collections::HashMap;
use std::time::Instant;

const DEMO_STORE: &str = include_str!("../seed/demo_store.json");
const DEMO_CONTENT: &str = include_str!("../seed/demo_content.json");

#[derive(Deserialize)]
struct DemoContent {
    personas: Vec<DemoPersona>,
    content: Vec<DemoPiece>,
}

#[derive(Deserialize)]
struct DemoPersona {
    slug: String,
    name: String,
    description: String,
    problems: String,
}

#[derive(Deserialize)]
struct DemoPiece {
    slug: String,
    title: String,
    summary: String,
    body_md: String,
    kind: String,
    stage: String,
    author: String,
    #[serde(default)]
    media_url: String,
    #[serde(default)]
    transcript: String,
    #[serde(default)]
    minutes: i64,
    days_ago: i64,
    personas: Vec<String>,
    products: Vec<String>,
    categories: Vec<String>,
}

/// Loads the demo content hub (personas and pieces linked to demo products) when the
/// store has no content yet; links to products or categories that are missing are skipped.
pub async fn seed_demo_content(db: &Db) -> anyhow::Result<usize> {
    use app::content::model::{reading_minutes, Kind, Stage};
    use app::content::repo::{self as content_repo, LinkTable, NewContent};
    if content_repo::count_content(db).await? > 0 {
        return Ok(0);
    }
    let demo: DemoContent =
        serde_json::from_str(DEMO_CONTENT).context("parsing demo_content.json")?;
    let products: HashMap<String, i64> =
        sqlx::query_as::<_, (String, i64)>("SELECT slug, id FROM products")
            .fetch_all(db.pool())
            .await?
            .into_iter()
            .collect();
    let categories: HashMap<String, i64> =
        sqlx::query_as::<_, (String, i64)>("SELECT slug, id FROM categories")
            .fetch_all(db.pool())
            .await?
            .into_iter()
            .collect();
    let mut tx = db.begin_write().await?;
    let mut personas = HashMap::new();
    for (position, p) in demo.personas.iter().enumerate() {
        let id = content_repo::insert_persona(
            &mut tx,
            &p.slug,
            &p.name,
            &p.description,
            &p.problems,
            position as i64,
        )
        .await?;
        personas.insert(p.slug.as_str(), id);
    }
    let now = now_unix();
    for piece in &demo.content {
        let kind = Kind::parse(&piece.kind)
            .with_context(|| format!("{}: unknown kind {}", piece.slug, piece.kind))?;
        let stage = Stage::parse(&piece.stage)
            .with_context(|| format!("{}: unknown stage {}", piece.slug, piece.stage))?;
        // The demo ships no binary files: downloads are the piece as text, infographics
        // are drawn by the server.
        let media_url = match kind {
            Kind::Video => piece.media_url.clone(),
            Kind::Whitepaper | Kind::Ebook => format!("/learn/{}/download", piece.slug),
            Kind::Infographic => format!("/media/content/{}.svg", piece.slug),
            Kind::Article => String::new(),
        };
        let minutes = match kind {
            Kind::Video if piece.minutes > 0 => piece.minutes,
            _ => reading_minutes(&format!("{} {}", piece.body_md, piece.transcript)),
        };
        let id = content_repo::insert_content(
            &mut tx,
            &NewContent {
                slug: &piece.slug,
                title: &piece.title,
                summary: &piece.summary,
                body_md: &piece.body_md,
                kind,
                stage,
                author: &piece.author,
                media_url: &media_url,
                transcript: &piece.transcript,
                minutes,
                published_at: now - piece.days_ago * 86_400,
            },
        )
        .await?;
        for slug in &piece.personas {
            if let Some(persona) = personas.get(slug.as_str()) {
                content_repo::link_content(&mut tx, LinkTable::Personas, id, *persona).await?;
            }
        }
        for slug in &piece.products {
            if let Some(product) = products.get(slug) {
                content_repo::link_content(&mut tx, LinkTable::Products, id, *product).await?;
            }
        }
        for slug in &piece.categories {
            if let Some(category) = categories.get(slug) {
                content_repo::link_content(&mut tx, LinkTable::Categories, id, *category).await?;
            }
        }
    }
    tx.commit().await?;
    Ok(demo.content.len())
}

#[derive(Debug, Deserialize)]
struct DemoStore {
    categories: Vec<DemoCategory>,
    products: Vec<DemoProduct>,
}

#[derive(Debug, Deserialize)]
struct DemoCategory {
    slug: String,
    name: String,
    parent: Option<String>,
    description: String,
    #[serde(default)]
    icon_svg: String,
}

#[derive(Debug, Deserialize)]
struct DemoProduct {
    slug: String,
    name: String,
    category: String,
    summary: String,
    description_md: String,
    price_cents: i64,
    compare_at_cents: Option<i64>,
    currency: String,
    sku: String,
    stock: i64,
    status: String,
    featured: bool,
    image_alt: String,
    color: String,
    specs: Vec<Spec>,
    #[serde(default)]
    related: Vec<String>,
}

#[derive(Debug, PartialEq, Eq)]
pub enum SeedOutcome {
    Seeded { products: usize },
    AlreadyPresent { products: i64 },
}

/// Loads the demo store into an empty database, in one transaction. A database that
/// already has products is left alone, so running this twice changes nothing.
pub async fn seed_demo_store(db: &Db) -> anyhow::Result<SeedOutcome> {
    let outcome = seed_demo_catalogue(db).await?;
    // Stores seeded before the content hub existed get its demo content too.
    seed_demo_content(db).await?;
    Ok(outcome)
}

async fn seed_demo_catalogue(db: &Db) -> anyhow::Result<SeedOutcome> {
    let existing = repo::count_products(db).await?;
    if existing > 0 {
        return Ok(SeedOutcome::AlreadyPresent { products: existing });
    }
    let store: DemoStore = serde_json::from_str(DEMO_STORE).context("parsing demo_store.json")?;
    let mut tx = db.begin_write().await?;

    let mut category_ids: HashMap<&str, i64> = HashMap::new();
    // Parents first: keep passing over the list until every category is placed.
    let mut pending: Vec<&DemoCategory> = store.categories.iter().collect();
    let mut position = 0;
    while !pending.is_empty() {
        let before = pending.len();
        let mut rest = Vec::new();
        for c in pending {
            let parent_id = match &c.parent {
                Some(p) => match category_ids.get(p.as_str()) {
                    Some(id) => Some(*id),
                    None => {
                        rest.push(c);
                        continue;
                    }
                },
                None => None,
            };
            position += 1;
            let id = repo::insert_category(
                &mut tx,
                &NewCategory {
                    slug: &c.slug,
                    name: &c.name,
                    description: &c.description,
                    parent_id,
                    position,
                    icon_svg: &c.icon_svg,
                },
            )
            .await?;
            category_ids.insert(&c.slug, id);
        }
        anyhow::ensure!(
            rest.len() < before,
            "demo categories have an unknown or circular parent"
        );
        pending = rest;
    }

    let now = now_unix();
    let mut product_ids: HashMap<&str, i64> = HashMap::new();
    for (i, p) in store.products.iter().enumerate() {
        let category_id = *category_ids
            .get(p.category.as_str())
            .with_context(|| format!("product {} names unknown category {}", p.slug, p.category))?;
        let id = repo::insert_product(
            &mut tx,
            &NewProduct {
                slug: &p.slug,
                name: &p.name,
                summary: &p.summary,
                description_md: &p.description_md,
                price_cents: p.price_cents,
                compare_at_cents: p.compare_at_cents,
                currency: &p.currency,
                sku: &p.sku,
                stock: p.stock,
                status: &p.status,
                featured: p.featured,
                category_id,
                accent_color: &p.color,
                // Staggered a day apart so "newest" means something in the demo.
                created_at: Some(now - (i as i64) * 86_400),
            },
        )
        .await?;
        for (pos, spec) in p.specs.iter().enumerate() {
            repo::insert_product_spec(&mut tx, id, spec, pos as i64).await?;
        }
        let image = ProductImage {
            url: format!("/media/demo/{}.svg", p.slug),
            alt: p.image_alt.clone(),
        };
        repo::insert_product_image(&mut tx, id, &image, 0).await?;
        repo::refresh_search_document(&mut tx, db.backend(), id).await?;
        product_ids.insert(&p.slug, id);
    }
    for p in &store.products {
        for (pos, related) in p.related.iter().enumerate() {
            if let (Some(a), Some(b)) = (
                product_ids.get(p.slug.as_str()),
                product_ids.get(related.as_str()),
            ) {
                repo::insert_related_product(&mut tx, *a, *b, pos as i64).await?;
            }
        }
    }
    // Shipping weights by what things cost here: accessories and beans are light, grinders
    // heavier, espresso machines heavy (weight bands and freight rates then show in checkout).
    for sql in [
        "UPDATE product_variants SET weight_grams = CASE \
            WHEN price_cents < 5000 THEN 450 \
            WHEN price_cents < 30000 THEN 2600 \
            WHEN price_cents < 100000 THEN 7800 \
            ELSE 16500 END",
        "UPDATE products SET weight_grams = (SELECT weight_grams FROM product_variants v \
            WHERE v.product_id = products.id ORDER BY v.id LIMIT 1)",
    ] {
        sqlx::query(sql).execute(&mut *tx).await?;
    }
    for demo in DEMO_VARIANTS {
        if let Some(id) = product_ids.get(demo.slug) {
            seed_variants(&mut tx, *id, demo).await?;
        }
    }
    // Coffee is food: most countries tax it at their reduced rate (UK 5 %, DE 7 %, …).
    sqlx::query(
        "UPDATE products SET tax_class = 'reduced' WHERE category_id IN \
            (SELECT id FROM categories WHERE slug = 'coffee-beans')",
    )
    .execute(&mut *tx)
    .await?;
    seed_discount_codes(&mut tx, &category_ids, now).await?;
    tx.commit().await?;
    Ok(SeedOutcome::Seeded {
        products: store.products.len(),
    })
}

/// The demo's discount codes: a newsletter welcome (once per customer), free shipping over
/// $75, money off grinders (the category and its subcategories), and a spring code that
/// has not started yet.
async fn seed_discount_codes(
    tx: &mut sqlx::AnyConnection,
    category_ids: &HashMap<&str, i64>,
    now: i64,
) -> anyhow::Result<()> {
    let grinders = ["grinders", "home-grinders", "commercial-grinders"]
        .iter()
        .filter_map(|slug| category_ids.get(slug))
        .map(|id| format!("c:{id}"))
        .collect::<Vec<_>>()
        .join(" ");
    struct DemoCode<'a> {
        code: &'a str,
        note: &'a str,
        kind: &'a str,
        value: i64,
        minimum: i64,
        covers: &'a str,
        starts_at: Option<i64>,
        per_customer: Option<i64>,
    }
    let plain = DemoCode {
        code: "",
        note: "",
        kind: "percent",
        value: 0,
        minimum: 0,
        covers: "",
        starts_at: None,
        per_customer: None,
    };
    let codes = [
        DemoCode {
            code: "WELCOME10",
            note: "Newsletter welcome",
            value: 10,
            per_customer: Some(1),
            ..plain
        },
        DemoCode {
            code: "FREESHIP75",
            note: "Free standard shipping over $75",
            kind: "free_shipping",
            minimum: 7_500,
            ..plain
        },
        DemoCode {
            code: "GRINDER25",
            note: "$25 off a grinder over $150",
            kind: "fixed",
            value: 2_500,
            minimum: 15_000,
            covers: &grinders,
            ..plain
        },
        DemoCode {
            code: "SPRING-2027",
            note: "Spring sale",
            value: 15,
            // 1 March 2027, 09:00 UTC.
            starts_at: Some(1_803_891_600),
            ..plain
        },
    ];
    for demo in codes {
        sqlx::query(
            "INSERT INTO discount_codes (code, note, kind, value, min_subtotal_cents, applies_to, starts_at, \
                 per_customer_limit, status, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'active', $9, $9)",
        )
        .bind(demo.code)
        .bind(demo.note)
        .bind(demo.kind)
        .bind(demo.value)
        .bind(demo.minimum)
        .bind(demo.covers)
        .bind(demo.starts_at)
        .bind(demo.per_customer)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}

/// A demo product with options: its options and, per variant (in the grid's order), the
/// price as a multiple of the product's (in percent), the stock and the weight in grams.
struct DemoVariants {
    slug: &'static str,
    options: &'static [(&'static str, &'static [&'static str])],
    variants: &'static [(i64, i64, i64)],
}

/// What the issue asked the demo to show: beans by grind and size, a grinder by burr set,
/// a machine by voltage. The cheapest beans stay simple products.
const DEMO_VARIANTS: &[DemoVariants] = &[
    DemoVariants {
        slug: "house-espresso-blend",
        options: &[
            ("Grind", &["Whole bean", "Espresso", "Filter"]),
            ("Size", &["250 g", "1 kg"]),
        ],
        variants: &[
            (100, 24, 280),
            (340, 12, 1050),
            (100, 14, 280),
            (340, 0, 1050),
            (100, 8, 280),
            (340, 4, 1050),
        ],
    },
    DemoVariants {
        slug: "ethiopia-yirgacheffe-washed",
        options: &[
            ("Grind", &["Whole bean", "Filter"]),
            ("Size", &["250 g", "1 kg"]),
        ],
        variants: &[
            (100, 10, 280),
            (340, 6, 1050),
            (100, 7, 280),
            (340, 3, 1050),
        ],
    },
    DemoVariants {
        slug: "colombia-huila-honey",
        options: &[("Grind", &["Whole bean", "Espresso", "Filter"])],
        variants: &[(100, 16, 280), (100, 9, 280), (100, 9, 280)],
    },
    DemoVariants {
        slug: "kestrel-64-flat-burr-grinder",
        options: &[("Burr set", &["Stock steel", "Red speed (coated)"])],
        variants: &[(100, 13, 2600), (123, 6, 2650)],
    },
    DemoVariants {
        slug: "vessa-classic-single-boiler",
        options: &[("Voltage", &["120 V", "230 V"])],
        variants: &[(100, 12, 7800), (100, 10, 7800)],
    },
];

async fn seed_variants(
    tx: &mut sqlx::AnyConnection,
    product_id: i64,
    demo: &DemoVariants,
) -> anyhow::Result<()> {
    let options: Vec<variants::ProductOption> = demo
        .options
        .iter()
        .map(|(name, values)| variants::ProductOption {
            name: name.to_string(),
            values: values.iter().map(|v| v.to_string()).collect(),
        })
        .collect();
    variants::repo::save_options_in(tx, product_id, &options).await?;
    let base: i64 = sqlx::query_scalar("SELECT price_cents FROM products WHERE id = $1")
        .bind(product_id)
        .fetch_one(&mut *tx)
        .await?;
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM product_variants WHERE product_id = $1 AND active = 1 ORDER BY position",
    )
    .bind(product_id)
    .fetch_all(&mut *tx)
    .await?;
    anyhow::ensure!(
        ids.len() == demo.variants.len(),
        "{}: grid and demo rows differ",
        demo.slug
    );
    for (id, (percent, stock, grams)) in ids.iter().zip(demo.variants) {
        // Whole cents ending in 00: a 1 kg bag of an $18.00 blend is $61.00, not $61.20.
        let price = (base * percent / 100) / 100 * 100;
        sqlx::query(
            "UPDATE product_variants SET price_cents = $1, stock = $2, weight_grams = $3 WHERE id = $4",
        )
        .bind(price)
        .bind(stock)
        .bind(grams)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    }
    variants::repo::sync_product_summary(tx, product_id).await?;
    Ok(())
}

/// Words mixed into generated products so bulk search has realistic variety.
const BULK_WORDS: [&str; 16] = [
    "compact",
    "pro",
    "classic",
    "studio",
    "barista",
    "office",
    "travel",
    "precision",
    "dual",
    "boiler",
    "conical",
    "flat",
    "burr",
    "gooseneck",
    "espresso",
    "filter",
];

/// Fills the database up to `target` products by varying the demo catalogue (for the
/// search benchmark; never run against a real store).
pub async fn generate_bulk_products(db: &Db, target: i64) -> anyhow::Result<()> {
    let store: DemoStore = serde_json::from_str(DEMO_STORE)?;
    let categories = repo::list_categories(db).await?;
    let category_id = |slug: &str| categories.iter().find(|c| c.slug == slug).map(|c| c.id);
    let mut have = repo::count_products(db).await?;
    let now = now_unix();
    let mut n: i64 = 0;
    while have < target {
        let mut tx = db.begin_write().await?;
        for _ in 0..1000 {
            if have >= target {
                break;
            }
            n += 1;
            let base = &store.products[(n as usize) % store.products.len()];
            let w1 = BULK_WORDS[(n as usize * 7) % BULK_WORDS.len()];
            let w2 = BULK_WORDS[(n as usize * 13 + 5) % BULK_WORDS.len()];
            let name = format!("{} {w1} {w2} {n}", base.name);
            let slug = format!("bulk-{n}-{}", base.slug);
            let sku = format!("BULK-{n}");
            let summary = format!("{} A {w1} {w2} variant.", base.summary);
            let id = repo::insert_product(
                &mut tx,
                &NewProduct {
                    slug: &slug,
                    name: &name,
                    summary: &summary,
                    description_md: &base.description_md,
                    price_cents: base.price_cents + (n % 97) * 100,
                    compare_at_cents: None,
                    currency: "USD",
                    sku: &sku,
                    stock: n % 40,
                    status: "active",
                    featured: false,
                    category_id: category_id(&base.category).context("bulk: category missing")?,
                    accent_color: &base.color,
                    created_at: Some(now - n * 60),
                },
            )
            .await?;
            for (pos, spec) in base.specs.iter().enumerate() {
                repo::insert_product_spec(&mut tx, id, spec, pos as i64).await?;
            }
            repo::refresh_search_document(&mut tx, db.backend(), id).await?;
            have += 1;
        }
        tx.commit().await?;
        if have % 10_000 == 0 {
            eprintln!("  … {have} products");
        }
    }
    Ok(())
}

/// Fills the catalogue up to `target` products quickly, for the search benchmark beyond
/// what [`generate_bulk_products`] writes in reasonable time: copies of the demo products
/// (name, texts, price, category, specs) made set-wise by SQL, 50,000 per transaction. The
/// copies get no full-text documents (the databases' own search is not measured at this
/// size); the change-log triggers still fire, as for any write.
pub async fn copy_bulk_products(db: &Db, target: i64) -> anyhow::Result<()> {
    let now = now_unix();
    let base_count: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM products WHERE slug NOT LIKE 'bulk-%' AND slug NOT LIKE 'copy-%' \
         AND status = 'active'",
    )
    .fetch_one(db.pool())
    .await?;
    anyhow::ensure!(base_count > 0, "bulk copies need the demo store first");
    let mut have = repo::count_products(db).await?;
    let base =
        "base AS (SELECT id, slug, name, summary, description_md, price_cents, category_id, \
                accent_color, ROW_NUMBER() OVER (ORDER BY id) - 1 AS rn FROM products \
                WHERE slug NOT LIKE 'bulk-%' AND slug NOT LIKE 'copy-%' AND status = 'active')";
    while have < target {
        let from = have + 1;
        let to = (have + 50_000).min(target);
        let seq = format!(
            "WITH RECURSIVE seq(n) AS (SELECT CAST({from} AS BIGINT) UNION ALL \
             SELECT n + 1 FROM seq WHERE n < {to}), {base}"
        );
        let mut tx = db.begin_write().await?;
        sqlx::query(&format!(
            "{seq} INSERT INTO products (slug, name, summary, description_md, price_cents, currency, \
                sku, stock, status, featured, category_id, accent_color, created_at, updated_at) \
             SELECT 'copy-' || CAST(s.n AS TEXT) || '-' || b.slug, b.name || ' ' || CAST(s.n AS TEXT), \
                b.summary || ' A copied variant.', b.description_md, b.price_cents + (s.n % 97) * 100, \
                'USD', 'COPY-' || CAST(s.n AS TEXT), s.n % 40, 'active', 0, b.category_id, \
                b.accent_color, {now} - s.n * 60, {now} \
             FROM seq s JOIN base b ON b.rn = s.n % {base_count}"
        ))
        .execute(&mut *tx)
        .await?;
        sqlx::query(&format!(
            "{seq} INSERT INTO product_specs (product_id, name, value, value_num, unit, position) \
             SELECT p.id, sp.name, sp.value, sp.value_num, sp.unit, sp.position \
             FROM seq s JOIN base b ON b.rn = s.n % {base_count} \
             JOIN products p ON p.sku = 'COPY-' || CAST(s.n AS TEXT) \
             JOIN product_specs sp ON sp.product_id = b.id"
        ))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        have = to;
        if have % 100_000 == 0 {
            eprintln!("  … {have} products");
        }
    }
    Ok(())
}

/// The 20 representative queries of the search benchmark.
pub const BENCH_QUERIES: [&str; 20] = [
    "espresso",
    "dual boiler",
    "grinder",
    "flat burr",
    "conical burr grinder",
    "kettle",
    "gooseneck kettle",
    "scale",
    "office",
    "bean-to-cup",
    "beans",
    "ethiopia",
    "decaf",
    "tamper",
    "milk jug",
    "commercial espresso machine",
    "pro",
    "compact grinder",
    "filter",
    "travel",
];

/// `storefront bench-search [--products N]`: fills the database up to N products (default
/// 100,000), then times every benchmark query (with facets) and prints p50/p95.
pub async fn bench_search(config: &Config, args: &[String]) -> anyhow::Result<()> {
    let target: i64 = match args.iter().position(|a| a == "--products") {
        Some(i) => args
            .get(i + 1)
            .context("--products needs a number")?
            .parse()?,
        None => 100_000,
    };
    let db = Db::connect(&config.database_url).await?;
    db.migrate().await?;
    seed_demo_store(&db).await?;
    let started = Instant::now();
    // Written one by one (with full-text documents) up to 100,000; copied set-wise beyond.
    generate_bulk_products(&db, target.min(100_000)).await?;
    copy_bulk_products(&db, target).await?;
    let with_documents = target <= 100_000;
    eprintln!(
        "catalogue ready: {target} products ({:.1}s)",
        started.elapsed().as_secs_f64()
    );
    let started = Instant::now();
    let engine = app::catalog::engine::build_and_register(&db).await?;
    println!(
        "search index rebuild: {} products in {:.1} s",
        engine.len(),
        started.elapsed().as_secs_f64()
    );
    // The engine (what servers use once their index is built), then the database's own
    // full-text search (what answers while it builds), on the same queries.
    for engine_on in [true, false] {
        if !engine_on && !with_documents {
            println!("(the databases' own search is not measured beyond 100,000 products: the copies have no full-text documents)");
            continue;
        }
        let mut timings = Vec::new();
        for round in 0..6 {
            for q in BENCH_QUERIES {
                let params = SearchParams {
                    q: q.to_string(),
                    page: 1,
                    ..Default::default()
                };
                let t = Instant::now();
                let page = if engine_on {
                    app::catalog::search::search_products(&db, &params, None).await?
                } else {
                    repo::search_products(&db, &params, None).await?
                };
                let elapsed = t.elapsed();
                if round > 0 {
                    // round 0 warms caches
                    timings.push(elapsed.as_secs_f64() * 1000.0);
                }
                if round == 1 {
                    eprintln!(
                        "  {q:<28} {:>6} hits {:>8.2} ms",
                        page.total,
                        elapsed.as_secs_f64() * 1000.0
                    );
                }
            }
        }
        timings.sort_by(|a, b| a.total_cmp(b));
        let pct = |p: f64| timings[((timings.len() as f64 - 1.0) * p).round() as usize];
        println!(
            "search with {} ({:?}, {target} products, {} timed queries with facets): p50 {:.2} ms, p95 {:.2} ms, max {:.2} ms",
            if engine_on { "the engine" } else { "the database's full-text search" },
            db.backend(),
            timings.len(),
            pct(0.50),
            pct(0.95),
            timings.last().copied().unwrap_or(0.0)
        );
    }
    drop(engine);
    Ok(())
}
