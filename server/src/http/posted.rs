//! The one way a signed-in person's form reaches a handler. [`Posted`] reads the URL-encoded
//! body, checks its anti-forgery token against the session's and hands over the fields;
//! [`PostedPairs`] does the same for forms whose fields repeat (checkbox groups) or are read
//! by name. No handler checks the token by hand. (The two forms an anonymous visitor fills in,
//! sign-in and setup, carry a double-submit token instead, and the upload form is a streamed
//! multipart body whose first field is the token.)

use crate::auth::verify_csrf;
use crate::http::AppState;
use crate::http::error::AppError;
use crate::http::pages::form_pairs;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use probity_domain::validation::FieldErrors;
use serde::de::DeserializeOwned;
use tower_sessions::Session;

/// Checks the anti-forgery token of a streamed multipart form (an upload, a message with
/// files), which must be its first field: nothing of a forged request is read further, so
/// nothing of it is stored.
pub async fn multipart_token(
    multipart: &mut axum::extract::Multipart,
    session: &Session,
) -> Result<(), AppError> {
    let first = multipart
        .next_field()
        .await
        .map_err(|error| AppError::BadRequest(error.to_string()))?;
    match first {
        Some(mut field) if field.name() == Some(probity_app::forms::CSRF_FIELD) => {
            let token = crate::http::intake::small_text(&mut field)
                .await
                .map_err(|_| AppError::CsrfRejected)?;
            Ok(verify_csrf(session, &token).await?)
        }
        _ => Err(AppError::CsrfRejected),
    }
}

/// A form whose anti-forgery token was checked, deserialised into `T`.
pub struct Posted<T>(pub T);

/// A form whose anti-forgery token was checked, as its `(name, value)` pairs in order.
pub struct PostedPairs(pub Vec<(String, String)>);

/// The body of a form, once its token is checked. A body that cannot be read keeps the
/// status axum gives it (413 when too large); the error-page layer draws the page.
async fn checked_body(req: Request, state: &AppState) -> Result<Bytes, Response> {
    let (mut parts, body) = req.into_parts();
    let session = Session::from_request_parts(&mut parts, state)
        .await
        .map_err(|_| AppError::Internal("no session layer".into()).into_response())?;
    let bytes = Bytes::from_request(Request::from_parts(parts, body), state)
        .await
        .map_err(IntoResponse::into_response)?;
    let token = form_pairs(&bytes)
        .into_iter()
        .find(|(name, _)| name == probity_app::forms::CSRF_FIELD)
        .map(|(_, value)| value)
        .unwrap_or_default();
    verify_csrf(&session, &token)
        .await
        .map_err(|error| AppError::from(error).into_response())?;
    Ok(bytes)
}

impl<T: DeserializeOwned> FromRequest<AppState> for Posted<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Response> {
        let bytes = checked_body(req, state).await?;
        // A field given twice or a value of the wrong kind: 422, drawn as "The form could not
        // be read" by the error-page layer, without the decoder's words.
        serde_urlencoded::from_bytes(&bytes)
            .map(Posted)
            .map_err(|_| StatusCode::UNPROCESSABLE_ENTITY.into_response())
    }
}

