//! Buying over real HTTP: the cart, checkout with stock held, the demo provider's card
//! page, the signed webhook (replays, stale and forged deliveries, events out of order),
//! 200 buyers racing for 50 units, and unpaid orders expiring.

use crate::helpers::{spawn_seeded_app, urlencode, Backend, Page, TestApp, Visitor};
use crate::on_both_backends;

/// An active product with at least `stock` units (set to exactly `stock`).
pub(crate) async fn product_with_stock(app: &TestApp, stock: i64) -> (i64, String) {
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

pub(crate) async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(app.db.pool())
        .await
        .unwrap()
}

pub(crate) fn checkout_key(cart: &Page) -> String {
    let marker = "name=\"checkout_key\" value=\"";
    let start = cart.body.find(marker).expect("a checkout form") + marker.len();
    cart.body[start..start + 32].to_string()
}

/// Adds `quantity` of `slug`, then presses "Check out"; returns the pay page's path.
pub(crate) async fn check_out(visitor: &Visitor, slug: &str, quantity: i64) -> String {
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

pub(crate) fn card(number: &str) -> String {
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

/// What Stripe reports when a Checkout Session is paid: a `checkout.session.completed`
/// event's body, as sent to the webhook.
pub(crate) struct PaidSession<'a> {
    pub event_id: &'a str,
    pub session: &'a str,
    pub order: &'a str,
    pub amount: i64,
    pub currency: &'a str,
    pub email: &'a str,
    pub payment_intent: &'a str,
}

impl PaidSession<'_> {
    pub(crate) fn event(&self, created: i64) -> String {
        serde_json::json!({
            "id": self.event_id, "object": "event", "type": "checkout.session.completed", "created": created,
            "data": { "object": {
                "id": self.session, "object": "checkout.session", "client_reference_id": self.order,
                "payment_status": "paid", "amount_total": self.amount, "currency": self.currency,
                "customer_details": { "email": self.email }, "payment_intent": self.payment_intent
            }}
        })
        .to_string()
    }
}

/// A signed delivery to the webhook endpoint, as Stripe makes them.
pub(crate) async fn deliver(app: &TestApp, body: &str, signature: Option<String>) -> u16 {
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
    let sign = |body: &str, at: i64| Some(app::signature::sign(&secret, at, body));
    let completed = event("evt_completed", "checkout.session.completed");

    assert_eq!(deliver(&app, &completed, None).await, 400, "no signature");
    let forged = app::signature::sign("whsec_wrong", now, &completed);
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
    assert!(
        cart.body.contains("We hold your items for 30 minutes"),
        "the hold the store is configured with"
    );
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

async fn product_cards_on_list_pages_add_to_the_cart(backend: Backend) {
    let Some(app) = spawn_seeded_app(backend).await else {
        return;
    };
    let (id, slug) = product_with_stock(&app, 2).await;
    let name: String = sqlx::query_scalar("SELECT name FROM products WHERE id = $1")
        .bind(id)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    let guest = app.visitor();
    let search = format!("/products?q={}", urlencode(&name));
    let list = guest.get(&search).await;
    let card_button = format!("aria-label=\"Add {name} to cart\"");
    assert!(
        list.body.contains(&card_button),
        "the card has an add-to-cart button"
    );
    let back = urlencode("/products?sort=price");
    let added = guest
        .post_form("/cart/add", &format!("slug={slug}&quantity=1&back={back}"))
        .await;
    assert_eq!(added.status, 303);
    assert!(added.location().starts_with("/cart?added="));
    guest
        .post_form("/cart/add", &format!("slug={slug}&quantity=1&back={back}"))
        .await;
    // A third is more than there is: the list page comes back with the reason on the card.
    let refused = guest
        .post_form("/cart/add", &format!("slug={slug}&quantity=1&back={back}"))
        .await;
    assert_eq!(refused.status, 422);
    assert!(refused
        .body
        .contains("Only 2 left (some are already in your cart)."));
    assert!(
        refused.body.contains("class=\"card\""),
        "shown on the list page"
    );
    assert!(
        refused.body.contains("aria-label=\"2 items\""),
        "the page shown again still counts the cart"
    );
    assert_eq!(
        count(
            &app,
            "SELECT CAST(COALESCE(SUM(quantity), 0) AS BIGINT) FROM cart_lines"
        )
        .await,
        2
    );
    // A sold-out product's card offers no button (its badge says why).
    sqlx::query("UPDATE products SET stock = 0 WHERE id = $1")
        .bind(id)
        .execute(app.db.pool())
        .await
        .unwrap();
    assert!(!guest.get(&search).await.body.contains(&card_button));
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
    let first = app::checkout::reconcile::reconcile(&app.db, now, &app.base, None)
        .await
        .unwrap();
    assert_eq!(first.completed, 1);
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM orders WHERE status = 'paid'").await,
        1
    );
    assert_eq!(stock_of(&app, id).await, 4);
    assert_eq!(app.emails_to("lost@example.com").await.len(), 1);
    let second = app::checkout::reconcile::reconcile(&app.db, now, &app.base, None)
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
    product_cards_on_list_pages_add_to_the_cart,
    the_reconciler_completes_an_order_whose_webhook_never_came,
    sales_ship_and_refund_orders_once,
);

