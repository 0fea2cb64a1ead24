//! Kept pages (server/src/page_cache.rs): anonymous pages are served from the cache with
//! an ETag and 304s, a staff write on one app server is seen at once through another, what
//! is a visitor's own is never served to anyone else, and every view still reaches the
//! research trail.

use crate::helpers::{fresh_database_url, html_unescape, spawn_app_on, Backend, TestApp};
use crate::on_both_backends;
use base64::Engine;
use reqwest::multipart::Form;
use sha2::{Digest, Sha256};

on_both_backends!(
    a_price_changed_on_one_server_is_never_served_stale_by_another,
    what_is_a_visitors_own_is_never_kept,
    kept_pages_still_record_each_visitors_trail,
    a_returning_visitors_class_moves_on_as_their_trail_says,
    visitors_arriving_at_once_wait_for_one_render,
);

fn cache_outcome(page: &crate::helpers::Page) -> String {
    page.headers
        .get("x-page-cache")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("none")
        .to_string()
}

fn product_form(price: &str, category: i64) -> Form {
    Form::new()
        .text("name", "Cachet Grinder")
        .text("slug", "cachet-grinder")
        .text("sku", "CACHET-1")
        .text("category_id", category.to_string())
        .text("summary", "A grinder for the page cache test.")
        .text("description_md", "Conical burrs.")
        .text("price", price.to_string())
        .text("compare_at", "")
        .text("stock", "7")
        .text("status", "active")
        .text("specs", "Burr size: 48 mm")
        .text("weight", "1200")
}

/// Two app servers on one database, with the demo store.
async fn two_servers(backend: Backend) -> Option<(TestApp, TestApp)> {
    let url = fresh_database_url(backend).await?;
    let a = spawn_app_on(&url, &[]).await;
    server::seed::seed_demo_store(&a.db).await.unwrap();
    let b = spawn_app_on(&url, &[]).await;
    Some((a, b))
}

async fn a_price_changed_on_one_server_is_never_served_stale_by_another(backend: Backend) {
    let Some((a, b)) = two_servers(backend).await else {
        return;
    };
    let staff = a.sign_in_as_staff("marketing").await;
    let category = a.first_category().await;
    assert_eq!(
        staff
            .create_product(product_form("349.00", category))
            .await
            .status,
        303
    );
    let id = a.product_id("cachet-grinder").await;
    let path = "/products/cachet-grinder";

    // Through server B: rendered once, then kept.
    let first = b.get(path).await;
    assert_eq!(first.status, 200);
    assert_eq!(cache_outcome(&first), "miss");
    let again = b.get(path).await;
    assert_eq!(cache_outcome(&again), "hit");
    assert_eq!(again.body, first.body, "a kept page is the page");
    assert!(html_unescape(&again.body).contains("349.00"));
    let etag = again.headers["etag"].to_str().unwrap().to_string();
    assert!(etag.starts_with('"') && etag.len() > 10, "{etag}");
    assert!(again.headers["vary"].to_str().unwrap().contains("cookie"));
    assert!(again.headers["cache-control"]
        .to_str()
        .unwrap()
        .contains("s-maxage"));

    // A kept page names its inline scripts by hash: never the nonce of another response.
    let csp = again.headers["content-security-policy"].to_str().unwrap();
    assert!(!csp.contains("nonce-"), "{csp}");
    let script = again
        .body
        .split("<script")
        .skip(1)
        .find(|s| !s.split('>').next().unwrap().contains(" src="))
        .expect("the page has an inline script");
    let content = &script[script.find('>').unwrap() + 1..script.find("</script>").unwrap()];
    let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(content.as_bytes()));
    assert!(csp.contains(&format!("'sha256-{hash}'")), "{csp}");

    // Revalidation and compression.
    let not_modified = b.get_with(path, &[("if-none-match", &etag)]).await;
    assert_eq!(not_modified.status, 304);
    assert!(not_modified.body.is_empty());
    let brotli = b.get_with(path, &[("accept-encoding", "gzip, br")]).await;
    assert_eq!(brotli.headers["content-encoding"], "br");
    let gzip = b.get_with(path, &[("accept-encoding", "gzip")]).await;
    assert_eq!(gzip.headers["content-encoding"], "gzip");

    // The price changes through the admin on server A …
    let edit = staff
        .post_multipart(
            &format!("/admin/products/{id}"),
            product_form("299.00", category),
        )
        .await;
    assert_eq!(edit.status, 303, "{}", edit.body);
    assert_eq!(a.price_of(id).await, 29_900);
    // … and the very next request through server B shows it.
    let after = b.get(path).await;
    assert_eq!(cache_outcome(&after), "miss");
    let text = html_unescape(&after.body);
    assert!(text.contains("299.00") && !text.contains("349.00"));
    assert_eq!(
        b.get_with(path, &[("if-none-match", &etag)]).await.status,
        200,
        "the old ETag no longer matches"
    );
    // Listing pages hold the product's price too.
    let listing = b.get("/products?q=cachet").await;
    assert!(html_unescape(&listing.body).contains("299.00"));

    // A stock change is a write like any other.
    let stocked = b.get(path).await;
    assert_eq!(cache_outcome(&stocked), "hit");
    a.set_stock(id, 0).await;
    let sold_out = b.get(path).await;
    assert_eq!(cache_outcome(&sold_out), "miss");
    assert_ne!(sold_out.body, stocked.body);
}

