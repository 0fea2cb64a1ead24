//! Stripe's webhook signature, both ways: `Stripe-Signature: t=<unix time>,v1=<hex>` where
//! the hex is HMAC-SHA256 of `"{t}.{raw body}"` under the endpoint's signing secret. The
//! demo provider signs with [`sign`]; the webhook endpoint checks every event with
//! [`verify`], whichever provider sent it.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Events older (or newer) than this are refused: Stripe's own default tolerance.
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

fn mac(secret: &str, timestamp: i64, body: &[u8]) -> Hmac<Sha256> {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac
}

/// The `Stripe-Signature` header value for `body` sent at `timestamp`.
pub fn sign(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let digest = mac(secret, timestamp, body).finalize().into_bytes();
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("t={timestamp},v1={hex}")
}

/// Checks a header against the raw body; any one matching `v1` is enough (Stripe sends
/// several while a secret is being rolled).
pub fn verify(secret: &str, header: &str, body: &[u8], now: i64) -> Result<(), SignatureError> {
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for item in header.split(',') {
        match item.trim().split_once('=') {
            Some(("t", value)) => timestamp = value.parse::<i64>().ok(),
            Some(("v1", value)) => signatures.push(value),
            _ => {}
        }
    }
    let timestamp = timestamp.ok_or(SignatureError::Malformed)?;
    if signatures.is_empty() {
        return Err(SignatureError::Malformed);
    }
    if (now - timestamp).abs() > TOLERANCE_SECONDS {
        return Err(SignatureError::Stale);
    }
    let matches = signatures.iter().any(|hex| {
        decode_hex(hex).is_some_and(|bytes| {
            // verify_slice compares in constant time.
            mac(secret, timestamp, body).verify_slice(&bytes).is_ok()
        })
    });
    if matches {
        Ok(())
    } else {
        Err(SignatureError::Mismatch)
    }
}

/// The token in a guest's order link: proof the link came from us, without an account.
pub fn order_link_token(secret: &str, public_id: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(b"order-link:");
    mac.update(public_id.as_bytes());
    let digest = mac.finalize().into_bytes();
    digest[..16].iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether `token` is the order link token of `public_id` (compared in constant time).
pub fn order_link_is_valid(secret: &str, public_id: &str, token: &str) -> bool {
    let Some(bytes) = decode_hex(token).filter(|b| b.len() == 16) else {
        return false;
    };
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(b"order-link:");
    mac.update(public_id.as_bytes());
    mac.verify_truncated_left(&bytes).is_ok()
}

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
        let body = br#"{"id":"evt_1","type":"checkout.session.completed"}"#;
        let header = sign("whsec_test", 1_700_000_000, body);
        assert!(header.starts_with("t=1700000000,v1="));
        assert_eq!(verify("whsec_test", &header, body, 1_700_000_100), Ok(()));
        assert_eq!(
            verify("whsec_test", &header, b"{\"id\":\"evt_2\"}", 1_700_000_100),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify("whsec_other", &header, body, 1_700_000_100),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn old_timestamps_and_bad_headers_are_refused() {
        let body = b"{}";
        let header = sign("whsec_test", 1_700_000_000, body);
        assert_eq!(
            verify("whsec_test", &header, body, 1_700_000_301),
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
                verify("whsec_test", bad, body, 1_700_000_000),
                Ok(()),
                "{bad}"
            );
        }
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
    }

    #[test]
    fn matches_stripes_documented_scheme() {
        // HMAC-SHA256("whsec_test", "1700000000.{}") computed independently with openssl.
        assert_eq!(
            sign("whsec_test", 1_700_000_000, b"{}"),
            "t=1700000000,v1=35495024f4ef3f94e5a93e22221544c4b75e9a42300cd965ab81cb85cd994e91"
        );
    }
}
