//! People: administrators add accounts, change names and roles, disable and enable accounts
//! and reset passwords. A privileged role (administrator, auditor) is never given by one
//! person alone when another administrator exists: the grant waits for them, and a new
//! account asking for one stays disabled until then. The office's only administrator
//! confirms such a grant with their own password, and every supervisor is told.

use super::cases::require;
use super::{Caller, OfficeError};
use crate::accounts::{
    NewAccountInput, check_display_name, check_new_password, validate_new_account,
};
use crate::auth::password::HashGate;
use crate::storage::{DynStore, GrantState, NewUser, Outcome, StoreError, User, is_privileged};
use probity_domain::permissions::Action;
use probity_domain::roles::Role;
use probity_domain::validation::FieldErrors;

/// A new account as the form sends it.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct AccountFields {
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub password: String,
    pub password_confirm: String,
    /// The administrator's own password, when they are the only one and give a
    /// privileged role.
    pub confirm_password: String,
}

/// A change of name and role as the form sends it.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct PersonFields {
    pub display_name: String,
    pub role: String,
    pub confirm_password: String,
}

/// How a grant of a privileged role goes ahead.
enum Approval {
    /// Another administrator exists: they decide.
    Second,
    /// The only administrator confirmed with their password: at once, supervisors are told.
    Alone,
}

/// Whether a grant of a privileged role by the caller waits for a second administrator or
/// is confirmed with the caller's password; a field error when the password is missing or
/// wrong.
async fn approval_for(
    store: &DynStore,
    hashing: &HashGate,
    caller: &Caller,
    confirm_password: &str,
    errors: &mut FieldErrors,
) -> Result<Approval, OfficeError> {
    let others = store.list_users().await?.into_iter().any(|user| {
        user.role == Role::Administrator && !user.disabled && user.user_id != caller.user.user_id
    });
    if others {
        return Ok(Approval::Second);
    }
    let confirmed = !confirm_password.is_empty()
        && hashing
            .verify(
                confirm_password.to_string(),
                Some(caller.user.password_hash.clone()),
            )
            .await?;
    if !confirmed {
        errors.add(
            "confirm_password",
            "You are the only administrator: type your own password to give this role. Every supervisor will be told.",
        );
    }
    Ok(Approval::Alone)
}

/// Audits a change of role under `role.`, which the audit page lists on its own.
async fn audit_role(
    store: &DynStore,
    caller: &Caller,
    action: &'static str,
    user: &User,
    role: Role,
    detail: &str,
) -> Result<(), OfficeError> {
    store
        .append_audit(
            caller
                .audit(action, Outcome::Success)
                .target(format!("user:{}", user.username))
                .detail(format!("{}: {detail}", role.label())),
        )
        .await?;
    Ok(())
}

/// An account by id.
pub async fn person(store: &DynStore, user_id: i64) -> Result<User, OfficeError> {
    store
        .user_by_id(user_id)
        .await?
        .ok_or(OfficeError::NotFound)
}