async fn what_is_a_visitors_own_is_never_kept(backend: Backend) {
    let Some((a, _b)) = two_servers(backend).await else {
        return;
    };
    let (_, slug) = a.first_active_product().await;
    let path = format!("/products/{slug}");
    let shopper = a.visitor();
    assert_eq!(shopper.get(&path).await.status, 200);
    assert_eq!(shopper.add_to_cart(&slug, 2).await.status, 303);
    // The shopper's own page shows their cart and is never a kept copy …
    for _ in 0..2 {
        let own = shopper.get(&path).await;
        assert_ne!(cache_outcome(&own), "hit");
        assert!(
            own.body.contains("aria-label=\"2 items\""),
            "the header counts the cart"
        );
    }
    // … nor is it what anyone else gets.
    let stranger = a.visitor();
    for _ in 0..2 {
        let page = stranger.get(&path).await;
        assert_eq!(page.status, 200);
        assert!(!page.body.contains("cart-link__count"));
    }
    // A signed-in customer is always rendered for.
    let customer = a.sign_in_as_customer("kept@example.com").await;
    for _ in 0..2 {
        assert_eq!(cache_outcome(&customer.get(&path).await), "none");
    }
    // Once the cart is empty again, the shopper's pages may be kept again.
    assert_eq!(shopper.remove_from_cart(&slug).await.status, 303);
    shopper.get(&path).await;
    shopper.get("/products").await;
    let listing = shopper.get("/products").await;
    assert_eq!(cache_outcome(&listing), "hit");
}

async fn kept_pages_still_record_each_visitors_trail(backend: Backend) {
    let Some((a, b)) = two_servers(backend).await else {
        return;
    };
    let (_, slug) = a.first_active_product().await;
    let path = format!("/products/{slug}");
    let views = |app: &TestApp| {
        let slug = slug.clone();
        let db = app.db.clone();
        async move {
            app::journey::recorder::flush(&db).await;
            sqlx::query_scalar::<_, i64>(
                "SELECT COUNT(DISTINCT visitor_id) FROM journey_events WHERE kind = 'product_view' AND subject = $1",
            )
            .bind(&slug)
            .fetch_one(db.pool())
            .await
            .unwrap()
        }
    };
    assert_eq!(cache_outcome(&b.visitor().get(&path).await), "miss");
    for _ in 0..3 {
        assert_eq!(cache_outcome(&b.visitor().get(&path).await), "hit");
    }
    assert_eq!(views(&b).await, 4, "each of four browsers viewed it once");
    let private = b.visitor_sending(&[("dnt", "1")]);
    assert_eq!(cache_outcome(&private.get(&path).await), "hit");
    assert_eq!(views(&b).await, 4, "Do-Not-Track records nothing");

    // A returning browser is served kept pages too, once its class is known.
    let returning = b.visitor();
    for _ in 0..3 {
        returning.get(&path).await;
    }
    assert_eq!(cache_outcome(&returning.get(&path).await), "hit");

    // The visitor's own trail: what they viewed from kept pages is on "my research".
    let reader = b.visitor();
    reader.get(&path).await;
    let research = reader.get("/my-research").await;
    let names: String = a.name_of(a.product_id(&slug).await).await;
    assert!(html_unescape(&research.body).contains(&names), "{names}");
}

