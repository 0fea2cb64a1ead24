//! A stand-in for Stripe: a fake of its API on a local port (Checkout Sessions, expiry,
//! refunds), an app configured to pay through it, and the `checkout.session.completed`
//! event Stripe's webhook delivers (the demo provider's webhook sends the same shape).

use super::{spawn_app_with, Backend, TestApp};

/// The secret key the app is configured with to call the fake.
pub const SECRET_KEY: &str = "sk_test_storefront";
/// The signing secret of the app's Stripe webhook endpoint.
pub const WEBHOOK_SECRET: &str = "whsec_test_storefront";

/// A stand-in for Stripe's API on a local port. It records every request and keeps the
/// sessions it made: `POST /v1/checkout/sessions` answers a Checkout Session in Stripe's
/// JSON shape (the same session for the same order, as Stripe does for a repeated
/// idempotency key), `GET /v1/checkout/sessions/{id}` and `POST …/{id}/expire` answer it as
/// it is now, `POST /v1/refunds` answers a Refund. A test "pays" a session with
/// [`FakeStripe::pay`], as a customer at Stripe's page would.
pub struct FakeStripe {
    pub base: String,
    requests: Recorded,
    sessions: Sessions,
}

type Recorded = std::sync::Arc<std::sync::Mutex<Vec<(String, axum::http::HeaderMap, String)>>>;
type Sessions =
    std::sync::Arc<std::sync::Mutex<std::collections::HashMap<String, serde_json::Value>>>;

impl FakeStripe {
    /// The customer pays at Stripe, and Stripe's webhook is lost.
    pub fn pay(&self, session: &str) {
        let mut sessions = self.sessions.lock().unwrap();
        let found = sessions.get_mut(session).expect("a session the fake made");
        found["status"] = "complete".into();
        found["payment_status"] = "paid".into();
        found["payment_intent"] = format!("pi_{session}").into();
        found["customer_details"] = serde_json::json!({ "email": "paid-at-stripe@example.com" });
    }

    /// (path, headers, body) of every request so far to paths starting with `prefix`.
    pub fn requests_to(&self, prefix: &str) -> Vec<(String, axum::http::HeaderMap, String)> {
        let requests = self.requests.lock().unwrap();
        requests
            .iter()
            .filter(|(path, _, _)| path.starts_with(prefix))
            .cloned()
            .collect()
    }
}

