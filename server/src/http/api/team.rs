//! A case's team and walls over the API: members and the lead, recusals and their lifting,
//! and the supervisors and commissioners named to see a highly confidential case. Changes
//! answer 204; the office's rules (who may, a case always keeps a supervisor and a
//! commissioner who can see it, nobody recuses themselves) are the team page's.

use super::problem::Problem;
use super::{ApiCaller, ApiJson, ApiPath, SeenCase, Writer};
use crate::http::AppState;
use crate::office::team::{TeamChange, TeamFields, change_team, walls};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;

/// A person to add, make lead or name.
#[derive(Deserialize, ToSchema)]
pub struct PersonIn {
    pub user_id: i64,
}

/// A recusal to impose.
#[derive(Deserialize, ToSchema)]
pub struct RecusalIn {
    pub user_id: i64,
    /// Why the person is walled off.
    #[schema(max_length = 1000)]
    pub reason: String,
}

/// Why a recusal is lifted.
#[derive(Deserialize, ToSchema)]
pub struct LiftIn {
    #[schema(max_length = 1000)]
    pub reason: String,
}

/// A recusal in force.
#[derive(Serialize, ToSchema)]
pub struct RecusalOut {
    pub user_id: i64,
    pub display_name: String,
    pub reason: String,
    pub recused_by_name: String,
    #[serde(with = "time::serde::rfc3339")]
    pub recused_at: OffsetDateTime,
}

/// A recusal that was lifted.
#[derive(Serialize, ToSchema)]
pub struct LiftedOut {
    pub user_id: i64,
    pub display_name: String,
    pub reason: String,
    pub recused_by_name: String,
    #[serde(with = "time::serde::rfc3339")]
    pub recused_at: OffsetDateTime,
    pub lifted_by_name: String,
    #[serde(with = "time::serde::rfc3339")]
    pub lifted_at: OffsetDateTime,
    pub lift_reason: String,
}

/// A supervisor or commissioner named to see a highly confidential case.
#[derive(Serialize, ToSchema)]
pub struct OverseerOut {
    pub user_id: i64,
    pub display_name: String,
    pub role: &'static str,
    pub named_by_name: String,
    #[serde(with = "time::serde::rfc3339")]
    pub named_at: OffsetDateTime,
}

/// Who is walled off from a case and who else may see it.
#[derive(Serialize, ToSchema)]
pub struct WallsOut {
    pub recusals: Vec<RecusalOut>,
    pub lifted: Vec<LiftedOut>,
    pub overseers: Vec<OverseerOut>,
}

async fn apply(
    state: &AppState,
    caller: &crate::office::Caller,
    case_id: i64,
    change: TeamChange,
    fields: TeamFields,
) -> Result<StatusCode, Problem> {
    change_team(&state.store, caller, case_id, change, &fields).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Who is walled off from the case, and who is named to see it.
#[utoipa::path(
    get,
    path = "/api/v1/cases/{case_id}/walls",
    tag = "cases",
    params(("case_id" = i64, Path, description = "The case's id")),
    responses((status = 200, description = "Recusals, lifted recusals and named overseers", body = WallsOut)),
    security(("token" = []))
)]
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn read_walls(
    State(state): State<AppState>,
    api: ApiCaller,
    ApiPath(case_id): ApiPath<i64>,
) -> Result<Json<WallsOut>, Problem> {
    let (recusals, lifted, overseers) = walls(&state.store, &api.caller, case_id).await?;
    Ok(Json(WallsOut {
        recusals: recusals
            .into_iter()
            .map(|r| RecusalOut {
                user_id: r.user_id,
                display_name: r.display_name,
                reason: r.reason,
                recused_by_name: r.recused_by_name,
                recused_at: r.recused_at,
            })
            .collect(),
        lifted: lifted
            .into_iter()
            .map(|l| LiftedOut {
                user_id: l.user_id,
                display_name: l.display_name,
                reason: l.reason,
                recused_by_name: l.recused_by_name,
                recused_at: l.recused_at,
                lifted_by_name: l.lifted_by_name,
                lifted_at: l.lifted_at,
                lift_reason: l.lift_reason,
            })
            .collect(),
        overseers: overseers
            .into_iter()
            .map(|o| OverseerOut {
                user_id: o.user_id,
                display_name: o.display_name,
                role: o.role.as_str(),
                named_by_name: o.named_by_name,
                named_at: o.named_at,
            })
            .collect(),
    }))
}

/// Adds a person to the team.
#[utoipa::path(
    post,
    path = "/api/v1/cases/{case_id}/team",
    tag = "cases",
    params(("case_id" = i64, Path, description = "The case's id")),
    request_body = PersonIn,
    responses(
        (status = 204, description = "Added"),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not someone who can be added", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = []))
)]
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn add_member(
    State(state): State<AppState>,
    Writer(caller): Writer,
    ApiPath(case_id): ApiPath<i64>,
    _seen: SeenCase,
    ApiJson(body): ApiJson<PersonIn>,
) -> Result<StatusCode, Problem> {
    let fields = TeamFields {
        user_id: body.user_id.to_string(),
        ..TeamFields::default()
    };
    apply(&state, &caller, case_id, TeamChange::Add, fields).await
}

