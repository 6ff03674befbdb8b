//! Adding and editing a case's allegations.

use super::{OpenCase, audit_success, open_case, parse_version, validate};
use crate::http::AppState;
use crate::http::actor::Actor;
use crate::http::error::AppError;
use crate::http::pages::{WithCsrf, page_context, render};
use crate::http::posted::Posted;
use crate::storage::StoreError;
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
    state
        .store
        .allegations(case_id)
        .await?
        .into_iter()
        .find(|allegation| allegation.allegation_id == allegation_id)
        .ok_or(AppError::NotFound)
}

fn party_ids(parties: &[Party]) -> Vec<i64> {
    parties.iter().map(|party| party.party_id).collect()
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
    let OpenCase { case, .. } = open_case(
        &state,
        &actor,
        case_id,
        Action::EditCase,
        "allegation.create",
    )
    .await?;
    let parties = state.store.parties(case_id).await?;
    match validate::allegation(&form.values, &party_ids(&parties)) {
        Err(errors) => {
            form_page(
                &state,
                &actor,
                case,
                &parties,
                None,
                form.values,
                errors,
                false,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Ok(input) => {
            let allegation = state.store.create_allegation(case_id, input).await?;
            audit_success(
                &state,
                &actor,
                case_id,
                "allegation.create",
                Some(format!("allegation:{}", allegation.allegation_id)),
                None,
            )
            .await?;
            Ok(Redirect::to(&case_path(case_id)).into_response())
        }
    }
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
    let OpenCase { case, .. } = open_case(
        &state,
        &actor,
        case_id,
        Action::EditCase,
        "allegation.update",
    )
    .await?;
    let allegation = find(&state, case_id, allegation_id).await?;
    let parties = state.store.parties(case_id).await?;
    let input = match validate::allegation(&form.values, &party_ids(&parties)) {
        Ok(input) => input,
        Err(errors) => {
            return form_page(
                &state,
                &actor,
                case,
                &parties,
                Some(allegation),
                form.values,
                errors,
                false,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    match state
        .store
        .update_allegation(
            case_id,
            allegation_id,
            parse_version(&form.values.version),
            input,
        )
        .await
    {
        Ok(_) => {
            audit_success(
                &state,
                &actor,
                case_id,
                "allegation.update",
                Some(format!("allegation:{allegation_id}")),
                None,
            )
            .await?;
            Ok(Redirect::to(&case_path(case_id)).into_response())
        }
        Err(StoreError::Stale) => {
            let current = find(&state, case_id, allegation_id).await?;
            let mut values = form.values;
            values.version = current.version.to_string();
            form_page(
                &state,
                &actor,
                case,
                &parties,
                Some(current),
                values,
                FieldErrors::default(),
                true,
                StatusCode::CONFLICT,
            )
            .await
        }
        Err(error) => Err(error.into()),
    }
}
