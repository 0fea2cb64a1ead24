//! `/admin/taxes` (admins): whether catalogue prices include tax, whether shipping is
//! taxed, the rates by country, region and product class, and who issues the invoices.
//! Every change is audited; an order keeps the tax it was made with, so a rate edited
//! while an order waits for payment changes nothing about that order.

use super::shipping::form_for;
use crate::admin::frame::{admin_error, AdminFrame};
use crate::catalog::model::TaxClass;
use crate::checkout::shipping::model::COUNTRIES;
use crate::checkout::tax::model::{percent, InvoiceIssuer, TaxRate, TaxSettings};
use crate::error::AppError;
use crate::forms::{feedback_for, typed_or};
use crate::ui::form::{FormAlert, SuccessAlert, TextField};
use crate::ui::query_param;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaxDesk {
    pub settings: TaxSettings,
    pub issuer: InvoiceIssuer,
    pub rates: Vec<TaxRate>,
}

#[server(endpoint = "admin/taxes")]
pub async fn load_taxes() -> Result<TaxDesk, AppError> {
    crate::admin::guard::require(
        &crate::request::RequestContext::current(),
        crate::request::Area::Taxes,
    )?;
    let db = crate::db::use_db()?;
    use crate::checkout::tax::repo;
    Ok(TaxDesk {
        settings: repo::settings(db.pool()).await?,
        issuer: repo::issuer(&db).await?,
        rates: repo::list_rates(&db).await?,
    })
}

#[component]
pub fn AdminTaxesPage() -> impl IntoView {
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading taxes…"</p> }>
            {move || Suspend::new(async move {
                match load_taxes().await {
                    Ok(desk) => view! { <TaxesDesk desk/> }.into_any(),
                    Err(error) => admin_error(error),
                }
            })}
        </Suspense>
    }
}

fn country_name(code: &str) -> &str {
    crate::checkout::shipping::model::country(code).map_or(code, |c| c.name)
}

