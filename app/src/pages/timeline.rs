//! Timeline pages: incidents, an incident's (or the whole case's) timeline as a chart and a
//! table, the event form, an event's page and its history.

use crate::cases::Case;
use crate::forms::{
    CsrfField, ErrorSummary, FieldErrors, SelectField, StaleWarning, TextArea, TextField, options,
};
use crate::pages::case_nav::{CaseSection, CaseShell};
use crate::pages::cases::{case_path, format_utc};
use crate::timeline::{
    Channel, Event, EventKind, EventVersion, Incident, Information, PermittedBasis, Precision,
};
use crate::types::PageContext;
use leptos::prelude::*;
pub use probity_domain::timeline::EventFields as EventFormValues;

/// The path of an event's page.
pub fn event_path(case_id: i64, event_id: i64) -> String {
    format!("{}/events/{event_id}", case_path(case_id))
}

/// The path of an incident's timeline.
pub fn incident_path(case_id: i64, incident_id: i64) -> String {
    format!("{}/incidents/{incident_id}", case_path(case_id))
}

/// The incident form.
#[component]
pub fn IncidentFormPage(
    ctx: PageContext,
    case: Case,
    title: String,
    summary: String,
    errors: FieldErrors,
) -> impl IntoView {
    let token = ctx.csrf_token.clone();
    let base = case_path(case.case_id);
    let heading = format!("Add an incident to {}", case.case_number);
    let action = format!("{base}/incidents/new");
    view! {
        <CaseShell ctx=ctx title=heading.clone() case=case.clone() section=CaseSection::Timeline>
            <h1>{heading}</h1>
            <ErrorSummary errors=errors.clone() />
            <form class="usa-form usa-form--large" method="post" action=action novalidate>
                <CsrfField token=token />
                <TextField name="title" label="Title" hint="For example: Disclosure 1: custody status of Detainee A." value=title maxlength=200 error=errors.get("title") />
                <TextArea name="summary" label="Summary" value=summary maxlength=5000 rows=4 error=errors.get("summary") />
                <button type="submit" class="usa-button">"Add incident"</button>
                <a class="usa-button usa-button--unstyled" href=base>"Cancel"</a>
            </form>
        </CaseShell>
    }
}

