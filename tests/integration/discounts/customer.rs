//! A customer's discount code: every rule with its message, the saving in the cart, the
//! checkout step and the order, totals that add up on both tax settings and at Stripe, a
//! use held while the order waits and counted once when it is paid, and exact usage limits
//! under a hundred concurrent checkouts.

use crate::helpers::stripe::{fake_stripe, form_value, stripe_app};
use crate::helpers::verbs::{checkout_key, SHIP_TO};
use crate::helpers::{html_unescape, spawn_seeded_app, Backend, Page, TestApp, Visitor};
use crate::on_both_backends;

on_both_backends!(
    every_code_rule_says_why_it_does_not_apply,
    a_code_takes_its_saving_off_before_tax_and_shipping,
    totals_reconcile_with_codes_when_prices_include_tax_and_at_stripe,
    a_use_is_held_while_paying_and_counted_once_when_paid,
    a_hundred_buyers_race_for_ten_uses_of_a_code,
);

/// A $29 scale (simple product, Scales) and a $179 conical grinder (Home grinders).
const SCALE: &str = "ledger-basic-coffee-scale";
const GRINDER: &str = "wren-conical-grinder";

async fn apply(visitor: &Visitor, code: &str) -> Page {
    visitor
        .post_form("/cart/code", &format!("code={code}&action=apply"))
        .await
}

/// The body as a person reads it (entities turned back, Leptos's `<!>` text markers out).
fn text(page: &Page) -> String {
    html_unescape(&page.body).replace("<!>", "")
}

async fn refused_with(visitor: &Visitor, code: &str, message: &str) {
    let page = apply(visitor, code).await;
    assert_eq!(page.status, 422, "{code}: {}", page.body);
    assert!(
        text(&page).contains(message),
        "{code}: {message}\n{}",
        page.body
    );
}

/// Adds a code straight to the database: (code, kind, value, extra columns as SQL).
async fn add_code(app: &TestApp, code: &str, kind: &str, value: i64, extra: &str) -> i64 {
    let columns = if extra.is_empty() {
        String::new()
    } else {
        format!(", {extra}")
    };
    let (names, values): (Vec<&str>, Vec<&str>) = columns
        .trim_start_matches(", ")
        .split(", ")
        .filter(|s| !s.is_empty())
        .map(|pair| pair.split_once('=').unwrap())
        .unzip();
    let (names, values) = if names.is_empty() {
        (String::new(), String::new())
    } else {
        (
            format!(", {}", names.join(", ")),
            format!(", {}", values.join(", ")),
        )
    };
    let sql = format!(
        "INSERT INTO discount_codes (code, kind, value, created_at, updated_at{names}) \
         VALUES ($1, $2, $3, 0, 0{values}) RETURNING id"
    );
    sqlx::query_scalar(&sql)
        .bind(code)
        .bind(kind)
        .bind(value)
        .fetch_one(app.db.pool())
        .await
        .unwrap()
}

async fn counters(app: &TestApp, code: &str) -> (i64, i64) {
    sqlx::query_as("SELECT used_count, reserved_count FROM discount_codes WHERE code = $1")
        .bind(code)
        .fetch_one(app.db.pool())
        .await
        .unwrap()
}

async fn pay_step(visitor: &Visitor) -> Page {
    let step = visitor.checkout_step().await;
    let rate = crate::helpers::verbs::first_shipping_rate(&step);
    visitor
        .post_form(
            "/checkout",
            &format!(
                "checkout_key={}&{SHIP_TO}&shipping_rate={rate}&step=pay",
                checkout_key(&step)
            ),
        )
        .await
}

/// (total, discount, shipping, tax, prices include tax) of the order `public_id`, and the
/// sum of its lines' unit × quantity and of their discounts.
async fn order_figures(app: &TestApp, public_id: &str) -> (i64, i64, i64, i64, i64, i64, i64) {
    let (total, discount, shipping, tax, inclusive): (i64, i64, i64, i64, i64) = sqlx::query_as(
        "SELECT total_cents, discount_cents, shipping_cents, tax_cents, prices_include_tax FROM orders WHERE public_id = $1",
    )
    .bind(public_id)
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    let (listed, line_discounts): (i64, i64) = sqlx::query_as(
        "SELECT CAST(SUM(l.unit_cents * l.quantity) AS BIGINT), CAST(SUM(l.discount_cents) AS BIGINT) \
         FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE o.public_id = $1",
    )
    .bind(public_id)
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    (
        total,
        discount,
        shipping,
        tax,
        inclusive,
        listed,
        line_discounts,
    )
}

