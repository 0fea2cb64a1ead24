//! What a discount code is and the one engine that works out what it takes off: whether
//! it applies to a cart now (with the reason in words when it does not), and how its
//! saving is split over the lines, to the cent. Quotes' percentages round with
//! [`percent_off`] too, so every discount in the store is computed here.

use crate::money::{Currency, Money};
use serde::{Deserialize, Serialize};

/// What a code gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DiscountKind {
    /// A whole percentage off the items it covers.
    Percent,
    /// An amount off the items it covers (never more than they cost).
    Fixed,
    /// The chosen shipping method costs nothing.
    FreeShipping,
}

impl DiscountKind {
    pub const ALL: [DiscountKind; 3] = [
        DiscountKind::Percent,
        DiscountKind::Fixed,
        DiscountKind::FreeShipping,
    ];

    pub fn key(self) -> &'static str {
        match self {
            DiscountKind::Percent => "percent",
            DiscountKind::Fixed => "fixed",
            DiscountKind::FreeShipping => "free_shipping",
        }
    }

    pub fn parse(key: &str) -> Option<DiscountKind> {
        DiscountKind::ALL
            .into_iter()
            .find(|k| k.key() == key.trim())
    }

    /// What staff pick from.
    pub fn label(self) -> &'static str {
        match self {
            DiscountKind::Percent => "Percentage off",
            DiscountKind::Fixed => "Amount off",
            DiscountKind::FreeShipping => "Free shipping",
        }
    }
}

/// What a code covers; a code with none covers every item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Target {
    Product(i64),
    Variant(i64),
    Category(i64),
}

impl Target {
    /// "p:3", "v:12", "c:2": how the list is kept in `discount_codes.applies_to`.
    pub fn key(self) -> String {
        match self {
            Target::Product(id) => format!("p:{id}"),
            Target::Variant(id) => format!("v:{id}"),
            Target::Category(id) => format!("c:{id}"),
        }
    }

    fn parse(text: &str) -> Option<Target> {
        let (kind, id) = text.split_once(':')?;
        let id: i64 = id.parse().ok()?;
        match kind {
            "p" => Some(Target::Product(id)),
            "v" => Some(Target::Variant(id)),
            "c" => Some(Target::Category(id)),
            _ => None,
        }
    }

    fn covers(self, line: &DiscountLine) -> bool {
        match self {
            Target::Product(id) => line.product_id == id,
            Target::Variant(id) => line.variant_id == id,
            Target::Category(id) => line.category_id == id,
        }
    }
}

/// The stored form of a target list, and back (unknown entries are dropped).
pub fn targets_to_text(targets: &[Target]) -> String {
    targets
        .iter()
        .map(|t| t.key())
        .collect::<Vec<_>>()
        .join(" ")
}

pub fn targets_from_text(text: &str) -> Vec<Target> {
    text.split_whitespace().filter_map(Target::parse).collect()
}

/// A discount code with its rules and counters, as the database holds it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DiscountCode {
    pub id: i64,
    pub code: String,
    pub note: String,
    pub kind: DiscountKind,
    /// Whole percent, or minor units, or 0 (free shipping).
    pub value: i64,
    pub min_subtotal_cents: i64,
    pub targets: Vec<Target>,
    pub starts_at: Option<i64>,
    pub ends_at: Option<i64>,
    pub usage_limit: Option<i64>,
    pub per_customer_limit: Option<i64>,
    pub active: bool,
    /// Paid orders that used it.
    pub used: i64,
    /// Unpaid orders holding a use.
    pub reserved: i64,
    pub created_at: i64,
}

impl DiscountCode {
    /// "10% off", "$5.00 off", "Free shipping" — followed by what it covers when limited.
    pub fn describe(&self, currency: Currency) -> String {
        let what = match self.kind {
            DiscountKind::Percent => format!("{}% off", self.value),
            DiscountKind::Fixed => format!("{} off", Money::new(self.value, currency).format()),
            DiscountKind::FreeShipping => "Free shipping".into(),
        };
        if self.targets.is_empty() || self.kind == DiscountKind::FreeShipping {
            what
        } else {
            format!("{what} selected items")
        }
    }

