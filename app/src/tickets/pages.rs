//! The customer's side of "talk to a human": the question form, a ticket's conversation
//! (live), and "my tickets".

use super::api::{load_ask_form, load_my_tickets, load_quote, load_ticket, AskForm};
use super::islands::LiveThread;
use super::model::{CustomerTicket, TicketRow, CALLBACK_WINDOWS, MAX_MESSAGE_CHARS};
use crate::forms::{feedback_for, typed_or};
use crate::quotes::model::Quote;
use crate::time::format_time;
use crate::ui::form::{FormAlert, TextField};
use crate::ui::{path_param, query_param, ErrorPage, Layout};
use leptos::prelude::*;
use leptos_meta::{Meta, Title};

#[component]
pub fn AskPage() -> impl IntoView {
    let (from, product) = (query_param("from"), query_param("product"));
    let sent = query_param("sent") == "1";
    view! {
        <Layout>
            <Title text="Talk to a human · Storefront"/>
            <Meta name="robots" content="noindex"/>
            {if sent {
                view! {
                    <section class="container narrow ask">
                        <h1>"Thanks — we've got your question"</h1>
                        <p>"A person from our team will answer soon."</p>
                    </section>
                }.into_any()
            } else {
                view! {
                    <Suspense fallback=|| view! { <p class="loading container">"Loading…"</p> }>
                        {move || {
                            let (from, product) = (from.clone(), product.clone());
                            Suspend::new(async move {
                                match load_ask_form(from.clone(), product.clone()).await {
                                    Ok(form) => view! { <AskFormView form from/> }.into_any(),
                                    Err(error) => view! { <ErrorPage error/> }.into_any(),
                                }
                            })
                        }}
                    </Suspense>
                }.into_any()
            }}
        </Layout>
    }
}

#[component]
fn AskFormView(form: AskForm, from: String) -> impl IntoView {
    let feedback = feedback_for("ask");
    let question_error = feedback.as_ref().and_then(|f| f.error("question"));
    let phone_error = feedback.as_ref().and_then(|f| f.error("phone"));
    let window_error = feedback.as_ref().and_then(|f| f.error("callback_window"));
    let question = typed_or(&feedback, "question", "");
    let contact = typed_or(&feedback, "contact", "email");
    let window = typed_or(&feedback, "callback_window", "");
    // The box starts ticked; a re-shown form keeps what the customer chose.
    let share = match &feedback {
        Some(f) => f.value("share_trail") == "1",
        None => true,
    };
    let heading = match &form.product {
        Some((_, name)) => format!("Ask about {name}"),
        None => "Talk to a human".to_string(),
    };
    let product_slug = form
        .product
        .as_ref()
        .map(|(slug, _)| slug.clone())
        .unwrap_or_default();
    let sharing = if form.tracking_off {
        "Your browser asks not to be tracked, so we have no research trail to share.".to_string()
    } else if form.sharing.is_empty() {
        "You haven't browsed much yet, so there's no research trail to share.".to_string()
    } else {
        format!("{}, so you won't have to explain it again.", form.sharing)
    };
    let always = if form.cart.is_empty() {
        "Your orders and earlier questions are visible to our team.".to_string()
    } else {
        format!("Our team also sees {} and your orders.", form.cart)
    };
    let has_trail = !form.tracking_off && !form.sharing.is_empty();
    let (q_invalid, phone_invalid, window_invalid) = (
        question_error.is_some(),
        phone_error.is_some(),
        window_error.is_some(),
    );
    view! {
        <section class="container narrow ask">
            <h1>{heading}</h1>
            <p class="lead">"A real person from our team reads every question — no bots, no sales script. We usually answer within the hour in business hours."</p>
            <FormAlert feedback=feedback.clone() fields=&["name", "email", "question", "phone", "callback_window"]/>
            <form class="stack ask__form" method="post" action="/help/ask" novalidate=true>
                <input type="hidden" name="from" value=from/>
                <input type="hidden" name="product" value=product_slug/>
                // Bots fill every field; people never see this one.
                <div class="honeypot" aria-hidden="true">
                    <label for="website">"Leave this empty"</label>
                    <input id="website" name="website" type="text" tabindex="-1" autocomplete="off"/>
                </div>
                <TextField feedback=feedback.clone() name="name" label="Your name" value=form.name.clone() autocomplete="name" required=true maxlength=100/>
                <TextField feedback=feedback.clone() name="email" label="Email" kind="email" value=form.email.clone() autocomplete="email" required=true
                    hint=if form.signed_in { "From your account; we answer here." } else { "We'll send you a link to this conversation." }/>
                <div class="field" class=("field--invalid", q_invalid)>
                    <label for="question">"Your question"</label>
                    <p class="field__hint" id="question-hint">"What are you trying to decide? The more you tell us, the better the answer."</p>
                    <textarea id="question" name="question" rows="6" maxlength=MAX_MESSAGE_CHARS required=true
                        aria-invalid=q_invalid.then_some("true") aria-describedby="question-hint">{crate::html::escape_text(&question)}</textarea>
                    {question_error.map(|m| view! { <p class="field__error">{m}</p> })}
                </div>
                <fieldset class="field choice-group">
                    <legend>"How should we answer?"</legend>
                    <label class="choice"><input type="radio" name="contact" value="email" checked=contact != "phone"/>" By email"</label>
                    <label class="choice"><input type="radio" name="contact" value="phone" checked=contact == "phone"/>" Call me back"</label>
                </fieldset>
                <div class="ask__phone">
                    <div class="field" class=("field--invalid", phone_invalid)>
                        <label for="phone">"Phone (for a call-back)"</label>
                        <input id="phone" name="phone" type="tel" autocomplete="tel" maxlength="30"
                            value=typed_or(&feedback, "phone", "") aria-invalid=phone_invalid.then_some("true")/>
                        {phone_error.map(|m| view! { <p class="field__error">{m}</p> })}
                    </div>
                    <div class="field" class=("field--invalid", window_invalid)>
                        <label for="callback_window">"Best time to call"</label>
                        <select id="callback_window" name="callback_window" aria-invalid=window_invalid.then_some("true")>
                            <option value="" selected=window.is_empty()>"Choose a time"</option>
                            {CALLBACK_WINDOWS.iter().map(|(key, label)| view! {
                                <option value=*key selected=window == *key>{*label}</option>
                            }).collect_view()}
                        </select>
                        {window_error.map(|m| view! { <p class="field__error">{m}</p> })}
                    </div>
                </div>
                <div class="ask__sharing">
                    <h2>"What we'll see"</h2>
                    <p>{sharing}</p>
                    {has_trail.then(|| view! {
                        <label class="choice"><input type="checkbox" name="share_trail" value="1" checked=share/>
                            " Share my research trail (untick to keep it to yourself)"</label>
                    })}
                    <p class="field__hint">{always}</p>
                </div>
                <button class="btn btn--primary btn--block" type="submit">"Send to our team"</button>
            </form>
        </section>
    }
}