/// A stand-in for Stripe's API on a local port. It records every request and keeps the
/// sessions it made: `POST /v1/checkout/sessions` answers a Checkout Session in Stripe's
/// JSON shape (the same session for the same order, as Stripe does for a repeated
/// idempotency key), `GET /v1/checkout/sessions/{id}` and `POST …/{id}/expire` answer it as
/// it is now, `POST /v1/refunds` answers a Refund. A test "pays" a session with
/// [`FakeStripe::pay`], as a customer at Stripe's page would.
struct FakeStripe {
    base: String,
    requests: Recorded,
    sessions: Sessions,
}

type Recorded = std::sync::Arc<std::sync::Mutex<Vec<(String, axum::http::HeaderMap, String)>>>;
type Sessions =
    std::sync::Arc<std::sync::Mutex<std::collections::HashMap<String, serde_json::Value>>>;

impl FakeStripe {
    /// The customer pays at Stripe, and Stripe's webhook is lost.
    fn pay(&self, session: &str) {
        let mut sessions = self.sessions.lock().unwrap();
        let found = sessions.get_mut(session).expect("a session the fake made");
        found["status"] = "complete".into();
        found["payment_status"] = "paid".into();
        found["payment_intent"] = format!("pi_{session}").into();
        found["customer_details"] = serde_json::json!({ "email": "paid-at-stripe@example.com" });
    }

    /// (path, headers, body) of every request so far to paths starting with `prefix`.
    fn requests_to(&self, prefix: &str) -> Vec<(String, axum::http::HeaderMap, String)> {
        let requests = self.requests.lock().unwrap();
        requests
            .iter()
            .filter(|(path, _, _)| path.starts_with(prefix))
            .cloned()
            .collect()
    }
}

