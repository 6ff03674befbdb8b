//! A case's plan and clocks: its statutory clocks (days used, days left, pauses and
//! extensions), its investigative plan (tasks), and its complainants with the consents
//! that allow disclosing who they are.

use crate::cases::Case;
use crate::forms::{
    CsrfField, ErrorSummary, SelectField, StaleWarning, TextArea, TextField, options,
};
use crate::pages::case_nav::{CaseSection, CaseShell};
use crate::pages::cases::{case_path, format_utc};
use crate::types::PageContext;
use leptos::prelude::*;
use probity_domain::clocks::{CaseClock, ClockChange, ClockChangeKind};
use probity_domain::complaints::{Complainant, ConsentScope};
use probity_domain::plan::{SupervisoryReview, Task, TaskFields, TaskStatus};
use probity_domain::validation::FieldErrors;

/// The words for where a clock stands on `today`.
pub fn clock_state(clock: &CaseClock, today: time::Date) -> (String, &'static str) {
    let reading = clock.reading(today);
    let left = reading.left;
    let state = if reading.stopped {
        if reading.overdue() {
            format!("Stopped {} days late", -left)
        } else {
            format!("Stopped with {left} days to spare")
        }
    } else if reading.overdue() {
        format!("Overdue by {} days", -left)
    } else if reading.paused {
        format!("Paused, {left} days left")
    } else {
        format!("{left} days left")
    };
    let tag = if reading.overdue() && !reading.stopped {
        "probity-tag--overdue"
    } else if reading.paused || reading.stopped {
        "probity-tag--plain"
    } else if left <= 30 {
        "probity-tag--soon"
    } else {
        "probity-tag--ok"
    };
    (state, tag)
}

