//! Installs what the build needs, each piece only when it is missing (see
//! ../shared/TOOLCHAIN.md for why these exact commands: no GitHub downloads here).

use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use std::process::Command;

pub const CARGO_LEPTOS_VERSION: &str = "0.3.11";
const BINARYEN_NPM_VERSION: &str = "132.0.0";

pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf()
}

/// Runs a command, echoing it, failing with its name when it fails.
pub fn run_cmd(cmd: &mut Command) -> Result<()> {
    eprintln!("+ {}", describe(cmd));
    let status = cmd
        .status()
        .with_context(|| format!("starting {}", describe(cmd)))?;
    if !status.success() {
        bail!("{} failed ({status})", describe(cmd));
    }
    Ok(())
}

pub fn describe(cmd: &Command) -> String {
    let mut s = cmd.get_program().to_string_lossy().to_string();
    for a in cmd.get_args() {
        s.push(' ');
        s.push_str(&a.to_string_lossy());
    }
    s
}

fn output_of(program: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(program).args(args).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).to_string())
}

/// True when `program` is an executable file on PATH (not every tool has `--version`:
/// wrk exits non-zero for it).
pub fn have(program: &str) -> bool {
    std::env::var_os("PATH")
        .map(|path| std::env::split_paths(&path).any(|dir| dir.join(program).is_file()))
        .unwrap_or(false)
}

/// The wasm-bindgen version the lockfile pins; the CLI must match it exactly.
pub fn locked_wasm_bindgen_version() -> Result<String> {
    let lock = std::fs::read_to_string(workspace_root().join("Cargo.lock"))
        .context("reading Cargo.lock")?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == "name = \"wasm-bindgen\"" {
            if let Some(v) = lines
                .next()
                .and_then(|l| l.trim().strip_prefix("version = "))
            {
                return Ok(v.trim_matches('"').to_string());
            }
        }
    }
    bail!("wasm-bindgen is not in Cargo.lock")
}

/// wasm32 target, cargo-leptos and wasm-bindgen-cli; with `release`, also wasm-opt.
pub fn ensure_build_tools(release: bool) -> Result<()> {
    let targets = output_of("rustup", &["target", "list", "--installed"]).unwrap_or_default();
    if !targets
        .lines()
        .any(|t| t.trim() == "wasm32-unknown-unknown")
    {
        run_cmd(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))?;
    }

    let leptos_ok = output_of("cargo-leptos", &["--version"])
        .map(|v| v.contains(CARGO_LEPTOS_VERSION))
        .unwrap_or(false);
    if !leptos_ok {
        eprintln!("installing cargo-leptos {CARGO_LEPTOS_VERSION} (about 5 minutes, once)…");
        run_cmd(Command::new("cargo").args([
            "install",
            "cargo-leptos",
            "--version",
            CARGO_LEPTOS_VERSION,
            "--locked",
            "--ignore-rust-version",
            "--debug",
        ]))?;
    }

    let wanted = locked_wasm_bindgen_version()?;
    let bindgen_ok = output_of("wasm-bindgen", &["--version"])
        .map(|v| v.split_whitespace().nth(1) == Some(wanted.as_str()))
        .unwrap_or(false);
    if !bindgen_ok {
        eprintln!("installing wasm-bindgen-cli {wanted} (about 3 minutes, once)…");
        // No --locked: its lockfile names a webpki-roots version the registry lacks.
        run_cmd(Command::new("cargo").args([
            "install",
            "wasm-bindgen-cli",
            "--version",
            &wanted,
            "--force",
        ]))?;
    }

    if release {
        ensure_wasm_opt()?;
    }
    Ok(())
}

/// Folder for npm-installed helper tools (binaryen, playwright-core).
pub fn tools_dir() -> PathBuf {
    workspace_root().join(".tools")
}

/// Binaryen from npm (never Debian's wasm-opt 108, which breaks the WASM).
fn ensure_wasm_opt() -> Result<()> {
    let bin = tools_dir().join("node_modules/.bin/wasm-opt");
    if !bin.exists() {
        ensure_node()?;
        std::fs::create_dir_all(tools_dir())?;
        run_cmd(Command::new("npm").args([
            "install",
            "--no-audit",
            "--no-fund",
            "--prefix",
            &tools_dir().to_string_lossy(),
            &format!("binaryen@{BINARYEN_NPM_VERSION}"),
        ]))?;
    }
    Ok(())
}

/// PATH with our npm tools first, so cargo-leptos finds wasm-opt there.
pub fn path_with_tools() -> String {
    let mut path = tools_dir()
        .join("node_modules/.bin")
        .to_string_lossy()
        .to_string();
    if let Ok(existing) = std::env::var("PATH") {
        path.push(':');
        path.push_str(&existing);
    }
    path
}

pub fn ensure_node() -> Result<()> {
    if have("node") && have("npm") {
        return Ok(());
    }
    apt_install(&["nodejs", "npm"])
}

fn is_root() -> bool {
    output_of("id", &["-u"])
        .map(|s| s.trim() == "0")
        .unwrap_or(false)
}

/// Installs Debian packages when we can (root with apt-get); otherwise explains.
pub fn apt_install(packages: &[&str]) -> Result<()> {
    if !is_root() || !have_apt() {
        bail!(
            "missing {}: install them with your package manager (Debian: apt-get install {})",
            packages.join(", "),
            packages.join(" ")
        );
    }
    run_cmd(Command::new("apt-get").arg("update").arg("-qq"))?;
    run_cmd(
        Command::new("apt-get")
            .args(["install", "-y", "-qq", "--no-install-recommends"])
            .args(packages)
            .env("DEBIAN_FRONTEND", "noninteractive"),
    )
}

fn have_apt() -> bool {
    Path::new("/usr/bin/apt-get").exists()
}

/// Chromium and chromedriver for browser tests; `Ok(false)` when they can't be had.
pub fn ensure_chromium() -> Result<bool> {
    if Path::new("/usr/bin/chromium").exists() {
        return Ok(true);
    }
    match apt_install(&["chromium"]) {
        Ok(()) => Ok(Path::new("/usr/bin/chromium").exists()),
        Err(error) => {
            eprintln!("could not install Chromium: {error:#}");
            Ok(false)
        }
    }
}

/// Environment for plain cargo calls (test, clippy), so they reuse the dependencies that
/// `cargo leptos build` compiled: cargo-leptos sets exactly these for its debug builds,
/// and a different RUSTFLAGS would rebuild everything.
pub fn shared_build_env(cmd: &mut Command) -> &mut Command {
    cmd.env("LEPTOS_OUTPUT_NAME", "storefront")
        .env("RUSTFLAGS", "--cfg erase_components")
        .env("PATH", path_with_tools())
}

/// Environment for `cargo leptos build`: RUSTFLAGS must be unset, because cargo-leptos
/// appends its own flags to any it finds (doubling them would again rebuild everything).
pub fn leptos_build_env(cmd: &mut Command) -> &mut Command {
    cmd.env_remove("RUSTFLAGS").env("PATH", path_with_tools())
}
