//! The `storefront` server: configuration, startup, plain HTTP endpoints, demo data and
//! the command line. `main.rs` only calls into here, so tests can start the real app.

pub mod backup;
pub mod bench;
pub mod bench_analytics;
pub mod cli;
pub mod compression;
pub mod config;
pub mod faults;
pub mod input;
pub mod mailer;
pub mod page_cache;
pub mod routes;
pub mod security;
pub mod seed;
pub mod startup;
pub mod telemetry;
