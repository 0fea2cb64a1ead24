//! The one error type of the application and its mapping to HTTP statuses.
//! Causes are logged where they happen; the browser only ever sees the message here.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum AppError {
    #[error("We couldn't find what you were looking for.")]
    NotFound,
    #[error("Please sign in to continue.")]
    Unauthorized,
    #[error("You don't have access to this page.")]
    Forbidden,
    #[error("{message}")]
    BadRequest { message: String },
    #[error("{message}")]
    Validation { field: String, message: String },
    /// Several fields of one form are wrong: (field, message) for each.
    #[error("{}", fields_summary(errors.len()))]
    Fields { errors: Vec<(String, String)> },
    #[error("{message}")]
    Conflict { message: String },
    #[error("{message}")]
    TooManyRequests { message: String },
    /// A service we depend on (the payment provider) did not answer; answered with 503.
    #[error("{message}")]
    Unavailable { message: String },
    /// The payment provider refused the payment (a declined card); answered with 402.
    #[error("{message}")]
    PaymentFailed { message: String },
    /// An upload bigger than we accept; answered with 413.
    #[error("{message}")]
    TooLarge { message: String },
    /// The page lives at `to` now (a renamed product); answered with 301.
    #[error("This page has moved.")]
    Moved { to: String },
    /// A failed sign-in; one message for every cause so it never reveals whether an
    /// account exists.
    #[error("That email and password don't match an account. Check them and try again, or reset your password.")]
    SignInFailed,
    /// A link that worked once and no longer does (used or expired).
    #[error("{message}")]
    Gone { message: String },
    #[error("Something went wrong on our side. Please try again in a moment.")]
    Internal,
    /// The request never reached our code (network, encoding): only seen in the browser.
    #[error("We couldn't reach the store: {0}")]
    Transport(String),
}

impl AppError {
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        AppError::Validation {
            field: field.into(),
            message: message.into(),
        }
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        AppError::BadRequest {
            message: message.into(),
        }
    }

    pub fn status_code(&self) -> u16 {
        match self {
            AppError::NotFound => 404,
            AppError::Unauthorized => 401,
            AppError::Forbidden => 403,
            AppError::BadRequest { .. } => 400,
            AppError::Validation { .. } | AppError::Fields { .. } => 422,
            AppError::Conflict { .. } => 409,
            AppError::TooManyRequests { .. } => 429,
            AppError::TooLarge { .. } => 413,
            AppError::PaymentFailed { .. } => 402,
            AppError::Unavailable { .. } => 503,
            AppError::Moved { .. } => 301,
            AppError::SignInFailed => 401,
            AppError::Gone { .. } => 410,
            AppError::Internal | AppError::Transport(_) => 500,
        }
    }

    /// A short heading for error pages.
    pub fn title(&self) -> &'static str {
        match self {
            AppError::NotFound => "Page not found",
            AppError::Unauthorized => "Sign in required",
            AppError::Forbidden => "Access denied",
            AppError::BadRequest { .. } | AppError::Validation { .. } | AppError::Fields { .. } => {
                "Please check your request"
            }
            AppError::Conflict { .. } => "That conflicts with something else",
            AppError::TooManyRequests { .. } => "Please wait a moment",
            AppError::TooLarge { .. } => "That upload is too large",
            AppError::PaymentFailed { .. } => "The payment didn't go through",
            AppError::Unavailable { .. } => "Please try again in a minute",
            AppError::Moved { .. } => "This page has moved",
            AppError::SignInFailed => "Sign-in failed",
            AppError::Gone { .. } => "This link no longer works",
            AppError::Internal | AppError::Transport(_) => "Something went wrong",
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        AppError::Transport(value.to_string())
    }
}

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    fn from(error: sqlx::Error) -> Self {
        match &error {
            sqlx::Error::RowNotFound => AppError::NotFound,
            _ if crate::db::is_unavailable(&error) => {
                tracing::warn!(error = %error, "database unavailable");
                AppError::Unavailable {
                    message: "We can't save or load that right now: our database is not answering. Nothing you typed is lost; please try again in a moment.".into(),
                }
            }
            _ => {
                tracing::error!(error = %error, "database error");
                AppError::Internal
            }
        }
    }
}

#[cfg(feature = "ssr")]
impl From<anyhow::Error> for AppError {
    fn from(error: anyhow::Error) -> Self {
        tracing::error!(error = format!("{error:#}"), "internal error");
        AppError::Internal
    }
}

/// Sets the HTTP status of the page being rendered; a no-op in the browser.
pub fn set_page_status(status: u16) {
    #[cfg(feature = "ssr")]
    if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
        if let Ok(code) = http::StatusCode::from_u16(status) {
            response.set_status(code);
        }
    }
    #[cfg(not(feature = "ssr"))]
    let _ = status;
}

/// Sets the `Location` header of the page being rendered (for 301s); a no-op in the browser.
pub fn set_page_location(to: &str) {
    #[cfg(feature = "ssr")]
    if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
        if let Ok(value) = http::HeaderValue::from_str(to) {
            response.insert_header(http::header::LOCATION, value);
        }
    }
    #[cfg(not(feature = "ssr"))]
    let _ = to;
}

fn fields_summary(count: usize) -> String {
    match count {
        1 => "Please correct the highlighted field.".into(),
        n => format!("Please correct the {n} highlighted fields."),
    }
}
