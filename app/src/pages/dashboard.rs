//! The signed-in home page: the person's cases, counts by status and the oldest open cases.

use crate::cases::{CaseStatus, CaseSummary};
use crate::evidence::IntegrityAlarm;
use crate::pages::cases::CaseTable;
use crate::pages::cases::format_utc;
use crate::pages::reports::report_path;
use crate::shell::Shell;
use crate::types::PageContext;
use leptos::prelude::*;

/// What the dashboard shows.
#[derive(Clone, Debug, Default)]
pub struct DashboardView {
    pub display_name: String,
    pub my_cases: Vec<CaseSummary>,
    /// Cases the person may see, per status.
    pub counts: Vec<(CaseStatus, i64)>,
    pub oldest_open: Vec<CaseSummary>,
    /// False for roles that see no cases (administrators and auditors off every team).
    pub sees_cases: bool,
    pub can_create: bool,
    /// For supervisors: privileged roles the office's only administrator granted alone.
    pub role_notices: Vec<String>,
    /// For reviewers (commissioners): cases whose newest draft waits for review; `None`
    /// when the role does not review.
    pub to_review: Option<Vec<CaseSummary>>,
    /// For writers: cases of the person's teams whose newest draft came back with comments.
    pub returned: Option<Vec<CaseSummary>>,
    /// For auditors and administrators: the newest integrity alarms.
    pub alarms: Option<Vec<IntegrityAlarm>>,
    /// For intake staff: complaints received, triaged and open this month.
    pub intake: Option<probity_domain::complaints::IntakeCounts>,
    /// The person's open tasks, soonest due first.
    pub my_tasks: Vec<probity_domain::plan::MyTask>,
    /// Running clocks of the cases the person sees, soonest due first.
    pub clocks_due: Vec<probity_domain::clocks::ClockDue>,
    /// The day clocks and due days are counted on.
    pub today: Option<time::Date>,
}

/// A work queue of cases, each linked to its report.
#[component]
fn ReportQueue(
    id: &'static str,
    heading: &'static str,
    empty: &'static str,
    cases: Vec<CaseSummary>,
) -> impl IntoView {
    let heading_id = format!("{id}-heading");
    let labelled = heading_id.clone();
    let none = cases.is_empty();
    let items = cases
        .into_iter()
        .map(|case| {
            let href = report_path(case.case_id);
            let text = format!("{}: {}", case.case_number, case.title);
            view! { <li><a class="usa-link" href=href>{text}</a>{format!(" ({})", case.subject_agency)}</li> }
        })
        .collect_view();
    view! {
        <section aria-labelledby=labelled class="probity-queue">
            <h2 id=heading_id>{heading}</h2>
            {if none {
                view! { <p>{empty}</p> }.into_any()
            } else {
                view! { <ul class="usa-list">{items}</ul> }.into_any()
            }}
        </section>
    }
}