async fn fake_stripe() -> FakeStripe {
    use axum::extract::{Path, State};
    use axum::routing::{get, post};
    use serde_json::json;
    let requests: Recorded = Default::default();
    let sessions: Sessions = Default::default();

    async fn create_session(
        State((_, sessions)): State<(Recorded, Sessions)>,
        body: String,
    ) -> ([(&'static str, &'static str); 1], String) {
        let order = body
            .split('&')
            .find_map(|pair| pair.strip_prefix("client_reference_id="))
            .unwrap_or("unknown")
            .to_string();
        // Stripe totals the line items it was given.
        let value = |name: String| {
            form_urlencoded::parse(body.as_bytes())
                .find(|(key, _)| *key == name)
                .and_then(|(_, value)| value.parse::<i64>().ok())
        };
        let amount_total: i64 = (0..)
            .map_while(|i| {
                Some(
                    value(format!("line_items[{i}][price_data][unit_amount]"))?
                        * value(format!("line_items[{i}][quantity]"))?,
                )
            })
            .sum();
        let now = app::db::now_unix();
        let id = format!("cs_test_{order}");
        let mut sessions = sessions.lock().unwrap();
        let session = sessions.entry(id.clone()).or_insert_with(|| {
            json!({
                "id": id, "object": "checkout.session",
                "automatic_tax": { "enabled": false }, "created": now, "custom_fields": [],
                "custom_text": {}, "expires_at": now + 1860, "livemode": false, "mode": "payment",
                "payment_method_types": ["card"], "payment_status": "unpaid", "shipping_options": [],
                "status": "open", "client_reference_id": order, "amount_total": amount_total, "currency": "usd",
                "url": format!("https://checkout.stripe.com/c/pay/{id}")
            })
        });
        ([("content-type", "application/json")], session.to_string())
    }

    let app = axum::Router::new()
        .route("/v1/checkout/sessions", post(create_session))
        .route(
            "/v1/checkout/sessions/{id}",
            get(|State((_, sessions)): State<(Recorded, Sessions)>, Path(id): Path<String>| async move {
                let sessions = sessions.lock().unwrap();
                let session = sessions.get(&id).cloned().unwrap_or(json!({}));
                ([("content-type", "application/json")], session.to_string())
            }),
        )
        .route(
            "/v1/checkout/sessions/{id}/expire",
            post(|State((_, sessions)): State<(Recorded, Sessions)>, Path(id): Path<String>| async move {
                let mut sessions = sessions.lock().unwrap();
                let session = sessions.get_mut(&id).expect("a session the fake made");
                if session["status"] == "open" {
                    session["status"] = "expired".into();
                }
                ([("content-type", "application/json")], session.to_string())
            }),
        )
        .route(
            "/v1/refunds",
            post(|body: String| async move {
                let amount: i64 = body
                    .split('&')
                    .find_map(|pair| pair.strip_prefix("amount="))
                    .and_then(|amount| amount.parse().ok())
                    .unwrap_or(0);
                let refund = json!({
                    "id": "re_test_1", "object": "refund", "amount": amount,
                    "created": app::db::now_unix(), "currency": "usd", "status": "succeeded"
                });
                ([("content-type", "application/json")], refund.to_string())
            }),
        )
        .layer(axum::middleware::from_fn_with_state(
            requests.clone(),
            |State(recorded): State<Recorded>, request: axum::extract::Request, next: axum::middleware::Next| async move {
                let (parts, body) = request.into_parts();
                let bytes = axum::body::to_bytes(body, 1 << 20).await.unwrap();
                let path = parts.uri.path().to_string();
                recorded.lock().unwrap().push((
                    path,
                    parts.headers.clone(),
                    String::from_utf8_lossy(&bytes).to_string(),
                ));
                next.run(axum::extract::Request::from_parts(parts, axum::body::Body::from(bytes))).await
            },
        ))
        .with_state((requests.clone(), sessions.clone()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    FakeStripe {
        base: format!("http://{addr}/"),
        requests,
        sessions,
    }
}

fn stripe_settings(api_base: String) -> Vec<(&'static str, String)> {
    vec![
        ("STRIPE_SECRET_KEY", "sk_test_storefront".to_string()),
        ("STRIPE_WEBHOOK_SECRET", "whsec_test_storefront".to_string()),
        ("STRIPE_API_BASE", api_base),
    ]
}

/// An app paying through `api_base` as its Stripe, with the demo store seeded.
async fn stripe_app(backend: Backend, api_base: String) -> Option<TestApp> {
    let app = crate::helpers::spawn_app_with(backend, &stripe_settings(api_base)).await?;
    server::seed::seed_demo_store(&app.db).await.unwrap();
    Some(app)
}

/// A guest puts `quantity` of `slug` in the cart and presses "Check out" (twice, as a
/// double click); returns both answers.
async fn double_clicked_checkout(guest: &Visitor, slug: &str, quantity: i64) -> (Page, Page) {
    guest
        .post_form("/cart/add", &format!("slug={slug}&quantity={quantity}"))
        .await;
    let cart = guest.get("/cart").await;
    let form = format!("checkout_key={}", checkout_key(&cart));
    let first = guest.post_form("/checkout", &form).await;
    let second = guest.post_form("/checkout", &form).await;
    (first, second)
}

fn form_value(body: &str, name: &str) -> String {
    form_urlencoded::parse(body.as_bytes())
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned())
        .unwrap_or_default()
}

fn header_value(headers: &axum::http::HeaderMap, name: &str) -> String {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string()
}

async fn a_purchase_through_stripe(backend: Backend) {
    let stripe = fake_stripe().await;
    let Some(app) = stripe_app(backend, stripe.base.clone()).await else {
        return;
    };
    let (id, slug) = product_with_stock(&app, 5).await;
    let price: i64 = sqlx::query_scalar("SELECT price_cents FROM products WHERE id = $1")
        .bind(id)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    let guest = app.visitor();
    let (first, second) = double_clicked_checkout(&guest, &slug, 2).await;
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

    let requests = stripe.requests_to("/v1/checkout/sessions");
    assert_eq!(requests.len(), 2);
    for (_, headers, body) in &requests {
        assert_eq!(
            header_value(headers, "authorization"),
            "Bearer sk_test_storefront"
        );
        assert_eq!(
            header_value(headers, "idempotency-key"),
            format!("storefront-checkout-{public_id}")
        );
        let value = |name: &str| form_value(body, name);
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
    let event = PaidSession {
        event_id: "evt_stripe_1",
        session: &session,
        order: &public_id,
        amount: price * 2,
        currency: "usd",
        email: "stripe@example.com",
        payment_intent: "pi_1",
    }
    .event(now);
    let demo_secret = app::checkout::repo::demo_webhook_secret(&app.db)
        .await
        .unwrap();
    let wrong = app::signature::sign(&demo_secret, now, &event);
    assert_eq!(deliver(&app, &event, Some(wrong)).await, 400);
    let right = app::signature::sign("whsec_test_storefront", now, &event);
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

    // A refund from the orders desk goes through Stripe's Refund API, once for a double click.
    let sales = app.signed_in_as("sales@example.com", Some("sales")).await;
    let desk = format!("/admin/orders/{public_id}");
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
    let refunds = stripe.requests_to("/v1/refunds");
    assert_eq!(
        refunds.len(),
        2,
        "the retry reaches Stripe with the same key"
    );
    for (_, headers, body) in &refunds {
        assert_eq!(
            header_value(headers, "idempotency-key"),
            format!("storefront-refund-{key}")
        );
        assert_eq!(form_value(body, "payment_intent"), "pi_1");
        assert_eq!(form_value(body, "amount"), "100");
    }
    let refunded = || async {
        let row: (String, i64) = sqlx::query_as("SELECT status, refunded_cents FROM orders")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
        row
    };
    assert_eq!(refunded().await, ("partially_refunded".to_string(), 100));
    // Stripe's own report of that refund comes later and finds it recorded.
    let report = serde_json::json!({
        "id": "evt_stripe_refund", "object": "event", "type": "charge.refunded", "created": now,
        "data": { "object": { "id": "ch_1", "object": "charge", "payment_intent": "pi_1", "amount_refunded": 100 } }
    })
    .to_string();
    let signed = app::signature::sign("whsec_test_storefront", now, &report);
    assert_eq!(deliver(&app, &report, Some(signed)).await, 200);
    assert_eq!(refunded().await, ("partially_refunded".to_string(), 100));
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM order_events WHERE reason = 'Refund issued'"
        )
        .await,
        1,
        "one refund in the timeline"
    );
}

