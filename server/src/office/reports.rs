//! The report workflow: reading a case's report versions, submitting the newest draft for
//! review, and a commissioner's review (return with comments, or approve, which renders and
//! freezes the version's files and runs the leak check). Findings and recommendations are
//! read here too.

use super::cases::{OpenCase, open_case, record};
use super::{Caller, OfficeError};
use crate::blobs::BlobStore;
use crate::storage::reports::RecommendationInput;
use crate::storage::{DynStore, StoreError};
use probity_domain::permissions::Action;
use probity_domain::reports::{
    Finding, Recommendation, RecommendationFields, RecommendationStatus, ReportState,
    ReportVersion, ReviewComment, SECTIONS,
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

/// A case's findings (audited).
pub async fn findings(
    store: &DynStore,
    caller: &Caller,
    case_id: i64,
) -> Result<Vec<Finding>, OfficeError> {
    open_case(store, caller, case_id, Action::ReadCase, "finding.list").await?;
    let findings = store.findings(case_id).await?;
    record(store, caller, case_id, "finding.list", None, None).await?;
    Ok(findings)
}

/// A case's recommendations (audited).
pub async fn recommendations(
    store: &DynStore,
    caller: &Caller,
    case_id: i64,
) -> Result<Vec<Recommendation>, OfficeError> {
    open_case(
        store,
        caller,
        case_id,
        Action::ReadCase,
        "recommendation.list",
    )
    .await?;
    let recommendations = store.recommendations(case_id).await?;
    record(store, caller, case_id, "recommendation.list", None, None).await?;
    Ok(recommendations)
}

/// A recommendation of the case with its status history, oldest step first (audited).
pub async fn recommendation(
    store: &DynStore,
    caller: &Caller,
    case_id: i64,
    recommendation_id: i64,
) -> Result<
    (
        Recommendation,
        Vec<probity_domain::reports::RecommendationUpdate>,
    ),
    OfficeError,
> {
    open_case(
        store,
        caller,
        case_id,
        Action::ReadCase,
        "recommendation.view",
    )
    .await?;
    let found = store
        .recommendations(case_id)
        .await?
        .into_iter()
        .find(|r| r.recommendation_id == recommendation_id)
        .ok_or(OfficeError::NotFound)?;
    let history = store.recommendation_history(recommendation_id).await?;
    record(
        store,
        caller,
        case_id,
        "recommendation.view",
        Some(format!("recommendation:{recommendation_id}")),
        None,
    )
    .await?;
    Ok((found, history))
}

fn too_long(errors: &mut FieldErrors, name: &'static str, value: &str, max: usize, label: &str) {
    if value.chars().count() > max {
        errors.add(name, format!("{label} must be {max} characters or fewer"));
    }
}

/// Checks a recommendation as sent.
pub fn validate_recommendation(
    values: &RecommendationFields,
) -> Result<RecommendationInput, FieldErrors> {
    let mut errors = FieldErrors::default();
    let agency = values.agency.trim();
    let body = values.body.trim();
    if agency.is_empty() {
        errors.add(
            "agency",
            "Enter the agency the recommendation is addressed to",
        );
    }
    too_long(&mut errors, "agency", agency, 200, "The agency");
    if body.is_empty() {
        errors.add("body", "Enter the recommendation");
    }
    too_long(&mut errors, "body", body, 4000, "The recommendation");
    too_long(
        &mut errors,
        "response",
        values.response.trim(),
        8000,
        "The response",
    );
    too_long(&mut errors, "note", values.note.trim(), 500, "The note");
    let status = RecommendationStatus::parse(values.status.trim());
    if status.is_none() {
        errors.add("status", "Choose a status");
    }
    let date_ok = time::Date::parse(
        values.status_on.trim(),
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .is_ok();
    if !date_ok {
        errors.add(
            "status_on",
            "Enter the date the status took effect, like 2025-03-31",
        );
    }
    match status {
        Some(status) if errors.is_empty() => Ok(RecommendationInput {
            agency: agency.to_string(),
            body: body.to_string(),
            response: values.response.trim().to_string(),
            status,
            status_on: values.status_on.trim().to_string(),
            note: values.note.trim().to_string(),
        }),
        _ => Err(errors),
    }
}

/// Adds a recommendation to the case.
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn add_recommendation(
    store: &DynStore,
    caller: &Caller,
    case_id: i64,
    fields: &RecommendationFields,
) -> Result<Recommendation, OfficeError> {
    open_case(
        store,
        caller,
        case_id,
        Action::DraftReport,
        "recommendation.create",
    )
    .await?;
    let input = validate_recommendation(fields).map_err(OfficeError::Invalid)?;
    let created = store
        .create_recommendation(case_id, input, caller.user.user_id)
        .await?;
    record(
        store,
        caller,
        case_id,
        "recommendation.create",
        Some(format!("recommendation:{}", created.recommendation_id)),
        None,
    )
    .await?;
    Ok(created)
}

/// Saves a recommendation based on `version`: its text, the agency's response, its status
/// and date (a changed status or date adds to its history).
#[tracing::instrument(skip_all, fields(case_id, recommendation_id))]
pub async fn update_recommendation(
    store: &DynStore,
    caller: &Caller,
    case_id: i64,
    recommendation_id: i64,
    version: i64,
    fields: &RecommendationFields,
) -> Result<(), OfficeError> {
    open_case(
        store,
        caller,
        case_id,
        Action::DraftReport,
        "recommendation.update",
    )
    .await?;
    if !store
        .recommendations(case_id)
        .await?
        .iter()
        .any(|r| r.recommendation_id == recommendation_id)
    {
        return Err(OfficeError::NotFound);
    }
    let input = validate_recommendation(fields).map_err(OfficeError::Invalid)?;
    let status = input.status;
    store
        .update_recommendation(
            case_id,
            recommendation_id,
            version,
            input,
            caller.user.user_id,
        )
        .await?;
    record(
        store,
        caller,
        case_id,
        "recommendation.update",
        Some(format!("recommendation:{recommendation_id}")),
        Some(status.as_str().into()),
    )
    .await
}
