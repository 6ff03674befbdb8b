//! One search over everything a case holds: the entries the database keeps for cases,
//! parties, allegations, notes, exhibits, events and findings (see migration 0013), and
//! the messages' own index; limited to the cases the viewer may see, never restricted
//! exhibits or their messages.
//!
//! The SQL is written once, generic over the backend; each backend says only how its
//! full-text index is asked ([`SearchDialect`]). Queries are built with
//! [`sqlx::QueryBuilder`], every value bound.

use super::StoreResult;
use super::cases::{CaseViewer, push_visibility};
use super::tokens::Pooled;
use async_trait::async_trait;
use probity_domain::search::{SearchKind, Terms};
use sqlx::{
    ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, QueryBuilder, Row, Type,
};

/// What to look for, and where.
#[derive(Clone, Debug)]
pub struct SearchFilter {
    pub terms: Terms,
    /// One kind only (then the hits page by `after`); `None` for a few of every kind.
    pub kind: Option<SearchKind>,
    /// One case only, by its number.
    pub case_number: Option<String>,
    /// The first and last day, `YYYY-MM-DD`, inclusive.
    pub from: Option<String>,
    pub until: Option<String>,
}

/// One thing found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SearchHit {
    pub kind: SearchKind,
    /// The entry's (or message's) id: what the next page starts after.
    pub hit_id: i64,
    pub case_id: i64,
    pub case_number: String,
    pub case_title: String,
    /// The row found, in its kind's table.
    pub source_id: i64,
    /// A short name: the case's number and title, a party's name, an exhibit's number and
    /// file, an event's time, a message's sender.
    pub label: String,
    pub body: String,
    /// The day it is dated by (`YYYY-MM-DD`; a message's whole time).
    pub happened_on: String,
}

/// The hits of one kind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SearchGroup {
    pub kind: SearchKind,
    /// How many there are in all (for messages, at most [`MESSAGE_COUNT_CAP`], with `more`).
    pub count: i64,
    /// True when there are more messages than the count says.
    pub more: bool,
    pub hits: Vec<SearchHit>,
    /// Where the next page starts, when there is one.
    pub next: Option<i64>,
}

/// Messages are counted up to this many: a common word in a million messages would
/// otherwise cost a count of all of them on every search.
pub const MESSAGE_COUNT_CAP: i64 = 1000;

/// How a backend's full-text index is asked.
pub trait SearchDialect {
    /// The condition on `search_entries s` before and after the bound query.
    const ENTRY_MATCH: (&'static str, &'static str);
    /// The condition on `messages m` before and after the bound query.
    const MESSAGE_MATCH: (&'static str, &'static str);
    /// The index's query for the terms. Words hold only letters and digits, so nothing typed
    /// can change the query's syntax.
    fn text_query(terms: &Terms) -> String;
}

