//! Verbs: what the people in a test do, said as what they do — `guest.add_to_cart(slug,
//! 2)`, `guest.check_out(slug, 1)`, `ada.ask(slug, Trail::Shared, "…")`,
//! `sales.refund_order(id, key, "1.00")` — instead of the form a browser would post. Each
//! verb posts exactly that form and hands back the answer, so a test still asserts on it
//! (the few that assert themselves say so). Customers' verbs come first, then staff's,
//! then the store's own (webhooks, the reconciler).
//!
//! Forms whose point is what is in them (hostile input, missing fields, a forged token)
//! are still written out by the tests.

use super::{urlencode, Page, TestApp, Visitor, TEST_PASSWORD};
use std::fmt::Display;

/// Whether a question to staff shares the visitor's research trail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trail {
    Shared,
    Private,
}

/// The "Talk to a human" form as Ada Lovelace fills it in on `product`'s page (no product:
/// an empty one), answering by email.
pub fn ask_form(product: &str, trail: Trail, question: &str) -> String {
    format!(
        "name=Ada+Lovelace&email=ada%40example.com&question={}&contact=email&from={}&product={product}{}",
        urlencode(question),
        urlencode(&format!("/products/{product}")),
        if trail == Trail::Shared {
            "&share_trail=1"
        } else {
            ""
        }
    )
}

/// The demo provider's card form, for buyer@example.com.
pub fn card(number: &str) -> String {
    card_for("buyer@example.com", number)
}

/// The demo provider's card form, for `email`.
pub fn card_for(email: &str, number: &str) -> String {
    format!(
        "email={}&card_number={}&expiry=12%2F39&cvc=123",
        urlencode(email),
        urlencode(number)
    )
}

/// The public id in a ticket page's address (`/tickets/{id}?t=…`).
fn ticket_id(location: &str) -> String {
    location
        .trim_start_matches("/tickets/")
        .chars()
        .take(32)
        .collect()
}

/// Accounts.
impl Visitor {
    pub async fn sign_up(&self, name: &str, email: &str, password: &str) -> Page {
        self.post_form(
            "/signup",
            &format!(
                "name={}&email={}&password={}",
                urlencode(name),
                urlencode(email),
                urlencode(password)
            ),
        )
        .await
    }

    /// Signs in with the test password.
    pub async fn sign_in(&self, email: &str) -> Page {
        self.sign_in_with(email, TEST_PASSWORD).await
    }

    pub async fn sign_in_with(&self, email: &str, password: &str) -> Page {
        self.post_form(
            "/login",
            &format!(
                "email={}&password={}",
                urlencode(email),
                urlencode(password)
            ),
        )
        .await
    }

    pub async fn sign_out(&self) -> Page {
        self.post_form("/logout", "").await
    }

    pub async fn change_password(&self, current: &str, new: &str) -> Page {
        self.post_form(
            "/account/password",
            &format!(
                "current_password={}&new_password={}",
                urlencode(current),
                urlencode(new)
            ),
        )
        .await
    }

    pub async fn ask_for_a_password_reset(&self, email: &str) -> Page {
        self.post_form(
            "/account/password-reset",
            &format!("email={}", urlencode(email)),
        )
        .await
    }

    /// Chooses a new password on the page a reset link opened (`path`).
    pub async fn choose_new_password(&self, path: &str, password: &str) -> Page {
        self.post_form(path, &format!("new_password={}", urlencode(password)))
            .await
    }

    /// Deletes the account, typing `confirm` in the "Type DELETE" box.
    pub async fn delete_account(&self, password: &str, confirm: &str) -> Page {
        self.post_form(
            "/account/delete",
            &format!(
                "delete_password={}&confirm={}",
                urlencode(password),
                urlencode(confirm)
            ),
        )
        .await
    }
}

/// The research trail and the compare tray.
impl Visitor {
    /// The reading beacon a guide's page sends: how far down `slug` was read, for how long.
    pub async fn report_reading(
        &self,
        slug: &str,
        depth: impl Display,
        seconds: impl Display,
    ) -> Page {
        self.post_form(
            "/journey/read",
            &format!("slug={slug}&depth={depth}&seconds={seconds}"),
        )
        .await
    }

    /// "Save for later" on a product or guide, coming back to `back`.
    pub async fn save_for_later(&self, kind: &str, slug: &str, back: &str) -> Page {
        self.post_form(
            "/journey/save",
            &format!("kind={kind}&slug={slug}&back={}", urlencode(back)),
        )
        .await
    }

