//! A case's timeline over the API: incidents, and events with their citations.

use super::problem::Problem;
use super::{ApiCaller, ApiPath};
use crate::http::AppState;
use crate::office::timeline;
use axum::Json;
use axum::extract::State;
use probity_domain::timeline::{Event, Incident};
use serde::Serialize;
use time::OffsetDateTime;
use utoipa::ToSchema;

/// An incident: a group of events on the timeline.
#[derive(Serialize, ToSchema)]
pub struct IncidentOut {
    pub id: i64,
    pub case_id: i64,
    pub title: String,
    pub summary: String,
    pub event_count: i64,
}

impl From<Incident> for IncidentOut {
    fn from(incident: Incident) -> IncidentOut {
        IncidentOut {
            id: incident.incident_id,
            case_id: incident.case_id,
            title: incident.title,
            summary: incident.summary,
            event_count: incident.event_count,
        }
    }
}

/// A party named on an event.
#[derive(Serialize, ToSchema)]
pub struct EventPartyOut {
    pub party_id: i64,
    pub name: String,
}

/// A citation of an exhibit or a message.
#[derive(Serialize, ToSchema)]
pub struct CitationOut {
    pub id: i64,
    /// `E-3`, or the message's first words.
    pub label: String,
}

/// One event of the timeline.
#[derive(Serialize, ToSchema)]
pub struct EventOut {
    pub id: i64,
    pub case_id: i64,
    pub incident_id: i64,
    pub incident_title: String,
    /// The earliest and latest instant it may have happened, UTC.
    pub earliest: String,
    pub latest: String,
    /// How exactly its time is known: `minute`, `hour`, `day`, `month`, ...
    pub precision: &'static str,
    /// As entered, in `time_zone`.
    pub local_start: String,
    pub local_end: String,
    pub time_zone: String,
    pub discovered_on: String,
    pub kind: &'static str,
    pub channel: &'static str,
    /// What information was involved.
    pub information: Vec<&'static str>,
    pub permitted_basis: &'static str,
    pub narrative: String,
    pub actors: Vec<EventPartyOut>,
    pub recipients: Vec<EventPartyOut>,
    /// Cited exhibits you may see.
    pub exhibits: Vec<CitationOut>,
    /// Cited messages you may see.
    pub messages: Vec<CitationOut>,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    pub version: i64,
}

impl From<Event> for EventOut {
    fn from(event: Event) -> EventOut {
        let parties = |parties: Vec<probity_domain::timeline::EventParty>| {
            parties
                .into_iter()
                .map(|party| EventPartyOut {
                    party_id: party.party_id,
                    name: party.name,
                })
                .collect()
        };
        let cited = |cited: Vec<(i64, String)>| {
            cited
                .into_iter()
                .map(|(id, label)| CitationOut { id, label })
                .collect()
        };
        EventOut {
            id: event.event_id,
            case_id: event.case_id,
            incident_id: event.incident_id,
            incident_title: event.incident_title,
            earliest: event.earliest,
            latest: event.latest,
            precision: event.precision.as_str(),
            local_start: event.local_start,
            local_end: event.local_end,
            time_zone: event.time_zone,
            discovered_on: event.discovered_on,
            kind: event.kind.as_str(),
            channel: event.channel.as_str(),
            information: event.information.iter().map(|info| info.as_str()).collect(),
            permitted_basis: event.permitted_basis.as_str(),
            narrative: event.narrative,
            actors: parties(event.actors),
            recipients: parties(event.recipients),
            exhibits: cited(event.exhibits),
            messages: cited(event.messages),
            updated_at: event.updated_at,
            version: event.version,
        }
    }
}

/// A case's incidents.
#[utoipa::path(
    get,
    path = "/api/v1/cases/{case_id}/incidents",
    tag = "timeline",
    params(("case_id" = i64, Path, description = "The case's id")),
    responses((status = 200, description = "The incidents", body = Vec<IncidentOut>)),
    security(("token" = []))
)]
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn incidents(
    State(state): State<AppState>,
    api: ApiCaller,
    ApiPath(case_id): ApiPath<i64>,
) -> Result<Json<Vec<IncidentOut>>, Problem> {
    let incidents = timeline::incidents(&state.store, &api.caller, case_id).await?;
    Ok(Json(incidents.into_iter().map(Into::into).collect()))
}

/// A case's events in time order.
#[utoipa::path(
    get,
    path = "/api/v1/cases/{case_id}/events",
    tag = "timeline",
    params(("case_id" = i64, Path, description = "The case's id")),
    responses((status = 200, description = "The events", body = Vec<EventOut>)),
    security(("token" = []))
)]
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn events(
    State(state): State<AppState>,
    api: ApiCaller,
    ApiPath(case_id): ApiPath<i64>,
) -> Result<Json<Vec<EventOut>>, Problem> {
    let events = timeline::events(&state.store, &api.caller, case_id, None).await?;
    Ok(Json(events.into_iter().map(Into::into).collect()))
}

/// One incident's events in time order.
#[utoipa::path(
    get,
    path = "/api/v1/cases/{case_id}/incidents/{incident_id}/events",
    tag = "timeline",
    params(
        ("case_id" = i64, Path, description = "The case's id"),
        ("incident_id" = i64, Path, description = "The incident's id"),
    ),
    responses((status = 200, description = "The events", body = Vec<EventOut>)),
    security(("token" = []))
)]
#[tracing::instrument(skip_all, fields(case_id, incident_id))]
pub async fn incident_events(
    State(state): State<AppState>,
    api: ApiCaller,
    ApiPath((case_id, incident_id)): ApiPath<(i64, i64)>,
) -> Result<Json<Vec<EventOut>>, Problem> {
    let events = timeline::events(&state.store, &api.caller, case_id, Some(incident_id)).await?;
    Ok(Json(events.into_iter().map(Into::into).collect()))
}
