//! Intake staff's pages: the triage queue, one complaint with its conversation and outcome
//! forms, a complaint's files, and logging a call or letter. Thin: each handler reads the
//! request, calls the office's complaint functions and draws a page or redirects.

use crate::auth::{set_flash, take_flash};
use crate::http::AppState;
use crate::http::actor::Actor;
use crate::http::error::AppError;
use crate::http::intake::small_text;
use crate::http::pages::{page_context, render};
use crate::http::posted::Posted;
use crate::http::redraw::Redraw;
use crate::office::complaints::{self, ComplaintRecord, IntoCase, ReferralFields};
use crate::office::evidence::{Intake, Received};
use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use leptos::prelude::*;
use probity_app::forms::options;
use probity_app::pages::complaints::{
    ComplaintForm, ComplaintFormValues, ComplaintQueuePage, ComplaintRecordPage, LogComplaintPage,
    QUEUE_PATH, ReceiptPage, complaint_path,
};
use probity_domain::cases::{CaseFields, Confidentiality, Priority};
use probity_domain::complaints::{ComplaintFields, ComplaintStatus};
use probity_domain::evidence::format_size;
use probity_domain::validation::FieldErrors;
use serde::Deserialize;
use time::OffsetDateTime;

/// Complaints per page of the queue.
const PER_PAGE: i64 = 50;

/// The staff routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/complaints", get(queue))
        .route("/complaints/new", get(log_form).post(log))
        .route("/complaints/{complaint_id}", get(show))
        .route("/complaints/{complaint_id}/review", post(review))
        .route(
            "/complaints/{complaint_id}/messages",
            post(write).layer(DefaultBodyLimit::disable()),
        )
        .route("/complaints/{complaint_id}/open-case", post(open_case))
        .route("/complaints/{complaint_id}/merge", post(merge))
        .route("/complaints/{complaint_id}/refer", post(refer))
        .route("/complaints/{complaint_id}/close", post(close))
        .route("/complaints/{complaint_id}/files/{file_id}", get(download))
}

/// The queue's view and where its page starts.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct QueueQuery {
    status: String,
    after: String,
}

fn cursor(key: (OffsetDateTime, i64)) -> String {
    format!("{}.{}", key.0.unix_timestamp_nanos(), key.1)
}

fn parse_cursor(text: &str) -> Option<(OffsetDateTime, i64)> {
    let (nanos, id) = text.split_once('.')?;
    let at = OffsetDateTime::from_unix_timestamp_nanos(nanos.parse().ok()?).ok()?;
    Some((at, id.parse().ok()?))
}

/// The triage queue, oldest first.
#[tracing::instrument(skip_all)]
pub async fn queue(
    State(state): State<AppState>,
    actor: Actor,
    Query(query): Query<QueueQuery>,
) -> Result<Response, AppError> {
    let status = ComplaintStatus::parse(query.status.trim());
    let page = complaints::queue(
        &state.store,
        &actor.caller(),
        status,
        parse_cursor(&query.after),
        PER_PAGE,
    )
    .await?;
    let next = page.next.map(|key| {
        let view = status.map_or(String::new(), |s| format!("status={}&", s.as_str()));
        format!("{QUEUE_PATH}?{view}after={}", cursor(key))
    });
    let ctx = page_context(&state, &actor.session, Some(&actor.user)).await?;
    let now = OffsetDateTime::now_utc();
    Ok(render(StatusCode::OK, move || {
        view! { <ComplaintQueuePage ctx=ctx complaints=page.complaints status=status counts=page.counts next=next now=now /> }
    }))
}

/// The case form filled from a complaint.
fn case_defaults(record: &ComplaintRecord) -> CaseFields {
    let c = &record.complaint;
    let title: String = {
        let first = c.summary(80);
        if c.agency.is_empty() {
            format!("Complaint {}: {first}", c.reference)
        } else {
            format!("{}: {first}", c.agency)
        }
    };
    CaseFields {
        title: title.chars().take(200).collect(),
        summary: c.what_happened.chars().take(10_000).collect(),
        subject_agency: c.agency.clone(),
        intake_channel: complaints::case_channel(c.channel).as_str().to_string(),
        received_on: c.received_at.date().to_string(),
        priority: Priority::Normal.as_str().to_string(),
        // A complaint names a complainant who may be at risk: confidential unless decided
        // otherwise.
        confidentiality: Confidentiality::Confidential.as_str().to_string(),
        time_zone: String::new(),
        case_type: String::new(),
        version: String::new(),
    }
}

