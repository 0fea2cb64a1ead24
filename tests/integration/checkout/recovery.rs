//! A second chance for abandoned checkouts (`app/src/checkout/recovery`): one reminder,
//! only to those who asked (never with DNT/GPC, after paying, twice, or after
//! unsubscribing), with a single-use signed link that restores the cart and its code on
//! any device, and suggests guides.

use crate::helpers::verbs::{checkout_key, first_shipping_rate, SHIP_TO};
use crate::helpers::{html_unescape, spawn_seeded_app, Backend, Page, TestApp, Visitor};
use crate::on_both_backends;

on_both_backends!(one_reminder_to_those_who_asked_restores_the_cart);

const SCALE: &str = "ledger-basic-coffee-scale";
const FOUR_HOURS: i64 = 4 * 3600;

fn text(page: &Page) -> String {
    html_unescape(&page.body).replace("<!>", "")
}

/// Fills the cart and presses "Continue to payment" with `extra` form fields.
async fn abandon(visitor: &Visitor, extra: &str) -> Page {
    assert_eq!(visitor.add_to_cart(SCALE, 2).await.status, 303);
    press_pay(visitor, extra).await
}

/// "Continue to payment" on the checkout step, with `extra` form fields.
async fn press_pay(visitor: &Visitor, extra: &str) -> Page {
    let step = visitor.checkout_step().await;
    visitor
        .post_form(
            "/checkout",
            &format!(
                "checkout_key={}&{SHIP_TO}&shipping_rate={}&step=pay{extra}",
                checkout_key(&step),
                first_shipping_rate(&step)
            ),
        )
        .await
}

async fn run_job(app: &TestApp) -> usize {
    app::checkout::recovery::send_reminders(&app.db, app::db::now_unix(), FOUR_HOURS, &app.base)
        .await
        .unwrap()
}

async fn all_orders_began_hours_ago(app: &TestApp, hours: i64) {
    sqlx::query("UPDATE orders SET created_at = created_at - $1")
        .bind(hours * 3600)
        .execute(app.db.pool())
        .await
        .unwrap();
}

/// The path (and query) of the first link in `body` that starts with `prefix`.
fn link_in(body: &str, base: &str, prefix: &str) -> String {
    let start = body
        .find(&format!("{base}{prefix}"))
        .unwrap_or_else(|| panic!("no {prefix} link in {body}"));
    body[start + base.len()..]
        .split_whitespace()
        .next()
        .unwrap()
        .to_string()
}

async fn one_reminder_to_those_who_asked_restores_the_cart(backend: Backend) {
    let Some(app) = spawn_seeded_app(backend).await else {
        return;
    };
    // Asked, with a code in the cart.
    let ada = app.visitor();
    assert_eq!(ada.add_to_cart(SCALE, 2).await.status, 303);
    assert_eq!(
        ada.post_form("/cart/code", "code=WELCOME10").await.status,
        303
    );
    let started = press_pay(&ada, "&remind=on&contact_email=Ada%40Example.com").await;
    assert_eq!(started.status, 303, "{}", started.body);
    // Did not ask.
    let quiet = app.visitor();
    assert_eq!(
        abandon(&quiet, "&contact_email=quiet%40example.com")
            .await
            .status,
        303
    );
    // Asked, but the browser sends Global Privacy Control: no reminder is kept.
    let private = app.visitor_sending(&[("Sec-GPC", "1")]);
    assert_eq!(private.add_to_cart(SCALE, 2).await.status, 303);
    let step = private.checkout_step().await;
    assert!(text(&step).contains("Your browser asks sites not to track you"));
    let kept = press_pay(&private, "&remind=on&contact_email=gpc%40example.com").await;
    assert_eq!(kept.status, 303);
    // Asked, then paid.
    let payer = app.visitor();
    let paying = abandon(&payer, "&remind=on&contact_email=payer%40example.com").await;
    let paid = payer
        .pay_by_card(&paying.location(), "4242 4242 4242 4242")
        .await;
    assert_eq!(paid.status, 303);
    // Asked with an address that can't be one.
    let typo = app.visitor();
    let refused = abandon(&typo, "&remind=on&contact_email=not-an-email").await;
    assert_eq!(refused.status, 422);
    assert!(text(&refused).contains("Enter the email we should write to"));
    assert!(refused.body.contains("value=\"not-an-email\""));

    assert_eq!(run_job(&app).await, 0, "nothing is due within the delay");
    all_orders_began_hours_ago(&app, 5).await;
    // Two app servers run the job at the same moment: one email.
    // (The server's own minute-by-minute job may get there first: it claims the same way.)
    let (first, second) = futures::future::join(run_job(&app), run_job(&app)).await;
    assert!(first + second <= 1, "one claim wins");
    assert_eq!(
        app.emails_to("ada@example.com").await.len(),
        1,
        "only Ada asked, did not pay, and allows it"
    );
    assert_eq!(run_job(&app).await, 0, "never twice");
    for nobody in ["quiet@example.com", "gpc@example.com", "payer@example.com"] {
        assert!(
            app.emails_to(nobody)
                .await
                .iter()
                .all(|m| !m.contains("Pick up where you left off")),
            "{nobody}"
        );
    }
    let emails = app.emails_to("ada@example.com").await;
    assert_eq!(emails.len(), 1);
    let email = &emails[0];
    assert!(email.contains("2 × Ledger Basic Coffee Scale"), "{email}");
    let restore = link_in(email, &app.base, "/cart/restore/");
    let unsubscribe = link_in(email, &app.base, "/email/unsubscribe");

    // A tampered link restores nothing.
    let forged = app.visitor();
    let flipped = if restore.ends_with('0') { '1' } else { '0' };
    let tampered = forged
        .get(&format!("{}{flipped}", &restore[..restore.len() - 1]))
        .await;
    assert_eq!(tampered.status, 404);
    // On another device the link puts the items and the code back, once.
    let phone = app.visitor();
    let restored = phone.get(&restore).await;
    assert_eq!(restored.status, 303, "{}", restored.body);
    assert!(restored.location().starts_with("/cart?restored=1&stage="));
    let cart = text(&phone.get(&restored.location()).await);
    assert!(
        cart.contains("Welcome back: your cart is as you left it"),
        "{cart}"
    );
    assert!(cart.contains("Ledger Basic Coffee Scale"));
    assert!(
        cart.contains("WELCOME10</strong> applied: 10% off."),
        "{cart}"
    );
    assert!(cart.contains("Still comparing? These may help"), "{cart}");
    let again = app.visitor().get(&restore).await;
    assert_eq!(again.status, 410);
    assert!(text(&again).contains("This link was used already"));

    // One click stops reminders: Ada abandons again and hears nothing.
    let page = ada.get(&unsubscribe).await;
    assert_eq!(page.status, 200);
    assert!(text(&page).contains("Stop reminders about unfinished checkouts to ada@example.com?"));
    let query = unsubscribe.split_once('?').unwrap().1;
    let stopped = ada.post_form("/email/unsubscribe", query).await;
    assert_eq!(stopped.status, 303, "{}", stopped.body);
    assert!(text(&ada.get(&stopped.location()).await)
        .contains("we won't send reminders to ada@example.com again"));
    let forged = ada
        .post_form("/email/unsubscribe", "e=someone%40example.com&t=00")
        .await;
    assert_eq!(forged.status, 404);
    let later = app.visitor();
    abandon(&later, "&remind=on&contact_email=ada%40example.com").await;
    all_orders_began_hours_ago(&app, 5).await;
    assert_eq!(run_job(&app).await, 0, "unsubscribed");
}
