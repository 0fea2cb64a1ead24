//! Search that finds what people mean, as shoppers typed it: the product kind (category
//! names) counts, words the catalogue doesn't hold are corrected or left out (and the page
//! says so), synonyms find the thing by its other name, and plurals stem.

use crate::helpers::{html_unescape, spawn_seeded_app, Backend, TestApp};
use crate::on_both_backends;

on_both_backends!(search_finds_what_people_mean, staff_edit_the_search_words);

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
