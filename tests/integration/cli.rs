//! The `storefront` binary's command line.

use std::process::Command;

#[test]
fn malformed_database_url_exits_with_one_clear_line() {
    for url in [
        "mysql://localhost/db",
        "postgres://user@host:badport/db",
        "nonsense",
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_storefront"))
            .arg("migrate")
            .env("DATABASE_URL", url)
            .output()
            .unwrap();
        assert!(!out.status.success(), "{url}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
        assert!(stderr.contains("DATABASE_URL"), "{stderr}");
    }
}

#[test]
fn unknown_command_is_refused_with_usage() {
    let out = Command::new(env!("CARGO_BIN_EXE_storefront"))
        .arg("frobnicate")
        .env("DATABASE_URL", "sqlite://target/cli-test.db")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("usage: storefront"));
}

#[test]
fn reconcile_runs_once_and_says_what_it_did() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("cli-reconcile");
    let _ = std::fs::remove_dir_all(&dir);
    let url = format!("sqlite://{}", dir.join("store.db").display());
    let out = Command::new(env!("CARGO_BIN_EXE_storefront"))
        .arg("reconcile")
        .env("DATABASE_URL", &url)
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "reconciled: 0 paid order(s) completed, 0 unpaid order(s) expired"
    );
}
