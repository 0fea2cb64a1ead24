//! Shipping physical goods: the checkout step asks for the address (checked per country),
//! offers the rates of the address's zone (weight bands, free above a threshold, flat), and
//! the order keeps the address, the method and its price; bad input gets the form back.

use crate::helpers::verbs::{checkout_key, SHIP_TO};
use crate::helpers::{spawn_seeded_app, Backend, Page, TestApp};
use crate::on_both_backends;

on_both_backends!(
    shipping_is_priced_by_weight_band_and_free_above_the_threshold,
    a_bad_address_gets_the_form_back_with_what_was_typed,
    an_address_no_zone_covers_gets_a_clear_message,
);

/// A simple product's weight (its one variant's, which shipping reads, and the summary).
async fn set_weight(app: &TestApp, id: i64, grams: Option<i64>) {
    for sql in [
        "UPDATE product_variants SET weight_grams = $1 WHERE product_id = $2",
        "UPDATE products SET weight_grams = $1 WHERE id = $2",
    ] {
        sqlx::query(sql)
            .bind(grams)
            .bind(id)
            .execute(app.db.pool())
            .await
            .unwrap();
    }
}

/// The rate id of the method called `name` on a checkout step (its radio's value).
fn rate_named(step: &Page, name: &str) -> String {
    let at = step
        .body
        .find(&format!("checkout__method-name\">{name}<"))
        .unwrap_or_else(|| panic!("no method {name} offered"));
    let before = &step.body[..at];
    let marker = "name=\"shipping_rate\" value=\"";
    let start = before.rfind(marker).expect("a radio before it") + marker.len();
    before[start..start + before[start..].find('"').unwrap()].to_string()
}

