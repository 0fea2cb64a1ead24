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
//! | `STOREFRONT_TRUST_PROXY` | unset | the proxies in front of the server: a count (`1`, `2` …) or trusted CIDRs (`10.0.0.0/8,192.168.1.10/32`); the client IP (for throttling) is then the address the last trusted proxy saw in `X-Forwarded-For` |
//! | `STOREFRONT_PAYMENTS` | `stripe` with keys; `demo` only on a loopback public URL | `demo` turns on the demo provider (no real payments, a banner on every page); `stripe` needs both Stripe keys; anything else refuses to start |
//! | `STOREFRONT_RETURN_WINDOW_DAYS` | `30` | days after payment in which customers may ask to return items themselves (0 turns self-service returns off, up to 365) |
//! | `STOREFRONT_REMINDER_DELAY_MINUTES` | `240` | how long after an unpaid checkout its one reminder goes out (to customers who asked for it), 5 to 10080 |
//! | `STOREFRONT_EVENT_RETENTION_DAYS` | `396` | how long raw research-trail events are kept (13 months; 31 to 3650); older ones are deleted once rolled up into the analytics rollups, which are kept |
//! | `STOREFRONT_PAGE_CACHE_MB` | `32` | memory for anonymous pages kept already compressed (0 to 4096; 0 renders every page) |
//! | `STRIPE_SECRET_KEY`, `STRIPE_WEBHOOK_SECRET` | unset | Stripe's API key and the webhook endpoint's signing secret; both or neither |

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
    pub trust_proxy: TrustedProxies,
    /// Demo payments (no money moves) or Stripe; decided once, here.
    pub payments: PaymentsMode,
    /// How long a checkout holds its items while the customer pays.
    pub checkout_hold_seconds: i64,
    /// Tickets without a first answer after this long are highlighted in the inbox.
    pub first_response_minutes: i64,
    /// Days after payment in which a customer may ask to return items (0: no returns).
    pub return_window_days: i64,
    /// How long after an unpaid checkout its reminder is sent (to those who asked).
    pub reminder_delay_seconds: i64,
    /// How long raw journey events are kept before the purge (rollups stay).
    pub event_retention_days: i64,
    /// Bytes of kept pages (all encodings) per server; 0 turns the page cache off.
    pub page_cache_bytes: u64,
    /// Both set: payments go through Stripe; neither: the built-in demo provider.
    pub stripe_secret_key: Option<Secret>,
    pub stripe_webhook_secret: Option<Secret>,
    /// Where the Stripe client sends its requests (tests point it at a fake Stripe).
    pub stripe_api_base: Option<String>,
}

/// Who takes the money. The demo provider accepts test cards for free, so it runs only
/// when the operator asks for it or the store is only reachable from this machine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaymentsMode {
    Stripe,
    Demo,
}

/// The proxies whose `X-Forwarded-For` entries we believe. Everything left of the last
/// trusted hop was written by the client and is ignored.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum TrustedProxies {
    /// The socket peer is the client.
    #[default]
    None,
    /// This many proxies append to `X-Forwarded-For` before us.
    Hops(usize),
    /// Peers (and forwarded hops) inside these networks are proxies.
    Networks(Vec<ipnet::IpNet>),
}

