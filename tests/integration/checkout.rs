//! Buying over real HTTP: the cart, checkout with stock held, the demo provider's card
//! page, the signed webhook (replays, stale and forged deliveries, events out of order),
//! 200 buyers racing for 50 units, and unpaid orders expiring.

use crate::helpers::{spawn_seeded_app, urlencode, Backend, Page, TestApp, Visitor};
use crate::on_both_backends;

/// An active product with at least `stock` units (set to exactly `stock`).
async fn product_with_stock(app: &TestApp, stock: i64) -> (i64, String) {
    let (id, slug): (i64, String) =
        sqlx::query_as("SELECT id, slug FROM products WHERE status = 'active' ORDER BY id LIMIT 1")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    sqlx::query("UPDATE products SET stock = $1 WHERE id = $2")
        .bind(stock)
        .bind(id)
        .execute(app.db.pool())
        .await
        .unwrap();
    (id, slug)
}

async fn stock_of(app: &TestApp, id: i64) -> i64 {
    sqlx::query_scalar("SELECT stock FROM products WHERE id = $1")
        .bind(id)
        .fetch_one(app.db.pool())
        .await
        .unwrap()
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(app.db.pool())
        .await
        .unwrap()
}

fn checkout_key(cart: &Page) -> String {
    let marker = "name=\"checkout_key\" value=\"";
    let start = cart.body.find(marker).expect("a checkout form") + marker.len();
    cart.body[start..start + 32].to_string()
}

/// Adds `quantity` of `slug`, then presses "Check out"; returns the pay page's path.
async fn check_out(visitor: &Visitor, slug: &str, quantity: i64) -> String {
    let added = visitor
        .post_form("/cart/add", &format!("slug={slug}&quantity={quantity}"))
        .await;
    assert_eq!(added.status, 303, "{}", added.body);
    let cart = visitor.get("/cart").await;
    let started = visitor
        .post_form(
            "/checkout",
            &format!("checkout_key={}", checkout_key(&cart)),
        )
        .await;
    assert_eq!(started.status, 303, "{}", started.body);
    let pay = started.location();
    assert!(pay.starts_with("/pay/demo/cs_demo_"), "{pay}");
    pay
}

fn card(number: &str) -> String {
    format!(
        "email=buyer%40example.com&card_number={}&expiry=12%2F39&cvc=123",
        urlencode(number)
    )
}

async fn a_guest_buys_with_the_demo_provider(backend: Backend) {
    let Some(app) = spawn_seeded_app(backend).await else {
        return;
    };
    let (id, slug) = product_with_stock(&app, 5).await;
    let guest = app.visitor();
    let added = guest
        .post_form("/cart/add", &format!("slug={slug}&quantity=2"))
        .await;
    assert_eq!(added.status, 303);
    let cart = guest.get("/cart").await;
    assert_eq!(cart.status, 200);
    assert!(cart.body.contains("Check out securely"));
    assert!(
        cart.body.contains("aria-label=\"2 items\""),
        "the header counts the cart"
    );
    let key = checkout_key(&cart);

    // A double-clicked pay button makes one order.
    let first = guest
        .post_form("/checkout", &format!("checkout_key={key}"))
        .await;
    let second = guest
        .post_form("/checkout", &format!("checkout_key={key}"))
        .await;
    assert_eq!(first.status, 303);
    assert_eq!(first.location(), second.location());
    assert_eq!(count(&app, "SELECT COUNT(*) FROM orders").await, 1);
    assert_eq!(stock_of(&app, id).await, 3, "two units held");

    let pay = first.location();
    let page = guest.get(&pay).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("4242 4242 4242 4242"));

    let bad = guest
        .post_form(&pay, "email=nope&card_number=1234&expiry=01%2F20&cvc=1")
        .await;
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("Enter a valid card number"));
    assert!(bad.body.contains("value=\"nope\""), "typed email kept");

    let paid = guest.post_form(&pay, &card("4242 4242 4242 4242")).await;
    assert_eq!(paid.status, 303, "{}", paid.body);
    let success = guest.get(&paid.location()).await;
    assert!(
        success.body.contains("payment received"),
        "{}",
        success.body
    );
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM orders WHERE status = 'paid'").await,
        1
    );
    assert_eq!(stock_of(&app, id).await, 3, "paid units stay taken");
    let cart = guest.get("/cart").await;
    assert!(cart.body.contains("Your cart is empty"));
    assert!(
        !cart.body.contains("cart-link__count"),
        "the header counts nothing"
    );
    let receipt = app.emails_to("buyer@example.com").await;
    assert_eq!(receipt.len(), 1);
    assert!(receipt[0].contains("we received your payment"));
    // The email's link opens the order on any device, without an account; a changed link
    // does not.
    let link = receipt[0]
        .split_whitespace()
        .find(|w| w.contains("/account/orders/"))
        .expect("an order link")
        .trim_start_matches(&app.base)
        .to_string();
    let elsewhere = app.visitor();
    let opened = elsewhere.get(&link).await;
    assert_eq!(opened.status, 200);
    assert!(opened.body.contains("Paid — being prepared"));
    let tampered = format!("{}0", &link[..link.len() - 1]);
    let tampered = if tampered == link {
        format!("{}1", &link[..link.len() - 1])
    } else {
        tampered
    };
    assert_eq!(elsewhere.get(&tampered).await.status, 404);
    let orders = guest.get("/account/orders").await;
    assert!(orders.body.contains("Paid — being prepared"));

    // Paying the same session again changes nothing.
    let again = guest.post_form(&pay, &card("4242 4242 4242 4242")).await;
    assert_eq!(again.status, 410);
    assert_eq!(app.emails_to("buyer@example.com").await.len(), 1);
    // Someone else's order is not theirs to see.
    let public_id: String = sqlx::query_scalar("SELECT public_id FROM orders")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(
        guest
            .get(&format!("/account/orders/{public_id}"))
            .await
            .status,
        200
    );
    assert_eq!(
        app.visitor()
            .get(&format!("/account/orders/{public_id}"))
            .await
            .status,
        404
    );
}

