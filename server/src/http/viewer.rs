//! Who is behind a request: the session and, when signed in, the account, checked against
//! the time limits, a disabled account and a password changed elsewhere.

use crate::auth::{keys, password_epoch};
use crate::http::AppState;
use crate::http::error::AppError;
use crate::storage::User;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use time::OffsetDateTime;
use tower_sessions::Session;

/// Who is behind the request: the session and, if signed in, the account.
pub struct Viewer {
    pub session: Session,
    pub user: Option<User>,
    /// True when a signed-in session was just ended by a time limit or a disabled account.
    pub ended: bool,
    /// A signed-in person who must set up a second factor first (`--require-mfa`): they are
    /// not [`Viewer::user`], so no page but enrolment and sign-out serves them.
    pub enrolling: Option<User>,
}

impl Viewer {
    /// Reads the session and checks it is still valid: within the absolute limit, for an
    /// account that exists and is enabled. An invalid session is destroyed at once.
    pub async fn load(session: Session, state: &AppState) -> Result<Viewer, AppError> {
        let Some(user_id) = session.get::<i64>(keys::USER_ID).await? else {
            return Ok(Viewer {
                session,
                user: None,
                ended: false,
                enrolling: None,
            });
        };
        let signed_in_at = session.get::<i64>(keys::SIGNED_IN_AT).await?.unwrap_or(0);
        let password_at = session.get::<i64>(keys::PASSWORD_AT).await?;
        let session_ref = session.get::<String>(keys::SESSION_REF).await?;
        let age = OffsetDateTime::now_utc().unix_timestamp() - signed_in_at;
        let user = match &session_ref {
            // A session of before the sessions list, or one past its absolute limit.
            None => None,
            Some(_) if age > state.settings.session_max_seconds() => None,
            // A session ended from the account or people page, a disabled account, or a
            // password changed or reset since this session began ends it.
            Some(session_ref) => state
                .store
                .session_user(user_id, session_ref)
                .await?
                .filter(|user| !user.disabled && password_at == Some(password_epoch(user))),
        };
        if user.is_none() {
            session.flush().await?;
        } else {
            // Activity pushes the idle limit back by saving the session, but at most once per
            // tenth of the limit (and per minute): saving on every request made each page view
            // a database write, which queued readers behind writers under load. The session
            // may so end up to that tenth early, never late.
            let now = OffsetDateTime::now_utc().unix_timestamp();
            let seen_at = session.get::<i64>(keys::SEEN_AT).await?.unwrap_or(0);
            let every = (state.settings.session_idle_seconds() / 10).min(60);
            if now - seen_at >= every {
                session.insert(keys::SEEN_AT, now).await?;
                if let Some(session_ref) = &session_ref {
                    state.store.touch_user_session(session_ref).await?;
                }
            }
        }
        let ended = user.is_none();
        let factor_done = session
            .get::<bool>(keys::FACTOR_DONE)
            .await?
            .unwrap_or(false);
        let (user, enrolling) = match user {
            Some(user) if state.settings.require_mfa && !factor_done => (None, Some(user)),
            user => (user, None),
        };
        Ok(Viewer {
            session,
            user,
            ended,
            enrolling,
        })
    }
}

impl FromRequestParts<AppState> for Viewer {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let session = Session::from_request_parts(parts, state)
            .await
            .map_err(|(_, message)| AppError::Internal(message.to_string()))?;
        Viewer::load(session, state).await
    }
}

/// A signed-in person; any other request is sent to the sign-in page.
pub struct SignedIn {
    pub session: Session,
    pub user: User,
}

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let viewer = Viewer::from_request_parts(parts, state).await?;
        match viewer.user {
            Some(user) => Ok(SignedIn {
                session: viewer.session,
                user,
            }),
            None if viewer.enrolling.is_some() => Err(AppError::EnrolmentRequired),
            None => Err(AppError::SignInRequired {
                expired: viewer.ended,
            }),
        }
    }
}

/// A signed-in person, whether or not they still have to set up a second factor: the
/// enrolment pages serve both.
pub struct SignedInOrEnrolling {
    pub session: Session,
    pub user: User,
    /// True while the second factor is still to be set up.
    pub enrolling: bool,
}

impl SignedInOrEnrolling {
    /// The person as the office layer knows them, from `addr`. Never freshly confirmed: the
    /// enrolment pages take no step that asks for it.
    pub fn caller(&self, addr: std::net::IpAddr) -> crate::office::Caller {
        crate::office::Caller {
            user: self.user.clone(),
            addr,
            via: None,
            confirmed: false,
        }
    }
}

impl FromRequestParts<AppState> for SignedInOrEnrolling {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let viewer = Viewer::from_request_parts(parts, state).await?;
        match (viewer.user, viewer.enrolling) {
            (Some(user), _) => Ok(SignedInOrEnrolling {
                session: viewer.session,
                user,
                enrolling: false,
            }),
            (None, Some(user)) => Ok(SignedInOrEnrolling {
                session: viewer.session,
                user,
                enrolling: true,
            }),
            (None, None) => Err(AppError::SignInRequired {
                expired: viewer.ended,
            }),
        }
    }
}
