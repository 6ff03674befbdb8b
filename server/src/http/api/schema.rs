//! The API's request and response bodies: a stable contract, converted from and to the
//! domain's types so that the domain stays free of the API's concerns. The closed sets of
//! values (statuses, priorities, ...) are described from the domain's own lists.

use probity_domain::cases::{
    Allegation, AllegationFields, AllegationStatus, Case, CaseFields, CaseStatus, CaseSummary,
    Confidentiality, IntakeChannel, Note, NoteVersion, Party, PartyFields, PartyKind, PartyRole,
    Priority, TeamMember,
};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, Schema, SchemaType, Type};

/// A string schema that takes one of `values`.
fn one_of(values: impl IntoIterator<Item = &'static str>) -> RefOr<Schema> {
    RefOr::T(Schema::Object(
        ObjectBuilder::new()
            .schema_type(SchemaType::Type(Type::String))
            .enum_values(Some(values.into_iter().collect::<Vec<_>>()))
            .build(),
    ))
}

macro_rules! enum_schema {
    ($name:ident, $ty:ty) => {
        fn $name() -> RefOr<Schema> {
            one_of(<$ty>::ALL.iter().map(|value| value.as_str()))
        }
    };
}
enum_schema!(case_status, CaseStatus);
enum_schema!(priority, Priority);
enum_schema!(confidentiality, Confidentiality);
enum_schema!(intake_channel, IntakeChannel);
enum_schema!(party_kind, PartyKind);
enum_schema!(party_role, PartyRole);
enum_schema!(allegation_status, AllegationStatus);

/// A case.
#[derive(Serialize, ToSchema)]
pub struct CaseOut {
    pub id: i64,
    /// e.g. `OIG-2025-0142`.
    pub number: String,
    pub title: String,
    pub summary: String,
    pub subject_agency: String,
    #[schema(schema_with = intake_channel)]
    pub intake_channel: &'static str,
    /// `YYYY-MM-DD`.
    #[schema(format = Date)]
    pub received_on: String,
    #[schema(schema_with = priority)]
    pub priority: &'static str,
    #[schema(schema_with = confidentiality)]
    pub confidentiality: &'static str,
    #[schema(schema_with = case_status)]
    pub status: &'static str,
    /// The IANA time zone the case's times are shown in.
    pub time_zone: String,
    /// The key of the office's case type (its clocks and first tasks).
    pub case_type: String,
    pub lead_user_id: Option<i64>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    /// Bumped by every change; also the ETag.
    pub version: i64,
}

impl From<Case> for CaseOut {
    fn from(case: Case) -> CaseOut {
        CaseOut {
            id: case.case_id,
            number: case.case_number,
            title: case.title,
            summary: case.summary,
            subject_agency: case.subject_agency,
            intake_channel: case.intake_channel.as_str(),
            received_on: case.received_on,
            priority: case.priority.as_str(),
            confidentiality: case.confidentiality.as_str(),
            status: case.status.as_str(),
            time_zone: case.time_zone,
            case_type: case.case_type,
            lead_user_id: case.lead_user_id,
            created_at: case.created_at,
            updated_at: case.updated_at,
            version: case.version,
        }
    }
}

/// A line of a case list.
#[derive(Serialize, ToSchema)]
pub struct CaseSummaryOut {
    pub id: i64,
    pub number: String,
    pub title: String,
    pub subject_agency: String,
    #[schema(schema_with = case_status)]
    pub status: &'static str,
    #[schema(schema_with = priority)]
    pub priority: &'static str,
    #[schema(format = Date)]
    pub received_on: String,
    pub lead_name: Option<String>,
}

impl From<CaseSummary> for CaseSummaryOut {
    fn from(case: CaseSummary) -> CaseSummaryOut {
        CaseSummaryOut {
            id: case.case_id,
            number: case.case_number,
            title: case.title,
            subject_agency: case.subject_agency,
            status: case.status.as_str(),
            priority: case.priority.as_str(),
            received_on: case.received_on,
            lead_name: case.lead_name,
        }
    }
}

/// One page of cases.
#[derive(Serialize, ToSchema)]
pub struct CaseListOut {
    pub items: Vec<CaseSummaryOut>,
    /// Pass as `after` for the next page; absent on the last page.
    pub next: Option<String>,
}

