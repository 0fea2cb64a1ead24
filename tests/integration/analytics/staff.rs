//! `/admin/analytics` on a journey with known answers: six visitors walk the store through
//! real pages (guides read, products viewed, carts, checkouts, payments), and every funnel
//! number, breakdown, attribution total and CSV row is what the walk implies, on both
//! databases. The credits frozen at payment reconcile: each model shares out exactly the
//! revenue of the orders paid after reading.

use crate::helpers::{html_unescape, spawn_seeded_app, Backend, TestApp, Visitor};
use crate::on_both_backends;

on_both_backends!(the_funnel_and_the_credits_add_up);

const SCALE: &str = "ledger-basic-coffee-scale";

async fn two_guides(app: &TestApp) -> (String, String) {
    let slugs: Vec<String> = sqlx::query_scalar(
        "SELECT slug FROM content WHERE status = 'published' ORDER BY id LIMIT 2",
    )
    .fetch_all(app.db.pool())
    .await
    .unwrap();
    (slugs[0].clone(), slugs[1].clone())
}

async fn read(visitor: &Visitor, slug: &str) {
    assert_eq!(visitor.get(&format!("/learn/{slug}")).await.status, 200);
}

async fn view(visitor: &Visitor) {
    assert_eq!(visitor.get(&format!("/products/{SCALE}")).await.status, 200);
}

async fn buys(visitor: &Visitor) {
    let pay = visitor.check_out(SCALE, 1).await;
    let paid = visitor.pay_by_card(&pay, "4242 4242 4242 4242").await;
    assert_eq!(paid.status, 303, "{}", paid.body);
}

