//! An email address that is valid by construction: normalised (NFKC, case-folded) and
//! plausible. Used by accounts, tickets and the demo checkout alike.

use crate::error::AppError;
use serde::{Deserialize, Serialize};

const MAX_EMAIL_LEN: usize = 254;

/// A normalised (trimmed, lower-case) email address that looks deliverable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Email(String);

/// The one spelling of an address we store and compare: trimmed, compatibility-normalised
/// (full-width "ａｂｃ" is "abc") and case-folded. Used for sign-up, sign-in and throttle keys.
pub fn normalize_email(input: &str) -> String {
    #[cfg(feature = "ssr")]
    let input: String = unicode_normalization::UnicodeNormalization::nfkc(input.trim()).collect();
    #[cfg(not(feature = "ssr"))]
    let input = input.trim().to_string();
    // Lower-casing after NFKC can produce text that normalises differently again (rare
    // ligatures); a second pass makes the result stable.
    #[cfg(feature = "ssr")]
    let input: String =
        unicode_normalization::UnicodeNormalization::nfkc(input.to_lowercase().as_str()).collect();
    input.trim().to_lowercase()
}

impl Email {
    pub fn parse(input: &str) -> Result<Email, AppError> {
        let email = normalize_email(input);
        let invalid = |message: &str| AppError::Validation {
            field: "email".into(),
            message: message.into(),
        };
        if email.is_empty() {
            return Err(invalid("Please enter your email address."));
        }
        if email.len() > MAX_EMAIL_LEN {
            return Err(invalid("That email address is too long."));
        }
        let Some((local, domain)) = email.rsplit_once('@') else {
            return Err(invalid(
                "An email address needs an @, like name@example.com.",
            ));
        };
        let plausible = !local.is_empty()
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !email.chars().any(|c| c.is_whitespace() || c.is_control())
            && !local.contains('@');
        if !plausible {
            return Err(invalid(
                "That doesn't look like an email address, like name@example.com.",
            ));
        }
        // "раypal" with a Cyrillic "р" looks like another person's address: refuse a part
        // that mixes Latin letters with letters of another alphabet.
        let mixes_scripts = |part: &str| {
            part.chars().any(|c| c.is_ascii_alphabetic())
                && part.chars().any(|c| c.is_alphabetic() && !c.is_ascii())
        };
        if std::iter::once(local)
            .chain(domain.split('.'))
            .any(mixes_scripts)
        {
            return Err(invalid(
                "Please type your email address with the letters of one alphabet.",
            ));
        }
        Ok(Email(email))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}
