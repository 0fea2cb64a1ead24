//! The demo payment provider: without Stripe keys the store still sells end to end. Its
//! hosted page (`/pay/demo/{session}`) acts like a card form with Stripe's test cards, and
//! what it learns reaches the store the way Stripe's would: as an event in Stripe's JSON
//! shape, signed exactly as Stripe signs, through the same webhook code.

use serde_json::json;

/// Stripe's published test cards, and what each does here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TestCard {
    /// 4242 4242 4242 4242: paid.
    Succeeds,
    /// 4000 0000 0000 0002: declined by the bank.
    Declined,
    /// 4000 0025 0000 3155: the bank asks the customer to confirm (3-D Secure).
    NeedsAuthentication,
}

pub const SUCCESS_CARD: &str = "4242424242424242";
pub const DECLINED_CARD: &str = "4000000000000002";
pub const AUTHENTICATION_CARD: &str = "4000002500003155";

/// The card form's fields, checked; every mistake reported at once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardForm {
    pub email: String,
    pub card: TestCard,
}

pub fn parse_card_form(
    get: impl Fn(&str) -> String,
    now_year_month: (i32, u32),
) -> Result<CardForm, Vec<(String, String)>> {
    let mut errors = Vec::new();
    let email = get("email").trim().to_string();
    if crate::email::address::Email::parse(&email).is_err() {
        errors.push((
            "email".into(),
            "Enter the email address for your receipt.".into(),
        ));
    }
    let digits: String = get("card_number")
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect();
    let card =
        if digits.len() < 12 || !digits.bytes().all(|b| b.is_ascii_digit()) || !luhn_valid(&digits)
        {
            errors.push((
                "card_number".into(),
                "Enter a valid card number (try 4242 4242 4242 4242).".into(),
            ));
            None
        } else {
            match digits.as_str() {
                SUCCESS_CARD => Some(TestCard::Succeeds),
                AUTHENTICATION_CARD => Some(TestCard::NeedsAuthentication),
                // Any other well-formed number is declined, as Stripe's test mode does with
                // real card numbers.
                _ => Some(TestCard::Declined),
            }
        };
    if !expiry_in_future(&get("expiry"), now_year_month) {
        errors.push((
            "expiry".into(),
            "Enter the expiry as MM/YY, in the future.".into(),
        ));
    }
    let cvc = get("cvc");
    let cvc = cvc.trim();
    if !(3..=4).contains(&cvc.len()) || !cvc.bytes().all(|b| b.is_ascii_digit()) {
        errors.push((
            "cvc".into(),
            "Enter the 3 or 4 digits on the back of the card.".into(),
        ));
    }
    match card {
        Some(card) if errors.is_empty() => Ok(CardForm { email, card }),
        _ => Err(errors),
    }
}

