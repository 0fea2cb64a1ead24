//! Working out an order's tax, decided once and here.
//!
//! **Rounding: per line, half up, in integer minor units.** Each order line (unit price ×
//! quantity) and the shipping line get their own tax, rounded to the cent; the order's tax
//! is the sum of those. With prices that *exclude* tax (US, CA style) a line's tax is
//! `net × rate`, added on top; with prices that *include* it (EU, UK, AU style) it is the
//! part of the gross price that is tax, `gross × rate / (1 + rate)`, and the total is what
//! the catalogue said. Either way lines + shipping + tax = total to the cent, and what the
//! payment provider is asked to charge adds up to the same total (proved below over random
//! carts).
//!
//! A rate is found for the address's country and region: the region's own rate for the
//! product's class beats the country's; a reduced-class product falls back to the standard
//! rate where no reduced rate is defined; zero-class products are never taxed. Shipping,
//! when the store says it is taxable, pays the destination's standard rate.

use crate::catalog::model::TaxClass;
use serde::{Deserialize, Serialize};

/// The store's tax setting (one for the whole store).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaxSettings {
    /// Catalogue prices already include tax.
    pub prices_include_tax: bool,
    /// Shipping is taxed (at the destination's standard rate).
    pub shipping_taxable: bool,
}

/// Who issues the store's invoices (the merchant's legal details).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceIssuer {
    pub name: String,
    /// Several lines.
    pub address: String,
    pub tax_id: String,
}

/// A rate staff set for a country (region "" = the whole country) and a product class.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaxRate {
    pub id: i64,
    pub country: String,
    pub region: String,
    pub class: TaxClass,
    /// Basis points: 2000 is 20 %.
    pub rate_bp: i64,
    /// What the customer reads: "VAT", "GST", "Sales tax".
    pub name: String,
}

/// The tax of one line (or of shipping): its amount and the rate it was worked out with.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineTax {
    pub tax_cents: i64,
    pub rate_bp: i64,
    pub name: String,
}

/// An order's tax: per line (in the order the lines were given), on shipping, in all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaxedOrder {
    pub inclusive: bool,
    pub lines: Vec<LineTax>,
    pub shipping: LineTax,
    pub tax_cents: i64,
    /// What the customer pays.
    pub total_cents: i64,
}

/// One row of the tax summary a customer reads: "VAT 20 %: $4.00".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaxSummaryLine {
    pub name: String,
    pub rate_bp: i64,
    pub amount_cents: i64,
}

impl TaxSummaryLine {
    /// "VAT 20%" — with "Includes " in front when prices include tax.
    pub fn label(&self, inclusive: bool) -> String {
        let text = format!("{} {}", self.name, percent(self.rate_bp));
        if inclusive {
            format!("Includes {text}")
        } else {
            text
        }
    }
}

impl TaxedOrder {
    /// The tax grouped by name and rate, largest rate first; lines that paid none left out.
    pub fn summary(&self) -> Vec<TaxSummaryLine> {
        summarise(self.lines.iter().chain(std::iter::once(&self.shipping)))
    }

    /// The summary as a customer reads it: (label, amount) rows in `currency`.
    pub fn rows(&self, currency: crate::money::Currency) -> Vec<(String, crate::money::Money)> {
        self.summary()
            .into_iter()
            .map(|t| {
                (
                    t.label(self.inclusive),
                    crate::money::Money::new(t.amount_cents, currency),
                )
            })
            .collect()
    }

    /// The extra line a payment provider must charge on top of the lines and shipping as
    /// listed: the tax, when prices exclude it (none when they include it).
    pub fn tax_line_to_charge(&self) -> Option<i64> {
        (!self.inclusive && self.tax_cents > 0).then_some(self.tax_cents)
    }
}

/// Groups line taxes by (name, rate), largest rate first, leaving out what paid nothing.
pub fn summarise<'a>(taxes: impl Iterator<Item = &'a LineTax>) -> Vec<TaxSummaryLine> {
    let mut summary: Vec<TaxSummaryLine> = Vec::new();
    for tax in taxes.filter(|t| t.tax_cents > 0) {
        match summary
            .iter_mut()
            .find(|s| s.name == tax.name && s.rate_bp == tax.rate_bp)
        {
            Some(row) => row.amount_cents += tax.tax_cents,
            None => summary.push(TaxSummaryLine {
                name: tax.name.clone(),
                rate_bp: tax.rate_bp,
                amount_cents: tax.tax_cents,
            }),
        }
    }
    summary.sort_by(|a, b| b.rate_bp.cmp(&a.rate_bp).then(a.name.cmp(&b.name)));
    summary
}