/// A form for one of the most sensitive steps (approving or publishing a report, changing
/// roles, creating a token, removing second factors): like [`Posted`], and only when the
/// person proved it is them within the last ten minutes. Otherwise the answer is the page that
/// asks them to confirm, which carries the form's fields and sends the form again once they
/// have (a 307, so the browser repeats the same POST).
pub struct Confirmed<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for Confirmed<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Response> {
        let path = req.uri().path().to_string();
        let (mut parts, body) = req.into_parts();
        let session = Session::from_request_parts(&mut parts, state)
            .await
            .map_err(|_| AppError::Internal("no session layer".into()).into_response())?;
        let bytes = checked_body(Request::from_parts(parts, body), state).await?;
        let fresh =
            crate::auth::recently_confirmed(&session, state.settings.confirmation_seconds())
                .await
                .map_err(|error| AppError::from(error).into_response())?;
        if !fresh {
            let viewer = crate::http::viewer::Viewer::load(session, state)
                .await
                .map_err(IntoResponse::into_response)?;
            let Some(user) = viewer.user.as_ref() else {
                return Err(AppError::SignInRequired { expired: true }.into_response());
            };
            let carried = carried_fields(form_pairs(&bytes));
            return Err(crate::http::two_factor::confirm_page(
                state,
                &viewer.session,
                user,
                path,
                carried,
                FieldErrors::default(),
            )
            .await
            .unwrap_or_else(IntoResponse::into_response));
        }
        serde_urlencoded::from_bytes(&bytes)
            .map(Confirmed)
            .map_err(|_| StatusCode::UNPROCESSABLE_ENTITY.into_response())
    }
}

/// The fields of a form to carry through the confirmation page: all but its token and the
/// confirmation's own.
pub fn carried_fields(pairs: Vec<(String, String)>) -> Vec<(String, String)> {
    pairs
        .into_iter()
        .filter(|(name, _)| name != probity_app::forms::CSRF_FIELD && !name.starts_with("reauth_"))
        .collect()
}

/// A JSON body sent by Probity's own script (passkeys), whose anti-forgery token comes in
/// the `X-CSRF-Token` header; at most 64 KiB.
pub struct PostedJson<T>(pub T);

/// The header the script sends the page's token in.
pub const CSRF_HEADER: &str = "x-csrf-token";

impl<T: DeserializeOwned> FromRequest<AppState> for PostedJson<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Response> {
        let (mut parts, body) = req.into_parts();
        let session = Session::from_request_parts(&mut parts, state)
            .await
            .map_err(|_| AppError::Internal("no session layer".into()).into_response())?;
        let token = parts
            .headers
            .get(CSRF_HEADER)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
            .to_string();
        verify_csrf(&session, &token)
            .await
            .map_err(|error| AppError::from(error).into_response())?;
        let bytes = axum::body::to_bytes(body, 64 * 1024)
            .await
            .map_err(|_| StatusCode::PAYLOAD_TOO_LARGE.into_response())?;
        serde_json::from_slice(&bytes)
            .map(PostedJson)
            .map_err(|_| StatusCode::UNPROCESSABLE_ENTITY.into_response())
    }
}

impl FromRequest<AppState> for PostedPairs {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Response> {
        let bytes = checked_body(req, state).await?;
        Ok(PostedPairs(form_pairs(&bytes)))
    }
}

#[cfg(test)]
mod tests {
    /// Every form handler takes its body through [`Posted`] or [`PostedPairs`]: no handler
    /// file but the anonymous forms' (sign-in, setup) extracts a plain `Form` or raw body
    /// bytes, so none can forget the token check. (The upload reads a multipart stream and
    /// checks its first field.)
    #[test]
    fn no_handler_reads_a_form_without_the_token_check() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/http");
        let mut files = vec![root.clone()];
        let mut checked = 0;
        while let Some(path) = files.pop() {
            if path.is_dir() {
                for entry in std::fs::read_dir(&path).expect("read the folder") {
                    files.push(entry.expect("entry").path());
                }
                continue;
            }
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if !name.ends_with(".rs") || matches!(name, "sign_in.rs" | "setup.rs" | "posted.rs") {
                continue;
            }
            let source = std::fs::read_to_string(&path).expect("read the file");
            for forbidden in ["Form(", ": Form<", "body: Bytes", "verify_csrf("] {
                // The public complaint pages are anonymous: no session, so no session token;
                // they carry a signed form clock and pass instead.
                if name == "complaints.rs" && forbidden != "verify_csrf(" {
                    continue;
                }
                assert!(
                    !source.contains(forbidden),
                    "{} has `{forbidden}`: take the form through Posted or PostedPairs",
                    path.display()
                );
            }
            checked += 1;
        }
        assert!(checked > 15, "the handler files were found ({checked})");
    }
}
