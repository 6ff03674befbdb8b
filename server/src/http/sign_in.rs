//! Sign-in and sign-out.

use crate::auth::form_token::FormToken;
use crate::auth::{start_session, verify_csrf};
use crate::http::AppState;
use crate::http::error::AppError;
use crate::http::pages::{render, viewer_context};
use crate::http::viewer::Viewer;
use crate::office::sign_in::SignInError;
use axum::Form;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use leptos::prelude::*;
use probity_app::pages::sign_in::{SignInPage, SignInReason};
use probity_domain::validation::FieldErrors;
use serde::Deserialize;
use std::net::SocketAddr;

pub use crate::office::sign_in::unknown_name;

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
    let signed_in = crate::office::sign_in::sign_in(
        &state.store,
        &state.hashing,
        &form.username,
        form.password,
        peer.ip(),
    )
    .await;
    let (errors, status) = match signed_in {
        Ok(user) => {
            start_session(&viewer.session, &user).await?;
            tracing::info!(user_id = user.user_id, "signed in");
            return Ok(Redirect::to("/").into_response());
        }
        Err(SignInError::Refused(errors)) => (errors, StatusCode::UNPROCESSABLE_ENTITY),
        Err(SignInError::Paused(errors)) => (errors, StatusCode::TOO_MANY_REQUESTS),
        Err(SignInError::Hash(error)) => return Err(error.into()),
        Err(SignInError::Office(error)) => return Err(error.into()),
    };
    sign_in_page(
        &state,
        &viewer,
        &headers,
        status,
        form.username,
        None,
        errors,
    )
    .await
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
    crate::office::sign_in::signed_out(&state.store, user, peer.ip()).await?;
    Ok(Redirect::to(&format!(
        "/sign-in?reason={}",
        SignInReason::SignedOut.as_query()
    ))
    .into_response())
}
