//! Timeline routes: incidents, their timelines (chart and table), the merged case timeline,
//! events with their citations and history, and "add to timeline" from a message.

use crate::http::AppState;
use crate::http::actor::Actor;
use crate::http::cases::{OpenCase, audit_success, open_case, parse_version};
use crate::http::error::AppError;
use crate::http::pages::{WithCsrf, page_context, render};
use crate::http::posted::{Posted, PostedPairs};
use crate::http::redraw::Redraw;
use crate::office::timeline as office_timeline;
use crate::timeline::chart_svg;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use leptos::prelude::*;
use probity_app::pages::timeline::{
    EventFormPage, EventFormValues, EventFormView, EventHistoryPage, EventPage, IncidentFormPage,
    TimelineFilter, TimelinePage, event_path, incident_path,
};
use probity_domain::cases::Case;
use probity_domain::permissions::{Action, allows};
use probity_domain::timeline::{Channel, Event, EventKind, Incident, PermittedBasis, Precision};
use probity_domain::validation::FieldErrors;
use serde::Deserialize;

/// The timeline routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/cases/{case_id}/incidents/new",
            get(incident_form).post(create_incident),
        )
        .route(
            "/cases/{case_id}/incidents/{incident_id}",
            get(incident_timeline),
        )
        .route(
            "/cases/{case_id}/incidents/{incident_id}/timeline.svg",
            get(incident_svg),
        )
        .route(
            "/cases/{case_id}/incidents/{incident_id}/events/new",
            get(new_event_form).post(create_event),
        )
        .route("/cases/{case_id}/timeline", get(case_timeline))
        .route("/cases/{case_id}/timeline.svg", get(case_svg))
        .route("/cases/{case_id}/events.csv", get(case_csv))
        .route("/cases/{case_id}/events.json", get(case_json))
        .route(
            "/cases/{case_id}/incidents/{incident_id}/events.csv",
            get(incident_csv),
        )
        .route(
            "/cases/{case_id}/incidents/{incident_id}/events.json",
            get(incident_json),
        )
        .route("/cases/{case_id}/events/{event_id}", get(show_event))
        .route(
            "/cases/{case_id}/events/{event_id}/edit",
            get(edit_event_form).post(update_event),
        )
        .route(
            "/cases/{case_id}/events/{event_id}/history",
            get(event_history),
        )
}

/// The incident form as sent.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct IncidentForm {
    title: String,
    summary: String,
}

/// The form to add an incident.
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn incident_form(
    State(state): State<AppState>,
    actor: Actor,
    Path(case_id): Path<i64>,
) -> Result<Response, AppError> {
    let OpenCase { case, .. } =
        open_case(&state, &actor, case_id, Action::EditCase, "incident.create").await?;
    let ctx = page_context(&state, &actor.session, Some(&actor.user)).await?;
    Ok(render(StatusCode::OK, move || {
        view! { <IncidentFormPage ctx=ctx case=case title=String::new() summary=String::new() errors=FieldErrors::default() /> }
    }))
}

/// Adds an incident.
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn create_incident(
    State(state): State<AppState>,
    actor: Actor,
    Path(case_id): Path<i64>,
    Posted(form): Posted<WithCsrf<IncidentForm>>,
) -> Result<Response, AppError> {
    let created = office_timeline::create_incident(
        &state.store,
        &actor.caller(),
        case_id,
        &form.values.title,
        &form.values.summary,
    )
    .await;
    let errors = match created {
        Ok(incident) => {
            return Ok(Redirect::to(&incident_path(case_id, incident.incident_id)).into_response());
        }
        Err(error) => Redraw::from_office(error)?.errors,
    };
    let case = crate::http::cases::find_case(&state, case_id).await?;
    let ctx = page_context(&state, &actor.session, Some(&actor.user)).await?;
    let values = form.values;
    Ok(render(StatusCode::UNPROCESSABLE_ENTITY, move || {
        view! { <IncidentFormPage ctx=ctx case=case title=values.title summary=values.summary errors=errors /> }
    }))
}

async fn find_incident(
    state: &AppState,
    case_id: i64,
    incident_id: i64,
) -> Result<Incident, AppError> {
    Ok(office_timeline::find_incident(&state.store, case_id, incident_id).await?)
}