#[component]
fn TaxesDesk(desk: TaxDesk) -> impl IntoView {
    let saved = match query_param("saved").as_str() {
        "settings" => Some("Tax setting saved. New checkouts use it; existing orders keep theirs."),
        "issuer" => Some("Invoice details saved."),
        "rate" => Some("Rate saved. New checkouts use it; existing orders keep theirs."),
        "deleted" => Some("Rate deleted."),
        _ => None,
    };
    let feedback = feedback_for("taxes");
    let settings_feedback = form_for(&feedback, "settings");
    let inclusive = match &settings_feedback {
        Some(f) => f.value("prices_include_tax") == "yes",
        None => desk.settings.prices_include_tax,
    };
    let shipping_taxable = match &settings_feedback {
        Some(f) => f.value("shipping_taxable") == "yes",
        None => desk.settings.shipping_taxable,
    };
    let issuer_feedback = form_for(&feedback, "issuer");
    let rate_feedback = form_for(&feedback, "put_rate");
    let adding_rate = rate_feedback.is_some();
    let chosen_country = typed_or(&rate_feedback, "country", "");
    let chosen_class = typed_or(&rate_feedback, "tax_class", "standard");
    let issuer_address = typed_or(
        &issuer_feedback,
        "seller_address",
        desk.issuer.address.clone(),
    );
    view! {
        <AdminFrame title="Taxes" current="/admin/taxes">
            <SuccessAlert message=saved/>
            <FormAlert feedback=feedback.clone() fields=&["seller_name", "seller_tax_id", "seller_address", "country", "region", "tax_class", "rate", "name", "confirm"]/>
            <p class="admin-intro">"Checkout works out tax from these: per order line, rounded half up to the cent, at the rate for the address's country and region and the product's tax class (set on each product). Orders keep the tax they were made with."</p>
            <section class="panel admin-form" aria-labelledby="tax-setting">
                <h2 id="tax-setting">"How prices are shown"</h2>
                <form method="post" action="/admin/taxes">
                    <input type="hidden" name="action" value="settings"/>
                    <fieldset>
                        <legend>"Catalogue prices"</legend>
                        <div class="choice">
                            <input type="radio" id="prices-exclusive" name="prices_include_tax" value="no" checked=!inclusive/>
                            <label for="prices-exclusive">"Exclude tax — tax is added at checkout (US, Canada)"</label>
                        </div>
                        <div class="choice">
                            <input type="radio" id="prices-inclusive" name="prices_include_tax" value="yes" checked=inclusive/>
                            <label for="prices-inclusive">"Include tax — the price is what the customer pays (EU, UK, Australia)"</label>
                        </div>
                    </fieldset>
                    <div class="choice">
                        <input type="checkbox" id="shipping_taxable" name="shipping_taxable" value="yes" checked=shipping_taxable/>
                        <label for="shipping_taxable">"Tax shipping at the destination's standard rate"</label>
                    </div>
                    <button class="btn btn--primary" type="submit">"Save setting"</button>
                </form>
            </section>
            <section class="panel" aria-labelledby="tax-rates">
                <h2 id="tax-rates">"Rates"</h2>
                {if desk.rates.is_empty() {
                    view! { <div class="empty-state"><h3>"No rates yet"</h3><p>"Until a rate is set for a country, orders shipped there carry no tax."</p></div> }.into_any()
                } else {
                    view! {
                        <table class="admin-table">
                            <thead><tr><th scope="col">"Country"</th><th scope="col">"Region"</th><th scope="col">"Class"</th><th scope="col" class="num">"Rate"</th><th scope="col">"Name"</th><th scope="col"><span class="visually-hidden">"Delete"</span></th></tr></thead>
                            <tbody>
                                {desk.rates.iter().map(|rate| {
                                    let confirm_id = format!("confirm-rate-{}", rate.id);
                                    view! {
                                        <tr>
                                            <td>{country_name(&rate.country).to_string()}</td>
                                            <td>{if rate.region.is_empty() { "Whole country".to_string() } else { rate.region.clone() }}</td>
                                            <td>{rate.class.label()}</td>
                                            <td class="num">{percent(rate.rate_bp)}</td>
                                            <td>{rate.name.clone()}</td>
                                            <td>
                                                <form method="post" action="/admin/taxes" class="shipping-zone__delete">
                                                    <input type="hidden" name="action" value="delete_rate"/>
                                                    <input type="hidden" name="rate_id" value=rate.id.to_string()/>
                                                    <input type="checkbox" id=confirm_id.clone() name="confirm" value="yes" required=true/>
                                                    <label for=confirm_id>"Sure"</label>
                                                    <button class="btn btn--small btn--danger" type="submit">{format!("Delete {} {}", rate.country, percent(rate.rate_bp))}</button>
                                                </form>
                                            </td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any()
                }}
                <details class="shipping-zone__add" open=adding_rate>
                    <summary>"Add or change a rate"</summary>
                    <form method="post" action="/admin/taxes">
                        <input type="hidden" name="action" value="put_rate"/>
                        <p>"A rate for a country, region and class that exists already is replaced."</p>
                        <div class="checkout__pair">
                            <div class="field">
                                <label for="country">"Country"</label>
                                <select id="country" name="country">
                                    {COUNTRIES.iter().map(|c| view! {
                                        <option value=c.code selected=c.code == chosen_country>{c.name}</option>
                                    }).collect_view()}
                                </select>
                            </div>
                            <TextField feedback=rate_feedback.clone() name="region" label="Region (optional)" maxlength=3
                                hint="A state or province code like CA or ON; empty for the whole country."/>
                        </div>
                        <div class="field">
                            <label for="tax_class">"Product class"</label>
                            <select id="tax_class" name="tax_class">
                                {TaxClass::ALL.iter().filter(|c| **c != TaxClass::Zero).map(|c| view! {
                                    <option value=c.key() selected=c.key() == chosen_class>{c.label()}</option>
                                }).collect_view()}
                            </select>
                        </div>
                        <div class="checkout__pair">
                            <TextField feedback=rate_feedback.clone() name="rate" label="Rate in %" maxlength=6 required=true hint="e.g. 20 or 7.25"/>
                            <TextField feedback=rate_feedback name="name" label="Name customers read" maxlength=30 required=true hint="VAT, GST, HST, Sales tax…"/>
                        </div>
                        <button class="btn btn--primary" type="submit">"Save rate"</button>
                    </form>
                </details>
            </section>
            <section class="panel admin-form" aria-labelledby="tax-issuer">
                <h2 id="tax-issuer">"Invoice details"</h2>
                <p>"Every paid order gets an invoice with the next number (INV-000001, INV-000002, …) and these details as the seller."</p>
                <form method="post" action="/admin/taxes">
                    <input type="hidden" name="action" value="issuer"/>
                    <TextField feedback=issuer_feedback.clone() name="seller_name" label="Legal name" value=desk.issuer.name.clone() maxlength=100 required=true/>
                    <div class="field">
                        <label for="seller_address">"Address"</label>
                        <textarea id="seller_address" name="seller_address" rows="4" maxlength="400">{crate::html::escape_text(&issuer_address)}</textarea>
                    </div>
                    <TextField feedback=issuer_feedback name="seller_tax_id" label="VAT / tax number (optional)" value=desk.issuer.tax_id.clone() maxlength=30/>
                    <button class="btn btn--primary" type="submit">"Save invoice details"</button>
                </form>
            </section>
        </AdminFrame>
    }
}

/// Checks the "Add or change a rate" form; every problem is named next to its field.
#[cfg(feature = "ssr")]
fn parse_rate(fields: &std::collections::HashMap<String, String>) -> Result<TaxRate, AppError> {
    use crate::forms::field;
    let mut errors: Vec<(String, String)> = Vec::new();
    let country = crate::checkout::shipping::model::country(&field(fields, "country"));
    if country.is_none() {
        errors.push(("country".into(), "Choose a country from the list.".into()));
    }
    let region = field(fields, "region").trim().to_uppercase();
    let region_shaped = region.len() <= 3 && region.chars().all(|c| c.is_ascii_alphanumeric());
    if !region_shaped {
        errors.push((
            "region".into(),
            "A region is its short code, like CA or ON.".into(),
        ));
    }
    let class = TaxClass::parse(&field(fields, "tax_class")).filter(|c| *c != TaxClass::Zero);
    if class.is_none() {
        errors.push(("tax_class".into(), "Choose standard or reduced.".into()));
    }
    let rate_bp = crate::checkout::tax::model::parse_percent(&field(fields, "rate"));
    if rate_bp.is_none() {
        errors.push((
            "rate".into(),
            "A rate is a percentage from 0 to 100 with at most two decimals, like 7.25.".into(),
        ));
    }
    let name = field(fields, "name").trim().to_string();
    if name.is_empty() || name.chars().count() > 30 {
        errors.push(("name".into(), "Name the tax in 1 to 30 characters.".into()));
    }
    match (country, class, rate_bp) {
        (Some(country), Some(class), Some(rate_bp)) if errors.is_empty() => Ok(TaxRate {
            id: 0,
            country: country.code.to_string(),
            region,
            class,
            rate_bp,
            name,
        }),
        _ => Err(AppError::Fields { errors }),
    }
}

/// POST /admin/taxes: the setting, the invoice issuer, add/change or delete a rate.
#[cfg(feature = "ssr")]
pub async fn post_taxes(
    axum::extract::State(ctx): axum::extract::State<crate::forms::PageContext>,
    request: axum::extract::Request,
) -> axum::response::Response {
    use crate::checkout::tax::repo;
    use crate::forms::{field, read_form, see_other, show_error};
    let (parts, fields) = match read_form(request).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    let result = async {
        let actor = crate::admin::guard::require(
            &crate::request::RequestContext::of(&parts),
            crate::request::Area::Taxes,
        )?;
        let audit = |action: &'static str, id: i64, detail: String| {
            let actor = actor.clone();
            let db = ctx.db.clone();
            async move { crate::admin::audit::record(&db, &actor, action, "tax", id, &detail).await }
        };
        match field(&fields, "action").as_str() {
            "settings" => {
                let settings = TaxSettings {
                    prices_include_tax: field(&fields, "prices_include_tax") == "yes",
                    shipping_taxable: field(&fields, "shipping_taxable") == "yes",
                };
                repo::save_settings(&ctx.db, settings).await?;
                audit(
                    "tax.settings",
                    1,
                    format!(
                        "prices {} tax; shipping {}",
                        if settings.prices_include_tax { "include" } else { "exclude" },
                        if settings.shipping_taxable { "taxed" } else { "not taxed" }
                    ),
                )
                .await?;
                Ok("settings")
            }
            "issuer" => {
                let issuer = InvoiceIssuer {
                    name: field(&fields, "seller_name").trim().to_string(),
                    address: field(&fields, "seller_address").trim().replace("\r\n", "\n"),
                    tax_id: field(&fields, "seller_tax_id").trim().to_string(),
                };
                let mut errors = Vec::new();
                if issuer.name.is_empty() || issuer.name.chars().count() > 100 {
                    errors.push((
                        "seller_name".to_string(),
                        "Give the legal name in 1 to 100 characters.".to_string(),
                    ));
                }
                if issuer.address.chars().count() > 400 {
                    errors.push((
                        "seller_address".to_string(),
                        "Keep the address under 400 characters.".to_string(),
                    ));
                }
                if issuer.tax_id.chars().count() > 30 {
                    errors.push((
                        "seller_tax_id".to_string(),
                        "A tax number is at most 30 characters.".to_string(),
                    ));
                }
                if !errors.is_empty() {
                    return Err(AppError::Fields { errors });
                }
                repo::save_issuer(&ctx.db, &issuer).await?;
                audit("tax.issuer", 1, issuer.name.clone()).await?;
                Ok("issuer")
            }
            "put_rate" => {
                let rate = parse_rate(&fields)?;
                let id = repo::put_rate(&ctx.db, &rate).await?;
                audit(
                    "tax.rate_put",
                    id,
                    format!(
                        "{} {} {}: {} {}",
                        rate.country,
                        if rate.region.is_empty() { "*" } else { &rate.region },
                        rate.class.key(),
                        rate.name,
                        percent(rate.rate_bp)
                    ),
                )
                .await?;
                Ok("rate")
            }
            "delete_rate" => {
                let id = field(&fields, "rate_id")
                    .parse::<i64>()
                    .map_err(|_| AppError::NotFound)?;
                if field(&fields, "confirm") != "yes" {
                    return Err(AppError::invalid(
                        "confirm",
                        "Tick \"Sure\" to delete the rate.",
                    ));
                }
                if !repo::delete_rate(&ctx.db, id).await? {
                    return Err(AppError::NotFound);
                }
                audit("tax.rate_delete", id, String::new()).await?;
                Ok("deleted")
            }
            _ => Err(AppError::bad_request("Unknown action.")),
        }
    }
    .await;
    match result {
        Ok(saved) => see_other(&format!("/admin/taxes?saved={saved}")),
        Err(error) => show_error(&ctx, parts, "taxes", fields, error).await,
    }
}
