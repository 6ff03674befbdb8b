//! A case's memoranda of interview over the API: list them, read one with every version of
//! its memorandum, record one, and save one based on its version. The rules are the
//! interview pages' ([`crate::office::interviews`]).

use super::problem::Problem;
use super::{ApiCaller, ApiJson, ApiPath, SeenCase, Writer, if_match, tagged};
use crate::http::AppState;
use crate::office::{OfficeError, interviews};
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use probity_domain::interviews::{Interview, InterviewFields, MemorandumVersion};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;

/// Someone who attended an interview.
#[derive(Serialize, ToSchema)]
pub struct AttendeeOut {
    /// `investigator`, `counsel`, `union_representative`, `interpreter` or `other`.
    pub role: &'static str,
    /// The staff member, for the office's investigators.
    pub user_id: Option<i64>,
    pub name: String,
}

/// An interview with its current memorandum.
#[derive(Serialize, ToSchema)]
pub struct InterviewOut {
    pub interview_id: i64,
    /// `I-2`.
    pub label: String,
    pub party_id: i64,
    pub interviewee_name: String,
    pub interviewee_role: String,
    /// `YYYY-MM-DD`.
    pub held_on: String,
    pub place: String,
    /// `criminal`, `administrative_compelled` or `voluntary`.
    pub warning: &'static str,
    /// The recording's exhibit number (`7` for E-7).
    pub recording_exhibit: Option<i64>,
    /// The transcript's exhibit number.
    pub transcript_exhibit: Option<i64>,
    pub attendees: Vec<AttendeeOut>,
    pub memorandum: String,
    pub written_by_name: String,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    /// The number of saved versions; the ETag.
    pub version: i64,
}

impl From<Interview> for InterviewOut {
    fn from(i: Interview) -> Self {
        InterviewOut {
            label: i.label(),
            interview_id: i.interview_id,
            party_id: i.party_id,
            interviewee_name: i.interviewee_name,
            interviewee_role: i.interviewee_role,
            held_on: i.held_on,
            place: i.place,
            warning: i.warning.as_str(),
            recording_exhibit: i.recording.map(|(_, n)| n),
            transcript_exhibit: i.transcript.map(|(_, n)| n),
            attendees: i
                .attendees
                .into_iter()
                .map(|a| AttendeeOut {
                    role: a.role.as_str(),
                    user_id: a.user_id,
                    name: a.name,
                })
                .collect(),
            memorandum: i.memorandum,
            written_by_name: i.written_by_name,
            updated_at: i.updated_at,
            version: i.version,
        }
    }
}

/// One saved version of a memorandum.
#[derive(Serialize, ToSchema)]
pub struct MemorandumVersionOut {
    pub version: i64,
    pub body: String,
    pub written_by_name: String,
    #[serde(with = "time::serde::rfc3339")]
    pub written_at: OffsetDateTime,
}

impl From<MemorandumVersion> for MemorandumVersionOut {
    fn from(v: MemorandumVersion) -> Self {
        MemorandumVersionOut {
            version: v.version,
            body: v.body,
            written_by_name: v.written_by_name,
            written_at: v.written_at,
        }
    }
}

/// An interview with every version of its memorandum (newest first) and the events citing
/// it.
#[derive(Serialize, ToSchema)]
pub struct InterviewRecordOut {
    pub interview: InterviewOut,
    pub versions: Vec<MemorandumVersionOut>,
    /// Ids of the timeline events citing it.
    pub cited_by_events: Vec<i64>,
}

/// An interview as sent.
#[derive(Deserialize, ToSchema)]
pub struct InterviewIn {
    /// One of the case's parties.
    pub party_id: i64,
    /// Their role in the matter; the party's role when empty.
    #[serde(default)]
    #[schema(max_length = 200)]
    pub interviewee_role: String,
    /// `YYYY-MM-DD`, not in the future.
    pub held_on: String,
    #[schema(max_length = 300)]
    pub place: String,
    /// `criminal`, `administrative_compelled` or `voluntary`.
    pub warning: String,
    /// The number of the case's exhibit holding the recording (`7` for E-7).
    #[serde(default)]
    pub recording_exhibit: Option<i64>,
    #[serde(default)]
    pub transcript_exhibit: Option<i64>,
    /// User ids of team members present.
    #[serde(default)]
    pub investigators: Vec<i64>,
    #[serde(default)]
    pub counsel: Vec<String>,
    #[serde(default)]
    pub union_representatives: Vec<String>,
    #[serde(default)]
    pub interpreters: Vec<String>,
    /// Anyone else, with their role.
    #[serde(default)]
    pub others: Vec<String>,
    #[serde(default)]
    #[schema(max_length = 100000)]
    pub memorandum: String,
}

