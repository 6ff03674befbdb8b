//! The durable job table: background work (message imports, text extraction, report
//! approval) waiting, running under a lease its worker renews, done or failed.
//!
//! A worker claims the oldest waiting job by setting its lease; while it works it renews the
//! lease and writes its progress. A lease that ran out belongs to a worker that stopped (the
//! process was killed, the machine restarted): the job is claimed again, up to
//! [`MAX_ATTEMPTS`] starts, then marked failed. Every write names the attempt it belongs to,
//! so a worker that lost its lease can no longer change the job. Written once over both
//! databases ([`Pooled`]); PostgreSQL's claim skips rows another node is claiming.

use super::tokens::Pooled;
use super::{StoreResult, corrupt};
use async_trait::async_trait;
use probity_domain::jobs::{Job, JobKind, JobState, MAX_ATTEMPTS};
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, Row, Type};
use time::OffsetDateTime;

/// A job about to be stored.
#[derive(Clone, Debug)]
pub struct NewJob {
    pub kind: JobKind,
    pub case_id: i64,
    pub subject: String,
    /// The worker's input, as JSON.
    pub params: String,
    pub created_by: Option<i64>,
}

/// What a running job has done so far.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct JobProgress {
    pub done: i64,
    pub total: Option<i64>,
    pub step: String,
}

/// Storage of background jobs.
#[async_trait]
pub trait JobStore {
    /// Stores a waiting job.
    async fn create_job(&self, job: NewJob) -> StoreResult<Job>;
    /// One job.
    async fn job(&self, job_id: i64) -> StoreResult<Option<Job>>;
    /// The newest job of a kind on a subject of a case.
    async fn latest_job(
        &self,
        case_id: i64,
        subject: &str,
        kind: JobKind,
    ) -> StoreResult<Option<Job>>;
    /// Submits text extraction for every exhibit waiting for its text without a job that
    /// will read it (one whose job could not be stored); returns how many.
    async fn resubmit_pending_text(&self) -> StoreResult<u64>;
    /// Claims the oldest waiting job, or else one whose lease ran out before `now` (Unix
    /// seconds) and may be started again; its lease runs until `lease_until`.
    async fn claim_job(&self, now: i64, lease_until: i64) -> StoreResult<Option<Job>>;
    /// Marks failed the jobs whose lease ran out before `now` after their last allowed
    /// start, and returns them.
    async fn give_up_jobs(&self, now: i64) -> StoreResult<Vec<Job>>;
    /// Writes a running attempt's progress and renews its lease. False when the attempt no
    /// longer holds the job.
    async fn report_progress(
        &self,
        job_id: i64,
        attempt: i64,
        progress: &JobProgress,
        lease_until: i64,
    ) -> StoreResult<bool>;
    /// Ends a running attempt: done with its result, or failed with a reason for people.
    /// False when the attempt no longer held the job (nothing is written).
    async fn finish_job(
        &self,
        job_id: i64,
        attempt: i64,
        outcome: Result<Option<String>, String>,
    ) -> StoreResult<bool>;
}

/// How a backend claims a row that several nodes may reach for at once.
pub trait JobDialect {
    /// Appended to the claim's inner select.
    const SKIP_LOCKED: &'static str;
}

impl JobDialect for super::sqlite::SqliteStorage {
    // One writer at a time: the claim's update reads and writes under the write lock.
    const SKIP_LOCKED: &'static str = "";
}

impl JobDialect for super::postgres::PostgresStorage {
    const SKIP_LOCKED: &'static str = " for update skip locked";
}

const JOB_COLUMNS: &str = "job_id, kind, case_id, subject, params, state, attempts, done_count, \
     total_count, step, result, error, created_by, created_at, started_at, finished_at";

/// Why a job that kept stopping is given up.
const GIVEN_UP: &str = "The work stopped before it ended each time it was started (the server \
     may have been restarted or run out of memory); nothing of it was kept. Start it again.";

