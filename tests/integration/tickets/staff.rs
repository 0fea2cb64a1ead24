//! "Talk to a human" from the staff side (sales): the inbox and its live stream, replies
//! that reach the customer (page, stream, email) and internal notes that never do, won
//! and lost with a reason, and quotes that win the ticket when paid.

use super::demo_subjects;
use crate::helpers::verbs::{card_for, checkout_key};
use crate::helpers::{spawn_seeded_app, Backend, Trail};
use crate::on_both_backends;

on_both_backends!(
    replies_reach_the_customer_and_notes_never_do,
    a_paid_quote_wins_the_ticket,
);

async fn replies_reach_the_customer_and_notes_never_do(backend: Backend) {
    let Some(app) = spawn_seeded_app(backend).await else {
        return;
    };
    let (_, products) = demo_subjects(&app).await;
    let customer = app.visitor();
    let (public_id, page) = customer
        .ask(
            &products[0].0,
            Trail::Shared,
            "Does it come with a descaling kit?",
        )
        .await;
    let sales = app.sign_in_as_staff("sales").await;
    let (status, change) = sales
        .read_stream("/admin/tickets/live?after=0", "data:")
        .await;
    assert_eq!(status, 200);
    assert!(
        change.contains("event: changed") && change.contains("data: "),
        "a change event browsers dispatch (they drop events without data): {change}"
    );
    let inbox = sales.get("/admin/tickets").await;
    assert!(
        inbox.body.contains(&public_id),
        "the new ticket is in the inbox"
    );
    assert!(inbox.body.contains("1 unread"), "counted in the admin menu");
    let desk = format!("/admin/tickets/{public_id}");
    sales.get(&desk).await;
    assert!(
        !sales.get("/admin/tickets").await.body.contains("1 unread"),
        "opening the ticket reads it"
    );

    let note = "Margin is thin on this one; offer the kit at cost";
    let reply = "Yes! And <b>free</b> descaling tablets.";
    let sent = sales.add_note(&public_id, note).await;
    assert_eq!(sent.status, 303);
    let sent = sales.reply_to_customer(&public_id, reply).await;
    assert_eq!(sent.status, 303);

    // The customer's page, stream and email carry the reply — as text — and never the note.
    let ticket = customer.get(&page).await;
    assert!(ticket
        .body
        .contains("Yes! And &lt;b&gt;free&lt;/b&gt; descaling tablets."));
    assert!(
        !ticket.body.contains("<b>free</b>"),
        "HTML is shown as text"
    );
    assert!(!ticket.body.contains("Margin is thin"));
    let stream_path = format!(
        "/tickets/{public_id}/live{}",
        &page[page.find('?').unwrap_or(page.len())..]
    );
    let (status, events) = customer
        .read_stream(&stream_path, "descaling tablets")
        .await;
    assert_eq!(status, 200);
    assert!(events.contains("event: message"), "{events}");
    assert!(events.contains("free</b> descaling tablets"));
    assert!(
        !events.contains("Margin is thin"),
        "notes never reach the customer"
    );
    let (_, staff_events) = sales
        .read_stream(&format!("{desk}/live"), "Margin is thin")
        .await;
    assert!(
        staff_events.contains("Margin is thin"),
        "staff see notes live"
    );
    let emails = app.emails_to("ada@example.com").await;
    assert_eq!(emails.len(), 2, "opening and the reply");
    assert!(emails[0].contains(reply));
    assert!(emails.iter().all(|e| !e.contains("Margin is thin")));

    // The customer answers live too; the ticket is open again.
    let answer = customer
        .reply_on_ticket(
            &public_id,
            "Great, thanks",
            page.split("t=").nth(1).unwrap_or(""),
        )
        .await;
    assert_eq!(answer.status, 303, "{}", answer.body);
    let (_, staff_events) = sales
        .read_stream(&format!("{desk}/live?after=0"), "Great, thanks")
        .await;
    assert!(staff_events.contains("Great, thanks"));

    // Won needs a reason; then it is resolved with its times recorded.
    let no_reason = sales
        .set_ticket_status(&public_id, "won", "open", None)
        .await;
    assert_eq!(no_reason.status, 422);
    assert!(no_reason.body.contains("Say why it was won"));
    let won = sales
        .set_ticket_status(&public_id, "won", "open", Some("Bought the kit"))
        .await;
    assert_eq!(won.status, 303, "{}", won.body);
    let (status, first_response, resolved): (String, Option<i64>, Option<i64>) = sqlx::query_as(
        "SELECT status, first_response_at, resolved_at FROM tickets WHERE public_id = $1",
    )
    .bind(&public_id)
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert_eq!(status, "won");
    assert!(first_response.is_some() && resolved.is_some());
    let reopen = sales
        .set_ticket_status(&public_id, "open", "won", None)
        .await;
    assert_eq!(reopen.status, 409, "a won sale stays won");
    let actions = app.audit_actions_like("ticket.%").await;
    assert_eq!(actions, ["ticket.note", "ticket.reply", "ticket.status"]);
}

