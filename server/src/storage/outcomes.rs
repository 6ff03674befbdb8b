//! Referrals to prosecutors and what followed for each subject, as stored. Written once over
//! both databases; days are `YYYY-MM-DD` text on both.

use super::backend::SqlBackend;
use super::{StoreError, StoreResult};
use async_trait::async_trait;
use probity_domain::money::{MoneyKind, MoneyResult};
use probity_domain::outcomes::{Outcome, OutcomeKind, ProsecutorLevel, Referral, ReferralDecision};
use time::OffsetDateTime;

/// A referral, validated.
#[derive(Clone, Debug)]
pub struct ReferralInput {
    pub party_id: Option<i64>,
    pub level: ProsecutorLevel,
    pub office: String,
    pub referred_on: String,
    pub what: String,
    pub decision: ReferralDecision,
    pub decided_on: Option<String>,
    pub source_exhibit_id: Option<i64>,
}

/// An outcome, validated.
#[derive(Clone, Debug)]
pub struct OutcomeInput {
    pub party_id: i64,
    pub kind: OutcomeKind,
    pub occurred_on: String,
    pub detail: String,
    pub suspension_days: Option<i64>,
    pub source_exhibit_id: Option<i64>,
}

/// An amount, validated.
#[derive(Clone, Debug)]
pub struct MoneyInput {
    pub kind: MoneyKind,
    pub amount_minor: i64,
    pub currency: String,
    pub occurred_on: String,
    pub recommendation_id: Option<i64>,
    pub note: String,
}

/// Storage of referrals and outcomes.
#[async_trait]
pub trait OutcomeStore: Send + Sync {
    /// The case's referrals, oldest first.
    async fn referrals(&self, case_id: i64) -> StoreResult<Vec<Referral>>;
    /// One referral of the case.
    async fn referral(&self, case_id: i64, referral_id: i64) -> StoreResult<Option<Referral>>;
    /// Records a referral.
    async fn create_referral(
        &self,
        case_id: i64,
        referral: &ReferralInput,
        by: i64,
    ) -> StoreResult<Referral>;
    /// Saves a referral based on `version`; [`StoreError::Stale`] when it changed meanwhile.
    async fn update_referral(
        &self,
        case_id: i64,
        referral_id: i64,
        version: i64,
        referral: &ReferralInput,
    ) -> StoreResult<Referral>;
    /// The case's outcomes, by day.
    async fn outcomes(&self, case_id: i64) -> StoreResult<Vec<Outcome>>;
    /// The referrals of several cases (a statistics drill-down), in one query.
    async fn referrals_of_cases(&self, case_ids: &[i64]) -> StoreResult<Vec<Referral>>;
    /// What followed in several cases, in one query.
    async fn outcomes_of_cases(&self, case_ids: &[i64]) -> StoreResult<Vec<Outcome>>;
    /// One outcome of the case.
    async fn outcome(&self, case_id: i64, outcome_id: i64) -> StoreResult<Option<Outcome>>;
    /// Records an outcome.
    async fn create_outcome(
        &self,
        case_id: i64,
        outcome: &OutcomeInput,
        by: i64,
    ) -> StoreResult<Outcome>;
    /// Saves an outcome based on `version`; [`StoreError::Stale`] when it changed meanwhile.
    async fn update_outcome(
        &self,
        case_id: i64,
        outcome_id: i64,
        version: i64,
        outcome: &OutcomeInput,
    ) -> StoreResult<Outcome>;
    /// The case's monetary results, by day.
    async fn money(&self, case_id: i64) -> StoreResult<Vec<MoneyResult>>;
    /// Records an amount.
    async fn create_money(
        &self,
        case_id: i64,
        money: &MoneyInput,
        by: i64,
    ) -> StoreResult<MoneyResult>;
    /// Saves an amount based on `version`; [`StoreError::Stale`] when it changed meanwhile.
    async fn update_money(
        &self,
        case_id: i64,
        money_id: i64,
        version: i64,
        money: &MoneyInput,
    ) -> StoreResult<MoneyResult>;
    /// The id of the case's recommendation with this number.
    async fn recommendation_id_by_number(
        &self,
        case_id: i64,
        number: i64,
    ) -> StoreResult<Option<i64>>;
}

