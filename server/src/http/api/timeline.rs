//! A case's timeline over the API: incidents, and events with their citations; opening an
//! incident, adding an event, saving a new version of one (with If-Match).

use super::problem::Problem;
use super::{ApiCaller, ApiJson, ApiPath, SeenCase, Writer, if_match, tagged};
use crate::http::AppState;
use crate::office::{OfficeError, timeline};
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use probity_domain::timeline::{Event, EventFields, Incident};
use serde::{Deserialize, Serialize};
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
    /// Cited interviews (memoranda of interview).
    pub interviews: Vec<CitationOut>,
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
            interviews: cited(event.interviews),
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

/// An incident as sent.
#[derive(Deserialize, ToSchema)]
pub struct IncidentIn {
    #[schema(max_length = 200)]
    pub title: String,
    #[serde(default)]
    #[schema(max_length = 5000)]
    pub summary: String,
}

/// An event as sent. Times are local to `time_zone`: `YYYY-MM-DD HH:MM` for a minute,
/// `YYYY-MM-DD` for a day, `YYYY-MM` for a month; `end` for a span.
#[derive(Deserialize, ToSchema)]
pub struct EventIn {
    pub start: String,
    #[serde(default)]
    pub end: String,
    /// `minute`, `hour`, `day`, `month`, ...
    pub precision: String,
    /// An IANA zone, e.g. `America/New_York`.
    pub time_zone: String,
    /// `YYYY-MM-DD`, when the office learnt of it.
    #[serde(default)]
    pub discovered_on: String,
    pub kind: String,
    pub channel: String,
    /// What information was involved.
    #[serde(default)]
    pub information: Vec<String>,
    pub permitted_basis: String,
    #[schema(max_length = 10000)]
    pub narrative: String,
    /// Party ids of the case.
    #[serde(default)]
    pub actors: Vec<i64>,
    #[serde(default)]
    pub recipients: Vec<i64>,
    /// Exhibit ids of the case you may see.
    #[serde(default)]
    pub exhibits: Vec<i64>,
    /// Message ids of the case you may see (at most 100).
    #[serde(default)]
    pub messages: Vec<i64>,
    /// Interview ids of the case.
    #[serde(default)]
    pub interviews: Vec<i64>,
}

impl EventIn {
    /// The fields the office validates, as the form would send them.
    fn fields(self) -> EventFields {
        let ids = |ids: Vec<i64>| ids.into_iter().map(|id| id.to_string()).collect();
        EventFields {
            start: self.start,
            end: self.end,
            precision: self.precision,
            time_zone: self.time_zone,
            discovered_on: self.discovered_on,
            kind: self.kind,
            channel: self.channel,
            information: self.information,
            permitted_basis: self.permitted_basis,
            narrative: self.narrative,
            actors: ids(self.actors),
            recipients: ids(self.recipients),
            exhibits: ids(self.exhibits),
            interviews: ids(self.interviews),
            messages: self
                .messages
                .iter()
                .map(i64::to_string)
                .collect::<Vec<_>>()
                .join(", "),
            version: String::new(),
        }
    }
}

/// An event with its ETag.
fn event_response(status: StatusCode, event: Event) -> Response {
    tagged(status, event.version, EventOut::from(event))
}

/// Opens an incident on the case's timeline.
#[utoipa::path(
    post,
    path = "/api/v1/cases/{case_id}/incidents",
    tag = "timeline",
    params(("case_id" = i64, Path, description = "The case's id")),
    request_body = IncidentIn,
    responses(
        (status = 201, description = "The new incident", body = IncidentOut),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Some values are not valid", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = []))
)]
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn create_incident(
    State(state): State<AppState>,
    Writer(caller): Writer,
    ApiPath(case_id): ApiPath<i64>,
    _seen: SeenCase,
    ApiJson(body): ApiJson<IncidentIn>,
) -> Result<Response, Problem> {
    let incident =
        timeline::create_incident(&state.store, &caller, case_id, &body.title, &body.summary)
            .await?;
    Ok((StatusCode::CREATED, Json(IncidentOut::from(incident))).into_response())
}

