//! First run: while no account exists, a one-time page creates the first administrator,
//! with the setup token the server prints in its log at start (and writes to
//! `<data-dir>/setup-token`). The token is asked for always: a request from this machine may
//! come from a proxy or a foreign page that rebinds its name to 127.0.0.1.

use crate::accounts::{NewAccountInput, validate_new_account};
use crate::auth::form_token::FormToken;
use crate::auth::{secrets_match, verify_csrf};
use crate::http::AppState;
use crate::http::error::AppError;
use crate::http::pages::{render, viewer_context};
use crate::http::viewer::Viewer;
use crate::storage::{NewAuditEvent, Outcome, Store, StoreResult};
use axum::Form;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use leptos::prelude::*;
use probity_app::pages::setup::{SetupPage, SetupValues};
use probity_app::pages::sign_in::SignInReason;
use probity_domain::roles::Role;
use probity_domain::validation::FieldErrors;
use serde::Deserialize;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};

/// Whether setup is still open, and the token that opens it from elsewhere.
pub struct SetupGate {
    token: String,
    done: AtomicBool,
}

impl SetupGate {
    /// A gate with a fresh token.
    pub fn new() -> Self {
        Self {
            token: crate::auth::random_token(),
            done: AtomicBool::new(false),
        }
    }

    /// The token to print in the log.
    pub fn token(&self) -> &str {
        &self.token
    }

    /// True once any account exists. Checked in the database until it is true, then
    /// remembered: accounts are disabled, never deleted, so it cannot become false again.
    pub async fn is_done(&self, store: &dyn Store) -> StoreResult<bool> {
        if self.done.load(Ordering::Acquire) {
            return Ok(true);
        }
        let done = store.count_users().await? > 0;
        if done {
            self.done.store(true, Ordering::Release);
        }
        Ok(done)
    }
}

impl Default for SetupGate {
    fn default() -> Self {
        Self::new()
    }
}

const ALREADY_SET_UP: &str =
    "Probity has already been set up. Sign in, or ask an administrator for an account.";

/// Shows the setup form.
#[tracing::instrument(skip_all)]
pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    viewer: Viewer,
) -> Result<Response, AppError> {
    if state.setup.is_done(&*state.store).await? {
        return Err(AppError::Forbidden(ALREADY_SET_UP));
    }
    let mut ctx = viewer_context(&state, &viewer).await?;
    let form_token = FormToken::for_request(&headers, state.settings.is_https());
    ctx.csrf_token = form_token.token.clone();
    let token_required = true;
    let mut response = render(StatusCode::OK, move || {
        view! {
            <SetupPage
                ctx=ctx
                values=SetupValues::default()
                errors=FieldErrors::default()
                token_required=token_required
            />
        }
    });
    form_token.attach(&mut response);
    Ok(response)
}

/// The setup form as sent.
#[derive(Deserialize)]
pub struct SetupForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    setup_token: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_confirm: String,
}

/// Creates the first administrator.
#[tracing::instrument(skip_all)]
pub async fn submit(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    viewer: Viewer,
    Form(form): Form<SetupForm>,
) -> Result<Response, AppError> {
    if !FormToken::matches(&headers, state.settings.is_https(), &form.csrf_token) {
        verify_csrf(&viewer.session, &form.csrf_token).await?;
    }
    let audit =
        |outcome| NewAuditEvent::named("setup", "setup.create_admin", outcome).from_addr(peer.ip());
    if state.setup.is_done(&*state.store).await? {
        state.store.append_audit(audit(Outcome::Refused)).await?;
        return Err(AppError::Forbidden(ALREADY_SET_UP));
    }
    let token_required = true;
    let input = NewAccountInput {
        username: &form.username,
        display_name: &form.display_name,
        password: &form.password,
        password_confirm: &form.password_confirm,
    };
    let (mut errors, valid) = validate_new_account(&input);
    if !secrets_match(form.setup_token.trim(), state.setup.token()) {
        errors.0.insert(
            0,
            probity_app::forms::FieldError {
                field: "setup_token",
                message: "Type the setup token printed in the server log.".to_string(),
            },
        );
    }
    let Some(valid) = valid.filter(|_| errors.is_empty()) else {
        let mut ctx = viewer_context(&state, &viewer).await?;
        ctx.csrf_token = FormToken::for_request(&headers, state.settings.is_https()).token;
        let values = SetupValues {
            username: form.username,
            display_name: form.display_name,
            setup_token: form.setup_token,
        };
        return Ok(render(StatusCode::UNPROCESSABLE_ENTITY, move || {
            view! { <SetupPage ctx=ctx values=values errors=errors token_required=token_required /> }
        }));
    };
    let hash = state.hashing.hash(form.password).await?;
    let created = state
        .store
        .create_first_admin(crate::storage::NewUser {
            username: valid.username.clone(),
            display_name: valid.display_name,
            role: Role::Administrator,
            password_hash: hash,
        })
        .await?;
    let Some(user) = created else {
        // Someone else finished setup between our check and our insert.
        state.store.append_audit(audit(Outcome::Refused)).await?;
        return Err(AppError::Forbidden(ALREADY_SET_UP));
    };
    state.setup.is_done(&*state.store).await?;
    state
        .store
        .append_audit(
            audit(Outcome::Success)
                .user_id(user.user_id)
                .target(format!("user:{}", user.username)),
        )
        .await?;
    tracing::info!(username = %user.username, "first administrator created");
    Ok(Redirect::to(&format!(
        "/sign-in?reason={}",
        SignInReason::SetupDone.as_query()
    ))
    .into_response())
}
