//! Exhibits over the API: the list, one exhibit's record (a custody step), its chain of
//! custody, uploads (a streamed multipart body, the same limits and hashing as the upload
//! page) and downloads (a reason, the integrity check, a custody step).

use super::problem::Problem;
use super::{ApiCaller, ApiJson, ApiPath, SeenCase, Writer};
use crate::http::AppState;
use crate::http::intake::{Unreadable, read_upload};
use crate::office::{OfficeError, evidence};
use axum::Json;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use probity_domain::evidence::{CustodyEvent, Exhibit};
use probity_domain::permissions::Action;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;

/// An exhibit's record.
#[derive(Serialize, ToSchema)]
pub struct ExhibitOut {
    pub id: i64,
    pub case_id: i64,
    /// `E-3`.
    pub label: String,
    /// The exhibit this one was found in (an e-mail's attachment).
    pub parent_id: Option<i64>,
    pub description: String,
    /// As the sender's computer named it; data only.
    pub original_filename: String,
    /// Lower-case hex SHA-256 of the content as received.
    pub sha256: String,
    pub size_bytes: i64,
    /// Detected from the content.
    pub media_type: String,
    /// The file name's extension does not match the content.
    pub extension_mismatch: bool,
    pub provided_by: String,
    pub collected_by: String,
    pub collected_at: String,
    pub personal_data: bool,
    pub criminal_justice: bool,
    pub booking_photo: bool,
    /// Visible only to the case members named on it.
    pub restricted: bool,
    pub captured_by: String,
    pub captured_at: String,
    pub capture_device: String,
    pub capture_shows: String,
    /// Where text extraction stands.
    pub ocr_status: &'static str,
    /// The engine's mean word confidence, 0 to 100.
    pub ocr_confidence: Option<i64>,
    pub uploaded_by_name: String,
    #[serde(with = "time::serde::rfc3339")]
    pub uploaded_at: OffsetDateTime,
}

impl From<Exhibit> for ExhibitOut {
    fn from(exhibit: Exhibit) -> ExhibitOut {
        ExhibitOut {
            label: exhibit.label(),
            id: exhibit.exhibit_id,
            case_id: exhibit.case_id,
            parent_id: exhibit.parent_exhibit_id,
            description: exhibit.description,
            original_filename: exhibit.original_filename,
            sha256: exhibit.sha256,
            size_bytes: exhibit.size_bytes,
            media_type: exhibit.media_type,
            extension_mismatch: exhibit.extension_mismatch,
            provided_by: exhibit.provided_by,
            collected_by: exhibit.collected_by,
            collected_at: exhibit.collected_at,
            personal_data: exhibit.personal_data,
            criminal_justice: exhibit.criminal_justice,
            booking_photo: exhibit.booking_photo,
            restricted: exhibit.restricted,
            captured_by: exhibit.captured_by,
            captured_at: exhibit.captured_at,
            capture_device: exhibit.capture_device,
            capture_shows: exhibit.capture_shows,
            ocr_status: exhibit.ocr_status.as_str(),
            ocr_confidence: exhibit.ocr_confidence,
            uploaded_by_name: exhibit.uploaded_by_name,
            uploaded_at: exhibit.uploaded_at,
        }
    }
}

/// One step of an exhibit's chain of custody.
#[derive(Serialize, ToSchema)]
pub struct CustodyOut {
    /// `received`, `viewed`, `downloaded`, `exported`, `transferred` or `integrity_failure`.
    pub action: &'static str,
    pub user_name: String,
    #[serde(with = "time::serde::rfc3339")]
    pub occurred_at: OffsetDateTime,
    pub reason: String,
    /// The content's hash at that step.
    pub sha256: String,
}

impl From<CustodyEvent> for CustodyOut {
    fn from(event: CustodyEvent) -> CustodyOut {
        CustodyOut {
            action: event.action.as_str(),
            user_name: event.user_name,
            occurred_at: event.occurred_at,
            reason: event.reason,
            sha256: event.sha256,
        }
    }
}

/// An upload, as a `multipart/form-data` body: the details once, then one or more files.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct UploadForm {
    /// Applies to every file; the file's name when empty.
    description: Option<String>,
    provided_by: Option<String>,
    collected_by: Option<String>,
    /// `YYYY-MM-DD`.
    collected_at: Option<String>,
    /// Any non-empty value marks the exhibits as holding personal data.
    personal_data: Option<String>,
    /// Any non-empty value marks them as criminal-justice information.
    criminal_justice: Option<String>,
    booking_photo: Option<String>,
    /// Any non-empty value restricts them to you and the team members in `access`.
    restricted: Option<String>,
    /// User ids of team members who may see a restricted exhibit (repeat the part).
    access: Option<Vec<String>>,
    captured_by: Option<String>,
    captured_at: Option<String>,
    capture_device: Option<String>,
    capture_shows: Option<String>,
    /// The files, after the details; at most 50, each within the upload limit.
    #[schema(content_media_type = "application/octet-stream")]
    files: Vec<String>,
}

/// Why an original is needed, for the chain of custody.
#[derive(Deserialize, ToSchema)]
pub struct DownloadIn {
    #[schema(max_length = 500)]
    pub reason: String,
}

/// The exhibits of a case you may see.
#[utoipa::path(
    get,
    path = "/api/v1/cases/{case_id}/exhibits",
    tag = "evidence",
    params(("case_id" = i64, Path, description = "The case's id")),
    responses((status = 200, description = "The exhibits", body = Vec<ExhibitOut>)),
    security(("token" = []))
)]
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn exhibits(
    State(state): State<AppState>,
    api: ApiCaller,
    ApiPath(case_id): ApiPath<i64>,
) -> Result<Json<Vec<ExhibitOut>>, Problem> {
    let exhibits = evidence::exhibits(&state.store, &api.caller, case_id).await?;
    Ok(Json(exhibits.into_iter().map(Into::into).collect()))
}

