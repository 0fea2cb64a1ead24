//! The shared cards and the add-to-cart form, as every listing shows them.

use super::model::{
    stock_state, CategoryRef, ContentCard, ProductCard, StockState, MAX_LINE_QUANTITY,
};
use crate::forms::{feedback_for, typed_or};
use crate::money::Money;
use crate::ui::compare_tray::current_tray;
use crate::ui::{CompareToggle, Price};
use leptos::prelude::*;

#[component]
pub fn StockBadge(stock: i64) -> impl IntoView {
    let (class, text) = match stock_state(stock) {
        StockState::InStock => ("stock stock--in", "In stock".to_string()),
        StockState::LowStock => ("stock stock--low", format!("Only {stock} left")),
        StockState::OutOfStock => ("stock stock--out", "Out of stock".to_string()),
    };
    view! { <span class=class>{text}</span> }
}

#[component]
pub fn ProductCardView(card: ProductCard, in_tray: bool, back: String) -> impl IntoView {
    let href = format!("/products/{}", card.slug);
    view! {
        <article class="card">
            <a href=href.clone() class="card__media" tabindex="-1" aria-hidden="true">
                <img src=card.image_url.clone() alt="" width="400" height="300" loading="lazy" decoding="async"/>
            </a>
            <div class="card__body">
                <p class="card__category">{card.category_name.clone()}</p>
                <h3 class="card__title"><a href=href>{card.name.clone()}</a></h3>
                <p class="card__summary">{card.summary.clone()}</p>
                <div class="card__meta">
                    <PriceOrRange price=card.price compare_at=card.compare_at price_to=card.price_to/>
                    <StockBadge stock=card.stock/>
                </div>
                <div class="card__actions">
                    {if card.has_options {
                        let label = format!("Choose options: {}", card.name);
                        view! {
                            <a class="btn btn--small card__choose" href=format!("/products/{}", card.slug) aria-label=label>"Choose options"</a>
                        }.into_any()
                    } else {
                        view! {
                            <AddToCart slug=card.slug.clone() stock=card.stock back=back.clone() compact=true name=card.name.clone()/>
                        }.into_any()
                    }}
                    <CompareToggle slug=card.slug.clone() name=card.name.clone() selected=in_tray back=back/>
                </div>
            </div>
        </article>
    }
}

/// A product's price, or "From $18.00 to $61.00" when its variants cost different amounts.
#[component]
pub fn PriceOrRange(
    price: Money,
    compare_at: Option<Money>,
    price_to: Option<Money>,
) -> impl IntoView {
    match price_to {
        None => view! { <Price price compare_at/> }.into_any(),
        Some(to) => view! {
            <p class="price price--range">
                <span class="price__now">{format!("{} – {}", price.format(), to.format())}</span>
            </p>
        }
        .into_any(),
    }
}

#[component]
pub fn ProductGrid(
    products: Vec<ProductCard>,
    back: String,
    #[prop(optional)] three_columns: bool,
) -> impl IntoView {
    let tray = current_tray();
    view! {
        <div class="grid" class=("grid--three", three_columns)>
            {products
                .into_iter()
                .map(|card| {
                    let in_tray = tray.contains(&card.slug);
                    view! { <ProductCardView card in_tray back=back.clone()/> }
                })
                .collect_view()}
        </div>
    }
}

#[component]
pub fn Breadcrumbs(
    trail: Vec<CategoryRef>,
    #[prop(optional, into)] current: Option<String>,
) -> impl IntoView {
    view! {
        <nav class="breadcrumbs" aria-label="Breadcrumb">
            <ol>
                <li><a href="/">"Home"</a></li>
                <li><a href="/products">"Products"</a></li>
                {trail
                    .into_iter()
                    .map(|c| view! { <li><a href=format!("/categories/{}", c.slug)>{c.name}</a></li> })
                    .collect_view()}
                {current.map(|name| view! { <li aria-current="page">{name}</li> })}
            </ol>
        </nav>
    }
}

