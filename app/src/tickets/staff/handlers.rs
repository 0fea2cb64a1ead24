//! Staff actions on a ticket (`POST /admin/tickets/{id}`): reply (shown live and emailed),
//! internal note (staff only), assign, and move the status (won and lost need a reason).
//! Every action is audited.

use crate::admin::audit;
use crate::admin::guard::require;
use crate::error::AppError;
use crate::forms::{field, read_form, see_other, show_error, PageContext};
use crate::quotes;
use crate::request::{Area, CurrentUser};
use crate::tickets::model::{parse_message, Author, TicketStatus};
use crate::tickets::repo::{self, TicketHead};
use axum::extract::{Path, Request, State};
use axum::response::Response;
use std::collections::HashMap;

pub async fn post_ticket(
    State(ctx): State<PageContext>,
    Path(public_id): Path<String>,
    request: Request,
) -> Response {
    let (parts, fields) = match read_form(request).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    let done = async {
        let actor = require(&crate::request::RequestContext::of(&parts), Area::Tickets)?;
        let ticket = repo::find_ticket(&ctx.db, &public_id)
            .await?
            .ok_or(AppError::NotFound)?;
        act(&ctx, &actor, &ticket, &fields).await
    }
    .await;
    match done {
        Ok(what) => see_other(&format!("/admin/tickets/{public_id}?saved={what}")),
        Err(error) => show_error(&ctx, parts, "ticket", fields, error).await,
    }
}

