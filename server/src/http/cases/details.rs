//! Opening a case, its page, editing its details and moving its status.

use super::{OpenCase, audit_success, open_case, parse_version, validate};
use crate::http::AppState;
use crate::http::actor::Actor;
use crate::http::error::AppError;
use crate::http::pages::{WithCsrf, page_context, render};
use crate::http::posted::Posted;
use crate::office::{self, OfficeError};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use leptos::prelude::*;
use probity_app::pages::cases::{
    CaseFormPage, CaseFormValues, CaseHistoryPage, CasePage, CasePartiesPage, CaseView, StatusPage,
    case_path,
};
use probity_domain::cases::{CaseStatus, Confidentiality, Priority};
use probity_domain::permissions::Action;
use probity_domain::validation::FieldErrors;
use serde::Deserialize;

/// The form to open a case.
#[tracing::instrument(skip_all)]
pub async fn new_form(State(state): State<AppState>, actor: Actor) -> Result<Response, AppError> {
    actor
        .require(&state, Action::CreateCase, "case.create")
        .await?;
    let values = CaseFormValues {
        received_on: validate::today(),
        priority: Priority::Normal.as_str().into(),
        confidentiality: Confidentiality::Confidential.as_str().into(),
        time_zone: "UTC".into(),
        ..CaseFormValues::default()
    };
    case_form(
        &state,
        &actor,
        None,
        values,
        FieldErrors::default(),
        false,
        StatusCode::OK,
    )
    .await
}

#[allow(clippy::too_many_arguments)]
async fn case_form(
    state: &AppState,
    actor: &Actor,
    case: Option<probity_domain::cases::Case>,
    values: CaseFormValues,
    errors: FieldErrors,
    stale: bool,
    status: StatusCode,
) -> Result<Response, AppError> {
    let ctx = page_context(state, &actor.session, Some(&actor.user)).await?;
    let case_types = crate::http::triage::case_type_choices(state);
    Ok(render(status, move || {
        view! { <CaseFormPage ctx=ctx case=case values=values errors=errors stale=stale case_types=case_types /> }
    }))
}

