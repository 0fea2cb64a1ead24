//! `GET /checkout`: the step between the cart (or a quote) and payment. The customer gives
//! the address, sees the methods that ship there with their prices and estimates, and goes
//! on to pay. Without JavaScript, "Update shipping options" posts the form and the page
//! comes back with the methods for the chosen country and everything typed kept.

use super::model::{country, Address, COUNTRIES};
use crate::error::AppError;
use crate::forms::{feedback_for, typed_or, FormFeedback};
use crate::money::Money;
use crate::ui::form::{FormAlert, TextField};
use crate::ui::{query_param, ErrorPage, Layout};
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use serde::{Deserialize, Serialize};

/// A line of what is being bought.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckoutLine {
    pub name: String,
    pub quantity: i64,
    pub subtotal: Money,
}

/// A method the address can ship with, priced for this order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckoutOption {
    pub rate_id: i64,
    pub name: String,
    pub price: Money,
    pub estimate: String,
    /// The order's tax and total with this method (shipping may be taxed too).
    pub taxes: Vec<(String, Money)>,
    pub total: Money,
}

/// What the checkout step shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckoutView {
    pub lines: Vec<CheckoutLine>,
    pub subtotal: Option<Money>,
    /// The country the options are for.
    pub country: String,
    pub options: Vec<CheckoutOption>,
    /// Why nothing ships there, when nothing does.
    pub no_option: Option<String>,
    pub checkout_key: String,
    /// A quote being checked out instead of the cart ("" for the cart), and its link token.
    pub quote: String,
    pub token: String,
    /// The address to start from: the saved one the customer picked, else their last
    /// order's.
    pub last_address: Option<Address>,
    /// A signed-in customer's address book (empty for guests), and whether they are one.
    pub saved_addresses: Vec<super::model::SavedAddress>,
    pub signed_in: bool,
    pub hold_minutes: i64,
    /// Prices include tax (the tax rows say "Includes …"); otherwise tax is added.
    pub prices_include_tax: bool,
    /// Why the tax shown may still change (a region the rates depend on not typed yet).
    pub tax_note: Option<String>,
    /// The cart's discount code: what it takes off, or why it no longer applies.
    pub code: Option<crate::discounts::model::CartCode>,
    /// The signed-in customer's email, to start the reminder field from ("" for guests).
    pub contact_email: String,
    /// The browser lets us write later (no DNT / GPC): the reminder can be asked for.
    pub reminders_allowed: bool,
}

