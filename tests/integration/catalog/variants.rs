//! Variants (`app/src/catalog/variants`): a product with options is picked on its page
//! (without JavaScript: a GET form), each variant goes in the cart, is reserved and ordered
//! on its own, listings show a price range and "Choose options", facets count option
//! values; staff define options, get the grid, edit the variant table and adjust one
//! variant's stock, with bad input shown again.

use crate::helpers::verbs::checkout_key;
use crate::helpers::{spawn_seeded_app, Backend, Page, TestApp, Visitor};
use crate::on_both_backends;

on_both_backends!(
    a_customer_picks_a_variant_and_buys_exactly_it,
    listings_and_facets_know_the_variants,
    staff_define_options_and_edit_the_variant_grid,
    bad_variant_input_is_refused_with_the_form_kept,
    a_hundred_buyers_race_for_ten_units_of_one_variant,
);

/// The demo blend: Grind (Whole bean, Espresso, Filter) × Size (250 g, 1 kg), seeded with
/// Espresso / 1 kg sold out.
const BLEND: &str = "house-espresso-blend";

/// The blend's variants as (id, SKU, stock), in the grid's order.
async fn blend_variants(app: &TestApp) -> Vec<(i64, String, i64)> {
    let id = app.product_id(BLEND).await;
    app.variants_of(id).await
}

async fn add_variant(guest: &Visitor, slug: &str, variant: i64, quantity: i64) -> Page {
    guest
        .post_form(
            "/cart/add",
            &format!("slug={slug}&variant={variant}&quantity={quantity}"),
        )
        .await
}

/// Stock changed behind the store's back (another channel sold some).
async fn set_variant_stock(app: &TestApp, variant: i64, stock: i64) {
    sqlx::query("UPDATE product_variants SET stock = $1 WHERE id = $2")
        .bind(stock)
        .bind(variant)
        .execute(app.db.pool())
        .await
        .unwrap();
}

async fn variant_stock(app: &TestApp, variant: i64) -> i64 {
    sqlx::query_scalar("SELECT stock FROM product_variants WHERE id = $1")
        .bind(variant)
        .fetch_one(app.db.pool())
        .await
        .unwrap()
}

