//! The orders desk (sales and admin): every order with its payment events, "mark shipped",
//! and full or partial refunds through the payment provider. Refunds are applied when the
//! provider's `charge.refunded` event arrives — the same webhook path as payments.

use crate::admin::frame::{admin_error, AdminFrame};
use crate::checkout::model::{short_reference, AdminOrderRow, AdminOrderView, OrderStatus};
use crate::error::AppError;
use crate::forms::feedback_for;
use crate::time::format_time;
use crate::ui::form::{FormAlert, SuccessAlert, TextField};
use crate::ui::query_param as query;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {crate::admin::guard::require, crate::db::use_db, crate::request::Area};

/// "2026-11-28" → the Unix time that day starts (UTC); `None` for anything else.
pub fn parse_day(text: &str) -> Option<i64> {
    let text = text.trim();
    if text.len() != 10 {
        return None;
    }
    crate::time::parse_datetime_local(&format!("{text}T00:00"))
}

#[server(endpoint = "admin/orders")]
pub async fn load_admin_orders(
    status: String,
    from: String,
    to: String,
) -> Result<Vec<AdminOrderRow>, AppError> {
    require(&crate::request::RequestContext::current(), Area::Orders)?;
    // Unknown filters show everything rather than nothing.
    let status = OrderStatus::parse(&status).map_or("", OrderStatus::key);
    let start = parse_day(&from).unwrap_or(0);
    let end = parse_day(&to).map_or(i64::MAX, |day| day + 86_400);
    Ok(crate::checkout::repo::list_admin_orders(&use_db()?, status, start, end).await?)
}

#[server(endpoint = "admin/order")]
pub async fn load_admin_order(public_id: String) -> Result<AdminOrderView, AppError> {
    require(&crate::request::RequestContext::current(), Area::Orders)?;
    let db = use_db()?;
    let order = crate::checkout::repo::find_order(&db, &public_id, None)
        .await?
        .ok_or(AppError::NotFound)?;
    let refundable = match order.status {
        OrderStatus::Paid | OrderStatus::Fulfilled | OrderStatus::PartiallyRefunded => {
            order.total.minor - order.refunded.minor
        }
        _ => 0,
    };
    Ok(AdminOrderView {
        events: crate::checkout::repo::list_payment_events(&db, &public_id).await?,
        refundable: crate::money::Money::new(refundable, order.total.currency),
        refund_key: crate::token::new_id(),
        order,
    })
}

