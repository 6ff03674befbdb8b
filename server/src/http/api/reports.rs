//! Findings, recommendations and report versions over the API, with the review steps:
//! submit (the team), return with comments and approve (commissioners).

use super::problem::Problem;
use super::{ApiCaller, ApiJson, ApiPath, SeenCase, Writer, if_match};
use crate::http::AppState;
use crate::office::{OfficeError, reports};
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use probity_domain::reports::{
    Finding, Recommendation, RecommendationFields, RecommendationUpdate, ReportVersion,
    ReviewComment,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use time::OffsetDateTime;
use utoipa::ToSchema;

/// A finding on an allegation.
#[derive(Serialize, ToSchema)]
pub struct FindingOut {
    pub id: i64,
    pub allegation_id: i64,
    /// One of the office's dispositions, e.g. `Substantiated`.
    pub disposition: String,
    /// The law or policy the disposition rests on.
    pub basis: String,
    /// The analysis, in the report's Markdown subset.
    pub analysis: String,
    pub event_ids: Vec<i64>,
    pub exhibit_ids: Vec<i64>,
    pub updated_by_name: String,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    pub version: i64,
}

impl From<Finding> for FindingOut {
    fn from(finding: Finding) -> FindingOut {
        FindingOut {
            id: finding.finding_id,
            allegation_id: finding.allegation_id,
            disposition: finding.disposition,
            basis: finding.basis,
            analysis: finding.analysis,
            event_ids: finding.event_ids,
            exhibit_ids: finding.exhibit_ids,
            updated_by_name: finding.updated_by_name,
            updated_at: finding.updated_at,
            version: finding.version,
        }
    }
}

/// A recommendation to an agency.
#[derive(Serialize, ToSchema)]
pub struct RecommendationOut {
    pub id: i64,
    pub case_id: i64,
    pub case_number: String,
    /// `R-3`.
    pub label: String,
    pub agency: String,
    pub body: String,
    /// The agency's response.
    pub response: String,
    /// `open`, `accepted`, `partially_implemented`, `implemented` or `rejected`.
    pub status: &'static str,
    /// `YYYY-MM-DD`.
    pub status_on: String,
    pub version: i64,
}

impl From<Recommendation> for RecommendationOut {
    fn from(recommendation: Recommendation) -> RecommendationOut {
        RecommendationOut {
            label: recommendation.label(),
            id: recommendation.recommendation_id,
            case_id: recommendation.case_id,
            case_number: recommendation.case_number,
            agency: recommendation.agency,
            body: recommendation.body,
            response: recommendation.response,
            status: recommendation.status.as_str(),
            status_on: recommendation.status_on,
            version: recommendation.version,
        }
    }
}

/// One step of a recommendation's status history.
#[derive(Serialize, ToSchema)]
pub struct RecommendationStepOut {
    pub status: &'static str,
    pub status_on: String,
    pub note: String,
    pub updated_by_name: String,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

/// A recommendation with its history.
#[derive(Serialize, ToSchema)]
pub struct RecommendationDetailOut {
    #[serde(flatten)]
    pub recommendation: RecommendationOut,
    /// Oldest first.
    pub history: Vec<RecommendationStepOut>,
}

impl From<RecommendationUpdate> for RecommendationStepOut {
    fn from(step: RecommendationUpdate) -> RecommendationStepOut {
        RecommendationStepOut {
            status: step.status.as_str(),
            status_on: step.status_on,
            note: step.note,
            updated_by_name: step.updated_by_name,
            updated_at: step.updated_at,
        }
    }
}

/// A review comment anchored to a section.
#[derive(Serialize, ToSchema)]
pub struct CommentOut {
    pub section: String,
    pub body: String,
    pub author_name: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

impl From<ReviewComment> for CommentOut {
    fn from(comment: ReviewComment) -> CommentOut {
        CommentOut {
            section: comment.section,
            body: comment.body,
            author_name: comment.author_name,
            created_at: comment.created_at,
        }
    }
}

/// A version of a case's report.
#[derive(Serialize, ToSchema)]
pub struct ReportVersionOut {
    pub version: i64,
    /// `draft`, `submitted`, `returned`, `approved` or `published`.
    pub state: &'static str,
    /// Section key to its Markdown text.
    pub sections: BTreeMap<String, String>,
    pub created_by_name: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    pub submitted_by_name: Option<String>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub submitted_at: Option<OffsetDateTime>,
    pub reviewed_by_name: Option<String>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub reviewed_at: Option<OffsetDateTime>,
    pub review_note: String,
    /// SHA-256 of the public PDF frozen at approval.
    pub public_pdf_sha256: Option<String>,
    /// Review comments (on one version).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comments: Option<Vec<CommentOut>>,
}

impl From<ReportVersion> for ReportVersionOut {
    fn from(version: ReportVersion) -> ReportVersionOut {
        ReportVersionOut {
            version: version.version,
            state: version.state.as_str(),
            sections: version.sections.into_iter().collect(),
            created_by_name: version.created_by_name,
            created_at: version.created_at,
            submitted_by_name: version.submitted_by_name,
            submitted_at: version.submitted_at,
            reviewed_by_name: version.reviewed_by_name,
            reviewed_at: version.reviewed_at,
            review_note: version.review_note,
            public_pdf_sha256: version.public_pdf_sha256,
            comments: None,
        }
    }
}

/// Why a version goes back: a note, comments on sections, or both.
#[derive(Deserialize, ToSchema)]
pub struct ReturnIn {
    #[serde(default)]
    #[schema(max_length = 4000)]
    pub note: String,
    /// Section key to the comment on it.
    #[serde(default)]
    pub comments: BTreeMap<String, String>,
}

/// A case's findings.
#[utoipa::path(
    get,
    path = "/api/v1/cases/{case_id}/findings",
    tag = "reports",
    params(("case_id" = i64, Path, description = "The case's id")),
    responses((status = 200, description = "The findings", body = Vec<FindingOut>)),
    security(("token" = []))
)]
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn findings(
    State(state): State<AppState>,
    api: ApiCaller,
    ApiPath(case_id): ApiPath<i64>,
) -> Result<Json<Vec<FindingOut>>, Problem> {
    let findings = reports::findings(&state.store, &api.caller, case_id).await?;
    Ok(Json(findings.into_iter().map(Into::into).collect()))
}

/// A case's recommendations.
#[utoipa::path(
    get,
    path = "/api/v1/cases/{case_id}/recommendations",
    tag = "reports",
    params(("case_id" = i64, Path, description = "The case's id")),
    responses((status = 200, description = "The recommendations", body = Vec<RecommendationOut>)),
    security(("token" = []))
)]
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn recommendations(
    State(state): State<AppState>,
    api: ApiCaller,
    ApiPath(case_id): ApiPath<i64>,
) -> Result<Json<Vec<RecommendationOut>>, Problem> {
    let found = reports::recommendations(&state.store, &api.caller, case_id).await?;
    Ok(Json(found.into_iter().map(Into::into).collect()))
}