async fn newest_order(app: &TestApp) -> String {
    sqlx::query_scalar("SELECT public_id FROM orders ORDER BY id DESC LIMIT 1")
        .fetch_one(app.db.pool())
        .await
        .unwrap()
}

async fn every_code_rule_says_why_it_does_not_apply(backend: Backend) {
    let Some(app) = spawn_seeded_app(backend).await else {
        return;
    };
    let guest = app.visitor();
    guest.get("/cart").await; // the visitor cookie a cart belongs to
    refused_with(&guest, "WELCOME10", "Add something to your cart first").await;
    assert_eq!(guest.add_to_cart(SCALE, 1).await.status, 303);

    refused_with(&guest, "", "Enter the code you were given").await;
    refused_with(&guest, "NOPE-NOPE", "We don't know that code").await;
    refused_with(&guest, "%3Cscript%3E", "We don't know that code").await;
    refused_with(&guest, "WELCOME10%20FREESHIP75", "One code per order").await;
    refused_with(&guest, "spring-2027", "This code starts on 1 March 2027.").await;
    // $29 in the cart, the code wants $75.
    refused_with(&guest, "FREESHIP75", "Spend $46.00 more to use it.").await;
    refused_with(
        &guest,
        "GRINDER25",
        "This code doesn't cover anything in your cart.",
    )
    .await;
    add_code(&app, "OVER", "percent", 5, "ends_at=1").await;
    refused_with(&guest, "over", "This code has ended.").await;
    add_code(&app, "RESTING", "percent", 5, "status='paused'").await;
    refused_with(&guest, "RESTING", "This code is paused").await;
    add_code(&app, "GONE", "percent", 5, "usage_limit=2, used_count=2").await;
    refused_with(&guest, "GONE", "This code is used up.").await;
    assert_eq!(
        app.count("SELECT COUNT(*) FROM cart_codes").await,
        0,
        "no refused code is held"
    );

    // Codes are read case-insensitively; the cart shows the saving.
    let applied = apply(&guest, "%20welcome10%20").await;
    assert_eq!(applied.status, 303, "{}", applied.body);
    assert_eq!(applied.location(), "/cart?code_applied=WELCOME10");
    let cart = guest.get(&applied.location()).await;
    let body = text(&cart);
    assert!(body.contains("Code WELCOME10 applied."), "{body}");
    assert!(body.contains("Code WELCOME10 (10% off)"), "{body}");
    assert!(body.contains("−$2.90"), "{body}");
    assert!(body.contains("$26.10"), "items after the discount: {body}");
    // A second code while one is held.
    refused_with(&guest, "FREESHIP75", "Your cart already uses WELCOME10").await;

    // A code whose minimum the cart falls below after it was applied stays, and says why.
    let removed = guest.post_form("/cart/code", "action=remove").await;
    assert_eq!(removed.location(), "/cart?code_removed=1");
    assert_eq!(guest.add_to_cart(SCALE, 2).await.status, 303); // 3 × $29 = $87
    assert_eq!(apply(&guest, "FREESHIP75").await.status, 303);
    let step = guest.checkout_step().await;
    assert!(
        text(&step).contains("Free with FREESHIP75"),
        "{}",
        step.body
    );
    let lowered = guest
        .post_form(
            "/cart/update",
            &format!("slug={SCALE}&quantity=1&action=update"),
        )
        .await;
    assert_eq!(lowered.status, 303, "{}", lowered.body);
    let cart = text(&guest.get("/cart").await);
    assert!(
        cart.contains("doesn't apply now: Spend $46.00 more to use it."),
        "{cart}"
    );
    // Checkout says so before anything is charged, and makes no order.
    let refused = pay_step(&guest).await;
    assert_eq!(refused.status, 409, "{}", refused.body);
    assert!(text(&refused).contains("Your code FREESHIP75 doesn't apply any more"));
    assert_eq!(
        app.count("SELECT COUNT(*) FROM orders WHERE status <> 'cancelled'")
            .await,
        0
    );
    let (_, reserved) = counters(&app, "FREESHIP75").await;
    assert_eq!(reserved, 0);
}

