//! The `probity` server: settings, storage, authentication and the web application.
//!
//! [`run`] is what the binary calls; [`start`] starts the server on an already-parsed
//! configuration and is what the tests use to spawn the real application on a free port.

#![forbid(unsafe_code)]

pub mod accounts;
pub mod audit_copy;
pub mod auth;
pub mod backup;
pub mod blobs;
pub mod cli;
pub mod config;
pub mod demo;
pub mod evidence;
pub mod http;
pub mod jobs;
pub mod messages;
pub mod node_lock;
pub mod office;
pub mod reports;
pub mod storage;
pub mod timeline;

use crate::config::{Cli, Command, LogFormat, Settings};
use crate::http::AppState;
use crate::storage::Database;
use anyhow::Context as _;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// Runs the command line.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    init_tracing(cli.settings.log_format);
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => {
            let server = start(cli.settings).await?;
            let shutdown = server.shutdown;
            tokio::spawn(async move {
                shutdown_signal().await;
                tracing::info!("shutting down: finishing requests in flight");
                let _ = shutdown.send(());
            });
            server.task.await.context("server task failed")??;
            tracing::info!("stopped");
            Ok(())
        }
        Command::Migrate => {
            let db = open_database(&cli.settings).await?;
            db.store.migrate().await?;
            println!("migrations applied ({})", db.store.backend());
            Ok(())
        }
        Command::User(command) => {
            let db = open_database(&cli.settings).await?;
            db.store.migrate().await?;
            cli::user(&db.store, command).await
        }
        Command::Verify {
            checkpoint,
            against,
        } => {
            let key = match (&cli.settings.checkpoint_key, checkpoint) {
                (Some(path), _) => Some(office::checkpoints::load_or_create_key(path)?),
                (None, true) => anyhow::bail!(
                    "--checkpoint needs --checkpoint-key: the path of the signing key, kept outside the database and its backups (created when missing)"
                ),
                (None, false) => None,
            };
            let earlier = against
                .as_ref()
                .map(|path| {
                    std::fs::read_to_string(path)
                        .with_context(|| format!("cannot read {}", path.display()))
                        .and_then(|text| Ok(office::checkpoints::parse(&text)?))
                })
                .transpose()?;
            let db = open_database(&cli.settings).await?;
            db.store.migrate().await?;
            let blobs = open_blobs(&cli.settings).await?;
            let report = office::integrity::check_and_record(&db.store, blobs.as_ref())
                .await
                .context("the integrity check could not run")?;
            let mut text = report.text();
            let mut problems = report.problems();
            if let Some(earlier) = &earlier {
                let trusted = key.as_ref().map(|key| key.verifying_key());
                let found =
                    office::checkpoints::check_against(&db.store, earlier, trusted.as_ref())
                        .await?;
                text.push_str(&format!(
                    "checkpoint of {}: {}\n",
                    earlier.made_at,
                    if found.is_empty() {
                        "every entry it names is unchanged".to_string()
                    } else {
                        format!("{} problems", found.len())
                    }
                ));
                for line in &found {
                    text.push_str(&format!("  {line}\n"));
                }
                problems += found.len() as i64;
            }
            if checkpoint {
                eprint!("{text}");
            } else {
                print!("{text}");
            }
            if problems > 0 {
                anyhow::bail!("the integrity check found {problems} problems");
            }
            if let (true, Some(key)) = (checkpoint, &key) {
                let signed = office::checkpoints::make(&db.store, key).await?;
                println!("{}", serde_json::to_string_pretty(&signed)?);
            }
            Ok(())
        }
        Command::Blobs(config::BlobsCommand::Migrate { to }) => {
            let from = open_blobs(&cli.settings).await?;
            let target =
                blobs::open_store(Some(&to), &cli.settings.data_dir, &cli.settings.s3()).await?;
            let db = open_database(&cli.settings).await?;
            db.store.migrate().await?;
            let copied =
                blobs::migrate(from.as_ref(), target.as_ref(), &db.store, |done, total| {
                    eprint!("\r{done} of {total} files");
                })
                .await?;
            eprintln!();
            println!(
                "{} files copied, {} already there and checked; start Probity with --blob-store {to}",
                copied.copied, copied.present
            );
            Ok(())
        }
        Command::Backup { dir } => {
            let db = open_database(&cli.settings).await?;
            db.store.migrate().await?;
            let blobs = open_blobs(&cli.settings).await?;
            let url = cli.settings.effective_database_url();
            let info = backup::backup(&url, &db.store, blobs.as_ref(), &dir, |step| {
                eprintln!("backing up: {step}");
            })
            .await?;
            println!(
                "backup of the {} database made in {}: {} evidence files ({} bytes) {}; check it with: cd {} && sha256sum -c {}",
                info.database,
                dir.display(),
                info.blob_count,
                info.blob_bytes,
                if info.blobs == "files" {
                    "copied"
                } else {
                    "listed (they stay in the bucket)"
                },
                dir.display(),
                backup::MANIFEST
            );
            Ok(())
        }
        Command::Restore { dir } => {
            private_folder(&cli.settings.data_dir).with_context(|| {
                format!(
                    "cannot create the data folder {}",
                    cli.settings.data_dir.display()
                )
            })?;
            let blobs = open_blobs(&cli.settings).await?;
            let url = cli.settings.effective_database_url();
            let info = backup::restore(&dir, &url, blobs.as_ref(), |step| {
                eprintln!("restoring: {step}");
            })
            .await?;
            let db = open_database(&cli.settings).await?;
            db.store.migrate().await?;
            db.store
                .append_audit(
                    storage::NewAuditEvent::named(
                        "cli",
                        "system.restore",
                        storage::Outcome::Success,
                    )
                    .target(format!("backup:{}", info.made_at)),
                )
                .await?;
            let report = office::integrity::check_and_record(&db.store, blobs.as_ref())
                .await
                .context("the integrity check could not run")?;
            print!("{}", report.text());
            if report.problems() > 0 {
                anyhow::bail!(
                    "restored, but the integrity check found {} problems",
                    report.problems()
                );
            }
            println!(
                "restored the backup of {} ({} evidence files); the integrity check passed",
                info.made_at, info.blob_count
            );
            Ok(())
        }
        Command::Demo { password } => {
            let db = open_database(&cli.settings).await?;
            db.store.migrate().await?;
            let blobs = open_blobs(&cli.settings).await?;
            demo::load(
                &db.store,
                &blobs,
                &password,
                &cli.settings.case_number_prefix,
                &cli.settings.office_name,
            )
            .await
        }
    }
}

