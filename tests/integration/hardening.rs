//! What a hostile visitor or an unlucky operator tries (issue 12): skipped payment steps,
//! markup in titles, NUL bytes, parallel password guesses, forged forwarding headers, a
//! database that goes away or stops taking writes, malformed server-function calls, long
//! non-Latin text, off-site redirects, proxies that rewrite Host, and paid events whose
//! amount is not the order's. Each runs on SQLite and on PostgreSQL.

use crate::helpers::stripe::PaidSession;
use crate::helpers::verbs::ask_form;
use crate::helpers::{
    fresh_database_url, spawn_app_on, spawn_app_with, spawn_seeded_app, urlencode, Backend, Trail,
};
use crate::on_both_backends;

async fn demo_payment_steps_cannot_be_skipped_or_replayed(backend: Backend) {
    let Some(app) = spawn_seeded_app(backend).await else {
        return;
    };
    let home = app.get("/").await;
    assert!(
        home.body.contains("Demo store: no real payments."),
        "every page says the payments are not real"
    );
    let (_, slug) = app.product_with_stock(5).await;
    let guest = app.visitor();
    let pay = guest.check_out(&slug, 1).await;

    // The bank's confirmation without a card that asked for one: refused, nothing paid.
    let skipped = guest.answer_the_bank(&pay, "approve").await;
    assert_eq!(skipped.status, 409, "{}", skipped.body);
    assert!(skipped.body.contains("nothing to confirm"));
    assert_eq!(
        app.count("SELECT COUNT(*) FROM orders WHERE status = 'paid'")
            .await,
        0
    );

    // The card that asks for confirmation, then the confirmation: paid once.
    let asked = guest.pay_by_card(&pay, "4000002500003155").await;
    assert_eq!(asked.status, 303, "{}", asked.body);
    assert!(asked.location().ends_with("?step=authenticate"));
    let approved = guest.answer_the_bank(&pay, "approve").await;
    assert_eq!(approved.status, 303, "{}", approved.body);
    assert!(approved.location().starts_with("/checkout/success"));
    assert_eq!(
        app.count("SELECT COUNT(*) FROM orders WHERE status = 'paid'")
            .await,
        1
    );
    // Replaying the confirmation changes nothing.
    let replayed = guest.answer_the_bank(&pay, "approve").await;
    assert!(
        replayed.status == 409 || replayed.status == 410,
        "{}",
        replayed.status
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM payment_events").await,
        1,
        "one payment event"
    );

    // A confirmation that was declined cannot be answered again as approved.
    let (_, slug) = app.product_with_stock(5).await;
    let second = app.visitor();
    let pay = second.check_out(&slug, 1).await;
    second.pay_by_card(&pay, "4000002500003155").await;
    let declined = second.answer_the_bank(&pay, "decline").await;
    assert_eq!(declined.status, 402);
    let after_decline = second.answer_the_bank(&pay, "approve").await;
    assert_eq!(after_decline.status, 409);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM orders WHERE status = 'paid'")
            .await,
        1
    );
}

/// Text that would become markup, a script or a redirect if any page wrote it raw.
const HOSTILE: &[&str] = &[
    "</title><meta http-equiv=refresh content=0;url=https://evil.example/>",
    "</script><script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "\"><svg onload=alert(1)>",
    "<!--<script>",
];

/// True when a page carries one of the hostile strings as live markup.
fn has_live_markup(body: &str) -> Option<&'static str> {
    let lower = body.to_ascii_lowercase();
    [
        "<meta http-equiv=refresh",
        "<script>alert(1)",
        "<img src=x onerror",
        "<svg onload",
        "<!--<script>",
    ]
    .into_iter()
    .find(|needle| lower.contains(needle))
}