#[server(endpoint = "checkout-step")]
pub async fn load_checkout(
    quote: String,
    t: String,
    country_code: String,
    region: String,
    address: String,
) -> Result<CheckoutView, AppError> {
    let db = crate::db::use_db()?;
    let request = crate::request::RequestContext::current();
    let hold_minutes = use_context::<crate::seo::SiteInfo>()
        .map(|site| site.checkout_hold_minutes)
        .unwrap_or(30);
    // A signed-in customer's book, and the address they picked from it (someone else's id
    // picks nothing).
    let saved_addresses = match &request.user {
        Some(user) => super::repo::saved_addresses(&db, user.id).await?,
        None => Vec::new(),
    };
    let picked = address
        .trim()
        .parse::<i64>()
        .ok()
        .and_then(|id| saved_addresses.iter().find(|s| s.id == id))
        .map(|s| s.address.clone());
    let country_code = match (&picked, country_code.trim().is_empty()) {
        (Some(address), true) => address.country.clone(),
        _ => country_code,
    };
    let country_code = super::model::country_or_default(&country_code)
        .code
        .to_string();
    let mut code = None;
    let mut free_shipping = false;
    let (lines, goods) = if quote.is_empty() {
        let Some(owner) = request.cart_owner() else {
            return Ok(empty_view(country_code, hold_minutes));
        };
        let lines = crate::cart::repo::list_lines(&db, &owner).await?;
        let lines: Vec<CheckoutLine> = lines
            .iter()
            .map(|l| CheckoutLine {
                name: l.display_name(),
                quantity: l.quantity,
                subtotal: l.subtotal(),
            })
            .collect();
        let mut goods = super::repo::cart_goods(&db, &owner).await?;
        let currency = lines
            .first()
            .map_or(crate::money::Currency::Usd, |l| l.subtotal.currency);
        if let Some((held, outcome)) = crate::discounts::code_for_cart(
            &db,
            &owner,
            &super::model::discount_lines(&goods),
            currency,
        )
        .await?
        {
            if let Ok(applied) = &outcome {
                super::model::apply_discount(&mut goods, applied);
                free_shipping = applied.free_shipping;
            }
            code = Some(crate::discounts::cart_code(&held, &outcome, currency));
        }
        (lines, goods)
    } else {
        let terms = crate::quotes::quote_access(&db, &request, &quote, &t).await?;
        let found = crate::quotes::load_quote(&db, &quote)
            .await?
            .ok_or(AppError::NotFound)?;
        let lines = found
            .lines
            .iter()
            .map(|l| CheckoutLine {
                name: l.name.clone(),
                quantity: l.quantity,
                subtotal: Money::new(l.quoted_price.minor * l.quantity, l.quoted_price.currency),
            })
            .collect();
        let goods = super::repo::quote_goods(&db, terms.quote_id, terms.discount_percent).await?;
        (lines, goods)
    };
    if lines.is_empty() {
        return Ok(empty_view(country_code, hold_minutes));
    }
    let currency = lines[0].subtotal.currency;
    let parcel = super::model::parcel_of(&goods);
    let rates = super::repo::rates_for_country(db.pool(), &country_code).await?;
    let tax_settings = crate::checkout::tax::repo::settings(db.pool()).await?;
    let tax_rates = crate::checkout::tax::repo::rates_for_country(db.pool(), &country_code).await?;
    let region = region.trim().to_uppercase();
    let taxables = super::model::taxables(&goods);
    let taxed_with = |shipping_cents: i64| {
        let taxed = crate::checkout::tax::model::tax_order(
            tax_settings,
            &tax_rates,
            &region,
            &taxables,
            shipping_cents,
        );
        (
            taxed.rows(currency),
            Money::new(taxed.total_cents, currency),
        )
    };
    let by_region = !tax_rates.is_empty() && tax_rates.iter().all(|r| !r.region.is_empty());
    let tax_note = (by_region && region.is_empty()).then(|| {
        let label = country(&country_code).map_or("region", |c| c.region_label);
        format!(
            "Tax depends on your {}: enter it and press \"Update shipping options\".",
            label.to_lowercase()
        )
    });
    let options = super::model::options_for(&rates, parcel).map(|mut options| {
        if free_shipping {
            super::model::free_cheapest(&mut options);
        }
        options
    });
    let (options, no_option) = match options {
        Ok(options) => (
            options
                .into_iter()
                .map(|o| {
                    let (taxes, total) = taxed_with(o.price_cents);
                    CheckoutOption {
                        rate_id: o.rate_id,
                        name: o.name,
                        price: Money::new(o.price_cents, currency),
                        estimate: o.estimate,
                        taxes,
                        total,
                    }
                })
                .collect(),
            None,
        ),
        Err(why) => {
            if why == super::model::NoOption::WeightMissing {
                tracing::warn!(
                    country = country_code,
                    "a cart could not be priced for shipping: a product has no weight"
                );
            }
            let name = country(&country_code).map_or("this country", |c| c.name);
            (Vec::new(), Some(why.message(name)))
        }
    };
    let listed: i64 = goods.iter().map(|g| g.unit_cents * g.quantity).sum();
    Ok(CheckoutView {
        code,
        subtotal: Some(Money::new(listed, currency)),
        lines,
        country: country_code,
        options,
        no_option,
        checkout_key: crate::token::new_id(),
        quote,
        token: t,
        last_address: match picked {
            Some(address) => Some(address),
            None => super::repo::last_address(&db, &request.owners()).await?,
        },
        saved_addresses,
        signed_in: request.user.is_some(),
        contact_email: request
            .user
            .as_ref()
            .map(|u| u.email.clone())
            .unwrap_or_default(),
        reminders_allowed: request.visitor.as_ref().is_some_and(|v| v.tracking_allowed),
        hold_minutes,
        prices_include_tax: tax_settings.prices_include_tax,
        tax_note,
    })
}

#[cfg(feature = "ssr")]
fn empty_view(country: String, hold_minutes: i64) -> CheckoutView {
    CheckoutView {
        lines: Vec::new(),
        subtotal: None,
        country,
        options: Vec::new(),
        no_option: None,
        checkout_key: String::new(),
        quote: String::new(),
        token: String::new(),
        last_address: None,
        saved_addresses: Vec::new(),
        signed_in: false,
        hold_minutes,
        prices_include_tax: false,
        tax_note: None,
        code: None,
        contact_email: String::new(),
        reminders_allowed: false,
    }
}