pub async fn fake_stripe() -> FakeStripe {
    use axum::extract::{Path, State};
    use axum::routing::{get, post};
    use serde_json::json;
    let requests: Recorded = Default::default();
    let sessions: Sessions = Default::default();

    async fn create_session(
        State((_, sessions)): State<(Recorded, Sessions)>,
        body: String,
    ) -> ([(&'static str, &'static str); 1], String) {
        let order = body
            .split('&')
            .find_map(|pair| pair.strip_prefix("client_reference_id="))
            .unwrap_or("unknown")
            .to_string();
        // Stripe totals the line items it was given.
        let value = |name: String| {
            form_urlencoded::parse(body.as_bytes())
                .find(|(key, _)| *key == name)
                .and_then(|(_, value)| value.parse::<i64>().ok())
        };
        let amount_total: i64 = (0..)
            .map_while(|i| {
                Some(
                    value(format!("line_items[{i}][price_data][unit_amount]"))?
                        * value(format!("line_items[{i}][quantity]"))?,
                )
            })
            .sum();
        let now = app::db::now_unix();
        let id = format!("cs_test_{order}");
        let mut sessions = sessions.lock().unwrap();
        let session = sessions.entry(id.clone()).or_insert_with(|| {
            json!({
                "id": id, "object": "checkout.session",
                "automatic_tax": { "enabled": false }, "created": now, "custom_fields": [],
                "custom_text": {}, "expires_at": now + 1860, "livemode": false, "mode": "payment",
                "payment_method_types": ["card"], "payment_status": "unpaid", "shipping_options": [],
                "status": "open", "client_reference_id": order, "amount_total": amount_total, "currency": "usd",
                "url": format!("https://checkout.stripe.com/c/pay/{id}")
            })
        });
        ([("content-type", "application/json")], session.to_string())
    }

    let app = axum::Router::new()
        .route("/v1/checkout/sessions", post(create_session))
        .route(
            "/v1/checkout/sessions/{id}",
            get(|State((_, sessions)): State<(Recorded, Sessions)>, Path(id): Path<String>| async move {
                let sessions = sessions.lock().unwrap();
                let session = sessions.get(&id).cloned().unwrap_or(json!({}));
                ([("content-type", "application/json")], session.to_string())
            }),
        )
        .route(
            "/v1/checkout/sessions/{id}/expire",
            post(|State((_, sessions)): State<(Recorded, Sessions)>, Path(id): Path<String>| async move {
                let mut sessions = sessions.lock().unwrap();
                let session = sessions.get_mut(&id).expect("a session the fake made");
                if session["status"] == "open" {
                    session["status"] = "expired".into();
                }
                ([("content-type", "application/json")], session.to_string())
            }),
        )
        .route(
            "/v1/refunds",
            post(|body: String| async move {
                let amount: i64 = body
                    .split('&')
                    .find_map(|pair| pair.strip_prefix("amount="))
                    .and_then(|amount| amount.parse().ok())
                    .unwrap_or(0);
                let refund = json!({
                    "id": "re_test_1", "object": "refund", "amount": amount,
                    "created": app::db::now_unix(), "currency": "usd", "status": "succeeded"
                });
                ([("content-type", "application/json")], refund.to_string())
            }),
        )
        .layer(axum::middleware::from_fn_with_state(
            requests.clone(),
            |State(recorded): State<Recorded>, request: axum::extract::Request, next: axum::middleware::Next| async move {
                let (parts, body) = request.into_parts();
                let bytes = axum::body::to_bytes(body, 1 << 20).await.unwrap();
                let path = parts.uri.path().to_string();
                recorded.lock().unwrap().push((
                    path,
                    parts.headers.clone(),
                    String::from_utf8_lossy(&bytes).to_string(),
                ));
                next.run(axum::extract::Request::from_parts(parts, axum::body::Body::from(bytes))).await
            },
        ))
        .with_state((requests.clone(), sessions.clone()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    FakeStripe {
        base: format!("http://{addr}/"),
        requests,
        sessions,
    }
}

impl FakeStripe {
    /// The app's Stripe provider pointed at this fake (for calling the reconciler directly).
    pub fn provider(&self) -> app::checkout::stripe_payments::StripeProvider {
        app::checkout::stripe_payments::StripeProvider::new(
            SECRET_KEY,
            WEBHOOK_SECRET,
            Some(&self.base),
        )
        .unwrap()
    }
}

fn stripe_settings(api_base: String) -> Vec<(&'static str, String)> {
    vec![
        ("STRIPE_SECRET_KEY", SECRET_KEY.to_string()),
        ("STRIPE_WEBHOOK_SECRET", WEBHOOK_SECRET.to_string()),
        ("STRIPE_API_BASE", api_base),
    ]
}

/// An app paying through `api_base` as its Stripe, with the demo store seeded.
pub async fn stripe_app(backend: Backend, api_base: String) -> Option<TestApp> {
    let app = spawn_app_with(backend, &stripe_settings(api_base)).await?;
    server::seed::seed_demo_store(&app.db).await.unwrap();
    Some(app)
}

/// The value of the form field `name` in a request body the fake recorded.
pub fn form_value(body: &str, name: &str) -> String {
    form_urlencoded::parse(body.as_bytes())
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned())
        .unwrap_or_default()
}

/// A header of a request the fake recorded ("" when absent).
pub fn header_value(headers: &axum::http::HeaderMap, name: &str) -> String {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string()
}

/// What Stripe reports when a Checkout Session is paid: a `checkout.session.completed`
/// event's body, as sent to the webhook.
pub struct PaidSession<'a> {
    pub event_id: &'a str,
    pub session: &'a str,
    pub order: &'a str,
    pub amount: i64,
    pub currency: &'a str,
    pub email: &'a str,
    pub payment_intent: &'a str,
}

impl PaidSession<'_> {
    pub fn event(&self, created: i64) -> String {
        serde_json::json!({
            "id": self.event_id, "object": "event", "type": "checkout.session.completed", "created": created,
            "data": { "object": {
                "id": self.session, "object": "checkout.session", "client_reference_id": self.order,
                "payment_status": "paid", "amount_total": self.amount, "currency": self.currency,
                "customer_details": { "email": self.email }, "payment_intent": self.payment_intent
            }}
        })
        .to_string()
    }
}