/// A returning visitor's class is moved on from the one their browser holds (one query
/// for a guide, none for a first visit) instead of from their whole trail: after every
/// view it must say what the whole trail says.
async fn a_returning_visitors_class_moves_on_as_their_trail_says(backend: Backend) {
    let Some((_, b)) = two_servers(backend).await else {
        return;
    };
    // Guides of one persona, from the first stage to the last, then a product.
    let guides: Vec<(String, String)> = sqlx::query_as(
        "SELECT c.slug, c.stage FROM content c JOIN content_personas cp ON cp.content_id = c.id \
         WHERE c.status = 'published' AND cp.persona_id = (SELECT MIN(persona_id) FROM content_personas) \
         ORDER BY CASE c.stage WHEN 'awareness' THEN 0 WHEN 'consideration' THEN 1 ELSE 2 END, c.slug",
    )
    .fetch_all(b.db.pool())
    .await
    .unwrap();
    assert!(guides.len() >= 2, "{guides:?}");
    let (_, product) = b.first_active_product().await;
    let visitor = b.visitor();
    let first = visitor.get("/learn").await;
    let visitor_id = first
        .set_cookie("sf_visitor")
        .expect("a first visit gets a visitor id");
    let mut held = first
        .set_cookie("sf_profile")
        .expect("a first visit gets a class");
    let mut paths: Vec<String> = guides
        .iter()
        .map(|(slug, _)| format!("/learn/{slug}"))
        .collect();
    paths.push(format!("/products/{product}"));
    let mut persona_seen = false;
    for path in paths {
        let page = visitor.get(&path).await;
        assert_eq!(page.status, 200, "{path}");
        if let Some(class) = page.set_cookie("sf_profile") {
            held = class;
        }
        app::journey::recorder::flush(&b.db).await;
        let trail = app::journey::api::profile_class_of(
            &b.db,
            &app::request::Visitor {
                id: visitor_id.clone(),
                tracking_allowed: true,
            },
            None,
            &[],
        )
        .await
        .unwrap();
        assert_eq!(held, trail, "after {path}");
        persona_seen |= held.contains(".read");
    }
    assert!(
        held.starts_with("decision") || guides.iter().all(|(_, s)| s != "decision"),
        "{held}"
    );
    assert!(
        persona_seen || guides.len() < 2,
        "reading guides of one persona names it: {held}"
    );
}

/// A cold page asked for by many visitors at once (a start, the moment after a price
/// change) is rendered once: the others wait for those bytes instead of each rendering
/// and compressing it side by side.
async fn visitors_arriving_at_once_wait_for_one_render(backend: Backend) {
    let Some((a, _b)) = two_servers(backend).await else {
        return;
    };
    let pages =
        futures::future::join_all((0..24).map(|_| a.get("/products/aurelia-duo-dual-boiler")))
            .await;
    let outcomes: Vec<String> = pages.iter().map(cache_outcome).collect();
    assert!(pages.iter().all(|p| p.status == 200));
    assert_eq!(
        outcomes.iter().filter(|o| *o == "miss").count(),
        1,
        "one render for 24 visitors at once: {outcomes:?}"
    );
    assert!(
        pages.iter().all(|p| p.body == pages[0].body),
        "everyone got the same page"
    );
}
