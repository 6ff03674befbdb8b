//! A case's clocks (with every extension, pause and resumption), its investigative plan
//! (tasks) and the consents its complainants gave to disclose who they are. Written once
//! over both databases; days are stored as `YYYY-MM-DD` text on both.

use super::backend::SqlBackend;
use super::cases::{CaseViewer, push_visibility};
use super::{StoreError, StoreResult};
use async_trait::async_trait;
use probity_domain::clocks::{
    CaseClock, ClockChange, ClockChangeKind, ClockDue, ClockRule, ClockStart, TaskTemplate,
};
use probity_domain::complaints::{Consent, ConsentScope};
use probity_domain::plan::{MyTask, SupervisoryReview, Task, TaskStatus};
use sqlx::Row as _;
use time::{Date, OffsetDateTime};

/// A task's details, validated.
#[derive(Clone, Debug)]
pub struct TaskInput {
    pub title: String,
    pub notes: String,
    pub assignee_id: Option<i64>,
    pub due_on: Option<String>,
    pub status: TaskStatus,
    pub fulfilled_exhibit_id: Option<i64>,
    pub fulfilled_event_id: Option<i64>,
}

/// A change to a clock, validated.
#[derive(Clone, Debug)]
pub struct ClockChangeInput {
    pub kind: ClockChangeKind,
    pub days: i64,
    pub reason: String,
    pub consent_on: Option<String>,
}

/// A consent about to be recorded, validated.
#[derive(Clone, Debug)]
pub struct ConsentInput {
    pub complaint_id: i64,
    pub scope: ConsentScope,
    pub given_on: String,
    pub how_given: String,
}

/// Storage of clocks, tasks and consents.
#[async_trait]
pub trait PlanStore: Send + Sync {
    /// The case's clocks, in the order its type lists them.
    async fn case_clocks(&self, case_id: i64) -> StoreResult<Vec<CaseClock>>;
    /// Every change of the case's clocks, oldest first.
    async fn clock_changes(&self, case_id: i64) -> StoreResult<Vec<ClockChange>>;
    /// Applies a change to one clock on `today`, recording who and why, in one transaction;
    /// [`StoreError::Stale`] when the clock changed meanwhile or the change does not apply.
    async fn change_clock(
        &self,
        case_id: i64,
        clock: &str,
        change: &ClockChangeInput,
        by: i64,
        today: Date,
    ) -> StoreResult<CaseClock>;
    /// The running clocks of open cases the viewer may see, soonest due first.
    async fn clocks_due(&self, viewer: CaseViewer, limit: i64) -> StoreResult<Vec<ClockDue>>;

    /// The case's tasks: open ones first by due day, then the rest.
    async fn tasks(&self, case_id: i64) -> StoreResult<Vec<Task>>;
    /// One task of the case.
    async fn task(&self, case_id: i64, task_id: i64) -> StoreResult<Option<Task>>;
    /// Adds a task.
    async fn create_task(&self, case_id: i64, task: &TaskInput, by: i64) -> StoreResult<Task>;
    /// Saves a task based on `version`; [`StoreError::Stale`] when it changed meanwhile.
    async fn update_task(
        &self,
        case_id: i64,
        task_id: i64,
        version: i64,
        task: &TaskInput,
        by: i64,
    ) -> StoreResult<Task>;
    /// The open tasks assigned to a person on cases whose team they are on and are not
    /// recused from, soonest due first.
    async fn my_tasks(&self, user_id: i64, limit: i64) -> StoreResult<Vec<MyTask>>;

    /// The id of the case's exhibit with this number.
    async fn exhibit_id_by_number(&self, case_id: i64, number: i64) -> StoreResult<Option<i64>>;
    /// The case's timeline events as `(id, title, day)`, in time order, for the task form.
    async fn event_choices(&self, case_id: i64) -> StoreResult<Vec<(i64, String, String)>>;

