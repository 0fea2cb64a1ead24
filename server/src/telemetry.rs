//! Structured logs with `tracing`: human-readable by default, JSON lines in production.

use tracing_subscriber::EnvFilter;

pub fn init(filter: &str, json: bool) {
    let filter = EnvFilter::try_new(filter).unwrap_or_else(|_| EnvFilter::new("info"));
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
