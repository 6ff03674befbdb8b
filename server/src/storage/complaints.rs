//! Complaints as stored: the complaint with its receipt (a lookup group in clear and the
//! whole code as an argon2 hash), its files (blobs under their SHA-256), the conversation
//! with the complainant and each triage step. Written once over both databases.
//!
//! Turning a complaint into a case (or merging it into one) is one transaction: the case,
//! its exhibits with their first custody step, and the complaint's outcome stand or fall
//! together.

use super::StoreResult;
use super::backend::SqlBackend;
use super::cases::{CaseRows, NewCase};
use super::evidence::NewExhibit;
use async_trait::async_trait;
use probity_domain::complaints::{
    CloseReason, Complaint, ComplaintChannel, ComplaintFile, ComplaintMessage, ComplaintOutcome,
    ComplaintStatus, HowKnown, IntakeCounts, TriageStep,
};
use sqlx::Row as _;
use time::OffsetDateTime;

/// A file of a complaint, its blob already durable.
#[derive(Clone, Debug)]
pub struct NewComplaintFile {
    pub original_filename: String,
    pub sha256: String,
    pub size_bytes: i64,
    pub media_type: String,
    pub from_complainant: bool,
    /// The staff member who added it (a letter's scan).
    pub added_by: Option<i64>,
}

/// A complaint about to be recorded, validated.
#[derive(Clone, Debug)]
pub struct NewComplaint {
    pub channel: ComplaintChannel,
    pub what_happened: String,
    pub agency: String,
    pub people_involved: String,
    pub when_happened: String,
    pub where_happened: String,
    pub how_known: Option<HowKnown>,
    pub wants_contact: bool,
    pub contact_name: String,
    pub contact_details: String,
    pub receipt_lookup: String,
    pub receipt_hash: String,
    pub logged_by: Option<i64>,
    pub received_at: OffsetDateTime,
    pub files: Vec<NewComplaintFile>,
}

/// An outcome other than a case: referred or closed.
#[derive(Clone, Debug, Default)]
pub struct Decision {
    pub referred_to: String,
    pub referred_on: String,
    pub referral_sent: String,
    pub close_reason: Option<CloseReason>,
    pub note: String,
}

/// Where a complaint's records go when it becomes case work.
#[derive(Clone, Debug)]
pub enum CaseTarget {
    /// A new case, opened by the caller (its lead).
    New(Box<NewCase>),
    /// An existing case it is merged into.
    Existing(i64),
}

