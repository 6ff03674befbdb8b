//! Blobs in an S3 bucket (AWS S3, MinIO, Garage, Ceph RGW): `<prefix>/sha256/ab/<hash>`.
//!
//! The hash of an upload is known only at its end, and an S3 object's name must be given when
//! its upload starts, so a file is written in one of two ways:
//!
//! - up to one part ([`PART`] bytes) is kept in memory and written with one `PUT` under its
//!   hash once the hash is known;
//! - a larger file goes up as a multipart upload to `<prefix>/tmp/<random>` while it is being
//!   hashed, at most [`IN_FLIGHT`] parts at a time (so memory stays near
//!   `PART * (IN_FLIGHT + 1)` whatever the size), and is then copied inside the store to its
//!   name (a server-side copy: nothing travels twice) and the temporary object removed. A copy
//!   the store refuses (AWS S3 copies at most 5 GiB at once) is streamed through this process
//!   as a second multipart upload instead.
//!
//! Every multipart upload this node starts is noted in a journal folder on the node's disk
//! (`<data>/s3-uploads/`) until it is completed or aborted, so that one left behind by a
//! killed process is aborted when the node starts again ([`BlobStore::clean_temporary`]),
//! and temporary objects older than an hour are removed then too. A bucket lifecycle rule that
//! aborts incomplete multipart uploads after a day is still worth setting for a node that
//! never comes back.

use super::{BlobError, BlobReader, BlobStore, BlobWriter, StoredBlob, valid_name};
use async_trait::async_trait;
use bytes::{Bytes, BytesMut};
use futures_util::{StreamExt as _, TryStreamExt as _};
use object_store::aws::{AmazonS3, AmazonS3Builder};
use object_store::multipart::{MultipartStore, PartId};
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, ObjectStoreExt as _, PutPayload};
use sha2::{Digest as _, Sha256};
use std::path::PathBuf;
use std::sync::Arc;
use tokio::task::JoinSet;

/// How many leading bytes are kept for type detection (as the file store keeps).
const HEAD_BYTES: usize = 8192;

/// The size of one part of a multipart upload (S3 asks at least 5 MiB for all but the last).
pub const PART: usize = 8 * 1024 * 1024;

/// Parts sent at once.
pub const IN_FLIGHT: usize = 2;

/// Temporary objects at least this old are left over from an interrupted upload.
const STALE_TEMPORARY: std::time::Duration = std::time::Duration::from_secs(3600);

/// Where blobs go, as given by `--blob-store s3://bucket/prefix`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct S3Location {
    pub bucket: String,
    /// Without leading or trailing slashes; may be empty.
    pub prefix: String,
}

impl S3Location {
    /// Reads `s3://bucket` or `s3://bucket/some/prefix`.
    pub fn parse(text: &str) -> Result<S3Location, String> {
        let rest = text
            .strip_prefix("s3://")
            .ok_or_else(|| format!("{text:?} is not an s3://bucket/prefix address"))?;
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        let bucket_ok = (3..=63).contains(&bucket.len())
            && bucket
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.');
        if !bucket_ok {
            return Err(format!(
                "{bucket:?} is not an S3 bucket name (3 to 63 lower-case letters, digits, dots and hyphens)"
            ));
        }
        let prefix = prefix.trim_matches('/').to_string();
        if prefix
            .split('/')
            .any(|part| part == "." || part == ".." || (part.is_empty() && !prefix.is_empty()))
        {
            return Err(format!("{prefix:?} is not a usable key prefix"));
        }
        Ok(S3Location {
            bucket: bucket.to_string(),
            prefix,
        })
    }
}

impl std::fmt::Display for S3Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.prefix.is_empty() {
            write!(f, "s3://{}", self.bucket)
        } else {
            write!(f, "s3://{}/{}", self.bucket, self.prefix)
        }
    }
}

/// How to reach the S3 service (each setting, when given, over what the `AWS_*` environment
/// variables say).
#[derive(Clone, Default)]
pub struct S3Settings {
    pub endpoint: Option<String>,
    pub region: Option<String>,
    pub access_key_id: Option<String>,
    pub secret_access_key: Option<String>,
    pub allow_http: bool,
}

impl std::fmt::Debug for S3Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Settings")
            .field("endpoint", &self.endpoint)
            .field("region", &self.region)
            .field("access_key_id", &self.access_key_id)
            .field("allow_http", &self.allow_http)
            .finish_non_exhaustive()
    }
}

/// The S3 blob store.
#[derive(Clone)]
pub struct S3BlobStore {
    inner: Arc<Inner>,
}

