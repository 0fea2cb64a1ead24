//! What the admin pages show, shared by the server functions and the views.

use crate::email::OutboxMessage;
use crate::request::StaffRole;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DashboardFigures {
    pub active_products: i64,
    pub draft_products: i64,
    pub low_stock: i64,
    pub customers: i64,
    pub pending_emails: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StaffMember {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: Option<StaffRole>,
    pub active: bool,
    pub created_at: i64,
}

pub type Outbox = Vec<OutboxMessage>;

pub use crate::time::format_time;