fn luhn_valid(digits: &str) -> bool {
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 1 {
                let doubled = d * 2;
                if doubled > 9 {
                    doubled - 9
                } else {
                    doubled
                }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

fn expiry_in_future(text: &str, (year, month): (i32, u32)) -> bool {
    let Some((mm, yy)) = text.trim().split_once('/') else {
        return false;
    };
    let (Ok(mm), Ok(yy)) = (mm.trim().parse::<u32>(), yy.trim().parse::<i32>()) else {
        return false;
    };
    let yy = if yy < 100 { 2000 + yy } else { yy };
    (1..=12).contains(&mm) && (yy, mm) >= (year, month)
}

/// The demo payment behind a demo checkout session: one per session, so every event about
/// it (the payment, a decline, the reconciler's) names the same one.
pub fn payment_intent_id(session_id: &str) -> String {
    format!("pi_demo_{}", session_id.trim_start_matches("cs_demo_"))
}

/// What a checkout session event says about the session and its order.
pub struct SessionFacts<'a> {
    pub session_id: &'a str,
    pub public_id: &'a str,
    pub amount_total: i64,
    pub currency: &'a str,
    pub email: &'a str,
    pub payment_intent: &'a str,
}

/// A Stripe-shaped `checkout.session.*` event for our session.
pub fn checkout_session_event(
    event_id: &str,
    kind: &str,
    payment_status: &str,
    facts: &SessionFacts<'_>,
    created: i64,
) -> serde_json::Value {
    let SessionFacts {
        session_id,
        public_id,
        amount_total,
        currency,
        email,
        payment_intent,
    } = facts;
    json!({
        "id": event_id,
        "object": "event",
        "api_version": super::STRIPE_API_VERSION,
        "created": created,
        "livemode": false,
        "type": kind,
        "data": { "object": {
            "id": session_id,
            "object": "checkout.session",
            "client_reference_id": public_id,
            "metadata": { "order_id": public_id },
            "mode": "payment",
            "status": if kind == "checkout.session.expired" { "expired" } else { "complete" },
            "payment_status": payment_status,
            "amount_total": amount_total,
            "currency": currency.to_ascii_lowercase(),
            "customer_details": { "email": email },
            "payment_intent": payment_intent,
        }}
    })
}

/// A Stripe-shaped `payment_intent.payment_failed` event.
pub fn payment_failed_event(
    event_id: &str,
    payment_intent: &str,
    public_id: &str,
    message: &str,
    created: i64,
) -> serde_json::Value {
    json!({
        "id": event_id,
        "object": "event",
        "api_version": super::STRIPE_API_VERSION,
        "created": created,
        "livemode": false,
        "type": "payment_intent.payment_failed",
        "data": { "object": {
            "id": payment_intent,
            "object": "payment_intent",
            "metadata": { "order_id": public_id },
            "status": "requires_payment_method",
            "last_payment_error": { "code": "card_declined", "decline_code": "generic_decline", "message": message },
        }}
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> String + 'a {
        move |k| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
                .unwrap_or_default()
        }
    }

    const NOW: (i32, u32) = (2026, 11);

    #[test]
    fn stripes_test_cards_do_what_stripe_documents() {
        let card = |number: &str| {
            parse_card_form(
                form(&[
                    ("email", "a@example.com"),
                    ("card_number", number),
                    ("expiry", "12/30"),
                    ("cvc", "123"),
                ]),
                NOW,
            )
            .map(|f| f.card)
        };
        assert_eq!(card("4242 4242 4242 4242"), Ok(TestCard::Succeeds));
        assert_eq!(card("4000 0000 0000 0002"), Ok(TestCard::Declined));
        assert_eq!(
            card("4000-0025-0000-3155"),
            Ok(TestCard::NeedsAuthentication)
        );
        assert_eq!(card("5555 5555 5555 4444"), Ok(TestCard::Declined));
        assert!(card("4242 4242 4242 4241").is_err(), "fails the Luhn check");
    }

    #[test]
    fn every_mistake_is_named() {
        let errors = parse_card_form(
            form(&[
                ("email", "nope"),
                ("card_number", "12"),
                ("expiry", "10/26"),
                ("cvc", "1"),
            ]),
            NOW,
        )
        .unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(fields, ["email", "card_number", "expiry", "cvc"]);
        assert!(expiry_in_future("11/26", NOW));
        assert!(!expiry_in_future("13/30", NOW));
    }

    #[test]
    fn events_have_stripes_shape() {
        let facts = SessionFacts {
            session_id: "cs_1",
            public_id: "ord",
            amount_total: 1250,
            currency: "USD",
            email: "a@example.com",
            payment_intent: "pi_1",
        };
        let event =
            checkout_session_event("evt_1", "checkout.session.completed", "paid", &facts, 7);
        assert_eq!(event["object"], "event");
        assert_eq!(event["data"]["object"]["object"], "checkout.session");
        assert_eq!(event["data"]["object"]["client_reference_id"], "ord");
        assert_eq!(event["data"]["object"]["currency"], "usd");
    }
}
