//! A case's plan and clocks: the tasks of its investigative plan, extending, pausing and
//! resuming its statutory clocks, and its complainants with the consents that allow
//! disclosing who they are. The rules are in [`crate::office::plan`].

use crate::auth::{set_flash, take_flash};
use crate::http::AppState;
use crate::http::actor::Actor;
use crate::http::error::AppError;
use crate::http::pages::{WithCsrf, page_context, render};
use crate::http::posted::Posted;
use crate::http::redraw::Redraw;
use crate::office::plan::{self, ClockChangeFields, ConsentFields};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use leptos::prelude::*;
use probity_app::pages::cases::case_path;
use probity_app::pages::plan::{
    ClockChangePage, ComplainantsPage, PlanPage, PlanView, TaskFormPage,
};
use probity_domain::cases::Case;
use probity_domain::clocks::CaseClock;
use probity_domain::plan::{Task, TaskFields};
use probity_domain::validation::FieldErrors;

fn plan_path(case_id: i64) -> String {
    format!("{}/plan", case_path(case_id))
}

/// A case's plan and clocks.
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn show(
    State(state): State<AppState>,
    actor: Actor,
    Path(case_id): Path<i64>,
) -> Result<Response, AppError> {
    plan_page(
        &state,
        &actor,
        case_id,
        String::new(),
        FieldErrors::default(),
        StatusCode::OK,
    )
    .await
}

/// The plan page, with the review form as typed and its problems.
async fn plan_page(
    state: &AppState,
    actor: &Actor,
    case_id: i64,
    review_note: String,
    review_errors: FieldErrors,
    status: StatusCode,
) -> Result<Response, AppError> {
    let plan = plan::plan(&state.store, &actor.caller(), case_id).await?;
    let notice = take_flash(&actor.session).await?;
    let types = state.settings.case_types();
    let view_data = PlanView {
        case_type_label: types.label(&plan.open.case.case_type).to_string(),
        case: plan.open.case,
        clocks: plan.clocks,
        changes: plan.changes,
        tasks: plan.tasks,
        can_edit: plan.can_edit,
        can_change_clocks: plan.can_change_clocks,
        reviews: plan.reviews,
        can_review: plan.can_review,
        review_note,
        review_errors,
        today: plan::today(),
        notice,
    };
    let ctx = page_context(state, &actor.session, Some(&actor.user)).await?;
    Ok(render(status, move || {
        view! { <PlanPage ctx=ctx view=view_data /> }
    }))
}

/// A supervisory review as sent.
#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct ReviewForm {
    note: String,
}