async fn hostile_text_never_becomes_markup(backend: Backend) {
    let Some(app) = spawn_seeded_app(backend).await else {
        return;
    };
    // Reflected: search boxes, the title of their result pages.
    for text in HOSTILE {
        for path in ["/products?q=", "/search?q=", "/learn?q="] {
            let page = app.get(&format!("{path}{}", urlencode(text))).await;
            assert!(page.status < 500, "{path}{text}: {}", page.status);
            if let Some(found) = has_live_markup(&page.body) {
                panic!("{path}{text} rendered {found} as markup");
            }
        }
    }
    let reflected = app
        .get(&format!("/products?q={}", urlencode(HOSTILE[0])))
        .await;
    let head = reflected.body.split("</head>").next().unwrap();
    assert!(
        head.contains("&lt;/title&gt;&lt;meta"),
        "the title shows the text"
    );

    // Stored: hostile names on products, categories and guides, shown on every page that
    // lists them, customer side and staff side.
    let (product_id, slug) = app.product_with_stock(5).await;
    sqlx::query("UPDATE products SET name = $1, summary = $2 WHERE id = $3")
        .bind(HOSTILE[0])
        .bind(HOSTILE[1])
        .bind(product_id)
        .execute(app.db.pool())
        .await
        .unwrap();
    sqlx::query("UPDATE content SET title = $1, summary = $2")
        .bind(HOSTILE[2])
        .bind(HOSTILE[3])
        .execute(app.db.pool())
        .await
        .unwrap();
    sqlx::query("UPDATE categories SET name = $1")
        .bind(HOSTILE[4])
        .execute(app.db.pool())
        .await
        .unwrap();
    let (guide, _) = app.first_piece().await;
    let category = app.first_category_slug().await;

    // A ticket whose question starts by closing the title, opened by a customer.
    let customer = app.visitor();
    customer.get(&format!("/products/{slug}")).await;
    let (ticket, _) = customer.ask(&slug, Trail::Shared, HOSTILE[0]).await;
    let cart = customer.add_to_cart(&slug, 1).await;
    assert_eq!(cart.status, 303);

    let customer_pages = [
        "/".to_string(),
        "/products".to_string(),
        format!("/products/{slug}"),
        format!("/categories/{category}"),
        "/learn".to_string(),
        format!("/learn/{guide}"),
        format!("/compare?products={slug}"),
        "/cart".to_string(),
        "/my-research".to_string(),
        "/sitemap.xml".to_string(),
        "/feed.xml".to_string(),
    ];
    for path in &customer_pages {
        let page = customer.get(path).await;
        assert!(page.status < 500, "{path}: {}", page.status);
        if let Some(found) = has_live_markup(&page.body) {
            panic!("{path} rendered {found} as markup");
        }
        for block in page.json_ld() {
            assert!(
                block.is_object() || block.is_array(),
                "{path}: JSON-LD parses"
            );
        }
    }

    let staff = app.sign_in_as_staff("admin").await;
    let staff_pages = [
        "/admin".to_string(),
        "/admin/products".to_string(),
        format!("/admin/products/{product_id}"),
        "/admin/categories".to_string(),
        "/admin/content".to_string(),
        "/admin/tickets".to_string(),
        format!("/admin/tickets/{ticket}"),
        "/admin/personas".to_string(),
    ];
    for path in &staff_pages {
        let page = staff.get(path).await;
        assert!(page.status < 500, "{path}: {}", page.status);
        if let Some(found) = has_live_markup(&page.body) {
            panic!("{path} rendered {found} as markup");
        }
    }
}

