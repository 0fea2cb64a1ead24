//! Integration tests: the real server on a random port, over real HTTP, against a fresh
//! SQLite file and a fresh PostgreSQL database — the same test code for both.
//!
//! One folder per feature of `app/src`, each with its customer side (`customer.rs`) and,
//! where the feature has one, its staff side (`staff.rs`); `admin/` is the admin shell
//! itself. `helpers/` holds the server, the fixtures, the verbs tests are written in and
//! the fake Stripe. The files at the top are cross-cutting.

mod helpers;

mod accounts;
mod admin;
mod analytics;
mod cart;
mod catalog;
mod checkout;
mod content;
mod discounts;
mod journey;
mod tickets;

mod cli;
mod hardening;
mod layering;
mod page_cache;
mod platform;
