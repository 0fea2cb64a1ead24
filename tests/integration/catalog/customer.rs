//! The catalogue as customers use it: search ranking, facets, product pages, 404s,
//! comparison and bad input.

use crate::helpers::{spawn_seeded_app, Backend};
use crate::on_both_backends;

on_both_backends!(
    search_ranks_an_exact_name_match_first,
    facet_counts_match_the_filtered_result,
    unknown_or_draft_product_gets_a_real_404,
    product_page_carries_json_ld_with_its_price,
    category_page_includes_descendant_categories,
    compare_page_aligns_specs_of_the_chosen_products,
    compare_tray_form_works_without_javascript,
    bad_search_input_gets_a_clear_answer_never_a_500,
    search_suggestions_answer_as_you_type,
    broad_search_counts_every_match,
);

async fn search_ranks_an_exact_name_match_first(backend: Backend) {
    let Some(app) = spawn_seeded_app(backend).await else {
        return;
    };
    let page = app.get("/products?q=Office+Bean-to-Cup+Machine").await;
    assert_eq!(page.status, 200);
    let names = page.card_names();
    assert!(
        names.len() > 1,
        "several products mention office bean-to-cup: {names:?}"
    );
    assert_eq!(names[0], "Office Bean-to-Cup Machine");

    // Lower-case and partial words still find it.
    let page = app.get("/products?q=office+bean").await;
    assert!(page
        .card_names()
        .contains(&"Office Bean-to-Cup Machine".to_string()));
}

async fn facet_counts_match_the_filtered_result(backend: Backend) {
    let Some(app) = spawn_seeded_app(backend).await else {
        return;
    };
    for start in ["/products", "/products?q=espresso", "/categories/grinders"] {
        let page = app.get(start).await;
        assert_eq!(page.status, 200, "{start}");
        let facets = page.facet_links();
        assert!(facets.len() >= 5, "{start} shows facets: {facets:?}");
        for (href, label, count) in facets {
            if page.body.contains(&format!(
                "href=\"{}\" class=\"facet is-selected",
                href.replace('&', "&amp;")
            )) {
                continue; // a selected facet's link removes the filter
            }
            let filtered = app.get(&href).await;
            assert_eq!(filtered.status, 200, "{href}");
            assert_eq!(
                filtered.result_count(),
                count,
                "facet \"{label}\" on {start} promised {count} results at {href}"
            );
        }
    }
}

async fn unknown_or_draft_product_gets_a_real_404(backend: Backend) {
    let Some(app) = spawn_seeded_app(backend).await else {
        return;
    };
    for path in [
        "/products/no-such-thing",
        "/products/larkspur-mini-dual-boiler",    // draft
        "/products/kestrel-58-flat-burr-grinder", // archived
        "/products/NOT_A_SLUG",
        "/categories/no-such-category",
        "/definitely/not/a/page",
    ] {
        let page = app.get(path).await;
        assert_eq!(page.status, 404, "{path}");
        assert!(
            page.body.contains("Page not found"),
            "{path} renders the 404 page"
        );
        assert!(
            page.body.contains("href=\"/products\""),
            "{path} offers a way on"
        );
    }
    let live = app.get("/products/aurelia-duo-dual-boiler").await;
    assert_eq!(live.status, 200);
}

async fn product_page_carries_json_ld_with_its_price(backend: Backend) {
    let Some(app) = spawn_seeded_app(backend).await else {
        return;
    };
    let price_cents = app
        .price_of(app.product_id("aurelia-duo-dual-boiler").await)
        .await;
    let page = app.get("/products/aurelia-duo-dual-boiler").await;
    assert_eq!(page.status, 200);
    let blocks = page.json_ld();
    let product = blocks
        .iter()
        .find(|b| b["@type"] == "Product")
        .expect("a Product block");
    let expected = format!("{}.{:02}", price_cents / 100, price_cents % 100);
    assert_eq!(product["offers"]["price"], expected.as_str());
    assert_eq!(product["offers"]["priceCurrency"], "USD");
    assert_eq!(product["name"], "Aurelia Duo Dual-Boiler");
    assert!(blocks.iter().any(|b| b["@type"] == "BreadcrumbList"));
    // SEO basics are server-rendered.
    assert!(page
        .body
        .contains("<title>Aurelia Duo Dual-Boiler · Storefront</title>"));
    assert!(page.body.contains("rel=\"canonical\""));
    assert!(page.body.contains("property=\"og:title\""));
    assert!(page.body.contains("name=\"description\""));
}

async fn category_page_includes_descendant_categories(backend: Backend) {
    let Some(app) = spawn_seeded_app(backend).await else {
        return;
    };
    let expected = app
        .count(
            "SELECT COUNT(*) FROM products p JOIN categories c ON c.id = p.category_id \
             LEFT JOIN categories parent ON parent.id = c.parent_id \
             WHERE p.status = 'active' AND (c.slug = 'espresso' OR parent.slug = 'espresso')",
        )
        .await;
    assert!(expected > 5);
    let page = app.get("/categories/espresso").await;
    assert_eq!(page.status, 200);
    assert_eq!(page.result_count(), expected);
    assert!(page.body.contains("Home espresso machines"));
}

