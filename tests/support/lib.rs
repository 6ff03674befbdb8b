//! Test support: spawns the real Probity application on a free port with a fresh database,
//! and gives tests an HTTP client and form helpers.
//!
//! Which database the HTTP and browser tests use is set by `PROBITY_TEST_DATABASE`
//! (`sqlite`, the default, or `postgres`); `scripts/test` runs them once with each. Storage
//! tests run against both in one go. PostgreSQL comes from `PROBITY_TEST_POSTGRES_URL`
//! (default `postgres://postgres@127.0.0.1:5432/postgres`); when it is unreachable the tests
//! fail rather than skip.

#![forbid(unsafe_code)]

pub mod garage;
pub mod webdriver;

use clap_free::parse_settings;
use probity_server::RunningServer;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

/// The databases Probity runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// Both backends, for tests that run against each.
    pub const ALL: [Backend; 2] = [Backend::Sqlite, Backend::Postgres];

    /// The backend chosen by `PROBITY_TEST_DATABASE`.
    pub fn under_test() -> Backend {
        match std::env::var("PROBITY_TEST_DATABASE").as_deref() {
            Ok("postgres") => Backend::Postgres,
            Ok("sqlite") | Err(_) => Backend::Sqlite,
            Ok(other) => panic!("PROBITY_TEST_DATABASE must be sqlite or postgres, not {other}"),
        }
    }
}

/// A free port on loopback (for a process that must be told its port).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .expect("a free port")
}

/// Bytes that differ everywhere, from a seed (nothing a type detector or a compressor could
/// shorten).
pub fn noise(size: usize, seed: u64) -> Vec<u8> {
    let mut state = seed | 1;
    (0..size)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as u8
        })
        .collect()
}

/// A random hex string for unique names.
pub fn random_suffix() -> String {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).expect("random source");
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn postgres_admin_url() -> String {
    std::env::var("PROBITY_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_string())
}

/// A fresh, empty database (and data folder) for one test, removed when dropped.
pub struct TestDatabase {
    pub backend: Backend,
    /// The database URL to give Probity.
    pub url: String,
    /// The data folder (blob store, and the SQLite file).
    pub data_dir: PathBuf,
    postgres_name: Option<String>,
}

impl TestDatabase {
    /// Creates a fresh database of the given kind.
    pub async fn new(backend: Backend) -> TestDatabase {
        let data_dir = std::env::temp_dir().join(format!("probity-test-{}", random_suffix()));
        std::fs::create_dir_all(&data_dir).expect("create test data folder");
        match backend {
            Backend::Sqlite => TestDatabase {
                backend,
                url: format!("sqlite://{}", data_dir.join("probity.db").display()),
                data_dir,
                postgres_name: None,
            },
            Backend::Postgres => {
                let name = format!("probity_test_{}", random_suffix());
                let admin = postgres_admin_url();
                let mut conn = connect_admin(&admin).await;
                sqlx::Executor::execute(&mut conn, format!("create database {name}").as_str())
                    .await
                    .expect("create the test database");
                let mut url = url::Url::parse(&admin).expect("PROBITY_TEST_POSTGRES_URL parses");
                url.set_path(&name);
                TestDatabase {
                    backend,
                    url: url.to_string(),
                    data_dir,
                    postgres_name: Some(name),
                }
            }
        }
    }

    /// Blocks new connections to a PostgreSQL test database and ends the open ones, to
    /// simulate the database going away.
    pub async fn cut_off_postgres(&self) {
        let name = self
            .postgres_name
            .as_ref()
            .expect("a PostgreSQL test database");
        let mut conn = connect_admin(&postgres_admin_url()).await;
        sqlx::Executor::execute(
            &mut conn,
            format!("alter database {name} with allow_connections false").as_str(),
        )
        .await
        .expect("block connections");
        sqlx::Executor::execute(
            &mut conn,
            format!(
                "select pg_terminate_backend(pid) from pg_stat_activity where datname = '{name}'"
            )
            .as_str(),
        )
        .await
        .expect("end connections");
    }
}

async fn connect_admin(url: &str) -> sqlx::PgConnection {
    use sqlx::Connection as _;
    match sqlx::PgConnection::connect(url).await {
        Ok(conn) => conn,
        Err(error) => panic!(
            "PostgreSQL is needed for these tests and is unreachable at {url}: {error}. \
             Start it, or point PROBITY_TEST_POSTGRES_URL at one."
        ),
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.data_dir);
        if let Some(name) = self.postgres_name.take() {
            // Drop runs outside async; a thread with its own runtime does the clean-up.
            let admin = postgres_admin_url();
            let _ = std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("runtime");
                runtime.block_on(async move {
                    use sqlx::Connection as _;
                    if let Ok(mut conn) = sqlx::PgConnection::connect(&admin).await {
                        let _ = sqlx::Executor::execute(
                            &mut conn,
                            format!("drop database if exists {name} with (force)").as_str(),
                        )
                        .await;
                    }
                });
            })
            .join();
        }
    }
}