async fn a_declined_card_keeps_the_cart(backend: Backend) {
    let Some(app) = spawn_seeded_app(backend).await else {
        return;
    };
    let (_, slug) = product_with_stock(&app, 5).await;
    let guest = app.visitor();
    let pay = check_out(&guest, &slug, 1).await;
    let declined = guest.post_form(&pay, &card("4000 0000 0000 0002")).await;
    assert_eq!(declined.status, 402);
    assert!(declined.body.contains("Your card was declined"));
    let cart = guest.get("/cart").await;
    assert!(cart.body.contains("didn't go through"));
    assert!(
        cart.body.contains("Check out securely"),
        "the cart is intact"
    );
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM orders WHERE status = 'pending_payment'"
        )
        .await,
        1
    );

    // The card that needs the bank's confirmation: a second step, then paid.
    let step = guest.post_form(&pay, &card("4000 0025 0000 3155")).await;
    assert_eq!(step.status, 303);
    assert!(step.location().ends_with("?step=authenticate"));
    assert!(guest
        .get(&step.location())
        .await
        .body
        .contains("Confirm this payment"));
    let confirmed = guest
        .post_form(&pay, "step=authenticate&outcome=approve")
        .await;
    assert_eq!(confirmed.status, 303);
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM orders WHERE status = 'paid'").await,
        1
    );
}

/// A signed delivery to the webhook endpoint, as Stripe makes them.
async fn deliver(app: &TestApp, body: &str, signature: Option<String>) -> u16 {
    let mut request = app
        .client
        .post(format!("{}/webhooks/stripe", app.base))
        .header("content-type", "application/json")
        .body(body.to_string());
    if let Some(signature) = signature {
        request = request.header("stripe-signature", signature);
    }
    request.send().await.unwrap().status().as_u16()
}

