//! The customer's side of returns: the order page's "Returns" section and "Return items"
//! button, the form at `/account/orders/{id}/return` (signed-in owners, or guests through
//! their signed order link), and its post. Works without JavaScript.

use super::{reason_label, OrderReturn, ReturnStatus, REASONS};
use crate::checkout::model::Order;
use crate::forms::{feedback_for, typed_or};
use crate::time::format_time;
use crate::ui::form::FormAlert;
use crate::ui::query_param;
use leptos::prelude::*;

/// `?t=…` for a guest's signed link, "" for an owner.
fn token_query() -> String {
    let token = query_param("t");
    if token.is_empty() {
        String::new()
    } else {
        format!("?t={}", crate::forms::url_encode(&token))
    }
}

/// The order page's returns: each return with its status, and the way to start one.
#[component]
pub fn OrderReturns(order: Order) -> impl IntoView {
    let href = format!(
        "/account/orders/{}/return{}",
        order.public_id,
        token_query()
    );
    let closes = order.return_window.closes;
    let started = query_param("returned");
    let shown = !order.returns.is_empty() || closes.is_some();
    shown.then(|| {
        view! {
            <section class="order-returns" aria-labelledby="returns-heading">
                <h2 id="returns-heading">"Returns"</h2>
                {(!started.is_empty()).then(|| view! {
                    <div class="alert alert--ok" role="status">{format!("Return {started} requested. We'll email you within a day with what happens next.")}</div>
                })}
                {order.returns.iter().map(|r| view! { <ReturnCard ret=r.clone()/> }).collect_view()}
                {closes.map(|closes| view! {
                    <p>
                        <a class="btn" href=href.clone()>"Return items"</a>
                        <span class="muted">{format!(" You can ask until {}.", crate::discounts::model::day_words(closes))}</span>
                    </p>
                })}
            </section>
        }
    })
}

#[component]
fn ReturnCard(ret: OrderReturn) -> impl IntoView {
    view! {
        <div class="return-card">
            <p><strong>{ret.reference()}</strong>" · "<span class=format!("status status--return-{}", ret.status.key())>{ret.status.label()}</span>
                " · "<time>{format_time(ret.created_at)}</time></p>
            <ul>
                {ret.lines.iter().map(|l| view! { <li>{format!("{} × {}", l.quantity, l.name)}</li> }).collect_view()}
            </ul>
            <p class="muted">{format!("Reason: {}", reason_label(&ret.reason))}</p>
            {(ret.status == ReturnStatus::Declined && !ret.decline_reason.is_empty()).then(|| view! {
                <p>{format!("Why we declined: {}", ret.decline_reason)}</p>
            })}
            {(ret.status == ReturnStatus::Approved).then(|| view! {
                <p>{format!("Pack the items with a note saying {} and send them to the address in our email.", ret.reference())}</p>
            })}
            {(ret.status == ReturnStatus::Refunded).then(|| view! {
                <p>{format!("Refunded {}.", ret.refund.format())}</p>
            })}
        </div>
    }
}

/// `/account/orders/{id}/return`: choose what to send back.
#[component]
pub fn ReturnPage() -> impl IntoView {
    view! {
        <crate::checkout::pages::CustomerOrderPage title="Return items · Storefront"
            show=|order| view! { <ReturnForm order/> }.into_any()/>
    }
}

const FIELDS: &[&str] = &["items", "reason", "note"];