async fn a_paid_quote_wins_the_ticket(backend: Backend) {
    let Some(app) = spawn_seeded_app(backend).await else {
        return;
    };
    let (_, products) = demo_subjects(&app).await;
    let product_id = app.product_id(&products[0].0).await;
    let price = app.price_of(product_id).await;
    let variant_id = app.variant_of(product_id).await;
    let customer = app.visitor();
    let (public_id, page) = customer
        .ask(
            &products[0].0,
            Trail::Shared,
            "Could you do a better price for two?",
        )
        .await;
    let sales = app.sign_in_as_staff("sales").await;
    let greedy = sales.send_quote(&public_id, &[(variant_id, 2)], "15").await;
    assert_eq!(greedy.status, 422, "sales may give up to 10%");
    assert!(greedy.body.contains("from 0 to 10%"));
    let empty = sales.send_quote(&public_id, &[], "5").await;
    assert_eq!(empty.status, 422);
    assert!(empty.body.contains("Add at least one product"));
    let sent = sales.send_quote(&public_id, &[(variant_id, 2)], "10").await;
    assert_eq!(sent.status, 303, "{}", sent.body);

    // The customer finds the quote on their page (live, as a reply) and by email.
    let ticket = customer.get(&page).await;
    let start = ticket
        .body
        .find("/quotes/")
        .expect("a quote link on the ticket page");
    let link: String = ticket.body[start..]
        .chars()
        .take_while(|c| *c != '"')
        .collect::<String>()
        .replace("&amp;", "&");
    assert!(app.emails_to("ada@example.com").await[0].contains("/quotes/"));
    let quote_id: String = link
        .trim_start_matches("/quotes/")
        .chars()
        .take(32)
        .collect();
    let stranger = app.visitor();
    assert_eq!(
        stranger.get(&format!("/quotes/{quote_id}")).await.status,
        404
    );
    let quote = stranger.get(&link).await;
    assert_eq!(quote.status, 200, "the signed link opens it anywhere");
    let expected = (price * 90 + 50) / 100 * 2;
    let token = link.split("t=").nth(1).unwrap();
    let key = checkout_key(&customer.quote_checkout_step(&quote_id, token).await);
    let started = customer.check_out_quote(&key, &quote_id, token).await;
    assert_eq!(started.status, 303, "{}", started.body);
    let (_, total) = app.only_order().await;
    let shipping: i64 = sqlx::query_scalar("SELECT shipping_cents FROM orders")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert!(shipping > 0, "the quote's order pays its shipping");
    assert_eq!(
        total,
        expected + shipping,
        "today's price less 10%, for two, plus shipping"
    );
    let paid = customer
        .post_form(
            &started.location(),
            &card_for("ada@example.com", "4242424242424242"),
        )
        .await;
    assert_eq!(paid.status, 303, "{}", paid.body);
    let (status, reason): (String, String) =
        sqlx::query_as("SELECT status, outcome_reason FROM tickets WHERE public_id = $1")
            .bind(&public_id)
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    assert_eq!(status, "won", "paying the quote wins the ticket");
    assert!(reason.starts_with("Quote paid (order "));
    let forged = stranger
        .check_out_quote(&"ab".repeat(16), &quote_id, &"0".repeat(32))
        .await;
    assert_eq!(
        forged.status, 404,
        "a quote link with a wrong signature buys nothing"
    );
}
