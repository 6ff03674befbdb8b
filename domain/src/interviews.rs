//! Memoranda of interview: a case record of who was interviewed, in what role, when and
//! where, who attended, the warning given (criminal rights, an administrative warning that
//! compels testimony, or a voluntary interview), the recording and transcript exhibits, and
//! the memorandum itself, whose every version is kept. Events on the timeline cite them.

use crate::cases::text_enum;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

text_enum!(
    /// The warning given before the questions: what the interviewee was told of their rights.
    InterviewWarning {
        Criminal = "criminal" / "Criminal: rights advised, answers voluntary (Miranda or Garrity)",
        AdministrativeCompelled = "administrative_compelled" / "Administrative: answers compelled, not usable in a criminal case (Kalkines)",
        Voluntary = "voluntary" / "Voluntary: no warning needed (a witness)",
    }
);

impl InterviewWarning {
    /// A short name for lists.
    pub fn short(self) -> &'static str {
        match self {
            InterviewWarning::Criminal => "Criminal warning",
            InterviewWarning::AdministrativeCompelled => "Administrative, compelled",
            InterviewWarning::Voluntary => "Voluntary",
        }
    }
}

text_enum!(
    /// Why a person attended an interview.
    AttendeeRole {
        Investigator = "investigator" / "Investigator",
        Counsel = "counsel" / "Counsel",
        UnionRepresentative = "union_representative" / "Union representative",
        Interpreter = "interpreter" / "Interpreter",
        Other = "other" / "Other",
    }
);

/// Someone who attended, besides the interviewee.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attendee {
    pub role: AttendeeRole,
    /// The staff member, for investigators of the office.
    pub user_id: Option<i64>,
    pub name: String,
}

/// An interview of a case, with its current memorandum.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Interview {
    pub interview_id: i64,
    pub case_id: i64,
    /// 1 for I-1.
    pub number: i64,
    /// The party interviewed, and their name.
    pub party_id: i64,
    pub interviewee_name: String,
    /// Their role in the matter: "subject", "witness", "records custodian".
    pub interviewee_role: String,
    /// `YYYY-MM-DD`.
    pub held_on: String,
    pub place: String,
    pub warning: InterviewWarning,
    /// The recording's exhibit: id and number.
    pub recording: Option<(i64, i64)>,
    /// The transcript's exhibit: id and number.
    pub transcript: Option<(i64, i64)>,
    pub attendees: Vec<Attendee>,
    /// The memorandum as it stands.
    pub memorandum: String,
    /// Who wrote its newest version, and when.
    pub written_by_name: String,
    pub updated_at: OffsetDateTime,
    /// The number of versions of the record (each save adds one).
    pub version: i64,
}

impl Interview {
    /// `I-2`.
    pub fn label(&self) -> String {
        format!("I-{}", self.number)
    }

    /// True when the memorandum is written.
    pub fn is_documented(&self) -> bool {
        !self.memorandum.trim().is_empty()
    }

    /// `I-2, Nikos Petrakis, 2025-01-20`: how events and lists name it.
    pub fn caption(&self) -> String {
        format!(
            "{}, {}, {}",
            self.label(),
            self.interviewee_name,
            self.held_on
        )
    }
}

/// One version of a memorandum.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemorandumVersion {
    pub version: i64,
    pub body: String,
    pub written_by_name: String,
    pub written_at: OffsetDateTime,
}

/// An interview as its form (or the API) sent it, before validation.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct InterviewFields {
    pub party_id: String,
    pub interviewee_role: String,
    pub held_on: String,
    pub place: String,
    pub warning: String,
    /// Exhibit numbers, `E-4` or `4`.
    pub recording: String,
    pub transcript: String,
    /// The team members who attended (user ids; checkboxes repeat the name, so the form
    /// reads them apart).
    #[serde(skip)]
    pub investigators: Vec<String>,
    pub counsel: String,
    pub union_representative: String,
    pub interpreter: String,
    /// Anyone else, one per line.
    pub others: String,
    pub memorandum: String,
    pub version: String,
}

impl InterviewFields {
    /// The values of a saved interview, for its edit form.
    pub fn of(interview: &Interview) -> InterviewFields {
        let names = |role: AttendeeRole| {
            interview
                .attendees
                .iter()
                .filter(|a| a.role == role)
                .map(|a| a.name.clone())
                .collect::<Vec<_>>()
        };
        InterviewFields {
            party_id: interview.party_id.to_string(),
            interviewee_role: interview.interviewee_role.clone(),
            held_on: interview.held_on.clone(),
            place: interview.place.clone(),
            warning: interview.warning.as_str().into(),
            recording: interview
                .recording
                .map(|(_, n)| format!("E-{n}"))
                .unwrap_or_default(),
            transcript: interview
                .transcript
                .map(|(_, n)| format!("E-{n}"))
                .unwrap_or_default(),
            investigators: interview
                .attendees
                .iter()
                .filter_map(|a| a.user_id.map(|id| id.to_string()))
                .collect(),
            counsel: names(AttendeeRole::Counsel).join("; "),
            union_representative: names(AttendeeRole::UnionRepresentative).join("; "),
            interpreter: names(AttendeeRole::Interpreter).join("; "),
            others: names(AttendeeRole::Other).join("\n"),
            memorandum: interview.memorandum.clone(),
            version: interview.version.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_of_an_interview_give_back_its_attendees_by_role() {
        let interview = Interview {
            interview_id: 1,
            case_id: 1,
            number: 2,
            party_id: 7,
            interviewee_name: "Nikos Petrakis".into(),
            interviewee_role: "Subject".into(),
            held_on: "2025-01-20".into(),
            place: "OIG office".into(),
            warning: InterviewWarning::AdministrativeCompelled,
            recording: Some((11, 4)),
            transcript: None,
            attendees: vec![
                Attendee {
                    role: AttendeeRole::Investigator,
                    user_id: Some(3),
                    name: "Ines".into(),
                },
                Attendee {
                    role: AttendeeRole::UnionRepresentative,
                    user_id: None,
                    name: "Dana Whitfield".into(),
                },
                Attendee {
                    role: AttendeeRole::Other,
                    user_id: None,
                    name: "A".into(),
                },
                Attendee {
                    role: AttendeeRole::Other,
                    user_id: None,
                    name: "B".into(),
                },
            ],
            memorandum: " ".into(),
            written_by_name: "Ines".into(),
            updated_at: OffsetDateTime::UNIX_EPOCH,
            version: 1,
        };
        let fields = InterviewFields::of(&interview);
        assert_eq!(fields.investigators, vec!["3".to_string()]);
        assert_eq!(fields.union_representative, "Dana Whitfield");
        assert_eq!(fields.others, "A\nB");
        assert_eq!(fields.recording, "E-4");
        assert_eq!(interview.label(), "I-2");
        assert!(!interview.is_documented());
    }
}