async fn the_reconciler_asks_stripe_about_quiet_sessions(backend: Backend) {
    let stripe = fake_stripe().await;
    let Some(app) = stripe_app(backend, stripe.base.clone()).await else {
        return;
    };
    let (id, slug) = product_with_stock(&app, 5).await;
    let (payer, leaver) = (app.visitor(), app.visitor());
    double_clicked_checkout(&payer, &slug, 2).await;
    double_clicked_checkout(&leaver, &slug, 1).await;
    assert_eq!(stock_of(&app, id).await, 2);
    let sessions: Vec<String> =
        sqlx::query_scalar("SELECT provider_session FROM orders ORDER BY id")
            .fetch_all(app.db.pool())
            .await
            .unwrap();
    // The first customer paid at Stripe but its webhook was lost; the second walked away.
    stripe.pay(&sessions[0]);
    let provider = app::checkout::stripe_payments::StripeProvider::new(
        "sk_test_storefront",
        "whsec_test_storefront",
        Some(&stripe.base),
    )
    .unwrap();
    let reconcile = |at: i64| {
        let (db, base, provider) = (&app.db, &app.base, &provider);
        async move {
            app::checkout::reconcile::reconcile(db, at, base, Some(provider))
                .await
                .unwrap()
        }
    };
    let now = app::db::now_unix();
    assert_eq!(
        reconcile(now).await,
        Default::default(),
        "within the hold nobody is asked"
    );
    assert!(stripe
        .requests_to(&format!("/v1/checkout/sessions/{}", sessions[0]))
        .is_empty());

    let after_hold = now + 2 * 3600;
    let done = reconcile(after_hold).await;
    assert_eq!((done.completed, done.expired, done.unanswered), (1, 1, 0));
    let statuses: Vec<(String, String)> =
        sqlx::query_as("SELECT status, email FROM orders ORDER BY id")
            .fetch_all(app.db.pool())
            .await
            .unwrap();
    assert_eq!(statuses[0].0, "paid");
    assert_eq!(statuses[1].0, "expired");
    assert_eq!(stock_of(&app, id).await, 3, "the walked-away item is back");
    assert_eq!(app.emails_to("paid-at-stripe@example.com").await.len(), 1);
    assert_eq!(
        stripe
            .requests_to(&format!("/v1/checkout/sessions/{}/expire", sessions[1]))
            .len(),
        1,
        "the open session is ended at Stripe before its items go back"
    );
    assert_eq!(
        reconcile(after_hold).await,
        Default::default(),
        "a second run changes nothing"
    );
    assert_eq!(app.emails_to("paid-at-stripe@example.com").await.len(), 1);
}

