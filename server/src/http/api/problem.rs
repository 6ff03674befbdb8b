//! Errors of the API as RFC 9457 problem documents (`application/problem+json`): a type, a
//! title, the status, a detail in words, and for invalid input each field's message. No
//! internal detail ever reaches one: storage failures are logged and answered with a plain
//! 500.

use crate::office::OfficeError;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

/// The media type of problem documents.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// An RFC 9457 problem document.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Problem {
    /// A URI naming the kind of problem; its page explains it.
    #[serde(rename = "type")]
    pub kind: String,
    /// A short summary of the kind of problem.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// What happened this time, in words a person can act on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// For invalid input: what is wrong with each field.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<InvalidField>>,
    /// For a stale write: the version now saved, to base the next attempt on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_version: Option<i64>,
    /// For a publication the leak check refused: what it found, where.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub leaks: Option<Vec<LeakOut>>,
    #[serde(skip)]
    retry_after: Option<u64>,
    #[serde(skip)]
    authenticate: bool,
}

/// One field's problem.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct InvalidField {
    /// The field's name in the request body or query.
    pub field: String,
    pub message: String,
}

/// What the leak check found in a public file (never the redacted string itself).
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct LeakOut {
    /// `public PDF`, `public HTML` or `public JSON`.
    pub file: String,
    /// Where in it, e.g. `text of page 2`.
    pub place: String,
    /// Which redacted string or pattern, e.g. `name of party "Detainee A"`.
    pub term: String,
    /// The surroundings, the string masked.
    pub context: String,
    /// For personal data: `ssn`, `phone`, `email`, `date-of-birth`, `booking-number`,
    /// `figure-unread`.
    pub reason: Option<String>,
    /// The key to release this value with, when a commissioner may.
    pub release_key: Option<String>,
}

impl From<probity_domain::reports::LeakHit> for LeakOut {
    fn from(hit: probity_domain::reports::LeakHit) -> LeakOut {
        LeakOut {
            file: hit.file,
            place: hit.place,
            term: hit.term,
            context: hit.context,
            reason: hit.reason,
            release_key: hit.release_key,
        }
    }
}

impl Problem {
    /// A problem of a kind named by `slug` (its type is `/api/v1/problems/{slug}`).
    pub fn new(status: StatusCode, slug: &str, title: &str) -> Problem {
        Problem {
            kind: format!("/api#problem-{slug}"),
            title: title.to_string(),
            status: status.as_u16(),
            detail: None,
            errors: None,
            current_version: None,
            leaks: None,
            retry_after: None,
            authenticate: false,
        }
    }

    /// Adds the detail.
    pub fn detail(mut self, detail: impl Into<String>) -> Problem {
        self.detail = Some(detail.into());
        self
    }

    /// No such thing, or one the caller may not know exists.
    pub fn not_found() -> Problem {
        Problem::new(StatusCode::NOT_FOUND, "not-found", "Not found")
    }

