//! The progress page of background work (a message import, a file's text being read, a
//! report version being approved): a `<progress>` bar, the counts and the current step. The
//! page loads itself again every few seconds without script, and once the work is done the
//! server answers it with the result instead.

use crate::cases::Case;
use crate::pages::case_nav::{CaseSection, CaseShell};
use crate::types::PageContext;
use leptos::prelude::*;
use probity_domain::evidence::format_size;
use probity_domain::jobs::{Job, JobKind, JobState};

/// How often a progress page reloads itself, in seconds.
pub const REFRESH_SECONDS: u32 = 2;

/// A job's progress page.
pub fn job_path(case_id: i64, job_id: i64) -> String {
    format!("{}/jobs/{job_id}", crate::pages::cases::case_path(case_id))
}

/// What a progress page shows.
#[derive(Clone, Debug)]
pub struct JobView {
    pub job: Job,
    /// What it works on, for people: "E-3 (chat.txt)", "version 2 of the report".
    pub subject_label: String,
    /// Where what it works on is read.
    pub subject_path: String,
}

/// The page's heading.
fn heading(view: &JobView) -> String {
    match view.job.kind {
        JobKind::MessageImport => format!("Importing messages from {}", view.subject_label),
        JobKind::TextExtraction => format!("Reading the text of {}", view.subject_label),
        JobKind::ReportApproval => format!("Approving {}", view.subject_label),
    }
}

/// The counts, in the job's own units.
fn counts(job: &Job) -> Option<String> {
    let total = job.total_count?;
    Some(match job.kind {
        JobKind::MessageImport => format!(
            "{} of {} read",
            format_size(job.done_count.min(total)),
            format_size(total)
        ),
        _ => format!("{} of {}", job.done_count.min(total), total),
    })
}

