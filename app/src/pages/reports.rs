//! Report pages: findings, recommendations (a case's and the office's open ones), redactions,
//! report versions with their review, comparison and side-by-side preview, and the public
//! portal. [`ReportDocument`] draws a report the same way everywhere: in the preview, in the
//! standalone HTML file and on the portal.

use crate::cases::{Allegation, Case, Party};
use crate::forms::{
    CsrfField, ErrorSummary, FieldErrors, SelectField, StaleWarning, TextArea, TextField, options,
};
use crate::pages::case_nav::{CaseSection, CaseShell};
use crate::pages::cases::{case_path, format_utc};
use crate::reports::{
    Block, DiffLine, Finding, Inline, LeakHit, LeakRelease, PublishedReport, Recommendation,
    RecommendationPriority, RecommendationResolution, RecommendationStatus, RecommendationUpdate,
    Redaction, RedactionReason, ReportModel, ReportVersion, ReviewComment, SECTIONS, diff_lines,
    section_title,
};
use crate::shell::Shell;
use crate::types::PageContext;
use leptos::prelude::*;
use probity_domain::money::format_amount;
pub use probity_domain::reports::FindingFields as FindingFormValues;
pub use probity_domain::reports::RecommendationFields as RecommendationFormValues;
pub use probity_domain::reports::RedactionFields as RedactionFormValues;

/// The path of a case's report overview.
pub fn report_path(case_id: i64) -> String {
    format!("{}/report", case_path(case_id))
}

/// The path of one report version.
pub fn version_path(case_id: i64, version: i64) -> String {
    format!("{}/versions/{version}", report_path(case_id))
}

/// The portal path of a published edition.
pub fn portal_path(report_number: &str, edition: i64) -> String {
    format!("/reports/{report_number}/{edition}")
}

fn inlines(runs: Vec<Inline>) -> impl IntoView {
    runs.into_iter()
        .map(|run| match run {
            Inline::Plain(text) => view! { <span>{text}</span> }.into_any(),
            Inline::Strong(text) => view! { <strong>{text}</strong> }.into_any(),
            Inline::Emphasis(text) => view! { <em>{text}</em> }.into_any(),
        })
        .collect_view()
}

fn blocks(items: Vec<Block>) -> impl IntoView {
    items
        .into_iter()
        .map(|block| match block {
            Block::Heading { text } => view! { <h4>{inlines(text)}</h4> }.into_any(),
            Block::Paragraph { text } => view! { <p>{inlines(text)}</p> }.into_any(),
            Block::Quote { text } => view! { <blockquote>{inlines(text)}</blockquote> }.into_any(),
            Block::List { ordered: true, items } => view! {
                <ol class="usa-list">{items.into_iter().map(|item| view! { <li>{inlines(item)}</li> }).collect_view()}</ol>
            }
            .into_any(),
            Block::List { ordered: false, items } => view! {
                <ul class="usa-list">{items.into_iter().map(|item| view! { <li>{inlines(item)}</li> }).collect_view()}</ul>
            }
            .into_any(),
        })
        .collect_view()
}

