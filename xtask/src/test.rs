//! `cargo xtask test`: everything CI runs — formatting, lints, unit and integration tests
//! on SQLite and PostgreSQL, then browser tests in headless Chromium, sharing one build.

use crate::tools::{
    ensure_build_tools, ensure_chromium, ensure_node, leptos_build_env, run_cmd, shared_build_env,
    workspace_root,
};
use anyhow::{bail, Context, Result};
use std::net::{TcpListener, TcpStream, ToSocketAddrs};
use std::path::Path;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

const PLAYWRIGHT_CORE_VERSION: &str = "1.64.1";
/// The accessibility checker every screenshot runs (tests/browser/harness.mjs).
const AXE_CORE_VERSION: &str = "4.14.1";
const DEFAULT_TEST_DATABASE_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

fn require_all() -> bool {
    std::env::var("STOREFRONT_REQUIRE_ALL").as_deref() == Ok("1")
}

pub fn test() -> Result<()> {
    let root = workspace_root();
    let started = Instant::now();
    ensure_build_tools(false)?;

    step("format");
    run_cmd(
        Command::new("cargo")
            .args(["fmt", "--all", "--", "--check"])
            .current_dir(&root),
    )?;

    step("clippy (server and browser code)");
    run_cmd(shared_build_env(
        Command::new("cargo")
            .args([
                "clippy",
                "--workspace",
                "--all-targets",
                "--",
                "-D",
                "warnings",
            ])
            .current_dir(&root),
    ))?;
    run_cmd(
        Command::new("cargo")
            .args([
                "clippy",
                "-p",
                "app",
                "--no-default-features",
                "--features",
                "hydrate",
                "--target",
                "wasm32-unknown-unknown",
                "--",
                "-D",
                "warnings",
            ])
            .current_dir(&root),
    )?;

    step("build (cargo leptos build)");
    run_cmd(leptos_build_env(
        Command::new("cargo")
            .args(["leptos", "build"])
            .current_dir(&root),
    ))?;
    crate::precompress::precompress_pkg(&root, false)?;

    step("unit and integration tests (SQLite and PostgreSQL)");
    let database_url =
        std::env::var("TEST_DATABASE_URL").unwrap_or_else(|_| DEFAULT_TEST_DATABASE_URL.into());
    let postgres_up = postgres_reachable(&database_url);
    let mut cargo_test = Command::new("cargo");
    cargo_test
        .args(["test", "--workspace"])
        .env("TEST_DATABASE_URL", &database_url)
        .current_dir(&root);
    if !postgres_up {
        if require_all() {
            bail!("PostgreSQL is not reachable at {database_url} and STOREFRONT_REQUIRE_ALL=1");
        }
        eprintln!("SKIPPED: PostgreSQL is not reachable at {database_url}; integration tests run on SQLite only");
        cargo_test.env("STOREFRONT_SKIP_POSTGRES", "1");
    }
    run_cmd(shared_build_env(&mut cargo_test))?;

    step("browser tests (headless Chromium, hydrated and without JavaScript)");
    browser_tests(&root)?;

    eprintln!(
        "\nall checks passed in {:.0}s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn step(name: &str) {
    eprintln!("\n==> {name}");
}

fn postgres_reachable(url: &str) -> bool {
    let rest = url.split("://").nth(1).unwrap_or("");
    let host_port = rest
        .split('@')
        .next_back()
        .unwrap_or("")
        .split('/')
        .next()
        .unwrap_or("");
    let host_port = if host_port.contains(':') {
        host_port.to_string()
    } else {
        format!("{host_port}:5432")
    };
    host_port
        .to_socket_addrs()
        .ok()
        .and_then(|mut addrs| addrs.next())
        .map(|addr| TcpStream::connect_timeout(&addr, Duration::from_secs(2)).is_ok())
        .unwrap_or(false)
}

fn browser_tests(root: &Path) -> Result<()> {
    let chromium = ensure_chromium()?;
    if !chromium {
        if require_all() {
            bail!("Chromium is not available and STOREFRONT_REQUIRE_ALL=1");
        }
        eprintln!("SKIPPED: browser tests (no Chromium on this machine)");
        return Ok(());
    }
    ensure_node()?;
    let browser_dir = root.join("tests/browser");
    let axe_ok = std::fs::read_to_string(browser_dir.join("node_modules/axe-core/package.json"))
        .is_ok_and(|p| p.contains(&format!("\"version\": \"{AXE_CORE_VERSION}\"")));
    if !browser_dir.join("node_modules/playwright-core").exists() || !axe_ok {
        // One install for both: a later `--no-save` install would prune the other.
        run_cmd(
            Command::new("npm")
                .args(["install", "--no-audit", "--no-fund", "--no-save"])
                .arg(format!("playwright-core@{PLAYWRIGHT_CORE_VERSION}"))
                .arg(format!("axe-core@{AXE_CORE_VERSION}"))
                .current_dir(&browser_dir),
        )?;
    }

    let scratch = root.join("target/browser-test");
    let _ = std::fs::remove_dir_all(&scratch);
    std::fs::create_dir_all(&scratch)?;
    let port = free_port()?;
    let database_url = format!("sqlite://{}/store.db", scratch.display());
    let bin = root.join("target/debug/storefront");
    let env = |cmd: &mut Command| {
        cmd.current_dir(root)
            .env("DATABASE_URL", &database_url)
            .env("STOREFRONT_MEDIA_DIR", scratch.join("media"))
            .env("STOREFRONT_ADDR", format!("127.0.0.1:{port}"))
            .env("RUST_LOG", "warn");
    };
    let mut seed = Command::new(&bin);
    seed.arg("seed-demo");
    env(&mut seed);
    run_cmd(&mut seed)?;

    // The admin tests sign in as a marketing user, the ticket test as a sales user, both
    // made the way an operator would.
    for (email, role) in [(STAFF_EMAIL, "marketing"), (SALES_EMAIL, "sales")] {
        let mut staff = Command::new(&bin);
        staff
            .args([
                "admin",
                "create",
                "--email",
                email,
                "--role",
                role,
                "--password-stdin",
            ])
            .stdin(std::process::Stdio::piped());
        env(&mut staff);
        let mut child = staff
            .spawn()
            .context("creating the browser tests' staff users")?;
        {
            use std::io::Write;
            let mut stdin = child
                .stdin
                .take()
                .context("stdin of storefront admin create")?;
            writeln!(stdin, "{STAFF_PASSWORD}")?;
        }
        if !child.wait()?.success() {
            bail!("storefront admin create failed");
        }
    }

    let mut serve = Command::new(&bin);
    serve.arg("serve");
    env(&mut serve);
    let server = ServerGuard(serve.spawn().context("starting the storefront server")?);
    wait_for_server(port)?;

    let mut result = Ok(());
    for file in [
        "catalog.test.mjs",
        "admin.test.mjs",
        "learn.test.mjs",
        "checkout.test.mjs",
        "tickets.test.mjs",
    ] {
        let run = run_cmd(
            Command::new("node")
                .arg(file)
                .env("BASE_URL", format!("http://127.0.0.1:{port}"))
                .env("SCREENSHOT_DIR", scratch.join("screenshots"))
                .env("STAFF_EMAIL", STAFF_EMAIL)
                .env("STAFF_PASSWORD", STAFF_PASSWORD)
                .env("SALES_EMAIL", SALES_EMAIL)
                .current_dir(&browser_dir),
        );
        if run.is_err() && result.is_ok() {
            result = run;
        }
    }
    drop(server);
    result
}

const STAFF_EMAIL: &str = "marketing@example.com";
const SALES_EMAIL: &str = "sales@example.com";
const STAFF_PASSWORD: &str = "correct horse battery staple";

/// Kills the server when the test run ends, however it ends.
struct ServerGuard(Child);

impl Drop for ServerGuard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// Polls /healthz until the server answers 200 (a browser test must not start earlier).
pub fn wait_for_server(port: u16) -> Result<()> {
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) {
            use std::io::{Read, Write};
            let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
            let _ = stream.write_all(b"GET /healthz HTTP/1.0\r\nHost: localhost\r\n\r\n");
            let mut response = String::new();
            let _ = stream.read_to_string(&mut response);
            if response.starts_with("HTTP/1.0 200") || response.starts_with("HTTP/1.1 200") {
                return Ok(());
            }
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    bail!("the server on port {port} did not become healthy within 60 s")
}
