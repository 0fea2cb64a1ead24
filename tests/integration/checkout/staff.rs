//! Checkout's staff side (sales): the orders desk — finding an order by status, its
//! payment events, shipping it once, and refunds (once for a double click, never more
//! than was paid), all audited.

use crate::helpers::{spawn_seeded_app, Backend};
use crate::on_both_backends;

on_both_backends!(
    sales_ship_and_refund_orders_once,
    shipping_with_a_tracking_number_tells_the_customer,
    admins_set_up_zones_and_rates_that_checkout_offers,
);

async fn admins_set_up_zones_and_rates_that_checkout_offers(backend: Backend) {
    let Some(app) = spawn_seeded_app(backend).await else {
        return;
    };
    let admin = app.sign_in_as_staff("admin").await;
    let page = admin.get("/admin/shipping").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("United States"));
    assert!(page.body.contains("Express"));

    let unknown = admin
        .post_form(
            "/admin/shipping",
            "action=add_zone&name=Benelux&countries=NL%2C%20XX",
        )
        .await;
    assert_eq!(unknown.status, 422);
    assert!(
        unknown
            .body
            .contains("&quot;XX&quot; is not a country we can ship to")
            || unknown
                .body
                .contains("\"XX\" is not a country we can ship to")
    );
    let added = admin
        .post_form(
            "/admin/shipping",
            "action=add_zone&name=Benelux&countries=nl",
        )
        .await;
    assert_eq!(added.status, 303, "{}", added.body);
    let zone: i64 =
        sqlx::query_scalar("SELECT zone_id FROM shipping_zone_countries WHERE country = 'NL'")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    let europe_still_has: i64 = app
        .count("SELECT COUNT(*) FROM shipping_zone_countries WHERE country IN ('DE', 'FR')")
        .await;
    assert_eq!(europe_still_has, 2, "only the Netherlands moved");

    let bad = admin
        .post_form(
            "/admin/shipping",
            &format!("action=add_rate&form=zone-{zone}-rate&zone={zone}&rate_name=Courier&basis=flat&price=abc&min_days=3&max_days=1"),
        )
        .await;
    assert_eq!(bad.status, 422);
    assert!(
        bad.body
            .contains("Delivery can&#x27;t end before it starts.")
            || bad.body.contains("Delivery can't end before it starts.")
    );
    assert!(
        bad.body.contains("value=\"Courier\""),
        "what was typed stays"
    );
    let rate = admin
        .post_form(
            "/admin/shipping",
            &format!("action=add_rate&form=zone-{zone}-rate&zone={zone}&rate_name=Courier&basis=flat&price=9.50&min_days=1&max_days=2"),
        )
        .await;
    assert_eq!(rate.status, 303, "{}", rate.body);

    // A Dutch address now gets the Benelux courier, not Europe's rate.
    let (_, slug) = app.product_with_stock(5).await;
    let guest = app.visitor();
    guest.add_to_cart(&slug, 1).await;
    let step = guest.get("/checkout?country=NL").await;
    assert!(step.body.contains("Courier"));
    assert!(step.body.contains("$9.50"));
    assert!(step.body.contains("1–2 business days"));
    assert!(!step.body.contains("Tracked"));

    let rate_id: i64 = sqlx::query_scalar("SELECT id FROM shipping_rates WHERE name = 'Courier'")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    let unconfirmed = admin
        .post_form(
            "/admin/shipping",
            &format!("action=delete_rate&rate={rate_id}"),
        )
        .await;
    assert_eq!(unconfirmed.status, 422, "deleting asks first");
    let deleted = admin
        .post_form(
            "/admin/shipping",
            &format!("action=delete_rate&rate={rate_id}&confirm=yes"),
        )
        .await;
    assert_eq!(deleted.status, 303);
    assert!(guest
        .get("/checkout?country=NL")
        .await
        .body
        .contains("ship to Netherlands yet"));

    let sales = app.sign_in_as_staff("sales").await;
    assert_eq!(sales.get("/admin/shipping").await.status, 403);
    assert_eq!(
        sales
            .post_form("/admin/shipping", "action=add_zone&name=X")
            .await
            .status,
        403
    );
    let actions = app.audit_actions_like("shipping.%").await;
    assert_eq!(
        actions,
        [
            "shipping.zone_add",
            "shipping.rate_add",
            "shipping.rate_delete"
        ]
    );
}

