//! Accounts, role grants, the audit trail and sign-in records: the [`Store`](super::Store)
//! methods both backends share, written once over [`SqlBackend`](super::backend::SqlBackend).
//!
//! SQLite and PostgreSQL agree on everything here (`$1` placeholders, `returning`, boolean
//! literals); what differs (migrations, the first administrator's insert) is the backend's.

use super::backend::Affected as _;

/// Columns of `users`, in the order [`user_from_row!`] reads them.
pub(crate) const USER_COLUMNS: &str = "user_id, username, display_name, role, password_hash, \
     disabled, created_at, password_changed_at, last_sign_in_at";

/// Columns of `audit_events` read back.
pub(crate) const AUDIT_COLUMNS: &str = "e.audit_event_id, e.occurred_at, e.actor_user_id, e.actor, \
     e.action, e.case_id, c.case_number, e.target, e.outcome, e.remote_addr, e.detail, e.via";

/// Reads a `role_grants` row joined with its names.
pub(crate) fn role_grant_from_row<R>(
    row: &R,
) -> crate::storage::StoreResult<crate::storage::RoleGrant>
where
    R: sqlx::Row,
    for<'a> &'a str: sqlx::ColumnIndex<R>,
    for<'r> i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> bool: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> time::OffsetDateTime: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    let role: String = row.try_get("role")?;
    Ok(crate::storage::RoleGrant {
        role_grant_id: row.try_get("role_grant_id")?,
        user_id: row.try_get("user_id")?,
        username: row.try_get("username")?,
        display_name: row.try_get("display_name")?,
        role: probity_domain::roles::Role::parse(&role)
            .ok_or_else(crate::storage::corrupt("role"))?,
        new_account: row.try_get("new_account")?,
        requested_by: row.try_get("requested_by")?,
        requested_by_name: row.try_get("requested_by_name")?,
        requested_at: row.try_get("requested_at")?,
    })
}

