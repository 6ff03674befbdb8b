//! Evidence routes: the streaming upload, an exhibit's page, its thumbnail, the download
//! (after re-checking the hash) and recorded transfers. Every step is written to the chain of
//! custody and the audit trail.

use crate::auth::verify_csrf;
use crate::blobs::{BlobError, StoredBlob, rehash};
use crate::evidence::{media, previews};
use crate::http::AppState;
use crate::http::actor::Actor;
use crate::http::cases::{audit_success, open_case, validate};
use crate::http::error::AppError;
use crate::http::pages::{page_context, render};
use crate::http::posted::Posted;
use crate::storage::Outcome;
use crate::storage::cases::is_iso_date;
use crate::storage::evidence::NewExhibit;
use axum::Router;
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use leptos::prelude::*;
use probity_app::pages::cases::case_path;
use probity_app::pages::evidence::{
    ExhibitPage, ExhibitView, UploadPage, UploadValues, exhibit_path,
};
use probity_domain::cases::Case;
use probity_domain::evidence::{CustodyAction, Exhibit, format_size};
use probity_domain::permissions::Action;
use probity_domain::validation::FieldErrors;
use serde::Deserialize;

/// Most files in one upload.
const MAX_FILES: usize = 50;
/// Largest text field read from an upload form.
const MAX_TEXT_FIELD: usize = 64 * 1024;

