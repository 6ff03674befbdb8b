//! People: administrators add accounts, change names and roles, disable and enable accounts
//! (a disabled account's sessions end at its next request) and reset passwords.

use crate::accounts::{
    NewAccountInput, check_display_name, check_new_password, validate_new_account,
};
use crate::auth::{set_flash, take_flash, verify_csrf};
use crate::http::AppState;
use crate::http::actor::Actor;
use crate::http::error::AppError;
use crate::http::pages::{page_context, render};
use crate::storage::{NewUser, Outcome, StoreError, User};
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use leptos::prelude::*;
use probity_app::forms::FieldErrors;
use probity_app::pages::people::{PeoplePage, PersonPage, PersonRow};
use probity_app::permissions::Action;
use probity_app::types::Role;
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
    let ctx = page_context(state, &actor.session, Some(&actor.user)).await?;
    let role = if form.role.is_empty() {
        Role::Investigator.as_str().to_string()
    } else {
        form.role
    };
    Ok(render(status, move || {
        view! {
            <PeoplePage ctx=ctx people=people username=form.username display_name=form.display_name role=role errors=errors notice=notice />
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
    Form(form): Form<AddForm>,
) -> Result<Response, AppError> {
    verify_csrf(&actor.session, &form.csrf_token).await?;
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
            set_flash(
                &actor.session,
                &format!("Account {} created.", user.username),
            )
            .await?;
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
}

/// Changes an account's name and role.
#[tracing::instrument(skip_all, fields(user_id))]
pub async fn update(
    State(state): State<AppState>,
    actor: Actor,
    Path(user_id): Path<i64>,
    Form(form): Form<EditForm>,
) -> Result<Response, AppError> {
    verify_csrf(&actor.session, &form.csrf_token).await?;
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
    state
        .store
        .update_user(user_id, &display_name, role)
        .await?;
    state
        .store
        .append_audit(
            actor
                .audit("user.update", Outcome::Success)
                .target(format!("user:{}", user.username))
                .detail(format!("role {} -> {}", user.role, role)),
        )
        .await?;
    set_flash(&actor.session, "Saved.").await?;
    Ok(Redirect::to(&format!("/people/{user_id}")).into_response())
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
    form: TokenForm,
    disabled: bool,
) -> Result<Response, AppError> {
    verify_csrf(&actor.session, &form.csrf_token).await?;
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
    Form(form): Form<TokenForm>,
) -> Result<Response, AppError> {
    set_disabled(state, actor, user_id, form, true).await
}

/// Enables an account.
#[tracing::instrument(skip_all, fields(user_id))]
pub async fn enable(
    State(state): State<AppState>,
    actor: Actor,
    Path(user_id): Path<i64>,
    Form(form): Form<TokenForm>,
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
    Form(form): Form<PasswordForm>,
) -> Result<Response, AppError> {
    verify_csrf(&actor.session, &form.csrf_token).await?;
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
