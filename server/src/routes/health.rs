//! GET /healthz for load balancers: 200 when the database answers, 503 when it doesn't.

use crate::startup::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde_json::{json, Value};

pub async fn healthz(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    if state.db.is_healthy().await {
        (StatusCode::OK, Json(json!({ "status": "ok", "db": "ok" })))
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({ "status": "degraded", "db": "unreachable" })),
        )
    }
}
