//! Integration tests: the real server on a random port, over real HTTP, against a fresh
//! SQLite file and a fresh PostgreSQL database — the same test code for both.

mod helpers;

mod accounts;
mod admin;
mod catalog;
mod checkout;
mod cli;
mod content;
mod hardening;
mod journey;
mod layering;
mod platform;
mod tickets;
