//! Findings, recommendations and report versions over the API, with the review steps:
//! submit (the team), return with comments and approve (commissioners).

use super::problem::Problem;
use super::{ApiCaller, ApiJson, ApiPath, SeenCase, Writer, if_match, tagged};
use crate::http::AppState;
use crate::office::{OfficeError, findings, recommendations, reports};
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use probity_domain::reports::{
    Finding, FindingFields, Recommendation, RecommendationFields, RecommendationUpdate,
    ReportVersion, ReviewComment,
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
    /// Counted as significant in the office's reporting.
    pub significant: bool,
    /// `none`, `high`, `medium` or `low`.
    pub priority: &'static str,
    /// `open_unresolved`, `open_resolved` or `closed`.
    pub resolution: &'static str,
    /// The same in the oversight.gov words: `Open-Unresolved`, `Open-Resolved`, `Closed`.
    pub resolution_term: &'static str,
    /// `YYYY-MM-DD`, when management decided.
    pub decision_on: Option<String>,
    /// `YYYY-MM-DD`, the report's first publication after it was written.
    pub issued_on: Option<String>,
    /// `YYYY-MM-DD`, 60 days after it was issued.
    pub response_due_on: Option<String>,
    /// `YYYY-MM-DD`, when the agency's response came.
    pub response_received_on: Option<String>,
    /// Questioned costs recorded against it, in minor units (cents) of the office's currency.
    pub questioned_costs_minor: i64,
    /// Of those, unsupported.
    pub unsupported_costs_minor: i64,
    /// Funds put to better use recorded against it, in minor units.
    pub funds_better_use_minor: i64,
}

impl From<Recommendation> for RecommendationOut {
    fn from(recommendation: Recommendation) -> RecommendationOut {
        let response_due_on = recommendation.response_due_on().map(|day| day.to_string());
        RecommendationOut {
            label: recommendation.label(),
            id: recommendation.recommendation_id,
            case_id: recommendation.case_id,
            case_number: recommendation.case_number,
            agency: recommendation.agency,
            body: recommendation.body,
            response: recommendation.response,
            status: recommendation.status.as_str(),
            version: recommendation.version,
            significant: recommendation.significant,
            priority: recommendation.priority.as_str(),
            resolution: recommendation.resolution.as_str(),
            resolution_term: recommendation.resolution.oversight_term(),
            decision_on: recommendation.decision_on.clone(),
            response_due_on,
            issued_on: recommendation.issued_on.clone(),
            response_received_on: recommendation.response_received_on.clone(),
            questioned_costs_minor: recommendation.questioned_minor,
            unsupported_costs_minor: recommendation.unsupported_minor,
            funds_better_use_minor: recommendation.better_use_minor,
            status_on: recommendation.status_on,
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
    /// What the leak check found at approval; a commissioner may release a personal-data
    /// hit that has a `release_key`.
    pub leak_hits: Vec<super::problem::LeakOut>,
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
            leak_hits: version
                .leak_hits
                .into_iter()
                .flatten()
                .map(Into::into)
                .collect(),
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
    let (_, found) = findings::findings(&state.store, &api.caller, case_id).await?;
    Ok(Json(found.into_iter().map(Into::into).collect()))
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
    let found = recommendations::recommendations(&state.store, &api.caller, case_id).await?;
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
        recommendations::recommendation(&state.store, &api.caller, case_id, recommendation_id)
            .await?;
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
    /// Counted as significant; false when left out.
    #[serde(default)]
    pub significant: bool,
    /// `none` (the default), `high`, `medium` or `low`.
    #[serde(default)]
    pub priority: String,
    /// `open_unresolved` (the default), `open_resolved` or `closed`.
    #[serde(default)]
    pub resolution: String,
    /// `YYYY-MM-DD`, when management decided; needed when resolved.
    #[serde(default)]
    pub decision_on: Option<String>,
    /// `YYYY-MM-DD`, when the agency's response came.
    #[serde(default)]
    pub response_received_on: Option<String>,
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
            significant: if self.significant { "yes" } else { "" }.into(),
            priority: self.priority,
            resolution: self.resolution,
            decision_on: self.decision_on.unwrap_or_default(),
            response_received_on: self.response_received_on.unwrap_or_default(),
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
        recommendations::add_recommendation(&state.store, &caller, case_id, &body.fields()).await?;
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
    let saved = recommendations::update_recommendation(
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
                recommendations::recommendation(&state.store, &caller, case_id, recommendation_id)
                    .await?;
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

/// A finding as sent.
#[derive(Deserialize, ToSchema)]
pub struct FindingIn {
    /// One of the office's dispositions, e.g. `Substantiated`.
    #[schema(max_length = 200)]
    pub disposition: String,
    /// The law or policy the disposition rests on.
    #[schema(max_length = 500)]
    pub basis: String,
    /// The analysis, in the report's Markdown subset.
    #[serde(default)]
    #[schema(max_length = 20000)]
    pub analysis: String,
    /// Events of the case's timeline the finding cites.
    #[serde(default)]
    pub event_ids: Vec<i64>,
    /// Exhibits of the case the finding cites.
    #[serde(default)]
    pub exhibit_ids: Vec<i64>,
}

/// Records or saves the finding on an allegation. `If-Match` carries the finding's version,
/// or `"0"` while the allegation has none yet.
#[utoipa::path(
    put,
    path = "/api/v1/cases/{case_id}/findings/{allegation_id}",
    tag = "reports",
    params(
        ("case_id" = i64, Path, description = "The case's id"),
        ("allegation_id" = i64, Path, description = "The allegation's id"),
        ("If-Match" = String, Header, description = "The finding's version, as \"3\"; \"0\" for the first"),
    ),
    request_body = FindingIn,
    responses(
        (status = 200, description = "The finding as saved", body = FindingOut),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Changed since that version", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Some values are not valid", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "No If-Match", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = []))
)]
#[tracing::instrument(skip_all, fields(case_id, allegation_id))]
pub async fn save_finding(
    State(state): State<AppState>,
    Writer(caller): Writer,
    ApiPath((case_id, allegation_id)): ApiPath<(i64, i64)>,
    _seen: SeenCase,
    headers: HeaderMap,
    ApiJson(body): ApiJson<FindingIn>,
) -> Result<Response, Problem> {
    let version = if_match(&headers)?;
    let fields = FindingFields {
        disposition: body.disposition,
        basis: body.basis,
        analysis: body.analysis,
        version: String::new(),
        events: body.event_ids.iter().map(i64::to_string).collect(),
        exhibits: body.exhibit_ids.iter().map(i64::to_string).collect(),
    };
    let saved = findings::save_finding(
        &state.store,
        &state.settings.disposition_list(),
        &caller,
        case_id,
        allegation_id,
        version,
        &fields,
    )
    .await;
    match saved {
        Ok(finding) => Ok(tagged(
            StatusCode::OK,
            finding.version,
            FindingOut::from(finding),
        )),
        Err(OfficeError::Stale) => {
            let current = findings::finding_of(&state.store, case_id, allegation_id)
                .await?
                .map_or(0, |f| f.version);
            Err(Problem::stale(Some(current)))
        }
        Err(error) => Err(error.into()),
    }
}

/// A new draft of the report.
#[derive(Deserialize, ToSchema)]
pub struct VersionIn {
    /// The newest version's number when the draft was begun (0 for the first draft); a newer
    /// one saved meanwhile answers 409.
    pub based_on: i64,
    /// Section key (`summary`, `background`, `methodology`, `analysis`, `conclusion`,
    /// `corrections`, ...) to its Markdown text; a missing section is empty.
    pub sections: BTreeMap<String, String>,
}

/// Saves a new draft version of the report.
#[utoipa::path(
    post,
    path = "/api/v1/cases/{case_id}/report/versions",
    tag = "reports",
    params(("case_id" = i64, Path, description = "The case's id")),
    request_body = VersionIn,
    responses(
        (status = 201, description = "The new version", body = ReportVersionOut),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A newer version was saved meanwhile", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Some sections are not valid", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = []))
)]
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn save_version(
    State(state): State<AppState>,
    Writer(caller): Writer,
    ApiPath(case_id): ApiPath<i64>,
    _seen: SeenCase,
    ApiJson(body): ApiJson<VersionIn>,
) -> Result<Response, Problem> {
    let sections: Vec<(String, String)> = body.sections.into_iter().collect();
    match reports::save_version(&state.store, &caller, case_id, body.based_on, &sections).await {
        Ok(number) => {
            let Json(out) = current(&state, case_id, number).await?;
            Ok((StatusCode::CREATED, Json(out)).into_response())
        }
        Err(OfficeError::Stale) => Err(Problem::stale(Some(
            reports::newest_version(&state.store, case_id).await?,
        ))),
        Err(error) => Err(error.into()),
    }
}

