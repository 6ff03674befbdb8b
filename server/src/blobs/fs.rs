//! Blobs as files: `<root>/sha256/ab/cd/<hash>`, written through `<root>/tmp/`.

use super::{BlobError, BlobReader, BlobStore, BlobWriter, StoredBlob, valid_name};
use async_trait::async_trait;
use bytes::{Bytes, BytesMut};
use sha2::{Digest as _, Sha256};
use std::path::{Path, PathBuf};
use tokio::fs::File;
use tokio::sync::mpsc;

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

/// A blob being written: the request's task only counts and forwards chunks; one thread
/// hashes them and another writes them, so hashing, receiving and writing overlap. Chunks
/// travel in pieces of about `PIECE` bytes shared by both threads, over bounded channels, so
/// memory stays flat whatever the file's size.
struct FsWriter {
    pipeline: Option<Pipeline>,
    temp: PathBuf,
    store: FsBlobStore,
    size: u64,
    limit: u64,
    head: Vec<u8>,
    /// Small chunks gathered into one, so each hand-over between threads carries enough work.
    pending: BytesMut,
}

struct Pipeline {
    to_hasher: mpsc::Sender<Bytes>,
    to_disk: mpsc::Sender<Chunk>,
    hasher: std::thread::JoinHandle<Sha256>,
    disk: std::thread::JoinHandle<std::io::Result<()>>,
}

/// What the disk thread receives.
enum Chunk {
    Data(Bytes),
    /// All data sent: make it durable. A channel closed without this (an aborted or
    /// cancelled upload) makes the thread delete the partial file instead.
    Finish,
}

/// Chunks queued per thread before the upload waits.
const QUEUE: usize = 8;

/// Chunks are handed to the threads in pieces of about this size.
const PIECE: usize = 1 << 20;

impl Pipeline {
    fn start(file: std::fs::File, temp: PathBuf) -> std::io::Result<Pipeline> {
        let (to_hasher, mut hash_rx) = mpsc::channel::<Bytes>(QUEUE);
        let (to_disk, mut disk_rx) = mpsc::channel::<Chunk>(QUEUE);
        let hasher = std::thread::Builder::new()
            .name("blob-hash".into())
            .spawn(move || {
                let mut hasher = Sha256::new();
                while let Some(chunk) = hash_rx.blocking_recv() {
                    hasher.update(&chunk);
                }
                hasher
            })?;
        let disk = std::thread::Builder::new()
            .name("blob-write".into())
            .spawn(move || {
                let result = write_chunks(file, &temp, &mut disk_rx);
                if !matches!(result, Ok(true)) {
                    let _ = std::fs::remove_file(&temp);
                }
                result.map(|_| ())
            })?;
        Ok(Pipeline {
            to_hasher,
            to_disk,
            hasher,
            disk,
        })
    }

    /// Waits for both threads; the hash once the data is durable.
    async fn join(self, finish: bool) -> Result<Sha256, BlobError> {
        let Pipeline {
            to_hasher,
            to_disk,
            hasher,
            disk,
        } = self;
        if finish {
            // A failed send means the disk thread already stopped; its result says why.
            let _ = to_disk.send(Chunk::Finish).await;
        }
        drop(to_hasher);
        drop(to_disk);
        let joined = tokio::task::spawn_blocking(move || (disk.join(), hasher.join()))
            .await
            .map_err(std::io::Error::other)?;
        match joined {
            (Ok(Ok(())), Ok(hasher)) => Ok(hasher),
            (Ok(Err(error)), _) => Err(BlobError::Io(error)),
            _ => Err(BlobError::Io(std::io::Error::other(
                "a blob thread panicked",
            ))),
        }
    }
}

/// The disk thread's loop: true once everything is written and durable, false when the
/// sender went away without finishing.
fn write_chunks(
    file: std::fs::File,
    path: &Path,
    chunks: &mut mpsc::Receiver<Chunk>,
) -> std::io::Result<bool> {
    let mut output = Output::new(file, path);
    while let Some(chunk) = chunks.blocking_recv() {
        match chunk {
            Chunk::Data(data) => output.push(&data)?,
            Chunk::Finish => {
                output.finish()?;
                return Ok(true);
            }
        }
    }
    Ok(false)
}