const MONEY_COLUMNS: &str = "m.money_id, m.case_id, m.kind, m.amount_minor, m.currency, \
     m.occurred_on, m.finding_id, m.recommendation_id, rc.number as recommendation_number, m.note, \
     u.display_name as recorded_by_name, m.version";

const MONEY_FROM: &str = "from case_money m \
     left join recommendations rc on rc.recommendation_id = m.recommendation_id \
     join users u on u.user_id = m.recorded_by";

fn money_from_row<R>(row: &R) -> StoreResult<MoneyResult>
where
    R: sqlx::Row,
    for<'a> &'a str: sqlx::ColumnIndex<R>,
    for<'q> i64: sqlx::Decode<'q, R::Database> + sqlx::Type<R::Database>,
    for<'q> String: sqlx::Decode<'q, R::Database> + sqlx::Type<R::Database>,
{
    let kind: String = row.try_get("kind")?;
    let recommendation: Option<i64> = row.try_get("recommendation_id")?;
    let number: Option<i64> = row.try_get("recommendation_number")?;
    Ok(MoneyResult {
        money_id: row.try_get("money_id")?,
        case_id: row.try_get("case_id")?,
        kind: MoneyKind::parse(&kind).ok_or(StoreError::Corrupt("case_money.kind"))?,
        amount_minor: row.try_get("amount_minor")?,
        currency: row.try_get("currency")?,
        occurred_on: row.try_get("occurred_on")?,
        finding_id: row.try_get("finding_id")?,
        recommendation: recommendation.zip(number),
        note: row.try_get("note")?,
        recorded_by_name: row.try_get("recorded_by_name")?,
        version: row.try_get("version")?,
    })
}

const REFERRAL_COLUMNS: &str = "r.referral_id, r.case_id, r.party_id, p.name as subject_name, \
     r.level, r.office, r.referred_on, r.what, r.decision, r.decided_on, r.source_exhibit_id, \
     x.number as exhibit_number, u.display_name as recorded_by_name, r.version";

const REFERRAL_FROM: &str = "from case_referrals r \
     left join parties p on p.party_id = r.party_id \
     left join exhibits x on x.exhibit_id = r.source_exhibit_id \
     join users u on u.user_id = r.recorded_by";

const OUTCOME_COLUMNS: &str = "o.outcome_id, o.case_id, o.party_id, p.name as subject_name, \
     o.kind, o.occurred_on, o.detail, o.suspension_days, o.source_exhibit_id, \
     x.number as exhibit_number, u.display_name as recorded_by_name, o.version";

const OUTCOME_FROM: &str = "from case_outcomes o \
     join parties p on p.party_id = o.party_id \
     left join exhibits x on x.exhibit_id = o.source_exhibit_id \
     join users u on u.user_id = o.recorded_by";

fn referral_from_row<R>(row: &R) -> StoreResult<Referral>
where
    R: sqlx::Row,
    for<'a> &'a str: sqlx::ColumnIndex<R>,
    for<'q> i64: sqlx::Decode<'q, R::Database> + sqlx::Type<R::Database>,
    for<'q> String: sqlx::Decode<'q, R::Database> + sqlx::Type<R::Database>,
{
    let level: String = row.try_get("level")?;
    let decision: String = row.try_get("decision")?;
    let exhibit: Option<i64> = row.try_get("source_exhibit_id")?;
    let number: Option<i64> = row.try_get("exhibit_number")?;
    Ok(Referral {
        referral_id: row.try_get("referral_id")?,
        case_id: row.try_get("case_id")?,
        party_id: row.try_get("party_id")?,
        subject_name: row.try_get("subject_name")?,
        level: ProsecutorLevel::parse(&level).ok_or(StoreError::Corrupt("case_referrals.level"))?,
        office: row.try_get("office")?,
        referred_on: row.try_get("referred_on")?,
        what: row.try_get("what")?,
        decision: ReferralDecision::parse(&decision)
            .ok_or(StoreError::Corrupt("case_referrals.decision"))?,
        decided_on: row.try_get("decided_on")?,
        source_exhibit: exhibit.zip(number),
        recorded_by_name: row.try_get("recorded_by_name")?,
        version: row.try_get("version")?,
    })
}

