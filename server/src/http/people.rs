//! People: administrators add accounts, change names and roles, disable and enable accounts
//! (a disabled account's sessions end at its next request) and reset passwords.

use crate::accounts::{
    NewAccountInput, check_display_name, check_new_password, validate_new_account,
};
use crate::auth::{set_flash, take_flash};
use crate::http::AppState;
use crate::http::actor::Actor;
use crate::http::error::AppError;
use crate::http::pages::{page_context, render};
use crate::http::posted::Posted;
use crate::storage::{GrantState, NewUser, Outcome, StoreError, User, is_privileged};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use leptos::prelude::*;
use probity_app::pages::people::{GrantRow, PeoplePage, PersonPage, PersonRow};
use probity_domain::permissions::Action;
use probity_domain::roles::Role;
use probity_domain::validation::FieldErrors;
use serde::Deserialize;

fn row(user: &User) -> PersonRow {
    PersonRow {
        user_id: user.user_id,
        username: user.username.clone(),
        display_name: user.display_name.clone(),
        role: user.role,
        disabled: user.disabled,
        last_sign_in_at: user.last_sign_in_at,
    }
}

/// The form to add a person, as sent.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AddForm {
    csrf_token: String,
    username: String,
    display_name: String,
    role: String,
    password: String,
    password_confirm: String,
    confirm_password: String,
}

/// How a grant of a privileged role goes ahead.
enum Approval {
    /// Another administrator exists: they decide.
    Second,
    /// The only administrator confirmed with their password: at once, supervisors are told.
    Alone,
}

