//! The cart page and the "Add to cart" form of product pages and cards.

use super::api::load_cart;
use super::model::{CartLine, CartView, MAX_LINE_QUANTITY};
use crate::forms::{feedback_for, typed_or};
use crate::ui::{query_param, ErrorPage, Layout};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn CartPage() -> impl IntoView {
    view! {
        <Layout>
            <Title text="Your cart · Storefront"/>
            <Suspense fallback=|| view! { <p class="loading container">"Loading your cart…"</p> }>
                {move || Suspend::new(async move {
                    let guides_from = if query_param("restored") == "1" { query_param("stage") } else { String::new() };
                    match load_cart(query_param("country"), guides_from).await {
                        Ok(cart) => view! { <CartView cart/> }.into_any(),
                        Err(error) => view! { <ErrorPage error/> }.into_any(),
                    }
                })}
            </Suspense>
        </Layout>
    }
}

fn notice() -> Option<String> {
    let added = query_param("added");
    if !added.is_empty() {
        return Some(format!("{added} is in your cart."));
    }
    if query_param("removed") == "1" {
        return Some("Removed from your cart.".into());
    }
    let code = query_param("code_applied");
    if !code.is_empty() {
        return Some(format!("Code {code} applied."));
    }
    if query_param("code_removed") == "1" {
        return Some("Code removed.".into());
    }
    if query_param("restored") == "1" {
        return Some("Welcome back: your cart is as you left it, at today's prices.".into());
    }
    (query_param("updated") == "1").then(|| "Quantity updated.".to_string())
}

#[component]
fn CartView(cart: CartView) -> impl IntoView {
    let hold_note = format!(
        "Prices are checked again when you pay. We hold your items for {} while you pay.",
        crate::time::duration_words(cart.hold_minutes)
    );
    let checkout_feedback = feedback_for("checkout");
    let checkout_error = checkout_feedback.and_then(|f| f.errors.first().map(|(_, m)| m.clone()));
    if cart.lines.is_empty() {
        return view! {
            <section class="container cart">
                <h1>"Your cart"</h1>
                {notice().map(|m| view! { <div class="alert alert--ok" role="status">{m}</div> })}
                {feedback_for("cart-code").and_then(|f| f.error("code")).map(|m| view! { <div class="alert alert--error" role="alert">{m}</div> })}
                <RestoreProblem/>
                <div class="empty-state">
                    <h2>"Your cart is empty"</h2>
                    <p>"Find what fits you in the catalogue, or start with a guide if you're still deciding."</p>
                    <p><a class="btn btn--primary" href="/products">"Browse products"</a>" "<a class="btn" href="/learn">"Read the guides"</a></p>
                </div>
            </section>
        }
        .into_any();
    }
    let can_check_out = cart.can_check_out();
    let count = cart.item_count();
    let total = cart.total.map(|t| t.format()).unwrap_or_default();
    let after_discount = cart
        .total_after_discount()
        .map(|t| t.format())
        .unwrap_or_default();
    let code = cart.code.clone();
    let guides = cart.guides.clone();
    let free_shipping = code
        .as_ref()
        .filter(|c| c.free_shipping)
        .map(|c| c.code.clone());
    view! {
        <section class="container cart">
            <h1>"Your cart"</h1>
            {notice().map(|m| view! { <div class="alert alert--ok" role="status">{m}</div> })}
            {cart.payment_problem.clone().map(|m| view! {
                <div class="alert alert--error" role="alert">
                    <strong>"Your last payment didn't go through. "</strong>{m}" Your cart is as you left it. "
                    <a href="/help/ask?from=/cart">"Talk to a human about it"</a>
                </div>
            })}
            {checkout_error.map(|m| view! { <div class="alert alert--error" role="alert">{m}</div> })}
            <RestoreProblem/>
            <div class="cart__layout">
                <ul class="cart__lines">
                    {cart.lines.into_iter().map(|line| view! { <CartLineRow line/> }).collect_view()}
                </ul>
                <aside class="cart__summary panel" aria-labelledby="summary-heading">
                    <h2 id="summary-heading">"Summary"</h2>
                    <dl class="cart__totals">
                        <dt>{format!("{count} {}", if count == 1 { "item" } else { "items" })}</dt>
                        <dd>{total.clone()}</dd>
                        {code.clone().filter(|c| c.problem.is_none() && c.saving.minor > 0).map(|c| view! {
                            <dt>{format!("Code {} ({})", c.code, c.description)}</dt>
                            <dd class="cart__saving">{format!("−{}", c.saving.format())}</dd>
                        })}
                        <dt>"Shipping"</dt>
                        <dd>{match (&cart.shipping, &free_shipping) {
                            (_, Some(code)) => format!("Free with {code}"),
                            (Some(estimate), None) => match (&estimate.from, &estimate.problem) {
                                (Some(from), _) if from.minor == 0 => "Free".to_string(),
                                (Some(from), _) => format!("from {}", from.format()),
                                (None, _) => "—".to_string(),
                            },
                            (None, None) => "At the next step, for your address".to_string(),
                        }}</dd>
                        {cart.shipping.iter().flat_map(|e| e.taxes.clone()).map(|(label, amount)| view! {
                            <dt>{format!("{label} (estimate)")}</dt>
                            <dd>{amount.format()}</dd>
                        }).collect_view()}
                        <dt class="cart__grand">"Items total"</dt>
                        <dd class="cart__grand">{after_discount}</dd>
                    </dl>
                    <CodeForm code/>
                    {cart.shipping.clone().map(|estimate| view! { <ShippingEstimateNote estimate/> })}
                    <form method="get" action="/checkout">
                        <button class="btn btn--primary btn--block" type="submit" disabled=!can_check_out>
                            "Check out securely"
                        </button>
                    </form>
                    {(!can_check_out).then(|| view! { <p class="cart__blocked">"Fix the items marked above to check out."</p> })}
                    <p class="cart__note">{hold_note}</p>
                    <p class="cart__help">"Questions before you buy? "<a href="/help/ask?from=/cart">"Talk to a human"</a></p>
                </aside>
            </div>
            {(!guides.is_empty()).then(|| view! {
                <section class="cart__guides" aria-labelledby="cart-guides">
                    <h2 id="cart-guides">"Still comparing? These may help"</h2>
                    <crate::cards::view::ContentGrid items=guides/>
                </section>
            })}
        </section>
    }
    .into_any()
}