/// Opens a case.
#[tracing::instrument(skip_all)]
pub async fn create(
    State(state): State<AppState>,
    actor: Actor,
    Posted(form): Posted<WithCsrf<CaseFormValues>>,
) -> Result<Response, AppError> {
    let created = office::cases::create_case(
        &state.store,
        &actor.caller(),
        &state.settings.case_number_prefix,
        &state.settings.case_types(),
        &form.values,
    )
    .await;
    match created {
        Ok(case) => Ok(Redirect::to(&case_path(case.case_id)).into_response()),
        Err(OfficeError::Invalid(errors)) => {
            case_form(
                &state,
                &actor,
                None,
                form.values,
                errors,
                false,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(error) => Err(error.into()),
    }
}

/// A case's page.
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn show(
    State(state): State<AppState>,
    actor: Actor,
    Path(case_id): Path<i64>,
) -> Result<Response, AppError> {
    let open = office::cases::read_case(&state.store, &actor.caller(), case_id).await?;
    let store = &state.store;
    // The overview loads only what it shows: the sections with many rows (evidence,
    // messages, events) are pages of their own.
    let (notes, history, team, clocks, complaints) = tokio::try_join!(
        store.notes(case_id),
        store.status_history(case_id),
        store.team(case_id),
        store.case_clocks(case_id),
        store.complaints_of_case(case_id),
    )?;
    let notice = crate::auth::take_flash(&actor.session).await?;
    let lead_name = team
        .iter()
        .find(|member| member.is_lead)
        .map(|member| member.display_name.clone());
    let can = open.permissions(&actor);
    let ctx = page_context(&state, &actor.session, Some(&actor.user)).await?;
    let recent_history = history.into_iter().rev().take(5).collect();
    let view_data = CaseView {
        case_type_label: state
            .settings
            .case_types()
            .label(&open.case.case_type)
            .to_string(),
        clocks,
        today: office::plan::today(),
        complaints: complaints.into_iter().map(|c| c.reference).collect(),
        case: open.case,
        lead_name,
        notes,
        recent_history,
        team,
        can,
        notice,
    };
    Ok(render(StatusCode::OK, move || {
        view! { <CasePage ctx=ctx view=view_data /> }
    }))
}

/// A case's parties and allegations.
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn parties(
    State(state): State<AppState>,
    actor: Actor,
    Path(case_id): Path<i64>,
) -> Result<Response, AppError> {
    let caller = actor.caller();
    let open = open_case(&state, &actor, case_id, Action::ReadCase, "case.view").await?;
    let (parties, allegations) = tokio::try_join!(
        state.store.parties(case_id),
        state.store.allegations(case_id),
    )?;
    office::cases::record(
        &state.store,
        &caller,
        case_id,
        "case.view",
        Some("parties".into()),
        None,
    )
    .await?;
    let can_edit = open.permissions(&actor).edit;
    let ctx = page_context(&state, &actor.session, Some(&actor.user)).await?;
    let case = open.case;
    Ok(render(StatusCode::OK, move || {
        view! { <CasePartiesPage ctx=ctx case=case parties=parties allegations=allegations can_edit=can_edit /> }
    }))
}

/// A case's whole status history.
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn history(
    State(state): State<AppState>,
    actor: Actor,
    Path(case_id): Path<i64>,
) -> Result<Response, AppError> {
    let open = open_case(&state, &actor, case_id, Action::ReadCase, "case.view").await?;
    let mut history = state.store.status_history(case_id).await?;
    history.reverse();
    audit_success(
        &state,
        &actor,
        case_id,
        "case.view",
        Some("history".into()),
        None,
    )
    .await?;
    let ctx = page_context(&state, &actor.session, Some(&actor.user)).await?;
    let case = open.case;
    Ok(render(StatusCode::OK, move || {
        view! { <CaseHistoryPage ctx=ctx case=case history=history /> }
    }))
}

/// The form to edit a case's details.
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn edit_form(
    State(state): State<AppState>,
    actor: Actor,
    Path(case_id): Path<i64>,
) -> Result<Response, AppError> {
    let OpenCase { case, .. } =
        open_case(&state, &actor, case_id, Action::EditCase, "case.view").await?;
    audit_success(
        &state,
        &actor,
        case_id,
        "case.view",
        None,
        Some("edit form".into()),
    )
    .await?;
    let values = CaseFormValues::from_case(&case);
    case_form(
        &state,
        &actor,
        Some(case),
        values,
        FieldErrors::default(),
        false,
        StatusCode::OK,
    )
    .await
}

/// Saves a case's details, unless someone else saved first.
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn update(
    State(state): State<AppState>,
    actor: Actor,
    Path(case_id): Path<i64>,
    Posted(form): Posted<WithCsrf<CaseFormValues>>,
) -> Result<Response, AppError> {
    let saved = office::cases::update_case(
        &state.store,
        &actor.caller(),
        case_id,
        parse_version(&form.values.version),
        &form.values,
    )
    .await;
    let (errors, stale, status) = match saved {
        Ok(saved) => {
            if saved.named_when_sealing {
                crate::auth::set_flash(
                    &actor.session,
                    "The case is now highly confidential: only its team and the people named on its team page may see it. You were named, so you still can.",
                )
                .await?;
            }
            return Ok(Redirect::to(&case_path(case_id)).into_response());
        }
        Err(OfficeError::Invalid(errors)) => (errors, false, StatusCode::UNPROCESSABLE_ENTITY),
        Err(OfficeError::Stale) => (FieldErrors::default(), true, StatusCode::CONFLICT),
        Err(error) => return Err(error.into()),
    };
    // The form again: what was typed, beside the saved version when someone saved first (the
    // next save is based on it).
    let current = state
        .store
        .case_by_id(case_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut values = form.values;
    if stale {
        values.version = current.version.to_string();
    }
    case_form(&state, &actor, Some(current), values, errors, stale, status).await
}

fn choices(open: &OpenCase, actor: &Actor) -> Vec<CaseStatus> {
    office::cases::status_choices(open, &actor.caller())
}

async fn open_for_status(
    state: &AppState,
    actor: &Actor,
    case_id: i64,
    audit_action: &'static str,
) -> Result<OpenCase, AppError> {
    Ok(
        office::cases::open_for_status(&state.store, &actor.caller(), case_id, audit_action)
            .await?,
    )
}

/// The form to move a case's status.
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn status_form(
    State(state): State<AppState>,
    actor: Actor,
    Path(case_id): Path<i64>,
) -> Result<Response, AppError> {
    let open = open_for_status(&state, &actor, case_id, "case.view").await?;
    audit_success(
        &state,
        &actor,
        case_id,
        "case.view",
        None,
        Some("status form".into()),
    )
    .await?;
    status_page(
        &state,
        &actor,
        open,
        String::new(),
        String::new(),
        FieldErrors::default(),
        false,
        StatusCode::OK,
    )
    .await
}

#[allow(clippy::too_many_arguments)]
async fn status_page(
    state: &AppState,
    actor: &Actor,
    open: OpenCase,
    to: String,
    reason: String,
    errors: FieldErrors,
    stale: bool,
    status: StatusCode,
) -> Result<Response, AppError> {
    let choices = choices(&open, actor);
    let checks = if choices.contains(&CaseStatus::Closed) {
        office::outcomes::closure_checks(&state.store, open.case.case_id).await?
    } else {
        Vec::new()
    };
    let ctx = page_context(state, &actor.session, Some(&actor.user)).await?;
    let case = open.case;
    Ok(render(status, move || {
        view! {
            <StatusPage ctx=ctx case=case choices=choices to=to reason=reason errors=errors stale=stale checks=checks />
        }
    }))
}

/// The status form as sent.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct StatusForm {
    csrf_token: String,
    version: String,
    from: String,
    to: String,
    reason: String,
}

/// Moves a case along its workflow; an illegal move is refused with a message.
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn move_status(
    State(state): State<AppState>,
    actor: Actor,
    Path(case_id): Path<i64>,
    Posted(form): Posted<StatusForm>,
) -> Result<Response, AppError> {
    let moved = office::cases::move_status(
        &state.store,
        &actor.caller(),
        case_id,
        office::cases::StatusMove {
            from: Some(&form.from),
            version: parse_version(&form.version),
            to: &form.to,
            reason: &form.reason,
        },
    )
    .await;
    let (errors, stale, status) = match moved {
        Ok(_) => return Ok(Redirect::to(&case_path(case_id)).into_response()),
        Err(OfficeError::Invalid(errors)) => (errors, false, StatusCode::UNPROCESSABLE_ENTITY),
        Err(OfficeError::Stale) => (FieldErrors::default(), true, StatusCode::CONFLICT),
        Err(error) => return Err(error.into()),
    };
    let open = open_for_status(&state, &actor, case_id, "case.move_status").await?;
    status_page(
        &state,
        &actor,
        open,
        form.to,
        form.reason,
        errors,
        stale,
        status,
    )
    .await
}
