//! What came of a case: recording its referrals to prosecutors and their answers, and what
//! followed for each subject. The team records them (the same people who edit the case);
//! every read is part of reading the case and every change is audited.

use super::cases::{OpenCase, open_case, record};
use super::{Caller, OfficeError, validate};
use crate::storage::DynStore;
use crate::storage::cases::is_iso_date;
use crate::storage::outcomes::{MoneyInput, OutcomeInput, ReferralInput};
use probity_domain::cases::{Party, PartyRole};
use probity_domain::money::{MoneyFields, MoneyKind, MoneyResult, parse_amount};
use probity_domain::outcomes::{
    ClosureCheck, Outcome, OutcomeFields, OutcomeKind, ProsecutorLevel, Referral, ReferralDecision,
    ReferralFields,
};
use probity_domain::permissions::{Action, allows};
use probity_domain::validation::FieldErrors;

/// A case's referrals and outcomes, with its subjects for the forms.
pub struct CaseOutcomes {
    pub open: OpenCase,
    pub referrals: Vec<Referral>,
    pub outcomes: Vec<Outcome>,
    pub money: Vec<MoneyResult>,
    pub can_edit: bool,
}

/// A case's referrals and outcomes, audited as a read.
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn outcomes(
    store: &DynStore,
    caller: &Caller,
    case_id: i64,
) -> Result<CaseOutcomes, OfficeError> {
    let open = open_case(
        store,
        caller,
        case_id,
        Action::ReadCase,
        "case.outcomes.view",
    )
    .await?;
    let (referrals, outcomes, money) = tokio::try_join!(
        store.referrals(case_id),
        store.outcomes(case_id),
        store.money(case_id)
    )?;
    record(store, caller, case_id, "case.outcomes.view", None, None).await?;
    let can_edit = allows(caller.user.role, Action::EditCase, open.standing);
    Ok(CaseOutcomes {
        open,
        referrals,
        outcomes,
        money,
        can_edit,
    })
}

/// The case's subjects, who referrals and outcomes are about.
pub async fn subjects(store: &DynStore, case_id: i64) -> Result<Vec<Party>, OfficeError> {
    Ok(store
        .parties(case_id)
        .await?
        .into_iter()
        .filter(|party| party.party_role == PartyRole::Subject)
        .collect())
}

/// Opens a case to record a referral or outcome, with its subjects.
pub async fn for_editing(
    store: &DynStore,
    caller: &Caller,
    case_id: i64,
    audit_action: &'static str,
) -> Result<(OpenCase, Vec<Party>), OfficeError> {
    let open = open_case(store, caller, case_id, Action::EditCase, audit_action).await?;
    let subjects = subjects(store, case_id).await?;
    Ok((open, subjects))
}

/// A day a form sent: `YYYY-MM-DD`, not in the future; empty is none (an error when
/// `required`).
pub(crate) fn day(
    errors: &mut FieldErrors,
    field: &'static str,
    value: &str,
    required: bool,
) -> Option<String> {
    let value = value.trim();
    if value.is_empty() {
        if required {
            errors.add(field, "Enter the day, for example 2026-03-04.");
        }
        return None;
    }
    if !is_iso_date(value) {
        errors.add(field, "Enter the day as a date, for example 2026-03-04.");
        return None;
    }
    if value > super::plan::today().to_string().as_str() {
        errors.add(field, "The day cannot be in the future.");
        return None;
    }
    Some(value.to_string())
}

async fn subject(
    store: &DynStore,
    errors: &mut FieldErrors,
    case_id: i64,
    value: &str,
    required: bool,
) -> Result<Option<i64>, OfficeError> {
    let value = value.trim();
    if value.is_empty() {
        if required {
            errors.add("party_id", "Choose the subject.");
        }
        return Ok(None);
    }
    let subjects = subjects(store, case_id).await?;
    match value
        .parse::<i64>()
        .ok()
        .filter(|id| subjects.iter().any(|p| p.party_id == *id))
    {
        Some(id) => Ok(Some(id)),
        None => {
            errors.add("party_id", "Choose one of the case's subjects.");
            Ok(None)
        }
    }
}

