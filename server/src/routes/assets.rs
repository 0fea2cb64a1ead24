//! The built assets (`/pkg/…`) of this build and of the builds before it. cargo-leptos
//! replaces `target/site/pkg` on every build and names files by their content hash, so a
//! page rendered by an older build (a server not yet restarted, or another app server in a
//! rolling deploy) asks for files the disk no longer has. Every server publishes its own
//! files into the shared database at start-up; `/pkg` serves from disk first and from the
//! database after, so pages of either build load. Files unpublished for a week are removed.

use app::db::Db;
use app::ui::build_assets::BuildAssets;
use axum::extract::State;
use axum::http::{header, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use sqlx::Row;

/// How long a build's files stay servable after the last server that had them started.
const KEEP_SECONDS: i64 = 7 * 24 * 3600;

/// Stores every file of `pkg_dir` (hashed names only; without hashing a name means
/// another file in every build, and nothing could be kept apart). Returns how many.
pub async fn publish_build_assets(db: &Db, pkg_dir: &std::path::Path) -> anyhow::Result<usize> {
    let now = app::db::now_unix();
    let mut published = 0;
    let entries = match std::fs::read_dir(pkg_dir) {
        Ok(entries) => entries,
        // No build here (tests, a CLI command): nothing to publish.
        Err(_) => return Ok(0),
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        if !is_hashed_name(&name) || !entry.path().is_file() {
            continue;
        }
        // A hashed name is its content: a file another server (or an earlier start) stored
        // only has its date renewed; the bytes are read and sent once per build.
        let renewed = sqlx::query("UPDATE build_assets SET published_at = $1 WHERE name = $2")
            .bind(now)
            .bind(&name)
            .execute(db.pool())
            .await?;
        if renewed.rows_affected() == 0 {
            sqlx::query(
                "INSERT INTO build_assets (name, content_type, body, published_at) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (name) DO UPDATE SET published_at = excluded.published_at",
            )
            .bind(&name)
            .bind(content_type(&name))
            .bind(std::fs::read(entry.path())?)
            .bind(now)
            .execute(db.pool())
            .await?;
        }
        published += 1;
    }
    sqlx::query("DELETE FROM build_assets WHERE published_at < $1")
        .bind(now - KEEP_SECONDS)
        .execute(db.pool())
        .await?;
    Ok(published)
}

/// The built stylesheet's text (`None` without a build).
pub fn built_stylesheet(pkg_dir: &std::path::Path, assets: &BuildAssets) -> Option<String> {
    std::fs::read_to_string(pkg_dir.join(&assets.css)).ok()
}

/// Refuses to start a hashing build whose files are not where pages will ask for them:
/// every page would lose its CSS and scripts, so it is better to say so at once.
pub fn check_build_assets(pkg_dir: &std::path::Path, assets: &BuildAssets) -> anyhow::Result<()> {
    for file in [&assets.css, &assets.js, &assets.wasm] {
        if !pkg_dir.join(file).is_file() {
            anyhow::bail!(
                "{file} is missing from {} (named in the build's hash.txt): build again with `cargo leptos build`, or point LEPTOS_SITE_ROOT at the build this binary came from",
                pkg_dir.display(),
            );
        }
    }
    Ok(())
}

/// "storefront.BH9k1MRILyf5IIuRXsoPaA.js": a name, a content hash, an extension.
fn is_hashed_name(name: &str) -> bool {
    let parts: Vec<&str> = name.split('.').collect();
    parts.len() >= 3
        && parts[parts.len() - 2].len() >= 16
        && parts[parts.len() - 2]
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

fn content_type(name: &str) -> &'static str {
    match name.rsplit('.').next() {
        Some("js") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("wasm") => "application/wasm",
        _ => "application/octet-stream",
    }
}

/// GET /pkg/{file} when the file is not on this server's disk: an earlier (or other)
/// build's file from the database; 404 when no build had it.
pub async fn archived_asset(State(db): State<Db>, uri: Uri) -> Response {
    // Served under /pkg, so the path here is "/{file}".
    let name = uri.path().rsplit('/').next().unwrap_or("").to_string();
    if !is_hashed_name(&name) {
        return StatusCode::NOT_FOUND.into_response();
    }
    let row = sqlx::query("SELECT content_type, body FROM build_assets WHERE name = $1")
        .bind(&name)
        .fetch_optional(db.pool())
        .await;
    match row {
        Ok(Some(row)) => {
            let content_type: String = row.try_get("content_type").unwrap_or_default();
            let body: Vec<u8> = row.try_get("body").unwrap_or_default();
            (
                [
                    (header::CONTENT_TYPE, content_type),
                    (
                        header::CACHE_CONTROL,
                        "public, max-age=31536000, immutable".to_string(),
                    ),
                ],
                body,
            )
                .into_response()
        }
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(error) => {
            tracing::warn!(%error, "could not read an archived asset");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_build_whose_files_are_missing_refuses_to_start() {
        let dir = std::env::temp_dir().join(format!("sf-assets-{}", std::process::id()));
        let pkg = dir.join("pkg");
        std::fs::create_dir_all(&pkg).unwrap();
        let assets = app::ui::build_assets::BuildAssets::from_hash_file(
            "storefront",
            "js: AAAAAAAAAAAAAAAAAAAAAA\ncss: BBBBBBBBBBBBBBBBBBBBBB\nwasm: CCCCCCCCCCCCCCCCCCCCCC\n",
        );
        std::fs::write(pkg.join("storefront.AAAAAAAAAAAAAAAAAAAAAA.js"), "js").unwrap();
        std::fs::write(pkg.join("storefront.CCCCCCCCCCCCCCCCCCCCCC.wasm"), "wasm").unwrap();
        let missing = super::check_build_assets(&pkg, &assets).unwrap_err();
        assert!(missing
            .to_string()
            .contains("storefront.BBBBBBBBBBBBBBBBBBBBBB.css is missing"));
        std::fs::write(pkg.join("storefront.BBBBBBBBBBBBBBBBBBBBBB.css"), "css").unwrap();
        assert!(super::check_build_assets(&pkg, &assets).is_ok());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn only_content_hashed_files_are_kept() {
        assert!(super::is_hashed_name(
            "storefront.BH9k1MRILyf5IIuRXsoPaA.js"
        ));
        assert!(super::is_hashed_name(
            "storefront.cggoWPVHNrAZSM92oq7UOA.wasm"
        ));
        assert!(!super::is_hashed_name("storefront.js"));
        assert!(!super::is_hashed_name("storefront_bg.wasm"));
    }
}
