//! Where an order goes and what getting it there costs: the countries we ship to and how
//! their addresses are checked, and how a shipping rate prices a parcel.

use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// A country we can ship to, with what its addresses need.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Country {
    pub code: &'static str,
    pub name: &'static str,
    /// What the region field is called there, and its allowed codes when it is required.
    pub region_label: &'static str,
    pub regions: &'static [&'static str],
    pub postal_label: &'static str,
    pub postal_example: &'static str,
}

const US_STATES: &[&str] = &[
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL", "IN", "IA",
    "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM",
    "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA",
    "WV", "WI", "WY", "PR",
];
const CA_PROVINCES: &[&str] = &[
    "AB", "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "QC", "SK", "YT",
];
const AU_STATES: &[&str] = &["ACT", "NSW", "NT", "QLD", "SA", "TAS", "VIC", "WA"];

/// Every country the checkout offers, in the order its list shows them.
pub const COUNTRIES: &[Country] = &[
    Country {
        code: "US",
        name: "United States",
        region_label: "State",
        regions: US_STATES,
        postal_label: "ZIP code",
        postal_example: "94107 or 94107-1234",
    },
    Country {
        code: "CA",
        name: "Canada",
        region_label: "Province",
        regions: CA_PROVINCES,
        postal_label: "Postal code",
        postal_example: "K1A 0B1",
    },
    Country {
        code: "GB",
        name: "United Kingdom",
        region_label: "County (optional)",
        regions: &[],
        postal_label: "Postcode",
        postal_example: "SW1A 1AA",
    },
    Country {
        code: "DE",
        name: "Germany",
        region_label: "State (optional)",
        regions: &[],
        postal_label: "Postleitzahl",
        postal_example: "10115",
    },
    Country {
        code: "FR",
        name: "France",
        region_label: "Region (optional)",
        regions: &[],
        postal_label: "Code postal",
        postal_example: "75001",
    },
    Country {
        code: "NL",
        name: "Netherlands",
        region_label: "Province (optional)",
        regions: &[],
        postal_label: "Postcode",
        postal_example: "1012 AB",
    },
    Country {
        code: "AU",
        name: "Australia",
        region_label: "State or territory",
        regions: AU_STATES,
        postal_label: "Postcode",
        postal_example: "2000",
    },
];

/// The country for a code, `None` when we do not ship there.
pub fn country(code: &str) -> Option<&'static Country> {
    let code = code.trim().to_ascii_uppercase();
    COUNTRIES.iter().find(|c| c.code == code)
}

/// The country a new checkout starts with.
pub const DEFAULT_COUNTRY: &str = "US";

/// The country for a code, or the default one when we do not ship there (for pages that
/// show options before an address is given).
pub fn country_or_default(code: &str) -> &'static Country {
    country(code)
        .or_else(|| country(DEFAULT_COUNTRY))
        .expect("the default country is in the list")
}

