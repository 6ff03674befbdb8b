//! `probity-bench`: measures the real `probity` binary against floors measured in the same
//! run, on SQLite and on PostgreSQL, and prints one Markdown table (and writes it as JSON).
//!
//! Every figure sits next to its floor: an upload next to `openssl dgst -sha256` of the same
//! file, a page under load next to `/healthz` under the same load, a page on 100,000 cases next
//! to the same page on 1,000, an import next to the parser alone, a report next to an empty
//! one. The load runs on loopback only, with a fixed number of requests.
//!
//! `--quick` shrinks every size so that CI can check the benchmark still works; its figures
//! mean nothing and nothing is asserted about time.

use probity_domain::roles::Role;
use probity_server::storage::DynStore;
use probity_server::storage::cases::GenerateCases;
use probity_tests::{Backend, TestDatabase};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

const PASSWORD: &str = "a long benchmark password";

/// The sizes of one run.
#[derive(Clone, Copy)]
struct Sizes {
    upload_bytes: u64,
    small_cases: i64,
    large_cases: i64,
    requests: usize,
    concurrency: usize,
    messages: usize,
    report_events: usize,
    report_exhibits: usize,
    searches: usize,
    /// Sign-ins sent all at once.
    sign_ins: usize,
    /// Size of the chat export with over-long lines.
    huge_import_bytes: u64,
}

const FULL: Sizes = Sizes {
    upload_bytes: 1 << 30,
    small_cases: 1_000,
    large_cases: 100_000,
    requests: 2_000,
    concurrency: 32,
    messages: 1_000_000,
    report_events: 1_000,
    report_exhibits: 200,
    searches: 200,
    sign_ins: 500,
    huge_import_bytes: 2 << 30,
};

const QUICK: Sizes = Sizes {
    upload_bytes: 8 << 20,
    small_cases: 100,
    large_cases: 300,
    requests: 64,
    concurrency: 8,
    messages: 2_000,
    report_events: 50,
    report_exhibits: 10,
    searches: 10,
    sign_ins: 60,
    huge_import_bytes: 12 << 20,
};

/// Which parts of the run to measure (`--only pages,upload,messages,report,signins,huge,ocr`;
/// all by default), so that one part can be profiled without waiting for the others.
#[derive(Clone, Copy)]
struct Parts {
    pages: bool,
    upload: bool,
    messages: bool,
    report: bool,
    signins: bool,
    huge: bool,
    ocr: bool,
    /// `--keep`: leave the filled database behind instead of dropping it.
    keep: bool,
}

impl Parts {
    fn parse(value: Option<&str>, keep: bool) -> Parts {
        let Some(value) = value else {
            return Parts {
                pages: true,
                upload: true,
                messages: true,
                report: true,
                signins: true,
                huge: true,
                ocr: true,
                keep,
            };
        };
        let has = |part: &str| value.split(',').any(|p| p.trim() == part);
        let parts = Parts {
            pages: has("pages"),
            upload: has("upload"),
            messages: has("messages"),
            report: has("report"),
            signins: has("signins"),
            huge: has("huge"),
            ocr: has("ocr"),
            keep,
        };
        assert!(
            parts.pages
                || parts.upload
                || parts.messages
                || parts.report
                || parts.signins
                || parts.huge
                || parts.ocr,
            "--only takes pages, upload, messages, report, signins, huge and ocr, separated by commas"
        );
        parts
    }
}

/// One line of the table.
#[derive(serde::Serialize)]
struct Row {
    backend: String,
    measure: String,
    figure: String,
    floor: String,
    ratio: String,
    goal: String,
}

struct Table {
    rows: Vec<Row>,
}

impl Table {
    fn add(
        &mut self,
        backend: &str,
        measure: &str,
        figure: String,
        floor: String,
        ratio: String,
        goal: &str,
    ) {
        eprintln!("  {measure}: {figure} (floor {floor}, ratio {ratio})");
        self.rows.push(Row {
            backend: backend.into(),
            measure: measure.into(),
            figure,
            floor,
            ratio,
            goal: goal.into(),
        });
    }

    fn markdown(&self) -> String {
        let mut out = String::from(
            "| database | measure | figure | floor | ratio | goal |\n|---|---|---|---|---|---|\n",
        );
        for row in &self.rows {
            out.push_str(&format!(
                "| {} | {} | {} | {} | {} | {} |\n",
                row.backend, row.measure, row.figure, row.floor, row.ratio, row.goal
            ));
        }
        out
    }
}

/// Latencies of a batch of requests.
struct Load {
    p50: Duration,
    p95: Duration,
    p99: Duration,
    per_second: f64,
}

impl Load {
    fn from(mut times: Vec<Duration>, wall: Duration) -> Load {
        times.sort();
        let at = |q: f64| times[((times.len() as f64 - 1.0) * q).round() as usize];
        Load {
            p50: at(0.50),
            p95: at(0.95),
            p99: at(0.99),
            per_second: times.len() as f64 / wall.as_secs_f64(),
        }
    }

