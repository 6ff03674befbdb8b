//! The second-factor pages: setting up an authenticator app, new recovery codes, and the
//! confirmation asked before the most sensitive steps. The code asked after the password is
//! in `sign_in` (the one anonymous form beside the password's).

use crate::auth::mark_confirmed;
use crate::http::AppState;
use crate::http::error::AppError;
use crate::http::pages::{page_context, render};
use crate::http::posted::{Confirmed, Posted, PostedPairs, carried_fields};
use crate::http::reports::TokenOnly;
use crate::http::viewer::SignedInOrEnrolling;
use crate::office::sign_in::SignInError;
use crate::office::{OfficeError, second_factor};
use crate::storage::User;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use leptos::prelude::*;
use probity_app::pages::cases::format_utc;
use probity_app::pages::two_factor::{
    ConfirmPage, ConfirmView, PasskeyRow, RecoveryCodesPage, TwoFactorPage, TwoFactorView,
};
use probity_domain::validation::FieldErrors;
use serde::Deserialize;
use std::net::SocketAddr;
use tower_sessions::Session;

/// The code typed to turn the app on.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CodeForm {
    code: String,
}

async fn two_factor_page(
    state: &AppState,
    person: &SignedInOrEnrolling,
    status: StatusCode,
    errors: FieldErrors,
) -> Result<Response, AppError> {
    let mut ctx = page_context(state, &person.session, Some(&person.user)).await?;
    ctx.enrolling = person.enrolling;
    let now =
        second_factor::status(&state.store, &person.user, &state.settings.office_name).await?;
    let view = TwoFactorView {
        enrolled_at: now.enrolled_at.map(format_utc),
        recovery_left: now.recovery_left,
        waiting: now
            .waiting
            .map(|enrolment| (enrolment.secret_grouped, enrolment.qr_svg)),
        errors,
        required: person.enrolling,
        passkeys: state
            .store
            .passkeys_of(person.user.user_id)
            .await?
            .into_iter()
            .map(|key| PasskeyRow {
                id: key.passkey_id,
                name: key.name,
                added: format_utc(key.created_at),
                last_used: key.last_used_at.map(format_utc),
            })
            .collect(),
        passkeys_available: state.webauthn.is_some(),
        passkey_added: crate::auth::take_flash(&person.session).await?.as_deref()
            == Some("passkey-added"),
    };
    Ok(no_store(render(status, move || {
        view! { <TwoFactorPage ctx=ctx view=view /> }
    })))
}

