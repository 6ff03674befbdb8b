//! Reading the audit trail: for the roles the permission table allows, a filtered page at
//! a time, newest first. Reading it is itself audited.

use super::cases::require;
use super::{Caller, OfficeError};
use crate::storage::{AuditEvent, AuditFilter, DynStore, Outcome};
use probity_domain::permissions::Action;

/// The trail's filters as sent, before they are understood.
#[derive(Clone, Debug, Default)]
pub struct TrailQuery {
    /// A username, exactly (any case).
    pub actor: String,
    /// An action, or an area ending with a dot (`case.`).
    pub action: String,
    /// A case number.
    pub case_number: String,
    /// `success` or `refused`.
    pub outcome: String,
    /// Entries older than this id.
    pub before: Option<i64>,
}

/// One page of the trail.
pub struct TrailPage {
    pub events: Vec<AuditEvent>,
    /// Where the next page starts, when there is one.
    pub next_before: Option<i64>,
    /// The case number asked for does not exist (the page is then empty).
    pub unknown_case: Option<String>,
    /// The newest integrity check.
    pub integrity: Option<crate::storage::chains::IntegrityCheck>,
}

/// One page of the audit trail.
#[tracing::instrument(skip_all)]
pub async fn read_trail(
    store: &DynStore,
    caller: &Caller,
    query: &TrailQuery,
    limit: i64,
) -> Result<TrailPage, OfficeError> {
    require(store, caller, Action::ReadAudit, "audit.view").await?;
    let limit = limit.clamp(1, 500);
    let case_number = query.case_number.trim();
    let mut unknown_case = None;
    let case_id = if case_number.is_empty() {
        None
    } else {
        match store.case_by_number(case_number).await? {
            Some(case) => Some(case.case_id),
            None => {
                unknown_case = Some(case_number.to_string());
                // Matches nothing rather than everything.
                Some(-1)
            }
        }
    };
    let filter = AuditFilter {
        actor: Some(query.actor.trim().to_lowercase()).filter(|a| !a.is_empty()),
        action: Some(query.action.trim().to_string()).filter(|a| !a.is_empty()),
        case_id,
        outcome: Outcome::parse(query.outcome.trim()),
        before_id: query.before,
    };
    let mut events = store.list_audit(&filter, limit + 1).await?;
    let has_more = events.len() as i64 > limit;
    events.truncate(limit as usize);
    let next_before = has_more
        .then(|| events.last().map(|event| event.audit_event_id))
        .flatten();
    store
        .append_audit(
            caller
                .audit("audit.view", Outcome::Success)
                .detail(format!("{} shown", events.len())),
        )
        .await?;
    let integrity = store.latest_integrity_check().await?;
    Ok(TrailPage {
        events,
        next_before,
        unknown_case,
        integrity,
    })
}
