//! Taxes (`app/src/checkout/tax`): prices that exclude tax (added at checkout, by state)
//! and prices that include it (the tax they contain shown), product tax classes, the tax
//! kept on the order when a rate changes while it waits, what Stripe is asked to charge,
//! VAT / tax IDs, and invoice numbers without gaps under concurrent payments.

use crate::helpers::stripe::{fake_stripe, form_value, stripe_app};
use crate::helpers::verbs::{checkout_key, first_shipping_rate};
use crate::helpers::{spawn_seeded_app, Backend, TestApp, Visitor};
use crate::on_both_backends;

on_both_backends!(
    tax_is_added_by_state_and_kept_when_a_rate_changes,
    prices_that_include_tax_show_the_tax_they_contain,
    stripe_is_asked_for_the_order_total_to_the_cent,
    invoice_numbers_have_no_gaps_under_concurrent_payments,
    staff_set_rates_and_the_setting_with_clear_errors,
);

/// San Francisco: California's 7.25 % state sales tax.
const TO_CALIFORNIA: &str = "ship_name=Grace%20Hopper&ship_line1=1%20Market%20St&ship_city=San%20Francisco&ship_region=CA&ship_postal_code=94105&ship_country=US";
/// London, with a company, for a business invoice.
const TO_LONDON: &str = "ship_name=Ada%20Lovelace&ship_company=Analytical%20Engines%20Ltd&ship_line1=10%20Downing%20St&ship_city=London&ship_postal_code=SW1A%202AA&ship_country=GB";

async fn set_weight_and_price(app: &TestApp, id: i64, cents: i64) {
    app.set_price(id, cents).await;
    for sql in [
        "UPDATE products SET weight_grams = 600, tax_class = 'standard' WHERE id = $1",
        "UPDATE product_variants SET weight_grams = 600 WHERE product_id = $1",
    ] {
        sqlx::query(sql)
            .bind(id)
            .execute(app.db.pool())
            .await
            .unwrap();
    }
}

async fn set_tax_class(app: &TestApp, id: i64, class: &str) {
    sqlx::query("UPDATE products SET tax_class = $1 WHERE id = $2")
        .bind(class)
        .bind(id)
        .execute(app.db.pool())
        .await
        .unwrap();
}

/// "Continue to payment" to `address` (a form fragment) with the country's first method.
async fn pay_step(
    guest: &Visitor,
    country: &str,
    address: &str,
    extra: &str,
) -> crate::helpers::Page {
    let step = guest.get(&format!("/checkout?country={country}")).await;
    let key = checkout_key(&step);
    let rate = first_shipping_rate(&step);
    guest
        .post_form(
            "/checkout",
            &format!("checkout_key={key}&{address}&shipping_rate={rate}{extra}&step=pay"),
        )
        .await
}

async fn order_tax(app: &TestApp) -> (String, i64, i64, i64) {
    sqlx::query_as("SELECT public_id, total_cents, tax_cents, shipping_cents FROM orders WHERE status <> 'cancelled'")
        .fetch_one(app.db.pool())
        .await
        .unwrap()
}

