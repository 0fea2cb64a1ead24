//! Payments through Stripe's hosted Checkout, used when `STRIPE_SECRET_KEY` and
//! `STRIPE_WEBHOOK_SECRET` are configured: a Checkout Session built from our order lines
//! (prices from our database, never the browser), `client_reference_id` and metadata = our
//! order id, and an `Idempotency-Key` derived from the order, so a retry or a double click
//! gets the same session back. Stripe's webhook then reaches `/webhooks/stripe` and goes
//! through the same verification and fulfilment as the demo provider's events.
//!
//! Also here: what the reconciler asks Stripe about a session that went quiet, ending a
//! session we gave up on, and refunds through Stripe's Refund API.

use std::collections::HashMap;
use stripe::{IdempotencyKey, RequestStrategy, StripeRequest};
use stripe_checkout::checkout_session::{
    CreateCheckoutSession, CreateCheckoutSessionLineItems, CreateCheckoutSessionLineItemsPriceData,
    CreateCheckoutSessionPaymentIntentData, CreateCheckoutSessionPaymentIntentDataShipping,
    CreateCheckoutSessionPaymentIntentDataShippingAddress, ProductData,
};
use stripe_checkout::checkout_session::{ExpireCheckoutSession, RetrieveCheckoutSession};
use stripe_checkout::{
    CheckoutSession, CheckoutSessionMode, CheckoutSessionPaymentStatus, CheckoutSessionStatus,
};
use stripe_core::refund::CreateRefund;

/// Stripe refuses sessions that expire sooner than 30 minutes from now.
pub const MIN_SESSION_SECONDS: i64 = 31 * 60;

#[derive(Clone)]
pub struct StripeProvider {
    client: stripe::Client,
    pub webhook_secret: String,
}

impl std::fmt::Debug for StripeProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StripeProvider(***)")
    }
}

/// One line of the order, as Stripe shows it on its page.
pub struct SessionLine<'a> {
    pub name: &'a str,
    pub unit_cents: i64,
    pub quantity: i64,
}

/// What the Checkout Session is made of.
pub struct SessionRequest<'a> {
    pub public_id: &'a str,
    pub email: &'a str,
    pub currency: &'a str,
    pub lines: Vec<SessionLine<'a>>,
    pub success_url: String,
    pub cancel_url: String,
    pub expires_at: i64,
    /// The address we collected, so the payment carries it (Stripe does not ask again).
    pub ship_to: Option<&'a super::shipping::model::Address>,
}

/// The session Stripe made: its id and the hosted page to send the customer to.
pub struct StartedSession {
    pub id: String,
    pub url: String,
}

impl StripeProvider {
    /// `api_base` (`STRIPE_API_BASE`, ending in "/") points the client elsewhere, for tests.
    pub fn new(
        secret_key: &str,
        webhook_secret: &str,
        api_base: Option<&str>,
    ) -> anyhow::Result<Self> {
        let mut builder = stripe::ClientBuilder::new(secret_key);
        if let Some(base) = api_base {
            builder = builder.url(base);
        }
        Ok(StripeProvider {
            client: builder.build()?,
            webhook_secret: webhook_secret.to_string(),
        })
    }