async fn webhooks_are_verified_and_applied_once(backend: Backend) {
    let Some(app) = spawn_seeded_app(backend).await else {
        return;
    };
    let (id, slug) = product_with_stock(&app, 5).await;
    let guest = app.visitor();
    let pay = check_out(&guest, &slug, 2).await;
    let session = pay.trim_start_matches("/pay/demo/").to_string();
    let (public_id, total): (String, i64) =
        sqlx::query_as("SELECT public_id, total_cents FROM orders")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    let secret = app::checkout::repo::demo_webhook_secret(&app.db)
        .await
        .unwrap();
    let now = app::db::now_unix();
    let event = |event_id: &str, kind: &str| {
        serde_json::json!({
            "id": event_id, "object": "event", "type": kind, "created": now,
            "data": { "object": {
                "id": session, "object": "checkout.session", "client_reference_id": public_id,
                "payment_status": "paid", "amount_total": total, "currency": "usd",
                "customer_details": { "email": "hook@example.com" }, "payment_intent": "pi_test_1"
            }}
        })
        .to_string()
    };
    let sign =
        |body: &str, at: i64| Some(app::checkout::signature::sign(&secret, at, body.as_bytes()));
    let completed = event("evt_completed", "checkout.session.completed");

    assert_eq!(deliver(&app, &completed, None).await, 400, "no signature");
    let forged = app::checkout::signature::sign("whsec_wrong", now, completed.as_bytes());
    assert_eq!(
        deliver(&app, &completed, Some(forged)).await,
        400,
        "wrong secret"
    );
    assert_eq!(
        deliver(&app, &completed, sign(&completed, now - 301)).await,
        400,
        "stale"
    );
    let truncated = &completed[..completed.len() - 10];
    assert_eq!(
        deliver(&app, truncated, sign(&completed, now)).await,
        400,
        "truncated body"
    );
    assert_eq!(count(&app, "SELECT COUNT(*) FROM payment_events").await, 0);

    // The expiry arrives first (out of order), then the payment ten times.
    let expired_late = event("evt_expired", "checkout.session.expired");
    for _ in 0..10 {
        assert_eq!(deliver(&app, &completed, sign(&completed, now)).await, 200);
    }
    assert_eq!(
        deliver(&app, &expired_late, sign(&expired_late, now)).await,
        200
    );
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM orders WHERE status = 'paid'").await,
        1,
        "paid once; the late expiry was refused"
    );
    assert_eq!(
        stock_of(&app, id).await,
        3,
        "the refused expiry released nothing"
    );
    assert_eq!(count(&app, "SELECT COUNT(*) FROM payment_events").await, 2);
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM payment_events WHERE outcome = 'refused'"
        )
        .await,
        1
    );
    assert_eq!(
        app.emails_to("hook@example.com").await.len(),
        1,
        "one confirmation"
    );

    let unknown = event("evt_other", "customer.created");
    assert_eq!(deliver(&app, &unknown, sign(&unknown, now)).await, 200);
    let garbage = "{not json";
    assert_eq!(deliver(&app, garbage, sign(garbage, now)).await, 200);
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM payment_events WHERE outcome IN ('ignored', 'unparsed')"
        )
        .await,
        2,
        "unknown and unreadable events are kept, not lost"
    );

    // A refund of part of the order.
    let refund = serde_json::json!({
        "id": "evt_refund", "object": "event", "type": "charge.refunded", "created": now,
        "data": { "object": { "id": "ch_1", "object": "charge", "payment_intent": "pi_test_1", "amount_refunded": 100 } }
    })
    .to_string();
    assert_eq!(deliver(&app, &refund, sign(&refund, now)).await, 200);
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM orders WHERE status = 'partially_refunded' AND refunded_cents = 100").await,
        1
    );
}

async fn two_hundred_buyers_race_for_fifty_units(backend: Backend) {
    let Some(app) = spawn_seeded_app(backend).await else {
        return;
    };
    let (id, slug) = product_with_stock(&app, 50).await;
    let buyers: Vec<Visitor> = (0..200).map(|_| app.visitor()).collect();
    let add_one = format!("slug={slug}&quantity=1");
    for chunk in buyers.chunks(25) {
        let adds = chunk.iter().map(|b| b.post_form("/cart/add", &add_one));
        for added in futures::future::join_all(adds).await {
            assert_eq!(added.status, 303);
        }
    }
    let forms: Vec<String> = (0..200)
        .map(|i| format!("checkout_key={:032x}", 0xC0FFEE_u128 * 1_000 + i))
        .collect();
    let checkouts = buyers
        .iter()
        .zip(&forms)
        .map(|(b, form)| b.post_form("/checkout", form));
    let results = futures::future::join_all(checkouts).await;
    let reserved = results.iter().filter(|r| r.status == 303).count();
    let sold_out = results
        .iter()
        .filter(|r| r.status == 409 && r.body.contains("sold out while you were shopping"))
        .count();
    assert_eq!(reserved, 50, "exactly the stock was reserved");
    assert_eq!(sold_out, 150, "everyone else heard it sold out");
    assert_eq!(stock_of(&app, id).await, 0, "never below zero");
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM orders WHERE status = 'pending_payment'"
        )
        .await,
        50
    );
}