/// One exhibit's record; reading it is a custody step.
#[utoipa::path(
    get,
    path = "/api/v1/cases/{case_id}/exhibits/{exhibit_id}",
    tag = "evidence",
    params(
        ("case_id" = i64, Path, description = "The case's id"),
        ("exhibit_id" = i64, Path, description = "The exhibit's id"),
    ),
    responses((status = 200, description = "The exhibit", body = ExhibitOut)),
    security(("token" = []))
)]
#[tracing::instrument(skip_all, fields(case_id, exhibit_id))]
pub async fn exhibit(
    State(state): State<AppState>,
    api: ApiCaller,
    ApiPath((case_id, exhibit_id)): ApiPath<(i64, i64)>,
) -> Result<Json<ExhibitOut>, Problem> {
    let (_, exhibit, _) = evidence::view_exhibit(
        &state.store,
        &api.caller,
        case_id,
        exhibit_id,
        "exhibit.view",
        "Read its record over the API",
    )
    .await?;
    Ok(Json(exhibit.into()))
}

/// An exhibit's chain of custody, oldest first.
#[utoipa::path(
    get,
    path = "/api/v1/cases/{case_id}/exhibits/{exhibit_id}/custody",
    tag = "evidence",
    params(
        ("case_id" = i64, Path, description = "The case's id"),
        ("exhibit_id" = i64, Path, description = "The exhibit's id"),
    ),
    responses((status = 200, description = "The chain of custody", body = Vec<CustodyOut>)),
    security(("token" = []))
)]
#[tracing::instrument(skip_all, fields(case_id, exhibit_id))]
pub async fn custody(
    State(state): State<AppState>,
    api: ApiCaller,
    ApiPath((case_id, exhibit_id)): ApiPath<(i64, i64)>,
) -> Result<Json<Vec<CustodyOut>>, Problem> {
    let custody = evidence::custody(&state.store, &api.caller, case_id, exhibit_id).await?;
    Ok(Json(custody.into_iter().map(Into::into).collect()))
}

/// Adds evidence: each file streams to storage while its SHA-256 is computed; the exhibits
/// are recorded once every file is durable, and nothing is kept when any part is refused.
#[utoipa::path(
    post,
    path = "/api/v1/cases/{case_id}/exhibits",
    tag = "evidence",
    params(("case_id" = i64, Path, description = "The case's id")),
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "The new exhibits", body = Vec<ExhibitOut>),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A detail is not valid, or a file is empty or too large; nothing was kept", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = []))
)]
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn upload(
    State(state): State<AppState>,
    Writer(caller): Writer,
    ApiPath(case_id): ApiPath<i64>,
    _seen: SeenCase,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, Problem> {
    // Checked before a byte of the files is read.
    crate::office::cases::open_case(
        &state.store,
        &caller,
        case_id,
        Action::EditCase,
        "exhibit.upload",
    )
    .await?;
    let mut multipart = multipart.map_err(|_| {
        Problem::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "media-type",
            "Send multipart/form-data",
        )
        .detail("Send the details and files as multipart/form-data.")
    })?;
    let vault = state.vault();
    let read = match read_upload(&mut multipart, &state.blobs, state.settings.upload_limit).await {
        Ok(read) => read,
        Err((error, stored)) => {
            evidence::refuse_upload(vault, &caller, case_id, &stored).await?;
            return Err(match error {
                Unreadable::Body(message) => Problem::bad_request(message),
                Unreadable::Storage(message) => {
                    tracing::error!(%message, "the blob store failed during an API upload");
                    Problem::internal()
                }
            });
        }
    };
    let details = match (&read.details, read.errors.is_empty()) {
        (Some(details), true) => details.clone(),
        _ => {
            evidence::refuse_upload(vault, &caller, case_id, &read.stored).await?;
            return Err(OfficeError::Invalid(read.errors).into());
        }
    };
    let added =
        evidence::add_exhibits(vault, &caller, case_id, &read.values, &details, read.stored)
            .await?;
    let body: Vec<ExhibitOut> = added.into_iter().map(Into::into).collect();
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

/// The original, as received, for a stated reason; refused with 409 (and the integrity
/// alarm raised) when its content no longer has its recorded hash. The hash is checked
/// before the first byte is sent and is also in the `X-Probity-SHA256` header.
#[utoipa::path(
    post,
    path = "/api/v1/cases/{case_id}/exhibits/{exhibit_id}/download",
    tag = "evidence",
    params(
        ("case_id" = i64, Path, description = "The case's id"),
        ("exhibit_id" = i64, Path, description = "The exhibit's id"),
    ),
    request_body = DownloadIn,
    responses(
        (status = 200, description = "The original", content_type = "application/octet-stream", body = Vec<u8>,
            headers(("X-Probity-SHA256" = String, description = "The SHA-256 recorded when it was received"))),
        (status = 409, description = "Integrity alarm: the content changed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No reason given", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = []))
)]
#[tracing::instrument(skip_all, fields(case_id, exhibit_id))]
pub async fn download(
    State(state): State<AppState>,
    api: ApiCaller,
    ApiPath((case_id, exhibit_id)): ApiPath<(i64, i64)>,
    _seen: SeenCase,
    ApiJson(body): ApiJson<DownloadIn>,
) -> Result<Response, Problem> {
    let download = evidence::download(
        state.vault(),
        &api.caller,
        case_id,
        exhibit_id,
        &body.reason,
    )
    .await?;
    crate::http::evidence::original_response(download).map_err(|error| {
        tracing::error!(?error, "cannot send an original");
        Problem::internal()
    })
}
