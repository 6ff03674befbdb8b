//! Cases over the API: list and search with the page's filters and keyset pagination, open,
//! read (with its ETag), edit (with If-Match), move status, and the team.

use super::problem::Problem;
use super::schema::{
    CaseIn, CaseListOut, CaseListQuery, CaseOut, CaseSearchIn, StatusMoveIn, TeamMemberOut,
};
use super::{ApiCaller, ApiJson, ApiPath, ApiQuery, SeenCase, Writer, if_match, tagged};
use crate::http::AppState;
use crate::office::{self, Caller, OfficeError};
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

/// Cases per page when the request does not say.
const DEFAULT_LIMIT: i64 = 50;

/// A case with its ETag.
fn case_response(status: StatusCode, case: probity_domain::cases::Case) -> Response {
    tagged(status, case.version, CaseOut::from(case))
}

/// A stale write's answer: 409 with the version now saved.
async fn stale_case(state: &AppState, case_id: i64) -> Problem {
    match state.store.case_by_id(case_id).await {
        Ok(Some(case)) => Problem::stale(Some(case.version)),
        _ => Problem::stale(None),
    }
}

async fn listing(
    state: &AppState,
    caller: &Caller,
    query: &CaseListQuery,
    q: &str,
) -> Result<Json<CaseListOut>, Problem> {
    let listing = office::cases::list_cases(
        &state.store,
        caller,
        &query.fields(q),
        &query.after,
        query.limit.unwrap_or(DEFAULT_LIMIT),
    )
    .await?;
    if !listing.errors.is_empty() {
        return Err(OfficeError::Invalid(listing.errors).into());
    }
    Ok(Json(CaseListOut {
        items: listing.page.items.into_iter().map(Into::into).collect(),
        next: listing.page.next.map(|cursor| cursor.encode()),
    }))
}

/// The cases you may see, newest number first unless sorted otherwise.
#[utoipa::path(
    get,
    path = "/api/v1/cases",
    tag = "cases",
    params(CaseListQuery),
    responses(
        (status = 200, description = "One page of cases", body = CaseListOut),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role sees no cases", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A filter is not valid", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = []))
)]
#[tracing::instrument(skip_all)]
pub async fn list(
    State(state): State<AppState>,
    api: ApiCaller,
    ApiQuery(query): ApiQuery<CaseListQuery>,
) -> Result<Json<CaseListOut>, Problem> {
    listing(&state, &api.caller, &query, "").await
}

/// Searches the cases you may see; the words travel in the body, never in the address.
#[utoipa::path(
    post,
    path = "/api/v1/cases/search",
    tag = "cases",
    request_body = CaseSearchIn,
    responses(
        (status = 200, description = "One page of matching cases", body = CaseListOut),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role sees no cases", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A filter is not valid", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = []))
)]
#[tracing::instrument(skip_all)]
pub async fn search(
    State(state): State<AppState>,
    api: ApiCaller,
    ApiJson(search): ApiJson<CaseSearchIn>,
) -> Result<Json<CaseListOut>, Problem> {
    listing(&state, &api.caller, &search.filters, &search.q).await
}

/// Opens a case; you become its lead.
#[utoipa::path(
    post,
    path = "/api/v1/cases",
    tag = "cases",
    request_body = CaseIn,
    responses(
        (status = 201, description = "The new case", body = CaseOut,
            headers(("ETag" = String, description = "The case's version"))),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Some values are not valid", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = []))
)]
#[tracing::instrument(skip_all)]
pub async fn create(
    State(state): State<AppState>,
    Writer(caller): Writer,
    ApiJson(body): ApiJson<CaseIn>,
) -> Result<Response, Problem> {
    let case = office::cases::create_case(
        &state.store,
        &caller,
        &state.settings.case_number_prefix,
        &state.settings.case_types(),
        &body.fields(),
    )
    .await?;
    Ok(case_response(StatusCode::CREATED, case))
}

