//! One-time tokens for emailed links: 32 random bytes shown to the user once, and only
//! their SHA-256 kept in the database.

use password_hash::rand_core::{OsRng, RngCore};
use sha2::{Digest, Sha256};

/// A fresh token (64 hex characters) and the hash to store for it.
pub fn new_token() -> (String, String) {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    let token = to_hex(&bytes);
    let hash = hash_token(&token);
    (token, hash)
}

/// A random id of 32 hex characters (128 bits): visitor ids, order ids, one-press form
/// keys, upload names.
pub fn new_id() -> String {
    new_token().0[..32].to_string()
}

/// Whether `text` has the shape of a [`new_id`] (checked before it reaches a query or a path).
pub fn is_id(text: &str) -> bool {
    text.len() == 32 && text.bytes().all(|b| b.is_ascii_hexdigit())
}

pub fn hash_token(token: &str) -> String {
    to_hex(&Sha256::digest(token.as_bytes()))
}

/// A random password for new staff accounts, printed once.
pub fn new_one_time_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut bytes = [0u8; 20];
    OsRng.fill_bytes(&mut bytes);
    bytes
        .iter()
        .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
        .collect()
}

/// True for something that could be a token we issued (so junk never reaches SQL).
pub fn looks_like_token(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit())
}

fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_have_one_shape() {
        let id = new_id();
        assert!(is_id(&id));
        assert_ne!(id, new_id());
        assert!(!is_id(&id[..31]));
        assert!(!is_id(&format!("{}z", &id[..31])));
        assert!(!is_id("../../etc/passwd"));
    }

    #[test]
    fn tokens_are_random_and_only_their_hash_is_kept() {
        let (a, hash_a) = new_token();
        let (b, _) = new_token();
        assert_ne!(a, b);
        assert!(looks_like_token(&a));
        assert_eq!(hash_token(&a), hash_a);
        assert_ne!(a, hash_a);
        assert!(!looks_like_token("../etc/passwd"));
    }
}
