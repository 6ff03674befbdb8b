//! Sign-in and sign-out.

use crate::accounts::normalize_username;
use crate::auth::form_token::FormToken;
use crate::auth::{start_session, verify_csrf};
use crate::http::AppState;
use crate::http::error::AppError;
use crate::http::pages::{render, viewer_context};
use crate::http::viewer::Viewer;
use crate::storage::{NewAuditEvent, Outcome};
use axum::Form;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use leptos::prelude::*;
use probity_app::pages::sign_in::{SignInPage, SignInReason};
use probity_domain::validation::FieldErrors;
use serde::Deserialize;
use std::net::SocketAddr;

/// The one message for every failed sign-in, so that nobody can learn which usernames exist.
const FAILED: &str = "The username or password is not right.";

/// Failed sign-ins for one name before it is paused, whether or not the account exists.
const MAX_FAILURES: i64 = 5;
/// Failed sign-ins from one client address, for any names, before the address is paused.
const MAX_ADDRESS_FAILURES: i64 = 30;

/// How an unknown name is written in the audit trail: a hash, never the text typed.
pub fn unknown_name(typed: &str) -> String {
    use sha2::Digest as _;
    let digest = sha2::Sha256::digest(typed.as_bytes());
    let hex: String = digest
        .iter()
        .take(8)
        .map(|byte| format!("{byte:02x}"))
        .collect();
    format!("unknown name #{hex}")
}

/// How long the failures count, and so how long a pause lasts.
const FAILURE_WINDOW_MINUTES: i64 = 15;

/// The query of the sign-in page.
#[derive(Deserialize)]
pub struct SignInQuery {
    reason: Option<String>,
}

/// Shows the sign-in page, or the home page to someone already signed in.
#[tracing::instrument(skip_all)]
pub async fn show(
    State(state): State<AppState>,
    Query(query): Query<SignInQuery>,
    headers: HeaderMap,
    viewer: Viewer,
) -> Result<Response, AppError> {
    if viewer.user.is_some() {
        return Ok(Redirect::to("/").into_response());
    }
    let reason = query.reason.as_deref().and_then(SignInReason::from_query);
    sign_in_page(
        &state,
        &viewer,
        &headers,
        StatusCode::OK,
        String::new(),
        reason,
        FieldErrors::default(),
    )
    .await
}

async fn sign_in_page(
    state: &AppState,
    viewer: &Viewer,
    headers: &HeaderMap,
    status: StatusCode,
    username: String,
    reason: Option<SignInReason>,
    errors: FieldErrors,
) -> Result<Response, AppError> {
    let mut ctx = viewer_context(state, viewer).await?;
    // The form's token lives in a cookie of its own: showing the page writes no session row.
    let form_token = FormToken::for_request(headers, state.settings.is_https());
    ctx.csrf_token = form_token.token.clone();
    let notice = state.settings.system_notice.clone();
    let mut response = render(status, move || {
        view! { <SignInPage ctx=ctx notice=notice username=username reason=reason errors=errors /> }
    });
    form_token.attach(&mut response);
    Ok(response)
}

/// The sign-in form as sent.
#[derive(Deserialize)]
pub struct SignInForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
}