/// One recommendation with its status history.
#[utoipa::path(
    get,
    path = "/api/v1/cases/{case_id}/recommendations/{recommendation_id}",
    tag = "reports",
    params(
        ("case_id" = i64, Path, description = "The case's id"),
        ("recommendation_id" = i64, Path, description = "The recommendation's id"),
    ),
    responses((status = 200, description = "The recommendation", body = RecommendationDetailOut)),
    security(("token" = []))
)]
#[tracing::instrument(skip_all, fields(case_id, recommendation_id))]
pub async fn recommendation(
    State(state): State<AppState>,
    api: ApiCaller,
    ApiPath((case_id, recommendation_id)): ApiPath<(i64, i64)>,
) -> Result<Json<RecommendationDetailOut>, Problem> {
    let (found, history) =
        reports::recommendation(&state.store, &api.caller, case_id, recommendation_id).await?;
    Ok(Json(RecommendationDetailOut {
        recommendation: found.into(),
        history: history.into_iter().map(Into::into).collect(),
    }))
}

/// A case's report versions, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/cases/{case_id}/report/versions",
    tag = "reports",
    params(("case_id" = i64, Path, description = "The case's id")),
    responses((status = 200, description = "The versions", body = Vec<ReportVersionOut>)),
    security(("token" = []))
)]
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn versions(
    State(state): State<AppState>,
    api: ApiCaller,
    ApiPath(case_id): ApiPath<i64>,
) -> Result<Json<Vec<ReportVersionOut>>, Problem> {
    let versions = reports::versions(&state.store, &api.caller, case_id).await?;
    Ok(Json(versions.into_iter().map(Into::into).collect()))
}

