//! The report workflow: writing a case's report as numbered versions, submitting the newest
//! draft for review, a commissioner's review (return with comments, or approve, which renders
//! and freezes the version's files and runs the leak check), releasing a personal-data value
//! the check found, and publication once the public files pass the check again.

use super::cases::{OpenCase, open_case, record};
use super::{Caller, OfficeError};
use crate::blobs::BlobStore;
use crate::storage::{DynStore, Outcome, StoreError};
use probity_domain::jobs::{Job, JobKind, report_subject};
use probity_domain::permissions::Action;
use probity_domain::reports::{
    LeakHit, PublishedReport, ReportState, ReportVersion, ReviewComment, SECTIONS,
};
use probity_domain::validation::FieldErrors;

/// A case's report versions, newest first (audited).
pub async fn versions(
    store: &DynStore,
    caller: &Caller,
    case_id: i64,
) -> Result<Vec<ReportVersion>, OfficeError> {
    open_case(store, caller, case_id, Action::ReadCase, "report.list").await?;
    let versions = store.report_versions(case_id).await?;
    record(
        store,
        caller,
        case_id,
        "report.list",
        Some("report".into()),
        None,
    )
    .await?;
    Ok(versions)
}

/// One version with its review comments (audited).
pub async fn version(
    store: &DynStore,
    caller: &Caller,
    case_id: i64,
    number: i64,
) -> Result<(OpenCase, ReportVersion, Vec<ReviewComment>), OfficeError> {
    let open = open_case(store, caller, case_id, Action::ReadCase, "report.view").await?;
    let found = store
        .report_version(case_id, number)
        .await?
        .ok_or(OfficeError::NotFound)?;
    let comments = store.report_comments(found.report_version_id).await?;
    record(
        store,
        caller,
        case_id,
        "report.view",
        Some(format!("report_version:{number}")),
        None,
    )
    .await?;
    Ok((open, found, comments))
}

async fn find(store: &DynStore, case_id: i64, number: i64) -> Result<ReportVersion, OfficeError> {
    store
        .report_version(case_id, number)
        .await?
        .ok_or(OfficeError::NotFound)
}

fn conflict(error: StoreError, message: &'static str) -> OfficeError {
    match error {
        StoreError::Stale => OfficeError::Conflict(message),
        other => other.into(),
    }
}

/// Submits the newest version, while it is a draft, for review.
#[tracing::instrument(skip_all, fields(case_id, number))]
pub async fn submit(
    store: &DynStore,
    caller: &Caller,
    case_id: i64,
    number: i64,
) -> Result<(), OfficeError> {
    open_case(store, caller, case_id, Action::DraftReport, "report.submit").await?;
    find(store, case_id, number).await?;
    store
        .review_report(
            case_id,
            number,
            ReportState::Draft,
            ReportState::Submitted,
            caller.user.user_id,
            "",
            &[],
        )
        .await
        .map_err(|error| {
            conflict(
                error,
                "Only the newest version, while it is a draft, can be submitted.",
            )
        })?;
    record(
        store,
        caller,
        case_id,
        "report.submit",
        Some(format!("report_version:{number}")),
        None,
    )
    .await
}

/// Returns the newest, submitted version with a note and comments anchored to its sections
/// (`(section key, text)`); at least one of them is needed.
#[tracing::instrument(skip_all, fields(case_id, number))]
pub async fn return_version(
    store: &DynStore,
    caller: &Caller,
    case_id: i64,
    number: i64,
    note: &str,
    comments: &[(String, String)],
) -> Result<(), OfficeError> {
    open_case(
        store,
        caller,
        case_id,
        Action::ReviewReport,
        "report.return",
    )
    .await?;
    find(store, case_id, number).await?;
    let note: String = note.trim().chars().take(4000).collect();
    let comments: Vec<(String, String)> = comments
        .iter()
        .filter(|(key, _)| SECTIONS.iter().any(|(known, _, _)| known == key))
        .map(|(key, text)| {
            (
                key.clone(),
                text.trim().chars().take(4000).collect::<String>(),
            )
        })
        .filter(|(_, text)| !text.is_empty())
        .collect();
    if note.is_empty() && comments.is_empty() {
        let mut errors = FieldErrors::default();
        errors.add(
            "note",
            "Say why the version goes back: a note or a comment on a section.",
        );
        return Err(OfficeError::Invalid(errors));
    }
    store
        .review_report(
            case_id,
            number,
            ReportState::Submitted,
            ReportState::Returned,
            caller.user.user_id,
            &note,
            &comments,
        )
        .await
        .map_err(|error| {
            conflict(
                error,
                "Only the newest version, while it is submitted, can be returned.",
            )
        })?;
    record(
        store,
        caller,
        case_id,
        "report.return",
        Some(format!("report_version:{number}")),
        Some(format!("{} comments", comments.len())),
    )
    .await
}

