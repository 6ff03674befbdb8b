//! The PostgreSQL backend, for offices that outgrow one machine.

use super::backend::SqlBackend;
use super::cases::{CaseRows, GenerateCases, MAX_QUERY_WORDS, MIN_PREFIX, search_words};
use super::queries::{USER_COLUMNS, user_from_row};
use super::{NewUser, StoreResult, User};
use sqlx::PgPool;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use std::str::FromStr;
use std::time::Duration;

/// Storage on PostgreSQL.
#[derive(Clone, Debug)]
pub struct PostgresStorage {
    pool: PgPool,
    /// Where a copy of each audit entry goes, once set.
    audit_copy: super::chains::AuditCopySlot,
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
        Ok(Self {
            pool,
            audit_copy: Default::default(),
        })
    }

    /// The connection pool, for the session store.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }
}

#[async_trait::async_trait]
impl super::backend::SqlBackend for PostgresStorage {
    fn audit_copy(&self) -> &super::chains::AuditCopySlot {
        &self.audit_copy
    }

    const NAME: &'static str = "postgres";
    const LOCK_ROW: &'static str = " for update";
    const CASE_MATCH: (&'static str, &'static str) =
        ("c.search_vector @@ to_tsquery('simple', ", ")");

    #[tracing::instrument(skip_all)]
    async fn run_migrations(&self) -> StoreResult<()> {
        sqlx::migrate!("../migrations/postgres")
            .run(&self.pool)
            .await?;
        tower_sessions_sqlx_store::PostgresStore::new(self.pool.clone())
            .migrate()
            .await?;
        Ok(())
    }

