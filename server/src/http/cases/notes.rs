//! A case's notes: adding, editing (every version kept) and reading earlier versions.

use super::find_case;
use super::{OpenCase, audit_success, open_case, parse_version};
use crate::http::AppState;
use crate::http::actor::Actor;
use crate::http::error::AppError;
use crate::http::pages::{page_context, render};
use crate::http::posted::Posted;
use crate::http::redraw::Redraw;
use crate::office::records;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use leptos::prelude::*;
use probity_app::pages::cases::{NoteFormPage, NoteHistoryPage, case_path};
use probity_domain::cases::{Case, Note};
use probity_domain::permissions::Action;
use probity_domain::validation::FieldErrors;
use serde::Deserialize;

/// The note form as sent.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NoteForm {
    csrf_token: String,
    body: String,
    version: String,
}

#[allow(clippy::too_many_arguments)]
async fn form_page(
    state: &AppState,
    actor: &Actor,
    case: Case,
    note: Option<Note>,
    body: String,
    version: String,
    errors: FieldErrors,
    stale: bool,
    status: StatusCode,
) -> Result<Response, AppError> {
    let ctx = page_context(state, &actor.session, Some(&actor.user)).await?;
    Ok(render(status, move || {
        view! { <NoteFormPage ctx=ctx case=case note=note body=body version=version errors=errors stale=stale /> }
    }))
}

async fn find(state: &AppState, case_id: i64, note_id: i64) -> Result<Note, AppError> {
    Ok(records::find_note(&state.store, case_id, note_id).await?)
}

/// The form to add a note.
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn new_form(
    State(state): State<AppState>,
    actor: Actor,
    Path(case_id): Path<i64>,
) -> Result<Response, AppError> {
    let OpenCase { case, .. } =
        open_case(&state, &actor, case_id, Action::EditCase, "note.create").await?;
    form_page(
        &state,
        &actor,
        case,
        None,
        String::new(),
        String::new(),
        FieldErrors::default(),
        false,
        StatusCode::OK,
    )
    .await
}

/// Adds a note.
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn create(
    State(state): State<AppState>,
    actor: Actor,
    Path(case_id): Path<i64>,
    Posted(form): Posted<NoteForm>,
) -> Result<Response, AppError> {
    let added = records::add_note(&state.store, &actor.caller(), case_id, &form.body).await;
    let redraw = match added {
        Ok(_) => return Ok(Redirect::to(&case_path(case_id)).into_response()),
        Err(error) => Redraw::from_office(error)?,
    };
    let case = find_case(&state, case_id).await?;
    form_page(
        &state,
        &actor,
        case,
        None,
        form.body,
        String::new(),
        redraw.errors,
        false,
        redraw.status,
    )
    .await
}

/// The form to edit a note.
#[tracing::instrument(skip_all, fields(case_id, note_id))]
pub async fn edit_form(
    State(state): State<AppState>,
    actor: Actor,
    Path((case_id, note_id)): Path<(i64, i64)>,
) -> Result<Response, AppError> {
    let OpenCase { case, .. } =
        open_case(&state, &actor, case_id, Action::EditCase, "note.view").await?;
    let note = find(&state, case_id, note_id).await?;
    audit_success(
        &state,
        &actor,
        case_id,
        "note.view",
        Some(format!("note:{note_id}")),
        None,
    )
    .await?;
    let (text, version) = (note.body.clone(), note.version.to_string());
    form_page(
        &state,
        &actor,
        case,
        Some(note),
        text,
        version,
        FieldErrors::default(),
        false,
        StatusCode::OK,
    )
    .await
}

/// Saves a new version of a note, unless someone else saved first.
#[tracing::instrument(skip_all, fields(case_id, note_id))]
pub async fn update(
    State(state): State<AppState>,
    actor: Actor,
    Path((case_id, note_id)): Path<(i64, i64)>,
    Posted(form): Posted<NoteForm>,
) -> Result<Response, AppError> {
    let saved = records::edit_note(
        &state.store,
        &actor.caller(),
        case_id,
        note_id,
        parse_version(&form.version),
        &form.body,
    )
    .await;
    let redraw = match saved {
        Ok(_) => return Ok(Redirect::to(&case_path(case_id)).into_response()),
        Err(error) => Redraw::from_office(error)?,
    };
    let case = find_case(&state, case_id).await?;
    let current = find(&state, case_id, note_id).await?;
    let version = if redraw.stale {
        current.version.to_string()
    } else {
        form.version
    };
    form_page(
        &state,
        &actor,
        case,
        Some(current),
        form.body,
        version,
        redraw.errors,
        redraw.stale,
        redraw.status,
    )
    .await
}

/// Every version of a note.
#[tracing::instrument(skip_all, fields(case_id, note_id))]
pub async fn history(
    State(state): State<AppState>,
    actor: Actor,
    Path((case_id, note_id)): Path<(i64, i64)>,
) -> Result<Response, AppError> {
    let versions = records::note_history(&state.store, &actor.caller(), case_id, note_id).await?;
    let case = find_case(&state, case_id).await?;
    let ctx = page_context(&state, &actor.session, Some(&actor.user)).await?;
    Ok(render(StatusCode::OK, move || {
        view! { <NoteHistoryPage ctx=ctx case=case versions=versions /> }
    }))
}