/// The office's case types as `(key, label)` choices.
pub(crate) fn case_type_choices(state: &AppState) -> Vec<(String, String)> {
    state
        .settings
        .case_types()
        .types
        .iter()
        .map(|t| (t.key.clone(), t.label.clone()))
        .collect()
}

async fn record_page(
    state: &AppState,
    actor: &Actor,
    complaint_id: i64,
    mut forms: ComplaintFormValues,
    status: StatusCode,
    case_from_form: bool,
) -> Result<Response, AppError> {
    let record = complaints::read_complaint(&state.store, &actor.caller(), complaint_id).await?;
    if !case_from_form {
        forms.case = case_defaults(&record);
    }
    let notice = take_flash(&actor.session).await?;
    let ctx = page_context(state, &actor.session, Some(&actor.user)).await?;
    let priorities = options(Priority::ALL, Priority::as_str, Priority::label);
    let confidentialities = options(
        Confidentiality::ALL,
        Confidentiality::as_str,
        Confidentiality::label,
    );
    let limit =
        format_size(i64::try_from(state.settings.complaint_upload_limit).unwrap_or(i64::MAX));
    let case_types = case_type_choices(state);
    let ComplaintRecord {
        complaint,
        files,
        messages,
        steps,
    } = record;
    Ok(render(status, move || {
        view! {
            <ComplaintRecordPage ctx=ctx complaint=complaint files=files messages=messages steps=steps
                forms=forms priorities=priorities confidentialities=confidentialities case_types=case_types limit=limit notice=notice />
        }
    }))
}

/// One complaint.
#[tracing::instrument(skip_all, fields(complaint_id))]
pub async fn show(
    State(state): State<AppState>,
    actor: Actor,
    Path(complaint_id): Path<i64>,
) -> Result<Response, AppError> {
    record_page(
        &state,
        &actor,
        complaint_id,
        ComplaintFormValues::default(),
        StatusCode::OK,
        false,
    )
    .await
}

/// A triage form that only names the version it was based on.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct VersionForm {
    version: String,
}

fn version(text: &str) -> i64 {
    text.trim().parse().unwrap_or(-1)
}

/// What a triage form does after the office answered: back to the complaint with a notice,
/// or the page again with the form's problems (422) or the news that someone moved it (409).
async fn answer(
    state: &AppState,
    actor: &Actor,
    complaint_id: i64,
    result: Result<String, crate::office::OfficeError>,
    mut forms: ComplaintFormValues,
    case_from_form: bool,
) -> Result<Response, AppError> {
    match result {
        Ok(notice) => {
            set_flash(&actor.session, &notice).await?;
            Ok(Redirect::to(&complaint_path(complaint_id)).into_response())
        }
        Err(error) => {
            let redraw = Redraw::from_office(error)?;
            forms.errors = redraw.errors;
            forms.stale = redraw.stale;
            record_page(
                state,
                actor,
                complaint_id,
                forms,
                redraw.status,
                case_from_form,
            )
            .await
        }
    }
}

/// Starts review.
#[tracing::instrument(skip_all, fields(complaint_id))]
pub async fn review(
    State(state): State<AppState>,
    actor: Actor,
    Path(complaint_id): Path<i64>,
    Posted(form): Posted<VersionForm>,
) -> Result<Response, AppError> {
    let result = complaints::move_complaint(
        &state.store,
        &actor.caller(),
        complaint_id,
        version(&form.version),
        ComplaintStatus::UnderReview,
    )
    .await
    .map(|()| "Marked under review.".to_string());
    answer(
        &state,
        &actor,
        complaint_id,
        result,
        ComplaintFormValues::default(),
        false,
    )
    .await
}

