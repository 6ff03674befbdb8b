//! The public front door: the complaint form, the receipt, and the complainant's follow-up
//! with their code. No account, no session, no cookie: an anonymous visitor's request
//! writes nothing but what they send. The address is used only for the in-memory rate
//! limits and never written (the request log records the path only, the audit trail no
//! address for these routes).

use crate::auth::form_clock::{FormClock, Refused};
use crate::blobs::StoredBlob;
use crate::http::AppState;
use crate::http::api::limits::RateLimiter;
use crate::http::error::AppError;
use crate::http::intake::{Unreadable, small_text};
use crate::http::pages::render;
use crate::http::portal::portal_context;
use crate::http::viewer::Viewer;
use crate::office::OfficeError;
use crate::office::complaints::{self, ComplainantView};
use crate::office::evidence::{Intake, Received};
use crate::storage::complaints::NewComplaintFile;
use axum::Router;
use axum::extract::{ConnectInfo, DefaultBodyLimit, Multipart, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use axum::routing::get;
use leptos::prelude::*;
use probity_app::pages::cases::format_utc;
use probity_app::pages::complaints::{ComplainPage, FollowUpPage, FollowUpSignInPage, ReceiptPage};
use probity_domain::complaints::ComplaintFields;
use probity_domain::evidence::format_size;
use probity_domain::validation::FieldErrors;
use std::net::{IpAddr, SocketAddr};

/// The form names the time tokens are signed for.
const COMPLAINT_FORM: &str = "complaint";
const FOLLOW_UP_FORM: &str = "follow-up";
/// A follow-up pass: what a correct code opens, for half an hour.
const PASS: &str = "pass";
const PASS_MINUTES: i64 = 30;

/// Most files one complaint form or follow-up may carry.
const MAX_FILES: usize = 20;

/// The front door's guards, in memory on each node: the form clock, and the per-address
/// allowances for complaints and for wrong receipt codes.
pub struct FrontDoor {
    pub clock: FormClock,
    pub complaints: RateLimiter<IpAddr>,
    pub wrong_codes: RateLimiter<IpAddr>,
}

impl FrontDoor {
    /// Guards with the office's settings.
    pub fn new(settings: &crate::config::Settings) -> FrontDoor {
        FrontDoor {
            clock: FormClock::new(settings.complaint_form_seconds),
            complaints: RateLimiter::per_hour(settings.complaints_per_hour),
            // Five wrong codes, then one more every twelve minutes.
            wrong_codes: RateLimiter::per_hour(5),
        }
    }
}

/// The public routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/complain",
            get(form).post(submit).layer(DefaultBodyLimit::disable()),
        )
        .route("/complain/follow-up", get(follow_up_form).post(follow_up))
        .route(
            "/complain/follow-up/reply",
            axum::routing::post(reply).layer(DefaultBodyLimit::disable()),
        )
}

fn wait_words(seconds: u64) -> String {
    let minutes = seconds.div_ceil(60).max(1);
    if minutes == 1 {
        "a minute".to_string()
    } else {
        format!("{minutes} minutes")
    }
}

fn with_retry_after(mut response: Response, seconds: u64) -> Response {
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    response
}

async fn complain_page(
    state: &AppState,
    viewer: &Viewer,
    values: ComplaintFields,
    errors: FieldErrors,
    problem: Option<String>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let ctx = portal_context(state, viewer).await?;
    let form_time = state.front_door.clock.issue(COMPLAINT_FORM);
    let limit =
        format_size(i64::try_from(state.settings.complaint_upload_limit).unwrap_or(i64::MAX));
    Ok(render(status, move || {
        view! { <ComplainPage ctx=ctx values=values errors=errors form_time=form_time limit=limit problem=problem /> }
    }))
}

/// The complaint form.
#[tracing::instrument(skip_all)]
pub async fn form(State(state): State<AppState>, viewer: Viewer) -> Result<Response, AppError> {
    complain_page(
        &state,
        &viewer,
        ComplaintFields::default(),
        FieldErrors::default(),
        None,
        StatusCode::OK,
    )
    .await
}

/// What a multipart form of the front door held: its text fields and its files, stored.
struct ReadForm {
    fields: Vec<(String, String)>,
    stored: Vec<(String, StoredBlob)>,
    errors: FieldErrors,
}