struct Inner {
    s3: AmazonS3,
    location: S3Location,
    /// This node's notes of the multipart uploads it has under way.
    journal: PathBuf,
}

impl std::fmt::Debug for S3BlobStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3BlobStore")
            .field("location", &self.inner.location.to_string())
            .finish_non_exhaustive()
    }
}

/// An object store error as a blob store error: "not found" is [`BlobError::Missing`]; the
/// rest is input/output, with the store's message (never credentials: the client does not
/// put them in its errors).
fn from_store(error: object_store::Error) -> BlobError {
    match error {
        object_store::Error::NotFound { .. } => BlobError::Missing,
        other => BlobError::Io(std::io::Error::other(other)),
    }
}

impl S3BlobStore {
    /// A store in `location`, configured by `settings` over the `AWS_*` environment
    /// variables as the AWS SDKs read them (`AWS_SESSION_TOKEN`, `AWS_DEFAULT_REGION`, ...),
    /// with its journal of uploads under way in `journal` (created).
    pub fn open(
        location: S3Location,
        settings: &S3Settings,
        journal: PathBuf,
    ) -> Result<S3BlobStore, BlobError> {
        // One TLS implementation for the whole process (a second call finds it installed):
        // ring's, which builds without a C toolchain's cmake and is what the signing uses.
        // rustls marks it deprecated for its lack of post-quantum key exchange; the README
        // says so under "Running at scale".
        #[allow(deprecated)]
        let _ = rustls::crypto::ring::default_provider().install_default();
        std::fs::create_dir_all(&journal)?;
        let mut builder = AmazonS3Builder::from_env().with_bucket_name(&location.bucket);
        if let Some(endpoint) = &settings.endpoint {
            builder = builder.with_endpoint(endpoint);
        }
        if let Some(region) = &settings.region {
            builder = builder.with_region(region);
        }
        if let Some(key) = &settings.access_key_id {
            builder = builder.with_access_key_id(key);
        }
        if let Some(secret) = &settings.secret_access_key {
            builder = builder.with_secret_access_key(secret);
        }
        if settings.allow_http {
            builder = builder.with_allow_http(true);
        }
        let s3 = builder
            .build()
            .map_err(|error| BlobError::Io(std::io::Error::other(error)))?;
        Ok(S3BlobStore {
            inner: Arc::new(Inner {
                s3,
                location,
                journal,
            }),
        })
    }

    /// Where the store is.
    pub fn location(&self) -> &S3Location {
        &self.inner.location
    }

    fn key(&self, tail: &str) -> ObjectPath {
        if self.inner.location.prefix.is_empty() {
            ObjectPath::from(tail)
        } else {
            ObjectPath::from(format!("{}/{tail}", self.inner.location.prefix))
        }
    }

    fn final_key(&self, sha256: &str) -> ObjectPath {
        self.key(&format!("sha256/{}/{sha256}", &sha256[0..2]))
    }

    /// Checks that the bucket answers with these credentials (a listing of the temporary
    /// folder), so that a wrong setting shows at start and not at the first upload.
    pub async fn probe(&self) -> Result<(), BlobError> {
        self.inner
            .s3
            .list_with_delimiter(Some(&self.key("tmp")))
            .await
            .map(|_| ())
            .map_err(from_store)
    }

    /// Whether a blob is stored (a `HEAD` request).
    async fn has(&self, sha256: &str) -> Result<bool, BlobError> {
        if !valid_name(sha256) {
            return Err(BlobError::BadName);
        }
        match self.inner.s3.head(&self.final_key(sha256)).await {
            Ok(_) => Ok(true),
            Err(object_store::Error::NotFound { .. }) => Ok(false),
            Err(error) => Err(from_store(error)),
        }
    }

    /// Every stored blob's name and size.
    async fn list_all(&self) -> Result<Vec<(String, u64)>, BlobError> {
        let mut found = Vec::new();
        let mut listing = self.inner.s3.list(Some(&self.key("sha256")));
        while let Some(meta) = listing.next().await {
            let meta = meta.map_err(from_store)?;
            if let Some(name) = meta.location.filename().filter(|name| valid_name(name)) {
                found.push((name.to_string(), meta.size));
            }
        }
        Ok(found)
    }

    /// Notes a multipart upload under way in this node's journal.
    async fn note(&self, token: &str, key: &ObjectPath, id: &str) -> Result<(), BlobError> {
        let line = serde_json::json!({
            "store": self.inner.location.to_string(),
            "key": key.as_ref(),
            "upload_id": id,
        })
        .to_string();
        let path = self.inner.journal.join(token);
        tokio::fs::write(&path, line).await?;
        Ok(())
    }

