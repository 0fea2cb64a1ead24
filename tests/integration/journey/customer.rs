//! The research trail as visitors leave it: events, Do-Not-Track, clearing, joining an
//! account, reading progress, and recommendations that follow the visitor's persona and
//! stage.

use super::{card_stages, events_about};
use crate::helpers::{spawn_seeded_app, Backend};
use crate::on_both_backends;

async fn do_not_track_visitors_leave_no_trail(backend: Backend) {
    let Some(app) = spawn_seeded_app(backend).await else {
        return;
    };
    let (_, product) = app.first_active_product().await;
    let (piece, _) = app.first_piece().await;

    for (headers, search) in [
        (vec![("dnt", "1")], "dntonlysearch"),
        (vec![("sec-gpc", "1")], "gpconlysearch"),
    ] {
        let private = app.visitor_sending(&headers);
        assert_eq!(
            private.get(&format!("/products/{product}")).await.status,
            200
        );
        assert_eq!(private.get(&format!("/learn/{piece}")).await.status, 200);
        private.get(&format!("/products?q={search}")).await;
        assert_eq!(
            events_about(&app, search).await,
            0,
            "{headers:?}: nothing recorded"
        );
        let page = private.get("/my-research").await;
        assert!(page.body.contains("we record nothing of your browsing"));
    }
    let total = app.count("SELECT COUNT(*) FROM journey_events").await;
    assert_eq!(total, 0);

    let open = app.visitor();
    open.get(&format!("/products/{product}")).await;
    open.get("/products?q=opensearch").await;
    assert_eq!(events_about(&app, &product).await, 1);
    assert_eq!(events_about(&app, "opensearch").await, 1);
    let page = open.get("/my-research").await;
    assert!(page.body.contains("Products you looked at"));
    assert!(page.body.contains("opensearch"));
}

async fn clearing_my_research_forgets_the_visitor(backend: Backend) {
    let Some(app) = spawn_seeded_app(backend).await else {
        return;
    };
    let (_, product) = app.first_active_product().await;
    let visitor = app.visitor();
    let other = app.visitor();
    visitor.get(&format!("/products/{product}")).await;
    other.get(&format!("/products/{product}")).await;
    let saved = visitor
        .save_for_later("product", &product, "/my-research")
        .await;
    assert_eq!(saved.status, 303);
    assert!(visitor
        .get("/my-research")
        .await
        .body
        .contains("Saved for later"));

    let cleared = visitor.clear_my_research().await;
    assert_eq!(cleared.status, 303);
    assert_eq!(cleared.location(), "/my-research?cleared=1");
    assert_eq!(
        events_about(&app, &product).await,
        1,
        "only the other visitor's view is left"
    );
    let page = visitor.get("/my-research?cleared=1").await;
    assert!(page.body.contains("Nothing yet"));
    assert!(!page.body.contains("Saved for later"));
}

async fn the_anonymous_trail_joins_the_account_at_sign_in(backend: Backend) {
    let Some(app) = spawn_seeded_app(backend).await else {
        return;
    };
    let (_, product) = app.first_active_product().await;
    app.create_user("trail@example.com", None).await;
    let visitor = app.visitor();
    visitor.get(&format!("/products/{product}")).await;
    let login = visitor.sign_in("trail@example.com").await;
    assert_eq!(login.status, 303);
    app.settle_trail().await;
    let owner: Option<String> = sqlx::query_scalar(
        "SELECT u.email FROM journey_events e JOIN users u ON u.id = e.user_id WHERE e.subject = $1",
    )
    .bind(&product)
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert_eq!(owner.as_deref(), Some("trail@example.com"));

    // On another device, the same account sees the trail.
    let laptop = app.visitor();
    laptop.sign_in("trail@example.com").await;
    let page = laptop.get("/my-research").await;
    assert!(page.body.contains(&format!("/products/{product}")));
}

