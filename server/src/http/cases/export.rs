//! The case export page and the bag's download: a ZIP holding one BagIt bag (RFC 8493 section
//! 4.2: one top-level folder named after the bag), streamed as it is written.
//!
//! A thread writes the ZIP (stored, not compressed: evidence is mostly compressed already,
//! and stored entries keep the thread's work to hashing) into a bounded channel that the
//! response body reads, so memory stays flat whatever the exhibits weigh. Each payload file is
//! hashed as it is written; an exhibit or stored file whose content no longer has its recorded
//! hash stops the ZIP before its central directory (the download fails, so no reader takes it
//! for whole) and raises the integrity alarm. The manifests and `bag-info.txt` come last,
//! when every hash and the payload size are known.

use crate::http::AppState;
use crate::http::actor::Actor;
use crate::http::error::AppError;
use crate::http::pages::{page_context, render};
use crate::http::posted::Posted;
use crate::office::OfficeError;
use crate::office::export::{Bag, BagContent, info_value, prepare};
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use bytes::Bytes;
use leptos::prelude::*;
use probity_app::pages::export::CaseExportPage;
use probity_domain::permissions::Action;
use probity_domain::validation::FieldErrors;
use serde::Deserialize;
use sha2::Digest as _;
use std::io::Write as _;
use tokio::sync::mpsc;

/// The export form as sent.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ExportForm {
    csrf_token: String,
    reason: String,
}

