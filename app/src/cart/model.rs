//! The cart as the customer sees it. Prices and stock are always today's, read from the
//! catalogue when the cart is shown and again when the order is made.

pub use crate::cards::model::MAX_LINE_QUANTITY;
use crate::money::Money;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CartLine {
    /// The product and its category, for what a discount code covers.
    pub product_id: i64,
    pub category_id: i64,
    pub slug: String,
    pub name: String,
    /// The variant the line holds, and its values as people read them ("" for a simple
    /// product).
    pub variant_id: i64,
    pub variant_title: String,
    pub sku: String,
    pub image_url: Option<String>,
    pub image_alt: String,
    pub unit: Money,
    pub quantity: i64,
    pub stock: i64,
    /// Still for sale (not archived or unpublished since it was added).
    pub active: bool,
}

impl CartLine {
    /// "Kestrel 64 (230 V)", or the product's name for a simple product.
    pub fn display_name(&self) -> String {
        crate::catalog::variants::name_with_variant(&self.name, &self.variant_title)
    }

    pub fn subtotal(&self) -> Money {
        Money::new(self.unit.minor * self.quantity, self.unit.currency)
    }

    /// Why this line can't be bought as it is, in words the customer can act on.
    pub fn problem(&self) -> Option<String> {
        if !self.active {
            Some("No longer sold. Remove it to check out.".into())
        } else if self.stock == 0 {
            Some("Sold out. Remove it to check out.".into())
        } else if self.quantity > self.stock {
            Some(format!(
                "Only {} left. Lower the quantity to check out.",
                self.stock
            ))
        } else {
            None
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CartView {
    pub lines: Vec<CartLine>,
    /// The sum of the lines; `None` for an empty cart.
    pub total: Option<Money>,
    /// The customer's last unpaid order's problem (a declined card), if any.
    pub payment_problem: Option<String>,
    /// How long checkout holds the items (the store's setting).
    pub hold_minutes: i64,
    /// What shipping to the visitor's country would cost, before any address is typed.
    pub shipping: Option<ShippingEstimate>,
    /// The discount code the cart holds: what it takes off, or why it does not apply now.
    pub code: Option<crate::discounts::model::CartCode>,
    /// Guides for a cart restored from a checkout reminder ("Still comparing?").
    pub guides: Vec<crate::cards::model::ContentCard>,
}

/// The cheapest way to ship the cart to a country, as the cart shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShippingEstimate {
    /// The country it is for (ISO code) and every country the visitor may pick instead.
    pub country: String,
    pub countries: Vec<(String, String)>,
    /// The cheapest method's price and delivery estimate, when one applies.
    pub from: Option<Money>,
    pub estimate: String,
    /// Why nothing applies (not shipped there, a product without a weight …).
    pub problem: Option<String>,
    /// The tax rows with the cheapest method ("Includes VAT 20%", "GST 5%") and what they
    /// come to, and whether they are already in the prices.
    pub taxes: Vec<(String, Money)>,
    pub prices_include_tax: bool,
    /// Why the tax can't be told yet (it depends on a state the cart does not know).
    pub tax_note: Option<String>,
}

/// How the cart learns a shipping estimate: checkout's rates, handed to the server's
/// context at startup (`checkout::shipping::ESTIMATE`), since the cart sits below checkout.
/// Arguments: the cart's owner and the country code asked for ("" for the default).
#[cfg(feature = "ssr")]
#[derive(Clone, Copy)]
pub struct ShippingEstimator(pub fn(crate::db::Db, String, String) -> Estimate);

/// What a [`ShippingEstimator`] answers, later.
#[cfg(feature = "ssr")]
pub type Estimate =
    futures::future::BoxFuture<'static, Result<ShippingEstimate, crate::error::AppError>>;

impl CartView {
    pub fn item_count(&self) -> i64 {
        self.lines.iter().map(|l| l.quantity).sum()
    }

    pub fn can_check_out(&self) -> bool {
        !self.lines.is_empty() && self.lines.iter().all(|l| l.problem().is_none())
    }

    /// What the items come to after the code's saving.
    pub fn total_after_discount(&self) -> Option<Money> {
        let saving = self.code.as_ref().map_or(0, |c| c.saving.minor);
        self.total
            .map(|total| Money::new(total.minor - saving, total.currency))
    }
}

/// The cart's lines as the discount engine reads them (lines no longer sold count for
/// nothing: they must leave the cart before checkout anyway).
pub fn discount_lines(lines: &[CartLine]) -> Vec<crate::discounts::model::DiscountLine> {
    lines
        .iter()
        .map(|l| crate::discounts::model::DiscountLine {
            product_id: l.product_id,
            variant_id: l.variant_id,
            category_id: l.category_id,
            amount_cents: if l.active { l.subtotal().minor } else { 0 },
        })
        .collect()
}

/// Sums the lines; all catalogue prices share one currency.
pub fn cart_total(lines: &[CartLine]) -> Option<Money> {
    let first = lines.first()?;
    Some(Money::new(
        lines.iter().map(|l| l.subtotal().minor).sum(),
        first.unit.currency,
    ))
}

/// The form a cart line's mistake is shown on (one per variant in the cart).
pub fn line_form(slug: &str, variant: &str) -> String {
    format!("cart-line-{slug}-{variant}")
}

/// Reads a quantity field. `allow_zero` is for the cart page, where 0 removes the line.
pub fn parse_quantity(text: &str, allow_zero: bool) -> Result<i64, String> {
    let lowest = if allow_zero { 0 } else { 1 };
    match text.trim().parse::<i64>() {
        Ok(n) if n < lowest => Err(if allow_zero {
            "Enter 0 to remove the item, or a quantity of 1 or more.".into()
        } else {
            "Enter a quantity of 1 or more.".into()
        }),
        Ok(n) if n > MAX_LINE_QUANTITY => Err(format!(
            "You can order up to {MAX_LINE_QUANTITY} of one item at a time. For more, talk to us."
        )),
        Ok(n) => Ok(n),
        Err(_) => Err("Enter the quantity as a whole number, like 2.".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Currency;

    fn line(quantity: i64, stock: i64, active: bool) -> CartLine {
        CartLine {
            product_id: 1,
            category_id: 1,
            slug: "kestrel-64".into(),
            name: "Kestrel 64".into(),
            variant_id: 1,
            variant_title: String::new(),
            sku: "K64".into(),
            image_url: None,
            image_alt: String::new(),
            unit: Money::new(12_50, Currency::Usd),
            quantity,
            stock,
            active,
        }
    }

    #[test]
    fn quantities_are_whole_numbers_within_limits() {
        assert_eq!(parse_quantity(" 3 ", false), Ok(3));
        assert_eq!(parse_quantity("0", true), Ok(0));
        assert!(parse_quantity("0", false).is_err());
        assert!(parse_quantity("-1", true).is_err());
        assert!(parse_quantity("2.5", false).is_err());
        assert!(parse_quantity("two", false).is_err());
        assert!(parse_quantity("21", false)
            .unwrap_err()
            .contains("up to 20"));
    }

    #[test]
    fn lines_say_what_stops_the_checkout() {
        assert_eq!(line(2, 5, true).problem(), None);
        assert!(line(6, 5, true).problem().unwrap().contains("Only 5 left"));
        assert!(line(1, 0, true).problem().unwrap().contains("Sold out"));
        assert!(line(1, 5, false)
            .problem()
            .unwrap()
            .contains("No longer sold"));
    }

    #[test]
    fn totals_add_up_the_lines() {
        let lines = vec![line(2, 5, true), line(1, 5, true)];
        assert_eq!(cart_total(&lines), Some(Money::new(37_50, Currency::Usd)));
        assert_eq!(cart_total(&[]), None);
        let view = CartView {
            lines: lines.clone(),
            total: cart_total(&lines),
            payment_problem: None,
            hold_minutes: 30,
            shipping: None,
            code: None,
            guides: Vec::new(),
        };
        assert_eq!(view.item_count(), 3);
        assert!(view.can_check_out());
    }
}
