//! Memoranda of interview as stored: the record, its attendees, and every version of the
//! memorandum. Written once over both databases; days are `YYYY-MM-DD` text on both.

use super::backend::SqlBackend;
use super::{StoreError, StoreResult};
use async_trait::async_trait;
use probity_domain::interviews::{
    Attendee, AttendeeRole, Interview, InterviewWarning, MemorandumVersion,
};
use std::collections::HashMap;
use time::OffsetDateTime;

/// An interview, validated.
#[derive(Clone, Debug)]
pub struct InterviewInput {
    pub party_id: i64,
    pub interviewee_role: String,
    pub held_on: String,
    pub place: String,
    pub warning: InterviewWarning,
    pub recording_exhibit_id: Option<i64>,
    pub transcript_exhibit_id: Option<i64>,
    pub attendees: Vec<Attendee>,
    pub memorandum: String,
}

/// Storage of interviews.
#[async_trait]
pub trait InterviewStore: Send + Sync {
    /// The case's interviews in number order, with their attendees.
    async fn interviews(&self, case_id: i64) -> StoreResult<Vec<Interview>>;
    /// One interview of the case.
    async fn interview(&self, case_id: i64, interview_id: i64) -> StoreResult<Option<Interview>>;
    /// Every version of an interview's memorandum, newest first.
    async fn memoranda(&self, interview_id: i64) -> StoreResult<Vec<MemorandumVersion>>;
    /// Records an interview (I-n, the next number) with its first memorandum version.
    async fn create_interview(
        &self,
        case_id: i64,
        input: &InterviewInput,
        by: i64,
    ) -> StoreResult<Interview>;
    /// Saves an interview based on `version`; each save adds a memorandum version.
    async fn update_interview(
        &self,
        case_id: i64,
        interview_id: i64,
        version: i64,
        input: &InterviewInput,
        by: i64,
    ) -> StoreResult<Interview>;
}

const INTERVIEW_COLUMNS: &str = "i.interview_id, i.case_id, i.number, i.party_id, \
     p.name as interviewee_name, i.interviewee_role, i.held_on, i.place, i.warning, \
     i.recording_exhibit_id, xr.number as recording_number, i.transcript_exhibit_id, \
     xt.number as transcript_number, m.body as memorandum, u.display_name as written_by_name, \
     i.updated_at, i.version";

const INTERVIEW_FROM: &str = "from interviews i \
     join parties p on p.party_id = i.party_id \
     left join exhibits xr on xr.exhibit_id = i.recording_exhibit_id \
     left join exhibits xt on xt.exhibit_id = i.transcript_exhibit_id \
     join interview_memoranda m on m.interview_id = i.interview_id and m.version = i.version \
     join users u on u.user_id = m.written_by";

fn interview_from_row<R>(row: &R) -> StoreResult<Interview>
where
    R: sqlx::Row,
    for<'a> &'a str: sqlx::ColumnIndex<R>,
    for<'q> i64: sqlx::Decode<'q, R::Database> + sqlx::Type<R::Database>,
    for<'q> String: sqlx::Decode<'q, R::Database> + sqlx::Type<R::Database>,
    for<'q> OffsetDateTime: sqlx::Decode<'q, R::Database> + sqlx::Type<R::Database>,
{
    let warning: String = row.try_get("warning")?;
    let recording: Option<i64> = row.try_get("recording_exhibit_id")?;
    let recording_number: Option<i64> = row.try_get("recording_number")?;
    let transcript: Option<i64> = row.try_get("transcript_exhibit_id")?;
    let transcript_number: Option<i64> = row.try_get("transcript_number")?;
    Ok(Interview {
        interview_id: row.try_get("interview_id")?,
        case_id: row.try_get("case_id")?,
        number: row.try_get("number")?,
        party_id: row.try_get("party_id")?,
        interviewee_name: row.try_get("interviewee_name")?,
        interviewee_role: row.try_get("interviewee_role")?,
        held_on: row.try_get("held_on")?,
        place: row.try_get("place")?,
        warning: InterviewWarning::parse(&warning)
            .ok_or(StoreError::Corrupt("interviews.warning"))?,
        recording: recording.zip(recording_number),
        transcript: transcript.zip(transcript_number),
        attendees: Vec::new(),
        memorandum: row.try_get("memorandum")?,
        written_by_name: row.try_get("written_by_name")?,
        updated_at: row.try_get("updated_at")?,
        version: row.try_get("version")?,
    })
}

