//! The JSON API under `/api/v1`: the same office functions the pages call, reached with a
//! personal access token instead of a session. Follows the U.S. federal API standards
//! (the GSA API standards: versioned path, JSON, plural resource names, keyset pagination,
//! standard status codes) with errors as RFC 9457 problem documents.
//!
//! The OpenAPI 3.1 description is generated from the handlers' annotations and the
//! request and response types (utoipa), served at `/api/v1/openapi.json` and drawn as a
//! plain page at `/api`.

// A problem document is the error of every API call and is answered at once; boxing it
// would only add an allocation to each refusal.
#![allow(clippy::result_large_err)]

pub mod audit;
pub mod cases;
pub mod docs;
pub mod evidence;
pub mod interviews;
pub mod limits;
pub mod messages;
pub mod plan;
pub mod portal;
pub mod problem;
pub mod records;
pub mod redactions;
pub mod reports;
pub mod schema;
pub mod team;
pub mod timeline;

use crate::auth::api_token;
use crate::http::AppState;
use crate::office::Caller;
use crate::storage::tokens::TokenScope;
use axum::Json;
use axum::Router;
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use problem::Problem;
use serde::de::DeserializeOwned;
use std::net::SocketAddr;
use time::OffsetDateTime;
use utoipa::OpenApi;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Largest JSON body accepted.
pub const BODY_LIMIT: usize = 256 * 1024;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Probity API",
        version = "1",
        description = "Case management for inspector-general offices. Every request but the public \
            portal's needs a personal access token (Authorization: Bearer prb_...), created on the \
            account page. A token acts as its owner: the same permissions, recusals and 404s as the \
            pages, and every read and change is audited with the token's name. Errors are RFC 9457 \
            problem documents. Edits send the ETag they read as If-Match; a stale one answers 409.",
        license(name = "AGPL-3.0-or-later", identifier = "AGPL-3.0-or-later"),
    ),
    modifiers(&BearerToken),
    tags(
        (name = "cases", description = "Cases, their status and team"),
        (name = "records", description = "Parties, allegations and notes of a case"),
        (name = "evidence", description = "Exhibits, their chain of custody, uploads and downloads"),
        (name = "messages", description = "Messages imported from message logs"),
        (name = "timeline", description = "Incidents and events with their citations"),
        (name = "reports", description = "Findings, recommendations, report versions and their review"),
        (name = "audit", description = "The audit trail (auditors and administrators)"),
        (name = "public", description = "Published reports; no token needed"),
    )
)]
struct ApiDoc;

struct BearerToken;

impl utoipa::Modify for BearerToken {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "token",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

/// The API's routes and its OpenAPI description.
pub fn router() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let (router, mut openapi) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(cases::list, cases::create))
        .routes(routes!(cases::search))
        .routes(routes!(cases::read, cases::update))
        .routes(routes!(cases::move_status))
        .routes(routes!(cases::team, team::add_member))
        .routes(routes!(team::remove_member))
        .routes(routes!(team::set_lead))
        .routes(routes!(team::read_walls))
        .routes(routes!(team::recuse))
        .routes(routes!(team::lift))
        .routes(routes!(team::name_overseer))
        .routes(routes!(team::unname_overseer))
        .routes(routes!(plan::read))
        .routes(routes!(plan::add_task))
        .routes(routes!(plan::update_task))
        .routes(routes!(plan::change_clock))
        .routes(routes!(interviews::list, interviews::add))
        .routes(routes!(interviews::read, interviews::update))
        .routes(routes!(records::parties, records::add_party))
        .routes(routes!(records::party, records::update_party))
        .routes(routes!(records::allegations, records::add_allegation))
        .routes(routes!(records::allegation, records::update_allegation))
        .routes(routes!(records::notes, records::add_note))
        .routes(routes!(records::update_note))
        .routes(routes!(records::note_history))
        .routes(routes!(evidence::exhibits, evidence::upload))
        .routes(routes!(evidence::exhibit))
        .routes(routes!(evidence::custody))
        .routes(routes!(evidence::download))
        .routes(routes!(messages::logs))
        .routes(routes!(messages::list))
        .routes(routes!(messages::search))
        .routes(routes!(messages::message))
        .routes(routes!(timeline::incidents, timeline::create_incident))
        .routes(routes!(timeline::events))
        .routes(routes!(timeline::event, timeline::update_event))
        .routes(routes!(timeline::incident_events, timeline::create_event))
        .routes(routes!(reports::findings))
        .routes(routes!(reports::save_finding))
        .routes(routes!(redactions::list, redactions::add))
        .routes(routes!(redactions::remove))
        .routes(routes!(redactions::set_release))
        .routes(routes!(
            reports::recommendations,
            reports::add_recommendation
        ))
        .routes(routes!(
            reports::recommendation,
            reports::update_recommendation
        ))
        .routes(routes!(reports::versions, reports::save_version))
        .routes(routes!(reports::version))
        .routes(routes!(reports::submit))
        .routes(routes!(reports::return_version))
        .routes(routes!(reports::approve))
        .routes(routes!(reports::publish))
        .routes(routes!(reports::release_hit))
        .routes(routes!(audit::trail))
        .routes(routes!(portal::reports))
        .routes(routes!(portal::report))
        .split_for_parts();
    utoipa::Modify::modify(&CommonProblems, &mut openapi);
    (router, openapi)
}

