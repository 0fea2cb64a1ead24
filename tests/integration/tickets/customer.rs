//! "Talk to a human" from the customer's side: the research a ticket carries (and the
//! live cart beside it on the staff page), opting out of sharing it, who may see a ticket
//! and its stream, and the limits on bots, floods and bad input.

use super::{context_of, demo_subjects, strings};
use crate::helpers::verbs::ask_form;
use crate::helpers::{spawn_seeded_app, Backend, Trail};
use crate::on_both_backends;

on_both_backends!(
    a_ticket_carries_what_the_visitor_read_compared_and_put_in_the_cart,
    opting_out_shares_no_trail,
    only_the_right_people_see_a_ticket,
    bots_floods_and_bad_input_are_refused,
);

async fn a_ticket_carries_what_the_visitor_read_compared_and_put_in_the_cart(backend: Backend) {
    let Some(app) = spawn_seeded_app(backend).await else {
        return;
    };
    let ((piece, title), products) = demo_subjects(&app).await;
    let (first, second) = (&products[0], &products[1]);
    let visitor = app.visitor();
    visitor.get(&format!("/learn/{piece}")).await;
    visitor.report_reading(&piece, 95, 240).await;
    visitor.get(&format!("/products/{}", first.0)).await;
    visitor
        .get(&format!("/compare?products={},{}", first.0, second.0))
        .await;
    visitor.add_to_cart(&first.0, 2).await;

    let form = visitor
        .get(&format!(
            "/help/ask?from=/products/{0}&product={0}",
            first.0
        ))
        .await;
    assert_eq!(form.status, 200);
    assert!(form.body.contains(&format!("Ask about {}", first.1)));
    assert!(
        form.body.contains("share the 1 guide you read"),
        "the form says what will be shared"
    );
    assert!(form.body.contains("your cart (2 items"));

    let (public_id, page) = visitor
        .ask(
            &first.0,
            Trail::Shared,
            "Is this quiet enough for an open-plan office?",
        )
        .await;
    let context = context_of(&app, &public_id).await;
    assert_eq!(context["trail_shared"], true);
    assert_eq!(strings(&context, "/read", "title"), [title.as_str()]);
    assert_eq!(
        context
            .pointer("/read/0/read_seconds")
            .and_then(|v| v.as_i64()),
        Some(240),
        "time spent reading"
    );
    assert_eq!(strings(&context, "/viewed", "slug"), [first.0.as_str()]);
    assert_eq!(
        context["compared"],
        serde_json::json!([[first.1.clone(), second.1.clone()]])
    );
    assert_eq!(strings(&context, "/cart", "slug"), [first.0.as_str()]);
    assert_eq!(
        context.pointer("/cart/0/quantity").and_then(|v| v.as_i64()),
        Some(2)
    );
    assert_eq!(context["product"][0], first.0.as_str());
    assert_eq!(context["entry_path"], format!("/products/{}", first.0));

    // The customer sees the conversation; the email carries a link that works anywhere.
    let ticket = visitor.get(&page).await;
    assert_eq!(ticket.status, 200);
    assert!(ticket.body.contains("open-plan office"));
    let email = app.emails_to("ada@example.com").await.remove(0);
    let link = email
        .lines()
        .find(|line| line.contains("/tickets/"))
        .expect("a link in the email")
        .trim()
        .trim_start_matches(&app.base)
        .to_string();
    let stranger = app.visitor();
    assert_eq!(
        stranger.get(&link).await.status,
        200,
        "the signed link opens it"
    );
    assert_eq!(
        stranger.get(&format!("/tickets/{public_id}")).await.status,
        404,
        "not without the link"
    );
    let forged = format!("/tickets/{public_id}?t={}", "0".repeat(32));
    assert_eq!(
        stranger.get(&forged).await.status,
        404,
        "a wrong signature is a 404"
    );

    // Staff see the same research on the ticket page.
    let sales = app.sign_in_as_staff("sales").await;
    let desk = sales.get(&format!("/admin/tickets/{public_id}")).await;
    assert_eq!(desk.status, 200);
    let desk_text = crate::helpers::html_unescape(&desk.body);
    assert!(desk_text.contains("Their cart now"));
    // The snapshot stays as it was; the live side follows the customer.
    visitor.add_to_cart(&second.0, 1).await;
    let later = crate::helpers::html_unescape(
        &sales.get(&format!("/admin/tickets/{public_id}")).await.body,
    );
    let now_part =
        &later[later.find("Their cart now").unwrap()..later.find("What they looked at").unwrap()];
    assert!(
        now_part.contains(&format!("1 × {}", second.1)),
        "the cart as it is now"
    );
    assert_eq!(
        strings(&context_of(&app, &public_id).await, "/cart", "slug"),
        [first.0.as_str()]
    );
    for expected in [
        title.as_str(),
        &first.1,
        &second.1,
        "Read to the end · 4 min",
    ] {
        assert!(desk_text.contains(expected), "{expected}");
    }
}

