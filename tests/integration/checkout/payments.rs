//! Checkout's payment side: what the payment provider tells the store and what the store
//! asks it. The signed webhook (replays, stale, forged and truncated deliveries, events
//! out of order, refunds), the reconciler that finds payments whose webhook never came,
//! and the whole of a purchase through Stripe's API (against the fake in
//! `helpers::stripe`): sessions, refunds, an unreachable Stripe, and money for a
//! superseded checkout going back.

use crate::helpers::stripe::{fake_stripe, form_value, header_value, stripe_app, PaidSession};
use crate::helpers::{spawn_seeded_app, Backend};
use crate::on_both_backends;

on_both_backends!(
    webhooks_are_verified_and_applied_once,
    the_reconciler_completes_an_order_whose_webhook_never_came,
    a_purchase_through_stripe,
    the_reconciler_asks_stripe_about_quiet_sessions,
    an_unreachable_stripe_cancels_the_order_and_keeps_the_cart,
    money_for_a_superseded_checkout_goes_back,
);

async fn webhooks_are_verified_and_applied_once(backend: Backend) {
    let Some(app) = spawn_seeded_app(backend).await else {
        return;
    };
    let (id, slug) = app.product_with_stock(5).await;
    let guest = app.visitor();
    let pay = guest.check_out(&slug, 2).await;
    let session = pay.trim_start_matches("/pay/demo/").to_string();
    let (public_id, total) = app.only_order().await;
    let secret = app.demo_webhook_secret().await;
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

    assert_eq!(
        app.deliver_webhook(&completed, None).await,
        400,
        "no signature"
    );
    let forged = app::signature::sign("whsec_wrong", now, &completed);
    assert_eq!(
        app.deliver_webhook(&completed, Some(forged)).await,
        400,
        "wrong secret"
    );
    assert_eq!(
        app.deliver_webhook(&completed, sign(&completed, now - 301))
            .await,
        400,
        "stale"
    );
    let truncated = &completed[..completed.len() - 10];
    assert_eq!(
        app.deliver_webhook(truncated, sign(&completed, now)).await,
        400,
        "truncated body"
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM payment_events").await, 0);

    // The expiry arrives first (out of order), then the payment ten times.
    let expired_late = event("evt_expired", "checkout.session.expired");
    for _ in 0..10 {
        assert_eq!(
            app.deliver_webhook(&completed, sign(&completed, now)).await,
            200
        );
    }
    assert_eq!(
        app.deliver_webhook(&expired_late, sign(&expired_late, now))
            .await,
        200
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM orders WHERE status = 'paid'")
            .await,
        1,
        "paid once; the late expiry was refused"
    );
    assert_eq!(
        app.stock_of(id).await,
        3,
        "the refused expiry released nothing"
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM payment_events").await, 2);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM payment_events WHERE outcome = 'refused'")
            .await,
        1
    );
    assert_eq!(
        app.emails_to("hook@example.com").await.len(),
        1,
        "one confirmation"
    );

    let unknown = event("evt_other", "customer.created");
    assert_eq!(
        app.deliver_webhook(&unknown, sign(&unknown, now)).await,
        200
    );
    let garbage = "{not json";
    assert_eq!(app.deliver_webhook(garbage, sign(garbage, now)).await, 200);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM payment_events WHERE outcome IN ('ignored', 'unparsed')")
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
    assert_eq!(app.deliver_webhook(&refund, sign(&refund, now)).await, 200);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM orders WHERE status = 'partially_refunded' AND refunded_cents = 100").await,
        1
    );
}

async fn the_reconciler_completes_an_order_whose_webhook_never_came(backend: Backend) {
    let Some(app) = spawn_seeded_app(backend).await else {
        return;
    };
    let (id, slug) = app.product_with_stock(5).await;
    let guest = app.visitor();
    let pay = guest.check_out(&slug, 1).await;
    // The provider took the money, but its webhook was lost.
    app.paid_at_the_demo_provider(pay.trim_start_matches("/pay/demo/"))
        .await;
    let (public_id, _) = app.only_order().await;
    app.set_order_email(&public_id, "lost@example.com").await;
    let now = app::db::now_unix();
    let first = app.reconcile(now, None).await;
    assert_eq!(first.completed, 1);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM orders WHERE status = 'paid'")
            .await,
        1
    );
    assert_eq!(app.stock_of(id).await, 4);
    assert_eq!(app.emails_to("lost@example.com").await.len(), 1);
    let second = app.reconcile(now, None).await;
    assert_eq!(second, Default::default(), "a second run changes nothing");
    assert_eq!(app.emails_to("lost@example.com").await.len(), 1);
}