/// Adds the problems any operation of its kind may answer, so that each handler documents
/// only its own: 401 and 429 where a token is needed, 400, 413 and 415 where a body is
/// read, 400 where a query is, 404 where the path names something.
struct CommonProblems;

impl utoipa::Modify for CommonProblems {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::path::ParameterIn;
        use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
        for item in openapi.paths.paths.values_mut() {
            for operation in [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.patch,
                &mut item.delete,
            ]
            .into_iter()
            .flatten()
            {
                let located = |place: ParameterIn| {
                    operation.parameters.iter().flatten().any(
                        |parameter| matches!(parameter, RefOr::T(p) if p.parameter_in == place),
                    )
                };
                let mut add: Vec<(&str, &str)> = Vec::new();
                if operation.security.is_some() {
                    add.push(("401", "No valid token"));
                    add.push(("429", "Too many requests with this token; see Retry-After"));
                }
                if operation.request_body.is_some() {
                    add.push(("400", "The body cannot be read"));
                    add.push(("413", "The body is too large"));
                    add.push(("415", "The body is not JSON"));
                }
                if located(ParameterIn::Query) {
                    add.push(("400", "The query cannot be read"));
                }
                if located(ParameterIn::Path) {
                    add.push(("404", "Not found, or not yours to see"));
                }
                for (status, description) in add {
                    operation
                        .responses
                        .responses
                        .entry(status.to_string())
                        .or_insert_with(|| {
                            RefOr::T(
                                ResponseBuilder::new()
                                    .description(description)
                                    .content(
                                        problem::PROBLEM_JSON,
                                        ContentBuilder::new()
                                            .schema(Some(Ref::from_schema_name("Problem")))
                                            .build(),
                                    )
                                    .build(),
                            )
                        });
                }
            }
        }
    }
}

/// A request made with a valid token: its owner as the office knows them, and the token.
/// Checked once per request: later extractors find it in the request's extensions.
#[derive(Clone)]
pub struct ApiCaller {
    pub caller: Caller,
    pub scope: TokenScope,
}

impl FromRequestParts<AppState> for ApiCaller {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Problem> {
        if let Some(known) = parts.extensions.get::<ApiCaller>() {
            return Ok(known.clone());
        }
        let secret = bearer(&parts.headers).ok_or_else(|| {
            Problem::unauthorized("Send a personal access token as Authorization: Bearer prb_...")
        })?;
        if !api_token::looks_like_token(secret) {
            return Err(Problem::unauthorized("That is not a Probity access token."));
        }
        let store = &state.store;
        let now = OffsetDateTime::now_utc();
        let token = store
            .token_by_hash(&api_token::hash(secret))
            .await?
            .ok_or_else(|| Problem::unauthorized("This token is not known."))?;
        if !token.is_active(now) {
            return Err(Problem::unauthorized(
                "This token has expired or was revoked. Create a new one on your account page.",
            ));
        }
        // The owner as of now: a disabled account stops its tokens at once.
        let user = store
            .user_by_id(token.user_id)
            .await?
            .filter(|user| !user.disabled)
            .ok_or_else(|| Problem::unauthorized("The account of this token is disabled."))?;
        state
            .api_limits
            .take(token.api_token_id)
            .map_err(Problem::rate_limited)?;
        store.touch_token(token.api_token_id, now).await?;
        let addr = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|info| info.0.ip())
            .ok_or_else(Problem::internal)?;
        let api = ApiCaller {
            caller: Caller {
                user,
                addr,
                via: Some(format!("API token \"{}\" ({})", token.name, token.prefix)),
                // A token is created only after a fresh second factor, lives at most 90
                // days and is scoped: it stands for that confirmation.
                confirmed: true,
            },
            scope: token.scope,
        };
        parts.extensions.insert(api.clone());
        Ok(api)
    }
}