async fn act(
    ctx: &PageContext,
    actor: &CurrentUser,
    ticket: &TicketHead,
    fields: &HashMap<String, String>,
) -> Result<&'static str, AppError> {
    let staff_name = if actor.name.is_empty() {
        actor.email.clone()
    } else {
        actor.name.clone()
    };
    match field(fields, "action").as_str() {
        "reply" => {
            let body = parse_message(&field(fields, "message"))
                .map_err(|m| AppError::invalid("message", m))?;
            send_reply(ctx, actor, &staff_name, ticket, &body).await?;
            audit::record(
                &ctx.db,
                actor,
                "ticket.reply",
                "ticket",
                &ticket.public_id,
                "",
            )
            .await?;
            Ok("reply")
        }
        "quote" => {
            let role = actor.role.ok_or(AppError::Forbidden)?;
            let max = quotes::max_discount_percent(role);
            let discount = match field(fields, "discount").trim() {
                "" => 0,
                text => match text.parse::<i64>() {
                    Ok(percent) if (0..=max).contains(&percent) => percent,
                    _ => {
                        return Err(AppError::invalid(
                            "discount",
                            format!("Your role can give a discount from 0 to {max}%."),
                        ))
                    }
                },
            };
            let pairs: Vec<(String, String)> = (1..=crate::quotes::model::MAX_QUOTE_LINES)
                .map(|n| {
                    (
                        field(fields, &format!("product_{n}")),
                        field(fields, &format!("quantity_{n}")),
                    )
                })
                .collect();
            let lines =
                quotes::parse_quote_lines(&pairs).map_err(|m| AppError::invalid("quote", m))?;
            let quote = quotes::create_quote(&ctx.db, ticket.id, actor.id, discount, &lines)
                .await?
                .ok_or_else(|| {
                    AppError::invalid("quote", "One of those products is no longer sold.")
                })?;
            let link = crate::quotes::quote_links(
                &ctx.db,
                &ctx.site.public_url,
                std::slice::from_ref(&quote),
            )
            .await?
            .remove(0);
            let items: i64 = lines.iter().map(|(_, quantity)| quantity).sum();
            let off = if discount > 0 {
                format!(", with {discount}% off")
            } else {
                String::new()
            };
            let body = format!(
                "I've put together a quote for you ({items} item{}{off}). Check it out whenever you're ready: {link}",
                if items == 1 { "" } else { "s" }
            );
            send_reply(ctx, actor, &staff_name, ticket, &body).await?;
            let detail = format!("{quote}: {items} item(s), {discount}% off");
            audit::record(
                &ctx.db,
                actor,
                "ticket.quote",
                "ticket",
                &ticket.public_id,
                &detail,
            )
            .await?;
            Ok("quote")
        }
        "note" => {
            let body = parse_message(&field(fields, "message"))
                .map_err(|m| AppError::invalid("message", m))?;
            repo::add_message(
                &ctx.db,
                ticket,
                Author::Note,
                Some((actor.id, &staff_name)),
                &body,
            )
            .await?;
            audit::record(
                &ctx.db,
                actor,
                "ticket.note",
                "ticket",
                &ticket.public_id,
                "",
            )
            .await?;
            Ok("note")
        }
        "assign" => {
            let wanted = field(fields, "assignee");
            let assignee = if wanted.is_empty() {
                None
            } else {
                let id = wanted.parse::<i64>().ok();
                let allowed = repo::list_assignees(&ctx.db).await?;
                let found = allowed
                    .into_iter()
                    .find(|a| Some(a.id) == id)
                    .ok_or_else(|| AppError::bad_request("That person can't take tickets."))?;
                Some(found)
            };
            repo::assign(&ctx.db, ticket.id, assignee.as_ref().map(|a| a.id)).await?;
            let detail = assignee.map_or("nobody".to_string(), |a| a.name);
            audit::record(
                &ctx.db,
                actor,
                "ticket.assign",
                "ticket",
                &ticket.public_id,
                &detail,
            )
            .await?;
            Ok("assign")
        }
        "status" => {
            let to = TicketStatus::parse(&field(fields, "status"))
                .ok_or_else(|| AppError::bad_request("Pick a status."))?;
            let reason = field(fields, "reason").trim().to_string();
            if !ticket.status.can_become(to) {
                return Err(AppError::Conflict {
                    message: format!(
                        "This ticket is \"{}\" and can't become \"{}\".",
                        ticket.status.label(),
                        to.label()
                    ),
                });
            }
            if to.needs_reason() && reason.is_empty() {
                return Err(AppError::invalid(
                    "reason",
                    format!(
                        "Say why it was {} (one line is enough).",
                        to.label().to_lowercase()
                    ),
                ));
            }
            if reason.chars().count() > 200 {
                return Err(AppError::invalid(
                    "reason",
                    "Keep the reason under 200 characters.",
                ));
            }
            // The page's status when it was shown: someone else may have moved it since.
            let from = TicketStatus::parse(&field(fields, "from")).unwrap_or(ticket.status);
            if !repo::set_status(&ctx.db, ticket.id, from, to, &reason).await? {
                return Err(AppError::Conflict {
                    message: "Someone changed this ticket's status a moment ago; here it is as it is now.".into(),
                });
            }
            let detail = if reason.is_empty() {
                to.key().to_string()
            } else {
                format!("{}: {reason}", to.key())
            };
            audit::record(
                &ctx.db,
                actor,
                "ticket.status",
                "ticket",
                &ticket.public_id,
                &detail,
            )
            .await?;
            Ok("status")
        }
        _ => Err(AppError::bad_request("Unknown ticket action.")),
    }
}

/// A staff message to the customer: in the conversation (live) and by email.
async fn send_reply(
    ctx: &PageContext,
    actor: &CurrentUser,
    staff_name: &str,
    ticket: &TicketHead,
    body: &str,
) -> Result<(), AppError> {
    repo::add_message(
        &ctx.db,
        ticket,
        Author::Reply,
        Some((actor.id, staff_name)),
        body,
    )
    .await?;
    let link =
        crate::tickets::signed_link(&ctx.db, &ctx.site.public_url, &ticket.public_id).await?;
    crate::email::repo::enqueue_email(
        &ctx.db,
        &ticket.email,
        &format!("Re: {}", ticket.subject),
        &format!(
            "Hello {},\n\n{staff_name} from our team wrote:\n\n{body}\n\n\
             Answer or read the whole conversation here:\n{link}\n\n— The Storefront team\n",
            ticket.name
        ),
        "ticket_reply",
    )
    .await?;
    Ok(())
}
