//! The orders desk's returns (sales and admin): approve (the customer is emailed how to
//! send the items), decline with a reason, mark the parcel received, and refund the items
//! — their share of what was charged with its tax, shipping if chosen — putting chosen
//! variants back in stock. Each step acts once however often it is pressed.

use crate::checkout::model::Order;
use crate::checkout::returns::{reason_label, return_refund, OrderReturn, ReturnStatus};
use crate::forms::FormFeedback;
use crate::time::format_time;
use leptos::prelude::*;

/// Every return of the order with the step staff can take next.
#[component]
pub fn StaffReturns(order: Order, feedback: Option<FormFeedback>) -> impl IntoView {
    if order.returns.is_empty() {
        return ().into_any();
    }
    let action = format!("/admin/orders/{}", order.public_id);
    view! {
        <section class="order-returns" aria-labelledby="staff-returns">
            <h2 id="staff-returns">"Returns"</h2>
            {order.returns.iter().map(|ret| {
                view! { <StaffReturn order=order.clone() ret=ret.clone() action=action.clone() feedback=feedback.clone()/> }
            }).collect_view()}
        </section>
    }
    .into_any()
}

#[component]
fn StaffReturn(
    order: Order,
    ret: OrderReturn,
    action: String,
    feedback: Option<FormFeedback>,
) -> impl IntoView {
    let id = ret.id.to_string();
    let mine = feedback
        .as_ref()
        .filter(|f| f.value("return_id") == id)
        .cloned();
    let decline_error = mine.as_ref().and_then(|f| f.error("decline_reason"));
    let items_only = return_refund(&order, &ret, false);
    let with_shipping = return_refund(&order, &ret, true);
    let received = ret.status == ReturnStatus::Received;
    let decline_id = format!("decline-{id}");
    view! {
        <div class="return-card">
            <p><strong>{ret.reference()}</strong>" · "<span class="badge">{ret.status.label()}</span>" · "<time>{format_time(ret.created_at)}</time></p>
            <ul>{ret.lines.iter().map(|l| view! {
                <li>{format!("{} × {}{}", l.quantity, l.name, if l.restocked { " (back in stock)" } else { "" })}</li>
            }).collect_view()}</ul>
            <p>{format!("Reason: {}", reason_label(&ret.reason))}</p>
            {(!ret.note.is_empty()).then(|| view! { <blockquote class="return-card__note">{ret.note.clone()}</blockquote> })}
            {(!ret.decline_reason.is_empty()).then(|| view! { <p>{format!("Declined: {}", ret.decline_reason)}</p> })}
            {(ret.status == ReturnStatus::Refunded).then(|| view! { <p>{format!("Refunded {}.", ret.refund.format())}</p> })}
            {(ret.status == ReturnStatus::Requested).then(|| view! {
                <div class="order-actions">
                    <form method="post" action=action.clone()>
                        <input type="hidden" name="action" value="return_approve"/>
                        <input type="hidden" name="return_id" value=id.clone()/>
                        <button class="btn btn--primary" type="submit">{format!("Approve {}", ret.reference())}</button>
                    </form>
                    <form method="post" action=action.clone() class="return-card__decline">
                        <input type="hidden" name="action" value="return_decline"/>
                        <input type="hidden" name="return_id" value=id.clone()/>
                        <div class="field">
                            <label for=decline_id.clone()>"Reason for declining (the customer reads it)"</label>
                            <input id=decline_id.clone() name="decline_reason" type="text" maxlength="300"
                                value=mine.as_ref().map(|f| f.value("decline_reason")).unwrap_or_default()
                                aria-invalid=decline_error.is_some().then_some("true")/>
                            {decline_error.map(|m| view! { <p class="field__error" role="alert">{m}</p> })}
                        </div>
                        <button class="btn" type="submit">{format!("Decline {}", ret.reference())}</button>
                    </form>
                </div>
            })}
            {(ret.status == ReturnStatus::Approved).then(|| view! {
                <form method="post" action=action.clone()>
                    <input type="hidden" name="action" value="return_receive"/>
                    <input type="hidden" name="return_id" value=id.clone()/>
                    <button class="btn" type="submit">{format!("Items of {} received", ret.reference())}</button>
                </form>
            })}
            {matches!(ret.status, ReturnStatus::Approved | ReturnStatus::Received).then(|| view! {
                <form method="post" action=action.clone() class="return-card__refund">
                    <input type="hidden" name="action" value="return_refund"/>
                    <input type="hidden" name="return_id" value=id.clone()/>
                    <fieldset>
                        <legend>"Put back in stock"</legend>
                        {ret.lines.iter().map(|l| {
                            let field_id = format!("restock-{id}-{}", l.variant_id);
                            view! {
                                <div class="choice">
                                    <input type="checkbox" id=field_id.clone() name=format!("restock_{}", l.variant_id) value="yes" checked=received/>
                                    <label for=field_id>{format!("{} × {}", l.quantity, l.name)}</label>
                                </div>
                            }
                        }).collect_view()}
                    </fieldset>
                    {order.ships().then(|| {
                        let field_id = format!("with-shipping-{id}");
                        view! {
                            <div class="choice">
                                <input type="checkbox" id=field_id.clone() name="with_shipping" value="yes"/>
                                <label for=field_id>{format!("Also refund shipping (then {})", crate::money::Money::new(with_shipping, order.total.currency).format())}</label>
                            </div>
                        }
                    })}
                    <button class="btn btn--danger" type="submit">
                        {format!("Refund {} for {}", crate::money::Money::new(items_only, order.total.currency).format(), ret.reference())}
                    </button>
                </form>
            })}
        </div>
    }
}