/// A postal code in its country's written form (`k1a0b1` → `K1A 0B1`), or why not.
pub fn normalise_postal_code(country: &Country, raw: &str) -> Result<String, String> {
    let compact: String = raw
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_uppercase();
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    let letters = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_uppercase());
    let wrong = || {
        Err(format!(
            "Enter a {} like {}.",
            country.postal_label, country.postal_example
        ))
    };
    if compact.is_empty() {
        return Err(format!("Enter the {}.", country.postal_label));
    }
    match country.code {
        "US" => match compact.split_once('-') {
            None if compact.len() == 5 && digits(&compact) => Ok(compact),
            Some((zip, plus4))
                if zip.len() == 5 && digits(zip) && plus4.len() == 4 && digits(plus4) =>
            {
                Ok(compact)
            }
            _ => wrong(),
        },
        "CA" => {
            let chars: Vec<char> = compact.chars().collect();
            let ok = chars.len() == 6
                && chars.iter().enumerate().all(|(i, c)| {
                    if i % 2 == 0 {
                        c.is_ascii_uppercase() && !"DFIOQU".contains(*c)
                    } else {
                        c.is_ascii_digit()
                    }
                })
                && !"WZ".contains(chars[0]);
            if ok {
                Ok(format!("{} {}", &compact[..3], &compact[3..]))
            } else {
                wrong()
            }
        }
        "GB" => {
            // Outward code (A9, A99, AA9, AA99, A9A, AA9A) then inward code (9AA).
            if !(5..=7).contains(&compact.len()) {
                return wrong();
            }
            let (outward, inward) = compact.split_at(compact.len() - 3);
            let inward_ok =
                inward.chars().next().is_some_and(|c| c.is_ascii_digit()) && letters(&inward[1..]);
            let o: Vec<char> = outward.chars().collect();
            let outward_ok = o[0].is_ascii_uppercase()
                && o.iter().all(|c| c.is_ascii_alphanumeric())
                && o.iter().any(|c| c.is_ascii_digit())
                && (o[1].is_ascii_digit()
                    || (o[1].is_ascii_uppercase() && o.len() > 2 && o[2].is_ascii_digit()));
            if inward_ok && outward_ok {
                Ok(format!("{outward} {inward}"))
            } else {
                wrong()
            }
        }
        "DE" | "FR" if compact.len() == 5 && digits(&compact) => Ok(compact),
        "NL" if compact.len() == 6
            && digits(&compact[..4])
            && !compact.starts_with('0')
            && letters(&compact[4..])
            && !["SA", "SD", "SS"].contains(&&compact[4..]) =>
        {
            Ok(format!("{} {}", &compact[..4], &compact[4..]))
        }
        "AU" if compact.len() == 4 && digits(&compact) => Ok(compact),
        _ => wrong(),
    }
}

/// A shipping address as the customer gave it, checked for its country.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Address {
    pub name: String,
    pub company: String,
    pub line1: String,
    pub line2: String,
    pub city: String,
    pub region: String,
    pub postal_code: String,
    /// ISO 3166-1 alpha-2, upper case.
    pub country: String,
    pub phone: String,
}

/// An address in a customer's book.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedAddress {
    pub id: i64,
    pub address: Address,
}

/// How many addresses a customer's book keeps (the most recently used).
pub const MAX_SAVED_ADDRESSES: i64 = 10;

impl Address {
    /// The lines a label (and the order page) prints, in order, blanks left out.
    pub fn label_lines(&self) -> Vec<String> {
        let country = country(&self.country).map_or(self.country.as_str(), |c| c.name);
        let city_line = match self.country.as_str() {
            "US" | "CA" | "AU" => format!("{} {} {}", self.city, self.region, self.postal_code),
            "GB" => format!("{}\n{}", self.city, self.postal_code),
            _ => format!("{} {}", self.postal_code, self.city),
        };
        [
            self.name.clone(),
            self.company.clone(),
            self.line1.clone(),
            self.line2.clone(),
        ]
        .into_iter()
        .chain(city_line.split('\n').map(str::to_string))
        .chain([country.to_string()])
        .map(|line| line.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|line| !line.is_empty())
        .collect()
    }
}

fn text(fields: &HashMap<String, String>, name: &str, max: usize) -> String {
    let value: String = fields
        .get(name)
        .map(String::as_str)
        .unwrap_or("")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    value.chars().take(max + 1).collect()
}

