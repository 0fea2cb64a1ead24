//! The content hub as customers use it: filters, the no-pitch rule for awareness pieces,
//! the product page's "Learn before you buy", scheduling, feed and sitemap, downloads, and
//! the one search over products and guides.

use super::{content_cards, visible_count};
use crate::helpers::{spawn_seeded_app, Backend};
use crate::on_both_backends;

async fn hub_filters_by_kind_stage_and_persona(backend: Backend) {
    let Some(app) = spawn_seeded_app(backend).await else {
        return;
    };
    let all = app.get("/learn").await;
    assert_eq!(all.status, 200);
    let total = visible_count(&app).await;
    assert!(total >= 24, "the demo has at least 24 pieces");
    assert_eq!(content_cards(&all).len() as i64, total);

    let videos = app.get("/learn?kind=video").await;
    let expected = app
        .count("SELECT COUNT(*) FROM content WHERE kind = 'video'")
        .await;
    assert_eq!(content_cards(&videos).len() as i64, expected);
    assert!(expected >= 3);

    let narrowed = app.get("/learn?stage=decision&persona=cafe-owner").await;
    let cards = content_cards(&narrowed);
    let expected = app
        .count(
            "SELECT COUNT(*) FROM content c WHERE c.stage = 'decision' AND EXISTS (SELECT 1 FROM content_personas cp JOIN personas p ON p.id = cp.persona_id WHERE cp.content_id = c.id AND p.slug = 'cafe-owner')",
        )
        .await;
    assert!(expected >= 2);
    assert_eq!(cards.len() as i64, expected);
    assert!(cards.iter().all(|(stage, _)| stage == "decision"));

    let unknown = app.get("/learn?kind=podcast&persona=astronaut").await;
    assert_eq!(unknown.status, 200);
    assert!(unknown.body.contains("There is no content type"));
    assert!(
        unknown.body.contains("We don&#x27;t know that persona")
            || unknown.body.contains("We don't know that persona")
    );
    assert_eq!(
        content_cards(&unknown).len() as i64,
        total,
        "unknown filters are ignored"
    );
}