/// Alignment and size unit of direct writes.
const ALIGN: usize = 4096;

/// Where the disk thread writes. Where the file system allows it, whole aligned pieces go
/// straight to the disk (`O_DIRECT`): copying a large upload into the page cache and
/// flushing it again cost several times the CPU of hashing it. The unaligned tail, and
/// everything on file systems without direct writes, goes through the page cache.
struct Output {
    buffered: std::fs::File,
    direct: Option<std::fs::File>,
    offset: u64,
    /// `PIECE` bytes starting at an aligned address, found inside a slightly larger vector
    /// so that no unsafe allocation is needed.
    staging: Vec<u8>,
    start: usize,
    staged: usize,
}

impl Output {
    fn new(buffered: std::fs::File, path: &Path) -> Output {
        let staging = vec![0u8; PIECE + ALIGN];
        let start = staging.as_ptr().align_offset(ALIGN);
        let direct = if start < ALIGN {
            open_direct(path)
        } else {
            None
        };
        Output {
            buffered,
            direct,
            offset: 0,
            staging,
            start: start.min(ALIGN),
            staged: 0,
        }
    }

    fn push(&mut self, mut data: &[u8]) -> std::io::Result<()> {
        use std::os::unix::fs::FileExt as _;
        if self.direct.is_none() {
            self.buffered.write_all_at(data, self.offset)?;
            self.offset += data.len() as u64;
            return Ok(());
        }
        while !data.is_empty() {
            let from = self.start + self.staged;
            let take = (PIECE - self.staged).min(data.len());
            self.staging[from..from + take].copy_from_slice(&data[..take]);
            self.staged += take;
            data = &data[take..];
            if self.staged == PIECE {
                self.write_staged()?;
            }
        }
        Ok(())
    }

    /// Writes the whole aligned blocks staged so far; keeps the rest staged.
    fn write_staged(&mut self) -> std::io::Result<()> {
        use std::os::unix::fs::FileExt as _;
        let whole = self.staged / ALIGN * ALIGN;
        if whole == 0 {
            return Ok(());
        }
        let blocks = &self.staging[self.start..self.start + whole];
        let written = match &self.direct {
            Some(direct) => direct.write_all_at(blocks, self.offset),
            None => self.buffered.write_all_at(blocks, self.offset),
        };
        match written {
            Ok(()) => {}
            // Some file systems open with O_DIRECT but refuse the writes: use the page cache.
            Err(error)
                if error.kind() == std::io::ErrorKind::InvalidInput && self.direct.is_some() =>
            {
                self.direct = None;
                self.buffered.write_all_at(blocks, self.offset)?;
            }
            Err(error) => return Err(error),
        }
        self.offset += whole as u64;
        self.staging
            .copy_within(self.start + whole..self.start + self.staged, self.start);
        self.staged -= whole;
        Ok(())
    }

    /// Writes what is left and makes the file durable before it becomes visible.
    fn finish(&mut self) -> std::io::Result<()> {
        use std::os::unix::fs::FileExt as _;
        self.write_staged()?;
        let tail = &self.staging[self.start..self.start + self.staged];
        self.buffered.write_all_at(tail, self.offset)?;
        self.offset += tail.len() as u64;
        self.staged = 0;
        self.buffered.sync_all()
    }
}

/// A second handle on the file that writes around the page cache, where supported.
#[cfg(target_os = "linux")]
fn open_direct(path: &Path) -> Option<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt as _;
    std::fs::OpenOptions::new()
        .write(true)
        .custom_flags(libc::O_DIRECT)
        .open(path)
        .ok()
}

#[cfg(not(target_os = "linux"))]
fn open_direct(_path: &Path) -> Option<std::fs::File> {
    None
}