    /// The consents recorded on a case, oldest first.
    async fn consents(&self, case_id: i64) -> StoreResult<Vec<Consent>>;
    /// Records a consent.
    async fn record_consent(
        &self,
        case_id: i64,
        consent: &ConsentInput,
        by: i64,
    ) -> StoreResult<()>;
    /// Marks a consent withdrawn on `on`; [`StoreError::NotFound`] when there is none in
    /// force.
    async fn withdraw_consent(&self, case_id: i64, consent_id: i64, on: &str) -> StoreResult<()>;

    /// The case's supervisory reviews, newest first.
    async fn reviews(&self, case_id: i64) -> StoreResult<Vec<SupervisoryReview>>;
    /// Records a supervisory review.
    async fn add_review(&self, case_id: i64, by: i64, note: &str) -> StoreResult<()>;
}

fn day(text: &str, column: &'static str) -> StoreResult<Date> {
    Date::parse(text, &time::format_description::well_known::Iso8601::DATE)
        .map_err(|_| StoreError::Corrupt(column))
}

fn day_text(day: Date) -> String {
    day.to_string()
}

const CLOCK_COLUMNS: &str = "k.case_id, k.clock, k.label, k.started_on, k.base_days, \
     k.extension_limit_days, k.extension_needs_consent, k.extended_days, k.paused_since, \
     k.paused_days, k.stopped_on, k.due_on";

fn clock_from_row<R>(row: &R) -> StoreResult<CaseClock>
where
    R: sqlx::Row,
    for<'a> &'a str: sqlx::ColumnIndex<R>,
    for<'q> i64: sqlx::Decode<'q, R::Database> + sqlx::Type<R::Database>,
    for<'q> bool: sqlx::Decode<'q, R::Database> + sqlx::Type<R::Database>,
    for<'q> String: sqlx::Decode<'q, R::Database> + sqlx::Type<R::Database>,
{
    let optional = |column: &'static str| -> StoreResult<Option<Date>> {
        let text: Option<String> = row.try_get(column)?;
        text.as_deref().map(|t| day(t, column)).transpose()
    };
    Ok(CaseClock {
        case_id: row.try_get("case_id")?,
        clock: row.try_get("clock")?,
        label: row.try_get("label")?,
        started_on: day(
            &row.try_get::<String, _>("started_on")?,
            "case_clocks.started_on",
        )?,
        base_days: row.try_get("base_days")?,
        extension_limit_days: row.try_get("extension_limit_days")?,
        extension_needs_consent: row.try_get("extension_needs_consent")?,
        extended_days: row.try_get("extended_days")?,
        paused_since: optional("paused_since")?,
        paused_days: row.try_get("paused_days")?,
        stopped_on: optional("stopped_on")?,
        due_on: day(&row.try_get::<String, _>("due_on")?, "case_clocks.due_on")?,
    })
}

const TASK_COLUMNS: &str = "t.task_id, t.case_id, t.title, t.notes, t.assignee_id, \
     au.display_name as assignee_name, t.due_on, t.status, t.fulfilled_exhibit_id, \
     x.number as exhibit_number, t.fulfilled_event_id, e.narrative as event_title, cu.display_name as created_by_name, \
     uu.display_name as updated_by_name, t.updated_at, t.version";

const TASK_FROM: &str = "from case_tasks t \
     left join users au on au.user_id = t.assignee_id \
     join users cu on cu.user_id = t.created_by \
     join users uu on uu.user_id = t.updated_by \
     left join exhibits x on x.exhibit_id = t.fulfilled_exhibit_id \
     left join events e on e.event_id = t.fulfilled_event_id";

/// Open first, by due day (undated last), then the rest.
const TASK_ORDER: &str = "order by case when t.status in ('open', 'in_progress') then 0 else 1 end, \
     case when t.due_on is null then 1 else 0 end, t.due_on, t.task_id";