/// The case's exhibit a form names by number (`E-4` or `4`); empty is none, a number the
/// case does not have is an error on the `exhibit` field.
pub(crate) async fn exhibit(
    store: &DynStore,
    errors: &mut FieldErrors,
    case_id: i64,
    value: &str,
) -> Result<Option<i64>, OfficeError> {
    exhibit_field(store, errors, case_id, "exhibit", value).await
}

/// The same for a form with several exhibit fields: the error goes on `field`.
pub(crate) async fn exhibit_field(
    store: &DynStore,
    errors: &mut FieldErrors,
    case_id: i64,
    field: &'static str,
    value: &str,
) -> Result<Option<i64>, OfficeError> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    let digits = value
        .strip_prefix("E-")
        .or_else(|| value.strip_prefix("e-"))
        .unwrap_or(value);
    let found = match digits.parse::<i64>() {
        Ok(number) => store.exhibit_id_by_number(case_id, number).await?,
        Err(_) => None,
    };
    if found.is_none() {
        errors.add(
            field,
            "Enter the number of one of this case's exhibits, for example E-4.",
        );
    }
    Ok(found)
}

async fn validate_referral(
    store: &DynStore,
    case_id: i64,
    fields: &ReferralFields,
) -> Result<ReferralInput, OfficeError> {
    let mut errors = FieldErrors::default();
    let party_id = subject(store, &mut errors, case_id, &fields.party_id, false).await?;
    let level = validate::choice(
        &mut errors,
        "level",
        &fields.level,
        ProsecutorLevel::parse,
        "which prosecutor",
    );
    let office = validate::line(
        &mut errors,
        "office",
        &fields.office,
        true,
        300,
        "the prosecutor's office",
    );
    let referred_on = day(&mut errors, "referred_on", &fields.referred_on, true);
    let what = validate::text(
        &mut errors,
        "what",
        &fields.what,
        true,
        5000,
        "what was referred",
    );
    let decision = if fields.decision.trim().is_empty() {
        Some(ReferralDecision::Pending)
    } else {
        validate::choice(
            &mut errors,
            "decision",
            &fields.decision,
            ReferralDecision::parse,
            "the answer",
        )
    };
    let decided_on = day(
        &mut errors,
        "decided_on",
        &fields.decided_on,
        decision.is_some_and(|d| d != ReferralDecision::Pending),
    );
    if decision == Some(ReferralDecision::Pending) && decided_on.is_some() {
        errors.add("decided_on", "A pending referral has no day of answer yet.");
    }
    if let (Some(referred), Some(decided)) = (&referred_on, &decided_on)
        && decided < referred
    {
        errors.add("decided_on", "The answer cannot come before the referral.");
    }
    let source_exhibit_id = exhibit(store, &mut errors, case_id, &fields.exhibit).await?;
    match (level, referred_on, decision) {
        (Some(level), Some(referred_on), Some(decision)) if errors.is_empty() => {
            Ok(ReferralInput {
                party_id,
                level,
                office,
                referred_on,
                what,
                decision,
                decided_on: decided_on.filter(|_| decision != ReferralDecision::Pending),
                source_exhibit_id,
            })
        }
        _ => Err(OfficeError::Invalid(errors)),
    }
}

