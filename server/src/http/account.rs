//! The account page and the change-password form.

use crate::accounts::check_new_password;
use crate::auth::{SignedIn, previous_sign_in, set_flash, take_flash};
use crate::http::AppState;
use crate::http::error::AppError;
use crate::http::pages::{page_context, render};
use crate::http::posted::Posted;
use crate::storage::{NewAuditEvent, Outcome, User};
use axum::extract::{ConnectInfo, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use leptos::prelude::*;
use probity_app::pages::account::{AccountPage, AccountSummary};
use probity_app::pages::cases::format_utc;
use probity_domain::validation::FieldErrors;
use serde::Deserialize;
use std::net::SocketAddr;

const PASSWORD_CHANGED: &str = "password-changed";

/// Shows the account page.
#[tracing::instrument(skip_all)]
pub async fn show(
    State(state): State<AppState>,
    signed_in: SignedIn,
) -> Result<Response, AppError> {
    let changed = take_flash(&signed_in.session).await?.as_deref() == Some(PASSWORD_CHANGED);
    account_page(
        &state,
        &signed_in,
        StatusCode::OK,
        FieldErrors::default(),
        changed,
    )
    .await
}

async fn account_page(
    state: &AppState,
    signed_in: &SignedIn,
    status: StatusCode,
    errors: FieldErrors,
    password_changed: bool,
) -> Result<Response, AppError> {
    let ctx = page_context(state, &signed_in.session, Some(&signed_in.user)).await?;
    let account = summary(&signed_in.user, previous_sign_in(&signed_in.session).await?);
    Ok(render(status, move || {
        view! { <AccountPage ctx=ctx account=account errors=errors password_changed=password_changed /> }
    }))
}

fn summary(user: &User, previous: Option<time::OffsetDateTime>) -> AccountSummary {
    AccountSummary {
        username: user.username.clone(),
        display_name: user.display_name.clone(),
        role: user.role,
        created_at: format_utc(user.created_at),
        password_changed_at: format_utc(user.password_changed_at),
        previous_sign_in: previous.map(format_utc),
    }
}

/// The change-password form as sent.
#[derive(Deserialize)]
pub struct ChangePasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    new_password_confirm: String,
}

/// Changes the signed-in person's password after checking the current one.
#[tracing::instrument(skip_all)]
pub async fn change_password(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    signed_in: SignedIn,
    Posted(form): Posted<ChangePasswordForm>,
) -> Result<Response, AppError> {
    let user = &signed_in.user;
    let mut errors = FieldErrors::default();
    if !state
        .hashing
        .verify(form.current_password, Some(user.password_hash.clone()))
        .await?
    {
        errors.add("current_password", "Your current password is not right.");
    }
    check_new_password(
        &mut errors,
        ("new_password", "new_password_confirm"),
        &user.username,
        &form.new_password,
        &form.new_password_confirm,
    );
    let audit = |outcome| {
        NewAuditEvent::by(user, "account.change_password", outcome)
            .target(format!("user:{}", user.username))
            .from_addr(peer.ip())
    };
    if !errors.is_empty() {
        state.store.append_audit(audit(Outcome::Refused)).await?;
        return account_page(
            &state,
            &signed_in,
            StatusCode::UNPROCESSABLE_ENTITY,
            errors,
            false,
        )
        .await;
    }
    let hash = state.hashing.hash(form.new_password).await?;
    state.store.set_password_hash(user.user_id, &hash).await?;
    // Every other session of the account ends; this one goes on.
    let changed = state
        .store
        .user_by_id(user.user_id)
        .await?
        .ok_or(AppError::NotFound)?;
    crate::auth::keep_session_after_password_change(&signed_in.session, &changed).await?;
    state.store.append_audit(audit(Outcome::Success)).await?;
    set_flash(&signed_in.session, PASSWORD_CHANGED).await?;
    Ok(Redirect::to("/account").into_response())
}