/// Publishes an approved version once its public files pass the leak check again against
/// the redactions as they are now (commissioners). A refusal by the leak check answers 409
/// with what it found in `leaks`.
#[utoipa::path(
    post,
    path = "/api/v1/cases/{case_id}/report/versions/{version}/publish",
    tag = "reports",
    params(
        ("case_id" = i64, Path, description = "The case's id"),
        ("version" = i64, Path, description = "The version's number"),
    ),
    responses(
        (status = 200, description = "The published edition", body = super::portal::PublishedReportOut),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not approved, or the leak check found something", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A correction without its note", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = []))
)]
#[tracing::instrument(skip_all, fields(case_id, version))]
pub async fn publish(
    State(state): State<AppState>,
    Writer(caller): Writer,
    ApiPath((case_id, number)): ApiPath<(i64, i64)>,
) -> Result<Json<super::portal::PublishedReportOut>, Problem> {
    let published =
        reports::publish(&state.store, state.approver(), &caller, case_id, number).await?;
    Ok(Json(published.into()))
}

/// A commissioner's release of one personal-data value the leak check found.
#[derive(Deserialize, ToSchema)]
pub struct ReleaseHitIn {
    /// The hit's `release_key`, from the version's leak-check hits.
    #[schema(max_length = 200)]
    pub release_key: String,
    /// Why the value may be published.
    #[schema(max_length = 1000)]
    pub reason: String,
}

/// Releases one personal-data value the leak check found in an approved, unpublished
/// version (commissioners).
#[utoipa::path(
    post,
    path = "/api/v1/cases/{case_id}/report/versions/{version}/releases",
    tag = "reports",
    params(
        ("case_id" = i64, Path, description = "The case's id"),
        ("version" = i64, Path, description = "The version's number"),
    ),
    request_body = ReleaseHitIn,
    responses(
        (status = 204, description = "Released"),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not a releasable hit, or no reason", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = []))
)]
#[tracing::instrument(skip_all, fields(case_id, version))]
pub async fn release_hit(
    State(state): State<AppState>,
    Writer(caller): Writer,
    ApiPath((case_id, number)): ApiPath<(i64, i64)>,
    _seen: SeenCase,
    ApiJson(body): ApiJson<ReleaseHitIn>,
) -> Result<StatusCode, Problem> {
    reports::release_hit(
        &state.store,
        &caller,
        case_id,
        number,
        &body.release_key,
        &body.reason,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
