//! Storage: one interface ([`Store`]) with a SQLite and a PostgreSQL implementation.
//!
//! Both run the same runtime-checked SQL (`$1` placeholders, explicit column lists) wherever
//! the two databases agree, written once in implementations generic over
//! [`backend::SqlBackend`]; what differs (connection set-up, migrations, write transactions,
//! full-text search, batch binding) is each backend's implementation of that trait.

pub mod backend;
pub mod cases;
pub mod chains;
pub mod complaints;
pub mod evidence;
pub mod factors;
pub mod interviews;
pub mod jobs;
pub mod messages;
pub mod outcomes;
pub mod plan;
pub mod postgres;
mod queries;
pub mod reports;
pub mod search;
pub mod sessions;
pub mod sqlite;
pub mod statistics;
pub mod timeline;
pub mod tokens;

use async_trait::async_trait;
use probity_domain::roles::{CurrentUser, Role};
use std::sync::Arc;
use time::OffsetDateTime;

/// Errors of the storage layer. Internal details are logged by the HTTP layer, never shown.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The row asked for does not exist.
    #[error("not found")]
    NotFound,
    /// A unique value (such as a username) is already taken.
    #[error("already exists")]
    Conflict,
    /// The row changed since the version the caller read.
    #[error("changed by someone else")]
    Stale,
    /// The database could not be reached or answered with an error.
    #[error("database error: {0}")]
    Database(#[source] sqlx::Error),
    /// Migrations could not be applied.
    #[error("migration error: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A stored value could not be understood.
    #[error("corrupt value in column {0}")]
    Corrupt(&'static str),
}

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> Self {
        match &error {
            sqlx::Error::RowNotFound => StoreError::NotFound,
            sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict,
            _ => StoreError::Database(error),
        }
    }
}

/// Result of a storage call.
pub type StoreResult<T> = Result<T, StoreError>;

/// An account as stored.
#[derive(Clone, Debug)]
pub struct User {
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    /// The argon2id PHC string.
    pub password_hash: String,
    pub disabled: bool,
    pub created_at: OffsetDateTime,
    pub password_changed_at: OffsetDateTime,
    pub last_sign_in_at: Option<OffsetDateTime>,
}

impl User {
    /// The account as the pages show it.
    pub fn current(&self) -> CurrentUser {
        CurrentUser {
            user_id: self.user_id,
            username: self.username.clone(),
            display_name: self.display_name.clone(),
            role: self.role,
        }
    }
}

/// A new account; the username must already be validated and lower-cased.
#[derive(Clone, Debug)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub password_hash: String,
}

/// How an audited attempt ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// It was done.
    Success,
    /// It was refused (wrong password, no permission, bad token...).
    Refused,
}

impl Outcome {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Success => "success",
            Outcome::Refused => "refused",
        }
    }
}

/// One entry of the append-only audit trail.
#[derive(Clone, Debug)]
pub struct NewAuditEvent {
    /// The account that acted, when known.
    pub actor_user_id: Option<i64>,
    /// Who acted, as a name: the username, the name typed at a failed sign-in, or `cli`.
    pub actor: String,
    /// What was attempted, e.g. `auth.sign_in` or `case.view`.
    pub action: &'static str,
    /// The case it concerns, if any.
    pub case_id: Option<i64>,
    /// What it was done to within the case or the office, e.g. `party:12` or `user:jdoe`.
    pub target: Option<String>,
    pub outcome: Outcome,
    /// The client's address, when the action came over the network.
    pub remote_addr: Option<String>,
    /// A short, non-sensitive detail, e.g. `intake -> open`.
    pub detail: Option<String>,
    /// The channel when not the pages: `api token "name"`.
    pub via: Option<String>,
}

impl NewAuditEvent {
    /// An entry for something a signed-in person did or tried.
    pub fn by(user: &User, action: &'static str, outcome: Outcome) -> Self {
        Self::named(user.username.clone(), action, outcome).user_id(user.user_id)
    }