async fn opting_out_shares_no_trail(backend: Backend) {
    let Some(app) = spawn_seeded_app(backend).await else {
        return;
    };
    let ((piece, _), products) = demo_subjects(&app).await;
    let visitor = app.visitor();
    visitor.get(&format!("/learn/{piece}")).await;
    visitor
        .get(&format!(
            "/compare?products={},{}",
            products[0].0, products[1].0
        ))
        .await;
    let (public_id, _) = visitor
        .ask(
            &products[0].0,
            Trail::Private,
            "Please keep my browsing to myself.",
        )
        .await;
    let context = context_of(&app, &public_id).await;
    assert_eq!(context["trail_shared"], false);
    for trail in ["read", "viewed", "compared", "searches"] {
        assert_eq!(context[trail], serde_json::json!([]), "{trail}");
    }
    assert_eq!(context["stage"], "");
    app.settle_trail().await;
    let (shares, ticket_events): (i64, i64) = (
        sqlx::query_scalar("SELECT shares_trail FROM tickets WHERE public_id = $1")
            .bind(&public_id)
            .fetch_one(app.db.pool())
            .await
            .unwrap(),
        app.count("SELECT COUNT(*) FROM journey_events WHERE kind = 'ticket'")
            .await,
    );
    assert_eq!((shares, ticket_events), (0, 0));
}

async fn only_the_right_people_see_a_ticket(backend: Backend) {
    let Some(app) = spawn_seeded_app(backend).await else {
        return;
    };
    let (_, products) = demo_subjects(&app).await;
    let ada = app.sign_in_as_customer("ada@example.com").await;
    let (public_id, _) = ada
        .ask(&products[0].0, Trail::Shared, "What warranty does it have?")
        .await;
    let mine = ada.get("/account/tickets").await;
    assert!(mine.body.contains(&format!("/tickets/{public_id}")));
    assert_eq!(ada.get(&format!("/tickets/{public_id}")).await.status, 200);

    let bob = app.sign_in_as_customer("bob@example.com").await;
    assert!(!bob.get("/account/tickets").await.body.contains(&public_id));
    assert!(bob
        .get("/account/tickets")
        .await
        .body
        .contains("No questions yet"));
    assert_eq!(bob.get(&format!("/tickets/{public_id}")).await.status, 404);
    let (status, _) = bob
        .read_stream(&format!("/tickets/{public_id}/live"), "")
        .await;
    assert_eq!(status, 404, "nor its stream");
    let intrude = bob.reply_on_ticket(&public_id, "hello there", "").await;
    assert_eq!(intrude.status, 404);

    let marketing = app.sign_in_as_staff("marketing").await;
    assert_eq!(
        marketing
            .get(&format!("/admin/tickets/{public_id}"))
            .await
            .status,
        403
    );
    let (status, _) = marketing.read_stream("/admin/tickets/live", "").await;
    assert_eq!(status, 403);
    let (status, _) = bob
        .read_stream(&format!("/admin/tickets/{public_id}/live"), "")
        .await;
    assert_eq!(status, 404, "customers don't learn the admin panel exists");
}

async fn bots_floods_and_bad_input_are_refused(backend: Backend) {
    let Some(app) = spawn_seeded_app(backend).await else {
        return;
    };
    let count = || app.count("SELECT COUNT(*) FROM tickets");
    let visitor = app.visitor();
    let bot = visitor
        .send_question(&format!(
            "{}&website=http%3A%2F%2Fspam.example",
            ask_form("", Trail::Shared, "Buy cheap watches now!!")
        ))
        .await;
    assert_eq!(
        (bot.status, bot.location()),
        (303, "/help/ask?sent=1".to_string())
    );
    assert_eq!(count().await, 0, "the honeypot stores nothing");

    let bad = visitor
        .send_question(
            "name=&email=ada%40nowhere&question=hi&contact=phone&phone=call+me&from=%2Fcart",
        )
        .await;
    assert_eq!(bad.status, 422);
    for message in [
        "Tell us what to call you.",
        "Enter an email address like name@example.com",
        "Tell us a little more",
        "Enter a phone number we can call",
        "Pick when we should call you.",
    ] {
        assert!(bad.body.contains(message), "{message}");
    }
    assert!(
        bad.body.contains("value=\"ada@nowhere\""),
        "typed values kept"
    );
    let long = "x".repeat(4001);
    let too_long = visitor
        .send_question(&ask_form("", Trail::Shared, &long))
        .await;
    assert_eq!(too_long.status, 422);
    assert!(too_long.body.contains("it has 4001"));
    assert_eq!(count().await, 0);

    for n in 0..3 {
        visitor
            .ask(
                "",
                Trail::Shared,
                &format!("Question number {n} about grinders"),
            )
            .await;
    }
    let flood = visitor
        .send_question(&ask_form(
            "",
            Trail::Shared,
            "One more question about grinders",
        ))
        .await;
    assert_eq!(flood.status, 429);
    assert!(flood.body.contains("several questions in the last hour"));
    assert!(
        flood.body.contains("One more question about grinders"),
        "the question is kept"
    );
    assert_eq!(count().await, 3);
}
