//! `/admin/shipping` (admins): the zones, which countries each covers, and their rates.
//! Every change is audited; a rate edit never changes an order already made (orders keep
//! the method and price they were created with). Deleting a rate asks for a confirmation.

use crate::admin::frame::{admin_error, AdminFrame};
use crate::checkout::shipping::model::{RateBasis, ShippingRate, ZoneView, COUNTRIES};
use crate::error::AppError;
use crate::forms::{feedback_for, typed_or, FormFeedback};
use crate::money::{minor_to_plain, Currency, Money};
use crate::ui::form::{FormAlert, SuccessAlert, TextField};
use crate::ui::query_param;
use leptos::prelude::*;

#[server(endpoint = "admin/shipping")]
pub async fn load_shipping_zones() -> Result<Vec<ZoneView>, AppError> {
    crate::admin::guard::require(
        &crate::request::RequestContext::current(),
        crate::request::Area::Shipping,
    )?;
    Ok(crate::checkout::shipping::repo::list_zones(&crate::db::use_db()?).await?)
}

#[component]
pub fn AdminShippingPage() -> impl IntoView {
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading shipping…"</p> }>
            {move || Suspend::new(async move {
                match load_shipping_zones().await {
                    Ok(zones) => view! { <ShippingDesk zones/> }.into_any(),
                    Err(error) => admin_error(error),
                }
            })}
        </Suspense>
    }
}

fn basis_words(rate: &ShippingRate) -> String {
    let band = |unit: fn(i64) -> String| match (rate.min, rate.max) {
        (Some(a), Some(b)) => format!("{} to under {}", unit(a), unit(b)),
        (Some(a), None) => format!("{} and up", unit(a)),
        (None, Some(b)) => format!("under {}", unit(b)),
        (None, None) => "any".to_string(),
    };
    match rate.basis {
        RateBasis::Flat => "Flat".into(),
        RateBasis::Weight => format!("Weight: {}", band(|g| format!("{} kg", g as f64 / 1000.0))),
        RateBasis::Value => format!(
            "Order value: {}",
            band(|c| Money::new(c, Currency::Usd).format())
        ),
    }
}

#[component]
fn ShippingDesk(zones: Vec<ZoneView>) -> impl IntoView {
    let saved = match query_param("saved").as_str() {
        "zone" => Some("Zone added."),
        "countries" => Some("Countries saved."),
        "rate" => Some("Rate added."),
        "deleted" => Some("Rate deleted."),
        _ => None,
    };
    let feedback = feedback_for("shipping");
    let all_codes = COUNTRIES
        .iter()
        .map(|c| format!("{} ({})", c.code, c.name))
        .collect::<Vec<_>>()
        .join(", ");
    view! {
        <AdminFrame title="Shipping" current="/admin/shipping">
            <SuccessAlert message=saved/>
            <FormAlert feedback=feedback.clone() fields=&["name", "countries", "rate_name", "basis", "min", "max", "price", "free_above", "min_days", "max_days", "confirm"]/>
            <p class="admin-intro">"Zones group the countries an address can be in; each zone's rates are the methods checkout offers there. Orders keep the method and price they were made with."</p>
            {if zones.is_empty() {
                view! { <div class="empty-state"><h2>"No zones yet"</h2><p>"Until a zone covers a country, checkout tells customers there that we don't ship to them yet."</p></div> }.into_any()
            } else {
                zones.into_iter().map(|zone| view! { <ZoneCard zone feedback=feedback.clone()/> }).collect_view().into_any()
            }}
            <section class="panel admin-form">
                <h2>"Add a zone"</h2>
                <form method="post" action="/admin/shipping">
                    <input type="hidden" name="action" value="add_zone"/>
                    <TextField feedback=form_for(&feedback, "add_zone") name="name" label="Zone name" maxlength=60 required=true/>
                    <TextField feedback=form_for(&feedback, "add_zone") name="countries" label="Countries" maxlength=200
                        hint=format!("Codes, separated by commas. We ship to: {all_codes}. A country moves here from its old zone.")/>
                    <button class="btn btn--primary" type="submit">"Add zone"</button>
                </form>
            </section>
        </AdminFrame>
    }
}