/// Writes to the complainant, with any files staff add.
#[tracing::instrument(skip_all, fields(complaint_id))]
pub async fn write(
    State(state): State<AppState>,
    actor: Actor,
    Path(complaint_id): Path<i64>,
    mut multipart: Multipart,
) -> Result<Response, AppError> {
    let bad =
        |error: axum::extract::multipart::MultipartError| AppError::BadRequest(error.to_string());
    crate::http::posted::multipart_token(&mut multipart, &actor.session).await?;
    let caller = actor.caller();
    let mut body = String::new();
    let mut stored = Vec::new();
    let mut errors = FieldErrors::default();
    let limit = state.settings.complaint_upload_limit;
    while let Some(mut field) = multipart.next_field().await.map_err(bad)? {
        if field.name() != Some("files") {
            if field.name() == Some("body") {
                body = small_text(&mut field)
                    .await
                    .map_err(|_| AppError::BadRequest("unreadable message".into()))?;
            }
            continue;
        }
        let name: String = field
            .file_name()
            .unwrap_or_default()
            .chars()
            .take(255)
            .collect();
        if name.is_empty() || !errors.is_empty() {
            while let Ok(Some(_)) = field.chunk().await {}
            continue;
        }
        let mut intake = Intake::start(&state.blobs, limit)
            .await
            .map_err(|error| AppError::Internal(error.to_string()))?;
        while let Some(chunk) = field.chunk().await.map_err(bad)? {
            if !intake
                .push(chunk)
                .await
                .map_err(|error| AppError::Internal(error.to_string()))?
            {
                break;
            }
        }
        match intake
            .finish()
            .await
            .map_err(|error| AppError::Internal(error.to_string()))?
        {
            Received::Stored(blob) => stored.push((name, blob)),
            Received::TooLarge => errors.add(
                "files",
                format!(
                    "{name} is larger than {}. Nothing was sent.",
                    format_size(i64::try_from(limit).unwrap_or(i64::MAX))
                ),
            ),
            Received::Empty => errors.add("files", format!("{name} is empty. Nothing was sent.")),
        }
    }
    let files = stored
        .iter()
        .map(|(name, blob)| complaints::received_file(name, blob, Some(actor.user.user_id)))
        .collect();
    let result = if errors.is_empty() {
        complaints::write_to_complainant(&state.store, &caller, complaint_id, &body, files)
            .await
            .map(|()| "Sent. The complainant reads it with their receipt code.".to_string())
    } else {
        Err(crate::office::OfficeError::Invalid(errors))
    };
    if result.is_err() {
        crate::office::evidence::forget_blobs(state.vault(), &stored).await;
    }
    let forms = ComplaintFormValues {
        form: ComplaintForm::Message,
        message: body,
        ..ComplaintFormValues::default()
    };
    answer(&state, &actor, complaint_id, result, forms, false).await
}

/// The open-a-case form as sent.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct OpenCaseForm {
    version: String,
    #[serde(flatten)]
    case: CaseFields,
}

/// Opens a case from the complaint.
#[tracing::instrument(skip_all, fields(complaint_id))]
pub async fn open_case(
    State(state): State<AppState>,
    actor: Actor,
    Path(complaint_id): Path<i64>,
    Posted(form): Posted<OpenCaseForm>,
) -> Result<Response, AppError> {
    let result = complaints::into_case(
        state.vault(),
        &actor.caller(),
        complaint_id,
        version(&form.version),
        IntoCase::New {
            fields: &form.case,
            prefix: &state.settings.case_number_prefix,
            types: &state.settings.case_types(),
        },
    )
    .await;
    match result {
        Ok(case_id) => {
            set_flash(
                &actor.session,
                "The case was opened from the complaint; its files are the case's first exhibits.",
            )
            .await?;
            Ok(Redirect::to(&probity_app::pages::cases::case_path(case_id)).into_response())
        }
        Err(error) => {
            let forms = ComplaintFormValues {
                form: ComplaintForm::OpenCase,
                case: form.case,
                ..ComplaintFormValues::default()
            };
            answer(&state, &actor, complaint_id, Err(error), forms, true).await
        }
    }
}

/// The merge form as sent.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct MergeForm {
    version: String,
    case_number: String,
}

/// Merges the complaint into an existing case.
#[tracing::instrument(skip_all, fields(complaint_id))]
pub async fn merge(
    State(state): State<AppState>,
    actor: Actor,
    Path(complaint_id): Path<i64>,
    Posted(form): Posted<MergeForm>,
) -> Result<Response, AppError> {
    let result = complaints::into_case(
        state.vault(),
        &actor.caller(),
        complaint_id,
        version(&form.version),
        IntoCase::Existing {
            case_number: &form.case_number,
        },
    )
    .await
    .map(|_| "Merged: the complaint's record and files are now exhibits of the case.".to_string());
    let forms = ComplaintFormValues {
        form: ComplaintForm::Merge,
        case_number: form.case_number,
        ..ComplaintFormValues::default()
    };
    answer(&state, &actor, complaint_id, result, forms, false).await
}

/// The referral form as sent.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ReferForm {
    version: String,
    #[serde(flatten)]
    referral: ReferralFields,
}

