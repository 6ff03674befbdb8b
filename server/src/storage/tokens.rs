//! Personal access tokens of the JSON API: who owns each, what it may do, until when, and
//! when it was last used. Only a token's SHA-256 is stored.
//!
//! The SQL is written once, in one implementation generic over the backend ([`Pooled`]): the
//! bounds that say "this database can bind and read these types" are spelled out once on the
//! impl block instead of stamping the bodies into each backend with a macro.

use super::{StoreResult, corrupt};
use async_trait::async_trait;
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, Pool, Row, Type};
use time::OffsetDateTime;

/// What a token may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenScope {
    /// Reads only.
    Read,
    /// Reads and changes, as far as its owner may.
    Write,
}

impl TokenScope {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            TokenScope::Read => "read",
            TokenScope::Write => "write",
        }
    }

    /// Parses the stored or posted name.
    pub fn parse(value: &str) -> Option<TokenScope> {
        match value {
            "read" => Some(TokenScope::Read),
            "write" => Some(TokenScope::Write),
            _ => None,
        }
    }

    /// In words, for the pages.
    pub fn label(self) -> &'static str {
        match self {
            TokenScope::Read => "Read",
            TokenScope::Write => "Read and write",
        }
    }
}

/// A token as stored (never its secret).
#[derive(Clone, Debug)]
pub struct ApiToken {
    pub api_token_id: i64,
    pub user_id: i64,
    /// The owner's username, for the administrators' list.
    pub username: String,
    pub name: String,
    /// The token's first characters, to tell tokens apart.
    pub prefix: String,
    pub scope: TokenScope,
    pub created_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    pub last_used_at: Option<OffsetDateTime>,
    pub revoked_at: Option<OffsetDateTime>,
}

impl ApiToken {
    /// Whether the token still opens the API at `now`.
    pub fn is_active(&self, now: OffsetDateTime) -> bool {
        self.revoked_at.is_none() && self.expires_at > now
    }
}

/// A token about to be stored.
#[derive(Clone, Debug)]
pub struct NewApiToken {
    pub user_id: i64,
    pub name: String,
    pub prefix: String,
    /// Hex SHA-256 of the whole token.
    pub token_hash: String,
    pub scope: TokenScope,
    pub expires_at: OffsetDateTime,
}

/// Storage of personal access tokens.
#[async_trait]
pub trait TokenStore {
    /// Stores a new token.
    async fn create_token(&self, token: NewApiToken) -> StoreResult<ApiToken>;
    /// A person's tokens, newest first, revoked and expired ones included.
    async fn tokens_of(&self, user_id: i64) -> StoreResult<Vec<ApiToken>>;
    /// Every token still active at `now`, newest first, for administrators.
    async fn active_tokens(&self, now: OffsetDateTime, limit: i64) -> StoreResult<Vec<ApiToken>>;
    /// The token with this hash, whatever its state (the caller checks it and its owner).
    async fn token_by_hash(&self, token_hash: &str) -> StoreResult<Option<ApiToken>>;
    /// Revokes a token; `owner` limits it to that person's tokens. `None` when there is no
    /// such (unrevoked) token.
    async fn revoke_token(
        &self,
        api_token_id: i64,
        owner: Option<i64>,
        by: i64,
    ) -> StoreResult<Option<ApiToken>>;
    /// Records a use, at most once a minute per token (a write per request would make every
    /// API read a write on SQLite).
    async fn touch_token(&self, api_token_id: i64, now: OffsetDateTime) -> StoreResult<()>;
}

/// A backend's connection pool, for the SQL written once over both databases.
pub trait Pooled: Send + Sync {
    type Db: Database;
    fn pool(&self) -> &Pool<Self::Db>;
}

impl Pooled for super::sqlite::SqliteStorage {
    type Db = sqlx::Sqlite;
    fn pool(&self) -> &Pool<sqlx::Sqlite> {
        self.pool()
    }
}

impl Pooled for super::postgres::PostgresStorage {
    type Db = sqlx::Postgres;
    fn pool(&self) -> &Pool<sqlx::Postgres> {
        self.pool()
    }
}

const TOKEN_COLUMNS: &str = "t.api_token_id, t.user_id, u.username, t.name, t.prefix, t.scope, \
     t.created_at, t.expires_at, t.last_used_at, t.revoked_at";

fn token_from_row<R>(row: &R) -> StoreResult<ApiToken>
where
    R: Row,
    for<'a> &'a str: ColumnIndex<R>,
    for<'r> i64: Decode<'r, R::Database> + Type<R::Database>,
    for<'r> String: Decode<'r, R::Database> + Type<R::Database>,
    for<'r> OffsetDateTime: Decode<'r, R::Database> + Type<R::Database>,
{
    let scope: String = row.try_get("scope")?;
    Ok(ApiToken {
        api_token_id: row.try_get("api_token_id")?,
        user_id: row.try_get("user_id")?,
        username: row.try_get("username")?,
        name: row.try_get("name")?,
        prefix: row.try_get("prefix")?,
        scope: TokenScope::parse(&scope).ok_or_else(corrupt("scope"))?,
        created_at: row.try_get("created_at")?,
        expires_at: row.try_get("expires_at")?,
        last_used_at: row.try_get("last_used_at")?,
        revoked_at: row.try_get("revoked_at")?,
    })
}