    /// "I am …": picks a persona, coming back to `back`.
    pub async fn choose_persona(&self, persona: &str, back: &str) -> Page {
        self.post_form(
            "/journey/persona",
            &format!("persona={persona}&back={}", urlencode(back)),
        )
        .await
    }

    pub async fn clear_my_research(&self) -> Page {
        self.post_form("/my-research/clear", "").await
    }

    /// The compare tray's "Add to compare" button on a page at `back`.
    pub async fn add_to_compare_tray(&self, slug: &str, back: &str) -> Page {
        self.post_form(
            "/compare/tray",
            &format!("slug={slug}&back={}", urlencode(back)),
        )
        .await
    }
}

/// The cart and checkout.
impl Visitor {
    /// "Add to cart" on a product page (`quantity` as typed: a number, or anything else).
    pub async fn add_to_cart(&self, slug: &str, quantity: impl Display) -> Page {
        self.post_form("/cart/add", &format!("slug={slug}&quantity={quantity}"))
            .await
    }

    /// "Add to cart" on a product card of the list page at `back`.
    pub async fn add_to_cart_from(&self, slug: &str, quantity: i64, back: &str) -> Page {
        self.post_form(
            "/cart/add",
            &format!("slug={slug}&quantity={quantity}&back={}", urlencode(back)),
        )
        .await
    }

    /// Changes a line's quantity on the cart page.
    pub async fn change_quantity(&self, slug: &str, quantity: impl Display) -> Page {
        self.post_form("/cart/update", &format!("slug={slug}&quantity={quantity}"))
            .await
    }

    pub async fn remove_from_cart(&self, slug: &str) -> Page {
        self.post_form("/cart/update", &format!("slug={slug}&action=remove"))
            .await
    }

    pub async fn cart(&self) -> Page {
        self.get("/cart").await
    }

    /// The checkout step of the cart ("Check out securely" on the cart page).
    pub async fn checkout_step(&self) -> Page {
        self.get("/checkout").await
    }

    /// The checkout step of a quote ("Check out this quote").
    pub async fn quote_checkout_step(&self, quote: &str, token: &str) -> Page {
        self.get(&format!("/checkout?quote={quote}&t={token}"))
            .await
    }

    /// "Continue to payment" on the checkout step carrying `checkout_key`, shipping to
    /// [`SHIP_TO`] with the first method the step offers.
    pub async fn start_checkout(&self, checkout_key: &str) -> Page {
        let rate = first_shipping_rate(&self.checkout_step().await);
        self.post_form(
            "/checkout",
            &format!("checkout_key={checkout_key}&{SHIP_TO}&shipping_rate={rate}&step=pay"),
        )
        .await
    }

    /// "Continue to payment" on a quote's checkout step.
    pub async fn check_out_quote(&self, checkout_key: &str, quote: &str, token: &str) -> Page {
        let rate = first_shipping_rate(&self.quote_checkout_step(quote, token).await);
        self.post_form(
            "/checkout",
            &format!(
                "checkout_key={checkout_key}&quote={quote}&t={token}&{SHIP_TO}&shipping_rate={rate}&step=pay"
            ),
        )
        .await
    }

    /// Adds `quantity` of `slug`, then presses "Check out"; returns the demo pay page's
    /// path. Asserts that each step went through.
    pub async fn check_out(&self, slug: &str, quantity: i64) -> String {
        let added = self.add_to_cart(slug, quantity).await;
        assert_eq!(added.status, 303, "{}", added.body);
        let step = self.checkout_step().await;
        let started = self.start_checkout(&checkout_key(&step)).await;
        assert_eq!(started.status, 303, "{}", started.body);
        let pay = started.location();
        assert!(pay.starts_with("/pay/demo/cs_demo_"), "{pay}");
        pay
    }

    /// Puts `quantity` of `slug` in the cart and presses "Check out" twice (a double
    /// click); returns both answers.
    pub async fn check_out_with_a_double_click(&self, slug: &str, quantity: i64) -> (Page, Page) {
        self.add_to_cart(slug, quantity).await;
        let key = checkout_key(&self.checkout_step().await);
        let first = self.start_checkout(&key).await;
        let second = self.start_checkout(&key).await;
        (first, second)
    }

    /// Pays on the demo provider's page at `pay` with the card `number`.
    pub async fn pay_by_card(&self, pay: &str, number: &str) -> Page {
        self.post_form(pay, &card(number)).await
    }

