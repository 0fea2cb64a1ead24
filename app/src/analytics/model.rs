//! What the shared funnel view is made of, and the arithmetic behind it: date ranges, the
//! ordered funnel with step conversion and drop-off, medians, first-response buckets.
//! Pure functions, unit-tested here; the SQL that feeds them is in `repo.rs`.

use crate::journey::attribution::Model;
use serde::{Deserialize, Serialize};

/// A report's dates: from the start of `from`'s day to the end of `to`'s (UTC).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Range {
    pub from: i64,
    /// Exclusive.
    pub to: i64,
    /// The preset chosen ("7d", "30d", "90d"), or "" for custom dates.
    pub preset: String,
}

pub const PRESETS: [(&str, &str, i64); 3] = [
    ("7d", "Last 7 days", 7),
    ("30d", "Last 30 days", 30),
    ("90d", "Last 90 days", 90),
];

impl Range {
    /// From the page's query: a preset, or custom `from`/`to` days ("2026-11-01"); anything
    /// unreadable is the last 30 days, and a custom range never runs backwards or past a year.
    pub fn parse(preset: &str, from: &str, to: &str, now: i64) -> Range {
        let today_end = (now.div_euclid(86_400) + 1) * 86_400;
        let day = |text: &str| crate::time::parse_datetime_local(&format!("{}T00:00", text.trim()));
        if let (Some(start), Some(end)) = (day(from), day(to)) {
            if start <= end && end - start <= 366 * 86_400 {
                return Range {
                    from: start,
                    to: end + 86_400,
                    preset: String::new(),
                };
            }
        }
        let (key, _, days) = PRESETS
            .iter()
            .find(|(key, _, _)| *key == preset)
            .copied()
            .unwrap_or(PRESETS[1]);
        Range {
            from: today_end - days * 86_400,
            to: today_end,
            preset: key.to_string(),
        }
    }

    /// "2026-11-06 – 2026-12-05".
    pub fn label(&self) -> String {
        format!(
            "{} – {}",
            crate::time::iso_date(self.from),
            crate::time::iso_date(self.to - 1)
        )
    }

    /// The query string that asks for this range again (for links and exports).
    pub fn query(&self) -> String {
        if self.preset.is_empty() {
            format!(
                "from={}&to={}",
                crate::time::iso_date(self.from),
                crate::time::iso_date(self.to - 1)
            )
        } else {
            format!("range={}", self.preset)
        }
    }
}

/// The funnel's steps, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Step {
    Visited,
    ViewedProduct,
    ReadGuide,
    AddedToCart,
    StartedCheckout,
    Paid,
}

impl Step {
    pub const ALL: [Step; 6] = [
        Step::Visited,
        Step::ViewedProduct,
        Step::ReadGuide,
        Step::AddedToCart,
        Step::StartedCheckout,
        Step::Paid,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Step::Visited => "visited",
            Step::ViewedProduct => "product",
            Step::ReadGuide => "guide",
            Step::AddedToCart => "cart",
            Step::StartedCheckout => "checkout",
            Step::Paid => "paid",
        }
    }

    pub fn parse(key: &str) -> Option<Step> {
        Step::ALL.into_iter().find(|s| s.key() == key)
    }

    pub fn label(self) -> &'static str {
        match self {
            Step::Visited => "Visitors",
            Step::ViewedProduct => "Viewed a product",
            Step::ReadGuide => "Read a guide",
            Step::AddedToCart => "Added to cart",
            Step::StartedCheckout => "Started checkout",
            Step::Paid => "Paid",
        }
    }

    /// The step's bit in a visitor's steps (none for "Visitors": everyone).
    pub fn bit(self) -> i64 {
        use super::fold::{CART, CHECKOUT, GUIDE, PAID, PRODUCT};
        match self {
            Step::Visited => 0,
            Step::ViewedProduct => PRODUCT,
            Step::ReadGuide => GUIDE,
            Step::AddedToCart => CART,
            Step::StartedCheckout => CHECKOUT,
            Step::Paid => PAID,
        }
    }

    fn reached(self, steps: i64) -> bool {
        steps & self.bit() == self.bit()
    }
}

/// One step of a funnel: how many reached it (having reached every step before it), the
/// share of the previous step's that did (basis points) and how many dropped off there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FunnelStep {
    pub step: Step,
    pub count: i64,
    pub conversion_bp: i64,
    pub dropped: i64,
}

