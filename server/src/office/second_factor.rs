//! Second factors: enrolling an authenticator app, the recovery codes, checking a code at
//! sign-in and when a person confirms it is them before a sensitive step, and an
//! administrator's removal of a person's factors. Every step is audited; a wrong code counts
//! toward the sign-in pause like a wrong password.

use super::sign_in::{SignInError, check_pause};
use super::{Caller, OfficeError};
use crate::auth::{recovery, totp};
use crate::storage::{DynStore, NewAuditEvent, Outcome, User};
use probity_domain::validation::FieldErrors;
use std::net::IpAddr;

/// How long a confirmation (a second factor, or the password of an account without one)
/// stays fresh for the steps that ask for it, unless the settings say otherwise (tests).
pub const CONFIRMATION_SECONDS: i64 = 600;

/// The audit action of a refused code; the sign-in pause counts it.
pub const REFUSED_ACTION: &str = "auth.second_factor";

/// What the enrolment page shows while it waits for the first code.
#[derive(Clone, Debug)]
pub struct Enrolment {
    /// The secret in groups of four, to type into an app by hand.
    pub secret_grouped: String,
    /// The otpauth:// address as an SVG QR code.
    pub qr_svg: String,
}

/// Where a person stands with second factors.
#[derive(Clone, Debug)]
pub struct FactorStatus {
    /// When their authenticator app was confirmed, if it is.
    pub enrolled_at: Option<time::OffsetDateTime>,
    /// Recovery codes not used yet.
    pub recovery_left: i64,
    /// An enrolment started and waiting for its first code.
    pub waiting: Option<Enrolment>,
}

/// Which factor a code was.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FactorUsed {
    App,
    RecoveryCode,
    Passkey,
    /// A passkey in place of both the password and the second factor.
    PasskeyAlone,
}

fn one(field: &'static str, message: impl Into<String>) -> FieldErrors {
    let mut errors = FieldErrors::default();
    errors.add(field, message);
    errors
}

fn enrolment(secret: &str, issuer: &str, user: &User) -> Result<Enrolment, OfficeError> {
    let failed = |_| OfficeError::Failed("the TOTP secret could not be used".into());
    let generator = totp::totp(secret, issuer, &user.username).map_err(failed)?;
    let url = totp::provisioning_url(&generator).map_err(failed)?;
    Ok(Enrolment {
        secret_grouped: totp::grouped(secret),
        qr_svg: totp::qr_svg(&url).map_err(failed)?,
    })
}

fn now_seconds() -> u64 {
    u64::try_from(time::OffsetDateTime::now_utc().unix_timestamp()).unwrap_or(0)
}

/// True when the person has a confirmed second factor.
pub async fn has_second_factor(store: &DynStore, user_id: i64) -> Result<bool, OfficeError> {
    Ok(store
        .totp_factor(user_id)
        .await?
        .is_some_and(|factor| factor.confirmed_at.is_some()))
}

/// The person's second factors as the enrolment page shows them.
#[tracing::instrument(skip_all)]
pub async fn status(
    store: &DynStore,
    user: &User,
    issuer: &str,
) -> Result<FactorStatus, OfficeError> {
    let factor = store.totp_factor(user.user_id).await?;
    let waiting = match &factor {
        Some(factor) if factor.confirmed_at.is_none() => {
            Some(enrolment(&factor.secret, issuer, user)?)
        }
        _ => None,
    };
    Ok(FactorStatus {
        enrolled_at: factor.and_then(|factor| factor.confirmed_at),
        recovery_left: store.recovery_codes_left(user.user_id).await?,
        waiting,
    })
}

/// Starts enrolling an authenticator app with a new secret (replacing one that waited).
#[tracing::instrument(skip_all)]
pub async fn begin_enrolment(store: &DynStore, caller: &Caller) -> Result<(), OfficeError> {
    let secret = totp::new_secret();
    if !store.begin_totp(caller.user.user_id, &secret).await? {
        return Err(OfficeError::Conflict(
            "An authenticator app is already set up. Ask an administrator to remove it first.",
        ));
    }
    store
        .append_audit(caller.audit("auth.mfa_enrol_start", Outcome::Success))
        .await?;
    Ok(())
}

