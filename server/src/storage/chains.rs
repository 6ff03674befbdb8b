//! Tamper evidence of the audit trail and the chain of custody: each entry carries the
//! SHA-256 of the entry before it and of its own canonical content, so that an entry changed,
//! removed, added or moved outside Probity breaks the chain where [`ChainStore::verify_chain`]
//! finds it.
//!
//! A writer takes the chain's head (`chain_heads`, locked on PostgreSQL; SQLite's write
//! transaction already excludes other writers), writes its entry, seals it with the head's
//! hash and moves the head, all in one transaction: concurrent writers take turns and cannot
//! fork the chain, and entry ids follow the chain's order. The tables stay append-only; their
//! triggers allow only the one sealing write of an entry that has no hash yet.

use super::StoreResult;
use super::backend::SqlBackend;
use async_trait::async_trait;
use sha2::{Digest, Sha256};
use sqlx::Transaction;
use time::OffsetDateTime;

/// The hash the first entry of a chain links to.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Entries read per statement while walking a chain.
const BATCH: i64 = 1000;

/// An audit entry as written and sealed, for a copy kept outside the database.
#[derive(Clone, Debug, serde::Serialize)]
pub struct SealedAuditEntry {
    pub audit_event_id: i64,
    #[serde(with = "time::serde::rfc3339")]
    pub occurred_at: OffsetDateTime,
    pub actor_user_id: Option<i64>,
    pub actor: String,
    pub action: String,
    pub case_id: Option<i64>,
    pub target: Option<String>,
    pub outcome: String,
    pub remote_addr: Option<String>,
    pub detail: Option<String>,
    pub via: Option<String>,
    pub chain_prev: String,
    pub chain_hash: String,
}

/// Takes a copy of each audit entry once its transaction committed (a file, a syslog
/// server). It must not wait: the request that wrote the entry is waiting.
pub trait AuditCopy: Send + Sync + std::fmt::Debug {
    /// Queues one entry.
    fn send(&self, entry: SealedAuditEntry);
}

/// A store's audit copy, set once at start.
pub type AuditCopySlot = std::sync::Arc<std::sync::OnceLock<std::sync::Arc<dyn AuditCopy>>>;

/// The two chains.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Chain {
    /// `audit_events`.
    Audit,
    /// `custody_events`.
    Custody,
}

impl Chain {
    /// Both chains, in the order they are checked.
    pub const ALL: [Chain; 2] = [Chain::Audit, Chain::Custody];

    /// The chain of a head's name.
    pub fn parse(name: &str) -> Option<Chain> {
        Chain::ALL.into_iter().find(|chain| chain.as_str() == name)
    }

    /// The head's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Chain::Audit => "audit",
            Chain::Custody => "custody",
        }
    }

    /// In words, for reports.
    pub fn label(self) -> &'static str {
        match self {
            Chain::Audit => "audit trail",
            Chain::Custody => "chain of custody",
        }
    }

    fn table(self) -> &'static str {
        match self {
            Chain::Audit => "audit_events",
            Chain::Custody => "custody_events",
        }
    }

    fn id_column(self) -> &'static str {
        match self {
            Chain::Audit => "audit_event_id",
            Chain::Custody => "custody_event_id",
        }
    }

    /// The columns of an entry's canonical content, in the order they are hashed.
    fn columns(self) -> &'static str {
        match self {
            Chain::Audit => {
                "audit_event_id, occurred_at, actor_user_id, actor, action, case_id, target, \
                 outcome, remote_addr, detail, via, chain_prev, chain_hash"
            }
            Chain::Custody => {
                "custody_event_id, exhibit_id, action, user_id, occurred_at, reason, sha256, \
                 chain_prev, chain_hash"
            }
        }
    }
}

/// The hash of an entry: SHA-256 over the previous entry's hash, a line break and the
/// entry's canonical content, in lower-case hex.
pub fn link(previous: &str, content: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(previous.as_bytes());
    hasher.update(b"\n");
    hasher.update(content.as_bytes());
    format!("{:x}", hasher.finalize())
}

