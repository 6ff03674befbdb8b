//! A case's team and recusals: who may see the case through membership, who leads it, who
//! else is named to see it while it is highly confidential, and who is walled off from it.

use super::{OpenCase, audit_success, open_case, validate};
use crate::http::AppState;
use crate::http::actor::Actor;
use crate::http::error::AppError;
use crate::http::pages::{page_context, render};
use crate::http::posted::Posted;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use leptos::prelude::*;
use probity_app::pages::cases::{TeamPage, TeamView};
use probity_domain::cases::{Confidentiality, Overseer, Recusal, TeamMember};
use probity_domain::permissions::{Action, Standing, allows};
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
    user_id: String,
    recuse_user_id: String,
    overseer_user_id: String,
    reason: String,
    lift_reason: String,
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
    Name,
    Unname,
}

async fn change(
    state: AppState,
    actor: Actor,
    case_id: i64,
    form: MemberForm,
    change: Change,
) -> Result<Response, AppError> {
    let audit_action = match change {
        Change::Add => "case.team_add",
        Change::Remove => "case.team_remove",
        Change::Lead => "case.team_lead",
        Change::Recuse => "case.recuse",
        Change::Lift => "case.lift_recusal",
        Change::Name => "case.name_overseer",
        Change::Unname => "case.unname_overseer",
    };
    let needed = if matches!(change, Change::Recuse | Change::Lift) {
        Action::ManageRecusals
    } else {
        Action::ManageTeam
    };
    let open = open_case(&state, &actor, case_id, needed, audit_action).await?;
    let (field, raw) = match change {
        Change::Recuse => ("recuse_user_id", &form.recuse_user_id),
        Change::Name => ("overseer_user_id", &form.overseer_user_id),
        _ => ("user_id", &form.user_id),
    };
    let user = match chosen_user(&state, raw, field).await? {
        Ok(user) => user,
        Err(errors) => {
            return refused(&state, &actor, &open, errors).await;
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
                return refused(&state, &actor, &open, errors).await;
            }
            if matches!(change, Change::Add) {
                store.add_member(case_id, user.user_id, me).await?;
            } else {
                store.set_lead(case_id, user.user_id, me).await?;
            }
        }
        Change::Remove | Change::Unname => {
            let mut errors = FieldErrors::default();
            if matches!(change, Change::Unname)
                && !store.standing(case_id, user.user_id).await?.named
            {
                errors.add(field, "This person is not named to see the case.");
            } else if let Some(role) = last_overseer(&state, &open, &user, change).await? {
                errors.add(
                    field,
                    format!(
                        "{} is the last {} who can see this highly confidential case; it always keeps one. Name or add another {} first.",
                        user.display_name,
                        role.label().to_lowercase(),
                        role.label().to_lowercase()
                    ),
                );
            }
            if !errors.is_empty() {
                return refused(&state, &actor, &open, errors).await;
            }
            if matches!(change, Change::Remove) {
                store.remove_member(case_id, user.user_id).await?
            } else {
                store.unname_overseer(case_id, user.user_id).await?
            }
        }
        Change::Name => {
            let mut errors = FieldErrors::default();
            let standing = store.standing(case_id, user.user_id).await?;
            if open.case.confidentiality != Confidentiality::HighlyConfidential {
                errors.add(
                    field,
                    "Every supervisor and commissioner may see this case already. Mark it highly confidential first.",
                );
            } else if !matches!(user.role, Role::Supervisor | Role::Commissioner) {
                errors.add(
                    field,
                    "Only supervisors and commissioners are named; add anyone else to the team.",
                );
            } else if standing.recused {
                errors.add(
                    field,
                    "This person is recused from the case. Lift the recusal first.",
                );
            } else if standing.member {
                errors.add(
                    field,
                    "This person is on the team and sees the case already.",
                );
            }
            if !errors.is_empty() {
                return refused(&state, &actor, &open, errors).await;
            }
            store.name_overseer(case_id, user.user_id, me).await?;
        }
        Change::Recuse => {
            let mut errors = FieldErrors::default();
            if user.user_id == me {
                errors.add(
                    field,
                    "You cannot recuse yourself: another supervisor must record it.",
                );
            } else if let Some(role) = last_overseer(&state, &open, &user, change).await? {
                errors.add(
                    field,
                    format!(
                        "{} is the last {} who can see this case; a case always keeps one. Recuse them after another {} can see it.",
                        user.display_name,
                        role.label().to_lowercase(),
                        role.label().to_lowercase()
                    ),
                );
            }
            let reason = validate::line(
                &mut errors,
                "reason",
                &form.reason,
                true,
                1_000,
                "the reason for the recusal",
            );
            if !errors.is_empty() {
                return refused(&state, &actor, &open, errors).await;
            }
            store.recuse(case_id, user.user_id, &reason, me).await?;
        }
        Change::Lift => {
            let mut errors = FieldErrors::default();
            if !store.standing(case_id, user.user_id).await?.recused {
                errors.add(field, "This person is not recused from the case.");
            }
            let reason = validate::line(
                &mut errors,
                "lift_reason",
                &form.lift_reason,
                true,
                1_000,
                "why the recusal is lifted",
            );
            if !errors.is_empty() {
                return refused(&state, &actor, &open, errors).await;
            }
            store
                .lift_recusal(case_id, user.user_id, me, &reason)
                .await?
        }
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
        && matches!(change, Change::Remove | Change::Recuse | Change::Unname)
        && user.user_id == me
    {
        "/cases".to_string()
    } else {
        format!("/cases/{case_id}/team")
    };
    Ok(Redirect::to(&target).into_response())
}