/// Reads and checks the address fields; every problem is named next to its field.
pub fn parse_address(fields: &HashMap<String, String>) -> Result<Address, Vec<(String, String)>> {
    let mut errors: Vec<(String, String)> = Vec::new();
    let mut need = |name: &str, value: &str, max: usize, message: &str| {
        if value.is_empty() {
            errors.push((name.into(), message.into()));
        } else if value.chars().count() > max {
            errors.push((name.into(), format!("Keep this under {max} characters.")));
        }
    };
    let name = text(fields, "ship_name", 100);
    need("ship_name", &name, 100, "Enter the name the parcel is for.");
    let line1 = text(fields, "ship_line1", 120);
    need("ship_line1", &line1, 120, "Enter the street and number.");
    let city = text(fields, "ship_city", 80);
    need("ship_city", &city, 80, "Enter the town or city.");
    let company = text(fields, "ship_company", 100);
    let line2 = text(fields, "ship_line2", 120);
    let phone = text(fields, "ship_phone", 30);
    for (field, value, max) in [
        ("ship_company", &company, 100),
        ("ship_line2", &line2, 120),
        ("ship_phone", &phone, 30),
    ] {
        if value.chars().count() > max {
            errors.push((field.into(), format!("Keep this under {max} characters.")));
        }
    }
    if !phone.is_empty()
        && !phone
            .chars()
            .all(|c| c.is_ascii_digit() || " +-().".contains(c))
    {
        errors.push((
            "ship_phone".into(),
            "A phone number has digits, spaces and + - ( ) only.".into(),
        ));
    }
    let country_code = text(fields, "ship_country", 2).to_ascii_uppercase();
    let Some(country) = country(&country_code) else {
        errors.push((
            "ship_country".into(),
            "Choose a country from the list: we don't ship anywhere else yet.".into(),
        ));
        return Err(errors);
    };
    let mut region = text(fields, "ship_region", 60);
    if !country.regions.is_empty() {
        region = region.to_ascii_uppercase();
        if !country.regions.contains(&region.as_str()) {
            errors.push((
                "ship_region".into(),
                format!(
                    "Choose the {} from the list.",
                    country.region_label.to_lowercase()
                ),
            ));
        }
    } else if region.chars().count() > 60 {
        errors.push((
            "ship_region".into(),
            "Keep this under 60 characters.".into(),
        ));
    }
    let postal_code = match normalise_postal_code(country, &text(fields, "ship_postal_code", 12)) {
        Ok(code) => code,
        Err(message) => {
            errors.push(("ship_postal_code".into(), message));
            String::new()
        }
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Address {
        name,
        company,
        line1,
        line2,
        city,
        region,
        postal_code,
        country: country.code.to_string(),
        phone,
    })
}

/// How a rate decides whether it applies: always, by the parcel's weight (grams) or by the
/// order's value (minor units), within `[min, max)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RateBasis {
    Flat,
    Weight,
    Value,
}

impl RateBasis {
    pub fn key(self) -> &'static str {
        match self {
            RateBasis::Flat => "flat",
            RateBasis::Weight => "weight",
            RateBasis::Value => "value",
        }
    }

    pub fn parse(key: &str) -> Option<RateBasis> {
        [RateBasis::Flat, RateBasis::Weight, RateBasis::Value]
            .into_iter()
            .find(|b| b.key() == key)
    }
}

/// One way of shipping to a zone, as staff set it up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShippingRate {
    pub id: i64,
    pub zone_name: String,
    pub name: String,
    pub basis: RateBasis,
    pub min: Option<i64>,
    pub max: Option<i64>,
    pub price_cents: i64,
    /// Free when the order's value reaches this (minor units).
    pub free_above_cents: Option<i64>,
    pub min_days: i64,
    pub max_days: i64,
}

/// What a parcel is, for pricing: its goods' value and weight (`None` when a product in it
/// has no weight recorded).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Parcel {
    pub value_cents: i64,
    pub weight_grams: Option<i64>,
}

/// One kind of thing being bought, as shipping and tax see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Goods {
    /// What it is, for what a discount code covers.
    pub product_id: i64,
    pub variant_id: i64,
    pub category_id: i64,
    /// Today's unit price (less a quote's discount).
    pub unit_cents: i64,
    pub quantity: i64,
    pub weight_grams: Option<i64>,
    pub tax_class: crate::catalog::model::TaxClass,
    /// The line's share of a discount code's saving (minor units).
    pub discount_cents: i64,
}

