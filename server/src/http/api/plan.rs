//! A case's clocks and investigative plan over the API: read them, add and edit tasks, and
//! extend, pause or resume a clock. The rules are the plan page's ([`crate::office::plan`]).

use super::problem::Problem;
use super::{ApiCaller, ApiJson, ApiPath, SeenCase, Writer, if_match, tagged};
use crate::http::AppState;
use crate::office::{OfficeError, plan};
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use probity_domain::clocks::CaseClock;
use probity_domain::plan::{Task, TaskFields};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;

/// A statutory clock and where it stands today.
#[derive(Serialize, ToSchema)]
pub struct ClockOut {
    /// The clock's key in its case type, e.g. `determination`.
    pub clock: String,
    pub label: String,
    /// `YYYY-MM-DD`.
    pub started_on: String,
    /// `YYYY-MM-DD`: start, days allowed and ended pauses.
    pub due_on: String,
    pub days_used: i64,
    pub days_allowed: i64,
    /// Negative when overdue.
    pub days_left: i64,
    pub overdue: bool,
    /// `YYYY-MM-DD` while paused.
    pub paused_since: Option<String>,
    pub paused_days: i64,
    /// `YYYY-MM-DD` once the case closed.
    pub stopped_on: Option<String>,
    pub extended_days: i64,
    /// How many more days it may be extended by.
    pub extension_left: i64,
    pub extension_needs_consent: bool,
}

impl From<CaseClock> for ClockOut {
    fn from(clock: CaseClock) -> Self {
        let reading = clock.reading(plan::today());
        ClockOut {
            extension_left: clock.extension_left(),
            clock: clock.clock,
            label: clock.label,
            started_on: clock.started_on.to_string(),
            due_on: clock.due_on.to_string(),
            days_used: reading.used,
            days_allowed: reading.allowed,
            days_left: reading.left,
            overdue: reading.overdue(),
            paused_since: clock.paused_since.map(|d| d.to_string()),
            paused_days: clock.paused_days,
            stopped_on: clock.stopped_on.map(|d| d.to_string()),
            extended_days: clock.extended_days,
            extension_needs_consent: clock.extension_needs_consent,
        }
    }
}

/// One recorded extension, pause, resumption or stop.
#[derive(Serialize, ToSchema)]
pub struct ClockChangeOut {
    pub clock: String,
    /// `extend`, `pause`, `resume`, `stop` or `restart`.
    pub kind: &'static str,
    pub days: i64,
    pub reason: String,
    pub consent_on: Option<String>,
    pub changed_by_name: String,
    #[serde(with = "time::serde::rfc3339")]
    pub changed_at: OffsetDateTime,
}

/// A task of the investigative plan.
#[derive(Serialize, ToSchema)]
pub struct TaskOut {
    pub task_id: i64,
    pub title: String,
    pub notes: String,
    pub assignee_id: Option<i64>,
    pub assignee_name: Option<String>,
    /// `YYYY-MM-DD`.
    pub due_on: Option<String>,
    /// `open`, `in_progress`, `done` or `dropped`.
    pub status: &'static str,
    pub overdue: bool,
    /// The exhibit that fulfilled it, by its number (`4` for E-4).
    pub fulfilled_by_exhibit: Option<i64>,
    /// The timeline event that fulfilled it.
    pub fulfilled_by_event: Option<i64>,
    pub version: i64,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

impl From<Task> for TaskOut {
    fn from(task: Task) -> Self {
        let overdue = task.overdue(&plan::today().to_string());
        TaskOut {
            task_id: task.task_id,
            title: task.title,
            notes: task.notes,
            assignee_id: task.assignee_id,
            assignee_name: task.assignee_name,
            due_on: task.due_on,
            status: task.status.as_str(),
            overdue,
            fulfilled_by_exhibit: task.fulfilled_exhibit.map(|(_, number)| number),
            fulfilled_by_event: task.fulfilled_event.map(|(id, _)| id),
            version: task.version,
            updated_at: task.updated_at,
        }
    }
}

/// A case's type, clocks (with every change) and tasks.
#[derive(Serialize, ToSchema)]
pub struct PlanOut {
    pub case_type: String,
    pub clocks: Vec<ClockOut>,
    pub clock_changes: Vec<ClockChangeOut>,
    pub tasks: Vec<TaskOut>,
}

/// A task as sent.
#[derive(Deserialize, ToSchema)]
pub struct TaskIn {
    #[schema(max_length = 300)]
    pub title: String,
    #[serde(default)]
    #[schema(max_length = 10000)]
    pub notes: String,
    /// Someone on the case's team.
    #[serde(default)]
    pub assignee_id: Option<i64>,
    /// `YYYY-MM-DD`.
    #[serde(default)]
    pub due_on: Option<String>,
    /// `open` (when absent), `in_progress`, `done` or `dropped`.
    #[serde(default)]
    pub status: Option<String>,
    /// The number of the case's exhibit that fulfilled it (`4` for E-4).
    #[serde(default)]
    pub fulfilled_by_exhibit: Option<i64>,
    /// The id of the case's timeline event that fulfilled it.
    #[serde(default)]
    pub fulfilled_by_event: Option<i64>,
}

impl TaskIn {
    fn fields(self, version: Option<i64>) -> TaskFields {
        TaskFields {
            title: self.title,
            notes: self.notes,
            assignee: self
                .assignee_id
                .map(|id| id.to_string())
                .unwrap_or_default(),
            due_on: self.due_on.unwrap_or_default(),
            status: self.status.unwrap_or_default(),
            exhibit: self
                .fulfilled_by_exhibit
                .map(|n| n.to_string())
                .unwrap_or_default(),
            event: self
                .fulfilled_by_event
                .map(|id| id.to_string())
                .unwrap_or_default(),
            version: version.map(|v| v.to_string()).unwrap_or_default(),
        }
    }
}

/// A change to a clock.
#[derive(Deserialize, ToSchema)]
pub struct ClockChangeIn {
    /// `extend`, `pause` or `resume`.
    pub kind: String,
    /// Days to extend by (extensions only).
    #[serde(default)]
    pub days: Option<i64>,
    /// Why; recorded with the caller's name and the time.
    #[schema(max_length = 2000)]
    pub reason: String,
    /// `YYYY-MM-DD`: the day the complainant consented (an extension whose rule needs it).
    #[serde(default)]
    pub consent_on: Option<String>,
}

/// The case's type, clocks and investigative plan.
#[utoipa::path(
    get,
    path = "/api/v1/cases/{case_id}/plan",
    tag = "cases",
    params(("case_id" = i64, Path, description = "The case's id")),
    responses(
        (status = 200, description = "Clocks, their changes and the tasks", body = PlanOut),
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
) -> Result<Json<PlanOut>, Problem> {
    let found = plan::plan(&state.store, &api.caller, case_id).await?;
    Ok(Json(PlanOut {
        case_type: found.open.case.case_type,
        clocks: found.clocks.into_iter().map(Into::into).collect(),
        clock_changes: found
            .changes
            .into_iter()
            .map(|c| ClockChangeOut {
                clock: c.clock,
                kind: c.kind.as_str(),
                days: c.days,
                reason: c.reason,
                consent_on: c.consent_on,
                changed_by_name: c.changed_by_name,
                changed_at: c.changed_at,
            })
            .collect(),
        tasks: found.tasks.into_iter().map(Into::into).collect(),
    }))
}

/// Adds a task to the plan.
#[utoipa::path(
    post,
    path = "/api/v1/cases/{case_id}/tasks",
    tag = "cases",
    params(("case_id" = i64, Path, description = "The case's id")),
    request_body = TaskIn,
    responses(
        (status = 201, description = "The task", body = TaskOut,
            headers(("ETag" = String, description = "The task's version"))),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not found", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The task is not valid", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = []))
)]
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn add_task(
    State(state): State<AppState>,
    Writer(caller): Writer,
    ApiPath(case_id): ApiPath<i64>,
    _seen: SeenCase,
    ApiJson(body): ApiJson<TaskIn>,
) -> Result<Response, Problem> {
    let task = plan::create_task(&state.store, &caller, case_id, &body.fields(None)).await?;
    Ok(tagged(
        StatusCode::CREATED,
        task.version,
        TaskOut::from(task),
    ))
}

