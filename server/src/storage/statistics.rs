//! The counts of the semiannual statistics, computed from the records in one query per item
//! (grouped by case, so that the same query gives the drill-down list), over both databases.

use super::StoreResult;
use super::backend::SqlBackend;
use super::cases::{CaseViewer, push_visibility};
use async_trait::async_trait;
use probity_domain::statistics::{Period, StatCase, StatItem, StatRules};
use sqlx::Row as _;
use time::OffsetDateTime;

/// Storage of the statistics' counts.
#[async_trait]
pub trait StatisticsStore: Send + Sync {
    /// The cases behind an item in the period, with what each contributes; all of them for
    /// `None`, else those the viewer may see.
    async fn stat_cases(
        &self,
        item: StatItem,
        period: Period,
        viewer: Option<CaseViewer>,
        rules: &StatRules,
    ) -> StoreResult<Vec<StatCase>>;
    /// Complaints received in the period.
    async fn complaints_received(&self, period: Period) -> StoreResult<i64>;
    /// Complaints decided in the period, per outcome status.
    async fn complaint_outcomes(&self, period: Period) -> StoreResult<Vec<(String, i64)>>;
    /// For each case closed in the period: the day it was received and when it first closed
    /// in the period.
    async fn closings(&self, period: Period) -> StoreResult<Vec<(String, OffsetDateTime)>>;
}

/// The instants the period runs between: its first day's midnight, and the midnight after
/// its last day (UTC).
pub fn bounds(period: Period) -> (OffsetDateTime, OffsetDateTime) {
    let start = period.from.midnight().assume_utc();
    let end = period
        .to
        .next_day()
        .unwrap_or(period.to)
        .midnight()
        .assume_utc();
    (start, end)
}

/// The joins, condition and sum of one kind of amount.
fn money(kind: &'static str) -> (&'static str, &'static str, &'static str) {
    let condition: &'static str = match kind {
        "questioned_cost" => {
            "m.kind = 'questioned_cost' and m.currency = {currency} and m.occurred_on >= {from} and m.occurred_on <= {to}"
        }
        "unsupported_cost" => {
            "m.kind = 'unsupported_cost' and m.currency = {currency} and m.occurred_on >= {from} and m.occurred_on <= {to}"
        }
        _ => {
            "m.kind = 'funds_better_use' and m.currency = {currency} and m.occurred_on >= {from} and m.occurred_on <= {to}"
        }
    };
    (
        "join case_money m on m.case_id = c.case_id",
        condition,
        "cast(sum(m.amount_minor) as bigint)",
    )
}

