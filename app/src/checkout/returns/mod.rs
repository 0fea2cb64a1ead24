//! Self-service returns: within the return window a customer picks lines, quantities and a
//! reason on their order (`page.rs`); staff approve or decline, mark the parcel received and
//! refund the items with their tax share (optionally shipping), putting chosen items back in
//! stock (`staff/returns.rs`). Each step is one transition of [`ReturnStatus`], on the
//! order's timeline, emailed and audited.
//!
//! ```text
//! requested ──▶ approved ──▶ received ──▶ refunded
//!     │             └──────────────────────▲
//!     └──▶ declined (its items can be asked for again)
//! ```

pub mod page;
#[cfg(feature = "ssr")]
pub mod repo;

use super::model::{Order, OrderStatus};
use crate::money::Money;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReturnStatus {
    Requested,
    Approved,
    Declined,
    Received,
    Refunded,
}

impl ReturnStatus {
    pub const ALL: [ReturnStatus; 5] = [
        ReturnStatus::Requested,
        ReturnStatus::Approved,
        ReturnStatus::Declined,
        ReturnStatus::Received,
        ReturnStatus::Refunded,
    ];

    pub fn key(self) -> &'static str {
        match self {
            ReturnStatus::Requested => "requested",
            ReturnStatus::Approved => "approved",
            ReturnStatus::Declined => "declined",
            ReturnStatus::Received => "received",
            ReturnStatus::Refunded => "refunded",
        }
    }

    pub fn parse(key: &str) -> Option<ReturnStatus> {
        ReturnStatus::ALL.into_iter().find(|s| s.key() == key)
    }

    /// What the customer reads.
    pub fn label(self) -> &'static str {
        match self {
            ReturnStatus::Requested => "Return requested — we'll answer within a day",
            ReturnStatus::Approved => "Return approved — send the items back",
            ReturnStatus::Declined => "Return declined",
            ReturnStatus::Received => "Items received — refund on its way",
            ReturnStatus::Refunded => "Refunded",
        }
    }

    /// The one table of legal steps (refunding without waiting for the parcel is allowed:
    /// staff may not need the item back).
    pub fn can_become(self, next: ReturnStatus) -> bool {
        use ReturnStatus::*;
        matches!(
            (self, next),
            (Requested, Approved | Declined)
                | (Approved, Received | Refunded)
                | (Received, Refunded)
        )
    }
}

/// Why people send things back (key, what they read).
pub const REASONS: [(&str, &str); 6] = [
    ("changed_mind", "I changed my mind"),
    ("damaged", "It arrived damaged"),
    ("not_as_described", "It isn't as described"),
    ("wrong_item", "You sent the wrong item"),
    ("does_not_fit", "It doesn't fit my setup"),
    ("other", "Something else (tell us below)"),
];

pub fn reason_label(key: &str) -> &str {
    REASONS
        .iter()
        .find(|(k, _)| *k == key)
        .map_or(key, |(_, label)| label)
}

/// One line of a return.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReturnLine {
    pub variant_id: i64,
    pub name: String,
    pub quantity: i64,
    pub restocked: bool,
}

/// A return as the order page and the orders desk show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderReturn {
    pub id: i64,
    pub status: ReturnStatus,
    pub reason: String,
    pub note: String,
    pub decline_reason: String,
    pub refund: Money,
    pub lines: Vec<ReturnLine>,
    pub created_at: i64,
}

impl OrderReturn {
    /// "R-12": what the customer writes on the parcel.
    pub fn reference(&self) -> String {
        format!("R-{}", self.id)
    }
}

/// Why this order can't be returned by its customer now (`None`: it can).
pub fn return_problem(order: &Order, now: i64, window_days: i64) -> Option<String> {
    let paid = matches!(
        order.status,
        OrderStatus::Paid | OrderStatus::Fulfilled | OrderStatus::PartiallyRefunded
    );
    if order.status == OrderStatus::Refunded {
        return Some("This order was refunded in full, so there is nothing left to return.".into());
    }
    let Some(paid_at) = order.paid_at.filter(|_| paid) else {
        return Some("Only paid orders can be returned.".into());
    };
    if window_days <= 0 {
        return Some("Returns are arranged by our team: talk to us and we'll help.".into());
    }
    let closes = paid_at + window_days * 86_400;
    if now >= closes {
        return Some(format!(
            "The return window closed on {} ({window_days} days after payment). Talk to us and we'll see what we can do.",
            crate::discounts::model::day_words(closes)
        ));
    }
    if order.lines.iter().all(|l| l.returned >= l.quantity) {
        return Some("Every item of this order is already in a return.".into());
    }
    None
}

/// Whether the customer may ask to return items now, worked out by the server when it
/// loads the order for its customer (the default says nothing either way).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ReturnWindow {
    /// Until when returns may be asked for, when they may be now.
    pub closes: Option<i64>,
    /// Why not, when they may not.
    pub problem: Option<String>,
}

pub fn return_window(order: &Order, now: i64, window_days: i64) -> ReturnWindow {
    match return_problem(order, now, window_days) {
        Some(problem) => ReturnWindow {
            closes: None,
            problem: Some(problem),
        },
        None => ReturnWindow {
            closes: order.paid_at.map(|at| at + window_days * 86_400),
            problem: None,
        },
    }
}