async fn an_unpaid_order_expires_and_its_stock_returns(backend: Backend) {
    let Some(app) = spawn_seeded_app(backend).await else {
        return;
    };
    let (id, slug) = product_with_stock(&app, 4).await;
    let guest = app.visitor();
    let pay = check_out(&guest, &slug, 3).await;
    assert_eq!(stock_of(&app, id).await, 1);
    let now = app::db::now_unix();
    assert_eq!(
        app::checkout::repo::expire_stale_orders(&app.db, now)
            .await
            .unwrap(),
        0,
        "still held"
    );
    sqlx::query("UPDATE orders SET hold_until = $1")
        .bind(now - 1)
        .execute(app.db.pool())
        .await
        .unwrap();
    assert_eq!(
        app::checkout::repo::expire_stale_orders(&app.db, now)
            .await
            .unwrap(),
        1
    );
    assert_eq!(stock_of(&app, id).await, 4, "the held units are back");
    let late = guest.post_form(&pay, &card("4242 4242 4242 4242")).await;
    assert_eq!(late.status, 410, "an expired checkout can't be paid");
    assert!(
        guest.get("/cart").await.body.contains("Check out securely"),
        "the cart is still there"
    );
}

async fn the_cart_refuses_bad_quantities_and_shows_todays_prices(backend: Backend) {
    let Some(app) = spawn_seeded_app(backend).await else {
        return;
    };
    let (id, slug) = product_with_stock(&app, 3).await;
    let guest = app.visitor();
    for (quantity, message) in [
        ("0", "Enter a quantity of 1 or more."),
        ("-2", "Enter a quantity of 1 or more."),
        ("abc", "whole number"),
        ("4", "Only 3 left"),
    ] {
        let page = guest
            .post_form("/cart/add", &format!("slug={slug}&quantity={quantity}"))
            .await;
        assert_eq!(page.status, 422, "{quantity}");
        assert!(page.body.contains(message), "{quantity}: {message}");
        assert!(
            page.body.contains(&format!("value=\"{quantity}\"")),
            "typed value kept"
        );
    }
    assert_eq!(
        guest
            .post_form("/cart/add", "slug=no-such-thing")
            .await
            .status,
        404
    );
    assert_eq!(
        guest
            .post_form("/cart/add", &format!("slug={slug}&quantity=2"))
            .await
            .status,
        303
    );

    sqlx::query("UPDATE products SET price_cents = 123456 WHERE id = $1")
        .bind(id)
        .execute(app.db.pool())
        .await
        .unwrap();
    let cart = guest.get("/cart").await;
    assert!(cart.body.contains("2,469.12"), "today's price, times two");

    let updated = guest
        .post_form("/cart/update", &format!("slug={slug}&quantity=7"))
        .await;
    assert_eq!(updated.status, 422);
    assert!(updated.body.contains("Only 3 left"));

    sqlx::query("UPDATE products SET status = 'archived' WHERE id = $1")
        .bind(id)
        .execute(app.db.pool())
        .await
        .unwrap();
    let cart = guest.get("/cart").await;
    assert!(cart.body.contains("No longer sold"));
    let refused = guest
        .post_form(
            "/checkout",
            &format!("checkout_key={}", checkout_key(&cart)),
        )
        .await;
    assert_eq!(refused.status, 409);
    assert!(refused.body.contains("is no longer sold"));
    assert_eq!(count(&app, "SELECT COUNT(*) FROM orders").await, 0);
    let removed = guest
        .post_form("/cart/update", &format!("slug={slug}&action=remove"))
        .await;
    assert_eq!(removed.status, 303);
    assert!(guest.get("/cart").await.body.contains("Your cart is empty"));
}