async fn shipping_is_priced_by_weight_band_and_free_above_the_threshold(backend: Backend) {
    let Some(app) = spawn_seeded_app(backend).await else {
        return;
    };
    let (id, slug) = app.product_with_stock(10).await;
    app.set_price(id, 3000).await;
    set_weight(&app, id, Some(600)).await;
    let guest = app.visitor();
    guest.add_to_cart(&slug, 2).await;

    // The cart estimates before any address: the cheapest method to the country asked.
    let cart = guest.cart().await;
    assert!(cart.body.contains("from $6.95"), "the cart's estimate");
    assert!(cart.body.contains("To United States, 3–5 business days."));
    let to_australia = guest.get("/cart?country=AU").await;
    assert!(to_australia.body.contains("from $29.00"));
    assert!(to_australia
        .body
        .contains("To Australia, 7–14 business days."));

    // 1.2 kg to the US: the light Standard band and Express.
    let step = guest.checkout_step().await;
    assert_eq!(step.status, 200);
    assert!(step.body.contains("Where should we send it?"));
    assert!(step.body.contains("$6.95"), "Standard, up to 2 kg");
    assert!(step.body.contains("$24.95"), "Express, flat");
    assert!(step.body.contains("3–5 business days"));

    // Over 2 kg: the next band.
    guest.change_quantity(&slug, 4).await;
    let heavier = guest.checkout_step().await;
    assert!(heavier.body.contains("$14.95"), "Standard, 2–10 kg");
    assert!(!heavier.body.contains("$6.95"));

    // No weight recorded: only the flat rate can price it.
    set_weight(&app, id, None).await;
    let unweighed = guest.checkout_step().await;
    assert!(!unweighed.body.contains("checkout__method-name\">Standard<"));
    assert!(unweighed.body.contains("checkout__method-name\">Express<"));
    set_weight(&app, id, Some(600)).await;

    // $180 of goods: Standard is free.
    guest.change_quantity(&slug, 6).await;
    let rich = guest.checkout_step().await;
    let standard = rate_named(&rich, "Standard");
    let key = checkout_key(&rich);
    let paid = guest
        .post_form(
            "/checkout",
            &format!("checkout_key={key}&{SHIP_TO}&ship_phone=%2B1%20415%20555%200100&shipping_rate={standard}&step=pay"),
        )
        .await;
    assert_eq!(paid.status, 303, "{}", paid.body);
    let (method, shipping, total, postal, phone): (String, i64, i64, String, String) = sqlx::query_as(
        "SELECT shipping_method, shipping_cents, total_cents, ship_postal_code, ship_phone FROM orders",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert_eq!(method, "Standard");
    assert_eq!(shipping, 0, "free above $150");
    assert_eq!(total, 6 * 3000);
    assert_eq!(postal, "97201");
    assert_eq!(phone, "+1 415 555 0100");
    let pay = guest.get(&paid.location()).await;
    assert!(
        pay.body.contains("Ships to"),
        "the demo provider shows the address"
    );
    assert!(pay.body.contains("Portland OR 97201"));
}

async fn a_bad_address_gets_the_form_back_with_what_was_typed(backend: Backend) {
    let Some(app) = spawn_seeded_app(backend).await else {
        return;
    };
    let (id, slug) = app.product_with_stock(10).await;
    set_weight(&app, id, Some(600)).await;
    let guest = app.visitor();
    guest.add_to_cart(&slug, 1).await;
    let step = guest.checkout_step().await;
    let key = checkout_key(&step);
    let bad = guest
        .post_form(
            "/checkout",
            &format!(
                "checkout_key={key}&ship_name=Ada%20Lovelace&ship_line1=1%20Main%20St&ship_city=Springfield\
                 &ship_region=ZZ&ship_postal_code=ABCDE&ship_country=US&shipping_rate=1&step=pay"
            ),
        )
        .await;
    assert_eq!(bad.status, 422, "{}", bad.body);
    assert!(bad
        .body
        .contains("Enter a ZIP code like 94107 or 94107-1234."));
    assert!(bad.body.contains("Choose the state from the list."));
    assert!(
        bad.body.contains("value=\"Ada Lovelace\""),
        "what was typed stays"
    );
    assert!(bad.body.contains("value=\"ABCDE\""));
    assert_eq!(app.count("SELECT COUNT(*) FROM orders").await, 0);

    let unknown = guest
        .post_form(
            "/checkout",
            &format!("checkout_key={key}&ship_name=A&ship_line1=B&ship_city=C&ship_postal_code=1&ship_country=XX&shipping_rate=1"),
        )
        .await;
    assert_eq!(unknown.status, 422);
    assert!(
        unknown
            .body
            .contains("we don&#x27;t ship anywhere else yet")
            || unknown.body.contains("we don't ship anywhere else yet")
    );

    // "Update shipping options" for another country: the methods follow, nothing is lost.
    let updated = guest
        .post_form(
            "/checkout",
            &format!("checkout_key={key}&ship_name=Ada%20Lovelace&ship_country=AU&step=update"),
        )
        .await;
    assert_eq!(updated.status, 200);
    assert!(updated.body.contains("Shipping to Australia"));
    assert!(updated.body.contains("$29.00"));
    assert!(updated.body.contains("State or territory"));
    assert!(updated.body.contains("value=\"Ada Lovelace\""));

    // Hostile text is escaped, never markup.
    let hostile = guest
        .post_form(
            "/checkout",
            &format!("checkout_key={key}&ship_name=%3Cscript%3Ealert(1)%3C%2Fscript%3E&ship_country=GB&step=update"),
        )
        .await;
    assert_eq!(hostile.status, 200);
    assert!(!hostile.body.contains("<script>alert(1)</script>"));
}

async fn an_address_no_zone_covers_gets_a_clear_message(backend: Backend) {
    let Some(app) = spawn_seeded_app(backend).await else {
        return;
    };
    let (_, slug) = app.product_with_stock(10).await;
    let guest = app.visitor();
    guest.add_to_cart(&slug, 1).await;
    let step = guest.quote_checkout_step("", "").await;
    let key = checkout_key(&step);
    let rate = crate::helpers::verbs::first_shipping_rate(&guest.get("/checkout?country=AU").await);
    // Staff stop shipping to Australia while the customer is at the checkout step.
    sqlx::query("DELETE FROM shipping_zone_countries WHERE country = 'AU'")
        .execute(app.db.pool())
        .await
        .unwrap();
    let refused = guest
        .post_form(
            "/checkout",
            &format!(
                "checkout_key={key}&ship_name=Ada&ship_line1=1%20George%20St&ship_city=Sydney&ship_region=NSW\
                 &ship_postal_code=2000&ship_country=AU&shipping_rate={rate}&step=pay"
            ),
        )
        .await;
    assert_eq!(refused.status, 409, "{}", refused.body);
    assert!(refused.body.contains("ship to Australia yet"));
    assert_eq!(app.count("SELECT COUNT(*) FROM orders").await, 0);
    let step = guest.get("/checkout?country=AU").await;
    assert!(step.body.contains("ship to Australia yet"));
    assert!(step.body.contains("disabled"), "no way on to payment");
}
