//! `cargo xtask run`: install what is missing, build, migrate, seed when empty, serve.

use crate::tools::{ensure_build_tools, leptos_build_env, run_cmd, workspace_root};
use anyhow::Result;
use std::process::Command;

pub fn run() -> Result<()> {
    ensure_build_tools(false)?;
    let root = workspace_root();
    run_cmd(leptos_build_env(
        Command::new("cargo")
            .args(["leptos", "build"])
            .current_dir(&root),
    ))?;
    crate::precompress::precompress_pkg(&root, false)?;
    let bin = root.join("target/debug/storefront");
    let storefront = || {
        let mut cmd = Command::new(&bin);
        cmd.current_dir(&root);
        cmd
    };
    run_cmd(storefront().arg("migrate"))?;
    run_cmd(storefront().arg("seed-demo"))?;
    let addr = std::env::var("STOREFRONT_ADDR").unwrap_or_else(|_| "127.0.0.1:3000".into());
    eprintln!();
    eprintln!("Storefront is starting on http://{addr}  (Ctrl-C stops it)");
    eprintln!(
        "Data lives in {}",
        std::env::var("DATABASE_URL").unwrap_or_else(|_| "sqlite://data/storefront.db".into())
    );
    eprintln!("Staff sign in at /login. Create the first admin (prints a one-time password) with:");
    eprintln!("  target/debug/storefront admin create --email you@example.com --role admin");
    eprintln!();
    run_cmd(storefront().arg("serve"))
}
