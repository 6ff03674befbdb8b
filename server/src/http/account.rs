//! The account page and the change-password form.

use crate::auth::{previous_sign_in, set_flash, take_flash};
use crate::http::AppState;
use crate::http::actor::Actor;
use crate::http::error::AppError;
use crate::http::pages::{page_context, render};
use crate::http::posted::{Confirmed, Posted, PostedPairs};
use crate::office::{self, OfficeError};
use crate::storage::User;
use crate::storage::tokens::ApiToken;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use leptos::prelude::*;
use probity_app::pages::account::{
    AccountPage, AccountSummary, SessionRow, TokenFormValues, TokenRow, TokensView,
};
use probity_app::pages::cases::format_utc;
use probity_domain::validation::FieldErrors;
use serde::Deserialize;

const PASSWORD_CHANGED: &str = "password-changed";

/// Shows the account page.
#[tracing::instrument(skip_all)]
pub async fn show(State(state): State<AppState>, signed_in: Actor) -> Result<Response, AppError> {
    let flash = take_flash(&signed_in.session).await?;
    let changed = flash.as_deref() == Some(PASSWORD_CHANGED);
    let tokens = tokens_view(&state, &signed_in, TokensView::default()).await?;
    account_page(
        &state,
        &signed_in,
        StatusCode::OK,
        FieldErrors::default(),
        changed,
        tokens,
    )
    .await
}

/// The tokens section: the person's tokens, with what the form needs.
async fn tokens_view(
    state: &AppState,
    signed_in: &Actor,
    mut view: TokensView,
) -> Result<TokensView, AppError> {
    let caller = caller(signed_in.user.clone(), signed_in.addr);
    let now = time::OffsetDateTime::now_utc();
    view.tokens = office::tokens::my_tokens(&state.store, &caller)
        .await?
        .into_iter()
        .map(|token| token_row(token, now))
        .collect();
    view.lives = office::tokens::LIVES.to_vec();
    Ok(view)
}

/// A token as its lists show it.
pub fn token_row(token: ApiToken, now: time::OffsetDateTime) -> TokenRow {
    let state = if token.revoked_at.is_some() {
        "Revoked"
    } else if token.expires_at <= now {
        "Expired"
    } else {
        "Active"
    };
    TokenRow {
        id: token.api_token_id,
        name: token.name,
        prefix: token.prefix,
        scope: token.scope.label().to_string(),
        created: format_utc(token.created_at),
        expires: format_utc(token.expires_at),
        last_used: token.last_used_at.map(format_utc),
        state,
        owner: token.username,
    }
}

fn caller(user: User, addr: std::net::IpAddr) -> office::Caller {
    office::Caller {
        user,
        addr,
        via: None,
        // The account page's sensitive step (a token) is guarded by `Confirmed`.
        confirmed: false,
    }
}

/// Creates a token and shows it, this once.
#[tracing::instrument(skip_all)]
pub async fn create_token(
    State(state): State<AppState>,
    signed_in: Actor,
    Confirmed(form): Confirmed<office::tokens::TokenFields>,
) -> Result<Response, AppError> {
    let caller = caller(signed_in.user.clone(), signed_in.addr);
    let (view, status) = match office::tokens::create_token(&state.store, &caller, &form).await {
        Ok(created) => (
            TokensView {
                created: Some((created.token.name, created.secret)),
                ..TokensView::default()
            },
            StatusCode::OK,
        ),
        Err(OfficeError::Invalid(errors)) => (
            TokensView {
                values: TokenFormValues {
                    name: form.name,
                    scope: form.scope,
                    days: form.days,
                },
                errors,
                ..TokensView::default()
            },
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Err(error) => return Err(error.into()),
    };
    let tokens = tokens_view(&state, &signed_in, view).await?;
    account_page(
        &state,
        &signed_in,
        status,
        FieldErrors::default(),
        false,
        tokens,
    )
    .await
}

/// Revokes one of the person's own tokens.
#[tracing::instrument(skip_all)]
pub async fn revoke_token(
    State(state): State<AppState>,
    signed_in: Actor,
    axum::extract::Path(token_id): axum::extract::Path<i64>,
    PostedPairs(_): PostedPairs,
) -> Result<Response, AppError> {
    let caller = caller(signed_in.user.clone(), signed_in.addr);
    office::tokens::revoke_mine(&state.store, &caller, token_id).await?;
    Ok(Redirect::to("/account#tokens").into_response())
}

async fn account_page(
    state: &AppState,
    signed_in: &Actor,
    status: StatusCode,
    errors: FieldErrors,
    password_changed: bool,
    tokens: TokensView,
) -> Result<Response, AppError> {
    let ctx = page_context(state, &signed_in.session, Some(&signed_in.user)).await?;
    let mut account = summary(&signed_in.user, previous_sign_in(&signed_in.session).await?);
    account.second_factor_since = state
        .store
        .totp_factor(signed_in.user.user_id)
        .await?
        .and_then(|factor| factor.confirmed_at)
        .map(format_utc);
    let current = crate::auth::session_ref(&signed_in.session).await?;
    let sessions: Vec<SessionRow> = office::sessions::my_sessions(
        &state.store,
        &signed_in.caller(),
        state.settings.session_max_seconds(),
    )
    .await?
    .into_iter()
    .map(|session| SessionRow {
        user_session_id: session.user_session_id,
        started: format_utc(session.started_at),
        last_seen: format_utc(session.last_seen_at),
        address: session.remote_addr.unwrap_or_default(),
        browser: session.user_agent,
        current: current.as_deref() == Some(session.session_ref.as_str()),
    })
    .collect();
    Ok(render(status, move || {
        view! { <AccountPage ctx=ctx account=account errors=errors password_changed=password_changed tokens=tokens sessions=sessions /> }
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
        second_factor_since: None,
    }
}

/// The form that ends one of the person's sessions.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct EndSessionForm {
    csrf_token: String,
    session: String,
}

/// Ends one of the person's other sessions.
#[tracing::instrument(skip_all)]
pub async fn end_session(
    State(state): State<AppState>,
    signed_in: Actor,
    Posted(form): Posted<EndSessionForm>,
) -> Result<Response, AppError> {
    let _ = &form.csrf_token;
    let id: i64 = form
        .session
        .trim()
        .parse()
        .map_err(|_| OfficeError::NotFound)?;
    office::sessions::end_mine(&state.store, &signed_in.caller(), id).await?;
    Ok(Redirect::to("/account#sessions").into_response())
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
    signed_in: Actor,
    Posted(form): Posted<ChangePasswordForm>,
) -> Result<Response, AppError> {
    let changed = crate::office::people::change_own_password(
        &state.store,
        &state.hashing,
        &signed_in.caller(),
        &form.current_password,
        &form.new_password,
        &form.new_password_confirm,
    )
    .await;
    let changed = match changed {
        Ok(changed) => changed,
        Err(crate::office::OfficeError::Invalid(errors)) => {
            let tokens = tokens_view(&state, &signed_in, TokensView::default()).await?;
            return account_page(
                &state,
                &signed_in,
                StatusCode::UNPROCESSABLE_ENTITY,
                errors,
                false,
                tokens,
            )
            .await;
        }
        Err(error) => return Err(error.into()),
    };
    // Every other session of the account ends; this one goes on.
    crate::auth::keep_session_after_password_change(&signed_in.session, &changed).await?;
    set_flash(&signed_in.session, PASSWORD_CHANGED).await?;
    Ok(Redirect::to("/account").into_response())
}
