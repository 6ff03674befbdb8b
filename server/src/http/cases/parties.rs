//! Adding and editing a case's parties.

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
use probity_app::pages::cases::{PartyFormPage, PartyFormValues, case_path};
use probity_domain::cases::{Case, Party, PartyKind};
use probity_domain::permissions::Action;
use probity_domain::validation::FieldErrors;

#[allow(clippy::too_many_arguments)]
async fn form_page(
    state: &AppState,
    actor: &Actor,
    case: Case,
    party: Option<Party>,
    values: PartyFormValues,
    errors: FieldErrors,
    stale: bool,
    status: StatusCode,
) -> Result<Response, AppError> {
    let ctx = page_context(state, &actor.session, Some(&actor.user)).await?;
    Ok(render(status, move || {
        view! { <PartyFormPage ctx=ctx case=case party=party values=values errors=errors stale=stale /> }
    }))
}

async fn find_party(state: &AppState, case_id: i64, party_id: i64) -> Result<Party, AppError> {
    Ok(records::find_party(&state.store, case_id, party_id).await?)
}

/// The form to add a party.
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn new_form(
    State(state): State<AppState>,
    actor: Actor,
    Path(case_id): Path<i64>,
) -> Result<Response, AppError> {
    let OpenCase { case, .. } =
        open_case(&state, &actor, case_id, Action::EditCase, "party.create").await?;
    let values = PartyFormValues {
        kind: PartyKind::Person.as_str().into(),
        ..PartyFormValues::default()
    };
    form_page(
        &state,
        &actor,
        case,
        None,
        values,
        FieldErrors::default(),
        false,
        StatusCode::OK,
    )
    .await
}

/// Adds a party.
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn create(
    State(state): State<AppState>,
    actor: Actor,
    Path(case_id): Path<i64>,
    Posted(form): Posted<WithCsrf<PartyFormValues>>,
) -> Result<Response, AppError> {
    let added = records::add_party(&state.store, &actor.caller(), case_id, &form.values).await;
    let redraw = match added {
        Ok(_) => {
            return Ok(Redirect::to(&format!("{}/parties", case_path(case_id))).into_response());
        }
        Err(error) => Redraw::from_office(error)?,
    };
    let case = find_case(&state, case_id).await?;
    form_page(
        &state,
        &actor,
        case,
        None,
        form.values,
        redraw.errors,
        false,
        redraw.status,
    )
    .await
}

/// The form to edit a party.
#[tracing::instrument(skip_all, fields(case_id, party_id))]
pub async fn edit_form(
    State(state): State<AppState>,
    actor: Actor,
    Path((case_id, party_id)): Path<(i64, i64)>,
) -> Result<Response, AppError> {
    let OpenCase { case, .. } =
        open_case(&state, &actor, case_id, Action::EditCase, "party.view").await?;
    let party = find_party(&state, case_id, party_id).await?;
    audit_success(
        &state,
        &actor,
        case_id,
        "party.view",
        Some(format!("party:{party_id}")),
        None,
    )
    .await?;
    let values = PartyFormValues::from_party(&party);
    form_page(
        &state,
        &actor,
        case,
        Some(party),
        values,
        FieldErrors::default(),
        false,
        StatusCode::OK,
    )
    .await
}

/// Saves a party, unless someone else saved first.
#[tracing::instrument(skip_all, fields(case_id, party_id))]
pub async fn update(
    State(state): State<AppState>,
    actor: Actor,
    Path((case_id, party_id)): Path<(i64, i64)>,
    Posted(form): Posted<WithCsrf<PartyFormValues>>,
) -> Result<Response, AppError> {
    let saved = records::update_party(
        &state.store,
        &actor.caller(),
        case_id,
        party_id,
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
    let current = find_party(&state, case_id, party_id).await?;
    let mut values = form.values;
    if redraw.stale {
        values.version = current.version.to_string();
    }
    form_page(
        &state,
        &actor,
        case,
        Some(current),
        values,
        redraw.errors,
        redraw.stale,
        redraw.status,
    )
    .await
}