fn job_from_row<R>(row: &R) -> StoreResult<Job>
where
    R: Row,
    for<'a> &'a str: ColumnIndex<R>,
    for<'r> i64: Decode<'r, R::Database> + Type<R::Database>,
    for<'r> String: Decode<'r, R::Database> + Type<R::Database>,
    for<'r> OffsetDateTime: Decode<'r, R::Database> + Type<R::Database>,
{
    let kind: String = row.try_get("kind")?;
    let state: String = row.try_get("state")?;
    Ok(Job {
        job_id: row.try_get("job_id")?,
        kind: JobKind::parse(&kind).ok_or_else(corrupt("kind"))?,
        case_id: row.try_get("case_id")?,
        subject: row.try_get("subject")?,
        params: row.try_get("params")?,
        state: JobState::parse(&state).ok_or_else(corrupt("state"))?,
        attempts: row.try_get("attempts")?,
        done_count: row.try_get("done_count")?,
        total_count: row.try_get("total_count")?,
        step: row.try_get("step")?,
        result: row.try_get("result")?,
        error: row.try_get("error")?,
        created_by: row.try_get("created_by")?,
        created_at: row.try_get("created_at")?,
        started_at: row.try_get("started_at")?,
        finished_at: row.try_get("finished_at")?,
    })
}