/// Who got through `steps` in order (each counted only if they reached every earlier one),
/// from groups of (steps taken, visitors).
pub fn funnel(groups: &[(i64, i64)], steps: &[Step]) -> Vec<FunnelStep> {
    let mut out: Vec<FunnelStep> = Vec::new();
    let mut previous: Option<i64> = None;
    for (i, step) in steps.iter().enumerate() {
        let mask = mask_through(steps, i);
        let count = groups
            .iter()
            .filter(|(taken, _)| taken & mask == mask)
            .map(|(_, n)| n)
            .sum::<i64>();
        let (conversion_bp, dropped) = match previous {
            None => (10_000, 0),
            Some(0) => (0, 0),
            Some(before) => ((count * 10_000) / before, before - count),
        };
        out.push(FunnelStep {
            step: *step,
            count,
            conversion_bp,
            dropped,
        });
        previous = Some(count);
    }
    out
}

/// The steps a visitor must have taken to count at `steps[i]`.
pub fn mask_through(steps: &[Step], i: usize) -> i64 {
    steps[..=i.min(steps.len() - 1)]
        .iter()
        .fold(0, |mask, s| mask | s.bit())
}

/// The full funnel of the dashboard.
pub const FULL: [Step; 6] = Step::ALL;
/// The funnel without the guide step, to put readers and non-readers side by side.
pub const WITHOUT_GUIDE: [Step; 5] = [
    Step::Visited,
    Step::ViewedProduct,
    Step::AddedToCart,
    Step::StartedCheckout,
    Step::Paid,
];

/// The middle value (the lower middle of an even count); `None` for none.
pub fn median(values: &mut [i64]) -> Option<i64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    Some(values[(values.len() - 1) / 2])
}

/// "12.5%" from basis points.
pub fn percent(bp: i64) -> String {
    crate::checkout::tax::model::percent(bp)
}

/// "3 h 20 min", "2 d 4 h", "45 s" — durations for people.
pub fn duration(seconds: i64) -> String {
    let s = seconds.max(0);
    match s {
        0..=59 => format!("{s} s"),
        60..=3_599 => format!("{} min", s / 60),
        3_600..=86_399 if s % 3_600 < 60 => format!("{} h", s / 3_600),
        3_600..=86_399 => format!("{} h {} min", s / 3_600, (s % 3_600) / 60),
        _ => format!("{} d {} h", s / 86_400, (s % 86_400) / 3_600),
    }
}

/// First-response buckets (upper bound in seconds, label); the last catches the rest.
pub const RESPONSE_BUCKETS: [(i64, &str); 5] = [
    (15 * 60, "Under 15 min"),
    (3_600, "15 min – 1 h"),
    (4 * 3_600, "1 – 4 h"),
    (86_400, "4 – 24 h"),
    (i64::MAX, "Over a day"),
];

/// How many first responses fall in each of [`RESPONSE_BUCKETS`].
pub fn bucket_responses(seconds: &[i64]) -> Vec<i64> {
    let mut counts = vec![0; RESPONSE_BUCKETS.len()];
    for s in seconds {
        let index = RESPONSE_BUCKETS
            .iter()
            .position(|(upper, _)| s < upper)
            .unwrap_or(RESPONSE_BUCKETS.len() - 1);
        counts[index] += 1;
    }
    counts
}

/// A guide's line in the content attribution table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContentRow {
    pub slug: String,
    pub title: String,
    pub stage: String,
    pub readers: i64,
    /// Averages over the reads the page could measure (JavaScript on).
    pub avg_depth: i64,
    pub avg_seconds: i64,
    /// Orders it is credited on (any model), and tickets opened after reading it.
    pub assisted_orders: i64,
    pub tickets_after: i64,
    /// Tickets decided in the range whose customer read it first (won, lost), and the
    /// won tickets' quote revenue credited to it (shared equally among the guides read).
    pub won_tickets: i64,
    pub lost_tickets: i64,
    pub quote_credit: i64,
    /// Revenue credited under each model, in [`Model::ALL`]'s order.
    pub credits: Vec<i64>,
}