/// 2000 → "20%", 725 → "7.25%", 550 → "5.5%".
pub fn percent(rate_bp: i64) -> String {
    let whole = rate_bp / 100;
    let fraction = rate_bp % 100;
    if fraction == 0 {
        format!("{whole}%")
    } else if fraction % 10 == 0 {
        format!("{whole}.{}%", fraction / 10)
    } else {
        format!("{whole}.{fraction:02}%")
    }
}

/// "7.25" or "20" → basis points (0 to 100 %, at most two decimals).
pub fn parse_percent(text: &str) -> Option<i64> {
    let text = text.trim().trim_end_matches('%').trim();
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    if whole.is_empty() || whole.len() > 3 || fraction.len() > 2 {
        return None;
    }
    if !whole
        .bytes()
        .chain(fraction.bytes())
        .all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let whole: i64 = whole.parse().ok()?;
    let fraction: i64 = format!("{fraction:0<2}").parse().ok()?;
    let bp = whole * 100 + fraction;
    (bp <= 10_000).then_some(bp)
}

/// The rate for a product class at a region of the country `rates` belong to.
pub fn rate_for<'a>(rates: &'a [TaxRate], region: &str, class: TaxClass) -> Option<&'a TaxRate> {
    if class == TaxClass::Zero {
        return None;
    }
    let find = |class: TaxClass| {
        let region_rate = rates
            .iter()
            .find(|r| r.class == class && !r.region.is_empty() && r.region == region);
        region_rate.or_else(|| {
            rates
                .iter()
                .find(|r| r.class == class && r.region.is_empty())
        })
    };
    find(class).or_else(|| {
        (class == TaxClass::Reduced)
            .then(|| find(TaxClass::Standard))
            .flatten()
    })
}

/// The tax in `amount` minor units at `rate_bp`, rounded half up: on top of a net amount
/// (`inclusive == false`) or contained in a gross one.
pub fn tax_of(amount: i64, rate_bp: i64, inclusive: bool) -> i64 {
    let (amount, rate) = (i128::from(amount.max(0)), i128::from(rate_bp.max(0)));
    let tax = if inclusive {
        let divisor = 10_000 + rate;
        (2 * amount * rate + divisor) / (2 * divisor)
    } else {
        (amount * rate + 5_000) / 10_000
    };
    i64::try_from(tax).unwrap_or(i64::MAX)
}

fn line_tax(amount: i64, rate: Option<&TaxRate>, inclusive: bool) -> LineTax {
    match rate {
        Some(rate) => LineTax {
            tax_cents: tax_of(amount, rate.rate_bp, inclusive),
            rate_bp: rate.rate_bp,
            name: rate.name.clone(),
        },
        None => LineTax::default(),
    }
}

/// Taxes an order: `lines` are (line amount as the catalogue prices it — unit × quantity —,
/// class), `shipping_cents` the shipping as priced; `rates` are the destination country's.
pub fn tax_order(
    settings: TaxSettings,
    rates: &[TaxRate],
    region: &str,
    lines: &[(i64, TaxClass)],
    shipping_cents: i64,
) -> TaxedOrder {
    let inclusive = settings.prices_include_tax;
    let line_taxes: Vec<LineTax> = lines
        .iter()
        .map(|(amount, class)| line_tax(*amount, rate_for(rates, region, *class), inclusive))
        .collect();
    let shipping = if settings.shipping_taxable && shipping_cents > 0 {
        line_tax(
            shipping_cents,
            rate_for(rates, region, TaxClass::Standard),
            inclusive,
        )
    } else {
        LineTax::default()
    };
    let tax_cents = line_taxes.iter().map(|t| t.tax_cents).sum::<i64>() + shipping.tax_cents;
    let listed = lines.iter().map(|(amount, _)| amount).sum::<i64>() + shipping_cents;
    TaxedOrder {
        inclusive,
        lines: line_taxes,
        shipping,
        tax_cents,
        total_cents: if inclusive {
            listed
        } else {
            listed + tax_cents
        },
    }
}

