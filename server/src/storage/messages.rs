//! Message storage: imports that stream batches into one transaction (kept or thrown away as
//! a whole), and the message viewer's queries with key-based pages and full-text search.

use super::StoreResult;
use super::backend::Affected as _;
use async_trait::async_trait;
use probity_domain::messages::Message;
use tokio::sync::{mpsc, oneshot};

/// A message to store, already in UTC.
#[derive(Clone, Debug)]
pub struct NewMessage {
    pub sent_at: String,
    pub sender: String,
    pub recipients: String,
    pub body: String,
    pub location: String,
}

/// Filters of the message viewer; all optional.
#[derive(Clone, Debug, Default)]
pub struct MessageFilter {
    /// Only messages from one log.
    pub exhibit_id: Option<i64>,
    /// A name or number appearing in the sender or the recipients.
    pub participant: Option<String>,
    /// `YYYY-MM-DD`, inclusive, UTC.
    pub from: Option<String>,
    /// `YYYY-MM-DD`, inclusive, UTC.
    pub to: Option<String>,
    /// Words to search for.
    pub text: Option<String>,
}

/// Where the next page starts: the last message shown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MessageCursor {
    pub sent_at: String,
    pub message_id: i64,
}

impl MessageCursor {
    /// As it travels in a form: a time and a number, nothing of the content.
    pub fn encode(&self) -> String {
        format!("{}.{}", self.sent_at, self.message_id)
    }

    /// Parses an encoded cursor.
    pub fn decode(value: &str) -> Option<MessageCursor> {
        let (sent_at, id) = value.rsplit_once('.')?;
        let valid_time = sent_at.len() == 20
            && sent_at.ends_with('Z')
            && sent_at
                .bytes()
                .all(|b| b.is_ascii_digit() || matches!(b, b'-' | b':' | b'T' | b'Z'));
        if !valid_time {
            return None;
        }
        Some(MessageCursor {
            sent_at: sent_at.to_string(),
            message_id: id.parse().ok()?,
        })
    }
}

/// The date order an import chose for a log because nothing in it told, and the zone it read
/// the times in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DateGuess {
    pub day_first: bool,
    pub time_zone: String,
}

/// Message storage.
#[async_trait]
pub trait MessageStore: Send + Sync {
    /// Stages the batches received until the sender closes, each in its own short
    /// transaction, then, when `commit` says true, moves them all into the exhibit's messages in
    /// one transaction; otherwise (or on any error) discards them. Nothing is visible until the
    /// move, so the import is still all or nothing. Returns how many messages were kept.
    ///
    /// With `redate`, the exhibit's messages stay and only their times are replaced by the
    /// staged ones, position by position (reading a log's dates the other way round keeps
    /// every link to its messages); refused as stale unless the counts agree.
    async fn import_messages(
        &self,
        case_id: i64,
        exhibit_id: i64,
        batches: mpsc::Receiver<Vec<NewMessage>>,
        commit: oneshot::Receiver<bool>,
        redate: bool,
    ) -> StoreResult<i64>;
    /// Records (or, with `None`, forgets) the date order an import chose for a log because
    /// nothing in it told.
    async fn set_date_guess(&self, exhibit_id: i64, guess: Option<DateGuess>) -> StoreResult<()>;
    /// The date order an import chose for a log, when it had to.
    async fn date_guess(&self, exhibit_id: i64) -> StoreResult<Option<DateGuess>>;
    /// Removes what imports started before `started_before` left staged (a process killed
    /// mid-import); returns how many imports were abandoned.
    async fn abandon_stale_imports(&self, started_before: time::OffsetDateTime)
    -> StoreResult<u64>;
    /// Throws away what earlier, stopped imports of one exhibit staged (a job started again
    /// after its node stopped); returns how many imports.
    async fn abandon_imports_of(&self, exhibit_id: i64) -> StoreResult<u64>;
    /// How many messages were imported from an exhibit.
    async fn message_count(&self, exhibit_id: i64) -> StoreResult<i64>;
    /// How many messages each of a case's logs holds: `(exhibit id, count)` for every
    /// exhibit with at least one, in one query.
    async fn message_counts(&self, case_id: i64) -> StoreResult<Vec<(i64, i64)>>;
    /// One page of a case's messages that `user_id` may see, oldest first.
    async fn list_messages(
        &self,
        case_id: i64,
        user_id: i64,
        filter: &MessageFilter,
        after: Option<&MessageCursor>,
        limit: i64,
    ) -> StoreResult<(Vec<Message>, Option<MessageCursor>)>;
    /// One message of a case (the caller checks its exhibit's restriction).
    async fn message(&self, case_id: i64, message_id: i64) -> StoreResult<Option<Message>>;
}