async fn tax_is_added_by_state_and_kept_when_a_rate_changes(backend: Backend) {
    let Some(app) = spawn_seeded_app(backend).await else {
        return;
    };
    let (id, slug) = app.product_with_stock(10).await;
    set_weight_and_price(&app, id, 3000).await;
    let guest = app.visitor();
    guest.add_to_cart(&slug, 2).await;

    // Before a state is known the cart and checkout say tax comes with the address.
    let cart = guest.cart().await;
    assert!(
        cart.body.contains("Tax follows your state"),
        "{}",
        cart.body
    );
    let step = guest.checkout_step().await;
    assert!(step.body.contains("Tax depends on your state"));

    // With California typed ("Update shipping options", no JavaScript): 7.25 % on the
    // goods and on shipping, per line, rounded half up.
    let key = checkout_key(&step);
    let updated = guest
        .post_form(
            "/checkout",
            &format!("checkout_key={key}&{TO_CALIFORNIA}&step=update"),
        )
        .await;
    assert_eq!(updated.status, 200);
    // $60.00 × 7.25 % = $4.35; Standard $6.95 × 7.25 % = $0.50 (0.503875).
    assert!(updated.body.contains("Sales tax 7.25%"), "{}", updated.body);
    assert!(updated.body.contains("$4.85"));
    assert!(updated.body.contains("$71.80"), "60.00 + 6.95 + 4.85");

    let started = pay_step(&guest, "US", TO_CALIFORNIA, "").await;
    assert_eq!(started.status, 303, "{}", started.body);
    let (public_id, total, tax, shipping) = order_tax(&app).await;
    assert_eq!((total, tax, shipping), (7180, 485, 695));
    let (line_tax, line_bp): (i64, i64) =
        sqlx::query_as("SELECT tax_cents, tax_bp FROM order_lines")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    assert_eq!((line_tax, line_bp), (435, 725));

    // California's rate changes while the order waits: the order keeps its amounts.
    let admin = app.sign_in_as_staff("admin").await;
    let edit = admin
        .post_form(
            "/admin/taxes",
            "action=put_rate&country=US&region=ca&tax_class=standard&rate=9.5&name=Sales%20tax",
        )
        .await;
    assert_eq!(edit.status, 303, "{}", edit.body);
    let pay = started.location();
    let page = guest.get(&pay).await;
    assert!(
        page.body.contains("Pay $71.80"),
        "the demo provider charges the order's total"
    );
    let paid = guest.pay_by_card(&pay, "4242 4242 4242 4242").await;
    assert_eq!(paid.status, 303, "{}", paid.body);
    let (_, total_after, tax_after, _) = order_tax(&app).await;
    assert_eq!((total_after, tax_after), (7180, 485));

    // The order page, the email and the invoice show the tax as it was.
    let order = guest.get(&format!("/account/orders/{public_id}")).await;
    assert!(order.body.contains("Sales tax 7.25%"));
    assert!(order.body.contains("$4.85"));
    assert!(order.body.contains("Invoice INV-000001"));
    let invoice = guest
        .get(&format!("/account/orders/{public_id}/invoice"))
        .await;
    assert_eq!(invoice.status, 200);
    assert!(invoice.body.contains("Invoice INV-000001"));
    assert!(invoice.body.contains("Grace Hopper"));
    assert!(invoice.body.contains("Subtotal"));
    assert!(invoice.body.contains("$66.95"), "net: 60.00 + 6.95");
    assert!(invoice.body.contains("Total paid"));
    let stranger = app.visitor();
    let hidden = stranger
        .get(&format!("/account/orders/{public_id}/invoice"))
        .await;
    assert_eq!(hidden.status, 404, "someone else's invoice is not found");
    let emails = app.emails_to("buyer@example.com").await;
    assert_eq!(emails.len(), 1);
    assert!(
        emails[0].contains("Sales tax 7.25% — $4.85"),
        "{}",
        emails[0]
    );
    // A new checkout uses the new rate.
    let later = app.visitor();
    later.add_to_cart(&slug, 1).await;
    let key = checkout_key(&later.checkout_step().await);
    let repriced = later
        .post_form(
            "/checkout",
            &format!("checkout_key={key}&{TO_CALIFORNIA}&step=update"),
        )
        .await;
    assert!(repriced.body.contains("Sales tax 9.5%"));
}

