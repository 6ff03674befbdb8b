//! Findings: what the investigation concluded on each allegation (one of the office's
//! dispositions, its legal or policy basis, the analysis), citing the timeline's events and
//! the exhibits it rests on. Only events and exhibits the writer may see can be cited.

use super::cases::{OpenCase, open_case, record};
use super::records::find_allegation;
use super::{Caller, OfficeError};
use crate::storage::DynStore;
use crate::storage::reports::FindingInput;
use probity_domain::cases::Allegation;
use probity_domain::permissions::Action;
use probity_domain::reports::{Finding, FindingFields};
use probity_domain::validation::FieldErrors;

/// What a finding may cite, as `(id, label)`: the case's events and exhibits the writer
/// may see.
#[derive(Clone, Debug, Default)]
pub struct Citations {
    pub events: Vec<(i64, String)>,
    pub exhibits: Vec<(i64, String)>,
}

/// The events and exhibits of a case that `user_id` may cite, labelled for choosing.
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn citations(
    store: &DynStore,
    case_id: i64,
    user_id: i64,
) -> Result<Citations, OfficeError> {
    let events = store.events(case_id, None, user_id).await?;
    let exhibits = store.exhibits(case_id, user_id).await?;
    Ok(Citations {
        events: events
            .into_iter()
            .map(|event| {
                let narrative: String = event.narrative.chars().take(60).collect();
                (
                    event.event_id,
                    format!(
                        "{} — {}: {narrative}",
                        event.incident_title, event.local_start
                    ),
                )
            })
            .collect(),
        exhibits: exhibits
            .into_iter()
            .map(|exhibit| {
                let description: String = exhibit.description.chars().take(60).collect();
                (
                    exhibit.exhibit_id,
                    format!("E-{}: {description}", exhibit.number),
                )
            })
            .collect(),
    })
}

/// A case's findings (audited).
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn findings(
    store: &DynStore,
    caller: &Caller,
    case_id: i64,
) -> Result<(OpenCase, Vec<Finding>), OfficeError> {
    let open = open_case(store, caller, case_id, Action::ReadCase, "finding.list").await?;
    let findings = store.findings(case_id).await?;
    record(
        store,
        caller,
        case_id,
        "finding.list",
        Some("findings".into()),
        None,
    )
    .await?;
    Ok((open, findings))
}

/// An allegation with its finding so far, opened to write the finding.
pub struct FindingDraft {
    pub open: OpenCase,
    pub allegation: Allegation,
    pub finding: Option<Finding>,
}

/// The finding on one allegation of the case, or none yet.
pub async fn finding_of(
    store: &DynStore,
    case_id: i64,
    allegation_id: i64,
) -> Result<Option<Finding>, OfficeError> {
    Ok(store
        .findings(case_id)
        .await?
        .into_iter()
        .find(|f| f.allegation_id == allegation_id))
}

/// Opens an allegation's finding to write it (audited).
#[tracing::instrument(skip_all, fields(case_id, allegation_id))]
pub async fn draft(
    store: &DynStore,
    caller: &Caller,
    case_id: i64,
    allegation_id: i64,
) -> Result<FindingDraft, OfficeError> {
    let open = open_case(store, caller, case_id, Action::DraftReport, "finding.view").await?;
    let allegation = find_allegation(store, case_id, allegation_id).await?;
    let finding = finding_of(store, case_id, allegation_id).await?;
    record(
        store,
        caller,
        case_id,
        "finding.view",
        Some(format!("allegation:{allegation_id}")),
        None,
    )
    .await?;
    Ok(FindingDraft {
        open,
        allegation,
        finding,
    })
}

fn too_long(errors: &mut FieldErrors, name: &'static str, value: &str, max: usize, label: &str) {
    if value.chars().count() > max {
        errors.add(name, format!("{label} must be {max} characters or fewer"));
    }
}

/// Checks a finding as sent against the office's dispositions and what the writer may cite.
pub fn validate_finding(
    fields: &FindingFields,
    dispositions: &[String],
    citations: &Citations,
) -> Result<FindingInput, FieldErrors> {
    let mut errors = FieldErrors::default();
    let disposition = fields.disposition.trim();
    let basis = fields.basis.trim();
    let analysis = fields.analysis.trim();
    if !dispositions.iter().any(|known| known == disposition) {
        errors.add("disposition", "Choose a finding");
    }
    if basis.is_empty() {
        errors.add("basis", "Enter the legal or policy basis");
    }
    too_long(&mut errors, "basis", basis, 500, "The basis");
    too_long(&mut errors, "analysis", analysis, 20000, "The analysis");
    let pick = |wanted: &[String], choices: &[(i64, String)]| -> Option<Vec<i64>> {
        let mut picked: Vec<i64> = wanted
            .iter()
            .map(|id| {
                id.trim()
                    .parse::<i64>()
                    .ok()
                    .filter(|id| choices.iter().any(|(c, _)| c == id))
            })
            .collect::<Option<_>>()?;
        picked.sort_unstable();
        picked.dedup();
        Some(picked)
    };
    let event_ids = pick(&fields.events, &citations.events);
    let exhibit_ids = pick(&fields.exhibits, &citations.exhibits);
    if event_ids.is_none() || exhibit_ids.is_none() {
        errors.add("analysis", "A cited event or exhibit is not in this case");
    }
    match (event_ids, exhibit_ids) {
        (Some(event_ids), Some(exhibit_ids)) if errors.is_empty() => Ok(FindingInput {
            disposition: disposition.to_string(),
            basis: basis.to_string(),
            analysis: analysis.to_string(),
            event_ids,
            exhibit_ids,
        }),
        _ => Err(errors),
    }
}

/// Saves the finding on an allegation, based on `version` (0 for the first), unless someone
/// saved first; answers the finding as saved.
#[tracing::instrument(skip_all, fields(case_id, allegation_id))]
pub async fn save_finding(
    store: &DynStore,
    dispositions: &[String],
    caller: &Caller,
    case_id: i64,
    allegation_id: i64,
    version: i64,
    fields: &FindingFields,
) -> Result<Finding, OfficeError> {
    open_case(store, caller, case_id, Action::DraftReport, "finding.save").await?;
    find_allegation(store, case_id, allegation_id).await?;
    let citations = citations(store, case_id, caller.user.user_id).await?;
    let input = validate_finding(fields, dispositions, &citations).map_err(OfficeError::Invalid)?;
    let disposition = input.disposition.clone();
    store
        .save_finding(case_id, allegation_id, version, input, caller.user.user_id)
        .await?;
    record(
        store,
        caller,
        case_id,
        "finding.save",
        Some(format!("allegation:{allegation_id}")),
        Some(disposition),
    )
    .await?;
    finding_of(store, case_id, allegation_id)
        .await?
        .ok_or(OfficeError::NotFound)
}