async fn a_code_takes_its_saving_off_before_tax_and_shipping(backend: Backend) {
    let Some(app) = spawn_seeded_app(backend).await else {
        return;
    };
    // $179 grinder and $29 scale; $25 off grinders over $150: only the grinder line.
    let guest = app.visitor();
    guest.add_to_cart(GRINDER, 1).await;
    guest.add_to_cart(SCALE, 1).await;
    assert_eq!(apply(&guest, "GRINDER25").await.status, 303);
    let step = text(&guest.checkout_step().await);
    assert!(
        step.contains("Code GRINDER25 ($25.00 off selected items)"),
        "{step}"
    );
    assert!(step.contains("−$25.00"));
    // California adds its sales tax after the discount.
    let step = guest.get("/checkout?country=US").await;
    let rate = crate::helpers::verbs::first_shipping_rate(&step);
    let started = guest
        .post_form(
            "/checkout",
            &format!(
                "checkout_key={}&ship_name=Grace%20Hopper&ship_line1=1%20Market%20St&ship_city=San%20Francisco&ship_region=CA&ship_postal_code=94105&ship_country=US&shipping_rate={rate}&step=pay",
                checkout_key(&step)
            ),
        )
        .await;
    assert_eq!(started.status, 303, "{}", started.body);
    let public_id = newest_order(&app).await;
    let (total, discount, shipping, tax, inclusive, listed, line_discounts) =
        order_figures(&app, &public_id).await;
    assert_eq!((discount, line_discounts, inclusive), (2_500, 2_500, 0));
    assert_eq!(listed, 17_900 + 2_900);
    let grinder_discount: i64 =
        sqlx::query_scalar("SELECT discount_cents FROM order_lines WHERE slug = $1")
            .bind(GRINDER)
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    assert_eq!(grinder_discount, 2_500, "the scale is not covered");
    // 7.25 % on what is left of each line (and on shipping when taxed): never on the saving.
    let expected_goods_tax = (15_400 * 725 + 5_000) / 10_000 + (2_900 * 725 + 5_000) / 10_000;
    assert!(tax >= expected_goods_tax, "{tax} vs {expected_goods_tax}");
    assert_eq!(
        total,
        listed - discount + shipping + tax,
        "the total adds up"
    );
    let (_, reserved) = counters(&app, "GRINDER25").await;
    assert_eq!(reserved, 1, "a use is held while the order waits");

    // Paid: the order page shows the code, the use is counted, the cart no longer holds it.
    let paid = guest
        .pay_by_card(&started.location(), "4242 4242 4242 4242")
        .await;
    assert_eq!(paid.status, 303, "{}", paid.body);
    assert_eq!(counters(&app, "GRINDER25").await, (1, 0));
    assert!(app.emails_to("buyer@example.com").await[0].contains("Code GRINDER25 — −$25.00"));
    let order = text(&guest.get(&format!("/account/orders/{public_id}")).await);
    assert!(order.contains("Code GRINDER25"), "{order}");
    assert!(order.contains("−$25.00"));
    assert_eq!(app.count("SELECT COUNT(*) FROM cart_codes").await, 0);
    let invoice = text(
        &guest
            .get(&format!("/account/orders/{public_id}/invoice"))
            .await,
    );
    assert!(
        invoice.contains("after discount code GRINDER25"),
        "{invoice}"
    );
}

