//! Blobs as files: `<root>/sha256/ab/cd/<hash>`, written through `<root>/tmp/`.

use super::{BlobError, BlobReader, BlobStore, BlobWriter, StoredBlob, valid_name};
use async_trait::async_trait;
use sha2::{Digest as _, Sha256};
use std::path::{Path, PathBuf};
use tokio::fs::File;
use tokio::io::AsyncWriteExt as _;

/// How many leading bytes are kept for type detection.
const HEAD_BYTES: usize = 8192;

/// The filesystem blob store.
#[derive(Clone, Debug)]
pub struct FsBlobStore {
    root: PathBuf,
}

impl FsBlobStore {
    /// A store under `root` (the data folder's `blobs/`), creating its folders.
    pub fn open(root: impl Into<PathBuf>) -> std::io::Result<Self> {
        let root = root.into();
        std::fs::create_dir_all(root.join("tmp"))?;
        std::fs::create_dir_all(root.join("sha256"))?;
        Ok(Self { root })
    }

    fn final_path(&self, sha256: &str) -> PathBuf {
        self.root
            .join("sha256")
            .join(&sha256[0..2])
            .join(&sha256[2..4])
            .join(sha256)
    }
}

struct FsWriter {
    file: Option<File>,
    temp: PathBuf,
    store: FsBlobStore,
    hasher: Sha256,
    size: u64,
    limit: u64,
    head: Vec<u8>,
}

#[async_trait]
impl BlobWriter for FsWriter {
    async fn write(&mut self, chunk: &[u8]) -> Result<(), BlobError> {
        self.size += chunk.len() as u64;
        if self.size > self.limit {
            return Err(BlobError::TooLarge { limit: self.limit });
        }
        if self.head.len() < HEAD_BYTES {
            let take = (HEAD_BYTES - self.head.len()).min(chunk.len());
            self.head.extend_from_slice(&chunk[..take]);
        }
        self.hasher.update(chunk);
        let file = self.file.as_mut().ok_or(BlobError::Missing)?;
        file.write_all(chunk).await?;
        Ok(())
    }

    async fn finish(mut self: Box<Self>) -> Result<StoredBlob, BlobError> {
        let result = self.finish_inner().await;
        if result.is_err() {
            let _ = tokio::fs::remove_file(&self.temp).await;
        }
        result
    }

    async fn abort(mut self: Box<Self>) {
        self.file.take();
        let _ = tokio::fs::remove_file(&self.temp).await;
    }
}

impl FsWriter {
    async fn finish_inner(&mut self) -> Result<StoredBlob, BlobError> {
        if self.size == 0 {
            return Err(BlobError::Empty);
        }
        let mut file = self.file.take().ok_or(BlobError::Missing)?;
        file.flush().await?;
        // Durable before it is visible: the data reaches the disk, then the rename.
        file.sync_all().await?;
        drop(file);
        let sha256 = format!("{:x}", std::mem::take(&mut self.hasher).finalize());
        let target = self.store.final_path(&sha256);
        let parent = target.parent().ok_or(BlobError::BadName)?.to_path_buf();
        tokio::fs::create_dir_all(&parent).await?;
        if tokio::fs::try_exists(&target).await? {
            // Identical content is already stored (write-once): keep the first copy.
            tokio::fs::remove_file(&self.temp).await?;
        } else {
            tokio::fs::rename(&self.temp, &target).await?;
            sync_dir(&parent).await?;
        }
        Ok(StoredBlob {
            sha256,
            size: self.size,
            head: std::mem::take(&mut self.head),
        })
    }
}

/// Makes a rename durable by syncing its folder.
async fn sync_dir(dir: &Path) -> std::io::Result<()> {
    let dir = dir.to_path_buf();
    tokio::task::spawn_blocking(move || std::fs::File::open(dir)?.sync_all())
        .await
        .map_err(std::io::Error::other)?
}

#[async_trait]
impl BlobStore for FsBlobStore {
    async fn writer(&self, limit: u64) -> Result<Box<dyn BlobWriter>, BlobError> {
        let temp = self
            .root
            .join("tmp")
            .join(format!("{}.part", crate::auth::random_token()));
        let file = tokio::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)
            .await?;
        Ok(Box::new(FsWriter {
            file: Some(file),
            temp,
            store: self.clone(),
            hasher: Sha256::new(),
            size: 0,
            limit,
            head: Vec::new(),
        }))
    }

    async fn open(&self, sha256: &str) -> Result<BlobReader, BlobError> {
        let path = self.local_path(sha256).await?;
        Ok(Box::pin(File::open(path).await?))
    }

    async fn local_path(&self, sha256: &str) -> Result<PathBuf, BlobError> {
        if !valid_name(sha256) {
            return Err(BlobError::BadName);
        }
        let path = self.final_path(sha256);
        if !tokio::fs::try_exists(&path).await? {
            return Err(BlobError::Missing);
        }
        Ok(path)
    }

    async fn clean_temporary(&self) -> Result<usize, BlobError> {
        let mut removed = 0;
        let mut entries = tokio::fs::read_dir(self.root.join("tmp")).await?;
        while let Some(entry) = entries.next_entry().await? {
            if entry.file_type().await?.is_file() {
                tokio::fs::remove_file(entry.path()).await?;
                removed += 1;
            }
        }
        Ok(removed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::AsyncReadExt as _;

    fn temp_root() -> PathBuf {
        std::env::temp_dir().join(format!("probity-blobs-{}", crate::auth::random_token()))
    }

    #[tokio::test]
    async fn content_is_hashed_stored_once_and_read_back() {
        let root = temp_root();
        let store = FsBlobStore::open(&root).expect("store");
        let first = store.put_bytes(b"hello evidence").await.expect("put");
        assert_eq!(
            first.sha256,
            format!("{:x}", Sha256::digest(b"hello evidence"))
        );
        let second = store.put_bytes(b"hello evidence").await.expect("put again");
        assert_eq!(first, second);
        let mut content = String::new();
        store
            .open(&first.sha256)
            .await
            .expect("open")
            .read_to_string(&mut content)
            .await
            .expect("read");
        assert_eq!(content, "hello evidence");
        assert_eq!(
            super::super::rehash(&store, &first.sha256)
                .await
                .expect("rehash"),
            first.sha256
        );
        let _ = std::fs::remove_dir_all(root);
    }

    #[tokio::test]
    async fn limits_empty_files_and_leftovers() {
        let root = temp_root();
        let store = FsBlobStore::open(&root).expect("store");
        let mut writer = store.writer(4).await.expect("writer");
        writer.write(b"abc").await.expect("within");
        assert!(matches!(
            writer.write(b"de").await,
            Err(BlobError::TooLarge { limit: 4 })
        ));
        writer.abort().await;
        let empty = store.writer(10).await.expect("writer");
        assert!(matches!(empty.finish().await, Err(BlobError::Empty)));
        // A writer never finished (a killed process) leaves a temporary file; start-up removes it.
        let mut orphan = store.writer(10).await.expect("writer");
        orphan.write(b"partial").await.expect("write");
        std::mem::forget(orphan);
        assert_eq!(store.clean_temporary().await.expect("clean"), 1);
        assert!(matches!(
            store.open("../../etc/passwd").await,
            Err(BlobError::BadName)
        ));
        let _ = std::fs::remove_dir_all(root);
    }
}
