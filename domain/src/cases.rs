//! The vocabulary of a case: status and its workflow, priority, confidentiality, how it came
//! in, parties and allegations. Shared by the pages and the server.

use serde::{Deserialize, Serialize};

/// Declares a closed set of values stored as text, with labels for people.
macro_rules! text_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $stored:literal / $label:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum $name { $($variant,)+ }

        impl $name {
            /// Every value, in display order.
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The stored (and submitted) name.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $stored,)+ }
            }

            /// The name shown to people.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label,)+ }
            }

            /// Parses a stored or submitted name.
            pub fn parse(value: &str) -> Option<Self> {
                match value { $($stored => Some($name::$variant),)+ _ => None }
            }
        }
    };
}

pub(crate) use text_enum;

text_enum!(
    /// Where a case is in its life.
    CaseStatus {
        Intake = "intake" / "Intake",
        Open = "open" / "Open",
        Investigation = "investigation" / "Investigation",
        FindingsDrafted = "findings_drafted" / "Findings drafted",
        UnderReview = "under_review" / "Under review",
        Closed = "closed" / "Closed",
    }
);

impl CaseStatus {
    /// The statuses a case may move to from this one. Reopening (from closed) is the only
    /// move that needs a supervisor; see [`CaseStatus::is_reopening`].
    pub fn next(self) -> &'static [CaseStatus] {
        use CaseStatus::*;
        match self {
            Intake => &[Open, Closed],
            Open => &[Investigation, Closed],
            Investigation => &[FindingsDrafted, Closed],
            FindingsDrafted => &[UnderReview, Investigation],
            UnderReview => &[Closed, FindingsDrafted],
            Closed => &[Open],
        }
    }

    /// True when moving from `self` to `to` is allowed at all.
    pub fn can_move_to(self, to: CaseStatus) -> bool {
        self.next().contains(&to)
    }

    /// True for the move that reopens a closed case.
    pub fn is_reopening(self, to: CaseStatus) -> bool {
        self == CaseStatus::Closed && to != CaseStatus::Closed
    }
}

text_enum!(
    /// How urgent a case is.
    Priority {
        Low = "low" / "Low",
        Normal = "normal" / "Normal",
        High = "high" / "High",
        Urgent = "urgent" / "Urgent",
    }
);

text_enum!(
    /// How carefully a case must be handled.
    Confidentiality {
        Standard = "standard" / "Standard",
        Confidential = "confidential" / "Confidential",
        HighlyConfidential = "highly_confidential" / "Highly confidential",
    }
);

text_enum!(
    /// How a case came in.
    IntakeChannel {
        Complaint = "complaint" / "Complaint",
        Referral = "referral" / "Referral",
        SelfInitiated = "self_initiated" / "Self-initiated",
    }
);

text_enum!(
    /// Whether a party is a person or an organisation.
    PartyKind {
        Person = "person" / "Person",
        Organisation = "organisation" / "Organisation",
    }
);

text_enum!(
    /// A party's part in a case.
    PartyRole {
        Subject = "subject" / "Subject",
        Complainant = "complainant" / "Complainant",
        Witness = "witness" / "Witness",
        AffectedPerson = "affected_person" / "Affected person",
        Agency = "agency" / "Agency",
        LawEnforcementPartner = "law_enforcement_partner" / "Outside law-enforcement partner",
    }
);

