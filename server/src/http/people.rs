//! People pages: administrators add accounts, change names and roles, disable and enable
//! accounts (a disabled account's sessions end at its next request) and reset passwords.
//! The rules (who may give which role, the second administrator) are the office's
//! ([`crate::office::people`]); these handlers draw the forms and follow its answers.

use crate::auth::{set_flash, take_flash};
use crate::http::AppState;
use crate::http::actor::Actor;
use crate::http::error::AppError;
use crate::http::pages::{page_context, render};
use crate::http::posted::{Confirmed, Posted};
use crate::office::OfficeError;
use crate::office::people::{self, AccountFields, PersonFields};
use crate::storage::{GrantState, User};
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
        second_factor: false,
    }
}

/// The form to add a person, as sent.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AddForm {
    csrf_token: String,
    #[serde(flatten)]
    fields: AccountFields,
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
    let enrolled = state.store.enrolled_users().await?;
    let people = state
        .store
        .list_users()
        .await?
        .iter()
        .map(|user| PersonRow {
            second_factor: enrolled.binary_search(&user.user_id).is_ok(),
            ..row(user)
        })
        .collect();
    let grants = pending_grants(state, actor).await?;
    let ctx = page_context(state, &actor.session, Some(&actor.user)).await?;
    let fields = form.fields;
    let role = if fields.role.is_empty() {
        Role::Investigator.as_str().to_string()
    } else {
        fields.role
    };
    Ok(render(status, move || {
        view! {
            <PeoplePage ctx=ctx people=people username=fields.username display_name=fields.display_name role=role errors=errors notice=notice grants=grants />
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
    Confirmed(form): Confirmed<AddForm>,
) -> Result<Response, AppError> {
    match people::add_person(&state.store, &state.hashing, &actor.caller(), &form.fields).await {
        Ok(message) => {
            set_flash(&actor.session, &message).await?;
            Ok(Redirect::to("/people").into_response())
        }
        Err(OfficeError::Invalid(errors)) => {
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
    Ok(people::person(&state.store, user_id).await?)
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
    let person = PersonRow {
        second_factor: crate::office::second_factor::has_second_factor(&state.store, user.user_id)
            .await?,
        ..row(user)
    };
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
    #[serde(flatten)]
    fields: PersonFields,
}

/// The person's page again, with what was typed and why it was refused.
async fn refused(
    state: &AppState,
    actor: &Actor,
    user_id: i64,
    display_name: Option<String>,
    role: Option<String>,
    error: OfficeError,
) -> Result<Response, AppError> {
    let OfficeError::Invalid(errors) = error else {
        return Err(error.into());
    };
    let user = person(state, user_id).await?;
    let display_name = display_name.unwrap_or_else(|| user.display_name.clone());
    let role = role.unwrap_or_else(|| user.role.as_str().to_string());
    person_page(
        state,
        actor,
        &user,
        display_name,
        role,
        errors,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

/// Changes an account's name and role.
#[tracing::instrument(skip_all, fields(user_id))]
pub async fn update(
    State(state): State<AppState>,
    actor: Actor,
    Path(user_id): Path<i64>,
    Confirmed(form): Confirmed<EditForm>,
) -> Result<Response, AppError> {
    let fields = form.fields;
    match people::update_person(
        &state.store,
        &state.hashing,
        &actor.caller(),
        user_id,
        &fields,
    )
    .await
    {
        Ok(message) => {
            set_flash(&actor.session, &message).await?;
            Ok(Redirect::to(&format!("/people/{user_id}")).into_response())
        }
        Err(error) => {
            refused(
                &state,
                &actor,
                user_id,
                Some(fields.display_name),
                Some(fields.role),
                error,
            )
            .await
        }
    }
}

/// Approves a pending grant of a privileged role: another administrator than the one who
/// asked, never the person it is for.
#[tracing::instrument(skip_all, fields(grant_id))]
pub async fn approve_grant(
    State(state): State<AppState>,
    actor: Actor,
    Path(grant_id): Path<i64>,
    Confirmed(_form): Confirmed<TokenForm>,
) -> Result<Response, AppError> {
    decide(state, actor, grant_id, true).await
}

/// Refuses a pending grant of a privileged role.
#[tracing::instrument(skip_all, fields(grant_id))]
pub async fn refuse_grant(
    State(state): State<AppState>,
    actor: Actor,
    Path(grant_id): Path<i64>,
    Confirmed(_form): Confirmed<TokenForm>,
) -> Result<Response, AppError> {
    decide(state, actor, grant_id, false).await
}

async fn decide(
    state: AppState,
    actor: Actor,
    grant_id: i64,
    approve: bool,
) -> Result<Response, AppError> {
    let message = people::decide_grant(&state.store, &actor.caller(), grant_id, approve).await?;
    set_flash(&actor.session, &message).await?;
    Ok(Redirect::to("/people").into_response())
}

/// Removes a person's second factors (a lost phone): their sessions end, and they set one up
/// again at their next sign-in.
#[tracing::instrument(skip_all, fields(user_id))]
pub async fn reset_two_factor(
    State(state): State<AppState>,
    actor: Actor,
    Path(user_id): Path<i64>,
    Confirmed(_form): Confirmed<TokenForm>,
) -> Result<Response, AppError> {
    match crate::office::second_factor::reset_by_administrator(
        &state.store,
        &actor.caller(),
        user_id,
    )
    .await
    {
        Ok(user) => {
            set_flash(
                &actor.session,
                &format!(
                    "The second factors of {} were removed and their sessions ended; they set one up again at their next sign-in.",
                    user.display_name
                ),
            )
            .await?;
            Ok(Redirect::to(&format!("/people/{user_id}")).into_response())
        }
        Err(error) => refused(&state, &actor, user_id, None, None, error).await,
    }
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
    disabled: bool,
) -> Result<Response, AppError> {
    match people::set_disabled(&state.store, &actor.caller(), user_id, disabled).await {
        Ok(message) => {
            set_flash(&actor.session, message).await?;
            Ok(Redirect::to(&format!("/people/{user_id}")).into_response())
        }
        Err(error) => refused(&state, &actor, user_id, None, None, error).await,
    }
}

/// Ends every session of one person.
#[tracing::instrument(skip_all, fields(user_id))]
pub async fn end_sessions(
    State(state): State<AppState>,
    actor: Actor,
    Path(user_id): Path<i64>,
    Posted(_form): Posted<TokenForm>,
) -> Result<Response, AppError> {
    match crate::office::sessions::end_all_of(&state.store, &actor.caller(), user_id).await {
        Ok(ended) => {
            set_flash(
                &actor.session,
                if ended == 1 {
                    "1 session ended."
                } else if ended == 0 {
                    "This account had no session to end."
                } else {
                    "Every session of this account ended."
                },
            )
            .await?;
            Ok(Redirect::to(&format!("/people/{user_id}")).into_response())
        }
        Err(error) => refused(&state, &actor, user_id, None, None, error).await,
    }
}

/// Ends every session of everyone, the administrator's own included.
#[tracing::instrument(skip_all)]
pub async fn end_everyones_sessions(
    State(state): State<AppState>,
    actor: Actor,
    Posted(_form): Posted<TokenForm>,
) -> Result<Response, AppError> {
    crate::office::sessions::end_everyones(&state.store, &actor.caller()).await?;
    Ok(Redirect::to("/sign-in").into_response())
}

/// Disables an account.
#[tracing::instrument(skip_all, fields(user_id))]
pub async fn disable(
    State(state): State<AppState>,
    actor: Actor,
    Path(user_id): Path<i64>,
    Posted(_form): Posted<TokenForm>,
) -> Result<Response, AppError> {
    set_disabled(state, actor, user_id, true).await
}

/// Enables an account.
#[tracing::instrument(skip_all, fields(user_id))]
pub async fn enable(
    State(state): State<AppState>,
    actor: Actor,
    Path(user_id): Path<i64>,
    Posted(_form): Posted<TokenForm>,
) -> Result<Response, AppError> {
    set_disabled(state, actor, user_id, false).await
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
    match people::reset_password(
        &state.store,
        &state.hashing,
        &actor.caller(),
        user_id,
        &form.password,
        &form.password_confirm,
    )
    .await
    {
        Ok(()) => {
            set_flash(&actor.session, "Password set.").await?;
            Ok(Redirect::to(&format!("/people/{user_id}")).into_response())
        }
        Err(error) => refused(&state, &actor, user_id, None, None, error).await,
    }
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