/// The returns' actions of POST /admin/orders/{id}; `Ok` names the step for the page.
#[cfg(feature = "ssr")]
pub async fn act_on_return(
    ctx: &crate::forms::PageContext,
    payments: &crate::checkout::Payments,
    actor: &crate::request::CurrentUser,
    public_id: &str,
    fields: &std::collections::HashMap<String, String>,
) -> Result<&'static str, crate::error::AppError> {
    use crate::checkout::returns::repo::{change_return, Change, Step};
    use crate::error::AppError;
    use crate::forms::field;
    let order = crate::checkout::repo::find_order(&ctx.db, public_id, None)
        .await?
        .ok_or(AppError::NotFound)?;
    let return_id = field(fields, "return_id")
        .parse::<i64>()
        .map_err(|_| AppError::NotFound)?;
    let ret = order
        .returns
        .iter()
        .find(|r| r.id == return_id)
        .cloned()
        .ok_or(AppError::NotFound)?;
    let reference = ret.reference();
    let action = field(fields, "action");
    let decline_reason = field(fields, "decline_reason").trim().to_string();
    let (to, timeline, done) = match action.as_str() {
        "return_approve" => (
            ReturnStatus::Approved,
            format!("Return {reference} approved"),
            "return_approved",
        ),
        "return_decline" => {
            if decline_reason.is_empty() || decline_reason.chars().count() > 300 {
                return Err(AppError::invalid(
                    "decline_reason",
                    "Tell the customer why, in up to 300 characters.",
                ));
            }
            (
                ReturnStatus::Declined,
                format!("Return {reference} declined: {decline_reason}"),
                "return_declined",
            )
        }
        "return_receive" => (
            ReturnStatus::Received,
            format!("Items of return {reference} received"),
            "return_received",
        ),
        "return_refund" => (ReturnStatus::Refunded, String::new(), "return_refunded"),
        _ => return Err(AppError::bad_request("Unknown order action.")),
    };
    let step_refused = |from: ReturnStatus| AppError::Conflict {
        message: format!(
            "Return {reference} is \"{}\" now; reload the order to see what changed.",
            from.label()
        ),
    };
    if !ret.status.can_become(to) {
        return Err(step_refused(ret.status));
    }
    let mut refund_cents = 0;
    let mut restock: Vec<i64> = Vec::new();
    let timeline = if to == ReturnStatus::Refunded {
        refund_cents = return_refund(&order, &ret, field(fields, "with_shipping") == "yes");
        restock = ret
            .lines
            .iter()
            .filter(|l| field(fields, &format!("restock_{}", l.variant_id)) == "yes")
            .map(|l| l.variant_id)
            .collect();
        if refund_cents > 0 {
            // One key per return: a double click (or a retry) is one refund at the provider
            // and one stored refund event.
            super::handlers::refund_at_provider(
                ctx,
                payments,
                public_id,
                refund_cents,
                &format!("return-{public_id}-{return_id}"),
            )
            .await?;
        }
        format!(
            "Return {reference} refunded: {}",
            crate::money::Money::new(refund_cents, order.total.currency).format()
        )
    } else {
        timeline
    };
    let step = change_return(
        &ctx.db,
        &Change {
            order_public_id: public_id,
            return_id,
            to,
            timeline: &timeline,
            decline_reason: &decline_reason,
            refund_cents,
            restock: &restock,
        },
    )
    .await?;
    match step {
        Step::Done => {}
        Step::NotFound => return Err(AppError::NotFound),
        Step::Refused(from) => return Err(step_refused(from)),
    }
    // Staff also read which lines went back in stock (customers need not).
    let detail = match restock.len() {
        0 => timeline.clone(),
        n => format!("{timeline}; {n} line(s) back in stock"),
    };
    crate::admin::audit::record(
        &ctx.db,
        actor,
        &format!("order.{done}"),
        "order",
        public_id,
        &detail,
    )
    .await?;
    tell_the_customer(ctx, &order, &ret, to, &decline_reason, refund_cents).await?;
    Ok(done)
}

