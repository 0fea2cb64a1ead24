//! Folding the research trail into the dashboard's rollups. The same fold serves the
//! nightly rollup of a closed day (its result is written to the database) and the open day
//! (its result is added to the stored rollups on the fly), so a rolled-up day reads exactly
//! as it did while it was open. Pure: the SQL that loads states and events and writes the
//! deltas is in `repo.rs`, the job in `rollup.rs`.

use std::collections::{BTreeMap, HashMap};

pub const DAY: i64 = 86_400;

/// A visitor's steps count for the day they first came when taken within this many days.
pub const CONVERSION_WINDOW_DAYS: i64 = 30;

/// The funnel steps a visitor took, as bits of [`VisitorState::steps`].
pub const PRODUCT: i64 = 1;
pub const GUIDE: i64 = 2;
pub const CART: i64 = 4;
pub const CHECKOUT: i64 = 8;
pub const PAID: i64 = 16;

/// Stages as numbers, so "furthest" is a maximum (0: read no guide).
pub fn stage_rank(stage: &str) -> i64 {
    match stage {
        "awareness" => 1,
        "consideration" => 2,
        "decision" => 3,
        _ => 0,
    }
}

/// What the funnel knows about one visitor.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct VisitorState {
    pub visitor: String,
    pub first_at: i64,
    pub persona: String,
    pub entry_stage: String,
    pub entry_guide: String,
    pub steps: i64,
    pub furthest_stage: i64,
    pub paid_at: Option<i64>,
    pub paid_order: String,
}

impl VisitorState {
    pub fn cohort_day(&self) -> i64 {
        self.first_at.div_euclid(DAY)
    }

    pub fn cell(&self) -> Cell {
        Cell {
            day: self.cohort_day(),
            persona: self.persona.clone(),
            entry_stage: self.entry_stage.clone(),
            entry_guide: self.entry_guide.clone(),
            steps: self.steps,
            furthest_stage: self.furthest_stage,
        }
    }
}

/// One row of `funnel_days`: visitors who came on `day` and look alike to every report.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Cell {
    pub day: i64,
    pub persona: String,
    pub entry_stage: String,
    pub entry_guide: String,
    pub steps: i64,
    pub furthest_stage: i64,
}

/// One event of the trail (or a payment, kind "paid", subject the order) to fold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrailEvent {
    pub visitor: String,
    pub kind: String,
    pub subject: String,
    pub detail: String,
    pub at: i64,
    pub depth: i64,
    pub seconds: i64,
}

/// One row of `content_days`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ContentDay {
    pub readers: i64,
    pub reads: i64,
    pub depth_sum: i64,
    pub depth_n: i64,
    pub seconds_sum: i64,
    pub seconds_n: i64,
    pub tickets: i64,
}

impl ContentDay {
    pub fn add(&mut self, other: &ContentDay) {
        self.readers += other.readers;
        self.reads += other.reads;
        self.depth_sum += other.depth_sum;
        self.depth_n += other.depth_n;
        self.seconds_sum += other.seconds_sum;
        self.seconds_n += other.seconds_n;
        self.tickets += other.tickets;
    }
}

/// One row of `search_days`: how often, and the results of the day's last search (-1 when
/// the search predates result counting).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SearchDay {
    pub searches: i64,
    pub results: i64,
}

/// The fold of a batch of events over the states they touch.
#[derive(Debug, Default)]
pub struct Fold {
    loaded: HashMap<String, VisitorState>,
    pub visitors: HashMap<String, VisitorState>,
    /// visitor → (guide, first read), loaded and new.
    readers: HashMap<String, Vec<(String, i64)>>,
    /// (visitor, guide, first read) added by this fold.
    pub new_readers: Vec<(String, String, i64)>,
    pub content: BTreeMap<(i64, String), ContentDay>,
    pub searches: BTreeMap<(i64, String), SearchDay>,
}

impl Fold {
    /// Starts from the stored states of the visitors the events touch, and the guides they
    /// have read.
    pub fn new(states: Vec<VisitorState>, readers: Vec<(String, String, i64)>) -> Fold {
        let loaded: HashMap<String, VisitorState> =
            states.into_iter().map(|s| (s.visitor.clone(), s)).collect();
        let mut by_visitor: HashMap<String, Vec<(String, i64)>> = HashMap::new();
        for (visitor, slug, at) in readers {
            by_visitor.entry(visitor).or_default().push((slug, at));
        }
        Fold {
            visitors: loaded.clone(),
            loaded,
            readers: by_visitor,
            ..Fold::default()
        }
    }