/// Whether a grant of a privileged role by `actor` waits for a second administrator or is
/// confirmed with the actor's password; a field error when the password is missing or wrong.
async fn approval_for(
    state: &AppState,
    actor: &Actor,
    confirm_password: &str,
    errors: &mut FieldErrors,
) -> Result<Approval, AppError> {
    let others = state.store.list_users().await?.into_iter().any(|user| {
        user.role == Role::Administrator && !user.disabled && user.user_id != actor.user.user_id
    });
    if others {
        return Ok(Approval::Second);
    }
    let confirmed = !confirm_password.is_empty()
        && state
            .hashing
            .verify(
                confirm_password.to_string(),
                Some(actor.user.password_hash.clone()),
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

/// The pending grants, as the people page shows them to `actor`.
async fn pending_grants(state: &AppState, actor: &Actor) -> Result<Vec<GrantRow>, AppError> {
    Ok(state
        .store
        .role_grants(GrantState::Pending, 100)
        .await?
        .into_iter()
        .map(|grant| GrantRow {
            role_grant_id: grant.role_grant_id,
            username: grant.username,
            display_name: grant.display_name,
            role: grant.role,
            new_account: grant.new_account,
            requested_by_name: grant.requested_by_name,
            requested_at: grant.requested_at,
            can_decide: grant.requested_by != actor.user.user_id
                && grant.user_id != actor.user.user_id,
        })
        .collect())
}

async fn people_page(
    state: &AppState,
    actor: &Actor,
    form: AddForm,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<Response, AppError> {
    let notice = take_flash(&actor.session).await?;
    let people = state.store.list_users().await?.iter().map(row).collect();
    let grants = pending_grants(state, actor).await?;
    let ctx = page_context(state, &actor.session, Some(&actor.user)).await?;
    let role = if form.role.is_empty() {
        Role::Investigator.as_str().to_string()
    } else {
        form.role
    };
    Ok(render(status, move || {
        view! {
            <PeoplePage ctx=ctx people=people username=form.username display_name=form.display_name role=role errors=errors notice=notice grants=grants />
        }
    }))
}

/// The list of accounts.
#[tracing::instrument(skip_all)]
pub async fn list(State(state): State<AppState>, actor: Actor) -> Result<Response, AppError> {
    actor
        .require(&state, Action::ManagePeople, "user.list")
        .await?;
    people_page(
        &state,
        &actor,
        AddForm::default(),
        FieldErrors::default(),
        StatusCode::OK,
    )
    .await
}

/// Adds an account.
#[tracing::instrument(skip_all)]
pub async fn add(
    State(state): State<AppState>,
    actor: Actor,
    Posted(form): Posted<AddForm>,
) -> Result<Response, AppError> {
    actor
        .require(&state, Action::ManagePeople, "user.create")
        .await?;
    let (mut errors, valid) = validate_new_account(&NewAccountInput {
        username: &form.username,
        display_name: &form.display_name,
        password: &form.password,
        password_confirm: &form.password_confirm,
    });
    let role = Role::parse(&form.role);
    if role.is_none() {
        errors.add("role", "Choose a role.");
    }
    let approval = match role.filter(|role| is_privileged(*role)) {
        Some(_) => Some(approval_for(&state, &actor, &form.confirm_password, &mut errors).await?),
        None => None,
    };
    let (Some(valid), Some(role), true) = (valid, role, errors.is_empty()) else {
        return people_page(
            &state,
            &actor,
            form,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let hash = state.hashing.hash(form.password.clone()).await?;
    match state
        .store
        .create_user(NewUser {
            username: valid.username.clone(),
            display_name: valid.display_name,
            role,
            password_hash: hash,
        })
        .await
    {
        Ok(user) => {
            state
                .store
                .append_audit(
                    actor
                        .audit("user.create", Outcome::Success)
                        .target(format!("user:{}", user.username))
                        .detail(format!("role {}", user.role)),
                )
                .await?;
            let message = match approval {
                Some(Approval::Second) => {
                    // The account waits, disabled, for a second administrator.
                    state.store.set_user_disabled(&user.username, true).await?;
                    state
                        .store
                        .record_role_grant(
                            user.user_id,
                            role,
                            true,
                            actor.user.user_id,
                            GrantState::Pending,
                        )
                        .await?;
                    audit_role(
                        &state,
                        &actor,
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
                    state
                        .store
                        .record_role_grant(
                            user.user_id,
                            role,
                            true,
                            actor.user.user_id,
                            GrantState::Alone,
                        )
                        .await?;
                    audit_role(
                        &state,
                        &actor,
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
            };
            set_flash(&actor.session, &message).await?;
            Ok(Redirect::to("/people").into_response())
        }
        Err(StoreError::Conflict) => {
            let mut errors = FieldErrors::default();
            errors.add("username", "This username is already taken.");
            people_page(
                &state,
                &actor,
                form,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(error) => Err(error.into()),
    }
}

async fn person(state: &AppState, user_id: i64) -> Result<User, AppError> {
    state
        .store
        .user_by_id(user_id)
        .await?
        .ok_or(AppError::NotFound)
}

async fn person_page(
    state: &AppState,
    actor: &Actor,
    user: &User,
    display_name: String,
    role: String,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<Response, AppError> {
    let notice = take_flash(&actor.session).await?;
    let ctx = page_context(state, &actor.session, Some(&actor.user)).await?;
    let person = row(user);
    Ok(render(status, move || {
        view! { <PersonPage ctx=ctx person=person display_name=display_name role=role errors=errors notice=notice /> }
    }))
}

/// One account.
#[tracing::instrument(skip_all, fields(user_id))]
pub async fn show(
    State(state): State<AppState>,
    actor: Actor,
    Path(user_id): Path<i64>,
) -> Result<Response, AppError> {
    actor
        .require(&state, Action::ManagePeople, "user.view")
        .await?;
    let user = person(&state, user_id).await?;
    person_page(
        &state,
        &actor,
        &user,
        user.display_name.clone(),
        user.role.as_str().to_string(),
        FieldErrors::default(),
        StatusCode::OK,
    )
    .await
}

/// The name-and-role form as sent.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct EditForm {
    csrf_token: String,
    display_name: String,
    role: String,
    confirm_password: String,
}

/// Changes an account's name and role.
#[tracing::instrument(skip_all, fields(user_id))]
pub async fn update(
    State(state): State<AppState>,
    actor: Actor,
    Path(user_id): Path<i64>,
    Posted(form): Posted<EditForm>,
) -> Result<Response, AppError> {
    actor
        .require(&state, Action::ManagePeople, "user.update")
        .await?;
    let user = person(&state, user_id).await?;
    let mut errors = FieldErrors::default();
    let display_name = form.display_name.trim().to_string();
    if display_name.is_empty() {
        errors.add("display_name", "Enter their full name.");
    } else if let Err(message) = check_display_name(&display_name) {
        errors.add("display_name", message);
    }
    let role = Role::parse(&form.role);
    if role.is_none() {
        errors.add("role", "Choose a role.");
    }
    if role.is_some_and(|role| role != Role::Administrator) && user.user_id == actor.user.user_id {
        errors.add(
            "role",
            "You cannot take the administrator role from yourself.",
        );
    }
    let raising = role.filter(|role| is_privileged(*role) && *role != user.role);
    let approval = match raising {
        Some(_) => Some(approval_for(&state, &actor, &form.confirm_password, &mut errors).await?),
        None => None,
    };
    let (Some(role), true) = (role, errors.is_empty()) else {
        return person_page(
            &state,
            &actor,
            &user,
            form.display_name,
            form.role,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    // A privileged role waiting for a second administrator is not given yet.
    let given = match approval {
        Some(Approval::Second) => user.role,
        _ => role,
    };
    state
        .store
        .update_user(user_id, &display_name, given)
        .await?;
    state
        .store
        .append_audit(
            actor
                .audit("user.update", Outcome::Success)
                .target(format!("user:{}", user.username))
                .detail(format!("role {} -> {}", user.role, given)),
        )
        .await?;
    let message = match approval {
        Some(Approval::Second) => {
            state
                .store
                .record_role_grant(
                    user_id,
                    role,
                    false,
                    actor.user.user_id,
                    GrantState::Pending,
                )
                .await?;
            audit_role(
                &state,
                &actor,
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
            state
                .store
                .record_role_grant(user_id, role, false, actor.user.user_id, GrantState::Alone)
                .await?;
            audit_role(
                &state,
                &actor,
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
                    &state,
                    &actor,
                    "role.change",
                    &user,
                    given,
                    &format!("from {}", user.role),
                )
                .await?;
            }
            "Saved.".to_string()
        }
    };
    set_flash(&actor.session, &message).await?;
    Ok(Redirect::to(&format!("/people/{user_id}")).into_response())
}

/// Audits a change of role under `role.`, which the audit page lists on its own.
async fn audit_role(
    state: &AppState,
    actor: &Actor,
    action: &'static str,
    user: &User,
    role: Role,
    detail: &str,
) -> Result<(), AppError> {
    state
        .store
        .append_audit(
            actor
                .audit(action, Outcome::Success)
                .target(format!("user:{}", user.username))
                .detail(format!("{}: {detail}", role.label())),
        )
        .await?;
    Ok(())
}

/// Approves a pending grant of a privileged role: another administrator than the one who
/// asked, never the person it is for.
#[tracing::instrument(skip_all, fields(grant_id))]
pub async fn approve_grant(
    State(state): State<AppState>,
    actor: Actor,
    Path(grant_id): Path<i64>,
    Posted(form): Posted<TokenForm>,
) -> Result<Response, AppError> {
    decide(state, actor, grant_id, form, true).await
}

/// Refuses a pending grant of a privileged role.
#[tracing::instrument(skip_all, fields(grant_id))]
pub async fn refuse_grant(
    State(state): State<AppState>,
    actor: Actor,
    Path(grant_id): Path<i64>,
    Posted(form): Posted<TokenForm>,
) -> Result<Response, AppError> {
    decide(state, actor, grant_id, form, false).await
}

async fn decide(
    state: AppState,
    actor: Actor,
    grant_id: i64,
    _form: TokenForm,
    approve: bool,
) -> Result<Response, AppError> {
    let action = if approve {
        "role.approve"
    } else {
        "role.refuse"
    };
    actor.require(&state, Action::ManagePeople, action).await?;
    let pending = state
        .store
        .role_grants(GrantState::Pending, 1_000)
        .await?
        .into_iter()
        .find(|grant| grant.role_grant_id == grant_id)
        .ok_or(AppError::NotFound)?;
    if pending.requested_by == actor.user.user_id || pending.user_id == actor.user.user_id {
        state
            .store
            .append_audit(
                actor
                    .audit(action, Outcome::Refused)
                    .target(format!("user:{}", pending.username))
                    .detail("an administrator may not decide their own request or their own role"),
            )
            .await?;
        return Err(AppError::Forbidden(
            "Another administrator must decide this: not the one who asked, nor the person it is for.",
        ));
    }
    let Some(grant) = state
        .store
        .decide_role_grant(grant_id, approve, actor.user.user_id)
        .await?
    else {
        return Err(AppError::NotFound);
    };
    let user = person(&state, grant.user_id).await?;
    audit_role(
        &state,
        &actor,
        action,
        &user,
        grant.role,
        &format!("asked by {}", grant.requested_by_name),
    )
    .await?;
    let message = if approve {
        format!("{} is now {}.", user.display_name, grant.role.label())
    } else {
        format!(
            "The {} role for {} was refused.",
            grant.role.label(),
            user.display_name
        )
    };
    set_flash(&actor.session, &message).await?;
    Ok(Redirect::to("/people").into_response())
}

/// A form with only the anti-forgery token.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct TokenForm {
    csrf_token: String,
}

async fn set_disabled(
    state: AppState,
    actor: Actor,
    user_id: i64,
    _form: TokenForm,
    disabled: bool,
) -> Result<Response, AppError> {
    let action = if disabled {
        "user.disable"
    } else {
        "user.enable"
    };
    actor.require(&state, Action::ManagePeople, action).await?;
    let user = person(&state, user_id).await?;
    if disabled && user.user_id == actor.user.user_id {
        return person_page(
            &state,
            &actor,
            &user,
            user.display_name.clone(),
            user.role.as_str().into(),
            {
                let mut errors = FieldErrors::default();
                errors.add("display_name", "You cannot disable your own account.");
                errors
            },
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    // A new account waiting for a second administrator's approval of its role stays off.
    let waiting = !disabled
        && state
            .store
            .role_grants(GrantState::Pending, 1_000)
            .await?
            .iter()
            .any(|grant| grant.user_id == user.user_id && grant.new_account);
    if waiting {
        let mut errors = FieldErrors::default();
        errors.add(
            "display_name",
            "This account waits for another administrator to approve its role; it is enabled by that approval.",
        );
        return person_page(
            &state,
            &actor,
            &user,
            user.display_name.clone(),
            user.role.as_str().into(),
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    state
        .store
        .set_user_disabled(&user.username, disabled)
        .await?;
    state
        .store
        .append_audit(
            actor
                .audit(action, Outcome::Success)
                .target(format!("user:{}", user.username)),
        )
        .await?;
    set_flash(
        &actor.session,
        if disabled {
            "Account disabled; its sessions have ended."
        } else {
            "Account enabled."
        },
    )
    .await?;
    Ok(Redirect::to(&format!("/people/{user_id}")).into_response())
}

/// Disables an account.
#[tracing::instrument(skip_all, fields(user_id))]
pub async fn disable(
    State(state): State<AppState>,
    actor: Actor,
    Path(user_id): Path<i64>,
    Posted(form): Posted<TokenForm>,
) -> Result<Response, AppError> {
    set_disabled(state, actor, user_id, form, true).await
}

/// Enables an account.
#[tracing::instrument(skip_all, fields(user_id))]
pub async fn enable(
    State(state): State<AppState>,
    actor: Actor,
    Path(user_id): Path<i64>,
    Posted(form): Posted<TokenForm>,
) -> Result<Response, AppError> {
    set_disabled(state, actor, user_id, form, false).await
}

/// The password-reset form as sent.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PasswordForm {
    csrf_token: String,
    password: String,
    password_confirm: String,
}

/// Sets a new password for an account.
#[tracing::instrument(skip_all, fields(user_id))]
pub async fn reset_password(
    State(state): State<AppState>,
    actor: Actor,
    Path(user_id): Path<i64>,
    Posted(form): Posted<PasswordForm>,
) -> Result<Response, AppError> {
    actor
        .require(&state, Action::ManagePeople, "user.reset_password")
        .await?;
    let user = person(&state, user_id).await?;
    let mut errors = FieldErrors::default();
    check_new_password(
        &mut errors,
        ("password", "password_confirm"),
        &user.username,
        &form.password,
        &form.password_confirm,
    );
    if !errors.is_empty() {
        return person_page(
            &state,
            &actor,
            &user,
            user.display_name.clone(),
            user.role.as_str().into(),
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let hash = state.hashing.hash(form.password).await?;
    state.store.set_password_hash(user_id, &hash).await?;
    state
        .store
        .append_audit(
            actor
                .audit("user.reset_password", Outcome::Success)
                .target(format!("user:{}", user.username)),
        )
        .await?;
    set_flash(&actor.session, "Password set.").await?;
    Ok(Redirect::to(&format!("/people/{user_id}")).into_response())
}

/// Every active API token, for administrators.
#[tracing::instrument(skip_all)]
pub async fn tokens(State(state): State<AppState>, actor: Actor) -> Result<Response, AppError> {
    let tokens = crate::office::tokens::active_tokens(&state.store, &actor.caller()).await?;
    let now = time::OffsetDateTime::now_utc();
    let rows = tokens
        .into_iter()
        .map(|token| crate::http::account::token_row(token, now))
        .collect();
    let notice = take_flash(&actor.session).await?;
    let ctx = page_context(&state, &actor.session, Some(&actor.user)).await?;
    Ok(render(StatusCode::OK, move || {
        view! { <probity_app::pages::people::TokensPage ctx=ctx tokens=rows notice=notice /> }
    }))
}

/// Revokes anyone's API token, for administrators.
#[tracing::instrument(skip_all, fields(token_id))]
pub async fn revoke_token(
    State(state): State<AppState>,
    actor: Actor,
    Path(token_id): Path<i64>,
    crate::http::posted::PostedPairs(_): crate::http::posted::PostedPairs,
) -> Result<Response, AppError> {
    let revoked =
        crate::office::tokens::revoke_any(&state.store, &actor.caller(), token_id).await?;
    crate::auth::set_flash(
        &actor.session,
        &format!(
            "Token \u{201c}{}\u{201d} of {} revoked.",
            revoked.name, revoked.username
        ),
    )
    .await?;
    Ok(Redirect::to("/people/tokens").into_response())
}