    fn show(&self) -> String {
        format!(
            "p50 {:.1} ms, p99 {:.1} ms, {:.0}/s",
            ms(self.p50),
            ms(self.p99),
            self.per_second
        )
    }
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

/// A request the load sends.
#[derive(Clone)]
enum Request {
    Get(String),
    Post(String, Vec<(String, String)>),
    /// A GET on the JSON API with a bearer token.
    Api(String, String),
}

/// Sends `total` requests with `concurrency` at a time; every answer must be 200.
async fn load(
    client: &reqwest::Client,
    origin: &str,
    request: &Request,
    total: usize,
    concurrency: usize,
) -> Load {
    let next = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..concurrency {
        let client = client.clone();
        let request = request.clone();
        let next = next.clone();
        let origin = origin.to_string();
        tasks.push(tokio::spawn(async move {
            let mut times = Vec::new();
            while (next.fetch_add(1, Ordering::SeqCst) as usize) < total {
                let begin = Instant::now();
                let response = match &request {
                    Request::Get(url) => client.get(url).send().await,
                    Request::Api(url, token) => client.get(url).bearer_auth(token).send().await,
                    Request::Post(url, form) => {
                        client
                            .post(url)
                            .header("origin", &origin)
                            .form(form)
                            .send()
                            .await
                    }
                }
                .expect("request");
                let status = response.status();
                let _ = response.bytes().await.expect("body");
                assert_eq!(status, 200, "benchmark request failed");
                times.push(begin.elapsed());
            }
            times
        }));
    }
    let mut times = Vec::new();
    for task in tasks {
        times.extend(task.await.expect("load task"));
    }
    Load::from(times, started.elapsed())
}

/// The running server process.
struct Server {
    child: tokio::process::Child,
    origin: String,
}

impl Server {
    async fn start(binary: &Path, db: &TestDatabase, extra: &[String]) -> (Server, Duration) {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .expect("free port")
            .local_addr()
            .expect("addr")
            .port();
        let started = Instant::now();
        let child = tokio::process::Command::new(binary)
            .args([
                "--listen",
                &format!("127.0.0.1:{port}"),
                "--data-dir",
                &db.data_dir.display().to_string(),
                "--database-url",
                &db.url,
                "--upload-limit",
                "4GiB",
                // The load would exceed an API token's allowance in its first second.
                "--api-rate-limit",
                "1000000000",
                // The generated accounts have no second factor: the pages are measured, not
                // the sign-in.
                "--require-mfa",
                "false",
                "serve",
            ])
            .args(extra)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("start probity");
        let origin = format!("http://127.0.0.1:{port}");
        let client = reqwest::Client::new();
        loop {
            if let Ok(response) = client.get(format!("{origin}/healthz")).send().await
                && response.status() == 200
            {
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "probity did not start"
            );
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        (Server { child, origin }, started.elapsed())
    }

    /// Resident memory, in bytes.
    fn rss(&self) -> u64 {
        rss_of(self.child.id().expect("running"))
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.origin)
    }

    async fn signed_in(&self, username: &str) -> reqwest::Client {
        let client = probity_tests::browser_client()
            .pool_max_idle_per_host(64)
            .build()
            .expect("client");
        let token = self.token(&client, "/sign-in").await;
        let response = client
            .post(self.url("/sign-in"))
            .header("origin", &self.origin)
            .form(&[
                ("csrf_token", token.as_str()),
                ("username", username),
                ("password", PASSWORD),
            ])
            .send()
            .await
            .expect("sign in");
        assert_eq!(response.status(), 303, "{username} signs in");
        client
    }

    async fn token(&self, client: &reqwest::Client, path: &str) -> String {
        probity_tests::page_token(client, &self.url(path)).await
    }
}

/// Seconds a command takes.
fn time_command(program: &str, args: &[&str]) -> Option<f64> {
    let started = Instant::now();
    let status = std::process::Command::new(program)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .ok()?;
    status.success().then(|| started.elapsed().as_secs_f64())
}

/// A file of pseudo-random bytes (xorshift: fast, and incompressible enough for a hash).
fn random_file(path: &Path, size: u64) {
    use std::io::Write;
    let mut file =
        std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(path).expect("create"));
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut buffer = vec![0u8; 1 << 20];
    let mut written = 0;
    while written < size {
        for chunk in buffer.chunks_mut(8) {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            chunk.copy_from_slice(&state.to_le_bytes()[..chunk.len()]);
        }
        let take = (size - written).min(buffer.len() as u64) as usize;
        file.write_all(&buffer[..take]).expect("write");
        written += take as u64;
    }
    file.flush().expect("flush");
}

/// A WhatsApp export (Android, 24-hour) of `count` messages between two people.
fn whatsapp_export(path: &Path, count: usize) {
    use std::io::Write;
    let mut file = std::io::BufWriter::new(std::fs::File::create(path).expect("create"));
    for n in 0..count {
        let minute = n % 60;
        let hour = (n / 60) % 24;
        let day = (n / 1440) % 28 + 1;
        let month = (n / 40320) % 12 + 1;
        let who = if n % 2 == 0 {
            "Alex Example"
        } else {
            "Sam Sample"
        };
        writeln!(
            file,
            "{day:02}/{month:02}/2024, {hour:02}:{minute:02} - {who}: message {n} about shipment {} and docket {}",
            n % 977,
            n % 131
        )
        .expect("write");
    }
    file.flush().expect("flush");
}

