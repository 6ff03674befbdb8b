//! A case's team and recusals: who may see the case through membership, who leads it, and
//! who is walled off from it.

use super::{audit_success, open_case, validate};
use crate::auth::verify_csrf;
use crate::http::AppState;
use crate::http::actor::Actor;
use crate::http::error::AppError;
use crate::http::pages::{page_context, render};
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use leptos::prelude::*;
use probity_app::forms::FieldErrors;
use probity_app::pages::cases::{TeamPage, TeamView};
use probity_app::permissions::Action;
use serde::Deserialize;

/// The team page.
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn show(
    State(state): State<AppState>,
    actor: Actor,
    Path(case_id): Path<i64>,
) -> Result<Response, AppError> {
    let open = open_case(&state, &actor, case_id, Action::ReadCase, "case.view_team").await?;
    audit_success(&state, &actor, case_id, "case.view_team", None, None).await?;
    let can_manage = open.permissions(&actor).manage_team;
    team_page(
        &state,
        &actor,
        open.case,
        can_manage,
        FieldErrors::default(),
        StatusCode::OK,
    )
    .await
}

async fn team_page(
    state: &AppState,
    actor: &Actor,
    case: probity_app::cases::Case,
    can_manage: bool,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<Response, AppError> {
    let (team, recusals, users) = tokio::try_join!(
        state.store.team(case.case_id),
        state.store.recusals(case.case_id),
        state.store.list_users(),
    )?;
    let on_team = |id: i64| team.iter().any(|member| member.user_id == id);
    let recused = |id: i64| recusals.iter().any(|recusal| recusal.user_id == id);
    let active = users.iter().filter(|user| !user.disabled);
    let candidates = active
        .clone()
        .filter(|user| !on_team(user.user_id) && !recused(user.user_id))
        .map(|user| {
            (
                user.user_id.to_string(),
                format!("{} ({})", user.display_name, user.role.label()),
            )
        })
        .collect();
    let recusable = active
        .filter(|user| !recused(user.user_id))
        .map(|user| {
            (
                user.user_id.to_string(),
                format!("{} ({})", user.display_name, user.role.label()),
            )
        })
        .collect();
    let ctx = page_context(state, &actor.session, Some(&actor.user)).await?;
    let view_data = TeamView {
        case,
        team,
        recusals,
        candidates,
        recusable,
        can_manage,
    };
    Ok(render(status, move || {
        view! { <TeamPage ctx=ctx team=view_data errors=errors /> }
    }))
}

/// A team change as sent.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct MemberForm {
    csrf_token: String,
    user_id: String,
    recuse_user_id: String,
    reason: String,
}

/// The active account named by a form field, or a field error.
async fn chosen_user(
    state: &AppState,
    value: &str,
    field: &'static str,
) -> Result<Result<crate::storage::User, FieldErrors>, AppError> {
    let user = match value.trim().parse::<i64>() {
        Ok(id) => state
            .store
            .user_by_id(id)
            .await?
            .filter(|user| !user.disabled),
        Err(_) => None,
    };
    Ok(user.ok_or_else(|| {
        let mut errors = FieldErrors::default();
        errors.add(field, "Choose a person from the list.");
        errors
    }))
}

/// Which team change a handler makes.
#[derive(Clone, Copy)]
enum Change {
    Add,
    Remove,
    Lead,
    Recuse,
    Lift,
}

async fn change(
    state: AppState,
    actor: Actor,
    case_id: i64,
    form: MemberForm,
    change: Change,
) -> Result<Response, AppError> {
    verify_csrf(&actor.session, &form.csrf_token).await?;
    let audit_action = match change {
        Change::Add => "case.team_add",
        Change::Remove => "case.team_remove",
        Change::Lead => "case.team_lead",
        Change::Recuse => "case.recuse",
        Change::Lift => "case.lift_recusal",
    };
    let open = open_case(&state, &actor, case_id, Action::ManageTeam, audit_action).await?;
    let field = if matches!(change, Change::Recuse) {
        "recuse_user_id"
    } else {
        "user_id"
    };
    let raw = if matches!(change, Change::Recuse) {
        &form.recuse_user_id
    } else {
        &form.user_id
    };
    let user = match chosen_user(&state, raw, field).await? {
        Ok(user) => user,
        Err(errors) => {
            return team_page(
                &state,
                &actor,
                open.case,
                true,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let me = actor.user.user_id;
    let store = &state.store;
    match change {
        Change::Add | Change::Lead => {
            if store.standing(case_id, user.user_id).await?.recused {
                let mut errors = FieldErrors::default();
                errors.add(
                    field,
                    "This person is recused from the case. Lift the recusal first.",
                );
                return team_page(
                    &state,
                    &actor,
                    open.case,
                    true,
                    errors,
                    StatusCode::UNPROCESSABLE_ENTITY,
                )
                .await;
            }
            if matches!(change, Change::Add) {
                store.add_member(case_id, user.user_id, me).await?;
            } else {
                store.set_lead(case_id, user.user_id, me).await?;
            }
        }
        Change::Remove => store.remove_member(case_id, user.user_id).await?,
        Change::Recuse => {
            let mut errors = FieldErrors::default();
            let reason = validate::line(
                &mut errors,
                "reason",
                &form.reason,
                true,
                1_000,
                "the reason for the recusal",
            );
            if !errors.is_empty() {
                return team_page(
                    &state,
                    &actor,
                    open.case,
                    true,
                    errors,
                    StatusCode::UNPROCESSABLE_ENTITY,
                )
                .await;
            }
            store.recuse(case_id, user.user_id, &reason, me).await?;
        }
        Change::Lift => store.lift_recusal(case_id, user.user_id).await?,
    }
    audit_success(
        &state,
        &actor,
        case_id,
        audit_action,
        Some(format!("user:{}", user.username)),
        None,
    )
    .await?;
    // Someone who just removed or recused themselves may no longer see the case.
    let target = if store.case_by_id(case_id).await?.is_some()
        && matches!(change, Change::Remove | Change::Recuse)
        && user.user_id == me
    {
        "/cases".to_string()
    } else {
        format!("/cases/{case_id}/team")
    };
    Ok(Redirect::to(&target).into_response())
}

macro_rules! team_handler {
    ($name:ident, $change:expr) => {
        /// A team change.
        #[tracing::instrument(skip_all, fields(case_id))]
        pub async fn $name(
            State(state): State<AppState>,
            actor: Actor,
            Path(case_id): Path<i64>,
            Form(form): Form<MemberForm>,
        ) -> Result<Response, AppError> {
            change(state, actor, case_id, form, $change).await
        }
    };
}

team_handler!(add, Change::Add);
team_handler!(remove, Change::Remove);
team_handler!(lead, Change::Lead);
team_handler!(recuse, Change::Recuse);
team_handler!(lift, Change::Lift);
