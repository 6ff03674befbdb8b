//! What came of a case: referrals to prosecutors with their answers, and what followed for
//! each subject (charges, convictions and pleas, sentences, civil settlements, administrative
//! actions, debarment), each dated and tied to the exhibit that shows it. These are the
//! records an office's semiannual report counts (5 U.S.C. 405(b)).

use crate::cases::text_enum;
use serde::{Deserialize, Serialize};

text_enum!(
    /// Which prosecutor a matter went to.
    ProsecutorLevel {
        Federal = "federal" / "Federal prosecutor",
        State = "state" / "State prosecutor",
        Local = "local" / "Local prosecutor",
    }
);

text_enum!(
    /// The prosecutor's answer to a referral.
    ReferralDecision {
        Pending = "pending" / "Pending",
        Accepted = "accepted" / "Accepted",
        Declined = "declined" / "Declined",
    }
);

text_enum!(
    /// What followed for a subject.
    OutcomeKind {
        Indictment = "indictment" / "Indictment",
        Information = "information" / "Criminal information",
        Conviction = "conviction" / "Conviction",
        Plea = "plea" / "Guilty plea",
        Sentence = "sentence" / "Sentence",
        CivilSettlement = "civil_settlement" / "Civil settlement",
        Removal = "removal" / "Removal from employment",
        Suspension = "suspension" / "Suspension",
        Reprimand = "reprimand" / "Reprimand",
        Resignation = "resignation" / "Resignation",
        Training = "training" / "Training",
        NoAction = "none" / "No action taken",
        Debarment = "debarment" / "Debarment",
    }
);

impl OutcomeKind {
    /// A criminal charge (counted as "indictments and informations").
    pub fn is_charge(self) -> bool {
        matches!(self, OutcomeKind::Indictment | OutcomeKind::Information)
    }

    /// An administrative action by the employing agency.
    pub fn is_administrative(self) -> bool {
        matches!(
            self,
            OutcomeKind::Removal
                | OutcomeKind::Suspension
                | OutcomeKind::Reprimand
                | OutcomeKind::Resignation
                | OutcomeKind::Training
                | OutcomeKind::NoAction
        )
    }
}

/// A referral of a case (or one subject of it) to a prosecutor.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Referral {
    pub referral_id: i64,
    pub case_id: i64,
    /// The subject referred, when the referral names one.
    pub party_id: Option<i64>,
    pub subject_name: Option<String>,
    pub level: ProsecutorLevel,
    /// The office, e.g. "U.S. Attorney's Office, District of Port Halden".
    pub office: String,
    /// `YYYY-MM-DD`.
    pub referred_on: String,
    /// What was referred.
    pub what: String,
    pub decision: ReferralDecision,
    /// `YYYY-MM-DD` of the answer (accepted or declined).
    pub decided_on: Option<String>,
    /// The exhibit showing the referral or its answer: id and number.
    pub source_exhibit: Option<(i64, i64)>,
    pub recorded_by_name: String,
    pub version: i64,
}

/// What followed for one subject.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    pub outcome_id: i64,
    pub case_id: i64,
    pub party_id: i64,
    pub subject_name: String,
    pub kind: OutcomeKind,
    /// `YYYY-MM-DD`.
    pub occurred_on: String,
    pub detail: String,
    /// Days of a suspension.
    pub suspension_days: Option<i64>,
    /// The exhibit showing it: id and number.
    pub source_exhibit: Option<(i64, i64)>,
    pub recorded_by_name: String,
    pub version: i64,
}

/// A referral as a form or program sent it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ReferralFields {
    /// A subject's party id, or empty for the whole case.
    pub party_id: String,
    pub level: String,
    pub office: String,
    pub referred_on: String,
    pub what: String,
    pub decision: String,
    pub decided_on: String,
    /// An exhibit number (`E-4` or `4`), or empty.
    pub exhibit: String,
    pub version: String,
}

impl ReferralFields {
    /// The fields filled from a saved referral.
    pub fn from_referral(referral: &Referral) -> Self {
        ReferralFields {
            party_id: referral
                .party_id
                .map(|id| id.to_string())
                .unwrap_or_default(),
            level: referral.level.as_str().into(),
            office: referral.office.clone(),
            referred_on: referral.referred_on.clone(),
            what: referral.what.clone(),
            decision: referral.decision.as_str().into(),
            decided_on: referral.decided_on.clone().unwrap_or_default(),
            exhibit: referral
                .source_exhibit
                .map(|(_, number)| format!("E-{number}"))
                .unwrap_or_default(),
            version: referral.version.to_string(),
        }
    }
}

/// An outcome as a form or program sent it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct OutcomeFields {
    pub party_id: String,
    pub kind: String,
    pub occurred_on: String,
    pub detail: String,
    pub suspension_days: String,
    pub exhibit: String,
    pub version: String,
}

impl OutcomeFields {
    /// The fields filled from a saved outcome.
    pub fn from_outcome(outcome: &Outcome) -> Self {
        OutcomeFields {
            party_id: outcome.party_id.to_string(),
            kind: outcome.kind.as_str().into(),
            occurred_on: outcome.occurred_on.clone(),
            detail: outcome.detail.clone(),
            suspension_days: outcome
                .suspension_days
                .map(|d| d.to_string())
                .unwrap_or_default(),
            exhibit: outcome
                .source_exhibit
                .map(|(_, number)| format!("E-{number}"))
                .unwrap_or_default(),
            version: outcome.version.to_string(),
        }
    }
}

/// One question of the closure checklist (from the CIGIE Quality Standards for
/// Investigations peer-review checklist, as far as the record can answer it).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClosureCheck {
    pub question: String,
    pub met: bool,
    /// What the record shows, e.g. "2 of 5 allegations have no finding".
    pub detail: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charges_and_administrative_actions_are_told_apart() {
        let charges: Vec<_> = OutcomeKind::ALL.iter().filter(|k| k.is_charge()).collect();
        assert_eq!(charges.len(), 2);
        assert!(OutcomeKind::Suspension.is_administrative());
        assert!(!OutcomeKind::Debarment.is_administrative());
        assert!(!OutcomeKind::Conviction.is_administrative());
        for kind in OutcomeKind::ALL {
            assert_eq!(OutcomeKind::parse(kind.as_str()), Some(*kind));
        }
    }
}