/// A table of a case's clocks.
#[component]
pub fn ClockTable(
    clocks: Vec<CaseClock>,
    today: time::Date,
    /// The case's id, to link each clock's change form; `None` when the reader may not change
    /// them.
    #[prop(optional_no_strip)]
    change_base: Option<String>,
) -> impl IntoView {
    let rows = clocks
        .into_iter()
        .map(|clock| {
            let reading = clock.reading(today);
            let (state, tag) = clock_state(&clock, today);
            let paused = match (clock.paused_since, clock.paused_days) {
                (Some(since), 0) => format!("Paused since {since}"),
                (Some(since), days) => format!("{days} days, and paused since {since}"),
                (None, 0) => "None".to_string(),
                (None, days) => format!("{days} days"),
            };
            let extended = if clock.extended_days == 0 {
                format!("None (up to {} days allowed)", clock.extension_limit_days)
            } else {
                format!(
                    "{} of {} days",
                    clock.extended_days, clock.extension_limit_days
                )
            };
            let link = change_base
                .as_ref()
                .filter(|_| clock.stopped_on.is_none())
                .map(|base| {
                    let href = format!("{base}/clocks/{}", clock.clock);
                    let label = format!("Extend, pause or resume: {}", clock.label);
                    view! { <a class="usa-link" href=href>{label}</a> }
                });
            view! {
                <tr>
                    <th scope="row">{clock.label.clone()}</th>
                    <td>{clock.started_on.to_string()}</td>
                    <td>{clock.due_on.to_string()}</td>
                    <td>{format!("{} of {}", reading.used, reading.allowed)}</td>
                    <td><span class=format!("usa-tag probity-tag {tag}")>{state}</span></td>
                    <td>{paused}</td>
                    <td>{extended}</td>
                    <td>{link}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="usa-table usa-table--borderless probity-table">
            <caption>"Statutory clocks (calendar days; paused days not counted)"</caption>
            <thead>
                <tr>
                    <th scope="col">"Clock"</th>
                    <th scope="col">"Started"</th>
                    <th scope="col">"Due"</th>
                    <th scope="col">"Days used"</th>
                    <th scope="col">"Where it stands"</th>
                    <th scope="col">"Paused"</th>
                    <th scope="col">"Extended"</th>
                    <th scope="col"><span class="usa-sr-only">"Change"</span></th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
}

/// A case's plan page: clocks first, then the tasks.
#[derive(Clone, Debug)]
pub struct PlanView {
    pub case: Case,
    pub case_type_label: String,
    pub clocks: Vec<CaseClock>,
    pub changes: Vec<ClockChange>,
    pub tasks: Vec<Task>,
    pub can_edit: bool,
    pub can_change_clocks: bool,
    /// Supervisory reviews, newest first.
    pub reviews: Vec<SupervisoryReview>,
    pub can_review: bool,
    /// The review note as typed, when it was refused.
    pub review_note: String,
    pub review_errors: FieldErrors,
    pub today: time::Date,
    pub notice: Option<String>,
}

/// The plan and clocks of a case.
#[component]
pub fn PlanPage(ctx: PageContext, view: PlanView) -> impl IntoView {
    let case = view.case.clone();
    let base = case_path(case.case_id);
    let today = view.today;
    let today_text = today.to_string();
    let has_clocks = !view.clocks.is_empty();
    let change_base = view.can_change_clocks.then(|| base.clone());
    let clocks = view.clocks;
    let changes = view
        .changes
        .into_iter()
        .rev()
        .map(|change| {
            let what = match change.kind {
                ClockChangeKind::Extend => format!(
                    "Extended by {} days{}",
                    change.days,
                    change
                        .consent_on
                        .as_deref()
                        .map(|day| format!(" (complainant consented on {day})"))
                        .unwrap_or_default()
                ),
                kind => kind.label().to_string(),
            };
            view! {
                <tr>
                    <td>{format_utc(change.changed_at)}</td>
                    <td>{change.clock}</td>
                    <td>{what}</td>
                    <td class="probity-pre">{change.reason}</td>
                    <td>{change.changed_by_name}</td>
                </tr>
            }
        })
        .collect::<Vec<_>>();
    let has_changes = !changes.is_empty();
    let has_tasks = !view.tasks.is_empty();
    let can_edit = view.can_edit;
    let tasks = view
        .tasks
        .into_iter()
        .map(|task| {
            let overdue = task.overdue(&today_text);
            let edit = format!("{base}/plan/{}/edit", task.task_id);
            let fulfilled = match (&task.fulfilled_exhibit, &task.fulfilled_event) {
                (Some((id, number)), _) => {
                    let href = format!("{base}/exhibits/{id}");
                    Some(view! { <a class="usa-link" href=href>{format!("Exhibit E-{number}")}</a> }.into_any())
                }
                (None, Some((_, narrative))) => {
                    let href = format!("{base}/timeline");
                    let short: String = narrative.chars().take(60).collect();
                    Some(view! { <a class="usa-link" href=href>{format!("Event: {short}")}</a> }.into_any())
                }
                _ => None,
            };
            let label = format!("Edit task: {}", task.title);
            view! {
                <tr>
                    <th scope="row">
                        {task.title.clone()}
                        {(!task.notes.is_empty()).then(|| view! { <p class="probity-pre probity-muted">{task.notes.clone()}</p> })}
                    </th>
                    <td>{task.assignee_name.clone().unwrap_or_else(|| "Nobody yet".into())}</td>
                    <td>
                        {task.due_on.clone().unwrap_or_else(|| "None".into())}
                        {overdue.then(|| view! { " " <span class="usa-tag probity-tag probity-tag--overdue">"Overdue"</span> })}
                    </td>
                    <td>{task.status.label()}</td>
                    <td>{fulfilled}</td>
                    <td>{can_edit.then(|| view! { <a class="usa-link" href=edit>{label}</a> })}</td>
                </tr>
            }
        })
        .collect_view();
    let add = format!("{base}/plan/new");
    let has_reviews = !view.reviews.is_empty();
    let reviews = view
        .reviews
        .into_iter()
        .map(|r| {
            view! {
                <li>
                    <strong>{format!("{}, {}", r.reviewer_name, format_utc(r.reviewed_at))}</strong>
                    <p class="probity-pre">{r.note}</p>
                </li>
            }
        })
        .collect_view();
    let review_errors = view.review_errors;
    let review_note = view.review_note;
    let token = ctx.csrf_token.clone();
    let review_action = format!("{base}/plan/reviews");
    let review_form = view.can_review.then(|| {
        view! {
            <ErrorSummary errors=review_errors.clone() />
            <form class="usa-form usa-form--large" method="post" action=review_action novalidate>
                <CsrfField token=token />
                <TextArea name="note" label="Record a review" hint="What you reviewed, what you found and what you asked the team to do." value=review_note maxlength=4000 rows=4 error=review_errors.get("note") />
                <button type="submit" class="usa-button">"Record the review"</button>
            </form>
        }
    });
    view! {
        <CaseShell ctx=ctx title=format!("Plan and clocks: {}", case.case_number) case=case.clone() section=CaseSection::Plan>
            <h1>"Plan and clocks"</h1>
            {view.notice.map(|notice| view! {
                <div class="usa-alert usa-alert--success usa-alert--slim" role="status">
                    <div class="usa-alert__body"><p class="usa-alert__text">{notice}</p></div>
                </div>
            })}
            <p>{format!("Case type: {}.", view.case_type_label)}</p>
            <section aria-labelledby="clocks-heading">
                <h2 id="clocks-heading">"Clocks"</h2>
                {if has_clocks {
                    view! { <ClockTable clocks=clocks today=today change_base=change_base /> }.into_any()
                } else {
                    view! { <p>"This case's type has no statutory clock."</p> }.into_any()
                }}
                {has_changes.then(|| view! {
                    <table class="usa-table usa-table--borderless probity-table">
                        <caption>"Extensions, pauses and stops, newest first"</caption>
                        <thead><tr>
                            <th scope="col">"When"</th>
                            <th scope="col">"Clock"</th>
                            <th scope="col">"What"</th>
                            <th scope="col">"Why"</th>
                            <th scope="col">"By"</th>
                        </tr></thead>
                        <tbody>{changes}</tbody>
                    </table>
                })}
            </section>
            <section aria-labelledby="tasks-heading">
                <div class="probity-title-row">
                    <h2 id="tasks-heading">"Investigative plan"</h2>
                    {can_edit.then(|| view! { <a class="usa-button usa-button--outline" href=add>"Add a task"</a> })}
                </div>
                {if has_tasks {
                    view! {
                        <table class="usa-table usa-table--borderless probity-table">
                            <caption>"Tasks: open ones first, soonest due first"</caption>
                            <thead><tr>
                                <th scope="col">"Task"</th>
                                <th scope="col">"Assigned to"</th>
                                <th scope="col">"Due"</th>
                                <th scope="col">"Status"</th>
                                <th scope="col">"Fulfilled by"</th>
                                <th scope="col"><span class="usa-sr-only">"Edit"</span></th>
                            </tr></thead>
                            <tbody>{tasks}</tbody>
                        </table>
                    }.into_any()
                } else {
                    view! { <p>"No tasks yet."</p> }.into_any()
                }}
            </section>
            <section aria-labelledby="reviews-heading">
                <h2 id="reviews-heading">"Supervisory reviews"</h2>
                {if has_reviews {
                    view! { <ul class="usa-list probity-reviews">{reviews}</ul> }.into_any()
                } else {
                    view! { <p>"No supervisor has recorded a review of this case."</p> }.into_any()
                }}
                {review_form}
            </section>
        </CaseShell>
    }
}

/// The form to extend, pause or resume one clock.
#[component]
pub fn ClockChangePage(
    ctx: PageContext,
    case: Case,
    clock: CaseClock,
    today: time::Date,
    /// What was typed: kind, days, reason, consent day.
    values: (String, String, String, String),
    errors: FieldErrors,
) -> impl IntoView {
    let token = ctx.csrf_token.clone();
    let base = case_path(case.case_id);
    let action = format!("{base}/clocks/{}", clock.clock);
    let (state, _) = clock_state(&clock, today);
    let paused = clock.paused_since.is_some();
    let kinds = if paused {
        vec![("resume".to_string(), "Resume the clock".to_string())]
    } else {
        let mut kinds = Vec::new();
        if clock.extension_left() > 0 {
            kinds.push(("extend".to_string(), "Extend the clock".to_string()));
        }
        kinds.push(("pause".to_string(), "Pause the clock".to_string()));
        kinds
    };
    let consent_hint = if clock.extension_needs_consent {
        "An extension of this clock needs the complainant's consent: the day they gave it."
    } else {
        "If the complainant consented to the extension, the day they did."
    };
    let extension_left = clock.extension_left();
    let title = format!("{}: {}", clock.label, case.case_number);
    view! {
        <CaseShell ctx=ctx title=title case=case.clone() section=CaseSection::Plan>
            <h1>{format!("Change the clock: {}", clock.label)}</h1>
            <p>{format!("Started {}, due {}: {state}. It may be extended by {extension_left} more days.", clock.started_on, clock.due_on)}</p>
            <ErrorSummary errors=errors.clone() />
            <form class="usa-form usa-form--large" method="post" action=action novalidate>
                <CsrfField token=token />
                <SelectField name="kind" label="What to do" options=kinds selected=values.0 error=errors.get("kind") />
                <TextField name="days" label="Days to extend by (extensions only)" kind="number" value=values.1 error=errors.get("days") />
                <TextField name="consent_on" label="Day the complainant consented" kind="date" hint=consent_hint value=values.3 error=errors.get("consent_on") />
                <TextArea name="reason" label="Why" hint="Recorded with your name and the time; for example what the complainant agreed to, or what the office is waiting for." value=values.2 maxlength=2000 rows=3 error=errors.get("reason") />
                <button type="submit" class="usa-button">"Record the change"</button>
                <a class="usa-button usa-button--unstyled" href=format!("{base}/plan")>"Cancel"</a>
            </form>
        </CaseShell>
    }
}

/// Adding or editing a task.
#[component]
pub fn TaskFormPage(
    ctx: PageContext,
    case: Case,
    task: Option<Task>,
    values: TaskFields,
    /// `(user id, name)` of the team.
    team: Vec<(i64, String)>,
    /// `(event id, narrative, day)` of the timeline.
    events: Vec<(i64, String, String)>,
    errors: FieldErrors,
    #[prop(default = false)] stale: bool,
) -> impl IntoView {
    let token = ctx.csrf_token.clone();
    let base = case_path(case.case_id);
    let (heading, action, button) = match &task {
        Some(task) => (
            "Edit a task".to_string(),
            format!("{base}/plan/{}/edit", task.task_id),
            "Save the task",
        ),
        None => (
            "Add a task".to_string(),
            format!("{base}/plan/new"),
            "Add the task",
        ),
    };
    let team = team
        .into_iter()
        .map(|(id, name)| (id.to_string(), name))
        .collect::<Vec<_>>();
    let events = events
        .into_iter()
        .map(|(id, narrative, day)| {
            let short: String = narrative.chars().take(80).collect();
            (id.to_string(), format!("{day}: {short}"))
        })
        .collect::<Vec<_>>();
    let title = format!("{heading}: {}", case.case_number);
    view! {
        <CaseShell ctx=ctx title=title case=case.clone() section=CaseSection::Plan>
            <h1>{heading}</h1>
            <StaleWarning stale=stale />
            <ErrorSummary errors=errors.clone() />
            <form class="usa-form usa-form--large" method="post" action=action novalidate>
                <CsrfField token=token />
                <input type="hidden" name="version" value=values.version.clone() />
                <TextField name="title" label="What is to be done" value=values.title.clone() maxlength=300 error=errors.get("title") />
                <SelectField name="assignee" label="Assigned to" options=team selected=values.assignee.clone() empty="Nobody yet" error=errors.get("assignee") />
                <TextField name="due_on" label="Due" kind="date" hint="For example 2026-03-04." value=values.due_on.clone() error=errors.get("due_on") />
                <SelectField name="status" label="Status" options=options(TaskStatus::ALL, TaskStatus::as_str, TaskStatus::label) selected=values.status.clone() error=errors.get("status") />
                <TextArea name="notes" label="Notes" value=values.notes.clone() maxlength=10000 rows=4 error=errors.get("notes") />
                <TextField name="exhibit" label="Fulfilled by exhibit" hint="The exhibit's number, for example E-4." value=values.exhibit.clone() maxlength=20 error=errors.get("exhibit") />
                <SelectField name="event" label="Or fulfilled by event" options=events selected=values.event.clone() empty="None" error=errors.get("event") />
                <button type="submit" class="usa-button">{button}</button>
                <a class="usa-button usa-button--unstyled" href=format!("{base}/plan")>"Cancel"</a>
            </form>
        </CaseShell>
    }
}

/// The complainants of a case and the consents to disclose who they are.
#[component]
pub fn ComplainantsPage(
    ctx: PageContext,
    case: Case,
    complainants: Vec<Complainant>,
    can_record: bool,
    /// What was typed: complaint, scope, day, how.
    values: (String, String, String, String),
    errors: FieldErrors,
    #[prop(optional_no_strip)] notice: Option<String>,
) -> impl IntoView {
    let token = ctx.csrf_token.clone();
    let base = case_path(case.case_id);
    let choices = complainants
        .iter()
        .map(|c| {
            (
                c.complaint.complaint_id.to_string(),
                c.complaint.reference.clone(),
            )
        })
        .collect::<Vec<_>>();
    let list = complainants
        .into_iter()
        .map(|c| {
            let identity = match c.identity {
                Some((name, details)) => view! {
                    <dl class="probity-facts">
                        <dt>"Name"</dt><dd>{if name.is_empty() { "(not given)".to_string() } else { name }}</dd>
                        <dt>"How to reach them"</dt><dd class="probity-pre">{if details.is_empty() { "(not given)".to_string() } else { details }}</dd>
                    </dl>
                }.into_any(),
                None if c.complaint.identity_withheld => view! {
                    <p>"Identity withheld: only supervisors and the case's lead see it, unless the complainant agrees the team may know."</p>
                }.into_any(),
                None => view! {
                    <p>"Anonymous: no name or contact details were given."</p>
                }.into_any(),
            };
            let consents = c.consents.into_iter().map(|consent| {
                let withdraw = format!("{base}/complainants/consents/{}/withdraw", consent.consent_id);
                let token = token.clone();
                let state = match &consent.withdrawn_on {
                    Some(day) => format!("withdrawn on {day}"),
                    None => "in force".to_string(),
                };
                let label = format!("Record that consent {} was withdrawn", consent.consent_id);
                view! {
                    <li>
                        {format!("{}: given on {} ({}); recorded by {} on {}; {state}.", consent.scope.label(), consent.given_on, consent.how_given, consent.recorded_by_name, format_utc(consent.recorded_at))}
                        {(can_record && consent.in_force()).then(|| view! {
                            <form class="probity-inline-form" method="post" action=withdraw>
                                <CsrfField token=token />
                                <button type="submit" class="usa-button usa-button--unstyled" aria-label=label>"Withdrawn"</button>
                            </form>
                        })}
                    </li>
                }
            }).collect_view();
            view! {
                <section class="probity-complainant" aria-label=format!("Complaint {}", c.complaint.reference)>
                    <h2>{format!("Complaint {}", c.complaint.reference)}</h2>
                    <p>{format!("Received {} by {}.", format_utc(c.complaint.received_at), c.complaint.channel.label().to_lowercase())}</p>
                    {identity}
                    <h3>"Consents to disclose their identity"</h3>
                    <ul class="usa-list">{consents}</ul>
                </section>
            }
        })
        .collect_view();
    let empty = choices.is_empty();
    let action = format!("{base}/complainants/consents");
    let title = format!("Complainants: {}", case.case_number);
    view! {
        <CaseShell ctx=ctx title=title case=case.clone() section=CaseSection::Overview>
            <h1>"Complainants"</h1>
            {notice.map(|notice| view! {
                <div class="usa-alert usa-alert--success usa-alert--slim" role="status">
                    <div class="usa-alert__body"><p class="usa-alert__text">{notice}</p></div>
                </div>
            })}
            <p>"A complainant's identity is never disclosed without their consent (Inspector General Act); it is never in a report unless they agreed to be named, and the report's leak check treats it as a name."</p>
            {if empty { view! { <p>"This case did not come from a complaint."</p> }.into_any() } else { list.into_any() }}
            {(can_record && !empty).then(|| view! {
                <section aria-labelledby="consent-heading">
                    <h2 id="consent-heading">"Record a consent"</h2>
                    <ErrorSummary errors=errors.clone() />
                    <form class="usa-form usa-form--large" method="post" action=action novalidate>
                        <CsrfField token=token.clone() />
                        <SelectField name="complaint_id" label="Complaint" options=choices selected=values.0 error=errors.get("complaint_id") />
                        <SelectField name="scope" label="They agreed to disclosure" options=options(ConsentScope::ALL, ConsentScope::as_str, ConsentScope::label) selected=values.1 error=errors.get("scope") />
                        <TextField name="given_on" label="Day they consented" kind="date" value=values.2 error=errors.get("given_on") />
                        <TextField name="how_given" label="How they consented" hint="For example a signed form (attach it as an exhibit), an e-mail, a recorded call." value=values.3 maxlength=500 error=errors.get("how_given") />
                        <button type="submit" class="usa-button">"Record the consent"</button>
                    </form>
                </section>
            })}
        </CaseShell>
    }
}