/// What approval needs besides the records: where files go and how they are checked.
pub struct Approver<'a> {
    pub blobs: &'a dyn BlobStore,
    pub office_name: &'a str,
    pub patterns: &'a crate::reports::personal::Patterns,
}

/// Approves the newest, submitted version: renders and freezes its files and runs the leak
/// check on them.
#[tracing::instrument(skip_all, fields(case_id, number))]
pub async fn approve(
    store: &DynStore,
    approver: Approver<'_>,
    caller: &Caller,
    case_id: i64,
    number: i64,
) -> Result<(), OfficeError> {
    let open = open_case(
        store,
        caller,
        case_id,
        Action::ReviewReport,
        "report.approve",
    )
    .await?;
    let found = find(store, case_id, number).await?;
    let newest = store
        .report_versions(case_id)
        .await?
        .first()
        .map(|v| v.version);
    if found.state != ReportState::Submitted || newest != Some(number) {
        return Err(OfficeError::Conflict(
            "Only the newest version, while it is submitted, can be approved.",
        ));
    }
    let approval = crate::reports::approve(
        store,
        approver.blobs,
        approver.office_name,
        &open.case,
        &found.sections,
        number,
        caller.user.user_id,
        approver.patterns,
    )
    .await
    .map_err(|error| OfficeError::Failed(error.to_string()))?;
    let detail = format!(
        "public pdf {}; {} leak-check hits",
        approval.public_pdf_sha256,
        approval.leak_hits.len()
    );
    store
        .approve_report(case_id, number, caller.user.user_id, approval)
        .await
        .map_err(|error| {
            conflict(
                error,
                "The version changed while it was being approved; nothing was approved.",
            )
        })?;
    record(
        store,
        caller,
        case_id,
        "report.approve",
        Some(format!("report_version:{number}")),
        Some(detail),
    )
    .await
}

/// A new draft's starting point: the newest version's sections (or the case summary for the
/// first), the version it is based on (0 for none), and the comments of a returned newest
/// version.
pub struct Draft {
    pub open: OpenCase,
    pub based_on: i64,
    /// `(section key, text)` for every section, in order.
    pub sections: Vec<(String, String)>,
    pub comments: Vec<ReviewComment>,
}

/// The comments a writer answers: those of the newest version when it was returned.
pub async fn open_comments(
    store: &DynStore,
    case_id: i64,
) -> Result<Vec<ReviewComment>, OfficeError> {
    let versions = store.report_versions(case_id).await?;
    Ok(match versions.first() {
        Some(v) if v.state == ReportState::Returned => {
            store.report_comments(v.report_version_id).await?
        }
        _ => Vec::new(),
    })
}

/// Opens the report to write a new draft (audited).
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn draft(store: &DynStore, caller: &Caller, case_id: i64) -> Result<Draft, OfficeError> {
    let open = open_case(store, caller, case_id, Action::DraftReport, "report.edit").await?;
    let versions = store.report_versions(case_id).await?;
    let (based_on, sections) = match versions.first() {
        Some(v) => (v.version, v.sections.clone()),
        None => (
            0,
            SECTIONS
                .iter()
                .map(|(key, _, _)| {
                    let text = if *key == "summary" {
                        open.case.summary.clone()
                    } else {
                        String::new()
                    };
                    (key.to_string(), text)
                })
                .collect(),
        ),
    };
    let comments = open_comments(store, case_id).await?;
    record(
        store,
        caller,
        case_id,
        "report.edit",
        Some("report".into()),
        None,
    )
    .await?;
    Ok(Draft {
        open,
        based_on,
        sections,
        comments,
    })
}