/// Pages showing a secret (the enrolment QR code, recovery codes) are never cached.
fn no_store(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// Shows where the person stands: set up an app, the QR code waiting for its first code, or
/// the app in use with the recovery codes left.
#[tracing::instrument(skip_all)]
pub async fn show(
    State(state): State<AppState>,
    person: SignedInOrEnrolling,
) -> Result<Response, AppError> {
    two_factor_page(&state, &person, StatusCode::OK, FieldErrors::default()).await
}

/// Starts setting up an authenticator app: a new secret, shown as a QR code.
#[tracing::instrument(skip_all)]
pub async fn start(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    person: SignedInOrEnrolling,
    Posted(_form): Posted<TokenOnly>,
) -> Result<Response, AppError> {
    second_factor::begin_enrolment(&state.store, &person.caller(peer.ip())).await?;
    Ok(Redirect::to("/account/two-factor").into_response())
}

/// Checks the first code; when right the app is on, and the recovery codes are shown once.
#[tracing::instrument(skip_all)]
pub async fn confirm(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    person: SignedInOrEnrolling,
    Posted(form): Posted<CodeForm>,
) -> Result<Response, AppError> {
    match second_factor::confirm_enrolment(&state.store, &person.caller(peer.ip()), &form.code)
        .await
    {
        Ok(codes) => {
            // This session has now passed the second factor: enrolment was the gate.
            mark_confirmed(&person.session, true).await?;
            let ctx = page_context(&state, &person.session, Some(&person.user)).await?;
            Ok(no_store(render(StatusCode::OK, move || {
                view! { <RecoveryCodesPage ctx=ctx codes=codes first=true /> }
            })))
        }
        Err(OfficeError::Invalid(errors)) => {
            two_factor_page(&state, &person, StatusCode::UNPROCESSABLE_ENTITY, errors).await
        }
        Err(error) => Err(error.into()),
    }
}

/// Replaces the recovery codes with ten new ones, shown once.
#[tracing::instrument(skip_all)]
pub async fn new_recovery_codes(
    State(state): State<AppState>,
    actor: crate::http::actor::Actor,
    Confirmed(_form): Confirmed<TokenOnly>,
) -> Result<Response, AppError> {
    let codes = second_factor::new_recovery_codes(&state.store, &actor.caller()).await?;
    let ctx = page_context(&state, &actor.session, Some(&actor.user)).await?;
    Ok(no_store(render(StatusCode::OK, move || {
        view! { <RecoveryCodesPage ctx=ctx codes=codes first=false /> }
    })))
}

/// The page asking the person to confirm it is them before the step at `next`, carrying
/// that step's fields.
pub async fn confirm_page(
    state: &AppState,
    session: &Session,
    user: &User,
    next: String,
    carried: Vec<(String, String)>,
    errors: FieldErrors,
) -> Result<Response, AppError> {
    let status = if errors.is_empty() {
        // Nothing was done: the step waits for the confirmation.
        StatusCode::FORBIDDEN
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    confirm_page_with(state, session, user, next, carried, errors, status).await
}

async fn confirm_page_with(
    state: &AppState,
    session: &Session,
    user: &User,
    next: String,
    carried: Vec<(String, String)>,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<Response, AppError> {
    let ctx = page_context(state, session, Some(user)).await?;
    let passkey =
        state.webauthn.is_some() && !state.store.passkeys_of(user.user_id).await?.is_empty();
    let view = ConfirmView {
        next,
        carried,
        has_factor: second_factor::has_second_factor(&state.store, user.user_id).await?,
        passkey,
        errors,
    };
    Ok(no_store(render(status, move || {
        view! { <ConfirmPage ctx=ctx view=view /> }
    })))
}

/// Where a confirmed form goes next: a path on this site, never another site's address.
fn safe_next(next: &str) -> Option<&str> {
    let ok = next.starts_with('/')
        && !next.starts_with("//")
        && !next.contains('\\')
        && next.chars().all(|c| c.is_ascii_graphic());
    ok.then_some(next)
}

/// Checks the confirmation and sends the step on: a 307, so the browser sends the same form
/// (its fields were carried) to the step's address again.
#[tracing::instrument(skip_all)]
pub async fn confirm_identity(
    State(state): State<AppState>,
    actor: crate::http::actor::Actor,
    PostedPairs(pairs): PostedPairs,
) -> Result<Response, AppError> {
    let field = |name: &str| {
        pairs
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.clone())
            .unwrap_or_default()
    };
    let next = field("reauth_next");
    let Some(next) = safe_next(&next).map(str::to_string) else {
        return Err(AppError::NotFound);
    };
    let checked = second_factor::confirm_identity(
        &state.store,
        &state.hashing,
        &actor.caller(),
        &field("reauth_code"),
        &field("reauth_password"),
    )
    .await;
    let (errors, status) = match checked {
        Ok(with_factor) => {
            mark_confirmed(&actor.session, with_factor).await?;
            return Ok((StatusCode::TEMPORARY_REDIRECT, [(header::LOCATION, next)]).into_response());
        }
        Err(SignInError::Refused(errors)) => (errors, StatusCode::UNPROCESSABLE_ENTITY),
        Err(SignInError::Paused(errors)) => (errors, StatusCode::TOO_MANY_REQUESTS),
        Err(SignInError::Hash(error)) => return Err(OfficeError::from(error).into()),
        Err(SignInError::Office(error)) => return Err(error.into()),
    };
    confirm_page_with(
        &state,
        &actor.session,
        &actor.user,
        next,
        carried_fields(pairs),
        errors,
        status,
    )
    .await
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_paths_of_this_site_are_followed() {
        assert_eq!(
            super::safe_next("/cases/1/report/approve"),
            Some("/cases/1/report/approve")
        );
        for bad in [
            "//evil.example/x",
            "https://evil.example/",
            "/\\evil",
            "",
            "/a b",
            "x",
        ] {
            assert_eq!(super::safe_next(bad), None, "{bad}");
        }
    }
}
