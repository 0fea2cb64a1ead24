//! The account forms' POST handlers: sign-up, sign-in, sign-out, profile, password
//! change, account deletion and password reset. Each validates, acts, and either
//! redirects (303) or shows the same page again with the message and typed values.

use super::model::{parse_name, Email, Password};
use super::throttle::{
    LOGIN_PER_ACCOUNT, LOGIN_PER_IP, RESET_PER_ACCOUNT, RESET_PER_IP, SIGNUP_NOTICE_PER_ACCOUNT,
};
use super::{password, repo, session};
use crate::db::now_unix;
use crate::email::repo::enqueue_email;
use crate::error::AppError;
use crate::forms::{read_form, see_other, show_error, show_error_on, PageContext};
use crate::security::safe_local_path;
use crate::token;
use axum::extract::{Path, Request, State};
use axum::http::request::Parts;
use axum::response::Response;
use std::collections::HashMap;
use tower_sessions::Session;

/// How long an emailed password-reset link works.
pub const RESET_LINK_SECONDS: i64 = 30 * 60;

type Fields = HashMap<String, String>;

fn field<'a>(fields: &'a Fields, name: &str) -> &'a str {
    fields.get(name).map(String::as_str).unwrap_or("")
}

fn signed_in(parts: &Parts) -> Option<crate::request::CurrentUser> {
    crate::request::RequestContext::of(parts).user
}

macro_rules! read_or_return {
    ($request:expr) => {
        match read_form($request).await {
            Ok(read) => read,
            Err(response) => return response,
        }
    };
}

pub async fn post_signup(
    State(ctx): State<PageContext>,
    session: Session,
    request: Request,
) -> Response {
    let (parts, fields) = read_or_return!(request);
    let visitor = crate::request::RequestContext::of(&parts).visitor;
    match sign_up(&ctx, &session, visitor, &fields).await {
        Ok(()) => see_other(&safe_local_path(
            field(&fields, "next"),
            "/account?welcome=1",
        )),
        Err(error) => show_error(&ctx, parts, "signup", fields, error).await,
    }
}

async fn sign_up(
    ctx: &PageContext,
    session: &Session,
    parts_visitor: Option<crate::request::Visitor>,
    fields: &Fields,
) -> Result<(), AppError> {
    let name = parse_name(field(fields, "name"))?;
    let email = Email::parse(field(fields, "email"))?;
    let password = Password::parse(field(fields, "password"))?;
    let hash = password::hash_password(&password).await?;
    let Some(user_id) = repo::insert_user(&ctx.db, email.as_str(), &name, &hash, None).await?
    else {
        // Answering "already registered" would tell anyone who has an account here; the
        // owner hears about it by email instead, and the visitor sees a normal sign-up.
        tell_owner_about_signup(ctx, &email).await?;
        return Ok(());
    };
    session::sign_in(session, user_id, 0).await?;
    join_trail(ctx, parts_visitor, user_id).await;
    Ok(())
}

/// Someone tried to sign up with an address that has an account: its owner gets one
/// email an hour at most about it (so nobody can flood their inbox through our form).
async fn tell_owner_about_signup(ctx: &PageContext, email: &Email) -> Result<(), AppError> {
    if SIGNUP_NOTICE_PER_ACCOUNT
        .begin_attempt(&ctx.db, email.as_str())
        .await
        .is_err()
    {
        return Ok(());
    }
    let base = &ctx.site.public_url;
    let body = format!(
        "Someone tried to create a Storefront account with this email address, which already has one.\n\n\
         If it was you, sign in here: {base}/login\n\
         Forgot your password? Choose a new one: {base}/account/password-reset\n\n\
         If it wasn't you, you can ignore this email: nothing about your account changed.\n"
    );
    enqueue_email(
        &ctx.db,
        email.as_str(),
        "You already have a Storefront account",
        &body,
        "signup_existing",
    )
    .await?;
    Ok(())
}

/// The anonymous research trail and the cart of this browser now belong to the account too.
async fn join_trail(ctx: &PageContext, visitor: Option<crate::request::Visitor>, user_id: i64) {
    if let Some(visitor) = visitor {
        if let Err(error) = crate::cart::repo::merge_carts(
            &ctx.db,
            &crate::request::visitor_owner(&visitor.id),
            &crate::request::account_owner(user_id),
        )
        .await
        {
            tracing::warn!(%error, "could not join the guest cart to the account");
        }
        crate::journey::recorder::flush(&ctx.db).await;
        if let Err(error) =
            crate::journey::repo::join_trail_to_account(&ctx.db, &visitor.id, user_id).await
        {
            tracing::warn!(%error, "could not join the research trail to the account");
        }
    }
}