impl ContentRow {
    /// A guide's row before anything is counted for it.
    pub fn empty(slug: &str, (title, stage): (String, String)) -> ContentRow {
        ContentRow {
            slug: slug.to_string(),
            title,
            stage,
            readers: 0,
            avg_depth: 0,
            avg_seconds: 0,
            assisted_orders: 0,
            tickets_after: 0,
            won_tickets: 0,
            lost_tickets: 0,
            quote_credit: 0,
            credits: vec![0; Model::ALL.len()],
        }
    }
}

/// Sales' side of the funnel.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SalesView {
    /// (stage at opening, opened, won, lost).
    pub by_stage: Vec<(String, i64, i64, i64)>,
    pub median_first_response: Option<i64>,
    pub response_buckets: Vec<i64>,
    pub unanswered: i64,
    pub target_minutes: i64,
    pub won: i64,
    pub lost: i64,
    pub quote_revenue: i64,
    /// Paid orders' revenue from buyers who opened a ticket first, and from the others.
    pub talked_revenue: i64,
    pub alone_revenue: i64,
}

impl SalesView {
    /// Won ÷ (won + lost), in basis points; `None` before any outcome.
    pub fn win_rate_bp(&self) -> Option<i64> {
        let decided = self.won + self.lost;
        (decided > 0).then(|| self.won * 10_000 / decided)
    }
}

/// The content backlog marketing works from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GapView {
    /// (search text, times searched, results the last time) with none or few results.
    pub searches: Vec<(String, i64, i64)>,
    /// (why a ticket was lost, how often).
    pub lost_reasons: Vec<(String, i64)>,
    /// (persona name, persona slug, stage) with no published guide.
    pub empty_cells: Vec<(String, String, String)>,
}

/// What the page narrows the funnel to: one persona ("none" for visitors who chose none)
/// and the step whose visitors it lists.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Filter {
    pub persona: String,
    pub step: Option<Step>,
}

impl Filter {
    /// The persona a visitor must have to be kept: `None` for anyone, "" for none chosen.
    pub fn persona_slug(&self) -> Option<&str> {
        match self.persona.as_str() {
            "" => None,
            "none" => Some(""),
            slug => Some(slug),
        }
    }

    pub fn keeps(&self, persona: &str) -> bool {
        self.persona_slug().is_none_or(|wanted| wanted == persona)
    }
}

/// A visitor behind a funnel step, as the drill-down lists them (no personal data: a
/// short visitor id, when they came, how far they got).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrillRow {
    pub visitor: String,
    pub first_at: i64,
    pub furthest: Step,
    pub paid_at: Option<i64>,
    /// The order they paid ("" for none), which sales and admins can open.
    pub order: String,
}

/// The furthest step of the full funnel a visitor reached in order.
pub fn furthest(steps: i64) -> Step {
    let mut reached = Step::Visited;
    for step in FULL {
        if step.reached(steps) {
            reached = step;
        } else {
            break;
        }
    }
    reached
}

/// Everything `/admin/analytics` shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dashboard {
    pub range: Range,
    pub filter: Filter,
    /// (slug, name) of every persona, for the filter.
    pub personas: Vec<(String, String)>,
    /// The visitors behind the chosen step (at most 200), and how many there are.
    pub drill: Vec<DrillRow>,
    pub drill_total: usize,
    pub funnel: Vec<FunnelStep>,
    pub readers: Vec<FunnelStep>,
    pub non_readers: Vec<FunnelStep>,
    /// (persona name, its funnel) for each persona chosen in the range, then "No persona".
    pub by_persona: Vec<(String, Vec<FunnelStep>)>,
    /// (stage the visitor entered at, its funnel).
    pub by_entry_stage: Vec<(String, Vec<FunnelStep>)>,
    /// (title of the first guide read, its funnel) for the guides most visitors entered by.
    pub by_entry_guide: Vec<(String, Vec<FunnelStep>)>,
    /// Per persona, how far visitors read through the stages and how many then paid.
    pub progression: Vec<Progression>,
    pub median_time_to_pay: Option<i64>,
    pub content: Vec<ContentRow>,
    /// Revenue of paid orders in the range, and of those credited to any guide.
    pub revenue: i64,
    pub attributed_revenue: i64,
    pub model_totals: Vec<i64>,
    pub sales: SalesView,
    pub gaps: GapView,
    pub currency: crate::money::Currency,
}

