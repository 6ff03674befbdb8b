//! Authentication: sign-in state in the session, anti-forgery tokens, API tokens and
//! passwords. Nothing here knows the web adapters (a test checks): the extractors that turn a
//! request into a signed-in person live in `http::viewer`.

pub mod api_token;
pub mod form_token;
pub mod password;
pub mod session;

use crate::storage::User;
use subtle::ConstantTimeEq;
use time::OffsetDateTime;
use tower_sessions::Session;

/// What reading or writing the session can fail with.
pub type SessionResult<T> = Result<T, tower_sessions::session::Error>;

/// Why a form's anti-forgery token was refused.
#[derive(Debug, thiserror::Error)]
pub enum CsrfError {
    /// Missing, or not this session's.
    #[error("anti-forgery token refused")]
    Rejected,
    /// The session could not be read.
    #[error(transparent)]
    Session(#[from] tower_sessions::session::Error),
}

/// Session keys.
pub(crate) mod keys {
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
pub(crate) fn password_epoch(user: &User) -> i64 {
    i64::try_from(user.password_changed_at.unix_timestamp_nanos()).unwrap_or(i64::MAX)
}

/// Keeps this session valid after its own password change, which ends every other session
/// of the account.
pub async fn keep_session_after_password_change(
    session: &Session,
    user: &User,
) -> SessionResult<()> {
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
pub async fn csrf_token(session: &Session) -> SessionResult<String> {
    if let Some(token) = session.get::<String>(keys::CSRF).await? {
        return Ok(token);
    }
    let token = random_token();
    session.insert(keys::CSRF, &token).await?;
    Ok(token)
}

/// Refuses the request unless `submitted` is this session's anti-forgery token.
pub async fn verify_csrf(session: &Session, submitted: &str) -> Result<(), CsrfError> {
    let expected = session.get::<String>(keys::CSRF).await?.unwrap_or_default();
    if secrets_match(submitted, &expected) {
        Ok(())
    } else {
        Err(CsrfError::Rejected)
    }
}

/// Stores a one-time message for the next page.
pub async fn set_flash(session: &Session, flash: &str) -> SessionResult<()> {
    session.insert(keys::FLASH, flash).await?;
    Ok(())
}

/// Takes the one-time message, if any.
pub async fn take_flash(session: &Session) -> SessionResult<Option<String>> {
    session.remove::<String>(keys::FLASH).await
}

/// Starts a signed-in session for `user`: a new session id (against fixation), a new
/// anti-forgery token, and the sign-in time for the absolute limit.
pub async fn start_session(session: &Session, user: &User) -> SessionResult<()> {
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
pub async fn previous_sign_in(session: &Session) -> SessionResult<Option<OffsetDateTime>> {
    Ok(session
        .get::<i64>(keys::PREVIOUS_SIGN_IN)
        .await?
        .and_then(|seconds| OffsetDateTime::from_unix_timestamp(seconds).ok()))
}

#[cfg(test)]
mod layering {
    /// Sign-in stands below the web adapters: no file under `auth/` uses the `http` module.
    #[test]
    fn auth_imports_nothing_from_http() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/auth");
        let mut checked = 0;
        for entry in std::fs::read_dir(&root).expect("read auth/") {
            let path = entry.expect("entry").path();
            if path.extension().is_some_and(|ext| ext == "rs") {
                let source = std::fs::read_to_string(&path).expect("read a file");
                let used = concat!("crate::", "http");
                assert!(!source.contains(used), "{} uses {used}", path.display());
                checked += 1;
            }
        }
        assert!(checked >= 4);
    }
}