#[component]
pub fn CheckoutPage() -> impl IntoView {
    let feedback = feedback_for("checkout");
    let quote = typed_or(&feedback, "quote", query_param("quote"));
    let token = typed_or(&feedback, "t", query_param("t"));
    let country = typed_or(&feedback, "ship_country", query_param("country"));
    let region = typed_or(&feedback, "ship_region", String::new());
    let address = query_param("address");

    view! {
        <Layout>
            <Title text="Checkout · Storefront"/>
            <Meta name="robots" content="noindex"/>
            <Suspense fallback=|| view! { <p class="loading container">"Loading checkout…"</p> }>
                {move || {
                    let (quote, token, country, region, address) =
                        (quote.clone(), token.clone(), country.clone(), region.clone(), address.clone());
                    Suspend::new(async move {
                        match load_checkout(quote, token, country, region, address).await {
                            Ok(step) => view! { <CheckoutStep step/> }.into_any(),
                            Err(error) => view! { <ErrorPage error/> }.into_any(),
                        }
                    })
                }}
            </Suspense>
        </Layout>
    }
}

/// A signed-in customer's saved addresses as links that fill the form (no JavaScript
/// needed); nothing for guests or an empty book.
#[component]
fn AddressBook(
    saved: Vec<super::model::SavedAddress>,
    quote: String,
    token: String,
) -> impl IntoView {
    (!saved.is_empty()).then(|| {
        let chosen = query_param("address");
        let extra = if quote.is_empty() {
            String::new()
        } else {
            format!(
                "&quote={}&t={}",
                crate::forms::url_encode(&quote),
                crate::forms::url_encode(&token)
            )
        };
        view! {
            <nav class="checkout__book panel" aria-labelledby="address-book-title">
                <h2 id="address-book-title">"Your addresses"</h2>
                <ul>
                    {saved.into_iter().map(|s| {
                        let href = format!("/checkout?address={}&country={}{extra}", s.id, s.address.country);
                        let current = chosen == s.id.to_string();
                        view! {
                            <li>
                                <a href=href aria-current=current.then_some("true")>
                                    {s.address.label_lines().join(", ")}
                                </a>
                            </li>
                        }
                    }).collect_view()}
                </ul>
                <p class="checkout__book-manage"><a href="/account/addresses">"Manage addresses"</a></p>
            </nav>
        }
    })
}

const FIELDS: &[&str] = &[
    "ship_name",
    "ship_company",
    "ship_line1",
    "ship_line2",
    "ship_city",
    "ship_region",
    "ship_postal_code",
    "ship_country",
    "ship_phone",
    "vat_id",
    "contact_email",
    "shipping_rate",
];

