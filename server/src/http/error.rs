//! The HTTP error type: every handler returns it, and it never shows internals.
//!
//! An error response carries an [`ErrorInfo`] extension; the `render_error_pages` middleware
//! turns it into a full page in the shell, with the signed-in user's header.

use crate::storage::StoreError;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use probity_app::pages::errors::ErrorInfo;
use probity_app::pages::sign_in::SignInReason;

/// What can go wrong while handling a request.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// No such page, or one the person may not know exists.
    #[error("not found")]
    NotFound,
    /// The person may not do this; the message says why in plain words.
    #[error("forbidden: {0}")]
    Forbidden(&'static str),
    /// The anti-forgery token was missing or wrong.
    #[error("anti-forgery token rejected")]
    CsrfRejected,
    /// The request came from another site.
    #[error("cross-site request refused")]
    CrossSite,
    /// The page needs a signed-in person.
    #[error("sign-in required")]
    SignInRequired {
        /// True when a session just ended, so the sign-in page can say why.
        expired: bool,
    },
    /// The person must set up a second factor before anything else.
    #[error("second factor to set up")]
    EnrolmentRequired,
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The session could not be read or written.
    #[error("session error: {0}")]
    Session(#[from] tower_sessions::session::Error),
    /// The request body could not be read (a malformed upload).
    #[error("unreadable request: {0}")]
    BadRequest(String),
    /// An exhibit's stored content no longer matches its recorded hash.
    #[error("integrity alarm")]
    Integrity,
    /// Too many requests of a costly kind (password hashing) are already running; the client
    /// should try again after the given seconds.
    #[error("busy")]
    Busy(u32),
    /// Anything else that is our fault.
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<crate::auth::CsrfError> for AppError {
    fn from(error: crate::auth::CsrfError) -> Self {
        match error {
            crate::auth::CsrfError::Rejected => AppError::CsrfRejected,
            crate::auth::CsrfError::Session(error) => AppError::Session(error),
        }
    }
}

impl From<crate::office::OfficeError> for AppError {
    fn from(error: crate::office::OfficeError) -> Self {
        use crate::office::OfficeError;
        match error {
            OfficeError::NotFound => AppError::NotFound,
            OfficeError::Forbidden(message) => AppError::Forbidden(message),
            OfficeError::Stale => AppError::Store(StoreError::Stale),
            OfficeError::Store(error) => AppError::Store(error),
            OfficeError::Integrity => AppError::Integrity,
            OfficeError::ConfirmationNeeded => AppError::Forbidden(
                "This step needs you to confirm it is you again. Go back and try again.",
            ),
            OfficeError::Conflict(message) => AppError::Forbidden(message),
            // The report pages show the hits themselves.
            OfficeError::Leaked(_) => AppError::Forbidden(crate::office::reports::LEAKED),
            OfficeError::Failed(detail) => AppError::Internal(detail),
            OfficeError::Busy => AppError::Busy(2),
            OfficeError::Blob(error) => AppError::Internal(error.to_string()),
            // Forms show their field errors themselves; one that reaches here is a request
            // no form of ours sends.
            OfficeError::Invalid(_) => AppError::BadRequest("invalid input".into()),
        }
    }
}

impl From<crate::auth::password::HashError> for AppError {
    fn from(error: crate::auth::password::HashError) -> Self {
        match error {
            crate::auth::password::HashError::Busy => AppError::Busy(2),
            other => AppError::Internal(other.to_string()),
        }
    }
}

impl AppError {
    fn status_and_text(&self) -> (StatusCode, &'static str, &'static str) {
        match self {
            AppError::NotFound | AppError::Store(StoreError::NotFound) => (
                StatusCode::NOT_FOUND,
                "Page not found",
                "There is no page at this address, or you do not have access to it. Check the address, or go back and follow a link.",
            ),
            AppError::Forbidden(message) => (StatusCode::FORBIDDEN, "Not allowed", message),
            AppError::CsrfRejected => (
                StatusCode::FORBIDDEN,
                "The form has expired",
                "The form you sent had expired or did not come from this site, so nothing was changed. Go back, reload the page and try again.",
            ),
            AppError::CrossSite => (
                StatusCode::FORBIDDEN,
                "Request refused",
                "This request came from another site and was refused. Nothing was changed.",
            ),
            AppError::SignInRequired { .. } => (StatusCode::SEE_OTHER, "", ""),
            AppError::EnrolmentRequired => (StatusCode::SEE_OTHER, "", ""),
            AppError::BadRequest(_) => (
                StatusCode::BAD_REQUEST,
                "The form could not be read",
                "What was sent could not be read, so nothing was saved. Go back and try again.",
            ),
            AppError::Integrity => (
                StatusCode::CONFLICT,
                "Integrity alarm",
                "The stored content of this exhibit no longer matches the SHA-256 recorded when it was received, so the download was refused. The alarm has been recorded in the chain of custody and the audit trail.",
            ),
            AppError::Busy(_) => (
                StatusCode::SERVICE_UNAVAILABLE,
                "Busy",
                "Many people are signing in at this moment. Nothing was changed; wait a few seconds and try again.",
            ),
            AppError::Store(_) | AppError::Session(_) | AppError::Internal(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "Something went wrong",
                "Something went wrong on our side and your request was not completed. Try again in a moment; if it keeps happening, tell your administrator the reference below.",
            ),
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let AppError::SignInRequired { expired } = self {
            let target = if expired {
                format!("/sign-in?reason={}", SignInReason::Expired.as_query())
            } else {
                "/sign-in".to_string()
            };
            return Redirect::to(&target).into_response();
        }
        if let AppError::EnrolmentRequired = self {
            return Redirect::to("/account/two-factor").into_response();
        }
        let (status, title, message) = self.status_and_text();
        if let AppError::Busy(seconds) = self {
            let mut response = error_response(status, title, message);
            response.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from(seconds),
            );
            return response;
        }
        if status.is_server_error() {
            // Logged with the request's span, which carries the request id.
            tracing::error!(error = %self, "request failed");
        }
        error_response(status, title, message)
    }
}

/// A response that `render_error_pages` turns into a full error page.
pub fn error_response(status: StatusCode, title: &str, message: &str) -> Response {
    let mut response = (status, message.to_string()).into_response();
    response.extensions_mut().insert(ErrorInfo {
        status: status.as_u16(),
        title: title.to_string(),
        message: message.to_string(),
        request_id: None,
    });
    response
}

/// Turns error responses into full pages in the shell, with the request id for support.
pub async fn render_error_pages(
    axum::extract::State(state): axum::extract::State<crate::http::AppState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let session = request
        .extensions()
        .get::<tower_sessions::Session>()
        .cloned();
    let request_id = request
        .headers()
        .get("x-request-id")
        .and_then(|value| value.to_str().ok())
        .map(str::to_string);
    let response = next.run(request).await;
    let Some(mut info) = response
        .extensions()
        .get::<ErrorInfo>()
        .cloned()
        .or_else(|| framework_error(&response))
    else {
        return response;
    };
    info.request_id = request_id;
    let status = response.status();
    // The header shows who is signed in, as on any page; if even that fails, the page is
    // drawn without them rather than not at all.
    let ctx = match session {
        Some(session) => match crate::http::viewer::Viewer::load(session, &state).await {
            Ok(viewer) => crate::http::pages::viewer_context(&state, &viewer)
                .await
                .ok(),
            Err(_) => None,
        },
        None => None,
    }
    .unwrap_or_else(|| probity_app::types::PageContext {
        office_name: state.settings.office_name.clone(),
        ..Default::default()
    });
    let retry_after = response
        .headers()
        .get(axum::http::header::RETRY_AFTER)
        .cloned();
    let mut page = crate::http::pages::render(status, move || {
        use leptos::prelude::*;
        view! { <probity_app::pages::errors::ErrorPage ctx=ctx error=info /> }
    });
    if let Some(value) = retry_after {
        page.headers_mut()
            .insert(axum::http::header::RETRY_AFTER, value);
    }
    page
}

/// An error answered by axum itself (a form that cannot be read, a wrong method, a body too
/// large) rather than by a handler: drawn as a page like any other error.
fn framework_error(response: &Response) -> Option<ErrorInfo> {
    let status = response.status();
    let is_html = response
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("text/html"));
    if is_html || !(status.is_client_error() || status.is_server_error()) {
        return None;
    }
    let (title, message) = match status {
        StatusCode::METHOD_NOT_ALLOWED => (
            "Not available",
            "This address does not accept that kind of request.",
        ),
        StatusCode::PAYLOAD_TOO_LARGE => (
            "Too large",
            "What you sent is larger than this form accepts. Nothing was saved.",
        ),
        status if status.is_server_error() => (
            "Something went wrong",
            "Something went wrong on our side and your request was not completed.",
        ),
        _ => (
            "The form could not be read",
            "What was sent could not be read, so nothing was saved. Go back, reload the page and try again.",
        ),
    };
    Some(ErrorInfo {
        status: status.as_u16(),
        title: title.to_string(),
        message: message.to_string(),
        request_id: None,
    })
}

/// The page for any unknown address.
pub async fn not_found() -> AppError {
    AppError::NotFound
}
