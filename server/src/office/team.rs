//! A case's team and recusals: who is on the team and who leads it, who is walled off from
//! the case, and who else is named to see it while it is highly confidential. Every change
//! keeps a supervisor and a commissioner able to see the case, and is audited.

use super::cases::{OpenCase, open_case, record};
use super::{Caller, OfficeError, validate};
use crate::storage::{DynStore, User};
use probity_domain::cases::{Confidentiality, LiftedRecusal, Overseer, Recusal, TeamMember};
use probity_domain::permissions::{Action, Standing, allows};
use probity_domain::roles::Role;
use probity_domain::validation::FieldErrors;

/// A change to a case's team or walls.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TeamChange {
    Add,
    Remove,
    Lead,
    Recuse,
    Lift,
    Name,
    Unname,
}

impl TeamChange {
    /// Its name in the audit trail.
    pub fn audit_action(self) -> &'static str {
        match self {
            TeamChange::Add => "case.team_add",
            TeamChange::Remove => "case.team_remove",
            TeamChange::Lead => "case.team_lead",
            TeamChange::Recuse => "case.recuse",
            TeamChange::Lift => "case.lift_recusal",
            TeamChange::Name => "case.name_overseer",
            TeamChange::Unname => "case.unname_overseer",
        }
    }

    /// What the permission table must allow.
    pub fn needs(self) -> Action {
        if matches!(self, TeamChange::Recuse | TeamChange::Lift) {
            Action::ManageRecusals
        } else {
            Action::ManageTeam
        }
    }
}

/// A team change as sent: the person (in the field the change reads) and, for recusals, why.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct TeamFields {
    pub user_id: String,
    pub recuse_user_id: String,
    pub overseer_user_id: String,
    pub reason: String,
    pub lift_reason: String,
}

/// Who sees a case through its team, its recusals and, while it is highly confidential,
/// its named overseers.
pub struct Walls<'a> {
    pub sealed: bool,
    pub team: &'a [TeamMember],
    pub recusals: &'a [Recusal],
    pub overseers: &'a [Overseer],
}

