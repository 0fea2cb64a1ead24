//! All configuration, read once from the environment. This is the only place that reads
//! environment variables; every variable is documented here and in the README.
//!
//! | variable | default | meaning |
//! |---|---|---|
//! | `DATABASE_URL` | `sqlite://data/storefront.db` | `sqlite://path` (file created if missing) or `postgres://…` |
//! | `STOREFRONT_ADDR` | `127.0.0.1:3000` | address the HTTP server binds |
//! | `STOREFRONT_PUBLIC_URL` | `http://{STOREFRONT_ADDR}` | base URL for canonical links, sitemap, emails |
//! | `LEPTOS_SITE_ROOT` | `target/site` | folder with the built CSS/WASM (`pkg/`) and public assets |
//! | `STOREFRONT_LOG_FORMAT` | `pretty` | `json` for one JSON object per log line |
//! | `RUST_LOG` | `info,sqlx=warn` | log filter (tracing-subscriber syntax) |
//! | `STOREFRONT_MEDIA_DIR` | `data/media` | folder for uploaded images (served under `/media/uploads/`) |
//! | `SMTP_URL` | unset | e.g. `smtps://user:pass@smtp.example.com`; unset keeps emails in the outbox (logged, readable in `/admin/outbox`) |
//! | `SMTP_FROM` | `Storefront <no-reply@storefront.invalid>` | sender of every email |
//! | `STOREFRONT_TRUST_PROXY` | unset | `1` when behind a load balancer: the client IP (for throttling) is then the first `X-Forwarded-For` hop |

use app::db::Backend;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::str::FromStr;

#[derive(Debug, Clone)]
pub struct Config {
    pub database_url: String,
    pub addr: SocketAddr,
    pub public_url: String,
    pub site_root: PathBuf,
    pub json_logs: bool,
    pub log_filter: String,
    pub media_dir: PathBuf,
    /// Never printed: it may hold the SMTP password.
    pub smtp_url: Option<Secret>,
    pub smtp_from: String,
    pub trust_proxy: bool,
    /// How long a checkout holds its items while the customer pays.
    pub checkout_hold_seconds: i64,
    /// Tickets without a first answer after this long are highlighted in the inbox.
    pub first_response_minutes: i64,
    /// Both set: payments go through Stripe; neither: the built-in demo provider.
    pub stripe_secret_key: Option<Secret>,
    pub stripe_webhook_secret: Option<Secret>,
    /// Where the Stripe client sends its requests (tests point it at a fake Stripe).
    pub stripe_api_base: Option<String>,
}

/// A configuration value that must not reach logs (`Debug` hides it).
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// A configuration error names the variable, so the operator knows what to fix.
#[derive(Debug, thiserror::Error)]
#[error("{variable}: {message}")]
pub struct ConfigError {
    pub variable: &'static str,
    pub message: String,
}

impl Config {
    pub fn from_env() -> Result<Config, ConfigError> {
        Self::from_lookup(|key| std::env::var(key).ok())
    }

    /// Reads configuration through `lookup`, so tests can configure without touching
    /// the process environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let database_url = lookup("DATABASE_URL")
            .filter(|v| !v.trim().is_empty())
            .unwrap_or_else(|| "sqlite://data/storefront.db".into());
        validate_database_url(&database_url)?;

        let addr_text = lookup("STOREFRONT_ADDR").unwrap_or_else(|| "127.0.0.1:3000".into());
        let addr = SocketAddr::from_str(addr_text.trim()).map_err(|_| ConfigError {
            variable: "STOREFRONT_ADDR",
            message: format!("\"{addr_text}\" is not an address like 127.0.0.1:3000"),
        })?;

        let public_url = match lookup("STOREFRONT_PUBLIC_URL") {
            Some(url) => {
                let url = url.trim().trim_end_matches('/').to_string();
                if !(url.starts_with("http://") || url.starts_with("https://")) || url.len() < 10 {
                    return Err(ConfigError {
                        variable: "STOREFRONT_PUBLIC_URL",
                        message: format!("\"{url}\" must be an absolute http(s) URL"),
                    });
                }
                url
            }
            None => format!("http://{addr}"),
        };

