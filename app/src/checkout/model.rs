//! Orders and their one state machine. Every status change goes through
//! [`OrderStatus::can_become`]; anything else is refused and logged by the caller.
//!
//! ```text
//! pending_payment ──paid──▶ paid ──▶ fulfilled
//!        │                   │
//!        ├──▶ expired        ├──▶ refunded
//!        └──▶ cancelled      └──▶ partially_refunded ──▶ refunded
//! ```
//! Leaving `pending_payment` for `expired` or `cancelled` gives the reserved stock back.

use crate::money::Money;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum OrderStatus {
    PendingPayment,
    Paid,
    Fulfilled,
    Expired,
    Cancelled,
    Refunded,
    PartiallyRefunded,
}

impl OrderStatus {
    pub const ALL: [OrderStatus; 7] = [
        OrderStatus::PendingPayment,
        OrderStatus::Paid,
        OrderStatus::Fulfilled,
        OrderStatus::Expired,
        OrderStatus::Cancelled,
        OrderStatus::Refunded,
        OrderStatus::PartiallyRefunded,
    ];

    pub fn key(self) -> &'static str {
        match self {
            OrderStatus::PendingPayment => "pending_payment",
            OrderStatus::Paid => "paid",
            OrderStatus::Fulfilled => "fulfilled",
            OrderStatus::Expired => "expired",
            OrderStatus::Cancelled => "cancelled",
            OrderStatus::Refunded => "refunded",
            OrderStatus::PartiallyRefunded => "partially_refunded",
        }
    }

    pub fn parse(key: &str) -> Option<OrderStatus> {
        OrderStatus::ALL.into_iter().find(|s| s.key() == key)
    }

    /// What the customer reads.
    pub fn label(self) -> &'static str {
        match self {
            OrderStatus::PendingPayment => "Waiting for payment",
            OrderStatus::Paid => "Paid — being prepared",
            OrderStatus::Fulfilled => "Shipped",
            OrderStatus::Expired => "Expired — not paid in time",
            OrderStatus::Cancelled => "Cancelled",
            OrderStatus::Refunded => "Refunded",
            OrderStatus::PartiallyRefunded => "Partly refunded",
        }
    }

    /// The one table of legal transitions.
    pub fn can_become(self, next: OrderStatus) -> bool {
        use OrderStatus::*;
        matches!(
            (self, next),
            (PendingPayment, Paid | Expired | Cancelled)
                | (Paid, Fulfilled | Refunded | PartiallyRefunded)
                | (Fulfilled, Refunded | PartiallyRefunded)
                | (PartiallyRefunded, Refunded | PartiallyRefunded)
        )
    }

    /// Whether reaching this status from `pending_payment` returns the reserved stock.
    pub fn releases_stock(self) -> bool {
        matches!(self, OrderStatus::Expired | OrderStatus::Cancelled)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderLine {
    pub slug: String,
    /// The variant bought (what a return names).
    pub variant_id: i64,
    /// How many of this line open or finished returns hold.
    pub returned: i64,
    /// The variant's SKU when it was ordered (for the packing slip).
    pub sku: String,
    /// The product's name with the variant's values: "Kestrel 64 (230 V)".
    pub name: String,
    pub unit: Money,
    pub quantity: i64,
    /// The line's share of a discount code's saving.
    pub discount: Money,
    /// The line's tax as worked out when the order was made (see `tax::model`).
    pub tax: super::tax::model::LineTax,
}

impl OrderLine {
    pub fn subtotal(&self) -> Money {
        Money::new(self.unit.minor * self.quantity, self.unit.currency)
    }

    /// What the line was charged: its subtotal less its share of the code's saving.
    pub fn charged(&self) -> Money {
        Money::new(
            self.unit.minor * self.quantity - self.discount.minor,
            self.unit.currency,
        )
    }
}

/// One entry of the order's timeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderEvent {
    pub to_status: OrderStatus,
    pub reason: String,
    pub at: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Order {
    pub public_id: String,
    pub status: OrderStatus,
    pub total: Money,
    pub refunded: Money,
    pub email: String,
    pub lines: Vec<OrderLine>,
    pub timeline: Vec<OrderEvent>,
    pub payment_problem: String,
    pub provider_session: Option<String>,
    pub hold_until: i64,
    pub created_at: i64,
    /// Where it goes and how (empty address for orders made before shipping existed).
    pub shipping: OrderShipping,
    pub tax: OrderTax,
    /// The discount code used ("" for none) and what it took off the items.
    pub discount_code: String,
    pub discount: Money,
    pub paid_at: Option<i64>,
    /// Returns asked for, oldest first.
    pub returns: Vec<super::returns::OrderReturn>,
    /// Whether its customer may ask for a return now (filled when loaded for them).
    pub return_window: super::returns::ReturnWindow,
}

/// An order's tax as it was made, and its invoice once paid.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OrderTax {
    /// The prices (lines and shipping) include the tax; otherwise it was added on top.
    pub prices_include_tax: bool,
    /// All tax in the total (minor units).
    pub tax_cents: i64,
    pub shipping: super::tax::model::LineTax,
    /// The buyer's VAT / tax ID ("" when none).
    pub vat_id: String,
    /// Given when the order is paid; sequential without gaps.
    pub invoice_number: Option<i64>,
    pub invoiced_at: Option<i64>,
}

