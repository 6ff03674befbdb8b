//! Message storage: imports that stream batches into one transaction (kept or thrown away as
//! a whole), and the message viewer's queries with key-based pages and full-text search.

use super::StoreResult;
use async_trait::async_trait;
use probity_app::messages::Message;
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

/// Message storage.
#[async_trait]
pub trait MessageStore: Send + Sync {
    /// Stores the batches received until the sender closes, in one transaction, then commits
    /// when `commit` says true and rolls everything back otherwise. Returns how many messages
    /// were kept.
    async fn import_messages(
        &self,
        case_id: i64,
        exhibit_id: i64,
        batches: mpsc::Receiver<Vec<NewMessage>>,
        commit: oneshot::Receiver<bool>,
    ) -> StoreResult<i64>;
    /// How many messages were imported from an exhibit.
    async fn message_count(&self, exhibit_id: i64) -> StoreResult<i64>;
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

/// Declares the message queries for a backend, whose store has the inherent
/// `insert_messages(tx, case_id, exhibit_id, after_position, messages)` and
/// `after_large_import()`.
macro_rules! message_store_impl {
    ($store:ty, $row:ty, $db:ty) => {
        const MESSAGE_COLUMNS: &str = "m.message_id, m.case_id, m.exhibit_id, x.number as exhibit_number, \
             m.position, m.sent_at, m.sender, m.recipients, m.body, m.source_location";

        fn message_from_row(row: &$row) -> $crate::storage::StoreResult<probity_app::messages::Message> {
            use sqlx::Row as _;
            Ok(probity_app::messages::Message {
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

        #[async_trait::async_trait]
        impl $crate::storage::messages::MessageStore for $store {
            #[tracing::instrument(skip_all, fields(case_id, exhibit_id))]
            async fn import_messages(
                &self,
                case_id: i64,
                exhibit_id: i64,
                mut batches: tokio::sync::mpsc::Receiver<Vec<$crate::storage::messages::NewMessage>>,
                commit: tokio::sync::oneshot::Receiver<bool>,
            ) -> $crate::storage::StoreResult<i64> {
                let mut tx = self.pool.begin().await?;
                let mut position: i64 = sqlx::query_scalar(
                    "select coalesce(max(position), 0) from messages where exhibit_id = $1",
                )
                .bind(exhibit_id)
                .fetch_one(&mut *tx)
                .await?;
                let first = position;
                while let Some(batch) = batches.recv().await {
                    for chunk in batch.chunks($crate::storage::messages::BATCH) {
                        Self::insert_messages(&mut tx, case_id, exhibit_id, position, chunk).await?;
                        position += chunk.len() as i64;
                    }
                }
                if commit.await.unwrap_or(false) {
                    tx.commit().await?;
                    if position - first >= $crate::storage::messages::LARGE_IMPORT {
                        self.after_large_import().await?;
                    }
                    Ok(position - first)
                } else {
                    tx.rollback().await?;
                    Ok(0)
                }
            }

            #[tracing::instrument(skip_all, fields(exhibit_id))]
            async fn message_count(&self, exhibit_id: i64) -> $crate::storage::StoreResult<i64> {
                Ok(sqlx::query_scalar("select count(*) from messages where exhibit_id = $1")
                    .bind(exhibit_id)
                    .fetch_one(&self.pool)
                    .await?)
            }

            #[tracing::instrument(skip_all, fields(case_id, user_id))]
            async fn list_messages(
                &self,
                case_id: i64,
                user_id: i64,
                filter: &$crate::storage::messages::MessageFilter,
                after: Option<&$crate::storage::messages::MessageCursor>,
                limit: i64,
            ) -> $crate::storage::StoreResult<(Vec<probity_app::messages::Message>, Option<$crate::storage::messages::MessageCursor>)> {
                enum Value {
                    Int(i64),
                    Text(String),
                }
                let mut values = vec![Value::Int(case_id), Value::Int(user_id)];
                // Messages of restricted exhibits only for the members named on them.
                let mut conditions = vec![
                    "m.case_id = $1".to_string(),
                    "(x.restricted = false or exists (select 1 from exhibit_access a where a.exhibit_id = x.exhibit_id and a.user_id = $2))".to_string(),
                ];
                let param = |values: &mut Vec<Value>, value: Value| {
                    values.push(value);
                    format!("${}", values.len())
                };
                if let Some(exhibit_id) = filter.exhibit_id {
                    let p = param(&mut values, Value::Int(exhibit_id));
                    conditions.push(format!("m.exhibit_id = {p}"));
                }
                if let Some(participant) = &filter.participant {
                    let p = param(&mut values, Value::Text(format!("%{}%", participant.to_lowercase().replace(['%', '_'], ""))));
                    conditions.push(format!("(lower(m.sender) like {p} or lower(m.recipients) like {p})"));
                }
                if let Some(from) = &filter.from {
                    let p = param(&mut values, Value::Text(format!("{from}T00:00:00Z")));
                    conditions.push(format!("m.sent_at >= {p}"));
                }
                if let Some(to) = &filter.to {
                    let p = param(&mut values, Value::Text(format!("{to}T23:59:59Z")));
                    conditions.push(format!("m.sent_at <= {p}"));
                }
                if let Some(query) = filter.text.as_deref().and_then(Self::search_query) {
                    let p = param(&mut values, Value::Text(query));
                    conditions.push(Self::message_search_condition(&p));
                }
                if let Some(cursor) = after {
                    let t = param(&mut values, Value::Text(cursor.sent_at.clone()));
                    let i = param(&mut values, Value::Int(cursor.message_id));
                    conditions.push(format!("(m.sent_at > {t} or (m.sent_at = {t} and m.message_id > {i}))"));
                }
                let l = param(&mut values, Value::Int(limit + 1));
                let sql = format!(
                    "select {MESSAGE_COLUMNS} from messages m join exhibits x on x.exhibit_id = m.exhibit_id \
                     where {} order by m.sent_at, m.message_id limit {l}",
                    conditions.join(" and ")
                );
                let mut query = sqlx::query(&sql);
                for value in values {
                    query = match value {
                        Value::Int(v) => query.bind(v),
                        Value::Text(v) => query.bind(v),
                    };
                }
                let rows = query.fetch_all(&self.pool).await?;
                let more = rows.len() as i64 > limit;
                let messages = rows
                    .iter()
                    .take(limit as usize)
                    .map(message_from_row)
                    .collect::<$crate::storage::StoreResult<Vec<_>>>()?;
                let next = more
                    .then(|| messages.last().map(|m| $crate::storage::messages::MessageCursor {
                        sent_at: m.sent_at.clone(),
                        message_id: m.message_id,
                    }))
                    .flatten();
                Ok((messages, next))
            }

            #[tracing::instrument(skip_all, fields(case_id, message_id))]
            async fn message(
                &self,
                case_id: i64,
                message_id: i64,
            ) -> $crate::storage::StoreResult<Option<probity_app::messages::Message>> {
                let sql = format!(
                    "select {MESSAGE_COLUMNS} from messages m join exhibits x on x.exhibit_id = m.exhibit_id \
                     where m.case_id = $1 and m.message_id = $2"
                );
                let row = sqlx::query(&sql).bind(case_id).bind(message_id).fetch_optional(&self.pool).await?;
                row.as_ref().map(message_from_row).transpose()
            }
        }
    };
}

pub(crate) use message_store_impl;

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
