//! The address book (`app/src/checkout/shipping/addresses.rs`): a signed-in customer saves
//! the address at checkout, picks it on the next checkout, and removes it after being asked;
//! nobody sees or removes anyone else's, guests save nothing.

use crate::helpers::verbs::{checkout_key, first_shipping_rate, SHIP_TO};
use crate::helpers::{spawn_seeded_app, Backend, Visitor};
use crate::on_both_backends;

on_both_backends!(
    a_customer_saves_an_address_and_picks_it_next_time,
    the_book_is_private_and_removing_asks_first,
);

const TO_LONDON: &str = "ship_name=Ada%20Lovelace&ship_line1=10%20Downing%20St&ship_city=London&ship_postal_code=SW1A%202AA&ship_country=GB";

/// Buys one of `slug` shipping to `address`, ticking "Save this address" or not.
async fn buy(customer: &Visitor, slug: &str, address: &str, save: bool) {
    assert_eq!(customer.add_to_cart(slug, 1).await.status, 303);
    let step = customer
        .get(&format!(
            "/checkout?country={}",
            &address[address.len() - 2..]
        ))
        .await;
    let rate = first_shipping_rate(&step);
    let save = if save { "&save_address=on" } else { "" };
    let started = customer
        .post_form(
            "/checkout",
            &format!(
                "checkout_key={}&{address}&shipping_rate={rate}&step=pay{save}",
                checkout_key(&step)
            ),
        )
        .await;
    assert_eq!(started.status, 303, "{}", started.body);
}

async fn a_customer_saves_an_address_and_picks_it_next_time(backend: Backend) {
    let Some(app) = spawn_seeded_app(backend).await else {
        return;
    };
    let (_, slug) = app.product_with_stock(10).await;
    let customer = app.sign_in_as_customer("ada@example.com").await;
    let step = customer.checkout_step().await;
    assert!(
        !step.body.contains("Your addresses"),
        "an empty book shows nothing"
    );
    assert_eq!(customer.add_to_cart(&slug, 1).await.status, 303);
    assert!(customer
        .checkout_step()
        .await
        .body
        .contains("Save this address in my account"));

    buy(&customer, &slug, SHIP_TO, true).await;
    buy(&customer, &slug, TO_LONDON, true).await;
    // The same place again is one entry, used most recently.
    buy(&customer, &slug, SHIP_TO, true).await;
    buy(
        &customer,
        &slug,
        &TO_LONDON.replace("10%20Downing", "11%20Downing"),
        false,
    )
    .await;
    let book = customer.get("/account/addresses").await;
    assert_eq!(book.status, 200);
    assert_eq!(
        book.body.matches("address-book__item").count(),
        2,
        "{}",
        book.body
    );
    assert!(!book.body.contains("11 Downing"), "not ticked, not saved");
    let portland = book.body.find("1 Main St").unwrap();
    let london = book.body.find("10 Downing St").unwrap();
    assert!(portland < london, "most recently used first");

    // The cart still holds what the last checkout was made of.
    let step = customer.checkout_step().await;
    assert!(step.body.contains("Your addresses"), "{}", step.body);
    let id: i64 = app
        .count("SELECT id FROM saved_addresses WHERE ship_city = 'London'")
        .await;
    let picked = customer
        .get(&format!("/checkout?address={id}&country=GB"))
        .await;
    assert!(
        picked.body.contains("value=\"10 Downing St\""),
        "the form is filled"
    );
    assert!(picked.body.contains("value=\"SW1A 2AA\""));
    assert!(picked.body.contains("aria-current=\"true\""));
    // Without the country in the link, the address brings its own.
    let picked = customer.get(&format!("/checkout?address={id}")).await;
    assert!(
        picked.body.contains("Postcode"),
        "the UK form: {}",
        picked.body.len()
    );

    let guest = app.visitor();
    assert_eq!(guest.add_to_cart(&slug, 1).await.status, 303);
    assert!(!guest
        .checkout_step()
        .await
        .body
        .contains("Save this address"));
    let before = app.count("SELECT COUNT(*) FROM saved_addresses").await;
    buy(&guest, &slug, SHIP_TO, true).await;
    assert_eq!(
        app.count("SELECT COUNT(*) FROM saved_addresses").await,
        before,
        "a guest's tick saves nothing"
    );
}

async fn the_book_is_private_and_removing_asks_first(backend: Backend) {
    let Some(app) = spawn_seeded_app(backend).await else {
        return;
    };
    let (_, slug) = app.product_with_stock(10).await;
    let ada = app.sign_in_as_customer("ada@example.com").await;
    buy(&ada, &slug, TO_LONDON, true).await;
    let id: i64 = app.count("SELECT MAX(id) FROM saved_addresses").await;

    let grace = app.sign_in_as_customer("grace@example.com").await;
    assert_eq!(grace.add_to_cart(&slug, 1).await.status, 303);
    let peek = grace
        .get(&format!("/checkout?address={id}&country=GB"))
        .await;
    assert!(
        !peek.body.contains("Downing"),
        "someone else's address fills nothing"
    );
    let empty = grace.get("/account/addresses").await;
    assert!(empty.body.contains("No saved addresses"));
    let stolen = grace
        .post_form(&format!("/account/addresses/{id}/remove"), "")
        .await;
    assert_eq!(stolen.status, 404);
    let anonymous = app.visitor().get("/account/addresses").await;
    assert!(anonymous.body.contains("Sign in to see your addresses"));

    let asking = ada.get(&format!("/account/addresses?remove={id}")).await;
    assert!(asking.body.contains("Remove this address?"));
    assert_eq!(
        app.count("SELECT COUNT(*) FROM saved_addresses").await,
        1,
        "asking removes nothing"
    );
    let removed = ada
        .post_form(&format!("/account/addresses/{id}/remove"), "")
        .await;
    assert_eq!(removed.status, 303);
    assert_eq!(removed.location(), "/account/addresses?removed=1");
    assert_eq!(app.count("SELECT COUNT(*) FROM saved_addresses").await, 0);
    let order_still_there = app
        .count("SELECT COUNT(*) FROM orders WHERE ship_line1 = '10 Downing St'")
        .await;
    assert_eq!(order_still_there, 1, "the order keeps its address");
}