fn task_from_row<R>(row: &R) -> StoreResult<Task>
where
    R: sqlx::Row,
    for<'a> &'a str: sqlx::ColumnIndex<R>,
    for<'q> i64: sqlx::Decode<'q, R::Database> + sqlx::Type<R::Database>,
    for<'q> String: sqlx::Decode<'q, R::Database> + sqlx::Type<R::Database>,
    for<'q> OffsetDateTime: sqlx::Decode<'q, R::Database> + sqlx::Type<R::Database>,
{
    let status: String = row.try_get("status")?;
    let exhibit_id: Option<i64> = row.try_get("fulfilled_exhibit_id")?;
    let exhibit_number: Option<i64> = row.try_get("exhibit_number")?;
    let event_id: Option<i64> = row.try_get("fulfilled_event_id")?;
    let event_title: Option<String> = row.try_get("event_title")?;
    Ok(Task {
        task_id: row.try_get("task_id")?,
        case_id: row.try_get("case_id")?,
        title: row.try_get("title")?,
        notes: row.try_get("notes")?,
        assignee_id: row.try_get("assignee_id")?,
        assignee_name: row.try_get("assignee_name")?,
        due_on: row.try_get("due_on")?,
        status: TaskStatus::parse(&status).ok_or(StoreError::Corrupt("case_tasks.status"))?,
        fulfilled_exhibit: exhibit_id.zip(exhibit_number),
        fulfilled_event: event_id.zip(event_title),
        created_by_name: row.try_get("created_by_name")?,
        updated_by_name: row.try_get("updated_by_name")?,
        updated_at: row.try_get("updated_at")?,
        version: row.try_get("version")?,
    })
}

/// What a new case of a type starts with: its clocks and its template tasks.
#[derive(Clone, Debug, Default)]
pub struct CasePlan {
    pub clocks: Vec<ClockRule>,
    pub tasks: Vec<TaskTemplate>,
}

