//! The office's front door: complaints as they come in (the public web form, a hotline call,
//! a letter, a referral), where each stands in triage, how it ended, and the conversation
//! between the office and a complainant who may never give a name.

use crate::cases::text_enum;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

text_enum!(
    /// Where a complaint stands in triage. The last four are outcomes: a complaint that has
    /// one is no longer in the queue.
    ComplaintStatus {
        New = "new" / "New",
        UnderReview = "under_review" / "Under review",
        NeedsInformation = "needs_information" / "Needs information",
        OpenedAsCase = "opened_as_case" / "Opened as a case",
        Merged = "merged" / "Merged into a case",
        Referred = "referred" / "Referred to another agency",
        Closed = "closed" / "Closed",
    }
);

impl ComplaintStatus {
    /// The statuses of the triage queue, before an outcome.
    pub const OPEN: [ComplaintStatus; 3] = [
        ComplaintStatus::New,
        ComplaintStatus::UnderReview,
        ComplaintStatus::NeedsInformation,
    ];

    /// True once the complaint has an outcome: nothing more can be decided about it.
    pub fn is_outcome(self) -> bool {
        !Self::OPEN.contains(&self)
    }

    /// What the complainant is told: a neutral word that says nothing of the outcome (that a
    /// case was opened about a named official is itself confidential).
    pub fn public_label(self) -> &'static str {
        match self {
            ComplaintStatus::New => "Received",
            ComplaintStatus::UnderReview => "Being reviewed",
            ComplaintStatus::NeedsInformation => "We have asked you a question",
            _ => "Review completed",
        }
    }
}

text_enum!(
    /// How a complaint reached the office.
    ComplaintChannel {
        WebForm = "web_form" / "Web form",
        Hotline = "hotline" / "Hotline call",
        Letter = "letter" / "Letter",
        Referral = "referral" / "Referral from another body",
    }
);

impl ComplaintChannel {
    /// The channels staff log by hand (the web form logs itself).
    pub const LOGGED: [ComplaintChannel; 3] = [
        ComplaintChannel::Hotline,
        ComplaintChannel::Letter,
        ComplaintChannel::Referral,
    ];
}

text_enum!(
    /// Why a complaint was closed without a case.
    CloseReason {
        NoJurisdiction = "no_jurisdiction" / "No jurisdiction",
        InsufficientInformation = "insufficient_information" / "Insufficient information",
        FiledForReference = "filed_for_reference" / "Filed for reference",
    }
);

text_enum!(
    /// How the complainant knows what they report.
    HowKnown {
        Witnessed = "witnessed" / "I saw or heard it myself",
        Involved = "involved" / "It happened to me",
        Documents = "documents" / "I have documents or records that show it",
        ToldBy = "told_by" / "Someone told me",
        Other = "other" / "Another way",
    }
);

/// The complaint form's values as typed (the public form and the staff's log of a call or
/// letter alike), kept as text so a refused form is drawn again exactly.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ComplaintFields {
    pub what_happened: String,
    pub agency: String,
    pub people_involved: String,
    pub when_happened: String,
    pub where_happened: String,
    pub how_known: String,
    /// `"yes"` when the person wants to be contacted.
    pub wants_contact: String,
    pub contact_name: String,
    pub contact_details: String,
    /// Staff logs only: how it came in.
    pub channel: String,
    /// Staff logs only: the day it was received, `YYYY-MM-DD`.
    pub received_on: String,
}

/// A complaint as intake staff see it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Complaint {
    pub complaint_id: i64,
    /// The office's reference, `C-2026-0042`: for staff and letters, never a secret.
    pub reference: String,
    pub status: ComplaintStatus,
    pub channel: ComplaintChannel,
    pub what_happened: String,
    pub agency: String,
    pub people_involved: String,
    pub when_happened: String,
    pub where_happened: String,
    pub how_known: Option<HowKnown>,
    pub wants_contact: bool,
    /// The complainant's name and contact details, when they gave them: shown only to
    /// intake staff and the lead of the case it became.
    pub contact_name: String,
    pub contact_details: String,
    pub received_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    /// Bumped by every change: a triage step based on an older view is refused.
    pub version: i64,
    /// The staff member who logged a call or letter.
    pub logged_by_name: Option<String>,
    /// The outcome's details.
    pub outcome: ComplaintOutcome,
    /// The complainant's name and contact details were left out for this reader (the
    /// complaint became case work, and they are neither its lead, a supervisor, nor on a team
    /// the complainant agreed may know).
    pub identity_withheld: bool,
}