async fn page(
    state: &AppState,
    actor: &Actor,
    case_id: i64,
    reason: String,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<Response, AppError> {
    let open = crate::office::cases::open_case(
        &state.store,
        &actor.caller(),
        case_id,
        Action::ReadCase,
        "case.export",
    )
    .await?;
    let exhibits = state
        .store
        .exhibits(case_id, actor.user.user_id)
        .await?
        .len();
    let ctx = page_context(state, &actor.session, Some(&actor.user)).await?;
    let case = open.case;
    Ok(render(status, move || {
        view! { <CaseExportPage ctx=ctx case=case exhibits=exhibits reason=reason errors=errors /> }
    }))
}

/// The export page: what the bag holds, and the reason asked for.
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn form(
    State(state): State<AppState>,
    actor: Actor,
    Path(case_id): Path<i64>,
) -> Result<Response, AppError> {
    page(
        &state,
        &actor,
        case_id,
        String::new(),
        FieldErrors::default(),
        StatusCode::OK,
    )
    .await
}

/// Records the export and streams the bag.
#[tracing::instrument(skip_all, fields(case_id))]
pub async fn download(
    State(state): State<AppState>,
    actor: Actor,
    Path(case_id): Path<i64>,
    Posted(form): Posted<ExportForm>,
) -> Result<Response, AppError> {
    let caller = actor.caller();
    let _ = &form.csrf_token;
    match prepare(
        &state.store,
        &caller,
        case_id,
        &form.reason,
        &state.settings.office_name,
    )
    .await
    {
        Ok(bag) => Ok(stream_bag(&state, &caller, bag)),
        Err(OfficeError::ConfirmationNeeded) => {
            crate::http::two_factor::confirm_page(
                &state,
                &actor.session,
                &actor.user,
                format!("/cases/{case_id}/export"),
                vec![("reason".to_string(), form.reason)],
                FieldErrors::default(),
            )
            .await
        }
        Err(OfficeError::Invalid(errors)) => {
            page(
                &state,
                &actor,
                case_id,
                form.reason,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(error) => Err(error.into()),
    }
}

/// A `Write` that hands the ZIP to the response body in pieces of about 256 KiB.
struct ChannelWriter {
    pending: Vec<u8>,
    out: mpsc::Sender<Result<Bytes, std::io::Error>>,
}

const PIECE: usize = 256 * 1024;

impl ChannelWriter {
    fn send(&mut self) -> std::io::Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let piece = Bytes::from(std::mem::replace(
            &mut self.pending,
            Vec::with_capacity(PIECE),
        ));
        self.out
            .blocking_send(Ok(piece))
            .map_err(|_| std::io::Error::new(std::io::ErrorKind::BrokenPipe, "the reader left"))
    }
}

impl std::io::Write for ChannelWriter {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.pending.extend_from_slice(data);
        if self.pending.len() >= PIECE {
            self.send()?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.send()
    }
}

/// Why writing the bag stopped.
#[derive(Debug, thiserror::Error)]
enum BagError {
    #[error("writing the bag: {0}")]
    Io(#[from] std::io::Error),
    #[error("writing the bag: {0}")]
    Zip(#[from] zip::result::ZipError),
    #[error("a stored file no longer has its recorded hash")]
    Changed {
        exhibit_id: Option<i64>,
        expected: String,
        found: String,
    },
}

/// Streams the bag as a ZIP attachment.
fn stream_bag(state: &AppState, caller: &crate::office::Caller, bag: Bag) -> Response {
    let (sender, mut receiver) = mpsc::channel::<Result<Bytes, std::io::Error>>(8);
    let blobs = state.blobs.clone();
    let store = state.store.clone();
    let caller = caller.clone();
    let case_id = bag.case.case_id;
    let file_name = format!("{}-bag.zip", bag.name);
    let handle = tokio::runtime::Handle::current();
    let failures = sender.clone();
    tokio::task::spawn_blocking(move || {
        let written = write_bag(&handle, blobs.as_ref(), bag, sender);
        if let Err(error) = written {
            if let BagError::Changed {
                exhibit_id,
                expected,
                found,
            } = &error
            {
                let (store, caller) = (store.clone(), caller.clone());
                let (exhibit_id, expected, found) = (*exhibit_id, expected.clone(), found.clone());
                handle.spawn(async move {
                    let raised = match exhibit_id {
                        Some(exhibit_id) => crate::office::evidence::integrity_alarm(
                            &store, &caller, case_id, exhibit_id, &expected, &found,
                        )
                        .await
                        .map_err(|error| error.to_string()),
                        None => {
                            tracing::error!(%expected, %found, "integrity alarm: a stored report file changed");
                            Ok(())
                        }
                    };
                    if let Err(error) = raised {
                        tracing::error!(%error, "could not record the integrity alarm");
                    }
                });
            } else {
                tracing::warn!(%error, "the case export stopped");
            }
            let _ = failures.blocking_send(Err(std::io::Error::other(
                "the case export stopped before its end",
            )));
        }
    });
    let body = futures_util::stream::poll_fn(move |context| receiver.poll_recv(context));
    crate::http::pages::attachment(Body::from_stream(body), "application/zip", &file_name)
}

/// Writes the bag into the channel: the payload files, then the tag files.
fn write_bag(
    handle: &tokio::runtime::Handle,
    blobs: &dyn crate::blobs::BlobStore,
    bag: Bag,
    out: mpsc::Sender<Result<Bytes, std::io::Error>>,
) -> Result<(), BagError> {
    use std::io::Read as _;
    let mut zip = zip::ZipWriter::new_stream(ChannelWriter {
        pending: Vec::with_capacity(PIECE),
        out,
    });
    let stored = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored)
        .large_file(true);
    let root = bag.name.clone();
    let mut manifest = String::new();
    let (mut octets, mut count) = (0u64, 0u64);
    let mut buffer = vec![0u8; PIECE];
    for file in &bag.files {
        zip.start_file(format!("{root}/{}", file.path), stored)?;
        let mut hasher = sha2::Sha256::new();
        let mut size = 0u64;
        match &file.content {
            BagContent::Bytes(bytes) => {
                hasher.update(bytes);
                zip.write_all(bytes)?;
                size = bytes.len() as u64;
            }
            BagContent::Exhibit { sha256, .. } | BagContent::Stored { sha256 } => {
                let reader = handle
                    .block_on(blobs.open(sha256))
                    .map_err(|error| std::io::Error::other(error.to_string()))?;
                let mut reader =
                    tokio_util::io::SyncIoBridge::new_with_handle(reader, handle.clone());
                loop {
                    let read = reader.read(&mut buffer)?;
                    if read == 0 {
                        break;
                    }
                    hasher.update(&buffer[..read]);
                    zip.write_all(&buffer[..read])?;
                    size += read as u64;
                }
            }
        }
        let found = format!("{:x}", hasher.finalize());
        match &file.content {
            BagContent::Exhibit {
                exhibit_id, sha256, ..
            } if &found != sha256 => {
                return Err(BagError::Changed {
                    exhibit_id: Some(*exhibit_id),
                    expected: sha256.clone(),
                    found,
                });
            }
            BagContent::Stored { sha256 } if &found != sha256 => {
                return Err(BagError::Changed {
                    exhibit_id: None,
                    expected: sha256.clone(),
                    found,
                });
            }
            _ => {}
        }
        manifest.push_str(&format!("{found}  {}\n", file.path));
        octets += size;
        count += 1;
    }
    let mut info = String::new();
    for (label, value) in &bag.info {
        info.push_str(&format!("{label}: {}\n", info_value(value)));
    }
    info.push_str(&format!("Payload-Oxum: {octets}.{count}\n"));
    let tags = [
        (
            "bagit.txt",
            "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n".to_string(),
        ),
        ("bag-info.txt", info),
        ("manifest-sha256.txt", manifest),
    ];
    let mut tag_manifest = String::new();
    for (name, text) in &tags {
        zip.start_file(format!("{root}/{name}"), stored)?;
        zip.write_all(text.as_bytes())?;
        tag_manifest.push_str(&format!(
            "{:x}  {name}\n",
            sha2::Sha256::digest(text.as_bytes())
        ));
    }
    zip.start_file(format!("{root}/tagmanifest-sha256.txt"), stored)?;
    zip.write_all(tag_manifest.as_bytes())?;
    let mut writer = zip.finish()?.into_inner();
    writer.flush()?;
    Ok(())
}