/// Starts a new case's clocks and plan in the transaction that opens it.
pub(crate) async fn insert_plan<S>(
    tx: &mut sqlx::Transaction<'_, S::Db>,
    case_id: i64,
    plan: &CasePlan,
    received_on: &str,
    created_by: i64,
    now: OffsetDateTime,
) -> StoreResult<()>
where
    S: SqlBackend,
    for<'c> &'c mut <S::Db as sqlx::Database>::Connection: sqlx::Executor<'c, Database = S::Db>,
    for<'q> <S::Db as sqlx::Database>::Arguments<'q>: sqlx::IntoArguments<'q, S::Db>,
    for<'q> i64: sqlx::Encode<'q, S::Db> + sqlx::Type<S::Db>,
    for<'q> bool: sqlx::Encode<'q, S::Db> + sqlx::Type<S::Db>,
    for<'q> String: sqlx::Encode<'q, S::Db> + sqlx::Type<S::Db>,
    for<'q> OffsetDateTime: sqlx::Encode<'q, S::Db> + sqlx::Type<S::Db>,
    for<'q> &'q str: sqlx::Encode<'q, S::Db> + sqlx::Type<S::Db>,
    for<'q> Option<String>: sqlx::Encode<'q, S::Db>,
{
    let opened = now.date();
    let received = day(received_on, "cases.received_on").unwrap_or(opened);
    for rule in &plan.clocks {
        let started = match rule.starts {
            ClockStart::Received => received,
            ClockStart::Opened => opened,
        };
        sqlx::query(
            "insert into case_clocks (case_id, clock, label, started_on, base_days, \
             extension_limit_days, extension_needs_consent, extended_days, paused_days, due_on) \
             values ($1, $2, $3, $4, $5, $6, $7, 0, 0, $8)",
        )
        .bind(case_id)
        .bind(rule.key.as_str())
        .bind(rule.label.as_str())
        .bind(day_text(started))
        .bind(rule.days)
        .bind(rule.extension_days)
        .bind(rule.extension_needs_consent)
        .bind(day_text(CaseClock::due_for(started, rule.days)))
        .execute(&mut **tx)
        .await?;
    }
    for task in &plan.tasks {
        let due = task
            .due_days
            .map(|days| day_text(CaseClock::due_for(opened, days)));
        sqlx::query(
            "insert into case_tasks (case_id, title, notes, due_on, status, created_by, created_at, \
             updated_by, updated_at, version) values ($1, $2, $3, $4, 'open', $5, $6, $5, $6, 1)",
        )
        .bind(case_id)
        .bind(task.title.as_str())
        .bind(task.notes.as_str())
        .bind(due)
        .bind(created_by)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Stops a closing case's clocks, or starts a reopened case's again, in the transaction that
/// moves its status.
pub(crate) async fn follow_status<S>(
    tx: &mut sqlx::Transaction<'_, S::Db>,
    case_id: i64,
    kind: ClockChangeKind,
    reason: &str,
    by: i64,
    now: OffsetDateTime,
) -> StoreResult<()>
where
    S: SqlBackend,
    for<'c> &'c mut <S::Db as sqlx::Database>::Connection: sqlx::Executor<'c, Database = S::Db>,
    for<'q> <S::Db as sqlx::Database>::Arguments<'q>: sqlx::IntoArguments<'q, S::Db>,
    for<'a> &'a str: sqlx::ColumnIndex<<S::Db as sqlx::Database>::Row>,
    for<'q> i64: sqlx::Encode<'q, S::Db> + sqlx::Decode<'q, S::Db> + sqlx::Type<S::Db>,
    for<'q> bool: sqlx::Decode<'q, S::Db> + sqlx::Type<S::Db>,
    for<'q> String: sqlx::Encode<'q, S::Db> + sqlx::Decode<'q, S::Db> + sqlx::Type<S::Db>,
    for<'q> OffsetDateTime: sqlx::Encode<'q, S::Db> + sqlx::Type<S::Db>,
    for<'q> &'q str: sqlx::Encode<'q, S::Db> + sqlx::Type<S::Db>,
    for<'q> Option<String>: sqlx::Encode<'q, S::Db> + sqlx::Decode<'q, S::Db>,
    <S::Db as sqlx::Database>::QueryResult: super::backend::Affected,
{
    let rows = sqlx::query(&format!(
        "select {CLOCK_COLUMNS} from case_clocks k where k.case_id = $1 order by k.clock"
    ))
    .bind(case_id)
    .fetch_all(&mut **tx)
    .await?;
    for row in &rows {
        let clock = clock_from_row(row)?;
        if let Some(next) = clock.apply(kind, 0, now.date()) {
            write_clock::<S>(tx, &clock, &next).await?;
            insert_change::<S>(tx, case_id, &clock.clock, kind, 0, reason, None, by, now).await?;
        }
    }
    Ok(())
}

/// Writes a clock's new state where it still has the old one; `Stale` otherwise.
async fn write_clock<S>(
    tx: &mut sqlx::Transaction<'_, S::Db>,
    old: &CaseClock,
    next: &CaseClock,
) -> StoreResult<()>
where
    S: SqlBackend,
    for<'c> &'c mut <S::Db as sqlx::Database>::Connection: sqlx::Executor<'c, Database = S::Db>,
    for<'q> <S::Db as sqlx::Database>::Arguments<'q>: sqlx::IntoArguments<'q, S::Db>,
    for<'q> i64: sqlx::Encode<'q, S::Db> + sqlx::Type<S::Db>,
    for<'q> String: sqlx::Encode<'q, S::Db> + sqlx::Type<S::Db>,
    for<'q> &'q str: sqlx::Encode<'q, S::Db> + sqlx::Type<S::Db>,
    for<'q> Option<String>: sqlx::Encode<'q, S::Db>,
    <S::Db as sqlx::Database>::QueryResult: super::backend::Affected,
{
    let done = sqlx::query(
        "update case_clocks set extended_days = $1, paused_since = $2, paused_days = $3, \
         stopped_on = $4, due_on = $5 \
         where case_id = $6 and clock = $7 and extended_days = $8 and paused_days = $9 \
         and coalesce(paused_since, '') = $10 and coalesce(stopped_on, '') = $11",
    )
    .bind(next.extended_days)
    .bind(next.paused_since.map(day_text))
    .bind(next.paused_days)
    .bind(next.stopped_on.map(day_text))
    .bind(day_text(next.due_on))
    .bind(old.case_id)
    .bind(old.clock.as_str())
    .bind(old.extended_days)
    .bind(old.paused_days)
    .bind(old.paused_since.map(day_text).unwrap_or_default())
    .bind(old.stopped_on.map(day_text).unwrap_or_default())
    .execute(&mut **tx)
    .await?;
    if super::backend::Affected::rows_affected(&done) == 0 {
        return Err(StoreError::Stale);
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
async fn insert_change<S>(
    tx: &mut sqlx::Transaction<'_, S::Db>,
    case_id: i64,
    clock: &str,
    kind: ClockChangeKind,
    days: i64,
    reason: &str,
    consent_on: Option<String>,
    by: i64,
    now: OffsetDateTime,
) -> StoreResult<()>
where
    S: SqlBackend,
    for<'c> &'c mut <S::Db as sqlx::Database>::Connection: sqlx::Executor<'c, Database = S::Db>,
    for<'q> <S::Db as sqlx::Database>::Arguments<'q>: sqlx::IntoArguments<'q, S::Db>,
    for<'q> i64: sqlx::Encode<'q, S::Db> + sqlx::Type<S::Db>,
    for<'q> OffsetDateTime: sqlx::Encode<'q, S::Db> + sqlx::Type<S::Db>,
    for<'q> &'q str: sqlx::Encode<'q, S::Db> + sqlx::Type<S::Db>,
    for<'q> String: sqlx::Type<S::Db>,
    for<'q> Option<String>: sqlx::Encode<'q, S::Db>,
{
    sqlx::query(
        "insert into case_clock_changes (case_id, clock, kind, days, reason, consent_on, \
         changed_by, changed_at) values ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(case_id)
    .bind(clock)
    .bind(kind.as_str())
    .bind(days)
    .bind(reason)
    .bind(consent_on)
    .bind(by)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[async_trait]
impl<S> PlanStore for S
where
    S: SqlBackend + super::search::RunsBuilt,
    for<'c> &'c mut <S::Db as sqlx::Database>::Connection: sqlx::Executor<'c, Database = S::Db>,
    for<'q> <S::Db as sqlx::Database>::Arguments<'q>: sqlx::IntoArguments<'q, S::Db>,
    for<'a> &'a str: sqlx::ColumnIndex<<S::Db as sqlx::Database>::Row>,
    usize: sqlx::ColumnIndex<<S::Db as sqlx::Database>::Row>,
    for<'q> i64: sqlx::Encode<'q, S::Db> + sqlx::Decode<'q, S::Db> + sqlx::Type<S::Db>,
    for<'q> bool: sqlx::Encode<'q, S::Db> + sqlx::Decode<'q, S::Db> + sqlx::Type<S::Db>,
    for<'q> String: sqlx::Encode<'q, S::Db> + sqlx::Decode<'q, S::Db> + sqlx::Type<S::Db>,
    for<'q> OffsetDateTime: sqlx::Encode<'q, S::Db> + sqlx::Decode<'q, S::Db> + sqlx::Type<S::Db>,
    for<'q> &'q str: sqlx::Encode<'q, S::Db> + sqlx::Type<S::Db>,
    for<'q> Option<i64>: sqlx::Encode<'q, S::Db> + sqlx::Decode<'q, S::Db>,
    for<'q> Option<String>: sqlx::Encode<'q, S::Db> + sqlx::Decode<'q, S::Db>,
    <S::Db as sqlx::Database>::QueryResult: super::backend::Affected,
{
    #[tracing::instrument(skip_all, fields(case_id))]
    async fn case_clocks(&self, case_id: i64) -> StoreResult<Vec<CaseClock>> {
        let rows = sqlx::query(&format!(
            "select {CLOCK_COLUMNS} from case_clocks k where k.case_id = $1 order by k.clock"
        ))
        .bind(case_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(clock_from_row).collect()
    }

    #[tracing::instrument(skip_all, fields(case_id))]
    async fn clock_changes(&self, case_id: i64) -> StoreResult<Vec<ClockChange>> {
        let rows = sqlx::query(
            "select g.change_id, g.clock, g.kind, g.days, g.reason, g.consent_on, \
             u.display_name, g.changed_at from case_clock_changes g \
             join users u on u.user_id = g.changed_by where g.case_id = $1 order by g.change_id",
        )
        .bind(case_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                let kind: String = row.try_get("kind")?;
                Ok(ClockChange {
                    change_id: row.try_get("change_id")?,
                    clock: row.try_get("clock")?,
                    kind: ClockChangeKind::parse(&kind)
                        .ok_or(StoreError::Corrupt("case_clock_changes.kind"))?,
                    days: row.try_get("days")?,
                    reason: row.try_get("reason")?,
                    consent_on: row.try_get("consent_on")?,
                    changed_by_name: row.try_get("display_name")?,
                    changed_at: row.try_get("changed_at")?,
                })
            })
            .collect()
    }

    #[tracing::instrument(skip_all, fields(case_id, clock))]
    async fn change_clock(
        &self,
        case_id: i64,
        clock: &str,
        change: &ClockChangeInput,
        by: i64,
        today: Date,
    ) -> StoreResult<CaseClock> {
        let now = OffsetDateTime::now_utc();
        let mut tx = self.begin_write().await?;
        let row = sqlx::query(&format!(
            "select {CLOCK_COLUMNS} from case_clocks k where k.case_id = $1 and k.clock = $2"
        ))
        .bind(case_id)
        .bind(clock)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::NotFound)?;
        let old = clock_from_row(&row)?;
        let next = old
            .apply(change.kind, change.days, today)
            .ok_or(StoreError::Stale)?;
        write_clock::<S>(&mut tx, &old, &next).await?;
        insert_change::<S>(
            &mut tx,
            case_id,
            clock,
            change.kind,
            change.days,
            &change.reason,
            change.consent_on.clone(),
            by,
            now,
        )
        .await?;
        super::outcomes::touch::<S>(&mut tx, case_id, now).await?;
        tx.commit().await?;
        Ok(next)
    }

    #[tracing::instrument(skip_all, fields(user_id = viewer.user_id))]
    async fn clocks_due(&self, viewer: CaseViewer, limit: i64) -> StoreResult<Vec<ClockDue>> {
        let mut builder = sqlx::QueryBuilder::<S::Db>::new(format!(
            "select {CLOCK_COLUMNS}, c.case_number, c.title from case_clocks k \
             join cases c on c.case_id = k.case_id \
             where k.stopped_on is null and c.status <> 'closed' and "
        ));
        push_visibility(&mut builder, viewer);
        builder
            .push(" order by k.due_on, k.case_id limit ")
            .push_bind(limit);
        let rows = self.rows(&mut builder).await?;
        rows.iter()
            .map(|row| {
                Ok(ClockDue {
                    case_number: row.try_get("case_number")?,
                    case_title: row.try_get("title")?,
                    clock: clock_from_row(row)?,
                })
            })
            .collect()
    }

    #[tracing::instrument(skip_all, fields(case_id))]
    async fn tasks(&self, case_id: i64) -> StoreResult<Vec<Task>> {
        let rows = sqlx::query(&format!(
            "select {TASK_COLUMNS} {TASK_FROM} where t.case_id = $1 {TASK_ORDER} limit 1000"
        ))
        .bind(case_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(task_from_row).collect()
    }

    #[tracing::instrument(skip_all, fields(case_id, task_id))]
    async fn task(&self, case_id: i64, task_id: i64) -> StoreResult<Option<Task>> {
        let row = sqlx::query(&format!(
            "select {TASK_COLUMNS} {TASK_FROM} where t.case_id = $1 and t.task_id = $2"
        ))
        .bind(case_id)
        .bind(task_id)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(task_from_row).transpose()
    }

    #[tracing::instrument(skip_all, fields(case_id))]
    async fn create_task(&self, case_id: i64, task: &TaskInput, by: i64) -> StoreResult<Task> {
        let now = OffsetDateTime::now_utc();
        let mut tx = self.begin_write().await?;
        let task_id: i64 = sqlx::query_scalar(
            "insert into case_tasks (case_id, title, notes, assignee_id, due_on, status, \
             fulfilled_exhibit_id, fulfilled_event_id, created_by, created_at, updated_by, \
             updated_at, version) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $9, $10, 1) \
             returning task_id",
        )
        .bind(case_id)
        .bind(task.title.as_str())
        .bind(task.notes.as_str())
        .bind(task.assignee_id)
        .bind(task.due_on.clone())
        .bind(task.status.as_str())
        .bind(task.fulfilled_exhibit_id)
        .bind(task.fulfilled_event_id)
        .bind(by)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        super::outcomes::touch::<S>(&mut tx, case_id, now).await?;
        tx.commit().await?;
        self.task(case_id, task_id)
            .await?
            .ok_or(StoreError::NotFound)
    }

    #[tracing::instrument(skip_all, fields(case_id, task_id))]
    async fn update_task(
        &self,
        case_id: i64,
        task_id: i64,
        version: i64,
        task: &TaskInput,
        by: i64,
    ) -> StoreResult<Task> {
        let now = OffsetDateTime::now_utc();
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "update case_tasks set title = $1, notes = $2, assignee_id = $3, due_on = $4, \
             status = $5, fulfilled_exhibit_id = $6, fulfilled_event_id = $7, updated_by = $8, \
             updated_at = $9, version = version + 1 \
             where case_id = $10 and task_id = $11 and version = $12",
        )
        .bind(task.title.as_str())
        .bind(task.notes.as_str())
        .bind(task.assignee_id)
        .bind(task.due_on.clone())
        .bind(task.status.as_str())
        .bind(task.fulfilled_exhibit_id)
        .bind(task.fulfilled_event_id)
        .bind(by)
        .bind(now)
        .bind(case_id)
        .bind(task_id)
        .bind(version)
        .execute(&mut *tx)
        .await?;
        if super::backend::Affected::rows_affected(&done) == 0 {
            drop(tx);
            return Err(match self.task(case_id, task_id).await? {
                Some(_) => StoreError::Stale,
                None => StoreError::NotFound,
            });
        }
        super::outcomes::touch::<S>(&mut tx, case_id, now).await?;
        tx.commit().await?;
        self.task(case_id, task_id)
            .await?
            .ok_or(StoreError::NotFound)
    }

    #[tracing::instrument(skip_all, fields(user_id))]
    async fn my_tasks(&self, user_id: i64, limit: i64) -> StoreResult<Vec<MyTask>> {
        let rows = sqlx::query(&format!(
            "select {TASK_COLUMNS}, c.case_number, c.title as case_title {TASK_FROM} \
             join cases c on c.case_id = t.case_id \
             where t.assignee_id = $1 and t.status in ('open', 'in_progress') \
             and exists (select 1 from case_members m where m.case_id = t.case_id and m.user_id = $1) \
             and not exists (select 1 from case_recusals r where r.case_id = t.case_id and r.user_id = $1) \
             order by case when t.due_on is null then 1 else 0 end, t.due_on, t.task_id limit $2"
        ))
        .bind(user_id)
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(MyTask {
                    task: task_from_row(row)?,
                    case_number: row.try_get("case_number")?,
                    case_title: row.try_get("case_title")?,
                })
            })
            .collect()
    }

    #[tracing::instrument(skip_all, fields(case_id))]
    async fn exhibit_id_by_number(&self, case_id: i64, number: i64) -> StoreResult<Option<i64>> {
        Ok(
            sqlx::query_scalar(
                "select exhibit_id from exhibits where case_id = $1 and number = $2",
            )
            .bind(case_id)
            .bind(number)
            .fetch_optional(self.pool())
            .await?,
        )
    }

    #[tracing::instrument(skip_all, fields(case_id))]
    async fn event_choices(&self, case_id: i64) -> StoreResult<Vec<(i64, String, String)>> {
        let rows = sqlx::query(
            "select event_id, narrative, earliest from events where case_id = $1 \
             order by earliest, event_id limit 2000",
        )
        .bind(case_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                let at: String = row.try_get("earliest")?;
                let narrative: String = row.try_get("narrative")?;
                Ok((
                    row.try_get("event_id")?,
                    narrative,
                    at.get(..10).unwrap_or_default().to_string(),
                ))
            })
            .collect()
    }

    #[tracing::instrument(skip_all, fields(case_id))]
    async fn reviews(&self, case_id: i64) -> StoreResult<Vec<SupervisoryReview>> {
        let rows = sqlx::query(
            "select r.review_id, u.display_name, r.reviewed_at, r.note from case_reviews r \
             join users u on u.user_id = r.reviewer_id where r.case_id = $1 \
             order by r.review_id desc",
        )
        .bind(case_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(SupervisoryReview {
                    review_id: row.try_get("review_id")?,
                    reviewer_name: row.try_get("display_name")?,
                    reviewed_at: row.try_get("reviewed_at")?,
                    note: row.try_get("note")?,
                })
            })
            .collect()
    }

    #[tracing::instrument(skip_all, fields(case_id))]
    async fn add_review(&self, case_id: i64, by: i64, note: &str) -> StoreResult<()> {
        let now = OffsetDateTime::now_utc();
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "insert into case_reviews (case_id, reviewer_id, reviewed_at, note) \
             values ($1, $2, $3, $4)",
        )
        .bind(case_id)
        .bind(by)
        .bind(now)
        .bind(note)
        .execute(&mut *tx)
        .await?;
        super::outcomes::touch::<S>(&mut tx, case_id, now).await?;
        tx.commit().await?;
        Ok(())
    }

    #[tracing::instrument(skip_all, fields(case_id))]
    async fn consents(&self, case_id: i64) -> StoreResult<Vec<Consent>> {
        let rows = sqlx::query(
            "select n.consent_id, n.case_id, n.complaint_id, c.reference, n.scope, n.given_on, \
             n.how_given, u.display_name, n.recorded_at, n.withdrawn_on \
             from complainant_consents n join complaints c on c.complaint_id = n.complaint_id \
             join users u on u.user_id = n.recorded_by where n.case_id = $1 order by n.consent_id",
        )
        .bind(case_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                let scope: String = row.try_get("scope")?;
                Ok(Consent {
                    consent_id: row.try_get("consent_id")?,
                    case_id: row.try_get("case_id")?,
                    complaint_id: row.try_get("complaint_id")?,
                    complaint_reference: row.try_get("reference")?,
                    scope: ConsentScope::parse(&scope)
                        .ok_or(StoreError::Corrupt("complainant_consents.scope"))?,
                    given_on: row.try_get("given_on")?,
                    how_given: row.try_get("how_given")?,
                    recorded_by_name: row.try_get("display_name")?,
                    recorded_at: row.try_get("recorded_at")?,
                    withdrawn_on: row.try_get("withdrawn_on")?,
                })
            })
            .collect()
    }

    #[tracing::instrument(skip_all, fields(case_id))]
    async fn record_consent(
        &self,
        case_id: i64,
        consent: &ConsentInput,
        by: i64,
    ) -> StoreResult<()> {
        let now = OffsetDateTime::now_utc();
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "insert into complainant_consents (case_id, complaint_id, scope, given_on, how_given, \
             recorded_by, recorded_at) values ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(case_id)
        .bind(consent.complaint_id)
        .bind(consent.scope.as_str())
        .bind(consent.given_on.as_str())
        .bind(consent.how_given.as_str())
        .bind(by)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    #[tracing::instrument(skip_all, fields(case_id, consent_id))]
    async fn withdraw_consent(&self, case_id: i64, consent_id: i64, on: &str) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "update complainant_consents set withdrawn_on = $1 \
             where case_id = $2 and consent_id = $3 and withdrawn_on is null",
        )
        .bind(on)
        .bind(case_id)
        .bind(consent_id)
        .execute(&mut *tx)
        .await?;
        if super::backend::Affected::rows_affected(&done) == 0 {
            return Err(StoreError::NotFound);
        }
        tx.commit().await?;
        Ok(())
    }
}
