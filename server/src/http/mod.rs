//! The web application: routes, shared state and the middleware stack.

pub mod account;
pub mod actor;
pub mod api;
pub mod assets;
pub mod audit;
pub mod cases;
pub mod complaints;
pub mod dashboard;
pub mod error;
pub mod evidence;
pub mod health;
pub mod intake;
pub mod jobs;
pub mod messages;
pub mod pages;
pub mod passkeys;
pub mod people;
pub mod portal;
pub mod posted;
pub mod redraw;
pub mod reports;
pub mod search;
pub mod security;
pub mod setup;
pub mod sign_in;
pub mod statistics;
pub mod timeline;
pub mod triage;
pub mod two_factor;
pub mod viewer;

use crate::auth::session::SessionBackend;
use crate::config::Settings;
use crate::storage::DynStore;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, Request};
use axum::middleware::from_fn_with_state;
use axum::routing::{get, post};
use std::sync::Arc;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;
use url::Url;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub store: DynStore,
    pub settings: Arc<Settings>,
    pub setup: Arc<setup::SetupGate>,
    /// The public URL, parsed once, for the Origin check.
    pub public_url: Arc<Url>,
    /// Where evidence content lives.
    pub blobs: Arc<dyn crate::blobs::BlobStore>,
    /// Text extraction in the background.
    pub ocr: crate::evidence::ocr::OcrQueue,
    /// Background work: imports, text extraction, report approval.
    pub jobs: crate::jobs::JobQueue,
    /// The personal-data patterns of the leak check, compiled once.
    pub patterns: crate::reports::personal::Patterns,
    /// The host names this server answers under.
    pub hosts: security::AllowedHosts,
    /// Turns at password hashing.
    pub hashing: Arc<crate::auth::password::HashGate>,
    /// The API's per-token request allowance.
    pub api_limits: Arc<api::limits::RateLimiter>,
    /// The public complaint form's guards: its clock and per-address allowances.
    pub front_door: Arc<complaints::FrontDoor>,
    /// The WebAuthn relying party, when Probity is reached at a domain name (passkeys).
    pub webauthn: Option<Arc<webauthn_rs::prelude::Webauthn>>,
}

impl AppState {
    /// What report approval needs besides the records.
    pub fn approver(&self) -> crate::office::reports::Approver<'_> {
        crate::office::reports::Approver {
            blobs: self.blobs.as_ref(),
            office_name: &self.settings.office_name,
            patterns: &self.patterns,
        }
    }

    /// Where evidence goes, for the office's evidence functions.
    pub fn vault(&self) -> crate::office::evidence::Vault<'_> {
        crate::office::evidence::Vault {
            store: &self.store,
            blobs: &self.blobs,
            ocr: &self.ocr,
        }
    }
}

/// Largest form body accepted on ordinary form routes.
const FORM_LIMIT: usize = 64 * 1024;