text_enum!(
    /// Where an allegation stands (its finding comes with the report).
    AllegationStatus {
        Open = "open" / "Open",
        UnderInvestigation = "under_investigation" / "Under investigation",
        Referred = "referred" / "Referred elsewhere",
        Withdrawn = "withdrawn" / "Withdrawn",
        Resolved = "resolved" / "Resolved",
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_can_move_somewhere_and_only_closed_reopens() {
        for status in CaseStatus::ALL {
            assert!(!status.next().is_empty());
            assert!(!status.can_move_to(*status), "{status:?} to itself");
            for to in status.next() {
                assert_eq!(status.is_reopening(*to), *status == CaseStatus::Closed);
            }
        }
        assert!(!CaseStatus::Intake.can_move_to(CaseStatus::UnderReview));
        assert!(CaseStatus::Closed.can_move_to(CaseStatus::Open));
    }

    #[test]
    fn stored_names_round_trip() {
        for role in PartyRole::ALL {
            assert_eq!(PartyRole::parse(role.as_str()), Some(*role));
        }
        assert_eq!(Priority::parse("bogus"), None);
    }
}

pub use records::*;

/// Case records as the pages show them.
mod records {
    use super::*;
    use crate::roles::Role;
    use time::OffsetDateTime;

    /// One case.
    #[derive(Clone, Debug)]
    pub struct Case {
        pub case_id: i64,
        /// e.g. `2025-0142`, with the office's prefix if one is set.
        pub case_number: String,
        pub title: String,
        pub summary: String,
        pub subject_agency: String,
        pub intake_channel: IntakeChannel,
        /// `YYYY-MM-DD`.
        pub received_on: String,
        pub priority: Priority,
        pub confidentiality: Confidentiality,
        pub status: CaseStatus,
        /// The IANA zone the case's times are shown in.
        pub time_zone: String,
        /// The key of the office's case type (see [`crate::clocks::CaseTypes`]).
        pub case_type: String,
        pub lead_user_id: Option<i64>,
        pub created_at: OffsetDateTime,
        pub updated_at: OffsetDateTime,
        /// Bumped by every change; edits name the version they were based on.
        pub version: i64,
    }

    /// A line of the case list.
    #[derive(Clone, Debug)]
    pub struct CaseSummary {
        pub case_id: i64,
        pub case_number: String,
        pub title: String,
        pub subject_agency: String,
        pub status: CaseStatus,
        pub priority: Priority,
        pub received_on: String,
        pub lead_name: Option<String>,
    }

    /// A member of a case's team.
    #[derive(Clone, Debug)]
    pub struct TeamMember {
        pub user_id: i64,
        pub username: String,
        pub display_name: String,
        pub role: Role,
        pub is_lead: bool,
    }

    /// Someone walled off from a case.
    #[derive(Clone, Debug)]
    pub struct Recusal {
        pub user_id: i64,
        pub display_name: String,
        pub reason: String,
        pub recused_by_name: String,
        pub recused_at: OffsetDateTime,
    }

    /// A supervisor or commissioner named to see a highly confidential case without being
    /// on its team.
    #[derive(Clone, Debug)]
    pub struct Overseer {
        pub user_id: i64,
        pub display_name: String,
        pub role: Role,
        pub named_by_name: String,
        pub named_at: OffsetDateTime,
    }

    /// A recusal that was lifted, kept with its whole history.
    #[derive(Clone, Debug)]
    pub struct LiftedRecusal {
        pub user_id: i64,
        pub display_name: String,
        pub reason: String,
        pub recused_by_name: String,
        pub recused_at: OffsetDateTime,
        pub lifted_by_name: String,
        pub lifted_at: OffsetDateTime,
        pub lift_reason: String,
    }

    /// One step of a case's history.
    #[derive(Clone, Debug)]
    pub struct StatusChange {
        pub from_status: Option<CaseStatus>,
        pub to_status: CaseStatus,
        pub reason: String,
        pub changed_by_name: String,
        pub changed_at: OffsetDateTime,
    }

    /// A person or organisation in a case.
    #[derive(Clone, Debug)]
    pub struct Party {
        pub party_id: i64,
        pub case_id: i64,
        pub kind: PartyKind,
        pub name: String,
        pub party_role: PartyRole,
        pub details: String,
        /// The name used in publication, e.g. "Detainee A".
        pub pseudonym: String,
        /// A senior employee as the office defines it (counted apart in the semiannual
        /// report).
        pub senior_employee: bool,
        pub version: i64,
    }

    /// One claim to be investigated.
    #[derive(Clone, Debug)]
    pub struct Allegation {
        pub allegation_id: i64,
        pub case_id: i64,
        pub subject_party_id: Option<i64>,
        pub subject_name: Option<String>,
        /// What the subject allegedly did.
        pub summary: String,
        /// The law or policy at issue.
        pub rule_at_issue: String,
        pub status: AllegationStatus,
        pub version: i64,
    }

    /// A note with its newest text.
    #[derive(Clone, Debug)]
    pub struct Note {
        pub note_id: i64,
        pub case_id: i64,
        pub author_name: String,
        pub created_at: OffsetDateTime,
        pub version: i64,
        pub body: String,
        pub edited_by_name: String,
        pub edited_at: OffsetDateTime,
    }

    /// One version of a note.
    #[derive(Clone, Debug)]
    pub struct NoteVersion {
        pub version: i64,
        pub body: String,
        pub edited_by_name: String,
        pub edited_at: OffsetDateTime,
    }
}

/// A case's details as a person or a program sent them, before validation (the case form,
/// the API's body).
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct CaseFields {
    pub title: String,
    pub summary: String,
    pub subject_agency: String,
    pub intake_channel: String,
    pub received_on: String,
    pub priority: String,
    pub confidentiality: String,
    pub time_zone: String,
    /// The key of the office's case type (opening only; a case keeps its type).
    pub case_type: String,
    /// The version the edit is based on (edits only).
    pub version: String,
}

impl CaseFields {
    /// The fields filled from a saved case.
    pub fn from_case(case: &Case) -> Self {
        CaseFields {
            title: case.title.clone(),
            summary: case.summary.clone(),
            subject_agency: case.subject_agency.clone(),
            intake_channel: case.intake_channel.as_str().to_string(),
            received_on: case.received_on.clone(),
            priority: case.priority.as_str().to_string(),
            confidentiality: case.confidentiality.as_str().to_string(),
            time_zone: case.time_zone.clone(),
            case_type: case.case_type.clone(),
            version: case.version.to_string(),
        }
    }
}

/// A party as sent, before validation.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct PartyFields {
    pub kind: String,
    pub name: String,
    pub party_role: String,
    pub details: String,
    pub pseudonym: String,
    /// `yes` for a senior employee (a checkbox).
    pub senior_employee: String,
    pub version: String,
}