/// One report version with its review comments.
#[utoipa::path(
    get,
    path = "/api/v1/cases/{case_id}/report/versions/{version}",
    tag = "reports",
    params(
        ("case_id" = i64, Path, description = "The case's id"),
        ("version" = i64, Path, description = "The version's number"),
    ),
    responses((status = 200, description = "The version", body = ReportVersionOut)),
    security(("token" = []))
)]
#[tracing::instrument(skip_all, fields(case_id, version))]
pub async fn version(
    State(state): State<AppState>,
    api: ApiCaller,
    ApiPath((case_id, number)): ApiPath<(i64, i64)>,
) -> Result<Json<ReportVersionOut>, Problem> {
    let (_, found, comments) = reports::version(&state.store, &api.caller, case_id, number).await?;
    let mut out = ReportVersionOut::from(found);
    out.comments = Some(comments.into_iter().map(Into::into).collect());
    Ok(Json(out))
}

/// Submits the newest version, while it is a draft, for review.
#[utoipa::path(
    post,
    path = "/api/v1/cases/{case_id}/report/versions/{version}/submit",
    tag = "reports",
    params(
        ("case_id" = i64, Path, description = "The case's id"),
        ("version" = i64, Path, description = "The version's number"),
    ),
    responses(
        (status = 200, description = "The version, submitted", body = ReportVersionOut),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not the newest draft", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = []))
)]
#[tracing::instrument(skip_all, fields(case_id, version))]
pub async fn submit(
    State(state): State<AppState>,
    Writer(caller): Writer,
    ApiPath((case_id, number)): ApiPath<(i64, i64)>,
) -> Result<Json<ReportVersionOut>, Problem> {
    reports::submit(&state.store, &caller, case_id, number).await?;
    current(&state, case_id, number).await
}

/// Returns the newest, submitted version with a note or comments (commissioners).
#[utoipa::path(
    post,
    path = "/api/v1/cases/{case_id}/report/versions/{version}/return",
    tag = "reports",
    params(
        ("case_id" = i64, Path, description = "The case's id"),
        ("version" = i64, Path, description = "The version's number"),
    ),
    request_body = ReturnIn,
    responses(
        (status = 200, description = "The version, returned", body = ReportVersionOut),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not the newest submitted version", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Neither a note nor a comment", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = []))
)]
#[tracing::instrument(skip_all, fields(case_id, version))]
pub async fn return_version(
    State(state): State<AppState>,
    Writer(caller): Writer,
    ApiPath((case_id, number)): ApiPath<(i64, i64)>,
    _seen: SeenCase,
    ApiJson(body): ApiJson<ReturnIn>,
) -> Result<Json<ReportVersionOut>, Problem> {
    let comments: Vec<(String, String)> = body.comments.into_iter().collect();
    reports::return_version(
        &state.store,
        &caller,
        case_id,
        number,
        &body.note,
        &comments,
    )
    .await?;
    current(&state, case_id, number).await
}

/// Approves the newest, submitted version: its files are rendered and frozen and the leak
/// check runs on them (commissioners).
#[utoipa::path(
    post,
    path = "/api/v1/cases/{case_id}/report/versions/{version}/approve",
    tag = "reports",
    params(
        ("case_id" = i64, Path, description = "The case's id"),
        ("version" = i64, Path, description = "The version's number"),
    ),
    responses(
        (status = 200, description = "The version, approved", body = ReportVersionOut),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not the newest submitted version", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = []))
)]
#[tracing::instrument(skip_all, fields(case_id, version))]
pub async fn approve(
    State(state): State<AppState>,
    Writer(caller): Writer,
    ApiPath((case_id, number)): ApiPath<(i64, i64)>,
) -> Result<Json<ReportVersionOut>, Problem> {
    reports::approve(&state.store, state.approver(), &caller, case_id, number).await?;
    current(&state, case_id, number).await
}

