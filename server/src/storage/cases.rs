//! Case storage: cases, their team and recusals, status history, parties, allegations and
//! versioned notes, the case list with key-based pagination and full-text search.
//!
//! The SQL is written once over [`SqlBackend`](super::backend::SqlBackend); each backend supplies
//! how it writes and queries its full-text index (SQLite FTS5, PostgreSQL `tsvector`) and how
//! it generates large volumes of cases for tests and benchmarks.

use super::StoreResult;
use super::backend::Affected as _;
use async_trait::async_trait;
use probity_domain::cases::{
    Allegation, AllegationStatus, Case, CaseStatus, CaseSummary, Confidentiality, IntakeChannel,
    LiftedRecusal, Note, NoteVersion, Party, PartyKind, PartyRole, Priority, Recusal, StatusChange,
    TeamMember,
};
use probity_domain::permissions::Standing;

/// The editable details of a case, validated.
#[derive(Clone, Debug)]
pub struct CaseDetails {
    pub title: String,
    pub summary: String,
    pub subject_agency: String,
    pub intake_channel: IntakeChannel,
    /// `YYYY-MM-DD`.
    pub received_on: String,
    pub priority: Priority,
    pub confidentiality: Confidentiality,
    /// The IANA zone the case's times are shown in.
    pub time_zone: String,
}

/// A case about to be opened.
#[derive(Clone, Debug)]
pub struct NewCase {
    pub details: CaseDetails,
    /// Who opens it; they become its lead and first team member.
    pub created_by: i64,
    /// The year of its number.
    pub year: i32,
    /// Put before the number, e.g. `OIG-`; may be empty.
    pub prefix: String,
    /// The key of the office's case type.
    pub case_type: String,
    /// The clocks and template tasks of its type, started with it.
    pub plan: crate::storage::plan::CasePlan,
}

/// A party's details, validated.
#[derive(Clone, Debug)]
pub struct PartyInput {
    pub kind: PartyKind,
    pub name: String,
    pub party_role: PartyRole,
    pub details: String,
    pub pseudonym: String,
    pub senior_employee: bool,
}

/// An allegation's details, validated (its subject belongs to the same case).
#[derive(Clone, Debug)]
pub struct AllegationInput {
    pub subject_party_id: Option<i64>,
    pub summary: String,
    pub rule_at_issue: String,
    pub status: AllegationStatus,
}

/// Orders of the case list; each is backed by an index and paginated by key.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum CaseSort {
    /// Newest case number first.
    #[default]
    NumberDesc,
    /// Oldest case number first.
    NumberAsc,
    /// Most recently received first.
    ReceivedDesc,
    /// Longest-waiting first.
    ReceivedAsc,
}

impl CaseSort {
    /// Every order, as offered in the list.
    pub const ALL: [CaseSort; 4] = [
        CaseSort::NumberDesc,
        CaseSort::NumberAsc,
        CaseSort::ReceivedDesc,
        CaseSort::ReceivedAsc,
    ];

    /// The value in the list's query.
    pub fn as_str(self) -> &'static str {
        match self {
            CaseSort::NumberDesc => "number-desc",
            CaseSort::NumberAsc => "number-asc",
            CaseSort::ReceivedDesc => "received-desc",
            CaseSort::ReceivedAsc => "received-asc",
        }
    }

    /// The label shown.
    pub fn label(self) -> &'static str {
        match self {
            CaseSort::NumberDesc => "Case number, newest first",
            CaseSort::NumberAsc => "Case number, oldest first",
            CaseSort::ReceivedDesc => "Date received, newest first",
            CaseSort::ReceivedAsc => "Date received, oldest first",
        }
    }

    /// Parses the query value.
    pub fn parse(value: &str) -> Option<CaseSort> {
        CaseSort::ALL
            .into_iter()
            .find(|sort| sort.as_str() == value)
    }

    /// The `order by` of this sort, on `cases c`.
    pub(crate) fn order_by_sql(self) -> &'static str {
        match self {
            CaseSort::NumberDesc => "c.year desc, c.sequence desc",
            CaseSort::NumberAsc => "c.year asc, c.sequence asc",
            CaseSort::ReceivedDesc => "c.received_on desc, c.case_id desc",
            CaseSort::ReceivedAsc => "c.received_on asc, c.case_id asc",
        }
    }
}

/// Filters of the case list; all optional.
#[derive(Clone, Debug, Default)]
pub struct CaseFilter {
    pub status: Option<CaseStatus>,
    pub agency: Option<String>,
    pub lead_user_id: Option<i64>,
    pub priority: Option<Priority>,
    /// `YYYY-MM-DD`, inclusive.
    pub received_from: Option<String>,
    /// `YYYY-MM-DD`, inclusive.
    pub received_to: Option<String>,
    /// Words to search for in number, title, summary, agency, parties and allegations.
    pub text: Option<String>,
}

/// Where the next page of the case list starts: the sort key of the last row shown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CaseCursor {
    Number { year: i64, sequence: i64 },
    Received { date: String, case_id: i64 },
}

impl CaseCursor {
    /// The cursor as it travels in a form or link: only numbers and a date, nothing about
    /// the case's content.
    pub fn encode(&self) -> String {
        match self {
            CaseCursor::Number { year, sequence } => format!("n.{year}.{sequence}"),
            CaseCursor::Received { date, case_id } => format!("r.{date}.{case_id}"),
        }
    }

    /// Parses an encoded cursor; anything malformed is `None` (first page).
    pub fn decode(value: &str) -> Option<CaseCursor> {
        let mut parts = value.splitn(3, '.');
        match (parts.next()?, parts.next()?, parts.next()?) {
            ("n", year, sequence) => Some(CaseCursor::Number {
                year: year.parse().ok()?,
                sequence: sequence.parse().ok()?,
            }),
            ("r", date, case_id) if is_iso_date(date) => Some(CaseCursor::Received {
                date: date.to_string(),
                case_id: case_id.parse().ok()?,
            }),
            _ => None,
        }
    }
}

/// True for a `YYYY-MM-DD` string naming a real date.
pub fn is_iso_date(value: &str) -> bool {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    value.len() == 10 && time::Date::parse(value, &format).is_ok()
}

/// Whose view of the case list: a person and whether their role sees every case.
#[derive(Clone, Copy, Debug)]
pub struct CaseViewer {
    pub user_id: i64,
    /// True when the role reads cases office-wide (recusals still apply).
    pub office_wide: bool,
}

/// One page of the case list.
#[derive(Clone, Debug)]
pub struct CasePage {
    pub items: Vec<CaseSummary>,
    /// Where the next page starts, when there is one.
    pub next: Option<CaseCursor>,
}

/// How many cases to generate, for tests and benchmarks.
#[derive(Clone, Debug)]
pub struct GenerateCases {
    pub count: i64,
    /// The year of their numbers; pick one no real case uses.
    pub year: i32,
    pub created_by: i64,
    /// Put on the team of every `member_every`-th case.
    pub member: Option<i64>,
    pub member_every: i64,
    /// Investigators spread over the cases: case `n` gets `team[n % len]` as its lead and a
    /// member, so every person has a share of the office's cases.
    pub team: Vec<i64>,
    /// Exhibits in all, one on every `count / exhibits`-th case (records only: they point at
    /// no stored file).
    pub exhibits: i64,
    /// Timeline events on every case, in one incident each.
    pub events_per_case: i64,
}

/// Case storage.
#[async_trait]
pub trait CaseStore: Send + Sync {
    /// Opens a case: next number of its year, creator as lead and member, first history step.
    async fn create_case(&self, case: NewCase) -> StoreResult<Case>;
    /// A case by id.
    async fn case_by_id(&self, case_id: i64) -> StoreResult<Option<Case>>;
    /// A case by number.
    async fn case_by_number(&self, case_number: &str) -> StoreResult<Option<Case>>;
    /// A person's standing on a case.
    async fn standing(&self, case_id: i64, user_id: i64) -> StoreResult<Standing>;
    /// Changes the details; [`StoreError::Stale`](super::StoreError::Stale) when `version`
    /// is not the current one.
    async fn update_case(
        &self,
        case_id: i64,
        version: i64,
        details: CaseDetails,
    ) -> StoreResult<Case>;
    /// Moves a case from `from` to `to`, recording who and why; stale when the version or
    /// status changed meanwhile.
    async fn move_status(
        &self,
        case_id: i64,
        version: i64,
        from: CaseStatus,
        to: CaseStatus,
        reason: &str,
        by: i64,
    ) -> StoreResult<Case>;
    /// The case's status history, oldest first.
    async fn status_history(&self, case_id: i64) -> StoreResult<Vec<StatusChange>>;

    /// The case's team, lead first.
    async fn team(&self, case_id: i64) -> StoreResult<Vec<TeamMember>>;
    /// Adds a person to the team (no-op when already on it).
    async fn add_member(&self, case_id: i64, user_id: i64, by: i64) -> StoreResult<()>;
    /// Removes a person from the team (and from the lead).
    async fn remove_member(&self, case_id: i64, user_id: i64) -> StoreResult<()>;
    /// Makes a person the lead, adding them to the team.
    async fn set_lead(&self, case_id: i64, user_id: i64, by: i64) -> StoreResult<()>;
    /// The case's recusals.
    async fn recusals(&self, case_id: i64) -> StoreResult<Vec<Recusal>>;
    /// Walls a person off from the case, taking them off the team.
    async fn recuse(&self, case_id: i64, user_id: i64, reason: &str, by: i64) -> StoreResult<()>;
    /// Lifts a recusal, keeping it with who lifted it, when and why.
    async fn lift_recusal(
        &self,
        case_id: i64,
        user_id: i64,
        by: i64,
        reason: &str,
    ) -> StoreResult<()>;
    /// The case's lifted recusals, newest first.
    async fn lifted_recusals(&self, case_id: i64) -> StoreResult<Vec<LiftedRecusal>>;
    /// The supervisors and commissioners named to see the case while it is highly
    /// confidential, by name.
    async fn overseers(&self, case_id: i64) -> StoreResult<Vec<probity_domain::cases::Overseer>>;
    /// Names a person to see the highly confidential case (no-op when already named).
    async fn name_overseer(&self, case_id: i64, user_id: i64, by: i64) -> StoreResult<()>;
    /// Takes a person off the case's named overseers.
    async fn unname_overseer(&self, case_id: i64, user_id: i64) -> StoreResult<()>;