/// Keeps the events matching the filters: an actor, a kind, a date range (UTC, overlapping).
fn apply(filter: &TimelineFilter, events: Vec<Event>) -> Vec<Event> {
    let actor: Option<i64> = filter.actor.trim().parse().ok();
    let kind = EventKind::parse(filter.kind.trim());
    let from = Some(filter.from.trim())
        .filter(|d| crate::storage::cases::is_iso_date(d))
        .map(|d| format!("{d}T00:00:00Z"));
    let to = Some(filter.to.trim())
        .filter(|d| crate::storage::cases::is_iso_date(d))
        .map(|d| format!("{d}T23:59:59Z"));
    events
        .into_iter()
        .filter(|e| actor.is_none_or(|id| e.actors.iter().any(|a| a.party_id == id)))
        .filter(|e| kind.is_none_or(|k| e.kind == k))
        .filter(|e| from.as_ref().is_none_or(|from| e.latest >= *from))
        .filter(|e| to.as_ref().is_none_or(|to| e.earliest <= *to))
        .collect()
}

async fn timeline_page(
    state: &AppState,
    actor: &Actor,
    case_id: i64,
    incident_id: Option<i64>,
    filter: TimelineFilter,
) -> Result<Response, AppError> {
    let open = open_case(state, actor, case_id, Action::ReadCase, "timeline.view").await?;
    let incident = match incident_id {
        Some(id) => Some(find_incident(state, case_id, id).await?),
        None => None,
    };
    let events = state
        .store
        .events(case_id, incident_id, actor.user.user_id)
        .await?;
    let mut events = apply(&filter, events);
    let parties = state
        .store
        .parties(case_id)
        .await?
        .into_iter()
        .map(|p| (p.party_id.to_string(), p.name))
        .collect();
    crate::timeline::show_in_zone(&mut events, &open.case.time_zone);
    audit_success(
        state,
        actor,
        case_id,
        "timeline.view",
        incident_id.map(|id| format!("incident:{id}")),
        None,
    )
    .await?;
    let title = incident
        .as_ref()
        .map(|i| i.title.clone())
        .unwrap_or_else(|| format!("Timeline of {}", open.case.case_number));
    let chart = chart_svg(&events, &title, &open.case.time_zone, false);
    // Zooming is a link per span of the chart: the same page with its date filters set.
    let zoom: Vec<(String, String)> = crate::timeline::zoom_spans(&events, &open.case.time_zone)
        .into_iter()
        .map(|span| {
            let narrowed = TimelineFilter {
                from: span.from,
                to: span.to,
                ..filter.clone()
            };
            (span.label, narrowed.query())
        })
        .collect();
    let can_edit = allows(actor.user.role, Action::EditCase, open.standing);
    let incidents = if incident.is_none() {
        state.store.incidents(case_id).await?
    } else {
        Vec::new()
    };
    let ctx = page_context(state, &actor.session, Some(&actor.user)).await?;
    let case = open.case;
    Ok(render(StatusCode::OK, move || {
        view! { <TimelinePage ctx=ctx case=case incident=incident events=events chart=chart can_edit=can_edit filter=filter parties=parties incidents=incidents zoom=zoom /> }
    }))
}

async fn svg_download(
    state: &AppState,
    actor: &Actor,
    case_id: i64,
    incident_id: Option<i64>,
    filter: TimelineFilter,
) -> Result<Response, AppError> {
    let open = open_case(state, actor, case_id, Action::ReadCase, "timeline.export").await?;
    let title = match incident_id {
        Some(id) => find_incident(state, case_id, id).await?.title,
        None => format!("Timeline of {}", open.case.case_number),
    };
    let events = apply(
        &filter,
        state
            .store
            .events(case_id, incident_id, actor.user.user_id)
            .await?,
    );
    audit_success(
        state,
        actor,
        case_id,
        "timeline.export",
        incident_id.map(|id| format!("incident:{id}")),
        Some("svg".into()),
    )
    .await?;
    let svg = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{}",
        chart_svg(&events, &title, &open.case.time_zone, true)
    );
    Ok(crate::http::pages::attachment(
        svg,
        "image/svg+xml",
        "timeline.svg",
    ))
}

/// An incident's timeline.
#[tracing::instrument(skip_all, fields(case_id, incident_id))]
pub async fn incident_timeline(
    State(state): State<AppState>,
    actor: Actor,
    Path((case_id, incident_id)): Path<(i64, i64)>,
    Query(filter): Query<TimelineFilter>,
) -> Result<Response, AppError> {
    timeline_page(&state, &actor, case_id, Some(incident_id), filter).await
}

/// The whole case's timeline.
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn case_timeline(
    State(state): State<AppState>,
    actor: Actor,
    Path(case_id): Path<i64>,
    Query(filter): Query<TimelineFilter>,
) -> Result<Response, AppError> {
    timeline_page(&state, &actor, case_id, None, filter).await
}

