//! Checkout's pages: the demo provider's hosted card page, "payment received / being
//! confirmed", and the customer's orders with their timelines.

use super::api::{load_checkout_result, load_demo_payment, load_order, load_orders, DemoPayView};
use super::model::{Order, OrderStatus};
use crate::forms::{feedback_for, typed_or};
use crate::time::format_time;
use crate::ui::form::{FormAlert, TextField};
use crate::ui::{path_param, query_param, ErrorPage, Layout};
use leptos::prelude::*;
use leptos_meta::{Meta, Title};

#[component]
fn OrderLines(order: Order) -> impl IntoView {
    view! {
        <table class="order-lines">
            <thead><tr><th scope="col">"Item"</th><th scope="col">"Qty"</th><th scope="col" class="num">"Price"</th></tr></thead>
            <tbody>
                {order.lines.iter().map(|l| view! {
                    <tr>
                        <td><a href=format!("/products/{}", l.slug)>{l.name.clone()}</a></td>
                        <td>{l.quantity}</td>
                        <td class="num">{l.subtotal().format()}</td>
                    </tr>
                }).collect_view()}
            </tbody>
            <tfoot>
                {(order.discount.minor > 0).then(|| view! {
                    <tr><th scope="row" colspan="2">{format!("Code {}", order.discount_code)}</th><td class="num">{format!("−{}", order.discount.format())}</td></tr>
                })}
                {order.ships().then(|| view! {
                    <tr><th scope="row" colspan="2">{if order.discount.minor > 0 { "Items after discount" } else { "Items" }}</th><td class="num">{order.items_total().format()}</td></tr>
                    <tr>
                        <th scope="row" colspan="2">{format!("Shipping: {} ({})", order.shipping.method, order.shipping.estimate)}</th>
                        <td class="num">{match (order.shipping.price_cents, order.discount_code.is_empty()) {
                            (0, false) => format!("Free with {}", order.discount_code),
                            (0, true) => "Free".to_string(),
                            _ => order.shipping_price().format(),
                        }}</td>
                    </tr>
                })}
                <TaxRows order=order.clone()/>
                <tr><th scope="row" colspan="2">"Total"</th><td class="num">{order.total.format()}</td></tr>
            </tfoot>
        </table>
        {(!order.tax.vat_id.is_empty()).then(|| view! {
            <p class="order__vat">{format!("Your VAT / tax ID: {}", order.tax.vat_id)}</p>
        })}
        {order.ships().then(|| view! { <ShipsTo order=order.clone()/> })}
    }
}

/// The order's tax rows ("Includes VAT 20%", or "Sales tax 7.25%" added on top), for a
/// table's footer with the label spanning two columns.
#[component]
pub fn TaxRows(order: Order) -> impl IntoView {
    let inclusive = order.tax.prices_include_tax;
    let currency = order.total.currency;
    order
        .tax_summary()
        .into_iter()
        .map(|tax| {
            view! {
                <tr class="order-lines__tax">
                    <th scope="row" colspan="2">{tax.label(inclusive)}</th>
                    <td class="num">{crate::money::Money::new(tax.amount_cents, currency).format()}</td>
                </tr>
            }
        })
        .collect_view()
}

/// Where the order goes, and how it left once shipped.
#[component]
pub fn ShipsTo(order: Order) -> impl IntoView {
    let shipping = order.shipping;
    let follow = super::shipping::model::tracking_url(&shipping.carrier, &shipping.tracking_number);
    view! {
        <section class="ships-to" aria-labelledby="ships-to-heading">
            <h2 id="ships-to-heading">"Ships to"</h2>
            <address>
                {shipping.address.label_lines().into_iter().map(|line| view! { {line}<br/> }).collect_view()}
            </address>
            {(!shipping.tracking_number.is_empty()).then(|| view! {
                <p>{format!("Sent with {}: tracking number ", shipping.carrier)}<strong>{shipping.tracking_number.clone()}</strong></p>
            })}
            {follow.map(|href| view! {
                <p><a class="btn" href=href rel="noopener noreferrer">"Track the parcel"</a></p>
            })}
        </section>
    }
}

/// `/pay/demo/{session}`: plays Stripe's hosted checkout with Stripe's test cards.
#[component]
pub fn DemoPayPage() -> impl IntoView {
    let session = path_param("session");
    view! {
        <Layout>
            <Title text="Pay securely · Storefront"/>
            <Meta name="robots" content="noindex"/>
            <Suspense fallback=|| view! { <p class="loading container">"Loading the payment page…"</p> }>
                {move || {
                    let session = session.clone();
                    Suspend::new(async move {
                        match load_demo_payment(session).await {
                            Ok(pay) => view! { <DemoPayView pay/> }.into_any(),
                            Err(error) => view! { <ErrorPage error/> }.into_any(),
                        }
                    })
                }}
            </Suspense>
        </Layout>
    }
}

