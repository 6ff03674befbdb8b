//! Message pages: importing a log from its exhibit, the viewer with filters and search, and
//! one message at its stable address.

use crate::cases::Case;
use crate::forms::{CsrfField, SelectField, TextField};
use crate::messages::Message;
use crate::pages::case_nav::{CaseSection, CaseShell};
use crate::pages::cases::case_path;
use crate::pages::evidence::exhibit_path;
use crate::types::PageContext;
use leptos::prelude::*;
pub use probity_domain::messages::MessageFilterFields as MessageFilterValues;

/// The outcome of an import, for the report (kept as the import job's result).
pub use probity_domain::jobs::ImportReport;
pub use probity_domain::messages::ImportValues;

/// The import section of an exhibit page.
#[derive(Clone, Debug)]
pub struct ImportPanel {
    pub case_id: i64,
    pub exhibit_id: i64,
    /// Messages already imported from this exhibit.
    pub existing: i64,
    /// `(value, label)` of the formats.
    pub formats: Vec<(String, String)>,
    pub values: ImportValues,
    pub report: Option<ImportReport>,
    /// A problem with the form itself, e.g. an unknown time zone.
    pub error: Option<String>,
    pub can_import: bool,
    /// The progress page of an import of this exhibit under way, if one is.
    pub running: Option<String>,
    /// Why this exhibit cannot be imported, when it cannot.
    pub unavailable: Option<String>,
    /// The order the import chose for the dates because nothing in the file told: true for
    /// day first.
    pub date_guess: Option<bool>,
}

/// "1 message", "4 messages".
fn count(messages: i64) -> String {
    if messages == 1 {
        "1 message".to_string()
    } else {
        format!("{messages} messages")
    }
}

/// Says which order the import chose for dates nothing in the file settled.
fn order_guess(day_first: bool) -> &'static str {
    if day_first {
        "No date in this log shows whether the day or the month comes first (none has a number above 12), so they were read day first: 03/04/24 is 3 April 2024."
    } else {
        "No date in this log shows whether the day or the month comes first (none has a number above 12), so they were read month first: 03/04/24 is 4 March 2024."
    }
}