pub async fn post_login(
    State(ctx): State<PageContext>,
    session: Session,
    request: Request,
) -> Response {
    let (parts, fields) = read_or_return!(request);
    match log_in(&ctx, &session, &parts, &fields).await {
        Ok(staff) => {
            let fallback = if staff { "/admin" } else { "/account" };
            see_other(&safe_local_path(field(&fields, "next"), fallback))
        }
        Err(error) => show_error(&ctx, parts, "login", fields, error).await,
    }
}

/// Returns whether the person is staff (they land in the admin panel).
async fn log_in(
    ctx: &PageContext,
    session: &Session,
    parts: &Parts,
    fields: &Fields,
) -> Result<bool, AppError> {
    let db = &ctx.db;
    let ip = crate::request::RequestContext::of(parts).client_ip();
    let email = super::model::normalize_email(field(fields, "email"));
    let ip_attempts = LOGIN_PER_IP.begin_attempt(db, &ip).await?;
    let account_attempts = LOGIN_PER_ACCOUNT.begin_attempt(db, &email).await?;
    let user = match Email::parse(&email) {
        Ok(valid) => repo::find_user_by_email(db, valid.as_str()).await?,
        Err(_) => None,
    };
    let stored = user
        .as_ref()
        .filter(|u| u.active)
        .map(|u| u.password_hash.clone());
    if !password::verify_password(stored, field(fields, "password")).await {
        LOGIN_PER_IP.attempt_failed(db, &ip, ip_attempts).await?;
        LOGIN_PER_ACCOUNT
            .attempt_failed(db, &email, account_attempts)
            .await?;
        tracing::info!(%ip, "failed sign-in");
        // One error for every cause, so nobody learns whether the account exists.
        return Err(AppError::SignInFailed);
    }
    let user = user.expect("verified users exist");
    LOGIN_PER_ACCOUNT.clear(db, &email).await?;
    LOGIN_PER_IP.attempt_succeeded(db, &ip).await?;
    session::sign_in(session, user.id, user.session_epoch).await?;
    join_trail(
        ctx,
        crate::request::RequestContext::of(parts).visitor,
        user.id,
    )
    .await;
    Ok(user.role().is_some())
}

pub async fn post_logout(
    State(ctx): State<PageContext>,
    session: Session,
    request: Request,
) -> Response {
    let (parts, _) = read_or_return!(request);
    if let Some(user) = signed_in(&parts) {
        // Signing out here signs out everywhere: a shared or lost device is covered too.
        if let Err(error) = repo::bump_session_epoch(&ctx.db, user.id).await {
            tracing::error!(%error, "could not end the other sessions");
        }
    }
    let _ = session::sign_out(&session).await;
    see_other("/?signed_out=1")
}

pub async fn post_profile(State(ctx): State<PageContext>, request: Request) -> Response {
    let (parts, fields) = read_or_return!(request);
    let Some(user) = signed_in(&parts) else {
        return see_other("/login?next=/account");
    };
    let result = async {
        let name = parse_name(field(&fields, "name"))?;
        repo::update_user_name(&ctx.db, user.id, &name).await?;
        Ok::<_, AppError>(())
    }
    .await;
    match result {
        Ok(()) => see_other("/account?saved=profile"),
        Err(error) => show_error_on(&ctx, parts, Some("/account"), "profile", fields, error).await,
    }
}

pub async fn post_change_password(
    State(ctx): State<PageContext>,
    session: Session,
    request: Request,
) -> Response {
    let (parts, fields) = read_or_return!(request);
    let Some(user) = signed_in(&parts) else {
        return see_other("/login?next=/account");
    };
    let result = async {
        let stored = repo::find_user_by_id(&ctx.db, user.id)
            .await?
            .map(|u| u.password_hash);
        if !password::verify_password(stored, field(&fields, "current_password")).await {
            return Err(AppError::invalid(
                "current_password",
                "That is not your current password.",
            ));
        }
        let new = Password::parse(field(&fields, "new_password"))
            .map_err(|e| AppError::invalid("new_password", e.to_string()))?;
        let hash = password::hash_password(&new).await?;
        let epoch = repo::update_user_password(&ctx.db, user.id, &hash).await?;
        // The other sessions ended with the epoch bump; this one continues under a new id.
        session::sign_in(&session, user.id, epoch).await
    }
    .await;
    match result {
        Ok(()) => see_other("/account?saved=password"),
        Err(error) => show_error_on(&ctx, parts, Some("/account"), "password", fields, error).await,
    }
}

