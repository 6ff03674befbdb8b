//! Importing a message log: the parser reads the exhibit's blob in a blocking thread and
//! hands messages over a bounded channel to one database transaction, so memory stays flat
//! whatever the log's size. The transaction is committed, or rolled back when the import is
//! all-or-nothing and some part could not be read.

use super::{Format, ParsedMessage, ReadOptions};
use crate::blobs::BlobStore;
use crate::jobs::Progress;
use crate::storage::DynStore;
use crate::storage::messages::NewMessage;
use probity_domain::evidence::Exhibit;
use std::sync::Arc;
use tokio::sync::{mpsc, oneshot};

/// Messages handed to the database at a time.
const BATCH: usize = 2000;

/// Why an import could not run at all.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error(transparent)]
    Blob(#[from] crate::blobs::BlobError),
    #[error(transparent)]
    Store(#[from] crate::storage::StoreError),
    #[error(transparent)]
    Io(#[from] std::io::Error),
    #[error("import task failed: {0}")]
    Task(String),
}

/// What an import keeps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Keep {
    /// Every message, or nothing when any part cannot be read.
    AllOrNothing,
    /// What can be read; the rest is reported.
    WhatCanBeRead,
    /// Nothing new: the times read replace those of the messages already imported, all or
    /// nothing.
    NewTimes,
}

/// What an import did.
pub struct ImportOutcome {
    pub imported: i64,
    pub problems: Vec<super::Problem>,
    pub total_problems: usize,
    pub rolled_back: bool,
    pub attachments: Vec<(String, crate::blobs::StoredBlob)>,
    /// When nothing in the file told whether the day or the month comes first and the import
    /// chose: true when it read them day first.
    pub guessed_day_first: Option<bool>,
}

/// How to read a log: its format, the reader's options and what to keep.
pub struct Reading {
    pub format: Format,
    pub options: ReadOptions,
    pub keep: Keep,
}

/// Reads the log in a blocking thread and streams its messages to the store, which keeps
/// them only when all is well (see [`MessageStore::import_messages`]); with `redate`, only the
/// times of the messages already imported are replaced.
///
/// [`MessageStore::import_messages`]: crate::storage::messages::MessageStore::import_messages
pub async fn run(
    store: &DynStore,
    blobs: &Arc<dyn BlobStore>,
    case_id: i64,
    exhibit: &Exhibit,
    reading: Reading,
    progress: Arc<Progress>,
) -> Result<ImportOutcome, ImportError> {
    let Reading {
        format,
        options,
        keep,
    } = reading;
    let all_or_nothing = !matches!(keep, Keep::WhatCanBeRead);
    let redate = matches!(keep, Keep::NewTimes);
    // Kept until the import ends: a temporary copy is removed when it is dropped.
    let copy = blobs.local_copy(&exhibit.sha256).await?;
    let path = copy.path().to_path_buf();
    let mut options = options;
    let mut guessed_day_first = None;
    let passes = if format == Format::WhatsApp { 2 } else { 1 };
    progress.set_total(exhibit.size_bytes.saturating_mul(passes));
    if format == Format::WhatsApp {
        progress.step("Learning the chat's participants and its date order");
        // A first pass learns the chat's participants and its date order, so each message
        // is handed on as soon as it ends, with every participant among its recipients.
        let survey_path = path.clone();
        let counted = progress.clone();
        let survey = tokio::task::spawn_blocking(move || {
            let file = Counted::new(std::fs::File::open(survey_path)?, counted);
            super::whatsapp::survey(std::io::BufReader::with_capacity(256 * 1024, file))
        })
        .await
        .map_err(|error| ImportError::Task(error.to_string()))??;
        if options.day_first.is_none() {
            options.day_first = survey.day_first;
            if survey.day_first.is_none() && survey.ambiguous_dates > 0 {
                // Month first, as the US exports that are most common write them.
                options.day_first = Some(false);
                guessed_day_first = Some(false);
            }
        }
        let mut participants = survey.senders;
        if !options.owner.trim().is_empty() {
            participants.insert(options.owner.trim().to_string());
        }
        options.participants = participants.into_iter().collect();
    }
    progress.step("Reading messages");
    let (parsed_tx, mut parsed_rx) = mpsc::channel::<ParsedMessage>(BATCH);
    let counted = progress.clone();
    let parse = tokio::task::spawn_blocking(move || {
        let file = Counted::new(std::fs::File::open(path)?, counted);
        let reader = std::io::BufReader::with_capacity(256 * 1024, file);
        Ok::<_, std::io::Error>(super::read(format, reader, &options, &mut |message| {
            parsed_tx.blocking_send(message).is_ok()
        }))
    });
    let (batch_tx, batch_rx) = mpsc::channel::<Vec<NewMessage>>(4);
    let (commit_tx, commit_rx) = oneshot::channel::<bool>();
    let store = store.clone();
    let exhibit_id = exhibit.exhibit_id;
    let import = tokio::spawn(async move {
        store
            .import_messages(case_id, exhibit_id, batch_rx, commit_rx, redate)
            .await
    });
    let blobs = blobs.clone();
    let told = progress.clone();
    let bridge = async move {
        let mut batch = Vec::with_capacity(BATCH);
        let mut attachments = Vec::new();
        let mut read = 0u64;
        while let Some(message) = parsed_rx.recv().await {
            read += 1;
            if read.is_multiple_of(500) {
                told.step(format!("Reading messages: {read} read"));
            }
            for (name, bytes) in message.attachments {
                match blobs.put_bytes(&bytes).await {
                    Ok(blob) => attachments.push((name, blob)),
                    Err(error) => tracing::warn!(%error, "cannot store an e-mail attachment"),
                }
            }
            batch.push(NewMessage {
                sent_at: message.sent_at,
                sender: message.sender,
                recipients: message.recipients,
                body: message.body,
                location: message.location,
            });
            if batch.len() >= BATCH && batch_tx.send(std::mem::take(&mut batch)).await.is_err() {
                break;
            }
        }
        if !batch.is_empty() {
            let _ = batch_tx.send(batch).await;
        }
        attachments
    };
    let (attachments, parsed) = tokio::join!(bridge, parse);
    let (problems, total_problems) =
        parsed.map_err(|error| ImportError::Task(error.to_string()))??;
    let rolled_back = all_or_nothing && total_problems > 0;
    progress.step(if rolled_back {
        "Undoing the import: some of the file could not be read"
    } else {
        "Saving the messages"
    });
    let _ = commit_tx.send(!rolled_back);
    let imported = import
        .await
        .map_err(|error| ImportError::Task(error.to_string()))??;
    Ok(ImportOutcome {
        imported,
        problems,
        total_problems,
        rolled_back,
        attachments: if rolled_back { Vec::new() } else { attachments },
        guessed_day_first,
    })
}

/// A reader that tells the job's progress how many bytes it has read.
struct Counted<R> {
    inner: R,
    progress: Arc<Progress>,
}

impl<R> Counted<R> {
    fn new(inner: R, progress: Arc<Progress>) -> Counted<R> {
        Counted { inner, progress }
    }
}

impl<R: std::io::Read> std::io::Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let read = self.inner.read(buf)?;
        self.progress.add(read as i64);
        Ok(read)
    }
}