/// Saves a task, based on the version in `If-Match`.
#[utoipa::path(
    put,
    path = "/api/v1/cases/{case_id}/tasks/{task_id}",
    tag = "cases",
    params(
        ("case_id" = i64, Path, description = "The case's id"),
        ("task_id" = i64, Path, description = "The task's id"),
        ("If-Match" = String, Header, description = "The ETag the change is based on"),
    ),
    request_body = TaskIn,
    responses(
        (status = 200, description = "The task as saved", body = TaskOut),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not found", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Changed since that version", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The task is not valid", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "No If-Match", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = []))
)]
#[tracing::instrument(skip_all, fields(case_id, task_id))]
pub async fn update_task(
    State(state): State<AppState>,
    Writer(caller): Writer,
    ApiPath((case_id, task_id)): ApiPath<(i64, i64)>,
    _seen: SeenCase,
    headers: HeaderMap,
    ApiJson(body): ApiJson<TaskIn>,
) -> Result<Response, Problem> {
    let version = if_match(&headers)?;
    let fields = body.fields(Some(version));
    match plan::update_task(&state.store, &caller, case_id, task_id, &fields).await {
        Ok(task) => Ok(tagged(StatusCode::OK, task.version, TaskOut::from(task))),
        Err(OfficeError::Stale) => {
            let current = state
                .store
                .task(case_id, task_id)
                .await
                .map_err(OfficeError::from)?
                .ok_or(OfficeError::NotFound)?;
            Err(Problem::stale(Some(current.version)))
        }
        Err(error) => Err(error.into()),
    }
}

/// Extends, pauses or resumes one of the case's clocks (the lead or a supervisor).
#[utoipa::path(
    post,
    path = "/api/v1/cases/{case_id}/clocks/{clock}",
    tag = "cases",
    params(
        ("case_id" = i64, Path, description = "The case's id"),
        ("clock" = String, Path, description = "The clock's key, e.g. determination"),
    ),
    request_body = ClockChangeIn,
    responses(
        (status = 200, description = "The clock after the change", body = ClockOut),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not found", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The clock changed meanwhile", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The change is not valid", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = []))
)]
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn change_clock(
    State(state): State<AppState>,
    Writer(caller): Writer,
    ApiPath((case_id, clock)): ApiPath<(i64, String)>,
    _seen: SeenCase,
    ApiJson(body): ApiJson<ClockChangeIn>,
) -> Result<Json<ClockOut>, Problem> {
    let fields = plan::ClockChangeFields {
        kind: body.kind,
        days: body.days.map(|d| d.to_string()).unwrap_or_default(),
        reason: body.reason,
        consent_on: body.consent_on.unwrap_or_default(),
    };
    let saved = plan::change_clock(&state.store, &caller, case_id, &clock, &fields).await?;
    Ok(Json(saved.into()))
}
