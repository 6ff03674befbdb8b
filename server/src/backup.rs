//! `probity backup DIR` and `probity restore DIR`: a consistent copy of the database and of
//! the evidence files, with a manifest of SHA-256 sums that `sha256sum -c` checks.
//!
//! The database is copied first, as one snapshot, while the server keeps serving: SQLite's
//! `VACUUM INTO` (a transaction of its own, so the copy is of one moment, WAL included), or
//! `pg_dump` in its custom format (one repeatable-read transaction). Then the evidence files:
//! every file a record refers to once the snapshot is taken, a superset of what the snapshot
//! needs, since a file is stored before any row points at it and is never changed. Files in
//! the data folder are copied (each hashed on the way and refused when its content does not
//! match its name); files in an S3 bucket are listed with their hashes and sizes, the bucket
//! being kept by its own replication and versioning, and restore checks that each is there.
//!
//! A backup folder holds:
//!
//! - `backup.json`: when, which database kind, Probity's version, the counts;
//! - `probity.db` (SQLite) or `probity.pgdump` (PostgreSQL);
//! - `blobs/sha256/ab/cd/<sha256>` (the data folder's layout), or `blobs-in-s3.txt`;
//! - `manifest-sha256.txt`: `<sha256>  <path>` for every other file, last.

use crate::blobs::{BlobStore, valid_name};
use crate::storage::{Backend, DynStore, NewAuditEvent, Outcome};
use anyhow::{Context as _, bail};
use sha2::Digest as _;
use std::path::{Path, PathBuf};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

/// The name of the manifest, checked by `sha256sum -c manifest-sha256.txt` in the folder.
pub const MANIFEST: &str = "manifest-sha256.txt";
const INFO: &str = "backup.json";
const SQLITE_FILE: &str = "probity.db";
const PG_FILE: &str = "probity.pgdump";
const S3_LIST: &str = "blobs-in-s3.txt";

/// What a backup holds, as `backup.json` says.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct BackupInfo {
    pub made_at: String,
    pub database: String,
    pub probity_version: String,
    /// `files` when the evidence files are in the folder, `s3` when they are listed.
    pub blobs: String,
    pub blob_count: usize,
    pub blob_bytes: u64,
}

/// Lower-case hex SHA-256 of a file, read in pieces.
async fn hash_file(path: &Path) -> std::io::Result<String> {
    let mut file = tokio::fs::File::open(path).await?;
    let mut hasher = sha2::Sha256::new();
    let mut buffer = vec![0u8; 1024 * 1024];
    loop {
        let read = file.read(&mut buffer).await?;
        if read == 0 {
            break;
        }
        hasher.update(&buffer[..read]);
    }
    Ok(format!("{:x}", hasher.finalize()))
}