/// The joins, condition and count of an item; `{from}`, `{to}` (days) and `{start}`, `{end}`
/// (instants) are bound where they stand.
fn item_sql(item: StatItem) -> (&'static str, &'static str, &'static str) {
    match item {
        StatItem::ReportsIssued => (
            "join published_reports p on p.case_id = c.case_id",
            "p.edition = 1 and p.published_at >= {start} and p.published_at < {end}",
            "count(*)",
        ),
        StatItem::ReferredFederal => (
            "join case_referrals r on r.case_id = c.case_id",
            "r.level = 'federal' and r.referred_on >= {from} and r.referred_on <= {to}",
            "count(distinct coalesce(r.party_id, -1))",
        ),
        StatItem::ReferredStateLocal => (
            "join case_referrals r on r.case_id = c.case_id",
            "r.level in ('state', 'local') and r.referred_on >= {from} and r.referred_on <= {to}",
            "count(distinct coalesce(r.party_id, -1))",
        ),
        StatItem::Declinations => (
            "join case_referrals r on r.case_id = c.case_id",
            "r.decision = 'declined' and r.decided_on >= {from} and r.decided_on <= {to}",
            "count(*)",
        ),
        StatItem::Charges => (
            "join case_outcomes o on o.case_id = c.case_id",
            "o.kind in ('indictment', 'information') and o.occurred_on >= {from} and o.occurred_on <= {to}",
            "count(*)",
        ),
        StatItem::Convictions => (
            "join case_outcomes o on o.case_id = c.case_id",
            "o.kind in ('conviction', 'plea') and o.occurred_on >= {from} and o.occurred_on <= {to}",
            "count(*)",
        ),
        StatItem::AdministrativeActions => (
            "join case_outcomes o on o.case_id = c.case_id",
            "o.kind in ('removal', 'suspension', 'reprimand', 'resignation', 'training', 'none') \
             and o.occurred_on >= {from} and o.occurred_on <= {to}",
            "count(*)",
        ),
        StatItem::SeniorSubstantiated => (
            "join allegations a on a.case_id = c.case_id \
             join findings f on f.allegation_id = a.allegation_id \
             join parties pa on pa.party_id = a.subject_party_id",
            "pa.senior_employee and lower(f.disposition) = {substantiated} \
             and exists (select 1 from case_status_changes s where s.case_id = c.case_id \
             and s.to_status = 'closed' and s.changed_at >= {start} and s.changed_at < {end})",
            "count(distinct pa.party_id)",
        ),
        StatItem::RetaliationSubstantiated => (
            "join findings f on f.case_id = c.case_id",
            "c.case_type in ({reprisal}) and lower(f.disposition) = {substantiated} \
             and exists (select 1 from case_status_changes s where s.case_id = c.case_id \
             and s.to_status = 'closed' and s.changed_at >= {start} and s.changed_at < {end})",
            "count(*)",
        ),
        StatItem::OpenRecommendations => (
            "join recommendations r on r.case_id = c.case_id",
            "r.resolution <> 'closed' and exists (select 1 from published_reports p \
             join report_versions pv on pv.report_version_id = p.report_version_id \
             where p.case_id = c.case_id and pv.reviewed_at >= r.created_at \
             and p.published_at < {end})",
            "count(*)",
        ),
        StatItem::OpenRecommendationSavings => (
            "join recommendations r on r.case_id = c.case_id \
             join case_money m on m.recommendation_id = r.recommendation_id",
            "r.resolution <> 'closed' and m.kind in ('questioned_cost', 'funds_better_use') \
             and m.currency = {currency} and exists (select 1 from published_reports p \
             join report_versions pv on pv.report_version_id = p.report_version_id \
             where p.case_id = c.case_id and pv.reviewed_at >= r.created_at \
             and p.published_at < {end})",
            "cast(sum(m.amount_minor) as bigint)",
        ),
        StatItem::QuestionedCosts => money("questioned_cost"),
        StatItem::UnsupportedCosts => money("unsupported_cost"),
        StatItem::FundsBetterUse => money("funds_better_use"),
        StatItem::Recoveries => (
            "join case_money m on m.case_id = c.case_id",
            "m.kind in ('recovery', 'restitution', 'fine') and m.currency = {currency} \
             and m.occurred_on >= {from} and m.occurred_on <= {to}",
            "cast(sum(m.amount_minor) as bigint)",
        ),
        StatItem::CasesOpened => (
            "",
            "c.created_at >= {start} and c.created_at < {end}",
            "count(*)",
        ),
        StatItem::CasesClosed => (
            "join case_status_changes s on s.case_id = c.case_id",
            "s.to_status = 'closed' and s.changed_at >= {start} and s.changed_at < {end}",
            "count(distinct s.case_id)",
        ),
    }
}