#[async_trait]
impl<S> TokenStore for S
where
    S: Pooled,
    for<'c> &'c mut <S::Db as Database>::Connection: Executor<'c, Database = S::Db>,
    for<'q> <S::Db as Database>::Arguments<'q>: IntoArguments<'q, S::Db>,
    for<'a> &'a str: ColumnIndex<<S::Db as Database>::Row>,
    usize: ColumnIndex<<S::Db as Database>::Row>,
    for<'q> i64: Encode<'q, S::Db> + Decode<'q, S::Db> + Type<S::Db>,
    for<'q> Option<i64>: Encode<'q, S::Db>,
    for<'q> String: Encode<'q, S::Db> + Decode<'q, S::Db> + Type<S::Db>,
    for<'q> &'q str: Encode<'q, S::Db> + Type<S::Db>,
    for<'q> OffsetDateTime: Encode<'q, S::Db> + Decode<'q, S::Db> + Type<S::Db>,
{
    #[tracing::instrument(skip_all, fields(user_id = token.user_id))]
    async fn create_token(&self, token: NewApiToken) -> StoreResult<ApiToken> {
        let now = OffsetDateTime::now_utc();
        let id: i64 = sqlx::query_scalar(
            "insert into api_tokens (user_id, name, prefix, token_hash, scope, created_at, \
             expires_at) values ($1, $2, $3, $4, $5, $6, $7) returning api_token_id",
        )
        .bind(token.user_id)
        .bind(token.name)
        .bind(token.prefix)
        .bind(token.token_hash)
        .bind(token.scope.as_str())
        .bind(now)
        .bind(token.expires_at)
        .fetch_one(self.pool())
        .await?;
        let sql = format!(
            "select {TOKEN_COLUMNS} from api_tokens t join users u on u.user_id = t.user_id \
             where t.api_token_id = $1"
        );
        let row = sqlx::query(&sql).bind(id).fetch_one(self.pool()).await?;
        token_from_row(&row)
    }

    #[tracing::instrument(skip_all, fields(user_id))]
    async fn tokens_of(&self, user_id: i64) -> StoreResult<Vec<ApiToken>> {
        let sql = format!(
            "select {TOKEN_COLUMNS} from api_tokens t join users u on u.user_id = t.user_id \
             where t.user_id = $1 order by t.api_token_id desc limit 200"
        );
        let rows = sqlx::query(&sql)
            .bind(user_id)
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(token_from_row).collect()
    }

    #[tracing::instrument(skip_all)]
    async fn active_tokens(&self, now: OffsetDateTime, limit: i64) -> StoreResult<Vec<ApiToken>> {
        let sql = format!(
            "select {TOKEN_COLUMNS} from api_tokens t join users u on u.user_id = t.user_id \
             where t.revoked_at is null and t.expires_at > $1 \
             order by t.api_token_id desc limit $2"
        );
        let rows = sqlx::query(&sql)
            .bind(now)
            .bind(limit)
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(token_from_row).collect()
    }

    #[tracing::instrument(skip_all)]
    async fn token_by_hash(&self, token_hash: &str) -> StoreResult<Option<ApiToken>> {
        let sql = format!(
            "select {TOKEN_COLUMNS} from api_tokens t join users u on u.user_id = t.user_id \
             where t.token_hash = $1"
        );
        let row = sqlx::query(&sql)
            .bind(token_hash)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(token_from_row).transpose()
    }

    #[tracing::instrument(skip_all, fields(api_token_id))]
    async fn revoke_token(
        &self,
        api_token_id: i64,
        owner: Option<i64>,
        by: i64,
    ) -> StoreResult<Option<ApiToken>> {
        let now = OffsetDateTime::now_utc();
        let revoked: Option<i64> = sqlx::query_scalar(
            "update api_tokens set revoked_at = $1, revoked_by = $2 \
             where api_token_id = $3 and revoked_at is null and ($4 is null or user_id = $4) \
             returning api_token_id",
        )
        .bind(now)
        .bind(by)
        .bind(api_token_id)
        .bind(owner)
        .fetch_optional(self.pool())
        .await?;
        if revoked.is_none() {
            return Ok(None);
        }
        let sql = format!(
            "select {TOKEN_COLUMNS} from api_tokens t join users u on u.user_id = t.user_id \
             where t.api_token_id = $1"
        );
        let row = sqlx::query(&sql)
            .bind(api_token_id)
            .fetch_one(self.pool())
            .await?;
        token_from_row(&row).map(Some)
    }

    #[tracing::instrument(skip_all, fields(api_token_id))]
    async fn touch_token(&self, api_token_id: i64, now: OffsetDateTime) -> StoreResult<()> {
        let a_minute_ago = now - time::Duration::minutes(1);
        sqlx::query(
            "update api_tokens set last_used_at = $1 where api_token_id = $2 \
             and (last_used_at is null or last_used_at < $3)",
        )
        .bind(now)
        .bind(api_token_id)
        .bind(a_minute_ago)
        .execute(self.pool())
        .await?;
        Ok(())
    }
}
