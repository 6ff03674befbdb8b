//! The embedded SQLite backend: one file in the data folder, WAL journal.

use super::backend::SqlBackend;
use super::cases::{CaseRows, GenerateCases, MAX_QUERY_WORDS, MIN_PREFIX, search_words};
use super::queries::{USER_COLUMNS, user_from_row};
use super::{NewUser, StoreResult, User};
use sqlx::SqlitePool;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use std::str::FromStr;
use std::time::Duration;

/// Storage on SQLite.
#[derive(Clone, Debug)]
pub struct SqliteStorage {
    pool: SqlitePool,
    /// Where a copy of each audit entry goes, once set.
    audit_copy: super::chains::AuditCopySlot,
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
            .busy_timeout(Duration::from_secs(10))
            // 16 MiB of pages per connection instead of SQLite's 2 MiB: on 100,000 cases the
            // indexes a page reads no longer fit the default and every request re-read them
            // from the kernel through system calls.
            .pragma("cache_size", "-16384");
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await?;
        Ok(Self {
            pool,
            audit_copy: Default::default(),
        })
    }

    /// The connection pool, for the session store.
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }
}

#[async_trait::async_trait]
impl super::backend::SqlBackend for SqliteStorage {
    fn audit_copy(&self) -> &super::chains::AuditCopySlot {
        &self.audit_copy
    }

    const NAME: &'static str = "sqlite";
    // A write transaction begins immediate: it already excludes every other writer.
    const LOCK_ROW: &'static str = "";
    const CASE_MATCH: (&'static str, &'static str) = (
        "c.case_id in (select rowid from case_search where case_search match ",
        ")",
    );

    #[tracing::instrument(skip_all)]
    async fn run_migrations(&self) -> StoreResult<()> {
        sqlx::migrate!("../migrations/sqlite")
            .run(&self.pool)
            .await?;
        tower_sessions_sqlx_store::SqliteStore::new(self.pool.clone())
            .migrate()
            .await?;
        Ok(())
    }