/// The evidence routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/cases/{case_id}/exhibits/new", get(upload_form))
        .route(
            "/cases/{case_id}/exhibits",
            // Files stream to the blob store with the upload limit enforced per file there.
            post(upload).layer(DefaultBodyLimit::disable()),
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

/// Reads a small text field without letting a hostile client fill the memory.
async fn small_text(field: &mut axum::extract::multipart::Field<'_>) -> Result<String, AppError> {
    let mut bytes = Vec::new();
    while let Some(chunk) = field
        .chunk()
        .await
        .map_err(|e| AppError::BadRequest(e.to_string()))?
    {
        if bytes.len() + chunk.len() > MAX_TEXT_FIELD {
            return Err(AppError::BadRequest("a text field is too long".into()));
        }
        bytes.extend_from_slice(&chunk);
    }
    String::from_utf8(bytes).map_err(|_| AppError::BadRequest("a text field is not UTF-8".into()))
}

/// The validated details that apply to every file of one upload.
struct UploadDetails {
    description: String,
    provided_by: String,
    collected_by: String,
    collected_at: String,
    captured_by: String,
    captured_at: String,
    capture_device: String,
    capture_shows: String,
}

fn validate_details(values: &UploadValues) -> Result<UploadDetails, FieldErrors> {
    let mut errors = FieldErrors::default();
    let description = validate::text(
        &mut errors,
        "description",
        &values.description,
        false,
        2_000,
        "a description",
    );
    let provided_by = validate::line(
        &mut errors,
        "provided_by",
        &values.provided_by,
        false,
        200,
        "who provided it",
    );
    let collected_by = validate::line(
        &mut errors,
        "collected_by",
        &values.collected_by,
        false,
        200,
        "who collected it",
    );
    let collected_at = values.collected_at.trim().to_string();
    if !collected_at.is_empty() && !is_iso_date(&collected_at) {
        errors.add("collected_at", "Enter the date as YYYY-MM-DD.");
    }
    let captured_by = validate::line(
        &mut errors,
        "captured_by",
        &values.captured_by,
        false,
        200,
        "who captured it",
    );
    let captured_at = validate::line(
        &mut errors,
        "captured_at",
        &values.captured_at,
        false,
        100,
        "when",
    );
    let capture_device = validate::line(
        &mut errors,
        "capture_device",
        &values.capture_device,
        false,
        200,
        "the device",
    );
    let capture_shows = validate::line(
        &mut errors,
        "capture_shows",
        &values.capture_shows,
        false,
        500,
        "what it shows",
    );
    if errors.is_empty() {
        Ok(UploadDetails {
            description,
            provided_by,
            collected_by,
            collected_at,
            captured_by,
            captured_at,
            capture_device,
            capture_shows,
        })
    } else {
        Err(errors)
    }
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
    let bad =
        |error: axum::extract::multipart::MultipartError| AppError::BadRequest(error.to_string());
    // The token comes first in the form, so nothing is stored for a forged request.
    match multipart.next_field().await.map_err(bad)? {
        Some(mut field) if field.name() == Some("csrf_token") => {
            let token = small_text(&mut field).await?;
            verify_csrf(&actor.session, &token).await?;
        }
        _ => return Err(AppError::CsrfRejected),
    }
    let open = open_case(&state, &actor, case_id, Action::EditCase, "exhibit.upload").await?;
    let limit = state.settings.upload_limit;
    let mut values = UploadValues::default();
    let mut details: Option<UploadDetails> = None;
    let mut errors = FieldErrors::default();
    let mut stored: Vec<(String, StoredBlob)> = Vec::new();
    while let Some(mut field) = multipart.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or_default().to_string();
        if name != "files" {
            let text = small_text(&mut field).await?;
            match name.as_str() {
                "description" => values.description = text,
                "provided_by" => values.provided_by = text,
                "collected_by" => values.collected_by = text,
                "collected_at" => values.collected_at = text,
                "personal_data" => values.personal_data = text,
                "criminal_justice" => values.criminal_justice = text,
                "booking_photo" => values.booking_photo = text,
                "restricted" => values.restricted = text,
                "access" => values.access.push(text),
                "captured_by" => values.captured_by = text,
                "captured_at" => values.captured_at = text,
                "capture_device" => values.capture_device = text,
                "capture_shows" => values.capture_shows = text,
                _ => {}
            }
            continue;
        }
        if details.is_none() {
            match validate_details(&values) {
                Ok(valid) => details = Some(valid),
                Err(found) => {
                    errors = found;
                    break;
                }
            }
        }
        // The client's name is data: kept for the record, never used as a path.
        let filename: String = field
            .file_name()
            .unwrap_or_default()
            .chars()
            .take(255)
            .collect();
        if filename.is_empty() {
            // A file input left empty still sends an empty part.
            while field.chunk().await.map_err(bad)?.is_some() {}
            continue;
        }
        if stored.len() >= MAX_FILES {
            errors.add(
                "files",
                format!("Send at most {MAX_FILES} files at a time."),
            );
            break;
        }
        let mut writer = state
            .blobs
            .writer(limit)
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?;
        let mut too_large = false;
        loop {
            match field.chunk().await {
                Ok(Some(chunk)) => match writer.write(chunk).await {
                    Ok(()) => {}
                    Err(BlobError::TooLarge { .. }) => {
                        too_large = true;
                        break;
                    }
                    Err(error) => {
                        writer.abort().await;
                        return Err(AppError::Internal(error.to_string()));
                    }
                },
                Ok(None) => break,
                Err(error) => {
                    writer.abort().await;
                    return Err(AppError::BadRequest(error.to_string()));
                }
            }
        }
        if too_large {
            writer.abort().await;
            errors.add(
                "files",
                format!(
                    "{filename} is larger than the limit of {}. Nothing was saved.",
                    format_size(limit as i64)
                ),
            );
            break;
        }
        match writer.finish().await {
            Ok(blob) => stored.push((filename, blob)),
            Err(BlobError::Empty) => {
                errors.add("files", format!("{filename} is empty. Nothing was saved."));
                break;
            }
            Err(error) => return Err(AppError::Internal(error.to_string())),
        }
    }
    if errors.is_empty() && stored.is_empty() {
        errors.add("files", "Choose at least one file.");
    }
    let details = match (details, errors.is_empty()) {
        (Some(details), true) => details,
        _ => {
            // What this refused upload wrote goes again, unless a row already refers to the
            // same content (another exhibit with identical bytes).
            for (_, blob) in &stored {
                if !state.store.blob_in_use(&blob.sha256).await? {
                    state
                        .blobs
                        .remove(&blob.sha256)
                        .await
                        .map_err(|error| AppError::Internal(error.to_string()))?;
                }
            }
            state
                .store
                .append_audit(
                    actor
                        .audit("exhibit.upload", Outcome::Refused)
                        .case(case_id)
                        .detail("invalid upload"),
                )
                .await?;
            return upload_page(
                &state,
                &actor,
                open.case,
                values,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let team = state.store.team(case_id).await?;
    let restricted = !values.restricted.is_empty();
    let mut access: Vec<i64> = values
        .access
        .iter()
        .filter_map(|id| id.parse::<i64>().ok())
        .filter(|id| team.iter().any(|member| member.user_id == *id))
        .collect();
    access.push(actor.user.user_id);
    let mut labels = Vec::new();
    for (filename, blob) in stored {
        let detected = media::detect(&blob.head, &filename);
        let ocr_status = state.ocr.initial_status(&detected.media_type);
        let exhibit = state
            .store
            .create_exhibit(NewExhibit {
                case_id,
                parent_exhibit_id: None,
                description: if details.description.is_empty() {
                    filename.clone()
                } else {
                    details.description.clone()
                },
                original_filename: filename,
                sha256: blob.sha256.clone(),
                size_bytes: i64::try_from(blob.size).unwrap_or(i64::MAX),
                media_type: detected.media_type.clone(),
                extension_mismatch: detected.extension_mismatch,
                provided_by: details.provided_by.clone(),
                collected_by: details.collected_by.clone(),
                collected_at: details.collected_at.clone(),
                personal_data: !values.personal_data.is_empty(),
                criminal_justice: !values.criminal_justice.is_empty(),
                booking_photo: !values.booking_photo.is_empty(),
                restricted,
                captured_by: details.captured_by.clone(),
                captured_at: details.captured_at.clone(),
                capture_device: details.capture_device.clone(),
                capture_shows: details.capture_shows.clone(),
                ocr_status,
                uploaded_by: actor.user.user_id,
                access: access.clone(),
            })
            .await?;
        audit_success(
            &state,
            &actor,
            case_id,
            "exhibit.upload",
            Some(format!("exhibit:{}", exhibit.exhibit_id)),
            Some(format!("{} sha256 {}", exhibit.label(), exhibit.sha256)),
        )
        .await?;
        make_previews(&state, &exhibit).await;
        labels.push(exhibit.label());
    }
    crate::auth::set_flash(
        &actor.session,
        &format!("Evidence added: {}.", labels.join(", ")),
    )
    .await?;
    Ok(Redirect::to(&case_path(case_id)).into_response())
}

/// Draws a thumbnail now and queues text extraction; a failure here never fails the upload.
async fn make_previews(state: &AppState, exhibit: &Exhibit) {
    if !previews::is_thumbnailable(&exhibit.media_type) {
        return;
    }
    let Ok(copy) = state.blobs.local_copy(&exhibit.sha256).await else {
        return;
    };
    match previews::thumbnail(copy.path().to_path_buf()).await {
        Ok(png) => match state.blobs.put_bytes(&png).await {
            Ok(blob) => {
                if let Err(error) = state
                    .store
                    .set_thumbnail(exhibit.exhibit_id, &blob.sha256)
                    .await
                {
                    tracing::error!(%error, "cannot record thumbnail");
                }
            }
            Err(error) => tracing::error!(%error, "cannot store thumbnail"),
        },
        Err(error) => tracing::warn!(exhibit_id = exhibit.exhibit_id, %error, "no thumbnail"),
    }
    state
        .ocr
        .enqueue(exhibit.exhibit_id, exhibit.sha256.clone());
}

/// Opens an exhibit the person may see: the case first, then the exhibit's own restriction.
/// A restricted exhibit is 404 to anyone not named on it, as if it did not exist.
pub(crate) async fn open_exhibit(
    state: &AppState,
    actor: &Actor,
    case_id: i64,
    exhibit_id: i64,
    audit_action: &'static str,
) -> Result<(Case, Exhibit, Vec<i64>), AppError> {
    let open = open_case(state, actor, case_id, Action::ReadCase, audit_action).await?;
    let exhibit = state.store.exhibit(case_id, exhibit_id).await?;
    let access = match &exhibit {
        Some(exhibit) if exhibit.restricted => state.store.exhibit_access(exhibit_id).await?,
        _ => Vec::new(),
    };
    match exhibit {
        Some(exhibit) if !exhibit.restricted || access.contains(&actor.user.user_id) => {
            Ok((open.case, exhibit, access))
        }
        _ => {
            state
                .store
                .append_audit(
                    actor
                        .audit(audit_action, Outcome::Refused)
                        .case(case_id)
                        .target(format!("exhibit:{exhibit_id}"))
                        .detail("not found or restricted"),
                )
                .await?;
            Err(AppError::NotFound)
        }
    }
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
    let ctx = page_context(state, &actor.session, Some(&actor.user)).await?;
    let view_data = ExhibitView {
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
) -> Result<Response, AppError> {
    let (case, exhibit, access) =
        open_exhibit(&state, &actor, case_id, exhibit_id, "exhibit.view").await?;
    state
        .store
        .append_custody(
            exhibit_id,
            CustodyAction::Viewed,
            actor.user.user_id,
            "Opened the exhibit page",
            &exhibit.sha256,
        )
        .await?;
    audit_success(
        &state,
        &actor,
        case_id,
        "exhibit.view",
        Some(format!("exhibit:{exhibit_id}")),
        None,
    )
    .await?;
    exhibit_page(
        &state,
        &actor,
        case,
        exhibit,
        access,
        FieldErrors::default(),
        StatusCode::OK,
    )
    .await
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
    state
        .store
        .append_custody(
            exhibit_id,
            CustodyAction::Viewed,
            actor.user.user_id,
            "Viewed the thumbnail",
            &exhibit.sha256,
        )
        .await?;
    audit_success(
        &state,
        &actor,
        case_id,
        "exhibit.thumbnail",
        Some(format!("exhibit:{exhibit_id}")),
        None,
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
    let (case, exhibit, access) =
        open_exhibit(&state, &actor, case_id, exhibit_id, "exhibit.download").await?;
    let mut errors = FieldErrors::default();
    let reason = validate::line(
        &mut errors,
        "reason",
        &form.reason,
        true,
        500,
        "why you need the original",
    );
    if !errors.is_empty() {
        return exhibit_page(
            &state,
            &actor,
            case,
            exhibit,
            access,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let actual = match rehash(&*state.blobs, &exhibit.sha256).await {
        Ok(actual) => actual,
        Err(BlobError::Missing) => "missing".to_string(),
        Err(error) => return Err(AppError::Internal(error.to_string())),
    };
    if actual != exhibit.sha256 {
        tracing::error!(exhibit_id, expected = %exhibit.sha256, %actual, "integrity alarm: stored evidence changed");
        state
            .store
            .append_custody(
                exhibit_id,
                CustodyAction::IntegrityFailure,
                actor.user.user_id,
                &format!("Download refused: content now hashes to {actual}"),
                &exhibit.sha256,
            )
            .await?;
        state
            .store
            .append_audit(
                actor
                    .audit("exhibit.download", Outcome::Refused)
                    .case(case_id)
                    .target(format!("exhibit:{exhibit_id}"))
                    .detail("integrity alarm"),
            )
            .await?;
        return Err(AppError::Integrity);
    }
    state
        .store
        .append_custody(
            exhibit_id,
            CustodyAction::Downloaded,
            actor.user.user_id,
            &reason,
            &exhibit.sha256,
        )
        .await?;
    audit_success(
        &state,
        &actor,
        case_id,
        "exhibit.download",
        Some(format!("exhibit:{exhibit_id}")),
        None,
    )
    .await?;
    let reader = state
        .blobs
        .open(&exhibit.sha256)
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
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
    let (case, exhibit, access) =
        open_exhibit(&state, &actor, case_id, exhibit_id, "exhibit.transfer").await?;
    let standing = state.store.standing(case_id, actor.user.user_id).await?;
    if !probity_domain::permissions::allows(actor.user.role, Action::EditCase, standing) {
        return Err(AppError::Forbidden(
            "Your role does not allow recording transfers on this case.",
        ));
    }
    let mut errors = FieldErrors::default();
    let to_whom = validate::line(
        &mut errors,
        "to_whom",
        &form.to_whom,
        true,
        200,
        "who received it",
    );
    let why = validate::line(
        &mut errors,
        "transfer_reason",
        &form.transfer_reason,
        true,
        500,
        "why",
    );
    if !errors.is_empty() {
        return exhibit_page(
            &state,
            &actor,
            case,
            exhibit,
            access,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    state
        .store
        .append_custody(
            exhibit_id,
            CustodyAction::Transferred,
            actor.user.user_id,
            &format!("To {to_whom}: {why}"),
            &exhibit.sha256,
        )
        .await?;
    audit_success(
        &state,
        &actor,
        case_id,
        "exhibit.transfer",
        Some(format!("exhibit:{exhibit_id}")),
        None,
    )
    .await?;
    crate::auth::set_flash(&actor.session, "Transfer recorded.").await?;
    Ok(Redirect::to(&exhibit_path(case_id, exhibit_id)).into_response())
}