impl Goods {
    /// What the line costs: unit price × quantity, less its share of a code's saving.
    pub fn amount_cents(&self) -> i64 {
        self.unit_cents * self.quantity - self.discount_cents
    }
}

/// The goods as the discount engine reads them (before any code).
pub fn discount_lines(goods: &[Goods]) -> Vec<crate::discounts::model::DiscountLine> {
    goods
        .iter()
        .map(|g| crate::discounts::model::DiscountLine {
            product_id: g.product_id,
            variant_id: g.variant_id,
            category_id: g.category_id,
            amount_cents: g.unit_cents * g.quantity,
        })
        .collect()
}

/// Gives each line its share of what a code takes off (shares in the lines' order).
pub fn apply_discount(goods: &mut [Goods], applied: &crate::discounts::model::Applied) {
    for (g, off) in goods.iter_mut().zip(&applied.line_discounts) {
        g.discount_cents = *off;
    }
}

/// Shipping with a free-shipping code: the cheapest method costs nothing (the options
/// come cheapest first); dearer, faster methods keep their price.
pub fn free_cheapest(options: &mut [ShippingOption]) {
    if let Some(cheapest) = options.first_mut() {
        cheapest.price_cents = 0;
    }
}

/// What the goods make as a parcel: a line without a weight leaves the parcel's weight
/// unknown.
pub fn parcel_of(goods: &[Goods]) -> Parcel {
    Parcel {
        value_cents: goods.iter().map(Goods::amount_cents).sum(),
        weight_grams: goods
            .iter()
            .map(|g| g.weight_grams.map(|w| w * g.quantity))
            .sum(),
    }
}

/// The goods as tax sees them: (line amount, class).
pub fn taxables(goods: &[Goods]) -> Vec<(i64, crate::catalog::model::TaxClass)> {
    goods
        .iter()
        .map(|g| (g.amount_cents(), g.tax_class))
        .collect()
}

/// A rate that applies to a parcel, with its price for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShippingOption {
    pub rate_id: i64,
    pub name: String,
    pub price_cents: i64,
    pub estimate: String,
}

/// "2–4 business days", "1 business day".
pub fn delivery_estimate(min_days: i64, max_days: i64) -> String {
    match (min_days, max_days) {
        (a, b) if a == b && a == 1 => "1 business day".into(),
        (a, b) if a == b => format!("{a} business days"),
        (a, b) => format!("{a}–{b} business days"),
    }
}

/// Why no rate could price a parcel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoOption {
    /// No zone covers the country.
    NotShipped,
    /// Only weight-based rates would apply and a product has no weight recorded.
    WeightMissing,
    /// The parcel is outside every rate's bands (too heavy, say).
    OutOfBands,
}

impl NoOption {
    pub fn message(self, country_name: &str) -> String {
        match self {
            NoOption::NotShipped => format!(
                "We don't ship to {country_name} yet. Choose another address, or ask us: a person will look for a way."
            ),
            NoOption::WeightMissing => "We can't price shipping for this order yet: a product's weight is missing. Our team has been told; ask us and a person will help.".into(),
            NoOption::OutOfBands => format!(
                "This order is outside what our shipping rates to {country_name} cover. Ask us and a person will quote the delivery."
            ),
        }
    }
}

