//! The office's rules, in one layer that the HTML pages call and the JSON API will call:
//! who may do what to which case, what is recorded in the audit trail, and (as the
//! restructuring of issue 14 moves them here from the page handlers) validation, evidence
//! intake, the report workflow and the sign-in policy.
//!
//! Nothing here knows the web: no axum, no leptos, no tower_sessions (a test checks). A
//! request reaches this layer as a [`Caller`] and leaves it as a value or an
//! [`OfficeError`], which each adapter turns into its own answer (a page, a redirect, a
//! problem document).

pub mod audit;
pub mod cases;
pub mod checkpoints;
pub mod complaints;
pub mod evidence;
pub mod export;
pub mod findings;
pub mod integrity;
pub mod interviews;
pub mod jobs;
pub mod messages;
pub mod outcomes;
pub mod passkeys;
pub mod people;
pub mod plan;
pub mod recommendations;
pub mod records;
pub mod redactions;
pub mod reports;
pub mod search;
pub mod second_factor;
pub mod sessions;
pub mod setup;
pub mod sign_in;
pub mod statistics;
pub mod team;
pub mod timeline;
pub mod tokens;
pub mod validate;

use crate::storage::{NewAuditEvent, Outcome, StoreError, User};
use probity_domain::validation::FieldErrors;
use std::net::IpAddr;

/// Who is asking, and from where: a signed-in person, whatever the channel.
#[derive(Clone, Debug)]
pub struct Caller {
    pub user: User,
    pub addr: IpAddr,
    /// The channel when not the pages, as the audit trail records it (an API token's name).
    pub via: Option<String>,
    /// True when the caller proved it is them within the last ten minutes (their second
    /// factor), as the most sensitive steps require.
    pub confirmed: bool,
}

impl Caller {
    /// An audit entry about this caller's request.
    pub fn audit(&self, action: &'static str, outcome: Outcome) -> NewAuditEvent {
        let mut event = NewAuditEvent::by(&self.user, action, outcome).from_addr(self.addr);
        event.via = self.via.clone();
        event
    }
}

/// Why the office refused or could not do something. The messages are for people; none
/// carries an internal detail but [`OfficeError::Store`], which adapters log, never show.
#[derive(Debug, thiserror::Error)]
pub enum OfficeError {
    /// No such thing, or one the caller may not know exists: both answer alike.
    #[error("not found")]
    NotFound,
    /// The caller may see it but not do this; the message says why in plain words.
    #[error("forbidden: {0}")]
    Forbidden(&'static str),
    /// What was sent breaks a rule; each field says which.
    #[error("invalid input")]
    Invalid(FieldErrors),
    /// Someone else changed it first.
    #[error("changed by someone else")]
    Stale,
    /// It is not in a state that allows this now; the message says why.
    #[error("conflict: {0}")]
    Conflict(&'static str),
    /// Too many password checks at once; try again in a moment.
    #[error("busy")]
    Busy,
    /// The leak check found redacted strings or unreleased personal data in the files about
    /// to be published; nothing was published.
    #[error("leak check")]
    Leaked(Vec<probity_domain::reports::LeakHit>),
    /// A step failed on our side (rendering, a tool); the detail is for the log only.
    #[error("failed: {0}")]
    Failed(String),
    /// Stored evidence no longer has the hash recorded when it was received (the alarm is
    /// already recorded).
    #[error("integrity alarm")]
    Integrity,
    /// The step needs the caller to prove it is them again (their second factor, at most ten
    /// minutes old) before it is done.
    #[error("confirmation needed")]
    ConfirmationNeeded,
    /// Storage failed.
    #[error(transparent)]
    Store(StoreError),
    /// The blob store failed.
    #[error(transparent)]
    Blob(crate::blobs::BlobError),
}

impl From<crate::auth::password::HashError> for OfficeError {
    fn from(error: crate::auth::password::HashError) -> Self {
        match error {
            crate::auth::password::HashError::Busy => OfficeError::Busy,
            crate::auth::password::HashError::Failed(detail) => OfficeError::Failed(detail),
        }
    }
}

impl From<StoreError> for OfficeError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound => OfficeError::NotFound,
            StoreError::Stale => OfficeError::Stale,
            other => OfficeError::Store(other),
        }
    }
}

#[cfg(test)]
mod layering {
    /// The office layer stays free of the web adapters: no source file under `office/` uses
    /// axum, leptos or tower_sessions.
    #[test]
    fn the_office_layer_imports_no_web_framework() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/office");
        let mut checked = 0;
        for entry in std::fs::read_dir(&root).expect("read office/") {
            let path = entry.expect("entry").path();
            let source = std::fs::read_to_string(&path).expect("read a file");
            // The words are split so that this test's own text does not match.
            for name in [
                concat!("ax", "um"),
                concat!("lep", "tos"),
                concat!("tower", "_sessions"),
            ] {
                assert!(
                    !source.contains(&format!("{name}::"))
                        && !source.contains(&format!("use {name}")),
                    "{} uses {name}",
                    path.display()
                );
            }
            checked += 1;
        }
        assert!(checked >= 2);
    }
}