#[component]
fn ReturnForm(order: Order) -> impl IntoView {
    let back = format!("/account/orders/{}{}", order.public_id, token_query());
    let problem = match order.return_window.closes {
        Some(_) => None,
        None => Some(order.return_window.problem.clone().unwrap_or_else(|| {
            "This order can't be returned here. Talk to us and we'll help.".into()
        })),
    };
    let feedback = feedback_for("return");
    let reason = typed_or(&feedback, "reason", String::new());
    let note = typed_or(&feedback, "note", String::new());
    let action = format!("/account/orders/{}/return", order.public_id);
    let token = query_param("t");
    view! {
        <section class="container order return-form">
            <p class="admin-back"><a href=back.clone()>"← Back to the order"</a></p>
            <h1>{format!("Return items from order {}", order.reference())}</h1>
            {match problem {
                Some(problem) => view! {
                    <div class="alert alert--error" role="alert">{problem}</div>
                    <p><a class="btn" href=format!("/help/ask?from=/account/orders/{}", order.public_id)>"Talk to a human"</a></p>
                }.into_any(),
                None => view! {
                    <p>"Choose what you'd like to send back. We answer within a day; once the items are back, we refund them to your card, tax included."</p>
                    <FormAlert feedback=feedback.clone() fields=FIELDS/>
                    <form method="post" action=action class="panel">
                        <input type="hidden" name="t" value=token/>
                        <fieldset>
                            <legend>"Items"</legend>
                            {order.lines.iter().map(|line| {
                                let left = line.quantity - line.returned;
                                let name = format!("qty_{}", line.variant_id);
                                let chosen = typed_or(&feedback, &name, "0".to_string());
                                let error = feedback.as_ref().and_then(|f| f.error(&name));
                                view! {
                                    <div class="field return-line">
                                        <label for=name.clone()>{format!("{} (bought {}, {} can be returned)", line.name, line.quantity, left)}</label>
                                        <select id=name.clone() name=name.clone() disabled=left == 0 aria-invalid=error.is_some().then_some("true")>
                                            {(0..=left).map(|n| view! { <option value=n.to_string() selected=chosen == n.to_string()>{n}</option> }).collect_view()}
                                        </select>
                                        {error.map(|m| view! { <p class="field__error" role="alert">{m}</p> })}
                                    </div>
                                }
                            }).collect_view()}
                            {feedback.as_ref().and_then(|f| f.error("items")).map(|m| view! { <p class="field__error" role="alert">{m}</p> })}
                        </fieldset>
                        <div class="field">
                            <label for="reason">"Why are you returning them?"</label>
                            <select id="reason" name="reason" aria-invalid=feedback.as_ref().and_then(|f| f.error("reason")).is_some().then_some("true")>
                                <option value="" selected=reason.is_empty()>"Choose a reason"</option>
                                {REASONS.iter().map(|(key, label)| view! { <option value=*key selected=reason == *key>{*label}</option> }).collect_view()}
                            </select>
                            {feedback.as_ref().and_then(|f| f.error("reason")).map(|m| view! { <p class="field__error" role="alert">{m}</p> })}
                        </div>
                        <div class="field">
                            <label for="note">"Anything we should know? (optional)"</label>
                            <textarea id="note" name="note" rows="3" maxlength="1000">{crate::html::escape_text(&note)}</textarea>
                            {feedback.as_ref().and_then(|f| f.error("note")).map(|m| view! { <p class="field__error" role="alert">{m}</p> })}
                        </div>
                        <button class="btn btn--primary" type="submit">"Ask to return these items"</button>
                    </form>
                }.into_any(),
            }}
        </section>
    }
}

/// POST /account/orders/{id}/return: the order's owner (or a guest with its signed link)
/// asks to return items. 303 to the order page, or the form again with what was chosen.
#[cfg(feature = "ssr")]
pub async fn post_return(
    axum::extract::State(ctx): axum::extract::State<crate::forms::PageContext>,
    axum::extract::Path(public_id): axum::extract::Path<String>,
    request: axum::extract::Request,
) -> axum::response::Response {
    use crate::forms::{field, read_form, see_other, show_error};
    let (parts, fields) = match read_form(request).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    let token = field(&fields, "t");
    match ask_to_return(&ctx, &parts, &public_id, &fields).await {
        Ok(reference) => {
            let token = if token.is_empty() {
                String::new()
            } else {
                format!("&t={}", crate::forms::url_encode(&token))
            };
            see_other(&format!(
                "/account/orders/{public_id}?returned={reference}{token}"
            ))
        }
        Err(error) => show_error(&ctx, parts, "return", fields, error).await,
    }
}

#[cfg(feature = "ssr")]
async fn ask_to_return(
    ctx: &crate::forms::PageContext,
    parts: &http::request::Parts,
    public_id: &str,
    fields: &std::collections::HashMap<String, String>,
) -> Result<String, crate::error::AppError> {
    use crate::error::AppError;
    use crate::forms::field;
    let request = crate::request::RequestContext::of(parts);
    let order =
        crate::checkout::order_for(&ctx.db, &request.owners(), public_id, &field(fields, "t"))
            .await?;
    if let Some(problem) =
        super::return_problem(&order, crate::db::now_unix(), ctx.site.return_window_days)
    {
        return Err(AppError::Conflict { message: problem });
    }
    let super::ReturnRequest {
        lines,
        reason,
        note,
    } = super::parse_return_form(&order, |name| field(fields, name))
        .map_err(|errors| AppError::Fields { errors })?;
    let summary = lines
        .iter()
        .filter_map(|(variant, quantity)| {
            let line = order.lines.iter().find(|l| l.variant_id == *variant)?;
            Some(format!("{quantity} × {}", line.name))
        })
        .collect::<Vec<_>>()
        .join(", ");
    let created = super::repo::create_return(
        &ctx.db,
        public_id,
        &lines,
        &reason,
        &note,
        &format!("{summary} ({})", reason_label(&reason)),
    )
    .await?;
    let id = match created {
        Ok(id) => id,
        Err(super::repo::ReturnRefusal::AlreadyReturned { .. }) => {
            return Err(AppError::Conflict {
                message: "Some of these items were just put in another return. Reload the order to see what can still be returned.".into(),
            })
        }
    };
    let reference = format!("R-{id}");
    if !order.email.is_empty() {
        let body = format!(
            "We received your request to return {summary} from order {} (return {reference}).\n\n\
             We answer within a day with what happens next. Please don't send anything before then.\n\n\
             Questions? Reply to this email and a person will answer.\n",
            order.reference()
        );
        crate::email::repo::enqueue_email(
            &ctx.db,
            &order.email,
            &format!("We got your return request {reference}"),
            &body,
            "return_requested",
        )
        .await?;
    }
    Ok(reference)
}