async fn nul_bytes_never_reach_the_database(backend: Backend) {
    let Some(app) = spawn_seeded_app(backend).await else {
        return;
    };
    let (_, slug) = app.product_with_stock(5).await;
    let visitor = app.visitor();
    for path in [
        "/search?q=%00",
        "/products?q=a%00b&sort=%00",
        "/checkout/success?session_id=%00",
        "/pay/demo/cs%00x",
        "/account/orders/a%00b",
        "/products/a%00b",
        "/learn/%00",
        "/tickets/%00?t=%00",
        "/quotes/%00",
        "/api/suggest?q=ab%00c",
    ] {
        let page = visitor.get(path).await;
        assert!(page.status < 500, "GET {path}: {}", page.status);
        assert!(!page.body.contains('\0'), "GET {path} echoed a NUL");
    }
    for (path, form) in [
        (
            "/login",
            "email=a%00b%40example.com&password=x%00y".to_string(),
        ),
        (
            "/signup",
            "name=A%00&email=n%00ul%40example.com&password=x".to_string(),
        ),
        ("/cart/add", format!("slug={slug}%00&quantity=1%00")),
        ("/cart/update", "slug=%00&quantity=%00".to_string()),
        ("/compare/tray", "slug=%00&back=/%00".to_string()),
        (
            "/help/ask",
            "name=Ada%00&email=a%40example.com&question=Hello%00there%2C+is+the+grinder+quiet%3F&contact=email".to_string(),
        ),
        ("/account/password-reset", "email=%00".to_string()),
        ("/journey/persona", "persona=%00&back=%00".to_string()),
    ] {
        let page = visitor.post_form(path, &form).await;
        assert!(
            page.status < 500,
            "POST {path}: {} {}",
            page.status,
            page.body
        );
    }
    let stored = app
        .count(
            "SELECT COUNT(*) FROM ticket_messages WHERE body = 'Hellothere, is the grinder quiet?'",
        )
        .await;
    assert_eq!(stored, 1, "the question arrived without its NUL");
}

async fn parallel_password_guesses_are_counted_before_they_are_judged(backend: Backend) {
    let Some(app) = spawn_app_with(backend, &[]).await else {
        return;
    };
    app.create_user("target@example.com", None).await;
    let guesses = (0..30).map(|i| {
        let visitor = app.visitor();
        async move {
            visitor
                .sign_in_with("target@example.com", &format!("wrong-guess-{i}"))
                .await
                .status
        }
    });
    let statuses = futures::future::join_all(guesses).await;
    let judged = statuses.iter().filter(|s| **s == 401).count();
    let refused = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!(judged, 5, "only five guesses are evaluated: {statuses:?}");
    assert_eq!(refused, 25, "{statuses:?}");
}

