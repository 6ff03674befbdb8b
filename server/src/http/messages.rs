//! Message routes: importing a log from its exhibit (streamed, kept whole or not at all as
//! chosen), reading a chat's dates the other way round, the viewer, and each message's stable
//! page.

use crate::evidence::media;
use crate::http::AppState;
use crate::http::actor::Actor;
use crate::http::cases::{audit_success, open_case};
use crate::http::error::AppError;
use crate::http::evidence::{exhibit_page_with, open_exhibit};
use crate::http::pages::{page_context, render};
use crate::http::posted::Posted;
use crate::messages::{self as logs, Format, ReadOptions};
use crate::office::OfficeError;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse as _, Redirect, Response};
use axum::routing::{get, post};
use leptos::prelude::*;
use probity_app::pages::jobs::job_path;
use probity_app::pages::messages::{
    ImportPanel, ImportReport, ImportValues, MessageFilterValues, MessagePage, MessagesPage,
};
use probity_domain::cases::Case;
use probity_domain::evidence::Exhibit;
use probity_domain::permissions::{Action, allows};
use probity_domain::validation::FieldErrors;
use serde::Deserialize;

/// Messages per viewer page.
const PAGE_SIZE: i64 = 100;

/// The message routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/cases/{case_id}/exhibits/{exhibit_id}/import",
            post(import),
        )
        .route(
            "/cases/{case_id}/exhibits/{exhibit_id}/redate",
            post(redate),
        )
        .route("/cases/{case_id}/messages", get(viewer).post(viewer_search))
        .route("/cases/{case_id}/messages/{message_id}", get(show))
}

/// True for exhibits that can hold a message log.
pub fn importable(exhibit: &Exhibit) -> bool {
    media::is_text(&exhibit.media_type)
}

/// The import section for an exhibit page; `None` for files that are not logs.
pub async fn import_panel(
    state: &AppState,
    actor: &Actor,
    case: &Case,
    exhibit: &Exhibit,
    values: Option<ImportValues>,
    report: Option<ImportReport>,
    error: Option<String>,
) -> Result<Option<ImportPanel>, AppError> {
    let existing = if importable(exhibit) {
        state.store.message_count(exhibit.exhibit_id).await?
    } else {
        0
    };
    let unavailable = (!importable(exhibit)).then(|| {
        format!(
            "This file is {}, not text, so it cannot be read as a message log. Chat exports, SMS backups, e-mail and CSV logs are text files.",
            exhibit.media_type
        )
    });
    let date_guess = if existing > 0 {
        state.store.date_guess(exhibit.exhibit_id).await?
    } else {
        None
    };
    let standing = state
        .store
        .standing(case.case_id, actor.user.user_id)
        .await?;
    let running = if importable(exhibit) && existing == 0 {
        state
            .store
            .latest_job(
                case.case_id,
                &probity_domain::jobs::exhibit_subject(exhibit.exhibit_id),
                probity_domain::jobs::JobKind::MessageImport,
            )
            .await?
            .filter(|job| !job.state.is_finished())
            .map(|job| job_path(case.case_id, job.job_id))
    } else {
        None
    };
    let values = values.unwrap_or_else(|| ImportValues {
        format: Format::guess(&exhibit.media_type, &exhibit.original_filename)
            .as_str()
            .to_string(),
        time_zone: "UTC".to_string(),
        date_order: "auto".to_string(),
        owner: String::new(),
        mode: "all".to_string(),
    });
    Ok(Some(ImportPanel {
        case_id: case.case_id,
        exhibit_id: exhibit.exhibit_id,
        existing,
        formats: Format::ALL
            .iter()
            .map(|format| (format.as_str().to_string(), format.label().to_string()))
            .collect(),
        values,
        report,
        error,
        can_import: allows(actor.user.role, Action::EditCase, standing),
        running,
        unavailable,
        date_guess: date_guess.map(|guess| guess.day_first),
    }))
}

/// A log's exhibit, opened for the import routes.
struct OpenLog {
    case: Case,
    exhibit: Exhibit,
    access: Vec<i64>,
}

