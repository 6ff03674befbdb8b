//! The vocabulary of incidents and their timelines.

use crate::cases::text_enum;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

text_enum!(
    /// How exactly an event's time is known.
    Precision {
        Minute = "minute" / "Exact to the minute",
        Day = "day" / "Known to the day",
        Month = "month" / "Known to the month",
        Approximate = "approximate" / "Somewhere in a range",
    }
);

text_enum!(
    /// What kind of event it was.
    EventKind {
        Disclosure = "disclosure" / "Disclosure",
        Communication = "communication" / "Communication",
        Release = "release" / "Release from custody",
        Arrest = "arrest" / "Arrest",
        Meeting = "meeting" / "Meeting",
        PolicyOrTraining = "policy" / "Policy or training event",
        Other = "other" / "Other",
    }
);

text_enum!(
    /// Through which channel.
    Channel {
        Email = "email" / "E-mail",
        TextMessage = "text" / "Text message",
        Phone = "phone" / "Phone",
        InPerson = "in_person" / "In person",
        SystemAccess = "system" / "System access",
        NotApplicable = "none" / "Not applicable",
    }
);

text_enum!(
    /// A kind of information disclosed.
    Information {
        CustodyStatus = "custody_status" / "Custody status",
        ReleaseTime = "release_time" / "Release time",
        BookingPhoto = "booking_photo" / "Booking photo",
        Location = "location" / "Location",
        IdentityData = "identity" / "Identity data",
        Other = "other" / "Other information",
    }
);

text_enum!(
    /// Whether a permitted basis for the disclosure existed.
    PermittedBasis {
        NotApplicable = "not_applicable" / "Not applicable",
        JudicialWarrant = "judicial_warrant" / "Judicial warrant",
        QualifyingConviction = "qualifying_conviction" / "Qualifying conviction",
        None = "none" / "None",
        Unknown = "unknown" / "Unknown",
    }
);

/// One incident.
#[derive(Clone, Debug)]
pub struct Incident {
    pub incident_id: i64,
    pub case_id: i64,
    pub title: String,
    pub summary: String,
    pub event_count: i64,
}

/// A party named on an event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventParty {
    pub party_id: i64,
    pub name: String,
}

/// One event of a timeline.
#[derive(Clone, Debug)]
pub struct Event {
    pub event_id: i64,
    pub case_id: i64,
    pub incident_id: i64,
    pub incident_title: String,
    /// UTC bounds, `YYYY-MM-DDTHH:MM:SSZ`.
    pub earliest: String,
    pub latest: String,
    pub precision: Precision,
    /// As typed: `YYYY-MM-DD HH:MM`, `YYYY-MM-DD` or `YYYY-MM`.
    pub local_start: String,
    pub local_end: String,
    /// The IANA zone the event was observed in.
    pub time_zone: String,
    pub discovered_on: String,
    pub kind: EventKind,
    pub channel: Channel,
    pub information: Vec<Information>,
    pub permitted_basis: PermittedBasis,
    pub narrative: String,
    pub actors: Vec<EventParty>,
    pub recipients: Vec<EventParty>,
    /// `(exhibit id, label)` of cited exhibits the viewer may see.
    pub exhibits: Vec<(i64, String)>,
    /// `(message id, short text)` of cited messages the viewer may see.
    pub messages: Vec<(i64, String)>,
    /// `(interview id, caption)` of cited interviews.
    pub interviews: Vec<(i64, String)>,
    pub updated_at: OffsetDateTime,
    pub version: i64,
    /// The time in the case's zone, filled in for display (empty when it is the same zone).
    pub case_time: String,
}

impl Event {
    /// The time as people read it: what was typed, with its zone and precision.
    pub fn shown_time(&self) -> String {
        let span = if self.local_end.is_empty() {
            self.local_start.clone()
        } else {
            format!("between {} and {}", self.local_start, self.local_end)
        };
        format!("{span} ({})", self.time_zone)
    }

    /// True when the time is a range rather than a moment.
    pub fn is_range(&self) -> bool {
        self.earliest != self.latest
    }
}

/// One saved version of an event.
#[derive(Clone, Debug)]
pub struct EventVersion {
    pub version: i64,
    /// A readable summary of the event as saved.
    pub summary: String,
    pub edited_by_name: String,
    pub edited_at: OffsetDateTime,
}

/// An event as sent (the event form, the API), before validation against its case.
#[derive(Clone, Debug, Default)]
pub struct EventFields {
    pub start: String,
    pub end: String,
    pub precision: String,
    pub time_zone: String,
    pub discovered_on: String,
    pub kind: String,
    pub channel: String,
    pub information: Vec<String>,
    pub permitted_basis: String,
    pub narrative: String,
    pub actors: Vec<String>,
    pub recipients: Vec<String>,
    pub exhibits: Vec<String>,
    /// Message numbers, separated by commas or spaces.
    pub messages: String,
    /// Cited interviews' ids.
    pub interviews: Vec<String>,
    pub version: String,
}

impl EventFields {
    /// The form filled from a saved event.
    pub fn from_event(event: &Event) -> Self {
        EventFields {
            start: event.local_start.clone(),
            end: event.local_end.clone(),
            precision: event.precision.as_str().into(),
            time_zone: event.time_zone.clone(),
            discovered_on: event.discovered_on.clone(),
            kind: event.kind.as_str().into(),
            channel: event.channel.as_str().into(),
            information: event
                .information
                .iter()
                .map(|i| i.as_str().to_string())
                .collect(),
            permitted_basis: event.permitted_basis.as_str().into(),
            narrative: event.narrative.clone(),
            actors: event
                .actors
                .iter()
                .map(|p| p.party_id.to_string())
                .collect(),
            recipients: event
                .recipients
                .iter()
                .map(|p| p.party_id.to_string())
                .collect(),
            exhibits: event
                .exhibits
                .iter()
                .map(|(id, _)| id.to_string())
                .collect(),
            interviews: event
                .interviews
                .iter()
                .map(|(id, _)| id.to_string())
                .collect(),
            messages: event
                .messages
                .iter()
                .map(|(id, _)| id.to_string())
                .collect::<Vec<_>>()
                .join(", "),
            version: event.version.to_string(),
        }
    }
}