/// One persona's walk through the stages: visitors, how many read a guide at each stage
/// or later (awareness, consideration, decision), and how many of those readers paid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progression {
    pub persona: String,
    pub visitors: i64,
    pub stages: [i64; 3],
    pub ordered: i64,
}

impl Progression {
    /// Where most of them stopped: the step with the largest drop ("" when nobody read).
    pub fn stalled_at(&self) -> &'static str {
        let steps = [
            (self.visitors, self.stages[0], "before reading"),
            (self.stages[0], self.stages[1], "at awareness"),
            (self.stages[1], self.stages[2], "at consideration"),
            (self.stages[2], self.ordered, "at decision"),
        ];
        steps
            .iter()
            .filter(|(before, after, _)| before > after)
            .max_by_key(|(before, after, _)| before - after)
            .map_or("", |(_, _, label)| label)
    }
}

/// The attribution models' labels, in the tables' column order.
pub fn model_labels() -> Vec<&'static str> {
    Model::ALL.iter().map(|m| m.label()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn visitor(product: bool, guide: bool, cart: bool, checkout: bool, paid: bool) -> (i64, i64) {
        use crate::analytics::fold::{CART, CHECKOUT, GUIDE, PAID, PRODUCT};
        let bit = |on: bool, b: i64| if on { b } else { 0 };
        (
            bit(product, PRODUCT)
                | bit(guide, GUIDE)
                | bit(cart, CART)
                | bit(checkout, CHECKOUT)
                | bit(paid, PAID),
            1,
        )
    }

    #[test]
    fn a_funnel_counts_only_who_reached_every_earlier_step() {
        let visitors = vec![
            visitor(true, true, true, true, true),
            visitor(true, true, true, false, false),
            visitor(true, false, true, true, true),
            visitor(false, true, false, false, false),
        ];
        let full = funnel(&visitors, &FULL);
        let counts: Vec<i64> = full.iter().map(|s| s.count).collect();
        assert_eq!(counts, vec![4, 3, 2, 2, 1, 1]);
        assert_eq!(full[1].conversion_bp, 7_500);
        assert_eq!(full[1].dropped, 1);
        assert_eq!(full[4].conversion_bp, 5_000);
        let short = funnel(&visitors, &WITHOUT_GUIDE);
        assert_eq!(
            short.iter().map(|s| s.count).collect::<Vec<_>>(),
            vec![4, 3, 3, 2, 2]
        );
        // Groups weigh as many visitors as they hold.
        let grouped = funnel(&[(visitors[0].0, 3), (0, 2)], &FULL);
        assert_eq!(grouped[0].count, 5);
        assert_eq!(grouped[5].count, 3);
        assert_eq!(furthest(visitors[2].0), Step::ViewedProduct);
        let empty = funnel(&[], &FULL);
        assert!(empty.iter().all(|s| s.count == 0));
        let walk = Progression {
            persona: "x".into(),
            visitors: 100,
            stages: [60, 50, 10],
            ordered: 5,
        };
        assert_eq!(walk.stalled_at(), "at consideration");
    }

    #[test]
    fn ranges_medians_and_buckets() {
        let now = 1_796_428_800 + 3_600; // 2026-12-05 01:00 UTC
        let month = Range::parse("", "", "", now);
        assert_eq!(month.preset, "30d");
        assert_eq!(month.to - month.from, 30 * 86_400);
        assert_eq!(month.label(), "2026-11-06 – 2026-12-05");
        let custom = Range::parse("7d", "2026-11-01", "2026-11-30", now);
        assert_eq!(custom.preset, "");
        assert_eq!(custom.to - custom.from, 30 * 86_400);
        assert_eq!(custom.query(), "from=2026-11-01&to=2026-11-30");
        let backwards = Range::parse("", "2026-11-30", "2026-11-01", now);
        assert_eq!(backwards.preset, "30d");
        assert_eq!(median(&mut [5, 1, 3]), Some(3));
        assert_eq!(median(&mut [4, 1, 3, 2]), Some(2));
        assert_eq!(median(&mut []), None);
        assert_eq!(
            bucket_responses(&[60, 900, 7_200, 100_000]),
            vec![1, 1, 1, 0, 1]
        );
        assert_eq!(duration(4 * 3_600 + 20 * 60), "4 h 20 min");
        assert_eq!(duration(3_600), "1 h");
    }
}
