//! Search that finds what people mean, as shoppers typed it: the product kind (category
//! names) counts, words the catalogue doesn't hold are corrected or left out (and the page
//! says so), synonyms find the thing by its other name, and plurals stem.

use crate::helpers::{
    fresh_database_url, html_unescape, spawn_app_on, spawn_seeded_app, Backend, TestApp,
};
use crate::on_both_backends;
use reqwest::multipart::Form;

on_both_backends!(
    search_finds_what_people_mean,
    staff_edit_the_search_words,
    every_server_searches_its_own_index_in_step_with_the_database,
);

async fn names_in(app: &TestApp, category: &str) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT p.name FROM products p JOIN categories c ON c.id = p.category_id \
         WHERE c.slug = $1 AND p.status = 'active' ORDER BY p.name",
    )
    .bind(category)
    .fetch_all(app.db.pool())
    .await
    .unwrap()
}

async fn search_finds_what_people_mean(backend: Backend) {
    let Some(app) = spawn_seeded_app(backend).await else {
        return;
    };
    let home = names_in(&app, "home-espresso").await;
    let commercial = names_in(&app, "commercial-espresso").await;
    assert!(home.len() >= 5 && commercial.len() >= 3);
    let found = |names: &[String], wanted: &[String]| -> Vec<String> {
        wanted
            .iter()
            .filter(|w| !names.contains(w))
            .cloned()
            .collect()
    };

    // Every espresso machine, whatever its name says, and one of them first.
    let page = app.get("/products?q=espresso+machines").await;
    assert_eq!(page.status, 200);
    let names = page.card_names();
    let all: Vec<String> = home.iter().chain(&commercial).cloned().collect();
    assert!(
        found(&names, &all).is_empty(),
        "missing {:?} in {names:?}",
        found(&names, &all)
    );
    assert!(all.contains(&names[0]), "{names:?}");

    // The kind narrows it: home espresso machines, commercial grinders.
    let names = app
        .get("/products?q=home+espresso+machine")
        .await
        .card_names();
    assert!(found(&names, &home).is_empty(), "{names:?}");
    let grinders = names_in(&app, "commercial-grinders").await;
    let names = app.get("/products?q=commercial+grinder").await.card_names();
    assert!(found(&names, &grinders).is_empty(), "{names:?}");
    assert!(grinders.contains(&names[0]), "{names:?}");

    // A typo is corrected, and the page says what it searched for.
    let page = app.get("/products?q=grindr").await;
    let body = html_unescape(&page.body).replace("<!>", "");
    assert!(
        body.contains("Showing results for \u{201c}grinder\u{201d}"),
        "{body}"
    );
    let names = page.card_names();
    assert!(found(&names, &grinders).is_empty(), "{names:?}");

    // A synonym finds the thing by its other name.
    let names = app.get("/products?q=milk+jug").await.card_names();
    assert!(
        names.iter().any(|n| n.contains("Milk Pitcher")),
        "{names:?}"
    );

    // Words the store has nothing for find nothing, and say so.
    let page = app.get("/products?q=unicorn+saddle").await;
    assert_eq!(page.status, 200);
    assert!(page.card_names().is_empty());
    assert!(html_unescape(&page.body).contains("No products"));

    // Suggestions as you type use the same understanding.
    let suggest = app.get("/api/suggest?q=kettel").await;
    assert_eq!(suggest.status, 200);
    assert!(
        suggest.body.to_lowercase().contains("kettle"),
        "{}",
        suggest.body
    );
}

async fn staff_edit_the_search_words(backend: Backend) {
    let Some(app) = spawn_seeded_app(backend).await else {
        return;
    };
    let grinders = names_in(&app, "home-grinders").await;
    assert!(!grinders.is_empty());
    // "burrmill" is nobody's word yet: nothing found (and the empty page is kept).
    for _ in 0..2 {
        assert!(app
            .get("/products?q=burrmill")
            .await
            .card_names()
            .is_empty());
    }

    let staff = app.sign_in_as_staff("marketing").await;
    let page = staff.get("/admin/search-words").await;
    assert_eq!(page.status, 200);
    assert!(
        html_unescape(&page.body).contains("jug"),
        "the demo synonyms are listed"
    );

    // A bad pair is refused next to its field, with what was typed.
    let bad = staff
        .post_form(
            "/admin/search-words",
            "action=add&word=burr+mill&means=grinder",
        )
        .await;
    assert_eq!(bad.status, 422);
    let text = html_unescape(&bad.body);
    assert!(text.contains("one word of 2 to 40 letters"), "{text}");
    assert!(text.contains("value=\"burr mill\""));

    let added = staff
        .post_form(
            "/admin/search-words",
            "action=add&word=Burrmill&means=grinder",
        )
        .await;
    assert_eq!(added.status, 303);
    let again = staff
        .post_form(
            "/admin/search-words",
            "action=add&word=burrmill&means=grinder",
        )
        .await;
    assert_eq!(again.status, 422, "the same pair twice");
    // The very next search uses it.
    let found = app.get("/products?q=burrmill").await.card_names();
    assert!(
        grinders.iter().all(|g| found.contains(g)),
        "{found:?} vs {grinders:?}"
    );
    assert_eq!(
        app.audit_actions_like("search.synonym%").await,
        vec!["search.synonym_add".to_string()]
    );

    let removed = staff
        .post_form(
            "/admin/search-words",
            "action=delete&word=burrmill&means=grinder",
        )
        .await;
    assert_eq!(removed.status, 303);
    assert!(app
        .get("/products?q=burrmill")
        .await
        .card_names()
        .is_empty());

    // Only the catalogue's staff may edit them.
    let sales = app.sign_in_as_staff("sales").await;
    assert_ne!(sales.get("/admin/search-words").await.status, 200);
    assert_ne!(
        sales
            .post_form("/admin/search-words", "action=add&word=kettel&means=kettle")
            .await
            .status,
        303
    );
}