fn outcome_from_row<R>(row: &R) -> StoreResult<Outcome>
where
    R: sqlx::Row,
    for<'a> &'a str: sqlx::ColumnIndex<R>,
    for<'q> i64: sqlx::Decode<'q, R::Database> + sqlx::Type<R::Database>,
    for<'q> String: sqlx::Decode<'q, R::Database> + sqlx::Type<R::Database>,
{
    let kind: String = row.try_get("kind")?;
    let exhibit: Option<i64> = row.try_get("source_exhibit_id")?;
    let number: Option<i64> = row.try_get("exhibit_number")?;
    Ok(Outcome {
        outcome_id: row.try_get("outcome_id")?,
        case_id: row.try_get("case_id")?,
        party_id: row.try_get("party_id")?,
        subject_name: row.try_get("subject_name")?,
        kind: OutcomeKind::parse(&kind).ok_or(StoreError::Corrupt("case_outcomes.kind"))?,
        occurred_on: row.try_get("occurred_on")?,
        detail: row.try_get("detail")?,
        suspension_days: row.try_get("suspension_days")?,
        source_exhibit: exhibit.zip(number),
        recorded_by_name: row.try_get("recorded_by_name")?,
        version: row.try_get("version")?,
    })
}

#[async_trait]
impl<S> OutcomeStore for S
where
    S: SqlBackend + MoneyRows + super::search::RunsBuilt,
    for<'c> &'c mut <S::Db as sqlx::Database>::Connection: sqlx::Executor<'c, Database = S::Db>,
    for<'q> <S::Db as sqlx::Database>::Arguments<'q>: sqlx::IntoArguments<'q, S::Db>,
    for<'a> &'a str: sqlx::ColumnIndex<<S::Db as sqlx::Database>::Row>,
    usize: sqlx::ColumnIndex<<S::Db as sqlx::Database>::Row>,
    for<'q> i64: sqlx::Encode<'q, S::Db> + sqlx::Decode<'q, S::Db> + sqlx::Type<S::Db>,
    for<'q> String: sqlx::Encode<'q, S::Db> + sqlx::Decode<'q, S::Db> + sqlx::Type<S::Db>,
    for<'q> OffsetDateTime: sqlx::Encode<'q, S::Db> + sqlx::Type<S::Db>,
    for<'q> &'q str: sqlx::Encode<'q, S::Db> + sqlx::Type<S::Db>,
    for<'q> Option<i64>: sqlx::Encode<'q, S::Db> + sqlx::Decode<'q, S::Db>,
    for<'q> Option<String>: sqlx::Encode<'q, S::Db> + sqlx::Decode<'q, S::Db>,
    <S::Db as sqlx::Database>::QueryResult: super::backend::Affected,
{
    #[tracing::instrument(skip_all, fields(case_id))]
    async fn referrals(&self, case_id: i64) -> StoreResult<Vec<Referral>> {
        let rows = sqlx::query(&format!(
            "select {REFERRAL_COLUMNS} {REFERRAL_FROM} where r.case_id = $1 \
             order by r.referred_on, r.referral_id"
        ))
        .bind(case_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(referral_from_row).collect()
    }

    #[tracing::instrument(skip_all, fields(case_id, referral_id))]
    async fn referral(&self, case_id: i64, referral_id: i64) -> StoreResult<Option<Referral>> {
        let row = sqlx::query(&format!(
            "select {REFERRAL_COLUMNS} {REFERRAL_FROM} where r.case_id = $1 and r.referral_id = $2"
        ))
        .bind(case_id)
        .bind(referral_id)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(referral_from_row).transpose()
    }

    #[tracing::instrument(skip_all, fields(case_id))]
    async fn create_referral(
        &self,
        case_id: i64,
        referral: &ReferralInput,
        by: i64,
    ) -> StoreResult<Referral> {
        let now = OffsetDateTime::now_utc();
        let mut tx = self.begin_write().await?;
        let id: i64 = sqlx::query_scalar(
            "insert into case_referrals (case_id, party_id, level, office, referred_on, what, \
             decision, decided_on, source_exhibit_id, recorded_by, recorded_at, updated_at, version) \
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, 1) returning referral_id",
        )
        .bind(case_id)
        .bind(referral.party_id)
        .bind(referral.level.as_str())
        .bind(referral.office.as_str())
        .bind(referral.referred_on.as_str())
        .bind(referral.what.as_str())
        .bind(referral.decision.as_str())
        .bind(referral.decided_on.clone())
        .bind(referral.source_exhibit_id)
        .bind(by)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        touch::<S>(&mut tx, case_id, now).await?;
        tx.commit().await?;
        self.referral(case_id, id)
            .await?
            .ok_or(StoreError::NotFound)
    }

    #[tracing::instrument(skip_all, fields(case_id, referral_id))]
    async fn update_referral(
        &self,
        case_id: i64,
        referral_id: i64,
        version: i64,
        referral: &ReferralInput,
    ) -> StoreResult<Referral> {
        let now = OffsetDateTime::now_utc();
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "update case_referrals set party_id = $1, level = $2, office = $3, referred_on = $4, \
             what = $5, decision = $6, decided_on = $7, source_exhibit_id = $8, updated_at = $9, \
             version = version + 1 where case_id = $10 and referral_id = $11 and version = $12",
        )
        .bind(referral.party_id)
        .bind(referral.level.as_str())
        .bind(referral.office.as_str())
        .bind(referral.referred_on.as_str())
        .bind(referral.what.as_str())
        .bind(referral.decision.as_str())
        .bind(referral.decided_on.clone())
        .bind(referral.source_exhibit_id)
        .bind(now)
        .bind(case_id)
        .bind(referral_id)
        .bind(version)
        .execute(&mut *tx)
        .await?;
        if super::backend::Affected::rows_affected(&done) == 0 {
            drop(tx);
            return Err(match self.referral(case_id, referral_id).await? {
                Some(_) => StoreError::Stale,
                None => StoreError::NotFound,
            });
        }
        touch::<S>(&mut tx, case_id, now).await?;
        tx.commit().await?;
        self.referral(case_id, referral_id)
            .await?
            .ok_or(StoreError::NotFound)
    }

    #[tracing::instrument(skip_all, fields(case_id))]
    async fn outcomes(&self, case_id: i64) -> StoreResult<Vec<Outcome>> {
        let rows = sqlx::query(&format!(
            "select {OUTCOME_COLUMNS} {OUTCOME_FROM} where o.case_id = $1 \
             order by o.occurred_on, o.outcome_id"
        ))
        .bind(case_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(outcome_from_row).collect()
    }

    #[tracing::instrument(skip_all, fields(cases = case_ids.len()))]
    async fn referrals_of_cases(&self, case_ids: &[i64]) -> StoreResult<Vec<Referral>> {
        if case_ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut builder = sqlx::QueryBuilder::<S::Db>::new(format!(
            "select {REFERRAL_COLUMNS} {REFERRAL_FROM} where r.case_id in ("
        ));
        let mut ids = builder.separated(", ");
        for id in case_ids {
            ids.push_bind(*id);
        }
        builder.push(") order by r.case_id, r.referred_on, r.referral_id");
        let rows = self.rows(&mut builder).await?;
        rows.iter().map(referral_from_row).collect()
    }

    #[tracing::instrument(skip_all, fields(cases = case_ids.len()))]
    async fn outcomes_of_cases(&self, case_ids: &[i64]) -> StoreResult<Vec<Outcome>> {
        if case_ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut builder = sqlx::QueryBuilder::<S::Db>::new(format!(
            "select {OUTCOME_COLUMNS} {OUTCOME_FROM} where o.case_id in ("
        ));
        let mut ids = builder.separated(", ");
        for id in case_ids {
            ids.push_bind(*id);
        }
        builder.push(") order by o.case_id, o.occurred_on, o.outcome_id");
        let rows = self.rows(&mut builder).await?;
        rows.iter().map(outcome_from_row).collect()
    }

    #[tracing::instrument(skip_all, fields(case_id, outcome_id))]
    async fn outcome(&self, case_id: i64, outcome_id: i64) -> StoreResult<Option<Outcome>> {
        let row = sqlx::query(&format!(
            "select {OUTCOME_COLUMNS} {OUTCOME_FROM} where o.case_id = $1 and o.outcome_id = $2"
        ))
        .bind(case_id)
        .bind(outcome_id)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(outcome_from_row).transpose()
    }

    #[tracing::instrument(skip_all, fields(case_id))]
    async fn create_outcome(
        &self,
        case_id: i64,
        outcome: &OutcomeInput,
        by: i64,
    ) -> StoreResult<Outcome> {
        let now = OffsetDateTime::now_utc();
        let mut tx = self.begin_write().await?;
        let id: i64 = sqlx::query_scalar(
            "insert into case_outcomes (case_id, party_id, kind, occurred_on, detail, \
             suspension_days, source_exhibit_id, recorded_by, recorded_at, updated_at, version) \
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, 1) returning outcome_id",
        )
        .bind(case_id)
        .bind(outcome.party_id)
        .bind(outcome.kind.as_str())
        .bind(outcome.occurred_on.as_str())
        .bind(outcome.detail.as_str())
        .bind(outcome.suspension_days)
        .bind(outcome.source_exhibit_id)
        .bind(by)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        touch::<S>(&mut tx, case_id, now).await?;
        tx.commit().await?;
        self.outcome(case_id, id).await?.ok_or(StoreError::NotFound)
    }

    #[tracing::instrument(skip_all, fields(case_id, outcome_id))]
    async fn update_outcome(
        &self,
        case_id: i64,
        outcome_id: i64,
        version: i64,
        outcome: &OutcomeInput,
    ) -> StoreResult<Outcome> {
        let now = OffsetDateTime::now_utc();
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "update case_outcomes set party_id = $1, kind = $2, occurred_on = $3, detail = $4, \
             suspension_days = $5, source_exhibit_id = $6, updated_at = $7, version = version + 1 \
             where case_id = $8 and outcome_id = $9 and version = $10",
        )
        .bind(outcome.party_id)
        .bind(outcome.kind.as_str())
        .bind(outcome.occurred_on.as_str())
        .bind(outcome.detail.as_str())
        .bind(outcome.suspension_days)
        .bind(outcome.source_exhibit_id)
        .bind(now)
        .bind(case_id)
        .bind(outcome_id)
        .bind(version)
        .execute(&mut *tx)
        .await?;
        if super::backend::Affected::rows_affected(&done) == 0 {
            drop(tx);
            return Err(match self.outcome(case_id, outcome_id).await? {
                Some(_) => StoreError::Stale,
                None => StoreError::NotFound,
            });
        }
        touch::<S>(&mut tx, case_id, now).await?;
        tx.commit().await?;
        self.outcome(case_id, outcome_id)
            .await?
            .ok_or(StoreError::NotFound)
    }

    #[tracing::instrument(skip_all, fields(case_id))]
    async fn money(&self, case_id: i64) -> StoreResult<Vec<MoneyResult>> {
        let rows = sqlx::query(&format!(
            "select {MONEY_COLUMNS} {MONEY_FROM} where m.case_id = $1 \
             order by m.occurred_on, m.money_id"
        ))
        .bind(case_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(money_from_row).collect()
    }

    #[tracing::instrument(skip_all, fields(case_id))]
    async fn create_money(
        &self,
        case_id: i64,
        money: &MoneyInput,
        by: i64,
    ) -> StoreResult<MoneyResult> {
        let now = OffsetDateTime::now_utc();
        let mut tx = self.begin_write().await?;
        let id: i64 = sqlx::query_scalar(
            "insert into case_money (case_id, kind, amount_minor, currency, occurred_on, \
             recommendation_id, note, recorded_by, recorded_at, updated_at, version) \
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, 1) returning money_id",
        )
        .bind(case_id)
        .bind(money.kind.as_str())
        .bind(money.amount_minor)
        .bind(money.currency.as_str())
        .bind(money.occurred_on.as_str())
        .bind(money.recommendation_id)
        .bind(money.note.as_str())
        .bind(by)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        touch::<S>(&mut tx, case_id, now).await?;
        tx.commit().await?;
        self.money_row(case_id, id)
            .await?
            .ok_or(StoreError::NotFound)
    }

    #[tracing::instrument(skip_all, fields(case_id, money_id))]
    async fn update_money(
        &self,
        case_id: i64,
        money_id: i64,
        version: i64,
        money: &MoneyInput,
    ) -> StoreResult<MoneyResult> {
        let now = OffsetDateTime::now_utc();
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "update case_money set kind = $1, amount_minor = $2, currency = $3, occurred_on = $4, \
             recommendation_id = $5, note = $6, updated_at = $7, version = version + 1 \
             where case_id = $8 and money_id = $9 and version = $10",
        )
        .bind(money.kind.as_str())
        .bind(money.amount_minor)
        .bind(money.currency.as_str())
        .bind(money.occurred_on.as_str())
        .bind(money.recommendation_id)
        .bind(money.note.as_str())
        .bind(now)
        .bind(case_id)
        .bind(money_id)
        .bind(version)
        .execute(&mut *tx)
        .await?;
        if super::backend::Affected::rows_affected(&done) == 0 {
            drop(tx);
            return Err(match self.money_row(case_id, money_id).await? {
                Some(_) => StoreError::Stale,
                None => StoreError::NotFound,
            });
        }
        touch::<S>(&mut tx, case_id, now).await?;
        tx.commit().await?;
        self.money_row(case_id, money_id)
            .await?
            .ok_or(StoreError::NotFound)
    }

    #[tracing::instrument(skip_all, fields(case_id))]
    async fn recommendation_id_by_number(
        &self,
        case_id: i64,
        number: i64,
    ) -> StoreResult<Option<i64>> {
        Ok(sqlx::query_scalar(
            "select recommendation_id from recommendations where case_id = $1 and number = $2",
        )
        .bind(case_id)
        .bind(number)
        .fetch_optional(self.pool())
        .await?)
    }
}