async fn prices_that_include_tax_show_the_tax_they_contain(backend: Backend) {
    let Some(app) = spawn_seeded_app(backend).await else {
        return;
    };
    let admin = app.sign_in_as_staff("admin").await;
    let saved = admin
        .post_form(
            "/admin/taxes",
            "action=settings&prices_include_tax=yes&shipping_taxable=yes",
        )
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    assert_eq!(app.audit_actions_like("tax.%").await, vec!["tax.settings"]);
    let products = app.products_in_stock(2).await;
    let (grinder, beans) = (&products[0].0, &products[1].0);
    let (grinder_id, beans_id) = (app.product_id(grinder).await, app.product_id(beans).await);
    set_weight_and_price(&app, grinder_id, 12000).await;
    set_weight_and_price(&app, beans_id, 1050).await;
    set_tax_class(&app, beans_id, "reduced").await;
    let guest = app.visitor();
    guest.add_to_cart(grinder, 1).await;
    guest.add_to_cart(beans, 2).await;

    // The cart already knows the UK's rates: no region matters there.
    let cart = guest.get("/cart?country=GB").await;
    assert!(
        cart.body.contains("Includes VAT 20% (estimate)"),
        "{}",
        cart.body
    );

    // A VAT number without its country code gets the form back with what was typed.
    let refused = pay_step(&guest, "GB", TO_LONDON, "&vat_id=123456789").await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(refused
        .body
        .contains("Start the VAT number with its country code"));
    assert!(refused.body.contains("value=\"123456789\""));
    assert!(refused.body.contains("value=\"Analytical Engines Ltd\""));
    assert_eq!(app.count("SELECT COUNT(*) FROM orders").await, 0);

    let started = pay_step(&guest, "GB", TO_LONDON, "&vat_id=gb%20123%204567%2089").await;
    assert_eq!(started.status, 303, "{}", started.body);
    // £120 + 2 × £10.50 + Tracked £18, as listed: the total is what the catalogue said.
    // VAT in it: 120 × 20/120 = 20.00; 21 × 5/105 = 1.00; 18 × 20/120 = 3.00.
    let (public_id, total, tax, shipping) = order_tax(&app).await;
    assert_eq!(
        (total, tax, shipping),
        (12000 + 2100 + 1800, 2000 + 100 + 300, 1800)
    );
    let vat_id: String = sqlx::query_scalar("SELECT vat_id FROM orders")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(vat_id, "GB123456789");

    let paid = guest
        .pay_by_card(&started.location(), "4242 4242 4242 4242")
        .await;
    assert_eq!(paid.status, 303, "{}", paid.body);
    let order = guest.get(&format!("/account/orders/{public_id}")).await;
    assert!(order.body.contains("Includes VAT 20%"));
    assert!(order.body.contains("$23.00"), "20.00 + 3.00 on shipping");
    assert!(order.body.contains("Includes VAT 5%"));
    assert!(order.body.contains("Your VAT / tax ID: GB123456789"));
    assert!(order.body.contains("$159.00"));
    let invoice = guest
        .get(&format!("/account/orders/{public_id}/invoice"))
        .await;
    assert!(invoice.body.contains("Analytical Engines Ltd"));
    assert!(invoice.body.contains("VAT / tax ID: GB123456789"));
    assert!(invoice.body.contains("Total before tax"));
    assert!(invoice.body.contains("$135.00"), "159.00 − 24.00 of VAT");
    // Staff open the same invoice from the orders desk.
    let sales = app.sign_in_as_staff("sales").await;
    let desk = sales.get(&format!("/admin/orders/{public_id}")).await;
    assert!(
        desk.body.contains("Buyer&#x27;s VAT / tax ID: GB123456789")
            || desk.body.contains("Buyer's VAT / tax ID: GB123456789")
    );
    let staff_invoice = sales
        .get(&format!("/admin/orders/{public_id}/invoice"))
        .await;
    assert_eq!(staff_invoice.status, 200);
    assert!(staff_invoice.body.contains("Invoice INV-000001"));
}

async fn stripe_is_asked_for_the_order_total_to_the_cent(backend: Backend) {
    let stripe = fake_stripe().await;
    let Some(app) = stripe_app(backend, stripe.base.clone()).await else {
        return;
    };
    let (id, slug) = app.product_with_stock(10).await;
    set_weight_and_price(&app, id, 1999).await;

    // Prices exclude tax: the goods and shipping as listed, then one tax line.
    let guest = app.visitor();
    guest.add_to_cart(&slug, 3).await;
    let started = pay_step(&guest, "US", TO_CALIFORNIA, "").await;
    assert_eq!(started.status, 303, "{}", started.body);
    let (_, total, tax, _) = order_tax(&app).await;
    let requests = stripe.requests_to("/v1/checkout/sessions");
    let body = &requests.last().expect("a session request").2;
    let charged = charged_total(body);
    assert_eq!(charged, total, "Stripe's lines add up to the order's total");
    assert_eq!(
        form_value(body, "line_items[2][price_data][unit_amount]"),
        tax.to_string()
    );
    assert_eq!(
        form_value(body, "line_items[2][price_data][product_data][name]"),
        "Tax: Sales tax 7.25%"
    );

    // Prices include tax: charged as listed, no tax line on top.
    let admin = app.sign_in_as_staff("admin").await;
    admin
        .post_form(
            "/admin/taxes",
            "action=settings&prices_include_tax=yes&shipping_taxable=yes",
        )
        .await;
    let european = app.visitor();
    european.add_to_cart(&slug, 3).await;
    let started = pay_step(&european, "GB", TO_LONDON, "").await;
    assert_eq!(started.status, 303, "{}", started.body);
    let total: i64 = sqlx::query_scalar("SELECT total_cents FROM orders WHERE ship_country = 'GB'")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    let requests = stripe.requests_to("/v1/checkout/sessions");
    let body = &requests.last().unwrap().2;
    assert_eq!(
        form_value(body, "line_items[0][price_data][unit_amount]"),
        "1999"
    );
    assert_eq!(
        form_value(body, "line_items[2][quantity]"),
        "",
        "no tax line"
    );
    assert_eq!(charged_total(body), total);
    assert_eq!(total, 3 * 1999 + 1800);
}