/// Adds an account; answers what to tell the administrator.
#[tracing::instrument(skip_all)]
pub async fn add_person(
    store: &DynStore,
    hashing: &HashGate,
    caller: &Caller,
    fields: &AccountFields,
) -> Result<String, OfficeError> {
    require(store, caller, Action::ManagePeople, "user.create").await?;
    let (mut errors, valid) = validate_new_account(&NewAccountInput {
        username: &fields.username,
        display_name: &fields.display_name,
        password: &fields.password,
        password_confirm: &fields.password_confirm,
    });
    let role = Role::parse(&fields.role);
    if role.is_none() {
        errors.add("role", "Choose a role.");
    }
    let approval = match role.filter(|role| is_privileged(*role)) {
        Some(_) => Some(
            approval_for(
                store,
                hashing,
                caller,
                &fields.confirm_password,
                &mut errors,
            )
            .await?,
        ),
        None => None,
    };
    let (Some(valid), Some(role), true) = (valid, role, errors.is_empty()) else {
        return Err(OfficeError::Invalid(errors));
    };
    let hash = hashing.hash(fields.password.clone()).await?;
    let user = match store
        .create_user(NewUser {
            username: valid.username.clone(),
            display_name: valid.display_name,
            role,
            password_hash: hash,
        })
        .await
    {
        Ok(user) => user,
        Err(StoreError::Conflict) => {
            let mut errors = FieldErrors::default();
            errors.add("username", "This username is already taken.");
            return Err(OfficeError::Invalid(errors));
        }
        Err(error) => return Err(error.into()),
    };
    store
        .append_audit(
            caller
                .audit("user.create", Outcome::Success)
                .target(format!("user:{}", user.username))
                .detail(format!("role {}", user.role)),
        )
        .await?;
    Ok(match approval {
        Some(Approval::Second) => {
            // The account waits, disabled, for a second administrator.
            store.set_user_disabled(&user.username, true).await?;
            store
                .record_role_grant(
                    user.user_id,
                    role,
                    true,
                    caller.user.user_id,
                    GrantState::Pending,
                )
                .await?;
            audit_role(
                store,
                caller,
                "role.request",
                &user,
                role,
                "new account, waits for a second administrator",
            )
            .await?;
            format!(
                "Account {} created. It stays disabled until another administrator approves the {} role.",
                user.username,
                role.label()
            )
        }
        Some(Approval::Alone) => {
            store
                .record_role_grant(
                    user.user_id,
                    role,
                    true,
                    caller.user.user_id,
                    GrantState::Alone,
                )
                .await?;
            audit_role(
                store,
                caller,
                "role.grant_alone",
                &user,
                role,
                "new account; the only administrator confirmed with their password",
            )
            .await?;
            format!(
                "Account {} created as {}. As the only administrator you confirmed it with your password; every supervisor is told.",
                user.username,
                role.label()
            )
        }
        None => format!("Account {} created.", user.username),
    })
}

/// Changes an account's name and role; answers what to tell the administrator.
#[tracing::instrument(skip_all, fields(user_id))]
pub async fn update_person(
    store: &DynStore,
    hashing: &HashGate,
    caller: &Caller,
    user_id: i64,
    fields: &PersonFields,
) -> Result<String, OfficeError> {
    require(store, caller, Action::ManagePeople, "user.update").await?;
    let user = person(store, user_id).await?;
    let mut errors = FieldErrors::default();
    let display_name = fields.display_name.trim().to_string();
    if display_name.is_empty() {
        errors.add("display_name", "Enter their full name.");
    } else if let Err(message) = check_display_name(&display_name) {
        errors.add("display_name", message);
    }
    let role = Role::parse(&fields.role);
    if role.is_none() {
        errors.add("role", "Choose a role.");
    }
    if role.is_some_and(|role| role != Role::Administrator) && user.user_id == caller.user.user_id {
        errors.add(
            "role",
            "You cannot take the administrator role from yourself.",
        );
    }
    let raising = role.filter(|role| is_privileged(*role) && *role != user.role);
    let approval = match raising {
        Some(_) => Some(
            approval_for(
                store,
                hashing,
                caller,
                &fields.confirm_password,
                &mut errors,
            )
            .await?,
        ),
        None => None,
    };
    let (Some(role), true) = (role, errors.is_empty()) else {
        return Err(OfficeError::Invalid(errors));
    };
    // A privileged role waiting for a second administrator is not given yet.
    let given = match approval {
        Some(Approval::Second) => user.role,
        _ => role,
    };
    store.update_user(user_id, &display_name, given).await?;
    store
        .append_audit(
            caller
                .audit("user.update", Outcome::Success)
                .target(format!("user:{}", user.username))
                .detail(format!("role {} -> {}", user.role, given)),
        )
        .await?;
    Ok(match approval {
        Some(Approval::Second) => {
            store
                .record_role_grant(
                    user_id,
                    role,
                    false,
                    caller.user.user_id,
                    GrantState::Pending,
                )
                .await?;
            audit_role(
                store,
                caller,
                "role.request",
                &user,
                role,
                "waits for a second administrator",
            )
            .await?;
            format!(
                "Saved. The {} role waits for another administrator's approval.",
                role.label()
            )
        }
        Some(Approval::Alone) => {
            store
                .record_role_grant(user_id, role, false, caller.user.user_id, GrantState::Alone)
                .await?;
            audit_role(
                store,
                caller,
                "role.grant_alone",
                &user,
                role,
                "the only administrator confirmed with their password",
            )
            .await?;
            "Saved. As the only administrator you confirmed the role with your password; every supervisor is told.".to_string()
        }
        None => {
            if given != user.role {
                audit_role(
                    store,
                    caller,
                    "role.change",
                    &user,
                    given,
                    &format!("from {}", user.role),
                )
                .await?;
            }
            "Saved.".to_string()
        }
    })
}