impl Walls<'_> {
    pub fn on_team(&self, user_id: i64) -> bool {
        self.team.iter().any(|member| member.user_id == user_id)
    }

    pub fn recused(&self, user_id: i64) -> bool {
        self.recusals
            .iter()
            .any(|recusal| recusal.user_id == user_id)
    }

    pub fn named(&self, user_id: i64) -> bool {
        self.overseers.iter().any(|named| named.user_id == user_id)
    }

    /// A person's standing, the same as the store's [`standing`](crate::storage::cases::CaseStore::standing).
    pub fn standing(&self, user_id: i64) -> Standing {
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

/// The active account named by a field, or that field's error.
async fn chosen_user(
    store: &DynStore,
    value: &str,
    field: &'static str,
) -> Result<User, OfficeError> {
    let user = match value.trim().parse::<i64>() {
        Ok(id) => store.user_by_id(id).await?.filter(|user| !user.disabled),
        Err(_) => None,
    };
    user.ok_or_else(|| {
        let mut errors = FieldErrors::default();
        errors.add(field, "Choose a person from the list.");
        OfficeError::Invalid(errors)
    })
}

/// When `change` to `user` (a recusal, leaving the team, or no longer being named) would leave
/// the case without a supervisor or without a commissioner who can see it, that role.
async fn last_overseer(
    store: &DynStore,
    open: &OpenCase,
    user: &User,
    change: TeamChange,
) -> Result<Option<Role>, OfficeError> {
    if !matches!(user.role, Role::Supervisor | Role::Commissioner) {
        return Ok(None);
    }
    let case_id = open.case.case_id;
    let (users, team, recusals, overseers) = tokio::try_join!(
        store.list_users(),
        store.team(case_id),
        store.recusals(case_id),
        store.overseers(case_id),
    )?;
    let walls = Walls {
        sealed: open.standing.sealed,
        team: &team,
        recusals: &recusals,
        overseers: &overseers,
    };
    let mut after = walls.standing(user.user_id);
    match change {
        TeamChange::Recuse => after.recused = true,
        TeamChange::Remove => {
            after.member = false;
            after.lead = false;
        }
        TeamChange::Unname => after.named = false,
        TeamChange::Add | TeamChange::Lead | TeamChange::Lift | TeamChange::Name => {
            return Ok(None);
        }
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

/// What a team change did.
pub struct TeamChanged {
    /// The person it concerned.
    pub user: User,
    /// The caller took themselves off the case and may no longer see it.
    pub left: bool,
}

fn refuse(field: &'static str, message: impl Into<String>) -> OfficeError {
    let mut errors = FieldErrors::default();
    errors.add(field, message);
    OfficeError::Invalid(errors)
}

/// Makes one change to a case's team or walls, after checking who may make it and that the
/// case keeps a supervisor and a commissioner who can see it.
#[tracing::instrument(skip_all, fields(case_id, change = ?change))]
pub async fn change_team(
    store: &DynStore,
    caller: &Caller,
    case_id: i64,
    change: TeamChange,
    fields: &TeamFields,
) -> Result<TeamChanged, OfficeError> {
    let audit_action = change.audit_action();
    let open = open_case(store, caller, case_id, change.needs(), audit_action).await?;
    let (field, raw) = match change {
        TeamChange::Recuse => ("recuse_user_id", &fields.recuse_user_id),
        TeamChange::Name => ("overseer_user_id", &fields.overseer_user_id),
        _ => ("user_id", &fields.user_id),
    };
    let user = chosen_user(store, raw, field).await?;
    let me = caller.user.user_id;
    match change {
        TeamChange::Add | TeamChange::Lead => {
            if store.standing(case_id, user.user_id).await?.recused {
                return Err(refuse(
                    field,
                    "This person is recused from the case. Lift the recusal first.",
                ));
            }
            if change == TeamChange::Add {
                store.add_member(case_id, user.user_id, me).await?;
            } else {
                store.set_lead(case_id, user.user_id, me).await?;
            }
        }
        TeamChange::Remove | TeamChange::Unname => {
            if change == TeamChange::Unname && !store.standing(case_id, user.user_id).await?.named {
                return Err(refuse(field, "This person is not named to see the case."));
            }
            if let Some(role) = last_overseer(store, &open, &user, change).await? {
                return Err(refuse(
                    field,
                    format!(
                        "{} is the last {} who can see this highly confidential case; it always keeps one. Name or add another {} first.",
                        user.display_name,
                        role.label().to_lowercase(),
                        role.label().to_lowercase()
                    ),
                ));
            }
            if change == TeamChange::Remove {
                store.remove_member(case_id, user.user_id).await?
            } else {
                store.unname_overseer(case_id, user.user_id).await?
            }
        }
        TeamChange::Name => {
            let standing = store.standing(case_id, user.user_id).await?;
            if open.case.confidentiality != Confidentiality::HighlyConfidential {
                return Err(refuse(
                    field,
                    "Every supervisor and commissioner may see this case already. Mark it highly confidential first.",
                ));
            } else if !matches!(user.role, Role::Supervisor | Role::Commissioner) {
                return Err(refuse(
                    field,
                    "Only supervisors and commissioners are named; add anyone else to the team.",
                ));
            } else if standing.recused {
                return Err(refuse(
                    field,
                    "This person is recused from the case. Lift the recusal first.",
                ));
            } else if standing.member {
                return Err(refuse(
                    field,
                    "This person is on the team and sees the case already.",
                ));
            }
            store.name_overseer(case_id, user.user_id, me).await?;
        }
        TeamChange::Recuse => {
            let mut errors = FieldErrors::default();
            if user.user_id == me {
                errors.add(
                    field,
                    "You cannot recuse yourself: another supervisor must record it.",
                );
            } else if let Some(role) = last_overseer(store, &open, &user, change).await? {
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
                &fields.reason,
                true,
                1_000,
                "the reason for the recusal",
            );
            if !errors.is_empty() {
                return Err(OfficeError::Invalid(errors));
            }
            store.recuse(case_id, user.user_id, &reason, me).await?;
        }
        TeamChange::Lift => {
            let mut errors = FieldErrors::default();
            if !store.standing(case_id, user.user_id).await?.recused {
                errors.add(field, "This person is not recused from the case.");
            }
            let reason = validate::line(
                &mut errors,
                "lift_reason",
                &fields.lift_reason,
                true,
                1_000,
                "why the recusal is lifted",
            );
            if !errors.is_empty() {
                return Err(OfficeError::Invalid(errors));
            }
            store
                .lift_recusal(case_id, user.user_id, me, &reason)
                .await?
        }
    }
    record(
        store,
        caller,
        case_id,
        audit_action,
        Some(format!("user:{}", user.username)),
        None,
    )
    .await?;
    let left = user.user_id == me
        && matches!(
            change,
            TeamChange::Remove | TeamChange::Recuse | TeamChange::Unname
        );
    Ok(TeamChanged { user, left })
}

/// A case's walls as a reader of the case sees them: recusals in force, lifted ones, and
/// the people named while it is highly confidential (audited).
pub async fn walls(
    store: &DynStore,
    caller: &Caller,
    case_id: i64,
) -> Result<(Vec<Recusal>, Vec<LiftedRecusal>, Vec<Overseer>), OfficeError> {
    open_case(store, caller, case_id, Action::ReadCase, "case.view_team").await?;
    let (recusals, lifted, overseers) = tokio::try_join!(
        store.recusals(case_id),
        store.lifted_recusals(case_id),
        store.overseers(case_id),
    )?;
    record(
        store,
        caller,
        case_id,
        "case.view_team",
        None,
        Some("walls".into()),
    )
    .await?;
    Ok((recusals, lifted, overseers))
}
