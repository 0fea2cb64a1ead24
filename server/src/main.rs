//! `storefront [serve|migrate|seed-demo]` — see `cli.rs`.

fn main() -> std::process::ExitCode {
    server::cli::main()
}