#[async_trait]
trait MoneyRows {
    async fn money_row(&self, case_id: i64, money_id: i64) -> StoreResult<Option<MoneyResult>>;
}

#[async_trait]
impl<S> MoneyRows for S
where
    S: SqlBackend,
    for<'c> &'c mut <S::Db as sqlx::Database>::Connection: sqlx::Executor<'c, Database = S::Db>,
    for<'q> <S::Db as sqlx::Database>::Arguments<'q>: sqlx::IntoArguments<'q, S::Db>,
    for<'a> &'a str: sqlx::ColumnIndex<<S::Db as sqlx::Database>::Row>,
    usize: sqlx::ColumnIndex<<S::Db as sqlx::Database>::Row>,
    for<'q> i64: sqlx::Encode<'q, S::Db> + sqlx::Decode<'q, S::Db> + sqlx::Type<S::Db>,
    for<'q> String: sqlx::Encode<'q, S::Db> + sqlx::Decode<'q, S::Db> + sqlx::Type<S::Db>,
    for<'q> OffsetDateTime: sqlx::Encode<'q, S::Db> + sqlx::Type<S::Db>,
    for<'q> &'q str: sqlx::Encode<'q, S::Db> + sqlx::Type<S::Db>,
    for<'q> Option<i64>: sqlx::Encode<'q, S::Db> + sqlx::Decode<'q, S::Db>,
    for<'q> Option<String>: sqlx::Encode<'q, S::Db> + sqlx::Decode<'q, S::Db>,
    <S::Db as sqlx::Database>::QueryResult: super::backend::Affected,
{
    async fn money_row(&self, case_id: i64, money_id: i64) -> StoreResult<Option<MoneyResult>> {
        let row = sqlx::query(&format!(
            "select {MONEY_COLUMNS} {MONEY_FROM} where m.case_id = $1 and m.money_id = $2"
        ))
        .bind(case_id)
        .bind(money_id)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(money_from_row).transpose()
    }
}

/// Marks the case changed, in the transaction that changed it.
pub(crate) async fn touch<S>(
    tx: &mut sqlx::Transaction<'_, S::Db>,
    case_id: i64,
    now: OffsetDateTime,
) -> StoreResult<()>
where
    S: SqlBackend,
    for<'c> &'c mut <S::Db as sqlx::Database>::Connection: sqlx::Executor<'c, Database = S::Db>,
    for<'q> <S::Db as sqlx::Database>::Arguments<'q>: sqlx::IntoArguments<'q, S::Db>,
    for<'q> i64: sqlx::Encode<'q, S::Db> + sqlx::Type<S::Db>,
    for<'q> OffsetDateTime: sqlx::Encode<'q, S::Db> + sqlx::Type<S::Db>,
{
    sqlx::query("update cases set updated_at = $1 where case_id = $2")
        .bind(now)
        .bind(case_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}