async fn awareness_pieces_never_pitch_products(backend: Backend) {
    let Some(app) = spawn_seeded_app(backend).await else {
        return;
    };
    // Link a product to an awareness piece on purpose: the page must still not show it.
    let (awareness_id, awareness_slug) = app.first_piece_at_stage("awareness").await;
    sqlx::query(
        "INSERT INTO content_products (content_id, product_id) SELECT $1, MIN(id) FROM products",
    )
    .bind(awareness_id)
    .execute(app.db.pool())
    .await
    .unwrap();
    let awareness = app.get(&format!("/learn/{awareness_slug}")).await;
    assert_eq!(awareness.status, 200);
    assert!(!awareness.body.contains("Products in this guide"));
    assert!(
        awareness.card_names().is_empty(),
        "no product cards on an awareness piece"
    );

    let (decision_slug, linked): (String, i64) = sqlx::query_as(
        "SELECT c.slug, COUNT(p.id) FROM content c JOIN content_products cp ON cp.content_id = c.id JOIN products p ON p.id = cp.product_id AND p.status = 'active' \
         WHERE c.stage = 'decision' GROUP BY c.id, c.slug ORDER BY c.id LIMIT 1",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    let decision = app.get(&format!("/learn/{decision_slug}")).await;
    assert!(decision.body.contains("Products in this guide"));
    assert_eq!(decision.card_names().len() as i64, linked);
    let ld = decision.json_ld();
    assert!(ld
        .iter()
        .any(|v| v["@type"] == "Article" || v["@type"] == "VideoObject"));
}

async fn product_page_lists_guides_for_someone_comparing(backend: Backend) {
    let Some(app) = spawn_seeded_app(backend).await else {
        return;
    };
    // The product linked from the most pieces, directly or through its category.
    let slug: String = sqlx::query_scalar(
        "SELECT p.slug FROM products p JOIN content_products cp ON cp.product_id = p.id WHERE p.status = 'active' \
         GROUP BY p.id, p.slug ORDER BY COUNT(*) DESC, p.id LIMIT 1",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    let page = app.get(&format!("/products/{slug}")).await;
    assert!(page.body.contains("Learn before you buy"));
    let stages: Vec<String> = content_cards(&page).into_iter().map(|(s, _)| s).collect();
    assert!(!stages.is_empty());
    let rank = |s: &str| match s {
        "consideration" => 0,
        "decision" => 1,
        _ => 2,
    };
    let ranks: Vec<i32> = stages.iter().map(|s| rank(s)).collect();
    let mut sorted = ranks.clone();
    sorted.sort();
    assert_eq!(
        ranks, sorted,
        "comparing guides first, then decision, then background: {stages:?}"
    );
}

async fn scheduled_pieces_stay_hidden_until_their_date(backend: Backend) {
    let Some(app) = spawn_seeded_app(backend).await else {
        return;
    };
    let (slug, title) = app.first_piece().await;
    app.set_published_at(&slug, app::db::now_unix() + 3600)
        .await;
    assert_eq!(app.get(&format!("/learn/{slug}")).await.status, 404);
    let hub = app.get("/learn").await;
    assert!(!content_cards(&hub).iter().any(|(_, t)| t == &title));

    let feed = app.get("/feed.xml").await;
    assert_eq!(feed.status, 200);
    assert!(feed.headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/atom+xml"));
    assert!(feed.body.starts_with("<?xml"));
    assert_eq!(
        feed.body.matches("<entry>").count() as i64,
        visible_count(&app).await.min(30)
    );
    assert!(
        !feed.body.contains(&format!("/learn/{slug}<"))
            && !feed.body.contains(&format!("/learn/{slug}\""))
    );

    let sitemap = app.get("/sitemap.xml").await;
    assert_eq!(
        sitemap.body.matches("/learn/").count() as i64,
        visible_count(&app).await
    );
    assert!(!sitemap.body.contains(&format!("/learn/{slug}<")));
}

async fn downloads_and_infographics_are_served(backend: Backend) {
    let Some(app) = spawn_seeded_app(backend).await else {
        return;
    };
    let (paper, _) = app.first_piece_of_kind("whitepaper").await;
    let download = app.get(&format!("/learn/{paper}/download")).await;
    assert_eq!(download.status, 200);
    assert!(download.headers["content-disposition"]
        .to_str()
        .unwrap()
        .contains("attachment"));
    let (article, _) = app.first_piece_of_kind("article").await;
    assert_eq!(
        app.get(&format!("/learn/{article}/download")).await.status,
        404
    );

    let (infographic, _) = app.first_piece_of_kind("infographic").await;
    let page = app.get(&format!("/learn/{infographic}")).await;
    assert!(
        page.body.contains("What the infographic shows"),
        "a full text description for screen readers"
    );
    let picture = app.get(&format!("/media/content/{infographic}.svg")).await;
    assert_eq!(picture.status, 200);
    assert_eq!(picture.headers["content-type"], "image/svg+xml");
}

async fn one_search_finds_products_and_guides(backend: Backend) {
    let Some(app) = spawn_seeded_app(backend).await else {
        return;
    };
    let page = app.get("/search?q=grinder").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Products ("), "products are labelled");
    assert!(page.body.contains("Guides ("), "guides are labelled");
    assert!(!page.card_names().is_empty());
    assert!(!content_cards(&page).is_empty());
    assert!(page.body.contains("href=\"/products?q=grinder\""));

    let none = app.get("/search?q=zzzzqqqq").await;
    assert_eq!(none.status, 200);
    assert!(none.body.contains("Nothing matches yet"));
    let empty = app.get("/search").await;
    assert!(empty.body.contains("Type what you are looking for"));
}

on_both_backends!(
    one_search_finds_products_and_guides,
    hub_filters_by_kind_stage_and_persona,
    awareness_pieces_never_pitch_products,
    product_page_lists_guides_for_someone_comparing,
    scheduled_pieces_stay_hidden_until_their_date,
    downloads_and_infographics_are_served,
);