    /// An entry for an actor known only by name (a failed sign-in, `setup`, `cli`).
    pub fn named(actor: impl Into<String>, action: &'static str, outcome: Outcome) -> Self {
        NewAuditEvent {
            actor_user_id: None,
            actor: actor.into(),
            action,
            case_id: None,
            target: None,
            outcome,
            remote_addr: None,
            detail: None,
            via: None,
        }
    }

    /// Sets the acting account.
    pub fn user_id(mut self, user_id: i64) -> Self {
        self.actor_user_id = Some(user_id);
        self
    }

    /// Sets the case.
    pub fn case(mut self, case_id: i64) -> Self {
        self.case_id = Some(case_id);
        self
    }

    /// Sets the target.
    pub fn target(mut self, target: impl Into<String>) -> Self {
        self.target = Some(target.into());
        self
    }

    /// Sets the client's address.
    pub fn from_addr(mut self, addr: impl ToString) -> Self {
        self.remote_addr = Some(addr.to_string());
        self
    }

    /// Sets the detail.
    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }
}

/// A signed-in session, as the account page lists it.
#[derive(Clone, Debug)]
pub struct UserSession {
    pub user_session_id: i64,
    pub user_id: i64,
    /// The random name kept in the session, to tell the viewer's own session.
    pub session_ref: String,
    pub started_at: OffsetDateTime,
    pub last_seen_at: OffsetDateTime,
    pub remote_addr: Option<String>,
    pub user_agent: String,
}

/// A stored audit entry.
#[derive(Clone, Debug)]
pub struct AuditEvent {
    pub audit_event_id: i64,
    pub occurred_at: OffsetDateTime,
    pub actor_user_id: Option<i64>,
    pub actor: String,
    pub action: String,
    pub case_id: Option<i64>,
    pub case_number: Option<String>,
    pub target: Option<String>,
    pub outcome: String,
    pub remote_addr: Option<String>,
    pub detail: Option<String>,
    /// The channel when not the pages (an API token's name).
    pub via: Option<String>,
}

/// Filters of the audit trail; all optional.
#[derive(Clone, Debug, Default)]
pub struct AuditFilter {
    /// The actor's name, exactly.
    pub actor: Option<String>,
    /// The action, or its area when it ends with a dot (`case.`).
    pub action: Option<String>,
    pub case_id: Option<i64>,
    pub outcome: Option<Outcome>,
    /// Only entries older than this id (the next page).
    pub before_id: Option<i64>,
}

impl Outcome {
    /// Parses the stored name.
    pub fn parse(value: &str) -> Option<Outcome> {
        match value {
            "success" => Some(Outcome::Success),
            "refused" => Some(Outcome::Refused),
            _ => None,
        }
    }
}

