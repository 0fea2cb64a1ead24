//! Sending physical goods: the address checkout asks for (checked per country), shipping
//! zones and their rates, and the step between the cart and payment where the customer
//! gives the address and picks a method (`page.rs`, `GET /checkout`). The order keeps the
//! address, the method and its price as they were when it was made.

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
        let parcel = repo::cart_parcel(&db, &owner).await?;
        let rates = repo::rates_for_country(db.pool(), country.code).await?;
        let currency = crate::money::Currency::Usd;
        let (from, estimate, problem) = match model::options_for(&rates, parcel) {
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
        })
    })
}