    /// Where the code stands today, as the staff list shows it.
    pub fn state(&self, now: i64) -> &'static str {
        if !self.active {
            "Paused"
        } else if self.starts_at.is_some_and(|at| now < at) {
            "Scheduled"
        } else if self.ends_at.is_some_and(|at| now >= at) {
            "Ended"
        } else if self.usage_limit.is_some_and(|limit| self.used >= limit) {
            "Used up"
        } else {
            "Active"
        }
    }
}

/// A cart or order line as the engine sees it: what it is and what it costs before any
/// discount (unit price × quantity).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DiscountLine {
    pub product_id: i64,
    pub variant_id: i64,
    pub category_id: i64,
    pub amount_cents: i64,
}

/// Why a code does not apply, in words the customer can act on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum NotApplicable {
    /// No such code (or one typed wrongly).
    Unknown,
    Paused,
    NotStarted {
        starts_at: i64,
    },
    Ended,
    /// Every use is taken (paid, or held by someone checking out).
    UsedUp,
    /// This customer has used it as often as it allows.
    UsedByYou,
    /// Nothing in the cart is covered by the code.
    NoEligibleItems,
    /// The covered items come to less than the code's minimum.
    BelowMinimum {
        missing: Money,
        limited: bool,
    },
}

impl NotApplicable {
    pub fn message(&self) -> String {
        match self {
            NotApplicable::Unknown => {
                "We don't know that code. Check it for typos (codes are letters, digits and dashes)."
                    .into()
            }
            NotApplicable::Paused => "This code is paused for now.".into(),
            NotApplicable::NotStarted { starts_at } => {
                format!("This code starts on {}.", day_words(*starts_at))
            }
            NotApplicable::Ended => "This code has ended.".into(),
            NotApplicable::UsedUp => "This code is used up.".into(),
            NotApplicable::UsedByYou => "You've already used this code.".into(),
            NotApplicable::NoEligibleItems => {
                "This code doesn't cover anything in your cart.".into()
            }
            NotApplicable::BelowMinimum { missing, limited } => {
                if *limited {
                    format!(
                        "Spend {} more on the items this code covers to use it.",
                        missing.format()
                    )
                } else {
                    format!("Spend {} more to use it.", missing.format())
                }
            }
        }
    }
}

/// "1 March 2027" (UTC), for people.
pub fn day_words(unix: i64) -> String {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let date = crate::time::iso_date(unix);
    let year = &date[..4];
    let month: usize = date[5..7].parse().unwrap_or(1);
    let day: u32 = date[8..10].parse().unwrap_or(1);
    format!("{day} {} {year}", MONTHS[month.clamp(1, 12) - 1])
}

/// What a code takes off a cart: each line's share (in the lines' order) and whether
/// shipping is free.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Applied {
    pub line_discounts: Vec<i64>,
    pub free_shipping: bool,
}

impl Applied {
    /// What comes off the items (shipping's saving is counted where shipping is priced).
    pub fn items_off(&self) -> i64 {
        self.line_discounts.iter().sum()
    }
}

/// `percent` off `cents`, rounded half up to the cent: what a percentage code takes off a
/// line and what a quote's discount takes off a unit price.
pub fn percent_off(cents: i64, percent: i64) -> i64 {
    let percent = percent.clamp(0, 100);
    (cents * percent + 50) / 100
}

/// A price with `percent` off (a quote's unit price).
pub fn discounted(cents: i64, percent: i64) -> i64 {
    cents - percent_off(cents, percent)
}

