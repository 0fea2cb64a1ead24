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
