//! Adding and removing passkeys on the second-factor page. Adding one is WebAuthn, so it
//! takes the small script `/assets/passkeys.js` (served under the CSP, no inline script):
//! it asks for the options, lets the browser talk to the key, and sends the answer back.
//! Removing one is a plain form.

use crate::auth::keys;
use crate::http::AppState;
use crate::http::actor::Actor;
use crate::http::error::AppError;
use crate::http::posted::{Confirmed, PostedJson};
use crate::http::reports::TokenOnly;
use crate::http::viewer::SignedInOrEnrolling;
use crate::office::{self, OfficeError};
use axum::Json;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::json;
use std::net::SocketAddr;
use webauthn_rs::prelude::{PasskeyRegistration, RegisterPublicKeyCredential};

/// A refusal the script shows in its message area.
pub fn script_error(status: StatusCode, message: &str) -> Response {
    (status, Json(json!({ "error": message }))).into_response()
}

/// A refused passkey at sign-in as the script shows it: the first message, 422, or 429 while
/// the sign-in is paused.
pub fn script_refusal(error: crate::office::sign_in::SignInError) -> Result<Response, AppError> {
    use crate::office::sign_in::SignInError;
    let (status, errors) = match error {
        SignInError::Refused(errors) => (StatusCode::UNPROCESSABLE_ENTITY, errors),
        SignInError::Paused(errors) => (StatusCode::TOO_MANY_REQUESTS, errors),
        SignInError::Hash(error) => return Err(OfficeError::from(error).into()),
        SignInError::Office(error) => return Err(error.into()),
    };
    let message = errors
        .0
        .first()
        .map(|e| e.message.clone())
        .unwrap_or_default();
    Ok(script_error(status, &message))
}

fn unavailable() -> Response {
    script_error(
        StatusCode::NOT_FOUND,
        "Passkeys are not available at this address.",
    )
}

/// Nothing: the options request has no fields.
#[derive(Deserialize)]
pub struct Empty {}

/// The options for the browser to make a new passkey.
#[tracing::instrument(skip_all)]
pub async fn options(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    person: SignedInOrEnrolling,
    PostedJson(_): PostedJson<Empty>,
) -> Result<Response, AppError> {
    let Some(webauthn) = state.webauthn.as_deref() else {
        return Ok(unavailable());
    };
    match office::passkeys::begin_registration(
        webauthn,
        &state.store,
        &person.caller(peer.ip()),
        state.settings.passkey_sign_in,
    )
    .await
    {
        Ok((options, registration)) => {
            person
                .session
                .insert(keys::PASSKEY_REGISTRATION, &registration)
                .await?;
            Ok(Json(options).into_response())
        }
        Err(OfficeError::Conflict(message)) => Ok(script_error(StatusCode::CONFLICT, message)),
        Err(error) => Err(error.into()),
    }
}

/// The browser's new passkey, with the name the person gave it.
#[derive(Deserialize)]
pub struct NewPasskey {
    name: String,
    credential: RegisterPublicKeyCredential,
}

/// Checks and stores the new passkey; the script then reloads the second-factor page.
#[tracing::instrument(skip_all)]
pub async fn add(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    person: SignedInOrEnrolling,
    PostedJson(new): PostedJson<NewPasskey>,
) -> Result<Response, AppError> {
    let Some(webauthn) = state.webauthn.as_deref() else {
        return Ok(unavailable());
    };
    // Each registration state answers once.
    let Some(registration) = person
        .session
        .remove::<PasskeyRegistration>(keys::PASSKEY_REGISTRATION)
        .await?
    else {
        return Ok(script_error(
            StatusCode::CONFLICT,
            "The request had expired. Try again.",
        ));
    };
    let added = office::passkeys::finish_registration(
        webauthn,
        &state.store,
        &person.caller(peer.ip()),
        &new.name,
        &new.credential,
        &registration,
    )
    .await;
    match added {
        Ok(()) => {
            crate::auth::set_flash(&person.session, "passkey-added").await?;
            Ok(Json(json!({ "next": "/account/two-factor" })).into_response())
        }
        Err(OfficeError::Invalid(errors)) => Ok(script_error(
            StatusCode::UNPROCESSABLE_ENTITY,
            &errors
                .0
                .first()
                .map(|error| error.message.clone())
                .unwrap_or_default(),
        )),
        Err(OfficeError::Conflict(message)) => Ok(script_error(StatusCode::CONFLICT, message)),
        Err(error) => Err(error.into()),
    }
}

/// Removes one of the person's passkeys.
#[tracing::instrument(skip_all, fields(passkey_id))]
pub async fn remove(
    State(state): State<AppState>,
    actor: Actor,
    Path(passkey_id): Path<i64>,
    Confirmed(_form): Confirmed<TokenOnly>,
) -> Result<Response, AppError> {
    office::passkeys::remove(&state.store, &actor.caller(), passkey_id).await?;
    Ok(Redirect::to("/account/two-factor").into_response())
}

/// The options for the browser to confirm with a passkey before a sensitive step.
#[tracing::instrument(skip_all)]
pub async fn confirm_options(
    State(state): State<AppState>,
    actor: Actor,
    PostedJson(_): PostedJson<Empty>,
) -> Result<Response, AppError> {
    let Some(webauthn) = state.webauthn.as_deref() else {
        return Ok(unavailable());
    };
    match office::passkeys::begin_authentication(webauthn, &state.store, &actor.user).await? {
        Some((options, check)) => {
            actor
                .session
                .insert(keys::PASSKEY_AUTHENTICATION, &check)
                .await?;
            Ok(Json(options).into_response())
        }
        None => Ok(script_error(
            StatusCode::CONFLICT,
            "You have no passkey. Type the code from your app.",
        )),
    }
}

/// Checks the passkey; when right the confirmation is fresh, and the script sends the step's
/// form on itself.
#[tracing::instrument(skip_all)]
pub async fn confirm_submit(
    State(state): State<AppState>,
    actor: Actor,
    PostedJson(answer): PostedJson<webauthn_rs::prelude::PublicKeyCredential>,
) -> Result<Response, AppError> {
    use crate::office::sign_in::SignInError;
    let Some(webauthn) = state.webauthn.as_deref() else {
        return Ok(unavailable());
    };
    let Some(check) = actor
        .session
        .remove::<webauthn_rs::prelude::PasskeyAuthentication>(keys::PASSKEY_AUTHENTICATION)
        .await?
    else {
        return Ok(script_error(
            StatusCode::CONFLICT,
            "The request had expired. Try again.",
        ));
    };
    let checked = office::passkeys::finish_authentication(
        webauthn,
        &state.store,
        &actor.user,
        &answer,
        &check,
        actor.addr,
        "confirming before a sensitive step",
    )
    .await;
    match checked {
        Ok(()) => {
            crate::auth::mark_confirmed(&actor.session, true).await?;
            Ok(Json(json!({ "confirmed": true })).into_response())
        }
        Err(SignInError::Refused(errors)) | Err(SignInError::Paused(errors)) => Ok(script_error(
            StatusCode::UNPROCESSABLE_ENTITY,
            &errors
                .0
                .first()
                .map(|error| error.message.clone())
                .unwrap_or_default(),
        )),
        Err(SignInError::Hash(error)) => Err(OfficeError::from(error).into()),
        Err(SignInError::Office(error)) => Err(error.into()),
    }
}
