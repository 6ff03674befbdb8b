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
use serde::de::DeserializeOwned;
use tower_sessions::Session;

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
                // The upload's multipart stream checks its first field itself.
                if name == "evidence.rs" && forbidden == "verify_csrf(" {
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