/// Everything Probity stores outside the blob store.
#[async_trait]
pub trait Store:
    cases::CaseStore
    + evidence::EvidenceStore
    + messages::MessageStore
    + timeline::TimelineStore
    + reports::ReportStore
    + tokens::TokenStore
    + jobs::JobStore
    + search::SearchStore
    + chains::ChainStore
    + factors::FactorStore
    + complaints::ComplaintStore
    + plan::PlanStore
    + outcomes::OutcomeStore
    + interviews::InterviewStore
    + statistics::StatisticsStore
    + Send
    + Sync
    + 'static
{
    /// Which database this is, for logs and health output.
    fn backend(&self) -> &'static str;
    /// Applies pending migrations, then seals the audit and custody entries written before
    /// their chains existed.
    async fn migrate(&self) -> StoreResult<()>;
    /// Checks that the database answers.
    async fn ping(&self) -> StoreResult<()>;
    /// Sends a copy of every audit entry written from now on to `copy`; only the first call
    /// takes effect.
    fn set_audit_copy(&self, copy: Arc<dyn chains::AuditCopy>);

    /// How many accounts exist.
    async fn count_users(&self) -> StoreResult<i64>;
    /// The office's first-run setup token: `candidate` stored when none is, else the one a
    /// node stored first, so that every node asks for the same.
    async fn setup_token(&self, candidate: &str) -> StoreResult<String>;
    /// Forgets the setup token (once an account exists).
    async fn clear_setup_token(&self) -> StoreResult<()>;
    /// Creates the first administrator, only while no account exists. `None` when one does.
    async fn create_first_admin(&self, user: NewUser) -> StoreResult<Option<User>>;
    /// Creates an account; [`StoreError::Conflict`] when the username is taken.
    async fn create_user(&self, user: NewUser) -> StoreResult<User>;
    /// An account by its (lower-case) username.
    async fn user_by_username(&self, username: &str) -> StoreResult<Option<User>>;
    /// An account by id.
    async fn user_by_id(&self, user_id: i64) -> StoreResult<Option<User>>;
    /// All accounts, ordered by username.
    async fn list_users(&self) -> StoreResult<Vec<User>>;
    /// Disables or enables an account; [`StoreError::NotFound`] when there is none.
    async fn set_user_disabled(&self, username: &str, disabled: bool) -> StoreResult<()>;
    /// Records a new signed-in session.
    async fn open_user_session(
        &self,
        session_ref: &str,
        user_id: i64,
        remote_addr: &str,
        user_agent: &str,
    ) -> StoreResult<()>;
    /// The account of a session that has not been ended, in one statement (it runs on every
    /// request).
    async fn session_user(&self, user_id: i64, session_ref: &str) -> StoreResult<Option<User>>;
    /// Notes that a session was used now.
    async fn touch_user_session(&self, session_ref: &str) -> StoreResult<()>;
    /// A person's sessions not ended and started after `since`, most recently used first.
    async fn user_sessions(
        &self,
        user_id: i64,
        since: OffsetDateTime,
    ) -> StoreResult<Vec<UserSession>>;
    /// Ends sessions: one of a person's (`only`), all of a person's (`user_id`), or
    /// everyone's (neither); `by` says who. Returns how many ended.
    async fn end_user_sessions(
        &self,
        user_id: Option<i64>,
        only: Option<i64>,
        by: &str,
    ) -> StoreResult<u64>;
    /// Ends the session with this row name (a sign-out).
    async fn end_session_by_ref(&self, session_ref: &str, by: &str) -> StoreResult<()>;
    /// Disables every enabled account neither signed in to nor enabled again since `cutoff`
    /// (a new account counts from its creation); returns them.
    async fn disable_unused_accounts(&self, cutoff: OffsetDateTime) -> StoreResult<Vec<User>>;
    /// Replaces an account's password hash.
    async fn set_password_hash(&self, user_id: i64, password_hash: &str) -> StoreResult<()>;
    /// Records the time of a successful sign-in.
    async fn record_sign_in(&self, user_id: i64) -> StoreResult<()>;

    /// Appends to the audit trail.
    async fn append_audit(&self, event: NewAuditEvent) -> StoreResult<()>;
    /// The newest audit entries, newest first.
    async fn recent_audit(&self, limit: i64) -> StoreResult<Vec<AuditEvent>> {
        self.list_audit(&AuditFilter::default(), limit).await
    }
    /// Audit entries matching a filter, newest first.
    async fn list_audit(&self, filter: &AuditFilter, limit: i64) -> StoreResult<Vec<AuditEvent>>;
    /// Records a grant of a privileged role: `pending` (a second administrator decides) or
    /// `alone` (confirmed by the only administrator's password, applied already).
    async fn record_role_grant(
        &self,
        user_id: i64,
        role: Role,
        new_account: bool,
        by: i64,
        state: GrantState,
    ) -> StoreResult<()>;
    /// Grants in one state, newest first.
    async fn role_grants(&self, state: GrantState, limit: i64) -> StoreResult<Vec<RoleGrant>>;
    /// Decides a pending grant: approved, the account gets the role (and a new account is
    /// enabled); refused, nothing changes. `None` when it is not pending (any more).
    async fn decide_role_grant(
        &self,
        grant_id: i64,
        approve: bool,
        by: i64,
    ) -> StoreResult<Option<RoleGrant>>;
    /// Refused sign-ins for a name since `since` and since its last successful sign-in.
    async fn recent_sign_in_failures(
        &self,
        actor: &str,
        addr: &str,
        since: OffsetDateTime,
    ) -> StoreResult<SignInFailures>;
    /// Changes an account's name and role.
    async fn update_user(&self, user_id: i64, display_name: &str, role: Role) -> StoreResult<()>;
}