/// What a Checkout Session form body charges: every line's unit amount × quantity.
fn charged_total(body: &str) -> i64 {
    (0..10)
        .map_while(|i| {
            let amount = form_value(body, &format!("line_items[{i}][price_data][unit_amount]"));
            let quantity = form_value(body, &format!("line_items[{i}][quantity]"));
            Some(amount.parse::<i64>().ok()? * quantity.parse::<i64>().ok()?)
        })
        .sum()
}

async fn invoice_numbers_have_no_gaps_under_concurrent_payments(backend: Backend) {
    let Some(app) = spawn_seeded_app(backend).await else {
        return;
    };
    let (id, slug) = app.product_with_stock(100).await;
    set_weight_and_price(&app, id, 2500).await;
    let mut pays = Vec::new();
    let mut guests = Vec::new();
    for _ in 0..12 {
        let guest = app.visitor();
        pays.push(guest.check_out(&slug, 1).await);
        guests.push(guest);
    }
    // One declined card among them: it gets no number and leaves no gap.
    let declined = guests[0].pay_by_card(&pays[0], "4000 0000 0000 0002").await;
    assert_eq!(declined.status, 402, "{}", declined.body);
    let payments = guests
        .iter()
        .zip(&pays)
        .skip(1)
        .map(|(guest, pay)| guest.pay_by_card(pay, "4242 4242 4242 4242"));
    for paid in futures::future::join_all(payments).await {
        assert_eq!(paid.status, 303, "{}", paid.body);
    }
    let numbers: Vec<i64> = sqlx::query_scalar(
        "SELECT invoice_number FROM orders WHERE invoice_number IS NOT NULL ORDER BY invoice_number",
    )
    .fetch_all(app.db.pool())
    .await
    .unwrap();
    assert_eq!(numbers, (1..=11).collect::<Vec<i64>>());
    assert_eq!(
        app.count("SELECT COUNT(*) FROM orders WHERE status = 'paid' AND invoice_number IS NULL")
            .await,
        0
    );
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM orders WHERE status <> 'paid' AND invoice_number IS NOT NULL"
        )
        .await,
        0
    );
}

async fn staff_set_rates_and_the_setting_with_clear_errors(backend: Backend) {
    let Some(app) = spawn_seeded_app(backend).await else {
        return;
    };
    let admin = app.sign_in_as_staff("admin").await;
    let page = admin.get("/admin/taxes").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("How prices are shown"));
    assert!(page.body.contains("United Kingdom"));
    assert!(page.body.contains("7.25%"));

    let bad = admin
        .post_form(
            "/admin/taxes",
            "action=put_rate&country=DE&region=&tax_class=standard&rate=19.255&name=",
        )
        .await;
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("at most two decimals"));
    assert!(bad.body.contains("Name the tax in 1 to 30 characters."));
    assert!(bad.body.contains("value=\"19.255\""), "typed kept");

    // Putting a rate that exists replaces it; deleting asks for a confirmation.
    let put = admin
        .post_form(
            "/admin/taxes",
            "action=put_rate&country=DE&region=&tax_class=standard&rate=16&name=VAT",
        )
        .await;
    assert_eq!(put.status, 303, "{}", put.body);
    let (rate_id, bp): (i64, i64) = sqlx::query_as(
        "SELECT id, rate_bp FROM tax_rates WHERE country = 'DE' AND region = '' AND tax_class = 'standard'",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert_eq!(bp, 1600);
    let unconfirmed = admin
        .post_form(
            "/admin/taxes",
            &format!("action=delete_rate&rate_id={rate_id}"),
        )
        .await;
    assert_eq!(unconfirmed.status, 422);
    let deleted = admin
        .post_form(
            "/admin/taxes",
            &format!("action=delete_rate&rate_id={rate_id}&confirm=yes"),
        )
        .await;
    assert_eq!(deleted.status, 303);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM tax_rates WHERE country = 'DE' AND tax_class = 'standard'")
            .await,
        0
    );

    let issuer = admin
        .post_form(
            "/admin/taxes",
            "action=issuer&seller_name=Storefront%20Coffee%20Ltd&seller_address=1%20Roastery%20Lane%0D%0ALondon&seller_tax_id=GB999999973",
        )
        .await;
    assert_eq!(issuer.status, 303, "{}", issuer.body);
    let page = admin.get("/admin/taxes").await;
    assert!(page.body.contains("Storefront Coffee Ltd"));
    assert_eq!(
        app.audit_actions_like("tax.%").await,
        vec!["tax.rate_put", "tax.rate_delete", "tax.issuer"]
    );
}
