//! "Talk to a human" over real HTTP: the research a ticket carries, opting out of it, the
//! conversation in both directions (live, and by email), internal notes staying internal,
//! who may see what, and the abuse limits.

use crate::helpers::{spawn_seeded_app, urlencode, Backend, TestApp, Visitor};
use crate::on_both_backends;
use std::time::Duration;

/// (slug, title) of the first article, and (slug, name) of the first two active products.
async fn demo_subjects(app: &TestApp) -> ((String, String), Vec<(String, String)>) {
    let piece: (String, String) = sqlx::query_as(
        "SELECT slug, title FROM content WHERE kind = 'article' ORDER BY id LIMIT 1",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    let products: Vec<(String, String)> = sqlx::query_as(
        "SELECT slug, name FROM products WHERE status = 'active' AND stock > 0 ORDER BY id LIMIT 2",
    )
    .fetch_all(app.db.pool())
    .await
    .unwrap();
    (piece, products)
}

pub(crate) fn ask_form(product: &str, share: bool, question: &str) -> String {
    format!(
        "name=Ada+Lovelace&email=ada%40example.com&question={}&contact=email&from={}&product={product}{}",
        urlencode(question),
        urlencode(&format!("/products/{product}")),
        if share { "&share_trail=1" } else { "" }
    )
}

/// The ticket's stored context, as JSON.
async fn context_of(app: &TestApp, public_id: &str) -> serde_json::Value {
    let text: String = sqlx::query_scalar("SELECT context FROM tickets WHERE public_id = $1")
        .bind(public_id)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    serde_json::from_str(&text).unwrap()
}

/// Opens a ticket; returns its public id and the page it sent the customer to.
pub(crate) async fn open_ticket(visitor: &Visitor, form: &str) -> (String, String) {
    let sent = visitor.post_form("/help/ask", form).await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    let location = sent.location();
    let public_id = location
        .trim_start_matches("/tickets/")
        .chars()
        .take(32)
        .collect::<String>();
    (public_id, location.split('#').next().unwrap().to_string())
}

fn strings(value: &serde_json::Value, pointer: &str, field: &str) -> Vec<String> {
    value
        .pointer(pointer)
        .and_then(|v| v.as_array())
        .map(|items| {
            items
                .iter()
                .filter_map(|i| i[field].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

async fn a_ticket_carries_what_the_visitor_read_compared_and_put_in_the_cart(backend: Backend) {
    let Some(app) = spawn_seeded_app(backend).await else {
        return;
    };
    let ((piece, title), products) = demo_subjects(&app).await;
    let (first, second) = (&products[0], &products[1]);
    let visitor = app.visitor();
    visitor.get(&format!("/learn/{piece}")).await;
    visitor
        .post_form(
            "/journey/read",
            &format!("slug={piece}&depth=95&seconds=240"),
        )
        .await;
    visitor.get(&format!("/products/{}", first.0)).await;
    visitor
        .get(&format!("/compare?products={},{}", first.0, second.0))
        .await;
    visitor
        .post_form("/cart/add", &format!("slug={}&quantity=2", first.0))
        .await;

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

    let (public_id, page) = open_ticket(
        &visitor,
        &ask_form(
            &first.0,
            true,
            "Is this quiet enough for an open-plan office?",
        ),
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
    let sales = app.signed_in_as("sales@example.com", Some("sales")).await;
    let desk = sales.get(&format!("/admin/tickets/{public_id}")).await;
    assert_eq!(desk.status, 200);
    let desk_text = crate::helpers::html_unescape(&desk.body);
    assert!(desk_text.contains("Their cart now"));
    // The snapshot stays as it was; the live side follows the customer.
    visitor
        .post_form("/cart/add", &format!("slug={}&quantity=1", second.0))
        .await;
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
    let (public_id, _) = open_ticket(
        &visitor,
        &ask_form(&products[0].0, false, "Please keep my browsing to myself."),
    )
    .await;
    let context = context_of(&app, &public_id).await;
    assert_eq!(context["trail_shared"], false);
    for trail in ["read", "viewed", "compared", "searches"] {
        assert_eq!(context[trail], serde_json::json!([]), "{trail}");
    }
    assert_eq!(context["stage"], "");
    let (shares, ticket_events): (i64, i64) = (
        sqlx::query_scalar("SELECT shares_trail FROM tickets WHERE public_id = $1")
            .bind(&public_id)
            .fetch_one(app.db.pool())
            .await
            .unwrap(),
        sqlx::query_scalar("SELECT COUNT(*) FROM journey_events WHERE kind = 'ticket'")
            .fetch_one(app.db.pool())
            .await
            .unwrap(),
    );
    assert_eq!((shares, ticket_events), (0, 0));
}

/// Reads a server-sent event stream until `until` appears (or a few seconds pass).
pub(crate) async fn read_stream(visitor: &Visitor, path: &str, until: &str) -> (u16, String) {
    let mut response = visitor
        .client
        .get(format!("{}{path}", visitor.base))
        .header("accept", "text/event-stream")
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let mut seen = String::new();
    if status != 200 {
        return (status, response.text().await.unwrap_or_default());
    }
    let deadline = tokio::time::Instant::now() + Duration::from_secs(6);
    while !seen.contains(until) {
        match tokio::time::timeout_at(deadline, response.chunk()).await {
            Ok(Ok(Some(chunk))) => seen.push_str(&String::from_utf8_lossy(&chunk)),
            _ => break,
        }
    }
    (status, seen)
}

async fn replies_reach_the_customer_and_notes_never_do(backend: Backend) {
    let Some(app) = spawn_seeded_app(backend).await else {
        return;
    };
    let (_, products) = demo_subjects(&app).await;
    let customer = app.visitor();
    let (public_id, page) = open_ticket(
        &customer,
        &ask_form(&products[0].0, true, "Does it come with a descaling kit?"),
    )
    .await;
    let sales = app.signed_in_as("sales@example.com", Some("sales")).await;
    let (status, change) = read_stream(&sales, "/admin/tickets/live?after=0", "data:").await;
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
    let sent = sales
        .post_form(&desk, &format!("action=note&message={}", urlencode(note)))
        .await;
    assert_eq!(sent.status, 303);
    let sent = sales
        .post_form(&desk, &format!("action=reply&message={}", urlencode(reply)))
        .await;
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
    let (status, events) = read_stream(&customer, &stream_path, "descaling tablets").await;
    assert_eq!(status, 200);
    assert!(events.contains("event: message"), "{events}");
    assert!(events.contains("free</b> descaling tablets"));
    assert!(
        !events.contains("Margin is thin"),
        "notes never reach the customer"
    );
    let (_, staff_events) = read_stream(&sales, &format!("{desk}/live"), "Margin is thin").await;
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
        .post_form(
            &format!("/tickets/{public_id}/reply"),
            &format!(
                "message=Great%2C+thanks&t={}",
                page.split("t=").nth(1).unwrap_or("")
            ),
        )
        .await;
    assert_eq!(answer.status, 303, "{}", answer.body);
    let (_, staff_events) =
        read_stream(&sales, &format!("{desk}/live?after=0"), "Great, thanks").await;
    assert!(staff_events.contains("Great, thanks"));

    // Won needs a reason; then it is resolved with its times recorded.
    let no_reason = sales
        .post_form(&desk, "action=status&status=won&from=open")
        .await;
    assert_eq!(no_reason.status, 422);
    assert!(no_reason.body.contains("Say why it was won"));
    let won = sales
        .post_form(
            &desk,
            "action=status&status=won&from=open&reason=Bought+the+kit",
        )
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
        .post_form(&desk, "action=status&status=open&from=won")
        .await;
    assert_eq!(reopen.status, 409, "a won sale stays won");
    let actions: Vec<String> =
        sqlx::query_scalar("SELECT action FROM audit_log WHERE action LIKE 'ticket.%' ORDER BY id")
            .fetch_all(app.db.pool())
            .await
            .unwrap();
    assert_eq!(actions, ["ticket.note", "ticket.reply", "ticket.status"]);
}

async fn only_the_right_people_see_a_ticket(backend: Backend) {
    let Some(app) = spawn_seeded_app(backend).await else {
        return;
    };
    let (_, products) = demo_subjects(&app).await;
    let ada = app.signed_in_as("ada@example.com", None).await;
    let (public_id, _) = open_ticket(
        &ada,
        &ask_form(&products[0].0, true, "What warranty does it have?"),
    )
    .await;
    let mine = ada.get("/account/tickets").await;
    assert!(mine.body.contains(&format!("/tickets/{public_id}")));
    assert_eq!(ada.get(&format!("/tickets/{public_id}")).await.status, 200);

    let bob = app.signed_in_as("bob@example.com", None).await;
    assert!(!bob.get("/account/tickets").await.body.contains(&public_id));
    assert!(bob
        .get("/account/tickets")
        .await
        .body
        .contains("No questions yet"));
    assert_eq!(bob.get(&format!("/tickets/{public_id}")).await.status, 404);
    let (status, _) = read_stream(&bob, &format!("/tickets/{public_id}/live"), "").await;
    assert_eq!(status, 404, "nor its stream");
    let intrude = bob
        .post_form(
            &format!("/tickets/{public_id}/reply"),
            "message=hello+there",
        )
        .await;
    assert_eq!(intrude.status, 404);

    let marketing = app
        .signed_in_as("marketing@example.com", Some("marketing"))
        .await;
    assert_eq!(
        marketing
            .get(&format!("/admin/tickets/{public_id}"))
            .await
            .status,
        403
    );
    let (status, _) = read_stream(&marketing, "/admin/tickets/live", "").await;
    assert_eq!(status, 403);
    let (status, _) = read_stream(&bob, &format!("/admin/tickets/{public_id}/live"), "").await;
    assert_eq!(status, 404, "customers don't learn the admin panel exists");
}

async fn bots_floods_and_bad_input_are_refused(backend: Backend) {
    let Some(app) = spawn_seeded_app(backend).await else {
        return;
    };
    let count = || async {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM tickets")
            .fetch_one(app.db.pool())
            .await
            .unwrap()
    };
    let visitor = app.visitor();
    let bot = visitor
        .post_form(
            "/help/ask",
            &format!(
                "{}&website=http%3A%2F%2Fspam.example",
                ask_form("", true, "Buy cheap watches now!!")
            ),
        )
        .await;
    assert_eq!(
        (bot.status, bot.location()),
        (303, "/help/ask?sent=1".to_string())
    );
    assert_eq!(count().await, 0, "the honeypot stores nothing");

    let bad = visitor
        .post_form(
            "/help/ask",
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
        .post_form("/help/ask", &ask_form("", true, &long))
        .await;
    assert_eq!(too_long.status, 422);
    assert!(too_long.body.contains("it has 4001"));
    assert_eq!(count().await, 0);

    for n in 0..3 {
        open_ticket(
            &visitor,
            &ask_form("", true, &format!("Question number {n} about grinders")),
        )
        .await;
    }
    let flood = visitor
        .post_form(
            "/help/ask",
            &ask_form("", true, "One more question about grinders"),
        )
        .await;
    assert_eq!(flood.status, 429);
    assert!(flood.body.contains("several questions in the last hour"));
    assert!(
        flood.body.contains("One more question about grinders"),
        "the question is kept"
    );
    assert_eq!(count().await, 3);
}

async fn a_paid_quote_wins_the_ticket(backend: Backend) {
    let Some(app) = spawn_seeded_app(backend).await else {
        return;
    };
    let (_, products) = demo_subjects(&app).await;
    let (product_id, price): (i64, i64) =
        sqlx::query_as("SELECT id, price_cents FROM products WHERE slug = $1")
            .bind(&products[0].0)
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    let customer = app.visitor();
    let (public_id, page) = open_ticket(
        &customer,
        &ask_form(&products[0].0, true, "Could you do a better price for two?"),
    )
    .await;
    let sales = app.signed_in_as("sales@example.com", Some("sales")).await;
    let desk = format!("/admin/tickets/{public_id}");
    let quote_form = |discount: &str| {
        format!("action=quote&product_1={product_id}&quantity_1=2&discount={discount}")
    };
    let greedy = sales.post_form(&desk, &quote_form("15")).await;
    assert_eq!(greedy.status, 422, "sales may give up to 10%");
    assert!(greedy.body.contains("from 0 to 10%"));
    let empty = sales.post_form(&desk, "action=quote&discount=5").await;
    assert_eq!(empty.status, 422);
    assert!(empty.body.contains("Add at least one product"));
    let sent = sales.post_form(&desk, &quote_form("10")).await;
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
    let marker = "name=\"checkout_key\" value=\"";
    let key_at = quote.body.find(marker).unwrap() + marker.len();
    let key = &quote.body[key_at..key_at + 32];
    let token = link.split("t=").nth(1).unwrap();
    let started = customer
        .post_form(
            "/checkout",
            &format!("checkout_key={key}&quote={quote_id}&t={token}"),
        )
        .await;
    assert_eq!(started.status, 303, "{}", started.body);
    let total: i64 = sqlx::query_scalar("SELECT total_cents FROM orders")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(total, expected, "today's price less 10%, for two");
    let paid = customer
        .post_form(
            &started.location(),
            "email=ada%40example.com&card_number=4242424242424242&expiry=12%2F39&cvc=123",
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
        .post_form(
            "/checkout",
            &format!(
                "checkout_key={}&quote={quote_id}&t={}",
                "ab".repeat(16),
                "0".repeat(32)
            ),
        )
        .await;
    assert_eq!(
        forged.status, 404,
        "a quote link with a wrong signature buys nothing"
    );
}

on_both_backends!(
    a_ticket_carries_what_the_visitor_read_compared_and_put_in_the_cart,
    opting_out_shares_no_trail,
    replies_reach_the_customer_and_notes_never_do,
    only_the_right_people_see_a_ticket,
    bots_floods_and_bad_input_are_refused,
    a_paid_quote_wins_the_ticket,
);