/// Builds the application with its middleware.
pub fn router(state: AppState, sessions: &SessionBackend) -> Router {
    let request_id = HeaderName::from_static("x-request-id");
    let pages = Router::new()
        .route("/", get(dashboard::show))
        .route("/account", get(account::show))
        .route("/account/password", post(account::change_password))
        .route("/account/tokens", post(account::create_token))
        .route("/account/sessions/end", post(account::end_session))
        .route("/account/two-factor", get(two_factor::show))
        .route("/account/two-factor/start", post(two_factor::start))
        .route("/account/two-factor/confirm", post(two_factor::confirm))
        .route(
            "/account/two-factor/recovery-codes",
            post(two_factor::new_recovery_codes),
        )
        .route("/account/confirm", post(two_factor::confirm_identity))
        .route("/account/passkeys/options", post(passkeys::options))
        .route(
            "/account/confirm/passkey/options",
            post(passkeys::confirm_options),
        )
        .route("/account/confirm/passkey", post(passkeys::confirm_submit))
        .route("/account/passkeys", post(passkeys::add))
        .route(
            "/account/passkeys/{passkey_id}/remove",
            post(passkeys::remove),
        )
        .route(
            "/account/tokens/{token_id}/revoke",
            post(account::revoke_token),
        )
        .route("/people/tokens", get(people::tokens))
        .route(
            "/people/tokens/{token_id}/revoke",
            post(people::revoke_token),
        )
        .route("/people", get(people::list).post(people::add))
        .route("/people/{user_id}", get(people::show).post(people::update))
        .route("/people/{user_id}/disable", post(people::disable))
        .route("/people/{user_id}/sessions/end", post(people::end_sessions))
        .route("/people/sessions/end", post(people::end_everyones_sessions))
        .route("/people/{user_id}/enable", post(people::enable))
        .route("/people/{user_id}/password", post(people::reset_password))
        .route(
            "/people/{user_id}/two-factor/reset",
            post(people::reset_two_factor),
        )
        .route(
            "/people/grants/{grant_id}/approve",
            post(people::approve_grant),
        )
        .route(
            "/people/grants/{grant_id}/refuse",
            post(people::refuse_grant),
        )
        .route("/audit", get(audit::show).post(audit::filter))
        .route("/statistics", get(statistics::show))
        .route("/statistics.csv", get(statistics::csv))
        .route("/statistics.pdf", get(statistics::pdf))
        .route("/statistics/{item}", get(statistics::cases))
        .route("/search", get(search::show).post(search::search))
        .route("/api", get(api::docs::page))
        .route("/cases/{case_id}/jobs/{job_id}", get(jobs::show))
        .merge(cases::router())
        .merge(evidence::router())
        .merge(messages::router())
        .merge(timeline::router())
        .merge(reports::router())
        .merge(portal::router())
        .merge(complaints::router())
        .merge(triage::router())
        .route("/setup", get(setup::show).post(setup::submit))
        .route("/sign-in", get(sign_in::show).post(sign_in::submit))
        .route(
            "/sign-in/second-factor",
            get(sign_in::second_factor_show).post(sign_in::second_factor_submit),
        )
        .route(
            "/sign-in/passkey/options",
            post(sign_in::passwordless_options),
        )
        .route("/sign-in/passkey", post(sign_in::passwordless_submit))
        .route(
            "/sign-in/second-factor/passkey/options",
            post(sign_in::passkey_options),
        )
        .route(
            "/sign-in/second-factor/passkey",
            post(sign_in::passkey_submit),
        )
        .route("/sign-out", post(sign_in::sign_out))
        .fallback(error::not_found)
        .layer(DefaultBodyLimit::max(FORM_LIMIT))
        .layer(
            ServiceBuilder::new()
                .layer(from_fn_with_state(state.clone(), security::check_host))
                .layer(from_fn_with_state(state.clone(), security::check_origin))
                .layer(sessions.layer(&state.settings))
                .layer(from_fn_with_state(state.clone(), error::render_error_pages))
                .layer(from_fn_with_state(state.clone(), security::require_setup)),
        );
    let (api_routes, openapi) = api::router();
    api::docs::keep(&openapi);
    // The API has no session, so neither the session layer nor the anti-forgery checks
    // apply: a bearer token is never sent by a browser on its own.
    let api = api_routes
        .route("/api/v1/openapi.json", get(api::docs::openapi_json))
        .route("/api/v1/{*rest}", axum::routing::any(api_not_found))
        // Each API body sets its own limit: JSON bodies in `ApiJson`, uploads per file in
        // the blob store.
        .layer(DefaultBodyLimit::disable())
        .layer(from_fn_with_state(state.clone(), security::check_host));
    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/assets/{*path}", get(assets::asset))
        .merge(api)
        .merge(pages)
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::new(request_id.clone(), MakeRequestUuid))
                .layer(
                    TraceLayer::new_for_http().make_span_with(|request: &Request<_>| {
                        let id = request
                            .headers()
                            .get("x-request-id")
                            .and_then(|value| value.to_str().ok())
                            .unwrap_or("-");
                        // The path only: queries may one day carry search terms about people.
                        tracing::info_span!(
                            "request",
                            request_id = %id,
                            method = %request.method(),
                            path = %request.uri().path(),
                        )
                    }),
                )
                .layer(PropagateRequestIdLayer::new(request_id))
                .layer(CatchPanicLayer::custom(panic_response))
                .layer(from_fn_with_state(
                    state.clone(),
                    security::security_headers,
                )),
        )
        .with_state(state)
}

/// Any other address under the API: a problem document, not a page.
async fn api_not_found() -> api::problem::Problem {
    api::problem::Problem::not_found()
}

/// A panic in a handler becomes the ordinary "something went wrong" page, without details.
fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> axum::response::Response {
    tracing::error!("handler panicked");
    let page = probity_app::render::document(|| {
        use leptos::prelude::*;
        view! {
            <probity_app::pages::errors::ErrorPage
                ctx=probity_app::types::PageContext::default()
                error=probity_app::pages::errors::ErrorInfo {
                    status: 500,
                    title: "Something went wrong".into(),
                    message: "Something went wrong on our side and your request was not completed.".into(),
                    request_id: None,
                }
            />
        }
    });
    (
        axum::http::StatusCode::INTERNAL_SERVER_ERROR,
        axum::response::Html(page),
    )
        .into_response()
}

use axum::response::IntoResponse as _;