/// Checks the first code from the new app and, when right, turns the factor on and answers
/// ten new recovery codes, to be shown this once.
#[tracing::instrument(skip_all)]
pub async fn confirm_enrolment(
    store: &DynStore,
    caller: &Caller,
    typed: &str,
) -> Result<Vec<String>, OfficeError> {
    let user = &caller.user;
    let factor = store
        .totp_factor(user.user_id)
        .await?
        .filter(|factor| factor.confirmed_at.is_none())
        .ok_or(OfficeError::Conflict(
            "There is no enrolment waiting for a code. Start again.",
        ))?;
    let generator = totp::totp(&factor.secret, "Probity", &user.username)
        .map_err(|_| OfficeError::Failed("the TOTP secret could not be used".into()))?;
    let Some(step) = totp::matching_step(&generator, typed, now_seconds()) else {
        store
            .append_audit(
                caller
                    .audit("auth.mfa_enrol", Outcome::Refused)
                    .detail("code not right"),
            )
            .await?;
        return Err(OfficeError::Invalid(one(
            "code",
            "That code is not right. Type the six digits your app shows now; check that the phone's clock is set automatically.",
        )));
    };
    let codes: Vec<String> = (0..recovery::COUNT).map(|_| recovery::new_code()).collect();
    let hashes = hashes_of(&codes);
    let step = i64::try_from(step).unwrap_or(i64::MAX);
    if !store.confirm_totp(user.user_id, step, &hashes).await? {
        return Err(OfficeError::Stale);
    }
    store
        .append_audit(caller.audit("auth.mfa_enrol", Outcome::Success))
        .await?;
    Ok(codes)
}

fn hashes_of(codes: &[String]) -> Vec<String> {
    codes
        .iter()
        .filter_map(|code| recovery::normalise(code))
        .map(|canonical| recovery::hash(&canonical))
        .collect()
}

/// Replaces the person's recovery codes with ten new ones, shown this once.
#[tracing::instrument(skip_all)]
pub async fn new_recovery_codes(
    store: &DynStore,
    caller: &Caller,
) -> Result<Vec<String>, OfficeError> {
    if !has_second_factor(store, caller.user.user_id).await? {
        return Err(OfficeError::Conflict(
            "Set up an authenticator app first; recovery codes come with it.",
        ));
    }
    let codes: Vec<String> = (0..recovery::COUNT).map(|_| recovery::new_code()).collect();
    store
        .replace_recovery_codes(caller.user.user_id, &hashes_of(&codes))
        .await?;
    store
        .append_audit(caller.audit("auth.recovery_codes", Outcome::Success))
        .await?;
    Ok(codes)
}

/// Checks a typed code against the person's factors without auditing: six digits against the
/// app (each step once), anything else as a recovery code (each once).
async fn check_code(
    store: &DynStore,
    user: &User,
    typed: &str,
) -> Result<Option<FactorUsed>, OfficeError> {
    let Some(factor) = store
        .totp_factor(user.user_id)
        .await?
        .filter(|factor| factor.confirmed_at.is_some())
    else {
        return Ok(None);
    };
    let digits: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
    if digits.len() == 6 && digits.bytes().all(|b| b.is_ascii_digit()) {
        let generator = totp::totp(&factor.secret, "Probity", &user.username)
            .map_err(|_| OfficeError::Failed("the TOTP secret could not be used".into()))?;
        let Some(step) = totp::matching_step(&generator, &digits, now_seconds()) else {
            return Ok(None);
        };
        let step = i64::try_from(step).unwrap_or(i64::MAX);
        return Ok(store
            .use_totp_step(user.user_id, step)
            .await?
            .then_some(FactorUsed::App));
    }
    let Some(canonical) = recovery::normalise(typed) else {
        return Ok(None);
    };
    Ok(store
        .use_recovery_code(user.user_id, &recovery::hash(&canonical))
        .await?
        .then_some(FactorUsed::RecoveryCode))
}

/// The message for a code that is wrong, used already, or of no factor.
pub const CODE_NOT_RIGHT: &str = "That code is not right, or it was used already. Wait for the next code from your app, or use one of your recovery codes.";

