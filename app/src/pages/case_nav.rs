//! The frame of every case page: the same case header (number, title, status, priority,
//! confidentiality) and one row of section links, so that each part of a case (its evidence,
//! its messages, its report) is one click from any other. Each section is a page of its own
//! with its own pagination; the links are plain links and work without script.

use crate::cases::Case;
use crate::pages::cases::{StatusTag, case_path};
use crate::shell::Shell;
use crate::types::PageContext;
use leptos::prelude::*;

/// The sections of a case, in the order the navigation shows them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CaseSection {
    Overview,
    Plan,
    Parties,
    Evidence,
    Messages,
    Interviews,
    Timeline,
    Findings,
    Outcomes,
    Report,
    Team,
    History,
}

impl CaseSection {
    /// Every section, in navigation order.
    pub const ALL: [CaseSection; 12] = [
        CaseSection::Overview,
        CaseSection::Plan,
        CaseSection::Parties,
        CaseSection::Evidence,
        CaseSection::Messages,
        CaseSection::Interviews,
        CaseSection::Timeline,
        CaseSection::Findings,
        CaseSection::Outcomes,
        CaseSection::Report,
        CaseSection::Team,
        CaseSection::History,
    ];

    /// The link's text.
    pub fn label(self) -> &'static str {
        match self {
            CaseSection::Overview => "Overview",
            CaseSection::Plan => "Plan and clocks",
            CaseSection::Parties => "Parties and allegations",
            CaseSection::Evidence => "Evidence",
            CaseSection::Messages => "Messages",
            CaseSection::Interviews => "Interviews",
            CaseSection::Timeline => "Incidents and timeline",
            CaseSection::Findings => "Findings and recommendations",
            CaseSection::Outcomes => "Referrals and outcomes",
            CaseSection::Report => "Report",
            CaseSection::Team => "Team",
            CaseSection::History => "History",
        }
    }

    /// The section's page.
    pub fn path(self, case_id: i64) -> String {
        let base = case_path(case_id);
        match self {
            CaseSection::Overview => base,
            CaseSection::Plan => format!("{base}/plan"),
            CaseSection::Parties => format!("{base}/parties"),
            CaseSection::Evidence => format!("{base}/exhibits"),
            CaseSection::Messages => format!("{base}/messages"),
            CaseSection::Interviews => format!("{base}/interviews"),
            CaseSection::Timeline => format!("{base}/timeline"),
            CaseSection::Findings => format!("{base}/findings"),
            CaseSection::Outcomes => format!("{base}/outcomes"),
            CaseSection::Report => format!("{base}/report"),
            CaseSection::Team => format!("{base}/team"),
            CaseSection::History => format!("{base}/history"),
        }
    }
}

/// The shell of a case page: the case header, the section links with the current one
/// marked, then the page's own content (which brings its own `<h1>`).
#[component]
pub fn CaseShell(
    ctx: PageContext,
    /// The browser title, before the office name.
    #[prop(into)]
    title: String,
    case: Case,
    section: CaseSection,
    /// Seconds after which the page is loaded again (a progress page), if any.
    #[prop(default = None)]
    refresh: Option<u32>,
    children: Children,
) -> impl IntoView {
    let id = case.case_id;
    let links = CaseSection::ALL
        .into_iter()
        .map(|each| {
            let here = each == section;
            view! {
                <li class="probity-case-nav__item">
                    <a
                        class=if here { "probity-case-nav__link usa-current" } else { "probity-case-nav__link" }
                        href=each.path(id)
                        aria-current=here.then_some("page")
                    >
                        {each.label()}
                    </a>
                </li>
            }
        })
        .collect_view();
    view! {
        <Shell ctx=ctx title=title current="/cases" refresh=refresh>
            <div class="probity-case-header">
                <p class="probity-breadcrumb"><a class="usa-link" href="/cases">"Cases"</a></p>
                <p class="probity-case-header__name">{format!("{}: {}", case.case_number, case.title)}</p>
                <p class="probity-tags">
                    <StatusTag status=case.status />
                    " "
                    <span class="usa-tag probity-tag probity-tag--plain">{format!("{} priority", case.priority.label())}</span>
                    " "
                    <span class="usa-tag probity-tag probity-tag--plain">{case.confidentiality.label()}</span>
                </p>
                <nav class="probity-case-nav" aria-label="Case sections">
                    <ul class="probity-case-nav__list">{links}</ul>
                </nav>
            </div>
            {children()}
        </Shell>
    }
}