#[component]
fn DemoPayView(pay: DemoPayView) -> impl IntoView {
    let feedback = feedback_for("demo-pay");
    let action = format!("/pay/demo/{}", pay.session);
    let authenticating = query_param("step") == "authenticate";
    let reference = pay.order.reference();
    let total = pay.order.total.format();
    let body = if !pay.open {
        view! {
            <div class="alert alert--error" role="alert">
                "This checkout has ended: it was paid already, or not paid while we held the items."
            </div>
            <p><a class="btn btn--primary" href="/cart">"Back to your cart"</a>" "<a class="btn" href="/account/orders">"Your orders"</a></p>
        }
        .into_any()
    } else if authenticating {
        view! {
            <div class="pay__bank">
                <h2>"Confirm this payment"</h2>
                <p>{format!("Your bank asks you to confirm a payment of {total} to Storefront.")}</p>
                <form method="post" action=action.clone() class="pay__bank-actions">
                    <input type="hidden" name="step" value="authenticate"/>
                    <button class="btn btn--primary" type="submit" name="outcome" value="approve">"Confirm payment"</button>
                    <button class="btn" type="submit" name="outcome" value="fail">"Cancel — don't pay"</button>
                </form>
            </div>
        }
        .into_any()
    } else {
        let email = typed_or(&feedback, "email", pay.order.email.clone());
        view! {
            <FormAlert feedback=feedback.clone() fields=&["email", "card_number", "expiry", "cvc"]/>
            <form method="post" action=action class="pay__form" novalidate>
                <TextField feedback=feedback.clone() name="email" label="Email for your receipt" value=email kind="email" autocomplete="email" required=true maxlength=254/>
                <TextField feedback=feedback.clone() name="card_number" label="Card number" autocomplete="cc-number" required=true maxlength=23 hint="Test cards: 4242 4242 4242 4242 pays · 4000 0000 0000 0002 is declined · 4000 0025 0000 3155 asks your bank to confirm."/>
                <div class="pay__row">
                    <TextField feedback=feedback.clone() name="expiry" label="Expiry (MM/YY)" autocomplete="cc-exp" required=true maxlength=7/>
                    <TextField feedback=feedback.clone() name="cvc" label="CVC" autocomplete="cc-csc" required=true maxlength=4/>
                </div>
                <button class="btn btn--primary btn--block" type="submit">{format!("Pay {total}")}</button>
            </form>
        }
        .into_any()
    };
    view! {
        <section class="container pay">
            <div class="pay__card panel">
                <p class="pay__brand">"Storefront Pay " <span class="pay__demo">"Demo — no real money moves"</span></p>
                <h1>{format!("Pay for order {reference}")}</h1>
                <OrderLines order=pay.order.clone()/>
                {body}
                <p class="pay__back"><a href="/cart">"← Back to the cart"</a>" · Questions before you buy? "<a href="/learn">"Read the buying guides"</a></p>
            </div>
        </section>
    }
}

/// `/checkout/success?session_id=…`: what our order state says. It never marks anything
/// paid itself: only the webhook (or the reconciler) does.
#[component]
pub fn CheckoutSuccessPage() -> impl IntoView {
    let session = query_param("session_id");
    view! {
        <Layout>
            <Title text="Your order · Storefront"/>
            <Meta name="robots" content="noindex"/>
            <Suspense fallback=|| view! { <p class="loading container">"Checking your payment…"</p> }>
                {move || {
                    let session = session.clone();
                    Suspend::new(async move {
                        match load_checkout_result(session).await {
                            Ok(order) => view! { <CheckoutResult order/> }.into_any(),
                            Err(error) => view! { <ErrorPage error/> }.into_any(),
                        }
                    })
                }}
            </Suspense>
        </Layout>
    }
}

#[component]
fn CheckoutResult(order: Order) -> impl IntoView {
    let reference = order.reference();
    let href = format!("/account/orders/{}", order.public_id);
    let (heading, message, waiting) = match order.status {
        OrderStatus::Paid | OrderStatus::Fulfilled => (
            "Thank you — payment received".to_string(),
            format!("Order {reference} is confirmed. A receipt is on its way to {}.", order.email),
            false,
        ),
        OrderStatus::PendingPayment => (
            "We're confirming your payment".to_string(),
            "Your bank is still confirming. This page updates by itself; you can also close it — we'll email you.".to_string(),
            true,
        ),
        other => (
            other.label().to_string(),
            "This order was not paid. Your cart has what's still available.".to_string(),
            false,
        ),
    };
    view! {
        {waiting.then(|| view! { <Meta http_equiv="refresh" content="3"/> })}
        <section class="container order-result">
            <div class="panel order-result__panel" class=("order-result--waiting", waiting)>
                <h1>{heading}</h1>
                <p class="lead" role="status">{message}</p>
                <OrderLines order=order.clone()/>
                <p><a class="btn btn--primary" href=href>"See your order"</a>" "<a class="btn" href="/products">"Keep browsing"</a></p>
            </div>
        </section>
    }
}