/// The options a parcel has among a zone's rates, cheapest first.
pub fn options_for(
    rates: &[ShippingRate],
    parcel: Parcel,
) -> Result<Vec<ShippingOption>, NoOption> {
    if rates.is_empty() {
        return Err(NoOption::NotShipped);
    }
    let mut weight_missing = false;
    let mut options: Vec<ShippingOption> = rates
        .iter()
        .filter_map(|rate| {
            let measure = match rate.basis {
                RateBasis::Flat => None,
                RateBasis::Value => Some(parcel.value_cents),
                RateBasis::Weight => match parcel.weight_grams {
                    Some(grams) => Some(grams),
                    None => {
                        weight_missing = true;
                        return None;
                    }
                },
            };
            if let Some(measure) = measure {
                if rate.min.is_some_and(|min| measure < min)
                    || rate.max.is_some_and(|max| measure >= max)
                {
                    return None;
                }
            }
            let free = rate
                .free_above_cents
                .is_some_and(|threshold| parcel.value_cents >= threshold);
            Some(ShippingOption {
                rate_id: rate.id,
                name: rate.name.clone(),
                price_cents: if free { 0 } else { rate.price_cents },
                estimate: delivery_estimate(rate.min_days, rate.max_days),
            })
        })
        .collect();
    if options.is_empty() {
        return Err(if weight_missing {
            NoOption::WeightMissing
        } else {
            NoOption::OutOfBands
        });
    }
    options.sort_by(|a, b| a.price_cents.cmp(&b.price_cents).then(a.name.cmp(&b.name)));
    Ok(options)
}

/// A carrier staff can ship with, and where its customers follow a parcel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Carrier {
    pub name: &'static str,
    /// The tracking page, with `{}` where the number goes ("" when there is none).
    tracking_url: &'static str,
}

pub const CARRIERS: &[Carrier] = &[
    Carrier {
        name: "UPS",
        tracking_url: "https://www.ups.com/track?tracknum={}",
    },
    Carrier {
        name: "USPS",
        tracking_url: "https://tools.usps.com/go/TrackConfirmAction?tLabels={}",
    },
    Carrier {
        name: "FedEx",
        tracking_url: "https://www.fedex.com/fedextrack/?trknbr={}",
    },
    Carrier {
        name: "DHL",
        tracking_url: "https://www.dhl.com/global-en/home/tracking.html?tracking-id={}",
    },
    Carrier {
        name: "Royal Mail",
        tracking_url: "https://www.royalmail.com/track-your-item#/tracking-results/{}",
    },
    Carrier {
        name: "Canada Post",
        tracking_url: "https://www.canadapost-postescanada.ca/track-reperage/en#/details/{}",
    },
    Carrier {
        name: "Australia Post",
        tracking_url: "https://auspost.com.au/mypost/track/details/{}",
    },
    Carrier {
        name: "PostNL",
        tracking_url: "https://jouw.postnl.nl/track-and-trace/{}",
    },
    Carrier {
        name: "DPD",
        tracking_url: "https://tracking.dpd.de/status/en_US/parcel/{}",
    },
    Carrier {
        name: "Other",
        tracking_url: "",
    },
];

/// The page where a parcel is followed, when the carrier has one.
pub fn tracking_url(carrier: &str, number: &str) -> Option<String> {
    let carrier = CARRIERS.iter().find(|c| c.name == carrier)?;
    // Labels print numbers in groups; carriers' pages want them without the spaces.
    let compact: String = number.chars().filter(|c| !c.is_whitespace()).collect();
    (!carrier.tracking_url.is_empty()).then(|| {
        carrier
            .tracking_url
            .replace("{}", &crate::forms::url_encode(&compact))
    })
}

/// Checks "Mark as shipped": a carrier from the list and a plausible tracking number.
pub fn parse_shipment(
    carrier: &str,
    number: &str,
) -> Result<(String, String), Vec<(String, String)>> {
    let mut errors = Vec::new();
    let carrier = carrier.trim();
    if !CARRIERS.iter().any(|c| c.name == carrier) {
        errors.push(("carrier".into(), "Choose the carrier from the list.".into()));
    }
    let number: String = number.split_whitespace().collect::<Vec<_>>().join(" ");
    let plausible = (4..=40).contains(&number.chars().count())
        && number
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == ' ' || c == '-');
    if !plausible {
        errors.push((
            "tracking_number".into(),
            "Enter the tracking number from the label: 4 to 40 letters, digits, spaces or dashes."
                .into(),
        ));
    }
    if errors.is_empty() {
        Ok((carrier.to_string(), number))
    } else {
        Err(errors)
    }
}