/// One case.
#[utoipa::path(
    get,
    path = "/api/v1/cases/{case_id}",
    tag = "cases",
    params(("case_id" = i64, Path, description = "The case's id")),
    responses(
        (status = 200, description = "The case", body = CaseOut,
            headers(("ETag" = String, description = "The case's version, for If-Match"))),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such case, or not one you may see", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = []))
)]
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn read(
    State(state): State<AppState>,
    api: ApiCaller,
    ApiPath(case_id): ApiPath<i64>,
) -> Result<Response, Problem> {
    let open = office::cases::read_case(&state.store, &api.caller, case_id).await?;
    Ok(case_response(StatusCode::OK, open.case))
}

/// Edits a case's details, based on the version in `If-Match`.
#[utoipa::path(
    put,
    path = "/api/v1/cases/{case_id}",
    tag = "cases",
    params(
        ("case_id" = i64, Path, description = "The case's id"),
        ("If-Match" = String, Header, description = "The ETag the edit is based on"),
    ),
    request_body = CaseIn,
    responses(
        (status = 200, description = "The case as saved", body = CaseOut,
            headers(("ETag" = String, description = "The new version"))),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such case, or not one you may see", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Changed since that version", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Some values are not valid", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "No If-Match", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = []))
)]
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn update(
    State(state): State<AppState>,
    Writer(caller): Writer,
    ApiPath(case_id): ApiPath<i64>,
    _seen: SeenCase,
    headers: HeaderMap,
    ApiJson(body): ApiJson<CaseIn>,
) -> Result<Response, Problem> {
    let version = if_match(&headers)?;
    match office::cases::update_case(&state.store, &caller, case_id, version, &body.fields()).await
    {
        Ok(saved) => Ok(case_response(StatusCode::OK, saved.case)),
        Err(OfficeError::Stale) => Err(stale_case(&state, case_id).await),
        Err(error) => Err(error.into()),
    }
}

/// Moves a case along its workflow, based on the version in `If-Match`.
#[utoipa::path(
    post,
    path = "/api/v1/cases/{case_id}/status",
    tag = "cases",
    params(
        ("case_id" = i64, Path, description = "The case's id"),
        ("If-Match" = String, Header, description = "The ETag the move is based on"),
    ),
    request_body = StatusMoveIn,
    responses(
        (status = 200, description = "The case after the move", body = CaseOut),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such case, or not one you may see", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Changed since that version", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not a move the case may make", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "No If-Match", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = []))
)]
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn move_status(
    State(state): State<AppState>,
    Writer(caller): Writer,
    ApiPath(case_id): ApiPath<i64>,
    _seen: SeenCase,
    headers: HeaderMap,
    ApiJson(body): ApiJson<StatusMoveIn>,
) -> Result<Response, Problem> {
    let version = if_match(&headers)?;
    let moved = office::cases::move_status(
        &state.store,
        &caller,
        case_id,
        office::cases::StatusMove {
            from: None,
            version,
            to: &body.to,
            reason: &body.reason,
        },
    )
    .await;
    match moved {
        Ok(case) => Ok(case_response(StatusCode::OK, case)),
        Err(OfficeError::Stale) => Err(stale_case(&state, case_id).await),
        Err(error) => Err(error.into()),
    }
}

/// A case's team, lead first.
#[utoipa::path(
    get,
    path = "/api/v1/cases/{case_id}/team",
    tag = "cases",
    params(("case_id" = i64, Path, description = "The case's id")),
    responses(
        (status = 200, description = "The team", body = Vec<TeamMemberOut>),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such case, or not one you may see", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = []))
)]
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn team(
    State(state): State<AppState>,
    api: ApiCaller,
    ApiPath(case_id): ApiPath<i64>,
) -> Result<Json<Vec<TeamMemberOut>>, Problem> {
    let team = office::cases::team(&state.store, &api.caller, case_id).await?;
    Ok(Json(team.into_iter().map(Into::into).collect()))
}