/// Checks the second factor of a sign-in (or of a confirmation, `purpose` says which) from
/// `addr`, under the same pause as passwords: a refusal is audited and counted.
#[tracing::instrument(skip_all)]
pub async fn check_second_factor(
    store: &DynStore,
    user: &User,
    typed: &str,
    addr: IpAddr,
    purpose: &'static str,
) -> Result<FactorUsed, SignInError> {
    check_pause(store, &user.username, addr).await?;
    if typed.trim().is_empty() {
        return Err(SignInError::Refused(one("code", "Enter the code.")));
    }
    match check_code(store, user, typed).await? {
        Some(used) => {
            if used == FactorUsed::RecoveryCode {
                store
                    .append_audit(
                        NewAuditEvent::by(user, "auth.recovery_code_used", Outcome::Success)
                            .from_addr(addr)
                            .detail(purpose),
                    )
                    .await?;
            }
            Ok(used)
        }
        None => {
            store
                .append_audit(
                    NewAuditEvent::by(user, REFUSED_ACTION, Outcome::Refused)
                        .from_addr(addr)
                        .detail(purpose),
                )
                .await?;
            Err(SignInError::Refused(one("code", CODE_NOT_RIGHT)))
        }
    }
}

/// Removes every second factor of a person (an administrator's step, or `cli`) and ends
/// their sessions: a lost phone may be a stolen one. With `--require-mfa` they enrol again at
/// their next sign-in.
#[tracing::instrument(skip_all, fields(user_id = user.user_id))]
pub async fn reset(
    store: &DynStore,
    event: NewAuditEvent,
    user: &User,
) -> Result<bool, OfficeError> {
    let removed = store.remove_factors(user.user_id).await?;
    store
        .end_user_sessions(Some(user.user_id), None, "second factors removed")
        .await?;
    store
        .append_audit(
            event
                .target(format!("user:{}", user.username))
                .detail(if removed {
                    "second factors removed"
                } else {
                    "no second factor to remove"
                }),
        )
        .await?;
    Ok(removed)
}

/// An administrator removes a person's second factors (their phone is lost, or they leave
/// the authenticator app behind); audited, and the person's sessions end.
#[tracing::instrument(skip_all, fields(user_id))]
pub async fn reset_by_administrator(
    store: &DynStore,
    caller: &Caller,
    user_id: i64,
) -> Result<User, OfficeError> {
    use probity_domain::permissions::Action;
    super::cases::require(store, caller, Action::ManagePeople, "user.reset_mfa").await?;
    let user = store
        .user_by_id(user_id)
        .await?
        .ok_or(OfficeError::NotFound)?;
    reset(
        store,
        caller.audit("user.reset_mfa", Outcome::Success),
        &user,
    )
    .await?;
    Ok(user)
}

/// The person proves it is them again before a sensitive step: the code of their second
/// factor or, for an account without one (`--require-mfa false`), their password. Refusals
/// are audited and count toward the sign-in pause. Answers whether a second factor was used.
#[tracing::instrument(skip_all)]
pub async fn confirm_identity(
    store: &DynStore,
    hashing: &crate::auth::password::HashGate,
    caller: &Caller,
    code: &str,
    password: &str,
) -> Result<bool, SignInError> {
    let user = &caller.user;
    if has_second_factor(store, user.user_id).await? {
        return match check_second_factor(
            store,
            user,
            code,
            caller.addr,
            "confirming before a sensitive step",
        )
        .await
        {
            Ok(_) => Ok(true),
            Err(SignInError::Refused(errors)) => {
                Err(SignInError::Refused(renamed(errors, "reauth_code")))
            }
            Err(SignInError::Paused(errors)) => {
                Err(SignInError::Paused(renamed(errors, "reauth_code")))
            }
            Err(other) => Err(other),
        };
    }
    match check_pause(store, &user.username, caller.addr).await {
        Err(SignInError::Paused(errors)) => {
            return Err(SignInError::Paused(renamed(errors, "reauth_password")));
        }
        other => other?,
    }
    if password.is_empty() {
        return Err(SignInError::Refused(one(
            "reauth_password",
            "Enter your password.",
        )));
    }
    let matches = hashing
        .verify(password.to_string(), Some(user.password_hash.clone()))
        .await
        .map_err(SignInError::Hash)?;
    if !matches {
        store
            .append_audit(
                caller
                    .audit(REFUSED_ACTION, Outcome::Refused)
                    .detail("confirming before a sensitive step: password not right"),
            )
            .await?;
        return Err(SignInError::Refused(one(
            "reauth_password",
            "That password is not right.",
        )));
    }
    Ok(false)
}

/// The confirmation page's fields are `reauth_code` and `reauth_password` (so that they never
/// clash with the fields it carries): errors about `code` or `password` go to `to`.
fn renamed(errors: FieldErrors, to: &'static str) -> FieldErrors {
    let mut out = FieldErrors::default();
    for error in errors.0 {
        let field = if error.field == "code" || error.field == "password" {
            to
        } else {
            error.field
        };
        out.add(field, error.message);
    }
    out
}
