//! The signed-in home page: the person's cases, counts by status and the oldest open cases.

use crate::cases::{CaseStatus, CaseSummary};
use crate::pages::cases::CaseTable;
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