/// The version as it is now, after a step the caller was allowed to take.
async fn current(
    state: &AppState,
    case_id: i64,
    number: i64,
) -> Result<Json<ReportVersionOut>, Problem> {
    let found = state
        .store
        .report_version(case_id, number)
        .await?
        .ok_or_else(Problem::not_found)?;
    Ok(Json(found.into()))
}

/// A recommendation as sent.
#[derive(Deserialize, ToSchema)]
pub struct RecommendationIn {
    /// The agency it is addressed to.
    #[schema(max_length = 200)]
    pub agency: String,
    #[schema(max_length = 4000)]
    pub body: String,
    /// The agency's response, when it came.
    #[serde(default)]
    #[schema(max_length = 8000)]
    pub response: String,
    /// `open`, `accepted`, `partially_implemented`, `implemented` or `rejected`.
    pub status: String,
    /// `YYYY-MM-DD`, when the status took effect.
    pub status_on: String,
    /// A note for the status history.
    #[serde(default)]
    #[schema(max_length = 500)]
    pub note: String,
}

impl RecommendationIn {
    fn fields(self) -> RecommendationFields {
        RecommendationFields {
            agency: self.agency,
            body: self.body,
            response: self.response,
            status: self.status,
            status_on: self.status_on,
            note: self.note,
            version: String::new(),
        }
    }
}

/// Adds a recommendation.
#[utoipa::path(
    post,
    path = "/api/v1/cases/{case_id}/recommendations",
    tag = "reports",
    params(("case_id" = i64, Path, description = "The case's id")),
    request_body = RecommendationIn,
    responses(
        (status = 201, description = "The new recommendation", body = RecommendationOut),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Some values are not valid", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = []))
)]
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn add_recommendation(
    State(state): State<AppState>,
    Writer(caller): Writer,
    ApiPath(case_id): ApiPath<i64>,
    _seen: SeenCase,
    ApiJson(body): ApiJson<RecommendationIn>,
) -> Result<Response, Problem> {
    let created =
        reports::add_recommendation(&state.store, &caller, case_id, &body.fields()).await?;
    Ok((StatusCode::CREATED, Json(RecommendationOut::from(created))).into_response())
}

/// Saves a recommendation, based on its `version` in `If-Match`; a changed status or date
/// adds to its history.
#[utoipa::path(
    put,
    path = "/api/v1/cases/{case_id}/recommendations/{recommendation_id}",
    tag = "reports",
    params(
        ("case_id" = i64, Path, description = "The case's id"),
        ("recommendation_id" = i64, Path, description = "The recommendation's id"),
        ("If-Match" = String, Header, description = "The version the change is based on, as \"3\""),
    ),
    request_body = RecommendationIn,
    responses(
        (status = 200, description = "The recommendation as saved, with its history", body = RecommendationDetailOut),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Changed since that version", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Some values are not valid", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "No If-Match", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = []))
)]
#[tracing::instrument(skip_all, fields(case_id, recommendation_id))]
pub async fn update_recommendation(
    State(state): State<AppState>,
    Writer(caller): Writer,
    ApiPath((case_id, recommendation_id)): ApiPath<(i64, i64)>,
    _seen: SeenCase,
    headers: HeaderMap,
    ApiJson(body): ApiJson<RecommendationIn>,
) -> Result<Json<RecommendationDetailOut>, Problem> {
    let version = if_match(&headers)?;
    let saved = reports::update_recommendation(
        &state.store,
        &caller,
        case_id,
        recommendation_id,
        version,
        &body.fields(),
    )
    .await;
    match saved {
        Ok(()) => {
            let (found, history) =
                reports::recommendation(&state.store, &caller, case_id, recommendation_id).await?;
            Ok(Json(RecommendationDetailOut {
                recommendation: found.into(),
                history: history.into_iter().map(Into::into).collect(),
            }))
        }
        Err(OfficeError::Stale) => {
            let current = state
                .store
                .recommendations(case_id)
                .await?
                .into_iter()
                .find(|r| r.recommendation_id == recommendation_id)
                .map(|r| r.version);
            Err(Problem::stale(current))
        }
        Err(error) => Err(error.into()),
    }
}
