//! Authentication: who is behind a request, sign-in state in the session, anti-forgery
//! tokens and passwords.

pub mod api_token;
pub mod form_token;
pub mod password;
pub mod session;

use crate::http::AppState;
use crate::http::error::AppError;
use crate::storage::User;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use subtle::ConstantTimeEq;
use time::OffsetDateTime;
use tower_sessions::Session;

/// Session keys.
mod keys {
    /// The signed-in account's id.
    pub const USER_ID: &str = "user_id";
    /// When the person signed in (Unix seconds), for the absolute time limit.
    pub const SIGNED_IN_AT: &str = "signed_in_at";
    /// The anti-forgery token of this session.
    pub const CSRF: &str = "csrf";
    /// A one-time message for the next page.
    pub const FLASH: &str = "flash";
    /// The sign-in before this one (Unix seconds), shown on the home page.
    pub const PREVIOUS_SIGN_IN: &str = "previous_sign_in";
    /// When the session was last saved because the person was active (Unix seconds).
    pub const SEEN_AT: &str = "seen_at";
    /// The account's password as of this session (when it was last changed, Unix
    /// nanoseconds): a change or reset elsewhere ends the session.
    pub const PASSWORD_AT: &str = "password_at";
}

/// When an account's password was last set, as a session stores it.
fn password_epoch(user: &User) -> i64 {
    i64::try_from(user.password_changed_at.unix_timestamp_nanos()).unwrap_or(i64::MAX)
}

/// Keeps this session valid after its own password change, which ends every other session
/// of the account.
pub async fn keep_session_after_password_change(
    session: &Session,
    user: &User,
) -> Result<(), AppError> {
    session
        .insert(keys::PASSWORD_AT, password_epoch(user))
        .await?;
    Ok(())
}

/// A random 256-bit token, hex-encoded.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    // The OS random source failing is unrecoverable for a security product.
    getrandom::fill(&mut bytes).expect("the operating system's random source failed");
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// Compares two secrets in constant time.
pub fn secrets_match(given: &str, expected: &str) -> bool {
    !expected.is_empty() && bool::from(given.as_bytes().ct_eq(expected.as_bytes()))
}

/// The session's anti-forgery token, created on first use.
pub async fn csrf_token(session: &Session) -> Result<String, AppError> {
    if let Some(token) = session.get::<String>(keys::CSRF).await? {
        return Ok(token);
    }
    let token = random_token();
    session.insert(keys::CSRF, &token).await?;
    Ok(token)
}

/// Refuses the request unless `submitted` is this session's anti-forgery token.
pub async fn verify_csrf(session: &Session, submitted: &str) -> Result<(), AppError> {
    let expected = session.get::<String>(keys::CSRF).await?.unwrap_or_default();
    if secrets_match(submitted, &expected) {
        Ok(())
    } else {
        Err(AppError::CsrfRejected)
    }
}

/// Stores a one-time message for the next page.
pub async fn set_flash(session: &Session, flash: &str) -> Result<(), AppError> {
    session.insert(keys::FLASH, flash).await?;
    Ok(())
}

/// Takes the one-time message, if any.
pub async fn take_flash(session: &Session) -> Result<Option<String>, AppError> {
    Ok(session.remove::<String>(keys::FLASH).await?)
}

/// Starts a signed-in session for `user`: a new session id (against fixation), a new
/// anti-forgery token, and the sign-in time for the absolute limit.
pub async fn start_session(session: &Session, user: &User) -> Result<(), AppError> {
    session.cycle_id().await?;
    session.clear().await;
    session.insert(keys::USER_ID, user.user_id).await?;
    session
        .insert(keys::PASSWORD_AT, password_epoch(user))
        .await?;
    session
        .insert(
            keys::SIGNED_IN_AT,
            OffsetDateTime::now_utc().unix_timestamp(),
        )
        .await?;
    if let Some(previous) = user.last_sign_in_at {
        session
            .insert(keys::PREVIOUS_SIGN_IN, previous.unix_timestamp())
            .await?;
    }
    session.insert(keys::CSRF, random_token()).await?;
    Ok(())
}

/// The previous sign-in recorded at the start of this session.
pub async fn previous_sign_in(session: &Session) -> Result<Option<OffsetDateTime>, AppError> {
    Ok(session
        .get::<i64>(keys::PREVIOUS_SIGN_IN)
        .await?
        .and_then(|seconds| OffsetDateTime::from_unix_timestamp(seconds).ok()))
}

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