#[component]
pub fn TicketPage() -> impl IntoView {
    let id = path_param("id");
    let token = query_param("t");
    view! {
        <Layout>
            <Title text="Your conversation · Storefront"/>
            <Meta name="robots" content="noindex"/>
            <Suspense fallback=|| view! { <p class="loading container">"Loading the conversation…"</p> }>
                {move || {
                    let (id, token) = (id.clone(), token.clone());
                    Suspend::new(async move {
                        match load_ticket(id, token).await {
                            Ok(ticket) => view! { <TicketView ticket/> }.into_any(),
                            Err(error) => view! { <ErrorPage error/> }.into_any(),
                        }
                    })
                }}
            </Suspense>
        </Layout>
    }
}

#[component]
fn TicketView(ticket: CustomerTicket) -> impl IntoView {
    let feedback = feedback_for("ticket-reply");
    let error = feedback.as_ref().and_then(|f| f.error("message"));
    let invalid = error.is_some();
    let typed = typed_or(&feedback, "message", "");
    let token_query = if ticket.token.is_empty() {
        String::new()
    } else {
        format!("?t={}", crate::forms::url_encode(&ticket.token))
    };
    let stream = format!("/tickets/{}/live{token_query}", ticket.public_id);
    let action = format!("/tickets/{}/reply", ticket.public_id);
    let closed = ticket.status.is_resolved();
    view! {
        <section class="container narrow ticket">
            <p class="admin-back"><a href="/account/tickets">"← Your conversations"</a></p>
            <h1>{ticket.subject.clone()}</h1>
            <p class="ticket__meta">
                <span class=format!("status status--{}", ticket.status.key())>{ticket.status.customer_label()}</span>
                " · Opened " {format_time(ticket.created_at)}
            </p>
            <p class="ticket__promise">"A person from our team answers here and by email. Replies appear on this page as they're sent."</p>
            {(!ticket.quotes.is_empty()).then(|| view! {
                <div class="ticket__quotes">
                    {ticket.quotes.iter().enumerate().map(|(n, href)| view! {
                        <a class="btn btn--primary" href=href.clone()>{if n == 0 { "See your quote and check out" } else { "An earlier quote" }}</a>
                    }).collect_view()}
                </div>
            })}
            <LiveThread messages=ticket.messages.clone() stream staff=false/>
            <FormAlert feedback=feedback.clone() fields=&["message"]/>
            <form class="stack ticket__reply" method="post" action=action>
                <input type="hidden" name="t" value=ticket.token.clone()/>
                <div class="field" class=("field--invalid", invalid)>
                    <label for="message">{if closed { "Write again to reopen the conversation" } else { "Add to the conversation" }}</label>
                    <textarea id="message" name="message" rows="4" maxlength=MAX_MESSAGE_CHARS
                        aria-invalid=invalid.then_some("true")>{crate::html::escape_text(&typed)}</textarea>
                    {error.map(|m| view! { <p class="field__error">{m}</p> })}
                </div>
                <button class="btn btn--primary" type="submit">"Send"</button>
            </form>
        </section>
    }
}