/// Importing a message log, shown on its exhibit's page.
#[component]
pub fn ImportSection(panel: ImportPanel, token: String) -> impl IntoView {
    let base = exhibit_path(panel.case_id, panel.exhibit_id);
    let viewer = format!(
        "{}/messages?exhibit={}",
        case_path(panel.case_id),
        panel.exhibit_id
    );
    let report = panel.report.map(|report| {
        let problems = report
            .problems
            .iter()
            .map(|(location, reason)| view! { <li>{format!("{location}: {reason}")}</li> })
            .collect_view();
        let more = report.total_problems.saturating_sub(report.problems.len());
        let (class, heading) = if report.rolled_back {
            ("usa-alert usa-alert--error", "Nothing was imported".to_string())
        } else if report.total_problems > 0 {
            ("usa-alert usa-alert--warning", format!("{} imported; some parts could not be read", count(report.imported)))
        } else {
            ("usa-alert usa-alert--success", format!("{} imported", count(report.imported)))
        };
        let guessed = report.guessed_day_first.map(|day_first| {
            view! { <p class="usa-alert__text">{order_guess(day_first)}</p> }
        });
        let attachments = (!report.attachments.is_empty()).then(|| {
            view! { <p class="usa-alert__text">{format!("Attachments added as exhibits: {}.", report.attachments.join(", "))}</p> }
        });
        view! {
            <div class=class role="status">
                <div class="usa-alert__body">
                    <h3 class="usa-alert__heading">{heading}</h3>
                    {report.rolled_back.then(|| view! {
                        <p class="usa-alert__text">"You chose to import all or nothing, and these parts could not be read. Fix the file or import what can be read."</p>
                    })}
                    {(report.total_problems > 0).then(|| view! { <ul class="usa-list">{problems}</ul> })}
                    {(more > 0).then(|| view! { <p class="usa-alert__text">{format!("And {more} more.")}</p> })}
                    {guessed}
                    {attachments}
                </div>
            </div>
        }
    });
    let redate_token = token.clone();
    let redate = panel.date_guess.filter(|_| panel.existing > 0).map(|day_first| {
        let other = if day_first { "Read the dates month first instead" } else { "Read the dates day first instead" };
        view! {
            <div class="usa-alert usa-alert--info usa-alert--slim">
                <div class="usa-alert__body">
                    <p class="usa-alert__text">{order_guess(day_first)}</p>
                </div>
            </div>
            {panel.can_import.then(|| view! {
                <form method="post" action=format!("{base}/redate") class="probity-inline-form">
                    <CsrfField token=redate_token />
                    <button type="submit" class="usa-button usa-button--outline">{other}</button>
                </form>
            })}
        }
    });
    if let Some(reason) = panel.unavailable {
        return view! {
            <section aria-labelledby="import-heading">
                <h2 id="import-heading">"Messages"</h2>
                <p>{reason}</p>
            </section>
        }
        .into_any();
    }
    let v = panel.values;
    let modes = vec![
        (
            "all".to_string(),
            "All or nothing: import only if every message can be read".to_string(),
        ),
        (
            "skip".to_string(),
            "Import what can be read and report the rest".to_string(),
        ),
    ];
    let orders = vec![
        (
            "auto".to_string(),
            "Work it out from the file (month first if nothing tells)".to_string(),
        ),
        ("day".to_string(), "Day first (21/11/2024)".to_string()),
        ("month".to_string(), "Month first (11/21/2024)".to_string()),
    ];
    view! {
        <section aria-labelledby="import-heading">
            <h2 id="import-heading">"Messages"</h2>
            {report}
            {(panel.existing > 0).then(|| view! {
                <p>
                    {format!("{} imported from this exhibit. ", count(panel.existing))}
                    <a class="usa-link" href=viewer.clone()>"Read them"</a>
                </p>
            })}
            {redate}
            {panel.running.clone().map(|href| view! {
                <div class="usa-alert usa-alert--info usa-alert--slim">
                    <div class="usa-alert__body">
                        <p class="usa-alert__text">
                            "An import of this exhibit is under way. "
                            <a class="usa-link" href=href>"Follow its progress"</a>
                        </p>
                    </div>
                </div>
            })}
            {panel.error.clone().filter(|_| panel.existing > 0).map(|message| view! { <div class="usa-alert usa-alert--error usa-alert--slim" role="alert"><div class="usa-alert__body"><p class="usa-alert__text">{message}</p></div></div> })}
            {(panel.existing == 0 && panel.can_import && panel.running.is_none()).then(|| view! {
                <form class="usa-form usa-form--large" method="post" action=format!("{base}/import")>
                    <CsrfField token=token />
                    {panel.error.clone().map(|message| view! { <span class="usa-error-message" role="alert">{message}</span> })}
                    <SelectField name="format" label="Format" options=panel.formats selected=v.format error=None />
                    <TextField
                        name="time_zone"
                        label="Time zone the times were written in"
                        hint="A zone name such as America/New_York or Europe/Paris. Times are stored in UTC."
                        value=v.time_zone
                        maxlength=64
                        error=None
                    />
                    <SelectField name="date_order" label="Order of day and month" options=orders selected=v.date_order error=None />
                    <TextField name="owner" label="Phone owner" hint="For SMS backups, the name for messages sent from the backed-up phone; for chat exports, the exporting phone's owner, a recipient of every message." value=v.owner maxlength=200 error=None />
                    <SelectField name="mode" label="If some messages cannot be read" options=modes selected=v.mode error=None />
                    <button type="submit" class="usa-button">"Import messages"</button>
                </form>
            })}
        </section>
    }
    .into_any()
}