/// An incident's chart as a file.
#[tracing::instrument(skip_all, fields(case_id, incident_id))]
pub async fn incident_svg(
    State(state): State<AppState>,
    actor: Actor,
    Path((case_id, incident_id)): Path<(i64, i64)>,
    Query(filter): Query<TimelineFilter>,
) -> Result<Response, AppError> {
    svg_download(&state, &actor, case_id, Some(incident_id), filter).await
}

/// The case's chart as a file.
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn case_svg(
    State(state): State<AppState>,
    actor: Actor,
    Path(case_id): Path<i64>,
    Query(filter): Query<TimelineFilter>,
) -> Result<Response, AppError> {
    svg_download(&state, &actor, case_id, None, filter).await
}

/// The export formats of a timeline.
#[derive(Clone, Copy)]
enum Export {
    Csv,
    Json,
}

/// The events shown, as CSV or JSON, with their citations.
async fn export(
    state: &AppState,
    actor: &Actor,
    case_id: i64,
    incident_id: Option<i64>,
    filter: TimelineFilter,
    format: Export,
) -> Result<Response, AppError> {
    open_case(state, actor, case_id, Action::ReadCase, "timeline.export").await?;
    if let Some(id) = incident_id {
        find_incident(state, case_id, id).await?;
    }
    let events = apply(
        &filter,
        state
            .store
            .events(case_id, incident_id, actor.user.user_id)
            .await?,
    );
    let label = match format {
        Export::Csv => "csv",
        Export::Json => "json",
    };
    audit_success(
        state,
        actor,
        case_id,
        "timeline.export",
        incident_id.map(|id| format!("incident:{id}")),
        Some(label.into()),
    )
    .await?;
    let (body, content_type, filename) = match format {
        Export::Json => (
            crate::timeline::events_json(&events).map_err(|e| AppError::Internal(e.to_string()))?,
            "application/json",
            "events.json",
        ),
        Export::Csv => (
            crate::timeline::events_csv(&events).map_err(|e| AppError::Internal(e.to_string()))?,
            "text/csv; charset=utf-8",
            "events.csv",
        ),
    };
    Ok(crate::http::pages::attachment(body, content_type, filename))
}

macro_rules! export_handler {
    ($name:ident, $format:expr, incident) => {
        /// An incident's events as a file.
        #[tracing::instrument(skip_all, fields(case_id, incident_id))]
        pub async fn $name(
            State(state): State<AppState>,
            actor: Actor,
            Path((case_id, incident_id)): Path<(i64, i64)>,
            Query(filter): Query<TimelineFilter>,
        ) -> Result<Response, AppError> {
            export(&state, &actor, case_id, Some(incident_id), filter, $format).await
        }
    };
    ($name:ident, $format:expr, case) => {
        /// The case's events as a file.
        #[tracing::instrument(skip_all, fields(case_id))]
        pub async fn $name(
            State(state): State<AppState>,
            actor: Actor,
            Path(case_id): Path<i64>,
            Query(filter): Query<TimelineFilter>,
        ) -> Result<Response, AppError> {
            export(&state, &actor, case_id, None, filter, $format).await
        }
    };
}

export_handler!(incident_csv, Export::Csv, incident);
export_handler!(incident_json, Export::Json, incident);
export_handler!(case_csv, Export::Csv, case);
export_handler!(case_json, Export::Json, case);

/// What the event form offers for a case: its parties, the exhibits the person may see and
/// its interviews.
async fn choices(
    state: &AppState,
    actor: &Actor,
    case_id: i64,
) -> Result<
    (
        Vec<(String, String)>,
        Vec<(String, String)>,
        Vec<(String, String)>,
    ),
    AppError,
> {
    let (parties, exhibits, interviews) = tokio::try_join!(
        state.store.parties(case_id),
        state.store.exhibits(case_id, actor.user.user_id),
        state.store.interviews(case_id)
    )?;
    Ok((
        parties
            .into_iter()
            .map(|p| {
                (
                    p.party_id.to_string(),
                    format!("{} ({})", p.name, p.party_role.label()),
                )
            })
            .collect(),
        exhibits
            .into_iter()
            .map(|e| {
                (
                    e.exhibit_id.to_string(),
                    format!("{}: {}", e.label(), e.description),
                )
            })
            .collect(),
        interviews
            .into_iter()
            .map(|i| (i.interview_id.to_string(), i.caption()))
            .collect(),
    ))
}