/// Why a reminder's restore link did nothing (used already, or not ours).
#[component]
fn RestoreProblem() -> impl IntoView {
    feedback_for("restore")
        .and_then(|f| f.errors.first().map(|(_, m)| m.clone()))
        .map(|m| view! { <div class="alert alert--error" role="alert">{m}</div> })
}

/// The discount code box: enter one (works without JavaScript), or the one held with
/// what it does — or why it does not apply to the cart as it is now — and "Remove".
#[component]
fn CodeForm(code: Option<crate::discounts::model::CartCode>) -> impl IntoView {
    let feedback = feedback_for("cart-code");
    let error = feedback.as_ref().and_then(|f| f.error("code"));
    let typed = typed_or(&feedback, "code", String::new());
    let invalid = error.is_some();
    let held_error = error.clone();
    let held = code.map(|c| {
        let status = match &c.problem {
            Some(problem) => view! {
                <p class="cart__code-problem" role="status"><strong>{c.code.clone()}</strong>" doesn't apply now: "{problem.clone()}</p>
            }.into_any(),
            None => view! {
                <p class="cart__code-held" role="status"><strong>{c.code.clone()}</strong>{format!(" applied: {}.", c.description)}</p>
            }.into_any(),
        };
        view! {
            <form method="post" action="/cart/code" class="cart__code">
                {status}
                {held_error.map(|m| view! { <p class="field__error" role="alert">{m}</p> })}
                <input type="hidden" name="action" value="remove"/>
                <button class="btn btn--small btn--quiet" type="submit">{format!("Remove code {}", c.code)}</button>
            </form>
        }
    });
    view! {
        {match held {
            Some(held) => held.into_any(),
            None => view! {
                <form method="post" action="/cart/code" class="cart__code">
                    <label for="cart-code">"Discount code"</label>
                    <div class="cart__code-row">
                        <input id="cart-code" name="code" type="text" value=typed maxlength="64" autocomplete="off"
                            autocapitalize="characters" spellcheck="false"
                            aria-invalid=invalid.then_some("true") aria-describedby=invalid.then_some("cart-code-error")/>
                        <button class="btn btn--small" type="submit" name="action" value="apply">"Apply"</button>
                    </div>
                    {error.map(|m| view! { <p class="field__error" id="cart-code-error" role="alert">{m}</p> })}
                </form>
            }.into_any(),
        }}
    }
}

