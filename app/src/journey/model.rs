//! Journey rules, kept pure so they can be read and tested as tables: how a visitor's
//! events place them in the funnel, and when their reading says who they are.

use crate::cards::model::{ContentCard, Stage};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum EventKind {
    ProductView,
    ContentView,
    Search,
    Compare,
    PersonaChoice,
    Cart,
    Checkout,
    Ticket,
}

impl EventKind {
    pub const ALL: [EventKind; 8] = [
        EventKind::ProductView,
        EventKind::ContentView,
        EventKind::Search,
        EventKind::Compare,
        EventKind::PersonaChoice,
        EventKind::Cart,
        EventKind::Checkout,
        EventKind::Ticket,
    ];

    pub fn key(self) -> &'static str {
        match self {
            EventKind::ProductView => "product_view",
            EventKind::ContentView => "content_view",
            EventKind::Search => "search",
            EventKind::Compare => "compare",
            EventKind::PersonaChoice => "persona_choice",
            EventKind::Cart => "cart",
            EventKind::Checkout => "checkout",
            EventKind::Ticket => "ticket",
        }
    }

    pub fn parse(text: &str) -> Option<EventKind> {
        EventKind::ALL.into_iter().find(|k| k.key() == text)
    }
}

/// One recorded event, as the rules and the "my research" page see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    pub kind: EventKind,
    pub subject: String,
    /// For content views: the piece's stage key.
    pub detail: String,
    pub created_at: i64,
    /// For content views with JavaScript on: how far down the piece the visitor got
    /// (percent) and how long the page was in front of them (seconds); 0 otherwise.
    pub read_depth: i64,
    pub read_seconds: i64,
}

/// What the reading beacon may report: a percentage, and at most a long afternoon.
pub const MAX_READ_SECONDS: i64 = 4 * 3600;

/// How a guide was read, summed over the visitor's views of it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reading {
    /// The furthest any view got, in percent; 0 when never measured.
    pub depth: i64,
    pub seconds: i64,
}

impl Reading {
    pub fn add(&mut self, event: &Event) {
        self.depth = self.depth.max(event.read_depth);
        self.seconds += event.read_seconds;
    }

    /// "Read to the end · 4 min", "Read 40% · under a minute", or nothing when unmeasured.
    pub fn describe(self) -> Option<String> {
        if self.depth == 0 && self.seconds == 0 {
            return None;
        }
        let how_far = if self.depth >= 90 {
            "Read to the end".to_string()
        } else {
            format!("Read {}%", self.depth)
        };
        let how_long = match self.seconds {
            s if s < 60 => "under a minute".to_string(),
            s if s < 120 => "1 min".to_string(),
            s => format!("{} min", s / 60),
        };
        Some(format!("{how_far} · {how_long}"))
    }
}

/// Viewing the same product this often means the visitor is close to choosing.
pub const REPEAT_VIEWS_FOR_DECISION: usize = 3;

/// The funnel stage the events place a visitor in.
///
/// - **Decision** after a cart or checkout, a decision-stage piece (pricing, buying
///   checklists), or the same product viewed three times or more.
/// - **Consideration** after any product view, comparison or consideration-stage piece.
/// - **Awareness** otherwise: searching and reading general pieces is still learning.
pub fn infer_stage(events: &[Event]) -> Stage {
    let decided = events.iter().any(|e| {
        matches!(e.kind, EventKind::Cart | EventKind::Checkout)
            || (e.kind == EventKind::ContentView && e.detail == Stage::Decision.key())
    });
    let repeat_views = events
        .iter()
        .filter(|e| e.kind == EventKind::ProductView)
        .any(|e| {
            events
                .iter()
                .filter(|o| o.kind == EventKind::ProductView && o.subject == e.subject)
                .count()
                >= REPEAT_VIEWS_FOR_DECISION
        });
    if decided || repeat_views {
        return Stage::Decision;
    }
    let considering = events.iter().any(|e| {
        matches!(e.kind, EventKind::ProductView | EventKind::Compare)
            || (e.kind == EventKind::ContentView && e.detail == Stage::Consideration.key())
    });
    if considering {
        Stage::Consideration
    } else {
        Stage::Awareness
    }
}

/// Pieces read for one persona before we take it as the visitor's.
pub const PERSONA_EVIDENCE: i64 = 2;

/// The persona a visitor's reading points to: the one whose pieces they read most, with at
/// least `PERSONA_EVIDENCE` pieces and strictly more than any other (a tie says nothing).
pub fn infer_persona(reads_per_persona: &[(String, i64)]) -> Option<String> {
    let mut sorted: Vec<&(String, i64)> = reads_per_persona.iter().collect();
    sorted.sort_by_key(|(_, reads)| std::cmp::Reverse(*reads));
    match sorted.as_slice() {
        [(slug, n), rest @ ..]
            if *n >= PERSONA_EVIDENCE && rest.first().is_none_or(|(_, m)| m < n) =>
        {
            Some(slug.clone())
        }
        _ => None,
    }
}