/// Who sees a case through its team, its recusals and, while it is highly confidential,
/// its named overseers.
struct Walls<'a> {
    sealed: bool,
    team: &'a [TeamMember],
    recusals: &'a [Recusal],
    overseers: &'a [Overseer],
}

impl Walls<'_> {
    fn on_team(&self, user_id: i64) -> bool {
        self.team.iter().any(|member| member.user_id == user_id)
    }

    fn recused(&self, user_id: i64) -> bool {
        self.recusals
            .iter()
            .any(|recusal| recusal.user_id == user_id)
    }

    fn named(&self, user_id: i64) -> bool {
        self.overseers.iter().any(|named| named.user_id == user_id)
    }

    /// A person's standing, the same as the store's [`standing`](crate::storage::CaseStore::standing).
    fn standing(&self, user_id: i64) -> Standing {
        Standing {
            member: self.on_team(user_id),
            lead: self
                .team
                .iter()
                .any(|member| member.user_id == user_id && member.is_lead),
            recused: self.recused(user_id),
            sealed: self.sealed,
            named: self.named(user_id),
        }
    }
}

/// When `change` to `user` (a recusal, leaving the team, or no longer being named) would leave
/// the case without a supervisor or without a commissioner who can see it, that role.
async fn last_overseer(
    state: &AppState,
    open: &OpenCase,
    user: &crate::storage::User,
    change: Change,
) -> Result<Option<Role>, AppError> {
    if !matches!(user.role, Role::Supervisor | Role::Commissioner) {
        return Ok(None);
    }
    let case_id = open.case.case_id;
    let (users, team, recusals, overseers) = tokio::try_join!(
        state.store.list_users(),
        state.store.team(case_id),
        state.store.recusals(case_id),
        state.store.overseers(case_id),
    )?;
    let walls = Walls {
        sealed: open.standing.sealed,
        team: &team,
        recusals: &recusals,
        overseers: &overseers,
    };
    let mut after = walls.standing(user.user_id);
    match change {
        Change::Recuse => after.recused = true,
        Change::Remove => {
            after.member = false;
            after.lead = false;
        }
        Change::Unname => after.named = false,
        Change::Add | Change::Lead | Change::Lift | Change::Name => return Ok(None),
    }
    let sees = |role: Role, standing: Standing| allows(role, Action::ReadCase, standing);
    // Only a change that takes away the last one counts: a case nobody could see before
    // (a highly confidential case opened by an investigator) does not block other changes.
    if !sees(user.role, walls.standing(user.user_id)) || sees(user.role, after) {
        return Ok(None);
    }
    let others = users.iter().any(|other| {
        other.role == user.role
            && !other.disabled
            && other.user_id != user.user_id
            && sees(other.role, walls.standing(other.user_id))
    });
    Ok((!others).then_some(user.role))
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

team_handler!(add, Change::Add);
team_handler!(remove, Change::Remove);
team_handler!(lead, Change::Lead);
team_handler!(recuse, Change::Recuse);
team_handler!(lift, Change::Lift);
team_handler!(name, Change::Name);
team_handler!(unname, Change::Unname);