async fn validate_outcome(
    store: &DynStore,
    case_id: i64,
    fields: &OutcomeFields,
) -> Result<OutcomeInput, OfficeError> {
    let mut errors = FieldErrors::default();
    let party_id = subject(store, &mut errors, case_id, &fields.party_id, true).await?;
    let kind = validate::choice(
        &mut errors,
        "kind",
        &fields.kind,
        OutcomeKind::parse,
        "what followed",
    );
    let occurred_on = day(&mut errors, "occurred_on", &fields.occurred_on, true);
    let detail = validate::text(
        &mut errors,
        "detail",
        &fields.detail,
        false,
        5000,
        "details",
    );
    let suspension_days = match (kind, fields.suspension_days.trim()) {
        (Some(OutcomeKind::Suspension), value) => match value.parse::<i64>() {
            Ok(days) if (1..=3650).contains(&days) => Some(days),
            _ => {
                errors.add(
                    "suspension_days",
                    "Enter the days of the suspension, from 1 to 3650.",
                );
                None
            }
        },
        (_, "") => None,
        (_, _) => {
            errors.add(
                "suspension_days",
                "Days are recorded for a suspension only.",
            );
            None
        }
    };
    let source_exhibit_id = exhibit(store, &mut errors, case_id, &fields.exhibit).await?;
    match (party_id, kind, occurred_on) {
        (Some(party_id), Some(kind), Some(occurred_on)) if errors.is_empty() => Ok(OutcomeInput {
            party_id,
            kind,
            occurred_on,
            detail,
            suspension_days,
            source_exhibit_id,
        }),
        _ => Err(OfficeError::Invalid(errors)),
    }
}

/// The version a form was based on; one that does not parse is stale.
pub(crate) fn version(value: &str) -> Result<i64, OfficeError> {
    value.trim().parse::<i64>().map_err(|_| OfficeError::Stale)
}

/// Records a referral.
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn add_referral(
    store: &DynStore,
    caller: &Caller,
    case_id: i64,
    fields: &ReferralFields,
) -> Result<Referral, OfficeError> {
    open_case(
        store,
        caller,
        case_id,
        Action::EditCase,
        "case.referral.create",
    )
    .await?;
    let input = validate_referral(store, case_id, fields).await?;
    let saved = store
        .create_referral(case_id, &input, caller.user.user_id)
        .await?;
    record(
        store,
        caller,
        case_id,
        "case.referral.create",
        Some(format!("referral:{}", saved.referral_id)),
        Some(format!(
            "{} {}",
            saved.level.as_str(),
            saved.decision.as_str()
        )),
    )
    .await?;
    Ok(saved)
}

/// Saves a referral (its answer, most often), based on the version the form showed.
#[tracing::instrument(skip_all, fields(case_id, referral_id))]
pub async fn save_referral(
    store: &DynStore,
    caller: &Caller,
    case_id: i64,
    referral_id: i64,
    fields: &ReferralFields,
) -> Result<Referral, OfficeError> {
    open_case(
        store,
        caller,
        case_id,
        Action::EditCase,
        "case.referral.update",
    )
    .await?;
    let version = version(&fields.version)?;
    let input = validate_referral(store, case_id, fields).await?;
    let saved = store
        .update_referral(case_id, referral_id, version, &input)
        .await?;
    record(
        store,
        caller,
        case_id,
        "case.referral.update",
        Some(format!("referral:{referral_id}")),
        Some(format!(
            "{} {}",
            saved.level.as_str(),
            saved.decision.as_str()
        )),
    )
    .await?;
    Ok(saved)
}

/// Records what followed for a subject.
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn add_outcome(
    store: &DynStore,
    caller: &Caller,
    case_id: i64,
    fields: &OutcomeFields,
) -> Result<Outcome, OfficeError> {
    open_case(
        store,
        caller,
        case_id,
        Action::EditCase,
        "case.outcome.create",
    )
    .await?;
    let input = validate_outcome(store, case_id, fields).await?;
    let saved = store
        .create_outcome(case_id, &input, caller.user.user_id)
        .await?;
    record(
        store,
        caller,
        case_id,
        "case.outcome.create",
        Some(format!("outcome:{}", saved.outcome_id)),
        Some(saved.kind.as_str().to_string()),
    )
    .await?;
    Ok(saved)
}