    /// No token, or one that does not open the API (any more).
    pub fn unauthorized(detail: &str) -> Problem {
        let mut problem = Problem::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "A valid access token is needed",
        )
        .detail(detail);
        problem.authenticate = true;
        problem
    }

    /// Allowed to see, not to do.
    pub fn forbidden(detail: &str) -> Problem {
        Problem::new(StatusCode::FORBIDDEN, "forbidden", "Not allowed").detail(detail)
    }

    /// A request the API cannot read (malformed JSON, wrong types, bad query).
    pub fn bad_request(detail: impl Into<String>) -> Problem {
        Problem::new(
            StatusCode::BAD_REQUEST,
            "bad-request",
            "The request cannot be read",
        )
        .detail(detail)
    }

    /// Someone else changed it since the version the write was based on.
    pub fn stale(current_version: Option<i64>) -> Problem {
        let mut problem = Problem::new(StatusCode::CONFLICT, "stale", "Changed by someone else")
            .detail(
                "Someone else saved a change since the version you based this on. Read it again \
             and base your change on the current version.",
            );
        problem.current_version = current_version;
        problem
    }

    /// An edit without `If-Match`.
    pub fn precondition_required() -> Problem {
        Problem::new(
            StatusCode::PRECONDITION_REQUIRED,
            "if-match-required",
            "If-Match is required",
        )
        .detail("Send the ETag you read in an If-Match header, so a change made meanwhile is not overwritten.")
    }

    /// Too many requests with this token; try again after `seconds`.
    pub fn rate_limited(seconds: u64) -> Problem {
        let mut problem = Problem::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate-limited",
            "Too many requests",
        )
        .detail(format!(
            "This token has made too many requests. Try again in {seconds} seconds."
        ));
        problem.retry_after = Some(seconds);
        problem
    }

    /// Something failed on our side; nothing about it is told.
    pub fn internal() -> Problem {
        Problem::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "Something went wrong on our side",
        )
        .detail(
            "The request was not completed. Try again; if it keeps failing, tell an administrator.",
        )
    }
}

impl From<OfficeError> for Problem {
    fn from(error: OfficeError) -> Problem {
        match error {
            OfficeError::NotFound => Problem::not_found(),
            OfficeError::Forbidden(message) => Problem::forbidden(message),
            OfficeError::Invalid(errors) => {
                let mut problem = Problem::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "invalid",
                    "Some values are not valid",
                )
                .detail("Correct the fields listed in `errors` and send again.");
                problem.errors = Some(
                    errors
                        .0
                        .into_iter()
                        .map(|error| InvalidField {
                            field: error.field.to_string(),
                            message: error.message,
                        })
                        .collect(),
                );
                problem
            }
            OfficeError::Stale => Problem::stale(None),
            OfficeError::Conflict(message) => {
                Problem::new(StatusCode::CONFLICT, "conflict", "Not possible now").detail(message)
            }
            OfficeError::Leaked(hits) => {
                let mut problem =
                    Problem::new(StatusCode::CONFLICT, "leaks", "The leak check refused it")
                        .detail(crate::office::reports::LEAKED);
                problem.leaks = Some(hits.into_iter().map(Into::into).collect());
                problem
            }
            OfficeError::Busy => {
                let mut problem = Problem::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "busy",
                    "Busy, try again shortly",
                )
                .detail("Too many checks are running at once. Try again in a few seconds.");
                problem.retry_after = Some(2);
                problem
            }
            OfficeError::Failed(detail) => {
                tracing::error!(%detail, "a step failed on an API request");
                Problem::internal()
            }
            OfficeError::ConfirmationNeeded => Problem::new(
                StatusCode::FORBIDDEN,
                "confirmation-needed",
                "Confirmation needed",
            )
            .detail("This step needs a fresh second factor; take it on the pages."),
            OfficeError::Integrity => Problem::new(
                StatusCode::CONFLICT,
                "integrity",
                "Integrity alarm",
            )
            .detail(
                "The stored content no longer matches the SHA-256 recorded when it was received, \
                 so it was not sent. The alarm is recorded in the chain of custody and the audit trail.",
            ),
            OfficeError::Store(error) => {
                tracing::error!(error = %error, "storage failed on an API request");
                Problem::internal()
            }
            OfficeError::Blob(error) => {
                tracing::error!(error = %error, "the blob store failed on an API request");
                Problem::internal()
            }
        }
    }
}

impl From<crate::storage::StoreError> for Problem {
    fn from(error: crate::storage::StoreError) -> Problem {
        OfficeError::from(error).into()
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::to_vec(&self).unwrap_or_else(|_| b"{}".to_vec());
        let mut response = (status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        if let Some(seconds) = self.retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        if self.authenticate {
            headers.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"probity\""),
            );
        }
        if let Some(version) = self.current_version
            && let Ok(value) = HeaderValue::from_str(&super::etag(version))
        {
            headers.insert(header::ETAG, value);
        }
        response
    }
}