impl PartyFields {
    /// The fields filled from a saved party.
    pub fn from_party(party: &Party) -> Self {
        PartyFields {
            kind: party.kind.as_str().into(),
            name: party.name.clone(),
            party_role: party.party_role.as_str().into(),
            details: party.details.clone(),
            pseudonym: party.pseudonym.clone(),
            senior_employee: if party.senior_employee {
                "yes".into()
            } else {
                String::new()
            },
            version: party.version.to_string(),
        }
    }
}

/// An allegation as sent, before validation.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct AllegationFields {
    pub subject_party_id: String,
    pub summary: String,
    pub rule_at_issue: String,
    pub status: String,
    pub version: String,
}

impl AllegationFields {
    /// The fields filled from a saved allegation.
    pub fn from_allegation(allegation: &Allegation) -> Self {
        AllegationFields {
            subject_party_id: allegation
                .subject_party_id
                .map(|id| id.to_string())
                .unwrap_or_default(),
            summary: allegation.summary.clone(),
            rule_at_issue: allegation.rule_at_issue.clone(),
            status: allegation.status.as_str().into(),
            version: allegation.version.to_string(),
        }
    }
}

/// The filters of a case list as sent (the list's form, the API's query), before validation.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct CaseListFields {
    pub q: String,
    pub status: String,
    pub priority: String,
    pub agency: String,
    pub lead: String,
    pub received_from: String,
    pub received_to: String,
    pub sort: String,
}