#[component]
pub fn MyTicketsPage() -> impl IntoView {
    view! {
        <Layout>
            <Title text="Your conversations · Storefront"/>
            <Meta name="robots" content="noindex"/>
            <Suspense fallback=|| view! { <p class="loading container">"Loading your conversations…"</p> }>
                {move || Suspend::new(async move {
                    match load_my_tickets().await {
                        Ok(tickets) => view! { <MyTickets tickets/> }.into_any(),
                        Err(error) => view! { <ErrorPage error/> }.into_any(),
                    }
                })}
            </Suspense>
        </Layout>
    }
}

#[component]
fn MyTickets(tickets: Vec<TicketRow>) -> impl IntoView {
    view! {
        <section class="container narrow">
            <h1>"Your conversations"</h1>
            {if tickets.is_empty() {
                view! {
                    <div class="empty-state">
                        <h2>"No questions yet"</h2>
                        <p>"When you'd like a person's view on anything — a product, a comparison, your cart — ask us. We'll already know what you've looked at."</p>
                        <a class="btn btn--primary" href="/help/ask?from=/account/tickets">"Talk to a human"</a>
                    </div>
                }.into_any()
            } else {
                view! {
                    <ul class="ticket-list">
                        {tickets.into_iter().map(|t| view! {
                            <li class="ticket-list__item">
                                <a href=format!("/tickets/{}", t.public_id)>{t.subject.clone()}</a>
                                <span class=format!("status status--{}", t.status.key())>{t.status.customer_label()}</span>
                                <span class="ticket-list__when">"Opened " {format_time(t.created_at)}</span>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}

#[component]
pub fn QuotePage() -> impl IntoView {
    let id = path_param("id");
    let token = query_param("t");
    view! {
        <Layout>
            <Title text="Your quote · Storefront"/>
            <Meta name="robots" content="noindex"/>
            <Suspense fallback=|| view! { <p class="loading container">"Loading your quote…"</p> }>
                {move || {
                    let (id, token) = (id.clone(), token.clone());
                    Suspend::new(async move {
                        match load_quote(id, token).await {
                            Ok(quote) => view! { <QuoteView quote/> }.into_any(),
                            Err(error) => view! { <ErrorPage error/> }.into_any(),
                        }
                    })
                }}
            </Suspense>
        </Layout>
    }
}

#[component]
fn QuoteView(quote: Quote) -> impl IntoView {
    let checkout_error =
        feedback_for("checkout").and_then(|f| f.errors.first().map(|(_, m)| m.clone()));
    let available = quote.lines.iter().all(|l| l.available);
    let saving = quote.list_total.minor - quote.total.minor;
    let ticket_link = format!("/tickets/{}", quote.ticket_public_id);
    view! {
        <section class="container narrow quote">
            <p class="eyebrow">"Prepared for you by our team"</p>
            <h1>"Your quote"</h1>
            {checkout_error.map(|m| view! { <div class="alert alert--error" role="alert">{m}</div> })}
            <table class="order-lines">
                <thead><tr><th scope="col">"Item"</th><th scope="col">"Qty"</th><th scope="col" class="num">"Price"</th></tr></thead>
                <tbody>
                    {quote.lines.iter().map(|l| {
                        let discounted = l.quoted_price != l.list_price;
                        view! {
                            <tr>
                                <td><a href=format!("/products/{}", l.slug)>{l.name.clone()}</a>
                                    {(!l.available).then(|| view! { <span class="stock stock--out">" Not available now"</span> })}</td>
                                <td>{l.quantity}</td>
                                <td class="num">
                                    {discounted.then(|| view! { <s class="price__was">{l.list_price.format()}</s>" " })}
                                    {l.quoted_price.format()}
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
                <tfoot>
                    {(saving > 0).then(|| view! {
                        <tr><th scope="row" colspan="2">{format!("Your {}% discount", quote.discount_percent)}</th>
                            <td class="num">{format!("−{}", crate::money::Money::new(saving, quote.total.currency).format())}</td></tr>
                    })}
                    <tr><th scope="row" colspan="2">"Total before shipping"</th><td class="num">{quote.total.format()}</td></tr>
                </tfoot>
            </table>
            <form method="get" action="/checkout" class="quote__checkout">
                <input type="hidden" name="quote" value=quote.public_id.clone()/>
                <input type="hidden" name="t" value=quote.token.clone()/>
                <button class="btn btn--primary btn--block" type="submit" disabled=!available>"Check out this quote"</button>
            </form>
            <p class="cart__note">"Prices are today's, checked again when you pay. Questions about it? "
                <a href=ticket_link>"Answer in your conversation"</a></p>
        </section>
    }
}