async fn an_unreachable_stripe_cancels_the_order_and_keeps_the_cart(backend: Backend) {
    // A port nothing listens on.
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}/", listener.local_addr().unwrap())
    };
    let Some(app) = stripe_app(backend, closed).await else {
        return;
    };
    let (id, slug) = product_with_stock(&app, 5).await;
    let (refused, _) = double_clicked_checkout(&app.visitor(), &slug, 2).await;
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

/// A customer checks out, opens a second checkout of the same cart (the first order is
/// cancelled), then pays in the first tab anyway: the old session was ended at Stripe,
/// and the money that still arrives is refunded automatically, once, and the customer told.
async fn money_for_a_superseded_checkout_goes_back(backend: Backend) {
    let stripe = fake_stripe().await;
    let Some(app) = stripe_app(backend, stripe.base.clone()).await else {
        return;
    };
    let (_, slug) = product_with_stock(&app, 5).await;
    let guest = app.visitor();
    let (first, _) = double_clicked_checkout(&guest, &slug, 1).await;
    assert_eq!(first.status, 303, "{}", first.body);
    let (old_order, old_session, old_total): (String, String, i64) = sqlx::query_as(
        "SELECT public_id, provider_session, total_cents FROM orders ORDER BY id LIMIT 1",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    sqlx::query("UPDATE orders SET email = 'tab@example.com' WHERE public_id = $1")
        .bind(&old_order)
        .execute(app.db.pool())
        .await
        .unwrap();
    let (second, _) = double_clicked_checkout(&guest, &slug, 1).await;
    assert_eq!(second.status, 303, "{}", second.body);
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM orders WHERE status = 'cancelled'"
        )
        .await,
        1,
        "the first order was replaced"
    );
    assert_eq!(
        stripe
            .requests_to(&format!("/v1/checkout/sessions/{old_session}/expire"))
            .len(),
        1,
        "the replaced session is ended at Stripe"
    );

    // Paid in the old tab a moment before Stripe ended it: Stripe reports the money.
    let now = app::db::now_unix();
    let paid = PaidSession {
        event_id: "evt_old_tab",
        session: &old_session,
        order: &old_order,
        amount: old_total,
        currency: "usd",
        email: "tab@example.com",
        payment_intent: "pi_old_tab",
    }
    .event(now);
    let signature = app::signature::sign("whsec_test_storefront", now, &paid);
    assert_eq!(deliver(&app, &paid, Some(signature.clone())).await, 200);
    assert_eq!(deliver(&app, &paid, Some(signature)).await, 200, "a replay");
    let refunds = stripe.requests_to("/v1/refunds");
    assert_eq!(refunds.len(), 1, "refunded once");
    let (_, headers, body) = &refunds[0];
    assert_eq!(form_value(body, "payment_intent"), "pi_old_tab");
    assert_eq!(form_value(body, "amount"), old_total.to_string());
    assert_eq!(
        header_value(headers, "idempotency-key"),
        "storefront-refund-auto-evt_old_tab"
    );
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM automatic_refunds WHERE status = 'done'"
        )
        .await,
        1
    );
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM orders WHERE status = 'paid'").await,
        0,
        "the ended order stays ended"
    );
    let told = app.emails_to("tab@example.com").await;
    assert_eq!(told.len(), 1, "the customer is told");
    assert!(told[0].contains("refunded it in full"));
    // The reconciler finds nothing more to give back.
    let done =
        app::checkout::reconcile::reconcile(&app.db, now, &app.base, app_stripe(&stripe).as_ref())
            .await
            .unwrap();
    assert_eq!(done.refunded, 0);
}

fn app_stripe(stripe: &FakeStripe) -> Option<app::checkout::stripe_payments::StripeProvider> {
    app::checkout::stripe_payments::StripeProvider::new(
        "sk_test_storefront",
        "whsec_test_storefront",
        Some(&stripe.base),
    )
    .ok()
}

on_both_backends!(
    a_purchase_through_stripe,
    the_reconciler_asks_stripe_about_quiet_sessions,
    an_unreachable_stripe_cancels_the_order_and_keeps_the_cart,
    money_for_a_superseded_checkout_goes_back,
);