    /// Folds events in, oldest first.
    pub fn apply(&mut self, events: &[TrailEvent]) {
        for event in events {
            self.apply_one(event);
        }
    }

    fn apply_one(&mut self, e: &TrailEvent) {
        let day = e.at.div_euclid(DAY);
        let state = self
            .visitors
            .entry(e.visitor.clone())
            .or_insert_with(|| VisitorState {
                visitor: e.visitor.clone(),
                first_at: e.at,
                ..VisitorState::default()
            });
        let in_window = e.at - state.first_at <= CONVERSION_WINDOW_DAYS * DAY;
        match e.kind.as_str() {
            "product_view" if in_window => state.steps |= PRODUCT,
            "cart" if in_window => state.steps |= CART,
            "checkout" if in_window => state.steps |= CHECKOUT,
            "paid" if in_window => {
                state.steps |= PAID;
                if state.paid_at.is_none() {
                    state.paid_at = Some(e.at);
                    state.paid_order = e.subject.clone();
                }
            }
            "persona_choice" => state.persona = e.subject.clone(),
            "content_view" => {
                if in_window {
                    state.steps |= GUIDE;
                    if state.entry_guide.is_empty() {
                        state.entry_guide = e.subject.clone();
                        state.entry_stage = if stage_rank(&e.detail) > 0 {
                            e.detail.clone()
                        } else {
                            String::new()
                        };
                    }
                    state.furthest_stage = state.furthest_stage.max(stage_rank(&e.detail));
                }
                let read = self.readers.entry(e.visitor.clone()).or_default();
                let day_row = self.content.entry((day, e.subject.clone())).or_default();
                if !read.iter().any(|(slug, _)| *slug == e.subject) {
                    read.push((e.subject.clone(), e.at));
                    self.new_readers
                        .push((e.visitor.clone(), e.subject.clone(), e.at));
                    day_row.readers += 1;
                }
                day_row.reads += 1;
                if e.depth > 0 {
                    day_row.depth_sum += e.depth;
                    day_row.depth_n += 1;
                }
                if e.seconds > 0 {
                    day_row.seconds_sum += e.seconds;
                    day_row.seconds_n += 1;
                }
            }
            "ticket" => {
                if let Some(read) = self.readers.get(&e.visitor) {
                    for (slug, _) in read.iter().filter(|(_, at)| *at <= e.at) {
                        self.content.entry((day, slug.clone())).or_default().tickets += 1;
                    }
                }
            }
            "search" => {
                let results = e.detail.parse::<i64>().unwrap_or(-1);
                let row = self
                    .searches
                    .entry((day, e.subject.to_lowercase()))
                    .or_insert(SearchDay {
                        searches: 0,
                        results,
                    });
                row.searches += 1;
                row.results = results;
            }
            _ => {}
        }
    }

    /// How the visitor counts change: each changed visitor leaves their old cell and joins
    /// their new one. Cells that net to zero are left out.
    pub fn cell_deltas(&self) -> BTreeMap<Cell, i64> {
        let mut deltas: BTreeMap<Cell, i64> = BTreeMap::new();
        for (visitor, state) in &self.visitors {
            let before = self.loaded.get(visitor);
            if before == Some(state) {
                continue;
            }
            if let Some(before) = before {
                *deltas.entry(before.cell()).or_default() -= 1;
            }
            *deltas.entry(state.cell()).or_default() += 1;
        }
        deltas.retain(|_, n| *n != 0);
        deltas
    }

