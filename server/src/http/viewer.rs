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
            });
        };
        let signed_in_at = session.get::<i64>(keys::SIGNED_IN_AT).await?.unwrap_or(0);
        let password_at = session.get::<i64>(keys::PASSWORD_AT).await?;
        let age = OffsetDateTime::now_utc().unix_timestamp() - signed_in_at;
        let user = if age > state.settings.session_max_seconds() {
            None
        } else {
            // A password changed or reset since this session began ends it.
            state
                .store
                .user_by_id(user_id)
                .await?
                .filter(|user| !user.disabled && password_at == Some(password_epoch(user)))
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
            }
        }
        let ended = user.is_none();
        Ok(Viewer {
            session,
            user,
            ended,
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
            None => Err(AppError::SignInRequired {
                expired: viewer.ended,
            }),
        }
    }
}