fn names(parties: &[crate::timeline::EventParty]) -> String {
    if parties.is_empty() {
        "None recorded".to_string()
    } else {
        parties
            .iter()
            .map(|p| p.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The timeline filters as typed (all optional).
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct TimelineFilter {
    /// A party id.
    pub actor: String,
    pub kind: String,
    /// `YYYY-MM-DD`, UTC.
    pub from: String,
    /// `YYYY-MM-DD`, UTC.
    pub to: String,
}

impl TimelineFilter {
    /// The filter as a query string, for the export links.
    pub fn query(&self) -> String {
        let mut parts = Vec::new();
        for (key, value) in [
            ("actor", &self.actor),
            ("kind", &self.kind),
            ("from", &self.from),
            ("to", &self.to),
        ] {
            if !value.is_empty() {
                let safe: String = value
                    .chars()
                    .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
                    .collect();
                parts.push(format!("{key}={safe}"));
            }
        }
        if parts.is_empty() {
            String::new()
        } else {
            format!("?{}", parts.join("&"))
        }
    }
}

/// A timeline: one incident's, or the whole case's.
#[component]
pub fn TimelinePage(
    ctx: PageContext,
    case: Case,
    /// The incident, or `None` for the case's merged timeline.
    incident: Option<Incident>,
    events: Vec<Event>,
    /// The chart, already drawn as SVG.
    chart: String,
    can_edit: bool,
    filter: TimelineFilter,
    /// `(party id, name)` for the actor filter.
    parties: Vec<(String, String)>,
    /// The case's incidents, listed above the merged timeline.
    #[prop(default = Vec::new())]
    incidents: Vec<Incident>,
    /// `(label, query)` of each span of the chart one can zoom into.
    #[prop(default = Vec::new())]
    zoom: Vec<(String, String)>,
) -> impl IntoView {
    let base = case_path(case.case_id);
    let query = filter.query();
    // Where the filter form posts back to, and the base of the exports.
    let (title, here, exports, add) = match &incident {
        Some(incident) => {
            let path = incident_path(case.case_id, incident.incident_id);
            (
                format!("{}: {}", case.case_number, incident.title),
                path.clone(),
                path.clone(),
                can_edit.then(|| format!("{path}/events/new")),
            )
        }
        None => (
            format!("Timeline of {}", case.case_number),
            format!("{base}/timeline"),
            base.clone(),
            None,
        ),
    };
    let svg_href = format!("{exports}/timeline.svg{query}");
    let csv_href = format!("{exports}/events.csv{query}");
    let json_href = format!("{exports}/events.json{query}");
    let zoom_base = here.clone();
    let filtered = !filter.from.is_empty() || !filter.to.is_empty();
    let filter_action = here;
    let summary = incident.as_ref().map(|incident| incident.summary.clone());
    let merged = incident.is_none();
    let empty = events.is_empty();
    let rows = events
        .into_iter()
        .enumerate()
        .map(|(index, event)| {
            let href = event_path(event.case_id, event.event_id);
            let citations = event.exhibits.len() + event.messages.len() + event.interviews.len();
            let info = event.information.iter().map(|i| i.label()).collect::<Vec<_>>().join(", ");
            view! {
                <tr>
                    <th scope="row" data-label="No."><a class="usa-link" href=href>{index + 1}</a></th>
                    <td data-label="When">
                        {event.shown_time()}
                        {(!event.case_time.is_empty()).then(|| view! { <br /><span>{format!("= {}", event.case_time)}</span> })}
                        <br />
                        <span class="usa-hint">{event.precision.label()}</span>
                    </td>
                    {merged.then(|| view! { <td data-label="Incident">{event.incident_title.clone()}</td> })}
                    <td data-label="Kind">{event.kind.label()}</td>
                    <td data-label="Channel">{event.channel.label()}</td>
                    <td data-label="Actors">{names(&event.actors)}</td>
                    <td data-label="Recipients">{names(&event.recipients)}</td>
                    <td data-label="Information">{info}</td>
                    <td data-label="Permitted basis">{event.permitted_basis.label()}</td>
                    <td data-label="Narrative" class="probity-pre probity-narrative">{event.narrative.clone()}</td>
                    <td data-label="Citations">{citations}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <CaseShell ctx=ctx title=title.clone() case=case.clone() section=CaseSection::Timeline>
            <div class="probity-title-row">
                <h1>{title}</h1>
                {add.map(|href| view! { <a class="usa-button" href=href>"Add an event"</a> })}
            </div>
            {summary.map(|summary| view! { <p class="probity-pre">{summary}</p> })}
            {merged.then(|| {
                let case_id = case.case_id;
                let add_incident = can_edit.then(|| format!("{base}/incidents/new"));
                let none = incidents.is_empty();
                view! {
                    <section aria-labelledby="incidents-heading">
                        <div class="probity-title-row">
                            <h2 id="incidents-heading">"Incidents"</h2>
                            {add_incident.map(|href| view! { <a class="usa-button usa-button--outline" href=href>"Add an incident"</a> })}
                        </div>
                        {none.then(|| view! { <p>"No incident has been opened yet. Each incident has its own timeline of events."</p> })}
                        <ul class="usa-list">
                            {incidents.into_iter().map(|incident| {
                                let href = incident_path(case_id, incident.incident_id);
                                let events = if incident.event_count == 1 { "1 event".to_string() } else { format!("{} events", incident.event_count) };
                                view! { <li><a class="usa-link" href=href>{incident.title}</a>{format!(" ({events})")}</li> }
                            }).collect_view()}
                        </ul>
                    </section>
                }
            })}
            // Filters travel in the address: party numbers, kinds and dates only.
            <form class="usa-form probity-filters" method="get" action=filter_action>
                <div class="probity-filter-grid">
                    <SelectField name="actor" label="Actor" options=parties selected=filter.actor.clone() empty="Anyone" error=None />
                    <SelectField name="kind" label="Kind" options=options(EventKind::ALL, EventKind::as_str, EventKind::label) selected=filter.kind.clone() empty="Any kind" error=None />
                    <TextField name="from" label="From (UTC)" kind="date" value=filter.from.clone() error=None />
                    <TextField name="to" label="Until (UTC)" kind="date" value=filter.to.clone() error=None />
                </div>
                <button type="submit" class="usa-button">"Show events"</button>
            </form>
            <p>
                "Export the events shown: "
                <a class="usa-link" href=csv_href>"CSV"</a>
                ", "
                <a class="usa-link" href=json_href>"JSON"</a>
            </p>
            {if empty {
                view! { <p class="probity-empty">"No events yet."</p> }.into_any()
            } else {
                view! {
                    <section aria-labelledby="chart-heading">
                        <h2 id="chart-heading">"Chart"</h2>
                        <div class="probity-chart-frame" inner_html=chart></div>
                        {(!zoom.is_empty() || filtered).then(|| {
                            let zoom_base = zoom_base.clone();
                            view! {
                                <nav class="probity-zoom" aria-label="Zoom the chart">
                                    <p>
                                        "Zoom in: "
                                        {zoom.into_iter().map(|(label, query)| {
                                            let href = format!("{zoom_base}{query}");
                                            view! { <a class="usa-link probity-zoom__link" href=href>{label}</a>" " }
                                        }).collect_view()}
                                        {filtered.then(|| view! { <a class="usa-link probity-zoom__link" href=zoom_base.clone()>"Show everything"</a> })}
                                    </p>
                                </nav>
                            }
                        })}
                        <p><a class="usa-link" href=svg_href download="timeline.svg">"Download the chart (SVG)"</a></p>
                    </section>
                    <section aria-labelledby="events-heading">
                        <h2 id="events-heading">"Events in time order"</h2>
                        <div class="probity-wrap-table">
                            <table class="usa-table usa-table--borderless usa-table--compact usa-table--stacked probity-table probity-events">
                                <caption class="usa-sr-only">"Events, earliest first; the numbers match the chart"</caption>
                                <thead>
                                    <tr>
                                        <th scope="col">"No."</th>
                                        <th scope="col">"When"</th>
                                        {merged.then(|| view! { <th scope="col">"Incident"</th> })}
                                        <th scope="col">"Kind"</th>
                                        <th scope="col">"Channel"</th>
                                        <th scope="col">"Actors"</th>
                                        <th scope="col">"Recipients"</th>
                                        <th scope="col">"Information"</th>
                                        <th scope="col">"Permitted basis"</th>
                                        <th scope="col">"Narrative"</th>
                                        <th scope="col">"Citations"</th>
                                    </tr>
                                </thead>
                                <tbody>{rows}</tbody>
                            </table>
                        </div>
                    </section>
                }
                .into_any()
            }}
        </CaseShell>
    }
}

/// A group of checkboxes.
#[component]
pub(crate) fn Checkboxes(
    name: &'static str,
    #[prop(into)] legend: String,
    /// `(value, label)` pairs.
    choices: Vec<(String, String)>,
    checked: Vec<String>,
    #[prop(optional)] hint: Option<&'static str>,
) -> impl IntoView {
    let boxes = choices
        .into_iter()
        .map(|(value, label)| {
            let id = format!("{name}-{value}");
            let on = checked.contains(&value);
            view! {
                <div class="usa-checkbox">
                    <input class="usa-checkbox__input" id=id.clone() type="checkbox" name=name value=value checked=on />
                    <label class="usa-checkbox__label" for=id>{label}</label>
                </div>
            }
        })
        .collect_view();
    view! {
        <fieldset class="usa-fieldset probity-checkboxes">
            <legend class="usa-legend">{legend}</legend>
            {hint.map(|hint| view! { <div class="usa-hint">{hint}</div> })}
            {boxes}
        </fieldset>
    }
}

/// What the event form offers.
#[derive(Clone, Debug)]
pub struct EventFormView {
    pub case: Case,
    pub incident: Incident,
    /// The event being edited, as saved now.
    pub event: Option<Event>,
    pub values: EventFormValues,
    /// `(party id, name)`.
    pub parties: Vec<(String, String)>,
    /// `(exhibit id, label)` the person may see.
    pub exhibits: Vec<(String, String)>,
    /// `(interview id, caption)` of the case's interviews.
    pub interviews: Vec<(String, String)>,
    pub stale: bool,
}

/// Adding or editing an event.
#[component]
pub fn EventFormPage(ctx: PageContext, form: EventFormView, errors: FieldErrors) -> impl IntoView {
    let token = ctx.csrf_token.clone();
    let v = form.values.clone();
    let (title, action, back) = match &form.event {
        Some(event) => (
            format!("Edit event in {}", form.incident.title),
            format!("{}/edit", event_path(form.case.case_id, event.event_id)),
            event_path(form.case.case_id, event.event_id),
        ),
        None => (
            format!("Add an event to {}", form.incident.title),
            format!(
                "{}/events/new",
                incident_path(form.case.case_id, form.incident.incident_id)
            ),
            incident_path(form.case.case_id, form.incident.incident_id),
        ),
    };
    let current = form.event.clone().filter(|_| form.stale).map(|event| {
        view! {
            <section class="usa-summary-box probity-current" aria-labelledby="current-heading">
                <div class="usa-summary-box__body">
                    <h2 class="usa-summary-box__heading" id="current-heading">"The saved version now"</h2>
                    <p>{event.shown_time()}</p>
                    <p class="probity-pre">{event.narrative}</p>
                </div>
            </section>
        }
    });
    view! {
        <CaseShell ctx=ctx title=title.clone() case=form.case.clone() section=CaseSection::Timeline>
            <h1>{title}</h1>
            <StaleWarning stale=form.stale />
            {current}
            <ErrorSummary errors=errors.clone() />
            <form class="usa-form usa-form--large" method="post" action=action novalidate>
                <CsrfField token=token />
                <input type="hidden" name="version" value=v.version.clone() />
                <SelectField name="precision" label="How exactly is the time known?" options=options(Precision::ALL, Precision::as_str, Precision::label) selected=v.precision.clone() error=errors.get("precision") />
                <TextField name="start" label="When (or the start of the range)" hint="2024-11-21 16:41 to the minute, 2024-11-21 for a day, 2024-11 for a month." value=v.start.clone() maxlength=20 error=errors.get("start") />
                <TextField name="end" label="End of the range" hint="Only for times known as a range." value=v.end.clone() maxlength=20 error=errors.get("end") />
                <TextField name="time_zone" label="Time zone it was observed in" hint="For example America/New_York. Stored in UTC." value=v.time_zone.clone() maxlength=64 error=errors.get("time_zone") />
                <TextField name="discovered_on" label="Discovered on" kind="date" value=v.discovered_on.clone() error=errors.get("discovered_on") />
                <SelectField name="kind" label="Kind of event" options=options(EventKind::ALL, EventKind::as_str, EventKind::label) selected=v.kind.clone() error=errors.get("kind") />
                <SelectField name="channel" label="Channel" options=options(Channel::ALL, Channel::as_str, Channel::label) selected=v.channel.clone() error=errors.get("channel") />
                <Checkboxes name="information" legend="Information disclosed" choices=options(Information::ALL, Information::as_str, Information::label) checked=v.information.clone() />
                <SelectField name="permitted_basis" label="Permitted basis" options=options(PermittedBasis::ALL, PermittedBasis::as_str, PermittedBasis::label) selected=v.permitted_basis.clone() error=errors.get("permitted_basis") />
                <Checkboxes name="actors" legend="Actors" choices=form.parties.clone() checked=v.actors.clone() hint="Who acted. Add people as parties of the case first." />
                <Checkboxes name="recipients" legend="Recipients" choices=form.parties.clone() checked=v.recipients.clone() />
                <TextArea name="narrative" label="What happened" value=v.narrative.clone() maxlength=10000 rows=5 error=errors.get("narrative") />
                <Checkboxes name="exhibits" legend="Exhibits cited" choices=form.exhibits.clone() checked=v.exhibits.clone() />
                <TextField name="messages" label="Messages cited" hint="Message numbers, separated by commas (shown in each message's address)." value=v.messages.clone() maxlength=500 error=errors.get("messages") />
                {(!form.interviews.is_empty()).then(|| view! {
                    <Checkboxes name="interviews" legend="Interviews cited" choices=form.interviews.clone() checked=v.interviews.clone() />
                })}
                <button type="submit" class="usa-button">"Save event"</button>
                <a class="usa-button usa-button--unstyled" href=back>"Cancel"</a>
            </form>
        </CaseShell>
    }
}

/// An event's page.
#[component]
pub fn EventPage(ctx: PageContext, case: Case, event: Event, can_edit: bool) -> impl IntoView {
    let base = event_path(case.case_id, event.event_id);
    let title = format!("Event in {}", event.incident_title);
    let timeline = incident_path(case.case_id, event.incident_id);
    let exhibits = event
        .exhibits
        .iter()
        .map(|(id, label)| {
            let href = format!("{}/exhibits/{id}", case_path(case.case_id));
            view! { <li><a class="usa-link" href=href>{label.clone()}</a></li> }
        })
        .collect_view();
    let messages = event
        .messages
        .iter()
        .map(|(id, label)| {
            let href = format!("{}/messages/{id}", case_path(case.case_id));
            view! { <li><a class="usa-link" href=href>{label.clone()}</a></li> }
        })
        .collect_view();
    let interviews = event
        .interviews
        .iter()
        .map(|(id, label)| {
            let href = format!("{}/interviews/{id}", case_path(case.case_id));
            view! { <li><a class="usa-link" href=href>{label.clone()}</a></li> }
        })
        .collect_view();
    let has_interviews = !event.interviews.is_empty();
    let info = event
        .information
        .iter()
        .map(|i| i.label())
        .collect::<Vec<_>>()
        .join(", ");
    let utc = if event.is_range() {
        format!("{} to {}", event.earliest, event.latest)
    } else {
        event.earliest.clone()
    };
    view! {
        <CaseShell ctx=ctx title=title.clone() case=case.clone() section=CaseSection::Timeline>
            <p class="probity-breadcrumb"><a class="usa-link" href=timeline>{format!("Back to {}", event.incident_title)}</a></p>
            <h1>{title}</h1>
            <ul class="usa-button-group">
                {can_edit.then(|| view! {
                    <li class="usa-button-group__item"><a class="usa-button usa-button--outline" href=format!("{base}/edit")>"Edit event"</a></li>
                })}
                <li class="usa-button-group__item"><a class="usa-button usa-button--outline" href=format!("{base}/history")>"Earlier versions"</a></li>
            </ul>
            <dl class="probity-facts">
                <dt>"When"</dt><dd>{event.shown_time()}</dd>
                {(!event.case_time.is_empty()).then(|| view! { <dt>"In the case's time zone"</dt><dd>{event.case_time.clone()}</dd> })}
                <dt>"In UTC"</dt><dd>{utc}</dd>
                <dt>"Precision"</dt><dd>{event.precision.label()}</dd>
                <dt>"Discovered on"</dt><dd>{event.discovered_on.clone()}</dd>
                <dt>"Kind"</dt><dd>{event.kind.label()}</dd>
                <dt>"Channel"</dt><dd>{event.channel.label()}</dd>
                <dt>"Actors"</dt><dd>{names(&event.actors)}</dd>
                <dt>"Recipients"</dt><dd>{names(&event.recipients)}</dd>
                <dt>"Information disclosed"</dt><dd>{info}</dd>
                <dt>"Permitted basis"</dt><dd>{event.permitted_basis.label()}</dd>
                <dt>"What happened"</dt><dd class="probity-pre">{event.narrative.clone()}</dd>
            </dl>
            <h2>"Cited exhibits"</h2>
            <ul class="usa-list">{exhibits}</ul>
            <h2>"Cited messages"</h2>
            <ul class="usa-list">{messages}</ul>
            {has_interviews.then(|| view! {
                <h2>"Cited interviews"</h2>
                <ul class="usa-list">{interviews}</ul>
            })}
        </CaseShell>
    }
}

/// An event's saved versions.
#[component]
pub fn EventHistoryPage(
    ctx: PageContext,
    case: Case,
    event_id: i64,
    versions: Vec<EventVersion>,
) -> impl IntoView {
    let back = event_path(case.case_id, event_id);
    let title = format!("Versions of an event in {}", case.case_number);
    let items = versions
        .into_iter()
        .map(|version| {
            view! {
                <li class="probity-note">
                    <h2 class="probity-note__heading">{format!("Version {}", version.version)}</h2>
                    <p class="probity-note__meta">{format!("Saved by {} on {}.", version.edited_by_name, format_utc(version.edited_at))}</p>
                    <p class="probity-pre">{version.summary}</p>
                </li>
            }
        })
        .collect_view();
    view! {
        <CaseShell ctx=ctx title=title.clone() case=case.clone() section=CaseSection::Timeline>
            <p class="probity-breadcrumb"><a class="usa-link" href=back>"Back to the event"</a></p>
            <h1>{title}</h1>
            <ol class="usa-list usa-list--unstyled">{items}</ol>
        </CaseShell>
    }
}

/// The "cited by" list on an exhibit's or a message's page.
#[component]
pub fn CitedBy(case_id: i64, citing: Vec<(i64, String)>) -> impl IntoView {
    let empty = citing.is_empty();
    let items = citing
        .into_iter()
        .map(|(event_id, label)| view! { <li><a class="usa-link" href=event_path(case_id, event_id)>{label}</a></li> })
        .collect_view();
    view! {
        <section aria-labelledby="cited-heading">
            <h2 id="cited-heading">"Cited by events"</h2>
            {if empty {
                view! { <p>"No event cites this yet."</p> }.into_any()
            } else {
                view! { <ul class="usa-list">{items}</ul> }.into_any()
            }}
        </section>
    }
}
