//! A paid order's invoice, printable HTML: its number (`INV-000042`, given when the order
//! was paid, without gaps), the issuer's and the buyer's details (company and VAT / tax ID),
//! the lines with their tax rate, and the tax by rate. The customer opens it from their
//! order page (`/account/orders/{id}/invoice`, a guest with the signed link from their
//! email); staff from the orders desk (`/admin/orders/{id}/invoice`).

use super::model::{percent, InvoiceIssuer};
use crate::checkout::model::Order;
use crate::error::AppError;
use crate::money::Money;
use crate::time::format_time;
use crate::ui::{path_param, query_param, ErrorPage, Layout};
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InvoiceView {
    pub order: Order,
    pub issuer: InvoiceIssuer,
}

/// The invoice for whoever may see the order (its makers, or the signed link's holder).
#[server(endpoint = "invoice")]
pub async fn load_invoice(public_id: String, token: String) -> Result<InvoiceView, AppError> {
    let order = crate::checkout::api::load_order(public_id, token).await?;
    let db = crate::db::use_db()?;
    Ok(InvoiceView {
        order,
        issuer: super::repo::issuer(&db).await?,
    })
}

#[server(endpoint = "admin/invoice")]
pub async fn load_admin_invoice(public_id: String) -> Result<InvoiceView, AppError> {
    crate::admin::guard::require(
        &crate::request::RequestContext::current(),
        crate::request::Area::Orders,
    )?;
    let db = crate::db::use_db()?;
    let order = crate::checkout::repo::find_order(&db, &public_id, None)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(InvoiceView {
        order,
        issuer: super::repo::issuer(&db).await?,
    })
}

#[component]
pub fn InvoicePage() -> impl IntoView {
    let id = path_param("id");
    let token = query_param("t");
    view! {
        <Layout>
            <Title text="Invoice · Storefront"/>
            <Meta name="robots" content="noindex"/>
            <Suspense fallback=|| view! { <p class="loading container">"Loading the invoice…"</p> }>
                {move || {
                    let (id, token) = (id.clone(), token.clone());
                    Suspend::new(async move {
                        match load_invoice(id, token.clone()).await {
                            Ok(view) => {
                                let back = if token.is_empty() {
                                    format!("/account/orders/{}", view.order.public_id)
                                } else {
                                    format!("/account/orders/{}?t={}", view.order.public_id, crate::forms::url_encode(&token))
                                };
                                view! {
                                    <section class="container invoice-page">
                                        <p class="admin-back no-print"><a href=back>"← Your order"</a></p>
                                        <Invoice view/>
                                    </section>
                                }.into_any()
                            }
                            Err(error) => view! { <ErrorPage error/> }.into_any(),
                        }
                    })
                }}
            </Suspense>
        </Layout>
    }
}

#[component]
pub fn AdminInvoicePage() -> impl IntoView {
    let id = path_param("id");
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading the invoice…"</p> }>
            {move || {
                let id = id.clone();
                Suspend::new(async move {
                    match load_admin_invoice(id).await {
                        Ok(view) => {
                            let back = format!("/admin/orders/{}", view.order.public_id);
                            let title = format!("Invoice for order {}", view.order.reference());
                            view! {
                                <crate::admin::frame::AdminFrame title current="/admin/orders">
                                    <p class="admin-back no-print"><a href=back>"← The order"</a></p>
                                    <Invoice view/>
                                </crate::admin::frame::AdminFrame>
                            }.into_any()
                        }
                        Err(error) => crate::admin::frame::admin_error(error),
                    }
                })
            }}
        </Suspense>
    }
}