#[async_trait]
impl<S> JobStore for S
where
    S: Pooled + JobDialect,
    for<'c> &'c mut <S::Db as Database>::Connection: Executor<'c, Database = S::Db>,
    for<'q> <S::Db as Database>::Arguments<'q>: IntoArguments<'q, S::Db>,
    for<'a> &'a str: ColumnIndex<<S::Db as Database>::Row>,
    usize: ColumnIndex<<S::Db as Database>::Row>,
    for<'q> i64: Encode<'q, S::Db> + Decode<'q, S::Db> + Type<S::Db>,
    for<'q> Option<i64>: Encode<'q, S::Db>,
    for<'q> Option<String>: Encode<'q, S::Db>,
    for<'q> String: Encode<'q, S::Db> + Decode<'q, S::Db> + Type<S::Db>,
    for<'q> &'q str: Encode<'q, S::Db> + Type<S::Db>,
    for<'q> OffsetDateTime: Encode<'q, S::Db> + Decode<'q, S::Db> + Type<S::Db>,
{
    #[tracing::instrument(skip_all, fields(case_id = job.case_id, kind = job.kind.as_str()))]
    async fn create_job(&self, job: NewJob) -> StoreResult<Job> {
        let sql = format!(
            "insert into jobs (kind, case_id, subject, params, created_by, created_at) \
             values ($1, $2, $3, $4, $5, $6) returning {JOB_COLUMNS}"
        );
        let row = sqlx::query(&sql)
            .bind(job.kind.as_str())
            .bind(job.case_id)
            .bind(job.subject)
            .bind(job.params)
            .bind(job.created_by)
            .bind(OffsetDateTime::now_utc())
            .fetch_one(self.pool())
            .await?;
        job_from_row(&row)
    }

    #[tracing::instrument(skip_all, fields(job_id))]
    async fn job(&self, job_id: i64) -> StoreResult<Option<Job>> {
        let sql = format!("select {JOB_COLUMNS} from jobs where job_id = $1");
        let row = sqlx::query(&sql)
            .bind(job_id)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(job_from_row).transpose()
    }

    #[tracing::instrument(skip_all, fields(case_id, subject))]
    async fn latest_job(
        &self,
        case_id: i64,
        subject: &str,
        kind: JobKind,
    ) -> StoreResult<Option<Job>> {
        let sql = format!(
            "select {JOB_COLUMNS} from jobs where case_id = $1 and subject = $2 and kind = $3 \
             order by job_id desc limit 1"
        );
        let row = sqlx::query(&sql)
            .bind(case_id)
            .bind(subject)
            .bind(kind.as_str())
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(job_from_row).transpose()
    }

    #[tracing::instrument(skip_all)]
    async fn resubmit_pending_text(&self) -> StoreResult<u64> {
        let done: Vec<i64> = sqlx::query_scalar(
            "insert into jobs (kind, case_id, subject, created_at) \
             select 'text_extraction', e.case_id, 'exhibit:' || e.exhibit_id, $1 \
             from exhibits e where e.ocr_status = 'pending' and not exists (select 1 from jobs j \
             where j.case_id = e.case_id and j.subject = 'exhibit:' || e.exhibit_id \
             and j.kind = 'text_extraction' and j.state in ('queued', 'running')) \
             order by e.exhibit_id returning job_id",
        )
        .bind(OffsetDateTime::now_utc())
        .fetch_all(self.pool())
        .await?;
        Ok(done.len() as u64)
    }

    #[tracing::instrument(skip_all)]
    async fn claim_job(&self, now: i64, lease_until: i64) -> StoreResult<Option<Job>> {
        // Two statements rather than one with an `or`: each finds its row through the
        // (state, job_id) index, however many finished jobs the table holds.
        let waiting = format!(
            "update jobs set state = 'running', attempts = attempts + 1, started_at = $1, \
             lease_until = $2, done_count = 0, total_count = null, step = '' \
             where state = 'queued' and job_id = (select job_id from jobs \
             where state = 'queued' order by job_id limit 1{}) returning {JOB_COLUMNS}",
            S::SKIP_LOCKED
        );
        let started = OffsetDateTime::now_utc();
        let row = sqlx::query(&waiting)
            .bind(started)
            .bind(lease_until)
            .fetch_optional(self.pool())
            .await?;
        if let Some(row) = row {
            return job_from_row(&row).map(Some);
        }
        let abandoned = format!(
            "update jobs set attempts = attempts + 1, started_at = $1, lease_until = $2, \
             done_count = 0, total_count = null, step = '' \
             where state = 'running' and lease_until < $3 and attempts < $4 \
             and job_id = (select job_id from jobs where state = 'running' \
             and lease_until < $3 and attempts < $4 order by job_id limit 1{}) \
             returning {JOB_COLUMNS}",
            S::SKIP_LOCKED
        );
        let row = sqlx::query(&abandoned)
            .bind(started)
            .bind(lease_until)
            .bind(now)
            .bind(MAX_ATTEMPTS)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(job_from_row).transpose()
    }

    #[tracing::instrument(skip_all)]
    async fn give_up_jobs(&self, now: i64) -> StoreResult<Vec<Job>> {
        let sql = format!(
            "update jobs set state = 'failed', error = $1, finished_at = $2, lease_until = null \
             where state = 'running' and lease_until < $3 and attempts >= $4 \
             returning {JOB_COLUMNS}"
        );
        let rows = sqlx::query(&sql)
            .bind(GIVEN_UP)
            .bind(OffsetDateTime::now_utc())
            .bind(now)
            .bind(MAX_ATTEMPTS)
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(job_from_row).collect()
    }

    #[tracing::instrument(skip_all, fields(job_id, attempt))]
    async fn report_progress(
        &self,
        job_id: i64,
        attempt: i64,
        progress: &JobProgress,
        lease_until: i64,
    ) -> StoreResult<bool> {
        let step: String = progress.step.chars().take(300).collect();
        let held: Option<i64> = sqlx::query_scalar(
            "update jobs set done_count = $1, total_count = $2, step = $3, lease_until = $4 \
             where job_id = $5 and attempts = $6 and state = 'running' returning job_id",
        )
        .bind(progress.done)
        .bind(progress.total)
        .bind(step)
        .bind(lease_until)
        .bind(job_id)
        .bind(attempt)
        .fetch_optional(self.pool())
        .await?;
        Ok(held.is_some())
    }

    #[tracing::instrument(skip_all, fields(job_id, attempt))]
    async fn finish_job(
        &self,
        job_id: i64,
        attempt: i64,
        outcome: Result<Option<String>, String>,
    ) -> StoreResult<bool> {
        let (state, result, error) = match outcome {
            Ok(result) => (JobState::Done, result, None),
            Err(error) => (JobState::Failed, None, Some(error)),
        };
        let held: Option<i64> = sqlx::query_scalar(
            "update jobs set state = $1, result = $2, error = $3, finished_at = $4, \
             lease_until = null, \
             done_count = case when $1 = 'done' then coalesce(total_count, done_count) else done_count end \
             where job_id = $5 and attempts = $6 and state = 'running' returning job_id",
        )
        .bind(state.as_str())
        .bind(result)
        .bind(error)
        .bind(OffsetDateTime::now_utc())
        .bind(job_id)
        .bind(attempt)
        .fetch_optional(self.pool())
        .await?;
        Ok(held.is_some())
    }
}
