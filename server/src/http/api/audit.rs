//! The audit trail over the API, for the roles that may read it.

use super::problem::Problem;
use super::{ApiCaller, ApiQuery};
use crate::http::AppState;
use crate::office::audit::{TrailQuery, read_trail};
use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};

/// The trail's filters.
#[derive(Deserialize, Default, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct TrailParams {
    /// A username, exactly.
    actor: String,
    /// An action such as `case.view`, or an area ending with a dot such as `case.`.
    action: String,
    /// A case number.
    case_number: String,
    /// `success` or `refused`.
    outcome: String,
    /// The `next_before` of the previous page.
    before: Option<i64>,
    /// Entries per page, 1 to 500 (default 100).
    limit: Option<i64>,
}

/// One audit entry.
#[derive(Serialize, ToSchema)]
pub struct AuditEventOut {
    pub id: i64,
    #[serde(with = "time::serde::rfc3339")]
    pub occurred_at: OffsetDateTime,
    pub actor_user_id: Option<i64>,
    pub actor: String,
    pub action: String,
    pub case_id: Option<i64>,
    pub case_number: Option<String>,
    pub target: Option<String>,
    pub outcome: String,
    pub remote_addr: Option<String>,
    pub detail: Option<String>,
    /// The channel when not the pages: the API token's name.
    pub via: Option<String>,
}

/// One page of the trail, newest first.
#[derive(Serialize, ToSchema)]
pub struct AuditPageOut {
    pub items: Vec<AuditEventOut>,
    /// Pass as `before` for the next page; absent on the last page.
    pub next_before: Option<i64>,
}

/// The audit trail, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/audit",
    tag = "audit",
    params(TrailParams),
    responses(
        (status = 200, description = "One page of the trail", body = AuditPageOut),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not read the trail", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = []))
)]
#[tracing::instrument(skip_all)]
pub async fn trail(
    State(state): State<AppState>,
    api: ApiCaller,
    ApiQuery(params): ApiQuery<TrailParams>,
) -> Result<Json<AuditPageOut>, Problem> {
    let page = read_trail(
        &state.store,
        &api.caller,
        &TrailQuery {
            actor: params.actor,
            action: params.action,
            case_number: params.case_number,
            outcome: params.outcome,
            before: params.before,
        },
        params.limit.unwrap_or(100),
    )
    .await?;
    Ok(Json(AuditPageOut {
        items: page
            .events
            .into_iter()
            .map(|event| AuditEventOut {
                id: event.audit_event_id,
                occurred_at: event.occurred_at,
                actor_user_id: event.actor_user_id,
                actor: event.actor,
                action: event.action,
                case_id: event.case_id,
                case_number: event.case_number,
                target: event.target,
                outcome: event.outcome,
                remote_addr: event.remote_addr,
                detail: event.detail,
                via: event.via,
            })
            .collect(),
        next_before: page.next_before,
    }))
}
