//! `cargo xtask fuzz [SECONDS]`: every cargo-fuzz target in `tests/fuzz` for a bounded time
//! (default 60 s each). The stable toolchain runs libFuzzer's instrumentation with
//! `RUSTC_BOOTSTRAP=1` (the one toolchain here; no nightly can be fetched), without a
//! sanitizer. A crash leaves its input under `tests/fuzz/artifacts/`; turn it into a unit
//! test beside the code it broke.

use crate::tools::{have, run_cmd, workspace_root};
use anyhow::Result;
use std::process::Command;

const CARGO_FUZZ_VERSION: &str = "0.13.2";
const TARGETS: &[&str] = &[
    "query_params",
    "form_bodies",
    "webhook_bodies",
    "markdown",
    "money_slugs_emails",
];

pub fn fuzz(args: &[String]) -> Result<()> {
    let seconds: u64 = args.first().and_then(|s| s.parse().ok()).unwrap_or(60);
    if !have("cargo-fuzz") {
        run_cmd(Command::new("cargo").args([
            "install",
            "cargo-fuzz",
            "--version",
            CARGO_FUZZ_VERSION,
            "--locked",
        ]))?;
    }
    let fuzz_dir = workspace_root().join("tests/fuzz");
    for target in TARGETS {
        eprintln!("\n==> fuzz {target} for {seconds} s");
        run_cmd(
            Command::new("cargo")
                .args(["fuzz", "run", "--fuzz-dir"])
                .arg(&fuzz_dir)
                .args(["--sanitizer", "none", target, "--"])
                .arg(format!("-max_total_time={seconds}"))
                .env("RUSTC_BOOTSTRAP", "1")
                .current_dir(workspace_root()),
        )?;
    }
    Ok(())
}