    #[tracing::instrument(skip_all, fields(username = %user.username))]
    async fn insert_first_admin(&self, user: NewUser) -> StoreResult<Option<User>> {
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

    /// Merges the message search index into one segment after a large import. An import
    /// writes the index in many small segments that every search then has to visit; SQLite's
    /// plans need no statistics (none are gathered).
    async fn after_large_import(&self) -> StoreResult<()> {
        sqlx::query("insert into message_search (message_search) values ('optimize')")
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Begins a write transaction. SQLite's default (deferred) transaction reads first and
    /// asks for the write lock at its first write; when another connection wrote meanwhile,
    /// that request fails at once with "database is locked" instead of waiting. `BEGIN
    /// IMMEDIATE` takes the write lock first, waiting up to the busy timeout.
    async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>, sqlx::Error> {
        self.pool.begin_with("BEGIN IMMEDIATE").await
    }

    /// Stages messages of import `import_id` at positions after `after`, the whole batch bound as one JSON array
    /// that SQLite takes apart itself.
    async fn insert_messages(
        tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
        import_id: i64,
        exhibit_id: i64,
        after: i64,
        messages: &[super::messages::NewMessage],
    ) -> StoreResult<()> {
        let rows: Vec<[&str; 5]> = messages
            .iter()
            .map(|m| {
                [&m.sent_at, &m.sender, &m.recipients, &m.body, &m.location].map(String::as_str)
            })
            .collect();
        let json =
            serde_json::to_string(&rows).map_err(|error| sqlx::Error::Encode(Box::new(error)))?;
        sqlx::query(
            "insert into message_staging (import_id, exhibit_id, position, sent_at, sender, recipients, body, \
             source_location) \
             select $1, $2, $3 + j.key + 1, j.value ->> 0, j.value ->> 1, j.value ->> 2, j.value ->> 3, \
             j.value ->> 4 from json_each($4) as j order by j.key",
        )
        .bind(import_id)
        .bind(exhibit_id)
        .bind(after)
        .bind(json)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    /// Nothing to do: every write transaction begins immediate, so writers already take
    /// turns on the whole database.
    async fn lock_case(
        _tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
        _case_id: i64,
    ) -> StoreResult<()> {
        Ok(())
    }

    async fn write_search(
        tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
        case_id: i64,
        words: &str,
    ) -> StoreResult<()> {
        sqlx::query("delete from case_search where rowid = $1")
            .bind(case_id)
            .execute(&mut **tx)
            .await?;
        sqlx::query("insert into case_search (rowid, body) values ($1, $2)")
            .bind(case_id)
            .bind(words)
            .execute(&mut **tx)
            .await?;
        Ok(())
    }

    /// An FTS5 query of every word quoted, the last as a prefix. Words hold only letters and
    /// digits, so nothing typed can change the query's syntax.
    fn search_query(text: &str) -> Option<String> {
        let words = search_words(text);
        let words = &words[..words.len().min(MAX_QUERY_WORDS)];
        let (last, rest) = words.split_last()?;
        // Every word must appear as typed; only the last also matches longer words that
        // begin with it (the word being typed), once it has three characters. A prefix on
        // every word, or a one-letter prefix, expanded to most of the index on large offices
        // ("1" begins every number from 1 to 199,999).
        let mut terms: Vec<String> = rest.iter().map(|word| format!("\"{word}\"")).collect();
        terms.push(if last.chars().count() >= MIN_PREFIX {
            format!("\"{last}\"*")
        } else {
            format!("\"{last}\"")
        });
        Some(terms.join(" AND "))
    }
}

/// Full-text search with FTS5, and bulk generation with a recursive query.
impl SqliteStorage {
    /// Generates many plain cases quickly, for tests and benchmarks only (see
    /// [`super::generate_cases`]; the office's store has no such method).
    #[tracing::instrument(skip_all, fields(count = spec.count))]
    pub async fn generate_cases(&self, spec: GenerateCases) -> StoreResult<()> {
        let now = time::OffsetDateTime::now_utc();
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "with recursive seq(n) as (select 1 union all select n + 1 from seq where n < $1) \
             insert into cases (case_number, year, sequence, title, summary, subject_agency, \
             intake_channel, received_on, priority, confidentiality, status, lead_user_id, \
             created_by, created_at, updated_at, version) \
             select $2 || '-' || printf('%06d', n), $2, n, 'Generated case ' || n, \
             'Generated summary of case ' || n || ' about contract ' || (n % 97), \
             'Agency ' || (n % 40), \
             case n % 3 when 0 then 'complaint' when 1 then 'referral' else 'self_initiated' end, \
             date('2020-01-01', '+' || (n % 1800) || ' days'), \
             case n % 4 when 0 then 'low' when 1 then 'normal' when 2 then 'high' else 'urgent' end, \
             'standard', \
             case n % 6 when 0 then 'intake' when 1 then 'open' when 2 then 'investigation' \
             when 3 then 'findings_drafted' when 4 then 'under_review' else 'closed' end, \
             null, $3, $4, $4, 1 from seq",
        )
        .bind(spec.count)
        .bind(spec.year)
        .bind(spec.created_by)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "insert into case_search (rowid, body) select case_id, \
             lower(replace(case_number, '-', ' ') || ' ' || title || ' ' || summary || ' ' || subject_agency) \
             from cases where year = $1",
        )
        .bind(spec.year)
        .execute(&mut *tx)
        .await?;
        Self::generate_members_and_sequence(&mut tx, &spec, now).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// How the one search asks this database's full-text indexes.
impl super::search::SearchDialect for SqliteStorage {
    const ENTRY_MATCH: (&'static str, &'static str) = (
        "s.entry_id in (select rowid from search_index where search_index match ",
        ")",
    );
    const MESSAGE_MATCH: (&'static str, &'static str) = (
        "m.message_id in (select rowid from message_search where message_search match ",
        ")",
    );

    fn text_query(terms: &probity_domain::search::Terms) -> String {
        let mut quoted: Vec<String> = terms
            .words
            .iter()
            .map(|word| format!("\"{word}\""))
            .collect();
        if terms.last_is_prefix
            && let Some(last) = quoted.last_mut()
        {
            last.push('*');
        }
        quoted.join(" AND ")
    }
}
