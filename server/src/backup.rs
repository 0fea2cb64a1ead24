//! `storefront backup FILE` and `storefront restore FILE` for SQLite stores: one archive
//! (tar) with a consistent copy of the live database, taken online with SQLite's
//! `VACUUM INTO` (readers and writers go on meanwhile; a plain file copy of a database in
//! WAL mode can miss or tear recent writes), and every uploaded file. PostgreSQL stores
//! use `pg_dump` / `pg_restore` (README, "Running in production").

use crate::config::Config;
use anyhow::{bail, Context};
use app::db::{Backend, Db};
use std::path::{Path, PathBuf};

/// The database's name inside the archive.
const DATABASE_ENTRY: &str = "storefront.db";
/// The uploads' folder inside the archive.
const MEDIA_ENTRY: &str = "media";

fn sqlite_path(config: &Config) -> anyhow::Result<PathBuf> {
    if Backend::from_url(&config.database_url) != Some(Backend::Sqlite) {
        bail!(
            "backup and restore handle SQLite stores; for PostgreSQL use pg_dump and pg_restore (README: Running in production)"
        );
    }
    let rest = config
        .database_url
        .trim_start_matches("sqlite:")
        .trim_start_matches("//");
    Ok(PathBuf::from(rest.split('?').next().unwrap_or(rest)))
}

/// Writes the archive to `file` (refusing to overwrite one).
pub async fn backup(config: &Config, file: &Path) -> anyhow::Result<()> {
    sqlite_path(config)?;
    if file.exists() {
        bail!("{} exists already; choose a new file name", file.display());
    }
    let db = Db::connect(&config.database_url).await?;
    let scratch = scratch_dir(file)?;
    let snapshot = scratch.join(DATABASE_ENTRY);
    // VACUUM INTO takes a read transaction: a consistent copy of the live store.
    sqlx::query("VACUUM INTO $1")
        .bind(snapshot.to_string_lossy().to_string())
        .execute(db.pool())
        .await
        .context("copying the database (VACUUM INTO)")?;
    db.close().await;
    let written = (|| -> anyhow::Result<()> {
        let out =
            std::fs::File::create(file).with_context(|| format!("creating {}", file.display()))?;
        let mut archive = tar::Builder::new(out);
        archive.append_path_with_name(&snapshot, DATABASE_ENTRY)?;
        if config.media_dir.is_dir() {
            archive.append_dir_all(MEDIA_ENTRY, &config.media_dir)?;
        }
        archive.into_inner()?.sync_all()?;
        Ok(())
    })();
    let _ = std::fs::remove_dir_all(&scratch);
    if written.is_err() {
        let _ = std::fs::remove_file(file);
    }
    written
}

/// Puts an archive back: the database file and the uploads. Run it with the store stopped;
/// the current database is kept beside it as `…db.before-restore`.
pub async fn restore(config: &Config, file: &Path) -> anyhow::Result<()> {
    let target = sqlite_path(config)?;
    let scratch = scratch_dir(&target)?;
    let unpacked = (|| -> anyhow::Result<()> {
        let input =
            std::fs::File::open(file).with_context(|| format!("opening {}", file.display()))?;
        tar::Archive::new(input)
            .unpack(&scratch)
            .with_context(|| format!("{} is not a storefront backup", file.display()))
    })();
    if let Err(error) = unpacked {
        let _ = std::fs::remove_dir_all(&scratch);
        return Err(error);
    }
    let snapshot = scratch.join(DATABASE_ENTRY);
    if !snapshot.is_file() {
        let _ = std::fs::remove_dir_all(&scratch);
        bail!("{} holds no database ({DATABASE_ENTRY})", file.display());
    }
    // The copy must open and be ours before anything is replaced.
    let check = Db::connect(&format!("sqlite://{}", snapshot.display())).await?;
    let orders: Result<i64, _> = sqlx::query_scalar("SELECT COUNT(*) FROM orders")
        .fetch_one(check.pool())
        .await;
    check.close().await;
    if orders.is_err() {
        let _ = std::fs::remove_dir_all(&scratch);
        bail!("{} holds a database that is not a store", file.display());
    }
    if target.exists() {
        let aside = PathBuf::from(format!("{}.before-restore", target.display()));
        std::fs::rename(&target, &aside)
            .with_context(|| format!("keeping the current database as {}", aside.display()))?;
    }
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", target.display()));
    }
    std::fs::rename(&snapshot, &target)
        .or_else(|_| std::fs::copy(&snapshot, &target).map(|_| ()))
        .with_context(|| format!("writing {}", target.display()))?;
    let media = scratch.join(MEDIA_ENTRY);
    if media.is_dir() {
        copy_tree(&media, &config.media_dir)?;
    }
    let _ = std::fs::remove_dir_all(&scratch);
    Ok(())
}

/// A fresh folder next to `beside` (same disk, so renames work).
fn scratch_dir(beside: &Path) -> anyhow::Result<PathBuf> {
    let parent = beside
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent)?;
    let dir = parent.join(format!(".storefront-backup-{}", app::token::new_id()));
    std::fs::create_dir(&dir).with_context(|| format!("creating {}", dir.display()))?;
    Ok(dir)
}

fn copy_tree(from: &Path, to: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_tree(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target)
                .with_context(|| format!("restoring {}", target.display()))?;
        }
    }
    Ok(())
}