/// Records a supervisor's review of the case.
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn add_review(
    State(state): State<AppState>,
    actor: Actor,
    Path(case_id): Path<i64>,
    Posted(form): Posted<WithCsrf<ReviewForm>>,
) -> Result<Response, AppError> {
    match plan::add_review(&state.store, &actor.caller(), case_id, &form.values.note).await {
        Ok(()) => {
            set_flash(&actor.session, "Your review is recorded.").await?;
            Ok(Redirect::to(&plan_path(case_id)).into_response())
        }
        Err(crate::office::OfficeError::Invalid(errors)) => {
            plan_page(
                &state,
                &actor,
                case_id,
                form.values.note,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(error) => Err(error.into()),
    }
}

async fn clock_page(
    state: &AppState,
    actor: &Actor,
    case: Case,
    clock: CaseClock,
    values: &ClockChangeFields,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<Response, AppError> {
    let ctx = page_context(state, &actor.session, Some(&actor.user)).await?;
    let values = (
        values.kind.clone(),
        values.days.clone(),
        values.reason.clone(),
        values.consent_on.clone(),
    );
    let today = plan::today();
    Ok(render(status, move || {
        view! { <ClockChangePage ctx=ctx case=case clock=clock today=today values=values errors=errors /> }
    }))
}

async fn find_clock(
    state: &AppState,
    actor: &Actor,
    case_id: i64,
    clock: &str,
) -> Result<(Case, CaseClock), AppError> {
    let clocks = plan::clocks(&state.store, &actor.caller(), case_id).await?;
    let found = clocks
        .clocks
        .into_iter()
        .find(|each| each.clock == clock)
        .ok_or(AppError::NotFound)?;
    Ok((clocks.open.case, found))
}

/// The form to extend, pause or resume a clock.
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn clock_form(
    State(state): State<AppState>,
    actor: Actor,
    Path((case_id, clock)): Path<(i64, String)>,
) -> Result<Response, AppError> {
    let (case, found) = find_clock(&state, &actor, case_id, &clock).await?;
    let values = ClockChangeFields::default();
    clock_page(
        &state,
        &actor,
        case,
        found,
        &values,
        FieldErrors::default(),
        StatusCode::OK,
    )
    .await
}

/// Extends, pauses or resumes a clock.
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn change_clock(
    State(state): State<AppState>,
    actor: Actor,
    Path((case_id, clock)): Path<(i64, String)>,
    Posted(form): Posted<WithCsrf<ClockChangeFields>>,
) -> Result<Response, AppError> {
    let changed =
        plan::change_clock(&state.store, &actor.caller(), case_id, &clock, &form.values).await;
    let redraw = match changed {
        Ok(saved) => {
            set_flash(&actor.session, &format!("{} recorded.", saved.label)).await?;
            return Ok(Redirect::to(&plan_path(case_id)).into_response());
        }
        Err(error) => Redraw::from_office(error)?,
    };
    let (case, found) = find_clock(&state, &actor, case_id, &clock).await?;
    let errors = if redraw.stale {
        let mut errors = FieldErrors::default();
        errors.add(
            "kind",
            "The clock changed meanwhile; check where it stands and try again.",
        );
        errors
    } else {
        redraw.errors
    };
    clock_page(
        &state,
        &actor,
        case,
        found,
        &form.values,
        errors,
        redraw.status,
    )
    .await
}

#[allow(clippy::too_many_arguments)]
async fn task_page(
    state: &AppState,
    actor: &Actor,
    case_id: i64,
    task_id: Option<i64>,
    values: Option<TaskFields>,
    errors: FieldErrors,
    stale: bool,
    status: StatusCode,
) -> Result<Response, AppError> {
    let (open, task, choices) =
        plan::task_form(&state.store, &actor.caller(), case_id, task_id).await?;
    let values = values.unwrap_or_else(|| {
        task.as_ref()
            .map(TaskFields::from_task)
            .unwrap_or_else(|| TaskFields {
                status: "open".into(),
                ..TaskFields::default()
            })
    });
    let team = choices
        .team
        .into_iter()
        .map(|member| (member.user_id, member.display_name))
        .collect();
    let events = choices.events;
    let case = open.case;
    let ctx = page_context(state, &actor.session, Some(&actor.user)).await?;
    let task: Option<Task> = task;
    Ok(render(status, move || {
        view! { <TaskFormPage ctx=ctx case=case task=task values=values team=team events=events errors=errors stale=stale /> }
    }))
}

/// The form to add a task.
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn new_task(
    State(state): State<AppState>,
    actor: Actor,
    Path(case_id): Path<i64>,
) -> Result<Response, AppError> {
    task_page(
        &state,
        &actor,
        case_id,
        None,
        None,
        FieldErrors::default(),
        false,
        StatusCode::OK,
    )
    .await
}

/// Adds a task.
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn create_task(
    State(state): State<AppState>,
    actor: Actor,
    Path(case_id): Path<i64>,
    Posted(form): Posted<WithCsrf<TaskFields>>,
) -> Result<Response, AppError> {
    match plan::create_task(&state.store, &actor.caller(), case_id, &form.values).await {
        Ok(task) => {
            set_flash(&actor.session, &format!("Task added: {}", task.title)).await?;
            Ok(Redirect::to(&plan_path(case_id)).into_response())
        }
        Err(error) => {
            let redraw = Redraw::from_office(error)?;
            task_page(
                &state,
                &actor,
                case_id,
                None,
                Some(form.values),
                redraw.errors,
                redraw.stale,
                redraw.status,
            )
            .await
        }
    }
}

/// The form to edit a task.
#[tracing::instrument(skip_all, fields(case_id, task_id))]
pub async fn edit_task(
    State(state): State<AppState>,
    actor: Actor,
    Path((case_id, task_id)): Path<(i64, i64)>,
) -> Result<Response, AppError> {
    task_page(
        &state,
        &actor,
        case_id,
        Some(task_id),
        None,
        FieldErrors::default(),
        false,
        StatusCode::OK,
    )
    .await
}

/// Saves a task.
#[tracing::instrument(skip_all, fields(case_id, task_id))]
pub async fn update_task(
    State(state): State<AppState>,
    actor: Actor,
    Path((case_id, task_id)): Path<(i64, i64)>,
    Posted(form): Posted<WithCsrf<TaskFields>>,
) -> Result<Response, AppError> {
    match plan::update_task(
        &state.store,
        &actor.caller(),
        case_id,
        task_id,
        &form.values,
    )
    .await
    {
        Ok(task) => {
            set_flash(&actor.session, &format!("Task saved: {}", task.title)).await?;
            Ok(Redirect::to(&plan_path(case_id)).into_response())
        }
        Err(error) => {
            let redraw = Redraw::from_office(error)?;
            task_page(
                &state,
                &actor,
                case_id,
                Some(task_id),
                Some(form.values),
                redraw.errors,
                redraw.stale,
                redraw.status,
            )
            .await
        }
    }
}

async fn complainants_page(
    state: &AppState,
    actor: &Actor,
    case_id: i64,
    values: &ConsentFields,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<Response, AppError> {
    let caller = actor.caller();
    let open = crate::office::cases::read_case(&state.store, &caller, case_id).await?;
    let complainants = plan::complainants(&state.store, &caller, &open).await?;
    let can_record = probity_domain::permissions::allows(
        actor.user.role,
        probity_domain::permissions::Action::RecordConsent,
        open.standing,
    );
    let notice = take_flash(&actor.session).await?;
    let values = (
        values.complaint_id.clone(),
        values.scope.clone(),
        values.given_on.clone(),
        values.how_given.clone(),
    );
    let case = open.case;
    let ctx = page_context(state, &actor.session, Some(&actor.user)).await?;
    Ok(render(status, move || {
        view! { <ComplainantsPage ctx=ctx case=case complainants=complainants can_record=can_record values=values errors=errors notice=notice /> }
    }))
}

/// A case's complainants and their consents.
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn complainants(
    State(state): State<AppState>,
    actor: Actor,
    Path(case_id): Path<i64>,
) -> Result<Response, AppError> {
    complainants_page(
        &state,
        &actor,
        case_id,
        &ConsentFields::default(),
        FieldErrors::default(),
        StatusCode::OK,
    )
    .await
}

/// Records a consent.
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn record_consent(
    State(state): State<AppState>,
    actor: Actor,
    Path(case_id): Path<i64>,
    Posted(form): Posted<WithCsrf<ConsentFields>>,
) -> Result<Response, AppError> {
    match plan::record_consent(&state.store, &actor.caller(), case_id, &form.values).await {
        Ok(()) => {
            set_flash(&actor.session, "Consent recorded.").await?;
            Ok(Redirect::to(&format!("{}/complainants", case_path(case_id))).into_response())
        }
        Err(error) => {
            let redraw = Redraw::from_office(error)?;
            complainants_page(
                &state,
                &actor,
                case_id,
                &form.values,
                redraw.errors,
                redraw.status,
            )
            .await
        }
    }
}

/// Records that a consent was withdrawn.
#[tracing::instrument(skip_all, fields(case_id, consent_id))]
pub async fn withdraw_consent(
    State(state): State<AppState>,
    actor: Actor,
    Path((case_id, consent_id)): Path<(i64, i64)>,
    Posted(_form): Posted<WithCsrf<ConsentFields>>,
) -> Result<Response, AppError> {
    plan::withdraw_consent(&state.store, &actor.caller(), case_id, consent_id).await?;
    set_flash(&actor.session, "Withdrawal recorded.").await?;
    Ok(Redirect::to(&format!("{}/complainants", case_path(case_id))).into_response())
}
