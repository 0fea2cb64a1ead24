//! The product editor's "Options and variants" section: the options form (up to three, with
//! their values) that generates the variant grid, and the one table where staff edit every
//! variant's SKU, price, was price, weight and picture. Plain forms; no JavaScript needed.

use crate::catalog::variants::{ProductOption, Variant, MAX_OPTIONS};
use crate::forms::{feedback_for, typed_or};
use crate::money::minor_to_plain;
use crate::ui::form::{FormAlert, TextField};
use crate::ui::query_param as query;
use leptos::prelude::*;

fn saved_message() -> Option<String> {
    match query("saved").as_str() {
        "options" => {
            let added = query("added").parse::<i64>().unwrap_or(0);
            let retired = query("retired").parse::<i64>().unwrap_or(0);
            let retired_stock = query("retired_stock").parse::<i64>().unwrap_or(0);
            let mut message = "Options saved.".to_string();
            if added > 0 {
                message.push_str(&format!(
                    " {added} new variant{} at the product's price with no stock yet: set them below.",
                    if added == 1 { "" } else { "s" }
                ));
            }
            if retired > 0 {
                message.push_str(&format!(
                    " {retired} combination{} retired (orders keep {}; no longer sold{}).",
                    if retired == 1 { "" } else { "s" },
                    if retired == 1 { "it" } else { "them" },
                    if retired_stock > 0 {
                        format!(", {retired_stock} units no longer counted")
                    } else {
                        String::new()
                    }
                ));
            }
            Some(message)
        }
        "variants" => Some("Variants saved. They are live in the store now.".into()),
        _ => None,
    }
}

#[component]
pub fn VariantsSection(
    id: i64,
    options: Vec<ProductOption>,
    variants: Vec<Variant>,
    images: Vec<(String, String)>,
) -> impl IntoView {
    let options_feedback = feedback_for("options");
    let table_feedback = feedback_for("variants");
    let saved = saved_message();
    let option_rows = (0..MAX_OPTIONS)
        .map(|i| {
            let n = i + 1;
            let option = options.get(i);
            let name = option.map(|o| o.name.clone()).unwrap_or_default();
            let values = option.map(|o| o.values.join(", ")).unwrap_or_default();
            view! {
                <div class="variant-options__row">
                    <TextField feedback=options_feedback.clone() name=format!("option_name_{n}") label=format!("Option {n}") value=name maxlength=40
                        hint=if n == 1 { "Like Grind, Size or Voltage." } else { "" }/>
                    <TextField feedback=options_feedback.clone() name=format!("option_values_{n}") label=format!("Values of option {n}") value=values maxlength=900
                        hint=if n == 1 { "Separated by commas: Whole bean, Espresso, Filter" } else { "" }/>
                </div>
            }
        })
        .collect_view();
    let has_options = !options.is_empty();
    let option_names: Vec<String> = options.iter().map(|o| o.name.clone()).collect();
    let rows = variants.len();
    let table = has_options.then(|| {
        let body = variants
            .iter()
            .enumerate()
            .map(|(i, v)| {
                let n = i + 1;
                let f = |name: &str| format!("variant_{n}_{name}");
                let error = table_feedback.as_ref().and_then(|fb| {
                    ["sku", "price", "compare_at", "weight", "image"]
                        .iter()
                        .find_map(|name| fb.error(&f(name)))
                });
                let typed = |name: &str, value: String| typed_or(&table_feedback, &f(name), value);
                let chosen_image = typed("image", v.image_url.clone());
                let title = v.title();
                let invalid = error.is_some();
                view! {
                    <tr class=("variant-table__row--invalid", invalid)>
                        <th scope="row">
                            <input type="hidden" name=f("id") value=v.id.to_string()/>
                            {title.clone()}
                            {error.map(|m| view! { <p class="field__error">{m}</p> })}
                        </th>
                        <td>
                            <label class="visually-hidden" for=f("sku")>{format!("SKU of {title}")}</label>
                            <input id=f("sku") name=f("sku") value=typed("sku", v.sku.clone()) maxlength="64" size="14"/>
                        </td>
                        <td>
                            <label class="visually-hidden" for=f("price")>{format!("Price of {title}")}</label>
                            <input id=f("price") name=f("price") value=typed("price", minor_to_plain(v.price.minor)) maxlength="14" size="7" inputmode="decimal"/>
                        </td>
                        <td>
                            <label class="visually-hidden" for=f("compare_at")>{format!("Was price of {title}")}</label>
                            <input id=f("compare_at") name=f("compare_at") value=typed("compare_at", v.compare_at.map(|m| minor_to_plain(m.minor)).unwrap_or_default()) maxlength="14" size="7" inputmode="decimal"/>
                        </td>
                        <td>
                            <label class="visually-hidden" for=f("weight")>{format!("Weight in grams of {title}")}</label>
                            <input id=f("weight") name=f("weight") value=typed("weight", v.weight_grams.map(|g| g.to_string()).unwrap_or_default()) maxlength="8" size="6" inputmode="numeric"/>
                        </td>
                        <td>
                            <label class="visually-hidden" for=f("image")>{format!("Picture of {title}")}</label>
                            <select id=f("image") name=f("image")>
                                <option value="" selected=chosen_image.is_empty()>"Product's"</option>
                                {images.iter().map(|(url, alt)| view! {
                                    <option value=url.clone() selected=*url == chosen_image>{if alt.is_empty() { url.clone() } else { alt.clone() }}</option>
                                }).collect_view()}
                            </select>
                        </td>
                        <td class="num">{v.stock}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <FormAlert feedback=table_feedback.clone()/>
            <form method="post" action=format!("/admin/products/{id}/variants") class="stack">
                <input type="hidden" name="rows" value=rows.to_string()/>
                <div class="table-scroll">
                    <table class="admin-table variant-table">
                        <caption class="visually-hidden">"Variants of this product"</caption>
                        <thead><tr>
                            <th scope="col">{option_names.join(" / ")}</th>
                            <th scope="col">"SKU"</th>
                            <th scope="col">"Price (USD)"</th>
                            <th scope="col">"Was"</th>
                            <th scope="col">"Weight (g)"</th>
                            <th scope="col">"Picture"</th>
                            <th scope="col" class="num">"Stock"</th>
                        </tr></thead>
                        <tbody>{body}</tbody>
                    </table>
                </div>
                <p class="field__hint">"Stock changes go through \"Adjust stock\" below, with a reason."</p>
                <div><button class="btn btn--primary" type="submit">"Save variants"</button></div>
            </form>
        }
    });
    view! {
        <section class="admin-section panel" id="variants" aria-labelledby="variants-heading">
            <h2 id="variants-heading">"Options and variants"</h2>
            {saved.map(|m| view! { <div class="alert alert--ok" role="status">{m}</div> })}
            <p class="field__hint">
                {if has_options {
                    "Each combination of values is a variant with its own SKU, price, stock and weight. Removing a value retires its variants (orders keep them); adding it back brings them back."
                } else {
                    "A simple product is one thing. Give it options (up to three) when it comes in several kinds, like whole bean or ground, 250 g or 1 kg."
                }}
            </p>
            <FormAlert feedback=options_feedback.clone() fields=&["option_name_1", "option_values_1", "option_name_2", "option_values_2", "option_name_3", "option_values_3"]/>
            <form method="post" action=format!("/admin/products/{id}/options") class="stack variant-options">
                {option_rows}
                <div><button class="btn btn--small" type="submit">{if has_options { "Save options" } else { "Add options and make variants" }}</button></div>
            </form>
            {table}
        </section>
    }
}
