//! Stripe's webhook signature, both ways: `Stripe-Signature: t=<unix time>,v1=<hex>` where
//! the hex is HMAC-SHA256 of `"{t}.{raw body}"` under the endpoint's signing secret. Both
//! directions go through Stripe's own crate (`async-stripe-webhook`): the demo provider
//! signs with [`sign`]; the webhook endpoint checks every event with [`verify`], whichever
//! provider sent it. Also here: the signed token of a guest's order link.

use hmac::{Hmac, Mac};
use sha2::Sha256;
use stripe_webhook::{Webhook, WebhookError};

/// Events older (or newer) than this are refused: Stripe's own default tolerance, which
/// `async-stripe-webhook` applies.
pub const TOLERANCE_SECONDS: i64 = 300;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureError {
    /// No header, or one without a timestamp and a v1 signature.
    Malformed,
    /// The timestamp is outside the tolerance (a replayed or delayed request).
    Stale,
    /// No v1 signature matches the body under our secret.
    Mismatch,
}

impl SignatureError {
    pub fn message(self) -> &'static str {
        match self {
            SignatureError::Malformed => "missing or malformed Stripe-Signature header",
            SignatureError::Stale => "timestamp outside the tolerance",
            SignatureError::Mismatch => "no signature matches the payload",
        }
    }
}

/// The `Stripe-Signature` header value for `body` sent at `timestamp`.
pub fn sign(secret: &str, timestamp: i64, body: &str) -> String {
    Webhook::generate_test_header(body, secret, Some(timestamp))
}

/// Checks a header against the raw body; any one matching `v1` is enough (Stripe sends
/// several while a secret is being rolled).
///
/// The crate also reads the event into its typed model once the signature holds. We read
/// events ourselves (`webhook.rs`) from the JSON, so an event the pinned crate cannot type
/// (sent at another API version, or a type it does not know) still counts as verified and
/// is stored rather than refused.
pub fn verify(secret: &str, header: &str, body: &[u8], now: i64) -> Result<(), SignatureError> {
    // Stripe signs the exact bytes it sent; a body that is not UTF-8 was not sent by it.
    let payload = std::str::from_utf8(body).map_err(|_| SignatureError::Mismatch)?;
    let header = header.trim();
    if !header
        .split(',')
        .any(|item| item.trim_start().starts_with("t="))
    {
        return Err(SignatureError::Malformed);
    }
    match Webhook::construct_event_with_timestamp(payload, header, secret, now) {
        Ok(_) | Err(WebhookError::BadParse(_)) => Ok(()),
        Err(WebhookError::BadTimestamp(_)) => Err(SignatureError::Stale),
        Err(WebhookError::BadHeader(_)) => Err(SignatureError::Malformed),
        Err(WebhookError::BadSignature | WebhookError::BadKey) => Err(SignatureError::Mismatch),
    }
}

