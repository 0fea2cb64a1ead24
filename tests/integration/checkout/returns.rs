//! Self-service returns (`app/src/checkout/returns`): a customer asks to return some items
//! of a paid order within the window; sales approve, mark them received and refund them
//! with their tax share, restocking the chosen variants; each step once under double
//! clicks, emailed and audited. And what is refused: more than was bought, twice over,
//! unpaid orders, after the window, strangers.

use crate::helpers::{html_unescape, spawn_seeded_app, Backend, Page, TestApp, Visitor};
use crate::on_both_backends;

on_both_backends!(
    a_customer_returns_items_and_sales_refund_and_restock,
    returns_refused_outside_the_rules,
);

/// A $29 scale: a simple product, shipped to Oregon (no sales tax).
const SCALE: &str = "ledger-basic-coffee-scale";

fn text(page: &Page) -> String {
    html_unescape(&page.body).replace("<!>", "")
}

/// A guest buys `quantity` scales and pays; returns the order's public id.
async fn bought(app: &TestApp, guest: &Visitor, quantity: i64) -> String {
    let pay = guest.check_out(SCALE, quantity).await;
    let paid = guest.pay_by_card(&pay, "4242 4242 4242 4242").await;
    assert_eq!(paid.status, 303, "{}", paid.body);
    sqlx::query_scalar(
        "SELECT public_id FROM orders WHERE status = 'paid' ORDER BY id DESC LIMIT 1",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap()
}

async fn variant_of_order(app: &TestApp, public_id: &str) -> i64 {
    sqlx::query_scalar(
        "SELECT l.variant_id FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE o.public_id = $1",
    )
    .bind(public_id)
    .fetch_one(app.db.pool())
    .await
    .unwrap()
}

async fn stock(app: &TestApp, variant: i64) -> i64 {
    sqlx::query_scalar("SELECT stock FROM product_variants WHERE id = $1")
        .bind(variant)
        .fetch_one(app.db.pool())
        .await
        .unwrap()
}

async fn ask(guest: &Visitor, public_id: &str, form: &str) -> Page {
    guest
        .post_form(&format!("/account/orders/{public_id}/return"), form)
        .await
}

async fn a_customer_returns_items_and_sales_refund_and_restock(backend: Backend) {
    let Some(app) = spawn_seeded_app(backend).await else {
        return;
    };
    let guest = app.visitor();
    let order = bought(&app, &guest, 3).await;
    let variant = variant_of_order(&app, &order).await;
    let page = text(&guest.get(&format!("/account/orders/{order}")).await);
    assert!(page.contains("Return items"), "{page}");
    let form = guest.get(&format!("/account/orders/{order}/return")).await;
    assert_eq!(form.status, 200);
    assert!(text(&form).contains("bought 3, 3 can be returned"));

    // Mistakes come back with what was chosen.
    let too_many = ask(&guest, &order, &format!("qty_{variant}=5&reason=damaged")).await;
    assert_eq!(too_many.status, 422);
    assert!(text(&too_many).contains("You can return up to 3 of Ledger Basic Coffee Scale."));
    let no_reason = ask(&guest, &order, &format!("qty_{variant}=2&reason=")).await;
    assert_eq!(no_reason.status, 422);
    assert!(text(&no_reason).contains("Tell us why you're returning them."));
    assert!(
        no_reason.body.contains("<option value=\"2\" selected"),
        "the choice is kept"
    );
    let nothing = ask(&guest, &order, "reason=damaged").await;
    assert_eq!(nothing.status, 422);
    assert!(text(&nothing).contains("Choose how many of at least one item to return."));
    // A stranger can't, and can't tell the order exists.
    let stranger = app.visitor();
    let refused = ask(
        &stranger,
        &order,
        &format!("qty_{variant}=1&reason=damaged"),
    )
    .await;
    assert_eq!(refused.status, 404);

    let asked = ask(
        &guest,
        &order,
        &format!("qty_{variant}=2&reason=damaged&note=The%20display%20is%20cracked"),
    )
    .await;
    assert_eq!(asked.status, 303, "{}", asked.body);
    assert!(asked.location().contains("returned=R-"));
    let page = text(&guest.get(&asked.location()).await);
    assert!(
        page.contains("Return requested — we'll answer within a day"),
        "{page}"
    );
    assert!(page.contains("2 × Ledger Basic Coffee Scale"));
    assert!(page.contains("Return R-"));
    // Only one scale is left to return.
    let again = ask(&guest, &order, &format!("qty_{variant}=2&reason=damaged")).await;
    assert_eq!(again.status, 422);
    assert!(text(&again).contains("You can return up to 1"));
    assert!(app.emails_to("buyer@example.com").await[0]
        .contains("We received your request to return 2 × Ledger Basic Coffee Scale"));

    let return_id: i64 = sqlx::query_scalar("SELECT id FROM order_returns")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    let sales = app.sign_in_as_staff("sales").await;
    let desk = text(&sales.get(&format!("/admin/orders/{order}")).await);
    assert!(desk.contains("The display is cracked"), "{desk}");
    let staff_action = |action: &str| format!("action={action}&return_id={return_id}");
    let approved = sales
        .post_form(
            &format!("/admin/orders/{order}"),
            &staff_action("return_approve"),
        )
        .await;
    assert_eq!(approved.status, 303, "{}", approved.body);
    let twice = sales
        .post_form(
            &format!("/admin/orders/{order}"),
            &staff_action("return_approve"),
        )
        .await;
    assert_eq!(twice.status, 409, "a second approval changes nothing");
    assert!(app.emails_to("buyer@example.com").await[0].contains("Pack these items"));
    let received = sales
        .post_form(
            &format!("/admin/orders/{order}"),
            &staff_action("return_receive"),
        )
        .await;
    assert_eq!(received.status, 303, "{}", received.body);

    // The refund: two of three scales, restocked, pressed twice at once.
    let before = stock(&app, variant).await;
    let refund_form = format!("{}&restock_{variant}=yes", staff_action("return_refund"));
    let (first, second) = futures::future::join(
        sales.post_form(&format!("/admin/orders/{order}"), &refund_form),
        sales.post_form(&format!("/admin/orders/{order}"), &refund_form),
    )
    .await;
    let mut statuses = [first.status, second.status];
    statuses.sort();
    assert_eq!(statuses, [303, 409], "one refund, one refusal");
    let (status, refunded): (String, i64) =
        sqlx::query_as("SELECT status, refunded_cents FROM orders WHERE public_id = $1")
            .bind(&order)
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    assert_eq!(
        (status.as_str(), refunded),
        ("partially_refunded", 2 * 2_900)
    );
    assert_eq!(stock(&app, variant).await, before + 2, "restocked once");
    let refund_events = app
        .count("SELECT COUNT(*) FROM payment_events WHERE type = 'charge.refunded'")
        .await;
    assert_eq!(refund_events, 1);
    let page = text(&guest.get(&format!("/account/orders/{order}")).await);
    assert!(page.contains("Refunded $58.00."), "{page}");
    assert!(app.emails_to("buyer@example.com").await[0].contains("We refunded $58.00"));

    // The last scale: declined with a reason, after which it can be asked for again.
    let asked = ask(
        &guest,
        &order,
        &format!("qty_{variant}=1&reason=changed_mind"),
    )
    .await;
    assert_eq!(asked.status, 303, "{}", asked.body);
    let second_id: i64 = sqlx::query_scalar("SELECT MAX(id) FROM order_returns")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    let no_reason = sales
        .post_form(
            &format!("/admin/orders/{order}"),
            &format!("action=return_decline&return_id={second_id}&decline_reason="),
        )
        .await;
    assert_eq!(no_reason.status, 422);
    let declined = sales
        .post_form(
            &format!("/admin/orders/{order}"),
            &format!("action=return_decline&return_id={second_id}&decline_reason=Opened%20coffee%20can%27t%20go%20back"),
        )
        .await;
    assert_eq!(declined.status, 303, "{}", declined.body);
    let form = text(&guest.get(&format!("/account/orders/{order}/return")).await);
    assert!(form.contains("bought 3, 1 can be returned"), "{form}");
    assert_eq!(
        app.audit_actions_like("order.return%").await,
        vec![
            "order.return_approved",
            "order.return_received",
            "order.return_refunded",
            "order.return_declined"
        ]
    );
}

async fn returns_refused_outside_the_rules(backend: Backend) {
    let Some(app) = spawn_seeded_app(backend).await else {
        return;
    };
    // Unpaid: nothing to return.
    let waiting = app.visitor();
    let pay = waiting.check_out(SCALE, 1).await;
    let (unpaid, _) = app
        .order_of_session(pay.trim_start_matches("/pay/demo/"))
        .await;
    let variant = variant_of_order(&app, &unpaid).await;
    let page = text(
        &waiting
            .get(&format!("/account/orders/{unpaid}/return"))
            .await,
    );
    assert!(page.contains("Only paid orders can be returned."), "{page}");
    let refused = ask(
        &waiting,
        &unpaid,
        &format!("qty_{variant}=1&reason=damaged"),
    )
    .await;
    assert_eq!(refused.status, 409);
    assert_eq!(app.count("SELECT COUNT(*) FROM order_returns").await, 0);

    // Paid 31 days ago: the 30-day window has closed.
    let guest = app.visitor();
    let order = bought(&app, &guest, 1).await;
    sqlx::query("UPDATE orders SET paid_at = paid_at - 31 * 86400 WHERE public_id = $1")
        .bind(&order)
        .execute(app.db.pool())
        .await
        .unwrap();
    let page = text(&guest.get(&format!("/account/orders/{order}")).await);
    assert!(!page.contains("Return items"), "{page}");
    let late = ask(&guest, &order, &format!("qty_{variant}=1&reason=damaged")).await;
    assert_eq!(late.status, 409);
    assert!(text(&late).contains("The return window closed on"));

    // Staff can't step a return that doesn't belong to the order.
    let sales = app.sign_in_as_staff("sales").await;
    let unknown = sales
        .post_form(
            &format!("/admin/orders/{order}"),
            "action=return_approve&return_id=999",
        )
        .await;
    assert_eq!(unknown.status, 404);
}
