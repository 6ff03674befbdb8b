//! A case's notes: adding, editing (every version kept) and reading earlier versions.

use super::{OpenCase, audit_success, open_case, parse_version, validate};
use crate::http::AppState;
use crate::http::actor::Actor;
use crate::http::error::AppError;
use crate::http::pages::{page_context, render};
use crate::http::posted::Posted;
use crate::storage::StoreError;
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
    state
        .store
        .notes(case_id)
        .await?
        .into_iter()
        .find(|note| note.note_id == note_id)
        .ok_or(AppError::NotFound)
}

fn body(errors: &mut FieldErrors, value: &str) -> String {
    validate::text(errors, "body", value, true, 20_000, "the note")
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
    let OpenCase { case, .. } =
        open_case(&state, &actor, case_id, Action::EditCase, "note.create").await?;
    let mut errors = FieldErrors::default();
    let text = body(&mut errors, &form.body);
    if !errors.is_empty() {
        return form_page(
            &state,
            &actor,
            case,
            None,
            form.body,
            String::new(),
            errors,
            false,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let note = state
        .store
        .create_note(case_id, actor.user.user_id, &text)
        .await?;
    audit_success(
        &state,
        &actor,
        case_id,
        "note.create",
        Some(format!("note:{}", note.note_id)),
        None,
    )
    .await?;
    Ok(Redirect::to(&case_path(case_id)).into_response())
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
    let OpenCase { case, .. } =
        open_case(&state, &actor, case_id, Action::EditCase, "note.update").await?;
    let note = find(&state, case_id, note_id).await?;
    let mut errors = FieldErrors::default();
    let text = body(&mut errors, &form.body);
    if !errors.is_empty() {
        return form_page(
            &state,
            &actor,
            case,
            Some(note),
            form.body,
            form.version,
            errors,
            false,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    match state
        .store
        .edit_note(
            case_id,
            note_id,
            parse_version(&form.version),
            &text,
            actor.user.user_id,
        )
        .await
    {
        Ok(note) => {
            audit_success(
                &state,
                &actor,
                case_id,
                "note.update",
                Some(format!("note:{note_id}")),
                Some(format!("version {}", note.version)),
            )
            .await?;
            Ok(Redirect::to(&case_path(case_id)).into_response())
        }
        Err(StoreError::Stale) => {
            let current = find(&state, case_id, note_id).await?;
            let version = current.version.to_string();
            form_page(
                &state,
                &actor,
                case,
                Some(current),
                form.body,
                version,
                FieldErrors::default(),
                true,
                StatusCode::CONFLICT,
            )
            .await
        }
        Err(error) => Err(error.into()),
    }
}

/// Every version of a note.
#[tracing::instrument(skip_all, fields(case_id, note_id))]
pub async fn history(
    State(state): State<AppState>,
    actor: Actor,
    Path((case_id, note_id)): Path<(i64, i64)>,
) -> Result<Response, AppError> {
    let OpenCase { case, .. } =
        open_case(&state, &actor, case_id, Action::ReadCase, "note.history").await?;
    let versions = state.store.note_versions(case_id, note_id).await?;
    if versions.is_empty() {
        return Err(AppError::NotFound);
    }
    audit_success(
        &state,
        &actor,
        case_id,
        "note.history",
        Some(format!("note:{note_id}")),
        None,
    )
    .await?;
    let ctx = page_context(&state, &actor.session, Some(&actor.user)).await?;
    Ok(render(StatusCode::OK, move || {
        view! { <NoteHistoryPage ctx=ctx case=case versions=versions /> }
    }))
}