#[async_trait]
impl<S> InterviewStore for S
where
    S: SqlBackend,
    for<'c> &'c mut <S::Db as sqlx::Database>::Connection: sqlx::Executor<'c, Database = S::Db>,
    for<'q> <S::Db as sqlx::Database>::Arguments<'q>: sqlx::IntoArguments<'q, S::Db>,
    for<'a> &'a str: sqlx::ColumnIndex<<S::Db as sqlx::Database>::Row>,
    usize: sqlx::ColumnIndex<<S::Db as sqlx::Database>::Row>,
    for<'q> i64: sqlx::Encode<'q, S::Db> + sqlx::Decode<'q, S::Db> + sqlx::Type<S::Db>,
    for<'q> String: sqlx::Encode<'q, S::Db> + sqlx::Decode<'q, S::Db> + sqlx::Type<S::Db>,
    for<'q> OffsetDateTime: sqlx::Encode<'q, S::Db> + sqlx::Decode<'q, S::Db> + sqlx::Type<S::Db>,
    for<'q> &'q str: sqlx::Encode<'q, S::Db> + sqlx::Type<S::Db>,
    for<'q> Option<i64>: sqlx::Encode<'q, S::Db> + sqlx::Decode<'q, S::Db>,
    for<'q> Option<String>: sqlx::Encode<'q, S::Db> + sqlx::Decode<'q, S::Db>,
    <S::Db as sqlx::Database>::QueryResult: super::backend::Affected,
{
    #[tracing::instrument(skip_all, fields(case_id))]
    async fn interviews(&self, case_id: i64) -> StoreResult<Vec<Interview>> {
        let rows = sqlx::query(&format!(
            "select {INTERVIEW_COLUMNS} {INTERVIEW_FROM} where i.case_id = $1 order by i.number"
        ))
        .bind(case_id)
        .fetch_all(self.pool())
        .await?;
        let mut interviews: Vec<Interview> = rows
            .iter()
            .map(interview_from_row)
            .collect::<StoreResult<_>>()?;
        // Every attendee of the case's interviews in one query.
        let rows = sqlx::query(
            "select a.interview_id, a.role, a.user_id, a.name from interview_attendees a \
             join interviews i on i.interview_id = a.interview_id where i.case_id = $1 \
             order by a.interview_id, a.position",
        )
        .bind(case_id)
        .fetch_all(self.pool())
        .await?;
        let mut attendees: HashMap<i64, Vec<Attendee>> = HashMap::new();
        for row in &rows {
            use sqlx::Row as _;
            let role: String = row.try_get("role")?;
            attendees
                .entry(row.try_get("interview_id")?)
                .or_default()
                .push(Attendee {
                    role: AttendeeRole::parse(&role)
                        .ok_or(StoreError::Corrupt("interview_attendees.role"))?,
                    user_id: row.try_get("user_id")?,
                    name: row.try_get("name")?,
                });
        }
        for interview in &mut interviews {
            interview.attendees = attendees
                .remove(&interview.interview_id)
                .unwrap_or_default();
        }
        Ok(interviews)
    }

    #[tracing::instrument(skip_all, fields(case_id, interview_id))]
    async fn interview(&self, case_id: i64, interview_id: i64) -> StoreResult<Option<Interview>> {
        Ok(self
            .interviews(case_id)
            .await?
            .into_iter()
            .find(|i| i.interview_id == interview_id))
    }

    #[tracing::instrument(skip_all, fields(interview_id))]
    async fn memoranda(&self, interview_id: i64) -> StoreResult<Vec<MemorandumVersion>> {
        use sqlx::Row as _;
        let rows = sqlx::query(
            "select m.version, m.body, u.display_name, m.written_at from interview_memoranda m \
             join users u on u.user_id = m.written_by where m.interview_id = $1 \
             order by m.version desc",
        )
        .bind(interview_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(MemorandumVersion {
                    version: row.try_get("version")?,
                    body: row.try_get("body")?,
                    written_by_name: row.try_get("display_name")?,
                    written_at: row.try_get("written_at")?,
                })
            })
            .collect()
    }

    #[tracing::instrument(skip_all, fields(case_id))]
    async fn create_interview(
        &self,
        case_id: i64,
        input: &InterviewInput,
        by: i64,
    ) -> StoreResult<Interview> {
        let now = OffsetDateTime::now_utc();
        let mut tx = self.begin_write().await?;
        let number: i64 = sqlx::query_scalar(
            "select coalesce(max(number), 0) + 1 from interviews where case_id = $1",
        )
        .bind(case_id)
        .fetch_one(&mut *tx)
        .await?;
        let id: i64 = sqlx::query_scalar(
            "insert into interviews (case_id, number, party_id, interviewee_role, held_on, \
             place, warning, recording_exhibit_id, transcript_exhibit_id, created_by, \
             created_at, updated_at, version) \
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, 1) \
             returning interview_id",
        )
        .bind(case_id)
        .bind(number)
        .bind(input.party_id)
        .bind(input.interviewee_role.as_str())
        .bind(input.held_on.as_str())
        .bind(input.place.as_str())
        .bind(input.warning.as_str())
        .bind(input.recording_exhibit_id)
        .bind(input.transcript_exhibit_id)
        .bind(by)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        write_parts::<S>(&mut tx, id, 1, input, by, now).await?;
        super::outcomes::touch::<S>(&mut tx, case_id, now).await?;
        tx.commit().await?;
        self.interview(case_id, id)
            .await?
            .ok_or(StoreError::NotFound)
    }

    #[tracing::instrument(skip_all, fields(case_id, interview_id))]
    async fn update_interview(
        &self,
        case_id: i64,
        interview_id: i64,
        version: i64,
        input: &InterviewInput,
        by: i64,
    ) -> StoreResult<Interview> {
        let now = OffsetDateTime::now_utc();
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "update interviews set party_id = $1, interviewee_role = $2, held_on = $3, \
             place = $4, warning = $5, recording_exhibit_id = $6, transcript_exhibit_id = $7, \
             updated_at = $8, version = version + 1 \
             where case_id = $9 and interview_id = $10 and version = $11",
        )
        .bind(input.party_id)
        .bind(input.interviewee_role.as_str())
        .bind(input.held_on.as_str())
        .bind(input.place.as_str())
        .bind(input.warning.as_str())
        .bind(input.recording_exhibit_id)
        .bind(input.transcript_exhibit_id)
        .bind(now)
        .bind(case_id)
        .bind(interview_id)
        .bind(version)
        .execute(&mut *tx)
        .await?;
        if super::backend::Affected::rows_affected(&done) == 0 {
            drop(tx);
            return Err(match self.interview(case_id, interview_id).await? {
                Some(_) => StoreError::Stale,
                None => StoreError::NotFound,
            });
        }
        sqlx::query("delete from interview_attendees where interview_id = $1")
            .bind(interview_id)
            .execute(&mut *tx)
            .await?;
        write_parts::<S>(&mut tx, interview_id, version + 1, input, by, now).await?;
        super::outcomes::touch::<S>(&mut tx, case_id, now).await?;
        tx.commit().await?;
        self.interview(case_id, interview_id)
            .await?
            .ok_or(StoreError::NotFound)
    }
}