/// A report as HTML. `prefix` keeps element ids unique when two are on one page.
#[component]
pub fn ReportDocument(
    model: ReportModel,
    #[prop(default = "r")] prefix: &'static str,
) -> impl IntoView {
    let section = |model: &ReportModel, key: &str| {
        model.section(key).cloned().map(|section| {
            view! {
                <section class="probity-report__section">
                    <h3>{section.title}</h3>
                    {blocks(section.blocks)}
                </section>
            }
        })
    };
    let summary = section(&model, "summary");
    let background = section(&model, "background");
    let scope = section(&model, "scope");
    let agency_response = section(&model, "agency_response");
    let conclusion = section(&model, "conclusion");
    let corrections = section(&model, "corrections");
    let approved = if model.approved_on.is_empty() {
        format!("Draft version {}, not approved", model.version)
    } else {
        format!("Approved {}", model.approved_on)
    };
    let internal = model.internal.then(|| {
        view! {
            <div class="usa-alert usa-alert--warning usa-alert--slim">
                <div class="usa-alert__body">
                    <p class="usa-alert__text"><strong>"Internal version for the case team: names are not redacted. Not for publication."</strong></p>
                </div>
            </div>
        }
    });
    let incidents = (!model.incidents.is_empty()).then(|| {
        let items = model
            .incidents
            .into_iter()
            .enumerate()
            .map(|(index, incident)| {
                let caption = format!("Events of {}, earliest first; the numbers match the chart", incident.title);
                let chart_label = format!("{prefix}-chart-{index}");
                let chart_ref = chart_label.clone();
                view! {
                    <section class="probity-report__section">
                        <h4>{incident.title.clone()}</h4>
                        <p>{incident.summary}</p>
                        <figure class="probity-chart-frame" aria-labelledby=chart_ref tabindex="0">
                            <div inner_html=incident.chart_svg></div>
                            <figcaption id=chart_label>{format!("Timeline of {}", incident.title)}</figcaption>
                        </figure>
                        <table class="usa-table usa-table--borderless probity-table">
                            <caption class="usa-sr-only">{caption}</caption>
                            <thead><tr><th scope="col">"No."</th><th scope="col">"When"</th><th scope="col">"Who"</th><th scope="col">"What happened"</th></tr></thead>
                            <tbody>
                                {incident.events.into_iter().map(|event| {
                                    let who = if event.recipients.is_empty() { event.actors.clone() } else { format!("{} → {}", event.actors, event.recipients) };
                                    let what = if event.cites.is_empty() { format!("{}: {}", event.kind, event.narrative) } else { format!("{}: {} ({})", event.kind, event.narrative, event.cites) };
                                    view! { <tr><td>{event.number}</td><td>{event.when}</td><td>{who}</td><td>{what}</td></tr> }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </section>
                }
            })
            .collect_view();
        view! { <h3>"Incidents"</h3> {items} }
    });
    let findings = (!model.findings.is_empty()).then(|| {
        let items = model
            .findings
            .into_iter()
            .map(|finding| {
                let cites = (!finding.cites.is_empty())
                    .then(|| view! { <p><em>"Evidence cited: "</em>{finding.cites}</p> });
                view! {
                    <section class="probity-report__section">
                        <h4>{finding.allegation}</h4>
                        <dl class="probity-facts">
                            <dt>"Subject"</dt><dd>{finding.subject}</dd>
                            <dt>"Rule at issue"</dt><dd>{finding.rule}</dd>
                            <dt>"Finding"</dt><dd><strong>{finding.disposition}</strong></dd>
                            <dt>"Basis"</dt><dd>{finding.basis}</dd>
                        </dl>
                        {blocks(finding.analysis)}
                        {cites}
                    </section>
                }
            })
            .collect_view();
        view! { <h3>"Findings"</h3> {items} }
    });
    let recommendations = (!model.recommendations.is_empty()).then(|| {
        view! {
            <h3>"Recommendations"</h3>
            <table class="usa-table usa-table--borderless probity-table">
                <caption class="usa-sr-only">"Recommendations with their status and the agency's response"</caption>
                <thead><tr><th scope="col">"No."</th><th scope="col">"Recommendation"</th><th scope="col">"Status"</th><th scope="col">"Agency response"</th></tr></thead>
                <tbody>
                    {model.recommendations.into_iter().map(|r| view! {
                        <tr>
                            <td>{r.label}</td>
                            <td>{format!("{} (to {})", r.body, r.agency)}</td>
                            <td>{format!("{}, {}", r.status, r.status_on)}</td>
                            <td>{r.response}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        }
    });
    let exhibits = (!model.exhibits.is_empty()).then(|| {
        view! {
            <h3>"List of exhibits"</h3>
            <ul class="usa-list">
                {model.exhibits.into_iter().map(|exhibit| {
                    let note = if exhibit.withheld { " (withheld from publication)".to_string() } else { format!(" ({})", exhibit.media_type) };
                    view! { <li><strong>{exhibit.label}</strong>{" — "}{exhibit.caption}{note}</li> }
                }).collect_view()}
            </ul>
        }
    });
    view! {
        <article class="probity-report" lang="en">
            {internal}
            <header class="probity-report__cover">
                <p>{model.office_name}</p>
                <h2>{model.title}</h2>
                <p>{format!("Report {} · Concerning: {} · {}", model.report_number, model.agency, approved)}</p>
            </header>
            {summary}
            {background}
            {scope}
            {incidents}
            {findings}
            {recommendations}
            {agency_response}
            {conclusion}
            {corrections}
            {exhibits}
        </article>
    }
}

/// A report as a self-contained HTML file (the HTML export): no scripts, no outside files.
#[cfg(feature = "ssr")]
pub fn standalone_html(model: &ReportModel) -> String {
    const STYLE: &str = "body{font-family:Georgia,serif;max-width:52rem;margin:2rem auto;padding:0 1rem;line-height:1.5;color:#1b1b1b}\
        table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #dfe1e2;padding:.3rem;text-align:left;vertical-align:top}\
        .usa-sr-only{position:absolute;left:-999em}dt{font-weight:bold}figure{margin:1rem 0}svg{max-width:100%;height:auto}";
    let model = model.clone();
    let title = model.title.clone();
    crate::render::document(move || {
        view! {
            <html lang="en">
                <head>
                    <meta charset="utf-8" />
                    <meta name="viewport" content="width=device-width, initial-scale=1" />
                    <title>{title}</title>
                    <style>{STYLE}</style>
                </head>
                <body>
                    <main>
                        <ReportDocument model=model />
                    </main>
                </body>
            </html>
        }
    })
}

/// Sub-navigation of the report area of a case.
#[component]
fn ReportNav(case_id: i64, current: &'static str) -> impl IntoView {
    let base = case_path(case_id);
    let items = [
        ("findings", "Findings", format!("{base}/findings")),
        (
            "recommendations",
            "Recommendations",
            format!("{base}/recommendations"),
        ),
        ("redactions", "Redactions", format!("{base}/redactions")),
        ("report", "Report versions", report_path(case_id)),
    ];
    view! {
        <nav aria-label="Report" class="probity-subnav">
            <ul class="usa-button-group">
                {items.into_iter().map(|(key, label, href)| {
                    let here = key == current;
                    view! {
                        <li class="usa-button-group__item">
                            <a class=if here { "usa-button" } else { "usa-button usa-button--outline" } href=href aria-current=here.then_some("page")>{label}</a>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </nav>
    }
}

/// A case's findings, one per allegation.
#[component]
pub fn FindingsPage(
    ctx: PageContext,
    case: Case,
    allegations: Vec<Allegation>,
    findings: Vec<Finding>,
    /// `(event id, label)` and `(exhibit id, label)`, for naming citations.
    event_labels: Vec<(i64, String)>,
    exhibit_labels: Vec<(i64, String)>,
    can_edit: bool,
) -> impl IntoView {
    let title = format!("Findings in {}", case.case_number);
    let case_id = case.case_id;
    let label = |labels: &[(i64, String)], id: i64| {
        labels
            .iter()
            .find(|(i, _)| *i == id)
            .map(|(_, l)| l.clone())
            .unwrap_or_else(|| "(not visible to you)".into())
    };
    let items = allegations
        .into_iter()
        .map(|allegation| {
            let finding = findings
                .iter()
                .find(|f| f.allegation_id == allegation.allegation_id)
                .cloned();
            let edit = can_edit.then(|| {
                let href = format!("{}/findings/{}", case_path(case_id), allegation.allegation_id);
                let text = if finding.is_some() { "Edit finding" } else { "Record a finding" };
                view! { <a class="usa-button usa-button--outline" href=href>{text}</a> }
            });
            let body = match finding {
                Some(finding) => {
                    let cites: Vec<String> = finding
                        .event_ids
                        .iter()
                        .map(|id| label(&event_labels, *id))
                        .chain(finding.exhibit_ids.iter().map(|id| label(&exhibit_labels, *id)))
                        .collect();
                    let meta = format!("Saved by {} on {}", finding.updated_by_name, format_utc(finding.updated_at));
                    view! {
                        <dl class="probity-facts">
                            <dt>"Finding"</dt><dd><strong>{finding.disposition}</strong></dd>
                            <dt>"Basis"</dt><dd>{finding.basis}</dd>
                            <dt>"Analysis"</dt><dd class="probity-pre">{finding.analysis}</dd>
                            <dt>"Cites"</dt><dd>{if cites.is_empty() { "Nothing yet".to_string() } else { cites.join(", ") }}</dd>
                        </dl>
                        <p class="probity-note__meta">{meta}</p>
                    }
                    .into_any()
                }
                None => view! { <p>"No finding recorded yet."</p> }.into_any(),
            };
            let subject = allegation.subject_name.clone().unwrap_or_else(|| "Subject not set".into());
            view! {
                <section class="probity-note">
                    <h2 class="probity-note__heading">{allegation.summary.clone()}</h2>
                    <p>{format!("Subject: {subject} · Rule at issue: {}", allegation.rule_at_issue)}</p>
                    {body}
                    {edit}
                </section>
            }
        })
        .collect_view();
    view! {
        <CaseShell ctx=ctx title=title.clone() case=case.clone() section=CaseSection::Findings>
            <h1>{title}</h1>
            <ReportNav case_id=case_id current="findings" />
            {items}
        </CaseShell>
    }
}

fn checkboxes(
    legend: &'static str,
    name: &'static str,
    choices: Vec<(i64, String)>,
    checked: Vec<String>,
) -> impl IntoView {
    let empty = choices.is_empty();
    view! {
        <fieldset class="usa-fieldset">
            <legend class="usa-legend">{legend}</legend>
            {empty.then(|| view! { <p class="usa-hint">"None in this case yet."</p> })}
            {choices.into_iter().map(|(id, label)| {
                let value = id.to_string();
                let input_id = format!("{name}-{id}");
                let on = checked.contains(&value);
                view! {
                    <div class="usa-checkbox">
                        <input class="usa-checkbox__input" type="checkbox" id=input_id.clone() name=name value=value checked=on />
                        <label class="usa-checkbox__label" for=input_id>{label}</label>
                    </div>
                }
            }).collect_view()}
        </fieldset>
    }
}

/// The form to record a finding on an allegation.
#[component]
pub fn FindingFormPage(
    ctx: PageContext,
    case: Case,
    allegation: Allegation,
    dispositions: Vec<String>,
    event_choices: Vec<(i64, String)>,
    exhibit_choices: Vec<(i64, String)>,
    values: FindingFormValues,
    errors: FieldErrors,
    #[prop(default = false)] stale: bool,
    /// The finding as saved now, shown beside the typed values after a stale save.
    current: Option<Finding>,
) -> impl IntoView {
    let title = format!("Finding on an allegation in {}", case.case_number);
    let action = format!(
        "{}/findings/{}",
        case_path(case.case_id),
        allegation.allegation_id
    );
    let back = format!("{}/findings", case_path(case.case_id));
    let token = ctx.csrf_token.clone();
    let saved = current.filter(|_| stale).map(|finding| {
        view! {
            <div class="usa-summary-box" role="region" aria-label="Saved version">
                <div class="usa-summary-box__body">
                    <h2 class="usa-summary-box__heading">"As saved now"</h2>
                    <dl class="probity-facts">
                        <dt>"Finding"</dt><dd>{finding.disposition}</dd>
                        <dt>"Basis"</dt><dd>{finding.basis}</dd>
                        <dt>"Analysis"</dt><dd class="probity-pre">{finding.analysis}</dd>
                    </dl>
                </div>
            </div>
        }
    });
    let disposition_options: Vec<(String, String)> = dispositions
        .iter()
        .map(|d| (d.clone(), d.clone()))
        .collect();
    view! {
        <CaseShell ctx=ctx title=title.clone() case=case.clone() section=CaseSection::Findings>
            <h1>{title}</h1>
            <p><strong>"Allegation: "</strong>{allegation.summary}</p>
            <StaleWarning stale=stale />
            {saved}
            <ErrorSummary errors=errors.clone() />
            <form class="usa-form usa-form--large" method="post" action=action novalidate>
                <CsrfField token=token />
                <input type="hidden" name="version" value=values.version />
                <SelectField name="disposition" label="Finding" options=disposition_options selected=values.disposition empty="Choose a finding" error=errors.get("disposition") />
                <TextField name="basis" label="Legal or policy basis" value=values.basis maxlength=500 error=errors.get("basis") hint="The statute, regulation or policy the finding rests on." />
                <TextArea name="analysis" label="Analysis" value=values.analysis maxlength=20000 rows=10 error=errors.get("analysis") hint="Paragraphs separated by a blank line; - for lists; **bold** and *italic*. Write parties by their pseudonyms." />
                {checkboxes("Events cited", "events", event_choices, values.events)}
                {checkboxes("Exhibits cited", "exhibits", exhibit_choices, values.exhibits)}
                <button type="submit" class="usa-button">"Save finding"</button>
                <a class="usa-button usa-button--unstyled" href=back>"Cancel"</a>
            </form>
        </CaseShell>
    }
}

/// A case's recommendations.
#[component]
pub fn RecommendationsPage(
    ctx: PageContext,
    case: Case,
    recommendations: Vec<Recommendation>,
    can_edit: bool,
) -> impl IntoView {
    let title = format!("Recommendations in {}", case.case_number);
    let case_id = case.case_id;
    let add = can_edit.then(|| {
        let href = format!("{}/recommendations/new", case_path(case_id));
        view! { <p><a class="usa-button" href=href>"Add a recommendation"</a></p> }
    });
    let empty = recommendations.is_empty();
    view! {
        <CaseShell ctx=ctx title=title.clone() case=case.clone() section=CaseSection::Findings>
            <h1>{title}</h1>
            <ReportNav case_id=case_id current="recommendations" />
            {add}
            {empty.then(|| view! { <p>"No recommendations yet."</p> })}
            {(!empty).then(|| view! {
                <table class="usa-table usa-table--borderless probity-table">
                    <caption class="usa-sr-only">"Recommendations of this case"</caption>
                    <thead><tr><th scope="col">"No."</th><th scope="col">"To"</th><th scope="col">"Recommendation"</th><th scope="col">"Status"</th><th scope="col">"Agency response"</th></tr></thead>
                    <tbody>
                        {recommendations.into_iter().map(|r| {
                            let href = format!("{}/recommendations/{}", case_path(case_id), r.recommendation_id);
                            view! {
                                <tr>
                                    <th scope="row"><a class="usa-link" href=href>{r.label()}</a></th>
                                    <td>{r.agency.clone()}</td>
                                    <td>{r.body.clone()}</td>
                                    <td><RecommendationStanding recommendation=r.clone() /></td>
                                    <td>{r.response}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            })}
        </CaseShell>
    }
}

/// Where a recommendation stands: the agency's status, its resolution, whether it is
/// significant or rated, and when the agency's response is due or came.
#[component]
pub fn RecommendationStanding(recommendation: Recommendation) -> impl IntoView {
    let r = recommendation;
    let today = time::OffsetDateTime::now_utc().date();
    let response = match (&r.response_received_on, r.response_due_on()) {
        (Some(came), _) => Some(format!("Response received {came}")),
        (None, Some(due)) if r.response_overdue(today) => {
            Some(format!("Response overdue since {due}"))
        }
        (None, Some(due)) => Some(format!("Response due {due}")),
        (None, None) => None,
    };
    let overdue = r.response_overdue(today);
    let priority = (r.priority != RecommendationPriority::None)
        .then(|| format!("{} priority", r.priority.label()));
    view! {
        <span>{format!("{} since {}", r.status.label(), r.status_on)}</span>
        <br />
        <span>{r.resolution.label()}</span>
        {r.significant.then(|| view! { " " <span class="usa-tag">"Significant"</span> })}
        {priority.map(|p| view! { <br /><span>{p}</span> })}
        {response.map(|text| {
            let class = if overdue { "usa-tag probity-tag--overdue" } else { "" };
            view! { <br /><span class=class>{text}</span> }
        })}
    }
}

/// The form to add or update a recommendation, with its history.
#[component]
pub fn RecommendationFormPage(
    ctx: PageContext,
    case: Case,
    recommendation: Option<Recommendation>,
    history: Vec<RecommendationUpdate>,
    values: RecommendationFormValues,
    errors: FieldErrors,
    #[prop(default = false)] stale: bool,
    can_edit: bool,
    /// The office's currency, in which the amounts are shown.
    #[prop(into)]
    currency: String,
) -> impl IntoView {
    let base = case_path(case.case_id);
    let (title, action) = match &recommendation {
        Some(r) => (
            format!("{} in {}", r.label(), case.case_number),
            format!("{base}/recommendations/{}", r.recommendation_id),
        ),
        None => (
            format!("Add a recommendation to {}", case.case_number),
            format!("{base}/recommendations/new"),
        ),
    };
    let back = format!("{base}/recommendations");
    let token = ctx.csrf_token.clone();
    let response_hint = match recommendation.as_ref().and_then(|r| r.response_due_on()) {
        Some(due) => format!("This one's response is due {due}."),
        None => "The report is not published yet, so no response is due.".to_string(),
    };
    let money_view = recommendation.as_ref().map(|r| {
        let outcomes = format!("{base}/outcomes");
        view! {
            <h2>"Monetary results"</h2>
            <dl class="probity-facts">
                <dt>"Questioned costs"</dt><dd>{format!("{currency} {}", format_amount(r.questioned_minor))}</dd>
                <dt>"Of which unsupported"</dt><dd>{format!("{currency} {}", format_amount(r.unsupported_minor))}</dd>
                <dt>"Funds put to better use"</dt><dd>{format!("{currency} {}", format_amount(r.better_use_minor))}</dd>
            </dl>
            <p>"These are the amounts recorded against this recommendation under "<a class="usa-link" href=outcomes>"Referrals and outcomes"</a>"."</p>
        }
    });
    let history_view = (!history.is_empty()).then(|| {
        view! {
            <h2>"Status history"</h2>
            <table class="usa-table usa-table--borderless probity-table">
                <caption class="usa-sr-only">"Every status this recommendation has had"</caption>
                <thead><tr><th scope="col">"Status"</th><th scope="col">"Since"</th><th scope="col">"Note"</th><th scope="col">"Recorded by"</th></tr></thead>
                <tbody>
                    {history.into_iter().map(|h| view! {
                        <tr><td>{h.status.label()}</td><td>{h.status_on}</td><td>{h.note}</td><td>{format!("{}, {}", h.updated_by_name, format_utc(h.updated_at))}</td></tr>
                    }).collect_view()}
                </tbody>
            </table>
        }
    });
    let form = can_edit.then(|| {
        view! {
            <ErrorSummary errors=errors.clone() />
            <form class="usa-form usa-form--large" method="post" action=action novalidate>
                <CsrfField token=token />
                <input type="hidden" name="version" value=values.version />
                <TextField name="agency" label="Addressed to (agency)" value=values.agency maxlength=200 error=errors.get("agency") />
                <TextArea name="body" label="Recommendation" value=values.body maxlength=4000 rows=4 error=errors.get("body") />
                <TextArea name="response" label="Agency response" value=values.response maxlength=8000 rows=4 error=errors.get("response") hint="What the agency said, in its words or summarised." />
                <SelectField name="status" label="Status" options=options(RecommendationStatus::ALL, RecommendationStatus::as_str, RecommendationStatus::label) selected=values.status error=errors.get("status") />
                <TextField name="status_on" label="Status since" kind="date" value=values.status_on error=errors.get("status_on") hint="The date the status took effect." />
                <TextField name="note" label="Note on this change" value=values.note maxlength=500 error=errors.get("note") hint="Optional; kept in the history." />
                <fieldset class="usa-fieldset">
                    <legend class="usa-legend usa-legend--large">"Reporting"</legend>
                    <div class="usa-checkbox">
                        <input class="usa-checkbox__input" id="significant" type="checkbox" name="significant" value="yes" checked=values.significant == "yes" />
                        <label class="usa-checkbox__label" for="significant">"Significant (counted apart in the office's reporting)"</label>
                    </div>
                    <SelectField name="priority" label="Priority" options=options(RecommendationPriority::ALL, RecommendationPriority::as_str, RecommendationPriority::label) selected=values.priority error=errors.get("priority") />
                    <SelectField name="resolution" label="Resolution" options=options(RecommendationResolution::ALL, RecommendationResolution::as_str, RecommendationResolution::label) selected=values.resolution error=errors.get("resolution") hint="Unresolved until the agency's management decides what it will do; resolved once it has; closed when the office closes it." />
                    <TextField name="decision_on" label="Management decision" kind="date" value=values.decision_on error=errors.get("decision_on") hint="The day management decided; empty while it has not." />
                    <TextField name="response_received_on" label="Agency response received" kind="date" value=values.response_received_on error=errors.get("response_received_on") hint="Due 60 days after the report is first published." />
                    <p class="usa-hint">{response_hint}</p>
                </fieldset>
                <button type="submit" class="usa-button">"Save recommendation"</button>
                <a class="usa-button usa-button--unstyled" href=back.clone()>"Cancel"</a>
            </form>
        }
    });
    view! {
        <CaseShell ctx=ctx title=title.clone() case=case.clone() section=CaseSection::Findings>
            <h1>{title}</h1>
            <p><a class="usa-link" href=back>"All recommendations of this case"</a></p>
            <StaleWarning stale=stale />
            {form}
            {money_view}
            {history_view}
        </CaseShell>
    }
}

/// The office's open recommendations by agency.
#[component]
pub fn OpenRecommendationsPage(
    ctx: PageContext,
    recommendations: Vec<Recommendation>,
    /// The address of the next page, when there is one.
    next: Option<String>,
) -> impl IntoView {
    let empty = recommendations.is_empty();
    let mut rows = Vec::new();
    let mut last_agency = String::new();
    for r in recommendations {
        if r.agency != last_agency {
            last_agency = r.agency.clone();
            let agency = r.agency.clone();
            rows.push(view! { <tr><th scope="colgroup" colspan="4" class="probity-group">{agency}</th></tr> }.into_any());
        }
        let href = format!(
            "{}/recommendations/{}",
            case_path(r.case_id),
            r.recommendation_id
        );
        let label = format!("{} {}", r.case_number, r.label());
        rows.push(
            view! {
                <tr>
                    <td><a class="usa-link" href=href>{label}</a></td>
                    <td>{r.body.clone()}</td>
                    <td><RecommendationStanding recommendation=r.clone() /></td>
                    <td>{r.response}</td>
                </tr>
            }
            .into_any(),
        );
    }
    view! {
        <Shell ctx=ctx title="Open recommendations" current="/recommendations">
            <h1>"Open recommendations"</h1>
            <p>"Recommendations the agencies have not yet implemented or rejected, by agency, in the cases you may see."</p>
            <p>"The recommendations of published reports are also a public download, in the oversight.gov fields: "
                <a class="usa-link" href="/reports/recommendations.csv">"CSV"</a>" or "
                <a class="usa-link" href="/reports/recommendations.json">"JSON"</a>"."</p>
            {empty.then(|| view! { <p>"None open."</p> })}
            {(!empty).then(|| view! {
                <table class="usa-table usa-table--borderless probity-table">
                    <caption class="usa-sr-only">"Open recommendations grouped by agency"</caption>
                    <thead><tr><th scope="col">"Case and number"</th><th scope="col">"Recommendation"</th><th scope="col">"Status"</th><th scope="col">"Agency response"</th></tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            })}
            {next.map(|href| view! { <p class="probity-pager"><a class="usa-link" href=href>"Next page"</a></p> })}
        </Shell>
    }
}

/// A case's redactions and exhibit releases.
#[component]
pub fn RedactionsPage(
    ctx: PageContext,
    case: Case,
    parties: Vec<Party>,
    redactions: Vec<Redaction>,
    /// `(exhibit id, label, why sensitive, released)` of sensitive exhibits.
    sensitive: Vec<(i64, String, String, bool)>,
    values: RedactionFormValues,
    errors: FieldErrors,
    can_edit: bool,
) -> impl IntoView {
    let title = format!("Redactions in {}", case.case_number);
    let case_id = case.case_id;
    let base = case_path(case_id);
    let token = ctx.csrf_token.clone();
    let party_rows = parties
        .into_iter()
        .map(|p| {
            let shown = if p.pseudonym.trim().is_empty() {
                if p.kind == crate::cases::PartyKind::Person {
                    "[Redacted: personal data] (no pseudonym set)".to_string()
                } else {
                    "Named (organisation without a pseudonym)".to_string()
                }
            } else {
                p.pseudonym.clone()
            };
            view! { <tr><td>{p.name}</td><td>{p.party_role.label()}</td><td>{shown}</td></tr> }
        })
        .collect_view();
    let redaction_rows = redactions
        .into_iter()
        .map(|r| {
            let remove = can_edit.then(|| {
                let action = format!("{base}/redactions/{}/remove", r.redaction_id);
                let token = token.clone();
                view! {
                    <form method="post" action=action class="probity-inline-form">
                        <CsrfField token=token />
                        <button type="submit" class="usa-button usa-button--unstyled">"Remove"</button>
                    </form>
                }
            });
            view! { <tr><td>{r.text}</td><td>{r.reason.label()}</td><td>{r.created_by_name}</td><td>{remove}</td></tr> }
        })
        .collect_view();
    let release_rows = sensitive
        .into_iter()
        .map(|(id, label, why, released)| {
            let form = can_edit.then(|| {
                let action = format!("{base}/redactions/release");
                let token = token.clone();
                let (value, text) = if released {
                    ("0", "Withhold again")
                } else {
                    ("1", "Release for publication")
                };
                view! {
                    <form method="post" action=action class="probity-inline-form">
                        <CsrfField token=token />
                        <input type="hidden" name="exhibit_id" value=id.to_string() />
                        <input type="hidden" name="released" value=value />
                        <button type="submit" class="usa-button usa-button--outline">{text}</button>
                    </form>
                }
            });
            let state = if released { "Released" } else { "Withheld" };
            view! { <tr><td>{label}</td><td>{why}</td><td>{state}</td><td>{form}</td></tr> }
        })
        .collect_view();
    let add = can_edit.then(|| {
        let action = format!("{base}/redactions");
        view! {
            <h2>"Redact more text"</h2>
            <ErrorSummary errors=errors.clone() />
            <form class="usa-form usa-form--large" method="post" action=action novalidate>
                <CsrfField token=token.clone() />
                <TextField name="text" label="Text to redact" value=values.text maxlength=300 error=errors.get("text") hint="A name, alias, badge number, address or phone number, exactly as it may appear. It is replaced wherever it occurs, ignoring case." />
                <SelectField name="reason" label="Reason" options=options(RedactionReason::ALL, RedactionReason::as_str, RedactionReason::label) selected=values.reason empty="Choose a reason" error=errors.get("reason") />
                <button type="submit" class="usa-button">"Add redaction"</button>
            </form>
        }
    });
    view! {
        <CaseShell ctx=ctx title=title.clone() case=case.clone() section=CaseSection::Findings>
            <h1>{title}</h1>
            <ReportNav case_id=case_id current="redactions" />
            <p>"Public versions show parties by pseudonym, leave out exhibits tagged booking photo, personal data or restricted unless released, and replace the text below. Before publication, every public file is searched for all of it."</p>
            <h2>"Parties"</h2>
            <table class="usa-table usa-table--borderless probity-table">
                <caption class="usa-sr-only">"How each party appears in public versions"</caption>
                <thead><tr><th scope="col">"Name"</th><th scope="col">"Role"</th><th scope="col">"Shown as"</th></tr></thead>
                <tbody>{party_rows}</tbody>
            </table>
            <h2>"Redacted text"</h2>
            <table class="usa-table usa-table--borderless probity-table">
                <caption class="usa-sr-only">"Text replaced in public versions"</caption>
                <thead><tr><th scope="col">"Text"</th><th scope="col">"Reason"</th><th scope="col">"Added by"</th><th scope="col"><span class="usa-sr-only">"Action"</span></th></tr></thead>
                <tbody>{redaction_rows}</tbody>
            </table>
            {add}
            <h2>"Sensitive exhibits"</h2>
            <table class="usa-table usa-table--borderless probity-table">
                <caption class="usa-sr-only">"Exhibits left out of public versions unless released"</caption>
                <thead><tr><th scope="col">"Exhibit"</th><th scope="col">"Why"</th><th scope="col">"Public versions"</th><th scope="col"><span class="usa-sr-only">"Action"</span></th></tr></thead>
                <tbody>{release_rows}</tbody>
            </table>
        </CaseShell>
    }
}

/// What a person may do with a case's report.
#[derive(Clone, Copy, Debug, Default)]
pub struct ReportPermissions {
    pub draft: bool,
    pub review: bool,
    pub publish: bool,
}

/// A case's report versions and published editions.
#[component]
pub fn ReportPage(
    ctx: PageContext,
    case: Case,
    versions: Vec<ReportVersion>,
    published: Vec<PublishedReport>,
    permissions: ReportPermissions,
) -> impl IntoView {
    let title = format!("Report of {}", case.case_number);
    let case_id = case.case_id;
    let newest = versions.first().map(|v| v.version);
    let edit = permissions.draft.then(|| {
        let href = format!("{}/edit", report_path(case_id));
        let text = if newest.is_some() {
            "Write a new draft from the newest version"
        } else {
            "Start the report"
        };
        view! { <p><a class="usa-button" href=href>{text}</a></p> }
    });
    let compare = (versions.len() >= 2).then(|| {
        let action = format!("{}/compare", report_path(case_id));
        let choices: Vec<(String, String)> = versions
            .iter()
            .map(|v| (v.version.to_string(), format!("Version {} ({})", v.version, v.state.label())))
            .collect();
        let from = versions.get(1).map(|v| v.version.to_string()).unwrap_or_default();
        let to = versions.first().map(|v| v.version.to_string()).unwrap_or_default();
        view! {
            <h2>"Compare two versions"</h2>
            <form method="get" action=action class="usa-form">
                <SelectField name="from" label="Earlier version" options=choices.clone() selected=from />
                <SelectField name="to" label="Later version" options=choices selected=to />
                <button type="submit" class="usa-button usa-button--outline">"Compare"</button>
            </form>
        }
    });
    let empty = versions.is_empty();
    let published_view = (!published.is_empty()).then(|| {
        view! {
            <h2>"Published editions"</h2>
            <ul class="usa-list">
                {published.into_iter().map(|p| {
                    let href = portal_path(&p.report_number, p.edition);
                    let text = format!("Edition {} of report {}, published {}", p.edition, p.report_number, format_utc(p.published_at));
                    view! { <li><a class="usa-link" href=href>{text}</a></li> }
                }).collect_view()}
            </ul>
        }
    });
    view! {
        <CaseShell ctx=ctx title=title.clone() case=case.clone() section=CaseSection::Report>
            <h1>{title}</h1>
            <ReportNav case_id=case_id current="report" />
            {edit}
            {published_view}
            <h2>"Versions"</h2>
            {empty.then(|| view! { <p>"No version saved yet."</p> })}
            {(!empty).then(|| view! {
                <table class="usa-table usa-table--borderless probity-table">
                    <caption class="usa-sr-only">"Saved versions of the report, newest first"</caption>
                    <thead><tr><th scope="col">"Version"</th><th scope="col">"State"</th><th scope="col">"Saved by"</th><th scope="col">"Reviewed by"</th><th scope="col">"Changes"</th></tr></thead>
                    <tbody>
                        {versions.into_iter().map(|v| {
                            let href = version_path(case_id, v.version);
                            let changes = (v.version > 1).then(|| {
                                let compare = format!("{}/compare?from={}&to={}", report_path(case_id), v.version - 1, v.version);
                                view! { <a class="usa-link" href=compare>{format!("Compare with version {}", v.version - 1)}</a> }
                            });
                            let reviewed = v.reviewed_by_name.clone().map(|name| format!("{name}, {}", v.reviewed_at.map(format_utc).unwrap_or_default())).unwrap_or_default();
                            view! {
                                <tr>
                                    <th scope="row"><a class="usa-link" href=href>{format!("Version {}", v.version)}</a></th>
                                    <td>{v.state.label()}</td>
                                    <td>{format!("{}, {}", v.created_by_name, format_utc(v.created_at))}</td>
                                    <td>{reviewed}</td>
                                    <td>{changes}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            })}
            {compare}
        </CaseShell>
    }
}

/// The form to write a new draft.
#[component]
pub fn ReportEditPage(
    ctx: PageContext,
    case: Case,
    /// The version the draft starts from (0: none).
    based_on: i64,
    /// `(key, text)` for every section.
    values: Vec<(String, String)>,
    /// Comments of the last review, shown next to their sections.
    comments: Vec<ReviewComment>,
    errors: FieldErrors,
    #[prop(default = false)] stale: bool,
) -> impl IntoView {
    let title = format!("Draft the report of {}", case.case_number);
    let action = format!("{}/edit", report_path(case.case_id));
    let back = report_path(case.case_id);
    let token = ctx.csrf_token.clone();
    let fields = SECTIONS
        .iter()
        .map(|(key, label, hint)| {
            let value = values
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.clone())
                .unwrap_or_default();
            let notes: Vec<ReviewComment> = comments.iter().filter(|c| c.section == *key).cloned().collect();
            let notes_view = (!notes.is_empty()).then(|| view! {
                <div class="usa-alert usa-alert--info usa-alert--slim">
                    <div class="usa-alert__body">
                        {notes.into_iter().map(|c| view! { <p class="usa-alert__text">{format!("Reviewer ({}): {}", c.author_name, c.body)}</p> }).collect_view()}
                    </div>
                </div>
            });
            view! {
                {notes_view}
                <TextArea name=key label=label.to_string() value=value maxlength=50000 rows=8 error=errors.get(key) hint=*hint />
            }
        })
        .collect_view();
    view! {
        <CaseShell ctx=ctx title=title.clone() case=case.clone() section=CaseSection::Report>
            <h1>{title}</h1>
            <p>"Incidents with their timelines, findings, recommendations and the list of exhibits are drawn from the case when the report is rendered. Write parties by their pseudonyms; names are replaced in the public version anyway, and the leak check finds any left."</p>
            <p>"Formatting: a blank line starts a paragraph; ### starts a heading; - or 1. start list items; > quotes; **bold**, *italic*."</p>
            <StaleWarning stale=stale />
            <ErrorSummary errors=errors.clone() />
            <form class="usa-form usa-form--large" method="post" action=action novalidate>
                <CsrfField token=token />
                <input type="hidden" name="based_on" value=based_on.to_string() />
                {fields}
                <button type="submit" class="usa-button">"Save as a new version"</button>
                <a class="usa-button usa-button--unstyled" href=back>"Cancel"</a>
            </form>
        </CaseShell>
    }
}

/// One report version with its review actions.
#[component]
pub fn ReportVersionPage(
    ctx: PageContext,
    case: Case,
    version: ReportVersion,
    comments: Vec<ReviewComment>,
    /// This is the newest version.
    newest: bool,
    permissions: ReportPermissions,
    /// Published editions exist, so publishing this makes a correction.
    correction: bool,
    /// A message about the last action (e.g. why publication was blocked).
    message: Option<String>,
    /// Leak-check hits found just now, when publication was attempted.
    blocking: Vec<LeakHit>,
    /// The case's releases of personal-data hits.
    releases: Vec<LeakRelease>,
) -> impl IntoView {
    use crate::reports::ReportState;
    let case_id = case.case_id;
    let title = format!(
        "Report of {}, version {}",
        case.case_number, version.version
    );
    let base = version_path(case_id, version.version);
    let token = ctx.csrf_token.clone();
    let state = version.state;
    let sections = version
        .sections
        .iter()
        .filter(|(_, text)| !text.trim().is_empty())
        .map(|(key, text)| {
            let notes: Vec<ReviewComment> = comments.iter().filter(|c| c.section == *key).cloned().collect();
            let id = format!("section-{key}");
            let labelled = id.clone();
            view! {
                <section class="probity-note" aria-labelledby=labelled>
                    <h3 class="probity-note__heading" id=id>{section_title(key).to_string()}</h3>
                    <div class="probity-pre">{text.clone()}</div>
                    {notes.into_iter().map(|c| view! {
                        <div class="usa-alert usa-alert--info usa-alert--slim">
                            <div class="usa-alert__body"><p class="usa-alert__text">{format!("Reviewer comment ({}): {}", c.author_name, c.body)}</p></div>
                        </div>
                    }).collect_view()}
                </section>
            }
        })
        .collect_view();
    let general: Vec<ReviewComment> = comments
        .iter()
        .filter(|c| c.section == "general")
        .cloned()
        .collect();
    let review_note = (!version.review_note.is_empty()).then(|| {
        let note = version.review_note.clone();
        view! { <p><strong>"Review note: "</strong>{note}</p> }
    });
    let submit = (newest && permissions.draft && state == ReportState::Draft).then(|| {
        let action = format!("{base}/submit");
        view! {
            <form method="post" action=action class="usa-form">
                <CsrfField token=token.clone() />
                <button type="submit" class="usa-button">"Submit for review"</button>
            </form>
        }
    });
    let review = (newest && permissions.review && state == ReportState::Submitted).then(|| {
        let approve = format!("{base}/approve");
        let ret = format!("{base}/return");
        let comment_fields = SECTIONS
            .iter()
            .map(|(key, label, _)| {
                let name = format!("comment_{key}");
                view! {
                    <div class="usa-form-group">
                        <label class="usa-label" for=name.clone()>{format!("Comment on “{label}”")}</label>
                        <textarea class="usa-textarea" id=name.clone() name=name rows="2" maxlength="4000"></textarea>
                    </div>
                }
            })
            .collect_view();
        view! {
            <h2>"Review"</h2>
            <form method="post" action=approve class="usa-form">
                <CsrfField token=token.clone() />
                <p>"Approving renders the internal and public PDFs, HTML and JSON of this version, records their SHA-256 and runs the leak check on the public files. Any later change starts a new draft."</p>
                <button type="submit" class="usa-button">"Approve this version"</button>
            </form>
            <form method="post" action=ret class="usa-form usa-form--large">
                <CsrfField token=token.clone() />
                <div class="usa-form-group">
                    <label class="usa-label" for="note">"Why it goes back"</label>
                    <textarea class="usa-textarea" id="note" name="note" rows="3" maxlength="4000"></textarea>
                </div>
                {comment_fields}
                <button type="submit" class="usa-button usa-button--secondary">"Return with comments"</button>
            </form>
        }
    });
    let approval = version.internal_pdf_sha256.clone().map(|internal| {
        let public = version.public_pdf_sha256.clone().unwrap_or_default();
        let approved = format!(
            "Approved by {} on {}",
            version.reviewed_by_name.clone().unwrap_or_default(),
            version.reviewed_at.map(format_utc).unwrap_or_default()
        );
        let hits = version.leak_hits.clone().unwrap_or_default();
        let clean = hits.is_empty();
        let releases = releases.clone();
        let release = (permissions.publish && state == ReportState::Approved)
            .then(|| (format!("{base}/release"), token.clone()));
        view! {
            <h2>"Approved files"</h2>
            <p>{approved}</p>
            <ul class="usa-list">
                <li><a class="usa-link" href=format!("{base}/internal.pdf")>"Internal PDF (for the team)"</a>{format!(" — SHA-256 {internal}")}</li>
                <li><a class="usa-link" href=format!("{base}/public.pdf")>"Public PDF"</a>{format!(" — SHA-256 {public}")}</li>
                <li><a class="usa-link" href=format!("{base}/public.html")>"Public HTML"</a></li>
                <li><a class="usa-link" href=format!("{base}/public.json")>"Public JSON"</a></li>
            </ul>
            <h3>"Leak check at approval"</h3>
            {if clean {
                view! { <p>"No redacted string and no personal data was found in the public PDF (text, metadata, embedded images, figures), HTML or JSON."</p> }.into_any()
            } else {
                match release {
                    Some(release) => view! { <LeakTable hits=hits releases=releases release=release /> }.into_any(),
                    None => view! { <LeakTable hits=hits releases=releases /> }.into_any(),
                }
            }}
        }
    });
    let publish = (permissions.publish && state == ReportState::Approved).then(|| {
        let action = format!("{base}/publish");
        let text = if correction { "Publish as a corrected edition" } else { "Publish" };
        let hint = correction.then(|| view! { <p>"An earlier edition is published. This version's “Corrections” section must say what changed; the earlier edition stays available."</p> });
        view! {
            <h2>"Publication"</h2>
            {hint}
            <form method="post" action=action class="usa-form">
                <CsrfField token=token.clone() />
                <p>"The public files are checked once more against the redactions as they are now. Published reports never change."</p>
                <button type="submit" class="usa-button">{text}</button>
            </form>
        }
    });
    let message = message.map(|m| view! {
        <div class="usa-alert usa-alert--error" role="alert">
            <div class="usa-alert__body"><h2 class="usa-alert__heading">"Not published"</h2><p class="usa-alert__text">{m}</p></div>
        </div>
    });
    let blocking = (!blocking.is_empty())
        .then(|| view! { <LeakTable hits=blocking releases=releases.clone() /> });
    let preview = format!("{base}/preview");
    view! {
        <CaseShell ctx=ctx title=title.clone() case=case.clone() section=CaseSection::Report>
            <h1>{title}</h1>
            <p><a class="usa-link" href=report_path(case_id)>"All versions"</a>" · "<a class="usa-link" href=preview>"Preview internal and public versions side by side"</a></p>
            {message}
            {blocking}
            <dl class="probity-facts">
                <dt>"State"</dt><dd>{state.label()}</dd>
                <dt>"Saved by"</dt><dd>{format!("{}, {}", version.created_by_name, format_utc(version.created_at))}</dd>
                <dt>"Submitted by"</dt><dd>{version.submitted_by_name.clone().map(|n| format!("{n}, {}", version.submitted_at.map(format_utc).unwrap_or_default())).unwrap_or_else(|| "Not submitted".into())}</dd>
            </dl>
            {review_note}
            {general.into_iter().map(|c| view! { <p>{format!("Reviewer comment ({}): {}", c.author_name, c.body)}</p> }).collect_view()}
            {submit}
            {review}
            {approval}
            {publish}
            <h2>"Narrative sections"</h2>
            {sections}
        </CaseShell>
    }
}

/// Leak-check hits as a table. Hits of personal-data patterns show whether a commissioner
/// released them; with `release` (the form's address and token) each unreleased value gets a
/// form to release it with a reason.
#[component]
pub fn LeakTable(
    hits: Vec<LeakHit>,
    #[prop(optional)] releases: Vec<LeakRelease>,
    #[prop(optional)] release: Option<(String, String)>,
) -> impl IntoView {
    let released = |hit: &LeakHit| {
        hit.release_key
            .as_ref()
            .and_then(|key| releases.iter().find(|r| &r.release_key == key))
            .cloned()
    };
    let blocking = hits.iter().filter(|hit| released(hit).is_none()).count();
    let summary = if blocking == 0 {
        "Every hit below was released by a commissioner; they do not block publication.".to_string()
    } else {
        format!(
            "{blocking} hit(s) in the public files. Publication is blocked until they are gone: redact them or fix the text and approve a new version. A commissioner may release a hit of personal data (a telephone number, say) that may be published, with a reason."
        )
    };
    // One release form per value, in the order the values were first found.
    let mut keys: Vec<(String, String, String)> = Vec::new();
    for hit in &hits {
        if let Some(key) = &hit.release_key
            && released(hit).is_none()
            && !keys.iter().any(|(k, _, _)| k == key)
        {
            keys.push((key.clone(), hit.term.clone(), hit.context.clone()));
        }
    }
    let forms = release.filter(|_| !keys.is_empty()).map(|(action, token)| {
        let forms = keys
            .into_iter()
            .enumerate()
            .map(|(index, (key, term, context))| {
                let id = format!("release-reason-{}", index + 1);
                view! {
                    <form method="post" action=action.clone() class="usa-form usa-form--large">
                        <CsrfField token=token.clone() />
                        <input type="hidden" name="release_key" value=key />
                        <div class="usa-form-group">
                            <label class="usa-label" for=id.clone()>{format!("Why {term} ({context}) may be published")}</label>
                            <textarea class="usa-textarea" id=id.clone() name="reason" rows="2" maxlength="1000" required></textarea>
                        </div>
                        <button type="submit" class="usa-button usa-button--secondary">{format!("Release {term}")}</button>
                    </form>
                }
            })
            .collect_view();
        view! { <h4>"Release personal data"</h4>{forms} }
    });
    let rows = hits
        .iter()
        .map(|h| {
            let state = match released(h) {
                Some(r) => format!("Released by {} on {}: {}", r.released_by_name, format_utc(r.released_at), r.reason),
                None if h.release_key.is_some() => "Blocks publication (may be released)".to_string(),
                None => "Blocks publication".to_string(),
            };
            let h = h.clone();
            view! { <tr><td>{h.file}</td><td>{h.place}</td><td>{h.term}</td><td>{h.context}</td><td>{state}</td></tr> }
        })
        .collect_view();
    let class = if blocking == 0 {
        "usa-alert usa-alert--info usa-alert--slim"
    } else {
        "usa-alert usa-alert--error usa-alert--slim"
    };
    view! {
        <div class=class>
            <div class="usa-alert__body">
                <p class="usa-alert__text">{summary}</p>
            </div>
        </div>
        <table class="usa-table usa-table--borderless probity-table">
            <caption>"What the leak check found in the public files (the value itself is masked)"</caption>
            <thead><tr><th scope="col">"File"</th><th scope="col">"Where"</th><th scope="col">"What"</th><th scope="col">"Context"</th><th scope="col">"State"</th></tr></thead>
            <tbody>{rows}</tbody>
        </table>
        {forms}
    }
}

/// Two versions compared section by section.
#[component]
pub fn ComparePage(
    ctx: PageContext,
    case: Case,
    from: ReportVersion,
    to: ReportVersion,
) -> impl IntoView {
    let title = format!(
        "Report of {}: version {} against version {}",
        case.case_number, to.version, from.version
    );
    let back = report_path(case.case_id);
    let sections = SECTIONS
        .iter()
        .map(|(key, label, _)| {
            let old = from.section(key);
            let new = to.section(key);
            let body = if old == new {
                view! { <p class="usa-hint">"No change."</p> }.into_any()
            } else {
                view! {
                    <div class="probity-diff">
                        {diff_lines(old, new).into_iter().map(|line| match line {
                            DiffLine::Same(text) => view! { <p class="probity-diff__same">{text}</p> }.into_any(),
                            DiffLine::Added(text) => view! { <p><ins>{format!("+ {text}")}</ins></p> }.into_any(),
                            DiffLine::Removed(text) => view! { <p><del>{format!("− {text}")}</del></p> }.into_any(),
                        }).collect_view()}
                    </div>
                }
                .into_any()
            };
            view! { <section><h2>{label.to_string()}</h2>{body}</section> }
        })
        .collect_view();
    view! {
        <CaseShell ctx=ctx title=title.clone() case=case.clone() section=CaseSection::Report>
            <h1>{title}</h1>
            <p><a class="usa-link" href=back>"All versions"</a></p>
            <p>"Added lines are marked + and underlined; removed lines − and struck through."</p>
            {sections}
        </CaseShell>
    }
}

/// The internal and public versions side by side.
#[component]
pub fn PreviewPage(
    ctx: PageContext,
    case: Case,
    version: i64,
    internal: ReportModel,
    public: ReportModel,
) -> impl IntoView {
    let title = format!(
        "Report of {}, version {}: internal and public",
        case.case_number, version
    );
    let back = version_path(case.case_id, version);
    view! {
        <CaseShell ctx=ctx title=title.clone() case=case.clone() section=CaseSection::Report>
            <h1>{title}</h1>
            <p><a class="usa-link" href=back>"Back to the version"</a></p>
            <div class="grid-row grid-gap probity-preview">
                <section class="tablet:grid-col-6" aria-labelledby="internal-heading">
                    <h2 id="internal-heading">"Internal"</h2>
                    <ReportDocument model=internal prefix="internal" />
                </section>
                <section class="tablet:grid-col-6" aria-labelledby="public-heading">
                    <h2 id="public-heading">"Public"</h2>
                    <ReportDocument model=public prefix="public" />
                </section>
            </div>
        </CaseShell>
    }
}

/// The public list of published reports.
#[component]
pub fn PortalListPage(
    ctx: PageContext,
    reports: Vec<PublishedReport>,
    query: String,
    next: Option<String>,
) -> impl IntoView {
    let empty = reports.is_empty();
    let office = ctx.office_name.clone();
    view! {
        <Shell ctx=ctx title="Published reports" current="/reports">
            <h1>"Published reports"</h1>
            <p>{format!("Reports of investigations by {office}, as published. Names of private persons are replaced by pseudonyms.")}</p>
            <form method="get" action="/reports" class="usa-search usa-search--small" role="search">
                <label class="usa-label" for="q">"Search the reports"</label>
                <div class="probity-inline-form">
                    <input class="usa-input" id="q" name="q" type="search" value=query maxlength="200" />
                    <button class="usa-button" type="submit">"Search"</button>
                </div>
            </form>
            {empty.then(|| view! { <p>"No published report matches."</p> })}
            <ul class="usa-collection">
                {reports.into_iter().map(|r| {
                    let href = portal_path(&r.report_number, r.edition);
                    let meta = if r.edition > 1 { format!("Report {} · edition {} (corrected) · {} · published {}", r.report_number, r.edition, r.agency, format_utc(r.published_at)) } else { format!("Report {} · {} · published {}", r.report_number, r.agency, format_utc(r.published_at)) };
                    view! {
                        <li class="usa-collection__item">
                            <div class="usa-collection__body">
                                <h2 class="usa-collection__heading"><a class="usa-link" href=href>{r.title}</a></h2>
                                <p class="usa-collection__description">{r.summary}</p>
                                <p class="usa-collection__meta">{meta}</p>
                            </div>
                        </li>
                    }
                }).collect_view()}
            </ul>
            {next.map(|href| view! { <p class="probity-pager"><a class="usa-link" href=href>"Older reports"</a></p> })}
            <h2>"Recommendations data"</h2>
            <p>"Every recommendation in these reports, with its number, whether it is significant, its questioned costs and funds for better use, and its status now, in the fields oversight.gov publishes: "
                <a class="usa-link" href="/reports/recommendations.csv">"CSV"</a>" or "
                <a class="usa-link" href="/reports/recommendations.json">"JSON"</a>"."</p>
        </Shell>
    }
}

/// One published edition on the portal.
#[component]
pub fn PortalReportPage(
    ctx: PageContext,
    report: PublishedReport,
    model: ReportModel,
    /// Every edition of the report, `(edition, published at)`.
    editions: Vec<(i64, String)>,
) -> impl IntoView {
    let base = portal_path(&report.report_number, report.edition);
    let title = report.title.clone();
    let correction = (!report.correction_note.is_empty()).then(|| {
        let note = report.correction_note.clone();
        view! {
            <div class="usa-alert usa-alert--info">
                <div class="usa-alert__body"><h2 class="usa-alert__heading">"Corrected edition"</h2><p class="usa-alert__text">{note}</p></div>
            </div>
        }
    });
    let editions_view = (editions.len() > 1).then(|| {
        let number = report.report_number.clone();
        view! {
            <h2>"Editions"</h2>
            <ul class="usa-list">
                {editions.into_iter().map(|(edition, at)| {
                    let href = portal_path(&number, edition);
                    view! { <li><a class="usa-link" href=href>{format!("Edition {edition}, published {at}")}</a></li> }
                }).collect_view()}
            </ul>
        }
    });
    view! {
        <Shell ctx=ctx title=title.clone() current="/reports">
            <p><a class="usa-link" href="/reports">"All published reports"</a></p>
            <h1>{title}</h1>
            <p>{format!("Report {}, edition {}, published {}", report.report_number, report.edition, format_utc(report.published_at))}</p>
            <ul class="usa-list">
                <li><a class="usa-link" href=format!("{base}/report.pdf")>"Download the PDF"</a></li>
                <li><a class="usa-link" href=format!("{base}/report.html")>"Download as HTML"</a></li>
                <li><a class="usa-link" href=format!("{base}/report.json")>"Data (JSON)"</a></li>
            </ul>
            <p class="usa-hint">{format!("SHA-256 of the PDF: {}", report.public_pdf_sha256)}</p>
            {correction}
            <ReportDocument model=model />
            {editions_view}
        </Shell>
    }
}