async fn totals_reconcile_with_codes_when_prices_include_tax_and_at_stripe(backend: Backend) {
    let stripe = fake_stripe().await;
    let Some(app) = stripe_app(backend, stripe.base.clone()).await else {
        return;
    };
    // A fixed amount that does not divide by the quantity: 3 × $29 less $10.
    add_code(&app, "TENOFF", "fixed", 1_000, "").await;
    for inclusive in [false, true] {
        if inclusive {
            let admin = app.sign_in_as_staff("admin").await;
            let saved = admin
                .post_form(
                    "/admin/taxes",
                    "action=settings&prices_include_tax=yes&shipping_taxable=yes",
                )
                .await;
            assert_eq!(saved.status, 303);
        }
        let guest = app.visitor();
        guest.add_to_cart(SCALE, 3).await;
        assert_eq!(apply(&guest, "TENOFF").await.status, 303);
        let address = if inclusive {
            "ship_name=Ada%20Lovelace&ship_line1=10%20Downing%20St&ship_city=London&ship_postal_code=SW1A%202AA&ship_country=GB"
        } else {
            "ship_name=Grace%20Hopper&ship_line1=1%20Market%20St&ship_city=San%20Francisco&ship_region=CA&ship_postal_code=94105&ship_country=US"
        };
        let country = if inclusive { "GB" } else { "US" };
        let step = guest.get(&format!("/checkout?country={country}")).await;
        let rate = crate::helpers::verbs::first_shipping_rate(&step);
        let started = guest
            .post_form(
                "/checkout",
                &format!(
                    "checkout_key={}&{address}&shipping_rate={rate}&step=pay",
                    checkout_key(&step)
                ),
            )
            .await;
        assert_eq!(started.status, 303, "{}", started.body);
        let public_id = newest_order(&app).await;
        let (total, discount, shipping, tax, stored_inclusive, listed, line_discounts) =
            order_figures(&app, &public_id).await;
        assert_eq!(stored_inclusive, i64::from(inclusive));
        assert_eq!((discount, line_discounts), (1_000, 1_000));
        let added_tax = if inclusive { 0 } else { tax };
        assert!(tax > 0, "both addresses are taxed");
        assert_eq!(total, listed - discount + shipping + added_tax);
        // Stripe is asked for exactly the order's total.
        let requests = stripe.requests_to("/v1/checkout/sessions");
        let body = &requests.last().expect("a session request").2;
        let charged: i64 = (0..10)
            .map_while(|i| {
                let amount = form_value(body, &format!("line_items[{i}][price_data][unit_amount]"));
                let quantity = form_value(body, &format!("line_items[{i}][quantity]"));
                Some(amount.parse::<i64>().ok()? * quantity.parse::<i64>().ok()?)
            })
            .sum();
        assert_eq!(charged, total, "inclusive: {inclusive}");
        assert_eq!(
            form_value(body, "line_items[0][price_data][unit_amount]"),
            (3 * 2_900 - 1_000).to_string(),
            "the discounted line is charged as one"
        );
        assert!(
            form_value(body, "line_items[0][price_data][product_data][name]")
                .contains("(code TENOFF)")
        );
    }
}

async fn a_use_is_held_while_paying_and_counted_once_when_paid(backend: Backend) {
    let Some(app) = spawn_seeded_app(backend).await else {
        return;
    };
    add_code(&app, "ONLYONE", "percent", 20, "usage_limit=1").await;
    let first = app.visitor();
    let second = app.visitor();
    first.add_to_cart(SCALE, 1).await;
    second.add_to_cart(SCALE, 1).await;
    assert_eq!(apply(&first, "ONLYONE").await.status, 303);
    assert_eq!(apply(&second, "ONLYONE").await.status, 303);
    let started = pay_step(&first).await;
    assert_eq!(started.status, 303, "{}", started.body);
    // Pressing "Continue to payment" again (a new key) replaces the order, not the use.
    let again = pay_step(&first).await;
    assert_eq!(again.status, 303, "{}", again.body);
    assert_eq!(counters(&app, "ONLYONE").await, (0, 1));
    // The other buyer is told before paying.
    let cart = text(&second.get("/cart").await);
    assert!(
        cart.contains("doesn't apply now: This code is used up."),
        "{cart}"
    );
    let refused = pay_step(&second).await;
    assert_eq!(refused.status, 409, "{}", refused.body);
    // The first order is not paid in time: its use comes back.
    app.end_holds_at(1).await;
    app::checkout::repo::expire_stale_orders(&app.db, app::db::now_unix())
        .await
        .unwrap();
    assert_eq!(counters(&app, "ONLYONE").await, (0, 0));
    let started = pay_step(&second).await;
    assert_eq!(started.status, 303, "{}", started.body);
    // Paid twice over (the webhook replayed): counted once.
    let paid = second
        .pay_by_card(&started.location(), "4242 4242 4242 4242")
        .await;
    assert_eq!(paid.status, 303, "{}", paid.body);
    let replay = second
        .pay_by_card(&started.location(), "4242 4242 4242 4242")
        .await;
    assert_ne!(
        replay.status, 303,
        "an ended checkout takes no second payment"
    );
    assert_eq!(counters(&app, "ONLYONE").await, (1, 0));

    // Once per customer: a signed-in customer who paid with WELCOME10 can't use it again.
    let customer = app.signed_in_as("repeat@example.com", None).await;
    customer.add_to_cart(SCALE, 1).await;
    assert_eq!(apply(&customer, "WELCOME10").await.status, 303);
    let started = pay_step(&customer).await;
    assert_eq!(started.status, 303, "{}", started.body);
    customer
        .pay_by_card(&started.location(), "4242 4242 4242 4242")
        .await;
    customer.add_to_cart(SCALE, 1).await;
    refused_with(&customer, "WELCOME10", "You've already used this code.").await;
}

