//! Structured logs with `tracing`: human-readable by default, JSON lines in production.

use tracing_subscriber::EnvFilter;

pub fn init(filter: &str, json: bool) {
    let filter = EnvFilter::try_new(effective_filter(filter))
        .unwrap_or_else(|_| EnvFilter::new(effective_filter("info")));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false);
    // try_init: tests start several servers in one process and only the first may install.
    let _ = if json {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}

/// The operator's filter, with the Stripe webhook crate silenced unless they name it.
/// That crate logs at ERROR (through `#[instrument(err)]`) every event it cannot type at
/// its pinned API version, although we then read and apply the event from its JSON; our
/// own "payment event processed" lines report every event, and real problems (a bad
/// signature, an amount that does not match) are logged by us at the level they deserve.
fn effective_filter(filter: &str) -> String {
    if filter.contains("stripe_webhook") {
        filter.to_string()
    } else {
        format!("{filter},stripe_webhook=off")
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn normal_webhook_traffic_is_not_an_error() {
        assert_eq!(
            super::effective_filter("info,sqlx=warn"),
            "info,sqlx=warn,stripe_webhook=off"
        );
        assert_eq!(
            super::effective_filter("debug,stripe_webhook=trace"),
            "debug,stripe_webhook=trace"
        );
    }
}