/// Where a grant of a privileged role stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GrantState {
    Pending,
    Approved,
    Refused,
    /// Granted by the only administrator, confirmed with their password.
    Alone,
}

impl GrantState {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            GrantState::Pending => "pending",
            GrantState::Approved => "approved",
            GrantState::Refused => "refused",
            GrantState::Alone => "alone",
        }
    }
}

/// A grant of a privileged role, with the names the pages show.
#[derive(Clone, Debug)]
pub struct RoleGrant {
    pub role_grant_id: i64,
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub new_account: bool,
    pub requested_by: i64,
    pub requested_by_name: String,
    pub requested_at: OffsetDateTime,
}

/// True for the roles whose grant needs a second administrator: they see every case, or
/// manage who does.
pub fn is_privileged(role: Role) -> bool {
    matches!(
        role,
        Role::Supervisor | Role::Commissioner | Role::Administrator
    )
}

/// Failed sign-ins counted for the pause, since a moment.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SignInFailures {
    /// For this name from this address, since the name's last success or password reset.
    pub pair: i64,
    /// From this address, for any name.
    pub address: i64,
}

/// The storage handle shared by the whole application.
pub type DynStore = Arc<dyn Store>;

/// A `LIKE` pattern that matches `text` anywhere, lower-cased, with `\`, `%` and `_`
/// escaped so that they match themselves: the one way every query builds one. Use it with
/// `like $n escape '\'` against a lower-cased column.
pub fn like_contains(text: &str) -> String {
    let escaped = text
        .to_lowercase()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

#[cfg(test)]
mod like_tests {
    #[test]
    fn like_patterns_escape_their_wildcards() {
        assert_eq!(super::like_contains("Ana"), "%ana%");
        assert_eq!(super::like_contains("50%_a\\b"), "%50\\%\\_a\\\\b%");
    }
}

/// The database backends Probity runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// Picks the backend from a database URL.
    pub fn from_url(url: &str) -> Option<Backend> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Some(Backend::Postgres)
        } else if url.starts_with("sqlite:") {
            Some(Backend::Sqlite)
        } else {
            None
        }
    }
}

impl std::fmt::Display for Backend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgresql",
        })
    }
}

/// A database URL fit for logs and error messages: its password replaced.
pub fn redact_url_password(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("REDACTED"));
            parsed.to_string()
        }
        Ok(_) => url.to_string(),
        Err(_) => "(unparsable URL)".to_string(),
    }
}

/// The error for a stored value that cannot be understood, for `ok_or_else`.
pub(crate) fn corrupt(column: &'static str) -> impl FnOnce() -> StoreError {
    move || StoreError::Corrupt(column)
}

/// Parses a stored role name.
pub(crate) fn parse_role(name: &str) -> StoreResult<Role> {
    Role::parse(name).ok_or(StoreError::Corrupt("role"))
}

/// An open database: the store and the session store on the same pool.
pub struct Database {
    pub store: DynStore,
    pub sessions: sessions::SessionBackend,
}

