//! First run: while no account exists, the first administrator is created with the setup
//! token the server prints in its log at start (and writes to `<data-dir>/setup-token`). The
//! token is asked for always: a request from this machine may come from a proxy or a foreign
//! page that rebinds its name to 127.0.0.1.

use super::OfficeError;
use crate::accounts::{NewAccountInput, validate_new_account};
use crate::auth::password::HashGate;
use crate::auth::secrets_match;
use crate::storage::{DynStore, NewAuditEvent, NewUser, Outcome, Store, StoreResult, User};
use probity_domain::roles::Role;
use probity_domain::validation::FieldError;
use std::net::IpAddr;
use std::sync::atomic::{AtomicBool, Ordering};

/// Why setup is refused once it is done.
pub const ALREADY_SET_UP: &str =
    "Probity has already been set up. Sign in, or ask an administrator for an account.";

/// Whether setup is still open, and the token that opens it from elsewhere.
pub struct SetupGate {
    token: String,
    done: AtomicBool,
}

impl SetupGate {
    /// A gate with a fresh token.
    pub fn new() -> Self {
        Self::with_token(crate::auth::random_token())
    }

    /// A gate asking for `token` (the one every node shares, [`Store::setup_token`]).
    pub fn with_token(token: String) -> Self {
        Self {
            token,
            done: AtomicBool::new(false),
        }
    }

    /// The token to print in the log.
    pub fn token(&self) -> &str {
        &self.token
    }

    /// True once any account exists. Checked in the database until it is true, then
    /// remembered: accounts are disabled, never deleted, so it cannot become false again.
    pub async fn is_done(&self, store: &dyn Store) -> StoreResult<bool> {
        if self.done.load(Ordering::Acquire) {
            return Ok(true);
        }
        let done = store.count_users().await? > 0;
        if done {
            self.done.store(true, Ordering::Release);
        }
        Ok(done)
    }
}

impl Default for SetupGate {
    fn default() -> Self {
        Self::new()
    }
}

/// The first administrator as the setup form sends it.
#[derive(Clone, Debug, Default)]
pub struct FirstAdmin<'a> {
    pub setup_token: &'a str,
    pub username: &'a str,
    pub display_name: &'a str,
    pub password: &'a str,
    pub password_confirm: &'a str,
}

/// Creates the first administrator, once, from `addr`. Refused (and audited) when an
/// account already exists, also when another request finished setup a moment before.
#[tracing::instrument(skip_all)]
pub async fn create_first_admin(
    store: &DynStore,
    hashing: &HashGate,
    gate: &SetupGate,
    sent: &FirstAdmin<'_>,
    addr: IpAddr,
) -> Result<User, OfficeError> {
    let audit =
        |outcome| NewAuditEvent::named("setup", "setup.create_admin", outcome).from_addr(addr);
    if gate.is_done(&**store).await? {
        store.append_audit(audit(Outcome::Refused)).await?;
        return Err(OfficeError::Forbidden(ALREADY_SET_UP));
    }
    let (mut errors, valid) = validate_new_account(&NewAccountInput {
        username: sent.username,
        display_name: sent.display_name,
        password: sent.password,
        password_confirm: sent.password_confirm,
    });
    if !secrets_match(sent.setup_token.trim(), gate.token()) {
        errors.0.insert(
            0,
            FieldError {
                field: "setup_token",
                message: "Type the setup token printed in the server log.".to_string(),
            },
        );
    }
    let Some(valid) = valid.filter(|_| errors.is_empty()) else {
        return Err(OfficeError::Invalid(errors));
    };
    let hash = hashing.hash(sent.password.to_string()).await?;
    let created = store
        .create_first_admin(NewUser {
            username: valid.username.clone(),
            display_name: valid.display_name,
            role: Role::Administrator,
            password_hash: hash,
        })
        .await?;
    let Some(user) = created else {
        // Someone else finished setup between our check and our insert.
        store.append_audit(audit(Outcome::Refused)).await?;
        return Err(OfficeError::Forbidden(ALREADY_SET_UP));
    };
    gate.is_done(&**store).await?;
    // The token opened what it was for; no node asks for it again.
    store.clear_setup_token().await?;
    store
        .append_audit(
            audit(Outcome::Success)
                .user_id(user.user_id)
                .target(format!("user:{}", user.username)),
        )
        .await?;
    tracing::info!(username = %user.username, "first administrator created");
    Ok(user)
}
