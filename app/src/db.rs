//! The one database seam: a pool that speaks SQLite or PostgreSQL (chosen by the URL at
//! run time), migrations per backend, and the few places where the dialects differ.

use anyhow::Context;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor};
use std::str::FromStr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/postgres");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// Picks the backend from a `DATABASE_URL`; `None` when the scheme is neither.
    pub fn from_url(url: &str) -> Option<Backend> {
        if url.starts_with("sqlite:") {
            Some(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Some(Backend::Postgres)
        } else {
            None
        }
    }
}

#[derive(Clone, Debug)]
pub struct Db {
    pool: AnyPool,
    backend: Backend,
    /// False while the watchdog cannot reach the database: pages then answer 503 at once
    /// instead of each waiting for the pool's timeout.
    reachable: std::sync::Arc<std::sync::atomic::AtomicBool>,
    /// Tells this store's pool from another's in one process (the tests run several
    /// servers): what an app server keeps per database is keyed by it.
    id: u64,
}

/// What `/healthz` reports about the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DbHealth {
    Ok,
    /// Reads work, writes fail (a read-only file, a full disk, a standby server).
    ReadOnly,
    Unreachable,
}

impl DbHealth {
    pub fn label(self) -> &'static str {
        match self {
            DbHealth::Ok => "ok",
            DbHealth::ReadOnly => "read-only",
            DbHealth::Unreachable => "unreachable",
        }
    }
}

/// Whether a write failed on a unique constraint (a code, a checkout key taken by a
/// concurrent request), which callers turn into a message or a lookup of the winner.
pub fn is_unique_violation(error: &sqlx::Error) -> bool {
    error
        .as_database_error()
        .is_some_and(|d| d.is_unique_violation())
}

/// True for errors that mean "the database cannot serve us now" rather than "this request
/// is wrong": the server down or unreachable, the pool exhausted, a read-only or full
/// SQLite file, PostgreSQL shutting down or read-only. They become 503s with a message.
pub fn is_unavailable(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Database(db) => {
            let code = db.code().map(|c| c.to_string()).unwrap_or_default();
            if code.len() == 5 {
                // PostgreSQL SQLSTATE: connection exceptions (08…), insufficient
                // resources (53…: disk full, out of memory, too many connections),
                // shutting down or starting up (57P0…), read-only transaction (25006).
                code.starts_with("08")
                    || code.starts_with("53")
                    || code.starts_with("57P0")
                    || code == "25006"
            } else {
                // SQLite result code; extended codes keep the primary one in the low
                // byte: READONLY 8, IOERR 10, FULL 13, CANTOPEN 14.
                code.parse::<i64>()
                    .is_ok_and(|c| matches!(c & 0xff, 8 | 10 | 13 | 14))
            }
        }
        _ => false,
    }
}

