//! The blob store: evidence files, content-addressed by SHA-256 and written once.
//!
//! A writer streams a file in while hashing it; [`BlobWriter::finish`] makes it durable
//! (fsync, then rename into place) before anything in the database may point at it. The same
//! content is stored once. Reading is a stream ([`BlobStore::open`]); tools that need a file
//! get a [`LocalCopy`], so no caller depends on blobs being files. [`fs::FsBlobStore`] keeps
//! blobs in the data folder and lends its own files; an object store implements the same
//! interface.

pub mod fs;
pub mod s3;

use async_trait::async_trait;
use std::path::PathBuf;
use std::pin::Pin;
use tokio::io::AsyncRead;

/// Errors of the blob store.
#[derive(Debug, thiserror::Error)]
pub enum BlobError {
    /// The file is larger than the upload limit.
    #[error("the file is larger than {limit} bytes")]
    TooLarge { limit: u64 },
    /// The file is empty.
    #[error("the file is empty")]
    Empty,
    /// No blob has this hash.
    #[error("no such blob")]
    Missing,
    /// The name is not a SHA-256 in hex.
    #[error("not a blob name")]
    BadName,
    /// Reading or writing failed.
    #[error("blob store input/output: {0}")]
    Io(#[from] std::io::Error),
}

/// A blob made durable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredBlob {
    /// Lower-case hex SHA-256 of the content.
    pub sha256: String,
    pub size: u64,
    /// The first bytes, for detecting the type from the content.
    pub head: Vec<u8>,
}

/// A blob being written.
#[async_trait]
pub trait BlobWriter: Send {
    /// Appends a chunk; fails once the limit is passed (nothing is kept then).
    async fn write(&mut self, chunk: bytes::Bytes) -> Result<(), BlobError>;
    /// Makes the blob durable and returns its hash.
    async fn finish(self: Box<Self>) -> Result<StoredBlob, BlobError>;
    /// Throws the partial blob away.
    async fn abort(self: Box<Self>);
}

/// A readable blob.
pub type BlobReader = Pin<Box<dyn AsyncRead + Send>>;

/// A blob as a local file ([`BlobStore::local_copy`]): the store's own file, or a temporary
/// copy that is removed when this is dropped.
#[derive(Debug)]
pub struct LocalCopy {
    path: PathBuf,
    temporary: bool,
}

impl LocalCopy {
    /// A store's own file, lent as it is.
    pub fn lent(path: PathBuf) -> LocalCopy {
        LocalCopy {
            path,
            temporary: false,
        }
    }

    /// A fresh file name in the temporary folder, `prefix`, 96 random bits, `suffix`; the
    /// file (once written) is removed when this is dropped.
    pub fn temporary(prefix: &str, suffix: &str) -> std::io::Result<LocalCopy> {
        let mut name = [0u8; 12];
        getrandom::fill(&mut name).map_err(|error| std::io::Error::other(error.to_string()))?;
        let name: String = name.iter().map(|byte| format!("{byte:02x}")).collect();
        Ok(LocalCopy {
            path: std::env::temp_dir().join(format!("{prefix}{name}{suffix}")),
            temporary: true,
        })
    }

    /// Where the content is.
    pub fn path(&self) -> &std::path::Path {
        &self.path
    }
}