    /// The case's parties.
    async fn parties(&self, case_id: i64) -> StoreResult<Vec<Party>>;
    /// Adds a party.
    async fn create_party(&self, case_id: i64, party: PartyInput) -> StoreResult<Party>;
    /// Changes a party; stale when `version` is not current.
    async fn update_party(
        &self,
        case_id: i64,
        party_id: i64,
        version: i64,
        party: PartyInput,
    ) -> StoreResult<Party>;

    /// The case's allegations.
    async fn allegations(&self, case_id: i64) -> StoreResult<Vec<Allegation>>;
    /// Adds an allegation.
    async fn create_allegation(
        &self,
        case_id: i64,
        allegation: AllegationInput,
    ) -> StoreResult<Allegation>;
    /// Changes an allegation; stale when `version` is not current.
    async fn update_allegation(
        &self,
        case_id: i64,
        allegation_id: i64,
        version: i64,
        allegation: AllegationInput,
    ) -> StoreResult<Allegation>;

    /// The case's notes with their newest text, newest note first.
    async fn notes(&self, case_id: i64) -> StoreResult<Vec<Note>>;
    /// Adds a note.
    async fn create_note(&self, case_id: i64, author: i64, body: &str) -> StoreResult<Note>;
    /// Adds a new version of a note; stale when `version` is not current.
    async fn edit_note(
        &self,
        case_id: i64,
        note_id: i64,
        version: i64,
        body: &str,
        by: i64,
    ) -> StoreResult<Note>;
    /// Every version of a note, newest first.
    async fn note_versions(&self, case_id: i64, note_id: i64) -> StoreResult<Vec<NoteVersion>>;

    /// One page of the cases the viewer may see.
    async fn list_cases(
        &self,
        viewer: CaseViewer,
        filter: &CaseFilter,
        sort: CaseSort,
        after: Option<&CaseCursor>,
        limit: i64,
    ) -> StoreResult<CasePage>;
    /// How many cases the viewer may see, per status.
    async fn count_by_status(&self, viewer: CaseViewer) -> StoreResult<Vec<(CaseStatus, i64)>>;
    /// The viewer's own cases (on the team), most recently changed first.
    async fn my_cases(&self, user_id: i64, limit: i64) -> StoreResult<Vec<CaseSummary>>;
    /// The longest-waiting cases not closed, that the viewer may see.
    async fn oldest_open(&self, viewer: CaseViewer, limit: i64) -> StoreResult<Vec<CaseSummary>>;
    /// The subject agencies of the cases the viewer may see, for the list's filter.
    async fn agencies(&self, viewer: CaseViewer) -> StoreResult<Vec<String>>;
    /// The cases the viewer may see whose newest report version is in `state` (a work
    /// queue: submitted drafts to review, returned ones to rework), longest waiting first.
    async fn report_queue(
        &self,
        viewer: CaseViewer,
        state: probity_domain::reports::ReportState,
        limit: i64,
    ) -> StoreResult<Vec<CaseSummary>>;
}

/// The words of a text as the search indexes hold them, and the limits of a query: one
/// definition, the domain's, for every index.
pub use probity_domain::search::{MAX_QUERY_WORDS, MIN_PREFIX, words as search_words};

/// The condition limiting a query on `cases c` to what the viewer may see (their team's
/// cases, or office-wide every case but those they are recused from and the highly
/// confidential ones they are not named on); it uses parameter `$1` for the viewer's id.
pub(crate) fn visibility(viewer: &CaseViewer) -> &'static str {
    if viewer.office_wide {
        // A highly confidential case is seen by its team and those named only.
        "not exists (select 1 from case_recusals r where r.case_id = c.case_id and r.user_id = $1) \
         and (c.confidentiality <> 'highly_confidential' \
              or exists (select 1 from case_members m where m.case_id = c.case_id and m.user_id = $1) \
              or exists (select 1 from case_overseers o where o.case_id = c.case_id and o.user_id = $1))"
    } else {
        "c.case_id in (select m.case_id from case_members m where m.user_id = $1) \
         and not exists (select 1 from case_recusals r where r.case_id = c.case_id and r.user_id = $1)"
    }
}

/// Appends [`visibility`] to a query being built, the viewer's id bound wherever the
/// condition names it.
pub(crate) fn push_visibility<'a, DB>(qb: &mut sqlx::QueryBuilder<'a, DB>, viewer: CaseViewer)
where
    DB: sqlx::Database,
    i64: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
{
    let mut parts = visibility(&viewer).split("$1");
    if let Some(first) = parts.next() {
        qb.push(first);
    }
    for part in parts {
        qb.push_bind(viewer.user_id);
        qb.push(part);
    }
}

const CASE_COLUMNS: &str = "c.case_id, c.case_number, c.title, c.summary, c.subject_agency, \
             c.intake_channel, c.received_on, c.priority, c.confidentiality, c.time_zone, c.status, \
             c.lead_user_id, c.created_at, c.updated_at, c.version, c.case_type";
// The lead's name by a lookup per row rather than a join: SQLite planned the join as
// a scan of every user for every matching case, which showed on searches matching
// thousands of cases.
const SUMMARY_COLUMNS: &str = "c.case_id, c.case_number, c.title, c.subject_agency, \
             c.status, c.priority, c.received_on, \
             (select u.display_name from users u where u.user_id = c.lead_user_id) as lead_name";
const PARTY_COLUMNS: &str =
    "party_id, case_id, kind, name, party_role, details, pseudonym, senior_employee, version";
const ALLEGATION_COLUMNS: &str = "a.allegation_id, a.case_id, a.subject_party_id, \
             p.name as subject_name, a.summary, a.rule_at_issue, a.status, a.version";
const NOTE_COLUMNS: &str = "n.note_id, n.case_id, au.display_name as author_name, \
             n.created_at, n.version, v.body, ed.display_name as edited_by_name, v.edited_at";

fn case_from_row<R>(row: &R) -> crate::storage::StoreResult<probity_domain::cases::Case>
where
    R: sqlx::Row,
    for<'a> &'a str: sqlx::ColumnIndex<R>,
    for<'r> i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> bool: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> time::OffsetDateTime: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    use probity_domain::cases::*;
    let text = |column: &'static str| -> crate::storage::StoreResult<String> {
        Ok(row.try_get::<String, _>(column)?)
    };
    Ok(Case {
        case_id: row.try_get("case_id")?,
        case_number: text("case_number")?,
        title: text("title")?,
        summary: text("summary")?,
        subject_agency: text("subject_agency")?,
        intake_channel: IntakeChannel::parse(&text("intake_channel")?)
            .ok_or_else(crate::storage::corrupt("intake_channel"))?,
        received_on: text("received_on")?,
        priority: Priority::parse(&text("priority")?)
            .ok_or_else(crate::storage::corrupt("priority"))?,
        confidentiality: Confidentiality::parse(&text("confidentiality")?)
            .ok_or_else(crate::storage::corrupt("confidentiality"))?,
        status: CaseStatus::parse(&text("status")?)
            .ok_or_else(crate::storage::corrupt("status"))?,
        time_zone: text("time_zone")?,
        case_type: text("case_type")?,
        lead_user_id: row.try_get("lead_user_id")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
        version: row.try_get("version")?,
    })
}

fn summary_from_row<R>(row: &R) -> crate::storage::StoreResult<probity_domain::cases::CaseSummary>
where
    R: sqlx::Row,
    for<'a> &'a str: sqlx::ColumnIndex<R>,
    for<'r> i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> bool: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> time::OffsetDateTime: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    use probity_domain::cases::*;
    let status: String = row.try_get("status")?;
    let priority: String = row.try_get("priority")?;
    Ok(CaseSummary {
        case_id: row.try_get("case_id")?,
        case_number: row.try_get("case_number")?,
        title: row.try_get("title")?,
        subject_agency: row.try_get("subject_agency")?,
        status: CaseStatus::parse(&status).ok_or_else(crate::storage::corrupt("status"))?,
        priority: Priority::parse(&priority).ok_or_else(crate::storage::corrupt("priority"))?,
        received_on: row.try_get("received_on")?,
        lead_name: row.try_get("lead_name")?,
    })
}

fn party_from_row<R>(row: &R) -> crate::storage::StoreResult<probity_domain::cases::Party>
where
    R: sqlx::Row,
    for<'a> &'a str: sqlx::ColumnIndex<R>,
    for<'r> i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> bool: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> time::OffsetDateTime: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    use probity_domain::cases::*;
    let kind: String = row.try_get("kind")?;
    let role: String = row.try_get("party_role")?;
    Ok(Party {
        party_id: row.try_get("party_id")?,
        case_id: row.try_get("case_id")?,
        kind: PartyKind::parse(&kind).ok_or_else(crate::storage::corrupt("kind"))?,
        name: row.try_get("name")?,
        party_role: PartyRole::parse(&role).ok_or_else(crate::storage::corrupt("party_role"))?,
        details: row.try_get("details")?,
        pseudonym: row.try_get("pseudonym")?,
        senior_employee: row.try_get("senior_employee")?,
        version: row.try_get("version")?,
    })
}

