//! Second factors as stored: each person's authenticator-app secret, with the last time step
//! accepted from it (so a code is accepted once only), and their recovery codes as hashes.
//! Written once over both databases ([`SqlBackend`]).

use super::StoreResult;
use super::backend::{Affected as _, SqlBackend};
use async_trait::async_trait;
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, Row as _, Type};
use time::OffsetDateTime;

/// A person's authenticator-app secret.
#[derive(Clone, Debug)]
pub struct TotpFactor {
    pub user_id: i64,
    /// Base32, as the app was given it.
    pub secret: String,
    pub created_at: OffsetDateTime,
    /// `None` while enrolment waits for its first code.
    pub confirmed_at: Option<OffsetDateTime>,
    /// The last step whose code was accepted.
    pub last_step: i64,
}

/// A passkey or security key as stored: the credential is the WebAuthn library's JSON,
/// which storage keeps without reading.
#[derive(Clone, Debug)]
pub struct StoredPasskey {
    pub passkey_id: i64,
    pub user_id: i64,
    pub name: String,
    pub credential_id: String,
    pub credential: String,
    pub created_at: OffsetDateTime,
    pub last_used_at: Option<OffsetDateTime>,
}

/// Storage of second factors.
#[async_trait]
pub trait FactorStore {
    /// The person's authenticator secret, confirmed or waiting.
    async fn totp_factor(&self, user_id: i64) -> StoreResult<Option<TotpFactor>>;
    /// Starts enrolment with a new secret, replacing one still waiting for its first code.
    /// `false` (nothing changed) when a confirmed secret exists: it must be removed first.
    async fn begin_totp(&self, user_id: i64, secret: &str) -> StoreResult<bool>;
    /// Confirms the waiting secret with the step of its first code and gives the person these
    /// recovery codes (hashes) in place of any before, in one transaction. `false` when no
    /// secret was waiting.
    async fn confirm_totp(
        &self,
        user_id: i64,
        step: i64,
        recovery_hashes: &[String],
    ) -> StoreResult<bool>;
    /// Accepts `step` of the confirmed secret once: `true` when it is later than every step
    /// accepted before (one statement, so two sign-ins racing with one code cannot both win).
    async fn use_totp_step(&self, user_id: i64, step: i64) -> StoreResult<bool>;
    /// Replaces the person's recovery codes.
    async fn replace_recovery_codes(&self, user_id: i64, hashes: &[String]) -> StoreResult<()>;
    /// Uses an unused recovery code: `true` when it was one of the person's.
    async fn use_recovery_code(&self, user_id: i64, hash: &str) -> StoreResult<bool>;
    /// Recovery codes not used yet.
    async fn recovery_codes_left(&self, user_id: i64) -> StoreResult<i64>;
    /// Removes every factor and recovery code of the person; `true` when there was any.
    async fn remove_factors(&self, user_id: i64) -> StoreResult<bool>;
    /// Every person with a confirmed second factor (for the people list: one a staff).
    async fn enrolled_users(&self) -> StoreResult<Vec<i64>>;
    /// The person's passkeys, oldest first.
    async fn passkeys_of(&self, user_id: i64) -> StoreResult<Vec<StoredPasskey>>;
    /// Stores a new passkey; [`StoreError::Conflict`](super::StoreError::Conflict) when its
    /// credential is registered already (to anyone).
    async fn add_passkey(
        &self,
        user_id: i64,
        name: &str,
        credential_id: &str,
        credential: &str,
        user_handle: &str,
    ) -> StoreResult<i64>;
    /// The account whose passkeys carry this user handle.
    async fn user_by_passkey_handle(&self, user_handle: &str) -> StoreResult<Option<i64>>;
    /// Records a use of a passkey, with its credential as updated (its counter).
    async fn passkey_used(&self, passkey_id: i64, credential: &str) -> StoreResult<()>;
    /// Removes one of the person's passkeys; `false` when there was none such.
    async fn remove_passkey(&self, user_id: i64, passkey_id: i64) -> StoreResult<bool>;
}

