//! The SQL both backends share, stamped into each backend's [`Store`](super::Store)
//! implementation by [`store_impl!`].
//!
//! SQLite and PostgreSQL agree on everything here (`$1` placeholders, `returning`, boolean
//! literals), so the statements are written once. A macro rather than generics: sqlx's
//! generic executor bounds would bury the SQL under trait bounds, and the expanded code is
//! two plain, concrete implementations.

/// Columns of `users`, in the order [`user_from_row!`] reads them.
pub(crate) const USER_COLUMNS: &str = "user_id, username, display_name, role, password_hash, \
     disabled, created_at, password_changed_at, last_sign_in_at";

/// Columns of `audit_events` read back.
pub(crate) const AUDIT_COLUMNS: &str = "e.audit_event_id, e.occurred_at, e.actor_user_id, e.actor, \
     e.action, e.case_id, c.case_number, e.target, e.outcome, e.remote_addr, e.detail, e.via";

/// Reads a `role_grants` row joined with its names.
macro_rules! role_grant_from_row_fn {
    ($row:ty) => {
        fn role_grant_from_row(
            row: &$row,
        ) -> $crate::storage::StoreResult<$crate::storage::RoleGrant> {
            use sqlx::Row as _;
            let role: String = row.try_get("role")?;
            Ok($crate::storage::RoleGrant {
                role_grant_id: row.try_get("role_grant_id")?,
                user_id: row.try_get("user_id")?,
                username: row.try_get("username")?,
                display_name: row.try_get("display_name")?,
                role: probity_domain::roles::Role::parse(&role)
                    .ok_or_else($crate::storage::corrupt("role"))?,
                new_account: row.try_get("new_account")?,
                requested_by: row.try_get("requested_by")?,
                requested_by_name: row.try_get("requested_by_name")?,
                requested_at: row.try_get("requested_at")?,
            })
        }
    };
}
pub(crate) use role_grant_from_row_fn;