/// Whether `code` applies to `lines` at `now` for a customer who already holds or used it
/// `customer_uses` times, and what it takes off. The usage checks here are for telling the
/// customer early; checkout's reservation is the one that counts (`repo::reserve_use`).
pub fn evaluate(
    code: &DiscountCode,
    lines: &[DiscountLine],
    currency: Currency,
    now: i64,
    customer_uses: i64,
) -> Result<Applied, NotApplicable> {
    if !code.active {
        return Err(NotApplicable::Paused);
    }
    if let Some(starts_at) = code.starts_at.filter(|at| now < *at) {
        return Err(NotApplicable::NotStarted { starts_at });
    }
    if code.ends_at.is_some_and(|at| now >= at) {
        return Err(NotApplicable::Ended);
    }
    if code
        .usage_limit
        .is_some_and(|limit| code.used + code.reserved >= limit)
    {
        return Err(NotApplicable::UsedUp);
    }
    if code
        .per_customer_limit
        .is_some_and(|limit| customer_uses >= limit)
    {
        return Err(NotApplicable::UsedByYou);
    }
    let covered: Vec<bool> = lines
        .iter()
        .map(|line| code.targets.is_empty() || code.targets.iter().any(|t| t.covers(line)))
        .collect();
    let eligible: i64 = lines
        .iter()
        .zip(&covered)
        .filter(|(_, c)| **c)
        .map(|(l, _)| l.amount_cents)
        .sum();
    if !covered.iter().any(|c| *c) {
        return Err(NotApplicable::NoEligibleItems);
    }
    if eligible < code.min_subtotal_cents {
        return Err(NotApplicable::BelowMinimum {
            missing: Money::new(code.min_subtotal_cents - eligible, currency),
            limited: !code.targets.is_empty(),
        });
    }
    let line_discounts = match code.kind {
        DiscountKind::FreeShipping => vec![0; lines.len()],
        DiscountKind::Percent => lines
            .iter()
            .zip(&covered)
            .map(|(l, c)| {
                if *c {
                    percent_off(l.amount_cents, code.value)
                } else {
                    0
                }
            })
            .collect(),
        DiscountKind::Fixed => split_amount(code.value.min(eligible), lines, &covered),
    };
    Ok(Applied {
        line_discounts,
        free_shipping: code.kind == DiscountKind::FreeShipping,
    })
}

/// Splits `amount` over the covered lines in proportion to their amounts, to the cent
/// (`money::split_by_weights`): the shares add up to `amount` exactly, and since `amount`
/// is at most what the covered lines cost, no line gets more than it costs.
fn split_amount(amount: i64, lines: &[DiscountLine], covered: &[bool]) -> Vec<i64> {
    let weights: Vec<i64> = lines
        .iter()
        .zip(covered)
        .map(|(l, c)| if *c { l.amount_cents } else { 0 })
        .collect();
    crate::money::split_by_weights(amount, &weights)
}

/// A code as customers type it: trimmed and upper-cased; `None` when it can't be a code.
pub fn normalize_code(text: &str) -> Option<String> {
    let code = text.trim().to_uppercase();
    let shaped = (3..=32).contains(&code.len())
        && code
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
    shaped.then_some(code)
}

/// A code the cart shows: what it is, what it takes off, or why it does not apply.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CartCode {
    pub code: String,
    pub description: String,
    /// What comes off the items (zero for free shipping or when it does not apply).
    pub saving: Money,
    pub free_shipping: bool,
    /// Why it does not apply to the cart as it is now.
    pub problem: Option<String>,
}

/// The staff form of a code, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct CodeForm {
    pub code: String,
    pub note: String,
    pub kind: DiscountKind,
    pub value: i64,
    pub min_subtotal_cents: i64,
    pub starts_at: Option<i64>,
    pub ends_at: Option<i64>,
    pub usage_limit: Option<i64>,
    pub per_customer_limit: Option<i64>,
    pub active: bool,
    /// What staff typed for "Only these products" (product addresses or SKUs), resolved
    /// to targets by the repo.
    pub items: Vec<String>,
    pub category_ids: Vec<i64>,
}

