//! The blob store: evidence files, content-addressed by SHA-256 and written once.
//!
//! A writer streams a file in while hashing it; [`BlobWriter::finish`] makes it durable
//! (fsync, then rename into place) before anything in the database may point at it. The same
//! content is stored once. Reading is a stream ([`BlobStore::open`]); tools that need a file
//! get a [`LocalCopy`], so no caller depends on blobs being files. [`fs::FsBlobStore`] keeps
//! blobs in the data folder and lends its own files; an object store implements the same
//! interface.

pub mod fs;

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
        let mut file = tokio::fs::File::create(&copy.path).await?;
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