#[async_trait]
impl BlobWriter for FsWriter {
    async fn write(&mut self, chunk: Bytes) -> Result<(), BlobError> {
        self.size += chunk.len() as u64;
        if self.size > self.limit {
            return Err(BlobError::TooLarge { limit: self.limit });
        }
        if self.head.len() < HEAD_BYTES {
            let take = (HEAD_BYTES - self.head.len()).min(chunk.len());
            self.head.extend_from_slice(&chunk[..take]);
        }
        if chunk.len() >= PIECE && self.pending.is_empty() {
            return self.send(chunk).await;
        }
        if self.pending.is_empty() {
            self.pending.reserve(PIECE + chunk.len());
        }
        self.pending.extend_from_slice(&chunk);
        if self.pending.len() >= PIECE {
            let piece = self.pending.split().freeze();
            self.send(piece).await?;
        }
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
        if let Some(pipeline) = self.pipeline.take() {
            // Without `Finish`, the disk thread deletes the partial file.
            let _ = pipeline.join(false).await;
        }
        let _ = tokio::fs::remove_file(&self.temp).await;
    }
}

impl FsWriter {
    /// Hands a piece to the hashing and the disk thread.
    async fn send(&mut self, piece: Bytes) -> Result<(), BlobError> {
        let pipeline = self.pipeline.as_ref().ok_or(BlobError::Missing)?;
        let sent = pipeline.to_hasher.send(piece.clone()).await.is_ok()
            && pipeline.to_disk.send(Chunk::Data(piece)).await.is_ok();
        if !sent {
            // A thread stopped early: the disk thread's error says why.
            let pipeline = self.pipeline.take().ok_or(BlobError::Missing)?;
            pipeline.join(false).await?;
            return Err(BlobError::Io(std::io::Error::other(
                "the blob writer stopped",
            )));
        }
        Ok(())
    }

