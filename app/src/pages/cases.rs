//! Case pages: the list with filters and search, the case page, and the forms that open and
//! change a case, its parties, allegations, notes, status and team.

use crate::cases::{
    Allegation, AllegationStatus, Case, CaseStatus, CaseSummary, Confidentiality, IntakeChannel,
    LiftedRecusal, Note, NoteVersion, Overseer, Party, PartyKind, PartyRole, Priority, Recusal,
    StatusChange, TeamMember,
};
use crate::forms::{
    CsrfField, ErrorSummary, FieldErrors, SelectField, StaleWarning, TextArea, TextField, options,
};
use crate::pages::case_nav::{CaseSection, CaseShell};
use crate::shell::Shell;
use crate::types::PageContext;
use leptos::prelude::*;
pub use probity_domain::cases::{
    AllegationFields as AllegationFormValues, CaseFields as CaseFormValues,
    CaseListFields as CaseListForm, PartyFields as PartyFormValues,
};
use time::OffsetDateTime;

/// A UTC time as pages show it: `2025-02-03 14:05 UTC`.
pub fn format_utc(at: OffsetDateTime) -> String {
    let at = at.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02} UTC",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute()
    )
}

/// The path of a case's page.
pub fn case_path(case_id: i64) -> String {
    format!("/cases/{case_id}")
}