#[component]
fn CartLineRow(line: CartLine) -> impl IntoView {
    let form = super::model::line_form(&line.slug, &line.variant_id.to_string());
    // A form that named no variant (a simple product's, from an older page) reports there.
    let feedback = feedback_for(&form).or_else(|| {
        line.variant_title
            .is_empty()
            .then(|| feedback_for(&super::model::line_form(&line.slug, "")))
            .flatten()
    });
    let error = feedback
        .as_ref()
        .and_then(|f| f.error("quantity"))
        .or_else(|| line.problem());
    let invalid = error.is_some();
    let quantity = typed_or(&feedback, "quantity", line.quantity.to_string());
    let field_id = format!("line-qty-{}-{}", line.slug, line.variant_id);
    let href = match line.variant_title.is_empty() {
        true => format!("/products/{}", line.slug),
        false => format!("/products/{}?variant={}", line.slug, line.variant_id),
    };
    view! {
        <li class="cart-line" class=("cart-line--problem", invalid)>
            {line.image_url.clone().map(|src| view! {
                <img class="cart-line__image" src=src alt=line.image_alt.clone() width="96" height="72"/>
            })}
            <div class="cart-line__body">
                <h2 class="cart-line__name"><a href=href>{line.name.clone()}</a></h2>
                {(!line.variant_title.is_empty()).then(|| view! {
                    <p class="cart-line__variant">{line.variant_title.clone()}<span class="cart-line__sku">{format!(" · SKU {}", line.sku)}</span></p>
                })}
                <p class="cart-line__unit">{format!("{} each", line.unit.format())}</p>
                <form class="cart-line__form" method="post" action="/cart/update">
                    <input type="hidden" name="slug" value=line.slug.clone()/>
                    <input type="hidden" name="variant" value=line.variant_id.to_string()/>
                    <label for=field_id.clone()>"Quantity"</label>
                    <input id=field_id name="quantity" type="number" inputmode="numeric" min="0" max=MAX_LINE_QUANTITY.to_string()
                        value=quantity aria-invalid=invalid.then_some("true")/>
                    <button class="btn btn--small" type="submit" name="action" value="update">"Update"</button>
                    <button class="btn btn--small btn--quiet" type="submit" name="action" value="remove">"Remove"</button>
                </form>
                {error.map(|m| view! { <p class="field__error" role="alert">{m}</p> })}
            </div>
            <p class="cart-line__subtotal">{line.subtotal().format()}</p>
        </li>
    }
}

/// Where the estimate is for, how long it takes, and a no-JS form to pick another country.
#[component]
fn ShippingEstimateNote(estimate: super::model::ShippingEstimate) -> impl IntoView {
    let name = estimate
        .countries
        .iter()
        .find(|(code, _)| *code == estimate.country)
        .map(|(_, name)| name.clone())
        .unwrap_or_default();
    view! {
        <div class="cart__estimate">
            {match estimate.problem.clone() {
                Some(problem) => view! { <p class="cart__blocked" role="status">{problem}</p> }.into_any(),
                None => view! { <p class="cart__note">{format!("To {name}, {}. The exact price comes with your address.", estimate.estimate)}</p> }.into_any(),
            }}
            {estimate.tax_note.clone().map(|note| view! { <p class="cart__note">{note}</p> })}
            <form method="get" action="/cart" class="cart__country">
                <label for="cart-country">"Ship to"</label>
                <select id="cart-country" name="country">
                    {estimate.countries.iter().map(|(code, country)| view! {
                        <option value=code.clone() selected=*code == estimate.country>{country.clone()}</option>
                    }).collect_view()}
                </select>
                <button class="btn btn--small" type="submit">"Update"</button>
            </form>
        </div>
    }
}