/// The dashboard.
#[component]
pub fn DashboardPage(ctx: PageContext, dashboard: DashboardView) -> impl IntoView {
    let counts = dashboard
        .counts
        .iter()
        .map(|(status, count)| {
            let href = format!("/cases?status={}", status.as_str());
            view! {
                <li class="probity-count">
                    <a class="usa-link" href=href>
                        <span class="probity-count__number">{*count}</span>
                        <span class="probity-count__label">{status.label()}</span>
                    </a>
                </li>
            }
        })
        .collect_view();
    let notices = (!dashboard.role_notices.is_empty()).then(|| {
        let items = dashboard
            .role_notices
            .iter()
            .map(|notice| view! { <li>{notice.clone()}</li> })
            .collect_view();
        view! {
            <div class="usa-alert usa-alert--warning" role="region" aria-labelledby="role-notices-heading">
                <div class="usa-alert__body">
                    <h2 class="usa-alert__heading" id="role-notices-heading">"Roles granted without a second administrator"</h2>
                    <ul class="usa-list">{items}</ul>
                </div>
            </div>
        }
    });
    let no_cases = dashboard.my_cases.is_empty();
    let no_open = dashboard.oldest_open.is_empty();
    view! {
        <Shell ctx=ctx title="Home" current="/">
            <div class="probity-title-row">
                <h1>{format!("Welcome, {}", dashboard.display_name)}</h1>
                {dashboard.can_create.then(|| view! {
                    <a class="usa-button" href="/cases/new">"Open a case"</a>
                })}
            </div>
            {notices}
            {dashboard.alarms.map(|alarms| {
                let none = alarms.is_empty();
                let rows = alarms.into_iter().map(|alarm| view! {
                    <tr>
                        <td>{format_utc(alarm.occurred_at)}</td>
                        <td>{alarm.case_number}</td>
                        <td>{format!("E-{}", alarm.exhibit_number)}</td>
                        <td class="probity-hash">{alarm.detail}</td>
                    </tr>
                }).collect_view();
                view! {
                    <section aria-labelledby="alarms-heading" class="probity-queue">
                        <h2 id="alarms-heading">"Integrity alarms"</h2>
                        {if none {
                            view! { <p>"No stored evidence has failed its integrity check."</p> }.into_any()
                        } else {
                            view! {
                                <div class="usa-alert usa-alert--error usa-alert--slim" role="alert">
                                    <div class="usa-alert__body"><p class="usa-alert__text">"Stored evidence no longer matches the hash recorded when it was received. Each download of it is refused; the custody log and the audit trail hold the details."</p></div>
                                </div>
                                <table class="usa-table usa-table--borderless probity-table">
                                    <caption class="usa-sr-only">"Integrity alarms, newest first"</caption>
                                    <thead><tr><th scope="col">"When"</th><th scope="col">"Case"</th><th scope="col">"Exhibit"</th><th scope="col">"What was found"</th></tr></thead>
                                    <tbody>{rows}</tbody>
                                </table>
                            }.into_any()
                        }}
                    </section>
                }
            })}
            {dashboard.intake.map(|counts| {
                let oldest = counts.oldest_open_days.map(|days| format!("The oldest has waited {days} days.")).unwrap_or_default();
                view! {
                    <section aria-labelledby="intake-heading" class="probity-queue">
                        <h2 id="intake-heading">"Complaints"</h2>
                        <ul class="probity-counts">
                            <li class="probity-count"><a class="usa-link" href="/complaints">
                                <span class="probity-count__number">{counts.open}</span>
                                <span class="probity-count__label">"In the queue"</span>
                            </a></li>
                            <li class="probity-count"><span class="probity-count__number">{counts.received_this_month}</span>
                                <span class="probity-count__label">"Received this month"</span></li>
                            <li class="probity-count"><span class="probity-count__number">{counts.triaged_this_month}</span>
                                <span class="probity-count__label">"Triaged this month"</span></li>
                        </ul>
                        <p>{oldest}</p>
                    </section>
                }
            })}
            {(!dashboard.my_tasks.is_empty()).then(|| {
                let today = dashboard.today.map(|d| d.to_string()).unwrap_or_default();
                let rows = dashboard.my_tasks.into_iter().map(|mine| {
                    let overdue = mine.task.overdue(&today);
                    let href = format!("/cases/{}/plan/{}/edit", mine.task.case_id, mine.task.task_id);
                    view! {
                        <tr>
                            <th scope="row"><a class="usa-link" href=href>{mine.task.title.clone()}</a></th>
                            <td>{format!("{}: {}", mine.case_number, mine.case_title)}</td>
                            <td>
                                {mine.task.due_on.clone().unwrap_or_else(|| "None".into())}
                                {overdue.then(|| view! { " " <span class="usa-tag probity-tag probity-tag--overdue">"Overdue"</span> })}
                            </td>
                            <td>{mine.task.status.label()}</td>
                        </tr>
                    }
                }).collect_view();
                view! {
                    <section aria-labelledby="tasks-heading" class="probity-queue">
                        <h2 id="tasks-heading">"My tasks"</h2>
                        <table class="usa-table usa-table--borderless probity-table">
                            <caption class="usa-sr-only">"Your open tasks, soonest due first"</caption>
                            <thead><tr><th scope="col">"Task"</th><th scope="col">"Case"</th><th scope="col">"Due"</th><th scope="col">"Status"</th></tr></thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </section>
                }
            })}
            {(!dashboard.clocks_due.is_empty()).then(|| {
                let today = dashboard.today.unwrap_or(time::Date::MIN);
                let rows = dashboard.clocks_due.into_iter().map(|due| {
                    let (state, tag) = crate::pages::plan::clock_state(&due.clock, today);
                    let href = format!("/cases/{}/plan", due.clock.case_id);
                    view! {
                        <tr>
                            <th scope="row"><a class="usa-link" href=href>{format!("{}: {}", due.case_number, due.case_title)}</a></th>
                            <td>{due.clock.label.clone()}</td>
                            <td>{due.clock.due_on.to_string()}</td>
                            <td><span class=format!("usa-tag probity-tag {tag}")>{state}</span></td>
                        </tr>
                    }
                }).collect_view();
                view! {
                    <section aria-labelledby="clocks-heading" class="probity-queue">
                        <h2 id="clocks-heading">"Clocks by days left"</h2>
                        <table class="usa-table usa-table--borderless probity-table">
                            <caption class="usa-sr-only">"Statutory clocks of open cases, soonest due first"</caption>
                            <thead><tr><th scope="col">"Case"</th><th scope="col">"Clock"</th><th scope="col">"Due"</th><th scope="col">"Where it stands"</th></tr></thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </section>
                }
            })}
            {dashboard.to_review.map(|cases| view! {
                <ReportQueue id="review" heading="Drafts waiting for your review" empty="No draft waits for review." cases=cases />
            })}
            {dashboard.returned.map(|cases| view! {
                <ReportQueue id="returned" heading="Drafts returned to your team" empty="No draft of your teams has come back with comments." cases=cases />
            })}
            {if dashboard.sees_cases {
                view! {
                    <section aria-labelledby="counts-heading">
                        <h2 id="counts-heading">"Cases by status"</h2>
                        <ul class="probity-counts">{counts}</ul>
                    </section>
                    <section aria-labelledby="mine-heading">
                        <h2 id="mine-heading">"My cases"</h2>
                        {if no_cases {
                            view! { <p>"You are not on the team of any case."</p> }.into_any()
                        } else {
                            view! { <CaseTable cases=dashboard.my_cases caption="My cases, most recently changed first" /> }.into_any()
                        }}
                    </section>
                    <section aria-labelledby="oldest-heading">
                        <h2 id="oldest-heading">"Oldest open cases"</h2>
                        {if no_open {
                            view! { <p>"No open cases."</p> }.into_any()
                        } else {
                            view! { <CaseTable cases=dashboard.oldest_open caption="Open cases, longest waiting first" /> }.into_any()
                        }}
                    </section>
                }
                .into_any()
            } else {
                view! {
                    <p>"Your role does not give you access to cases unless you are put on a case's team."</p>
                }
                .into_any()
            }}
        </Shell>
    }
}