async fn recommendations_follow_persona_and_stage(backend: Backend) {
    let Some(app) = spawn_seeded_app(backend).await else {
        return;
    };
    let visitor = app.visitor();
    let chose = visitor
        .choose_persona("cafe-owner", "/learn?sort=recommended")
        .await;
    assert_eq!(chose.status, 303);
    assert_eq!(chose.location(), "/learn?sort=recommended");
    let bad = visitor.choose_persona("astronaut", "/learn").await;
    assert_eq!(bad.status, 422);

    let hub = visitor.get("/learn?sort=recommended").await;
    let stages = card_stages(&hub.body);
    assert_eq!(
        stages.first().map(String::as_str),
        Some("awareness"),
        "a new visitor starts with general guides"
    );
    assert!(
        hub.body.contains("selected>The café owner")
            || hub.body.contains("selected=\"\">The café owner")
            || hub.body.contains("The café owner")
    );
    let first_title_is_for_cafe_owners: bool = {
        let first = hub
            .body
            .split("class=\"content-card__foot\">")
            .nth(1)
            .unwrap_or("");
        first
            .split("</p>")
            .next()
            .unwrap_or("")
            .contains("café owner")
    };
    assert!(
        first_title_is_for_cafe_owners,
        "the chosen persona's pieces come first"
    );

    // Reading a decision-stage piece moves the visitor to the decision stage.
    let (_, decision) = app.first_piece_at_stage("decision").await;
    visitor.get(&format!("/learn/{decision}")).await;
    let hub = visitor.get("/learn?sort=recommended").await;
    assert_eq!(
        card_stages(&hub.body).first().map(String::as_str),
        Some("decision")
    );
    let research = visitor.get("/my-research").await;
    assert!(research.body.contains("ready to choose"));
    assert!(research.body.contains("You told us you"));
}

async fn reading_reveals_a_persona_after_enough_evidence(backend: Backend) {
    let Some(app) = spawn_seeded_app(backend).await else {
        return;
    };
    // Pieces written only for office managers.
    let pieces: Vec<String> = sqlx::query_scalar(
        "SELECT c.slug FROM content c WHERE (SELECT COUNT(*) FROM content_personas cp WHERE cp.content_id = c.id) = 1 \
         AND EXISTS (SELECT 1 FROM content_personas cp JOIN personas p ON p.id = cp.persona_id WHERE cp.content_id = c.id AND p.slug = 'office-manager') \
         ORDER BY c.id LIMIT 2",
    )
    .fetch_all(app.db.pool())
    .await
    .unwrap();
    assert_eq!(pieces.len(), 2, "the demo has office-manager-only pieces");
    let visitor = app.visitor();
    visitor.get(&format!("/learn/{}", pieces[0])).await;
    assert!(
        visitor
            .get("/my-research")
            .await
            .body
            .contains("We don&#x27;t know who you are")
            || visitor
                .get("/my-research")
                .await
                .body
                .contains("We don't know who you are")
    );
    visitor.get(&format!("/learn/{}", pieces[1])).await;
    let page = visitor.get("/my-research").await;
    assert!(
        page.body.contains("you might be office manager"),
        "two pieces are enough evidence"
    );
}

async fn reading_progress_joins_the_view_it_belongs_to(backend: Backend) {
    let Some(app) = spawn_seeded_app(backend).await else {
        return;
    };
    let (piece, _) = app.first_piece_of_kind("article").await;
    let reader = app.visitor();
    // A beacon for a piece this visitor never opened changes nothing.
    assert_eq!(reader.report_reading(&piece, 50, 30).await.status, 204);
    assert_eq!(reader.get(&format!("/learn/{piece}")).await.status, 200);
    assert_eq!(reader.report_reading(&piece, 80, 150).await.status, 204);
    // A later, smaller report (a second beacon from the same page) never lowers it.
    assert_eq!(reader.report_reading(&piece, 30, 20).await.status, 204);
    app.settle_trail().await;
    let stored: (i64, i64) = {
        let row: (i64, i64) = sqlx::query_as(
            "SELECT read_depth, read_seconds FROM journey_events WHERE kind = 'content_view' AND subject = $1",
        )
        .bind(&piece)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
        row
    };
    assert_eq!(stored, (80, 150));
    let page = reader.get("/my-research").await;
    assert!(
        page.body.contains("Read 80% · 2 min"),
        "my research shows how it was read"
    );

    for bad in [
        (piece.as_str(), "101", "5"),
        (piece.as_str(), "50", "-1"),
        (piece.as_str(), "x", "5"),
        ("..%2Fetc", "5", "5"),
    ] {
        let (slug, depth, seconds) = bad;
        assert_eq!(
            reader.report_reading(slug, depth, seconds).await.status,
            400,
            "{bad:?}"
        );
    }

    let private = app.visitor_sending(&[("dnt", "1")]);
    private.get(&format!("/learn/{piece}")).await;
    assert_eq!(private.report_reading(&piece, 90, 60).await.status, 204);
    app.settle_trail().await;
    let views: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM journey_events WHERE kind = 'content_view' AND subject = $1",
    )
    .bind(&piece)
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert_eq!(views, 1, "the Do-Not-Track visitor left nothing");
}

on_both_backends!(
    reading_progress_joins_the_view_it_belongs_to,
    do_not_track_visitors_leave_no_trail,
    clearing_my_research_forgets_the_visitor,
    the_anonymous_trail_joins_the_account_at_sign_in,
    recommendations_follow_persona_and_stage,
    reading_reveals_a_persona_after_enough_evidence,
);
