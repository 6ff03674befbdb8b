//! The progress page of background work: drawn while the job waits or runs (it reloads
//! itself), answered with a redirect to the result once the job is done.

use crate::http::AppState;
use crate::http::actor::Actor;
use crate::http::error::AppError;
use crate::http::pages::{page_context, render};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse as _, Redirect, Response};
use leptos::prelude::*;
use probity_app::pages::evidence::exhibit_path;
use probity_app::pages::jobs::{JobPage, JobView};
use probity_app::pages::reports::version_path;
use probity_domain::jobs::{Job, JobKind, JobState};

/// Where a finished job's result is read.
pub fn landing(job: &Job) -> String {
    match (job.kind, job.exhibit_id(), job.report_version()) {
        (JobKind::MessageImport, Some(exhibit_id), _) => format!(
            "{}?import={}#import-heading",
            exhibit_path(job.case_id, exhibit_id),
            job.job_id
        ),
        (JobKind::TextExtraction, Some(exhibit_id), _) => {
            format!("{}#ocr-heading", exhibit_path(job.case_id, exhibit_id))
        }
        (JobKind::ReportApproval, _, Some(number)) => version_path(job.case_id, number),
        _ => probity_app::pages::cases::case_path(job.case_id),
    }
}

/// A job's progress, or its result once done.
#[tracing::instrument(skip_all, fields(case_id, job_id))]
pub async fn show(
    State(state): State<AppState>,
    actor: Actor,
    Path((case_id, job_id)): Path<(i64, i64)>,
) -> Result<Response, AppError> {
    let (open, job) =
        crate::office::jobs::follow(&state.store, &actor.caller(), case_id, job_id).await?;
    if job.state == JobState::Done {
        return Ok(Redirect::to(&landing(&job)).into_response());
    }
    let (subject_label, subject_path) = match (job.exhibit_id(), job.report_version()) {
        (Some(exhibit_id), _) => {
            let label = state
                .store
                .exhibit(case_id, exhibit_id)
                .await?
                .map(|exhibit| format!("{} ({})", exhibit.label(), exhibit.original_filename))
                .unwrap_or_else(|| "the exhibit".to_string());
            (label, exhibit_path(case_id, exhibit_id))
        }
        (_, Some(number)) => (
            format!("version {number} of the report"),
            version_path(case_id, number),
        ),
        _ => (
            "the case".to_string(),
            probity_app::pages::cases::case_path(case_id),
        ),
    };
    let ctx = page_context(&state, &actor.session, Some(&actor.user)).await?;
    let view_data = JobView {
        job,
        subject_label,
        subject_path,
    };
    let case = open.case;
    Ok(render(StatusCode::OK, move || {
        view! { <JobPage ctx=ctx case=case view=view_data /> }
    }))
}