#[component]
pub fn AdminOrdersPage() -> impl IntoView {
    let (status, from, to) = (query("status"), query("from"), query("to"));
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading orders…"</p> }>
            {move || {
                let (status, from, to) = (status.clone(), from.clone(), to.clone());
                Suspend::new(async move {
                    match load_admin_orders(status.clone(), from.clone(), to.clone()).await {
                        Ok(orders) => view! { <OrdersDesk orders status from to/> }.into_any(),
                        Err(error) => admin_error(error),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn OrdersDesk(
    orders: Vec<AdminOrderRow>,
    status: String,
    from: String,
    to: String,
) -> impl IntoView {
    view! {
        <AdminFrame title="Orders" current="/admin/orders">
            <form class="admin-filters" method="get" action="/admin/orders">
                <div class="field">
                    <label for="status">"Status"</label>
                    <select id="status" name="status">
                        <option value="" selected=status.is_empty()>"Any"</option>
                        {OrderStatus::ALL.iter().map(|s| view! {
                            <option value=s.key() selected=status == s.key()>{s.label()}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="field"><label for="from">"From"</label><input id="from" name="from" type="date" value=from/></div>
                <div class="field"><label for="to">"To"</label><input id="to" name="to" type="date" value=to/></div>
                <button class="btn" type="submit">"Filter"</button>
            </form>
            {if orders.is_empty() {
                view! { <div class="empty-state"><h2>"No orders here"</h2><p>"Orders appear as soon as a customer checks out. Try another status or dates."</p></div> }.into_any()
            } else {
                view! {
                    <table class="admin-table">
                        <thead><tr><th scope="col">"Order"</th><th scope="col">"Placed"</th><th scope="col">"Customer"</th><th scope="col">"Items"</th><th scope="col" class="num">"Total"</th><th scope="col">"Status"</th></tr></thead>
                        <tbody>
                            {orders.into_iter().map(|o| view! {
                                <tr>
                                    <td><a href=format!("/admin/orders/{}", o.public_id)>{short_reference(&o.public_id)}</a></td>
                                    <td>{format_time(o.created_at)}</td>
                                    <td>{if o.email.is_empty() { "—".to_string() } else { o.email.clone() }}</td>
                                    <td>{o.items}</td>
                                    <td class="num">{o.total.format()}</td>
                                    <td><span class=format!("status status--{}", o.status.key())>{o.status.label()}</span></td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        </AdminFrame>
    }
}

#[component]
pub fn AdminOrderPage() -> impl IntoView {
    let id = crate::ui::path_param("id");
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading the order…"</p> }>
            {move || {
                let id = id.clone();
                Suspend::new(async move {
                    match load_admin_order(id).await {
                        Ok(view) => view! { <OrderDesk view/> }.into_any(),
                        Err(error) => admin_error(error),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn OrderDesk(view: AdminOrderView) -> impl IntoView {
    let order = view.order;
    let feedback = feedback_for("order");
    let action = format!("/admin/orders/{}", order.public_id);
    let saved = match query("saved").as_str() {
        "fulfilled" => Some("Marked as shipped."),
        "refunded" => Some("Refund sent. It shows here once the payment provider confirms it."),
        "return_approved" => Some("Return approved. The customer has the instructions by email."),
        "return_declined" => Some("Return declined. The customer has your reason by email."),
        "return_received" => Some("Marked as received. The customer knows their refund follows."),
        "return_refunded" => Some("Return refunded, and the chosen items are back in stock."),
        _ => None,
    };
    let can_ship = order.status == OrderStatus::Paid;
    let refundable = view.refundable;
    view! {
        <AdminFrame title=format!("Order {}", order.reference()) current="/admin/orders">
            <p class="admin-back"><a href="/admin/orders">"← All orders"</a></p>
            <SuccessAlert message=saved/>
            <FormAlert feedback=feedback.clone() fields=&["amount", "carrier", "tracking_number"]/>
            <p><span class=format!("status status--{}", order.status.key())>{order.status.label()}</span>
               {format!(" · placed {} · {}", format_time(order.created_at), if order.email.is_empty() { "no email yet" } else { order.email.as_str() })}</p>
            <table class="order-lines">
                <thead><tr><th scope="col">"Item"</th><th scope="col">"Qty"</th><th scope="col" class="num">"Price"</th></tr></thead>
                <tbody>
                    {order.lines.iter().map(|l| view! {
                        <tr><td>{l.name.clone()}</td><td>{l.quantity}</td><td class="num">{l.subtotal().format()}</td></tr>
                    }).collect_view()}
                </tbody>
                <tfoot>
                    {(!order.discount_code.is_empty()).then(|| view! {
                        <tr><th scope="row" colspan="2">{format!("Code {}", order.discount_code)}</th><td class="num">{format!("−{}", order.discount.format())}</td></tr>
                    })}
                    {order.ships().then(|| view! {
                        <tr><th scope="row" colspan="2">{format!("Shipping: {}", order.shipping.method)}</th><td class="num">{order.shipping_price().format()}</td></tr>
                    })}
                    <crate::checkout::pages::TaxRows order=order.clone()/>
                    <tr><th scope="row" colspan="2">"Total"</th><td class="num">{order.total.format()}</td></tr>
                    {(order.refunded.minor > 0).then(|| view! {
                        <tr><th scope="row" colspan="2">"Refunded"</th><td class="num">{order.refunded.format()}</td></tr>
                    })}
                </tfoot>
            </table>
            {(!order.tax.vat_id.is_empty()).then(|| view! {
                <p>{format!("Buyer's VAT / tax ID: {}", order.tax.vat_id)}</p>
            })}
            {order.ships().then(|| view! {
                <crate::checkout::pages::ShipsTo order=order.clone()/>
            })}
            <p class="order-desk__print">
                {order.ships().then(|| view! {
                    <a class="btn btn--small" href=format!("/admin/orders/{}/packing-slip", order.public_id)>"Print packing slip"</a>" "
                })}
                {order.invoice_label().map(|label| view! {
                    <a class="btn btn--small" href=format!("/admin/orders/{}/invoice", order.public_id)>{format!("Invoice {label}")}</a>
                })}
            </p>
            <div class="order-actions">
                {can_ship.then(|| {
                    let ships = order.ships();
                    let carrier_error = feedback.as_ref().and_then(|f| f.error("carrier"));
                    let chosen = crate::forms::typed_or(&feedback, "carrier", "");
                    view! {
                        <form method="post" action=action.clone() class="order-actions__ship">
                            <input type="hidden" name="action" value="fulfil"/>
                            {ships.then(|| view! {
                                <div class="field">
                                    <label for="carrier">"Carrier"</label>
                                    <select id="carrier" name="carrier" aria-invalid=carrier_error.is_some().then_some("true")
                                        aria-describedby=carrier_error.is_some().then_some("carrier-error")>
                                        <option value="">"Choose…"</option>
                                        {crate::checkout::shipping::model::CARRIERS.iter().map(|c| view! {
                                            <option value=c.name selected=chosen == c.name>{c.name}</option>
                                        }).collect_view()}
                                    </select>
                                    {carrier_error.clone().map(|m| view! { <p class="field__error" id="carrier-error" role="alert">{m}</p> })}
                                </div>
                                <TextField feedback=feedback.clone() name="tracking_number" label="Tracking number" maxlength=40
                                    hint="The customer gets an email with it and a tracking link."/>
                            })}
                            <button class="btn btn--primary" type="submit">"Mark as shipped"</button>
                        </form>
                    }
                })}
                {(refundable.minor > 0).then(|| view! {
                    <form method="post" action=action.clone() class="order-actions__refund">
                        <input type="hidden" name="action" value="refund"/>
                        <input type="hidden" name="refund_key" value=view.refund_key.clone()/>
                        <TextField feedback=feedback.clone() name="amount" label="Refund amount" value=crate::money::minor_to_plain(refundable.minor)
                            maxlength=12 hint=format!("Up to {}. The customer's bank shows it in 5–10 days.", refundable.format())/>
                        <button class="btn btn--danger" type="submit">"Refund"</button>
                    </form>
                })}
            </div>
            <super::returns::StaffReturns order=order.clone() feedback=feedback.clone()/>
            <h2>"Timeline"</h2>
            <ol class="timeline">
                {order.timeline.iter().map(|e| view! {
                    <li><strong>{e.to_status.label()}</strong>" · "{e.reason.clone()}" · "<time>{format_time(e.at)}</time></li>
                }).collect_view()}
            </ol>
            <h2>"Payment events"</h2>
            {if view.events.is_empty() {
                view! { <p>"No payment events yet."</p> }.into_any()
            } else {
                view! {
                    <table class="admin-table">
                        <thead><tr><th scope="col">"Received"</th><th scope="col">"Event"</th><th scope="col">"Outcome"</th><th scope="col">"Id"</th></tr></thead>
                        <tbody>{view.events.iter().map(|e| view! {
                            <tr><td>{format_time(e.received_at)}</td><td>{e.kind.clone()}</td><td>{e.outcome.clone()}</td><td><code>{e.id.clone()}</code></td></tr>
                        }).collect_view()}</tbody>
                    </table>
                }.into_any()
            }}
        </AdminFrame>
    }
}

/// `/admin/orders/{id}/packing-slip`: what goes in the box, for printing (no prices).
#[component]
pub fn AdminPackingSlipPage() -> impl IntoView {
    let id = crate::ui::path_param("id");
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading the packing slip…"</p> }>
            {move || {
                let id = id.clone();
                Suspend::new(async move {
                    match load_admin_order(id).await {
                        Ok(view) => view! { <PackingSlip view/> }.into_any(),
                        Err(error) => admin_error(error),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn PackingSlip(view: AdminOrderView) -> impl IntoView {
    let order = view.order;
    let back = format!("/admin/orders/{}", order.public_id);
    view! {
        <AdminFrame title=format!("Packing slip {}", order.reference()) current="/admin/orders">
            <p class="admin-back no-print"><a href=back>"← The order"</a></p>
            <p class="no-print">"Print this page (Ctrl+P or ⌘P) and put it in the box."</p>
            <article class="packing-slip">
                <header class="packing-slip__head">
                    <p class="packing-slip__store">"Storefront"</p>
                    <p>{format!("Order {} · placed {}", order.reference(), format_time(order.created_at))}</p>
                </header>
                <section>
                    <h2>"Ship to"</h2>
                    <address>
                        {order.shipping.address.label_lines().into_iter().map(|line| view! { {line}<br/> }).collect_view()}
                        {(!order.shipping.address.phone.is_empty()).then(|| view! { {format!("Phone: {}", order.shipping.address.phone)} })}
                    </address>
                    <p>{format!("Method: {} ({})", order.shipping.method, order.shipping.estimate)}</p>
                </section>
                <table class="order-lines">
                    <thead><tr><th scope="col">"Item"</th><th scope="col">"SKU"</th><th scope="col" class="num">"Qty"</th><th scope="col">"Packed"</th></tr></thead>
                    <tbody>
                        {order.lines.iter().map(|l| view! {
                            <tr><td>{l.name.clone()}</td><td>{l.sku.clone()}</td><td class="num">{l.quantity}</td><td aria-hidden="true">"☐"</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
                <p class="packing-slip__thanks">"Thank you for your order. Questions? Reply to your confirmation email and a person will answer."</p>
            </article>
        </AdminFrame>
    }
}