/// Approves or refuses a pending grant of a privileged role: another administrator than the
/// one who asked, never the person it is for. Answers what to tell the administrator.
#[tracing::instrument(skip_all, fields(grant_id, approve))]
pub async fn decide_grant(
    store: &DynStore,
    caller: &Caller,
    grant_id: i64,
    approve: bool,
) -> Result<String, OfficeError> {
    let action = if approve {
        "role.approve"
    } else {
        "role.refuse"
    };
    require(store, caller, Action::ManagePeople, action).await?;
    let pending = store
        .role_grants(GrantState::Pending, 1_000)
        .await?
        .into_iter()
        .find(|grant| grant.role_grant_id == grant_id)
        .ok_or(OfficeError::NotFound)?;
    if pending.requested_by == caller.user.user_id || pending.user_id == caller.user.user_id {
        store
            .append_audit(
                caller
                    .audit(action, Outcome::Refused)
                    .target(format!("user:{}", pending.username))
                    .detail("an administrator may not decide their own request or their own role"),
            )
            .await?;
        return Err(OfficeError::Forbidden(
            "Another administrator must decide this: not the one who asked, nor the person it is for.",
        ));
    }
    let grant = store
        .decide_role_grant(grant_id, approve, caller.user.user_id)
        .await?
        .ok_or(OfficeError::NotFound)?;
    let user = person(store, grant.user_id).await?;
    audit_role(
        store,
        caller,
        action,
        &user,
        grant.role,
        &format!("asked by {}", grant.requested_by_name),
    )
    .await?;
    Ok(if approve {
        format!("{} is now {}.", user.display_name, grant.role.label())
    } else {
        format!(
            "The {} role for {} was refused.",
            grant.role.label(),
            user.display_name
        )
    })
}

/// Disables an account (its sessions end at its next request) or enables it again. Nobody
/// disables themselves; a new account waiting for approval of its role is enabled only by
/// that approval.
#[tracing::instrument(skip_all, fields(user_id, disabled))]
pub async fn set_disabled(
    store: &DynStore,
    caller: &Caller,
    user_id: i64,
    disabled: bool,
) -> Result<&'static str, OfficeError> {
    let action = if disabled {
        "user.disable"
    } else {
        "user.enable"
    };
    require(store, caller, Action::ManagePeople, action).await?;
    let user = person(store, user_id).await?;
    let mut errors = FieldErrors::default();
    if disabled && user.user_id == caller.user.user_id {
        errors.add("display_name", "You cannot disable your own account.");
        return Err(OfficeError::Invalid(errors));
    }
    let waiting = !disabled
        && store
            .role_grants(GrantState::Pending, 1_000)
            .await?
            .iter()
            .any(|grant| grant.user_id == user.user_id && grant.new_account);
    if waiting {
        errors.add(
            "display_name",
            "This account waits for another administrator to approve its role; it is enabled by that approval.",
        );
        return Err(OfficeError::Invalid(errors));
    }
    store.set_user_disabled(&user.username, disabled).await?;
    store
        .append_audit(
            caller
                .audit(action, Outcome::Success)
                .target(format!("user:{}", user.username)),
        )
        .await?;
    Ok(if disabled {
        "Account disabled; its sessions have ended."
    } else {
        "Account enabled."
    })
}

