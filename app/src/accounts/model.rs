//! Account input that is valid by construction (an `Email`, from the kernel's
//! `email::address`, is normalised and plausible); a `Password` meets the length rules and is not one of the most common passwords.

use crate::error::AppError;

pub const MIN_PASSWORD_CHARS: usize = 8;
pub const MAX_PASSWORD_CHARS: usize = 256;

const COMMON_PASSWORDS: &str = include_str!("common_passwords.txt");

pub use crate::email::address::{normalize_email, Email};

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
    #[cfg(feature = "ssr")]
    #[test]
    fn one_time_passwords_are_long_enough_for_the_policy() {
        let password = crate::token::new_one_time_password();
        assert_eq!(password.len(), 20);
        assert!(super::Password::parse(&password).is_ok());
    }

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
        use crate::request::{Area, StaffRole};
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
