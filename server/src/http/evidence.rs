//! Evidence routes: the streaming upload, an exhibit's page, its thumbnail, the download
//! (after re-checking the hash) and recorded transfers. Every step is written to the chain of
//! custody and the audit trail.

use crate::evidence::{media, previews};
use crate::http::AppState;
use crate::http::actor::Actor;
use crate::http::cases::{open_case, validate};
use crate::http::error::AppError;
use crate::http::intake::{Unreadable, read_upload};
use crate::http::pages::{page_context, render};
use crate::http::posted::Posted;
use crate::office::{OfficeError, evidence};
use axum::Router;
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use leptos::prelude::*;
use probity_app::pages::case_nav::CaseSection;
use probity_app::pages::evidence::{
    CaseEvidencePage, ExhibitPage, ExhibitView, UploadPage, UploadValues, exhibit_path,
};
use probity_domain::cases::Case;
use probity_domain::evidence::{Exhibit, format_size};
use probity_domain::permissions::Action;
use probity_domain::validation::FieldErrors;
use serde::Deserialize;

/// The evidence routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/cases/{case_id}/exhibits/new", get(upload_form))
        .route(
            "/cases/{case_id}/exhibits",
            // Files stream to the blob store with the upload limit enforced per file there.
            post(upload).layer(DefaultBodyLimit::disable()).get(list),
        )
        .route("/cases/{case_id}/exhibits/{exhibit_id}", get(show))
        .route(
            "/cases/{case_id}/exhibits/{exhibit_id}/thumbnail",
            get(thumbnail),
        )
        .route(
            "/cases/{case_id}/exhibits/{exhibit_id}/download",
            post(download),
        )
        .route(
            "/cases/{case_id}/exhibits/{exhibit_id}/transfer",
            post(transfer),
        )
}

async fn team_choices(state: &AppState, case_id: i64) -> Result<Vec<(String, String)>, AppError> {
    Ok(state
        .store
        .team(case_id)
        .await?
        .into_iter()
        .map(|member| (member.user_id.to_string(), member.display_name))
        .collect())
}