/// The invoice itself; an unpaid order has none yet.
#[component]
fn Invoice(view: InvoiceView) -> impl IntoView {
    let InvoiceView { order, issuer } = view;
    let Some(label) = order.invoice_label() else {
        return view! {
            <div class="empty-state">
                <h1>"No invoice yet"</h1>
                <p>"An invoice is made when the order is paid. Paid orders show a link to theirs."</p>
            </div>
        }
        .into_any();
    };
    let currency = order.total.currency;
    let money = move |cents: i64| Money::new(cents, currency).format();
    let inclusive = order.tax.prices_include_tax;
    let address = order.shipping.address.clone();
    let issued = order.tax.invoiced_at.map(format_time).unwrap_or_default();
    let summary = order.tax_summary();
    // Net of tax either way: the lines are gross when prices include tax, net otherwise.
    let net_total = order.total.minor - order.tax.tax_cents;
    view! {
        <article class="invoice" aria-labelledby="invoice-heading">
            <p class="no-print">"Print this page (Ctrl+P or ⌘P) or save it as a PDF from the print dialog."</p>
            <header class="invoice__head">
                <div>
                    <p class="invoice__issuer">{issuer.name.clone()}</p>
                    <p class="invoice__lines">{issuer.address.lines().map(|l| view! { {l.to_string()}<br/> }).collect_view()}</p>
                    {(!issuer.tax_id.is_empty()).then(|| view! { <p>{format!("VAT / tax number: {}", issuer.tax_id)}</p> })}
                </div>
                <div class="invoice__meta">
                    <h1 id="invoice-heading">{format!("Invoice {label}")}</h1>
                    <dl>
                        <dt>"Issued"</dt><dd>{issued}</dd>
                        <dt>"Order"</dt><dd>{order.reference()}</dd>
                        <dt>"Placed"</dt><dd>{format_time(order.created_at)}</dd>
                    </dl>
                </div>
            </header>
            <section class="invoice__buyer" aria-labelledby="invoice-buyer">
                <h2 id="invoice-buyer">"Billed to"</h2>
                <address>
                    {address.label_lines().into_iter().map(|line| view! { {line}<br/> }).collect_view()}
                    {(!order.email.is_empty()).then(|| view! { {order.email.clone()}<br/> })}
                </address>
                {(!order.tax.vat_id.is_empty()).then(|| view! { <p>{format!("VAT / tax ID: {}", order.tax.vat_id)}</p> })}
            </section>
            <table class="order-lines invoice__table">
                <thead><tr>
                    <th scope="col">"Item"</th>
                    <th scope="col" class="num">"Qty"</th>
                    <th scope="col" class="num">"Unit price"</th>
                    <th scope="col" class="num">"Tax rate"</th>
                    <th scope="col" class="num">{if inclusive { "Amount incl. tax" } else { "Amount" }}</th>
                </tr></thead>
                <tbody>
                    {order.lines.iter().map(|l| view! {
                        <tr>
                            <td>{l.name.clone()}</td>
                            <td class="num">{l.quantity}</td>
                            <td class="num">{l.unit.format()}</td>
                            <td class="num">{if l.tax.name.is_empty() { "—".to_string() } else { percent(l.tax.rate_bp) }}</td>
                            <td class="num">{l.charged().format()}</td>
                        </tr>
                    }).collect_view()}
                    {order.ships().then(|| view! {
                        <tr>
                            <td>{format!("Shipping: {}", order.shipping.method)}</td>
                            <td class="num">"1"</td>
                            <td class="num">{order.shipping_price().format()}</td>
                            <td class="num">{if order.tax.shipping.name.is_empty() { "—".to_string() } else { percent(order.tax.shipping.rate_bp) }}</td>
                            <td class="num">{order.shipping_price().format()}</td>
                        </tr>
                    })}
                </tbody>
                <tfoot>
                    <tr><th scope="row" colspan="4">{if inclusive { "Total before tax" } else { "Subtotal" }}</th><td class="num">{money(net_total)}</td></tr>
                    {summary.into_iter().map(|tax| view! {
                        <tr><th scope="row" colspan="4">{format!("{} {}", tax.name, percent(tax.rate_bp))}</th><td class="num">{money(tax.amount_cents)}</td></tr>
                    }).collect_view()}
                    <tr class="invoice__total"><th scope="row" colspan="4">"Total paid"</th><td class="num">{order.total.format()}</td></tr>
                    {(order.refunded.minor > 0).then(|| view! {
                        <tr><th scope="row" colspan="4">"Refunded since"</th><td class="num">{order.refunded.format()}</td></tr>
                    })}
                </tfoot>
            </table>
            {(order.discount.minor > 0).then(|| view! {
                <p class="invoice__note">{format!("Amounts are after discount code {} ({} off the items).", order.discount_code, order.discount.format())}</p>
            })}
            <p class="invoice__note">{if inclusive {
                "Prices include tax; the tax in them is shown by rate."
            } else {
                "Tax was added to the prices shown, by rate."
            }}</p>
        </article>
    }
    .into_any()
}