/// An order's delivery: the address, the method as priced when the order was made, and
/// how it left once shipped.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OrderShipping {
    pub address: super::shipping::model::Address,
    pub method: String,
    pub estimate: String,
    /// The shipping part of the total (minor units of the order's currency).
    pub price_cents: i64,
    pub carrier: String,
    pub tracking_number: String,
}

impl Order {
    /// The goods' part of the total, as the catalogue priced them less a code's saving
    /// (with tax when prices include it).
    pub fn items_total(&self) -> Money {
        let added_tax = if self.tax.prices_include_tax {
            0
        } else {
            self.tax.tax_cents
        };
        Money::new(
            self.total.minor - self.shipping.price_cents - added_tax,
            self.total.currency,
        )
    }

    /// The tax by name and rate, as the order page, the emails and the invoice list it.
    pub fn tax_summary(&self) -> Vec<super::tax::model::TaxSummaryLine> {
        super::tax::model::summarise(
            self.lines
                .iter()
                .map(|l| &l.tax)
                .chain(std::iter::once(&self.tax.shipping)),
        )
    }

    /// "INV-000042", once the order is paid.
    pub fn invoice_label(&self) -> Option<String> {
        self.tax.invoice_number.map(invoice_label)
    }

    pub fn shipping_price(&self) -> Money {
        Money::new(self.shipping.price_cents, self.total.currency)
    }

    /// Whether this order has a delivery address (every order since shipping existed).
    pub fn ships(&self) -> bool {
        !self.shipping.address.line1.is_empty()
    }

    /// A short reference people can read out on the phone.
    pub fn reference(&self) -> String {
        short_reference(&self.public_id)
    }
}

pub fn invoice_label(number: i64) -> String {
    format!("INV-{number:06}")
}

pub fn short_reference(public_id: &str) -> String {
    public_id.chars().take(8).collect::<String>().to_uppercase()
}

/// An order in a list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderSummary {
    pub public_id: String,
    pub status: OrderStatus,
    pub total: Money,
    pub items: i64,
    pub created_at: i64,
}

/// An order in the staff list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdminOrderRow {
    pub public_id: String,
    pub status: OrderStatus,
    pub email: String,
    pub total: Money,
    pub items: i64,
    pub created_at: i64,
}

/// A payment event as staff see it on the order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PaymentEventRow {
    pub id: String,
    pub kind: String,
    pub outcome: String,
    pub received_at: i64,
}

/// The staff view of one order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdminOrderView {
    pub order: Order,
    pub events: Vec<PaymentEventRow>,
    /// What can still be refunded (zero when nothing can).
    pub refundable: Money,
    /// Makes this page's refund button refund once however often it is pressed.
    pub refund_key: String,
}

#[cfg(test)]
mod tests {
    use super::OrderStatus::{self, *};

    #[test]
    fn only_the_documented_transitions_are_legal() {
        let legal = [
            (PendingPayment, Paid),
            (PendingPayment, Expired),
            (PendingPayment, Cancelled),
            (Paid, Fulfilled),
            (Paid, Refunded),
            (Paid, PartiallyRefunded),
            (Fulfilled, Refunded),
            (Fulfilled, PartiallyRefunded),
            (PartiallyRefunded, Refunded),
            (PartiallyRefunded, PartiallyRefunded),
        ];
        for from in OrderStatus::ALL {
            for to in OrderStatus::ALL {
                assert_eq!(
                    from.can_become(to),
                    legal.contains(&(from, to)),
                    "{from:?} -> {to:?}"
                );
            }
        }
    }

    #[test]
    fn a_paid_order_never_expires_and_an_expired_one_is_never_paid() {
        assert!(!Paid.can_become(Expired));
        assert!(!Expired.can_become(Paid));
        assert!(!Cancelled.can_become(Paid));
        assert!(Expired.releases_stock() && Cancelled.releases_stock());
        assert!(!Paid.releases_stock());
    }

    #[test]
    fn keys_round_trip() {
        for status in OrderStatus::ALL {
            assert_eq!(OrderStatus::parse(status.key()), Some(status));
        }
        assert_eq!(OrderStatus::parse("shipped"), None);
    }
}
