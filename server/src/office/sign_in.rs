//! The sign-in policy: which credentials open a session, how guessing is paused, and what
//! the audit trail keeps of each attempt. The pages start the session; everything decided
//! about it is decided here, so a second factor (issue 16) joins the same path.

use super::OfficeError;
use crate::accounts::{USERNAME_MAX, normalize_username};
use crate::auth::password::{HashError, HashGate};
use crate::storage::{DynStore, NewAuditEvent, Outcome, User};
use probity_domain::validation::FieldErrors;
use std::net::IpAddr;

/// The one message for every failed sign-in, so that nobody can learn which usernames exist.
pub const FAILED: &str = "The username or password is not right.";

/// Failed sign-ins for one name before it is paused, whether or not the account exists.
const MAX_FAILURES: i64 = 5;
/// Failed sign-ins from one client address, for any names, before the address is paused.
const MAX_ADDRESS_FAILURES: i64 = 30;
/// How long the failures count, and so how long a pause lasts.
pub const FAILURE_WINDOW_MINUTES: i64 = 15;

/// How an unknown name is written in the audit trail: a hash, never the text typed.
pub fn unknown_name(typed: &str) -> String {
    use sha2::Digest as _;
    let digest = sha2::Sha256::digest(typed.as_bytes());
    let hex: String = digest
        .iter()
        .take(8)
        .map(|byte| format!("{byte:02x}"))
        .collect();
    format!("unknown name #{hex}")
}

/// Why no session was opened.
#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    /// A field was left empty, or the credentials are not right (one message for every
    /// reason, so nothing is learnt about which accounts exist).
    #[error("sign-in refused")]
    Refused(FieldErrors),
    /// Too many failures for this name from this address, or from this address at all.
    #[error("sign-in paused")]
    Paused(FieldErrors),
    /// Password checking is saturated; try again shortly.
    #[error(transparent)]
    Hash(HashError),
    #[error(transparent)]
    Office(#[from] OfficeError),
}

impl From<crate::storage::StoreError> for SignInError {
    fn from(error: crate::storage::StoreError) -> Self {
        SignInError::Office(error.into())
    }
}

fn one(field: &'static str, message: impl Into<String>) -> FieldErrors {
    let mut errors = FieldErrors::default();
    errors.add(field, message);
    errors
}

/// Checks a sign-in as typed from `addr` and answers the account it opens: signed in (the
/// success recorded: last sign-in, audit) or waiting for its second factor. Every refusal is audited, naming a known account
/// and only a hash of what was typed for an unknown one (often a password typed into the
/// wrong box).
#[tracing::instrument(skip_all)]
pub async fn sign_in(
    store: &DynStore,
    hashing: &HashGate,
    typed_username: &str,
    password: String,
    addr: IpAddr,
) -> Result<PasswordChecked, SignInError> {
    let username = normalize_username(typed_username);
    let mut errors = FieldErrors::default();
    if username.is_empty() {
        errors.add("username", "Enter your username.");
    }
    if password.is_empty() {
        errors.add("password", "Enter your password.");
    }
    if !errors.is_empty() {
        return Err(SignInError::Refused(errors));
    }
    // Bounded before the look-up: a name longer than any account's is simply wrong.
    let user = if username.chars().count() <= USERNAME_MAX {
        store.user_by_username(&username).await?
    } else {
        None
    };
    let actor = match &user {
        Some(user) => user.username.clone(),
        None => unknown_name(&username),
    };
    check_pause(store, &actor, addr).await?;
    let matches = hashing
        .verify(password, user.as_ref().map(|u| u.password_hash.clone()))
        .await
        .map_err(SignInError::Hash)?;
    let Some(user) = user.filter(|user| matches && !user.disabled) else {
        store
            .append_audit(
                NewAuditEvent::named(actor, "auth.sign_in", Outcome::Refused).from_addr(addr),
            )
            .await?;
        return Err(SignInError::Refused(one("password", FAILED)));
    };
    if super::second_factor::has_second_factor(store, user.user_id).await? {
        // Not a sign-in yet: the pause keeps counting until the second factor is right.
        store
            .append_audit(
                NewAuditEvent::by(&user, "auth.password", Outcome::Success)
                    .from_addr(addr)
                    .detail("second factor next"),
            )
            .await?;
        return Ok(PasswordChecked::SecondFactorNext(user));
    }
    complete(store, &user, addr, None).await?;
    Ok(PasswordChecked::SignedIn(user))
}

/// What a right password leads to.
#[derive(Debug)]
pub enum PasswordChecked {
    /// The account has no second factor: signed in.
    SignedIn(User),
    /// The account has a second factor, to be checked before the session starts.
    SecondFactorNext(User),
}

/// Records a completed sign-in (last sign-in, audit), which also starts the failure count
/// of the name afresh; `factor` says which second factor completed it.
pub async fn complete(
    store: &DynStore,
    user: &User,
    addr: IpAddr,
    factor: Option<super::second_factor::FactorUsed>,
) -> Result<(), OfficeError> {
    use super::second_factor::FactorUsed;
    store.record_sign_in(user.user_id).await?;
    let mut event = NewAuditEvent::by(user, "auth.sign_in", Outcome::Success).from_addr(addr);
    event = match factor {
        Some(FactorUsed::App) => event.detail("with an authenticator app"),
        Some(FactorUsed::RecoveryCode) => event.detail("with a recovery code"),
        Some(FactorUsed::Passkey) => event.detail("with a passkey"),
        Some(FactorUsed::PasskeyAlone) => event.detail("with a passkey alone, no password"),
        None => event,
    };
    store.append_audit(event).await?;
    Ok(())
}

/// Refuses (and audits) a sign-in step for `actor` from `addr` while guessing is paused.
///
/// Guessing is paused per name and client address after repeated failures (so nobody can
/// lock another person out from elsewhere), and per address across names (password
/// spraying). Unknown names are paused alike, so the pause tells nothing about which
/// accounts exist. Wrong second-factor codes count as failures too.
pub(crate) async fn check_pause(
    store: &DynStore,
    actor: &str,
    addr: IpAddr,
) -> Result<(), SignInError> {
    let address = addr.to_string();
    let since = time::OffsetDateTime::now_utc() - time::Duration::minutes(FAILURE_WINDOW_MINUTES);
    let failures = store
        .recent_sign_in_failures(actor, &address, since)
        .await?;
    if failures.pair >= MAX_FAILURES || failures.address >= MAX_ADDRESS_FAILURES {
        let why = if failures.pair >= MAX_FAILURES {
            "paused after repeated failures for this name from this address"
        } else {
            "paused after repeated failures from this address"
        };
        store
            .append_audit(
                NewAuditEvent::named(actor, "auth.sign_in", Outcome::Refused)
                    .from_addr(addr)
                    .detail(why),
            )
            .await?;
        return Err(SignInError::Paused(one(
            "password",
            format!(
                "Too many failed sign-ins. Wait {FAILURE_WINDOW_MINUTES} minutes, or ask an administrator to reset the password."
            ),
        )));
    }
    Ok(())
}

/// Records a sign-out.
pub async fn signed_out(store: &DynStore, user: &User, addr: IpAddr) -> Result<(), OfficeError> {
    store
        .append_audit(NewAuditEvent::by(user, "auth.sign_out", Outcome::Success).from_addr(addr))
        .await?;
    Ok(())
}