async fn upload_file(
    server: &Server,
    client: &reqwest::Client,
    case_id: i64,
    path: &Path,
    name: &str,
) -> reqwest::Response {
    let token = server
        .token(client, &format!("/cases/{case_id}/exhibits/new"))
        .await;
    let file = tokio::fs::File::open(path).await.expect("open");
    let length = file.metadata().await.expect("metadata").len();
    let body =
        reqwest::Body::wrap_stream(tokio_util::io::ReaderStream::with_capacity(file, 1 << 20));
    let part =
        reqwest::multipart::Part::stream_with_length(body, length).file_name(name.to_string());
    let form = reqwest::multipart::Form::new()
        .text("csrf_token", token)
        .text("description", format!("benchmark file {name}"))
        .part("files", part);
    client
        .post(server.url(&format!("/cases/{case_id}/exhibits")))
        .header("origin", &server.origin)
        .multipart(form)
        .send()
        .await
        .expect("upload")
}

/// The investigators who share the generated cases.
const TEAM: usize = 24;

/// The supervisor, the measured investigator, and the office's other investigators.
async fn setup_users(store: &DynStore) -> (i64, i64, Vec<i64>) {
    let hash = probity_server::auth::password::hash(PASSWORD.to_string())
        .await
        .expect("hash");
    let mut ids = Vec::new();
    let mut people = vec![
        ("bench.supervisor".to_string(), Role::Supervisor),
        ("bench.investigator".to_string(), Role::Investigator),
    ];
    people.extend((1..=TEAM).map(|n| (format!("bench.team{n:02}"), Role::Investigator)));
    for (username, role) in people {
        let user = store
            .create_user(probity_server::storage::NewUser {
                display_name: username.clone(),
                username,
                role,
                password_hash: hash.clone(),
            })
            .await
            .expect("user");
        ids.push(user.user_id);
    }
    (ids[0], ids[1], ids[2..].to_vec())
}

/// The measured pages plus `/healthz`, each under the same load.
async fn page_loads(
    server: &Server,
    client: &reqwest::Client,
    case_id: i64,
    sizes: Sizes,
    api_token: &str,
) -> Vec<(&'static str, Load)> {
    let token = server.token(client, "/cases").await;
    let requests = [
        ("/healthz", Request::Get(server.url("/healthz"))),
        ("dashboard", Request::Get(server.url("/"))),
        ("case list", Request::Get(server.url("/cases"))),
        (
            "case page",
            Request::Get(server.url(&format!("/cases/{case_id}"))),
        ),
        (
            "timeline page",
            Request::Get(server.url(&format!("/cases/{case_id}/timeline"))),
        ),
        (
            "API case list",
            Request::Api(server.url("/api/v1/cases"), api_token.to_string()),
        ),
        (
            "API case read",
            Request::Api(
                server.url(&format!("/api/v1/cases/{case_id}")),
                api_token.to_string(),
            ),
        ),
        (
            "case search",
            Request::Post(
                server.url("/cases/search"),
                vec![
                    ("csrf_token".into(), token),
                    ("q".into(), "contract 42".into()),
                ],
            ),
        ),
    ];
    let mut out = Vec::new();
    for (name, request) in requests {
        // Warm up, then measure.
        load(
            client,
            &server.origin,
            &request,
            sizes.concurrency,
            sizes.concurrency,
        )
        .await;
        out.push((
            name,
            load(
                client,
                &server.origin,
                &request,
                sizes.requests,
                sizes.concurrency,
            )
            .await,
        ));
    }
    out
}