async fn a_customer_picks_a_variant_and_buys_exactly_it(backend: Backend) {
    let Some(app) = spawn_seeded_app(backend).await else {
        return;
    };
    let variants = blend_variants(&app).await;
    assert_eq!(variants.len(), 6, "three grinds × two sizes");
    let (whole_kilo, espresso_small, espresso_kilo, filter_small) =
        (variants[1].0, variants[2].0, variants[3].0, variants[4].0);
    assert_eq!(variants[3].2, 0, "the seed sells out Espresso / 1 kg");

    // The page without a choice shows the first variant in stock, with a plain GET form.
    let page = app.get(&format!("/products/{BLEND}")).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("name=\"option1\"") && page.body.contains("name=\"option2\""));
    assert!(page.body.contains("Show this choice"));
    assert!(page
        .body
        .contains(&format!("name=\"variant\" value=\"{}\"", variants[0].0)));
    assert!(
        page.body.contains("\"@type\":\"ProductGroup\""),
        "JSON-LD is a product group"
    );
    assert_eq!(
        page.body.matches("\"@type\":\"Offer\"").count(),
        6,
        "one offer per variant"
    );
    assert!(page.body.contains("\"variesBy\":[\"Grind\",\"Size\"]"));

    // ?variant= names one; its sold-out neighbour is marked in the list.
    let espresso = app
        .get(&format!("/products/{BLEND}?variant={espresso_small}"))
        .await;
    assert!(espresso
        .body
        .contains(&format!("name=\"variant\" value=\"{espresso_small}\"")));
    assert!(
        espresso.body.contains("1 kg — sold out"),
        "{}",
        espresso.body
    );
    assert!(espresso.body.contains("SKU SF-BNS-1001-ESPRESSO-250G"));
    // The no-JS form's answer: the picked values, or why they can't be bought.
    let picked = app
        .get(&format!(
            "/products/{BLEND}?option1=Espresso&option2=1%20kg"
        ))
        .await;
    assert_eq!(picked.status, 200);
    assert!(picked.body.contains("This choice is sold out for now"));
    assert!(!picked
        .body
        .contains(&format!("name=\"variant\" value=\"{espresso_kilo}\"")));
    let unmade = app
        .get(&format!("/products/{BLEND}?option1=Decaf&option2=1%20kg"))
        .await;
    assert!(
        unmade.body.contains("This combination isn&#x27;t made")
            || unmade.body.contains("This combination isn't made")
    );

    let guest = app.visitor();
    let unchosen = guest.add_to_cart(BLEND, 1).await;
    assert_eq!(unchosen.status, 422);
    assert!(
        unchosen.body.contains("Choose the grind and size first."),
        "{}",
        unchosen.body
    );
    let sold_out = add_variant(&guest, BLEND, espresso_kilo, 1).await;
    assert_eq!(sold_out.status, 422);
    assert!(sold_out.body.contains("Sold out for now"));
    let other_product = app.product_id("colombia-huila-honey").await;
    let foreign = app.variants_of(other_product).await[0].0;
    assert_eq!(
        add_variant(&guest, BLEND, foreign, 1).await.status,
        404,
        "a variant of another product is not this product's"
    );
    assert_eq!(add_variant(&guest, BLEND, whole_kilo, 2).await.status, 303);
    assert_eq!(
        add_variant(&guest, BLEND, filter_small, 1).await.status,
        303
    );
    let cart = guest.cart().await;
    assert!(cart.body.contains("Whole bean / 1 kg") && cart.body.contains("Filter / 250 g"));
    assert!(
        cart.body.contains("$61.00 each"),
        "the kilo bag's own price"
    );
    // The lines are separate: changing one leaves the other.
    let changed = guest
        .post_form(
            "/cart/update",
            &format!("slug={BLEND}&variant={filter_small}&quantity=3"),
        )
        .await;
    assert_eq!(changed.status, 303);
    let too_many = guest
        .post_form(
            "/cart/update",
            &format!("slug={BLEND}&variant={whole_kilo}&quantity=13"),
        )
        .await;
    assert_eq!(too_many.status, 422);
    assert!(
        too_many.body.contains("Only 12 left"),
        "that variant's own stock"
    );

    let product = app.product_id(BLEND).await;
    let summary_before = app.stock_of(product).await;
    let step = guest.checkout_step().await;
    assert!(step
        .body
        .contains("Storefront House Espresso Blend (Whole bean / 1 kg)"));
    let started = guest.start_checkout(&checkout_key(&step)).await;
    assert_eq!(started.status, 303, "{}", started.body);
    assert_eq!(
        variant_stock(&app, whole_kilo).await,
        10,
        "two kilo bags held"
    );
    assert_eq!(
        variant_stock(&app, filter_small).await,
        5,
        "three small filter bags held"
    );
    assert_eq!(
        variant_stock(&app, espresso_small).await,
        14,
        "others untouched"
    );
    assert_eq!(
        app.stock_of(product).await,
        summary_before - 5,
        "the product's stock is the sum of its variants'"
    );
    let lines: Vec<(String, String, i64)> =
        sqlx::query_as("SELECT variant_title, sku, quantity FROM order_lines ORDER BY variant_id")
            .fetch_all(app.db.pool())
            .await
            .unwrap();
    assert_eq!(
        lines,
        vec![
            (
                "Whole bean / 1 kg".to_string(),
                "SF-BNS-1001-WHOLEBEAN-1KG".to_string(),
                2
            ),
            (
                "Filter / 250 g".to_string(),
                "SF-BNS-1001-FILTER-250G".to_string(),
                3
            ),
        ]
    );

    // Another buyer wants more kilo bags than are left: told which variant, nothing held.
    let rival = app.visitor();
    set_variant_stock(&app, whole_kilo, 12).await;
    assert_eq!(add_variant(&rival, BLEND, whole_kilo, 11).await.status, 303);
    set_variant_stock(&app, whole_kilo, 10).await;
    let refused = rival
        .start_checkout(&checkout_key(&rival.checkout_step().await))
        .await;
    assert_eq!(refused.status, 409, "{}", refused.body);
    assert!(refused
        .body
        .contains("Only 10 of Storefront House Espresso Blend (Whole bean / 1 kg) are left"));
    assert_eq!(variant_stock(&app, whole_kilo).await, 10);
}

