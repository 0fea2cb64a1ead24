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

/// A live SQLite store with an order and an upload is backed up while it serves, and the
/// archive restored on a "new machine" (another folder) brings both back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_of_a_live_store_restores_orders_and_uploads() {
    let root = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("cli-backup-{}", crate::helpers::unique_suffix()));
    let (live, restored) = (root.join("live"), root.join("restored"));
    let live_url = format!("sqlite://{}", live.join("store.db").display());
    let live_media = live.join("media");
    let media_setting = [("STOREFRONT_MEDIA_DIR", live_media.display().to_string())];
    let app = crate::helpers::spawn_app_on(&live_url, &media_setting).await;
    server::seed::seed_demo_store(&app.db).await.unwrap();
    let (_, slug) = app.product_with_stock(5).await;
    let pay = app.visitor().check_out(&slug, 2).await;
    let upload = format!("{}.png", app::token::new_id());
    std::fs::create_dir_all(live_media.join("products")).unwrap();
    std::fs::write(
        live_media.join("products").join(&upload),
        b"\x89PNG picture",
    )
    .unwrap();

    // Taken while the store serves (and keeps taking orders).
    let archive = root.join("store.backup");
    let storefront = |args: &[&str], url: &str, media: &std::path::Path| {
        Command::new(env!("CARGO_BIN_EXE_storefront"))
            .args(args)
            .env("DATABASE_URL", url)
            .env("STOREFRONT_MEDIA_DIR", media)
            .env("RUST_LOG", "warn")
            .output()
            .unwrap()
    };
    let archive_arg = archive.display().to_string();
    let out = storefront(&["backup", &archive_arg], &live_url, &live_media);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let again = storefront(&["backup", &archive_arg], &live_url, &live_media);
    assert!(
        !again.status.success(),
        "an existing backup is never overwritten"
    );

    let restored_url = format!("sqlite://{}", restored.join("store.db").display());
    let restored_media = restored.join("media");
    let out = storefront(&["restore", &archive_arg], &restored_url, &restored_media);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let bad = root.join("not-a-backup");
    std::fs::write(&bad, "hello").unwrap();
    let refused = storefront(
        &["restore", &bad.display().to_string()],
        &restored_url,
        &restored_media,
    );
    assert!(!refused.status.success());

    let back = crate::helpers::spawn_app_on(
        &restored_url,
        &[("STOREFRONT_MEDIA_DIR", restored_media.display().to_string())],
    )
    .await;
    let (session, quantity): (String, i64) = sqlx::query_as(
        "SELECT o.provider_session, l.quantity FROM orders o JOIN order_lines l ON l.order_id = o.id",
    )
    .fetch_one(back.db.pool())
    .await
    .unwrap();
    assert_eq!(format!("/pay/demo/{session}"), pay);
    assert_eq!(quantity, 2);
    let picture = back.get(&format!("/media/uploads/products/{upload}")).await;
    assert_eq!(picture.status, 200);
}
