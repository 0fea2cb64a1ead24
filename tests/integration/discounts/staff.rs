//! Staff make, change, pause and resume discount codes at `/admin/discounts`: every mistake
//! named next to its field with what was typed kept, duplicates refused, limits that can't
//! fall below the uses already made, and every change audited.

use crate::helpers::{html_unescape, spawn_seeded_app, Backend};

fn readable(body: &str) -> String {
    html_unescape(body).replace("<!>", "")
}
use crate::on_both_backends;

on_both_backends!(marketing_makes_changes_and_pauses_codes);

async fn marketing_makes_changes_and_pauses_codes(backend: Backend) {
    let Some(app) = spawn_seeded_app(backend).await else {
        return;
    };
    let marketing = app.sign_in_as_staff("marketing").await;
    let desk = marketing.get("/admin/discounts").await;
    assert_eq!(desk.status, 200);
    let body = readable(&desk.body);
    for seeded in ["WELCOME10", "FREESHIP75", "GRINDER25", "SPRING-2027"] {
        assert!(body.contains(seeded), "{seeded}");
    }
    assert!(
        body.contains("Scheduled"),
        "the spring code has not started"
    );

    // Mistakes come back next to their fields, with what was typed.
    let wrong = marketing
        .post_form(
            "/admin/discounts",
            "code=no&kind=percent&value=120&starts_at=2027-03-01T09:00&ends_at=2027-02-01T09:00&usage_limit=abc&note=Spring%20promo",
        )
        .await;
    assert_eq!(wrong.status, 422, "{}", wrong.body);
    let body = readable(&wrong.body);
    assert!(body.contains("A code is 3 to 32 letters"));
    assert!(body.contains("A percentage is a whole number from 1 to 100."));
    assert!(body.contains("The end must come after the start."));
    assert!(body.contains("The total limit is a whole number"));
    assert!(body.contains("value=\"Spring promo\""), "typed values kept");
    let unknown_item = marketing
        .post_form(
            "/admin/discounts",
            "code=KETTLES5&kind=fixed&value=5&items=no-such-thing",
        )
        .await;
    assert_eq!(unknown_item.status, 422);
    assert!(readable(&unknown_item.body)
        .contains("No product has the address or SKU \"no-such-thing\""));
    let duplicate = marketing
        .post_form("/admin/discounts", "code=welcome10&kind=percent&value=5")
        .await;
    assert_eq!(duplicate.status, 422);
    assert!(readable(&duplicate.body).contains("There is a code WELCOME10 already"));

    // A code limited to one category (and its subcategories) and one product.
    let kettles = app.category_id("kettles").await;
    let created = marketing
        .post_form(
            "/admin/discounts",
            &format!(
                "code=brew-5&kind=fixed&value=5&min_subtotal=20&usage_limit=3&per_customer_limit=1&items=tarn-ceramic-dripper&categories={kettles}&note=Brewing"
            ),
        )
        .await;
    assert_eq!(created.status, 303, "{}", created.body);
    assert_eq!(created.location(), "/admin/discounts?saved=created");
    let (id, applies_to, value, min): (i64, String, i64, i64) = sqlx::query_as(
        "SELECT id, applies_to, value, min_subtotal_cents FROM discount_codes WHERE code = 'BREW-5'",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    let dripper = app.product_id("tarn-ceramic-dripper").await;
    assert_eq!(applies_to, format!("p:{dripper} c:{kettles}"));
    assert_eq!((value, min), (500, 2_000));

    // A customer uses it on a kettle; a scale alone is not covered.
    let guest = app.visitor();
    guest.add_to_cart("ledger-basic-coffee-scale", 1).await;
    let refused = guest.post_form("/cart/code", "code=BREW-5").await;
    assert_eq!(refused.status, 422);
    guest.add_to_cart("pell-fixed-boil-gooseneck", 1).await;
    let applied = guest.post_form("/cart/code", "code=brew-5").await;
    assert_eq!(applied.status, 303, "{}", applied.body);

    // Pausing stops it at once for carts that hold it; resuming brings it back.
    let page = marketing.get(&format!("/admin/discounts/{id}")).await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("value=\"tarn-ceramic-dripper\"")
            || page.body.contains(">tarn-ceramic-dripper<")
    );
    let paused = marketing
        .post_form(&format!("/admin/discounts/{id}"), "action=pause")
        .await;
    assert_eq!(paused.status, 303);
    let cart = readable(&guest.get("/cart").await.body);
    assert!(
        cart.contains("doesn't apply now: This code is paused"),
        "{cart}"
    );
    marketing
        .post_form(&format!("/admin/discounts/{id}"), "action=resume")
        .await;
    let cart = readable(&guest.get("/cart").await.body);
    assert!(
        cart.contains(" applied: $5.00 off selected items."),
        "{cart}"
    );

    // The rules change; a limit below what is held is refused.
    let started = crate::helpers::verbs::checkout_key(&guest.checkout_step().await);
    let step = guest.start_checkout(&started).await;
    assert_eq!(step.status, 303, "{}", step.body);
    let too_low = marketing
        .post_form(
            &format!("/admin/discounts/{id}"),
            "action=update&code=BREW-5&kind=fixed&value=5&usage_limit=0",
        )
        .await;
    assert_eq!(too_low.status, 422);
    let updated = marketing
        .post_form(
            &format!("/admin/discounts/{id}"),
            "action=update&code=BREW-6&kind=percent&value=6&usage_limit=1",
        )
        .await;
    assert_eq!(updated.status, 303, "{}", updated.body);
    let (code, kind, limit): (String, String, Option<i64>) =
        sqlx::query_as("SELECT code, kind, usage_limit FROM discount_codes WHERE id = $1")
            .bind(id)
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    assert_eq!(
        (code.as_str(), kind.as_str(), limit),
        ("BREW-6", "percent", Some(1))
    );
    let unknown = marketing.get("/admin/discounts/999999").await;
    assert_eq!(unknown.status, 404);

    assert_eq!(
        app.audit_actions_like("discount.%").await,
        vec![
            "discount.create",
            "discount.pause",
            "discount.resume",
            "discount.update"
        ]
    );
}
