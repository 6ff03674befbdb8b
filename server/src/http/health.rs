//! `/healthz`: 200 while the database answers, 503 when it does not.

use crate::http::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use std::time::Duration;

/// Answers whether Probity can reach its database.
pub async fn healthz(State(state): State<AppState>) -> (StatusCode, &'static str) {
    match tokio::time::timeout(Duration::from_secs(3), state.store.ping()).await {
        Ok(Ok(())) => (StatusCode::OK, "ok\n"),
        Ok(Err(error)) => {
            tracing::warn!(%error, "health check: database unreachable");
            (StatusCode::SERVICE_UNAVAILABLE, "database unreachable\n")
        }
        Err(_) => {
            tracing::warn!("health check: database timed out");
            (StatusCode::SERVICE_UNAVAILABLE, "database unreachable\n")
        }
    }
}
