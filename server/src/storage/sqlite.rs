//! The embedded SQLite backend: one file in the data folder, WAL journal.

use super::queries::{USER_COLUMNS, store_impl};
use super::{NewUser, StoreResult, User};
use sqlx::SqlitePool;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use std::str::FromStr;
use std::time::Duration;

/// Storage on SQLite.
#[derive(Clone, Debug)]
pub struct SqliteStorage {
    pool: SqlitePool,
}

impl SqliteStorage {
    /// Opens (creating when missing) the database at `url`.
    pub async fn connect(url: &str) -> StoreResult<Self> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // With WAL, NORMAL keeps the database consistent after a crash; only the last
            // transactions before a power loss may be lost, never half-applied.
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await?;
        Ok(Self { pool })
    }

    /// The connection pool, for the session store.
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }
}

store_impl!(SqliteStorage, "sqlite", sqlx::sqlite::SqliteRow, {
    #[tracing::instrument(skip_all)]
    async fn migrate(&self) -> StoreResult<()> {
        sqlx::migrate!("../migrations/sqlite")
            .run(&self.pool)
            .await?;
        tower_sessions_sqlx_store::SqliteStore::new(self.pool.clone())
            .migrate()
            .await?;
        Ok(())
    }

    #[tracing::instrument(skip_all, fields(username = %user.username))]
    async fn create_first_admin(&self, user: NewUser) -> StoreResult<Option<User>> {
        // SQLite runs one writer at a time, so the check and the insert in this single
        // statement cannot interleave with another setup attempt.
        let now = time::OffsetDateTime::now_utc();
        let sql = format!(
            "insert into users (username, display_name, role, password_hash, disabled, \
             created_at, password_changed_at) \
             select $1, $2, $3, $4, false, $5, $5 where not exists (select 1 from users) \
             returning {USER_COLUMNS}"
        );
        let row = sqlx::query(&sql)
            .bind(&user.username)
            .bind(&user.display_name)
            .bind(user.role.as_str())
            .bind(&user.password_hash)
            .bind(now)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(user_from_row).transpose()
    }
});
