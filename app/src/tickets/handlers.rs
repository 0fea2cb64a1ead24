//! The customer's forms: opening a ticket (`POST /help/ask`) and writing again on one
//! (`POST /tickets/{id}/reply`). Plain forms: they work without JavaScript.

use super::context::{take_snapshot, Asker};
use super::model::{
    parse_message, parse_question, Author, Contact, REPLIES_PER_TICKET_PER_HOUR,
    TICKETS_PER_IP_PER_HOUR, TICKETS_PER_OWNER_PER_HOUR,
};
use super::repo::{self, OpenTicket};
use crate::db::now_unix;
use crate::error::AppError;
use crate::forms::url_encode;
use crate::forms::{field, read_form, see_other, show_error_on, PageContext};
use crate::journey::model::EventKind;
use crate::security::safe_local_path;
use axum::extract::{Path, Request, State};
use axum::http::request::Parts;
use axum::response::Response;
use std::collections::HashMap;

/// POST /help/ask: opens a ticket, then shows its conversation.
pub async fn post_ask(State(ctx): State<PageContext>, request: Request) -> Response {
    let (parts, fields) = match read_form(request).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    // A field people never see: only bots fill it. They are told "thanks" and nothing is
    // stored, so they learn nothing.
    if !field(&fields, "website").is_empty() {
        tracing::info!(
            ip = crate::request::RequestContext::of(&parts).client_ip(),
            "ticket form honeypot filled; ignored"
        );
        return see_other("/help/ask?sent=1");
    }
    match open(&ctx, &parts, &fields).await {
        Ok(location) => see_other(&location),
        Err(error) => {
            let page = format!(
                "/help/ask?from={}&product={}",
                url_encode(&field(&fields, "from")),
                url_encode(&field(&fields, "product"))
            );
            show_error_on(&ctx, parts, Some(&page), "ask", fields, error).await
        }
    }
}

async fn open(
    ctx: &PageContext,
    parts: &Parts,
    fields: &HashMap<String, String>,
) -> Result<String, AppError> {
    let owner = crate::request::RequestContext::of(parts)
        .cart_owner()
        .ok_or_else(|| {
            AppError::bad_request("Please enable cookies so we can keep your conversation for you.")
        })?;
    let ip = crate::request::RequestContext::of(parts).client_ip();
    let (by_owner, by_ip) =
        repo::recent_ticket_counts(&ctx.db, &owner, &ip, now_unix() - 3600).await?;
    if by_owner >= TICKETS_PER_OWNER_PER_HOUR || by_ip >= TICKETS_PER_IP_PER_HOUR {
        return Err(AppError::TooManyRequests {
            message: "You've sent several questions in the last hour. Our team will answer those first — \
                      you can add to any of them from its page, or try again in an hour."
                .into(),
        });
    }
    let question = parse_question(fields).map_err(|errors| AppError::Fields { errors })?;
    let user = crate::request::RequestContext::of(parts).user;
    let visitor = crate::request::RequestContext::of(parts).visitor;
    let owners = crate::request::RequestContext::of(parts).owners();
    let entry_path = safe_local_path(&question.entry_path, "/");
    let asker = Asker {
        visitor: visitor.as_ref(),
        user_id: user.as_ref().map(|u| u.id),
        cart_owner: Some(&owner),
        owners: &owners,
        email: &question.email,
    };
    let context = take_snapshot(
        &ctx.db,
        &asker,
        question.share_trail,
        &entry_path,
        &question.product_slug,
    )
    .await?;
    let subject = match &context.product {
        Some((_, name)) => format!("About {name}"),
        None => first_words(&question.question, 80),
    };
    let public_id = repo::open_ticket(
        &ctx.db,
        &OpenTicket {
            owner: &owner,
            user_id: user.as_ref().map(|u| u.id),
            name: &question.name,
            email: &question.email,
            contact: question.contact,
            phone: &question.phone,
            callback_window: &question.callback_window,
            subject: &subject,
            entry_path: &entry_path,
            product_slug: context
                .product
                .as_ref()
                .map_or("", |(slug, _)| slug.as_str()),
            context: &context,
            question: &question.question,
            client_ip: &ip,
        },
    )
    .await?;
    if question.share_trail {
        crate::journey::record(
            &ctx.db,
            &crate::request::RequestContext::of(parts),
            EventKind::Ticket,
            &public_id,
            "",
        )
        .await;
    }
    let link = super::signed_link(&ctx.db, &ctx.site.public_url, &public_id).await?;
    let how = match question.contact {
        Contact::Email => "We'll answer by email and on the page below.".to_string(),
        Contact::Phone => format!(
            "We'll call you at {} ({}).",
            question.phone,
            super::model::callback_window_label(&question.callback_window)
        ),
    };
    crate::email::repo::enqueue_email(
        &ctx.db,
        &question.email,
        &format!("We've got your question: {subject}"),
        &format!(
            "Hello {},\n\nThanks for asking — a person from our team will answer soon. {how}\n\n\
             Your question:\n{}\n\nFollow the conversation (and add to it) here:\n{link}\n\n— The Storefront team\n",
            question.name, question.question
        ),
        "ticket_opened",
    )
    .await?;
    tracing::info!(
        ticket = public_id,
        shares_trail = question.share_trail,
        "ticket opened"
    );
    Ok(format!(
        "{}#latest",
        link.trim_start_matches(&ctx.site.public_url)
    ))
}

