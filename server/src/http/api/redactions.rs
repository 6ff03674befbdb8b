//! Redactions over the API: the strings the public report leaves out, and the sensitive
//! exhibits released for publication one by one. The same office functions as the
//! redactions page.

use super::problem::Problem;
use super::{ApiCaller, ApiJson, ApiPath, SeenCase, Writer};
use crate::http::AppState;
use crate::office::redactions::{self, SensitiveExhibit};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use probity_domain::reports::{Redaction, RedactionFields};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A string left out of public versions.
#[derive(Serialize, ToSchema)]
pub struct RedactionOut {
    pub id: i64,
    /// The text, replaced wherever it occurs (ignoring case).
    pub text: String,
    /// `personal_data`, `witness_safety`, `law_enforcement`, `security`, `deliberative` or
    /// `other`.
    pub reason: &'static str,
    pub created_by_name: String,
}

impl From<Redaction> for RedactionOut {
    fn from(redaction: Redaction) -> RedactionOut {
        RedactionOut {
            id: redaction.redaction_id,
            text: redaction.text,
            reason: redaction.reason.as_str(),
            created_by_name: redaction.created_by_name,
        }
    }
}

/// An exhibit the public report withholds unless released.
#[derive(Serialize, ToSchema)]
pub struct SensitiveExhibitOut {
    pub exhibit_id: i64,
    /// `E-3`.
    pub label: String,
    pub description: String,
    pub booking_photo: bool,
    pub personal_data: bool,
    pub restricted: bool,
    /// Released for publication.
    pub released: bool,
}

impl From<SensitiveExhibit> for SensitiveExhibitOut {
    fn from(exhibit: SensitiveExhibit) -> SensitiveExhibitOut {
        SensitiveExhibitOut {
            exhibit_id: exhibit.exhibit_id,
            label: format!("E-{}", exhibit.number),
            description: exhibit.description,
            booking_photo: exhibit.booking_photo,
            personal_data: exhibit.personal_data,
            restricted: exhibit.restricted,
            released: exhibit.released,
        }
    }
}

/// A case's redactions and its sensitive exhibits.
#[derive(Serialize, ToSchema)]
pub struct RedactionsOut {
    pub redactions: Vec<RedactionOut>,
    /// Only those the caller may see.
    pub sensitive_exhibits: Vec<SensitiveExhibitOut>,
}

/// A redaction as sent.
#[derive(Deserialize, ToSchema)]
pub struct RedactionIn {
    /// At least two letters or digits.
    #[schema(max_length = 300)]
    pub text: String,
    /// One of the reasons listed in `RedactionOut.reason`.
    pub reason: String,
}

/// Whether a sensitive exhibit is released for publication.
#[derive(Deserialize, ToSchema)]
pub struct ReleaseIn {
    pub released: bool,
}

/// A case's redactions and sensitive exhibits.
#[utoipa::path(
    get,
    path = "/api/v1/cases/{case_id}/redactions",
    tag = "reports",
    params(("case_id" = i64, Path, description = "The case's id")),
    responses((status = 200, description = "The redactions", body = RedactionsOut)),
    security(("token" = []))
)]
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn list(
    State(state): State<AppState>,
    api: ApiCaller,
    ApiPath(case_id): ApiPath<i64>,
) -> Result<Json<RedactionsOut>, Problem> {
    let list = redactions::redactions(&state.store, &api.caller, case_id).await?;
    Ok(Json(RedactionsOut {
        redactions: list.redactions.into_iter().map(Into::into).collect(),
        sensitive_exhibits: list.sensitive.into_iter().map(Into::into).collect(),
    }))
}

/// Adds a redaction; the same text twice answers 422.
#[utoipa::path(
    post,
    path = "/api/v1/cases/{case_id}/redactions",
    tag = "reports",
    params(("case_id" = i64, Path, description = "The case's id")),
    request_body = RedactionIn,
    responses(
        (status = 201, description = "The new redaction", body = RedactionOut),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Some values are not valid", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = []))
)]
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn add(
    State(state): State<AppState>,
    Writer(caller): Writer,
    ApiPath(case_id): ApiPath<i64>,
    _seen: SeenCase,
    ApiJson(body): ApiJson<RedactionIn>,
) -> Result<Response, Problem> {
    let fields = RedactionFields {
        text: body.text,
        reason: body.reason,
    };
    let id = redactions::add_redaction(&state.store, &caller, case_id, &fields).await?;
    let created = state
        .store
        .redactions(case_id)
        .await?
        .into_iter()
        .find(|r| r.redaction_id == id)
        .ok_or_else(Problem::not_found)?;
    Ok((StatusCode::CREATED, Json(RedactionOut::from(created))).into_response())
}

/// Removes a redaction; one that is no longer there answers 409.
#[utoipa::path(
    delete,
    path = "/api/v1/cases/{case_id}/redactions/{redaction_id}",
    tag = "reports",
    params(
        ("case_id" = i64, Path, description = "The case's id"),
        ("redaction_id" = i64, Path, description = "The redaction's id"),
    ),
    responses(
        (status = 204, description = "Removed"),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already removed", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = []))
)]
#[tracing::instrument(skip_all, fields(case_id, redaction_id))]
pub async fn remove(
    State(state): State<AppState>,
    Writer(caller): Writer,
    ApiPath((case_id, redaction_id)): ApiPath<(i64, i64)>,
) -> Result<StatusCode, Problem> {
    redactions::remove_redaction(&state.store, &caller, case_id, redaction_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Releases a sensitive exhibit for publication, or withholds it again.
#[utoipa::path(
    put,
    path = "/api/v1/cases/{case_id}/releases/{exhibit_id}",
    tag = "reports",
    params(
        ("case_id" = i64, Path, description = "The case's id"),
        ("exhibit_id" = i64, Path, description = "The exhibit's id"),
    ),
    request_body = ReleaseIn,
    responses(
        (status = 204, description = "Saved"),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not an exhibit of this case", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = []))
)]
#[tracing::instrument(skip_all, fields(case_id, exhibit_id))]
pub async fn set_release(
    State(state): State<AppState>,
    Writer(caller): Writer,
    ApiPath((case_id, exhibit_id)): ApiPath<(i64, i64)>,
    _seen: SeenCase,
    ApiJson(body): ApiJson<ReleaseIn>,
) -> Result<StatusCode, Problem> {
    redactions::set_release(
        &state.store,
        &caller,
        case_id,
        Some(exhibit_id),
        body.released,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
