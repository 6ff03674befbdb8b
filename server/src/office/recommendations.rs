//! Recommendations to agencies: added with a finding's report, followed up as the agency
//! answers, each status change kept in its history.

use super::cases::{open_case, record};
use super::{Caller, OfficeError};
use crate::storage::DynStore;
use crate::storage::reports::RecommendationInput;
use probity_domain::permissions::Action;
use probity_domain::reports::{
    Recommendation, RecommendationFields, RecommendationStatus, RecommendationUpdate,
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