/// The feedback, when it belongs to the form `action` (`zone` for a zone's forms).
pub(super) fn form_for(feedback: &Option<FormFeedback>, action: &str) -> Option<FormFeedback> {
    feedback
        .clone()
        .filter(|f| f.value("action") == action || f.value("form") == action)
}

#[component]
fn ZoneCard(zone: ZoneView, feedback: Option<FormFeedback>) -> impl IntoView {
    let mine = format!("zone-{}", zone.id);
    let countries_feedback = form_for(&feedback, &format!("{mine}-countries"));
    let rate_feedback = form_for(&feedback, &format!("{mine}-rate"));
    let basis = typed_or(&rate_feedback, "basis", "flat");
    let adding = rate_feedback.is_some();
    let zone_id = zone.id.to_string();
    view! {
        <section class="panel shipping-zone" aria-labelledby=format!("{mine}-heading")>
            <h2 id=format!("{mine}-heading")>{zone.name.clone()}</h2>
            <form method="post" action="/admin/shipping" class="shipping-zone__countries">
                <input type="hidden" name="action" value="set_countries"/>
                <input type="hidden" name="form" value=format!("{mine}-countries")/>
                <input type="hidden" name="zone" value=zone_id.clone()/>
                <TextField feedback=countries_feedback name="countries" label="Countries" value=zone.countries.join(", ")
                    id_prefix=format!("{mine}-") maxlength=200 hint="Codes, separated by commas (empty: the zone covers nowhere)."/>
                <button class="btn btn--small" type="submit">"Save countries"</button>
            </form>
            {if zone.rates.is_empty() {
                view! { <p>"No rates: checkout offers nothing here yet."</p> }.into_any()
            } else {
                view! {
                    <table class="admin-table">
                        <thead><tr><th scope="col">"Method"</th><th scope="col">"Applies"</th><th scope="col" class="num">"Price"</th><th scope="col">"Free from"</th><th scope="col">"Delivery"</th><th scope="col"><span class="visually-hidden">"Delete"</span></th></tr></thead>
                        <tbody>
                            {zone.rates.iter().map(|rate| {
                                let id = rate.id.to_string();
                                let confirm_id = format!("confirm-{}", rate.id);
                                view! {
                                    <tr>
                                        <td>{rate.name.clone()}</td>
                                        <td>{basis_words(rate)}</td>
                                        <td class="num">{minor_to_plain(rate.price_cents)}</td>
                                        <td>{rate.free_above_cents.map(minor_to_plain).unwrap_or_else(|| "—".into())}</td>
                                        <td>{crate::checkout::shipping::model::delivery_estimate(rate.min_days, rate.max_days)}</td>
                                        <td>
                                            <form method="post" action="/admin/shipping" class="shipping-zone__delete">
                                                <input type="hidden" name="action" value="delete_rate"/>
                                                <input type="hidden" name="rate" value=id/>
                                                <input type="checkbox" id=confirm_id.clone() name="confirm" value="yes" required=true/>
                                                <label for=confirm_id>"Sure"</label>
                                                <button class="btn btn--small btn--danger" type="submit">{format!("Delete {}", rate.name)}</button>
                                            </form>
                                        </td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
            <details class="shipping-zone__add" open=adding>
                <summary>"Add a rate"</summary>
                <form method="post" action="/admin/shipping">
                    <input type="hidden" name="action" value="add_rate"/>
                    <input type="hidden" name="form" value=format!("{mine}-rate")/>
                    <input type="hidden" name="zone" value=zone_id/>
                    <TextField feedback=rate_feedback.clone() name="rate_name" label="Method name" id_prefix=format!("{mine}-") maxlength=60 required=true hint="What customers see: Standard, Express…"/>
                    <div class="field">
                        <label for=format!("{mine}-basis")>"Applies"</label>
                        <select id=format!("{mine}-basis") name="basis">
                            <option value="flat" selected=basis == "flat">"Always (flat)"</option>
                            <option value="weight" selected=basis == "weight">"By weight band (grams)"</option>
                            <option value="value" selected=basis == "value">"By order value band"</option>
                        </select>
                    </div>
                    <div class="checkout__pair">
                        <TextField feedback=rate_feedback.clone() name="min" label="Band from (optional)" id_prefix=format!("{mine}-") maxlength=12 hint="Grams, or an amount like 50.00"/>
                        <TextField feedback=rate_feedback.clone() name="max" label="Band to, not including (optional)" id_prefix=format!("{mine}-") maxlength=12/>
                    </div>
                    <div class="checkout__pair">
                        <TextField feedback=rate_feedback.clone() name="price" label="Price" id_prefix=format!("{mine}-") maxlength=12 required=true hint="e.g. 6.95"/>
                        <TextField feedback=rate_feedback.clone() name="free_above" label="Free from order value (optional)" id_prefix=format!("{mine}-") maxlength=12/>
                    </div>
                    <div class="checkout__pair">
                        <TextField feedback=rate_feedback.clone() name="min_days" label="Delivery from (business days)" id_prefix=format!("{mine}-") maxlength=3 required=true/>
                        <TextField feedback=rate_feedback name="max_days" label="Delivery to (business days)" id_prefix=format!("{mine}-") maxlength=3 required=true/>
                    </div>
                    <button class="btn btn--primary" type="submit">"Add rate"</button>
                </form>
            </details>
        </section>
    }
}

/// Checks the "Add a rate" form; every problem is named next to its field.
#[cfg(feature = "ssr")]
pub fn parse_rate(
    fields: &std::collections::HashMap<String, String>,
) -> Result<crate::checkout::shipping::model::NewRate, Vec<(String, String)>> {
    use crate::checkout::shipping::model::NewRate;
    use crate::forms::field;
    let mut errors: Vec<(String, String)> = Vec::new();
    let name = field(fields, "rate_name").trim().to_string();
    if name.is_empty() || name.chars().count() > 60 {
        errors.push((
            "rate_name".into(),
            "Name the method in 1 to 60 characters.".into(),
        ));
    }
    let basis = RateBasis::parse(&field(fields, "basis")).unwrap_or(RateBasis::Flat);
    let mut money = |name: &str, required: bool| -> Option<i64> {
        match crate::money::parse_money_field(&field(fields, name), name, required) {
            Ok(v) => v,
            Err(AppError::Validation { field, message }) => {
                errors.push((field, message));
                None
            }
            Err(_) => None,
        }
    };
    let price_cents = money("price", true);
    let free_above_cents = money("free_above", false);
    let (min, max) = match basis {
        RateBasis::Flat => (None, None),
        RateBasis::Value => (money("min", false), money("max", false)),
        RateBasis::Weight => {
            let grams = |name: &str, errors: &mut Vec<(String, String)>| {
                let text = field(fields, name);
                if text.trim().is_empty() {
                    return None;
                }
                match text.trim().parse::<i64>() {
                    Ok(g) if (0..=1_000_000).contains(&g) => Some(g),
                    _ => {
                        errors.push((name.into(), "Grams: a whole number up to 1000000.".into()));
                        None
                    }
                }
            };
            (grams("min", &mut errors), grams("max", &mut errors))
        }
    };
    if let (Some(a), Some(b)) = (min, max) {
        if a >= b {
            errors.push((
                "max".into(),
                "The band must end above where it starts.".into(),
            ));
        }
    }
    let days = |name: &str, errors: &mut Vec<(String, String)>| match field(fields, name)
        .trim()
        .parse::<i64>()
    {
        Ok(d) if (0..=120).contains(&d) => Some(d),
        _ => {
            errors.push((
                name.into(),
                "Business days: a whole number from 0 to 120.".into(),
            ));
            None
        }
    };
    let min_days = days("min_days", &mut errors);
    let max_days = days("max_days", &mut errors);
    if let (Some(a), Some(b)) = (min_days, max_days) {
        if b < a {
            errors.push((
                "max_days".into(),
                "Delivery can't end before it starts.".into(),
            ));
        }
    }
    match (price_cents, min_days, max_days) {
        (Some(price_cents), Some(min_days), Some(max_days)) if errors.is_empty() => Ok(NewRate {
            name,
            basis,
            min,
            max,
            price_cents,
            free_above_cents,
            min_days,
            max_days,
        }),
        _ => Err(errors),
    }
}

/// Checks a list of country codes ("de, FR nl"): every one must be a country checkout
/// knows how to address.
pub fn parse_countries(text: &str) -> Result<Vec<String>, String> {
    let mut codes: Vec<String> = Vec::new();
    for code in text
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|c| !c.is_empty())
    {
        let Some(country) = crate::checkout::shipping::model::country(code) else {
            return Err(format!(
                "\"{code}\" is not a country we can ship to. Use the codes listed below the field."
            ));
        };
        if !codes.iter().any(|c| c == country.code) {
            codes.push(country.code.to_string());
        }
    }
    Ok(codes)
}

/// POST /admin/shipping: add a zone, set its countries, add or delete a rate (admins).
#[cfg(feature = "ssr")]
pub async fn post_shipping(
    axum::extract::State(ctx): axum::extract::State<crate::forms::PageContext>,
    request: axum::extract::Request,
) -> axum::response::Response {
    use crate::forms::{field, read_form, see_other, show_error};
    let (parts, fields) = match read_form(request).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    let result = async {
        let actor = crate::admin::guard::require(
            &crate::request::RequestContext::of(&parts),
            crate::request::Area::Shipping,
        )?;
        use crate::checkout::shipping::repo;
        let zone = || {
            field(&fields, "zone")
                .parse::<i64>()
                .map_err(|_| AppError::NotFound)
        };
        let audit = |action: &'static str, id: i64, detail: String| {
            let actor = actor.clone();
            let db = ctx.db.clone();
            async move {
                crate::admin::audit::record(&db, &actor, action, "shipping", id, &detail).await
            }
        };
        match field(&fields, "action").as_str() {
            "add_zone" => {
                let name = field(&fields, "name").trim().to_string();
                if name.is_empty() || name.chars().count() > 60 {
                    return Err(AppError::invalid(
                        "name",
                        "Name the zone in 1 to 60 characters.",
                    ));
                }
                let countries = parse_countries(&field(&fields, "countries"))
                    .map_err(|m| AppError::invalid("countries", m))?;
                let Some(id) = repo::add_zone(&ctx.db, &name, &countries).await? else {
                    return Err(AppError::invalid(
                        "name",
                        "A zone of that name exists already.",
                    ));
                };
                audit(
                    "shipping.zone_add",
                    id,
                    format!("{name}: {}", countries.join(", ")),
                )
                .await?;
                Ok("zone")
            }
            "set_countries" => {
                let id = zone()?;
                let countries = parse_countries(&field(&fields, "countries"))
                    .map_err(|m| AppError::invalid("countries", m))?;
                if !repo::set_countries(&ctx.db, id, &countries).await? {
                    return Err(AppError::NotFound);
                }
                audit("shipping.countries", id, countries.join(", ")).await?;
                Ok("countries")
            }
            "add_rate" => {
                let id = zone()?;
                let rate = parse_rate(&fields).map_err(|errors| AppError::Fields { errors })?;
                let Some(rate_id) = repo::add_rate(&ctx.db, id, &rate).await? else {
                    return Err(AppError::NotFound);
                };
                audit(
                    "shipping.rate_add",
                    rate_id,
                    format!("{} in zone {id}", rate.name),
                )
                .await?;
                Ok("rate")
            }
            "delete_rate" => {
                let rate_id = field(&fields, "rate")
                    .parse::<i64>()
                    .map_err(|_| AppError::NotFound)?;
                if field(&fields, "confirm") != "yes" {
                    return Err(AppError::invalid(
                        "confirm",
                        "Tick \"Sure\" to delete the rate.",
                    ));
                }
                if !repo::delete_rate(&ctx.db, rate_id).await? {
                    return Err(AppError::NotFound);
                }
                audit("shipping.rate_delete", rate_id, String::new()).await?;
                Ok("deleted")
            }
            _ => Err(AppError::bad_request("Unknown action.")),
        }
    }
    .await;
    match result {
        Ok(saved) => see_other(&format!("/admin/shipping?saved={saved}")),
        Err(error) => show_error(&ctx, parts, "shipping", fields, error).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn country_lists_take_known_codes_once() {
        assert_eq!(
            parse_countries("de, FR nl,de").unwrap(),
            vec!["DE", "FR", "NL"]
        );
        assert_eq!(parse_countries("").unwrap(), Vec::<String>::new());
        assert!(parse_countries("DE, XX").unwrap_err().contains("\"XX\""));
    }
}
