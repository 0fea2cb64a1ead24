//! The product page's buy box for a product with options. Without JavaScript it is a GET
//! form (one select per option and "Show this choice") above a plain add-to-cart form for
//! the variant the server picked; hydrated, choosing a value updates the price, stock, SKU,
//! picture and the URL (`?variant=…`) in place, and marks the sold-out and never-made
//! combinations in each list.

use super::variants::{choice_state, find_by_values, ChoiceState, ProductOption, Variant};
use crate::cards::{StockBadge, MAX_LINE_QUANTITY};
use crate::ui::Price;
use leptos::prelude::*;

#[island]
pub fn VariantPicker(
    slug: String,
    options: Vec<ProductOption>,
    variants: Vec<Variant>,
    /// The values shown as chosen (the selected variant's, or what the visitor picked).
    chosen: Vec<String>,
    /// Where a mistake is shown again, and the mistake and typed quantity if there was one.
    back: String,
    error: Option<String>,
    quantity: String,
) -> impl IntoView {
    let variants = StoredValue::new(variants);
    let chosen = RwSignal::new(chosen);
    let current = Memo::new(move |_| {
        chosen.with(|c| variants.with_value(|all| find_by_values(all, c).cloned()))
    });
    // The "Show this choice" button is for browsers without JavaScript only.
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    let page = format!("/products/{slug}");
    #[cfg(feature = "hydrate")]
    {
        let page = page.clone();
        Effect::new(move |first: Option<()>| {
            let variant = current.get();
            if first.is_some() {
                browser::show_variant(&page, variant.as_ref());
            }
        });
    }
    let selects = options
        .into_iter()
        .enumerate()
        .map(|(index, option)| {
            let id = format!("option-{}", index + 1);
            let values = option
                .values
                .into_iter()
                .map(|value| {
                    let label = {
                        let value = value.clone();
                        move || {
                            let state = chosen.with(|c| {
                                variants.with_value(|all| choice_state(all, c, index, &value))
                            });
                            match state {
                                ChoiceState::Available => value.clone(),
                                ChoiceState::SoldOut => format!("{value} — sold out"),
                                ChoiceState::NotMade => format!("{value} — not available"),
                            }
                        }
                    };
                    let is_chosen = {
                        let value = value.clone();
                        move || chosen.with(|c| c.get(index) == Some(&value))
                    };
                    view! { <option value=value selected=is_chosen>{label}</option> }
                })
                .collect_view();
            let on_change = move |ev: leptos::ev::Event| {
                let value = event_target_value(&ev);
                chosen.update(|c| {
                    if let Some(slot) = c.get_mut(index) {
                        *slot = value;
                    }
                });
            };
            view! {
                <div class="field variant-picker__option">
                    <label for=id.clone()>{option.name}</label>
                    <select id=id name=format!("option{}", index + 1) on:change=on_change>{values}</select>
                </div>
            }
        })
        .collect_view();
    let invalid = error.is_some();
    view! {
        <div class="variant-picker">
            <form method="get" action=page.clone() class="variant-picker__options">
                {selects}
                <button class="btn btn--small variant-picker__apply" type="submit" hidden=move || hydrated.get()>
                    "Show this choice"
                </button>
            </form>
            <div class="product__price" aria-live="polite">
                {move || match current.get() {
                    Some(v) => view! {
                        <Price price=v.price compare_at=v.compare_at/>
                        <StockBadge stock=v.stock/>
                    }.into_any(),
                    None => view! {
                        <p class="variant-picker__none">"This combination isn't made. Choose another."</p>
                    }.into_any(),
                }}
            </div>
            <p class="product__sku">{move || current.get().map(|v| format!("SKU {}", v.sku))}</p>
            {move || {
                let variant = current.get();
                match variant {
                    Some(v) if v.stock > 0 => {
                        let max = v.stock.min(MAX_LINE_QUANTITY).to_string();
                        view! {
                            <form class="add-to-cart" method="post" action="/cart/add">
                                <input type="hidden" name="slug" value=slug.clone()/>
                                <input type="hidden" name="variant" value=v.id.to_string()/>
                                <input type="hidden" name="back" value=format!("{back}?variant={}", v.id)/>
                                <div class="field add-to-cart__qty" class=("field--invalid", invalid)>
                                    <label for="qty-variant">"Quantity"</label>
                                    <input id="qty-variant" name="quantity" type="number" inputmode="numeric" min="1" max=max
                                        value=quantity.clone() aria-invalid=invalid.then_some("true")/>
                                </div>
                                <button class="btn btn--primary add-to-cart__button" type="submit">"Add to cart"</button>
                                {error.clone().map(|m| view! { <p class="field__error add-to-cart__error" role="alert">{m}</p> })}
                            </form>
                        }.into_any()
                    }
                    Some(_) => view! {
                        <p class="add-to-cart add-to-cart--out">"This choice is sold out for now. Pick another, or save the product for later."</p>
                    }.into_any(),
                    None => ().into_any(),
                }
            }}
        </div>
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use super::Variant;
    use leptos::prelude::{document, window};
    use leptos::wasm_bindgen::JsValue;

    /// The address names the variant (so it can be shared and reloaded), and the gallery
    /// shows its own picture, or the product's again.
    pub fn show_variant(page: &str, variant: Option<&Variant>) {
        if let Some(v) = variant {
            if let Ok(history) = window().history() {
                let url = format!("{page}?variant={}", v.id);
                let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&url));
            }
        }
        let Ok(Some(img)) = document().query_selector(".gallery__main img") else {
            return;
        };
        let own = variant.map(|v| v.image_url.clone()).unwrap_or_default();
        let src = if own.is_empty() {
            img.get_attribute("data-product-src").unwrap_or_default()
        } else {
            own
        };
        if !src.is_empty() {
            let _ = img.set_attribute("src", &src);
        }
    }
}