impl InterviewIn {
    fn fields(self, version: Option<i64>) -> InterviewFields {
        // Names travel as the form's lists do; a separator inside one name would split it,
        // so it is replaced.
        let list = |names: Vec<String>, separator: &str| {
            names
                .into_iter()
                .map(|name| name.replace([';', '\n', '\r'], " "))
                .collect::<Vec<_>>()
                .join(separator)
        };
        InterviewFields {
            party_id: self.party_id.to_string(),
            interviewee_role: self.interviewee_role,
            held_on: self.held_on,
            place: self.place,
            warning: self.warning,
            recording: self
                .recording_exhibit
                .map(|n| n.to_string())
                .unwrap_or_default(),
            transcript: self
                .transcript_exhibit
                .map(|n| n.to_string())
                .unwrap_or_default(),
            investigators: self.investigators.iter().map(i64::to_string).collect(),
            counsel: list(self.counsel, ";"),
            union_representative: list(self.union_representatives, ";"),
            interpreter: list(self.interpreters, ";"),
            others: list(self.others, "\n"),
            memorandum: self.memorandum,
            version: version.map(|v| v.to_string()).unwrap_or_default(),
        }
    }
}

/// The case's interviews.
#[utoipa::path(
    get,
    path = "/api/v1/cases/{case_id}/interviews",
    tag = "cases",
    params(("case_id" = i64, Path, description = "The case's id")),
    responses(
        (status = 200, description = "The interviews in number order", body = Vec<InterviewOut>),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such case, or not one you may see", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = []))
)]
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn list(
    State(state): State<AppState>,
    api: ApiCaller,
    ApiPath(case_id): ApiPath<i64>,
) -> Result<Json<Vec<InterviewOut>>, Problem> {
    let found = interviews::interviews(&state.store, &api.caller, case_id).await?;
    Ok(Json(found.interviews.into_iter().map(Into::into).collect()))
}

/// One interview with every version of its memorandum.
#[utoipa::path(
    get,
    path = "/api/v1/cases/{case_id}/interviews/{interview_id}",
    tag = "cases",
    params(
        ("case_id" = i64, Path, description = "The case's id"),
        ("interview_id" = i64, Path, description = "The interview's id"),
    ),
    responses(
        (status = 200, description = "The interview", body = InterviewRecordOut,
            headers(("ETag" = String, description = "The interview's version"))),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not found", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = []))
)]
#[tracing::instrument(skip_all, fields(case_id, interview_id))]
pub async fn read(
    State(state): State<AppState>,
    api: ApiCaller,
    ApiPath((case_id, interview_id)): ApiPath<(i64, i64)>,
) -> Result<Response, Problem> {
    let found = interviews::interview(&state.store, &api.caller, case_id, interview_id).await?;
    let version = found.interview.version;
    Ok(tagged(
        StatusCode::OK,
        version,
        InterviewRecordOut {
            interview: found.interview.into(),
            versions: found.versions.into_iter().map(Into::into).collect(),
            cited_by_events: found.cited_by.into_iter().map(|c| c.event_id).collect(),
        },
    ))
}

/// Records an interview.
#[utoipa::path(
    post,
    path = "/api/v1/cases/{case_id}/interviews",
    tag = "cases",
    params(("case_id" = i64, Path, description = "The case's id")),
    request_body = InterviewIn,
    responses(
        (status = 201, description = "The interview", body = InterviewOut,
            headers(("ETag" = String, description = "The interview's version"))),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not found", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The interview is not valid", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = []))
)]
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn add(
    State(state): State<AppState>,
    Writer(caller): Writer,
    ApiPath(case_id): ApiPath<i64>,
    _seen: SeenCase,
    ApiJson(body): ApiJson<InterviewIn>,
) -> Result<Response, Problem> {
    let saved =
        interviews::add_interview(&state.store, &caller, case_id, &body.fields(None)).await?;
    Ok(tagged(
        StatusCode::CREATED,
        saved.version,
        InterviewOut::from(saved),
    ))
}

/// Saves an interview based on the version in `If-Match`; the memorandum gains a version.
#[utoipa::path(
    put,
    path = "/api/v1/cases/{case_id}/interviews/{interview_id}",
    tag = "cases",
    params(
        ("case_id" = i64, Path, description = "The case's id"),
        ("interview_id" = i64, Path, description = "The interview's id"),
        ("If-Match" = String, Header, description = "The ETag the change is based on"),
    ),
    request_body = InterviewIn,
    responses(
        (status = 200, description = "The interview as saved", body = InterviewOut),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not found", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Changed since that version", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The interview is not valid", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "No If-Match", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = []))
)]
#[tracing::instrument(skip_all, fields(case_id, interview_id))]
pub async fn update(
    State(state): State<AppState>,
    Writer(caller): Writer,
    ApiPath((case_id, interview_id)): ApiPath<(i64, i64)>,
    _seen: SeenCase,
    headers: HeaderMap,
    ApiJson(body): ApiJson<InterviewIn>,
) -> Result<Response, Problem> {
    let version = if_match(&headers)?;
    let fields = body.fields(Some(version));
    match interviews::save_interview(&state.store, &caller, case_id, interview_id, &fields).await {
        Ok(saved) => Ok(tagged(
            StatusCode::OK,
            saved.version,
            InterviewOut::from(saved),
        )),
        Err(OfficeError::Stale) => {
            let current = state
                .store
                .interview(case_id, interview_id)
                .await
                .map_err(OfficeError::from)?
                .ok_or(OfficeError::NotFound)?;
            Err(Problem::stale(Some(current.version)))
        }
        Err(error) => Err(error.into()),
    }
}