impl Db {
    /// Connects (creating the SQLite file and its folder when missing).
    pub async fn connect(url: &str) -> anyhow::Result<Db> {
        sqlx::any::install_default_drivers();
        let backend = Backend::from_url(url)
            .context("DATABASE_URL must start with sqlite: or postgres://")?;
        let url = match backend {
            Backend::Sqlite => prepare_sqlite_url(url)?,
            Backend::Postgres => url.to_string(),
        };
        let options = AnyConnectOptions::from_str(&url).context("DATABASE_URL is malformed")?;
        let pool = match backend {
            // One writer at a time is SQLite's nature; WAL lets readers go on meanwhile and
            // busy_timeout makes writers queue instead of failing.
            Backend::Sqlite => {
                AnyPoolOptions::new()
                    .max_connections(8)
                    .acquire_timeout(Duration::from_secs(10))
                    .after_connect(|conn, _| {
                        Box::pin(async move {
                            conn.execute(
                                "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                                 PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;",
                            )
                            .await?;
                            Ok(())
                        })
                    })
                    .connect_with(options)
                    .await
            }
            Backend::Postgres => {
                // A short acquire timeout: with the server down a page fails in seconds
                // with a 503, not after half a minute (connecting is retried until then).
                AnyPoolOptions::new()
                    .max_connections(16)
                    .acquire_timeout(Duration::from_secs(3))
                    .connect_with(options)
                    .await
            }
        }
        .context("could not connect to the database")?;
        static NEXT_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        Ok(Db {
            pool,
            backend,
            reachable: std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true)),
            id: NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
        })
    }

    pub async fn migrate(&self) -> anyhow::Result<()> {
        let migrator = match self.backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        };
        migrator
            .run(&self.pool)
            .await
            .context("running database migrations")?;
        Ok(())
    }

    /// Runs single statements, each on its own (reads, and writes that need no read
    /// before them). It cannot open a transaction or hold a connection: a read-then-write
    /// transaction goes through [`Db::begin_write`], the one way that takes SQLite's write
    /// lock up front.
    pub fn pool(&self) -> Statements<'_> {
        Statements(&self.pool)
    }

    /// This pool's identity within the process (clones share it).
    pub fn id(&self) -> u64 {
        self.id
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// A transaction that will write. SQLite's plain `BEGIN` takes the write lock only at
    /// the first write, and a reader that then wants to write fails at once ("database is
    /// locked") instead of waiting; `BEGIN IMMEDIATE` queues for the lock up front, under
    /// busy_timeout. PostgreSQL locks rows as they are written, so plain `BEGIN` is right.
    pub async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>, sqlx::Error> {
        match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await,
            Backend::Postgres => self.pool.begin().await,
        }
    }

    /// True when the database answers a trivial query within two seconds, so a load
    /// balancer can take a stuck instance out even when the pool is exhausted.
    pub async fn is_healthy(&self) -> bool {
        let ping = sqlx::query("SELECT 1").execute(&self.pool);
        matches!(
            tokio::time::timeout(Duration::from_secs(2), ping).await,
            Ok(Ok(_))
        )
    }

    /// Reads and writes as `/healthz` reports them: a read, then one tiny committed write
    /// (only a write that reaches the disk shows a full disk or a read-only file).
    pub async fn health(&self) -> DbHealth {
        if !self.is_healthy().await {
            return DbHealth::Unreachable;
        }
        let write = sqlx::query(
            "INSERT INTO health_probe (id, checked_at) VALUES (1, $1) \
             ON CONFLICT (id) DO UPDATE SET checked_at = excluded.checked_at",
        )
        .bind(now_unix())
        .execute(&self.pool);
        match tokio::time::timeout(Duration::from_secs(2), write).await {
            Ok(Ok(_)) => DbHealth::Ok,
            Ok(Err(error)) => {
                tracing::warn!(%error, "the database refuses writes");
                DbHealth::ReadOnly
            }
            Err(_) => DbHealth::ReadOnly,
        }
    }

    /// What the watchdog last saw (true until it sees otherwise).
    pub fn is_reachable(&self) -> bool {
        self.reachable.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Every second: is the database there? Pages consult the answer before they start,
    /// and recovery needs no restart (the pool reconnects on its own).
    pub async fn watch(self) {
        let mut tick = tokio::time::interval(Duration::from_secs(1));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            let ping = sqlx::query("SELECT 1").execute(&self.pool);
            let up = matches!(
                tokio::time::timeout(Duration::from_millis(1500), ping).await,
                Ok(Ok(_))
            );
            let was = self
                .reachable
                .swap(up, std::sync::atomic::Ordering::Relaxed);
            if was != up {
                if up {
                    tracing::warn!("the database answers again");
                } else {
                    tracing::error!("the database does not answer; pages answer 503 until it does");
                }
            }
        }
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Ensures the SQLite file's folder exists and asks SQLite to create the file.
fn prepare_sqlite_url(url: &str) -> anyhow::Result<String> {
    let rest = url.trim_start_matches("sqlite:").trim_start_matches("//");
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    if path.is_empty() {
        anyhow::bail!("DATABASE_URL names no SQLite file (expected sqlite://path/to/file.db)");
    }
    if path != ":memory:" {
        if let Some(parent) = std::path::Path::new(path).parent() {
            if !parent.as_os_str().is_empty() {
                std::fs::create_dir_all(parent)
                    .with_context(|| format!("creating the folder {}", parent.display()))?;
            }
        }
    }
    let mut query = query.to_string();
    if !query.contains("mode=") {
        if !query.is_empty() {
            query.push('&');
        }
        query.push_str("mode=rwc");
    }
    Ok(format!("sqlite://{path}?{query}"))
}

/// Current UTC time as Unix seconds, the one timestamp format of the schema.
/// The pool as an executor of single statements only (see [`Db::pool`]): it implements
/// sqlx's `Executor` by handing each statement to the pool, and has no `begin`/`acquire`.
#[derive(Debug, Clone, Copy)]
pub struct Statements<'p>(&'p AnyPool);