/// A case's details as sent to open or edit it. Unknown values of the closed sets are
/// refused with 422 and a message per field.
#[derive(Deserialize, ToSchema)]
pub struct CaseIn {
    #[schema(max_length = 200)]
    pub title: String,
    #[schema(max_length = 10000)]
    pub summary: String,
    #[schema(max_length = 200)]
    pub subject_agency: String,
    #[schema(schema_with = intake_channel)]
    pub intake_channel: String,
    /// `YYYY-MM-DD`, not in the future.
    #[schema(format = Date)]
    pub received_on: String,
    #[schema(schema_with = priority)]
    pub priority: String,
    #[schema(schema_with = confidentiality)]
    pub confidentiality: String,
    /// An IANA time zone; UTC when absent.
    #[serde(default)]
    pub time_zone: Option<String>,
    /// The key of one of the office's case types (`general` when absent); its clocks and
    /// template tasks start with the case.
    #[serde(default)]
    pub case_type: Option<String>,
}

impl CaseIn {
    /// The fields the office validates, as the form would send them.
    pub fn fields(self) -> CaseFields {
        CaseFields {
            title: self.title,
            summary: self.summary,
            subject_agency: self.subject_agency,
            intake_channel: self.intake_channel,
            received_on: self.received_on,
            priority: self.priority,
            confidentiality: self.confidentiality,
            time_zone: self.time_zone.unwrap_or_default(),
            case_type: self.case_type.unwrap_or_default(),
            version: String::new(),
        }
    }
}

/// The filters of a case list, as in the case list's form.
#[derive(Deserialize, Serialize, ToSchema, Default, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct CaseListQuery {
    #[schema(schema_with = case_status)]
    #[param(schema_with = case_status)]
    pub status: String,
    #[schema(schema_with = priority)]
    #[param(schema_with = priority)]
    pub priority: String,
    /// The subject agency, exactly.
    pub agency: String,
    /// The lead's user id.
    pub lead: String,
    /// `YYYY-MM-DD`, inclusive.
    pub received_from: String,
    /// `YYYY-MM-DD`, inclusive.
    pub received_to: String,
    /// `number_desc` (default), `number_asc`, `received_desc` or `received_asc`.
    pub sort: String,
    /// The `next` of the previous page.
    pub after: String,
    /// Cases per page, 1 to 200 (default 50).
    pub limit: Option<i64>,
}

impl CaseListQuery {
    /// The list's fields as the office reads them, with the words searched for.
    pub fn fields(&self, q: &str) -> probity_domain::cases::CaseListFields {
        probity_domain::cases::CaseListFields {
            q: q.to_string(),
            status: self.status.clone(),
            priority: self.priority.clone(),
            agency: self.agency.clone(),
            lead: self.lead.clone(),
            received_from: self.received_from.clone(),
            received_to: self.received_to.clone(),
            sort: self.sort.clone(),
        }
    }
}

/// A case search: words, which never travel in an address, and the list's filters.
#[derive(Deserialize, Serialize, ToSchema, Default)]
#[serde(default)]
pub struct CaseSearchIn {
    /// Words to find in the number, title, summary, agency, parties and allegations.
    #[schema(max_length = 200)]
    pub q: String,
    #[serde(flatten)]
    pub filters: CaseListQuery,
}

/// A status move.
#[derive(Deserialize, ToSchema)]
pub struct StatusMoveIn {
    /// The new status; it must be one the case may move to now.
    #[schema(schema_with = case_status)]
    pub to: String,
    /// Why the case moves.
    #[schema(max_length = 2000)]
    pub reason: String,
}

/// A member of a case's team.
#[derive(Serialize, ToSchema)]
pub struct TeamMemberOut {
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    pub role: &'static str,
    pub is_lead: bool,
}

impl From<TeamMember> for TeamMemberOut {
    fn from(member: TeamMember) -> TeamMemberOut {
        TeamMemberOut {
            user_id: member.user_id,
            username: member.username,
            display_name: member.display_name,
            role: member.role.as_str(),
            is_lead: member.is_lead,
        }
    }
}

/// A person or organisation in a case.
#[derive(Serialize, ToSchema)]
pub struct PartyOut {
    pub id: i64,
    pub case_id: i64,
    #[schema(schema_with = party_kind)]
    pub kind: &'static str,
    pub name: String,
    #[schema(schema_with = party_role)]
    pub role: &'static str,
    pub details: String,
    /// The name used in publication, e.g. "Detainee A".
    pub pseudonym: String,
    /// A senior employee as the office defines it.
    pub senior_employee: bool,
    pub version: i64,
}