/// Storage of complaints.
#[async_trait]
pub trait ComplaintStore: Send + Sync {
    /// Records a new complaint, its files and its first step, in one transaction.
    async fn create_complaint(&self, complaint: NewComplaint) -> StoreResult<Complaint>;
    /// One complaint.
    async fn complaint(&self, complaint_id: i64) -> StoreResult<Option<Complaint>>;
    /// The complaints whose receipt starts with this lookup group, with their receipt hashes.
    async fn receipts(&self, lookup: &str) -> StoreResult<Vec<(i64, String)>>;
    /// A page of complaints in these statuses, oldest first, after the key given.
    async fn complaint_queue(
        &self,
        statuses: &[ComplaintStatus],
        after: Option<(OffsetDateTime, i64)>,
        limit: i64,
    ) -> StoreResult<Vec<Complaint>>;
    /// How many complaints are in each status.
    async fn complaint_status_counts(&self) -> StoreResult<Vec<(ComplaintStatus, i64)>>;
    /// The complaint's files, in the order received.
    async fn complaint_files(&self, complaint_id: i64) -> StoreResult<Vec<ComplaintFile>>;
    /// The conversation, oldest first.
    async fn complaint_messages(&self, complaint_id: i64) -> StoreResult<Vec<ComplaintMessage>>;
    /// The triage steps, oldest first.
    async fn complaint_steps(&self, complaint_id: i64) -> StoreResult<Vec<TriageStep>>;
    /// Adds a message (with files) to the conversation; while the complaint is still in the
    /// queue, moves it to `move_to` when given. One transaction.
    async fn add_complaint_message(
        &self,
        complaint_id: i64,
        author_user_id: Option<i64>,
        body: &str,
        files: &[NewComplaintFile],
        move_to: Option<ComplaintStatus>,
    ) -> StoreResult<()>;
    /// Moves a complaint still in the queue to another queue status, based on `version`.
    async fn move_complaint(
        &self,
        complaint_id: i64,
        version: i64,
        to: ComplaintStatus,
        note: &str,
        by: i64,
    ) -> StoreResult<()>;
    /// Gives a complaint still in the queue the outcome `to` (referred or closed).
    async fn decide_complaint(
        &self,
        complaint_id: i64,
        version: i64,
        to: ComplaintStatus,
        decision: &Decision,
        by: i64,
    ) -> StoreResult<()>;
    /// Turns a complaint still in the queue into case work: opens the case (or takes the
    /// existing one), records `exhibits` in it (each with its custody reason) and gives the
    /// complaint its outcome, in one transaction. Returns the case's id and the new exhibits'
    /// ids.
    async fn complaint_to_case(
        &self,
        complaint_id: i64,
        version: i64,
        target: CaseTarget,
        exhibits: Vec<(NewExhibit, String)>,
        note: &str,
        by: i64,
    ) -> StoreResult<(i64, Vec<i64>)>;
    /// The complaint a case came from, if any.
    async fn complaints_of_case(&self, case_id: i64) -> StoreResult<Vec<Complaint>>;
    /// The dashboard's counts since `month_start`.
    async fn intake_counts(&self, month_start: OffsetDateTime) -> StoreResult<IntakeCounts>;
}

const COMPLAINT_COLUMNS: &str = "c.complaint_id, c.reference, c.status, c.channel, c.what_happened, \
     c.agency, c.people_involved, c.when_happened, c.where_happened, c.how_known, c.wants_contact, \
     c.contact_name, c.contact_details, c.received_at, c.updated_at, c.version, \
     lu.display_name as logged_by_name, c.case_id, k.case_number, c.referred_to, c.referred_on, \
     c.referral_sent, c.close_reason, c.outcome_note, du.display_name as decided_by_name, c.decided_at";

const COMPLAINT_FROM: &str = "from complaints c \
     left join users lu on lu.user_id = c.logged_by \
     left join users du on du.user_id = c.decided_by \
     left join cases k on k.case_id = c.case_id";

fn complaint_from_row<R>(row: &R) -> StoreResult<Complaint>
where
    R: sqlx::Row,
    for<'a> &'a str: sqlx::ColumnIndex<R>,
    for<'q> i64: sqlx::Decode<'q, R::Database> + sqlx::Type<R::Database>,
    for<'q> bool: sqlx::Decode<'q, R::Database> + sqlx::Type<R::Database>,
    for<'q> String: sqlx::Decode<'q, R::Database> + sqlx::Type<R::Database>,
    for<'q> OffsetDateTime: sqlx::Decode<'q, R::Database> + sqlx::Type<R::Database>,
{
    let status: String = row.try_get("status")?;
    let channel: String = row.try_get("channel")?;
    let how_known: Option<String> = row.try_get("how_known")?;
    let close_reason: Option<String> = row.try_get("close_reason")?;
    Ok(Complaint {
        complaint_id: row.try_get("complaint_id")?,
        reference: row.try_get("reference")?,
        status: ComplaintStatus::parse(&status)
            .ok_or(super::StoreError::Corrupt("complaints.status"))?,
        channel: ComplaintChannel::parse(&channel)
            .ok_or(super::StoreError::Corrupt("complaints.channel"))?,
        what_happened: row.try_get("what_happened")?,
        agency: row.try_get("agency")?,
        people_involved: row.try_get("people_involved")?,
        when_happened: row.try_get("when_happened")?,
        where_happened: row.try_get("where_happened")?,
        how_known: how_known.as_deref().and_then(HowKnown::parse),
        wants_contact: row.try_get("wants_contact")?,
        contact_name: row.try_get("contact_name")?,
        contact_details: row.try_get("contact_details")?,
        received_at: row.try_get("received_at")?,
        updated_at: row.try_get("updated_at")?,
        version: row.try_get("version")?,
        logged_by_name: row.try_get("logged_by_name")?,
        identity_withheld: false,
        outcome: ComplaintOutcome {
            case_id: row.try_get("case_id")?,
            case_number: row.try_get("case_number")?,
            referred_to: row.try_get("referred_to")?,
            referred_on: row.try_get("referred_on")?,
            referral_sent: row.try_get("referral_sent")?,
            close_reason: close_reason.as_deref().and_then(CloseReason::parse),
            note: row.try_get("outcome_note")?,
            decided_by_name: row.try_get("decided_by_name")?,
            decided_at: row.try_get("decided_at")?,
        },
    })
}

