//! The ticket inbox (sales and admin): every conversation with how long the customer has
//! waited, filters by status, assignee, funnel stage and age, and the ticket page — the
//! conversation (live), the customer's research as a timeline, replies (emailed),
//! internal notes, assignment and the sales outcome.

use crate::admin::frame::{admin_error, AdminFrame};
use crate::error::AppError;
use crate::forms::feedback_for;
use crate::tickets::islands::{InboxWatcher, LiveThread};
use crate::tickets::model::{
    callback_window_label, elapsed_words, Contact, InboxFilter, StaffTicket, TicketContext,
    TicketRow, TicketStatus, MAX_MESSAGE_CHARS,
};
use crate::time::format_time;
use crate::ui::form::{FormAlert, SuccessAlert};
use crate::ui::query_param as query;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use {crate::admin::guard::require, crate::db::use_db, crate::request::Area};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Inbox {
    pub rows: Vec<TicketRow>,
    pub filter: InboxFilter,
    pub assignees: Vec<crate::tickets::model::Assignee>,
    pub now: i64,
    pub response_target_seconds: i64,
    /// The newest message when the page was made: the live stream reports anything after.
    pub newest_message: i64,
}

#[server(endpoint = "admin/tickets")]
pub async fn load_inbox(
    status: String,
    assignee: String,
    stage: String,
    older: String,
) -> Result<Inbox, AppError> {
    let me = require(&crate::request::RequestContext::current(), Area::Tickets)?;
    let db = use_db()?;
    let filter = InboxFilter {
        status,
        assignee,
        stage,
        older_than_hours: older.trim().parse::<i64>().unwrap_or(0).clamp(0, 24 * 365),
    };
    let now = crate::db::now_unix();
    Ok(Inbox {
        rows: crate::tickets::repo::list_inbox(&db, &filter, me.id, now).await?,
        assignees: crate::tickets::repo::list_assignees(&db).await?,
        newest_message: crate::tickets::repo::newest_message_id(&db).await?,
        response_target_seconds: response_target_seconds(),
        filter,
        now,
    })
}

#[cfg(feature = "ssr")]
fn response_target_seconds() -> i64 {
    leptos::prelude::use_context::<crate::seo::SiteInfo>()
        .map_or(60, |site| site.first_response_minutes)
        * 60
}

#[server(endpoint = "admin/ticket")]
pub async fn load_staff_ticket(public_id: String) -> Result<StaffTicket, AppError> {
    let me = require(&crate::request::RequestContext::current(), Area::Tickets)?;
    let db = use_db()?;
    let head = crate::tickets::repo::find_ticket(&db, &public_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let facts = crate::tickets::repo::staff_facts(&db, head.id)
        .await?
        .ok_or(AppError::NotFound)?;
    let messages = crate::tickets::repo::list_messages(&db, head.id, 0, true).await?;
    // Opening the conversation is reading it.
    crate::tickets::repo::mark_seen(&db, head.id).await?;
    let cart_now = crate::cart::repo::list_lines(&db, &head.owner).await?;
    let cart_now_total = crate::cart::model::cart_total(&cart_now)
        .map(|total| total.format())
        .unwrap_or_default();
    let mut quotes = Vec::new();
    for quote in crate::quotes::quotes_of_ticket(&db, head.id).await? {
        if let Some(found) = crate::quotes::load_quote(&db, &quote).await? {
            quotes.push(found);
        }
    }
    Ok(StaffTicket {
        row: facts.row,
        contact: facts.contact,
        phone: facts.phone,
        callback_window: facts.callback_window,
        outcome_reason: facts.outcome_reason,
        assignee_id: head.assignee_id,
        resolved_at: facts.resolved_at,
        context: facts.context,
        messages,
        assignees: crate::tickets::repo::list_assignees(&db).await?,
        response_target_seconds: response_target_seconds(),
        now: crate::db::now_unix(),
        quote_products: crate::quotes::quote_products(&db).await?,
        max_discount_percent: me.role.map_or(0, crate::quotes::max_discount_percent),
        quotes,
        cart_now: cart_now
            .iter()
            .map(|line| crate::tickets::model::CartItem {
                slug: line.slug.clone(),
                name: line.name.clone(),
                quantity: line.quantity,
                line_total: line.subtotal().format(),
            })
            .collect(),
        cart_now_total,
    })
}

#[component]
pub fn AdminTicketsPage() -> impl IntoView {
    let (status, assignee, stage, older) = (
        query("status"),
        query("assignee"),
        query("stage"),
        query("older"),
    );
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading tickets…"</p> }>
            {move || {
                let (status, assignee, stage, older) =
                    (status.clone(), assignee.clone(), stage.clone(), older.clone());
                Suspend::new(async move {
                    match load_inbox(status, assignee, stage, older).await {
                        Ok(inbox) => view! { <InboxView inbox/> }.into_any(),
                        Err(error) => admin_error(error),
                    }
                })
            }}
        </Suspense>
    }
}