impl From<Party> for PartyOut {
    fn from(party: Party) -> PartyOut {
        PartyOut {
            id: party.party_id,
            case_id: party.case_id,
            kind: party.kind.as_str(),
            name: party.name,
            role: party.party_role.as_str(),
            details: party.details,
            pseudonym: party.pseudonym,
            senior_employee: party.senior_employee,
            version: party.version,
        }
    }
}

/// A party as sent.
#[derive(Deserialize, ToSchema)]
pub struct PartyIn {
    #[schema(schema_with = party_kind)]
    pub kind: String,
    #[schema(max_length = 200)]
    pub name: String,
    #[schema(schema_with = party_role)]
    pub role: String,
    #[serde(default)]
    #[schema(max_length = 5000)]
    pub details: String,
    #[serde(default)]
    #[schema(max_length = 100)]
    pub pseudonym: String,
    /// A senior employee as the office defines it; no when absent.
    #[serde(default)]
    pub senior_employee: bool,
}

impl PartyIn {
    /// The fields the office validates.
    pub fn fields(self) -> PartyFields {
        PartyFields {
            kind: self.kind,
            name: self.name,
            party_role: self.role,
            details: self.details,
            pseudonym: self.pseudonym,
            senior_employee: if self.senior_employee {
                "yes".into()
            } else {
                String::new()
            },
            version: String::new(),
        }
    }
}

/// One claim to be investigated.
#[derive(Serialize, ToSchema)]
pub struct AllegationOut {
    pub id: i64,
    pub case_id: i64,
    pub subject_party_id: Option<i64>,
    pub subject_name: Option<String>,
    pub summary: String,
    pub rule_at_issue: String,
    #[schema(schema_with = allegation_status)]
    pub status: &'static str,
    pub version: i64,
}

impl From<Allegation> for AllegationOut {
    fn from(allegation: Allegation) -> AllegationOut {
        AllegationOut {
            id: allegation.allegation_id,
            case_id: allegation.case_id,
            subject_party_id: allegation.subject_party_id,
            subject_name: allegation.subject_name,
            summary: allegation.summary,
            rule_at_issue: allegation.rule_at_issue,
            status: allegation.status.as_str(),
            version: allegation.version,
        }
    }
}

/// An allegation as sent.
#[derive(Deserialize, ToSchema)]
pub struct AllegationIn {
    /// One of the case's parties, or none.
    #[serde(default)]
    pub subject_party_id: Option<i64>,
    #[schema(max_length = 2000)]
    pub summary: String,
    #[schema(max_length = 500)]
    pub rule_at_issue: String,
    #[schema(schema_with = allegation_status)]
    pub status: String,
}

impl AllegationIn {
    /// The fields the office validates.
    pub fn fields(self) -> AllegationFields {
        AllegationFields {
            subject_party_id: self
                .subject_party_id
                .map(|id| id.to_string())
                .unwrap_or_default(),
            summary: self.summary,
            rule_at_issue: self.rule_at_issue,
            status: self.status,
            version: String::new(),
        }
    }
}

/// A note with its newest text.
#[derive(Serialize, ToSchema)]
pub struct NoteOut {
    pub id: i64,
    pub case_id: i64,
    pub author_name: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    pub version: i64,
    pub body: String,
    pub edited_by_name: String,
    #[serde(with = "time::serde::rfc3339")]
    pub edited_at: OffsetDateTime,
}

impl From<Note> for NoteOut {
    fn from(note: Note) -> NoteOut {
        NoteOut {
            id: note.note_id,
            case_id: note.case_id,
            author_name: note.author_name,
            created_at: note.created_at,
            version: note.version,
            body: note.body,
            edited_by_name: note.edited_by_name,
            edited_at: note.edited_at,
        }
    }
}

/// One version of a note.
#[derive(Serialize, ToSchema)]
pub struct NoteVersionOut {
    pub version: i64,
    pub body: String,
    pub edited_by_name: String,
    #[serde(with = "time::serde::rfc3339")]
    pub edited_at: OffsetDateTime,
}

impl From<NoteVersion> for NoteVersionOut {
    fn from(version: NoteVersion) -> NoteVersionOut {
        NoteVersionOut {
            version: version.version,
            body: version.body,
            edited_by_name: version.edited_by_name,
            edited_at: version.edited_at,
        }
    }
}

/// A note's text as sent.
#[derive(Deserialize, ToSchema)]
pub struct NoteIn {
    #[schema(max_length = 20000)]
    pub body: String,
}
