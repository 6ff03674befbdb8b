//! A case's team and recusals: who may see the case through membership, who leads it, who
//! else is named to see it while it is highly confidential, and who is walled off from it.

use super::{OpenCase, audit_success, open_case};
use crate::http::AppState;
use crate::http::actor::Actor;
use crate::http::error::AppError;
use crate::http::pages::{page_context, render};
use crate::http::posted::Posted;
use crate::office::OfficeError;
use crate::office::team::{TeamChange, TeamFields, Walls, change_team};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use leptos::prelude::*;
use probity_app::pages::cases::{TeamPage, TeamView};
use probity_domain::permissions::{Action, allows};
use probity_domain::roles::Role;
use probity_domain::validation::FieldErrors;
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
    team_page(
        &state,
        &actor,
        &open,
        FieldErrors::default(),
        StatusCode::OK,
    )
    .await
}

async fn team_page(
    state: &AppState,
    actor: &Actor,
    open: &OpenCase,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<Response, AppError> {
    let case = open.case.clone();
    let can_manage = open.permissions(actor).manage_team;
    let can_recuse = allows(actor.user.role, Action::ManageRecusals, open.standing);
    let (team, recusals, lifted, overseers, users) = tokio::try_join!(
        state.store.team(case.case_id),
        state.store.recusals(case.case_id),
        state.store.lifted_recusals(case.case_id),
        state.store.overseers(case.case_id),
        state.store.list_users(),
    )?;
    let walls = Walls {
        sealed: open.standing.sealed,
        team: &team,
        recusals: &recusals,
        overseers: &overseers,
    };
    let active = users.iter().filter(|user| !user.disabled);
    let choice = |user: &crate::storage::User| {
        (
            user.user_id.to_string(),
            format!("{} ({})", user.display_name, user.role.label()),
        )
    };
    let candidates = active
        .clone()
        .filter(|user| !walls.on_team(user.user_id) && !walls.recused(user.user_id))
        .map(choice)
        .collect();
    // Nobody may recuse themselves: a supervisor's own recusal needs another supervisor.
    let recusable = active
        .clone()
        .filter(|user| !walls.recused(user.user_id) && user.user_id != actor.user.user_id)
        .map(choice)
        .collect();
    let nameable = active
        .clone()
        .filter(|user| matches!(user.role, Role::Supervisor | Role::Commissioner))
        .filter(|user| {
            !walls.on_team(user.user_id)
                && !walls.recused(user.user_id)
                && !walls.named(user.user_id)
        })
        .map(choice)
        .collect();
    let viewers = active
        .clone()
        .filter_map(|user| {
            let standing = walls.standing(user.user_id);
            allows(user.role, Action::ReadCase, standing).then(|| {
                let why = if standing.lead {
                    "Lead investigator".to_string()
                } else if standing.member {
                    format!("On the team ({})", user.role.label())
                } else if standing.sealed {
                    format!(
                        "{}: named to see this highly confidential case",
                        user.role.label()
                    )
                } else {
                    format!(
                        "{}: sees every case not walled off from them",
                        user.role.label()
                    )
                };
                (user.display_name.clone(), why)
            })
        })
        .collect();
    // A case nobody can review is stuck: say so where the remedy is.
    let unwatched = [Role::Supervisor, Role::Commissioner]
        .into_iter()
        .filter(|role| {
            !active.clone().any(|user| {
                user.role == *role
                    && allows(user.role, Action::ReadCase, walls.standing(user.user_id))
            })
        })
        .map(|role| {
            format!(
                "No {} can see this case. Add one to the team{}.",
                role.label().to_lowercase(),
                if walls.sealed {
                    " or name one below"
                } else {
                    ""
                }
            )
        })
        .collect();
    let sealed = walls.sealed;
    let ctx = page_context(state, &actor.session, Some(&actor.user)).await?;
    let view_data = TeamView {
        case,
        team,
        recusals,
        candidates,
        recusable,
        lifted,
        viewers,
        overseers,
        nameable,
        unwatched,
        sealed,
        can_manage,
        can_recuse,
    };
    Ok(render(status, move || {
        view! { <TeamPage ctx=ctx team=view_data errors=errors /> }
    }))
}

/// The team page again with what was wrong with a change (422).
async fn refused(
    state: &AppState,
    actor: &Actor,
    open: &OpenCase,
    errors: FieldErrors,
) -> Result<Response, AppError> {
    team_page(state, actor, open, errors, StatusCode::UNPROCESSABLE_ENTITY).await
}

/// A team change as sent.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct MemberForm {
    csrf_token: String,
    #[serde(flatten)]
    fields: TeamFields,
}

async fn change(
    state: AppState,
    actor: Actor,
    case_id: i64,
    form: MemberForm,
    change: TeamChange,
) -> Result<Response, AppError> {
    let changed = change_team(&state.store, &actor.caller(), case_id, change, &form.fields).await;
    match changed {
        // Someone who just took themselves off the case may no longer see it.
        Ok(changed) if changed.left => Ok(Redirect::to("/cases").into_response()),
        Ok(_) => Ok(Redirect::to(&format!("/cases/{case_id}/team")).into_response()),
        Err(OfficeError::Invalid(errors)) => {
            let open =
                open_case(&state, &actor, case_id, Action::ReadCase, "case.view_team").await?;
            refused(&state, &actor, &open, errors).await
        }
        Err(error) => Err(error.into()),
    }
}

macro_rules! team_handler {
    ($name:ident, $change:expr) => {
        /// A team change.
        #[tracing::instrument(skip_all, fields(case_id))]
        pub async fn $name(
            State(state): State<AppState>,
            actor: Actor,
            Path(case_id): Path<i64>,
            Posted(form): Posted<MemberForm>,
        ) -> Result<Response, AppError> {
            change(state, actor, case_id, form, $change).await
        }
    };
}

team_handler!(add, TeamChange::Add);
team_handler!(remove, TeamChange::Remove);
team_handler!(lead, TeamChange::Lead);
team_handler!(recuse, TeamChange::Recuse);
team_handler!(lift, TeamChange::Lift);
team_handler!(name, TeamChange::Name);
team_handler!(unname, TeamChange::Unname);