async fn compare_page_aligns_specs_of_the_chosen_products(backend: Backend) {
    let Some(app) = spawn_seeded_app(backend).await else {
        return;
    };
    let page = app
        .get("/compare?products=aurelia-duo-dual-boiler,petrel-compact-espresso")
        .await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Aurelia Duo Dual-Boiler"));
    assert!(page.body.contains("Petrel Compact Espresso"));
    // Same spec names line up in one row each, and differing rows are marked.
    let rows = page.body.matches("data-differs=\"").count();
    let specs = app
        .count(
            "SELECT COUNT(DISTINCT s.name) FROM product_specs s JOIN products p ON p.id = s.product_id \
             WHERE p.slug IN ('aurelia-duo-dual-boiler', 'petrel-compact-espresso')",
        )
        .await;
    assert_eq!(rows as i64, specs, "one row per spec name");
    assert!(page.body.contains("data-differs=\"true\""));

    let one = app.get("/compare?products=aurelia-duo-dual-boiler").await;
    assert_eq!(one.status, 200);
    assert!(one.body.contains("Pick one more product"));
    let five = app.get("/compare?products=a,b,c,d,e").await;
    assert!(five.body.contains("You can compare up to 4 products"));
}

async fn compare_tray_form_works_without_javascript(backend: Backend) {
    let Some(app) = spawn_seeded_app(backend).await else {
        return;
    };
    let response = app
        .post_form(
            "/compare/tray",
            "slug=aurelia-duo-dual-boiler&back=%2Fproducts%3Fq%3Despresso",
            &[],
        )
        .await;
    assert_eq!(response.status, 303);
    assert_eq!(response.headers["location"], "/products?q=espresso");
    let cookie = response.headers["set-cookie"].to_str().unwrap().to_string();
    assert!(
        cookie.starts_with("sf_compare=aurelia-duo-dual-boiler;"),
        "{cookie}"
    );

    let cookie_header = "sf_compare=aurelia-duo-dual-boiler.petrel-compact-espresso";
    let tray = app.get_with("/compare", &[("cookie", cookie_header)]).await;
    assert!(tray.body.contains("Aurelia Duo Dual-Boiler"));
    assert!(tray.body.contains("Petrel Compact Espresso"));

    let evil = app
        .post_form(
            "/compare/tray",
            "slug=aurelia-duo-dual-boiler&back=https%3A%2F%2Fevil.example",
            &[],
        )
        .await;
    assert_eq!(evil.headers["location"], "/compare");
}

async fn bad_search_input_gets_a_clear_answer_never_a_500(backend: Backend) {
    let Some(app) = spawn_seeded_app(backend).await else {
        return;
    };
    let long = "a".repeat(10_000);
    let page = app.get(&format!("/products?q={long}")).await;
    assert_eq!(page.status, 400);
    assert!(page.body.contains("Your search is too long"));

    let page = app.get("/products?page=abc").await;
    assert_eq!(page.status, 400);
    assert!(page.body.contains("whole number"));

    for (path, note) in [
        ("/products?page=0", "Pages start at 1"),
        ("/products?min=-5", "can&#x27;t be negative"),
        ("/products?max=cheap", "isn&#x27;t a number"),
        ("/products?sort=sideways", "Unknown sort order"),
        ("/products?page=500", "this page is empty"),
    ] {
        let page = app.get(path).await;
        assert_eq!(page.status, 200, "{path}");
        assert!(
            page.body.contains(note) || page.body.contains(&note.replace("&#x27;", "'")),
            "{path}: {note}"
        );
    }
    for path in [
        "/products?q=%22unbalanced",
        "/products?q=AND+OR+NOT",
        "/products?q=***",
        "/products?spec=Boiler+type%3A%27%3B+DROP+TABLE+products",
        "/products?utm_source=x&whatever=1",
        "/products?q=%E2%98%95",
    ] {
        let page = app.get(path).await;
        assert_eq!(page.status, 200, "{path}");
    }
    let still_there = app.get("/products/aurelia-duo-dual-boiler").await;
    assert_eq!(still_there.status, 200);
}

async fn search_suggestions_answer_as_you_type(backend: Backend) {
    let Some(app) = spawn_seeded_app(backend).await else {
        return;
    };
    let page = app.get("/api/suggest?q=kest").await;
    assert_eq!(page.status, 200, "{}", page.body);
    let suggestions: serde_json::Value = serde_json::from_str(&page.body).unwrap();
    let names: Vec<&str> = suggestions
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert!(names.iter().any(|n| n.starts_with("Kestrel")), "{names:?}");
}

async fn broad_search_counts_every_match(backend: Backend) {
    let Some(app) = spawn_seeded_app(backend).await else {
        return;
    };
    // Every generated product's summary ends in "variant".
    server::seed::generate_bulk_products(&app.db, 1_100)
        .await
        .unwrap();
    let page = app.get("/products?q=variant").await;
    assert_eq!(page.status, 200);
    // Written after the server started: the index follows the change log.
    let total = page.result_count();
    assert!(total >= 1_000, "every match counted: {total}");
    assert!(!page.body.contains("matches more than"));
    // Facets describe exactly the whole result.
    let (href, label, count) = page
        .facet_links()
        .into_iter()
        .find(|(href, _, _)| href.contains("stock=1"))
        .expect("an in-stock facet");
    let filtered = app.get(&href).await;
    assert_eq!(filtered.result_count(), count, "{label}");
    assert!(count <= total);
    // The last page holds the rest.
    let last = (total + 23) / 24;
    let tail = app.get(&format!("/products?q=variant&page={last}")).await;
    assert_eq!(tail.card_names().len() as i64, total - (last - 1) * 24);
}
