//! Writing the research trail off the page's path. A page view used to cost a write
//! transaction of its own; now events go into a bounded in-process queue and one task per
//! store writes whatever has gathered, in one transaction per batch. Under light load a
//! batch is one event written at once; under load the batches grow while the previous one
//! commits, so the number of write transactions stays flat as page views grow.
//!
//! Loss is bounded: at most [`QUEUE_CAPACITY`] events per server are ever waiting, a full
//! queue drops new events (counted in the log) rather than slowing pages, and a graceful
//! shutdown writes what is queued. A crash loses what was queued at that moment (under
//! light load nothing, since each event is written as it arrives). Readers that must see a
//! visitor's latest steps (their profile, "my research", a ticket's research context, the
//! dashboard) call [`flush`] first; another app server may see them a few milliseconds later.

use super::model::EventKind;
use crate::db::Db;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{LazyLock, Mutex};
use tokio::sync::{mpsc, oneshot};

/// Events waiting per server, at most.
pub const QUEUE_CAPACITY: usize = 10_000;
/// Events written in one transaction, at most.
const BATCH: usize = 500;

/// An event as the page saw it, with the time it happened (not the time it is written).
#[derive(Debug, Clone)]
pub struct PendingEvent {
    pub visitor_id: String,
    pub user_id: Option<i64>,
    pub kind: EventKind,
    pub subject: String,
    pub detail: String,
    pub at: i64,
}

enum Message {
    Event(PendingEvent),
    Flush(oneshot::Sender<()>),
}

/// The queue of each store this process serves (the tests run several servers in one
/// process), keyed by `Db::id`.
static QUEUES: LazyLock<Mutex<HashMap<u64, mpsc::Sender<Message>>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));
static DROPPED: AtomicU64 = AtomicU64::new(0);

fn queue_of(db: &Db) -> Option<mpsc::Sender<Message>> {
    QUEUES
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .get(&db.id())
        .cloned()
}

/// Starts this server's writer for `db` (the server calls it once at start-up).
pub fn start(db: Db) {
    let (sender, receiver) = mpsc::channel(QUEUE_CAPACITY);
    QUEUES
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .insert(db.id(), sender);
    tokio::spawn(write_batches(db, receiver));
}

/// Queues an event. Returns it back when no writer runs for `db` (the command line, a
/// stopped server), so the caller writes it itself.
pub fn enqueue(db: &Db, event: PendingEvent) -> Result<(), PendingEvent> {
    let Some(queue) = queue_of(db) else {
        return Err(event);
    };
    match queue.try_send(Message::Event(event)) {
        Ok(()) => Ok(()),
        Err(mpsc::error::TrySendError::Full(_)) => {
            let dropped = DROPPED.fetch_add(1, Ordering::Relaxed) + 1;
            if dropped == 1 || dropped.is_multiple_of(1000) {
                tracing::warn!(dropped, "journey event queue full; events dropped");
            }
            Ok(())
        }
        Err(mpsc::error::TrySendError::Closed(Message::Event(event))) => Err(event),
        Err(mpsc::error::TrySendError::Closed(Message::Flush(_))) => Ok(()),
    }
}

/// [`flush`], waiting at most `limit`: what a page does before reading the visitor's own
/// trail, so a backlog (a flood of visits) never holds a page for long.
pub async fn flush_within(db: &Db, limit: std::time::Duration) {
    let _ = tokio::time::timeout(limit, flush(db)).await;
}

/// Waits until every event this server queued before the call is written.
pub async fn flush(db: &Db) {
    let Some(queue) = queue_of(db) else {
        return;
    };
    let (done, written) = oneshot::channel();
    if queue.send(Message::Flush(done)).await.is_ok() {
        let _ = written.await;
    }
}

async fn write_batches(db: Db, mut receiver: mpsc::Receiver<Message>) {
    let mut next = receiver.recv().await;
    while let Some(first) = next {
        let mut events = Vec::new();
        let mut waiting = Vec::new();
        let mut message = Some(first);
        while let Some(taken) = message {
            match taken {
                Message::Event(event) => events.push(event),
                Message::Flush(done) => waiting.push(done),
            }
            message = if events.len() < BATCH {
                receiver.try_recv().ok()
            } else {
                None
            };
        }
        if !events.is_empty() {
            if let Err(error) = super::repo::insert_events(&db, &events).await {
                tracing::warn!(%error, events = events.len(), "could not record journey events");
            }
        }
        for done in waiting {
            let _ = done.send(());
        }
        next = receiver.recv().await;
    }
}
