//! The cart as customers use it: quantities refused with a reason (and kept as typed),
//! today's prices, products that stop being sold, "Add to cart" on list pages' cards, and
//! a guest's cart joining their account at sign-in. Checking out is `checkout`'s.

use crate::helpers::verbs::checkout_key;
use crate::helpers::{spawn_seeded_app, urlencode, Backend};
use crate::on_both_backends;

on_both_backends!(
    the_cart_refuses_bad_quantities_and_shows_todays_prices,
    the_guest_cart_joins_the_account_at_sign_in,
    product_cards_on_list_pages_add_to_the_cart,
);

async fn the_cart_refuses_bad_quantities_and_shows_todays_prices(backend: Backend) {
    let Some(app) = spawn_seeded_app(backend).await else {
        return;
    };
    let (id, slug) = app.product_with_stock(3).await;
    let guest = app.visitor();
    for (quantity, message) in [
        ("0", "Enter a quantity of 1 or more."),
        ("-2", "Enter a quantity of 1 or more."),
        ("abc", "whole number"),
        ("4", "Only 3 left"),
    ] {
        let page = guest.add_to_cart(&slug, quantity).await;
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
    assert_eq!(guest.add_to_cart(&slug, 2).await.status, 303);

    app.set_price(id, 123456).await;
    let cart = guest.cart().await;
    assert!(
        cart.body.contains("We hold your items for 30 minutes"),
        "the hold the store is configured with"
    );
    assert!(cart.body.contains("2,469.12"), "today's price, times two");

    let updated = guest.change_quantity(&slug, 7).await;
    assert_eq!(updated.status, 422);
    assert!(updated.body.contains("Only 3 left"));

    app.archive_product(id).await;
    let cart = guest.cart().await;
    assert!(cart.body.contains("No longer sold"));
    let refused = guest
        .start_checkout(&checkout_key(&guest.checkout_step().await))
        .await;
    assert_eq!(refused.status, 409);
    assert!(refused.body.contains("is no longer sold"));
    assert_eq!(app.count("SELECT COUNT(*) FROM orders").await, 0);
    let removed = guest.remove_from_cart(&slug).await;
    assert_eq!(removed.status, 303);
    assert!(guest.cart().await.body.contains("Your cart is empty"));
}

async fn product_cards_on_list_pages_add_to_the_cart(backend: Backend) {
    let Some(app) = spawn_seeded_app(backend).await else {
        return;
    };
    let (id, slug) = app.product_with_stock(2).await;
    let name = app.name_of(id).await;
    let guest = app.visitor();
    let search = format!("/products?q={}", urlencode(&name));
    let list = guest.get(&search).await;
    let card_button = format!("aria-label=\"Add to cart: {name}\"");
    assert!(
        list.body.contains(&card_button),
        "the card has an add-to-cart button"
    );
    let back = "/products?sort=price";
    let added = guest.add_to_cart_from(&slug, 1, back).await;
    assert_eq!(added.status, 303);
    assert!(added.location().starts_with("/cart?added="));
    guest.add_to_cart_from(&slug, 1, back).await;
    // A third is more than there is: the list page comes back with the reason on the card.
    let refused = guest.add_to_cart_from(&slug, 1, back).await;
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
        app.count("SELECT CAST(COALESCE(SUM(quantity), 0) AS BIGINT) FROM cart_lines")
            .await,
        2
    );
    // A sold-out product's card offers no button (its badge says why).
    app.set_stock(id, 0).await;
    assert!(!guest.get(&search).await.body.contains(&card_button));
}

async fn the_guest_cart_joins_the_account_at_sign_in(backend: Backend) {
    let Some(app) = spawn_seeded_app(backend).await else {
        return;
    };
    let (_, slug) = app.product_with_stock(5).await;
    app.create_user("shopper@example.com", None).await;
    let guest = app.visitor();
    assert_eq!(guest.add_to_cart(&slug, 2).await.status, 303);
    let signed_in = guest.sign_in("shopper@example.com").await;
    assert_eq!(signed_in.status, 303);
    // The same account from another browser sees the cart.
    let elsewhere = app.visitor();
    elsewhere.sign_in("shopper@example.com").await;
    let cart = elsewhere.cart().await;
    assert!(cart.body.contains("Check out securely"), "{}", cart.body);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM cart_lines WHERE owner LIKE 'v:%'")
            .await,
        0
    );
}