/// POST /tickets/{id}/reply: the customer writes again.
pub async fn post_reply(
    State(ctx): State<PageContext>,
    Path(public_id): Path<String>,
    request: Request,
) -> Response {
    let (parts, fields) = match read_form(request).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    let token = field(&fields, "t");
    match reply(&ctx, &parts, &public_id, &token, &fields).await {
        Ok(()) => see_other(&ticket_path(&public_id, &token, "latest")),
        Err(error) => {
            let page = ticket_path(&public_id, &token, "");
            show_error_on(&ctx, parts, Some(&page), "ticket-reply", fields, error).await
        }
    }
}

async fn reply(
    ctx: &PageContext,
    parts: &Parts,
    public_id: &str,
    token: &str,
    fields: &HashMap<String, String>,
) -> Result<(), AppError> {
    let request = crate::request::RequestContext::of(parts);
    let ticket = super::customer_access(&ctx.db, &request, public_id, token).await?;
    let body =
        parse_message(&field(fields, "message")).map_err(|m| AppError::invalid("message", m))?;
    if repo::customer_messages_since(&ctx.db, ticket.id, now_unix() - 3600).await?
        >= REPLIES_PER_TICKET_PER_HOUR
    {
        return Err(AppError::TooManyRequests {
            message: "That's a lot of messages in an hour; please wait for our answer before writing again.".into(),
        });
    }
    repo::add_message(&ctx.db, &ticket, Author::Customer, None, &body).await?;
    Ok(())
}

/// `/tickets/{id}` with the signed token kept (guests) and an anchor.
pub fn ticket_path(public_id: &str, token: &str, anchor: &str) -> String {
    let mut path = format!("/tickets/{public_id}");
    if !token.is_empty() {
        path.push_str(&format!("?t={}", url_encode(token)));
    }
    if !anchor.is_empty() {
        path.push('#');
        path.push_str(anchor);
    }
    path
}

/// The start of a text, cut at a word, for subjects.
fn first_words(text: &str, max: usize) -> String {
    let line = text.lines().next().unwrap_or("").trim();
    if line.chars().count() <= max {
        return line.to_string();
    }
    let cut: String = line.chars().take(max).collect();
    match cut.rfind(' ') {
        Some(space) if space > max / 2 => format!("{}…", &cut[..space]),
        _ => format!("{cut}…"),
    }
}