async fn the_funnel_and_the_credits_add_up(backend: Backend) {
    let Some(app) = spawn_seeded_app(backend).await else {
        return;
    };
    let (first, second) = two_guides(&app).await;
    // A reads two guides, then buys; B buys without reading; C reads and leaves a cart;
    // D only looks at the product; E only reads; F searches for something we don't sell.
    let (a, b, c, d, e, f) = (
        app.visitor(),
        app.visitor(),
        app.visitor(),
        app.visitor(),
        app.visitor(),
        app.visitor(),
    );
    read(&a, &first).await;
    read(&a, &second).await;
    view(&a).await;
    buys(&a).await;
    view(&b).await;
    buys(&b).await;
    read(&c, &first).await;
    view(&c).await;
    assert_eq!(c.add_to_cart(SCALE, 1).await.status, 303);
    view(&d).await;
    read(&e, &second).await;
    assert_eq!(f.get("/products?q=unicorn%20saddle").await.status, 200);
    // C asks and the sale is lost; E asks and it is won: each credits the guide they read.
    let (c_ticket, _) = c
        .ask("", crate::helpers::Trail::Shared, "Is it worth it?")
        .await;
    let (e_ticket, _) = e
        .ask("", crate::helpers::Trail::Shared, "Which one for me?")
        .await;
    let sales_desk = app.sign_in_as_staff("sales").await;
    for (ticket, outcome, reason) in [
        (&c_ticket, "lost", "Too expensive"),
        (&e_ticket, "won", "Bought the kit"),
    ] {
        let decided = sales_desk
            .set_ticket_status(ticket, outcome, "new", Some(reason))
            .await;
        assert_eq!(decided.status, 303, "{}", decided.body);
    }

    let marketing = app.sign_in_as_staff("marketing").await;
    let page = marketing.get("/admin/analytics").await;
    assert_eq!(page.status, 200, "{}", page.body);
    let dashboard = app::analytics::build_dashboard(
        &app.db,
        app::analytics::model::Range::parse("30d", "", "", app::db::now_unix()),
        app::analytics::model::Filter::default(),
        60,
    )
    .await
    .unwrap();
    let counts = |steps: &[app::analytics::model::FunnelStep]| -> Vec<i64> {
        steps.iter().map(|s| s.count).collect()
    };
    // Visitors, viewed a product, read a guide, added to cart, started checkout, paid.
    assert_eq!(counts(&dashboard.funnel), vec![6, 4, 2, 2, 1, 1]);
    // Without the guide step: readers (A, C, E) and the others (B, D, F).
    assert_eq!(counts(&dashboard.readers), vec![3, 2, 2, 1, 1]);
    assert_eq!(counts(&dashboard.non_readers), vec![3, 2, 1, 1, 1]);
    assert_eq!(dashboard.funnel[1].conversion_bp, 6_666);
    assert_eq!(dashboard.funnel[1].dropped, 2);
    assert_eq!(dashboard.by_persona.len(), 1, "nobody chose a persona");
    assert!(dashboard.median_time_to_pay.is_some());

    // Revenue: two paid orders; only A's followed reading, and every model shares out
    // exactly A's total.
    let totals: Vec<i64> =
        sqlx::query_scalar("SELECT total_cents FROM orders WHERE status = 'paid' ORDER BY id")
            .fetch_all(app.db.pool())
            .await
            .unwrap();
    assert_eq!(totals.len(), 2);
    assert_eq!(dashboard.revenue, totals[0] + totals[1]);
    assert_eq!(dashboard.attributed_revenue, totals[0]);
    for (i, total) in dashboard.model_totals.iter().enumerate() {
        assert_eq!(*total, totals[0], "model {i} reconciles");
    }
    let row = |slug: &str| dashboard.content.iter().find(|r| r.slug == slug).unwrap();
    let (g1, g2) = (row(&first), row(&second));
    assert_eq!((g1.readers, g2.readers), (2, 2));
    // First touch: all to the first guide A read; last touch: all to the second.
    assert_eq!((g1.credits[0], g2.credits[0]), (totals[0], 0));
    assert_eq!((g1.credits[1], g2.credits[1]), (0, totals[0]));
    assert_eq!(g1.credits[2] + g2.credits[2], totals[0]);
    assert_eq!((g1.assisted_orders, g2.assisted_orders), (1, 1));
    // Tickets: C read the first guide and lost, E read the second and won.
    assert_eq!((g1.tickets_after, g2.tickets_after), (1, 1));
    assert_eq!(
        (
            g1.won_tickets,
            g1.lost_tickets,
            g2.won_tickets,
            g2.lost_tickets
        ),
        (0, 1, 1, 0)
    );
    assert!(dashboard
        .gaps
        .lost_reasons
        .contains(&("Too expensive".to_string(), 1)));
    assert_eq!((dashboard.sales.won, dashboard.sales.lost), (1, 1));
    // The search that found nothing is on marketing's backlog.
    assert!(dashboard
        .gaps
        .searches
        .iter()
        .any(|(text, times, results)| text == "unicorn saddle" && *times == 1 && *results == 0));

    // The page and the CSV say the same.
    let body = html_unescape(&page.body).replace("<!>", "");
    assert!(body.contains("Visitors at each funnel step"));
    assert!(body.contains("Guides and the orders they moved"));
    let csv = marketing
        .get("/admin/analytics/export?table=funnel&range=30d")
        .await;
    assert_eq!(csv.status, 200);
    assert!(csv.headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let lines: Vec<&str> = csv.body.lines().collect();
    assert_eq!(
        lines[0],
        "group,step,visitors,conversion from previous step,dropped off"
    );
    assert_eq!(lines[1], "All visitors,Visitors,6,100%,0");
    assert_eq!(lines[2], "All visitors,Viewed a product,4,66.66%,2");
    assert!(lines.contains(&"Read no guide,Paid,1,100%,0"));
    let content = marketing
        .get("/admin/analytics/export?table=content&range=30d")
        .await;
    assert!(
        content
            .body
            .lines()
            .next()
            .unwrap()
            .ends_with("\"revenue, Engagement-weighted\""),
        "a header with a comma is quoted"
    );
    assert_eq!(content.body.lines().count(), 1 + dashboard.content.len());
    // A step opens the visitors behind it; a persona narrows everything.
    let drill = html_unescape(
        &marketing
            .get("/admin/analytics?range=30d&step=paid")
            .await
            .body,
    )
    .replace("<!>", "");
    assert!(
        drill.contains("Behind \u{201c}Paid\u{201d}: 1 visitor(s)"),
        "{drill}"
    );
    let paid_order: String = sqlx::query_scalar(
        "SELECT public_id FROM orders WHERE status = 'paid' ORDER BY id LIMIT 1",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert!(drill.contains(&format!("href=\"/admin/orders/{paid_order}\"")));
    // The backlog's "Start a draft" opens the editor with the search as its title.
    let draft = marketing
        .get("/admin/content/new?title=unicorn%20saddle&stage=decision")
        .await;
    assert!(draft.body.contains("value=\"unicorn saddle\""));
    assert!(draft.body.contains("<option value=\"decision\" selected"));
    let nobody = app::analytics::build_dashboard(
        &app.db,
        dashboard.range.clone(),
        app::analytics::model::Filter {
            persona: "none".into(),
            step: Some(app::analytics::model::Step::Paid),
        },
        60,
    )
    .await
    .unwrap();
    assert_eq!(nobody.funnel[0].count, 6, "nobody chose a persona");
    assert_eq!(nobody.drill_total, 1);
    let unknown = marketing.get("/admin/analytics/export?table=secrets").await;
    assert_eq!(unknown.status, 404);
    // Sales see it too; customers and visitors don't learn it exists.
    let sales = app.sign_in_as_staff("sales").await;
    assert_eq!(sales.get("/admin/analytics?range=7d").await.status, 200);
    let customer = app.signed_in_as("buyer@example.com", None).await;
    assert_eq!(customer.get("/admin/analytics").await.status, 404);
    assert_eq!(
        customer
            .get("/admin/analytics/export?table=funnel")
            .await
            .status,
        404
    );
    // The raw trail can go; the frozen credits stay.
    app.settle_trail().await;
    sqlx::query("DELETE FROM journey_events WHERE kind = 'content_view'")
        .execute(app.db.pool())
        .await
        .unwrap();
    let after = app::analytics::build_dashboard(
        &app.db,
        dashboard.range.clone(),
        app::analytics::model::Filter::default(),
        60,
    )
    .await
    .unwrap();
    assert_eq!(after.model_totals, dashboard.model_totals);
    assert_eq!(after.attributed_revenue, totals[0]);
}
