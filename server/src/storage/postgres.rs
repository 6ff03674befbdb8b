//! The PostgreSQL backend, for offices that outgrow one machine.

use super::queries::{USER_COLUMNS, store_impl};
use super::{NewUser, StoreResult, User};
use sqlx::PgPool;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use std::str::FromStr;
use std::time::Duration;

/// Storage on PostgreSQL.
#[derive(Clone, Debug)]
pub struct PostgresStorage {
    pool: PgPool,
}

impl PostgresStorage {
    /// Connects to the database at `url`.
    pub async fn connect(url: &str) -> StoreResult<Self> {
        let options = PgConnectOptions::from_str(url)?.application_name("probity");
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await?;
        Ok(Self { pool })
    }

    /// The connection pool, for the session store.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }
}

store_impl!(PostgresStorage, "postgres", sqlx::postgres::PgRow, {
    #[tracing::instrument(skip_all)]
    async fn migrate(&self) -> StoreResult<()> {
        sqlx::migrate!("../migrations/postgres")
            .run(&self.pool)
            .await?;
        tower_sessions_sqlx_store::PostgresStore::new(self.pool.clone())
            .migrate()
            .await?;
        Ok(())
    }

    #[tracing::instrument(skip_all, fields(username = %user.username))]
    async fn create_first_admin(&self, user: NewUser) -> StoreResult<Option<User>> {
        // Two setup attempts at once must not both find the table empty: the lock makes the
        // second wait for the first to commit, then see its row.
        let mut tx = self.pool.begin().await?;
        sqlx::query("lock table users in share row exclusive mode")
            .execute(&mut *tx)
            .await?;
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
            .fetch_optional(&mut *tx)
            .await?;
        tx.commit().await?;
        row.as_ref().map(user_from_row).transpose()
    }
});
