//! Server functions of the journey: what we know about the visitor, in one place.

use super::model::Research;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::model::{infer_persona, infer_stage, EventKind, PersonaGuess, Reading},
    super::repo,
    crate::cards::model::Stage,
    crate::db::{use_db, Db},
    crate::request::Visitor,
};

/// The visitor's stage and persona (chosen, else inferred), for ordering content.
#[cfg(feature = "ssr")]
pub async fn visitor_profile(db: &Db) -> Result<(Stage, Option<PersonaGuess>), AppError> {
    let Some(visitor) = crate::request::RequestContext::current().visitor else {
        return Ok((Stage::Awareness, None));
    };
    let request = crate::request::RequestContext::current();
    let profile = profile_of(db, &visitor, request.user_id()).await?;
    request.page.profile(profile_class(&profile));
    Ok(profile)
}

/// The profile as a short key ("consideration", "decision.home-barista.chosen"): the
/// pages that order suggestions by it are kept once per class.
#[cfg(feature = "ssr")]
pub fn profile_class((stage, persona): &(Stage, Option<PersonaGuess>)) -> String {
    match persona {
        Some(p) => format!(
            "{}.{}.{}",
            stage.key(),
            p.slug,
            if p.chosen { "chosen" } else { "read" }
        ),
        None => stage.key().to_string(),
    }
}

/// The profile class of a visitor once the `pending` events of the view being answered are
/// written: what the page cache keys their pages by after a view that may move them on.
#[cfg(feature = "ssr")]
pub async fn profile_class_of(
    db: &Db,
    visitor: &Visitor,
    user_id: Option<i64>,
    pending: &[(String, String, String)],
) -> Result<String, AppError> {
    Ok(profile_class(
        &profile_after(db, visitor, user_id, pending).await?,
    ))
}

/// The profile class of a visitor seen for the first time (no trail, no account, no
/// persona chosen) after the `pending` events of this view, from those events alone: a
/// guide's stage is in its event, and a persona needs more guides read than one view
/// records — or `None` when it would not (then the database decides).
#[cfg(feature = "ssr")]
pub fn first_visit_class(pending: &[(String, String, String)]) -> Option<String> {
    let mut events = Vec::new();
    let mut pieces: Vec<&str> = Vec::new();
    for (kind, subject, detail) in pending {
        let Some(kind) = EventKind::parse(kind) else {
            continue;
        };
        if kind == EventKind::ContentView && !pieces.contains(&subject.as_str()) {
            pieces.push(subject);
            if pieces.len() as i64 >= super::model::PERSONA_EVIDENCE {
                return None;
            }
        }
        events.push(super::model::Event {
            kind,
            subject: subject.clone(),
            detail: detail.clone(),
            created_at: 0,
            read_depth: 0,
            read_seconds: 0,
        });
    }
    Some(profile_class(&(infer_stage(&events), None)))
}

/// The class after a kept view's `pending` events, from the class the browser holds (the
/// server wrote it after the visitor's previous page): the stage rises to a guide's stage,
/// or from "awareness" to "consideration" on a product view (no product was viewed before,
/// or the stage would be higher); a chosen persona stays; an inferred one is counted again
/// with this guide read — one query instead of the visitor's whole trail. `None` when the
/// class is not one the server writes.
#[cfg(feature = "ssr")]
pub async fn class_after(
    db: &Db,
    visitor: &Visitor,
    user_id: Option<i64>,
    class: &str,
    pending: &[(String, String, String)],
) -> Result<Option<String>, AppError> {
    let mut parts = class.split('.');
    let Some(mut stage) = parts.next().and_then(Stage::parse) else {
        return Ok(None);
    };
    let persona = match (parts.next(), parts.next(), parts.next()) {
        (None, None, None) => None,
        (Some(slug), Some("chosen"), None) => Some((slug.to_string(), true)),
        (Some(slug), Some("read"), None) => Some((slug.to_string(), false)),
        _ => return Ok(None),
    };
    let mut pieces = Vec::new();
    for (kind, subject, detail) in pending {
        match EventKind::parse(kind) {
            Some(EventKind::ContentView) => {
                stage = stage.max(Stage::parse(detail).unwrap_or(Stage::Awareness));
                pieces.push(subject.clone());
            }
            Some(EventKind::ProductView) => stage = stage.max(Stage::Consideration),
            _ => {}
        }
    }
    let persona = match persona {
        Some((slug, true)) => Some((slug, true)),
        inferred if pieces.is_empty() => inferred,
        _ => infer_persona(&repo::reads_per_persona_with(db, &visitor.id, user_id, &pieces).await?)
            .map(|slug| (slug, false)),
    };
    Ok(Some(match persona {
        Some((slug, chosen)) => format!(
            "{}.{slug}.{}",
            stage.key(),
            if chosen { "chosen" } else { "read" }
        ),
        None => stage.key().to_string(),
    }))
}

