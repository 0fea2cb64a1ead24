//! Account input that is valid by construction: an `Email` is normalised and plausible,
//! a `Password` meets the length rules and is not one of the most common passwords.

use crate::error::AppError;
use serde::{Deserialize, Serialize};

pub const MIN_PASSWORD_CHARS: usize = 8;
pub const MAX_PASSWORD_CHARS: usize = 256;
const MAX_EMAIL_LEN: usize = 254;

const COMMON_PASSWORDS: &str = include_str!("common_passwords.txt");

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

/// A password that passed the policy. Never printed: `Debug` hides it.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(***)")
    }
}

impl Password {
    /// Checks a new password against the policy (OWASP: length over complexity rules,
    /// and no password from the common lists).
    pub fn parse(input: &str) -> Result<Password, AppError> {
        let invalid = |message: String| AppError::Validation {
            field: "password".into(),
            message,
        };
        let chars = input.chars().count();
        if chars < MIN_PASSWORD_CHARS {
            return Err(invalid(format!(
                "Use at least {MIN_PASSWORD_CHARS} characters; a short sentence is easy to remember."
            )));
        }
        if chars > MAX_PASSWORD_CHARS {
            return Err(invalid(format!(
                "Use at most {MAX_PASSWORD_CHARS} characters."
            )));
        }
        if is_common_password(input) {
            return Err(invalid(
                "That password is one of the most common ones and easy to guess. Please pick another."
                    .into(),
            ));
        }
        Ok(Password(input.to_string()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

fn is_common_password(candidate: &str) -> bool {
    let candidate = candidate.to_lowercase();
    COMMON_PASSWORDS
        .lines()
        .filter(|l| !l.starts_with('#'))
        .any(|l| l.trim() == candidate)
}

/// A staff role. Customers have none. What each may do is `StaffRole::can`, the one
/// place the permission table lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum StaffRole {
    Admin,
    Marketing,
    Sales,
}

/// The parts of the admin panel, each guarded on the server by `admin::guard`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Area {
    Dashboard,
    Catalog,
    Content,
    Personas,
    Analytics,
    Tickets,
    Orders,
    Customers,
    Staff,
    Outbox,
    Audit,
}

impl StaffRole {
    pub const ALL: [StaffRole; 3] = [StaffRole::Admin, StaffRole::Marketing, StaffRole::Sales];

    pub fn parse(text: &str) -> Option<StaffRole> {
        match text.trim() {
            "admin" => Some(StaffRole::Admin),
            "marketing" => Some(StaffRole::Marketing),
            "sales" => Some(StaffRole::Sales),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            StaffRole::Admin => "admin",
            StaffRole::Marketing => "marketing",
            StaffRole::Sales => "sales",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            StaffRole::Admin => "Admin",
            StaffRole::Marketing => "Marketing",
            StaffRole::Sales => "Sales",
        }
    }

    /// Admin: everything. Marketing: what the store says (catalogue, content, personas)
    /// and the funnel figures. Sales: the conversations and orders, and the same figures.
    pub fn can(self, area: Area) -> bool {
        use Area::*;
        match self {
            StaffRole::Admin => true,
            StaffRole::Marketing => {
                matches!(area, Dashboard | Catalog | Content | Personas | Analytics)
            }
            StaffRole::Sales => {
                matches!(area, Dashboard | Tickets | Orders | Customers | Analytics)
            }
        }
    }
}

/// The signed-in person, resolved once per request by the server from the session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: Option<StaffRole>,
}

impl CurrentUser {
    pub fn is_staff(&self) -> bool {
        self.role.is_some()
    }

    pub fn can(&self, area: Area) -> bool {
        self.role.is_some_and(|role| role.can(area))
    }