/// The token in a signed link (a guest's order or ticket): proof the link came from us,
/// without an account. `purpose` keeps one kind of link from opening another.
pub fn link_token(secret: &str, purpose: &str, id: &str) -> String {
    let digest = link_mac(secret, purpose, id).finalize().into_bytes();
    digest[..16].iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether `token` is the link token of `id` for `purpose` (compared in constant time).
pub fn link_is_valid(secret: &str, purpose: &str, id: &str, token: &str) -> bool {
    let Some(bytes) = decode_hex(token).filter(|b| b.len() == 16) else {
        return false;
    };
    link_mac(secret, purpose, id)
        .verify_truncated_left(&bytes)
        .is_ok()
}

fn link_mac(secret: &str, purpose: &str, id: &str) -> Hmac<Sha256> {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(purpose.as_bytes());
    mac.update(b":");
    mac.update(id.as_bytes());
    mac
}

/// The token in a guest's order link.
pub fn order_link_token(secret: &str, public_id: &str) -> String {
    link_token(secret, "order-link", public_id)
}

/// A guest's signed order link, as emails carry it (opens the order on any device).
pub fn order_link(secret: &str, public_url: &str, public_id: &str) -> String {
    let token = order_link_token(secret, public_id);
    format!("{public_url}/account/orders/{public_id}?t={token}")
}

/// Whether `token` is the order link token of `public_id`.
pub fn order_link_is_valid(secret: &str, public_id: &str, token: &str) -> bool {
    link_is_valid(secret, "order-link", public_id, token)
}

/// Whether `token` is a valid signed link to `id` for `purpose` (the store's link secret
/// is only read when there is a token to check).
pub async fn has_valid_link(
    db: &crate::db::Db,
    purpose: &str,
    id: &str,
    token: &str,
) -> Result<bool, sqlx::Error> {
    if token.is_empty() {
        return Ok(false);
    }
    let secret = crate::db::shared_secret(db, LINK_SECRET).await?;
    Ok(link_is_valid(&secret, purpose, id, token))
}

/// `{public_url}/{folder}/{id}?t=…` for each id, signed for `purpose` (one secret read).
pub async fn signed_links(
    db: &crate::db::Db,
    public_url: &str,
    folder: &str,
    purpose: &str,
    ids: &[String],
) -> Result<Vec<String>, sqlx::Error> {
    let secret = crate::db::shared_secret(db, LINK_SECRET).await?;
    Ok(ids
        .iter()
        .map(|id| {
            let token = link_token(&secret, purpose, id);
            format!("{public_url}/{folder}/{id}?t={token}")
        })
        .collect())
}

/// The name of the secret behind every signed link (orders, tickets, quotes).
pub const LINK_SECRET: &str = "order_link_secret";

fn decode_hex(hex: &str) -> Option<Vec<u8>> {
    if !hex.len().is_multiple_of(2) {
        return None;
    }
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signed_body_verifies_and_a_changed_one_does_not() {
        let body = r#"{"id":"evt_1","type":"checkout.session.completed"}"#;
        let header = sign("whsec_test", 1_700_000_000, body);
        assert!(header.starts_with("t=1700000000,v1="));
        assert_eq!(
            verify("whsec_test", &header, body.as_bytes(), 1_700_000_100),
            Ok(())
        );
        assert_eq!(
            verify("whsec_test", &header, b"{\"id\":\"evt_2\"}", 1_700_000_100),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify("whsec_other", &header, body.as_bytes(), 1_700_000_100),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn old_timestamps_and_bad_headers_are_refused() {
        let body = "{}";
        let header = sign("whsec_test", 1_700_000_000, body);
        assert_eq!(
            verify("whsec_test", &header, body.as_bytes(), 1_700_000_301),
            Err(SignatureError::Stale)
        );
        for bad in [
            "",
            "t=abc,v1=00",
            "v1=00",
            "t=1700000000",
            "t=1700000000,v1=zz",
        ] {
            assert_ne!(
                verify("whsec_test", bad, body.as_bytes(), 1_700_000_000),
                Ok(()),
                "{bad}"
            );
        }
    }

    #[test]
    fn any_matching_signature_is_enough_while_a_secret_rolls() {
        let body = r#"{"id":"evt_1"}"#;
        let old = sign("whsec_old", 1_700_000_000, body);
        let new = sign("whsec_new", 1_700_000_000, body);
        let both = format!("{old},{}", new.split_once(',').unwrap().1);
        assert_eq!(
            verify("whsec_new", &both, body.as_bytes(), 1_700_000_000),
            Ok(())
        );
        assert_eq!(
            verify("whsec_old", &both, body.as_bytes(), 1_700_000_000),
            Ok(())
        );
        assert_eq!(
            verify("whsec_new", &new, b"\xff\xfe", 1_700_000_000),
            Err(SignatureError::Mismatch),
            "not UTF-8, so not what Stripe sent"
        );
    }

    #[test]
    fn order_links_are_bound_to_their_order() {
        let token = order_link_token("secret", "abc123");
        assert_eq!(token.len(), 32);
        assert!(order_link_is_valid("secret", "abc123", &token));
        assert!(!order_link_is_valid("secret", "abc124", &token));
        assert!(!order_link_is_valid("other", "abc123", &token));
        assert!(!order_link_is_valid("secret", "abc123", &token[..30]));
        assert!(!order_link_is_valid("secret", "abc123", ""));
        let ticket = link_token("secret", "ticket-link", "abc123");
        assert_ne!(ticket, token, "an order link does not open a ticket");
        assert!(!order_link_is_valid("secret", "abc123", &ticket));
        assert!(link_is_valid("secret", "ticket-link", "abc123", &ticket));
    }

    #[test]
    fn matches_stripes_documented_scheme() {
        // HMAC-SHA256("whsec_test", "1700000000.{}") computed independently with openssl.
        assert_eq!(
            sign("whsec_test", 1_700_000_000, "{}"),
            "t=1700000000,v1=35495024f4ef3f94e5a93e22221544c4b75e9a42300cd965ab81cb85cd994e91"
        );
    }
}
