//! The admin panel's POST handlers. Each one: guard (role, on the server) → validate →
//! repo → audit entry → 303 back, or the same page again with the message (4xx).

use super::audit;
use super::guard::require;
use super::media::Fields;
use super::media::{FileKind, UploadFolder};
use crate::accounts::model::Email;
use crate::accounts::{password, repo as accounts_repo};
use crate::admin::repo;
use crate::db::now_unix;
use crate::email::repo::enqueue_email;
use crate::error::AppError;
use crate::forms::{field, read_form, see_other, show_error, PageContext};
use crate::request::{Area, CurrentUser, StaffRole};
use crate::token;
use axum::extract::{Path, Request, State};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};

/// Staff invitations give people three days to set their password.
const INVITE_LINK_SECONDS: i64 = 3 * 24 * 3600;

pub async fn post_staff(State(ctx): State<PageContext>, request: Request) -> Response {
    let (parts, fields) = match read_form(request).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    let form = if field(&fields, "action") == "invite" {
        "invite".to_string()
    } else {
        format!("staff-{}", field(&fields, "user_id"))
    };
    match change_staff(&ctx, &parts, &fields).await {
        Ok(done) => see_other(&format!("/admin/staff?saved={done}")),
        Err(error) => show_error(&ctx, parts, &form, fields, error).await,
    }
}

async fn change_staff(
    ctx: &PageContext,
    parts: &Parts,
    fields: &Fields,
) -> Result<&'static str, AppError> {
    let actor = require(&crate::request::RequestContext::of(parts), Area::Staff)?;
    let db = &ctx.db;
    let action = field(fields, "action");
    if action == "invite" {
        let email = Email::parse(&field(fields, "email"))?;
        let role = StaffRole::parse(&field(fields, "role"))
            .ok_or_else(|| AppError::invalid("role", "Choose a role."))?;
        invite_staff(ctx, &actor, &email, role).await?;
        return Ok("invited");
    }
    let user_id = field(fields, "user_id")
        .parse::<i64>()
        .map_err(|_| AppError::NotFound)?;
    let target = accounts_repo::find_user_by_id(db, user_id)
        .await?
        .ok_or(AppError::NotFound)?;
    // Nobody can lock the store out of its own panel.
    let removes_an_admin = target.role() == Some(StaffRole::Admin) && target.active;
    let role = StaffRole::parse(&field(fields, "role"));
    let would_remove_admin = match action.as_str() {
        "role" => removes_an_admin && role != Some(StaffRole::Admin),
        "deactivate" | "remove" => removes_an_admin,
        _ => false,
    };
    if would_remove_admin && repo::count_active_admins(db).await? <= 1 {
        return Err(AppError::Conflict {
            message: "This is the last active admin. Make someone else admin first.".into(),
        });
    }
    match action.as_str() {
        "role" => {
            let role = role.ok_or_else(|| AppError::invalid("role", "Choose a role."))?;
            repo::set_staff_role(db, user_id, Some(role)).await?;
            audit::record(
                db,
                &actor,
                "staff.role",
                "user",
                user_id,
                &format!("{} → {}", target.email, role.as_str()),
            )
            .await?;
            Ok("role")
        }
        "remove" => {
            repo::set_staff_role(db, user_id, None).await?;
            audit::record(db, &actor, "staff.remove", "user", user_id, &target.email).await?;
            Ok("removed")
        }
        "deactivate" => {
            repo::set_user_active(db, user_id, false).await?;
            audit::record(
                db,
                &actor,
                "staff.deactivate",
                "user",
                user_id,
                &target.email,
            )
            .await?;
            Ok("deactivated")
        }
        "activate" => {
            repo::set_user_active(db, user_id, true).await?;
            audit::record(db, &actor, "staff.activate", "user", user_id, &target.email).await?;
            Ok("activated")
        }
        _ => Err(AppError::bad_request("Unknown staff action.")),
    }
}

/// Makes `email` staff. New people get an account with an unusable random password and
/// an emailed link to choose their own.
async fn invite_staff(
    ctx: &PageContext,
    actor: &CurrentUser,
    email: &Email,
    role: StaffRole,
) -> Result<(), AppError> {
    let db = &ctx.db;
    let user_id = match accounts_repo::find_user_by_email(db, email.as_str()).await? {
        Some(existing) => {
            repo::set_staff_role(db, existing.id, Some(role)).await?;
            existing.id
        }
        None => {
            let throwaway =
                crate::accounts::model::Password::parse(&token::new_one_time_password())?;
            let hash = password::hash_password(&throwaway).await?;
            accounts_repo::insert_user(db, email.as_str(), "", &hash, Some(role))
                .await?
                .ok_or_else(|| AppError::Conflict {
                    message: "That person was just invited by someone else.".into(),
                })?
        }
    };
    let (link_token, hash) = token::new_token();
    accounts_repo::insert_password_reset(db, &hash, user_id, now_unix() + INVITE_LINK_SECONDS)
        .await?;
    let link = format!(
        "{}/account/password-reset/{link_token}",
        ctx.site.public_url
    );
    let body = format!(
        "Hello,\n\n{} gave you the {} role in the Storefront admin panel.\n\
         Choose your password here (the link works once, for 3 days):\n\n{link}\n\n\
         Then sign in at {}/login.\n",
        actor.email,
        role.label(),
        ctx.site.public_url
    );
    enqueue_email(
        db,
        email.as_str(),
        "You're invited to the Storefront admin panel",
        &body,
        "staff_invite",
    )
    .await?;
    audit::record(
        db,
        actor,
        "staff.invite",
        "user",
        user_id,
        &format!("{} as {}", email.as_str(), role.as_str()),
    )
    .await?;
    Ok(())
}

/// Serves an upload. Names are random and never reused, so browsers may keep them
/// forever; everything gets a CSP that forbids all but drawing (SVGs cannot run script
/// even when opened directly), and downloads are saved rather than shown.
pub async fn uploaded_file(
    State(ctx): State<PageContext>,
    Path((folder, file)): Path<(String, String)>,
) -> Response {
    use axum::http::{header, StatusCode};
    let Some(folder) = UploadFolder::parse(&folder) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let Some((stem, ext)) = file.split_once('.') else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let valid_name = token::is_id(stem);
    let Some(kind) = FileKind::from_extension(ext).filter(|_| valid_name) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let disposition = if kind.is_document() {
        format!("attachment; filename=\"{file}\"")
    } else {
        "inline".to_string()
    };
    match tokio::fs::read(ctx.media_dir.join(folder.name()).join(&file)).await {
        Ok(bytes) => (
            [
                (header::CONTENT_TYPE, kind.content_type().to_string()),
                (
                    header::CACHE_CONTROL,
                    "public, max-age=31536000, immutable".to_string(),
                ),
                (
                    header::CONTENT_SECURITY_POLICY,
                    "default-src 'none'; style-src 'unsafe-inline'; sandbox".to_string(),
                ),
                (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
                (header::CONTENT_DISPOSITION, disposition),
            ],
            bytes,
        )
            .into_response(),
        Err(_) => StatusCode::NOT_FOUND.into_response(),
    }
}