fn zephyrine_form(price: &str, status: &str, category: i64) -> Form {
    Form::new()
        .text("name", "Zephyrine Grinder")
        .text("slug", "zephyrine-grinder")
        .text("sku", "ZEPHYRINE-1")
        .text("category_id", category.to_string())
        .text("summary", "A grinder for the search index test.")
        .text("description_md", "Conical burrs.")
        .text("price", price.to_string())
        .text("compare_at", "")
        .text("stock", "7")
        .text("status", status.to_string())
        .text("specs", "Burr size: 48 mm\nBurr type: Conical")
        .text("weight", "1200")
}

/// Each app server searches its own index (catalog/engine.rs), built at start-up and kept
/// in step through the change log: a write through server A is found, filtered and
/// counted through server B on the very next search, and a server started later builds
/// its index from the database.
async fn every_server_searches_its_own_index_in_step_with_the_database(backend: Backend) {
    let Some(url) = fresh_database_url(backend).await else {
        return;
    };
    let a = spawn_app_on(&url, &[]).await;
    server::seed::seed_demo_store(&a.db).await.unwrap();
    let b = spawn_app_on(&url, &[]).await;
    let wanted = "Zephyrine Grinder".to_string();
    let names = |page: crate::helpers::Page| page.card_names();
    assert!(!names(b.get("/products?q=zephyrine").await).contains(&wanted));

    let staff = a.sign_in_as_staff("marketing").await;
    let category = a.first_category().await;
    let created = staff
        .create_product(zephyrine_form("349.00", "active", category))
        .await;
    assert_eq!(created.status, 303, "{}", created.body);
    let id = a.product_id("zephyrine-grinder").await;

    // Found through B at once, by name, by a plural and by its spec, with facets counted.
    let page = b.get("/products?q=zephyrine").await;
    assert_eq!(page.card_names(), vec![wanted.clone()]);
    assert_eq!(page.result_count(), 1);
    assert!(names(b.get("/products?q=zephyrine+grinders").await).contains(&wanted));
    let conical = b.get("/products?q=conical+zephyrine").await;
    assert!(conical.card_names().contains(&wanted));
    let facets = conical.facet_links();
    assert!(
        facets
            .iter()
            .any(|(href, _, count)| href.contains("stock=1") && *count == 1),
        "{facets:?}"
    );
    // A price filter follows the price: 349 is over 300 …
    assert!(!names(b.get("/products?q=zephyrine&max=300").await).contains(&wanted));
    let edit = staff
        .post_multipart(
            &format!("/admin/products/{id}"),
            zephyrine_form("299.00", "active", category),
        )
        .await;
    assert_eq!(edit.status, 303, "{}", edit.body);
    // … and 299 is not.
    assert_eq!(
        names(b.get("/products?q=zephyrine&max=300").await),
        vec![wanted.clone()]
    );
    // Sorted by price, the cheapest first, whatever the server.
    let sorted = names(b.get("/products?q=grinder&sort=price_asc").await);
    assert!(sorted.len() > 1, "{sorted:?}");

    // A server started now builds its index from the database and finds the same.
    let c = spawn_app_on(&url, &[]).await;
    assert_eq!(
        names(c.get("/products?q=zephyrine&max=300").await),
        vec![wanted.clone()]
    );

    // Archived: no server finds it any more.
    let archived = staff
        .post_multipart(
            &format!("/admin/products/{id}"),
            zephyrine_form("299.00", "archived", category),
        )
        .await;
    assert_eq!(archived.status, 303);
    for server in [&a, &b, &c] {
        assert!(!names(server.get("/products?q=zephyrine").await).contains(&wanted));
    }
}