/// The message viewer.
#[component]
pub fn MessagesPage(
    ctx: PageContext,
    case: Case,
    values: MessageFilterValues,
    /// `(exhibit id, label)` of the case's message logs.
    logs: Vec<(String, String)>,
    messages: Vec<Message>,
    next: Option<String>,
    problem: Option<String>,
) -> impl IntoView {
    let token = ctx.csrf_token.clone();
    let next_token = ctx.csrf_token.clone();
    let base = case_path(case.case_id);
    let title = format!("Messages in {}", case.case_number);
    let action = format!("{base}/messages");
    let hidden = values.clone();
    let count = messages.len();
    let rows = messages
        .into_iter()
        .map(|message| {
            let href = message.path();
            let source = format!("E-{}, {}", message.exhibit_number, message.source_location);
            let body = message.shown_body().to_string();
            view! {
                <tr id=format!("message-{}", message.message_id)>
                    <td class="probity-nowrap"><a class="usa-link" href=href>{message.shown_time()}</a></td>
                    <td>{message.sender}</td>
                    <td>{message.recipients}</td>
                    <td class="probity-pre">{body}</td>
                    <td>{source}</td>
                </tr>
            }
        })
        .collect_view();
    let next_form = next.map(|cursor| {
        let action = action.clone();
        view! {
            <form method="post" action=action class="probity-inline-form">
                <CsrfField token=next_token />
                <input type="hidden" name="exhibit" value=hidden.exhibit />
                <input type="hidden" name="participant" value=hidden.participant />
                <input type="hidden" name="from" value=hidden.from />
                <input type="hidden" name="to" value=hidden.to />
                <input type="hidden" name="q" value=hidden.q />
                <input type="hidden" name="after" value=cursor />
                <button type="submit" class="usa-button usa-button--outline">"Later messages"</button>
            </form>
        }
    });
    view! {
        <CaseShell ctx=ctx title=title.clone() case=case.clone() section=CaseSection::Messages>
            <h1>{title}</h1>
            {problem.map(|problem| view! {
                <div class="usa-alert usa-alert--warning usa-alert--slim" role="alert">
                    <div class="usa-alert__body"><p class="usa-alert__text">{problem}</p></div>
                </div>
            })}
            <form class="usa-form probity-filters" method="post" action=action>
                <CsrfField token=token />
                <div class="probity-filter-grid">
                    <SelectField name="exhibit" label="Log" options=logs selected=values.exhibit empty="All logs" error=None />
                    <TextField name="participant" label="Participant" hint="Part of a name or number." value=values.participant maxlength=100 error=None />
                    <TextField name="from" label="From (UTC)" kind="date" value=values.from error=None />
                    <TextField name="to" label="Until (UTC)" kind="date" value=values.to error=None />
                    <TextField name="q" label="Words" value=values.q maxlength=200 error=None />
                </div>
                <button type="submit" class="usa-button">"Show messages"</button>
            </form>
            <div class="probity-wrap-table">
                <table class="usa-table usa-table--borderless usa-table--compact probity-table">
                    <caption class="usa-sr-only">{format!("Messages, oldest first, {count} shown")}</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Sent (UTC)"</th>
                            <th scope="col">"From"</th>
                            <th scope="col">"To"</th>
                            <th scope="col">"Message"</th>
                            <th scope="col">"Source"</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            {(count == 0).then(|| view! { <p class="probity-empty">"No messages match."</p> })}
            {next_form}
        </CaseShell>
    }
}

/// One message at its stable address, with the events citing it and links to cite it.
#[component]
pub fn MessagePage(
    ctx: PageContext,
    case: Case,
    message: Message,
    /// `(event id, label)` of the events citing it.
    cited_by: Vec<(i64, String)>,
    /// `(incident id, title)` it can be added to, when the person may edit.
    incidents: Vec<(i64, String)>,
) -> impl IntoView {
    let case_id = case.case_id;
    let message_id = message.message_id;
    let add = (!incidents.is_empty()).then(|| {
        let links = incidents
            .into_iter()
            .map(|(incident_id, title)| {
                let href = format!(
                    "{}/events/new?message={message_id}",
                    crate::pages::timeline::incident_path(case_id, incident_id)
                );
                view! { <li><a class="usa-link" href=href>{format!("Add to {title}")}</a></li> }
            })
            .collect_view();
        view! {
            <section aria-labelledby="add-heading">
                <h2 id="add-heading">"Add to a timeline"</h2>
                <ul class="usa-list">{links}</ul>
            </section>
        }
    });
    let title = format!("Message {} in {}", message.message_id, case.case_number);
    let exhibit = exhibit_path(case.case_id, message.exhibit_id);
    let log = format!(
        "{}/messages?exhibit={}",
        case_path(case.case_id),
        message.exhibit_id
    );
    view! {
        <CaseShell ctx=ctx title=title.clone() case=case.clone() section=CaseSection::Messages>
            <p class="probity-breadcrumb"><a class="usa-link" href=log>"Back to the messages"</a></p>
            <h1>{title}</h1>
            <dl class="probity-facts">
                <dt>"Sent (UTC)"</dt><dd>{message.shown_time()}</dd>
                <dt>"From"</dt><dd>{message.sender.clone()}</dd>
                <dt>"To"</dt><dd>{message.recipients.clone()}</dd>
                <dt>"Source"</dt>
                <dd>
                    <a class="usa-link" href=exhibit>{format!("E-{}", message.exhibit_number)}</a>
                    {format!(", {} (message {} of the log)", message.source_location, message.position)}
                </dd>
            </dl>
            <h2>"Text"</h2>
            <p class="probity-pre probity-message">{message.shown_body().to_string()}</p>
            {add}
            <crate::pages::timeline::CitedBy case_id=case_id citing=cited_by />
        </CaseShell>
    }
}