type AnyStep = sqlx::Either<sqlx::any::AnyQueryResult, sqlx::any::AnyRow>;

impl<'p> Executor<'p> for Statements<'p> {
    type Database = sqlx::Any;

    fn fetch_many<'e, 'q: 'e, E>(
        self,
        query: E,
    ) -> futures::stream::BoxStream<'e, Result<AnyStep, sqlx::Error>>
    where
        'p: 'e,
        E: 'q + sqlx::Execute<'q, sqlx::Any>,
    {
        self.0.fetch_many(query)
    }

    fn fetch_optional<'e, 'q: 'e, E>(
        self,
        query: E,
    ) -> futures::future::BoxFuture<'e, Result<Option<sqlx::any::AnyRow>, sqlx::Error>>
    where
        'p: 'e,
        E: 'q + sqlx::Execute<'q, sqlx::Any>,
    {
        self.0.fetch_optional(query)
    }

    fn prepare_with<'e, 'q: 'e>(
        self,
        sql: &'q str,
        parameters: &'e [sqlx::any::AnyTypeInfo],
    ) -> futures::future::BoxFuture<'e, Result<sqlx::any::AnyStatement<'q>, sqlx::Error>>
    where
        'p: 'e,
    {
        self.0.prepare_with(sql, parameters)
    }

    fn describe<'e, 'q: 'e>(
        self,
        sql: &'q str,
    ) -> futures::future::BoxFuture<'e, Result<sqlx::Describe<sqlx::Any>, sqlx::Error>>
    where
        'p: 'e,
    {
        self.0.describe(sql)
    }
}

/// A secret the store makes for itself once and every app server shares through the
/// database (the first to ask creates it): webhook signing for the demo provider, guests'
/// order, ticket and quote links. This one runs inside the caller's transaction.
pub async fn app_secret(conn: &mut sqlx::AnyConnection, name: &str) -> Result<String, sqlx::Error> {
    create_secret(name).execute(&mut *conn).await?;
    read_secret(name).fetch_one(conn).await
}

/// [`app_secret`] on its own: read first, so the usual case (the secret exists) is one
/// read without taking SQLite's write lock.
pub async fn shared_secret(db: &Db, name: &str) -> Result<String, sqlx::Error> {
    if let Some(secret) = read_secret(name).fetch_optional(db.pool()).await? {
        return Ok(secret);
    }
    create_secret(name).execute(db.pool()).await?;
    read_secret(name).fetch_one(db.pool()).await
}

fn create_secret(name: &str) -> sqlx::query::Query<'_, sqlx::Any, sqlx::any::AnyArguments<'_>> {
    sqlx::query(
        "INSERT INTO app_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
    )
    .bind(name)
    .bind(format!("whsec_{}", crate::token::new_token().0))
}

fn read_secret(
    name: &str,
) -> sqlx::query::QueryScalar<'_, sqlx::Any, String, sqlx::any::AnyArguments<'_>> {
    sqlx::query_scalar("SELECT value FROM app_secrets WHERE name = $1").bind(name)
}

pub fn now_unix() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// The pool handed to every render and server function by the server's router.
pub fn use_db() -> Result<Db, crate::AppError> {
    leptos::prelude::use_context::<Db>().ok_or_else(|| {
        tracing::error!("database pool missing from the Leptos context");
        crate::AppError::Internal
    })
}