    /// What to call them in the header: their name, else the part of the email before @.
    pub fn display_name(&self) -> String {
        if self.name.trim().is_empty() {
            self.email.split('@').next().unwrap_or_default().to_string()
        } else {
            self.name.clone()
        }
    }
}

/// Longest display name accepted.
pub const MAX_NAME_CHARS: usize = 100;

/// A display name: optional, trimmed, without control characters, at most 100 characters.
pub fn parse_name(input: &str) -> Result<String, AppError> {
    let name = input.trim();
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(AppError::Validation {
            field: "name".into(),
            message: format!("Use at most {MAX_NAME_CHARS} characters for your name."),
        });
    }
    if name.chars().any(char::is_control) {
        return Err(AppError::Validation {
            field: "name".into(),
            message: "Your name can't contain control characters.".into(),
        });
    }
    Ok(name.to_string())
}

#[cfg(test)]
mod tests {
    // Compatibility normalisation runs on the server (the browser build leaves it out).
    #[cfg(feature = "ssr")]
    #[test]
    fn look_alike_addresses_are_one_address_or_refused() {
        use super::Email;
        let plain = Email::parse("anna@example.com").unwrap();
        for same in [
            "ＡＮＮＡ@ＥＸＡＭＰＬＥ.ＣＯＭ",
            "  Anna@Example.COM ",
            "anna@ｅxample.com",
        ] {
            assert_eq!(
                Email::parse(same).unwrap().as_str(),
                plain.as_str(),
                "{same}"
            );
        }
        assert!(Email::parse("аnna@example.com").is_err(), "Cyrillic а");
        assert!(
            Email::parse("anna@exаmple.com").is_err(),
            "Cyrillic а in the domain"
        );
        assert!(
            Email::parse("анна@пример.рф").is_ok(),
            "one alphabet is fine"
        );
    }

    #[test]
    fn roles_see_only_their_areas() {
        use super::{Area, StaffRole};
        assert!(StaffRole::Admin.can(Area::Staff));
        assert!(StaffRole::Marketing.can(Area::Catalog));
        assert!(!StaffRole::Marketing.can(Area::Tickets));
        assert!(!StaffRole::Marketing.can(Area::Staff));
        assert!(StaffRole::Sales.can(Area::Tickets));
        assert!(!StaffRole::Sales.can(Area::Catalog));
        assert!(!StaffRole::Sales.can(Area::Outbox));
        for role in StaffRole::ALL {
            assert_eq!(StaffRole::parse(role.as_str()), Some(role));
        }
        assert_eq!(StaffRole::parse("root"), None);
    }

    use super::*;

    #[test]
    fn emails_are_normalised() {
        assert_eq!(
            Email::parse("  Ana@Example.COM ").unwrap().as_str(),
            "ana@example.com"
        );
    }

    #[test]
    fn implausible_emails_are_refused_with_the_field_named() {
        for bad in [
            "",
            "ana",
            "ana@",
            "@example.com",
            "ana@example",
            "a b@example.com",
            "ana@.com",
        ] {
            match Email::parse(bad) {
                Err(AppError::Validation { field, .. }) => assert_eq!(field, "email", "{bad:?}"),
                other => panic!("{bad:?} gave {other:?}"),
            }
        }
        let long = format!("{}@example.com", "a".repeat(250));
        assert!(Email::parse(&long).is_err());
    }

    #[test]
    fn password_length_rules() {
        assert!(Password::parse("short").is_err());
        assert!(Password::parse(&"x".repeat(257)).is_err());
        assert!(Password::parse("correct horse battery staple").is_ok());
        // Length counts characters, not bytes.
        assert!(Password::parse("ééééééé").is_err());
        assert!(Password::parse("éééééééé").is_ok());
    }

    #[test]
    fn common_passwords_are_refused_in_any_case() {
        for common in [
            "password",
            "Password1",
            "12345678",
            "QWERTYUIOP",
            "iloveyou",
        ] {
            match Password::parse(common) {
                Err(AppError::Validation { field, message }) => {
                    assert_eq!(field, "password");
                    assert!(message.contains("most common"), "{common}: {message}");
                }
                other => panic!("{common} gave {other:?}"),
            }
        }
    }

    #[test]
    fn passwords_never_print() {
        let p = Password::parse("correct horse battery staple").unwrap();
        assert_eq!(format!("{p:?}"), "Password(***)");
    }
}
