//! The blob store's promises, checked on both stores: files in a folder, and S3 (a real
//! Garage server on loopback).

use bytes::Bytes;
use futures_util::StreamExt as _;
use object_store::ObjectStoreExt as _;
use object_store::multipart::MultipartStore as _;
use probity_server::blobs::s3::{PART, S3BlobStore, S3Location};
use probity_server::blobs::{self, BlobError, BlobStore, fs::FsBlobStore};
use probity_tests::garage::Garage;
use sha2::Digest as _;
use std::sync::Arc;
use tokio::io::AsyncReadExt as _;

/// Replaces a stored blob's content (as an intruder with disk or bucket access would).
type Tamper = Box<dyn Fn(&str, Vec<u8>) -> futures_util::future::BoxFuture<'static, ()> + Send>;
/// Counts the temporary objects or files a store holds.
type Leftovers = Box<dyn Fn() -> futures_util::future::BoxFuture<'static, usize> + Send>;

/// One store under test, with a way to reach behind its back.
struct Subject {
    name: &'static str,
    store: Arc<dyn BlobStore>,
    tamper: Tamper,
    leftovers: Leftovers,
    journal: Option<std::path::PathBuf>,
    raw: Option<(object_store::aws::AmazonS3, String)>,
}

fn temp_dir(label: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "probity-blobs-{label}-{}",
        probity_tests::random_suffix()
    ));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn subjects() -> Vec<Subject> {
    let root = temp_dir("fs");
    let fs = FsBlobStore::open(&root).expect("fs store");
    let tamper_root = root.clone();
    let leftover_root = root.clone();
    let garage = Garage::shared();
    let location = S3Location::parse(&garage.fresh_store()).expect("address");
    let prefix = location.prefix.clone();
    let journal = temp_dir("journal");
    let s3 = S3BlobStore::open(location, &garage.settings(), journal.clone()).expect("s3 store");
    let tamper_prefix = prefix.clone();
    let leftover_prefix = prefix.clone();
    vec![
        Subject {
            name: "files",
            store: Arc::new(fs),
            tamper: Box::new(move |sha256, bytes| {
                let path = tamper_root
                    .join("sha256")
                    .join(&sha256[0..2])
                    .join(&sha256[2..4])
                    .join(sha256);
                Box::pin(async move {
                    tokio::fs::write(path, bytes).await.expect("tamper");
                })
            }),
            leftovers: Box::new(move || {
                let dir = leftover_root.join("tmp");
                Box::pin(async move { std::fs::read_dir(dir).map(|dir| dir.count()).unwrap_or(0) })
            }),
            journal: None,
            raw: None,
        },
        Subject {
            name: "S3",
            store: Arc::new(s3),
            tamper: Box::new(move |sha256, bytes| {
                let key = object_store::path::Path::from(format!(
                    "{tamper_prefix}/sha256/{}/{sha256}",
                    &sha256[0..2]
                ));
                let raw = Garage::shared().raw_client();
                Box::pin(async move {
                    raw.put(&key, bytes.into()).await.expect("tamper");
                })
            }),
            leftovers: Box::new(move || {
                let raw = Garage::shared().raw_client();
                let prefix = object_store::path::Path::from(format!("{leftover_prefix}/tmp"));
                Box::pin(async move {
                    let listed: Vec<_> = object_store::ObjectStore::list(&raw, Some(&prefix))
                        .collect()
                        .await;
                    listed.len()
                })
            }),
            journal: Some(journal),
            raw: Some((garage.raw_client(), prefix)),
        },
    ]
}

fn hex(bytes: &[u8]) -> String {
    format!("{:x}", sha2::Sha256::digest(bytes))
}

async fn write_in_chunks(
    store: &dyn BlobStore,
    bytes: &[u8],
    chunk: usize,
    limit: u64,
) -> Result<blobs::StoredBlob, BlobError> {
    let mut writer = store.writer(limit).await?;
    for piece in bytes.chunks(chunk) {
        if let Err(error) = writer.write(Bytes::copy_from_slice(piece)).await {
            writer.abort().await;
            return Err(error);
        }
    }
    writer.finish().await
}