/// Checks a draft's sections as sent (`(key, text)`; unknown keys are ignored, missing
/// ones are empty) and answers every section in order, line ends as `\n`.
pub fn validate_sections(sent: &[(String, String)]) -> Result<Vec<(String, String)>, FieldErrors> {
    let text_of = |key: &str| {
        sent.iter()
            .find(|(sent_key, _)| sent_key == key)
            .map(|(_, text)| text.replace("\r\n", "\n"))
            .unwrap_or_default()
    };
    let sections: Vec<(String, String)> = SECTIONS
        .iter()
        .map(|(key, _, _)| (key.to_string(), text_of(key)))
        .collect();
    let mut errors = FieldErrors::default();
    for ((key, title, _), (_, text)) in SECTIONS.iter().zip(&sections) {
        if text.chars().count() > 50000 {
            errors.add(key, format!("“{title}” must be 50000 characters or fewer"));
        }
    }
    if sections.iter().all(|(_, text)| text.trim().is_empty()) {
        errors.add("summary", "Write at least the summary");
    }
    if errors.is_empty() {
        Ok(sections)
    } else {
        Err(errors)
    }
}

/// Saves the sections as a new draft version based on the newest version `based_on` (0 for
/// the first); [`OfficeError::Stale`] when a newer version was saved meanwhile. Answers the
/// new version's number.
#[tracing::instrument(skip_all, fields(case_id, based_on))]
pub async fn save_version(
    store: &DynStore,
    caller: &Caller,
    case_id: i64,
    based_on: i64,
    sections: &[(String, String)],
) -> Result<i64, OfficeError> {
    open_case(store, caller, case_id, Action::DraftReport, "report.save").await?;
    let sections = validate_sections(sections).map_err(OfficeError::Invalid)?;
    let version = store
        .save_report_version(case_id, based_on, &sections, caller.user.user_id)
        .await?;
    record(
        store,
        caller,
        case_id,
        "report.save",
        Some(format!("report_version:{version}")),
        None,
    )
    .await?;
    Ok(version)
}

/// The newest version's number, 0 when there is none.
pub async fn newest_version(store: &DynStore, case_id: i64) -> Result<i64, OfficeError> {
    Ok(store
        .report_versions(case_id)
        .await?
        .first()
        .map(|v| v.version)
        .unwrap_or(0))
}

/// Why publication was refused, when the leak check found something.
pub const LEAKED: &str =
    "The leak check found redacted strings or personal data in the public files.";

/// Publishes an approved version once its public files pass the leak check against the
/// redactions as they are now. Refusals are audited with the number of hits; leaks answer
/// [`OfficeError::Leaked`] with the hits to show.
#[tracing::instrument(skip_all, fields(case_id, number))]
pub async fn publish(
    store: &DynStore,
    approver: Approver<'_>,
    caller: &Caller,
    case_id: i64,
    number: i64,
) -> Result<PublishedReport, OfficeError> {
    open_case(
        store,
        caller,
        case_id,
        Action::PublishReport,
        "report.publish",
    )
    .await?;
    let found = find(store, case_id, number).await?;
    let outcome = crate::reports::publish(
        store,
        approver.blobs,
        case_id,
        &found,
        caller.user.user_id,
        approver.patterns,
    )
    .await
    .map_err(|error| OfficeError::Failed(error.to_string()))?;
    use crate::reports::PublishOutcome;
    let (refusal, hits) = match outcome {
        PublishOutcome::Published(published) => {
            record(
                store,
                caller,
                case_id,
                "report.publish",
                Some(format!("report_version:{number}")),
                Some(format!(
                    "report {} edition {}",
                    published.report_number, published.edition
                )),
            )
            .await?;
            return Ok(*published);
        }
        PublishOutcome::NotApproved => (
            OfficeError::Conflict(
                "Only an approved version that is not yet published can be published.",
            ),
            0,
        ),
        PublishOutcome::CorrectionNoteMissing => {
            let mut errors = FieldErrors::default();
            errors.add(
                "corrections",
                "An edition of this report is already published, so this one is a correction: its “Corrections” section must say what changed. Write it in a new draft.",
            );
            (OfficeError::Invalid(errors), 0)
        }
        PublishOutcome::Leaks(hits) => {
            let count = hits.len();
            (OfficeError::Leaked(hits), count)
        }
    };
    let message = match &refusal {
        OfficeError::Conflict(message) => message.to_string(),
        OfficeError::Invalid(errors) => errors
            .0
            .first()
            .map(|e| e.message.clone())
            .unwrap_or_default(),
        _ => LEAKED.to_string(),
    };
    store
        .append_audit(
            caller
                .audit("report.publish", Outcome::Refused)
                .case(case_id)
                .target(format!("report_version:{number}"))
                .detail(format!("{message} ({hits} leak-check hits)")),
        )
        .await?;
    Err(refusal)
}