/// How a chain is broken at one entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BreakKind {
    /// The entry's content no longer gives its hash: it was changed.
    Changed,
    /// The entry does not link to the one before it: an entry before it was removed, added
    /// or moved, or this one was.
    Link,
    /// The entry has no hash: it was added outside Probity.
    Unsealed,
    /// The chain's head does not name the last entry: entries at its end were removed, or
    /// added outside Probity.
    Head,
}

impl BreakKind {
    /// In words, for reports.
    pub fn label(self) -> &'static str {
        match self {
            BreakKind::Changed => "content changed",
            BreakKind::Link => {
                "does not follow the entry before it (one was removed, added or moved)"
            }
            BreakKind::Unsealed => "has no hash (added outside Probity)",
            BreakKind::Head => {
                "the chain's last entry is not the one recorded (entries at its end removed or added)"
            }
        }
    }
}

/// One break of a chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainBreak {
    pub chain: Chain,
    /// The entry where the break shows.
    pub entry_id: i64,
    pub kind: BreakKind,
    /// What the chain says should be there.
    pub expected: String,
    /// What is there.
    pub found: String,
}

/// What walking one chain found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainReport {
    pub chain: Chain,
    /// Entries walked.
    pub entries: i64,
    /// The first breaks, at most the number asked for.
    pub breaks: Vec<ChainBreak>,
    /// Breaks found beyond those kept.
    pub more_breaks: i64,
}

/// One run of the integrity check, as kept for the audit page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IntegrityCheck {
    pub checked_at: OffsetDateTime,
    pub audit_entries: i64,
    pub custody_entries: i64,
    pub blobs: i64,
    pub problems: i64,
    /// The first problems, in words.
    pub summary: String,
}

/// Storage of the chains.
#[async_trait]
pub trait ChainStore {
    /// Seals, in order, the entries written before the chains existed (up to the newest
    /// entry when the migration ran); returns how many. Entries added later without a hash
    /// stay unsealed, for the check to report.
    async fn seal_unsealed(&self) -> StoreResult<u64>;
    /// Walks a chain from its first entry, keeping at most `keep` breaks.
    async fn verify_chain(&self, chain: Chain, keep: usize) -> StoreResult<ChainReport>;
    /// Each chain's head: its last entry and that entry's hash.
    async fn chain_heads(&self) -> StoreResult<Vec<(Chain, i64, String)>>;
    /// The hash stored on one entry: `None` when the entry does not exist, `Some(None)` when
    /// it has no hash.
    async fn chain_entry_hash(
        &self,
        chain: Chain,
        entry_id: i64,
    ) -> StoreResult<Option<Option<String>>>;
    /// Keeps the outcome of an integrity check.
    async fn record_integrity_check(&self, check: &IntegrityCheck) -> StoreResult<()>;
    /// The newest integrity check.
    async fn latest_integrity_check(&self) -> StoreResult<Option<IntegrityCheck>>;
}

/// An entry as read for hashing.
struct Entry {
    id: i64,
    content: String,
    prev: Option<String>,
    hash: Option<String>,
}