/// Sets a new password for an account, under the office's password policy.
#[tracing::instrument(skip_all, fields(user_id))]
pub async fn reset_password(
    store: &DynStore,
    hashing: &HashGate,
    caller: &Caller,
    user_id: i64,
    password: &str,
    password_confirm: &str,
) -> Result<(), OfficeError> {
    require(store, caller, Action::ManagePeople, "user.reset_password").await?;
    let user = person(store, user_id).await?;
    let mut errors = FieldErrors::default();
    check_new_password(
        &mut errors,
        ("password", "password_confirm"),
        &user.username,
        password,
        password_confirm,
    );
    if !errors.is_empty() {
        return Err(OfficeError::Invalid(errors));
    }
    let hash = hashing.hash(password.to_string()).await?;
    store.set_password_hash(user_id, &hash).await?;
    store
        .append_audit(
            caller
                .audit("user.reset_password", Outcome::Success)
                .target(format!("user:{}", user.username)),
        )
        .await?;
    Ok(())
}

/// The caller changes their own password after giving the current one; answers the account
/// as it is now (its session key changed, so the adapter keeps only the current session).
/// A refusal is audited; every other session of the account ends.
#[tracing::instrument(skip_all)]
pub async fn change_own_password(
    store: &DynStore,
    hashing: &HashGate,
    caller: &Caller,
    current: &str,
    new_password: &str,
    new_password_confirm: &str,
) -> Result<User, OfficeError> {
    let user = &caller.user;
    let mut errors = FieldErrors::default();
    if !hashing
        .verify(current.to_string(), Some(user.password_hash.clone()))
        .await?
    {
        errors.add("current_password", "Your current password is not right.");
    }
    check_new_password(
        &mut errors,
        ("new_password", "new_password_confirm"),
        &user.username,
        new_password,
        new_password_confirm,
    );
    let audit = |outcome| {
        caller
            .audit("account.change_password", outcome)
            .target(format!("user:{}", user.username))
    };
    if !errors.is_empty() {
        store.append_audit(audit(Outcome::Refused)).await?;
        return Err(OfficeError::Invalid(errors));
    }
    let hash = hashing.hash(new_password.to_string()).await?;
    store.set_password_hash(user.user_id, &hash).await?;
    let changed = person(store, user.user_id).await?;
    store.append_audit(audit(Outcome::Success)).await?;
    Ok(changed)
}

/// Disables the accounts nobody signed in to for `days` days (nor enabled again since), as
/// the office's policy asks (`--disable-unused-days`); each is audited. Their sessions end at
/// their next request, and an administrator can enable them again.
#[tracing::instrument(skip_all, fields(days))]
pub async fn disable_unused(store: &DynStore, days: u32) -> Result<Vec<String>, OfficeError> {
    let cutoff = time::OffsetDateTime::now_utc() - time::Duration::days(i64::from(days));
    let disabled = store.disable_unused_accounts(cutoff).await?;
    let mut names = Vec::new();
    for user in disabled {
        store
            .append_audit(
                crate::storage::NewAuditEvent::named("probity", "user.disable", Outcome::Success)
                    .target(format!("user:{}", user.username))
                    .detail(format!("not used for {days} days")),
            )
            .await?;
        names.push(user.username);
    }
    if !names.is_empty() {
        tracing::info!(count = names.len(), days, "disabled accounts nobody used");
    }
    Ok(names)
}