/// Opens the database at `url` (without migrating it).
pub async fn connect(url: &str) -> anyhow::Result<Database> {
    use sessions::SessionBackend;
    match Backend::from_url(url) {
        Some(Backend::Sqlite) => {
            let storage = sqlite::SqliteStorage::connect(url).await?;
            let sessions = SessionBackend::Sqlite(tower_sessions_sqlx_store::SqliteStore::new(
                storage.pool().clone(),
            ));
            Ok(Database {
                store: Arc::new(storage),
                sessions,
            })
        }
        Some(Backend::Postgres) => {
            let storage = postgres::PostgresStorage::connect(url).await?;
            let sessions = SessionBackend::Postgres(tower_sessions_sqlx_store::PostgresStore::new(
                storage.pool().clone(),
            ));
            Ok(Database {
                store: Arc::new(storage),
                sessions,
            })
        }
        None => anyhow::bail!(
            "the database URL must start with postgres:// or sqlite: (got {})",
            redact_url_password(url)
        ),
    }
}

/// Generates many plain cases quickly straight into the database at `url`, on a connection
/// of its own: for tests and benchmarks, which is why the office's [`Store`] has no such
/// method.
pub async fn generate_cases(url: &str, spec: cases::GenerateCases) -> anyhow::Result<()> {
    match Backend::from_url(url) {
        Some(Backend::Sqlite) => Ok(sqlite::SqliteStorage::connect(url)
            .await?
            .generate_cases(spec)
            .await?),
        Some(Backend::Postgres) => Ok(postgres::PostgresStorage::connect(url)
            .await?
            .generate_cases(spec)
            .await?),
        None => anyhow::bail!(
            "the database URL must start with postgres:// or sqlite: (got {})",
            redact_url_password(url)
        ),
    }
}

#[cfg(test)]
mod layering {
    /// Storage stands below everything else: no file under `storage/` uses the sign-in,
    /// settings or web modules.
    #[test]
    fn storage_imports_neither_auth_nor_config_nor_http() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/storage");
        let mut checked = 0;
        for entry in std::fs::read_dir(&root).expect("read storage/") {
            let path = entry.expect("entry").path();
            let source = std::fs::read_to_string(&path).expect("read a file");
            for module in ["auth", "config", "http", "office"] {
                let used = format!("crate::{module}::");
                assert!(!source.contains(&used), "{} uses {used}", path.display());
            }
            checked += 1;
        }
        assert!(checked >= 8);
    }

    /// No `macro_rules!` body in the server is longer than a screen: SQL both databases share
    /// is written once in implementations generic over `SqlBackend`, not stamped out by a
    /// macro per backend.
    #[test]
    fn no_macro_is_longer_than_a_screen() {
        fn visit(folder: &std::path::Path, found: &mut Vec<String>, files: &mut usize) {
            for entry in std::fs::read_dir(folder).expect("read a folder") {
                let path = entry.expect("entry").path();
                if path.is_dir() {
                    visit(&path, found, files);
                    continue;
                }
                if path.extension().is_none_or(|extension| extension != "rs") {
                    continue;
                }
                *files += 1;
                let source = std::fs::read_to_string(&path).expect("read a file");
                let lines: Vec<&str> = source.lines().collect();
                // The word is split so that this test's own text does not match.
                let opening = concat!("macro", "_rules!");
                for (start, line) in lines.iter().enumerate() {
                    if !line.trim_start().starts_with(opening) {
                        continue;
                    }
                    let indent = line.len() - line.trim_start().len();
                    let length = lines[start + 1..]
                        .iter()
                        .position(|line| {
                            line.len() - line.trim_start().len() == indent
                                && line.trim_start().starts_with('}')
                        })
                        .map_or(lines.len() - start, |end| end + 1);
                    if length > 50 {
                        found.push(format!("{}:{} ({length} lines)", path.display(), start + 1));
                    }
                }
            }
        }
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let (mut found, mut files) = (Vec::new(), 0);
        visit(&root, &mut found, &mut files);
        assert!(files > 50, "only {files} files read");
        assert!(found.is_empty(), "long macros: {found:?}");
    }
}