async fn a_purchase_through_stripe(backend: Backend) {
    let stripe = fake_stripe().await;
    let Some(app) = stripe_app(backend, stripe.base.clone()).await else {
        return;
    };
    let (id, slug) = app.product_with_stock(5).await;
    let price = app.price_of(id).await;
    let guest = app.visitor();
    let (first, second) = guest.check_out_with_a_double_click(&slug, 2).await;
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
        app.stock_of(id).await,
        3,
        "held while the customer pays at Stripe"
    );

    let requests = stripe.requests_to("/v1/checkout/sessions");
    assert_eq!(requests.len(), 2);
    let shipping: i64 = sqlx::query_scalar("SELECT shipping_cents FROM orders")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert!(shipping > 0, "the order ships, and pays for it");
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
        assert_eq!(value("line_items[1][quantity]"), "1");
        assert_eq!(
            value("line_items[1][price_data][unit_amount]"),
            shipping.to_string(),
            "shipping is charged as its own line"
        );
        assert!(value("line_items[1][price_data][product_data][name]").starts_with("Shipping: "));
        assert_eq!(
            value("payment_intent_data[shipping][address][line1]"),
            "1 Main St",
            "the address we collected travels with the payment"
        );
        assert_eq!(
            value("payment_intent_data[shipping][address][postal_code]"),
            "97201"
        );
        assert_eq!(
            value("payment_intent_data[shipping][address][country]"),
            "US"
        );
        assert_eq!(value("payment_intent_data[shipping][name]"), "Ada Lovelace");
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
        amount: price * 2 + shipping,
        currency: "usd",
        email: "stripe@example.com",
        payment_intent: "pi_1",
    }
    .event(now);
    let demo_secret = app.demo_webhook_secret().await;
    let wrong = app::signature::sign(&demo_secret, now, &event);
    assert_eq!(app.deliver_webhook(&event, Some(wrong)).await, 400);
    let right = app::signature::sign("whsec_test_storefront", now, &event);
    assert_eq!(app.deliver_webhook(&event, Some(right)).await, 200);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM orders WHERE status = 'paid'")
            .await,
        1
    );
    let result = guest
        .get(&format!("/checkout/success?session_id={session}"))
        .await;
    assert!(result.body.contains("payment received"));
    assert_eq!(app.emails_to("stripe@example.com").await.len(), 1);

    // A refund from the orders desk goes through Stripe's Refund API, once for a double click.
    let sales = app.sign_in_as_staff("sales").await;
    let key = "ab".repeat(16);
    for _ in 0..2 {
        let refund = sales.refund_order(&public_id, &key, "1.00").await;
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
    assert_eq!(app.deliver_webhook(&report, Some(signed)).await, 200);
    assert_eq!(refunded().await, ("partially_refunded".to_string(), 100));
    assert_eq!(
        app.count("SELECT COUNT(*) FROM order_events WHERE reason = 'Refund issued'")
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
    let (id, slug) = app.product_with_stock(5).await;
    let (payer, leaver) = (app.visitor(), app.visitor());
    payer.check_out_with_a_double_click(&slug, 2).await;
    leaver.check_out_with_a_double_click(&slug, 1).await;
    assert_eq!(app.stock_of(id).await, 2);
    let sessions: Vec<String> =
        sqlx::query_scalar("SELECT provider_session FROM orders ORDER BY id")
            .fetch_all(app.db.pool())
            .await
            .unwrap();
    // The first customer paid at Stripe but its webhook was lost; the second walked away.
    stripe.pay(&sessions[0]);
    let provider = stripe.provider();
    let now = app::db::now_unix();
    assert_eq!(
        app.reconcile(now, Some(&provider)).await,
        Default::default(),
        "within the hold nobody is asked"
    );
    assert!(stripe
        .requests_to(&format!("/v1/checkout/sessions/{}", sessions[0]))
        .is_empty());

    let after_hold = now + 2 * 3600;
    let done = app.reconcile(after_hold, Some(&provider)).await;
    assert_eq!((done.completed, done.expired, done.unanswered), (1, 1, 0));
    let statuses: Vec<(String, String)> =
        sqlx::query_as("SELECT status, email FROM orders ORDER BY id")
            .fetch_all(app.db.pool())
            .await
            .unwrap();
    assert_eq!(statuses[0].0, "paid");
    assert_eq!(statuses[1].0, "expired");
    assert_eq!(app.stock_of(id).await, 3, "the walked-away item is back");
    assert_eq!(app.emails_to("paid-at-stripe@example.com").await.len(), 1);
    assert_eq!(
        stripe
            .requests_to(&format!("/v1/checkout/sessions/{}/expire", sessions[1]))
            .len(),
        1,
        "the open session is ended at Stripe before its items go back"
    );
    assert_eq!(
        app.reconcile(after_hold, Some(&provider)).await,
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
    let (id, slug) = app.product_with_stock(5).await;
    let (refused, _) = app.visitor().check_out_with_a_double_click(&slug, 2).await;
    assert_eq!(refused.status, 503);
    assert!(refused.body.contains("nothing was charged"));
    assert!(
        refused.body.contains("Continue to payment"),
        "the checkout step is shown again"
    );
    assert_eq!(app.stock_of(id).await, 5, "the held items are back");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM orders WHERE status = 'cancelled'")
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
    let (_, slug) = app.product_with_stock(5).await;
    let guest = app.visitor();
    let (first, _) = guest.check_out_with_a_double_click(&slug, 1).await;
    assert_eq!(first.status, 303, "{}", first.body);
    let (old_order, old_session, old_total): (String, String, i64) = sqlx::query_as(
        "SELECT public_id, provider_session, total_cents FROM orders ORDER BY id LIMIT 1",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    app.set_order_email(&old_order, "tab@example.com").await;
    let (second, _) = guest.check_out_with_a_double_click(&slug, 1).await;
    assert_eq!(second.status, 303, "{}", second.body);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM orders WHERE status = 'cancelled'")
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
    assert_eq!(
        app.deliver_webhook(&paid, Some(signature.clone())).await,
        200
    );
    assert_eq!(
        app.deliver_webhook(&paid, Some(signature)).await,
        200,
        "a replay"
    );
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
        app.count("SELECT COUNT(*) FROM automatic_refunds WHERE status = 'done'")
            .await,
        1
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM orders WHERE status = 'paid'")
            .await,
        0,
        "the ended order stays ended"
    );
    let told = app.emails_to("tab@example.com").await;
    assert_eq!(told.len(), 1, "the customer is told");
    assert!(told[0].contains("refunded it in full"));
    // The reconciler finds nothing more to give back.
    let done = app.reconcile(now, Some(&stripe.provider())).await;
    assert_eq!(done.refunded, 0);
}