/// A commissioner releases one value of personal data the leak check found at approval (a
/// telephone number the report may show), with a reason; audited. Only a key the check gave
/// one of this approved, unpublished version's hits.
#[tracing::instrument(skip_all, fields(case_id, number))]
pub async fn release_hit(
    store: &DynStore,
    caller: &Caller,
    case_id: i64,
    number: i64,
    release_key: &str,
    reason: &str,
) -> Result<(), OfficeError> {
    open_case(
        store,
        caller,
        case_id,
        Action::PublishReport,
        "report.release_hit",
    )
    .await?;
    let found = find(store, case_id, number).await?;
    let known = found
        .leak_hits
        .iter()
        .flatten()
        .any(|hit: &LeakHit| hit.release_key.as_deref() == Some(release_key));
    let reason: String = reason.trim().chars().take(1_000).collect();
    let mut errors = FieldErrors::default();
    if !known || found.state != ReportState::Approved {
        errors.add(
            "release_key",
            "That hit cannot be released: only a personal-data hit of an approved, unpublished version can.",
        );
    } else if reason.is_empty() {
        errors.add(
            "reason",
            "Say why the value may be published; nothing was released.",
        );
    }
    if !errors.is_empty() {
        return Err(OfficeError::Invalid(errors));
    }
    store
        .release_leak_hit(case_id, release_key, &reason, caller.user.user_id)
        .await?;
    record(
        store,
        caller,
        case_id,
        "report.release_hit",
        Some(format!("report_version:{number}")),
        Some(format!("{release_key}; reason: {reason}")),
    )
    .await
}

/// A report approval job's parameters.
#[derive(serde::Serialize, serde::Deserialize)]
struct ApprovalParams {
    #[serde(flatten)]
    started: super::jobs::StartedBy,
}

/// Starts approving the newest, submitted version in the background (rendering its files
/// takes a while) and answers at once with the job to follow; the checks of [`approve`] are
/// made now, and again when the job runs.
#[tracing::instrument(skip_all, fields(case_id, number))]
pub async fn start_approval(
    store: &DynStore,
    jobs: &crate::jobs::JobQueue,
    caller: &Caller,
    case_id: i64,
    number: i64,
) -> Result<Job, OfficeError> {
    open_case(
        store,
        caller,
        case_id,
        Action::ReviewReport,
        "report.approve",
    )
    .await?;
    let found = find(store, case_id, number).await?;
    let newest = store
        .report_versions(case_id)
        .await?
        .first()
        .map(|v| v.version);
    if found.state != ReportState::Submitted || newest != Some(number) {
        return Err(OfficeError::Conflict(
            "Only the newest version, while it is submitted, can be approved.",
        ));
    }
    let subject = report_subject(number);
    if store
        .latest_job(case_id, &subject, JobKind::ReportApproval)
        .await?
        .is_some_and(|job| !job.state.is_finished())
    {
        return Err(OfficeError::Conflict(
            "This version is being approved already.",
        ));
    }
    let params = serde_json::to_string(&ApprovalParams {
        started: super::jobs::StartedBy::of(caller),
    })
    .map_err(|error| OfficeError::Failed(error.to_string()))?;
    let job = jobs
        .submit(crate::storage::jobs::NewJob {
            kind: JobKind::ReportApproval,
            case_id,
            subject,
            params,
            created_by: Some(caller.user.user_id),
        })
        .await?;
    record(
        store,
        caller,
        case_id,
        "job.start",
        Some(format!("report_version:{number}")),
        Some(format!("job {} {}", job.job_id, job.kind.as_str())),
    )
    .await?;
    Ok(job)
}

/// A report approval job's work: [`approve`], as the commissioner who asked. Approval is
/// kept in one transaction at the end: a job stopped before it renders again, and one that
/// stopped after it finds the version approved and is done.
#[tracing::instrument(skip_all, fields(job_id = job.job_id))]
pub async fn run_approval(
    store: &DynStore,
    approver: Approver<'_>,
    job: &Job,
) -> Result<Option<String>, OfficeError> {
    let params: ApprovalParams = super::jobs::params(job)?;
    let caller = super::jobs::caller_of(store, job, &params.started).await?;
    let number = job.report_version().ok_or(OfficeError::NotFound)?;
    if job.attempts > 1 {
        let found = find(store, job.case_id, number).await?;
        if matches!(found.state, ReportState::Approved | ReportState::Published) {
            return Ok(None);
        }
    }
    approve(store, approver, &caller, job.case_id, number).await?;
    Ok(None)
}