async fn listings_and_facets_know_the_variants(backend: Backend) {
    let Some(app) = spawn_seeded_app(backend).await else {
        return;
    };
    let list = app.get("/products?category=coffee-beans").await;
    assert!(
        list.body.contains("$18.00 – $61.00"),
        "the blend's price range"
    );
    assert!(list
        .body
        .contains("Choose options: Storefront House Espresso Blend"));
    assert!(
        list.body.contains("Add to cart: Night Shift Dark Roast"),
        "a simple product keeps its button"
    );
    let ground = app.get("/products?spec=Grind:Espresso").await;
    let names = ground.card_names();
    assert!(
        names.contains(&"Storefront House Espresso Blend".to_string()),
        "{names:?}"
    );
    assert!(
        names.contains(&"Colombia Huila Honey".to_string()),
        "{names:?}"
    );
    assert!(
        !names.iter().any(|n| n.starts_with("Ethiopia Yirgacheffe")),
        "made whole or for filter only: {names:?}"
    );
    let beans = app.get("/products?category=coffee-beans").await;
    assert!(beans.body.contains("Grind"), "the option is a facet");
    let compare = app
        .get(&format!("/compare?products={BLEND},night-shift-dark-roast"))
        .await;
    assert!(
        compare.body.contains("$18.00 – $61.00"),
        "compare shows the range"
    );
}

