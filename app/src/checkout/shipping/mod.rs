//! Sending physical goods: the address checkout asks for (checked per country), shipping
//! zones and their rates, and the step between the cart and payment where the customer
//! gives the address and picks a method (`page.rs`, `GET /checkout`). The order keeps the
//! address, the method and its price as they were when it was made.

pub mod addresses;
pub mod model;
pub mod page;
#[cfg(feature = "ssr")]
pub mod repo;

/// The cart's shipping estimate (the cheapest method to a country for the cart as it is),
/// handed to the server's context at startup.
#[cfg(feature = "ssr")]
pub const ESTIMATE: crate::cart::model::ShippingEstimator =
    crate::cart::model::ShippingEstimator(estimate_for_cart);

#[cfg(feature = "ssr")]
fn estimate_for_cart(
    db: crate::db::Db,
    owner: String,
    country: String,
) -> crate::cart::model::Estimate {
    Box::pin(async move {
        let country = model::country_or_default(&country);
        let goods = repo::cart_goods(&db, &owner).await?;
        let parcel = model::parcel_of(&goods);
        let rates = repo::rates_for_country(db.pool(), country.code).await?;
        let currency = crate::money::Currency::Usd;
        let tax_settings = crate::checkout::tax::repo::settings(db.pool()).await?;
        let tax_rates =
            crate::checkout::tax::repo::rates_for_country(db.pool(), country.code).await?;
        let options = model::options_for(&rates, parcel);
        let cheapest = options.as_ref().ok().map_or(0, |o| o[0].price_cents);
        // Before an address the region is unknown: the country-wide rates apply, and where
        // only regions have rates (US states) the cart says tax comes with the address.
        let taxed = crate::checkout::tax::model::tax_order(
            tax_settings,
            &tax_rates,
            "",
            &model::taxables(&goods),
            cheapest,
        );
        let taxes = taxed.rows(currency);
        let has_regions = tax_rates.iter().any(|r| !r.region.is_empty());
        let tax_note = (!tax_settings.prices_include_tax && has_regions).then(|| {
            format!(
                "Tax follows your {}: the exact amount comes with your address.",
                country.region_label.to_lowercase()
            )
        });
        let (from, estimate, problem) = match options {
            Ok(options) => {
                let cheapest = &options[0];
                (
                    Some(crate::money::Money::new(cheapest.price_cents, currency)),
                    cheapest.estimate.clone(),
                    None,
                )
            }
            Err(why) => (None, String::new(), Some(why.message(country.name))),
        };
        Ok(crate::cart::model::ShippingEstimate {
            country: country.code.to_string(),
            countries: model::COUNTRIES
                .iter()
                .map(|c| (c.code.to_string(), c.name.to_string()))
                .collect(),
            from,
            estimate,
            problem,
            taxes,
            prices_include_tax: tax_settings.prices_include_tax,
            tax_note,
        })
    })
}
