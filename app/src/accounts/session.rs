//! Sessions: tower-sessions does the cookie, expiry and id rotation; this module stores
//! its records in our database (so app servers behind a load balancer share them) and
//! turns a session into the signed-in `CurrentUser` once per request.

use super::repo;
use crate::db::{now_unix, Db};
use crate::error::AppError;
use crate::request::CurrentUser;
use async_trait::async_trait;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use tower_sessions::cookie::time::OffsetDateTime;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, SessionStore};
use tower_sessions::Session;

const USER_ID_KEY: &str = "user_id";
const EPOCH_KEY: &str = "epoch";

/// tower-sessions records as JSON rows in `sessions`, on either backend.
#[derive(Debug, Clone)]
pub struct SqlSessionStore {
    db: Db,
}

impl SqlSessionStore {
    pub fn new(db: Db) -> Self {
        SqlSessionStore { db }
    }

    /// Removes expired rows; run periodically by the server.
    pub async fn delete_expired(&self) -> Result<u64, sqlx::Error> {
        repo::delete_expired_sessions(&self.db, now_unix()).await
    }
}

fn backend_error(error: impl std::fmt::Display) -> session_store::Error {
    session_store::Error::Backend(error.to_string())
}

#[async_trait]
impl SessionStore for SqlSessionStore {
    /// Inserts a new record, drawing another id in the (astronomically unlikely) case the
    /// random one is taken, so two sessions can never share a row.
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        let data = serde_json::to_string(&record.data)
            .map_err(|e| session_store::Error::Encode(e.to_string()))?;
        loop {
            let inserted = repo::insert_new_session(
                &self.db,
                &record.id.to_string(),
                &data,
                record.expiry_date.unix_timestamp(),
            )
            .await
            .map_err(backend_error)?;
            if inserted {
                return Ok(());
            }
            record.id = Id::default();
        }
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        let data = serde_json::to_string(&record.data)
            .map_err(|e| session_store::Error::Encode(e.to_string()))?;
        repo::save_session(
            &self.db,
            &record.id.to_string(),
            &data,
            record.expiry_date.unix_timestamp(),
        )
        .await
        .map_err(backend_error)
    }

    async fn load(&self, session_id: &Id) -> session_store::Result<Option<Record>> {
        let row = repo::find_live_session(&self.db, &session_id.to_string(), now_unix())
            .await
            .map_err(backend_error)?;
        let Some((data, expires_at)) = row else {
            return Ok(None);
        };
        Ok(Some(Record {
            id: *session_id,
            data: serde_json::from_str(&data)
                .map_err(|e| session_store::Error::Decode(e.to_string()))?,
            expiry_date: OffsetDateTime::from_unix_timestamp(expires_at)
                .map_err(|e| session_store::Error::Decode(e.to_string()))?,
        }))
    }

    async fn delete(&self, session_id: &Id) -> session_store::Result<()> {
        repo::delete_session(&self.db, &session_id.to_string())
            .await
            .map_err(backend_error)
    }
}

fn session_error(error: impl std::fmt::Display) -> AppError {
    tracing::error!(%error, "session store");
    AppError::Internal
}

/// Signs `user_id` in: a new session id (so a planted id is worthless) that remembers
/// the account's current epoch.
pub async fn sign_in(session: &Session, user_id: i64, epoch: i64) -> Result<(), AppError> {
    session.cycle_id().await.map_err(session_error)?;
    session
        .insert(USER_ID_KEY, user_id)
        .await
        .map_err(session_error)?;
    session
        .insert(EPOCH_KEY, epoch)
        .await
        .map_err(session_error)?;
    Ok(())
}

/// Ends this session (the row is deleted and the cookie cleared).
pub async fn sign_out(session: &Session) -> Result<(), AppError> {
    session.flush().await.map_err(session_error)
}

/// The user behind the session, if it is signed in, the account is active and the session
/// is not older than the account's last "sign out everywhere".
async fn load_signed_in_user(db: &Db, session: &Session) -> Result<Option<CurrentUser>, AppError> {
    let Some(user_id) = session
        .get::<i64>(USER_ID_KEY)
        .await
        .map_err(session_error)?
    else {
        return Ok(None);
    };
    let epoch = session
        .get::<i64>(EPOCH_KEY)
        .await
        .map_err(session_error)?
        .unwrap_or(-1);
    match repo::find_user_by_id(db, user_id).await? {
        Some(user) if user.active && user.session_epoch == epoch => {
            Ok(Some(user.into_current_user()))
        }
        _ => {
            // A stale session: forget it so the next request is plainly anonymous.
            sign_out(session).await?;
            Ok(None)
        }
    }
}

/// Middleware: fills the request context's signed-in user, which pages, server
/// functions and form handlers read. Anonymous visitors without a session
/// cookie cost no database query.
pub async fn resolve_current_user(
    State(db): State<Db>,
    session: Session,
    mut request: Request,
    next: Next,
) -> Response {
    // A session store hiccup is logged where it happens; the visitor continues signed out.
    let user: Option<CurrentUser> = load_signed_in_user(&db, &session).await.unwrap_or_default();
    let context = crate::request::RequestContext::of_mut(request.extensions_mut());
    if user.is_some() {
        context.page.personal();
    }
    context.user = user;
    next.run(request).await
}
