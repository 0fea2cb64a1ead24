//! Money in integer minor units, and how it is shown to people.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Money {
    pub minor: i64,
    pub currency: Currency,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Currency {
    Usd,
    Eur,
    Gbp,
}

impl Currency {
    pub fn parse(code: &str) -> Option<Currency> {
        match code.to_ascii_uppercase().as_str() {
            "USD" => Some(Currency::Usd),
            "EUR" => Some(Currency::Eur),
            "GBP" => Some(Currency::Gbp),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Currency::Usd => "USD",
            Currency::Eur => "EUR",
            Currency::Gbp => "GBP",
        }
    }

    fn symbol(self) -> &'static str {
        match self {
            Currency::Usd => "$",
            Currency::Eur => "€",
            Currency::Gbp => "£",
        }
    }
}

impl Money {
    pub fn new(minor: i64, currency: Currency) -> Self {
        Money { minor, currency }
    }

    /// "$1,234.50"; whole amounts drop the cents only when asked (`format_short`).
    pub fn format(&self) -> String {
        let sign = if self.minor < 0 { "-" } else { "" };
        let abs = self.minor.unsigned_abs();
        format!(
            "{sign}{}{}.{:02}",
            self.currency.symbol(),
            group_thousands(abs / 100),
            abs % 100
        )
    }

    /// "$1,234" for whole amounts, otherwise the same as `format`.
    pub fn format_short(&self) -> String {
        if self.minor % 100 == 0 {
            let sign = if self.minor < 0 { "-" } else { "" };
            format!(
                "{sign}{}{}",
                self.currency.symbol(),
                group_thousands(self.minor.unsigned_abs() / 100)
            )
        } else {
            self.format()
        }
    }

    /// The machine-readable amount used in JSON-LD and Open Graph: "1234.50".
    pub fn decimal(&self) -> String {
        let sign = if self.minor < 0 { "-" } else { "" };
        let abs = self.minor.unsigned_abs();
        format!("{sign}{}.{:02}", abs / 100, abs % 100)
    }
}

fn group_thousands(mut n: u64) -> String {
    let mut groups = Vec::new();
    loop {
        if n < 1000 {
            groups.push(n.to_string());
            break;
        }
        groups.push(format!("{:03}", n % 1000));
        n /= 1000;
    }
    groups.reverse();
    groups.join(",")
}

/// A price typed in dollars ("1,249.50", "$39") into cents.
pub fn parse_money_field(
    value: &str,
    field: &str,
    required: bool,
) -> Result<Option<i64>, crate::error::AppError> {
    use crate::error::AppError;
    let value = value.trim().trim_start_matches('$').replace(',', "");
    if value.is_empty() {
        return if required {
            Err(AppError::invalid(
                field,
                "Please enter a price, like 249.00.",
            ))
        } else {
            Ok(None)
        };
    }
    match parse_decimal_minor(&value) {
        Some(minor) if (0..=100_000_000).contains(&minor) => Ok(Some(minor)),
        _ => Err(AppError::invalid(
            field,
            "Enter an amount like 249 or 249.99 (at most 1,000,000).",
        )),
    }
}

/// Minor units back to the plain decimal a person would type: 4950 → "49.50", 5000 → "50".
pub fn minor_to_plain(minor: i64) -> String {
    if minor % 100 == 0 {
        (minor / 100).to_string()
    } else {
        format!("{}.{:02}", minor / 100, (minor % 100).abs())
    }
}

/// "49.5" → 4950 minor units (at most two decimals, at most a billion).
pub fn parse_decimal_minor(s: &str) -> Option<i64> {
    let (whole, frac) = match s.split_once('.') {
        Some((w, f)) => (w, f),
        None => (s, ""),
    };
    if frac.len() > 2 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let whole: i64 = whole.parse().ok()?;
    if whole.abs() > 1_000_000_000 {
        return None;
    }
    let frac: i64 = match frac.len() {
        0 => 0,
        1 => frac.parse::<i64>().ok()? * 10,
        _ => frac.parse().ok()?,
    };
    Some(if whole < 0 || s.starts_with('-') {
        whole * 100 - frac
    } else {
        whole * 100 + frac
    })
}

/// Splits `total` minor units in proportion to `weights`, to the unit: each share is its
/// floor, and the units left go to the largest remainders (the earliest on a tie), so the
/// shares always add up to `total` exactly. All-zero (or negative) weights share nothing.
/// What a discount code's saving and an order's content credit are split with.
pub fn split_by_weights(total: i64, weights: &[i64]) -> Vec<i64> {
    let weights: Vec<i128> = weights.iter().map(|w| i128::from((*w).max(0))).collect();
    let base: i128 = weights.iter().sum();
    if base <= 0 || total <= 0 {
        return vec![0; weights.len()];
    }
    let total = i128::from(total);
    let mut shares: Vec<i64> = Vec::with_capacity(weights.len());
    let mut remainders: Vec<(i128, usize)> = Vec::with_capacity(weights.len());
    for (index, weight) in weights.iter().enumerate() {
        let exact = total * weight;
        shares.push(i64::try_from(exact / base).unwrap_or(0));
        if *weight > 0 {
            remainders.push((exact % base, index));
        }
    }
    let left = total - shares.iter().map(|s| i128::from(*s)).sum::<i128>();
    remainders.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for (_, index) in remainders
        .into_iter()
        .take(usize::try_from(left).unwrap_or(0))
    {
        shares[index] += 1;
    }
    shares
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_with_thousands_and_cents() {
        assert_eq!(Money::new(123456, Currency::Usd).format(), "$1,234.56");
        assert_eq!(Money::new(5, Currency::Eur).format(), "€0.05");
        assert_eq!(
            Money::new(100000000, Currency::Gbp).format(),
            "£1,000,000.00"
        );
        assert_eq!(Money::new(-2599, Currency::Usd).format(), "-$25.99");
    }

    #[test]
    fn short_format_drops_zero_cents_only() {
        assert_eq!(Money::new(49900, Currency::Usd).format_short(), "$499");
        assert_eq!(Money::new(49950, Currency::Usd).format_short(), "$499.50");
    }

    #[test]
    fn decimal_is_machine_readable() {
        assert_eq!(Money::new(123456, Currency::Usd).decimal(), "1234.56");
        assert_eq!(Money::new(7, Currency::Usd).decimal(), "0.07");
    }

    #[test]
    fn currency_codes_round_trip() {
        for c in [Currency::Usd, Currency::Eur, Currency::Gbp] {
            assert_eq!(Currency::parse(c.code()), Some(c));
        }
        assert_eq!(Currency::parse("usd"), Some(Currency::Usd));
        assert_eq!(Currency::parse("XYZ"), None);
    }

    #[test]
    fn splits_add_up_to_the_unit() {
        assert_eq!(split_by_weights(100, &[999, 999, 999]), vec![34, 33, 33]);
        assert_eq!(
            split_by_weights(1_000, &[1_000, 2_000, 3_000]),
            vec![167, 333, 500]
        );
        assert_eq!(split_by_weights(10, &[0, 5, 0]), vec![0, 10, 0]);
        assert_eq!(split_by_weights(10, &[0, 0]), vec![0, 0]);
        assert_eq!(split_by_weights(7, &[40, 20, 40]).iter().sum::<i64>(), 7);
    }
}