fn entry_from_row<R>(chain: Chain, row: &R) -> StoreResult<Entry>
where
    R: sqlx::Row,
    for<'a> &'a str: sqlx::ColumnIndex<R>,
    for<'r> i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> OffsetDateTime: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    let text = |column: &str| -> StoreResult<Option<String>> { Ok(row.try_get(column)?) };
    let number = |column: &str| -> StoreResult<Option<i64>> { Ok(row.try_get(column)?) };
    // The time as nanoseconds since 1970: what the database gives back, whatever its
    // precision (PostgreSQL keeps microseconds), in one unambiguous form.
    let at: OffsetDateTime = row.try_get("occurred_at")?;
    let at = serde_json::Value::String(at.unix_timestamp_nanos().to_string());
    let (id, values) = match chain {
        Chain::Audit => {
            let id: i64 = row.try_get("audit_event_id")?;
            (
                id,
                vec![
                    id.into(),
                    at,
                    number("actor_user_id")?.into(),
                    text("actor")?.into(),
                    text("action")?.into(),
                    number("case_id")?.into(),
                    text("target")?.into(),
                    text("outcome")?.into(),
                    text("remote_addr")?.into(),
                    text("detail")?.into(),
                    text("via")?.into(),
                ],
            )
        }
        Chain::Custody => {
            let id: i64 = row.try_get("custody_event_id")?;
            (
                id,
                vec![
                    id.into(),
                    number("exhibit_id")?.into(),
                    text("action")?.into(),
                    number("user_id")?.into(),
                    at,
                    text("reason")?.into(),
                    text("sha256")?.into(),
                ],
            )
        }
    };
    Ok(Entry {
        id,
        // A JSON array: every value typed and quoted, so no two contents read alike.
        content: serde_json::Value::Array(values).to_string(),
        prev: text("chain_prev")?,
        hash: text("chain_hash")?,
    })
}

/// The head of a chain: its last entry and that entry's hash.
#[derive(Clone, Debug)]
pub(crate) struct Head {
    last_id: i64,
    last_hash: String,
}

