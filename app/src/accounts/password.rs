//! Password hashing with argon2id at OWASP's minimum parameters (m = 19 MiB, t = 2, p = 1),
//! on the blocking pool so a burst of logins cannot stall the async workers.

use super::model::Password;
use anyhow::Context;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use password_hash::rand_core::OsRng;
use std::sync::LazyLock;

fn hasher() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).expect("OWASP argon2 parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// A real hash of a random password, verified when the account does not exist, so the
/// time a login takes never tells whether an email is registered.
static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| {
    let salt = SaltString::generate(&mut OsRng);
    hasher()
        .hash_password(b"no account has this password", &salt)
        .expect("hashing a constant works")
        .to_string()
});

/// The PHC string (`$argon2id$v=19$m=19456,t=2,p=1$…`) to store for `password`.
pub async fn hash_password(password: &Password) -> anyhow::Result<String> {
    let password = password.expose().to_string();
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        hasher()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| anyhow::anyhow!("argon2: {e}"))
    })
    .await
    .context("the hashing task did not finish")?
}

/// True when `candidate` matches `stored`. With no stored hash (unknown account) it still
/// does the full work against a dummy hash and answers false.
pub async fn verify_password(stored: Option<String>, candidate: &str) -> bool {
    let candidate = candidate.to_string();
    let result = tokio::task::spawn_blocking(move || {
        let (hash, real) = match &stored {
            Some(h) => (h.as_str(), true),
            None => (DUMMY_HASH.as_str(), false),
        };
        let Ok(parsed) = PasswordHash::new(hash) else {
            return false;
        };
        let matches = hasher()
            .verify_password(candidate.as_bytes(), &parsed)
            .is_ok();
        matches && real
    })
    .await;
    result.unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_verify_and_use_owasp_parameters() {
        let password = Password::parse("correct horse battery staple").unwrap();
        let hash = hash_password(&password).await.unwrap();
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert!(verify_password(Some(hash.clone()), "correct horse battery staple").await);
        assert!(!verify_password(Some(hash), "correct horse battery stapler").await);
    }

    #[tokio::test]
    async fn unknown_accounts_never_verify() {
        assert!(!verify_password(None, "no account has this password").await);
        assert!(!verify_password(Some("not a hash".into()), "anything at all").await);
    }

    #[tokio::test]
    async fn same_password_gets_a_new_salt_each_time() {
        let password = Password::parse("correct horse battery staple").unwrap();
        let a = hash_password(&password).await.unwrap();
        let b = hash_password(&password).await.unwrap();
        assert_ne!(a, b);
    }
}