fn init_tracing(format: LogFormat) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_sessions=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    // `try_init`: tests start several servers in one process.
    let _ = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().try_init(),
    };
}

/// Resolves on SIGTERM or Ctrl-C.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::error!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}

/// Creates the data folder and opens the configured database.
pub async fn open_database(settings: &Settings) -> anyhow::Result<Database> {
    private_folder(&settings.data_dir).with_context(|| {
        format!(
            "cannot create the data folder {}",
            settings.data_dir.display()
        )
    })?;
    // The evidence blob store lives here; created now so that a misconfigured folder shows at
    // start, not at the first upload.
    std::fs::create_dir_all(settings.data_dir.join("blobs"))
        .with_context(|| format!("cannot create {}/blobs", settings.data_dir.display()))?;
    let url = settings.effective_database_url();
    // SQLite gives its journal files the permissions of the database file, so a database
    // created 0600 keeps every file of it private.
    if let Some(path) = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .map(|rest| std::path::Path::new(rest.split('?').next().unwrap_or(rest)))
        .filter(|path| {
            let name = path.to_string_lossy();
            !name.is_empty()
                && !name.starts_with(':')
                && !url.contains("mode=memory")
                && !path.exists()
        })
    {
        write_private(path, b"").with_context(|| format!("cannot create {}", path.display()))?;
    }
    storage::connect(&url).await.with_context(|| {
        format!(
            "cannot open the database {}",
            config::redact_url_password(&url)
        )
    })
}