fn allegation_from_row<R>(row: &R) -> crate::storage::StoreResult<probity_domain::cases::Allegation>
where
    R: sqlx::Row,
    for<'a> &'a str: sqlx::ColumnIndex<R>,
    for<'r> i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> bool: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> time::OffsetDateTime: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    use probity_domain::cases::*;
    let status: String = row.try_get("status")?;
    Ok(Allegation {
        allegation_id: row.try_get("allegation_id")?,
        case_id: row.try_get("case_id")?,
        subject_party_id: row.try_get("subject_party_id")?,
        subject_name: row.try_get("subject_name")?,
        summary: row.try_get("summary")?,
        rule_at_issue: row.try_get("rule_at_issue")?,
        status: AllegationStatus::parse(&status).ok_or_else(crate::storage::corrupt("status"))?,
        version: row.try_get("version")?,
    })
}

fn note_from_row<R>(row: &R) -> crate::storage::StoreResult<probity_domain::cases::Note>
where
    R: sqlx::Row,
    for<'a> &'a str: sqlx::ColumnIndex<R>,
    for<'r> i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> bool: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> time::OffsetDateTime: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    Ok(probity_domain::cases::Note {
        note_id: row.try_get("note_id")?,
        case_id: row.try_get("case_id")?,
        author_name: row.try_get("author_name")?,
        created_at: row.try_get("created_at")?,
        version: row.try_get("version")?,
        body: row.try_get("body")?,
        edited_by_name: row.try_get("edited_by_name")?,
        edited_at: row.try_get("edited_at")?,
    })
}

/// A value bound to a dynamically built query.
/// One column of a keyset cursor.
enum Key {
    Int(i64),
    Text(String),
}

/// Queries the store implementations of this module share.
#[async_trait::async_trait]
pub(crate) trait CaseRows: crate::storage::backend::SqlBackend {
    /// Rebuilds a case's search document from its current text, in the transaction
    /// that changed it.
    async fn refresh_search(
        tx: &mut sqlx::Transaction<'_, Self::Db>,
        case_id: i64,
    ) -> crate::storage::StoreResult<()>;

    /// Opens a case (its number, its row, its lead as first member, its first status) in
    /// the caller's transaction; returns its id.
    async fn insert_case(
        tx: &mut sqlx::Transaction<'_, Self::Db>,
        case: &crate::storage::cases::NewCase,
        now: time::OffsetDateTime,
    ) -> crate::storage::StoreResult<i64>;

    /// Records an exhibit (its number, row, access list and first custody step, received
    /// for `received`) in the caller's transaction; returns its id.
    async fn insert_exhibit(
        tx: &mut sqlx::Transaction<'_, Self::Db>,
        exhibit: &crate::storage::evidence::NewExhibit,
        received: &str,
        now: time::OffsetDateTime,
    ) -> crate::storage::StoreResult<i64>;

    /// Puts the generated cases' member on every n-th of them and records their
    /// year's last number, so that a case opened later in that year does not collide.
    async fn generate_members_and_sequence(
        tx: &mut sqlx::Transaction<'_, Self::Db>,
        spec: &crate::storage::cases::GenerateCases,
        now: time::OffsetDateTime,
    ) -> crate::storage::StoreResult<()>;

    async fn touch_case(
        tx: &mut sqlx::Transaction<'_, Self::Db>,
        case_id: i64,
    ) -> crate::storage::StoreResult<()>;

    async fn fetch_party(
        &self,
        case_id: i64,
        party_id: i64,
    ) -> crate::storage::StoreResult<probity_domain::cases::Party>;

    async fn fetch_allegation(
        &self,
        case_id: i64,
        allegation_id: i64,
    ) -> crate::storage::StoreResult<probity_domain::cases::Allegation>;

    async fn fetch_note(
        &self,
        case_id: i64,
        note_id: i64,
    ) -> crate::storage::StoreResult<probity_domain::cases::Note>;

    /// After an update matched no row: NotFound when the row is gone, else Stale.
    async fn stale_or_missing(&self, table_sql: &str, id: i64) -> crate::storage::StoreError;
}