/// Takes a person off the team.
#[utoipa::path(
    delete,
    path = "/api/v1/cases/{case_id}/team/{user_id}",
    tag = "cases",
    params(
        ("case_id" = i64, Path, description = "The case's id"),
        ("user_id" = i64, Path, description = "The member's user id"),
    ),
    responses(
        (status = 204, description = "Removed"),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The case would keep no supervisor or commissioner who can see it", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = []))
)]
#[tracing::instrument(skip_all, fields(case_id, user_id))]
pub async fn remove_member(
    State(state): State<AppState>,
    Writer(caller): Writer,
    ApiPath((case_id, user_id)): ApiPath<(i64, i64)>,
) -> Result<StatusCode, Problem> {
    let fields = TeamFields {
        user_id: user_id.to_string(),
        ..TeamFields::default()
    };
    apply(&state, &caller, case_id, TeamChange::Remove, fields).await
}

/// Makes a person the lead, adding them to the team.
#[utoipa::path(
    put,
    path = "/api/v1/cases/{case_id}/team/lead",
    tag = "cases",
    params(("case_id" = i64, Path, description = "The case's id")),
    request_body = PersonIn,
    responses(
        (status = 204, description = "The new lead"),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not someone who can lead it", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = []))
)]
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn set_lead(
    State(state): State<AppState>,
    Writer(caller): Writer,
    ApiPath(case_id): ApiPath<i64>,
    _seen: SeenCase,
    ApiJson(body): ApiJson<PersonIn>,
) -> Result<StatusCode, Problem> {
    let fields = TeamFields {
        user_id: body.user_id.to_string(),
        ..TeamFields::default()
    };
    apply(&state, &caller, case_id, TeamChange::Lead, fields).await
}

/// Walls a person off from the case, taking them off the team.
#[utoipa::path(
    post,
    path = "/api/v1/cases/{case_id}/recusals",
    tag = "cases",
    params(("case_id" = i64, Path, description = "The case's id")),
    request_body = RecusalIn,
    responses(
        (status = 204, description = "Recused"),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No reason, oneself, or the last who can see the case", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = []))
)]
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn recuse(
    State(state): State<AppState>,
    Writer(caller): Writer,
    ApiPath(case_id): ApiPath<i64>,
    _seen: SeenCase,
    ApiJson(body): ApiJson<RecusalIn>,
) -> Result<StatusCode, Problem> {
    let fields = TeamFields {
        recuse_user_id: body.user_id.to_string(),
        reason: body.reason,
        ..TeamFields::default()
    };
    apply(&state, &caller, case_id, TeamChange::Recuse, fields).await
}

/// Lifts a recusal, keeping it with who lifted it, when and why.
#[utoipa::path(
    post,
    path = "/api/v1/cases/{case_id}/recusals/{user_id}/lift",
    tag = "cases",
    params(
        ("case_id" = i64, Path, description = "The case's id"),
        ("user_id" = i64, Path, description = "The recused person's user id"),
    ),
    request_body = LiftIn,
    responses(
        (status = 204, description = "Lifted"),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No reason, or not recused", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = []))
)]
#[tracing::instrument(skip_all, fields(case_id, user_id))]
pub async fn lift(
    State(state): State<AppState>,
    Writer(caller): Writer,
    ApiPath((case_id, user_id)): ApiPath<(i64, i64)>,
    _seen: SeenCase,
    ApiJson(body): ApiJson<LiftIn>,
) -> Result<StatusCode, Problem> {
    let fields = TeamFields {
        user_id: user_id.to_string(),
        lift_reason: body.reason,
        ..TeamFields::default()
    };
    apply(&state, &caller, case_id, TeamChange::Lift, fields).await
}

/// Names a supervisor or commissioner to see the highly confidential case.
#[utoipa::path(
    post,
    path = "/api/v1/cases/{case_id}/overseers",
    tag = "cases",
    params(("case_id" = i64, Path, description = "The case's id")),
    request_body = PersonIn,
    responses(
        (status = 204, description = "Named"),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not someone who can be named now", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = []))
)]
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn name_overseer(
    State(state): State<AppState>,
    Writer(caller): Writer,
    ApiPath(case_id): ApiPath<i64>,
    _seen: SeenCase,
    ApiJson(body): ApiJson<PersonIn>,
) -> Result<StatusCode, Problem> {
    let fields = TeamFields {
        overseer_user_id: body.user_id.to_string(),
        ..TeamFields::default()
    };
    apply(&state, &caller, case_id, TeamChange::Name, fields).await
}

/// Takes a person off those named to see the case.
#[utoipa::path(
    delete,
    path = "/api/v1/cases/{case_id}/overseers/{user_id}",
    tag = "cases",
    params(
        ("case_id" = i64, Path, description = "The case's id"),
        ("user_id" = i64, Path, description = "The named person's user id"),
    ),
    responses(
        (status = 204, description = "No longer named"),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not named, or the last who can see the case", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = []))
)]
#[tracing::instrument(skip_all, fields(case_id, user_id))]
pub async fn unname_overseer(
    State(state): State<AppState>,
    Writer(caller): Writer,
    ApiPath((case_id, user_id)): ApiPath<(i64, i64)>,
) -> Result<StatusCode, Problem> {
    let fields = TeamFields {
        user_id: user_id.to_string(),
        ..TeamFields::default()
    };
    apply(&state, &caller, case_id, TeamChange::Unname, fields).await
}