    /// The bank's confirmation step of the demo provider's page: "approve" or "decline".
    pub async fn answer_the_bank(&self, pay: &str, outcome: &str) -> Page {
        self.post_form(pay, &format!("step=authenticate&outcome={outcome}"))
            .await
    }
}

/// The checkout key of the checkout step's form.
pub fn checkout_key(step: &Page) -> String {
    let marker = "name=\"checkout_key\" value=\"";
    let start = step.body.find(marker).expect("a checkout form") + marker.len();
    step.body[start..start + 32].to_string()
}

/// A US address as the checkout form posts it (Oregon has no sales tax, so totals here
/// are goods and shipping; `checkout::taxes` covers taxed addresses).
pub const SHIP_TO: &str = "ship_name=Ada%20Lovelace&ship_line1=1%20Main%20St&ship_city=Portland&ship_region=OR&ship_postal_code=97201&ship_country=US";

/// The first shipping method the checkout step offers (its rate id).
pub fn first_shipping_rate(step: &Page) -> String {
    let marker = "name=\"shipping_rate\" value=\"";
    let Some(start) = step.body.find(marker) else {
        return String::new();
    };
    let rest = &step.body[start + marker.len()..];
    rest[..rest.find('"').unwrap_or(0)].to_string()
}

/// Tickets, the customer's side.
impl Visitor {
    /// Sends the "Talk to a human" form as typed.
    pub async fn send_question(&self, form: &str) -> Page {
        self.post_form("/help/ask", form).await
    }

    /// Opens a ticket with the form `form`; returns its public id and the page it sent the
    /// customer to. Asserts that it was opened.
    pub async fn open_ticket(&self, form: &str) -> (String, String) {
        let sent = self.send_question(form).await;
        assert_eq!(sent.status, 303, "{}", sent.body);
        let location = sent.location();
        (
            ticket_id(&location),
            location.split('#').next().unwrap().to_string(),
        )
    }

    /// Asks staff `question` about `product` (see [`ask_form`]); returns the ticket's
    /// public id and its page.
    pub async fn ask(&self, product: &str, trail: Trail, question: &str) -> (String, String) {
        self.open_ticket(&ask_form(product, trail, question)).await
    }

    /// Answers on the ticket's page (`token`: the `t` of its signed link, or "").
    pub async fn reply_on_ticket(&self, ticket: &str, message: &str, token: &str) -> Page {
        self.post_form(
            &format!("/tickets/{ticket}/reply"),
            &format!("message={}&t={token}", urlencode(message)),
        )
        .await
    }
}

/// Staff: the catalogue, content and the admin shell.
impl Visitor {
    pub async fn create_product(&self, form: reqwest::multipart::Form) -> Page {
        self.post_multipart("/admin/products/new", form).await
    }

    /// Publishes ("active"), hides ("draft") or archives a product.
    pub async fn set_product_status(&self, id: &str, status: &str) -> Page {
        self.post_form(
            &format!("/admin/products/{id}/status"),
            &format!("status={status}"),
        )
        .await
    }

    /// Adds (or with a negative `delta`, takes) stock, giving `reason`.
    pub async fn adjust_stock(&self, id: i64, delta: i64, reason: &str) -> Page {
        self.post_form(
            &format!("/admin/products/{id}/stock"),
            &format!("delta={delta}&reason={}", urlencode(reason)),
        )
        .await
    }

    pub async fn create_category(&self, name: &str) -> Page {
        self.post_form(
            "/admin/categories",
            &format!("action=create&name={}", urlencode(name)),
        )
        .await
    }

    pub async fn update_category(&self, id: i64, name: &str, parent_id: i64) -> Page {
        self.post_form(
            "/admin/categories",
            &format!(
                "action=update&id={id}&name={}&parent_id={parent_id}",
                urlencode(name)
            ),
        )
        .await
    }

    pub async fn delete_category(&self, id: i64) -> Page {
        self.post_form("/admin/categories", &format!("action=delete&id={id}"))
            .await
    }

    pub async fn create_persona(&self, name: &str, description: &str) -> Page {
        self.post_form(
            "/admin/personas",
            &format!(
                "action=create&name={}&description={}&problems=",
                urlencode(name),
                urlencode(description)
            ),
        )
        .await
    }

    /// Saves the new-content form, as form fields.
    pub async fn create_content(&self, form: &str) -> Page {
        self.post_form("/admin/content/new", form).await
    }

    /// Saves the new-content form with its files.
    pub async fn upload_content(&self, form: reqwest::multipart::Form) -> Page {
        self.post_multipart("/admin/content/new", form).await
    }