/// The funnel stage a visitor (and account) has reached, from their recorded events.
#[cfg(feature = "ssr")]
pub async fn stage_of(db: &Db, visitor_id: &str, user_id: Option<i64>) -> Result<Stage, AppError> {
    super::recorder::flush_within(db, std::time::Duration::from_millis(200)).await;
    Ok(infer_stage(
        &repo::list_events(db, visitor_id, user_id).await?,
    ))
}

/// [`visitor_profile`] of a given visitor (and account).
#[cfg(feature = "ssr")]
async fn profile_of(
    db: &Db,
    visitor: &Visitor,
    user_id: Option<i64>,
) -> Result<(Stage, Option<PersonaGuess>), AppError> {
    // The visitor's own latest steps count, even those still queued (unless a backlog
    // would hold the page).
    super::recorder::flush_within(db, std::time::Duration::from_millis(200)).await;
    profile_after(db, visitor, user_id, &[]).await
}

/// The profile once `pending` events — (kind, subject, detail) of a view whose events may
/// still be queued — are written, without waiting for the queue: an event already stored
/// within the reload window is the same one and counts once.
#[cfg(feature = "ssr")]
async fn profile_after(
    db: &Db,
    visitor: &Visitor,
    user_id: Option<i64>,
    pending: &[(String, String, String)],
) -> Result<(Stage, Option<PersonaGuess>), AppError> {
    let mut events = repo::list_events(db, &visitor.id, user_id).await?;
    let now = crate::db::now_unix();
    let mut new_reads = Vec::new();
    for (kind, subject, detail) in pending {
        let Some(kind) = EventKind::parse(kind) else {
            continue;
        };
        let stored = events.iter().any(|e| {
            e.kind == kind && &e.subject == subject && e.created_at >= now - repo::SAME_EVENT_WINDOW
        });
        if stored {
            continue;
        }
        let read_before = events
            .iter()
            .any(|e| e.kind == EventKind::ContentView && &e.subject == subject);
        if kind == EventKind::ContentView && !read_before {
            new_reads.push(subject.clone());
        }
        events.push(super::model::Event {
            kind,
            subject: subject.clone(),
            detail: detail.clone(),
            created_at: now,
            read_depth: 0,
            read_seconds: 0,
        });
    }
    let personas = crate::cards::repo::list_personas(db).await?;
    let chosen = repo::chosen_persona(db, &visitor.id).await?;
    let guess = match chosen {
        Some(slug) => Some((slug, true)),
        None => {
            let mut reads = repo::reads_per_persona(db, &visitor.id, user_id).await?;
            for piece in &new_reads {
                for persona in repo::personas_of_piece(db, piece).await? {
                    match reads.iter_mut().find(|(slug, _)| *slug == persona) {
                        Some((_, count)) => *count += 1,
                        None => reads.push((persona, 1)),
                    }
                }
            }
            infer_persona(&reads).map(|slug| (slug, false))
        }
    };
    let persona = guess.and_then(|(slug, chosen)| {
        personas
            .iter()
            .find(|p| p.slug == slug)
            .map(|p| PersonaGuess {
                slug: p.slug.clone(),
                name: p.name.clone(),
                chosen,
            })
    });
    Ok((infer_stage(&events), persona))
}