/// Opens the configured blob store (files under the data folder, or `--blob-store`).
pub async fn open_blobs(settings: &Settings) -> anyhow::Result<Arc<dyn blobs::BlobStore>> {
    blobs::open_store(
        settings.blob_store.as_deref(),
        &settings.data_dir,
        &settings.s3(),
    )
    .await
}

/// A running server.
pub struct RunningServer {
    /// Where it listens (the real port when 0 was asked for).
    pub addr: SocketAddr,
    /// Send to stop accepting and finish requests in flight.
    pub shutdown: oneshot::Sender<()>,
    /// Ends when the server has stopped.
    pub task: JoinHandle<anyhow::Result<()>>,
    /// The token the first-run setup page asks for.
    pub setup_token: String,
}

/// Creates a folder (and its parents) that only the server's account may enter, and makes an
/// existing one so.
fn private_folder(path: &std::path::Path) -> std::io::Result<()> {
    use std::os::unix::fs::{DirBuilderExt as _, PermissionsExt as _};
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(path)?;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o700))
}

/// Writes a file only its owner may read.
fn write_private(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write as _;
    use std::os::unix::fs::OpenOptionsExt as _;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(bytes)
}

/// Opens the database, migrates it, binds the listener and serves in a background task.
pub async fn start(settings: Settings) -> anyhow::Result<RunningServer> {
    let patterns = settings.personal_patterns().map_err(anyhow::Error::msg)?;
    let copy_to = settings
        .audit_copy
        .as_deref()
        .map(audit_copy::Target::parse)
        .transpose()
        .map_err(anyhow::Error::msg)?;
    // SQLite serves one node: a second server on the same file stops here, before it
    // migrates or touches anything.
    let node_lock = match storage::Backend::from_url(&settings.effective_database_url()) {
        Some(storage::Backend::Sqlite) => {
            node_lock::lock_sqlite(&settings.effective_database_url())?
        }
        _ => None,
    };
    let db = open_database(&settings).await?;
    db.store
        .migrate()
        .await
        .context("cannot migrate the database")?;
    if let Some(target) = copy_to {
        db.store.set_audit_copy(audit_copy::start(target));
    }
    if settings.disable_unused_days > 0 {
        let days = settings.disable_unused_days;
        office::people::disable_unused(&db.store, days)
            .await
            .context("cannot check for unused accounts")?;
        let store = db.store.clone();
        tokio::spawn(async move {
            let day = std::time::Duration::from_secs(24 * 3600);
            loop {
                tokio::time::sleep(day).await;
                if let Err(error) = office::people::disable_unused(&store, days).await {
                    tracing::error!(%error, "the check for unused accounts could not run");
                }
            }
        });
    }
    let listener = TcpListener::bind(settings.listen)
        .await
        .with_context(|| format!("cannot listen on {}", settings.listen))?;
    let addr = listener.local_addr()?;
    let settings = Arc::new(Settings {
        // With port 0 the public URL must name the port actually bound.
        public_url: settings
            .public_url
            .clone()
            .or_else(|| url::Url::parse(&format!("http://{addr}/")).ok()),
        ..settings
    });
    let token_file = settings.data_dir.join("setup-token");
    let setup = if db.store.count_users().await? == 0 {
        // Every node of the office asks for the same token: the first to start stores it.
        let token = db
            .store
            .setup_token(&auth::random_token())
            .await
            .context("cannot store the setup token")?;
        Arc::new(http::setup::SetupGate::with_token(token))
    } else {
        db.store.clear_setup_token().await?;
        Arc::new(http::setup::SetupGate::new())
    };
    if !setup.is_done(&*db.store).await? {
        tracing::warn!(
            setup_token = setup.token(),
            "no account exists yet: open /setup and type this setup token (also in {})",
            token_file.display()
        );
        write_private(&token_file, setup.token().as_bytes())
            .with_context(|| format!("cannot write {}", token_file.display()))?;
    } else {
        let _ = std::fs::remove_file(&token_file);
    }
    let setup_token = setup.token().to_string();
    let blobs = open_blobs(&settings).await?;
    // Only a server cleans up: a command run beside it must not take its uploads under way.
    let removed = blobs.clean_temporary().await?;
    if removed > 0 {
        tracing::warn!(
            removed,
            "removed partial uploads left by an interrupted run"
        );
    }
    let orphans = blobs::remove_unreferenced(blobs.as_ref(), &db.store).await?;
    tracing::info!(
        removed = orphans,
        "removed stored files no record refers to, stored over a day ago"
    );
    // An import killed mid-way leaves staged rows nobody will move; a day is far longer
    // than any import, so another server's running import is never taken.
    let abandoned = db
        .store
        .abandon_stale_imports(time::OffsetDateTime::now_utc() - time::Duration::days(1))
        .await?;
    if abandoned > 0 {
        tracing::info!(
            abandoned,
            "removed the staged rows of imports that never finished"
        );
    }
    let jobs = jobs::JobQueue::new(db.store.clone());
    let ocr = evidence::ocr::OcrQueue::new(jobs.clone()).await;
    let resubmitted = db.store.resubmit_pending_text().await?;
    if resubmitted > 0 {
        tracing::info!(
            resubmitted,
            "submitted text extraction for exhibits left without a job"
        );
    }
    jobs::start(
        jobs::Workshop {
            store: db.store.clone(),
            blobs: blobs.clone(),
            ocr: ocr.clone(),
            office_name: settings.office_name.clone(),
            patterns: patterns.clone(),
        },
        &jobs,
        std::thread::available_parallelism().map_or(2, |cores| cores.get()),
    );
    if settings.integrity_check_hours > 0 {
        let (store, blobs) = (db.store.clone(), blobs.clone());
        let every =
            std::time::Duration::from_secs(u64::from(settings.integrity_check_hours) * 3600);
        tokio::spawn(async move {
            // A minute after start, so that start-up work and first requests come first.
            tokio::time::sleep(std::time::Duration::from_secs(60)).await;
            loop {
                if let Err(error) =
                    office::integrity::check_and_record(&store, blobs.as_ref()).await
                {
                    tracing::error!(%error, "the integrity check could not run");
                }
                tokio::time::sleep(every).await;
            }
        });
    }
    let state = AppState {
        blobs,
        ocr,
        jobs,
        patterns,
        hosts: http::security::AllowedHosts::new(&settings.effective_public_url(), addr),
        hashing: Arc::new(auth::password::HashGate::for_this_machine()),
        api_limits: Arc::new(http::api::limits::RateLimiter::new(settings.api_rate_limit)),
        front_door: Arc::new(http::complaints::FrontDoor::new(&settings)),
        store: db.store.clone(),
        public_url: Arc::new(settings.effective_public_url()),
        webauthn: office::passkeys::relying_party(
            &settings.effective_public_url(),
            &settings.office_name,
        )
        .map(Arc::new),
        settings: settings.clone(),
        setup,
    };
    let app = http::router(state, &db.sessions);
    let cleanup = db.sessions.spawn_cleanup();
    let (shutdown, stop) = oneshot::channel::<()>();
    tracing::info!(
        %addr,
        database = db.store.backend(),
        public_url = %settings.effective_public_url(),
        "probity is listening"
    );
    let task = tokio::spawn(async move {
        // Held while the server serves, released when it stops.
        let _node_lock = node_lock;
        let result = axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async {
            let _ = stop.await;
        })
        .await;
        cleanup.abort();
        result.map_err(anyhow::Error::from)
    });
    Ok(RunningServer {
        addr,
        shutdown,
        task,
        setup_token,
    })
}
