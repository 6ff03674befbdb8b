//! Opening a case, its page, editing its details and moving its status.

use super::{OpenCase, audit_success, open_case, parse_version, validate};
use crate::http::AppState;
use crate::http::actor::Actor;
use crate::http::error::AppError;
use crate::http::pages::{WithCsrf, page_context, render};
use crate::http::posted::Posted;
use crate::storage::StoreError;
use crate::storage::cases::NewCase;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use leptos::prelude::*;
use probity_app::pages::cases::{
    CaseFormPage, CaseFormValues, CasePage, CaseView, StatusPage, case_path,
};
use probity_domain::cases::{CaseStatus, Confidentiality, Priority};
use probity_domain::permissions::{Action, allows};
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
    Ok(render(status, move || {
        view! { <CaseFormPage ctx=ctx case=case values=values errors=errors stale=stale /> }
    }))
}

/// Opens a case.
#[tracing::instrument(skip_all)]
pub async fn create(
    State(state): State<AppState>,
    actor: Actor,
    Posted(form): Posted<WithCsrf<CaseFormValues>>,
) -> Result<Response, AppError> {
    actor
        .require(&state, Action::CreateCase, "case.create")
        .await?;
    let details = match validate::case_details(&form.values) {
        Ok(details) => details,
        Err(errors) => {
            return case_form(
                &state,
                &actor,
                None,
                form.values,
                errors,
                false,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let case = state
        .store
        .create_case(NewCase {
            details,
            created_by: actor.user.user_id,
            year: time::OffsetDateTime::now_utc().year(),
            prefix: state.settings.case_number_prefix.clone(),
        })
        .await?;
    audit_success(&state, &actor, case.case_id, "case.create", None, None).await?;
    Ok(Redirect::to(&case_path(case.case_id)).into_response())
}

/// A case's page.
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn show(
    State(state): State<AppState>,
    actor: Actor,
    Path(case_id): Path<i64>,
) -> Result<Response, AppError> {
    let open = open_case(&state, &actor, case_id, Action::ReadCase, "case.view").await?;
    let store = &state.store;
    let (parties, allegations, notes, history, team, exhibits, incidents) = tokio::try_join!(
        store.parties(case_id),
        store.allegations(case_id),
        store.notes(case_id),
        store.status_history(case_id),
        store.team(case_id),
        store.exhibits(case_id, actor.user.user_id),
        store.incidents(case_id),
    )?;
    let notice = crate::auth::take_flash(&actor.session).await?;
    audit_success(&state, &actor, case_id, "case.view", None, None).await?;
    let lead_name = team
        .iter()
        .find(|member| member.is_lead)
        .map(|member| member.display_name.clone());
    let can = open.permissions(&actor);
    let ctx = page_context(&state, &actor.session, Some(&actor.user)).await?;
    let view_data = CaseView {
        case: open.case,
        lead_name,
        parties,
        allegations,
        notes,
        history,
        team,
        exhibits,
        incidents,
        can,
        notice,
    };
    Ok(render(StatusCode::OK, move || {
        view! { <CasePage ctx=ctx view=view_data /> }
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
    let OpenCase { case, standing } =
        open_case(&state, &actor, case_id, Action::EditCase, "case.update").await?;
    let details = match validate::case_details(&form.values) {
        Ok(details) => details,
        Err(errors) => {
            return case_form(
                &state,
                &actor,
                Some(case),
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
        .update_case(case_id, parse_version(&form.values.version), details)
        .await
    {
        Ok(saved) => {
            audit_success(&state, &actor, case_id, "case.update", None, None).await?;
            // A supervisor who seals a case they are not on stays able to see it: they are
            // named, and told so, instead of locking themselves out mid-edit.
            let sealed_now = saved.confidentiality == Confidentiality::HighlyConfidential
                && case.confidentiality != Confidentiality::HighlyConfidential;
            if sealed_now && !(standing.member || standing.lead) {
                state
                    .store
                    .name_overseer(case_id, actor.user.user_id, actor.user.user_id)
                    .await?;
                audit_success(
                    &state,
                    &actor,
                    case_id,
                    "case.name_overseer",
                    Some(format!("user:{}", actor.user.username)),
                    Some("named when sealing the case".into()),
                )
                .await?;
                crate::auth::set_flash(
                    &actor.session,
                    "The case is now highly confidential: only its team and the people named on its team page may see it. You were named, so you still can.",
                )
                .await?;
            }
            Ok(Redirect::to(&case_path(case_id)).into_response())
        }
        Err(StoreError::Stale) => {
            // Show the saved version beside what was typed; the next save is based on it.
            let current = state
                .store
                .case_by_id(case_id)
                .await?
                .ok_or(AppError::NotFound)?;
            let mut values = form.values;
            values.version = current.version.to_string();
            case_form(
                &state,
                &actor,
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

/// The statuses this person may move the case to now.
fn choices(open: &OpenCase, actor: &Actor) -> Vec<CaseStatus> {
    let role = actor.user.role;
    open.case
        .status
        .next()
        .iter()
        .copied()
        .filter(|to| {
            if open.case.status.is_reopening(*to) {
                allows(role, Action::ReopenCase, open.standing)
            } else {
                allows(role, Action::MoveStatus, open.standing)
            }
        })
        .collect()
}

/// Opens a case for a status move: allowed to move, or (from closed) to reopen.
async fn open_for_status(
    state: &AppState,
    actor: &Actor,
    case_id: i64,
    audit_action: &'static str,
) -> Result<OpenCase, AppError> {
    let open = open_case(state, actor, case_id, Action::ReadCase, audit_action).await?;
    let role = actor.user.role;
    if !allows(role, Action::MoveStatus, open.standing)
        && !allows(role, Action::ReopenCase, open.standing)
    {
        // Readable, but neither moving nor reopening is allowed: refused like other changes.
        return open_case(state, actor, case_id, Action::MoveStatus, audit_action).await;
    }
    Ok(open)
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
    let ctx = page_context(state, &actor.session, Some(&actor.user)).await?;
    let case = open.case;
    Ok(render(status, move || {
        view! {
            <StatusPage ctx=ctx case=case choices=choices to=to reason=reason errors=errors stale=stale />
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
    let open = open_for_status(&state, &actor, case_id, "case.move_status").await?;
    let mut errors = FieldErrors::default();
    let reason = validate::text(
        &mut errors,
        "reason",
        &form.reason,
        true,
        2_000,
        "why the case moves",
    );
    let from = open.case.status;
    let to = CaseStatus::parse(form.to.trim());
    let stale = form.from != from.as_str() || parse_version(&form.version) != open.case.version;
    match to {
        None => errors.add("to", "Choose the new status."),
        Some(to) if !from.can_move_to(to) => errors.add(
            "to",
            format!(
                "A case cannot move from {} to {}.",
                from.label(),
                to.label()
            ),
        ),
        Some(to) if !choices(&open, &actor).contains(&to) => {
            state
                .store
                .append_audit(
                    actor
                        .audit("case.move_status", crate::storage::Outcome::Refused)
                        .case(case_id)
                        .detail(format!("{} -> {}", from.as_str(), to.as_str())),
                )
                .await?;
            errors.add("to", "Only a supervisor can reopen a closed case.");
        }
        Some(_) => {}
    }
    if stale || !errors.is_empty() {
        let status = if stale {
            StatusCode::CONFLICT
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        return status_page(
            &state,
            &actor,
            open,
            form.to,
            form.reason,
            errors,
            stale,
            status,
        )
        .await;
    }
    let Some(to) = to else {
        return Err(AppError::Internal("status validated but missing".into()));
    };
    match state
        .store
        .move_status(
            case_id,
            open.case.version,
            from,
            to,
            &reason,
            actor.user.user_id,
        )
        .await
    {
        Ok(_) => {
            audit_success(
                &state,
                &actor,
                case_id,
                "case.move_status",
                None,
                Some(format!("{} -> {}", from.as_str(), to.as_str())),
            )
            .await?;
            Ok(Redirect::to(&case_path(case_id)).into_response())
        }
        Err(StoreError::Stale) => {
            let open = open_for_status(&state, &actor, case_id, "case.move_status").await?;
            status_page(
                &state,
                &actor,
                open,
                form.to,
                form.reason,
                FieldErrors::default(),
                true,
                StatusCode::CONFLICT,
            )
            .await
        }
        Err(error) => Err(error.into()),
    }
}