/// A VAT / tax ID as typed → its plain form ("de 123.456.789" → "DE123456789"), or why not.
/// Only its shape is checked (4–20 letters and digits; EU and UK numbers start with their
/// country code); whether it is registered is for the merchant's accountant.
pub fn normalise_vat_id(text: &str, country: &str) -> Result<String, &'static str> {
    let plain: String = text
        .chars()
        .filter(|c| !matches!(c, ' ' | '.' | '-' | '/'))
        .collect::<String>()
        .to_uppercase();
    if plain.is_empty() {
        return Ok(plain);
    }
    if !(4..=20).contains(&plain.len()) || !plain.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err("A VAT or tax ID is 4 to 20 letters and digits, like DE123456789.");
    }
    let needs_prefix = matches!(country, "GB" | "DE" | "FR" | "NL");
    if needs_prefix && !plain.chars().take(2).all(|c| c.is_ascii_alphabetic()) {
        return Err("Start the VAT number with its country code, like DE123456789.");
    }
    Ok(plain)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn rate(country: &str, region: &str, class: TaxClass, rate_bp: i64, name: &str) -> TaxRate {
        TaxRate {
            id: 0,
            country: country.into(),
            region: region.into(),
            class,
            rate_bp,
            name: name.into(),
        }
    }

    fn canada() -> Vec<TaxRate> {
        vec![
            rate("CA", "", TaxClass::Standard, 500, "GST"),
            rate("CA", "ON", TaxClass::Standard, 1300, "HST"),
        ]
    }

    const EXCLUSIVE: TaxSettings = TaxSettings {
        prices_include_tax: false,
        shipping_taxable: true,
    };
    const INCLUSIVE: TaxSettings = TaxSettings {
        prices_include_tax: true,
        shipping_taxable: true,
    };

    #[test]
    fn a_region_rate_beats_the_country_and_reduced_falls_back_to_standard() {
        let rates = canada();
        assert_eq!(
            rate_for(&rates, "ON", TaxClass::Standard).unwrap().rate_bp,
            1300
        );
        assert_eq!(
            rate_for(&rates, "BC", TaxClass::Standard).unwrap().rate_bp,
            500
        );
        assert_eq!(
            rate_for(&rates, "ON", TaxClass::Reduced).unwrap().rate_bp,
            1300
        );
        assert!(rate_for(&rates, "ON", TaxClass::Zero).is_none());
        assert!(rate_for(&[], "", TaxClass::Standard).is_none());
    }

    #[test]
    fn exclusive_tax_is_added_per_line_and_rounded_half_up() {
        // 7.25 % of 10.00 is 0.725 → 0.73; of 3 × 1.99 = 5.97 is 0.432825 → 0.43.
        let rates = vec![rate("US", "CA", TaxClass::Standard, 725, "Sales tax")];
        let taxed = tax_order(
            EXCLUSIVE,
            &rates,
            "CA",
            &[(1000, TaxClass::Standard), (597, TaxClass::Standard)],
            695,
        );
        assert_eq!(taxed.lines[0].tax_cents, 73);
        assert_eq!(taxed.lines[1].tax_cents, 43);
        assert_eq!(taxed.shipping.tax_cents, 50); // 50.3875
        assert_eq!(taxed.tax_cents, 166);
        assert_eq!(taxed.total_cents, 1000 + 597 + 695 + 166);
        assert_eq!(taxed.tax_line_to_charge(), Some(166));
        assert_eq!(taxed.summary()[0].label(false), "Sales tax 7.25%");
    }

    #[test]
    fn inclusive_tax_is_the_part_of_the_price_that_is_tax() {
        let rates = vec![
            rate("GB", "", TaxClass::Standard, 2000, "VAT"),
            rate("GB", "", TaxClass::Reduced, 500, "VAT"),
        ];
        let taxed = tax_order(
            INCLUSIVE,
            &rates,
            "",
            &[(12000, TaxClass::Standard), (1050, TaxClass::Reduced)],
            1800,
        );
        assert_eq!(taxed.lines[0].tax_cents, 2000);
        assert_eq!(taxed.lines[1].tax_cents, 50);
        assert_eq!(taxed.shipping.tax_cents, 300);
        assert_eq!(taxed.total_cents, 12000 + 1050 + 1800);
        assert_eq!(taxed.tax_line_to_charge(), None);
        let summary = taxed.summary();
        assert_eq!(summary.len(), 2);
        assert_eq!(summary[0].amount_cents, 2300);
        assert_eq!(summary[0].label(true), "Includes VAT 20%");
        assert_eq!(summary[1].label(true), "Includes VAT 5%");
    }

    #[test]
    fn untaxed_shipping_and_zero_class_pay_nothing() {
        let rates = vec![rate("DE", "", TaxClass::Standard, 1900, "VAT")];
        let settings = TaxSettings {
            prices_include_tax: true,
            shipping_taxable: false,
        };
        let taxed = tax_order(settings, &rates, "", &[(500, TaxClass::Zero)], 2495);
        assert_eq!(taxed.tax_cents, 0);
        assert!(taxed.summary().is_empty());
    }

    #[test]
    fn percents_read_and_print_both_ways() {
        for (bp, text) in [(2000, "20%"), (725, "7.25%"), (550, "5.5%"), (0, "0%")] {
            assert_eq!(percent(bp), text);
            assert_eq!(parse_percent(text), Some(bp));
        }
        assert_eq!(parse_percent("7.255"), None);
        assert_eq!(parse_percent("101"), None);
        assert_eq!(parse_percent("-5"), None);
        assert_eq!(parse_percent(""), None);
    }

    #[test]
    fn vat_ids_are_normalised_and_shaped() {
        assert_eq!(
            normalise_vat_id(" de 123.456-789 ", "DE").unwrap(),
            "DE123456789"
        );
        assert_eq!(normalise_vat_id("", "DE").unwrap(), "");
        assert!(normalise_vat_id("123456789", "DE").is_err());
        assert_eq!(normalise_vat_id("12-3456789", "US").unwrap(), "123456789");
        assert!(normalise_vat_id("DE<script>", "DE").is_err());
        assert!(normalise_vat_id("AB1", "US").is_err());
    }

    fn any_class() -> impl Strategy<Value = TaxClass> {
        prop_oneof![
            Just(TaxClass::Standard),
            Just(TaxClass::Reduced),
            Just(TaxClass::Zero)
        ]
    }

    proptest! {
        /// Over random carts, rates and both settings: the net lines, the net shipping and
        /// the tax make the total, to the cent; and what a provider is asked to charge
        /// (each line's unit × quantity, shipping, plus the tax line when prices exclude
        /// tax) makes the same total.
        #[test]
        fn lines_shipping_and_tax_make_the_total(
            lines in proptest::collection::vec((1i64..500_000, 1i64..20, any_class()), 1..12),
            shipping in 0i64..10_000,
            standard in 0i64..3_000,
            reduced in 0i64..1_500,
            inclusive in any::<bool>(),
            shipping_taxable in any::<bool>(),
        ) {
            let rates = vec![
                rate("XX", "", TaxClass::Standard, standard, "Tax"),
                rate("XX", "", TaxClass::Reduced, reduced, "Tax"),
            ];
            let settings = TaxSettings { prices_include_tax: inclusive, shipping_taxable };
            let amounts: Vec<(i64, TaxClass)> =
                lines.iter().map(|(unit, qty, class)| (unit * qty, *class)).collect();
            let taxed = tax_order(settings, &rates, "", &amounts, shipping);

            let net = |amount: i64, tax: i64| if inclusive { amount - tax } else { amount };
            let net_lines: i64 = amounts.iter().zip(&taxed.lines)
                .map(|((amount, _), tax)| net(*amount, tax.tax_cents)).sum();
            let net_shipping = net(shipping, taxed.shipping.tax_cents);
            prop_assert_eq!(net_lines + net_shipping + taxed.tax_cents, taxed.total_cents);

            let charged: i64 = lines.iter().map(|(unit, qty, _)| unit * qty).sum::<i64>()
                + shipping
                + taxed.tax_line_to_charge().unwrap_or(0);
            prop_assert_eq!(charged, taxed.total_cents);

            let summarised: i64 = taxed.summary().iter().map(|s| s.amount_cents).sum();
            prop_assert_eq!(summarised, taxed.tax_cents);
            for tax in taxed.lines.iter().chain(std::iter::once(&taxed.shipping)) {
                prop_assert!(tax.tax_cents >= 0);
            }
        }

        /// Inclusive tax never exceeds the price it is part of, and rounding moves a line's
        /// tax by at most half a cent from the exact figure.
        #[test]
        fn rounding_is_half_up_and_bounded(amount in 0i64..10_000_000, bp in 0i64..10_000) {
            let exclusive = tax_of(amount, bp, false) as f64;
            let exact = amount as f64 * bp as f64 / 10_000.0;
            prop_assert!((exclusive - exact).abs() <= 0.5 + 1e-6);
            let inclusive = tax_of(amount, bp, true);
            let exact = amount as f64 * bp as f64 / (10_000.0 + bp as f64);
            prop_assert!((inclusive as f64 - exact).abs() <= 0.5 + 1e-6);
            prop_assert!(inclusive <= amount);
        }
    }
}