impl Drop for LocalCopy {
    fn drop(&mut self) {
        if self.temporary {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// Where evidence content lives.
#[async_trait]
pub trait BlobStore: Send + Sync {
    /// Starts writing a blob of at most `limit` bytes.
    async fn writer(&self, limit: u64) -> Result<Box<dyn BlobWriter>, BlobError>;
    /// Stores a small blob from memory (thumbnails, generated files).
    async fn put_bytes(&self, bytes: &[u8]) -> Result<StoredBlob, BlobError> {
        let mut writer = self.writer(bytes.len().max(1) as u64).await?;
        writer.write(bytes::Bytes::copy_from_slice(bytes)).await?;
        writer.finish().await
    }
    /// Opens a blob for reading.
    async fn open(&self, sha256: &str) -> Result<BlobReader, BlobError>;
    /// The blob as a file on this machine, for tools that read files (the text engine, the
    /// EXIF reader, the log parsers). The default copies the stream into a temporary file,
    /// removed when the copy is dropped; a store that keeps its blobs on disk lends its own
    /// file instead.
    async fn local_copy(&self, sha256: &str) -> Result<LocalCopy, BlobError> {
        use tokio::io::AsyncWriteExt as _;
        let mut source = self.open(sha256).await?;
        let copy = LocalCopy::temporary("probity-blob-", "")?;
        // Evidence, even a temporary copy, is readable by the server's own account only.
        let mut file = tokio::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&copy.path)
            .await?;
        tokio::io::copy(&mut source, &mut file).await?;
        file.flush().await?;
        Ok(copy)
    }
    /// Removes what interrupted writes left behind; returns how many files.
    async fn clean_temporary(&self) -> Result<usize, BlobError>;
    /// The blobs stored at least `age` ago.
    async fn older_than(&self, age: std::time::Duration) -> Result<Vec<String>, BlobError>;
    /// Removes a blob (one no row refers to); removing a missing blob is no error.
    async fn remove(&self, sha256: &str) -> Result<(), BlobError>;
    /// Every stored blob's name and size, for a store whose files a backup lists rather
    /// than copies; `None` for one that does not list.
    async fn sizes(&self) -> Result<Option<Vec<(String, u64)>>, BlobError> {
        Ok(None)
    }
    /// Whether a blob is stored.
    async fn contains(&self, sha256: &str) -> Result<bool, BlobError> {
        match self.open(sha256).await {
            Ok(_) => Ok(true),
            Err(BlobError::Missing) => Ok(false),
            Err(error) => Err(error),
        }
    }
    /// Whether reading a blob costs only this machine's disk. Such a store's downloads are
    /// hashed whole before they start, so that a changed file is refused with a page; a
    /// remote store's are checked while they stream ([`verified`]), so nothing is read twice.
    fn reads_are_local(&self) -> bool {
        false
    }
}

/// A blob's content checked against its name while it is read: the last chunk read is held
/// back until the end shows the hash, so a reader never receives the whole of a changed
/// file. On a mismatch (or a missing end) the stream fails instead of ending, the receiver of
/// a download sees it cut short of its announced length, and `alarm` is called with the hash
/// found.
///
/// `size` is the recorded length: a reader stops asking once it has that many bytes (a
/// download's `Content-Length`), so a longer changed file would otherwise pass unread. The
/// check fails as soon as more arrives than recorded, and at the end when less did.
pub fn verified(
    reader: BlobReader,
    expected: String,
    size: u64,
    alarm: Box<dyn FnOnce(String) + Send>,
) -> BlobReader {
    use futures_util::StreamExt as _;
    use sha2::Digest as _;
    struct Check {
        source: tokio_util::io::ReaderStream<BlobReader>,
        hasher: sha2::Sha256,
        held: Option<bytes::Bytes>,
        expected: String,
        size: u64,
        read: u64,
        alarm: Option<Box<dyn FnOnce(String) + Send>>,
        done: bool,
    }
    let check = Check {
        source: tokio_util::io::ReaderStream::with_capacity(reader, 256 * 1024),
        hasher: sha2::Sha256::new(),
        held: None,
        expected,
        size,
        read: 0,
        alarm: Some(alarm),
        done: false,
    };
    let stream = futures_util::stream::unfold(check, |mut check| async move {
        if check.done {
            return None;
        }
        loop {
            match check.source.next().await {
                Some(Ok(chunk)) => {
                    check.read += chunk.len() as u64;
                    if check.read > check.size {
                        check.done = true;
                        if let Some(alarm) = check.alarm.take() {
                            alarm(format!(
                                "longer than recorded ({} bytes or more)",
                                check.read
                            ));
                        }
                        let error = std::io::Error::new(
                            std::io::ErrorKind::InvalidData,
                            "stored content is longer than recorded",
                        );
                        return Some((Err(error), check));
                    }
                    check.hasher.update(&chunk);
                    if let Some(previous) = check.held.replace(chunk) {
                        return Some((Ok(previous), check));
                    }
                }
                Some(Err(error)) => {
                    check.done = true;
                    return Some((Err(error), check));
                }
                None => {
                    check.done = true;
                    let found = format!("{:x}", std::mem::take(&mut check.hasher).finalize());
                    if found == check.expected {
                        return check.held.take().map(|last| (Ok(last), check));
                    }
                    if let Some(alarm) = check.alarm.take() {
                        alarm(found);
                    }
                    let error = std::io::Error::new(
                        std::io::ErrorKind::InvalidData,
                        "stored content no longer has its recorded hash",
                    );
                    return Some((Err(error), check));
                }
            }
        }
    });
    Box::pin(tokio_util::io::StreamReader::new(stream))
}

/// Opens a blob store: `s3://bucket/prefix`, a folder, or (without an address) the data
/// folder's `blobs/`. An S3 store keeps its journal of uploads under way in
/// `<data_dir>/s3-uploads` and is asked once for a listing, so that a wrong address or
/// credentials fail here.
pub async fn open_store(
    address: Option<&str>,
    data_dir: &std::path::Path,
    settings: &s3::S3Settings,
) -> anyhow::Result<std::sync::Arc<dyn BlobStore>> {
    use anyhow::Context as _;
    match address.map(str::trim).filter(|address| !address.is_empty()) {
        Some(address) if address.starts_with("s3://") => {
            let location = s3::S3Location::parse(address).map_err(anyhow::Error::msg)?;
            let store = s3::S3BlobStore::open(location, settings, data_dir.join("s3-uploads"))
                .with_context(|| format!("cannot set up the blob store {address}"))?;
            store.probe().await.with_context(|| {
                format!(
                    "the blob store {address} does not answer (check AWS_ENDPOINT_URL, AWS_REGION and the credentials)"
                )
            })?;
            Ok(std::sync::Arc::new(store))
        }
        Some(address) if address.contains("://") => {
            anyhow::bail!("{address:?} is not a blob store: give s3://bucket/prefix or a folder")
        }
        address => {
            let root = address
                .map(PathBuf::from)
                .unwrap_or_else(|| data_dir.join("blobs"));
            let store = fs::FsBlobStore::open(&root)
                .with_context(|| format!("cannot open the blob store in {}", root.display()))?;
            Ok(std::sync::Arc::new(store))
        }
    }
}

/// Writes everything `source` holds into `to` as one blob (no size limit; an error leaves
/// nothing behind).
pub async fn store_from(
    to: &dyn BlobStore,
    mut source: impl tokio::io::AsyncRead + Unpin,
) -> Result<StoredBlob, BlobError> {
    use tokio::io::AsyncReadExt as _;
    let mut writer = to.writer(u64::MAX).await?;
    let mut buffer = vec![0u8; 1024 * 1024];
    loop {
        let read = match source.read(&mut buffer).await {
            Ok(read) => read,
            Err(error) => {
                writer.abort().await;
                return Err(BlobError::Io(error));
            }
        };
        if read == 0 {
            break;
        }
        if let Err(error) = writer
            .write(bytes::Bytes::copy_from_slice(&buffer[..read]))
            .await
        {
            writer.abort().await;
            return Err(error);
        }
    }
    writer.finish().await
}

/// What [`migrate`] did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Migrated {
    /// Files copied.
    pub copied: usize,
    /// Files the target already held, hashed there and found whole.
    pub present: usize,
}

/// Copies every blob of `from` into `to`, each hashed on the way; one already in `to` is
/// hashed there instead of copied, so a run that was interrupted is resumed by running it
/// again. Fails (after trying every blob) when a blob's content does not match its name on
/// either side, or when a blob a record refers to is in neither store.
pub async fn migrate(
    from: &dyn BlobStore,
    to: &dyn BlobStore,
    records: &crate::storage::DynStore,
    mut progress: impl FnMut(usize, usize),
) -> anyhow::Result<Migrated> {
    let mut names: Vec<String> = from.older_than(std::time::Duration::ZERO).await?;
    let referenced = records.referenced_blobs().await?;
    let stored: std::collections::HashSet<&String> = names.iter().collect();
    let mut problems: Vec<String> = referenced
        .iter()
        .filter(|name| !stored.contains(name))
        .map(|name| format!("{name}: a record refers to it but the source store lacks it"))
        .collect();
    names.sort();
    let mut done = Migrated::default();
    for (index, name) in names.iter().enumerate() {
        progress(index, names.len());
        if to.contains(name).await? {
            match rehash(to, name).await? {
                found if &found == name => done.present += 1,
                found => problems.push(format!(
                    "{name}: the target holds a changed copy (it hashes to {found})"
                )),
            }
            continue;
        }
        let stored = store_from(to, from.open(name).await?).await?;
        if &stored.sha256 == name {
            done.copied += 1;
        } else {
            // The copy sits in the target under the hash it has, referred to by nothing.
            problems.push(format!(
                "{name}: the source's content changed (it hashes to {})",
                stored.sha256
            ));
        }
    }
    progress(names.len(), names.len());
    if !problems.is_empty() {
        anyhow::bail!(
            "{} of {} files could not be copied whole:\n  {}",
            problems.len(),
            names.len(),
            problems.join("\n  ")
        );
    }
    Ok(done)
}

/// Removes the blobs no row refers to that were stored at least a day ago (a younger one may
/// belong to a write whose row is still on its way); returns how many.
pub async fn remove_unreferenced(
    blobs: &dyn BlobStore,
    store: &crate::storage::DynStore,
) -> anyhow::Result<usize> {
    let old = blobs
        .older_than(std::time::Duration::from_secs(24 * 3600))
        .await?;
    if old.is_empty() {
        return Ok(0);
    }
    let referenced = store.referenced_blobs().await?;
    let mut removed = 0;
    for sha256 in old.iter().filter(|sha256| !referenced.contains(*sha256)) {
        // Asked again just before: another node may have pointed a row at it meanwhile.
        if store.blob_in_use(sha256).await? {
            continue;
        }
        blobs.remove(sha256).await?;
        removed += 1;
    }
    Ok(removed)
}

/// Checks a blob name: 64 lower-case hex digits.
pub fn valid_name(sha256: &str) -> bool {
    sha256.len() == 64
        && sha256
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Hashes a whole blob again, for the integrity check before each download.
pub async fn rehash(store: &dyn BlobStore, sha256: &str) -> Result<String, BlobError> {
    use sha2::Digest as _;
    use tokio::io::AsyncReadExt as _;
    let mut reader = store.open(sha256).await?;
    let mut hasher = sha2::Sha256::new();
    let mut buffer = vec![0u8; 256 * 1024];
    loop {
        let read = reader.read(&mut buffer).await?;
        if read == 0 {
            break;
        }
        hasher.update(&buffer[..read]);
    }
    Ok(format!("{:x}", hasher.finalize()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A store that only streams, as an object store does.
    struct Streaming(Vec<u8>);

    #[async_trait]
    impl BlobStore for Streaming {
        async fn writer(&self, _limit: u64) -> Result<Box<dyn BlobWriter>, BlobError> {
            Err(BlobError::Missing)
        }
        async fn open(&self, _sha256: &str) -> Result<BlobReader, BlobError> {
            Ok(Box::pin(std::io::Cursor::new(self.0.clone())))
        }
        async fn clean_temporary(&self) -> Result<usize, BlobError> {
            Ok(0)
        }
        async fn older_than(&self, _age: std::time::Duration) -> Result<Vec<String>, BlobError> {
            Ok(Vec::new())
        }
        async fn remove(&self, _sha256: &str) -> Result<(), BlobError> {
            Ok(())
        }
    }

    #[tokio::test]
    async fn a_streaming_store_lends_a_temporary_copy_that_goes_when_dropped() {
        let store = Streaming(b"evidence bytes".to_vec());
        let copy = store.local_copy("ab").await.expect("copy");
        let path = copy.path().to_path_buf();
        assert_eq!(std::fs::read(&path).expect("read"), b"evidence bytes");
        drop(copy);
        assert!(!path.exists(), "the temporary copy is removed");
    }
}