/// Refers the complaint to another agency.
#[tracing::instrument(skip_all, fields(complaint_id))]
pub async fn refer(
    State(state): State<AppState>,
    actor: Actor,
    Path(complaint_id): Path<i64>,
    Posted(form): Posted<ReferForm>,
) -> Result<Response, AppError> {
    let result = complaints::refer(
        &state.store,
        &actor.caller(),
        complaint_id,
        version(&form.version),
        &form.referral,
    )
    .await
    .map(|()| "Referred.".to_string());
    let forms = ComplaintFormValues {
        form: ComplaintForm::Refer,
        referred_to: form.referral.referred_to,
        referred_on: form.referral.referred_on,
        referral_sent: form.referral.referral_sent,
        referral_note: form.referral.note,
        ..ComplaintFormValues::default()
    };
    answer(&state, &actor, complaint_id, result, forms, false).await
}

/// The close form as sent.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CloseForm {
    version: String,
    close_reason: String,
    close_note: String,
}

/// Closes the complaint without a case.
#[tracing::instrument(skip_all, fields(complaint_id))]
pub async fn close(
    State(state): State<AppState>,
    actor: Actor,
    Path(complaint_id): Path<i64>,
    Posted(form): Posted<CloseForm>,
) -> Result<Response, AppError> {
    let result = complaints::close(
        &state.store,
        &actor.caller(),
        complaint_id,
        version(&form.version),
        &form.close_reason,
        &form.close_note,
    )
    .await
    .map(|()| "Closed.".to_string());
    let forms = ComplaintFormValues {
        form: ComplaintForm::Close,
        close_reason: form.close_reason,
        close_note: form.close_note,
        ..ComplaintFormValues::default()
    };
    answer(&state, &actor, complaint_id, result, forms, false).await
}

/// One of the complaint's files, as an attachment (never shown in the page: it is what a
/// stranger sent).
#[tracing::instrument(skip_all, fields(complaint_id))]
pub async fn download(
    State(state): State<AppState>,
    actor: Actor,
    Path((complaint_id, file_id)): Path<(i64, i64)>,
) -> Result<Response, AppError> {
    let file =
        complaints::complaint_file(&state.store, &actor.caller(), complaint_id, file_id).await?;
    let name = format!("complaint-{complaint_id}-file-{file_id}.bin");
    crate::http::reports::stored_file(
        &state,
        &file.sha256,
        "application/octet-stream",
        &name,
        false,
    )
    .await
}

async fn log_page(
    state: &AppState,
    actor: &Actor,
    values: ComplaintFields,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<Response, AppError> {
    let ctx = page_context(state, &actor.session, Some(&actor.user)).await?;
    Ok(render(status, move || {
        view! { <LogComplaintPage ctx=ctx values=values errors=errors /> }
    }))
}

/// The form to log a call, letter or referral.
#[tracing::instrument(skip_all)]
pub async fn log_form(State(state): State<AppState>, actor: Actor) -> Result<Response, AppError> {
    actor
        .require(
            &state,
            probity_domain::permissions::Action::TriageComplaints,
            "complaint.log",
        )
        .await?;
    let values = ComplaintFields {
        received_on: crate::office::validate::today(),
        ..ComplaintFields::default()
    };
    log_page(
        &state,
        &actor,
        values,
        FieldErrors::default(),
        StatusCode::OK,
    )
    .await
}

/// Logs a call, letter or referral into the queue and shows its receipt code once.
#[tracing::instrument(skip_all)]
pub async fn log(
    State(state): State<AppState>,
    actor: Actor,
    Posted(values): Posted<ComplaintFields>,
) -> Result<Response, AppError> {
    actor
        .require(
            &state,
            probity_domain::permissions::Action::TriageComplaints,
            "complaint.log",
        )
        .await?;
    let valid = match complaints::validate_complaint(&values, true) {
        Ok(valid) => valid,
        Err(errors) => {
            return log_page(
                &state,
                &actor,
                values,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let caller = actor.caller();
    let submitted = complaints::submit(
        &state.store,
        &state.hashing,
        valid,
        Vec::new(),
        Some(&caller),
    )
    .await?;
    let ctx = page_context(&state, &actor.session, Some(&actor.user)).await?;
    let receipt = submitted.receipt;
    let reference = submitted.complaint.reference;
    let next = Some((
        complaint_path(submitted.complaint.complaint_id),
        format!("Open complaint {reference}"),
    ));
    Ok(render(StatusCode::OK, move || {
        view! { <ReceiptPage ctx=ctx receipt=receipt logged=true complaint=next /> }
    }))
}