/// A job's progress page.
#[component]
pub fn JobPage(ctx: PageContext, case: Case, view: JobView) -> impl IntoView {
    let job = view.job.clone();
    let title = heading(&view);
    let section = match job.kind {
        JobKind::ReportApproval => CaseSection::Report,
        _ => CaseSection::Evidence,
    };
    let running = !job.state.is_finished();
    let path = job_path(case.case_id, job.job_id);
    let state_class = match job.state {
        JobState::Failed => "usa-tag probity-tag probity-tag--failed",
        JobState::Done => "usa-tag probity-tag probity-tag--closed",
        _ => "usa-tag probity-tag probity-tag--plain",
    };
    let bar = running.then(|| {
        let (max, value) = match job.total_count {
            Some(total) if total > 0 => (
                Some(total.to_string()),
                Some(job.done_count.clamp(0, total).to_string()),
            ),
            _ => (None, None),
        };
        let percent = job.percent().map(|p| format!("{p} %"));
        view! {
            <div class="probity-job__progress">
                <label class="usa-label" for="job-progress">
                    {match job.state {
                        JobState::Queued => "Waiting for a free worker".to_string(),
                        _ if job.step.is_empty() => "Working".to_string(),
                        _ => job.step.clone(),
                    }}
                </label>
                <progress id="job-progress" class="probity-job__bar" max=max value=value>
                    {percent.clone()}
                </progress>
                <p class="probity-job__counts">
                    {match (counts(&job), percent) {
                        (Some(counts), Some(percent)) => format!("{counts} ({percent})"),
                        (counts, _) => counts.unwrap_or_default(),
                    }}
                </p>
                <p class="usa-hint">
                    {format!("This page loads itself again every {REFRESH_SECONDS} seconds and opens the result when the work is done. You can leave it: the work goes on.")}
                </p>
                <p><a class="usa-link" href=path.clone()>"Look again now"</a></p>
            </div>
        }
    });
    let failed = (job.state == JobState::Failed).then(|| {
        view! {
            <div class="usa-alert usa-alert--error usa-alert--slim" role="alert">
                <div class="usa-alert__body">
                    <p class="usa-alert__text">
                        {job.error.clone().unwrap_or_else(|| "The work failed.".to_string())}
                    </p>
                </div>
            </div>
        }
    });
    let started = job.started_at.map(crate::pages::cases::format_utc);
    view! {
        <CaseShell
            ctx=ctx
            title=title.clone()
            case=case
            section=section
            refresh=running.then_some(REFRESH_SECONDS)
        >
            <h1>{title}</h1>
            <p><span class=state_class>{job.state.label()}</span></p>
            {failed}
            {bar}
            <dl class="probity-facts">
                <dt>"Started"</dt>
                <dd>{started.unwrap_or_else(|| "Not yet".to_string())}</dd>
                <dt>"Attempt"</dt>
                <dd>{job.attempts.max(1).to_string()}</dd>
            </dl>
            <p>
                <a class="usa-link" href=view.subject_path>{format!("Back to {}", view.subject_label)}</a>
            </p>
        </CaseShell>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cases::{CaseStatus, Confidentiality, IntakeChannel, Priority};
    use time::OffsetDateTime;

    fn page(state: JobState, done: i64, total: Option<i64>, error: Option<&str>) -> String {
        let case = Case {
            case_id: 4,
            case_number: "2025-0004".into(),
            title: "A case".into(),
            summary: String::new(),
            subject_agency: String::new(),
            intake_channel: IntakeChannel::Complaint,
            received_on: "2025-01-01".into(),
            priority: Priority::Normal,
            confidentiality: Confidentiality::Standard,
            status: CaseStatus::Open,
            time_zone: "UTC".into(),
            case_type: "general".into(),
            lead_user_id: None,
            created_at: OffsetDateTime::UNIX_EPOCH,
            updated_at: OffsetDateTime::UNIX_EPOCH,
            version: 1,
        };
        let job = Job {
            job_id: 9,
            kind: JobKind::MessageImport,
            case_id: 4,
            subject: "exhibit:3".into(),
            params: "{}".into(),
            state,
            attempts: 1,
            done_count: done,
            total_count: total,
            step: "Reading messages: 500 read".into(),
            result: None,
            error: error.map(str::to_string),
            created_by: Some(1),
            created_at: OffsetDateTime::UNIX_EPOCH,
            started_at: Some(OffsetDateTime::UNIX_EPOCH),
            finished_at: None,
        };
        let view = JobView {
            job,
            subject_label: "E-3 (<chat>.txt)".into(),
            subject_path: "/cases/4/exhibits/3".into(),
        };
        let ctx = PageContext {
            office_name: "Office".into(),
            user: None,
            csrf_token: "t".into(),
            enrolling: false,
        };
        crate::render::document(move || view! { <JobPage ctx=ctx case=case view=view /> })
    }

    #[test]
    fn a_running_job_shows_a_labelled_bar_with_its_counts_and_reloads_itself() {
        let html = page(JobState::Running, 2_500_000, Some(10_000_000), None);
        assert!(
            html.contains(r#"<meta http-equiv="refresh" content="2">"#),
            "{html}"
        );
        assert!(html.contains(r#"<progress id="job-progress" max="10000000" value="2500000" class="probity-job__bar">25 %</progress>"#), "{html}");
        assert!(
            html.contains(r#"for="job-progress""#)
                && html.contains(">Reading messages: 500 read</label>")
        );
        assert!(html.contains("2.5 MB of 10.0 MB read (25 %)"));
        assert!(html.contains("Importing messages from E-3 (&lt;chat&gt;.txt)"));
    }

    #[test]
    fn an_unknown_total_draws_a_bar_without_a_value() {
        let html = page(JobState::Queued, 0, None, None);
        assert!(
            html.contains(r#"<progress id="job-progress" class="probity-job__bar">"#),
            "{html}"
        );
        assert!(html.contains("Waiting for a free worker"));
    }

    #[test]
    fn a_failed_job_says_why_and_stops_reloading() {
        let html = page(
            JobState::Failed,
            0,
            None,
            Some("The file's text could not be read."),
        );
        assert!(!html.contains("http-equiv"));
        assert!(!html.contains("<progress"));
        assert!(
            html.contains("The file&#x27;s text could not be read.")
                || html.contains("The file's text could not be read."),
            "{html}"
        );
        assert!(html.contains(r#"href="/cases/4/exhibits/3""#));
    }
}