async fn a_hundred_buyers_race_for_ten_uses_of_a_code(backend: Backend) {
    let Some(app) = spawn_seeded_app(backend).await else {
        return;
    };
    add_code(&app, "TENUSES", "percent", 50, "usage_limit=10").await;
    let scale = app.product_id(SCALE).await;
    app.set_stock(scale, 1_000).await;
    let buyers: Vec<Visitor> = (0..100).map(|_| app.visitor()).collect();
    for chunk in buyers.chunks(25) {
        let ready = chunk.iter().map(|b| async move {
            assert_eq!(b.add_to_cart(SCALE, 1).await.status, 303);
            assert_eq!(
                apply(b, "TENUSES").await.status,
                303,
                "nobody holds a use yet"
            );
        });
        futures::future::join_all(ready).await;
    }
    let keys: Vec<String> = (0..100)
        .map(|i| format!("{:032x}", 0xC0DE_u128 * 1_000 + i))
        .collect();
    let rate = crate::helpers::verbs::first_shipping_rate(&buyers[0].checkout_step().await);
    let checkouts = buyers.iter().zip(&keys).map(|(b, key)| {
        let rate = rate.clone();
        async move {
            b.post_form(
                "/checkout",
                &format!("checkout_key={key}&{SHIP_TO}&shipping_rate={rate}&step=pay"),
            )
            .await
        }
    });
    let results = futures::future::join_all(checkouts).await;
    let started: Vec<&Page> = results.iter().filter(|r| r.status == 303).collect();
    // Told before paying: by the reservation itself, or (once ten are held) by the code's
    // check that runs first in the same transaction.
    let told = results
        .iter()
        .filter(|r| {
            let body = text(r);
            r.status == 409
                && (body.contains("The last use of TENUSES went to someone else")
                    || body.contains(
                        "Your code TENUSES doesn't apply any more: This code is used up.",
                    ))
        })
        .count();
    let statuses: Vec<u16> = results.iter().map(|r| r.status).collect();
    assert_eq!(started.len(), 10, "exactly the code's uses were held");
    assert_eq!(told, 90, "everyone else heard before paying: {statuses:?}");
    assert_eq!(counters(&app, "TENUSES").await, (0, 10));
    // The ten pay (two at a time): ten discounted paid orders, the code used ten times.
    let winners: Vec<&Visitor> = buyers
        .iter()
        .zip(&results)
        .filter(|(_, r)| r.status == 303)
        .map(|(b, _)| b)
        .collect();
    for (buyer, page) in winners.iter().zip(&started) {
        let paid = buyer
            .pay_by_card(&page.location(), "4242 4242 4242 4242")
            .await;
        assert_eq!(paid.status, 303, "{}", paid.body);
    }
    assert_eq!(counters(&app, "TENUSES").await, (10, 0));
    assert_eq!(
        app.count("SELECT COUNT(*) FROM orders WHERE status = 'paid' AND discount_code = 'TENUSES' AND discount_cents = 1450").await,
        10
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM orders WHERE status = 'pending_payment'")
            .await,
        0
    );
}