async fn run_backend(
    backend: Backend,
    binary: &Path,
    sizes: Sizes,
    parts: Parts,
    table: &mut Table,
    scratch: &Path,
) {
    let name = match backend {
        Backend::Sqlite => "SQLite",
        Backend::Postgres => "PostgreSQL",
    };
    eprintln!("== {name}");
    let db = TestDatabase::new(backend).await;
    let store = probity_server::storage::connect(&db.url)
        .await
        .expect("connect")
        .store;
    store.migrate().await.expect("migrate");
    let (supervisor, investigator, team) = setup_users(&store).await;

    let (server, startup) = Server::start(binary, &db, &[]).await;
    let client = server.signed_in("bench.supervisor").await;
    let lead = server.signed_in("bench.investigator").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let idle = server.rss();
    table.add(
        name,
        "start-up (process start to /healthz answering)",
        format!("{:.0} ms", ms(startup)),
        "—".into(),
        "—".into(),
        "—",
    );
    table.add(
        name,
        "idle memory after sign-in",
        format!("{:.1} MiB", idle as f64 / 1048576.0),
        "—".into(),
        "—".into(),
        "—",
    );

    let case_id = probity_tests::fixtures::timeline_case(&store, investigator, 50).await;
    if parts.pages {
        pages(
            &store,
            &db.url,
            &server,
            &client,
            case_id,
            sizes,
            (supervisor, investigator, &team),
            name,
            table,
        )
        .await;
    }
    let mut file_rate = None;
    if parts.upload {
        file_rate = Some(upload(&server, &lead, case_id, sizes, idle, name, table, scratch).await);
    }
    if parts.messages {
        messages(
            &store,
            &db,
            &server,
            &lead,
            case_id,
            investigator,
            sizes,
            name,
            table,
            scratch,
        )
        .await;
    }
    if parts.huge {
        huge_import(
            &store,
            &server,
            &lead,
            case_id,
            investigator,
            sizes,
            name,
            table,
            scratch,
        )
        .await;
    }
    if parts.signins {
        sign_in_flood(&server, sizes, name, table).await;
    }
    drop(server);
    if let Some(file_rate) = file_rate {
        // The same upload into S3 (a one-node Garage on loopback), by a server started again
        // on the same database with the bucket as its blob store.
        let garage = probity_tests::garage::Garage::shared();
        let mut extra = vec!["--blob-store".to_string(), garage.fresh_store()];
        extra.extend(garage.args());
        let (server, _) = Server::start(binary, &db, &extra).await;
        let lead = server.signed_in("bench.investigator").await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        let idle = server.rss();
        let s3_rate = upload(
            &server,
            &lead,
            case_id,
            sizes,
            idle,
            &format!("{name}, S3"),
            table,
            scratch,
        )
        .await;
        table.add(
            &format!("{name}, S3"),
            "  upload into S3 against the same upload into the data folder",
            format!("{s3_rate:.0} MiB/s"),
            format!("data folder {file_rate:.0} MiB/s"),
            format!("{:.2}", s3_rate / file_rate),
            "≥ 0.5",
        );
        drop(server);
    }
    let _ = store;
    if parts.keep {
        // For looking at query plans afterwards; the caller drops the database by hand.
        eprintln!("  kept the database: {}", db.url);
        std::mem::forget(db);
    }
}

/// Pages on a small office, then on a large one.
#[allow(clippy::too_many_arguments)]
async fn pages(
    store: &DynStore,
    url: &str,
    server: &Server,
    client: &reqwest::Client,
    case_id: i64,
    sizes: Sizes,
    (supervisor, investigator, team): (i64, i64, &[i64]),
    name: &str,
    table: &mut Table,
) {
    probity_server::storage::generate_cases(
        url,
        GenerateCases {
            count: sizes.small_cases,
            year: 2091,
            created_by: supervisor,
            member: Some(investigator),
            member_every: 10,
            team: team.to_vec(),
            exhibits: sizes.small_cases / 2,
            events_per_case: 2,
        },
    )
    .await
    .expect("generate");
    // The API is measured with a token of the same supervisor the pages are signed in as.
    let api_token = {
        let owner = store
            .user_by_id(supervisor)
            .await
            .expect("user")
            .expect("the supervisor");
        probity_tests::fixtures::api_token(store, &owner, false, 1).await
    };
    let small = page_loads(server, client, case_id, sizes, &api_token).await;
    probity_server::storage::generate_cases(
        url,
        GenerateCases {
            count: sizes.large_cases - sizes.small_cases,
            year: 2092,
            created_by: supervisor,
            member: Some(investigator),
            member_every: 10,
            team: team.to_vec(),
            exhibits: (sizes.large_cases - sizes.small_cases) / 2,
            events_per_case: 2,
        },
    )
    .await
    .expect("generate");
    let large = page_loads(server, client, case_id, sizes, &api_token).await;
    let health = &large[0].1;
    for ((page, at_small), (_, at_large)) in small.iter().zip(&large).skip(1) {
        table.add(
            name,
            &format!(
                "{page}, {} cases, {} at a time",
                sizes.large_cases, sizes.concurrency
            ),
            at_large.show(),
            format!("/healthz: {}", health.show()),
            format!("{:.1}x (p99)", ms(at_large.p99) / ms(health.p99).max(0.001)),
            "p99 < 50 ms",
        );
        table.add(
            name,
            &format!(
                "{page}: {} against {} cases",
                sizes.large_cases, sizes.small_cases
            ),
            format!("p50 {:.1} ms", ms(at_large.p50)),
            format!("p50 {:.1} ms", ms(at_small.p50)),
            format!("{:.2}x", ms(at_large.p50) / ms(at_small.p50).max(0.001)),
            "≤ 1.5x",
        );
    }
}

