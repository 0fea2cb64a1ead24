//! Buying, from the customer's side, with the demo provider: the cart to the card page
//! with stock held (a double click makes one order), declined and bank-confirmed cards,
//! the receipt's link, 200 buyers racing for 50 units, and unpaid orders expiring.

use crate::helpers::verbs::checkout_key;
use crate::helpers::{spawn_seeded_app, Backend, Visitor};
use crate::on_both_backends;

on_both_backends!(
    a_guest_buys_with_the_demo_provider,
    a_declined_card_keeps_the_cart,
    two_hundred_buyers_race_for_fifty_units,
    an_unpaid_order_expires_and_its_stock_returns,
);

async fn a_guest_buys_with_the_demo_provider(backend: Backend) {
    let Some(app) = spawn_seeded_app(backend).await else {
        return;
    };
    let (id, slug) = app.product_with_stock(5).await;
    let guest = app.visitor();
    let added = guest.add_to_cart(&slug, 2).await;
    assert_eq!(added.status, 303);
    let cart = guest.cart().await;
    assert_eq!(cart.status, 200);
    assert!(cart.body.contains("Check out securely"));
    assert!(
        cart.body.contains("aria-label=\"2 items\""),
        "the header counts the cart"
    );
    let key = checkout_key(&guest.checkout_step().await);

    // A double-clicked pay button makes one order.
    let first = guest.start_checkout(&key).await;
    let second = guest.start_checkout(&key).await;
    assert_eq!(first.status, 303);
    assert_eq!(first.location(), second.location());
    assert_eq!(app.count("SELECT COUNT(*) FROM orders").await, 1);
    assert_eq!(app.stock_of(id).await, 3, "two units held");

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

    let paid = guest.pay_by_card(&pay, "4242 4242 4242 4242").await;
    assert_eq!(paid.status, 303, "{}", paid.body);
    let success = guest.get(&paid.location()).await;
    assert!(
        success.body.contains("payment received"),
        "{}",
        success.body
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM orders WHERE status = 'paid'")
            .await,
        1
    );
    assert_eq!(app.stock_of(id).await, 3, "paid units stay taken");
    let cart = guest.cart().await;
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
    let again = guest.pay_by_card(&pay, "4242 4242 4242 4242").await;
    assert_eq!(again.status, 410);
    assert_eq!(app.emails_to("buyer@example.com").await.len(), 1);
    // Someone else's order is not theirs to see.
    let (public_id, _) = app.only_order().await;
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
    let (_, slug) = app.product_with_stock(5).await;
    let guest = app.visitor();
    let pay = guest.check_out(&slug, 1).await;
    let declined = guest.pay_by_card(&pay, "4000 0000 0000 0002").await;
    assert_eq!(declined.status, 402);
    assert!(declined.body.contains("Your card was declined"));
    let cart = guest.cart().await;
    assert!(cart.body.contains("didn't go through"));
    assert!(
        cart.body.contains("Check out securely"),
        "the cart is intact"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM orders WHERE status = 'pending_payment'")
            .await,
        1
    );

    // The card that needs the bank's confirmation: a second step, then paid.
    let step = guest.pay_by_card(&pay, "4000 0025 0000 3155").await;
    assert_eq!(step.status, 303);
    assert!(step.location().ends_with("?step=authenticate"));
    assert!(guest
        .get(&step.location())
        .await
        .body
        .contains("Confirm this payment"));
    let confirmed = guest.answer_the_bank(&pay, "approve").await;
    assert_eq!(confirmed.status, 303);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM orders WHERE status = 'paid'")
            .await,
        1
    );
}

async fn two_hundred_buyers_race_for_fifty_units(backend: Backend) {
    let Some(app) = spawn_seeded_app(backend).await else {
        return;
    };
    let (id, slug) = app.product_with_stock(50).await;
    let buyers: Vec<Visitor> = (0..200).map(|_| app.visitor()).collect();
    for chunk in buyers.chunks(25) {
        let adds = chunk.iter().map(|b| b.add_to_cart(&slug, 1));
        for added in futures::future::join_all(adds).await {
            assert_eq!(added.status, 303);
        }
    }
    let keys: Vec<String> = (0..200)
        .map(|i| format!("{:032x}", 0xC0FFEE_u128 * 1_000 + i))
        .collect();
    let checkouts = buyers
        .iter()
        .zip(&keys)
        .map(|(b, key)| b.start_checkout(key));
    let results = futures::future::join_all(checkouts).await;
    let reserved = results.iter().filter(|r| r.status == 303).count();
    let sold_out = results
        .iter()
        .filter(|r| r.status == 409 && r.body.contains("sold out while you were shopping"))
        .count();
    assert_eq!(reserved, 50, "exactly the stock was reserved");
    assert_eq!(sold_out, 150, "everyone else heard it sold out");
    assert_eq!(app.stock_of(id).await, 0, "never below zero");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM orders WHERE status = 'pending_payment'")
            .await,
        50
    );
}

async fn an_unpaid_order_expires_and_its_stock_returns(backend: Backend) {
    let Some(app) = spawn_seeded_app(backend).await else {
        return;
    };
    let (id, slug) = app.product_with_stock(4).await;
    let guest = app.visitor();
    let pay = guest.check_out(&slug, 3).await;
    assert_eq!(app.stock_of(id).await, 1);
    let now = app::db::now_unix();
    assert_eq!(app.expire_stale_orders(now).await, 0, "still held");
    app.end_holds_at(now - 1).await;
    assert_eq!(app.expire_stale_orders(now).await, 1);
    assert_eq!(app.stock_of(id).await, 4, "the held units are back");
    let late = guest.pay_by_card(&pay, "4242 4242 4242 4242").await;
    assert_eq!(late.status, 410, "an expired checkout can't be paid");
    assert!(
        guest.cart().await.body.contains("Check out securely"),
        "the cart is still there"
    );
}