/// Writes an interview's attendees and its memorandum as version `version`, in the
/// transaction that saves the record.
async fn write_parts<S>(
    tx: &mut sqlx::Transaction<'_, S::Db>,
    interview_id: i64,
    version: i64,
    input: &InterviewInput,
    by: i64,
    now: OffsetDateTime,
) -> StoreResult<()>
where
    S: SqlBackend,
    for<'c> &'c mut <S::Db as sqlx::Database>::Connection: sqlx::Executor<'c, Database = S::Db>,
    for<'q> <S::Db as sqlx::Database>::Arguments<'q>: sqlx::IntoArguments<'q, S::Db>,
    for<'q> i64: sqlx::Encode<'q, S::Db> + sqlx::Type<S::Db>,
    for<'q> &'q str: sqlx::Encode<'q, S::Db> + sqlx::Type<S::Db>,
    for<'q> Option<i64>: sqlx::Encode<'q, S::Db>,
    for<'q> OffsetDateTime: sqlx::Encode<'q, S::Db> + sqlx::Type<S::Db>,
{
    for (position, attendee) in input.attendees.iter().enumerate() {
        sqlx::query(
            "insert into interview_attendees (interview_id, position, role, user_id, name) \
             values ($1, $2, $3, $4, $5)",
        )
        .bind(interview_id)
        .bind(position as i64)
        .bind(attendee.role.as_str())
        .bind(attendee.user_id)
        .bind(attendee.name.as_str())
        .execute(&mut **tx)
        .await?;
    }
    sqlx::query(
        "insert into interview_memoranda (interview_id, version, body, written_by, written_at) \
         values ($1, $2, $3, $4, $5)",
    )
    .bind(interview_id)
    .bind(version)
    .bind(input.memorandum.as_str())
    .bind(by)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