impl TrustedProxies {
    fn parse(text: &str) -> Result<TrustedProxies, ConfigError> {
        let text = text.trim();
        let err = || {
            ConfigError {
            variable: "STOREFRONT_TRUST_PROXY",
            message: format!(
                "\"{text}\" must be a number of proxies (1 to 10) or a list of CIDRs like 10.0.0.0/8,192.168.1.10/32"
            ),
        }
        };
        if text.is_empty() || text == "0" {
            return Ok(TrustedProxies::None);
        }
        if let Ok(hops) = text.parse::<usize>() {
            return if (1..=10).contains(&hops) {
                Ok(TrustedProxies::Hops(hops))
            } else {
                Err(err())
            };
        }
        text.split(',')
            .map(|part| {
                let part = part.trim();
                part.parse::<ipnet::IpNet>()
                    .or_else(|_| part.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                    .map_err(|_| err())
            })
            .collect::<Result<Vec<_>, _>>()
            .map(TrustedProxies::Networks)
    }

    /// The client's address: the socket peer, or the address the last trusted proxy saw.
    pub fn client_ip(
        &self,
        peer: Option<std::net::IpAddr>,
        forwarded_for: &[&str],
    ) -> Option<std::net::IpAddr> {
        // Entries are appended by each proxy, so the trustworthy ones are on the right.
        let hops: Vec<Option<std::net::IpAddr>> = forwarded_for
            .iter()
            .flat_map(|header| header.split(','))
            .map(|entry| entry.trim().parse().ok())
            .collect();
        match self {
            TrustedProxies::None => peer,
            TrustedProxies::Hops(count) => {
                if hops.len() >= *count {
                    hops[hops.len() - count]
                } else {
                    // Fewer entries than proxies: the request skipped one; trust nothing.
                    peer
                }
            }
            TrustedProxies::Networks(networks) => {
                let trusted = |ip: &std::net::IpAddr| networks.iter().any(|n| n.contains(ip));
                let mut seen = peer?;
                for hop in hops.iter().rev() {
                    if !trusted(&seen) {
                        break;
                    }
                    match hop {
                        Some(ip) => seen = *ip,
                        None => break,
                    }
                }
                Some(seen)
            }
        }
    }
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
                if !(url.starts_with("http://") || url.starts_with("https://"))
                    || url.len() < 10
                    || crate::security::PublicOrigin::from_url(&url).is_none()
                {
                    return Err(ConfigError {
                        variable: "STOREFRONT_PUBLIC_URL",
                        message: format!("\"{url}\" must be an absolute http(s) URL"),
                    });
                }
                url
            }
            None => format!("http://{addr}"),
        };

        let window_text = lookup("STOREFRONT_RETURN_WINDOW_DAYS").unwrap_or_else(|| "30".into());
        let return_window_days = match window_text.trim().parse::<i64>() {
            Ok(days) if (0..=365).contains(&days) => days,
            _ => {
                return Err(ConfigError {
                    variable: "STOREFRONT_RETURN_WINDOW_DAYS",
                    message: format!(
                        "\"{window_text}\" must be a whole number of days from 0 to 365"
                    ),
                })
            }
        };

        let delay_text =
            lookup("STOREFRONT_REMINDER_DELAY_MINUTES").unwrap_or_else(|| "240".into());
        let reminder_delay_seconds = match delay_text.trim().parse::<i64>() {
            Ok(minutes) if (5..=7 * 24 * 60).contains(&minutes) => minutes * 60,
            _ => {
                return Err(ConfigError {
                    variable: "STOREFRONT_REMINDER_DELAY_MINUTES",
                    message: format!(
                        "\"{delay_text}\" must be a whole number of minutes from 5 to 10080"
                    ),
                })
            }
        };

        let retention_text =
            lookup("STOREFRONT_EVENT_RETENTION_DAYS").unwrap_or_else(|| "396".into());
        let event_retention_days = match retention_text.trim().parse::<i64>() {
            Ok(days) if (31..=3650).contains(&days) => days,
            _ => {
                return Err(ConfigError {
                    variable: "STOREFRONT_EVENT_RETENTION_DAYS",
                    message: format!(
                        "\"{retention_text}\" must be a whole number of days from 31 to 3650"
                    ),
                })
            }
        };

        let cache_text = lookup("STOREFRONT_PAGE_CACHE_MB").unwrap_or_else(|| "32".into());
        let page_cache_bytes = match cache_text.trim().parse::<u64>() {
            Ok(megabytes) if megabytes <= 4096 => megabytes * 1024 * 1024,
            _ => {
                return Err(ConfigError {
                    variable: "STOREFRONT_PAGE_CACHE_MB",
                    message: format!(
                        "\"{cache_text}\" must be a whole number of megabytes from 0 to 4096"
                    ),
                })
            }
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
        let payments = match lookup("STOREFRONT_PAYMENTS")
            .map(|v| v.trim().to_ascii_lowercase())
            .filter(|v| !v.is_empty())
            .as_deref()
        {
            Some("demo") if stripe_secret_key.is_some() => {
                return Err(ConfigError {
                    variable: "STOREFRONT_PAYMENTS",
                    message: "is demo, but Stripe keys are set; unset STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET for a demo store".into(),
                })
            }
            Some("demo") => PaymentsMode::Demo,
            Some("stripe") | None if stripe_secret_key.is_some() => PaymentsMode::Stripe,
            None if crate::security::PublicOrigin::from_url(&public_url)
                .is_some_and(|origin| origin.is_loopback()) =>
            {
                PaymentsMode::Demo
            }
            Some("stripe") | None => {
                return Err(ConfigError {
                    variable: "STRIPE_SECRET_KEY",
                    message: "STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET are required to take payments (or set STOREFRONT_PAYMENTS=demo for a store that takes no real money)".into(),
                })
            }
            Some(other) => {
                return Err(ConfigError {
                    variable: "STOREFRONT_PAYMENTS",
                    message: format!("\"{other}\" must be stripe or demo"),
                })
            }
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
            payments,
            checkout_hold_seconds,
            return_window_days,
            reminder_delay_seconds,
            event_retention_days,
            page_cache_bytes,
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
            trust_proxy: TrustedProxies::parse(
                &lookup("STOREFRONT_TRUST_PROXY").unwrap_or_default(),
            )?,
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
        assert_eq!(config(&[]).unwrap().return_window_days, 30);
        assert_eq!(config(&[]).unwrap().reminder_delay_seconds, 4 * 3600);
        assert!(config(&[("STOREFRONT_REMINDER_DELAY_MINUTES", "1")]).is_err());
        assert_eq!(config(&[]).unwrap().event_retention_days, 396);
        assert!(config(&[("STOREFRONT_EVENT_RETENTION_DAYS", "7")]).is_err());
        assert_eq!(config(&[]).unwrap().page_cache_bytes, 32 * 1024 * 1024);
        assert_eq!(
            config(&[("STOREFRONT_PAGE_CACHE_MB", "0")])
                .unwrap()
                .page_cache_bytes,
            0
        );
        assert!(config(&[("STOREFRONT_PAGE_CACHE_MB", "lots")]).is_err());
        assert!(config(&[("STOREFRONT_RETURN_WINDOW_DAYS", "400")]).is_err());
        assert!(config(&[("STOREFRONT_RETURN_WINDOW_DAYS", "a month")]).is_err());
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
    fn demo_payments_only_when_asked_or_on_this_machine() {
        assert_eq!(config(&[]).unwrap().payments, PaymentsMode::Demo);
        for local in [
            "http://localhost:3000",
            "http://[::1]:8080",
            "http://127.0.0.1",
        ] {
            let c = config(&[("STOREFRONT_PUBLIC_URL", local)]).unwrap();
            assert_eq!(c.payments, PaymentsMode::Demo, "{local}");
        }
        let refused = config(&[("STOREFRONT_PUBLIC_URL", "https://shop.example.com")]).unwrap_err();
        assert_eq!(refused.variable, "STRIPE_SECRET_KEY");
        assert!(refused.to_string().contains("STRIPE_WEBHOOK_SECRET"));
        assert!(refused.to_string().contains("STOREFRONT_PAYMENTS=demo"));
        let asked = config(&[
            ("STOREFRONT_PUBLIC_URL", "https://shop.example.com"),
            ("STOREFRONT_PAYMENTS", "demo"),
        ])
        .unwrap();
        assert_eq!(asked.payments, PaymentsMode::Demo);
        let keys = [
            ("STOREFRONT_PUBLIC_URL", "https://shop.example.com"),
            ("STRIPE_SECRET_KEY", "sk_test_1"),
            ("STRIPE_WEBHOOK_SECRET", "whsec_1"),
        ];
        assert_eq!(config(&keys).unwrap().payments, PaymentsMode::Stripe);
        assert!(config(&[("STOREFRONT_PAYMENTS", "stripe")]).is_err());
        assert!(config(&[("STOREFRONT_PAYMENTS", "free")]).is_err());
        assert!(config(&[keys[1], keys[2], ("STOREFRONT_PAYMENTS", "demo")]).is_err());
    }

    #[test]
    fn only_declared_proxies_are_believed() {
        let ip = |s: &str| Some(s.parse::<std::net::IpAddr>().unwrap());
        let peer = ip("10.0.0.5");
        // The client wrote "6.6.6.6" itself; the proxy appended what it saw.
        let xff = ["6.6.6.6, 203.0.113.9"];
        let none = TrustedProxies::parse("").unwrap();
        assert_eq!(none.client_ip(peer, &xff), peer);
        let one = TrustedProxies::parse("1").unwrap();
        assert_eq!(one.client_ip(peer, &xff), ip("203.0.113.9"));
        let two = TrustedProxies::parse("2").unwrap();
        assert_eq!(
            two.client_ip(peer, &["6.6.6.6, 203.0.113.9, 10.0.0.7"]),
            ip("203.0.113.9")
        );
        assert_eq!(two.client_ip(peer, &["203.0.113.9"]), peer, "a hop missing");
        let cidrs = TrustedProxies::parse("10.0.0.0/8, 192.168.1.10").unwrap();
        assert_eq!(
            cidrs.client_ip(peer, &["6.6.6.6, 203.0.113.9, 10.1.2.3"]),
            ip("203.0.113.9")
        );
        assert_eq!(
            cidrs.client_ip(ip("198.51.100.1"), &xff),
            ip("198.51.100.1"),
            "a peer that is not our proxy is the client"
        );
        assert!(TrustedProxies::parse("yes").is_err());
        assert!(TrustedProxies::parse("11").is_err());
    }

    #[test]
    fn public_url_is_normalised() {
        let c = config(&[
            ("STOREFRONT_PUBLIC_URL", "https://shop.example.com/"),
            ("STOREFRONT_PAYMENTS", "demo"),
        ])
        .unwrap();
        assert_eq!(c.public_url, "https://shop.example.com");
        assert!(config(&[("STOREFRONT_PUBLIC_URL", "shop.example.com")]).is_err());
    }
}