async fn shipping_with_a_tracking_number_tells_the_customer(backend: Backend) {
    let Some(app) = spawn_seeded_app(backend).await else {
        return;
    };
    let (_, slug) = app.product_with_stock(5).await;
    let guest = app.visitor();
    let pay = guest.check_out(&slug, 1).await;
    let paid = guest
        .post_form(
            &pay,
            &crate::helpers::verbs::card_for("ship@example.com", "4242424242424242"),
        )
        .await;
    assert_eq!(paid.status, 303);
    let (public_id, _) = app.only_order().await;
    let sales = app.sign_in_as_staff("sales").await;

    let desk = sales.get(&format!("/admin/orders/{public_id}")).await;
    assert!(desk.body.contains("Ships to"));
    assert!(desk.body.contains("Portland OR 97201"));
    let slip = sales
        .get(&format!("/admin/orders/{public_id}/packing-slip"))
        .await;
    assert_eq!(slip.status, 200);
    assert!(slip.body.contains("Packing slip"));
    assert!(slip.body.contains("Ada Lovelace"));
    assert_eq!(
        guest
            .get(&format!("/admin/orders/{public_id}/packing-slip"))
            .await
            .status,
        404,
        "customers never see the staff side"
    );

    let missing = sales.ship_order(&public_id, "", "").await;
    assert_eq!(missing.status, 422, "{}", missing.body);
    assert!(missing.body.contains("Choose the carrier from the list."));
    assert!(missing
        .body
        .contains("Enter the tracking number from the label"));
    let hostile = sales
        .ship_order(&public_id, "UPS", "<script>1</script>")
        .await;
    assert_eq!(hostile.status, 422);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM orders WHERE status = 'fulfilled'")
            .await,
        0
    );

    let shipped = sales.ship_order(&public_id, "UPS", "1Z 999 AA1").await;
    assert_eq!(shipped.status, 303, "{}", shipped.body);
    let mail = app.emails_to("ship@example.com").await;
    let on_its_way = mail
        .iter()
        .find(|m| m.contains("is on its way"))
        .expect("the customer is told");
    assert!(on_its_way.contains("1Z 999 AA1"));
    assert!(on_its_way.contains("https://www.ups.com/track?tracknum=1Z999AA1"));
    let order_page = guest.get(&format!("/account/orders/{public_id}")).await;
    assert!(order_page.body.contains("Track the parcel"));
    assert!(order_page.body.contains("1Z 999 AA1"));
    assert_eq!(
        sales
            .ship_order(&public_id, "UPS", "1Z 999 AA1")
            .await
            .status,
        409,
        "shipped once"
    );
    let after = app.emails_to("ship@example.com").await;
    assert_eq!(
        after.iter().filter(|m| m.contains("is on its way")).count(),
        1,
        "one email for one shipment"
    );
}

async fn sales_ship_and_refund_orders_once(backend: Backend) {
    let Some(app) = spawn_seeded_app(backend).await else {
        return;
    };
    let (_, slug) = app.product_with_stock(5).await;
    let guest = app.visitor();
    let pay = guest.check_out(&slug, 2).await;
    assert_eq!(
        guest.pay_by_card(&pay, "4242424242424242").await.status,
        303
    );
    let (public_id, total) = app.only_order().await;
    let sales = app.sign_in_as_staff("sales").await;
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
    assert_eq!(sales.fulfil_order(&public_id).await.status, 303);
    let again = sales.fulfil_order(&public_id).await;
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
        let refund = sales.refund_order(&public_id, &key, "1.00").await;
        assert_eq!(refund.status, 303, "{}", refund.body);
    }
    assert_eq!(
        refunded_now().await,
        ("partially_refunded".to_string(), 100)
    );
    let remaining = total - 100;
    let over = format!("{}.{:02}", (remaining + 1) / 100, (remaining + 1) % 100);
    let too_much = sales
        .refund_order(&public_id, &"cd".repeat(16), &over)
        .await;
    assert_eq!(too_much.status, 422);
    assert!(too_much.body.contains("Refund between 0.01 and"));
    let rest = format!("{}.{:02}", remaining / 100, remaining % 100);
    let last = sales
        .refund_order(&public_id, &"ef".repeat(16), &rest)
        .await;
    assert_eq!(last.status, 303);
    assert_eq!(refunded_now().await, ("refunded".to_string(), total));
    let actions = app.audit_actions_like("order.%").await;
    assert_eq!(actions, ["order.fulfil", "order.refund", "order.refund"]);
}