async fn upload_page(
    state: &AppState,
    actor: &Actor,
    case: Case,
    values: UploadValues,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<Response, AppError> {
    let team = team_choices(state, case.case_id).await?;
    let limit = format_size(i64::try_from(state.settings.upload_limit).unwrap_or(i64::MAX));
    let ctx = page_context(state, &actor.session, Some(&actor.user)).await?;
    Ok(render(status, move || {
        view! { <UploadPage ctx=ctx case=case values=values team=team errors=errors limit=limit /> }
    }))
}

/// The upload form.
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn upload_form(
    State(state): State<AppState>,
    actor: Actor,
    Path(case_id): Path<i64>,
) -> Result<Response, AppError> {
    let open = open_case(&state, &actor, case_id, Action::EditCase, "exhibit.upload").await?;
    let values = UploadValues {
        collected_at: validate::today(),
        collected_by: actor.user.display_name.clone(),
        ..UploadValues::default()
    };
    upload_page(
        &state,
        &actor,
        open.case,
        values,
        FieldErrors::default(),
        StatusCode::OK,
    )
    .await
}

/// Receives one or more files. Each streams to the blob store while its SHA-256 is computed;
/// only once every blob is durable are the exhibits recorded.
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn upload(
    State(state): State<AppState>,
    actor: Actor,
    Path(case_id): Path<i64>,
    mut multipart: Multipart,
) -> Result<Response, AppError> {
    crate::http::posted::multipart_token(&mut multipart, &actor.session).await?;
    let caller = actor.caller();
    let open = open_case(&state, &actor, case_id, Action::EditCase, "exhibit.upload").await?;
    let vault = state.vault();
    let read = match read_upload(&mut multipart, &state.blobs, state.settings.upload_limit).await {
        Ok(read) => read,
        Err((error, stored)) => {
            evidence::refuse_upload(vault, &caller, case_id, &stored).await?;
            return Err(unreadable(error));
        }
    };
    let details = match (&read.details, read.errors.is_empty()) {
        (Some(details), true) => details.clone(),
        _ => {
            evidence::refuse_upload(vault, &caller, case_id, &read.stored).await?;
            return upload_page(
                &state,
                &actor,
                open.case,
                read.values,
                read.errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let added =
        evidence::add_exhibits(vault, &caller, case_id, &read.values, &details, read.stored)
            .await?;
    let labels: Vec<String> = added.iter().map(Exhibit::label).collect();
    crate::auth::set_flash(
        &actor.session,
        &format!("Evidence added: {}.", labels.join(", ")),
    )
    .await?;
    Ok(Redirect::to(&CaseSection::Evidence.path(case_id)).into_response())
}

/// Exhibits per page of the evidence section.
const EXHIBITS_PER_PAGE: i64 = 50;

/// The evidence section's page query: where the page starts.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct EvidenceQuery {
    /// The exhibit number the page continues after.
    after: String,
}

/// A case's evidence, a page at a time.
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn list(
    State(state): State<AppState>,
    actor: Actor,
    Path(case_id): Path<i64>,
    axum::extract::Query(query): axum::extract::Query<EvidenceQuery>,
) -> Result<Response, AppError> {
    let after = query.after.trim().parse::<i64>().unwrap_or(0).max(0);
    let (open, exhibits, next) = evidence::exhibits_page(
        &state.store,
        &actor.caller(),
        case_id,
        after,
        EXHIBITS_PER_PAGE,
    )
    .await?;
    let notice = crate::auth::take_flash(&actor.session).await?;
    let next = next.map(|number| format!("{}?after={number}", CaseSection::Evidence.path(case_id)));
    let can_edit = open.permissions(&actor).edit;
    let ctx = page_context(&state, &actor.session, Some(&actor.user)).await?;
    let case = open.case;
    Ok(render(StatusCode::OK, move || {
        view! { <CaseEvidencePage ctx=ctx case=case exhibits=exhibits next=next later_page={after > 0} can_edit=can_edit notice=notice /> }
    }))
}

/// The page's answer to a body that cannot be read.
fn unreadable(error: Unreadable) -> AppError {
    match error {
        Unreadable::Body(message) => AppError::BadRequest(message),
        Unreadable::Storage(message) => AppError::Internal(message),
    }
}

/// Opens an exhibit the person may see ([`evidence::open_exhibit`]).
pub(crate) async fn open_exhibit(
    state: &AppState,
    actor: &Actor,
    case_id: i64,
    exhibit_id: i64,
    audit_action: &'static str,
) -> Result<(Case, Exhibit, Vec<i64>), AppError> {
    Ok(evidence::open_exhibit(
        &state.store,
        &actor.caller(),
        case_id,
        exhibit_id,
        audit_action,
    )
    .await?)
}

pub(crate) async fn exhibit_page(
    state: &AppState,
    actor: &Actor,
    case: Case,
    exhibit: Exhibit,
    access: Vec<i64>,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<Response, AppError> {
    let import =
        crate::http::messages::import_panel(state, actor, &case, &exhibit, None, None, None)
            .await?;
    exhibit_page_with(state, actor, case, exhibit, access, errors, import, status).await
}

/// An exhibit's page with a given import section (after an import, with its report).
#[allow(clippy::too_many_arguments)]
pub(crate) async fn exhibit_page_with(
    state: &AppState,
    actor: &Actor,
    case: Case,
    exhibit: Exhibit,
    access: Vec<i64>,
    errors: FieldErrors,
    import: Option<probity_app::pages::messages::ImportPanel>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let custody = state.store.custody(exhibit.exhibit_id).await?;
    let exif = if exhibit.media_type.starts_with("image/") {
        match state.blobs.local_copy(&exhibit.sha256).await {
            Ok(copy) => previews::exif(copy.path().to_path_buf()).await,
            Err(_) => Vec::new(),
        }
    } else {
        Vec::new()
    };
    let text = if media::is_text(&exhibit.media_type) {
        previews::text_preview(&*state.blobs, &exhibit.sha256).await
    } else {
        None
    };
    let access_names = if exhibit.restricted {
        state
            .store
            .team(case.case_id)
            .await?
            .into_iter()
            .filter(|member| access.contains(&member.user_id))
            .map(|member| member.display_name)
            .collect()
    } else {
        Vec::new()
    };
    let notice = crate::auth::take_flash(&actor.session).await?;
    let cited_by = state
        .store
        .events_citing_exhibit(exhibit.exhibit_id)
        .await?
        .into_iter()
        .map(|c| {
            (
                c.event_id,
                format!(
                    "{}: {}, {}",
                    c.incident_title,
                    c.local_start,
                    c.narrative.chars().take(80).collect::<String>()
                ),
            )
        })
        .collect();
    let text_job = if exhibit.ocr_status == probity_domain::evidence::OcrStatus::Pending {
        state
            .store
            .latest_job(
                case.case_id,
                &probity_domain::jobs::exhibit_subject(exhibit.exhibit_id),
                probity_domain::jobs::JobKind::TextExtraction,
            )
            .await?
            .filter(|job| !job.state.is_finished())
            .map(|job| probity_app::pages::jobs::job_path(case.case_id, job.job_id))
    } else {
        None
    };
    let ctx = page_context(state, &actor.session, Some(&actor.user)).await?;
    let view_data = ExhibitView {
        text_job,
        cited_by,
        case,
        exhibit,
        custody,
        exif,
        text,
        access_names,
        notice,
        import,
    };
    Ok(render(status, move || {
        view! { <ExhibitPage ctx=ctx view=view_data errors=errors /> }
    }))
}

/// An exhibit's page; opening it is a custody step.
#[tracing::instrument(skip_all, fields(case_id, exhibit_id))]
pub async fn show(
    State(state): State<AppState>,
    actor: Actor,
    Path((case_id, exhibit_id)): Path<(i64, i64)>,
    Query(query): Query<ExhibitQuery>,
) -> Result<Response, AppError> {
    let (case, exhibit, access) = evidence::view_exhibit(
        &state.store,
        &actor.caller(),
        case_id,
        exhibit_id,
        "exhibit.view",
        "Opened the exhibit page",
    )
    .await?;
    // The report of a finished import, when the import's progress page led here.
    let report = match query.import.trim().parse::<i64>() {
        Ok(job_id) => state
            .store
            .job(job_id)
            .await?
            .filter(|job| job.case_id == case_id)
            .and_then(|job| crate::office::messages::import_report(&job, exhibit_id)),
        Err(_) => None,
    };
    let import =
        crate::http::messages::import_panel(&state, &actor, &case, &exhibit, None, report, None)
            .await?;
    exhibit_page_with(
        &state,
        &actor,
        case,
        exhibit,
        access,
        FieldErrors::default(),
        import,
        StatusCode::OK,
    )
    .await
}

/// What an exhibit page's address may carry.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ExhibitQuery {
    /// The import job whose report to show.
    import: String,
}

/// An exhibit's thumbnail.
#[tracing::instrument(skip_all, fields(case_id, exhibit_id))]
pub async fn thumbnail(
    State(state): State<AppState>,
    actor: Actor,
    Path((case_id, exhibit_id)): Path<(i64, i64)>,
) -> Result<Response, AppError> {
    let (_, exhibit, _) =
        open_exhibit(&state, &actor, case_id, exhibit_id, "exhibit.thumbnail").await?;
    let sha = exhibit.thumbnail_sha256.clone().ok_or(AppError::NotFound)?;
    // A thumbnail shows the picture (a booking photo, a screenshot): seeing it is a view.
    evidence::view_exhibit(
        &state.store,
        &actor.caller(),
        case_id,
        exhibit_id,
        "exhibit.thumbnail",
        "Viewed the thumbnail",
    )
    .await?;
    let reader = state
        .blobs
        .open(&sha)
        .await
        .map_err(|_| AppError::NotFound)?;
    let mut response = Body::from_stream(tokio_util::io::ReaderStream::new(reader)).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("image/png"));
    Ok(response)
}

/// The download form as sent.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DownloadForm {
    csrf_token: String,
    reason: String,
}

/// Sends the original as an attachment, after checking that it still has its recorded hash.
#[tracing::instrument(skip_all, fields(case_id, exhibit_id))]
pub async fn download(
    State(state): State<AppState>,
    actor: Actor,
    Path((case_id, exhibit_id)): Path<(i64, i64)>,
    Posted(form): Posted<DownloadForm>,
) -> Result<Response, AppError> {
    let caller = actor.caller();
    match evidence::download(state.vault(), &caller, case_id, exhibit_id, &form.reason).await {
        Ok(download) => original_response(download),
        Err(OfficeError::ConfirmationNeeded) => {
            crate::http::two_factor::confirm_page(
                &state,
                &actor.session,
                &actor.user,
                format!("/cases/{case_id}/exhibits/{exhibit_id}/download"),
                vec![("reason".to_string(), form.reason)],
                probity_domain::validation::FieldErrors::default(),
            )
            .await
        }
        Err(OfficeError::Invalid(errors)) => {
            let (case, exhibit, access) =
                open_exhibit(&state, &actor, case_id, exhibit_id, "exhibit.download").await?;
            exhibit_page(
                &state,
                &actor,
                case,
                exhibit,
                access,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(error) => Err(error.into()),
    }
}

/// An original as a streamed attachment, with its recorded hash, for the page and the API.
pub fn original_response(download: evidence::Download) -> Result<Response, AppError> {
    let exhibit = download.exhibit;
    let reader = download
        .content
        .ok_or_else(|| AppError::Internal("download without content".into()))?;
    let fallback = format!("exhibit-{}", exhibit.label());
    let full = media::download_name(&exhibit.original_filename, &fallback);
    let name = media::safe_filename(&full, &fallback);
    let disposition = format!(
        "attachment; filename=\"{name}\"; filename*=UTF-8''{}",
        percent_encode(&full)
    );
    let mut response = Body::from_stream(tokio_util::io::ReaderStream::new(reader)).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    headers.insert(
        header::CONTENT_LENGTH,
        HeaderValue::from(exhibit.size_bytes.max(0) as u64),
    );
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(
        "x-probity-sha256",
        HeaderValue::from_str(&exhibit.sha256).map_err(|e| AppError::Internal(e.to_string()))?,
    );
    Ok(response)
}

/// RFC 5987 encoding of a file name for `filename*`.
fn percent_encode(name: &str) -> String {
    let name = name.rsplit(['/', '\\']).next().unwrap_or(name);
    name.bytes()
        .map(|byte| {
            if byte.is_ascii_alphanumeric() || matches!(byte, b'.' | b'-' | b'_') {
                (byte as char).to_string()
            } else {
                format!("%{byte:02X}")
            }
        })
        .collect()
}

/// The transfer form as sent.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct TransferForm {
    csrf_token: String,
    to_whom: String,
    transfer_reason: String,
}

/// Records that an exhibit (or a copy) left the office.
#[tracing::instrument(skip_all, fields(case_id, exhibit_id))]
pub async fn transfer(
    State(state): State<AppState>,
    actor: Actor,
    Path((case_id, exhibit_id)): Path<(i64, i64)>,
    Posted(form): Posted<TransferForm>,
) -> Result<Response, AppError> {
    let recorded = evidence::record_transfer(
        &state.store,
        &actor.caller(),
        case_id,
        exhibit_id,
        &form.to_whom,
        &form.transfer_reason,
    )
    .await;
    match recorded {
        Ok(()) => {
            crate::auth::set_flash(&actor.session, "Transfer recorded.").await?;
            Ok(Redirect::to(&exhibit_path(case_id, exhibit_id)).into_response())
        }
        Err(OfficeError::Invalid(errors)) => {
            let (case, exhibit, access) =
                open_exhibit(&state, &actor, case_id, exhibit_id, "exhibit.transfer").await?;
            exhibit_page(
                &state,
                &actor,
                case,
                exhibit,
                access,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(error) => Err(error.into()),
    }
}