#[component]
pub fn OrdersPage() -> impl IntoView {
    view! {
        <Layout>
            <Title text="Your orders · Storefront"/>
            <Suspense fallback=|| view! { <p class="loading container">"Loading your orders…"</p> }>
                {move || Suspend::new(async move {
                    match load_orders().await {
                        Ok(orders) if orders.is_empty() => view! {
                            <section class="container orders">
                                <h1>"Your orders"</h1>
                                <div class="empty-state">
                                    <h2>"No orders yet"</h2>
                                    <p>"When you buy something it shows up here, with where it is."</p>
                                    <p><a class="btn btn--primary" href="/products">"Browse products"</a></p>
                                </div>
                            </section>
                        }.into_any(),
                        Ok(orders) => view! {
                            <section class="container orders">
                                <h1>"Your orders"</h1>
                                <ul class="orders__list">
                                    {orders.into_iter().map(|o| view! {
                                        <li class="orders__item panel">
                                            <a href=format!("/account/orders/{}", o.public_id)>{format!("Order {}", super::model::short_reference(&o.public_id))}</a>
                                            <span class=format!("status status--{}", o.status.key())>{o.status.label()}</span>
                                            <span>{format!("{} {} · {}", o.items, if o.items == 1 { "item" } else { "items" }, o.total.format())}</span>
                                            <span class="orders__date">{format_time(o.created_at)}</span>
                                        </li>
                                    }).collect_view()}
                                </ul>
                            </section>
                        }.into_any(),
                        Err(error) => view! { <ErrorPage error/> }.into_any(),
                    }
                })}
            </Suspense>
        </Layout>
    }
}

#[component]
pub fn OrderPage() -> impl IntoView {
    view! { <CustomerOrderPage title="Your order · Storefront" show=|order| view! { <OrderDetail order/> }.into_any()/> }
}

/// A page about one of the customer's orders (`/account/orders/{id}…`, `?t=` for a guest's
/// signed link): the order loaded for whoever may see it, shown by `show`, else the error.
#[component]
pub fn CustomerOrderPage(title: &'static str, show: fn(Order) -> AnyView) -> impl IntoView {
    let id = path_param("id");
    let token = query_param("t");
    view! {
        <Layout>
            <Title text=title/>
            <Meta name="robots" content="noindex"/>
            <Suspense fallback=|| view! { <p class="loading container">"Loading the order…"</p> }>
                {move || {
                    let (id, token) = (id.clone(), token.clone());
                    Suspend::new(async move {
                        match load_order(id, token).await {
                            Ok(order) => show(order),
                            Err(error) => view! { <ErrorPage error/> }.into_any(),
                        }
                    })
                }}
            </Suspense>
        </Layout>
    }
}

#[component]
fn OrderDetail(order: Order) -> impl IntoView {
    let pay_again = (order.status == OrderStatus::PendingPayment)
        .then(|| order.provider_session.clone())
        .flatten()
        .map(|s| format!("/pay/demo/{s}"));
    // A guest's signed link opens the invoice too.
    let token = query_param("t");
    let invoice_href = if token.is_empty() {
        format!("/account/orders/{}/invoice", order.public_id)
    } else {
        format!(
            "/account/orders/{}/invoice?t={}",
            order.public_id,
            crate::forms::url_encode(&token)
        )
    };
    view! {
        <section class="container order">
            <p class="admin-back"><a href="/account/orders">"← All orders"</a></p>
            <h1>{format!("Order {}", order.reference())}</h1>
            <p class=format!("status status--{}", order.status.key())>{order.status.label()}</p>
            {(!order.payment_problem.is_empty()).then(|| view! {
                <div class="alert alert--error" role="alert">{order.payment_problem.clone()}</div>
            })}
            {pay_again.map(|href| view! { <p><a class="btn btn--primary" href=href>"Pay now"</a></p> })}
            {order.invoice_label().map(|label| view! {
                <p><a class="btn btn--small" href=invoice_href.clone()>{format!("Invoice {label}")}</a></p>
            })}
            <OrderLines order=order.clone()/>
            <crate::checkout::returns::page::OrderReturns order=order.clone()/>
            <h2>"Timeline"</h2>
            <ol class="timeline">
                {order.timeline.iter().map(|e| view! {
                    <li><strong>{e.to_status.label()}</strong>" · "{e.reason.clone()}" · "<time>{format_time(e.at)}</time></li>
                }).collect_view()}
            </ol>
        </section>
    }
}
