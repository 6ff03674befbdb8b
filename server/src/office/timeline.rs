//! A case's timeline: its incidents, and its events in time order with the citations the
//! caller may see; opening incidents, adding events and saving new versions of them.

use super::cases::{open_case, record};
use super::{Caller, OfficeError, validate};
use crate::storage::DynStore;
use crate::storage::cases::is_iso_date;
use crate::storage::timeline::NewEvent;
use crate::timeline::bounds;
use probity_domain::permissions::Action;
use probity_domain::timeline::{
    Channel, Event, EventFields, EventKind, Incident, Information, PermittedBasis, Precision,
};
use probity_domain::validation::FieldErrors;

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

/// Opens a new incident on the case's timeline.
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn create_incident(
    store: &DynStore,
    caller: &Caller,
    case_id: i64,
    title: &str,
    summary: &str,
) -> Result<Incident, OfficeError> {
    open_case(store, caller, case_id, Action::EditCase, "incident.create").await?;
    let mut errors = FieldErrors::default();
    let title = validate::line(&mut errors, "title", title, true, 200, "a title");
    let summary = validate::text(&mut errors, "summary", summary, false, 5_000, "a summary");
    if !errors.is_empty() {
        return Err(OfficeError::Invalid(errors));
    }
    let incident = store.create_incident(case_id, &title, &summary).await?;
    record(
        store,
        caller,
        case_id,
        "incident.create",
        Some(format!("incident:{}", incident.incident_id)),
        None,
    )
    .await?;
    Ok(incident)
}

/// One incident of the case, or `NotFound`.
pub async fn find_incident(
    store: &DynStore,
    case_id: i64,
    incident_id: i64,
) -> Result<Incident, OfficeError> {
    store
        .incidents(case_id)
        .await?
        .into_iter()
        .find(|incident| incident.incident_id == incident_id)
        .ok_or(OfficeError::NotFound)
}

/// One event of the case as the caller sees it, or `NotFound`.
pub async fn find_event(
    store: &DynStore,
    caller: &Caller,
    case_id: i64,
    event_id: i64,
) -> Result<Event, OfficeError> {
    store
        .events(case_id, None, caller.user.user_id)
        .await?
        .into_iter()
        .find(|event| event.event_id == event_id)
        .ok_or(OfficeError::NotFound)
}

/// The messages among `ids` that are the case's and in logs the caller may see.
pub async fn visible_messages(
    store: &DynStore,
    caller: &Caller,
    case_id: i64,
    ids: &[i64],
) -> Result<Vec<i64>, OfficeError> {
    let visible: Vec<i64> = store
        .exhibits(case_id, caller.user.user_id)
        .await?
        .into_iter()
        .map(|e| e.exhibit_id)
        .collect();
    visible_message_ids(store, &visible, case_id, ids).await
}

async fn visible_message_ids(
    store: &DynStore,
    visible_exhibits: &[i64],
    case_id: i64,
    ids: &[i64],
) -> Result<Vec<i64>, OfficeError> {
    let mut out = Vec::new();
    for id in ids {
        if let Some(message) = store.message(case_id, *id).await?
            && visible_exhibits.contains(&message.exhibit_id)
        {
            out.push(*id);
        }
    }
    Ok(out)
}