    pub async fn create_session(
        &self,
        request: &SessionRequest<'_>,
    ) -> Result<StartedSession, String> {
        let currency: stripe_types::Currency = request
            .currency
            .to_ascii_lowercase()
            .parse()
            .unwrap_or_else(|never| match never {});
        let items: Vec<CreateCheckoutSessionLineItems> = request
            .lines
            .iter()
            .map(|line| {
                let mut price = CreateCheckoutSessionLineItemsPriceData::new(currency.clone());
                price.unit_amount = Some(line.unit_cents);
                price.product_data = Some(ProductData::new(line.name));
                CreateCheckoutSessionLineItems {
                    price_data: Some(price),
                    quantity: Some(line.quantity.max(1) as u64),
                    ..CreateCheckoutSessionLineItems::new()
                }
            })
            .collect();
        let metadata = HashMap::from([("order_id".to_string(), request.public_id.to_string())]);
        let mut payment_intent = CreateCheckoutSessionPaymentIntentData::new();
        payment_intent.metadata = Some(metadata.clone());
        if let Some(to) = request.ship_to {
            let optional = |text: &str| (!text.is_empty()).then(|| text.to_string());
            let mut address = CreateCheckoutSessionPaymentIntentDataShippingAddress::new(&to.line1);
            address.line2 = optional(&to.line2);
            address.city = optional(&to.city);
            address.state = optional(&to.region);
            address.postal_code = optional(&to.postal_code);
            address.country = optional(&to.country);
            let mut shipping =
                CreateCheckoutSessionPaymentIntentDataShipping::new(address, &to.name);
            shipping.phone = optional(&to.phone);
            payment_intent.shipping = Some(shipping);
        }
        let mut create = CreateCheckoutSession::new()
            .mode(CheckoutSessionMode::Payment)
            .line_items(items)
            .client_reference_id(request.public_id)
            .metadata(metadata)
            .payment_intent_data(payment_intent)
            .success_url(request.success_url.clone())
            .cancel_url(request.cancel_url.clone())
            .expires_at(request.expires_at);
        if !request.email.is_empty() {
            create = create.customer_email(request.email);
        }
        let key = IdempotencyKey::new(format!("storefront-checkout-{}", request.public_id))
            .map_err(|e| e.to_string())?;
        let session = create
            .customize()
            .request_strategy(RequestStrategy::Idempotent(key))
            .send(&self.client)
            .await
            .map_err(|e| e.to_string())?;
        let url = session
            .url
            .clone()
            .ok_or_else(|| "Stripe returned a session without a payment page".to_string())?;
        Ok(StartedSession {
            id: session.id.as_str().to_string(),
            url,
        })
    }

    /// What Stripe says about a session now (for the reconciler).
    pub async fn session_state(&self, session_id: &str) -> Result<SessionState, String> {
        let session = RetrieveCheckoutSession::new(session_id.to_string())
            .send(&self.client)
            .await
            .map_err(|e| e.to_string())?;
        Ok(SessionState::of(&session))
    }

    /// Ends a session that can still be paid, so nobody pays for items we gave back. Stripe
    /// answers with the session as it is after: a customer who paid a moment ago shows as
    /// paid here rather than being lost.
    pub async fn expire_session(&self, session_id: &str) -> Result<SessionState, String> {
        let session = ExpireCheckoutSession::new(session_id.to_string())
            .send(&self.client)
            .await
            .map_err(|e| e.to_string())?;
        Ok(SessionState::of(&session))
    }

    /// Refunds `amount` of a payment through Stripe's Refund API. `key` is the refund form's
    /// one-time key, so a double click or a retry after a timeout is one refund at Stripe.
    pub async fn refund(
        &self,
        payment_intent: &str,
        amount: i64,
        key: &str,
    ) -> Result<String, String> {
        let key =
            IdempotencyKey::new(format!("storefront-refund-{key}")).map_err(|e| e.to_string())?;
        let refund = CreateRefund::new()
            .payment_intent(payment_intent)
            .amount(amount)
            .customize()
            .request_strategy(RequestStrategy::Idempotent(key))
            .send(&self.client)
            .await
            .map_err(|e| e.to_string())?;
        Ok(refund.id.as_str().to_string())
    }
}

/// A Checkout Session as the reconciler needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SessionState {
    /// Paid (or nothing to pay): the order should be paid.
    Paid {
        payment_intent: String,
        email: String,
        amount_total: i64,
        currency: String,
    },
    /// Still payable.
    Open,
    /// Ended unpaid.
    Expired,
    /// Completed but the money is still on its way (bank debits): Stripe will say.
    Waiting,
}

impl SessionState {
    fn of(session: &CheckoutSession) -> Self {
        match (&session.payment_status, &session.status) {
            (
                CheckoutSessionPaymentStatus::Paid
                | CheckoutSessionPaymentStatus::NoPaymentRequired,
                _,
            ) => SessionState::Paid {
                payment_intent: session
                    .payment_intent
                    .as_ref()
                    .map(|intent| intent.id().as_str().to_string())
                    .unwrap_or_default(),
                email: session
                    .customer_details
                    .as_ref()
                    .and_then(|details| details.email.clone())
                    .unwrap_or_default(),
                amount_total: session.amount_total.unwrap_or(0),
                currency: session
                    .currency
                    .as_ref()
                    .map(|currency| currency.to_string())
                    .unwrap_or_default(),
            },
            (_, Some(CheckoutSessionStatus::Open)) => SessionState::Open,
            (_, Some(CheckoutSessionStatus::Expired)) => SessionState::Expired,
            _ => SessionState::Waiting,
        }
    }
}
