//! What differs between the two databases, behind one trait: how a write transaction
//! begins, how writers of one case take turns, the full-text index, how a batch of messages
//! is bound, migrations and the first administrator's insert.
//!
//! Everything else is SQL both databases accept, written once in implementations generic
//! over [`SqlBackend`] (`impl<S: SqlBackend> CaseStore for S`, ...). Their `where` clauses say what
//! the database must bind and read (`i64`, text, times); both backends satisfy them, so the
//! bounds never reach a caller, who holds a [`Store`](super::Store).

use super::messages::NewMessage;
use super::tokens::Pooled;
use super::{NewUser, StoreResult, User};
use async_trait::async_trait;
use sqlx::Transaction;

/// One database's own statements.
#[async_trait]
pub trait SqlBackend: Pooled + Sized + 'static {
    /// Which database this is, for logs and health output.
    const NAME: &'static str;

    /// The condition on cases (`c`) matching a full-text query: what comes before and after
    /// the bound query.
    const CASE_MATCH: (&'static str, &'static str);

    /// Appended to a select that takes a row until the transaction ends.
    const LOCK_ROW: &'static str;

    /// Where a copy of each audit entry goes as it is written.
    fn audit_copy(&self) -> &super::chains::AuditCopySlot;

    /// Applies pending migrations, the session store's included.
    async fn run_migrations(&self) -> StoreResult<()>;

    /// Creates the first administrator, only while no account exists.
    async fn insert_first_admin(&self, user: NewUser) -> StoreResult<Option<User>>;

    /// Begins a transaction that will write.
    async fn begin_write(&self) -> Result<Transaction<'static, Self::Db>, sqlx::Error>;

    /// Holds the case until the transaction ends, so that writers of its search document
    /// take turns.
    async fn lock_case(tx: &mut Transaction<'_, Self::Db>, case_id: i64) -> StoreResult<()>;

    /// Replaces a case's search document with `words`.
    async fn write_search(
        tx: &mut Transaction<'_, Self::Db>,
        case_id: i64,
        words: &str,
    ) -> StoreResult<()>;

    /// The full-text query for what was typed, or `None` when it holds no word.
    fn search_query(text: &str) -> Option<String>;

    /// Stages messages of import `import_id` at positions after `after`, the batch bound in
    /// one statement.
    async fn insert_messages(
        tx: &mut Transaction<'_, Self::Db>,
        import_id: i64,
        exhibit_id: i64,
        after: i64,
        messages: &[NewMessage],
    ) -> StoreResult<()>;

    /// Brings the database's view of the messages up to date after a large import.
    async fn after_large_import(&self) -> StoreResult<()>;
}

/// The number of rows a statement changed, which sqlx reports per database.
pub trait Affected {
    /// How many rows the statement inserted, changed or deleted.
    fn rows_affected(&self) -> u64;
}

impl Affected for sqlx::sqlite::SqliteQueryResult {
    fn rows_affected(&self) -> u64 {
        sqlx::sqlite::SqliteQueryResult::rows_affected(self)
    }
}

impl Affected for sqlx::postgres::PgQueryResult {
    fn rows_affected(&self) -> u64 {
        sqlx::postgres::PgQueryResult::rows_affected(self)
    }
}