async fn the_guest_cart_joins_the_account_at_sign_in(backend: Backend) {
    let Some(app) = spawn_seeded_app(backend).await else {
        return;
    };
    let (_, slug) = product_with_stock(&app, 5).await;
    app.create_user("shopper@example.com", None).await;
    let guest = app.visitor();
    assert_eq!(
        guest
            .post_form("/cart/add", &format!("slug={slug}&quantity=2"))
            .await
            .status,
        303
    );
    let signed_in = guest
        .post_form(
            "/login",
            &format!(
                "email=shopper%40example.com&password={}",
                urlencode(crate::helpers::TEST_PASSWORD)
            ),
        )
        .await;
    assert_eq!(signed_in.status, 303);
    // The same account from another browser sees the cart.
    let elsewhere = app.visitor();
    elsewhere
        .post_form(
            "/login",
            &format!(
                "email=shopper%40example.com&password={}",
                urlencode(crate::helpers::TEST_PASSWORD)
            ),
        )
        .await;
    let cart = elsewhere.get("/cart").await;
    assert!(cart.body.contains("Check out securely"), "{}", cart.body);
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM cart_lines WHERE owner LIKE 'v:%'"
        )
        .await,
        0
    );
}

async fn the_reconciler_completes_an_order_whose_webhook_never_came(backend: Backend) {
    let Some(app) = spawn_seeded_app(backend).await else {
        return;
    };
    let (id, slug) = product_with_stock(&app, 5).await;
    let guest = app.visitor();
    check_out(&guest, &slug, 1).await;
    // The provider took the money, but its webhook was lost.
    sqlx::query("UPDATE demo_sessions SET status = 'complete', payment_status = 'paid'")
        .execute(app.db.pool())
        .await
        .unwrap();
    sqlx::query("UPDATE orders SET email = 'lost@example.com'")
        .execute(app.db.pool())
        .await
        .unwrap();
    let now = app::db::now_unix();
    let first = app::checkout::reconcile::reconcile(&app.db, now, &app.base)
        .await
        .unwrap();
    assert_eq!(first.completed, 1);
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM orders WHERE status = 'paid'").await,
        1
    );
    assert_eq!(stock_of(&app, id).await, 4);
    assert_eq!(app.emails_to("lost@example.com").await.len(), 1);
    let second = app::checkout::reconcile::reconcile(&app.db, now, &app.base)
        .await
        .unwrap();
    assert_eq!(second, Default::default(), "a second run changes nothing");
    assert_eq!(app.emails_to("lost@example.com").await.len(), 1);
}

async fn sales_ship_and_refund_orders_once(backend: Backend) {
    let Some(app) = spawn_seeded_app(backend).await else {
        return;
    };
    let (_, slug) = product_with_stock(&app, 5).await;
    let guest = app.visitor();
    let pay = check_out(&guest, &slug, 2).await;
    assert_eq!(
        guest
            .post_form(&pay, &card("4242424242424242"))
            .await
            .status,
        303
    );
    let (public_id, total): (String, i64) =
        sqlx::query_as("SELECT public_id, total_cents FROM orders")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    let sales = app.signed_in_as("sales@example.com", Some("sales")).await;
    let list = sales.get("/admin/orders?status=paid").await;
    assert_eq!(list.status, 200);
    assert!(list.body.contains(&public_id[..8].to_uppercase()));
    assert!(!sales
        .get("/admin/orders?status=refunded")
        .await
        .body
        .contains(&public_id[..8].to_uppercase()));

    let desk = format!("/admin/orders/{public_id}");
    let page = sales.get(&desk).await;
    assert!(
        page.body.contains("checkout.session.completed"),
        "payment events listed"
    );
    assert_eq!(sales.post_form(&desk, "action=fulfil").await.status, 303);
    let again = sales.post_form(&desk, "action=fulfil").await;
    assert_eq!(again.status, 409, "shipped once");

    let refunded_now = || async {
        let row: (String, i64) = sqlx::query_as("SELECT status, refunded_cents FROM orders")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
        row
    };
    // A double-clicked refund button refunds once.
    let key = "ab".repeat(16);
    for _ in 0..2 {
        let refund = sales
            .post_form(
                &desk,
                &format!("action=refund&refund_key={key}&amount=1.00"),
            )
            .await;
        assert_eq!(refund.status, 303, "{}", refund.body);
    }
    assert_eq!(
        refunded_now().await,
        ("partially_refunded".to_string(), 100)
    );
    let remaining = total - 100;
    let over = format!("{}.{:02}", (remaining + 1) / 100, (remaining + 1) % 100);
    let too_much = sales
        .post_form(
            &desk,
            &format!("action=refund&refund_key={}&amount={over}", "cd".repeat(16)),
        )
        .await;
    assert_eq!(too_much.status, 422);
    assert!(too_much.body.contains("Refund between 0.01 and"));
    let rest = format!("{}.{:02}", remaining / 100, remaining % 100);
    let last = sales
        .post_form(
            &desk,
            &format!("action=refund&refund_key={}&amount={rest}", "ef".repeat(16)),
        )
        .await;
    assert_eq!(last.status, 303);
    assert_eq!(refunded_now().await, ("refunded".to_string(), total));
    let actions: Vec<String> =
        sqlx::query_scalar("SELECT action FROM audit_log WHERE action LIKE 'order.%' ORDER BY id")
            .fetch_all(app.db.pool())
            .await
            .unwrap();
    assert_eq!(actions, ["order.fulfil", "order.refund", "order.refund"]);
}

