//! Keeping the rollups current, and reading the open day. Every app server runs
//! [`roll_up`] each minute: it folds each closed UTC day (once its late reading beacons have
//! had [`GRACE_SECONDS`] to arrive) into the rollup tables in one transaction that first
//! claims the day, so two servers never roll the same day. The dashboard adds the open
//! day(s), folded on the fly from raw events with the same [`Fold`], to what is stored.

use super::fold::{Fold, DAY};
use super::repo;
use crate::db::Db;

/// A day is rolled up this long after it ends.
pub const GRACE_SECONDS: i64 = 15 * 60;

/// What one run of the job did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Run {
    pub days: i64,
    pub events: usize,
}

/// Rolls up every closed day not rolled up yet (and returns at once when another server
/// is rolling the same day).
pub async fn roll_up(db: &Db, now: i64) -> Result<Run, sqlx::Error> {
    let closed = (now - GRACE_SECONDS).div_euclid(DAY) * DAY;
    let mut run = Run::default();
    loop {
        let rolled = repo::rolled_until(db.pool()).await?;
        let start = match rolled {
            Some(at) => at,
            None => repo::oldest_event(db)
                .await?
                .map_or(closed, |oldest| oldest.div_euclid(DAY) * DAY),
        };
        if start >= closed {
            if rolled.is_none() {
                // Nothing to roll yet: start counting from here.
                let mut tx = db.begin_write().await?;
                if repo::claim_days(&mut tx, None, start).await? {
                    tx.commit().await?;
                }
            }
            return Ok(run);
        }
        let end = start + DAY;
        let mut tx = db.begin_write().await?;
        if !repo::claim_days(&mut tx, rolled, end).await? {
            return Ok(run);
        }
        let events = repo::trail_between(&mut *tx, start, end).await?;
        if !events.is_empty() {
            let visitors = repo::visitors_touched(&mut *tx, start, end).await?;
            let (mut states, mut readers) = (Vec::new(), Vec::new());
            for chunk in visitors.chunks(repo::IDS_PER_QUERY) {
                states.extend(repo::states_of(&mut *tx, chunk).await?);
                readers.extend(repo::readers_of(&mut *tx, chunk).await?);
            }
            let mut fold = Fold::new(states, readers);
            fold.apply(&events);
            repo::write_fold(
                &mut tx,
                &fold.changed(),
                &fold.new_readers,
                &fold.cell_deltas(),
                &fold.content,
                &fold.searches,
            )
            .await?;
        }
        tx.commit().await?;
        run.days += 1;
        run.events += events.len();
    }
}

/// Deletes raw events older than `retention_days`, but never one not rolled up yet.
/// Returns how many went.
pub async fn purge(db: &Db, now: i64, retention_days: i64) -> Result<u64, sqlx::Error> {
    let Some(rolled) = repo::rolled_until(db.pool()).await? else {
        return Ok(0);
    };
    repo::purge_events(db, (now - retention_days * DAY).min(rolled)).await
}

/// The days not in the rollups, folded from raw events: `stored_days` are the days before
/// which the rollups hold everything (none when reading raw), `fold` the rest.
pub struct OpenDays {
    pub stored_until_day: Option<i64>,
    pub fold: Fold,
}

/// Folds the open days over the stored states they change. With `raw`, ignores the
/// rollups and folds the whole kept trail from nothing (what the rollups must agree with).
pub async fn open_days(db: &Db, raw: bool) -> Result<OpenDays, sqlx::Error> {
    let since = if raw {
        None
    } else {
        repo::rolled_until(db.pool()).await?
    };
    let Some(since) = since else {
        let events = repo::trail_between(db.pool(), i64::MIN / 2, i64::MAX / 2).await?;
        let mut fold = Fold::new(Vec::new(), Vec::new());
        fold.apply(&events);
        return Ok(OpenDays {
            stored_until_day: None,
            fold,
        });
    };
    let until = i64::MAX / 2;
    let visitors = repo::visitors_touched(db.pool(), since, until).await?;
    let (mut states, mut readers) = (Vec::new(), Vec::new());
    for chunk in visitors.chunks(repo::IDS_PER_QUERY) {
        states.extend(repo::states_of(db.pool(), chunk).await?);
        readers.extend(repo::readers_of(db.pool(), chunk).await?);
    }
    let events = repo::trail_between(db.pool(), since, until).await?;
    let mut fold = Fold::new(states, readers);
    fold.apply(&events);
    Ok(OpenDays {
        stored_until_day: Some(since.div_euclid(DAY)),
        fold,
    })
}