    #[tracing::instrument(skip_all, fields(username = %user.username))]
    async fn insert_first_admin(&self, user: NewUser) -> StoreResult<Option<User>> {
        // Two setup attempts at once must not both find the table empty: the lock makes the
        // second wait for the first to commit, then see its row.
        let mut tx = self.begin_write().await?;
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

    /// Brings the planner's statistics of the messages up to date after a large import.
    /// Until autovacuum gets to it, PostgreSQL plans with the table's old size: right after
    /// a 1,000,000-message import, a message search took 143 ms instead of 1 ms.
    async fn after_large_import(&self) -> StoreResult<()> {
        sqlx::query("analyze messages").execute(&self.pool).await?;
        Ok(())
    }

    /// Begins a write transaction (PostgreSQL's row locks need nothing more).
    async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Postgres>, sqlx::Error> {
        self.pool.begin().await
    }

    /// Stages messages of import `import_id` at positions after `after`, each column of the batch bound as one
    /// array.
    async fn insert_messages(
        tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
        import_id: i64,
        exhibit_id: i64,
        after: i64,
        messages: &[super::messages::NewMessage],
    ) -> StoreResult<()> {
        let column = |field: fn(&super::messages::NewMessage) -> &str| -> Vec<&str> {
            messages.iter().map(field).collect()
        };
        sqlx::query(
            "insert into message_staging (import_id, exhibit_id, position, sent_at, sender, recipients, body, \
             source_location) \
             select $1, $2, $3 + t.ord, t.sent_at, t.sender, t.recipients, t.body, t.location \
             from unnest($4::text[], $5::text[], $6::text[], $7::text[], $8::text[]) \
             with ordinality as t (sent_at, sender, recipients, body, location, ord) order by t.ord",
        )
        .bind(import_id)
        .bind(exhibit_id)
        .bind(after)
        .bind(column(|m| &m.sent_at))
        .bind(column(|m| &m.sender))
        .bind(column(|m| &m.recipients))
        .bind(column(|m| &m.body))
        .bind(column(|m| &m.location))
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    /// Holds the case's row until the transaction ends, so that writers of one case's search
    /// document take turns; each then reads what the one before committed. `no key update`,
    /// the lock an update of the row takes: `for update` would also wait for the key-share
    /// locks that inserting a note or an exhibit of the case takes, and two such writers
    /// would deadlock.
    async fn lock_case(
        tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
        case_id: i64,
    ) -> StoreResult<()> {
        sqlx::query("select case_id from cases where case_id = $1 for no key update")
            .bind(case_id)
            .execute(&mut **tx)
            .await?;
        Ok(())
    }

    async fn write_search(
        tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
        case_id: i64,
        words: &str,
    ) -> StoreResult<()> {
        sqlx::query(
            "update cases set search_vector = to_tsvector('simple', $2) where case_id = $1",
        )
        .bind(case_id)
        .bind(words)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    /// A `tsquery` of every word, the last as a prefix. Words hold only letters and digits,
    /// so nothing typed can change the query's syntax.
    fn search_query(text: &str) -> Option<String> {
        let words = search_words(text);
        let words = &words[..words.len().min(MAX_QUERY_WORDS)];
        let (last, rest) = words.split_last()?;
        // Every word must appear as typed; only the last also matches longer words that
        // begin with it (the word being typed), once it has three characters. A prefix on
        // every word, or a one-letter prefix, expanded to most of the index on large offices
        // ("1" begins every number from 1 to 199,999).
        let mut terms: Vec<String> = rest.iter().map(String::clone).collect();
        terms.push(if last.chars().count() >= MIN_PREFIX {
            format!("{last}:*")
        } else {
            last.clone()
        });
        Some(terms.join(" & "))
    }
}

/// Full-text search with `tsvector`, and bulk generation with `generate_series`.
impl PostgresStorage {
    /// Generates many plain cases quickly, for tests and benchmarks only (see
    /// [`super::generate_cases`]; the office's store has no such method).
    #[tracing::instrument(skip_all, fields(count = spec.count))]
    pub async fn generate_cases(&self, spec: GenerateCases) -> StoreResult<()> {
        let now = time::OffsetDateTime::now_utc();
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "insert into cases (case_number, year, sequence, title, summary, subject_agency, \
             intake_channel, received_on, priority, confidentiality, status, lead_user_id, \
             created_by, created_at, updated_at, version, search_vector) \
             select $2::text || '-' || lpad(n::text, 6, '0'), $2, n, 'Generated case ' || n, \
             'Generated summary of case ' || n || ' about contract ' || (n % 97), \
             'Agency ' || (n % 40), \
             case n % 3 when 0 then 'complaint' when 1 then 'referral' else 'self_initiated' end, \
             to_char(date '2020-01-01' + (n % 1800)::int, 'YYYY-MM-DD'), \
             case n % 4 when 0 then 'low' when 1 then 'normal' when 2 then 'high' else 'urgent' end, \
             'standard', \
             case n % 6 when 0 then 'intake' when 1 then 'open' when 2 then 'investigation' \
             when 3 then 'findings_drafted' when 4 then 'under_review' else 'closed' end, \
             null, $3, $4, $4, 1, \
             to_tsvector('simple', $2::text || ' ' || lpad(n::text, 6, '0') || ' generated case ' || n \
             || ' generated summary of case ' || n || ' about contract ' || (n % 97) || ' agency ' || (n % 40)) \
             from generate_series(1, $1::bigint) as n",
        )
        .bind(spec.count)
        .bind(spec.year)
        .bind(spec.created_by)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        Self::generate_members_and_sequence(&mut tx, &spec, now).await?;
        tx.commit().await?;
        sqlx::query("analyze").execute(&self.pool).await?;
        Ok(())
    }
}

/// How the one search asks this database's full-text indexes.
impl super::search::SearchDialect for PostgresStorage {
    const ENTRY_MATCH: (&'static str, &'static str) =
        ("s.search_vector @@ to_tsquery('simple', ", ")");
    const MESSAGE_MATCH: (&'static str, &'static str) =
        ("m.search_vector @@ to_tsquery('simple', ", ")");

    fn text_query(terms: &probity_domain::search::Terms) -> String {
        let mut words = terms.words.clone();
        if terms.last_is_prefix
            && let Some(last) = words.last_mut()
        {
            last.push_str(":*");
        }
        words.join(" & ")
    }
}