async fn insert_codes<'c, DB>(
    tx: &mut sqlx::Transaction<'c, DB>,
    user_id: i64,
    hashes: &[String],
    now: OffsetDateTime,
) -> StoreResult<()>
where
    DB: Database,
    for<'e> &'e mut <DB as Database>::Connection: Executor<'e, Database = DB>,
    for<'q> <DB as Database>::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> i64: Encode<'q, DB> + Type<DB>,
    for<'q> String: Encode<'q, DB> + Type<DB>,
    for<'q> OffsetDateTime: Encode<'q, DB> + Type<DB>,
{
    sqlx::query("delete from recovery_codes where user_id = $1")
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    for hash in hashes {
        sqlx::query(
            "insert into recovery_codes (user_id, code_hash, created_at) values ($1, $2, $3)",
        )
        .bind(user_id)
        .bind(hash.clone())
        .bind(now)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

#[async_trait]
impl<S> FactorStore for S
where
    S: SqlBackend,
    for<'c> &'c mut <S::Db as Database>::Connection: Executor<'c, Database = S::Db>,
    for<'q> <S::Db as Database>::Arguments<'q>: IntoArguments<'q, S::Db>,
    for<'a> &'a str: ColumnIndex<<S::Db as Database>::Row>,
    usize: ColumnIndex<<S::Db as Database>::Row>,
    for<'q> i64: Encode<'q, S::Db> + Decode<'q, S::Db> + Type<S::Db>,
    for<'q> String: Encode<'q, S::Db> + Decode<'q, S::Db> + Type<S::Db>,
    for<'q> &'q str: Encode<'q, S::Db> + Type<S::Db>,
    for<'q> OffsetDateTime: Encode<'q, S::Db> + Decode<'q, S::Db> + Type<S::Db>,
    for<'q> Option<OffsetDateTime>: Decode<'q, S::Db>,
    <S::Db as Database>::QueryResult: super::backend::Affected,
{
    #[tracing::instrument(skip_all, fields(user_id))]
    async fn totp_factor(&self, user_id: i64) -> StoreResult<Option<TotpFactor>> {
        let row = sqlx::query(
            "select user_id, secret, created_at, confirmed_at, last_step from totp_factors \
             where user_id = $1",
        )
        .bind(user_id)
        .fetch_optional(self.pool())
        .await?;
        let Some(row) = row else { return Ok(None) };
        Ok(Some(TotpFactor {
            user_id: row.try_get("user_id")?,
            secret: row.try_get("secret")?,
            created_at: row.try_get("created_at")?,
            confirmed_at: row.try_get("confirmed_at")?,
            last_step: row.try_get("last_step")?,
        }))
    }

    #[tracing::instrument(skip_all, fields(user_id))]
    async fn begin_totp(&self, user_id: i64, secret: &str) -> StoreResult<bool> {
        let mut tx = self.begin_write().await?;
        sqlx::query("delete from totp_factors where user_id = $1 and confirmed_at is null")
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        let confirmed: Option<i64> =
            sqlx::query_scalar("select user_id from totp_factors where user_id = $1")
                .bind(user_id)
                .fetch_optional(&mut *tx)
                .await?;
        if confirmed.is_some() {
            return Ok(false);
        }
        sqlx::query(
            "insert into totp_factors (user_id, secret, created_at, last_step) \
             values ($1, $2, $3, 0)",
        )
        .bind(user_id)
        .bind(secret)
        .bind(OffsetDateTime::now_utc())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    #[tracing::instrument(skip_all, fields(user_id))]
    async fn confirm_totp(
        &self,
        user_id: i64,
        step: i64,
        recovery_hashes: &[String],
    ) -> StoreResult<bool> {
        let now = OffsetDateTime::now_utc();
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "update totp_factors set confirmed_at = $1, last_step = $2 \
             where user_id = $3 and confirmed_at is null",
        )
        .bind(now)
        .bind(step)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            return Ok(false);
        }
        insert_codes(&mut tx, user_id, recovery_hashes, now).await?;
        tx.commit().await?;
        Ok(true)
    }

    #[tracing::instrument(skip_all, fields(user_id))]
    async fn use_totp_step(&self, user_id: i64, step: i64) -> StoreResult<bool> {
        let done = sqlx::query(
            "update totp_factors set last_step = $1 \
             where user_id = $2 and confirmed_at is not null and last_step < $1",
        )
        .bind(step)
        .bind(user_id)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    #[tracing::instrument(skip_all, fields(user_id))]
    async fn replace_recovery_codes(&self, user_id: i64, hashes: &[String]) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        insert_codes(&mut tx, user_id, hashes, OffsetDateTime::now_utc()).await?;
        tx.commit().await?;
        Ok(())
    }

    #[tracing::instrument(skip_all, fields(user_id))]
    async fn use_recovery_code(&self, user_id: i64, hash: &str) -> StoreResult<bool> {
        let done = sqlx::query(
            "update recovery_codes set used_at = $1 \
             where user_id = $2 and code_hash = $3 and used_at is null",
        )
        .bind(OffsetDateTime::now_utc())
        .bind(user_id)
        .bind(hash)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() >= 1)
    }

    #[tracing::instrument(skip_all, fields(user_id))]
    async fn recovery_codes_left(&self, user_id: i64) -> StoreResult<i64> {
        Ok(sqlx::query_scalar(
            "select count(*) from recovery_codes where user_id = $1 and used_at is null",
        )
        .bind(user_id)
        .fetch_one(self.pool())
        .await?)
    }

    #[tracing::instrument(skip_all, fields(user_id))]
    async fn remove_factors(&self, user_id: i64) -> StoreResult<bool> {
        let mut tx = self.begin_write().await?;
        let factors = sqlx::query("delete from totp_factors where user_id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        let codes = sqlx::query("delete from recovery_codes where user_id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        let keys = sqlx::query("delete from passkeys where user_id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        tx.commit().await?;
        Ok(factors + codes + keys > 0)
    }

    #[tracing::instrument(skip_all)]
    async fn enrolled_users(&self) -> StoreResult<Vec<i64>> {
        Ok(sqlx::query_scalar(
            "select user_id from totp_factors where confirmed_at is not null order by user_id",
        )
        .fetch_all(self.pool())
        .await?)
    }

    #[tracing::instrument(skip_all, fields(user_id))]
    async fn passkeys_of(&self, user_id: i64) -> StoreResult<Vec<StoredPasskey>> {
        let rows = sqlx::query(
            "select passkey_id, user_id, name, credential_id, credential, created_at, \
             last_used_at from passkeys where user_id = $1 order by passkey_id limit 100",
        )
        .bind(user_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(StoredPasskey {
                    passkey_id: row.try_get("passkey_id")?,
                    user_id: row.try_get("user_id")?,
                    name: row.try_get("name")?,
                    credential_id: row.try_get("credential_id")?,
                    credential: row.try_get("credential")?,
                    created_at: row.try_get("created_at")?,
                    last_used_at: row.try_get("last_used_at")?,
                })
            })
            .collect()
    }

    #[tracing::instrument(skip_all, fields(user_id))]
    async fn add_passkey(
        &self,
        user_id: i64,
        name: &str,
        credential_id: &str,
        credential: &str,
        user_handle: &str,
    ) -> StoreResult<i64> {
        Ok(sqlx::query_scalar(
            "insert into passkeys (user_id, name, credential_id, credential, user_handle, \
             created_at) values ($1, $2, $3, $4, $5, $6) returning passkey_id",
        )
        .bind(user_id)
        .bind(name)
        .bind(credential_id)
        .bind(credential)
        .bind(user_handle)
        .bind(OffsetDateTime::now_utc())
        .fetch_one(self.pool())
        .await?)
    }

    #[tracing::instrument(skip_all)]
    async fn user_by_passkey_handle(&self, user_handle: &str) -> StoreResult<Option<i64>> {
        Ok(
            sqlx::query_scalar("select user_id from passkeys where user_handle = $1 limit 1")
                .bind(user_handle)
                .fetch_optional(self.pool())
                .await?,
        )
    }

    #[tracing::instrument(skip_all, fields(passkey_id))]
    async fn passkey_used(&self, passkey_id: i64, credential: &str) -> StoreResult<()> {
        sqlx::query("update passkeys set credential = $1, last_used_at = $2 where passkey_id = $3")
            .bind(credential)
            .bind(OffsetDateTime::now_utc())
            .bind(passkey_id)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    #[tracing::instrument(skip_all, fields(user_id, passkey_id))]
    async fn remove_passkey(&self, user_id: i64, passkey_id: i64) -> StoreResult<bool> {
        let done = sqlx::query("delete from passkeys where user_id = $1 and passkey_id = $2")
            .bind(user_id)
            .bind(passkey_id)
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected() == 1)
    }
}