    async fn finish_inner(&mut self) -> Result<StoredBlob, BlobError> {
        if !self.pending.is_empty() {
            let piece = self.pending.split().freeze();
            self.send(piece).await?;
        }
        let pipeline = self.pipeline.take().ok_or(BlobError::Missing)?;
        if self.size == 0 {
            let _ = pipeline.join(false).await;
            return Err(BlobError::Empty);
        }
        let hasher = pipeline.join(true).await?;
        let sha256 = format!("{:x}", hasher.finalize());
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

impl FsBlobStore {
    /// The file of a stored blob.
    async fn existing_path(&self, sha256: &str) -> Result<PathBuf, BlobError> {
        if !valid_name(sha256) {
            return Err(BlobError::BadName);
        }
        let path = self.final_path(sha256);
        if !tokio::fs::try_exists(&path).await? {
            return Err(BlobError::Missing);
        }
        Ok(path)
    }
}

#[async_trait]
impl BlobStore for FsBlobStore {
    async fn writer(&self, limit: u64) -> Result<Box<dyn BlobWriter>, BlobError> {
        let temp = self
            .root
            .join("tmp")
            .join(format!("{}.part", crate::auth::random_token()));
        // Evidence is readable by the server's own account only.
        let file = tokio::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&temp)
            .await?
            .into_std()
            .await;
        Ok(Box::new(FsWriter {
            pipeline: Some(Pipeline::start(file, temp.clone())?),
            temp,
            store: self.clone(),
            size: 0,
            limit,
            head: Vec::new(),
            pending: BytesMut::new(),
        }))
    }

    async fn open(&self, sha256: &str) -> Result<BlobReader, BlobError> {
        let path = self.existing_path(sha256).await?;
        Ok(Box::pin(File::open(path).await?))
    }

    async fn local_copy(&self, sha256: &str) -> Result<super::LocalCopy, BlobError> {
        Ok(super::LocalCopy::lent(self.existing_path(sha256).await?))
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

    async fn older_than(&self, age: std::time::Duration) -> Result<Vec<String>, BlobError> {
        let root = self.root.join("sha256");
        let found = tokio::task::spawn_blocking(move || -> std::io::Result<Vec<String>> {
            let cutoff = std::time::SystemTime::now() - age;
            let mut found = Vec::new();
            for first in std::fs::read_dir(&root)? {
                let first = first?;
                if !first.file_type()?.is_dir() {
                    continue;
                }
                for second in std::fs::read_dir(first.path())? {
                    let second = second?;
                    if !second.file_type()?.is_dir() {
                        continue;
                    }
                    for blob in std::fs::read_dir(second.path())? {
                        let blob = blob?;
                        let name = blob.file_name().to_string_lossy().into_owned();
                        let meta = blob.metadata()?;
                        if meta.is_file() && super::valid_name(&name) && meta.modified()? <= cutoff
                        {
                            found.push(name);
                        }
                    }
                }
            }
            Ok(found)
        })
        .await
        .map_err(|error| BlobError::Io(std::io::Error::other(error)))??;
        Ok(found)
    }

    async fn remove(&self, sha256: &str) -> Result<(), BlobError> {
        if !super::valid_name(sha256) {
            return Err(BlobError::BadName);
        }
        match tokio::fs::remove_file(self.final_path(sha256)).await {
            Ok(()) => Ok(()),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(error) => Err(error.into()),
        }
    }

    fn reads_are_local(&self) -> bool {
        true
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
    async fn a_large_file_in_uneven_chunks_is_stored_byte_for_byte() {
        // Several pieces, a tail that is not a whole block, chunks of odd sizes both smaller
        // and larger than a piece: the direct and the buffered path must agree on every byte.
        let root = temp_root();
        let store = FsBlobStore::open(&root).expect("store");
        let content: Vec<u8> = (0..(3 * PIECE + 12_345))
            .map(|n| (n * 7 + n / 4099) as u8)
            .collect();
        let mut writer = store.writer(content.len() as u64).await.expect("writer");
        let mut at = 0;
        for size in [1, 4095, 70_000, PIECE + 3, 17, 2 * PIECE].iter().cycle() {
            if at == content.len() {
                break;
            }
            let end = (at + size).min(content.len());
            writer
                .write(Bytes::copy_from_slice(&content[at..end]))
                .await
                .expect("write");
            at = end;
        }
        let stored = writer.finish().await.expect("finish");
        assert_eq!(stored.sha256, format!("{:x}", Sha256::digest(&content)));
        assert_eq!(stored.size, content.len() as u64);
        let copy = store.local_copy(&stored.sha256).await.expect("path");
        let path = copy.path().to_path_buf();
        assert!(
            std::fs::read(path).expect("read") == content,
            "stored bytes differ"
        );
        let _ = std::fs::remove_dir_all(root);
    }

    #[test]
    fn the_page_cache_path_writes_the_same_bytes() {
        // Where the file system refuses direct writes, everything goes through the page cache.
        let root = temp_root();
        std::fs::create_dir_all(&root).expect("root");
        let path = root.join("buffered");
        let file = std::fs::File::create(&path).expect("create");
        let mut output = Output::new(file, &path);
        output.direct = None;
        let content: Vec<u8> = (0..(PIECE + 5_000)).map(|n| (n % 251) as u8).collect();
        for chunk in content.chunks(70_001) {
            output.push(chunk).expect("push");
        }
        output.finish().expect("finish");
        assert!(
            std::fs::read(&path).expect("read") == content,
            "stored bytes differ"
        );
        let _ = std::fs::remove_dir_all(root);
    }

    #[tokio::test]
    async fn limits_empty_files_and_leftovers() {
        let root = temp_root();
        let store = FsBlobStore::open(&root).expect("store");
        let mut writer = store.writer(4).await.expect("writer");
        writer
            .write(Bytes::from_static(b"abc"))
            .await
            .expect("within");
        assert!(matches!(
            writer.write(Bytes::from_static(b"de")).await,
            Err(BlobError::TooLarge { limit: 4 })
        ));
        writer.abort().await;
        let empty = store.writer(10).await.expect("writer");
        assert!(matches!(empty.finish().await, Err(BlobError::Empty)));
        // A writer dropped without finishing (a cancelled request) deletes its partial file.
        let mut dropped = store.writer(10).await.expect("writer");
        dropped
            .write(Bytes::from_static(b"partial"))
            .await
            .expect("write");
        drop(dropped);
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        while std::fs::read_dir(root.join("tmp")).expect("tmp").count() > 0 {
            assert!(
                std::time::Instant::now() < deadline,
                "partial file left behind"
            );
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        // A killed process leaves its temporary file; start-up removes it.
        std::fs::write(root.join("tmp").join("killed.part"), b"partial").expect("orphan");
        assert_eq!(store.clean_temporary().await.expect("clean"), 1);
        assert!(matches!(
            store.open("../../etc/passwd").await,
            Err(BlobError::BadName)
        ));
        let _ = std::fs::remove_dir_all(root);
    }
}