/// The statuses of the queue as a SQL list (fixed words, never input).
fn open_statuses_sql() -> String {
    ComplaintStatus::OPEN
        .iter()
        .map(|status| format!("'{}'", status.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}

#[async_trait]
impl<S> ComplaintStore for S
where
    S: SqlBackend + CaseRows + super::chains::ChainRows + super::search::RunsBuilt,
    for<'c> &'c mut <S::Db as sqlx::Database>::Connection: sqlx::Executor<'c, Database = S::Db>,
    for<'q> <S::Db as sqlx::Database>::Arguments<'q>: sqlx::IntoArguments<'q, S::Db>,
    for<'a> &'a str: sqlx::ColumnIndex<<S::Db as sqlx::Database>::Row>,
    usize: sqlx::ColumnIndex<<S::Db as sqlx::Database>::Row>,
    for<'q> i64: sqlx::Encode<'q, S::Db> + sqlx::Decode<'q, S::Db> + sqlx::Type<S::Db>,
    for<'q> i32: sqlx::Encode<'q, S::Db> + sqlx::Type<S::Db>,
    for<'q> bool: sqlx::Encode<'q, S::Db> + sqlx::Decode<'q, S::Db> + sqlx::Type<S::Db>,
    for<'q> String: sqlx::Encode<'q, S::Db> + sqlx::Decode<'q, S::Db> + sqlx::Type<S::Db>,
    for<'q> OffsetDateTime: sqlx::Encode<'q, S::Db> + sqlx::Decode<'q, S::Db> + sqlx::Type<S::Db>,
    for<'q> &'q str: sqlx::Encode<'q, S::Db> + sqlx::Type<S::Db>,
    for<'q> &'q String: sqlx::Encode<'q, S::Db> + sqlx::Type<S::Db>,
    for<'q> Option<i64>: sqlx::Encode<'q, S::Db> + sqlx::Decode<'q, S::Db>,
    for<'q> Option<String>: sqlx::Encode<'q, S::Db> + sqlx::Decode<'q, S::Db>,
    for<'q> Option<&'q str>: sqlx::Encode<'q, S::Db>,
    for<'q> Option<OffsetDateTime>: sqlx::Encode<'q, S::Db> + sqlx::Decode<'q, S::Db>,
    <S::Db as sqlx::Database>::QueryResult: super::backend::Affected,
{
    #[tracing::instrument(skip_all)]
    async fn create_complaint(&self, complaint: NewComplaint) -> StoreResult<Complaint> {
        let now = OffsetDateTime::now_utc();
        let year = complaint.received_at.year();
        let mut tx = self.begin_write().await?;
        let sequence: i64 = sqlx::query_scalar(
            "insert into complaint_sequences (year, last_number) values ($1, 1) \
             on conflict (year) do update set last_number = complaint_sequences.last_number + 1 \
             returning last_number",
        )
        .bind(year)
        .fetch_one(&mut *tx)
        .await?;
        let reference = format!("C-{year}-{sequence:04}");
        let c = &complaint;
        let complaint_id: i64 = sqlx::query_scalar(
            "insert into complaints (reference, status, channel, what_happened, agency, \
             people_involved, when_happened, where_happened, how_known, wants_contact, contact_name, \
             contact_details, receipt_lookup, receipt_hash, received_at, updated_at, version, logged_by) \
             values ($1, 'new', $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, 1, $16) \
             returning complaint_id",
        )
        .bind(&reference)
        .bind(c.channel.as_str())
        .bind(&c.what_happened)
        .bind(&c.agency)
        .bind(&c.people_involved)
        .bind(&c.when_happened)
        .bind(&c.where_happened)
        .bind(c.how_known.map(HowKnown::as_str))
        .bind(c.wants_contact)
        .bind(&c.contact_name)
        .bind(&c.contact_details)
        .bind(&c.receipt_lookup)
        .bind(&c.receipt_hash)
        .bind(c.received_at)
        .bind(now)
        .bind(c.logged_by)
        .fetch_one(&mut *tx)
        .await?;
        insert_files::<S>(&mut tx, complaint_id, &c.files, now).await?;
        insert_step::<S>(
            &mut tx,
            complaint_id,
            None,
            ComplaintStatus::New,
            &format!("Received by {}", c.channel.label().to_lowercase()),
            c.logged_by,
            now,
        )
        .await?;
        tx.commit().await?;
        self.complaint(complaint_id)
            .await?
            .ok_or(super::StoreError::NotFound)
    }

    #[tracing::instrument(skip_all, fields(complaint_id))]
    async fn complaint(&self, complaint_id: i64) -> StoreResult<Option<Complaint>> {
        let sql = format!("select {COMPLAINT_COLUMNS} {COMPLAINT_FROM} where c.complaint_id = $1");
        let row = sqlx::query(&sql)
            .bind(complaint_id)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(complaint_from_row).transpose()
    }

    #[tracing::instrument(skip_all)]
    async fn receipts(&self, lookup: &str) -> StoreResult<Vec<(i64, String)>> {
        let rows: Vec<(i64, String)> = sqlx::query_as(
            "select complaint_id, receipt_hash from complaints where receipt_lookup = $1 \
             order by complaint_id limit 20",
        )
        .bind(lookup)
        .fetch_all(self.pool())
        .await?;
        Ok(rows)
    }

    #[tracing::instrument(skip_all)]
    async fn complaint_queue(
        &self,
        statuses: &[ComplaintStatus],
        after: Option<(OffsetDateTime, i64)>,
        limit: i64,
    ) -> StoreResult<Vec<Complaint>> {
        let mut builder = sqlx::QueryBuilder::<S::Db>::new(format!(
            "select {COMPLAINT_COLUMNS} {COMPLAINT_FROM} where c.status in ("
        ));
        let mut list = builder.separated(", ");
        for status in statuses {
            list.push_bind(status.as_str());
        }
        list.push_unseparated(")");
        if let Some((received_at, id)) = after {
            builder
                .push(" and (c.received_at > ")
                .push_bind(received_at)
                .push(" or (c.received_at = ")
                .push_bind(received_at)
                .push(" and c.complaint_id > ")
                .push_bind(id)
                .push("))");
        }
        builder
            .push(" order by c.received_at, c.complaint_id limit ")
            .push_bind(limit);
        let rows = self.rows(&mut builder).await?;
        rows.iter().map(complaint_from_row).collect()
    }

    #[tracing::instrument(skip_all)]
    async fn complaint_status_counts(&self) -> StoreResult<Vec<(ComplaintStatus, i64)>> {
        let rows: Vec<(String, i64)> =
            sqlx::query_as("select status, count(*) from complaints group by status")
                .fetch_all(self.pool())
                .await?;
        Ok(rows
            .into_iter()
            .filter_map(|(status, count)| ComplaintStatus::parse(&status).map(|s| (s, count)))
            .collect())
    }

    #[tracing::instrument(skip_all, fields(complaint_id))]
    async fn complaint_files(&self, complaint_id: i64) -> StoreResult<Vec<ComplaintFile>> {
        let rows = sqlx::query(
            "select complaint_file_id, complaint_id, original_filename, sha256, size_bytes, \
             media_type, received_at, from_complainant from complaint_files \
             where complaint_id = $1 order by complaint_file_id",
        )
        .bind(complaint_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(ComplaintFile {
                    complaint_file_id: row.try_get("complaint_file_id")?,
                    complaint_id: row.try_get("complaint_id")?,
                    original_filename: row.try_get("original_filename")?,
                    sha256: row.try_get("sha256")?,
                    size_bytes: row.try_get("size_bytes")?,
                    media_type: row.try_get("media_type")?,
                    received_at: row.try_get("received_at")?,
                    from_complainant: row.try_get("from_complainant")?,
                })
            })
            .collect()
    }

    #[tracing::instrument(skip_all, fields(complaint_id))]
    async fn complaint_messages(&self, complaint_id: i64) -> StoreResult<Vec<ComplaintMessage>> {
        let rows = sqlx::query(
            "select m.complaint_message_id, m.complaint_id, m.from_office, \
             u.display_name as author_name, m.body, m.sent_at from complaint_messages m \
             left join users u on u.user_id = m.author_user_id \
             where m.complaint_id = $1 order by m.complaint_message_id",
        )
        .bind(complaint_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(ComplaintMessage {
                    complaint_message_id: row.try_get("complaint_message_id")?,
                    complaint_id: row.try_get("complaint_id")?,
                    from_office: row.try_get("from_office")?,
                    author_name: row.try_get("author_name")?,
                    body: row.try_get("body")?,
                    sent_at: row.try_get("sent_at")?,
                })
            })
            .collect()
    }

    #[tracing::instrument(skip_all, fields(complaint_id))]
    async fn complaint_steps(&self, complaint_id: i64) -> StoreResult<Vec<TriageStep>> {
        let rows = sqlx::query(
            "select s.at, u.display_name as by_name, s.from_status, s.to_status, s.note \
             from complaint_steps s left join users u on u.user_id = s.by_user_id \
             where s.complaint_id = $1 order by s.complaint_step_id",
        )
        .bind(complaint_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                let from: Option<String> = row.try_get("from_status")?;
                let to: String = row.try_get("to_status")?;
                Ok(TriageStep {
                    at: row.try_get("at")?,
                    by_name: row.try_get("by_name")?,
                    from_status: from.as_deref().and_then(ComplaintStatus::parse),
                    to_status: ComplaintStatus::parse(&to)
                        .ok_or(super::StoreError::Corrupt("complaint_steps.to_status"))?,
                    note: row.try_get("note")?,
                })
            })
            .collect()
    }

    #[tracing::instrument(skip_all, fields(complaint_id))]
    async fn add_complaint_message(
        &self,
        complaint_id: i64,
        author_user_id: Option<i64>,
        body: &str,
        files: &[NewComplaintFile],
        move_to: Option<ComplaintStatus>,
    ) -> StoreResult<()> {
        let now = OffsetDateTime::now_utc();
        let mut tx = self.begin_write().await?;
        let status: Option<String> =
            sqlx::query_scalar("select status from complaints where complaint_id = $1")
                .bind(complaint_id)
                .fetch_optional(&mut *tx)
                .await?;
        let status = status
            .as_deref()
            .and_then(ComplaintStatus::parse)
            .ok_or(super::StoreError::NotFound)?;
        if !body.is_empty() {
            sqlx::query(
                "insert into complaint_messages (complaint_id, from_office, author_user_id, body, sent_at) \
                 values ($1, $2, $3, $4, $5)",
            )
            .bind(complaint_id)
            .bind(author_user_id.is_some())
            .bind(author_user_id)
            .bind(body)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        insert_files::<S>(&mut tx, complaint_id, files, now).await?;
        let mut changed = "update complaints set updated_at = $2".to_string();
        let moving = move_to.filter(|to| !status.is_outcome() && *to != status);
        if moving.is_some() {
            changed.push_str(", status = $3, version = version + 1");
        }
        changed.push_str(" where complaint_id = $1");
        let mut update = sqlx::query(&changed).bind(complaint_id).bind(now);
        if let Some(to) = moving {
            update = update.bind(to.as_str());
        }
        update.execute(&mut *tx).await?;
        if let Some(to) = moving {
            let note = if author_user_id.is_some() {
                "Asked the complainant a question"
            } else {
                "The complainant answered"
            };
            insert_step::<S>(
                &mut tx,
                complaint_id,
                Some(status),
                to,
                note,
                author_user_id,
                now,
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    #[tracing::instrument(skip_all, fields(complaint_id))]
    async fn move_complaint(
        &self,
        complaint_id: i64,
        version: i64,
        to: ComplaintStatus,
        note: &str,
        by: i64,
    ) -> StoreResult<()> {
        let now = OffsetDateTime::now_utc();
        let mut tx = self.begin_write().await?;
        let from = claim::<S>(&mut tx, complaint_id, version).await?;
        sqlx::query(
            "update complaints set status = $2, updated_at = $3, version = version + 1 \
             where complaint_id = $1",
        )
        .bind(complaint_id)
        .bind(to.as_str())
        .bind(now)
        .execute(&mut *tx)
        .await?;
        insert_step::<S>(&mut tx, complaint_id, Some(from), to, note, Some(by), now).await?;
        tx.commit().await?;
        Ok(())
    }

    #[tracing::instrument(skip_all, fields(complaint_id))]
    async fn decide_complaint(
        &self,
        complaint_id: i64,
        version: i64,
        to: ComplaintStatus,
        decision: &Decision,
        by: i64,
    ) -> StoreResult<()> {
        let now = OffsetDateTime::now_utc();
        let mut tx = self.begin_write().await?;
        let from = claim::<S>(&mut tx, complaint_id, version).await?;
        sqlx::query(
            "update complaints set status = $2, updated_at = $3, version = version + 1, \
             referred_to = $4, referred_on = $5, referral_sent = $6, close_reason = $7, \
             outcome_note = $8, decided_by = $9, decided_at = $3 where complaint_id = $1",
        )
        .bind(complaint_id)
        .bind(to.as_str())
        .bind(now)
        .bind(&decision.referred_to)
        .bind(&decision.referred_on)
        .bind(&decision.referral_sent)
        .bind(decision.close_reason.map(CloseReason::as_str))
        .bind(&decision.note)
        .bind(by)
        .execute(&mut *tx)
        .await?;
        let note = match (to, decision.close_reason) {
            (ComplaintStatus::Referred, _) => format!("Referred to {}", decision.referred_to),
            (_, Some(reason)) => format!("Closed: {}", reason.label().to_lowercase()),
            _ => String::new(),
        };
        insert_step::<S>(&mut tx, complaint_id, Some(from), to, &note, Some(by), now).await?;
        tx.commit().await?;
        Ok(())
    }

    #[tracing::instrument(skip_all, fields(complaint_id))]
    async fn complaint_to_case(
        &self,
        complaint_id: i64,
        version: i64,
        target: CaseTarget,
        exhibits: Vec<(NewExhibit, String)>,
        note: &str,
        by: i64,
    ) -> StoreResult<(i64, Vec<i64>)> {
        let now = OffsetDateTime::now_utc();
        let mut tx = self.begin_write().await?;
        let from = claim::<S>(&mut tx, complaint_id, version).await?;
        let (case_id, to) = match &target {
            CaseTarget::New(case) => (
                S::insert_case(&mut tx, case, now).await?,
                ComplaintStatus::OpenedAsCase,
            ),
            CaseTarget::Existing(case_id) => (*case_id, ComplaintStatus::Merged),
        };
        let mut added = Vec::with_capacity(exhibits.len());
        for (mut exhibit, received) in exhibits {
            exhibit.case_id = case_id;
            added.push(S::insert_exhibit(&mut tx, &exhibit, &received, now).await?);
        }
        sqlx::query(
            "update complaints set status = $2, updated_at = $3, version = version + 1, \
             case_id = $4, outcome_note = $5, decided_by = $6, decided_at = $3 \
             where complaint_id = $1",
        )
        .bind(complaint_id)
        .bind(to.as_str())
        .bind(now)
        .bind(case_id)
        .bind(note)
        .bind(by)
        .execute(&mut *tx)
        .await?;
        let case_number: String =
            sqlx::query_scalar("select case_number from cases where case_id = $1")
                .bind(case_id)
                .fetch_one(&mut *tx)
                .await?;
        let step = match to {
            ComplaintStatus::OpenedAsCase => format!("Opened as case {case_number}"),
            _ => format!("Merged into case {case_number}"),
        };
        insert_step::<S>(&mut tx, complaint_id, Some(from), to, &step, Some(by), now).await?;
        tx.commit().await?;
        Ok((case_id, added))
    }

    #[tracing::instrument(skip_all, fields(case_id))]
    async fn complaints_of_case(&self, case_id: i64) -> StoreResult<Vec<Complaint>> {
        let sql = format!(
            "select {COMPLAINT_COLUMNS} {COMPLAINT_FROM} where c.case_id = $1 \
             order by c.complaint_id"
        );
        let rows = sqlx::query(&sql)
            .bind(case_id)
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(complaint_from_row).collect()
    }

    #[tracing::instrument(skip_all)]
    async fn intake_counts(&self, month_start: OffsetDateTime) -> StoreResult<IntakeCounts> {
        let open = open_statuses_sql();
        let received: i64 =
            sqlx::query_scalar("select count(*) from complaints where received_at >= $1")
                .bind(month_start)
                .fetch_one(self.pool())
                .await?;
        let triaged: i64 =
            sqlx::query_scalar("select count(*) from complaints where decided_at >= $1")
                .bind(month_start)
                .fetch_one(self.pool())
                .await?;
        let (open_count, oldest): (i64, Option<OffsetDateTime>) = {
            let row = sqlx::query(&format!(
                "select count(*) as n, min(received_at) as oldest from complaints \
                 where status in ({open})"
            ))
            .fetch_one(self.pool())
            .await?;
            (row.try_get("n")?, row.try_get("oldest")?)
        };
        let now = OffsetDateTime::now_utc();
        Ok(IntakeCounts {
            received_this_month: received,
            triaged_this_month: triaged,
            open: open_count,
            oldest_open_days: oldest.map(|at| (now - at).whole_days().max(0)),
        })
    }
}

/// Takes a complaint still in the queue for a triage step based on `version`: its status,
/// or `Stale` when someone moved it first (or it already has an outcome).
async fn claim<S>(
    tx: &mut sqlx::Transaction<'_, S::Db>,
    complaint_id: i64,
    version: i64,
) -> StoreResult<ComplaintStatus>
where
    S: SqlBackend,
    for<'c> &'c mut <S::Db as sqlx::Database>::Connection: sqlx::Executor<'c, Database = S::Db>,
    for<'q> <S::Db as sqlx::Database>::Arguments<'q>: sqlx::IntoArguments<'q, S::Db>,
    usize: sqlx::ColumnIndex<<S::Db as sqlx::Database>::Row>,
    for<'q> i64: sqlx::Encode<'q, S::Db> + sqlx::Decode<'q, S::Db> + sqlx::Type<S::Db>,
    for<'q> String: sqlx::Decode<'q, S::Db> + sqlx::Type<S::Db>,
{
    let sql = format!(
        "select status, version from complaints where complaint_id = $1{}",
        S::LOCK_ROW
    );
    let row: Option<(String, i64)> = sqlx::query_as(&sql)
        .bind(complaint_id)
        .fetch_optional(&mut **tx)
        .await?;
    let (status, current) = row.ok_or(super::StoreError::NotFound)?;
    let status =
        ComplaintStatus::parse(&status).ok_or(super::StoreError::Corrupt("complaints.status"))?;
    if current != version || status.is_outcome() {
        return Err(super::StoreError::Stale);
    }
    Ok(status)
}

async fn insert_files<S>(
    tx: &mut sqlx::Transaction<'_, S::Db>,
    complaint_id: i64,
    files: &[NewComplaintFile],
    now: OffsetDateTime,
) -> StoreResult<()>
where
    S: SqlBackend,
    for<'c> &'c mut <S::Db as sqlx::Database>::Connection: sqlx::Executor<'c, Database = S::Db>,
    for<'q> <S::Db as sqlx::Database>::Arguments<'q>: sqlx::IntoArguments<'q, S::Db>,
    for<'q> i64: sqlx::Encode<'q, S::Db> + sqlx::Type<S::Db>,
    for<'q> bool: sqlx::Encode<'q, S::Db> + sqlx::Type<S::Db>,
    for<'q> OffsetDateTime: sqlx::Encode<'q, S::Db> + sqlx::Type<S::Db>,
    for<'q> &'q String: sqlx::Encode<'q, S::Db> + sqlx::Type<S::Db>,
    for<'q> Option<i64>: sqlx::Encode<'q, S::Db>,
{
    for file in files {
        sqlx::query(
            "insert into complaint_files (complaint_id, original_filename, sha256, size_bytes, \
             media_type, received_at, from_complainant, added_by) \
             values ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(complaint_id)
        .bind(&file.original_filename)
        .bind(&file.sha256)
        .bind(file.size_bytes)
        .bind(&file.media_type)
        .bind(now)
        .bind(file.from_complainant)
        .bind(file.added_by)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

async fn insert_step<S>(
    tx: &mut sqlx::Transaction<'_, S::Db>,
    complaint_id: i64,
    from: Option<ComplaintStatus>,
    to: ComplaintStatus,
    note: &str,
    by: Option<i64>,
    now: OffsetDateTime,
) -> StoreResult<()>
where
    S: SqlBackend,
    for<'c> &'c mut <S::Db as sqlx::Database>::Connection: sqlx::Executor<'c, Database = S::Db>,
    for<'q> <S::Db as sqlx::Database>::Arguments<'q>: sqlx::IntoArguments<'q, S::Db>,
    for<'q> i64: sqlx::Encode<'q, S::Db> + sqlx::Type<S::Db>,
    for<'q> OffsetDateTime: sqlx::Encode<'q, S::Db> + sqlx::Type<S::Db>,
    for<'q> &'q str: sqlx::Encode<'q, S::Db> + sqlx::Type<S::Db>,
    for<'q> Option<&'q str>: sqlx::Encode<'q, S::Db>,
    for<'q> Option<i64>: sqlx::Encode<'q, S::Db>,
{
    sqlx::query(
        "insert into complaint_steps (complaint_id, from_status, to_status, note, by_user_id, at) \
         values ($1, $2, $3, $4, $5, $6)",
    )
    .bind(complaint_id)
    .bind(from.map(ComplaintStatus::as_str))
    .bind(to.as_str())
    .bind(note)
    .bind(by)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