on_both_backends!(
    a_guest_buys_with_the_demo_provider,
    a_declined_card_keeps_the_cart,
    webhooks_are_verified_and_applied_once,
    two_hundred_buyers_race_for_fifty_units,
    an_unpaid_order_expires_and_its_stock_returns,
    the_cart_refuses_bad_quantities_and_shows_todays_prices,
    the_guest_cart_joins_the_account_at_sign_in,
    the_reconciler_completes_an_order_whose_webhook_never_came,
    sales_ship_and_refund_orders_once,
);

/// A stand-in for Stripe's API on a local port: it records every request and answers
/// `POST /v1/checkout/sessions` with a Checkout Session in Stripe's JSON shape, the same
/// session for the same order (as Stripe does for a repeated idempotency key).
struct FakeStripe {
    base: String,
    requests: std::sync::Arc<std::sync::Mutex<Vec<(axum::http::HeaderMap, String)>>>,
}

async fn fake_stripe() -> FakeStripe {
    use axum::http::HeaderMap;
    let requests = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let recorded = requests.clone();
    let app = axum::Router::new().route(
        "/v1/checkout/sessions",
        axum::routing::post(move |headers: HeaderMap, body: String| {
            let recorded = recorded.clone();
            async move {
                let order = body
                    .split('&')
                    .find_map(|pair| pair.strip_prefix("client_reference_id="))
                    .unwrap_or("unknown")
                    .to_string();
                recorded.lock().unwrap().push((headers, body));
                let now = app::db::now_unix();
                let session = serde_json::json!({
                    "id": format!("cs_test_{order}"), "object": "checkout.session",
                    "automatic_tax": { "enabled": false }, "created": now, "custom_fields": [],
                    "custom_text": {}, "expires_at": now + 1860, "livemode": false, "mode": "payment",
                    "payment_method_types": ["card"], "payment_status": "unpaid", "shipping_options": [],
                    "status": "open", "client_reference_id": order,
                    "url": format!("https://checkout.stripe.com/c/pay/cs_test_{order}")
                });
                ([("content-type", "application/json")], session.to_string())
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    FakeStripe {
        base: format!("http://{addr}/"),
        requests,
    }
}

fn stripe_settings(api_base: String) -> Vec<(&'static str, String)> {
    vec![
        ("STRIPE_SECRET_KEY", "sk_test_storefront".to_string()),
        ("STRIPE_WEBHOOK_SECRET", "whsec_test_storefront".to_string()),
        ("STRIPE_API_BASE", api_base),
    ]
}

async fn a_purchase_through_stripe(backend: Backend) {
    let stripe = fake_stripe().await;
    let Some(app) =
        crate::helpers::spawn_app_with(backend, &stripe_settings(stripe.base.clone())).await
    else {
        return;
    };
    server::seed::seed_demo_store(&app.db).await.unwrap();
    let (id, slug) = product_with_stock(&app, 5).await;
    let price: i64 = sqlx::query_scalar("SELECT price_cents FROM products WHERE id = $1")
        .bind(id)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    let guest = app.visitor();
    guest
        .post_form("/cart/add", &format!("slug={slug}&quantity=2"))
        .await;
    let cart = guest.get("/cart").await;
    let form = format!("checkout_key={}", checkout_key(&cart));
    let first = guest.post_form("/checkout", &form).await;
    let second = guest.post_form("/checkout", &form).await;
    assert_eq!(first.status, 303, "{}", first.body);
    let (public_id, provider, session): (String, String, String) =
        sqlx::query_as("SELECT public_id, provider, provider_session FROM orders")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    assert_eq!(
        first.location(),
        format!("https://checkout.stripe.com/c/pay/cs_test_{public_id}")
    );
    assert_eq!(
        second.location(),
        first.location(),
        "a double click finds the same session"
    );
    assert_eq!(
        (provider.as_str(), session.clone()),
        ("stripe", format!("cs_test_{public_id}"))
    );
    assert_eq!(
        stock_of(&app, id).await,
        3,
        "held while the customer pays at Stripe"
    );

    let requests = stripe.requests.lock().unwrap().clone();
    assert_eq!(requests.len(), 2);
    for (headers, body) in &requests {
        let header = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_string()
        };
        assert_eq!(header("authorization"), "Bearer sk_test_storefront");
        assert_eq!(
            header("idempotency-key"),
            format!("storefront-checkout-{public_id}")
        );
        let form: Vec<(String, String)> = form_urlencoded::parse(body.as_bytes())
            .into_owned()
            .collect();
        let value = |name: &str| {
            form.iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        assert_eq!(value("mode"), "payment");
        assert_eq!(value("client_reference_id"), public_id);
        assert_eq!(value("metadata[order_id]"), public_id);
        assert_eq!(value("payment_intent_data[metadata][order_id]"), public_id);
        assert_eq!(value("line_items[0][quantity]"), "2");
        assert_eq!(
            value("line_items[0][price_data][unit_amount]"),
            price.to_string(),
            "our price, from our database"
        );
        assert_eq!(value("line_items[0][price_data][currency]"), "usd");
        assert_eq!(
            value("success_url"),
            format!(
                "{}/checkout/success?session_id={{CHECKOUT_SESSION_ID}}",
                app.base
            )
        );
        assert_eq!(value("cancel_url"), format!("{}/cart", app.base));
    }

    // Stripe's webhook, signed with the Stripe endpoint's secret; the demo secret is refused.
    let now = app::db::now_unix();
    let event = serde_json::json!({
        "id": "evt_stripe_1", "object": "event", "type": "checkout.session.completed", "created": now,
        "data": { "object": { "id": session, "object": "checkout.session", "client_reference_id": public_id,
            "payment_status": "paid", "customer_details": { "email": "stripe@example.com" }, "payment_intent": "pi_1" } }
    })
    .to_string();
    let demo_secret = app::checkout::repo::demo_webhook_secret(&app.db)
        .await
        .unwrap();
    let wrong = app::checkout::signature::sign(&demo_secret, now, event.as_bytes());
    assert_eq!(deliver(&app, &event, Some(wrong)).await, 400);
    let right = app::checkout::signature::sign("whsec_test_storefront", now, event.as_bytes());
    assert_eq!(deliver(&app, &event, Some(right)).await, 200);
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM orders WHERE status = 'paid'").await,
        1
    );
    let result = guest
        .get(&format!("/checkout/success?session_id={session}"))
        .await;
    assert!(result.body.contains("payment received"));
    assert_eq!(app.emails_to("stripe@example.com").await.len(), 1);
}

async fn an_unreachable_stripe_cancels_the_order_and_keeps_the_cart(backend: Backend) {
    // A port nothing listens on.
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}/", listener.local_addr().unwrap())
    };
    let Some(app) = crate::helpers::spawn_app_with(backend, &stripe_settings(closed)).await else {
        return;
    };
    server::seed::seed_demo_store(&app.db).await.unwrap();
    let (id, slug) = product_with_stock(&app, 5).await;
    let guest = app.visitor();
    guest
        .post_form("/cart/add", &format!("slug={slug}&quantity=2"))
        .await;
    let cart = guest.get("/cart").await;
    let refused = guest
        .post_form(
            "/checkout",
            &format!("checkout_key={}", checkout_key(&cart)),
        )
        .await;
    assert_eq!(refused.status, 503);
    assert!(refused.body.contains("nothing was charged"));
    assert!(
        refused.body.contains("Check out securely"),
        "the cart is shown again"
    );
    assert_eq!(stock_of(&app, id).await, 5, "the held items are back");
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM orders WHERE status = 'cancelled'"
        )
        .await,
        1
    );
}

on_both_backends!(
    a_purchase_through_stripe,
    an_unreachable_stripe_cancels_the_order_and_keeps_the_cart,
);