/// Reads a front-door form: text fields (each capped) and files streamed to the blob store,
/// `total` bytes at most for all of them. `accept_files` says whether files may be kept
/// (false once the form is known to be refused: their bytes are read and dropped).
async fn read_form(
    state: &AppState,
    multipart: &mut Multipart,
    total: u64,
    accept_files: impl Fn(&[(String, String)]) -> bool,
) -> Result<ReadForm, AppError> {
    let mut read = ReadForm {
        fields: Vec::new(),
        stored: Vec::new(),
        errors: FieldErrors::default(),
    };
    let mut used: u64 = 0;
    loop {
        let next = multipart.next_field().await;
        let mut field = match next {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(error) => {
                discard(state, &read.stored).await;
                return Err(AppError::BadRequest(error.to_string()));
            }
        };
        let name = field.name().unwrap_or_default().to_string();
        if name != "files" {
            match small_text(&mut field).await {
                Ok(text) => read.fields.push((name, text)),
                Err(Unreadable::Body(detail) | Unreadable::Storage(detail)) => {
                    discard(state, &read.stored).await;
                    return Err(AppError::BadRequest(detail));
                }
            }
            continue;
        }
        let filename: String = field
            .file_name()
            .unwrap_or_default()
            .chars()
            .take(255)
            .collect();
        let keep = !filename.is_empty()
            && read.errors.is_empty()
            && read.stored.len() < MAX_FILES
            && accept_files(&read.fields);
        if !filename.is_empty() && read.stored.len() >= MAX_FILES && read.errors.is_empty() {
            read.errors.add(
                "files",
                format!("Send at most {MAX_FILES} files at a time."),
            );
        }
        if !keep {
            while let Ok(Some(_)) = field.chunk().await {}
            continue;
        }
        let limit = total.saturating_sub(used);
        let mut intake = Intake::start(&state.blobs, limit.max(1))
            .await
            .map_err(|error| AppError::Internal(error.to_string()))?;
        loop {
            match field.chunk().await {
                Ok(Some(chunk)) => match intake.push(chunk).await {
                    Ok(true) => {}
                    Ok(false) => break,
                    Err(error) => {
                        discard(state, &read.stored).await;
                        return Err(AppError::Internal(error.to_string()));
                    }
                },
                Ok(None) => break,
                Err(error) => {
                    intake.abort().await;
                    discard(state, &read.stored).await;
                    return Err(AppError::BadRequest(error.to_string()));
                }
            }
        }
        match intake.finish().await {
            Ok(Received::Stored(blob)) => {
                used += blob.size;
                read.stored.push((filename, blob));
            }
            Ok(Received::TooLarge) => {
                read.errors.add(
                    "files",
                    format!(
                        "The files together are larger than the limit of {}. Nothing was sent; your text is still here. Choose fewer or smaller files.",
                        format_size(i64::try_from(total).unwrap_or(i64::MAX))
                    ),
                );
                while let Ok(Some(_)) = field.chunk().await {}
            }
            Ok(Received::Empty) => {
                read.errors.add(
                    "files",
                    format!("{filename} is empty. Nothing was sent; choose the file again."),
                );
            }
            Err(error) => {
                discard(state, &read.stored).await;
                return Err(AppError::Internal(error.to_string()));
            }
        }
    }
    Ok(read)
}

/// Files of a refused form go again, unless a record already holds the same content.
async fn discard(state: &AppState, stored: &[(String, StoredBlob)]) {
    crate::office::evidence::forget_blobs(state.vault(), stored).await;
}

fn field<'a>(fields: &'a [(String, String)], name: &str) -> &'a str {
    fields
        .iter()
        .find(|(key, _)| key == name)
        .map_or("", |(_, value)| value.as_str())
}

fn complaint_fields(fields: &[(String, String)]) -> ComplaintFields {
    ComplaintFields {
        what_happened: field(fields, "what_happened").to_string(),
        agency: field(fields, "agency").to_string(),
        people_involved: field(fields, "people_involved").to_string(),
        when_happened: field(fields, "when_happened").to_string(),
        where_happened: field(fields, "where_happened").to_string(),
        how_known: field(fields, "how_known").to_string(),
        wants_contact: field(fields, "wants_contact").to_string(),
        contact_name: field(fields, "contact_name").to_string(),
        contact_details: field(fields, "contact_details").to_string(),
        channel: String::new(),
        received_on: String::new(),
    }
}

fn clock_problem(refused: Refused) -> String {
    match refused {
        Refused::TooSoon => "The form was sent back very quickly, as a program would. Nothing was sent; check what you wrote and send it again.".to_string(),
        Refused::Expired | Refused::Forged => "The form had expired. Nothing was sent; your text is still here. Check it and send it again.".to_string(),
    }
}