#[allow(clippy::too_many_arguments)]
async fn event_form(
    state: &AppState,
    actor: &Actor,
    case: Case,
    incident: Incident,
    event: Option<Event>,
    values: EventFormValues,
    errors: FieldErrors,
    stale: bool,
    status: StatusCode,
) -> Result<Response, AppError> {
    let (parties, exhibits, interviews) = choices(state, actor, case.case_id).await?;
    let ctx = page_context(state, &actor.session, Some(&actor.user)).await?;
    let form = EventFormView {
        case,
        incident,
        event,
        values,
        parties,
        exhibits,
        interviews,
        stale,
    };
    Ok(render(status, move || {
        view! { <EventFormPage ctx=ctx form=form errors=errors /> }
    }))
}

/// The query of the new-event form: a message to start from.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NewEventQuery {
    message: Option<i64>,
}

/// The form to add an event, prefilled from a message when one is named.
#[tracing::instrument(skip_all, fields(case_id, incident_id))]
pub async fn new_event_form(
    State(state): State<AppState>,
    actor: Actor,
    Path((case_id, incident_id)): Path<(i64, i64)>,
    Query(query): Query<NewEventQuery>,
) -> Result<Response, AppError> {
    let OpenCase { case, .. } =
        open_case(&state, &actor, case_id, Action::EditCase, "event.create").await?;
    let incident = find_incident(&state, case_id, incident_id).await?;
    let mut values = EventFormValues {
        precision: Precision::Minute.as_str().into(),
        time_zone: "UTC".into(),
        kind: EventKind::Communication.as_str().into(),
        channel: Channel::TextMessage.as_str().into(),
        permitted_basis: PermittedBasis::Unknown.as_str().into(),
        ..EventFormValues::default()
    };
    if let Some(message_id) = query.message {
        // The message must be one this person may read; otherwise the form starts empty.
        let visible = office_timeline::visible_messages(
            &state.store,
            &actor.caller(),
            case_id,
            &[message_id],
        )
        .await?;
        if let Some(message) = state
            .store
            .message(case_id, message_id)
            .await?
            .filter(|_| !visible.is_empty())
        {
            values.start = message.sent_at.get(..16).unwrap_or("").replace('T', " ");
            values.narrative = format!(
                "{} to {}: {}",
                message.sender, message.recipients, message.body
            );
            values.messages = message_id.to_string();
            values.exhibits = vec![message.exhibit_id.to_string()];
            let parties = state.store.parties(case_id).await?;
            let matching = |text: &str| -> Vec<String> {
                parties
                    .iter()
                    .filter(|party| {
                        !party.name.is_empty()
                            && text.to_lowercase().contains(&party.name.to_lowercase())
                    })
                    .map(|party| party.party_id.to_string())
                    .collect()
            };
            values.actors = matching(&message.sender);
            values.recipients = matching(&message.recipients);
        }
    }
    event_form(
        &state,
        &actor,
        case,
        incident,
        None,
        values,
        FieldErrors::default(),
        false,
        StatusCode::OK,
    )
    .await
}

/// Of the given message ids, those of this case the person may read.
/// Reads the event form (repeated checkbox fields included).
fn read_form(pairs: Vec<(String, String)>) -> EventFormValues {
    let mut v = EventFormValues::default();
    for (key, value) in pairs {
        match key.as_str() {
            "start" => v.start = value,
            "end" => v.end = value,
            "precision" => v.precision = value,
            "time_zone" => v.time_zone = value,
            "discovered_on" => v.discovered_on = value,
            "kind" => v.kind = value,
            "channel" => v.channel = value,
            "information" => v.information.push(value),
            "permitted_basis" => v.permitted_basis = value,
            "narrative" => v.narrative = value,
            "actors" => v.actors.push(value),
            "recipients" => v.recipients.push(value),
            "exhibits" => v.exhibits.push(value),
            "messages" => v.messages = value,
            "interviews" => v.interviews.push(value),
            "version" => v.version = value,
            _ => {}
        }
    }
    v
}

/// Adds an event to an incident.
#[tracing::instrument(skip_all, fields(case_id, incident_id))]
pub async fn create_event(
    State(state): State<AppState>,
    actor: Actor,
    Path((case_id, incident_id)): Path<(i64, i64)>,
    PostedPairs(pairs): PostedPairs,
) -> Result<Response, AppError> {
    let values = read_form(pairs);
    let created =
        office_timeline::create_event(&state.store, &actor.caller(), case_id, incident_id, &values)
            .await;
    let redraw = match created {
        Ok(_) => return Ok(Redirect::to(&incident_path(case_id, incident_id)).into_response()),
        Err(error) => Redraw::from_office(error)?,
    };
    let case = crate::http::cases::find_case(&state, case_id).await?;
    let incident = find_incident(&state, case_id, incident_id).await?;
    event_form(
        &state,
        &actor,
        case,
        incident,
        None,
        values,
        redraw.errors,
        false,
        redraw.status,
    )
    .await
}