/// Implements [`Store`](super::Store) for a backend struct with a `pool` field.
/// `$specific` holds the methods that differ between the databases.
macro_rules! store_impl {
    ($store:ty, $name:literal, $row:ty, { $($specific:tt)* }) => {
        $crate::storage::queries::role_grant_from_row_fn!($row);

        #[async_trait::async_trait]
        impl $crate::storage::Store for $store {
            fn backend(&self) -> &'static str {
                $name
            }

            $($specific)*

            #[tracing::instrument(skip_all)]
            async fn ping(&self) -> $crate::storage::StoreResult<()> {
                sqlx::query("select 1").execute(&self.pool).await?;
                Ok(())
            }

            #[tracing::instrument(skip_all)]
            async fn count_users(&self) -> $crate::storage::StoreResult<i64> {
                let count: i64 = sqlx::query_scalar("select count(*) from users")
                    .fetch_one(&self.pool)
                    .await?;
                Ok(count)
            }

            #[tracing::instrument(skip_all, fields(username = %user.username))]
            async fn create_user(
                &self,
                user: $crate::storage::NewUser,
            ) -> $crate::storage::StoreResult<$crate::storage::User> {
                let now = time::OffsetDateTime::now_utc();
                let sql = format!(
                    "insert into users (username, display_name, role, password_hash, disabled, \
                     created_at, password_changed_at) values ($1, $2, $3, $4, false, $5, $5) \
                     returning {}",
                    $crate::storage::queries::USER_COLUMNS
                );
                let row = sqlx::query(&sql)
                    .bind(&user.username)
                    .bind(&user.display_name)
                    .bind(user.role.as_str())
                    .bind(&user.password_hash)
                    .bind(now)
                    .fetch_one(&self.pool)
                    .await?;
                user_from_row(&row)
            }

            #[tracing::instrument(skip_all)]
            async fn user_by_username(
                &self,
                username: &str,
            ) -> $crate::storage::StoreResult<Option<$crate::storage::User>> {
                let sql = format!(
                    "select {} from users where username = $1",
                    $crate::storage::queries::USER_COLUMNS
                );
                let row = sqlx::query(&sql).bind(username).fetch_optional(&self.pool).await?;
                row.as_ref().map(user_from_row).transpose()
            }

            #[tracing::instrument(skip_all, fields(user_id))]
            async fn user_by_id(
                &self,
                user_id: i64,
            ) -> $crate::storage::StoreResult<Option<$crate::storage::User>> {
                let sql = format!(
                    "select {} from users where user_id = $1",
                    $crate::storage::queries::USER_COLUMNS
                );
                let row = sqlx::query(&sql).bind(user_id).fetch_optional(&self.pool).await?;
                row.as_ref().map(user_from_row).transpose()
            }

            #[tracing::instrument(skip_all)]
            async fn list_users(&self) -> $crate::storage::StoreResult<Vec<$crate::storage::User>> {
                let sql = format!(
                    "select {} from users order by username",
                    $crate::storage::queries::USER_COLUMNS
                );
                let rows = sqlx::query(&sql).fetch_all(&self.pool).await?;
                rows.iter().map(user_from_row).collect()
            }

            #[tracing::instrument(skip_all, fields(disabled))]
            async fn set_user_disabled(
                &self,
                username: &str,
                disabled: bool,
            ) -> $crate::storage::StoreResult<()> {
                let done = sqlx::query("update users set disabled = $1 where username = $2")
                    .bind(disabled)
                    .bind(username)
                    .execute(&self.pool)
                    .await?;
                if done.rows_affected() == 0 {
                    return Err($crate::storage::StoreError::NotFound);
                }
                Ok(())
            }

            #[tracing::instrument(skip_all, fields(user_id))]
            async fn set_password_hash(
                &self,
                user_id: i64,
                password_hash: &str,
            ) -> $crate::storage::StoreResult<()> {
                let done = sqlx::query(
                    "update users set password_hash = $1, password_changed_at = $2 \
                     where user_id = $3",
                )
                .bind(password_hash)
                .bind(time::OffsetDateTime::now_utc())
                .bind(user_id)
                .execute(&self.pool)
                .await?;
                if done.rows_affected() == 0 {
                    return Err($crate::storage::StoreError::NotFound);
                }
                Ok(())
            }

            #[tracing::instrument(skip_all, fields(user_id))]
            async fn record_sign_in(&self, user_id: i64) -> $crate::storage::StoreResult<()> {
                sqlx::query("update users set last_sign_in_at = $1 where user_id = $2")
                    .bind(time::OffsetDateTime::now_utc())
                    .bind(user_id)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            #[tracing::instrument(skip_all, fields(action = event.action))]
            async fn append_audit(
                &self,
                event: $crate::storage::NewAuditEvent,
            ) -> $crate::storage::StoreResult<()> {
                sqlx::query(
                    "insert into audit_events (occurred_at, actor_user_id, actor, action, case_id, target, \
                     outcome, remote_addr, detail, via) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                )
                .bind(time::OffsetDateTime::now_utc())
                .bind(event.actor_user_id)
                .bind(&event.actor)
                .bind(event.action)
                .bind(event.case_id)
                .bind(&event.target)
                .bind(event.outcome.as_str())
                .bind(&event.remote_addr)
                .bind(&event.detail)
                .bind(&event.via)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            #[tracing::instrument(skip_all)]
            async fn list_audit(
                &self,
                filter: &$crate::storage::AuditFilter,
                limit: i64,
            ) -> $crate::storage::StoreResult<Vec<$crate::storage::AuditEvent>> {
                use sqlx::Row as _;
                let mut query = sqlx::QueryBuilder::<<$row as sqlx::Row>::Database>::new(format!(
                    "select {} from audit_events e left join cases c on c.case_id = e.case_id where true",
                    $crate::storage::queries::AUDIT_COLUMNS,
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
                query.push(" order by e.audit_event_id desc limit ").push_bind(limit);
                let query = query.build();
                let rows = query.fetch_all(&self.pool).await?;
                rows.iter()
                    .map(|row| {
                        Ok($crate::storage::AuditEvent {
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
                state: $crate::storage::GrantState,
            ) -> $crate::storage::StoreResult<()> {
                let now = time::OffsetDateTime::now_utc();
                let decided = (state != $crate::storage::GrantState::Pending).then_some(by);
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
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            #[tracing::instrument(skip_all)]
            async fn role_grants(
                &self,
                state: $crate::storage::GrantState,
                limit: i64,
            ) -> $crate::storage::StoreResult<Vec<$crate::storage::RoleGrant>> {
                let rows = sqlx::query(
                    "select g.role_grant_id, g.user_id, u.username, u.display_name, g.role, \
                     g.new_account, g.requested_by, r.display_name as requested_by_name, g.requested_at \
                     from role_grants g join users u on u.user_id = g.user_id \
                     join users r on r.user_id = g.requested_by \
                     where g.state = $1 order by g.role_grant_id desc limit $2",
                )
                .bind(state.as_str())
                .bind(limit)
                .fetch_all(&self.pool)
                .await?;
                rows.iter().map(role_grant_from_row).collect()
            }

            #[tracing::instrument(skip_all, fields(grant_id))]
            async fn decide_role_grant(
                &self,
                grant_id: i64,
                approve: bool,
                by: i64,
            ) -> $crate::storage::StoreResult<Option<$crate::storage::RoleGrant>> {
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
            ) -> $crate::storage::StoreResult<$crate::storage::SignInFailures> {
                use sqlx::Row as _;
                // A success, or an administrator's reset of the password, starts the count of
                // a name afresh.
                let row = sqlx::query(
                    "select \
                     (select count(*) from audit_events where actor = $1 and remote_addr = $2 \
                      and action = 'auth.sign_in' and outcome = 'refused' and occurred_at > $3 \
                      and audit_event_id > coalesce((select max(audit_event_id) from audit_events \
                        where (actor = $1 and action = 'auth.sign_in' and outcome = 'success') \
                        or (target = $4 and action = 'user.reset_password' and outcome = 'success')), 0)) \
                     as pair, \
                     (select count(*) from audit_events where remote_addr = $2 \
                      and action = 'auth.sign_in' and outcome = 'refused' and occurred_at > $3) \
                     as address",
                )
                .bind(actor)
                .bind(addr)
                .bind(since)
                .bind(format!("user:{actor}"))
                .fetch_one(&self.pool)
                .await?;
                Ok($crate::storage::SignInFailures {
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
            ) -> $crate::storage::StoreResult<()> {
                let done = sqlx::query("update users set display_name = $1, role = $2 where user_id = $3")
                    .bind(display_name)
                    .bind(role.as_str())
                    .bind(user_id)
                    .execute(&self.pool)
                    .await?;
                if done.rows_affected() == 0 {
                    return Err($crate::storage::StoreError::NotFound);
                }
                Ok(())
            }
        }

        /// Reads a `users` row selected with [`USER_COLUMNS`](crate::storage::queries::USER_COLUMNS).
        fn user_from_row(row: &$row) -> $crate::storage::StoreResult<$crate::storage::User> {
            use sqlx::Row as _;
            let role: String = row.try_get("role")?;
            Ok($crate::storage::User {
                user_id: row.try_get("user_id")?,
                username: row.try_get("username")?,
                display_name: row.try_get("display_name")?,
                role: $crate::storage::parse_role(&role)?,
                password_hash: row.try_get("password_hash")?,
                disabled: row.try_get("disabled")?,
                created_at: row.try_get("created_at")?,
                password_changed_at: row.try_get("password_changed_at")?,
                last_sign_in_at: row.try_get("last_sign_in_at")?,
            })
        }
    };
}

pub(crate) use store_impl;