/// Checks the credentials and starts a session.
#[tracing::instrument(skip_all)]
pub async fn submit(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    viewer: Viewer,
    Form(form): Form<SignInForm>,
) -> Result<Response, AppError> {
    let username = normalize_username(&form.username);
    let token_ok = FormToken::matches(&headers, state.settings.is_https(), &form.csrf_token)
        || verify_csrf(&viewer.session, &form.csrf_token).await.is_ok();
    if !token_ok {
        // Usually a sign-in page left open past the session's life: say so, keep the name.
        let mut errors = FieldErrors::default();
        errors.add(
            "password",
            "The sign-in form had expired. Type your password again.",
        );
        return sign_in_page(
            &state,
            &viewer,
            &headers,
            StatusCode::FORBIDDEN,
            form.username,
            None,
            errors,
        )
        .await;
    }
    let mut errors = FieldErrors::default();
    if username.is_empty() {
        errors.add("username", "Enter your username.");
    }
    if form.password.is_empty() {
        errors.add("password", "Enter your password.");
    }
    if !errors.is_empty() {
        return sign_in_page(
            &state,
            &viewer,
            &headers,
            StatusCode::UNPROCESSABLE_ENTITY,
            form.username,
            None,
            errors,
        )
        .await;
    }
    // Bounded before the look-up: a name longer than any account's is simply wrong.
    let user = if username.chars().count() <= crate::accounts::USERNAME_MAX {
        state.store.user_by_username(&username).await?
    } else {
        None
    };
    // The audit trail names a known account; what was typed for an unknown one (often a
    // password typed into the wrong box) is kept only as a hash, which still lets the
    // failures of one name be counted.
    let actor = match &user {
        Some(user) => user.username.clone(),
        None => unknown_name(&username),
    };
    let address = peer.ip().to_string();
    // Guessing is paused per name and client address after repeated failures (so nobody can
    // lock another person out from elsewhere), and per address across names (password
    // spraying). Unknown names are paused alike, so the pause tells nothing about which
    // accounts exist.
    let since = time::OffsetDateTime::now_utc() - time::Duration::minutes(FAILURE_WINDOW_MINUTES);
    let failures = state
        .store
        .recent_sign_in_failures(&actor, &address, since)
        .await?;
    if failures.pair >= MAX_FAILURES || failures.address >= MAX_ADDRESS_FAILURES {
        let why = if failures.pair >= MAX_FAILURES {
            "paused after repeated failures for this name from this address"
        } else {
            "paused after repeated failures from this address"
        };
        state
            .store
            .append_audit(
                NewAuditEvent::named(actor, "auth.sign_in", Outcome::Refused)
                    .from_addr(peer.ip())
                    .detail(why),
            )
            .await?;
        let mut errors = FieldErrors::default();
        errors.add(
            "password",
            format!("Too many failed sign-ins. Wait {FAILURE_WINDOW_MINUTES} minutes, or ask an administrator to reset the password."),
        );
        return sign_in_page(
            &state,
            &viewer,
            &headers,
            StatusCode::TOO_MANY_REQUESTS,
            form.username,
            None,
            errors,
        )
        .await;
    }
    let matches = state
        .hashing
        .verify(
            form.password,
            user.as_ref().map(|u| u.password_hash.clone()),
        )
        .await?;
    let signed_in = user.filter(|user| matches && !user.disabled);
    let Some(user) = signed_in else {
        state
            .store
            .append_audit(
                NewAuditEvent::named(actor, "auth.sign_in", Outcome::Refused).from_addr(peer.ip()),
            )
            .await?;
        let mut errors = FieldErrors::default();
        errors.add("password", FAILED);
        return sign_in_page(
            &state,
            &viewer,
            &headers,
            StatusCode::UNPROCESSABLE_ENTITY,
            form.username,
            None,
            errors,
        )
        .await;
    };
    start_session(&viewer.session, &user).await?;
    state.store.record_sign_in(user.user_id).await?;
    state
        .store
        .append_audit(
            NewAuditEvent::by(&user, "auth.sign_in", Outcome::Success).from_addr(peer.ip()),
        )
        .await?;
    tracing::info!(user_id = user.user_id, "signed in");
    Ok(Redirect::to("/").into_response())
}

/// The sign-out form as sent.
#[derive(Deserialize)]
pub struct SignOutForm {
    #[serde(default)]
    csrf_token: String,
}

/// Ends the session on the server and removes the cookie.
#[tracing::instrument(skip_all)]
pub async fn sign_out(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    viewer: Viewer,
    Form(form): Form<SignOutForm>,
) -> Result<Response, AppError> {
    let Some(user) = viewer.user.as_ref() else {
        return Ok(Redirect::to("/sign-in").into_response());
    };
    verify_csrf(&viewer.session, &form.csrf_token).await?;
    viewer.session.flush().await?;
    state
        .store
        .append_audit(
            NewAuditEvent::by(user, "auth.sign_out", Outcome::Success).from_addr(peer.ip()),
        )
        .await?;
    Ok(Redirect::to(&format!(
        "/sign-in?reason={}",
        SignInReason::SignedOut.as_query()
    ))
    .into_response())
}