/// The exhibit page with its import section showing a report or a problem.
async fn log_page(
    state: &AppState,
    actor: &Actor,
    log: &OpenLog,
    values: Option<ImportValues>,
    report: Option<ImportReport>,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let panel = import_panel(state, actor, &log.case, &log.exhibit, values, report, error).await?;
    exhibit_page_with(
        state,
        actor,
        log.case.clone(),
        log.exhibit.clone(),
        log.access.clone(),
        FieldErrors::default(),
        panel,
        status,
    )
    .await
}

/// The import form as sent.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ImportForm {
    csrf_token: String,
    #[serde(flatten)]
    values: ImportValues,
}

/// Imports an exhibit as a message log.
#[tracing::instrument(skip_all, fields(case_id, exhibit_id))]
pub async fn import(
    State(state): State<AppState>,
    actor: Actor,
    Path((case_id, exhibit_id)): Path<(i64, i64)>,
    Posted(form): Posted<ImportForm>,
) -> Result<Response, AppError> {
    open_case(&state, &actor, case_id, Action::EditCase, "messages.import").await?;
    let (case, exhibit, access) =
        open_exhibit(&state, &actor, case_id, exhibit_id, "messages.import").await?;
    let values = form.values;
    let log = OpenLog {
        case: case.clone(),
        exhibit: exhibit.clone(),
        access: access.clone(),
    };
    let page = |report: Option<ImportReport>,
                error: Option<String>,
                values: ImportValues,
                status: StatusCode| {
        log_page(&state, &actor, &log, Some(values), report, error, status)
    };
    if !importable(&exhibit) {
        return page(
            None,
            Some("Only text files can be imported as messages.".into()),
            values,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let request = match crate::office::messages::read_import(&values) {
        Ok(request) => request,
        Err(message) => {
            return page(
                None,
                Some(message),
                values,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    match crate::office::messages::start_import(
        &state.store,
        &state.jobs,
        &actor.caller(),
        case_id,
        exhibit_id,
        request,
    )
    .await
    {
        Ok(job) => Ok(Redirect::to(&job_path(case_id, job.job_id)).into_response()),
        Err(OfficeError::Conflict(why)) => {
            page(None, Some(why.to_string()), values, StatusCode::CONFLICT).await
        }
        Err(error) => Err(error.into()),
    }
}

/// The re-dating form as sent.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RedateForm {
    csrf_token: String,
}

/// Reads a chat's dates again the other way round (day first instead of month first, or the
/// reverse) when the import had to choose: the messages, their positions and every link to
/// them stay; only their times change.
#[tracing::instrument(skip_all, fields(case_id, exhibit_id))]
pub async fn redate(
    State(state): State<AppState>,
    actor: Actor,
    Path((case_id, exhibit_id)): Path<(i64, i64)>,
    Posted(_form): Posted<RedateForm>,
) -> Result<Response, AppError> {
    open_case(&state, &actor, case_id, Action::EditCase, "messages.redate").await?;
    let (case, exhibit, access) =
        open_exhibit(&state, &actor, case_id, exhibit_id, "messages.redate").await?;
    let guess = state.store.date_guess(exhibit_id).await?;
    let log = OpenLog {
        case: case.clone(),
        exhibit: exhibit.clone(),
        access: access.clone(),
    };
    let problem = |message: &'static str, status: StatusCode| {
        log_page(
            &state,
            &actor,
            &log,
            None,
            None,
            Some(message.into()),
            status,
        )
    };
    let Some(guess) = guess else {
        return problem(
            "The dates of this log were read in an order the file showed; there is nothing to change.",
            StatusCode::CONFLICT,
        )
        .await;
    };
    let time_zone = jiff::tz::TimeZone::get(&guess.time_zone)
        .map_err(|error| AppError::Internal(error.to_string()))?;
    let options = ReadOptions {
        time_zone,
        day_first: Some(!guess.day_first),
        owner: String::new(),
        participants: Vec::new(),
    };
    let outcome = logs::import::run(
        &state.store,
        &state.blobs,
        case_id,
        &exhibit,
        logs::import::Reading {
            format: Format::WhatsApp,
            options,
            keep: logs::import::Keep::NewTimes,
        },
        Default::default(),
    )
    .await;
    let outcome = match outcome {
        Ok(outcome) if !outcome.rolled_back => outcome,
        Ok(_) | Err(logs::import::ImportError::Store(crate::storage::StoreError::Stale)) => {
            return problem(
                "Read the other way round, some dates of this log do not exist or the messages differ, so nothing was changed.",
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
        Err(error) => return Err(AppError::Internal(error.to_string())),
    };
    state
        .store
        .set_date_guess(
            exhibit_id,
            Some(crate::storage::messages::DateGuess {
                day_first: !guess.day_first,
                time_zone: guess.time_zone,
            }),
        )
        .await?;
    audit_success(
        &state,
        &actor,
        case_id,
        "messages.redate",
        Some(format!("exhibit:{exhibit_id}")),
        Some(format!(
            "{} messages read {} first",
            outcome.imported,
            if guess.day_first { "month" } else { "day" }
        )),
    )
    .await?;
    crate::auth::set_flash(
        &actor.session,
        if guess.day_first {
            "The dates were read again, month first."
        } else {
            "The dates were read again, day first."
        },
    )
    .await?;
    Ok(
        axum::response::Redirect::to(&probity_app::pages::evidence::exhibit_path(
            case_id, exhibit_id,
        ))
        .into_response(),
    )
}

/// The viewer's query (from links) or form (with search words and the next page).
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ViewerQuery {
    csrf_token: String,
    after: String,
    #[serde(flatten)]
    values: MessageFilterValues,
}

/// The viewer from a link: filters in the address, never search words.
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn viewer(
    State(state): State<AppState>,
    actor: Actor,
    Path(case_id): Path<i64>,
    Query(mut query): Query<ViewerQuery>,
) -> Result<Response, AppError> {
    query.values.q.clear();
    messages_page(&state, &actor, case_id, query).await
}

/// The viewer from its form.
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn viewer_search(
    State(state): State<AppState>,
    actor: Actor,
    Path(case_id): Path<i64>,
    Posted(query): Posted<ViewerQuery>,
) -> Result<Response, AppError> {
    messages_page(&state, &actor, case_id, query).await
}

async fn messages_page(
    state: &AppState,
    actor: &Actor,
    case_id: i64,
    query: ViewerQuery,
) -> Result<Response, AppError> {
    let values = query.values;
    let listing = crate::office::messages::list_messages(
        &state.store,
        &actor.caller(),
        case_id,
        &values,
        &query.after,
        PAGE_SIZE,
    )
    .await?;
    let problem = listing.errors.0.first().map(|error| error.message.clone());
    let messages = listing.messages;
    let next = listing.next;
    let logs = crate::office::messages::logs_of(&state.store, case_id, actor.user.user_id, false)
        .await?
        .into_iter()
        .map(|log| {
            (
                log.exhibit.exhibit_id.to_string(),
                format!("{}: {}", log.exhibit.label(), log.exhibit.description),
            )
        })
        .collect();
    let ctx = page_context(state, &actor.session, Some(&actor.user)).await?;
    let case = listing.case;
    Ok(render(StatusCode::OK, move || {
        view! { <MessagesPage ctx=ctx case=case values=values logs=logs messages=messages next=next problem=problem /> }
    }))
}

/// One message at its stable address.
#[tracing::instrument(skip_all, fields(case_id, message_id))]
pub async fn show(
    State(state): State<AppState>,
    actor: Actor,
    Path((case_id, message_id)): Path<(i64, i64)>,
) -> Result<Response, AppError> {
    let (open, message) =
        crate::office::messages::read_message(&state.store, &actor.caller(), case_id, message_id)
            .await?;
    let case = open.case.clone();
    let cited_by = state
        .store
        .events_citing_message(message_id)
        .await?
        .into_iter()
        .map(|c| {
            let short: String = c.narrative.chars().take(80).collect();
            (
                c.event_id,
                format!("{}: {}, {short}", c.incident_title, c.local_start),
            )
        })
        .collect();
    let incidents = if allows(actor.user.role, Action::EditCase, open.standing) {
        state
            .store
            .incidents(case_id)
            .await?
            .into_iter()
            .map(|i| (i.incident_id, i.title))
            .collect()
    } else {
        Vec::new()
    };
    let ctx = page_context(&state, &actor.session, Some(&actor.user)).await?;
    Ok(render(StatusCode::OK, move || {
        view! { <MessagePage ctx=ctx case=case message=message cited_by=cited_by incidents=incidents /> }
    }))
}