#[async_trait::async_trait]
impl<S> CaseRows for S
where
    S: crate::storage::backend::SqlBackend,
    for<'c> &'c mut <S::Db as sqlx::Database>::Connection: sqlx::Executor<'c, Database = S::Db>,
    for<'q> <S::Db as sqlx::Database>::Arguments<'q>: sqlx::IntoArguments<'q, S::Db>,
    for<'a> &'a str: sqlx::ColumnIndex<<S::Db as sqlx::Database>::Row>,
    usize: sqlx::ColumnIndex<<S::Db as sqlx::Database>::Row>,
    for<'q> i64: sqlx::Encode<'q, S::Db> + sqlx::Decode<'q, S::Db> + sqlx::Type<S::Db>,
    for<'q> bool: sqlx::Encode<'q, S::Db> + sqlx::Decode<'q, S::Db> + sqlx::Type<S::Db>,
    for<'q> String: sqlx::Encode<'q, S::Db> + sqlx::Decode<'q, S::Db> + sqlx::Type<S::Db>,
    for<'q> time::OffsetDateTime:
        sqlx::Encode<'q, S::Db> + sqlx::Decode<'q, S::Db> + sqlx::Type<S::Db>,
    for<'q> &'q str: sqlx::Encode<'q, S::Db> + sqlx::Type<S::Db>,
    for<'q> Option<i64>: sqlx::Encode<'q, S::Db>,
    for<'q> Option<String>: sqlx::Encode<'q, S::Db>,
    for<'q> Option<time::OffsetDateTime>: sqlx::Encode<'q, S::Db>,
    for<'q> i32: sqlx::Encode<'q, S::Db> + sqlx::Type<S::Db>,
    for<'q> Option<&'q str>: sqlx::Encode<'q, S::Db>,
    <S::Db as sqlx::Database>::QueryResult: crate::storage::backend::Affected,
{
    async fn insert_case(
        tx: &mut sqlx::Transaction<'_, Self::Db>,
        case: &crate::storage::cases::NewCase,
        now: time::OffsetDateTime,
    ) -> crate::storage::StoreResult<i64> {
        let sequence: i64 = sqlx::query_scalar(
            "insert into case_sequences (year, last_number) values ($1, 1) \
                     on conflict (year) do update set last_number = case_sequences.last_number + 1 \
                     returning last_number",
        )
        .bind(case.year)
        .fetch_one(&mut **tx)
        .await?;
        let number = format!("{}{}-{:04}", case.prefix, case.year, sequence);
        let d = &case.details;
        let case_id: i64 = sqlx::query_scalar(
                    "insert into cases (case_number, year, sequence, title, summary, subject_agency, \
                     intake_channel, received_on, priority, confidentiality, status, lead_user_id, \
                     created_by, created_at, updated_at, version, time_zone, case_type) \
                     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'intake', $11, $11, $12, $12, 1, $13, $14) \
                     returning case_id",
                )
                .bind(&number)
                .bind(case.year)
                .bind(sequence)
                .bind(&d.title)
                .bind(&d.summary)
                .bind(&d.subject_agency)
                .bind(d.intake_channel.as_str())
                .bind(&d.received_on)
                .bind(d.priority.as_str())
                .bind(d.confidentiality.as_str())
                .bind(case.created_by)
                .bind(now)
                .bind(&d.time_zone)
                .bind(case.case_type.as_str())
                .fetch_one(&mut **tx)
                .await?;
        sqlx::query(
                    "insert into case_members (case_id, user_id, added_by, added_at) values ($1, $2, $2, $3)",
                )
                .bind(case_id)
                .bind(case.created_by)
                .bind(now)
                .execute(&mut **tx)
                .await?;
        sqlx::query(
                    "insert into case_status_changes (case_id, from_status, to_status, reason, changed_by, changed_at) \
                     values ($1, null, 'intake', 'Case opened', $2, $3)",
                )
                .bind(case_id)
                .bind(case.created_by)
                .bind(now)
                .execute(&mut **tx)
                .await?;
        crate::storage::plan::insert_plan::<S>(
            tx,
            case_id,
            &case.plan,
            &d.received_on,
            case.created_by,
            now,
        )
        .await?;
        Self::refresh_search(tx, case_id).await?;
        Ok(case_id)
    }

    async fn insert_exhibit(
        tx: &mut sqlx::Transaction<'_, Self::Db>,
        exhibit: &crate::storage::evidence::NewExhibit,
        received: &str,
        now: time::OffsetDateTime,
    ) -> crate::storage::StoreResult<i64> {
        crate::storage::evidence::insert_exhibit::<S>(tx, exhibit, received, now).await
    }

    /// Rebuilds a case's search document from its current text, in the transaction
    /// that changed it.
    async fn refresh_search(
        tx: &mut sqlx::Transaction<'_, Self::Db>,
        case_id: i64,
    ) -> crate::storage::StoreResult<()> {
        use sqlx::Row as _;
        // Two writers of one case (two exhibits' text read at once) must not each
        // build the document from what the other has not committed yet: the later
        // commit would drop the earlier one's words.
        Self::lock_case(tx, case_id).await?;
        let case = sqlx::query(
            "select case_number, title, summary, subject_agency from cases where case_id = $1",
        )
        .bind(case_id)
        .fetch_one(&mut **tx)
        .await?;
        let mut text = String::new();
        for column in ["case_number", "title", "summary", "subject_agency"] {
            text.push_str(&case.try_get::<String, _>(column)?);
            text.push(' ');
        }
        let parties =
            sqlx::query("select name, pseudonym, details from parties where case_id = $1")
                .bind(case_id)
                .fetch_all(&mut **tx)
                .await?;
        for party in &parties {
            for column in ["name", "pseudonym", "details"] {
                text.push_str(&party.try_get::<String, _>(column)?);
                text.push(' ');
            }
        }
        let allegations =
            sqlx::query("select summary, rule_at_issue from allegations where case_id = $1")
                .bind(case_id)
                .fetch_all(&mut **tx)
                .await?;
        for allegation in &allegations {
            for column in ["summary", "rule_at_issue"] {
                text.push_str(&allegation.try_get::<String, _>(column)?);
                text.push(' ');
            }
        }
        // Exhibits' descriptions and extracted text, except restricted ones: a search
        // must not reveal what only named members may read.
        let exhibits = sqlx::query(
            "select description, ocr_text from exhibits where case_id = $1 and restricted = false",
        )
        .bind(case_id)
        .fetch_all(&mut **tx)
        .await?;
        for exhibit in &exhibits {
            text.push_str(&exhibit.try_get::<String, _>("description")?);
            text.push(' ');
            if let Some(ocr) = exhibit.try_get::<Option<String>, _>("ocr_text")? {
                text.push_str(&ocr);
                text.push(' ');
            }
        }
        let words = crate::storage::cases::search_words(&text).join(" ");
        Self::write_search(tx, case_id, &words).await
    }

    /// Puts the generated cases' member on every n-th of them and records their
    /// year's last number, so that a case opened later in that year does not collide.
    async fn generate_members_and_sequence(
        tx: &mut sqlx::Transaction<'_, Self::Db>,
        spec: &crate::storage::cases::GenerateCases,
        now: time::OffsetDateTime,
    ) -> crate::storage::StoreResult<()> {
        if let Some(member) = spec.member {
            sqlx::query(
                        "insert into case_members (case_id, user_id, added_by, added_at) \
                         select case_id, $1, $2, $3 from cases where year = $4 and sequence % $5 = 0 \
                         on conflict (case_id, user_id) do nothing",
                    )
                    .bind(member)
                    .bind(spec.created_by)
                    .bind(now)
                    .bind(spec.year)
                    .bind(spec.member_every.max(1))
                    .execute(&mut **tx)
                    .await?;
        }
        // Each statement below fills one table from the generated cases at once: no
        // query per row, so 100,000 cases with their contents take seconds.
        for (at, user_id) in spec.team.iter().enumerate() {
            let len = spec.team.len() as i64;
            sqlx::query(
                "update cases set lead_user_id = $1 where year = $2 and sequence % $3 = $4",
            )
            .bind(user_id)
            .bind(spec.year)
            .bind(len)
            .bind(at as i64)
            .execute(&mut **tx)
            .await?;
            sqlx::query(
                        "insert into case_members (case_id, user_id, added_by, added_at) \
                         select case_id, $1, $2, $3 from cases where year = $4 and sequence % $5 = $6 \
                         on conflict (case_id, user_id) do nothing",
                    )
                    .bind(user_id)
                    .bind(spec.created_by)
                    .bind(now)
                    .bind(spec.year)
                    .bind(len)
                    .bind(at as i64)
                    .execute(&mut **tx)
                    .await?;
        }
        if spec.exhibits > 0 {
            let every = (spec.count / spec.exhibits).max(1);
            sqlx::query(
                        "insert into exhibits (case_id, number, description, original_filename, sha256, \
                         size_bytes, media_type, extension_mismatch, provided_by, collected_by, collected_at, \
                         personal_data, criminal_justice, booking_photo, restricted, captured_by, captured_at, \
                         capture_device, capture_shows, ocr_status, ocr_text, uploaded_by, uploaded_at) \
                         select case_id, 1, 'Generated exhibit of case ' || sequence, \
                         'exhibit-' || sequence || '.pdf', \
                         '0000000000000000000000000000000000000000000000000000000000000000', \
                         1000 + sequence, 'application/pdf', false, 'Complainant', 'Intake', received_on, \
                         false, false, false, false, '', '', '', '', 'done', \
                         'Text read from the scanned memo of case ' || sequence || ' about contract ' || (sequence % 97), \
                         $1, $2 \
                         from cases where year = $3 and sequence % $4 = 0",
                    )
                    .bind(spec.created_by)
                    .bind(now)
                    .bind(spec.year)
                    .bind(every)
                    .execute(&mut **tx)
                    .await?;
            sqlx::query(
                "update cases set last_exhibit_number = 1 where year = $1 and sequence % $2 = 0",
            )
            .bind(spec.year)
            .bind(every)
            .execute(&mut **tx)
            .await?;
        }
        if spec.events_per_case > 0 {
            sqlx::query(
                "insert into incidents (case_id, title, summary, created_at) \
                         select case_id, 'Generated incident', '', $1 from cases where year = $2",
            )
            .bind(now)
            .bind(spec.year)
            .execute(&mut **tx)
            .await?;
            for event in 0..spec.events_per_case {
                let hour = format!("{:02}", 8 + event % 12);
                sqlx::query(
                            "insert into events (case_id, incident_id, earliest, latest, precision, \
                             local_start, local_end, time_zone, discovered_on, kind, channel, information, \
                             permitted_basis, narrative, created_at, updated_at, version) \
                             select c.case_id, i.incident_id, \
                             c.received_on || 'T' || $1 || ':00:00Z', c.received_on || 'T' || $1 || ':00:59Z', \
                             'minute', c.received_on || ' ' || $1 || ':00', '', 'UTC', '', 'other', \
                             'none', '', 'unknown', 'Generated event ' || $2 || ' of case ' || c.sequence, \
                             $3, $3, 1 \
                             from cases c join incidents i on i.case_id = c.case_id where c.year = $4",
                        )
                        .bind(&hour)
                        .bind(event + 1)
                        .bind(now)
                        .bind(spec.year)
                        .execute(&mut **tx)
                        .await?;
            }
            sqlx::query(
                "insert into event_versions (event_id, version, summary, edited_by, edited_at) \
                         select e.event_id, 1, e.narrative, $1, $2 from events e \
                         join cases c on c.case_id = e.case_id where c.year = $3",
            )
            .bind(spec.created_by)
            .bind(now)
            .bind(spec.year)
            .execute(&mut **tx)
            .await?;
        }
        sqlx::query(
            "insert into case_sequences (year, last_number) values ($1, $2) \
                     on conflict (year) do update set last_number = excluded.last_number",
        )
        .bind(spec.year)
        .bind(spec.count)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    async fn touch_case(
        tx: &mut sqlx::Transaction<'_, Self::Db>,
        case_id: i64,
    ) -> crate::storage::StoreResult<()> {
        sqlx::query("update cases set updated_at = $1 where case_id = $2")
            .bind(time::OffsetDateTime::now_utc())
            .bind(case_id)
            .execute(&mut **tx)
            .await?;
        Ok(())
    }

    async fn fetch_party(
        &self,
        case_id: i64,
        party_id: i64,
    ) -> crate::storage::StoreResult<probity_domain::cases::Party> {
        let sql =
            format!("select {PARTY_COLUMNS} from parties where case_id = $1 and party_id = $2");
        let row = sqlx::query(&sql)
            .bind(case_id)
            .bind(party_id)
            .fetch_one(self.pool())
            .await?;
        party_from_row(&row)
    }

    async fn fetch_allegation(
        &self,
        case_id: i64,
        allegation_id: i64,
    ) -> crate::storage::StoreResult<probity_domain::cases::Allegation> {
        let sql = format!(
            "select {ALLEGATION_COLUMNS} from allegations a \
                     left join parties p on p.party_id = a.subject_party_id \
                     where a.case_id = $1 and a.allegation_id = $2"
        );
        let row = sqlx::query(&sql)
            .bind(case_id)
            .bind(allegation_id)
            .fetch_one(self.pool())
            .await?;
        allegation_from_row(&row)
    }

    async fn fetch_note(
        &self,
        case_id: i64,
        note_id: i64,
    ) -> crate::storage::StoreResult<probity_domain::cases::Note> {
        let sql = format!(
            "select {NOTE_COLUMNS} from notes n \
                     join note_versions v on v.note_id = n.note_id and v.version = n.version \
                     join users au on au.user_id = n.author_user_id \
                     join users ed on ed.user_id = v.edited_by \
                     where n.case_id = $1 and n.note_id = $2"
        );
        let row = sqlx::query(&sql)
            .bind(case_id)
            .bind(note_id)
            .fetch_one(self.pool())
            .await?;
        note_from_row(&row)
    }

    /// After an update matched no row: NotFound when the row is gone, else Stale.
    async fn stale_or_missing(&self, table_sql: &str, id: i64) -> crate::storage::StoreError {
        let exists: Result<i64, sqlx::Error> = sqlx::query_scalar(table_sql)
            .bind(id)
            .fetch_one(self.pool())
            .await;
        match exists {
            Ok(count) if count > 0 => crate::storage::StoreError::Stale,
            Ok(_) => crate::storage::StoreError::NotFound,
            Err(error) => error.into(),
        }
    }
}

#[async_trait::async_trait]
impl<S> crate::storage::cases::CaseStore for S
where
    S: crate::storage::backend::SqlBackend + CaseRows + crate::storage::search::RunsBuilt,
    for<'c> &'c mut <S::Db as sqlx::Database>::Connection: sqlx::Executor<'c, Database = S::Db>,
    for<'q> <S::Db as sqlx::Database>::Arguments<'q>: sqlx::IntoArguments<'q, S::Db>,
    for<'a> &'a str: sqlx::ColumnIndex<<S::Db as sqlx::Database>::Row>,
    usize: sqlx::ColumnIndex<<S::Db as sqlx::Database>::Row>,
    for<'q> i64: sqlx::Encode<'q, S::Db> + sqlx::Decode<'q, S::Db> + sqlx::Type<S::Db>,
    for<'q> bool: sqlx::Encode<'q, S::Db> + sqlx::Decode<'q, S::Db> + sqlx::Type<S::Db>,
    for<'q> String: sqlx::Encode<'q, S::Db> + sqlx::Decode<'q, S::Db> + sqlx::Type<S::Db>,
    for<'q> time::OffsetDateTime:
        sqlx::Encode<'q, S::Db> + sqlx::Decode<'q, S::Db> + sqlx::Type<S::Db>,
    for<'q> &'q str: sqlx::Encode<'q, S::Db> + sqlx::Type<S::Db>,
    for<'q> Option<i64>: sqlx::Encode<'q, S::Db>,
    for<'q> Option<String>: sqlx::Encode<'q, S::Db>,
    for<'q> Option<time::OffsetDateTime>: sqlx::Encode<'q, S::Db>,
    for<'q> i32: sqlx::Encode<'q, S::Db> + sqlx::Type<S::Db>,
    for<'q> Option<&'q str>: sqlx::Encode<'q, S::Db>,
    <S::Db as sqlx::Database>::QueryResult: crate::storage::backend::Affected,
{
    #[tracing::instrument(skip_all)]
    async fn create_case(
        &self,
        case: crate::storage::cases::NewCase,
    ) -> crate::storage::StoreResult<probity_domain::cases::Case> {
        let now = time::OffsetDateTime::now_utc();
        let mut tx = self.begin_write().await?;
        let case_id = S::insert_case(&mut tx, &case, now).await?;
        tx.commit().await?;
        self.case_by_id(case_id)
            .await?
            .ok_or(crate::storage::StoreError::NotFound)
    }

    #[tracing::instrument(skip_all, fields(case_id))]
    async fn case_by_id(
        &self,
        case_id: i64,
    ) -> crate::storage::StoreResult<Option<probity_domain::cases::Case>> {
        let sql = format!("select {CASE_COLUMNS} from cases c where c.case_id = $1");
        let row = sqlx::query(&sql)
            .bind(case_id)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(case_from_row).transpose()
    }

    #[tracing::instrument(skip_all)]
    async fn case_by_number(
        &self,
        case_number: &str,
    ) -> crate::storage::StoreResult<Option<probity_domain::cases::Case>> {
        let sql = format!("select {CASE_COLUMNS} from cases c where c.case_number = $1");
        let row = sqlx::query(&sql)
            .bind(case_number)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(case_from_row).transpose()
    }

    #[tracing::instrument(skip_all, fields(case_id, user_id))]
    async fn standing(
        &self,
        case_id: i64,
        user_id: i64,
    ) -> crate::storage::StoreResult<probity_domain::permissions::Standing> {
        use sqlx::Row as _;
        let row = sqlx::query(
                    "select \
                     (select count(*) from case_members where case_id = $1 and user_id = $2) as members, \
                     (select count(*) from case_recusals where case_id = $1 and user_id = $2) as recusals, \
                     (select count(*) from cases where case_id = $1 and lead_user_id = $2) as leads, \
                     (select count(*) from cases where case_id = $1 and confidentiality = 'highly_confidential') as sealed, \
                     (select count(*) from case_overseers where case_id = $1 and user_id = $2) as named",
                )
                .bind(case_id)
                .bind(user_id)
                .fetch_one(self.pool())
                .await?;
        Ok(probity_domain::permissions::Standing {
            member: row.try_get::<i64, _>("members")? > 0,
            recused: row.try_get::<i64, _>("recusals")? > 0,
            lead: row.try_get::<i64, _>("leads")? > 0,
            sealed: row.try_get::<i64, _>("sealed")? > 0,
            named: row.try_get::<i64, _>("named")? > 0,
        })
    }

    #[tracing::instrument(skip_all, fields(case_id, version))]
    async fn update_case(
        &self,
        case_id: i64,
        version: i64,
        d: crate::storage::cases::CaseDetails,
    ) -> crate::storage::StoreResult<probity_domain::cases::Case> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "update cases set title = $1, summary = $2, subject_agency = $3, intake_channel = $4, \
                     received_on = $5, priority = $6, confidentiality = $7, updated_at = $8, \
                     version = version + 1, time_zone = $11 where case_id = $9 and version = $10",
        )
        .bind(&d.title)
        .bind(&d.summary)
        .bind(&d.subject_agency)
        .bind(d.intake_channel.as_str())
        .bind(&d.received_on)
        .bind(d.priority.as_str())
        .bind(d.confidentiality.as_str())
        .bind(time::OffsetDateTime::now_utc())
        .bind(case_id)
        .bind(version)
        .bind(&d.time_zone)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            drop(tx);
            return Err(self
                .stale_or_missing("select count(*) from cases where case_id = $1", case_id)
                .await);
        }
        Self::refresh_search(&mut tx, case_id).await?;
        tx.commit().await?;
        self.case_by_id(case_id)
            .await?
            .ok_or(crate::storage::StoreError::NotFound)
    }

    #[tracing::instrument(skip_all, fields(case_id, version))]
    async fn move_status(
        &self,
        case_id: i64,
        version: i64,
        from: probity_domain::cases::CaseStatus,
        to: probity_domain::cases::CaseStatus,
        reason: &str,
        by: i64,
    ) -> crate::storage::StoreResult<probity_domain::cases::Case> {
        let now = time::OffsetDateTime::now_utc();
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "update cases set status = $1, updated_at = $2, version = version + 1 \
                     where case_id = $3 and version = $4 and status = $5",
        )
        .bind(to.as_str())
        .bind(now)
        .bind(case_id)
        .bind(version)
        .bind(from.as_str())
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            drop(tx);
            return Err(self
                .stale_or_missing("select count(*) from cases where case_id = $1", case_id)
                .await);
        }
        sqlx::query(
                    "insert into case_status_changes (case_id, from_status, to_status, reason, changed_by, changed_at) \
                     values ($1, $2, $3, $4, $5, $6)",
                )
                .bind(case_id)
                .bind(from.as_str())
                .bind(to.as_str())
                .bind(reason)
                .bind(by)
                .bind(now)
                .execute(&mut *tx)
                .await?;
        // A closing case's clocks stop; a reopened case's run again.
        let clocks = if to == probity_domain::cases::CaseStatus::Closed {
            Some(probity_domain::clocks::ClockChangeKind::Stop)
        } else if from.is_reopening(to) {
            Some(probity_domain::clocks::ClockChangeKind::Restart)
        } else {
            None
        };
        if let Some(kind) = clocks {
            crate::storage::plan::follow_status::<S>(&mut tx, case_id, kind, reason, by, now)
                .await?;
        }
        tx.commit().await?;
        self.case_by_id(case_id)
            .await?
            .ok_or(crate::storage::StoreError::NotFound)
    }

    #[tracing::instrument(skip_all, fields(case_id))]
    async fn status_history(
        &self,
        case_id: i64,
    ) -> crate::storage::StoreResult<Vec<probity_domain::cases::StatusChange>> {
        use probity_domain::cases::CaseStatus;
        use sqlx::Row as _;
        let rows = sqlx::query(
            "select s.from_status, s.to_status, s.reason, u.display_name, s.changed_at \
                     from case_status_changes s join users u on u.user_id = s.changed_by \
                     where s.case_id = $1 order by s.case_status_change_id",
        )
        .bind(case_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                let from: Option<String> = row.try_get("from_status")?;
                let to: String = row.try_get("to_status")?;
                Ok(probity_domain::cases::StatusChange {
                    from_status: from.as_deref().and_then(CaseStatus::parse),
                    to_status: CaseStatus::parse(&to)
                        .ok_or_else(crate::storage::corrupt("to_status"))?,
                    reason: row.try_get("reason")?,
                    changed_by_name: row.try_get("display_name")?,
                    changed_at: row.try_get("changed_at")?,
                })
            })
            .collect()
    }

    #[tracing::instrument(skip_all, fields(case_id))]
    async fn team(
        &self,
        case_id: i64,
    ) -> crate::storage::StoreResult<Vec<probity_domain::cases::TeamMember>> {
        use sqlx::Row as _;
        let lead: Option<i64> =
            sqlx::query_scalar("select lead_user_id from cases where case_id = $1")
                .bind(case_id)
                .fetch_optional(self.pool())
                .await?
                .flatten();
        let rows = sqlx::query(
                    "select u.user_id, u.username, u.display_name, u.role from case_members m \
                     join users u on u.user_id = m.user_id where m.case_id = $1 order by u.display_name",
                )
                .bind(case_id)
                .fetch_all(self.pool())
                .await?;
        let mut team = rows
            .iter()
            .map(|row| {
                let user_id: i64 = row.try_get("user_id")?;
                let role: String = row.try_get("role")?;
                Ok(probity_domain::cases::TeamMember {
                    user_id,
                    username: row.try_get("username")?,
                    display_name: row.try_get("display_name")?,
                    role: crate::storage::parse_role(&role)?,
                    is_lead: lead == Some(user_id),
                })
            })
            .collect::<crate::storage::StoreResult<Vec<_>>>()?;
        team.sort_by_key(|member| !member.is_lead);
        Ok(team)
    }

    #[tracing::instrument(skip_all, fields(case_id, user_id))]
    async fn add_member(
        &self,
        case_id: i64,
        user_id: i64,
        by: i64,
    ) -> crate::storage::StoreResult<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
                    "insert into case_members (case_id, user_id, added_by, added_at) values ($1, $2, $3, $4) \
                     on conflict (case_id, user_id) do nothing",
                )
                .bind(case_id)
                .bind(user_id)
                .bind(by)
                .bind(time::OffsetDateTime::now_utc())
                .execute(&mut *tx)
                .await?;
        Self::touch_case(&mut tx, case_id).await?;
        tx.commit().await?;
        Ok(())
    }

    #[tracing::instrument(skip_all, fields(case_id, user_id))]
    async fn remove_member(&self, case_id: i64, user_id: i64) -> crate::storage::StoreResult<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query("delete from case_members where case_id = $1 and user_id = $2")
            .bind(case_id)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "update cases set lead_user_id = null where case_id = $1 and lead_user_id = $2",
        )
        .bind(case_id)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
        Self::touch_case(&mut tx, case_id).await?;
        tx.commit().await?;
        Ok(())
    }

    #[tracing::instrument(skip_all, fields(case_id, user_id))]
    async fn set_lead(
        &self,
        case_id: i64,
        user_id: i64,
        by: i64,
    ) -> crate::storage::StoreResult<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
                    "insert into case_members (case_id, user_id, added_by, added_at) values ($1, $2, $3, $4) \
                     on conflict (case_id, user_id) do nothing",
                )
                .bind(case_id)
                .bind(user_id)
                .bind(by)
                .bind(time::OffsetDateTime::now_utc())
                .execute(&mut *tx)
                .await?;
        sqlx::query("update cases set lead_user_id = $1 where case_id = $2")
            .bind(user_id)
            .bind(case_id)
            .execute(&mut *tx)
            .await?;
        Self::touch_case(&mut tx, case_id).await?;
        tx.commit().await?;
        Ok(())
    }

    #[tracing::instrument(skip_all, fields(case_id))]
    async fn recusals(
        &self,
        case_id: i64,
    ) -> crate::storage::StoreResult<Vec<probity_domain::cases::Recusal>> {
        use sqlx::Row as _;
        let rows = sqlx::query(
                    "select r.user_id, u.display_name, r.reason, b.display_name as recused_by_name, r.recused_at \
                     from case_recusals r join users u on u.user_id = r.user_id \
                     join users b on b.user_id = r.recused_by where r.case_id = $1 order by u.display_name",
                )
                .bind(case_id)
                .fetch_all(self.pool())
                .await?;
        rows.iter()
            .map(|row| {
                Ok(probity_domain::cases::Recusal {
                    user_id: row.try_get("user_id")?,
                    display_name: row.try_get("display_name")?,
                    reason: row.try_get("reason")?,
                    recused_by_name: row.try_get("recused_by_name")?,
                    recused_at: row.try_get("recused_at")?,
                })
            })
            .collect()
    }

    #[tracing::instrument(skip_all, fields(case_id, user_id))]
    async fn recuse(
        &self,
        case_id: i64,
        user_id: i64,
        reason: &str,
        by: i64,
    ) -> crate::storage::StoreResult<()> {
        let mut tx = self.begin_write().await?;
        // A recusal takes the person off the team and off the named overseers, so
        // lifting it later gives back no access by itself.
        for sql in [
            "delete from case_members where case_id = $1 and user_id = $2",
            "delete from case_overseers where case_id = $1 and user_id = $2",
        ] {
            sqlx::query(sql)
                .bind(case_id)
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
        }
        sqlx::query(
            "update cases set lead_user_id = null where case_id = $1 and lead_user_id = $2",
        )
        .bind(case_id)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "insert into case_recusals (case_id, user_id, reason, recused_by, recused_at) \
                     values ($1, $2, $3, $4, $5) on conflict (case_id, user_id) do nothing",
        )
        .bind(case_id)
        .bind(user_id)
        .bind(reason)
        .bind(by)
        .bind(time::OffsetDateTime::now_utc())
        .execute(&mut *tx)
        .await?;
        Self::touch_case(&mut tx, case_id).await?;
        tx.commit().await?;
        Ok(())
    }

    #[tracing::instrument(skip_all, fields(case_id, user_id))]
    async fn lift_recusal(
        &self,
        case_id: i64,
        user_id: i64,
        by: i64,
        reason: &str,
    ) -> crate::storage::StoreResult<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
                    "insert into case_recusals_lifted \
                     (case_id, user_id, reason, recused_by, recused_at, lifted_by, lifted_at, lift_reason) \
                     select case_id, user_id, reason, recused_by, recused_at, $3, $4, $5 \
                     from case_recusals where case_id = $1 and user_id = $2",
                )
                .bind(case_id)
                .bind(user_id)
                .bind(by)
                .bind(time::OffsetDateTime::now_utc())
                .bind(reason)
                .execute(&mut *tx)
                .await?;
        sqlx::query("delete from case_recusals where case_id = $1 and user_id = $2")
            .bind(case_id)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        Self::touch_case(&mut tx, case_id).await?;
        tx.commit().await?;
        Ok(())
    }

    #[tracing::instrument(skip_all, fields(case_id))]
    async fn lifted_recusals(
        &self,
        case_id: i64,
    ) -> crate::storage::StoreResult<Vec<probity_domain::cases::LiftedRecusal>> {
        use sqlx::Row as _;
        let rows = sqlx::query(
                    "select r.user_id, u.display_name, r.reason, b.display_name as recused_by_name, \
                     r.recused_at, l.display_name as lifted_by_name, r.lifted_at, r.lift_reason \
                     from case_recusals_lifted r join users u on u.user_id = r.user_id \
                     join users b on b.user_id = r.recused_by join users l on l.user_id = r.lifted_by \
                     where r.case_id = $1 order by r.lifted_at desc, r.case_recusal_lifted_id desc",
                )
                .bind(case_id)
                .fetch_all(self.pool())
                .await?;
        rows.iter()
            .map(|row| {
                Ok(probity_domain::cases::LiftedRecusal {
                    user_id: row.try_get("user_id")?,
                    display_name: row.try_get("display_name")?,
                    reason: row.try_get("reason")?,
                    recused_by_name: row.try_get("recused_by_name")?,
                    recused_at: row.try_get("recused_at")?,
                    lifted_by_name: row.try_get("lifted_by_name")?,
                    lifted_at: row.try_get("lifted_at")?,
                    lift_reason: row.try_get("lift_reason")?,
                })
            })
            .collect()
    }

    #[tracing::instrument(skip_all, fields(case_id))]
    async fn overseers(
        &self,
        case_id: i64,
    ) -> crate::storage::StoreResult<Vec<probity_domain::cases::Overseer>> {
        use sqlx::Row as _;
        let rows = sqlx::query(
                    "select o.user_id, u.display_name, u.role, b.display_name as named_by_name, o.named_at \
                     from case_overseers o join users u on u.user_id = o.user_id \
                     join users b on b.user_id = o.named_by where o.case_id = $1 order by u.display_name",
                )
                .bind(case_id)
                .fetch_all(self.pool())
                .await?;
        rows.iter()
            .map(|row| {
                let role: String = row.try_get("role")?;
                Ok(probity_domain::cases::Overseer {
                    user_id: row.try_get("user_id")?,
                    display_name: row.try_get("display_name")?,
                    role: crate::storage::parse_role(&role)?,
                    named_by_name: row.try_get("named_by_name")?,
                    named_at: row.try_get("named_at")?,
                })
            })
            .collect()
    }

    #[tracing::instrument(skip_all, fields(case_id, user_id))]
    async fn name_overseer(
        &self,
        case_id: i64,
        user_id: i64,
        by: i64,
    ) -> crate::storage::StoreResult<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "insert into case_overseers (case_id, user_id, named_by, named_at) \
                     values ($1, $2, $3, $4) on conflict (case_id, user_id) do nothing",
        )
        .bind(case_id)
        .bind(user_id)
        .bind(by)
        .bind(time::OffsetDateTime::now_utc())
        .execute(&mut *tx)
        .await?;
        Self::touch_case(&mut tx, case_id).await?;
        tx.commit().await?;
        Ok(())
    }

    #[tracing::instrument(skip_all, fields(case_id, user_id))]
    async fn unname_overseer(&self, case_id: i64, user_id: i64) -> crate::storage::StoreResult<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query("delete from case_overseers where case_id = $1 and user_id = $2")
            .bind(case_id)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        Self::touch_case(&mut tx, case_id).await?;
        tx.commit().await?;
        Ok(())
    }

    #[tracing::instrument(skip_all, fields(case_id))]
    async fn parties(
        &self,
        case_id: i64,
    ) -> crate::storage::StoreResult<Vec<probity_domain::cases::Party>> {
        let sql =
            format!("select {PARTY_COLUMNS} from parties where case_id = $1 order by party_id");
        let rows = sqlx::query(&sql)
            .bind(case_id)
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(party_from_row).collect()
    }

    #[tracing::instrument(skip_all, fields(case_id))]
    async fn create_party(
        &self,
        case_id: i64,
        p: crate::storage::cases::PartyInput,
    ) -> crate::storage::StoreResult<probity_domain::cases::Party> {
        let now = time::OffsetDateTime::now_utc();
        let mut tx = self.begin_write().await?;
        let party_id: i64 = sqlx::query_scalar(
                    "insert into parties (case_id, kind, name, party_role, details, pseudonym, created_at, updated_at, version, senior_employee) \
                     values ($1, $2, $3, $4, $5, $6, $7, $7, 1, $8) returning party_id",
                )
                .bind(case_id)
                .bind(p.kind.as_str())
                .bind(&p.name)
                .bind(p.party_role.as_str())
                .bind(&p.details)
                .bind(&p.pseudonym)
                .bind(now)
                .bind(p.senior_employee)
                .fetch_one(&mut *tx)
                .await?;
        Self::touch_case(&mut tx, case_id).await?;
        Self::refresh_search(&mut tx, case_id).await?;
        tx.commit().await?;
        self.fetch_party(case_id, party_id).await
    }

    #[tracing::instrument(skip_all, fields(case_id, party_id, version))]
    async fn update_party(
        &self,
        case_id: i64,
        party_id: i64,
        version: i64,
        p: crate::storage::cases::PartyInput,
    ) -> crate::storage::StoreResult<probity_domain::cases::Party> {
        let now = time::OffsetDateTime::now_utc();
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
                    "update parties set kind = $1, name = $2, party_role = $3, details = $4, pseudonym = $5, \
                     updated_at = $6, version = version + 1, senior_employee = $10 where case_id = $7 and party_id = $8 and version = $9",
                )
                .bind(p.kind.as_str())
                .bind(&p.name)
                .bind(p.party_role.as_str())
                .bind(&p.details)
                .bind(&p.pseudonym)
                .bind(now)
                .bind(case_id)
                .bind(party_id)
                .bind(version)
                .bind(p.senior_employee)
                .execute(&mut *tx)
                .await?;
        if done.rows_affected() == 0 {
            drop(tx);
            return Err(self
                .stale_or_missing("select count(*) from parties where party_id = $1", party_id)
                .await);
        }
        Self::touch_case(&mut tx, case_id).await?;
        Self::refresh_search(&mut tx, case_id).await?;
        tx.commit().await?;
        self.fetch_party(case_id, party_id).await
    }

    #[tracing::instrument(skip_all, fields(case_id))]
    async fn allegations(
        &self,
        case_id: i64,
    ) -> crate::storage::StoreResult<Vec<probity_domain::cases::Allegation>> {
        let sql = format!(
            "select {ALLEGATION_COLUMNS} from allegations a \
                     left join parties p on p.party_id = a.subject_party_id \
                     where a.case_id = $1 order by a.allegation_id"
        );
        let rows = sqlx::query(&sql)
            .bind(case_id)
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(allegation_from_row).collect()
    }

    #[tracing::instrument(skip_all, fields(case_id))]
    async fn create_allegation(
        &self,
        case_id: i64,
        a: crate::storage::cases::AllegationInput,
    ) -> crate::storage::StoreResult<probity_domain::cases::Allegation> {
        let now = time::OffsetDateTime::now_utc();
        let mut tx = self.begin_write().await?;
        let allegation_id: i64 = sqlx::query_scalar(
                    "insert into allegations (case_id, subject_party_id, summary, rule_at_issue, status, created_at, updated_at, version) \
                     values ($1, $2, $3, $4, $5, $6, $6, 1) returning allegation_id",
                )
                .bind(case_id)
                .bind(a.subject_party_id)
                .bind(&a.summary)
                .bind(&a.rule_at_issue)
                .bind(a.status.as_str())
                .bind(now)
                .fetch_one(&mut *tx)
                .await?;
        Self::touch_case(&mut tx, case_id).await?;
        Self::refresh_search(&mut tx, case_id).await?;
        tx.commit().await?;
        self.fetch_allegation(case_id, allegation_id).await
    }

    #[tracing::instrument(skip_all, fields(case_id, allegation_id, version))]
    async fn update_allegation(
        &self,
        case_id: i64,
        allegation_id: i64,
        version: i64,
        a: crate::storage::cases::AllegationInput,
    ) -> crate::storage::StoreResult<probity_domain::cases::Allegation> {
        let now = time::OffsetDateTime::now_utc();
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
                    "update allegations set subject_party_id = $1, summary = $2, rule_at_issue = $3, status = $4, \
                     updated_at = $5, version = version + 1 where case_id = $6 and allegation_id = $7 and version = $8",
                )
                .bind(a.subject_party_id)
                .bind(&a.summary)
                .bind(&a.rule_at_issue)
                .bind(a.status.as_str())
                .bind(now)
                .bind(case_id)
                .bind(allegation_id)
                .bind(version)
                .execute(&mut *tx)
                .await?;
        if done.rows_affected() == 0 {
            drop(tx);
            return Err(self
                .stale_or_missing(
                    "select count(*) from allegations where allegation_id = $1",
                    allegation_id,
                )
                .await);
        }
        Self::touch_case(&mut tx, case_id).await?;
        Self::refresh_search(&mut tx, case_id).await?;
        tx.commit().await?;
        self.fetch_allegation(case_id, allegation_id).await
    }

    #[tracing::instrument(skip_all, fields(case_id))]
    async fn notes(
        &self,
        case_id: i64,
    ) -> crate::storage::StoreResult<Vec<probity_domain::cases::Note>> {
        let sql = format!(
            "select {NOTE_COLUMNS} from notes n \
                     join note_versions v on v.note_id = n.note_id and v.version = n.version \
                     join users au on au.user_id = n.author_user_id \
                     join users ed on ed.user_id = v.edited_by \
                     where n.case_id = $1 order by n.note_id desc"
        );
        let rows = sqlx::query(&sql)
            .bind(case_id)
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(note_from_row).collect()
    }

    #[tracing::instrument(skip_all, fields(case_id))]
    async fn create_note(
        &self,
        case_id: i64,
        author: i64,
        body: &str,
    ) -> crate::storage::StoreResult<probity_domain::cases::Note> {
        let now = time::OffsetDateTime::now_utc();
        let mut tx = self.begin_write().await?;
        let note_id: i64 = sqlx::query_scalar(
                    "insert into notes (case_id, author_user_id, created_at, version) values ($1, $2, $3, 1) \
                     returning note_id",
                )
                .bind(case_id)
                .bind(author)
                .bind(now)
                .fetch_one(&mut *tx)
                .await?;
        sqlx::query(
                    "insert into note_versions (note_id, version, body, edited_by, edited_at) values ($1, 1, $2, $3, $4)",
                )
                .bind(note_id)
                .bind(body)
                .bind(author)
                .bind(now)
                .execute(&mut *tx)
                .await?;
        Self::touch_case(&mut tx, case_id).await?;
        tx.commit().await?;
        self.fetch_note(case_id, note_id).await
    }

    #[tracing::instrument(skip_all, fields(case_id, note_id, version))]
    async fn edit_note(
        &self,
        case_id: i64,
        note_id: i64,
        version: i64,
        body: &str,
        by: i64,
    ) -> crate::storage::StoreResult<probity_domain::cases::Note> {
        let now = time::OffsetDateTime::now_utc();
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
                    "update notes set version = version + 1 where case_id = $1 and note_id = $2 and version = $3",
                )
                .bind(case_id)
                .bind(note_id)
                .bind(version)
                .execute(&mut *tx)
                .await?;
        if done.rows_affected() == 0 {
            drop(tx);
            return Err(self
                .stale_or_missing("select count(*) from notes where note_id = $1", note_id)
                .await);
        }
        sqlx::query(
                    "insert into note_versions (note_id, version, body, edited_by, edited_at) values ($1, $2, $3, $4, $5)",
                )
                .bind(note_id)
                .bind(version + 1)
                .bind(body)
                .bind(by)
                .bind(now)
                .execute(&mut *tx)
                .await?;
        Self::touch_case(&mut tx, case_id).await?;
        tx.commit().await?;
        self.fetch_note(case_id, note_id).await
    }

    #[tracing::instrument(skip_all, fields(case_id, note_id))]
    async fn note_versions(
        &self,
        case_id: i64,
        note_id: i64,
    ) -> crate::storage::StoreResult<Vec<probity_domain::cases::NoteVersion>> {
        use sqlx::Row as _;
        let rows = sqlx::query(
            "select v.version, v.body, u.display_name, v.edited_at from note_versions v \
                     join notes n on n.note_id = v.note_id join users u on u.user_id = v.edited_by \
                     where n.case_id = $1 and v.note_id = $2 order by v.version desc",
        )
        .bind(case_id)
        .bind(note_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(probity_domain::cases::NoteVersion {
                    version: row.try_get("version")?,
                    body: row.try_get("body")?,
                    edited_by_name: row.try_get("display_name")?,
                    edited_at: row.try_get("edited_at")?,
                })
            })
            .collect()
    }

    #[tracing::instrument(skip_all, fields(user_id = viewer.user_id))]
    async fn list_cases(
        &self,
        viewer: crate::storage::cases::CaseViewer,
        filter: &crate::storage::cases::CaseFilter,
        sort: crate::storage::cases::CaseSort,
        after: Option<&crate::storage::cases::CaseCursor>,
        limit: i64,
    ) -> crate::storage::StoreResult<crate::storage::cases::CasePage> {
        use crate::storage::cases::{CaseCursor, CaseSort};
        let mut qb = sqlx::QueryBuilder::<S::Db>::new(format!(
            "select {SUMMARY_COLUMNS}, c.year, c.sequence from cases c where "
        ));
        push_visibility(&mut qb, viewer);
        if let Some(status) = filter.status {
            qb.push(" and c.status = ").push_bind(status.as_str());
        }
        if let Some(agency) = &filter.agency {
            qb.push(" and c.subject_agency = ")
                .push_bind(agency.clone());
        }
        if let Some(lead) = filter.lead_user_id {
            qb.push(" and c.lead_user_id = ").push_bind(lead);
        }
        if let Some(priority) = filter.priority {
            qb.push(" and c.priority = ").push_bind(priority.as_str());
        }
        if let Some(from) = &filter.received_from {
            qb.push(" and c.received_on >= ").push_bind(from.clone());
        }
        if let Some(to) = &filter.received_to {
            qb.push(" and c.received_on <= ").push_bind(to.clone());
        }
        if let Some(query) = filter.text.as_deref().and_then(S::search_query) {
            let (before, after) = S::CASE_MATCH;
            qb.push(" and ").push(before).push_bind(query).push(after);
        }
        // The key of the last row shown, compared as (major, minor) in the sort's
        // direction.
        let keyset = |qb: &mut sqlx::QueryBuilder<'_, S::Db>,
                      (major, minor): (&str, &str),
                      cmp: &str,
                      key: (Key, i64)| {
            let bind = |qb: &mut sqlx::QueryBuilder<'_, S::Db>, key: &Key| match key {
                Key::Int(value) => {
                    qb.push_bind(*value);
                }
                Key::Text(value) => {
                    qb.push_bind(value.clone());
                }
            };
            qb.push(format!(" and ({major} {cmp} "));
            bind(qb, &key.0);
            qb.push(format!(" or ({major} = "));
            bind(qb, &key.0);
            qb.push(format!(" and {minor} {cmp} "))
                .push_bind(key.1)
                .push("))");
        };
        match (sort, after) {
            (CaseSort::NumberDesc, Some(CaseCursor::Number { year, sequence })) => {
                keyset(
                    &mut qb,
                    ("c.year", "c.sequence"),
                    "<",
                    (Key::Int(*year), *sequence),
                );
            }
            (CaseSort::NumberAsc, Some(CaseCursor::Number { year, sequence })) => {
                keyset(
                    &mut qb,
                    ("c.year", "c.sequence"),
                    ">",
                    (Key::Int(*year), *sequence),
                );
            }
            (CaseSort::ReceivedDesc, Some(CaseCursor::Received { date, case_id })) => {
                keyset(
                    &mut qb,
                    ("c.received_on", "c.case_id"),
                    "<",
                    (Key::Text(date.clone()), *case_id),
                );
            }
            (CaseSort::ReceivedAsc, Some(CaseCursor::Received { date, case_id })) => {
                keyset(
                    &mut qb,
                    ("c.received_on", "c.case_id"),
                    ">",
                    (Key::Text(date.clone()), *case_id),
                );
            }
            // A cursor of another order (a stale link) starts from the top.
            _ => {}
        }
        qb.push(format!(" order by {} limit ", sort.order_by_sql()))
            .push_bind(limit + 1);
        let rows = self.rows(&mut qb).await?;
        let has_more = rows.len() as i64 > limit;
        let rows = &rows[..rows.len().min(limit as usize)];
        let next = if has_more {
            use sqlx::Row as _;
            rows.last()
                .map(|row| -> crate::storage::StoreResult<CaseCursor> {
                    Ok(match sort {
                        CaseSort::NumberDesc | CaseSort::NumberAsc => CaseCursor::Number {
                            year: row.try_get::<i64, _>("year")?,
                            sequence: row.try_get::<i64, _>("sequence")?,
                        },
                        CaseSort::ReceivedDesc | CaseSort::ReceivedAsc => CaseCursor::Received {
                            date: row.try_get("received_on")?,
                            case_id: row.try_get("case_id")?,
                        },
                    })
                })
                .transpose()?
        } else {
            None
        };
        let items = rows
            .iter()
            .map(summary_from_row)
            .collect::<crate::storage::StoreResult<Vec<_>>>()?;
        Ok(crate::storage::cases::CasePage { items, next })
    }

    #[tracing::instrument(skip_all, fields(user_id = viewer.user_id))]
    async fn count_by_status(
        &self,
        viewer: crate::storage::cases::CaseViewer,
    ) -> crate::storage::StoreResult<Vec<(probity_domain::cases::CaseStatus, i64)>> {
        use sqlx::Row as _;
        // Office-wide viewers see every case but those they are recused from: the
        // office's totals (kept by triggers) less their recusals, instead of counting
        // every case. Team members count their own cases, which are few.
        // Highly confidential cases they are neither on nor named to are subtracted too;
        // a partial index keeps those to the few such cases.
        let sql = if viewer.office_wide {
            "select s.status, s.cases - coalesce(x.cases, 0) as cases from case_status_counts s \
                     left join (select c.status, count(*) as cases from cases c where c.case_id in ( \
                       select r.case_id from case_recusals r where r.user_id = $1 \
                       union \
                       select h.case_id from cases h where h.confidentiality = 'highly_confidential' \
                       and not exists (select 1 from case_members m where m.case_id = h.case_id and m.user_id = $1) \
                       and not exists (select 1 from case_overseers o where o.case_id = h.case_id and o.user_id = $1) \
                     ) group by c.status) as x \
                     on x.status = s.status"
                        .to_string()
        } else {
            format!(
                "select c.status, count(*) as cases from cases c where {} group by c.status",
                visibility(&viewer)
            )
        };
        let rows = sqlx::query(&sql)
            .bind(viewer.user_id)
            .fetch_all(self.pool())
            .await?;
        let mut counts = Vec::new();
        for status in probity_domain::cases::CaseStatus::ALL {
            let count = rows
                .iter()
                .find(|row| {
                    row.try_get::<String, _>("status").ok().as_deref() == Some(status.as_str())
                })
                .map(|row| row.try_get::<i64, _>("cases"))
                .transpose()?
                .unwrap_or(0);
            counts.push((*status, count));
        }
        Ok(counts)
    }

    #[tracing::instrument(skip_all, fields(user_id))]
    async fn my_cases(
        &self,
        user_id: i64,
        limit: i64,
    ) -> crate::storage::StoreResult<Vec<probity_domain::cases::CaseSummary>> {
        let sql = format!(
            "select {SUMMARY_COLUMNS} from cases c \
                     join case_members m on m.case_id = c.case_id and m.user_id = $1 \
                     where not exists (select 1 from case_recusals r where r.case_id = c.case_id and r.user_id = $1) \
                     order by c.updated_at desc, c.case_id desc limit $2"
        );
        let rows = sqlx::query(&sql)
            .bind(user_id)
            .bind(limit)
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(summary_from_row).collect()
    }

    #[tracing::instrument(skip_all, fields(user_id = viewer.user_id))]
    async fn oldest_open(
        &self,
        viewer: crate::storage::cases::CaseViewer,
        limit: i64,
    ) -> crate::storage::StoreResult<Vec<probity_domain::cases::CaseSummary>> {
        let sql = format!(
            "select {SUMMARY_COLUMNS} from cases c \
                     where {} and c.status <> 'closed' order by c.received_on asc, c.case_id asc limit $2",
            visibility(&viewer)
        );
        let rows = sqlx::query(&sql)
            .bind(viewer.user_id)
            .bind(limit)
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(summary_from_row).collect()
    }

    #[tracing::instrument(skip_all, fields(user_id = viewer.user_id))]
    async fn report_queue(
        &self,
        viewer: crate::storage::cases::CaseViewer,
        state: probity_domain::reports::ReportState,
        limit: i64,
    ) -> crate::storage::StoreResult<Vec<probity_domain::cases::CaseSummary>> {
        // The newest version of each case is the one with no later version.
        let sql = format!(
            "select {SUMMARY_COLUMNS} from cases c \
                     join report_versions v on v.case_id = c.case_id \
                     where v.state = $2 and not exists (select 1 from report_versions w \
                       where w.case_id = v.case_id and w.version > v.version) \
                     and {} order by coalesce(v.reviewed_at, v.submitted_at, v.created_at) asc, c.case_id asc \
                     limit $3",
            visibility(&viewer)
        );
        let rows = sqlx::query(&sql)
            .bind(viewer.user_id)
            .bind(state.as_str())
            .bind(limit)
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(summary_from_row).collect()
    }

    #[tracing::instrument(skip_all, fields(user_id = viewer.user_id))]
    async fn agencies(
        &self,
        viewer: crate::storage::cases::CaseViewer,
    ) -> crate::storage::StoreResult<Vec<String>> {
        // Reading every visible case to list a few dozen agencies made the case list
        // slower the larger the office. Office-wide viewers walk the agency index one
        // name at a time (each step one index seek) and keep the names that have a case
        // they may see (a scalar subquery with a limit, which PostgreSQL cannot turn
        // into a join over every case as it did with `exists`); team members start
        // from their own cases, which are few.
        let sql = if viewer.office_wide {
            format!(
                "with recursive agency (name) as ( \
                           select min(subject_agency) from cases \
                           union all \
                           select (select min(c.subject_agency) from cases c where c.subject_agency > agency.name) \
                           from agency where agency.name is not null \
                         ) \
                         select agency.name from agency where agency.name is not null \
                         and (select 1 from cases c where c.subject_agency = agency.name and {} limit 1) is not null \
                         order by agency.name limit 500",
                visibility(&viewer)
            )
        } else {
            format!(
                "select distinct c.subject_agency from case_members m join cases c on c.case_id = m.case_id \
                         where m.user_id = $1 and {} order by c.subject_agency limit 500",
                visibility(&viewer)
            )
        };
        Ok(sqlx::query_scalar(&sql)
            .bind(viewer.user_id)
            .fetch_all(self.pool())
            .await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_reject_garbage() {
        for cursor in [
            CaseCursor::Number {
                year: 2025,
                sequence: 142,
            },
            CaseCursor::Received {
                date: "2025-02-03".into(),
                case_id: 77,
            },
        ] {
            assert_eq!(CaseCursor::decode(&cursor.encode()), Some(cursor));
        }
        for garbage in [
            "",
            "n.x.1",
            "r.2025-13-40.1",
            "z.1.2",
            "r.'; drop table cases.1",
        ] {
            assert_eq!(CaseCursor::decode(garbage), None, "{garbage}");
        }
    }

    #[test]
    fn search_words_keep_letters_and_digits_only() {
        assert_eq!(
            search_words("Case 2025-0142: Détenu \"A\" -- o'Brien"),
            ["case", "2025", "0142", "détenu", "a", "o", "brien"]
        );
    }
}