/// Runs a built query. Written per backend because a generic caller cannot shorten the
/// lifetime of `Database::Arguments<'args>` (an associated type, so invariant) to the
/// borrow of the builder, which each concrete type can.
#[async_trait]
pub trait RunsBuilt: Pooled {
    /// Every row of the query.
    async fn rows(
        &self,
        qb: &mut QueryBuilder<'_, Self::Db>,
    ) -> StoreResult<Vec<<Self::Db as Database>::Row>>;
    /// The one number the query answers.
    async fn number(&self, qb: &mut QueryBuilder<'_, Self::Db>) -> StoreResult<i64>;
}

#[async_trait]
impl RunsBuilt for super::sqlite::SqliteStorage {
    async fn rows(
        &self,
        qb: &mut QueryBuilder<'_, sqlx::Sqlite>,
    ) -> StoreResult<Vec<sqlx::sqlite::SqliteRow>> {
        Ok(qb.build().fetch_all(self.pool()).await?)
    }
    async fn number(&self, qb: &mut QueryBuilder<'_, sqlx::Sqlite>) -> StoreResult<i64> {
        Ok(qb.build_query_scalar().fetch_one(self.pool()).await?)
    }
}

#[async_trait]
impl RunsBuilt for super::postgres::PostgresStorage {
    async fn rows(
        &self,
        qb: &mut QueryBuilder<'_, sqlx::Postgres>,
    ) -> StoreResult<Vec<sqlx::postgres::PgRow>> {
        Ok(qb.build().fetch_all(self.pool()).await?)
    }
    async fn number(&self, qb: &mut QueryBuilder<'_, sqlx::Postgres>) -> StoreResult<i64> {
        Ok(qb.build_query_scalar().fetch_one(self.pool()).await?)
    }
}

/// Storage of the search.
#[async_trait]
pub trait SearchStore {
    /// With `filter.kind` unset: up to `limit` newest hits of every kind that has any, with
    /// their counts. With it set: that kind's hits, newest first, `limit` from `after`.
    async fn search(
        &self,
        viewer: CaseViewer,
        filter: &SearchFilter,
        after: Option<i64>,
        limit: i64,
    ) -> StoreResult<Vec<SearchGroup>>;
}

/// The kinds kept in `search_entries` (messages are not).
const ENTRY_KINDS: [SearchKind; 7] = [
    SearchKind::Case,
    SearchKind::Party,
    SearchKind::Allegation,
    SearchKind::Note,
    SearchKind::Exhibit,
    SearchKind::Event,
    SearchKind::Finding,
];

fn hit_from_row<R>(row: &R, kind: SearchKind) -> StoreResult<SearchHit>
where
    R: Row,
    for<'a> &'a str: ColumnIndex<R>,
    for<'r> i64: Decode<'r, R::Database> + Type<R::Database>,
    for<'r> String: Decode<'r, R::Database> + Type<R::Database>,
{
    Ok(SearchHit {
        kind,
        hit_id: row.try_get("hit_id")?,
        case_id: row.try_get("case_id")?,
        case_number: row.try_get("case_number")?,
        case_title: row.try_get("case_title")?,
        source_id: row.try_get("source_id")?,
        label: row.try_get("label")?,
        body: row.try_get("body")?,
        happened_on: row.try_get("happened_on")?,
    })
}

/// Groups rows (newest first within a kind) into their kinds, cutting each at `limit` and
/// noting where the next page starts.
fn group(hits: Vec<(SearchHit, i64)>, limit: i64, count_cap: Option<i64>) -> Vec<SearchGroup> {
    let mut groups: Vec<SearchGroup> = Vec::new();
    for (hit, total) in hits {
        match groups.last_mut() {
            Some(group) if group.kind == hit.kind => {
                if group.hits.len() as i64 >= limit {
                    group.next = group.hits.last().map(|last| last.hit_id);
                } else {
                    group.hits.push(hit);
                }
            }
            _ => {
                let (count, more) = match count_cap {
                    Some(cap) if total > cap => (cap, true),
                    _ => (total, false),
                };
                groups.push(SearchGroup {
                    kind: hit.kind,
                    count,
                    more,
                    hits: vec![hit],
                    next: None,
                })
            }
        }
    }
    groups
}

#[async_trait]
impl<S> SearchStore for S
where
    S: RunsBuilt + SearchDialect,
    for<'c> &'c mut <S::Db as Database>::Connection: Executor<'c, Database = S::Db>,
    for<'q> <S::Db as Database>::Arguments<'q>: IntoArguments<'q, S::Db>,
    for<'a> &'a str: ColumnIndex<<S::Db as Database>::Row>,
    usize: ColumnIndex<<S::Db as Database>::Row>,
    for<'q> i64: Encode<'q, S::Db> + Decode<'q, S::Db> + Type<S::Db>,
    for<'q> String: Encode<'q, S::Db> + Decode<'q, S::Db> + Type<S::Db>,
{
    #[tracing::instrument(skip_all, fields(kind = filter.kind.map(SearchKind::as_str)))]
    async fn search(
        &self,
        viewer: CaseViewer,
        filter: &SearchFilter,
        after: Option<i64>,
        limit: i64,
    ) -> StoreResult<Vec<SearchGroup>> {
        let limit = limit.clamp(1, 200);
        let query = S::text_query(&filter.terms);
        let mut groups = Vec::new();
        let entries = filter.kind.is_none_or(|kind| ENTRY_KINDS.contains(&kind));
        if entries {
            let mut qb: QueryBuilder<'_, S::Db> = QueryBuilder::new(
                "with hits as (select s.entry_id, s.kind from search_entries s \
                 join cases c on c.case_id = s.case_id where ",
            );
            qb.push(S::ENTRY_MATCH.0);
            qb.push_bind(query.clone());
            qb.push(S::ENTRY_MATCH.1);
            qb.push(" and s.restricted = false and ");
            push_visibility(&mut qb, viewer);
            if let Some(kind) = filter.kind {
                qb.push(" and s.kind = ")
                    .push_bind(kind.as_str().to_string());
            }
            if let Some(number) = &filter.case_number {
                qb.push(" and c.case_number = ").push_bind(number.clone());
            }
            if let Some(from) = &filter.from {
                qb.push(" and s.happened_on >= ").push_bind(from.clone());
            }
            if let Some(until) = &filter.until {
                qb.push(" and s.happened_on <= ").push_bind(until.clone());
            }
            // Numbered within each kind, newest first, and counted, before the page is cut:
            // the count is of everything found, whichever page is shown.
            qb.push(
                "), ranked as (select entry_id, kind, \
                 row_number() over (partition by kind order by entry_id desc) as place, \
                 count(*) over (partition by kind) as total from hits) \
                 select r.total, s.entry_id as hit_id, s.kind, s.case_id, c.case_number, \
                 c.title as case_title, s.source_id, s.label, s.body, s.happened_on \
                 from ranked r join search_entries s on s.entry_id = r.entry_id \
                 join cases c on c.case_id = s.case_id where ",
            );
            match after {
                Some(after) if filter.kind.is_some() => {
                    qb.push("r.entry_id < ").push_bind(after);
                }
                _ => {
                    qb.push("r.place <= ").push_bind(limit + 1);
                }
            }
            let kinds = if filter.kind.is_some() {
                1
            } else {
                ENTRY_KINDS.len() as i64
            };
            qb.push(" order by s.kind, s.entry_id desc limit ")
                .push_bind((limit + 1) * kinds);
            let rows = self.rows(&mut qb).await?;
            let mut hits = Vec::with_capacity(rows.len());
            for row in &rows {
                let kind: String = row.try_get("kind")?;
                let kind = SearchKind::parse(&kind).ok_or_else(super::corrupt("search kind"))?;
                hits.push((hit_from_row(row, kind)?, row.try_get("total")?));
            }
            groups.extend(group(hits, limit, None));
        }
        if filter.kind.is_none_or(|kind| kind == SearchKind::Message) {
            // The messages the viewer may see that match, after `from_id` when given.
            let matching = |qb: &mut QueryBuilder<'_, S::Db>, from_id: Option<i64>| {
                qb.push(
                    " from messages m join exhibits x on x.exhibit_id = m.exhibit_id \
                     join cases c on c.case_id = m.case_id where ",
                );
                qb.push(S::MESSAGE_MATCH.0);
                qb.push_bind(query.clone());
                qb.push(S::MESSAGE_MATCH.1);
                qb.push(" and x.restricted = false and ");
                push_visibility(qb, viewer);
                if let Some(number) = &filter.case_number {
                    qb.push(" and c.case_number = ").push_bind(number.clone());
                }
                if let Some(from) = &filter.from {
                    qb.push(" and m.sent_at >= ")
                        .push_bind(format!("{from}T00:00:00Z"));
                }
                if let Some(until) = &filter.until {
                    qb.push(" and m.sent_at <= ")
                        .push_bind(format!("{until}T23:59:59Z"));
                }
                if let Some(from_id) = from_id {
                    qb.push(" and m.message_id < ").push_bind(from_id);
                }
            };
            // Counted up to the cap and one more, to know there are more.
            let mut count: QueryBuilder<'_, S::Db> =
                QueryBuilder::new("select count(*) from (select m.message_id");
            matching(&mut count, None);
            count
                .push(" limit ")
                .push_bind(MESSAGE_COUNT_CAP + 1)
                .push(") as capped");
            let total = self.number(&mut count).await?;
            if total > 0 {
                let mut page: QueryBuilder<'_, S::Db> = QueryBuilder::new(
                    "select m.message_id as hit_id, m.case_id, c.case_number, \
                     c.title as case_title, m.message_id as source_id, m.sender as label, \
                     m.body, m.sent_at as happened_on",
                );
                matching(&mut page, after.filter(|_| filter.kind.is_some()));
                page.push(" order by m.message_id desc limit ")
                    .push_bind(limit + 1);
                let rows = self.rows(&mut page).await?;
                let mut hits = Vec::with_capacity(rows.len());
                for row in &rows {
                    hits.push((hit_from_row(row, SearchKind::Message)?, total));
                }
                groups.extend(group(hits, limit, Some(MESSAGE_COUNT_CAP)));
            }
        }
        groups.sort_by_key(|group| SearchKind::ALL.iter().position(|kind| *kind == group.kind));
        Ok(groups)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hit(kind: SearchKind, id: i64) -> SearchHit {
        SearchHit {
            kind,
            hit_id: id,
            case_id: 1,
            case_number: "2026-000001".into(),
            case_title: "A case".into(),
            source_id: id,
            label: String::new(),
            body: String::new(),
            happened_on: "2026-01-01".into(),
        }
    }

    #[test]
    fn rows_are_grouped_by_kind_cut_at_the_limit_and_the_next_page_noted() {
        let rows = vec![
            (hit(SearchKind::Party, 9), 3),
            (hit(SearchKind::Party, 7), 3),
            (hit(SearchKind::Party, 4), 3),
            (hit(SearchKind::Note, 8), 1),
        ];
        let groups = group(rows, 2, None);
        assert_eq!(groups.len(), 2);
        assert_eq!(groups[0].count, 3);
        assert_eq!(groups[0].hits.len(), 2);
        assert_eq!(groups[0].next, Some(7));
        assert_eq!(groups[1].next, None);
        let capped = group(vec![(hit(SearchKind::Message, 5), 1001)], 2, Some(1000));
        assert_eq!((capped[0].count, capped[0].more), (1000, true));
    }
}