/// Checks the staff form; every problem is named next to its field. `field` reads a
/// value, `categories` are the ticked category ids as typed.
pub fn parse_code_form(
    field: impl Fn(&str) -> String,
    categories: &[String],
) -> Result<CodeForm, Vec<(String, String)>> {
    let mut errors: Vec<(String, String)> = Vec::new();
    let mut fail = |name: &str, message: &str| errors.push((name.into(), message.into()));
    let code = normalize_code(&field("code"));
    if code.is_none() {
        fail(
            "code",
            "A code is 3 to 32 letters, digits, dashes or underscores, like SPRING-10.",
        );
    }
    let note = field("note").trim().to_string();
    if note.chars().count() > 200 {
        fail("note", "Keep the note under 200 characters.");
    }
    let kind = DiscountKind::parse(&field("kind"));
    let value = match kind {
        None => {
            fail("kind", "Choose what the code gives.");
            0
        }
        Some(DiscountKind::Percent) => {
            match field("value").trim().trim_end_matches('%').parse::<i64>() {
                Ok(p) if (1..=100).contains(&p) => p,
                _ => {
                    fail("value", "A percentage is a whole number from 1 to 100.");
                    0
                }
            }
        }
        Some(DiscountKind::Fixed) => {
            match crate::money::parse_money_field(&field("value"), "value", true) {
                Ok(Some(cents)) if cents > 0 => cents,
                _ => {
                    fail("value", "Enter the amount off, like 5 or 12.50.");
                    0
                }
            }
        }
        Some(DiscountKind::FreeShipping) => 0,
    };
    let min_subtotal_cents =
        match crate::money::parse_money_field(&field("min_subtotal"), "min_subtotal", false) {
            Ok(cents) => cents.unwrap_or(0),
            Err(_) => {
                fail(
                    "min_subtotal",
                    "Enter the minimum like 50 or 49.99, or leave it empty.",
                );
                0
            }
        };
    let mut time = |name: &str| {
        let text = field(name);
        if text.trim().is_empty() {
            return None;
        }
        let parsed = crate::time::parse_datetime_local(&text);
        if parsed.is_none() {
            errors.push((
                name.into(),
                "Enter a date and time like 2027-03-01T09:00 (UTC), or leave it empty.".into(),
            ));
        }
        parsed
    };
    let starts_at = time("starts_at");
    let ends_at = time("ends_at");
    if let (Some(start), Some(end)) = (starts_at, ends_at) {
        if end <= start {
            errors.push((
                "ends_at".into(),
                "The end must come after the start.".into(),
            ));
        }
    }
    let mut count = |name: &str, what: &str| {
        let text = field(name);
        if text.trim().is_empty() {
            return None;
        }
        match text.trim().parse::<i64>() {
            Ok(n) if (1..=1_000_000).contains(&n) => Some(n),
            _ => {
                errors.push((
                    name.into(),
                    format!("{what} is a whole number from 1 to 1,000,000, or empty for no limit."),
                ));
                None
            }
        }
    };
    let usage_limit = count("usage_limit", "The total limit");
    let per_customer_limit = count("per_customer_limit", "The limit per customer");
    let items: Vec<String> = field("items")
        .split([',', '\n', ' '])
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    if items.len() > 50 {
        errors.push((
            "items".into(),
            "A code covers at most 50 products or SKUs; use categories for more.".into(),
        ));
    }
    let mut category_ids = Vec::new();
    for typed in categories {
        match typed.trim().parse::<i64>() {
            Ok(id) if !category_ids.contains(&id) => category_ids.push(id),
            Ok(_) => {}
            Err(_) => {
                errors.push(("categories".into(), "Pick categories from the list.".into()));
                break;
            }
        }
    }
    let active = field("status") != "paused";
    match (code, kind) {
        (Some(code), Some(kind)) if errors.is_empty() => Ok(CodeForm {
            code,
            note,
            kind,
            value,
            min_subtotal_cents,
            starts_at,
            ends_at,
            usage_limit,
            per_customer_limit,
            active,
            items,
            category_ids,
        }),
        _ => Err(errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_800_000_000;

    fn code(kind: DiscountKind, value: i64) -> DiscountCode {
        DiscountCode {
            id: 1,
            code: "SPRING".into(),
            note: String::new(),
            kind,
            value,
            min_subtotal_cents: 0,
            targets: Vec::new(),
            starts_at: None,
            ends_at: None,
            usage_limit: None,
            per_customer_limit: None,
            active: true,
            used: 0,
            reserved: 0,
            created_at: 0,
        }
    }

    fn line(product_id: i64, category_id: i64, amount_cents: i64) -> DiscountLine {
        DiscountLine {
            product_id,
            variant_id: product_id * 10,
            category_id,
            amount_cents,
        }
    }

    fn run(code: &DiscountCode, lines: &[DiscountLine]) -> Result<Applied, NotApplicable> {
        evaluate(code, lines, Currency::Usd, NOW, 0)
    }

    #[test]
    fn percentages_round_half_up_per_line() {
        let applied = run(
            &code(DiscountKind::Percent, 10),
            &[line(1, 1, 1_999), line(2, 1, 5)],
        )
        .unwrap();
        assert_eq!(applied.line_discounts, vec![200, 1]);
        assert!(!applied.free_shipping);
        assert_eq!(percent_off(333, 25), 83);
        assert_eq!(discounted(1999, 10), 1799);
        assert_eq!(discounted(1000, 0), 1000);
    }

    #[test]
    fn fixed_amounts_split_to_the_cent_and_never_exceed_the_items() {
        let lines = [line(1, 1, 1_000), line(2, 1, 2_000), line(3, 1, 3_000)];
        let applied = run(&code(DiscountKind::Fixed, 1_000), &lines).unwrap();
        assert_eq!(applied.items_off(), 1_000);
        assert_eq!(applied.line_discounts, vec![167, 333, 500]);
        let capped = run(&code(DiscountKind::Fixed, 99_999), &lines).unwrap();
        assert_eq!(capped.line_discounts, vec![1_000, 2_000, 3_000]);
        // Odd cents over equal lines: every cent placed, first line first.
        let even = run(
            &code(DiscountKind::Fixed, 100),
            &[line(1, 1, 999), line(2, 1, 999), line(3, 1, 999)],
        )
        .unwrap();
        assert_eq!(even.line_discounts, vec![34, 33, 33]);
    }

    #[test]
    fn targets_limit_what_a_code_covers() {
        let lines = [line(1, 7, 4_000), line(2, 8, 6_000)];
        let mut by_category = code(DiscountKind::Percent, 50);
        by_category.targets = vec![Target::Category(8)];
        assert_eq!(
            run(&by_category, &lines).unwrap().line_discounts,
            vec![0, 3_000]
        );
        let mut by_variant = code(DiscountKind::Fixed, 500);
        by_variant.targets = vec![Target::Variant(10)];
        assert_eq!(
            run(&by_variant, &lines).unwrap().line_discounts,
            vec![500, 0]
        );
        let mut elsewhere = code(DiscountKind::Percent, 10);
        elsewhere.targets = vec![Target::Product(99)];
        assert_eq!(run(&elsewhere, &lines), Err(NotApplicable::NoEligibleItems));
        assert_eq!(
            targets_from_text(&targets_to_text(&by_category.targets)),
            by_category.targets
        );
        assert_eq!(
            targets_from_text("p:1 x:2 v:abc c:3"),
            vec![Target::Product(1), Target::Category(3)]
        );
    }

    #[test]
    fn every_rule_says_why_in_words() {
        let lines = [line(1, 1, 2_000)];
        let mut paused = code(DiscountKind::Percent, 10);
        paused.active = false;
        assert_eq!(run(&paused, &lines), Err(NotApplicable::Paused));

        let mut later = code(DiscountKind::Percent, 10);
        later.starts_at = Some(1_803_891_600); // 2027-03-01 09:00 UTC
        let err = run(&later, &lines).unwrap_err();
        assert_eq!(err.message(), "This code starts on 1 March 2027.");

        let mut over = code(DiscountKind::Percent, 10);
        over.ends_at = Some(NOW);
        assert_eq!(run(&over, &lines), Err(NotApplicable::Ended));

        let mut used_up = code(DiscountKind::Percent, 10);
        used_up.usage_limit = Some(10);
        used_up.used = 7;
        used_up.reserved = 3;
        assert_eq!(
            run(&used_up, &lines).unwrap_err().message(),
            "This code is used up."
        );

        let mut once = code(DiscountKind::Percent, 10);
        once.per_customer_limit = Some(1);
        assert_eq!(
            evaluate(&once, &lines, Currency::Usd, NOW, 1),
            Err(NotApplicable::UsedByYou)
        );
        assert!(evaluate(&once, &lines, Currency::Usd, NOW, 0).is_ok());

        let mut minimum = code(DiscountKind::Fixed, 500);
        minimum.min_subtotal_cents = 5_000;
        assert_eq!(
            run(&minimum, &lines).unwrap_err().message(),
            "Spend $30.00 more to use it."
        );
        minimum.targets = vec![Target::Category(1)];
        assert!(run(&minimum, &lines)
            .unwrap_err()
            .message()
            .contains("on the items this code covers"));

        let free = run(&code(DiscountKind::FreeShipping, 0), &lines).unwrap();
        assert!(free.free_shipping);
        assert_eq!(free.items_off(), 0);
    }

    #[test]
    fn codes_are_read_case_insensitively_and_shaped() {
        assert_eq!(normalize_code("  welcome10 "), Some("WELCOME10".into()));
        assert_eq!(
            normalize_code("spring-sale_2"),
            Some("SPRING-SALE_2".into())
        );
        assert_eq!(normalize_code("ab"), None);
        assert_eq!(normalize_code("<script>"), None);
        assert_eq!(normalize_code("TWO CODES"), None);
        assert_eq!(normalize_code(&"A".repeat(33)), None);
    }

    #[test]
    fn the_staff_form_names_every_mistake() {
        let form = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| v.to_string())
                    .unwrap_or_default()
            }
        };
        let good = parse_code_form(
            form(&[
                ("code", "spring-10"),
                ("kind", "percent"),
                ("value", "10"),
                ("min_subtotal", "50"),
                ("starts_at", "2027-03-01T09:00"),
                ("usage_limit", "10"),
                ("per_customer_limit", "1"),
                ("items", "kestrel-64, K64-230"),
            ]),
            &["3".to_string()],
        )
        .unwrap();
        assert_eq!(good.code, "SPRING-10");
        assert_eq!(good.value, 10);
        assert_eq!(good.min_subtotal_cents, 5_000);
        assert_eq!(good.starts_at, Some(1_803_891_600));
        assert_eq!(good.usage_limit, Some(10));
        assert_eq!(good.items, vec!["kestrel-64", "K64-230"]);
        assert_eq!(good.category_ids, vec![3]);
        assert!(good.active);

        let errors = parse_code_form(
            form(&[
                ("code", "x"),
                ("kind", "percent"),
                ("value", "150"),
                ("starts_at", "2027-03-01T09:00"),
                ("ends_at", "2027-02-01T09:00"),
                ("usage_limit", "0"),
            ]),
            &[],
        )
        .unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(fields, vec!["code", "value", "ends_at", "usage_limit"]);
        let fixed = parse_code_form(
            form(&[("code", "FIVE"), ("kind", "fixed"), ("value", "")]),
            &[],
        );
        assert!(fixed.unwrap_err().iter().any(|(f, _)| f == "value"));
    }
}
