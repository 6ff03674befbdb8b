//! First run: while no account exists, a one-time page creates the first administrator with
//! the setup token from the server's log ([`crate::office::setup`] holds the rules).

use crate::auth::form_token::FormToken;
use crate::auth::verify_csrf;
use crate::http::AppState;
use crate::http::error::AppError;
use crate::http::pages::{render, viewer_context};
use crate::http::viewer::Viewer;
use crate::office::OfficeError;
use axum::Form;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use leptos::prelude::*;
use probity_app::pages::setup::{SetupPage, SetupValues};
use probity_app::pages::sign_in::SignInReason;
use probity_domain::validation::FieldErrors;
use serde::Deserialize;
use std::net::SocketAddr;

pub use crate::office::setup::{ALREADY_SET_UP, SetupGate};

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
    let sent = crate::office::setup::FirstAdmin {
        setup_token: &form.setup_token,
        username: &form.username,
        display_name: &form.display_name,
        password: &form.password,
        password_confirm: &form.password_confirm,
    };
    let created = crate::office::setup::create_first_admin(
        &state.store,
        &state.hashing,
        &state.setup,
        &sent,
        peer.ip(),
    )
    .await;
    match created {
        Ok(_) => {}
        Err(OfficeError::Invalid(errors)) => {
            let mut ctx = viewer_context(&state, &viewer).await?;
            ctx.csrf_token = FormToken::for_request(&headers, state.settings.is_https()).token;
            let values = SetupValues {
                username: form.username,
                display_name: form.display_name,
                setup_token: form.setup_token,
            };
            let token_required = true;
            return Ok(render(StatusCode::UNPROCESSABLE_ENTITY, move || {
                view! { <SetupPage ctx=ctx values=values errors=errors token_required=token_required /> }
            }));
        }
        Err(error) => return Err(error.into()),
    }
    Ok(Redirect::to(&format!(
        "/sign-in?reason={}",
        SignInReason::SetupDone.as_query()
    ))
    .into_response())
}
