//! GET /healthz for load balancers: 200 when the database reads and writes, 503 when it
//! is unreachable or refuses writes (a read-only file, a full disk), saying which.

use crate::startup::AppState;
use app::db::DbHealth;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde_json::{json, Value};

pub async fn healthz(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    let health = state.db.health().await;
    let status = if health == DbHealth::Ok {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let summary = if health == DbHealth::Ok {
        "ok"
    } else {
        "degraded"
    };
    (
        status,
        Json(json!({ "status": summary, "db": health.label() })),
    )
}