async fn read_all(store: &dyn BlobStore, sha256: &str) -> Vec<u8> {
    let mut reader = store.open(sha256).await.expect("open");
    let mut out = Vec::new();
    reader.read_to_end(&mut out).await.expect("read");
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_stores_keep_files_byte_for_byte_once_under_their_hash() {
    for subject in subjects() {
        let store = subject.store.as_ref();
        let name = subject.name;
        // Small, exactly one part, one byte over, and several parts in uneven chunks.
        for (size, chunk) in [
            (1, 1),
            (70_000, 4096),
            (PART, 65_536),
            (PART + 1, 1_000_003),
            (3 * PART + 12_345, 777_777),
        ] {
            let bytes = probity_tests::noise(size, size as u64);
            let stored = write_in_chunks(store, &bytes, chunk, u64::MAX)
                .await
                .unwrap_or_else(|error| panic!("{name}: {size} bytes: {error}"));
            assert_eq!(stored.sha256, hex(&bytes), "{name}: {size} bytes");
            assert_eq!(stored.size, size as u64);
            assert_eq!(stored.head, bytes[..bytes.len().min(8192)]);
            assert!(store.contains(&stored.sha256).await.expect("contains"));
            assert!(
                read_all(store, &stored.sha256).await == bytes,
                "{name}: {size} bytes read back differently"
            );
            // The same content again is the same blob.
            let again = write_in_chunks(store, &bytes, 1 << 20, u64::MAX)
                .await
                .expect("again");
            assert_eq!(again.sha256, stored.sha256);
            assert_eq!(
                blobs::rehash(store, &stored.sha256).await.expect("rehash"),
                stored.sha256
            );
        }
        assert_eq!(
            (subject.leftovers)().await,
            0,
            "{name}: temporary objects left"
        );
        if let Some(journal) = &subject.journal {
            assert_eq!(
                std::fs::read_dir(journal).expect("journal").count(),
                0,
                "{name}: uploads still noted"
            );
        }
        // Every blob is listed as stored, and removing one forgets it.
        let all = store
            .older_than(std::time::Duration::ZERO)
            .await
            .expect("list");
        assert_eq!(all.len(), 5, "{name}: {all:?}");
        let gone = hex(&probity_tests::noise(1, 1));
        store.remove(&gone).await.expect("remove");
        store
            .remove(&gone)
            .await
            .expect("removing twice is no error");
        assert!(!store.contains(&gone).await.expect("contains"));
        assert!(matches!(store.open(&gone).await, Err(BlobError::Missing)));
        assert!(matches!(
            store.open("../etc/passwd").await,
            Err(BlobError::BadName)
        ));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_and_aborted_writes_leave_nothing() {
    for subject in subjects() {
        let store = subject.store.as_ref();
        let name = subject.name;
        let bytes = probity_tests::noise(2 * PART + 10, 7);
        let refused = write_in_chunks(store, &bytes, 1 << 20, PART as u64 + 5).await;
        assert!(
            matches!(refused, Err(BlobError::TooLarge { .. })),
            "{name}: {refused:?}"
        );
        assert!(matches!(
            write_in_chunks(store, &[], 1, 10).await,
            Err(BlobError::Empty)
        ));
        // Aborted after several parts went up, and dropped mid-way (a cancelled request).
        let mut writer = store.writer(u64::MAX).await.expect("writer");
        for piece in bytes.chunks(1 << 20) {
            writer
                .write(Bytes::copy_from_slice(piece))
                .await
                .expect("write");
        }
        writer.abort().await;
        let mut dropped = store.writer(u64::MAX).await.expect("writer");
        for piece in bytes.chunks(1 << 20) {
            dropped
                .write(Bytes::copy_from_slice(piece))
                .await
                .expect("write");
        }
        drop(dropped);
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        assert!(
            !store.contains(&hex(&bytes)).await.expect("contains"),
            "{name}"
        );
        assert_eq!(
            (subject.leftovers)().await,
            0,
            "{name}: temporary objects left"
        );
        if let Some(journal) = &subject.journal {
            assert_eq!(
                std::fs::read_dir(journal).expect("journal").count(),
                0,
                "{name}"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upload_left_by_a_killed_node_is_aborted_when_it_starts_again() {
    let subject = subjects().pop().expect("the S3 subject");
    let (raw, prefix) = subject.raw.as_ref().expect("raw client");
    let journal = subject.journal.as_ref().expect("journal");
    // What a node killed mid-upload leaves: an upload under way and its note.
    let key = object_store::path::Path::from(format!("{prefix}/tmp/killed"));
    let id = raw.create_multipart(&key).await.expect("create");
    raw.put_part(
        &key,
        &id,
        0,
        Bytes::from(probity_tests::noise(PART, 3)).into(),
    )
    .await
    .expect("part");
    std::fs::write(
        journal.join("killed"),
        serde_json::json!({ "key": key.as_ref(), "upload_id": id }).to_string(),
    )
    .expect("note");
    let removed = subject.store.clean_temporary().await.expect("clean");
    assert_eq!(removed, 1);
    assert_eq!(std::fs::read_dir(journal).expect("journal").count(), 0);
    // The upload is gone: a part for it is refused.
    let late = raw
        .put_part(
            &key,
            &id,
            1,
            Bytes::from(probity_tests::noise(PART, 4)).into(),
        )
        .await;
    assert!(late.is_err(), "the upload was not aborted");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_changed_file_is_cut_short_before_its_last_byte_and_raises_the_alarm() {
    for subject in subjects() {
        let store = subject.store.as_ref();
        let name = subject.name;
        let bytes = probity_tests::noise(3 * 256 * 1024 + 99, 11);
        let stored = write_in_chunks(store, &bytes, 1 << 16, u64::MAX)
            .await
            .expect("stored");
        // Untouched: every byte arrives and no alarm.
        let (alarm, mut raised) = tokio::sync::mpsc::unbounded_channel();
        let send = alarm.clone();
        let mut reader = blobs::verified(
            store.open(&stored.sha256).await.expect("open"),
            stored.sha256.clone(),
            stored.size,
            Box::new(move |found| {
                let _ = send.send(found);
            }),
        );
        let mut out = Vec::new();
        reader.read_to_end(&mut out).await.expect("whole");
        assert!(out == bytes);
        assert!(raised.try_recv().is_err());
        // Changed behind the store's back, same length, last byte only.
        let mut changed = bytes.clone();
        let last = changed.len() - 1;
        changed[last] ^= 0x55;
        (subject.tamper)(&stored.sha256, changed.clone()).await;
        let mut reader = blobs::verified(
            store.open(&stored.sha256).await.expect("open"),
            stored.sha256.clone(),
            stored.size,
            Box::new(move |found| {
                let _ = alarm.send(found);
            }),
        );
        let mut out = Vec::new();
        let result = reader.read_to_end(&mut out).await;
        assert!(result.is_err(), "{name}: the changed file read to its end");
        assert!(
            out.len() < changed.len(),
            "{name}: {} of {} bytes went out",
            out.len(),
            changed.len()
        );
        assert_eq!(raised.recv().await, Some(hex(&changed)), "{name}: no alarm");
        assert_ne!(
            blobs::rehash(store, &stored.sha256).await.expect("rehash"),
            stored.sha256
        );
        // Changed and made longer: a reader that stops at the recorded length (as a download
        // does at its Content-Length) still never gets the whole recorded length clean.
        let mut longer = bytes.clone();
        longer[0] ^= 0x01;
        longer.extend_from_slice(&[0u8; 300_000]);
        (subject.tamper)(&stored.sha256, longer).await;
        let (alarm, mut raised) = tokio::sync::mpsc::unbounded_channel();
        let mut reader = blobs::verified(
            store.open(&stored.sha256).await.expect("open"),
            stored.sha256.clone(),
            stored.size,
            Box::new(move |found| {
                let _ = alarm.send(found);
            }),
        );
        let mut out = vec![0u8; stored.size as usize];
        let cut = reader.read_exact(&mut out).await;
        assert!(
            cut.is_err(),
            "{name}: the recorded length of a longer file came out clean"
        );
        assert!(
            raised.recv().await.is_some(),
            "{name}: no alarm for a longer file"
        );
    }
}