/// Builds settings the way the binary does, from arguments.
mod clap_free {
    use probity_server::config::{Cli, Settings};

    pub fn parse_settings(args: &[String]) -> Settings {
        use clap::Parser as _;
        let mut all = vec!["probity".to_string()];
        all.extend(args.iter().cloned());
        Cli::try_parse_from(all)
            .expect("test settings parse")
            .settings
    }
}

/// The real application, running on a free port.
pub struct TestApp {
    pub addr: SocketAddr,
    pub db: TestDatabase,
    /// The token the first-run setup page asks for.
    pub setup_token: String,
    server: Option<RunningServer>,
}

impl TestApp {
    /// Spawns the app on the backend under test with default settings.
    pub async fn spawn() -> TestApp {
        TestApp::spawn_with(Backend::under_test(), &[]).await
    }

    /// Spawns the app with extra command-line settings.
    ///
    /// Unless `extra` sets `--require-mfa`, the app runs with `--require-mfa false`: the
    /// accounts most tests make have no second factor, and a test about something else would
    /// otherwise spend its time enrolling. The tests of second factors, and the browser walk,
    /// set it to `true` (the product's default); accounts with a factor (the demo's) are
    /// asked for it either way, and [`TestApp::signed_in_client`] answers with a code.
    pub async fn spawn_with(backend: Backend, extra: &[&str]) -> TestApp {
        let db = TestDatabase::new(backend).await;
        let mut args = Vec::new();
        // A test that must know the port first (a public address of its own) gives --listen.
        if !extra.contains(&"--listen") {
            args.extend(["--listen".to_string(), "127.0.0.1:0".to_string()]);
        }
        args.extend([
            "--data-dir".to_string(),
            db.data_dir.display().to_string(),
            "--database-url".to_string(),
            db.url.clone(),
        ]);
        if !extra.iter().any(|arg| arg.starts_with("--require-mfa")) {
            args.extend(["--require-mfa".to_string(), "false".to_string()]);
        }
        args.extend(extra.iter().map(|arg| arg.to_string()));
        let settings = parse_settings(&args);
        let server = probity_server::start(settings)
            .await
            .expect("the app starts");
        TestApp {
            addr: server.addr,
            setup_token: server.setup_token.clone(),
            db,
            server: Some(server),
        }
    }

    /// Stops this app's server and starts it again on the same database and data folder,
    /// with extra settings; the app then answers at the new server's address. (On SQLite
    /// the first must stop first: its node lock refuses a second server.)
    pub async fn restart(&mut self, extra: &[&str]) {
        if let Some(server) = self.server.take() {
            let _ = server.shutdown.send(());
            let _ = server.task.await;
        }
        let mut args = vec![
            "--listen".to_string(),
            "127.0.0.1:0".to_string(),
            "--data-dir".to_string(),
            self.db.data_dir.display().to_string(),
            "--database-url".to_string(),
            self.db.url.clone(),
            "--require-mfa".to_string(),
            "false".to_string(),
        ];
        args.extend(extra.iter().map(|arg| arg.to_string()));
        let server = probity_server::start(parse_settings(&args))
            .await
            .expect("the app starts again");
        self.addr = server.addr;
        self.setup_token = server.setup_token.clone();
        self.server = Some(server);
    }