        let hold_text = lookup("STOREFRONT_CHECKOUT_HOLD_MINUTES").unwrap_or_else(|| "30".into());
        let checkout_hold_seconds = match hold_text.trim().parse::<i64>() {
            Ok(minutes) if (5..=24 * 60).contains(&minutes) => minutes * 60,
            _ => {
                return Err(ConfigError {
                    variable: "STOREFRONT_CHECKOUT_HOLD_MINUTES",
                    message: format!(
                        "\"{hold_text}\" must be a whole number of minutes from 5 to 1440"
                    ),
                })
            }
        };

        let target_text =
            lookup("STOREFRONT_FIRST_RESPONSE_MINUTES").unwrap_or_else(|| "60".into());
        let first_response_minutes = match target_text.trim().parse::<i64>() {
            Ok(minutes) if (1..=7 * 24 * 60).contains(&minutes) => minutes,
            _ => {
                return Err(ConfigError {
                    variable: "STOREFRONT_FIRST_RESPONSE_MINUTES",
                    message: format!(
                        "\"{target_text}\" must be a whole number of minutes from 1 to 10080"
                    ),
                })
            }
        };

        let secret = |name: &str| {
            lookup(name)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
                .map(Secret)
        };
        let (stripe_secret_key, stripe_webhook_secret) =
            match (secret("STRIPE_SECRET_KEY"), secret("STRIPE_WEBHOOK_SECRET")) {
                (Some(_), None) => {
                    return Err(ConfigError {
                        variable: "STRIPE_WEBHOOK_SECRET",
                        message: "is needed with STRIPE_SECRET_KEY (set both, or neither for the demo provider)".into(),
                    })
                }
                (None, Some(_)) => {
                    return Err(ConfigError {
                        variable: "STRIPE_SECRET_KEY",
                        message: "is needed with STRIPE_WEBHOOK_SECRET (set both, or neither for the demo provider)".into(),
                    })
                }
                pair => pair,
            };
        let stripe_api_base = match lookup("STRIPE_API_BASE").filter(|v| !v.trim().is_empty()) {
            Some(url) if url.starts_with("http://") || url.starts_with("https://") => {
                Some(format!("{}/", url.trim().trim_end_matches('/')))
            }
            Some(url) => {
                return Err(ConfigError {
                    variable: "STRIPE_API_BASE",
                    message: format!("\"{url}\" must be an absolute http(s) URL"),
                })
            }
            None => None,
        };

        Ok(Config {
            checkout_hold_seconds,
            first_response_minutes,
            stripe_secret_key,
            stripe_webhook_secret,
            stripe_api_base,
            database_url,
            addr,
            public_url,
            site_root: PathBuf::from(
                lookup("LEPTOS_SITE_ROOT").unwrap_or_else(|| "target/site".into()),
            ),
            json_logs: lookup("STOREFRONT_LOG_FORMAT").as_deref() == Some("json"),
            log_filter: lookup("RUST_LOG").unwrap_or_else(|| "info,sqlx=warn".into()),
            media_dir: PathBuf::from(
                lookup("STOREFRONT_MEDIA_DIR")
                    .filter(|v| !v.trim().is_empty())
                    .unwrap_or_else(|| "data/media".into()),
            ),
            smtp_url: match lookup("SMTP_URL").filter(|v| !v.trim().is_empty()) {
                Some(url) if url.starts_with("smtp://") || url.starts_with("smtps://") => {
                    Some(Secret(url.trim().to_string()))
                }
                Some(_) => {
                    return Err(ConfigError {
                        variable: "SMTP_URL",
                        message: "must start with smtp:// or smtps://".into(),
                    })
                }
                None => None,
            },
            smtp_from: lookup("SMTP_FROM")
                .filter(|v| !v.trim().is_empty())
                .unwrap_or_else(|| "Storefront <no-reply@storefront.invalid>".into()),
            trust_proxy: lookup("STOREFRONT_TRUST_PROXY").as_deref() == Some("1"),
        })
    }

    /// The Stripe client when both Stripe keys are set; `None` means the demo provider.
    pub fn stripe_provider(
        &self,
    ) -> anyhow::Result<Option<app::checkout::stripe_payments::StripeProvider>> {
        match (&self.stripe_secret_key, &self.stripe_webhook_secret) {
            (Some(key), Some(webhook)) => {
                Ok(Some(app::checkout::stripe_payments::StripeProvider::new(
                    key.expose(),
                    webhook.expose(),
                    self.stripe_api_base.as_deref(),
                )?))
            }
            _ => Ok(None),
        }
    }
}

