//! Authentication: sign-in state in the session, anti-forgery tokens, API tokens and
//! passwords. Nothing here knows the web adapters (a test checks): the extractors that turn a
//! request into a signed-in person live in `http::viewer`.

pub mod api_token;
pub mod form_clock;
pub mod form_token;
pub mod password;
pub mod receipt;
pub mod recovery;
pub mod session;
pub mod totp;

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
pub mod keys {
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
    /// The session's row in `user_sessions`: a session whose row was ended (by the person
    /// elsewhere or an administrator) is no longer signed in.
    pub const SESSION_REF: &str = "session_ref";
    /// Set when this session passed a second factor (at sign-in or by enrolling one): with
    /// `--require-mfa` a session without it reaches nothing but enrolment.
    pub const FACTOR_DONE: &str = "factor_done";
    /// When the person last proved it is them (Unix seconds): at sign-in, or by confirming
    /// before a sensitive step. Fresh for ten minutes.
    pub const CONFIRMED_AT: &str = "confirmed_at";
    /// A right password waiting for its second factor: the account's id.
    pub const PENDING_USER_ID: &str = "pending_user_id";
    /// When the password was right (Unix seconds); the second factor must follow soon.
    pub const PENDING_AT: &str = "pending_at";
    /// A passkey registration waiting for the browser's answer (the WebAuthn state).
    pub const PASSKEY_REGISTRATION: &str = "passkey_registration";
    /// A passkey check waiting for the browser's answer (the WebAuthn state).
    pub const PASSKEY_AUTHENTICATION: &str = "passkey_authentication";
    /// A sign-in with a passkey alone waiting for the browser's answer (the WebAuthn state).
    pub const PASSKEY_PASSWORDLESS: &str = "passkey_passwordless";
}

/// How long a right password waits for its second factor.
pub const PENDING_SECONDS: i64 = 300;

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
/// anti-forgery token, the sign-in time for the absolute limit, and whether a second factor
/// was checked. Returns the random name
/// of its `user_sessions` row, which the caller records.
pub async fn start_session(
    session: &Session,
    user: &User,
    second_factor: bool,
) -> SessionResult<String> {
    let session_ref = random_token();
    let now = OffsetDateTime::now_utc().unix_timestamp();
    session.cycle_id().await?;
    session.clear().await;
    session.insert(keys::USER_ID, user.user_id).await?;
    session.insert(keys::CONFIRMED_AT, now).await?;
    if second_factor {
        session.insert(keys::FACTOR_DONE, true).await?;
    }
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
    session.insert(keys::SESSION_REF, &session_ref).await?;
    Ok(session_ref)
}

/// Remembers a right password while the second factor is asked for, in a new session id.
pub async fn await_second_factor(session: &Session, user: &User) -> SessionResult<()> {
    session.cycle_id().await?;
    session.clear().await;
    session.insert(keys::PENDING_USER_ID, user.user_id).await?;
    session
        .insert(keys::PENDING_AT, OffsetDateTime::now_utc().unix_timestamp())
        .await?;
    session
        .insert(keys::PASSWORD_AT, password_epoch(user))
        .await?;
    session.insert(keys::CSRF, random_token()).await?;
    Ok(())
}

/// The account whose password was right within the last five minutes and whose second
/// factor is awaited, with the password epoch it was checked under.
pub async fn pending_second_factor(session: &Session) -> SessionResult<Option<(i64, i64)>> {
    let Some(user_id) = session.get::<i64>(keys::PENDING_USER_ID).await? else {
        return Ok(None);
    };
    let at = session.get::<i64>(keys::PENDING_AT).await?.unwrap_or(0);
    if OffsetDateTime::now_utc().unix_timestamp() - at > PENDING_SECONDS {
        return Ok(None);
    }
    let epoch = session.get::<i64>(keys::PASSWORD_AT).await?.unwrap_or(0);
    Ok(Some((user_id, epoch)))
}

/// Notes that the person just proved it is them with their second factor (or, without one,
/// their password), and that this session has passed a second factor when `factor`.
pub async fn mark_confirmed(session: &Session, factor: bool) -> SessionResult<()> {
    session
        .insert(
            keys::CONFIRMED_AT,
            OffsetDateTime::now_utc().unix_timestamp(),
        )
        .await?;
    if factor {
        session.insert(keys::FACTOR_DONE, true).await?;
    }
    Ok(())
}

/// True when the person proved it is them at most `seconds` ago.
pub async fn recently_confirmed(session: &Session, seconds: i64) -> SessionResult<bool> {
    let at = session.get::<i64>(keys::CONFIRMED_AT).await?.unwrap_or(0);
    Ok(OffsetDateTime::now_utc().unix_timestamp() - at <= seconds)
}

/// The name of this session's `user_sessions` row, when signed in.
pub async fn session_ref(session: &Session) -> SessionResult<Option<String>> {
    session.get::<String>(keys::SESSION_REF).await
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
