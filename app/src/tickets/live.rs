//! Live conversation: server-sent event streams of new messages, for the customer's ticket
//! page (never internal notes), the staff ticket page, and the staff inbox ("something
//! changed").
//!
//! Each stream asks the database for newer messages once a second rather than listening
//! for an in-process signal: app servers are stateless behind a load balancer, so a reply
//! written through one server must reach a customer connected to another, and the shared
//! database is the one place both see (on SQLite and on PostgreSQL alike). A stream ends
//! after a few minutes; the browser's `EventSource` reconnects with `Last-Event-ID`, so
//! nothing is missed or repeated.

use super::repo;
use crate::error::AppError;
use crate::forms::PageContext;
use crate::request::Area;
use axum::extract::{Path, Query, Request, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures::stream::{self, Stream, StreamExt};
use serde::Deserialize;
use std::convert::Infallible;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

const POLL_EVERY: Duration = Duration::from_secs(1);
const STREAM_FOR: Duration = Duration::from_secs(5 * 60);

/// Set when the server shuts down: every stream ends at its next poll (browsers reconnect
/// to another server, or to this one when it is back).
static STOPPING: AtomicBool = AtomicBool::new(false);

pub fn stop_streams() {
    STOPPING.store(true, Ordering::Relaxed);
}

/// Whether a stream that started at `started` should keep going.
fn keep_streaming(started: Instant) -> bool {
    started.elapsed() < STREAM_FOR && !STOPPING.load(Ordering::Relaxed)
}

#[derive(Debug, Default, Deserialize)]
pub struct LiveQuery {
    /// A guest's signed link token.
    #[serde(default)]
    pub t: String,
    /// The newest message id the page already shows.
    #[serde(default)]
    pub after: i64,
}

/// Where to resume: the page's newest message, or the browser's last received event.
fn resume_after(request: &Request, query: &LiveQuery) -> i64 {
    let last_event = request
        .headers()
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<i64>().ok())
        .unwrap_or(0);
    query.after.max(last_event)
}

/// GET /tickets/{id}/live: the customer's conversation as it grows.
pub async fn customer_stream(
    State(ctx): State<PageContext>,
    Path(public_id): Path<String>,
    Query(query): Query<LiveQuery>,
    request: Request,
) -> Response {
    let after = resume_after(&request, &query);
    let (parts, _) = request.into_parts();
    let request = crate::request::RequestContext::of(&parts);
    match super::customer_access(&ctx.db, &request, &public_id, &query.t).await {
        Ok(ticket) => sse(messages(ctx.db.clone(), ticket.id, after, false)),
        Err(error) => plain(error),
    }
}

/// GET /admin/tickets/{id}/live: the staff view of a conversation, notes included.
pub async fn staff_stream(
    State(ctx): State<PageContext>,
    Path(public_id): Path<String>,
    Query(query): Query<LiveQuery>,
    request: Request,
) -> Response {
    let after = resume_after(&request, &query);
    let (parts, _) = request.into_parts();
    if let Err(error) =
        crate::admin::guard::require(&crate::request::RequestContext::of(&parts), Area::Tickets)
    {
        return plain(error);
    }
    match repo::find_ticket(&ctx.db, &public_id).await {
        Ok(Some(ticket)) => sse(messages(ctx.db.clone(), ticket.id, after, true)),
        Ok(None) => plain(AppError::NotFound),
        Err(error) => plain(AppError::from(error)),
    }
}

/// GET /admin/tickets/live: one `changed` event when a ticket opens or a customer writes.
pub async fn inbox_stream(
    State(ctx): State<PageContext>,
    Query(query): Query<LiveQuery>,
    request: Request,
) -> Response {
    let after = resume_after(&request, &query);
    let (parts, _) = request.into_parts();
    if let Err(error) =
        crate::admin::guard::require(&crate::request::RequestContext::of(&parts), Area::Tickets)
    {
        return plain(error);
    }
    let db = ctx.db.clone();
    let started = Instant::now();
    let changes = stream::unfold(after, move |after| {
        let db = db.clone();
        async move {
            while keep_streaming(started) {
                match repo::newest_message_id(&db).await {
                    Ok(newest) if newest > after => {
                        // Browsers drop events without data: the newest message id goes along.
                        let event = Event::default()
                            .id(newest.to_string())
                            .event("changed")
                            .data(newest.to_string());
                        return Some((Ok::<_, Infallible>(event), newest));
                    }
                    Ok(_) => tokio::time::sleep(POLL_EVERY).await,
                    Err(error) => {
                        tracing::warn!(%error, "inbox stream stopped");
                        return None;
                    }
                }
            }
            None
        }
    });
    sse(changes)
}

/// New messages of one ticket, as `message` events carrying the message as JSON.
fn messages(
    db: crate::db::Db,
    ticket_id: i64,
    after: i64,
    with_notes: bool,
) -> impl Stream<Item = Result<Event, Infallible>> + Send {
    let started = Instant::now();
    stream::unfold(after, move |after| {
        let db = db.clone();
        async move {
            while keep_streaming(started) {
                match repo::list_messages(&db, ticket_id, after, with_notes).await {
                    Ok(found) if !found.is_empty() => {
                        let newest = found.last().map_or(after, |m| m.id);
                        let events: Vec<Result<Event, Infallible>> = found
                            .iter()
                            .filter_map(|message| {
                                Event::default()
                                    .id(message.id.to_string())
                                    .event("message")
                                    .json_data(message)
                                    .ok()
                            })
                            .map(Ok)
                            .collect();
                        return Some((stream::iter(events), newest));
                    }
                    Ok(_) => tokio::time::sleep(POLL_EVERY).await,
                    Err(error) => {
                        tracing::warn!(%error, ticket_id, "ticket stream stopped");
                        return None;
                    }
                }
            }
            None
        }
    })
    .flatten()
}

fn sse(events: impl Stream<Item = Result<Event, Infallible>> + Send + 'static) -> Response {
    Sse::new(events)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response()
}

/// An error for a stream request: its status and message as text (no page to render).
fn plain(error: AppError) -> Response {
    let status = axum::http::StatusCode::from_u16(error.status_code())
        .unwrap_or(axum::http::StatusCode::BAD_REQUEST);
    (status, error.to_string()).into_response()
}