fn validate_database_url(url: &str) -> Result<(), ConfigError> {
    let err = |message: String| ConfigError {
        variable: "DATABASE_URL",
        message,
    };
    match Backend::from_url(url) {
        None => Err(err(format!(
            "\"{}\" is not supported; use sqlite://path/to/file.db or postgres://user@host/db",
            redact(url)
        ))),
        Some(Backend::Sqlite) => {
            let path = url.trim_start_matches("sqlite:").trim_start_matches("//");
            if path.split('?').next().unwrap_or("").is_empty() {
                Err(err(
                    "names no SQLite file; use sqlite://path/to/file.db".into()
                ))
            } else {
                Ok(())
            }
        }
        Some(Backend::Postgres) => sqlx::postgres::PgConnectOptions::from_str(url)
            .map(|_| ())
            .map_err(|e| err(format!("is not a valid PostgreSQL URL ({e})"))),
    }
}

/// Hides a password in a URL before it is printed.
fn redact(url: &str) -> String {
    match (url.find("://"), url.find('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            format!("{}://***{}", &url[..scheme], &url[at..])
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn defaults_work_on_a_fresh_machine() {
        let c = config(&[]).unwrap();
        assert_eq!(c.database_url, "sqlite://data/storefront.db");
        assert_eq!(c.addr.to_string(), "127.0.0.1:3000");
        assert_eq!(c.public_url, "http://127.0.0.1:3000");
    }

    #[test]
    fn malformed_database_url_names_the_variable() {
        for bad in [
            "mysql://x",
            "nonsense",
            "postgres://user@host:notaport/db",
            "sqlite://",
        ] {
            let e = config(&[("DATABASE_URL", bad)]).unwrap_err();
            assert_eq!(e.variable, "DATABASE_URL", "{bad}");
            assert!(e.to_string().starts_with("DATABASE_URL: "));
        }
    }

    #[test]
    fn passwords_are_not_echoed() {
        let e = config(&[("DATABASE_URL", "mysql://admin:hunter2@db/x")]).unwrap_err();
        assert!(!e.to_string().contains("hunter2"));
    }

    #[test]
    fn stripe_needs_both_keys_and_hides_them() {
        let half = config(&[("STRIPE_SECRET_KEY", "sk_test_1")]).unwrap_err();
        assert_eq!(half.variable, "STRIPE_WEBHOOK_SECRET");
        let other_half = config(&[("STRIPE_WEBHOOK_SECRET", "whsec_1")]).unwrap_err();
        assert_eq!(other_half.variable, "STRIPE_SECRET_KEY");
        let c = config(&[
            ("STRIPE_SECRET_KEY", "sk_test_hunter2"),
            ("STRIPE_WEBHOOK_SECRET", "whsec_hunter2"),
            ("STRIPE_API_BASE", "http://127.0.0.1:9999"),
        ])
        .unwrap();
        assert_eq!(c.stripe_api_base.as_deref(), Some("http://127.0.0.1:9999/"));
        assert!(!format!("{c:?}").contains("hunter2"));
        assert_eq!(config(&[]).unwrap().checkout_hold_seconds, 30 * 60);
        assert_eq!(config(&[]).unwrap().first_response_minutes, 60);
        assert!(config(&[("STOREFRONT_FIRST_RESPONSE_MINUTES", "0")]).is_err());
        assert!(config(&[("STOREFRONT_CHECKOUT_HOLD_MINUTES", "2")]).is_err());
    }

    #[test]
    fn smtp_url_is_checked_and_never_printed() {
        assert!(config(&[("SMTP_URL", "http://x")]).is_err());
        let c = config(&[("SMTP_URL", "smtps://me:hunter2@smtp.example.com")]).unwrap();
        assert!(!format!("{c:?}").contains("hunter2"));
        assert!(config(&[]).unwrap().smtp_url.is_none());
    }

    #[test]
    fn public_url_is_normalised() {
        let c = config(&[("STOREFRONT_PUBLIC_URL", "https://shop.example.com/")]).unwrap();
        assert_eq!(c.public_url, "https://shop.example.com");
        assert!(config(&[("STOREFRONT_PUBLIC_URL", "shop.example.com")]).is_err());
    }
}