    async fn forget(&self, token: &str) {
        let _ = tokio::fs::remove_file(self.inner.journal.join(token)).await;
    }

    /// Copies `from` to `to` inside the store; a copy the store refuses (too large for one
    /// copy request, or not offered) streams through this process instead.
    async fn copy_within(&self, from: &ObjectPath, to: &ObjectPath) -> Result<(), BlobError> {
        let copied = self.inner.s3.copy(from, to).await;
        if copied.is_ok() {
            return Ok(());
        }
        tracing::warn!(
            "the object store refused a server-side copy; streaming the blob through this node"
        );
        let token = crate::auth::random_token();
        let id = self
            .inner
            .s3
            .create_multipart(to)
            .await
            .map_err(from_store)?;
        self.note(&token, to, &id).await?;
        let result = async {
            let mut source = self
                .inner
                .s3
                .get(from)
                .await
                .map_err(from_store)?
                .into_stream();
            let mut parts = Vec::new();
            let mut buffer = BytesMut::with_capacity(PART);
            loop {
                let chunk = source.try_next().await.map_err(from_store)?;
                let done = chunk.is_none();
                if let Some(chunk) = chunk {
                    buffer.extend_from_slice(&chunk);
                }
                if buffer.len() >= PART || (done && !buffer.is_empty()) {
                    let part = buffer.split().freeze();
                    parts.push(
                        self.inner
                            .s3
                            .put_part(to, &id, parts.len(), PutPayload::from(part))
                            .await
                            .map_err(from_store)?,
                    );
                }
                if done {
                    break;
                }
            }
            self.inner
                .s3
                .complete_multipart(to, &id, parts)
                .await
                .map_err(from_store)
        }
        .await;
        if result.is_err() {
            let _ = self.inner.s3.abort_multipart(to, &id).await;
        }
        self.forget(&token).await;
        result.map(|_| ())
    }
}

/// A blob being written (see the module's documentation for the two ways).
struct S3Writer {
    store: S3BlobStore,
    hasher: Sha256,
    size: u64,
    limit: u64,
    head: Vec<u8>,
    buffer: BytesMut,
    /// The multipart upload, once the first part is full.
    upload: Option<Upload>,
}

struct Upload {
    store: S3BlobStore,
    token: String,
    key: ObjectPath,
    id: String,
    sending: JoinSet<Result<(usize, PartId), BlobError>>,
    parts: Vec<Option<PartId>>,
    /// Completed and cleaned up, or aborted: nothing left for `Drop` to do.
    settled: bool,
}

impl Upload {
    /// Stops the parts on their way, aborts the upload and removes its temporary object;
    /// the journal forgets it only once the abort went through, so a failed abort is tried
    /// again when the node starts.
    async fn abandon(&mut self) {
        self.sending.shutdown().await;
        let s3 = &self.store.inner.s3;
        let aborted = s3.abort_multipart(&self.key, &self.id).await;
        let _ = s3.delete(&self.key).await;
        if aborted.is_ok() {
            self.store.forget(&self.token).await;
        }
        self.settled = true;
    }
}

impl Drop for Upload {
    fn drop(&mut self) {
        // An upload dropped unsettled (a cancelled request, even in the middle of `finish`)
        // is still aborted; the journal entry covers a process that ends before this runs.
        if self.settled {
            return;
        }
        self.sending.abort_all();
        let mut rest = Upload {
            store: self.store.clone(),
            token: std::mem::take(&mut self.token),
            key: std::mem::take(&mut self.key),
            id: std::mem::take(&mut self.id),
            sending: JoinSet::new(),
            parts: Vec::new(),
            settled: true,
        };
        if let Ok(handle) = tokio::runtime::Handle::try_current() {
            handle.spawn(async move {
                rest.settled = false;
                rest.abandon().await;
            });
        }
    }
}

impl S3Writer {
    /// Sends the buffered part, waiting first when [`IN_FLIGHT`] parts are on their way.
    async fn send_part(&mut self) -> Result<(), BlobError> {
        if self.upload.is_none() {
            let token = crate::auth::random_token();
            let key = self.store.key(&format!("tmp/{token}"));
            let id = self
                .store
                .inner
                .s3
                .create_multipart(&key)
                .await
                .map_err(from_store)?;
            let noted = self.store.note(&token, &key, &id).await;
            self.upload = Some(Upload {
                store: self.store.clone(),
                token,
                key,
                id,
                sending: JoinSet::new(),
                parts: Vec::new(),
                settled: false,
            });
            noted?;
        }
        let part = self.buffer.split().freeze();
        let store = self.store.clone();
        let upload = self.upload.as_mut().ok_or(BlobError::Missing)?;
        while upload.sending.len() >= IN_FLIGHT {
            collect(upload).await?;
        }
        let index = upload.parts.len();
        upload.parts.push(None);
        let (key, id) = (upload.key.clone(), upload.id.clone());
        upload.sending.spawn(async move {
            let part = store
                .inner
                .s3
                .put_part(&key, &id, index, PutPayload::from(part))
                .await
                .map_err(from_store)?;
            Ok((index, part))
        });
        Ok(())
    }

