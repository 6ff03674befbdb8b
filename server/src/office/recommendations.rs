//! Recommendations to agencies: added with a finding's report, followed up as the agency
//! answers, each status change kept in its history.

use super::cases::{open_case, record};
use super::{Caller, OfficeError};
use crate::storage::DynStore;
use crate::storage::reports::RecommendationInput;
use probity_domain::permissions::Action;
use probity_domain::reports::{
    Recommendation, RecommendationFields, RecommendationPriority, RecommendationResolution,
    RecommendationStatus, RecommendationUpdate,
};
use probity_domain::validation::FieldErrors;

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
) -> Result<(Recommendation, Vec<RecommendationUpdate>), OfficeError> {
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

/// Refuses a value over `max` characters, or one holding control characters other than line
/// breaks and tabs (which no database should be handed).
fn too_long(errors: &mut FieldErrors, name: &'static str, value: &str, max: usize, label: &str) {
    if value.chars().count() > max {
        errors.add(name, format!("{label} must be {max} characters or fewer"));
    } else if value
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        errors.add(name, "Remove the control characters");
    }
}

/// A day in `YYYY-MM-DD` not after today, or none when empty; an error otherwise.
fn optional_day(
    errors: &mut FieldErrors,
    name: &'static str,
    value: &str,
    message: &str,
) -> Option<String> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    let format = time::macros::format_description!("[year]-[month]-[day]");
    match time::Date::parse(value, &format) {
        Ok(day) if day > super::plan::today() => {
            errors.add(name, "The day cannot be in the future");
            None
        }
        Ok(day) => Some(day.to_string()),
        Err(_) => {
            errors.add(name, message.to_string());
            None
        }
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
    let priority = if values.priority.trim().is_empty() {
        Some(RecommendationPriority::None)
    } else {
        RecommendationPriority::parse(values.priority.trim())
    };
    if priority.is_none() {
        errors.add("priority", "Choose a priority");
    }
    // Left out (an older API client), the resolution follows the agency's status, and an
    // agreement's day is the management decision's.
    let derived = values.resolution.trim().is_empty();
    let resolution = if derived {
        Some(match status {
            Some(
                RecommendationStatus::Accepted
                | RecommendationStatus::PartiallyImplemented
                | RecommendationStatus::Implemented,
            ) => RecommendationResolution::OpenResolved,
            _ => RecommendationResolution::OpenUnresolved,
        })
    } else {
        RecommendationResolution::parse(values.resolution.trim())
    };
    if resolution.is_none() {
        errors.add("resolution", "Choose where the recommendation stands");
    }
    let decision_text = if derived
        && values.decision_on.trim().is_empty()
        && resolution == Some(RecommendationResolution::OpenResolved)
    {
        values.status_on.trim()
    } else {
        values.decision_on.trim()
    };
    let decision_on = optional_day(
        &mut errors,
        "decision_on",
        decision_text,
        "Enter the day management decided, like 2025-05-30, or leave it empty",
    );
    let response_received_on = optional_day(
        &mut errors,
        "response_received_on",
        &values.response_received_on,
        "Enter the day the agency's response came, like 2025-05-30, or leave it empty",
    );
    // Resolved means management has decided: oversight.gov counts a recommendation as
    // resolved from its management decision, so the day is what makes it so.
    if resolution == Some(RecommendationResolution::OpenResolved) && decision_on.is_none() {
        errors.add(
            "decision_on",
            "Enter the day management decided: a resolved recommendation has one",
        );
    }
    if resolution == Some(RecommendationResolution::OpenUnresolved) && decision_on.is_some() {
        errors.add(
            "resolution",
            "A recommendation with a management decision is resolved or closed",
        );
    }
    // The agency's status and the resolution tell one story: an agency that has agreed has
    // made its management decision, and only what it implemented or rejected is closed.
    match (status, resolution) {
        (
            Some(RecommendationStatus::Accepted | RecommendationStatus::PartiallyImplemented | RecommendationStatus::Implemented),
            Some(RecommendationResolution::OpenUnresolved),
        ) => errors.add(
            "resolution",
            "The agency has agreed, so management has decided: the recommendation is resolved or closed",
        ),
        (
            Some(RecommendationStatus::Open | RecommendationStatus::Accepted | RecommendationStatus::PartiallyImplemented),
            Some(RecommendationResolution::Closed),
        ) => errors.add(
            "resolution",
            "Only an implemented or rejected recommendation is closed",
        ),
        _ => {}
    }
    let significant = match values.significant.trim() {
        "" | "no" => false,
        "yes" => true,
        _ => {
            errors.add("significant", "Tick the box or leave it empty");
            false
        }
    };
    match (status, priority, resolution) {
        (Some(status), Some(priority), Some(resolution)) if errors.is_empty() => {
            Ok(RecommendationInput {
                agency: agency.to_string(),
                body: body.to_string(),
                response: values.response.trim().to_string(),
                status,
                status_on: values.status_on.trim().to_string(),
                note: values.note.trim().to_string(),
                significant,
                priority,
                resolution,
                decision_on,
                response_received_on,
            })
        }
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

/// Every recommendation of the published reports in the oversight.gov fields, newest report
/// first. The text is the published (redacted) text of each report's latest edition; the
/// status and amounts are as they stand now. Public: it holds only what the portal shows.
#[tracing::instrument(skip_all)]
pub async fn published_recommendations(
    store: &DynStore,
    blobs: &dyn crate::blobs::BlobStore,
    currency: &str,
) -> Result<Vec<probity_domain::reports::PublishedRecommendation>, OfficeError> {
    use probity_domain::money::plain_amount;
    let rows = store.published_recommendations().await?;
    // One read of each edition's frozen model, however many recommendations it holds.
    let mut models: std::collections::HashMap<String, probity_domain::reports::ReportModel> =
        std::collections::HashMap::new();
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        if !models.contains_key(&row.public_model_sha256) {
            let bytes = crate::reports::read_blob(blobs, &row.public_model_sha256)
                .await
                .map_err(|error| OfficeError::Failed(error.to_string()))?;
            let model = serde_json::from_slice(&bytes)
                .map_err(|error| OfficeError::Failed(error.to_string()))?;
            models.insert(row.public_model_sha256.clone(), model);
        }
        let Some(model) = models.get(&row.public_model_sha256) else {
            continue;
        };
        let label = row.recommendation.label();
        // Written before publication but left out of the published text: not published.
        let Some(published) = model.recommendations.iter().find(|r| r.label == label) else {
            continue;
        };
        let number: String =
            url::form_urlencoded::byte_serialize(row.report_number.as_bytes()).collect();
        out.push(probity_domain::reports::PublishedRecommendation {
            report_url: format!("/reports/{number}/{}", row.edition),
            report_number: row.report_number,
            report_date: row.first_published_at.date().to_string(),
            report_title: row.title,
            agency: published.agency.clone(),
            recommendation_number: label,
            recommendation: published.body.clone(),
            significant: row.recommendation.significant,
            questioned_costs: plain_amount(row.recommendation.questioned_minor),
            funds_for_better_use: plain_amount(row.recommendation.better_use_minor),
            currency: currency.to_string(),
            status: row.recommendation.resolution.oversight_term().to_string(),
            edition: row.edition,
        });
    }
    Ok(out)
}

/// The published recommendations as CSV, every cell made safe for spreadsheets.
pub fn published_csv(
    rows: &[probity_domain::reports::PublishedRecommendation],
) -> Result<Vec<u8>, OfficeError> {
    let failed = |error: csv::Error| OfficeError::Failed(error.to_string());
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer
        .write_record(probity_domain::reports::PublishedRecommendation::CSV_COLUMNS)
        .map_err(failed)?;
    for row in rows {
        let cells = row.csv_cells();
        writer
            .write_record(
                cells
                    .iter()
                    .map(|cell| crate::timeline::spreadsheet_safe(cell).into_owned()),
            )
            .map_err(failed)?;
    }
    writer
        .into_inner()
        .map_err(|error| OfficeError::Failed(error.to_string()))
}