/// A return as the customer asked for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReturnRequest {
    /// (variant id, quantity) of each line with at least one.
    pub lines: Vec<(i64, i64)>,
    pub reason: String,
    pub note: String,
}

/// Reads the customer's return form; every problem is named next to its field.
pub fn parse_return_form(
    order: &Order,
    field: impl Fn(&str) -> String,
) -> Result<ReturnRequest, Vec<(String, String)>> {
    let mut errors: Vec<(String, String)> = Vec::new();
    let mut picked = Vec::new();
    for line in &order.lines {
        let name = format!("qty_{}", line.variant_id);
        let typed = field(&name);
        if typed.trim().is_empty() {
            continue;
        }
        let left = line.quantity - line.returned;
        match typed.trim().parse::<i64>() {
            Ok(0) => {}
            Ok(n) if n > 0 && n <= left => picked.push((line.variant_id, n)),
            Ok(n) if n > left => errors.push((
                name,
                match left {
                    0 => format!("{} is already in a return.", line.name),
                    _ => format!("You can return up to {left} of {}.", line.name),
                },
            )),
            _ => errors.push((name, "Enter a whole number.".into())),
        }
    }
    let reason = field("reason");
    if !REASONS.iter().any(|(k, _)| *k == reason) {
        errors.push(("reason".into(), "Tell us why you're returning them.".into()));
    }
    let note = field("note").trim().to_string();
    if note.chars().count() > 1_000 {
        errors.push((
            "note".into(),
            "Keep the note under 1,000 characters.".into(),
        ));
    }
    if reason == "other" && note.is_empty() {
        errors.push(("note".into(), "Tell us a little about what's wrong.".into()));
    }
    if picked.is_empty() && errors.is_empty() {
        errors.push((
            "items".into(),
            "Choose how many of at least one item to return.".into(),
        ));
    }
    if errors.is_empty() {
        Ok(ReturnRequest {
            lines: picked,
            reason,
            note,
        })
    } else {
        Err(errors)
    }
}

/// What returning `quantity` of a line gives back: its share of what the line was charged
/// (after a code's discount) and, when prices exclude tax, its share of the line's tax —
/// each rounded half up. `(unit, ordered, discount, tax)` are the line's as made.
pub fn line_refund(
    unit_cents: i64,
    ordered: i64,
    discount_cents: i64,
    tax_cents: i64,
    quantity: i64,
    prices_include_tax: bool,
) -> i64 {
    if ordered <= 0 {
        return 0;
    }
    let share = |amount: i64| (2 * amount * quantity + ordered) / (2 * ordered);
    let goods = share(unit_cents * ordered - discount_cents);
    let tax = if prices_include_tax {
        0
    } else {
        share(tax_cents)
    };
    goods + tax
}

/// What refunding a return gives back: its lines, plus shipping (and its tax when prices
/// exclude it) when staff include it, never more than is left to refund.
pub fn return_refund(order: &Order, ret: &OrderReturn, with_shipping: bool) -> i64 {
    let inclusive = order.tax.prices_include_tax;
    let items: i64 = ret
        .lines
        .iter()
        .filter_map(|r| {
            let line = order.lines.iter().find(|l| l.variant_id == r.variant_id)?;
            Some(line_refund(
                line.unit.minor,
                line.quantity,
                line.discount.minor,
                line.tax.tax_cents,
                r.quantity,
                inclusive,
            ))
        })
        .sum();
    let shipping = if with_shipping {
        order.shipping.price_cents
            + if inclusive {
                0
            } else {
                order.tax.shipping.tax_cents
            }
    } else {
        0
    };
    (items + shipping).min(order.total.minor - order.refunded.minor)
}

#[cfg(test)]
mod tests {
    use super::ReturnStatus::*;
    use super::*;

    #[test]
    fn only_the_documented_steps_are_legal() {
        let legal = [
            (Requested, Approved),
            (Requested, Declined),
            (Approved, Received),
            (Approved, Refunded),
            (Received, Refunded),
        ];
        for from in ReturnStatus::ALL {
            for to in ReturnStatus::ALL {
                assert_eq!(
                    from.can_become(to),
                    legal.contains(&(from, to)),
                    "{from:?} -> {to:?}"
                );
            }
            assert_eq!(ReturnStatus::parse(from.key()), Some(from));
        }
    }

    #[test]
    fn a_refund_is_the_returned_share_of_what_was_charged() {
        // 3 × $29 less $10 off = $77; two returned: 77 × 2/3 = 51.33; tax 6.31 × 2/3 = 4.21.
        assert_eq!(line_refund(2_900, 3, 1_000, 631, 2, false), 5_133 + 421);
        // Prices that include tax: the tax is inside the price, nothing is added.
        assert_eq!(line_refund(2_900, 3, 0, 1_450, 1, true), 2_900);
        // All of a line: exactly what it was charged.
        assert_eq!(line_refund(1_999, 3, 7, 435, 3, false), 1_999 * 3 - 7 + 435);
        assert_eq!(line_refund(1_000, 0, 0, 0, 1, false), 0);
    }
}