#[async_trait]
impl<S> StatisticsStore for S
where
    S: SqlBackend + super::search::RunsBuilt,
    for<'c> &'c mut <S::Db as sqlx::Database>::Connection: sqlx::Executor<'c, Database = S::Db>,
    for<'q> <S::Db as sqlx::Database>::Arguments<'q>: sqlx::IntoArguments<'q, S::Db>,
    for<'a> &'a str: sqlx::ColumnIndex<<S::Db as sqlx::Database>::Row>,
    usize: sqlx::ColumnIndex<<S::Db as sqlx::Database>::Row>,
    for<'q> i64: sqlx::Encode<'q, S::Db> + sqlx::Decode<'q, S::Db> + sqlx::Type<S::Db>,
    for<'q> String: sqlx::Encode<'q, S::Db> + sqlx::Decode<'q, S::Db> + sqlx::Type<S::Db>,
    for<'q> OffsetDateTime: sqlx::Encode<'q, S::Db> + sqlx::Decode<'q, S::Db> + sqlx::Type<S::Db>,
{
    #[tracing::instrument(skip_all, fields(item = item.key()))]
    async fn stat_cases(
        &self,
        item: StatItem,
        period: Period,
        viewer: Option<CaseViewer>,
        rules: &StatRules,
    ) -> StoreResult<Vec<StatCase>> {
        let (joins, condition, count) = item_sql(item);
        let (start, end) = bounds(period);
        let mut builder = sqlx::QueryBuilder::<S::Db>::new(format!(
            "select c.case_id, c.case_number, c.title, {count} as n from cases c {joins} where "
        ));
        // The condition's placeholders become bound values in order.
        let mut rest = condition;
        while let Some(at) = rest.find('{') {
            builder.push(&rest[..at]);
            let close = at + rest[at..].find('}').unwrap_or(0);
            match &rest[at + 1..close] {
                "from" => builder.push_bind(period.from.to_string()),
                "to" => builder.push_bind(period.to.to_string()),
                "start" => builder.push_bind(start),
                "currency" => builder.push_bind(rules.currency.clone()),
                "substantiated" => builder.push_bind(rules.substantiated.to_lowercase()),
                "reprisal" => {
                    // A list: one bound value per reprisal type, or one that matches none.
                    let keys = if rules.reprisal_types.is_empty() {
                        vec![String::new()]
                    } else {
                        rules.reprisal_types.clone()
                    };
                    let mut list = builder.separated(", ");
                    for key in keys {
                        list.push_bind(key);
                    }
                    &mut builder
                }
                _ => builder.push_bind(end),
            };
            rest = &rest[close + 1..];
        }
        builder.push(rest);
        if let Some(viewer) = viewer {
            builder.push(" and ");
            push_visibility(&mut builder, viewer);
        }
        builder.push(" group by c.case_id, c.case_number, c.title order by c.case_number");
        let rows = self.rows(&mut builder).await?;
        rows.iter()
            .map(|row| {
                Ok(StatCase {
                    case_id: row.try_get("case_id")?,
                    case_number: row.try_get("case_number")?,
                    title: row.try_get("title")?,
                    count: row.try_get("n")?,
                    details: Vec::new(),
                })
            })
            .collect()
    }

    #[tracing::instrument(skip_all)]
    async fn complaints_received(&self, period: Period) -> StoreResult<i64> {
        let (start, end) = bounds(period);
        Ok(sqlx::query_scalar(
            "select count(*) from complaints where received_at >= $1 and received_at < $2",
        )
        .bind(start)
        .bind(end)
        .fetch_one(self.pool())
        .await?)
    }

    #[tracing::instrument(skip_all)]
    async fn complaint_outcomes(&self, period: Period) -> StoreResult<Vec<(String, i64)>> {
        let (start, end) = bounds(period);
        Ok(sqlx::query_as(
            "select status, count(*) from complaints where decided_at >= $1 and decided_at < $2 \
             group by status order by status",
        )
        .bind(start)
        .bind(end)
        .fetch_all(self.pool())
        .await?)
    }

    #[tracing::instrument(skip_all)]
    async fn closings(&self, period: Period) -> StoreResult<Vec<(String, OffsetDateTime)>> {
        let (start, end) = bounds(period);
        Ok(sqlx::query_as(
            "select c.received_on, min(s.changed_at) from cases c \
             join case_status_changes s on s.case_id = c.case_id \
             where s.to_status = 'closed' and s.changed_at >= $1 and s.changed_at < $2 \
             group by c.case_id, c.received_on",
        )
        .bind(start)
        .bind(end)
        .fetch_all(self.pool())
        .await?)
    }
}