    pub async fn invite_staff(&self, email: &str, role: &str) -> Page {
        self.post_form(
            "/admin/staff",
            &format!("action=invite&email={}&role={role}", urlencode(email)),
        )
        .await
    }

    pub async fn change_staff_role(&self, user_id: i64, role: &str) -> Page {
        self.post_form(
            "/admin/staff",
            &format!("action=role&user_id={user_id}&role={role}"),
        )
        .await
    }
}

/// Staff: the orders desk.
impl Visitor {
    /// "Mark as shipped" with a UPS tracking number.
    pub async fn fulfil_order(&self, order: &str) -> Page {
        self.ship_order(order, "UPS", "1Z999AA10123456784").await
    }

    /// "Mark as shipped" with the carrier and tracking number as typed.
    pub async fn ship_order(&self, order: &str, carrier: &str, tracking: &str) -> Page {
        self.post_form(
            &format!("/admin/orders/{order}"),
            &format!(
                "action=fulfil&carrier={}&tracking_number={}",
                urlencode(carrier),
                urlencode(tracking)
            ),
        )
        .await
    }

    /// Refunds `amount` (as typed, "1.00"); `refund_key` is the form's double-click guard.
    pub async fn refund_order(&self, order: &str, refund_key: &str, amount: &str) -> Page {
        self.post_form(
            &format!("/admin/orders/{order}"),
            &format!("action=refund&refund_key={refund_key}&amount={amount}"),
        )
        .await
    }
}

/// Staff: the ticket desk.
impl Visitor {
    /// An internal note on the ticket (never shown to the customer).
    pub async fn add_note(&self, ticket: &str, message: &str) -> Page {
        self.post_form(
            &format!("/admin/tickets/{ticket}"),
            &format!("action=note&message={}", urlencode(message)),
        )
        .await
    }

    pub async fn reply_to_customer(&self, ticket: &str, message: &str) -> Page {
        self.post_form(
            &format!("/admin/tickets/{ticket}"),
            &format!("action=reply&message={}", urlencode(message)),
        )
        .await
    }

    /// Moves the ticket from `from` to `status`, with a `reason` when one is given.
    pub async fn set_ticket_status(
        &self,
        ticket: &str,
        status: &str,
        from: &str,
        reason: Option<&str>,
    ) -> Page {
        let reason = reason
            .map(|r| format!("&reason={}", urlencode(r)))
            .unwrap_or_default();
        self.post_form(
            &format!("/admin/tickets/{ticket}"),
            &format!("action=status&status={status}&from={from}{reason}"),
        )
        .await
    }

    /// Sends a quote for `lines` of (variant id, quantity) at `discount` percent (as typed).
    pub async fn send_quote(&self, ticket: &str, lines: &[(i64, i64)], discount: &str) -> Page {
        let lines: String = lines
            .iter()
            .enumerate()
            .map(|(i, (product, quantity))| {
                format!("&product_{n}={product}&quantity_{n}={quantity}", n = i + 1)
            })
            .collect();
        self.post_form(
            &format!("/admin/tickets/{ticket}"),
            &format!("action=quote{lines}&discount={discount}"),
        )
        .await
    }
}

/// The store's own machinery, driven by a test.
impl TestApp {
    /// A delivery to the webhook endpoint, as Stripe (or the demo provider) makes them:
    /// the body, signed with `signature` (its `Stripe-Signature` header) if given.
    pub async fn deliver_webhook(&self, body: &str, signature: Option<String>) -> u16 {
        let mut request = self
            .client
            .post(format!("{}/webhooks/stripe", self.base))
            .header("content-type", "application/json")
            .body(body.to_string());
        if let Some(signature) = signature {
            request = request.header("stripe-signature", signature);
        }
        request.send().await.unwrap().status().as_u16()
    }

    /// One run of the payments reconciler as at `now`, asking `stripe` (if given) about
    /// quiet Stripe sessions.
    pub async fn reconcile(
        &self,
        now: i64,
        stripe: Option<&app::checkout::stripe_payments::StripeProvider>,
    ) -> app::checkout::reconcile::Reconciled {
        app::checkout::reconcile::reconcile(&self.db, now, &self.base, stripe)
            .await
            .unwrap()
    }

    /// One run of the unpaid-order expiry as at `now`; returns how many expired.
    pub async fn expire_stale_orders(&self, now: i64) -> usize {
        app::checkout::repo::expire_stale_orders(&self.db, now)
            .await
            .unwrap()
    }
}
