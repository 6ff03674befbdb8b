//! The single-node lock of an SQLite database. SQLite serves one app node: a second
//! `probity serve` on the same database file would share neither its sign-in pauses, rate
//! limits nor job leases, so it refuses to start. The lock is an exclusive advisory lock
//! (`flock` on Unix, `LockFileEx` on Windows) on `<database>.lock` beside the database, held
//! for as long as the server runs and released by the operating system when the process ends
//! however it ends, so a killed server leaves no stale lock behind. PostgreSQL takes no lock:
//! several nodes on one PostgreSQL database are the way to scale out.

use anyhow::Context as _;
use std::io::{Read as _, Seek as _, Write as _};
use std::path::{Path, PathBuf};

/// A held lock; dropping it releases it.
#[derive(Debug)]
pub struct NodeLock {
    _file: std::fs::File,
    path: PathBuf,
}

impl NodeLock {
    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// The database file an SQLite URL names, or `None` for an in-memory database.
fn sqlite_file(url: &str) -> anyhow::Result<Option<PathBuf>> {
    use std::str::FromStr as _;
    if url.contains(":memory:") || url.contains("mode=memory") {
        return Ok(None);
    }
    let options = sqlx::sqlite::SqliteConnectOptions::from_str(url)
        .with_context(|| "the SQLite database URL cannot be read")?;
    let file = options.get_filename();
    // sqlx names an in-memory database `file:sqlx-in-memory-<n>`; it has no file to lock.
    if file.as_os_str().is_empty() || file.to_string_lossy().starts_with("file:sqlx-in-memory") {
        return Ok(None);
    }
    Ok(Some(file.to_path_buf()))
}

/// Takes the lock of the SQLite database at `url`; an error names the lock file and the
/// process holding it when another server has it. `None` for an in-memory database.
pub fn lock_sqlite(url: &str) -> anyhow::Result<Option<NodeLock>> {
    let Some(database) = sqlite_file(url)? else {
        return Ok(None);
    };
    let mut name = database.as_os_str().to_owned();
    name.push(".lock");
    let path = PathBuf::from(name);
    // The first start creates the data folder here (its permissions are set when the
    // database is opened).
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
    }
    let mut file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .with_context(|| format!("cannot open the lock file {}", path.display()))?;
    match file.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => {
            let mut holder = String::new();
            let _ = file.read_to_string(&mut holder);
            let holder = holder.trim();
            anyhow::bail!(
                "another Probity server is already using the database {} (its lock {} is held{}). \
                 SQLite serves one node only; to run several nodes, use PostgreSQL (--database-url postgres://...)",
                database.display(),
                path.display(),
                if holder.is_empty() {
                    String::new()
                } else {
                    format!(" by {holder}")
                }
            );
        }
        Err(std::fs::TryLockError::Error(error)) => {
            return Err(error).with_context(|| format!("cannot lock {}", path.display()));
        }
    }
    // Who holds it, for the message a second server prints; informational only.
    file.set_len(0)?;
    file.rewind()?;
    writeln!(file, "process {}", std::process::id())?;
    file.flush()?;
    Ok(Some(NodeLock { _file: file, path }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_on_the_same_database_is_refused_until_the_first_is_released() {
        let dir = std::env::temp_dir().join(format!("probity-lock-{}", std::process::id()));
        let url = format!("sqlite://{}", dir.join("probity.db").display());
        let first = lock_sqlite(&url).expect("first").expect("a file");
        assert!(first.path().ends_with("probity.db.lock"));
        let second = lock_sqlite(&url).expect_err("refused");
        let message = second.to_string();
        assert!(message.contains("already using the database"), "{message}");
        assert!(
            message.contains(&format!("process {}", std::process::id())),
            "{message}"
        );
        drop(first);
        assert!(lock_sqlite(&url).expect("again").is_some());
        assert!(lock_sqlite("sqlite::memory:").expect("memory").is_none());
        assert!(lock_sqlite("sqlite:").expect("memory").is_none());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