/// Messages per insert statement. Each backend passes a batch as a few parameters (a JSON
/// array, or one array per column), never one parameter per value: binding thousands of
/// parameters to one SQLite statement costs time that grows with the square of their number.
pub const BATCH: usize = 2000;

/// Imports from this many messages on tidy the search index or the planner's statistics
/// when they commit (`after_large_import`).
pub const LARGE_IMPORT: i64 = 10_000;

const MESSAGE_COLUMNS: &str = "m.message_id, m.case_id, m.exhibit_id, x.number as exhibit_number, \
             m.position, m.sent_at, m.sender, m.recipients, m.body, m.source_location";

fn message_from_row<R>(row: &R) -> crate::storage::StoreResult<probity_domain::messages::Message>
where
    R: sqlx::Row,
    for<'a> &'a str: sqlx::ColumnIndex<R>,
    for<'r> i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> bool: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> time::OffsetDateTime: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    Ok(probity_domain::messages::Message {
        message_id: row.try_get("message_id")?,
        case_id: row.try_get("case_id")?,
        exhibit_id: row.try_get("exhibit_id")?,
        exhibit_number: row.try_get("exhibit_number")?,
        position: row.try_get("position")?,
        sent_at: row.try_get("sent_at")?,
        sender: row.try_get("sender")?,
        recipients: row.try_get("recipients")?,
        body: row.try_get("body")?,
        source_location: row.try_get("source_location")?,
    })
}

/// Queries the store implementations of this module share.
#[async_trait::async_trait]
pub(crate) trait MessageRows: crate::storage::backend::SqlBackend {
    /// Deletes an import's staged rows and its record.
    async fn forget_import(
        tx: &mut sqlx::Transaction<'_, Self::Db>,
        import_id: i64,
    ) -> crate::storage::StoreResult<()>;
}

#[async_trait::async_trait]
impl<S> MessageRows for S
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
    /// Deletes an import's staged rows and its record.
    async fn forget_import(
        tx: &mut sqlx::Transaction<'_, Self::Db>,
        import_id: i64,
    ) -> crate::storage::StoreResult<()> {
        for sql in [
            "delete from message_staging where import_id = $1",
            "delete from message_imports where import_id = $1",
        ] {
            sqlx::query(sql).bind(import_id).execute(&mut **tx).await?;
        }
        Ok(())
    }
}