    async fn finish_inner(&mut self) -> Result<StoredBlob, BlobError> {
        if self.size == 0 {
            return Err(BlobError::Empty);
        }
        let sha256 = format!("{:x}", std::mem::take(&mut self.hasher).finalize());
        let target = self.store.final_key(&sha256);
        let s3 = &self.store.inner.s3;
        match self.upload.take() {
            None => {
                // One part or less: written once, under its name. Written even when the same
                // content is there, so that its age starts again: the sweep of unreferenced
                // files (on any node) never takes a file a new row is about to point at.
                let body = self.buffer.split().freeze();
                s3.put(&target, PutPayload::from(body))
                    .await
                    .map_err(from_store)?;
            }
            Some(mut upload) => {
                let result = async {
                    if !self.buffer.is_empty() {
                        let index = upload.parts.len();
                        let body = self.buffer.split().freeze();
                        let part = s3
                            .put_part(&upload.key, &upload.id, index, PutPayload::from(body))
                            .await
                            .map_err(from_store)?;
                        upload.parts.push(Some(part));
                    }
                    while !upload.sending.is_empty() {
                        collect(&mut upload).await?;
                    }
                    let parts: Option<Vec<PartId>> = upload.parts.drain(..).collect();
                    let parts = parts.ok_or(BlobError::Missing)?;
                    s3.complete_multipart(&upload.key, &upload.id, parts)
                        .await
                        .map_err(from_store)?;
                    // Copied even over the same content, so that its age starts again (as
                    // above).
                    self.store.copy_within(&upload.key, &target).await?;
                    Ok::<(), BlobError>(())
                }
                .await;
                if result.is_err() {
                    upload.abandon().await;
                } else {
                    let _ = s3.delete(&upload.key).await;
                    self.store.forget(&upload.token).await;
                    upload.settled = true;
                }
                result?;
            }
        }
        Ok(StoredBlob {
            sha256,
            size: self.size,
            head: std::mem::take(&mut self.head),
        })
    }
}

/// Waits for one part on its way and records its number.
async fn collect(upload: &mut Upload) -> Result<(), BlobError> {
    match upload.sending.join_next().await {
        Some(Ok(Ok((index, part)))) => {
            if let Some(slot) = upload.parts.get_mut(index) {
                *slot = Some(part);
            }
            Ok(())
        }
        Some(Ok(Err(error))) => Err(error),
        Some(Err(error)) => Err(BlobError::Io(std::io::Error::other(error))),
        None => Ok(()),
    }
}

#[async_trait]
impl BlobWriter for S3Writer {
    async fn write(&mut self, chunk: Bytes) -> Result<(), BlobError> {
        self.size += chunk.len() as u64;
        if self.size > self.limit {
            return Err(BlobError::TooLarge { limit: self.limit });
        }
        if self.head.len() < HEAD_BYTES {
            let take = (HEAD_BYTES - self.head.len()).min(chunk.len());
            self.head.extend_from_slice(&chunk[..take]);
        }
        self.hasher.update(&chunk);
        let mut rest = &chunk[..];
        while !rest.is_empty() {
            // A full part goes only once more follows, so that a file of exactly one part
            // is still written once under its name.
            if self.buffer.len() == PART {
                self.send_part().await?;
            }
            // A small file grows its buffer as it comes; once a file is known to be large
            // (its multipart upload started), each part gets exactly one allocation.
            if self.upload.is_some() && self.buffer.capacity() < PART {
                self.buffer.reserve(PART - self.buffer.len());
            }
            let take = (PART - self.buffer.len()).min(rest.len());
            self.buffer.extend_from_slice(&rest[..take]);
            rest = &rest[take..];
        }
        Ok(())
    }

    async fn finish(mut self: Box<Self>) -> Result<StoredBlob, BlobError> {
        self.finish_inner().await
    }

    async fn abort(mut self: Box<Self>) {
        if let Some(mut upload) = self.upload.take() {
            upload.abandon().await;
        }
    }
}

