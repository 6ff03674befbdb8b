//! Sign-in and sign-out.

use crate::auth::form_token::FormToken;
use crate::auth::{await_second_factor, pending_second_factor, start_session, verify_csrf};
use crate::http::AppState;
use crate::http::error::AppError;
use crate::http::pages::{render, viewer_context};
use crate::http::posted::PostedJson;
use crate::http::viewer::Viewer;
use crate::office::sign_in::{PasswordChecked, SignInError};
use axum::Form;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use leptos::prelude::*;
use probity_app::pages::sign_in::{SignInPage, SignInReason};
use probity_app::pages::two_factor::SecondFactorPage;
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
    if viewer.enrolling.is_some() {
        return Ok(Redirect::to("/account/two-factor").into_response());
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
    let passkey = state.settings.passkey_sign_in && state.webauthn.is_some();
    let mut response = render(status, move || {
        view! { <SignInPage ctx=ctx notice=notice username=username reason=reason errors=errors passkey=passkey /> }
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
        Ok(PasswordChecked::SignedIn(user)) => {
            open_session(&state, &viewer, &headers, peer, &user, false).await?;
            // With --require-mfa the session reaches only enrolment until a factor is set up.
            let next = if state.settings.require_mfa {
                "/account/two-factor"
            } else {
                "/"
            };
            return Ok(Redirect::to(next).into_response());
        }
        Ok(PasswordChecked::SecondFactorNext(user)) => {
            await_second_factor(&viewer.session, &user).await?;
            return Ok(Redirect::to("/sign-in/second-factor").into_response());
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

/// Starts the signed-in session and records it in the sessions list.
async fn open_session(
    state: &AppState,
    viewer: &Viewer,
    headers: &HeaderMap,
    peer: SocketAddr,
    user: &crate::storage::User,
    second_factor: bool,
) -> Result<(), AppError> {
    let session_ref = start_session(&viewer.session, user, second_factor).await?;
    let agent = crate::office::sessions::browser_of(
        headers
            .get(axum::http::header::USER_AGENT)
            .and_then(|value| value.to_str().ok())
            .unwrap_or(""),
    );
    state
        .store
        .open_user_session(&session_ref, user.user_id, &peer.ip().to_string(), &agent)
        .await?;
    tracing::info!(user_id = user.user_id, "signed in");
    Ok(())
}

/// The account a right password left waiting for its second factor, while it still may
/// continue: within five minutes, enabled, and with the password it was checked under.
async fn pending_user(
    state: &AppState,
    viewer: &Viewer,
) -> Result<Option<crate::storage::User>, AppError> {
    let Some((user_id, epoch)) = pending_second_factor(&viewer.session).await? else {
        return Ok(None);
    };
    Ok(state
        .store
        .user_by_id(user_id)
        .await?
        .filter(|user| !user.disabled && crate::auth::password_epoch(user) == epoch))
}

async fn second_factor_page(
    state: &AppState,
    viewer: &Viewer,
    status: StatusCode,
    errors: FieldErrors,
) -> Result<Response, AppError> {
    let mut ctx = viewer_context(state, viewer).await?;
    ctx.csrf_token = crate::auth::csrf_token(&viewer.session).await?;
    let passkey = match (&state.webauthn, pending_user(state, viewer).await?) {
        (Some(_), Some(user)) => !state.store.passkeys_of(user.user_id).await?.is_empty(),
        _ => false,
    };
    Ok(render(status, move || {
        view! { <SecondFactorPage ctx=ctx errors=errors passkey=passkey /> }
    }))
}

fn back_to_sign_in() -> Response {
    Redirect::to(&format!(
        "/sign-in?reason={}",
        SignInReason::Expired.as_query()
    ))
    .into_response()
}

/// Asks for the second factor after a right password.
#[tracing::instrument(skip_all)]
pub async fn second_factor_show(
    State(state): State<AppState>,
    viewer: Viewer,
) -> Result<Response, AppError> {
    if viewer.user.is_some() {
        return Ok(Redirect::to("/").into_response());
    }
    if pending_user(&state, &viewer).await?.is_none() {
        return Ok(back_to_sign_in());
    }
    second_factor_page(&state, &viewer, StatusCode::OK, FieldErrors::default()).await
}

/// The second-factor form as sent.
#[derive(Deserialize)]
pub struct SecondFactorForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    code: String,
}

/// Checks the second factor and starts the session.
#[tracing::instrument(skip_all)]
pub async fn second_factor_submit(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    viewer: Viewer,
    Form(form): Form<SecondFactorForm>,
) -> Result<Response, AppError> {
    if verify_csrf(&viewer.session, &form.csrf_token)
        .await
        .is_err()
    {
        return Ok(back_to_sign_in());
    }
    let Some(user) = pending_user(&state, &viewer).await? else {
        return Ok(back_to_sign_in());
    };
    let checked = crate::office::second_factor::check_second_factor(
        &state.store,
        &user,
        &form.code,
        peer.ip(),
        "sign-in",
    )
    .await;
    let (errors, status) = match checked {
        Ok(used) => {
            crate::office::sign_in::complete(&state.store, &user, peer.ip(), Some(used)).await?;
            open_session(&state, &viewer, &headers, peer, &user, true).await?;
            return Ok(Redirect::to("/").into_response());
        }
        Err(SignInError::Refused(errors)) => (errors, StatusCode::UNPROCESSABLE_ENTITY),
        Err(SignInError::Paused(mut errors)) => {
            // The pause's message names the password field; here it is the code's.
            errors = FieldErrors(
                errors
                    .0
                    .into_iter()
                    .map(|mut error| {
                        error.field = "code";
                        error
                    })
                    .collect(),
            );
            (errors, StatusCode::TOO_MANY_REQUESTS)
        }
        Err(SignInError::Hash(error)) => return Err(error.into()),
        Err(SignInError::Office(error)) => return Err(error.into()),
    };
    second_factor_page(&state, &viewer, status, errors).await
}

/// The options for the browser to check a passkey, after a right password.
#[tracing::instrument(skip_all)]
pub async fn passkey_options(
    State(state): State<AppState>,
    viewer: Viewer,
    PostedJson(_): PostedJson<crate::http::passkeys::Empty>,
) -> Result<Response, AppError> {
    use crate::http::passkeys::script_error;
    let Some(webauthn) = state.webauthn.as_deref() else {
        return Ok(script_error(
            StatusCode::NOT_FOUND,
            "Passkeys are not available here.",
        ));
    };
    let Some(user) = pending_user(&state, &viewer).await? else {
        return Ok(script_error(
            StatusCode::CONFLICT,
            "The sign-in had expired. Start again with your password.",
        ));
    };
    match crate::office::passkeys::begin_authentication(webauthn, &state.store, &user).await? {
        Some((options, check)) => {
            viewer
                .session
                .insert(crate::auth::keys::PASSKEY_AUTHENTICATION, &check)
                .await?;
            Ok(axum::Json(options).into_response())
        }
        None => Ok(script_error(
            StatusCode::CONFLICT,
            "You have no passkey. Type the code from your app.",
        )),
    }
}

/// Checks the passkey's answer and starts the session; the script then goes where it says.
#[tracing::instrument(skip_all)]
pub async fn passkey_submit(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    viewer: Viewer,
    PostedJson(answer): PostedJson<webauthn_rs::prelude::PublicKeyCredential>,
) -> Result<Response, AppError> {
    use crate::http::passkeys::script_error;
    let Some(webauthn) = state.webauthn.as_deref() else {
        return Ok(script_error(
            StatusCode::NOT_FOUND,
            "Passkeys are not available here.",
        ));
    };
    let (Some(user), Some(check)) = (
        pending_user(&state, &viewer).await?,
        viewer
            .session
            .remove::<webauthn_rs::prelude::PasskeyAuthentication>(
                crate::auth::keys::PASSKEY_AUTHENTICATION,
            )
            .await?,
    ) else {
        return Ok(script_error(
            StatusCode::CONFLICT,
            "The sign-in had expired. Start again with your password.",
        ));
    };
    let checked = crate::office::passkeys::finish_authentication(
        webauthn,
        &state.store,
        &user,
        &answer,
        &check,
        peer.ip(),
        "sign-in",
    )
    .await;
    match checked {
        Ok(()) => {
            crate::office::sign_in::complete(
                &state.store,
                &user,
                peer.ip(),
                Some(crate::office::second_factor::FactorUsed::Passkey),
            )
            .await?;
            open_session(&state, &viewer, &headers, peer, &user, true).await?;
            Ok(axum::Json(serde_json::json!({ "next": "/" })).into_response())
        }
        Err(error) => crate::http::passkeys::script_refusal(error),
    }
}

/// The sign-in page's token, sent by the passkey script in its header: the page's form
/// cookie's (an anonymous visitor has no session).
fn page_token_ok(state: &AppState, headers: &HeaderMap) -> bool {
    let sent = headers
        .get(crate::http::posted::CSRF_HEADER)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    FormToken::matches(headers, state.settings.is_https(), sent)
}

/// The options for the browser to sign in with a passkey alone (`--passkey-sign-in`).
#[tracing::instrument(skip_all)]
pub async fn passwordless_options(
    State(state): State<AppState>,
    headers: HeaderMap,
    viewer: Viewer,
) -> Result<Response, AppError> {
    use crate::http::passkeys::script_error;
    let (Some(webauthn), true) = (state.webauthn.as_deref(), state.settings.passkey_sign_in) else {
        return Ok(script_error(
            StatusCode::NOT_FOUND,
            "Passkey sign-in is not offered here.",
        ));
    };
    if !page_token_ok(&state, &headers) {
        return Ok(script_error(
            StatusCode::FORBIDDEN,
            "The sign-in page had expired. Reload it and try again.",
        ));
    }
    let (options, check) = crate::office::passkeys::begin_passwordless(webauthn)?;
    // The one anonymous step that keeps something in a session: the challenge must stay on
    // the server until the answer comes.
    viewer
        .session
        .insert(crate::auth::keys::PASSKEY_PASSWORDLESS, &check)
        .await?;
    Ok(axum::Json(options).into_response())
}

/// Checks a passkey used without a password and starts the session.
#[tracing::instrument(skip_all)]
pub async fn passwordless_submit(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    viewer: Viewer,
    axum::Json(answer): axum::Json<webauthn_rs::prelude::PublicKeyCredential>,
) -> Result<Response, AppError> {
    use crate::http::passkeys::script_error;
    let (Some(webauthn), true) = (state.webauthn.as_deref(), state.settings.passkey_sign_in) else {
        return Ok(script_error(
            StatusCode::NOT_FOUND,
            "Passkey sign-in is not offered here.",
        ));
    };
    if !page_token_ok(&state, &headers) {
        return Ok(script_error(
            StatusCode::FORBIDDEN,
            "The sign-in page had expired. Reload it and try again.",
        ));
    }
    let Some(check) = viewer
        .session
        .remove::<webauthn_rs::prelude::DiscoverableAuthentication>(
            crate::auth::keys::PASSKEY_PASSWORDLESS,
        )
        .await?
    else {
        return Ok(script_error(
            StatusCode::CONFLICT,
            "The sign-in had expired. Try again.",
        ));
    };
    let checked = crate::office::passkeys::finish_passwordless(
        webauthn,
        &state.store,
        &answer,
        check,
        peer.ip(),
    )
    .await;
    match checked {
        Ok(user) => {
            crate::office::sign_in::complete(
                &state.store,
                &user,
                peer.ip(),
                Some(crate::office::second_factor::FactorUsed::PasskeyAlone),
            )
            .await?;
            open_session(&state, &viewer, &headers, peer, &user, true).await?;
            Ok(axum::Json(serde_json::json!({ "next": "/" })).into_response())
        }
        Err(error) => crate::http::passkeys::script_refusal(error),
    }
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
    let Some(user) = viewer.user.as_ref().or(viewer.enrolling.as_ref()) else {
        return Ok(Redirect::to("/sign-in").into_response());
    };
    verify_csrf(&viewer.session, &form.csrf_token).await?;
    if let Some(session_ref) = crate::auth::session_ref(&viewer.session).await? {
        state
            .store
            .end_session_by_ref(&session_ref, "sign-out")
            .await?;
    }
    viewer.session.flush().await?;
    crate::office::sign_in::signed_out(&state.store, user, peer.ip()).await?;
    Ok(Redirect::to(&format!(
        "/sign-in?reason={}",
        SignInReason::SignedOut.as_query()
    ))
    .into_response())
}