/// How a complaint ended, with what each outcome records.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ComplaintOutcome {
    /// The case it became or was merged into.
    pub case_id: Option<i64>,
    pub case_number: Option<String>,
    pub referred_to: String,
    /// `YYYY-MM-DD`.
    pub referred_on: String,
    pub referral_sent: String,
    pub close_reason: Option<CloseReason>,
    /// A note on the outcome (why it was closed, what the referral said).
    pub note: String,
    pub decided_by_name: Option<String>,
    pub decided_at: Option<OffsetDateTime>,
}

impl Complaint {
    /// Whole days since it was received.
    pub fn age_days(&self, now: OffsetDateTime) -> i64 {
        (now - self.received_at).whole_days().max(0)
    }

    /// A one-line summary for lists: the start of what happened.
    pub fn summary(&self, chars: usize) -> String {
        let first_line = self.what_happened.lines().next().unwrap_or_default();
        let mut summary: String = first_line.chars().take(chars).collect();
        if first_line.chars().count() > chars || self.what_happened.lines().count() > 1 {
            summary.push('\u{2026}');
        }
        summary
    }

    /// True when the person gave a name or a way to reach them.
    pub fn identified(&self) -> bool {
        self.identity_withheld || !self.contact_name.is_empty() || !self.contact_details.is_empty()
    }
}

/// A file that came with a complaint, kept under its SHA-256 as received.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ComplaintFile {
    pub complaint_file_id: i64,
    pub complaint_id: i64,
    pub original_filename: String,
    pub sha256: String,
    pub size_bytes: i64,
    pub media_type: String,
    pub received_at: OffsetDateTime,
    /// True when the complainant sent it (the form or a follow-up); false when staff added it
    /// (a letter's scan).
    pub from_complainant: bool,
}

/// One message between the office and the complainant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ComplaintMessage {
    pub complaint_message_id: i64,
    pub complaint_id: i64,
    /// True when the office wrote it.
    pub from_office: bool,
    /// The staff member who wrote it; never shown to the complainant.
    pub author_name: Option<String>,
    pub body: String,
    pub sent_at: OffsetDateTime,
}

/// One step of a complaint's triage, as the complaint page lists them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TriageStep {
    pub at: OffsetDateTime,
    pub by_name: Option<String>,
    pub from_status: Option<ComplaintStatus>,
    pub to_status: ComplaintStatus,
    pub note: String,
}

/// The counts the dashboard shows for intake.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IntakeCounts {
    /// Received since the first of this month.
    pub received_this_month: i64,
    /// Given an outcome since the first of this month.
    pub triaged_this_month: i64,
    /// Still in the queue (new, under review, needing information).
    pub open: i64,
    /// Of those, the oldest's age in days.
    pub oldest_open_days: Option<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_complainant_never_learns_the_outcome() {
        for status in ComplaintStatus::ALL {
            if status.is_outcome() {
                assert_eq!(status.public_label(), "Review completed");
            }
            assert_eq!(ComplaintStatus::parse(status.as_str()), Some(*status));
        }
        assert!(!ComplaintStatus::NeedsInformation.is_outcome());
    }
}

text_enum!(
    /// How far a complainant agreed their identity may be disclosed.
    ConsentScope {
        Team = "team" / "To the whole case team",
        Report = "report" / "Named in the published report",
        Referral = "referral" / "To the agency or prosecutor the matter is referred to",
    }
);

/// A complainant's recorded consent to disclose their identity.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Consent {
    pub consent_id: i64,
    pub case_id: i64,
    pub complaint_id: i64,
    pub complaint_reference: String,
    pub scope: ConsentScope,
    /// `YYYY-MM-DD`.
    pub given_on: String,
    /// How it was given (a signed form, an e-mail, a call).
    pub how_given: String,
    pub recorded_by_name: String,
    pub recorded_at: OffsetDateTime,
    pub withdrawn_on: Option<String>,
}

impl Consent {
    /// In force: not withdrawn.
    pub fn in_force(&self) -> bool {
        self.withdrawn_on.is_none()
    }
}

/// A complainant of a case as the reader may see them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Complainant {
    pub complaint: Complaint,
    /// Their name and how to reach them, when the reader may know them and they gave any.
    pub identity: Option<(String, String)>,
    /// Consents recorded for this complaint.
    pub consents: Vec<Consent>,
}