#[async_trait]
impl BlobStore for S3BlobStore {
    async fn writer(&self, limit: u64) -> Result<Box<dyn BlobWriter>, BlobError> {
        Ok(Box::new(S3Writer {
            store: self.clone(),
            hasher: Sha256::new(),
            size: 0,
            limit,
            head: Vec::new(),
            buffer: BytesMut::new(),
            upload: None,
        }))
    }

    async fn open(&self, sha256: &str) -> Result<BlobReader, BlobError> {
        if !valid_name(sha256) {
            return Err(BlobError::BadName);
        }
        let found = self
            .inner
            .s3
            .get(&self.final_key(sha256))
            .await
            .map_err(from_store)?;
        let stream = found.into_stream().map_err(std::io::Error::other);
        Ok(Box::pin(tokio_util::io::StreamReader::new(stream)))
    }

    async fn clean_temporary(&self) -> Result<usize, BlobError> {
        let mut removed = 0;
        let mut entries = tokio::fs::read_dir(&self.inner.journal).await?;
        while let Some(entry) = entries.next_entry().await? {
            let text = tokio::fs::read_to_string(entry.path())
                .await
                .unwrap_or_default();
            let noted: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
            let here = self.inner.location.to_string();
            if noted["store"].as_str().is_some_and(|store| store != here) {
                // Another store's (a migration's target): left for a start on that store.
                continue;
            }
            if let (Some(key), Some(id)) = (noted["key"].as_str(), noted["upload_id"].as_str()) {
                let Ok(key) = ObjectPath::parse(key) else {
                    continue;
                };
                // Aborting an upload that did complete fails harmlessly; its object, if it is
                // a temporary one, goes below.
                let _ = self.inner.s3.abort_multipart(&key, &id.to_string()).await;
                if key.as_ref().starts_with(self.key("tmp/").as_ref()) {
                    let _ = self.inner.s3.delete(&key).await;
                }
            }
            tokio::fs::remove_file(entry.path()).await?;
            removed += 1;
        }
        let cutoff = chrono_cutoff(STALE_TEMPORARY);
        let mut listing = self.inner.s3.list(Some(&self.key("tmp")));
        while let Some(meta) = listing.next().await {
            let meta = meta.map_err(from_store)?;
            if meta.last_modified.timestamp() <= cutoff {
                self.inner
                    .s3
                    .delete(&meta.location)
                    .await
                    .map_err(from_store)?;
                removed += 1;
            }
        }
        Ok(removed)
    }

    async fn older_than(&self, age: std::time::Duration) -> Result<Vec<String>, BlobError> {
        let cutoff = chrono_cutoff(age);
        let mut found = Vec::new();
        let mut listing = self.inner.s3.list(Some(&self.key("sha256")));
        while let Some(meta) = listing.next().await {
            let meta = meta.map_err(from_store)?;
            if meta.last_modified.timestamp() > cutoff {
                continue;
            }
            if let Some(name) = meta.location.filename().filter(|name| valid_name(name)) {
                found.push(name.to_string());
            }
        }
        Ok(found)
    }

    async fn remove(&self, sha256: &str) -> Result<(), BlobError> {
        if !valid_name(sha256) {
            return Err(BlobError::BadName);
        }
        match self.inner.s3.delete(&self.final_key(sha256)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(error) => Err(from_store(error)),
        }
    }

    async fn contains(&self, sha256: &str) -> Result<bool, BlobError> {
        self.has(sha256).await
    }

    async fn sizes(&self) -> Result<Option<Vec<(String, u64)>>, BlobError> {
        self.list_all().await.map(Some)
    }

    fn reads_are_local(&self) -> bool {
        false
    }
}

/// Seconds since the epoch `age` ago.
fn chrono_cutoff(age: std::time::Duration) -> i64 {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|since| since.as_secs() as i64)
        .unwrap_or(0);
    now - age.as_secs() as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_are_read_strictly() {
        assert_eq!(
            S3Location::parse("s3://evidence/probity/office-1/").expect("parses"),
            S3Location {
                bucket: "evidence".into(),
                prefix: "probity/office-1".into()
            }
        );
        assert_eq!(
            S3Location::parse("s3://evidence")
                .expect("parses")
                .to_string(),
            "s3://evidence"
        );
        for bad in [
            "evidence",
            "s3://",
            "s3://Ev",
            "s3://ev/../x",
            "s3://evidence/a//b",
            "https://evidence",
        ] {
            assert!(S3Location::parse(bad).is_err(), "{bad} accepted");
        }
    }
}