/// A zone as the admin page shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ZoneView {
    pub id: i64,
    pub name: String,
    pub countries: Vec<String>,
    pub rates: Vec<ShippingRate>,
}

/// A rate as the form gives it, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRate {
    pub name: String,
    pub basis: RateBasis,
    pub min: Option<i64>,
    pub max: Option<i64>,
    pub price_cents: i64,
    pub free_above_cents: Option<i64>,
    pub min_days: i64,
    pub max_days: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn good(country: &str, region: &str, postal: &str) -> HashMap<String, String> {
        form(&[
            ("ship_name", "Ada  Lovelace"),
            ("ship_line1", "1 Main St"),
            ("ship_city", "Springfield"),
            ("ship_region", region),
            ("ship_postal_code", postal),
            ("ship_country", country),
        ])
    }

    #[test]
    fn postal_codes_are_checked_and_written_as_the_country_writes_them() {
        let c = |code| country(code).unwrap();
        assert_eq!(normalise_postal_code(c("US"), "94107").unwrap(), "94107");
        assert_eq!(
            normalise_postal_code(c("US"), "94107-1234").unwrap(),
            "94107-1234"
        );
        assert!(normalise_postal_code(c("US"), "9410").is_err());
        assert!(normalise_postal_code(c("US"), "ABCDE").is_err());
        assert_eq!(normalise_postal_code(c("CA"), "k1a0b1").unwrap(), "K1A 0B1");
        assert!(normalise_postal_code(c("CA"), "D1A 0B1").is_err());
        assert!(normalise_postal_code(c("CA"), "W1A 0B1").is_err());
        assert_eq!(
            normalise_postal_code(c("GB"), "sw1a1aa").unwrap(),
            "SW1A 1AA"
        );
        assert_eq!(normalise_postal_code(c("GB"), "M1 1AE").unwrap(), "M1 1AE");
        assert_eq!(
            normalise_postal_code(c("GB"), "B33 8TH").unwrap(),
            "B33 8TH"
        );
        assert!(normalise_postal_code(c("GB"), "12345").is_err());
        assert_eq!(normalise_postal_code(c("DE"), "10115").unwrap(), "10115");
        assert!(normalise_postal_code(c("DE"), "1011").is_err());
        assert_eq!(normalise_postal_code(c("FR"), "75001").unwrap(), "75001");
        assert_eq!(normalise_postal_code(c("NL"), "1012ab").unwrap(), "1012 AB");
        assert!(normalise_postal_code(c("NL"), "1012 SS").is_err());
        assert!(normalise_postal_code(c("NL"), "0123 AB").is_err());
        assert_eq!(normalise_postal_code(c("AU"), "2000").unwrap(), "2000");
        assert!(normalise_postal_code(c("AU"), "20000").is_err());
        assert!(normalise_postal_code(c("AU"), "").is_err());
    }

    #[test]
    fn addresses_are_checked_per_country() {
        let us = parse_address(&good("us", "ca", "94107")).unwrap();
        assert_eq!(us.country, "US");
        assert_eq!(us.region, "CA");
        assert_eq!(us.name, "Ada Lovelace");
        assert_eq!(
            us.label_lines(),
            vec![
                "Ada Lovelace",
                "1 Main St",
                "Springfield CA 94107",
                "United States"
            ]
        );
        let de = parse_address(&good("DE", "", "10115")).unwrap();
        assert_eq!(de.label_lines()[2], "10115 Springfield");
        let missing_state = parse_address(&good("US", "", "94107")).unwrap_err();
        assert_eq!(missing_state[0].0, "ship_region");
        let unknown = parse_address(&good("XX", "", "1")).unwrap_err();
        assert_eq!(unknown.last().unwrap().0, "ship_country");
        let mut empty = parse_address(&form(&[("ship_country", "GB")])).unwrap_err();
        empty.sort();
        let named: Vec<&str> = empty.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(
            named,
            vec!["ship_city", "ship_line1", "ship_name", "ship_postal_code"]
        );
        let mut phone = good("AU", "NSW", "2000");
        phone.insert("ship_phone".into(), "<script>".into());
        assert_eq!(parse_address(&phone).unwrap_err()[0].0, "ship_phone");
    }

    fn rate(
        id: i64,
        basis: RateBasis,
        min: Option<i64>,
        max: Option<i64>,
        price: i64,
    ) -> ShippingRate {
        ShippingRate {
            id,
            zone_name: "US".into(),
            name: format!("rate {id}"),
            basis,
            min,
            max,
            price_cents: price,
            free_above_cents: None,
            min_days: 2,
            max_days: 4,
        }
    }

    #[test]
    fn rates_price_by_weight_band_value_and_free_threshold() {
        let mut standard = rate(1, RateBasis::Weight, Some(0), Some(2000), 695);
        standard.free_above_cents = Some(15000);
        let heavy = rate(2, RateBasis::Weight, Some(2000), Some(30000), 1495);
        let express = rate(3, RateBasis::Flat, None, None, 2495);
        let rates = vec![standard, heavy, express];
        let light = Parcel {
            value_cents: 5000,
            weight_grams: Some(500),
        };
        let got = options_for(&rates, light).unwrap();
        assert_eq!(
            got.iter()
                .map(|o| (o.rate_id, o.price_cents))
                .collect::<Vec<_>>(),
            vec![(1, 695), (3, 2495)]
        );
        assert_eq!(got[0].estimate, "2–4 business days");
        let rich = Parcel {
            value_cents: 15000,
            weight_grams: Some(1999),
        };
        assert_eq!(options_for(&rates, rich).unwrap()[0].price_cents, 0);
        let band_edge = Parcel {
            value_cents: 5000,
            weight_grams: Some(2000),
        };
        assert_eq!(options_for(&rates, band_edge).unwrap()[0].rate_id, 2);
        let no_weight = Parcel {
            value_cents: 5000,
            weight_grams: None,
        };
        assert_eq!(
            options_for(&rates, no_weight).unwrap().len(),
            1,
            "only the flat rate"
        );
        assert_eq!(
            options_for(&rates[..2], no_weight),
            Err(NoOption::WeightMissing)
        );
        let too_heavy = Parcel {
            value_cents: 5000,
            weight_grams: Some(40000),
        };
        assert_eq!(
            options_for(&rates[..2], too_heavy),
            Err(NoOption::OutOfBands)
        );
        assert_eq!(options_for(&[], light), Err(NoOption::NotShipped));
        let by_value = rate(4, RateBasis::Value, Some(0), Some(10000), 900);
        assert_eq!(
            options_for(std::slice::from_ref(&by_value), light).unwrap()[0].price_cents,
            900
        );
        assert!(options_for(&[by_value], rich).is_err());
    }

    #[test]
    fn shipments_need_a_listed_carrier_and_a_plausible_number() {
        assert_eq!(
            parse_shipment("UPS", " 1Z 999 AA1 ").unwrap(),
            ("UPS".to_string(), "1Z 999 AA1".to_string())
        );
        assert_eq!(
            parse_shipment("Pigeon", "1234").unwrap_err()[0].0,
            "carrier"
        );
        assert_eq!(
            parse_shipment("UPS", "12").unwrap_err()[0].0,
            "tracking_number"
        );
        assert!(parse_shipment("UPS", "<b>1234</b>").is_err());
        assert_eq!(
            tracking_url("UPS", "1Z 9").unwrap(),
            "https://www.ups.com/track?tracknum=1Z9"
        );
        assert_eq!(tracking_url("Other", "1234"), None);
    }

    #[test]
    fn estimates_read_like_a_person_wrote_them() {
        assert_eq!(delivery_estimate(1, 1), "1 business day");
        assert_eq!(delivery_estimate(3, 3), "3 business days");
        assert_eq!(delivery_estimate(5, 8), "5–8 business days");
    }
}
