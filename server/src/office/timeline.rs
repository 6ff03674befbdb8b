//! Reading a case's timeline: its incidents, and its events in time order with the
//! citations the caller may see.

use super::cases::{open_case, record};
use super::{Caller, OfficeError};
use crate::storage::DynStore;
use probity_domain::permissions::Action;
use probity_domain::timeline::{Event, Incident};

/// A case's incidents (audited).
pub async fn incidents(
    store: &DynStore,
    caller: &Caller,
    case_id: i64,
) -> Result<Vec<Incident>, OfficeError> {
    open_case(store, caller, case_id, Action::ReadCase, "timeline.view").await?;
    let incidents = store.incidents(case_id).await?;
    record(
        store,
        caller,
        case_id,
        "timeline.view",
        None,
        Some("incidents".into()),
    )
    .await?;
    Ok(incidents)
}

/// A case's events (or one incident's) in time order, with the citations of exhibits and
/// messages the caller may see (audited).
pub async fn events(
    store: &DynStore,
    caller: &Caller,
    case_id: i64,
    incident_id: Option<i64>,
) -> Result<Vec<Event>, OfficeError> {
    open_case(store, caller, case_id, Action::ReadCase, "timeline.view").await?;
    if let Some(incident_id) = incident_id
        && !store
            .incidents(case_id)
            .await?
            .iter()
            .any(|incident| incident.incident_id == incident_id)
    {
        return Err(OfficeError::NotFound);
    }
    let events = store
        .events(case_id, incident_id, caller.user.user_id)
        .await?;
    record(
        store,
        caller,
        case_id,
        "timeline.view",
        incident_id.map(|id| format!("incident:{id}")),
        Some(format!("{} events", events.len())),
    )
    .await?;
    Ok(events)
}