async fn staff_define_options_and_edit_the_variant_grid(backend: Backend) {
    let Some(app) = spawn_seeded_app(backend).await else {
        return;
    };
    let (id, slug) = app.first_active_product().await;
    let guest = app.visitor();
    assert_eq!(guest.add_to_cart(&slug, 1).await.status, 303);
    let staff = app.sign_in_as_staff("marketing").await;
    let saved = staff
        .post_form(
            &format!("/admin/products/{id}/options"),
            "option_name_1=Voltage&option_values_1=120%20V%2C%20230%20V",
        )
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    assert!(saved.location().contains("saved=options&added=2&retired=1"));
    let variants = app.variants_of(id).await;
    assert_eq!(variants.len(), 2);
    assert!(variants[0].1.ends_with("-120V") && variants[1].1.ends_with("-230V"));
    assert_eq!(
        app.stock_of(id).await,
        0,
        "new variants start with no stock"
    );
    assert!(
        !guest.cart().await.body.contains("cart-line__name"),
        "the retired simple variant left the cart"
    );
    let editor = staff.get(&format!("/admin/products/{id}")).await;
    assert!(editor.body.contains("Save variants"));
    assert!(editor.body.contains("120 V"));

    let sku = |n: usize| variants[n - 1].1.clone();
    let table = |price2: &str, sku2: &str| {
        format!(
            "rows=2&variant_1_id={}&variant_1_sku={}&variant_1_price=2499&variant_1_compare_at=&variant_1_weight=15000&variant_1_image=\
             &variant_2_id={}&variant_2_sku={sku2}&variant_2_price={price2}&variant_2_compare_at=&variant_2_weight=15500&variant_2_image=",
            variants[0].0,
            sku(1),
            variants[1].0
        )
    };
    let clash = staff
        .post_form(
            &format!("/admin/products/{id}/variants"),
            &table("2599", &sku(1)),
        )
        .await;
    assert_eq!(clash.status, 422);
    assert!(clash.body.contains("is used by another row"));
    let bad_price = staff
        .post_form(
            &format!("/admin/products/{id}/variants"),
            &table("lots", &sku(2)),
        )
        .await;
    assert_eq!(bad_price.status, 422);
    assert!(
        bad_price.body.contains("value=\"lots\""),
        "the typed price is kept"
    );
    let ok = staff
        .post_form(
            &format!("/admin/products/{id}/variants"),
            &table("2599", &sku(2)),
        )
        .await;
    assert_eq!(ok.status, 303, "{}", ok.body);
    assert_eq!(
        app.price_of(id).await,
        249_900,
        "the summary is the cheapest variant"
    );

    let adjust = |variant: String, delta: i64| {
        format!("variant={variant}&delta={delta}&reason=Delivery%20from%20supplier")
    };
    let unchosen = staff
        .post_form(
            &format!("/admin/products/{id}/stock"),
            &adjust(String::new(), 5),
        )
        .await;
    assert_eq!(unchosen.status, 422);
    assert!(unchosen.body.contains("Choose the variant"));
    let added = staff
        .post_form(
            &format!("/admin/products/{id}/stock"),
            &adjust(variants[1].0.to_string(), 5),
        )
        .await;
    assert_eq!(added.status, 303, "{}", added.body);
    let negative = staff
        .post_form(
            &format!("/admin/products/{id}/stock"),
            &adjust(variants[1].0.to_string(), -6),
        )
        .await;
    assert_eq!(negative.status, 422);
    assert_eq!(app.stock_of(id).await, 5);
    let page = app
        .get(&format!("/products/{slug}?variant={}", variants[1].0))
        .await;
    assert!(page.body.contains("$2,599.00"));
    assert!(page.body.contains("Only 5 left"));
    assert_eq!(
        app.audit_actions_like("product.%").await,
        vec!["product.options", "product.variants", "product.stock"]
    );

    // No options again: the product is simple, its first variant back on sale.
    let cleared = staff
        .post_form(
            &format!("/admin/products/{id}/options"),
            "option_name_1=&option_values_1=",
        )
        .await;
    assert_eq!(cleared.status, 303);
    let back = app.variants_of(id).await;
    assert_eq!(back.len(), 1);
    assert!(!back[0].1.ends_with("V"), "the original SKU: {}", back[0].1);
    assert_eq!(guest.add_to_cart(&slug, 1).await.status, 303);
}