/// One event, with its ETag.
#[utoipa::path(
    get,
    path = "/api/v1/cases/{case_id}/events/{event_id}",
    tag = "timeline",
    params(
        ("case_id" = i64, Path, description = "The case's id"),
        ("event_id" = i64, Path, description = "The event's id"),
    ),
    responses((status = 200, description = "The event", body = EventOut,
        headers(("ETag" = String, description = "The event's version")))),
    security(("token" = []))
)]
#[tracing::instrument(skip_all, fields(case_id, event_id))]
pub async fn event(
    State(state): State<AppState>,
    api: ApiCaller,
    ApiPath((case_id, event_id)): ApiPath<(i64, i64)>,
) -> Result<Response, Problem> {
    let events = timeline::events(&state.store, &api.caller, case_id, None).await?;
    let event = events
        .into_iter()
        .find(|event| event.event_id == event_id)
        .ok_or_else(Problem::not_found)?;
    Ok(event_response(StatusCode::OK, event))
}

/// Adds an event to an incident.
#[utoipa::path(
    post,
    path = "/api/v1/cases/{case_id}/incidents/{incident_id}/events",
    tag = "timeline",
    params(
        ("case_id" = i64, Path, description = "The case's id"),
        ("incident_id" = i64, Path, description = "The incident's id"),
    ),
    request_body = EventIn,
    responses(
        (status = 201, description = "The new event", body = EventOut),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Some values are not valid", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = []))
)]
#[tracing::instrument(skip_all, fields(case_id, incident_id))]
pub async fn create_event(
    State(state): State<AppState>,
    Writer(caller): Writer,
    ApiPath((case_id, incident_id)): ApiPath<(i64, i64)>,
    _seen: SeenCase,
    ApiJson(body): ApiJson<EventIn>,
) -> Result<Response, Problem> {
    let event_id =
        timeline::create_event(&state.store, &caller, case_id, incident_id, &body.fields()).await?;
    let event = timeline::find_event(&state.store, &caller, case_id, event_id).await?;
    Ok(event_response(StatusCode::CREATED, event))
}

/// Saves a new version of an event, based on the version in `If-Match`; the earlier ones
/// are kept.
#[utoipa::path(
    put,
    path = "/api/v1/cases/{case_id}/events/{event_id}",
    tag = "timeline",
    params(
        ("case_id" = i64, Path, description = "The case's id"),
        ("event_id" = i64, Path, description = "The event's id"),
        ("If-Match" = String, Header, description = "The ETag the change is based on"),
    ),
    request_body = EventIn,
    responses(
        (status = 200, description = "The event as saved", body = EventOut),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Changed since that version", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Some values are not valid", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "No If-Match", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = []))
)]
#[tracing::instrument(skip_all, fields(case_id, event_id))]
pub async fn update_event(
    State(state): State<AppState>,
    Writer(caller): Writer,
    ApiPath((case_id, event_id)): ApiPath<(i64, i64)>,
    _seen: SeenCase,
    headers: HeaderMap,
    ApiJson(body): ApiJson<EventIn>,
) -> Result<Response, Problem> {
    let version = if_match(&headers)?;
    match timeline::update_event(
        &state.store,
        &caller,
        case_id,
        event_id,
        version,
        &body.fields(),
    )
    .await
    {
        Ok(()) => {
            let event = timeline::find_event(&state.store, &caller, case_id, event_id).await?;
            Ok(event_response(StatusCode::OK, event))
        }
        Err(OfficeError::Stale) => {
            let current = timeline::find_event(&state.store, &caller, case_id, event_id).await?;
            Err(Problem::stale(Some(current.version)))
        }
        Err(error) => Err(error.into()),
    }
}