pub async fn post_delete_account(
    State(ctx): State<PageContext>,
    session: Session,
    request: Request,
) -> Response {
    let (parts, fields) = read_or_return!(request);
    let Some(user) = signed_in(&parts) else {
        return see_other("/login?next=/account");
    };
    let result = async {
        if field(&fields, "confirm").trim() != "DELETE" {
            return Err(AppError::invalid(
                "confirm",
                "Type DELETE in capitals to confirm.",
            ));
        }
        let stored = repo::find_user_by_id(&ctx.db, user.id)
            .await?
            .map(|u| u.password_hash);
        if !password::verify_password(stored, field(&fields, "delete_password")).await {
            return Err(AppError::invalid(
                "delete_password",
                "That is not your current password.",
            ));
        }
        if user.is_staff() {
            return Err(AppError::Conflict {
                message: "Staff accounts are removed by an admin in the admin panel.".into(),
            });
        }
        repo::delete_user(&ctx.db, user.id).await?;
        session::sign_out(&session).await
    }
    .await;
    match result {
        Ok(()) => see_other("/?account_deleted=1"),
        Err(error) => show_error_on(&ctx, parts, Some("/account"), "delete", fields, error).await,
    }
}

pub async fn post_password_reset_request(
    State(ctx): State<PageContext>,
    request: Request,
) -> Response {
    let (parts, fields) = read_or_return!(request);
    match request_password_reset(&ctx, &parts, &fields).await {
        Ok(()) => see_other("/account/password-reset?sent=1"),
        Err(error) => show_error(&ctx, parts, "reset", fields, error).await,
    }
}

/// Emails a one-time link when the account exists; says the same either way.
async fn request_password_reset(
    ctx: &PageContext,
    parts: &Parts,
    fields: &Fields,
) -> Result<(), AppError> {
    let db = &ctx.db;
    let email = Email::parse(field(fields, "email"))?;
    let ip = crate::request::RequestContext::of(parts).client_ip();
    RESET_PER_IP.check(db, &ip).await?;
    RESET_PER_ACCOUNT.check(db, email.as_str()).await?;
    RESET_PER_IP.record_failure(db, &ip).await?;
    RESET_PER_ACCOUNT.record_failure(db, email.as_str()).await?;
    let Some(user) = repo::find_user_by_email(db, email.as_str()).await? else {
        return Ok(());
    };
    if !user.active {
        return Ok(());
    }
    let (token, hash) = token::new_token();
    repo::insert_password_reset(db, &hash, user.id, now_unix() + RESET_LINK_SECONDS).await?;
    let link = format!("{}/account/password-reset/{token}", ctx.site.public_url);
    let body = format!(
        "Hello,\n\nSomeone (hopefully you) asked to reset the password of your Storefront account.\n\
         Open this link within 30 minutes to choose a new password; it works once:\n\n{link}\n\n\
         If you didn't ask for this, ignore this email: your password stays as it is.\n"
    );
    enqueue_email(
        db,
        email.as_str(),
        "Reset your Storefront password",
        &body,
        "password_reset",
    )
    .await?;
    Ok(())
}

pub async fn post_password_reset(
    State(ctx): State<PageContext>,
    Path(reset_token): Path<String>,
    request: Request,
) -> Response {
    let (parts, fields) = read_or_return!(request);
    let result = async {
        let new = Password::parse(field(&fields, "new_password"))
            .map_err(|e| AppError::invalid("new_password", e.to_string()))?;
        if !token::looks_like_token(&reset_token) {
            return Err(expired_link());
        }
        let hash = token::hash_token(&reset_token);
        let Some(user_id) = repo::find_valid_password_reset(&ctx.db, &hash).await? else {
            return Err(expired_link());
        };
        let password_hash = password::hash_password(&new).await?;
        // Only the request that consumes the token may change the password.
        if !repo::consume_password_reset(&ctx.db, &hash).await? {
            return Err(expired_link());
        }
        repo::update_user_password(&ctx.db, user_id, &password_hash).await?;
        Ok(())
    }
    .await;
    match result {
        Ok(()) => see_other("/login?reset=1"),
        Err(error) => show_error(&ctx, parts, "new-password", fields, error).await,
    }
}

fn expired_link() -> AppError {
    AppError::Gone {
        message: "This reset link has expired or was already used. Ask for a new one below.".into(),
    }
}