async fn forwarded_for_written_by_the_client_is_not_believed(backend: Backend) {
    let Some(app) = spawn_app_with(backend, &[("STOREFRONT_TRUST_PROXY", "1".into())]).await else {
        return;
    };
    // One client behind our proxy guesses across many accounts, writing a new
    // X-Forwarded-For of its own each time; the proxy appends the address it saw.
    let mut statuses = Vec::new();
    for i in 0..22 {
        let page = app
            .client
            .post(format!("{}/login", app.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("x-forwarded-for", format!("198.51.100.{i}, 203.0.113.7"))
            .body(format!("email=user{i}%40example.com&password=guess"))
            .send()
            .await
            .unwrap();
        statuses.push(page.status().as_u16());
    }
    assert!(
        statuses[..20].iter().all(|s| *s == 401),
        "twenty free guesses per address: {statuses:?}"
    );
    assert_eq!(
        &statuses[20..],
        &[429, 429],
        "the address the proxy saw is throttled, whatever the client wrote"
    );
}

async fn malformed_server_function_calls_are_the_callers_mistake(backend: Backend) {
    let Some(app) = spawn_seeded_app(backend).await else {
        return;
    };
    for (path, body) in [
        ("/api/suggest", None),
        ("/api/suggest?query=grinder", None),
        ("/api/admin/product", Some("id=not-a-number")),
        ("/api/admin/ticket", Some("")),
    ] {
        let page = match body {
            None => app.get(path).await,
            Some(body) => app.post_form(path, body, &[]).await,
        };
        assert_eq!(page.status, 400, "{path} {body:?}: {}", page.body);
        assert!(
            !page.body.contains("deserializ") && !page.body.contains("missing field"),
            "{path}: no decoder text: {}",
            page.body
        );
        assert!(page.body.contains("could not be read"), "{}", page.body);
    }
    let fine = app.get("/api/suggest?q=grinder").await;
    assert_eq!(fine.status, 200);
}

async fn long_questions_in_any_script_are_kept(backend: Backend) {
    let Some(app) = spawn_seeded_app(backend).await else {
        return;
    };
    let (_, slug) = app.product_with_stock(5).await;
    // 2,400 characters of Japanese: 7,200 UTF-8 bytes, 21,600 once form-encoded.
    let question: String = "エスプレッソの抽出について"
        .chars()
        .cycle()
        .take(2400)
        .collect();
    let visitor = app.visitor();
    let (ticket, _) = visitor.ask(&slug, Trail::Private, &question).await;
    let stored: String = sqlx::query_scalar(
        "SELECT m.body FROM ticket_messages m JOIN tickets t ON t.id = m.ticket_id \
         WHERE t.public_id = $1 ORDER BY m.id LIMIT 1",
    )
    .bind(&ticket)
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert_eq!(stored.chars().count(), 2400);

    // Over the 4,000-character limit: the form comes back with the text and a message.
    let too_long: String = "深煎り".chars().cycle().take(4500).collect();
    let page = app
        .visitor()
        .send_question(&ask_form(&slug, Trail::Private, &too_long))
        .await;
    assert_eq!(
        page.status,
        422,
        "{}",
        &page.body[..page.body.len().min(300)]
    );
    assert!(page.body.contains("it has 4500"));
    assert!(page.body.contains(&too_long), "the text is kept");
}

async fn form_redirects_stay_on_this_site(backend: Backend) {
    let Some(app) = spawn_seeded_app(backend).await else {
        return;
    };
    let (_, slug) = app.product_with_stock(5).await;
    let visitor = app.visitor();
    for back in [
        "/\t/evil.example",
        "/\n/evil.example",
        "/\\evil.example",
        "//evil.example",
        "https://evil.example",
    ] {
        let page = visitor.add_to_compare_tray(&slug, back).await;
        assert_eq!(page.status, 303);
        assert_eq!(page.location(), "/compare", "back={back:?}");
    }
}

async fn writes_are_checked_against_the_public_origin(backend: Backend) {
    let Some(app) = spawn_seeded_app(backend).await else {
        return;
    };
    let (_, slug) = app.product_with_stock(5).await;
    let add = |origin: String, host: &'static str| {
        let request = app
            .client
            .post(format!("{}/cart/add", app.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("origin", origin)
            .header("host", host)
            .body(format!("slug={slug}&quantity=1"));
        async move { request.send().await.unwrap().status().as_u16() }
    };
    // A proxy that rewrites Host to its upstream name: our own pages still post.
    assert_eq!(add(app.base.clone(), "storefront-upstream:8080").await, 303);
    // Another site, or our host under another scheme, is refused.
    assert_eq!(
        add("https://evil.example".into(), "evil.example").await,
        403
    );
    let https_twin = app.base.replace("http://", "https://");
    assert_eq!(add(https_twin, "storefront-upstream:8080").await, 403);
}

async fn a_paid_event_for_the_wrong_amount_is_refused(backend: Backend) {
    let Some(app) = spawn_seeded_app(backend).await else {
        return;
    };
    let (_, slug) = app.product_with_stock(5).await;
    let guest = app.visitor();
    let pay = guest.check_out(&slug, 1).await;
    let session = pay.trim_start_matches("/pay/demo/").to_string();
    let (public_id, total) = app.only_order().await;
    let secret = app.demo_webhook_secret().await;
    let now = app::db::now_unix();
    for (event_id, amount, currency) in [
        ("evt_cheap", 100, "usd"),
        ("evt_other_currency", total, "jpy"),
    ] {
        let body = PaidSession {
            event_id,
            session: &session,
            order: &public_id,
            amount,
            currency,
            email: "hook@example.com",
            payment_intent: "pi_x",
        }
        .event(now);
        let signature = app::signature::sign(&secret, now, &body);
        assert_eq!(app.deliver_webhook(&body, Some(signature)).await, 200);
    }
    assert_eq!(
        app.count("SELECT COUNT(*) FROM orders WHERE status = 'paid'")
            .await,
        0,
        "the wrong amount pays nothing"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM payment_events WHERE outcome = 'refused'")
            .await,
        2
    );
    let order = guest.get(&format!("/account/orders/{public_id}")).await;
    assert!(
        order.body.contains("was not accepted"),
        "the order shows the refused payment"
    );
}

/// Health says when writes fail; writes answer 503 with a message and keep what was typed.
async fn an_unwritable_database_is_reported_and_forms_keep_their_text(backend: Backend) {
    let Some(database_url) = fresh_database_url(backend).await else {
        return;
    };
    let writable = spawn_app_on(&database_url, &[]).await;
    server::seed::seed_demo_store(&writable.db).await.unwrap();
    assert_eq!(writable.get("/healthz").await.status, 200);
    let (_, slug) = writable.product_with_stock(5).await;
    let admin_url = std::env::var("TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let database_name = database_url.rsplit('/').next().unwrap().to_string();
    let app = match backend {
        // A second server that may only read the file (as with a read-only mount).
        Backend::Sqlite => spawn_app_on(&format!("{database_url}?mode=ro"), &[]).await,
        // The database switched to read-only (as a standby is): every session from now on
        // is read-only, the store's pooled ones included once they reconnect.
        Backend::Postgres => {
            set_read_only(&admin_url, &database_name, true).await;
            writable
        }
    };
    let mut health = app.get("/healthz").await;
    for _ in 0..20 {
        if health.body.contains("read-only") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
        health = app.get("/healthz").await;
    }
    assert_eq!(health.status, 503, "{}", health.body);
    assert!(health.body.contains("read-only"), "{}", health.body);
    // The watchdog sees that reads work, so pages render (and say why writes fail).
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;

    let visitor = app.visitor();
    let added = visitor.add_to_cart(&slug, 1).await;
    assert_eq!(added.status, 503, "{}", added.body);
    assert!(added.headers.contains_key("retry-after"));
    let question = "Does the Kestrel grind fine enough for Turkish coffee?";
    let asked = visitor
        .send_question(&ask_form(&slug, Trail::Private, question))
        .await;
    assert_eq!(asked.status, 503);
    assert!(asked.body.contains("Nothing you typed is lost"));
    assert!(asked.body.contains(question), "the question is kept");

    if backend == Backend::Postgres {
        set_read_only(&admin_url, &database_name, false).await;
    }
}

/// Makes every new session of `database` read-only (or writable again) and ends the
/// current ones, so pools reconnect under the new setting.
async fn set_read_only(admin_url: &str, database: &str, read_only: bool) {
    use sqlx::Connection;
    let mut admin = sqlx::PgConnection::connect(admin_url).await.unwrap();
    let setting = if read_only { "on" } else { "off" };
    sqlx::query(&format!(
        "ALTER DATABASE {database} SET default_transaction_read_only = {setting}"
    ))
    .execute(&mut admin)
    .await
    .unwrap();
    sqlx::query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
    )
    .bind(database)
    .execute(&mut admin)
    .await
    .unwrap();
}

on_both_backends!(
    demo_payment_steps_cannot_be_skipped_or_replayed,
    hostile_text_never_becomes_markup,
    nul_bytes_never_reach_the_database,
    parallel_password_guesses_are_counted_before_they_are_judged,
    forwarded_for_written_by_the_client_is_not_believed,
    malformed_server_function_calls_are_the_callers_mistake,
    long_questions_in_any_script_are_kept,
    form_redirects_stay_on_this_site,
    writes_are_checked_against_the_public_origin,
    a_paid_event_for_the_wrong_amount_is_refused,
    an_unwritable_database_is_reported_and_forms_keep_their_text,
);

/// A TCP relay between the app and PostgreSQL that a test can cut and restore, so the
/// database "goes away" for this app alone (the other tests share the real server).
struct Relay {
    port: u16,
    open: std::sync::Arc<std::sync::atomic::AtomicBool>,
    connections: std::sync::Arc<std::sync::Mutex<Vec<tokio::task::JoinHandle<()>>>>,
}

impl Relay {
    async fn start(target: &'static str) -> Relay {
        use std::sync::atomic::Ordering;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let open = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
        let connections = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let (flag, tasks) = (open.clone(), connections.clone());
        tokio::spawn(async move {
            loop {
                let Ok((mut inbound, _)) = listener.accept().await else {
                    return;
                };
                if !flag.load(Ordering::SeqCst) {
                    drop(inbound); // the "server" is down: the connection is refused
                    continue;
                }
                let task = tokio::spawn(async move {
                    if let Ok(mut outbound) = tokio::net::TcpStream::connect(target).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
                tasks.lock().unwrap().push(task);
            }
        });
        Relay {
            port,
            open,
            connections,
        }
    }

    fn cut(&self) {
        self.open.store(false, std::sync::atomic::Ordering::SeqCst);
        for task in self.connections.lock().unwrap().drain(..) {
            task.abort();
        }
    }

    fn restore(&self) {
        self.open.store(true, std::sync::atomic::Ordering::SeqCst);
    }
}

/// PostgreSQL goes away under a running store: pages answer 503 with Retry-After and a
/// "back in a moment" page instead of hanging, and the store recovers by itself.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_outage_fails_fast_and_recovers() {
    let Some(database_url) = fresh_database_url(Backend::Postgres).await else {
        return;
    };
    let relay = Relay::start("127.0.0.1:5432").await;
    let (before, after) = database_url.split_once("127.0.0.1:5432").unwrap();
    let relayed = format!("{before}127.0.0.1:{}{after}", relay.port);
    let app = spawn_app_on(&relayed, &[]).await;
    server::seed::seed_demo_store(&app.db).await.unwrap();
    assert_eq!(app.get("/products").await.status, 200);

    relay.cut();
    let client = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(10))
        .build()
        .unwrap();
    let mut answer = None;
    for _ in 0..20 {
        let response = client
            .get(format!("{}/products", app.base))
            .send()
            .await
            .expect("an answer, not a hang");
        if response.status() == 503 {
            answer = Some(response);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    }
    let response = answer.expect("503 while the database is away");
    assert!(response.headers().contains_key("retry-after"));
    let body = response.text().await.unwrap();
    assert!(
        body.contains("back in a moment") || body.contains("our database is not answering"),
        "{body}"
    );
    // Once the watchdog has noticed, pages answer at once with the "back in a moment" page.
    tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
    let guarded = client
        .get(format!("{}/products", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(guarded.status(), 503);
    assert!(guarded.headers().contains_key("retry-after"));
    assert!(guarded.text().await.unwrap().contains("back in a moment"));
    let health = client
        .get(format!("{}/healthz", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), 503);

    relay.restore();
    let mut recovered = false;
    for _ in 0..40 {
        let status = client
            .get(format!("{}/products", app.base))
            .send()
            .await
            .map(|r| r.status().as_u16())
            .unwrap_or(0);
        if status == 200 {
            recovered = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    }
    assert!(recovered, "pages work again without a restart");
}

/// The production shape: two app servers on one database. A session made on one works on
/// the other, a reply written through one reaches a customer streaming from the other, a
/// payment delivered to both (while both reconcilers run) is applied once, and a page of
/// one build loads its files from a server of another.
async fn two_app_servers_share_one_database(backend: Backend) {
    let Some(database_url) = fresh_database_url(backend).await else {
        return;
    };
    let one = spawn_app_on(&database_url, &[]).await;
    server::seed::seed_demo_store(&one.db).await.unwrap();
    let two = spawn_app_on(&database_url, &[]).await;
    let on_two = |visitor: &crate::helpers::Visitor| crate::helpers::Visitor {
        base: two.base.clone(),
        client: visitor.client.clone(),
    };

    // Signed in through one, known to the other.
    let customer = one.sign_in_as_customer("both@example.com").await;
    let account = on_two(&customer).get("/account").await;
    assert_eq!(account.status, 200);
    assert!(account.body.contains("both@example.com"));

    // A reply through server two reaches the customer streaming from server one.
    let (_, slug) = one.product_with_stock(5).await;
    let (ticket, page) = customer
        .ask(&slug, Trail::Private, "Which burrs for a light roast?")
        .await;
    let stream_path = format!(
        "/tickets/{ticket}/live{}",
        &page[page.find('?').unwrap_or(page.len())..]
    );
    let listening = {
        let customer = crate::helpers::Visitor {
            base: customer.base.clone(),
            client: customer.client.clone(),
        };
        tokio::spawn(async move {
            customer
                .read_stream(&stream_path, "the 64 mm flat set")
                .await
        })
    };
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let sales = one.sign_in_as_staff("sales").await;
    let sent = on_two(&sales)
        .reply_to_customer(&ticket, "Take the 64 mm flat set.")
        .await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    let (status, events) = listening.await.unwrap();
    assert_eq!(status, 200);
    assert!(events.contains("the 64 mm flat set"), "{events}");

    // The same payment delivered to both servers while both reconcile: applied once.
    let buyer = one.visitor();
    let pay = buyer.check_out(&slug, 1).await;
    let session = pay.trim_start_matches("/pay/demo/").to_string();
    // Paid at the provider: the reconciler of either server may find it first.
    let (public_id, total) = one.order_of_session(&session).await;
    one.set_order_email(&public_id, "twice@example.com").await;
    one.paid_at_the_demo_provider(&session).await;
    let secret = one.demo_webhook_secret().await;
    let now = app::db::now_unix();
    let body = PaidSession {
        event_id: "evt_both",
        session: &session,
        order: &public_id,
        amount: total,
        currency: "usd",
        email: "twice@example.com",
        payment_intent: "pi_both",
    }
    .event(now);
    let signature = app::signature::sign(&secret, now, &body);
    let past_hold = now + 3 * 3600;
    // Each reconciler run also panics if it fails.
    let (a, b, _, _) = tokio::join!(
        one.deliver_webhook(&body, Some(signature.clone())),
        two.deliver_webhook(&body, Some(signature.clone())),
        one.reconcile(past_hold, None),
        two.reconcile(past_hold, None),
    );
    assert_eq!((a, b), (200, 200));
    assert_eq!(
        one.count("SELECT COUNT(*) FROM orders WHERE status = 'paid'")
            .await,
        1
    );
    assert_eq!(
        one.count("SELECT COUNT(*) FROM order_events WHERE to_status = 'paid'")
            .await,
        1,
        "processed once"
    );
    assert_eq!(
        one.emails_to("twice@example.com").await.len(),
        1,
        "confirmed once"
    );

    // A page rendered by an older build on server one asks server two for its files.
    let old_build = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("old-build-{}", crate::helpers::unique_suffix()));
    std::fs::create_dir_all(&old_build).unwrap();
    let name = "storefront.OldBuildHash0123456789ab.js";
    std::fs::write(old_build.join(name), "console.log('old build')").unwrap();
    let published = server::routes::assets::publish_build_assets(&one.db, &old_build)
        .await
        .unwrap();
    assert_eq!(published, 1);
    std::fs::remove_dir_all(&old_build).unwrap();
    let asset = two.get(&format!("/pkg/{name}")).await;
    assert_eq!(asset.status, 200);
    assert_eq!(asset.body, "console.log('old build')");
    assert!(asset.headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/javascript"));
    assert_eq!(
        two.get("/pkg/storefront.NoBuildHadThis0123456.js")
            .await
            .status,
        404
    );
}

on_both_backends!(two_app_servers_share_one_database);

/// Every query parameter and form field we read, fed hostile values: NUL and other control
/// characters, 10 kB of text, right-to-left and combining Unicode, HTML and script, SQL
/// and full-text-search syntax. No answer is a 5xx, none carries the markup live, and the
/// forms that must refuse such input (sign-in, cart, compare, password reset) write nothing.
async fn a_hostile_corpus_through_every_query_and_form(backend: Backend) {
    let Some(app) = spawn_seeded_app(backend).await else {
        return;
    };
    let (_, slug) = app.product_with_stock(5).await;
    let long = "x".repeat(10_000);
    let corpus: Vec<String> = vec![
        "\0".into(),
        "a\u{1}\u{7f}\u{9b}b".into(),
        long,
        "\u{202e}gnp.exe\u{202c} مرحبا".into(),
        "e\u{301}\u{302}\u{303}\u{304}\u{305}".into(),
        "<script>alert(1)</script>".into(),
        "</textarea><script>alert(1)</script>".into(),
        "</title><meta http-equiv=refresh content=0>".into(),
        "\"><img src=x onerror=alert(1)>".into(),
        "' OR 1=1; DROP TABLE products; --".into(),
        "grinder* OR \"espresso\" NEAR(a b) -x ^title: AND (".into(),
        "%00%27%22".into(),
    ];
    let orders_before = app.count("SELECT COUNT(*) FROM orders").await;
    let users_before = app.count("SELECT COUNT(*) FROM users").await;
    let visitor = app.visitor();
    for value in &corpus {
        let v = urlencode(value);
        // One 10 kB parameter per address; several would pass any URL length a browser sends.
        let short: String = value.chars().take(1000).collect();
        let s = urlencode(&short);
        for path in [
            format!("/products?q={v}&sort={s}&page={s}&min={s}&max={s}&category={s}&in_stock={s}"),
            format!("/search?q={v}"),
            format!("/learn?q={v}&stage={s}&kind={s}&persona={s}"),
            format!("/categories/{s}"),
            format!("/products/{s}"),
            format!(
                "/products/house-espresso-blend?variant={s}&option1={v}&option2={s}&option3={s}"
            ),
            format!("/checkout?address={s}&country={s}"),
            format!("/account/addresses?remove={s}"),
            format!("/compare?products={v}"),
            format!("/checkout/success?session_id={v}"),
            format!("/account/orders/{s}?t={v}"),
            format!("/help/ask?from={v}&product={s}"),
            format!("/login?next={v}"),
            format!("/api/suggest?q={v}"),
        ] {
            let page = visitor.get(&path).await;
            assert!(page.status < 500, "GET {path}: {}", page.status);
            if let Some(found) = has_live_markup(&page.body) {
                panic!("GET {path} rendered {found} as markup");
            }
        }
        for (path, form) in [
            ("/login", format!("email={v}&password={v}&next={v}")),
            ("/cart/add", format!("slug={v}&quantity={v}&back={v}")),
            (
                "/cart/add",
                format!("slug=house-espresso-blend&variant={v}&quantity=1&back={v}"),
            ),
            ("/cart/update", format!("slug={v}&quantity={v}")),
            (
                "/cart/update",
                format!("slug=house-espresso-blend&variant={v}&quantity={v}"),
            ),
            ("/compare/tray", format!("slug={v}&back={v}&action={v}")),
            ("/account/password-reset", format!("email={v}")),
            ("/journey/persona", format!("persona={v}&back={v}")),
            ("/checkout", format!("checkout_key={v}&quote={v}&t={v}")),
            (
                "/signup",
                format!("name={v}&email={v}&password={v}&next={v}"),
            ),
            (
                "/help/ask",
                format!("name={v}&email={v}&question={v}&contact={v}&from={v}&product={slug}"),
            ),
        ] {
            let page = visitor.post_form(path, &form).await;
            assert!(page.status < 500, "POST {path} {value:?}: {}", page.status);
            if let Some(found) = has_live_markup(&page.body) {
                let at = page.body.to_ascii_lowercase().find(found).unwrap();
                panic!(
                    "POST {path} rendered {found} as markup: …{}…",
                    &page.body[at.saturating_sub(300)..(at + 100).min(page.body.len())]
                );
            }
        }
    }
    assert_eq!(
        app.count("SELECT COUNT(*) FROM orders").await,
        orders_before
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM users").await, users_before);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM cart_lines").await,
        0,
        "no hostile slug reached a cart"
    );
    assert!(app.count("SELECT COUNT(*) FROM products").await > 0);
}

on_both_backends!(a_hostile_corpus_through_every_query_and_form);