#[async_trait::async_trait]
impl<S> crate::storage::messages::MessageStore for S
where
    S: crate::storage::backend::SqlBackend + crate::storage::cases::CaseRows + MessageRows,
    S: crate::storage::search::RunsBuilt + crate::storage::search::SearchDialect,
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
    #[tracing::instrument(skip_all, fields(case_id, exhibit_id))]
    async fn import_messages(
        &self,
        case_id: i64,
        exhibit_id: i64,
        mut batches: tokio::sync::mpsc::Receiver<Vec<crate::storage::messages::NewMessage>>,
        commit: tokio::sync::oneshot::Receiver<bool>,
        redate: bool,
    ) -> crate::storage::StoreResult<i64> {
        // Staged in short transactions, moved in one: see migration 0010_evidence_fidelity.
        let import_id: i64 = sqlx::query_scalar(
                    "insert into message_imports (exhibit_id, started_at) values ($1, $2) returning import_id",
                )
                .bind(exhibit_id)
                .bind(time::OffsetDateTime::now_utc())
                .fetch_one(self.pool())
                .await?;
        let moved = async {
                    let mut staged: i64 = 0;
                    while let Some(batch) = batches.recv().await {
                        for chunk in batch.chunks(crate::storage::messages::BATCH) {
                            let mut tx = self.begin_write().await?;
                            Self::insert_messages(&mut tx, import_id, exhibit_id, staged, chunk).await?;
                            tx.commit().await?;
                            staged += chunk.len() as i64;
                        }
                    }
                    if staged == 0 || !commit.await.unwrap_or(false) {
                        return Ok::<i64, crate::storage::StoreError>(0);
                    }
                    let mut tx = self.begin_write().await?;
                    if redate {
                        let existing: i64 = sqlx::query_scalar(
                            "select count(*) from messages where exhibit_id = $1",
                        )
                        .bind(exhibit_id)
                        .fetch_one(&mut *tx)
                        .await?;
                        if existing != staged {
                            return Err(crate::storage::StoreError::Stale);
                        }
                        sqlx::query(
                            "update messages set sent_at = (select s.sent_at from message_staging s \
                             where s.import_id = $1 and s.position = messages.position) \
                             where exhibit_id = $2",
                        )
                        .bind(import_id)
                        .bind(exhibit_id)
                        .execute(&mut *tx)
                        .await?;
                        Self::forget_import(&mut tx, import_id).await?;
                        tx.commit().await?;
                        return Ok(staged);
                    }
                    let base: i64 = sqlx::query_scalar(
                        "select coalesce(max(position), 0) from messages where exhibit_id = $1",
                    )
                    .bind(exhibit_id)
                    .fetch_one(&mut *tx)
                    .await?;
                    sqlx::query(
                        "insert into messages (case_id, exhibit_id, position, sent_at, sender, recipients, body, \
                         source_location) \
                         select $1, exhibit_id, $2 + position, sent_at, sender, recipients, body, source_location \
                         from message_staging where import_id = $3 order by position",
                    )
                    .bind(case_id)
                    .bind(base)
                    .bind(import_id)
                    .execute(&mut *tx)
                    .await?;
                    Self::forget_import(&mut tx, import_id).await?;
                    tx.commit().await?;
                    Ok(staged)
                }
                .await;
        // Whatever happened, the staged rows go (the move above already took them
        // when it committed).
        let mut tx = self.begin_write().await?;
        Self::forget_import(&mut tx, import_id).await?;
        tx.commit().await?;
        let moved = moved?;
        if moved >= crate::storage::messages::LARGE_IMPORT {
            self.after_large_import().await?;
        }
        Ok(moved)
    }

    #[tracing::instrument(skip_all, fields(exhibit_id))]
    async fn set_date_guess(
        &self,
        exhibit_id: i64,
        guess: Option<crate::storage::messages::DateGuess>,
    ) -> crate::storage::StoreResult<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query("delete from message_date_guesses where exhibit_id = $1")
            .bind(exhibit_id)
            .execute(&mut *tx)
            .await?;
        if let Some(guess) = guess {
            sqlx::query(
                "insert into message_date_guesses (exhibit_id, day_first, time_zone, guessed_at) \
                         values ($1, $2, $3, $4)",
            )
            .bind(exhibit_id)
            .bind(guess.day_first)
            .bind(guess.time_zone)
            .bind(time::OffsetDateTime::now_utc())
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    #[tracing::instrument(skip_all, fields(exhibit_id))]
    async fn date_guess(
        &self,
        exhibit_id: i64,
    ) -> crate::storage::StoreResult<Option<crate::storage::messages::DateGuess>> {
        use sqlx::Row as _;
        let row = sqlx::query(
            "select day_first, time_zone from message_date_guesses where exhibit_id = $1",
        )
        .bind(exhibit_id)
        .fetch_optional(self.pool())
        .await?;
        row.map(|row| {
            Ok(crate::storage::messages::DateGuess {
                day_first: row.try_get("day_first")?,
                time_zone: row.try_get("time_zone")?,
            })
        })
        .transpose()
    }

    #[tracing::instrument(skip_all, fields(exhibit_id))]
    async fn abandon_imports_of(&self, exhibit_id: i64) -> crate::storage::StoreResult<u64> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "delete from message_staging where import_id in \
                     (select import_id from message_imports where exhibit_id = $1)",
        )
        .bind(exhibit_id)
        .execute(&mut *tx)
        .await?;
        let done = sqlx::query("delete from message_imports where exhibit_id = $1")
            .bind(exhibit_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        tx.commit().await?;
        Ok(done)
    }

    #[tracing::instrument(skip_all)]
    async fn abandon_stale_imports(
        &self,
        started_before: time::OffsetDateTime,
    ) -> crate::storage::StoreResult<u64> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "delete from message_staging where import_id in \
                     (select import_id from message_imports where started_at < $1)",
        )
        .bind(started_before)
        .execute(&mut *tx)
        .await?;
        let done = sqlx::query("delete from message_imports where started_at < $1")
            .bind(started_before)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        tx.commit().await?;
        Ok(done)
    }

    #[tracing::instrument(skip_all, fields(exhibit_id))]
    async fn message_count(&self, exhibit_id: i64) -> crate::storage::StoreResult<i64> {
        Ok(
            sqlx::query_scalar("select count(*) from messages where exhibit_id = $1")
                .bind(exhibit_id)
                .fetch_one(self.pool())
                .await?,
        )
    }

    #[tracing::instrument(skip_all, fields(case_id))]
    async fn message_counts(&self, case_id: i64) -> crate::storage::StoreResult<Vec<(i64, i64)>> {
        Ok(sqlx::query_as(
            "select exhibit_id, count(*) from messages where case_id = $1 group by exhibit_id",
        )
        .bind(case_id)
        .fetch_all(self.pool())
        .await?)
    }

    #[tracing::instrument(skip_all, fields(case_id, user_id))]
    async fn list_messages(
        &self,
        case_id: i64,
        user_id: i64,
        filter: &crate::storage::messages::MessageFilter,
        after: Option<&crate::storage::messages::MessageCursor>,
        limit: i64,
    ) -> crate::storage::StoreResult<(
        Vec<probity_domain::messages::Message>,
        Option<crate::storage::messages::MessageCursor>,
    )> {
        let mut qb = sqlx::QueryBuilder::<S::Db>::new(format!(
            "select {MESSAGE_COLUMNS} from messages m join exhibits x on x.exhibit_id = m.exhibit_id \
                     where m.case_id = "
        ));
        qb.push_bind(case_id);
        // Messages of restricted exhibits only for the members named on them.
        qb.push(
            " and (x.restricted = false or exists (select 1 from exhibit_access a \
                     where a.exhibit_id = x.exhibit_id and a.user_id = ",
        )
        .push_bind(user_id)
        .push("))");
        if let Some(exhibit_id) = filter.exhibit_id {
            qb.push(" and m.exhibit_id = ").push_bind(exhibit_id);
        }
        if let Some(participant) = &filter.participant {
            let pattern = crate::storage::like_contains(participant);
            qb.push(" and (lower(m.sender) like ")
                .push_bind(pattern.clone())
                .push(" escape '\\' or lower(m.recipients) like ")
                .push_bind(pattern)
                .push(" escape '\\')");
        }
        if let Some(from) = &filter.from {
            qb.push(" and m.sent_at >= ")
                .push_bind(format!("{from}T00:00:00Z"));
        }
        if let Some(to) = &filter.to {
            qb.push(" and m.sent_at <= ")
                .push_bind(format!("{to}T23:59:59Z"));
        }
        if let Some(query) = filter.text.as_deref().and_then(S::search_query) {
            let (before, after) = <S as crate::storage::search::SearchDialect>::MESSAGE_MATCH;
            qb.push(" and ").push(before).push_bind(query).push(after);
        }
        if let Some(cursor) = after {
            qb.push(" and (m.sent_at > ")
                .push_bind(cursor.sent_at.clone())
                .push(" or (m.sent_at = ")
                .push_bind(cursor.sent_at.clone())
                .push(" and m.message_id > ")
                .push_bind(cursor.message_id)
                .push("))");
        }
        qb.push(" order by m.sent_at, m.message_id limit ")
            .push_bind(limit + 1);
        let rows = self.rows(&mut qb).await?;
        let more = rows.len() as i64 > limit;
        let messages = rows
            .iter()
            .take(limit as usize)
            .map(message_from_row)
            .collect::<crate::storage::StoreResult<Vec<_>>>()?;
        let next = more
            .then(|| {
                messages
                    .last()
                    .map(|m| crate::storage::messages::MessageCursor {
                        sent_at: m.sent_at.clone(),
                        message_id: m.message_id,
                    })
            })
            .flatten();
        Ok((messages, next))
    }

    #[tracing::instrument(skip_all, fields(case_id, message_id))]
    async fn message(
        &self,
        case_id: i64,
        message_id: i64,
    ) -> crate::storage::StoreResult<Option<probity_domain::messages::Message>> {
        let sql = format!(
            "select {MESSAGE_COLUMNS} from messages m join exhibits x on x.exhibit_id = m.exhibit_id \
                     where m.case_id = $1 and m.message_id = $2"
        );
        let row = sqlx::query(&sql)
            .bind(case_id)
            .bind(message_id)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(message_from_row).transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_refuse_garbage() {
        let cursor = MessageCursor {
            sent_at: "2024-11-21T21:41:00Z".into(),
            message_id: 42,
        };
        assert_eq!(MessageCursor::decode(&cursor.encode()), Some(cursor));
        for garbage in [
            "",
            "x.1",
            "2024-11-21T21:41:00Z.x",
            "2024-11-21 21:41:00'.1",
        ] {
            assert_eq!(MessageCursor::decode(garbage), None);
        }
    }
}