/// Saves an outcome, based on the version the form showed.
#[tracing::instrument(skip_all, fields(case_id, outcome_id))]
pub async fn save_outcome(
    store: &DynStore,
    caller: &Caller,
    case_id: i64,
    outcome_id: i64,
    fields: &OutcomeFields,
) -> Result<Outcome, OfficeError> {
    open_case(
        store,
        caller,
        case_id,
        Action::EditCase,
        "case.outcome.update",
    )
    .await?;
    let version = version(&fields.version)?;
    let input = validate_outcome(store, case_id, fields).await?;
    let saved = store
        .update_outcome(case_id, outcome_id, version, &input)
        .await?;
    record(
        store,
        caller,
        case_id,
        "case.outcome.update",
        Some(format!("outcome:{outcome_id}")),
        Some(saved.kind.as_str().to_string()),
    )
    .await?;
    Ok(saved)
}

async fn validate_money(
    store: &DynStore,
    case_id: i64,
    currency: &str,
    fields: &MoneyFields,
) -> Result<MoneyInput, OfficeError> {
    let mut errors = FieldErrors::default();
    let kind = validate::choice(
        &mut errors,
        "kind",
        &fields.kind,
        MoneyKind::parse,
        "what the amount is",
    );
    let amount_minor = match parse_amount(&fields.amount) {
        Ok(minor) => Some(minor),
        Err(message) => {
            errors.add("amount", message);
            None
        }
    };
    let occurred_on = day(&mut errors, "occurred_on", &fields.occurred_on, true);
    let note = validate::text(&mut errors, "note", &fields.note, false, 2000, "a note");
    let number = fields.recommendation.trim();
    let recommendation_id = if number.is_empty() {
        None
    } else {
        let digits = number
            .strip_prefix("R-")
            .or_else(|| number.strip_prefix("r-"))
            .unwrap_or(number);
        let found = match digits.parse::<i64>() {
            Ok(n) => store.recommendation_id_by_number(case_id, n).await?,
            Err(_) => None,
        };
        if found.is_none() {
            errors.add(
                "recommendation",
                "Enter the number of one of this case's recommendations, for example R-2.",
            );
        }
        found
    };
    match (kind, amount_minor, occurred_on) {
        (Some(kind), Some(amount_minor), Some(occurred_on)) if errors.is_empty() => {
            Ok(MoneyInput {
                kind,
                amount_minor,
                currency: currency.to_string(),
                occurred_on,
                recommendation_id,
                note,
            })
        }
        _ => Err(OfficeError::Invalid(errors)),
    }
}

/// Records an amount in the office's currency.
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn add_money(
    store: &DynStore,
    caller: &Caller,
    case_id: i64,
    currency: &str,
    fields: &MoneyFields,
) -> Result<MoneyResult, OfficeError> {
    open_case(
        store,
        caller,
        case_id,
        Action::EditCase,
        "case.money.create",
    )
    .await?;
    let input = validate_money(store, case_id, currency, fields).await?;
    let saved = store
        .create_money(case_id, &input, caller.user.user_id)
        .await?;
    record(
        store,
        caller,
        case_id,
        "case.money.create",
        Some(format!("money:{}", saved.money_id)),
        Some(format!("{} {}", saved.kind.as_str(), saved.currency)),
    )
    .await?;
    Ok(saved)
}

/// Saves an amount, based on the version the form showed.
#[tracing::instrument(skip_all, fields(case_id, money_id))]
pub async fn save_money(
    store: &DynStore,
    caller: &Caller,
    case_id: i64,
    money_id: i64,
    currency: &str,
    fields: &MoneyFields,
) -> Result<MoneyResult, OfficeError> {
    open_case(
        store,
        caller,
        case_id,
        Action::EditCase,
        "case.money.update",
    )
    .await?;
    let version = version(&fields.version)?;
    let input = validate_money(store, case_id, currency, fields).await?;
    let saved = store
        .update_money(case_id, money_id, version, &input)
        .await?;
    record(
        store,
        caller,
        case_id,
        "case.money.update",
        Some(format!("money:{money_id}")),
        Some(format!("{} {}", saved.kind.as_str(), saved.currency)),
    )
    .await?;
    Ok(saved)
}