/// A 1 GiB upload against the hash speed of this CPU, with the server's peak memory.
#[allow(clippy::too_many_arguments)]
async fn upload(
    server: &Server,
    lead: &reqwest::Client,
    case_id: i64,
    sizes: Sizes,
    idle: u64,
    name: &str,
    table: &mut Table,
    scratch: &Path,
) -> f64 {
    let big = scratch.join("upload.bin");
    random_file(&big, sizes.upload_bytes);
    let big_str = big.display().to_string();
    let openssl = time_command("openssl", &["dgst", "-sha256", &big_str]);
    let sha256sum = time_command("sha256sum", &[&big_str]);
    let sampler = PeakSampler::start(server.child.id().expect("pid"));
    let before = server.rss();
    let started = Instant::now();
    let response = upload_file(server, lead, case_id, &big, "upload.bin").await;
    let upload = started.elapsed().as_secs_f64();
    let peak = sampler.stop().await;
    assert_eq!(response.status(), 303, "upload accepted");
    let mib = sizes.upload_bytes as f64 / 1048576.0;
    let rate = |seconds: f64| mib / seconds;
    match openssl {
        Some(floor) => table.add(
            name,
            &format!("upload of {:.0} MiB through the form", mib),
            format!("{:.0} MiB/s", rate(upload)),
            format!("openssl sha256 {:.0} MiB/s", rate(floor)),
            format!("{:.2}", floor / upload),
            "≥ 0.7",
        ),
        None => table.add(
            name,
            "upload",
            format!("{:.0} MiB/s", rate(upload)),
            "openssl missing".into(),
            "—".into(),
            "≥ 0.7",
        ),
    }
    if let Some(floor) = sha256sum {
        table.add(
            name,
            "  same file, against sha256sum",
            format!("{:.0} MiB/s", rate(upload)),
            format!("sha256sum {:.0} MiB/s", rate(floor)),
            format!("{:.2}", floor / upload),
            "—",
        );
    }
    let above = peak.saturating_sub(before.min(idle.max(before)));
    table.add(
        name,
        "server memory during the upload, above idle",
        format!("{:.1} MiB", above as f64 / 1048576.0),
        format!("idle {:.1} MiB", before as f64 / 1048576.0),
        "—".into(),
        "≤ 64 MiB",
    );
    let _ = std::fs::remove_file(&big);
    rate(upload)
}