#[server(endpoint = "my-research")]
pub async fn load_my_research() -> Result<Research, AppError> {
    let db = use_db()?;
    let Some(visitor) = crate::request::RequestContext::current().visitor else {
        return Err(AppError::NotFound);
    };
    let user_id = crate::request::RequestContext::current().user.map(|u| u.id);
    research_of(&db, &visitor, user_id).await
}

/// Everything the trail says about a visitor (and their account): what "my research"
/// shows them, and what a ticket shares with staff when they ask for a person.
#[cfg(feature = "ssr")]
pub async fn research_of(
    db: &Db,
    visitor: &Visitor,
    user_id: Option<i64>,
) -> Result<Research, AppError> {
    let (stage, persona) = profile_of(db, visitor, user_id).await?;
    let events = repo::list_events(db, &visitor.id, user_id).await?;
    let newest_first = || events.iter().rev();

    let mut product_counts: Vec<(String, i64)> = Vec::new();
    for e in newest_first().filter(|e| e.kind == EventKind::ProductView) {
        match product_counts
            .iter_mut()
            .find(|(slug, _)| *slug == e.subject)
        {
            Some((_, n)) => *n += 1,
            None => product_counts.push((e.subject.clone(), 1)),
        }
    }
    let slugs: Vec<String> = product_counts.iter().map(|(s, _)| s.clone()).collect();
    let names = repo::product_names(db, &slugs).await?;
    let products = product_counts
        .into_iter()
        .filter_map(|(slug, n)| {
            names
                .iter()
                .find(|(s, _)| *s == slug)
                .map(|(_, name)| (slug, name.clone(), n))
        })
        .collect();

    let mut read: Vec<(String, Reading)> = Vec::new();
    for e in newest_first().filter(|e| e.kind == EventKind::ContentView) {
        match read.iter_mut().find(|(slug, _)| *slug == e.subject) {
            Some((_, reading)) => reading.add(e),
            None => {
                let mut reading = Reading::default();
                reading.add(e);
                read.push((e.subject.clone(), reading));
            }
        }
    }
    let mut content = Vec::new();
    let now = crate::db::now_unix();
    for (slug, reading) in read.iter().take(30) {
        if let Some(card) = crate::cards::repo::find_visible_content_card(db, slug, now).await? {
            content.push((card, *reading));
        }
    }
    let unique = |kind: EventKind| {
        let mut out: Vec<String> = Vec::new();
        for e in newest_first().filter(|e| e.kind == kind) {
            if !out.contains(&e.subject) {
                out.push(e.subject.clone());
            }
        }
        out.truncate(20);
        out
    };
    Ok(Research {
        tracking_allowed: visitor.tracking_allowed,
        stage,
        persona,
        products,
        content,
        searches: unique(EventKind::Search),
        comparisons: unique(EventKind::Compare),
        saved: repo::list_saved(db, &visitor.id).await?,
        event_count: repo::count_events(db, &visitor.id, user_id).await?,
    })
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::first_visit_class;

    fn event(kind: &str, subject: &str) -> (String, String, String) {
        (kind.into(), subject.into(), String::new())
    }

    #[test]
    fn a_first_visits_class_follows_from_its_own_view() {
        assert_eq!(first_visit_class(&[]).as_deref(), Some("awareness"));
        assert_eq!(
            first_visit_class(&[event("product_view", "kestrel-grinder")]).as_deref(),
            Some("consideration")
        );
        assert_eq!(
            first_visit_class(&[event("search", "grinder")]).as_deref(),
            Some("awareness")
        );
        let guide = |slug: &str, stage: &str| {
            (
                "content_view".to_string(),
                slug.to_string(),
                stage.to_string(),
            )
        };
        assert_eq!(
            first_visit_class(&[guide("a-guide", "decision")]).as_deref(),
            Some("decision"),
            "one guide: its stage, no persona yet"
        );
        assert_eq!(
            first_visit_class(&[guide("a", "awareness"), guide("b", "awareness")]),
            None,
            "two guides could name a persona: the database decides"
        );
    }
}
