//! `cargo xtask run | test | bench | fuzz`: the project's two commands (and the benchmark
//! and the fuzzers),
//! including installing the tools they need on a machine that only has rustup.

mod bench;
mod fuzz;
mod precompress;
mod run;
mod test;
mod tools;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("run") => run::run(),
        Some("test") => test::test(),
        Some("bench") => bench::bench(&args[1..]),
        Some("fuzz") => fuzz::fuzz(&args[1..]),
        Some("install-tools") => tools::ensure_build_tools(false),
        _ => {
            eprintln!("usage: cargo xtask <run|test|bench [--pages]|fuzz [SECONDS]|install-tools>");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("xtask: {error:#}");
            ExitCode::FAILURE
        }
    }
}