/// A section of the case page: a heading, an optional "add" button, and its content.
#[component]
fn CaseSection(
    id: &'static str,
    heading: &'static str,
    /// Where the add button leads, when the person may add.
    add: Option<(String, &'static str)>,
    children: Children,
) -> impl IntoView {
    let heading_id = format!("{id}-heading");
    let labelled_by = heading_id.clone();
    view! {
        <section aria-labelledby=labelled_by>
            <div class="probity-title-row">
                <h2 id=heading_id>{heading}</h2>
                {add.map(|(href, label)| view! {
                    <a class="usa-button usa-button--outline" href=href>{label}</a>
                })}
            </div>
            {children()}
        </section>
    }
}

/// The box beside a refused stale save that shows what is saved now.
#[component]
fn SavedVersion(children: Children) -> impl IntoView {
    view! {
        <section class="usa-summary-box probity-current" aria-labelledby="current-heading">
            <div class="usa-summary-box__body">
                <h2 class="usa-summary-box__heading" id="current-heading">"The saved version now"</h2>
                {children()}
            </div>
        </section>
    }
}

/// A status shown as a tag.
#[component]
pub fn StatusTag(status: CaseStatus) -> impl IntoView {
    let class = match status {
        CaseStatus::Closed => "usa-tag probity-tag probity-tag--closed",
        CaseStatus::UnderReview | CaseStatus::FindingsDrafted => {
            "usa-tag probity-tag probity-tag--review"
        }
        _ => "usa-tag probity-tag",
    };
    view! { <span class=class>{status.label()}</span> }
}

/// A table of cases, for the list and the dashboard.
#[component]
pub fn CaseTable(
    cases: Vec<CaseSummary>,
    #[prop(into)] caption: String,
    /// Show the caption to everyone (otherwise only to screen readers).
    #[prop(default = false)]
    visible_caption: bool,
) -> impl IntoView {
    let rows = cases
        .into_iter()
        .map(|case| {
            view! {
                <tr>
                    <th scope="row">
                        <a class="usa-link" href=case_path(case.case_id)>{case.case_number}</a>
                    </th>
                    <td>{case.title}</td>
                    <td>{case.subject_agency}</td>
                    <td><StatusTag status=case.status /></td>
                    <td>{case.priority.label()}</td>
                    <td>{case.received_on}</td>
                    <td>{case.lead_name.unwrap_or_else(|| "None".to_string())}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="usa-table-container--scrollable" tabindex="0">
            <table class="usa-table usa-table--borderless probity-table">
                <caption class=if visible_caption { "" } else { "usa-sr-only" }>{caption}</caption>
                <thead>
                    <tr>
                        <th scope="col">"Number"</th>
                        <th scope="col">"Title"</th>
                        <th scope="col">"Agency"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col">"Priority"</th>
                        <th scope="col">"Received"</th>
                        <th scope="col">"Lead"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

/// What the case list page shows.
#[derive(Clone, Debug)]
pub struct CaseListView {
    pub form: CaseListForm,
    pub errors: FieldErrors,
    pub sorts: Vec<(String, String)>,
    pub agencies: Vec<String>,
    /// `(user id, name)` of possible leads.
    pub leads: Vec<(String, String)>,
    pub cases: Vec<CaseSummary>,
    /// The encoded cursor of the next page.
    pub next: Option<String>,
    /// True when this is not the first page.
    pub paged: bool,
    pub can_create: bool,
}

/// The case list.
#[component]
pub fn CaseListPage(ctx: PageContext, list: CaseListView) -> impl IntoView {
    let token = ctx.csrf_token.clone();
    let next_token = ctx.csrf_token.clone();
    let f = list.form.clone();
    let hidden = list.form.clone();
    let count = list.cases.len();
    let empty = list.cases.is_empty();
    let next = list.next.clone().map(|cursor| {
        view! {
            <form method="post" action="/cases/search" class="probity-inline-form">
                <CsrfField token=next_token />
                <input type="hidden" name="q" value=hidden.q />
                <input type="hidden" name="status" value=hidden.status />
                <input type="hidden" name="priority" value=hidden.priority />
                <input type="hidden" name="agency" value=hidden.agency />
                <input type="hidden" name="lead" value=hidden.lead />
                <input type="hidden" name="received_from" value=hidden.received_from />
                <input type="hidden" name="received_to" value=hidden.received_to />
                <input type="hidden" name="sort" value=hidden.sort />
                <input type="hidden" name="after" value=cursor />
                <button type="submit" class="usa-button usa-button--outline">"Next page"</button>
            </form>
        }
    });
    let agencies: Vec<(String, String)> = list
        .agencies
        .iter()
        .map(|a| (a.clone(), a.clone()))
        .collect();
    view! {
        <Shell ctx=ctx title="Cases" current="/cases">
            <div class="probity-title-row">
                <h1>"Cases"</h1>
                {list.can_create.then(|| view! {
                    <a class="usa-button" href="/cases/new">"Open a case"</a>
                })}
            </div>
            <ErrorSummary errors=list.errors.clone() />
            // A POST form, so that names typed into the search never appear in addresses,
            // browser history or logs.
            <form method="post" action="/cases/search" class="usa-form probity-filters">
                <CsrfField token=token />
                <TextField
                    name="q"
                    label="Search"
                    hint="Words from the number, title, summary, agency, parties or allegations."
                    value=f.q
                    maxlength=200
                    error=list.errors.get("q")
                />
                <div class="probity-filter-grid">
                    <SelectField
                        name="status"
                        label="Status"
                        options=options(CaseStatus::ALL, CaseStatus::as_str, CaseStatus::label)
                        selected=f.status
                        empty="Any status"
                        error=None
                    />
                    <SelectField
                        name="priority"
                        label="Priority"
                        options=options(Priority::ALL, Priority::as_str, Priority::label)
                        selected=f.priority
                        empty="Any priority"
                        error=None
                    />
                    <SelectField
                        name="agency"
                        label="Agency"
                        options=agencies
                        selected=f.agency
                        empty="Any agency"
                        error=None
                    />
                    <SelectField
                        name="lead"
                        label="Lead investigator"
                        options=list.leads.clone()
                        selected=f.lead
                        empty="Anyone"
                        error=None
                    />
                    <TextField
                        name="received_from"
                        label="Received from"
                        kind="date"
                        value=f.received_from
                        error=list.errors.get("received_from")
                    />
                    <TextField
                        name="received_to"
                        label="Received until"
                        kind="date"
                        value=f.received_to
                        error=list.errors.get("received_to")
                    />
                    <SelectField
                        name="sort"
                        label="Order"
                        options=list.sorts.clone()
                        selected=f.sort
                        error=None
                    />
                </div>
                <button type="submit" class="usa-button">"Show cases"</button>
                <a class="usa-button usa-button--unstyled probity-reset" href="/cases">"Clear filters"</a>
            </form>
            {if empty {
                view! { <p class="probity-empty">"No cases match."</p> }.into_any()
            } else {
                view! {
                    <CaseTable cases=list.cases caption=format!("Cases, {count} shown") />
                }
                .into_any()
            }}
            <div class="probity-pager">
                {list.paged.then(|| view! { <a class="usa-link" href="/cases">"First page"</a> })}
                {next}
            </div>
        </Shell>
    }
}

/// Opening a case, or editing its details.
#[component]
pub fn CaseFormPage(
    ctx: PageContext,
    /// The case being edited; `None` when opening one.
    case: Option<Case>,
    values: CaseFormValues,
    errors: FieldErrors,
    /// True when the save was refused because the case changed meanwhile.
    #[prop(default = false)]
    stale: bool,
    /// The office's case types, `(key, label)`: chosen when opening a case only.
    #[prop(default = Vec::new())]
    case_types: Vec<(String, String)>,
) -> impl IntoView {
    let opening = case.is_none();
    let token = ctx.csrf_token.clone();
    let (title, action, button, back) = match &case {
        Some(case) => (
            format!("Edit {}", case.case_number),
            format!("{}/edit", case_path(case.case_id)),
            "Save changes",
            case_path(case.case_id),
        ),
        None => (
            "Open a case".to_string(),
            "/cases/new".to_string(),
            "Open case",
            "/cases".to_string(),
        ),
    };
    let current = case.clone().filter(|_| stale).map(|case| {
        view! {
            <SavedVersion>
                    <dl class="probity-facts">
                        <dt>"Title"</dt><dd>{case.title}</dd>
                        <dt>"Summary"</dt><dd class="probity-pre">{case.summary}</dd>
                        <dt>"Agency"</dt><dd>{case.subject_agency}</dd>
                        <dt>"Received"</dt><dd>{case.received_on}</dd>
                        <dt>"Priority"</dt><dd>{case.priority.label()}</dd>
                        <dt>"Confidentiality"</dt><dd>{case.confidentiality.label()}</dd>
                    </dl>
            </SavedVersion>
        }
    });
    let title_for_shell = title.clone();
    view! {
        <Shell ctx=ctx title=title_for_shell current="/cases">
            <h1>{title}</h1>
            <StaleWarning stale=stale />
            {current}
            <ErrorSummary errors=errors.clone() />
            <form class="usa-form usa-form--large" method="post" action=action novalidate>
                <CsrfField token=token />
                <input type="hidden" name="version" value=values.version />
                <TextField name="title" label="Title" value=values.title maxlength=200 error=errors.get("title") />
                <TextArea
                    name="summary"
                    label="Summary"
                    hint="What the case is about, in a few sentences."
                    value=values.summary
                    maxlength=10000
                    rows=6
                    error=errors.get("summary")
                />
                <TextField
                    name="subject_agency"
                    label="Subject agency"
                    hint="The agency whose staff or practice the case is about."
                    value=values.subject_agency
                    maxlength=200
                    error=errors.get("subject_agency")
                />
                <SelectField
                    name="intake_channel"
                    label="How it came in"
                    options=options(IntakeChannel::ALL, IntakeChannel::as_str, IntakeChannel::label)
                    selected=values.intake_channel
                    empty="Choose one"
                    error=errors.get("intake_channel")
                />
                <TextField
                    name="received_on"
                    label="Date received"
                    kind="date"
                    hint="For example 2025-02-03."
                    value=values.received_on
                    error=errors.get("received_on")
                />
                {opening.then(|| view! {
                    <SelectField
                        name="case_type"
                        label="Case type"
                        hint="Fixed when the case opens: a type's statutory clocks and first tasks start with it."
                        options=case_types
                        selected=values.case_type.clone()
                        error=errors.get("case_type")
                    />
                })}
                <SelectField
                    name="priority"
                    label="Priority"
                    options=options(Priority::ALL, Priority::as_str, Priority::label)
                    selected=values.priority
                    error=errors.get("priority")
                />
                <SelectField
                    name="confidentiality"
                    label="Confidentiality"
                    options=options(Confidentiality::ALL, Confidentiality::as_str, Confidentiality::label)
                    selected=values.confidentiality
                    error=errors.get("confidentiality")
                />
                <TextField
                    name="time_zone"
                    label="Time zone"
                    hint="Where the case's events happened, for example America/New_York. Times are stored in UTC and shown in this zone."
                    value=values.time_zone
                    maxlength=64
                    error=errors.get("time_zone")
                />
                <button type="submit" class="usa-button">{button}</button>
                <a class="usa-button usa-button--unstyled" href=back>"Cancel"</a>
            </form>
        </Shell>
    }
}

/// What a person may do on the case page.
#[derive(Clone, Copy, Debug, Default)]
pub struct CasePermissions {
    pub edit: bool,
    pub move_status: bool,
    pub manage_team: bool,
}

/// Everything on a case's page.
#[derive(Clone, Debug)]
pub struct CaseView {
    pub case: Case,
    pub lead_name: Option<String>,
    pub notes: Vec<Note>,
    /// The newest status changes, newest first (the History section has them all).
    pub recent_history: Vec<StatusChange>,
    pub team: Vec<TeamMember>,
    pub can: CasePermissions,
    /// A message after an action, e.g. the exhibits just added.
    pub notice: Option<String>,
    /// The label of the office's case type.
    pub case_type_label: String,
    /// The case's statutory clocks.
    pub clocks: Vec<probity_domain::clocks::CaseClock>,
    /// The day clocks are counted on.
    pub today: time::Date,
    /// The complaints the case came from (references only).
    pub complaints: Vec<String>,
}

/// A case's overview: its details, team, notes and latest status changes; the other
/// sections are pages of their own.
#[component]
pub fn CasePage(ctx: PageContext, view: CaseView) -> impl IntoView {
    let case = view.case.clone();
    let id = case.case_id;
    let base = case_path(id);
    let can = view.can;
    let title = case.case_number.clone();
    let notes = view
        .notes
        .into_iter()
        .map(|note| {
            let edit = format!("{base}/notes/{}/edit", note.note_id);
            let history = format!("{base}/notes/{}/history", note.note_id);
            let edited = (note.version > 1).then(|| {
                format!(
                    " Edited by {} on {} (version {}).",
                    note.edited_by_name,
                    format_utc(note.edited_at),
                    note.version
                )
            });
            view! {
                <li class="probity-note">
                    <p class="probity-pre">{note.body}</p>
                    <p class="probity-note__meta">
                        {format!("By {} on {}.", note.author_name, format_utc(note.created_at))}
                        {edited}
                        " "
                        {(note.version > 1).then(|| view! { <a class="usa-link" href=history>"Earlier versions"</a> })}
                        " "
                        {can.edit.then(|| view! { <a class="usa-link" href=edit>"Edit note"</a> })}
                    </p>
                </li>
            }
        })
        .collect_view();
    let has_history = !view.recent_history.is_empty();
    let history = view.recent_history;
    let team = view
        .team
        .into_iter()
        .map(|member| {
            let lead = if member.is_lead { " (lead)" } else { "" };
            view! { <li>{format!("{}{lead}", member.display_name)}</li> }
        })
        .collect_view();
    let history_href = crate::pages::case_nav::CaseSection::History.path(id);
    view! {
        <crate::pages::case_nav::CaseShell ctx=ctx title=title case=case.clone() section=crate::pages::case_nav::CaseSection::Overview>
            <h1>"Overview"</h1>
            {view.notice.map(|notice| view! {
                <div class="usa-alert usa-alert--success usa-alert--slim" role="status">
                    <div class="usa-alert__body"><p class="usa-alert__text">{notice}</p></div>
                </div>
            })}
            <ul class="usa-button-group">
                {can.edit.then(|| view! {
                    <li class="usa-button-group__item">
                        <a class="usa-button usa-button--outline" href=format!("{base}/edit")>"Edit details"</a>
                    </li>
                })}
                {can.move_status.then(|| view! {
                    <li class="usa-button-group__item">
                        <a class="usa-button usa-button--outline" href=format!("{base}/status")>"Move status"</a>
                    </li>
                })}
                <li class="usa-button-group__item">
                    <a class="usa-button usa-button--outline" href=format!("{base}/team")>
                        {if can.manage_team { "Manage team" } else { "Team" }}
                    </a>
                </li>
            </ul>
            <section aria-labelledby="details-heading">
                <h2 id="details-heading">"Details"</h2>
                <dl class="probity-facts">
                    <dt>"Title"</dt><dd>{case.title.clone()}</dd>
                    <dt>"Subject agency"</dt><dd>{case.subject_agency.clone()}</dd>
                    <dt>"Case type"</dt><dd>{view.case_type_label.clone()}</dd>
                    <dt>"How it came in"</dt><dd>{case.intake_channel.label()}</dd>
                    {(!view.complaints.is_empty()).then(|| view! {
                        <dt>"From complaint"</dt>
                        <dd>
                            {view.complaints.join(", ")}
                            " "
                            <a class="usa-link" href=format!("{base}/complainants")>"Complainants and consents"</a>
                        </dd>
                    })}
                    <dt>"Received"</dt><dd>{case.received_on.clone()}</dd>
                    <dt>"Time zone"</dt><dd>{case.time_zone.clone()}</dd>
                    <dt>"Lead investigator"</dt><dd>{view.lead_name.unwrap_or_else(|| "None".to_string())}</dd>
                    <dt>"Last changed"</dt><dd>{format_utc(case.updated_at)}</dd>
                    <dt>"Summary"</dt><dd class="probity-pre">{case.summary.clone()}</dd>
                </dl>
                <h3>"Team"</h3>
                <ul class="usa-list">{team}</ul>
            </section>
            {(!view.clocks.is_empty()).then(|| view! {
                <section aria-labelledby="clocks-heading">
                    <h2 id="clocks-heading">"Clocks"</h2>
                    <crate::pages::plan::ClockTable clocks=view.clocks.clone() today=view.today change_base=None />
                    <p><a class="usa-link" href=format!("{base}/plan")>"Plan and clocks"</a></p>
                </section>
            })}
            <CaseSection id="notes" heading="Notes" add=can.edit.then(|| (format!("{base}/notes/new"), "Add a note"))>
                <ul class="usa-list usa-list--unstyled">{notes}</ul>
            </CaseSection>
            <section aria-labelledby="history-heading">
                <h2 id="history-heading">"Latest status changes"</h2>
                {has_history.then(|| view! {
                    <HistoryTable caption="Latest status changes, newest first" rows=history />
                })}
                <p><a class="usa-link" href=history_href>"The whole history"</a></p>
            </section>
        </crate::pages::case_nav::CaseShell>
    }
}

/// A table of status changes.
#[component]
fn HistoryTable(caption: &'static str, rows: Vec<StatusChange>) -> impl IntoView {
    let rows = rows
        .into_iter()
        .map(|step| {
            view! {
                <tr>
                    <td>{format_utc(step.changed_at)}</td>
                    <td>{step.from_status.map(|s| s.label()).unwrap_or("New")}</td>
                    <td>{step.to_status.label()}</td>
                    <td>{step.changed_by_name}</td>
                    <td class="probity-wrap">{step.reason}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="usa-table usa-table--borderless probity-table">
            <caption class="usa-sr-only">{caption}</caption>
            <thead>
                <tr>
                    <th scope="col">"When"</th>
                    <th scope="col">"From"</th>
                    <th scope="col">"To"</th>
                    <th scope="col">"By"</th>
                    <th scope="col">"Why"</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
}

/// A case's whole status history, newest first.
#[component]
pub fn CaseHistoryPage(ctx: PageContext, case: Case, history: Vec<StatusChange>) -> impl IntoView {
    let title = format!("History of {}", case.case_number);
    view! {
        <crate::pages::case_nav::CaseShell ctx=ctx title=title case=case section=crate::pages::case_nav::CaseSection::History>
            <h1>"History"</h1>
            <p>"Every move of the case along its workflow, with who moved it and why. The audit trail records every read and change besides."</p>
            <HistoryTable caption="Status history, newest first" rows=history />
        </crate::pages::case_nav::CaseShell>
    }
}

/// A case's parties and allegations.
#[component]
pub fn CasePartiesPage(
    ctx: PageContext,
    case: Case,
    parties: Vec<Party>,
    allegations: Vec<Allegation>,
    can_edit: bool,
) -> impl IntoView {
    let base = case_path(case.case_id);
    let title = format!("Parties and allegations of {}", case.case_number);
    let parties = parties
        .into_iter()
        .map(|party| {
            let edit = format!("{base}/parties/{}/edit", party.party_id);
            let label = format!("Edit {}", party.name);
            view! {
                <tr>
                    <th scope="row" data-label="Name">{party.name}</th>
                    <td data-label="Role">
                        {party.party_role.label()}
                        {party.senior_employee.then_some(" (senior employee)")}
                    </td>
                    <td data-label="Kind">{party.kind.label()}</td>
                    <td data-label="Pseudonym">{if party.pseudonym.is_empty() { "None".to_string() } else { party.pseudonym }}</td>
                    <td data-label="Details" class="probity-pre probity-wrap">{party.details}</td>
                    {can_edit.then(|| view! {
                        <td data-label="Change"><a class="usa-link" href=edit aria-label=label>"Edit"</a></td>
                    })}
                </tr>
            }
        })
        .collect_view();
    let allegations = allegations
        .into_iter()
        .enumerate()
        .map(|(index, allegation)| {
            let edit = format!("{base}/allegations/{}/edit", allegation.allegation_id);
            let label = format!("Edit allegation {}", index + 1);
            view! {
                <tr>
                    <th scope="row" data-label="Number">{format!("A-{}", index + 1)}</th>
                    <td data-label="Subject">{allegation.subject_name.unwrap_or_else(|| "Not set".to_string())}</td>
                    <td data-label="Allegedly did" class="probity-pre probity-wrap">{allegation.summary}</td>
                    <td data-label="Law or policy">{allegation.rule_at_issue}</td>
                    <td data-label="Status">{allegation.status.label()}</td>
                    {can_edit.then(|| view! {
                        <td data-label="Change"><a class="usa-link" href=edit aria-label=label>"Edit"</a></td>
                    })}
                </tr>
            }
        })
        .collect_view();
    view! {
        <crate::pages::case_nav::CaseShell ctx=ctx title=title case=case section=crate::pages::case_nav::CaseSection::Parties>
            <h1>"Parties and allegations"</h1>
            <CaseSection id="parties" heading="Parties" add=can_edit.then(|| (format!("{base}/parties/new"), "Add a party"))>
                <table class="usa-table usa-table--borderless usa-table--stacked probity-table">
                    <caption class="usa-sr-only">"Parties to the case"</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Name"</th>
                            <th scope="col">"Role"</th>
                            <th scope="col">"Kind"</th>
                            <th scope="col">"Pseudonym"</th>
                            <th scope="col">"Details"</th>
                            {can_edit.then(|| view! { <th scope="col">"Change"</th> })}
                        </tr>
                    </thead>
                    <tbody>{parties}</tbody>
                </table>
            </CaseSection>
            <CaseSection id="allegations" heading="Allegations" add=can_edit.then(|| (format!("{base}/allegations/new"), "Add an allegation"))>
                <table class="usa-table usa-table--borderless usa-table--stacked probity-table">
                    <caption class="usa-sr-only">"Allegations under investigation"</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Number"</th>
                            <th scope="col">"Subject"</th>
                            <th scope="col">"Allegedly did"</th>
                            <th scope="col">"Law or policy"</th>
                            <th scope="col">"Status"</th>
                            {can_edit.then(|| view! { <th scope="col">"Change"</th> })}
                        </tr>
                    </thead>
                    <tbody>{allegations}</tbody>
                </table>
            </CaseSection>
        </crate::pages::case_nav::CaseShell>
    }
}

/// Moving a case along its workflow.
#[component]
pub fn StatusPage(
    ctx: PageContext,
    case: Case,
    /// The statuses this person may move the case to now.
    choices: Vec<CaseStatus>,
    to: String,
    reason: String,
    errors: FieldErrors,
    #[prop(default = false)] stale: bool,
    /// The closure checklist, when closing is among the choices.
    #[prop(default = Vec::new())]
    checks: Vec<probity_domain::outcomes::ClosureCheck>,
) -> impl IntoView {
    let token = ctx.csrf_token.clone();
    let base = case_path(case.case_id);
    let title = format!("Move {}", case.case_number);
    let gaps = checks.iter().filter(|c| !c.met).count();
    let checklist = (!checks.is_empty()).then(|| {
        let items = checks
            .into_iter()
            .map(|check| {
                let mark = if check.met { "Yes" } else { "Not yet" };
                let class = if check.met { "usa-tag probity-tag probity-tag--ok" } else { "usa-tag probity-tag probity-tag--overdue" };
                view! {
                    <li>
                        <strong>{check.question}</strong>" "
                        <span class=class>{mark}</span>" "
                        {check.detail}
                    </li>
                }
            })
            .collect_view();
        view! {
            <section aria-labelledby="checklist-heading" class="probity-checklist">
                <h2 id="checklist-heading">"Before closing: the quality standards checklist"</h2>
                <ul class="usa-list">{items}</ul>
                {(gaps > 0).then(|| view! {
                    <p>"The case may still be closed: the gaps, your name and your reason are recorded in the audit trail."</p>
                })}
            </section>
        }
    });
    let choice_options: Vec<(String, String)> = choices
        .iter()
        .map(|status| (status.as_str().to_string(), status.label().to_string()))
        .collect();
    let none = choices.is_empty();
    view! {
        <CaseShell ctx=ctx title=title.clone() case=case.clone() section=CaseSection::Overview>
            <h1>{title}</h1>
            <p>"The case is now " <strong>{case.status.label()}</strong> "."</p>
            <StaleWarning stale=stale />
            <ErrorSummary errors=errors.clone() />
            {checklist}
            {if none {
                view! {
                    <p>"You cannot move this case from here. Reopening a closed case needs a supervisor."</p>
                    <a class="usa-link" href=base.clone()>"Back to the case"</a>
                }
                .into_any()
            } else {
                view! {
                    <form class="usa-form usa-form--large" method="post" action=format!("{base}/status") novalidate>
                        <CsrfField token=token />
                        <input type="hidden" name="version" value=case.version.to_string() />
                        <input type="hidden" name="from" value=case.status.as_str() />
                        <SelectField
                            name="to"
                            label="New status"
                            options=choice_options
                            selected=to
                            empty="Choose one"
                            error=errors.get("to")
                        />
                        <TextArea
                            name="reason"
                            label="Why"
                            hint="Recorded in the case history."
                            value=reason
                            maxlength=2000
                            rows=3
                            error=errors.get("reason")
                        />
                        <button type="submit" class="usa-button">"Move case"</button>
                        <a class="usa-button usa-button--unstyled" href=base.clone()>"Cancel"</a>
                    </form>
                }
                .into_any()
            }}
        </CaseShell>
    }
}

/// A case's team and recusals.
#[derive(Clone, Debug)]
pub struct TeamView {
    pub case: Case,
    pub team: Vec<TeamMember>,
    pub recusals: Vec<Recusal>,
    /// `(user id, name)` of active people not on the team and not recused.
    pub candidates: Vec<(String, String)>,
    /// `(user id, name)` of active people not recused, whom the viewer may recuse.
    pub recusable: Vec<(String, String)>,
    /// Recusals lifted earlier, newest first.
    pub lifted: Vec<LiftedRecusal>,
    /// `(name, why they can see the case)` of everyone who can see it.
    pub viewers: Vec<(String, String)>,
    /// The case is highly confidential: only the team and the people named may see it.
    pub sealed: bool,
    /// Supervisors and commissioners named to see the case while it is highly confidential.
    pub overseers: Vec<Overseer>,
    /// `(user id, name)` of active supervisors and commissioners who may be named.
    pub nameable: Vec<(String, String)>,
    /// Warnings that no supervisor or no commissioner can see the case.
    pub unwatched: Vec<String>,
    /// The viewer may change the team (supervisors, and the lead).
    pub can_manage: bool,
    /// The viewer may impose and lift recusals (supervisors only).
    pub can_recuse: bool,
}

/// The team page.
#[component]
pub fn TeamPage(ctx: PageContext, team: TeamView, errors: FieldErrors) -> impl IntoView {
    let token = ctx.csrf_token.clone();
    let base = case_path(team.case.case_id);
    let title = format!("Team of {}", team.case.case_number);
    let can = team.can_manage;
    let members = team
        .team
        .into_iter()
        .map(|member| {
            let token = token.clone();
            let token2 = token.clone();
            let base = base.clone();
            let name = member.display_name.clone();
            view! {
                <tr>
                    <th scope="row">{member.display_name.clone()}</th>
                    <td>{member.role.label()}</td>
                    <td>{if member.is_lead { "Lead investigator" } else { "Member" }}</td>
                    {can.then(|| view! {
                        <td>
                            {(!member.is_lead).then(|| view! {
                                <form method="post" action=format!("{base}/team/lead") class="probity-inline-form">
                                    <CsrfField token=token.clone() />
                                    <input type="hidden" name="user_id" value=member.user_id.to_string() />
                                    <button type="submit" class="usa-button usa-button--unstyled">"Make lead"<span class="usa-sr-only">{format!(": {name}")}</span></button>
                                </form>
                            })}
                            <form method="post" action=format!("{base}/team/remove") class="probity-inline-form">
                                <CsrfField token=token2 />
                                <input type="hidden" name="user_id" value=member.user_id.to_string() />
                                <button type="submit" class="usa-button usa-button--unstyled" aria-label=format!("Remove {} from the team", member.display_name)>"Remove"</button>
                            </form>
                        </td>
                    })}
                </tr>
            }
        })
        .collect_view();
    let can_recuse = team.can_recuse;
    let liftable: Vec<(String, String)> = team
        .recusals
        .iter()
        .map(|recusal| (recusal.user_id.to_string(), recusal.display_name.clone()))
        .collect();
    let recusals = team
        .recusals
        .into_iter()
        .map(|recusal| {
            view! {
                <tr>
                    <th scope="row">{recusal.display_name.clone()}</th>
                    <td>{recusal.reason}</td>
                    <td>{format!("{}, {}", recusal.recused_by_name, format_utc(recusal.recused_at))}</td>
                </tr>
            }
        })
        .collect_view();
    let lifted = (!team.lifted.is_empty()).then(|| {
        let rows = team
            .lifted
            .into_iter()
            .map(|lifted| {
                view! {
                    <tr>
                        <th scope="row">{lifted.display_name}</th>
                        <td>{format!("{} ({}, {})", lifted.reason, lifted.recused_by_name, format_utc(lifted.recused_at))}</td>
                        <td>{format!("{} ({}, {})", lifted.lift_reason, lifted.lifted_by_name, format_utc(lifted.lifted_at))}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <table class="usa-table usa-table--borderless probity-table">
                <caption>"Lifted recusals"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Name"</th>
                        <th scope="col">"Recused: why, by whom, when"</th>
                        <th scope="col">"Lifted: why, by whom, when"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        }
    });
    let viewers = team
        .viewers
        .into_iter()
        .map(|(name, why)| view! { <tr><th scope="row">{name}</th><td>{why}</td></tr> })
        .collect_view();
    let sealed = team.sealed;
    let named_rows = team
        .overseers
        .iter()
        .map(|named| {
            let token = token.clone();
            let base = base.clone();
            view! {
                <tr>
                    <th scope="row">{named.display_name.clone()}</th>
                    <td>{named.role.label()}</td>
                    <td>{format!("{}, {}", named.named_by_name, format_utc(named.named_at))}</td>
                    {can.then(|| view! {
                        <td>
                            <form method="post" action=format!("{base}/team/unname") class="probity-inline-form">
                                <CsrfField token=token />
                                <input type="hidden" name="user_id" value=named.user_id.to_string() />
                                <button type="submit" class="usa-button usa-button--unstyled">
                                    "Remove" <span class="usa-sr-only">{format!(" {} from those named", named.display_name)}</span>
                                </button>
                            </form>
                        </td>
                    })}
                </tr>
            }
        })
        .collect_view();
    let named_intro = if sealed {
        "This case is highly confidential: besides its team, only the supervisors and commissioners named here may see it. The case always keeps a supervisor and a commissioner who can see it."
    } else {
        "This case is not highly confidential, so every supervisor and commissioner may see it. Those named here are the only ones who keep seeing it if it is marked highly confidential."
    };
    let named_section = (sealed || !team.overseers.is_empty()).then(|| {
        view! {
            <table class="usa-table usa-table--borderless probity-table">
                <caption>"Named to see this case"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Name"</th>
                        <th scope="col">"Role"</th>
                        <th scope="col">"Named by, when"</th>
                        {can.then(|| view! { <th scope="col">"Change"</th> })}
                    </tr>
                </thead>
                <tbody>{named_rows}</tbody>
            </table>
        }
    });
    let name_form = (can && sealed).then(|| {
        let token_name = token.clone();
        view! {
            <form class="usa-form grid-col-12 tablet:grid-col-6" method="post" action=format!("{base}/team/name")>
                <h2>"Name a supervisor or commissioner"</h2>
                <p class="usa-hint">"They may see the case without joining its team."</p>
                <CsrfField token=token_name />
                <SelectField name="overseer_user_id" label="Supervisor or commissioner" options=team.nameable empty="Choose a person" error=errors.get("overseer_user_id") />
                <button type="submit" class="usa-button">"Name"</button>
            </form>
        }
    });
    let unwatched = (!team.unwatched.is_empty()).then(|| {
        let lines = team
            .unwatched
            .into_iter()
            .map(|line| view! { <p class="usa-alert__text">{line}</p> })
            .collect_view();
        view! {
            <div class="usa-alert usa-alert--warning usa-alert--slim" role="status">
                <div class="usa-alert__body">{lines}</div>
            </div>
        }
    });
    let add_form = can.then(|| {
        let token_add = token.clone();
        view! {
            <form class="usa-form grid-col-12 tablet:grid-col-6" method="post" action=format!("{base}/team/add")>
                <h2>"Add to the team"</h2>
                <CsrfField token=token_add />
                <SelectField name="user_id" label="Person" options=team.candidates empty="Choose a person" error=errors.get("user_id") />
                <button type="submit" class="usa-button">"Add to team"</button>
            </form>
        }
    });
    let recusal_forms = can_recuse.then(|| {
        let token_recuse = token.clone();
        let token_lift = token.clone();
        let lift = (!liftable.is_empty()).then(|| view! {
            <form class="usa-form grid-col-12 tablet:grid-col-6" method="post" action=format!("{base}/team/lift")>
                <h2>"Lift a recusal"</h2>
                <p class="usa-hint">"The recusal stays in the case's history with who lifted it and why."</p>
                <CsrfField token=token_lift />
                <SelectField name="user_id" label="Recused person" options=liftable empty="Choose a person" error=errors.get("user_id") />
                <TextArea name="lift_reason" label="Why it is lifted" maxlength=1000 rows=2 error=errors.get("lift_reason") />
                <button type="submit" class="usa-button usa-button--secondary">"Lift recusal"</button>
            </form>
        });
        view! {
            <form class="usa-form grid-col-12 tablet:grid-col-6" method="post" action=format!("{base}/team/recuse")>
                <h2>"Wall someone off"</h2>
                <p class="usa-hint">"A recused person loses all access to this case, whatever their role. Only a supervisor may recuse or lift a recusal, never their own; the case always keeps a supervisor and a commissioner who can see it."</p>
                <CsrfField token=token_recuse />
                <SelectField name="recuse_user_id" label="Person to recuse" options=team.recusable empty="Choose a person" error=errors.get("recuse_user_id") />
                <TextArea name="reason" label="Reason" maxlength=1000 rows=2 error=errors.get("reason") />
                <button type="submit" class="usa-button usa-button--secondary">"Recuse"</button>
            </form>
            {lift}
        }
    });
    view! {
        <CaseShell ctx=ctx title=title.clone() case=team.case.clone() section=CaseSection::Team>
            <h1>{title}</h1>
            <ErrorSummary errors=errors.clone() />
            {unwatched}
            <table class="usa-table usa-table--borderless probity-table">
                <caption>"Team"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Name"</th>
                        <th scope="col">"Role"</th>
                        <th scope="col">"On the case"</th>
                        {can.then(|| view! { <th scope="col">"Change"</th> })}
                    </tr>
                </thead>
                <tbody>{members}</tbody>
            </table>
            <table class="usa-table usa-table--borderless probity-table">
                <caption>"Who can see this case"</caption>
                <thead><tr><th scope="col">"Name"</th><th scope="col">"Why"</th></tr></thead>
                <tbody>{viewers}</tbody>
            </table>
            <p class="usa-hint">{named_intro}</p>
            {named_section}
            <table class="usa-table usa-table--borderless probity-table">
                <caption>"Recusals"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Name"</th>
                        <th scope="col">"Reason"</th>
                        <th scope="col">"Recorded"</th>
                    </tr>
                </thead>
                <tbody>{recusals}</tbody>
            </table>
            {lifted}
            <div class="grid-row grid-gap">
                {add_form}
                {name_form}
                {recusal_forms}
            </div>
        </CaseShell>
    }
}

/// Adding or editing a party.
#[component]
pub fn PartyFormPage(
    ctx: PageContext,
    case: Case,
    /// The party being edited, as saved now.
    party: Option<Party>,
    values: PartyFormValues,
    errors: FieldErrors,
    #[prop(default = false)] stale: bool,
) -> impl IntoView {
    let token = ctx.csrf_token.clone();
    let base = case_path(case.case_id);
    let (title, action) = match &party {
        Some(party) => (
            format!("Edit party in {}", case.case_number),
            format!("{base}/parties/{}/edit", party.party_id),
        ),
        None => (
            format!("Add a party to {}", case.case_number),
            format!("{base}/parties/new"),
        ),
    };
    let current = party.filter(|_| stale).map(|party| {
        view! {
            <SavedVersion>
                    <dl class="probity-facts">
                        <dt>"Name"</dt><dd>{party.name}</dd>
                        <dt>"Role"</dt><dd>{party.party_role.label()}</dd>
                        <dt>"Pseudonym"</dt><dd>{party.pseudonym}</dd>
                        <dt>"Details"</dt><dd class="probity-pre">{party.details}</dd>
                    </dl>
            </SavedVersion>
        }
    });
    view! {
        <CaseShell ctx=ctx title=title.clone() case=case.clone() section=CaseSection::Parties>
            <h1>{title}</h1>
            <StaleWarning stale=stale />
            {current}
            <ErrorSummary errors=errors.clone() />
            <form class="usa-form usa-form--large" method="post" action=action novalidate>
                <CsrfField token=token />
                <input type="hidden" name="version" value=values.version />
                <TextField name="name" label="Name" value=values.name maxlength=200 error=errors.get("name") />
                <SelectField
                    name="kind"
                    label="Person or organisation"
                    options=options(PartyKind::ALL, PartyKind::as_str, PartyKind::label)
                    selected=values.kind
                    error=errors.get("kind")
                />
                <SelectField
                    name="party_role"
                    label="Role in the case"
                    options=options(PartyRole::ALL, PartyRole::as_str, PartyRole::label)
                    selected=values.party_role
                    empty="Choose one"
                    error=errors.get("party_role")
                />
                <div class="usa-checkbox">
                    <input class="usa-checkbox__input" id="senior_employee" type="checkbox" name="senior_employee" value="yes" checked=values.senior_employee == "yes" />
                    <label class="usa-checkbox__label" for="senior_employee">"A senior employee, as the office defines it (counted apart in the semiannual report)"</label>
                </div>
                <TextField
                    name="pseudonym"
                    label="Pseudonym for publication"
                    hint="How the published report names them, for example \"Detainee A\". Leave empty for agencies named in full."
                    value=values.pseudonym
                    maxlength=100
                    error=errors.get("pseudonym")
                />
                <TextArea
                    name="details"
                    label="Details"
                    hint="Position, contact details, identifiers."
                    value=values.details
                    maxlength=5000
                    rows=4
                    error=errors.get("details")
                />
                <button type="submit" class="usa-button">"Save party"</button>
                <a class="usa-button usa-button--unstyled" href=base>"Cancel"</a>
            </form>
        </CaseShell>
    }
}

/// Adding or editing an allegation.
#[component]
pub fn AllegationFormPage(
    ctx: PageContext,
    case: Case,
    /// `(party id, name)` of the case's parties, for the subject.
    subjects: Vec<(String, String)>,
    /// The allegation being edited, as saved now.
    allegation: Option<Allegation>,
    values: AllegationFormValues,
    errors: FieldErrors,
    #[prop(default = false)] stale: bool,
) -> impl IntoView {
    let token = ctx.csrf_token.clone();
    let base = case_path(case.case_id);
    let (title, action) = match &allegation {
        Some(allegation) => (
            format!("Edit allegation in {}", case.case_number),
            format!("{base}/allegations/{}/edit", allegation.allegation_id),
        ),
        None => (
            format!("Add an allegation to {}", case.case_number),
            format!("{base}/allegations/new"),
        ),
    };
    let current = allegation.filter(|_| stale).map(|allegation| {
        view! {
            <SavedVersion>
                    <dl class="probity-facts">
                        <dt>"Allegedly did"</dt><dd class="probity-pre">{allegation.summary}</dd>
                        <dt>"Law or policy"</dt><dd>{allegation.rule_at_issue}</dd>
                        <dt>"Status"</dt><dd>{allegation.status.label()}</dd>
                    </dl>
            </SavedVersion>
        }
    });
    view! {
        <CaseShell ctx=ctx title=title.clone() case=case.clone() section=CaseSection::Parties>
            <h1>{title}</h1>
            <StaleWarning stale=stale />
            {current}
            <ErrorSummary errors=errors.clone() />
            <form class="usa-form usa-form--large" method="post" action=action novalidate>
                <CsrfField token=token />
                <input type="hidden" name="version" value=values.version />
                <SelectField
                    name="subject_party_id"
                    label="Subject"
                    hint="The party the allegation is about. Add them as a party first."
                    options=subjects
                    selected=values.subject_party_id
                    empty="Not set yet"
                    error=errors.get("subject_party_id")
                />
                <TextArea
                    name="summary"
                    label="What they allegedly did"
                    value=values.summary
                    maxlength=2000
                    rows=4
                    error=errors.get("summary")
                />
                <TextField
                    name="rule_at_issue"
                    label="Law or policy at issue"
                    value=values.rule_at_issue
                    maxlength=500
                    error=errors.get("rule_at_issue")
                />
                <SelectField
                    name="status"
                    label="Status"
                    options=options(AllegationStatus::ALL, AllegationStatus::as_str, AllegationStatus::label)
                    selected=values.status
                    error=errors.get("status")
                />
                <button type="submit" class="usa-button">"Save allegation"</button>
                <a class="usa-button usa-button--unstyled" href=base>"Cancel"</a>
            </form>
        </CaseShell>
    }
}

/// Adding or editing a note.
#[component]
pub fn NoteFormPage(
    ctx: PageContext,
    case: Case,
    /// The note being edited, as saved now.
    note: Option<Note>,
    body: String,
    version: String,
    errors: FieldErrors,
    #[prop(default = false)] stale: bool,
) -> impl IntoView {
    let token = ctx.csrf_token.clone();
    let base = case_path(case.case_id);
    let (title, action) = match &note {
        Some(note) => (
            format!("Edit note in {}", case.case_number),
            format!("{base}/notes/{}/edit", note.note_id),
        ),
        None => (
            format!("Add a note to {}", case.case_number),
            format!("{base}/notes/new"),
        ),
    };
    let current = note.filter(|_| stale).map(|note| {
        view! {
            <SavedVersion>
                    <p class="probity-pre">{note.body}</p>
            </SavedVersion>
        }
    });
    view! {
        <CaseShell ctx=ctx title=title.clone() case=case.clone() section=CaseSection::Overview>
            <h1>{title}</h1>
            <StaleWarning stale=stale />
            {current}
            <ErrorSummary errors=errors.clone() />
            <form class="usa-form usa-form--large" method="post" action=action novalidate>
                <CsrfField token=token />
                <input type="hidden" name="version" value=version />
                <TextArea
                    name="body"
                    label="Note"
                    hint="Earlier versions are kept when you edit."
                    value=body
                    maxlength=20000
                    rows=8
                    error=errors.get("body")
                />
                <button type="submit" class="usa-button">"Save note"</button>
                <a class="usa-button usa-button--unstyled" href=base>"Cancel"</a>
            </form>
        </CaseShell>
    }
}

/// Every version of a note.
#[component]
pub fn NoteHistoryPage(ctx: PageContext, case: Case, versions: Vec<NoteVersion>) -> impl IntoView {
    let title = format!("Versions of a note in {}", case.case_number);
    let items = versions
        .into_iter()
        .map(|version| {
            view! {
                <li class="probity-note">
                    <h2 class="probity-note__heading">{format!("Version {}", version.version)}</h2>
                    <p class="probity-note__meta">
                        {format!("By {} on {}.", version.edited_by_name, format_utc(version.edited_at))}
                    </p>
                    <p class="probity-pre">{version.body}</p>
                </li>
            }
        })
        .collect_view();
    view! {
        <CaseShell ctx=ctx title=title.clone() case=case.clone() section=CaseSection::Overview>
            <h1>{title}</h1>
            <ol class="usa-list usa-list--unstyled">{items}</ol>
        </CaseShell>
    }
}