async fn bad_variant_input_is_refused_with_the_form_kept(backend: Backend) {
    let Some(app) = spawn_seeded_app(backend).await else {
        return;
    };
    let (id, _) = app.first_active_product().await;
    let staff = app.sign_in_as_staff("admin").await;
    let options = |body: &str| {
        let staff = &staff;
        let body = body.to_string();
        async move {
            staff
                .post_form(&format!("/admin/products/{id}/options"), &body)
                .await
        }
    };
    let twice = options("option_name_1=Size&option_values_1=1%20kg%2C%201%20KG").await;
    assert_eq!(twice.status, 422);
    assert!(twice.body.contains("listed twice"));
    assert!(
        twice.body.contains("value=\"1 kg, 1 KG\""),
        "the typed values are kept"
    );
    let nameless = options("option_values_1=a%2Cb").await;
    assert_eq!(nameless.status, 422);
    let many: String = (0..11).map(|i| format!("v{i}%2C")).collect();
    let grid = options(&format!(
        "option_name_1=A&option_values_1={many}&option_name_2=B&option_values_2={many}"
    ))
    .await;
    assert_eq!(grid.status, 422);
    assert!(grid.body.contains("121 combinations"));
    let hostile =
        options("option_name_1=%3Cscript%3Ex%3C%2Fscript%3E&option_values_1=a%00b%2C%3Cb%3E").await;
    assert_eq!(hostile.status, 303);
    let editor = staff.get(&format!("/admin/products/{id}")).await;
    assert!(!editor.body.contains("<script>x"), "names are escaped");
    assert!(editor.body.contains("&lt;script&gt;x"));
    assert_eq!(app.variants_of(id).await.len(), 2, "ab and <b>");
    assert_eq!(
        app.count("SELECT COUNT(DISTINCT product_id) FROM product_options")
            .await,
        6,
        "the demo's five products with options and this one"
    );
    let unknown = staff
        .post_form(
            "/admin/products/999999/options",
            "option_name_1=A&option_values_1=b",
        )
        .await;
    assert_eq!(unknown.status, 404);

    // Hostile values in every field of both forms and the stock form: refused or stored as
    // text, never a 5xx or live markup.
    let long = "x".repeat(10_000);
    for value in [
        "%00",
        long.as_str(),
        "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        "%27%20OR%201%3D1%3B%20--",
        "-1",
        "99999999999999999999",
    ] {
        let page = options(&format!(
            "option_name_1={value}&option_values_1={value}&option_name_2=B&option_values_2={value}"
        ))
        .await;
        assert!(page.status < 500, "options {value:.20}: {}", page.status);
        assert!(!page.body.contains("<script>alert(1)"));
        let table = staff
            .post_form(
                &format!("/admin/products/{id}/variants"),
                &format!(
                    "rows={value}&variant_1_id={value}&variant_1_sku={value}&variant_1_price={value}\
                     &variant_1_compare_at={value}&variant_1_weight={value}&variant_1_image={value}"
                ),
            )
            .await;
        assert!(table.status < 500, "variants {value:.20}: {}", table.status);
        assert!(!table.body.contains("<script>alert(1)"));
        let stock = staff
            .post_form(
                &format!("/admin/products/{id}/stock"),
                &format!("variant={value}&delta={value}&reason={value}"),
            )
            .await;
        assert!(stock.status < 500, "stock {value:.20}: {}", stock.status);
    }
}

async fn a_hundred_buyers_race_for_ten_units_of_one_variant(backend: Backend) {
    let Some(app) = spawn_seeded_app(backend).await else {
        return;
    };
    let variants = blend_variants(&app).await;
    let (contested, others) = (variants[1].0, &variants[2..]);
    let untouched: Vec<i64> = {
        let mut stock = Vec::new();
        for (id, ..) in others {
            stock.push(variant_stock(&app, *id).await);
        }
        stock
    };
    set_variant_stock(&app, contested, 100).await;
    let buyers: Vec<Visitor> = (0..100).map(|_| app.visitor()).collect();
    for chunk in buyers.chunks(25) {
        let adds = chunk.iter().map(|b| add_variant(b, BLEND, contested, 1));
        for added in futures::future::join_all(adds).await {
            assert_eq!(added.status, 303);
        }
    }
    // Ten left by the time they press the button.
    set_variant_stock(&app, contested, 10).await;
    let keys: Vec<String> = (0..100)
        .map(|i| format!("{:032x}", 0xBEA5_u128 * 1_000 + i))
        .collect();
    let checkouts = buyers
        .iter()
        .zip(&keys)
        .map(|(b, key)| b.start_checkout(key));
    let results = futures::future::join_all(checkouts).await;
    let reserved = results.iter().filter(|r| r.status == 303).count();
    let sold_out = results
        .iter()
        .filter(|r| {
            r.status == 409
                && r.body
                    .contains("(Whole bean / 1 kg) sold out while you were shopping")
        })
        .count();
    assert_eq!(reserved, 10, "exactly the variant's stock was reserved");
    assert_eq!(sold_out, 90, "everyone else heard that variant sold out");
    assert_eq!(variant_stock(&app, contested).await, 0, "never below zero");
    let mut now = Vec::new();
    for (id, ..) in others {
        now.push(variant_stock(&app, *id).await);
    }
    assert_eq!(now, untouched, "the other variants are untouched");
    let product = app.product_id(BLEND).await;
    let sum: i64 = untouched.iter().sum::<i64>() + variant_stock(&app, variants[0].0).await;
    assert_eq!(
        app.stock_of(product).await,
        sum,
        "the summary is the variants' sum"
    );
}
