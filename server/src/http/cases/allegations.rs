//! Adding and editing a case's allegations.

use super::find_case;
use super::{OpenCase, audit_success, open_case, parse_version};
use crate::http::AppState;
use crate::http::actor::Actor;
use crate::http::error::AppError;
use crate::http::pages::{WithCsrf, page_context, render};
use crate::http::posted::Posted;
use crate::http::redraw::Redraw;
use crate::office::records;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use leptos::prelude::*;
use probity_app::pages::cases::{AllegationFormPage, AllegationFormValues, case_path};
use probity_domain::cases::{Allegation, AllegationStatus, Case, Party};
use probity_domain::permissions::Action;
use probity_domain::validation::FieldErrors;

#[allow(clippy::too_many_arguments)]
async fn form_page(
    state: &AppState,
    actor: &Actor,
    case: Case,
    parties: &[Party],
    allegation: Option<Allegation>,
    values: AllegationFormValues,
    errors: FieldErrors,
    stale: bool,
    status: StatusCode,
) -> Result<Response, AppError> {
    let subjects: Vec<(String, String)> = parties
        .iter()
        .map(|party| {
            (
                party.party_id.to_string(),
                format!("{} ({})", party.name, party.party_role.label()),
            )
        })
        .collect();
    let ctx = page_context(state, &actor.session, Some(&actor.user)).await?;
    Ok(render(status, move || {
        view! {
            <AllegationFormPage ctx=ctx case=case subjects=subjects allegation=allegation values=values errors=errors stale=stale />
        }
    }))
}

async fn find(state: &AppState, case_id: i64, allegation_id: i64) -> Result<Allegation, AppError> {
    Ok(records::find_allegation(&state.store, case_id, allegation_id).await?)
}

/// The form to add an allegation.
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn new_form(
    State(state): State<AppState>,
    actor: Actor,
    Path(case_id): Path<i64>,
) -> Result<Response, AppError> {
    let OpenCase { case, .. } = open_case(
        &state,
        &actor,
        case_id,
        Action::EditCase,
        "allegation.create",
    )
    .await?;
    let parties = state.store.parties(case_id).await?;
    let values = AllegationFormValues {
        status: AllegationStatus::Open.as_str().into(),
        ..AllegationFormValues::default()
    };
    form_page(
        &state,
        &actor,
        case,
        &parties,
        None,
        values,
        FieldErrors::default(),
        false,
        StatusCode::OK,
    )
    .await
}

/// Adds an allegation.
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn create(
    State(state): State<AppState>,
    actor: Actor,
    Path(case_id): Path<i64>,
    Posted(form): Posted<WithCsrf<AllegationFormValues>>,
) -> Result<Response, AppError> {
    let added = records::add_allegation(&state.store, &actor.caller(), case_id, &form.values).await;
    let redraw = match added {
        Ok(_) => {
            return Ok(Redirect::to(&format!("{}/parties", case_path(case_id))).into_response());
        }
        Err(error) => Redraw::from_office(error)?,
    };
    let case = find_case(&state, case_id).await?;
    let parties = state.store.parties(case_id).await?;
    form_page(
        &state,
        &actor,
        case,
        &parties,
        None,
        form.values,
        redraw.errors,
        false,
        redraw.status,
    )
    .await
}

/// The form to edit an allegation.
#[tracing::instrument(skip_all, fields(case_id, allegation_id))]
pub async fn edit_form(
    State(state): State<AppState>,
    actor: Actor,
    Path((case_id, allegation_id)): Path<(i64, i64)>,
) -> Result<Response, AppError> {
    let OpenCase { case, .. } =
        open_case(&state, &actor, case_id, Action::EditCase, "allegation.view").await?;
    let allegation = find(&state, case_id, allegation_id).await?;
    let parties = state.store.parties(case_id).await?;
    audit_success(
        &state,
        &actor,
        case_id,
        "allegation.view",
        Some(format!("allegation:{allegation_id}")),
        None,
    )
    .await?;
    let values = AllegationFormValues::from_allegation(&allegation);
    form_page(
        &state,
        &actor,
        case,
        &parties,
        Some(allegation),
        values,
        FieldErrors::default(),
        false,
        StatusCode::OK,
    )
    .await
}

/// Saves an allegation, unless someone else saved first.
#[tracing::instrument(skip_all, fields(case_id, allegation_id))]
pub async fn update(
    State(state): State<AppState>,
    actor: Actor,
    Path((case_id, allegation_id)): Path<(i64, i64)>,
    Posted(form): Posted<WithCsrf<AllegationFormValues>>,
) -> Result<Response, AppError> {
    let saved = records::update_allegation(
        &state.store,
        &actor.caller(),
        case_id,
        allegation_id,
        parse_version(&form.values.version),
        &form.values,
    )
    .await;
    let redraw = match saved {
        Ok(_) => {
            return Ok(Redirect::to(&format!("{}/parties", case_path(case_id))).into_response());
        }
        Err(error) => Redraw::from_office(error)?,
    };
    let case = find_case(&state, case_id).await?;
    let parties = state.store.parties(case_id).await?;
    let current = find(&state, case_id, allegation_id).await?;
    let mut values = form.values;
    if redraw.stale {
        values.version = current.version.to_string();
    }
    form_page(
        &state,
        &actor,
        case,
        &parties,
        Some(current),
        values,
        redraw.errors,
        redraw.stale,
        redraw.status,
    )
    .await
}