/// Each step's email to the customer, with the order's signed link.
#[cfg(feature = "ssr")]
async fn tell_the_customer(
    ctx: &crate::forms::PageContext,
    order: &Order,
    ret: &OrderReturn,
    to: ReturnStatus,
    decline_reason: &str,
    refund_cents: i64,
) -> Result<(), sqlx::Error> {
    if order.email.is_empty() {
        return Ok(());
    }
    let secret = crate::checkout::repo::order_link_secret(&ctx.db).await?;
    let link = crate::signature::order_link(&secret, &ctx.site.public_url, &order.public_id);
    let reference = ret.reference();
    let items = ret
        .lines
        .iter()
        .map(|l| format!("  {} × {}", l.quantity, l.name))
        .collect::<Vec<_>>()
        .join("\n");
    let (subject, what) = match to {
        ReturnStatus::Approved => (
            format!("Return {reference} approved: how to send the items"),
            format!(
                "Your return {reference} is approved. Pack these items with a note saying {reference}:\n{items}\n\n\
                 Send them to: Storefront Returns, 1 Roastery Lane, Portland OR 97201, United States.\n\
                 We refund them as soon as they arrive."
            ),
        ),
        ReturnStatus::Declined => (
            format!("About your return {reference}"),
            format!("We can't accept return {reference}: {decline_reason}\n\nIf you'd like to talk about it, reply to this email."),
        ),
        ReturnStatus::Received => (
            format!("We received the items of return {reference}"),
            format!("The items of return {reference} arrived. Your refund follows shortly."),
        ),
        ReturnStatus::Refunded => (
            format!("Return {reference} refunded"),
            format!(
                "We refunded {} for return {reference}. Depending on your bank it shows within 5 to 10 days.",
                crate::money::Money::new(refund_cents, order.total.currency).format()
            ),
        ),
        ReturnStatus::Requested => return Ok(()),
    };
    let body = format!(
        "{what}\n\nYour order {}: {link}\n\nQuestions? Reply to this email and a person will answer.\n",
        order.reference()
    );
    crate::email::repo::enqueue_email(&ctx.db, &order.email, &subject, &body, "return").await?;
    Ok(())
}