/// The case named by the path's `case_id`, checked readable by the caller before the body
/// is read: a person who may not see the case learns nothing, not even that their body was
/// malformed. (The office function the handler calls checks the action itself.)
pub struct SeenCase;

impl FromRequestParts<AppState> for SeenCase {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Problem> {
        let api = ApiCaller::from_request_parts(parts, state).await?;
        let params = axum::extract::RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(|_| Problem::not_found())?;
        let case_id = params
            .iter()
            .find(|(name, _)| *name == "case_id")
            .and_then(|(_, value)| value.parse::<i64>().ok())
            .ok_or_else(Problem::not_found)?;
        crate::office::cases::open_case(
            &state.store,
            &api.caller,
            case_id,
            probity_domain::permissions::Action::ReadCase,
            "case.view",
        )
        .await?;
        Ok(SeenCase)
    }
}

/// A request made with a token that may change things.
pub struct Writer(pub Caller);

impl FromRequestParts<AppState> for Writer {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Problem> {
        let api = ApiCaller::from_request_parts(parts, state).await?;
        if api.scope != TokenScope::Write {
            return Err(Problem::forbidden(
                "This token may only read. Create a read-and-write token to make changes.",
            ));
        }
        Ok(Writer(api.caller))
    }
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// A body with the ETag of its version.
pub fn tagged<T: serde::Serialize>(status: StatusCode, version: i64, body: T) -> Response {
    let mut response = (status, Json(body)).into_response();
    if let Ok(value) = HeaderValue::from_str(&etag(version)) {
        response.headers_mut().insert(header::ETAG, value);
    }
    response
}

/// A strong entity tag for a version.
pub fn etag(version: i64) -> String {
    format!("\"{version}\"")
}

/// The version an edit is based on, from `If-Match`: `428` without one; a tag that names no
/// version of ours can only be stale.
pub fn if_match(headers: &HeaderMap) -> Result<i64, Problem> {
    let value = headers
        .get(header::IF_MATCH)
        .ok_or_else(Problem::precondition_required)?
        .to_str()
        .unwrap_or_default()
        .trim();
    let tag = value.strip_prefix("W/").unwrap_or(value);
    Ok(tag.trim_matches('"').parse().unwrap_or(-1))
}

/// Path parameters; one that does not parse names nothing that exists: 404.
pub struct ApiPath<T>(pub T);

impl<T, S> FromRequestParts<S> for ApiPath<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Problem> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(value)| ApiPath(value))
            .map_err(|_| Problem::not_found())
    }
}

/// Query parameters, refused as a problem document.
pub struct ApiQuery<T>(pub T);

impl<T, S> FromRequestParts<S> for ApiQuery<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Problem> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Query(value)| ApiQuery(value))
            .map_err(|rejection| Problem::bad_request(rejection.body_text()))
    }
}

/// A JSON body of at most [`BODY_LIMIT`] bytes, refused as a problem document: 415 when it
/// is not JSON, 413 when too large, 400 when it does not parse, 422 when it parses but does
/// not have the fields and types asked for.
pub struct ApiJson<T>(pub T);

impl<T, S> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = Problem;

    async fn from_request(request: Request, _state: &S) -> Result<Self, Problem> {
        use axum::http::StatusCode;
        let json = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.split(';').next())
            .map(|media| {
                let media = media.trim().to_ascii_lowercase();
                media == "application/json" || media.ends_with("+json")
            })
            .unwrap_or(false);
        if !json {
            return Err(Problem::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "media-type",
                "Send JSON",
            )
            .detail("Send the body as application/json."));
        }
        let bytes = axum::body::to_bytes(request.into_body(), BODY_LIMIT)
            .await
            .map_err(|_| {
                Problem::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "too-large",
                    "The body is too large",
                )
                .detail(format!("Send at most {} KiB of JSON.", BODY_LIMIT / 1024))
            })?;
        serde_json::from_slice(&bytes)
            .map(ApiJson)
            .map_err(|error| {
                if error.is_data() {
                    Problem::new(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        "invalid",
                        "Some values are not valid",
                    )
                    .detail(error.to_string())
                } else {
                    Problem::bad_request(format!("The body is not valid JSON: {error}"))
                }
            })
    }
}