    /// The full URL of a path.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// The origin browsers would send.
    pub fn origin(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// A client like a browser's: keeps cookies, does not follow redirects (tests check them).
    pub fn client(&self) -> reqwest::Client {
        browser_client().build().expect("client")
    }

    /// GETs a page; its status and body.
    pub async fn get_page(&self, client: &reqwest::Client, path: &str) -> (u16, String) {
        let response = client.get(self.url(path)).send().await.expect("GET");
        let status = response.status().as_u16();
        (status, response.text().await.expect("body"))
    }

    /// GETs a page and returns its anti-forgery token.
    pub async fn form_token(&self, client: &reqwest::Client, path: &str) -> String {
        page_token(client, &self.url(path)).await
    }

    /// POSTs a form as a browser would (with Origin), adding the page's token.
    pub async fn post_form(
        &self,
        client: &reqwest::Client,
        token_from: &str,
        path: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        let token = self.form_token(client, token_from).await;
        let mut form: Vec<(&str, &str)> = vec![("csrf_token", token.as_str())];
        form.extend_from_slice(fields);
        client
            .post(self.url(path))
            .header("origin", self.origin())
            .form(&form)
            .send()
            .await
            .expect("POST")
    }

    /// Follows a form's answer through background work: when it leads to a job's progress
    /// page, loads that page until the job ends (the page then leads to the result, which is
    /// loaded) and returns the last page; any other answer is returned as it is.
    pub async fn follow_job(
        &self,
        client: &reqwest::Client,
        response: reqwest::Response,
    ) -> (u16, String) {
        let status = response.status().as_u16();
        if status != 303 || !location(&response).contains("/jobs/") {
            return (status, response.text().await.expect("body"));
        }
        let progress = location(&response);
        for _ in 0..3000 {
            let page = client.get(self.url(&progress)).send().await.expect("GET");
            if page.status().as_u16() == 303 {
                let result = location(&page);
                return self.get_page(client, &result).await;
            }
            let status = page.status().as_u16();
            let body = page.text().await.expect("body");
            if status != 200 || !body.contains("http-equiv=\"refresh\"") {
                return (status, body);
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("the job at {progress} did not end in five minutes");
    }

    /// Creates the first administrator through the setup page.
    pub async fn set_up_admin(&self, username: &str, password: &str) {
        let client = self.client();
        let response = self
            .post_form(
                &client,
                "/setup",
                "/setup",
                &[
                    ("setup_token", self.setup_token.as_str()),
                    ("username", username),
                    ("display_name", "Ada Admin"),
                    ("password", password),
                    ("password_confirm", password),
                ],
            )
            .await;
        assert_eq!(response.status(), 303, "setup should succeed");
    }

    /// Signs in with a fresh client and returns it.
    pub async fn signed_in_client(&self, username: &str, password: &str) -> reqwest::Client {
        let client = self.client();
        let response = self
            .post_form(
                &client,
                "/sign-in",
                "/sign-in",
                &[("username", username), ("password", password)],
            )
            .await;
        assert_eq!(response.status(), 303, "sign-in should succeed");
        if location(&response) == "/sign-in/second-factor" {
            let code = self.next_code(username).await;
            let response = self
                .post_form(
                    &client,
                    "/sign-in/second-factor",
                    "/sign-in/second-factor",
                    &[("code", code.as_str())],
                )
                .await;
            assert_eq!(response.status(), 303, "the second factor should be taken");
            assert_eq!(location(&response), "/");
            return client;
        }
        assert_eq!(location(&response), "/");
        client
    }

    /// A code of `username`'s authenticator app that the app has not accepted yet: the
    /// earliest step within the one-step drift allowed that is later than the last one used,
    /// waiting for the clock when all of them were used (a code is accepted once only).
    pub async fn next_code(&self, username: &str) -> String {
        let store = self.store().await;
        let user = store
            .user_by_username(username)
            .await
            .expect("read the account")
            .expect("the account exists");
        let factor = store
            .totp_factor(user.user_id)
            .await
            .expect("read the factor")
            .expect("the account has an authenticator app");
        code_after(&factor.secret, factor.last_step).await
    }

    /// Opens the app's database directly, as the shell commands do.
    pub async fn store(&self) -> probity_server::storage::DynStore {
        probity_server::storage::connect(&self.db.url)
            .await
            .expect("open the test database")
            .store
    }

    /// Stops the server gracefully and waits for it.
    pub async fn stop(mut self) {
        if let Some(server) = self.server.take() {
            let _ = server.shutdown.send(());
            let _ = server.task.await;
        }
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(server) = self.server.take() {
            let _ = server.shutdown.send(());
            server.task.abort();
        }
    }
}

/// A client builder like a browser's: keeps cookies, does not follow redirects.
/// The `probity` binary, built by `scripts/test` before the tests run (`PROBITY_BIN` names
/// another).
pub fn probity_binary() -> PathBuf {
    std::env::var("PROBITY_BIN")
        .map(Into::into)
        .unwrap_or_else(|_| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/debug/probity"))
}

pub fn browser_client() -> reqwest::ClientBuilder {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
}

/// GETs the page at `url` and returns its anti-forgery token.
pub async fn page_token(client: &reqwest::Client, url: &str) -> String {
    let body = client
        .get(url)
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("body");
    csrf_token(&body).unwrap_or_else(|| panic!("no anti-forgery token on {url}:\n{body}"))
}

/// The anti-forgery token in a page, if any.
pub fn csrf_token(html: &str) -> Option<String> {
    let marker = "name=\"csrf_token\" value=\"";
    let start = html.find(marker)? + marker.len();
    let end = html[start..].find('"')? + start;
    Some(html[start..end].to_string())
}

/// The value of a hidden field in a page; panics with the page when there is none.
pub fn hidden(page: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = page
        .find(&marker)
        .unwrap_or_else(|| panic!("no hidden {name} in {page}"))
        + marker.len();
    let end = start + page[start..].find('"').expect("end of value");
    page[start..end].to_string()
}

/// The id of the first complaint a triage queue page links to.
pub fn first_complaint_id(queue: &str) -> i64 {
    let marker = "href=\"/complaints/";
    let mut rest = queue;
    while let Some(at) = rest.find(marker) {
        rest = &rest[at + marker.len()..];
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        if let Ok(id) = digits.parse() {
            return id;
        }
    }
    panic!("no complaint in the queue: {queue}");
}

/// The Location header of a redirect.
pub fn location(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("location")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

/// A password that passes the policy.
pub const GOOD_PASSWORD: &str = "correct horse battery staple";

/// Accounts and a case set up directly in the store, for permission and workflow tests.
pub mod fixtures {
    use super::{GOOD_PASSWORD, TestApp};
    use probity_domain::cases::{Case, Confidentiality, IntakeChannel, Priority};
    use probity_domain::roles::Role;
    use probity_server::storage::cases::{CaseDetails, NewCase};
    use probity_server::storage::{DynStore, NewUser, User};

    /// Creates an account whose password is [`GOOD_PASSWORD`].
    pub async fn user(store: &DynStore, hash: &str, username: &str, role: Role) -> User {
        store
            .create_user(NewUser {
                username: username.to_string(),
                display_name: format!("{username} (test)"),
                role,
                password_hash: hash.to_string(),
            })
            .await
            .expect("create user")
    }

    /// The hash of [`GOOD_PASSWORD`], computed once per test.
    pub async fn password_hash() -> String {
        probity_server::auth::password::hash(GOOD_PASSWORD.to_string())
            .await
            .expect("hash")
    }

    /// Opens a case led by `lead`.
    pub async fn case(store: &DynStore, lead: &User, title: &str) -> Case {
        store
            .create_case(NewCase {
                details: CaseDetails {
                    title: title.to_string(),
                    summary: "A summary for the test.".to_string(),
                    subject_agency: "Department of Tests".to_string(),
                    intake_channel: IntakeChannel::Complaint,
                    received_on: "2025-01-15".to_string(),
                    priority: Priority::Normal,
                    confidentiality: Confidentiality::Confidential,
                    time_zone: "UTC".to_string(),
                },
                created_by: lead.user_id,
                year: 2025,
                prefix: String::new(),
                case_type: probity_domain::clocks::GENERAL.to_string(),
                plan: Default::default(),
            })
            .await
            .expect("create case")
    }

    /// Creates an API token for `user` directly in the store and returns its secret.
    pub async fn api_token(store: &DynStore, user: &User, write: bool, days: i64) -> String {
        use probity_server::storage::tokens::{NewApiToken, TokenScope};
        let minted = probity_server::auth::api_token::mint();
        store
            .create_token(NewApiToken {
                user_id: user.user_id,
                name: format!("{} test token", user.username),
                prefix: minted.prefix,
                token_hash: minted.hash,
                scope: if write {
                    TokenScope::Write
                } else {
                    TokenScope::Read
                },
                expires_at: time::OffsetDateTime::now_utc() + time::Duration::days(days),
            })
            .await
            .expect("create token");
        minted.secret
    }

    /// The records of every kind a permission walk acts on, in one case.
    pub struct WalkRecords {
        pub party: probity_domain::cases::Party,
        pub allegation: probity_domain::cases::Allegation,
        pub note: probity_domain::cases::Note,
        pub exhibit: probity_domain::evidence::Exhibit,
        pub incident: probity_domain::timeline::Incident,
        pub event_id: i64,
        pub recommendation: probity_domain::reports::Recommendation,
        pub interview: probity_domain::interviews::Interview,
    }

    /// Fills case `id` (led by `lead`) with one record of every kind, and two report
    /// versions: the walks act on version 1, which is not the newest, so no submit,
    /// approval or publication can succeed and change what later subjects see.
    pub async fn walk_records(store: &DynStore, id: i64, lead: &User) -> WalkRecords {
        let party = store
            .create_party(
                id,
                probity_server::storage::cases::PartyInput {
                    kind: probity_domain::cases::PartyKind::Person,
                    name: "Quillfeather Subject".into(),
                    party_role: probity_domain::cases::PartyRole::Subject,
                    details: String::new(),
                    pseudonym: "Person Q".into(),
                    senior_employee: false,
                },
            )
            .await
            .expect("party");
        let allegation = store
            .create_allegation(
                id,
                probity_server::storage::cases::AllegationInput {
                    subject_party_id: Some(party.party_id),
                    summary: "Did something".into(),
                    rule_at_issue: "Rule 1".into(),
                    status: probity_domain::cases::AllegationStatus::Open,
                },
            )
            .await
            .expect("allegation");
        let note = store
            .create_note(id, lead.user_id, "A note")
            .await
            .expect("note");
        // Edited once, so that it has earlier versions to show.
        let note = store
            .edit_note(
                id,
                note.note_id,
                note.version,
                "A note, edited",
                lead.user_id,
            )
            .await
            .expect("edited note");
        let exhibit = store
            .create_exhibit(probity_server::storage::evidence::NewExhibit {
                case_id: id,
                parent_exhibit_id: None,
                description: "Quillfeather ledger".into(),
                original_filename: "ledger.txt".into(),
                sha256: "0".repeat(64),
                size_bytes: 10,
                media_type: "text/plain".into(),
                extension_mismatch: false,
                provided_by: String::new(),
                collected_by: String::new(),
                collected_at: String::new(),
                personal_data: false,
                criminal_justice: false,
                booking_photo: false,
                restricted: false,
                captured_by: String::new(),
                captured_at: String::new(),
                capture_device: String::new(),
                capture_shows: String::new(),
                ocr_status: probity_domain::evidence::OcrStatus::NotApplicable,
                uploaded_by: lead.user_id,
                access: Vec::new(),
            })
            .await
            .expect("exhibit");
        let incident = store
            .create_incident(id, "Quillfeather incident", "")
            .await
            .expect("incident");
        let event_id = store
            .create_event(probity_server::storage::timeline::NewEvent {
                case_id: id,
                incident_id: incident.incident_id,
                bounds: probity_server::timeline::bounds(
                    "2024-11-21",
                    "",
                    probity_domain::timeline::Precision::Day,
                    &jiff::tz::TimeZone::UTC,
                )
                .expect("bounds"),
                precision: probity_domain::timeline::Precision::Day,
                time_zone: "UTC".into(),
                discovered_on: String::new(),
                kind: probity_domain::timeline::EventKind::Other,
                channel: probity_domain::timeline::Channel::NotApplicable,
                information: Vec::new(),
                permitted_basis: probity_domain::timeline::PermittedBasis::Unknown,
                narrative: "Quillfeather event".into(),
                actors: Vec::new(),
                recipients: Vec::new(),
                exhibits: Vec::new(),
                messages: Vec::new(),
                interviews: Vec::new(),
                summary: "v1".into(),
                by: lead.user_id,
            })
            .await
            .expect("event");
        let recommendation = store
            .create_recommendation(
                id,
                probity_server::storage::reports::RecommendationInput {
                    agency: "Quillfeather agency".into(),
                    body: "Do better".into(),
                    response: String::new(),
                    status: probity_domain::reports::RecommendationStatus::Open,
                    status_on: "2025-01-01".into(),
                    note: String::new(),
                    significant: false,
                    priority: probity_domain::reports::RecommendationPriority::None,
                    resolution: probity_domain::reports::RecommendationResolution::OpenUnresolved,
                    decision_on: None,
                    response_received_on: None,
                },
                lead.user_id,
            )
            .await
            .expect("recommendation");
        // Two report versions: the walk acts on version 1, which is not the newest, so no submit,
        // approval or publication can succeed and change what later subjects see.
        let sections = vec![("summary".to_string(), "Quillfeather summary".to_string())];
        for based_on in [0, 1] {
            store
                .save_report_version(id, based_on, &sections, lead.user_id)
                .await
                .expect("report version");
        }
        let interview = store
            .create_interview(
                id,
                &probity_server::storage::interviews::InterviewInput {
                    party_id: party.party_id,
                    interviewee_role: "Subject".into(),
                    held_on: "2025-01-02".into(),
                    place: "Quillfeather office".into(),
                    warning: probity_domain::interviews::InterviewWarning::Voluntary,
                    recording_exhibit_id: None,
                    transcript_exhibit_id: None,
                    attendees: Vec::new(),
                    memorandum: "Quillfeather memorandum".into(),
                },
                lead.user_id,
            )
            .await
            .expect("interview");
        WalkRecords {
            party,
            allegation,
            note,
            exhibit,
            incident,
            event_id,
            recommendation,
            interview,
        }
    }

    /// An exhibit as stored without a file behind it (a zero hash): plain, untagged, its
    /// text not to be read; change the fields a test needs.
    pub fn plain_exhibit(
        case_id: i64,
        uploaded_by: i64,
        description: &str,
        filename: &str,
    ) -> probity_server::storage::evidence::NewExhibit {
        probity_server::storage::evidence::NewExhibit {
            case_id,
            parent_exhibit_id: None,
            description: description.into(),
            original_filename: filename.into(),
            sha256: "0".repeat(64),
            size_bytes: 1,
            media_type: "text/plain".into(),
            extension_mismatch: false,
            provided_by: String::new(),
            collected_by: String::new(),
            collected_at: String::new(),
            personal_data: false,
            criminal_justice: false,
            booking_photo: false,
            restricted: false,
            captured_by: String::new(),
            captured_at: String::new(),
            capture_device: String::new(),
            capture_shows: String::new(),
            ocr_status: probity_domain::evidence::OcrStatus::NotApplicable,
            uploaded_by,
            access: Vec::new(),
        }
    }

    /// The text of a PDF as poppler's `pdftotext` reads it, in reading order.
    pub fn pdf_text(pdf: &[u8]) -> String {
        use std::io::Write;
        let mut child = std::process::Command::new("pdftotext")
            .args(["-", "-"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("pdftotext");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(pdf)
            .expect("write");
        String::from_utf8_lossy(&child.wait_with_output().expect("out").stdout).into_owned()
    }

    /// Loads the demo office (`probity demo`) into a running app.
    pub async fn demo(app: &TestApp) {
        let store = app.store().await;
        let blobs: std::sync::Arc<dyn probity_server::blobs::BlobStore> = std::sync::Arc::new(
            probity_server::blobs::fs::FsBlobStore::open(app.db.data_dir.join("blobs"))
                .expect("blobs"),
        );
        probity_server::demo::load(
            &store,
            &blobs,
            probity_server::demo::DEMO_PASSWORD,
            "",
            "Office of the Inspector General",
        )
        .await
        .expect("demo");
    }

    /// Signs a user in over HTTP.
    /// A case with a timeline of `events` events, created through the store.
    pub async fn timeline_case(store: &DynStore, lead: i64, events: usize) -> i64 {
        use probity_domain::timeline::*;
        let case = store
            .create_case(probity_server::storage::cases::NewCase {
                details: probity_server::storage::cases::CaseDetails {
                    title: "Benchmark case with a timeline".into(),
                    summary: "Measured pages".into(),
                    subject_agency: "Agency 1".into(),
                    intake_channel: probity_domain::cases::IntakeChannel::Complaint,
                    received_on: "2024-01-01".into(),
                    priority: probity_domain::cases::Priority::Normal,
                    confidentiality: probity_domain::cases::Confidentiality::Standard,
                    time_zone: "UTC".into(),
                },
                created_by: lead,
                year: 2024,
                prefix: String::new(),
                case_type: probity_domain::clocks::GENERAL.to_string(),
                plan: Default::default(),
            })
            .await
            .expect("case");
        let incident = store
            .create_incident(case.case_id, "Benchmark incident", "")
            .await
            .expect("incident");
        for n in 0..events {
            let day = format!("2024-{:02}-{:02}", n % 12 + 1, n % 28 + 1);
            store
                .create_event(probity_server::storage::timeline::NewEvent {
                    case_id: case.case_id,
                    incident_id: incident.incident_id,
                    bounds: probity_server::timeline::bounds(
                        &day,
                        "",
                        Precision::Day,
                        &jiff::tz::TimeZone::UTC,
                    )
                    .expect("bounds"),
                    precision: Precision::Day,
                    time_zone: "UTC".into(),
                    discovered_on: String::new(),
                    kind: EventKind::Other,
                    channel: Channel::NotApplicable,
                    information: Vec::new(),
                    permitted_basis: PermittedBasis::Unknown,
                    narrative: format!("Benchmark event {n}"),
                    actors: Vec::new(),
                    recipients: Vec::new(),
                    exhibits: Vec::new(),
                    messages: Vec::new(),
                    interviews: Vec::new(),
                    summary: format!("event {n}"),
                    by: lead,
                })
                .await
                .expect("event");
        }
        case.case_id
    }

    pub async fn client_for(app: &TestApp, username: &str) -> reqwest::Client {
        app.signed_in_client(username, GOOD_PASSWORD).await
    }

    /// A running app with one case led by the investigator `ines`, with `theo` on its team.
    pub struct TeamCase {
        pub app: TestApp,
        pub case_id: i64,
        /// Signed in as `ines`.
        pub lead: reqwest::Client,
        /// Signed in as `theo`.
        pub member: reqwest::Client,
    }

    /// Spawns the app (with extra settings) and sets up a [`TeamCase`] titled `title`.
    pub async fn team_case(title: &str, extra: &[&str]) -> TeamCase {
        let app = TestApp::spawn_with(super::Backend::under_test(), extra).await;
        let store = app.store().await;
        let hash = password_hash().await;
        let ines = user(&store, &hash, "ines", Role::Investigator).await;
        let theo = user(&store, &hash, "theo", Role::Investigator).await;
        let opened = case(&store, &ines, title).await;
        store
            .add_member(opened.case_id, theo.user_id, ines.user_id)
            .await
            .expect("member");
        let lead = client_for(&app, "ines").await;
        let member = client_for(&app, "theo").await;
        TeamCase {
            case_id: opened.case_id,
            app,
            lead,
            member,
        }
    }

    /// Sends the upload form with the page's token first, as a browser does.
    pub async fn upload(
        app: &TestApp,
        client: &reqwest::Client,
        case_id: i64,
        fields: &[(&str, &str)],
        files: Vec<(&str, Vec<u8>)>,
    ) -> reqwest::Response {
        use reqwest::multipart::{Form, Part};
        let page = client
            .get(app.url(&format!("/cases/{case_id}/exhibits/new")))
            .send()
            .await
            .expect("GET")
            .text()
            .await
            .expect("body");
        let token = super::csrf_token(&page).expect("token");
        let mut form = Form::new().text("csrf_token", token);
        for (name, value) in fields {
            form = form.text(name.to_string(), value.to_string());
        }
        for (name, bytes) in files {
            form = form.part("files", Part::bytes(bytes).file_name(name.to_string()));
        }
        client
            .post(app.url(&format!("/cases/{case_id}/exhibits")))
            .header("origin", app.origin())
            .multipart(form)
            .send()
            .await
            .expect("POST")
    }

    /// Uploads one file to the team case as its lead and returns the new exhibit's id.
    pub async fn upload_one(team: &TeamCase, name: &str, bytes: &[u8], restricted: bool) -> i64 {
        let fields: &[(&str, &str)] = if restricted {
            &[("restricted", "yes")]
        } else {
            &[]
        };
        let response = upload(
            &team.app,
            &team.lead,
            team.case_id,
            fields,
            vec![(name, bytes.to_vec())],
        )
        .await;
        assert_eq!(response.status(), 303, "upload of {name}");
        let store = team.app.store().await;
        let lead = store
            .user_by_username("ines")
            .await
            .expect("get")
            .expect("lead");
        store
            .exhibits(team.case_id, lead.user_id)
            .await
            .expect("exhibits")
            .into_iter()
            .map(|exhibit| exhibit.exhibit_id)
            .max()
            .expect("an exhibit")
    }
}

/// The code of the authenticator app holding `secret` for the earliest step after
/// `last_step` that the server accepts now (it allows one step of drift), waiting when that
/// step is still more than one step ahead. Computed with the `totp-rs` crate, as an app would.
pub async fn code_after(secret: &str, last_step: i64) -> String {
    let totp = totp_rs::Builder::new()
        .with_secret(totp_rs::Secret::try_from_base32(secret).expect("a base32 secret"))
        .build()
        .expect("a TOTP generator");
    loop {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("the clock is after 1970")
            .as_secs();
        let current = (now / 30) as i64;
        // Never the step before the current one: should the clock turn over before the
        // server checks, it would be two steps behind.
        let step = current.max(last_step + 1);
        if step <= current + 1 {
            return totp.generate(step as u64 * 30).to_string();
        }
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    }
}