/// Imports an uploaded exhibit as a WhatsApp export (UTC, day first) through the real form;
/// `mode` is `all` (all or nothing) or `skip`. Returns the import report page.
async fn import_whatsapp(
    server: &Server,
    lead: &reqwest::Client,
    case_id: i64,
    exhibit_id: i64,
    token: &str,
    mode: &str,
) -> String {
    let response = lead
        .post(server.url(&format!("/cases/{case_id}/exhibits/{exhibit_id}/import")))
        .header("origin", &server.origin)
        .form(&[
            ("csrf_token", token),
            ("format", "whatsapp"),
            ("time_zone", "UTC"),
            ("date_order", "day"),
            ("mode", mode),
        ])
        .timeout(Duration::from_secs(3600))
        .send()
        .await
        .expect("import");
    // The import runs as a job: its progress page is looked at until it leads to the result.
    let mut next = response
        .headers()
        .get("location")
        .and_then(|value| value.to_str().ok())
        .expect("the progress page")
        .to_string();
    loop {
        let page = lead.get(server.url(&next)).send().await.expect("progress");
        if page.status().as_u16() != 303 {
            let body = page.text().await.expect("body");
            if !body.contains("http-equiv=\"refresh\"") {
                return body;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
            continue;
        }
        next = page
            .headers()
            .get("location")
            .and_then(|value| value.to_str().ok())
            .expect("the result")
            .to_string();
    }
}

/// Samples a process's resident size every 5 ms until stopped; gives the peak.
struct PeakSampler {
    peak: Arc<AtomicU64>,
    sampling: Arc<AtomicBool>,
    task: tokio::task::JoinHandle<()>,
}

impl PeakSampler {
    fn start(pid: u32) -> PeakSampler {
        let peak = Arc::new(AtomicU64::new(0));
        let sampling = Arc::new(AtomicBool::new(true));
        let task = {
            let peak = peak.clone();
            let sampling = sampling.clone();
            tokio::task::spawn_blocking(move || {
                while sampling.load(Ordering::SeqCst) {
                    peak.fetch_max(rss_of(pid), Ordering::SeqCst);
                    std::thread::sleep(Duration::from_millis(5));
                }
            })
        };
        PeakSampler {
            peak,
            sampling,
            task,
        }
    }

    async fn stop(self) -> u64 {
        self.sampling.store(false, Ordering::SeqCst);
        self.task.await.expect("sampler");
        self.peak.load(Ordering::SeqCst)
    }
}

/// Many sign-ins at once, each from its own loopback address and for an unknown name, as a
/// flood would come: the server's peak memory above its size before, and how many were
/// queued (answered) or refused with 503.
async fn sign_in_flood(server: &Server, sizes: Sizes, name: &str, table: &mut Table) {
    let before = server.rss();
    let sampler = PeakSampler::start(server.child.id().expect("pid"));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for index in 0..sizes.sign_ins {
        let url = server.url("/sign-in");
        let origin = server.origin.clone();
        tasks.push(tokio::spawn(async move {
            let address: std::net::IpAddr = format!("127.1.{}.{}", index / 250, 1 + index % 250)
                .parse()
                .expect("address");
            let client = probity_tests::browser_client()
                .local_address(address)
                .build()
                .expect("client");
            let token = probity_tests::page_token(&client, &url).await;
            client
                .post(&url)
                .header("origin", origin)
                .form(&[
                    ("csrf_token", token.as_str()),
                    ("username", &format!("flood{index}")),
                    ("password", "not the password of anyone"),
                ])
                .send()
                .await
                .map(|response| response.status().as_u16())
                .unwrap_or(0)
        }));
    }
    let mut refused = 0;
    let mut answered = 0;
    for task in tasks {
        match task.await.expect("task") {
            503 => refused += 1,
            422 => answered += 1,
            other => panic!("a sign-in in the flood answered {other}"),
        }
    }
    let wall = started.elapsed();
    let peak = sampler.stop().await;
    table.add(
        name,
        &format!(
            "{} sign-ins at once: memory above the size before",
            sizes.sign_ins
        ),
        format!("{:.1} MiB", peak.saturating_sub(before) as f64 / 1048576.0),
        format!("before {:.1} MiB", before as f64 / 1048576.0),
        format!(
            "{answered} checked, {refused} refused with 503, {:.1} s",
            wall.as_secs_f64()
        ),
        "< 200 MiB",
    );
}

/// A chat export of mostly over-long lines (each far past the 1 MiB a line may have) with a
/// few messages between them: the import reads it through with memory bounded by the limit.
fn huge_lines_export(path: &Path, size: u64) -> usize {
    use std::io::Write as _;
    let file = std::fs::File::create(path).expect("create");
    let mut out = std::io::BufWriter::with_capacity(1 << 20, file);
    let chunk = vec![b'x'; 1 << 20];
    let lines = 3u64;
    let per_line = size / lines;
    let mut messages = 0;
    for line in 0..lines {
        writeln!(out, "21/11/2024, 16:4{line} - Marisol: before line {line}").expect("write");
        messages += 1;
        write!(out, "21/11/2024, 16:4{line} - Agent: ").expect("write");
        let mut written = 0;
        while written < per_line {
            let part = (per_line - written).min(chunk.len() as u64) as usize;
            out.write_all(&chunk[..part]).expect("write");
            written += part as u64;
        }
        writeln!(out).expect("write");
    }
    writeln!(out, "21/11/2024, 16:50 - Marisol: the end").expect("write");
    out.flush().expect("flush");
    messages + 1
}

/// The import of an export with over-long lines: peak memory above the size before.
#[allow(clippy::too_many_arguments)]
async fn huge_import(
    store: &DynStore,
    server: &Server,
    lead: &reqwest::Client,
    case_id: i64,
    investigator: i64,
    sizes: Sizes,
    name: &str,
    table: &mut Table,
    scratch: &Path,
) {
    let chat = scratch.join("huge-lines.txt");
    let expected = huge_lines_export(&chat, sizes.huge_import_bytes);
    let response = upload_file(server, lead, case_id, &chat, "huge-lines.txt").await;
    assert_eq!(response.status(), 303);
    let _ = std::fs::remove_file(&chat);
    let exhibit_id = store
        .exhibits(case_id, investigator)
        .await
        .expect("exhibits")
        .into_iter()
        .map(|e| e.exhibit_id)
        .max()
        .expect("exhibit");
    let token = server
        .token(lead, &format!("/cases/{case_id}/exhibits/{exhibit_id}"))
        .await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let before = server.rss();
    let sampler = PeakSampler::start(server.child.id().expect("pid"));
    let started = Instant::now();
    let body = import_whatsapp(server, lead, case_id, exhibit_id, &token, "skip").await;
    let took = started.elapsed();
    let peak = sampler.stop().await;
    assert!(
        body.contains("longer than 1 MiB"),
        "the over-long lines are reported"
    );
    table.add(
        name,
        &format!(
            "import of a {:.0} MiB export of over-long lines: memory above the size before",
            sizes.huge_import_bytes as f64 / 1048576.0
        ),
        format!("{:.1} MiB", peak.saturating_sub(before) as f64 / 1048576.0),
        format!("before {:.1} MiB", before as f64 / 1048576.0),
        format!("{expected} messages kept, {:.1} s", took.as_secs_f64()),
        "< 128 MiB",
    );
}

/// The import of a large chat export against the parser alone, then search over it.
#[allow(clippy::too_many_arguments)]
async fn messages(
    store: &DynStore,
    db: &TestDatabase,
    server: &Server,
    lead: &reqwest::Client,
    case_id: i64,
    investigator: i64,
    sizes: Sizes,
    name: &str,
    table: &mut Table,
    scratch: &Path,
) {
    // Searches run one after the other, so the floor is `/healthz` one at a time.
    let health = load(
        lead,
        &server.origin,
        &Request::Get(server.url("/healthz")),
        sizes.searches,
        1,
    )
    .await;
    let chat = scratch.join("chat.txt");
    whatsapp_export(&chat, sizes.messages);
    let parse_started = Instant::now();
    let parsed = parse_only(&chat);
    let parse = parse_started.elapsed().as_secs_f64();
    assert_eq!(parsed, sizes.messages, "the parser reads every message");
    let response = upload_file(server, lead, case_id, &chat, "chat.txt").await;
    assert_eq!(response.status(), 303);
    let exhibit_id = store
        .exhibits(case_id, investigator)
        .await
        .expect("exhibits")
        .into_iter()
        .map(|e| e.exhibit_id)
        .max()
        .expect("exhibit");
    let token = server
        .token(lead, &format!("/cases/{case_id}/exhibits/{exhibit_id}"))
        .await;
    let started = Instant::now();
    let body = import_whatsapp(server, lead, case_id, exhibit_id, &token, "all").await;
    let import = started.elapsed().as_secs_f64();
    assert!(body.contains("messages imported"), "import report");
    let imported = format!("{:.0} messages/s", sizes.messages as f64 / import);
    table.add(
        name,
        &format!("import of a {}-message WhatsApp export", sizes.messages),
        imported.clone(),
        format!(
            "parser alone {:.0} messages/s",
            sizes.messages as f64 / parse
        ),
        format!("{:.2}", parse / import),
        "≥ 100,000/s",
    );
    let alone = database_insert(db, case_id, exhibit_id, sizes.messages).await;
    table.add(
        name,
        "  same number of messages, against the database alone",
        imported,
        format!(
            "one INSERT ... SELECT {:.0} messages/s",
            sizes.messages as f64 / alone
        ),
        format!("{:.2}", alone / import),
        "—",
    );
    let _ = std::fs::remove_file(&chat);

    // Full-text search over the imported messages.
    let mut times = Vec::new();
    let token = server
        .token(lead, &format!("/cases/{case_id}/messages"))
        .await;
    let started = Instant::now();
    for n in 0..sizes.searches {
        let word = format!("docket {}", n % 131);
        let begin = Instant::now();
        let response = lead
            .post(server.url(&format!("/cases/{case_id}/messages")))
            .header("origin", &server.origin)
            .form(&[("csrf_token", token.as_str()), ("q", word.as_str())])
            .send()
            .await
            .expect("search");
        assert_eq!(response.status(), 200);
        let _ = response.bytes().await;
        times.push(begin.elapsed());
    }
    let search = Load::from(times, started.elapsed());
    table.add(
        name,
        &format!("message search over {} messages, p95", sizes.messages),
        format!("{:.1} ms", ms(search.p95)),
        format!("/healthz p95 {:.1} ms", ms(health.p95)),
        format!("{:.1}x", ms(search.p95) / ms(health.p95).max(0.001)),
        "< 50 ms",
    );

    // The one search over everything (the large office's cases, exhibits with text and
    // events, and these messages), against the case search alone, one after the other.
    let token = server.token(lead, "/search").await;
    let case_search = post_times(
        server,
        lead,
        "/cases/search",
        &token,
        "contract",
        sizes.searches,
    )
    .await;
    for (words, what) in [
        ("contract", "cases and exhibits' text"),
        ("docket", "messages"),
    ] {
        let everything = post_times(server, lead, "/search", &token, words, sizes.searches).await;
        table.add(
            name,
            &format!(
                "one search, two words matching {what}, over {} cases and {} messages, p95",
                sizes.large_cases, sizes.messages
            ),
            format!("{:.1} ms", ms(everything.p95)),
            format!("case search alone p95 {:.1} ms", ms(case_search.p95)),
            format!(
                "{:.1}x",
                ms(everything.p95) / ms(case_search.p95).max(0.001)
            ),
            "< 100 ms",
        );
    }
}

/// `count` searches posted one after the other, the word followed by a number that changes
/// (so that no answer is the one before it again).
async fn post_times(
    server: &Server,
    client: &reqwest::Client,
    path: &str,
    token: &str,
    word: &str,
    count: usize,
) -> Load {
    let mut times = Vec::new();
    let started = Instant::now();
    for n in 0..count {
        let words = format!("{word} {}", n % 97);
        let begin = Instant::now();
        let response = client
            .post(server.url(path))
            .header("origin", &server.origin)
            .form(&[("csrf_token", token), ("q", words.as_str())])
            .send()
            .await
            .expect("search");
        assert_eq!(response.status(), 200, "{path}");
        let _ = response.bytes().await;
        times.push(begin.elapsed());
    }
    Load::from(times, started.elapsed())
}

/// Seconds the database itself takes to insert `count` messages like the export's (same
/// table, triggers and indexes) in one statement, rolled back afterwards: the floor of any
/// import through the application.
async fn database_insert(db: &TestDatabase, case_id: i64, exhibit_id: i64, count: usize) -> f64 {
    let columns = "insert into messages (case_id, exhibit_id, position, sent_at, sender, recipients, body, source_location)";
    let row = "select $1, $2, 10000000 + n, '2024-01-01T00:00:00Z', \
               case when n % 2 = 0 then 'Alex Example' else 'Sam Sample' end, '', \
               'message ' || n || ' about shipment ' || (n % 977) || ' and docket ' || (n % 131), \
               'line ' || n";
    // The same timing on either pool type (their types differ, so a macro, not a function).
    macro_rules! timed {
        ($pool:ty, $sql:expr) => {{
            let pool = <$pool>::connect(&db.url).await.expect("connect");
            let mut tx = pool.begin().await.expect("begin");
            let started = Instant::now();
            sqlx::query(&$sql)
                .bind(case_id)
                .bind(exhibit_id)
                .bind(count as i64)
                .execute(&mut *tx)
                .await
                .expect("insert");
            let seconds = started.elapsed().as_secs_f64();
            tx.rollback().await.expect("rollback");
            seconds
        }};
    }
    match db.backend {
        Backend::Sqlite => timed!(
            sqlx::SqlitePool,
            format!(
                "with recursive seq(n) as (select 1 union all select n + 1 from seq where n < $3) {columns} {row} from seq"
            )
        ),
        Backend::Postgres => timed!(
            sqlx::PgPool,
            format!("{columns} {row} from generate_series(1, $3::bigint) as n")
        ),
    }
}

/// The resident memory of a process, in bytes (0 once it is gone).
fn rss_of(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find(|line| line.starts_with("VmRSS:"))
        .and_then(|line| line.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<u64>().ok())
        .map(|kb| kb * 1024)
        .unwrap_or(0)
}

/// Messages the WhatsApp parser reads from a file, without storing them.
fn parse_only(path: &Path) -> usize {
    use probity_server::messages::{Format, ReadOptions, read};
    let file = std::io::BufReader::with_capacity(1 << 20, std::fs::File::open(path).expect("open"));
    let options = ReadOptions {
        time_zone: jiff::tz::TimeZone::UTC,
        day_first: Some(true),
        owner: String::new(),
        participants: Vec::new(),
    };
    let mut count = 0usize;
    let mut sink = |_| {
        count += 1;
        true
    };
    read(Format::WhatsApp, file, &options, &mut sink);
    count
}

/// Typesets a report with `events` events and `exhibits` exhibits; returns the seconds.
fn report_render(events: usize, exhibits: usize) -> f64 {
    let model = probity_server::reports::compose::synthetic_model(events, exhibits);
    let started = Instant::now();
    probity_server::reports::pdf::render_blocking(&model, Vec::new()).expect("typeset");
    started.elapsed().as_secs_f64()
}

mod ocr;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let quick = args.iter().any(|arg| arg == "--quick");
    let value = |flag: &str| {
        args.iter()
            .position(|arg| arg == flag)
            .and_then(|at| args.get(at + 1))
            .cloned()
    };
    let sizes = if quick { QUICK } else { FULL };
    let backends = match value("--database").as_deref() {
        Some("sqlite") => vec![Backend::Sqlite],
        Some("postgres") => vec![Backend::Postgres],
        _ => Backend::ALL.to_vec(),
    };
    let binary = PathBuf::from(value("--binary").unwrap_or_else(|| {
        if quick {
            "target/debug/probity".into()
        } else {
            "target/release/probity".into()
        }
    }));
    assert!(
        binary.exists(),
        "build the server first: {} is missing",
        binary.display()
    );
    let json_path = PathBuf::from(value("--json").unwrap_or_else(|| "target/bench.json".into()));
    let scratch =
        std::env::temp_dir().join(format!("probity-bench-{}", probity_tests::random_suffix()));
    std::fs::create_dir_all(&scratch).expect("scratch");

    let parts = Parts::parse(
        value("--only").as_deref(),
        args.iter().any(|arg| arg == "--keep"),
    );
    let mut table = Table { rows: Vec::new() };
    if parts.report {
        report_row(sizes, &mut table);
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    if parts.ocr {
        for (measure, figure, floor, ratio, goal) in runtime.block_on(ocr::run(&scratch, quick)) {
            table.add("—", &measure, figure, floor, ratio, &goal);
        }
    }
    let backends = if parts.pages || parts.upload || parts.messages || parts.signins || parts.huge {
        backends
    } else {
        Vec::new()
    };
    for backend in backends {
        runtime.block_on(run_backend(
            backend, &binary, sizes, parts, &mut table, &scratch,
        ));
    }
    let _ = std::fs::remove_dir_all(&scratch);
    println!("{}", table.markdown());
    std::fs::write(
        &json_path,
        serde_json::to_string_pretty(&table.rows).expect("json"),
    )
    .expect("write json");
    eprintln!("written to {}", json_path.display());
}

/// The report PDF row: a large report against an empty one.
fn report_row(sizes: Sizes, table: &mut Table) {
    let floor = report_render(0, 0);
    let render = report_render(sizes.report_events, sizes.report_exhibits);
    table.add(
        "—",
        &format!(
            "report PDF, {} events and {} exhibits",
            sizes.report_events, sizes.report_exhibits
        ),
        format!("{:.2} s", render),
        format!("empty report {:.2} s", floor),
        format!("{:.1}x", render / floor.max(0.001)),
        "< 1 s",
    );
}