/// How a persona came to be the visitor's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonaGuess {
    pub slug: String,
    pub name: String,
    /// True when the visitor picked it; false when we inferred it from their reading.
    pub chosen: bool,
}

/// A plain-words sentence about a stage, for the visitor.
pub fn stage_in_words(stage: Stage) -> &'static str {
    match stage {
        Stage::Awareness => "You're getting to know the options: we show general guides first.",
        Stage::Consideration => {
            "You're comparing options: we show guides that weigh approaches and products."
        }
        Stage::Decision => {
            "You look ready to choose: we show buying guides, prices and checklists."
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedItem {
    pub kind: String,
    pub slug: String,
    pub title: String,
}

/// Everything the "my research" page shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Research {
    pub tracking_allowed: bool,
    pub stage: Stage,
    pub persona: Option<PersonaGuess>,
    /// (slug, name, times viewed), most recent first.
    pub products: Vec<(String, String, i64)>,
    /// Pieces read, most recent first, with how they were read.
    pub content: Vec<(ContentCard, Reading)>,
    pub searches: Vec<String>,
    /// Comparisons as lists of product slugs.
    pub comparisons: Vec<String>,
    pub saved: Vec<SavedItem>,
    pub event_count: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(kind: EventKind, subject: &str, detail: &str) -> Event {
        Event {
            kind,
            subject: subject.into(),
            detail: detail.into(),
            created_at: 0,
            read_depth: 0,
            read_seconds: 0,
        }
    }

    #[test]
    fn readings_keep_the_furthest_depth_and_add_up_the_time() {
        let mut reading = Reading::default();
        assert_eq!(reading.describe(), None);
        let mut first = ev(EventKind::ContentView, "a", "awareness");
        first.read_depth = 40;
        first.read_seconds = 50;
        reading.add(&first);
        assert_eq!(reading.describe().unwrap(), "Read 40% · under a minute");
        let mut second = first.clone();
        second.read_depth = 95;
        second.read_seconds = 200;
        reading.add(&second);
        assert_eq!(reading.depth, 95);
        assert_eq!(reading.describe().unwrap(), "Read to the end · 4 min");
    }

    #[test]
    fn stage_follows_the_documented_table() {
        use EventKind::*;
        let cases: Vec<(Vec<Event>, Stage)> = vec![
            (vec![], Stage::Awareness),
            (vec![ev(Search, "grinder", "")], Stage::Awareness),
            (
                vec![ev(ContentView, "what-is-extraction", "awareness")],
                Stage::Awareness,
            ),
            (
                vec![ev(ContentView, "flat-vs-conical", "consideration")],
                Stage::Consideration,
            ),
            (
                vec![ev(ProductView, "kestrel-64", "")],
                Stage::Consideration,
            ),
            (vec![ev(Compare, "a,b", "")], Stage::Consideration),
            (
                vec![
                    ev(ProductView, "kestrel-64", ""),
                    ev(ProductView, "kestrel-64", ""),
                ],
                Stage::Consideration,
            ),
            (
                vec![
                    ev(ProductView, "k", ""),
                    ev(ProductView, "k", ""),
                    ev(ProductView, "k", ""),
                ],
                Stage::Decision,
            ),
            (
                vec![
                    ev(ProductView, "a", ""),
                    ev(ProductView, "b", ""),
                    ev(ProductView, "c", ""),
                ],
                Stage::Consideration,
            ),
            (
                vec![ev(ContentView, "buying-checklist", "decision")],
                Stage::Decision,
            ),
            (vec![ev(Cart, "kestrel-64", "")], Stage::Decision),
            (vec![ev(Checkout, "order-1", "")], Stage::Decision),
        ];
        for (events, expected) in cases {
            assert_eq!(infer_stage(&events), expected, "{events:?}");
        }
    }

    #[test]
    fn a_persona_needs_enough_reading_and_a_clear_lead() {
        let p = |pairs: &[(&str, i64)]| {
            infer_persona(
                &pairs
                    .iter()
                    .map(|(s, n)| (s.to_string(), *n))
                    .collect::<Vec<_>>(),
            )
        };
        assert_eq!(p(&[]), None);
        assert_eq!(p(&[("cafe-owner", 1)]), None, "one piece is not enough");
        assert_eq!(p(&[("cafe-owner", 2)]).as_deref(), Some("cafe-owner"));
        assert_eq!(
            p(&[("cafe-owner", 2), ("home-barista", 2)]),
            None,
            "a tie says nothing"
        );
        assert_eq!(
            p(&[("home-barista", 1), ("cafe-owner", 3)]).as_deref(),
            Some("cafe-owner")
        );
    }
}
