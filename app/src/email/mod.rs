//! The email outbox: every message the store sends is a row first. The server's mailer
//! delivers pending rows through SMTP when `SMTP_URL` is set; otherwise they stay here,
//! are logged, and staff read them in `/admin/outbox`.

pub mod address;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxMessage {
    pub id: i64,
    pub to_address: String,
    pub subject: String,
    pub body_text: String,
    pub kind: String,
    pub created_at: i64,
    pub sent_at: Option<i64>,
    pub attempts: i64,
    pub last_error: Option<String>,
}

#[cfg(feature = "ssr")]
pub mod repo;