const STATUS_FILTERS: [(&str, &str); 8] = [
    ("", "Active (new, open, waiting)"),
    ("new", "New"),
    ("open", "Open"),
    ("waiting_on_customer", "Waiting on customer"),
    ("won", "Won"),
    ("lost", "Lost"),
    ("closed", "Closed"),
    ("all", "All"),
];

const AGE_FILTERS: [(&str, &str); 4] = [
    ("", "Any age"),
    ("1", "Older than an hour"),
    ("24", "Older than a day"),
    ("168", "Older than a week"),
];

#[component]
fn InboxView(inbox: Inbox) -> impl IntoView {
    let filter = inbox.filter.clone();
    let older = if filter.older_than_hours == 0 {
        String::new()
    } else {
        filter.older_than_hours.to_string()
    };
    let stream = format!("/admin/tickets/live?after={}", inbox.newest_message);
    let (now, target) = (inbox.now, inbox.response_target_seconds);
    view! {
        <AdminFrame title="Tickets" current="/admin/tickets">
            <InboxWatcher stream/>
            <form class="admin-filters" method="get" action="/admin/tickets">
                <div class="field">
                    <label for="status">"Status"</label>
                    <select id="status" name="status">
                        {STATUS_FILTERS.iter().map(|(key, label)| view! {
                            <option value=*key selected=filter.status == *key>{*label}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="assignee">"Assignee"</label>
                    <select id="assignee" name="assignee">
                        <option value="" selected=filter.assignee.is_empty()>"Anyone"</option>
                        <option value="me" selected=filter.assignee == "me">"Me"</option>
                        <option value="none" selected=filter.assignee == "none">"Nobody yet"</option>
                        {inbox.assignees.iter().map(|a| {
                            let id = a.id.to_string();
                            let selected = filter.assignee == id;
                            view! { <option value=id selected=selected>{a.name.clone()}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="stage">"Stage"</label>
                    <select id="stage" name="stage">
                        <option value="" selected=filter.stage.is_empty()>"Any stage"</option>
                        {crate::content::model::Stage::ALL.iter().map(|s| view! {
                            <option value=s.key() selected=filter.stage == s.key()>{s.label()}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="older">"Age"</label>
                    <select id="older" name="older">
                        {AGE_FILTERS.iter().map(|(key, label)| view! {
                            <option value=*key selected=older == *key>{*label}</option>
                        }).collect_view()}
                    </select>
                </div>
                <button class="btn" type="submit">"Filter"</button>
            </form>
            {if inbox.rows.is_empty() {
                view! { <div class="empty-state"><h2>"No tickets here"</h2><p>"When a customer asks for a person, their question appears here at once, with what they read and compared."</p></div> }.into_any()
            } else {
                view! {
                    <table class="admin-table inbox">
                        <thead><tr>
                            <th scope="col">"Question"</th><th scope="col">"Customer"</th><th scope="col">"Stage"</th>
                            <th scope="col">"Status"</th><th scope="col">"Assignee"</th><th scope="col">"Waiting"</th>
                        </tr></thead>
                        <tbody>
                            {inbox.rows.into_iter().map(|t| {
                                let overdue = t.overdue(now, target);
                                let unread = t.unread > 0;
                                let waiting = elapsed_words(now - t.customer_last_at);
                                view! {
                                    <tr class=("inbox__row--overdue", overdue) class=("inbox__row--unread", unread)>
                                        <td>
                                            <a href=format!("/admin/tickets/{}", t.public_id)>{t.subject.clone()}</a>
                                            {unread.then(|| view! { <span class="badge">{format!("{} new", t.unread)}</span> })}
                                        </td>
                                        <td>{t.name.clone()}<br/><span class="muted">{t.email.clone()}</span></td>
                                        <td>{crate::content::model::Stage::parse(&t.stage).map_or("—", |s| s.label())}</td>
                                        <td><span class=format!("status status--{}", t.status.key())>{t.status.label()}</span></td>
                                        <td>{if t.assignee.is_empty() { "—".to_string() } else { t.assignee.clone() }}</td>
                                        <td>
                                            {waiting}
                                            {overdue.then(|| view! { <span class="badge badge--warn">"No answer yet"</span> })}
                                        </td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        </AdminFrame>
    }
}

#[component]
pub fn AdminTicketPage() -> impl IntoView {
    let id = crate::ui::path_param("id");
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading the ticket…"</p> }>
            {move || {
                let id = id.clone();
                Suspend::new(async move {
                    match load_staff_ticket(id).await {
                        Ok(ticket) => view! { <TicketDesk ticket/> }.into_any(),
                        Err(error) => admin_error(error),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn TicketDesk(ticket: StaffTicket) -> impl IntoView {
    let row = ticket.row.clone();
    let feedback = feedback_for("ticket");
    let message_error = feedback.as_ref().and_then(|f| f.error("message"));
    let reason_error = feedback.as_ref().and_then(|f| f.error("reason"));
    let (message_invalid, reason_invalid) = (message_error.is_some(), reason_error.is_some());
    let action = format!("/admin/tickets/{}", row.public_id);
    let stream = format!("/admin/tickets/{}/live", row.public_id);
    let saved = match query("saved").as_str() {
        "reply" => Some("Reply sent — the customer sees it now and gets it by email."),
        "note" => Some("Note added. Only staff see it."),
        "assign" => Some("Assignment saved."),
        "status" => Some("Status saved."),
        "quote" => {
            Some("Quote sent — the customer has a checkout link on their page and by email.")
        }
        _ => None,
    };
    let first_response = match row.first_response_at {
        Some(at) => format!("First answer after {}", elapsed_words(at - row.created_at)),
        None if row.overdue(ticket.now, ticket.response_target_seconds) => format!(
            "No answer yet — waiting {} (target {})",
            elapsed_words(ticket.now - row.created_at),
            elapsed_words(ticket.response_target_seconds)
        ),
        None => format!(
            "No answer yet — waiting {}",
            elapsed_words(ticket.now - row.created_at)
        ),
    };
    let resolution = ticket
        .resolved_at
        .map(|at| format!("Resolved after {}", elapsed_words(at - row.created_at)));
    let contact = match ticket.contact {
        Contact::Email => format!("Prefers email: {}", row.email),
        Contact::Phone => format!(
            "Prefers a call-back: {} · {}",
            ticket.phone,
            callback_window_label(&ticket.callback_window)
        ),
    };
    let next_statuses: Vec<TicketStatus> = TicketStatus::ALL
        .into_iter()
        .filter(|s| row.status.can_become(*s))
        .collect();
    let typed_message = crate::forms::typed_or(&feedback, "message", "");
    let typed_reason = crate::forms::typed_or(&feedback, "reason", "");
    let overdue = row.overdue(ticket.now, ticket.response_target_seconds);
    view! {
        <AdminFrame title=row.subject.clone() current="/admin/tickets">
            <p class="admin-back"><a href="/admin/tickets">"← Inbox"</a></p>
            <SuccessAlert message=saved/>
            <FormAlert feedback=feedback.clone() fields=&["message", "reason", "quote", "discount"]/>
            <div class="ticket-desk">
                <div class="ticket-desk__conversation">
                    <p class="ticket__meta">
                        <span class=format!("status status--{}", row.status.key())>{row.status.label()}</span>
                        {(!ticket.outcome_reason.is_empty()).then(|| format!(" · {}", ticket.outcome_reason))}
                    </p>
                    <p><strong>{row.name.clone()}</strong>" · "{contact}</p>
                    <p class="muted" class=("text-warn", overdue)>{first_response}{resolution.map(|r| format!(" · {r}"))}</p>
                    <LiveThread messages=ticket.messages.clone() stream staff=true/>
                    <form class="stack ticket__reply" method="post" action=action.clone()>
                        <div class="field" class=("field--invalid", message_invalid)>
                            <label for="message">"Reply or note"</label>
                            <p class="field__hint">"A reply goes to the customer (on their page and by email). A note stays with the team."</p>
                            <textarea id="message" name="message" rows="5" maxlength=MAX_MESSAGE_CHARS>{crate::html::escape_text(&typed_message)}</textarea>
                            {message_error.map(|m| view! { <p class="field__error">{m}</p> })}
                        </div>
                        <div class="form-actions">
                            <button class="btn btn--primary" type="submit" name="action" value="reply">"Send reply"</button>
                            <button class="btn" type="submit" name="action" value="note">"Add internal note"</button>
                        </div>
                    </form>
                </div>
                <aside class="ticket-desk__side">
                    <section class="research research--now" aria-labelledby="now-title">
                        <h2 id="now-title">"Their cart now"</h2>
                        {if ticket.cart_now.is_empty() {
                            view! { <p class="muted">"Empty right now."</p> }.into_any()
                        } else {
                            view! {
                                <ul class="research__list">
                                    {ticket.cart_now.iter().map(|c| view! {
                                        <li>{format!("{} × {}", c.quantity, c.name)}<span class="muted">{format!(" · {}", c.line_total)}</span></li>
                                    }).collect_view()}
                                </ul>
                                <p><strong>{format!("Cart value {}", ticket.cart_now_total)}</strong></p>
                            }.into_any()
                        }}
                    </section>
                    <ResearchTimeline context=ticket.context.clone()/>
                    <form class="stack" method="post" action=action.clone()>
                        <input type="hidden" name="action" value="assign"/>
                        <div class="field">
                            <label for="assignee">"Assignee"</label>
                            <select id="assignee" name="assignee">
                                <option value="" selected=ticket.assignee_id.is_none()>"Nobody"</option>
                                {ticket.assignees.iter().map(|a| view! {
                                    <option value=a.id.to_string() selected=ticket.assignee_id == Some(a.id)>{a.name.clone()}</option>
                                }).collect_view()}
                            </select>
                        </div>
                        <button class="btn btn--small" type="submit">"Assign"</button>
                    </form>
                    {(!next_statuses.is_empty()).then(|| view! {
                        <form class="stack" method="post" action=action.clone()>
                            <input type="hidden" name="action" value="status"/>
                            <input type="hidden" name="from" value=row.status.key()/>
                            <div class="field">
                                <label for="status">"Move to"</label>
                                <select id="status" name="status">
                                    {next_statuses.iter().map(|s| view! { <option value=s.key()>{s.label()}</option> }).collect_view()}
                                </select>
                            </div>
                            <div class="field" class=("field--invalid", reason_invalid)>
                                <label for="reason">"Reason (needed for won or lost)"</label>
                                <input id="reason" name="reason" type="text" maxlength="200" value=typed_reason/>
                                {reason_error.map(|m| view! { <p class="field__error">{m}</p> })}
                            </div>
                            <button class="btn btn--small" type="submit">"Save status"</button>
                        </form>
                    })}
                    <QuoteBuilder ticket=ticket.clone() action=action.clone()/>
                </aside>
            </div>
        </AdminFrame>
    }
}

/// The customer's research, as it was when they asked.
#[component]
fn ResearchTimeline(context: TicketContext) -> impl IntoView {
    let entry = if context.entry_path.is_empty() {
        "—".to_string()
    } else {
        context.entry_path.clone()
    };
    view! {
        <section class="research" aria-labelledby="research-title">
            <h2 id="research-title">"What they looked at"</h2>
            <p class="muted">"As it was when they asked."</p>
            <dl class="research__facts">
                <dt>"Asked from"</dt><dd>{entry}</dd>
                {context.product.clone().map(|(slug, name)| view! {
                    <dt>"About"</dt><dd><a href=format!("/products/{slug}")>{name}</a></dd>
                })}
                {(!context.stage.is_empty()).then(|| view! { <dt>"Stage"</dt><dd>{context.stage.clone()}</dd> })}
                {(!context.persona.is_empty()).then(|| view! { <dt>"Persona"</dt><dd>{context.persona.clone()}</dd> })}
            </dl>
            {(!context.trail_shared).then(|| view! {
                <p class="muted">"The customer chose not to share their research trail (or their browser asks not to be tracked)."</p>
            })}
            {(!context.read.is_empty()).then(|| view! {
                <h3>"Read"</h3>
                <ul class="research__list">
                    {context.read.iter().map(|p| view! {
                        <li><a href=format!("/learn/{}", p.slug)>{p.title.clone()}</a>
                            <span class="muted">{format!(" · {} · {}", p.kind, p.stage)}
                            {(!p.reading.is_empty()).then(|| format!(" · {}", p.reading))}</span></li>
                    }).collect_view()}
                </ul>
            })}
            {(!context.viewed.is_empty()).then(|| view! {
                <h3>"Products viewed"</h3>
                <ul class="research__list">
                    {context.viewed.iter().map(|p| view! {
                        <li><a href=format!("/products/{}", p.slug)>{p.name.clone()}</a>
                            <span class="muted">{if p.views > 1 { format!(" · {} views", p.views) } else { String::new() }}</span></li>
                    }).collect_view()}
                </ul>
            })}
            {(!context.compared.is_empty()).then(|| view! {
                <h3>"Compared"</h3>
                <ul class="research__list">
                    {context.compared.iter().map(|names| view! { <li>{names.join(" vs ")}</li> }).collect_view()}
                </ul>
            })}
            {(!context.searches.is_empty()).then(|| view! {
                <h3>"Searched for"</h3>
                <p>{context.searches.iter().map(|s| format!("“{s}”")).collect::<Vec<_>>().join(", ")}</p>
            })}
            <h3>"Cart"</h3>
            {if context.cart.is_empty() {
                view! { <p class="muted">"Empty when they asked."</p> }.into_any()
            } else {
                view! {
                    <ul class="research__list">
                        {context.cart.iter().map(|c| view! {
                            <li>{format!("{} × {}", c.quantity, c.name)}<span class="muted">{format!(" · {}", c.line_total)}</span></li>
                        }).collect_view()}
                    </ul>
                    <p><strong>{format!("Cart value {}", context.cart_total)}</strong></p>
                }.into_any()
            }}
            {(!context.checkout.is_empty()).then(|| view! { <p class="alert alert--error">{context.checkout.clone()}</p> })}
            {(!context.orders.is_empty()).then(|| view! {
                <h3>"Orders"</h3>
                <ul class="research__list">
                    {context.orders.iter().map(|o| view! {
                        <li><a href=format!("/admin/orders/{}", o.public_id)>{crate::checkout::model::short_reference(&o.public_id)}</a>
                            <span class="muted">{format!(" · {} · {} · {}", o.total, o.status, format_time(o.created_at))}</span></li>
                    }).collect_view()}
                </ul>
            })}
            {(!context.tickets.is_empty()).then(|| view! {
                <h3>"Earlier questions"</h3>
                <ul class="research__list">
                    {context.tickets.iter().map(|t| view! {
                        <li><a href=format!("/admin/tickets/{}", t.public_id)>{t.subject.clone()}</a>
                            <span class="muted">{format!(" · {} · {}", t.status, format_time(t.created_at))}</span></li>
                    }).collect_view()}
                </ul>
            })}
        </section>
    }
}

/// Build a cart for the customer and send them its checkout link.
#[component]
fn QuoteBuilder(ticket: StaffTicket, action: String) -> impl IntoView {
    let feedback = feedback_for("ticket");
    let quote_error = feedback.as_ref().and_then(|f| f.error("quote"));
    let discount_error = feedback.as_ref().and_then(|f| f.error("discount"));
    let (quote_invalid, discount_invalid) = (quote_error.is_some(), discount_error.is_some());
    let typed = |name: &str| crate::forms::typed_or(&feedback, name, "");
    let rows = (1..=crate::quotes::model::MAX_QUOTE_LINES)
        .map(|n| {
            let chosen = typed(&format!("product_{n}"));
            let quantity = crate::forms::typed_or(&feedback, &format!("quantity_{n}"), "1");
            let products = ticket.quote_products.clone();
            view! {
                <div class="quote-row">
                    <label class="visually-hidden" for=format!("product_{n}")>{format!("Product {n}")}</label>
                    <select id=format!("product_{n}") name=format!("product_{n}")>
                        <option value="">"— product —"</option>
                        {products.into_iter().map(|p| {
                            let id = p.id.to_string();
                            let selected = chosen == id;
                            view! { <option value=id selected=selected>{format!("{} · {}", p.name, p.price)}</option> }
                        }).collect_view()}
                    </select>
                    <label class="visually-hidden" for=format!("quantity_{n}")>{format!("Quantity {n}")}</label>
                    <input id=format!("quantity_{n}") name=format!("quantity_{n}") type="number" min="1" max="20" value=quantity inputmode="numeric"/>
                </div>
            }
        })
        .collect_view();
    let max = ticket.max_discount_percent;
    view! {
        <form class="stack quote-builder" method="post" action=action>
            <input type="hidden" name="action" value="quote"/>
            <h2>"Send a quote"</h2>
            {ticket.quotes.first().map(|q| view! {
                <p class="muted">{format!("Last quote: {} item(s), {} ({}% off)", q.lines.len(), q.total.format(), q.discount_percent)}</p>
            })}
            <div class="field" class=("field--invalid", quote_invalid)>
                {rows}
                {quote_error.map(|m| view! { <p class="field__error">{m}</p> })}
            </div>
            <div class="field" class=("field--invalid", discount_invalid)>
                <label for="discount">"Discount (%)"</label>
                <p class="field__hint">{format!("Up to {max}% for your role.")}</p>
                <input id="discount" name="discount" type="number" min="0" max=max.to_string() value=crate::forms::typed_or(&feedback, "discount", "0") inputmode="numeric"/>
                {discount_error.map(|m| view! { <p class="field__error">{m}</p> })}
            </div>
            <button class="btn btn--small btn--primary" type="submit">"Send quote to the customer"</button>
        </form>
    }
}