/// A grid of content cards (also used on product pages).
#[component]
pub fn ContentGrid(items: Vec<ContentCard>) -> impl IntoView {
    view! {
        <ul class="content-grid">
            {items.into_iter().map(|c| view! { <li><ContentCardView card=c/></li> }).collect_view()}
        </ul>
    }
}

#[component]
fn ContentCardView(card: ContentCard) -> impl IntoView {
    let href = format!("/learn/{}", card.slug);
    let personas = card
        .personas
        .iter()
        .map(|p| p.name.clone())
        .collect::<Vec<_>>()
        .join(", ");
    view! {
        <article class=format!("content-card content-card--{}", card.stage.key())>
            {(!card.cover_url.is_empty()).then(|| view! {
                <img class="content-card__cover" src=card.cover_url.clone() alt=card.cover_alt.clone() width="480" height="270" loading="lazy"/>
            })}
            <p class="content-card__meta">
                <span class=format!("kind kind--{}", card.kind.key())>{card.kind.label()}</span>
                <span class="content-card__stage">{card.stage.label()}</span>
            </p>
            <h3 class="content-card__title"><a href=href>{card.title.clone()}</a></h3>
            <p class="content-card__summary">{card.summary.clone()}</p>
            <p class="content-card__foot">
                <span>{card.kind.time_label(card.minutes)}</span>
                {(!personas.is_empty()).then(|| view! { <span>{format!("For {personas}")}</span> })}
            </p>
        </article>
    }
}

/// Quantity and "Add to cart" (or why it can't be added). A plain form: no JavaScript needed.
/// `compact` is the product card's version: one of the product, one button, no quantity
/// field (a mistake such as "only 2 left" still shows under the button).
#[component]
pub fn AddToCart(
    slug: String,
    stock: i64,
    /// Where a mistake is shown again (the page the form is on).
    back: String,
    #[prop(optional)] compact: bool,
    /// The product's name, for the compact button's accessible label.
    #[prop(optional, into)]
    name: String,
) -> impl IntoView {
    let feedback = feedback_for(&format!("cart-add-{slug}"));
    let error = feedback.as_ref().and_then(|f| f.error("quantity"));
    let invalid = error.is_some();
    let quantity = typed_or(&feedback, "quantity", "1");
    let field_id = format!("qty-{slug}");
    if stock == 0 {
        if compact {
            // The card's stock badge already says so.
            return ().into_any();
        }
        return view! {
            <p class="add-to-cart add-to-cart--out">"Sold out for now. Save it for later and we'll keep it on your list."</p>
        }
        .into_any();
    }
    if compact {
        // The visible words first, so people who speak the button's label are understood.
        let label = format!("Add to cart: {name}");
        return view! {
            <form class="add-to-cart add-to-cart--card" method="post" action="/cart/add">
                <input type="hidden" name="slug" value=slug/>
                <input type="hidden" name="back" value=back/>
                <input type="hidden" name="quantity" value="1"/>
                <button class="btn btn--primary btn--small add-to-cart__button" type="submit" aria-label=label>
                    "Add to cart"
                </button>
                {error.map(|m| view! { <p class="field__error add-to-cart__error" role="alert">{m}</p> })}
            </form>
        }
        .into_any();
    }
    let max = stock.min(MAX_LINE_QUANTITY).to_string();
    view! {
        <form class="add-to-cart" method="post" action="/cart/add">
            <input type="hidden" name="slug" value=slug/>
            <input type="hidden" name="back" value=back/>
            <div class="field add-to-cart__qty" class=("field--invalid", invalid)>
                <label for=field_id.clone()>"Quantity"</label>
                <input id=field_id name="quantity" type="number" inputmode="numeric" min="1" max=max value=quantity
                    aria-invalid=invalid.then_some("true")/>
            </div>
            <button class="btn btn--primary add-to-cart__button" type="submit">"Add to cart"</button>
            {error.map(|m| view! { <p class="field__error add-to-cart__error" role="alert">{m}</p> })}
        </form>
    }
    .into_any()
}