/// The database URL without its password, and the password (for `PGPASSWORD`), so that no
/// password is on a command line other accounts can read.
fn split_password(url: &str) -> (String, Option<String>) {
    match url::Url::parse(url) {
        Ok(mut parsed) => {
            let password = parsed.password().map(percent_decode);
            let _ = parsed.set_password(None);
            (parsed.to_string(), password)
        }
        Err(_) => (url.to_string(), None),
    }
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let escaped = (bytes[index] == b'%')
            .then(|| text.get(index + 1..index + 3))
            .flatten()
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match escaped {
            Some(byte) => {
                out.push(byte);
                index += 3;
            }
            None => {
                out.push(bytes[index]);
                index += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The SQLite file a URL names, when it names one.
pub fn sqlite_path(url: &str) -> Option<PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or(rest);
    (!path.is_empty() && !path.starts_with(':')).then(|| PathBuf::from(path))
}

async fn run_tool(mut command: tokio::process::Command, what: &str) -> anyhow::Result<()> {
    let output = command
        .output()
        .await
        .with_context(|| format!("cannot run {what} (Debian: postgresql-client)"))?;
    if !output.status.success() {
        bail!(
            "{what} failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    Ok(())
}

/// Makes a backup of the database at `url` and the evidence in `blobs` into `dir`, which
/// must be missing or empty.
pub async fn backup(
    url: &str,
    store: &DynStore,
    blobs: &dyn BlobStore,
    dir: &Path,
    mut progress: impl FnMut(&str),
) -> anyhow::Result<BackupInfo> {
    if dir.exists()
        && std::fs::read_dir(dir)
            .with_context(|| format!("cannot read {}", dir.display()))?
            .next()
            .is_some()
    {
        bail!(
            "{} is not empty: a backup goes into a new folder",
            dir.display()
        );
    }
    crate::private_folder(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let backend = Backend::from_url(url).context("not a database URL")?;
    // Entered before the snapshot, so that the backup holds the record of its own making.
    store
        .append_audit(
            NewAuditEvent::named("cli", "system.backup", Outcome::Success)
                .target(format!("folder:{}", dir.display())),
        )
        .await?;
    progress("database");
    match backend {
        Backend::Sqlite => {
            use sqlx::Connection as _;
            let target = dir.join(SQLITE_FILE);
            let mut connection = sqlx::SqliteConnection::connect(url)
                .await
                .context("cannot open the SQLite database")?;
            sqlx::query("vacuum into $1")
                .bind(target.to_string_lossy().as_ref())
                .execute(&mut connection)
                .await
                .context("the SQLite snapshot (VACUUM INTO) failed")?;
            connection.close().await?;
        }
        Backend::Postgres => {
            let (url, password) = split_password(url);
            let mut command = tokio::process::Command::new("pg_dump");
            command
                .arg("--format=custom")
                .arg("--no-owner")
                .arg("--no-privileges")
                .arg("--file")
                .arg(dir.join(PG_FILE))
                .arg("--dbname")
                .arg(&url);
            if let Some(password) = password {
                command.env("PGPASSWORD", password);
            }
            run_tool(command, "pg_dump").await?;
        }
    }
    progress("evidence files");
    let mut names: Vec<String> = store.referenced_blobs().await?.into_iter().collect();
    names.sort();
    let mut info = BackupInfo {
        made_at: time::OffsetDateTime::now_utc()
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default(),
        database: backend.to_string(),
        probity_version: env!("CARGO_PKG_VERSION").to_string(),
        blobs: if blobs.reads_are_local() {
            "files"
        } else {
            "s3"
        }
        .to_string(),
        blob_count: 0,
        blob_bytes: 0,
    };
    let mut manifest: Vec<(String, String)> = Vec::new();
    if blobs.reads_are_local() {
        for name in &names {
            let relative = format!("blobs/sha256/{}/{}/{name}", &name[0..2], &name[2..4]);
            let target = dir.join(&relative);
            if let Some(parent) = target.parent() {
                tokio::fs::create_dir_all(parent).await?;
            }
            let size = copy_checked(blobs, name, &target).await?;
            info.blob_count += 1;
            info.blob_bytes += size;
            manifest.push((name.clone(), relative));
        }
    } else {
        let stored: std::collections::HashMap<String, u64> = match blobs.sizes().await? {
            Some(sizes) => sizes.into_iter().collect(),
            None => bail!("this blob store cannot list its files"),
        };
        let mut lines = String::new();
        for name in &names {
            let size = *stored.get(name).with_context(|| {
                format!("the file {name} a record refers to is not in the store")
            })?;
            lines.push_str(&format!("{name}  {size}\n"));
            info.blob_count += 1;
            info.blob_bytes += size;
        }
        tokio::fs::write(dir.join(S3_LIST), lines).await?;
    }
    tokio::fs::write(dir.join(INFO), serde_json::to_string_pretty(&info)?).await?;
    progress("manifest");
    for file in [INFO, SQLITE_FILE, PG_FILE, S3_LIST] {
        let path = dir.join(file);
        if path.exists() {
            manifest.push((hash_file(&path).await?, file.to_string()));
        }
    }
    manifest.sort_by(|a, b| a.1.cmp(&b.1));
    let text: String = manifest
        .iter()
        .map(|(hash, path)| format!("{hash}  {path}\n"))
        .collect();
    let mut file = tokio::fs::File::create(dir.join(MANIFEST)).await?;
    file.write_all(text.as_bytes()).await?;
    file.sync_all().await?;
    Ok(info)
}

/// Copies a blob to a file, hashing it on the way; refuses one whose content changed.
async fn copy_checked(blobs: &dyn BlobStore, name: &str, target: &Path) -> anyhow::Result<u64> {
    let mut source = blobs
        .open(name)
        .await
        .with_context(|| format!("the file {name} a record refers to cannot be read"))?;
    let mut file = tokio::fs::File::create(target).await?;
    let mut hasher = sha2::Sha256::new();
    let mut buffer = vec![0u8; 1024 * 1024];
    let mut size = 0u64;
    loop {
        let read = source.read(&mut buffer).await?;
        if read == 0 {
            break;
        }
        hasher.update(&buffer[..read]);
        file.write_all(&buffer[..read]).await?;
        size += read as u64;
    }
    file.sync_all().await?;
    let found = format!("{:x}", hasher.finalize());
    if found != name {
        bail!("the stored file {name} changed (it now hashes to {found}); run probity verify");
    }
    Ok(size)
}

/// Checks every line of a backup's manifest; returns the lines that fail.
pub async fn check_manifest(dir: &Path) -> anyhow::Result<Vec<String>> {
    let text = tokio::fs::read_to_string(dir.join(MANIFEST))
        .await
        .with_context(|| format!("{} has no {MANIFEST}: not a Probity backup", dir.display()))?;
    let mut problems = Vec::new();
    for line in text.lines().filter(|line| !line.is_empty()) {
        let Some((hash, path)) = line.split_once("  ") else {
            problems.push(format!("unreadable manifest line: {line}"));
            continue;
        };
        // Only plain relative paths inside the folder.
        if path.starts_with('/') || path.split('/').any(|part| part == ".." || part.is_empty()) {
            problems.push(format!("{path}: not a path inside the backup"));
            continue;
        }
        match hash_file(&dir.join(path)).await {
            Ok(found) if found == hash => {}
            Ok(found) => problems.push(format!("{path}: expected {hash}, found {found}")),
            Err(error) => problems.push(format!("{path}: {error}")),
        }
    }
    Ok(problems)
}

/// Restores a backup into the (empty) database at `url` and the blob store `blobs`, after
/// checking every hash of its manifest. The caller runs the integrity check afterwards.
pub async fn restore(
    dir: &Path,
    url: &str,
    blobs: &dyn BlobStore,
    mut progress: impl FnMut(&str),
) -> anyhow::Result<BackupInfo> {
    progress("checking the manifest");
    let problems = check_manifest(dir).await?;
    if !problems.is_empty() {
        bail!(
            "the backup is damaged; nothing was restored:\n  {}",
            problems.join("\n  ")
        );
    }
    let info: BackupInfo = serde_json::from_str(
        &tokio::fs::read_to_string(dir.join(INFO))
            .await
            .context("the backup has no backup.json")?,
    )
    .context("backup.json is unreadable")?;
    // Every file the backup must hold is in the manifest (a cut or edited manifest is
    // refused, not trusted for what it still lists).
    let listed = tokio::fs::read_to_string(dir.join(MANIFEST)).await?;
    let paths: Vec<&str> = listed
        .lines()
        .filter_map(|line| line.split_once("  ").map(|(_, path)| path))
        .collect();
    let database_file = if info.database == "sqlite" {
        SQLITE_FILE
    } else {
        PG_FILE
    };
    let mut required = vec![INFO, database_file];
    if info.blobs != "files" {
        required.push(S3_LIST);
    }
    for file in required {
        if !paths.contains(&file) {
            bail!("the backup's manifest does not list {file}; nothing was restored");
        }
    }
    let blob_lines = paths
        .iter()
        .filter(|path| path.starts_with("blobs/"))
        .count();
    if info.blobs == "files" && blob_lines != info.blob_count {
        bail!(
            "the backup's manifest lists {blob_lines} evidence files, backup.json {}; nothing was restored",
            info.blob_count
        );
    }
    let backend = Backend::from_url(url).context("not a database URL")?;
    if info.database != backend.to_string() {
        bail!(
            "this is a {} backup; restore it into a {} database",
            info.database,
            info.database
        );
    }
    // The files first: they are content-addressed, so copying them again is harmless, and a
    // restore that fails here leaves the database empty to try again.
    progress("evidence files");
    if info.blobs == "files" {
        let listed = tokio::fs::read_to_string(dir.join(MANIFEST)).await?;
        for line in listed.lines() {
            let Some((hash, path)) = line.split_once("  ") else {
                continue;
            };
            if !path.starts_with("blobs/") {
                continue;
            }
            if blobs.contains(hash).await? {
                continue;
            }
            let source = tokio::fs::File::open(dir.join(path)).await?;
            let stored = crate::blobs::store_from(blobs, source).await?;
            if stored.sha256 != hash {
                bail!("{path} changed while it was restored");
            }
        }
    } else {
        let listed = tokio::fs::read_to_string(dir.join(S3_LIST)).await?;
        let mut missing = Vec::new();
        for name in listed
            .lines()
            .filter_map(|line| line.split_whitespace().next())
            .filter(|name| valid_name(name))
        {
            if !blobs.contains(name).await? {
                missing.push(name.to_string());
            }
        }
        if !missing.is_empty() {
            bail!(
                "nothing was restored: {} files the backup lists are not in the blob store (give --blob-store the bucket the backup was made from):\n  {}",
                missing.len(),
                missing.join("\n  ")
            );
        }
    }
    progress("database");
    match backend {
        Backend::Sqlite => {
            let target = sqlite_path(url).context("restore needs a SQLite file, not memory")?;
            let occupied = std::fs::metadata(&target)
                .map(|meta| meta.len() > 0)
                .unwrap_or(false);
            let journal = ["-wal", "-shm", "-journal"].iter().any(|suffix| {
                let mut name = target.as_os_str().to_owned();
                name.push(suffix);
                std::path::Path::new(&name).exists()
            });
            if occupied || journal {
                bail!(
                    "{} already holds a database: restore into an empty data folder",
                    target.display()
                );
            }
            if let Some(parent) = target.parent().filter(|p| !p.as_os_str().is_empty()) {
                crate::private_folder(parent)?;
            }
            let partial = target.with_extension("restoring");
            tokio::fs::copy(dir.join(SQLITE_FILE), &partial).await?;
            tokio::fs::File::open(&partial).await?.sync_all().await?;
            tokio::fs::rename(&partial, &target).await?;
        }
        Backend::Postgres => {
            use sqlx::Connection as _;
            let mut connection = sqlx::PgConnection::connect(url)
                .await
                .context("cannot connect to PostgreSQL")?;
            let tables: i64 = sqlx::query_scalar(
                "select count(*) from pg_tables where schemaname = current_schema()",
            )
            .fetch_one(&mut connection)
            .await?;
            connection.close().await?;
            if tables > 0 {
                bail!("the database already has tables: restore into an empty database");
            }
            let (url, password) = split_password(url);
            let mut command = tokio::process::Command::new("pg_restore");
            command
                .arg("--no-owner")
                .arg("--no-privileges")
                .arg("--exit-on-error")
                .arg("--single-transaction")
                .arg("--dbname")
                .arg(&url)
                .arg(dir.join(PG_FILE));
            if let Some(password) = password {
                command.env("PGPASSWORD", password);
            }
            run_tool(command, "pg_restore").await?;
        }
    }
    Ok(info)
}