/// Checks an event against its case: its time, kind, channel and basis, and that the
/// parties, exhibits and messages it cites are the case's (exhibits and messages the caller
/// may see). The summary kept with the version says what the event says.
pub async fn validate_event(
    store: &DynStore,
    caller: &Caller,
    case_id: i64,
    incident_id: i64,
    v: &EventFields,
) -> Result<NewEvent, OfficeError> {
    let mut errors = FieldErrors::default();
    let precision = validate::choice(
        &mut errors,
        "precision",
        &v.precision,
        Precision::parse,
        "how exactly the time is known",
    );
    let zone = jiff::tz::TimeZone::get(v.time_zone.trim());
    if zone.is_err() {
        errors.add(
            "time_zone",
            "Enter a time zone name such as America/New_York or UTC.",
        );
    }
    let found = match (precision, &zone) {
        (Some(precision), Ok(zone)) => match bounds(&v.start, &v.end, precision, zone) {
            Ok(found) => Some(found),
            Err((field, message)) => {
                errors.add(if field == "end" { "end" } else { "start" }, message);
                None
            }
        },
        _ => None,
    };
    let discovered_on = v.discovered_on.trim().to_string();
    if !discovered_on.is_empty() && !is_iso_date(&discovered_on) {
        errors.add("discovered_on", "Enter the date as YYYY-MM-DD.");
    }
    let kind = validate::choice(
        &mut errors,
        "kind",
        &v.kind,
        EventKind::parse,
        "the kind of event",
    );
    let channel = validate::choice(
        &mut errors,
        "channel",
        &v.channel,
        Channel::parse,
        "the channel",
    );
    let basis = validate::choice(
        &mut errors,
        "permitted_basis",
        &v.permitted_basis,
        PermittedBasis::parse,
        "whether a permitted basis existed",
    );
    let information: Vec<Information> = v
        .information
        .iter()
        .filter_map(|i| Information::parse(i))
        .collect();
    let narrative = validate::text(
        &mut errors,
        "narrative",
        &v.narrative,
        true,
        10_000,
        "what happened",
    );
    let parties = store.parties(case_id).await?;
    let party_ids = |values: &[String]| -> Vec<i64> {
        values
            .iter()
            .filter_map(|id| id.trim().parse().ok())
            .filter(|id| parties.iter().any(|p| p.party_id == *id))
            .collect()
    };
    let actors = party_ids(&v.actors);
    let recipients = party_ids(&v.recipients);
    let visible: Vec<i64> = store
        .exhibits(case_id, caller.user.user_id)
        .await?
        .into_iter()
        .map(|e| e.exhibit_id)
        .collect();
    let exhibits: Vec<i64> = v
        .exhibits
        .iter()
        .filter_map(|id| id.trim().parse().ok())
        .filter(|id| visible.contains(id))
        .collect();
    let mut message_ids = Vec::new();
    for part in v
        .messages
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|p| !p.is_empty())
    {
        match part.trim_start_matches('#').parse::<i64>() {
            Ok(id) => message_ids.push(id),
            Err(_) => errors.add("messages", format!("\"{part}\" is not a message number.")),
        }
    }
    message_ids.truncate(100);
    let messages = visible_message_ids(store, &visible, case_id, &message_ids).await?;
    let case_interviews = store.interviews(case_id).await?;
    let interviews: Vec<i64> = v
        .interviews
        .iter()
        .filter_map(|id| id.trim().parse().ok())
        .filter(|id| case_interviews.iter().any(|i| i.interview_id == *id))
        .collect();
    if messages.len() < message_ids.len() && errors.get("messages").is_none() {
        errors.add(
            "messages",
            "Some of these numbers are not messages of this case that you can see.",
        );
    }
    let (Some(found), Some(precision), Ok(zone), Some(kind), Some(channel), Some(basis), true) = (
        found,
        precision,
        zone,
        kind,
        channel,
        basis,
        errors.is_empty(),
    ) else {
        return Err(OfficeError::Invalid(errors));
    };
    let name = |id: &i64| {
        parties
            .iter()
            .find(|p| p.party_id == *id)
            .map(|p| p.name.clone())
            .unwrap_or_default()
    };
    // Old summaries are unchanged for events that cite no interview.
    let cited_interviews = if interviews.is_empty() {
        String::new()
    } else {
        let labels: Vec<String> = case_interviews
            .iter()
            .filter(|i| interviews.contains(&i.interview_id))
            .map(|i| i.label())
            .collect();
        format!(", and interviews {}", labels.join(", "))
    };
    let span = if found.local_end.is_empty() {
        found.local_start.clone()
    } else {
        format!("{} to {}", found.local_start, found.local_end)
    };
    let summary = format!(
        "{span} ({}, {})\n{} by {} to {} via {}\nInformation: {}\nPermitted basis: {}\nCites {} exhibits and {} messages{}\n{}",
        zone.iana_name().unwrap_or("UTC"),
        precision.label(),
        kind.label(),
        actors.iter().map(name).collect::<Vec<_>>().join(", "),
        recipients.iter().map(name).collect::<Vec<_>>().join(", "),
        channel.label(),
        information
            .iter()
            .map(|i| i.label())
            .collect::<Vec<_>>()
            .join(", "),
        basis.label(),
        exhibits.len(),
        messages.len(),
        cited_interviews,
        narrative
    );
    Ok(NewEvent {
        case_id,
        incident_id,
        bounds: found,
        precision,
        time_zone: zone.iana_name().unwrap_or("UTC").to_string(),
        discovered_on,
        kind,
        channel,
        information,
        permitted_basis: basis,
        narrative,
        actors,
        recipients,
        exhibits,
        messages,
        interviews,
        summary,
        by: caller.user.user_id,
    })
}

/// Adds an event to an incident; its id.
#[tracing::instrument(skip_all, fields(case_id, incident_id))]
pub async fn create_event(
    store: &DynStore,
    caller: &Caller,
    case_id: i64,
    incident_id: i64,
    fields: &EventFields,
) -> Result<i64, OfficeError> {
    open_case(store, caller, case_id, Action::EditCase, "event.create").await?;
    find_incident(store, case_id, incident_id).await?;
    let event = validate_event(store, caller, case_id, incident_id, fields).await?;
    let event_id = store.create_event(event).await?;
    record(
        store,
        caller,
        case_id,
        "event.create",
        Some(format!("event:{event_id}")),
        None,
    )
    .await?;
    Ok(event_id)
}

/// Saves a new version of an event, based on `version`. Citations of exhibits the editor
/// may not see were not theirs to change: they stay.
#[tracing::instrument(skip_all, fields(case_id, event_id))]
pub async fn update_event(
    store: &DynStore,
    caller: &Caller,
    case_id: i64,
    event_id: i64,
    version: i64,
    fields: &EventFields,
) -> Result<(), OfficeError> {
    open_case(store, caller, case_id, Action::EditCase, "event.update").await?;
    let event = find_event(store, caller, case_id, event_id).await?;
    let mut new = validate_event(store, caller, case_id, event.incident_id, fields).await?;
    let visible: Vec<i64> = store
        .exhibits(case_id, caller.user.user_id)
        .await?
        .into_iter()
        .map(|exhibit| exhibit.exhibit_id)
        .collect();
    for cited in store.event_exhibit_ids(event_id).await? {
        if !visible.contains(&cited) && !new.exhibits.contains(&cited) {
            new.exhibits.push(cited);
        }
    }
    store.update_event(event_id, version, new).await?;
    record(
        store,
        caller,
        case_id,
        "event.update",
        Some(format!("event:{event_id}")),
        None,
    )
    .await
}