#[component]
fn CheckoutStep(step: CheckoutView) -> impl IntoView {
    if step.lines.is_empty() {
        return view! {
            <section class="container checkout">
                <h1>"Checkout"</h1>
                <FormAlert feedback=feedback_for("checkout") fields=FIELDS/>
                <div class="empty-state">
                    <h2>"Your cart is empty"</h2>
                    <p>"Add something to your cart first; checkout starts from there."</p>
                    <p><a class="btn btn--primary" href="/products">"Browse products"</a></p>
                </div>
            </section>
        }
        .into_any();
    }
    let feedback = feedback_for("checkout");
    let last = step.last_address.clone().unwrap_or_default();
    let chosen_country = step.country.clone();
    let info = country(&chosen_country).copied();
    let region_label = info.map_or("Region", |c| c.region_label);
    let region_hint = info
        .filter(|c| !c.regions.is_empty())
        .map(|c| format!("Its code, e.g. {}", c.regions[0]))
        .unwrap_or_default();
    let postal_label = info.map_or("Postal code", |c| c.postal_label);
    let postal_hint = info
        .map(|c| format!("e.g. {}", c.postal_example))
        .unwrap_or_default();
    let rate_error = feedback.as_ref().and_then(|f| f.error("shipping_rate"));
    let rate_described = rate_error.is_some().then_some("shipping_rate-error");
    let chosen_rate = typed_or(
        &feedback,
        "shipping_rate",
        step.options
            .first()
            .map(|o| o.rate_id.to_string())
            .unwrap_or_default(),
    );
    let can_pay = !step.options.is_empty();
    let chosen = step
        .options
        .iter()
        .find(|o| o.rate_id.to_string() == chosen_rate)
        .or(step.options.first());
    let shipping_price = chosen.map(|o| o.price);
    let total = chosen.map(|o| o.total).or(step.subtotal);
    let taxes = chosen.map(|o| o.taxes.clone()).unwrap_or_default();
    let no_tax_row = (!step.prices_include_tax && taxes.is_empty() && chosen.is_some())
        .then(|| step.subtotal.map(|s| Money::new(0, s.currency)))
        .flatten();
    let back = if step.quote.is_empty() {
        "/cart".to_string()
    } else {
        format!(
            "/quotes/{}?t={}",
            step.quote,
            crate::forms::url_encode(&step.token)
        )
    };
    let hold_note = format!(
        "We hold your items for {} while you pay.",
        crate::time::duration_words(step.hold_minutes)
    );
    view! {
        <section class="container checkout">
            <p class="checkout__back"><a href=back>"← Back"</a></p>
            <h1>"Where should we send it?"</h1>
            <FormAlert feedback=feedback.clone() fields=FIELDS/>
            <AddressBook saved=step.saved_addresses.clone() quote=step.quote.clone() token=step.token.clone()/>
            <form class="checkout__layout" method="post" action="/checkout">
                <input type="hidden" name="checkout_key" value=step.checkout_key.clone()/>
                <input type="hidden" name="quote" value=step.quote.clone()/>
                <input type="hidden" name="t" value=step.token.clone()/>
                <div class="checkout__address panel">
                    <fieldset>
                        <legend>"Shipping address"</legend>
                        <TextField feedback=feedback.clone() name="ship_name" label="Full name" value=last.name.clone() autocomplete="shipping name" required=true maxlength=100/>
                        <TextField feedback=feedback.clone() name="ship_company" label="Company (optional)" value=last.company.clone() autocomplete="shipping organization" maxlength=100/>
                        <TextField feedback=feedback.clone() name="ship_line1" label="Street and number" value=last.line1.clone() autocomplete="shipping address-line1" required=true maxlength=120/>
                        <TextField feedback=feedback.clone() name="ship_line2" label="Apartment, suite, floor (optional)" value=last.line2.clone() autocomplete="shipping address-line2" maxlength=120/>
                        <TextField feedback=feedback.clone() name="ship_city" label="Town or city" value=last.city.clone() autocomplete="shipping address-level2" required=true maxlength=80/>
                        <div class="checkout__pair">
                            <TextField feedback=feedback.clone() name="ship_region" label=region_label value=last.region.clone() autocomplete="shipping address-level1" hint=region_hint maxlength=60/>
                            <TextField feedback=feedback.clone() name="ship_postal_code" label=postal_label value=last.postal_code.clone() autocomplete="shipping postal-code" hint=postal_hint maxlength=12/>
                        </div>
                        <CountrySelect feedback=feedback.clone() chosen=chosen_country/>
                        <TextField feedback=feedback.clone() name="ship_phone" label="Phone (optional, for the courier)" value=last.phone.clone() kind="tel" autocomplete="shipping tel" maxlength=30/>
                        {step.signed_in.then(|| {
                            let save = feedback.as_ref().is_none_or(|f| f.value("save_address") == "on");
                            view! {
                                <label class="choice"><input type="checkbox" name="save_address" checked=save/>
                                    " Save this address in my account"</label>
                            }
                        })}
                        <TextField feedback=feedback.clone() name="vat_id" label="VAT / tax ID (optional, for a business invoice)" maxlength=30
                            hint="Shown on your order and invoice, e.g. DE123456789. Add your company name above."/>
                        <button class="btn btn--small" type="submit" name="step" value="update" formnovalidate=true>
                            "Update shipping options"
                        </button>
                    </fieldset>
                    {step.quote.is_empty().then(|| {
                        let remind = feedback.as_ref().is_some_and(|f| f.value("remind") == "on");
                        view! {
                            <fieldset class="checkout__remind">
                                <legend>"Order updates (optional)"</legend>
                                <TextField feedback=feedback.clone() name="contact_email" label="Email" kind="email" autocomplete="email"
                                    value=step.contact_email.clone() maxlength=254 hint="Your receipt goes to the address you give when you pay."/>
                                {if step.reminders_allowed {
                                    view! {
                                        <label class="choice"><input type="checkbox" name="remind" checked=remind/>
                                            " Email me about this order: one reminder if I don't finish paying, never more"</label>
                                    }.into_any()
                                } else {
                                    view! { <p class="cart__note">"Your browser asks sites not to track you, so we won't send reminders."</p> }.into_any()
                                }}
                            </fieldset>
                        }
                    })}
                </div>
                <aside class="checkout__summary panel" aria-labelledby="checkout-summary">
                    <h2 id="checkout-summary">"Your order"</h2>
                    <ul class="checkout__lines">
                        {step.lines.iter().map(|l| view! {
                            <li><span>{format!("{} × {}", l.quantity, l.name)}</span><span class="num">{l.subtotal.format()}</span></li>
                        }).collect_view()}
                    </ul>
                    <fieldset class="checkout__methods" aria-describedby=rate_described>
                        <legend>{format!("Shipping to {}", info.map_or("", |c| c.name))}</legend>
                        {step.no_option.clone().map(|m| view! { <p class="alert alert--error" role="alert">{m}</p> })}
                        {step.options.iter().map(|o| {
                            let id = format!("rate-{}", o.rate_id);
                            let value = o.rate_id.to_string();
                            let checked = value == chosen_rate;
                            let price = if o.price.minor == 0 { "Free".to_string() } else { o.price.format() };
                            view! {
                                <div class="checkout__method">
                                    <input type="radio" id=id.clone() name="shipping_rate" value=value checked=checked/>
                                    <label for=id>
                                        <span class="checkout__method-name">{o.name.clone()}</span>
                                        <span class="checkout__method-estimate">{o.estimate.clone()}</span>
                                        <span class="checkout__method-price">{price}</span>
                                    </label>
                                </div>
                            }
                        }).collect_view()}
                        {rate_error.map(|m| view! { <p class="field__error" id="shipping_rate-error" role="alert">{m}</p> })}
                    </fieldset>
                    {step.code.clone().and_then(|c| c.problem.map(|problem| view! {
                        <p class="alert alert--error" role="alert">{format!("Your code {} doesn't apply now: {problem} ", c.code)}<a href="/cart">"Change it in your cart"</a></p>
                    }))}
                    <dl class="cart__totals">
                        <dt>"Items"</dt>
                        <dd>{step.subtotal.map(|s| s.format()).unwrap_or_default()}</dd>
                        {step.code.clone().filter(|c| c.problem.is_none() && c.saving.minor > 0).map(|c| view! {
                            <dt>{format!("Code {} ({})", c.code, c.description)}</dt>
                            <dd class="cart__saving">{format!("−{}", c.saving.format())}</dd>
                        })}
                        <dt>"Shipping"</dt>
                        <dd>{shipping_price.map(|p| match (p.minor, step.code.as_ref().filter(|c| c.free_shipping)) {
                            (0, Some(c)) => format!("Free with {}", c.code),
                            (0, None) => "Free".to_string(),
                            _ => p.format(),
                        }).unwrap_or_else(|| "—".into())}</dd>
                        {taxes.into_iter().map(|(label, amount)| view! {
                            <dt>{label}</dt>
                            <dd>{amount.format()}</dd>
                        }).collect_view()}
                        {no_tax_row.map(|zero| view! { <dt>"Tax"</dt><dd>{zero.format()}</dd> })}
                        <dt class="cart__grand">"Total"</dt>
                        <dd class="cart__grand">{total.map(|t| t.format()).unwrap_or_default()}</dd>
                    </dl>
                    {step.tax_note.clone().map(|note| view! { <p class="cart__note" role="status">{note}</p> })}
                    <button class="btn btn--primary btn--block" type="submit" name="step" value="pay" disabled=!can_pay>
                        "Continue to payment"
                    </button>
                    <p class="cart__note">{hold_note}</p>
                    <p class="cart__help">"Questions about delivery? "<a href="/help/ask?from=/checkout">"Talk to a human"</a></p>
                </aside>
            </form>
        </section>
    }
    .into_any()
}

#[component]
fn CountrySelect(feedback: Option<FormFeedback>, chosen: String) -> impl IntoView {
    let error = feedback.as_ref().and_then(|f| f.error("ship_country"));
    let invalid = error.is_some();
    view! {
        <div class="field">
            <label for="ship_country">"Country"</label>
            <select id="ship_country" name="ship_country" autocomplete="shipping country"
                aria-invalid=invalid.then_some("true")
                aria-describedby=invalid.then_some("ship_country-error")>
                {COUNTRIES.iter().map(|c| view! {
                    <option value=c.code selected=c.code == chosen>{c.name}</option>
                }).collect_view()}
            </select>
            {error.map(|m| view! { <p class="field__error" id="ship_country-error" role="alert">{m}</p> })}
        </div>
    }
}