/// Writing to a chain, in the writer's transaction.
#[async_trait]
pub(crate) trait ChainRows: SqlBackend {
    /// Takes the chain's head until the transaction ends. Call before inserting the entry,
    /// so that entry ids follow the chain's order.
    async fn chain_head(tx: &mut Transaction<'_, Self::Db>, chain: Chain) -> StoreResult<Head>;

    /// Seals entry `id`, just written, onto the head and moves the head to it.
    async fn seal_entry(
        tx: &mut Transaction<'_, Self::Db>,
        chain: Chain,
        head: Head,
        id: i64,
    ) -> StoreResult<Head>;
}

#[async_trait]
impl<S> ChainRows for S
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
{
    async fn chain_head(tx: &mut Transaction<'_, Self::Db>, chain: Chain) -> StoreResult<Head> {
        let sql = format!(
            "select last_id, last_hash from chain_heads where chain = $1{}",
            S::LOCK_ROW
        );
        let (last_id, last_hash): (i64, String) = sqlx::query_as(&sql)
            .bind(chain.as_str())
            .fetch_one(&mut **tx)
            .await?;
        Ok(Head { last_id, last_hash })
    }

    async fn seal_entry(
        tx: &mut Transaction<'_, Self::Db>,
        chain: Chain,
        head: Head,
        id: i64,
    ) -> StoreResult<Head> {
        let sql = format!(
            "select {} from {} where {} = $1",
            chain.columns(),
            chain.table(),
            chain.id_column()
        );
        let row = sqlx::query(&sql).bind(id).fetch_one(&mut **tx).await?;
        let entry = entry_from_row(chain, &row)?;
        let hash = link(&head.last_hash, &entry.content);
        let sql = format!(
            "update {} set chain_prev = $1, chain_hash = $2 where {} = $3",
            chain.table(),
            chain.id_column()
        );
        sqlx::query(&sql)
            .bind(&head.last_hash)
            .bind(&hash)
            .bind(id)
            .execute(&mut **tx)
            .await?;
        sqlx::query("update chain_heads set last_id = $1, last_hash = $2 where chain = $3")
            .bind(id)
            .bind(&hash)
            .bind(chain.as_str())
            .execute(&mut **tx)
            .await?;
        Ok(Head {
            last_id: id,
            last_hash: hash,
        })
    }
}

impl Head {
    /// The hash of the chain's last entry.
    pub(crate) fn hash(&self) -> &str {
        &self.last_hash
    }
}

#[async_trait]
impl<S> ChainStore for S
where
    S: SqlBackend + ChainRows,
    for<'c> &'c mut <S::Db as sqlx::Database>::Connection: sqlx::Executor<'c, Database = S::Db>,
    for<'q> <S::Db as sqlx::Database>::Arguments<'q>: sqlx::IntoArguments<'q, S::Db>,
    for<'a> &'a str: sqlx::ColumnIndex<<S::Db as sqlx::Database>::Row>,
    usize: sqlx::ColumnIndex<<S::Db as sqlx::Database>::Row>,
    for<'q> i64: sqlx::Encode<'q, S::Db> + sqlx::Decode<'q, S::Db> + sqlx::Type<S::Db>,
    for<'q> String: sqlx::Encode<'q, S::Db> + sqlx::Decode<'q, S::Db> + sqlx::Type<S::Db>,
    for<'q> OffsetDateTime: sqlx::Encode<'q, S::Db> + sqlx::Decode<'q, S::Db> + sqlx::Type<S::Db>,
    for<'q> &'q str: sqlx::Encode<'q, S::Db> + sqlx::Type<S::Db>,
{
    #[tracing::instrument(skip_all)]
    async fn seal_unsealed(&self) -> StoreResult<u64> {
        let mut sealed = 0;
        for chain in Chain::ALL {
            loop {
                // A batch per transaction, so that writers wait at most one batch.
                let mut tx = self.begin_write().await?;
                let mut head = S::chain_head(&mut tx, chain).await?;
                let sql = format!(
                    "select e.{id} from {table} e join chain_heads h on h.chain = $3 \
                     where e.{id} > $1 and e.{id} <= h.legacy_until and e.chain_hash is null \
                     order by e.{id} limit $2",
                    id = chain.id_column(),
                    table = chain.table()
                );
                let ids: Vec<i64> = sqlx::query_scalar(&sql)
                    .bind(head.last_id)
                    .bind(BATCH)
                    .bind(chain.as_str())
                    .fetch_all(&mut *tx)
                    .await?;
                let done = ids.len() as i64;
                for id in ids {
                    head = S::seal_entry(&mut tx, chain, head, id).await?;
                    sealed += 1;
                }
                tx.commit().await?;
                if done < BATCH {
                    break;
                }
            }
        }
        if sealed > 0 {
            tracing::info!(
                sealed,
                "sealed the entries written before the chains existed"
            );
        }
        Ok(sealed)
    }

    #[tracing::instrument(skip_all, fields(chain = chain.as_str()))]
    async fn verify_chain(&self, chain: Chain, keep: usize) -> StoreResult<ChainReport> {
        let mut report = ChainReport {
            chain,
            entries: 0,
            breaks: Vec::new(),
            more_breaks: 0,
        };
        let found = |report: &mut ChainReport, entry_id, kind, expected: &str, got: &str| {
            if report.breaks.len() < keep {
                report.breaks.push(ChainBreak {
                    chain,
                    entry_id,
                    kind,
                    expected: expected.to_string(),
                    found: got.to_string(),
                });
            } else {
                report.more_breaks += 1;
            }
        };
        let sql = format!(
            "select {} from {} where {id} > $1 order by {id} limit $2",
            chain.columns(),
            chain.table(),
            id = chain.id_column()
        );
        let mut previous = GENESIS.to_string();
        let mut last_id = 0;
        let (head_id, head_hash) = loop {
            let rows = sqlx::query(&sql)
                .bind(last_id)
                .bind(BATCH)
                .fetch_all(self.pool())
                .await?;
            for row in &rows {
                let entry = entry_from_row(chain, row)?;
                report.entries += 1;
                last_id = entry.id;
                match (&entry.prev, &entry.hash) {
                    (Some(prev), Some(hash)) => {
                        if *prev != previous {
                            found(&mut report, entry.id, BreakKind::Link, &previous, prev);
                        }
                        let again = link(prev, &entry.content);
                        if again != *hash {
                            found(&mut report, entry.id, BreakKind::Changed, hash, &again);
                        }
                        // On from the stored hash, so that one change shows once.
                        previous = hash.clone();
                    }
                    _ => {
                        found(&mut report, entry.id, BreakKind::Unsealed, "a hash", "none");
                        previous = link(&previous, &entry.content);
                    }
                }
            }
            if (rows.len() as i64) == BATCH {
                continue;
            }
            // Read after the walk: every entry the head names was committed with it. A head
            // beyond the last entry read names entries written since (walk on) or removed.
            let (head_id, head_hash): (i64, String) =
                sqlx::query_as("select last_id, last_hash from chain_heads where chain = $1")
                    .bind(chain.as_str())
                    .fetch_one(self.pool())
                    .await?;
            if head_id > last_id {
                let later: i64 = sqlx::query_scalar(&format!(
                    "select count(*) from {} where {id} > $1",
                    chain.table(),
                    id = chain.id_column()
                ))
                .bind(last_id)
                .fetch_one(self.pool())
                .await?;
                if later > 0 {
                    continue;
                }
            }
            break (head_id, head_hash);
        };
        if head_id != last_id || head_hash != previous {
            found(
                &mut report,
                head_id.max(last_id),
                BreakKind::Head,
                &format!("entry {head_id} ({head_hash})"),
                &format!("entry {last_id} ({previous})"),
            );
        }
        Ok(report)
    }

    #[tracing::instrument(skip_all)]
    async fn chain_heads(&self) -> StoreResult<Vec<(Chain, i64, String)>> {
        let mut heads = Vec::new();
        for chain in Chain::ALL {
            let (last_id, last_hash): (i64, String) =
                sqlx::query_as("select last_id, last_hash from chain_heads where chain = $1")
                    .bind(chain.as_str())
                    .fetch_one(self.pool())
                    .await?;
            heads.push((chain, last_id, last_hash));
        }
        Ok(heads)
    }

    #[tracing::instrument(skip_all, fields(chain = chain.as_str(), entry_id))]
    async fn chain_entry_hash(
        &self,
        chain: Chain,
        entry_id: i64,
    ) -> StoreResult<Option<Option<String>>> {
        let sql = format!(
            "select chain_hash from {} where {} = $1",
            chain.table(),
            chain.id_column()
        );
        let hash: Option<Option<String>> = sqlx::query_scalar(&sql)
            .bind(entry_id)
            .fetch_optional(self.pool())
            .await?;
        Ok(hash)
    }

    #[tracing::instrument(skip_all)]
    async fn record_integrity_check(&self, check: &IntegrityCheck) -> StoreResult<()> {
        sqlx::query(
            "insert into integrity_checks (checked_at, audit_entries, custody_entries, blobs, \
             problems, summary) values ($1, $2, $3, $4, $5, $6)",
        )
        .bind(check.checked_at)
        .bind(check.audit_entries)
        .bind(check.custody_entries)
        .bind(check.blobs)
        .bind(check.problems)
        .bind(&check.summary)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    async fn latest_integrity_check(&self) -> StoreResult<Option<IntegrityCheck>> {
        let row: Option<(OffsetDateTime, i64, i64, i64, i64, String)> = sqlx::query_as(
            "select checked_at, audit_entries, custody_entries, blobs, problems, summary \
             from integrity_checks order by integrity_check_id desc limit 1",
        )
        .fetch_optional(self.pool())
        .await?;
        Ok(row.map(
            |(checked_at, audit_entries, custody_entries, blobs, problems, summary)| {
                IntegrityCheck {
                    checked_at,
                    audit_entries,
                    custody_entries,
                    blobs,
                    problems,
                    summary,
                }
            },
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_covers_the_previous_hash_and_the_content() {
        let first = link(GENESIS, "[1,\"a\"]");
        assert_eq!(first.len(), 64);
        assert_ne!(first, link(GENESIS, "[1,\"b\"]"));
        assert_ne!(first, link(&first, "[1,\"a\"]"));
        // Known answer: SHA-256 of 64 zeros, a line break and "x".
        let mut hasher = Sha256::new();
        hasher.update(format!("{GENESIS}\nx"));
        assert_eq!(link(GENESIS, "x"), format!("{:x}", hasher.finalize()));
    }
}