/// The closure checklist of a case: the questions of the quality standards' peer-review
/// checklist that its record can answer, each met or not with what the record shows.
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn closure_checks(
    store: &DynStore,
    case_id: i64,
) -> Result<Vec<ClosureCheck>, OfficeError> {
    use probity_domain::cases::AllegationStatus;
    use probity_domain::reports::ReportState;
    let (allegations, findings, referrals, versions, interviews, reviews) = tokio::try_join!(
        store.allegations(case_id),
        store.findings(case_id),
        store.referrals(case_id),
        store.report_versions(case_id),
        store.interviews(case_id),
        store.reviews(case_id),
    )?;
    let live: Vec<_> = allegations
        .iter()
        .filter(|a| a.status != AllegationStatus::Withdrawn)
        .collect();
    let without = live
        .iter()
        .filter(|a| !findings.iter().any(|f| f.allegation_id == a.allegation_id))
        .count();
    let mut checks = vec![ClosureCheck {
        question: "Does every allegation have a finding?".into(),
        met: !live.is_empty() && without == 0,
        detail: if live.is_empty() {
            "No allegation is recorded.".into()
        } else if without == 0 {
            format!("All {} allegations have a finding.", live.len())
        } else {
            format!("{without} of {} allegations have no finding.", live.len())
        },
    }];
    let uncited = findings
        .iter()
        .filter(|f| f.exhibit_ids.is_empty() && f.event_ids.is_empty())
        .count();
    checks.push(ClosureCheck {
        question: "Does every finding cite the evidence it rests on?".into(),
        met: !findings.is_empty() && uncited == 0,
        detail: if findings.is_empty() {
            "No finding is recorded.".into()
        } else if uncited == 0 {
            "Every finding cites exhibits or events.".into()
        } else {
            format!(
                "{uncited} of {} findings cite no exhibit or event.",
                findings.len()
            )
        },
    });
    let unwritten = interviews.iter().filter(|i| !i.is_documented()).count();
    checks.push(ClosureCheck {
        question: "Is every interview documented in a memorandum?".into(),
        met: !interviews.is_empty() && unwritten == 0,
        detail: if interviews.is_empty() {
            "No interview is recorded.".into()
        } else if unwritten == 0 {
            format!("All {} interviews have a memorandum.", interviews.len())
        } else {
            format!(
                "{unwritten} of {} interviews have no memorandum.",
                interviews.len()
            )
        },
    });
    checks.push(ClosureCheck {
        question: "Is a supervisory review recorded?".into(),
        met: !reviews.is_empty(),
        detail: match reviews.first() {
            None => "No supervisor has recorded a review of the case.".into(),
            Some(last) => format!(
                "{} reviews; the last by {} on {}.",
                reviews.len(),
                last.reviewer_name,
                last.reviewed_at.date()
            ),
        },
    });
    let pending = referrals
        .iter()
        .filter(|r| r.decision == ReferralDecision::Pending)
        .count();
    checks.push(ClosureCheck {
        question: "Is every referral decision recorded?".into(),
        met: pending == 0,
        detail: if referrals.is_empty() {
            "No referral was made.".into()
        } else if pending == 0 {
            format!(
                "The answer to each of {} referrals is recorded.",
                referrals.len()
            )
        } else {
            format!(
                "{pending} of {} referrals still wait for the prosecutor's answer.",
                referrals.len()
            )
        },
    });
    let newest = versions.iter().max_by_key(|v| v.version);
    let approved =
        newest.is_some_and(|v| matches!(v.state, ReportState::Approved | ReportState::Published));
    checks.push(ClosureCheck {
        question: "Is the report approved (the commissioner's review)?".into(),
        met: approved,
        detail: match newest {
            None => "No report has been drafted.".into(),
            Some(v) => format!(
                "The newest version ({}) is {}.",
                v.version,
                v.state.label().to_lowercase()
            ),
        },
    });
    Ok(checks)
}
