//! Sending pages: the page context every page needs, and the HTML response.

use crate::auth::csrf_token;
use crate::http::AppState;
use crate::http::error::AppError;
use crate::http::viewer::Viewer;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use leptos::prelude::IntoView;
use probity_app::types::PageContext;
use tower_sessions::Session;

/// The context for a page: office name, the viewer, and the session's anti-forgery token.
/// An anonymous visitor gets no token here, so that their visit writes no session row; the
/// two forms they may fill in (sign-in, setup) carry a [`FormToken`] instead.
///
/// [`FormToken`]: crate::auth::form_token::FormToken
pub async fn page_context(
    state: &AppState,
    session: &Session,
    user: Option<&crate::storage::User>,
) -> Result<PageContext, AppError> {
    let csrf_token = match user {
        Some(_) => csrf_token(session).await?,
        None => String::new(),
    };
    Ok(PageContext {
        office_name: state.settings.office_name.clone(),
        user: user.map(crate::storage::User::current),
        csrf_token,
        enrolling: false,
    })
}

/// The context for the viewer of a request.
pub async fn viewer_context(state: &AppState, viewer: &Viewer) -> Result<PageContext, AppError> {
    if let Some(user) = &viewer.enrolling {
        let mut ctx = page_context(state, &viewer.session, Some(user)).await?;
        ctx.enrolling = true;
        return Ok(ctx);
    }
    page_context(state, &viewer.session, viewer.user.as_ref()).await
}

/// Renders a page component into an HTML response.
pub fn render<V: IntoView + 'static>(status: StatusCode, page: impl FnOnce() -> V) -> Response {
    (status, Html(probity_app::render::document(page))).into_response()
}

/// A submitted form: its anti-forgery token and its fields.
#[derive(serde::Deserialize)]
pub struct WithCsrf<T> {
    #[serde(default)]
    pub csrf_token: String,
    #[serde(flatten)]
    pub values: T,
}

/// The fields of a URL-encoded form body, repeated names included (checkbox groups).
pub fn form_pairs(body: &[u8]) -> Vec<(String, String)> {
    url::form_urlencoded::parse(body)
        .map(|(key, value)| (key.into_owned(), value.into_owned()))
        .collect()
}

/// `body` as a download named `file_name` (a name the server chose, never one a person
/// typed), with its media type.
pub fn attachment(
    body: impl IntoResponse,
    content_type: &'static str,
    file_name: &str,
) -> Response {
    use axum::http::{HeaderValue, header};
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{file_name}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}