/// Receives a complaint. Text comes before files in the form, so a refused form stores no
/// file; files stream to the blob store while hashed, within the per-complaint total.
#[tracing::instrument(skip_all)]
pub async fn submit(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    viewer: Viewer,
    mut multipart: Multipart,
) -> Result<Response, AppError> {
    let addr = peer.ip();
    let door = &state.front_door;
    let allowed = door.complaints.check(&addr).is_ok();
    let total = state.settings.complaint_upload_limit;
    let read = read_form(&state, &mut multipart, total, |fields| {
        allowed
            && door
                .clock
                .check(COMPLAINT_FORM, field(fields, "form_time"))
                .is_ok()
            && complaints::validate_complaint(&complaint_fields(fields), false).is_ok()
    })
    .await?;
    let values = complaint_fields(&read.fields);
    let refuse = |errors: FieldErrors, problem: Option<String>, status: StatusCode| {
        let values = values.clone();
        let state = &state;
        let viewer = &viewer;
        let stored = &read.stored;
        async move {
            discard(state, stored).await;
            complain_page(state, viewer, values, errors, problem, status).await
        }
    };
    if let Err(wait) = door.complaints.check(&addr) {
        let page = refuse(
            FieldErrors::default(),
            Some(format!(
                "Too many complaints have been sent from your network in the last hour. Nothing was sent; your text is still here. Try again in {}.",
                wait_words(wait)
            )),
            StatusCode::TOO_MANY_REQUESTS,
        )
        .await?;
        return Ok(with_retry_after(page, wait));
    }
    if let Err(refused) = door
        .clock
        .check(COMPLAINT_FORM, field(&read.fields, "form_time"))
    {
        return refuse(
            FieldErrors::default(),
            Some(clock_problem(refused)),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let valid = match complaints::validate_complaint(&values, false) {
        Ok(valid) if read.errors.is_empty() => valid,
        Ok(_) => {
            return refuse(read.errors.clone(), None, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
        Err(mut errors) => {
            errors.0.extend(read.errors.0.iter().cloned());
            return refuse(errors, None, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    if let Err(wait) = door.complaints.take(addr) {
        return Ok(with_retry_after(
            refuse(
                FieldErrors::default(),
                Some(format!("Too many complaints have been sent from your network in the last hour. Try again in {}.", wait_words(wait))),
                StatusCode::TOO_MANY_REQUESTS,
            )
            .await?,
            wait,
        ));
    }
    let files: Vec<NewComplaintFile> = read
        .stored
        .iter()
        .map(|(name, blob)| complaints::received_file(name, blob, None))
        .collect();
    let submitted = match complaints::submit(&state.store, &state.hashing, valid, files, None).await
    {
        Ok(submitted) => submitted,
        Err(error) => {
            discard(&state, &read.stored).await;
            return Err(error.into());
        }
    };
    let ctx = portal_context(&state, &viewer).await?;
    let receipt = submitted.receipt;
    Ok(render(StatusCode::OK, move || {
        view! { <ReceiptPage ctx=ctx receipt=receipt logged=false /> }
    }))
}

async fn follow_up_sign_in(
    state: &AppState,
    viewer: &Viewer,
    errors: FieldErrors,
    problem: Option<String>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let ctx = portal_context(state, viewer).await?;
    let form_time = state.front_door.clock.issue(FOLLOW_UP_FORM);
    Ok(render(status, move || {
        view! { <FollowUpSignInPage ctx=ctx errors=errors form_time=form_time problem=problem /> }
    }))
}

/// Where a complainant types their code.
#[tracing::instrument(skip_all)]
pub async fn follow_up_form(
    State(state): State<AppState>,
    viewer: Viewer,
) -> Result<Response, AppError> {
    follow_up_sign_in(
        &state,
        &viewer,
        FieldErrors::default(),
        None,
        StatusCode::OK,
    )
    .await
}

/// The code form as sent.
#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct CodeForm {
    receipt: String,
    form_time: String,
}

/// Checks a receipt code: a right one opens the complaint; wrong ones are throttled per
/// address (in memory) and audited (without the address).
#[tracing::instrument(skip_all)]
pub async fn follow_up(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    viewer: Viewer,
    axum::Form(form): axum::Form<CodeForm>,
) -> Result<Response, AppError> {
    let addr = peer.ip();
    let door = &state.front_door;
    if let Err(wait) = door.wrong_codes.check(&addr) {
        let page = follow_up_sign_in(
            &state,
            &viewer,
            FieldErrors::default(),
            Some(format!(
                "Too many wrong codes were typed from your network. Wait {} and try again.",
                wait_words(wait)
            )),
            StatusCode::TOO_MANY_REQUESTS,
        )
        .await?;
        return Ok(with_retry_after(page, wait));
    }
    if let Err(refused) = door.clock.check(FOLLOW_UP_FORM, &form.form_time) {
        return follow_up_sign_in(
            &state,
            &viewer,
            FieldErrors::default(),
            Some(clock_problem(refused)),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    match complaints::find_by_receipt(&state.store, &state.hashing, &form.receipt).await {
        Ok(complaint_id) => {
            follow_up_page(
                &state,
                &viewer,
                complaint_id,
                String::new(),
                FieldErrors::default(),
                None,
                StatusCode::OK,
            )
            .await
        }
        Err(OfficeError::NotFound) => {
            let _ = door.wrong_codes.take(addr);
            let mut errors = FieldErrors::default();
            errors.add(
                "receipt",
                "That code does not match a complaint. Check it (five groups of four letters and digits) and try again.",
            );
            follow_up_sign_in(
                &state,
                &viewer,
                errors,
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(other) => Err(other.into()),
    }
}

/// The bytes the complaint's files already take.
fn used_bytes(view: &ComplainantView) -> u64 {
    view.files
        .iter()
        .map(|file| u64::try_from(file.size_bytes).unwrap_or(0))
        .sum()
}

async fn follow_up_page(
    state: &AppState,
    viewer: &Viewer,
    complaint_id: i64,
    body: String,
    errors: FieldErrors,
    notice: Option<String>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let view = complaints::complainant_view(&state.store, complaint_id).await?;
    let left = state
        .settings
        .complaint_upload_limit
        .saturating_sub(used_bytes(&view));
    let limit = format_size(i64::try_from(left).unwrap_or(i64::MAX));
    let pass = state
        .front_door
        .clock
        .pass(PASS, complaint_id, PASS_MINUTES);
    let ctx = portal_context(state, viewer).await?;
    let ComplainantView {
        reference,
        received_at,
        status: complaint_status,
        messages,
        files,
    } = view;
    let received_at = format_utc(received_at);
    Ok(render(status, move || {
        view! {
            <FollowUpPage ctx=ctx reference=reference received_at=received_at status=complaint_status
                messages=messages files=files pass=pass body=body errors=errors limit=limit notice=notice />
        }
    }))
}

/// The complainant answers or adds files, with the pass their code gave them.
#[tracing::instrument(skip_all)]
pub async fn reply(
    State(state): State<AppState>,
    viewer: Viewer,
    mut multipart: Multipart,
) -> Result<Response, AppError> {
    // The pass comes first in the form: nothing is stored for a request without one.
    let complaint_id = match multipart
        .next_field()
        .await
        .map_err(|error| AppError::BadRequest(error.to_string()))?
    {
        Some(mut first) if first.name() == Some("pass") => {
            let pass = small_text(&mut first)
                .await
                .map_err(|_| AppError::BadRequest("unreadable pass".into()))?;
            state.front_door.clock.check_pass(PASS, &pass)
        }
        _ => None,
    };
    let Some(complaint_id) = complaint_id else {
        return follow_up_sign_in(
            &state,
            &viewer,
            FieldErrors::default(),
            Some("The page had expired, so nothing was sent. Type your receipt code again; then send your message.".into()),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let view = complaints::complainant_view(&state.store, complaint_id).await?;
    let left = state
        .settings
        .complaint_upload_limit
        .saturating_sub(used_bytes(&view));
    let read = read_form(&state, &mut multipart, left, |fields| {
        complaints::validate_message(field(fields, "body"), true).is_ok()
    })
    .await?;
    let body = field(&read.fields, "body").to_string();
    if !read.errors.is_empty() {
        discard(&state, &read.stored).await;
        return follow_up_page(
            &state,
            &viewer,
            complaint_id,
            body,
            read.errors,
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let files: Vec<NewComplaintFile> = read
        .stored
        .iter()
        .map(|(name, blob)| complaints::received_file(name, blob, None))
        .collect();
    let count = files.len();
    match complaints::complainant_reply(&state.store, complaint_id, &body, files).await {
        Ok(()) => {
            let notice = match count {
                0 => "Your message was sent.".to_string(),
                1 => "Your message and 1 file were sent.".to_string(),
                n => format!("Your message and {n} files were sent."),
            };
            follow_up_page(
                &state,
                &viewer,
                complaint_id,
                String::new(),
                FieldErrors::default(),
                Some(notice),
                StatusCode::OK,
            )
            .await
        }
        Err(OfficeError::Invalid(errors)) => {
            discard(&state, &read.stored).await;
            follow_up_page(
                &state,
                &viewer,
                complaint_id,
                body,
                errors,
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(other) => {
            discard(&state, &read.stored).await;
            Err(other.into())
        }
    }
}