    /// The states that differ from what was loaded (to write back).
    pub fn changed(&self) -> Vec<&VisitorState> {
        let mut changed: Vec<&VisitorState> = self
            .visitors
            .values()
            .filter(|s| self.loaded.get(&s.visitor) != Some(*s))
            .collect();
        changed.sort_by(|a, b| a.visitor.cmp(&b.visitor));
        changed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(visitor: &str, kind: &str, subject: &str, detail: &str, at: i64) -> TrailEvent {
        TrailEvent {
            visitor: visitor.into(),
            kind: kind.into(),
            subject: subject.into(),
            detail: detail.into(),
            at,
            depth: 0,
            seconds: 0,
        }
    }

    #[test]
    fn a_visitor_moves_between_cells_as_they_go() {
        let day0 = 20_000 * DAY;
        let mut fold = Fold::new(Vec::new(), Vec::new());
        fold.apply(&[
            event("a", "content_view", "brew-guide", "awareness", day0 + 10),
            event("a", "product_view", "grinder", "", day0 + 20),
        ]);
        let first = fold.cell_deltas();
        assert_eq!(first.len(), 1);
        let (cell, n) = first.iter().next().unwrap();
        assert_eq!(*n, 1);
        assert_eq!(cell.steps, PRODUCT | GUIDE);
        assert_eq!(
            (cell.entry_guide.as_str(), cell.entry_stage.as_str()),
            ("brew-guide", "awareness")
        );
        // The next day: stored state in, a decision guide, a cart, a ticket and a payment.
        let stored = fold.changed().into_iter().cloned().collect::<Vec<_>>();
        let mut next = Fold::new(stored, vec![("a".into(), "brew-guide".into(), day0 + 10)]);
        next.apply(&[
            event(
                "a",
                "content_view",
                "which-grinder",
                "decision",
                day0 + DAY + 5,
            ),
            event("a", "cart", "grinder", "", day0 + DAY + 6),
            event("a", "ticket", "T1", "", day0 + DAY + 7),
            event("a", "checkout", "ORD1", "", day0 + DAY + 8),
            event("a", "paid", "ORD1", "", day0 + DAY + 9),
            event("a", "paid", "ORD2", "", day0 + DAY + 10),
        ]);
        let deltas = next.cell_deltas();
        assert_eq!(deltas.len(), 2, "{deltas:?}");
        assert_eq!(deltas.values().sum::<i64>(), 0, "still one visitor");
        let now = &next.visitors["a"];
        assert_eq!(now.steps, PRODUCT | GUIDE | CART | CHECKOUT | PAID);
        assert_eq!(now.furthest_stage, 3);
        assert_eq!(
            now.entry_stage, "awareness",
            "the entry guide stays the first"
        );
        assert_eq!(
            (now.paid_order.as_str(), now.paid_at),
            ("ORD1", Some(day0 + DAY + 9))
        );
        assert_eq!(now.cohort_day(), 20_000, "counted on the day they came");
        // The ticket came after both guides were read, but the decision guide is new today.
        let tickets = |slug: &str| {
            next.content
                .get(&(20_001, slug.to_string()))
                .map_or(0, |c| c.tickets)
        };
        assert_eq!((tickets("brew-guide"), tickets("which-grinder")), (1, 1));
        assert_eq!(next.new_readers.len(), 1);
    }

    #[test]
    fn steps_after_the_window_and_repeat_reads_do_not_count_twice() {
        let day0 = 20_000 * DAY;
        let mut fold = Fold::new(Vec::new(), Vec::new());
        let mut read = event("b", "content_view", "g", "consideration", day0);
        read.depth = 80;
        read.seconds = 40;
        let mut again = read.clone();
        again.at += 100;
        again.depth = 0;
        fold.apply(&[
            read,
            again,
            event("b", "search", "Burr Grinder", "0", day0 + 5),
            event("b", "search", "burr grinder", "3", day0 + 6),
            event(
                "b",
                "cart",
                "x",
                "",
                day0 + (CONVERSION_WINDOW_DAYS + 1) * DAY,
            ),
        ]);
        let state = &fold.visitors["b"];
        assert_eq!(state.steps, GUIDE, "the late cart is outside the window");
        let day = fold.content[&(20_000, "g".to_string())];
        assert_eq!((day.readers, day.reads), (1, 2));
        assert_eq!((day.depth_sum, day.depth_n, day.seconds_n), (80, 1, 2));
        let search = fold.searches[&(20_000, "burr grinder".to_string())];
        assert_eq!((search.searches, search.results), (2, 3));
        let none = Fold::new(vec![state.clone()], Vec::new());
        assert!(none.cell_deltas().is_empty() && none.changed().is_empty());
    }
}
