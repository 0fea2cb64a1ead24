//! The staff audit log: who changed what, when. Written by every staff handler that
//! changes data, in the same breath as the change; read by the audit log page.

#[cfg(feature = "ssr")]
mod repo;

#[cfg(feature = "ssr")]
pub use repo::{list_audit, record};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: i64,
    pub actor_email: String,
    pub action: String,
    pub subject_type: String,
    pub subject_id: String,
    pub detail: String,
    pub created_at: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    pub actors: Vec<String>,
    pub actions: Vec<String>,
    pub actor: String,
    pub action: String,
}