#[async_trait::async_trait]
impl<S> crate::storage::Store for S
where
    S: crate::storage::backend::SqlBackend + crate::storage::cases::CaseRows,
    S: crate::storage::search::SearchStore + crate::storage::jobs::JobStore,
    S: crate::storage::tokens::TokenStore + crate::storage::search::RunsBuilt,
    S: crate::storage::search::SearchDialect + crate::storage::chains::ChainStore,
    S: crate::storage::chains::ChainRows,
    S: crate::storage::factors::FactorStore,
    S: crate::storage::complaints::ComplaintStore,
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
    fn backend(&self) -> &'static str {
        S::NAME
    }

    fn set_audit_copy(&self, copy: std::sync::Arc<dyn crate::storage::chains::AuditCopy>) {
        let _ = self.audit_copy().set(copy);
    }

    #[tracing::instrument(skip_all, fields(user_id))]
    async fn open_user_session(
        &self,
        session_ref: &str,
        user_id: i64,
        remote_addr: &str,
        user_agent: &str,
    ) -> crate::storage::StoreResult<()> {
        let now = time::OffsetDateTime::now_utc();
        sqlx::query(
            "insert into user_sessions (session_ref, user_id, started_at, last_seen_at, \
             remote_addr, user_agent) values ($1, $2, $3, $3, $4, $5)",
        )
        .bind(session_ref)
        .bind(user_id)
        .bind(now)
        .bind(remote_addr)
        .bind(user_agent)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    #[tracing::instrument(skip_all, fields(user_id))]
    async fn session_user(
        &self,
        user_id: i64,
        session_ref: &str,
    ) -> crate::storage::StoreResult<Option<crate::storage::User>> {
        let sql = format!(
            "select {} from users where user_id = $1 and exists (select 1 from user_sessions s \
             where s.session_ref = $2 and s.user_id = $1 and s.ended_at is null)",
            crate::storage::queries::USER_COLUMNS
        );
        let row = sqlx::query(&sql)
            .bind(user_id)
            .bind(session_ref)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(user_from_row).transpose()
    }

    #[tracing::instrument(skip_all)]
    async fn touch_user_session(&self, session_ref: &str) -> crate::storage::StoreResult<()> {
        sqlx::query("update user_sessions set last_seen_at = $1 where session_ref = $2")
            .bind(time::OffsetDateTime::now_utc())
            .bind(session_ref)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    #[tracing::instrument(skip_all, fields(user_id))]
    async fn user_sessions(
        &self,
        user_id: i64,
        since: time::OffsetDateTime,
    ) -> crate::storage::StoreResult<Vec<crate::storage::UserSession>> {
        use sqlx::Row as _;
        let rows = sqlx::query(
            "select user_session_id, user_id, session_ref, started_at, last_seen_at, remote_addr, \
             user_agent from user_sessions where user_id = $1 and ended_at is null \
             and started_at >= $2 order by last_seen_at desc, user_session_id desc limit 100",
        )
        .bind(user_id)
        .bind(since)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(crate::storage::UserSession {
                    user_session_id: row.try_get("user_session_id")?,
                    user_id: row.try_get("user_id")?,
                    session_ref: row.try_get("session_ref")?,
                    started_at: row.try_get("started_at")?,
                    last_seen_at: row.try_get("last_seen_at")?,
                    remote_addr: row.try_get("remote_addr")?,
                    user_agent: row.try_get("user_agent")?,
                })
            })
            .collect()
    }

    #[tracing::instrument(skip_all, fields(user_id, only))]
    async fn end_user_sessions(
        &self,
        user_id: Option<i64>,
        only: Option<i64>,
        by: &str,
    ) -> crate::storage::StoreResult<u64> {
        let ended: Vec<i64> = sqlx::query_scalar(
            "update user_sessions set ended_at = $1, ended_by = $2 where ended_at is null \
             and ($3 is null or user_id = $3) and ($4 is null or user_session_id = $4) \
             returning user_session_id",
        )
        .bind(time::OffsetDateTime::now_utc())
        .bind(by)
        .bind(user_id)
        .bind(only)
        .fetch_all(self.pool())
        .await?;
        Ok(ended.len() as u64)
    }

    #[tracing::instrument(skip_all)]
    async fn end_session_by_ref(
        &self,
        session_ref: &str,
        by: &str,
    ) -> crate::storage::StoreResult<()> {
        sqlx::query(
            "update user_sessions set ended_at = $1, ended_by = $2 \
             where session_ref = $3 and ended_at is null",
        )
        .bind(time::OffsetDateTime::now_utc())
        .bind(by)
        .bind(session_ref)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    async fn disable_unused_accounts(
        &self,
        cutoff: time::OffsetDateTime,
    ) -> crate::storage::StoreResult<Vec<crate::storage::User>> {
        let sql = format!(
            "update users set disabled = true where disabled = false \
             and coalesce(last_sign_in_at, created_at) < $1 \
             and coalesce(reactivated_at, created_at) < $1 returning {}",
            crate::storage::queries::USER_COLUMNS
        );
        let rows = sqlx::query(&sql)
            .bind(cutoff)
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(user_from_row).collect()
    }

    #[tracing::instrument(skip_all)]
    async fn migrate(&self) -> crate::storage::StoreResult<()> {
        self.run_migrations().await?;
        // Before anything else writes: the entries of before the chains come first in them.
        crate::storage::chains::ChainStore::seal_unsealed(self).await?;
        Ok(())
    }

    #[tracing::instrument(skip_all, fields(username = %user.username))]
    async fn create_first_admin(
        &self,
        user: crate::storage::NewUser,
    ) -> crate::storage::StoreResult<Option<crate::storage::User>> {
        self.insert_first_admin(user).await
    }

    #[tracing::instrument(skip_all)]
    async fn ping(&self) -> crate::storage::StoreResult<()> {
        sqlx::query("select 1").execute(self.pool()).await?;
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    async fn count_users(&self) -> crate::storage::StoreResult<i64> {
        let count: i64 = sqlx::query_scalar("select count(*) from users")
            .fetch_one(self.pool())
            .await?;
        Ok(count)
    }

    #[tracing::instrument(skip_all)]
    async fn setup_token(&self, candidate: &str) -> crate::storage::StoreResult<String> {
        sqlx::query("insert into setup_token (id, token) values (1, $1) on conflict do nothing")
            .bind(candidate)
            .execute(self.pool())
            .await?;
        let token: String = sqlx::query_scalar("select token from setup_token where id = 1")
            .fetch_one(self.pool())
            .await?;
        Ok(token)
    }

    #[tracing::instrument(skip_all)]
    async fn clear_setup_token(&self) -> crate::storage::StoreResult<()> {
        sqlx::query("delete from setup_token")
            .execute(self.pool())
            .await?;
        Ok(())
    }

    #[tracing::instrument(skip_all, fields(username = %user.username))]
    async fn create_user(
        &self,
        user: crate::storage::NewUser,
    ) -> crate::storage::StoreResult<crate::storage::User> {
        let now = time::OffsetDateTime::now_utc();
        let sql = format!(
            "insert into users (username, display_name, role, password_hash, disabled, \
                     created_at, password_changed_at) values ($1, $2, $3, $4, false, $5, $5) \
                     returning {}",
            crate::storage::queries::USER_COLUMNS
        );
        let row = sqlx::query(&sql)
            .bind(&user.username)
            .bind(&user.display_name)
            .bind(user.role.as_str())
            .bind(&user.password_hash)
            .bind(now)
            .fetch_one(self.pool())
            .await?;
        user_from_row(&row)
    }

    #[tracing::instrument(skip_all)]
    async fn user_by_username(
        &self,
        username: &str,
    ) -> crate::storage::StoreResult<Option<crate::storage::User>> {
        let sql = format!(
            "select {} from users where username = $1",
            crate::storage::queries::USER_COLUMNS
        );
        let row = sqlx::query(&sql)
            .bind(username)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(user_from_row).transpose()
    }

    #[tracing::instrument(skip_all, fields(user_id))]
    async fn user_by_id(
        &self,
        user_id: i64,
    ) -> crate::storage::StoreResult<Option<crate::storage::User>> {
        let sql = format!(
            "select {} from users where user_id = $1",
            crate::storage::queries::USER_COLUMNS
        );
        let row = sqlx::query(&sql)
            .bind(user_id)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(user_from_row).transpose()
    }

    #[tracing::instrument(skip_all)]
    async fn list_users(&self) -> crate::storage::StoreResult<Vec<crate::storage::User>> {
        let sql = format!(
            "select {} from users order by username",
            crate::storage::queries::USER_COLUMNS
        );
        let rows = sqlx::query(&sql).fetch_all(self.pool()).await?;
        rows.iter().map(user_from_row).collect()
    }

    #[tracing::instrument(skip_all, fields(disabled))]
    async fn set_user_disabled(
        &self,
        username: &str,
        disabled: bool,
    ) -> crate::storage::StoreResult<()> {
        // Enabling gives the account a fresh start before the unused-account check.
        let done = sqlx::query(
            "update users set disabled = $1, \
             reactivated_at = case when $1 then reactivated_at else $3 end where username = $2",
        )
        .bind(disabled)
        .bind(username)
        .bind(time::OffsetDateTime::now_utc())
        .execute(self.pool())
        .await?;
        if done.rows_affected() == 0 {
            return Err(crate::storage::StoreError::NotFound);
        }
        Ok(())
    }

    #[tracing::instrument(skip_all, fields(user_id))]
    async fn set_password_hash(
        &self,
        user_id: i64,
        password_hash: &str,
    ) -> crate::storage::StoreResult<()> {
        let done = sqlx::query(
            "update users set password_hash = $1, password_changed_at = $2 \
                     where user_id = $3",
        )
        .bind(password_hash)
        .bind(time::OffsetDateTime::now_utc())
        .bind(user_id)
        .execute(self.pool())
        .await?;
        if done.rows_affected() == 0 {
            return Err(crate::storage::StoreError::NotFound);
        }
        Ok(())
    }

    #[tracing::instrument(skip_all, fields(user_id))]
    async fn record_sign_in(&self, user_id: i64) -> crate::storage::StoreResult<()> {
        sqlx::query("update users set last_sign_in_at = $1 where user_id = $2")
            .bind(time::OffsetDateTime::now_utc())
            .bind(user_id)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    #[tracing::instrument(skip_all, fields(action = event.action))]
    async fn append_audit(
        &self,
        event: crate::storage::NewAuditEvent,
    ) -> crate::storage::StoreResult<()> {
        use crate::storage::chains::Chain;
        let occurred_at = time::OffsetDateTime::now_utc();
        let mut tx = self.begin_write().await?;
        let head = S::chain_head(&mut tx, Chain::Audit).await?;
        let id: i64 = sqlx::query_scalar(
            "insert into audit_events (occurred_at, actor_user_id, actor, action, case_id, target, \
             outcome, remote_addr, detail, via) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
             returning audit_event_id",
        )
        .bind(occurred_at)
        .bind(event.actor_user_id)
        .bind(&event.actor)
        .bind(event.action)
        .bind(event.case_id)
        .bind(&event.target)
        .bind(event.outcome.as_str())
        .bind(&event.remote_addr)
        .bind(&event.detail)
        .bind(&event.via)
        .fetch_one(&mut *tx)
        .await?;
        let prev = head.hash().to_string();
        let sealed = S::seal_entry(&mut tx, Chain::Audit, head, id).await?;
        tx.commit().await?;
        if let Some(copy) = self.audit_copy().get() {
            copy.send(crate::storage::chains::SealedAuditEntry {
                audit_event_id: id,
                occurred_at,
                actor_user_id: event.actor_user_id,
                actor: event.actor,
                action: event.action.to_string(),
                case_id: event.case_id,
                target: event.target,
                outcome: event.outcome.as_str().to_string(),
                remote_addr: event.remote_addr,
                detail: event.detail,
                via: event.via,
                chain_prev: prev,
                chain_hash: sealed.hash().to_string(),
            });
        }
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    async fn list_audit(
        &self,
        filter: &crate::storage::AuditFilter,
        limit: i64,
    ) -> crate::storage::StoreResult<Vec<crate::storage::AuditEvent>> {
        use sqlx::Row as _;
        let mut query = sqlx::QueryBuilder::<S::Db>::new(format!(
            "select {} from audit_events e left join cases c on c.case_id = e.case_id where true",
            crate::storage::queries::AUDIT_COLUMNS,
        ));
        if let Some(actor) = &filter.actor {
            query.push(" and e.actor = ").push_bind(actor.clone());
        }
        if let Some(action) = &filter.action {
            if let Some(area) = action.strip_suffix('.') {
                // An area prefix such as `case.`: compared as a prefix, not with LIKE.
                let prefix = format!("{area}.");
                // `integer`, not `bigint`: PostgreSQL's substr takes an int4 length.
                let length = i32::try_from(prefix.chars().count()).unwrap_or(i32::MAX);
                query
                    .push(" and substr(e.action, 1, ")
                    .push_bind(length)
                    .push(") = ")
                    .push_bind(prefix);
            } else {
                query.push(" and e.action = ").push_bind(action.clone());
            }
        }
        if let Some(case_id) = filter.case_id {
            query.push(" and e.case_id = ").push_bind(case_id);
        }
        if let Some(outcome) = filter.outcome {
            query.push(" and e.outcome = ").push_bind(outcome.as_str());
        }
        if let Some(before) = filter.before_id {
            query.push(" and e.audit_event_id < ").push_bind(before);
        }
        query
            .push(" order by e.audit_event_id desc limit ")
            .push_bind(limit);
        let rows = self.rows(&mut query).await?;
        rows.iter()
            .map(|row| {
                Ok(crate::storage::AuditEvent {
                    audit_event_id: row.try_get("audit_event_id")?,
                    occurred_at: row.try_get("occurred_at")?,
                    actor_user_id: row.try_get("actor_user_id")?,
                    actor: row.try_get("actor")?,
                    action: row.try_get("action")?,
                    case_id: row.try_get("case_id")?,
                    case_number: row.try_get("case_number")?,
                    target: row.try_get("target")?,
                    outcome: row.try_get("outcome")?,
                    remote_addr: row.try_get("remote_addr")?,
                    detail: row.try_get("detail")?,
                    via: row.try_get("via")?,
                })
            })
            .collect()
    }

    #[tracing::instrument(skip_all, fields(user_id))]
    async fn record_role_grant(
        &self,
        user_id: i64,
        role: probity_domain::roles::Role,
        new_account: bool,
        by: i64,
        state: crate::storage::GrantState,
    ) -> crate::storage::StoreResult<()> {
        let now = time::OffsetDateTime::now_utc();
        let decided = (state != crate::storage::GrantState::Pending).then_some(by);
        sqlx::query(
                    "insert into role_grants (user_id, role, new_account, requested_by, \
                     requested_at, state, decided_by, decided_at) values ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(user_id)
                .bind(role.as_str())
                .bind(new_account)
                .bind(by)
                .bind(now)
                .bind(state.as_str())
                .bind(decided)
                .bind(decided.map(|_| now))
                .execute(self.pool())
                .await?;
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    async fn role_grants(
        &self,
        state: crate::storage::GrantState,
        limit: i64,
    ) -> crate::storage::StoreResult<Vec<crate::storage::RoleGrant>> {
        let rows = sqlx::query(
                    "select g.role_grant_id, g.user_id, u.username, u.display_name, g.role, \
                     g.new_account, g.requested_by, r.display_name as requested_by_name, g.requested_at \
                     from role_grants g join users u on u.user_id = g.user_id \
                     join users r on r.user_id = g.requested_by \
                     where g.state = $1 order by g.role_grant_id desc limit $2",
                )
                .bind(state.as_str())
                .bind(limit)
                .fetch_all(self.pool())
                .await?;
        rows.iter().map(role_grant_from_row).collect()
    }

    #[tracing::instrument(skip_all, fields(grant_id))]
    async fn decide_role_grant(
        &self,
        grant_id: i64,
        approve: bool,
        by: i64,
    ) -> crate::storage::StoreResult<Option<crate::storage::RoleGrant>> {
        let mut tx = self.begin_write().await?;
        let state = if approve { "approved" } else { "refused" };
        let decided = sqlx::query(
            "update role_grants set state = $1, decided_by = $2, decided_at = $3 \
                     where role_grant_id = $4 and state = 'pending'",
        )
        .bind(state)
        .bind(by)
        .bind(time::OffsetDateTime::now_utc())
        .bind(grant_id)
        .execute(&mut *tx)
        .await?;
        if decided.rows_affected() == 0 {
            return Ok(None);
        }
        let row = sqlx::query(
                    "select g.role_grant_id, g.user_id, u.username, u.display_name, g.role, \
                     g.new_account, g.requested_by, r.display_name as requested_by_name, g.requested_at \
                     from role_grants g join users u on u.user_id = g.user_id \
                     join users r on r.user_id = g.requested_by where g.role_grant_id = $1",
                )
                .bind(grant_id)
                .fetch_one(&mut *tx)
                .await?;
        let grant = role_grant_from_row(&row)?;
        if approve {
            sqlx::query(
                "update users set role = $1, \
                         disabled = case when $2 then false else disabled end where user_id = $3",
            )
            .bind(grant.role.as_str())
            .bind(grant.new_account)
            .bind(grant.user_id)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(Some(grant))
    }

    #[tracing::instrument(skip_all)]
    async fn recent_sign_in_failures(
        &self,
        actor: &str,
        addr: &str,
        since: time::OffsetDateTime,
    ) -> crate::storage::StoreResult<crate::storage::SignInFailures> {
        use sqlx::Row as _;
        // A success, or an administrator's reset of the password, starts the count of
        // a name afresh.
        let row = sqlx::query(
                    "select \
                     (select count(*) from audit_events where actor = $1 and remote_addr = $2 \
                      and action in ('auth.sign_in', 'auth.second_factor') and outcome = 'refused' \
                      and occurred_at > $3 \
                      and audit_event_id > coalesce((select max(audit_event_id) from audit_events \
                        where (actor = $1 and action = 'auth.sign_in' and outcome = 'success') \
                        or (target = $4 and action = 'user.reset_password' and outcome = 'success')), 0)) \
                     as pair, \
                     (select count(*) from audit_events where remote_addr = $2 \
                      and action in ('auth.sign_in', 'auth.second_factor') \
                      and outcome = 'refused' and occurred_at > $3) \
                     as address",
                )
                .bind(actor)
                .bind(addr)
                .bind(since)
                .bind(format!("user:{actor}"))
                .fetch_one(self.pool())
                .await?;
        Ok(crate::storage::SignInFailures {
            pair: row.try_get("pair")?,
            address: row.try_get("address")?,
        })
    }

    #[tracing::instrument(skip_all, fields(user_id))]
    async fn update_user(
        &self,
        user_id: i64,
        display_name: &str,
        role: probity_domain::roles::Role,
    ) -> crate::storage::StoreResult<()> {
        let done = sqlx::query("update users set display_name = $1, role = $2 where user_id = $3")
            .bind(display_name)
            .bind(role.as_str())
            .bind(user_id)
            .execute(self.pool())
            .await?;
        if done.rows_affected() == 0 {
            return Err(crate::storage::StoreError::NotFound);
        }
        Ok(())
    }
}

/// Reads a `users` row selected with [`USER_COLUMNS`](crate::storage::queries::USER_COLUMNS).
pub(crate) fn user_from_row<R>(row: &R) -> crate::storage::StoreResult<crate::storage::User>
where
    R: sqlx::Row,
    for<'a> &'a str: sqlx::ColumnIndex<R>,
    for<'r> i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> bool: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> time::OffsetDateTime: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    let role: String = row.try_get("role")?;
    Ok(crate::storage::User {
        user_id: row.try_get("user_id")?,
        username: row.try_get("username")?,
        display_name: row.try_get("display_name")?,
        role: crate::storage::parse_role(&role)?,
        password_hash: row.try_get("password_hash")?,
        disabled: row.try_get("disabled")?,
        created_at: row.try_get("created_at")?,
        password_changed_at: row.try_get("password_changed_at")?,
        last_sign_in_at: row.try_get("last_sign_in_at")?,
    })
}