async fn find_event(
    state: &AppState,
    actor: &Actor,
    case_id: i64,
    event_id: i64,
) -> Result<Event, AppError> {
    Ok(office_timeline::find_event(&state.store, &actor.caller(), case_id, event_id).await?)
}

/// An event's page.
#[tracing::instrument(skip_all, fields(case_id, event_id))]
pub async fn show_event(
    State(state): State<AppState>,
    actor: Actor,
    Path((case_id, event_id)): Path<(i64, i64)>,
) -> Result<Response, AppError> {
    let open = open_case(&state, &actor, case_id, Action::ReadCase, "event.view").await?;
    let mut event = find_event(&state, &actor, case_id, event_id).await?;
    crate::timeline::show_in_zone(std::slice::from_mut(&mut event), &open.case.time_zone);
    audit_success(
        &state,
        &actor,
        case_id,
        "event.view",
        Some(format!("event:{event_id}")),
        None,
    )
    .await?;
    let can_edit = allows(actor.user.role, Action::EditCase, open.standing);
    let ctx = page_context(&state, &actor.session, Some(&actor.user)).await?;
    let case = open.case;
    Ok(render(StatusCode::OK, move || {
        view! { <EventPage ctx=ctx case=case event=event can_edit=can_edit /> }
    }))
}

/// The form to edit an event.
#[tracing::instrument(skip_all, fields(case_id, event_id))]
pub async fn edit_event_form(
    State(state): State<AppState>,
    actor: Actor,
    Path((case_id, event_id)): Path<(i64, i64)>,
) -> Result<Response, AppError> {
    let OpenCase { case, .. } =
        open_case(&state, &actor, case_id, Action::EditCase, "event.update").await?;
    let event = find_event(&state, &actor, case_id, event_id).await?;
    let incident = find_incident(&state, case_id, event.incident_id).await?;
    let values = EventFormValues::from_event(&event);
    event_form(
        &state,
        &actor,
        case,
        incident,
        Some(event),
        values,
        FieldErrors::default(),
        false,
        StatusCode::OK,
    )
    .await
}

/// Saves an event, keeping the earlier version, unless someone else saved first.
#[tracing::instrument(skip_all, fields(case_id, event_id))]
pub async fn update_event(
    State(state): State<AppState>,
    actor: Actor,
    Path((case_id, event_id)): Path<(i64, i64)>,
    PostedPairs(pairs): PostedPairs,
) -> Result<Response, AppError> {
    let values = read_form(pairs);
    let saved = office_timeline::update_event(
        &state.store,
        &actor.caller(),
        case_id,
        event_id,
        parse_version(&values.version),
        &values,
    )
    .await;
    let redraw = match saved {
        Ok(()) => return Ok(Redirect::to(&event_path(case_id, event_id)).into_response()),
        Err(error) => Redraw::from_office(error)?,
    };
    let case = crate::http::cases::find_case(&state, case_id).await?;
    let current = find_event(&state, &actor, case_id, event_id).await?;
    let incident = find_incident(&state, case_id, current.incident_id).await?;
    let mut values = values;
    if redraw.stale {
        values.version = current.version.to_string();
    }
    event_form(
        &state,
        &actor,
        case,
        incident,
        Some(current),
        values,
        redraw.errors,
        redraw.stale,
        redraw.status,
    )
    .await
}

/// An event's saved versions.
#[tracing::instrument(skip_all, fields(case_id, event_id))]
pub async fn event_history(
    State(state): State<AppState>,
    actor: Actor,
    Path((case_id, event_id)): Path<(i64, i64)>,
) -> Result<Response, AppError> {
    let OpenCase { case, .. } =
        open_case(&state, &actor, case_id, Action::ReadCase, "event.history").await?;
    let versions = state.store.event_versions(case_id, event_id).await?;
    if versions.is_empty() {
        return Err(AppError::NotFound);
    }
    audit_success(
        &state,
        &actor,
        case_id,
        "event.history",
        Some(format!("event:{event_id}")),
        None,
    )
    .await?;
    let ctx = page_context(&state, &actor.session, Some(&actor.user)).await?;
    Ok(render(StatusCode::OK, move || {
        view! { <EventHistoryPage ctx=ctx case=case event_id=event_id versions=versions /> }
    }))
}
